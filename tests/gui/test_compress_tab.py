"""The Compress tab (issue 14): a real tiny run compressed on a worker, the before/after table, chart and
generations, the run's compressed checkpoints (in the Playground's list too), unavailable methods disabled with
the reason, and bad input as the core's message in the banner with nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("torch")


@pytest.fixture
def run(transformer_run, tmp_path) -> Path:
    """A copy of the module's tiny Transformer run (compressing writes into the run folder)."""
    return Path(shutil.copytree(transformer_run, tmp_path / "run"))


@pytest.fixture
def tab(qtbot, session):
    from lmstudio.gui.tabs.compress_tab import CompressTab

    widget = CompressTab(session)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    yield widget
    widget.shutdown()
    qtbot.waitUntil(lambda: not widget.is_busy(), timeout=20_000)


def _opened(qtbot, tab, run_dir) -> None:
    tab.open_run(str(run_dir))
    qtbot.waitUntil(lambda: not tab.is_busy(), timeout=20_000)


def _compressed(qtbot, tab) -> None:
    assert tab.compress() is not None
    qtbot.waitUntil(lambda: not tab.is_busy(), timeout=60_000)


def _checkpoints(run_dir: Path) -> set[str]:
    return {p.name for p in (run_dir / "checkpoints").iterdir()}


def test_int8_of_the_current_run_measured_before_and_after(qtbot, session, tab, run):
    from lmstudio.core.compress.quantize import available_quantizations
    from lmstudio.gui.tabs.playground.controls import SourceBar

    if available_quantizations()["int8"] is not None:
        pytest.skip("this torch has no dynamic int8 on this platform")
    assert not tab.current_button.isEnabled()  # no run trained yet
    session.set_run(run)  # the Train tab finished a run: the tab takes it
    qtbot.waitUntil(lambda: tab.run_dir == str(run) and not tab.is_busy(), timeout=20_000)
    assert [tab.checkpoint.itemData(i) for i in range(2)] == ["best", "last"]
    # weight-only int8/int4 need torchao (not installed): listed, disabled, with the reason
    assert not tab.is_method_enabled("int8-weight") and not tab.is_method_enabled("int4-weight")
    assert "torchao" in tab.unavailable.text() and not tab.unavailable.isHidden()
    assert tab.is_method_enabled("int8") and tab.is_method_enabled("heads")
    assert not tab.sparsity.isEnabled() and not tab.finetune.isEnabled()  # int8 is chosen: no sparsity
    assert tab.name.placeholderText() == "int8"
    tab.prompt.setText("ROMEO:\\n")
    tab.tokens.setValue(16)
    before = _checkpoints(run)

    _compressed(qtbot, tab)
    assert tab.banner.isHidden(), tab.banner.text()
    assert _checkpoints(run) == before | {"int8"}
    rows = {tab.table.item(r, 0).text(): [tab.table.item(r, c).text() for c in (1, 2, 3)] for r in range(8)}
    assert tab.table.rowCount() == 8 and set(rows) >= {"size on disk", "val perplexity", "tokens/s", "peak memory"}
    assert rows["size on disk"][2].startswith("-")  # smaller on disk, measured from the file
    result = tab.result
    assert result["after"]["size_bytes"] == (run / "checkpoints" / "int8" / "model.safetensors").stat().st_size
    assert result["after"]["size_bytes"] < result["before"]["size_bytes"]
    size = tab.size_chart.values()
    assert size is not None and size[1] < size[0]
    ppl = tab.ppl_chart.values()
    assert ppl == pytest.approx((result["before"]["perplexity"], result["after"]["perplexity"]))
    assert tab.before_text.toPlainText().startswith("ROMEO:\n") and tab.after_text.toPlainText().startswith("ROMEO:")
    assert "int8" in tab.after_title.text() and result["source_checkpoint"] in tab.before_title.text()
    assert "saving" in tab.log.toPlainText() and "saved" in tab.log.toPlainText()
    # the list of the run's compressed checkpoints has it (reread on a worker), selected
    qtbot.waitUntil(lambda: tab.listing.rowCount() == 1, timeout=20_000)
    assert tab.listing.item(0, 0).text() == "int8" and tab.listing.item(0, 1).text() == result["source_checkpoint"]
    # the Playground lists it beside the trained checkpoints
    bar = SourceBar()
    qtbot.addWidget(bar)
    bar.set_checkpoints(str(run), [], "best")
    assert "int8" in bar.checkpoint_names()

    # the same name again: the core's message, in the tab's words, and the checkpoint is left as it was
    weights = (run / "checkpoints" / "int8" / "model.safetensors").read_bytes()
    _compressed(qtbot, tab)
    message = tab.banner.text()
    assert "already exists" in message and "Name" in message and "--out-name" not in message
    assert (run / "checkpoints" / "int8" / "model.safetensors").read_bytes() == weights
    assert _checkpoints(run) == before | {"int8"}


