"""Training benchmarks on nanoGPT's own protocol: throughput, quality at equal time, and an LSTM baseline.

    python benchmarks/bench_training.py throughput [--steps 200] [--reps 3]
    python benchmarks/bench_training.py nanogpt [--variants preset] [--ref-iters 2000] [--reps 1]
    python benchmarks/bench_training.py tune --variants a,b,... [--steps 2000]
    python benchmarks/bench_training.py lstm [--seconds 300]

``throughput``: nanoGPT's own training loop (``benchmarks/nanogpt_ref.py``) against lmstudio's Trainer on
the same model size (the baby GPT, 4x128, block 64, batch 12), alternating in one process; both leave
out their first 10 steps (allocation, first kernels) the same way and count training steps only. Tokens
per second, their ratio, and each side's MFU against this machine's measured matmul peak.

``nanogpt``: quality at equal wall-clock time on nanoGPT's split. nanoGPT's loop trains 2000 iterations
on the first 90% of Tiny Shakespeare; lmstudio (its defaults, or a variant) trains on the same first 90%
with ``--max-time`` = the time nanoGPT's training iterations took. Both are scored on the contiguous last
10% (nanoGPT's val, which no lmstudio setting was tuned on: a test split here) by the same estimator:
every non-overlapping 64-character window, each from an empty context (the expectation of nanoGPT's
random-window estimate, without its noise); lmstudio's figure from ``lmstudio eval --text`` (windows
sliding by half a window) is reported beside it. lmstudio tunes on a validation split of its own carved
out of the first 90% (contiguous blocks, 5%).

``tune``: variants at equal steps, scored on lmstudio's own validation split (never on the last 10%):
how the defaults were chosen.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import nanogpt_ref  # noqa: E402
from benchmarks.common import SHAKESPEARE, write_result  # noqa: E402
from lmstudio.core.config import (  # noqa: E402
    DataConfig,
    ModelConfig,
    TokenizerConfig,
    TrainConfig,
    WorkspaceConfig,
)
from lmstudio.core.dataset.prepare import prepare_cached  # noqa: E402
from lmstudio.core.peak import matmul_peak  # noqa: E402
from lmstudio.core.runs.folders import load_run  # noqa: E402
from lmstudio.core.training.control import TrainingControl  # noqa: E402
from lmstudio.core.training.events import EvalEvent, FinishedEvent, StepEvent  # noqa: E402
from lmstudio.core.training.launch import new_trainer  # noqa: E402

WARMUP_STEPS_EXCLUDED = 10  # both loops leave out their first 10 steps from throughput, the same way

# nanoGPT's baby GPT exactly: learned positions, no biases, tied head, lr 1e-3 -> 1e-4, warm-up 100
BABY = ModelConfig(
    arch="transformer",
    n_layer=4,
    n_head=4,
    d_model=128,
    block_size=64,
    dropout=0.0,
    positions="learned",
    bias=False,
    mlp_ratio=4,
)
BABY_TRAIN = dict(lr=1e-3, min_lr=1e-4, warmup_steps=100, schedule="cosine", optimizer="adamw")


def workspace(model: ModelConfig, corpus: Path = SHAKESPEARE, **train) -> WorkspaceConfig:
    """batch 12, 2000 steps, fixed seed, no samples or interim checkpoints; ``train`` overrides."""
    settings = dict(
        batch_size=12,
        steps=2000,
        eval_interval=250,
        eval_iters=20,
        checkpoint_interval=0,
        sample_tokens=0,
        device="cpu",
        seed=1337,
    )
    settings.update(train)
    return WorkspaceConfig(
        data=DataConfig(corpus=str(corpus), split_mode="blocks", split_fractions=(0.95, 0.05, 0.0)),
        tokenizer=TokenizerConfig(kind="char"),
        model=model,
        train=TrainConfig(**settings),
    )


def default_model() -> ModelConfig:
    """What lmstudio ships: ModelConfig's defaults (the Transformer preset "small")."""
    return ModelConfig(arch="transformer")


def default_train() -> dict:
    """TrainConfig's defaults for the settings a user tunes."""
    d = TrainConfig()
    keys = ("lr", "min_lr", "warmup_steps", "schedule", "warmdown", "optimizer", "muon_momentum", "batch_size")
    return {k: getattr(d, k) for k in keys}


