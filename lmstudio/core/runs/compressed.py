"""A compressed checkpoint on disk, and the recipe that turns it back into a model: no pickle anywhere.

A compressed checkpoint is a folder ``checkpoints/<name>/`` of the run, beside the trained ones:

    model.safetensors   pruned: the dense weights, zeros included (they load like any checkpoint's);
                        int8: the float tensors of the layers left in floating point, and for each
                        quantized layer its int8 weights, their scales and zero points, and its float biases
    meta.json           {"step", "val_loss", "format_version", "compression": RECIPE}

RECIPE is plain JSON: ``{"kind": "prune", ...}`` (what was pruned, for the record: the weights hold the
zeros) or ``{"kind": "quantize", "method": "int8", "modules": {name: {"type": "linear" | "lstm" |
"gru", "scheme": "per_channel" | "per_tensor"}}}``. :func:`apply_recipe` builds the quantized model
from a float model of the run's architecture: ``quantize_dynamic`` on exactly those modules, then their
int8 weights set from the file (``set_weight_bias``), so the loaded model computes what was measured,
bit for bit.

This module needs no model code (only torch, safetensors and the checkpoint reader), so the run loader
can use it.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file
from torch import nn

from ..errors import CheckpointError

RECIPE_KEY = "compression"  # the key of meta.json that holds the recipe
INT8_SUFFIX, SCALES_SUFFIX, ZEROS_SUFFIX = ".int8", ".scales", ".zero_points"
RECURRENT_TYPES = {"lstm": nn.LSTM, "gru": nn.GRU}


def read_recipe(folder: Path) -> dict[str, Any] | None:
    """The compression recipe of the checkpoint in ``folder``, or ``None`` for a trained checkpoint."""
    path = Path(folder) / "meta.json"
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"{path}: unreadable or corrupt ({exc})") from None
    recipe = meta.get(RECIPE_KEY) if isinstance(meta, dict) else None
    if recipe is None:
        return None
    if not isinstance(recipe, dict) or recipe.get("kind") not in ("prune", "quantize"):
        raise CheckpointError(f"{path}: {RECIPE_KEY!r} is not a compression recipe lmstudio wrote; the file is damaged")
    return recipe


def quiet_quantization():
    """``torch.ao.quantization`` warns on every call that it will be removed; the capability check says so once."""
    ctx = warnings.catch_warnings()
    ctx.__enter__()
    warnings.filterwarnings("ignore", message=".*torch.ao.quantization.*")
    warnings.filterwarnings("ignore", message=".*quantized tensor.*")
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)
    return ctx


def with_recurrent_biases(model: nn.Module, names: list[str]) -> None:
    """Give the named LSTM/GRU modules zero biases when they have none (torch's int8 kernels need them):
    the same function, since a zero bias adds nothing."""
    for name in names:
        module = model.get_submodule(name)
        if isinstance(module, (nn.LSTM, nn.GRU)) and not module.bias:
            cls = type(module)
            fresh = cls(
                module.input_size,
                module.hidden_size,
                num_layers=module.num_layers,
                bias=True,
                batch_first=module.batch_first,
                dropout=module.dropout,
                bidirectional=module.bidirectional,
            )
            with torch.no_grad():
                for pname, p in fresh.named_parameters():
                    if pname.startswith("bias"):
                        p.zero_()
                    else:
                        p.copy_(getattr(module, pname))
            _set_submodule(model, name, fresh)


def _set_submodule(model: nn.Module, name: str, module: nn.Module) -> None:
    parent, _, leaf = name.rpartition(".")
    setattr(model.get_submodule(parent) if parent else model, leaf, module)


def quantize_modules(model: nn.Module, modules: dict[str, dict[str, str]]) -> nn.Module:
    """``quantize_dynamic`` on exactly the named modules (in place): per-channel int8 for Linear layers,
    torch's per-tensor int8 for LSTM/GRU."""
    from torch.ao.quantization import default_dynamic_qconfig, per_channel_dynamic_qconfig, quantize_dynamic

    with_recurrent_biases(model, [n for n, m in modules.items() if m["type"] in RECURRENT_TYPES])
    spec = {
        name: per_channel_dynamic_qconfig if info["scheme"] == "per_channel" else default_dynamic_qconfig
        for name, info in modules.items()
    }
    ctx = quiet_quantization()
    try:
        return quantize_dynamic(model, spec, dtype=torch.qint8, inplace=True)
    finally:
        ctx.__exit__(None, None, None)


def _quantized_weight(tensors: dict[str, torch.Tensor], key: str, path: Path) -> torch.Tensor:
    try:
        ints, scales, zeros = (tensors[key + s] for s in (INT8_SUFFIX, SCALES_SUFFIX, ZEROS_SUFFIX))
    except KeyError:
        raise CheckpointError(f"{path}: the int8 weights of {key} are missing; the file is damaged") from None
    if ints.dtype != torch.int8:
        raise CheckpointError(f"{path}: {key}{INT8_SUFFIX} is {ints.dtype}, not int8; the file is damaged")
    if scales.dim() == 0:  # per tensor (LSTM/GRU)
        return torch._make_per_tensor_quantized_tensor(ints, float(scales.reshape(())), int(zeros.reshape(())))
    return torch._make_per_channel_quantized_tensor(ints, scales.double(), zeros.long(), 0)


def load_quantized(path: Path, model: nn.Module, recipe: dict[str, Any]) -> nn.Module:
    """Turn the float ``model`` (the run's architecture, fresh) into the quantized model stored at ``path``."""
    path = Path(path)
    modules = recipe.get("modules")
    if recipe.get("method") != "int8" or not isinstance(modules, dict):
        raise CheckpointError(f"{path.parent / 'meta.json'}: unknown quantization {recipe.get('method')!r}")
    try:
        tensors = load_file(str(path))
    except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
        raise CheckpointError(f"{path}: truncated or not a safetensors file ({exc})") from None
    prefixes = tuple(name + "." for name in modules)
    floats = {k: v for k, v in tensors.items() if not k.startswith(prefixes)}
    expected = {k for k in model.state_dict() if not k.startswith(prefixes)}
    missing, unexpected = sorted(expected - set(floats)), sorted(set(floats) - expected)
    if missing or unexpected:
        raise CheckpointError(
            f"{path}: weights are for another architecture (missing {', '.join(missing[:4]) or 'none'}; "
            f"unexpected {', '.join(unexpected[:4]) or 'none'})"
        )
    model.load_state_dict(floats, strict=False)
    quantize_modules(model, modules)
    ctx = quiet_quantization()
    try:
        for name, info in modules.items():
            module = model.get_submodule(name)
            if info["type"] == "linear":
                weight = _quantized_weight(tensors, f"{name}.weight", path)
                bias = tensors.get(f"{name}.bias")
                if tuple(weight.shape) != (module.out_features, module.in_features):
                    raise CheckpointError(
                        f"{path}: {name} has shape {tuple(weight.shape)} but the model expects "
                        f"{(module.out_features, module.in_features)}; load it with the run's own config"
                    )
                module.set_weight_bias(weight, bias)
            else:
                values = {}
                for key in module.get_weight():
                    values[key] = _quantized_weight(tensors, f"{name}.{key}", path)
                    bias_key = key.replace("weight", "bias")
                    values[bias_key] = tensors[f"{name}.{bias_key}"]
                module.set_weight_bias(values)
    except (RuntimeError, KeyError) as exc:
        raise CheckpointError(f"{path}: the int8 weights do not fit this model ({str(exc)[:200]})") from None
    finally:
        ctx.__exit__(None, None, None)
    return model.eval()


def quantized_tensors(model: nn.Module, modules: dict[str, dict[str, str]]) -> dict[str, torch.Tensor]:
    """What :func:`load_quantized` reads back: the float tensors, and each quantized module's int8
    weights, scales, zero points and float biases."""
    prefixes = tuple(name + "." for name in modules)
    out: dict[str, torch.Tensor] = {}
    seen: dict[int, str] = {}
    for key, value in model.state_dict().items():
        if isinstance(value, torch.Tensor) and not key.startswith(prefixes):
            ptr = value.data_ptr()
            out[key] = value.detach().clone() if ptr in seen else value.detach().contiguous()
            seen.setdefault(ptr, key)
    ctx = quiet_quantization()
    try:
        for name, info in modules.items():
            module = model.get_submodule(name)
            if info["type"] == "linear":
                items = {"weight": module.weight(), "bias": module.bias()}
            else:
                wb = module._weight_bias()
                items = {**wb["weight"], **wb["bias"]}
            for key, value in items.items():
                if value is None:
                    continue
                if value.is_quantized:
                    out.update(_int8_entries(f"{name}.{key}", value))
                else:
                    out[f"{name}.{key}"] = value.detach().float().contiguous()
    finally:
        ctx.__exit__(None, None, None)
    return out


def _int8_entries(key: str, q: torch.Tensor) -> dict[str, torch.Tensor]:
    if q.qscheme() in (torch.per_channel_affine, torch.per_channel_symmetric):
        scales, zeros = q.q_per_channel_scales().double(), q.q_per_channel_zero_points().long()
    else:
        scales, zeros = torch.tensor(q.q_scale(), dtype=torch.float64), torch.tensor(q.q_zero_point())
    return {
        key + INT8_SUFFIX: q.int_repr().contiguous(),
        key + SCALES_SUFFIX: scales.contiguous(),
        key + ZEROS_SUFFIX: zeros.contiguous(),
    }


def apply_recipe(folder: Path, model: nn.Module) -> nn.Module:
    """The model of the checkpoint in ``folder``: its weights loaded into ``model`` (a fresh model of the
    run's config), quantized first when the recipe says so. Returns the model to use (the same object)."""
    from .checkpoint import WEIGHTS_FILE, load_weights

    folder = Path(folder)
    recipe = read_recipe(folder)
    if recipe is not None and recipe["kind"] == "quantize":
        return load_quantized(folder / WEIGHTS_FILE, model, recipe)
    load_weights(folder / WEIGHTS_FILE, model)
    return model
