"""What the Playground computes, as plain functions (no Qt): they run on the GUI's worker threads or, when a
forward over one window takes milliseconds, on the GUI thread as a fast path.

Tokens travel as plain dicts, the fields of :class:`~lmstudio.core.inference.generation.TokenEvent` plus
``ctx``: how many of the preceding tokens the model saw when it predicted this one (the core's sliding
window rule, :mod:`lmstudio.core.inference.context`; ``None`` for a model without a window). With ``ctx``
the logits of any shown token can be recomputed exactly, so nothing as big as a vocabulary is kept per
token. Every context is passed as exact ids (``context_ids``), never re-encoded from text.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..core.config import SampleConfig
from ..core.inference.beam import beam_search
from ..core.inference.context import context_lengths, prompt_ids, seen_ids, start_context
from ..core.inference.generation import generate
from ..core.inference.sampling import filtered_distribution, sample
from ..core.inference.text import IncrementalDecoder, display_text

# the fields of a token record (a TokenEvent's, ``ctx`` included) in the order the views read them
RECORD_FIELDS = ("index", "id", "text", "prob", "raw_prob", "logprob", "entropy", "rank", "alternatives", "ctx")
STREAM_INTERVAL_S = 0.04  # tokens cross to the GUI thread in batches at most this often
INSPECT_MAX_TOKENS = 256  # recurrent state view: the last this many tokens


@dataclass
class Branch:
    """One line of text: a prompt's ids and the tokens generated (or chosen) after them."""

    name: str
    context_ids: list[int]
    tokens: list[dict] = field(default_factory=list)
    parent: int | None = None  # index of the branch it departs from
    fork_at: int = 0  # the first token index that differs from the parent
    source: str | None = None  # a translation's source text (the tokens are its target side); None: a language model

    def ids(self, upto: int | None = None) -> list[int]:
        toks = self.tokens if upto is None else self.tokens[:upto]
        return self.context_ids + [t["id"] for t in toks]

    def text(self) -> str:
        return "".join(t["text"] for t in self.tokens)


def model_device(model: torch.nn.Module) -> torch.device:
    return next(model.parameters()).device


def use_gui_threads() -> None:
    """Use the torch thread count the GUI trains with (see ``default_threads``: one core left to the
    window). Measured here: 2 intra-op threads on a worker thread of a 2-core machine generate at half
    the speed of 1, as the threads spin-wait on each other."""
    from ..core.devices import default_threads

    torch.set_num_threads(default_threads())


