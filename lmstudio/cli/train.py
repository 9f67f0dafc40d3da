"""``lmstudio train``: train a new run, or ``--resume`` one, with a progress bar.

Ctrl+C or SIGTERM stops at the next step boundary, saves a checkpoint and exits with 130.
"""

from __future__ import annotations

import math
import os
import signal
import sys
from dataclasses import replace
from pathlib import Path

from .prepare import (
    DATA_SECTIONS,
    add_corpus_arguments,
    apply_corpus_arguments,
    interrupt_on_sigterm,
    load_config,
)
from .progressbar import ProgressBar, format_duration
from .settings import add_setting_flags, given, given_flags

EXIT_INTERRUPTED = 130
EXIT_FAILED = 1

MODEL_SETTINGS = ("n_layer", "d_model", "n_head", "block_size", "dropout", "positions", "mlp_activation", "qk_norm")
SEQ2SEQ_SETTINGS = ("attention", "bidirectional", "shared_embeddings")
TRAIN_SETTINGS = (
    "batch_size",
    "steps",
    "max_time",
    "lr",
    "min_lr",
    "schedule",
    "warmup_steps",
    "warmdown",
    "optimizer",
    "muon_momentum",
    "weight_decay",
    "grad_accum",
    "device",
    "precision",
    "threads",
    "processes",
    "compile",
    "tensorboard",
    "seed",
    "eval_interval",
    "checkpoint_interval",
    "patience",
    "probe_text",
    "probe_prompt",
    "teacher_forcing",
    "bleu_pairs",
)


def add_parser(sub) -> None:
    p = sub.add_parser(
        "train",
        help="train a model (or --resume a run) headless",
        description="Train a language model on a corpus into a run folder (with --task translate, an "
        "encoder-decoder on source → target pairs), or continue one with --resume.",
    )
    add_corpus_arguments(p)
    p.add_argument("--out", metavar="RUN_DIR", help="the new run folder")
    p.add_argument(
        "--prepared",
        metavar="DIR",
        help="train from a folder `lmstudio prepare --out DIR` wrote (its "
        "tokenizer and token files, no preparing again); leave out the corpus, cleaning, split and tokenizer flags",
    )
    p.add_argument(
        "--resume",
        metavar="RUN_DIR",
        help="continue this run from its last checkpoint "
        "(a run that saved no checkpoint yet starts again from step 0 with its own settings)",
    )
    p.add_argument(
        "--init-from",
        metavar="HF_DIR|RUN_DIR",
        help="start from these weights instead of random ones: a local Hugging Face GPT-2 folder (its config fixes "
        "the model, its tokenizer the vocabulary) or an earlier run (its best checkpoint, on a new corpus); of the "
        "model settings only --block-size and --dropout may change",
    )
    p.add_argument(
        "--overwrite-empty-run",
        action="store_true",
        help="--out may be a run that saved no checkpoint yet (it stopped before its first save): replace it",
    )
    m = p.add_argument_group("model")
    add_setting_flags(m, "model", ("arch",))
    m.add_argument(
        "--preset",
        choices=["tiny", "small", "medium", "large"],  # core.models.presets.PRESET_NAMES (imported late: torch)
        help="start from a named size for the architecture (medium and large want a GPU)",
    )
    add_setting_flags(m, "model", MODEL_SETTINGS)
    add_setting_flags(m, "model", SEQ2SEQ_SETTINGS)
    t = p.add_argument_group("training")
    add_setting_flags(
        t,
        "train",
        TRAIN_SETTINGS,
        extra={"steps": "with --resume: continue to step N", "max_time": "e.g. --max-time 600 for ten minutes"},
    )
    p.add_argument("--quiet", action="store_true", help="print only evaluations and the result")
    p.set_defaults(func=run)


def build_config(args):
    from ..core.models.presets import apply_preset

    config = load_config(args)
    apply_corpus_arguments(config, args)
    model = given(args, "model")
    if "arch" in model:
        config.model = replace(config.model, arch=model["arch"])
    if args.preset:
        config.model = apply_preset(config.model, args.preset)
    config.model = replace(config.model, **model)
    train = given(args, "train")
    if "lr" in train and "min_lr" not in train:
        train["min_lr"] = min(config.train.min_lr, train["lr"])
    config.train = replace(config.train, **train)
    return config


