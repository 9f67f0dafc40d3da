"""Messages in the words of the window: the core names settings as ``section.setting`` (what a workspace JSON
file and the CLI's flags use); beside a form the user sees labels such as "Split — Test". This module turns
the one into the other where the GUI shows a core message. The core's messages stay as they are.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Whole messages the plain label swap would leave puzzling, rewritten for the form the user sees.
_REWRITES = {
    "data.split_fractions: fractions must not be negative": (
        "Split — Test: must not be negative: Train and Validation add up to more than 100 %; lower one of them"
    ),
    "data.split_fractions: the training fraction must be above 0": "Split — Train: must be above 0 %",
}
# Phrases inside messages that name another setting by its internal name.
_PHRASES = {
    "must be between 0 and lr": "must be between 0 and the Learning rate",
}
_FIXED = {
    "data.corpus": "Data — Corpus",
    "data.format": "Data — Format",
    "data.text_field": "Data — Field",
    "data.column": "Data — Column",
    "data.include": "Data — Files",
    "data.encoding": "Data — Encoding",
    "data.split_fractions": "Split — Train, Validation and Test",
    "data.split_mode": "Split — Random lines or Contiguous blocks",
    "data.block_lines": "Split — Lines per block",
    "data.seed": "Split — Seed",
    "cleaning.stopwords": "Cleaning — Stop words",
    "cleaning.min_line_chars": "Cleaning — Line length from",
    "cleaning.max_line_chars": "Cleaning — Line length to",
    "tokenizer.kind": "Vocabulary — Kind",
    "tokenizer.vocab_size": "Vocabulary — Vocabulary size",
    "tokenizer.min_frequency": "Vocabulary — Min. word frequency",
    "tokenizer.character_coverage": "Vocabulary — Character coverage",
    "tokenizer.byte_fallback": "Vocabulary — Byte fallback",
    "model.arch": "Model — Architecture",
    "model.vocab_size": "Model — Vocabulary",
}
_SETTING = re.compile(r"\b(?:data\.cleaning|data|cleaning|tokenizer|model|train|sample)\.[a-z_0-9]+\b")


@lru_cache(maxsize=1)
def setting_labels() -> dict[str, str]:
    """``section.setting`` -> "Tab or group — Label" as the forms show it (built from the forms' own tables)."""
    from .forms import MODEL_FIELDS, TRAIN_FIELDS

    labels = {f"model.{key}": f"Model — {label}" for key, label, *_ in MODEL_FIELDS}
    for _group, key, label, *_ in TRAIN_FIELDS:
        labels.setdefault(key if "." in key else f"train.{key}", f"Train — {label}")
    labels.update(_FIXED)
    # the config names cleaning settings in full (data.cleaning.X); the forms group them under Cleaning
    labels.update({f"data.{key}": label for key, label in _FIXED.items() if key.startswith("cleaning.")})
    return labels


def user_message(message: str) -> str:
    """A core message with setting names replaced by the labels the window shows (unknown names stay)."""
    for internal, shown in _REWRITES.items():
        if message.startswith(internal):
            message = shown + message[len(internal) :]
    for internal, shown in _PHRASES.items():
        message = message.replace(internal, shown)
    labels = setting_labels()
    return _SETTING.sub(lambda m: labels.get(m.group(0), m.group(0)), message)
