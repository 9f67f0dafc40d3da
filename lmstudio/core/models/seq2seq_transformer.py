"""Transformer encoder-decoder (Vaswani et al., 2017), pre-LayerNorm, in the style of :mod:`.transformer`.

    src (B, S) -> source embedding (+ learned positions) -> n_layer encoder blocks -> LayerNorm -> memory (B, S, C)
    encoder block: x + self-attn(LN(x))   (every source token sees every real source token: no causal mask)
                   x + MLP(LN(x))
    tgt_in (B, T) -> target embedding (+ learned positions) -> n_layer decoder blocks -> LayerNorm -> head (B, T, V)
    decoder block: x + causal self-attn(LN(x))
                   x + cross-attn(LN(x), memory)   (queries from the target, keys and values from the source)
                   x + MLP(LN(x))

The decoder's self-attention and the MLP are those of the decoder-only model (same code, same KV cache), so
what holds for its generation holds here. Attention runs through ``F.scaled_dot_product_attention``; only
``alignment`` computes softmax(QK^T / sqrt(d)) explicitly, to return the weights.

Padding. The source padding mask is applied to the *keys* only: a padded source position is never looked at,
by the encoder or by the decoder, but its own query row still sees the real tokens, so no attention row is
ever fully masked (SDPA returns NaN for such a row, and a NaN in a padded row would spread through the next
layer's values: 0 * NaN is NaN). Padded positions of the memory therefore hold finite values nobody reads.

Positions: "rotary" rotates the queries and keys of both self-attentions (positions 0.. of the source and of
the target, independently); cross-attention compares a target position with a source position, which have no
common origin, so it is not rotated. "learned": two tables, source and target, of block_size positions each.

Generation: ``init_state`` projects the memory to every decoder layer's cross-attention keys and values once
(they do not change while decoding), so a step costs what a decoder-only step costs plus one attention over
the source.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from ..config import ModelConfig
from .seq2seq import Seq2SeqModel, register_seq2seq
from .transformer import MLP, CausalSelfAttention, KVCache, _apply_rope, _rope_tables


class EncoderMemory(NamedTuple):
    """What ``encode`` returns: the encoder output and the source padding mask."""

    output: torch.Tensor  # (B, S, C), after the encoder's final LayerNorm
    mask: torch.Tensor  # (B, S) bool, True at real source tokens


@dataclass
class Seq2SeqKVCache:
    """Decoding state: the decoder's self-attention cache and, per layer, the cross-attention keys and values.

    ``cross_keys[l]`` / ``cross_values[l]`` (B, H, S, hs) are computed once from the memory by ``init_state``;
    ``key_mask`` (B, 1, 1, S) is the source mask as SDPA broadcasts it over heads and queries.
    ``length`` is the number of target tokens fed so far (the position of the next one).
    """

    self_cache: KVCache
    cross_keys: list[torch.Tensor] = field(default_factory=list)
    cross_values: list[torch.Tensor] = field(default_factory=list)
    key_mask: torch.Tensor | None = None

    @property
    def length(self) -> int:
        return self.self_cache.length


def _key_mask(src_mask: torch.Tensor) -> torch.Tensor:
    """(B, S) -> (B, 1, 1, S): which keys each query may look at.

    A source with no real token at all (which the data pipeline never produces: a source ends in EOS) would
    leave its rows fully masked, hence NaN; such a row looks at all its positions instead, so a degenerate
    batch row yields finite nonsense instead of poisoning a whole batch's loss.
    """
    mask = src_mask.bool()
    mask = mask | ~mask.any(dim=-1, keepdim=True)
    return mask[:, None, None, :]


class EncoderSelfAttention(CausalSelfAttention):
    """Bidirectional self-attention over the source: every query sees every real (unpadded) key. The same
    projections (and QK-norm) as the decoder's self-attention, built by the same constructor; only the mask
    differs, and there is no cache."""

    def forward(self, x: torch.Tensor, rope, key_mask: torch.Tensor) -> torch.Tensor:
        B, S, C = x.shape
        q, k, v = self.c_attn(x).view(B, S, 3, self.n_head, self.head_size).permute(2, 0, 3, 1, 4).unbind(0)
        if self.q_norm is not None:
            q, k = self.q_norm(q), self.k_norm(k)
        if rope is not None:
            q, k = _apply_rope(q, *rope), _apply_rope(k, *rope)
        y = F.scaled_dot_product_attention(
            q, k, v, attn_mask=key_mask, dropout_p=self.dropout if self.training else 0.0
        )  # (B, H, S, hs)
        y = self.c_proj(y.transpose(1, 2).contiguous().view(B, S, C))
        return self.resid_drop(y) if self.training and self.dropout else y


class CrossAttention(nn.Module):
    """Queries from the decoder, keys and values from the encoder memory (projected once per source)."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.n_head = config.n_head
        self.head_size = config.d_model // config.n_head
        self.c_q = nn.Linear(config.d_model, config.d_model, bias=config.bias)
        self.c_kv = nn.Linear(config.d_model, 2 * config.d_model, bias=config.bias)
        self.c_proj = nn.Linear(config.d_model, config.d_model, bias=config.bias)
        self.resid_drop = nn.Dropout(config.dropout)
        self.dropout = config.dropout
        self.q_norm = nn.RMSNorm(self.head_size) if config.qk_norm else None
        self.k_norm = nn.RMSNorm(self.head_size) if config.qk_norm else None

    def project_memory(self, memory: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        # (B, S, C) -> keys, values (B, H, S, hs): what init_state caches for the whole decoding
        B, S, _ = memory.shape
        k, v = self.c_kv(memory).view(B, S, 2, self.n_head, self.head_size).permute(2, 0, 3, 1, 4).unbind(0)
        if self.k_norm is not None:
            k = self.k_norm(k)
        return k, v

    def forward(self, x, k, v, key_mask, weights: list | None) -> torch.Tensor:
        B, T, C = x.shape
        q = self.c_q(x).view(B, T, self.n_head, self.head_size).transpose(1, 2)  # (B, H, T, hs)
        if self.q_norm is not None:
            q = self.q_norm(q)
        if weights is None:
            y = F.scaled_dot_product_attention(
                q, k, v, attn_mask=key_mask, dropout_p=self.dropout if self.training else 0.0
            )
        else:  # explicit softmax(QK^T) so the weights can be shown
            att = (q @ k.transpose(-2, -1)) / math.sqrt(self.head_size)  # (B, H, T, S)
            att = att.masked_fill(~key_mask, float("-inf")).softmax(dim=-1)
            weights.append(att)
            y = att @ v
        y = self.c_proj(y.transpose(1, 2).contiguous().view(B, T, C))
        return self.resid_drop(y) if self.training and self.dropout else y


class EncoderBlock(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.d_model, bias=config.bias)
        self.attn = EncoderSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.d_model, bias=config.bias)
        self.mlp = MLP(config)

    def forward(self, x, rope, key_mask):
        x = x + self.attn(self.ln_1(x), rope, key_mask)
        return x + self.mlp(self.ln_2(x))


