"""Encoded translation pairs on disk and the length-bucketed batches an encoder-decoder trains on.

``PairStore`` holds the token ids of N (source, target) pairs as two flat ``int32`` arrays with
``int64`` offsets (pair i's source is ``src_ids[src_offsets[i]:src_offsets[i + 1]]``): four ``.npy``
files and ``meta.json``, loaded with ``np.load(mmap_mode="r", allow_pickle=False)``, so a corpus larger
than memory works and nothing on disk can run code. Both sides end in EOS (``encode_pairs`` appends it).

``PairBatcher`` does what torchtext's ``BucketIterator`` did: pairs of similar length go together, so a
batch is mostly tokens rather than padding, while the order stays random. Each epoch it shuffles the
pairs, cuts them into chunks of about 100 batches, sorts each chunk by length, cuts the chunk into
batches and shuffles the batches of the epoch. Sorting the whole corpus instead would make every epoch
the same sequence of batches, from the shortest to the longest.

Batches follow :mod:`lmstudio.core.models.seq2seq`'s contract: ``src`` (B, S) padded with the source
pad id and ``src_mask`` False there; ``tgt_in`` (B, T) = BOS + target (padded with the pad id);
``targets`` (B, T) = target + EOS, -1 at padding. The plan of an epoch depends only on the seed and the
epoch number, so ``state_dict`` (plain ints and flags, JSON-ready) resumes the exact sequence.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from ..errors import ConfigError, DataError
from ..fileio import atomic_open, atomic_write_text

__all__ = ["PairStore", "PairBatcher", "encode_pairs", "PairBatch"]

META_FILE = "meta.json"
FORMAT_VERSION = 1
ARRAYS = ("src_ids", "src_offsets", "tgt_ids", "tgt_offsets")
BATCHES_PER_CHUNK = 100  # BucketIterator's default: sort within ~100 batches' worth of pairs
SPECIALS = ("src_pad_id", "tgt_pad_id", "bos_id", "eos_id")

if TYPE_CHECKING:  # torch loads when a batch is made: preparing pairs needs none
    import torch

PairBatch = tuple["torch.Tensor", "torch.Tensor", "torch.Tensor", "torch.Tensor"]  # src, src_mask, tgt_in, targets


class _Tokenizer(Protocol):
    pad_id: int
    bos_id: int
    eos_id: int

    def encode(self, text: str) -> list[int]: ...


class PairStore:
    """The ids of N pairs, each side ending in EOS; ``specials`` holds the ids batches need
    (``src_pad_id``, ``tgt_pad_id``, ``bos_id``, ``eos_id`` of the target side)."""

    def __init__(
        self,
        src_ids: np.ndarray,
        src_offsets: np.ndarray,
        tgt_ids: np.ndarray,
        tgt_offsets: np.ndarray,
        specials: dict[str, int],
        where: str = "pair store",
    ) -> None:
        missing = [k for k in SPECIALS if k not in specials]
        if missing:
            raise DataError(f"{where}: special ids missing: {', '.join(missing)}")
        for name, ids, offsets in (("src", src_ids, src_offsets), ("tgt", tgt_ids, tgt_offsets)):
            if ids.ndim != 1 or offsets.ndim != 1 or ids.dtype != np.int32 or offsets.dtype != np.int64:
                raise DataError(
                    f"{where}: {name}_ids must be 1-D int32 and {name}_offsets 1-D int64 "
                    f"(got {ids.dtype} {ids.shape} and {offsets.dtype} {offsets.shape}); prepare the data again"
                )
            if len(offsets) == 0 or offsets[0] != 0 or offsets[-1] != len(ids):
                raise DataError(
                    f"{where}: {name}_offsets do not span {name}_ids ({len(ids)} ids); the store is damaged, "
                    "prepare the data again"
                )
            if len(offsets) > 1 and np.diff(offsets).min() < 1:
                raise DataError(f"{where}: a pair has an empty {name} side; the store is damaged, prepare it again")
        if len(src_offsets) != len(tgt_offsets):
            raise DataError(
                f"{where}: {len(src_offsets) - 1} sources but {len(tgt_offsets) - 1} targets; prepare the data again"
            )
        self.src_ids, self.src_offsets = src_ids, src_offsets
        self.tgt_ids, self.tgt_offsets = tgt_ids, tgt_offsets
        self.specials = {k: int(specials[k]) for k in SPECIALS}

    def __len__(self) -> int:
        return len(self.src_offsets) - 1

    @property
    def src_lengths(self) -> np.ndarray:
        """Tokens of each source, EOS included (int64, N)."""
        return np.diff(self.src_offsets)

    @property
    def tgt_lengths(self) -> np.ndarray:
        """Tokens of each target, EOS included (int64, N)."""
        return np.diff(self.tgt_offsets)

    def source(self, i: int) -> np.ndarray:
        return self.src_ids[self.src_offsets[i] : self.src_offsets[i + 1]]

    def target(self, i: int) -> np.ndarray:
        return self.tgt_ids[self.tgt_offsets[i] : self.tgt_offsets[i + 1]]

    def save(self, directory: str | Path) -> Path:
        """Write the four arrays as ``.npy`` (no pickle) and ``meta.json`` last: a folder with a meta file
        is complete. Each file is replaced atomically."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        for name in ARRAYS:
            with atomic_open(directory / f"{name}.npy", "wb") as fh:
                np.save(fh, np.ascontiguousarray(getattr(self, name)), allow_pickle=False)
        meta = {"format_version": FORMAT_VERSION, "pairs": len(self), **self.specials}
        atomic_write_text(directory / META_FILE, json.dumps(meta, indent=2) + "\n")
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> PairStore:
        """Memory-map a store that ``save`` wrote; DataError naming the file when something is missing or wrong."""
        directory = Path(directory)
        meta_path = directory / META_FILE
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DataError(f"{meta_path}: missing; this folder holds no prepared pairs (prepare the data)") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DataError(f"{meta_path}: unreadable ({exc}); prepare the data again") from None
        if not isinstance(meta, dict) or meta.get("format_version") != FORMAT_VERSION:
            raise DataError(f"{meta_path}: not a pair store of format {FORMAT_VERSION}; prepare the data again")
        arrays = {}
        for name in ARRAYS:
            path = directory / f"{name}.npy"
            try:
                arrays[name] = np.load(path, mmap_mode="r", allow_pickle=False)
            except FileNotFoundError:
                raise DataError(f"{path}: missing; prepare the data again") from None
            except (OSError, ValueError) as exc:
                raise DataError(f"{path}: unreadable ({exc}); prepare the data again") from None
        specials = {k: meta[k] for k in SPECIALS if isinstance(meta.get(k), int)}
        store = cls(**arrays, specials=specials, where=str(directory))
        if meta.get("pairs") != len(store):
            raise DataError(f"{meta_path}: says {meta.get('pairs')} pairs, the arrays hold {len(store)}")
        return store


