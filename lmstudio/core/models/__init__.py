"""Language models: one architecture per module, resolved from ``ModelConfig.arch`` by a registry.

    build_model(ModelConfig(arch="lstm", vocab_size=65, ...)) -> LanguageModel

Architectures register themselves with ``@register("name")``; configs stay plain strings, so they
serialize to JSON and a later module (seq2seq) only has to register itself.
"""

from __future__ import annotations

from . import rnn, transformer  # noqa: F401  (each registers itself)
from .base import LanguageModel
from .registry import MODEL_REGISTRY, build_model, register

__all__ = ["MODEL_REGISTRY", "LanguageModel", "build_model", "register"]