class DecoderBlock(nn.Module):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(config.d_model, bias=config.bias)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = nn.LayerNorm(config.d_model, bias=config.bias)
        self.cross = CrossAttention(config)
        self.ln_3 = nn.LayerNorm(config.d_model, bias=config.bias)
        self.mlp = MLP(config)

    def forward(self, x, rope, cache, layer, start, cross_k, cross_v, key_mask, weights):
        x = x + self.attn(self.ln_1(x), rope, cache, layer, start, None)
        x = x + self.cross(self.ln_2(x), cross_k, cross_v, key_mask, weights)
        return x + self.mlp(self.ln_3(x))


@register_seq2seq("transformer")
class TransformerSeq2Seq(Seq2SeqModel):
    def __init__(self, config: ModelConfig) -> None:
        super().__init__(config)
        self.rotary = config.positions == "rotary"
        C = config.d_model
        self.wte = nn.Embedding(config.vocab_size, C)  # target (decoder) tokens
        # the encoder's table: the decoder's own when both sides share one vocabulary and shared_embeddings
        shared = config.shared_embeddings and config.source_vocab_size == 0
        self.src_wte = None if shared else nn.Embedding(self.source_vocab_size, C)
        self.src_wpe = None if self.rotary else nn.Embedding(config.block_size, C)
        self.wpe = None if self.rotary else nn.Embedding(config.block_size, C)
        self.drop = nn.Dropout(config.dropout)
        self.encoder = nn.ModuleList(EncoderBlock(config) for _ in range(config.n_layer))
        self.ln_enc = nn.LayerNorm(C, bias=config.bias)
        self.decoder = nn.ModuleList(DecoderBlock(config) for _ in range(config.n_layer))
        self.ln_f = nn.LayerNorm(C, bias=config.bias)
        self.lm_head = nn.Linear(C, config.vocab_size, bias=False)
        if config.tie_weights:
            self.lm_head.weight = self.wte.weight
        if self.rotary:
            # not persistent: derived from the config, so it is not part of the saved weights
            cos, sin = _rope_tables(C // config.n_head, torch.arange(config.block_size))
            self.register_buffer("rope_cos", cos, persistent=False)
            self.register_buffer("rope_sin", sin, persistent=False)
        self.apply(self._init_module)
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):  # every projection that writes into a residual stream
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
    def max_context(self) -> int | None:
        """The hard limit on source and target lengths (learned positions: block_size); None when unlimited."""
        return None if self.rotary else self.config.block_size

    # -- pieces ----------------------------------------------------------------------------------------
    def _rope(self, start: int, T: int, device) -> tuple[torch.Tensor, torch.Tensor] | None:
        if not self.rotary:
            return None
        if start + T <= self.rope_cos.size(0):
            return self.rope_cos[start : start + T], self.rope_sin[start : start + T]
        # beyond the trained length: computed on the fly, never stored (it may run in inference mode)
        return _rope_tables(self.config.d_model // self.config.n_head, torch.arange(start, start + T, device=device))

    def _embed(self, wte: nn.Embedding, wpe: nn.Embedding | None, ids: torch.Tensor, start: int, side: str):
        T = ids.size(1)
        x = wte(ids)  # (B, T, C)
        if wpe is not None:
            if start + T > self.config.block_size:
                raise ValueError(
                    f"{side} positions {start}..{start + T - 1} exceed the block size {self.config.block_size} of "
                    "this model (learned positions); feed at most block_size tokens per side"
                )
            x = x + wpe.weight[start : start + T]
        return self.drop(x) if self.training and self.config.dropout else x

    def _cross_kv(self, memory: torch.Tensor) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        pairs = [block.cross.project_memory(memory) for block in self.decoder]
        return [k for k, _ in pairs], [v for _, v in pairs]

    def _decode(
        self,
        ids: torch.Tensor,
        cache: KVCache | None,
        start: int,
        cross_keys: list[torch.Tensor],
        cross_values: list[torch.Tensor],
        key_mask: torch.Tensor,
        weights: list | None = None,
        last_only: bool = False,
    ) -> torch.Tensor:
        T = ids.size(1)
        x = self._embed(self.wte, self.wpe, ids, start, "target")
        rope = self._rope(start, T, ids.device)
        last = len(self.decoder) - 1
        for layer, block in enumerate(self.decoder):
            # the weights of the last layer only: the one alignment shows
            w = weights if layer == last else None
            x = block(x, rope, cache, layer, start, cross_keys[layer], cross_values[layer], key_mask, w)
        if last_only and T > 1:
            x = x[:, -1:]
        return self.lm_head(self.ln_f(x))  # (B, T, V), or (B, 1, V)

    # -- training --------------------------------------------------------------------------------------
    def encode(self, src: torch.Tensor, src_mask: torch.Tensor) -> EncoderMemory:
        src_mask = src_mask.bool()
        # padding may hold any id (even an out-of-range one such as -1): read a real one there instead
        src = src.masked_fill(~src_mask, 0)
        wte = self.wte if self.src_wte is None else self.src_wte
        x = self._embed(wte, self.src_wpe, src, 0, "source")
        rope = self._rope(0, src.size(1), src.device)
        key_mask = _key_mask(src_mask)
        for block in self.encoder:
            x = block(x, rope, key_mask)
        return EncoderMemory(self.ln_enc(x), src_mask)

    def forward(self, src, src_mask, tgt_in, targets=None):
        memory = self.encode(src, src_mask)
        cross_keys, cross_values = self._cross_kv(memory.output)
        logits = self._decode(tgt_in, None, 0, cross_keys, cross_values, _key_mask(memory.mask))
        loss = None if targets is None else self.loss_from_logits(logits, targets)
        return logits, loss

    # -- generation ------------------------------------------------------------------------------------
    def init_state(self, memory: EncoderMemory) -> Seq2SeqKVCache:
        cross_keys, cross_values = self._cross_kv(memory.output)
        # the self-attention buffers are allocated at the first step, in the dtype the keys come in
        cache = KVCache(capacity=self.config.block_size)
        return Seq2SeqKVCache(cache, cross_keys, cross_values, _key_mask(memory.mask))

    def step(self, ids, state: Seq2SeqKVCache, *, last_only: bool = False):
        start = state.self_cache.length
        logits = self._decode(
            ids, state.self_cache, start, state.cross_keys, state.cross_values, state.key_mask, None, last_only
        )
        state.self_cache.length = start + ids.size(1)
        return logits, state

    def reorder_state(self, state: Seq2SeqKVCache, index):
        cache = state.self_cache
        return Seq2SeqKVCache(
            KVCache(
                [k.index_select(0, index) for k in cache.keys],
                [v.index_select(0, index) for v in cache.values],
                cache.length,
                cache.capacity,
            ),
            [k.index_select(0, index) for k in state.cross_keys],
            [v.index_select(0, index) for v in state.cross_values],
            state.key_mask.index_select(0, index),
        )

    @torch.no_grad()
    def alignment(self, src, src_mask, tgt_in):
        was_training = self.training
        self.eval()
        try:
            memory = self.encode(src, src_mask)
            cross_keys, cross_values = self._cross_kv(memory.output)
            weights: list[torch.Tensor] = []
            self._decode(tgt_in, None, 0, cross_keys, cross_values, _key_mask(memory.mask), weights)
            return weights[-1].float().mean(dim=1)  # (B, H, T, S) -> (B, T, S)
        finally:
            self.train(was_training)
