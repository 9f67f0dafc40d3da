"""The ``--out`` folder of an export: new or empty, built beside it under a temporary name, renamed in at the end.

Nothing of the user's is ever replaced: a non-empty folder, a file or a link is refused before any work, and a
folder that received files while the export ran is left alone (the export's own temporary folder is removed).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from ..errors import ConfigError


def check_out_dir(out_dir: Path) -> None:
    """Refuse an ``--out`` that is not a new or empty folder; nothing is touched."""
    out_dir = Path(out_dir)
    if out_dir.is_symlink():
        raise ConfigError(f"--out {out_dir}: is a link; give a new folder for the export")
    if out_dir.exists() and not out_dir.is_dir():
        raise ConfigError(f"--out {out_dir}: is a file, not a folder; give a new or empty folder for the export")
    if not out_dir.is_dir():
        return
    try:
        names = sorted(p.name for p in out_dir.iterdir())
    except OSError as exc:
        raise ConfigError(f"--out {out_dir}: cannot be read ({exc.strerror or exc}); choose another folder") from None
    if names:
        shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
        raise ConfigError(
            f"--out {out_dir}: is not empty ({shown}); nothing was changed. Give a new or empty folder for the export"
        )


def new_work_dir(out_dir: Path) -> Path:
    """The temporary folder the export is built in, beside ``out_dir`` (so the final rename stays on one disk)."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = out_dir.with_name(f".{out_dir.name}.{secrets.token_hex(4)}.tmp")
    work.mkdir()
    return work


def install(work: Path, out_dir: Path) -> None:
    """Rename the finished folder into place; an empty ``out_dir`` (checked at the start) is replaced."""
    if out_dir.is_dir():
        if any(out_dir.iterdir()):  # filled while we worked: leave the user's files alone
            raise ConfigError(
                f"--out {out_dir}: received files while the export ran; nothing was changed. Give a new folder"
            )
        os.rmdir(out_dir)
    os.replace(work, out_dir)


__all__ = ["check_out_dir", "install", "new_work_dir"]
