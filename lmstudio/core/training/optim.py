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


class Muon(torch.optim.Muon):
    """``torch.optim.Muon`` whose Newton-Schulz iterations run in fp32 where bf16 has no hardware.

    torch's Muon orthogonalises every update in bfloat16, which is right on a GPU and far slower than fp32 on
    a CPU without bf16 instructions (here, on a busy machine: 250 steps of the baby GPT took 516 s with torch's
    Muon and 67 s with this one). This subclass runs torch's own algorithm (``torch.optim._muon``: momentum,
    Nesterov, the same quintic coefficients and steps, decoupled weight decay, the learning-rate adjustment)
    with the iterations in ``ns_dtype``: bfloat16 on CUDA, float32 elsewhere.
    """

    def __init__(self, params, *, ns_dtype: torch.dtype = torch.float32, **kwargs) -> None:
        super().__init__(params, **kwargs)
        self.ns_dtype = ns_dtype

    @torch.no_grad()
    def step(self, closure=None):
        from torch.optim._muon import _adjust_lr

        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, wd, momentum = group["lr"], group["weight_decay"], group["momentum"]
            a, b, c = group["ns_coefficients"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad
                state = self.state[p]
                if "momentum_buffer" not in state:
                    state["momentum_buffer"] = torch.zeros_like(grad, memory_format=torch.preserve_format)
                buf = state["momentum_buffer"]
                buf.lerp_(grad, 1 - momentum)
                update = grad.lerp(buf, momentum) if group["nesterov"] else buf
                x = update.to(self.ns_dtype)
                tall = x.size(0) > x.size(1)
                if tall:
                    x = x.T
                x = x / x.norm().clamp(min=group["eps"])
                for _ in range(group["ns_steps"]):
                    gram = x @ x.T
                    x = torch.addmm(x, torch.addmm(gram, gram, gram, beta=b, alpha=c), x, beta=a)
                if tall:
                    x = x.T
                p.mul_(1 - lr * wd)
                p.add_(x.to(p.dtype), alpha=-_adjust_lr(lr, group["adjust_lr_fn"], p.shape))
        return loss


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
            Muon(
                muon_params,
                ns_dtype=torch.bfloat16 if device.type == "cuda" else torch.float32,
                lr=cfg.lr,
                weight_decay=cfg.weight_decay,
                momentum=cfg.muon_momentum,
                adjust_lr_fn="match_rms_adamw",
            )
        )
    return optimizers
