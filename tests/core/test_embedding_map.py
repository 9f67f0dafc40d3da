"""The embedding map's computations: PCA with fixed signs, one basis for several checkpoints, cosine
neighbours, training-split frequencies and the trajectory of a real tiny run's checkpoints."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch

from lmstudio.core.errors import ConfigError, DataError
from lmstudio.core.inference.embedding_map import (
    Basis,
    fit_pca,
    nearest,
    project,
    run_frequencies,
    run_trajectory,
    token_embeddings,
    token_frequencies,
    token_labels,
    trajectory,
    umap_available,
)


def test_pca_finds_the_line_with_deterministic_signs():
    rng = np.random.default_rng(0)
    direction = np.array([3.0, -4.0, 0.0, 0.0]) / 5.0
    t = np.linspace(-5, 5, 40)
    table = 2.0 + t[:, None] * direction + rng.normal(0, 0.01, (40, 4))
    proj = project(table)
    assert proj.points.shape == (40, 2) and proj.points.dtype == np.float32
    assert proj.explained[0] > 0.99
    first = proj.basis.components[0]
    assert abs(abs(first @ direction) - 1.0) < 1e-3
    assert first[np.argmax(np.abs(first))] > 0  # the largest loading (-4/5 of the line) is made positive
    # the same picture for a flipped table's copy, and for the same table again
    again = project(table.copy())
    np.testing.assert_allclose(again.points, proj.points, atol=1e-6)
    assert np.corrcoef(proj.points[:, 0], t)[0, 1] < -0.999  # positive loading on -4/5: x falls as t rises


def test_pca_degenerate_tables():
    one = project(np.ones((1, 3)))
    assert one.points.shape == (1, 2) and not one.points.any() and not one.explained.any()
    same = project(np.tile([1.0, 2.0], (5, 1)))
    assert not same.points.any()
    with pytest.raises(ConfigError, match="NaN"):
        project(np.array([[np.nan, 1.0], [0.0, 1.0]]))
    with pytest.raises(ConfigError, match="not one of"):
        project(np.eye(3), method="tsne")


def test_two_checkpoints_on_one_basis():
    rng = np.random.default_rng(1)
    late = rng.normal(size=(30, 8))
    early = late * 0.1 + rng.normal(0, 0.01, (30, 8))
    fitted = project(late)
    shared = project(early, basis=fitted.basis)
    # the basis is reused unchanged: the early points are the early table in the late axes
    np.testing.assert_allclose(shared.points, (early - fitted.basis.mean) @ fitted.basis.components.T, atol=1e-5)
    assert shared.basis is fitted.basis
    frames, ref = trajectory([(10, "step-10", early), (20, "step-20", late)])  # fitted on the last
    assert [f.step for f in frames] == [10, 20] and ref.basis.mean.shape == (8,)
    first_fitted, _ = trajectory([(20, "step-20", late), (10, "step-10", early)], reference="step-20")
    np.testing.assert_allclose(first_fitted[1].points, fitted.points, atol=1e-6)
    np.testing.assert_allclose(frames[1].points, fitted.points, atol=1e-6)
    np.testing.assert_allclose(frames[0].points, shared.points, atol=1e-6)
    with pytest.raises(ConfigError, match="width"):
        Basis(fitted.basis.mean, fitted.basis.components).apply(np.zeros((3, 5)))


def test_umap_missing_is_a_clear_error():
    if umap_available():
        pytest.skip("umap-learn is installed here")
    with pytest.raises(ConfigError, match="pip install umap-learn"):
        project(np.eye(4), method="umap")


def test_umap_when_installed(monkeypatch):
    """The UMAP path with a stand-in ``umap`` module (umap-learn is optional and not a test dependency)."""
    import importlib.machinery
    import sys
    import types

    class FakeUMAP:
        def __init__(self, **options):
            self.options = options

        def fit_transform(self, table):
            self.fitted = table.shape
            return table[:, :2] * 2

        def transform(self, table):
            return table[:, :2] * 3

    fake = types.ModuleType("umap")
    fake.__spec__ = importlib.machinery.ModuleSpec("umap", None)
    fake.UMAP = FakeUMAP
    monkeypatch.setitem(sys.modules, "umap", fake)
    assert umap_available()
    table = np.arange(12.0).reshape(4, 3)
    fitted = project(table, method="umap", seed=3)
    assert fitted.method == "umap" and fitted.explained.size == 0
    assert fitted.basis.options["random_state"] == 3 and fitted.basis.options["n_neighbors"] == 3
    np.testing.assert_allclose(fitted.points, table[:, :2] * 2)
    np.testing.assert_allclose(project(table, method="umap", basis=fitted.basis).points, table[:, :2] * 3)


def test_nearest_by_cosine():
    table = np.array(
        [
            [1.0, 0.0, 0.0],  # 0
            [10.0, 0.1, 0.0],  # 1: same direction as 0, much longer
            [0.0, 1.0, 0.0],  # 2: orthogonal
            [-1.0, 0.0, 0.0],  # 3: opposite
            [0.7, 0.7, 0.0],  # 4: 45 degrees
            [0.0, 0.0, 0.0],  # 5: zero vector
        ]
    )
    result = nearest(table, 0, k=3)
    assert [i for i, _ in result] == [1, 4, 2]
    assert result[0][1] == pytest.approx(0.99995, abs=1e-4)
    assert all(i != 0 for i, _ in nearest(table, 0, k=10)) and len(nearest(table, 0, k=10)) == 5
    assert nearest(table, 5, k=1)[0][1] == 0.0
    with pytest.raises(ConfigError, match="outside the vocabulary"):
        nearest(table, 6)


def test_frequencies_from_ids():
    counts = token_frequencies(np.array([0, 2, 2, 5], dtype=np.uint16), 6)
    assert counts.tolist() == [1, 0, 2, 0, 0, 1]
    assert token_frequencies(None, 6) is None
    assert token_frequencies(np.zeros(0, dtype=np.uint16), 6) is None
    with pytest.raises(DataError, match="another tokenizer"):
        token_frequencies(np.array([7]), 6)


def test_embeddings_of_every_architecture():
    from lmstudio.core.config import ModelConfig
    from lmstudio.core.models import build_model, build_seq2seq

    for arch in ("transformer", "gru", "lstm"):
        model = build_model(ModelConfig(arch=arch, vocab_size=11, d_model=8, n_layer=1, n_head=2, block_size=8))
        table = token_embeddings(model)
        assert table.shape == (11, 8) and table.dtype == np.float32
    for arch in ("transformer", "gru"):
        config = ModelConfig(
            arch=arch, vocab_size=9, source_vocab_size=13, d_model=8, n_layer=1, n_head=2, block_size=8
        )
        assert token_embeddings(build_seq2seq(config)).shape == (9, 8)  # the target side
    with pytest.raises(ConfigError, match="no token embedding"):
        token_embeddings(torch.nn.Linear(2, 2))


@pytest.fixture(scope="module")
def tiny_run(tiny_corpus, tmp_path_factory):
    """A 20-step Transformer run with checkpoints at steps 10 and 20."""
    from lmstudio.core.training.launch import new_trainer
    from tests.helpers import tiny_workspace

    out = tmp_path_factory.mktemp("embedding-run") / "run"
    # a module fixture is set up before the autouse (function) private cache: set it here as well
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LMSTUDIO_CACHE", str(tmp_path_factory.getbasetemp() / "lmstudio-cache"))
        for _ in new_trainer(tiny_workspace(tiny_corpus, checkpoint_interval=10), out).run():
            pass
    return out


def _checkpoint_loader(run_dir):
    """What the Playground's job does: one model of the run's config, each checkpoint's safetensors into it."""
    from lmstudio.core.runs import checkpoint as ckpt
    from lmstudio.core.runs.folders import build_run_model

    config, _ = ckpt.read_run_config(run_dir)
    model = build_run_model(config)
    infos = {c.name: c for c in ckpt.list_checkpoints(run_dir)}

    def load(name):
        ckpt.load_weights(infos[name].path / ckpt.WEIGHTS_FILE, model)
        return infos[name].step, model

    return list(infos), load


