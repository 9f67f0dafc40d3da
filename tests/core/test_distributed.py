"""Training in several processes (DistributedDataParallel under torchrun, gloo on the CPU): the same loss
curve as one process at the same global batch, an exact resume, a stop from a signal to one rank, and
the pieces underneath (sharded batches, the ranks' setup, agreed controls, the launcher's report)."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import numpy as np
import pytest
import torch

from lmstudio.app.torchrun import _describe_failure, launcher_command
from lmstudio.core.config import ConfigError, TrainConfig
from lmstudio.core.dataset.tokens import BatchSampler
from lmstudio.core.errors import DataError, TrainingError
from lmstudio.core.training.control import TrainingControl
from lmstudio.core.training.distributed import OtherRankFailed, check_same_setup, setup_together
from lmstudio.core.training.launch import new_trainer
from tests.helpers import tiny_workspace

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not torch.distributed.is_available(), reason="no torch.distributed")


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)  # the test's private cache (LMSTUDIO_CACHE) included
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    env["OMP_NUM_THREADS"] = "1"
    env.update(extra)
    return env


def _rows(run: Path) -> list[dict[str, str]]:
    with (run / "metrics.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _curve(run: Path, column: str) -> dict[int, float]:
    return {int(r["step"]): float(r[column]) for r in _rows(run) if r[column]}


def _workspace(tmp_path: Path, corpus: Path, **train) -> Path:
    settings = {**dict(batch_size=8, schedule="constant", eval_interval=10, sample_tokens=0, threads=1), **train}
    path = tmp_path / "workspace.json"
    tiny_workspace(corpus, **settings).save(path)
    return path


# -- end to end, in real processes -----------------------------------------------------------------------------
@pytest.mark.slow
def test_two_processes_train_the_curve_of_one_and_resume_exactly(tmp_path, tiny_corpus):
    """torchrun --nproc_per_node 2 -m lmstudio train --config workspace.json: every step's training loss and
    every validation loss equal one process's at the same global batch (within float rounding); resumed (by
    ``lmstudio train --resume``, which starts the run's own 2 processes again) it goes on as the uninterrupted
    single process did."""
    reference = tmp_path / "one"
    for _ in new_trainer(
        tiny_workspace(
            tiny_corpus, batch_size=8, schedule="constant", steps=30, eval_interval=10, sample_tokens=0, threads=1
        ),
        reference,
    ).run():
        pass
    workspace = _workspace(tmp_path, tiny_corpus, steps=20)
    run = tmp_path / "two"
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc_per_node",
        "2",
        "-m",
        "lmstudio",
        "train",
        "--config",
        str(workspace),
        "--out",
        str(run),
        "--quiet",
    ]
    done = subprocess.run(command, env=_env(), capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "2 processes (gloo)" in done.stderr and "global batch 8 sequences (4 per process)" in done.stderr
    one, two = _curve(reference, "train_loss"), _curve(run, "train_loss")
    assert sorted(two) == list(range(1, 21))
    assert max(abs(one[s] - two[s]) for s in two) < 1e-4
    assert _curve(run, "val_loss") == pytest.approx(
        {s: _curve(reference, "val_loss")[s] for s in (0, 10, 20)}, abs=1e-4
    )
    import json

    assert json.loads((run / "config.json").read_text(encoding="utf-8"))["train"]["processes"] == 2

    resumed = subprocess.run(
        [sys.executable, "-m", "lmstudio", "train", "--resume", str(run), "--steps", "30", "--quiet"],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "2 processes (gloo)" in resumed.stderr  # the run's own number of processes, under torchrun again
    two = _curve(run, "train_loss")
    assert sorted(two) == list(range(1, 31))
    assert max(abs(one[s] - two[s]) for s in range(21, 31)) < 1e-4
    assert _curve(run, "val_loss")[30] == pytest.approx(_curve(reference, "val_loss")[30], abs=1e-4)


@pytest.mark.slow
def test_a_time_budget_ends_every_process_at_the_same_step(tmp_path, tiny_corpus):
    """Each process's clock differs a little: the budget, and the learning rate that follows it, are decided on
    one agreed clock, so no process stops (or steps at another learning rate) alone."""
    workspace = _workspace(tmp_path, tiny_corpus, steps=100_000, eval_interval=100_000, schedule="wsd")
    run = tmp_path / "run"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "lmstudio",
            "train",
            "--processes",
            "2",
            "--config",
            str(workspace),
            "--max-time",
            "1",
            "--out",
            str(run),
        ],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    step = int(done.stdout.split("time budget of 1 s spent after ")[1].split(" steps")[0])
    assert (run / "checkpoints" / f"step-{step}").is_dir()
    lrs = [float(r["lr"]) for r in _rows(run) if r["lr"]]
    assert lrs[-1] < lrs[len(lrs) // 3]  # the warm-down followed the clock


def _rank_pid(tag: str, rank: int) -> int | None:
    """The process of ``rank`` among those started with LMSTUDIO_TEST_TAG=tag (Linux: /proc)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            env = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"LMSTUDIO_TEST_TAG={tag}".encode() in env and f"RANK={rank}".encode() in env:
            return int(entry.name)
    return None


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="finds the rank's process through /proc")
def test_sigterm_to_one_rank_stops_every_rank_at_one_step_with_a_checkpoint(tmp_path, tiny_corpus):
    workspace = _workspace(tmp_path, tiny_corpus, steps=100_000, eval_interval=100_000)
    run = tmp_path / "run"
    tag = uuid.uuid4().hex
    proc = subprocess.Popen(
        [sys.executable, "-m", "lmstudio", "train", "--processes", "2", "--config", str(workspace), "--out", str(run)],
        env=_env(LMSTUDIO_TEST_TAG=tag),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and proc.poll() is None:
            if (run / "metrics.csv").is_file() and len(_rows(run)) >= 4:  # step 0's evaluation and 3 steps
                break
            time.sleep(0.2)
        pid = _rank_pid(tag, 1)
        assert pid is not None, "rank 1 is running"
        os.kill(pid, signal.SIGTERM)
        out, err = proc.communicate(timeout=120)  # no hang
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err[-3000:]
    assert "Traceback" not in err
    stopped = [line for line in out.splitlines() + err.splitlines() if "stopped at step" in line]
    assert stopped, err[-2000:]
    step = int(stopped[0].split("stopped at step ")[1].split(";")[0])
    assert (run / "checkpoints" / f"step-{step}").is_dir()
    assert max(_curve(run, "train_loss")) == step  # rank 0 wrote every step up to the one they all stopped at


# -- the pieces, in this process ------------------------------------------------------------------------------
def test_each_rank_takes_its_rows_of_the_one_global_batch():
    data = np.arange(5_000, dtype=np.uint16)
    whole = BatchSampler(data, 8, 6, seed=3)
    parts = [BatchSampler(data, 8, 6, seed=3, shard=(rank, 3)) for rank in range(3)]
    for _ in range(4):
        x, y = whole.next()
        xs, ys = zip(*(p.next() for p in parts))
        assert torch.equal(torch.cat(xs), x) and torch.equal(torch.cat(ys), y)
    # the state is the global sequence's: any number of processes resumes it
    resumed = BatchSampler(data, 8, 6, seed=3)
    resumed.load_state_dict(parts[1].state_dict())
    assert torch.equal(resumed.next()[0], whole.next()[0])


def test_a_batch_that_does_not_split_evenly_is_refused_with_the_fix():
    with pytest.raises(DataError, match=r"batch size 10 does not split evenly between 4 processes.*multiple of 4"):
        BatchSampler(np.arange(1000, dtype=np.uint16), 8, 10, seed=0, shard=(0, 4))


def test_processes_is_a_validated_setting():
    assert TrainConfig().processes == 1
    with pytest.raises(ConfigError, match="processes"):
        TrainConfig(processes=0)


def test_a_single_step_granted_while_paused_is_taken_once():
    control = TrainingControl()
    assert not control.take_step_grant()
    control.pause()
    control.step_once()
    assert control.take_step_grant() and not control.take_step_grant()


class _Failure:
    def __init__(self, exitcode: int, pid: int = 42, hostname: str = "node-b") -> None:
        self.exitcode, self.pid, self.hostname = exitcode, pid, hostname


def test_the_launcher_reports_a_killed_rank_and_passes_on_statuses():
    code, line = _describe_failure({1: _Failure(-9)})
    assert code == 1 and line == "rank 1 (process 42 on node-b) was killed by SIGKILL; the other processes were stopped"
    assert _describe_failure({0: _Failure(130), 1: _Failure(130)}) == (130, "")  # stopped: they said so
    assert _describe_failure({1: _Failure(1), 0: _Failure(2)}) == (2, "")  # rank 0's status, its own message
    # rank 0 stopped (130) and torchrun's SIGTERM ended rank 1 as it was exiting: a stop, not a failure
    assert _describe_failure({0: _Failure(130), 1: _Failure(-15)}) == (130, "")
    command = launcher_command(4, "lmstudio", ["train", "--out", "x"])
    assert command[1:] == ["-m", "lmstudio.app.torchrun", "--nproc", "4", "--", "-m", "lmstudio", "train", "--out", "x"]


class _FakeRanks:
    """Two ranks as threads of this process, with the collectives setup_together uses."""

    def __init__(self) -> None:
        self.barrier = threading.Barrier(2, timeout=10)
        self.box: list = [None, None]

    def rank(self, r: int):
        ranks = self

        class Dist:
            rank, world_size, is_main = r, 2, r == 0

            def broadcast(self, obj=None):
                if r == 0:
                    ranks.box[0] = obj
                ranks.barrier.wait()
                value = ranks.box[0]
                ranks.barrier.wait()
                return value

            def gather(self, obj):
                ranks.box[r] = obj
                ranks.barrier.wait()
                values = list(ranks.box)
                ranks.barrier.wait()
                return values

        return Dist()


def _setup_both(fail_on: int | None) -> list:
    """setup_together on two thread-ranks; ``fail_on``: the rank whose build raises. Returns what each got."""
    ranks, out = _FakeRanks(), [None, None]

    def build(r):
        if r == fail_on:
            raise ConfigError(f"rank {r}'s --out: not a run folder")
        return f"trainer {r}"

    def one(r):
        try:
            out[r] = setup_together(ranks.rank(r), lambda: build(r), lambda: build(r), facts=lambda t: {"t": t[:7]})
        except Exception as exc:
            out[r] = exc

    threads = [threading.Thread(target=one, args=(r,)) for r in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    return out


def test_setup_runs_rank_0_first_and_a_failure_ends_every_rank_saying_who():
    assert _setup_both(None) == ["trainer 0", "trainer 1"]
    first, second = _setup_both(0)  # rank 0 failed (its --out is taken): it says why, rank 1 ends quietly
    assert isinstance(first, ConfigError) and "rank 0's --out" in str(first)
    assert isinstance(second, OtherRankFailed)
    first, second = _setup_both(1)  # rank 1 could not build the run: rank 0 reports it, naming the rank
    assert isinstance(first, TrainingError) and "rank 1 could not set up the run" in str(first)
    assert isinstance(second, ConfigError)


def test_ranks_that_built_different_runs_are_stopped_naming_what_differs():
    ranks, out = _FakeRanks(), [None, None]

    def one(r):
        try:
            check_same_setup(ranks.rank(r), {"tokenizer": "abc" if r == 0 else "abd", "step": 0})
        except Exception as exc:
            out[r] = exc

    threads = [threading.Thread(target=one, args=(r,)) for r in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert isinstance(out[0], ConfigError)
    assert "rank 1 built a different run than rank 0 (different tokenizer)" in str(out[0])
    assert isinstance(out[1], OtherRankFailed)
