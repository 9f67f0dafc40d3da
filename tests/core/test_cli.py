"""The headless CLI: prepare, train, sample, eval; bad input gives one line and exit code 2."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lmstudio.cli import main
from tests.helpers import TINY_MODEL


@pytest.mark.parametrize("kind", ["char", "word", "bpe", "unigram"])
def test_prepare_with_every_tokenizer(tiny_corpus, tmp_path, capsys, kind):
    out = tmp_path / "prepared"
    assert (
        main(["prepare", "--corpus", str(tiny_corpus), "--tokenizer", kind, "--vocab-size", "500", "--out", str(out)])
        == 0
    )
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["tokenizer"]["kind"] == kind
    assert report["statistics"]["lines"] == 600
    assert report["vocabulary"]["pieces"]
    assert sum(s["tokens"] for s in report["splits"].values()) > 0
    assert (out / "tokenizer" / "tokenizer.json").is_file()
    assert "written to" in capsys.readouterr().out


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "make_corpus, extra, expected",
    [
        (lambda d: d / "missing.txt", [], "no such file"),
        (lambda d: _write(d / "empty.txt", b""), [], "empty"),
        (lambda d: _write(d / "blank.txt", b"  \n\n \t\n"), [], "only whitespace"),
        (lambda d: _write(d / "image.txt", bytes(range(256)) * 40), [], "binary"),
        (
            lambda d: _write(d / "small.txt", b"hello world\n" * 50),
            ["--tokenizer", "bpe", "--vocab-size", "50000"],
            "largest that works",
        ),
        (lambda d: _write(d / "small.txt", b"hello world\n" * 50), ["--split", "0.5,0.5"], "split"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path, capsys, make_corpus, extra, expected):
    corpus = make_corpus(tmp_path)
    out = tmp_path / "out"
    code = main(["prepare", "--corpus", str(corpus), "--out", str(out), *extra])
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]
    assert code == 2
    assert last.startswith("lmstudio: error:") and expected in last
    assert "Traceback" not in err
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_bad_config_file_names_the_file(tmp_path, capsys):
    config = tmp_path / "workspace.json"
    config.write_text('{"model": {"arch": "mamba"}}', encoding="utf-8")
    assert main(["train", "--config", str(config), "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err
    assert str(config) in err and "model.arch" in err


def test_train_sample_eval(tiny_corpus, tmp_path, capsys):
    run = tmp_path / "run"
    assert (
        main(
            [
                "train",
                "--corpus",
                str(tiny_corpus),
                "--out",
                str(run),
                "--steps",
                "30",
                "--eval-interval",
                "15",
                "--quiet",
                *TINY_MODEL,
            ]
        )
        == 0
    )
    assert "finished 30 steps" in capsys.readouterr().out
    assert main(["sample", str(run), "--prompt", "ROMEO:", "--max-new-tokens", "20", "--seed", "3"]) == 0
    first = capsys.readouterr().out
    assert main(["sample", str(run), "--prompt", "ROMEO:", "--max-new-tokens", "20", "--seed", "3"]) == 0
    assert capsys.readouterr().out == first and first.startswith("ROMEO:")
    assert main(["eval", str(run), "--json"]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert results["val"]["perplexity"] > 1 and results["val"]["bits_per_char"] > 0
    text = tmp_path / "text.txt"
    text.write_text("First Citizen:\nBefore we proceed any further, hear me speak.\n", encoding="utf-8")
    assert main(["eval", str(run), "--text", str(text), "--json"]) == 0
    scored = json.loads(capsys.readouterr().out)["results"][str(text)]
    assert scored["chars"] > 0 and scored["perplexity"] > 1
    # a second train into the same folder must not clobber the run
    assert main(["train", "--corpus", str(tiny_corpus), "--out", str(run), *TINY_MODEL]) == 2
    assert "already holds a run" in capsys.readouterr().err
    # resume to more steps
    assert main(["train", "--resume", str(run), "--steps", "40", "--quiet"]) == 0
    assert "finished 40 steps" in capsys.readouterr().out


def test_missing_run_folder(tmp_path, capsys):
    assert main(["sample", str(tmp_path / "nope")]) == 2
    assert "no such run folder" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigint_saves_a_checkpoint_and_exits_non_zero(tiny_corpus, tmp_path):
    run = tmp_path / "run"
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lmstudio",
            "train",
            "--corpus",
            str(tiny_corpus),
            "--out",
            str(run),
            "--steps",
            "1000000",
            "--eval-interval",
            "1000000",
            *TINY_MODEL,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    deadline = time.time() + 90
    metrics = run / "metrics.csv"
    while time.time() < deadline and (not metrics.is_file() or len(metrics.read_text().splitlines()) < 5):
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    index = json.loads((run / "checkpoints" / "index.json").read_text())
    assert index["last"].startswith("step-")
    assert (run / "checkpoints" / index["last"] / "training_state.pt").is_file()


def test_reliability_train_prints_bpc_na_for_a_lossy_word_vocabulary(tiny_corpus, tmp_path, capsys):
    """A 40-word vocabulary makes most text <unk>: the log must not print 'bpc nan' (or a figure)."""
    run = tmp_path / "run"
    assert (
        main(
            [
                "train",
                "--corpus",
                str(tiny_corpus),
                "--out",
                str(run),
                "--tokenizer",
                "word",
                "--vocab-size",
                "44",
                "--steps",
                "2",
                "--eval-interval",
                "2",
                *TINY_MODEL,
                "--quiet",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "bpc n/a" in out and "bpc nan" not in out


def test_reliability_prepare_does_not_report_an_unknown_rate_for_an_empty_validation_split(tmp_path, capsys):
    corpus = tmp_path / "one.txt"
    corpus.write_text("a single line of text\n", encoding="utf-8")
    assert main(["prepare", "--corpus", str(corpus), "--out", str(tmp_path / "p")]) == 0
    out = capsys.readouterr().out
    assert "unknown rate on val n/a (the validation split is empty)" in out and "0.000%" not in out


def test_eval_text_cleans_the_text_like_the_runs_corpus_as_the_playground_does(tiny_corpus, tmp_path, capsys):
    """A lower-cased run scored on capitals: eval --text must lower-case first, as the Playground's Score does."""
    from lmstudio.core.data.cleaning import clean_text
    from lmstudio.core.inference.scoring import score_text
    from lmstudio.core.runs.folders import load_run

    run = tmp_path / "run"
    assert (
        main(
            [
                "train",
                "--corpus",
                str(tiny_corpus),
                "--lowercase",
                "--out",
                str(run),
                "--steps",
                "2",
                "--eval-interval",
                "2",
                *TINY_MODEL,
                "--quiet",
            ]
        )
        == 0
    )
    text = tmp_path / "shout.txt"
    text.write_text("ROMEO:\nBUT SOFT, WHAT LIGHT THROUGH YONDER WINDOW BREAKS?\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["eval", str(run), "--text", str(text), "--json", "--device", "cpu"]) == 0
    captured = capsys.readouterr()
    scored = json.loads(captured.out)["results"][str(text)]
    assert "cleaned like the run's corpus: lower-case" in captured.err
    loaded = load_run(run, device="cpu")
    playground = score_text(
        loaded.model,
        loaded.tokenizer,
        clean_text(text.read_text(encoding="utf-8").rstrip("\n"), loaded.config.data.cleaning),
    )
    assert scored["unknown_tokens"] == 0
    assert scored["loss"] == pytest.approx(playground["loss"], rel=1e-4)


def test_tensorboard_is_a_setting_with_a_flag(tmp_path):
    """TensorBoard files only when asked: train.tensorboard (off by default) and ``lmstudio train --tensorboard``."""
    from lmstudio.cli import build_parser
    from lmstudio.cli.train import build_config
    from lmstudio.core.config import TrainConfig, WorkspaceConfig

    assert TrainConfig().tensorboard is False
    parser = build_parser()
    assert build_config(parser.parse_args(["train", "--out", str(tmp_path / "r")])).train.tensorboard is False
    config = build_config(parser.parse_args(["train", "--out", str(tmp_path / "r"), "--tensorboard"]))
    assert config.train.tensorboard is True
    assert WorkspaceConfig.from_json(config.to_json()).train.tensorboard is True
    assert "RUN/tensorboard" in parser._subparsers._group_actions[0].choices["train"].format_help()


def test_train_max_time_ends_the_run_on_the_clock(tiny_corpus, tmp_path, capsys):
    run = tmp_path / "run"
    argv = ["train", "--corpus", str(tiny_corpus), "--out", str(run), "--steps", "1000000", "--max-time", "1"]
    assert main([*argv, "--eval-interval", "1000000", *TINY_MODEL]) == 0
    captured = capsys.readouterr()
    assert "time budget: 1 s of training steps, or 1,000,000 steps, whichever comes first" in captured.err
    assert "time budget of 1 s spent after" in captured.out
    assert "MFU" in captured.err  # the progress line reports it beside tokens/s
