"""设置 → 结束练习: the question before the demo data is put aside for real collection."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget


def ask_end_practice(parent: QWidget) -> bool:
    """Yes only when the agent says so; No is the default (Enter keeps practising)."""
    box = QMessageBox(parent)
    box.setObjectName("end-practice")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(QCoreApplication.translate("EndPractice", "End practice"))
    box.setText(
        QCoreApplication.translate("EndPractice", "End practice and start collecting for real?")
    )
    box.setInformativeText(
        QCoreApplication.translate(
            "EndPractice",
            "The demo county and everything recorded while practising are kept as a copy "
            "beside the data file, and this laptop starts empty with the same accounts. "
            "Then register with the county to receive your villages' roster.",
        )
    )
    yes = box.addButton(
        QCoreApplication.translate("EndPractice", "&End practice"),
        QMessageBox.ButtonRole.AcceptRole,
    )
    no = box.addButton(
        QCoreApplication.translate("EndPractice", "&Keep practising"),
        QMessageBox.ButtonRole.RejectRole,
    )
    box.setDefaultButton(no)
    box.exec()
    return box.clickedButton() is yes
