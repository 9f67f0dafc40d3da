"""Recurrent encoder-decoders (RNN, GRU, LSTM) with Bahdanau, Luong or no attention.

    src (B, S) -> embedding -> n_layer recurrent layers, one or both ways -> encoder outputs (B, S, C)
                                                                          -> final states -> decoder's initial state
    tgt_in (B, T) -> embedding -> n_layer recurrent layers (from that state) -> h_t (B, T, C)
        attention "none":              logits = head(h_t)
        attention "bahdanau"/"luong":  c_t = attention(h_t, encoder outputs); logits = head(tanh(W_c [h_t; c_t]))

Design choices, and why:

- The attention query is the decoder's current top-layer output h_t, and the context c_t is concatenated to
  it after the recurrent layers (Luong et al. 2015's "attentional hidden state" tanh(W_c [h_t; c_t])), for
  both scores: additive (Bahdanau: v^T tanh(W_q h_t + W_k enc_s)) and multiplicative ("general":
  h_t^T W enc_s). There is no input feeding (the context is not fed back into the next step's input), so the
  decoder's recurrence never waits on the attention: teacher-forced training runs the whole target through
  one fused recurrent call and then attends for all positions at once, exact and as fast as the plain
  model. Bahdanau's original query is the previous state and its context enters the recurrence; that needs
  a Python loop over time steps in training, several times slower on a CPU, for no measured gain at this size.
- Attention "none" is the plain encoder-decoder of the PyTorch seq2seq tutorial (Sutskever et al. 2014):
  the source reaches the decoder only through the encoder's final state.
- Padding is invisible: the encoder runs on ``pack_padded_sequence`` with each source's length, so extra
  pad tokens change neither its outputs nor its final states (the backward direction starts at each
  source's own last token), and attention gives padded positions a weight of exactly 0. Sources are padded
  at the end (``src_mask`` is True on a prefix of each row); another mask is refused.
- Bidirectional encoder: each direction has width C; their concatenated outputs are projected back to C
  (a linear map), and the final states of the two directions of each layer are combined into that layer's
  initial decoder state by a bridge per layer: tanh(Linear(2C -> C)) for h, a plain Linear for the LSTM's
  cell state c (it is not bounded to [-1, 1]). One-way encoders hand their final states over unchanged.
- Embeddings: the decoder's embedding is also the encoder's when ``shared_embeddings`` and there is one
  joint vocabulary (``source_vocab_size`` 0). With ``tie_weights`` the output head shares the decoder's
  embedding; the head reads a C-wide vector in every variant and the embedding is C wide, so the sizes
  always match and tying is always possible.
- Teacher forcing below 1 (scheduled sampling, Bengio et al. 2015): ``forward(..., teacher_forcing=r)``
  feeds, per batch row and per step, the true previous token with probability r, else the model's own
  argmax from the previous step (drawn with torch's RNG), one step at a time.

State for ``step``: :class:`RNNDecoderState`, the recurrent state (h, or (h, c) for the LSTM, each
(n_layer, B, C)) and the encoder's :class:`RNNMemory`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from ..config import ModelConfig
from ..errors import ConfigError
from .seq2seq import Seq2SeqModel, register_seq2seq

_CELLS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}

Hidden = torch.Tensor | tuple[torch.Tensor, torch.Tensor]


def _select_hidden(hidden: Hidden, index: torch.Tensor) -> Hidden:
    if isinstance(hidden, tuple):
        return tuple(h.index_select(1, index) for h in hidden)
    return hidden.index_select(1, index)


def _dtype(hidden: Hidden) -> torch.dtype:
    return hidden[0].dtype if isinstance(hidden, tuple) else hidden.dtype


@dataclass
class RNNMemory:
    """What the encoder hands the decoder: its outputs, where they are real, and the decoder's first state."""

    outputs: torch.Tensor  # (B, S, C) encoder outputs (the attention values); zeros at padding
    mask: torch.Tensor  # (B, S) bool, True on real source tokens
    keys: torch.Tensor | None  # (B, S, C) outputs projected for the attention scores once; None without attention
    hidden: Hidden  # (n_layer, B, C), or (h, c) for the LSTM: the decoder's initial recurrent state

    def index_select(self, index: torch.Tensor) -> RNNMemory:
        return RNNMemory(
            outputs=self.outputs.index_select(0, index),
            mask=self.mask.index_select(0, index),
            keys=None if self.keys is None else self.keys.index_select(0, index),
            hidden=_select_hidden(self.hidden, index),
        )


