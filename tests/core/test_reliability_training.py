"""Reliability of the figures, training faults and generation/evaluation limits (issue 9).

Every test here runs on the project's real tokenizers (char, word, SentencePiece BPE and unigram,
trained on Tiny Shakespeare lines) unless it tests a pure function; models are tiny.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import subprocess
import sys
import threading

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from safetensors.torch import load_file

from lmstudio.core.config import ModelConfig, SampleConfig, TokenizerConfig
from lmstudio.core.dataset.tokens import BatchSampler, TokenStore
from lmstudio.core.errors import (
    CheckpointError,
    ConfigError,
    DataError,
    LMStudioError,
    TrainingError,
)
from lmstudio.core.inference.beam import beam_search
from lmstudio.core.inference.context import start_ids
from lmstudio.core.inference.generation import generate
from lmstudio.core.inference.scoring import evaluate_text, evaluate_tokens, score_text
from lmstudio.core.models import build_model
from lmstudio.core.runs import checkpoint as ckpt
from lmstudio.core.tokenizers import train_tokenizer
from lmstudio.core.training.control import TrainingControl
from lmstudio.core.training.events import EvalEvent, FinishedEvent, LogEvent, StepEvent
from lmstudio.core.training.launch import new_trainer, resume_trainer
from tests.helpers import tiny_workspace

KINDS = {
    "char": TokenizerConfig(kind="char"),
    "word": TokenizerConfig(kind="word", vocab_size=2000),
    "bpe": TokenizerConfig(kind="bpe", vocab_size=400),
    "unigram": TokenizerConfig(kind="unigram", vocab_size=400),
}
TEXT = "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak."


@pytest.fixture(autouse=True)
def _one_thread(one_thread):
    yield


@pytest.fixture(scope="module")
def tokenizers(tiny_corpus):
    return {kind: train_tokenizer(cfg, tiny_corpus) for kind, cfg in KINDS.items()}


def tiny_model(vocab_size: int, arch: str = "transformer", block: int = 16, seed: int = 0):
    torch.manual_seed(seed)
    cfg = ModelConfig(arch=arch, vocab_size=vocab_size, block_size=block, n_layer=1, n_head=2, d_model=32)
    return build_model(cfg).eval()


def nll_by_hand(model, ids):
    """Sum of -log p(ids[i] | ids[:i]) for i >= 1 in one forward pass from an empty context."""
    with torch.no_grad():
        logits, _ = model(torch.tensor([ids[:-1]]))
    return F.cross_entropy(logits[0], torch.tensor(ids[1:]), reduction="sum").item()


def all_finite(run_dir) -> bool:
    """Every checkpoint's weights on disk are finite."""
    for info in ckpt.list_checkpoints(run_dir):
        for value in load_file(str(info.path / ckpt.WEIGHTS_FILE)).values():
            if value.is_floating_point() and not torch.isfinite(value).all():
                return False
    return True


# ---------------------------------------------------------------- 1. one start convention: a newline


@pytest.mark.parametrize("kind", list(KINDS))
def test_reliability_start_context_is_a_trained_newline_for_every_real_tokenizer(tokenizers, kind):
    tok = tokenizers[kind]
    ids = start_ids(tok)
    assert ids == tok.encode("\n") and tok.decode(ids) == "\n"
    assert tok.bos_id not in ids and not {tok.pad_id, tok.unk_id, tok.eos_id} & set(ids)


def test_reliability_start_context_without_a_newline_piece(tmp_path):
    one_line = tmp_path / "one.txt"
    one_line.write_text("to be or not to be", encoding="utf-8")  # no newline: "\n" would be <unk>
    tok = train_tokenizer(TokenizerConfig(kind="char"), one_line)
    assert tok.encode("\n") == [tok.unk_id]
    assert start_ids(tok) == tok.encode(" ")


