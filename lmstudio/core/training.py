"""The training loop as a generator of events. It knows no Qt and no architecture.

``Trainer.run()`` yields plain dataclasses (step metrics, evaluations, samples, checkpoints, the end);
the CLI prints them, the GUI's worker forwards them across threads. Pause, resume, stop, single step
and learning-rate changes arrive through a thread-safe :class:`TrainingControl` checked once per step.
The loop body has a fixed order: lr from a pure schedule, forward, backward, clip (keep the norm),
step, zero grads, time.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import torch

from . import checkpoint as ckpt
from .config import SampleConfig, WorkspaceConfig
from .devices import autocast, default_threads, make_adamw, resolve_device, resolve_precision
from .errors import TrainingError
from .metrics_log import MetricsLog
from .schedule import lr_at
from .tokens import BatchSampler, TokenStore


# ---------------------------------------------------------------- events (plain data, safe across threads)

@dataclass
class StepEvent:
    step: int
    tokens: int
    elapsed: float
    loss: float
    lr: float
    grad_norm: float
    tokens_per_sec: float


@dataclass
class EvalEvent:
    step: int
    tokens: int
    elapsed: float
    train_loss: float
    val_loss: float
    val_perplexity: float
    bits_per_char: float
    improved: bool


@dataclass
class SampleEvent:
    step: int
    text: str


@dataclass
class CheckpointEvent:
    step: int
    path: str
    best: bool


@dataclass
class LrChangedEvent:
    step: int
    lr: float


@dataclass
class LogEvent:
    message: str


@dataclass
class FinishedEvent:
    status: str  # "finished", "stopped", "early_stopped" or "failed"
    step: int
    message: str
    best_val_loss: float | None


# ---------------------------------------------------------------- control

class TrainingControl:
    """Thread-safe flags the loop checks once per step: pause, resume, stop, single step, new lr."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._paused = False
        self._stop = False
        self._single_steps = 0
        self._new_lr: float | None = None

    def pause(self) -> None:
        with self._cond:
            self._paused = True

    def resume(self) -> None:
        with self._cond:
            self._paused = False
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()

    def step_once(self) -> None:
        """While paused, let exactly one more optimizer step run."""
        with self._cond:
            self._single_steps += 1
            self._cond.notify_all()

    def set_lr(self, lr: float) -> None:
        """Change the peak learning rate from the next step on (the schedule keeps its shape)."""
        if not (lr > 0 and math.isfinite(lr)):
            raise ValueError("learning rate must be a positive number")
        with self._cond:
            self._new_lr = lr

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def stop_requested(self) -> bool:
        return self._stop

    def wait_turn(self) -> bool:
        """Block while paused (unless a single step is granted). Return False when a stop is requested."""
        with self._cond:
            while self._paused and not self._stop and self._single_steps == 0:
                self._cond.wait(0.2)
            if self._single_steps and self._paused:
                self._single_steps -= 1
            return not self._stop

    def take_lr(self) -> float | None:
        with self._cond:
            lr, self._new_lr = self._new_lr, None
            return lr


# ---------------------------------------------------------------- trainer

