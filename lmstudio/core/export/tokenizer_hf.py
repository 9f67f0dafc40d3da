"""Our tokenizers as Hugging Face tokenizers (``tokenizer.json`` of the ``tokenizers`` library) that encode
exactly as ours do.

    char      WordLevel over single characters (a pre-tokenizer isolating every code point)
    word      WordLevel behind a Split on our WORD_PATTERN, its ``\\w`` and ``\\s`` spelt out as the code
              points Python's ``re`` gives them (the ``tokenizers`` regex engine's own ``\\w`` differs on
              combining marks, ``\\s`` on U+001C-U+001F)
    bpe       BPE over SentencePiece's pieces, merges ranked by the merged piece's score (SentencePiece merges
              the best-scoring pair first), byte fallback as trained
    unigram   Unigram with SentencePiece's scores (Viterbi over the same lattice), byte fallback as trained
    hf        (a model imported from Hugging Face, fine-tuned here) its own tokenizer.json, as it came

SentencePiece here runs with identity normalization, no dummy prefix, every space kept and written as
``▁``, ``"\\n"`` as a piece of its own: the normalizer replaces " " by "▁" and nothing else, no BOS is added
(ours adds none), and decoding turns "▁" back into spaces and byte pieces back into characters.
The special pieces keep their ids (``<pad>`` 0, ``<unk>`` 1, ``<s>`` 2, ``</s>`` 3) and are declared to
``transformers`` with ``split_special_tokens``: the text "<s>" typed by a user is text, as it is for us.

One known difference, unigram only: the ``tokenizers`` Unigram model matches every piece of its vocabulary
in the text, the special and byte pieces included, where SentencePiece matches only ordinary pieces. The
special and byte pieces get a score so low that they are never chosen over ordinary pieces; they still win
where the only other way to spell the text passes through ``<unk>`` (a character outside the vocabulary),
so a text holding the literal name of such a piece ("<s>", "<0x41>") with a character the vocabulary lacks
may be cut differently. :func:`unigram_caveat` says whether a vocabulary is exposed to it.
"""

from __future__ import annotations

import functools
import json
import sys
import unicodedata
from pathlib import Path
from typing import Any

from ..errors import TokenizerError
from ..tokenizers import CharTokenizer, SentencePieceTokenizer, Tokenizer, WordTokenizer
from ..tokenizers.base import UNK

SPACE_SYMBOL = "\u2581"  # SentencePiece's "▁"
NEVER = -1e9  # the score of pieces SentencePiece never matches in text (specials, bytes, unused)
HF_KIND = "hf"  # a tokenizer imported with a Hugging Face model (lmstudio.core.tokenizers.hf)
TOKENIZER_CLASS = "PreTrainedTokenizerFast"  # the name transformers 4 and 5 both load a tokenizer.json with


def _imports():
    try:
        import tokenizers  # noqa: F401
        import transformers  # noqa: F401
    except ImportError:
        from ..errors import ConfigError

        raise ConfigError(
            "export to Hugging Face needs the transformers and tokenizers packages; install them with: "
            "pip install lmstudio-workbench[export]"
        ) from None


# ---------------------------------------------------------------- the word pattern, spelt out


def _ranges(test) -> list[tuple[int, int]]:
    """Maximal runs [a, b] of code points (surrogates left out: they never reach a tokenizer) where ``test``."""
    out: list[tuple[int, int]] = []
    start = None
    for cp in range(sys.maxunicode + 1):
        if 0xD800 <= cp <= 0xDFFF:
            ok = False
        else:
            ok = test(chr(cp))
        if ok and start is None:
            start = cp
        elif not ok and start is not None:
            out.append((start, cp - 1))
            start = None
    if start is not None:
        out.append((start, sys.maxunicode))
    return out


def _class_items(ranges: list[tuple[int, int]]) -> str:
    return "".join(f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in ranges)


@functools.cache
def word_regex() -> str:
    r"""Our WORD_PATTERN ``\w+|[^\w\s]|\n|[^\S\n]+`` for the ``tokenizers`` (Oniguruma) regex engine.

    Python's ``re`` takes ``\w`` as ``str.isalnum() or "_"`` and ``\s`` as ``str.isspace()``; both are
    written out as explicit code-point classes so that both engines cut every text alike.
    """
    word = _ranges(lambda c: c.isalnum() or c == "_")
    space = _ranges(str.isspace)
    newline = ord("\n")
    space_not_newline = [
        part for a, b in space for part in ((a, min(b, newline - 1)), (max(a, newline + 1), b)) if part[0] <= part[1]
    ]
    w, s, s_nl = _class_items(word), _class_items(space), _class_items(space_not_newline)
    return f"[{w}]+|[^{w}{s}]|\\n|[{s_nl}]+"


