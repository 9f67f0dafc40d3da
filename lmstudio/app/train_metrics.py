"""The numbers behind the Train tab's charts, as plain numpy (no Qt): growing series fed by trainer
events or read from an earlier run's ``metrics.csv``, bias-corrected EMA smoothing, the point where
validation loss starts rising while training loss falls, the unigram entropy reference, CSV export.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from ..core.inference.metrics import unigram_entropy  # noqa: F401  (the Train tab's reference line)
from ..core.training.metrics_log import COLUMNS

STEP_FIELDS = ("step", "tokens", "elapsed", "loss", "lr", "grad_norm", "tokens_per_sec", "mfu")
EVAL_FIELDS = ("step", "tokens", "elapsed", "train_loss", "val_loss", "val_perplexity", "bits_per_char")
TRANSLATION_FIELDS = ("step", "tokens", "elapsed", "bleu", "chrf", "exact_match")  # a translation run's evaluations


BPC_NA_REASON = "the tokenizer produced <unk>, which hides how many characters it stands for"


MFU_TIP = (
    "MFU, model FLOPs utilisation: the share of this machine's measured matrix-multiply peak that training "
    "achieves (the model's FLOPs per token times tokens per second, over the peak that lmstudio measured "
    "once on this device and cached). Blank while unknown"
)


def format_mfu(value: float | None) -> str:
    """MFU for display: "41% MFU", or "" while unknown (NaN: no measured peak, or no FLOP count)."""
    if value is None or not math.isfinite(value) or value < 0:
        return ""
    return f"{100 * value:.0f}% MFU" if value >= 0.01 else f"{100 * value:.1f}% MFU"


def run_progress(step: int, steps: int, elapsed: float, max_time: float) -> tuple[float, float | None]:
    """The share of the run done (0-1) and, with a time budget (``max_time`` seconds > 0), the training
    seconds left in it (``max_time - elapsed``): a run ends at ``steps`` or at the budget, whichever comes
    first, so the share is the larger of the two. Without a budget the seconds left are None."""
    done = step / max(1, steps)
    if max_time and max_time > 0:
        return min(1.0, max(done, elapsed / max_time)), max(0.0, max_time - elapsed)
    return min(1.0, max(0.0, done)), None


def format_bpc(value: float, digits: int = 3) -> str:
    """Bits per character for display: ``n/a`` where the core withheld it (NaN: <unk> in the scored text)."""
    return "n/a" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


class Series:
    """Columns of float64 that grow by doubling, so appending is amortized O(1) and views are free."""

    def __init__(self, fields: Iterable[str], capacity: int = 1024) -> None:
        self.fields = tuple(fields)
        self._data = np.full((len(self.fields), capacity), np.nan)
        self._index = {name: i for i, name in enumerate(self.fields)}
        self.n = 0

    def append(self, values: dict[str, float]) -> None:
        if self.n == self._data.shape[1]:
            grown = np.full((len(self.fields), 2 * self.n), np.nan)
            grown[:, : self.n] = self._data
            self._data = grown
        col = self._data[:, self.n]
        for name, value in values.items():
            if name in self._index and value is not None:
                col[self._index[name]] = float(value)
        self.n += 1

    def column(self, name: str) -> np.ndarray:
        return self._data[self._index[name], : self.n]

    def __len__(self) -> int:
        return self.n


def ema(values: np.ndarray, weight: float) -> np.ndarray:
    """Bias-corrected exponential moving average (as TensorBoard and Adam): s_t / (1 - w^t).

    ``weight`` 0 returns the values; NaNs are skipped (the average carries over them).
    """
    values = np.asarray(values, dtype=np.float64)
    if weight <= 0 or len(values) == 0:
        return values.copy()
    out = np.empty_like(values)
    acc, norm, w = 0.0, 0.0, float(weight)
    for i, x in enumerate(values.tolist()):
        if x == x:  # not NaN
            acc = w * acc + (1 - w) * x
            norm = w * norm + (1 - w)
        out[i] = acc / norm if norm else math.nan
    return out


class IncrementalEma:
    """The same EMA kept up to date as points arrive, so each redraw costs only the new points."""

    def __init__(self, weight: float) -> None:
        self.weight = weight
        self.out = Series(("v",))
        self._acc = self._norm = 0.0

    def update(self, values: np.ndarray) -> np.ndarray:
        w = self.weight
        for x in values[self.out.n :].tolist():
            if x == x:
                self._acc = w * self._acc + (1 - w) * x
                self._norm = w * self._norm + (1 - w)
            self.out.append({"v": self._acc / self._norm if self._norm else math.nan})
        return self.out.column("v")


def overfit_start(steps: np.ndarray, train: np.ndarray, val: np.ndarray, margin: float = 0.002) -> float | None:
    """The step where validation loss starts rising while training loss keeps falling, or None.

    That is the step of the lowest validation loss, provided a later evaluation has a validation loss
    higher by ``margin`` (relative) and a training loss lower than at that step.
    """
    ok = ~(np.isnan(val) | np.isnan(train))
    steps, train, val = steps[ok], train[ok], val[ok]
    if len(val) < 3:
        return None
    best = int(np.argmin(val))
    later = slice(best + 1, None)
    rising = (val[later] > val[best] * (1 + margin)) & (train[later] < train[best])
    return float(steps[best]) if rising.any() else None


def parse_translation_samples(text: str) -> list[list[str]]:
    """The [source, reference, output] rows of a translation run's ``samples.jsonl`` text (each pair written
    as ``source``, ``  → output``, ``  = reference`` lines by the trainer); [] when the text is not that."""
    rows: list[list[str]] = []
    lines = text.split("\n")
    while lines and not lines[-1]:
        lines.pop()
    if len(lines) % 3:
        return []
    for i in range(0, len(lines), 3):
        source, output, reference = lines[i : i + 3]
        if not (output.startswith("  → ") and reference.startswith("  = ")):
            return []
        rows.append([source, reference[4:], output[4:]])
    return rows


class RunMetrics:
    """Step and evaluation series of one run, plus its LR changes and samples (the time-lapse); a translation
    run also has BLEU, chrF and exact match at each evaluation and the sample translations of each."""

    def __init__(self, name: str = "") -> None:
        self.name = name
        self.steps = Series(STEP_FIELDS)
        self.evals = Series(EVAL_FIELDS)
        self.translations = Series(TRANSLATION_FIELDS, capacity=64)
        self.signature = ""  # sacreBLEU's signature of the BLEU scores ("" until one arrives)
        self.lr_changes: list[tuple[int, float, float, float]] = []  # step, tokens, elapsed, lr
        self.samples: list[tuple[int, str]] = []
        self.translation_samples: list[tuple[int, list[list[str]]]] = []  # step, [[source, reference, output]]
        self.probes: list[dict] = []  # a ProbeEvent's fields per evaluation (Watch it learn)
        self.memorization: dict[int, dict] = {}  # step -> where its sample repeats the corpus (SampleEvent)

    def add_step(self, event) -> None:
        self.steps.append({k: getattr(event, k, None) for k in STEP_FIELDS})  # None (no MFU): NaN

    def add_eval(self, event) -> None:
        self.evals.append({k: getattr(event, k) for k in EVAL_FIELDS})

    def add_translation(self, event) -> None:
        """A TranslationEvent: its scores (at the tokens and time of its step's evaluation) and samples."""
        tokens = elapsed = math.nan
        if len(self.evals) and self.evals.column("step")[-1] == event.step:
            tokens, elapsed = self.evals.column("tokens")[-1], self.evals.column("elapsed")[-1]
        elif len(self.steps):
            tokens, elapsed = self.steps.column("tokens")[-1], self.steps.column("elapsed")[-1]
        self.translations.append(
            dict(
                step=event.step,
                tokens=tokens,
                elapsed=elapsed,
                bleu=event.bleu,
                chrf=event.chrf,
                exact_match=event.exact_match,
            )
        )
        self.signature = event.signature or self.signature
        if event.samples:
            self.add_translation_samples(event.step, event.samples)

    def add_translation_samples(self, step: int, rows: list) -> None:
        self.translation_samples.append((step, [[str(c) for c in row[:3]] for row in rows]))

    def translation_samples_near(self, step: float) -> tuple[int, list[list[str]]] | None:
        if not self.translation_samples:
            return None
        return min(self.translation_samples, key=lambda s: abs(s[0] - step))

    def add_lr_change(self, step: int, lr: float) -> None:
        tokens = elapsed = math.nan
        if len(self.steps):
            tokens, elapsed = self.steps.column("tokens")[-1], self.steps.column("elapsed")[-1]
        self.lr_changes.append((step, tokens, elapsed, lr))

    def add_probe(self, probe) -> None:
        """One evaluation's probes: a ProbeEvent or a row of probes.jsonl."""
        keys = ("step", "tokens", "probs", "prompt", "top_tokens", "top_probs")
        self.probes.append({k: (probe[k] if isinstance(probe, dict) else getattr(probe, k)) for k in keys})

    def add_sample(self, step: int, text: str, memorization: dict | None = None) -> None:
        self.samples.append((step, text))
        if memorization:
            self.memorization[step] = memorization

    def memorization_of(self, step: int) -> dict | None:
        """Where the sample of ``step`` repeats the training or validation text (see SampleEvent), if checked."""
        return self.memorization.get(step)

    def sample_near(self, step: float) -> tuple[int, str] | None:
        if not self.samples:
            return None
        return min(self.samples, key=lambda s: abs(s[0] - step))

    @classmethod
    def from_rows(cls, rows: list[dict[str, str]], name: str = "") -> RunMetrics:
        """Rebuild from ``metrics.csv`` rows: step rows carry train_loss, evaluation rows val_loss."""
        run = cls(name)

        def num(row: dict[str, str], key: str) -> float:
            try:
                return float(row.get(key) or "nan")
            except ValueError:
                return math.nan

        for row in rows:
            base = {k: num(row, k) for k in ("step", "tokens", "elapsed")}
            if row.get("val_loss"):
                run.evals.append(
                    {
                        **base,
                        "train_loss": num(row, "eval_train_loss"),
                        "val_loss": num(row, "val_loss"),
                        "val_perplexity": num(row, "val_perplexity"),
                        "bits_per_char": num(row, "bits_per_char"),
                    }
                )
            elif row.get("bleu"):  # a translation run's scores: a row of their own after the evaluation's
                run.translations.append(
                    {
                        **base,
                        "bleu": num(row, "bleu"),
                        "chrf": num(row, "chrf"),
                        "exact_match": num(row, "exact_match"),
                    }
                )
            elif row.get("train_loss"):
                run.steps.append(
                    {
                        **base,
                        "loss": num(row, "train_loss"),
                        "lr": num(row, "lr"),
                        "grad_norm": num(row, "grad_norm"),
                        "tokens_per_sec": num(row, "tokens_per_sec"),
                        "mfu": num(row, "mfu"),
                    }
                )
        return run

    def write_csv(self, path: Path) -> None:
        """One row per step or evaluation, in step order, with the metrics.csv column names."""
        rows: list[tuple[float, int, dict[str, float]]] = []
        for i in range(len(self.steps)):
            s = {k: self.steps.column(k)[i] for k in STEP_FIELDS}
            rows.append(
                (
                    s["step"],
                    0,
                    {
                        "step": s["step"],
                        "tokens": s["tokens"],
                        "elapsed": s["elapsed"],
                        "train_loss": s["loss"],
                        "lr": s["lr"],
                        "grad_norm": s["grad_norm"],
                        "tokens_per_sec": s["tokens_per_sec"],
                        **({"mfu": s["mfu"]} if "mfu" in COLUMNS else {}),
                    },
                )
            )
        for i in range(len(self.evals)):
            e = {k: self.evals.column(k)[i] for k in EVAL_FIELDS}
            rows.append(
                (
                    e["step"],
                    1,
                    {
                        "step": e["step"],
                        "tokens": e["tokens"],
                        "elapsed": e["elapsed"],
                        "val_loss": e["val_loss"],
                        "val_perplexity": e["val_perplexity"],
                        "bits_per_char": e["bits_per_char"],
                        "eval_train_loss": e["train_loss"],
                    },
                )
            )
        for i in range(len(self.translations)):
            t = {k: self.translations.column(k)[i] for k in TRANSLATION_FIELDS}
            rows.append((t["step"], 2, t))
        rows.sort(key=lambda r: (r[0], r[1]))
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS)
            writer.writeheader()
            for _, _, row in rows:
                writer.writerow(
                    {
                        k: (
                            ""
                            if (isinstance(v, float) and math.isnan(v))
                            else (int(v) if k in ("step", "tokens") else f"{v:.6g}")
                        )
                        for k, v in row.items()
                    }
                )
