"""The architecture registry: ``@register("name")`` on a LanguageModel subclass, ``build_model(cfg)``."""

from __future__ import annotations

from collections.abc import Callable

from ..config import ModelConfig
from ..errors import ConfigError, TrainingError
from .base import LanguageModel

MODEL_REGISTRY: dict[str, type[LanguageModel]] = {}


def register(name: str) -> Callable[[type[LanguageModel]], type[LanguageModel]]:
    def decorator(cls: type[LanguageModel]) -> type[LanguageModel]:
        MODEL_REGISTRY[name] = cls
        return cls

    return decorator


def build_model(cfg: ModelConfig) -> LanguageModel:
    """A freshly initialized model for ``cfg`` on the current default device (CPU unless inside a
    ``with torch.device(...)`` block; "meta" builds without allocating memory)."""
    if cfg.arch not in MODEL_REGISTRY:
        raise ConfigError(
            f"model.arch: unknown architecture {cfg.arch!r}; use one of {', '.join(sorted(MODEL_REGISTRY))}"
        )
    if cfg.vocab_size < 1:
        raise ConfigError(
            "model.vocab_size: is 0; set it from the tokenizer's vocabulary size before building the model"
        )
    try:
        return MODEL_REGISTRY[cfg.arch](cfg)
    except (MemoryError, RuntimeError) as exc:  # torch.OutOfMemoryError is a RuntimeError too
        text = str(exc)
        if not (isinstance(exc, MemoryError) or "allocate" in text or "out of memory" in text.lower()):
            raise
        raise _too_large(cfg) from None


def _too_large(cfg: ModelConfig) -> TrainingError:
    try:
        import torch

        with torch.device("meta"):  # counts without allocating (what models.stats.parameter_count does)
            n = MODEL_REGISTRY[cfg.arch](cfg).num_parameters()
        size = f"{n:,} parameters, {n * 4 / 2**30:.1f} GiB of fp32 weights"
    except Exception:  # the estimate is a courtesy; the advice stands without it
        size = "its weights"
    return TrainingError(
        f"the model does not fit in memory ({cfg.arch}, {cfg.n_layer} layers of width {cfg.d_model}, "
        f"vocabulary {cfg.vocab_size:,}: {size}); lower model.d_model, model.n_layer or the vocabulary size"
    )