@pytest.mark.parametrize("kind", ["char", "bpe"])
def test_reliability_scoring_generation_and_eval_text_start_from_the_newline(tokenizers, kind):
    tok = tokenizers[kind]
    model = tiny_model(tok.vocab_size, block=64)
    text = "First Citizen:"
    ids = tok.encode("\n" + text)
    nll = nll_by_hand(model, ids)
    assert math.isclose(score_text(model, tok, text)["loss"], nll / (len(ids) - 1), rel_tol=1e-5)
    streamed = evaluate_text(model, tok, [text])
    assert streamed["tokens"] == len(ids) - 1 and math.isclose(streamed["loss"], nll / (len(ids) - 1), rel_tol=1e-5)
    first = next(iter(generate(model, tok, "", SampleConfig(max_new_tokens=1, temperature=0, alternatives=0))))
    with torch.no_grad():
        expected = int(model(torch.tensor([tok.encode("\n")]))[0][0, -1].argmax())
    assert first.id == expected


# ---------------------------------------------------------------- 2. checkpoints say what they hold


def _fake_losses(trainer, monkeypatch, values):
    fake = iter(values)
    monkeypatch.setattr(trainer, "estimate_loss", lambda data, seed: next(fake))


def test_reliability_early_stop_step_folder_holds_its_own_step(tiny_corpus, tmp_path, monkeypatch):
    run = tmp_path / "run"
    trainer = new_trainer(tiny_workspace(tiny_corpus, steps=50, eval_interval=5, patience=2, sample_tokens=0), run)
    _fake_losses(trainer, monkeypatch, [3.0, 3.0, 2.0, 2.0, 2.5, 2.5, 2.6, 2.6] + [9.0] * 40)
    snapshots = {}
    for event in trainer.run():
        if isinstance(event, EvalEvent) and event.step in (5, 15):
            snapshots[event.step] = {k: v.detach().clone() for k, v in trainer.model.state_dict().items()}
        final = event
    assert final.status == "early_stopped" and final.step == 15
    last = ckpt.resolve_checkpoint(run, "last")
    assert last.name == "step-15" and last.val_loss == pytest.approx(2.6)
    on_disk = load_file(str(last.path / ckpt.WEIGHTS_FILE))
    assert all(torch.equal(on_disk[k], snapshots[15][k]) for k in on_disk)  # step 15's weights, not the best
    assert not all(torch.equal(on_disk[k], snapshots[5][k]) for k in on_disk)
    best = ckpt.resolve_checkpoint(run, "best")
    assert best.step == 5
    best_disk = load_file(str(best.path / ckpt.WEIGHTS_FILE))
    assert all(torch.equal(best_disk[k], snapshots[5][k]) for k in best_disk)
    assert all(torch.equal(v, snapshots[5][k]) for k, v in trainer.model.state_dict().items())


def test_reliability_early_stop_after_resume_reloads_best_from_disk(tiny_corpus, tmp_path, monkeypatch):
    run = tmp_path / "run"
    control = TrainingControl()
    config = tiny_workspace(tiny_corpus, steps=50, eval_interval=5, patience=2, sample_tokens=0, checkpoint_interval=5)
    trainer = new_trainer(config, run, control=control)
    _fake_losses(trainer, monkeypatch, [3.0, 3.0, 2.0, 2.0, 2.5, 2.5])
    for event in trainer.run():
        if isinstance(event, StepEvent) and event.step == 10:
            control.stop()
    assert ckpt.resolve_checkpoint(run, "last").step == 10 and ckpt.resolve_checkpoint(run, "best").step == 5
    resumed = resume_trainer(run)
    _fake_losses(resumed, monkeypatch, [2.6, 2.6])
    events = list(resumed.run())
    assert events[-1].status == "early_stopped" and events[-1].step == 15
    log = " ".join(e.message for e in events if isinstance(e, LogEvent))
    assert "reloaded" in log and "step 5" in log
    best = load_file(str(ckpt.resolve_checkpoint(run, "best").path / ckpt.WEIGHTS_FILE))
    assert all(torch.equal(v, best[k]) for k, v in resumed.model.state_dict().items() if k in best)


# ---------------------------------------------------------------- 3. bits per character only when lossless


def _first_eval(config, run_dir):
    trainer = new_trainer(config, run_dir)
    return next(e for e in trainer.run() if isinstance(e, EvalEvent))