def run(args) -> int:
    from ..core.training.control import TrainingControl
    from ..core.training.distributed import OtherRankFailed, in_torchrun, init_distributed

    _check_flags(args)
    if not in_torchrun():
        processes = _processes(args)
        if processes > 1:  # N processes on this computer: torchrun runs this same command N times
            from ..app.torchrun import run_launcher

            return run_launcher(processes, "lmstudio", list(getattr(args, "argv", None) or sys.argv[1:]))
    dist = init_distributed(_device(args)) if in_torchrun() else None
    control = TrainingControl()
    try:
        if dist is None:
            trainer = _make_trainer(args, control, None)
        else:
            from ..core.training.distributed import setup_together

            def build():
                return _make_trainer(args, control, dist)

            trainer = setup_together(dist, build, build)  # rank 0 first (it prepares the data), then the rest
        if args.resume and trainer.step == 0 and trainer.is_main:
            print(
                f"{args.resume}: no checkpoint saved yet; training again from step 0 with its saved settings",
                file=sys.stderr,
            )
        with _stop_on_signals(control):
            return _consume(trainer, quiet=args.quiet, silent=not trainer.is_main)
    except OtherRankFailed:
        return EXIT_FAILED  # the rank that failed says why; this one ends quietly
    finally:
        if dist is not None:
            dist.close()


def _check_flags(args) -> None:
    """Refuse flags that do not go together, before anything is read or started."""
    from ..core.errors import ConfigError

    if args.resume:
        if args.out:
            raise ConfigError("--resume continues a run in its own folder; leave out --out")
        if args.prepared:
            raise ConfigError("--prepared goes with a new run (--out); --resume reads the data the run was trained on")
        if args.overwrite_empty_run:
            raise ConfigError("--overwrite-empty-run goes with --out (a new run), not with --resume")
        if args.init_from:
            raise ConfigError("--init-from starts a new run (--out); --resume continues from the run's own")
    elif not args.out:
        raise ConfigError("--out: give the folder for the new run (or --resume RUN_DIR)")


def _processes(args) -> int:
    """The processes asked for: ``--processes``, else the config's (a new run's, or the resumed run's own)."""
    flag = getattr(args, "train.processes", None)
    if flag is not None:
        return int(flag)
    if args.resume:  # read without torch: this process only launches the others when there are several
        import json

        try:
            doc = json.loads((Path(args.resume) / "config.json").read_text(encoding="utf-8"))
            return max(1, int(doc["train"].get("processes", 1)))
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return 1  # resume_trainer reports a missing or damaged folder in its own words
    return build_config(args).train.processes


def _device(args) -> str:
    """The device setting the processes train on (to choose NCCL or gloo before anything else runs)."""
    flag = getattr(args, "train.device", None)
    if flag is not None:
        return flag
    if args.resume:
        from ..core.runs import checkpoint as ckpt

        return ckpt.read_run_config(Path(args.resume))[0].train.device
    return build_config(args).train.device


def _make_trainer(args, control, dist):
    """The trainer of a new run (``--out``) or of a resumed one; ``dist``: this process's rank among several."""
    from ..core.errors import ConfigError
    from ..core.training.launch import new_trainer, resume_trainer, use_prepared

    main = dist is None or dist.is_main
    bar = ProgressBar("preparing data") if main else None
    callback = bar.callback if bar is not None else None
    try:
        with interrupt_on_sigterm():  # while preparing: cleanup runs as for Ctrl+C
            if args.resume:
                steps = getattr(args, "train.steps")
                return resume_trainer(Path(args.resume), steps=steps, control=control, progress=callback, dist=dist)
            config, prepared = build_config(args), None
            if dist is not None:  # the run records how many processes trained it (resume starts as many)
                config.train = replace(config.train, processes=dist.world_size)
            if args.init_from:
                config = _config_for_init(args, config)
            if args.prepared:
                flags = given_flags(args, DATA_SECTIONS)
                if flags:
                    raise ConfigError(
                        f"--prepared {args.prepared}: the folder already holds the corpus, splits and "
                        f"tokenizer it was prepared with; leave out {', '.join(flags)}"
                    )
                prepared = use_prepared(config, Path(args.prepared))
            return new_trainer(
                config,
                Path(args.out),
                prepared=prepared,
                control=control,
                progress=callback,
                overwrite_empty_run=args.overwrite_empty_run,
                from_prepared_folder=prepared is not None,
                init_from=Path(args.init_from) if args.init_from else None,
                dist=dist,
            )
    finally:
        if bar is not None:
            bar.close()


def _config_for_init(args, config):
    """The config of a run started from ``--init-from`` weights: their model and tokenizer, the user's data and
    training; flags that would change what the weights fix are refused."""
    from ..core.errors import ConfigError
    from ..core.training.launch import config_for_init

    where = args.init_from
    if args.prepared:
        raise ConfigError(
            f"--init-from {where}: the data is encoded with the tokenizer of the weights; leave out --prepared"
        )
    if args.preset:
        raise ConfigError(f"--init-from {where}: the weights fix the model; leave out --preset")
    flags = given_flags(args, ("tokenizer",))
    if flags:
        raise ConfigError(
            f"--init-from {where}: the tokenizer comes with the weights (it fixes the vocabulary); leave out "
            f"{', '.join(flags)}"
        )
    return config_for_init(config, Path(where), given(args, "model"))


