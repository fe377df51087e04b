"""The identity correction form: someone the roster cannot match, queued for the county.

Built for speed at the counter: Enter moves from field to field, Ctrl+Enter queues from anywhere,
Alt+1–5 pick the problem, pinyin initials pick the village, ↓ fills the village's usual hukou
place. Every refusal is the app's Chinese message, shown in place; nothing typed is lost."""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.correction_choices import (
    RosterHolder,
    VillageChoice,
    household_village,
    last_village,
    roster_holder,
    usual_hukou_place,
    village_choices,
)
from app.corrections import (
    MAX_NOTE,
    PROBLEMS,
    AlreadyOnRoster,
    CorrectionError,
    CorrectionForm,
    QueuedRequest,
    request_correction,
)
from app.identity import ID_TYPE_NAMES, IdentityError, IdType, normalize, parse_id
from app.workspace import Workspace
from ui.desktop.errors import report_bug
from ui.desktop.tasks import Task, TaskControl, TaskRunner

PROBLEM_KEYS = tuple(PROBLEMS)  # Alt+1–5 follow this order: not found first, the usual case
_RED = "color: #b00020;"
_GREY = "color: #555555;"
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
# The app's messages name the field they are about; the first word found decides where the
# cursor goes ("户号 … 不属于所选的村" is about the household, so 户号 comes before 村).
_BLAME = (
    ("户籍地", "hukou"),
    ("姓名", "name"),
    ("电话", "phone"),
    ("户号", "household"),
    ("备注", "note"),
    ("证件类型", "id_type"),
    ("号码", "id_number"),
    ("出生日期", "id_number"),
    ("村", "village"),
    ("问题类型", "problem"),
)


def blank_form(**fields: str) -> CorrectionForm:
    """A form with only `fields` filled in (the problem defaults to not found)."""
    values = {"id_type": IdType.RESIDENT.value, "id_number": "", "name": "", "hukou_place": "",
              "village": "", "problem": PROBLEM_KEYS[0]} | fields  # fmt: skip
    return CorrectionForm(**values)


