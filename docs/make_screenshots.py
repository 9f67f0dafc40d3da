"""Drive the real window and save a screenshot of every tab (light, dark and presenter mode).

Run under a display, for example ``xvfb-run -s "-screen 0 2000x1200x24" .venv/bin/python docs/make_screenshots.py``.
Trains a character and a BPE vocabulary on Tiny Shakespeare so the Vocabulary tab has something to show.
``--screens [RUN_DIR]`` shoots every tab at 1280x720 and presenter mode at 1920x1080 with a run loaded
(``screenshot-1280x720-*.png``, ``screenshot-presenter-1920x1080-*.png``) and fails if the window resized itself.
``--compress [RUN_DIR]`` compresses a run to int8 in the Compress tab and shoots it (``compress-tab.png``).
``--model-seq2seq`` shoots the Model tab's encoder-decoders on the reverse toy task (``model-seq2seq*.png``).
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
import time
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))
os.environ.setdefault("LMSTUDIO_SETTINGS_DIR", tempfile.mkdtemp(prefix="lmstudio-shots-"))

from PySide6.QtCore import QCoreApplication  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from lmstudio.gui.app import create_app  # noqa: E402
from lmstudio.gui.i18n import set_language  # noqa: E402
from lmstudio.gui.theme import apply_theme  # noqa: E402

SIZE = (1440, 900)
PRESENTER_SIZE = (1920, 1080)


def pump(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        time.sleep(0.01)


def wait(condition, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the window did not get there in time")
        QCoreApplication.processEvents()
        time.sleep(0.02)


def train(tab, kind: str, size: int) -> None:
    tab.kind.setCurrentIndex(tab.kind.findData(kind))
    tab.vocab_size.setValue(size)
    tab.train()
    wait(lambda: not tab.is_training())


def shoot(window, name: str) -> None:
    pump(0.4)
    path = DOCS / f"screenshot-{name}.png"
    window.grab().save(str(path))
    print("wrote", path)


def generate_in_playground(window, run_dir: str, prompt: str, max_new: int, seed: int = 7):
    """The Playground shown with ``run_dir``'s best checkpoint loaded and ``max_new`` tokens generated from
    ``prompt`` with ``seed``; returns the tab."""
    tab = next(w for w in window.tab_widgets if type(w).__name__ == "PlaygroundTab")
    window.tabs.setCurrentIndex(window.tab_widgets.index(tab))
    tab.load_run(run_dir, "best")
    wait(lambda: tab.loaded is not None and not tab.is_busy())
    tab.prompt.setPlainText(prompt)
    tab.form.max_new.setValue(max_new)
    tab.form.seed.setValue(seed)
    tab.generate()
    wait(lambda: not tab.is_busy())
    return tab


def shoot_playground(window, run_dir: str) -> None:
    """Playground: generate from a trained run, pin a token, branch from an alternative; attention."""
    tab = generate_in_playground(window, run_dir, "ROMEO:\n", 160)
    tokens = tab.branches[tab.current].tokens
    at = next(k for k, t in enumerate(tokens) if k > 20 and t["rank"] > 1 and t["text"].strip())
    tab._on_click(at)
    tab.page.prob.branch_selected()  # continue with the best alternative instead
    wait(lambda: not tab.is_busy())
    tab._on_click(at)
    tab.page.chips.set_selected(at)
    shoot(window, "playground")
    tab.pages.setCurrentIndex(2)
    tab.look_inside()
    wait(lambda: not tab.is_busy())
    tab.inside.layer.setCurrentIndex(tab.inside.layer.count() - 1)
    tab.inside.head.setCurrentIndex(1)
    shoot(window, "attention")
    tab.pages.setCurrentIndex(0)


def shoot_inside(window, run_dir: str) -> None:
    """Issue 16's Playground views on a trained run: Score with GLTR's summary (score-gltr.png), Lens & heads with
    one head switched off (playground-lens.png), the Embedding map (playground-embedding.png) and Compare with
    every checkpoint in columns (playground-columns.png)."""
    tab = generate_in_playground(window, run_dir, "ROMEO:\n", 60)

    def save(name: str) -> None:
        pump(0.5)
        window.grab().save(str(DOCS / f"{name}.png"))
        print("wrote", DOCS / f"{name}.png")

    tab.pages.setCurrentWidget(tab.score_panel)
    tab.score_panel.text.setPlainText(
        "ROMEO:\nBut soft, what light through yonder window breaks?\nIt is the east, and Juliet is the sun."
    )
    tab.score_panel.button.click()
    wait(lambda: tab.score_panel.result is not None and not tab.is_busy())
    save("score-gltr")
    tab.pages.setCurrentWidget(tab.lens_page)
    tab.lens_page.button.click()
    wait(lambda: tab.lens_page.grid.weights.size > 0 and not tab.is_busy())
    tab.lens_page.grid.show_head(tab.loaded.config.model.n_layer - 1, 0)
    save("playground-lens")
    tab.pages.setCurrentWidget(tab.embedding_page)
    tab.embedding_page.button.click()
    wait(lambda: tab.embedding_page.data is not None and not tab.is_busy())
    save("playground-embedding")
    from lmstudio.gui.tabs.playground.compare import EVERY

    tab.pages.setCurrentWidget(tab.compare_panel)
    tab.compare_panel.set_mode(EVERY)
    tab.compare_panel.button.click()
    wait(lambda: tab.compare_panel.column_chips and not tab.is_busy())
    save("playground-columns")
    tab.pages.setCurrentIndex(0)


def shoot_watch_learn(window, seconds: float = 45.0) -> None:
    """The Train tab about ``seconds`` into training the default model, on its Watch it learn page, the scrubber
    moved back to the second evaluation (train-watch.png)."""
    os.environ.setdefault("LMSTUDIO_RUNS_DIR", tempfile.mkdtemp(prefix="lmstudio-shots-runs-"))
    names = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    tab = window.tab_widgets[names.index("Train")]
    window.tabs.setCurrentWidget(tab)
    form = tab.form.editors
    for key, value in (("steps", 3000), ("eval_interval", 50), ("eval_iters", 5), ("checkpoint_interval", 0)):
        form[key].setValue(value)
    tab.start()
    wait(lambda: tab.state == "running" and len(tab.charts.run.steps) > 0, 120)
    start = time.monotonic()
    wait(lambda: time.monotonic() - start > seconds, seconds + 30)
    tab.charts.refresh()
    tab.bottom_tabs.setCurrentWidget(tab.probe_view)
    pump(0.3)
    window.grab().save(str(DOCS / "train-watch.png"))
    print("wrote", DOCS / "train-watch.png")
    tab.stop()
    wait(lambda: tab.state == "idle", 120)


def shoot_translate(window, run_dir: str, source: str = "abcdefghij") -> None:
    """Playground's Translate mode with a translation run (the reverse toy task): the streamed translation with a
    token pinned, a branch from an alternative and the beams (playground-translate.png), then the cross-attention
    alignment of the best translation (playground-alignment.png: an anti-diagonal for a reversal)."""
    tab = next(w for w in window.tab_widgets if type(w).__name__ == "PlaygroundTab")
    window.tabs.setCurrentIndex(window.tab_widgets.index(tab))
    tab.load_run(run_dir, "best")
    wait(lambda: tab.loaded is not None and not tab.is_busy())
    tab.prompt.setPlainText(source)
    tab.form.set_decoding("greedy")
    tab.generate()
    wait(lambda: not tab.is_busy())
    at = 3
    tab._on_click(at)
    tab.branch_from(tab.branches[0].tokens[at]["alternatives"][1][0])  # the runner-up at token 4
    wait(lambda: not tab.is_busy())
    tab.form.set_decoding("beam")
    tab.form.beam_width.setValue(3)
    tab.generate()
    wait(lambda: not tab.is_busy())
    tab.show_branch(0)
    tab._on_click(at)
    tab.page.chips.set_selected(at)
    pump(0.2)
    window.grab().save(str(DOCS / "playground-translate.png"))
    print("wrote", DOCS / "playground-translate.png")
    tab.pages.setCurrentWidget(tab.alignment)
    pump(0.4)
    window.grab().save(str(DOCS / "playground-alignment.png"))
    print("wrote", DOCS / "playground-alignment.png")
    tab.pages.setCurrentIndex(0)


def shoot_train_translate(window, session, steps: int = 300) -> None:
    """The Train tab after a short run of the reverse toy task (GRU with attention, ~40 s of CPU): BLEU, chrF and
    exact match under the usual charts, the table of sample translations, the Translation settings in view."""
    from PySide6.QtWidgets import QScrollArea

    from lmstudio.core.config import ModelConfig, TokenizerConfig
    from lmstudio.core.data.toy_tasks import ensure_toy_corpus, toy_read_options

    os.environ.setdefault("LMSTUDIO_RUNS_DIR", tempfile.mkdtemp(prefix="lmstudio-shots-runs-"))
    read = toy_read_options()
    path = ensure_toy_corpus("reverse", 2000, session.data_config.seed)
    session.open_corpus(
        path,
        task="translate",
        toy_task="reverse",
        toy_pairs=2000,
        format=read.format,
        source_column=read.source_column,
        target_column=read.target_column,
    )
    wait(lambda: not session.is_opening())
    session.set_tokenizer_config(TokenizerConfig(kind="char"))
    session.set_model_config(ModelConfig(arch="gru", d_model=64, n_layer=1, block_size=16))
    names = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    tab = window.tab_widgets[names.index("Train")]
    window.tabs.setCurrentWidget(tab)
    form = tab.form.editors
    for key, value in (
        ("steps", steps),
        ("batch_size", 64),
        ("eval_interval", 50),
        ("eval_iters", 4),
        ("checkpoint_interval", 0),
        ("warmup_steps", 0),
        ("lr", 3e-3),
        ("min_lr", 3e-3),
        ("bleu_pairs", 100),
    ):
        form[key].setValue(value)
    for key, value in (("schedule", "constant"), ("optimizer", "adamw")):
        form[key].setCurrentIndex(form[key].findData(value))
    tab.start()
    wait(lambda: tab.state == "idle", 600)
    tab.charts.refresh()
    scroll = tab.form
    while scroll is not None and not isinstance(scroll, QScrollArea):
        scroll = scroll.parentWidget()
    scroll.ensureWidgetVisible(tab.form.boxes["Translation"])
    pump(0.4)
    window.grab().save(str(DOCS / "train-translate.png"))
    print("wrote", DOCS / "train-translate.png")


def shoot_train_processes(window, seconds: float = 40.0) -> None:
    """The Train tab about ``seconds`` into a run in 2 processes (DistributedDataParallel under torchrun, gloo on
    this CPU), the Hardware group with Processes in view, the log naming each rank's device."""
    from PySide6.QtWidgets import QScrollArea

    os.environ.setdefault("LMSTUDIO_RUNS_DIR", tempfile.mkdtemp(prefix="lmstudio-shots-runs-"))
    names = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    tab = window.tab_widgets[names.index("Train")]
    window.tabs.setCurrentWidget(tab)
    form = tab.form.editors
    for key, value in (
        ("steps", 3000),
        ("eval_interval", 100),
        ("eval_iters", 10),
        ("sample_tokens", 160),
        ("checkpoint_interval", 0),
        ("processes", 2),
    ):
        form[key].setValue(value)
    tab.start()
    wait(lambda: tab.state == "running" and len(tab.charts.run.steps) > 0, 120)
    start = time.monotonic()
    wait(lambda: time.monotonic() - start > seconds, seconds + 30)
    tab.charts.refresh()
    scroll = tab.form
    while scroll is not None and not isinstance(scroll, QScrollArea):
        scroll = scroll.parentWidget()
    scroll.ensureWidgetVisible(tab.form.boxes["Hardware"])
    pump(0.4)
    window.grab().save(str(DOCS / "train-processes.png"))
    print("wrote", DOCS / "train-processes.png")
    tab.stop()
    wait(lambda: tab.state == "idle", 120)


