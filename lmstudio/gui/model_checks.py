"""What the Model tab shows and checks, as plain functions (no Qt): validation of a model's settings
against the data, its costs, and a measured training step (run on a worker).
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass, field, replace
from typing import Any

from ..app.units import human_bytes, human_number  # noqa: F401  (the Model tab imports them here)
from ..core.config import ModelConfig, TrainConfig
from ..core.errors import ConfigError
from ..core.progress import ProgressCallback, report
from .i18n import QT_TR_NOOP, tr

FALLBACK_VOCAB = 65  # Tiny Shakespeare's characters: used for the estimates before any vocabulary exists


@dataclass
class ModelCheck:
    """The outcome of checking the Model tab's fields: a config when they are valid, and the problems."""

    config: ModelConfig | None
    issues: list[str] = field(default_factory=list)  # blocking problems, each naming the setting and the fix
    notes: list[str] = field(default_factory=list)  # informative, not blocking
    bad_fields: set[str] = field(default_factory=set)  # fields the issues found here are about (to mark them)

    @property
    def valid(self) -> bool:
        return self.config is not None and not self.issues


def estimate_vocab(
    tokenizer_vocab: int | None, tokenizer_kind: str, tokenizer_size: int, unique_chars: int | None
) -> tuple[int, str]:
    """The vocabulary size the model will get, and where the figure comes from (in English: pass it through
    ``tr`` to show it)."""
    if tokenizer_vocab:
        return tokenizer_vocab, QT_TR_NOOP("from the trained vocabulary")
    if tokenizer_kind == "char":
        if unique_chars:
            return unique_chars, QT_TR_NOOP("estimated: distinct characters of the corpus")
        return FALLBACK_VOCAB, QT_TR_NOOP("estimated (no corpus statistics yet)")
    return tokenizer_size, QT_TR_NOOP("estimated: the tokenizer's target size")


def estimate_split_tokens(chars: int | None, fraction: float, chars_per_token: float | None, kind: str) -> int | None:
    """Approximate tokens of a split from corpus characters, or None when unknown."""
    if not chars:
        return None
    cpt = chars_per_token or (1.0 if kind == "char" else 4.0)
    return int(chars * fraction / max(cpt, 1e-9))


def check_model(values: dict[str, Any], vocab_size: int, val_tokens: int | None = None) -> ModelCheck:
    """Build a ModelConfig from the tab's values (the config's own checks decide what is valid; its message
    is shown in the form's words) and check what only the data can tell: the block against the validation
    split."""
    from .messages import user_message

    issues: list[str] = []
    cfg: ModelConfig | None = None
    try:
        cfg = ModelConfig(**{**values, "vocab_size": vocab_size})
    except ConfigError as exc:
        issues.append(user_message(str(exc)))
    except TypeError as exc:  # a key ModelConfig does not know: a bug of the form, shown rather than raised
        issues.append(tr("model: {error}").format(error=exc))
    block = values.get("block_size")
    bad_fields: set[str] = set()
    if isinstance(block, int) and val_tokens is not None and block + 1 > val_tokens:
        issues.append(
            tr(
                "Block size {block} is larger than the validation split (about {tokens} tokens): "
                "lower the block size or use a larger corpus."
            ).format(block=block, tokens=val_tokens)
        )
        bad_fields.add("block_size")
    if cfg is None:
        return ModelCheck(None, issues, bad_fields=bad_fields)
    notes = []
    if cfg.arch != "transformer" and cfg.block_size > 512:
        notes.append(tr("Recurrent networks backpropagate through every step of the block: long blocks train slowly."))
    return ModelCheck(cfg, issues, notes, bad_fields)


FIT_SHARE = 0.8  # of the device's memory a training may plan on: the rest for the CUDA context, fragmentation,
# the allocator's cache and (for system RAM) the operating system and other programs


@dataclass(frozen=True)
class TrainingTarget:
    """What the Train tab's device and precision settings resolve to on this machine, for the estimates."""

    precision: str  # the resolved autocast precision: fp32, bf16 or fp16
    memory: int | None  # bytes the device has (GPU memory, else system RAM), None when unknown
    where: str  # "the GPU (NVIDIA ...)", "system RAM", ...: what ``memory`` is the memory of (English: see where_text)


