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


class ResumeDialog(QDialog):
    """``plan_for(steps)`` gives the core's ResumePlan for a target step count (None: the run's own)."""

    def __init__(self, run_dir: Path, plan_for: Callable[[int | None], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Resume run")
        self.plan_for = plan_for
        own = plan_for(None)
        self.start_step, self.run_steps = own.start_step, own.run_steps
        finished = self.start_step >= self.run_steps
        self.summary = QLabel(
            f"<b>{Path(run_dir).name}</b>: last checkpoint at step {self.start_step:,} of its {self.run_steps:,} steps"
            + (" (finished)." if finished else ".")
        )
        self.summary.setWordWrap(True)
        self.summary.setToolTip(str(run_dir))
        self.steps = QSpinBox()
        self.steps.setRange(self.start_step + 1, min(MAX_STEPS, 2**31 - 1))
        self.steps.setSingleStep(100)
        self.steps.setGroupSeparatorShown(True)
        self.steps.setValue(self.run_steps if not finished else max(2 * self.run_steps, self.start_step + 1))
        self.steps.setToolTip(
            "Train to this step. The run's own step count continues its schedule; another number "
            "stretches the schedule (warmup, decay) over the new length"
        )
        self.schedule = QLabel()
        self.schedule.setObjectName("hint")
        self.schedule.setWordWrap(True)
        self.schedule.setToolTip(
            "The learning-rate schedule the resumed run follows, and the learning rate of its next step"
        )
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Resume")
        ok.setToolTip("Continue training from the last checkpoint with this schedule")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setToolTip("Do not resume")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        label = QLabel("Continue to")
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
        at = f"resuming at step {plan.start_step:,}"
        if not plan.extends:
            self.schedule.setText(
                f"Continues the run's own schedule of {plan.run_steps:,} steps: learning rate "
                f"{plan.lr_run:.3g} on {at}."
            )
        else:
            self.schedule.setText(
                f"Extends the run to {plan.steps:,} steps, a new schedule: the learning rate on {at} changes from "
                f"{plan.lr_run:.3g} (its {plan.run_steps:,}-step schedule) to {plan.lr_new:.3g} "
                f"({plan.steps:,}-step schedule)."
            )
