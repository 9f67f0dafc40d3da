"""Watch it learn: the probes of a run at each evaluation (see :mod:`lmstudio.core.inference.probes`), with a
scrubber over the evaluations.

Left, the probe passage as chips coloured by the probability the model gave each token at that evaluation
(red: surprised, green: expected); right, the next-token probabilities after the probe prompt (the top 10),
which start out uniform and become confident. The scrubber goes back and forth in time; "Follow" keeps it
on the newest evaluation while a run trains (or replays).
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..i18n import QT_TR_NOOP, tr
from .common import scrolled
from .prob_view import BarsChart
from .token_chips import TokenChips, visible

PROBE_TIP = QT_TR_NOOP(
    "Watch it learn: at every evaluation the model scores the same passage (Probe passage in the settings; by "
    "default the first tokens of the validation split) and predicts the token after the same prompt (Probe "
    "prompt). Drag the slider to go back and forth between evaluations."
)
CHIPS_TIP = QT_TR_NOOP(
    "The probe passage, each token coloured by the probability the model gave it after the tokens before it at "
    "this evaluation: red tokens surprised it, green ones it expected. The first token has no context and is "
    "shown as plain text. Hover a token for its probability."
)
BARS_TIP = QT_TR_NOOP(
    "The 10 most likely next tokens after the probe prompt at this evaluation, most likely first: an untrained "
    "model spreads its probability evenly; a trained one puts most of it on a few tokens."
)
SLIDER_TIP = QT_TR_NOOP("The evaluation shown: drag to go back and forth in time (arrow keys step one evaluation)")
FOLLOW_TIP = QT_TR_NOOP("Show each new evaluation as it arrives; moving the slider back turns this off")


class ProbeView(QWidget):
    """The probes of one run; ``add_probe`` while it trains, ``set_probes`` for a finished or resumed run."""

    sig_shown = Signal(int)  # the step of the evaluation now shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setToolTip(tr(PROBE_TIP))
        self.probes: list[dict] = []
        self.index = -1
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setEnabled(False)
        self.slider.setToolTip(tr(SLIDER_TIP))
        self.slider.valueChanged.connect(self._on_slider)
        self.position = QLabel(tr("no evaluation yet"))
        self.position.setToolTip(tr(SLIDER_TIP))
        self.follow = QCheckBox(tr("Follow"))
        self.follow.setChecked(True)
        self.follow.setToolTip(tr(FOLLOW_TIP))
        self.follow.toggled.connect(self._on_follow)
        self.summary = QLabel("")
        self.summary.setToolTip(
            tr(
                "The passage's mean probability per token and its loss (mean surprisal, nats per token) at this "
                "evaluation"
            )
        )
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(QLabel(tr("Evaluation")))
        top.addWidget(self.slider, 1)
        top.addWidget(self.position)
        top.addWidget(self.follow)
        self.chips = TokenChips(tr(CHIPS_TIP), mode="probability")
        self.chips.set_empty_text(tr("The probe passage appears here at the first evaluation."))
        self.bars = BarsChart(tr("Next token"), tr("probability (%)"), tr(BARS_TIP))
        self.bars.setMinimumHeight(120)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.summary)
        lv.addWidget(scrolled(self.chips), 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.bars)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(split, 1)

    # data ---------------------------------------------------------------------------------------------
    def clear(self) -> None:
        self.set_probes([])

    def set_probes(self, probes: list[dict]) -> None:
        """A run's probes so far (a resumed or finished run); shows the newest."""
        self.probes = [dict(p) for p in probes]
        self._sync_slider()
        if self.probes:
            self.show_index(len(self.probes) - 1)
        else:
            self.index = -1
            self.chips.set_tokens([])
            self.bars.set_bars([], [])
            self.summary.setText("")
            self.position.setText(tr("no evaluation yet"))

    def add_probe(self, probe: dict) -> None:
        """One more evaluation's probes (a ProbeEvent's fields): shown at once while following."""
        self.probes.append(dict(probe))
        self._sync_slider()
        if self.follow.isChecked() or self.index < 0:
            self.show_index(len(self.probes) - 1)
        else:
            self._update_position()

    def show_index(self, index: int) -> None:
        """Show evaluation ``index`` (0 = the first) of the run."""
        if not self.probes:
            return
        index = max(0, min(index, len(self.probes) - 1))
        self.index = index
        if self.slider.value() != index:
            blocked = self.slider.blockSignals(True)
            self.slider.setValue(index)
            self.slider.blockSignals(blocked)
        probe = self.probes[index]
        texts, probs = probe["tokens"], probe["probs"]
        scored = [(t, p) for t, p in zip(texts[1:], probs[1:]) if p == p]  # NaN: not scored
        tokens = [
            {
                "text": t,
                "prob": p,
                "tooltip": tr("“{token}”: probability {probability} at step {step} (surprisal {bits} bits)").format(
                    token=visible(t),
                    probability=f"{p:.2%}",
                    step=f"{probe['step']:,}",
                    bits=f"{-math.log2(max(p, 1e-300)):.2f}",
                ),
            }
            for t, p in scored
        ]
        self.chips.set_tokens(tokens, prefix=texts[0] if texts else "")
        if scored:
            mean_p = sum(p for _, p in scored) / len(scored)
            loss = -sum(math.log(max(p, 1e-300)) for _, p in scored) / len(scored)
            self.summary.setText(
                tr("mean probability {probability} · loss {loss} nats/token").format(
                    probability=f"{mean_p:.1%}", loss=f"{loss:.3f}"
                )
            )
        else:
            self.summary.setText("")
        labels = [visible(t) or "∅" for t in probe["top_tokens"]]
        self.bars.set_bars(
            labels, [(list(probe["top_probs"]), tr("step {step}").format(step=f"{probe['step']:,}"))]
        )  # drawn in percent
        prompt = visible(probe.get("prompt", ""))
        title = tr("Next token after “{prompt}”").format(prompt=prompt[-24:]) if prompt else tr("Next token")
        if title != self.bars._title:
            self.bars._title = title  # the themed chart keeps its title for restyling
            self.bars._fit_title()
        self._update_position()
        self.sig_shown.emit(int(probe["step"]))

    def shown_step(self) -> int | None:
        return int(self.probes[self.index]["step"]) if 0 <= self.index < len(self.probes) else None

    # internals ----------------------------------------------------------------------------------------
    def _sync_slider(self) -> None:
        blocked = self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, len(self.probes) - 1))
        self.slider.setEnabled(len(self.probes) > 1)
        self.slider.blockSignals(blocked)

    def _update_position(self) -> None:
        if not self.probes or self.index < 0:
            return
        step = self.probes[self.index]["step"]
        self.position.setText(
            tr("step {step} · {index} of {count}").format(
                step=f"{step:,}", index=self.index + 1, count=len(self.probes)
            )
        )

    def _on_slider(self, value: int) -> None:
        if value < len(self.probes) - 1 and self.follow.isChecked():
            blocked = self.follow.blockSignals(True)
            self.follow.setChecked(False)  # looking back in time: new evaluations do not pull the view away
            self.follow.blockSignals(blocked)
        self.show_index(value)

    def _on_follow(self, on: bool) -> None:
        if on and self.probes:
            self.show_index(len(self.probes) - 1)
