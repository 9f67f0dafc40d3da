"""Compress (issue 14): dynamic int8 and pruning of a real tiny run, saved as a new checkpoint, measured."""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
from pathlib import Path

import pytest
import torch

from lmstudio.core.compress.pipeline import compress_run, list_compressed, load_compressed
from lmstudio.core.compress.prune import prune_model
from lmstudio.core.compress.quantize import available_quantizations
from lmstudio.core.errors import Cancelled, CheckpointError, ConfigError
from lmstudio.core.runs.folders import load_run
from tests.helpers import tiny_workspace

pytestmark = pytest.mark.skipif(
    available_quantizations()["int8"] is not None, reason="this torch has no dynamic int8 on this platform"
)


def _train(corpus: Path, out: Path, **model) -> Path:
    from dataclasses import replace

    from lmstudio.core.training.launch import new_trainer

    config = tiny_workspace(corpus, steps=12, eval_interval=12)
    if model:
        config.model = replace(config.model, **model)
    for _ in new_trainer(config, out).run():
        pass
    return out


@pytest.fixture(scope="module")
def trained(tiny_corpus, tmp_path_factory) -> Path:
    """A tiny Transformer run (read-only: tests copy it before compressing)."""
    return _train(tiny_corpus, tmp_path_factory.mktemp("compress") / "run")


@pytest.fixture
def run(trained, tmp_path) -> Path:
    copy = tmp_path / "run"
    shutil.copytree(trained, copy)
    return copy


def _hashes(run_dir: Path) -> dict[str, str]:
    root = run_dir / "checkpoints"
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()
    }


def _logits(model, ids):
    with torch.inference_mode():
        return model(ids)[0].float()


IDS = torch.tensor([[5, 9, 12, 7, 30, 4, 18, 22, 9, 11, 6, 40]])


def test_int8_saves_a_smaller_checkpoint_that_loads_without_pickle_and_leaves_the_original(run):
    original = _hashes(run)
    result = compress_run(run, quantize="int8", new_tokens=12)
    assert result.name == "int8" and result.folder == run / "checkpoints" / "int8"
    assert {k: v for k, v in _hashes(run).items() if not k.startswith("int8/")} == original
    assert not [p for p in (run / "checkpoints").iterdir() if p.name.startswith(".")]  # no temporary folder left
    # measured on disk: int8 matrices (plus the float embedding the head is tied to) against float32
    assert result.after["size_bytes"] < 0.6 * result.before["size_bytes"]
    assert result.after["size_bytes"] == (result.folder / "model.safetensors").stat().st_size
    for side in (result.before, result.after):
        assert side["tokens_per_sec"] > 0 and side["peak_memory_bytes"] > 0 and side["val_tokens"] > 100
        assert side["perplexity"] == pytest.approx(torch.tensor(side["val_loss"]).exp().item())
    assert abs(result.after["val_loss"] - result.before["val_loss"]) < 0.05  # int8 costs little
    assert any("tied" in n for n in result.notes)
    meta = json.loads((result.folder / "meta.json").read_text())
    assert meta["compression"]["kind"] == "quantize" and meta["val_loss"] == result.after["val_loss"]
    assert "blocks.0.attn.c_attn" in meta["compression"]["modules"]

    loaded = load_compressed(run, "int8")
    q = loaded.model.blocks[0].attn.c_attn
    assert type(q).__module__.startswith("torch.ao.nn.quantized.dynamic")
    float_model = load_run(run, "best", "cpu").model
    diff = (_logits(loaded.model, IDS) - _logits(float_model, IDS)).abs().max().item()
    assert 0 < diff < 0.05  # quantized (not a float copy), and close
    # the int8 weights read back are the ones measured: generating again gives the same text
    from lmstudio.core.compress.measure import measure

    again = measure(
        loaded.model,
        loaded.tokenizer,
        val_ids=None,
        chars_per_token=1.0,
        block_size=16,
        weights_file=None,
        prompt="\n",
        new_tokens=12,
    )
    assert again["sample"] == result.after["sample"]
    assert list_compressed(run) == {"int8": meta["compression"]}


