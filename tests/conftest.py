"""Fixtures shared by core and GUI tests: a private cache, tiny corpora and tiny configs."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHAKESPEARE = REPO / "resources" / "corpora" / "tinyshakespeare.txt"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Tests never read or write the user's cache of prepared data."""
    monkeypatch.setenv("LMSTUDIO_CACHE", str(tmp_path_factory.getbasetemp() / "lmstudio-cache"))


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory) -> Path:
    """The first 600 lines of Tiny Shakespeare (about 22 KB)."""
    path = tmp_path_factory.mktemp("corpus") / "tiny.txt"
    lines = SHAKESPEARE.read_text(encoding="utf-8").splitlines(keepends=True)[:600]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def tiny_workspace(corpus: Path, **train):
    """A config that trains in about a second on a CPU core."""
    from lmstudio.core.config import ModelConfig, TrainConfig, WorkspaceConfig, DataConfig

    settings = dict(batch_size=4, steps=20, lr=3e-3, min_lr=3e-4, warmup_steps=2, eval_interval=10, eval_iters=2,
                    checkpoint_interval=0, sample_tokens=8, device="cpu", threads=1, seed=7)
    settings.update(train)
    return WorkspaceConfig(
        data=DataConfig(corpus=str(corpus)),
        model=ModelConfig(arch="transformer", block_size=16, n_layer=1, n_head=2, d_model=32),
        train=TrainConfig(**settings),
    )
