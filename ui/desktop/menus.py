"""The main window's menu bar: every command with its shortcut, each action kept by name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from ui.desktop.main_window import MainWindow


class WindowMenus(QObject):
    """File, Receipts, Sync, Reports, Corrections, Settings; every action calls the window.

    The actions belong to the window (their shortcuts work wherever its focus is); this object
    builds them and keeps them by name for the window to enable and the tests to trigger."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        bar = window.menuBar()
        self.file_menu = file_menu = bar.addMenu(self.tr("&File"))
        self.import_action = QAction(self.tr("&Import roster…"), window)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.triggered.connect(window.import_roster)
        file_menu.addAction(self.import_action)
        file_menu.addSeparator()
        self.lock_action = QAction(self.tr("&Lock"), window)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setEnabled(window.signed is not None)
        self.lock_action.triggered.connect(window.lock)
        file_menu.addAction(self.lock_action)
        self.quit_action = QAction(self.tr("E&xit"), window)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(window.close)
        file_menu.addAction(self.quit_action)

        self.receipts_menu = receipts_menu = bar.addMenu(self.tr("&Receipts"))
        self.receipts_action = QAction(self.tr("Receipts of the &day…"), window)
        self.receipts_action.setShortcut(QKeySequence("Ctrl+R"))
        self.receipts_action.triggered.connect(window.show_receipts)
        receipts_menu.addAction(self.receipts_action)
        self.reprint_last_action = QAction(self.tr("Reprint the &last receipt"), window)
        self.reprint_last_action.setShortcut(QKeySequence("Ctrl+P"))
        self.reprint_last_action.setEnabled(False)  # until the first payment
        self.reprint_last_action.triggered.connect(window.reprint_last)
        receipts_menu.addAction(self.reprint_last_action)
        receipts_menu.addSeparator()
        self.dayclose_action = QAction(self.tr("Day &close…"), window)
        self.dayclose_action.setShortcut(QKeySequence("Ctrl+D"))
        self.dayclose_action.triggered.connect(window.show_day_close)
        receipts_menu.addAction(self.dayclose_action)
        self.remittances_action = QAction(self.tr("&Remittances…"), window)
        self.remittances_action.setShortcut(QKeySequence("Ctrl+Shift+D"))
        self.remittances_action.triggered.connect(window.show_remittances)
        receipts_menu.addAction(self.remittances_action)
        receipts_menu.addSeparator()
        self.printer_action = QAction(self.tr("&Printer…"), window)
        self.printer_action.triggered.connect(window.printer_settings)
        receipts_menu.addAction(self.printer_action)

        self.sync_menu = sync_menu = bar.addMenu(self.tr("S&ync"))
        self.sync_action = QAction(self.tr("&Sync now"), window)
        self.sync_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.sync_action.triggered.connect(window.sync_now)
        sync_menu.addAction(self.sync_action)
        self.problems_action = QAction(self.tr("Sync &problems…"), window)
        self.problems_action.triggered.connect(window.show_sync_problems)
        sync_menu.addAction(self.problems_action)

        self.reports_menu = reports_menu = bar.addMenu(self.tr("Re&ports"))
        self.progress_action = QAction(self.tr("&Progress and dunning list…"), window)
        self.progress_action.setShortcut(QKeySequence("Ctrl+G"))
        self.progress_action.triggered.connect(window.show_progress)
        reports_menu.addAction(self.progress_action)

        self.corrections_menu = corrections_menu = bar.addMenu(self.tr("&Corrections"))
        self.new_correction_action = QAction(self.tr("&New correction request…"), window)
        self.new_correction_action.setShortcut(QKeySequence(Qt.Key.Key_F4))
        self.new_correction_action.triggered.connect(window.new_correction)
        corrections_menu.addAction(self.new_correction_action)
        self.corrections_action = QAction(self.tr("&Requests and follow-ups…"), window)
        self.corrections_action.setShortcut(QKeySequence("Shift+F4"))
        self.corrections_action.triggered.connect(window.show_corrections)
        corrections_menu.addAction(self.corrections_action)

        self.settings_menu = settings_menu = bar.addMenu(self.tr("S&ettings"))
        self.enroll_action = QAction(self.tr("&Register with the county…"), window)
        self.enroll_action.triggered.connect(window.show_enrollment)
        settings_menu.addAction(self.enroll_action)
        self.password_action = QAction(self.tr("Change &password…"), window)
        self.password_action.triggered.connect(window.change_password)
        self.password_action.setVisible(window.signed is not None)
        settings_menu.addAction(self.password_action)
        self.accounts_action = QAction(self.tr("&Accounts…"), window)
        self.accounts_action.triggered.connect(window.show_accounts)
        self.accounts_action.setVisible(window.signed is not None)
        settings_menu.addAction(self.accounts_action)
        self.end_practice_action = QAction(self.tr("&End practice…"), window)
        self.end_practice_action.triggered.connect(window.end_practice)
        self.end_practice_action.setVisible(bool(window.workspace.demo))
        settings_menu.addAction(self.end_practice_action)
