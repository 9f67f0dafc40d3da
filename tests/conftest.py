"""Fixtures shared by core and GUI tests: a private cache, tiny corpora and tiny configs."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

REPO = Path(__file__).resolve().parents[1]
SHAKESPEARE = REPO / "resources" / "corpora" / "tinyshakespeare.txt"


def pytest_collection_modifyitems(config, items):
    """Tests marked ``cuda`` skip where no CUDA GPU is available (they run on a GPU machine:
    benchmarks/gpu_check.sh)."""
    marked = [item for item in items if item.get_closest_marker("cuda") is not None]
    if not marked or torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA GPU (torch.cuda.is_available() is False)")
    for item in marked:
        item.add_marker(skip)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Tests never read or write the user's cache of prepared data."""
    monkeypatch.setenv("LMSTUDIO_CACHE", str(tmp_path_factory.getbasetemp() / "lmstudio-cache"))
    # The window trains in a child process; most tests train on its worker thread instead (a child starts
    # torch again: ~2 s a run). tests/gui/test_train_process.py runs the child process itself.
    monkeypatch.setenv("LMSTUDIO_TRAIN_IN_THREAD", "1")


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory) -> Path:
    """The first 600 lines of Tiny Shakespeare (about 22 KB)."""
    path = tmp_path_factory.mktemp("corpus") / "tiny.txt"
    lines = SHAKESPEARE.read_text(encoding="utf-8").splitlines(keepends=True)[:600]
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.fixture
def one_thread():
    """Run a test on one torch thread (steadier timing-free numerics on a shared machine)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


from tests.helpers import tiny_workspace  # noqa: E402,F401  (re-exported for older imports)
