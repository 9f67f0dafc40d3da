"""The runs folder: a folder the user sees (default ``~/lmstudio-runs``) holding one timestamped
subfolder per run. Its location is a GUI preference; ``LMSTUDIO_RUNS_DIR`` overrides it (tests).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ..app.runs_table import default_runs_folder
from .settings import open_settings

KEY = "train/runs_folder"


def runs_folder() -> Path:
    """The folder the window keeps runs in: ``LMSTUDIO_RUNS_DIR``, else the one chosen in the Train tab, else the
    command line's default (``app.runs_table.default_runs_folder``)."""
    if os.environ.get("LMSTUDIO_RUNS_DIR"):
        return Path(os.environ["LMSTUDIO_RUNS_DIR"])
    value = str(open_settings().value(KEY, "") or "")
    return Path(value) if value else default_runs_folder()


def set_runs_folder(path: Path) -> None:
    store = open_settings()
    store.setValue(KEY, str(Path(path)))
    store.sync()


def new_run_dir(root: Path, arch: str) -> Path:
    """A fresh, not yet existing ``root/YYYY-MM-DD_HH-MM-SS-arch`` (suffixed -2, -3 ... on collisions)."""
    base = f"{time.strftime('%Y-%m-%d_%H-%M-%S')}-{arch}"
    path, n = Path(root) / base, 2
    while path.exists():
        path, n = Path(root) / f"{base}-{n}", n + 1
    return path


def list_runs(root: Path, limit: int = 30) -> list[Path]:
    """Run folders under ``root`` that have metrics, newest first."""
    root = Path(root)
    found = []
    try:
        for p in root.iterdir():
            try:
                found.append(((p / "metrics.csv").stat().st_mtime, p))
            except OSError:  # not a run, or deleted while we look
                continue
    except OSError:  # no runs folder (yet), or not readable
        return []
    found.sort(key=lambda item: item[0], reverse=True)
    return [p for _, p in found[:limit]]
