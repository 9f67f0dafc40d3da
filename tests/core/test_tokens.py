"""Token storage: memmap files, the token store and its cache key, the batch sampler."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import torch

from lmstudio.core.config import TokenizerConfig
from lmstudio.core.dataset.tokens import (
    BatchSampler,
    TokenStore,
    cache_key,
    encode_file,
    token_dtype,
)
from lmstudio.core.errors import Cancelled, DataError
from lmstudio.core.tokenizers import train_tokenizer
from lmstudio.core.tokenizers.base import SPECIALS
from lmstudio.core.tokenizers.table import CharTokenizer

SHAKESPEARE = Path(__file__).resolve().parents[2] / "resources" / "corpora" / "tinyshakespeare.txt"


@pytest.fixture(scope="module")
def splits(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("splits")
    lines = SHAKESPEARE.read_text(encoding="utf-8").split("\n")
    out = {}
    for name, (a, b) in {"train": (0, 1500), "val": (1500, 1600), "test": (1600, 1610)}.items():
        out[name] = folder / f"{name}.txt"
        out[name].write_text("".join(line + "\n" for line in lines[a:b]), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def toks(splits):
    return {
        kind: train_tokenizer(TokenizerConfig(kind=kind, vocab_size=500), splits["train"])
        for kind in ("char", "word", "bpe", "unigram")
    }


@pytest.mark.parametrize("kind", ["char", "word", "bpe", "unigram"])
def test_encode_file_matches_encode(toks, splits, tmp_path, kind):
    tok = toks[kind]
    out = tmp_path / "train.bin"
    n = encode_file(tok, splits["train"], out, chunk_bytes=1000)  # many chunks, cut at line ends
    ids = np.fromfile(out, dtype=np.uint16)
    assert n == len(ids)
    assert ids.tolist() == tok.encode(splits["train"].read_text(encoding="utf-8"))
    assert [p.name for p in tmp_path.iterdir()] == ["train.bin"]


def test_encode_file_long_line_without_newline(toks, tmp_path):
    tok = toks["char"]
    text = "to be or not to be " * 500 + "that is the question" * 100  # one line, far above the chunk size
    src = tmp_path / "long.txt"
    src.write_text(text, encoding="utf-8")
    n = encode_file(tok, src, tmp_path / "long.bin", chunk_bytes=256)
    assert n == len(text)
    assert np.fromfile(tmp_path / "long.bin", dtype=np.uint16).tolist() == tok.encode(text)


def test_encode_file_uint32_for_large_vocabularies(tmp_path):
    assert token_dtype(65_536) == np.uint16 and token_dtype(65_537) == np.uint32
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 70_000) if not 0xD800 <= c < 0xE000]
    tok = CharTokenizer(TokenizerConfig(kind="char"), list(SPECIALS) + chars)
    text = chars[-1] + chars[0] + "\n"
    src = tmp_path / "big.txt"
    src.write_text(text, encoding="utf-8")
    encode_file(tok, src, tmp_path / "big.bin")
    assert np.fromfile(tmp_path / "big.bin", dtype=np.uint32).tolist() == tok.encode(text)
    assert max(tok.encode(text)) > 65_535


def test_encode_file_errors_leave_nothing(toks, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"fine line\n\xff\xfe broken\n")
    with pytest.raises(DataError, match=r"bad\.txt.*not valid UTF-8"):
        encode_file(toks["char"], bad, tmp_path / "bad.bin")
    with pytest.raises(DataError, match="no such file"):
        encode_file(toks["char"], tmp_path / "missing.txt", tmp_path / "missing.bin")
    with pytest.raises(Cancelled):
        encode_file(
            toks["bpe"], SHAKESPEARE, tmp_path / "cancel.bin", progress=lambda d, t, m: d == 0, chunk_bytes=10_000
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.txt"]


def test_token_store_build_open_and_cache(toks, splits, tmp_path):
    tok = toks["bpe"]
    seen = []
    key = cache_key("corpus-hash", "{}", tok.fingerprint())
    store = TokenStore.build(tok, splits, tmp_path / "store", progress=lambda d, t, m: seen.append((d, t)), key=key)
    assert store.names == ["train", "val", "test"]
    assert store.count("train") == len(tok.encode(splits["train"].read_text(encoding="utf-8")))
    assert seen[-1][0] == seen[-1][1] and all(d <= t for d, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    again = TokenStore.open(tmp_path / "store")
    assert again.key == key and again.fingerprint == tok.fingerprint() and again.dtype == np.uint16
    data = again.split("val")
    assert isinstance(data, np.memmap) and data.ndim == 1 and len(data) == again.count("val")
    assert data.tolist() == tok.encode(splits["val"].read_text(encoding="utf-8"))
    with pytest.raises(DataError, match="no 'dev' split"):
        again.split("dev")

    mtime = (tmp_path / "store" / "train.bin").stat().st_mtime_ns
    cached = TokenStore.cached(tok, splits, tmp_path / "store", key)
    assert (tmp_path / "store" / "train.bin").stat().st_mtime_ns == mtime and cached.count("train") == store.count(
        "train"
    )
    rebuilt = TokenStore.cached(toks["char"], splits, tmp_path / "store", cache_key("other"))
    assert rebuilt.fingerprint == toks["char"].fingerprint() and rebuilt.count("train") > store.count("train")


def test_token_store_damage_is_reported(toks, splits, tmp_path):
    folder = tmp_path / "store"
    with pytest.raises(DataError, match="meta.json is missing"):
        TokenStore.open(folder)
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    TokenStore.build(toks["char"], {"train": splits["train"], "empty": tmp_path / "empty.txt"}, folder)
    assert len(TokenStore.open(folder).split("empty")) == 0
    with open(folder / "train.bin", "r+b") as fh:
        fh.truncate(10)
    with pytest.raises(DataError, match=r"train\.bin: expected \d+ tokens .* found 10 bytes"):
        TokenStore.open(folder)
    (folder / "meta.json").write_text("{", encoding="utf-8")
    with pytest.raises(DataError, match="corrupt"):
        TokenStore.open(folder)


def test_cache_key():
    assert cache_key("a", "b") == cache_key("a", "b")
    assert cache_key("ab", "c") != cache_key("a", "bc")
    assert len(cache_key("x")) == 64


# --- batch sampler -----------------------------------------------------------------------------------


def test_sampler_shapes_and_shift():
    data = np.arange(1000, dtype=np.uint16)
    sampler = BatchSampler(data, block_size=16, batch_size=4, seed=0)
    x, y = sampler.next()
    assert x.shape == y.shape == (4, 16) and x.dtype == y.dtype == torch.int64
    assert torch.equal(y, x + 1)  # consecutive ids: targets are the inputs shifted by one
    assert torch.equal(x[:, 1:], x[:, :1] + torch.arange(1, 16))


def test_sampler_exact_fit_and_too_short():
    x, y = BatchSampler(np.arange(5, dtype=np.uint16), block_size=4, batch_size=3, seed=1).next()
    assert x.tolist() == [[0, 1, 2, 3]] * 3 and y.tolist() == [[1, 2, 3, 4]] * 3
    with pytest.raises(
        DataError, match="the val split has 40 tokens; block size 64 needs at least 65: lower the block size"
    ):
        BatchSampler(np.zeros(40, dtype=np.uint16), block_size=64, batch_size=2, seed=0, name="val")


def test_sampler_covers_the_ends():
    sampler = BatchSampler(np.arange(20, dtype=np.uint32), block_size=4, batch_size=64, seed=3)
    starts = set()
    for _ in range(10):
        x, _ = sampler.next()
        starts.update(x[:, 0].tolist())
    assert starts == set(range(16))  # every window start 0..n-T-1, including the last


def test_sampler_seeded_and_exact_resume(tmp_path):
    data = np.random.default_rng(0).integers(0, 500, 5000).astype(np.uint16)
    a = BatchSampler(data, 32, 8, seed=42)
    b = BatchSampler(data, 32, 8, seed=42)
    assert all(torch.equal(a.next()[0], b.next()[0]) for _ in range(3))
    assert not torch.equal(BatchSampler(data, 32, 8, seed=43).next()[0], BatchSampler(data, 32, 8, seed=42).next()[0])

    buf = io.BytesIO()
    torch.save(a.state_dict(), buf)
    expected = [a.next() for _ in range(3)]
    buf.seek(0)
    state = torch.load(buf, weights_only=True)
    resumed = BatchSampler(data, 32, 8, seed=0)
    resumed.load_state_dict(state)
    assert resumed.steps == 3
    for x, y in expected:
        rx, ry = resumed.next()
        assert torch.equal(rx, x) and torch.equal(ry, y)
    with pytest.raises(DataError, match="sampler state is unusable"):
        resumed.load_state_dict({"steps": 1})


def test_sampler_reads_from_store(toks, splits, tmp_path):
    store = TokenStore.build(toks["word"], splits, tmp_path / "s")
    x, y = BatchSampler(store.split("train"), 8, 2, seed=0).next()
    assert int(x.max()) < toks["word"].vocab_size
