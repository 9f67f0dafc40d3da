"""A finished run, played again: the events its training sent, rebuilt from its folder (``metrics.csv``,
``samples.jsonl``, ``probes.jsonl``, ``config.json``) in the order and at the training times they came, with no
model, no data and no GPU. The Train tab plays them at 1-50x speed through the same code that draws a live run,
so a talk can show a run learning without training one on stage.

Torch-free and Qt-free: :func:`load_replay` reads the folder, :class:`ReplayClock` says which events are due.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import CheckpointError
from ..core.runs import checkpoint as ckpt
from ..core.training.events import (
    EvalEvent,
    FinishedEvent,
    ProbeEvent,
    SampleEvent,
    StepEvent,
    TranslationEvent,
)
from ..core.training.metrics_log import read_metrics_rows
from .train_metrics import parse_translation_samples
from .training import RunInfo

SPEEDS = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0)  # the Train tab's choices (times the training's own pace)


@dataclass
class Replay:
    """A run's events with the training time (seconds) at which each came, in order; ``info`` first."""

    run_dir: Path
    info: RunInfo
    timeline: list[tuple[float, Any]] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return self.timeline[-1][0] if self.timeline else 0.0


def _num(row: dict[str, str], key: str) -> float:
    try:
        return float(row.get(key) or "nan")
    except ValueError:
        return math.nan


def load_replay(run_dir: Path) -> Replay:
    """Rebuild the events of the run in ``run_dir``. CheckpointError when it is no run or has no metrics."""
    run_dir = Path(run_dir)
    config, facts = ckpt.read_run_config(run_dir)
    path = run_dir / "metrics.csv"
    if not path.is_file():
        raise CheckpointError(f"{run_dir}: no metrics.csv, nothing to replay; train the run first")
    rows = read_metrics_rows(path)
    translation = config.data.task == "translate"
    samples: dict[int, list[str]] = {}
    checked: dict[int, dict] = {}  # step -> where its sample repeats the corpus
    for s in ckpt.read_samples(run_dir):
        samples.setdefault(int(s["step"]), []).append(s["text"])
        if isinstance(s.get("memorization"), dict):
            checked[int(s["step"])] = s["memorization"]
    probes: dict[int, dict] = {int(p["step"]): p for p in ckpt.read_probes(run_dir)}
    timeline: list[tuple[float, Any]] = []
    best = math.inf
    last_step, clock = 0, 0.0
    for row in rows:
        step, tokens, elapsed = int(_num(row, "step")), int(_num(row, "tokens") or 0), _num(row, "elapsed")
        if not math.isfinite(elapsed):
            continue
        clock = max(clock, elapsed)  # a resumed run's rows: times never go back
        if row.get("val_loss"):
            val = _num(row, "val_loss")
            improved = val < best
            best = min(best, val)
            bpc = _num(row, "bits_per_char")
            timeline.append(
                (
                    clock,
                    EvalEvent(
                        step,
                        tokens,
                        elapsed,
                        _num(row, "eval_train_loss"),
                        val,
                        _num(row, "val_perplexity"),
                        bpc,
                        improved,
                        "" if math.isfinite(bpc) else "withheld when the run trained (see its log)",
                    ),
                )
            )
            if not translation:
                for text in samples.pop(step, []):
                    timeline.append((clock, SampleEvent(step, text, checked.get(step))))
            if step in probes:
                p = probes.pop(step)
                timeline.append(
                    (
                        clock,
                        ProbeEvent(step, p["tokens"], p["probs"], p["prompt"], p["top_tokens"], p["top_probs"]),
                    )
                )
        elif row.get("bleu"):
            shown = [r for text in samples.pop(step, []) for r in parse_translation_samples(text)]
            event = TranslationEvent(step, _num(row, "bleu"), _num(row, "chrf"), 0, "", shown, _num(row, "exact_match"))
            timeline.append((clock, event))
        elif row.get("train_loss"):
            timeline.append(
                (
                    clock,
                    StepEvent(
                        step,
                        tokens,
                        elapsed,
                        _num(row, "train_loss"),
                        _num(row, "lr"),
                        _num(row, "grad_norm"),
                        _num(row, "tokens_per_sec"),
                        _num(row, "mfu"),
                    ),
                )
            )
        last_step = max(last_step, step)
    timeline.append(
        (
            clock,
            FinishedEvent(
                "finished",
                last_step,
                f"replay of {run_dir.name} ended at step {last_step:,}",
                best if math.isfinite(best) else None,
            ),
        )
    )
    info = RunInfo(
        run_dir=str(run_dir),
        config=config,
        vocab_size=int(facts.get("vocab_size") or config.model.vocab_size),
        train_tokens=int(facts.get("train_tokens") or 0),
        tokens_per_step=config.train.batch_size * config.model.block_size * config.train.grad_accum,
        start_step=0,
        unigram_entropy=float(facts.get("unigram_entropy") or math.nan),
        threads=0,
        device="replay",
        parameters=int(facts.get("parameters") or 0),
        processes=int(getattr(config.train, "processes", 1) or 1),
        devices=[],
    )
    return Replay(run_dir, info, timeline)


class ReplayClock:
    """Which events of a replay are due: ``advance(seconds)`` of wall time at ``speed`` x the training's pace
    returns the events whose training time has come; ``next_step()`` returns those up to the next step event
    (the Step button while paused)."""

    def __init__(self, replay: Replay, speed: float = 10.0) -> None:
        if not speed > 0:
            raise ValueError("replay speed must be positive")
        self.replay = replay
        self.speed = float(speed)
        self.time = 0.0
        self.position = 0  # events of the timeline handed out so far

    @property
    def done(self) -> bool:
        return self.position >= len(self.replay.timeline)

    def advance(self, wall_seconds: float) -> list:
        self.time += wall_seconds * self.speed
        out = []
        timeline = self.replay.timeline
        while self.position < len(timeline) and timeline[self.position][0] <= self.time:
            out.append(timeline[self.position][1])
            self.position += 1
        return out

    def next_step(self) -> list:
        out = []
        timeline = self.replay.timeline
        while self.position < len(timeline):
            when, event = timeline[self.position]
            out.append(event)
            self.position += 1
            self.time = max(self.time, when)
            if isinstance(event, StepEvent):
                break
        return out

    def rest(self) -> list:
        """Everything not handed out yet (jump to the end)."""
        out = [event for _, event in self.replay.timeline[self.position :]]
        self.position = len(self.replay.timeline)
        self.time = max(self.time, self.replay.duration)
        return out