def shoot_model_and_train(window, seconds: float = 30.0) -> None:
    """Model tab (small Transformer, measured step) and the Train tab about ``seconds`` into training,
    with a learning-rate change marked on the charts."""
    os.environ.setdefault("LMSTUDIO_RUNS_DIR", tempfile.mkdtemp(prefix="lmstudio-shots-runs-"))
    names = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    model_tab, train_tab = window.tab_widgets[names.index("Model")], window.tab_widgets[names.index("Train")]
    window.tabs.setCurrentWidget(model_tab)
    model_tab.arch.setCurrentIndex(model_tab.arch.findData("transformer"))
    model_tab.apply_preset("small")
    model_tab.measure()
    wait(lambda: "ms" in model_tab.stat_labels["step_time"].text())
    shoot(window, "model")
    window.tabs.setCurrentWidget(train_tab)
    form = train_tab.form.editors
    for key, value in (
        ("steps", 3000),
        ("eval_interval", 100),
        ("eval_iters", 10),
        ("sample_tokens", 160),
        ("checkpoint_interval", 0),
        ("warmup_steps", 50),
        ("lr", 2e-3),
    ):
        form[key].setValue(value)
    train_tab.start()
    wait(lambda: train_tab.state == "running")
    pump(seconds * 0.6)
    train_tab.lr_edit.setValue(1e-3)
    train_tab.apply_lr()
    pump(seconds * 0.4)
    train_tab.charts.refresh()
    train_tab.show_sample_at(train_tab.charts.run.samples[-1][0])
    shoot(window, "train")
    train_tab.stop()
    wait(lambda: train_tab.state == "idle")


