"""A local Hugging Face GPT-2-style folder read into lmstudio's own Transformer, exactly.

    folder/config.json (model_type "gpt2")      -> ModelConfig: learned positions, biases on, tied head,
                                                   mlp_activation gelu_tanh for GPT-2's gelu_new
    folder/model.safetensors (or its shards,     -> the TransformerLM state dict: Conv1D weights (in, out)
           or pytorch_model.bin read with            transposed to nn.Linear's (out, in); the attention's
           torch.load(weights_only=True))            per-layer mask buffers dropped
    folder/tokenizer.json (or vocab.json +       -> HFTokenizer (kind "hf"), which then fixes the vocabulary
           merges.txt)

Nothing is downloaded and ``transformers`` is not needed: the files are read with json, safetensors and
``tokenizers``. GPT-2's attention splits c_attn's output into all queries, all keys, all values, each head
a contiguous slice: the layout of our CausalSelfAttention, so only the transposes differ. A folder that is
not GPT-2, or whose GPT-2 has something our model lacks (scaled attention by layer, cross-attention, a
LayerNorm epsilon other than 1e-5), is refused with a message rather than imported approximately.
"""

from __future__ import annotations

import json
import math
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from ..config import ModelConfig
from ..errors import CheckpointError, ConfigError
from ..tokenizers.hf import HFTokenizer
from .registry import build_model

CONFIG_FILE = "config.json"
SAFETENSORS_FILE = "model.safetensors"
SAFETENSORS_INDEX = "model.safetensors.index.json"
TORCH_FILE = "pytorch_model.bin"
# GPT-2's MLP activations and ours: gelu_new and gelu_pytorch_tanh are the same function (the tanh approximation)
ACTIVATIONS = {"gelu_new": "gelu_tanh", "gelu_pytorch_tanh": "gelu_tanh", "gelu": "gelu"}
LAYER_NORM_EPS = 1e-5  # torch.nn.LayerNorm's, which our Transformer uses
# GPT2Config's defaults: what transformers assumes for a key a config.json leaves out
GPT2_DEFAULTS: dict[str, Any] = {
    "vocab_size": 50257,
    "n_positions": 1024,
    "n_embd": 768,
    "n_layer": 12,
    "n_head": 12,
    "n_inner": None,
    "activation_function": "gelu_new",
    "resid_pdrop": 0.1,
    "layer_norm_epsilon": 1e-5,
    "scale_attn_weights": True,
    "scale_attn_by_inverse_layer_idx": False,
    "add_cross_attention": False,
    "tie_word_embeddings": True,
}
_MASK_BUFFER = re.compile(r"^h\.\d+\.attn\.(bias|masked_bias)$")  # causal-mask buffers older files hold
_LINEAR = ("attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj")  # Conv1D in GPT-2: weight (in, out)


@dataclass
class HFImport:
    """What a Hugging Face folder holds, in lmstudio's terms."""

    folder: Path
    model_config: ModelConfig  # block_size = the folder's n_positions unless a shorter one was asked for
    tokenizer: HFTokenizer
    weights: dict[str, torch.Tensor]  # our TransformerLM state dict (float32, on the CPU)
    facts: dict[str, Any] = field(default_factory=dict)  # where it came from: recorded in a run's config.json

    def build(self) -> torch.nn.Module:
        """A TransformerLM holding the imported weights (on the CPU, in training mode)."""
        model = build_model(self.model_config)
        load_weights_into(model, self.weights, str(self.folder))
        return model


def is_hf_folder(path: Path) -> bool:
    """A folder with a Hugging Face config.json (one naming a model_type), as opposed to an lmstudio run."""
    path = Path(path) / CONFIG_FILE
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(doc, dict) and "model_type" in doc and "run" not in doc


