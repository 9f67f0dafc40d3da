"""The Train tab's run tools: choose the runs folder, overlay earlier runs on the charts, export PNG/CSV."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QMenu, QPushButton, QWidget

from ...app.train_metrics import RunMetrics
from ...core.errors import LMStudioError
from ...core.training.metrics_log import read_metrics_rows
from ..dialogs import show_error
from ..i18n import tr
from ..run_folders import list_runs, runs_folder, set_runs_folder
from .train_charts import TrainCharts


class RunTools(QWidget):
    def __init__(
        self,
        charts: TrainCharts,
        current_run: Callable[[], Path | None],
        log: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.charts, self._current_run, self._log = charts, current_run, log
        self.overlay_paths: list[Path] = []
        self.folder_button = QPushButton(tr("Runs folder…"))
        self.folder_button.clicked.connect(self.choose_runs_folder)
        self.overlay_button = QPushButton(tr("Overlay runs"))  # a push button keeps its menu arrow clear of the text
        self.overlay_button.setToolTip(tr("Draw earlier runs of the runs folder on the same charts (dashed)"))
        self.overlay_menu = QMenu(self)
        self.overlay_menu.setToolTipsVisible(True)
        self.overlay_menu.aboutToShow.connect(self._fill_overlay_menu)
        self.overlay_button.setMenu(self.overlay_menu)
        self.png_button = QPushButton(tr("PNG…"))
        self.png_button.setToolTip(tr("Export the charts as a PNG image"))
        self.png_button.clicked.connect(self.export_png)
        self.csv_button = QPushButton(tr("CSV…"))
        self.csv_button.setToolTip(tr("Export the metrics of this run as CSV"))
        self.csv_button.clicked.connect(self.export_csv)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for w in (self.folder_button, self.overlay_button, self.png_button, self.csv_button):
            layout.addWidget(w)
        self._update_folder_tip()

    def _update_folder_tip(self) -> None:
        self.folder_button.setToolTip(
            tr("Where runs are saved: {folder} (click to choose another folder)").format(folder=runs_folder())
        )

    def choose_runs_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, tr("Runs folder"), str(runs_folder()))
        if path:
            set_runs_folder(Path(path))
            self._update_folder_tip()

    def _fill_overlay_menu(self) -> None:
        self.overlay_menu.clear()
        runs = [p for p in list_runs(runs_folder()) if p != self._current_run()]
        if not runs:
            self.overlay_menu.addAction(tr("(no earlier runs in {folder})").format(folder=runs_folder())).setEnabled(
                False
            )
        for path in runs:
            act = self.overlay_menu.addAction(path.name)
            act.setToolTip(str(path))
            act.setCheckable(True)
            act.setChecked(path in self.overlay_paths)
            act.toggled.connect(
                lambda on, p=path: self.set_overlay_paths(
                    [q for q in self.overlay_paths if q != p] + ([p] if on else [])
                )
            )

    def set_overlay_paths(self, paths: list[Path]) -> None:
        self.overlay_paths = list(paths)
        runs = []
        for p in self.overlay_paths:
            try:
                runs.append(RunMetrics.from_rows(read_metrics_rows(p / "metrics.csv"), p.name))
            except (OSError, ValueError, LMStudioError) as exc:  # deleted, unreadable or damaged since it was listed
                self._log(tr("cannot read {path}: {error}").format(path=p / "metrics.csv", error=exc))
        self.charts.set_overlays(runs)

    def export_png(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, tr("Export charts"), str(runs_folder() / "charts.png"), tr("PNG image (*.png)")
        )
        if path:
            self._export(lambda: self.charts.export_png(Path(path)), Path(path))

    def export_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, tr("Export metrics"), str(runs_folder() / "metrics.csv"), tr("CSV (*.csv)")
        )
        if path:
            self._export(lambda: self.charts.export_csv(Path(path)), Path(path))

    def _export(self, write: Callable[[], object], path: Path) -> None:
        if path.is_dir():
            show_error(self, tr("Cannot export"), tr("{path}: is a folder; type a file name").format(path=path))
            return
        try:
            write()
        except OSError as exc:
            show_error(
                self,
                tr("Cannot export"),
                tr("{path}: {error}. Choose another folder or file name.").format(path=path, error=exc.strerror or exc),
            )
            return
        if not path.is_file():
            show_error(
                self,
                tr("Cannot export"),
                tr("{path}: the file could not be written. Choose another folder or file name.").format(path=path),
            )
            return
        self._log(tr("exported {path}").format(path=path))
