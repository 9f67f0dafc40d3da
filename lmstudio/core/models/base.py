"""The contract every language model of lmstudio follows.

A language model assigns P(w_t | w_<t); training minimizes the mean negative log-likelihood in nats.
Every architecture implements the same small surface, so the trainer, the generator and the
evaluator never look at which architecture they hold:

- ``forward(ids, targets=None) -> (logits, loss)`` for training and scoring whole windows;
- ``init_state`` / ``step`` for generation, feeding only the new tokens each time (a KV cache for
  the Transformer, the hidden state for recurrent networks), optionally computing the output head
  for the last position only;
- ``reorder_state`` so beam search can keep one state per beam;
- ``inspect`` for visualization (attention weights or hidden states), computed on request only, so
  training keeps the fast path.

Encoder-decoder models (a later issue) condition on a source text c, P(w_1..w_n | c). They will add
an ``encode(source_ids)`` method returning a memory that their ``init_state`` takes; the decoder
side keeps exactly this contract, so generation and evaluation code is shared. No parameter for it
exists here until a model uses it.
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from ..config import ModelConfig


class LanguageModel(nn.Module, metaclass=ABCMeta):
    """Base class: a decoder-only language model over token ids ``0 .. vocab_size-1``."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config

    # -- training --------------------------------------------------------------------------------
    @abstractmethod
    def forward(
        self, ids: torch.Tensor, targets: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """ids (B, T) long -> logits (B, T, V) and, when targets (B, T) are given, the mean
        cross-entropy in nats over targets that are not -1."""

    @staticmethod
    def loss_from_logits(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        # (B, T, V), (B, T) -> scalar; -1 marks padding that does not count
        return F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1), ignore_index=-1)

    # -- generation ------------------------------------------------------------------------------
    @abstractmethod
    def init_state(self, batch_size: int, device: torch.device | str) -> Any:
        """The state of an empty context, for ``step``."""

    @abstractmethod
    def step(self, ids: torch.Tensor, state: Any, *, last_only: bool = False) -> tuple[torch.Tensor, Any]:
        """Feed only the new tokens ids (B, T) after the context held in ``state``.

        Returns logits (B, T, V) and the new state; with ``last_only``, logits (B, 1, V) of the last
        position only (generation's prefill and cache rebuild need no more, and the output head is
        then computed once instead of T times; scoring, which needs every position, leaves it off).
        The state passed in may be updated in place (the KV cache is), so always continue from the
        returned state and do not reuse the old one.
        """

    @abstractmethod
    def reorder_state(self, state: Any, index: torch.Tensor) -> Any:
        """Pick batch rows of a state: row i of the result is row index[i] of ``state`` (beam search)."""

    @property
    def max_context(self) -> int | None:
        """The hard limit on context length (learned positions: block_size); None when unlimited."""
        return None

    @property
    def context_window(self) -> int | None:
        """The context the model was trained to use; generation slides its window past this.

        Transformers: block_size (rotary positions have no hard limit but were trained on
        block_size tokens). Recurrent networks: block_size too, since they are trained on windows
        of block_size tokens from a zero state; None only for a model without such a limit.
        """
        return self.max_context

    # -- visualization ---------------------------------------------------------------------------
    @abstractmethod
    def inspect(self, ids: torch.Tensor) -> dict[str, list]:
        """ids (1, T) -> {"attention": [(H, T, T) per layer]} or {"hidden": [(T, H) per layer]},
        as float32 numpy arrays (plain data that may cross threads)."""

    def num_parameters(self) -> int:
        """Number of distinct parameters (a tied embedding counts once)."""
        return sum(p.numel() for p in self.parameters())
