"""``lmstudio train --prepared DIR`` trains from a folder ``lmstudio prepare`` wrote, and says so when it is not one."""

from __future__ import annotations

import json

import pytest

from lmstudio.cli import main

TINY = [
    "--arch",
    "gru",
    "--layers",
    "1",
    "--d-model",
    "16",
    "--block-size",
    "8",
    "--batch-size",
    "2",
    "--device",
    "cpu",
    "--threads",
    "1",
    "--steps",
    "3",
    "--eval-interval",
    "3",
    "--checkpoint-interval",
    "3",
    "--quiet",
]


@pytest.fixture
def prepared(tiny_corpus, tmp_path):
    out = tmp_path / "prepared"
    assert (
        main(["prepare", "--corpus", str(tiny_corpus), "--lowercase", "--split", "0.8,0.1,0.1", "--out", str(out)]) == 0
    )
    return out


def test_train_from_a_prepared_folder_uses_its_tokenizer_and_settings(
    prepared, tiny_corpus, tmp_path, capsys, monkeypatch
):
    run = tmp_path / "run"
    assert main(["train", "--prepared", str(prepared), "--out", str(run), *TINY]) == 0
    config = json.loads((run / "config.json").read_text(encoding="utf-8"))
    assert config["data"]["corpus"] == str(tiny_corpus)
    assert config["data"]["cleaning"]["lowercase"] is True
    assert config["data"]["split_fractions"] == [0.8, 0.1, 0.1]
    assert config["run"]["prepared"] == str(prepared.resolve())
    vocab = json.loads((prepared / "report.json").read_text(encoding="utf-8"))["vocab_size"]
    assert config["model"]["vocab_size"] == vocab
    assert "thread" in capsys.readouterr().err  # the CLI says how many threads it trains with
    # resuming reads the same prepared folder: nothing is prepared again
    from lmstudio.core.training import launch as runs

    monkeypatch.setattr(runs, "prepare_cached", lambda *a, **k: pytest.fail("prepared again on resume"))
    assert main(["train", "--resume", str(run), "--steps", "5", "--quiet"]) == 0


def test_not_a_prepared_folder_is_one_clear_line(tmp_path, capsys):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("hello\n", encoding="utf-8")
    code = main(["train", "--prepared", str(tmp_path / "notes"), "--out", str(tmp_path / "run"), *TINY])
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert code == 2
    assert last.startswith("lmstudio: error: --prepared") and "lmstudio prepare" in last
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize(
    "extra, named",
    [
        (["--corpus", "x.txt"], "--corpus"),
        (["--tokenizer", "bpe"], "--tokenizer"),
        (["--lowercase"], "--lowercase"),
        (["--no-byte-fallback"], "--no-byte-fallback"),
    ],
)
def test_prepared_refuses_corpus_and_tokenizer_flags(prepared, tmp_path, capsys, extra, named):
    code = main(["train", "--prepared", str(prepared), "--out", str(tmp_path / "run"), *extra, *TINY])
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert code == 2 and named in last and "leave out" in last
    assert not (tmp_path / "run").exists()


def test_prepared_with_resume_is_refused(prepared, tmp_path, capsys):
    code = main(["train", "--prepared", str(prepared), "--resume", str(tmp_path / "run")])
    assert code == 2 and "--prepared goes with a new run" in capsys.readouterr().err
