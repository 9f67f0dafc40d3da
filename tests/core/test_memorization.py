"""The memorization check: exact spans, collision safety, chunked builds, line numbers, verdicts."""

from __future__ import annotations

import json

import numpy as np
import pytest

from lmstudio.core.dataset.memorization import (
    MemorizationIndex,
    Span,
    build_ngram_index,
    default_k,
    index_for,
    line_starts_from_tokens,
    verdict,
)
from lmstudio.core.dataset.prepare import prepare_cached
from lmstudio.core.errors import DataError
from tests.helpers import tiny_workspace


def _split(seed: int = 0, n: int = 5000, vocab: int = 1000) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, vocab, n).astype(np.uint16)


def _index(tmp_path, tokens, k=8, **kw) -> MemorizationIndex:
    build_ngram_index(tokens, k, tmp_path / "idx", **kw)
    return MemorizationIndex.open(tmp_path / "idx", {"train": tokens})


def test_planted_repeats_found_exactly(tmp_path):
    train = _split()
    index = _index(tmp_path, train)
    sample = np.concatenate([[2000] * 5, train[100:120], [2001] * 5, train[3000:3008], [2002] * 3, train[50:57]])
    spans = index.find_spans(sample)
    assert spans == [Span(5, 25, "train", 100), Span(30, 38, "train", 3000)]  # 7 ids (< k) are no span
    near = train[200:230].astype(np.int64)
    near[15] = 2003  # one id changed: two runs, each only as long as the text on its side
    assert [(s.start, s.end, s.position) for s in index.find_spans(near)] == [(0, 15, 200), (16, 30, 216)]
    assert index.find_spans(list(range(2000, 2030))) == []


def test_first_occurrence_and_whole_span_placement(tmp_path):
    train = _split(1)
    train[4000:4020] = train[1000:1020]  # the same 20 ids twice
    index = _index(tmp_path, train)
    (span,) = index.find_spans(train[1000:1020])
    assert span.position == 1000
    # a span stitched from two places: every k-gram occurs, the whole run nowhere
    x, y, z = np.arange(3000, 3008), np.arange(3100, 3108), np.arange(3200, 3208)
    train[2000:2016], train[3000:3016] = np.concatenate([x, y]), np.concatenate([y, z])
    index = _index(tmp_path / "b", train)
    assert index.find_spans(np.concatenate([x, y, z])) == [Span(0, 24, "train", 2000)]
    assert index.find_spans(np.concatenate([y, z])) == [Span(0, 16, "train", 3000)]


def test_tiny_hash_space_gives_no_false_spans(tmp_path):
    train = _split(2, n=1000)
    index = _index(tmp_path, train, hash_bits=6)  # 64 hashes for 993 k-grams: every query window collides
    exact = _index(tmp_path / "b", train)
    rng = np.random.default_rng(9)
    for _ in range(3):
        sample = np.concatenate([rng.integers(0, 1000, 20), train[700:716], rng.integers(0, 1000, 20)])
        assert index.find_spans(sample) == exact.find_spans(sample) == [Span(20, 36, "train", 700)]
    assert len(np.unique(np.load(tmp_path / "idx" / "train.hashes.npy"))) <= 64


def test_chunked_build_equals_one_shot(tmp_path):
    train = _split(3, n=2000, vocab=20)  # a small vocabulary: many repeated k-grams and equal hashes
    build_ngram_index(train, 2, tmp_path / "one")  # 2000 bigrams of 20 ids: most repeat, in several chunks
    build_ngram_index(train, 2, tmp_path / "chunked", chunk_tokens=250)  # 8 chunks, 8 buckets
    for name in ("train.hashes.npy", "train.positions.npy"):
        one, chunked = np.load(tmp_path / "one" / name), np.load(tmp_path / "chunked" / name)
        assert np.array_equal(one, chunked)
    hashes = np.load(tmp_path / "one" / "train.hashes.npy")
    assert len(np.unique(hashes)) < len(hashes) / 2  # so ties (equal hashes) were ordered by position in both
    assert not list((tmp_path / "chunked").glob(".*"))  # no bucket or temporary files left
    index = MemorizationIndex.open(tmp_path / "chunked", {"train": train})
    (span,) = index.find_spans(train[123:140])
    assert (span.start, span.end) == (0, 17) and np.array_equal(
        train[span.position : span.position + 17], train[123:140]
    )


