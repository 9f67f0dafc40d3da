"""Files: atomic writes, and the check every path a user names goes through before it is opened.

Atomic writes: a temporary file in the same folder, flushed and fsynced, then ``os.replace``. A crash or an
exception part-way through leaves the previous file untouched; the temporary file is removed.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from .errors import CorpusError, LMStudioError


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``, on error it is deleted."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:  # never hide the error that got us here
            pass


@contextmanager
def atomic_open(path: Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temporary file for writing that atomically becomes ``path`` when the block ends cleanly."""
    if "b" in mode:
        encoding = None
    with atomic_path(path) as tmp:
        with open(tmp, mode, encoding=encoding, newline="" if encoding else None) as fh:
            yield fh


def atomic_write_text(path: Path, text: str) -> None:
    with atomic_open(path, "w") as fh:
        fh.write(text)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    with atomic_open(path, "wb") as fh:
        fh.write(data)


def _special_kind(mode: int) -> str | None:
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "character device"
    if stat.S_ISBLK(mode):
        return "block device"
    if stat.S_ISSOCK(mode):
        return "socket"
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        return "special file"
    return None


def check_regular_file(
    path: str | os.PathLike,
    what: str = "corpus",
    *,
    allow_folder: bool = False,
    error: type[LMStudioError] = CorpusError,
) -> Path:
    """Return ``path`` if it is a regular file (or, with ``allow_folder``, a folder); raise ``error`` otherwise.

    Call this BEFORE opening anything a user names: ``open()`` on a FIFO blocks until a writer appears
    (in the window it would freeze the GUI), a device never ends or reads as nothing, and a file under
    ``/proc`` or ``/sys`` reports size 0 while holding text. Only ``os.stat`` (which never blocks) and,
    for a size-0 regular file, a one-byte read are done here. ``what`` names the role in messages
    ("corpus", "text to score", ...).
    """
    path = Path(path).expanduser()
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise error(f"{path}: no such file or folder; check the path of the {what}") from None
    except PermissionError:
        raise error(f"{path}: permission denied; make it readable (e.g. chmod +r) or choose another {what}") from None
    except NotADirectoryError:
        raise error(f"{path}: a part of this path is a file, not a folder; check the path of the {what}") from None
    except (OSError, ValueError) as exc:  # a symlink loop, a name too long, a NUL in the name
        reason = getattr(exc, "strerror", None) or str(exc)
        raise error(f"{path}: cannot be used as the {what} ({reason}); check the path") from None
    if stat.S_ISDIR(st.st_mode):
        if allow_folder:
            return path
        raise error(
            f"{path}: is a folder; the {what} must be a file (or use the folder format for a folder of text files)"
        )
    kind = _special_kind(st.st_mode)
    if kind is not None:
        raise error(
            f"{path}: is a {kind}, not a regular file; lmstudio reads the {what} from an ordinary file "
            f"(save the data to a file first, e.g. cat {path} > copy.txt)"
        )
    if st.st_size == 0 and _has_bytes(path):
        raise error(
            f"{path}: reports a size of 0 but holds data (a virtual file, as under /proc or /sys); "
            f"copy it to an ordinary file first (e.g. cat {path} > copy.txt)"
        )
    return path


def _has_bytes(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:  # a regular file: opening cannot block
            return bool(fh.read(1))
    except OSError:
        return False
