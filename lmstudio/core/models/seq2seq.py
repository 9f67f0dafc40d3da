"""The contract of lmstudio's encoder-decoder models: P(w_1..w_n | c) = Π P(w_i | w_<i, c).

An encoder-decoder reads a source text c (token ids of the source side) and predicts the target text one
token at a time, like a language model conditioned on c. ``data.task = "translate"`` makes the chosen
architecture (gru, lstm, transformer) the encoder-decoder of that family; the registry below maps
``model.arch`` to the class, as :mod:`.registry` does for the language models.

Conventions, shared by every implementation and the code that feeds them:

- ``src`` (B, S) long, ``src_mask`` (B, S) bool, True where a real token is (padding is False and may hold
  any id); the source carries no BOS, and ends in EOS.
- ``tgt_in`` (B, T) long: BOS followed by the target tokens; ``targets`` (B, T) long: the target tokens
  followed by EOS, with -1 at padding (``ignore_index``, as the language models do). A batch whose
  targets are all -1 gives a loss of 0 with zero gradients, never NaN.
- the decoder side keeps the language models' generation contract (``step``, ``reorder_state``), so
  sampling, beam search, scoring and the probability views are shared: ``init_state(memory)`` starts it
  from the encoder's ``memory`` (what ``encode`` returns) instead of an empty context.
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from collections.abc import Callable
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from ..config import ModelConfig
from ..errors import ConfigError

SEQ2SEQ_REGISTRY: dict[str, type[Seq2SeqModel]] = {}


def register_seq2seq(name: str) -> Callable[[type[Seq2SeqModel]], type[Seq2SeqModel]]:
    def decorator(cls: type[Seq2SeqModel]) -> type[Seq2SeqModel]:
        SEQ2SEQ_REGISTRY[name] = cls
        return cls

    return decorator


def build_seq2seq(cfg: ModelConfig) -> Seq2SeqModel:
    """A freshly initialized encoder-decoder of ``cfg.arch``'s family (the implementations register themselves
    when :mod:`lmstudio.core.models` is imported)."""
    if cfg.arch not in SEQ2SEQ_REGISTRY:
        raise ConfigError(
            f"model.arch: no encoder-decoder for {cfg.arch!r}; use one of {', '.join(sorted(SEQ2SEQ_REGISTRY))}"
        )
    if cfg.vocab_size < 1:
        raise ConfigError("model.vocab_size: is 0; set it from the target tokenizer before building the model")
    return SEQ2SEQ_REGISTRY[cfg.arch](cfg)


class Seq2SeqModel(nn.Module, metaclass=ABCMeta):
    """Base class: an encoder-decoder over source ids ``0 .. source_vocab-1`` and target ids ``0 .. vocab_size-1``."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config

    @property
    def source_vocab_size(self) -> int:
        return self.config.source_vocab_size or self.config.vocab_size

    # -- training ----------------------------------------------------------------------------------
    @abstractmethod
    def forward(
        self,
        src: torch.Tensor,
        src_mask: torch.Tensor,
        tgt_in: torch.Tensor,
        targets: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Teacher-forced decoding: logits (B, T, V) and, with ``targets``, the mean cross-entropy in nats
        over the targets that are not -1 (0 when there are none)."""

    @staticmethod
    def loss_from_logits(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """Mean cross-entropy over targets != -1; an all-padding batch gives 0 (with gradients), not NaN."""
        flat = targets.reshape(-1)
        total = F.cross_entropy(logits.reshape(-1, logits.size(-1)), flat, ignore_index=-1, reduction="sum")
        return total / (flat != -1).sum().clamp(min=1)

    # -- generation ----------------------------------------------------------------------------------
    @abstractmethod
    def encode(self, src: torch.Tensor, src_mask: torch.Tensor) -> Any:
        """The encoder's output for a batch of sources: whatever ``init_state`` needs (kept per batch row)."""

    @abstractmethod
    def init_state(self, memory: Any) -> Any:
        """The decoder's state before its first token (BOS is fed with the first ``step``)."""

    @abstractmethod
    def step(self, ids: torch.Tensor, state: Any, *, last_only: bool = False) -> tuple[torch.Tensor, Any]:
        """Feed the new target tokens ids (B, t) after those held in ``state``: logits (B, t, V), or (B, 1, V)
        with ``last_only``, and the new state (the old one may have been updated in place)."""

    @abstractmethod
    def reorder_state(self, state: Any, index: torch.Tensor) -> Any:
        """Rows ``index`` of a state (beam search), the encoder memory included."""

    @abstractmethod
    def alignment(self, src: torch.Tensor, src_mask: torch.Tensor, tgt_in: torch.Tensor) -> torch.Tensor:
        """Cross-attention weights (B, T, S) of the teacher-forced decoder: for each target position, how much
        it looked at each source token (rows sum to 1 over the real source tokens; for a Transformer the mean
        over the heads of the last decoder layer). A model without attention (``attention="none"``) raises
        ConfigError saying so."""

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())