@functools.lru_cache(maxsize=16)
def training_target(device: str = "auto", precision: str = "auto") -> TrainingTarget:
    """Resolve the train settings ``device`` and ``precision`` here (cached: the hardware does not change while
    the window is open). A device that is not present (``cuda`` on a machine without one) resolves to fp32 and
    unknown memory: the Train tab reports that setting's problem itself."""
    import torch

    from ..core.devices import device_memory, resolve_device, resolve_precision
    from ..core.errors import TrainingError

    try:
        resolved = resolve_device(device)
    except TrainingError:
        return TrainingTarget(precision if precision in ("bf16", "fp16") else "fp32", None, "")
    try:
        dtype = resolve_precision(precision, resolved)
    except TrainingError:  # fp16 on the CPU: refused when training starts
        dtype = torch.float32
    name = {torch.bfloat16: "bf16", torch.float16: "fp16"}.get(dtype, "fp32")
    if resolved.type == "cuda":
        where = f"the GPU ({torch.cuda.get_device_properties(resolved).name})"
    elif resolved.type == "mps":
        where = QT_TR_NOOP("Apple MPS (shared memory)")
    else:
        where = QT_TR_NOOP("system RAM")
    return TrainingTarget(name, device_memory(resolved), where)


def where_text(where: str) -> str:
    """A ``TrainingTarget.where`` in the window's language."""
    if where.startswith("the GPU (") and where.endswith(")"):
        return tr("the GPU ({name})").format(name=where[len("the GPU (") : -1])
    return tr(where)


def memory_verdict(total: int, target: TrainingTarget) -> tuple[bool | None, str]:
    """Whether ``total`` bytes of training memory fit the target device, and the sentence the Model tab shows;
    (None, "") when the device's memory is unknown."""
    if not target.memory:
        return None, ""
    budget = int(target.memory * FIT_SHARE)
    have, where = human_bytes(target.memory), where_text(target.where)
    if total <= budget:
        return True, tr("fits: {needed} of {available} of {where} ({precision})").format(
            needed=human_bytes(total), available=have, where=where, precision=target.precision
        )
    if target.precision == "fp32" and target.where.startswith("the GPU"):  # bf16 halves the activations
        fix = tr(
            "lower the batch size (Train tab), the block size, the width or the layers, "
            "or set the precision to auto or bf16"
        )
    else:
        fix = tr("lower the batch size (Train tab), the block size, the width or the layers")
    return False, tr(
        "may not fit: {needed} needed, {available} of {where} ({precision}; plan on at most {share} of it): {fix}"
    ).format(
        needed=human_bytes(total),
        available=have,
        where=where,
        precision=target.precision,
        share=f"{FIT_SHARE:.0%}",
        fix=fix,
    )


def model_costs(
    cfg: ModelConfig, batch_size: int, target: TrainingTarget | None = None, encoder_decoder: bool = False
) -> dict[str, Any]:
    """Parameters, memory (weights, gradients, optimizer, half-precision copies, activations) at the target's
    precision, training FLOPs per token, and whether the memory fits the target device (``fits``: True, False
    or None when its memory is unknown; ``fit_text``: the sentence to show). ``encoder_decoder``: of the
    encoder-decoder of ``cfg.arch``'s family (``data.task = "translate"``)."""
    from ..core.models.stats import flops_per_token, memory_estimate, parameter_count

    target = target or TrainingTarget("fp32", None, "")
    memory = memory_estimate(cfg, batch_size=batch_size, precision=target.precision, encoder_decoder=encoder_decoder)
    fits, fit_text = memory_verdict(memory["total"], target)
    return {
        "parameters": parameter_count(cfg, encoder_decoder),
        "flops_per_token": flops_per_token(cfg, encoder_decoder),
        **{f"memory_{k}": v for k, v in memory.items()},
        "precision": target.precision,
        "device_memory": target.memory,
        "fits": fits,
        "fit_text": fit_text,
    }


