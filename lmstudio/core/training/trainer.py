"""The training loop as a generator of events. It knows no Qt and no architecture.

``Trainer.run()`` yields plain dataclasses (step metrics, evaluations, samples, checkpoints, the end);
the CLI prints them, the GUI's worker forwards them across threads. Pause, resume, stop, single step
and learning-rate changes arrive through a thread-safe :class:`TrainingControl` checked once per step.
The loop body has a fixed order: lr from a pure schedule, forward, backward, clip (keep the norm),
step, zero grads, time.

What the checkpoints hold: a ``step-N`` folder always holds step N's own weights, optimizer state
and validation loss; the best weights so far live in the checkpoint the index calls ``best`` (a
step folder, or a ``best`` folder written from the copy kept in memory). Early stopping saves
step N as it is, then loads the best weights into the model (from memory, or after a resume
from the ``best`` checkpoint on disk) and says which it did.

Faults end the run with ``FinishedEvent("failed", ...)`` and a message saying what happened, which
checkpoint is kept and what to do, never with a traceback: a non-finite loss, a non-finite gradient
norm (checked where clipping computes it, before the optimizer step), non-finite weights (checked
before every evaluation and every save, so no NaN checkpoint is ever written), running out of
memory on the GPU or the CPU, a failed write (disk full) and any other user-facing error.
"""

from __future__ import annotations

import contextlib
import math
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import torch

from ..config import SampleConfig, WorkspaceConfig
from ..dataset.tokens import BatchSampler, TokenStore
from ..devices import (
    autocast,
    compile_wins,
    configure_backends,
    default_threads,
    is_out_of_memory,
    resolve_device,
    resolve_precision,
)
from ..errors import ConfigError, DataError, LMStudioError, TrainingError
from ..inference.metrics import bits_per_char, count_unknown, perplexity, unknown_token_note
from ..models.stats import flops_per_token
from ..peak import cached_peak, matmul_peak, mfu, peak_key
from ..runs import checkpoint as ckpt
from .control import TrainingControl
from .distributed import Distributed, OtherRankFailed, is_collective_failure, lost_contact
from .events import (
    CheckpointEvent,
    EvalEvent,
    FinishedEvent,
    LogEvent,
    LrChangedEvent,
    ProbeEvent,
    SampleEvent,
    StepEvent,
)
from .metrics_log import MetricsLog
from .optim import build_optimizers
from .schedule import lr_at


class NullMetrics:
    """The metrics log of a rank other than 0: rank 0 alone writes the run's files."""

    notice = ""

    def write(self, **values: Any) -> None:
        pass

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


class _Diverged(Exception):
    """Internal: the weights, the gradient or the output stopped being finite (``str`` says which)."""