LSTM_SMALL = {"arch": "lstm", "n_layer": 2, "d_model": 256, "block_size": 64, "dropout": 0.0}

# the schedule the equal-time tuning favoured (muon4-b24-wd5-wu20), as a base for shape variants
BEST_SCHEDULE = dict(
    optimizer="muon", lr=4e-3, min_lr=4e-4, schedule="wsd", batch_size=24, warmdown=0.5, warmup_steps=20
)

# -- variants: name -> (model overrides, train overrides) on top of lmstudio's defaults -----------------------
VARIANTS: dict[str, tuple[dict, dict]] = {
    "preset": ({}, {}),
    "baby": ({"positions": "learned"}, BABY_TRAIN),
    "adamw": ({}, {"optimizer": "adamw", "lr": 2e-3, "min_lr": 2e-4, "schedule": "cosine", "warmup_steps": 50}),
    "adamw-wsd": ({}, {"optimizer": "adamw", "lr": 2e-3, "min_lr": 2e-4, "schedule": "wsd", "warmup_steps": 50}),
    "muon2": ({}, {"optimizer": "muon", "lr": 2e-3, "min_lr": 2e-4, "schedule": "cosine", "warmup_steps": 50}),
    "muon4": ({}, {"optimizer": "muon", "lr": 4e-3, "min_lr": 4e-4, "schedule": "cosine", "warmup_steps": 50}),
    "muon4-wsd": ({}, {"optimizer": "muon", "lr": 4e-3, "min_lr": 4e-4, "schedule": "wsd", "warmup_steps": 50}),
    "muon8-wsd": ({}, {"optimizer": "muon", "lr": 8e-3, "min_lr": 8e-4, "schedule": "wsd", "warmup_steps": 50}),
    "muon4-b24": ({}, {"optimizer": "muon", "lr": 4e-3, "min_lr": 4e-4, "schedule": "wsd", "batch_size": 24}),
    "muon8-b24": ({}, {"optimizer": "muon", "lr": 8e-3, "min_lr": 8e-4, "schedule": "wsd", "batch_size": 24}),
    "muon8-b48": ({}, {"optimizer": "muon", "lr": 8e-3, "min_lr": 8e-4, "schedule": "wsd", "batch_size": 48}),
    "muon4-b48": ({}, {"optimizer": "muon", "lr": 4e-3, "min_lr": 4e-4, "schedule": "wsd", "batch_size": 48}),
    "muon4-b24-qk": (
        {"qk_norm": True},
        {"optimizer": "muon", "lr": 4e-3, "min_lr": 4e-4, "schedule": "wsd", "batch_size": 24},
    ),
    "muon4-relu2": ({"mlp_activation": "relu2"}, {"optimizer": "muon", "lr": 4e-3, "min_lr": 4e-4, "schedule": "wsd"}),
    "muon4-relu2-qk": (
        {"mlp_activation": "relu2", "qk_norm": True},
        {"optimizer": "muon", "lr": 4e-3, "min_lr": 4e-4, "schedule": "wsd"},
    ),
    "muon4-b24-wd5": (
        {},
        {"optimizer": "muon", "lr": 4e-3, "min_lr": 4e-4, "schedule": "wsd", "batch_size": 24, "warmdown": 0.5},
    ),
    "muon4-b24-wd5-wu20": (
        {},
        {
            "optimizer": "muon",
            "lr": 4e-3,
            "min_lr": 4e-4,
            "schedule": "wsd",
            "batch_size": 24,
            "warmdown": 0.5,
            "warmup_steps": 20,
        },
    ),
    "muon8-b24-qk-wd5-wu20": ({"qk_norm": True}, {**BEST_SCHEDULE, "lr": 8e-3, "min_lr": 8e-4}),
    "l3-b24-wd5-wu20": ({"n_layer": 3}, BEST_SCHEDULE),
    "mlp3-b24-wd5-wu20": ({"mlp_ratio": 3}, BEST_SCHEDULE),
    "l3-muon8-b24-qk-wd5-wu20": ({"n_layer": 3, "qk_norm": True}, {**BEST_SCHEDULE, "lr": 8e-3, "min_lr": 8e-4}),
    "l6d96-b24-wd5-wu20": ({"n_layer": 6, "d_model": 96}, BEST_SCHEDULE),
    "l3-mlp3-muon8-b24-qk-wd5-wu20": (
        {"n_layer": 3, "mlp_ratio": 3, "qk_norm": True},
        {**BEST_SCHEDULE, "lr": 8e-3, "min_lr": 8e-4},
    ),
    "mlp3-muon8-b24-qk-wd5-wu20": ({"mlp_ratio": 3, "qk_norm": True}, {**BEST_SCHEDULE, "lr": 8e-3, "min_lr": 8e-4}),
    "l2-muon8-b24-qk-wd5-wu20": ({"n_layer": 2, "qk_norm": True}, {**BEST_SCHEDULE, "lr": 8e-3, "min_lr": 8e-4}),
    "l3-mlp3-b24-wd5-wu20": ({"n_layer": 3, "mlp_ratio": 3}, BEST_SCHEDULE),
    "lstm-adamw": (LSTM_SMALL, {"optimizer": "adamw", "lr": 2e-3, "min_lr": 2e-4, "schedule": "cosine"}),
    "lstm-muon4": (LSTM_SMALL, {"optimizer": "muon", "lr": 4e-3, "min_lr": 4e-4, "schedule": "wsd"}),
}


