"""Language models: one architecture per module, resolved from ``ModelConfig.arch`` by a registry.

    build_model(ModelConfig(arch="lstm", vocab_size=65, ...)) -> LanguageModel

Architectures register themselves with ``@register("name")``; configs stay plain strings, so they
serialize to JSON. Encoder-decoders (``data.task = "translate"``) have their own registry of the same families
(``build_seq2seq``, :mod:`.seq2seq`).
"""

from __future__ import annotations

from . import rnn, seq2seq_rnn, seq2seq_transformer, transformer  # noqa: F401  (each registers itself)
from .base import LanguageModel
from .registry import MODEL_REGISTRY, build_model, register
from .seq2seq import SEQ2SEQ_REGISTRY, Seq2SeqModel, build_seq2seq

__all__ = [
    "MODEL_REGISTRY",
    "SEQ2SEQ_REGISTRY",
    "LanguageModel",
    "Seq2SeqModel",
    "build_model",
    "build_seq2seq",
    "register",
]
