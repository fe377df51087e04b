"""Qt table models for the counter: the households a search found and one household's members."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from app.roster.search import HouseholdMatch, Member

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
# Statuses with nothing left to collect: greyed so the eye goes to the people who still owe.
_SETTLED = frozenset({"paid_here", "paid_elsewhere", "employee", "deceased", "moved_away"})
_GREY = QBrush(QColor(110, 110, 110))

Row = TypeVar("Row")


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


class RowTableModel(QAbstractTableModel, Generic[Row]):
    """A read-only table over a list of objects, one per row; subclasses say what each cell
    shows in `cell` and name their columns in `headers`."""

    def __init__(self, headers: Sequence[str], parent: Any = None) -> None:
        super().__init__(parent)
        self._headers = tuple(headers)
        self._rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self.cell(self._rows[index.row()], index.column(), role)

    def cell(self, row: Row, column: int, role: int) -> Any:
        raise NotImplementedError


class HouseholdTableModel(RowTableModel[HouseholdMatch]):
    """The households found by a search, one row each: number, village, head, who matched."""

    NUMBER, VILLAGE, HEAD, MATCHED, SIZE = range(5)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            (
                self.tr("Household no."),
                self.tr("Village"),
                self.tr("Head"),
                self.tr("Matched"),
                self.tr("People"),
            ),
            parent,
        )

    def set_households(self, households: Sequence[HouseholdMatch]) -> None:
        self.set_rows(households)

    def household(self, row: int) -> HouseholdMatch | None:
        return self.row_at(row)

    def cell(self, household: HouseholdMatch, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.NUMBER:
                return household.number
            if column == self.VILLAGE:
                return household.village_name
            if column == self.HEAD:
                head = household.head
                return head.name if head else ""
            if column == self.MATCHED:
                # Only who matched when it is not the head: otherwise the column repeats itself.
                matched = next((m for m in household.members if m.matched), None)
                return matched.name if matched and matched is not household.head else ""
            if column == self.SIZE:
                return str(len(household.members))
        elif role == Qt.ItemDataRole.ToolTipRole and column == self.VILLAGE:
            return f"{household.township_name} {household.village_name}"
        elif role == Qt.ItemDataRole.TextAlignmentRole and column == self.SIZE:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class MemberTableModel(RowTableModel[Member]):
    """One household's members as the counter shows them: never a full ID or a category."""

    NAME, ID_NUMBER, RELATION, STATUS, SUBSIDY = range(5)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            (
                self.tr("Name"),
                self.tr("ID number"),
                self.tr("Relation to head"),
                self.tr("Enrolment status"),
                self.tr("Subsidy"),
            ),
            parent,
        )
        self._bold = _bold()

    def set_members(self, members: Sequence[Member]) -> None:
        self.set_rows(members)

    def member(self, row: int) -> Member | None:
        return self.row_at(row)

    def cell(self, member: Member, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.NAME:
                return member.name
            if column == self.ID_NUMBER:
                # The full number stays off the screen: anyone behind the agent can read it.
                return member.masked_id
            if column == self.RELATION:
                return member.relation_name
            if column == self.STATUS:
                return member.status_label
            if column == self.SUBSIDY:
                # Some categories are health conditions (PIPL art. 28): only that there is one.
                return self.tr("Subsidised") if member.categories else ""
        elif role == Qt.ItemDataRole.FontRole and member.matched:
            return self._bold
        elif role == Qt.ItemDataRole.ForegroundRole and member.status in _SETTLED:
            return _GREY
        return None
