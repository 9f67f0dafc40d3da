"""Recipes: whole starting workspaces for a classic first demo (corpus, tokenizer, model and training together),
for File ▸ New from recipe and ``lmstudio train --recipe NAME``.

``tang-poems``: a character-level Transformer on the bundled Tang poems (9,997 regulated poems, about 5,000
distinct characters). Its 600 steps of batch 32 × 64 characters (1.2 M characters seen) took 5 min 48 s on one
CPU core here; the samples were already poem-shaped at step 200 (lines of five or seven characters with the
commas and full stops in place) and by step 600 read as regulated verse. The shape is the Transformer "small"
preset with a block of 64 characters, enough for a whole poem of eight five-character lines.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from ..core.config import WorkspaceConfig
from ..core.data.corpus import TANG_POEMS, bundled_corpora
from ..core.errors import ConfigError


@dataclass(frozen=True)
class Recipe:
    name: str
    title: str  # what the menu shows
    summary: str  # one sentence: what it trains and how long it takes
    corpus: str  # a bundled corpus's display name
    settings: dict[str, Any] = field(default_factory=dict)  # sections of the workspace config, as in its JSON


RECIPES: dict[str, Recipe] = {
    "tang-poems": Recipe(
        name="tang-poems",
        title="Tang poems (Chinese characters)",
        summary=(
            "A character-level Transformer on the bundled Tang poems: five- and seven-character verse with its "
            "punctuation in place after about six minutes on one CPU core (600 steps)"
        ),
        corpus=TANG_POEMS,
        settings={
            "tokenizer": {"kind": "char"},
            # the Transformer "small" preset (core.models.presets; a test keeps them equal) with a block of 64:
            # written out because importing the presets imports torch, which the window loads only after it is up
            "model": {
                "arch": "transformer",
                "n_layer": 3,
                "n_head": 4,
                "d_model": 128,
                "mlp_ratio": 3,
                "dropout": 0.0,
                "positions": "rotary",
                "bias": False,
                "block_size": 64,
            },
            "train": {
                "batch_size": 32,
                "steps": 600,
                "eval_interval": 100,
                "sample_prompt": "\n",
                "sample_tokens": 130,  # two poems of eight seven-character lines
                "probe_prompt": "春眠不覺曉，",  # Meng Haoran's "Spring dawn": what follows a comma
            },
            "sample": {"max_new_tokens": 130},
        },
    ),
}


def recipe_config(name: str) -> WorkspaceConfig:
    """The workspace of recipe ``name``; ConfigError naming the known recipes otherwise."""
    recipe = RECIPES.get(name)
    if recipe is None:
        raise ConfigError(f"--recipe {name!r}: no such recipe; use one of {', '.join(RECIPES)}")
    values = copy.deepcopy(recipe.settings)
    values.setdefault("data", {})["corpus"] = str(bundled_corpora()[recipe.corpus])
    return WorkspaceConfig.from_dict(values, source=f"recipe {name}")