def test_reliability_bits_per_char_withheld_for_a_lossy_word_vocabulary(tiny_corpus, tmp_path):
    word = tiny_workspace(tiny_corpus, steps=1, sample_tokens=0)
    word.tokenizer = TokenizerConfig(kind="word", vocab_size=44)  # 40 words: most of the text is <unk>
    event = _first_eval(word, tmp_path / "word")
    assert math.isnan(event.bits_per_char) and "<unk>" in event.bits_per_char_note
    char = _first_eval(tiny_workspace(tiny_corpus, steps=1, sample_tokens=0), tmp_path / "char")
    assert math.isfinite(char.bits_per_char) and char.bits_per_char > 3 and char.bits_per_char_note == ""


def test_reliability_score_and_eval_text_withhold_bits_per_char_with_unk(tiny_corpus):
    tok = train_tokenizer(TokenizerConfig(kind="word", vocab_size=44), tiny_corpus)
    model = tiny_model(tok.vocab_size)
    for result in (score_text(model, tok, TEXT), evaluate_text(model, tok, TEXT.split("\n"))):
        assert (
            result["unknown_tokens"] > 0
            and math.isnan(result["bits_per_char"])
            and "<unk>" in result["bits_per_char_note"]
        )
    tok = train_tokenizer(TokenizerConfig(kind="char"), tiny_corpus)
    result = score_text(tiny_model(tok.vocab_size), tok, TEXT)
    assert math.isfinite(result["bits_per_char"]) and result["bits_per_char_note"] == ""


# ---------------------------------------------------------------- 4. recurrent nets: fixed windows everywhere


def test_reliability_recurrent_scoring_uses_the_training_window(tokenizers):
    tok = tokenizers["char"]
    model = tiny_model(tok.vocab_size, arch="gru", block=8)
    assert model.context_window == 8
    out = score_text(model, tok, TEXT)
    ids = tok.encode("\n" + TEXT)
    # token 20 is predicted from the window of 8 tokens that ends just before it (windows advance by 4)
    ends = [8]
    while ends[-1] < len(ids) - 1:
        ends.append(min(len(ids) - 1, ends[-1] + 4))
    for target in (5, 20, len(ids) - 1):
        end = next(e for e in ends if e >= target)
        start = max(0, end - 8)
        with torch.no_grad():
            logp = model(torch.tensor([ids[start:end]]))[0][0].log_softmax(-1)
        assert math.isclose(
            out["per_token"][target - 1]["logprob"], logp[target - start - 1, ids[target]].item(), abs_tol=1e-5
        )
    # evaluation of a text: the same windows, streamed; of a split: non-overlapping windows from a zero state
    ev = evaluate_text(model, tok, TEXT.split("\n"), block_size=8, batch_size=3, chunk_chars=10)
    assert ev["tokens"] == len(ids) - 1 and math.isclose(ev["loss"], out["loss"], rel_tol=1e-5)
    split = evaluate_tokens(model, np.array(ids), block_size=8)
    expected = sum(nll_by_hand(model, ids[s : s + 9]) for s in range(0, len(ids) - 1, 8))
    assert math.isclose(split["loss"], expected / (len(ids) - 1), rel_tol=1e-5)


# ---------------------------------------------------------------- 5. the NaN guard


def test_reliability_huge_learning_rate_with_frequent_evaluation_fails_cleanly(tiny_corpus, tmp_path):
    run = tmp_path / "run"
    config = tiny_workspace(
        tiny_corpus, steps=30, lr=1e12, min_lr=0, warmup_steps=0, eval_interval=1, checkpoint_interval=1, grad_clip=0.0
    )
    events = list(new_trainer(config, run).run())
    final = events[-1]
    assert isinstance(final, FinishedEvent) and final.status == "failed"
    assert "diverged" in final.message and "learning rate" in final.message
    assert all_finite(run)  # nothing non-finite was ever saved


