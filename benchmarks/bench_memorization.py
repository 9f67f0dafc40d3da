"""Benchmark of the memorization index: build time against the data preparation's own, and query time.

Prepares Tiny Shakespeare (repeated ``--copies`` times, a single copy by default) with the default
tokenizer into a temporary cache exactly as training does (``prepare_cached``), then builds its k-gram
index (``index_for``: hashing, sorting, line offsets and corpus line numbers of train and validation) and
times it against the preparation (``ratio`` = index build / preparation). Queries: ``--queries`` samples
of ``--sample-tokens`` tokens, half copied from the train split, half random ids, through ``find_spans``
and ``verdict``; the mean time per sample is reported. Each figure is the best of ``--repeats`` runs.

The issue's budget is "probes and the memorization index add < 3% to training time": the build is done
once per prepared corpus and the queries once per drawn sample, so their costs are reported separately.

    python benchmarks/bench_memorization.py [--copies 1] [--queries 200] [--sample-tokens 256] [--repeats 3]

Results are printed and written to benchmarks/out/memorization.json.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from benchmarks.common import SHAKESPEARE, write_result  # noqa: E402
from lmstudio.core.config import DataConfig, WorkspaceConfig  # noqa: E402


def _corpus(folder: Path, copies: int) -> Path:
    text = SHAKESPEARE.read_text(encoding="utf-8")
    text = text if text.endswith("\n") else text + "\n"
    path = folder / "corpus.txt"
    path.write_text(text * copies, encoding="utf-8")
    return path


def run(copies: int, queries: int, sample_tokens: int, repeats: int, k: int | None, chunk_tokens: int) -> dict:
    from lmstudio.core.dataset.memorization import CHUNK_TOKENS, index_for, verdict
    from lmstudio.core.dataset.prepare import prepare_cached

    chunk_tokens = chunk_tokens or CHUNK_TOKENS
    prepare_times, build_times, query_times = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = _corpus(tmp, copies)
        corpus_bytes = corpus.stat().st_size
        config = WorkspaceConfig(data=DataConfig(corpus=str(corpus)))  # the default tokenizer
        for rep in range(repeats):
            cache = tmp / f"cache{rep}"
            os.environ["LMSTUDIO_CACHE"] = str(cache)  # a fresh cache: nothing reused between repeats
            t = time.perf_counter()
            prepared = prepare_cached(config, root=cache)
            prepare_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            index = index_for(prepared, k, chunk_tokens=chunk_tokens)
            build_times.append(time.perf_counter() - t)
            train = prepared.store.split("train")
            rng = np.random.default_rng(rep)
            samples = []
            for i in range(queries):
                if i % 2 == 0 and len(train) > sample_tokens:
                    start = int(rng.integers(0, len(train) - sample_tokens))
                    samples.append(np.asarray(train[start : start + sample_tokens]))
                else:
                    samples.append(rng.integers(0, prepared.tokenizer.vocab_size, sample_tokens))
            t = time.perf_counter()
            labels = [verdict(index.find_spans(s), len(s)).label for s in samples]
            query_times.append((time.perf_counter() - t) / max(1, queries))
            tokens = {n: prepared.store.count(n) for n in prepared.store.names}
            index_bytes = sum(f.stat().st_size for f in index.directory.iterdir())
            k_used = index.k
            del index, prepared, train
            shutil.rmtree(cache, ignore_errors=True)
    prep, build, query = min(prepare_times), min(build_times), min(query_times)
    return {
        "copies": copies,
        "corpus_bytes": corpus_bytes,
        "tokenizer": WorkspaceConfig().tokenizer.kind,
        "k": k_used,
        "tokens": tokens,
        "index_bytes": index_bytes,
        "prepare_s": prep,
        "index_build_s": build,
        "ratio": build / prep,
        "query_ms_per_sample": query * 1e3,
        "sample_tokens": sample_tokens,
        "queries": queries,
        "seen_in_train": labels.count("seen in train"),
        "repeats": repeats,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=1, help="Tiny Shakespeare copies in the corpus (default 1)")
    parser.add_argument("--queries", type=int, default=200, help="samples looked up (default 200)")
    parser.add_argument("--sample-tokens", type=int, default=256, help="tokens per sample (default 256)")
    parser.add_argument("--repeats", type=int, default=3, help="runs; the best is reported (default 3)")
    parser.add_argument("--k", type=int, default=None, help="span length in tokens (default: the tokenizer's)")
    parser.add_argument("--chunk-tokens", type=int, default=0, help="windows hashed at a time (default: the core's)")
    parser.add_argument("--name", default="memorization", help="result file name under benchmarks/out")
    args = parser.parse_args(argv)
    result = run(args.copies, args.queries, args.sample_tokens, args.repeats, args.k, args.chunk_tokens)
    print(
        f"memorization index: build {result['index_build_s']:.2f} s vs prepare {result['prepare_s']:.2f} s "
        f"(ratio {result['ratio']:.2f}); query {result['query_ms_per_sample']:.2f} ms per "
        f"{args.sample_tokens}-token sample"
    )
    write_result(args.name, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