def test_verdict_labels_and_share():
    assert verdict([], 10) == ("new", 0.0)
    val = Span(0, 4, "val", 0)
    assert verdict([val], 10) == ("seen in validation", 0.4)
    v = verdict([val, Span(2, 8, "train", 5)], 10)
    assert v.label == "seen in train" and v.covered == pytest.approx(0.8)


def test_line_starts_and_errors(tmp_path):
    tokens = np.array([5, 6, 0, 7, 0, 0, 8, 9, 0])  # newline id 0: lines "56", "7", "", "89"
    assert line_starts_from_tokens(tokens, 0, 4, chunk_tokens=2).tolist() == [0, 3, 5, 6]
    assert line_starts_from_tokens(tokens, 0, 3) is None
    with pytest.raises(DataError, match="no memorization index"):
        MemorizationIndex.open(tmp_path / "missing", {})
    build_ngram_index(_split(), 8, tmp_path / "idx")
    with pytest.raises(DataError, match="stale"):
        MemorizationIndex.open(tmp_path / "idx", {"train": _split(n=10)})
    assert default_k("char") > default_k("bpe")


def test_prepared_corpus_lines_and_verdicts(tiny_corpus):
    prepared = prepare_cached(tiny_workspace(tiny_corpus))
    index = index_for(prepared)
    assert index.k == default_k("char") and index.directory.parent == prepared.directory
    assert index_for(prepared.directory).directory == index.directory  # built once, then reopened
    meta = json.loads((index.directory / "index.json").read_text(encoding="utf-8"))
    assert meta["splits"]["train"]["corpus_lines"] and meta["splits"]["val"]["corpus_lines"]
    corpus = tiny_corpus.read_text(encoding="utf-8").split("\n")
    tok = prepared.tokenizer
    for split, label in (("train", "seen in train"), ("val", "seen in validation")):
        text = (prepared.store.split(split)[:400]).tolist()
        lines = tok.decode(text).split("\n")
        line = max(lines[1:-1], key=len)  # a whole line of the split, copied verbatim
        ids = tok.encode("zq" + line + "\n")
        spans = [s for s in index.find_spans(ids) if s.split == split]
        assert spans and spans[0].line is not None
        assert corpus[spans[0].line - 1] == line  # the click-through lands on the source line
        if split == "val" and any(s.split == "train" for s in index.find_spans(ids)):
            continue  # the line also occurs in train: train wins
        assert verdict(index.find_spans(ids), len(ids)).label == label
    rng = np.random.default_rng(0)
    random_text = "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz "), 200))
    ids = tok.encode(random_text)
    assert verdict(index.find_spans(ids), len(ids)).label == "new"


def test_user_prepared_folder_stays_as_prepare_wrote_it(tiny_corpus, tmp_path):
    from lmstudio.core.dataset.prepare import is_prepared_folder, prepare

    out = tmp_path / "prepared"
    prepared = prepare(tiny_workspace(tiny_corpus), out, with_report=False)
    index = index_for(prepared, k=6)
    assert is_prepared_folder(out) and out not in index.directory.parents  # kept in the cache instead
    ids = prepared.store.split("train")[40:60]
    (span,) = index.find_spans(ids)
    assert span.split == "train" and span.line is not None
    (index.directory / "train.hashes.npy").write_bytes(b"damaged")
    assert index_for(out, k=6).find_spans(ids) == [span]  # a damaged index is rebuilt
