"""Token ids on disk and batches drawn from them.

Each split is encoded once into a flat binary file of ids (``uint16`` when every id fits, else
``uint32``) that numpy maps into memory, so a corpus larger than RAM trains as easily as a small one.
A ``TokenStore`` is the folder of those files plus ``meta.json``; its ``key`` (``cache_key`` of the
corpus, the cleaning settings and the tokenizer fingerprint) tells a cache whether it is still valid.
``BatchSampler`` draws random windows ``(B, T+1)`` and returns inputs and next-token targets.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import DataError
from ..fileio import atomic_path, atomic_write_text
from ..keys import digest
from ..progress import ProgressCallback, report
from ..tokenizers.base import CHUNK_BYTES, Tokenizer, iter_text_chunks

if TYPE_CHECKING:
    import torch

META_FILE = "meta.json"
FORMAT_VERSION = 1


def token_dtype(vocab_size: int) -> np.dtype:
    """The smallest unsigned type holding every id of a vocabulary of ``vocab_size`` tokens."""
    return np.dtype(np.uint16 if vocab_size <= 1 << 16 else np.uint32)


def encode_file(
    tok: Tokenizer,
    text_path: Path,
    out_path: Path,
    progress: ProgressCallback | None = None,
    chunk_bytes: int = CHUNK_BYTES,
) -> int:
    """Encode a UTF-8 text file into a flat binary file of ids; return how many tokens it holds.

    Streams about ``chunk_bytes`` of text at a time, cut at line ends (no token spans a newline, so the
    ids equal those of encoding the whole text at once). The file appears only when complete.
    """
    text_path, out_path = Path(text_path), Path(out_path)
    dtype = token_dtype(tok.vocab_size)
    n = 0
    with atomic_path(out_path) as tmp, open(tmp, "wb") as out:
        chunks = iter_text_chunks(text_path, chunk_bytes, progress, f"encoding {text_path.name}", error=DataError)
        for chunk in chunks:
            ids = tok.encode_to_array(chunk).astype(dtype, copy=False)
            out.write(ids.tobytes())
            n += len(ids)
        out.flush()
    return n


def cache_key(*parts: str) -> str:
    """The key of the parts (corpus fingerprint, cleaning JSON, tokenizer fingerprint, ...): sha256 hex."""
    return digest(*(str(part) for part in parts))


class TokenStore:
    """A folder of ``{split}.bin`` id files and ``meta.json`` (dtype, counts, tokenizer fingerprint, key)."""

    def __init__(self, directory: Path, meta: dict[str, Any]) -> None:
        self.directory = Path(directory)
        self.meta = meta
        self.dtype = np.dtype(meta["dtype"])
        self.counts: dict[str, int] = dict(meta["counts"])
        self.key: str = meta.get("key", "")
        self.fingerprint: str = meta.get("tokenizer_fingerprint", "")
        self.vocab_size: int = int(meta.get("vocab_size", 0))
        self._maps: dict[str, np.ndarray] = {}

    @property
    def names(self) -> list[str]:
        return list(self.counts)

    def count(self, name: str) -> int:
        self._check_name(name)
        return self.counts[name]

    def split(self, name: str) -> np.ndarray:
        """The ids of a split as a read-only 1-D memmap (an empty array for an empty split)."""
        self._check_name(name)
        if name not in self._maps:
            if self.counts[name] == 0:  # numpy cannot map an empty file
                self._maps[name] = np.zeros(0, dtype=self.dtype)
            else:
                path = self.directory / f"{name}.bin"
                try:
                    self._maps[name] = np.memmap(path, dtype=self.dtype, mode="r", shape=(self.counts[name],))
                except (OSError, ValueError) as exc:  # removed or cut short since the store was opened
                    reason = getattr(exc, "strerror", None) or str(exc)
                    raise DataError(f"{path}: cannot be read ({reason}); prepare the data again") from None
        return self._maps[name]

    def _check_name(self, name: str) -> None:
        if name not in self.counts:
            raise DataError(f"{self.directory}: no {name!r} split here; it has {', '.join(self.counts) or 'none'}")

    @classmethod
    def build(
        cls,
        tok: Tokenizer,
        splits: dict[str, Path],
        directory: Path,
        progress: ProgressCallback | None = None,
        key: str = "",
    ) -> TokenStore:
        """Encode every split into ``directory``; meta.json is written last, so a folder with one is complete."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / META_FILE).unlink(missing_ok=True)  # the old store is invalid from here on
        sizes = {name: Path(p).stat().st_size if Path(p).exists() else 0 for name, p in splits.items()}
        total = sum(sizes.values()) or 1
        counts: dict[str, int] = {}
        done = 0
        for name, path in splits.items():

            def sub(d: float, t: float | None, msg: str, _base=done) -> bool | None:
                return None if progress is None else progress(_base + d, total, msg)

            counts[name] = encode_file(tok, Path(path), directory / f"{name}.bin", sub)
            done += sizes[name]
        meta = {
            "format_version": FORMAT_VERSION,
            "dtype": token_dtype(tok.vocab_size).name,
            "counts": counts,
            "vocab_size": tok.vocab_size,
            "tokenizer_kind": tok.kind,
            "tokenizer_fingerprint": tok.fingerprint(),
            "key": key,
        }
        atomic_write_text(directory / META_FILE, json.dumps(meta, indent=1) + "\n")
        report(progress, total, total, "token files ready")
        return cls(directory, meta)

    @classmethod
    def open(cls, directory: Path) -> TokenStore:
        """Open a store; DataError naming the file when meta.json or a split file is missing or inconsistent."""
        directory = Path(directory)
        path = directory / META_FILE
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DataError(f"{path}: no token files here (meta.json is missing); prepare the data first") from None
        except (OSError, ValueError) as exc:  # unreadable, not UTF-8, not JSON
            raise DataError(
                f"{path}: the token store index is unreadable or corrupt JSON ({exc}); prepare the data again"
            ) from None
        meta = _check_meta(meta, path)
        dtype = np.dtype(meta["dtype"])
        counts = meta["counts"]
        for name, n in counts.items():
            bin_path = directory / f"{name}.bin"
            size = bin_path.stat().st_size if bin_path.exists() else -1
            if size != n * dtype.itemsize:
                raise DataError(
                    f"{bin_path}: expected {n} tokens ({n * dtype.itemsize} bytes) but found "
                    f"{'no file' if size < 0 else f'{size} bytes'}; "
                    "the token files are incomplete, prepare the data again"
                )
        return cls(directory, meta)

    @classmethod
    def cached(
        cls,
        tok: Tokenizer,
        splits: dict[str, Path],
        directory: Path,
        key: str,
        progress: ProgressCallback | None = None,
    ) -> TokenStore:
        """Open ``directory`` when it holds a complete store with this ``key`` and tokenizer; else build it."""
        try:
            store = cls.open(directory)
        except DataError:
            store = None
        if (
            store is not None
            and store.key == key
            and store.fingerprint == tok.fingerprint()
            and set(store.names) == set(splits)
        ):
            return store
        return cls.build(tok, splits, directory, progress, key=key)