# ---------------------------------------------------------------- building the tokenizers.Tokenizer


def _table_tokenizer(tok: CharTokenizer | WordTokenizer):
    from tokenizers import Regex, decoders, models, pre_tokenizers
    from tokenizers import Tokenizer as HFTokenizer

    vocab = {tok.id_to_piece(i): i for i in range(tok.vocab_size)}
    backend = HFTokenizer(models.WordLevel(vocab, unk_token=UNK))
    pattern = r"[\s\S]" if tok.kind == "char" else word_regex()
    backend.pre_tokenizer = pre_tokenizers.Split(Regex(pattern), behavior="isolated")
    backend.decoder = decoders.Fuse()  # the pieces joined as they are: no spaces added between them
    return backend


def _sentencepiece_pieces(tok: SentencePieceTokenizer) -> list[tuple[str, float, bool]]:
    """(piece, score, whether SentencePiece matches it in text) for every id."""
    sp = tok.processor
    out = []
    for i in range(sp.get_piece_size()):
        reserved = sp.is_control(i) or sp.is_unknown(i) or sp.is_byte(i) or sp.is_unused(i)
        out.append((sp.id_to_piece(i), float(sp.get_score(i)), not reserved))
    return out


def _sentencepiece_tokenizer(tok: SentencePieceTokenizer):
    from tokenizers import Tokenizer as HFTokenizer
    from tokenizers import decoders, models, normalizers

    pieces = _sentencepiece_pieces(tok)
    byte_fallback = bool(tok.config.byte_fallback)
    if tok.kind == "unigram":
        model = models.Unigram(
            [(p, score if matched else NEVER) for p, score, matched in pieces],
            unk_id=tok.unk_id,
            byte_fallback=byte_fallback,
        )
    else:
        ids = {p: i for i, (p, _, _) in enumerate(pieces)}
        merges = []
        for i, (piece, _, matched) in enumerate(pieces):
            if not matched or len(piece) < 2:
                continue
            for cut in range(1, len(piece)):
                left, right = ids.get(piece[:cut]), ids.get(piece[cut:])
                if left is not None and right is not None and pieces[left][2] and pieces[right][2]:
                    merges.append((i, left, right))
        # SentencePiece's pieces are in score order: the merge making the better piece comes first
        merges.sort()
        model = models.BPE(
            {p: i for p, i in ids.items()},
            [(pieces[a][0], pieces[b][0]) for _, a, b in merges],
            unk_token=UNK,
            byte_fallback=byte_fallback,
            fuse_unk=True,  # SentencePiece writes a run of unknown characters as one <unk>
        )
    backend = HFTokenizer(model)
    backend.normalizer = normalizers.Replace(" ", SPACE_SYMBOL)
    backend.decoder = decoders.Sequence([decoders.Replace(SPACE_SYMBOL, " "), decoders.ByteFallback(), decoders.Fuse()])
    return backend


def backend_tokenizer(tok: Tokenizer):
    """A ``tokenizers.Tokenizer`` that encodes as ``tok`` does (see the module's notes for unigram)."""
    _imports()
    if tok.kind == HF_KIND and getattr(tok, "backend", None) is not None:
        from tokenizers import Tokenizer as HFTokenizer

        return HFTokenizer.from_str(tok.backend.to_str())  # a model imported from Hugging Face: its own file
    if isinstance(tok, (CharTokenizer, WordTokenizer)):
        return _table_tokenizer(tok)
    if isinstance(tok, SentencePieceTokenizer):
        return _sentencepiece_tokenizer(tok)
    raise TokenizerError(f"a {tok.kind or type(tok).__name__} tokenizer has no Hugging Face form in this lmstudio")


def unigram_caveat(tok: Tokenizer) -> str:
    """For a unigram vocabulary whose special or byte piece names use characters it lacks: a sentence saying
    which texts may be cut differently; "" when the Hugging Face tokenizer encodes every text exactly as ours."""
    if not isinstance(tok, SentencePieceTokenizer) or tok.kind != "unigram":
        return ""
    pieces = _sentencepiece_pieces(tok)
    singles = {p.replace(SPACE_SYMBOL, " ") for p, _, matched in pieces if matched and len(p) == 1}
    reserved = [p for p, _, matched in pieces if not matched]
    missing = sorted({c for p in reserved for c in p} - singles)
    if not missing:
        return ""
    shown = " ".join(missing[:12]) + (" ..." if len(missing) > 12 else "")
    return (
        "a text that contains the literal name of a special or byte piece (such as <s> or <0x41>) may be cut "
        f"differently, since the vocabulary lacks some of the characters those names are spelt with ({shown}); "
        "every other text encodes to the same ids"
    )