# the shape every named variant starts from: the small preset as it was when tuning began (the baby GPT's
# 4 layers and MLP 4x, with rotary positions), so a variant's name means the same model after the defaults moved
TUNE_BASE = {"n_layer": 4, "mlp_ratio": 4}
TUNE_TRAIN_BASE = {"warmup_steps": 50, "warmdown": 0.3}  # likewise, the schedule's defaults then


def variant_workspace(name: str, corpus: Path, **train) -> WorkspaceConfig:
    """``preset``: lmstudio's defaults as they are; any other name: TUNE_BASE and its overrides."""
    model_over, train_over = VARIANTS[name]
    if name == "preset":
        return workspace(default_model(), corpus, **{**default_train(), **train})
    model = replace(default_model(), **{**TUNE_BASE, **model_over})
    return workspace(model, corpus, **{**default_train(), **TUNE_TRAIN_BASE, **train_over, **train})


def split_files(folder: Path) -> tuple[Path, Path]:
    """nanoGPT's split written as two text files: the first 90% of the characters, the last 10%."""
    train, val = nanogpt_ref.nanogpt_split(SHAKESPEARE)
    a, b = folder / "tinyshakespeare-first90.txt", folder / "tinyshakespeare-last10.txt"
    a.write_text(train, encoding="utf-8")
    b.write_text(val, encoding="utf-8")
    return a, b


# -- throughput ------------------------------------------------------------------------------------------
def trainer_throughput(config: WorkspaceConfig, prepared, steps: int) -> dict:
    """lmstudio's Trainer: tokens per second over its training steps after the first 10, and its MFU."""
    config = replace(config, train=replace(config.train, steps=steps, eval_interval=10**9))
    with tempfile.TemporaryDirectory() as tmp:
        trainer = new_trainer(config, Path(tmp) / "run", prepared=prepared)
        marks = {}
        for event in trainer.run():
            if isinstance(event, StepEvent) and event.step in (WARMUP_STEPS_EXCLUDED, steps):
                marks[event.step] = (event.tokens, event.elapsed)
        (t0, e0), (t1, e1) = marks[WARMUP_STEPS_EXCLUDED], marks[steps]
        tps = (t1 - t0) / (e1 - e0)
        return {"tokens_per_sec": tps, "flops_per_token": trainer.flops_per_token}


