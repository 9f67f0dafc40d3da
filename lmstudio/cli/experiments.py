"""``lmstudio sweep``, ``lmstudio duel`` and ``lmstudio context``: experiments at equal budgets, headless.

A sweep (or a ready-made duel) trains its runs one after another, printing one line per run start and end and
the evaluation lines as ``lmstudio train`` does, and a results table at the end. Ctrl+C or SIGTERM stops the
current run at the next step, saves its checkpoint and exits with 130; running the same command again continues
the sweep, skipping the runs that finished.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from .progressbar import ProgressBar, format_duration
from .settings import add_setting_flags

EXIT_INTERRUPTED = 130
EXIT_FAILED = 1
DUELS = ("architectures", "tokenizers", "data-scale")


def add_parser(sub) -> None:
    p = sub.add_parser(
        "sweep",
        help="train the runs of a sweep file one after another at an equal budget; print the results",
        description="Train every run a sweep file plans (a base workspace plus axes of setting values, grid, "
        "random or zip, with one budget of steps, tokens or seconds per run), each a normal run folder under the "
        "output folder, then print the results table and which run was best. Run it again to continue a "
        "stopped sweep: finished runs are skipped, a stopped one resumes from its checkpoint.",
    )
    p.add_argument("sweep_file", metavar="SWEEP.json", help="the sweep file (JSON; see docs)")
    p.add_argument("--out", metavar="DIR", help="folder of the runs (default: the file's out, or beside the file)")
    p.add_argument("--dry-run", action="store_true", help="list the planned runs and their settings; train nothing")
    p.add_argument("--quiet", action="store_true", help="no step progress bar, only run and evaluation lines")
    p.set_defaults(func=run, experiment="sweep")

    p = sub.add_parser(
        "duel",
        help="ready-made comparisons: architectures, tokenizers or data scale at an equal budget",
        description="architectures: RNN, GRU, LSTM and Transformer of about the same parameter count; tokenizers: "
        "characters, word, BPE and unigram at several vocabulary sizes, ranked by bits per character; data-scale: "
        "the same model on 1%, 3%, 10%, 30% and 100% of the training text, with the fraction where more "
        "data stopped helping. The same corpus and budget for every side.",
    )
    p.add_argument("kind", choices=DUELS, help="which comparison")
    p.add_argument("--config", metavar="WORKSPACE.json", help="the base workspace (default: the default settings)")
    p.add_argument("--seconds", type=float, default=60.0, metavar="S", help="training seconds per run (default 60)")
    p.add_argument("--steps", type=int, metavar="N", help="data-scale: steps per run instead of seconds")
    p.add_argument("--sizes", default="500,2000", metavar="N,N", help="tokenizers: vocabulary sizes (default 500,2000)")
    p.add_argument("--parameters", type=int, metavar="N", help="architectures: parameters per side (default: base)")
    p.add_argument("--out", required=True, metavar="DIR", help="folder of the runs")
    p.add_argument("--dry-run", action="store_true", help="list the planned runs; train nothing")
    p.add_argument("--quiet", action="store_true", help="no step progress bar, only run and evaluation lines")
    p.set_defaults(func=run, experiment="duel")

    p = sub.add_parser(
        "context",
        help="how far back a run uses its context: loss by position in the window and a long-range test",
        description="Print the validation loss at each position of the window (does it keep falling with more "
        "context, or flatten early?) and the long-range test: the loss on a span of validation text the first "
        "time and when it comes again DISTANCE tokens later; the drop is how much the model uses context that far "
        "back.",
    )
    p.add_argument("run_dir", metavar="RUN", help="a run folder written by `lmstudio train` (a language model)")
    p.add_argument("--checkpoint", default="best", help="best, last or step-N (default best)")
    p.add_argument("--distance", type=int, metavar="N", help="tokens between the two copies (default 100, or less)")
    p.add_argument("--span", type=int, metavar="N", help="tokens of the repeated span (default 16, or less)")
    p.add_argument("--trials", type=int, default=32, metavar="N", help="windows of the long-range test (default 32)")
    add_setting_flags(p, "train", ("device",), defaults=True)
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.set_defaults(func=run, experiment="context")


def run(args) -> int:
    if args.experiment == "context":
        return _context(args)
    spec = _duel_spec(args) if args.experiment == "duel" else _sweep_spec(args)
    out = Path(args.out) if args.out else spec.out
    return _run_spec(spec, out, dry_run=args.dry_run, quiet=args.quiet)


def _sweep_spec(args):
    from ..app.experiments import load_sweep

    return load_sweep(Path(args.sweep_file))


def _duel_spec(args):
    from ..app.experiments import architecture_duel, data_scale, tokenizer_tournament
    from ..core.config import WorkspaceConfig
    from ..core.errors import ConfigError

    base = WorkspaceConfig.load(args.config) if args.config else WorkspaceConfig()
    if not (args.seconds > 0 and math.isfinite(args.seconds)):
        raise ConfigError(f"--seconds {args.seconds:g}: give a number of seconds above 0")
    if args.steps is not None and (args.steps < 1 or args.kind != "data-scale"):
        raise ConfigError(f"--steps {args.steps}: give 1 or more steps, for data-scale only")
    if args.kind == "architectures":
        if args.parameters is not None and args.parameters < 1:
            raise ConfigError(f"--parameters {args.parameters}: give a positive number of parameters")
        return architecture_duel(base, args.seconds, args.parameters)
    if args.kind == "tokenizers":
        try:
            sizes = tuple(int(s) for s in args.sizes.split(",") if s.strip())
        except ValueError:
            raise ConfigError(
                f"--sizes {args.sizes}: give vocabulary sizes separated by commas, such as 500,2000"
            ) from None
        if not sizes or min(sizes) < 2:
            raise ConfigError(f"--sizes {args.sizes}: give vocabulary sizes of 2 or more, such as 500,2000")
        return tokenizer_tournament(base, args.seconds, sizes)
    return data_scale(base, None if args.steps else args.seconds, steps=args.steps)


def _settings_text(overrides: dict) -> str:
    from ..app.experiments.sweep import value_label

    return ", ".join(f"{key} {value_label(value)}" for key, value in overrides.items())


def _budget_text(budget: dict) -> str:
    if not budget:
        return "each run's own steps"
    ((kind, value),) = budget.items()
    return f"{value:g} s of training each" if kind == "seconds" else f"{int(value):,} {kind} each"


def _run_spec(spec, out: Path, *, dry_run: bool, quiet: bool) -> int:
    from ..app.experiments import plan, run_sweep
    from ..core.training.control import TrainingControl
    from ..core.training.events import EvalEvent, LogEvent, StepEvent
    from .train import _bpc, _stop_on_signals

    runs = plan(spec)
    print(f"sweep {spec.name}: {len(runs)} runs, {_budget_text(spec.budget)}, into {out}", file=sys.stderr)
    if dry_run:
        for r in runs:
            print(f"{r.name}: {_settings_text(r.overrides)}")
        return 0
    control = TrainingControl()
    bar = ProgressBar("training")
    code = 0
    results = None
    with _stop_on_signals(control):
        for event in run_sweep(spec, out, control):
            where = f"[{event.index + 1}/{event.total}]"
            if event.kind == "run_start":
                print(f"{where} {event.run_dir.name}: {_settings_text(runs[event.index].overrides)}", file=sys.stderr)
            elif event.kind == "run_end":
                bar.close()
                finished = event.event
                if finished is None:
                    print(f"{where} {event.run_dir.name}: finished before; skipped", file=sys.stderr)
                    continue
                best = finished.best_val_loss
                best_text = f"; best val loss {best:.4f}" if best is not None and math.isfinite(best) else ""
                print(f"{where} {event.run_dir.name}: {finished.message}{best_text}", file=sys.stderr)
                if finished.status == "stopped":
                    code = EXIT_INTERRUPTED
                elif finished.status == "failed" and code == 0:
                    code = EXIT_FAILED
            elif event.kind == "train":
                e = event.event
                if isinstance(e, StepEvent) and not quiet:
                    config = runs[event.index].config.train
                    total, shown = (config.max_time, e.elapsed) if config.max_time else (config.steps, e.step)
                    bar.update(min(shown, total), total, f"step {e.step} loss {e.loss:.4f}")
                elif isinstance(e, EvalEvent):
                    bar.close()
                    print(
                        f"  step {e.step:>6}: train {e.train_loss:.4f}  val {e.val_loss:.4f}  "
                        f"ppl {e.val_perplexity:.2f}  bpc {_bpc(e.bits_per_char)}  [{format_duration(e.elapsed)}]"
                    )
                elif isinstance(e, LogEvent) and not quiet:
                    bar.close()
                    print(f"  {e.message}", file=sys.stderr)
            elif event.kind == "done":
                results = event.event
    bar.close()
    if results is not None:
        _print_results(results, spec)
    if control.stop_requested and code == 0:
        code = EXIT_INTERRUPTED
    if code == EXIT_INTERRUPTED:
        print(f"sweep stopped; run the same command again to continue it in {out}", file=sys.stderr)
    return code


def _number(value, digits: int = 4) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _print_results(results: dict, spec) -> None:
    from ..app.experiments.duels import data_scale_knee
    from ..app.experiments.sweep import value_label

    axes = list(results["axes"])
    header = ["run", *[key.rsplit(".", 1)[-1] for key in axes], "steps", "time", "best val", "ppl", "bpc", "status"]
    rows = []
    for r in results["runs"]:
        mark = "*" if r["name"] == results["best"] else " "
        rows.append(
            [
                f"{mark}{r['name']}",
                *[value_label(r["settings"].get(key)) for key in axes],
                f"{r['steps']:,}",
                format_duration(r["seconds"]),
                _number(r["best_val_loss"]),
                _number(r["perplexity"], 2),
                _number(r["bits_per_char"], 3),
                r["status"],
            ]
        )
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows)]
    for row in [header, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())
    print(results["summary"])
    if "data.train_fraction" in spec.axes and results["best"] is not None:
        knee = data_scale_knee(results)
        if knee is None:
            print("more data still helped at the largest fraction")
        else:
            print(f"more data stopped helping after {knee:g} of the training text (gains under 0.02 nats)")
    if any(r.get("bits_per_char_note") for r in results["runs"]) and results["metric"] == "bits_per_char":
        print("bpc n/a: the validation text holds <unk> tokens for that vocabulary; not ranked")


def _context(args) -> int:
    from ..app.experiments import context_use
    from ..core.errors import ConfigError

    if args.trials < 1:
        raise ConfigError(f"--trials {args.trials}: give 1 or more windows")
    result = context_use(
        Path(args.run_dir),
        distance=args.distance,
        span=args.span,
        trials=args.trials,
        checkpoint=args.checkpoint,
        device=getattr(args, "train.device"),
    )
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    losses = result["position_losses"]
    print(f"{result['run']} ({result['checkpoint']}, step {result['step']}): {result['arch']}, window {len(losses)}")
    print("validation loss by position in the window (context tokens before the prediction):")
    position = 1
    while position <= len(losses):
        print(f"  {position:>7,}  {losses[position - 1]:.4f}")
        position = position * 2 if position * 2 <= len(losses) or position == len(losses) else len(losses)
    lr = result["long_range"]
    print(
        f"long-range test ({lr['trials']} windows, a span of {lr['span']} tokens repeated {lr['distance']} tokens "
        f"later): first {lr['first_loss']:.4f}, repeated {lr['repeat_loss']:.4f}, drop {lr['drop']:.4f} nats "
        f"({lr['drop_share']:.0%})"
    )
    return 0
