"""Export to Hugging Face: a Transformer run loads in transformers and computes what it computes in lmstudio.

Logits, not shapes (a Conv1D weight left untransposed loads fine and gives wrong logits): max |difference|
below 1e-4 for both layouts, biases on and off, tied and untied; greedy generation gives the same tokens;
the tokenizers AutoTokenizer loads give our ids on Tiny Shakespeare lines; what has no exact equivalent is
refused and nothing is written.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import pytest
import torch

pytest.importorskip("transformers")

from lmstudio.cli import main  # noqa: E402
from lmstudio.core.config import ModelConfig, SampleConfig, TokenizerConfig, WorkspaceConfig  # noqa: E402
from lmstudio.core.errors import ConfigError, LMStudioError  # noqa: E402
from lmstudio.core.export import hf, tokenizer_hf  # noqa: E402
from lmstudio.core.models import build_model  # noqa: E402
from lmstudio.core.tokenizers import train_tokenizer  # noqa: E402
from lmstudio.core.training.launch import new_trainer  # noqa: E402
from lmstudio.core.training.metrics_log import read_metrics_rows  # noqa: E402
from tests.conftest import SHAKESPEARE  # noqa: E402
from tests.helpers import tiny_workspace  # noqa: E402

TOLERANCE = 1e-4


def _random_model(positions: str, bias: bool, tie: bool):
    """A 2-layer TransformerLM whose every weight is random, LayerNorm gains and biases included (at their
    initial 1 and 0 a LayerNorm or bias written to the wrong place would go unnoticed)."""
    cfg = ModelConfig(
        arch="transformer",
        vocab_size=50,
        block_size=16,
        n_layer=2,
        n_head=2,
        d_model=32,
        positions=positions,
        bias=bias,
        tie_weights=tie,
    )
    torch.manual_seed(0)
    model = build_model(cfg)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "ln" in name and name.endswith("weight"):
                p.copy_(1 + 0.3 * torch.randn_like(p))
            else:
                p.copy_(0.3 * torch.randn_like(p))
    return cfg, model.eval()


def _sequences(vocab: int, lengths=(16, 7)) -> list[torch.Tensor]:
    g = torch.Generator().manual_seed(1)
    return [torch.randint(0, vocab, (3, n), generator=g) for n in lengths]


@pytest.mark.parametrize(
    "positions,bias,tie",
    [("learned", False, True), ("learned", True, False), ("rotary", False, True), ("rotary", True, False)],
)
def test_logits_equal_ours(tmp_path, one_thread, positions, bias, tie):
    cfg, ours = _random_model(positions, bias, tie)
    layout = hf.hf_layout(WorkspaceConfig(model=cfg))
    assert layout == ("gpt2" if positions == "learned" else "gpt_neox")
    hf.write_hf_model(ours, cfg, layout, tmp_path)
    theirs = hf.load_hf_model(tmp_path)
    assert type(theirs).__name__ == ("GPT2LMHeadModel" if positions == "learned" else "GPTNeoXForCausalLM")
    for ids in _sequences(cfg.vocab_size):
        diff, scale = hf.logit_difference(ours, theirs, ids)
        assert diff < TOLERANCE, (ids.shape, diff)
        assert scale > 1  # the logits are not all near zero: the comparison means something
    assert (theirs.get_output_embeddings().weight.data_ptr() == theirs.get_input_embeddings().weight.data_ptr()) == tie

    # the comparison catches the classic mistakes: a square weight left untransposed (GPT-2's Conv1D c_proj)
    # or q/k/v rows left in our order (GPT-NeoX groups them per head)
    with torch.no_grad():
        if positions == "learned":
            w = theirs.transformer.h[0].attn.c_proj.weight
            w.copy_(w.t().clone())
        else:
            qkv = theirs.gpt_neox.layers[0].attention.query_key_value.weight
            qkv.copy_(ours.blocks[0].attn.c_attn.weight)
    assert hf.logit_difference(ours, theirs, _sequences(cfg.vocab_size)[0])[0] > 1e-2


# ---------------------------------------------------------------- whole runs


def _train(config: WorkspaceConfig, out: Path) -> Path:
    for _ in new_trainer(config, out).run():
        pass
    return out


@pytest.fixture(scope="module")
def runs(tiny_corpus, tmp_path_factory):
    """Two trained runs, exported: learned positions + char + no bias + tied (GPT-2), and rotary + BPE +
    biases + untied (GPT-NeoX)."""
    base = tmp_path_factory.mktemp("hf-runs")
    torch.set_num_threads(1)
    out = {}
    for name, positions, kind, bias, tie in (
        ("gpt2", "learned", "char", False, True),
        ("neox", "rotary", "bpe", True, False),
    ):
        config = tiny_workspace(tiny_corpus, steps=15)
        config.model = replace(config.model, positions=positions, bias=bias, tie_weights=tie)
        config.tokenizer = TokenizerConfig(kind=kind, vocab_size=400)
        run = _train(config, base / f"run-{name}")
        facts = hf.export_hf(run, base / f"export-{name}")
        out[name] = (run, base / f"export-{name}", facts)
    return out


@pytest.mark.parametrize("name", ["gpt2", "neox"])
def test_exported_run_loads_offline_and_generates_our_greedy_tokens(runs, name):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from lmstudio.core.inference.context import prompt_ids
    from lmstudio.core.inference.generation import generate
    from lmstudio.core.runs.folders import load_run

    run, folder, facts = runs[name]
    assert facts["max_logit_diff"] < TOLERANCE
    assert facts["layout"] == ("gpt2" if name == "gpt2" else "gpt_neox")
    model = AutoModelForCausalLM.from_pretrained(str(folder), local_files_only=True).eval()
    tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    loaded = load_run(run, device="cpu")

    prompt = "ROMEO:"
    context = prompt_ids(loaded.tokenizer, prompt)
    assert tokenizer("\n" + prompt)["input_ids"] == context  # no BOS added, the same ids
    cfg = SampleConfig(temperature=0, max_new_tokens=6)
    events = list(generate(loaded.model, loaded.tokenizer, prompt, cfg))
    ours = [e.id for e in events]
    ids = torch.tensor([context])
    with torch.no_grad():
        out = model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=6, do_sample=False)
    theirs = out[0, len(context) :].tolist()
    assert theirs == ours
    assert tokenizer.decode(theirs) == "".join(e.text for e in events)


def test_model_card_and_settings_copy(runs):
    run, folder, facts = runs["neox"]
    card = (folder / "README.md").read_text(encoding="utf-8")
    best = min(float(r["val_loss"]) for r in read_metrics_rows(run / "metrics.csv") if r["val_loss"])
    assert facts["best_val_loss"] == pytest.approx(best)
    assert f"{best:.4g}" in card
    assert f"{math.exp(best):.4g}" in card or f"{facts['best_val_perplexity']:.4g}" in card
    assert "GPTNeoXForCausalLM" in card and "rotary" in card
    assert "lmstudio train --config lmstudio_config.json" in card
    assert "AutoModelForCausalLM.from_pretrained" in card
    assert Path(json.loads((run / "config.json").read_text())["data"]["corpus"]).name in card
    settings = WorkspaceConfig.from_dict(json.loads((folder / "lmstudio_config.json").read_text()))
    assert settings.model == json_model(run)
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no temporary folder left


def test_lmstudio_imports_the_export_back(runs):
    """The GPT-2 export opened by lmstudio's own Hugging Face import: the same logits and token ids."""
    hf_import = pytest.importorskip("lmstudio.core.export.hf_import")
    from lmstudio.core.runs.folders import load_run

    run, folder, _ = runs["gpt2"]
    ours, back = load_run(run, device="cpu"), hf_import.load_hf_folder(folder, device="cpu")
    for ids in _sequences(ours.config.model.vocab_size):
        with torch.no_grad():
            assert (ours.model(ids)[0] - back.model(ids)[0]).abs().max() < TOLERANCE
    for line in _shakespeare_lines(count=50):
        assert back.tokenizer.encode(line) == ours.tokenizer.encode(line)


