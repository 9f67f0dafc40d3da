"""One declaration per setting (core.config): validation, the CLI's flags and help come from it.

The issue's three examples (``"compile": "no"``, ``"tie_weights": "false"``, ``block_size: 64.5``) are each
refused with one line naming the field, the value and what is allowed; so are unknown keys and values out
of range or outside the choices. Every declared range shows in the help of its flag.
"""

from __future__ import annotations

import argparse
import dataclasses
import json

import pytest

from lmstudio.cli import build_parser, main
from lmstudio.core.config import (
    CleaningConfig,
    ConfigError,
    DataConfig,
    ModelConfig,
    SampleConfig,
    Setting,
    TokenizerConfig,
    TrainConfig,
    WorkspaceConfig,
    declaration,
    declared,
    default_of,
    describe,
)

SECTIONS = {
    "data.cleaning": CleaningConfig,
    "data": DataConfig,
    "tokenizer": TokenizerConfig,
    "model": ModelConfig,
    "train": TrainConfig,
    "sample": SampleConfig,
}
ALL_SETTINGS = [(section, f, s) for section, cls in SECTIONS.items() for f, s in declared(cls)]

ISSUE_EXAMPLES = [
    ({"train": {"compile": "no"}}, 'train.compile: "no" is not a choice; use auto, on or off'),
    ({"model": {"tie_weights": "false"}}, 'model.tie_weights: expected true or false, got "false" (text)'),
    ({"model": {"block_size": 64.5}}, "model.block_size: expected a whole number, got 64.5 (a number)"),
]


