"""Corpus BLEU and chrF through sacreBLEU: known figures, the brevity penalty, and misaligned inputs."""

from __future__ import annotations

import math

import pytest
import sacrebleu

from lmstudio.core.inference.translation_metrics import Score, corpus_bleu, corpus_chrf

HYP1 = "It is a guide to action which ensures that the military always obeys the commands of the party"
REF1A = "It is a guide to action that ensures that the military will forever heed Party commands"
REF1B = "It is the guiding principle which guarantees the military forces always being under the command of the Party"
REF1C = "It is the practical guide for the army always to heed the directions of the party"
HYP2 = "he read the book because he was interested in world history"
REF2A = "he was interested in world history because he read the book"


def test_bleu_known_example_with_several_references():
    # NLTK's corpus_bleu documentation example (whitespace tokens, no zero precision): 0.5920778868801042
    score = corpus_bleu([HYP1, HYP2], [[REF1A, REF1B, REF1C], REF2A], tokenize="none")
    assert isinstance(score, Score) and score.name == "BLEU"
    assert math.isclose(score.score, 59.20778868801042, rel_tol=1e-9)
    assert len(score.precisions) == 4 and score.precisions[0] > score.precisions[3] > 0
    assert "nrefs:var" in score.signature and "tok:none" in score.signature


def test_bleu_default_tokenization_is_sacrebleus():
    hyps = ["The cat sat on the mat.", "Hello, world!"]
    refs = ["The cat sat on a mat.", "Hello world!"]
    score = corpus_bleu(hyps, refs)
    expected = sacrebleu.corpus_bleu(hyps, [refs])
    assert score.score == pytest.approx(expected.score)
    assert "tok:13a" in score.signature and "nrefs:1" in score.signature
    assert score.hyp_len == expected.sys_len and score.ref_len == expected.ref_len


def test_bleu_perfect_disjoint_and_brevity():
    assert corpus_bleu(["the cat sat on the mat"], ["the cat sat on the mat"]).score == pytest.approx(100.0)
    assert corpus_bleu(["a b c d"], ["e f g h"]).score == 0.0
    # a correct prefix half as long as the reference: precisions 100, brevity penalty exp(1 - 10/5)
    short = corpus_bleu(["one two three four five"], ["one two three four five six seven eight nine ten"])
    assert short.brevity_penalty == pytest.approx(math.exp(1 - 10 / 5))
    assert short.score == pytest.approx(100 * math.exp(1 - 10 / 5))
    assert short.precisions == pytest.approx((100.0,) * 4)


def test_count_mismatch_is_an_error_not_a_perfect_score():
    # sacreBLEU alone pairs by position and drops the extra hypothesis: 100 for a half-wrong corpus
    alone = sacrebleu.corpus_bleu(["the cat sat on the mat", "zzz"], [["the cat sat on the mat"]])
    assert alone.score == pytest.approx(100.0)
    for fn in (corpus_bleu, corpus_chrf):
        with pytest.raises(ValueError, match="2 hypotheses but 1 references"):
            fn(["the cat sat on the mat", "zzz"], ["the cat sat on the mat"])
        with pytest.raises(ValueError, match="1 hypotheses but 2 references"):
            fn(["the cat sat on the mat"], ["the cat sat on the mat", "zzz"])


def test_empty_and_malformed_inputs():
    for fn in (corpus_bleu, corpus_chrf):
        with pytest.raises(ValueError, match="at least one segment"):
            fn([], [])
        with pytest.raises(ValueError, match="single string"):
            fn("abc", "abc")
        with pytest.raises(ValueError, match="segment 1: no reference"):
            fn(["a", "b"], ["a", []])
        with pytest.raises(ValueError, match="hypothesis 0"):
            fn([["a", "b"]], ["a b"])


def test_chrf():
    same = corpus_chrf(["Das ist ein Haus."], ["Das ist ein Haus."])
    assert same.score == pytest.approx(100.0) and same.name == "chrF2" and same.precisions == ()
    hyps, refs = ["Das ist ein Hausboot."], ["Das ist ein Haus."]
    partial = corpus_chrf(hyps, refs)
    assert 0 < partial.score < 100
    assert partial.score == pytest.approx(sacrebleu.corpus_chrf(hyps, [refs]).score)
    plus = corpus_chrf(hyps, refs, word_order=2)
    assert plus.name == "chrF2++" and "nw:2" in plus.signature
    assert str(same).startswith("chrF2 = 100.00 (nrefs:1|")
