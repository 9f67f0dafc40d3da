"""The runs table: rows read from real run folders, the settings that differ, tags, rename, delete, `lmstudio runs`."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest

from lmstudio.app.runs_table import (
    TAGS_FILE,
    delete_run,
    differing_settings,
    read_tags,
    rename_run,
    rows_json,
    scan_runs,
    set_tags,
    table_text,
)
from lmstudio.core.errors import CheckpointError
from lmstudio.core.locks import RUN_LOCK_FILE, FolderLock
from tests.helpers import tiny_workspace

REPO = Path(__file__).resolve().parents[2]


def _train(corpus: Path, out: Path, steps: int, lr: float) -> str:
    from lmstudio.core.training.launch import new_trainer

    config = tiny_workspace(corpus, steps=steps, lr=lr, eval_interval=5, sample_tokens=0)
    final = list(new_trainer(config, out).run())[-1]
    assert final.status == "finished", final.message
    return final


@pytest.fixture(scope="module")
def runs_root(tiny_corpus, tmp_path_factory) -> Path:
    """Two tiny runs (5 steps, two learning rates) and a folder that is not a run."""
    root = tmp_path_factory.mktemp("runs")
    _train(tiny_corpus, root / "2026-01-01_10-00-00-transformer", 5, 3e-3)
    _train(tiny_corpus, root / "2026-01-02_10-00-00-transformer", 5, 1e-3)
    (root / "notes").mkdir()
    (root / "notes" / "config.json").write_text("{}", encoding="utf-8")  # an export's config alone is no run
    return root


@pytest.fixture
def copy_root(runs_root, tmp_path) -> Path:
    root = tmp_path / "runs"
    shutil.copytree(runs_root, root)
    return root


def test_rows_read_from_run_folders(runs_root):
    rows = scan_runs(runs_root)
    assert [r.name for r in rows] == ["2026-01-02_10-00-00-transformer", "2026-01-01_10-00-00-transformer"]
    newer, older = rows
    assert (newer.steps, newer.target_steps, older.steps) == (5, 5, 5)
    assert newer.started == "2026-01-02T10:00:00"
    assert all(r.status == "finished" and not r.problems for r in rows)
    index = json.loads((older.path / "checkpoints" / "index.json").read_text())
    assert older.best_val_loss == pytest.approx(index["best_val_loss"])
    assert older.perplexity == pytest.approx(math.exp(older.best_val_loss), rel=1e-4)
    assert math.isfinite(older.bits_per_char) and older.bleu is None
    assert older.tokens == 5 * 4 * 16 and older.seconds > 0
    assert (older.corpus, older.tokenizer, older.arch) == ("tiny.txt", "char", "transformer")
    assert older.parameters and older.parameters > 1000
    assert older.settings["train.lr"] == 3e-3 and older.settings["model.d_model"] == 32
    assert differing_settings(rows) == ["train.lr"]
    text = table_text(rows)
    header = text.splitlines()[0].split()
    assert header[:3] == ["name", "date", "corpus"] and header[-1] == "train.lr"
    assert "5/5" in text and "0.003" in text and "finished" in text
    doc = rows_json(rows)
    json.dumps(doc, allow_nan=False)
    assert doc[1]["path"] == str(older.path) and doc[1]["settings"]["train.lr"] == 3e-3


def test_status_running_and_no_checkpoint(copy_root):
    run = copy_root / "2026-01-01_10-00-00-transformer"
    lock = FolderLock.try_acquire(run / RUN_LOCK_FILE)
    try:
        assert scan_runs(copy_root)[1].status == "running"
        with pytest.raises(CheckpointError, match="being trained"):
            delete_run(run)
        with pytest.raises(CheckpointError, match="being trained"):
            rename_run(run, "other")
    finally:
        lock.release()
    with open(run / "metrics.csv", "a", encoding="utf-8") as fh:  # trained past its last save, then ended
        fh.write("6,384,0.5,4.1" + "," * 11 + "\n")
    row = scan_runs(copy_root)[1]
    assert (row.status, row.steps, row.tokens) == ("failed", 6, 384)
    shutil.rmtree(run / "checkpoints")
    (run / "config.json").write_text("{broken", encoding="utf-8")
    row = scan_runs(copy_root)[1]
    assert row.status == "no checkpoint" and row.steps == 6 and row.settings == {}
    assert "config.json" in row.problems[0]


def test_tags_rename_delete(copy_root):
    run = copy_root / "2026-01-01_10-00-00-transformer"
    assert set_tags(run, [" baseline ", "lr", "baseline", ""]) == ["baseline", "lr"]
    assert read_tags(run) == ["baseline", "lr"] and (run / TAGS_FILE).is_file()
    for bad in ("a/b", "..", ""):
        with pytest.raises(CheckpointError, match="not a folder name"):
            rename_run(run, bad)
    with pytest.raises(CheckpointError, match="already exists"):
        rename_run(run, "2026-01-02_10-00-00-transformer")
    moved = rename_run(run, "baseline")
    assert moved == copy_root / "baseline" and not run.exists()
    assert {r.name: r.tags for r in scan_runs(copy_root)}["baseline"] == ["baseline", "lr"]

    (moved / "my notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(CheckpointError, match="my notes.txt"):
        delete_run(moved)
    assert (moved / "checkpoints").is_dir()
    (moved / "my notes.txt").unlink()
    delete_run(moved)  # tags.json is the table's own
    assert not moved.exists()
    with pytest.raises(CheckpointError, match="not an lmstudio run"):
        delete_run(copy_root / "notes")
    assert [r.name for r in scan_runs(copy_root)] == ["2026-01-02_10-00-00-transformer"]


def test_cli_runs(runs_root, tmp_path, capsys):
    from lmstudio.cli import main

    assert main(["runs", str(runs_root), "--json"]) == 0  # in-process: a subprocess would import torch again
    rows = json.loads(capsys.readouterr().out)
    assert [r["steps"] for r in rows] == [5, 5] and rows[0]["settings"]["train.lr"] == 1e-3
    missing = tmp_path / "nowhere"
    assert main(["runs", str(missing)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"lmstudio: error: no such runs folder: {missing}; give the folder that holds the run folders"
    ]
    assert main(["runs", str(tmp_path)]) == 0
    assert capsys.readouterr().out == f"no runs in {tmp_path}\n"
