"""What Watch it learn's probes and the memorization check cost a training run.

Two measurements on the bundled Tiny Shakespeare with lmstudio's defaults (the ``small`` model, batch 24), one
torch thread (the Trainer's default on this machine):

- **per evaluation**: the time of the probes (a passage scored, the next-token top 10) and of the memorization
  check of the evaluation sample, against the time of the training steps between two evaluations at the default
  ``eval_interval`` (250 steps), measured in the same run: the share they add to training;
- **end to end**: whole runs of ``--steps`` steps evaluating every ``--eval-interval`` steps (more often than the
  default, so the probes weigh more), with the probes and the check on, and off (the same Trainer with those two
  methods returning None), interleaved, the median of ``--reps`` each: wall time off / on (1.0: free).

The index is built once per prepared corpus (its build time is reported separately: it is not paid again).
Results: benchmarks/out/probes.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.common import SHAKESPEARE, write_result  # noqa: E402


def _config(steps: int, eval_interval: int):
    from lmstudio.core.config import DataConfig, WorkspaceConfig

    config = WorkspaceConfig(data=DataConfig(corpus=str(SHAKESPEARE)))
    config.train.steps = steps
    config.train.eval_interval = eval_interval
    config.train.checkpoint_interval = 0
    config.train.device = "cpu"
    config.train.threads = 1
    return config


def _run(work: Path, name: str, steps: int, eval_interval: int, probes: bool) -> tuple[float, object]:
    from lmstudio.core.training.launch import new_trainer

    trainer = new_trainer(_config(steps, eval_interval), work / name)
    if not probes:
        trainer._probe_record = lambda: None  # type: ignore[method-assign]
        trainer._memorization = lambda pieces: None  # type: ignore[method-assign]
    t0 = time.perf_counter()
    for _ in trainer.run():
        pass
    return time.perf_counter() - t0, trainer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--eval-interval", type=int, default=50)
    parser.add_argument("--reps", type=int, default=2)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    from lmstudio.core.dataset.memorization import index_for
    from lmstudio.core.dataset.prepare import prepare_cached

    with tempfile.TemporaryDirectory(prefix="lmstudio-bench-probes-") as tmp:
        work = Path(tmp)
        prepared = prepare_cached(_config(1, 1))
        t0 = time.perf_counter()
        index_for(prepared)  # built once per prepared corpus (or opened when it exists)
        index_seconds = time.perf_counter() - t0

        # per evaluation, inside one trained run
        _, trainer = _run(work, "warm", 60, 1000, probes=True)
        step_seconds = trainer.elapsed / trainer.step
        probe_times, memo_times = [], []
        for _ in range(5):
            t = time.perf_counter()
            trainer._probe_record()
            probe_times.append(time.perf_counter() - t)
            pieces = trainer.sample_pieces()
            t = time.perf_counter()
            trainer._memorization(pieces)
            memo_times.append(time.perf_counter() - t)
        per_eval = statistics.median(probe_times) + statistics.median(memo_times)
        share = per_eval / (250 * step_seconds)

        # end to end
        on, off = [], []
        for rep in range(args.reps):
            off.append(_run(work, f"off-{rep}", args.steps, args.eval_interval, probes=False)[0])
            on.append(_run(work, f"on-{rep}", args.steps, args.eval_interval, probes=True)[0])
    ratio = statistics.median(off) / statistics.median(on)
    write_result(
        "probes",
        {
            "command": "python benchmarks/bench_probes.py " + " ".join(sys.argv[1:]),
            "what": "lmstudio defaults (small model, batch 24) on Tiny Shakespeare, 1 thread: the probes and the "
            "memorization check per evaluation against 250 training steps (the default eval_interval); and whole "
            f"runs of {args.steps} steps evaluating every {args.eval_interval}, probes and check off / on, median "
            f"of {args.reps} interleaved runs each",
            "step_ms": round(1000 * step_seconds, 2),
            "probes_ms_per_evaluation": round(1000 * statistics.median(probe_times), 2),
            "memorization_check_ms_per_evaluation": round(1000 * statistics.median(memo_times), 2),
            "share_of_training_at_default_eval_interval": round(share, 5),
            "index_build_seconds_once": round(index_seconds, 3),
            "end_to_end_seconds_off": [round(v, 2) for v in off],
            "end_to_end_seconds_on": [round(v, 2) for v in on],
            "end_to_end_ratio_off_over_on": round(ratio, 4),
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
