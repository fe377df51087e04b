"""首次使用: the first-run wizard (account, county or offline, printer with a test page, done)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app import accounts
from app.accounts import SignedIn
from app.demo.counties import SCALES
from app.demo.setup import init_demo
from app.site_defaults import SiteDefaults, site_defaults
from app.workspace import Workspace, open_workspace
from printing.specimen import specimen_for
from printing.targets import DEFAULT_RENDERERS, Renderer, Sender
from sync.client import enroll
from ui.desktop.enrollment import answer_summary, server_url
from ui.desktop.printer_form import PrinterForm
from ui.desktop.signin import ERROR_STYLE
from ui.desktop.syncing import EnrollFunction, EnrollOutcome, try_enroll
from ui.desktop.tasks import Task, TaskControl, TaskRunner

log = logging.getLogger("village_collect.desktop")

PRACTICE_COUNTY = "lengshi"  # the demo county of practice: a town, loaded in seconds
STEPS = 1000

# How the county step ended.
REGISTERED, PRACTICE, LATER = "registered", "practice", "later"


class AccountPage(QWizardPage):
    """The first account: a supervisor of this laptop, whose password encrypts its data."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.setObjectName("first-run-account")
        self.owner = wizard
        self.setTitle(self.tr("Your account"))
        self.setSubTitle(self.tr("Choose the name and password you will sign in with."))
        # In the page, not the subtitle: the classic style's header cuts long text off.
        about = QLabel(
            self.tr(
                "This first account manages this laptop (it can add other agents later), and "
                "its password encrypts the data on it: keep it safe, nobody can read the data "
                "without it. A PIN needs at least 6 digits, a password at least 8 characters."
            )
        )
        about.setWordWrap(True)
        self.name = QLineEdit()
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setObjectName("first-run-account-message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        form = QFormLayout()
        form.addRow(self.tr("&Name"), self.name)
        form.addRow(self.tr("&Password or PIN"), self.secret)
        form.addRow(self.tr("&Again"), self.again)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addWidget(self.message)
        # Past this page the account exists and the data is encrypted: there is no way back.
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("&Create account"))

    def initializePage(self) -> None:
        self.name.setFocus()

    def show_message(self, text: str, field: QLineEdit) -> None:
        self.message.setText(text)
        self.message.show()
        field.setFocus()
        field.selectAll()

    def validatePage(self) -> bool:
        name = self.name.text().strip()
        secret = self.secret.text()
        if not name:
            self.show_message(self.tr("Type your name."), self.name)
            return False
        if secret != self.again.text():
            self.again.clear()
            self.show_message(self.tr("The two passwords differ."), self.again)
            return False
        self.setCursor(Qt.CursorShape.WaitCursor)
        try:
            signed = accounts.create_first_account(
                self.owner.db_path, name, secret, self.owner.clock()
            )
        except accounts.KeyringError as exc:
            self.secret.clear()
            self.again.clear()
            self.show_message(str(exc), self.secret)
            return False
        finally:
            self.unsetCursor()
        self.secret.clear()  # the secret does not stay in a widget
        self.again.clear()
        self.owner.open_data(signed)
        return True


