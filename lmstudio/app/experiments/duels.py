"""Ready-made sweeps: the architecture duel, the tokenizer tournament and the data-scale series.

Each returns a :class:`~lmstudio.app.experiments.sweep.SweepSpec` built on a base workspace, to run with
``run_sweep`` like any sweep: the same corpus for every side, and the same budget. Torch loads only to count
parameters (the architecture duel), on the "meta" device: no weights are made.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from ...core.config import ARCHITECTURES, MAX_WIDTH, ModelConfig, WorkspaceConfig
from ...core.errors import ConfigError
from .sweep import SweepSpec, make_spec

DATA_SCALE_FRACTIONS = (0.01, 0.03, 0.1, 0.3, 1.0)
TOURNAMENT_SIZES = (500, 2000)
KNEE_THRESHOLD = 0.02  # nats of validation loss: a smaller gain from more data counts as none
CHAR_VOCAB_GUESS = 96  # a character vocabulary's size before the corpus is read (printable ASCII and specials)


def _budget(seconds: float | None, steps: int | None) -> dict[str, float]:
    if steps is not None:
        return {"steps": steps}
    if seconds is None:
        raise ConfigError("give a budget: seconds (wall time of training steps per run) or steps")
    return {"seconds": seconds}


def _counting_vocab(base: WorkspaceConfig) -> int:
    """The vocabulary the parameter counts assume: the model's when set, else the tokenizer's target size (a
    character vocabulary is only known once the corpus is read: a guess of the usual size)."""
    if base.model.vocab_size:
        return base.model.vocab_size
    return CHAR_VOCAB_GUESS if base.tokenizer.kind == "char" else base.tokenizer.vocab_size


def width_for(model: ModelConfig, arch: str, parameters: int) -> int:
    """The width (d_model) at which ``arch`` with ``model``'s other settings has the parameter count nearest
    ``parameters``; a Transformer's width stays a multiple of its heads (of twice its heads with rotary
    positions, which need an even head size)."""
    from ...core.models.stats import parameter_count

    unit = model.n_head * (2 if model.positions == "rotary" else 1) if arch == "transformer" else 1
    top = max(1, MAX_WIDTH // unit)
    counts: dict[int, int] = {}

    def count(k: int) -> int:
        if k not in counts:
            counts[k] = parameter_count(replace(model, arch=arch, d_model=k * unit))
        return counts[k]

    # the smallest k whose count reaches the target (counts grow with the width): gallop from the model's own
    # width to a bracket [lo, hi], then bisect; a few meta-device builds instead of sixteen
    hi = min(top, max(1, model.d_model // unit))
    if count(hi) < parameters:
        lo = hi + 1
        while hi < top and count(hi) < parameters:
            lo, hi = hi + 1, min(top, hi * 2)
    else:
        lo = hi // 2
        while lo >= 1 and count(lo) >= parameters:
            hi, lo = lo, lo // 2
        lo = max(1, lo + 1)
    while lo < hi:
        mid = (lo + hi) // 2
        if count(mid) >= parameters:
            hi = mid
        else:
            lo = mid + 1
    best = min({max(1, lo - 1), lo}, key=lambda k: abs(count(k) - parameters))
    return best * unit


def architecture_duel(base: WorkspaceConfig, seconds: float = 60, parameters: int | None = None) -> SweepSpec:
    """RNN, GRU, LSTM and Transformer at about ``parameters`` parameters each (default: the base model's count),
    each at the width that comes nearest, on the base's corpus and layers, ``seconds`` of training each."""
    from ...core.models.stats import parameter_count

    model = replace(base.model, vocab_size=_counting_vocab(base))
    target = parameters if parameters is not None else parameter_count(model)
    if target < 1:
        raise ConfigError(f"architecture duel: parameters {target} must be a positive number")
    widths = [width_for(model, arch, target) for arch in ARCHITECTURES]
    return make_spec(
        "architectures",
        base,
        {"model.arch": list(ARCHITECTURES), "model.d_model": widths},
        mode="zip",
        budget=_budget(seconds, None),
        metric="val_loss",
        source="architecture duel",
    )


def tokenizer_tournament(
    base: WorkspaceConfig, seconds: float = 60, sizes: tuple[int, ...] = TOURNAMENT_SIZES
) -> SweepSpec:
    """Characters, and word, BPE and unigram vocabularies of each of ``sizes``, with the base's model and
    ``seconds`` each, ranked by bits per character on the same validation text (runs whose figure is withheld,
    a word vocabulary leaving ``<unk>`` tokens, are reported as such and not ranked)."""
    sizes = tuple(dict.fromkeys(int(s) for s in sizes))
    if not sizes:
        raise ConfigError("tokenizer tournament: give at least one vocabulary size")
    kinds = ["char"] + [kind for kind in ("word", "bpe", "unigram") for _ in sizes]
    vocab = [base.tokenizer.vocab_size] + [size for _ in ("word", "bpe", "unigram") for size in sizes]
    return make_spec(
        "tokenizers",
        base,
        {"tokenizer.kind": kinds, "tokenizer.vocab_size": vocab},
        mode="zip",
        budget=_budget(seconds, None),
        metric="bits_per_char",
        source="tokenizer tournament",
    )


def data_scale(
    base: WorkspaceConfig,
    seconds: float | None = 60,
    fractions: tuple[float, ...] = DATA_SCALE_FRACTIONS,
    steps: int | None = None,
) -> SweepSpec:
    """The base model on ``fractions`` of the training split (``data.train_fraction``; the validation text
    the same for all), ``seconds`` each, or ``steps`` each when given."""
    return make_spec(
        "data-scale",
        base,
        {"data.train_fraction": sorted({float(f) for f in fractions})},
        budget=_budget(seconds, steps),
        metric="val_loss",
        source="data scale",
    )


def data_scale_knee(results: dict[str, Any], threshold: float = KNEE_THRESHOLD) -> float | None:
    """The training fraction after which more data stopped helping: the smallest fraction whose best
    validation loss no larger fraction beats by more than ``threshold`` nats. None when more data still
    helps at the largest fraction, or when fewer than two runs have a loss."""
    points = sorted(
        (float(run["settings"]["data.train_fraction"]), float(run["best_val_loss"]))
        for run in results.get("runs", [])
        if run.get("best_val_loss") is not None and "data.train_fraction" in run.get("settings", {})
    )
    points = [(f, loss) for f, loss in points if math.isfinite(loss)]
    if len(points) < 2:
        return None
    for i, (fraction, loss) in enumerate(points[:-1]):
        if loss - min(later for _, later in points[i + 1 :]) <= threshold:
            return fraction
    return None
