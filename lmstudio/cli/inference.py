"""``lmstudio sample``, ``lmstudio translate`` and ``lmstudio eval``: use a trained run.

``eval --text FILE`` streams the file (read with the same encoding detection as corpora, refused
before opening when it is not a regular file) through ``evaluation.evaluate_text``: bounded memory,
a progress bar on stderr, at most ``--max-tokens`` tokens. Bits per character is printed only when
the text holds no ``<unk>`` token; otherwise "n/a" and the reason.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .settings import add_setting_flags, given


def add_sample_parser(sub) -> None:
    p = sub.add_parser(
        "sample",
        help="generate text from a trained run",
        description="Generate text from a run's checkpoint, streaming it to the terminal.",
    )
    p.add_argument("run_dir", metavar="RUN_DIR", help="a run folder written by `lmstudio train`")
    p.add_argument("--prompt", default="\n", help="text to continue (default: a newline)")
    p.add_argument("--checkpoint", default="best", help="best, last or step-N (default best)")
    add_setting_flags(
        p,
        "sample",
        ("max_new_tokens", "temperature", "top_k", "top_p", "repetition_penalty", "seed", "stop"),
        extra={"max_new_tokens": "streamed, so a large N just runs until Ctrl-C"},
        defaults=True,
    )
    add_setting_flags(p, "train", ("device",), defaults=True)
    p.set_defaults(func=run_sample)


def _memory_advice(what: str, args, exc: BaseException):
    from ..core.errors import TrainingError

    where = "the GPU" if "CUDA" in str(exc) or "MPS" in str(exc) else "this device"
    return TrainingError(
        f"out of memory on {where} while {what} {args.run_dir}; "
        f"try --device cpu, a smaller --max-tokens / --max-new-tokens, or a shorter text"
    )


def run_sample(args) -> int:
    try:
        return _run_sample(args)
    except (MemoryError, RuntimeError) as exc:
        from ..core.devices import is_out_of_memory

        if not is_out_of_memory(exc):
            raise
        raise _memory_advice("sampling from", args, exc) from None


def _run_sample(args) -> int:
    from ..core.config import SampleConfig
    from ..core.data.cleaning import clean_text
    from ..core.data.segment import segmenter_for
    from ..core.errors import ConfigError
    from ..core.inference.generation import generate
    from ..core.runs.folders import load_run

    cfg = SampleConfig(**given(args, "sample"), alternatives=0)
    loaded = load_run(Path(args.run_dir), args.checkpoint, getattr(args, "train.device"))
    if loaded.is_translation:
        raise ConfigError(
            f"{args.run_dir}: is a translation run (an encoder-decoder); translate with "
            f'`lmstudio translate {args.run_dir} --text "..."`'
        )
    # cleaned as the run's corpus was, as in the Playground
    prompt = clean_text(args.prompt, loaded.config.data.cleaning, segmenter_for(loaded.config.data, loaded.tokenizer))
    sys.stdout.write(prompt)
    for event in generate(loaded.model, loaded.tokenizer, prompt, cfg, next(loaded.model.parameters()).device):
        sys.stdout.write(event.text)
        sys.stdout.flush()
    sys.stdout.write("\n")
    return 0


def add_translate_parser(sub) -> None:
    p = sub.add_parser(
        "translate",
        help="translate text with a translation run",
        description="Translate with a translation run (trained with --task translate): --text, or a file of "
        "sentences (one a line, '-' for standard input); one translation a line on standard output.",
    )
    p.add_argument("run_dir", metavar="RUN_DIR", help="a translation run folder written by `lmstudio train`")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--text", help="the source text to translate")
    src.add_argument("--file", metavar="FILE", help="source sentences, one a line ('-': standard input)")
    p.add_argument("--beam", type=int, default=1, metavar="N", help="beam width; 1 = greedy (default 1)")
    p.add_argument(
        "--alpha",
        type=float,
        default=0.6,
        metavar="A",
        help="beam search length penalty ((5 + length) / 6) ** A; 0 favours short outputs (default 0.6)",
    )
    p.add_argument("--scores", action="store_true", help="print the log probability before each translation")
    p.add_argument("--checkpoint", default="best", help="best, last or step-N (default best)")
    add_setting_flags(p, "train", ("device",), defaults=True)
    p.set_defaults(func=run_translate)


def run_translate(args) -> int:
    try:
        return _run_translate(args)
    except (MemoryError, RuntimeError) as exc:
        from ..core.devices import is_out_of_memory

        if not is_out_of_memory(exc):
            raise
        raise _memory_advice("translating with", args, exc) from None


def _run_translate(args) -> int:
    from ..core.data.cleaning import clean_text
    from ..core.data.segment import segmenter_for
    from ..core.errors import ConfigError
    from ..core.inference.translate import translate
    from ..core.runs.folders import load_run

    if args.beam < 1:
        raise ConfigError(f"--beam: {args.beam}; give a width of 1 (greedy) or more")
    if not args.alpha >= 0:
        raise ConfigError(f"--alpha: {args.alpha}; give 0 or more (0.6 to 1.0 is usual)")
    if args.text is not None:
        lines = [args.text]
    elif args.file == "-":
        lines = sys.stdin.read().splitlines()
    else:
        corpus = _open_text(argparse.Namespace(text=args.file, encoding="auto"))
        lines = list(corpus.iter_lines())
    loaded = load_run(Path(args.run_dir), args.checkpoint, getattr(args, "train.device"))
    if not loaded.is_translation:
        raise ConfigError(
            f"{args.run_dir}: is a language model, not a translation run; generate with `lmstudio sample`, "
            "or train an encoder-decoder with --task translate"
        )
    device = next(loaded.model.parameters()).device
    cleaning = loaded.config.data.cleaning
    segmenter = segmenter_for(loaded.config.data, loaded.tokenizer)
    for number, line in enumerate(lines, 1):
        text = clean_text(line, cleaning, segmenter)
        if not text.strip():
            print()
            continue
        try:
            (result,) = translate(
                loaded.model,
                loaded.source_tokenizer,
                loaded.tokenizer,
                [text],
                beam=args.beam,
                alpha=args.alpha,
                device=device,
            )
        except ConfigError as exc:
            where = "--text" if args.text is not None else f"{args.file}: line {number}"
            raise ConfigError(f"{where}: {exc}") from None
        print(f"{result.logprob:.4f}\t{result.text}" if args.scores else result.text, flush=True)
    return 0


def add_eval_parser(sub) -> None:
    p = sub.add_parser(
        "eval",
        help="perplexity and bits per character of a run",
        description="Evaluate a run on its validation and test splits, or on any text file.",
    )
    p.add_argument("run_dir", metavar="RUN_DIR", help="a run folder written by `lmstudio train`")
    p.add_argument(
        "--text",
        metavar="FILE",
        help="score this text file (any encoding the corpus reader detects) instead of the run's splits",
    )
    p.add_argument(
        "--encoding",
        default="auto",
        metavar="CODEC",
        help="encoding of --text FILE: auto (detect, as for corpora) or a codec name such as cp1252",
    )
    p.add_argument("--checkpoint", default="best", help="best, last or step-N (default best)")
    p.add_argument(
        "--max-tokens",
        type=int,
        default=200_000,
        metavar="N",
        help="evaluate at most N tokens per split or of --text (default 200000; 0 = all)",
    )
    add_setting_flags(p, "train", ("device",), defaults=True)
    p.add_argument(
        "--max-pairs",
        type=int,
        default=1000,
        metavar="N",
        help="translation runs: translate at most N pairs per split for BLEU and chrF (default 1000; 0 = all)",
    )
    p.add_argument("--beam", type=int, default=1, metavar="N", help="translation runs: beam width (default 1, greedy)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.set_defaults(func=run_eval)


def run_eval(args) -> int:
    try:
        return _run_eval(args)
    except (MemoryError, RuntimeError) as exc:
        from ..core.devices import is_out_of_memory

        if not is_out_of_memory(exc):
            raise
        raise _memory_advice("evaluating", args, exc) from None


def _run_eval(args) -> int:
    import math

    from ..core.dataset.prepare import prepare_cached
    from ..core.errors import ConfigError
    from ..core.inference.metrics import bits_per_char, count_unknown, unknown_token_note
    from ..core.inference.scoring import evaluate_tokens
    from ..core.runs.folders import load_run

    if args.max_tokens < 0:
        raise ConfigError(f"--max-tokens: {args.max_tokens} is negative; give a number of tokens, or 0 for all")
    limit = args.max_tokens or None
    text_source = _open_text(args) if args.text else None  # checked before the model is loaded
    loaded = load_run(Path(args.run_dir), args.checkpoint, getattr(args, "train.device"))
    device = next(loaded.model.parameters()).device
    if loaded.is_translation:
        if text_source is not None:
            raise ConfigError(
                f"--text: {args.run_dir} is a translation run; it is evaluated on its own validation and test "
                "pairs (leave out --text), or translate a file with `lmstudio translate --file`"
            )
        return _eval_translation(args, loaded, device)
    results: dict[str, dict] = {}
    if text_source is not None:
        results[str(args.text)] = _eval_text(loaded, text_source, device, limit)
    else:
        prepared = prepare_cached(loaded.config, tokenizer=loaded.tokenizer)
        for split in ("val", "test"):
            if prepared.store.count(split) <= 1:
                continue
            ids = prepared.store.split(split)
            r = evaluate_tokens(loaded.model, ids, loaded.config.model.block_size, device, max_tokens=limit)
            scored = ids[: r["tokens"] + 1]
            note = unknown_token_note(count_unknown(scored, loaded.tokenizer), len(scored))
            r["bits_per_char"] = math.nan if note else bits_per_char(r["loss"], prepared.chars_per_token(split))
            r["bits_per_char_note"] = note
            results[split] = r
    results = {k: {kk: vv for kk, vv in v.items() if isinstance(vv, (int, float, str))} for k, v in results.items()}
    if args.json:
        clean = {
            k: {kk: (None if isinstance(vv, float) and math.isnan(vv) else vv) for kk, vv in v.items()}
            for k, v in results.items()
        }
        print(json.dumps({"run": str(args.run_dir), "checkpoint": loaded.checkpoint.name, "results": clean}, indent=2))
    else:
        print(f"{args.run_dir} ({loaded.checkpoint.name}, step {loaded.checkpoint.step})")
        for name, r in results.items():
            bpc = r.get("bits_per_char", math.nan)
            shown = "n/a" if math.isnan(bpc) else f"{bpc:.4f}"
            part = "" if r.get("complete", True) else f" (the first {int(r['tokens']):,}; --max-tokens 0 for all)"
            print(
                f"{name:<8} loss {r['loss']:.4f}  perplexity {r['perplexity']:.3f}  "
                f"bits/char {shown}  tokens {int(r.get('tokens', 0)):,}{part}"
            )
            if r.get("bits_per_char_note"):
                print(f"         bits/char {r['bits_per_char_note']}")
    return 0


def _eval_translation(args, loaded, device) -> int:
    """Loss and perplexity over every validation and test pair, and BLEU, chrF and exact match of the
    translations of up to --max-pairs of them (greedy, or --beam N)."""
    import math

    from ..core.dataset.pair_prepare import prepare_pairs_cached
    from ..core.errors import ConfigError
    from ..core.inference.translate import pair_store_loss, translate_store
    from ..core.inference.translation_metrics import corpus_bleu, corpus_chrf
    from .progressbar import ProgressBar

    if args.beam < 1:
        raise ConfigError(f"--beam: {args.beam}; give a width of 1 (greedy) or more")
    prepared = prepare_pairs_cached(loaded.config, tokenizers=(loaded.source_tokenizer, loaded.tokenizer))
    results: dict[str, dict] = {}
    signature = ""
    for split in ("val", "test"):
        store = prepared.stores[split]
        if len(store) == 0:
            continue
        r = pair_store_loss(loaded.model, store, device=device)
        n = len(store) if args.max_pairs == 0 else min(args.max_pairs, len(store))
        bar = ProgressBar(f"translating {split}")
        try:
            outputs = translate_store(
                loaded.model,
                store,
                loaded.tokenizer,
                pad_id=loaded.source_tokenizer.pad_id,
                n=n,
                beam=args.beam,
                device=device,
                progress=lambda done, total, bar=bar, split=split: bar.update(
                    done, total, f"translating {split}: {done:,}/{total:,}", force=done >= total
                ),
            )
        finally:
            bar.close()
        references = [t for _, t in prepared.texts(split)[:n]]
        bleu, chrf = corpus_bleu(outputs, references), corpus_chrf(outputs, references)
        signature = bleu.signature
        r.update(
            bleu=bleu.score,
            chrf=chrf.score,
            exact_match=sum(o == ref for o, ref in zip(outputs, references)) / n,
            translated=n,
            bits_per_char=r["loss"] / math.log(2) / prepared.chars_per_token(split),
        )
        results[split] = r
    decoding = "greedy" if args.beam == 1 else f"beam {args.beam}"
    if args.json:
        doc = {
            "run": str(args.run_dir),
            "checkpoint": loaded.checkpoint.name,
            "task": "translate",
            "decoding": decoding,
            "bleu_signature": signature,
            "results": results,
        }
        print(json.dumps(doc, indent=2))
        return 0
    print(f"{args.run_dir} ({loaded.checkpoint.name}, step {loaded.checkpoint.step}; translation, {decoding})")
    for name, r in results.items():
        part = (
            ""
            if r["translated"] == r["pairs"]
            else f" (BLEU over the first {r['translated']:,}; --max-pairs 0 for all)"
        )
        print(
            f"{name:<8} loss {r['loss']:.4f}  perplexity {r['perplexity']:.3f}  BLEU {r['bleu']:.2f}  "
            f"chrF {r['chrf']:.2f}  exact {r['exact_match']:.1%}  pairs {r['pairs']:,}{part}"
        )
    print(f"BLEU signature: {signature}")
    return 0


def _open_text(args):
    """The corpus reader over ``--text`` (regular files and folders only, refused before any open())."""
    from ..core.data.corpus import Corpus, ReadOptions
    from ..core.errors import CorpusError

    try:
        from ..core.fileio import check_regular_file
    except ImportError:  # older core: at least refuse what is not a file or folder

        def check_regular_file(path, what, *, allow_folder=False, error=CorpusError):
            p = Path(path)
            if not (p.is_file() or (allow_folder and p.is_dir())):
                raise error(f"{p}: not a regular file; give the {what} as an ordinary text file")
            return p

    path = check_regular_file(Path(args.text), "text to score (--text)", allow_folder=True)
    return Corpus.open(path, ReadOptions(encoding=args.encoding))


def _eval_text(loaded, corpus, device, limit: int | None) -> dict:
    from ..core.data.cleaning import Cleaner, cleaning_summary
    from ..core.data.segment import segmenter_for
    from ..core.inference.scoring import evaluate_text
    from .progressbar import ProgressBar

    bar = ProgressBar(f"scoring {corpus.path.name}")
    size = max(1, corpus.size_bytes)
    state = {"chars": 0, "tokens": 0}
    name = corpus.path.name

    def show(force: bool = False) -> None:
        # under a limit: tokens scored out of it (text is read a megabyte ahead); else characters
        # handed to the scorer out of the file's bytes
        frac = state["tokens"] / limit if limit else state["chars"] / size
        bar.update(min(1.0, frac), 1.0, f"scoring {name}: {state['tokens']:,} tokens", force=force)

    cleaning = loaded.config.data.cleaning
    segmenter = segmenter_for(loaded.config.data, loaded.tokenizer)
    transform = Cleaner(cleaning, segmenter).transform if cleaning_summary(cleaning) else None
    if transform is not None:  # the text meets the vocabulary the model was trained on, as in the Playground's Score
        print(f"lmstudio: {name} is cleaned like the run's corpus: {cleaning_summary(cleaning)}", file=sys.stderr)

    def lines():
        for line in corpus.iter_lines():
            state["chars"] += len(line) + 1
            yield transform(line) if transform is not None else line

    def on_tokens(done, total, message=""):
        state["tokens"] = int(done)
        show()

    try:
        result = evaluate_text(
            loaded.model,
            loaded.tokenizer,
            lines(),
            block_size=loaded.config.model.block_size,
            device=device,
            max_tokens=limit,
            progress=on_tokens,
        )
        state["chars"] = size
        show(force=True)
        return result
    finally:
        bar.close()