def encode_pairs(
    pairs: Iterable[tuple[str, str]],
    src_tok: _Tokenizer,
    tgt_tok: _Tokenizer,
    max_source_len: int,
    max_target_len: int,
    on_kept: Callable[[str, str], None] | None = None,
) -> tuple[PairStore, int]:
    """Encode (source, target) pairs, appending EOS to both sides: (the store, how many pairs were dropped).

    A pair is dropped when a side encodes to nothing, or when its source or target, EOS included, is longer
    than ``max_source_len`` / ``max_target_len`` (cutting it would teach the model truncated translations).
    ``on_kept(source, target)`` is called for each pair kept, in order.
    """
    if max_source_len < 2 or max_target_len < 2:
        raise ConfigError(
            f"max source/target length: {max_source_len} and {max_target_len}; each needs at least 2 "
            "(one token and EOS)"
        )
    src_ids, tgt_ids = array("i"), array("i")
    src_offsets, tgt_offsets = array("q", [0]), array("q", [0])
    dropped = 0
    for source, target in pairs:
        s, t = src_tok.encode(source), tgt_tok.encode(target)
        if not s or not t or len(s) + 1 > max_source_len or len(t) + 1 > max_target_len:
            dropped += 1
            continue
        src_ids.extend(s)
        src_ids.append(src_tok.eos_id)
        tgt_ids.extend(t)
        tgt_ids.append(tgt_tok.eos_id)
        src_offsets.append(len(src_ids))
        tgt_offsets.append(len(tgt_ids))
        if on_kept is not None:
            on_kept(source, target)
    specials = {
        "src_pad_id": src_tok.pad_id,
        "tgt_pad_id": tgt_tok.pad_id,
        "bos_id": tgt_tok.bos_id,
        "eos_id": tgt_tok.eos_id,
    }
    store = PairStore(
        np.frombuffer(src_ids, dtype=np.int32).copy(),
        np.frombuffer(src_offsets, dtype=np.int64).copy(),
        np.frombuffer(tgt_ids, dtype=np.int32).copy(),
        np.frombuffer(tgt_offsets, dtype=np.int64).copy(),
        specials,
    )
    return store, dropped


