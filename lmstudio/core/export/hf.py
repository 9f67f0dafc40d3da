"""A Transformer run as a Hugging Face folder: ``AutoModelForCausalLM`` and ``AutoTokenizer`` load it offline.

    learned positions  -> GPT-2 (GPT2LMHeadModel): Conv1D weights are the transpose of nn.Linear's, every
                          one of them (c_attn, the square attention c_proj, the MLP's c_fc and c_proj)
    rotary positions   -> GPT-NeoX (GPTNeoXForCausalLM): sequential residual, rotary over the whole head,
                          base 10000, rotate-half layout as ours; its fused query_key_value is grouped per
                          head (head, q/k/v, dim) where ours is (q/k/v, head, dim), so its rows are reordered

Both are exact: pre-LayerNorm blocks, the same GELU (exact, or the tanh approximation of imported GPT-2
models), LayerNorm eps as ours, biases written as zeros where
ours has none, the output head tied to the embedding when ours is. Llama's layout is not (RMSNorm, a gated
MLP). A run with no exact equivalent (recurrent nets, encoder-decoders, QK-norm, ReLU²) is refused with a
message: an export never changes what the model computes.

The folder is built under a temporary name beside ``--out`` and renamed into place at the end, after the
written files were loaded back with ``transformers`` and checked: logits of the loaded model against ours
on a few sequences, and the loaded tokenizer's ids against ours on a set of texts.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import torch

from ..config import ModelConfig, WorkspaceConfig
from ..errors import CheckpointError, ConfigError, LMStudioError, TokenizerError
from ..locks import describe_write_error, remove_tree_quietly
from ..progress import ProgressCallback, report
from ..runs.folders import LoadedRun, load_run
from . import tokenizer_hf
from .card import CONFIG_COPY, model_card, training_summary
from .folders import check_out_dir, install, new_work_dir

GPT2, NEOX = "gpt2", "gpt_neox"
# our MLP activation -> transformers' name for the same function: exact erf GELU, and GELU's tanh
# approximation computed by the same torch call as ours (GPT-2's own "gelu_new" spells the formula out)
HF_ACTIVATIONS = {"gelu": "gelu", "gelu_tanh": "gelu_pytorch_tanh"}
LOGIT_TOLERANCE = 1e-4  # max |ours - theirs| allowed, relative to the largest |logit| when that is above 1
CHECK_SEQUENCES = 3


# ---------------------------------------------------------------- what can be exported


def hf_layout(config: WorkspaceConfig) -> str:
    """``"gpt2"`` (learned positions) or ``"gpt_neox"`` (rotary); ConfigError when no layout is exact."""
    model = config.model
    if config.data.task == "translate":
        raise ConfigError(
            f"this run is an encoder-decoder ({model.arch}, data.task translate), which has no exact Hugging Face "
            "equivalent, so it is not exported there (nothing approximate is written); export it with --format onnx"
        )
    if model.arch != "transformer":
        raise ConfigError(
            f"model.arch {model.arch}: a recurrent network has no exact Hugging Face equivalent, so it is not "
            "exported there (nothing approximate is written); export it with --format onnx"
        )
    if model.qk_norm:
        raise ConfigError(
            "model.qk_norm is on: neither GPT-2 nor GPT-NeoX normalises queries and keys, so this model has no "
            "exact Hugging Face equivalent; export it with --format onnx, or train with qk_norm off"
        )
    if model.mlp_activation not in HF_ACTIVATIONS:
        raise ConfigError(
            f"model.mlp_activation {model.mlp_activation}: GPT-2 and GPT-NeoX use GELU, so this activation has no "
            "exact Hugging Face equivalent; export it with --format onnx, or train with mlp_activation gelu"
        )
    return GPT2 if model.positions == "learned" else NEOX


def _layer_norm_eps(model: torch.nn.Module) -> float:
    eps = {m.eps for m in model.modules() if isinstance(m, torch.nn.LayerNorm)}
    if len(eps) != 1:  # a bug, not user input: every LayerNorm of ours is built alike
        raise RuntimeError(f"LayerNorms with different eps {sorted(eps)}")
    return float(eps.pop())


DEFAULT_SPECIALS = {"pad": 0, "unk": 1, "bos": 2, "eos": 3}  # every lmstudio tokenizer's


def hf_config(model_cfg: ModelConfig, layout: str, eps: float, specials: dict[str, int | None] | None = None):
    """The ``transformers`` config of the equivalent model (dropouts as ours, for fine-tuning); ``specials``:
    the tokenizer's pad, bos and eos ids (:func:`tokenizer_hf.special_ids`)."""
    tokenizer_hf._imports()
    specials = DEFAULT_SPECIALS if specials is None else specials
    d = model_cfg.d_model
    common = dict(
        vocab_size=model_cfg.vocab_size,
        tie_word_embeddings=model_cfg.tie_weights,
        pad_token_id=specials.get("pad"),
        bos_token_id=specials.get("bos"),
        eos_token_id=specials.get("eos"),
        architectures=["GPT2LMHeadModel" if layout == GPT2 else "GPTNeoXForCausalLM"],
    )
    if layout == GPT2:
        from transformers import GPT2Config

        return GPT2Config(
            n_positions=model_cfg.block_size,
            n_embd=d,
            n_layer=model_cfg.n_layer,
            n_head=model_cfg.n_head,
            n_inner=model_cfg.mlp_ratio * d,
            activation_function=HF_ACTIVATIONS[model_cfg.mlp_activation],
            resid_pdrop=model_cfg.dropout,
            embd_pdrop=model_cfg.dropout,
            attn_pdrop=model_cfg.dropout,
            layer_norm_epsilon=eps,
            scale_attn_weights=True,
            scale_attn_by_inverse_layer_idx=False,
            reorder_and_upcast_attn=False,
            **common,
        )
    from transformers import GPTNeoXConfig

    config = GPTNeoXConfig(
        hidden_size=d,
        num_hidden_layers=model_cfg.n_layer,
        num_attention_heads=model_cfg.n_head,
        intermediate_size=model_cfg.mlp_ratio * d,
        hidden_act=HF_ACTIVATIONS[model_cfg.mlp_activation],
        max_position_embeddings=model_cfg.block_size,
        rope_parameters={"rope_type": "default", "rope_theta": 10000.0, "partial_rotary_factor": 1.0},
        use_parallel_residual=False,
        layer_norm_eps=eps,
        attention_bias=True,  # zeros where ours has none: transformers 4 has no switch for them
        attention_dropout=model_cfg.dropout,
        hidden_dropout=model_cfg.dropout,
        classifier_dropout=0.0,
        **common,
    )
    # the names transformers 4 reads (5 reads rope_parameters and maps these when it is absent)
    config.rotary_pct = 1.0
    config.rotary_emb_base = 10000
    return config


