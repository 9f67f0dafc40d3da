"""Start or resume training in a run folder: the glue between prepared data, models, checkpoints and the trainer.

The CLI and the GUI's Train tab go through these functions, so both build the same run folder from the
same config.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import torch

from ..config import ModelConfig, WorkspaceConfig
from ..dataset.pair_prepare import PreparedPairs, prepare_pairs_cached
from ..dataset.prepare import (
    Prepared,
    is_prepared_folder,
    load_prepared,
    prepare_cached,
)
from ..errors import CheckpointError, ConfigError, LMStudioError
from ..inference.metrics import unigram_entropy
from ..locks import (
    describe_write_error,
    lock_run_folder,
    remove_owned_folder,
)
from ..models import build_model, build_seq2seq
from ..models.hf_import import is_hf_folder, load_weights_into, read_hf_config, read_hf_folder
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
from ..tokenizers.hf import HFTokenizer
from .control import TrainingControl
from .distributed import Distributed
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
    init_from: Path | None = None,
    dist: Distributed | None = None,
) -> Trainer:
    """Prepare the data (cached), build the model from the seed, write the run folder, return a trainer.

    ``init_from``: start from the weights of a Hugging Face GPT-2 folder or of an earlier run (its best
    checkpoint) instead of the seed's; ``config`` must then have their architecture (:func:`config_for_init`
    makes one) and the data is encoded with their tokenizer. The run's config.json records the source.

    The trainer owns the folder (an OS lock, ``trainer.run_lock``) until its ``run()`` ends or the
    process exits; another process gets a clear refusal. ``overwrite_empty_run`` replaces a run that
    saved no checkpoint yet (and nothing else). ``from_prepared_folder``: ``prepared`` is a folder the user
    made with ``lmstudio prepare`` (see :func:`use_prepared`); the run records it and resume reads it again.
    ``config`` is not changed: the trainer gets a copy (with the tokenizer's vocabulary size).

    ``dist``: one of several processes (torchrun). Rank 0 makes the run folder as above; the other ranks call
    this after it, build the same trainer from the same (cached) data and write nothing.
    """
    config = copy.deepcopy(config)
    out_dir = Path(out_dir)
    if dist is not None and not dist.is_main:
        trainer, _, _ = _build_new(config, out_dir, prepared, control, progress, init_from, from_prepared_folder, dist)
        return trainer
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
        trainer, tokenizers, facts = _build_new(
            config, out_dir, prepared, control, progress, init_from, from_prepared_folder, dist
        )
        config = trainer.config
        if (out_dir / ckpt.CONFIG_FILE).exists():  # an empty run (checked above), replaced on request
            _remove_empty_run(out_dir)
        for name, tokenizer in tokenizers.items():
            try:
                tokenizer.save(out_dir / name)
            except OSError as exc:
                raise CheckpointError(describe_write_error(out_dir / name, exc)) from None
        ckpt.write_run_config(out_dir, config, facts)
    except BaseException:
        if created:  # a folder this call made, holding nothing the user wrote
            remove_owned_folder(out_dir, lock)
        lock.release()
        raise
    trainer.run_lock = lock
    return trainer


def _build_new(
    config: WorkspaceConfig,
    out_dir: Path,
    prepared: Prepared | PreparedPairs | None,
    control: TrainingControl | None,
    progress: ProgressCallback | None,
    init_from: Path | None,
    from_prepared_folder: bool,
    dist: Distributed | None,
) -> tuple[Trainer, dict[str, Tokenizer], dict[str, Any]]:
    """The data (cached), the model from the seed (or ``init_from``'s weights) and its trainer, with the
    tokenizers and facts the run folder records; writes nothing. ``config`` is this call's own copy."""
    translate = config.data.task == "translate"
    if translate and init_from is not None:
        raise ConfigError(
            f"--init-from {init_from}: starts a language model; set data.task to lm (translation runs start "
            "from their seed)"
        )
    if translate:
        pairs = prepared if isinstance(prepared, PreparedPairs) else prepare_pairs_cached(config, progress=progress)
        trainer = _translation_trainer(config, pairs, out_dir, control, dist=dist)
        tokenizers = {ckpt.TOKENIZER_DIR: pairs.target_tokenizer}
        if not pairs.shared:
            tokenizers[ckpt.SOURCE_TOKENIZER_DIR] = pairs.source_tokenizer
    else:
        source = read_init_source(init_from) if init_from is not None else None
        if source is not None:
            check_init_config(config, source)
            config.tokenizer = source.tokenizer.config
            prepared = prepared or prepare_cached(config, tokenizer=source.tokenizer, progress=progress)
            if prepared.tokenizer.fingerprint() != source.tokenizer.fingerprint():
                raise ConfigError(
                    f"--init-from {source.path}: the prepared data was encoded with another tokenizer; "
                    "leave out --prepared (the data is encoded with the tokenizer of the weights)"
                )
        prepared = prepared or prepare_cached(config, progress=progress)
        config.model = replace(config.model, vocab_size=prepared.tokenizer.vocab_size)
        torch.manual_seed(config.train.seed)
        model = build_model(config.model)
        if source is not None:
            load_weights_into(model, source.weights(config.model), str(source.path))
        # the trainer checks the splits against the block size before anything is written
        trainer = Trainer(
            config,
            model,
            prepared.store,
            out_dir,
            tokenizer=prepared.tokenizer,
            chars_per_token=prepared.chars_per_token("val"),
            control=control,
            dist=dist,
        )
        tokenizers = {ckpt.TOKENIZER_DIR: prepared.tokenizer}
        trainer.prepared_source = prepared  # samples are checked against its text (memorization)
    facts = _pair_facts(pairs, trainer.model) if translate else _facts(prepared, trainer.model)
    if not translate and source is not None:
        facts["init_from"] = source.facts
    if from_prepared_folder:
        facts["prepared"] = str(Path(prepared.directory).resolve())
    return trainer, tokenizers, facts


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
    dist: Distributed | None = None,
) -> Seq2SeqTrainer:
    """The encoder-decoder of ``config`` (vocabularies set from the tokenizers in ``config.model``) and its trainer."""
    source_vocab = 0 if pairs.shared else pairs.source_tokenizer.vocab_size
    config.model = replace(config.model, vocab_size=pairs.target_tokenizer.vocab_size, source_vocab_size=source_vocab)
    if resume is None:
        torch.manual_seed(config.train.seed)
    model = build_seq2seq(config.model)
    if weights is not None:
        ckpt.load_weights(weights, model)
    return Seq2SeqTrainer(config, model, pairs, run_dir, control=control, resume=resume, dist=dist)


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
    train = prepared.store.split("train")
    return {
        "tokenizer_fingerprint": prepared.tokenizer.fingerprint(),
        "vocab_size": prepared.tokenizer.vocab_size,
        "parameters": sum(p.numel() for p in model.parameters()),
        "chars_per_token": {s: prepared.chars_per_token(s) for s in ("train", "val")},
        # what a replay of the run draws without its data: the epochs axis and the unigram reference line
        "train_tokens": int(len(train)),
        "unigram_entropy": unigram_entropy(train, prepared.tokenizer.vocab_size),
    }


def resume_trainer(
    run_dir: Path,
    *,
    steps: int | None = None,
    control: TrainingControl | None = None,
    progress: ProgressCallback | None = None,
    dist: Distributed | None = None,
) -> Trainer:
    """Continue a run from its last checkpoint, to its configured number of steps or to ``steps``.

    A run that saved no checkpoint yet starts again from step 0 with its saved config. Nothing in the
    folder changes unless everything loads: ``config.json`` is rewritten (for a new ``steps``) and
    ``samples.jsonl`` cut back to the resumed step only then.

    ``dist``: one of several processes (torchrun). Rank 0 resumes as above; the other ranks call this after
    it and read the same checkpoint (the run folder must be on a file system every machine sees), writing
    nothing.
    """
    run_dir = Path(run_dir)
    ckpt.read_run_config(run_dir)  # a clear message for a missing or foreign folder before taking its lock
    writes = dist is None or dist.is_main
    lock = lock_run_folder(run_dir, _busy(run_dir, new=False)) if writes else _NoLock()
    try:
        if writes:
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
            trainer: Trainer = _translation_trainer(
                config, pairs, run_dir, control, resume=state, weights=weights, dist=dist
            )
            if writes:
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
        elif isinstance(facts.get("init_from"), dict):  # it started from given weights: from them again
            load_weights_into(model, _init_weights_again(run_dir, facts, tokenizer, config.model), str(run_dir))
        trainer = Trainer(
            config,
            model,
            prepared.store,
            run_dir,
            tokenizer=tokenizer,
            chars_per_token=prepared.chars_per_token("val"),
            control=control,
            resume=state,
            dist=dist,
        )
        trainer.prepared_source = prepared  # samples are checked against its text (memorization)
        if writes:
            ckpt.truncate_samples(run_dir, start)
            if steps is not None:
                ckpt.write_run_config(run_dir, config, facts)
    except BaseException:
        lock.release()
        raise
    if writes:
        trainer.run_lock = lock
    return trainer


class _NoLock:
    """The run-folder lock of a rank other than 0: rank 0 holds the real one."""

    def release(self) -> None:
        pass


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


# ---- starting a run from given weights (--init-from) --------------------------------------------------

# what a run started from given weights may change: the rest is fixed by the weights (seq2seq-only
# settings play no part in a language model)
INIT_FREE = frozenset({"block_size", "dropout", "source_vocab_size", "attention", "bidirectional", "shared_embeddings"})


@dataclass
class InitSource:
    """Weights a new run starts from: a Hugging Face GPT-2 folder (kind "hf") or an earlier run ("run")."""

    kind: str
    path: Path
    model: ModelConfig  # the architecture of the weights (block_size: the positions they hold)
    tokenizer: Tokenizer  # which then fixes the vocabulary
    facts: dict[str, Any]  # recorded in the new run's config.json as run.init_from

    def weights(self, model: ModelConfig) -> dict[str, torch.Tensor]:
        """The state dict for a model of ``model``'s settings (its block size may be shorter)."""
        if self.kind == "hf":
            return read_hf_folder(self.path, block_size=model.block_size).weights
        config, _ = ckpt.read_run_config(self.path)
        earlier = build_model(config.model)
        ckpt.load_weights(
            ckpt.resolve_checkpoint(self.path, self.facts["checkpoint"]).path / ckpt.WEIGHTS_FILE, earlier
        )
        weights = earlier.state_dict()
        if "wpe.weight" in weights:  # learned positions: the first block_size of them
            weights["wpe.weight"] = weights["wpe.weight"][: model.block_size]
        return weights


def read_init_source(path: Path) -> InitSource:
    """What ``--init-from PATH`` names: a Hugging Face GPT-2 folder or an lmstudio language-model run with a
    checkpoint (its best). Settings and tokenizer only; the weights are read when the run is built."""
    path = Path(path)
    if not path.is_dir():
        what = "is a file, not a folder" if path.exists() else "no such folder"
        raise ConfigError(
            f"--init-from {path}: {what}; give a Hugging Face GPT-2 folder or an lmstudio run folder (RUN_DIR)"
        )
    if not (path / ckpt.CONFIG_FILE).is_file():
        raise ConfigError(
            f"--init-from {path}: no config.json, so neither a Hugging Face model folder nor an lmstudio run; give "
            "a GPT-2 folder saved with save_pretrained (config.json, model.safetensors, tokenizer files) or a run"
        )
    if is_hf_folder(path):
        model, raw = read_hf_config(path)  # names what is missing when it is neither kind
        tokenizer = HFTokenizer.from_folder(path, model_vocab_size=model.vocab_size)
        if tokenizer.vocab_size != model.vocab_size:
            raise CheckpointError(
                f"{path}: the tokenizer has {tokenizer.vocab_size:,} tokens but the model only {model.vocab_size:,} "
                "embeddings; the folder mixes files of different models"
            )
        facts = {"kind": "hf", "path": str(path.resolve()), "model_type": raw.get("model_type")}
        facts["n_positions"] = model.block_size
        return InitSource("hf", path, model, tokenizer, facts)
    config, run_facts = ckpt.read_run_config(path)
    if config.data.task == "translate":
        raise ConfigError(
            f"--init-from {path}: is a translation run (an encoder-decoder); a new run starts from the weights of "
            "a language model only"
        )
    if not has_checkpoint(path):
        raise CheckpointError(f"--init-from {path}: the run saved no checkpoint yet; train it first or give another")
    tokenizer = run_tokenizer(path, run_facts)
    info = ckpt.resolve_checkpoint(path, "best")
    facts = {"kind": "run", "path": str(path.resolve()), "checkpoint": info.name, "step": info.step}
    return InitSource("run", path, config.model, tokenizer, facts)


def config_for_init(config: WorkspaceConfig, source: InitSource | Path, given: dict[str, Any] | None = None):
    """``config`` with the model settings of ``source``'s weights and its tokenizer's settings.

    ``given``: model settings the user chose explicitly (the CLI's flags): ``block_size`` and ``dropout``
    are taken (a learned-positions model has at most its table's positions); any other that differs
    from the weights is a ConfigError saying so, since the weights fix the architecture.
    """
    if not isinstance(source, InitSource):
        source = read_init_source(Path(source))
    given = dict(given or {})
    for key, value in sorted(given.items()):
        if key not in INIT_FREE and getattr(source.model, key) != value:
            raise ConfigError(
                f"--init-from {source.path}: model.{key} {value!r} differs from the weights' "
                f"{getattr(source.model, key)!r}; leave it out (the weights fix the architecture: only block_size "
                "and dropout may change)"
            )
    config = copy.deepcopy(config)
    free = {k: v for k, v in given.items() if k in ("block_size", "dropout")}
    config.model = replace(source.model, **free)
    config.tokenizer = source.tokenizer.config
    check_init_config(config, source)
    return config


def check_init_config(config: WorkspaceConfig, source: InitSource) -> None:
    """ConfigError when ``config``'s model cannot hold ``source``'s weights (another architecture or size)."""
    if config.data.task == "translate":
        raise ConfigError(
            f"--init-from {source.path}: starts a language model; set data.task to lm (translation runs start "
            "from their seed)"
        )
    for f in fields(ModelConfig):
        if f.name in INIT_FREE or f.name == "vocab_size":
            continue
        ours, theirs = getattr(config.model, f.name), getattr(source.model, f.name)
        if ours != theirs:
            raise ConfigError(
                f"--init-from {source.path}: model.{f.name} is {ours!r} but the weights have {theirs!r}; a run "
                "started from them keeps their architecture (only block_size and dropout may change)"
            )
    if source.model.positions == "learned" and config.model.block_size > source.model.block_size:
        raise ConfigError(
            f"model.block_size: {config.model.block_size} is beyond the {source.model.block_size} positions the "
            f"weights in {source.path} learned; use {source.model.block_size} or less"
        )


def _init_weights_again(
    run_dir: Path, facts: dict[str, Any], tokenizer: Tokenizer, model: ModelConfig
) -> dict[str, torch.Tensor]:
    """The weights a run started from, for a resume before its first checkpoint; they must still be there."""
    where = facts["init_from"]
    path = Path(str(where.get("path", "")))
    try:
        source = read_init_source(path)
    except LMStudioError as exc:
        raise CheckpointError(
            f"{run_dir}: started from the weights in {path}, which cannot be read now ({exc}), and saved no "
            "checkpoint yet; restore them, or start a new run"
        ) from None
    if source.tokenizer.fingerprint() != tokenizer.fingerprint():
        raise CheckpointError(
            f"{run_dir}: started from {path}, whose tokenizer has changed since, and saved no checkpoint yet; "
            "start a new run"
        )
    if source.kind == "run":
        source.facts["checkpoint"] = where.get("checkpoint", source.facts["checkpoint"])
    return source.weights(model)