def _json_type(value: Any) -> str:
    return {
        bool: "true/false",
        int: "a whole number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "an object",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_meta(meta: Any, path: Path) -> dict[str, Any]:
    """Check the types of a token store's meta.json; DataError naming the file and the field."""
    again = "prepare the data again"
    if not isinstance(meta, dict):
        raise DataError(f"{path}: the token store index must be a JSON object, not {_json_type(meta)}; {again}")
    version = meta.get("format_version", FORMAT_VERSION)
    if not _is_count(version) or version > FORMAT_VERSION:
        raise DataError(
            f"{path}: format_version {version!r} is not one this lmstudio reads ({FORMAT_VERSION}); {again} "
            f"(or update lmstudio)"
        )
    dtype = meta.get("dtype")
    if dtype not in ("uint16", "uint32"):
        shown = "missing" if "dtype" not in meta else f"{dtype!r} ({_json_type(dtype)})"
        raise DataError(f'{path}: \'dtype\' must be "uint16" or "uint32", but it is {shown}; {again}')
    counts = meta.get("counts")
    if not isinstance(counts, dict) or not counts:
        shown = "missing" if "counts" not in meta else _json_type(counts)
        raise DataError(
            f"{path}: 'counts' must be an object of split names and token counts, but it is {shown}; {again}"
        )
    for name, n in counts.items():
        if not _is_count(n):
            raise DataError(
                f"{path}: 'counts' of split {name!r} must be a whole number of tokens, 0 or more, "
                f"but it is {n!r} ({_json_type(n)}); {again}"
            )
        if not name or "/" in name or "\\" in name or name.startswith("."):
            raise DataError(f"{path}: {name!r} is not a split name; {again}")
    if "vocab_size" in meta and not _is_count(meta["vocab_size"]):
        raise DataError(f"{path}: 'vocab_size' must be a whole number, but it is {meta['vocab_size']!r}; {again}")
    for key in ("key", "tokenizer_fingerprint", "tokenizer_kind"):
        if key in meta and not isinstance(meta[key], str):
            raise DataError(f"{path}: {key!r} must be text, but it is {_json_type(meta[key])}; {again}")
    return meta


class BatchSampler:
    """Random windows of ``block_size + 1`` ids from one split, as (x, y) int64 tensors of shape (B, T).

    ``shard=(rank, world)``: one of ``world`` processes training together; every one draws the same global
    batch of ``batch_size`` windows and gets its ``batch_size / world`` rows (so N processes see the batches of
    one, split between them).

    It owns a seeded ``torch.Generator``: the same seed gives the same batches, and ``state_dict`` /
    ``load_state_dict`` resume the exact sequence (the state holds only tensors and ints, so it loads
    with ``torch.load(weights_only=True)``).

    On a CUDA device the batch is gathered into pinned (page-locked) host memory and copied on a side stream
    with ``non_blocking=True``, and with ``prefetch`` (on by default there) each ``next()`` hands out the
    batch started by the call before and starts the following one: its gather and copy run while the GPU
    works through the step just queued. The sequence of batches and the saved state are those without
    prefetching (the state is the generator's before the batch in flight was drawn). On the CPU there is
    nothing to overlap: no pinning, no prefetch unless asked (the tests ask, to check the sequence).
    """

    def __init__(
        self,
        data: np.ndarray,
        block_size: int,
        batch_size: int,
        seed: int,
        device: str | torch.device = "cpu",
        name: str = "",
        prefetch: bool | None = None,
        shard: tuple[int, int] | None = None,
    ) -> None:
        import torch  # loaded when batches are drawn: preparing data needs no torch

        if block_size < 1 or batch_size < 1:
            raise DataError(f"block size and batch size must be at least 1 (got {block_size} and {batch_size})")
        n = len(data)
        split = f"the {name} split" if name else "this split"
        if n == 0:
            raise DataError(
                f"{split} is empty (0 tokens); give it a share of the corpus in data.split_fractions, "
                f"or use a corpus with more lines"
            )
        if n < block_size + 1:
            raise DataError(
                f"{split} has {n} tokens; block size {block_size} needs at least {block_size + 1}: "
                f"lower the block size to {max(1, n - 1)} or less, or give this split more text"
            )
        if not -(2**63) <= seed < 2**64:
            raise DataError(f"seed {seed} does not fit in 64 bits; use a whole number from 0 to {2**64 - 1}")
        self.data = data
        self.block_size = block_size
        self.batch_size = batch_size
        self.seed = seed
        self.device = torch.device(device)
        self.steps = 0  # batches handed out so far
        self._generator = torch.Generator().manual_seed(seed)
        self._offsets = np.arange(block_size + 1, dtype=np.int64)
        # several processes (DistributedDataParallel): all draw the same global batch, each keeps its rows
        self._rows: slice | None = None
        if shard is not None:
            rank, world = shard
            if batch_size % world:
                raise DataError(
                    f"batch size {batch_size} does not split evenly between {world} processes; use a multiple of "
                    f"{world} (train.batch_size is the global batch)"
                )
            per = batch_size // world
            self._rows = slice(rank * per, (rank + 1) * per)
        cuda = self.device.type == "cuda" and torch.cuda.is_available()
        self._pin = cuda
        # copies on their own stream overlap the compute of the default stream; the consumer waits for them
        self._stream = torch.cuda.Stream(self.device) if cuda else None
        self.prefetch = cuda if prefetch is None else bool(prefetch)
        self._pending: tuple[torch.Tensor, torch.Tensor] | None = None  # the batch in flight
        self._state_before_pending: torch.Tensor | None = None  # generator state before it was drawn

    def _draw(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Draw the next batch from the generator and start its copy to the device."""
        import torch  # loaded when batches are drawn: preparing data needs no torch

        n_starts = len(self.data) - self.block_size  # windows of T+1 ids fit at starts 0..n-T-1
        starts = torch.randint(n_starts, (self.batch_size,), generator=self._generator).numpy()
        if self._rows is not None:
            starts = starts[self._rows]
        windows = self.data[starts[:, None] + self._offsets]  # (B, T+1) fancy index: one gather from the memmap
        w = torch.from_numpy(windows.astype(np.int64))
        if self.device.type == "cpu":
            return w[:, :-1].contiguous(), w[:, 1:].contiguous()
        if not self._pin:  # MPS (or a CUDA device asked for without CUDA: the copy raises torch's error)
            w = w.to(self.device)
            return w[:, :-1].contiguous(), w[:, 1:].contiguous()
        w = w.pin_memory()  # page-locked: the copy can run asynchronously, by DMA
        with torch.cuda.stream(self._stream):
            w = w.to(self.device, non_blocking=True)
            return w[:, :-1].contiguous(), w[:, 1:].contiguous()  # (B, T) each, split on the copy stream

    def _ready(self, batch: tuple[torch.Tensor, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        """Make the consumer's stream wait for ``batch``'s copy, and keep its memory from being reused early."""
        import torch  # loaded when batches are drawn: preparing data needs no torch

        if self._stream is not None:
            current = torch.cuda.current_stream(self.device)
            current.wait_stream(self._stream)
            for t in batch:
                t.record_stream(current)  # allocated on the copy stream, used on this one
        return batch

    def next(self) -> tuple[torch.Tensor, torch.Tensor]:
        import torch  # loaded when batches are drawn: preparing data needs no torch

        if self._pending is not None:
            batch, self._pending, self._state_before_pending = self._pending, None, None
        else:
            batch = self._draw()
        self.steps += 1
        batch = self._ready(batch)  # before the next copy is queued: the step must not wait for that one too
        if self.prefetch:
            self._state_before_pending = self._generator.get_state()
            # a batch drawn under inference mode would be an inference tensor, unusable by the training step
            # it may be handed to next; a normal tensor serves both
            with torch.inference_mode(False):
                self._pending = self._draw()
        return batch

    __next__ = next

    def __iter__(self) -> BatchSampler:
        return self

    def state_dict(self) -> dict[str, Any]:
        # with a batch in flight, the state before it was drawn: a resumed sampler draws it again
        state = self._state_before_pending if self._pending is not None else self._generator.get_state()
        return {
            "generator": state,  # uint8 tensor
            "steps": self.steps,
            "seed": self.seed,
            "block_size": self.block_size,
            "batch_size": self.batch_size,
            "tokens": len(self.data),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        import torch  # loaded when batches are drawn: preparing data needs no torch

        try:
            gen = state["generator"]
            if not isinstance(gen, torch.Tensor) or gen.dtype != torch.uint8:
                raise TypeError("generator state is not a uint8 tensor")
            steps = int(state.get("steps", 0))
            self._generator.set_state(gen.clone())
        except (KeyError, TypeError, RuntimeError, ValueError, AttributeError) as exc:
            raise DataError(
                f"the saved batch-sampler state is unusable ({exc}); resume from another checkpoint or start afresh"
            ) from None
        self.steps = steps
        self._pending, self._state_before_pending = None, None  # drawn from the old state: draw it again