def hf_state_dict(model: torch.nn.Module, config: ModelConfig, layout: str) -> dict[str, torch.Tensor]:
    """Our TransformerLM's weights under the names and orientations of the Hugging Face model."""
    sd = {k: v.detach().to("cpu", torch.float32) for k, v in model.state_dict().items()}
    d, heads = config.d_model, config.n_head
    head_size = d // heads

    def weight(name: str) -> torch.Tensor:
        return sd[name]

    def bias(name: str, size: int) -> torch.Tensor:
        return sd[name] if name in sd else torch.zeros(size)

    out: dict[str, torch.Tensor] = {}
    hidden = config.mlp_ratio * d
    if layout == GPT2:
        out["transformer.wte.weight"] = weight("wte.weight")
        out["transformer.wpe.weight"] = weight("wpe.weight")
        for i in range(config.n_layer):
            ours, theirs = f"blocks.{i}.", f"transformer.h.{i}."
            for norm in ("ln_1", "ln_2"):
                out[theirs + f"{norm}.weight"] = weight(ours + f"{norm}.weight")
                out[theirs + f"{norm}.bias"] = bias(ours + f"{norm}.bias", d)
            for mine, size in (("attn.c_attn", 3 * d), ("attn.c_proj", d), ("mlp.c_fc", hidden), ("mlp.c_proj", d)):
                out[theirs + f"{mine}.weight"] = weight(ours + f"{mine}.weight").t()  # Conv1D: (in, out)
                out[theirs + f"{mine}.bias"] = bias(ours + f"{mine}.bias", size)
        out["transformer.ln_f.weight"] = weight("ln_f.weight")
        out["transformer.ln_f.bias"] = bias("ln_f.bias", d)
        if not config.tie_weights:
            out["lm_head.weight"] = weight("lm_head.weight")
    else:
        out["gpt_neox.embed_in.weight"] = weight("wte.weight")
        for i in range(config.n_layer):
            ours, theirs = f"blocks.{i}.", f"gpt_neox.layers.{i}."
            for mine, name in (("ln_1", "input_layernorm"), ("ln_2", "post_attention_layernorm")):
                out[theirs + f"{name}.weight"] = weight(ours + f"{mine}.weight")
                out[theirs + f"{name}.bias"] = bias(ours + f"{mine}.bias", d)
            # rows (q/k/v, head, dim) -> (head, q/k/v, dim)
            qkv = weight(ours + "attn.c_attn.weight").view(3, heads, head_size, d).transpose(0, 1).reshape(3 * d, d)
            qkv_bias = bias(ours + "attn.c_attn.bias", 3 * d).view(3, heads, head_size).transpose(0, 1).reshape(-1)
            out[theirs + "attention.query_key_value.weight"] = qkv
            out[theirs + "attention.query_key_value.bias"] = qkv_bias
            for mine, name, size in (
                ("attn.c_proj", "attention.dense", d),
                ("mlp.c_fc", "mlp.dense_h_to_4h", hidden),
                ("mlp.c_proj", "mlp.dense_4h_to_h", d),
            ):
                out[theirs + f"{name}.weight"] = weight(ours + f"{mine}.weight")
                out[theirs + f"{name}.bias"] = bias(ours + f"{mine}.bias", size)
        out["gpt_neox.final_layer_norm.weight"] = weight("ln_f.weight")
        out["gpt_neox.final_layer_norm.bias"] = bias("ln_f.bias", d)
        if not config.tie_weights:
            out["embed_out.weight"] = weight("lm_head.weight")  # transformers 4's name; 5 maps it to lm_head
    return {k: v.contiguous().clone() for k, v in out.items()}


