"""Recurrent language models: vanilla RNN (tanh), GRU and LSTM, one class parameterised by cell.

    ids (B, T) -> embedding (B, T, C) -> dropout -> n_layer stacked recurrent layers (dropout
    between layers) -> dropout -> linear head (B, T, V), optionally tied to the embedding.

The hidden size equals d_model, so tying the head to the embedding needs no projection.

Context protocol: fixed windows, the same as the Transformer's. Training draws random windows of
``block_size`` tokens and runs each from a zero hidden state (back-propagation through those
``block_size`` steps only; no state is carried between batches, so this is not truncated BPTT
over a stream). Evaluation scores windows of ``block_size`` tokens, each from a zero state;
``score_text`` and generation see at most ``block_size`` tokens of context (``context_window``),
rebuilding the state from the last tokens of the text when the window slides. So the model is
never asked to use more context, or a state older, than it was trained on.

State for ``step``: a tensor h (n_layer, B, C) for rnn and gru, a tuple (h, c) for lstm.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from ..config import ModelConfig
from .base import LanguageModel
from .registry import register

_CELLS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


class RecurrentLM(LanguageModel):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__(config)
        if config.arch not in _CELLS:
            raise ValueError(f"RecurrentLM handles {', '.join(_CELLS)}, not {config.arch!r}")
        c = config.d_model
        self.cell = config.arch
        self.embed = nn.Embedding(config.vocab_size, c)
        self.drop = nn.Dropout(config.dropout)
        kwargs = {"nonlinearity": "tanh"} if self.cell == "rnn" else {}
        self.rnn = _CELLS[self.cell](
            c,
            c,
            num_layers=config.n_layer,
            batch_first=True,
            bias=config.bias,
            dropout=config.dropout if config.n_layer > 1 else 0.0,
            **kwargs,
        )
        self.head = nn.Linear(c, config.vocab_size, bias=config.bias)
        if config.tie_weights:
            self.head.weight = self.embed.weight
        self._init_weights()

    def _init_weights(self) -> None:
        # PyTorch's recurrent default U(-1/sqrt(C), 1/sqrt(C)) is kept; the embedding gets the same
        # small scale instead of N(0, 1), which with tying would make the initial logits huge.
        bound = 1.0 / math.sqrt(self.config.d_model)
        nn.init.uniform_(self.embed.weight, -bound, bound)
        if not self.config.tie_weights:
            nn.init.uniform_(self.head.weight, -bound, bound)
        if self.head.bias is not None:
            nn.init.zeros_(self.head.bias)
        if self.cell == "lstm" and self.config.bias:
            # forget-gate bias 1: remembers by default, trains faster (Jozefowicz et al. 2015)
            for name, p in self.rnn.named_parameters():
                if name.startswith("bias_ih"):
                    with torch.no_grad():
                        p[c_slice(self.config.d_model, 1)].fill_(1.0)
                        self.rnn.get_parameter(name.replace("_ih", "_hh"))[c_slice(self.config.d_model, 1)].fill_(0.0)

    @property
    def context_window(self):
        # trained on windows of block_size tokens from a zero state: see the module docstring
        return self.config.block_size

    def forward(self, ids, targets=None):
        logits, _ = self.step(ids, None)
        loss = None if targets is None else self.loss_from_logits(logits, targets)
        return logits, loss

    def init_state(self, batch_size, device):
        shape = (self.config.n_layer, batch_size, self.config.d_model)
        dtype = self.embed.weight.dtype
        h = torch.zeros(shape, device=device, dtype=dtype)
        return (h, torch.zeros_like(h)) if self.cell == "lstm" else h

    def step(self, ids, state, *, last_only=False):
        active = self.training and self.config.dropout > 0  # skip no-op module calls in generation
        x = self.embed(ids)  # (B, T, C)
        out, state = self.rnn(self.drop(x) if active else x, state)  # (B, T, C), state of the last step
        if last_only:
            out = out[:, -1:]  # (B, 1, C)
        return self.head(self.drop(out) if active else out), state  # (B, T, V), or (B, 1, V)

    def reorder_state(self, state, index):
        if isinstance(state, tuple):
            return tuple(s.index_select(1, index) for s in state)
        return state.index_select(1, index)

    @torch.no_grad()
    def inspect(self, ids):
        """Hidden states h of every layer, (T, C) each, from the cell equations run step by step
        with the stacked module's own weights (the fused module only returns the top layer)."""
        was_training = self.training
        self.eval()
        try:
            x = self.embed(ids[0])  # (T, C)
            hidden = []
            for layer in range(self.config.n_layer):
                w = [getattr(self.rnn, f"{n}_l{layer}") for n in ("weight_ih", "weight_hh")]
                b = [getattr(self.rnn, f"{n}_l{layer}") if self.config.bias else None for n in ("bias_ih", "bias_hh")]
                h = x.new_zeros(1, self.config.d_model)
                c = torch.zeros_like(h)
                outs = []
                for t in range(x.size(0)):
                    xt = x[t : t + 1]
                    if self.cell == "lstm":
                        h, c = torch.lstm_cell(xt, (h, c), w[0], w[1], b[0], b[1])
                    elif self.cell == "gru":
                        h = torch.gru_cell(xt, h, w[0], w[1], b[0], b[1])
                    else:
                        h = torch.rnn_tanh_cell(xt, h, w[0], w[1], b[0], b[1])
                    outs.append(h)
                x = torch.cat(outs, 0)  # (T, C): input of the next layer
                hidden.append(x.float().cpu().numpy().astype(np.float32))
            return {"hidden": hidden}
        finally:
            self.train(was_training)


def c_slice(width: int, gate: int) -> slice:
    """Rows of gate number ``gate`` in a stacked gate matrix (LSTM order: input, forget, cell, output)."""
    return slice(gate * width, (gate + 1) * width)


for _name in _CELLS:
    register(_name)(RecurrentLM)
