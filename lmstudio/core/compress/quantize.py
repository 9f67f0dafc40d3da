"""Quantization of a trained language model: what this platform's torch offers, and dynamic int8.

Dynamic int8 (``torch.ao.quantization.quantize_dynamic``): the weights of every Linear layer are
stored as int8 with one scale per output channel, LSTM/GRU weights as int8 with one scale per matrix;
activations are quantized on the fly at each matrix product, on the CPU (fbgemm/x86 or qnnpack
kernels). The embedding stays in floating point; when the output head is tied to it, the head gets
an int8 copy of the shared matrix and the embedding keeps the float one. A vanilla RNN (tanh) has no
int8 kernel in torch: only its head is quantized.

Weight-only int8/int4 need ``torchao``, which lmstudio does not install: they are listed as not
available, with the reason, never attempted.
"""

from __future__ import annotations

import copy
import importlib.util
from dataclasses import dataclass, field

import torch
from torch import nn

from ..errors import ConfigError
from ..runs.compressed import quantize_modules, quiet_quantization
from .methods import QUANTIZATIONS


def _int8_unavailable() -> str | None:
    """Why dynamic int8 cannot run here, or ``None`` when it can (a one-layer trial, not a guess)."""
    try:
        from torch.ao.quantization import quantize_dynamic  # noqa: F401
    except ImportError:
        return f"torch {torch.__version__} no longer ships torch.ao.quantization.quantize_dynamic"
    engines = [e for e in torch.backends.quantized.supported_engines if e != "none"]
    if not engines:
        return f"torch {torch.__version__} on this platform has no quantized engine (fbgemm, x86, qnnpack)"
    try:
        layer = nn.Sequential(nn.Linear(4, 4))
        quantize_modules(layer, {"0": {"type": "linear", "scheme": "per_channel"}})(torch.ones(1, 4))
    except (RuntimeError, AssertionError, NotImplementedError) as exc:
        return f"torch's int8 kernels fail on this platform ({str(exc).splitlines()[0][:120]})"
    return None


def available_quantizations() -> dict[str, str | None]:
    """Each quantization lmstudio knows -> ``None`` when this platform runs it, else why not."""
    torchao = importlib.util.find_spec("torchao") is not None
    weight_only = (
        "torchao is installed, but lmstudio cannot yet store its weight-only tensors without pickle; use int8"
        if torchao
        else "needs torchao, which is not installed (and not an lmstudio dependency); use int8"
    )
    return {"int8": _int8_unavailable(), "int8-weight": weight_only, "int4-weight": weight_only}


def quantization_note() -> str:
    """What the user should know about torch's quantization API on this version."""
    return (
        f"dynamic int8 runs through torch.ao.quantization (torch {torch.__version__}), which torch has "
        "deprecated; it runs on the CPU only"
    )


@dataclass
class Quantized:
    model: nn.Module  # the quantized copy (CPU, eval mode)
    modules: dict[str, dict[str, str]]  # what the recipe stores: name -> {"type", "scheme"}
    notes: list[str] = field(default_factory=list)


def check_quantization(method: str) -> None:
    """Refuse a quantization this platform lacks, with the reason (before anything is loaded or written)."""
    if method not in QUANTIZATIONS:
        raise ConfigError(f"--quantize {method}: unknown; choose one of {', '.join(QUANTIZATIONS)}")
    why = available_quantizations()[method]
    if why is not None:
        raise ConfigError(f"--quantize {method} ({QUANTIZATIONS[method]}): not available on this platform: {why}")


def quantize_model(model: nn.Module, method: str = "int8") -> Quantized:
    """A quantized copy of ``model`` (the original is left as it is)."""
    check_quantization(method)
    work = copy.deepcopy(model).to("cpu").eval()
    modules: dict[str, dict[str, str]] = {}
    notes: list[str] = []
    for name, module in work.named_modules():
        if isinstance(module, nn.Linear):
            modules[name] = {"type": "linear", "scheme": "per_channel"}
        elif isinstance(module, nn.LSTM):
            modules[name] = {"type": "lstm", "scheme": "per_tensor"}
        elif isinstance(module, nn.GRU):
            modules[name] = {"type": "gru", "scheme": "per_tensor"}
        if isinstance(module, (nn.LSTM, nn.GRU)) and not module.bias:
            notes.append(
                f"{name}: has no biases; torch's int8 {type(module).__name__} needs them, so it gets zero ones"
            )
        elif isinstance(module, nn.RNN):
            notes.append(f"{name}: torch has no int8 kernel for a vanilla RNN (tanh); it stays float32")
    if not modules:
        raise ConfigError("--quantize int8: this model has no Linear, LSTM or GRU layer to quantize")
    embeddings = [m for m in work.modules() if isinstance(m, nn.Embedding)]
    tied = any(isinstance(m, nn.Linear) and any(m.weight is e.weight for e in embeddings) for m in work.modules())
    if tied:
        notes.append(
            "the output head is tied to the embedding: the head is stored as an int8 copy, the embedding stays float32"
        )
    ctx = quiet_quantization()
    try:
        quantize_modules(work, modules)
    finally:
        ctx.__exit__(None, None, None)
    notes.append(quantization_note())
    return Quantized(work, modules, notes)
