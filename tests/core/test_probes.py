"""Watch it learn: the probes the trainer records at every evaluation (a passage scored token by token, the
next-token distribution after a prompt), written to probes.jsonl for the Train tab's scrubber and replays."""

from __future__ import annotations

import json
import math

import pytest
import torch

from lmstudio.core.inference.probes import Probes, next_token_top, passage_probs
from lmstudio.core.runs import checkpoint as ckpt
from lmstudio.core.training.events import ProbeEvent, SampleEvent
from lmstudio.core.training.launch import new_trainer, resume_trainer
from tests.helpers import tiny_workspace, train_stopped_run


def test_every_evaluation_records_both_probes(tiny_corpus, tmp_path, one_thread):
    trainer = new_trainer(tiny_workspace(tiny_corpus, steps=20, eval_interval=10), tmp_path / "run")
    events = [e for e in trainer.run() if isinstance(e, ProbeEvent)]
    assert [e.step for e in events] == [0, 10, 20]
    # the passage defaults to the first tokens of the validation split, at most the block size
    block = trainer.config.model.block_size
    val = [int(i) for i in trainer.val_data[:block]]
    assert "".join(events[0].tokens) == trainer.tokenizer.decode(val)
    for e in events:
        assert len(e.probs) == len(e.tokens) == block
        assert math.isnan(e.probs[0]) and all(0 < p <= 1 for p in e.probs[1:])
        assert e.prompt == "\n"  # no probe prompt: the sample prompt
        assert len(e.top_tokens) == len(e.top_probs) == 10
        assert e.top_probs == sorted(e.top_probs, reverse=True) and sum(e.top_probs) <= 1 + 1e-6
    # training makes the passage more likely
    mean = [sum(e.probs[1:]) / (len(e.probs) - 1) for e in events]
    assert mean[-1] > mean[0]
    rows = ckpt.read_probes(tmp_path / "run")
    assert [r["step"] for r in rows] == [0, 10, 20]
    assert rows[-1]["tokens"] == events[-1].tokens and rows[-1]["probs"][1:] == pytest.approx(events[-1].probs[1:])


def test_probes_match_the_model_and_follow_the_settings(tiny_corpus, tmp_path, one_thread):
    config = tiny_workspace(tiny_corpus, steps=10, eval_interval=10)
    config.train.probe_text = "ROMEO: what lig"
    config.train.probe_prompt = "JULIET:"
    trainer = new_trainer(config, tmp_path / "run")
    last = [e for e in trainer.run() if isinstance(e, ProbeEvent)][-1]
    tokenizer, model = trainer.tokenizer, trainer.model.eval()
    ids = list(tokenizer.encode("ROMEO: what lig"))
    assert "".join(last.tokens) == "ROMEO: what lig"
    with torch.inference_mode():
        logits, _ = model(torch.tensor(ids)[None])
    expected = logits[0, :-1].softmax(-1).gather(-1, torch.tensor(ids[1:])[:, None])[:, 0].tolist()
    assert last.probs[1:] == pytest.approx(expected, rel=1e-4)
    assert passage_probs(model, ids, torch.device("cpu"))[1:] == pytest.approx(expected, rel=1e-4)
    top_tokens, top_probs = next_token_top(model, tokenizer, "JULIET:", torch.device("cpu"), 16)
    assert last.prompt == "JULIET:" and last.top_tokens == top_tokens
    assert last.top_probs == pytest.approx(top_probs, rel=1e-4)
    # a passage longer than the block is cut to it
    long = Probes(tokenizer, "x" * 500, "", None, 16)
    assert len(long.ids) == 16


def test_a_resume_keeps_the_probes_up_to_its_checkpoint(tiny_corpus, tmp_path, one_thread):
    run = train_stopped_run(tiny_corpus, tmp_path / "run", steps=40, stop_at=10)
    before = [r["step"] for r in ckpt.read_probes(run)]
    assert before == [0]  # evaluations every 100 steps: step 0's only
    with open(run / ckpt.PROBES_FILE, "a", encoding="utf-8") as fh:  # one written after the checkpoint
        fh.write(json.dumps({**ckpt.read_probes(run)[0], "step": 25}) + "\n")
        fh.write('{"step": 26, "tokens": ["cut by a cra')  # and a line cut by a crash
    trainer = resume_trainer(run)
    assert [r["step"] for r in ckpt.read_probes(run)] == [0]
    list(trainer.run())
    assert [r["step"] for r in ckpt.read_probes(run)] == [0, 40]


def test_samples_say_where_they_repeat_the_corpus_verbatim(tiny_corpus, tmp_path, one_thread):
    """The memorization check: a sample that copies the training text is "seen in train", its span located in
    characters and on its corpus line; fresh text is "new"; the verdict is written with the sample."""
    trainer = new_trainer(tiny_workspace(tiny_corpus, steps=10, eval_interval=10), tmp_path / "run")
    tokenizer = trainer.tokenizer
    ids = [int(i) for i in trainer.train_data[200:260]]
    pieces = [(i, tokenizer.decode([i])) for i in ids]
    seen = trainer._memorization(pieces)
    text = "".join(t for _, t in pieces)
    assert seen["label"] == "seen in train" and seen["covered"] == 1.0
    (start, end, split, line), *_ = seen["spans"]
    assert (start, end, split) == (0, len(text), "train") and line >= 1
    corpus = tiny_corpus.read_text(encoding="utf-8").splitlines()
    assert text.split("\n")[1] in "\n".join(corpus[line - 1 : line + 3])  # the span's own lines of the corpus
    fresh = [(i, tokenizer.decode([i])) for i in tokenizer.encode("zqxj vvkw qqzz jjxq")]
    assert trainer._memorization(fresh)["label"] == "new"
    samples = [e for e in trainer.run() if isinstance(e, SampleEvent)]
    assert all(
        e.memorization and e.memorization["label"] in ("new", "seen in train", "seen in validation") for e in samples
    )
    assert ckpt.read_samples(tmp_path / "run")[-1]["memorization"] == samples[-1].memorization
