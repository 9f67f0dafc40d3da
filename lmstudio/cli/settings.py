"""Command-line flags made from the settings' declarations (``core.config``): the type, the choices and the
help (declaration's help, default and range) come from there; only the flag's name and metavar are the
CLI's own. Each flag stores into ``args`` under its setting's key ("train.lr"), so :func:`given` reads back
what the user typed, section by section.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..core.config import declaration, describe

# flags whose name is not the setting's own (``--d-model`` for model.d_model needs no entry)
FLAG_NAMES = {
    "model.n_layer": "--layers",
    "model.n_head": "--heads",
    "tokenizer.kind": "--tokenizer",
    "tokenizer.byte_fallback": "--no-byte-fallback",
    "data.text_field": "--field",
    "data.split_fractions": "--split",
    "tokenizer.shared": "--no-shared-vocab",
    "model.bidirectional": "--no-bidirectional",
    "model.shared_embeddings": "--no-shared-embeddings",
}
METAVARS = {
    "data.corpus": "PATH",
    "data.target": "PATH",
    "data.text_field": "NAME",
    "data.column": "NAME|INDEX",
    "data.include": "GLOB",
    "data.encoding": "NAME",
    "data.user_dict": "FILE",
    "data.split_fractions": "TRAIN,VAL,TEST",
    "data.source_column": "NAME|INDEX",
    "data.target_column": "NAME|INDEX",
    "model.dropout": "P",
    "sample.temperature": "T",
    "sample.top_k": "K",
    "sample.top_p": "P",
    "sample.stop": "TEXT",
}
_TYPES = {"int": int, "float": float, "str": str, "int | None": int, "str | None": str}


def flag_name(key: str) -> str:
    return FLAG_NAMES.get(key) or "--" + key.rpartition(".")[2].replace("_", "-")


def add_setting_flags(
    parser: argparse.ArgumentParser | argparse._ArgumentGroup,
    section: str,
    names: list[str] | tuple[str, ...],
    *,
    extra: dict[str, str] | None = None,
    defaults: bool = False,
) -> list[argparse.Action]:
    """One flag per setting ``section.name``; ``extra`` adds CLI-only words to a flag's help. Without
    ``defaults`` an omitted flag reads ``None`` (the config file's or the declared value applies)."""
    actions = []
    for name in names:
        key = f"{section}.{name}"
        f, s = declaration(key)
        text = describe(key)
        if extra and name in extra:
            text = f"{text}; {extra[name]}"
        kwargs: dict[str, Any] = {"dest": key, "help": text.replace("%", "%%")}
        kind = str(f.type)
        flag = flag_name(key)
        if kind == "bool" and flag.startswith("--no-"):  # a setting that is on by default: the flag turns it off
            kwargs["help"] = f"turn off {name.replace('_', ' ')}: {text}".replace("%", "%%")
        if kind == "bool":
            kwargs.update(action="store_false" if flag.startswith("--no-") else "store_true", default=None)
        elif kind.startswith("tuple["):
            kwargs.update(metavar=METAVARS.get(key, "A,B,C"), default=None)
        else:
            kwargs.update(type=_TYPES[kind], default=f.default if defaults else None)
            if s.choices is not None:
                kwargs["choices"] = list(s.choices)
            else:
                kwargs["metavar"] = METAVARS.get(key) or {"int": "N", "float": "X"}.get(kind.split(" ")[0], "TEXT")
        action = parser.add_argument(flag, **kwargs)
        action.setting = key  # type: ignore[attr-defined]  # read by given() and the tests
        actions.append(action)
    return actions


def given(args: argparse.Namespace, section: str) -> dict[str, Any]:
    """The settings of ``section`` ("train", "data.cleaning") that were given on the command line."""
    prefix = f"{section}."
    return {
        key[len(prefix) :]: value
        for key, value in vars(args).items()
        if key.startswith(prefix) and "." not in key[len(prefix) :] and value is not None
    }


def given_flags(args: argparse.Namespace, sections: tuple[str, ...]) -> list[str]:
    """The flags of the settings in ``sections`` that the user gave, as typed (for messages)."""
    return [
        flag_name(key) for key, value in vars(args).items() if value is not None and key.rpartition(".")[0] in sections
    ]