def test_a_failed_check_leaves_nothing(runs, tmp_path, monkeypatch):
    """A tokenizer that would encode differently is never shipped: the export stops, --out never appears."""
    run = runs["gpt2"][0]
    monkeypatch.setattr(tokenizer_hf, "compare_encodings", lambda tok, folder, texts: [(texts[2], [5, 6], [7])])
    out = tmp_path / "export"
    with pytest.raises(LMStudioError, match="would encode"):
        hf.export_hf(run, out)
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_checkpoint_with_nan_weights_is_refused(runs, tmp_path):
    import shutil

    from safetensors.torch import load_file, save_file

    from lmstudio.core.errors import CheckpointError
    from lmstudio.core.runs.checkpoint import resolve_checkpoint

    run = shutil.copytree(runs["gpt2"][0], tmp_path / "run")
    weights = resolve_checkpoint(run, "best").path / "model.safetensors"
    tensors = load_file(weights)
    tensors["ln_f.weight"][0] = float("nan")
    save_file(tensors, weights)
    with pytest.raises(CheckpointError, match="non-finite"):
        hf.export_hf(run, tmp_path / "export")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def json_model(run: Path) -> ModelConfig:
    return WorkspaceConfig.from_dict(json.loads((run / "config.json").read_text())).model


# ---------------------------------------------------------------- tokenizers


