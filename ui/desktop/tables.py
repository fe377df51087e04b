"""How every table at the counter looks and moves: whole rows, tall rows, keyboard-first."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

ROW_HEIGHT = 1.7  # times the font's line height: easier to read and keep one's place
CELL_PADDING = 8  # px either side of a cell's text


def setup_table(view: QTableView, model: QAbstractItemModel) -> QTableView:
    """Read-only, one row selected at a time; Tab leaves the table (the arrows move rows)."""
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setStyleSheet(f"QTableView::item {{ padding: 0 {CELL_PADDING}px; }}")
    rows = view.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(round(view.fontMetrics().height() * ROW_HEIGHT))
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    header.setHighlightSections(False)
    return view


def select_row(view: QTableView, row: int) -> None:
    """Make `row` the current, whole-row selection (as the arrow keys would)."""
    model = view.model()
    view.selectionModel().setCurrentIndex(
        model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
