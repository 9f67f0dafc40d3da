"""``lmstudio prepare``: corpus in, tokenizer + token files + report.json out."""

from __future__ import annotations

import argparse
import signal
import threading
from contextlib import contextmanager
from pathlib import Path

from .progressbar import ProgressBar
from .settings import add_setting_flags, given

CORPUS_SETTINGS = ("corpus", "format", "text_field", "column", "include", "target", "encoding")
PAIR_SETTINGS = ("task", "source_column", "target_column", "reverse", "toy_task", "toy_pairs")
CLEANING_SETTINGS = (
    "nfkc",
    "lowercase",
    "collapse_whitespace",
    "strip_control",
    "stopwords",
    "dedupe",
    "min_line_chars",
    "max_line_chars",
)
SEGMENT_SETTINGS = ("segmenter", "user_dict")  # how words are cut: stop words, statistics, the word tokenizer
TOKENIZER_SETTINGS = ("kind", "vocab_size", "min_frequency", "character_coverage", "byte_fallback", "shared")
DATA_SECTIONS = ("data", "data.cleaning", "tokenizer")  # what a prepared folder already fixes


def add_corpus_arguments(p: argparse.ArgumentParser) -> None:
    add_setting_flags(p.add_argument_group("corpus"), "data", CORPUS_SETTINGS)
    add_setting_flags(p.add_argument_group("translation (source → target pairs)"), "data", PAIR_SETTINGS)
    add_setting_flags(p.add_argument_group("words (segmentation)"), "data", SEGMENT_SETTINGS)
    add_setting_flags(p.add_argument_group("cleaning"), "data.cleaning", CLEANING_SETTINGS)
    add_setting_flags(p.add_argument_group("splits"), "data", ("split_fractions", "split_mode", "train_fraction"))
    add_setting_flags(p.add_argument_group("tokenizer"), "tokenizer", TOKENIZER_SETTINGS)
    p.add_argument("--config", metavar="FILE.json", help="workspace config saved by the GUI; flags override it")
    p.add_argument(
        "--recipe",
        metavar="NAME",
        help="start from a ready-made workspace instead of --config; flags override it. tang-poems: a character "
        "Transformer on the bundled Tang poems that writes five- and seven-character verse in a few CPU minutes",
    )


def apply_corpus_arguments(config, args) -> None:
    """Copy the flags the user gave onto the config sections (a fresh dataclass validates them)."""
    from dataclasses import replace

    from ..core.config import ConfigError

    data = given(args, "data")
    if "split_fractions" in data:
        text = data["split_fractions"]
        try:
            data["split_fractions"] = tuple(float(x) for x in text.split(","))
        except ValueError:
            raise ConfigError(f"--split {text!r}: give three numbers like 0.9,0.05,0.05") from None
    if data.get("format") == "parallel" or data.get("target"):
        data.setdefault("format", "parallel")
    cleaning = given(args, "data.cleaning")
    config.data = replace(config.data, cleaning=replace(config.data.cleaning, **cleaning), **data)
    config.tokenizer = replace(config.tokenizer, **given(args, "tokenizer"))


def load_config(args):
    from ..core.config import ConfigError, WorkspaceConfig

    recipe = getattr(args, "recipe", None)
    if recipe and getattr(args, "config", None):
        raise ConfigError("--recipe and --config each give the whole starting workspace; give one of them")
    if recipe:
        from ..app.recipes import recipe_config

        return recipe_config(recipe)
    return WorkspaceConfig.load(args.config) if getattr(args, "config", None) else WorkspaceConfig()


def add_parser(sub) -> None:
    p = sub.add_parser(
        "prepare",
        help="read, clean and split a corpus; train a tokenizer; encode the splits",
        description="Read, clean and split a corpus, train a tokenizer and encode every split into "
        "token files. Writes tokenizer/, tokens/, splits/ and report.json into --out.",
    )
    add_corpus_arguments(p)
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write (replaced only when complete)")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..core.dataset.prepare import prepare
    from ..core.errors import ConfigError

    config = load_config(args)
    apply_corpus_arguments(config, args)
    if config.data.task == "translate":
        raise ConfigError(
            "prepare --task translate: translation pairs are prepared (and cached) by `lmstudio train --task "
            "translate`, which takes the same corpus, cleaning, split and tokenizer flags"
        )
    bar = ProgressBar("preparing")
    try:
        with interrupt_on_sigterm():  # a killed prepare removes its unfinished folder like Ctrl+C does
            prepared = prepare(config, Path(args.out), progress=bar.callback)
    finally:
        bar.close()
    print_summary(prepared)
    return 0


@contextmanager
def interrupt_on_sigterm():
    """While the block runs, SIGTERM raises KeyboardInterrupt, so ``finally``/cleanup code runs as for Ctrl+C."""
    sigterm = getattr(signal, "SIGTERM", None)
    if sigterm is None or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _handle(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(sigterm, _handle)
    try:
        yield
    finally:
        signal.signal(sigterm, previous)


def print_summary(prepared) -> None:
    import json

    report = json.loads((prepared.directory / "report.json").read_text(encoding="utf-8"))
    stats = report.get("statistics", {})
    vocab = report.get("vocabulary", {})
    print(f"corpus      {report['corpus']}  ({report['encoding_note'] or report['encoding']})")
    if stats:
        print(
            f"text        {stats.get('lines', 0):,} lines, {stats.get('words', 0):,} words, "
            f"{stats.get('chars', 0):,} characters, {stats.get('unique_chars', 0):,} distinct"
        )
    print(f"tokenizer   {report['tokenizer']['kind']}, vocabulary {report['vocab_size']:,}")
    for name, info in report["splits"].items():
        print(f"{name:<11} {info['lines']:>9,} lines {info['chars']:>12,} chars {info['tokens']:>12,} tokens")
    if vocab:
        unk = (
            f"{vocab.get('unk_rate', 0) * 100:.3f}%"
            if report["splits"]["val"]["tokens"]
            else "n/a (the validation split is empty)"
        )
        print(f"chars/token {vocab.get('chars_per_token', 0):.2f}   unknown rate on val {unk}")
    from ..core.data.health import health_summary_lines

    for line in health_summary_lines(report.get("health")):
        print(line)
    print(f"written to  {prepared.directory}")
