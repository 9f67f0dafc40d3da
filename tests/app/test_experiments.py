"""Sweeps, the ready-made duels, data.train_fraction and context use: tiny runs of a few steps each."""

from __future__ import annotations

import json
from dataclasses import asdict, replace

import numpy as np
import pytest

from lmstudio.app.experiments import (
    architecture_duel,
    context_use,
    data_scale,
    data_scale_knee,
    load_sweep,
    make_spec,
    plan,
    run_sweep,
    save_sweep,
    sweep_results,
    tokenizer_tournament,
)
from lmstudio.core.errors import ConfigError
from tests.helpers import tiny_workspace


def _base(corpus):
    config = tiny_workspace(corpus, eval_interval=3, eval_iters=1, sample_tokens=0)
    return replace(config, model=replace(config.model, block_size=48))


def _write(path, values):
    path.write_text(json.dumps(values), encoding="utf-8")
    return path


# ---- files and plans ------------------------------------------------------------------------------------


def test_load_and_plan_grid_random_and_zip(tmp_path, tiny_corpus):
    _base(tiny_corpus).save(tmp_path / "workspace.json")
    sweep = _write(
        tmp_path / "lr.json",
        {
            "name": "lr",
            "base": "workspace.json",
            "axes": {"train.lr": [0.001, 0.003], "model.d_model": [32, 64], "cleaning.lowercase": [True]},
            "budget": {"tokens": 4 * 48 * 3},
        },
    )
    spec = load_sweep(sweep)
    assert spec.out == tmp_path / "lr" and spec.base.model.block_size == 48
    runs = plan(spec)
    assert [r.overrides["train.lr"] for r in runs] == [0.001, 0.001, 0.003, 0.003]
    assert all(r.config.train.steps == 3 and r.config.data.cleaning.lowercase for r in runs)
    assert runs[3].config.model.d_model == 64 and runs[0].name == "01-lr=0.001-d_model=32-lowercase=on"
    save_sweep(spec, tmp_path / "copy.json")
    assert [r.name for r in plan(load_sweep(tmp_path / "copy.json"))] == [r.name for r in runs]

    random_spec = replace(spec, mode="random", samples=3, seed=5)
    drawn = [r.overrides for r in plan(random_spec)]
    assert len(drawn) == 3 and len({json.dumps(d) for d in drawn}) == 3
    assert drawn == [r.overrides for r in plan(random_spec)]  # seeded
    assert len(plan(replace(spec, mode="random", samples=50))) == 4  # no repeats: at most the grid

    timed = plan(replace(spec, budget={"seconds": 30.0}))
    assert timed[0].config.train.max_time == 30.0 and timed[0].config.train.steps >= 10**6


@pytest.mark.parametrize(
    "values, words",
    [
        ({"axes": {"train.lrr": [0.1]}}, "'train.lrr' is not a setting"),
        ({"axes": {"train.lr": [-1.0]}}, "train.lr"),
        ({"axes": {"model.arch": ["cnn"]}}, "not a choice"),
        ({"axes": {"train.lr": []}}, "non-empty list"),
        ({"axes": {"train.lr": [0.1]}, "mode": "grd"}, "mode"),
        ({"axes": {"train.lr": [0.1]}, "budget": {"hours": 1}}, "budget"),
        ({"axes": {"train.lr": [0.1]}, "base": "missing.json"}, "missing.json: no such config file"),
        ({"axes": {"train.lr": [0.1]}, "extra": 1}, "unknown key"),
    ],
)
def test_bad_sweep_files_are_one_line(tmp_path, values, words):
    path = _write(tmp_path / "bad.json", {"name": "bad", **values})
    with pytest.raises(ConfigError) as info:
        load_sweep(path)
    message = str(info.value)
    assert words in message and str(path) in message and "\n" not in message


