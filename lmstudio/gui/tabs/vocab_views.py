"""Views of a trained vocabulary: the sortable, searchable piece table and the segmentation view."""

from __future__ import annotations

import random
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...core.data.cleaning import clean_sample_lines, clean_text, cleaning_summary
from ...core.data.segment import HAN_RUN, Segmenter, jieba_available
from ...core.errors import LMStudioError
from ..i18n import QT_TR_NOOP, tr
from ..widgets.token_chips import TokenChips, visible

SORT_ROLE = Qt.ItemDataRole.UserRole
NO_PARENT = QModelIndex()  # the root: a flat table has no other parent
DEFAULT_TEXT = "To be, or not to be, that is the question:\nWhether 'tis nobler in the mind to suffer"


def piece_label(piece: dict[str, Any]) -> str:
    """How a vocabulary entry is shown: specials and bytes as their names, text with visible whitespace."""
    if piece.get("kind") in ("special", "byte"):
        return piece["piece"]
    return visible(piece.get("text", piece["piece"]))


class VocabularyModel(QAbstractTableModel):
    HEADERS = (QT_TR_NOOP("ID"), QT_TR_NOOP("Piece"), QT_TR_NOOP("Frequency"), QT_TR_NOOP("Length"))
    TIPS = (
        QT_TR_NOOP("The token id the model sees"),
        QT_TR_NOOP("The text of the piece: · is a space, ↵ a newline, → a tab; <0x..> are single bytes"),
        QT_TR_NOOP("How often the piece occurs in the train split"),
        QT_TR_NOOP("Characters in the piece"),
    )
    KINDS = {"normal": QT_TR_NOOP("normal"), "special": QT_TR_NOOP("special"), "byte": QT_TR_NOOP("byte")}

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._pieces: list[dict[str, Any]] = []
        self._labels: list[str] = []

    def set_pieces(self, pieces: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._pieces = list(pieces)
        self._labels = [piece_label(p) for p in self._pieces]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._pieces)

    def columnCount(self, parent: QModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return tr(self.HEADERS[section])
            if role == Qt.ItemDataRole.ToolTipRole:
                return tr(self.TIPS[section])
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        p, col = self._pieces[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (str(p["id"]), self._labels[index.row()], f"{p['frequency']:,}", str(p["length"]))[col]
        if role == SORT_ROLE:
            return (p["id"], self._labels[index.row()], p["frequency"], p["length"])[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            kind = p.get("kind", "normal")
            return tr("id {id} · {kind} piece {piece} · {frequency} in train").format(
                id=p["id"], kind=tr(self.KINDS.get(kind, kind)), piece=repr(p["piece"]), frequency=f"{p['frequency']:,}"
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and col != 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class VocabularyTable(QWidget):
    """Search box over the table; the search matches pieces as displayed (type a space or · for spaces)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model = VocabularyModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("Search pieces…"))
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip(tr("Show only pieces containing this text (a space matches ·)"))
        self.search.textChanged.connect(lambda text: self.proxy.setFilterFixedString(visible(text)))
        self.count = QLabel()
        self.count.setObjectName("hint")
        self.count.setToolTip(tr("Pieces shown / pieces in the vocabulary"))
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(2, Qt.SortOrder.DescendingOrder)  # the most frequent pieces first
        self._fit_rows()
        self.view.verticalHeader().hide()
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        header = self.view.horizontalHeader()
        for col in (0, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.view.setToolTip(tr("Every piece of the vocabulary; click a header to sort"))
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)
        self.search.textChanged.connect(self._update_count)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)

    def set_pieces(self, pieces: list[dict[str, Any]]) -> None:
        self.model.set_pieces(pieces)
        self._update_count()

    def _fit_rows(self) -> None:
        # Compact rows that follow the font (presenter mode) without measuring every row.
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 6)

    def refresh_theme(self) -> None:
        self._fit_rows()

    def _update_count(self, *args) -> None:
        self.count.setText(f"{self.proxy.rowCount():,} / {self.model.rowCount():,}")


SEGMENT_MAX_TOKENS = 4000  # beyond this the view shows a note instead of more chips (painting stays instant)


def segment(tokenizer, text: str, frequencies: dict[int, int] | None = None) -> list[dict]:
    """Encode ``text`` and describe each token as a chip: its text, id and tooltip (id, frequency)."""
    boxes = []
    for i in tokenizer.encode(text):
        kind = tokenizer.piece_kind(i) if hasattr(tokenizer, "piece_kind") else "normal"
        piece = tokenizer.id_to_piece(i)
        shown = (
            piece
            if kind in ("special", "byte")
            else (tokenizer.piece_text(i) if hasattr(tokenizer, "piece_text") else piece)
        )
        freq = frequencies.get(i) if frequencies else None
        tip = tr("id {id}  ·  “{piece}”").format(id=i, piece=visible(shown))
        if freq is not None:
            tip += tr("  ·  frequency {frequency}").format(frequency=f"{freq:,}")
        boxes.append({"text": shown, "id": i, "tooltip": tip})
    return boxes


class SegmentationPanel(QWidget):
    """Typed text (or a random corpus sample) shown as tokens with alternating colours."""

    sig_sample_requested = Signal()

    def __init__(self, title: str = QT_TR_NOOP("Segmentation"), editable: bool = True, parent=None) -> None:
        super().__init__(parent)
        self.tokenizer = None
        self.frequencies: dict[int, int] = {}
        self.title = QLabel(f"<b>{tr(title)}</b>")
        self.input = QPlainTextEdit(DEFAULT_TEXT)
        self.input.setToolTip(tr("Type any text to see how the tokenizer splits it"))
        self.input.setMaximumHeight(90)
        self.input.setVisible(editable)
        self.sample_button = QPushButton(tr("Random sample"))
        self.sample_button.setToolTip(tr("Replace the text with a few random lines of the corpus"))
        self.sample_button.clicked.connect(self.sig_sample_requested)
        self.sample_button.setVisible(editable)
        self.summary = QLabel()
        self.summary.setToolTip(tr("Tokens for this text and the average characters per token"))
        self.cleaning = None  # the corpus's CleaningConfig: typed text is cleaned like the corpus before it is split
        self.segmenter = None  # the data's word segmenter: cleaning (stop words) and the words beside the pieces
        self.cleaning_note = QLabel()
        self.cleaning_note.setObjectName("hint")
        self.cleaning_note.setWordWrap(True)
        self.cleaning_note.setToolTip(
            tr(
                "The Data tab's cleaning is applied to this text before it is split, as it was "
                "to the corpus the vocabulary was trained on"
            )
        )
        self.cleaning_note.hide()
        self.view = TokenChips(mode="alternate", max_tokens=SEGMENT_MAX_TOKENS)
        self.view.set_empty_text(tr("Train a vocabulary to see how it splits text."))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.view)
        scroll.setToolTip(tr("Each box is one token; hover a token to see its id and frequency"))
        # Chinese text: the words of the segmenter (jieba) beside the tokenizer's pieces of the same text
        self.words_view = TokenChips(mode="alternate", max_tokens=SEGMENT_MAX_TOKENS)
        self.words_title = QLabel()
        self.words_title.setToolTip(
            tr(
                "The same text cut into words by the word segmenter (Data tab ▸ Words; jieba when it is whitespace): "
                "compare the words with the pieces the tokenizer learned"
            )
        )
        words_scroll = QScrollArea()
        words_scroll.setWidgetResizable(True)
        words_scroll.setWidget(self.words_view)
        words_scroll.setToolTip(self.words_title.toolTip())
        self.words_box = QWidget()
        wl = QVBoxLayout(self.words_box)
        wl.setContentsMargins(0, 0, 0, 0)
        wl.addWidget(self.words_title)
        wl.addWidget(words_scroll, 1)
        self.words_box.hide()
        self.pieces_title = QLabel()
        pieces_box = QWidget()
        pl = QVBoxLayout(pieces_box)
        pl.setContentsMargins(0, 0, 0, 0)
        pl.addWidget(self.pieces_title)
        pl.addWidget(scroll, 1)
        self.pieces_title.hide()
        views = QHBoxLayout()
        views.addWidget(pieces_box, 1)
        views.addWidget(self.words_box, 1)
        self._words_allowed = editable
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        if editable:
            head.addWidget(self.summary)
            head.addWidget(self.sample_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        if not editable:  # the Compare columns are narrow: the numbers go under the title
            layout.addWidget(self.summary)
        layout.addWidget(self.input)
        layout.addWidget(self.cleaning_note)
        layout.addLayout(views, 1)
        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self.refresh)
        self.input.textChanged.connect(self._timer.start)

    def set_tokenizer(self, tokenizer, frequencies: dict[int, int] | None = None) -> None:
        self.tokenizer, self.frequencies = tokenizer, frequencies or {}
        self.refresh()

    def set_cleaning(self, cleaning, segmenter=None) -> None:
        """The corpus's cleaning (a CleaningConfig, or None) and word segmenter: typed text goes through them
        before it is split."""
        self.cleaning, self.segmenter = cleaning, segmenter
        summary = cleaning_summary(cleaning) if cleaning is not None else ""
        self.cleaning_note.setText(
            tr("Cleaned like the corpus: {cleaning}").format(cleaning=summary) if summary else ""
        )
        self.cleaning_note.setVisible(bool(summary))
        self.refresh()

    def cleaned_text(self) -> str:
        """The text as the tokenizer receives it: cleaned like the corpus."""
        text = self.text()
        return clean_text(text, self.cleaning, self.segmenter) if self.cleaning is not None else text

    def set_text(self, text: str) -> None:
        self.input.setPlainText(text)
        self.refresh()

    def text(self) -> str:
        return self.input.toPlainText()

    def refresh(self) -> None:
        if self.tokenizer is None:
            self.view.set_tokens([])
            self.summary.clear()
            return
        text = self.cleaned_text()
        try:
            boxes = segment(self.tokenizer, text, self.frequencies)
        except Exception as exc:  # a tokenizer failing on odd input must not close the tab
            self.view.set_tokens([])
            self.view.set_empty_text(tr("Cannot encode this text: {error}").format(error=exc))
            return
        self.view.set_tokens(boxes)
        self._show_words(text)
        per = len(text) / len(boxes) if boxes else 0.0
        self.summary.setText(
            tr("{tokens} tokens · {chars} chars · {per_token} chars/token").format(
                tokens=f"{len(boxes):,}", chars=f"{len(text):,}", per_token=f"{per:.2f}"
            )
        )

    def words_segmenter(self):
        """The segmenter whose words are shown beside the pieces: the data's, or jieba (chars without jieba)."""
        if self.segmenter is not None and self.segmenter.name != "whitespace":
            return self.segmenter
        return Segmenter("jieba" if jieba_available() else "chars")

    def _show_words(self, text: str) -> None:
        """Beside the pieces, the words of a text holding Chinese (the segmenter's cut against the tokenizer's)."""
        show = self._words_allowed and bool(HAN_RUN.search(text))
        self.words_box.setVisible(show)
        self.pieces_title.setVisible(show)
        if not show:
            return
        segmenter = self.words_segmenter()
        try:
            words = segmenter.pieces(text)
        except LMStudioError as exc:  # jieba missing or a bad user dictionary: say so where the words would be
            self.words_view.set_tokens([])
            self.words_view.set_empty_text(str(exc))
            return
        self.words_view.set_tokens([{"text": w, "id": i, "tooltip": visible(w)} for i, w in enumerate(words)])
        n_words = sum(1 for w in words if w.strip() and any(ch.isalnum() for ch in w))
        self.words_title.setText(
            tr("<b>Words ({segmenter})</b> · {n} words").format(segmenter=segmenter.name, n=f"{n_words:,}")
        )
        kind = getattr(self.tokenizer, "kind", "")
        self.pieces_title.setText(tr("<b>Tokens ({kind})</b>").format(kind=kind))


def random_sample(preview, lines: int = 4, cleaning=None, segmenter=None) -> str:
    """A few lines of the corpus, drawn from the sample read when it was opened: no file access on the
    GUI thread (a huge or damaged file would freeze or break the tab), lines already cut to a sane length.
    With ``cleaning`` (the corpus's CleaningConfig) the lines are drawn as training sees them: cleaned,
    without the lines cleaning drops."""
    pool = list(preview.sample_lines) if preview is not None else []
    if cleaning is not None:
        pool = clean_sample_lines(pool, cleaning, segmenter)
    pool = [line for line in pool if line.strip()]
    if not pool:
        return DEFAULT_TEXT
    picked = sorted(random.sample(range(len(pool)), min(lines, len(pool))))
    return "\n".join(pool[i] for i in picked)
