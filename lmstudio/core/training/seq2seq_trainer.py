"""The trainer for encoder-decoders (``data.task = "translate"``): the same loop, controls, checkpoints and
exact resume as a language model's (:class:`.trainer.Trainer`), fed with pairs instead of token windows.

What changes:

- batches are :class:`~lmstudio.core.dataset.pairs.PairBatcher`'s: pairs of similar length together, padded,
  with masks; its position in the epoch is the ``sampler`` of the training state, so a resume continues with
  the very next batch;
- tokens counted are the target tokens predicted (EOS included, padding not), so tokens/s and the token
  counts are real work, not padding;
- an evaluation's losses are means over target tokens: the training loss on the same ``eval_iters`` training
  batches every time, the validation loss over the validation pairs (``eval_iters`` batches of them, in the
  store's order); bits per character count the target's characters;
- after the losses, the first ``train.bleu_pairs`` validation pairs are translated greedily and scored with
  sacreBLEU (corpus BLEU and chrF, written to ``metrics.csv``), and a few of them are reported as a table of
  source, reference and output (``samples.jsonl`` keeps them as text);
- ``train.teacher_forcing`` below 1 makes a recurrent decoder see its own guesses in training (scheduled
  sampling); the Transformer decodes all positions at once and always sees the reference.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..config import WorkspaceConfig
from ..dataset.pair_prepare import PreparedPairs
from ..dataset.pairs import PairBatcher
from ..devices import autocast
from ..errors import DataError
from ..inference.metrics import count_unknown, unknown_token_note
from ..inference.translate import translate_store
from ..inference.translation_metrics import corpus_bleu, corpus_chrf
from ..runs import checkpoint as ckpt
from .control import TrainingControl
from .distributed import Distributed
from .events import TranslationEvent
from .metrics_log import MetricsLog
from .trainer import Trainer

SAMPLE_ROWS = 8  # translations shown in the samples table at each evaluation
DECODE_BATCH = 64  # validation sources decoded together


class Seq2SeqTrainer(Trainer):
    """Train an encoder-decoder on ``prepared`` pairs into ``run_dir`` (see the module docstring)."""

    def __init__(
        self,
        config: WorkspaceConfig,
        model: torch.nn.Module,
        prepared: PreparedPairs,
        run_dir: Path,
        *,
        control: TrainingControl | None = None,
        resume: dict[str, Any] | None = None,
        dist: Distributed | None = None,
    ) -> None:
        self.prepared = prepared
        super().__init__(
            config,
            model,
            None,
            run_dir,
            tokenizer=prepared.target_tokenizer,
            chars_per_token=prepared.chars_per_token("val"),
            control=control,
            resume=resume,
            dist=dist,
        )

    # -- setup
    def _setup_data(self, store: Any) -> None:
        stores = self.prepared.stores
        for name, label in (("train", "training"), ("val", "validation")):
            if len(stores[name]) == 0:
                share = self.config.data.split_fractions[0 if name == "train" else 1]
                raise DataError(
                    f"the {label} split holds no pair (its share in data.split_fractions is {share:g}, and pairs "
                    f"longer than model.block_size {self.block_size} are left out); give it a larger share, raise "
                    "the block size, or use a larger corpus"
                )
        self.train_store, self.val_store = stores["train"], stores["val"]
        self.train_sampler = PairBatcher(self.train_store, self.cfg.batch_size, seed=self.cfg.seed)
        self.train_data = np.asarray(self.train_store.tgt_ids)  # target tokens: what the model predicts
        self.val_data = np.asarray(self.val_store.tgt_ids)
        self.bits_per_char_note = unknown_token_note(count_unknown(self.val_data, self.tokenizer), len(self.val_data))
        if self.cfg.teacher_forcing < 1.0:
            if self.config.model.arch == "transformer":
                raise DataError(
                    "train.teacher_forcing: below 1 feeds a recurrent decoder its own guesses; the Transformer "
                    "decodes every position at once from the reference, so set it to 1"
                )
            self.forward_kwargs = {"teacher_forcing": self.cfg.teacher_forcing}
        self._val_texts: list[tuple[str, str]] | None = None

    def _to_device(self, batch: tuple[torch.Tensor, ...]) -> tuple[torch.Tensor, ...]:
        blocking = self.device.type != "cuda"
        return tuple(t.to(self.device, non_blocking=not blocking) for t in batch)

    def _share(self, batch: tuple[torch.Tensor, ...]) -> tuple[tuple[torch.Tensor, ...], int, float]:
        """This process's rows of a padded batch, the target tokens of the whole batch, and the weight that
        makes the processes' mean losses average to the whole batch's mean (their shares differ in tokens).
        A process left without a row (a batch smaller than the processes) trains on one with weight 0."""
        total = int((batch[3] != -1).sum())
        if self.dist is None:
            return batch, total, 1.0
        rows, world = batch[0].shape[0], self.dist.world_size
        lo, hi = rows * self.dist.rank // world, rows * (self.dist.rank + 1) // world
        if hi == lo:
            return tuple(t[:1] for t in batch), total, 0.0
        part = tuple(t[lo:hi] for t in batch)
        return part, total, int((part[3] != -1).sum()) * world / max(1, total)

    def _next_batch(self) -> tuple[tuple[Any, ...], int, float]:
        part, total, weight = self._share(self.train_sampler.next_batch())
        return self._to_device(part), total, weight

    def tokens_per_step(self) -> int:
        mean_target = float(self.train_store.tgt_lengths.mean()) if len(self.train_store) else 0.0
        return int(round(self.cfg.batch_size * mean_target * self.cfg.grad_accum))

    # -- evaluation
    @torch.inference_mode()
    def pair_loss(self, batcher: PairBatcher, batches: int) -> float:
        """The mean loss per target token over the next ``batches`` batches of ``batcher``."""
        was_training = self.model.training
        self.model.eval()
        total, count = 0.0, 0
        try:
            for _ in range(batches):
                part, _, weight = self._share(batcher.next_batch())
                if weight == 0.0:  # no row for this process in this batch
                    continue
                src, mask, tgt_in, targets = self._to_device(part)
                with autocast(self.device, self.dtype):
                    logits, _ = self.model(src, mask, tgt_in)
                n = int((targets != -1).sum())
                total += float(self.model.loss_from_logits(logits.float(), targets)) * n
                count += n
        finally:
            self.model.train(was_training)
        if self.dist is not None:  # every process's share of the same batches, summed
            total, count = self.dist.sum_floats(total, count)
        return total / max(1, count)

    def _eval_losses(self) -> tuple[float, float]:
        cfg = self.cfg
        train = PairBatcher(self.train_store, cfg.batch_size, seed=cfg.seed + 1)
        val = PairBatcher(self.val_store, cfg.batch_size, seed=cfg.seed + 2, shuffle=False)
        val_batches = min(cfg.eval_iters, val.batches_in_epoch())
        return self.pair_loss(train, cfg.eval_iters), self.pair_loss(val, val_batches)

    def val_texts(self) -> list[tuple[str, str]]:
        if self._val_texts is None:
            self._val_texts = self.prepared.texts("val")
        return self._val_texts

    def translate_val(self, n: int) -> list[str]:
        """Greedy translations of the first ``n`` validation pairs, in their order."""
        return translate_store(
            self.model,
            self.val_store,
            self.prepared.target_tokenizer,
            pad_id=self.prepared.source_tokenizer.pad_id,
            n=n,
            device=self.device,
            batch_size=DECODE_BATCH,
        )

    def _after_eval(self, metrics: MetricsLog) -> Iterator[Any]:
        n = min(self.cfg.bleu_pairs, len(self.val_store))
        if n == 0:
            return
        with autocast(self.device, self.dtype):
            outputs = self.translate_val(n)
        texts = self.val_texts()[:n]
        references = [t for _, t in texts]
        bleu, chrf = corpus_bleu(outputs, references), corpus_chrf(outputs, references)
        exact = sum(o == r for o, r in zip(outputs, references)) / n
        metrics.write(
            step=self.step,
            tokens=self.tokens,
            elapsed=self.elapsed,
            bleu=bleu.score,
            chrf=chrf.score,
            exact_match=exact,
        )
        samples = [[s, r, o] for (s, r), o in zip(texts[:SAMPLE_ROWS], outputs[:SAMPLE_ROWS])]
        ckpt.append_sample(self.run_dir, self.step, "\n".join(f"{s}\n  → {o}\n  = {r}" for s, r, o in samples) + "\n")
        yield TranslationEvent(self.step, bleu.score, chrf.score, n, bleu.signature, samples, exact)


__all__ = ["Seq2SeqTrainer"]
