"""Inside the model: the logit lens, every attention head at once, and knock-outs.

- :func:`logit_lens`: what each layer would predict if it were the last. The residual stream of a Transformer
  after the embeddings and after each block goes through the model's own final LayerNorm and head (nostalgebraist's
  "logit lens"); a recurrent network's output of each stacked layer goes through its head. For every position:
  each layer's top token, that token's probability, and the probability the layer gives to the token the whole
  model finally predicts there (how early the answer forms).
- :func:`attention_grid`: the softmax weights of every layer and head over one text, (layers, heads, T, T)
  (BertViz's model view). Transformers only.
- :class:`KnockOut` and :func:`knocked_out`: switch attention heads (their output zeroed before the output
  projection) or whole blocks (the residual stream passes them unchanged) off, for every forward and generation
  step run inside the ``with`` block, and back on when it ends. Plain data, saved with the Playground's view.

Everything returns numpy arrays and plain values, so results may cross threads. A knock-out changes the model
object itself for the duration of the ``with`` block: run it on the thread that uses the model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from ..errors import ConfigError, LMStudioError
from ..models.base import LanguageModel
from ..models.rnn import RecurrentLM
from ..models.transformer import TransformerLM


@dataclass
class LensResult:
    """The logit lens over T positions, one row per layer read (row r, column t: after reading token t).

    ``top_ids`` (rows, T) int64: each row's most likely next token; ``top_probs`` (rows, T) float32: its
    probability under that row; ``final_probs`` (rows, T) float32: the probability that row gives to the final
    row's top token (the model's own prediction), the colour of the grid; ``layer_names``: one per row, the
    last row the model's output.
    """

    top_ids: np.ndarray
    top_probs: np.ndarray
    final_probs: np.ndarray
    layer_names: list[str]

    @property
    def final_ids(self) -> np.ndarray:
        """The model's own prediction at each position (T,): the last row's top tokens."""
        return self.top_ids[-1]


def _arch(model: LanguageModel) -> str:
    return str(getattr(getattr(model, "config", None), "arch", type(model).__name__))


def _ids_tensor(model: LanguageModel, ids: Sequence[int], device, what: str) -> torch.Tensor:
    """ids as a (1, T) tensor on ``device``, refused when empty, out of the vocabulary or past the window."""
    ids = [int(i) for i in ids]
    if not ids:
        raise LMStudioError(f"{what}: no tokens to read; type or generate some text first")
    vocab = int(model.config.vocab_size)
    bad = next((i for i in ids if not 0 <= i < vocab), None)
    if bad is not None:
        raise LMStudioError(
            f"{what}: token id {bad} is outside this model's vocabulary of {vocab}; use the run's own tokenizer"
        )
    limit = model.max_context
    if limit is not None and len(ids) > limit:
        raise LMStudioError(
            f"{what}: {len(ids):,} tokens exceed this model's window of {limit:,} (model.block_size, learned "
            f"positions); pass at most the last {limit:,} tokens"
        )
    return torch.tensor([ids], dtype=torch.long, device=device)


@contextmanager
def _eval(model: LanguageModel) -> Iterator[None]:
    """Eval mode and no autograd for the block; the model's mode restored afterwards, even on errors."""
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            yield
    finally:
        model.train(was_training)


# -- the logit lens ------------------------------------------------------------------------------------
def _recurrent_layers(model: RecurrentLM, x: torch.Tensor) -> list[torch.Tensor]:
    """x (1, T, C) embeddings -> the output (1, T, C) of each stacked recurrent layer, from a zero state.

    The fused module returns only its top layer, so each layer is run alone with the module's own weights
    (the same ATen kernel the module calls, with num_layers=1); dropout between layers is off in eval."""
    rnn, cfg = model.rnn, model.config
    outputs = []
    for layer in range(cfg.n_layer):
        names = ["weight_ih", "weight_hh"] + (["bias_ih", "bias_hh"] if cfg.bias else [])
        params = [getattr(rnn, f"{n}_l{layer}") for n in names]
        h0 = x.new_zeros(1, x.size(0), cfg.d_model)
        args = (params, cfg.bias, 1, 0.0, False, False, True)  # has_biases, layers, dropout, train, bidir, batch_first
        if model.cell == "lstm":
            x = torch.lstm(x, (h0, torch.zeros_like(h0)), *args)[0]
        elif model.cell == "gru":
            x = torch.gru(x, h0, *args)[0]
        else:
            x = torch.rnn_tanh(x, h0, *args)[0]
        outputs.append(x)
    return outputs


