"""Corpus stage, after reading: cleaning options, stop words, statistics and splits."""

from __future__ import annotations

import json

import pytest

from lmstudio.core.config import CleaningConfig
from lmstudio.core.data.cleaning import Cleaner, iter_clean, load_stopwords
from lmstudio.core.data.splits import write_splits
from lmstudio.core.data.stats import CorpusStats, compute_stats
from lmstudio.core.errors import Cancelled, ConfigError
from lmstudio.core.paths import resources_dir


@pytest.fixture
def splits_dir(tmp_path):
    return tmp_path


# ---- cleaning ---------------------------------------------------------------------------------


def clean_all(lines, **cfg):
    return list(iter_clean(lines, CleaningConfig(**cfg)))


def test_identity_cleaning_keeps_everything():
    lines = ["A  b", "", "A  b", "\x07x"]
    assert clean_all(lines) == lines


def test_nfkc():
    assert clean_all(["ﬁne ｆｕｌｌ① x²"], nfkc=True) == ["fine full1 x2"]


def test_lowercase():
    assert clean_all(["Hello ÁRBOL"], lowercase=True) == ["hello árbol"]


def test_collapse_whitespace():
    assert clean_all(["  a \t\t b\u00a0\u00a0c  "], collapse_whitespace=True) == ["a b c"]


def test_strip_control_keeps_tab():
    assert clean_all(["a\x00b\x07c\td\u200be\x85f\x1b"], strip_control=True) == ["abc\tdef"]


def test_min_max_line_chars():
    assert clean_all(["", "ab", "abcd", "abcdefgh"], min_line_chars=2, max_line_chars=4) == ["ab", "abcd"]
    assert clean_all(["", "x"], min_line_chars=0) == ["", "x"]


def test_dedupe_keeps_blank_lines_and_reset():
    cfg = CleaningConfig(dedupe=True, lowercase=True)
    cleaner = Cleaner(cfg)
    out = [cleaner.clean(x) for x in ["Hello", "", "hello", "", "world", "Hello"]]
    assert out == ["hello", "", None, "", "world", None]
    assert cleaner.seen_count == 2
    cleaner.reset()
    assert cleaner.clean("hello") == "hello"


def test_stopwords_lists():
    en, es = load_stopwords("en"), load_stopwords("es")
    assert 150 <= len(en) <= 400 and 150 <= len(es) <= 400
    assert {"the", "and", "of", "don't"} <= en and {"el", "la", "de", "qué", "y"} <= es
    assert all(w == w.lower() and not w.startswith("#") for w in en | es)
    for lang in ("en", "es"):
        header = (resources_dir() / "stopwords" / f"{lang}.txt").read_text(encoding="utf-8").splitlines()[0]
        assert header.startswith("#") and "public domain" in header
    with pytest.raises(ConfigError):
        load_stopwords("fr")


def test_stopword_removal():
    assert clean_all(["The cat (and the dog) sat on the mat."], stopwords="en") == ["cat (dog) sat mat."]
    assert clean_all(["Don’t STOP the Music"], stopwords="en") == ["STOP Music"]
    assert clean_all(["Y dijo Dios: Brille la luz."], stopwords="es") == ["dijo Dios: Brille luz."]
    assert clean_all(["the and of"], stopwords="en") == [""]


def test_preview_before_after_and_own_state():
    cleaner = Cleaner(CleaningConfig(lowercase=True, dedupe=True, min_line_chars=2))
    assert cleaner.clean("Seen") == "seen"
    pairs = cleaner.preview(["Seen", "X", "Two Words", "two words"])
    assert pairs == [("Seen", "seen"), ("X", None), ("Two Words", "two words"), ("two words", None)]
    assert cleaner.clean("Seen") is None  # its own dedupe state was kept, not the preview's


# ---- statistics -------------------------------------------------------------------------------


