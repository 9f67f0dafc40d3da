"""What a file or folder dropped on the window is: a run folder (opens in the Playground), a workspace
file (opens as the workspace) or anything else, a corpus (opens in the Data tab). Reads at most a
small JSON file; never fails (what cannot be read is a corpus, and the Data tab says what is wrong)."""

from __future__ import annotations

import json
from pathlib import Path

WORKSPACE_KEYS = frozenset({"data", "tokenizer", "model", "train"})
MAX_WORKSPACE_PEEK = 4 * 1024 * 1024  # the session refuses larger workspace files anyway


def is_run_folder(path: Path) -> bool:
    """A folder written by training: config.json beside a checkpoints/ folder."""
    return path.is_dir() and (path / "config.json").is_file() and (path / "checkpoints").is_dir()


def is_workspace_file(path: Path) -> bool:
    """A .json file holding a JSON object with workspace sections (data, tokenizer, model, train)."""
    if path.suffix.lower() != ".json" or not path.is_file():
        return False
    try:
        if path.stat().st_size > MAX_WORKSPACE_PEEK:
            return False
        obj = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return False
    return isinstance(obj, dict) and bool(WORKSPACE_KEYS.intersection(obj))


def drop_kind(path: str | Path) -> str:
    """ "run", "workspace" or "corpus"."""
    path = Path(path)
    if is_run_folder(path):
        return "run"
    if is_workspace_file(path):
        return "workspace"
    return "corpus"


def dropped_path(mime) -> Path | None:
    """The first local file or folder of a drag's QMimeData, if any."""
    urls = mime.urls() if mime is not None and mime.hasUrls() else []
    return Path(urls[0].toLocalFile()) if urls and urls[0].isLocalFile() else None
