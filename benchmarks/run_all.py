"""Run every benchmark (``make bench``); each writes benchmarks/out/<name>.json and prints its figures.

The figures quoted in benchmarks/README.md come from these files. ``--quick`` runs shorter versions
(fewer steps, a smaller generated corpus) for a smoke check; the README's figures use the full runs.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# the variants compared when the defaults were chosen (benchmarks/README.md, "tune")
# the variants that decided the defaults (benchmarks/README.md, "How the defaults were chosen"), at the budget
# they were compared at; the other rows of training_tune.json came from the commands its "runs" field names
TUNED = "adamw,muon4-b24,muon4-b24-wd5-wu20,l3-b24-wd5-wu20,mlp3-b24-wd5-wu20,l3-mlp3-b24-wd5-wu20"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short runs for a smoke check")
    parser.add_argument(
        "--only",
        help="comma-separated names: prepare, generation, training, nanogpt, tune, lstm, gui, startup, playground, "
        "seq2seq-reverse, seq2seq-decode, seq2seq-en-es, seq2seq-throughput, compress, ddp, inside, memorization, "
        "experiments",
    )
    args = parser.parse_args()
    quick = args.quick
    jobs = {
        "prepare": ["bench_prepare.py", "--mode", "all"] + (["--size-mb", "50"] if quick else ["--size-mb", "1024"]),
        # one thread, as the Playground generates (devices.default_threads on 2 cores): a one-token step is
        # mostly per-operation overhead, which a second thread only adds to
        "generation": ["bench_generation.py", "--threads", "1"] + (["--quick"] if quick else []),
        "training": ["bench_training.py", "throughput"] + (["--steps", "40", "--reps", "1"] if quick else []),
        "nanogpt": ["bench_training.py", "nanogpt"]
        + (["--ref-iters", "100", "--eval-interval", "50"] if quick else []),
        "tune": ["bench_training.py", "tune", "--variants", TUNED]
        + (["--steps", "100"] if quick else ["--max-time", "145.5"]),
        "lstm": ["bench_training.py", "lstm"] + (["--seconds", "20"] if quick else []),
        "gui": ["bench_gui_training.py"],
        "startup": ["bench_startup.py"],
        # one thread, the Playground's own (devices.default_threads on 2 cores), for both sides
        "playground": ["bench_playground.py", "--threads", "1"] + (["--repeats", "2"] if quick else []),
        "seq2seq-reverse": ["bench_seq2seq.py", "reverse"] + (["--seconds", "5"] if quick else []),
        "seq2seq-decode": ["bench_seq2seq.py", "decode"] + (["--repeats", "2"] if quick else []),
        "seq2seq-en-es": ["bench_seq2seq.py", "en-es"] + (["--seconds", "20"] if quick else []),
        "seq2seq-throughput": ["bench_seq2seq.py", "throughput"] + (["--steps", "30", "--reps", "1"] if quick else []),
        "compress": ["bench_compress.py"] + (["--seconds", "10", "--finetune-steps", "5"] if quick else []),
        # 1 vs 2 processes on the CPU, same global batch (on a GPU machine: bench_ddp.py --device cuda)
        # the logit lens and the attention grid of a 6-layer, 256-wide Transformer over 256 tokens (target < 200 ms)
        "inside": ["bench_inside.py", "--threads", "1"] + (["--quick"] if quick else []),
        # the memorization index: build and query time against the preparation's own time
        "memorization": ["bench_memorization.py"] + (["--queries", "20", "--repeats", "1"] if quick else []),
        "ddp": ["bench_ddp.py"] + (["--steps", "60", "--reps", "1"] if quick else []),
        # a duel and a tournament: wall time of the sweep against the sum of its runs' time budgets (target >= 0.95)
        "experiments": ["bench_experiments.py"] + (["--seconds", "5"] if quick else []),
    }
    chosen = args.only.split(",") if args.only else list(jobs)
    failed = []
    for name in chosen:
        script = HERE / jobs[name][0]
        if not script.is_file():
            print(f"== {name}: {script.name} not present, skipped")
            continue
        print(f"== {name}", flush=True)
        if subprocess.call([sys.executable, str(script), *jobs[name][1:]]) != 0:
            failed.append(name)
    if failed:
        print(f"benchmarks that failed to run: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
