"""The Playground's Generate page: the token chips, the branch tree and the probability view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...i18n import QT_TR_NOOP, tr
from ...widgets.common import ElidedLabel
from ...widgets.prob_view import ProbabilityView
from ...widgets.token_chips import ColorLegend, TokenChips, legend_row

if TYPE_CHECKING:
    from ....app.playground import Branch

COLOR_MODES = (
    (
        "probability",
        QT_TR_NOOP("Probability"),
        QT_TR_NOOP("Colour each token by the model's probability for it (green likely, red unlikely)"),
    ),
    (
        "rank",
        QT_TR_NOOP("Rank buckets"),
        QT_TR_NOOP("Colour by the token's rank among all candidates: top 10, 100, 1000 or beyond (as GLTR)"),
    ),
)


class GeneratePage(QWidget):
    sig_branch_selected = Signal(int)  # index into the tab's branch list

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.color_mode = QComboBox()
        for key, name, tip in COLOR_MODES:
            self.color_mode.addItem(tr(name), key)
            self.color_mode.setItemData(self.color_mode.count() - 1, tr(tip), Qt.ItemDataRole.ToolTipRole)
        self.color_mode.setToolTip(tr("What the chip colours show: probability or rank bucket"))
        self.lean = QComboBox()
        for key, name in (("off", tr("Off")), ("attention", tr("Attention")), ("gradient", tr("Gradient × input"))):
            self.lean.addItem(name, key)
        self.lean.setToolTip(
            tr(
                "Hover a generated token to underline the earlier tokens its prediction leaned on: by attention "
                "(Transformers: every layer's heads averaged) or by gradient × input (any model: how much the token's "
                "log-probability changes with each earlier token's embedding). The longer the bar, the more"
            )
        )
        self.legend = ColorLegend()
        self.color_mode.currentIndexChanged.connect(self._on_color_mode)
        self.chips = TokenChips(
            tr("The prompt (grey) and the generated tokens; hover a token for its alternatives, click to pin it")
        )
        self.status = ElidedLabel(
            tr("Load a run, type a prompt and press Generate.")
        )  # long messages elide (tooltip: all)
        self.status.setToolTip(tr("What the generator is doing, and its speed"))
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([tr("Branch"), tr("Tokens")])
        self.tree.setToolTip(
            tr(
                "Every text generated from this prompt: a branch departs from its parent at the token "
                "you chose instead. Click one to show it."
            )
        )
        self.tree.setMinimumWidth(230)
        header = self.tree.header()  # the token count stays readable in any font; names elide
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemClicked.connect(self._on_tree_clicked)
        self.prob = ProbabilityView()
        self._items: list[QTreeWidgetItem] = []

        top = QHBoxLayout()
        top.addWidget(legend_row(self.legend, tr("Colour by")), 1)
        top.insertWidget(0, self.color_mode)
        lean_label = QLabel(tr("Leaned on"))
        lean_label.setToolTip(self.lean.toolTip())
        top.addWidget(lean_label)
        top.addWidget(self.lean)
        chips_area = QScrollArea()
        chips_area.setWidgetResizable(True)
        chips_area.setWidget(self.chips)
        chips_area.setMinimumHeight(140)
        self.chips_area = chips_area
        upper = QSplitter(Qt.Orientation.Horizontal)
        upper.addWidget(chips_area)
        upper.addWidget(self.tree)
        upper.setStretchFactor(0, 4)
        upper.setStretchFactor(1, 1)
        self.upper = upper
        self._lm_layout: tuple | None = None  # the language model's splitter state and chips tooltip
        vertical = QSplitter(Qt.Orientation.Vertical)
        vertical.addWidget(upper)
        vertical.addWidget(self.prob)
        vertical.setStretchFactor(0, 1)
        vertical.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(vertical, 1)

    def set_translation(self, translation: bool) -> None:
        """A translation is short and its beams have long names (scores): the branch list gets more room, and
        the chips say what they hold; back to a language model, the layout as it was."""
        if translation and self._lm_layout is None:
            self._lm_layout = (self.upper.saveState(), self.chips.toolTip())
            total = max(2, sum(self.upper.sizes()))
            self.upper.setSizes([total * 3 // 5, total - total * 3 // 5])
            self.chips.setToolTip(
                tr(
                    "The source (grey), then the translation token by token; hover a token for its alternatives, "
                    "click to pin it"
                )
            )
        elif not translation and self._lm_layout is not None:
            state, tip = self._lm_layout
            self.upper.restoreState(state)
            self.chips.setToolTip(tip)
            self._lm_layout = None

    def _on_color_mode(self) -> None:
        mode = self.color_mode.currentData()
        self.chips.set_mode(mode)
        self.legend.set_mode(mode)

    # branches -----------------------------------------------------------------------------------------
    def clear_branches(self) -> None:
        self.tree.clear()
        self._items = []

    def add_branch(self, branch: Branch) -> None:
        item = QTreeWidgetItem([branch.name, "0"])
        item.setData(0, Qt.ItemDataRole.UserRole, len(self._items))
        item.setToolTip(0, branch.name)
        parent = self._items[branch.parent] if branch.parent is not None else None
        if parent is not None:
            parent.addChild(item)
            parent.setExpanded(True)
        else:
            self.tree.addTopLevelItem(item)
        self._items.append(item)

    def update_branch(self, index: int, branch: Branch) -> None:
        item = self._items[index]
        item.setText(1, str(len(branch.tokens)))
        preview = branch.text()[:60].replace("\n", "↵")
        item.setToolTip(0, f"{branch.name}: “{preview}…”" if preview else branch.name)

    def select_branch(self, index: int) -> None:
        self.tree.setCurrentItem(self._items[index])

    def _on_tree_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        self.sig_branch_selected.emit(int(item.data(0, Qt.ItemDataRole.UserRole)))
