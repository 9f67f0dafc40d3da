"""``lmstudio sample`` and ``lmstudio eval``: use a trained run.

``eval --text FILE`` streams the file (read with the same encoding detection as corpora, refused
before opening when it is not a regular file) through ``evaluation.evaluate_text``: bounded memory,
a progress bar on stderr, at most ``--max-tokens`` tokens. Bits per character is printed only when
the text holds no ``<unk>`` token; otherwise "n/a" and the reason.
"""

from __future__ import annotations

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
    from ..core.inference.generation import generate
    from ..core.runs.folders import load_run

    cfg = SampleConfig(**given(args, "sample"), alternatives=0)
    loaded = load_run(Path(args.run_dir), args.checkpoint, getattr(args, "train.device"))
    prompt = clean_text(
        args.prompt, loaded.config.data.cleaning
    )  # cleaned as the run's corpus was, as in the Playground
    sys.stdout.write(prompt)
    for event in generate(loaded.model, loaded.tokenizer, prompt, cfg, next(loaded.model.parameters()).device):
        sys.stdout.write(event.text)
        sys.stdout.flush()
    sys.stdout.write("\n")
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
    transform = Cleaner(cleaning).transform if cleaning_summary(cleaning) else None
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
