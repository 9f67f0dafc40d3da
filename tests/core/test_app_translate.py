"""The Playground's Translate mode computations (lmstudio.app.playground), headless, on the trained reverse run."""

from __future__ import annotations

import dataclasses
import math

import pytest


@pytest.fixture(scope="module")
def run(translation_run):
    from lmstudio.app import playground as pg

    loaded = pg.load(translation_run)["loaded"]
    return loaded.model, loaded.source_tokenizer, loaded.tokenizer


def _greedy(n=40, alternatives=5):
    from lmstudio.core.config import SampleConfig

    return SampleConfig(temperature=0.0, max_new_tokens=n, alternatives=alternatives, seed=1)


def test_stream_branch_and_beams_match_the_core(run):
    from lmstudio.app import playground as pg
    from lmstudio.core.inference.translate import length_penalty, translate, translate_stream

    model, src, tgt = run
    source = "abcdefgh"
    tokens: list[dict] = []
    pg.stream_translation(model, src, tgt, source, _greedy(), tokens.extend)
    best = translate(model, src, tgt, [source])[0]
    assert [t["id"] for t in tokens] == best.ids and "".join(t["text"] for t in tokens) == best.text
    assert all(0 < t["raw_prob"] <= 1 and t["alternatives"] for t in tokens)

    # a branch: the output before token 2, then the runner-up there, then translate_stream with that prefix
    at, choice = 2, tokens[2]["alternatives"][1][0]
    assert choice != tokens[at]["id"]
    branch: list[dict] = []
    pg.continue_translation(model, src, tgt, source, best.ids[:at], choice, _greedy(), branch.extend)
    assert branch[0]["id"] == choice and branch[0]["index"] == at
    rest = list(translate_stream(model, src, tgt, source, _greedy(39), prefix_ids=best.ids[:at] + [choice]))
    assert [t["id"] for t in branch[1:]] == [e.id for e in rest]
    # the chosen token's probability is the model's, read from the same logits the view draws
    logits = pg.translation_token_logits(model, src, tgt, pg.Branch("b", [], tokens, source=source), at)
    assert branch[0]["raw_prob"] == pytest.approx(float(logits.softmax(-1)[choice]), rel=1e-4)
    # choosing <eos> ends the branch: nothing streamed
    ended: list[dict] = []
    assert (
        pg.continue_translation(model, src, tgt, source, best.ids[:at], tgt.eos_id, _greedy(), ended.extend)["tokens"]
        == 0
        and ended == []
    )

    beams = pg.translation_beams(model, src, tgt, source, width=3, alpha=0.6)
    assert len(beams) == 3 and beams[0]["ids"] == translate(model, src, tgt, [source], beam=3)[0].ids
    scores = [b["score"] for b in beams]
    assert scores == sorted(scores, reverse=True)
    for b in beams:
        tokens_logprob = sum(t["logprob"] for t in b["tokens"])  # teacher-forced: the same numbers, EOS aside
        assert b["logprob"] <= tokens_logprob + 1e-4 if b["finished"] else b["logprob"] == pytest.approx(tokens_logprob)
        n = len(b["ids"]) + (1 if b["finished"] else 0)
        assert b["score"] == pytest.approx(b["logprob"] / length_penalty(n, 0.6))
        assert [t["id"] for t in b["tokens"]] == b["ids"]


def test_alignment_labels_and_scoring(run):
    from lmstudio.app import playground as pg
    from lmstudio.core.inference.translate import score_translation
    from lmstudio.core.models.seq2seq import build_seq2seq

    model, src, tgt = run
    source = "abcdef"
    ids = list(tgt.encode("fedcba"))
    found = pg.alignment(model, src, tgt, source, ids)
    assert found["rows"] == list("fedcba") + ["<eos>"] and found["cols"] == list("abcdef") + ["<eos>"]
    assert found["matrix"].shape == (7, 7) and found["note"] == ""
    assert found["matrix"].sum(1) == pytest.approx([1.0] * 7, abs=1e-4)

    plain = build_seq2seq(dataclasses.replace(model.config, attention="none"))
    none = pg.alignment(plain, src, tgt, source, ids)
    assert none["matrix"] is None and "attention" in none["note"] and "none" in none["note"]

    scored = pg.score_pair(model, src, tgt, source, "fedcba")
    core = score_translation(model, src, tgt, source, "fedcba")
    assert scored["total_logprob"] == pytest.approx(core["logprob"])
    assert [t["text"] for t in scored["per_token"]] == list("fedcba") + ["<eos>"]
    assert sum(t["logprob"] for t in scored["per_token"]) == pytest.approx(core["logprob"])
    assert all(t["rank"] >= 1 for t in scored["per_token"])
    wrong = pg.score_pair(model, src, tgt, source, "abcdef")
    assert wrong["total_logprob"] < scored["total_logprob"] and math.isfinite(wrong["perplexity"])
