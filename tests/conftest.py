"""Fixtures shared by core and GUI tests: a private cache, tiny corpora and tiny configs."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

REPO = Path(__file__).resolve().parents[1]
SHAKESPEARE = REPO / "resources" / "corpora" / "tinyshakespeare.txt"


def pytest_collection_modifyitems(config, items):
    """Tests marked ``slow`` run first (with workers, the longest ones then overlap the many short ones instead
    of leaving one worker idle at the end); tests marked ``cuda`` skip where no CUDA GPU is available (they
    run on a GPU machine: benchmarks/gpu_check.sh)."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable: the rest keep their order
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


TRANSLATION_RUN_SETTINGS = dict(
    data=dict(task="translate", toy_task="reverse", toy_pairs=2000),
    tokenizer=dict(kind="char"),
    model=dict(arch="gru", d_model=64, n_layer=1, block_size=16),
    train=dict(
        steps=150,
        batch_size=64,
        lr=3e-3,
        min_lr=3e-3,
        optimizer="adamw",
        warmup_steps=0,
        schedule="constant",
        eval_interval=75,
        eval_iters=4,
        bleu_pairs=50,
        checkpoint_interval=0,
    ),
)


@pytest.fixture(scope="session")
def translation_run(tmp_path_factory) -> Path:
    """A tiny GRU encoder-decoder with Bahdanau attention trained on the reverse toy task (150 steps, ~5 s):
    a real translation run folder (both tokenizers, checkpoints, metrics with BLEU/chrF) that has learned
    most of the task. Read-only for the tests that use it: copy it before changing it."""
    import os

    from lmstudio.core.config import WorkspaceConfig
    from lmstudio.core.training.launch import new_trainer

    before = os.environ.get("LMSTUDIO_CACHE")
    os.environ["LMSTUDIO_CACHE"] = str(tmp_path_factory.getbasetemp() / "lmstudio-cache")  # as _private_cache
    try:
        config = WorkspaceConfig.from_dict(TRANSLATION_RUN_SETTINGS)
        out = tmp_path_factory.mktemp("runs") / "reverse-gru"
        trainer = new_trainer(config, out)
        final = [e for e in trainer.run()][-1]
        assert final.status == "finished", final.message
    finally:
        if before is None:
            os.environ.pop("LMSTUDIO_CACHE", None)
        else:
            os.environ["LMSTUDIO_CACHE"] = before
    return out


from tests.helpers import tiny_workspace  # noqa: E402,F401  (re-exported for older imports)
