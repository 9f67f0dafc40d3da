"""Chinese end to end: segmentation (jieba, chars), Chinese stop words, statistics that count CJK characters,
bits per character over characters, and the bundled Tang poems training and generating (issue 17)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lmstudio.core.config import CleaningConfig, DataConfig, TokenizerConfig, WorkspaceConfig
from lmstudio.core.data.cleaning import clean_text, load_stopwords, remove_stopwords
from lmstudio.core.data.corpus import TANG_POEMS, bundled_corpora
from lmstudio.core.data.segment import Segmenter, cjk_share, read_user_dict, segmenter_for
from lmstudio.core.data.split_cache import data_key
from lmstudio.core.data.stats import compute_stats
from lmstudio.core.errors import ConfigError, CorpusError
from lmstudio.core.tokenizers import load_tokenizer, train_tokenizer

TANG = bundled_corpora()[TANG_POEMS]
MIXED = "床前明月光，疑是地上霜。\n我们在北京大学学习 deep learning 模型, don't stop!\n\t春眠不覺曉"


@pytest.fixture(scope="module")
def tang_lines() -> list[str]:
    return TANG.read_text(encoding="utf-8").splitlines()[:400]


@pytest.fixture(scope="module")
def tang_part(tmp_path_factory) -> Path:
    """The first 2,000 Tang poems (a fifth of the corpus: 3,900 distinct characters), for quick pipelines."""
    path = tmp_path_factory.mktemp("tang") / "tang-2000.txt"
    path.write_text("\n".join(TANG.read_text(encoding="utf-8").splitlines()[:2000]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["whitespace", "jieba", "chars"])
def test_every_segmenter_gives_the_text_back(name, tang_lines):
    seg = Segmenter(name)
    for text in [MIXED, *tang_lines[:50]]:
        assert "".join(seg.pieces(text)) == text
        assert "".join(part for part, _ in seg.split(text)) == text


def test_jieba_cuts_chinese_words_and_chars_cuts_characters():
    text = "我们在北京大学学习"
    assert Segmenter("jieba").words(text) == ["我们", "在", "北京大学", "学习"]
    assert Segmenter("chars").words(text) == list(text)
    assert Segmenter("whitespace").words(text) == [text]  # what whitespace did to Chinese: one "word"
    assert Segmenter("jieba").words("deep learning, don't") == ["deep", "learning", "don't"]  # other text as before


def test_a_user_dictionary_adds_words_and_travels_with_the_word_tokenizer(tmp_path):
    text = "李白乘舟将欲行，忽闻岸上踏歌声。"
    assert "李白乘舟" not in Segmenter("jieba").words(text)
    user = tmp_path / "user.txt"
    user.write_text("李白乘舟 100 n\n", encoding="utf-8")
    data = DataConfig(segmenter="jieba", user_dict=str(user))
    seg = segmenter_for(data)
    assert "李白乘舟" in seg.words(text)
    # the dictionary's words, not its path, are part of the cache key
    key = data_key_for(data)
    user.write_text("李白乘舟 100 n\n踏歌 50\n", encoding="utf-8")
    assert data_key_for(data) != key

    corpus = tmp_path / "train.txt"
    corpus.write_text((text + "\n") * 3, encoding="utf-8")
    tok = train_tokenizer(TokenizerConfig(kind="word", vocab_size=100), corpus, segmenter=seg)
    tok.save(tmp_path / "tok")
    user.unlink()  # the saved tokenizer keeps the dictionary: it encodes the same without the file
    again = load_tokenizer(tmp_path / "tok")
    assert again.encode(text) == tok.encode(text)
    assert again.decode(again.encode(text)) == text
    assert "李白乘舟" in [again.id_to_piece(i) for i in again.encode(text)]


def data_key_for(data: DataConfig) -> str:
    from lmstudio.core.data.split_cache import open_corpus

    return data_key(open_corpus(DataConfig(corpus=str(TANG))), data)


def test_user_dictionary_problems_name_the_file(tmp_path):
    with pytest.raises(CorpusError, match="no such user dictionary"):
        read_user_dict(str(tmp_path / "missing.txt"))
    bad = tmp_path / "bad.txt"
    bad.write_text("好词 many\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"bad.txt, line 1"):
        read_user_dict(str(bad))
    with pytest.raises(ConfigError, match="data.user_dict"):
        DataConfig(user_dict="x.txt")  # a dictionary without the jieba segmenter


def test_whitespace_data_keys_are_those_of_before_segmenters():
    """Caches built before the segmenter settings existed still match for the default segmenter."""
    from dataclasses import asdict

    from lmstudio.core.data.corpus import corpus_fingerprint
    from lmstudio.core.data.split_cache import open_corpus
    from lmstudio.core.keys import digest

    data = DataConfig(corpus=str(TANG))
    corpus = open_corpus(data)
    settings = asdict(data)
    for name in ("corpus", "segmenter", "user_dict", "train_fraction"):
        settings.pop(name)
    assert data_key(corpus, data) == digest(corpus_fingerprint(corpus), settings, length=len(data_key(corpus, data)))
    assert data_key(corpus, DataConfig(corpus=str(TANG), segmenter="chars")) != data_key(corpus, data)


def test_word_tokenizer_round_trips_tang_poems_with_jieba(tmp_path, tang_lines):
    corpus = tmp_path / "tang.txt"
    corpus.write_text("\n".join(tang_lines) + "\n", encoding="utf-8")
    seg = Segmenter("jieba")
    tok = train_tokenizer(TokenizerConfig(kind="word", vocab_size=100_000), corpus, segmenter=seg)
    text = "\n".join(tang_lines[:20])
    ids = tok.encode(text)
    assert tok.decode(ids) == text
    assert len(ids) < 0.75 * len(text)  # words of several characters, not one token per character
    whitespace = train_tokenizer(TokenizerConfig(kind="word", vocab_size=100_000), corpus)
    assert len(whitespace.encode(text)) < len(ids)  # whole clauses as "words": what the segmenter fixes


def test_chinese_stop_words_are_removed_with_the_data_segmenter():
    words = load_stopwords("zh")
    assert {"的", "了", "我们", "在"} <= words
    assert remove_stopwords("我们在北京大学学习了。", words, Segmenter("jieba")) == "北京大学学习。"
    assert remove_stopwords("我们在学习。", words, Segmenter("chars")) == "学习。"  # 我 们 are each not stop words
    cleaning = CleaningConfig(stopwords="zh")
    assert clean_text("我们的模型在学习", cleaning, Segmenter("jieba")) == "模型学习"
    assert clean_text("我们的模型", cleaning) == "我们的模型"  # whitespace: the clause is one word, none removed


def test_statistics_count_cjk_characters_as_words_without_a_segmenter(tang_lines):
    stats = compute_stats(tang_lines)
    assert stats.is_cjk and stats.cjk_share > 0.7
    assert "each CJK character one word" in stats.word_rule
    han = stats.cjk_chars
    assert stats.words == han  # no spaces in the poems: every Han character is a word, punctuation none
    assert stats.top_words[0][0] in "，。" or len(stats.top_words[0][0]) == 1
    jieba = compute_stats(tang_lines, segmenter=Segmenter("jieba"))
    assert jieba.word_rule == "as the jieba segmenter cuts them"
    assert 0.4 * han < jieba.words < han
    english = compute_stats(["the cat sat", "on the mat"])
    assert english.words == 6 and english.word_rule == "whitespace-separated" and not english.is_cjk
    assert cjk_share("abc 中文") == pytest.approx(2 / 5)


def test_bits_per_character_counts_characters_not_bytes(tmp_path, tang_part):
    """A character tokenizer on Chinese has one character per token (UTF-8 has three bytes per character)."""
    from lmstudio.core.dataset.prepare import prepare

    config = WorkspaceConfig.from_dict(
        {"data": {"corpus": str(tang_part)}, "tokenizer": {"kind": "char"}, "model": {"block_size": 16}}
    )
    prepared = prepare(config, tmp_path / "prep", with_report=False)
    assert prepared.chars_per_token("val") == pytest.approx(1.0)


@pytest.mark.slow
def test_tang_poems_train_and_generate_without_replacement_characters(tmp_path, tang_part):
    """The bundled Tang poems through the whole pipeline: char and BPE (byte fallback: pieces of a character's
    UTF-8 bytes must never reach the text as U+FFFD)."""
    from lmstudio.core.config import SampleConfig
    from lmstudio.core.inference.generation import generate
    from lmstudio.core.runs.folders import load_run
    from lmstudio.core.training.launch import new_trainer
    from tests.helpers import TINY_TRAIN

    for kind, vocab in (("char", 8000), ("bpe", 3500)):
        config = WorkspaceConfig.from_dict(
            {
                "data": {"corpus": str(tang_part)},
                "tokenizer": {"kind": kind, "vocab_size": vocab, "character_coverage": 0.99},
                "model": {"arch": "transformer", "block_size": 32, "n_layer": 1, "n_head": 2, "d_model": 32},
                "train": {**TINY_TRAIN, "steps": 8, "eval_interval": 8},
            }
        )
        run = tmp_path / kind
        list(new_trainer(config, run).run())
        loaded = load_run(run, device="cpu")
        if kind == "char":
            assert loaded.tokenizer.vocab_size > 3500  # every distinct character of the training split
        text = "".join(
            e.text
            for e in generate(loaded.model, loaded.tokenizer, "春", SampleConfig(max_new_tokens=60, seed=1), "cpu")
        )
        assert text and "\ufffd" not in text, (kind, text)


def test_the_tang_recipe_is_the_small_transformer_preset_with_a_block_of_64():
    from dataclasses import replace

    from lmstudio.app.recipes import recipe_config
    from lmstudio.core.models.presets import apply_preset

    config = recipe_config("tang-poems")
    assert config.model == replace(apply_preset(config.model, "small"), block_size=64)
    assert config.data.corpus == str(TANG) and config.tokenizer.kind == "char"
    with pytest.raises(ConfigError, match="tang-poems"):
        recipe_config("odes")


def test_cli_prepare_with_jieba_and_chinese_stop_words(tmp_path):
    corpus = tmp_path / "zh.txt"
    corpus.write_text("我们在北京大学学习了很多东西。\n他们的模型在上海。\n" * 20, encoding="utf-8")
    out = tmp_path / "prep"
    done = subprocess.run(
        [sys.executable, "-m", "lmstudio", "prepare", "--corpus", str(corpus), "--segmenter", "jieba",
         "--stopwords", "zh", "--tokenizer", "word", "--vocab-size", "100", "--out", str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["data"]["segmenter"] == "jieba"
    assert report["statistics"]["word_rule"] == "as the jieba segmenter cuts them"
    pieces = set(load_tokenizer(out / "tokenizer")._pieces)
    assert "北京大学" in pieces and "我们" not in pieces and "的" not in pieces
    bad = subprocess.run(
        [sys.executable, "-m", "lmstudio", "prepare", "--corpus", str(corpus), "--user-dict", "x.txt",
         "--out", str(tmp_path / "p2")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert bad.returncode != 0 and "Traceback" not in bad.stderr and "data.user_dict" in bad.stderr


def test_bytes_a_model_writes_that_form_no_character_are_named_not_replaced(tmp_path, tang_part):
    """Byte fallback: the bytes of a character come out as the character once complete; a lead byte followed by
    a word (an untrained model does that) comes out as its piece name, never as U+FFFD."""
    from lmstudio.core.inference.text import IncrementalDecoder

    tok = train_tokenizer(
        TokenizerConfig(kind="bpe", vocab_size=3500, character_coverage=0.99), tang_part
    )  # byte fallback is on by default
    byte = [tok.piece_to_id(f"<0x{b:02X}>") for b in "龘".encode()]
    word = tok.encode("春")
    assert all(tok.piece_kind(i) == "byte" for i in byte) and len(word) == 1
    decoder = IncrementalDecoder(tok, tok.encode("\n"))
    assert [decoder.push(i) for i in byte] == ["", "", "龘"]  # held back until the character is complete
    assert decoder.push(byte[0]) + decoder.push(word[0]) == "<0xE9>春"
    assert decoder.push(byte[1], final=True) == "<0xBE>"