def test_int8_quantizes_an_lstm(tiny_corpus, tmp_path):
    run = _train(tiny_corpus, tmp_path / "lstm", arch="lstm", n_layer=2)
    result = compress_run(run, quantize="int8", new_tokens=8)
    assert result.recipe["modules"]["rnn"] == {"type": "lstm", "scheme": "per_tensor"}
    assert any("gets zero ones" in n for n in result.notes)  # bias=False: int8 kernels need biases
    loaded = load_compressed(run, "int8")
    assert "quantized" in type(loaded.model.rnn).__module__
    diff = (_logits(loaded.model, IDS) - _logits(load_run(run, "best", "cpu").model, IDS)).abs().max().item()
    assert 0 < diff < 0.05
    assert result.after["size_bytes"] < 0.6 * result.before["size_bytes"]


@pytest.mark.parametrize("global_", [False, True])
def test_l1_pruning_zeroes_the_asked_share_and_leaves_the_tied_embedding(run, global_):
    model = load_run(run, "best", "cpu").model
    embedding = model.wte.weight.detach().clone()
    pruned = prune_model(model, "l1", 0.5, global_)
    assert pruned.achieved == pytest.approx(0.5, abs=1e-3)
    assert torch.equal(model.wte.weight, embedding)  # the head is tied to it: left whole, and said so
    assert any("tied" in n for n in pruned.notes)
    shares = [1 - float(m.float().mean()) for m in pruned.masks.values()]
    if global_:
        assert max(shares) - min(shares) > 0.05  # one threshold: layers differ
    else:
        assert all(abs(s - 0.5) < 0.01 for s in shares)
    weight = model.blocks[0].mlp.c_fc.weight
    assert torch.equal(weight == 0, ~pruned.masks["blocks.0.mlp.c_fc.weight"])


def test_head_pruning_with_finetune_keeps_the_heads_removed_and_saves_a_loadable_checkpoint(run):
    result = compress_run(run, prune="heads", sparsity=0.5, finetune_steps=4, new_tokens=8)
    assert result.name == "heads-50-ft4" and len(result.finetune_losses) == 4
    (head,) = result.recipe["removed"]["blocks.0"]
    loaded = load_compressed(run, result.name)
    attn = loaded.model.blocks[0].attn
    rows = torch.arange(16 * head, 16 * head + 16)
    for part in range(3):  # its query, key and value rows, and its output columns: still zero after fine-tuning
        assert not attn.c_attn.weight[part * 32 + rows].any()
    assert not attn.c_proj.weight[:, rows].any()
    other = 1 - head
    assert attn.c_proj.weight[:, 16 * other : 16 * other + 16].abs().sum() > 0
    trained = load_run(run, "best", "cpu").model
    assert not torch.equal(loaded.model.blocks[0].mlp.c_fc.weight, trained.blocks[0].mlp.c_fc.weight)  # fine-tuned
    assert result.after["nonzero"] < result.before["nonzero"]
    # dense, zeros included (said in a note): the same tensors, only the file's header differs
    assert abs(result.after["size_bytes"] - result.before["size_bytes"]) < 256
    assert any("dense" in n for n in result.notes)


def test_channel_pruning_removes_the_weakest_units_exactly(run):
    model = load_run(run, "best", "cpu").model
    mlp = model.blocks[0].mlp
    score = mlp.c_fc.weight.detach().abs().sum(1) + mlp.c_proj.weight.detach().abs().sum(0)
    weakest = sorted(score.argsort()[:48].tolist())
    x = torch.randn(2, 5, 32)
    with torch.no_grad():
        h = torch.nn.functional.gelu(mlp.c_fc(x))
        h[..., weakest] = 0
        expected = mlp.c_proj(h)
    pruned = prune_model(model, "channels", 0.5)
    assert pruned.removed["blocks.0"] == weakest
    with torch.no_grad():
        assert torch.allclose(mlp(x), expected, atol=1e-6)


def _cli(argv: list[str]) -> int:
    from lmstudio import cli
    from lmstudio.cli import compress

    parser = argparse.ArgumentParser(prog="lmstudio")
    sub = parser.add_subparsers(dest="command")
    compress.add_parser(sub)
    original = cli.build_parser
    cli.build_parser = lambda: parser
    try:
        return cli.main(argv)
    finally:
        cli.build_parser = original


def test_cli_prunes_and_prints_json(run, capsys):
    code = _cli(["compress", str(run), "--prune", "l1", "--sparsity", "0.3", "--global", "--tokens", "8", "--json"])
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["checkpoint"] == "l1-30-global" and doc["recipe"]["achieved_sparsity"] == pytest.approx(0.3, abs=1e-3)
    assert doc["after"]["nonzero"] < doc["before"]["nonzero"]