def build_private_model(model_cfg: ModelConfig, device: Any = "cpu", seed: int = 0, encoder_decoder: bool = False):
    """The model of ``model_cfg`` with weights drawn from its own generator, never from the global torch RNG
    (a training thread may be drawing from it: its dropout and batches must not shift). Built on the meta
    device (no random numbers drawn), then materialized on the CPU, tied weights tied again, every
    parameter and buffer filled from a private ``torch.Generator``, and moved to ``device``. The weights are
    not the trainer's initialization: this model is for timing, not training."""
    import torch

    from ..core.models import build_model, build_seq2seq

    with torch.device("meta"):
        model = build_seq2seq(model_cfg) if encoder_decoder else build_model(model_cfg)
    shared: dict[int, list[tuple[Any, str]]] = {}
    for module in model.modules():
        for name, p in module._parameters.items():
            if p is not None:
                shared.setdefault(id(p), []).append((module, name))
    model = model.to_empty(device="cpu")
    for group in shared.values():  # to_empty gives each use of a tied parameter its own copy: tie them again
        first = getattr(group[0][0], group[0][1])
        for module, name in group[1:]:
            setattr(module, name, first)
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for t in (*model.parameters(), *model.buffers()):
            if t.is_floating_point():
                t.normal_(0.0, 0.02, generator=gen)
            else:
                t.zero_()
    return model.to(device)


def measure_step_time(
    model_cfg: ModelConfig,
    train_cfg: TrainConfig,
    steps: int = 5,
    progress: ProgressCallback | None = None,
    encoder_decoder: bool = False,
) -> dict[str, Any]:
    """Time full training steps (forward, backward, AdamW) on random tokens on the configured device.

    ``encoder_decoder``: the encoder-decoder of the family, on sources and targets of ``block_size`` tokens each
    (the longest pairs a run keeps); tokens per second then count target tokens.

    Only private generators draw random numbers here, so the global torch RNG stays as a running training
    left it; the model is therefore timed without dropout, whose masks can only come from the global RNG
    (in attention and recurrent layers), and the result says so. The thread count is left alone:
    ``torch.set_num_threads`` belongs to whoever owns the process (the CLI entry, the GUI's start, the
    trainer on its own thread), so the step runs with the threads this process was given.
    """
    import torch

    from ..core.devices import autocast, describe_device, make_adamw, resolve_device, resolve_precision

    device = resolve_device(train_cfg.device)
    dtype = resolve_precision(train_cfg.precision, device, model_cfg.arch)
    without_dropout = model_cfg.dropout > 0
    model = build_private_model(replace(model_cfg, dropout=0.0), device, encoder_decoder=encoder_decoder).train()
    opt = make_adamw(model.parameters(), 1e-4, (0.9, 0.99), device)
    gen = torch.Generator().manual_seed(0)
    shape = (train_cfg.batch_size, model_cfg.block_size)
    x = torch.randint(0, model_cfg.vocab_size, shape, generator=gen).to(device)
    y = torch.randint(0, model_cfg.vocab_size, shape, generator=gen).to(device)
    if encoder_decoder:
        source_vocab = model_cfg.source_vocab_size or model_cfg.vocab_size
        src = torch.randint(0, source_vocab, shape, generator=gen).to(device)
        inputs: tuple = (src, torch.ones(shape, dtype=torch.bool, device=device), x, y)
    else:
        inputs = (x, y)

    def one_step() -> None:
        with autocast(device, dtype):
            _, loss = model(*inputs)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        if device.type == "cuda":
            torch.cuda.synchronize()

    times = []
    total = steps + 2
    for i in range(total):
        if report(progress, i, total, tr("timing a training step")) is False:
            break
        t0 = time.perf_counter()
        one_step()
        if i >= 2:  # the first steps allocate and warm caches
            times.append(time.perf_counter() - t0)
    report(progress, total, total, tr("done"))
    if not times:
        times = [math.nan]
    times.sort()
    median = times[len(times) // 2]
    return {
        "seconds_per_step": median,
        "tokens_per_sec": shape[0] * shape[1] / median,
        "device": describe_device(device),
        "batch_size": shape[0],
        "block_size": shape[1],
        "threads": torch.get_num_threads(),
        "without_dropout": without_dropout,
    }
