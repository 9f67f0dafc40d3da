"""Training in several processes with ``DistributedDataParallel``, launched by PyTorch's ``torchrun``.

``torchrun --nproc_per_node=N -m lmstudio train --config workspace.json --out RUN`` starts N copies of the
command; each finds its rank in the environment torchrun sets (``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``,
...) and :func:`init_distributed` joins them: NCCL between CUDA GPUs (one per process, ``cuda:LOCAL_RANK``),
gloo between CPU processes. What the processes share:

- **The batch.** ``train.batch_size`` is the global batch. Every rank draws the same global batch from one
  generator seeded by ``train.seed`` and trains on its own slice of it (rank r takes rows r*B/N ... (r+1)*B/N),
  so the ranks see different windows, the sequence is reproducible, and N processes follow the batches of
  one process at the same settings: the same loss curve, within float rounding.
- **Decisions.** Stop, pause, single steps and learning-rate changes are agreed at step boundaries over a
  gloo group (:meth:`Distributed.agree`): a stop asked of any rank (Ctrl+C, SIGTERM to it or to torchrun)
  stops every rank at the same step; the window's pause, step and lr reach rank 0 and go to all.
- **Writing.** Rank 0 alone writes metrics, samples and checkpoints, and tells the others when a checkpoint
  is complete (or why it is not); the saved training state holds every rank's random state.
- **Evaluation.** Every rank evaluates its slice of the same batches; the losses are summed over ranks, so
  the validation loss is the figure one process reports.

Collectives time out after ``LMSTUDIO_DIST_TIMEOUT`` seconds (default 900), so a rank that hangs ends the
others with an error instead of a silent wait; torchrun ends the rest when one rank exits with an error.
Waiting for rank 0 to prepare the data and for a checkpoint to be written has no such limit.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError, LMStudioError, TrainingError

if TYPE_CHECKING:
    import torch

TIMEOUT_ENV = "LMSTUDIO_DIST_TIMEOUT"
DEFAULT_TIMEOUT_S = 900.0
PATIENT_TIMEOUT = timedelta(days=7)  # waits that are not hangs: rank 0 preparing data, writing a checkpoint


class OtherRankFailed(TrainingError):
    """Another rank failed and said so; it prints the message, this rank ends quietly (non-zero)."""


def world_from_env() -> tuple[int, int, int, int] | None:
    """``(rank, world_size, local_rank, local_world_size)`` as torchrun set them, or None outside torchrun."""
    if "WORLD_SIZE" not in os.environ or "RANK" not in os.environ:
        return None
    try:
        world = int(os.environ["WORLD_SIZE"])
        rank = int(os.environ["RANK"])
        local_rank = int(os.environ.get("LOCAL_RANK", rank))
        local_world = int(os.environ.get("LOCAL_WORLD_SIZE", world))
    except ValueError:
        raise ConfigError(
            "RANK / WORLD_SIZE / LOCAL_RANK are set but are not whole numbers; start the processes with torchrun"
        ) from None
    return rank, world, local_rank, local_world


def in_torchrun() -> bool:
    """Whether this process is one of several torchrun started (a world of one trains as usual)."""
    world = world_from_env()
    return world is not None and world[1] > 1


def collective_timeout() -> float:
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT_S
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise ConfigError(f"{TIMEOUT_ENV}={raw!r}: give the collectives' timeout in seconds, e.g. 900")
    return value


@dataclass
class Distributed:
    """This process's place among the ranks, and the collectives the trainer uses."""

    rank: int
    world_size: int
    local_rank: int
    local_world_size: int
    backend: str
    device: torch.device
    host: str
    _control: Any = None  # gloo group: agreement on stop/pause/lr each step, CPU tensors (no GPU sync)
    _patient: Any = None  # gloo group without a practical timeout: setup and checkpoint hand-offs

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def shard(self, n: int) -> slice:
        """This rank's rows of a batch of ``n`` rows (``n`` divisible by the world size)."""
        per = n // self.world_size
        return slice(self.rank * per, (self.rank + 1) * per)

    # -- collectives
    def agree(
        self, stop: bool, paused: bool, single_step: bool, lr: float | None, elapsed: float
    ) -> tuple[bool, bool, bool, float, float]:
        """Every rank's view of the controls, made one: a stop from any rank; pause, single step and a new
        learning rate as rank 0 has them (the others pass False/None); and one training clock, the slowest
        rank's, so that a time budget ends every rank at the same step with the same learning rates."""
        import torch
        import torch.distributed as dist

        main = self.is_main
        flags = torch.tensor(
            [
                float(stop),
                float(paused and main),
                float(single_step and main),
                float(lr or 0.0) if main else 0.0,
                float(elapsed),
            ],
            dtype=torch.float64,
        )
        dist.all_reduce(flags, op=dist.ReduceOp.MAX, group=self._control)
        stop_any, pause, step, new_lr, clock = flags.tolist()
        return stop_any > 0, pause > 0, step > 0, new_lr, clock

    def sum_(self, tensor: torch.Tensor) -> torch.Tensor:
        """``tensor`` (on this rank's device) summed over the ranks, in place; returned for chaining."""
        import torch.distributed as dist

        dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
        return tensor

    def sum_floats(self, *values: float) -> list[float]:
        """Plain numbers summed over the ranks."""
        import torch

        return self.sum_(torch.tensor(values, dtype=torch.float64, device=self.device)).tolist()

    def gather(self, obj: Any) -> list[Any]:
        """Every rank's ``obj`` (picklable, small: random states, fingerprints), in rank order, on every rank."""
        import torch.distributed as dist

        out: list[Any] = [None] * self.world_size
        dist.all_gather_object(out, obj, group=self._patient)
        return out

    def broadcast(self, obj: Any = None) -> Any:
        """Rank 0's ``obj`` on every rank (the others' argument is ignored); waits as long as rank 0 needs."""
        import torch.distributed as dist

        box = [obj if self.is_main else None]
        dist.broadcast_object_list(box, src=0, group=self._patient)
        return box[0]

    def close(self) -> None:
        import torch.distributed as dist

        if dist.is_initialized():
            dist.destroy_process_group()

    def describe(self) -> str:
        return f"rank {self.rank} of {self.world_size} ({self.device} on {self.host})"