def logit_lens(model: LanguageModel, ids: Sequence[int], device: torch.device | str = "cpu") -> LensResult:
    """Read every layer of ``model`` over ``ids`` as if it were the last (see the module docstring).

    Transformer: n_layer + 1 rows, "embed" (token and position embeddings through the final norm and the
    tied or separate head) then "layer 1" .. "layer L"; the last row is exactly the model's own output.
    Recurrent networks: n_layer rows, each layer's output through the head (an embedding row would read the
    input table through an output head trained on hidden states, so there is none). Knock-outs active around
    the call apply. Eval mode and no autograd inside; the model's mode is restored.
    """
    if not isinstance(model, (TransformerLM, RecurrentLM)):
        raise ConfigError(
            f"model.arch: the logit lens reads decoder-only language models (transformer, rnn, gru, lstm); "
            f"this model is {_arch(model)}"
        )
    x = _ids_tensor(model, ids, device, "logit lens")
    with _eval(model):
        if isinstance(model, TransformerLM):
            states = model.residual_stream(x)
            names = ["embed"] + [f"layer {i + 1}" for i in range(len(states) - 1)]

            def head(s: torch.Tensor) -> torch.Tensor:
                return model.lm_head(model.ln_f(s))
        else:
            states = _recurrent_layers(model, model.embed(x))
            names = [f"layer {i + 1}" for i in range(len(states))]
            head = model.head
        # one row at a time, last first: a large vocabulary (an imported GPT-2: 50k) never holds every
        # row's (T, V) probabilities at once
        rows = len(states)
        T = x.size(1)
        top_ids = np.zeros((rows, T), dtype=np.int64)
        top_probs = np.zeros((rows, T), dtype=np.float32)
        final_probs = np.zeros((rows, T), dtype=np.float32)
        final = None
        for r in range(rows - 1, -1, -1):
            probs = head(states[r][0]).float().softmax(dim=-1)  # (T, V)
            p, i = probs.max(dim=-1)
            if final is None:
                final = i
            top_ids[r] = i.cpu().numpy()
            top_probs[r] = p.cpu().numpy()
            final_probs[r] = probs.gather(1, final[:, None])[:, 0].cpu().numpy()
    return LensResult(top_ids, top_probs, final_probs, names)


# -- attention, every layer and head -------------------------------------------------------------------
def attention_grid(model: LanguageModel, ids: Sequence[int], device: torch.device | str = "cpu") -> np.ndarray:
    """The attention weights of every layer and head over ``ids``: float32 (layers, heads, T, T), row i of a
    head's map how much token i reads each token j <= i (each row sums to 1). A knocked-out layer's maps are
    all zeros (it reads nothing); a knocked-out head's weights are still shown (its output is what is dropped).
    """
    if not isinstance(model, TransformerLM):
        raise ConfigError(
            f"model.arch: attention exists only in Transformers; this model is {_arch(model)} (the logit lens and "
            "the hidden states show what a recurrent network computes)"
        )
    x = _ids_tensor(model, ids, device, "attention")
    with _eval(model):
        weights: list[torch.Tensor] = []
        model._run(x, None, 0, weights, last_only=True)  # the head for one position only: its output is unused
        return torch.stack([w[0] for w in weights]).float().cpu().numpy()