def test_reliability_nan_gradient_with_finite_loss_stops_before_the_step(tiny_corpus, tmp_path):
    run = tmp_path / "run"
    trainer = new_trainer(
        tiny_workspace(tiny_corpus, steps=20, checkpoint_interval=2, eval_interval=100, sample_tokens=0), run
    )
    param = next(trainer.model.parameters())
    param.register_hook(lambda grad: grad * float("nan") if trainer.step >= 3 else grad)
    final = list(trainer.run())[-1]
    assert final.status == "failed" and "gradient norm became nan at step 4" in final.message
    assert "step-2" in final.message  # the checkpoint really kept
    assert ckpt.resolve_checkpoint(run, "last").step == 2 and all_finite(run)
    assert torch.isfinite(param).all()  # the optimizer step was not taken


def test_reliability_nan_weights_without_clipping_are_never_saved(tiny_corpus, tmp_path):
    run = tmp_path / "run"
    trainer = new_trainer(
        tiny_workspace(tiny_corpus, steps=20, checkpoint_interval=1, eval_interval=100, sample_tokens=0, grad_clip=0.0),
        run,
    )
    param = next(trainer.model.parameters())
    param.register_hook(lambda grad: grad * float("nan") if trainer.step >= 3 else grad)
    final = list(trainer.run())[-1]
    assert final.status == "failed" and "weights became NaN" in final.message and "step-3" in final.message
    assert ckpt.resolve_checkpoint(run, "last").step == 3 and all_finite(run)


def test_reliability_stop_after_divergence_does_not_save_nan(tiny_corpus, tmp_path):
    run = tmp_path / "run"
    control = TrainingControl()
    trainer = new_trainer(
        tiny_workspace(tiny_corpus, steps=1000, eval_interval=1000, sample_tokens=0, grad_clip=0.0),
        run,
        control=control,
    )
    for event in trainer.run():
        if isinstance(event, StepEvent) and event.step == 2:
            with torch.no_grad():
                next(trainer.model.parameters()).fill_(float("nan"))
            control.stop()
        final = event
    assert final.status == "failed" and "no checkpoint had been saved yet" in final.message
    assert ckpt.list_checkpoints(run) == []


# ---------------------------------------------------------------- 6. CPU out of memory


@pytest.mark.parametrize(
    "error",
    [
        RuntimeError(
            "[enforce fail at alloc_cpu.cpp:117] data. DefaultCPUAllocator: can't allocate memory: "
            "you tried to allocate 123456789 bytes. Error code 12 (Cannot allocate memory)"
        ),
        MemoryError(),
    ],
)
def test_reliability_cpu_out_of_memory_is_a_message(tiny_corpus, tmp_path, error):
    run = tmp_path / "run"
    trainer = new_trainer(tiny_workspace(tiny_corpus, steps=10, checkpoint_interval=2, eval_interval=100), run)
    original = trainer.model.forward

    def exhausted(ids, targets=None):
        if trainer.step >= 3 and trainer.model.training:
            raise error
        return original(ids, targets)

    trainer.forward = exhausted
    final = list(trainer.run())[-1]
    assert final.status == "failed" and "out of memory on the CPU" in final.message
    assert "lower the batch size or the block size" in final.message and "step-2" in final.message


def test_reliability_other_runtime_errors_still_surface(tiny_corpus, tmp_path):
    trainer = new_trainer(tiny_workspace(tiny_corpus, steps=4, eval_interval=100), tmp_path / "run")
    trainer.forward = lambda ids, targets=None: (_ for _ in ()).throw(RuntimeError("a real bug"))
    with pytest.raises(RuntimeError, match="a real bug"):
        list(trainer.run())


def test_reliability_failed_save_is_a_failed_event(tiny_corpus, tmp_path, monkeypatch):
    trainer = new_trainer(
        tiny_workspace(tiny_corpus, steps=6, checkpoint_interval=2, eval_interval=100), tmp_path / "run"
    )

    def full(*args, **kwargs):
        raise CheckpointError(f"{tmp_path}: no space left on the disk; free some space")

    monkeypatch.setattr(ckpt, "save_checkpoint", full)
    final = list(trainer.run())[-1]
    assert final.status == "failed" and "no space left" in final.message and "step 2" in final.message


# ---------------------------------------------------------------- 7. generation limits


