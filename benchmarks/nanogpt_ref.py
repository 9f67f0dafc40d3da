"""nanoGPT's character-level Tiny Shakespeare run, as a reference loop: its data split, model, optimizer and loop.

Written from nanoGPT (github.com/karpathy/nanoGPT: ``data/shakespeare_char/prepare.py``, ``model.py``,
``train.py``, ``config/train_shakespeare_char.py``) for the CPU "baby GPT" its README publishes:

    python train.py config/train_shakespeare_char.py --device=cpu --compile=False --eval_iters=20
        --log_interval=1 --block_size=64 --batch_size=12 --n_layer=4 --n_head=4 --n_embd=128
        --max_iters=2000 --lr_decay_iters=2000 --dropout=0.0        ->  "val loss 1.88"

- Data: the characters of the whole text, sorted, are the vocabulary (65); train = the first 90% of the
  characters, val = the contiguous last 10%. Batches: ``torch.randint(len(data) - block_size, (batch,))``
  windows, as its ``get_batch``.
- Model: GPT-2 layout (learned positions, pre-LayerNorm without bias, GELU MLP 4x, flash attention through
  ``scaled_dot_product_attention``, head tied to the token embedding), N(0, 0.02) init and residual
  projections scaled by 1/sqrt(2 n_layer).
- Optimizer: AdamW (betas 0.9, 0.99; weight decay 0.1 on matrices only), lr 1e-3 with a linear warm-up of
  100 iterations (``lr * (it + 1) / (warmup + 1)``) and cosine decay to 1e-4 at ``lr_decay_iters``, gradient
  clipping at 1.0, batch 12, block 64, no gradient accumulation.
- Evaluation: ``estimate_loss`` (``eval_iters`` random batches of each split, model in eval mode) at iteration
  0 and every ``eval_interval`` (250) iterations.

Differences, all on the side of speed for the reference: AdamW is fused where torch supports it on this
device (nanoGPT fuses on CUDA only), and ``loss.item()`` runs every iteration as ``--log_interval=1`` does.
Timing: ``all_train_seconds`` sums the training iterations only (not the evaluations): the budget the
lmstudio side gets in the quality benchmark. ``train_seconds`` and ``tokens_per_sec`` leave out the first
``warmup_iters_excluded`` (10) iterations, the same rule as the lmstudio side of the throughput benchmark.

    python benchmarks/nanogpt_ref.py [--iters 2000] [--threads N]
"""

from __future__ import annotations

import argparse
import inspect
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
from torch.nn import functional as F

SHAKESPEARE = Path(__file__).resolve().parents[1] / "resources" / "corpora" / "tinyshakespeare.txt"


# -- data: data/shakespeare_char/prepare.py -------------------------------------------------------------
def nanogpt_split(path: Path = SHAKESPEARE) -> tuple[str, str]:
    """The text of nanoGPT's train and val splits: the first 90% of the characters, then the rest."""
    data = path.read_text(encoding="utf-8")
    n = len(data)
    return data[: int(n * 0.9)], data[int(n * 0.9) :]


@dataclass
class CharData:
    stoi: dict[str, int]
    train: np.ndarray
    val: np.ndarray

    @classmethod
    def build(cls, path: Path = SHAKESPEARE) -> CharData:
        text = path.read_text(encoding="utf-8")
        chars = sorted(set(text))
        stoi = {ch: i for i, ch in enumerate(chars)}
        train, val = nanogpt_split(path)
        enc = lambda s: np.array([stoi[c] for c in s], dtype=np.uint16)  # noqa: E731
        return cls(stoi, enc(train), enc(val))


# -- model: model.py --------------------------------------------------------------------------------------
@dataclass
class GPTConfig:
    block_size: int = 64
    vocab_size: int = 65
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 128
    dropout: float = 0.0
    bias: bool = False


class LayerNorm(nn.Module):
    def __init__(self, ndim, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(ndim))
        self.bias = nn.Parameter(torch.zeros(ndim)) if bias else None

    def forward(self, input):
        return F.layer_norm(input, self.weight.shape, self.weight, self.bias, 1e-5)


class CausalSelfAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd, bias=config.bias)
        self.c_proj = nn.Linear(config.n_embd, config.n_embd, bias=config.bias)
        self.attn_dropout = nn.Dropout(config.dropout)
        self.resid_dropout = nn.Dropout(config.dropout)
        self.n_head = config.n_head
        self.n_embd = config.n_embd
        self.dropout = config.dropout

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        y = F.scaled_dot_product_attention(
            q, k, v, attn_mask=None, dropout_p=self.dropout if self.training else 0, is_causal=True
        )
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.resid_dropout(self.c_proj(y))


class MLP(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd, bias=config.bias)
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd, bias=config.bias)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x):
        return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))


