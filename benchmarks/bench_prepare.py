"""Benchmark of data preparation: encoding throughput and peak memory.

throughput: encode Tiny Shakespeare x N into a token file with ``encode_file`` (a BPE tokenizer) and
    compare with raw sentencepiece encoding the same text in the same run; the ratio (ours / raw
    throughput) should be at least 0.8.
memory: generate a corpus of ``--size-mb`` MB (Tiny Shakespeare repeated) in a temporary folder, then
    in a fresh process train a BPE tokenizer on it and build the token store; report the peak resident
    memory (should stay under 1 GB for the default 1024 MB corpus).

    python benchmarks/bench_prepare.py [--mode throughput|memory|all] [--copies 10] [--size-mb 1024]

Results are printed and written to benchmarks/out/prepare.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lmstudio.core.config import TokenizerConfig  # noqa: E402
from lmstudio.core.dataset.tokens import encode_file  # noqa: E402
from lmstudio.core.tokenizers import train_tokenizer  # noqa: E402

SHAKESPEARE = ROOT / "resources" / "corpora" / "tinyshakespeare.txt"
OUT = ROOT / "benchmarks" / "out" / "prepare.json"
VOCAB = 4000


def _text() -> str:
    text = SHAKESPEARE.read_text(encoding="utf-8")
    return text if text.endswith("\n") else text + "\n"


def throughput(copies: int, repeats: int = 3) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = tmp / "corpus.txt"
        src.write_text(_text() * copies, encoding="utf-8")
        tok = train_tokenizer(TokenizerConfig(kind="bpe", vocab_size=VOCAB), SHAKESPEARE)
        sp, threads = tok.processor, tok._threads
        size = src.stat().st_size

        def raw() -> int:
            # Raw sentencepiece on the same text: read it, split at newlines, encode the lines in one batch
            # with the same thread count (sentencepiece's fastest way; one long string is ~4x slower).
            lines = src.read_text(encoding="utf-8").split("\n")
            rows = sp.encode([line + "\n" for line in lines[:-1]], num_threads=threads)
            return sum(len(r) for r in rows)

        def ours() -> int:
            return encode_file(tok, src, tmp / "tokens.bin")

        raw_times, our_times = [], []
        for _ in range(repeats):  # interleaved, best of N: both see the same machine state
            t = time.perf_counter()
            n_raw = raw()
            raw_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            n_ours = ours()
            our_times.append(time.perf_counter() - t)
        if n_raw != n_ours:
            raise SystemExit(f"token counts differ: raw {n_raw}, encode_file {n_ours}")
        raw_s, our_s = min(raw_times), min(our_times)
        return {
            "copies": copies,
            "bytes": size,
            "tokens": n_ours,
            "raw_sentencepiece_s": raw_s,
            "encode_file_s": our_s,
            "raw_mb_per_s": size / raw_s / 1e6,
            "encode_file_mb_per_s": size / our_s / 1e6,
            "ratio": raw_s / our_s,
            "target_ratio": 0.8,
        }


def _peak_rss_bytes() -> int | None:
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # macOS reports bytes, Linux kilobytes


def _child(path: Path, folder: Path) -> None:
    """Runs in a fresh process: prepare ``path`` and print peak memory as JSON."""
    import tracemalloc

    use_tracemalloc = _peak_rss_bytes() is None
    if use_tracemalloc:
        tracemalloc.start()
    base = _peak_rss_bytes()
    from lmstudio.core.config import DataConfig, WorkspaceConfig
    from lmstudio.core.dataset.prepare import prepare

    # the whole `lmstudio prepare` pipeline: read, split, train BPE, encode, statistics, vocabulary report
    config = WorkspaceConfig(data=DataConfig(corpus=str(path)), tokenizer=TokenizerConfig(kind="bpe", vocab_size=VOCAB))
    t = time.perf_counter()
    prepared = prepare(config, folder / "prepared")
    t_total = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1] if use_tracemalloc else _peak_rss_bytes()
    print(
        json.dumps(
            {
                "peak_bytes": peak,
                "peak_measure": "tracemalloc (Python allocations only)"
                if use_tracemalloc
                else "ru_maxrss (resident set)",
                "baseline_rss_after_imports": base,
                "tokens": sum(prepared.store.count(n) for n in ("train", "val", "test")),
                "prepare_s": t_total,
            }
        )
    )


def memory(size_mb: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = tmp / "big.txt"
        block = _text().encode("utf-8")
        target = size_mb * 1_000_000
        with open(src, "wb") as fh:
            written = 0
            while written < target:
                part = block[: target - written] if target - written < len(block) else block
                if len(part) < len(block):  # end on a whole line
                    part = part[: part.rfind(b"\n") + 1] or block[:1]
                fh.write(part)
                written += len(part)
                if len(part) < len(block):
                    break
        t = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(src), str(tmp)], capture_output=True, text=True, check=False
        )
        if proc.returncode != 0:
            raise SystemExit(f"memory benchmark failed:\n{proc.stderr}")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        result.update(
            {
                "size_mb": size_mb,
                "bytes": src.stat().st_size,
                "wall_s": time.perf_counter() - t,
                "target_peak_bytes": 1 << 30,
            }
        )
        return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=["throughput", "memory", "all"], default="all")
    parser.add_argument(
        "--copies", type=int, default=10, help="Tiny Shakespeare copies for the throughput test (default 10)"
    )
    parser.add_argument(
        "--size-mb", type=int, default=1024, help="corpus size for the memory test in MB (default 1024)"
    )
    parser.add_argument("--out", type=Path, default=OUT, help=f"JSON result file (default {OUT.relative_to(ROOT)})")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(Path(args.child[0]), Path(args.child[1]))
        return 0
    result: dict = {"machine": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count()}
    if args.mode in ("throughput", "all"):
        r = result["throughput"] = throughput(args.copies)
        print(
            f"prepare throughput: encode_file {r['encode_file_mb_per_s']:.1f} MB/s, raw sentencepiece "
            f"{r['raw_mb_per_s']:.1f} MB/s, ratio {r['ratio']:.2f} (target >= 0.8) on {r['bytes'] / 1e6:.0f} MB"
        )
    if args.mode in ("memory", "all"):
        r = result["memory"] = memory(args.size_mb)
        print(
            f"peak memory preparing {r['bytes'] / 1e6:.0f} MB: {r['peak_bytes'] / 2**20:.0f} MiB "
            f"({r['peak_measure']}; target < 1024 MiB); whole prepare pipeline {r['prepare_s']:.1f} s"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