# -- knock-outs --------------------------------------------------------------------------------------------
def _index(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(
            f"knockout.{what}: {value!r} is not a layer or head number (0 or more); remove it from the saved view"
        )
    return value


@dataclass(frozen=True)
class KnockOut:
    """What is switched off: whole layers (blocks) and single heads, numbered from 0 (``describe`` and the
    window count from 1). Empty: the model as trained. Any iterables may be passed (lists from JSON): they are
    checked and stored as frozensets."""

    layers: frozenset[int] = field(default_factory=frozenset)
    heads: frozenset[tuple[int, int]] = field(default_factory=frozenset)  # (layer, head)

    def __post_init__(self) -> None:
        object.__setattr__(self, "layers", frozenset(_index(v, "layers") for v in self.layers))
        heads = set()
        for pair in self.heads:
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise ConfigError(
                    f"knockout.heads: {pair!r} is not a [layer, head] pair; remove it from the saved view"
                )
            heads.add((_index(pair[0], "heads"), _index(pair[1], "heads")))
        object.__setattr__(self, "heads", frozenset(heads))

    def __bool__(self) -> bool:
        return bool(self.layers or self.heads)

    def to_dict(self) -> dict[str, list]:
        """JSON-ready and stable: sorted lists."""
        return {"layers": sorted(self.layers), "heads": [list(p) for p in sorted(self.heads)]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> KnockOut:
        """The inverse of :meth:`to_dict`; None or {} is no knock-out. A malformed entry is a ConfigError."""
        if not data:
            return cls()
        if not isinstance(data, Mapping):
            raise ConfigError(f"knockout: expected {{'layers': [...], 'heads': [...]}}, got {type(data).__name__}")
        unknown = set(data) - {"layers", "heads"}
        if unknown:
            raise ConfigError(f"knockout: unknown key(s) {', '.join(sorted(map(str, unknown)))}; keep layers and heads")
        layers, heads = data.get("layers") or [], data.get("heads") or []
        if not isinstance(layers, (list, tuple)) or not isinstance(heads, (list, tuple)):
            raise ConfigError("knockout: layers and heads must be lists; fix or remove them in the saved view")
        return cls(layers, heads)  # __post_init__ checks each entry and makes the frozensets

    def describe(self, tr: Callable[[str], str] = str) -> str:
        """One line for people, counting from 1: "layer 2 off; heads 1.3, 3.1 off". ``tr`` translates the
        words (the window passes its own; English otherwise)."""
        if not self:
            return tr("nothing switched off")
        parts = []
        if self.layers:
            n = sorted(self.layers)
            which = ", ".join(str(i + 1) for i in n)
            parts.append((tr("layer {n} off") if len(n) == 1 else tr("layers {n} off")).format(n=which))
        if self.heads:
            n = sorted(self.heads)
            which = ", ".join(f"{a + 1}.{b + 1}" for a, b in n)
            parts.append((tr("head {n} off") if len(n) == 1 else tr("heads {n} off")).format(n=which))
        return "; ".join(parts)

    def check(self, n_layer: int, n_head: int) -> None:
        """Refuse layers or heads the model does not have (a view saved with another model)."""
        bad_layers = sorted(i for i in self.layers if i >= n_layer)
        bad_heads = sorted(p for p in self.heads if p[0] >= n_layer or p[1] >= n_head)
        if bad_layers or bad_heads:
            what = ", ".join([f"layer {i + 1}" for i in bad_layers] + [f"head {a + 1}.{b + 1}" for a, b in bad_heads])
            raise ConfigError(
                f"knockout: {what} not in this model ({n_layer} layers of {n_head} heads); reset the knock-outs"
            )


@contextmanager
def knocked_out(model: LanguageModel, knockout: KnockOut | None) -> Iterator[LanguageModel]:
    """Run ``model`` with ``knockout`` switched off inside the ``with`` block: ``forward``, ``step`` (generation
    with the KV cache, scoring, beam search) and :func:`logit_lens`. Training mode ignores it. Whatever was set
    before (an enclosing knock-out) is restored on exit, exceptions included. An empty knock-out changes nothing.

    A generation must run wholly inside or wholly outside the block: its KV cache holds what the layers
    computed when it was filled.
    """
    if not knockout:
        yield model
        return
    if not isinstance(model, TransformerLM):
        raise ConfigError(
            f"knockout: switching heads or layers off works on Transformers; this model is {_arch(model)} "
            "(reset the knock-outs)"
        )
    cfg = model.config
    knockout.check(len(model.blocks), cfg.n_head)
    saved = [(block.skip, block.attn.head_mask) for block in model.blocks]
    try:
        for layer, block in enumerate(model.blocks):
            if layer in knockout.layers:
                block.skip = True
            off = [head for (at, head) in knockout.heads if at == layer]
            if off:
                keep = torch.ones(cfg.n_head, 1, 1, dtype=torch.bool, device=model.wte.weight.device)
                keep[off] = False
                previous = block.attn.head_mask
                block.attn.head_mask = keep if previous is None else keep & previous
        yield model
    finally:
        for block, (skip, mask) in zip(model.blocks, saved):
            block.skip = skip
            block.attn.head_mask = mask


def apply_knockout(model: LanguageModel, knockout: KnockOut | None) -> None:
    """Switch ``knockout`` on in ``model`` until the next call (the Playground's model, used by nothing else):
    every later forward, generation and score sees it; ``None`` or an empty one switches everything back on.
    (:func:`knocked_out` is the scoped form.)"""
    if not isinstance(model, TransformerLM):
        if knockout:
            raise ConfigError(
                f"knockout: switching heads or layers off works on Transformers; this model is {_arch(model)}"
            )
        return
    for block in model.blocks:
        block.skip, block.attn.head_mask = False, None
    if not knockout:
        return
    knockout.check(len(model.blocks), model.config.n_head)
    for layer, block in enumerate(model.blocks):
        block.skip = layer in knockout.layers
        off = [head for (at, head) in knockout.heads if at == layer]
        if off:
            keep = torch.ones(model.config.n_head, 1, 1, dtype=torch.bool, device=model.wte.weight.device)
            keep[off] = False
            block.attn.head_mask = keep
