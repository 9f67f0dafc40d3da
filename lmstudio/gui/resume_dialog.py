"""The "Resume run" dialog: a run continues its own schedule unless the user chooses to extend it, and
the dialog shows what an extension does to the learning rate before anything starts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core.config import MAX_STEPS
from .i18n import tr


class ResumeDialog(QDialog):
    """``plan_for(steps)`` gives the core's ResumePlan for a target step count (None: the run's own)."""

    def __init__(self, run_dir: Path, plan_for: Callable[[int | None], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Resume run"))
        self.plan_for = plan_for
        own = plan_for(None)
        self.start_step, self.run_steps = own.start_step, own.run_steps
        finished = self.start_step >= self.run_steps
        summary = (
            tr("<b>{run}</b>: last checkpoint at step {step} of its {steps} steps (finished).")
            if finished
            else tr("<b>{run}</b>: last checkpoint at step {step} of its {steps} steps.")
        )
        self.summary = QLabel(
            summary.format(run=Path(run_dir).name, step=f"{self.start_step:,}", steps=f"{self.run_steps:,}")
        )
        self.summary.setWordWrap(True)
        self.summary.setToolTip(str(run_dir))
        self.steps = QSpinBox()
        self.steps.setRange(self.start_step + 1, min(MAX_STEPS, 2**31 - 1))
        self.steps.setSingleStep(100)
        self.steps.setGroupSeparatorShown(True)
        self.steps.setValue(self.run_steps if not finished else max(2 * self.run_steps, self.start_step + 1))
        self.steps.setToolTip(
            tr(
                "Train to this step. The run's own step count continues its schedule; another number "
                "stretches the schedule (warmup, decay) over the new length"
            )
        )
        self.schedule = QLabel()
        self.schedule.setObjectName("hint")
        self.schedule.setWordWrap(True)
        self.schedule.setToolTip(
            tr("The learning-rate schedule the resumed run follows, and the learning rate of its next step")
        )
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(tr("Resume"))
        ok.setToolTip(tr("Continue training from the last checkpoint with this schedule"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setToolTip(tr("Do not resume"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        label = QLabel(tr("Continue to"))
        label.setToolTip(self.steps.toolTip())
        form.addRow(label, self.steps)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addWidget(self.schedule)
        layout.addWidget(self.buttons)
        self.steps.valueChanged.connect(self._update)
        self._update()

    def chosen_steps(self) -> int | None:
        """None: the run's own schedule; else the new step count."""
        value = self.steps.value()
        return None if value == self.run_steps else value

    def _update(self) -> None:
        plan = self.plan_for(self.steps.value())
        if not plan.extends:
            self.schedule.setText(
                tr(
                    "Continues the run's own schedule of {run_steps} steps: learning rate "
                    "{lr} on resuming at step {step}."
                ).format(run_steps=f"{plan.run_steps:,}", lr=f"{plan.lr_run:.3g}", step=f"{plan.start_step:,}")
            )
        else:
            self.schedule.setText(
                tr(
                    "Extends the run to {steps} steps, a new schedule: the learning rate on resuming at step {step} "
                    "changes from {lr_run} (its {run_steps}-step schedule) to {lr_new} ({steps}-step schedule)."
                ).format(
                    steps=f"{plan.steps:,}",
                    step=f"{plan.start_step:,}",
                    lr_run=f"{plan.lr_run:.3g}",
                    run_steps=f"{plan.run_steps:,}",
                    lr_new=f"{plan.lr_new:.3g}",
                )
            )
