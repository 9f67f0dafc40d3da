"""One path from a corpus to a tokenizer: the Vocabulary tab trains on the split files that prepare_cached
(training) would produce for the same settings: the same files in the same cache entry, split once, and
byte for byte what ``lmstudio prepare`` writes."""

from __future__ import annotations

import dataclasses

from lmstudio.core.config import CleaningConfig


def test_the_vocabulary_tab_trains_on_the_split_files_prepare_cached_uses(
    qtbot, vocab_tab, session, tmp_path, monkeypatch
):
    from lmstudio.core import tokenizers as core_tokenizers
    from lmstudio.core.data import split_cache
    from lmstudio.core.dataset import prepare as pipeline
    from lmstudio.core.dataset.tokens import TokenStore

    session.set_cleaning(CleaningConfig(lowercase=True, dedupe=True))  # settings other than the defaults
    session.set_split((0.8, 0.1, 0.1), "blocks", 7, 5)
    writes, gui_trained, core_trained, encoded = [], [], [], []

    real_write = split_cache.write_splits
    monkeypatch.setattr(split_cache, "write_splits", lambda *a, **k: writes.append(a[1]) or real_write(*a, **k))
    real_train = core_tokenizers.train_tokenizer
    monkeypatch.setattr(
        core_tokenizers,
        "train_tokenizer",
        lambda cfg, path, **k: gui_trained.append(path) or real_train(cfg, path, **k),
    )

    # the GUI's path: the Vocabulary tab's Train button, on its worker
    vocab_tab.kind.setCurrentIndex(vocab_tab.kind.findData("char"))
    with qtbot.waitSignal(session.sig_tokenizer_changed, timeout=30_000):
        vocab_tab.train_button.click()
    qtbot.waitUntil(lambda: not vocab_tab.is_training(), timeout=5_000)
    assert session.tokenizer is not None and len(gui_trained) == 1 and len(writes) == 1
    gui_dir = gui_trained[0].parent
    assert gui_dir == session.split_dir()

    # the training path, for the same settings
    config = session.workspace_config()
    monkeypatch.setattr(
        pipeline, "train_tokenizer", lambda cfg, path, **k: core_trained.append(path) or real_train(cfg, path, **k)
    )
    real_build = TokenStore.build.__func__
    monkeypatch.setattr(
        TokenStore,
        "build",
        classmethod(
            lambda cls, tok, paths, *a, **k: encoded.append(dict(paths)) or real_build(cls, tok, paths, *a, **k)
        ),
    )
    prepared = pipeline.prepare_cached(config)
    assert core_trained == gui_trained  # the very same file
    assert encoded == [{name: gui_dir / f"{name}.txt" for name in ("train", "val", "test")}]
    assert len(writes) == 1  # split once: prepare_cached reused the Vocabulary tab's files
    assert prepared.store.count("train") > 0

    # and byte for byte what `lmstudio prepare --out` writes into its folder for these settings
    out = pipeline.prepare(dataclasses.replace(config), tmp_path / "prepared", with_report=False)
    for name in ("train", "val", "test"):
        assert (out.directory / "splits" / f"{name}.txt").read_bytes() == (gui_dir / f"{name}.txt").read_bytes()
    assert (gui_dir / "val.txt").stat().st_size > 0
