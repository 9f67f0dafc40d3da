"""Reliability of what lmstudio keeps on disk: nothing the user had is deleted or half-written, one process
owns a run folder, and every damaged or wrong-typed file read back gives one line naming it.

Run with ``pytest -k reliability``.
"""

from __future__ import annotations

import csv
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from lmstudio.cli import main
from lmstudio.core.config import DataConfig, WorkspaceConfig
from lmstudio.core.data.split_cache import read_splits
from lmstudio.core.dataset import prepare as pipeline
from lmstudio.core.errors import Cancelled, CheckpointError
from lmstudio.core.locks import RUN_LOCK_FILE, FolderLock
from lmstudio.core.runs import checkpoint as ckpt
from lmstudio.core.training import launch as runs
from lmstudio.core.training.metrics_log import MetricsLog, read_metrics_rows
from tests.helpers import TINY_MODEL, tiny_workspace

REPO = Path(__file__).resolve().parents[2]
ENOSPC = OSError(errno.ENOSPC, "No space left on device")
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def _last_line(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.strip().splitlines()[-1]


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory, tiny_corpus):
    """A run trained 4 steps (evaluations and samples at 0, 2, 4; one checkpoint, step-4).

    Copy it before changing it."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LMSTUDIO_CACHE", str(tmp_path_factory.getbasetemp() / "lmstudio-cache"))
        run = tmp_path_factory.mktemp("trained") / "run"
        torch_threads = torch.get_num_threads()
        trainer = runs.new_trainer(tiny_workspace(tiny_corpus, steps=4, eval_interval=2), run)
        events = list(trainer.run())
        torch.set_num_threads(torch_threads)
    assert events[-1].status == "finished", events[-1]
    return run


@pytest.fixture
def run_copy(trained_run, tmp_path) -> Path:
    run = tmp_path / "run"
    shutil.copytree(trained_run, run)
    return run


def _holder(lock_file: Path) -> subprocess.Popen:
    """Another process holding ``lock_file`` until killed (it prints 'locked' once it holds it)."""
    code = (
        "import sys, time; from lmstudio.core.locks import FolderLock; "
        "lock = FolderLock.try_acquire(sys.argv[1]); print('locked' if lock else 'busy', flush=True); time.sleep(120)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(lock_file)],
        stdout=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
    )
    assert proc.stdout.readline().strip() == "locked"
    return proc


def _kill(proc: subprocess.Popen) -> None:
    proc.kill()
    proc.wait(timeout=30)


# ---------------------------------------------------------------- 1. prepare --out never deletes what it did not write


def test_reliability_prepare_refuses_a_folder_with_user_files(tiny_corpus, tmp_path, capsys):
    out = tmp_path / "thesis"
    out.mkdir()
    (out / "thesis.tex").write_text("three years of work", encoding="utf-8")
    assert main(["prepare", "--corpus", str(tiny_corpus), "--out", str(out)]) == 2
    line = _last_line(capsys)
    assert str(out) in line and "thesis.tex" in line and "new or empty folder" in line
    assert (out / "thesis.tex").read_text(encoding="utf-8") == "three years of work"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis"]  # no partial folder left beside it


def test_reliability_prepare_refuses_dot_and_the_corpus_folder(tiny_corpus, tmp_path, monkeypatch, capsys):
    home = tmp_path / "corpus-home"
    home.mkdir()
    corpus = home / "tiny.txt"
    shutil.copy(tiny_corpus, corpus)
    monkeypatch.chdir(home)
    for out in (".", str(home)):
        assert main(["prepare", "--corpus", "tiny.txt", "--out", out]) == 2
        assert "tiny.txt" in _last_line(capsys)
        assert sorted(p.name for p in home.iterdir()) == ["tiny.txt"]


def test_reliability_prepare_refuses_a_trained_run_folder(run_copy, tiny_corpus, capsys):
    before = _tree(run_copy)
    assert main(["prepare", "--corpus", str(tiny_corpus), "--out", str(run_copy)]) == 2
    assert "training run" in _last_line(capsys)
    assert _tree(run_copy) == before


def test_reliability_prepare_out_equal_to_the_corpus_file_says_so(tiny_corpus, tmp_path, capsys):
    corpus = tmp_path / "tiny.txt"
    shutil.copy(tiny_corpus, corpus)
    assert main(["prepare", "--corpus", str(corpus), "--out", str(corpus)]) == 2
    line = _last_line(capsys)
    assert "is the corpus file itself, not a folder" in line and "Not a directory" not in line
    assert corpus.read_bytes() == tiny_corpus.read_bytes()


def test_reliability_prepare_refuses_an_out_inside_a_folder_corpus(tiny_corpus, tmp_path, capsys):
    folder = tmp_path / "texts"
    folder.mkdir()
    shutil.copy(tiny_corpus, folder / "a.txt")
    assert main(["prepare", "--corpus", str(folder), "--out", str(folder / "prepared")]) == 2
    assert "inside the corpus folder" in _last_line(capsys)
    assert sorted(p.name for p in folder.iterdir()) == ["a.txt"]


def test_reliability_prepare_replaces_its_own_folder_only_when_the_new_one_is_complete(
    tiny_corpus, tmp_path, monkeypatch, capsys
):
    out = tmp_path / "prepared"
    assert main(["prepare", "--corpus", str(tiny_corpus), "--out", str(out)]) == 0
    first = _tree(out)

    def broken(*args, **kwargs):
        raise RuntimeError("tokenizer crashed")

    monkeypatch.setattr(pipeline, "train_tokenizer", broken)
    with pytest.raises(RuntimeError):
        main(["prepare", "--corpus", str(tiny_corpus), "--out", str(out), "--tokenizer", "bpe"])
    assert _tree(out) == first  # the earlier result is intact
    monkeypatch.undo()
    assert main(["prepare", "--corpus", str(tiny_corpus), "--out", str(out), "--lowercase"]) == 0
    assert _tree(out) != first and pipeline.is_prepared_folder(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["prepared"]  # nothing aside, nothing partial
    (out / "notes.txt").write_text("mine", encoding="utf-8")  # a prepared folder the user added to is theirs now
    capsys.readouterr()
    assert main(["prepare", "--corpus", str(tiny_corpus), "--out", str(out)]) == 2
    assert "notes.txt" in _last_line(capsys) and (out / "notes.txt").is_file()


def test_reliability_prepare_refuses_an_out_that_holds_the_corpus(tiny_corpus, tmp_path, capsys):
    out = tmp_path / "prepared"
    assert main(["prepare", "--corpus", str(tiny_corpus), "--out", str(out)]) == 0
    corpus = out / "splits" / "train.txt"  # a prepared split used as the next corpus
    before = _tree(out)
    capsys.readouterr()
    assert main(["prepare", "--corpus", str(corpus), "--out", str(out)]) == 2
    assert "holds the corpus" in _last_line(capsys)
    assert _tree(out) == before


def test_reliability_prepare_into_an_empty_folder_works(tiny_corpus, tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    assert main(["prepare", "--corpus", str(tiny_corpus), "--out", str(out)]) == 0
    assert pipeline.is_prepared_folder(out)


# ---------------------------------------------------------------- 2. one process owns a run folder / a cache entry


def test_reliability_a_second_process_cannot_train_into_a_run_folder_being_trained(tiny_corpus, tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    holder = _holder(run / RUN_LOCK_FILE)
    try:
        assert main(["train", "--corpus", str(tiny_corpus), "--out", str(run), "--steps", "2", *TINY_MODEL]) == 2
        line = _last_line(capsys)
        assert (
            f"{run}: being trained by another lmstudio process; wait for it to finish or choose another --out" in line
        )
        assert sorted(p.name for p in run.iterdir()) == [RUN_LOCK_FILE]  # nothing written into it
    finally:
        _kill(holder)  # the OS releases the lock of a killed process
    trainer = runs.new_trainer(tiny_workspace(tiny_corpus), run)
    assert trainer.run_lock is not None and (run / ckpt.CONFIG_FILE).is_file()
    trainer.run_lock.release()
    trainer.run_lock.release()  # idempotent


def test_reliability_resume_is_refused_while_another_process_trains_the_run(run_copy, capsys):
    before = _tree(run_copy)
    holder = _holder(run_copy / RUN_LOCK_FILE)
    try:
        assert main(["train", "--resume", str(run_copy), "--steps", "8"]) == 2
        assert "being trained by another lmstudio process; wait for it to finish" in _last_line(capsys)
        assert _tree(run_copy) == before
    finally:
        _kill(holder)


def test_reliability_the_run_lock_is_held_for_the_run_and_released_at_its_end(tiny_corpus, tmp_path):
    run = tmp_path / "run"
    trainer = runs.new_trainer(tiny_workspace(tiny_corpus, steps=2, eval_interval=2), run)
    with pytest.raises(CheckpointError, match="being trained by another lmstudio process"):
        runs.new_trainer(tiny_workspace(tiny_corpus), run)  # a second owner in the same process is refused too
    with pytest.raises(CheckpointError, match="being trained by another lmstudio process"):
        runs.resume_trainer(run)
    assert list(trainer.run())[-1].status == "finished"
    lock = FolderLock.try_acquire(run / RUN_LOCK_FILE)
    assert lock is not None
    lock.release()


def test_reliability_a_failed_start_releases_the_lock_and_removes_the_folder_it_made(tiny_corpus, tmp_path):
    from lmstudio.core.errors import DataError

    run = tmp_path / "run"
    config = tiny_workspace(tiny_corpus)
    config.model.block_size = 100_000  # longer than the validation split
    with pytest.raises(DataError):
        runs.new_trainer(config, run)
    assert not run.exists()


def test_reliability_a_cache_entry_another_process_builds_is_not_deleted(tiny_corpus, tmp_path):
    config = WorkspaceConfig(data=DataConfig(corpus=str(tiny_corpus)))
    root = tmp_path / "cache"
    key = pipeline.cache_key(pipeline.open_corpus(config.data), config)
    entry = root / key
    entry.mkdir(parents=True)
    (entry / "report.json").write_text("{half written", encoding="utf-8")  # what the other process is writing
    holder = _holder(root / f".{key}.lock")
    messages = []

    def progress(done, total, message=""):
        messages.append(message)
        return not message.startswith("waiting")  # give up once told to wait

    try:
        with pytest.raises(Cancelled):
            pipeline.prepare_cached(config, root=root, progress=progress)
        assert (entry / "report.json").read_text(encoding="utf-8") == "{half written"
        assert any("another lmstudio process" in m for m in messages)
    finally:
        _kill(holder)
    prepared = pipeline.prepare_cached(config, root=root)  # now ours: the damaged entry is rebuilt
    assert prepared.directory == entry and prepared.store.count("train") > 0


def test_reliability_two_prepares_into_one_out_folder_do_not_mix(tiny_corpus, tmp_path, capsys):
    out = tmp_path / "prepared"
    holder = _holder(pipeline.out_lock_path(out))
    try:
        assert main(["prepare", "--corpus", str(tiny_corpus), "--out", str(out)]) == 2
        assert "being prepared by another lmstudio process" in _last_line(capsys)
        assert list(tmp_path.iterdir()) == []
    finally:
        _kill(holder)


# ---------------------------------------------------------------- 3. a failed resume changes nothing


@pytest.mark.parametrize("damage", ["weights", "state", "steps_too_small", "prepare_fails", "trainer_fails"])
def test_reliability_a_failed_resume_leaves_config_json_byte_for_byte(run_copy, monkeypatch, capsys, damage):
    config_before = (run_copy / ckpt.CONFIG_FILE).read_bytes()
    step = run_copy / "checkpoints" / "step-4"
    steps = "20"
    if damage == "weights":
        (step / ckpt.WEIGHTS_FILE).write_bytes(b"\0" * 64)
    elif damage == "state":
        (step / ckpt.STATE_FILE).write_bytes(os.urandom(300))
    elif damage == "steps_too_small":
        steps = "3"
    else:

        def failing(*args, **kwargs):
            raise CheckpointError(f"{damage.split('_')[0]} failed")

        # the trainer is built last, after everything loaded: config.json is rewritten only once it exists
        monkeypatch.setattr(runs, "prepare_cached" if damage == "prepare_fails" else "Trainer", failing)
    assert main(["train", "--resume", str(run_copy), "--steps", steps]) == 2
    _last_line(capsys)
    assert (run_copy / ckpt.CONFIG_FILE).read_bytes() == config_before
    lock = FolderLock.try_acquire(run_copy / RUN_LOCK_FILE)  # and the lock was given back
    assert lock is not None
    lock.release()


# ---------------------------------------------------------------- 4. kills and SIGTERM leave nothing behind


@posix_only
def test_reliability_sigterm_during_prepare_leaves_no_partial_folder(tmp_path):
    corpus = REPO / "resources" / "corpora" / "tinyshakespeare.txt"
    out = tmp_path / "prepared"
    proc = subprocess.Popen(
        [sys.executable, "-m", "lmstudio", "prepare", "--corpus", str(corpus), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
    )
    deadline = time.time() + 60
    while time.time() < deadline and not list(tmp_path.glob(".prepared.*.partial")) and proc.poll() is None:
        time.sleep(0.02)
    assert proc.poll() is None, "prepare finished before it could be interrupted"
    time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


@posix_only
def test_reliability_sigterm_while_train_prepares_data_leaves_no_partial_and_no_run_folder(tmp_path):
    corpus = REPO / "resources" / "corpora" / "tinyshakespeare.txt"
    cache, run = tmp_path / "cache", tmp_path / "run"
    proc = subprocess.Popen(
        [sys.executable, "-m", "lmstudio", "train", "--corpus", str(corpus), "--out", str(run), *TINY_MODEL],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(REPO), LMSTUDIO_CACHE=str(cache)),
    )
    deadline = time.time() + 60
    while time.time() < deadline and not list(cache.glob(".*.partial")) and proc.poll() is None:
        time.sleep(0.02)
    assert proc.poll() is None, "data preparation finished before it could be interrupted"
    time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert not run.exists()
    left = [p for p in cache.iterdir() if not p.name.endswith(".lock") and p.name != "splits"]
    assert all(pipeline.is_prepared_folder(p) for p in left), left  # no partial: at most a finished entry
    splits = [p for p in (cache / "splits").iterdir() if not p.name.endswith(".lock")]
    assert all(read_splits(p) is not None for p in splits), splits  # the split files: complete ones only


def test_reliability_a_prepare_cut_between_its_two_renames_gets_its_previous_result_back(
    tiny_corpus, tmp_path, monkeypatch
):
    out = tmp_path / "prepared"
    assert main(["prepare", "--corpus", str(tiny_corpus), "--out", str(out)]) == 0
    first = _tree(out)
    out.rename(tmp_path / ".prepared.ab12cd34.old")  # moved aside, then the process was killed

    def broken(*args, **kwargs):
        raise RuntimeError("tokenizer crashed")

    monkeypatch.setattr(pipeline, "train_tokenizer", broken)
    with pytest.raises(RuntimeError):
        main(["prepare", "--corpus", str(tiny_corpus), "--out", str(out)])
    assert _tree(out) == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["prepared"]


def test_reliability_stale_partial_folders_beside_out_are_removed_on_the_next_prepare(tiny_corpus, tmp_path):
    stale = tmp_path / ".prepared.k3j_x9a2.partial"  # a prepare killed with -9
    (stale / "tokens").mkdir(parents=True)
    (stale / "tokens" / "train.bin").write_bytes(b"\0" * 1000)
    other = tmp_path / ".prepared-2.k3j_x9a2.partial"  # another --out's: not ours to touch
    other.mkdir()
    mine = tmp_path / ".prepared.notes.partial"  # not a name prepare makes
    mine.mkdir()
    assert main(["prepare", "--corpus", str(tiny_corpus), "--out", str(tmp_path / "prepared")]) == 0
    assert not stale.exists() and other.exists() and mine.exists()


def test_reliability_leftovers_of_a_killed_run_are_cleaned_and_never_named(run_copy, capsys):
    checkpoints = run_copy / "checkpoints"
    leftovers = [
        run_copy / ".config.json.ab12cd34.tmp",
        checkpoints / "step-4" / ".training_state.pt.x1y2z3w4.tmp",
        checkpoints / ".index.json.q1w2e3r4.tmp",
    ]
    for path in leftovers:
        path.write_bytes(b"partial")
    (checkpoints / "step-6").mkdir()  # killed right after mkdir
    (checkpoints / "step-8").mkdir()  # killed after the weights, before the meta
    shutil.copy(checkpoints / "step-4" / ckpt.WEIGHTS_FILE, checkpoints / "step-8" / ckpt.WEIGHTS_FILE)
    (checkpoints / "step-9").mkdir()
    (checkpoints / "step-9" / "README.txt").write_text("the user's", encoding="utf-8")
    with pytest.raises(CheckpointError) as err:
        ckpt.resolve_checkpoint(run_copy, "step-7")
    assert "step-6" not in str(err.value) and "step-8" not in str(err.value) and "available: step-4" in str(err.value)
    trainer = runs.resume_trainer(run_copy, steps=6)  # the next start cleans what no live process owns
    trainer.run_lock.release()
    assert not any(p.exists() for p in leftovers)
    assert not (checkpoints / "step-6").exists() and not (checkpoints / "step-8").exists()
    assert (checkpoints / "step-9" / "README.txt").is_file()  # not only files a save writes: kept


# ---------------------------------------------------------------- 5. a run that never saved a checkpoint


def _empty_run(tiny_corpus, run: Path) -> bytes:
    trainer = runs.new_trainer(tiny_workspace(tiny_corpus, steps=2, eval_interval=2), run)
    trainer.run_lock.release()  # killed before its first save
    (run / "metrics.csv").write_text("step\n0\n", encoding="utf-8")
    # step 0's evaluation wrote its sample and probes before the kill
    (run / ckpt.SAMPLES_FILE).write_text('{"step": 0, "text": "x"}\n', encoding="utf-8")
    (run / ckpt.PROBES_FILE).write_text('{"step": 0}\n', encoding="utf-8")
    return (run / ckpt.CONFIG_FILE).read_bytes()


def test_reliability_a_run_without_checkpoint_says_how_to_go_on(tiny_corpus, tmp_path, capsys):
    run = tmp_path / "run"
    _empty_run(tiny_corpus, run)
    assert main(["train", "--corpus", str(tiny_corpus), "--out", str(run), *TINY_MODEL]) == 2
    line = _last_line(capsys)
    assert "saved no checkpoint yet" in line and f"--resume {run}" in line and "--overwrite-empty-run" in line
    assert (
        main(
            [
                "train",
                "--corpus",
                str(tiny_corpus),
                "--out",
                str(run),
                "--overwrite-empty-run",
                "--steps",
                "2",
                "--eval-interval",
                "2",
                "--quiet",
                *TINY_MODEL,
            ]
        )
        == 0
    )
    assert ckpt.resolve_checkpoint(run, "last").step == 2
    capsys.readouterr()
    # a run with a checkpoint is never replaced
    assert main(["train", "--corpus", str(tiny_corpus), "--out", str(run), "--overwrite-empty-run", *TINY_MODEL]) == 2
    assert "already holds a run" in _last_line(capsys)


def test_reliability_resuming_a_run_without_checkpoint_starts_from_step_0_with_its_config(
    tiny_corpus, tmp_path, capsys
):
    run = tmp_path / "run"
    config_before = _empty_run(tiny_corpus, run)
    assert main(["train", "--resume", str(run), "--quiet"]) == 0
    captured = capsys.readouterr()
    assert "training again from step 0" in captured.err and "finished 2 steps" in captured.out
    assert (run / ckpt.CONFIG_FILE).read_bytes() == config_before
    assert [int(r["step"]) for r in read_metrics_rows(run / "metrics.csv")][0] == 0


def test_reliability_overwrite_empty_run_keeps_files_it_did_not_write(tiny_corpus, tmp_path, capsys):
    run = tmp_path / "run"
    _empty_run(tiny_corpus, run)
    (run / "notes.md").write_text("mine", encoding="utf-8")
    assert main(["train", "--corpus", str(tiny_corpus), "--out", str(run), "--overwrite-empty-run", *TINY_MODEL]) == 2
    assert "notes.md" in _last_line(capsys)
    assert (run / "notes.md").read_text(encoding="utf-8") == "mine" and (run / ckpt.CONFIG_FILE).is_file()


# ---------------------------------------------------------------- 6. disk full


def _model():
    from lmstudio.core.config import ModelConfig
    from lmstudio.core.models import build_model

    torch.manual_seed(0)
    return build_model(ModelConfig(arch="transformer", vocab_size=20, block_size=8, n_layer=1, n_head=2, d_model=16))


@pytest.mark.parametrize("where", ["safetensors", "torch_save"])
def test_reliability_disk_full_while_saving_a_checkpoint_is_one_line_and_keeps_the_previous(
    tmp_path, monkeypatch, where
):
    model = _model()
    ckpt.save_checkpoint(tmp_path, 1, model.state_dict(), {"step": 1}, 2.0)
    index_before = (tmp_path / "checkpoints" / "index.json").read_bytes()

    def full(*args, **kwargs):
        target = Path(args[1] if where == "torch_save" else args[1])
        target.write_bytes(b"half")
        raise ENOSPC

    if where == "safetensors":
        monkeypatch.setattr(ckpt, "save_file", full)
        failing = "model.safetensors"
    else:
        monkeypatch.setattr(ckpt.torch, "save", full)
        failing = "training_state.pt"
    with pytest.raises(CheckpointError) as err:
        ckpt.save_checkpoint(tmp_path, 2, model.state_dict(), {"step": 2}, 1.0)
    message = str(err.value)
    assert "\n" not in message and str(tmp_path / "checkpoints" / "step-2" / failing) in message
    assert "disk full" in message and "free" in message and "step-1" in message
    assert not (tmp_path / "checkpoints" / "step-2").exists()
    assert (tmp_path / "checkpoints" / "index.json").read_bytes() == index_before
    assert not list(tmp_path.rglob("*.tmp"))


def test_reliability_disk_full_during_training_is_one_line_naming_the_file(tiny_corpus, tmp_path, monkeypatch, capsys):
    def full(tensors, filename, metadata=None):
        raise ENOSPC

    monkeypatch.setattr(ckpt, "save_file", full)
    run = tmp_path / "run"
    code = main(
        [
            "train",
            "--corpus",
            str(tiny_corpus),
            "--out",
            str(run),
            "--steps",
            "2",
            "--eval-interval",
            "2",
            "--quiet",
            *TINY_MODEL,
        ]
    )
    assert code != 0
    err = capsys.readouterr().err
    assert "Traceback" not in err and "disk full" in err and str(run / "checkpoints" / "step-2") in err
    assert not (run / "checkpoints" / "step-2").exists()


def test_reliability_disk_full_writing_metrics_samples_and_config_names_the_file(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise ENOSPC

    monkeypatch.setattr(ckpt, "open", full, raising=False)
    with pytest.raises(CheckpointError, match=r"samples\.jsonl: disk full"):
        ckpt.append_sample(tmp_path, 1, "text")
    monkeypatch.setattr(ckpt, "atomic_write_text", full)
    with pytest.raises(CheckpointError, match=r"config\.json: disk full"):
        ckpt.write_run_config(tmp_path, WorkspaceConfig(), {})
    log = MetricsLog(tmp_path, truncate_after=0)
    log._fh.close()
    log._fh = _FullFile()  # the disk fills up while training
    log._writer = csv.DictWriter(log._fh, fieldnames=["step"], extrasaction="ignore")
    with pytest.raises(CheckpointError, match=r"metrics\.csv: disk full"):
        log.write(step=1)


class _FullFile:
    closed = False

    def write(self, text):
        raise ENOSPC

    def flush(self):
        raise ENOSPC

    def close(self):
        self.closed = True


def test_reliability_metrics_csv_survives_a_failed_rewrite_on_resume(tmp_path, monkeypatch):
    log = MetricsLog(tmp_path, truncate_after=0)
    for step in range(1, 6):
        log.write(step=step, train_loss=1.0 / step)
    log.close()
    before = (tmp_path / "metrics.csv").read_bytes()
    real = csv.DictWriter.writerow

    def full_after_header(self, row):
        if row.get("step") not in ("step", None) and self.writer is not None:
            raise ENOSPC
        return real(self, row)

    monkeypatch.setattr(csv.DictWriter, "writerow", full_after_header)
    with pytest.raises(CheckpointError, match="metrics.csv: disk full"):
        MetricsLog(tmp_path, truncate_after=3)
    assert (tmp_path / "metrics.csv").read_bytes() == before


# ---------------------------------------------------------------- 7. messages that say what is wrong


def test_reliability_random_bytes_in_training_state_are_corrupt_not_code(tmp_path):
    path = tmp_path / ckpt.STATE_FILE
    for garbage in (os.urandom(2000), b"not a checkpoint at all", b""):
        path.write_bytes(garbage)
        with pytest.raises(CheckpointError) as err:
            ckpt.load_training_state(path)
        assert "corrupt or truncated" in str(err.value) and "could run code" not in str(err.value)
        assert str(path) in str(err.value)


def test_reliability_a_step_missing_its_weights_is_not_listed_as_available(run_copy):
    shutil.copytree(run_copy / "checkpoints" / "step-4", run_copy / "checkpoints" / "step-2")
    (run_copy / "checkpoints" / "step-4" / ckpt.WEIGHTS_FILE).unlink()
    with pytest.raises(CheckpointError) as err:
        ckpt.resolve_checkpoint(run_copy, "step-4")
    message = str(err.value)
    assert "step-4 is incomplete: model.safetensors is missing" in message
    assert message.endswith("available: step-2")


def test_reliability_nan_weights_are_reported_when_loaded(run_copy, capsys):
    from safetensors.torch import load_file, save_file

    weights = run_copy / "checkpoints" / "step-4" / ckpt.WEIGHTS_FILE
    tensors = load_file(str(weights))
    name = next(iter(tensors))
    tensors[name][0] = float("nan")
    save_file(tensors, str(weights))
    assert main(["sample", str(run_copy), "--checkpoint", "last", "--max-new-tokens", "4"]) == 2
    line = _last_line(capsys)
    assert f"{weights}: holds non-finite weights (NaN/inf" in line and "load an earlier checkpoint" in line


@pytest.mark.parametrize("index", [{"last": 5}, [], {"best": "../../etc"}, {"last": "step-4", "best_step": "x"}])
def test_reliability_wrong_types_in_index_json_are_one_line(run_copy, capsys, index):
    (run_copy / "checkpoints" / "index.json").write_text(json.dumps(index), encoding="utf-8")
    assert main(["sample", str(run_copy), "--max-new-tokens", "4"]) == 2
    line = _last_line(capsys)
    assert "index.json: corrupt checkpoint index" in line and "delete it" in line


def test_reliability_wrong_types_in_meta_json_are_one_line(run_copy, capsys):
    (run_copy / "checkpoints" / "step-4" / ckpt.META_FILE).write_text('{"step": "abc"}', encoding="utf-8")
    assert ckpt.list_checkpoints(run_copy) == []
    assert main(["sample", str(run_copy), "--checkpoint", "step-4", "--max-new-tokens", "4"]) == 2
    assert "no checkpoint saved yet" in _last_line(capsys)
    shutil.copytree(run_copy / "checkpoints" / "step-4", run_copy / "checkpoints" / "step-2")
    (run_copy / "checkpoints" / "step-2" / ckpt.META_FILE).write_text('{"step": 2}', encoding="utf-8")
    with pytest.raises(CheckpointError, match=r"step-4 is incomplete: meta.json: 'step' is \"abc\""):
        ckpt.resolve_checkpoint(run_copy, "4")


@pytest.mark.parametrize(
    "values",
    [
        {"train": {"batch_size": "12"}, "run": {}},
        {"data": {"corpus": 123}, "run": {}},
        {"run": 5},
        ["not", "an", "object"],
    ],
)
def test_reliability_wrong_types_in_a_run_config_are_one_line_naming_it(run_copy, capsys, values):
    path = run_copy / ckpt.CONFIG_FILE
    path.write_text(json.dumps(values), encoding="utf-8")
    with pytest.raises(CheckpointError) as err:
        ckpt.read_run_config(run_copy)
    assert str(path) in str(err.value) and "\n" not in str(err.value)
    assert main(["train", "--resume", str(run_copy), "--steps", "8"]) == 2
    assert str(path) in _last_line(capsys)


def test_reliability_wrong_types_in_training_state_are_one_line(tmp_path):
    path = tmp_path / ckpt.STATE_FILE
    torch.save({"step": "abc"}, path)
    with pytest.raises(CheckpointError, match="not an lmstudio training state"):
        ckpt.load_training_state(path)


# ---------------------------------------------------------------- 8. samples after a resume


def test_reliability_resume_truncates_samples_jsonl_so_samples_do_not_repeat(run_copy):
    path = run_copy / ckpt.SAMPLES_FILE
    assert [s["step"] for s in ckpt.read_samples(run_copy)] == [0, 2, 4]
    with open(path, "a", encoding="utf-8") as fh:  # written after step-4's checkpoint, then the process died
        fh.write(json.dumps({"step": 6, "text": "lost"}) + "\n")
    trainer = runs.resume_trainer(run_copy, steps=6)
    assert [s["step"] for s in ckpt.read_samples(run_copy)] == [0, 2, 4]
    list(trainer.run())
    assert [s["step"] for s in ckpt.read_samples(run_copy)] == [0, 2, 4, 6]


# ---------------------------------------------------------------- 9. more of the same kinds


def test_reliability_a_new_run_is_not_written_into_a_folder_of_user_files(tiny_corpus, tmp_path, capsys):
    out = tmp_path / "work"
    out.mkdir()
    (out / "metrics.csv").write_text("my own measurements", encoding="utf-8")
    (out / "paper.tex").write_text("mine", encoding="utf-8")
    assert main(["train", "--corpus", str(tiny_corpus), "--out", str(out), *TINY_MODEL]) == 2
    assert "paper.tex" in _last_line(capsys)
    assert (out / "metrics.csv").read_text(encoding="utf-8") == "my own measurements"
    assert sorted(p.name for p in out.iterdir()) == ["metrics.csv", "paper.tex"]


def test_reliability_resume_of_a_file_or_a_run_with_only_damaged_checkpoints_is_one_line(run_copy, tmp_path, capsys):
    file = tmp_path / "file.txt"
    file.write_text("x", encoding="utf-8")
    assert main(["train", "--resume", str(file)]) == 2
    assert "is a file, not a run folder" in _last_line(capsys)
    (run_copy / "checkpoints" / "step-4" / ckpt.META_FILE).write_text("{", encoding="utf-8")
    config_before = (run_copy / ckpt.CONFIG_FILE).read_bytes()
    assert main(["train", "--resume", str(run_copy), "--steps", "8"]) == 2
    line = _last_line(capsys)
    assert "step-4: damaged checkpoint" in line  # never silently trained again from step 0 over it
    assert (run_copy / "checkpoints" / "step-4" / ckpt.WEIGHTS_FILE).is_file()
    assert (run_copy / ckpt.CONFIG_FILE).read_bytes() == config_before


def test_reliability_damaged_samples_and_metrics_files_are_read_around(tmp_path):
    (tmp_path / ckpt.SAMPLES_FILE).write_bytes(
        b'{"step": 1, "text": "a"}\n[1, 2]\n{"step": "x", "text": 3}\n\xff\xfe{"cut'
    )
    assert ckpt.read_samples(tmp_path) == [{"step": 1, "text": "a"}]
    (tmp_path / "metrics.csv").write_bytes(b"step,train_loss\n1,2.0\ninf,\xff\n\0\0\0\n")
    log = MetricsLog(tmp_path, truncate_after=1)
    log.close()
    assert [r["step"] for r in read_metrics_rows(tmp_path / "metrics.csv")] == ["1"]


def test_reliability_the_split_cache_rebuilds_a_damaged_entry_and_removes_leftovers(tiny_corpus, tmp_path):
    from lmstudio.core.data import split_cache

    data = DataConfig(corpus=str(tiny_corpus))
    first = split_cache.splits_cached(data, tmp_path)
    folder = first["train"].path.parent
    assert folder == split_cache.splits_dir(data, tmp_path) and folder.parent == tmp_path / "splits"
    expected = {name: info.path.read_bytes() for name, info in first.items()}
    assert split_cache.splits_cached(data, tmp_path) == first  # reused: same files, same counts

    (folder / "val.txt").unlink()  # damaged: a split file missing
    leftover = tmp_path / "splits" / f".{folder.name}.ab12cd34.partial"  # what a killed build left
    leftover.mkdir()
    (leftover / "train.txt").write_text("half")
    again = split_cache.splits_cached(data, tmp_path)
    assert {name: info.path.read_bytes() for name, info in again.items()} == expected
    assert not leftover.exists()
    (folder / split_cache.MANIFEST).write_text("{not json")
    assert split_cache.read_splits(folder) is None
    assert split_cache.splits_cached(data, tmp_path)["train"].lines == first["train"].lines


def test_reliability_a_corpus_cleaned_to_nothing_leaves_no_split_cache_entry(tmp_path):
    from lmstudio.core.config import CleaningConfig
    from lmstudio.core.data import split_cache
    from lmstudio.core.errors import CorpusError

    corpus = tmp_path / "short.txt"
    corpus.write_text("a\nb\nc\n", encoding="utf-8")
    data = DataConfig(corpus=str(corpus), cleaning=CleaningConfig(min_line_chars=5))
    with pytest.raises(CorpusError, match="nothing left to train on"):
        split_cache.splits_cached(data, tmp_path / "cache")
    assert [p.name for p in (tmp_path / "cache" / "splits").iterdir() if not p.name.endswith(".lock")] == []
