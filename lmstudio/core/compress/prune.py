"""Pruning a trained language model: zero the least important weights, heads or channels; keep them
zero through a short recovery fine-tune.

- ``l1``: magnitude pruning, unstructured: the weights of smallest absolute value in every Linear layer
  (and LSTM/GRU/RNN matrix) are zeroed, a fraction ``sparsity`` of each matrix (per layer) or of all
  of them together (``global_``: one threshold for the whole model).
- ``heads`` (Transformer): whole attention heads, ranked by the L1 norm of their query, key and value
  rows in ``c_attn`` plus their columns in ``c_proj``; a pruned head contributes nothing.
- ``channels`` (Transformer): hidden units of the MLPs, ranked by the L1 norm of their ``c_fc`` row
  plus ``c_proj`` column; a pruned unit computes act(0) = 0 (GELU and ReLU² alike).
  Structured pruning keeps at least one head or unit per layer.

The embedding is never pruned. When the output head is tied to it (the default), pruning the head
would prune the embedding too (they are one matrix), so the head is left whole and a note says so;
an untied head is pruned like any Linear layer.

The masks (True = kept) are returned, so that :func:`finetune` zeroes the pruned weights again after
every optimizer step: a recovered model keeps exactly the sparsity that was asked for.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from ..errors import Cancelled, ConfigError, TrainingError
from ..models.transformer import TransformerLM
from .methods import PRUNE_METHODS


@dataclass
class Pruned:
    method: str
    sparsity: float  # asked for
    global_: bool
    masks: dict[str, torch.Tensor]  # parameter name -> bool mask (True = kept), same shape
    achieved: float  # zeroed share of the prunable weights
    removed: dict[str, list[int]] = field(default_factory=dict)  # structured: layer -> pruned head/channel indices
    notes: list[str] = field(default_factory=list)

    def recipe(self) -> dict:
        """The JSON record of what was pruned (the weights themselves hold the zeros)."""
        return {
            "kind": "prune",
            "method": self.method,
            "sparsity": self.sparsity,
            "global": self.global_,
            "achieved_sparsity": self.achieved,
            "pruned_tensors": sorted(self.masks),
            "removed": self.removed,
        }


def check_sparsity(sparsity: float) -> float:
    if not isinstance(sparsity, (int, float)) or isinstance(sparsity, bool) or not math.isfinite(sparsity):
        raise ConfigError(f"--sparsity {sparsity!r}: give a fraction from 0 to below 1, such as 0.5")
    if sparsity < 0 or sparsity >= 1:
        raise ConfigError(
            f"--sparsity {sparsity}: must be at least 0 and below 1 (1 would remove every weight); "
            "give the fraction to prune, such as 0.5 for half"
        )
    return float(sparsity)


def _tied_to_embedding(model: nn.Module, weight: torch.Tensor) -> bool:
    return any(isinstance(m, nn.Embedding) and m.weight is weight for m in model.modules())


def prunable_weights(model: nn.Module) -> tuple[dict[str, torch.Tensor], list[str]]:
    """The matrices magnitude pruning works on (name -> parameter), and notes on what is left out."""
    out: dict[str, torch.Tensor] = {}
    notes: list[str] = []
    for mname, module in model.named_modules():
        prefix = f"{mname}." if mname else ""
        if isinstance(module, nn.Linear):
            if _tied_to_embedding(model, module.weight):
                notes.append(
                    f"{prefix}weight is tied to the token embedding (one matrix): pruning it would prune the "
                    "embedding too, so it is left whole"
                )
                continue
            out[prefix + "weight"] = module.weight
        elif isinstance(module, nn.RNNBase):
            for pname, p in module.named_parameters():
                if pname.startswith("weight"):
                    out[prefix + pname] = p
    if not out:
        raise ConfigError("pruning: this model has no layer to prune")
    return out, notes


def _apply(model: nn.Module, masks: dict[str, torch.Tensor]) -> None:
    params = dict(model.named_parameters())
    with torch.no_grad():
        for name, mask in masks.items():
            params[name].mul_(mask.to(params[name].device, params[name].dtype))


def _share(masks: dict[str, torch.Tensor], model: nn.Module, names: list[str]) -> float:
    params = dict(model.named_parameters())
    total = sum(params[n].numel() for n in names)
    zero = sum(int((params[n] == 0).sum()) for n in names)
    return zero / max(1, total)


def _l1(model: nn.Module, sparsity: float, global_: bool) -> tuple[dict[str, torch.Tensor], list[str], list[str]]:
    weights, notes = prunable_weights(model)
    masks: dict[str, torch.Tensor] = {}
    if global_:
        flat = torch.cat([w.detach().abs().flatten().cpu() for w in weights.values()])
        k = int(round(sparsity * flat.numel()))
        keep = torch.ones(flat.numel(), dtype=torch.bool)
        keep[flat.argsort(stable=True)[:k]] = False
        at = 0
        for name, w in weights.items():
            masks[name] = keep[at : at + w.numel()].view_as(w.detach().cpu())
            at += w.numel()
    else:
        for name, w in weights.items():
            flat = w.detach().abs().flatten().cpu()
            keep = torch.ones(flat.numel(), dtype=torch.bool)
            keep[flat.argsort(stable=True)[: int(round(sparsity * flat.numel()))]] = False
            masks[name] = keep.view_as(w.detach().cpu())
    return masks, notes, list(weights)


def _choose(scores: list[np.ndarray], sparsity: float, global_: bool) -> list[list[int]]:
    """Which units to prune in each layer: the lowest scores, ``sparsity`` of them per layer or over all
    layers, at least one unit left in every layer."""
    if not global_:
        out = []
        for s in scores:
            k = min(int(round(sparsity * len(s))), len(s) - 1)
            out.append(sorted(int(i) for i in np.argsort(s, kind="stable")[:k]))
        return out
    total = sum(len(s) for s in scores)
    k = int(round(sparsity * total))
    order = sorted((float(v), layer, i) for layer, s in enumerate(scores) for i, v in enumerate(s))
    chosen: list[list[int]] = [[] for _ in scores]
    for _, layer, i in order:
        if k == 0:
            break
        if len(chosen[layer]) < len(scores[layer]) - 1:
            chosen[layer].append(i)
            k -= 1
    return [sorted(c) for c in chosen]


def _structured(model: TransformerLM, method: str, sparsity: float, global_: bool):
    C = model.config.d_model
    masks: dict[str, torch.Tensor] = {}
    scores: list[np.ndarray] = []
    for block in model.blocks:
        if method == "heads":
            H, hs = model.config.n_head, C // model.config.n_head
            w_in = block.attn.c_attn.weight.detach().abs().float().view(3, H, hs, C).sum(dim=(0, 2, 3))
            w_out = block.attn.c_proj.weight.detach().abs().float().view(C, H, hs).sum(dim=(0, 2))
        else:
            w_in = block.mlp.c_fc.weight.detach().abs().float().sum(dim=1)
            w_out = block.mlp.c_proj.weight.detach().abs().float().sum(dim=0)
        scores.append((w_in + w_out).cpu().numpy())
    chosen = _choose(scores, sparsity, global_)
    removed: dict[str, list[int]] = {}
    names = []
    for layer, (block, units) in enumerate(zip(model.blocks, chosen)):
        removed[f"blocks.{layer}"] = units
        if method == "heads":
            H, hs = model.config.n_head, C // model.config.n_head
            unit = torch.ones(H, dtype=torch.bool)
            unit[units] = False
            per_col = unit.repeat_interleave(hs)  # (C,)
            pairs = [("attn.c_attn", per_col.repeat(3), "rows"), ("attn.c_proj", per_col, "cols")]
        else:
            hidden = block.mlp.c_fc.out_features
            unit = torch.ones(hidden, dtype=torch.bool)
            unit[units] = False
            pairs = [("mlp.c_fc", unit, "rows"), ("mlp.c_proj", unit, "cols")]
        for sub, keep, axis in pairs:
            linear = block.get_submodule(sub)
            name = f"blocks.{layer}.{sub}"
            rows, cols = linear.weight.shape
            masks[f"{name}.weight"] = (
                keep[:, None].expand(rows, cols) if axis == "rows" else keep[None, :].expand(rows, cols)
            ).contiguous()
            names.append(f"{name}.weight")
            if axis == "rows" and linear.bias is not None:
                masks[f"{name}.bias"] = keep.clone()
    return masks, removed, names


def prune_model(model: nn.Module, method: str, sparsity: float, global_: bool = False) -> Pruned:
    """Prune ``model`` in place and return the masks and what was removed."""
    if method not in PRUNE_METHODS:
        raise ConfigError(f"--prune {method}: unknown; choose one of {', '.join(PRUNE_METHODS)}")
    sparsity = check_sparsity(sparsity)
    removed: dict[str, list[int]] = {}
    if method == "l1":
        masks, notes, names = _l1(model, sparsity, global_)
    else:
        if not isinstance(model, TransformerLM):
            arch = getattr(getattr(model, "config", None), "arch", type(model).__name__)
            raise ConfigError(
                f"--prune {method}: removes attention heads or MLP channels of a Transformer; this run is {arch} "
                "(use --prune l1)"
            )
        masks, removed, names = _structured(model, method, sparsity, global_)
        notes = ["the token embedding and the output head are not pruned by structured pruning"]
        units = "heads" if method == "heads" else "MLP channels"
        count = sum(len(v) for v in removed.values())
        notes.append(f"{count} {units} removed: " + "; ".join(f"{k}: {v}" for k, v in removed.items()))
    _apply(model, masks)
    return Pruned(method, sparsity, global_, masks, _share(masks, model, names), removed, notes)


def finetune(
    model: nn.Module,
    masks: dict[str, torch.Tensor],
    train_ids: np.ndarray,
    *,
    steps: int,
    block_size: int,
    batch_size: int,
    lr: float,
    seed: int = 0,
    cancelled: Callable[[], bool] | None = None,
) -> list[float]:
    """A short recovery fine-tune on random windows of ``train_ids`` (AdamW, gradient norm clipped at 1),
    the pruned weights zeroed again after every step. Returns the training loss of each step.
    ``cancelled()`` is asked before each step; when it says yes, :class:`Cancelled` is raised."""
    if steps < 0:
        raise ConfigError(f"--finetune-steps {steps}: give 0 (no fine-tune) or more steps")
    if steps and len(train_ids) <= block_size + 1:
        raise ConfigError(
            f"--finetune-steps: the training split has {len(train_ids)} tokens, too few for windows of {block_size}"
        )
    device = next(model.parameters()).device
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)
    losses: list[float] = []
    model.train()
    try:
        for _ in range(steps):
            if cancelled is not None and cancelled():
                raise Cancelled("compression cancelled during the fine-tune; nothing was written")
            starts = rng.integers(0, len(train_ids) - block_size - 1, size=batch_size)
            chunk = np.stack([np.asarray(train_ids[s : s + block_size + 1]).astype(np.int64) for s in starts])
            batch = torch.from_numpy(chunk).to(device)
            _, loss = model(batch[:, :-1], batch[:, 1:])
            if not torch.isfinite(loss):
                raise TrainingError(
                    f"--finetune-steps: the loss became {loss.item()} at fine-tune step {len(losses) + 1}; "
                    "fine-tune fewer steps or prune less"
                )
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            _apply(model, masks)
            losses.append(float(loss.item()))
    finally:
        model.eval()
    return losses