class Trainer:
    """Train ``model`` on the splits of ``store`` into ``run_dir``, as a generator of events.

    ``chars_per_token`` (of the validation split) turns loss into bits per character.
    ``resume`` is a training state read by :func:`checkpoint.load_training_state`, whose weights were
    already loaded into ``model``.
    """

    def __init__(
        self,
        config: WorkspaceConfig,
        model: torch.nn.Module,
        store: TokenStore,
        run_dir: Path,
        *,
        tokenizer: Any = None,
        chars_per_token: float = 1.0,
        control: TrainingControl | None = None,
        interactive: bool = False,
        resume: dict[str, Any] | None = None,
    ) -> None:
        self.config = config
        self.cfg = config.train
        self.run_dir = Path(run_dir)
        self.tokenizer = tokenizer
        self.chars_per_token = chars_per_token
        self.control = control or TrainingControl()
        self.device = resolve_device(self.cfg.device)
        self.dtype = resolve_precision(self.cfg.precision, self.device)
        torch.set_num_threads(self.cfg.threads or default_threads(interactive))
        self.model = model.to(self.device)
        self.block_size = config.model.block_size
        self.train_sampler = BatchSampler(store.split("train"), self.block_size, self.cfg.batch_size, self.cfg.seed, self.device, name="train")
        self.train_data = store.split("train")
        self.val_data = store.split("val")
        BatchSampler(self.val_data, self.block_size, 1, 0, name="val")  # raises DataError naming a too-short val split
        self.peak_lr = self.cfg.lr
        self.optimizer = make_adamw(self._param_groups(), self.cfg.lr, (self.cfg.beta1, self.cfg.beta2), self.device)
        self.scaler = torch.amp.GradScaler(self.device.type, enabled=self.dtype == torch.float16)
        self.forward = torch.compile(self.model) if self.cfg.compile else self.model
        self.step = 0
        self.tokens = 0
        self.elapsed = 0.0
        self.best_val_loss: float | None = None
        self.best_step: int | None = None
        self.best_weights: dict[str, torch.Tensor] | None = None
        self.best_on_disk = False
        self.bad_evals = 0
        self.last_val_loss: float | None = None
        self.run_lock = None  # set by runs.py: the run folder's lock, released when run() ends
        if resume is not None:
            self._load_state(resume)

    # -- setup
    def _param_groups(self) -> list[dict[str, Any]]:
        """Weight decay on matrices only: not on biases, norms or (for nanoGPT parity) 1-D tensors."""
        decay, no_decay = [], []
        for p in self.model.parameters():
            if p.requires_grad:
                (decay if p.dim() >= 2 else no_decay).append(p)
        return [{"params": decay, "weight_decay": self.cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]

    def training_state(self) -> dict[str, Any]:
        state = {
            "step": self.step,
            "tokens": self.tokens,
            "elapsed": self.elapsed,
            "peak_lr": self.peak_lr,
            "optimizer": self.optimizer.state_dict(),
            "scaler": self.scaler.state_dict(),
            "sampler": self.train_sampler.state_dict(),
            "torch_rng": torch.get_rng_state(),
            "best_val_loss": self.best_val_loss,
            "best_step": self.best_step,
            "bad_evals": self.bad_evals,
        }
        if self.device.type == "cuda":
            state["cuda_rng"] = torch.cuda.get_rng_state_all()
        return state

    def _load_state(self, state: dict[str, Any]) -> None:
        try:
            self.optimizer.load_state_dict(state["optimizer"])
            if state.get("scaler"):
                self.scaler.load_state_dict(state["scaler"])
            self.train_sampler.load_state_dict(state["sampler"])
            torch.set_rng_state(state["torch_rng"])
            if self.device.type == "cuda" and "cuda_rng" in state:
                torch.cuda.set_rng_state_all(state["cuda_rng"])
        except (KeyError, ValueError, RuntimeError, TypeError) as exc:
            raise TrainingError(f"training state does not match this run ({exc}); start a new run instead of resuming") from None
        self.step, self.tokens, self.elapsed = int(state["step"]), int(state["tokens"]), float(state["elapsed"])
        self.peak_lr = float(state.get("peak_lr", self.cfg.lr))
        self.best_val_loss, self.best_step = state.get("best_val_loss"), state.get("best_step")
        self.bad_evals = int(state.get("bad_evals", 0))
        self.best_on_disk = self.best_step is not None

    # -- the loop
    def run(self) -> Iterator[Any]:
        cfg = self.cfg
        metrics = MetricsLog(self.run_dir, truncate_after=self.step)
        tokens_per_step = cfg.batch_size * self.block_size * cfg.grad_accum
        self.model.train()
        try:
            if self.step == 0:
                yield from self._evaluate(metrics)
            # throughput over the last ~2 s of training steps only: evaluations and saves are not
            # steps, and counting them would dip the curve at every evaluation
            window_time, window_tokens = 0.0, 0
            while self.step < cfg.steps:
                if not self.control.wait_turn():
                    yield from self._save(metrics, reason="stop")
                    yield FinishedEvent("stopped", self.step, f"stopped at step {self.step}; checkpoint saved", self.best_val_loss)
                    return
                new_lr = self.control.take_lr()
                if new_lr is not None:
                    self.peak_lr = new_lr
                    yield LrChangedEvent(self.step, new_lr)
                    yield LogEvent(f"learning rate set to {new_lr:g} at step {self.step}")
                t0 = time.perf_counter()
                lr = lr_at(self.step, peak=self.peak_lr, floor=cfg.min_lr * self.peak_lr / cfg.lr, warmup=cfg.warmup_steps,
                           total=cfg.steps, schedule=cfg.schedule)
                for group in self.optimizer.param_groups:
                    group["lr"] = lr
                loss_sum = 0.0
                for _ in range(cfg.grad_accum):
                    x, y = self.train_sampler.next()
                    with autocast(self.device, self.dtype):
                        _, loss = self.forward(x, y)
                    loss = loss / cfg.grad_accum
                    self.scaler.scale(loss).backward()
                    loss_sum += loss.item()
                if not math.isfinite(loss_sum):
                    yield FinishedEvent(
                        "failed", self.step + 1,
                        f"loss became {loss_sum} at step {self.step + 1}; stopped without saving it "
                        f"(last good checkpoint kept); lower the learning rate or use fp32",
                        self.best_val_loss,
                    )
                    return
                if cfg.grad_clip > 0:
                    self.scaler.unscale_(self.optimizer)
                    grad_norm = float(torch.nn.utils.clip_grad_norm_(self.model.parameters(), cfg.grad_clip))
                else:
                    grad_norm = float("nan")
                self.scaler.step(self.optimizer)
                self.scaler.update()
                self.optimizer.zero_grad(set_to_none=True)
                self.step += 1
                self.tokens += tokens_per_step
                now = time.perf_counter()
                self.elapsed += now - t0
                window_tokens += tokens_per_step
                window_time += now - t0
                tps = window_tokens / max(window_time, 1e-9)
                if window_time > 2.0:
                    window_time, window_tokens = 0.0, 0
                metrics.write(step=self.step, tokens=self.tokens, elapsed=self.elapsed, train_loss=loss_sum,
                              lr=lr, grad_norm=grad_norm, tokens_per_sec=tps)
                yield StepEvent(self.step, self.tokens, self.elapsed, loss_sum, lr, grad_norm, tps)
                if self.step % cfg.eval_interval == 0 or self.step == cfg.steps:
                    yield from self._evaluate(metrics)
                    if cfg.patience and self.bad_evals >= cfg.patience:
                        self._restore_best()
                        yield LogEvent(f"early stopping at step {self.step}: no improvement in {cfg.patience} "
                                       f"evaluations; best weights (step {self.best_step}) restored")
                        yield from self._save(metrics, reason="end")
                        yield FinishedEvent("early_stopped", self.step, f"early stopped at step {self.step}", self.best_val_loss)
                        return
                if self.step < cfg.steps and cfg.checkpoint_interval and self.step % cfg.checkpoint_interval == 0:
                    yield from self._save(metrics, reason="interval")
            yield from self._save(metrics, reason="end")
            yield FinishedEvent("finished", self.step, f"finished {self.step} steps", self.best_val_loss)
        except torch.OutOfMemoryError:
            yield FinishedEvent("failed", self.step, f"out of memory on {self.device} at step {self.step}; "
                                "lower the batch size or the block size", self.best_val_loss)
        finally:
            metrics.close()
            if self.run_lock is not None:
                self.run_lock.release()

    # -- evaluation
    @torch.inference_mode()
    def estimate_loss(self, data, seed: int) -> float:
        sampler = BatchSampler(data, self.block_size, self.cfg.batch_size, seed, self.device)
        was_training = self.model.training
        self.model.eval()
        total = 0.0
        for _ in range(self.cfg.eval_iters):
            x, y = sampler.next()
            with autocast(self.device, self.dtype):
                _, loss = self.model(x, y)
            total += loss.item()
        self.model.train(was_training)
        return total / self.cfg.eval_iters

    def _evaluate(self, metrics: MetricsLog) -> Iterator[Any]:
        # fixed seeds: every evaluation sees the same batches, so curves compare like with like
        train_loss = self.estimate_loss(self.train_data, self.cfg.seed + 1)
        val_loss = self.estimate_loss(self.val_data, self.cfg.seed + 2)
        improved = self.best_val_loss is None or val_loss < self.best_val_loss
        if improved:
            self.best_val_loss, self.best_step, self.bad_evals = val_loss, self.step, 0
            self.best_weights = {k: v.detach().to("cpu", copy=True) for k, v in self.model.state_dict().items()}
            self.best_on_disk = False
        else:
            self.bad_evals += 1
        self.last_val_loss = val_loss
        ppl = math.exp(min(val_loss, 50.0))
        bpc = val_loss / math.log(2) / max(self.chars_per_token, 1e-9)
        metrics.write(step=self.step, tokens=self.tokens, elapsed=self.elapsed, val_loss=val_loss,
                      val_perplexity=ppl, bits_per_char=bpc, eval_train_loss=train_loss)
        yield EvalEvent(self.step, self.tokens, self.elapsed, train_loss, val_loss, ppl, bpc, improved)
        if self.cfg.sample_tokens and self.tokenizer is not None:
            text = self.sample_text()
            ckpt.append_sample(self.run_dir, self.step, text)
            yield SampleEvent(self.step, text)

    def sample_text(self) -> str:
        from .generation import generate

        cfg = SampleConfig(max_new_tokens=self.cfg.sample_tokens, temperature=0.8, top_k=0, seed=self.cfg.seed, alternatives=0)
        was_training = self.model.training
        try:
            return "".join(event.text for event in generate(self.model, self.tokenizer, self.cfg.sample_prompt, cfg, self.device))
        finally:
            self.model.train(was_training)

    def _restore_best(self) -> None:
        if self.best_weights is not None:
            self.model.load_state_dict(self.best_weights)

    # -- checkpoints
    def _save(self, metrics: MetricsLog, reason: str) -> Iterator[Any]:
        weights = self.model.state_dict()
        is_best = self.best_step == self.step and self.best_weights is not None
        info = ckpt.save_checkpoint(self.run_dir, self.step, weights, self.training_state(), self.last_val_loss, best=is_best)
        if is_best:
            self.best_on_disk = True
        elif not self.best_on_disk and self.best_weights is not None:
            ckpt.save_checkpoint(self.run_dir, self.best_step or 0, self.best_weights, None, self.best_val_loss,
                                 best=True, name="best")
            self.best_on_disk = True
        metrics.flush()
        yield CheckpointEvent(self.step, str(info.path), is_best)