@dataclass
class RNNDecoderState:
    """The decoder's recurrent state after the tokens fed so far, and the encoder memory it attends to."""

    hidden: Hidden
    memory: RNNMemory


class _Attention(nn.Module):
    """Scores of a query h_t against every encoder output, softmax over the real source tokens, and the
    weighted sum of the outputs (the context)."""

    def __init__(self, kind: str, width: int, bias: bool) -> None:
        super().__init__()
        self.kind = kind
        self.key = nn.Linear(width, width, bias=False)  # W_k (additive) or W (general)
        if kind == "bahdanau":
            self.query = nn.Linear(width, width, bias=bias)  # W_q
            self.v = nn.Linear(width, 1, bias=False)

    def forward(
        self, h: torch.Tensor, keys: torch.Tensor, values: torch.Tensor, mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        if self.kind == "bahdanau":
            # v^T tanh(W_q h_t + W_k enc_s): (B, T, 1, C) + (B, 1, S, C) -> (B, T, S)
            scores = self.v(torch.tanh(self.query(h).unsqueeze(2) + keys.unsqueeze(1))).squeeze(-1)
        else:
            scores = h @ keys.transpose(1, 2)  # h_t^T W enc_s: (B, T, S)
        scores = scores.masked_fill(~mask.unsqueeze(1), float("-inf"))
        weights = scores.softmax(dim=-1)  # exactly 0 on padding; every row has a real token
        return weights @ values, weights  # (B, T, C), (B, T, S)


class RNNSeq2Seq(Seq2SeqModel):
    """A recurrent encoder-decoder whose cell (rnn, gru, lstm) follows ``config.arch``."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__(config)
        if config.arch not in _CELLS:
            raise ConfigError(
                f"model.arch: the recurrent encoder-decoder handles {', '.join(_CELLS)}, not {config.arch!r}"
            )
        c, layers = config.d_model, config.n_layer
        self.cell = config.arch
        self.attention_kind = config.attention
        self.bidirectional = config.bidirectional
        self.shared = config.shared_embeddings and config.source_vocab_size == 0
        self.tgt_embed = nn.Embedding(config.vocab_size, c)
        # one module, not registered twice, when shared: see _src_embedding
        self.src_embed = None if self.shared else nn.Embedding(self.source_vocab_size, c)
        self.drop = nn.Dropout(config.dropout)

        def recurrent(bidirectional: bool) -> nn.RNNBase:
            kwargs = {"nonlinearity": "tanh"} if self.cell == "rnn" else {}
            return _CELLS[self.cell](
                c,
                c,
                num_layers=layers,
                batch_first=True,
                bias=config.bias,
                dropout=config.dropout if layers > 1 else 0.0,
                bidirectional=bidirectional,
                **kwargs,
            )

        self.encoder = recurrent(self.bidirectional)
        self.decoder = recurrent(False)
        if self.bidirectional:
            self.enc_proj = nn.Linear(2 * c, c, bias=config.bias)
            self.bridge_h = nn.ModuleList(nn.Linear(2 * c, c, bias=config.bias) for _ in range(layers))
            if self.cell == "lstm":
                self.bridge_c = nn.ModuleList(nn.Linear(2 * c, c, bias=config.bias) for _ in range(layers))
        if self.attention_kind != "none":
            self.attn = _Attention(self.attention_kind, c, config.bias)
            self.combine = nn.Linear(2 * c, c, bias=config.bias)  # W_c [h_t; c_t]
        self.head = nn.Linear(c, config.vocab_size, bias=config.bias)
        if config.tie_weights:
            self.head.weight = self.tgt_embed.weight  # sizes always match: see the module docstring
        self._init_weights()

    def _init_weights(self) -> None:
        # As the recurrent language model: PyTorch's recurrent and linear defaults, and embeddings at the
        # recurrent scale U(-1/sqrt(C), 1/sqrt(C)) instead of N(0, 1), which with tying would make the
        # initial logits huge.
        bound = 1.0 / math.sqrt(self.config.d_model)
        for embed in (self.tgt_embed, self.src_embed):
            if embed is not None:
                nn.init.uniform_(embed.weight, -bound, bound)
        if not self.config.tie_weights:
            nn.init.uniform_(self.head.weight, -bound, bound)
        if self.head.bias is not None:
            nn.init.zeros_(self.head.bias)
        if self.cell == "lstm" and self.config.bias:
            # forget-gate bias 1: remembers by default, trains faster (Jozefowicz et al. 2015)
            c = self.config.d_model
            for module in (self.encoder, self.decoder):
                for name, p in module.named_parameters():
                    if name.startswith("bias_ih"):
                        with torch.no_grad():
                            p[c : 2 * c].fill_(1.0)
                            module.get_parameter(name.replace("_ih", "_hh"))[c : 2 * c].fill_(0.0)

    def _src_embedding(self) -> nn.Embedding:
        return self.tgt_embed if self.src_embed is None else self.src_embed

    def _dropout(self, x: torch.Tensor) -> torch.Tensor:
        return self.drop(x) if self.training and self.config.dropout > 0 else x  # skip no-op calls in generation

    # -- encoder ---------------------------------------------------------------------------------------
    def encode(self, src: torch.Tensor, src_mask: torch.Tensor) -> RNNMemory:
        batch, length = src.shape
        src_mask = src_mask.bool()
        lengths = src_mask.sum(dim=1)
        prefix = torch.arange(length, device=src.device).unsqueeze(0) < lengths.unsqueeze(1)
        if not torch.equal(prefix, src_mask):
            raise ValueError("src_mask: padding must come after the real tokens of each source (True on a prefix)")
        lengths_cpu = lengths.cpu()
        if batch and int(lengths_cpu.min()) < 1:
            raise ValueError("src: a source has no real token; every source ends in EOS at least")
        x = self._dropout(self._src_embedding()(src))
        packed = pack_padded_sequence(x, lengths_cpu, batch_first=True, enforce_sorted=False)
        out, final = self.encoder(packed)  # final states come back in the batch's own order
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=length)  # (B, S, C or 2C), 0 at padding
        if self.bidirectional:
            out = self.enc_proj(out)
            if isinstance(final, tuple):
                final = (self._bridge(final[0], self.bridge_h, torch.tanh), self._bridge(final[1], self.bridge_c, None))
            else:
                final = self._bridge(final, self.bridge_h, torch.tanh)
        keys = self.attn.key(out) if self.attention_kind != "none" else None
        return RNNMemory(outputs=out, mask=src_mask, keys=keys, hidden=final)

    def _bridge(self, final: torch.Tensor, linears: nn.ModuleList, activation) -> torch.Tensor:
        """(n_layer * 2, B, C) final states, ordered layer then direction -> (n_layer, B, C)."""
        both = final.view(self.config.n_layer, 2, final.size(1), final.size(2))
        layers = []
        for layer, linear in enumerate(linears):
            y = linear(torch.cat([both[layer, 0], both[layer, 1]], dim=-1))
            layers.append(activation(y) if activation is not None else y)
        return torch.stack(layers)

    # -- decoder ---------------------------------------------------------------------------------------
    def init_state(self, memory: RNNMemory) -> RNNDecoderState:
        return RNNDecoderState(hidden=memory.hidden, memory=memory)

    def _decode(
        self, ids: torch.Tensor, state: RNNDecoderState, *, last_only: bool = False
    ) -> tuple[torch.Tensor, RNNDecoderState, torch.Tensor | None]:
        """Logits (B, t, V) for tokens ids (B, t) fed after ``state``, the new state, and the attention weights
        (B, t, S) (None without attention). One fused recurrent call: the recurrence does not read the context."""
        x = self._dropout(self.tgt_embed(ids))
        hidden = state.hidden
        if _dtype(hidden) != x.dtype:  # under autocast the bridge's Linear returns bf16/fp16; the cell wants x's
            hidden = tuple(h.to(x.dtype) for h in hidden) if isinstance(hidden, tuple) else hidden.to(x.dtype)
        out, hidden = self.decoder(x, hidden)  # (B, t, C)
        if last_only:
            out = out[:, -1:]
        weights = None
        memory = state.memory
        if self.attention_kind != "none":
            context, weights = self.attn(out, memory.keys, memory.outputs, memory.mask)
            out = torch.tanh(self.combine(torch.cat([out, context], dim=-1)))
        logits = self.head(self._dropout(out))
        return logits, RNNDecoderState(hidden=hidden, memory=memory), weights

    def step(
        self, ids: torch.Tensor, state: RNNDecoderState, *, last_only: bool = False
    ) -> tuple[torch.Tensor, RNNDecoderState]:
        logits, state, _ = self._decode(ids, state, last_only=last_only)
        return logits, state

    def reorder_state(self, state: RNNDecoderState, index: torch.Tensor) -> RNNDecoderState:
        return RNNDecoderState(hidden=_select_hidden(state.hidden, index), memory=state.memory.index_select(index))

    # -- training --------------------------------------------------------------------------------------
    def forward(
        self,
        src: torch.Tensor,
        src_mask: torch.Tensor,
        tgt_in: torch.Tensor,
        targets: torch.Tensor | None = None,
        teacher_forcing: float = 1.0,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Logits (B, T, V) and the loss; ``teacher_forcing`` < 1 feeds the model's own argmax instead of
        the true previous token with probability 1 - ratio, per row and step (see the module docstring)."""
        if not 0.0 <= teacher_forcing <= 1.0:
            raise ValueError(f"teacher_forcing: {teacher_forcing} is not between 0 and 1")
        state = self.init_state(self.encode(src, src_mask))
        if teacher_forcing >= 1.0:
            logits, _, _ = self._decode(tgt_in, state)
        else:
            logits = self._scheduled(tgt_in, state, teacher_forcing)
        loss = None if targets is None else self.loss_from_logits(logits, targets)
        return logits, loss

    def _scheduled(self, tgt_in: torch.Tensor, state: RNNDecoderState, ratio: float) -> torch.Tensor:
        batch, length = tgt_in.shape
        outs = []
        ids = tgt_in[:, :1]  # BOS: there is no guess before the first step
        for t in range(length):
            logits, state, _ = self._decode(ids, state)
            outs.append(logits)
            if t + 1 < length:
                guess = logits[:, -1].detach().argmax(dim=-1, keepdim=True)
                true = torch.rand(batch, 1, device=tgt_in.device) < ratio
                ids = torch.where(true, tgt_in[:, t + 1 : t + 2], guess)
        return torch.cat(outs, dim=1)

    def alignment(self, src: torch.Tensor, src_mask: torch.Tensor, tgt_in: torch.Tensor) -> torch.Tensor:
        if self.attention_kind == "none":
            raise ConfigError("attention is none: no alignment to show; choose bahdanau or luong")
        state = self.init_state(self.encode(src, src_mask))
        _, _, weights = self._decode(tgt_in, state)
        return weights  # (B, T, S)


for _name in _CELLS:
    register_seq2seq(_name)(RNNSeq2Seq)