def shoot_model_seq2seq(window) -> None:
    """Model tab in translate mode (the reverse toy task): the GRU encoder-decoder with Bahdanau attention
    (model-seq2seq.png) and the Transformer encoder-decoder (model-seq2seq-transformer.png)."""
    session = window.session
    names = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    data_tab, tab = window.tab_widgets[0], window.tab_widgets[names.index("Model")]
    data_tab.apply_data(task="translate", toy_task="reverse")
    wait(lambda: session.data_config.task == "translate" and session.stats is not None)
    window.tabs.setCurrentWidget(tab)
    for arch, name in (("gru", "model-seq2seq"), ("transformer", "model-seq2seq-transformer")):
        tab.arch.setCurrentIndex(tab.arch.findData(arch))
        tab.apply_preset("small")
        if arch == "gru":
            tab.editors["attention"].setCurrentIndex(tab.editors["attention"].findData("bahdanau"))
        wait(lambda a=arch: session.model_config.arch == a and tab.diagram.seq2seq is not None)
        pump(0.4)
        window.grab().save(str(DOCS / f"{name}.png"))
        print("wrote", DOCS / f"{name}.png")


def open_window():
    """The app in the light theme with the main window shown on Tiny Shakespeare, statistics done."""
    app = create_app(sys.argv)
    set_language(os.environ.get("LMSTUDIO_LANGUAGE", "en"))  # LMSTUDIO_LANGUAGE=zh_CN: the Chinese window
    apply_theme(app, "light", False)
    from lmstudio.gui.main_window import MainWindow
    from lmstudio.gui.session import Session

    session = Session()
    window = MainWindow(session)
    session.open_corpus(None)
    window.resize(*SIZE)
    window.show()
    wait(lambda: session.stats is not None and "detecting" not in window.device_label.text())
    return app, session, window


