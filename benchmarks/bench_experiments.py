"""How much of a duel or a tournament goes to training: wall time of the whole sweep against the sum of its runs'
time budgets.

Each ready-made comparison (``app.experiments.duels``) gives every run the same wall-time budget
(``train.max_time``); between runs the sweep plans, prepares the data (cached after the first run of a corpus and
tokenizer), builds the model, writes the results. Efficiency = sum of the budgets / wall time of the sweep, from
its first event to its last (the issue asks >= 0.95). On the bundled Tiny Shakespeare with lmstudio's defaults:

- **architecture duel**: rnn, gru, lstm, transformer at the default model's parameter count, ``--seconds`` each;
- **tokenizer tournament**: char, and word, bpe, unigram at ``--sizes``, ``--seconds`` each.

The preparation of each tokenizer's data happens inside the sweep and counts as overhead. Results:
benchmarks/out/experiments.json, with every run's budget and measured training time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.common import SHAKESPEARE, write_result  # noqa: E402


def _measure(spec, out: Path) -> dict:
    from lmstudio.app.experiments.sweep import run_sweep, sweep_results

    t0 = time.perf_counter()
    for _ in run_sweep(spec, out):
        pass
    wall = time.perf_counter() - t0
    results = sweep_results(out)
    budget = float(spec.budget.get("seconds", 0.0)) * len(results["runs"])
    trained = sum(float(r.get("seconds") or 0.0) for r in results["runs"])
    return {
        "runs": len(results["runs"]),
        "budget_per_run_s": spec.budget.get("seconds"),
        "sum_of_budgets_s": round(budget, 2),
        "sum_of_training_s": round(trained, 2),
        "wall_s": round(wall, 2),
        "efficiency": round(budget / wall, 4) if wall else None,
        "best": results.get("best"),
        "summary": results.get("summary"),
        "per_run": [
            {"name": r["name"], "seconds": r.get("seconds"), "best_val_loss": r.get("best_val_loss"),
             "bits_per_char": r.get("bits_per_char"), "status": r.get("status")}
            for r in results["runs"]
        ],
    }  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20.0, help="budget of each run")
    parser.add_argument("--sizes", default="500,2000", help="tournament vocabulary sizes")
    parser.add_argument("--only", choices=("duel", "tournament"), help="one of the two")
    args = parser.parse_args()

    from lmstudio.app.experiments.duels import architecture_duel, tokenizer_tournament
    from lmstudio.core.config import DataConfig, WorkspaceConfig

    base = WorkspaceConfig(data=DataConfig(corpus=str(SHAKESPEARE)))
    base.train.checkpoint_interval = 0
    base.train.device = "cpu"
    result: dict = {"corpus": "Tiny Shakespeare", "seconds_per_run": args.seconds}
    with tempfile.TemporaryDirectory() as tmp:
        if args.only in (None, "duel"):
            spec = architecture_duel(base, seconds=args.seconds)
            result["architecture_duel"] = _measure(spec, Path(tmp) / "duel")
        if args.only in (None, "tournament"):
            sizes = tuple(int(s) for s in args.sizes.split(","))
            spec = tokenizer_tournament(base, seconds=args.seconds, sizes=sizes)
            result["tokenizer_tournament"] = _measure(spec, Path(tmp) / "tournament")
    write_result("experiments", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