def special_ids(tok: Tokenizer) -> dict[str, int | None]:
    """pad, unk, bos and eos ids of ``tok`` (None where it has none: a tokenizer imported from Hugging Face)."""
    out = {}
    for name in ("pad", "unk", "bos", "eos"):
        i = getattr(tok, f"{name}_id", -1)
        out[name] = int(i) if i is not None and int(i) >= 0 else None
    return out


def save_hf_tokenizer(tok: Tokenizer, directory: Path, max_length: int) -> None:
    """Write ``tokenizer.json`` and ``tokenizer_config.json`` (AutoTokenizer loads them) into ``directory``."""
    _imports()
    from transformers import PreTrainedTokenizerFast

    specials = {f"{name}_token": tok.id_to_piece(i) for name, i in special_ids(tok).items() if i is not None}
    imported = tok.kind == HF_KIND
    wrapped = PreTrainedTokenizerFast(
        tokenizer_object=backend_tokenizer(tok),
        # ours: "<s>" in a text is text (lmstudio has no markup for special tokens); an imported tokenizer
        # keeps its own file's behaviour, which is what lmstudio encodes with
        split_special_tokens=not imported,
        clean_up_tokenization_spaces=False,  # decoding must not move spaces around punctuation
        model_max_length=max_length,
        **specials,
    )
    for name, i in special_ids(tok).items():
        if i is not None and wrapped.convert_tokens_to_ids(tok.id_to_piece(i)) != i:  # a bug, not user input
            raise RuntimeError(f"special token {name} maps to {wrapped.convert_tokens_to_ids(tok.id_to_piece(i))}")
    wrapped.save_pretrained(str(directory))
    # a class name transformers 4 knows as well as 5 (5 saves its own new name)
    path = Path(directory) / "tokenizer_config.json"
    settings: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    settings["tokenizer_class"] = TOKENIZER_CLASS
    settings.pop("backend", None)
    path.write_text(json.dumps(settings, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def check_texts(tok: Tokenizer, extra: list[str] | None = None) -> list[str]:
    """Texts that exercise a tokenizer: every piece's own text, spaces, tabs, newlines, digits, accents
    (composed and combining), other scripts, emoji; plus ``extra`` (the run's sample prompt)."""
    texts = [
        "",
        "\n",
        "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n",
        "  two  spaces,\ttab\t\tand trailing   \n\n\n",
        "Numbers 1623, 3.14159 and -42; x2 y10",
        "na\u00efve caf\u00e9 / nai\u0308ve cafe\u0301 \u00bd \u00b2 \u2167",
        "\u65e5\u672c\u8a9e \u0420\u0443\u0441\u0441\u043a\u0438\u0439 \u0627\u0644\u0639\u0631\u0628\u064a\u0629 "
        "\U0001f642\U0001f44d\U0001f3fd",
        "under_score ALL-CAPS don't \u201cquoted\u201d \u2014 dash\u2026",
        "\x1c\x1f\x0b\x0c\u00a0\u2028\u3000end",
        unicodedata.normalize("NFD", "\u00c9l\u00e8ve \u00e0 l'\u00e9cole"),
    ]
    pieces = " ".join(tok.piece_text(i) for i in range(tok.vocab_size) if tok.piece_kind(i) == "normal")
    texts.append(pieces)
    return texts + list(extra or [])


def compare_encodings(tok: Tokenizer, directory: Path, texts: list[str]) -> list[tuple[str, list[int], list[int]]]:
    """Load the tokenizer written in ``directory`` with ``AutoTokenizer`` and encode ``texts`` with both:
    the texts where the ids differ, with ours and theirs."""
    _imports()
    from transformers import AutoTokenizer

    theirs = AutoTokenizer.from_pretrained(str(directory))
    out = []
    for text in texts:
        a = list(tok.encode(text))
        b = list(theirs(text, add_special_tokens=False, verbose=False)["input_ids"])
        if a != b:
            out.append((text, a, b))
    return out


__all__ = [
    "backend_tokenizer",
    "check_texts",
    "compare_encodings",
    "save_hf_tokenizer",
    "special_ids",
    "unigram_caveat",
    "word_regex",
]