class CountyPage(QWizardPage):
    """Register with the county server by its one-time code, practise offline on the demo
    county, or go on without either; the county step ends on a worker, then moves on."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.setObjectName("first-run-county")
        self.owner = wizard
        self.choice: str | None = None  # how the step ended: REGISTERED, PRACTICE or LATER
        self.answer: dict[str, Any] | None = None
        self.registered_with = ""  # the server's address as used (with its scheme)
        self.busy = False
        self.setTitle(self.tr("County medical insurance office"))
        self.setSubTitle(
            self.tr(
                "Registering links this laptop to the county: it receives your villages' "
                "roster and sends the payments. The county gives you its server's address "
                "and a one-time code."
            )
        )
        self.register = QRadioButton(self.tr("&Register with the county now"))
        self.practice = QRadioButton(
            self.tr("Practise &offline with the demo county (nothing is sent)")
        )
        self.later = QRadioButton(
            self.tr("Register &later (work offline; import a roster file or register in Settings)")
        )
        self.choices = QButtonGroup(self)
        for button in (self.register, self.practice, self.later):
            self.choices.addButton(button)
        self.register.setChecked(True)
        self.server = QLineEdit(wizard.defaults.server)
        self.server.setPlaceholderText(self.tr("e.g. http://10.0.0.5:8750"))
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.tr("12 letters and digits"))
        server_label = QLabel(self.tr("County server &address:"))
        server_label.setBuddy(self.server)
        code_label = QLabel(self.tr("Registration co&de:"))
        code_label.setBuddy(self.code)
        self.fields = QWidget()
        form = QFormLayout(self.fields)
        form.setContentsMargins(24, 0, 0, 0)
        form.addRow(server_label, self.server)
        form.addRow(code_label, self.code)
        self.status = QLabel()
        self.status.setObjectName("first-run-county-status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.hide()
        self.bar = QProgressBar()
        self.bar.setRange(0, STEPS)
        self.bar.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.register)
        layout.addWidget(self.fields)
        layout.addWidget(self.practice)
        layout.addWidget(self.later)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addStretch(1)
        # Typing an address or a code means registering. The fields stay enabled whatever is
        # chosen: disabling the one with the focus would leave the keyboard nowhere.
        self.server.textEdited.connect(lambda: self.register.setChecked(True))
        self.code.textEdited.connect(lambda: self.register.setChecked(True))
        self.setCommitPage(True)  # registered or practising: not undone by Back
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("&Next >"))

    def initializePage(self) -> None:
        if self.owner.require_workspace().demo:  # `make run` and training laptops have one
            self.practice.setText(
                self.tr("Practise &offline with the demo county (loaded already; nothing is sent)")
            )
            self.practice.setChecked(True)
        focus: QWidget = self.practice if self.practice.isChecked() else self.server
        if focus is self.server and self.server.text():
            focus = self.code  # the installation brought the address: only the code is typed
        # Queued: the wizard gives the page's first widget the focus after this returns.
        QTimer.singleShot(0, focus.setFocus)

    def isComplete(self) -> bool:
        return not self.busy

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for widget in (self.register, self.practice, self.later, self.fields):
            widget.setEnabled(not busy)
        self.completeChanged.emit()

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet(ERROR_STYLE if error else "")
        self.status.setText(text)
        self.status.show()

    def validatePage(self) -> bool:
        """Next: LATER goes on at once; the other two start their work and go on when done."""
        if self.choice is not None:
            return True
        if self.busy:
            return False
        if self.later.isChecked():
            self.choice = LATER
            return True
        if self.practice.isChecked():
            self._start_practice()
            return False
        try:
            server = server_url(self.server.text())
        except ValueError as exc:
            self._say(str(exc), error=True)
            self.server.setFocus()
            self.server.selectAll()
            return False
        code = self.code.text().strip()
        if not code:
            self._say(self.tr("Enter the registration code."), error=True)
            self.code.setFocus()
            return False
        self._start_enroll(server, code)
        return False

    def _start_enroll(self, server: str, code: str) -> None:
        workspace, enroll_fn = self.owner.require_workspace(), self.owner.enroll_fn

        def work(control: TaskControl) -> EnrollOutcome:
            return try_enroll(enroll_fn, workspace, server, code, control)

        self.registered_with = server
        self._say(self.tr("Registering with {server}…").format(server=server))
        self._set_busy(True)
        task = Task(work)
        task.signals.succeeded.connect(self._enrolled)
        self.owner.runner.start(task)

    @Slot(object)
    def _enrolled(self, outcome: EnrollOutcome) -> None:
        self._set_busy(False)
        if outcome.answer is None:
            if outcome.offline:
                reason = self.tr(
                    "The county server does not answer. Check the network and the address "
                    "(ask the county), then press Next to try again."
                )
            else:
                reason = outcome.error
            self._say(
                reason
                + "\n"
                + self.tr(
                    "Or choose “Register later” to start offline now: the app works without "
                    "the county, and you can register in Settings when you are connected."
                ),
                error=True,
            )
            field = self.server if outcome.offline else self.code
            field.setFocus()
            field.selectAll()
            return
        self.answer = outcome.answer
        self._say(self.tr("Registered.") + "\n" + answer_summary(outcome.answer))
        self._finish(REGISTERED)

    def _start_practice(self) -> None:
        workspace = self.owner.require_workspace()
        if workspace.demo:
            self._finish(PRACTICE)
            return
        county = SCALES[PRACTICE_COUNTY]

        def work(control: TaskControl) -> Any:
            return init_demo(workspace.db, county, control.progress, control.cancelled)

        self._say(self.tr("Loading the demo county {county}…").format(county=county.county_name))
        self.bar.setValue(0)
        self.bar.show()
        self._set_busy(True)
        task = Task(work)
        task.signals.progressed.connect(self._progressed)
        task.signals.succeeded.connect(self._practising)
        task.signals.failed.connect(self._practice_failed)
        self.owner.runner.start(task)

    @Slot(float, int)
    def _progressed(self, fraction: float, _done: int) -> None:
        self.bar.setValue(int(fraction * STEPS))

    @Slot(object)
    def _practising(self, report: Any) -> None:
        self._set_busy(False)
        self.bar.setValue(STEPS)
        self._say(
            self.tr("The demo county is ready: {people} people to practise on.").format(
                people=report.imported
            )
        )
        self._finish(PRACTICE)

    @Slot(object)
    def _practice_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.bar.hide()
        log.error("Loading the demo county failed", exc_info=exc)
        self._say(
            self.tr("The demo county could not be loaded: {error}").format(error=exc)
            + "\n"
            + self.tr("Choose “Register later” to go on."),
            error=True,
        )

    def _finish(self, choice: str) -> None:
        self.choice = choice
        for widget in (self.register, self.practice, self.later, self.fields):
            widget.setEnabled(False)
        self.owner.next()


class PrinterPage(QWizardPage):
    """The printer form of Settings, with its test page; PDF files need no printer at all."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.setObjectName("first-run-printer")
        self.owner = wizard
        self.form: PrinterForm | None = None
        self.setTitle(self.tr("Receipt printer"))
        self.setSubTitle(
            self.tr(
                "Choose where receipts print and print a test page. With no printer at hand, "
                "keep PDF files: receipts are saved and can be printed later."
            )
        )
        self.box = QVBoxLayout(self)

    def initializePage(self) -> None:
        if self.form is None:  # the workspace exists only once the account is made
            workspace = self.owner.require_workspace()
            self.form = PrinterForm(
                workspace,
                lambda: specimen_for(workspace.db, self.owner.clock(), self._agent()),
                self,
                senders=self.owner.senders,
                renderers=self.owner.renderers,
            )
            self.box.addWidget(self.form)
        self.form.kind.setFocus()

    def _agent(self) -> str | None:
        return self.owner.signed.name if self.owner.signed is not None else None

    def validatePage(self) -> bool:
        return self.form is not None and self.form.save()


