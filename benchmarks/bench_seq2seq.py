"""Encoder-decoders: the reverse toy task against the clock, and cached decoding against recomputing.

    python benchmarks/bench_seq2seq.py reverse [--seconds 60] [--threads N]
    python benchmarks/bench_seq2seq.py decode [--tokens 64] [--repeats 7] [--threads 1]
    python benchmarks/bench_seq2seq.py en-es [--seconds 600] [--models gru-bahdanau,transformer]
    python benchmarks/bench_seq2seq.py throughput [--steps 150] [--reps 3]

reverse: a model learns to reverse strings of 3-12 letters over 10 (``data.toy_task reverse``, 50,000 pairs),
through the Trainer with its default optimizer and schedule, as ``lmstudio train --task translate --toy-task
reverse --max-time 60`` runs it: a character tokenizer, the pair store, length-bucketed batches of 64 pairs.
Every 100 steps it greedily decodes up to 500 held-out strings (not in the training split) and records the
share reversed exactly (sequence accuracy). Target (issue 13): >= 99% within 60 s of CPU training. Time counts
training steps only, not the evaluations. GRU with Bahdanau attention and a bidirectional encoder, and the
Transformer encoder-decoder with rotary and with learned positions, one run each, 2 layers of width 128.

en-es: the bundled English→Spanish verses, one joint BPE vocabulary, the GRU-attention and the Transformer
"small" presets, each trained for ``--seconds`` (10 minutes) by the Trainer; BLEU and chrF (sacreBLEU) of greedy
translations of the test split, and the training time to a validation BLEU above 10.

throughput: target tokens per second of the Transformer encoder-decoder in the Trainer against a bare loop of
the same model, batches and optimizer in the same process. Target (issue 13): >= 0.95x.

decode: a Transformer encoder-decoder (2 layers, width 128, random weights, EOS suppressed) decodes ``--tokens``
tokens from a 20-token source (encoded once), two ways: recomputing (for each new token, the decoder run over
every token so far, its cross-attention keys and values projected again: no cache kept) and cached (``step``
with the self-attention KV cache and the cross-attention keys and values computed once). Median of
alternating pairs in one process. Target (issue 13): >= 3x at 64.

Writes benchmarks/out/seq2seq_reverse.json or seq2seq_decode.json.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import write_result  # noqa: E402
from lmstudio.core.config import ModelConfig, WorkspaceConfig  # noqa: E402
from lmstudio.core.data.toy_tasks import toy_pairs  # noqa: E402
from lmstudio.core.dataset.pairs import PairBatcher  # noqa: E402
from lmstudio.core.inference.translate import translate, translate_store  # noqa: E402
from lmstudio.core.inference.translation_metrics import corpus_bleu, corpus_chrf  # noqa: E402
from lmstudio.core.models import build_seq2seq  # noqa: E402
from lmstudio.core.models.presets import PRESETS  # noqa: E402
from lmstudio.core.training.events import EvalEvent, StepEvent, TranslationEvent  # noqa: E402
from lmstudio.core.training.launch import new_trainer  # noqa: E402

# the encoder-decoders of the reverse task: 2 layers of width 128 (4 heads)
MODELS = {
    "gru-bahdanau": dict(arch="gru", attention="bahdanau", bidirectional=True, n_layer=2, d_model=128),
    "transformer": dict(arch="transformer", n_layer=2, n_head=4, d_model=128),
    "transformer-learned": dict(arch="transformer", n_layer=2, n_head=4, d_model=128, positions="learned"),
}


def _config(shape: dict, seconds: float, **extra) -> WorkspaceConfig:
    """``lmstudio train --task translate`` with its default optimizer and schedule (Muon 4e-3, wsd, warm-up 20)
    under a time budget of ``seconds``; ``extra`` sections override."""
    data = extra.pop("data", dict(task="translate", toy_task="reverse", toy_pairs=50_000, seed=0))
    tokenizer = extra.pop("tokenizer", dict(kind="char"))
    train = dict(
        batch_size=64,
        steps=10**9,
        max_time=seconds,
        eval_interval=100,
        eval_iters=4,
        bleu_pairs=0,
        checkpoint_interval=0,
        seed=0,
    )
    train.update(extra.pop("train", {}))
    return WorkspaceConfig.from_dict(
        {"data": data, "tokenizer": tokenizer, "model": {"block_size": 32, **shape}, "train": train}
    )


def reverse(args) -> None:
    """The reverse task through the Trainer (what ``lmstudio train --task translate --toy-task reverse`` runs)."""
    torch.set_num_threads(args.threads)
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models.split(","):
            shape = MODELS[name]
            config = _config(shape, args.seconds, train=dict(optimizer=args.optimizer))
            trainer = new_trainer(config, Path(tmp) / name)
            seen = set(trainer.prepared.texts("train"))
            held_out = [p for p in toy_pairs("reverse", 500, seed=12345) if p not in seen]  # never trained on
            tok = trainer.prepared.target_tokenizer
            curve, reached = [], None
            for event in trainer.run():
                if not isinstance(event, EvalEvent) or event.step == 0:
                    continue
                out = translate(trainer.model, tok, tok, [s for s, _ in held_out])
                accuracy = sum(o.text == t for o, (_, t) in zip(out, held_out)) / len(held_out)
                curve.append([event.step, round(event.elapsed, 1), round(accuracy, 4)])
                print(f"{name}: step {event.step}, {event.elapsed:.1f} s, held-out sequence accuracy {accuracy:.3f}")
                if reached is None and accuracy >= 0.99:
                    reached = round(event.elapsed, 1)
            runs[name] = {
                "settings": shape,
                "parameters": sum(p.numel() for p in trainer.model.parameters()),
                "steps": trainer.step,
                "seconds_to_99_percent": reached,
                "final_sequence_accuracy": curve[-1][2] if curve else None,
                "curve_step_seconds_accuracy": curve,
            }
    write_result(
        "seq2seq_reverse",
        {
            "task": "reverse strings of 3-12 letters over 10 (data.toy_task reverse, 50,000 pairs, seed 0); held "
            "out: the strings of toy_pairs('reverse', 500, seed=12345) not in the training split, greedy "
            "decoding, exact match",
            "training": f"the Trainer (lmstudio train --task translate) with the default {args.optimizer} optimizer, "
            "lr 4e-3, warm-up 20 steps and wsd schedule fitted to the time budget; length-bucketed batches of 64 "
            "pairs, evaluated every 100 steps; time counts training steps only",
            "seconds_budget": args.seconds,
            "threads": args.threads,
            "target": ">= 99% sequence accuracy within 60 s",
            "runs": runs,
        },
    )


# the en→es presets: a GRU with Bahdanau attention and a bidirectional encoder (the recurrent "small"), and the
# Transformer "small" (3 layers, width 128, MLP 3x), both from the presets with the encoder-decoder's own options
EN_ES = {
    "gru-bahdanau": dict(arch="gru", preset="small", attention="bahdanau", bidirectional=True),
    "transformer": dict(arch="transformer", preset="small"),
}


def en_es(args) -> None:
    """BLEU and chrF on the bundled English→Spanish test split after ``--seconds`` of training, per preset."""
    torch.set_num_threads(args.threads)
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.models.split(","):
            spec = dict(EN_ES[name])
            preset = spec.pop("preset")
            shape = {**PRESETS[spec["arch"]][preset], **spec, "block_size": 96}
            config = _config(
                shape,
                args.seconds,
                data=dict(task="translate"),
                tokenizer=dict(kind="bpe", vocab_size=args.vocab),
                train=dict(batch_size=32, eval_interval=args.eval_interval, bleu_pairs=200, eval_iters=10),
            )
            run_dir = Path(tmp) / name
            trainer = new_trainer(config, run_dir)
            curve, first_bleu_10 = [], None
            for event in trainer.run():
                if isinstance(event, TranslationEvent):
                    elapsed = trainer.elapsed
                    curve.append([event.step, round(elapsed, 1), round(event.bleu, 2), round(event.chrf, 2)])
                    print(
                        f"{name}: step {event.step}, {elapsed:.0f} s, val BLEU {event.bleu:.2f} chrF {event.chrf:.2f}"
                    )
                    if first_bleu_10 is None and event.bleu > 10:
                        first_bleu_10 = round(elapsed, 1)
            test = trainer.prepared.stores["test"]
            tok = trainer.prepared.target_tokenizer
            outputs = translate_store(trainer.model, test, tok, pad_id=trainer.prepared.source_tokenizer.pad_id)
            references = [t for _, t in trainer.prepared.texts("test")]
            bleu, chrf = corpus_bleu(outputs, references), corpus_chrf(outputs, references)
            print(f"{name}: test BLEU {bleu.score:.2f} chrF {chrf.score:.2f} ({len(references)} pairs)")
            runs[name] = {
                "settings": shape,
                "parameters": sum(p.numel() for p in trainer.model.parameters()),
                "steps": trainer.step,
                "test_bleu": round(bleu.score, 2),
                "test_chrf": round(chrf.score, 2),
                "test_pairs": len(references),
                "bleu_signature": bleu.signature,
                "seconds_to_val_bleu_above_10": first_bleu_10,
                "curve_step_seconds_val_bleu_chrf": curve,
                "samples": [[s, r, o] for (s, r), o in zip(trainer.prepared.texts("test")[:5], outputs[:5])],
            }
    write_result(
        "seq2seq_en_es",
        {
            "task": "the bundled English→Spanish verses (resources/corpora, 12,542 pairs; split 90/5/5 by pair, "
            f"seed 1337), one joint BPE vocabulary of {args.vocab}",
            "training": "the Trainer with its defaults (Muon lr 4e-3 for the hidden matrices, AdamW for the rest, "
            f"warm-up 20, wsd with the warm-down fitted to the clock), batch 32 pairs, a {args.seconds:g} s budget "
            "of training steps per model",
            "scored": "test split, greedy decoding, sacreBLEU corpus BLEU and chrF; time to BLEU > 10 from the "
            "validation BLEU of the first 200 validation pairs at each evaluation (training time only)",
            "threads": args.threads,
            "runs": runs,
        },
    )


def throughput(args) -> None:
    """Target tokens per second of the encoder-decoder Transformer: the Trainer against a bare loop of the same
    model, optimizer and batches, alternating, median of ``--reps`` ratios."""
    torch.set_num_threads(args.threads)
    shape = {**PRESETS["transformer"]["small"], "block_size": 96}
    ratios, rows = [], []
    with tempfile.TemporaryDirectory() as tmp:
        config = _config(
            shape,
            0.0,
            data=dict(task="translate"),
            tokenizer=dict(kind="bpe", vocab_size=4000),
            train=dict(
                steps=args.steps,
                eval_interval=10**9,
                batch_size=32,
                optimizer="adamw",
                lr=1e-3,
                min_lr=1e-3,
                schedule="constant",
                warmup_steps=0,
                compile="off",
            ),
        )
        for rep in range(args.reps):
            pair = {}
            for side in ("trainer", "bare") if rep % 2 == 0 else ("bare", "trainer"):
                pair[side] = _trainer_tps(config, Path(tmp) / f"t{rep}") if side == "trainer" else _bare_tps(config)
            ratios.append(pair["trainer"] / pair["bare"])
            rows.append(pair)
            print(f"rep {rep}: trainer {pair['trainer']:,.0f} tok/s, bare {pair['bare']:,.0f} tok/s")
    write_result(
        "seq2seq_throughput",
        {
            "model": "Transformer encoder-decoder, the small preset (3 layers, width 128, MLP 3x), en→es BPE 4000",
            "compared": "target tokens per second over steps 11..N (the first 10 left out on both sides) of "
            "the Trainer (evaluations and saves off) and a bare loop (PairBatcher batches, forward, backward, "
            "clip, AdamW step), the same seed, batches and optimizer",
            "steps": args.steps,
            "reps": args.reps,
            "threads": args.threads,
            "tokens_per_s": rows,
            "ratios": [round(r, 3) for r in ratios],
            "ratio_median": round(statistics.median(ratios), 3),
            "target": ">= 0.95",
        },
    )


def _trainer_tps(config: WorkspaceConfig, run_dir: Path) -> float:
    trainer = new_trainer(config, run_dir)
    marks = {}
    for event in trainer.run():
        if isinstance(event, StepEvent) and event.step in (10, config.train.steps):
            marks[event.step] = (event.tokens, event.elapsed)
    (t0, e0), (t1, e1) = marks[10], marks[config.train.steps]
    return (t1 - t0) / (e1 - e0)


def _bare_tps(config: WorkspaceConfig) -> float:
    from lmstudio.core.dataset.pair_prepare import prepare_pairs_cached

    prepared = prepare_pairs_cached(config)
    cfg = replace(
        config.model,
        vocab_size=prepared.target_tokenizer.vocab_size,
        source_vocab_size=0 if prepared.shared else prepared.source_tokenizer.vocab_size,
    )
    torch.manual_seed(config.train.seed)
    model = build_seq2seq(cfg)
    t = config.train
    optimizer = torch.optim.AdamW(model.parameters(), lr=t.lr, betas=(t.beta1, t.beta2), weight_decay=t.weight_decay)
    batches = PairBatcher(prepared.stores["train"], t.batch_size, seed=t.seed)
    tokens, start = 0, 0.0
    for step in range(1, t.steps + 1):
        if step == 11:
            tokens, start = 0, time.perf_counter()
        src, mask, tgt_in, targets = batches.next_batch()
        tokens += int((targets != -1).sum())
        _, loss = model(src, mask, tgt_in, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), t.grad_clip)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        loss.item()  # the Trainer reads the loss every step on a CPU
    return tokens / (time.perf_counter() - start)


@torch.inference_mode()
def _recompute(model, src, mask, n: int, bos: int) -> None:
    memory = model.encode(src, mask)  # the source is encoded once either way
    ids = torch.full((1, 1), bos, dtype=torch.long)
    for _ in range(n):
        logits, _ = model.step(ids, model.init_state(memory), last_only=True)  # the whole prefix, no cache kept
        nxt = logits[:, -1].argmax(-1, keepdim=True)
        ids = torch.cat([ids, nxt], dim=1)


@torch.inference_mode()
def _cached(model, src, mask, n: int, bos: int) -> None:
    state = model.init_state(model.encode(src, mask))
    feed = torch.full((1, 1), bos, dtype=torch.long)
    for _ in range(n):
        logits, state = model.step(feed, state, last_only=True)
        feed = logits[:, -1].argmax(-1, keepdim=True)


def decode(args) -> None:
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = build_seq2seq(
        ModelConfig(arch="transformer", vocab_size=64, n_layer=2, n_head=4, d_model=128, block_size=args.tokens + 1)
    ).eval()
    src = torch.randint(4, 64, (1, 20))
    mask = torch.ones_like(src, dtype=torch.bool)
    fns = {"recompute": _recompute, "cached": _cached}
    for fn in fns.values():
        fn(model, src, mask, args.tokens, 2)  # warm-up
    times: dict[str, list[float]] = {k: [] for k in fns}
    ratios = []
    for r in range(args.repeats):
        order = list(fns) if r % 2 == 0 else list(reversed(fns))
        pair = {}
        for name in order:
            t0 = time.perf_counter()
            fns[name](model, src, mask, args.tokens, 2)
            pair[name] = time.perf_counter() - t0
            times[name].append(pair[name])
        ratios.append(pair["recompute"] / pair["cached"])
    ratio = statistics.median(ratios)
    print(f"{args.tokens} tokens: cached {ratio:.2f}x faster than recomputing", flush=True)
    write_result(
        "seq2seq_decode",
        {
            "model": "Transformer encoder-decoder, 2 layers, width 128, 4 heads, random weights; source 20 tokens",
            "tokens": args.tokens,
            "threads": args.threads,
            "repeats": args.repeats,
            "recompute_tokens_per_s": round(args.tokens / statistics.median(times["recompute"]), 1),
            "cached_tokens_per_s": round(args.tokens / statistics.median(times["cached"]), 1),
            "speedup_median": round(ratio, 3),
            "speedups": [round(x, 3) for x in ratios],
            "target": ">= 3x at 64 tokens",
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="mode", required=True)
    r = sub.add_parser("reverse")
    r.add_argument("--seconds", type=float, default=60.0)
    r.add_argument("--models", default=",".join(MODELS), help=f"comma-separated: {', '.join(MODELS)}")
    r.add_argument("--optimizer", default="muon", choices=["muon", "adamw"], help="muon (the default) or adamw")
    r.add_argument("--threads", type=int, default=torch.get_num_threads())
    e = sub.add_parser("en-es")
    e.add_argument("--seconds", type=float, default=600.0)
    e.add_argument("--models", default=",".join(EN_ES), help=f"comma-separated: {', '.join(EN_ES)}")
    e.add_argument("--vocab", type=int, default=4000)
    e.add_argument("--eval-interval", type=int, default=250)
    e.add_argument("--threads", type=int, default=torch.get_num_threads())
    t = sub.add_parser("throughput")
    t.add_argument("--steps", type=int, default=150)
    t.add_argument("--reps", type=int, default=3)
    t.add_argument("--threads", type=int, default=torch.get_num_threads())
    d = sub.add_parser("decode")
    d.add_argument("--tokens", type=int, default=64)
    d.add_argument("--repeats", type=int, default=7)
    d.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    {"reverse": reverse, "en-es": en_es, "throughput": throughput, "decode": decode}[args.mode](args)


if __name__ == "__main__":
    main()
