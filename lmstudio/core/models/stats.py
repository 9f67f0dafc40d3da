"""What a model configuration costs: parameters, memory, FLOPs per token.

All three are cheap enough to recompute on every edit in the Model tab: the parameter count builds
the model on the "meta" device (shapes only, no memory), so it is exact by construction.
"""

from __future__ import annotations

import torch

from ..config import ModelConfig
from .registry import build_model

# floats kept per token for backward, per layer, beside the MLP (recurrent: per gate) terms: rough
# bookkeeping of layer-norm inputs/outputs, q, k, v, attention output and residual projections
_ATTN_ACTIVATIONS = 10
_GATES = {"rnn": 1, "gru": 3, "lstm": 4}


def _meta_model(cfg: ModelConfig, encoder_decoder: bool = False):
    with torch.device("meta"):
        if encoder_decoder:
            from .seq2seq import build_seq2seq

            return build_seq2seq(cfg)
        return build_model(cfg)


def parameter_count(cfg: ModelConfig, encoder_decoder: bool = False) -> int:
    """Exact number of distinct trainable parameters (a tied embedding counts once); ``encoder_decoder``: of
    the encoder-decoder of ``cfg.arch``'s family (``data.task = "translate"``)."""
    return _meta_model(cfg, encoder_decoder).num_parameters()


def _lookup_parameters(model: torch.nn.Module) -> int:
    """Weights of embedding tables used only as lookups (not also an output projection)."""
    projections = {id(m.weight) for m in model.modules() if isinstance(m, torch.nn.Linear)}
    tables = {id(m.weight): m.weight for m in model.modules() if isinstance(m, torch.nn.Embedding)}
    return sum(w.numel() for key, w in tables.items() if key not in projections)


def _matmul_parameters(cfg: ModelConfig) -> int:
    """Parameters used in a matrix product per token: all, minus embedding lookups (position table;
    the token table unless it is tied to the output head, which multiplies)."""
    model = _meta_model(cfg)
    n = model.num_parameters()
    if getattr(model, "wpe", None) is not None:
        n -= model.wpe.weight.numel()
    if not cfg.tie_weights:
        table = model.wte if cfg.arch == "transformer" else model.embed
        n -= table.weight.numel()
    return n


def flops_per_token(cfg: ModelConfig, encoder_decoder: bool = False) -> int:
    """Training FLOPs per token (forward + backward).

    Transformer: 6 N + 12 L d T (Kaplan et al. 2020, PaLM appendix B, nanoGPT's MFU): 2 FLOPs per
    multiply-add, forward once and backward twice over the N matmul parameters, plus the attention
    scores QK^T and the weighted sum AV over the context T = block_size (causal masking not
    discounted). Recurrent networks: 6 N, the same rule over the recurrent and head matrices; their
    cost does not grow with the context. Encoder-decoders (``encoder_decoder``): 6 N over all their matmul
    parameters per target token (the encoder's share counted as if a source were as long as its target), plus
    the self- and cross-attention terms of a Transformer, or for a recurrent decoder with attention its scores
    and weighted sum over a source of block_size tokens (12 d S, as one attention layer; Bahdanau's
    element-wise tanh not counted).
    """
    if encoder_decoder:
        model = _meta_model(cfg, True)
        flops = 6 * (model.num_parameters() - _lookup_parameters(model))
        if cfg.arch == "transformer":
            flops += 12 * cfg.n_layer * cfg.d_model * cfg.block_size * 3  # encoder, decoder, cross-attention
        elif cfg.attention != "none":
            flops += 12 * cfg.d_model * cfg.block_size  # one attention over the source, after the top layer
        return flops
    n = _matmul_parameters(cfg)
    flops = 6 * n
    if cfg.arch == "transformer":
        flops += 12 * cfg.n_layer * cfg.d_model * cfg.block_size
    return flops


HALF_PRECISIONS = ("bf16", "fp16")  # autocast precisions that keep activations at 2 bytes