def test_stats_small_known_text():
    s = compute_stats(["the cat", "", "The dog, the end", "ñ"], top_n=3)
    assert isinstance(s, CorpusStats)
    assert s.lines == 4 and s.words == 7 and s.empty_lines == 1
    assert s.chars == 7 + 0 + 16 + 1 + 4
    assert s.bytes == s.chars + 1  # ñ is two bytes in UTF-8
    assert s.unique_chars == len(set("the cat\n\nThe dog, the end\nñ\n"))
    assert s.top_chars[0] == (" ", 4) or s.top_chars[0][1] >= 4
    assert dict(s.top_chars)["\n"] == 4
    assert s.top_words[0] == ("the", 3)
    counts, edges = s.line_length_hist
    assert sum(counts) == 4 and len(edges) == len(counts) + 1 and edges[0] == 0 and edges[-1] > 16
    assert s.max_line_chars == 16
    d = s.to_dict()
    assert json.loads(json.dumps(d))["line_length_hist"]["counts"] == counts


def test_stats_empty():
    s = compute_stats([])
    assert s.lines == s.chars == s.bytes == 0 and s.line_length_hist == ([], [])


# ---- splits -----------------------------------------------------------------------------------


def read_split(info) -> list[str]:
    return info.path.read_text(encoding="utf-8").splitlines()


def test_splits_reproducible_and_fractions(splits_dir):
    lines = [f"line {i}" for i in range(10_000)]
    a = write_splits(lines, splits_dir / "a", seed=7)
    b = write_splits(iter(lines), splits_dir / "b", seed=7)
    c = write_splits(lines, splits_dir / "c", seed=8)
    assert set(a) == {"train", "val", "test"}
    for name in a:
        assert a[name].path.name == f"{name}.txt"
        assert a[name].path.read_bytes() == b[name].path.read_bytes()
    assert read_split(a["val"]) != read_split(c["val"])
    assert a["train"].lines + a["val"].lines + a["test"].lines == 10_000
    assert (a["train"].lines, a["val"].lines, a["test"].lines) == (9000, 500, 500)  # rounds of 20 lines
    odd = write_splits(lines, splits_dir / "odd", fractions=(0.7, 0.2, 0.1), seed=7)
    assert abs(odd["val"].lines - 2000) <= 10 and abs(odd["test"].lines - 1000) <= 10
    assert a["val"].chars == sum(len(x) + 1 for x in read_split(a["val"]))
    assert sorted(read_split(a["train"]) + read_split(a["val"]) + read_split(a["test"])) == sorted(lines)
    assert a["train"].path.read_text(encoding="utf-8").endswith("\n")


def test_splits_blocks_are_contiguous(splits_dir):
    lines = [str(i) for i in range(5000)]
    out = write_splits(lines, splits_dir, fractions=(0.8, 0.1, 0.1), mode="blocks", block_lines=50, seed=3)
    for info in out.values():
        nums = [int(x) for x in read_split(info)]
        assert len(nums) % 50 == 0 and nums == sorted(nums)
        for k in range(0, len(nums), 50):
            block = nums[k : k + 50]
            assert block[0] % 50 == 0 and block == list(range(block[0], block[0] + 50))
    assert out["val"].lines == 500 and out["test"].lines == 500


def test_splits_zero_fraction_and_bad_settings(splits_dir):
    out = write_splits(["a", "b", "c"], splits_dir, fractions=(1.0, 0.0, 0.0))
    assert out["train"].lines == 3 and out["val"].lines == 0 and out["val"].path.read_text() == ""
    with pytest.raises(ConfigError):
        write_splits(["a"], splits_dir, fractions=(0.5, 0.2, 0.2))
    with pytest.raises(ConfigError):
        write_splits(["a"], splits_dir, mode="words")


def test_splits_cancel_leaves_nothing(splits_dir):
    out_dir = splits_dir / "out"
    with pytest.raises(Cancelled):
        write_splits((f"l{i}" for i in range(200_000)), out_dir, progress=lambda d, t, m: False)
    assert not out_dir.exists() or list(out_dir.iterdir()) == []