def model_train_only() -> int:
    """``make_screenshots.py --train``: only the Model and Train tabs (trains for about 30 s)."""
    app, session, window = open_window()
    window.tabs.setCurrentIndex(1)
    train(window.tab_widgets[1], "char", 100)
    shoot_model_and_train(window)
    _close(window)
    return 0


def _tiny_run(out: Path) -> Path:
    """A small character-level Transformer trained for a few hundred steps on Tiny Shakespeare (CPU, ~1 min)."""
    from lmstudio.core.config import DataConfig, ModelConfig, TrainConfig, WorkspaceConfig
    from lmstudio.core.training.launch import new_trainer

    config = WorkspaceConfig(
        data=DataConfig(),
        model=ModelConfig(arch="transformer", block_size=64, n_layer=2, n_head=4, d_model=64),
        train=TrainConfig(
            batch_size=16,
            steps=400,
            lr=3e-3,
            min_lr=3e-4,
            warmup_steps=20,
            eval_interval=50,
            eval_iters=5,
            checkpoint_interval=0,
            sample_tokens=120,
            device="cpu",
            seed=7,
        ),
    )
    for _ in new_trainer(config, out).run():
        pass
    return out


def screens(run_dir: str | None) -> int:
    """``make_screenshots.py --screens [RUN_DIR]``: Data, Vocabulary, Model, Train and Playground at
    1280x720, then presenter mode at 1920x1080, with a run loaded (trained here when no RUN_DIR is given)."""
    from lmstudio.app.train_metrics import RunMetrics
    from lmstudio.core.runs.checkpoint import read_samples
    from lmstudio.core.training.metrics_log import read_metrics_rows

    run = (
        Path(run_dir)
        if run_dir
        else _tiny_run(Path(tempfile.mkdtemp(prefix="lmstudio-shots-run-")) / "shakespeare-transformer")
    )
    app, session, window = open_window()
    names = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    tab = {name: window.tab_widgets[i] for i, name in enumerate(names)}
    window.resize(1280, 720)
    pump(0.5)
    window.tabs.setCurrentWidget(tab["Vocabulary"])
    train(tab["Vocabulary"], "char", 100)
    metrics = RunMetrics.from_rows(read_metrics_rows(run / "metrics.csv"), run.name)
    for sample in read_samples(run):
        metrics.add_sample(int(sample["step"]), sample["text"])
    charts = tab["Train"].charts
    charts.reset(metrics, session.tokenizer.vocab_size if session.tokenizer else 0, math.nan, 0)
    charts.refresh()
    tab["Train"].show_sample_at(metrics.samples[-1][0])
    playground = tab["Playground"]
    window.tabs.setCurrentWidget(playground)
    playground.load_run(str(run), "best")
    wait(lambda: playground.loaded is not None and not playground.is_busy())
    playground.form.max_new.setValue(200)
    playground.form.seed.setValue(7)
    playground.generate()
    wait(lambda: not playground.is_busy())
    tokens = playground.branches[playground.current].tokens
    at = next((k for k, t in enumerate(tokens) if k > 20 and t["text"].strip()), 0)
    playground._on_click(at)
    playground.page.chips.set_selected(at)
    for name in names:
        window.tabs.setCurrentWidget(tab[name])
        shoot(window, f"1280x720-{name.lower()}")
        assert (window.width(), window.height()) == (1280, 720), f"the {name} tab resized the window"
    window.resize(1920, 1080)
    window.act_presenter.trigger()
    pump(0.5)
    for name in ("Playground", "Train", "Data", "Model"):
        window.tabs.setCurrentWidget(tab[name])
        charts.refresh()
        shoot(window, f"presenter-1920x1080-{name.lower()}")
        assert (window.width(), window.height()) == (1920, 1080), f"the {name} tab resized the window in presenter mode"
    window.act_presenter.trigger()
    _close(window)
    return 0


