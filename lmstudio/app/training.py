"""One training run for the window: prepare, build, train, and hand the events over in batches of ~100 ms.

The window runs :func:`run_training` in a child process (:mod:`lmstudio.app.train_process`), or on a thread of
its own process when ``LMSTUDIO_TRAIN_IN_THREAD=1``; either way only plain data crosses: lists of the core's
event dataclasses and a :class:`RunInfo`. Torch loads when training starts, not with this module.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.config import WorkspaceConfig
from ..core.progress import ProgressCallback

BATCH_INTERVAL_S = 0.1


@dataclass
class RunInfo:
    """Sent once, when data is prepared and the model built, before the first event."""

    run_dir: str
    config: WorkspaceConfig
    vocab_size: int
    train_tokens: int
    tokens_per_step: int
    start_step: int
    unigram_entropy: float
    threads: int
    device: str
    parameters: int
    processes: int = 1  # processes training together (torchrun); device and threads are rank 0's
    devices: list[str] = field(default_factory=list)  # each rank's device and computer, in rank order


def run_training(
    config: WorkspaceConfig | None,
    run_dir: Path,
    *,
    resume: bool,
    control: Any,
    emit: Callable[[list], None],
    tokenizer: Any = None,
    steps: int | None = None,
    progress: ProgressCallback | None = None,
    init_from: str | Path | None = None,
    dist: Any = None,
) -> Any:
    """Prepare, build and run the trainer, calling ``emit`` with batches of events. Touches no widget.
    Returns the trainer's FinishedEvent.

    ``init_from``: a new run starts from the weights in that folder (a Hugging Face GPT-2 folder or an earlier
    run): ``config`` keeps its data and training settings, its block size and dropout; the model and tokenizer
    settings come from the weights (:func:`lmstudio.core.training.launch.config_for_init`, which refuses what
    they cannot hold), ``tokenizer`` is not used and the data is encoded with the weights' tokenizer.

    ``dist``: this process's :class:`~lmstudio.core.training.distributed.Distributed` rank when several train
    together (torchrun): rank 0 prepares and makes the run folder, then the others build the same run; every
    rank trains, rank 0's ``emit`` is the one that reaches the window."""
    from ..core.training.events import FinishedEvent
    from .train_metrics import unigram_entropy

    def build():
        return _build_trainer(config, run_dir, resume, control, tokenizer, steps, progress, init_from, dist)

    if dist is None:
        trainer = build()
    else:
        from ..core.training.distributed import setup_together

        trainer = setup_together(dist, build, build)
    import torch

    cfg = trainer.config
    devices = [str(trainer.device)] if dist is None else dist.gather(f"{trainer.device} on {dist.host}")
    emit(
        [
            RunInfo(
                run_dir=str(run_dir),
                config=copy.deepcopy(cfg),
                vocab_size=cfg.model.vocab_size,
                train_tokens=int(len(trainer.train_data)),
                tokens_per_step=trainer.tokens_per_step(),
                start_step=trainer.step,
                unigram_entropy=unigram_entropy(trainer.train_data, cfg.model.vocab_size),
                threads=torch.get_num_threads(),
                device=str(trainer.device),
                parameters=sum(p.numel() for p in trainer.model.parameters()),
                processes=1 if dist is None else dist.world_size,
                devices=devices,
            )
        ]
    )
    batch: list = []
    last = time.monotonic()
    final = None
    for event in trainer.run():
        batch.append(event)
        if isinstance(event, FinishedEvent):
            final = event
        now = time.monotonic()
        # paused: the trainer blocks before its next event, so what we hold must go now
        if now - last >= BATCH_INTERVAL_S or control.paused:
            emit(batch)
            batch, last = [], now
            # also the Cancel check of the window's worker (window closing): stop cooperatively
            if progress is not None and progress(trainer.step, cfg.train.steps, "training") is False:
                control.stop()
    if batch:
        emit(batch)
    return final


def _build_trainer(config, run_dir, resume, control, tokenizer, steps, progress, init_from, dist) -> Any:
    """Prepare the data and build the trainer of a new or resumed run (see :func:`run_training`)."""
    from ..core.dataset.prepare import prepare_cached  # torch-free: a bad corpus or Cancel needs no torch

    init_path = Path(init_from) if init_from is not None and not resume else None
    if init_path is not None:
        from ..core.training.launch import config_for_init, read_init_source

        source = read_init_source(init_path)
        given = {"block_size": config.model.block_size, "dropout": config.model.dropout}
        config = config_for_init(config, source, given)
        prepared = prepare_cached(config, tokenizer=source.tokenizer, progress=progress)
    elif not resume:
        config = copy.deepcopy(config)
        if config.data.task == "translate":  # its tokenizers are trained on the pairs: one joint, or one per side
            from ..core.dataset.pair_prepare import prepare_pairs_cached

            prepared = prepare_pairs_cached(config, progress=progress)
        else:
            prepared = prepare_cached(config, tokenizer=tokenizer, progress=progress)
    from ..core.training import launch as runs

    if resume:
        return runs.resume_trainer(run_dir, steps=steps, control=control, progress=progress, dist=dist)
    if dist is not None:  # the run records how many processes trained it
        from dataclasses import replace

        config.train = replace(config.train, processes=dist.world_size)
    return runs.new_trainer(
        config, run_dir, prepared=prepared, control=control, progress=progress, init_from=init_path, dist=dist
    )