class VillageBox(QComboBox):
    """The device's villages; typing pinyin initials picks one ("nh" → 南华村), as in search."""

    def __init__(self, villages: Sequence[VillageChoice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.villages = list(villages)
        self._typed = ""
        self._typed_at = 0.0
        for village in self.villages:
            self.addItem(f"{village.name}  {village.initials}", village.code)
            self.setItemData(
                self.count() - 1,
                f"{village.township} {village.name} {village.code}",
                Qt.ItemDataRole.ToolTipRole,
            )

    @property
    def code(self) -> str:
        return str(self.currentData() or "")

    def select_code(self, code: str | None) -> bool:
        index = self.findData(code) if code else -1
        if index >= 0:
            self.setCurrentIndex(index)
        return index >= 0

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text().lower()
        plain = not event.modifiers() & ~(
            Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
        )
        if plain and len(text) == 1 and text.isascii() and text.isalpha():
            now = time.monotonic()
            interval = QApplication.keyboardInputInterval() / 1000
            typed = self._typed + text if now - self._typed_at <= interval else text
            self._typed_at = now
            found = self._first_with(typed)
            if found < 0 and typed != text:
                typed, found = text, self._first_with(text)  # a fresh start
            self._typed = typed
            if found >= 0:
                self.setCurrentIndex(found)
            event.accept()
            return
        super().keyPressEvent(event)

    def _first_with(self, typed: str) -> int:
        return next(
            (i for i, v in enumerate(self.villages) if v.initials.startswith(typed)),
            -1,
        )


class HukouEdit(QLineEdit):
    """The hukou place; ↓ in the empty field fills in the village's usual one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.suggestion = ""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if (
            event.key() == Qt.Key.Key_Down
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            and self.suggestion
            and not self.text().strip()
        ):
            self.setText(self.suggestion)
            event.accept()
            return
        super().keyPressEvent(event)


@dataclass(frozen=True, slots=True)
class OpenHousehold:
    """The agent chose to collect from a household the roster already has."""

    household_id: int
    id_number: str  # the person's, normalised, so the desk can put the cursor on them


class CorrectionFormDialog(QDialog):
    """新建更正申请: fill, Ctrl+Enter; the request is queued on the desk's worker."""

    queued = Signal(object)  # QueuedRequest
    refused = Signal(str)  # the message shown in the form; nothing was written
    open_household = Signal(object)  # OpenHousehold

    def __init__(
        self,
        workspace: Workspace,
        runner: TaskRunner,
        prefill: CorrectionForm | None = None,
        log_path: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.runner = runner
        self.log_path = log_path
        self.holder: RosterHolder | None = None  # who has the ID on the roster, if anyone
        self.request: QueuedRequest | None = None
        self._busy = False
        self.setWindowTitle(self.tr("New identity correction request"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(680)
        with workspace.db.sessions() as session:
            villages = village_choices(session)
            latest = last_village(session)
        self._build_fields(villages)
        self._build_buttons()
        self._build_layout()
        self._build_shortcuts()
        self._fill(prefill or blank_form(), latest)

    # --- construction -------------------------------------------------------------------

    def _build_fields(self, villages: Sequence[VillageChoice]) -> None:
        self.intro = QLabel(
            self.tr(
                "For someone the roster cannot match. The county checks the request and "
                "corrects the roster; until then this person cannot be charged."
            )
        )
        self.intro.setWordWrap(True)
        self.id_type = QComboBox()
        for kind, label in ID_TYPE_NAMES.items():
            self.id_type.addItem(label, kind.value)
        self.id_type.currentIndexChanged.connect(self._check_id)
        self.id_number = QLineEdit()
        self.id_number.setMaxLength(32)
        self.id_number.setPlaceholderText(self.tr("18 digits, the last may be X"))
        self.id_number.editingFinished.connect(self._check_id)
        self.id_number.textEdited.connect(self._id_edited)
        self.id_hint = QLabel()
        self.id_hint.setWordWrap(True)
        self.name = QLineEdit()
        self.name.setMaxLength(64)
        self.household = QLineEdit()
        self.household.setMaxLength(32)
        self.household.setPlaceholderText(self.tr("Empty for a new household"))
        self.household.textChanged.connect(self._household_changed)
        self.household_hint = QLabel()
        self.village = VillageBox(villages)
        self.village.currentIndexChanged.connect(self._village_changed)
        self.hukou = HukouEdit()
        self.hukou.setMaxLength(128)
        self.phone = QLineEdit()
        self.phone.setMaxLength(20)
        self.phone.setPlaceholderText(self.tr("To call when the county has answered"))
        self.problem_box = QGroupBox(self.tr("Problem (Alt+1–5)"))
        self.problem_group = QButtonGroup(self)
        self.problems: list[QRadioButton] = []
        grid = QGridLayout(self.problem_box)
        for number, key in enumerate(PROBLEM_KEYS, start=1):
            button = QRadioButton(f"{number}  {PROBLEMS[key]}")
            button.setObjectName(f"problem-{key}")
            self.problem_group.addButton(button, number - 1)
            self.problems.append(button)
            grid.addWidget(button, (number - 1) // 3, (number - 1) % 3)
        self.note = QLineEdit()
        self.note.setMaxLength(MAX_NOTE)
        self.note.setPlaceholderText(self.tr("Optional; Enter here queues the request"))
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(_RED)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def _build_buttons(self) -> None:
        self.buttons = QDialogButtonBox()
        self.submit_button: QPushButton = self.buttons.addButton(
            self.tr("&Submit (Ctrl+Enter)"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.open_button: QPushButton = self.buttons.addButton(
            self.tr("&Open the household"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.open_button.hide()
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.submit_button.clicked.connect(self.submit)
        self.open_button.clicked.connect(self.open_holder)
        self.buttons.rejected.connect(self.reject)

    def _build_layout(self) -> None:
        form = QFormLayout()
        self.labels: dict[str, QLabel] = {}

        def row(key: str, text: str, field: QWidget, hint: QLabel | None = None) -> None:
            label = QLabel(text)
            label.setBuddy(field)
            self.labels[key] = label
            form.addRow(label, field)
            if hint is not None:
                form.addRow("", hint)

        row("id_type", self.tr("ID &type:"), self.id_type)
        row("id_number", self.tr("ID &number:"), self.id_number, self.id_hint)
        row("name", self.tr("N&ame:"), self.name)
        row("household", self.tr("&Household no.:"), self.household, self.household_hint)
        row("village", self.tr("&Village:"), self.village)
        row("hukou", self.tr("Hukou &place:"), self.hukou)
        row("phone", self.tr("&Contact phone:"), self.phone)
        form.addRow(self.problem_box)
        row("note", self.tr("&Remarks:"), self.note)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        chain = [*self.fields(), self.submit_button, self.open_button, self.cancel_button]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _build_shortcuts(self) -> None:
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.submit)
        for number in range(1, len(PROBLEM_KEYS) + 1):
            shortcut = QShortcut(QKeySequence(f"Alt+{number}"), self)
            shortcut.activated.connect(lambda n=number: self.choose_problem(n - 1, focus=True))

    def fields(self) -> list[QWidget]:
        """The fields in the order Enter and Tab visit them (the problem: its checked button)."""
        checked = self.problem_group.checkedButton() or self.problems[0]
        return [self.id_type, self.id_number, self.name, self.household, self.village,
                self.hukou, self.phone, checked, self.note]  # fmt: skip

    # --- filling ------------------------------------------------------------------------

    def _fill(self, prefill: CorrectionForm, latest: str | None) -> None:
        index = self.id_type.findData(prefill.id_type or IdType.RESIDENT.value)
        self.id_type.setCurrentIndex(max(index, 0))
        self.id_number.setText(prefill.id_number)
        self.name.setText(prefill.name)
        self.phone.setText(prefill.phone)
        self.note.setText(prefill.note)
        problem = prefill.problem if prefill.problem in PROBLEMS else PROBLEM_KEYS[0]
        self.choose_problem(PROBLEM_KEYS.index(problem))
        # The village: as given, else the household's, else the last request's, else the first.
        self.household.setText(prefill.household)
        if not self.village.select_code(prefill.village):
            with self.workspace.db.sessions() as session:
                number = prefill.household.strip()
                where = household_village(session, number) if number else None
            self.village.select_code(where) or self.village.select_code(latest)
        self._village_changed()
        self.hukou.setText(prefill.hukou_place)
        self._household_changed()
        if prefill.id_number.strip():
            self._check_id()
        typed = (self.id_number, self.name, self.hukou, self.phone)
        first_empty = next((f for f in typed if not f.text().strip()), self.note)
        first_empty.setFocus(Qt.FocusReason.OtherFocusReason)

    def form(self) -> CorrectionForm:
        """What is in the fields now, as typed."""
        checked = self.problem_group.checkedId()
        return CorrectionForm(
            id_type=str(self.id_type.currentData()),
            id_number=self.id_number.text(),
            name=self.name.text(),
            hukou_place=self.hukou.text(),
            village=self.village.code,
            problem=PROBLEM_KEYS[checked] if checked >= 0 else "",
            phone=self.phone.text(),
            household=self.household.text(),
            note=self.note.text(),
        )

    def choose_problem(self, index: int, focus: bool = False) -> None:
        button = self.problems[index]
        button.setChecked(True)
        if focus:
            button.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # --- checks as the agent types ----------------------------------------------------------

    @Slot()
    def _id_edited(self) -> None:
        # A changed number: the roster answer about the old one no longer holds.
        if self.holder is not None:
            self._set_holder(None)
        self.id_hint.clear()

    @Slot()
    def _check_id(self) -> None:
        """On leaving the number: the check character at once, and whether the roster has it."""
        text = self.id_number.text()
        self._set_holder(None)
        if not text.strip():
            self.id_hint.clear()
            return
        try:
            parsed = parse_id(text, str(self.id_type.currentData()), today=self.workspace.today)
        except IdentityError as exc:
            self._show_id_hint(str(exc), _RED)
            return
        with self.workspace.db.sessions() as session:
            holder = roster_holder(session, parsed.id_type.value, parsed.number)
        if holder is not None:
            self._set_holder(holder)
            self._show_id_hint(
                self.tr(
                    "On the roster already: {name}, household {household}. If the person was "
                    "not found, open the household (Alt+O) and collect there."
                ).format(name=holder.name, household=holder.household),
                _RED,
            )
            return
        if parsed.birth_date is not None:
            sex = {"M": self.tr("male"), "F": self.tr("female")}.get(parsed.sex or "", "")
            text = self.tr("Not on the roster · born {date}").format(
                date=parsed.birth_date.isoformat()
            )
            self._show_id_hint(f"{text} · {sex}" if sex else text, _GREY)
        else:
            self._show_id_hint(self.tr("Not on the roster"), _GREY)

    def _show_id_hint(self, text: str, style: str) -> None:
        self.id_hint.setStyleSheet(style)
        self.id_hint.setText(text)

    def _set_holder(self, holder: RosterHolder | None) -> None:
        self.holder = holder
        self.open_button.setVisible(holder is not None)

    @Slot()
    def _household_changed(self) -> None:
        number = self.household.text().strip()
        self.household_hint.setStyleSheet(_GREY)
        if not number:
            self.household_hint.setText(self.tr("A new household"))
            return
        with self.workspace.db.sessions() as session:
            where = household_village(session, number)
        if where is None:
            self.household_hint.setStyleSheet(_RED)
            self.household_hint.setText(
                self.tr("No household {number} on this computer").format(number=number)
            )
            return
        self.village.select_code(where)  # a household belongs to one village: no mismatch
        self.household_hint.setText(
            self.tr("An existing household of {village}").format(
                village=self.village.currentText().split()[0]
            )
        )

    @Slot()
    def _village_changed(self) -> None:
        code = self.village.code
        place = ""
        if code:
            with self.workspace.db.sessions() as session:
                place = usual_hukou_place(session, code)
        self.hukou.suggestion = place
        self.hukou.setPlaceholderText(
            self.tr("↓ fills in {place}").format(place=place)
            if place
            else self.tr("As on the ID card or household register")
        )

    # --- keys -----------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        focus = self.focusWidget()
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.key() in _ENTER and plain and not isinstance(focus, QPushButton):
            # Enter goes on to the next field; in the last one it queues the request.
            fields = self.fields()
            if isinstance(focus, QRadioButton):
                focus = fields[-2]  # the checked one stands for the problem
            at = fields.index(focus) if focus in fields else -1
            if focus is self.note or at < 0:
                self.submit()
            else:
                following = fields[at + 1]
                following.setFocus(Qt.FocusReason.TabFocusReason)
                if isinstance(following, QLineEdit):
                    following.selectAll()
            event.accept()
            return
        digit = event.key() - Qt.Key.Key_1
        if isinstance(focus, QRadioButton) and plain and 0 <= digit < len(PROBLEM_KEYS):
            self.choose_problem(digit, focus=True)
            event.accept()
            return
        super().keyPressEvent(event)

    # --- submitting ---------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._busy

    @Slot()
    def submit(self) -> None:
        """Ctrl+Enter: queue the request on the worker; a refusal is shown here."""
        if self._busy:
            return
        self._check_id()  # a number typed without leaving the field is checked too
        form, db, today = self.form(), self.workspace.db, self.workspace.today

        def work(_control: TaskControl) -> QueuedRequest:
            return request_correction(db, form, today)

        task = Task(work)
        task.signals.succeeded.connect(self._queued)
        task.signals.failed.connect(self._refused)
        self._busy = True
        self.submit_button.setEnabled(False)
        self.runner.start(task)

    @Slot(object)
    def _queued(self, request: QueuedRequest) -> None:
        self._busy = False
        self.request = request
        self.queued.emit(request)
        self.accept()

    @Slot(object)
    def _refused(self, exc: BaseException) -> None:
        self._busy = False
        self.submit_button.setEnabled(True)
        if not isinstance(exc, CorrectionError):
            report_bug(type(exc), exc, exc.__traceback__, self.log_path, self)
            return
        message = str(exc)
        self.error.setText(message)
        if isinstance(exc, AlreadyOnRoster):
            if self.holder is None or self.holder.household_id != exc.household_id:
                self._set_holder(RosterHolder(exc.household_id, "", ""))
            self.open_button.setFocus(Qt.FocusReason.OtherFocusReason)  # Enter opens it
        else:
            self._blamed_field(message).setFocus(Qt.FocusReason.OtherFocusReason)
        self.refused.emit(message)

    def _blamed_field(self, message: str) -> QWidget:
        by_key: dict[str, QWidget] = {
            "id_type": self.id_type, "id_number": self.id_number, "name": self.name,
            "household": self.household, "village": self.village, "hukou": self.hukou,
            "phone": self.phone, "problem": self.problems[0], "note": self.note,
        }  # fmt: skip
        key = next((key for word, key in _BLAME if word in message), "id_number")
        return by_key[key]

    @Slot()
    def open_holder(self) -> None:
        """打开该户: the person is on the roster; collect from their household instead."""
        if self.holder is None or self._busy:
            return
        try:  # the number as the roster holds it (a 15-digit one is upgraded), for the cursor
            number = parse_id(
                self.id_number.text(), str(self.id_type.currentData()), today=self.workspace.today
            ).number
        except IdentityError:
            number = normalize(self.id_number.text())
        chosen = OpenHousehold(self.holder.household_id, number)
        self.reject()
        self.open_household.emit(chosen)

    def reject(self) -> None:
        # Not while the request is being written: its answer must reach the window.
        if not self._busy:
            super().reject()