def write_hf_model(
    model: torch.nn.Module,
    model_cfg: ModelConfig,
    layout: str,
    folder: Path,
    specials: dict[str, int | None] | None = None,
):
    """Write config.json, generation_config.json and model.safetensors of the equivalent model into ``folder``;
    returns the ``transformers`` config."""
    from safetensors.torch import save_file
    from transformers import GenerationConfig

    hf_cfg = hf_config(model_cfg, layout, _layer_norm_eps(model), specials)
    hf_cfg.save_pretrained(str(folder))
    GenerationConfig(
        pad_token_id=hf_cfg.pad_token_id, bos_token_id=hf_cfg.bos_token_id, eos_token_id=hf_cfg.eos_token_id
    ).save_pretrained(str(folder))
    tensors = hf_state_dict(model, model_cfg, layout)
    save_file(tensors, str(Path(folder) / "model.safetensors"), metadata={"format": "pt"})
    return hf_cfg


# ---------------------------------------------------------------- the --out folder


# ---------------------------------------------------------------- checks of the written folder


def check_ids(loaded: LoadedRun, n: int = CHECK_SEQUENCES) -> torch.Tensor:
    """(n, T) ids the logits are compared on: the sample prompt's text and random ids, T = block_size."""
    T = loaded.config.model.block_size
    V = loaded.config.model.vocab_size
    generator = torch.Generator().manual_seed(0)
    rows = torch.randint(0, V, (n, T), generator=generator)
    text = "\n".join(tokenizer_hf.check_texts(loaded.tokenizer)[2:4])
    ids = loaded.tokenizer.encode(text)[:T]
    rows[0, : len(ids)] = torch.tensor(ids, dtype=torch.long)
    return rows


@torch.no_grad()
def logit_difference(ours: torch.nn.Module, theirs: torch.nn.Module, ids: torch.Tensor) -> tuple[float, float]:
    """(max |ours - theirs| over every position and token, max |ours|) on ``ids``."""
    ours.eval()
    theirs.eval()
    a = ours(ids)[0].float()
    b = theirs(input_ids=ids).logits.float()
    return float((a - b).abs().max()), float(a.abs().max())


def load_hf_model(folder: Path):
    """The model as ``transformers`` loads the folder (its progress bar kept off the user's terminal)."""
    from transformers import AutoModelForCausalLM
    from transformers.utils import logging as hf_logging

    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        return AutoModelForCausalLM.from_pretrained(str(folder), local_files_only=True, dtype=torch.float32)
    finally:
        if bars:
            hf_logging.enable_progress_bar()


# ---------------------------------------------------------------- the export


