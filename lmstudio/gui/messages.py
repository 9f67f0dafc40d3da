"""Messages in the words of the window: the core names settings as ``section.setting`` (what a workspace JSON
file and the CLI's flags use); beside a form the user sees labels such as "Split — Test". This module turns
the one into the other where the GUI shows a core message. The core's messages stay as they are.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .i18n import QT_TR_NOOP, tr

# The texts below are shown through tr() (marked here: the translator is installed after imports).
# Whole messages the plain label swap would leave puzzling, rewritten for the form the user sees.
_REWRITES = {
    "data.split_fractions: fractions must not be negative": QT_TR_NOOP(
        "Split — Test: must not be negative: Train and Validation add up to more than 100 %; lower one of them"
    ),
    "data.split_fractions: the training fraction must be above 0": QT_TR_NOOP("Split — Train: must be above 0 %"),
}
# Phrases inside messages that name another setting by its internal name.
_PHRASES = {
    "must be between 0 and lr": QT_TR_NOOP("must be between 0 and the Learning rate"),
}
_FIXED = {
    "data.corpus": QT_TR_NOOP("Data — Corpus"),
    "data.format": QT_TR_NOOP("Data — Format"),
    "data.text_field": QT_TR_NOOP("Data — Field"),
    "data.column": QT_TR_NOOP("Data — Column"),
    "data.include": QT_TR_NOOP("Data — Files"),
    "data.encoding": QT_TR_NOOP("Data — Encoding"),
    "data.split_fractions": QT_TR_NOOP("Split — Train, Validation and Test"),
    "data.split_mode": QT_TR_NOOP("Split — Random lines or Contiguous blocks"),
    "data.block_lines": QT_TR_NOOP("Split — Lines per block"),
    "data.seed": QT_TR_NOOP("Split — Seed"),
    "cleaning.stopwords": QT_TR_NOOP("Cleaning — Stop words"),
    "cleaning.min_line_chars": QT_TR_NOOP("Cleaning — Line length from"),
    "cleaning.max_line_chars": QT_TR_NOOP("Cleaning — Line length to"),
    "tokenizer.kind": QT_TR_NOOP("Vocabulary — Kind"),
    "tokenizer.vocab_size": QT_TR_NOOP("Vocabulary — Vocabulary size"),
    "tokenizer.min_frequency": QT_TR_NOOP("Vocabulary — Min. word frequency"),
    "tokenizer.character_coverage": QT_TR_NOOP("Vocabulary — Character coverage"),
    "tokenizer.byte_fallback": QT_TR_NOOP("Vocabulary — Byte fallback"),
    "model.arch": QT_TR_NOOP("Model — Architecture"),
    "model.vocab_size": QT_TR_NOOP("Model — Vocabulary"),
}
_MODEL_LABEL = QT_TR_NOOP("Model — {label}")  # a setting of the Model tab's form
_TRAIN_LABEL = QT_TR_NOOP("Train — {label}")  # a setting of the Train tab's form
_SETTING = re.compile(r"\b(?:data\.cleaning|data|cleaning|tokenizer|model|train|sample)\.[a-z_0-9]+\b")


@lru_cache(maxsize=1)
def _label_sources() -> dict[str, tuple[str | None, str]]:
    """``section.setting`` -> (template or None, label): the English texts, translated when shown."""
    from .forms import MODEL_FIELDS, TRAIN_FIELDS

    sources: dict[str, tuple[str | None, str]] = {
        f"model.{key}": (_MODEL_LABEL, label) for key, label, *_ in MODEL_FIELDS
    }
    for _group, key, label, *_ in TRAIN_FIELDS:
        sources.setdefault(key if "." in key else f"train.{key}", (_TRAIN_LABEL, label))
    sources.update({key: (None, label) for key, label in _FIXED.items()})
    # the config names cleaning settings in full (data.cleaning.X); the forms group them under Cleaning
    sources.update({f"data.{key}": (None, label) for key, label in _FIXED.items() if key.startswith("cleaning.")})
    return sources


def setting_labels() -> dict[str, str]:
    """``section.setting`` -> "Tab or group — Label" as the forms show it (built from the forms' own tables),
    in the window's language."""
    return {
        key: tr(label) if template is None else tr(template).format(label=tr(label))
        for key, (template, label) in _label_sources().items()
    }


def user_message(message: str) -> str:
    """A core message with setting names replaced by the labels the window shows (unknown names stay)."""
    for internal, shown in _REWRITES.items():
        if message.startswith(internal):
            message = tr(shown) + message[len(internal) :]
    for internal, shown in _PHRASES.items():
        message = message.replace(internal, tr(shown))
    labels = setting_labels()
    return _SETTING.sub(lambda m: labels.get(m.group(0), m.group(0)), message)
