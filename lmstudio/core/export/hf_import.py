"""A local Hugging Face GPT-2 folder opened like a run: what the Playground, ``sample`` and ``eval`` use.

The conversion itself (config, weights, tokenizer) is :mod:`lmstudio.core.models.hf_import`; here it becomes a
:class:`~lmstudio.core.runs.folders.LoadedRun` whose "checkpoint" is the folder's weights (named ``hf``, step 0).
"""

from __future__ import annotations

from pathlib import Path

import torch

from ..config import WorkspaceConfig
from ..devices import resolve_device
from ..models.hf_import import read_hf_folder
from ..runs.checkpoint import CheckpointInfo
from ..runs.folders import LoadedRun

CHECKPOINT_NAME = "hf"


def load_hf_folder(path: Path, device: str | torch.device = "auto", block_size: int | None = None) -> LoadedRun:
    """The model of a Hugging Face GPT-2 folder (config.json, safetensors weights, tokenizer files), ready for
    generation and scoring, with its tokenizer and a WorkspaceConfig describing it.

    ``block_size``: keep fewer of its learned positions (less memory for the attention views); at most its
    ``n_positions``. Every problem with the folder is one LMStudioError naming the file.
    """
    path = Path(path)
    imported = read_hf_folder(path, block_size=block_size)
    model = imported.build()
    device = resolve_device(device) if isinstance(device, str) else device
    model.to(device).eval()
    config = WorkspaceConfig(model=imported.model_config, tokenizer=imported.tokenizer.config)
    facts = {
        "init_from": imported.facts,  # where the weights came from, as a run started from them records it
        "tokenizer_fingerprint": imported.tokenizer.fingerprint(),
        "vocab_size": imported.tokenizer.vocab_size,
        "parameters": sum(p.numel() for p in model.parameters()),
    }
    checkpoint = CheckpointInfo(CHECKPOINT_NAME, path, 0, None)
    return LoadedRun(path, config, model, imported.tokenizer, checkpoint, facts)


__all__ = ["load_hf_folder", "CHECKPOINT_NAME"]
