"""Start or resume training in a run folder: the glue between prepared data, models, checkpoints and the trainer.

The CLI and the GUI's Train tab go through these functions, so both build the same run folder from the
same config.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import torch

from ..config import WorkspaceConfig
from ..dataset.pair_prepare import PreparedPairs, prepare_pairs_cached
from ..dataset.prepare import (
    Prepared,
    is_prepared_folder,
    load_prepared,
    prepare_cached,
)
from ..errors import CheckpointError, LMStudioError
from ..locks import (
    describe_write_error,
    lock_run_folder,
    remove_owned_folder,
)
from ..models import build_model, build_seq2seq
from ..progress import ProgressCallback
from ..runs import checkpoint as ckpt
from ..runs.folders import (
    _busy,
    _remove_empty_run,
    check_new_run_dir,
    clean_run_folder,
    has_checkpoint,
    run_source_tokenizer,
    run_tokenizer,
)
from ..tokenizers import Tokenizer
from .control import TrainingControl
from .schedule import lr_at
from .seq2seq_trainer import Seq2SeqTrainer
from .trainer import Trainer


def new_trainer(
    config: WorkspaceConfig,
    out_dir: Path,
    *,
    prepared: Prepared | PreparedPairs | None = None,
    control: TrainingControl | None = None,
    progress: ProgressCallback | None = None,
    overwrite_empty_run: bool = False,
    from_prepared_folder: bool = False,
) -> Trainer:
    """Prepare the data (cached), build the model from the seed, write the run folder, return a trainer.

    The trainer owns the folder (an OS lock, ``trainer.run_lock``) until its ``run()`` ends or the
    process exits; another process gets a clear refusal. ``overwrite_empty_run`` replaces a run that
    saved no checkpoint yet (and nothing else). ``from_prepared_folder``: ``prepared`` is a folder the user
    made with ``lmstudio prepare`` (see :func:`use_prepared`); the run records it and resume reads it again.
    ``config`` is not changed: the trainer gets a copy (with the tokenizer's vocabulary size).
    """
    config = copy.deepcopy(config)
    out_dir = Path(out_dir)
    check_new_run_dir(out_dir, overwrite_empty_run=overwrite_empty_run)
    created = not out_dir.exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CheckpointError(describe_write_error(out_dir, exc)) from None
    try:
        lock = lock_run_folder(out_dir, _busy(out_dir, new=True))
    except BaseException:
        if created:  # only while empty: another process that made it at the same time may own it now
            try:
                out_dir.rmdir()
            except OSError:
                pass
        raise
    try:
        clean_run_folder(out_dir)
        check_new_run_dir(
            out_dir, overwrite_empty_run=overwrite_empty_run, _locked_here=True
        )  # again, now that it is ours
        translate = config.data.task == "translate"
        if translate:
            pairs = prepared if isinstance(prepared, PreparedPairs) else prepare_pairs_cached(config, progress=progress)
            trainer = _translation_trainer(config, pairs, out_dir, control)
            tokenizers = {ckpt.TOKENIZER_DIR: pairs.target_tokenizer}
            if not pairs.shared:
                tokenizers[ckpt.SOURCE_TOKENIZER_DIR] = pairs.source_tokenizer
        else:
            prepared = prepared or prepare_cached(config, progress=progress)
            config.model = replace(config.model, vocab_size=prepared.tokenizer.vocab_size)
            torch.manual_seed(config.train.seed)
            model = build_model(config.model)
            # the trainer checks the splits against the block size before anything is written
            trainer = Trainer(
                config,
                model,
                prepared.store,
                out_dir,
                tokenizer=prepared.tokenizer,
                chars_per_token=prepared.chars_per_token("val"),
                control=control,
            )
            tokenizers = {ckpt.TOKENIZER_DIR: prepared.tokenizer}
        if (out_dir / ckpt.CONFIG_FILE).exists():  # an empty run (checked above), replaced on request
            _remove_empty_run(out_dir)
        for name, tokenizer in tokenizers.items():
            try:
                tokenizer.save(out_dir / name)
            except OSError as exc:
                raise CheckpointError(describe_write_error(out_dir / name, exc)) from None
        facts = _pair_facts(pairs, trainer.model) if translate else _facts(prepared, trainer.model)
        if from_prepared_folder:
            facts["prepared"] = str(Path(prepared.directory).resolve())
        ckpt.write_run_config(out_dir, config, facts)
    except BaseException:
        if created:  # a folder this call made, holding nothing the user wrote
            remove_owned_folder(out_dir, lock)
        lock.release()
        raise
    trainer.run_lock = lock
    return trainer


@dataclass
class ResumePlan:
    """What resuming a run does to its schedule, read from its folder (no weights loaded)."""

    start_step: int  # the step of its last checkpoint (0 when none was saved: it starts again)
    run_steps: int  # the steps of the run's own schedule (config.json)
    steps: int  # the steps it will train to
    lr_run: float  # learning rate of the next step under the run's own schedule
    lr_new: float  # learning rate of the next step under the schedule to ``steps``

    @property
    def extends(self) -> bool:
        """True when the schedule changes (a deliberate "continue to N steps")."""
        return self.steps != self.run_steps


def resume_plan(run_dir: Path, steps: int | None = None) -> ResumePlan:
    """The schedule :func:`resume_trainer` would follow with ``steps``: the run's own (None) or one to
    ``steps``, with the learning rate of the next step under both (the peak is the config's; a Set LR
    made while it trained scales both alike)."""
    run_dir = Path(run_dir)
    config, _ = ckpt.read_run_config(run_dir)
    start = ckpt.resolve_checkpoint(run_dir, "last").step if has_checkpoint(run_dir) else 0
    t = config.train
    target = t.steps if steps is None else int(steps)

    def lr(total: int) -> float:
        return lr_at(
            start,
            peak=t.lr,
            floor=t.min_lr,
            warmup=t.warmup_steps,
            total=total,
            schedule=t.schedule,
            warmdown=t.warmdown,
        )

    return ResumePlan(start, t.steps, target, lr(t.steps), lr(target))


def use_prepared(config: WorkspaceConfig, directory: Path) -> Prepared:
    """Train from a folder ``lmstudio prepare`` wrote: its tokenizer and token files, and (in ``config``) the
    data and tokenizer settings it was made with. ConfigError when ``directory`` is not such a folder."""
    import json

    from ..config import ConfigError
    from ..config import WorkspaceConfig as _Workspace

    directory = Path(directory)
    if not is_prepared_folder(directory):
        raise ConfigError(
            f"--prepared {directory}: not a folder written by `lmstudio prepare` (it holds report.json, "
            f"tokenizer/ and tokens/ and nothing else); make one with `lmstudio prepare --out {directory}`"
        )
    report = json.loads((directory / "report.json").read_text(encoding="utf-8"))
    sections = {"tokenizer": report.get("tokenizer", {})}
    if isinstance(report.get("data"), dict):  # folders prepared before lmstudio recorded it keep the defaults
        sections["data"] = report["data"]
    made = _Workspace.from_dict(sections, source=str(directory / "report.json"))
    config.tokenizer = made.tokenizer
    if "data" in sections:
        config.data = made.data
    return load_prepared(directory)


def _translation_trainer(
    config: WorkspaceConfig,
    pairs: PreparedPairs,
    run_dir: Path,
    control: TrainingControl | None,
    resume: dict[str, Any] | None = None,
    weights: Path | None = None,
) -> Seq2SeqTrainer:
    """The encoder-decoder of ``config`` (vocabularies set from the tokenizers in ``config.model``) and its trainer."""
    source_vocab = 0 if pairs.shared else pairs.source_tokenizer.vocab_size
    config.model = replace(config.model, vocab_size=pairs.target_tokenizer.vocab_size, source_vocab_size=source_vocab)
    if resume is None:
        torch.manual_seed(config.train.seed)
    model = build_seq2seq(config.model)
    if weights is not None:
        ckpt.load_weights(weights, model)
    return Seq2SeqTrainer(config, model, pairs, run_dir, control=control, resume=resume)


def _pair_facts(pairs: PreparedPairs, model: torch.nn.Module) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "tokenizer_fingerprint": pairs.target_tokenizer.fingerprint(),
        "vocab_size": pairs.target_tokenizer.vocab_size,
        "parameters": sum(p.numel() for p in model.parameters()),
        "chars_per_token": {s: pairs.chars_per_token(s) for s in ("train", "val")},
        "pairs": {s: info["pairs"] for s, info in pairs.report["splits"].items()},
    }
    if not pairs.shared:
        facts["source_tokenizer_fingerprint"] = pairs.source_tokenizer.fingerprint()
        facts["source_vocab_size"] = pairs.source_tokenizer.vocab_size
    return facts


def _facts(prepared: Prepared, model: torch.nn.Module) -> dict[str, Any]:
    return {
        "tokenizer_fingerprint": prepared.tokenizer.fingerprint(),
        "vocab_size": prepared.tokenizer.vocab_size,
        "parameters": sum(p.numel() for p in model.parameters()),
        "chars_per_token": {s: prepared.chars_per_token(s) for s in ("train", "val")},
    }


def resume_trainer(
    run_dir: Path,
    *,
    steps: int | None = None,
    control: TrainingControl | None = None,
    progress: ProgressCallback | None = None,
) -> Trainer:
    """Continue a run from its last checkpoint, to its configured number of steps or to ``steps``.

    A run that saved no checkpoint yet starts again from step 0 with its saved config. Nothing in the
    folder changes unless everything loads: ``config.json`` is rewritten (for a new ``steps``) and
    ``samples.jsonl`` cut back to the resumed step only then.
    """
    run_dir = Path(run_dir)
    ckpt.read_run_config(run_dir)  # a clear message for a missing or foreign folder before taking its lock
    lock = lock_run_folder(run_dir, _busy(run_dir, new=False))
    try:
        clean_run_folder(run_dir)
        config, facts = ckpt.read_run_config(run_dir)
        tokenizer = run_tokenizer(run_dir, facts)
        state = None
        if has_checkpoint(run_dir):
            last = ckpt.resolve_checkpoint(run_dir, "last")
            state = ckpt.load_training_state(last.path / ckpt.STATE_FILE)
        elif damaged := ckpt.incomplete_checkpoints(run_dir):  # never start again over checkpoints it cannot read
            name, why = sorted(damaged.items())[0]
            raise CheckpointError(
                f"{ckpt.checkpoints_dir(run_dir) / name}: damaged checkpoint ({why}); restore it, "
                "or delete it to train this run again from step 0"
            )
        start = int(state["step"]) if state is not None else 0
        weights = last.path / ckpt.WEIGHTS_FILE if state is not None else None
        if steps is not None:
            if steps <= start:
                raise CheckpointError(f"{run_dir}: already at step {start}; give --steps above that to continue")
            config.train = replace(config.train, steps=steps)
        elif start >= config.train.steps:
            raise CheckpointError(
                f"{run_dir}: already finished its {config.train.steps} steps; give --steps N to continue further"
            )
        if config.data.task == "translate":
            source = run_source_tokenizer(run_dir, facts, tokenizer)
            pairs = prepare_pairs_cached(config, tokenizers=(source, tokenizer), progress=progress)
            trainer: Trainer = _translation_trainer(config, pairs, run_dir, control, resume=state, weights=weights)
            ckpt.truncate_samples(run_dir, start)
            if steps is not None:
                ckpt.write_run_config(run_dir, config, facts)
            trainer.run_lock = lock
            return trainer
        prepared = _prepared_for_resume(facts, tokenizer) or prepare_cached(
            config, tokenizer=tokenizer, progress=progress
        )
        if state is None:
            torch.manual_seed(config.train.seed)  # the same start as the run's own first try
        model = build_model(config.model)
        if state is not None:
            ckpt.load_weights(last.path / ckpt.WEIGHTS_FILE, model)
        trainer = Trainer(
            config,
            model,
            prepared.store,
            run_dir,
            tokenizer=tokenizer,
            chars_per_token=prepared.chars_per_token("val"),
            control=control,
            resume=state,
        )
        ckpt.truncate_samples(run_dir, start)
        if steps is not None:
            ckpt.write_run_config(run_dir, config, facts)
    except BaseException:
        lock.release()
        raise
    trainer.run_lock = lock
    return trainer


def _prepared_for_resume(facts: dict[str, Any], tokenizer: Tokenizer) -> Prepared | None:
    """The prepared folder the run trained from (``train --prepared``), if it is still there and unchanged."""
    where = facts.get("prepared")
    if not isinstance(where, str) or not is_prepared_folder(Path(where)):
        return None
    try:
        prepared = load_prepared(Path(where))
    except LMStudioError:
        return None
    return prepared if prepared.tokenizer.fingerprint() == tokenizer.fingerprint() else None