def init_distributed(device_setting: str = "auto") -> Distributed | None:
    """Join the other processes torchrun started, or None when this process trains alone.

    The device follows ``train.device`` (auto: CUDA when present); each process takes the GPU of its local
    rank. Apple's MPS has no collectives in PyTorch: multi-process training there is refused with the fix.
    """
    world = world_from_env()
    if world is None or world[1] <= 1:
        return None
    import torch
    import torch.distributed as dist

    from ..devices import resolve_device

    rank, world_size, local_rank, local_world = world
    if not dist.is_available():
        raise ConfigError("this PyTorch build has no torch.distributed; train with one process (train.processes 1)")
    device = resolve_device(device_setting)
    if device.type == "mps":
        raise ConfigError(
            "train.device: PyTorch cannot train across processes on Apple's MPS; use --device cpu with several "
            "processes, or one process on the GPU"
        )
    if device.type == "cuda":
        count = torch.cuda.device_count()
        if local_rank >= count:
            raise ConfigError(
                f"torchrun started {local_world} processes on this machine but it has {count} CUDA GPU(s); use "
                f"--nproc_per_node {count} (one process per GPU) or --device cpu"
            )
        device = torch.device("cuda", local_rank)
        torch.cuda.set_device(device)
        backend = "nccl"
    else:
        backend = "gloo"
    timeout = timedelta(seconds=collective_timeout())
    try:
        if not dist.is_initialized():
            kwargs: dict[str, Any] = {"device_id": device} if backend == "nccl" else {}
            dist.init_process_group(backend, timeout=timeout, **kwargs)
        control = dist.new_group(backend="gloo", timeout=timeout) if backend != "gloo" else None
        patient = dist.new_group(backend="gloo", timeout=PATIENT_TIMEOUT)
    except (RuntimeError, ValueError) as exc:
        raise TrainingError(
            f"rank {rank}: could not join the other {world_size - 1} training processes ({exc}); check that "
            "torchrun's --rdzv-endpoint / --master-addr and port are reachable from every machine"
        ) from None
    return Distributed(
        rank=rank,
        world_size=world_size,
        local_rank=local_rank,
        local_world_size=local_world,
        backend=backend,
        device=device,
        host=socket.gethostname(),
        _control=control,
        _patient=patient,
    )


