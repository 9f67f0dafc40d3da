"""Tokenizers: lossless round trips, training errors, save/load, vocabulary report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lmstudio.core.config import TokenizerConfig
from lmstudio.core.errors import Cancelled, TokenizerError
from lmstudio.core.tokenizers import (
    SPECIALS,
    SentencePieceTokenizer,
    load_tokenizer,
    train_tokenizer,
    vocabulary_report,
)
from lmstudio.core.tokenizers.table import WORD_PATTERN, CharTokenizer, WordTokenizer

SHAKESPEARE = Path(__file__).resolve().parents[2] / "resources" / "corpora" / "tinyshakespeare.txt"
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _slice(start: int, stop: int) -> str:
    with open(SHAKESPEARE, encoding="utf-8") as fh:
        lines = fh.read().split("\n")
    return "".join(line + "\n" for line in lines[start:stop])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("corpus")
    train, val = folder / "train.txt", folder / "val.txt"
    train.write_text(_slice(0, 2000), encoding="utf-8")
    val.write_text(_slice(2000, 2200), encoding="utf-8")
    return train, val


@pytest.fixture(scope="module")
def toks(corpus) -> dict[str, object]:
    train, _ = corpus
    return {
        "char": train_tokenizer(TokenizerConfig(kind="char"), train),
        "word": train_tokenizer(TokenizerConfig(kind="word", vocab_size=3000), train),
        "bpe": train_tokenizer(TokenizerConfig(kind="bpe", vocab_size=600), train),
        "unigram": train_tokenizer(TokenizerConfig(kind="unigram", vocab_size=600), train),
    }


def _write(tmp_path: Path, text: str, name: str = "train.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the common interface ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["char", "word", "bpe", "unigram"])
def test_interface_and_specials(toks, corpus, kind):
    tok = toks[kind]
    assert tok.kind == kind
    assert (tok.pad_id, tok.unk_id, tok.bos_id, tok.eos_id) == (0, 1, 2, 3)
    assert [tok.id_to_piece(i) for i in range(4)] == list(SPECIALS)
    assert tok.piece_to_id("<unk>") == tok.unk_id
    assert tok.piece_to_id("no such piece \u2603\u2603") == tok.unk_id
    for i in range(0, tok.vocab_size, 37):
        assert tok.piece_to_id(tok.id_to_piece(i)) == i
    text = corpus[0].read_text(encoding="utf-8")
    assert tok.decode(tok.encode(text)) == text  # every word of the train text is in the 3000-word vocabulary
    assert tok.encode_batch(["To be", "or not\nto be"]) == [tok.encode("To be"), tok.encode("or not\nto be")]
    assert tok.encode_to_array("First Citizen:\n").tolist() == tok.encode("First Citizen:\n")
    assert tok.decode([tok.bos_id, *tok.encode("Ay"), tok.eos_id, tok.pad_id]) == "Ay"
    with pytest.raises(TokenizerError, match="out of range"):
        tok.id_to_piece(tok.vocab_size)
    with pytest.raises(TokenizerError, match="out of range"):
        tok.decode([5, tok.vocab_size + 3])


@pytest.mark.parametrize("kind", ["char", "word", "bpe", "unigram"])
def test_save_load_plain_files(toks, tmp_path, kind):
    tok = toks[kind]
    tok.save(tmp_path)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == (["tokenizer.json", "tokenizer.model"] if kind in ("bpe", "unigram") else ["tokenizer.json"])
    meta = json.loads((tmp_path / "tokenizer.json").read_text(encoding="utf-8"))
    assert meta["kind"] == kind and meta["settings"]["kind"] == kind and meta["vocab_size"] == tok.vocab_size
    back = load_tokenizer(tmp_path)
    assert type(back) is type(tok) and back.vocab_size == tok.vocab_size
    assert back.fingerprint() == tok.fingerprint()
    sample = "O Romeo, Romeo! wherefore art thou Romeo?\n\n  Deny thy father."
    assert back.encode(sample) == tok.encode(sample)


def test_fingerprints_differ(toks):
    assert len({t.fingerprint() for t in toks.values()}) == 4


def test_load_errors_name_the_file(toks, tmp_path):
    with pytest.raises(TokenizerError, match="tokenizer.json is missing"):
        load_tokenizer(tmp_path)
    (tmp_path / "tokenizer.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(TokenizerError, match=r"tokenizer\.json.*corrupt"):
        load_tokenizer(tmp_path)
    toks["bpe"].save(tmp_path)
    (tmp_path / "tokenizer.model").write_bytes(b"garbage")
    with pytest.raises(TokenizerError, match=r"tokenizer\.model.*not a valid SentencePiece model"):
        load_tokenizer(tmp_path)
    (tmp_path / "tokenizer.model").unlink()
    with pytest.raises(TokenizerError, match=r"tokenizer\.model.*missing"):
        load_tokenizer(tmp_path)
    toks["char"].save(tmp_path)
    meta = json.loads((tmp_path / "tokenizer.json").read_text(encoding="utf-8"))
    meta["vocab"] = meta["vocab"][4:]
    (tmp_path / "tokenizer.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(TokenizerError, match="damaged"):
        load_tokenizer(tmp_path)


# --- character ----------------------------------------------------------------------------------------


def test_char_vocabulary_and_unknowns(toks):
    tok = toks["char"]
    assert isinstance(tok, CharTokenizer)
    chars = [tok.id_to_piece(i) for i in range(4, tok.vocab_size)]
    assert chars == sorted(chars) and "\n" in chars and " " in chars
    assert tok.encode("a\u2603b") == [tok.piece_to_id("a"), tok.unk_id, tok.piece_to_id("b")]
    long = "a\u2603b" * 40  # the numpy path, with code points above the table
    assert tok.encode(long) == [tok.piece_to_id("a"), tok.unk_id, tok.piece_to_id("b")] * 40
    assert tok.decode(tok.encode("a\u2603")) == "a\u2047"


@PROPERTY
@given(data=st.data())
def test_char_lossless_on_its_alphabet(toks, data):
    tok = toks["char"]
    alphabet = [tok.id_to_piece(i) for i in range(4, tok.vocab_size)]
    text = data.draw(st.text(alphabet=alphabet, max_size=300))
    assert tok.decode(tok.encode(text)) == text


# --- word ---------------------------------------------------------------------------------------------


@PROPERTY
@given(st.text(max_size=200))
def test_word_pattern_covers_any_text(text):
    assert "".join(WORD_PATTERN.findall(text)) == text


def test_word_pieces_and_limits(toks, corpus):
    tok = toks["word"]
    assert isinstance(tok, WordTokenizer)
    assert [tok.id_to_piece(i) for i in tok.encode("Before we proceed,\nhear")] == [
        "Before",
        " ",
        "we",
        " ",
        "proceed",
        ",",
        "\n",
        "hear",
    ]
    assert tok.decode(tok.encode("Before zyzzyva")) == "Before \u2047"
    small = train_tokenizer(TokenizerConfig(kind="word", vocab_size=50), corpus[0])
    assert small.vocab_size == 50
    frequent = train_tokenizer(TokenizerConfig(kind="word", vocab_size=100_000, min_frequency=20), corpus[0])
    assert frequent.vocab_size < tok.vocab_size
    assert frequent.encode("zounds") == [frequent.unk_id]


def test_word_errors(corpus):
    with pytest.raises(TokenizerError, match="vocab_size 3 is too small.*5"):
        train_tokenizer(TokenizerConfig(kind="word", vocab_size=3), corpus[0])
    with pytest.raises(TokenizerError, match=r"min_frequency 1000000.*appears \d+ times"):
        train_tokenizer(TokenizerConfig(kind="word", min_frequency=1_000_000), corpus[0])


# --- SentencePiece ------------------------------------------------------------------------------------


@PROPERTY
@given(text=st.text(max_size=200))
def test_sentencepiece_lossless_on_any_text(toks, text):
    for kind in ("bpe", "unigram"):
        tok = toks[kind]
        assert tok.decode(tok.encode(text)) == text


@pytest.mark.parametrize("kind", ["bpe", "unigram"])
def test_sentencepiece_whitespace_and_newlines(toks, kind):
    tok = toks[kind]
    assert isinstance(tok, SentencePieceTokenizer)
    for text in [
        "\n",
        "\n\n\nx",
        "trailing   ",
        "  leading",
        "a\tb\r\nc",
        "\u00e9\u0301 \ufb01 \u2028 done\n",
        "\U0001f642\n",
    ]:
        assert tok.decode(tok.encode(text)) == text
    assert tok.id_to_piece(tok.encode("\n")[0]) == "\n"  # the newline is one symbol of its own
    assert tok.piece_kind(tok.piece_to_id("<0x41>")) == "byte"


def test_bpe_all_shakespeare_lines_round_trip(toks):
    lines = SHAKESPEARE.read_text(encoding="utf-8").split("\n")
    assert len(lines) >= 40_000
    tok = toks["bpe"]
    bad = [line for line, ids in zip(lines, tok.encode_batch(lines)) if tok.decode(ids) != line]
    assert bad == []


def test_sentencepiece_long_lines_are_split(tmp_path):
    words = " ".join(f"word{i % 50}" for i in range(3000))  # ~20,000 bytes on one line
    path = _write(tmp_path, (words + "\n") * 3 + "x" * 9000 + "\n")
    tok = train_tokenizer(TokenizerConfig(kind="bpe", vocab_size=280), path)
    assert tok.decode(tok.encode(words)) == words


@pytest.mark.parametrize("kind", ["bpe", "unigram"])
def test_sentencepiece_vocab_too_large_says_largest(tmp_path, corpus, kind):
    path = _write(tmp_path, _slice(0, 300))
    with pytest.raises(TokenizerError, match=r"vocab_size 50000 is larger .* largest that works is (\d+)") as info:
        train_tokenizer(TokenizerConfig(kind=kind, vocab_size=50_000), path)
    largest = int(str(info.value).split("largest that works is ")[1].split(";")[0])
    assert train_tokenizer(TokenizerConfig(kind=kind, vocab_size=largest), path).vocab_size == largest


@pytest.mark.parametrize("kind", ["bpe", "unigram"])
def test_sentencepiece_vocab_too_small_says_smallest(tmp_path, kind):
    path = _write(tmp_path, _slice(0, 300))
    with pytest.raises(TokenizerError, match=r"vocab_size 100 is too small.*at least (\d+)") as info:
        train_tokenizer(TokenizerConfig(kind=kind, vocab_size=100), path)
    smallest = int(str(info.value).split("at least ")[1].split(";")[0])
    assert train_tokenizer(TokenizerConfig(kind=kind, vocab_size=smallest), path).vocab_size == smallest


@pytest.mark.parametrize("kind", ["char", "word", "bpe", "unigram"])
@pytest.mark.parametrize("text, message", [("", "is empty"), ("  \n\t\n\n", "only whitespace")])
def test_empty_corpus(tmp_path, kind, text, message):
    with pytest.raises(TokenizerError, match=message):
        train_tokenizer(TokenizerConfig(kind=kind, vocab_size=300), _write(tmp_path, text))


def test_missing_train_file(tmp_path):
    with pytest.raises(TokenizerError, match="no such file"):
        train_tokenizer(TokenizerConfig(kind="bpe"), tmp_path / "nope.txt")


@pytest.mark.parametrize("kind", ["char", "bpe"])
def test_progress_and_cancel(corpus, kind):
    calls = []
    train_tokenizer(
        TokenizerConfig(kind=kind, vocab_size=400), corpus[0], progress=lambda d, t, m: calls.append((d, t, m))
    )
    assert calls and calls[-1][0] == calls[-1][1]
    with pytest.raises(Cancelled):
        train_tokenizer(TokenizerConfig(kind=kind, vocab_size=400), corpus[0], progress=lambda d, t, m: False)


def test_unigram_is_reproducible(corpus, toks):
    again = train_tokenizer(TokenizerConfig(kind="unigram", vocab_size=600), corpus[0])
    assert again.fingerprint() == toks["unigram"].fingerprint()


# --- vocabulary report --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["char", "word", "bpe"])
def test_vocabulary_report(toks, corpus, kind):
    tok = toks[kind]
    train, val = corpus
    rep = vocabulary_report(tok, train, val)
    text = train.read_text(encoding="utf-8")
    n = len(tok.encode(text))
    assert len(rep["pieces"]) == tok.vocab_size
    assert sum(p["frequency"] for p in rep["pieces"]) == n == rep["train_tokens"]
    assert rep["chars_per_token"] == pytest.approx(len(text) / n)
    assert rep["coverage"][-1] == pytest.approx(1.0) and rep["coverage"] == sorted(rep["coverage"])
    hist = rep["token_length_hist"]
    assert len(hist["edges"]) == len(hist["counts"]) + 1
    assert sum(hist["counts"]) == sum(1 for p in rep["pieces"] if p["length"] > 0)
    assert 0.0 <= rep["unk_rate"] <= 1.0 and rep["unk_rate_split"] == "val"
    piece = rep["pieces"][tok.encode("the")[0]]
    assert piece["frequency"] > 0 and piece["id"] == tok.encode("the")[0]
    if kind == "char":
        assert rep["chars_per_token"] == 1.0 and hist["counts"] == [tok.vocab_size - 4]
    if kind == "word":
        assert rep["unk_rate"] > 0  # the validation split has words the train split lacks
    if kind == "bpe":
        assert rep["unk_rate"] == 0.0 and rep["chars_per_token"] > 2
    ids = tok.encode_to_array(text)
    assert vocabulary_report(tok, train, train_ids=ids)["pieces"] == rep["pieces"]


def test_vocabulary_report_counts_from_a_token_file_in_slices(toks, corpus, tmp_path, monkeypatch):
    """A memmapped token file is read in slices (plain reads) and gives the same frequencies."""
    import lmstudio.core.tokenizers.vocabulary as vr
    from lmstudio.core.dataset.tokens import TokenStore

    tok = toks["bpe"]
    train, val = corpus
    store = TokenStore.build(tok, {"train": train, "val": val}, tmp_path / "tokens")
    monkeypatch.setattr(vr, "_SLICE", 1000)  # many slices, a partial last one
    from_file = vocabulary_report(tok, train, val, train_ids=store.split("train"), val_ids=store.split("val"))
    assert from_file["pieces"] == vocabulary_report(tok, train, val)["pieces"]
    assert store.count("train") > 3000
