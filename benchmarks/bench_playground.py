"""Streaming in the Playground tab against the core generator alone.

The same model (the baby-GPT shape: 4 layers, 4 heads, width 128, block 256, vocabulary 65, random
weights: speed does not depend on what was learned) generates 500 tokens with the same settings
(sampling, 10 alternatives per token, fixed seed) two ways, alternating, in one process:

- core: ``for event in generate(...)``, nothing else;
- tab: the Playground tab's Generate: the worker thread, batches crossing to the GUI thread, the
  token chips laid out and painted (offscreen), timed from the click to the last token shown.

Target (issue 6): the tab within 10% of the core's speed, i.e. median ratio tab/core tokens per
second >= 0.9. Writes benchmarks/out/playground.json and prints it.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_playground.py [--repeats 5] [--tokens 500]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from benchmarks.bench_generation import VOCAB, _Tok  # noqa: E402
from benchmarks.common import write_result  # noqa: E402
from lmstudio.core.config import ModelConfig, WorkspaceConfig  # noqa: E402
from lmstudio.core.inference.generation import generate  # noqa: E402
from lmstudio.core.models import build_model  # noqa: E402

PROMPT = "ROMEO:\n"
TARGET = 0.9


class _BenchTok(_Tok):
    kind = "bench"

    def encode(self, text):
        return [min(VOCAB - 1, max(0, ord(c) - 32)) for c in text]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--tokens", type=int, default=500)
    parser.add_argument("--threads", type=int, default=0, help="CPU threads; 0 = torch's default")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    from PySide6.QtCore import QCoreApplication, QEventLoop
    from PySide6.QtWidgets import QApplication

    from lmstudio.gui.session import Session
    from lmstudio.gui.tabs.playground import PlaygroundTab
    from lmstudio.gui.theme import apply_theme

    app = QApplication.instance() or QApplication([])
    apply_theme(app, "light", False)
    torch.manual_seed(0)
    model = build_model(
        ModelConfig(arch="transformer", vocab_size=VOCAB, block_size=256, n_layer=4, n_head=4, d_model=128, mlp_ratio=4)
    ).eval()
    tok = _BenchTok()
    session = Session()
    tab = PlaygroundTab(session)
    tab.resize(1400, 900)
    tab.show()
    tab.loaded = SimpleNamespace(model=model, tokenizer=tok, config=WorkspaceConfig())  # default cleaning: none
    tab._update_buttons()
    tab.prompt.setPlainText(PROMPT)
    tab.form.max_new.setValue(args.tokens)
    tab.form.seed.setValue(1)
    cfg = tab.form.sample_config()

    def run_core() -> float:
        t0 = time.perf_counter()
        n = sum(1 for _ in generate(model, tok, PROMPT, cfg))
        assert n == args.tokens
        return time.perf_counter() - t0

    def run_tab() -> float:
        t0 = time.perf_counter()
        tab.generate()
        loop = QEventLoop()  # wait as the application does: in Qt's event loop, not polling
        tab._job.sig_finished.connect(loop.quit)
        loop.exec()
        QCoreApplication.processEvents()  # the last batch painted
        elapsed = time.perf_counter() - t0
        assert len(tab.page.chips.tokens) == args.tokens, len(tab.page.chips.tokens)
        return elapsed

    run_core(), run_tab()  # warm-up: first-call costs of torch and Qt
    core, gui, ratios = [], [], []
    for _ in range(args.repeats):
        c, g = run_core(), run_tab()
        core.append(c)
        gui.append(g)
        ratios.append(c / g)
    texts = {b.text() for b in tab.branches}
    tab.clear_branches()
    session.close()
    ratio = statistics.median(ratios)
    result = {
        "model": "transformer 4x128, block 256, vocabulary 65 (random weights)",
        "tokens": args.tokens,
        "repeats": args.repeats,
        "threads": torch.get_num_threads(),
        "core_tokens_per_s": round(args.tokens / statistics.median(core), 1),
        "tab_tokens_per_s": round(args.tokens / statistics.median(gui), 1),
        "core_seconds": [round(x, 4) for x in core],
        "tab_seconds": [round(x, 4) for x in gui],
        "ratios": [round(r, 4) for r in ratios],
        "median_ratio": round(ratio, 4),
        "target_ratio": TARGET,
        "meets_target": ratio >= TARGET,
        "same_text_every_run": len(texts) == 1,
    }
    write_result("playground", result)
    return 0  # a benchmark measures and reports the target; it does not fail on a slow machine


if __name__ == "__main__":
    sys.exit(main())