def test_pruning_with_fine_tune_and_cancel(qtbot, tab, run):
    _opened(qtbot, tab, run)
    tab.method.setCurrentIndex(tab.method.findData("l1"))
    assert tab.sparsity.isEnabled() and tab.global_.isEnabled() and tab.finetune.isEnabled()
    tab.sparsity.setValue(60)
    tab.global_.setChecked(True)
    tab.finetune.setValue(2)
    assert tab.sparsity_value.text() == "60 %" and tab.name.placeholderText() == "l1-60-global-ft2"
    before = _checkpoints(run)

    handle = tab.compress()  # cancelled at once: nothing is written
    handle.cancel()
    qtbot.waitUntil(lambda: not tab.is_busy(), timeout=60_000)
    assert "cancelled" in tab.log.toPlainText() and _checkpoints(run) == before and tab.banner.isHidden()

    _compressed(qtbot, tab)
    assert tab.banner.isHidden(), tab.banner.text()
    recipe = tab.result["recipe"]
    assert recipe["method"] == "l1" and recipe["global"] and recipe["finetune_steps"] == 2
    assert tab.result["checkpoint"] == "l1-60-global-ft2"
    rows = {tab.table.item(r, 0).text(): tab.table.item(r, 2).text() for r in range(tab.table.rowCount())}
    nonzero = int(rows["non-zeros"].replace(",", ""))
    assert nonzero < tab.result["before"]["nonzero"]  # the zeros are there
    assert "fine-tuned 2 steps" in tab.notes.text()
    qtbot.waitUntil(lambda: tab.listing.rowCount() == 1, timeout=20_000)
    # choosing a compressed checkpoint in the list shows the figures stored with it
    tab.result = None
    tab.listing.clearSelection()
    tab.listing.selectRow(0)
    assert "measured when it was made" in tab.heading.text() and tab.table.rowCount() == 8


def test_bad_input_shows_the_message_and_writes_nothing(qtbot, tab, run, lstm_run, tmp_path):
    assert tab.compress() is None  # no run chosen
    assert "No run chosen" in tab.banner.text()

    empty = tmp_path / "not-a-run"
    empty.mkdir()
    _opened(qtbot, tab, empty)
    assert "not an lmstudio run folder" in tab.banner.text()
    assert tab.run_dir == ""

    untrained = tmp_path / "untrained"
    untrained.mkdir()
    shutil.copy(run / "config.json", untrained / "config.json")
    for name in ("tokenizer.json", "tokenizer.model"):
        if (run / name).exists():
            shutil.copy(run / name, untrained / name)
    _opened(qtbot, tab, untrained)
    assert "no checkpoint saved yet" in tab.run_facts.text()
    tab.method.setCurrentIndex(tab.method.findData("l1"))
    _compressed(qtbot, tab)
    assert "checkpoint" in tab.banner.text() and not (untrained / "checkpoints").exists()

    # a recurrent run: heads and channels are a Transformer's, disabled with the reason
    _opened(qtbot, tab, lstm_run)
    assert not tab.is_method_enabled("heads") and not tab.is_method_enabled("channels")
    assert tab.is_method_enabled("l1") and "lstm" in tab.unavailable.text()