def export_hf(
    run_dir: Path | str,
    out_dir: Path | str,
    checkpoint: str = "best",
    progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    """Write the run's checkpoint ``checkpoint`` as a Hugging Face folder at ``out_dir`` (new or empty).

    Returns facts: out_dir, layout, architecture (the transformers class), checkpoint, step, parameters,
    max_logit_diff, logit_scale, tokenizer_kind, tokenizer_texts (texts checked), tokenizer_note (""
    when every text encodes alike), files.
    """
    run_dir, out_dir = Path(run_dir), Path(out_dir)
    check_out_dir(out_dir)
    config_only, _ = _read_config(run_dir)
    layout = hf_layout(config_only)  # refuse before loading weights
    tokenizer_hf._imports()
    steps = 6
    report(progress, 0, steps, f"loading {run_dir.name} ({checkpoint})")
    loaded = load_run(run_dir, which=checkpoint, device="cpu")
    layout = hf_layout(loaded.config)
    model_cfg = loaded.config.model
    try:
        work = new_work_dir(out_dir)
    except OSError as exc:
        raise CheckpointError(describe_write_error(out_dir.parent, exc)) from None
    try:
        report(progress, 1, steps, "writing the model (safetensors)")
        hf_cfg = write_hf_model(loaded.model, model_cfg, layout, work, tokenizer_hf.special_ids(loaded.tokenizer))

        report(progress, 2, steps, "writing the tokenizer")
        tokenizer_hf.save_hf_tokenizer(loaded.tokenizer, work, max_length=model_cfg.block_size)

        report(progress, 3, steps, "checking the model transformers loads against ours")
        theirs = load_hf_model(work)
        diff, scale = logit_difference(loaded.model, theirs, check_ids(loaded))
        if not math.isfinite(scale):
            raise CheckpointError(
                f"{loaded.checkpoint.path}: this checkpoint's model gives non-finite logits (its weights hold NaN "
                f"or infinity); nothing was written to {out_dir}. Export an earlier one with --checkpoint step-N"
            )
        allowed = LOGIT_TOLERANCE * max(1.0, scale)
        if not diff <= allowed:  # also catches NaN
            raise LMStudioError(
                f"{run_dir}: the exported {layout} model's logits differ from ours by {diff:.3g} "
                f"(allowed {allowed:.3g}); nothing was written to {out_dir}. Please report this as a bug"
            )
        del theirs

        report(progress, 4, steps, "checking the tokenizer transformers loads against ours")
        texts = tokenizer_hf.check_texts(loaded.tokenizer, [loaded.config.train.sample_prompt])
        different = tokenizer_hf.compare_encodings(loaded.tokenizer, work, texts)
        if different:
            text, a, b = different[0]
            raise TokenizerError(
                f"{run_dir / 'tokenizer'}: the Hugging Face tokenizer would encode {text[:40]!r} as {b[:8]} where "
                f"lmstudio gives {a[:8]}; nothing was written to {out_dir}. Please report this as a bug"
            )
        note = tokenizer_hf.unigram_caveat(loaded.tokenizer)

        report(progress, 5, steps, "writing the model card")
        facts: dict[str, Any] = {
            "out_dir": str(out_dir),
            "format": "hf",
            "layout": layout,
            "architecture": hf_cfg.architectures[0],
            "checkpoint": loaded.checkpoint.name,
            "step": loaded.checkpoint.step,
            "parameters": loaded.model.num_parameters(),
            "max_logit_diff": diff,
            "logit_sequences": CHECK_SEQUENCES,
            "logit_scale": scale,
            "tokenizer_kind": loaded.tokenizer.kind,
            "tokenizer_texts": len(texts),
            "tokenizer_note": note,
        }
        (work / CONFIG_COPY).write_text(json.dumps(loaded.config.to_dict(), indent=2, ensure_ascii=False) + "\n")
        facts.update(training_summary(run_dir))
        (work / "README.md").write_text(model_card(loaded, facts), encoding="utf-8")
        facts["files"] = sorted(p.name for p in work.iterdir())
        install(work, out_dir)
    except OSError as exc:
        remove_tree_quietly(work)
        raise CheckpointError(describe_write_error(Path(exc.filename) if exc.filename else out_dir, exc)) from None
    except BaseException:
        remove_tree_quietly(work)
        raise
    report(progress, steps, steps, f"exported to {out_dir}")
    return facts


def _read_config(run_dir: Path):
    from ..runs.checkpoint import read_run_config

    return read_run_config(run_dir)


__all__ = [
    "GPT2",
    "NEOX",
    "check_out_dir",
    "export_hf",
    "hf_config",
    "hf_layout",
    "hf_state_dict",
    "load_hf_model",
    "logit_difference",
    "write_hf_model",
]