def test_reliability_huge_max_new_tokens_reserves_nothing(tokenizers):
    tok = tokenizers["char"]
    model = tiny_model(tok.vocab_size)
    cfg = dict(temperature=1.0, seed=3, repetition_penalty=1.3, alternatives=0)
    short = [e.id for e in generate(model, tok, "To be", SampleConfig(max_new_tokens=150, **cfg))]
    huge_cfg = SampleConfig(max_new_tokens=10, **cfg)
    huge_cfg.max_new_tokens = 10**15  # beyond what SampleConfig accepts: the generator itself reserves nothing
    huge = generate(model, tok, "To be", huge_cfg)
    assert [e.id for e in itertools.islice(huge, 150)] == short  # the penalty history grows as it goes
    huge.close()


def test_reliability_nan_model_is_a_clear_error(tokenizers):
    tok = tokenizers["char"]
    model = tiny_model(tok.vocab_size)
    with torch.no_grad():
        model.lm_head.weight.fill_(float("nan"))
    for temperature in (1.0, 0.0, 0.7):
        with pytest.raises(LMStudioError, match="not finite.*load another checkpoint"):
            list(generate(model, tok, "", SampleConfig(max_new_tokens=5, temperature=temperature, top_k=5)))
    with pytest.raises(LMStudioError, match="load another checkpoint"):
        beam_search(model, tok, "To", beam_width=2, max_new_tokens=3)
    with pytest.raises(LMStudioError, match="load another checkpoint"):
        score_text(model, tok, TEXT)
    with pytest.raises(LMStudioError, match="load another checkpoint"):
        evaluate_tokens(model, np.array(tok.encode(TEXT)), 16)


def test_reliability_seed_beyond_64_bits(tokenizers):
    tok = tokenizers["char"]
    with pytest.raises(ConfigError, match="64.bit"):
        list(generate(tiny_model(tok.vocab_size), tok, "", SampleConfig(max_new_tokens=2, seed=2**70)))
    with pytest.raises(DataError, match="64 bits"):
        BatchSampler(np.arange(100, dtype=np.uint16), 8, 2, seed=2**70)


# ---------------------------------------------------------------- 8. eval --text: streamed, bounded, limited


@pytest.mark.parametrize("kind", ["char", "word", "bpe", "unigram"])
def test_reliability_streamed_text_evaluation_equals_score_text(tokenizers, tiny_corpus, kind):
    tok = tokenizers[kind]
    model = tiny_model(tok.vocab_size)
    lines = tiny_corpus.read_text(encoding="utf-8").split("\n")[:40]
    text = "\n".join(lines)
    expected = score_text(model, tok, text)
    streamed = evaluate_text(model, tok, lines, batch_size=3, chunk_chars=97)  # many small pieces
    assert streamed["tokens"] == expected["tokens"] and streamed["chars"] == len(text)
    assert math.isclose(streamed["loss"], expected["loss"], rel_tol=1e-5)
    assert streamed["bits_per_char"] == pytest.approx(expected["bits_per_char"], rel=1e-5, nan_ok=True)
    capped = evaluate_text(model, tok, lines, max_tokens=100, chunk_chars=97)
    head = score_text(model, tok, tok.decode(tok.encode(text)[:100]))
    assert capped["tokens"] == 100 and not capped["complete"]
    if kind != "word":  # lossless: the first 100 tokens are exactly the text they decode to
        assert math.isclose(capped["loss"], head["loss"], rel_tol=1e-5) and capped["chars"] == head["chars"]


def test_reliability_text_evaluation_honours_max_tokens_and_reads_lazily(tokenizers):
    tok = tokenizers["char"]
    model = tiny_model(tok.vocab_size)
    consumed = []

    def endless():
        for i in itertools.count():
            consumed.append(i)
            yield "To be, or not to be, that is the question:"

    out = evaluate_text(model, tok, endless(), max_tokens=1000, chunk_chars=500)
    assert out["tokens"] == 1000 and out["complete"] is False and len(consumed) < 60
    assert math.isclose(out["chars"], 1000, abs_tol=0)  # char tokenizer: one character per token