def shoot_compress(run_dir: str | None) -> int:
    """``make_screenshots.py --compress [RUN_DIR]``: the Compress tab after dynamic int8 of a run (trained here,
    ~1 min of CPU, when no RUN_DIR is given): the before/after table, the size and perplexity chart, both
    generations side by side."""
    run = (
        Path(run_dir)
        if run_dir
        else _tiny_run(Path(tempfile.mkdtemp(prefix="lmstudio-shots-run-")) / "shakespeare-transformer")
    )
    app, session, window = open_window()
    tab = next(w for w in window.tab_widgets if type(w).__name__ == "CompressTab")
    window.tabs.setCurrentWidget(tab)
    session.set_run(run)  # as when the Train tab has just finished it
    wait(lambda: tab.run_dir and not tab.is_busy())
    tab.method.setCurrentIndex(tab.method.findData("int8"))
    tab.name.setText(f"int8-{time.strftime('%H%M%S')}")  # a run compressed before keeps its int8
    tab.prompt.setText("ROMEO:\\n")
    tab.tokens.setValue(120)
    tab.compress()
    wait(lambda: not tab.is_busy() and tab.result is not None, 600)
    wait(lambda: not tab.is_busy())
    pump(0.4)
    window.grab().save(str(DOCS / "compress-tab.png"))
    print("wrote", DOCS / "compress-tab.png")
    _close(window)
    return 0


