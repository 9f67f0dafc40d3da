"""The vocabulary report: what the Vocabulary tab shows about a trained tokenizer.

Frequencies come from one ``np.bincount`` per encoded chunk of the train split, so the report costs
about as much as encoding the split once. Callers that already hold the encoded ids (``TokenStore``)
may pass them to skip even that.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..progress import ProgressCallback, report
from .base import Tokenizer, iter_text_chunks

_SLICE = 1 << 22  # ids per bincount call when counting from a token file


def _count(tok: Tokenizer, path: Path, ids: np.ndarray | None, progress, message: str) -> tuple[np.ndarray, int]:
    """(frequency of every id, number of characters) over a text file."""
    counts = np.zeros(tok.vocab_size, dtype=np.int64)
    chars = 0
    for chunk in iter_text_chunks(path, progress=progress, message=message):
        chars += len(chunk)
        if ids is None:
            counts += np.bincount(tok.encode_to_array(chunk), minlength=tok.vocab_size)
    if ids is not None:
        for part in _id_slices(ids):
            counts += np.bincount(part, minlength=tok.vocab_size)[: tok.vocab_size]
    return counts, chars


def _id_slices(ids: np.ndarray):
    """``ids`` in slices: bincount widens to int64, so a 1 GB corpus' ids at once would need GBs.

    A memmap is read with plain file reads instead of through the mapping: pages touched through a
    mapping count as the process' resident memory until the map is dropped.
    """
    if isinstance(ids, np.memmap) and ids.filename:
        with open(ids.filename, "rb") as fh:
            fh.seek(ids.offset)
            remaining = len(ids)
            while remaining:
                part = np.fromfile(fh, dtype=ids.dtype, count=min(_SLICE, remaining))
                if not len(part):
                    break
                remaining -= len(part)
                yield part
        return
    for start in range(0, len(ids), _SLICE):
        yield np.asarray(ids[start : start + _SLICE])


def _hist(lengths: np.ndarray, weights: np.ndarray | None = None) -> dict[str, list]:
    """Counts per integer length 1..max; ``edges`` are the bin edges as numpy.histogram returns them."""
    top = int(lengths.max(initial=0))
    counts = np.bincount(lengths, weights=weights, minlength=top + 1)[1:]
    return {"counts": [int(c) for c in counts], "edges": [float(e) for e in np.arange(1, top + 2) - 0.5]}


def vocabulary_report(
    tok: Tokenizer,
    train_path: Path,
    val_path: Path | None = None,
    progress: ProgressCallback | None = None,
    train_ids: np.ndarray | None = None,
    val_ids: np.ndarray | None = None,
) -> dict[str, Any]:
    """Every piece with its frequency in the train split, characters per token, the unknown-token rate
    on the validation split (on train when there is none), token-length histograms and the coverage curve.

    Keys: pieces [{id, piece, text, kind, frequency, length}], chars_per_token, train_tokens, train_chars,
    unk_rate, unk_rate_split, byte_rate, token_length_hist (over vocabulary pieces),
    token_length_hist_weighted (over train-split occurrences), coverage (coverage[n-1] = share of train
    tokens that are one of the n most frequent pieces), unused_pieces.
    """
    counts, chars = _count(tok, Path(train_path), train_ids, progress, "counting tokens in the train split")
    total = int(counts.sum())
    unk_split, unk_counts = "train", counts
    if val_path is not None:
        unk_counts, _ = _count(tok, Path(val_path), val_ids, progress, "counting tokens in the validation split")
        unk_split = "val"
    unk_total = int(unk_counts.sum())

    kinds = [tok.piece_kind(i) for i in range(tok.vocab_size)]
    texts = [tok.piece_text(i) for i in range(tok.vocab_size)]
    lengths = np.array([1 if k == "byte" else len(t) for k, t in zip(kinds, texts)], dtype=np.int64)
    pieces = [
        {
            "id": i,
            "piece": tok.id_to_piece(i),
            "text": texts[i],
            "kind": kinds[i],
            "frequency": int(counts[i]),
            "length": int(lengths[i]),
        }
        for i in range(tok.vocab_size)
    ]
    is_byte = np.array([k == "byte" for k in kinds])
    ordered = np.sort(counts)[::-1]
    coverage = np.cumsum(ordered) / total if total else np.zeros(tok.vocab_size)
    normal = lengths > 0  # specials have no text
    report(progress, 1, 1, "vocabulary report ready")
    return {
        "kind": tok.kind,
        "vocab_size": tok.vocab_size,
        "pieces": pieces,
        "train_tokens": total,
        "train_chars": chars,
        "chars_per_token": chars / total if total else 0.0,
        "unk_rate": int(unk_counts[tok.unk_id]) / unk_total if unk_total and tok.unk_id >= 0 else 0.0,
        "unk_rate_split": unk_split,
        "byte_rate": int(counts[is_byte].sum()) / total if total else 0.0,
        "token_length_hist": _hist(lengths[normal]),
        "token_length_hist_weighted": _hist(lengths[normal], counts[normal]),
        "coverage": [float(c) for c in coverage],
        "unused_pieces": int(((counts == 0) & normal).sum()),
    }