class DonePage(QWizardPage):
    """What was set up, and where each setting changes later."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self.setObjectName("first-run-done")
        self.owner = wizard
        self.setTitle(self.tr("Ready to collect"))
        self.summary = QLabel()
        self.summary.setObjectName("first-run-summary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addStretch(1)

    def initializePage(self) -> None:
        owner = self.owner
        lines = []
        if owner.signed is not None:
            lines.append(self.tr("Account: {name}").format(name=owner.signed.name))
        county = owner.county_page
        if county.choice == REGISTERED and county.answer is not None:
            lines.append(self.tr("Registered with {server}.").format(server=county.registered_with))
            lines.append(answer_summary(county.answer))
            lines.append(self.tr("The villages' roster arrives with the first sync."))
        elif county.choice == PRACTICE:
            lines.append(
                self.tr(
                    "Practising on the demo county: nothing is sent. Before collecting for "
                    "real, end practice in Settings (the practice data is kept as a copy) "
                    "and register."
                )
            )
        else:
            lines.append(
                self.tr(
                    "Not registered yet: register in Settings when connected, or import the "
                    "roster file the county gave you (File → Import roster)."
                )
            )
        form = owner.printer_page.form
        if form is not None:
            lines.append(self.tr("Receipts print to: {target}").format(target=form.describe()))
        lines.append("")
        lines.append(
            self.tr(
                "Each of these can be changed later in the Settings menu. Press Finish to "
                "start collecting."
            )
        )
        self.summary.setText("\n".join(lines))


class FirstRunWizard(QWizard):
    """The first start of a new laptop: account, county, printer, done.

    `signed` holds the account once it is made (the desk opens with it, even if the agent
    leaves the wizard early: every later step also lives in Settings). `defaults` are the
    installation's (app/site_defaults.py: the county server's address). `enroll_fn`, `senders`
    and `renderers` are what tests swap for fakes."""

    def __init__(
        self,
        db_path: Path,
        today: str | None = None,
        *,
        clock: Callable[[], datetime] = datetime.now,
        enroll_fn: EnrollFunction = enroll,
        senders: Mapping[str, Sender] | None = None,
        renderers: Mapping[str, Renderer] = DEFAULT_RENDERERS,
        defaults: SiteDefaults | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("first-run")
        self.defaults = site_defaults() if defaults is None else defaults
        self.db_path = db_path
        self.today = today
        self.clock = clock
        self.enroll_fn = enroll_fn
        self.senders = senders
        self.renderers = renderers
        self.signed: SignedIn | None = None
        self.workspace: Workspace | None = None
        self.runner = TaskRunner(self)
        self.setWindowTitle(self.tr("Village Collect: first run"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)  # the same on Windows and UOS
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setMinimumSize(720, 520)
        self.account_page = AccountPage(self)
        self.county_page = CountyPage(self)
        self.printer_page = PrinterPage(self)
        self.done_page = DonePage(self)
        for page in (self.account_page, self.county_page, self.printer_page, self.done_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("&Next >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< &Back"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("&Finish"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("&Quit"))
        self.finished.connect(self._close_down)

    def open_data(self, signed: SignedIn) -> None:
        """The account exists: open its (now encrypted) data for the steps that follow."""
        self.signed = signed
        self.workspace = open_workspace(self.db_path, today=self.today, key=signed.data_key)
        self.workspace.sign_in_as(signed)
        # Leaving now still opens the desk: the rest can be done in Settings.
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("&Set up later"))

    def require_workspace(self) -> Workspace:
        assert self.workspace is not None, "the account page opens the data first"
        return self.workspace

    def reject(self) -> None:
        if self.county_page.busy:
            return  # the county (or the demo) is being set up: its outcome must not be lost
        super().reject()

    @Slot()
    def _close_down(self) -> None:
        """Closed, however: let the workers finish, then close the data (the desk reopens it)."""
        self.runner.shutdown()
        if self.printer_page.form is not None:
            self.printer_page.form.shutdown()
        if self.workspace is not None:
            self.workspace.close()
            self.workspace = None