@pytest.mark.parametrize("values, expected", ISSUE_EXAMPLES)
def test_the_issues_examples_are_refused_in_one_line(tmp_path, capsys, values, expected):
    with pytest.raises(ConfigError) as err:
        WorkspaceConfig.from_dict(values)
    assert str(err.value) == f"config: {expected}"
    path = tmp_path / "ws.json"
    path.write_text(json.dumps(values), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        WorkspaceConfig.load(path)
    assert str(err.value) == f"{path}: {expected}"
    assert main(["prepare", "--config", str(path), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == f"lmstudio: error: {path}: {expected}\n"
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "values, expected",
    [
        (
            {"model": {"n_layers": 4}},
            "model: unknown setting(s) n_layers; known are arch, attention, bias, bidirectional, block_size",
        ),
        (
            {"data": {"cleaning": {"lower": True}}},
            "data.cleaning: unknown setting(s) lower; known are collapse_whitespace, dedupe",
        ),
        ({"model": {"n_layer": 0}}, "model.n_layer: 0 is out of range; use 1 to 1,024"),
        ({"model": {"dropout": 1.0}}, "model.dropout: 1 is out of range; use 0 to below 1"),
        ({"train": {"lr": 0}}, "train.lr: 0 is out of range; use above 0"),
        ({"train": {"threads": 5000}}, "train.threads: 5,000 is out of range; use 0 to 1,024 (0 = automatic)"),
        ({"model": {"block_size": 0}}, "model.block_size: 0 is out of range; use 1 to 1,048,576 tokens"),
        ({"sample": {"top_p": 0.0}}, "sample.top_p: 0 is out of range; use above 0 up to 1"),
        ({"tokenizer": {"character_coverage": 0.5}}, "tokenizer.character_coverage: 0.5 is out of range; use 0.9 to 1"),
        (
            {"train": {"schedule": "fast"}},
            'train.schedule: "fast" is not a choice; use cosine, linear, constant or wsd',
        ),
        ({"model": {"arch": "mamba"}}, 'model.arch: "mamba" is not a choice; use rnn, gru, lstm or transformer'),
        (
            {"data": {"cleaning": {"stopwords": "fr"}}},
            'data.cleaning.stopwords: "fr" is not a choice; use en, es, zh or null (keep every word)',
        ),
        ({"sample": {"seed": -1}}, "sample.seed: -1 is out of range; use 0 to 18,446,744,073,709,551,615"),
    ],
)
def test_unknown_keys_ranges_and_choices_are_one_line(values, expected):
    with pytest.raises(ConfigError) as err:
        WorkspaceConfig.from_dict(values)
    message = str(err.value)
    assert message.startswith(f"config: {expected}") and "\n" not in message


def test_cross_field_rules_stay_explicit():
    with pytest.raises(ConfigError, match=r"^model\.d_model: width 96 is not divisible by 5 heads.*95 or 100"):
        ModelConfig(d_model=96, n_head=5)
    with pytest.raises(ConfigError, match=r"^train\.min_lr: must be between 0 and lr"):
        TrainConfig(lr=1e-3, min_lr=2e-3)
    with pytest.raises(ConfigError, match=r"^data\.split_fractions: must add up to 1"):
        DataConfig(split_fractions=(0.5, 0.2, 0.2))
    with pytest.raises(ConfigError, match="billion parameters"):
        ModelConfig(d_model=32768, n_layer=1024, n_head=8)
    with pytest.raises(ConfigError, match=r"^cleaning\.max_line_chars: must be at least min_line_chars"):
        CleaningConfig(min_line_chars=10, max_line_chars=5)


def test_every_field_is_declared_with_help_and_its_default_is_allowed():
    for section, cls in SECTIONS.items():
        undeclared = [f.name for f in dataclasses.fields(cls) if "setting" not in f.metadata]
        assert undeclared == (["cleaning"] if cls is DataConfig else []), (section, undeclared)
    for section, f, s in ALL_SETTINGS:
        assert isinstance(s, Setting) and s.help and s.help == s.help.strip(), f"{section}.{f.name}"
        s.check(default_of(f), f"{section}.{f.name}")  # the default passes its own declaration
        if s.choices is not None:
            assert default_of(f) is None or default_of(f) in s.choices


def _just_outside(f, s):
    """Values one step outside each declared bound (the bound itself where it is open)."""
    whole = str(f.type).startswith("int")
    step = 1 if whole else 1e-3
    out = []
    if s.low is not None:
        out.append(s.low if s.low_open else s.low - step)
    if s.high is not None:
        out.append(s.high if s.high_open else s.high + step)
    return [int(v) if whole else float(v) for v in out]


@pytest.mark.parametrize(
    "section, f, s",
    [a for a in ALL_SETTINGS if a[2].low is not None or a[2].high is not None],
    ids=lambda a: getattr(a, "name", None) if isinstance(a, dataclasses.Field) else "",
)
def test_every_declared_range_is_enforced(section, f, s):
    cls = SECTIONS[section]
    for value in _just_outside(f, s):
        with pytest.raises(ConfigError) as err:
            cls(**{f.name: value})
        message = str(err.value)
        assert message.startswith(f"{section}.{f.name}: ") and "out of range" in message, message
        assert s.range_text() in message and "\n" not in message


def _setting_actions(parser: argparse.ArgumentParser):
    """(command, action) for every flag made from a declaration, over all subcommands."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                for a in sub._actions:
                    if getattr(a, "setting", None):
                        yield name, a


def test_every_declared_range_shows_in_its_flags_help():
    actions = list(_setting_actions(build_parser()))
    assert actions
    for command, action in actions:
        f, s = declaration(action.setting)
        shown = action.help.replace("%%", "%")
        assert shown.startswith(s.help if not action.option_strings[0].startswith("--no-") else "turn off")
        assert s.help in shown and "default " in shown, (command, action.option_strings)
        if s.low is not None or s.high is not None:
            assert s.range_text() in shown, (command, action.option_strings, shown)
        if s.choices is not None:
            assert list(action.choices) == list(s.choices)
        assert describe(action.setting) in shown


def test_flag_names_stay_as_they_were():
    """The README and scripts use these names: the declarations must not rename them."""
    flags = {name: {o for a in sub._actions for o in a.option_strings} for name, sub in _subparsers().items()}
    corpus = {"--corpus", "--format", "--field", "--column", "--include", "--target", "--encoding", "--nfkc"}
    corpus |= {"--lowercase", "--collapse-whitespace", "--strip-control", "--stopwords", "--dedupe"}
    corpus |= {"--min-line-chars", "--max-line-chars", "--split", "--split-mode", "--tokenizer", "--vocab-size"}
    corpus |= {"--min-frequency", "--character-coverage", "--no-byte-fallback", "--config"}
    assert corpus <= flags["prepare"] and corpus <= flags["train"]
    assert {"--arch", "--preset", "--layers", "--d-model", "--heads", "--block-size", "--dropout", "--positions"} <= (
        flags["train"]
    )
    assert {"--batch-size", "--steps", "--lr", "--schedule", "--warmup-steps", "--weight-decay", "--grad-accum"} <= (
        flags["train"]
    )
    assert {"--device", "--precision", "--threads", "--compile", "--seed", "--eval-interval"} <= flags["train"]
    assert {"--checkpoint-interval", "--patience", "--tensorboard", "--quiet", "--resume", "--prepared"} <= (
        flags["train"]
    )
    assert {"--max-new-tokens", "--temperature", "--top-k", "--top-p", "--repetition-penalty", "--seed"} <= (
        flags["sample"]
    )
    assert {"--stop", "--device", "--prompt", "--checkpoint"} <= flags["sample"]
    assert {"--device", "--text", "--encoding", "--max-tokens", "--json"} <= flags["eval"]


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def test_flags_override_the_config_and_tensorboard_is_off_unless_asked():
    from lmstudio.cli.train import build_config

    parser = build_parser()
    config = build_config(parser.parse_args(["train", "--out", "x"]))
    assert config == WorkspaceConfig() and config.train.tensorboard is False
    args = parser.parse_args(
        ["train", "--out", "x", "--tensorboard", "--layers", "2", "--heads", "2", "--lr", "1e-4", "--lowercase"]
        + ["--tokenizer", "word", "--no-byte-fallback", "--split", "0.8,0.1,0.1", "--field", "body"]
    )
    config = build_config(args)
    assert config.train.tensorboard is True and config.model.n_layer == 2 and config.model.n_head == 2
    assert config.train.lr == 1e-4 and config.train.min_lr == 1e-4  # min_lr follows a lower lr, as before
    assert config.data.cleaning.lowercase is True and config.tokenizer.kind == "word"
    assert config.tokenizer.byte_fallback is False and config.data.split_fractions == (0.8, 0.1, 0.1)
    assert config.data.text_field == "body"


def test_sample_flags_default_to_the_declared_defaults():
    args = build_parser().parse_args(["sample", "RUN"])
    declared_defaults = SampleConfig()
    for name in ("max_new_tokens", "temperature", "top_k", "top_p", "repetition_penalty", "seed", "stop"):
        assert getattr(args, f"sample.{name}") == getattr(declared_defaults, name)
    assert getattr(args, "train.device") == "auto"


def test_describe_gives_help_default_and_range():
    assert describe("model.n_layer").endswith("(default 3; 1 to 1,024)")
    assert describe("train.threads").endswith("(default 0 = automatic; 0 to 1,024)")
    assert describe("train.compile").endswith("on or off decide (default auto)")
    assert describe("train.tensorboard").startswith("write TensorBoard event files to RUN/tensorboard")
    assert describe("data.cleaning.max_line_chars") == describe("cleaning.max_line_chars")


def test_a_workspace_with_the_old_boolean_compile_still_opens():
    from lmstudio.core.config import WorkspaceConfig

    assert WorkspaceConfig.from_dict({"train": {"compile": True}}).train.compile == "on"
    assert WorkspaceConfig.from_dict({"train": {"compile": False}}).train.compile == "auto"