def throughput(args) -> None:
    from lmstudio.core.devices import configure_backends, resolve_device, resolve_precision

    torch.set_num_threads(args.threads)
    device = resolve_device(args.device)
    configure_backends(device)
    peak = matmul_peak(device, resolve_precision("auto", device))
    data = nanogpt_ref.CharData.build()
    with tempfile.TemporaryDirectory() as tmp:
        first90, _ = split_files(Path(tmp))
        configs = {
            "baby": workspace(BABY, first90, threads=args.threads, device=args.device, **BABY_TRAIN),
            "preset": variant_workspace("preset", first90, threads=args.threads, device=args.device),
        }
        prepared = {}
        for name, config in configs.items():
            prepared[name] = prepare_cached(config)
            configs[name].model = replace(config.model, vocab_size=prepared[name].tokenizer.vocab_size)
        ref_settings = nanogpt_ref.TrainSettings(
            max_iters=args.steps, lr_decay_iters=args.steps, eval_interval=10**9, eval_iters=1
        )
        rows = []
        for rep in range(args.reps):
            ref = nanogpt_ref.train(ref_settings, data=data, log=lambda *_: None, device=str(device))
            row = {
                "nanogpt": ref["tokens_per_sec"],
                "nanogpt_mfu": ref["flops_per_token"] * ref["tokens_per_sec"] / peak,
            }
            for name, config in configs.items():
                ours = trainer_throughput(config, prepared[name], args.steps)
                row[name] = ours["tokens_per_sec"]
                row[f"{name}_mfu"] = ours["flops_per_token"] * ours["tokens_per_sec"] / peak
                row[f"{name}_ratio"] = ours["tokens_per_sec"] / ref["tokens_per_sec"]
            rows.append(row)
            print(f"rep {rep + 1}: " + ", ".join(f"{k} {v:,.3f}" for k, v in row.items()), flush=True)
    med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    write_result(
        "training_throughput",
        {
            "config": "baby GPT size (4x128, block 64, batch 12), char Tiny Shakespeare first 90%",
            "device": str(device),
            "precision": str(resolve_precision("auto", device)),
            "reference": "nanoGPT's training loop (benchmarks/nanogpt_ref.py), same process, alternating",
            "threads": args.threads,
            "steps": args.steps,
            "steps_excluded_as_warmup": WARMUP_STEPS_EXCLUDED,
            "reps": args.reps,
            "matmul_peak_flops": peak,
            "median": med,
            "runs": rows,
            "targets": "lmstudio / nanoGPT tokens/s >= 1.0; MFU >= 0.5 of the measured matmul peak",
        },
    )


# -- quality -------------------------------------------------------------------------------------------------
def train_lmstudio(config: WorkspaceConfig, control: TrainingControl | None = None, log=print) -> dict:
    """Train ``config`` into a temporary run; return its evaluations, timing and the run folder."""
    tmp = Path(tempfile.mkdtemp(prefix="lmstudio-bench-"))
    run_dir = tmp / "run"
    trainer = new_trainer(config, run_dir, control=control)
    start = time.perf_counter()
    evals = []
    final = None
    last = None
    for event in trainer.run():
        if isinstance(event, EvalEvent):
            evals.append((event.step, round(event.val_loss, 4)))
            log(f"  step {event.step}: own val {event.val_loss:.4f} ({event.elapsed:.0f} s of training)")
        elif isinstance(event, StepEvent):
            last = event
        elif isinstance(event, FinishedEvent):
            final = event
    return {
        "run_dir": run_dir,
        "steps": final.step,
        "finish": final.message,
        "train_seconds": round(last.elapsed, 1),
        "wall_seconds": round(time.perf_counter() - start, 1),
        "tokens_per_sec_last": round(last.tokens_per_sec),
        "mfu_last": round(last.mfu, 3) if math.isfinite(last.mfu) else None,
        "own_val_evals": evals,
        "own_val_final": evals[-1][1],
    }


def score_on_last10(run_dir: Path, last10: Path, block: int = 64) -> dict:
    """The run's last weights on nanoGPT's val text: every non-overlapping ``block`` window (the reference's
    estimator), and ``lmstudio eval --text`` (sliding windows), run as the command itself."""
    run = load_run(run_dir, "last")
    model = run.model.eval()
    ids = run.tokenizer.encode(last10.read_text(encoding="utf-8"))
    import numpy as np

    windows = nanogpt_ref.windows_loss(lambda x: model(x)[0], np.asarray(ids), block)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "lmstudio",
            "eval",
            str(run_dir),
            "--checkpoint",
            "last",
            "--text",
            str(last10),
            "--max-tokens",
            "0",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    (cli,) = json.loads(out.stdout)["results"].values()
    return {"last10_windows": round(windows, 4), "last10_eval_text": cli}