class Block(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.ln_1 = LayerNorm(config.n_embd, bias=config.bias)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = LayerNorm(config.n_embd, bias=config.bias)
        self.mlp = MLP(config)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.transformer = nn.ModuleDict(
            dict(
                wte=nn.Embedding(config.vocab_size, config.n_embd),
                wpe=nn.Embedding(config.block_size, config.n_embd),
                drop=nn.Dropout(config.dropout),
                h=nn.ModuleList([Block(config) for _ in range(config.n_layer)]),
                ln_f=LayerNorm(config.n_embd, bias=config.bias),
            )
        )
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.transformer.wte.weight = self.lm_head.weight
        self.apply(self._init_weights)
        for pn, p in self.named_parameters():
            if pn.endswith("c_proj.weight"):
                torch.nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * config.n_layer))

    def get_num_params(self, non_embedding=True):
        n_params = sum(p.numel() for p in self.parameters())
        if non_embedding:
            n_params -= self.transformer.wpe.weight.numel()
        return n_params

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                torch.nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, idx, targets=None):
        device = idx.device
        b, t = idx.size()
        pos = torch.arange(0, t, dtype=torch.long, device=device)
        tok_emb = self.transformer.wte(idx)
        pos_emb = self.transformer.wpe(pos)
        x = self.transformer.drop(tok_emb + pos_emb)
        for block in self.transformer.h:
            x = block(x)
        x = self.transformer.ln_f(x)
        if targets is not None:
            logits = self.lm_head(x)
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)
        else:
            logits = self.lm_head(x[:, [-1], :])
            loss = None
        return logits, loss

    def configure_optimizers(self, weight_decay, learning_rate, betas, device_type):
        param_dict = {pn: p for pn, p in self.named_parameters() if p.requires_grad}
        decay_params = [p for n, p in param_dict.items() if p.dim() >= 2]
        nodecay_params = [p for n, p in param_dict.items() if p.dim() < 2]
        optim_groups = [
            {"params": decay_params, "weight_decay": weight_decay},
            {"params": nodecay_params, "weight_decay": 0.0},
        ]
        fused_available = "fused" in inspect.signature(torch.optim.AdamW).parameters
        extra = dict(fused=True) if fused_available else dict()
        try:
            return torch.optim.AdamW(optim_groups, lr=learning_rate, betas=betas, **extra)
        except (RuntimeError, ValueError):
            return torch.optim.AdamW(optim_groups, lr=learning_rate, betas=betas)

    def flops_per_token(self) -> int:
        """nanoGPT's estimate_mfu numerator per token: 6 N + 12 L H Q T."""
        cfg = self.config
        return 6 * self.get_num_params() + 12 * cfg.n_layer * cfg.n_embd * cfg.block_size


# -- train.py ---------------------------------------------------------------------------------------------
@dataclass
class TrainSettings:
    max_iters: int = 2000
    lr_decay_iters: int = 2000
    learning_rate: float = 1e-3
    min_lr: float = 1e-4
    warmup_iters: int = 100
    beta1: float = 0.9
    beta2: float = 0.99
    weight_decay: float = 1e-1
    grad_clip: float = 1.0
    batch_size: int = 12
    eval_interval: int = 250
    eval_iters: int = 20
    seed: int = 1337
    warmup_iters_excluded: int = 10  # iterations not counted in the throughput (allocation, first kernels)


def get_lr(it: int, s: TrainSettings) -> float:
    if it < s.warmup_iters:
        return s.learning_rate * (it + 1) / (s.warmup_iters + 1)
    if it > s.lr_decay_iters:
        return s.min_lr
    decay_ratio = (it - s.warmup_iters) / (s.lr_decay_iters - s.warmup_iters)
    coeff = 0.5 * (1.0 + math.cos(math.pi * decay_ratio))
    return s.min_lr + coeff * (s.learning_rate - s.min_lr)


def get_batch(data: np.ndarray, block_size: int, batch_size: int, device: str = "cpu"):
    ix = torch.randint(len(data) - block_size, (batch_size,))
    x = torch.stack([torch.from_numpy(data[i : i + block_size].astype(np.int64)) for i in ix])
    y = torch.stack([torch.from_numpy(data[i + 1 : i + 1 + block_size].astype(np.int64)) for i in ix])
    if device.startswith("cuda"):  # as nanoGPT: pinned memory, asynchronous copy
        return x.pin_memory().to(device, non_blocking=True), y.pin_memory().to(device, non_blocking=True)
    return x, y


def autocast_for(device: str):
    """nanoGPT's ``ctx``: bf16 autocast on a GPU that supports it (else fp16), nothing on the CPU."""
    import contextlib

    if not device.startswith("cuda"):
        return contextlib.nullcontext()
    dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return torch.autocast(device_type="cuda", dtype=dtype)


