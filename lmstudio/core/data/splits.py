"""Train/validation/test splits written in one streaming pass.

A seeded RNG assigns each unit to a split: a line in "lines" mode, a run of ``block_lines``
consecutive lines in "blocks" mode (so that the validation text is continuous prose, not a sample
of lines the training text surrounds). Units are dealt in rounds (20 units for 90/5/5, at most
``ROUND``): each round holds each split's exact share, shuffled by the RNG. So the fractions hold to
within one round on any corpus, and the same seed gives the same split. The three
files are written atomically: an error or a cancellation leaves none of them half-written.

``train_fraction`` below 1 keeps that share of the training units (a second seeded RNG, drawn once per
training unit, decides; the first one is always kept), after the deal: the validation and test files are
exactly those of 1.0, so runs on 1% ... 100% of the data are scored on the same text.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..fileio import atomic_open
from ..progress import ProgressCallback, report

SPLIT_NAMES = ("train", "val", "test")
ROUND = 1000  # most units per shuffled round
PROGRESS_EVERY = 50_000  # lines between progress reports


@dataclass
class SplitInfo:
    path: Path  # the split's text file
    lines: int  # lines written
    chars: int  # characters written, one "\n" per line included


def _round_counts(fractions: Sequence[float], n: int) -> list[int]:
    """Split ``n`` units by ``fractions`` with largest remainders (the counts add up to ``n``)."""
    raw = [f * n for f in fractions]
    counts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in order[: n - sum(counts)]:
        counts[i] += 1
    return counts


def round_size(fractions: Sequence[float]) -> int:
    """The smallest round (up to ``ROUND``) in which every fraction is a whole number of units.

    (0.9, 0.05, 0.05) gives 20, so even a 40-line corpus gets exactly 2 validation lines; fractions
    with no small common denominator fall back to ``ROUND`` units and largest remainders.
    """
    for n in range(1, ROUND + 1):
        if all(abs(f * n - round(f * n)) < 1e-6 for f in fractions):
            return n
    return ROUND


def _assignments(fractions: Sequence[float], seed: int) -> Iterator[int]:
    """Endless split indices (0 train, 1 val, 2 test), shuffled round by round."""
    rng = random.Random(seed)
    size = round_size(fractions)
    counts = _round_counts(fractions, size)
    deck = [i for i, c in enumerate(counts) for _ in range(c)]
    while True:
        rng.shuffle(deck)
        yield from deck


def _check(fractions: Sequence[float], mode: str, block_lines: int) -> tuple[float, float, float]:
    fr = tuple(float(f) for f in fractions)
    if len(fr) != 3 or any(f < 0 for f in fr) or abs(sum(fr) - 1.0) > 1e-6 or fr[0] <= 0:
        raise ConfigError(
            f"data.split_fractions: {fractions!r} must be three non-negative fractions adding up to 1, train above 0"
        )
    if mode not in ("lines", "blocks"):
        raise ConfigError(f"data.split_mode: unknown mode {mode!r}; use 'lines' or 'blocks'")
    if block_lines < 1:
        raise ConfigError("data.block_lines: must be at least 1")
    return fr  # type: ignore[return-value]


def write_splits(
    lines: Iterable[str],
    out_dir: Path,
    fractions: Sequence[float] = (0.9, 0.05, 0.05),
    mode: str = "lines",
    block_lines: int = 100,
    seed: int = 1337,
    progress: ProgressCallback | None = None,
    train_fraction: float = 1.0,
) -> dict[str, SplitInfo]:
    """Write ``train.txt``, ``val.txt`` and ``test.txt`` (UTF-8, "\\n" after every line) into ``out_dir``.

    Returns ``{"train": SplitInfo, "val": ..., "test": ...}``. ``progress`` gets (lines, None, message).
    A split whose fraction is 0 is written as an empty file. ``train_fraction`` (0 < f <= 1): the share of the
    training units kept (see the module doc).
    """
    fr = _check(fractions, mode, block_lines)
    if not 0 < train_fraction <= 1:
        raise ConfigError(f"data.train_fraction: {train_fraction!r} must be above 0 and at most 1")
    keep_rng = random.Random(f"train-fraction-{seed}")  # its own stream: the deal above does not change
    out_dir = Path(out_dir)
    paths = {name: out_dir / f"{name}.txt" for name in SPLIT_NAMES}
    counts = {name: [0, 0] for name in SPLIT_NAMES}
    unit = block_lines if mode == "blocks" else 1
    deck = _assignments(fr, seed)
    with ExitStack() as stack:
        files = [stack.enter_context(atomic_open(paths[name], "w")) for name in SPLIT_NAMES]
        current = 0
        keep = True
        for i, line in enumerate(lines):
            if i % unit == 0:
                current = next(deck)
                if current == 0 and train_fraction < 1:  # the first training unit always: never an empty train.txt
                    keep = keep_rng.random() < train_fraction or counts["train"][0] == 0
            if current == 0 and not keep:
                continue
            files[current].write(line + "\n")
            tally = counts[SPLIT_NAMES[current]]
            tally[0] += 1
            tally[1] += len(line) + 1
            if (i + 1) % PROGRESS_EVERY == 0:
                report(progress, i + 1, None, "Writing splits")
        total = sum(c[0] for c in counts.values())
        report(progress, total, total, "Splits written")
    return {name: SplitInfo(paths[name], *counts[name]) for name in SPLIT_NAMES}
