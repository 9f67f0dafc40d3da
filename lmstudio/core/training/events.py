"""What a training run reports: plain dataclasses, safe to pass across threads and processes.

Torch-free on purpose: the GUI dispatches on these types with ``isinstance`` without importing torch.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class StepEvent:
    step: int
    tokens: int
    elapsed: float
    loss: float
    lr: float
    grad_norm: float
    tokens_per_sec: float
    mfu: float = float("nan")  # model FLOPs utilisation against the device's measured matmul peak (0-1)


@dataclass
class EvalEvent:
    step: int
    tokens: int
    elapsed: float
    train_loss: float
    val_loss: float
    val_perplexity: float
    bits_per_char: float  # NaN when the validation split holds <unk> tokens: see bits_per_char_note
    improved: bool
    bits_per_char_note: str = ""  # why bits_per_char is not given ("" when it is)


@dataclass
class TranslationEvent:
    """A translation run's evaluation: greedy translations of the first ``pairs`` validation pairs scored with
    sacreBLEU (corpus BLEU and chrF, 0-100; ``signature`` says how BLEU was computed) and by exact match, and a
    few of them as [source, reference, output]."""

    step: int
    bleu: float
    chrf: float
    pairs: int
    signature: str
    samples: list  # [[source, reference, output], ...]
    exact_match: float = float("nan")  # share of outputs equal to their reference (0-1): the toy tasks' accuracy


@dataclass
class SampleEvent:
    step: int
    text: str
    # where the sample repeats the training or validation text verbatim (core.dataset.memorization):
    # {"label": "new" | "seen in train" | "seen in validation", "covered": share of its tokens,
    #  "spans": [[first char, end char, split, corpus line or None], ...]}; None when not checked
    memorization: dict | None = None


@dataclass
class ProbeEvent:
    """What the model makes of two fixed probes at an evaluation (``train.probe_text``, ``train.probe_prompt``):

    - ``tokens`` / ``probs``: the probe passage's tokens and the probability the model gives each one after the
      tokens before it (the first has no context: NaN);
    - ``prompt`` / ``top_tokens`` / ``top_probs``: the most likely next tokens after the probe prompt, most likely
      first."""

    step: int
    tokens: list
    probs: list
    prompt: str
    top_tokens: list
    top_probs: list


@dataclass
class CheckpointEvent:
    step: int
    path: str
    best: bool


@dataclass
class LrChangedEvent:
    step: int
    lr: float


@dataclass
class LogEvent:
    message: str


@dataclass
class FinishedEvent:
    status: str  # "finished", "stopped", "early_stopped" or "failed"
    step: int
    message: str
    best_val_loss: float | None