def _close(window) -> None:
    import lmstudio.gui.main_window as main_window

    if hasattr(main_window, "ask_save_changes"):  # nothing to save from a screenshot session
        main_window.ask_save_changes = lambda *args: main_window.QMessageBox.StandardButton.Discard
    window.close()
    QApplication.instance().quit()


def main() -> int:
    if "--screens" in sys.argv:
        at = sys.argv.index("--screens") + 1
        return screens(sys.argv[at] if at < len(sys.argv) else None)
    if "--compress" in sys.argv:
        at = sys.argv.index("--compress") + 1
        return shoot_compress(sys.argv[at] if at < len(sys.argv) else None)
    if "--train" in sys.argv:
        return model_train_only()
    if "--playground-run" in sys.argv:  # only the Playground shots, from an already trained run
        return playground_only(sys.argv[sys.argv.index("--playground-run") + 1])
    if "--runs-sweep" in sys.argv:  # the Runs tab and the Sweeps page over a duel (see shoot_runs)
        app, session, window = open_window()
        shoot_runs(window, sys.argv[sys.argv.index("--runs-sweep") + 1])
        _close(window)
        return 0
    if "--tang-run" in sys.argv:  # the Chinese Playground on a tang-poems run (see shoot_tang)
        os.environ["LMSTUDIO_LANGUAGE"] = "zh_CN"
        app, session, window = open_window()
        shoot_tang(window, sys.argv[sys.argv.index("--tang-run") + 1])
        _close(window)
        return 0
    if "--model-seq2seq" in sys.argv:  # the Model tab's encoder-decoders (see shoot_model_seq2seq)
        app, session, window = open_window()
        shoot_model_seq2seq(window)
        _close(window)
        return 0
    if "--inside-run" in sys.argv:  # issue 16's Playground views, from a trained run (see shoot_inside)
        app, session, window = open_window()
        shoot_inside(window, sys.argv[sys.argv.index("--inside-run") + 1])
        _close(window)
        return 0
    if "--watch-learn" in sys.argv:  # the Train tab's Watch it learn page while training (see shoot_watch_learn)
        app, session, window = open_window()
        shoot_watch_learn(window)
        _close(window)
        return 0
    if "--train-processes" in sys.argv:  # the Train tab during a run in 2 processes (see shoot_train_processes)
        app, session, window = open_window()
        shoot_train_processes(window)
        _close(window)
        return 0
    if "--train-translate" in sys.argv:  # the Train tab after a short toy translation run (see shoot_train_translate)
        app, session, window = open_window()
        shoot_train_translate(window, session)
        _close(window)
        return 0
    if "--translate-run" in sys.argv:  # the Translate mode, from a trained translation run (see shoot_translate)
        app, session, window = open_window()
        shoot_translate(window, sys.argv[sys.argv.index("--translate-run") + 1])
        _close(window)
        return 0
    app, session, window = open_window()
    data_tab, vocab_tab = window.tab_widgets[:2]
    data_tab.preview.verticalScrollBar().setValue(0)
    shoot(window, "data")

    window.tabs.setCurrentIndex(1)
    train(vocab_tab, "char", 100)
    train(vocab_tab, "bpe", 2000)
    vocab_tab.segmentation.set_text(
        "ROMEO:\nBut, soft! what light through yonder window breaks?\nIt is the east, and Juliet is the sun."
    )
    shoot(window, "vocabulary")
    vocab_tab.pages.setCurrentIndex(1)
    vocab_tab.compare.text.setPlainText(
        "JULIET:\nO Romeo, Romeo! wherefore art thou Romeo?\nDeny thy father and refuse thy name;\n"
        "Or, if thou wilt not, be but sworn my love,\nAnd I'll no longer be a Capulet.\n\n"
        "ROMEO:\n[Aside] Shall I hear more, or shall I speak at this?"
    )
    shoot(window, "vocabulary-compare")
    vocab_tab.pages.setCurrentIndex(0)

    apply_theme(app, "dark", False)
    window.tabs.setCurrentIndex(0)
    shoot(window, "data-dark")
    window.tabs.setCurrentIndex(1)
    shoot(window, "vocabulary-dark")
    apply_theme(app, "light", True)
    window.resize(*PRESENTER_SIZE)  # a projector's 1080p
    shoot(window, "vocabulary-presenter")
    window.tabs.setCurrentIndex(0)
    shoot(window, "data-presenter")
    _close(window)
    return 0