def test_bad_combination_names_the_run(tmp_path, tiny_corpus):
    spec = make_spec("heads", _base(tiny_corpus), {"model.n_head": [2, 3], "model.d_model": [32, 48]})
    with pytest.raises(ConfigError, match=r"run 02-n_head=2-d_model=48|run 03-n_head=3-d_model=32"):
        plan(spec)


# ---- running --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def swept(tmp_path_factory, tiny_corpus):
    """A 4-run sweep of the tiny config, 3 steps each, run unattended."""
    spec = make_spec(
        "lr-width",
        _base(tiny_corpus),
        {"train.lr": [0.001, 0.01], "model.d_model": [16, 32]},
        budget={"steps": 3},
    )
    out = tmp_path_factory.mktemp("sweep") / "lr-width"
    events = list(run_sweep(spec, out))
    return spec, out, events


def test_sweep_runs_unattended_and_names_a_best_run(swept):
    spec, out, events = swept
    kinds = [e.kind for e in events]
    assert kinds[0] == "start" and kinds[-1] == "done" and kinds.count("run_end") == 4
    assert all(e.event.status == "finished" for e in events if e.kind == "run_end")
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results == events[-1].event
    assert [r["status"] for r in results["runs"]] == ["finished"] * 4
    assert all(r["steps"] == 3 and r["best_val_loss"] is not None for r in results["runs"])
    assert results["best"] in {r["name"] for r in results["runs"]}
    assert "beat" in results["summary"] and "at equal steps (3)" in results["summary"]
    assert sweep_results(out)["best"] == results["best"]
    # run again: every run is finished, nothing is trained
    again = list(run_sweep(spec, out))
    assert [e.kind for e in again].count("run_start") == 0
    with pytest.raises(ConfigError, match="holds a different sweep"):
        list(run_sweep(replace(spec, seed=3), out))


def test_stopped_sweep_resumes_without_retraining(tmp_path, tiny_corpus):
    from lmstudio.core.training.control import TrainingControl
    from lmstudio.core.training.events import StepEvent

    spec = make_spec("stop", _base(tiny_corpus), {"train.lr": [0.001, 0.003, 0.01]}, budget={"steps": 4})
    control = TrainingControl()
    first = []
    for event in run_sweep(spec, tmp_path / "s", control):
        first.append(event)
        if event.kind == "train" and event.index == 1 and isinstance(event.event, StepEvent):
            control.stop()
    assert [e.event.status for e in first if e.kind == "run_end"] == ["finished", "stopped"]
    statuses = [r["status"] for r in sweep_results(tmp_path / "s")["runs"]]
    assert statuses == ["finished", "stopped", "pending"]
    second = list(run_sweep(spec, tmp_path / "s"))
    assert [e.index for e in second if e.kind == "run_start"] == [1, 2]
    assert [r["status"] for r in second[-1].event["runs"]] == ["finished"] * 3


def test_context_use_of_a_trained_run(swept):
    _, out, _ = swept
    run_dir = next(p for p in sorted(out.iterdir()) if p.is_dir())
    result = context_use(run_dir, distance=20, span=8, trials=4, batches=1, device="cpu")
    assert len(result["position_losses"]) == 48 and np.isfinite(result["position_losses"]).all()
    long_range = result["long_range"]
    assert long_range["distance"] == 20 and long_range["span"] == 8
    assert np.isfinite([long_range["first_loss"], long_range["repeat_loss"], long_range["drop"]]).all()
    with pytest.raises(ConfigError, match="block_size"):
        context_use(run_dir, distance=40, span=8, device="cpu")


# ---- data.train_fraction and the duels -------------------------------------------------------------------


