"""Run folders: safetensors weights, weights-only training state, atomic saves, clear errors."""

from __future__ import annotations

import json

import pytest
import torch

from lmstudio.core.config import ModelConfig, WorkspaceConfig
from lmstudio.core.errors import CheckpointError
from lmstudio.core.models import build_model
from lmstudio.core.runs import checkpoint as ckpt


def _model(vocab=20, d=16):
    torch.manual_seed(0)
    return build_model(ModelConfig(arch="transformer", vocab_size=vocab, block_size=8, n_layer=1, n_head=2, d_model=d))


def test_weights_round_trip_with_tied_embeddings(tmp_path):
    model = _model()
    info = ckpt.save_checkpoint(tmp_path, 5, model.state_dict(), {"step": 5}, 1.5, best=True)
    other = _model()
    torch.nn.init.zeros_(next(other.parameters()))
    ckpt.load_weights(info.path / ckpt.WEIGHTS_FILE, other)
    for (k, a), b in zip(model.state_dict().items(), other.state_dict().values()):
        assert torch.equal(a, b), k
    assert ckpt.resolve_checkpoint(tmp_path, "best").name == "step-5"
    assert ckpt.resolve_checkpoint(tmp_path, "last").step == 5
    assert ckpt.resolve_checkpoint(tmp_path, "5").name == "step-5"


class _Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({str(self.marker)!r}, 'w').write('pwned')",))


def test_crafted_pickle_is_refused_without_running(tmp_path):
    marker = tmp_path / "pwned.txt"
    path = tmp_path / ckpt.STATE_FILE
    torch.save({"step": 1, "payload": _Evil(marker)}, path)
    with pytest.raises(CheckpointError, match="refused") as err:
        ckpt.load_training_state(path)
    assert str(path) in str(err.value)
    assert not marker.exists()


def test_truncated_and_foreign_files_name_the_file(tmp_path):
    model = _model()
    info = ckpt.save_checkpoint(tmp_path, 1, model.state_dict(), {"step": 1}, None)
    weights = info.path / ckpt.WEIGHTS_FILE
    weights.write_bytes(weights.read_bytes()[:100])
    with pytest.raises(CheckpointError, match="truncated") as err:
        ckpt.load_weights(weights, model)
    assert str(weights) in str(err.value)
    state = info.path / ckpt.STATE_FILE
    state.write_bytes(b"not a checkpoint at all")
    with pytest.raises(CheckpointError, match=ckpt.STATE_FILE):
        ckpt.load_training_state(state)


def test_mismatched_vocabulary_says_what_differs(tmp_path):
    info = ckpt.save_checkpoint(tmp_path, 1, _model(vocab=20).state_dict(), None, None)
    with pytest.raises(CheckpointError, match=r"shape \(20, 16\).*\(30, 16\)"):
        ckpt.load_weights(info.path / ckpt.WEIGHTS_FILE, _model(vocab=30))


def test_crash_mid_save_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    model = _model()
    ckpt.save_checkpoint(tmp_path, 1, model.state_dict(), {"step": 1}, 2.0)

    def exploding_save(tensors, filename, metadata=None):
        with open(filename, "wb") as fh:
            fh.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(ckpt, "save_file", exploding_save)
    with pytest.raises(CheckpointError, match="step-2"):
        ckpt.save_checkpoint(tmp_path, 2, model.state_dict(), {"step": 2}, 1.0)
    last = ckpt.resolve_checkpoint(tmp_path, "last")
    assert last.step == 1
    ckpt.load_weights(last.path / ckpt.WEIGHTS_FILE, _model())
    assert ckpt.load_training_state(last.path / ckpt.STATE_FILE)["step"] == 1
    assert not list(tmp_path.rglob("*.tmp"))


def test_old_step_folders_are_pruned_but_best_is_kept(tmp_path):
    model = _model()
    ckpt.save_checkpoint(tmp_path, 1, model.state_dict(), None, 0.5, best=True)
    for step in range(2, 8):
        ckpt.save_checkpoint(tmp_path, step, model.state_dict(), None, 1.0)
    names = {c.name for c in ckpt.list_checkpoints(tmp_path)}
    assert names == {"step-1", "step-5", "step-6", "step-7"}
    assert json.loads((tmp_path / "checkpoints" / "index.json").read_text())["best"] == "step-1"


def test_run_config_round_trip_and_errors(tmp_path):
    config = WorkspaceConfig()
    ckpt.write_run_config(tmp_path, config, {"vocab_size": 65})
    back, facts = ckpt.read_run_config(tmp_path)
    assert back == config and facts["vocab_size"] == 65
    (tmp_path / "empty").mkdir()
    with pytest.raises(CheckpointError, match="not an lmstudio run folder"):
        ckpt.read_run_config(tmp_path / "empty")
    with pytest.raises(CheckpointError, match="no such run folder"):
        ckpt.read_run_config(tmp_path / "missing")
    (tmp_path / "config.json").write_text("{broken", encoding="utf-8")
    with pytest.raises(CheckpointError, match="corrupt"):
        ckpt.read_run_config(tmp_path)
