"""Ownership of folders across processes: an OS file lock held for as long as a process writes there.

A run folder is trained by one process at a time (the CLI, or one window), and one entry of the
prepared-data cache is built by one process at a time. The lock is an OS lock on a file
(``filelock``: ``fcntl``/``LockFileEx``), so the operating system releases it when its process dies,
even by ``kill -9``; a lock file left on disk is therefore never taken for a live owner. Whatever a
folder's owner leaves half-written (temporary files, ``.partial`` folders) can be removed by the next
process that takes the lock, and only then.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock, Timeout

RUN_LOCK_FILE = ".lmstudio.lock"

# names this program gives its temporary files and folders (tempfile's 8 random characters)
_TMP_FILE = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


class FolderLock:
    """An exclusive lock on ``path`` (a lock file) held by this process until :meth:`release`.

    ``release`` may be called any number of times; dropping the object or exiting the process releases
    it too.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        # thread_local=False: the lock is taken on one thread (a GUI worker) and may be released on another
        self._lock = FileLock(str(self.path), thread_local=False)

    @classmethod
    def try_acquire(cls, path: Path) -> FolderLock | None:
        """The lock, or ``None`` when another process (or another lock object here) holds it."""
        lock = cls(path)
        try:
            lock._lock.acquire(timeout=0)
        except Timeout:
            return None
        return lock

    @classmethod
    def acquire_waiting(
        cls, path: Path, keep_waiting: Callable[[], None] | None = None, poll: float = 0.2
    ) -> FolderLock:
        """Wait for the lock; ``keep_waiting`` is called between tries and may raise to give up."""
        lock = cls(path)
        while True:
            try:
                lock._lock.acquire(timeout=poll)
                return lock
            except Timeout:
                if keep_waiting is not None:
                    keep_waiting()

    @property
    def held(self) -> bool:
        return self._lock.is_locked

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)

    def __enter__(self) -> FolderLock:
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def __del__(self) -> None:
        try:
            self.release()
        except Exception:  # interpreter shutdown
            pass


def is_locked(path: Path) -> bool:
    """Whether another process holds the lock file ``path`` now (a missing file is not locked)."""
    if not Path(path).is_file():
        return False
    try:
        lock = FolderLock.try_acquire(path)
    except OSError:  # a read-only folder: no one can be writing there through us; its writers report it
        return False
    if lock is None:
        return True
    lock.release()
    return False


def lock_run_folder(run_dir: Path, busy_message: str) -> FolderLock:
    """Take the run folder's lock, or raise :class:`~lmstudio.core.errors.CheckpointError` with ``busy_message``."""
    from .errors import CheckpointError

    try:
        lock = FolderLock.try_acquire(Path(run_dir) / RUN_LOCK_FILE)
    except OSError as exc:
        raise CheckpointError(
            f"{run_dir}: cannot write in this folder ({exc.strerror or exc}); make it writable or choose another folder"
        ) from None
    if lock is None:
        raise CheckpointError(busy_message)
    return lock


def is_temp_file(name: str) -> bool:
    """Whether ``name`` is a temporary file this program writes: ``.NAME.<8 random characters>.tmp``,
    as :func:`fileio.atomic_path` names them."""
    return bool(_TMP_FILE.match(name))


def remove_temp_files(folder: Path) -> list[Path]:
    """Delete this program's temporary files directly in ``folder`` (call only while owning it)."""
    removed = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        if is_temp_file(entry.name) and entry.is_file() and not entry.is_symlink():
            try:
                entry.unlink()
                removed.append(entry)
            except OSError:
                pass
    return removed


def remove_tree_quietly(path: Path, attempts: int = 3) -> None:
    """``rmtree`` that tolerates a file still open elsewhere (Windows) by retrying briefly."""
    for i in range(attempts):
        try:
            shutil.rmtree(path)
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.05 * (i + 1))
    shutil.rmtree(path, ignore_errors=True)


def remove_owned_folder(folder: Path, lock: FolderLock) -> None:
    """Remove a folder this process created and whose ``lock`` (a file inside it) it holds.

    Everything else goes while the lock is held, so no other process can have started writing there;
    the lock file and the folder go last, and a folder another process has meanwhile written to stays.
    """
    folder = Path(folder)
    try:
        entries = [p for p in folder.iterdir() if p != lock.path]
    except OSError:
        entries = []
    for entry in entries:
        if entry.is_dir() and not entry.is_symlink():
            remove_tree_quietly(entry)
        else:
            try:
                entry.unlink()
            except OSError:
                pass
    lock.release()
    try:
        lock.path.unlink(missing_ok=True)
        folder.rmdir()  # only if empty
    except OSError:
        pass


def describe_write_error(path: Path, exc: BaseException) -> str:
    """One line for a failed write: the file and what to do (free space, permissions)."""
    errno_ = getattr(exc, "errno", None)
    text = str(exc)
    if errno_ == 28 or "No space left" in text or "StorageFull" in text:
        return f"{path}: disk full; free some space on that drive and try again"
    if errno_ == 122 or "quota" in text.lower():
        return f"{path}: disk quota exceeded; free some space and try again"
    if isinstance(exc, PermissionError) or errno_ in (1, 13) or "ermission denied" in text:
        return f"{path}: permission denied; make the folder writable or choose another one"
    if errno_ == 30 or "Read-only file system" in text:
        return f"{path}: read-only file system; choose a folder on a writable drive"
    reason = getattr(exc, "strerror", None) or (text.splitlines()[0][:200] if text else type(exc).__name__)
    return f"{path}: could not be written ({reason}); check free disk space and permissions"


__all__ = [
    "FolderLock",
    "RUN_LOCK_FILE",
    "describe_write_error",
    "is_locked",
    "is_temp_file",
    "lock_run_folder",
    "remove_owned_folder",
    "remove_temp_files",
    "remove_tree_quietly",
]
