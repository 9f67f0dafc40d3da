"""Where lmstudio's own files live: the bundled resources and the cache of prepared data.

- ``resources_dir()``: the bundled corpora and stop-word lists. They are kept in ``resources/`` at the top
  of the repository and built into the wheel as package data (``lmstudio/resources``), so a wheel,
  ``pip install --user`` and an editable install all read them through :mod:`importlib.resources`; a plain
  checkout (no install) reads the repository's folder.
- ``cache_root()``: prepared splits, tokenizers and token files, keyed by content. ``$LMSTUDIO_CACHE``
  when set, else the platform's user cache folder from :mod:`platformdirs` (``~/.cache/lmstudio`` on
  Linux, ``~/Library/Caches/lmstudio`` on macOS, ``%LOCALAPPDATA%\\lmstudio\\Cache`` on Windows).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from .errors import LMStudioError

APP_NAME = "lmstudio"
CACHE_ENV = "LMSTUDIO_CACHE"


def resources_dir() -> Path:
    """The folder of bundled resources (``corpora/``, ``stopwords/``)."""
    packaged = resources.files("lmstudio") / "resources"
    if isinstance(packaged, Path) and packaged.is_dir():  # a wheel or a --user install: package data
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "resources"  # the repository, run from a checkout
    if checkout.is_dir():
        return checkout
    raise LMStudioError(
        f"lmstudio's bundled files are missing (looked in {packaged} and {checkout}); reinstall lmstudio-workbench"
    )


def cache_root() -> Path:
    """Where prepared data is cached: ``$LMSTUDIO_CACHE``, else the platform's user cache folder."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, appauthor=False)