def collate(store: PairStore, indices: Sequence[int] | np.ndarray) -> PairBatch:
    """The padded batch of pairs ``indices``, in that order (the seq2seq contract; int64 / bool tensors)."""
    import torch

    idx = np.asarray(indices, dtype=np.int64)
    if idx.size == 0:
        raise DataError("a batch needs at least one pair")
    src_len, tgt_len = store.src_lengths[idx], store.tgt_lengths[idx]
    b, s, t = len(idx), int(src_len.max()), int(tgt_len.max())
    sp = store.specials
    src = np.full((b, s), sp["src_pad_id"], dtype=np.int64)
    tgt_in = np.full((b, t), sp["tgt_pad_id"], dtype=np.int64)
    targets = np.full((b, t), -1, dtype=np.int64)
    for row, i in enumerate(idx):
        source, target = store.source(int(i)), store.target(int(i))  # target ends in EOS
        src[row, : len(source)] = source
        targets[row, : len(target)] = target
        tgt_in[row, 0] = sp["bos_id"]
        tgt_in[row, 1 : len(target)] = target[:-1]
    src_mask = np.arange(s)[None, :] < src_len[:, None]
    return torch.from_numpy(src), torch.from_numpy(src_mask), torch.from_numpy(tgt_in), torch.from_numpy(targets)


