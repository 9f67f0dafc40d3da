"""The data health report's leakage figures on the bundled Tiny Shakespeare (default cleaning, 90/5/5, seed 1337):
validation lines (with text) also in the training split, and those sharing a 50-character stretch with it, with
the default random-line split and with blocks of 100 lines. ``python benchmarks/leakage.py`` (about 25 s); the
README quotes its output."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lmstudio.app.corpus import corpus_health  # noqa: E402
from lmstudio.core.config import DataConfig  # noqa: E402
from lmstudio.core.data.corpus import TINY_SHAKESPEARE, bundled_corpora  # noqa: E402


def main() -> int:
    base = DataConfig(corpus=str(bundled_corpora()[TINY_SHAKESPEARE]))
    print("split mode  val lines  also in train  share  sharing 50 chars  share")
    for mode in ("lines", "blocks"):
        v = corpus_health(dataclasses.replace(base, split_mode=mode), "")[1].leakage["val"]
        print(
            f"{mode:<10}  {v['lines']:>9,}  {v['in_train']:>13,}  {v['in_train_share']:>5.1%}"
            f"  {v['ngram']:>16,}  {v['ngram_share']:>5.1%}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