@pytest.mark.parametrize(
    "extra, expected",
    [
        (["--prune", "l1", "--sparsity", "1"], "--sparsity 1.0: must be at least 0 and below 1"),
        (["--prune", "l1", "--sparsity", "-0.1"], "--sparsity -0.1: must be at least 0"),
        (["--prune", "heads"], "give --sparsity"),
        (["--quantize", "int4-weight"], "--quantize int4-weight (weight-only int4 (torchao)): not available on this"),
        (["--quantize", "int8", "--finetune-steps", "3"], "follows pruning"),
        (["--quantize", "int8", "--out-name", "step-3"], "not step-N, N, best or last"),
    ],
)
def test_cli_bad_input_is_one_line_exit_2_and_nothing_written(run, capsys, extra, expected):
    before = _hashes(run)
    assert _cli(["compress", str(run), *extra]) == 2
    err = capsys.readouterr().err
    assert expected in err and err.count("\n") == 1
    assert _hashes(run) == before


def test_a_run_without_checkpoint_an_existing_name_and_structured_pruning_of_an_rnn(run, tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    shutil.copy(run / "config.json", empty / "config.json")
    shutil.copytree(run / "tokenizer", empty / "tokenizer")
    with pytest.raises(CheckpointError, match="no checkpoint saved yet; train the run first"):
        compress_run(empty, quantize="int8")
    assert not (empty / "checkpoints").exists()

    asked = []  # cancelled in the middle of the fine-tune (the 6th question: 4 stages, then a step each)
    with pytest.raises(Cancelled, match="nothing was written"):
        compress_run(
            run, prune="l1", sparsity=0.2, finetune_steps=5, cancelled=lambda: asked.append(1) or len(asked) >= 6
        )
    assert len(asked) == 6 and sorted(p.name for p in (run / "checkpoints").iterdir()) == ["index.json", "step-12"]

    from lmstudio.core.locks import RUN_LOCK_FILE, FolderLock

    with FolderLock.try_acquire(run / RUN_LOCK_FILE):  # a trainer holds the run
        with pytest.raises(CheckpointError, match="being trained by another lmstudio process"):
            compress_run(run, quantize="int8")

    (run / "checkpoints" / "mine").mkdir()
    with pytest.raises(CheckpointError, match="already exists; choose another --out-name"):
        compress_run(run, prune="l1", sparsity=0.2, out_name="mine")
    assert not any((run / "checkpoints" / "mine").iterdir())

    config = json.loads((run / "config.json").read_text())
    config["data"]["task"] = "translate"
    translation = tmp_path / "translation"
    shutil.copytree(run, translation)
    (translation / "config.json").write_text(json.dumps(config))
    with pytest.raises(ConfigError, match="is a translation run"):
        compress_run(translation, quantize="int8")

    from lmstudio.core.config import ModelConfig
    from lmstudio.core.models import build_model

    with pytest.raises(ConfigError, match="use --prune l1"):
        prune_model(build_model(ModelConfig(arch="gru", vocab_size=20, d_model=8, n_layer=1)), "heads", 0.5)


def test_load_run_sample_and_eval_open_a_compressed_checkpoint(run, capsys):
    from lmstudio.cli import main

    compress_run(run, quantize="int8", new_tokens=4)
    pruned = compress_run(run, prune="l1", sparsity=0.5, new_tokens=4)
    loaded = load_run(run, "int8", "auto")
    assert "quantized" in type(loaded.model.lm_head).__module__ and loaded.checkpoint.name == "int8"
    assert str(next(loaded.model.parameters()).device) == "cpu"
    expected = load_compressed(run, "int8").model
    assert torch.equal(_logits(loaded.model, IDS), _logits(expected, IDS))
    assert main(["sample", str(run), "--checkpoint", "int8", "--max-new-tokens", "5", "--seed", "1"]) == 0
    capsys.readouterr()
    assert main(["eval", str(run), "--checkpoint", pruned.name, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["checkpoint"] == pruned.name
    assert doc["results"]["val"]["loss"] == pytest.approx(pruned.after["val_loss"], rel=1e-6)
    assert main(["sample", str(run), "--checkpoint", "missing"]) == 2
    assert "no checkpoint 'missing'" in capsys.readouterr().err