def test_train_fraction_shrinks_train_only(tmp_path, tiny_corpus):
    from lmstudio.core.config import DataConfig
    from lmstudio.core.data.corpus import corpus_fingerprint
    from lmstudio.core.data.split_cache import KEY_LENGTH, data_key, open_corpus, splits_cached
    from lmstudio.core.keys import digest

    full = DataConfig(corpus=str(tiny_corpus))
    part = replace(full, train_fraction=0.3)
    a, b = splits_cached(full, tmp_path), splits_cached(part, tmp_path)
    for split in ("val", "test"):
        assert a[split].path.read_bytes() == b[split].path.read_bytes()
    assert 0.2 * a["train"].lines < b["train"].lines < 0.4 * a["train"].lines
    assert splits_cached(part, tmp_path)["train"].path.read_bytes() == b["train"].path.read_bytes()
    corpus = open_corpus(full)
    settings = {k: v for k, v in asdict(full).items() if k not in ("corpus", "segmenter", "user_dict")}
    del settings["train_fraction"]  # the key of the default is the key from before the setting existed
    assert data_key(corpus, full) == digest(corpus_fingerprint(corpus), settings, length=KEY_LENGTH)
    assert data_key(corpus, part) != data_key(corpus, full)
    with pytest.raises(ConfigError, match="data.train_fraction"):
        DataConfig(train_fraction=0.0)


def test_duels(tiny_corpus):
    from lmstudio.core.models.stats import parameter_count

    base = _base(tiny_corpus)
    duel = architecture_duel(base, seconds=5)
    counts = [parameter_count(replace(r.config.model, vocab_size=96)) for r in plan(duel)]
    assert [r.config.model.arch for r in plan(duel)] == ["rnn", "gru", "lstm", "transformer"]
    assert max(counts) <= 1.15 * min(counts)
    assert all(r.config.train.max_time == 5 for r in plan(duel))

    tournament = tokenizer_tournament(base, seconds=5, sizes=(300, 600))
    kinds = [(r.config.tokenizer.kind, r.config.tokenizer.vocab_size) for r in plan(tournament)]
    assert kinds[0][0] == "char" and ("bpe", 600) in kinds and len(kinds) == 7
    assert tournament.ranking_metric() == "bits_per_char"

    scale = data_scale(base, steps=3, fractions=(1.0, 0.1))
    assert [r.config.data.train_fraction for r in plan(scale)] == [0.1, 1.0]
    runs = [
        {"settings": {"data.train_fraction": f}, "best_val_loss": loss}
        for f, loss in ((0.01, 3.0), (0.03, 2.5), (0.1, 2.2), (0.3, 2.19), (1.0, 2.185))
    ]
    assert data_scale_knee({"runs": runs}) == 0.1
    assert data_scale_knee({"runs": runs[:3]}) is None


# ---- the command line -----------------------------------------------------------------------------------


def _cli(*argv):
    import argparse

    from lmstudio.cli import experiments

    parser = argparse.ArgumentParser(prog="lmstudio")
    experiments.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args([str(a) for a in argv])
    return args.func(args)


def test_cli_sweep_duel_and_context(swept, tmp_path, capsys):
    spec, out, _ = swept
    save_sweep(replace(spec, out=out), tmp_path / "sweep.json")
    assert _cli("sweep", tmp_path / "sweep.json", "--dry-run") == 0
    assert "02-lr=0.001-d_model=32: train.lr 0.001, model.d_model 32" in capsys.readouterr().out
    assert _cli("sweep", tmp_path / "sweep.json", "--quiet") == 0  # every run finished before: the table only
    printed = capsys.readouterr()
    assert "finished before; skipped" in printed.err and "beat" in printed.out and "*0" in printed.out
    assert _cli("duel", "architectures", "--seconds", "5", "--out", tmp_path / "d", "--dry-run") == 0
    assert "04-arch=transformer" in capsys.readouterr().out and not (tmp_path / "d").exists()
    run_dir = out / sweep_results(out)["best"]
    assert _cli("context", run_dir, "--json", "--distance", "20", "--span", "8", "--trials", "2") == 0
    result = json.loads(capsys.readouterr().out)
    assert len(result["position_losses"]) == 48 and result["long_range"]["distance"] == 20
    with pytest.raises(ConfigError, match="no such sweep file"):
        _cli("sweep", tmp_path / "missing.json")