def shoot_tang(window, run_dir: str) -> None:
    """Issue 17: the Playground in the Chinese interface writing a Tang poem from a run of the tang-poems recipe
    (``lmstudio train --recipe tang-poems --out RUN_DIR``), one character's alternatives open (playground-tang-zh.png);
    run with ``LMSTUDIO_LANGUAGE=zh_CN``."""
    tab = generate_in_playground(window, run_dir, "春", 95)
    tokens = tab.branches[tab.current].tokens
    at = next((k for k, t in enumerate(tokens) if k > 8 and t["rank"] > 1 and t["text"].strip()), 10)
    tab._on_click(at)
    tab.page.chips.set_selected(at)
    pump(0.5)
    window.grab().save(str(DOCS / "playground-tang-zh.png"))
    print("wrote", DOCS / "playground-tang-zh.png")


def shoot_runs(window, sweep_dir: str) -> None:
    """Issue 18: the Runs tab over the runs of a duel (runs-table.png, with the curves of two runs overlaid), and the
    Sweeps page with the duel's results (sweep-duel.png: parallel coordinates, the best run, the summary). Make the
    duel with ``lmstudio duel architectures --seconds 20 --out DIR/duel`` and run with LMSTUDIO_RUNS_DIR=DIR/duel."""
    from lmstudio.app.experiments.sweep import load_sweep, sweep_results

    tab = next(w for w in window.tab_widgets if type(w).__name__ == "RunsTab")
    window.tabs.setCurrentWidget(tab)
    tab.refresh()
    wait(lambda: not tab.is_scanning() and len(tab.rows()) >= 2)
    tab.select_paths([row.path for row in tab.rows()])
    pump(0.8)
    window.grab().save(str(DOCS / "runs-table.png"))
    print("wrote", DOCS / "runs-table.png")
    page = tab.sweep_page
    tab.pages.setCurrentIndex(1)
    page.load_spec(load_sweep(Path(sweep_dir) / "sweep.json"))
    page.show_results(sweep_results(Path(sweep_dir)))
    pump(0.8)
    window.grab().save(str(DOCS / "sweep-duel.png"))
    print("wrote", DOCS / "sweep-duel.png")


def playground_only(run_dir: str) -> int:
    """``make_screenshots.py --playground-run RUN_DIR``, a run trained for a minute, e.g.
    ``lmstudio train --preset small --steps 1200 --out RUN_DIR``."""
    app, session, window = open_window()
    shoot_playground(window, run_dir)
    _close(window)
    return 0


if __name__ == "__main__":
    sys.exit(main())
