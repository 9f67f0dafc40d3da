"""GPT-style Transformer decoder, after nanoGPT.

    ids (B, T) -> token embedding (+ learned positions) -> dropout -> n_layer blocks -> LayerNorm
    -> linear head (B, T, V), tied to the token embedding by default.
    block: x + attn(LN(x)), then x + MLP(LN(x))   (pre-LayerNorm; MLP = Linear, GELU or ReLU², Linear;
    queries and keys optionally RMS-normalised per head: QK-norm)

Attention runs through ``F.scaled_dot_product_attention`` (fused kernels, no T x T matrix kept).
Only ``inspect`` computes softmax(QK^T / sqrt(d)) explicitly, to return the weights.

Positions are "learned" (absolute, at most block_size tokens) or "rotary" (RoPE on queries and
keys, GPT-NeoX layout, base 10000; no hard length limit).

Knock-outs (switching heads or whole blocks off, for the Playground's "Inside the model") are two attributes set
by ``core/inference/lens.py``'s ``knocked_out``: ``CausalSelfAttention.head_mask`` and ``Block.skip``. Left at
None / False they cost one attribute test per layer and step, and training ignores them.

Initialization as nanoGPT / GPT-2: N(0, 0.02) for linear and embedding weights, zero biases, and the
projections that write into the residual stream scaled by 1/sqrt(2 n_layer).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..config import ModelConfig
from .base import LanguageModel
from .registry import register


@dataclass
class KVCache:
    """Generation state of a Transformer: per layer, keys and values of every token fed so far.

    ``keys[l]`` / ``values[l]`` are buffers (B, H, capacity, head_size) of which the first ``length``
    positions are filled; ``length`` is also the position of the next token. Each layer's buffers are
    allocated once, at its first use, for ``capacity`` positions (the model's window, which generation
    never exceeds: it rebuilds the cache instead), so a step copies only the new token's keys and values
    and allocates nothing. Feeding past the capacity (rotary positions, fed beyond the window on
    purpose) grows the buffers by doubling.
    """

    keys: list[torch.Tensor] = field(default_factory=list)
    values: list[torch.Tensor] = field(default_factory=list)
    length: int = 0
    capacity: int = 0  # positions reserved at first use; 0: just what the first feed needs

    def append(self, layer: int, k: torch.Tensor, v: torch.Tensor, start: int) -> tuple[torch.Tensor, torch.Tensor]:
        # k, v: (B, H, t, hs) for positions start .. start+t; returns the whole context (B, H, start+t, hs)
        t = k.size(2)
        end = start + t
        if layer == len(self.keys):
            cap = max(end, self.capacity)
            self.keys.append(k.new_empty(k.size(0), k.size(1), cap, k.size(3)))
            self.values.append(v.new_empty(v.size(0), v.size(1), cap, v.size(3)))
        elif end > self.keys[layer].size(2):
            cap = max(end, 2 * self.keys[layer].size(2))
            for buffers in (self.keys, self.values):
                old = buffers[layer]
                new = old.new_empty(old.size(0), old.size(1), cap, old.size(3))
                new[:, :, :start] = old[:, :, :start]
                buffers[layer] = new
        keys, values = self.keys[layer], self.values[layer]
        keys.narrow(2, start, t).copy_(k)
        values.narrow(2, start, t).copy_(v)
        return keys.narrow(2, 0, end), values.narrow(2, 0, end)


def _rope_tables(head_size: int, positions: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """cos and sin (T, hs) of the rotation angles, the sign of rotate-half folded into sin: (-sin, sin)."""
    inv_freq = 1.0 / (
        10000.0 ** (torch.arange(0, head_size, 2, device=positions.device, dtype=torch.float32) / head_size)
    )
    angles = torch.outer(positions.float(), inv_freq)  # (T, hs/2)
    sin = angles.sin()
    return torch.cat((angles, angles), dim=-1).cos(), torch.cat((-sin, sin), dim=-1)


def _apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    # x (B, H, T, hs); cos, sin (T, hs) from _rope_tables. rotate-half(x) * sin == roll(x, hs/2) * (-sin, sin)
    # (only signs differ), so three operations instead of eight: this runs twice per layer per generated token
    y = torch.addcmul(x * cos, x.roll(x.size(-1) // 2, -1), sin)
    return y if y.dtype == x.dtype else y.to(x.dtype)  # float32 tables promote a bf16 x


class CausalSelfAttention(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.n_head = config.n_head
        self.head_size = config.d_model // config.n_head
        self.c_attn = nn.Linear(config.d_model, 3 * config.d_model, bias=config.bias)
        self.c_proj = nn.Linear(config.d_model, config.d_model, bias=config.bias)
        self.resid_drop = nn.Dropout(config.dropout)
        self.dropout = config.dropout
        # QK-norm: each head's queries and keys RMS-normalised (with a learned gain) before the dot product
        self.q_norm = nn.RMSNorm(self.head_size) if config.qk_norm else None
        self.k_norm = nn.RMSNorm(self.head_size) if config.qk_norm else None
        # knock-outs (core/inference/lens.py, ``knocked_out``): bool (H, 1, 1), False for each head whose output
        # is zeroed before c_proj; None (the normal path) costs one attribute test per layer and step
        self.head_mask: torch.Tensor | None = None

    def forward(self, x, rope, cache: KVCache | None, layer: int, start: int, weights: list | None):
        B, T, C = x.shape
        # (B, T, 3C) -> q, k, v (B, H, T, hs) each: the strides of split/view/transpose, in 3 operations, not 7
        q, k, v = self.c_attn(x).view(B, T, 3, self.n_head, self.head_size).permute(2, 0, 3, 1, 4).unbind(0)
        if self.q_norm is not None:
            q, k = self.q_norm(q), self.k_norm(k)
        if rope is not None:
            q, k = _apply_rope(q, *rope), _apply_rope(k, *rope)
        if cache is not None:
            k, v = cache.append(layer, k, v, start)  # (B, H, start+T, hs)
        S = k.size(2)
        if S == T:
            mask, causal = None, True
        elif T == 1:
            mask, causal = None, False  # one new token sees the whole cache
        else:
            # several new tokens after a cache: query i (position start+i) sees keys 0 .. start+i
            mask = torch.ones(T, S, dtype=torch.bool, device=x.device).tril(diagonal=S - T)
            causal = False
        if weights is None:
            y = F.scaled_dot_product_attention(
                q, k, v, attn_mask=mask, is_causal=causal, dropout_p=self.dropout if self.training else 0.0
            )
        else:  # explicit softmax(QK^T) so the weights can be shown
            att = (q @ k.transpose(-2, -1)) / math.sqrt(self.head_size)  # (B, H, T, S)
            if mask is None and causal:
                mask = torch.ones(T, S, dtype=torch.bool, device=x.device).tril()
            if mask is not None:
                att = att.masked_fill(~mask, float("-inf"))
            att = att.softmax(dim=-1)
            weights.append(att)
            y = att @ v
        if self.head_mask is not None and not self.training:
            y = y * self.head_mask  # knocked-out heads write nothing; bool * float keeps y's dtype
        # (B, H, T, hs) -> (B, T, C); one token's heads are already in that order in memory
        y = self.c_proj(y.view(B, T, C) if T == 1 else y.transpose(1, 2).contiguous().view(B, T, C))
        # dropout called only when active: module calls are a real share of a one-token step
        return self.resid_drop(y) if self.training and self.dropout else y


class MLP(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        hidden = config.mlp_ratio * config.d_model
        self.c_fc = nn.Linear(config.d_model, hidden, bias=config.bias)
        self.c_proj = nn.Linear(hidden, config.d_model, bias=config.bias)
        self.drop = nn.Dropout(config.dropout)
        self.dropout = config.dropout
        self.relu2 = config.mlp_activation == "relu2"
        # GPT-2's gelu_new is GELU's tanh approximation: imported GPT-2 weights need it to give GPT-2's logits
        self.approximate = "tanh" if config.mlp_activation == "gelu_tanh" else "none"

    def forward(self, x):
        h = self.c_fc(x)
        y = self.c_proj(F.relu(h).square() if self.relu2 else F.gelu(h, approximate=self.approximate))
        return self.drop(y) if self.training and self.dropout else y


class Block(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.d_model, bias=config.bias)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.d_model, bias=config.bias)
        self.mlp = MLP(config)
        # a knocked-out layer (core/inference/lens.py, ``knocked_out``): the residual stream passes it unchanged
        self.skip = False

    def forward(self, x, rope, cache, layer, start, weights):
        if self.skip and not self.training:
            return self._skipped(x, cache, layer, weights)
        x = x + self.attn(self.ln_1(x), rope, cache, layer, start, weights)
        return x + self.mlp(self.ln_2(x))

    def _skipped(self, x, cache: KVCache | None, layer: int, weights: list | None):
        """The block switched off: x unchanged. Its cache slot gets an empty placeholder, so the layers after it
        still find theirs by index; its attention, when recorded, is all zeros (nothing is read)."""
        if cache is not None and layer == len(cache.keys):
            cache.keys.append(x.new_empty(x.size(0), 0, 0, 0))
            cache.values.append(x.new_empty(x.size(0), 0, 0, 0))
        if weights is not None:
            T = x.size(1)
            weights.append(x.new_zeros(x.size(0), self.attn.n_head, T, T))
        return x


@register("transformer")
class TransformerLM(LanguageModel):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__(config)
        self.rotary = config.positions == "rotary"
        self.wte = nn.Embedding(config.vocab_size, config.d_model)
        self.wpe = None if self.rotary else nn.Embedding(config.block_size, config.d_model)
        self.drop = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_layer))
        self.ln_f = nn.LayerNorm(config.d_model, bias=config.bias)
        self.lm_head = nn.Linear(config.d_model, config.vocab_size, bias=False)
        if config.tie_weights:
            self.lm_head.weight = self.wte.weight
        if self.rotary:
            # not persistent: derived from the config, so it is not part of the saved weights
            cos, sin = _rope_tables(config.d_model // config.n_head, torch.arange(config.block_size))
            self.register_buffer("rope_cos", cos, persistent=False)
            self.register_buffer("rope_sin", sin, persistent=False)
        self.apply(self._init_module)
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * config.n_layer))

    @staticmethod
    def _init_module(module: nn.Module) -> None:
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)

    @property
    def max_context(self):
        return None if self.rotary else self.config.block_size

    @property
    def context_window(self):
        return self.config.block_size

    def _rope(self, start: int, T: int, device) -> tuple[torch.Tensor, torch.Tensor] | None:
        if not self.rotary:
            return None
        if start + T <= self.rope_cos.size(0):
            return self.rope_cos[start : start + T], self.rope_sin[start : start + T]
        # beyond the trained length: computed on the fly, never stored (it may run in inference mode)
        return _rope_tables(self.config.d_model // self.config.n_head, torch.arange(start, start + T, device=device))

    def _embed(self, ids: torch.Tensor, start: int) -> torch.Tensor:
        """ids (B, T) at positions start .. start+T -> the residual stream entering the first block (B, T, C)."""
        T = ids.size(1)
        x = self.wte(ids)  # (B, T, C)
        if self.wpe is not None:
            if start + T > self.config.block_size:
                raise ValueError(
                    f"positions {start}..{start + T - 1} exceed the block size {self.config.block_size} of this "
                    "model (learned positions); feed at most block_size tokens or slide the window"
                )
            x = x + self.wpe.weight[start : start + T]  # the rows wpe(arange(start, start + T)) looks up
        if self.training and self.config.dropout:
            x = self.drop(x)
        return x

    def _run(
        self, ids: torch.Tensor, cache: KVCache | None, start: int, weights: list | None, last_only: bool = False
    ) -> torch.Tensor:
        T = ids.size(1)
        x = self._embed(ids, start)  # (B, T, C)
        rope = self._rope(start, T, ids.device)
        for layer, block in enumerate(self.blocks):
            x = block(x, rope, cache, layer, start, weights)
        if last_only and T > 1:
            x = x[:, -1:]  # (B, 1, C): generation needs only the next token's logits (nanoGPT's inference path)
        return self.lm_head(self.ln_f(x))  # (B, T, V), or (B, 1, V)

    def forward(self, ids, targets=None):
        logits = self._run(ids, None, 0, None)
        loss = None if targets is None else self.loss_from_logits(logits, targets)
        return logits, loss

    def init_state(self, batch_size, device):
        # the buffers are allocated at the first step, in the dtype the keys come in (autocast may change it)
        return KVCache(capacity=self.config.block_size)

    def step(self, ids, state: KVCache, *, last_only: bool = False):
        start = state.length
        logits = self._run(ids, state, start, None, last_only)
        state.length = start + ids.size(1)
        return logits, state

    def reorder_state(self, state: KVCache, index):
        return KVCache(
            [k.index_select(0, index) for k in state.keys],
            [v.index_select(0, index) for v in state.values],
            state.length,
            state.capacity,
        )

    def residual_stream(self, ids: torch.Tensor) -> list[torch.Tensor]:
        """ids (B, T) from position 0 -> the residual stream (B, T, C) after the embeddings and after each block:
        n_layer + 1 tensors, the last one what ``ln_f`` and the head turn into the logits (the logit lens reads
        every one of them that way). Knocked-out blocks pass it on unchanged. The caller sets eval mode and
        disables autograd."""
        x = self._embed(ids, 0)
        rope = self._rope(0, ids.size(1), ids.device)
        states = [x]
        for layer, block in enumerate(self.blocks):
            x = block(x, rope, None, layer, 0, None)
            states.append(x)
        return states

    @torch.no_grad()
    def inspect(self, ids):
        was_training = self.training
        self.eval()
        try:
            weights: list[torch.Tensor] = []
            self._run(ids[:1], None, 0, weights)
            return {"attention": [w[0].float().cpu().numpy().astype(np.float32) for w in weights]}  # (H, T, T) each
        finally:
            self.train(was_training)
