"""One definition of each thing the GUI used to compute again, and the torch- and Qt-free modules stay so."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _imports(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"import sys; {code}; print(' '.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    return set(out.stdout.split())


def test_training_events_import_no_torch():
    loaded = _imports("import lmstudio.core.training.events")
    assert "torch" not in loaded


def test_the_command_line_parses_without_loading_torch():
    """``lmstudio --help`` and ``train --processes N`` (which only launches the processes) load no torch: the
    compress command's choices used to import it, two seconds on every command."""
    loaded = _imports(
        "from lmstudio.cli import build_parser; build_parser().parse_args(['train', '--resume', 'r'])"
        "; import lmstudio.core.training.distributed, lmstudio.app.torchrun"
    )
    assert "torch" not in loaded


def test_the_app_layer_imports_no_qt_and_no_torch():
    loaded = _imports("import lmstudio.app.corpus, lmstudio.app.units, lmstudio.app.device, lmstudio.app.train_metrics")
    assert not {"PySide6", "pyqtgraph", "torch"} & loaded


@pytest.mark.parametrize(
    "pattern, where",
    [
        (r"^def open_corpus\(", "lmstudio/core/data/split_cache.py"),
        (r"def ensure_splits\(|def splits_cached\(", "lmstudio/core/data/split_cache.py"),
        (r"^SPLIT_NAMES = |^SPLITS = ", "lmstudio/core/data/splits.py"),
        (r"def kind_of\(|def _guess_format\(|def guess_format\(", "lmstudio/core/data/formats.py"),
        (r"def auto_threads\(|def default_threads\(", "lmstudio/core/devices.py"),
        (r"^COLUMNS = |^\s+columns = \(", "lmstudio/core/training/metrics_log.py"),
        (r"def perplexity\(", "lmstudio/core/inference/metrics.py"),
        (r"def bits_per_char\(", "lmstudio/core/inference/metrics.py"),
        (r"def load_corpus\(|def corpus_stats\(|def cleaned_lines\(", "lmstudio/app/corpus.py"),
        (r"def human_duration\(|def format_duration\(", "lmstudio/app/units.py"),
        (r"def human_count\(|def human_bytes\(|def human_number\(", "lmstudio/app/units.py"),
    ],
)
def test_one_definition(pattern, where):
    out = subprocess.run(
        ["grep", "-rnE", pattern, "lmstudio", "--include=*.py"], capture_output=True, text=True, cwd=REPO
    )
    files = sorted({line.split(":", 1)[0] for line in out.stdout.splitlines()})
    hits = [line for line in out.stdout.splitlines()]
    assert files == [where], hits
    if "|" not in pattern:
        assert len(hits) == 1, hits
