"""``lmstudio prepare``: corpus in, tokenizer + token files + report.json out."""

from __future__ import annotations

import argparse
import signal
import threading
from contextlib import contextmanager
from pathlib import Path

from .progressbar import ProgressBar


def add_corpus_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("corpus")
    g.add_argument(
        "--corpus",
        metavar="PATH",
        help="text file (.txt/.md), folder, .jsonl, .csv/.tsv or parallel TSV; default: the bundled Tiny Shakespeare",
    )
    g.add_argument(
        "--format",
        choices=["auto", "text", "folder", "jsonl", "csv", "tsv", "parallel"],
        help="how to read --corpus (default: from the extension)",
    )
    g.add_argument(
        "--field", dest="text_field", metavar="NAME", help=".jsonl: the field holding the text (default: text)"
    )
    g.add_argument("--column", metavar="NAME|INDEX", help=".csv/.tsv: the column holding the text")
    g.add_argument(
        "--include",
        metavar="GLOB",
        help="folder: which files to read, recursively; several patterns separated by ; and !PATTERN leaves files or subfolders out (default: *.txt;*.md)",
    )
    g.add_argument("--target", metavar="PATH", help="parallel corpus: the line-aligned target-language file")
    g.add_argument(
        "--encoding",
        metavar="NAME",
        help="encoding of the corpus files: auto (default: UTF-8, else the "
        "likeliest legacy one, reported with how sure it is) or a name such as utf-8, cp1252, latin-1, cp1250",
    )
    c = p.add_argument_group("cleaning")
    c.add_argument("--nfkc", action="store_true", default=None, help="Unicode NFKC normalization")
    c.add_argument("--lowercase", action="store_true", default=None, help="lower-case every line")
    c.add_argument(
        "--collapse-whitespace", action="store_true", default=None, help="runs of whitespace become one space"
    )
    c.add_argument("--strip-control", action="store_true", default=None, help="remove control characters")
    c.add_argument("--stopwords", choices=["en", "es"], help="remove the words of a bundled stop-word list")
    c.add_argument("--dedupe", action="store_true", default=None, help="drop duplicate lines")
    c.add_argument("--min-line-chars", type=int, metavar="N", help="drop lines shorter than N characters")
    c.add_argument("--max-line-chars", type=int, metavar="N", help="drop lines longer than N characters (0 = no limit)")
    s = p.add_argument_group("splits")
    s.add_argument("--split", metavar="TRAIN,VAL,TEST", help="split fractions (default 0.9,0.05,0.05)")
    s.add_argument("--split-mode", choices=["lines", "blocks"], help="draw single lines or contiguous blocks")
    t = p.add_argument_group("tokenizer")
    t.add_argument("--tokenizer", choices=["char", "word", "bpe", "unigram"], help="tokenizer kind (default: char)")
    t.add_argument("--vocab-size", type=int, metavar="N", help="word/bpe/unigram vocabulary size (default 8000)")
    t.add_argument("--min-frequency", type=int, metavar="N", help="word: drop words seen fewer than N times")
    t.add_argument(
        "--character-coverage", type=float, metavar="X", help="bpe/unigram: share of characters covered (0.9-1)"
    )
    t.add_argument(
        "--no-byte-fallback",
        dest="byte_fallback",
        action="store_false",
        default=None,
        help="bpe/unigram: map unknown characters to <unk> instead of UTF-8 bytes",
    )
    p.add_argument("--config", metavar="FILE.json", help="workspace config saved by the GUI; flags override it")


def apply_corpus_arguments(config, args) -> None:
    """Copy the flags the user gave onto the config sections (a fresh dataclass validates them)."""
    from dataclasses import replace

    from ..core.config import ConfigError

    data = {
        k: getattr(args, k)
        for k in ("corpus", "format", "text_field", "column", "include", "target", "encoding")
        if getattr(args, k, None) is not None
    }
    if getattr(args, "split", None):
        try:
            data["split_fractions"] = tuple(float(x) for x in args.split.split(","))
        except ValueError:
            raise ConfigError(f"--split {args.split!r}: give three numbers like 0.9,0.05,0.05") from None
    if getattr(args, "split_mode", None):
        data["split_mode"] = args.split_mode
    cleaning = {
        k: getattr(args, k)
        for k in (
            "nfkc",
            "lowercase",
            "collapse_whitespace",
            "strip_control",
            "stopwords",
            "dedupe",
            "min_line_chars",
            "max_line_chars",
        )
        if getattr(args, k, None) is not None
    }
    tok = {
        k: getattr(args, a)
        for k, a in (
            ("kind", "tokenizer"),
            ("vocab_size", "vocab_size"),
            ("min_frequency", "min_frequency"),
            ("character_coverage", "character_coverage"),
            ("byte_fallback", "byte_fallback"),
        )
        if getattr(args, a, None) is not None
    }
    if data.get("format") == "parallel" or data.get("target"):
        data.setdefault("format", "parallel")
    config.data = replace(config.data, cleaning=replace(config.data.cleaning, **cleaning), **data)
    config.tokenizer = replace(config.tokenizer, **tok)


def load_config(args):
    from ..core.config import WorkspaceConfig

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

    config = load_config(args)
    apply_corpus_arguments(config, args)
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
    print(f"written to  {prepared.directory}")
