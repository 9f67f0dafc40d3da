"""``metrics.csv`` of a run, appended and flushed row by row, and TensorBoard event files when asked for
(``train.tensorboard``, ``--tensorboard``), never just because the package happens to be installed."""

from __future__ import annotations

import csv
import math
from pathlib import Path

from ..errors import CheckpointError
from ..fileio import atomic_open
from ..locks import describe_write_error

TENSORBOARD_MISSING = (
    "TensorBoard logging was asked for (train.tensorboard) but the tensorboard package is not installed; "
    "metrics.csv is written as always. Install it with: pip install lmstudio-workbench[tensorboard]"
)

COLUMNS = (  # metrics.csv's columns, in order: the one declaration (the GUI's export uses it too)
    "step",
    "tokens",
    "elapsed",
    "train_loss",
    "val_loss",
    "val_perplexity",
    "bits_per_char",
    "lr",
    "grad_norm",
    "tokens_per_sec",
    "eval_train_loss",
    "mfu",  # model FLOPs utilisation, 0-1, against the device's measured matmul peak (lmstudio.core.peak)
    "bleu",  # translation runs: corpus BLEU (sacreBLEU, 0-100) of greedy translations of validation pairs
    "chrf",  # translation runs: corpus chrF of the same translations
    "exact_match",  # translation runs: share (0-1) of those translations equal to their reference
)


class MetricsLog:
    """Append metric rows to ``run_dir/metrics.csv``; on resume, rows after the resumed step are dropped.

    The rows kept on resume are rewritten atomically (a crash or a full disk then leaves the old file);
    a failed write raises :class:`~lmstudio.core.errors.CheckpointError` naming the file.
    """

    def __init__(self, run_dir: Path, truncate_after: int | None = None, *, tensorboard: bool = False) -> None:
        self.path = Path(run_dir) / "metrics.csv"
        self._fh = None
        self._tb = None
        self.notice = ""  # something the user should read (TensorBoard asked for but missing), "" when none
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            kept: list[dict[str, str]] = []
            if truncate_after is not None and truncate_after > 0 and self.path.is_file():
                kept = [
                    row
                    for row in read_metrics_rows(self.path)
                    if (step := _int(row.get("step"))) is not None and step <= truncate_after
                ]
            with atomic_open(self.path, "w") as fh:
                writer = csv.DictWriter(fh, fieldnames=COLUMNS, extrasaction="ignore")
                writer.writeheader()
                for row in kept:
                    writer.writerow({k: v for k, v in row.items() if k in COLUMNS})
            self._fh = open(self.path, "a", encoding="utf-8", newline="")
        except OSError as exc:
            raise CheckpointError(describe_write_error(self.path, exc)) from None
        self._writer = csv.DictWriter(self._fh, fieldnames=COLUMNS, extrasaction="ignore")
        if tensorboard:
            self._tb = _tensorboard_writer(self.path.parent)
            if self._tb is None:
                self.notice = TENSORBOARD_MISSING

    def write(self, **values: float) -> None:
        row = {k: _fmt(v) for k, v in values.items()}
        try:
            self._writer.writerow(row)
            self._fh.flush()
        except OSError as exc:
            raise CheckpointError(describe_write_error(self.path, exc)) from None
        if self._tb is not None:
            step = int(values["step"])
            for key, value in values.items():
                if key not in ("step", "tokens", "elapsed") and value is not None and math.isfinite(value):
                    self._tb.add_scalar(key, value, step)

    def flush(self) -> None:
        try:
            self._fh.flush()
        except OSError as exc:
            raise CheckpointError(describe_write_error(self.path, exc)) from None
        if self._tb is not None:
            self._tb.flush()

    def close(self) -> None:
        if self._fh is not None and not self._fh.closed:
            try:
                self._fh.close()
            except OSError:  # the write error was already reported
                pass
        if self._tb is not None:
            self._tb.close()


def read_metrics_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a ``metrics.csv``; a damaged byte or a row cut by a crash does not stop the reading."""
    with open(path, encoding="utf-8", errors="replace", newline="") as fh:
        text = fh.read().replace("\0", "")  # NUL bytes (a crash on some file systems) stop the csv module
    rows = []
    reader = csv.DictReader(text.splitlines())
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return rows
        except csv.Error:  # one damaged line: skip it, keep the rest
            continue
        rows.append(row)


def _fmt(value: float | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return f"{value:.6g}"


def _int(text: str | None) -> int | None:
    """The step of a row; ``None`` for a damaged one (a cut line, a stray byte), which is then dropped."""
    try:
        return int(float(text or 0))
    except (ValueError, OverflowError, TypeError):
        return None


def _tensorboard_writer(run_dir: Path):
    """A SummaryWriter into ``run_dir/tensorboard``, or None when the optional package is missing."""
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:  # tensorboard is an optional extra: lmstudio-workbench[tensorboard]
        return None
    return SummaryWriter(str(run_dir / "tensorboard"))