class _stop_on_signals:
    """Turn the first Ctrl+C / SIGTERM into a cooperative stop; a second Ctrl+C interrupts at once."""

    def __init__(self, control) -> None:
        self.control = control
        self.previous = {}

    def _handle(self, signum, frame) -> None:
        if self.control.stop_requested:
            raise KeyboardInterrupt
        rank = os.environ.get("RANK", "") if os.environ.get("WORLD_SIZE", "1") != "1" else ""
        who = f"rank {rank}: " if rank else ""
        print(f"\n{who}stopping at the next step; saving a checkpoint (Ctrl+C again to abort)", file=sys.stderr)
        self.control.stop()

    def __enter__(self):
        for sig in (signal.SIGINT, getattr(signal, "SIGTERM", None)):
            if sig is not None:
                self.previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)


def _consume(trainer, quiet: bool, silent: bool = False) -> int:
    """Print the run's events (``silent``: none; ranks other than 0 of several processes) and return the exit
    status: 0 finished, 130 stopped (a checkpoint saved), 1 failed."""
    from ..core.devices import describe_device
    from ..core.training.events import (
        CheckpointEvent,
        EvalEvent,
        FinishedEvent,
        LogEvent,
        SampleEvent,
        StepEvent,
        TranslationEvent,
    )

    if silent:
        code = 0
        for event in trainer.run():
            if isinstance(event, FinishedEvent):
                code = {"finished": 0, "early_stopped": 0, "stopped": EXIT_INTERRUPTED}.get(event.status, EXIT_FAILED)
                if event.status == "failed" and ("lost contact" in event.message or "out of memory" in event.message):
                    print(f"lmstudio: error: {event.message}", file=sys.stderr)
        return code
    total = trainer.cfg.steps
    n_params = sum(p.numel() for p in trainer.model.parameters())
    print(
        f"training {trainer.config.model.arch}, {n_params:,} parameters, on {_where(trainer, describe_device)}, "
        f"into {trainer.run_dir}",
        file=sys.stderr,
    )
    bar = ProgressBar("training")
    start_step = trainer.step
    code = 0
    for event in trainer.run():
        if isinstance(event, StepEvent):
            done = event.step - start_step
            if not quiet:
                mfu = f" MFU {event.mfu:.0%}" if math.isfinite(event.mfu) else ""
                text = f"step {event.step}/{total} loss {event.loss:.4f} {event.tokens_per_sec:,.0f} tok/s{mfu}"
                budget = trainer.cfg.max_time
                if budget and event.elapsed / budget > done / max(1, total - start_step):
                    # a time budget nearer its end than the steps: the bar counts the seconds
                    bar.update(min(int(event.elapsed), int(budget)), int(budget), f"{text} [{budget:g} s budget]")
                else:
                    bar.update(done, total - start_step, text)
        elif isinstance(event, EvalEvent):
            bar.close()
            print(
                f"step {event.step:>6}: train {event.train_loss:.4f}  val {event.val_loss:.4f}  "
                f"ppl {event.val_perplexity:.2f}  bpc {_bpc(event.bits_per_char)}  "
                f"[{format_duration(event.elapsed)}]"
            )
        elif isinstance(event, TranslationEvent):
            bar.close()
            print(
                f"  BLEU {event.bleu:.2f}  chrF {event.chrf:.2f}  exact {event.exact_match:.1%}  "
                f"({event.pairs:,} validation pairs, greedy)"
            )
            if not quiet:
                for source, reference, output in event.samples[:3]:
                    print(f"    {source[:70]}\n      → {output[:70]}\n      = {reference[:70]}")
        elif isinstance(event, SampleEvent) and not quiet:
            bar.close()
            print("  sample: " + event.text.replace("\n", "\n          ")[:600])
        elif isinstance(event, CheckpointEvent) and not quiet:
            bar.close()
            print(f"  checkpoint saved: {event.path}", file=sys.stderr)
        elif isinstance(event, LogEvent):
            bar.close()
            print(event.message, file=sys.stderr)
        elif isinstance(event, FinishedEvent):
            bar.close()
            best = (
                f"; best val loss {event.best_val_loss:.4f}"
                if event.best_val_loss is not None and math.isfinite(event.best_val_loss)
                else ""
            )
            stream = sys.stdout if event.status in ("finished", "early_stopped") else sys.stderr
            prefix = "lmstudio: error: " if event.status == "failed" else ""
            print(f"{prefix}{event.message}{best}", file=stream)
            code = {"finished": 0, "early_stopped": 0, "stopped": EXIT_INTERRUPTED}.get(event.status, EXIT_FAILED)
    return code


def _where(trainer, describe_device) -> str:
    dist = trainer.dist
    if dist is None:
        return describe_device(trainer.device)
    kind = "CUDA GPUs" if trainer.device.type == "cuda" else "CPU processes"
    return f"{dist.world_size} {kind} (DistributedDataParallel, {dist.backend})"


def _bpc(value: float) -> str:
    """Bits per character, or ``n/a`` where the tokenizer emitted ``<unk>`` and the figure would mislead."""
    return "n/a" if value != value else f"{value:.3f}"
