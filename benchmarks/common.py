"""Helpers shared by the benchmark scripts: result files and the bundled corpus."""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
SHAKESPEARE = ROOT / "resources" / "corpora" / "tinyshakespeare.txt"


def write_result(name: str, result: dict) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    result = {
        "benchmark": name,
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.machine()}, {torch.get_num_threads()} torch threads, torch {torch.__version__}",
        **result,
    }
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return path
