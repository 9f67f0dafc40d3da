"""Side by side (issue 16): one prompt and seed through checkpoints of two runs of different architecture, and
every checkpoint of one run in order."""

from __future__ import annotations

import json
import shutil

import pytest

from lmstudio.app.side_by_side import checkpoint_choices, every_checkpoint, generate_side_by_side
from lmstudio.core.config import ModelConfig, SampleConfig
from lmstudio.core.errors import CheckpointError, ConfigError
from tests.helpers import tiny_workspace


def _train(tmp_path_factory, corpus, name, **model):
    from lmstudio.core.training.launch import new_trainer

    out = tmp_path_factory.mktemp("runs") / name
    config = tiny_workspace(corpus, checkpoint_interval=10)  # 20 steps: step-10, step-20 and best
    if model:
        config.model = ModelConfig(**model)
    for _ in new_trainer(config, out).run():
        pass
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory, tiny_corpus):
    import os

    before = os.environ.get("LMSTUDIO_CACHE")  # as the autouse _private_cache, which a module fixture precedes
    os.environ["LMSTUDIO_CACHE"] = str(tmp_path_factory.getbasetemp() / "lmstudio-cache")
    try:
        transformer = _train(tmp_path_factory, tiny_corpus, "transformer")
        lstm = _train(tmp_path_factory, tiny_corpus, "lstm", arch="lstm", block_size=16, n_layer=1, d_model=32)
    finally:
        if before is None:
            os.environ.pop("LMSTUDIO_CACHE", None)
        else:
            os.environ["LMSTUDIO_CACHE"] = before
    return transformer, lstm


def _cfg(**kw) -> SampleConfig:
    return SampleConfig(**{"max_new_tokens": 12, "temperature": 1.0, "seed": 7, **kw})


def test_two_runs_same_seed_is_deterministic_and_described(runs):
    transformer, lstm = runs
    entries = [(str(transformer), "step-10"), (str(lstm), "best")]
    first = generate_side_by_side(entries, "ROMEO:", _cfg())
    again = generate_side_by_side(entries, "ROMEO:", _cfg())
    assert [[t["id"] for t in r["tokens"]] for r in first] == [[t["id"] for t in r["tokens"]] for r in again]
    assert [r["run"] for r in first] == [str(transformer), str(lstm)]
    assert [r["name"] for r in first] == ["step-10", "best"]
    assert [r["arch"] for r in first] == ["transformer", "lstm"]
    assert first[0]["step"] == 10 and first[1]["step"] > 0
    for r in first:
        assert len(r["tokens"]) == 12 and r["parameters"] > 0
        assert r["mean_logprob"] == pytest.approx(sum(t["logprob"] for t in r["tokens"]) / 12)
        assert all(0 < t["prob"] <= 1 for t in r["tokens"])  # what the chips are coloured by


def test_matches_the_two_checkpoint_compare(runs):
    """The same entry gives what the Compare page's job gives: one generation path, not a second copy."""
    from lmstudio.app.playground import compare

    transformer, _ = runs
    ours = generate_side_by_side([(str(transformer), "best")], "", _cfg())
    theirs = compare(transformer, ["best"], "", _cfg(), device="cpu")
    assert [t["id"] for t in ours[0]["tokens"]] == [t["id"] for t in theirs[0]["tokens"]]


def test_beam_search_and_progress_stop(runs):
    transformer, lstm = runs
    entries = [(str(transformer), "best"), (str(lstm), "best")]
    beamed = generate_side_by_side(entries, "ROMEO:", _cfg(max_new_tokens=4, seed=None), beam_width=2)
    assert len(beamed) == 2 and all(len(r["tokens"]) == 4 for r in beamed)
    calls = []

    def stop_after_first(done, total, message=""):
        calls.append((done, total))
        return not message  # token progress goes on; the first finished entry stops the rest

    stopped = generate_side_by_side(entries, "", _cfg(max_new_tokens=3), progress=stop_after_first)
    assert len(stopped) == 1 and (1, 2) in calls


def test_every_checkpoint_oldest_first_then_a_distinct_best(runs, tmp_path):
    transformer, _ = runs
    entries = every_checkpoint(transformer)
    assert [name for _, name in entries] == ["step-10", "step-20"]  # best is one of these steps: shown once
    assert all(run == str(transformer) for run, _ in entries)
    # best weights saved alone (a best step whose step checkpoint was not kept): a column of their own, last
    copy = shutil.copytree(transformer, tmp_path / "copy")
    (copy / "checkpoints" / "step-10").rename(copy / "checkpoints" / "best")
    assert [name for _, name in every_checkpoint(copy)] == ["step-20", "best"]
    labels = dict((name, label) for label, name in checkpoint_choices(transformer))
    assert list(labels)[:2] == ["best", "last"] and labels["step-10"].startswith("step 10")


def test_translation_runs_and_bad_input_are_refused(runs, tmp_path):
    transformer, _ = runs
    fake = tmp_path / "translation"
    fake.mkdir()
    config = json.loads((transformer / "config.json").read_text())
    config["data"].update(task="translate", toy_task="reverse")
    (fake / "config.json").write_text(json.dumps(config))
    for call in (every_checkpoint, checkpoint_choices):
        with pytest.raises(ConfigError, match="translation run"):
            call(fake)
    with pytest.raises(ConfigError, match="translation run"):  # before any model is loaded
        generate_side_by_side([(str(transformer), "best"), (str(fake), "best")], "", _cfg())
    with pytest.raises(ConfigError, match="no checkpoint chosen"):
        generate_side_by_side([], "", _cfg())
    with pytest.raises(ConfigError, match="seed"):
        generate_side_by_side([(str(transformer), "best")], "", _cfg(seed=None))
    with pytest.raises(CheckpointError, match="not an lmstudio run folder"):
        every_checkpoint(tmp_path)
