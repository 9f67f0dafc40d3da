"""``lmstudio runs [DIR] [--json]``: the runs table of a runs folder, as the window's Runs tab shows it.

One row per run, newest first: what it trained (corpus, tokenizer, architecture, parameters), how far
(steps, tokens, time), how well (best validation loss, perplexity, bits per character, BLEU), its status,
then the settings in which the runs differ. ``--json`` prints every figure and the whole config of each run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser(
        "runs",
        help="list the runs of a runs folder: settings that differ, steps, time, best loss, status",
        description="Print the runs table of DIR (default: $LMSTUDIO_RUNS_DIR, else ~/lmstudio-runs): one row "
        "per run folder, newest first, with its corpus, tokenizer, architecture and parameters, steps, tokens "
        "seen, training time, best validation loss, perplexity, bits per character, BLEU (translation runs) "
        "and status, followed by the settings in which the runs differ.",
    )
    p.add_argument("dir", nargs="?", metavar="DIR", help="the folder holding the run folders")
    p.add_argument("--json", action="store_true", help="print the rows as JSON, with each run's full settings")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..app.runs_table import RUNS_DIR_ENV, default_runs_folder, rows_json, scan_runs, table_text

    root = Path(args.dir).expanduser() if args.dir else default_runs_folder()
    if not root.is_dir():
        what = "is not a folder" if root.exists() else "no such runs folder"
        hint = "" if args.dir else f" (set {RUNS_DIR_ENV} or give DIR)"
        print(f"lmstudio: error: {what}: {root}; give the folder that holds the run folders{hint}", file=sys.stderr)
        return 1
    rows = scan_runs(root)
    if args.json:
        print(json.dumps(rows_json(rows), indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print(f"no runs in {root}")
        return 0
    print(table_text(rows))
    for row in rows:
        for problem in row.problems:
            print(f"lmstudio: note: {problem}", file=sys.stderr)
    return 0
