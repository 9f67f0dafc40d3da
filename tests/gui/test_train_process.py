"""Training in a child process (lmstudio.app.train_process): the Train tab's default path, its controls over
the pipe, errors worded as on a thread, a child that dies, a window that goes away, and Cancel."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from lmstudio.app import train_process as tp
from lmstudio.app.training import RunInfo
from lmstudio.core.config import ModelConfig, TrainConfig
from lmstudio.core.errors import Cancelled, TrainingError
from lmstudio.core.training import events as ev
from tests.helpers import TINY_TRAIN, tiny_workspace

from .conftest import pause_step_and_set_lr, wait_for_workers


@pytest.fixture
def in_child(monkeypatch):
    monkeypatch.delenv(tp.IN_THREAD_ENV, raising=False)


def test_events_cross_as_json_unchanged(tiny_corpus):
    config = tiny_workspace(tiny_corpus)
    batch = [
        RunInfo("run", config, 65, 10_000, 64, 0, 3.2, 1, "cpu", 1234),
        ev.StepEvent(1, 64, 0.01, 4.1, 1e-3, 0.5, 6400.0),  # mfu left NaN
        ev.EvalEvent(10, 640, 0.1, 3.0, 3.1, 22.2, math.nan, True, "the validation split holds <unk>"),
        ev.SampleEvent(10, "Ünïcode\nline"),
        ev.CheckpointEvent(10, "/tmp/ckpt", True),
        ev.LrChangedEvent(11, 5e-4),
        ev.LogEvent("hello"),
        ev.FinishedEvent("stopped", 11, "stopped at step 11", None),
    ]
    back = [tp.decode_event(json.loads(json.dumps(tp.encode_event(e)))) for e in batch]
    assert [type(e) for e in back] == [type(e) for e in batch]
    assert back[0].config == config
    assert math.isnan(back[1].mfu) and math.isnan(back[2].bits_per_char)
    assert back[3:] == batch[3:]


@pytest.mark.slow
def test_train_tab_trains_in_a_child_process_and_controls_it(qtbot, window, tmp_path, monkeypatch, in_child):
    from lmstudio.gui.tabs import train_tab as module

    monkeypatch.setenv("LMSTUDIO_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setattr(module, "ask_stop_training", lambda parent: True)
    s = window.session
    s.set_model_config(ModelConfig(arch="transformer", block_size=16, n_layer=1, n_head=2, d_model=32))
    s.set_train_config(TrainConfig(**{**TINY_TRAIN, "steps": 100_000, "eval_interval": 10_000, "sample_tokens": 0}))
    tab = window.tab_widgets[3]
    window.tabs.setCurrentWidget(tab)
    tab.start()
    assert tab.job.in_child
    qtbot.waitUntil(lambda: tab.state == "running" and len(tab.charts.run.steps) >= 3, timeout=60_000)
    assert tab.info is not None and tab.info.device == "cpu"
    pause_step_and_set_lr(qtbot, tab)  # over the pipe: the same behaviour as on the thread
    tab.stop()
    qtbot.waitUntil(lambda: tab.state == "idle", timeout=30_000)
    assert tab.last_finished.status == "stopped"
    run_dir = Path(tab.info.run_dir)
    assert any((run_dir / "checkpoints").iterdir()), "Stop saved a checkpoint"
    wait_for_workers()


@pytest.mark.slow
def test_train_tab_trains_in_two_processes_under_torchrun_and_controls_them(qtbot, window, tmp_path, monkeypatch):
    """Processes 2: the tab launches torchrun (even with LMSTUDIO_TRAIN_IN_THREAD=1), shows one run with each
    rank's device, and Pause and Stop reach both processes through rank 0."""
    from lmstudio.gui.tabs import train_tab as module

    monkeypatch.setenv("LMSTUDIO_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setattr(module, "ask_stop_training", lambda parent: True)
    s = window.session
    s.set_model_config(ModelConfig(arch="transformer", block_size=16, n_layer=1, n_head=2, d_model=32))
    settings = {**TINY_TRAIN, "steps": 100_000, "eval_interval": 10_000, "sample_tokens": 0, "batch_size": 4}
    s.set_train_config(TrainConfig(**settings))
    tab = window.tab_widgets[3]
    window.tabs.setCurrentWidget(tab)
    editor = tab.form.editors["processes"]
    assert editor.toolTip() and "torchrun" in editor.toolTip()
    editor.setValue(3)  # 4 sequences do not split between 3 processes: the tab says so and will not start
    assert any("does not split evenly between 3 processes" in r for r in tab.blocking_reasons())
    editor.setValue(2)
    assert s.config.train.processes == 2 and not tab.blocking_reasons()
    tab.start()
    assert tab.job.in_child and tab.job.processes == 2
    qtbot.waitUntil(lambda: tab.state == "running" and len(tab.charts.run.steps) >= 3, timeout=120_000)
    assert tab.info.processes == 2 and len(tab.info.devices) == 2
    assert "2 processes (rank 0: cpu on" in tab.log.toPlainText()
    tab.pause()  # through rank 0 to both processes (Step and Set LR take the same way: checked by hand)
    qtbot.wait(400)
    n = len(tab.charts.run.steps)
    qtbot.wait(400)
    assert len(tab.charts.run.steps) == n, "no steps while paused"
    tab.stop()
    qtbot.waitUntil(lambda: tab.state == "idle", timeout=60_000)
    assert tab.last_finished.status == "stopped"
    step = tab.last_finished.step
    assert (Path(tab.info.run_dir) / "checkpoints" / f"step-{step}").is_dir()
    wait_for_workers()


def test_an_error_in_the_child_keeps_its_message_and_class(tmp_path, in_child):
    config = tiny_workspace(tmp_path / "gone.txt")
    with pytest.raises(tp.ChildFailed) as caught:
        tp.run_training_in_child(
            config, tmp_path / "run", resume=False, control=tp.ChildControl(), emit=lambda batch: None
        )
    assert caught.value.error_class == "CorpusError"
    assert "gone.txt" in str(caught.value)
    assert not (tmp_path / "run").exists()


def test_a_child_that_dies_is_a_clear_error(tmp_path, monkeypatch, tiny_corpus):
    monkeypatch.setattr(tp, "child_command", lambda: [sys.executable, "-c", "import sys; sys.exit(3)"])
    with pytest.raises(TrainingError, match="ended unexpectedly \\(exit status 3\\)"):
        tp.run_training_in_child(
            tiny_workspace(tiny_corpus),
            tmp_path / "run",
            resume=False,
            control=tp.ChildControl(),
            emit=lambda batch: None,
        )


def test_cancel_while_preparing_ends_the_child_and_leaves_no_run(tmp_path, tiny_corpus, in_child):
    fresh = tmp_path / "fresh.txt"  # not prepared (cached) by another test: preparing reports progress
    fresh.write_text(tiny_corpus.read_text(encoding="utf-8") + f"{tmp_path.name}\n", encoding="utf-8")
    with pytest.raises(Cancelled):
        tp.run_training_in_child(
            tiny_workspace(fresh),
            tmp_path / "run",
            resume=False,
            control=tp.ChildControl(),
            emit=lambda batch: None,
            progress=lambda done, total, message: False,  # the worker's Cancel, at the first report
        )
    assert not (tmp_path / "run").exists()


@pytest.mark.slow
def test_the_window_going_away_stops_the_child_with_a_checkpoint(tmp_path, tiny_corpus):
    """End of input (the window crashed or was killed) is a Stop: the run keeps a checkpoint."""
    from lmstudio.core.tokenizers import train_tokenizer

    config = tiny_workspace(tiny_corpus, steps=100_000)
    # the Vocabulary tab's tokenizer travels to the child as trained (here: from fewer characters)
    small = tmp_path / "small.txt"
    small.write_text(tiny_corpus.read_text(encoding="utf-8")[:300], encoding="utf-8")
    tokenizer = train_tokenizer(config.tokenizer, small)
    tokenizer.save(tmp_path / "tok")
    child = subprocess.Popen(tp.child_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=tp._child_env())
    request = {
        "config": config.to_dict(),
        "run_dir": str(tmp_path / "run"),
        "resume": False,
        "steps": None,
        "tokenizer_dir": str(tmp_path / "tok"),
    }
    child.stdin.write((json.dumps(request) + "\n").encode())
    child.stdin.flush()
    seen: list = []
    for raw in child.stdout:
        doc = json.loads(raw)
        if doc["type"] == "events":
            seen += [tp.decode_event(e) for e in doc["events"]]
            if any(isinstance(e, ev.StepEvent) for e in seen):
                child.stdin.close()  # the window is gone
                break
    rest = [json.loads(raw) for raw in child.stdout]
    assert child.wait(timeout=60) == 0
    assert rest[-1]["type"] == "result" and rest[-1]["event"]["status"] == "stopped"
    info = next(e for e in seen if isinstance(e, RunInfo))
    assert info.vocab_size == tokenizer.vocab_size < 60
    assert any((tmp_path / "run" / "checkpoints").iterdir())