class PairBatcher:
    """Length-bucketed batches of a PairStore, epoch after epoch, deterministic given the seed.

    ``batch_size``: pairs per batch (the last batch of a chunk may be smaller). ``batch_tokens``: instead,
    as many pairs as keep ``B * max(S, T)`` (the padded size of the larger side) within the budget; a pair
    longer than the budget gets a batch of its own. ``shuffle=False`` (evaluation) keeps the pairs in store
    order, sorts them by length within each chunk, and hands the batches out in order; ``epoch_plan`` gives
    the pair indices of each batch, to put outputs back in corpus order.

    Iterating yields the rest of the current epoch and moves to the next; ``next_batch`` never stops.
    """

    def __init__(
        self,
        store: PairStore,
        batch_size: int | None = None,
        seed: int = 0,
        shuffle: bool = True,
        *,
        batch_tokens: int | None = None,
    ) -> None:
        if (batch_size is None) == (batch_tokens is None):
            raise ConfigError("batching: give either batch_size (pairs) or batch_tokens (tokens), not both or neither")
        if batch_size is not None and batch_size < 1:
            raise ConfigError(f"batch_size: {batch_size}; a batch needs at least 1 pair")
        if batch_tokens is not None and batch_tokens < 1:
            raise ConfigError(f"batch_tokens: {batch_tokens}; a batch needs at least 1 token")
        if len(store) == 0:
            raise DataError("no pairs to batch: every pair was empty or longer than the length limits")
        self.store = store
        self.batch_size = batch_size
        self.batch_tokens = batch_tokens
        self.seed = int(seed)
        self.shuffle = bool(shuffle)
        self.epoch = 0
        self.position = 0  # batches of the current epoch already handed out
        self._lengths = np.maximum(store.src_lengths, store.tgt_lengths)
        self._sort_keys = (store.tgt_lengths, store.src_lengths)  # lexsort: last key first
        self._plan: list[np.ndarray] | None = None
        self._plan_epoch = -1

    def _chunk_pairs(self) -> int:
        per_batch = self.batch_size or max(1, int(self.batch_tokens // max(1.0, float(self._lengths.mean()))))
        return BATCHES_PER_CHUNK * per_batch

    def _cut(self, order: np.ndarray) -> list[np.ndarray]:
        """Cut pairs (already sorted by length) into batches."""
        if self.batch_size:
            return [order[i : i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        batches, start, longest = [], 0, 0
        lengths = self._lengths[order]
        for k, length in enumerate(lengths):
            longest_with = max(longest, int(length))
            if k > start and (k - start + 1) * longest_with > self.batch_tokens:
                batches.append(order[start:k])
                start, longest_with = k, int(length)
            longest = longest_with
        batches.append(order[start:])
        return batches

    def epoch_plan(self, epoch: int) -> list[np.ndarray]:
        """The pair indices of each batch of ``epoch``, in the order they are handed out; together they
        cover every pair exactly once."""
        n = len(self.store)
        rng = np.random.default_rng([self.seed & (2**64 - 1), epoch])
        order = rng.permutation(n) if self.shuffle else np.arange(n)
        chunk = self._chunk_pairs()
        batches: list[np.ndarray] = []
        for begin in range(0, n, chunk):
            part = order[begin : begin + chunk]
            keys = tuple(k[part] for k in self._sort_keys)
            batches.extend(self._cut(part[np.lexsort(keys)]))  # stable: equal lengths keep the shuffled order
        if self.shuffle:
            batches = [batches[i] for i in rng.permutation(len(batches))]
        return batches

    def _current_plan(self) -> list[np.ndarray]:
        if self._plan_epoch != self.epoch:
            self._plan, self._plan_epoch = self.epoch_plan(self.epoch), self.epoch
        assert self._plan is not None
        return self._plan

    def batches_in_epoch(self) -> int:
        """Batches of the current epoch (with batch_tokens it may differ slightly from epoch to epoch)."""
        return len(self._current_plan())

    def next_batch(self) -> PairBatch:
        """The next batch, going on to the next epoch at the end of this one."""
        plan = self._current_plan()
        if self.position >= len(plan):
            self.epoch, self.position = self.epoch + 1, 0
            plan = self._current_plan()
        batch = collate(self.store, plan[self.position])
        self.position += 1
        return batch

    def __iter__(self) -> Iterator[PairBatch]:
        """The rest of the current epoch (all of the next one when this one is used up); afterwards the
        batcher stands at the start of the epoch after it."""
        plan = self._current_plan()
        if self.position >= len(plan):
            self.epoch, self.position = self.epoch + 1, 0
            plan = self._current_plan()
        while self.position < len(plan):
            yield self.next_batch()
        self.epoch, self.position = self.epoch + 1, 0

    def state_dict(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "epoch": self.epoch,
            "position": self.position,
            "pairs": len(self.store),
            "batch_size": self.batch_size,
            "batch_tokens": self.batch_tokens,
            "shuffle": self.shuffle,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Continue where ``state`` was taken. The batcher must have been built on the same pairs with the
        same settings (else the order would differ): DataError naming what differs."""
        mine = self.state_dict()
        differ = [k for k in ("seed", "pairs", "batch_size", "batch_tokens", "shuffle") if state.get(k) != mine[k]]
        if differ:
            raise DataError(
                "cannot resume the batch order: "
                + ", ".join(f"{k} was {state.get(k)!r}, is {mine[k]!r}" for k in differ)
                + "; resume with the same data and batch settings"
            )
        epoch, position = state.get("epoch"), state.get("position")
        if not isinstance(epoch, int) or not isinstance(position, int) or epoch < 0 or position < 0:
            raise DataError(f"batch order state: epoch {epoch!r} and position {position!r} must be whole numbers >= 0")
        self.epoch, self.position = epoch, position
