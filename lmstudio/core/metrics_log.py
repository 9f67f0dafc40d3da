"""``metrics.csv`` of a run, appended and flushed row by row, and TensorBoard events when installed."""

from __future__ import annotations

import csv
import math
from pathlib import Path

COLUMNS = (
    "step", "tokens", "elapsed", "train_loss", "val_loss", "val_perplexity", "bits_per_char",
    "lr", "grad_norm", "tokens_per_sec", "eval_train_loss",
)


class MetricsLog:
    """Append metric rows to ``run_dir/metrics.csv``; on resume, rows after the resumed step are dropped."""

    def __init__(self, run_dir: Path, truncate_after: int | None = None) -> None:
        self.path = Path(run_dir) / "metrics.csv"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        kept: list[dict[str, str]] = []
        if truncate_after is not None and self.path.is_file():
            kept = [row for row in read_metrics_rows(self.path) if _int(row.get("step")) <= truncate_after]
            if truncate_after == 0:
                kept = []
        self._fh = open(self.path, "w", encoding="utf-8", newline="")
        self._writer = csv.DictWriter(self._fh, fieldnames=COLUMNS, extrasaction="ignore")
        self._writer.writeheader()
        for row in kept:
            self._writer.writerow(row)
        self._fh.flush()
        self._tb = _tensorboard_writer(self.path.parent)

    def write(self, **values: float) -> None:
        row = {k: _fmt(v) for k, v in values.items()}
        self._writer.writerow(row)
        self._fh.flush()
        if self._tb is not None:
            step = int(values["step"])
            for key, value in values.items():
                if key not in ("step", "tokens", "elapsed") and value is not None and math.isfinite(value):
                    self._tb.add_scalar(key, value, step)

    def flush(self) -> None:
        self._fh.flush()
        if self._tb is not None:
            self._tb.flush()

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.close()
        if self._tb is not None:
            self._tb.close()


def read_metrics_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _fmt(value: float | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return f"{value:.6g}"


def _int(text: str | None) -> int:
    try:
        return int(float(text or 0))
    except ValueError:
        return 0


def _tensorboard_writer(run_dir: Path):
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:  # tensorboard is an optional extra
        return None
    return SummaryWriter(str(run_dir / "tensorboard"))