def _shakespeare_lines(start: int = 600, count: int = 1000) -> list[str]:
    lines = SHAKESPEARE.read_text(encoding="utf-8").splitlines(keepends=True)
    return lines[start : start + count]  # text the tokenizers were not trained on


@pytest.mark.parametrize(
    "kind,byte_fallback",
    [("char", True), ("word", True), ("bpe", True), ("unigram", True), ("bpe", False), ("unigram", False)],
)
def test_tokenizer_encodes_exactly_as_ours(tiny_corpus, tmp_path, kind, byte_fallback):
    from transformers import AutoTokenizer

    ours = train_tokenizer(TokenizerConfig(kind=kind, vocab_size=500, byte_fallback=byte_fallback), tiny_corpus)
    tokenizer_hf.save_hf_tokenizer(ours, tmp_path, max_length=64)
    theirs = AutoTokenizer.from_pretrained(str(tmp_path), local_files_only=True)
    lines = _shakespeare_lines()
    texts = lines + ["".join(lines[:40])] + tokenizer_hf.check_texts(ours)
    if not tokenizer_hf.unigram_caveat(ours):
        texts.append("<s> is text here, and so are </s>, <pad>, <unk> and <0x41>")
    got = theirs(texts, add_special_tokens=False, verbose=False)["input_ids"]
    wrong = [(t, ours.encode(t), g) for t, g in zip(texts, got) if ours.encode(t) != g]
    assert not wrong, wrong[:2]
    assert (theirs.bos_token_id, theirs.eos_token_id, theirs.pad_token_id, theirs.unk_token_id) == (2, 3, 0, 1)
    # decoding gives our text back wherever ours does (no <unk>: ours writes "⁇", transformers "<unk>")
    for text in lines[:200]:
        ids = ours.encode(text)
        if ours.unk_id not in ids:
            assert theirs.decode(ids) == ours.decode(ids)


def test_word_pattern_follows_python_on_marks_and_separators(tiny_corpus, tmp_path):
    """``\\w`` and ``\\s`` differ between Python and the tokenizers regex engine: combining marks, U+001C."""
    from lmstudio.core.tokenizers import WORD_PATTERN

    ours = train_tokenizer(TokenizerConfig(kind="word", vocab_size=500), tiny_corpus)
    backend = tokenizer_hf.backend_tokenizer(ours)
    for text in ("cafe\u0301 na\u0308ive", "a\x1cb\x1f c", "x\u00b2 \u00bd \u2167 _id", "\u3000\u00a0\n\t"):
        pieces = [p for p, _ in backend.pre_tokenizer.pre_tokenize_str(text)]
        assert pieces == WORD_PATTERN.findall(text)


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    "model,data",
    [
        (dict(arch="gru"), {}),
        (dict(arch="lstm"), {}),
        (dict(qk_norm=True), {}),
        (dict(mlp_activation="relu2"), {}),
        (dict(arch="gru"), dict(task="translate", toy_task="reverse")),
    ],
)
def test_no_exact_equivalent_is_refused(model, data):
    from lmstudio.core.config import DataConfig

    config = WorkspaceConfig(model=ModelConfig(**model), data=DataConfig(**data))
    with pytest.raises(ConfigError, match="no exact Hugging Face equivalent"):
        hf.hf_layout(config)


def test_cli_exports_into_an_empty_folder(runs, tmp_path, capsys):
    run = runs["gpt2"][0]
    out = tmp_path / "empty"
    out.mkdir()
    assert main(["export", str(run), "--format", "hf", "--out", str(out), "--checkpoint", "last"]) == 0
    printed = capsys.readouterr().out
    assert "GPT2LMHeadModel" in printed and "logits match" in printed
    assert {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "README.md"} <= {
        p.name for p in out.iterdir()
    }


def test_cli_refuses_and_writes_nothing(runs, tiny_corpus, tmp_path, capsys):
    run = runs["gpt2"][0]
    # --out holding the user's files: one line, exit 2, the file untouched
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    assert main(["export", str(run), "--format", "hf", "--out", str(busy)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not empty" in err and "notes.txt" in err
    assert [p.name for p in busy.iterdir()] == ["notes.txt"] and (busy / "notes.txt").read_text() == "mine"
    # a file as --out
    assert main(["export", str(run), "--format", "hf", "--out", str(busy / "notes.txt")]) == 2
    assert "is a file" in capsys.readouterr().err
    # a recurrent run: no exact equivalent, nothing written
    config = tiny_workspace(tiny_corpus, steps=2)
    config.model = replace(config.model, arch="gru")
    gru = _train(config, tmp_path / "gru")
    out = tmp_path / "gru-export"
    assert main(["export", str(gru), "--format", "hf", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no exact Hugging Face equivalent" in err and "--format onnx" in err
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
