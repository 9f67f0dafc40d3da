"""The optimizers a run trains with: AdamW for every parameter, or Muon for the hidden weight matrices.

``adamw``: AdamW (fused where the device supports it), weight decay on matrices only (nanoGPT's rule).

``muon``: ``torch.optim.Muon`` (momentum, then Newton-Schulz orthogonalisation of the update, as in
modded-nanoGPT's record runs) for the 2-D weights inside the network (attention and MLP projections, the
recurrent matrices), with Moonshot's ``match_rms_adamw`` learning-rate adjustment, so the one ``train.lr``
and ``train.weight_decay`` serve both; AdamW for the rest: embeddings, the output head (a lookup table and a
classifier are not the matrices Muon is meant for), norms and biases. Both follow the same schedule.

Each optimizer's state is saved under its own key of the training state (``optimizer``, ``muon``), so a
resume finds exactly the state it left.
"""

from __future__ import annotations

import torch
from torch import nn

from ..config import TrainConfig
from ..devices import make_adamw


def muon_matrices(model: nn.Module) -> list[nn.Parameter]:
    """The parameters Muon updates: trainable 2-D weights, except embedding tables and the output head
    (a head tied to the embedding is the same tensor, excluded once)."""
    excluded: set[int] = set()
    for module in model.modules():
        if isinstance(module, nn.Embedding):
            excluded.add(id(module.weight))
    for name in ("lm_head", "head"):
        head = getattr(model, name, None)
        if isinstance(head, nn.Linear):
            excluded.add(id(head.weight))
    return [p for p in model.parameters() if p.requires_grad and p.dim() == 2 and id(p) not in excluded]


def build_optimizers(model: nn.Module, cfg: TrainConfig, device: torch.device) -> list[torch.optim.Optimizer]:
    """[AdamW] or [AdamW, Muon] for ``cfg.optimizer``; the AdamW one always comes first."""
    muon_params = muon_matrices(model) if cfg.optimizer == "muon" else []
    in_muon = {id(p) for p in muon_params}
    decay, no_decay = [], []
    for p in model.parameters():
        if p.requires_grad and id(p) not in in_muon:
            (decay if p.dim() >= 2 else no_decay).append(p)
    groups = [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    optimizers: list[torch.optim.Optimizer] = [make_adamw(groups, cfg.lr, (cfg.beta1, cfg.beta2), device)]
    if muon_params:
        optimizers.append(
            torch.optim.Muon(
                muon_params,
                lr=cfg.lr,
                weight_decay=cfg.weight_decay,
                momentum=cfg.muon_momentum,
                adjust_lr_fn="match_rms_adamw",
            )
        )
    return optimizers
