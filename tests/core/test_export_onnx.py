"""ONNX export (issue 14): every language-model architecture, checked in onnxruntime at lengths it was not
traced with; refusals write nothing."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
import torch

from lmstudio.core.errors import CheckpointError, ConfigError
from lmstudio.core.runs.folders import load_run
from lmstudio.core.tokenizers import load_tokenizer
from lmstudio.core.training.launch import new_trainer
from tests.helpers import tiny_workspace

pytest.importorskip("onnxscript")
ort = pytest.importorskip("onnxruntime")

from lmstudio.core.export import onnx as onnx_export  # noqa: E402  (after the skips: it needs the export extra)


def _run(corpus, path, **model):
    config = tiny_workspace(corpus, steps=2, eval_interval=2, sample_tokens=0)
    config.model = dataclasses.replace(config.model, **model)
    for _ in new_trainer(config, path).run():
        pass
    return path


def _ort_vs_torch(out_dir, run_dir, shapes):
    """Largest |logit difference| between the exported graph in onnxruntime and the run's PyTorch model."""
    model = load_run(run_dir, device="cpu").model
    session = ort.InferenceSession(str(out_dir / "model.onnx"), providers=["CPUExecutionProvider"])
    gen = torch.Generator().manual_seed(1)
    worst = 0.0
    for shape in shapes:
        ids = torch.randint(0, model.config.vocab_size, shape, generator=gen)
        with torch.no_grad():
            expected = model(ids)[0].numpy()
        got = session.run(["logits"], {"ids": ids.numpy()})[0]
        assert got.shape == expected.shape
        worst = max(worst, float(np.abs(got - expected).max()))
    return worst


@pytest.mark.parametrize(
    "model",
    [
        dict(arch="transformer", positions="learned", n_layer=2, bias=True),
        dict(arch="transformer", positions="rotary", qk_norm=True, mlp_activation="relu2"),
    ],
    ids=["learned", "rotary"],
)
@pytest.mark.slow
def test_transformer_matches_at_untraced_lengths(tiny_corpus, tmp_path, model, one_thread):
    run_dir = _run(tiny_corpus, tmp_path / "run", **model)
    out = tmp_path / "onnx"
    facts = onnx_export.export_onnx(run_dir, out)

    assert facts["max_abs_diff"] < 1e-4 and facts["tolerance"] == 1e-4
    assert facts["checked_shape"] != facts["traced_shape"] and facts["external_data"] is False
    assert facts["path"] == str(out / "model.onnx") and not (out / "model.onnx.data").exists()
    rotary = model["positions"] == "rotary"
    assert facts["architecture"] == f"transformer ({model['positions']} positions)"
    # one token, a full window and (rotary: no length limit) past the window, none of them the traced length
    shapes = [(1, 1), (2, 16), (1, 23)] if rotary else [(1, 1), (2, 16), (4, 5)]
    assert _ort_vs_torch(out, run_dir, shapes) < 1e-4

    info = json.loads((out / "onnx_export.json").read_text(encoding="utf-8"))
    assert info["inputs"] == {"ids": {"shape": ["batch", "seq"], "dtype": "int64"}}
    assert info["outputs"]["logits"]["shape"] == ["batch", "seq", facts["vocab_size"]]
    assert info["max_sequence_length"] == (None if rotary else 16)
    run_tokenizer = load_run(run_dir, device="cpu").tokenizer
    assert load_tokenizer(out / "tokenizer").fingerprint() == run_tokenizer.fingerprint()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["onnx", "run"]  # no temporary folder left


@pytest.mark.parametrize("arch", ["rnn", "gru", "lstm"])
def test_recurrent_matches_at_untraced_lengths(tiny_corpus, tmp_path, arch, monkeypatch, one_thread):
    run_dir = _run(tiny_corpus, tmp_path / "run", arch=arch, n_layer=2, bias=True)
    if arch == "gru":  # the weights-beside-the-graph layout of a model over 1.8 GB, on a small one
        monkeypatch.setattr(onnx_export, "EXTERNAL_DATA_ABOVE", 0)
    facts = onnx_export.export_onnx(run_dir, tmp_path / "onnx", checkpoint="last")
    assert facts["architecture"] == arch and facts["checkpoint"] == "step-2"
    assert facts["external_data"] is (arch == "gru")
    assert (tmp_path / "onnx" / "model.onnx.data").is_file() is (arch == "gru")
    assert facts["max_abs_diff"] < 1e-4
    # the recurrence is one ONNX operator per layer, not cells unrolled over the traced length
    import onnx

    ops = {node.op_type for node in onnx.load(str(tmp_path / "onnx" / "model.onnx")).graph.node}
    assert {"rnn": "RNN", "gru": "GRU", "lstm": "LSTM"}[arch] in ops
    assert _ort_vs_torch(tmp_path / "onnx", run_dir, [(1, 1), (2, 29)]) < 1e-4


def test_bad_out_dir_is_refused_untouched(tmp_path):
    run_dir = tmp_path / "no-run-needed"  # the folder is checked before anything is loaded
    full = tmp_path / "full"
    full.mkdir()
    (full / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"--out .*full: is not empty \(notes.txt\)"):
        onnx_export.export_onnx(run_dir, full)
    assert [p.name for p in full.iterdir()] == ["notes.txt"]
    assert (full / "notes.txt").read_text(encoding="utf-8") == "mine"

    a_file = tmp_path / "model.onnx"
    a_file.write_text("not a folder", encoding="utf-8")
    with pytest.raises(ConfigError, match="is a file, not a folder"):
        onnx_export.export_onnx(run_dir, a_file)
    assert a_file.read_text(encoding="utf-8") == "not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full", "model.onnx"]


def test_mismatch_is_refused_and_nothing_written(tiny_corpus, tmp_path, monkeypatch, one_thread):
    run_dir = _run(tiny_corpus, tmp_path / "run", arch="rnn")
    out = tmp_path / "empty"
    out.mkdir()  # an empty folder is accepted, and left as it was when the export fails
    real = onnx_export._onnxruntime_logits
    monkeypatch.setattr(onnx_export, "_onnxruntime_logits", lambda path, ids: real(path, ids) + 3e-4)
    with pytest.raises(CheckpointError, match=r"differ from PyTorch's by up to 0.0003.* nothing was written"):
        onnx_export.export_onnx(run_dir, out)
    assert out.is_dir() and not any(out.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "run"]


def test_translation_run_is_refused_with_a_clear_message(tmp_path):
    from lmstudio.core.config import WorkspaceConfig
    from tests.conftest import TRANSLATION_RUN_SETTINGS

    settings = {**TRANSLATION_RUN_SETTINGS, "data": {**TRANSLATION_RUN_SETTINGS["data"], "toy_pairs": 200}}
    settings["train"] = {**settings["train"], "steps": 2, "eval_interval": 2, "bleu_pairs": 4, "batch_size": 8}
    run_dir = tmp_path / "reverse"
    for _ in new_trainer(WorkspaceConfig.from_dict(settings), run_dir).run():
        pass
    out = tmp_path / "onnx"
    with pytest.raises(CheckpointError, match="translation run .* not supported yet"):
        onnx_export.export_onnx(run_dir, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reverse"]