@pytest.mark.slow  # the first user of tiny_run: trains it (a few seconds)
def test_frequencies_and_labels_of_a_trained_run(tiny_run, tmp_path):
    from lmstudio.core.runs.folders import load_run

    loaded = load_run(tiny_run, device="cpu")
    counts = run_frequencies(loaded.config, loaded.facts, loaded.tokenizer)
    assert counts is not None and counts.shape == (loaded.tokenizer.vocab_size,)
    labels = token_labels(loaded.tokenizer)
    assert len(labels) == loaded.tokenizer.vocab_size
    by_label = dict(zip(labels, counts.tolist()))
    assert by_label["e"] > by_label["z"] > 0 and by_label["\n"] > 0  # Shakespeare's letters, in proportion
    assert counts[loaded.tokenizer.pad_id] == 0
    assert counts.sum() > 10_000  # the whole training split, not a sample
    # the corpus moved away: no cache entry can be found, and nothing is prepared again
    gone = replace(loaded.config, data=replace(loaded.config.data, corpus=str(tmp_path / "moved.txt")))
    assert run_frequencies(gone, {}, loaded.tokenizer) is None


@pytest.mark.slow
def test_trajectory_over_a_runs_checkpoints(tiny_run):
    names, load = _checkpoint_loader(tiny_run)
    assert "step-10" in names and "step-20" in names
    seen = []
    frames = run_trajectory(names, load, progress=lambda done, total, msg: seen.append(msg))
    assert len(frames) == len(names) and [f.step for f in frames] == sorted(f.step for f in frames)
    vocab = frames[0].points.shape[0]
    assert all(f.points.shape == (vocab, 2) for f in frames)
    # same axes: the reference (the last name) is drawn exactly as its own PCA; the earlier ones differ
    _, reference_model = load(names[-1])
    reference = project(token_embeddings(reference_model))
    last = next(f for f in frames if f.name == names[-1])
    np.testing.assert_allclose(last.points, reference.points, atol=1e-5)
    first = next(f for f in frames if f.name == "step-10")
    assert not np.allclose(first.points, last.points)
    _, early_model = load("step-10")
    np.testing.assert_allclose(
        first.points, project(token_embeddings(early_model), basis=reference.basis).points, atol=1e-5
    )
    assert seen[0].startswith("loading") and seen[-1] == "projecting"
    assert fit_pca(token_embeddings(reference_model))[1].sum() <= 1.0
