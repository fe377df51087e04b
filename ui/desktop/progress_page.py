"""进度: every village against its task, the two charts, the special groups not yet paid, and
the exports (任务分解表 as XLSX or PDF, the printable 催缴清单), all made on the desk's worker."""

# The figures and the files come from app.reports, app.unpaid, app.report_xlsx and
# printing.report_pdf, the same as `vcollect report`; this screen only shows and saves them.

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, QUrl, Signal, Slot
from PySide6.QtGui import (
    QBrush,
    QColor,
    QDesktopServices,
    QFont,
    QKeyEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.money import format_yuan
from app.reports import Progress, ProgressRow, workspace_progress
from app.unpaid import Dunning, ReportError, UnpaidHousehold, UnpaidMember, workspace_dunning
from app.workspace import Workspace
from printing.devices import PrintError, reason
from printing.targets import PDF_FOLDER, default_target, load_target
from ui.desktop.errors import report_bug
from ui.desktop.models import RowTableModel
from ui.desktop.progress_chart import DailyChart, VillageBars, bars_of
from ui.desktop.tables import setup_table
from ui.desktop.tasks import Task, TaskControl, TaskRunner

REPORTS_FOLDER = "报表"  # beside the receipts folder, as the 上解单 folder is
XLSX, PDF, DUNNING = "xlsx", "pdf", "dunning"
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_RED = "color: #b00020;"
_BELOW_TARGET = "#9a6700"
_SHORT = "#b00020"
_DONE = "#1b7f2a"
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
SIZED_ROWS = 300  # rows measured to size a table's columns


def rate(value: float | None) -> str:
    """A percentage as the table shows it: one decimal, or a dash when there is no base."""
    return "—" if value is None else f"{value:.1f}%"


@dataclass(frozen=True, slots=True)
class TableRow:
    number: str  # 序号; empty on the 合计 row
    row: ProgressRow
    total: bool = False


class ProgressTableModel(RowTableModel[TableRow]):
    """The villages in code order and the 合计 row, with every figure of the report."""

    (NUMBER, VILLAGE, POPULATION, TARGET, COLLECTED, AMOUNT, COMPLETION, PARTICIPATION,
     SPECIAL, WORK_FEE, NOTE) = range(11)  # fmt: skip
    _NUMBERS = frozenset(
        {POPULATION, TARGET, COLLECTED, AMOUNT, COMPLETION, PARTICIPATION, SPECIAL, WORK_FEE}
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            (
                self.tr("No."),
                self.tr("Village"),
                self.tr("Population"),
                self.tr("Task"),
                self.tr("Paid (people)"),
                self.tr("Amount paid"),
                self.tr("Completion"),
                self.tr("Participation"),
                self.tr("Special groups enrolled"),
                self.tr("Work fee"),
                self.tr("Note"),
            ),
            parent,
        )
        self.participation_target: int | None = None
        self.special_target = 100
        bold = QFont()
        bold.setBold(True)
        self._bold = bold

    def set_progress(self, progress: Progress) -> None:
        self.participation_target = progress.participation_target
        self.special_target = progress.special_groups_target or 100
        rows = [TableRow(str(n), v) for n, v in enumerate(progress.villages, start=1)]
        rows.append(TableRow("", progress.total, total=True))  # its name is 合计
        self.set_rows(rows)

    def text(self, line: TableRow, column: int) -> str:
        row = line.row
        texts: dict[int, Callable[[], str]] = {
            self.NUMBER: lambda: line.number,
            self.VILLAGE: lambda: row.name,
            self.POPULATION: lambda: str(row.population),
            self.TARGET: lambda: "—" if row.target is None else str(row.target),
            self.COLLECTED: lambda: str(row.collected),
            self.AMOUNT: lambda: format_yuan(row.amount_fen),
            self.COMPLETION: lambda: rate(row.completion),
            self.PARTICIPATION: lambda: rate(row.participation),
            self.SPECIAL: lambda: rate(row.special_coverage),
            self.WORK_FEE: lambda: (
                "—" if row.work_fee_fen is None else format_yuan(row.work_fee_fen)
            ),
            self.NOTE: lambda: row.note,
        }
        return texts[column]() if column in texts else ""

    def _colour(self, row: ProgressRow, column: int) -> str | None:
        if column == self.COMPLETION and row.completion is not None and row.completion >= 100:
            return _DONE
        target = self.participation_target
        if (
            column == self.PARTICIPATION
            and target is not None
            and row.participation is not None
            and row.participation < target
        ):
            return _BELOW_TARGET
        if (
            column == self.SPECIAL
            and row.special_coverage is not None
            and row.special_coverage < self.special_target
        ):
            return _SHORT
        return None

    def cell(self, line: TableRow, column: int, role: int) -> Any:
        row = line.row
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(line, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self._NUMBERS:
            return _RIGHT
        if role == Qt.ItemDataRole.FontRole and line.total:
            return self._bold
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = self._colour(row, column)
            return None if colour is None else QBrush(QColor(colour))
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.POPULATION and not line.total:
                return (
                    self.tr("From the county's task table")
                    if row.population_from_task
                    else self.tr("No task table: people on the roster due to enrol this year")
                )
            if column == self.TARGET and row.target is None:
                return self.tr("No task set")
            if column == self.SPECIAL and row.special:
                return self.tr("{enrolled} of {members} enrolled").format(
                    enrolled=row.special_enrolled, members=row.special
                )
            if column == self.NOTE and row.note:
                return row.note
        return None


Member = tuple[UnpaidHousehold, UnpaidMember]


class SpecialUnpaidModel(RowTableModel[Member]):
    """Special-group members not yet enrolled, by household; never which group (PIPL art. 28).
    Name and phone first: the list is for calling and visiting."""

    NAME, PHONE, VILLAGE, HOUSEHOLD, HEAD, RELATION, ID_NUMBER = range(7)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(
            (
                self.tr("Name"),
                self.tr("Phone"),
                self.tr("Village"),
                self.tr("Household no."),
                self.tr("Head"),
                self.tr("Relation to head"),
                self.tr("ID number"),
            ),
            parent,
        )

    def set_households(self, households: list[UnpaidHousehold]) -> None:
        self.set_rows([(h, m) for h in households for m in h.members])

    def cell(self, member: Member, column: int, role: int) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        household, person = member
        return (
            person.name,
            person.phone,
            household.village,
            household.number,
            household.head,
            person.relation,
            person.masked_id,
        )[column]


def reports_folder(workspace: Workspace) -> Path:
    """Where exports are offered first: a 报表 folder beside the receipts folder."""
    with workspace.db.sessions() as session:
        target = load_target(session, workspace.db.path)
    receipts = target if target.kind == PDF_FOLDER else default_target(workspace.db.path)
    return Path(receipts.location).parent / REPORTS_FOLDER


def write_export(path: Path, data: bytes) -> Path:
    """Write a report file; an OS error becomes a Chinese PrintError."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise PrintError(f"无法写入 {path}：{reason(exc)}") from exc
    return path


class ProgressDialog(QDialog):
    """进度 for the benefit year of the business date, computed on `runner` (the desk's worker).

    Ctrl+E exports the XLSX, Alt+P the PDF, Ctrl+P writes the 催缴清单 of the village selected
    in the table (the 合计 row, Ctrl+End: every village) and opens it to print; F5 computes
    again; Esc closes. The save dialogs go through `choose_path` and the viewer through
    `open_url`, which tests replace."""

    loaded = Signal(object)  # Progress, once the table and the charts show it
    exported = Signal(str, str)  # kind (xlsx, pdf, dunning), the file written
    refused = Signal(str)  # a message shown; nothing was written

    def __init__(
        self,
        workspace: Workspace,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        log_path: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.runner = runner  # the desk's database worker: the report and the lists are read there
        self.files = TaskRunner(self)  # drawing and writing the exports
        self.log_path = log_path
        self.year = workspace.benefit_year
        self.progress: Progress | None = None
        self.folder: Path | None = None  # where the last file went; offered next time
        self._loading = False
        self._writing = False
        self._dunning_path = Path()
        # Opening a file in the system viewer; tests record the call instead.
        self.open_url: Callable[[QUrl], object] = QDesktopServices.openUrl
        self.setWindowTitle(self.tr("Progress {year}").format(year=self.year))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._build()
        self.resize(1280, 860)
        self.refresh()

    # --- construction -------------------------------------------------------------------

    def _build(self) -> None:
        self.heading = QLabel()
        self.heading.setObjectName("heading")
        heading_font = QFont(self.heading.font())
        heading_font.setBold(True)
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.2)
        self.heading.setFont(heading_font)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.model = ProgressTableModel(self)
        self.table = setup_table(QTableView(), self.model)
        self.table.setObjectName("progress-table")
        self.table_label = QLabel(self.tr("&Villages"))
        self.table_label.setBuddy(self.table)

        self.daily_chart = DailyChart()
        daily_box = QGroupBox(self.tr("Collected day by day against the task"))
        QVBoxLayout(daily_box).addWidget(self.daily_chart)

        self.village_bars = VillageBars()
        self.bars_scroll = QScrollArea()
        self.bars_scroll.setWidgetResizable(True)
        self.bars_scroll.setWidget(self.village_bars)
        # The table moves the selection (and this chart follows it); the chart takes no keys.
        self.bars_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        bars_box = QGroupBox(self.tr("Villages: completion against the task"))
        QVBoxLayout(bars_box).addWidget(self.bars_scroll)

        self.special_model = SpecialUnpaidModel(self)
        self.special_table = setup_table(QTableView(), self.special_model)
        self.special_table.setObjectName("special-unpaid")
        for table in (self.table, self.special_table):
            # Sized once per load from the first rows, not on every change: with a county's
            # 20,000 special-group members, content-sized columns cost a second each time.
            header = table.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            header.setResizeContentsPrecision(SIZED_ROWS)
        self.special_label = QLabel(self.tr("&Special groups not yet enrolled (target 100%)"))
        self.special_label.setBuddy(self.special_table)
        self.special_label.setWordWrap(True)
        special_box = QWidget()
        special_layout = QVBoxLayout(special_box)
        special_layout.setContentsMargins(0, 0, 0, 0)
        special_layout.addWidget(self.special_label)
        special_layout.addWidget(self.special_table)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.table_label)
        top_layout.addWidget(self.table)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        for widget in (daily_box, bars_box, special_box):
            bottom.addWidget(widget)
        bottom.setSizes([400, 420, 440])
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        self.splitter.setSizes([440, 380])
        self.splitter.setChildrenCollapsible(False)

        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.refresh_button = QPushButton(self.tr("Refresh (F5)"))
        self.refresh_button.clicked.connect(self.refresh)
        self.xlsx_button = QPushButton(self.tr("Export &Excel… (Ctrl+E)"))
        self.xlsx_button.clicked.connect(self.export_xlsx)
        self.pdf_button = QPushButton(self.tr("Export &PDF…"))
        self.pdf_button.clicked.connect(self.export_pdf)
        self.dunning_button = QPushButton()
        self.dunning_button.clicked.connect(self.print_dunning)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        for button in (
            self.refresh_button,
            self.xlsx_button,
            self.pdf_button,
            self.dunning_button,
            self.close_button,
        ):
            # Enter in the table must never press a button by surprise.
            button.setAutoDefault(False)
            if button is self.close_button:
                buttons.addStretch(1)
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

        for keys, slot in (
            ("Ctrl+E", self.export_xlsx),
            ("Ctrl+P", self.print_dunning),
            ("F5", self.refresh),
        ):
            QShortcut(QKeySequence(keys), self).activated.connect(slot)
        self.table.selectionModel().selectionChanged.connect(self._village_selected)
        self._update_dunning_button()
        self._set_enabled()
        self.table.setFocus()

    # --- computing ----------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._loading or self._writing

    @Slot()
    def refresh(self) -> None:
        """Compute the report again on the worker (after payments, a sync)."""
        if self.busy:
            return
        workspace, year = self.workspace, self.year

        def work(_control: TaskControl) -> Progress:
            return workspace_progress(workspace, year)

        task = Task(work)
        task.signals.succeeded.connect(self._loaded)
        task.signals.failed.connect(self._failed)
        self._loading = True
        self._set_enabled()
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Counting…"))
        self.runner.start(task)

    @Slot(object)
    def _loaded(self, progress: Progress) -> None:
        self._loading = False
        self.progress = progress
        current = max(self.table.currentIndex().row(), 0)
        self.model.set_progress(progress)
        self.special_model.set_households(progress.special_unpaid)
        for table in (self.table, self.special_table):
            table.resizeColumnsToContents()
        if self.model.rowCount():
            self.table.selectRow(min(current, self.model.rowCount() - 1))
        self.daily_chart.set_data(progress.daily, progress.total.target, self.workspace.today)
        self.village_bars.set_data(bars_of(progress.villages))
        self._village_selected()
        self.heading.setText(self._heading(progress))
        self.summary.setText(self._summary(progress))
        self.status.clear()
        self._set_enabled()
        self.loaded.emit(progress)

    def _heading(self, progress: Progress) -> str:
        day = self.workspace.today.isoformat()
        if progress.policy_title:  # it names the year: 安化县冷市镇2024年度
            return self.tr("{title} · as of {date}").format(title=progress.policy_title, date=day)
        return self.tr(
            "Benefit year {year} · no region policy set: no targets, no work fee · as of {date}"
        ).format(year=progress.benefit_year, date=day)

    def _summary(self, progress: Progress) -> str:
        total = progress.total
        parts = [
            self.tr("Enrolled {enrolled} of {population} (participation {rate})").format(
                enrolled=total.enrolled, population=total.population, rate=rate(total.participation)
            ),
            self.tr("paid here {people} people, {amount}").format(
                people=total.collected, amount=format_yuan(total.amount_fen)
            ),
        ]
        if total.target:
            parts.append(
                self.tr("task {target}, completion {rate}").format(
                    target=total.target, rate=rate(total.completion)
                )
            )
        if total.work_fee_fen is not None and progress.work_fee_per_person_fen is not None:
            parts.append(
                self.tr("work fee {amount} ({each} × {people} people)").format(
                    amount=format_yuan(total.work_fee_fen),
                    each=format_yuan(progress.work_fee_per_person_fen),
                    people=total.collected,
                )
            )
        households = len(progress.special_unpaid)
        if households:
            parts.append(
                self.tr("special groups not yet enrolled: {people} in {households} households")
                .format(people=total.special_unpaid, households=households)
            )  # fmt: skip
        else:
            parts.append(self.tr("every special-group member is enrolled"))
        return self.tr("; ").join(parts)

    @Slot(object)
    def _failed(self, exc: BaseException) -> None:
        self._loading = False
        self._writing = False
        self._set_enabled()
        if isinstance(exc, ReportError | PrintError):
            self._refuse(str(exc))
            return
        self.status.clear()
        report_bug(type(exc), exc, exc.__traceback__, self.log_path, self)

    def _refuse(self, message: str) -> None:
        self.status.setStyleSheet(_RED)
        self.status.setText(message)
        self.refused.emit(message)

    def _set_enabled(self) -> None:
        ready = self.progress is not None and not self.busy
        for button in (self.xlsx_button, self.pdf_button, self.dunning_button):
            button.setEnabled(ready)
        self.refresh_button.setEnabled(not self.busy)

    # --- the village in the table -------------------------------------------------------

    def selected_village(self) -> ProgressRow | None:
        """The village of the table's current row; None on the 合计 row or with none."""
        line = self.model.row_at(self.table.currentIndex().row())
        return None if line is None or line.total else line.row

    @Slot(QItemSelection, QItemSelection)
    def _village_selected(self, *_args: object) -> None:
        row = self.table.currentIndex().row()
        index = row if self.selected_village() is not None else -1
        self.village_bars.set_current(index)
        if index >= 0:
            top = self.village_bars.row_top(index)
            self.bars_scroll.ensureVisible(0, top + self.village_bars.row_height // 2, 0, 40)
        self._update_dunning_button()

    def _update_dunning_button(self) -> None:
        village = self.selected_village()
        self.dunning_button.setText(
            self.tr("Print &dunning list: all villages… (Ctrl+P)")
            if village is None
            else self.tr("Print &dunning list: {village}… (Ctrl+P)").format(village=village.name)
        )

    # --- files --------------------------------------------------------------------------

    def suggested_path(self, kind: str) -> Path:
        """A name for the file (Chinese, like the document's title) in the last folder used."""
        folder = self.folder or reports_folder(self.workspace)
        today = self.workspace.today.isoformat()
        unit = self.progress.unit if self.progress is not None else ""
        if kind == DUNNING:
            village = self.selected_village()
            scope = village.name if village is not None else "全部村"
            return folder / f"{self.year}年度催缴清单-{scope}-{today}.pdf"
        return folder / f"{unit}{self.year}年度任务分解表-{today}.{kind}"

    def choose_path(self, kind: str) -> Path | None:
        """Ask where to save (tests replace this to avoid a real file dialog)."""
        suggested = self.suggested_path(kind)
        if kind == XLSX:
            title, filter_ = self.tr("Export progress (Excel)"), self.tr("Excel workbooks (*.xlsx)")
        elif kind == PDF:
            title, filter_ = self.tr("Export progress (PDF)"), self.tr("PDF files (*.pdf)")
        else:
            title, filter_ = self.tr("Save the dunning list"), self.tr("PDF files (*.pdf)")
        name, _filter = QFileDialog.getSaveFileName(self, title, str(suggested), filter_)
        return Path(name) if name else None

    def _target(self, kind: str) -> Path | None:
        if self.progress is None or self.busy:
            return None
        path = self.choose_path(kind)
        if path is None:
            return None
        suffix = ".xlsx" if kind == XLSX else ".pdf"
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        return path

    @Slot()
    def export_xlsx(self) -> None:
        """导出 Excel: the workbook of `vcollect report progress --xlsx`."""
        path, progress = self._target(XLSX), self.progress
        if path is None or progress is None:
            return

        def work(_control: TaskControl) -> tuple[str, Path]:
            # openpyxl loads on first use: it costs the desktop's start-up otherwise.
            from app.report_xlsx import progress_xlsx

            return XLSX, write_export(path, progress_xlsx(progress))

        self._write(work)

    @Slot()
    def export_pdf(self) -> None:
        """导出 PDF: the 任务分解表 and the special list of `vcollect report progress --pdf`."""
        path, progress, today = self._target(PDF), self.progress, self.workspace.today
        if path is None or progress is None:
            return

        def work(_control: TaskControl) -> tuple[str, Path]:
            # reportlab likewise loads only when a PDF is made.
            from printing.report_pdf import progress_pdf

            return PDF, write_export(path, progress_pdf(progress, today))

        self._write(work)

    @Slot()
    def print_dunning(self) -> None:
        """打印催缴清单: the list of the selected village (or all), saved and opened to print.
        The list is read on the desk's worker, then drawn on the dialog's own."""
        village = self.selected_village()
        path = self._target(DUNNING)
        if path is None:
            return
        workspace, year = self.workspace, self.year
        wanted = [village.code] if village is not None and village.code else []

        def read(_control: TaskControl) -> Dunning:
            return workspace_dunning(workspace, wanted, year)

        self._dunning_path = path
        task = Task(read)
        task.signals.succeeded.connect(self._draw_dunning)
        task.signals.failed.connect(self._failed)
        self._start_writing()
        self.runner.start(task)

    @Slot(object)
    def _draw_dunning(self, dunning: Dunning) -> None:
        path, today = self._dunning_path, self.workspace.today

        def work(_control: TaskControl) -> tuple[str, Path]:
            from printing.report_pdf import dunning_pdf

            return DUNNING, write_export(path, dunning_pdf(dunning, today))

        self._write(work)

    def _start_writing(self) -> None:
        self._writing = True
        self._set_enabled()
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Writing the file…"))

    def _write(self, work: Callable[[TaskControl], tuple[str, Path]]) -> None:
        """Draw and write a file on the dialog's runner: a county-sized list takes seconds, and
        the desk's worker must stay free for payments and receipts meanwhile."""
        task = Task(work)
        task.signals.succeeded.connect(self._written)
        task.signals.failed.connect(self._failed)
        self._start_writing()
        self.files.start(task)

    @Slot(object)
    def _written(self, result: tuple[str, Path]) -> None:
        kind, path = result
        self._writing = False
        self._set_enabled()
        self.folder = path.parent
        self.status.setStyleSheet("")
        if kind == DUNNING:
            self.status.setText(
                self.tr("Dunning list saved: {path} (opened for printing)").format(path=path)
            )
            self.open_url(QUrl.fromLocalFile(str(path)))
        else:
            self.status.setText(self.tr("Exported: {path}").format(path=path))
        self.exported.emit(kind, str(path))

    # --- keys ---------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter in a table does nothing here; it must not reach a button.
        if event.key() in _ENTER and isinstance(self.focusWidget(), QTableView):
            event.accept()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        # Not while a file is being written: its outcome must reach the screen.
        if not self._writing:
            super().reject()
