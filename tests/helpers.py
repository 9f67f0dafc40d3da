"""Stand-ins and tiny configs shared by several test modules (fixtures live in conftest.py)."""

from __future__ import annotations

from pathlib import Path

TEXT = "hello world\nthe quick brown fox jumps over the lazy dog\n"


class CharTok:
    """Stand-in for the project's character tokenizer (encode/decode/id_to_piece/vocab_size).

    It has the real tokenizers' special-id layout (<pad> 0, <unk> 1, <s> 2, </s> 3, then the
    characters), so code that must avoid special tokens (the start context) is tested as in production.
    """

    SPECIALS = ("<pad>", "<unk>", "<s>", "</s>")
    pad_id, unk_id, bos_id, eos_id = 0, 1, 2, 3

    def __init__(self, text: str = TEXT) -> None:
        self.itos = list(self.SPECIALS) + sorted(set(text))
        self.stoi = {c: i for i, c in enumerate(self.itos) if i >= len(self.SPECIALS)}
        self.vocab_size = len(self.itos)

    def encode(self, text):
        return [self.stoi.get(c, self.unk_id) for c in text]

    def decode(self, ids):
        return "".join("\u2047" if i == self.unk_id else "" if i < len(self.SPECIALS) else self.itos[i] for i in ids)

    def id_to_piece(self, i):
        return self.itos[i]


# the model and run flags of the tiny command-line runs
TINY_MODEL = [
    "--layers",
    "1",
    "--d-model",
    "32",
    "--heads",
    "2",
    "--block-size",
    "16",
    "--batch-size",
    "4",
    "--device",
    "cpu",
    "--threads",
    "1",
]


# the training settings of the tiny test runs (CPU, one thread, a few steps)
TINY_TRAIN = dict(
    batch_size=4,
    steps=30,
    lr=3e-3,
    min_lr=3e-4,
    warmup_steps=2,
    schedule="cosine",  # the resume-plan tests need a learning rate that moves from step to step
    eval_interval=10,
    eval_iters=2,
    checkpoint_interval=0,
    sample_tokens=8,
    device="cpu",
    threads=1,
    seed=7,
)


def tiny_workspace(corpus: Path, **train):
    """A config that trains in about a second on a CPU core."""
    from lmstudio.core.config import (
        DataConfig,
        ModelConfig,
        TrainConfig,
        WorkspaceConfig,
    )

    settings = {**TINY_TRAIN, "steps": 20, **train}
    return WorkspaceConfig(
        data=DataConfig(corpus=str(corpus)),
        model=ModelConfig(arch="transformer", block_size=16, n_layer=1, n_head=2, d_model=32),
        train=TrainConfig(**settings),
    )


def train_stopped_run(corpus: Path, out: Path, steps: int = 40, stop_at: int = 10) -> Path:
    """A run of ``steps`` steps stopped (with its checkpoint) at step ``stop_at``: something to resume."""
    from lmstudio.core.training.control import TrainingControl
    from lmstudio.core.training.events import StepEvent
    from lmstudio.core.training.launch import new_trainer

    config = tiny_workspace(corpus, steps=steps, warmup_steps=2, eval_interval=100)
    control = TrainingControl()
    for event in new_trainer(config, out, control=control).run():
        if isinstance(event, StepEvent) and event.step >= stop_at:
            control.stop()
    return out