def memory_estimate(
    cfg: ModelConfig,
    batch_size: int = 12,
    bytes_per_param: int = 4,
    precision: str = "fp32",
    encoder_decoder: bool = False,
) -> dict[str, int]:
    """Bytes needed to train ``cfg``: weights, gradients, AdamW's two moments, and a rough figure
    for the activations kept for backward at ``batch_size`` x ``block_size`` tokens.

    ``precision`` is the autocast precision the run resolves to (``fp32``, ``bf16`` or ``fp16``; see
    ``devices.resolve_precision``). Under bf16/fp16 autocast the weights, gradients and optimizer moments stay
    fp32 (the master copy), the activations are kept at 2 bytes, and autocast holds a 2-byte copy of every
    weight for the step (``half_weights``; 0 in fp32). The logits and their gradient are counted at 4 bytes
    in every precision: the loss is computed in fp32.

    Activations count, per token, about (10 + 2 * mlp_ratio) * d_model values per Transformer layer
    (fused attention keeps no T x T matrix) or (gates + 2) * d_model per recurrent layer, plus the
    logits and their gradient (2 V). Allocator overhead and framework workspace are not included.

    ``encoder_decoder``: the encoder-decoder of ``cfg.arch``'s family (``data.task = "translate"``), with a
    source and a target of block_size tokens each (an upper bound: batches are padded to their longest pair,
    and pairs longer than the block are left out); see :func:`_seq2seq_activation_values`.
    """
    if precision not in ("fp32", *HALF_PRECISIONS):
        raise ValueError(f"precision {precision!r}: give the resolved one, fp32, bf16 or fp16")
    half = precision in HALF_PRECISIONS
    activation_bytes = 2 if half else bytes_per_param
    n = parameter_count(cfg, encoder_decoder)
    tokens = batch_size * cfg.block_size
    if encoder_decoder:
        source_values, target_values = _seq2seq_activation_values(cfg)
        layer_values = source_values + target_values  # per pair position: a source token and a target token
    elif cfg.arch == "transformer":
        layer_values = cfg.n_layer * (_ATTN_ACTIVATIONS + 2 * cfg.mlp_ratio) * cfg.d_model + cfg.d_model
    else:
        layer_values = cfg.n_layer * (_GATES.get(cfg.arch, 1) + 2) * cfg.d_model + cfg.d_model
    out = {
        "weights": n * bytes_per_param,
        "gradients": n * bytes_per_param,
        "optimizer": 2 * n * bytes_per_param,
        "half_weights": 2 * n if half else 0,
        "activations_approx": tokens * (layer_values * activation_bytes + 2 * cfg.vocab_size * 4),
    }
    out["total"] = sum(out.values())
    return out


# values a Transformer decoder layer keeps per target token for its cross-attention (LN in and out, query,
# attention output, projection), and per source token (that layer's keys and values of the memory)
_CROSS_TARGET, _CROSS_SOURCE = 5, 2


def _seq2seq_activation_values(cfg: ModelConfig) -> tuple[int, int]:
    """Activation values kept for backward per source token and per target token (logits aside) by the
    encoder-decoder of ``cfg``, with sources block_size tokens long.

    Transformer: each encoder layer as a decoder-only layer; each decoder layer that much plus its
    cross-attention (fused: no T x S matrix). Recurrent: (gates + 2) * d_model per layer and direction; a
    bidirectional encoder's outputs are also projected (2C in, C out). Attention keeps the memory's keys per
    source token and, per target token, its scores and weights over the S source tokens (2 S), the query,
    context and combined state (4 C); Bahdanau's additive scores also keep a C-wide vector per source token
    before and after tanh (2 S C per target token: the term that dominates at long sources).
    """
    c, layers, s = cfg.d_model, cfg.n_layer, cfg.block_size
    if cfg.arch == "transformer":
        per_layer = (_ATTN_ACTIVATIONS + 2 * cfg.mlp_ratio) * c
        source = layers * (per_layer + _CROSS_SOURCE * c) + c  # + the encoder's final LayerNorm
        return source, layers * (per_layer + _CROSS_TARGET * c) + c
    per_layer = (_GATES.get(cfg.arch, 1) + 2) * c
    directions = 2 if cfg.bidirectional else 1
    source = layers * per_layer * directions + (3 * c if cfg.bidirectional else 0)
    target = layers * per_layer + c
    if cfg.attention != "none":
        source += c  # keys
        target += 2 * s + 4 * c + (2 * s * c + c if cfg.attention == "bahdanau" else 0)
    return source, target