def gui_job(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` for a worker thread of the GUI: the GUI's thread count, then ``fn``."""

    def run(*args: Any, **kwargs: Any) -> Any:
        use_gui_threads()
        return fn(*args, **kwargs)

    return run


def new_generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def load(run_dir: str | Path, which: str = "best", device: str = "auto", progress=None):
    """Load a run's checkpoint, or a local Hugging Face GPT-2 folder (config.json, safetensors, tokenizer files;
    its one "checkpoint" is named hf); returns the LoadedRun and the run's checkpoints."""
    from ..core.models.hf_import import is_hf_folder
    from ..core.runs import checkpoint as ckpt
    from ..core.runs.folders import load_run

    if is_hf_folder(Path(run_dir)):
        from ..core.export.hf_import import CHECKPOINT_NAME, load_hf_folder

        loaded = load_hf_folder(Path(run_dir), device)
        return {"loaded": loaded, "which": CHECKPOINT_NAME, "checkpoints": [(CHECKPOINT_NAME, 0, None)]}
    loaded = load_run(Path(run_dir), which, device)
    return {
        "loaded": loaded,
        "which": which,
        "checkpoints": [(c.name, c.step, c.val_loss) for c in ckpt.list_checkpoints(Path(run_dir))],
    }


# -- generation ------------------------------------------------------------------------------------
def stream_generation(
    model,
    tokenizer,
    context_ids: Sequence[int],
    cfg: SampleConfig,
    emit: Callable[[list[dict]], None],
    interval: float = STREAM_INTERVAL_S,
    progress=None,
) -> dict[str, Any]:
    """Run ``generate`` from ``context_ids``, handing tokens to ``emit`` in batches (at most every
    ``interval`` seconds). ``progress`` returning False stops it. Returns counts and timing."""
    batch: list[dict] = []
    t0 = last = time.perf_counter()
    n, stopped = 0, False
    for event in generate(model, tokenizer, "", cfg, model_device(model), context_ids=context_ids):
        batch.append({name: getattr(event, name) for name in RECORD_FIELDS})
        n += 1
        if progress is not None and progress(n, cfg.max_new_tokens) is False:
            stopped = True
            break
        now = time.perf_counter()
        if now - last >= interval:
            emit(batch)
            batch, last = [], now
    if batch:
        emit(batch)
    return {"tokens": n, "seconds": time.perf_counter() - t0, "stopped": stopped}


def _logits_for(model, ids: Sequence[int], ctx: int | None) -> torch.Tensor:
    """(V,) float32 CPU logits of the token after ``ids``, seeing the last ``ctx`` of them (all if None)."""
    feed = seen_ids(ids, ctx)
    with torch.inference_mode():
        x = torch.tensor([feed], dtype=torch.long, device=model_device(model))
        was_training = model.training
        model.eval()
        try:
            logits, _ = model(x)
        finally:
            model.train(was_training)
        return logits[0, -1].float().cpu()


def token_logits(model, branch: Branch, index: int) -> torch.Tensor:
    """The logits that token ``index`` of ``branch`` was drawn from (index == len: the next one)."""
    ids = branch.ids(index)
    if index < len(branch.tokens):
        ctx = branch.tokens[index].get("ctx")
    else:  # what generation continuing this branch would see first
        ctx = start_context(len(ids), model.context_window)
    return _logits_for(model, ids, ctx)


def record_from_logits(
    logits: torch.Tensor,
    token_id: int,
    drawn_prob: float,
    text: str,
    alternatives: int,
    tokenizer: Any,
    ctx: int | None,
) -> dict:
    """A token dict like the generator's, from the logits it was chosen from."""
    logp = logits.float().log_softmax(-1)
    chosen = float(logp[token_id])
    top = logp.topk(min(alternatives, logp.numel())) if alternatives else None
    alts = (
        []
        if top is None
        else [
            (int(i), display_text(tokenizer, int(i)), math.exp(float(v)))
            for v, i in zip(top.values.tolist(), top.indices.tolist())
        ]
    )
    return {
        "index": 0,
        "id": int(token_id),
        "text": text,
        "prob": float(drawn_prob),
        "raw_prob": math.exp(chosen),
        "logprob": chosen,
        "entropy": float(-(logp.exp() * logp).sum()),
        "rank": int((logp > chosen).sum()) + 1,
        "alternatives": alts,
        "ctx": ctx,
    }


def forced_tokens(
    model, tokenizer, context_ids: Sequence[int], new_ids: Sequence[int], alternatives: int = 10
) -> list[dict]:
    """Token dicts for ``new_ids`` appended to ``context_ids`` by choice rather than by sampling
    (a branch's first token, a beam): each with the model's probability, rank and alternatives, seen
    through the generator's sliding window (as beam search and ``generate`` saw them)."""
    ids = list(context_ids)
    decoder = IncrementalDecoder(tokenizer, ids)
    out = []
    contexts = context_lengths(len(ids), len(new_ids), model.context_window)
    for j, (token_id, ctx) in enumerate(zip(new_ids, contexts)):
        logits = _logits_for(model, ids, ctx)
        text = decoder.push(int(token_id), final=j == len(new_ids) - 1)
        out.append(
            record_from_logits(
                logits, int(token_id), float(logits.softmax(-1)[int(token_id)]), text, alternatives, tokenizer, ctx
            )
        )
        ids.append(int(token_id))
    for j, rec in enumerate(out):
        rec["index"] = j
    return out


def continue_branch(
    model,
    tokenizer,
    context_ids: Sequence[int],
    token_id: int,
    cfg: SampleConfig,
    emit: Callable[[list[dict]], None],
    progress=None,
) -> dict[str, Any]:
    """A new branch: ``token_id`` chosen after ``context_ids``, then generation after it, streamed."""
    context = list(context_ids)
    emit(forced_tokens(model, tokenizer, context, [token_id], cfg.alternatives))
    rest = replace(cfg, max_new_tokens=max(0, cfg.max_new_tokens - 1))
    result = stream_generation(model, tokenizer, context + [token_id], rest, emit, progress=progress)
    result["tokens"] += 1
    return result


def next_alternatives(logits: torch.Tensor, tokenizer: Any, n: int = 10) -> list[tuple[int, str, float]]:
    """The ``n`` most likely next tokens as (id, text, probability)."""
    top = logits.float().softmax(-1).topk(min(n, logits.numel()))
    return [
        (int(i), display_text(tokenizer, int(i)), float(p)) for p, i in zip(top.values.tolist(), top.indices.tolist())
    ]


def beams(
    model, tokenizer, context_ids: Sequence[int], width: int, max_new_tokens: int, alternatives: int = 10, progress=None
) -> list[dict]:
    """Beam search from ``context_ids``: [{"text", "logprob", "tokens": [token dicts]}], best first; each
    beam's tokens are its exact ids (``Beam.ids``)."""
    context = list(context_ids)
    found = beam_search(
        model,
        tokenizer,
        "",
        beam_width=width,
        max_new_tokens=max_new_tokens,
        device=model_device(model),
        context_ids=context,
    )
    return [
        {
            "text": beam.text,
            "logprob": beam.logprob,
            "tokens": forced_tokens(model, tokenizer, context, beam.ids, alternatives),
        }
        for beam in found
    ]


# -- step mode ---------------------------------------------------------------------------------------
def step_token(
    model, tokenizer, branch: Branch, cfg: SampleConfig, generator: torch.Generator, logits: torch.Tensor | None = None
) -> dict:
    """Draw one token after ``branch`` with the settings of ``cfg`` (the step mode's Next)."""
    ids = branch.ids()
    if logits is None:
        logits = token_logits(model, branch, len(branch.tokens))
    prev = ids if cfg.repetition_penalty != 1.0 else None
    next_id, probs = sample(logits, cfg.temperature, cfg.top_k, cfg.top_p, cfg.repetition_penalty, prev, generator)
    token_id = int(next_id)
    text = IncrementalDecoder(tokenizer, ids).push(token_id, final=True)
    rec = record_from_logits(
        logits,
        token_id,
        float(probs[token_id]),
        text,
        cfg.alternatives,
        tokenizer,
        start_context(len(ids), model.context_window),
    )
    rec["index"] = len(branch.tokens)
    return rec


def distributions(logits: torch.Tensor, cfg: SampleConfig, previous_ids: Sequence[int] | None, top: int = 20) -> dict:
    """The model's distribution and the one sampled from (after repetition penalty, temperature,
    top-k and top-p), over the ``top`` most likely tokens, with both entropies in nats."""
    raw = logits.float().softmax(-1)
    prev = previous_ids if cfg.repetition_penalty != 1.0 else None
    after = filtered_distribution(logits, cfg.temperature, cfg.top_k, cfg.top_p, cfg.repetition_penalty, prev)
    order = raw.topk(min(top, raw.numel())).indices

    def entropy(p: torch.Tensor) -> float:
        nz = p[p > 0]
        return float(-(nz * nz.log()).sum())

    return {
        "ids": order.tolist(),
        "raw": raw[order].tolist(),
        "filtered": after[order].tolist(),
        "entropy_raw": entropy(raw),
        "entropy_filtered": entropy(after),
        "kept": int((after > 0).sum()),
    }


# -- score, inspect, compare --------------------------------------------------------------------------
def score(model, tokenizer, text: str, progress=None) -> dict:
    from ..core.inference.scoring import score_text

    return score_text(model, tokenizer, text, model_device(model))


def inspect(model, tokenizer, ids: Sequence[int], progress=None) -> dict:
    """Attention maps or hidden states over the last window of ``ids``, with each token's label."""
    window = model.context_window or INSPECT_MAX_TOKENS
    ids = list(ids)[-window:]
    with torch.inference_mode():
        found = model.inspect(torch.tensor([ids], dtype=torch.long, device=model_device(model)))
    found["labels"] = [display_text(tokenizer, i) for i in ids]
    return found


def memorization_index(config, facts: dict, tokenizer, progress=None):
    """The memorization index of the data a run trained on (its prepared folder, or the cache entry of its corpus
    and settings), built on first use; None when that data is gone or the run is a translation."""
    from ..core.data.split_cache import open_corpus
    from ..core.dataset.memorization import index_for
    from ..core.dataset.prepare import cache_key, is_prepared_folder, load_prepared
    from ..core.errors import LMStudioError
    from ..core.paths import cache_root

    if config.data.task == "translate":
        return None
    candidates = []
    where = facts.get("prepared")
    if isinstance(where, str) and is_prepared_folder(Path(where)):
        candidates.append(Path(where))
    try:
        corpus = open_corpus(config.data)
        candidates += [cache_root() / cache_key(corpus, config, t) for t in (tokenizer, None)]
    except (LMStudioError, OSError):
        pass
    for folder in candidates:
        try:
            prepared = load_prepared(folder)
        except (LMStudioError, OSError, ValueError):
            continue
        if prepared.tokenizer.fingerprint() != tokenizer.fingerprint():
            continue
        return index_for(prepared, progress=progress)
    return None


def memorization_of(index, branch: Branch) -> dict | None:
    """Where the generated tokens of ``branch`` repeat the training or validation text verbatim (see SampleEvent)."""
    from ..core.dataset.memorization import verdict

    ids = [t["id"] for t in branch.tokens]
    if index is None or not ids:
        return None
    spans = index.find_spans(ids)
    found = verdict(spans, len(ids))
    return {
        "label": found.label,
        "covered": float(found.covered),
        "spans": [[sp.start, sp.end, sp.split, sp.line] for sp in spans],
    }


def leaned_on(model, branch: Branch, index: int, method: str) -> list[float]:
    """For generated token ``index`` of ``branch``: the weight of each earlier generated token (the prompt's are
    left out: they are not chips), by ``method`` "attention" or "gradient" (see core.inference.saliency)."""
    from ..core.inference.saliency import attention_saliency, gradient_saliency

    ids = branch.ids(index + 1)
    position = len(ids) - 1
    device = model_device(model)
    if method == "attention":
        weights = attention_saliency(model, ids, position, device)
    else:
        weights = gradient_saliency(model, ids, position, device)
    return [float(w) for w in weights[len(branch.context_ids) :]]


def lens(model, tokenizer, ids: Sequence[int], progress=None) -> dict:
    """The logit lens over the last window of ``ids``: the result, each token's label and the labels of every
    token the layers predict."""
    from ..core.inference.lens import logit_lens

    window = model.context_window or INSPECT_MAX_TOKENS
    ids = list(ids)[-window:]
    result = logit_lens(model, ids, model_device(model))
    vocab = {int(i): display_text(tokenizer, int(i)) for i in np.unique(result.top_ids)}
    return {"result": result, "labels": [display_text(tokenizer, i) for i in ids], "vocab": vocab}


def heads(model, tokenizer, ids: Sequence[int], progress=None) -> dict:
    """Every layer's and head's attention over the last window of ``ids``, with each token's label."""
    from ..core.inference.lens import attention_grid

    window = model.context_window or INSPECT_MAX_TOKENS
    ids = list(ids)[-window:]
    return {
        "weights": attention_grid(model, ids, model_device(model)),
        "labels": [display_text(tokenizer, i) for i in ids],
    }


def embedding_map(run_dir: str | Path, model, tokenizer, config, facts, progress=None) -> dict:
    """The loaded model's token embeddings in 2-D (PCA), and every step checkpoint of its run projected onto the
    same axes (the animation), with each token's text, its training-split count and its embedding table (for
    nearest neighbours). Loads the checkpoints one at a time on the CPU (safetensors)."""
    from ..core.inference import embedding_map as emap
    from ..core.runs import checkpoint as ckpt
    from ..core.runs.folders import build_run_model

    table = emap.token_embeddings(model)
    projection = emap.project(table)
    infos = [c for c in ckpt.list_checkpoints(Path(run_dir)) if c.name != "best"]
    frames: list = []
    if len(infos) > 1:
        scratch = build_run_model(config)

        def load(name: str):
            info = next(c for c in infos if c.name == name)
            ckpt.load_weights(info.path / ckpt.WEIGHTS_FILE, scratch)
            return info.step, scratch

        snapshots = [c.name for c in infos]
        frames = emap.run_trajectory(snapshots, load, progress=progress)  # in the last step checkpoint's axes
    return {
        "table": table,
        "points": projection.points,
        "explained": projection.explained,
        "frames": frames,
        "labels": emap.token_labels(tokenizer),
        "freqs": emap.run_frequencies(config, facts, tokenizer),
    }


def compare(
    run_dir: str | Path,
    names: Sequence[str],
    prompt: str,
    cfg: SampleConfig,
    device: str = "auto",
    progress=None,
    beam_width: int = 0,
) -> list[dict]:
    """Generate from each named checkpoint of one run with the same prompt, settings and seed; with
    ``beam_width`` > 0, each checkpoint's best beam instead (beam search draws nothing at random)."""
    from ..core.runs.folders import load_run

    out = []
    for name in names:
        loaded = load_run(Path(run_dir), name, device)
        context = prompt_ids(loaded.tokenizer, prompt)
        tokens: list[dict] = []
        if beam_width > 0:
            found = beams(loaded.model, loaded.tokenizer, context, beam_width, cfg.max_new_tokens, cfg.alternatives)
            tokens = found[0]["tokens"] if found else []
        else:
            stream_generation(loaded.model, loaded.tokenizer, context, cfg, tokens.extend, progress=progress)
        mean = sum(t["logprob"] for t in tokens) / max(1, len(tokens))
        out.append({"name": name, "step": loaded.checkpoint.step, "tokens": tokens, "mean_logprob": mean})
        if progress is not None and progress(len(out), len(names), f"generated with {name}") is False:
            break
    return out


# -- translation (an encoder-decoder run: LoadedRun.is_translation) -----------------------------------------
# A translation branch has no context ids: its tokens are the target side, decoded after BOS given ``source``.
EOS_TEXT = "<eos>"
NO_ATTENTION_NOTE = (
    "This model was trained with attention “none”: the decoder reads the source only through the encoder's "
    "final state, so there is no alignment to show. Train with attention bahdanau or luong to see one."
)
EXAMPLE_SOURCES = {
    "reverse": "abcdefghij",
    "sort": "hgfedcbaj",
    "copy": "abcdefghij",
    "dates": "3 March 1998",
}


def example_source(data_config: Any) -> str:
    """A source text that suits the run's data: a toy task's kind of string, or a sentence of the bundled
    English–Spanish pairs in the run's direction."""
    if data_config.toy_task:
        return EXAMPLE_SOURCES.get(data_config.toy_task, "abcdef")
    if data_config.reverse:
        return "En el principio creó Dios los cielos y la tierra."
    return "In the beginning God created the heavens and the earth."


def translation_source_ids(source_tokenizer: Any, source: str, model) -> list[int]:
    """The source's ids as the model reads them (EOS last); ConfigError when it is longer than the model takes."""
    from ..core.inference.translate import source_ids

    return source_ids(source_tokenizer, source, model)


def _token_label(tokenizer: Any, token_id: int) -> str:
    return EOS_TEXT if token_id == tokenizer.eos_id else display_text(tokenizer, token_id)


def target_logits(model, source_tokenizer, target_tokenizer, source: str, target_ids: Sequence[int]) -> torch.Tensor:
    """(len(target_ids) + 1, V) float32 CPU logits of the teacher-forced decoder reading BOS + ``target_ids``
    given ``source``: row i is what target token i was drawn from, the last row the token after them."""
    from ..core.inference.translate import _pad, source_ids

    device = model_device(model)
    src_ids = source_ids(source_tokenizer, source, model)
    with torch.inference_mode():
        src, mask = _pad([src_ids], source_tokenizer.pad_id, device)
        tgt_in = torch.tensor([[target_tokenizer.bos_id, *target_ids]], dtype=torch.long, device=device)
        was_training = model.training
        model.eval()
        try:
            logits, _ = model(src, mask, tgt_in)
        finally:
            model.train(was_training)
    return logits[0].float().cpu()


def translation_token_logits(model, source_tokenizer, target_tokenizer, branch: Branch, index: int) -> torch.Tensor:
    """The logits that target token ``index`` of a translation branch was drawn from (index == len: the next)."""
    return target_logits(model, source_tokenizer, target_tokenizer, branch.source or "", branch.ids(index))[-1]


def _translation_records(
    logits: torch.Tensor, target_tokenizer, prefix: Sequence[int], new_ids: Sequence[int], alternatives: int
) -> list[dict]:
    """Token dicts for ``new_ids`` after ``prefix``; ``logits`` row len(prefix) + j is token j's."""
    decoder = IncrementalDecoder(target_tokenizer, list(prefix))
    out = []
    for j, token_id in enumerate(new_ids):
        row = logits[len(prefix) + j]
        text = decoder.push(int(token_id), final=j == len(new_ids) - 1)
        rec = record_from_logits(
            row, int(token_id), float(row.softmax(-1)[int(token_id)]), text, alternatives, target_tokenizer, None
        )
        rec["alternatives"] = [(i, _token_label(target_tokenizer, i), p) for i, _t, p in rec["alternatives"]]
        rec["index"] = len(prefix) + j
        out.append(rec)
    return out


def forced_translation_tokens(
    model,
    source_tokenizer,
    target_tokenizer,
    source: str,
    prefix: Sequence[int],
    new_ids: Sequence[int],
    alternatives: int = 10,
) -> list[dict]:
    """Token dicts for target ids ``new_ids`` written after ``prefix`` by choice (a branch's first token, a beam),
    with the model's probability, rank and alternatives: one teacher-forced pass."""
    logits = target_logits(model, source_tokenizer, target_tokenizer, source, [*prefix, *new_ids])
    return _translation_records(logits, target_tokenizer, prefix, new_ids, alternatives)


def stream_translation(
    model,
    source_tokenizer,
    target_tokenizer,
    source: str,
    cfg: SampleConfig,
    emit: Callable[[list[dict]], None],
    prefix_ids: Sequence[int] | None = None,
    interval: float = STREAM_INTERVAL_S,
    progress=None,
) -> dict[str, Any]:
    """Translate ``source`` token by token (``translate_stream``), handing token dicts to ``emit`` in batches
    like :func:`stream_generation`; ``prefix_ids`` are target tokens taken as given (a branch)."""
    from ..core.inference.translate import translate_stream

    prefix = list(prefix_ids or [])
    batch: list[dict] = []
    t0 = last = time.perf_counter()
    n, stopped = 0, False
    events = translate_stream(
        model, source_tokenizer, target_tokenizer, source, cfg, model_device(model), prefix_ids=prefix
    )
    for event in events:
        rec = {name: getattr(event, name) for name in RECORD_FIELDS}
        rec["index"] = len(prefix) + event.index
        batch.append(rec)
        n += 1
        if progress is not None and progress(n, cfg.max_new_tokens) is False:
            stopped = True
            break
        now = time.perf_counter()
        if now - last >= interval:
            emit(batch)
            batch, last = [], now
    if batch:
        emit(batch)
    return {"tokens": n, "seconds": time.perf_counter() - t0, "stopped": stopped}


def continue_translation(
    model,
    source_tokenizer,
    target_tokenizer,
    source: str,
    prefix_ids: Sequence[int],
    token_id: int,
    cfg: SampleConfig,
    emit: Callable[[list[dict]], None],
    progress=None,
) -> dict[str, Any]:
    """A translation branch: the target ``prefix_ids``, ``token_id`` chosen after them, then the rest streamed
    (``translate_stream`` with ``prefix_ids`` = prefix + the choice). Choosing EOS ends the branch there."""
    prefix = list(prefix_ids)
    if token_id == target_tokenizer.eos_id:
        return {"tokens": 0, "seconds": 0.0, "stopped": False}
    emit(
        forced_translation_tokens(
            model, source_tokenizer, target_tokenizer, source, prefix, [token_id], cfg.alternatives
        )
    )
    rest = replace(cfg, max_new_tokens=max(0, cfg.max_new_tokens - 1))
    result = stream_translation(
        model, source_tokenizer, target_tokenizer, source, rest, emit, prefix + [token_id], progress=progress
    )
    result["tokens"] += 1
    return result


def step_translation(
    model,
    source_tokenizer,
    target_tokenizer,
    branch: Branch,
    cfg: SampleConfig,
    generator: torch.Generator,
    logits: torch.Tensor | None = None,
) -> dict | None:
    """Draw one target token after a translation branch (step mode's Next); None when the model ends it (EOS)."""
    ids = branch.ids()
    if logits is None:
        logits = translation_token_logits(model, source_tokenizer, target_tokenizer, branch, len(branch.tokens))
    prev = ids if cfg.repetition_penalty != 1.0 else None
    next_id, probs = sample(logits, cfg.temperature, cfg.top_k, cfg.top_p, cfg.repetition_penalty, prev, generator)
    token_id = int(next_id)
    if token_id == target_tokenizer.eos_id:
        return None
    text = IncrementalDecoder(target_tokenizer, ids).push(token_id, final=True)
    rec = record_from_logits(logits, token_id, float(probs[token_id]), text, cfg.alternatives, target_tokenizer, None)
    rec["alternatives"] = [(i, _token_label(target_tokenizer, i), p) for i, _t, p in rec["alternatives"]]
    rec["index"] = len(branch.tokens)
    return rec


def translation_alternatives(logits: torch.Tensor, target_tokenizer: Any, n: int = 10) -> list[tuple[int, str, float]]:
    """The ``n`` most likely next target tokens as (id, text, probability); EOS reads ``<eos>``."""
    return [(i, _token_label(target_tokenizer, i), p) for i, _t, p in next_alternatives(logits, target_tokenizer, n)]


def translation_beams(
    model,
    source_tokenizer,
    target_tokenizer,
    source: str,
    width: int,
    alpha: float = 0.6,
    alternatives: int = 10,
    progress=None,
) -> list[dict]:
    """Beam search (``beam_decode``), best first: [{"text", "ids", "score" (log P divided by the length
    penalty, what ranks them), "logprob" (raw, EOS included when finished), "finished", "tokens"}]."""
    from ..core.inference.translate import beam_decode, length_penalty, source_ids

    src_ids = source_ids(source_tokenizer, source, model)
    found = beam_decode(
        model,
        src_ids,
        bos_id=target_tokenizer.bos_id,
        eos_id=target_tokenizer.eos_id,
        pad_id=source_tokenizer.pad_id,
        beam=width,
        alpha=alpha,
        device=model_device(model),
    )
    out = []
    for ids, lps, finished in found:
        total = float(sum(lps))
        out.append(
            {
                "text": target_tokenizer.decode(ids),
                "ids": list(ids),
                "logprob": total,
                "score": total / length_penalty(len(ids) + (1 if finished else 0), alpha),
                "finished": finished,
                "tokens": forced_translation_tokens(
                    model, source_tokenizer, target_tokenizer, source, [], ids, alternatives
                ),
            }
        )
    return out


def alignment(model, source_tokenizer, target_tokenizer, source: str, target_ids: Sequence[int], progress=None) -> dict:
    """The cross-attention of the decoder over the source while it wrote ``target_ids``: {"matrix" (T+1, S) numpy,
    rows the output tokens and EOS, columns the source tokens and EOS; "rows", "cols": their texts; "note"}.
    A model without attention: matrix None and a note saying why."""
    from ..core.errors import ConfigError
    from ..core.inference.translate import alignment_matrix

    if getattr(model.config, "attention", None) == "none":
        return {"matrix": None, "rows": [], "cols": [], "note": NO_ATTENTION_NOTE}
    try:
        src_ids, matrix = alignment_matrix(
            model, source_tokenizer, target_tokenizer, source, list(target_ids), device=model_device(model)
        )
    except ConfigError as exc:  # a model kind that has no alignment says so
        return {"matrix": None, "rows": [], "cols": [], "note": f"No alignment: {exc}."}
    rows = _piece_labels(target_tokenizer, list(target_ids)) + [EOS_TEXT]
    cols = _piece_labels(source_tokenizer, src_ids[:-1]) + [EOS_TEXT]
    return {"matrix": matrix, "rows": rows, "cols": cols, "note": ""}


def _piece_labels(tokenizer: Any, ids: Sequence[int]) -> list[str]:
    decoder = IncrementalDecoder(tokenizer, [])
    return [decoder.push(int(i), final=j == len(ids) - 1) or display_text(tokenizer, int(i)) for j, i in enumerate(ids)]


def score_pair(model, source_tokenizer, target_tokenizer, source: str, target: str, progress=None) -> dict:
    """log P(target | source) (``score_translation``) in the Score view's shape: {"total_logprob", "tokens",
    "chars", "perplexity", "bits_per_char", "per_token": [{"id", "text", "logprob", "rank", "prob"}]}; the
    last token is EOS (the model must also say the translation ends there)."""
    from ..core.inference.metrics import bits_per_char
    from ..core.inference.translate import score_translation

    found = score_translation(model, source_tokenizer, target_tokenizer, source, target, model_device(model))
    ids = [*found["ids"], target_tokenizer.eos_id]
    logits = target_logits(model, source_tokenizer, target_tokenizer, source, found["ids"]).log_softmax(-1)
    labels = _piece_labels(target_tokenizer, found["ids"]) + [EOS_TEXT]
    per_token = [
        {
            "id": int(token_id),
            "text": label,
            "logprob": float(lp),
            "rank": int((logits[i] > logits[i, token_id]).sum()) + 1,
            "prob": math.exp(float(lp)),
        }
        for i, (token_id, lp, label) in enumerate(zip(ids, found["token_logprobs"], labels))
    ]
    total = float(found["logprob"])
    return {
        "source": source,
        "total_logprob": total,
        "tokens": len(ids),
        "chars": len(target),
        "perplexity": found["perplexity"],
        "bits_per_char": bits_per_char(-total, len(target)) if target else math.nan,
        "bits_per_char_note": "" if target else "no target text",
        "per_token": per_token,
    }
