"""Import from Hugging Face and transfer learning (issue 14): a tiny GPT-2 built with transformers in the test,
opened as lmstudio's own Transformer (logits and greedy tokens equal), fine-tuned with --init-from, and an
earlier run's weights started again on a new corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch

pytest.importorskip("tokenizers")
transformers = pytest.importorskip("transformers")

from lmstudio.cli import main  # noqa: E402
from lmstudio.core.config import SampleConfig  # noqa: E402
from lmstudio.core.errors import CheckpointError, ConfigError, LMStudioError  # noqa: E402
from lmstudio.core.export.hf_import import load_hf_folder  # noqa: E402
from lmstudio.core.inference.generation import generate  # noqa: E402
from lmstudio.core.models.hf_import import read_hf_folder  # noqa: E402
from lmstudio.core.paths import resources_dir  # noqa: E402
from lmstudio.core.runs import checkpoint as ckpt  # noqa: E402
from lmstudio.core.runs.folders import load_run  # noqa: E402
from lmstudio.core.tokenizers import load_tokenizer  # noqa: E402
from lmstudio.core.training.launch import (  # noqa: E402
    config_for_init,
    new_trainer,
    read_init_source,
    resume_trainer,
)
from tests.helpers import TINY_MODEL, tiny_workspace  # noqa: E402

EOT = "<|endoftext|>"


def _shakespeare() -> list[str]:
    path = next(p for p in (resources_dir() / "corpora").iterdir() if "shakespeare" in p.name.lower())
    return path.read_text(encoding="utf-8").splitlines()


def _save_gpt2(folder: Path, tokenizer, *, seed: int, tie: bool = True, n_inner: int | None = None) -> None:
    """A tiny random GPT-2 (every weight, bias and LayerNorm gain perturbed, so a wrong mapping shows)."""
    config = transformers.GPT2Config(
        n_layer=2,
        n_embd=32,
        n_head=2,
        n_positions=32,
        n_inner=n_inner,
        vocab_size=len(tokenizer),
        tie_word_embeddings=tie,
        bos_token_id=tokenizer.eos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    torch.manual_seed(seed)
    model = transformers.GPT2LMHeadModel(config)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.2)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)


@pytest.fixture(scope="module")
def gpt2_dir(tmp_path_factory) -> Path:
    """A GPT-2 folder as save_pretrained writes it: a byte-level BPE trained on Tiny Shakespeare lines here."""
    from tokenizers import ByteLevelBPETokenizer

    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(
        _shakespeare()[:400], vocab_size=320, min_frequency=2, special_tokens=[EOT], show_progress=False
    )
    tokenizer = transformers.GPT2TokenizerFast(
        tokenizer_object=bpe._tokenizer, bos_token=EOT, eos_token=EOT, unk_token=EOT
    )
    folder = tmp_path_factory.mktemp("hf") / "tiny-gpt2"
    _save_gpt2(folder, tokenizer, seed=0)
    return folder


def _hf_model(folder: Path):
    return transformers.GPT2LMHeadModel.from_pretrained(folder, local_files_only=True).eval()


def _logits_match(model, hf, ids: list[int]) -> float:
    x = torch.tensor([ids])
    with torch.no_grad():
        return float((model(x)[0] - hf(x).logits).abs().max())


def test_imported_gpt2_gives_its_logits_greedy_tokens_and_tokens(gpt2_dir, tmp_path):
    loaded = load_hf_folder(gpt2_dir, device="cpu")
    hf = _hf_model(gpt2_dir)
    hf_tok = transformers.AutoTokenizer.from_pretrained(gpt2_dir, local_files_only=True)
    tok = loaded.tokenizer
    assert loaded.config.model.mlp_activation == "gelu_tanh" and loaded.config.model.positions == "learned"
    assert loaded.config.model.bias and loaded.config.model.tie_weights
    assert loaded.model.lm_head.weight is loaded.model.wte.weight
    assert (tok.kind, tok.vocab_size, tok.eos_id, tok.bos_id, tok.unk_id) == ("hf", 320, 0, 0, -1)
    lines = _shakespeare()[2000:2060]
    for line in lines:  # unseen lines: the same ids as transformers, and back to the same text
        assert tok.encode(line) == hf_tok.encode(line)
        assert tok.decode(tok.encode(line)) == line
    text = "\n".join(lines[:8]) + "\n\n  two  spaces" + EOT + "after"
    assert tok.encode(text) == hf_tok.encode(text) and tok.encode(EOT) == [tok.eos_id]
    said = [line for line in lines if line.strip()]
    for ids in (tok.encode(said[0])[:5], tok.encode(text)[:32], [tok.eos_id, *tok.encode(said[3])][:17]):
        assert _logits_match(loaded.model, hf, ids) < 1e-4
    prompt = "\nROMEO:"  # generate conditions a prompt on a line start; this one has it already
    ours = [e.id for e in generate(loaded.model, tok, prompt, SampleConfig(max_new_tokens=8, temperature=0))]
    ids = torch.tensor([tok.encode(prompt)])
    theirs = hf.generate(ids, attention_mask=torch.ones_like(ids), do_sample=False, max_new_tokens=8, min_new_tokens=8)
    assert ours == theirs[0, ids.size(1) :].tolist()
    # saved in a run's tokenizer folder as the Hugging Face file, read back by load_tokenizer
    tok.save(tmp_path / "tokenizer")
    again = load_tokenizer(tmp_path / "tokenizer")
    assert (tmp_path / "tokenizer" / "hf_tokenizer.json").is_file()
    assert again.fingerprint() == tok.fingerprint() and again.encode(text) == tok.encode(text)
    assert (again.eos_id, again.unk_id, again.piece_kind(0), again.piece_text(0)) == (0, -1, "special", "")


def test_vocab_and_merges_folder_an_untied_head_and_pytorch_bin(gpt2_dir, tmp_path):
    """Older folders: GPT-2's vocab.json + merges.txt instead of tokenizer.json, pytorch_model.bin (read with
    weights_only=True) instead of safetensors; and a head of its own."""
    from safetensors.torch import load_file

    folder = tmp_path / "old-gpt2"
    hf_tok = transformers.AutoTokenizer.from_pretrained(gpt2_dir, local_files_only=True)
    _save_gpt2(folder, hf_tok, seed=1, tie=False, n_inner=64)
    spec = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))["model"]
    merges = [m if isinstance(m, str) else " ".join(m) for m in spec["merges"]]
    (folder / "vocab.json").write_text(json.dumps(spec["vocab"]), encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n", encoding="utf-8")
    (folder / "tokenizer.json").unlink()
    torch.save(load_file(folder / "model.safetensors"), folder / "pytorch_model.bin")
    (folder / "model.safetensors").unlink()
    imported = read_hf_folder(folder)
    assert imported.facts["weights"] == "pytorch_model.bin"
    assert not imported.model_config.tie_weights and imported.model_config.mlp_ratio == 2
    text = "\n".join(_shakespeare()[3000:3010]) + "\n  x" + EOT
    assert imported.tokenizer.encode(text) == hf_tok.encode(text)
    model = imported.build().eval()
    assert model.lm_head.weight is not model.wte.weight
    assert _logits_match(model, _hf_model(folder), imported.tokenizer.encode(text)[:32]) < 1e-4


def _bad(folder: Path, source: Path, **config) -> Path:
    shutil.copytree(source, folder)
    if config:
        path = folder / "config.json"
        path.write_text(json.dumps({**json.loads(path.read_text()), **config}), encoding="utf-8")
    return folder


def test_bad_folders_are_one_clear_message(gpt2_dir, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CheckpointError, match="no config.json, so not a Hugging Face model folder"):
        load_hf_folder(empty, device="cpu")
    with pytest.raises(CheckpointError, match="model_type 'llama' is not GPT-2"):
        load_hf_folder(_bad(tmp_path / "llama", gpt2_dir, model_type="llama"), device="cpu")
    with pytest.raises(CheckpointError, match="activation_function 'relu' has no exact equivalent"):
        load_hf_folder(_bad(tmp_path / "relu", gpt2_dir, activation_function="relu"), device="cpu")
    with pytest.raises(CheckpointError, match="scale_attn_by_inverse_layer_idx"):
        load_hf_folder(_bad(tmp_path / "scaled", gpt2_dir, scale_attn_by_inverse_layer_idx=True), device="cpu")
    with pytest.raises(CheckpointError, match="n_embd.*shape|shape.*config.json implies"):
        load_hf_folder(_bad(tmp_path / "wide", gpt2_dir, n_embd=64, n_head=2), device="cpu")
    no_weights = _bad(tmp_path / "no-weights", gpt2_dir)
    (no_weights / "model.safetensors").unlink()
    with pytest.raises(CheckpointError, match=r"no weights \(model.safetensors"):
        load_hf_folder(no_weights, device="cpu")
    truncated = _bad(tmp_path / "truncated", gpt2_dir)
    data = (truncated / "model.safetensors").read_bytes()
    (truncated / "model.safetensors").write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="model.safetensors: truncated"):
        load_hf_folder(truncated, device="cpu")
    pickled = _bad(tmp_path / "pickled", gpt2_dir)
    (pickled / "model.safetensors").unlink()
    torch.save({"wte.weight": torch.zeros(2), "code": Path("x")}, pickled / "pytorch_model.bin")
    with pytest.raises(CheckpointError, match="weights_only=True"):
        load_hf_folder(pickled, device="cpu")
    no_tokenizer = _bad(tmp_path / "no-tokenizer", gpt2_dir)
    (no_tokenizer / "tokenizer.json").unlink()
    with pytest.raises(LMStudioError, match="no tokenizer files"):
        load_hf_folder(no_tokenizer, device="cpu")
    with pytest.raises(ConfigError, match="beyond the 32 positions"):
        load_hf_folder(gpt2_dir, device="cpu", block_size=64)


def test_fine_tune_an_imported_gpt2_on_a_corpus(gpt2_dir, tiny_corpus, tmp_path):
    imported = read_hf_folder(gpt2_dir, block_size=16)
    config = config_for_init(tiny_workspace(tiny_corpus, steps=4, eval_interval=4), gpt2_dir, {"block_size": 16})
    assert config.model.block_size == 16 and config.model.d_model == 32 and config.model.mlp_activation == "gelu_tanh"
    trainer = new_trainer(config, tmp_path / "run", init_from=gpt2_dir)
    start = {k: v.clone() for k, v in trainer.model.state_dict().items()}
    for key, value in imported.weights.items():  # it starts from the imported weights, not from the seed
        assert torch.equal(start[key], value), key
    events = list(trainer.run())
    assert events[-1].status == "finished"
    pending = new_trainer(config, tmp_path / "pending", init_from=gpt2_dir)  # stopped before its first checkpoint
    pending.run_lock.release()
    resumed = resume_trainer(tmp_path / "pending")  # starts again from the imported weights, not from the seed
    resumed.run_lock.release()
    assert all(torch.equal(resumed.model.state_dict()[k], v) for k, v in imported.weights.items())
    config_json = json.loads((tmp_path / "run" / ckpt.CONFIG_FILE).read_text(encoding="utf-8"))
    assert config_json["run"]["init_from"]["kind"] == "hf"
    assert config_json["run"]["init_from"]["path"] == str(gpt2_dir.resolve())
    loaded = load_run(tmp_path / "run", "last", device="cpu")
    assert loaded.tokenizer.kind == "hf" and loaded.tokenizer.fingerprint() == imported.tokenizer.fingerprint()
    assert not torch.equal(
        loaded.model.state_dict()["blocks.0.attn.c_attn.weight"], start["blocks.0.attn.c_attn.weight"]
    )


def test_start_a_run_from_an_earlier_run_on_a_new_corpus(tiny_corpus, tmp_path):
    first = tmp_path / "first"
    list(new_trainer(tiny_workspace(tiny_corpus, steps=6, eval_interval=3), first).run())
    earlier = load_run(first, "best", device="cpu")
    corpus = tmp_path / "other.txt"  # a new corpus, in the earlier vocabulary (characters it saw)
    corpus.write_text("".join(_shakespeare()[1000:1400][i] + "\n" for i in range(400)), encoding="utf-8")
    source = read_init_source(first)
    assert source.kind == "run" and source.facts["checkpoint"] == earlier.checkpoint.name
    base = tiny_workspace(corpus, steps=3, eval_interval=3)
    with pytest.raises(ConfigError, match="model.d_model 64 differs from the weights' 32"):
        config_for_init(base, source, {"d_model": 64})
    config = config_for_init(base, source, {"dropout": 0.1})
    wider = config_for_init(base, source)
    wider.model.n_layer = 2
    with pytest.raises(ConfigError, match="model.n_layer is 2 but the weights have 1"):
        new_trainer(wider, tmp_path / "refused", init_from=first)
    assert not (tmp_path / "refused").exists()
    trainer = new_trainer(config, tmp_path / "second", init_from=first)
    for key, value in earlier.model.state_dict().items():
        assert torch.equal(trainer.model.state_dict()[key], value), key
    assert trainer.tokenizer.fingerprint() == earlier.tokenizer.fingerprint()
    assert list(trainer.run())[-1].status == "finished"
    facts = json.loads((tmp_path / "second" / ckpt.CONFIG_FILE).read_text(encoding="utf-8"))["run"]
    assert facts["init_from"]["kind"] == "run" and facts["init_from"]["step"] == earlier.checkpoint.step


def test_cli_init_from(gpt2_dir, tiny_corpus, tmp_path, capsys):
    out = tmp_path / "run"
    common = ["train", "--corpus", str(tiny_corpus), "--steps", "2", "--batch-size", "2", "--device", "cpu"]
    common += ["--threads", "1", "--eval-interval", "2", "--quiet"]
    assert main([*common, "--init-from", str(gpt2_dir), "--block-size", "8", "--out", str(out)]) == 0
    config = json.loads((out / ckpt.CONFIG_FILE).read_text(encoding="utf-8"))
    assert config["model"]["block_size"] == 8 and config["model"]["n_layer"] == 2
    assert config["run"]["init_from"]["kind"] == "hf"
    capsys.readouterr()
    for extra, expected in (
        (["--init-from", str(tmp_path / "nowhere")], "no such folder"),
        (["--init-from", str(gpt2_dir), *TINY_MODEL[:2]], "model.n_layer 1 differs from the weights' 2"),
        (["--init-from", str(gpt2_dir), "--tokenizer", "char"], "leave out --tokenizer"),
        (["--init-from", str(gpt2_dir), "--block-size", "64"], "beyond the 32 positions"),
    ):
        assert main([*common, *extra, "--out", str(tmp_path / "refused")]) == 2
        err = capsys.readouterr().err.strip()
        assert expected in err and len(err.splitlines()) == 1, err
        assert not (tmp_path / "refused").exists()


def test_the_playground_opens_a_hugging_face_folder_like_a_run(gpt2_dir):
    from lmstudio.app import playground
    from lmstudio.core.config import SampleConfig

    result = playground.load(gpt2_dir)
    loaded = result["loaded"]
    assert result["which"] == "hf" and result["checkpoints"] == [("hf", 0, None)]
    assert loaded.config.model.arch == "transformer" and loaded.config.model.mlp_activation == "gelu_tanh"
    ids = loaded.tokenizer.encode("\nROMEO: Hello")
    tokens: list[dict] = []
    playground.stream_generation(
        loaded.model,
        loaded.tokenizer,
        ids,
        SampleConfig(max_new_tokens=4, temperature=0, alternatives=3),
        tokens.extend,
    )
    assert len(tokens) == 4 and all(len(t["alternatives"]) == 3 for t in tokens)
