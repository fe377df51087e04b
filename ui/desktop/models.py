"""Qt table models for the counter: the households a search found and one household's members."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from app.collection import MemberQuote
from app.money import format_yuan
from app.roster.search import HouseholdMatch, Member

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()
# Statuses with nothing left to collect: greyed so the eye goes to the people who still owe.
_SETTLED = frozenset({"paid_here", "paid_elsewhere", "employee", "deceased", "moved_away"})
GREY = QBrush(QColor(110, 110, 110))
_TICKED = QBrush(QColor(222, 242, 222))  # a pale green the eye finds without reading

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


@dataclass(frozen=True, slots=True)
class DeskRow:
    """One member at the desk: who they are and, when the policy could answer, their quote."""

    member: Member
    quote: MemberQuote | None

    @property
    def payable(self) -> bool:
        return self.quote is not None and self.quote.payable


class MemberTableModel(RowTableModel[DeskRow]):
    """One household's members at the desk: what each owes this year, and who is ticked to pay.

    Never a full ID or a special-group category: the quote's explanation, shown on hover,
    already says "资助对象" for the categories that are health conditions (PIPL art. 28)."""

    PAY, NAME, ID_NUMBER, RELATION, STATUS, STANDARD, SUBSIDY, DUE_NOW = range(8)
    _AMOUNTS = frozenset({STANDARD, SUBSIDY, DUE_NOW})

    ticked_changed = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            (
                self.tr("Pay"),
                self.tr("Name"),
                self.tr("ID number"),
                self.tr("Relation to head"),
                self.tr("Status this year"),
                self.tr("Standard"),
                self.tr("Subsidy"),
                self.tr("Due now"),
            ),
            parent,
        )
        self._bold = _bold()
        self._ticked: set[int] = set()
        # Short words for the status column; the quote's sentence is in the tooltip.
        self._reasons = {
            "due": self.tr("Due"),
            "paid_here": self.tr("Paid here"),
            "paid_elsewhere": self.tr("Paid elsewhere"),
            "employee": self.tr("Employee insurance"),
            "deceased": self.tr("Deceased"),
            "moved_away": self.tr("Moved away"),
            "before_collection": self.tr("Collection not open yet"),
            "year_over": self.tr("Benefit year over"),
            "closed": self.tr("Collection period over"),
            "no_cover_this_year": self.tr("No cover this year"),
        }

    def set_members(
        self, members: Sequence[Member], quotes: Mapping[int, MemberQuote] | None = None
    ) -> None:
        """Show `members`; with `quotes` (by person id) they can be ticked. Clears every tick."""
        self._ticked.clear()
        self.set_rows([DeskRow(m, (quotes or {}).get(m.person_id)) for m in members])
        self.ticked_changed.emit()

    def member(self, row: int) -> Member | None:
        found = self.row_at(row)
        return found.member if found else None

    def desk_row(self, row: int) -> DeskRow | None:
        return self.row_at(row)

    # --- ticking --------------------------------------------------------------------------

    def is_ticked(self, row: int) -> bool:
        found = self.row_at(row)
        return found is not None and found.member.person_id in self._ticked

    def set_ticked(self, row: int, ticked: bool) -> bool:
        """Tick or untick a row; False (and no change) for a member who cannot be charged."""
        found = self.row_at(row)
        if found is None or not found.payable:
            return False
        pid = found.member.person_id
        if (pid in self._ticked) == ticked:
            return True
        if ticked:
            self._ticked.add(pid)
        else:
            self._ticked.discard(pid)
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
        self.ticked_changed.emit()
        return True

    def toggle(self, row: int) -> bool:
        return self.set_ticked(row, not self.is_ticked(row))

    def tick_all_payable(self) -> int:
        """Tick everyone who can be charged; returns how many are ticked now."""
        for row in range(self.rowCount()):
            self.set_ticked(row, True)
        return len(self._ticked)

    def ticked_ids(self) -> list[int]:
        """Person ids of the ticked members, in the order the table lists them."""
        return [r.member.person_id for r in self._rows if r.member.person_id in self._ticked]

    def ticked_total(self) -> int:
        """What the ticked members owe now, in fen."""
        return sum(
            r.quote.quote.due_now_fen
            for r in self._rows
            if r.quote is not None and r.member.person_id in self._ticked
        )

    def payable_count(self) -> int:
        return sum(1 for r in self._rows if r.payable)

    # --- Qt -------------------------------------------------------------------------------

    def flags(self, index: _Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        row = self.row_at(index.row()) if index.isValid() else None
        if row is not None and index.column() == self.PAY and row.payable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        state = value.value if isinstance(value, Qt.CheckState) else int(value)
        return self.set_ticked(index.row(), state == Qt.CheckState.Checked.value)

    def status_text(self, row: DeskRow) -> str:
        if row.quote is None:
            return row.member.status_label
        if row.quote.receipt_no is not None:
            return self.tr("Paid · {receipt}").format(receipt=row.quote.receipt_no)
        if row.quote.correction_pending:
            return self.tr("Identity correction pending")
        reason = row.quote.quote.reason
        return self._reasons.get(reason, reason)

    def _amount(self, row: DeskRow, column: int) -> str:
        if row.quote is None or not row.quote.payable:
            return ""
        quote = row.quote.quote
        if column == self.STANDARD:
            return format_yuan(quote.standard_fen)
        if column == self.DUE_NOW:
            return format_yuan(quote.due_now_fen)
        if not quote.subsidy_fen:
            return ""
        subsidy = format_yuan(quote.subsidy_fen)
        if quote.subsidy_mode == "reimbursed":
            return self.tr("{amount} later").format(amount=subsidy)
        return subsidy

    def cell(self, row: DeskRow, column: int, role: int) -> Any:
        member = row.member
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.NAME:
                return member.name
            if column == self.ID_NUMBER:
                # The full number stays off the screen: anyone behind the agent can read it.
                return member.masked_id
            if column == self.RELATION:
                return member.relation_name
            if column == self.STATUS:
                return self.status_text(row)
            if column in self._AMOUNTS:
                return self._amount(row, column)
        elif role == Qt.ItemDataRole.CheckStateRole and column == self.PAY and row.payable:
            ticked = member.person_id in self._ticked
            return (Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked).value
        elif role == Qt.ItemDataRole.ToolTipRole and row.quote is not None:
            return row.quote.quote.explanation
        elif role == Qt.ItemDataRole.TextAlignmentRole and column in self._AMOUNTS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        elif role == Qt.ItemDataRole.FontRole and (
            member.matched or member.person_id in self._ticked
        ):
            return self._bold
        elif role == Qt.ItemDataRole.BackgroundRole and member.person_id in self._ticked:
            return _TICKED
        elif role == Qt.ItemDataRole.ForegroundRole and (
            not row.payable if row.quote is not None else member.status in _SETTLED
        ):
            return GREY
        return None
