"""Training benchmarks: throughput against a bare PyTorch loop, quality on Tiny Shakespeare, LSTM baseline.

    python benchmarks/bench_training.py throughput [--steps 150] [--reps 3]
    python benchmarks/bench_training.py quality [--variants baby,tuned] [--steps 2000]
    python benchmarks/bench_training.py lstm [--seconds 300]

Throughput runs both loops in the same process, alternating, and reports the median ratio
(lmstudio's Trainer / bare loop), so machine noise hits both alike.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import SHAKESPEARE, write_result  # noqa: E402
from lmstudio.core.config import (  # noqa: E402
    DataConfig,
    ModelConfig,
    TokenizerConfig,
    TrainConfig,
    WorkspaceConfig,
)
from lmstudio.core.dataset.prepare import prepare_cached  # noqa: E402
from lmstudio.core.dataset.tokens import BatchSampler  # noqa: E402
from lmstudio.core.devices import make_adamw  # noqa: E402
from lmstudio.core.models import build_model  # noqa: E402
from lmstudio.core.training.control import TrainingControl  # noqa: E402
from lmstudio.core.training.events import EvalEvent, FinishedEvent, StepEvent
from lmstudio.core.training.launch import new_trainer  # noqa: E402

# nanoGPT's baby GPT exactly: learned positions, no biases (its train.py default), lr 1e-3 (below)
BABY = ModelConfig(
    arch="transformer", n_layer=4, n_head=4, d_model=128, block_size=64, dropout=0.0, positions="learned", bias=False
)


def workspace(model: ModelConfig, **train) -> WorkspaceConfig:
    settings = dict(
        batch_size=12,
        steps=2000,
        lr=1e-3,
        min_lr=1e-4,
        warmup_steps=100,
        eval_interval=250,
        eval_iters=20,
        checkpoint_interval=0,
        sample_tokens=0,
        device="cpu",
        seed=1337,
    )
    settings.update(train)
    return WorkspaceConfig(
        data=DataConfig(corpus=str(SHAKESPEARE)),
        tokenizer=TokenizerConfig(kind="char"),
        model=model,
        train=TrainConfig(**settings),
    )


def bare_loop(config: WorkspaceConfig, store, steps: int) -> float:
    """nanoGPT's loop body with the same model and sampler: tokens per second."""
    cfg = config.train
    torch.manual_seed(cfg.seed)
    model = build_model(replace(config.model, vocab_size=config.model.vocab_size))
    model.train()
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = make_adamw(
        [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
        cfg.lr,
        (cfg.beta1, cfg.beta2),
        torch.device("cpu"),
    )
    sampler = BatchSampler(store.split("train"), config.model.block_size, cfg.batch_size, cfg.seed)
    start = time.perf_counter()
    for _ in range(steps):
        x, y = sampler.next()
        _, loss = model(x, y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
        opt.step()
        opt.zero_grad(set_to_none=True)
        loss.item()
    elapsed = time.perf_counter() - start
    return steps * cfg.batch_size * config.model.block_size / elapsed


def trainer_loop(config: WorkspaceConfig, prepared, steps: int) -> float:
    config = replace(config, train=replace(config.train, steps=steps, eval_interval=10**9))
    with tempfile.TemporaryDirectory() as tmp:
        trainer = new_trainer(config, Path(tmp) / "run", prepared=prepared)
        start = end = None
        for event in trainer.run():
            if isinstance(event, StepEvent):
                # like the bare loop: the step-0 and final evaluations and the final save are not
                # training throughput, so time from the end of step 1 to the end of the last step
                end = time.perf_counter()
                if event.step == 1:
                    start = end
        elapsed = end - start
    return (steps - 1) * config.train.batch_size * config.model.block_size / elapsed


def throughput(args) -> None:
    torch.set_num_threads(args.threads)
    config = workspace(BABY, threads=args.threads)
    prepared = prepare_cached(config)
    config.model = replace(config.model, vocab_size=prepared.tokenizer.vocab_size)
    ratios, bare, ours = [], [], []
    bare_loop(config, prepared.store, 20)  # warm up allocator and kernels
    for _ in range(args.reps):
        b = bare_loop(config, prepared.store, args.steps)
        o = trainer_loop(config, prepared, args.steps + 1)
        bare.append(b)
        ours.append(o)
        ratios.append(o / b)
        print(f"bare {b:,.0f} tok/s   lmstudio {o:,.0f} tok/s   ratio {o / b:.3f}", flush=True)
    write_result(
        "training_throughput",
        {
            "config": "baby GPT (4x128, block 64, batch 12), char Tiny Shakespeare, CPU",
            "threads": args.threads,
            "steps": args.steps,
            "reps": args.reps,
            "bare_tokens_per_sec": statistics.median(bare),
            "lmstudio_tokens_per_sec": statistics.median(ours),
            "ratio_median": statistics.median(ratios),
            "ratios": ratios,
            "target": ">= 0.97",
        },
    )


def train_variant(config: WorkspaceConfig, seconds: float | None = None) -> dict:
    control = TrainingControl()
    with tempfile.TemporaryDirectory() as tmp:
        trainer = new_trainer(config, Path(tmp) / "run", control=control)
        if seconds:
            timer = threading.Timer(seconds, control.stop)
            timer.start()
        start = time.perf_counter()
        evals = []
        for event in trainer.run():
            if isinstance(event, EvalEvent):
                evals.append((event.step, round(event.val_loss, 4)))
                print(
                    f"  step {event.step}: val {event.val_loss:.4f} ({time.perf_counter() - start:.0f} s)", flush=True
                )
            if isinstance(event, FinishedEvent):
                final_step = event.step
        wall = time.perf_counter() - start
        if seconds:
            timer.cancel()
        val = trainer.estimate_loss(trainer.val_data, config.train.seed + 2)
    return {"val_loss": round(val, 4), "steps": final_step, "wall_seconds": round(wall, 1), "evals": evals}


VARIANTS = {
    # nanoGPT's published CPU "baby GPT": 4 layers, 4 heads, 128 wide, block 64, batch 12, 2000 steps, lr 1e-3
    "baby": lambda steps: workspace(BABY, steps=steps),
    # what lmstudio ships: the transformer "small" preset (rotary, no biases) with TrainConfig's defaults
    "preset": lambda steps: _preset_workspace(steps),
    "rope3": lambda steps: workspace(
        replace(BABY, positions="rotary", bias=False), steps=steps, lr=3e-3, min_lr=3e-4, warmup_steps=50
    ),
    "lr2": lambda steps: workspace(BABY, steps=steps, lr=2e-3, min_lr=2e-4, warmup_steps=50),
}


def _preset_workspace(steps: int) -> WorkspaceConfig:
    from lmstudio.core.models.presets import apply_preset

    defaults = TrainConfig()
    return workspace(
        apply_preset(ModelConfig(arch="transformer"), "small"),
        steps=steps,
        lr=defaults.lr,
        min_lr=defaults.min_lr,
        warmup_steps=defaults.warmup_steps,
    )


def quality(args) -> None:
    torch.set_num_threads(args.threads)
    results = {}
    for name in args.variants.split(","):
        print(f"variant {name}", flush=True)
        results[name] = train_variant(VARIANTS[name](args.steps))
        print(f"  -> {results[name]}", flush=True)
    write_result(
        "training_quality",
        {
            "steps": args.steps,
            "threads": args.threads,
            "variants": results,
            "reference": "nanoGPT baby GPT on CPU: val loss 1.88 at 2000 steps",
        },
    )


def lstm(args) -> None:
    torch.set_num_threads(args.threads)
    model = ModelConfig(arch="lstm", n_layer=2, d_model=256, block_size=64, dropout=0.0)
    config = workspace(
        model, steps=10**7, lr=2e-3, min_lr=2e-3, schedule="constant", warmup_steps=50, eval_interval=500
    )
    result = train_variant(config, seconds=args.seconds)
    write_result(
        "lstm_5min",
        {
            "config": "LSTM 2x256, char Tiny Shakespeare, block 64, batch 12, lr 2e-3",
            "seconds": args.seconds,
            "threads": args.threads,
            **result,
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    t = sub.add_parser("throughput")
    t.add_argument("--steps", type=int, default=150)
    t.add_argument("--reps", type=int, default=3)
    q = sub.add_parser("quality")
    q.add_argument("--variants", default="baby,preset")
    q.add_argument("--steps", type=int, default=2000)
    lm = sub.add_parser("lstm")
    lm.add_argument("--seconds", type=float, default=300)
    for p in (t, q, lm):
        p.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args()
    {"throughput": throughput, "quality": quality, "lstm": lstm}[args.mode](args)


if __name__ == "__main__":
    main()