def read_hf_config(folder: Path, block_size: int | None = None) -> tuple[ModelConfig, dict[str, Any]]:
    """The ModelConfig of a GPT-2 folder's config.json and the raw config; CheckpointError naming what is wrong."""
    folder = Path(folder)
    path = folder / CONFIG_FILE
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "no such folder"
        raise CheckpointError(
            f"{folder}: {what}; give a Hugging Face model folder (config.json, model.safetensors, tokenizer files)"
        )
    if not path.is_file():
        raise CheckpointError(
            f"{folder}: no config.json, so not a Hugging Face model folder; save one with "
            "model.save_pretrained(DIR) and tokenizer.save_pretrained(DIR), or copy the model's files into it"
        )
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"{path}: unreadable or not JSON ({exc}); restore it from the model's source") from None
    if not isinstance(raw, dict):
        raise CheckpointError(f"{path}: expected a JSON object; restore it from the model's source")
    if "run" in raw and "model" in raw:
        raise CheckpointError(f"{folder}: is an lmstudio run folder, not a Hugging Face one; open it as a run")
    model_type = raw.get("model_type")
    if model_type != "gpt2":
        raise CheckpointError(
            f"{path}: model_type {model_type!r} is not GPT-2; lmstudio imports GPT-2-style models "
            '(model_type "gpt2": learned positions, LayerNorm, GELU MLP) only'
        )
    c = {**GPT2_DEFAULTS, **{k: v for k, v in raw.items() if v is not None or k == "n_inner"}}

    def whole(key: str) -> int:
        value = c[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise CheckpointError(f"{path}: {key} must be a whole number of at least 1, got {value!r}")
        return value

    d, n_positions = whole("n_embd"), whole("n_positions")
    inner = c["n_inner"] if c["n_inner"] is not None else 4 * d
    if isinstance(inner, bool) or not isinstance(inner, int) or inner < 1 or inner % d:
        raise CheckpointError(
            f"{path}: n_inner {inner!r} is not a multiple of n_embd {d}; lmstudio's MLP width is a whole "
            "multiple of the model width"
        )
    activation = c["activation_function"]
    if activation not in ACTIVATIONS:
        raise CheckpointError(
            f"{path}: activation_function {activation!r} has no exact equivalent in lmstudio "
            f"(it has {', '.join(sorted(ACTIVATIONS))})"
        )
    eps = c["layer_norm_epsilon"]
    if not isinstance(eps, (int, float)) or not math.isclose(eps, LAYER_NORM_EPS, rel_tol=1e-6):
        raise CheckpointError(
            f"{path}: layer_norm_epsilon {eps!r} differs from lmstudio's LayerNorm ({LAYER_NORM_EPS}); "
            "the logits would not be the model's"
        )
    for key, wanted, why in (
        ("scale_attn_weights", True, "attention scores divided by sqrt(head size)"),
        ("scale_attn_by_inverse_layer_idx", False, "no extra per-layer scaling of attention"),
        ("add_cross_attention", False, "no cross-attention (a decoder-only model)"),
    ):
        if c[key] is not wanted:
            raise CheckpointError(
                f"{path}: {key} is {c[key]!r}; lmstudio's Transformer has {why}, so it cannot be imported"
            )
    if block_size is not None and not 1 <= block_size <= n_positions:
        raise ConfigError(
            f"model.block_size: {block_size} is beyond the {n_positions} positions {folder.name} learned; "
            f"use {n_positions} or less"
        )
    dropout = c["resid_pdrop"]
    try:
        config = ModelConfig(
            arch="transformer",
            vocab_size=whole("vocab_size"),
            block_size=block_size or n_positions,
            n_layer=whole("n_layer"),
            n_head=whole("n_head"),
            d_model=d,
            dropout=float(dropout) if isinstance(dropout, (int, float)) and 0 <= dropout < 1 else 0.0,
            tie_weights=bool(c["tie_word_embeddings"]),
            positions="learned",
            bias=True,
            mlp_ratio=inner // d,
            mlp_activation=ACTIVATIONS[activation],
            qk_norm=False,
        )
    except ConfigError as exc:
        raise CheckpointError(f"{path}: {exc}") from None
    return config, raw


def read_hf_tensors(folder: Path) -> tuple[dict[str, torch.Tensor], str]:
    """The tensors of a folder's weights file(s) by their Hugging Face names, and which file(s) they came from.

    safetensors first (one file, or the shards its index names); pytorch_model.bin only through
    ``torch.load(weights_only=True)``, which refuses anything but tensors without running it.
    """
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    folder = Path(folder)
    single, index, legacy = folder / SAFETENSORS_FILE, folder / SAFETENSORS_INDEX, folder / TORCH_FILE

    def safetensors(path: Path) -> dict[str, torch.Tensor]:
        try:
            return load_file(str(path), device="cpu")
        except (SafetensorError, OSError, ValueError, RuntimeError, TypeError) as exc:
            raise CheckpointError(
                f"{path}: truncated or not a safetensors file ({str(exc)[:200]}); copy it again"
            ) from None

    if single.is_file():
        return safetensors(single), single.name
    if index.is_file():
        try:
            weight_map = json.loads(index.read_text(encoding="utf-8"))["weight_map"]
            shards = sorted(set(weight_map.values()))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise CheckpointError(f"{index}: unreadable or damaged ({exc}); copy it again") from None
        tensors: dict[str, torch.Tensor] = {}
        for name in shards:
            shard = folder / str(name)
            if Path(str(name)).name != str(name) or not shard.is_file():
                raise CheckpointError(f"{index}: names the shard {name!r}, which is not in {folder}; copy it there")
            tensors.update(safetensors(shard))
        return tensors, index.name
    if legacy.is_file():
        try:
            state = torch.load(legacy, map_location="cpu", weights_only=True)
        except pickle.UnpicklingError:
            raise CheckpointError(
                f"{legacy}: holds more than tensors, and lmstudio loads weights only with weights_only=True "
                "(a pickle can run code); convert it to model.safetensors where you trust it"
            ) from None
        except (OSError, RuntimeError, EOFError, ValueError) as exc:
            raise CheckpointError(f"{legacy}: truncated or not a PyTorch weights file ({str(exc)[:200]})") from None
        if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
            raise CheckpointError(f"{legacy}: not a state dict of tensors; convert it to model.safetensors")
        return dict(state), legacy.name
    raise CheckpointError(
        f"{folder}: no weights (model.safetensors, its shards with {SAFETENSORS_INDEX}, or {TORCH_FILE}); "
        "copy the model's weights into the folder"
    )


def convert_gpt2(hf: dict[str, torch.Tensor], config: ModelConfig, source: str) -> dict[str, torch.Tensor]:
    """GPT-2's state dict (GPT2LMHeadModel or GPT2Model names) as our TransformerLM's, float32.

    Every tensor our model needs must be there with GPT-2's shape, and nothing else may be (a head for
    another task, cross-attention): either is a CheckpointError naming the tensors.
    """
    tensors: dict[str, torch.Tensor] = {}
    for key, value in hf.items():
        name = key.removeprefix("transformer.")
        if _MASK_BUFFER.match(name):
            continue
        tensors[name] = value
    d, v, inner = config.d_model, config.vocab_size, config.mlp_ratio * config.d_model
    n_positions = tensors["wpe.weight"].shape[0] if "wpe.weight" in tensors else config.block_size
    shapes: dict[str, tuple[int, ...]] = {"wte.weight": (v, d), "wpe.weight": (n_positions, d)}
    shapes.update({"ln_f.weight": (d,), "ln_f.bias": (d,)})
    for i in range(config.n_layer):
        h = f"h.{i}."
        for ln in ("ln_1", "ln_2"):
            shapes[h + ln + ".weight"] = shapes[h + ln + ".bias"] = (d,)
        for name, (fan_in, fan_out) in zip(_LINEAR, ((d, 3 * d), (d, d), (d, inner), (inner, d))):
            shapes[h + name + ".weight"] = (fan_in, fan_out)
            shapes[h + name + ".bias"] = (fan_out,)
    if not config.tie_weights:
        shapes["lm_head.weight"] = (v, d)
    elif "lm_head.weight" in tensors:  # tied: transformers uses the embedding whatever the file holds
        del tensors["lm_head.weight"]
    missing = [k for k in shapes if k not in tensors]
    unexpected = sorted(set(tensors) - set(shapes))
    if missing or unexpected:
        raise CheckpointError(
            f"{source}: not the weights of the GPT-2 its config.json describes (missing "
            f"{', '.join(missing[:4]) or 'none'}; unexpected {', '.join(unexpected[:4]) or 'none'}); "
            "give the folder of a GPT-2 language model (GPT2LMHeadModel) saved with save_pretrained"
        )
    for key, shape in shapes.items():
        got = tuple(tensors[key].shape)
        if got != shape and not (key == "wpe.weight" and got[1:] == shape[1:]):
            raise CheckpointError(
                f"{source}: {key} has shape {got} but config.json implies {shape}; the files disagree"
            )
    if n_positions < config.block_size:
        raise CheckpointError(
            f"{source}: wpe.weight has {n_positions} positions, fewer than the block size {config.block_size}"
        )
    out: dict[str, torch.Tensor] = {}

    def put(ours: str, value: torch.Tensor) -> None:
        value = value.to(torch.float32)
        if not bool(torch.isfinite(value).all()):
            raise CheckpointError(f"{source}: {ours} holds NaN or infinite values; the weights are damaged")
        out[ours] = value.contiguous()

    put("wte.weight", tensors["wte.weight"])
    put("wpe.weight", tensors["wpe.weight"][: config.block_size])  # positions beyond the block are never used
    put("ln_f.weight", tensors["ln_f.weight"])
    put("ln_f.bias", tensors["ln_f.bias"])
    for i in range(config.n_layer):
        h, b = f"h.{i}.", f"blocks.{i}."
        for ln in ("ln_1", "ln_2"):
            put(b + ln + ".weight", tensors[h + ln + ".weight"])
            put(b + ln + ".bias", tensors[h + ln + ".bias"])
        for name in _LINEAR:
            put(b + name + ".weight", tensors[h + name + ".weight"].t())  # Conv1D (in, out) -> Linear (out, in)
            put(b + name + ".bias", tensors[h + name + ".bias"])
    out["lm_head.weight"] = out["wte.weight"] if config.tie_weights else tensors["lm_head.weight"].float()
    return out


def load_weights_into(model: torch.nn.Module, weights: dict[str, torch.Tensor], source: str) -> None:
    """Copy ``weights`` (our names) into ``model``; CheckpointError naming what does not fit."""
    expected = model.state_dict()
    missing = sorted(set(expected) - set(weights))
    unexpected = sorted(set(weights) - set(expected))
    if missing or unexpected:
        raise CheckpointError(
            f"{source}: weights are for another architecture (missing {', '.join(missing[:4]) or 'none'}; "
            f"unexpected {', '.join(unexpected[:4]) or 'none'})"
        )
    for key, value in expected.items():
        if tuple(weights[key].shape) != tuple(value.shape):
            raise CheckpointError(
                f"{source}: {key} has shape {tuple(weights[key].shape)} but the model expects {tuple(value.shape)}"
            )
    with torch.no_grad():
        for key, value in expected.items():
            value.copy_(weights[key])


def read_hf_folder(folder: Path, block_size: int | None = None) -> HFImport:
    """Everything of a local GPT-2 folder: settings, tokenizer and weights (``block_size``: fewer positions)."""
    folder = Path(folder)
    config, raw = read_hf_config(folder, block_size)
    tensors, weights_file = read_hf_tensors(folder)
    weights = convert_gpt2(tensors, config, str(folder / weights_file))
    tokenizer = HFTokenizer.from_folder(folder, model_vocab_size=config.vocab_size)
    if tokenizer.vocab_size != config.vocab_size:
        raise CheckpointError(
            f"{folder}: the tokenizer has {tokenizer.vocab_size:,} tokens but the model only {config.vocab_size:,} "
            "embeddings; the folder mixes files of different models"
        )
    facts = {
        "kind": "hf",
        "path": str(folder.resolve()),
        "model_type": raw.get("model_type"),
        "architectures": raw.get("architectures"),
        "weights": weights_file,
        "n_positions": int(raw.get("n_positions", GPT2_DEFAULTS["n_positions"])),
    }
    return HFImport(folder, config, tokenizer, weights, facts)


__all__ = [
    "HFImport",
    "is_hf_folder",
    "read_hf_config",
    "read_hf_tensors",
    "convert_gpt2",
    "load_weights_into",
    "read_hf_folder",
]