def is_collective_failure(exc: BaseException) -> bool:
    """Whether ``exc`` is a collective that failed: a peer that died or hung (timeout)."""
    import torch.distributed as dist

    if isinstance(exc, getattr(dist, "DistError", ())):
        return True
    text = str(exc)
    return isinstance(exc, RuntimeError) and any(
        marker in text
        for marker in ("Connection closed by peer", "Timed out", "timed out", "Gloo", "NCCL", "c10d", "Socket")
    )


def lost_contact(dist: Distributed, step: int, exc: BaseException) -> str:
    """The message for a rank whose collective failed at ``step``."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return (
        f"{dist.describe()} lost contact with the other training processes at step {step} ({first[:200]}); "
        "another rank failed or stopped answering: torchrun's summary names it. The last checkpoint is kept"
    )


def trainer_facts(trainer: Any) -> dict[str, Any]:
    """What every rank's trainer must agree on: the tokenizer, the data, the model's size, the step."""
    tokenizer = getattr(trainer, "tokenizer", None)
    return {
        "tokenizer": tokenizer.fingerprint() if tokenizer is not None else None,
        "training tokens": int(len(trainer.train_data)),
        "validation tokens": int(len(trainer.val_data)),
        "parameters": sum(p.numel() for p in trainer.model.parameters()),
        "step": trainer.step,
    }


def check_same_setup(dist: Distributed, facts: dict[str, Any]) -> None:
    """Stop every rank when the ranks built different runs (another tokenizer, other data): rank 0 raises a
    ConfigError naming the rank and what differs, the others OtherRankFailed."""
    everyone = dist.gather(facts)
    ours = everyone[0]
    for rank, theirs in enumerate(everyone):
        if theirs != ours:
            differs = ", ".join(k for k in ours if ours.get(k) != theirs.get(k)) or "the setup"
            message = (
                f"rank {rank} built a different run than rank 0 (different {differs}); every machine needs the same "
                "corpus files, settings and lmstudio version"
            )
            raise ConfigError(message) if dist.is_main else OtherRankFailed(message)


def setup_together(dist: Distributed, build_main, build_other, facts=trainer_facts) -> Any:
    """Rank 0 runs ``build_main()`` (preparing the data, writing the run folder) while the others wait; then
    they run ``build_other()`` (the same run, read-only). A failure on rank 0 ends every rank: rank 0 raises
    its error, the others :class:`OtherRankFailed`; a failure elsewhere is reported by rank 0 naming the rank.
    Then ``facts(result)`` must be the same on every rank (:func:`check_same_setup`). Returns this rank's
    result."""
    if dist.is_main:
        try:
            result = build_main()
        except BaseException as exc:  # the others wait for word: tell them, whatever it was
            dist.broadcast(f"{type(exc).__name__}: {exc}")
            raise
        dist.broadcast(None)
        failures = dist.gather(None)
    else:
        error = dist.broadcast()
        if error is not None:
            raise OtherRankFailed(f"rank 0 failed: {error}")
        try:
            result = build_other()
        except BaseException as exc:
            dist.gather(str(exc) if isinstance(exc, LMStudioError) else f"{type(exc).__name__}: {exc}")
            raise
        failures = dist.gather(None)
    for rank, failure in enumerate(failures):
        if failure is not None:
            if dist.is_main:
                raise TrainingError(f"rank {rank} could not set up the run: {failure}")
            raise OtherRankFailed(f"rank {rank} failed: {failure}")
    if facts is not None:
        check_same_setup(dist, facts(result))
    return result