@torch.no_grad()
def estimate_loss(model: GPT, data: CharData, s: TrainSettings, device: str = "cpu") -> dict[str, float]:
    out = {}
    model.eval()
    for name, split in (("train", data.train), ("val", data.val)):
        losses = torch.zeros(s.eval_iters)
        for k in range(s.eval_iters):
            x, y = get_batch(split, model.config.block_size, s.batch_size, device)
            with autocast_for(device):
                _, loss = model(x, y)
            losses[k] = loss.item()
        out[name] = losses.mean().item()
    model.train()
    return out


@torch.no_grad()
def windows_loss(forward, ids: np.ndarray, block: int, batch: int = 64) -> float:
    """Mean NLL (nats per character) over every prediction of ``ids`` in non-overlapping windows of
    ``block`` characters, each from an empty context: the expectation of nanoGPT's random-window
    estimate, without its sampling noise. ``forward(x) -> logits (B, T, V)`` for every position."""
    n_pred = len(ids) - 1
    total = 0.0
    starts = list(range(0, n_pred - block + 1, block))  # whole windows only
    for b in range(0, len(starts), batch):
        group = starts[b : b + batch]
        x = torch.stack([torch.from_numpy(ids[s : s + block].astype(np.int64)) for s in group])
        y = torch.stack([torch.from_numpy(ids[s + 1 : s + 1 + block].astype(np.int64)) for s in group])
        logits = forward(x)
        total += F.cross_entropy(logits.float().reshape(-1, logits.size(-1)), y.reshape(-1), reduction="sum").item()
    return total / (len(starts) * block)


def train(
    settings: TrainSettings,
    config: GPTConfig | None = None,
    data: CharData | None = None,
    log=print,
    device: str = "cpu",
) -> dict:
    """nanoGPT's loop on ``device``; returns the evaluations, the final losses and the timing."""
    data = data or CharData.build()
    config = config or GPTConfig(vocab_size=len(data.stoi))
    torch.manual_seed(settings.seed)
    model = GPT(config).to(device)
    optimizer = model.configure_optimizers(
        settings.weight_decay, settings.learning_rate, (settings.beta1, settings.beta2), device
    )
    scaler = torch.amp.GradScaler(enabled=device.startswith("cuda") and not torch.cuda.is_bf16_supported())
    evals = []
    train_seconds = 0.0
    all_seconds = 0.0  # every iteration, the first ones too: the wall-clock budget the other side gets
    counted_iters = 0
    it = 0
    x, y = get_batch(data.train, config.block_size, settings.batch_size, device)
    while True:
        lr = get_lr(it, settings)
        for group in optimizer.param_groups:
            group["lr"] = lr
        if it % settings.eval_interval == 0:
            losses = estimate_loss(model, data, settings, device)
            evals.append({"iter": it, "train": round(losses["train"], 4), "val": round(losses["val"], 4)})
            log(f"step {it}: train loss {losses['train']:.4f}, val loss {losses['val']:.4f}")
        if it >= settings.max_iters:
            break
        t0 = time.perf_counter()
        with autocast_for(device):
            _, loss = model(x, y)
        x, y = get_batch(data.train, config.block_size, settings.batch_size, device)
        scaler.scale(loss).backward()
        if settings.grad_clip != 0.0:
            scaler.unscale_(optimizer)
            torch.nn.utils.clip_grad_norm_(model.parameters(), settings.grad_clip)
        scaler.step(optimizer)
        scaler.update()
        optimizer.zero_grad(set_to_none=True)
        loss.item()
        spent = time.perf_counter() - t0
        all_seconds += spent
        if it >= settings.warmup_iters_excluded:
            train_seconds += spent
            counted_iters += 1
        it += 1
    tokens_per_sec = counted_iters * settings.batch_size * config.block_size / max(train_seconds, 1e-9)
    model.eval()
    return {
        "model": model,
        "evals": evals,
        "final": evals[-1],
        "iters": it,
        "train_seconds": train_seconds,
        "all_train_seconds": all_seconds,
        "counted_iters": counted_iters,
        "tokens_per_sec": tokens_per_sec,
        "flops_per_token": model.flops_per_token(),
        "val_all_windows": windows_loss(
            lambda x: model(x.to(device), x.to(device))[0].cpu(), data.val, config.block_size
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iters", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--json", help="also write the result as benchmarks/out/<JSON>.json")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    result = train(TrainSettings(max_iters=args.iters, lr_decay_iters=args.iters))
    result.pop("model")
    print({k: v for k, v in result.items() if k != "evals"})
    if args.json:
        import sys

        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from benchmarks.common import write_result

        write_result(args.json, {"iters": args.iters, "threads": args.threads, **result})


if __name__ == "__main__":
    main()
