"""Typed text goes through the corpus's cleaning (issue 10): core.cleaning.clean_text and friends."""

from __future__ import annotations

from lmstudio.core.config import CleaningConfig
from lmstudio.core.data.cleaning import (
    Cleaner,
    clean_sample_lines,
    clean_text,
    cleaning_summary,
)


def test_clean_text_applies_the_corpus_transformations_line_by_line():
    cfg = CleaningConfig(lowercase=True, nfkc=True, collapse_whitespace=True)
    text = "To be,  or NOT\n\ufb01ne   Words\n"
    assert clean_text(text, cfg) == "to be, or not\nfine words\n"
    cleaner = Cleaner(cfg)
    assert clean_text(text, cfg).split("\n") == [cleaner.transform(line) for line in text.split("\n")]


def test_clean_text_keeps_newlines_and_drops_no_line():
    cfg = CleaningConfig(lowercase=True, strip_control=True, min_line_chars=5, dedupe=True)
    assert clean_text("A\nA\n\nB", cfg) == "a\na\n\nb"  # length limits and dedupe are for corpus lines


def test_clean_text_removes_stop_words():
    assert clean_text("The cat and the dog", CleaningConfig(stopwords="en")) == "cat dog"


def test_no_cleaning_is_the_identity():
    text = "Keep ME   as I am\n"
    assert clean_text(text, CleaningConfig()) == text
    assert clean_text(text, CleaningConfig(dedupe=True, min_line_chars=3)) == text
    assert cleaning_summary(CleaningConfig(dedupe=True)) == ""


def test_summary_and_sample_lines():
    assert cleaning_summary(CleaningConfig(lowercase=True)) == "lower-case"
    assert "NFKC" in cleaning_summary(CleaningConfig(nfkc=True, stopwords="es"))
    assert "es stop words" in cleaning_summary(CleaningConfig(stopwords="es"))
    assert clean_sample_lines(
        ["Hello", "HELLO", "x"], CleaningConfig(lowercase=True, dedupe=True, min_line_chars=2)
    ) == ["hello"]