def nanogpt(args) -> None:
    torch.set_num_threads(args.threads)
    data = nanogpt_ref.CharData.build()
    results: dict = {"reference": [], "lmstudio": {}}
    with tempfile.TemporaryDirectory() as tmp:
        first90, last10 = split_files(Path(tmp))
        for _ in range(args.reps):
            print(f"nanoGPT reference, {args.ref_iters} iterations", flush=True)
            ref = nanogpt_ref.train(
                nanogpt_ref.TrainSettings(max_iters=args.ref_iters, lr_decay_iters=args.ref_iters), data=data
            )
            ref.pop("model")
            ref["val_all_windows"] = round(ref["val_all_windows"], 4)
            results["reference"].append(ref)
            budget = ref["all_train_seconds"]
            print(
                f"  val (20 batches) {ref['final']['val']}, all windows {ref['val_all_windows']}, "
                f"{budget:.1f} s of training iterations",
                flush=True,
            )
            for name in args.variants.split(","):
                print(f"lmstudio {name}, --max-time {budget:.1f}", flush=True)
                config = variant_workspace(
                    name, first90, steps=10**6, max_time=budget, threads=args.threads, eval_interval=args.eval_interval
                )
                result = train_lmstudio(config)
                result.update(score_on_last10(result.pop("run_dir"), last10))
                print(
                    f"  -> {result['steps']} steps, last 10% windows {result['last10_windows']}, "
                    f"eval --text {result['last10_eval_text']['loss']:.4f}",
                    flush=True,
                )
                results["lmstudio"].setdefault(name, []).append(result)
    write_result(
        "training_nanogpt_protocol",
        {
            "protocol": "train on the first 90% of Tiny Shakespeare (characters), score on the last 10%; lmstudio "
            "gets --max-time = the reference's training-iteration seconds; one process, reference first",
            "threads": args.threads,
            "ref_iters": args.ref_iters,
            "variants": {k: VARIANTS[k] for k in args.variants.split(",")},
            "defaults": {"model": default_model().__dict__, "train": default_train()},
            **results,
        },
    )


def tune(args) -> None:
    """Variants at equal steps on lmstudio's own validation split of the first 90% (never the last 10%)."""
    torch.set_num_threads(args.threads)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        first90, _ = split_files(Path(tmp))
        for name in args.variants.split(","):
            print(f"variant {name}", flush=True)
            budget = {"steps": 10**6, "max_time": args.max_time} if args.max_time else {"steps": args.steps}
            config = variant_workspace(name, first90, threads=args.threads, **budget)
            result = train_lmstudio(config)
            result.pop("run_dir")
            results[name] = result
            print(f"  -> own val {result['own_val_final']} in {result['train_seconds']} s", flush=True)
    write_result(
        "training_tune",
        {
            "budget": f"{args.max_time} s of training (--max-time)" if args.max_time else f"{args.steps} steps",
            "scored_on": "lmstudio's own validation split of the first 90% (5%, contiguous blocks); never the last 10%",
            "threads": args.threads,
            "variants": {name: {"settings": VARIANTS[name], **r} for name, r in results.items()},
        },
    )


def lstm(args) -> None:
    torch.set_num_threads(args.threads)
    model = ModelConfig(arch="lstm", n_layer=2, d_model=256, block_size=64, dropout=0.0)
    config = workspace(
        model,
        steps=10**7,
        lr=2e-3,
        min_lr=2e-3,
        schedule="constant",
        warmup_steps=50,
        eval_interval=500,
        max_time=args.seconds,
        threads=args.threads,
    )
    result = train_lmstudio(config)
    result.pop("run_dir")
    write_result(
        "lstm_5min",
        {
            "config": "LSTM 2x256, char Tiny Shakespeare (lmstudio's own blocks split), block 64, batch 12, "
            "lr 2e-3, --max-time",
            "seconds": args.seconds,
            "threads": args.threads,
            **result,
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    t = sub.add_parser("throughput")
    t.add_argument("--steps", type=int, default=200)
    t.add_argument("--reps", type=int, default=3)
    t.add_argument("--device", default="cpu", help="cpu, cuda, mps or auto (both loops run there)")
    q = sub.add_parser("nanogpt")
    q.add_argument("--variants", default="preset")
    q.add_argument("--ref-iters", type=int, default=2000)
    q.add_argument("--reps", type=int, default=1)
    q.add_argument("--eval-interval", type=int, default=500)
    tu = sub.add_parser("tune")
    tu.add_argument("--variants", default="adamw,muon2,muon4")
    tu.add_argument("--steps", type=int, default=2000)
    tu.add_argument("--max-time", type=float, default=0.0, help="a time budget per variant instead of --steps")
    lm = sub.add_parser("lstm")
    lm.add_argument("--seconds", type=float, default=300)
    for p in (t, q, tu, lm):
        p.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args()
    {"throughput": throughput, "nanogpt": nanogpt, "tune": tune, "lstm": lstm}[args.mode](args)


if __name__ == "__main__":
    main()