def max_threads() -> int:
    """The most CPU threads a run may ask for: beyond it the OpenMP runtime may crash outright."""
    return max(64, 4 * (os.cpu_count() or 1))


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
        resume: dict[str, Any] | None = None,
        dist: Distributed | None = None,
    ) -> None:
        self.config = config
        self.dist = dist  # one of several processes (torchrun), or None
        self.is_main = dist is None or dist.is_main
        self.cfg = config.train
        self.run_dir = Path(run_dir)
        self.tokenizer = tokenizer
        self.chars_per_token = chars_per_token
        self.control = control or TrainingControl()
        self.device = dist.device if dist is not None else resolve_device(self.cfg.device)
        self.dtype = resolve_precision(self.cfg.precision, self.device, config.model.arch)
        if self.cfg.threads > max_threads():
            raise ConfigError(
                f"train.threads: {self.cfg.threads} threads is more than this computer can run "
                f"({os.cpu_count() or 1} CPU cores); use 0 (automatic) or at most {max_threads()}"
            )
        # this thread's owner: the trainer; processes sharing this computer's CPU share its cores
        share = dist.local_world_size if dist is not None and self.device.type == "cpu" else 1
        torch.set_num_threads(self.cfg.threads or max(1, default_threads() // share))
        self.model = model.to(self.device)
        self.block_size = config.model.block_size
        self.forward_kwargs: dict[str, Any] = {}  # extra arguments of every training forward
        self._setup_data(store)
        self.peak_lr = self.cfg.lr
        # AdamW for everything, or AdamW for embeddings/head/norms and Muon for the hidden matrices
        self.optimizers = build_optimizers(self.model, self.cfg, self.device)
        self.optimizer = self.optimizers[0]
        self.flops_per_token = flops_per_token(config.model, encoder_decoder=config.data.task == "translate")
        self.matmul_peak: float | None = None  # measured (or read from the cache) when run() starts
        self.scaler = torch.amp.GradScaler(self.device.type, enabled=self.dtype == torch.float16)
        configure_backends(self.device)  # TF32 matmuls on CUDA
        self.compiled = self.cfg.compile == "on" or (self.cfg.compile == "auto" and compile_wins(self.device))
        # the training forward: the model, wrapped in DistributedDataParallel when run() starts (a collective:
        # every rank must have built its trainer), compiled where that wins
        self.ddp: Any = None
        self.forward = torch.compile(self.model) if self.compiled else self.model
        self.step = 0
        self.tokens = 0
        self.elapsed = 0.0
        self.best_val_loss: float | None = None
        self.best_step: int | None = None
        self.best_weights: dict[str, torch.Tensor] | None = None
        self.best_on_disk = False
        self.bad_evals = 0
        self.last_val_loss: float | None = None
        self.last_saved_step: int | None = None  # the newest checkpoint written (or resumed from)
        # steps between reads of the loss from the device: every step on a CPU (free there), every 10 on a GPU
        self.sync_every = 1 if self.device.type == "cpu" else 10
        self.run_lock = None  # set by runs.py: the run folder's lock, released when run() ends
        self.resume_note = ""  # something a resume could not restore exactly, for the log
        self.probes: Any = None  # the run's probes (inference.probes.Probes), fixed at the first evaluation
        self.prepared_source: Any = None  # the Prepared data (set by launch): the memorization check's index
        self.memorization_index: Any = None  # built (or opened) at the first sample
        self.agreed_elapsed = 0.0  # several processes: the training clock they last agreed on (see clock())
        if dist is not None and not dist.is_main:  # dropout differs between ranks (rank 0 keeps a lone run's)
            torch.manual_seed(self.cfg.seed + 7919 * dist.rank)
        if resume is not None:
            self._load_state(resume)

    # -- setup
    def _setup_data(self, store: Any) -> None:
        """The training batches (``train_sampler``) and the token arrays of the splits; checked before
        anything is written (a split too small for one block is a DataError saying how to fix it)."""
        self.train_data = store.split("train")
        self.val_data = store.split("val")
        for name, data in (("train", self.train_data), ("val", self.val_data)):
            if len(data) < self.block_size + 1:
                raise DataError(self._split_problem(name, len(data)))
        self.train_sampler = BatchSampler(
            self.train_data,
            self.block_size,
            self.cfg.batch_size,
            self.cfg.seed,
            self.device,
            name="train",
            shard=self._shard(),
        )
        # bits per character means something only when the tokenizer encodes the text losslessly
        self.bits_per_char_note = (
            unknown_token_note(count_unknown(self.val_data, self.tokenizer), len(self.val_data))
            if self.tokenizer is not None
            else ""
        )

    def _shard(self) -> tuple[int, int] | None:
        """``(rank, world size)`` for samplers when several processes split each batch, else None."""
        return None if self.dist is None else (self.dist.rank, self.dist.world_size)

    def _next_batch(self) -> tuple[tuple[Any, ...], int, float]:
        """The next training batch as the model's forward arguments, the tokens the whole batch predicts (all
        processes together) and the weight of this process's loss (1.0: its share is an equal one)."""
        x, y = self.train_sampler.next()
        return (x, y), self.cfg.batch_size * self.block_size, 1.0

    def tokens_per_step(self) -> int:
        """Tokens predicted per optimizer step (for a language model exactly; an estimate where batches vary)."""
        return self.cfg.batch_size * self.block_size * self.cfg.grad_accum

    def _split_problem(self, name: str, n: int) -> str:
        """Why split ``name`` with ``n`` tokens cannot give one window of block_size + 1, and the fix."""
        data = self.config.data
        index, label = {"train": (0, "training"), "val": (1, "validation")}[name]
        share = data.split_fractions[index]
        fractions = ", ".join(f"{f:g}" for f in data.split_fractions)
        if n == 0:
            if share == 0:
                return (
                    f"the {label} split is empty because data.split_fractions ({fractions}) gives it 0; "
                    f"give it a share, e.g. 0.9, 0.05, 0.05"
                )
            unit = (
                "line by line"
                if data.split_mode == "lines"
                else f"in blocks of {data.block_lines} lines (data.block_lines)"
            )
            fix = "" if data.split_mode == "lines" else ", or use data.split_mode lines"
            return (
                f"the {label} split is empty: splits are drawn {unit} and none fell to it (share {share:g}), so the "
                f"corpus has too few lines (one very long line, or only a handful); break the text into more "
                f"lines, or raise its share in data.split_fractions (now {fractions}){fix}"
            )
        return (
            f"the {label} split has {n} tokens, but block size {self.block_size} needs at least {self.block_size + 1}: "
            f"lower model.block_size to {max(1, n - 1)} or less, or give the {label} split a larger share in "
            f"data.split_fractions (now {fractions}), or use a larger corpus"
        )

    def training_state(self) -> dict[str, Any]:
        state = {
            "step": self.step,
            "tokens": self.tokens,
            "elapsed": self.elapsed,
            "peak_lr": self.peak_lr,
            "optimizer": self.optimizer.state_dict(),
            **({"muon": self.optimizers[1].state_dict()} if len(self.optimizers) > 1 else {}),
            "scaler": self.scaler.state_dict(),
            "sampler": self.train_sampler.state_dict(),
            "torch_rng": torch.get_rng_state(),
            "best_val_loss": self.best_val_loss,
            "best_step": self.best_step,
            "bad_evals": self.bad_evals,
        }
        if self.device.type == "cuda":
            state["cuda_rng"] = torch.cuda.get_rng_state_all()
        elif self.device.type == "mps":
            state["mps_rng"] = torch.mps.get_rng_state()
        if self.dist is not None:  # a collective: every rank's random state, for an exact resume of each
            mine = {"cpu": torch.get_rng_state()}
            if self.device.type == "cuda":
                mine["cuda"] = torch.cuda.get_rng_state(self.device)
            state["rank_rng"] = self.dist.gather(mine)
        return state

    def _load_state(self, state: dict[str, Any]) -> None:
        try:
            if len(self.optimizers) > 1 and "muon" not in state:
                raise TrainingError("the run was trained with AdamW alone; resume it with train.optimizer adamw")
            if len(self.optimizers) == 1 and "muon" in state:
                raise TrainingError("the run was trained with Muon; resume it with train.optimizer muon")
            self.optimizer.load_state_dict(state["optimizer"])
            if len(self.optimizers) > 1:
                self.optimizers[1].load_state_dict(state["muon"])
            if state.get("scaler"):
                self.scaler.load_state_dict(state["scaler"])
            self.train_sampler.load_state_dict(state["sampler"])
            torch.set_rng_state(state["torch_rng"])
            if self.device.type == "cuda" and "cuda_rng" in state:
                torch.cuda.set_rng_state_all(state["cuda_rng"])
            if self.device.type == "mps" and "mps_rng" in state:
                torch.mps.set_rng_state(state["mps_rng"])
            self._load_rank_rng(state.get("rank_rng"))
            step, tokens, elapsed = int(state["step"]), int(state["tokens"]), float(state["elapsed"])
            peak_lr = float(state.get("peak_lr", self.cfg.lr))
            best_val_loss = state.get("best_val_loss")
            best_val_loss = None if best_val_loss is None else float(best_val_loss)
            best_step = state.get("best_step")
            best_step = None if best_step is None else int(best_step)
            bad_evals = int(state.get("bad_evals", 0))
            if step < 0 or tokens < 0 or not (peak_lr > 0 and math.isfinite(peak_lr)) or bad_evals < 0:
                raise ValueError("negative counters or a learning rate that is not a positive number")
        except LMStudioError:
            raise
        except (KeyError, ValueError, RuntimeError, TypeError, AttributeError, OverflowError) as exc:
            raise TrainingError(
                f"training state does not match this run ({exc}); start a new run instead of resuming"
            ) from None
        self.step, self.tokens, self.elapsed, self.peak_lr = step, tokens, elapsed, peak_lr
        self.agreed_elapsed = elapsed
        self.best_val_loss, self.best_step, self.bad_evals = best_val_loss, best_step, bad_evals
        self.best_on_disk = self.best_step is not None
        self.last_saved_step = self.step

    def _load_rank_rng(self, ranks: list[dict[str, Any]] | None) -> None:
        """This rank's random state from a checkpoint of a run with several processes, when it had as many."""
        if self.dist is None:
            return
        if ranks is not None and len(ranks) == self.dist.world_size:
            mine = ranks[self.dist.rank]
            torch.set_rng_state(mine["cpu"])
            if self.device.type == "cuda" and "cuda" in mine:
                torch.cuda.set_rng_state(mine["cuda"], self.device)
            return
        saved = "one process" if ranks is None else f"{len(ranks)} processes"
        self.resume_note = (
            f"the checkpoint was saved by {saved}, this run has {self.dist.world_size}: the batches continue exactly, "
            "the dropout masks of ranks other than 0 start afresh"
        )

    # -- the loop
    def clock(self) -> float:
        """Training time so far, for the time budget and the schedule; with several processes the time they
        agreed on at the last agreement (each process's own clock differs a little, and they must decide alike)."""
        return self.elapsed if self.dist is None else self.agreed_elapsed

    def out_of_time(self) -> bool:
        """Whether the time budget (``train.max_time``, training time only) is spent."""
        return bool(self.cfg.max_time) and self.clock() >= self.cfg.max_time

    def done(self) -> bool:
        """The run has reached its end: its steps, or its time budget."""
        return self.step >= self.cfg.steps or self.out_of_time()

    def _lr(self) -> float:
        cfg = self.cfg
        return lr_at(
            self.step,
            peak=self.peak_lr,
            floor=cfg.min_lr * self.peak_lr / cfg.lr,
            warmup=cfg.warmup_steps,
            total=cfg.steps,
            schedule=cfg.schedule,
            warmdown=cfg.warmdown,
            time_fraction=self.clock() / cfg.max_time if cfg.max_time else None,
        )

    def _measure_peak(self) -> Iterator[Any]:
        """The device's matmul peak for MFU: known already, or measured once per machine (about a second)."""
        if self.matmul_peak is not None:
            return
        if not self.is_main:  # rank 0 reports MFU; a second measurement at the same time would halve both
            self.matmul_peak = math.nan
            return
        self.matmul_peak = cached_peak(self.device, self.dtype)
        if self.matmul_peak is None:
            yield LogEvent("measuring this device's matmul peak for MFU (once per machine, about a second)")
            self.matmul_peak = matmul_peak(self.device, self.dtype)
            yield LogEvent(f"matmul peak: {self.matmul_peak / 1e9:,.1f} GFLOP/s ({peak_key(self.device, self.dtype)})")

    def run(self) -> Iterator[Any]:
        cfg = self.cfg
        metrics: MetricsLog | None = None
        # On a CPU every step's loss and gradient norm are read at once (free there, and a fault stops
        # the step before the optimizer runs). On a GPU reading a number waits for the device, so they
        # stay on it and are read together every `sync_every` steps (and before any evaluation, save,
        # pause or stop): the host keeps queueing work and the GPU never idles.
        sync_every = self.sync_every
        pending: list[list[Any]] = []
        self.model.train()
        try:
            if self.is_main:
                metrics = MetricsLog(self.run_dir, truncate_after=self.step, tensorboard=cfg.tensorboard)
            else:  # rank 0 alone writes the run's files
                metrics = NullMetrics()
            if metrics.notice:
                yield LogEvent(metrics.notice)
            if self.dist is not None:
                yield from self._connect()
            yield from self._measure_peak()
            if cfg.max_time:
                yield LogEvent(
                    f"time budget: {cfg.max_time:g} s of training steps, or {cfg.steps:,} steps, whichever "
                    f"comes first; the learning rate follows the clock"
                )
            if self.step == 0:
                yield from self._evaluate(metrics)
            # throughput over the last ~2 s of training steps only: evaluations and saves are not
            # steps, and counting them would dip the curve at every evaluation
            window_time, window_tokens = 0.0, 0
            while not self.done():
                go, new_lr = self._turn(pending)
                if not go:
                    yield from self._flush(metrics, pending)
                    yield from self._save(metrics, reason="stop")
                    yield FinishedEvent(
                        "stopped", self.step, f"stopped at step {self.step}; checkpoint saved", self.best_val_loss
                    )
                    return
                if new_lr is not None:
                    self.peak_lr = new_lr
                    yield LrChangedEvent(self.step, new_lr)
                    yield LogEvent(f"learning rate set to {new_lr:g} at step {self.step}")
                t0 = time.perf_counter()
                lr = self._lr()
                for optimizer in self.optimizers:
                    for group in optimizer.param_groups:
                        group["lr"] = lr
                losses = []
                step_tokens = 0
                for micro in range(cfg.grad_accum):
                    batch, n_tokens, weight = self._next_batch()
                    step_tokens += n_tokens
                    # several processes: gradients are averaged across them only after the last micro-step
                    with self._no_sync(micro < cfg.grad_accum - 1):
                        with autocast(self.device, self.dtype):
                            _, loss = self.forward(*batch, **self.forward_kwargs)
                        loss = (loss * weight if weight != 1.0 else loss) / cfg.grad_accum
                        self.scaler.scale(loss).backward()
                    losses.append(loss.detach())
                loss_sum: Any
                if self.dist is not None:  # the loss of the whole batch: the mean of the processes' shares
                    total = torch.stack(losses).sum() if len(losses) > 1 else losses[0].clone()
                    losses = [self.dist.sum_(total.float()) / self.dist.world_size]
                if sync_every == 1:
                    loss_sum = sum(part.item() for part in losses)
                    if not math.isfinite(loss_sum):
                        yield self._diverged(f"the loss became {loss_sum} at step {self.step + 1}", self.step + 1)
                        return
                else:
                    loss_sum = torch.stack(losses).sum() if len(losses) > 1 else losses[0]
                grad_norm: Any = math.nan
                if cfg.grad_clip > 0:
                    for optimizer in self.optimizers:
                        self.scaler.unscale_(optimizer)
                    grad_norm = torch.nn.utils.clip_grad_norm_(self.model.parameters(), cfg.grad_clip)
                    if sync_every == 1:
                        grad_norm = float(grad_norm)
                        # fp16's GradScaler skips steps with inf gradients by design; otherwise a NaN/inf
                        # gradient would turn every weight into NaN in the step below
                        if not math.isfinite(grad_norm) and not self.scaler.is_enabled():
                            yield self._diverged(
                                f"the gradient norm became {grad_norm} at step {self.step + 1} "
                                f"(the loss was still {loss_sum:.4g})",
                                self.step + 1,
                            )
                            return
                for optimizer in self.optimizers:
                    self.scaler.step(optimizer)
                self.scaler.update()
                for optimizer in self.optimizers:
                    optimizer.zero_grad(set_to_none=True)
                self.step += 1
                self.tokens += step_tokens
                now = time.perf_counter()
                self.elapsed += now - t0
                window_tokens += step_tokens
                window_time += now - t0
                tps = window_tokens / max(window_time, 1e-9)
                if window_time > 2.0:
                    window_time, window_tokens = 0.0, 0
                pending.append([self.step, self.tokens, self.elapsed, loss_sum, lr, grad_norm, tps])
                evaluate = self.step % cfg.eval_interval == 0 or self.done()
                save = not self.done() and cfg.checkpoint_interval and self.step % cfg.checkpoint_interval == 0
                # several processes flush at the same steps (they agree on the controls right after a flush)
                local = self.dist is None and (self.control.paused or self.control.stop_requested)
                if len(pending) >= sync_every or evaluate or save or local:
                    yield from self._flush(metrics, pending)
                if evaluate:
                    yield from self._evaluate(metrics)
                    if cfg.patience and self.bad_evals >= cfg.patience:
                        # step N is saved as it is (its weights, optimizer state, val loss); the best
                        # weights are in the best checkpoint, and only then loaded into the model
                        yield from self._save(metrics, reason="end")
                        restored = self._restore_best()
                        yield LogEvent(
                            f"early stopping at step {self.step}: no improvement in {cfg.patience} "
                            f"evaluations; {restored}"
                        )
                        yield FinishedEvent(
                            "early_stopped",
                            self.step,
                            f"early stopped at step {self.step}; the best weights (step {self.best_step}) "
                            f"are the checkpoint 'best', step {self.step} is 'last'",
                            self.best_val_loss,
                        )
                        return
                if save:
                    yield from self._save(metrics, reason="interval")
            yield from self._flush(metrics, pending)
            yield from self._save(metrics, reason="end")
            if self.out_of_time() and self.step < cfg.steps:
                message = f"time budget of {cfg.max_time:g} s spent after {self.step} steps"
            else:
                message = f"finished {self.step} steps"
            yield FinishedEvent("finished", self.step, message, self.best_val_loss)
        except _Diverged as exc:
            yield self._diverged(str(exc), self.step)
        except OtherRankFailed as exc:
            yield FinishedEvent("failed", self.step, str(exc), self.best_val_loss)
        except torch.OutOfMemoryError:
            yield self._out_of_memory(str(self.device))
        except MemoryError:
            yield self._out_of_memory("the CPU (the computer's RAM)")
        except RuntimeError as exc:
            if self.dist is not None and is_collective_failure(exc):
                yield FinishedEvent("failed", self.step, lost_contact(self.dist, self.step, exc), self.best_val_loss)
                return
            if not is_out_of_memory(exc):
                raise
            yield self._out_of_memory("the CPU (the computer's RAM)")
        except LMStudioError as exc:  # a failed save (disk full), a damaged best checkpoint, ...
            yield FinishedEvent(
                "failed", self.step, f"training stopped at step {self.step}: {exc} ({self._kept()})", self.best_val_loss
            )
        except OSError as exc:  # a write outside the checkpoint code (metrics, samples): disk full, permissions
            where = exc.filename or self.run_dir
            yield FinishedEvent(
                "failed",
                self.step,
                f"training stopped at step {self.step}: cannot write {where} ({exc.strerror or exc}); "
                f"free disk space or fix the folder's permissions, then resume the run ({self._kept()})",
                self.best_val_loss,
            )
        finally:
            if metrics is not None:
                metrics.close()
            if self.run_lock is not None:
                self.run_lock.release()

    # -- several processes
    def _connect(self) -> Iterator[Any]:
        """Wrap the model in DistributedDataParallel (every rank at once: rank 0's weights go to all) and say
        what the processes share."""
        from torch.nn.parallel import DistributedDataParallel

        dist = self.dist
        if self.ddp is None:
            ids = [self.device.index] if self.device.type == "cuda" else None
            self.ddp = DistributedDataParallel(self.model, device_ids=ids, gradient_as_bucket_view=True)
            self.forward = torch.compile(self.ddp) if self.compiled else self.ddp
        devices = dist.gather(f"{self.device} on {dist.host}")
        if self.resume_note:
            yield LogEvent(self.resume_note)
        cfg = self.cfg
        per = cfg.batch_size // dist.world_size
        accum = f" x {cfg.grad_accum} accumulation steps" if cfg.grad_accum > 1 else ""
        yield LogEvent(
            f"{dist.world_size} processes ({dist.backend}): "
            + ", ".join(f"rank {r}: {d}" for r, d in enumerate(devices))
            + f"; global batch {cfg.batch_size} sequences ({per} per process){accum}, "
            f"{self.tokens_per_step():,} tokens per step; learning rate {self.peak_lr:g}"
        )

    def _no_sync(self, skip: bool) -> Any:
        """Micro-steps of gradient accumulation before the last: no gradient exchange between processes."""
        return self.ddp.no_sync() if skip and self.ddp is not None else contextlib.nullcontext()

    def _turn(self, pending: list) -> tuple[bool, float | None]:
        """Whether to train another step (False: stop), and a new peak learning rate if one was set. Blocks
        while paused. Several processes agree, right after each flush, so all of them act at the same step."""
        control = self.control
        if self.dist is None:
            go = control.wait_turn()
            return go, control.take_lr()
        if pending:  # between flushes nobody decides anything (a GPU keeps working without waiting for the host)
            return True, None
        new_lr: float | None = None
        while True:
            main = self.dist.is_main
            stop, paused, single, lr, clock = self.dist.agree(
                control.stop_requested,
                main and control.paused,
                main and control.paused and control.take_step_grant(),
                control.take_lr() if main else None,
                self.elapsed,
            )
            self.elapsed = self.agreed_elapsed = clock
            new_lr = lr if lr > 0 else new_lr
            if stop:
                return False, new_lr
            if not paused or single:
                return True, new_lr
            time.sleep(0.2)

    def _flush(self, metrics: MetricsLog, pending: list[list[Any]]) -> Iterator[Any]:
        """Write and report the steps in ``pending`` (emptied): one device read for all their numbers.

        A non-finite loss or gradient norm among them ends the run as diverged (fp16's loss scaling
        skips inf-gradient steps by design, so those are not faults); its weights are never saved."""
        if not pending:
            return
        tensors = [v for row in pending for v in (row[3], row[5]) if isinstance(v, torch.Tensor)]
        if tensors:
            values = iter(torch.stack([t.float() for t in tensors]).tolist())
            for row in pending:
                for i in (3, 5):
                    if isinstance(row[i], torch.Tensor):
                        row[i] = next(values)
        rows = list(pending)
        pending.clear()
        for step, tokens, elapsed, loss, lr, grad_norm, tps in rows:
            if not math.isfinite(loss):
                raise _Diverged(f"the loss became {loss} at step {step}")
            if not math.isfinite(grad_norm) and self.cfg.grad_clip > 0 and not self.scaler.is_enabled():
                raise _Diverged(f"the gradient norm became {grad_norm} at step {step} (the loss was still {loss:.4g})")
            # per device: the processes' tokens/s shared between their devices
            world = self.dist.world_size if self.dist is not None else 1
            utilisation = mfu(self.flops_per_token, tps / world, self.matmul_peak or math.nan)
            metrics.write(
                step=step,
                tokens=tokens,
                elapsed=elapsed,
                train_loss=loss,
                lr=lr,
                grad_norm=grad_norm,
                tokens_per_sec=tps,
                mfu=utilisation,
            )
            yield StepEvent(step, tokens, elapsed, loss, lr, grad_norm, tps, utilisation)

    def _kept(self) -> str:
        if self.last_saved_step is None:
            return "no checkpoint had been saved yet, so the run holds no weights"
        return f"the last good checkpoint, step-{self.last_saved_step}, is kept as 'last'"

    def _diverged(self, what: str, step: int) -> FinishedEvent:
        advice = [f"lower the learning rate (it is {self.peak_lr:g})"]
        if self.cfg.grad_clip == 0:
            advice.append("turn gradient clipping on (train.grad_clip 1.0)")
        if self.dtype != torch.float32:
            advice.append("use fp32 precision")
        return FinishedEvent(
            "failed",
            step,
            f"training diverged: {what}; stopped without saving it ({self._kept()}); "
            f"{', '.join(advice)} and train again",
            self.best_val_loss,
        )

    def _out_of_memory(self, where: str) -> FinishedEvent:
        return FinishedEvent(
            "failed",
            self.step,
            f"out of memory on {where} at step {self.step}; lower the batch size "
            f"or the block size (or the model size); {self._kept()}",
            self.best_val_loss,
        )

    def _check_weights(self, when: str) -> None:
        """Raise _Diverged when a weight is NaN or infinite (one device sync: before evaluations and saves only)."""
        params = [(n, p) for n, p in self.model.named_parameters() if p.is_floating_point()]
        if not params:
            return
        with torch.no_grad():
            finite = torch.stack([torch.isfinite(p).all() for _, p in params])
        if bool(finite.all()):
            return
        first = params[int((~finite).nonzero()[0, 0])][0]
        raise _Diverged(f"the weights became NaN or infinite (first in {first}) by step {self.step}, found {when}")

    # -- evaluation
    @torch.inference_mode()
    def estimate_loss(self, data, seed: int) -> float:
        """The mean loss over ``eval_iters`` batches drawn with ``seed``; several processes each take their
        rows of every batch and sum their losses, so the figure is the one a single process reports."""
        sampler = BatchSampler(data, self.block_size, self.cfg.batch_size, seed, self.device, shard=self._shard())
        was_training = self.model.training
        self.model.eval()
        total = 0.0
        for _ in range(self.cfg.eval_iters):
            x, y = sampler.next()
            with autocast(self.device, self.dtype):
                _, loss = self.model(x, y)
            total += loss.item()
        self.model.train(was_training)
        if self.dist is not None:
            (total,) = self.dist.sum_floats(total / self.dist.world_size)
        return total / self.cfg.eval_iters

    def _eval_losses(self) -> tuple[float, float]:
        """The training and validation losses of an evaluation; fixed seeds: every evaluation sees the same
        batches, so curves compare like with like."""
        return self.estimate_loss(self.train_data, self.cfg.seed + 1), self.estimate_loss(
            self.val_data, self.cfg.seed + 2
        )

    def _evaluate(self, metrics: MetricsLog) -> Iterator[Any]:
        self._check_weights("before the evaluation")
        train_loss, val_loss = self._eval_losses()
        if not math.isfinite(val_loss):
            raise _Diverged(f"the validation loss became {val_loss} at step {self.step}")
        improved = self.best_val_loss is None or val_loss < self.best_val_loss
        if improved:
            self.best_val_loss, self.best_step, self.bad_evals = val_loss, self.step, 0
            if self.is_main:  # the copy rank 0 saves as 'best'
                self.best_weights = {k: v.detach().to("cpu", copy=True) for k, v in self.model.state_dict().items()}
            self.best_on_disk = False
        else:
            self.bad_evals += 1
        self.last_val_loss = val_loss
        ppl = perplexity(val_loss)
        bpc = math.nan if self.bits_per_char_note else bits_per_char(val_loss, self.chars_per_token)
        metrics.write(
            step=self.step,
            tokens=self.tokens,
            elapsed=self.elapsed,
            val_loss=val_loss,
            val_perplexity=ppl,
            bits_per_char=bpc,
            eval_train_loss=train_loss,
        )
        yield EvalEvent(
            self.step, self.tokens, self.elapsed, train_loss, val_loss, ppl, bpc, improved, self.bits_per_char_note
        )
        if self.is_main:  # samples and translations: rank 0's, while the others go on to the next step
            yield from self._after_eval(metrics)

    def _after_eval(self, metrics: MetricsLog) -> Iterator[Any]:
        """What an evaluation adds after the losses: the fixed prompt's sample, and the probes."""
        if self.cfg.sample_tokens and self.tokenizer is not None:
            try:
                pieces = self.sample_pieces()
            except LMStudioError as exc:  # the sample's output was NaN although the weights are finite (fp16 overflow)
                raise _Diverged(f"the evaluation sample at step {self.step} failed ({exc})") from None
            text = "".join(t for _, t in pieces)
            memorization = self._memorization(pieces)
            ckpt.append_sample(self.run_dir, self.step, text, memorization)
            yield SampleEvent(self.step, text, memorization)
        probes = self._probe_record()
        if probes is not None:
            ckpt.append_probe(self.run_dir, {"step": self.step, **probes})
            yield ProbeEvent(self.step, **probes)

    def _probe_record(self) -> dict[str, Any] | None:
        """The probes at this evaluation (see :mod:`lmstudio.core.inference.probes`), or None without a tokenizer."""
        if self.tokenizer is None:
            return None
        from ..inference.probes import Probes

        if self.probes is None:
            cfg = self.cfg
            prompt = cfg.probe_prompt or cfg.sample_prompt
            self.probes = Probes(self.tokenizer, cfg.probe_text, prompt, self.val_data, self.block_size)
        with autocast(self.device, self.dtype):
            return self.probes.measure(self.model, self.device)

    def sample_text(self) -> str:
        return "".join(text for _, text in self.sample_pieces())

    def sample_pieces(self) -> list[tuple[int, str]]:
        """The evaluation sample from the fixed prompt, token by token: (id, text)."""
        from ..inference.generation import generate

        cfg = SampleConfig(
            max_new_tokens=self.cfg.sample_tokens, temperature=0.8, top_k=0, seed=self.cfg.seed, alternatives=0
        )
        was_training = self.model.training
        try:
            return [
                (event.id, event.text)
                for event in generate(self.model, self.tokenizer, self.cfg.sample_prompt, cfg, self.device)
            ]
        finally:
            self.model.train(was_training)

    def _memorization(self, pieces: list[tuple[int, str]]) -> dict | None:
        """Where the sample repeats the training or validation text verbatim (spans of at least k tokens), from
        the n-gram index of the prepared data (built once, at the first sample; None without prepared data)."""
        if self.prepared_source is None or not pieces:
            return None
        from ..dataset.memorization import index_for, verdict

        if self.memorization_index is None:
            try:
                self.memorization_index = index_for(self.prepared_source)
            except (LMStudioError, OSError, ValueError):  # no index (a read-only cache): samples go unchecked
                self.prepared_source = None
                return None
        ids = [i for i, _ in pieces]
        starts = [0]
        for _, text in pieces:
            starts.append(starts[-1] + len(text))
        spans = self.memorization_index.find_spans(ids)
        found = verdict(spans, len(ids))
        return {
            "label": found.label,
            "covered": round(float(found.covered), 4),
            "spans": [[starts[sp.start], starts[sp.end], sp.split, sp.line] for sp in spans],
        }

    def _restore_best(self) -> str:
        """Load the best weights into the model (from memory, else from the best checkpoint on disk);
        return what happened, truthfully, for the log."""
        if self.best_step is None or self.best_step == self.step:
            return f"the model keeps step {self.step}'s weights, the best so far"
        if self.best_weights is not None:
            self.model.load_state_dict(self.best_weights)
            return f"best weights (step {self.best_step}) restored into the model and saved as checkpoint 'best'"
        try:  # after a resume the best weights are only on disk
            info = ckpt.resolve_checkpoint(self.run_dir, "best")
            if info.step != self.best_step:
                raise TrainingError(f"checkpoint 'best' holds step {info.step}, not step {self.best_step}")
            ckpt.load_weights(info.path / ckpt.WEIGHTS_FILE, self.model, self.device)
        except LMStudioError as exc:
            return (
                f"the best weights (step {self.best_step}) could not be reloaded ({exc}); the model keeps "
                f"step {self.step}'s weights, saved as step-{self.step}"
            )
        return f"best weights (step {self.best_step}) reloaded from checkpoint {info.name} into the model"

    # -- checkpoints
    def _save(self, metrics: MetricsLog, reason: str) -> Iterator[Any]:
        self._check_weights(f"before saving step {self.step}")  # never write a NaN checkpoint
        if self.dist is not None:
            yield from self._save_together(metrics, reason)
            return
        yield from self._write_checkpoint(metrics)

    def _save_together(self, metrics: MetricsLog, reason: str) -> Iterator[Any]:
        """Several processes: rank 0 writes the checkpoint (with every rank's random state), then tells the
        others it is complete, or why not (they end with that message, so none trains on past a lost save)."""
        state = self.training_state()  # a collective: every rank takes part
        if self.is_main:
            try:
                events = list(self._write_checkpoint(metrics, state))
            except BaseException as exc:
                self.dist.broadcast(f"{type(exc).__name__}: {exc}")
                raise
            self.dist.broadcast(None)
            yield from events
            return
        failure = self.dist.broadcast()
        if failure is not None:
            raise OtherRankFailed(f"rank 0 could not save step {self.step} ({failure})")
        self.last_saved_step = self.step

    def _write_checkpoint(self, metrics: MetricsLog, state: dict[str, Any] | None = None) -> Iterator[Any]:
        weights = self.model.state_dict()
        is_best = self.best_step == self.step and self.best_weights is not None
        info = ckpt.save_checkpoint(
            self.run_dir, self.step, weights, state or self.training_state(), self.last_val_loss, best=is_best
        )
        if is_best:
            self.best_on_disk = True
        elif not self.best_on_disk and self.best_weights is not None:
            ckpt.save_checkpoint(
                self.run_dir, self.best_step or 0, self.best_weights, None, self.best_val_loss, best=True, name="best"
            )
            self.best_on_disk = True
        self.last_saved_step = self.step
        metrics.flush()
        yield CheckpointEvent(self.step, str(info.path), is_best)