@pytest.fixture(scope="module")
def tiny_run(tiny_corpus, tmp_path_factory):
    run = tmp_path_factory.mktemp("evalrun") / "run"
    list(new_trainer(tiny_workspace(tiny_corpus, steps=2, eval_interval=100, sample_tokens=0), run).run())
    return run


def test_reliability_eval_text_cli_limits_tokens_and_shows_progress(tiny_run, tiny_corpus, tmp_path, capsys):
    from lmstudio.cli import main

    big = tmp_path / "big.txt"
    big.write_text(tiny_corpus.read_text(encoding="utf-8") * 20, encoding="cp1252")  # ~440 KB, a legacy encoding
    assert main(["eval", str(tiny_run), "--text", str(big), "--max-tokens", "300", "--device", "cpu", "--json"]) == 0
    out, err = capsys.readouterr()
    result = json.loads(out)["results"][str(big)]
    assert result["tokens"] == 300 and result["complete"] is False
    assert "scoring big.txt" in err
    assert main(["eval", str(tiny_run), "--text", str(big), "--max-tokens", "-5"]) == 2
    assert "--max-tokens" in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_reliability_eval_text_refuses_a_fifo(tiny_run, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    proc = subprocess.run(
        [sys.executable, "-m", "lmstudio", "eval", str(tiny_run), "--text", str(fifo)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert proc.returncode == 2 and "FIFO" in proc.stderr and "Traceback" not in proc.stderr


# ---------------------------------------------------------------- 9. token meta.json types, empty splits


@pytest.mark.parametrize(
    "change,field",
    [
        ({"dtype": 5}, "dtype"),
        ({"counts": {"train": "12", "val": 3, "test": 3}}, "counts"),
        ({"counts": {"train": 12.5, "val": 3, "test": 3}}, "counts"),
        ({"counts": ["train"]}, "counts"),
        ({"vocab_size": "many"}, "vocab_size"),
        ({"key": 7}, "key"),
        ({"format_version": "1"}, "format_version"),
    ],
)
def test_reliability_token_meta_with_wrong_types(tokenizers, tmp_path, change, field):
    text = tmp_path / "t.txt"
    text.write_text("hello there\n" * 20, encoding="utf-8")
    folder = tmp_path / "store"
    TokenStore.build(tokenizers["char"], {"train": text, "val": text, "test": text}, folder)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    meta.update(change)
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(DataError) as err:
        TokenStore.open(folder)
    message = str(err.value)
    assert str(folder / "meta.json") in message and field in message and "\n" not in message


def test_reliability_token_meta_not_an_object(tmp_path):
    (tmp_path / "meta.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(DataError, match="must be a JSON object"):
        TokenStore.open(tmp_path)


def test_reliability_empty_validation_split_from_a_zero_fraction(tiny_corpus, tmp_path):
    config = tiny_workspace(tiny_corpus)
    config.data.split_fractions = (1.0, 0.0, 0.0)
    with pytest.raises(
        DataError, match=r"validation split is empty because data\.split_fractions \(1, 0, 0\) gives it 0"
    ):
        new_trainer(config, tmp_path / "run")


def test_reliability_empty_validation_split_from_one_huge_line(tmp_path):
    corpus = tmp_path / "one-line.txt"
    corpus.write_text("word " * 4000, encoding="utf-8")  # one long line: it all goes to one split
    with pytest.raises(DataError, match="validation split is empty.*one very long line"):
        new_trainer(tiny_workspace(corpus), tmp_path / "run")


def test_reliability_short_validation_split_names_the_numbers(tiny_corpus, tmp_path):
    config = tiny_workspace(tiny_corpus)
    config.model.block_size = 5000
    with pytest.raises(DataError, match=r"validation split has \d+ tokens, but block size 5000 needs at least 5001"):
        new_trainer(config, tmp_path / "run")


# ---------------------------------------------------------------- 10. more of the same kinds


def test_reliability_absurd_thread_count_is_refused(tiny_corpus, tmp_path):
    with pytest.raises(ConfigError, match="train.threads"):
        new_trainer(tiny_workspace(tiny_corpus, threads=10**7), tmp_path / "run")


def test_reliability_training_state_with_wrong_types(tiny_corpus, tmp_path):
    run = tmp_path / "run"
    control = TrainingControl()
    trainer = new_trainer(
        tiny_workspace(tiny_corpus, steps=20, eval_interval=100, sample_tokens=0), run, control=control
    )
    for event in trainer.run():
        if isinstance(event, StepEvent) and event.step == 2:
            control.stop()
    state = ckpt.load_training_state(ckpt.resolve_checkpoint(run, "last").path / ckpt.STATE_FILE)
    state["step"] = "two"
    from pathlib import Path

    from lmstudio.core.training.trainer import Trainer

    store = TokenStore.open(Path(trainer.train_data.filename).parent)
    with pytest.raises(TrainingError, match="training state does not match"):
        Trainer(trainer.config, trainer.model, store, run, resume=state)


def test_reliability_token_file_removed_after_opening(tokenizers, tmp_path):
    text = tmp_path / "t.txt"
    text.write_text("hello there\n" * 20, encoding="utf-8")
    store = TokenStore.build(tokenizers["char"], {"train": text, "val": text}, tmp_path / "store")
    (tmp_path / "store" / "val.bin").unlink()
    with pytest.raises(DataError, match="val.bin"):
        store.split("val")


def test_reliability_run_lock_released_when_the_run_ends(tiny_corpus, tmp_path):
    trainer = new_trainer(tiny_workspace(tiny_corpus, steps=2, eval_interval=100, sample_tokens=0), tmp_path / "run")
    released = threading.Event()

    real = trainer.run_lock

    class Lock:
        def release(self):
            if real is not None:
                real.release()
            released.set()

    trainer.run_lock = Lock()
    list(trainer.run())
    assert released.is_set()


def test_reliability_absurd_search_and_window_sizes(tokenizers):
    tok = tokenizers["char"]
    model = tiny_model(tok.vocab_size)
    with pytest.raises(ConfigError, match="beam width"):
        beam_search(model, tok, "To", beam_width=0)
    with pytest.raises(ConfigError, match="block_size"):
        evaluate_tokens(model, np.array(tok.encode(TEXT)), block_size=-3)
    with pytest.raises(ConfigError, match="block_size"):
        evaluate_text(model, tok, [TEXT], block_size=-3)


def test_reliability_unwritable_metrics_is_a_failed_event(tiny_corpus, tmp_path, monkeypatch):
    trainer = new_trainer(tiny_workspace(tiny_corpus, steps=4, eval_interval=100), tmp_path / "run")
    import lmstudio.core.training.trainer as training

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device", str(tmp_path / "run" / "metrics.csv"))

    monkeypatch.setattr(training, "MetricsLog", no_space)
    final = list(trainer.run())[-1]
    assert final.status == "failed" and "No space left on device" in final.message and "metrics.csv" in final.message


def test_reliability_model_too_large_for_memory(monkeypatch):
    from lmstudio.core import models

    class Huge(torch.nn.Module):
        def __init__(self, cfg):
            raise RuntimeError(
                "[enforce fail at alloc_cpu.cpp:117] DefaultCPUAllocator: can't allocate memory: "
                "you tried to allocate 400000000000 bytes"
            )

    monkeypatch.setitem(models.MODEL_REGISTRY, "gru", Huge)
    with pytest.raises(TrainingError, match="does not fit in memory.*lower model.d_model"):
        build_model(ModelConfig(arch="gru", vocab_size=65, d_model=4096, n_layer=8))


def test_reliability_out_of_memory_while_evaluating_is_one_line(tiny_run, tmp_path, capsys, monkeypatch):
    import lmstudio.core.inference.scoring as evaluation
    from lmstudio.cli import main

    def exhausted(*args, **kwargs):
        raise RuntimeError("DefaultCPUAllocator: can't allocate memory: you tried to allocate 99999999999 bytes")

    monkeypatch.setattr(evaluation, "evaluate_tokens", exhausted)
    assert main(["eval", str(tiny_run), "--device", "cpu"]) == 2
    err = capsys.readouterr().err
    assert "out of memory" in err and "--device cpu" in err and "Traceback" not in err
