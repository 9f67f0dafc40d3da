"""The embedding map: a checkpoint's token embeddings seen in two dimensions ("Inside the model").

Each token of the vocabulary is a row of the model's input embedding ``(V, d)``. Projected onto the two
directions along which the rows differ most (PCA), tokens that the model treats alike land near each other:
digits, vowels, punctuation, names. This module computes everything the Playground's map shows:

- :func:`token_embeddings`: the ``(V, d)`` table of any architecture (for an encoder-decoder, the target side's).
- :func:`project`: PCA by numpy's SVD, with a deterministic sign per axis, returning the :class:`Basis` so that
  other checkpoints can be drawn in the SAME axes; UMAP when ``umap-learn`` is installed (:func:`umap_available`).
- :func:`nearest`: a token's nearest neighbours by cosine similarity.
- :func:`token_frequencies` / :func:`run_frequencies`: how often each id occurs in the training split, for the
  colours (``None`` when the prepared data is gone: the map is then coloured uniformly).
- :func:`trajectory` / :func:`run_trajectory`: every checkpoint of a run projected onto the basis fitted on the
  last (or a chosen) checkpoint, so an animation shows tokens moving in fixed axes as training proceeds.
- :func:`token_labels`: each id's text as a label.

Loading checkpoints belongs to :mod:`lmstudio.core.runs`, which this package may not import (``runs`` and
``inference`` are independent layers), so :func:`run_trajectory` takes the loader as an argument: the caller
passes one built on ``core.runs`` (safetensors weights only). Everything here is numpy on the CPU: the tables
are small (5,000 x 512 floats is 10 MB) and the results go to the GUI as plain arrays.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..config import WorkspaceConfig
from ..data.split_cache import open_corpus
from ..dataset.prepare import Prepared, cache_key, is_prepared_folder, load_prepared
from ..dataset.tokens import META_FILE as TOKENS_META_FILE
from ..dataset.tokens import TokenStore
from ..errors import ConfigError, DataError, LMStudioError
from ..paths import cache_root
from ..progress import ProgressCallback, report
from .text import display_text

METHODS = ("pca", "umap")
UMAP_INSTALL = "pip install umap-learn"
BINCOUNT_CHUNK = 1 << 24  # ids counted at a time: np.bincount widens its input to int64 (16 M ids -> 128 MB)

# attributes holding the token embedding, in the order they are tried: Transformer and TransformerSeq2Seq
# (whose ``wte`` is the target side), the RNN encoder-decoder's target side, the recurrent language models
_EMBEDDING_ATTRIBUTES = ("wte", "tgt_embed", "embed")


# ---------------------------------------------------------------- embeddings


def token_embeddings(model: torch.nn.Module) -> np.ndarray:
    """The token embedding table of ``model`` as a float32 ``(V, d)`` numpy array (a copy, on the CPU).

    Works for every architecture: the Transformer's ``wte``, the recurrent models' ``embed`` and, for the
    encoder-decoders (translation), the TARGET side's embedding (``TransformerSeq2Seq.wte``,
    ``RNNSeq2Seq.tgt_embed``): the tokens the decoder writes, which the run's tokenizer labels. With a joint
    vocabulary the source side shares that table; a separate source table is not shown.
    """
    for name in _EMBEDDING_ATTRIBUTES:
        module = getattr(model, name, None)
        if isinstance(module, torch.nn.Embedding):
            weight = module.weight.detach()
            return weight.to(device="cpu", dtype=torch.float32).numpy().copy()  # (V, d)
    raise ConfigError(
        f"{type(model).__name__}: no token embedding found (looked for {', '.join(_EMBEDDING_ATTRIBUTES)}); "
        "the embedding map needs a model trained by lmstudio"
    )


def token_labels(tokenizer: Any) -> list[str]:
    """Each id's text, as the map labels it: the decoded text of the token, or its piece name for control
    tokens and lone bytes (the same rule as the Playground's alternatives)."""
    return [display_text(tokenizer, i) for i in range(int(tokenizer.vocab_size))]


# ---------------------------------------------------------------- projection


@dataclass(frozen=True)
class Basis:
    """Two axes fitted on one embedding table: ``points = (E - mean) @ components.T``.

    ``mean`` is ``(d,)`` and ``components`` ``(2, d)``; applying the same basis to another checkpoint's
    table draws it in the same axes.
    """

    mean: np.ndarray  # (d,)
    components: np.ndarray  # (2, d), unit rows

    def apply(self, embeddings: np.ndarray) -> np.ndarray:
        """Project a ``(V, d)`` table onto the two axes: ``(V, 2)`` float32."""
        table = _check_table(embeddings)
        if table.shape[1] != self.mean.shape[0]:
            raise ConfigError(
                f"embedding width {table.shape[1]} differs from the basis's {self.mean.shape[0]}; "
                "project checkpoints of one run (one model size) onto one basis"
            )
        return ((table - self.mean) @ self.components.T).astype(np.float32)


@dataclass(frozen=True)
class Projection:
    """A table projected to 2-D.

    ``basis``: a :class:`Basis` for PCA; for UMAP the fitted ``umap.UMAP`` (its ``transform`` places other
    tables in the same map, approximately). ``explained``: the share of the variance each PCA axis holds
    (empty for UMAP, which has no such figure).
    """

    points: np.ndarray  # (V, 2) float32
    basis: Any
    explained: np.ndarray  # (2,) for PCA
    method: str = "pca"


def umap_available() -> bool:
    """Whether ``umap-learn`` is installed (``method="umap"`` needs it)."""
    try:
        return importlib.util.find_spec("umap") is not None
    except (ImportError, ValueError):  # a broken install, or a module without a spec already imported
        return False


def _check_table(embeddings: np.ndarray) -> np.ndarray:
    table = np.asarray(embeddings, dtype=np.float64)
    if table.ndim != 2 or table.shape[0] == 0 or table.shape[1] == 0:
        raise ConfigError(f"embeddings must be a non-empty (V, d) table, not shape {table.shape}")
    if not np.isfinite(table).all():
        raise ConfigError(
            "the embeddings hold NaN or infinite values (the run diverged before this checkpoint); "
            "choose an earlier checkpoint"
        )
    return table


def fit_pca(embeddings: np.ndarray) -> tuple[Basis, np.ndarray]:
    """The two principal axes of a ``(V, d)`` table and the variance ratio each explains.

    numpy's SVD of the centred table; each axis's sign is flipped so that its largest-magnitude loading is
    positive, so the same table always gives the same picture (SVD's signs are arbitrary). With fewer than two
    usable directions (one token, d = 1, identical rows) the missing axes are zero and explain nothing.
    """
    table = _check_table(embeddings)
    mean = table.mean(axis=0)
    centred = table - mean
    _, singular, vt = np.linalg.svd(centred, full_matrices=False)  # vt: (min(V, d), d)
    components = np.zeros((2, table.shape[1]))
    explained = np.zeros(2)
    total = float((singular**2).sum())
    for axis in range(min(2, vt.shape[0])):
        if singular[axis] <= 1e-12 * max(1.0, float(singular[0])):
            continue  # no variance left along this axis: it stays zero
        row = vt[axis]
        if row[int(np.argmax(np.abs(row)))] < 0:
            row = -row
        components[axis] = row
        explained[axis] = float(singular[axis] ** 2) / total if total > 0 else 0.0
    return Basis(mean, components), explained


def project(embeddings: np.ndarray, method: str = "pca", basis: Any = None, seed: int = 0) -> Projection:
    """Project a ``(V, d)`` embedding table to 2-D.

    ``method="pca"``: fit :func:`fit_pca` on ``embeddings``, or, given ``basis`` (a :class:`Basis` from another
    projection), use those axes unchanged, so that several checkpoints share one picture; ``explained`` is then
    the share of THIS table's variance each given axis holds. ``method="umap"``: UMAP (``umap-learn``, optional:
    a :class:`ConfigError` says how to install it), seeded with ``seed``; a fitted ``basis`` is reused through
    its ``transform``.
    """
    if method not in METHODS:
        raise ConfigError(f"projection method {method!r} is not one of {', '.join(METHODS)}")
    table = _check_table(embeddings)
    if method == "umap":
        return _project_umap(table, basis, seed)
    if basis is None:
        basis, explained = fit_pca(table)
        return Projection(basis.apply(table), basis, explained, "pca")
    if not isinstance(basis, Basis):
        raise ConfigError("a PCA projection needs a Basis from an earlier PCA projection")
    points = basis.apply(table)
    total = float(((table - table.mean(axis=0)) ** 2).sum())
    spread = ((points.astype(np.float64) - points.mean(axis=0)) ** 2).sum(axis=0)
    explained = spread / total if total > 0 else np.zeros(2)
    return Projection(points, basis, explained, "pca")


def _project_umap(table: np.ndarray, reducer: Any, seed: int) -> Projection:
    if not umap_available():
        raise ConfigError(f"projection method 'umap' needs the umap-learn package; install it with `{UMAP_INSTALL}`")
    if reducer is None:
        import umap

        neighbours = max(2, min(15, table.shape[0] - 1))
        reducer = umap.UMAP(n_components=2, n_neighbors=neighbours, metric="cosine", random_state=seed)
        points = reducer.fit_transform(table)
    else:
        points = reducer.transform(table)
    return Projection(np.asarray(points, dtype=np.float32), reducer, np.zeros(0), "umap")


# ---------------------------------------------------------------- neighbours


def nearest(embeddings: np.ndarray, token_id: int, k: int = 10) -> list[tuple[int, float]]:
    """The ``k`` tokens whose embeddings are closest to ``token_id``'s by cosine similarity, most similar
    first (ties by id), excluding the token itself: ``[(id, similarity), ...]``. A zero vector is similar to
    nothing (similarity 0)."""
    table = _check_table(embeddings)
    vocab = table.shape[0]
    if not 0 <= int(token_id) < vocab:
        raise ConfigError(f"token id {token_id} is outside the vocabulary (0 .. {vocab - 1})")
    if k < 1:
        raise ConfigError(f"k = {k}: ask for at least one neighbour")
    norms = np.linalg.norm(table, axis=1)
    unit = table / np.where(norms > 0, norms, 1.0)[:, None]
    similarity = unit @ unit[int(token_id)]  # (V,)
    order = np.argsort(-similarity, kind="stable")
    out = [(int(i), float(similarity[i])) for i in order if i != int(token_id)]
    return out[: min(k, vocab - 1)]


# ---------------------------------------------------------------- frequencies


def token_frequencies(
    source: Prepared | TokenStore | np.ndarray | str | Path | None, vocab_size: int, split: str = "train"
) -> np.ndarray | None:
    """How many times each id occurs in the ``split`` ids: an int64 array of ``vocab_size`` counts.

    ``source``: the prepared data (:class:`Prepared`, a prepared folder, a :class:`TokenStore` or its
    ``tokens`` folder) or an array of ids. ``None`` when there is nothing to count (no source, a folder that is
    gone, no such split, or an empty one): the map then colours every token alike. Ids at or beyond
    ``vocab_size`` mean the data was encoded with another tokenizer: a :class:`DataError`.
    """
    ids = _split_ids(source, split)
    if ids is None or len(ids) == 0:
        return None
    counts = np.zeros(int(vocab_size), dtype=np.int64)
    for start in range(0, len(ids), BINCOUNT_CHUNK):
        chunk = np.asarray(ids[start : start + BINCOUNT_CHUNK])
        top = int(chunk.max())
        if top >= vocab_size:
            where = getattr(source, "directory", source if isinstance(source, (str, Path)) else "the ids")
            raise DataError(
                f"{where}: holds id {top} but the vocabulary has {vocab_size} tokens; "
                "these ids come from another tokenizer, prepare the data again"
            )
        counts += np.bincount(chunk, minlength=vocab_size)
    return counts


def _split_ids(source: Any, split: str) -> np.ndarray | None:
    if source is None:
        return None
    if isinstance(source, np.ndarray):
        return source.ravel()
    store = source.store if isinstance(source, Prepared) else source
    if isinstance(store, (str, Path)):
        folder = Path(store)
        if is_prepared_folder(folder):
            folder = folder / "tokens"
        if not (folder / TOKENS_META_FILE).is_file():
            return None
        store = TokenStore.open(folder)
    if not isinstance(store, TokenStore):
        raise ConfigError(f"cannot count tokens in a {type(source).__name__}; give prepared data or an id array")
    if split not in store.names:
        return None
    return store.split(split)


def run_frequencies(config: WorkspaceConfig, facts: dict[str, Any], tokenizer: Any) -> np.ndarray | None:
    """The training-split token counts of a run (``LoadedRun.config``, ``.facts``, ``.tokenizer``), or ``None``.

    Reads the prepared data the run trained from, without preparing anything: the folder of
    ``train --prepared`` (recorded in the run's facts), else the cache entry ``prepare_cached`` made for the
    run's corpus and settings. Data encoded by another tokenizer does not count. ``None`` when neither is
    there any more (the cache was cleared, the corpus moved), and for translation runs (their ids are pairs,
    not one stream): the map is then coloured uniformly.
    """
    if config.data.task == "translate":
        return None
    fingerprint = tokenizer.fingerprint()
    for store in _run_stores(config, facts, tokenizer):
        if store.fingerprint == fingerprint:
            return token_frequencies(store, tokenizer.vocab_size)
    return None


def _run_stores(config: WorkspaceConfig, facts: dict[str, Any], tokenizer: Any):
    """The token stores a run may have trained from, most specific first (each opened only when reached)."""
    where = facts.get("prepared")
    if isinstance(where, str) and is_prepared_folder(Path(where)):
        try:
            yield load_prepared(Path(where)).store
        except (LMStudioError, OSError, json.JSONDecodeError):
            pass
    try:
        corpus = open_corpus(config.data)
        keys = [cache_key(corpus, config, tokenizer), cache_key(corpus, config, None)]
    except (LMStudioError, OSError):
        return  # the corpus is gone or unreadable: no cache entry can be found
    for key in keys:
        folder = cache_root() / key / "tokens"
        if (folder / TOKENS_META_FILE).is_file():
            try:
                yield TokenStore.open(folder)
            except (LMStudioError, OSError):
                continue


# ---------------------------------------------------------------- across checkpoints


@dataclass(frozen=True)
class Frame:
    """One checkpoint of a run in the shared axes: its step, its name (``step-N``/``best``) and ``(V, 2)``
    points."""

    step: int
    name: str
    points: np.ndarray


def trajectory(
    snapshots: Sequence[tuple[int, str, np.ndarray]], reference: str | None = None, method: str = "pca"
) -> tuple[list[Frame], Projection]:
    """Project every ``(step, name, embeddings)`` onto the axes fitted on ``reference`` (a name; default the
    last snapshot), so that an animation of the frames shows the tokens moving in fixed axes.

    Returns the frames in step order and the reference's projection (its basis and explained variance).
    """
    if not snapshots:
        raise ConfigError("no checkpoints to project; train the run until it saves a checkpoint")
    names = [name for _, name, _ in snapshots]
    if reference is None:
        reference = names[-1]
    if reference not in names:
        raise ConfigError(f"reference checkpoint {reference!r} is not among {', '.join(names)}")
    fitted = project(snapshots[names.index(reference)][2], method)
    frames = [
        Frame(step, name, fitted.points if name == reference else project(table, method, fitted.basis).points)
        for step, name, table in snapshots
    ]
    frames.sort(key=lambda f: f.step)
    return frames, fitted


def run_trajectory(
    checkpoints: Sequence[str],
    load_model: Callable[[str], tuple[int, torch.nn.Module]],
    reference: str | None = None,
    method: str = "pca",
    progress: ProgressCallback | None = None,
) -> list[Frame]:
    """Every named checkpoint of a run projected onto the basis of ``reference`` (default: the last name, so
    pass the names oldest first and end with ``"best"`` or the last step to fit on the trained model).

    ``load_model(name) -> (step, model)`` loads one checkpoint; the caller builds it on ``core.runs``
    (``build_run_model`` once, then ``load_weights`` of each ``model.safetensors``: safetensors only, never a
    pickle). One model is held at a time; only its embedding table is kept. ``progress`` is told after each
    checkpoint and may cancel (:class:`~lmstudio.core.errors.Cancelled`).
    """
    snapshots = []
    for n, name in enumerate(checkpoints):
        report(progress, n, len(checkpoints), f"loading {name}")
        step, model = load_model(name)
        snapshots.append((int(step), name, token_embeddings(model)))
        del model
    report(progress, len(checkpoints), len(checkpoints), "projecting")
    frames, _ = trajectory(snapshots, reference, method)
    return frames


__all__ = [
    "Basis",
    "Frame",
    "METHODS",
    "Projection",
    "fit_pca",
    "nearest",
    "project",
    "run_frequencies",
    "run_trajectory",
    "token_embeddings",
    "token_frequencies",
    "token_labels",
    "trajectory",
    "umap_available",
]
