"""Named starting points per architecture: tiny (trains in seconds on a CPU), small (minutes on a CPU),
medium and large (sized for one consumer GPU).

Presets set shape and regularization only; ``vocab_size`` comes from the tokenizer. The
Transformer "small" is nanoGPT's "baby GPT" for Tiny Shakespeare on a CPU (4 heads, width 128, block 64,
no dropout) with 3 layers instead of 4 and an MLP 3x the width instead of 4x: in the 145 s nanoGPT's
loop needs for its 2000 iterations it reached validation 1.482 against the baby shape's 1.516, same
optimizer and schedule (benchmarks/out/training_tune.json: a smaller step trains on more text in the
same time); "medium" is nanoGPT's shakespeare-char GPU configuration (6 x 384,
block 256), a published reference; "large" is 12 x 512 with block 512. With a BPE vocabulary of 8k-16k
tokens (tied head) the Transformer medium has 14-17 M parameters and large 42-46 M (about 11 M and 38 M
with characters): a large trains in about 2-3 GB at batch 12 in bf16, within any 8 GB GPU
(``stats.memory_estimate``). LSTM "small" (2 x 256) is the recurrent baseline of the benchmarks; the
recurrent large (3 x 1024) has 25-42 M parameters (LSTM), 19-36 M (GRU).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..config import ModelConfig
from ..errors import ConfigError

_RECURRENT = {
    "tiny": dict(n_layer=1, d_model=64, block_size=32, dropout=0.0),
    "small": dict(n_layer=2, d_model=256, block_size=64, dropout=0.0),
    "medium": dict(n_layer=3, d_model=512, block_size=128, dropout=0.2),
    "large": dict(n_layer=3, d_model=1024, block_size=256, dropout=0.2),
}

PRESETS: dict[str, dict[str, dict[str, Any]]] = {
    "transformer": {
        # rotary positions without biases: 0.07 lower validation loss than learned positions at the same
        # cost on Tiny Shakespeare (benchmarks/README.md)
        "tiny": dict(
            n_layer=2, n_head=2, d_model=64, block_size=32, dropout=0.0, mlp_ratio=4, positions="rotary", bias=False
        ),
        "small": dict(
            n_layer=3, n_head=4, d_model=128, block_size=64, dropout=0.0, mlp_ratio=3, positions="rotary", bias=False
        ),
        "medium": dict(
            n_layer=6, n_head=6, d_model=384, block_size=256, dropout=0.2, mlp_ratio=4, positions="rotary", bias=False
        ),
        "large": dict(
            n_layer=12, n_head=8, d_model=512, block_size=512, dropout=0.1, mlp_ratio=4, positions="rotary", bias=False
        ),
    },
    "rnn": {name: dict(values) for name, values in _RECURRENT.items()},
    "gru": {name: dict(values) for name, values in _RECURRENT.items()},
    "lstm": {name: dict(values) for name, values in _RECURRENT.items()},
}

PRESET_NAMES = ("tiny", "small", "medium", "large")


def apply_preset(cfg: ModelConfig, name: str) -> ModelConfig:
    """A copy of ``cfg`` with the preset's fields for ``cfg.arch``; vocab_size and arch are kept."""
    presets = PRESETS.get(cfg.arch)
    if presets is None:
        raise ConfigError(f"model.arch: no presets for {cfg.arch!r}; use one of {', '.join(PRESETS)}")
    if name not in presets:
        raise ConfigError(f"preset {name!r} does not exist for {cfg.arch}; use one of {', '.join(presets)}")
    return replace(cfg, **presets[name])
