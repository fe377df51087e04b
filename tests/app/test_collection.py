"""Collecting: payments recorded whole or not at all, numbered without gaps, voids, tampering."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select, text

from app import ledger
from app.audit import verify_books
from app.collection import (
    CollectionError,
    RecordedPayment,
    quote_household,
    receipt_view,
    record_payment,
    record_print,
    void_receipt,
)
from app.keys import ensure_device
from app.receipt_codes import verify_code
from app.receipt_numbers import parse_receipt_no
from app.workspace import Workspace
from db.engine import writing
from db.models import Device, Enrolment, Household, LedgerEvent, Payment, Person

TODAY = date(2023, 10, 15)


def household_due(ws: Workspace, size: int = 3) -> tuple[int, list[int]]:
    """A household of `size` whose members are all due and unsubsidised (380 each)."""
    with ws.db.sessions() as s:
        for hid in s.scalars(select(Household.id).order_by(Household.id)):
            quotes = quote_household(s, hid, ws.policy(), TODAY)
            if len(quotes) == size and all(
                q.payable and q.quote.due_now_fen == 38000 for q in quotes
            ):
                return hid, [q.person_id for q in quotes]
    raise AssertionError("no such household in the demo county")


def counts(ws: Workspace) -> tuple[int, int, int]:
    with ws.db.sessions() as s:
        return (
            s.scalar(select(func.count()).select_from(Payment)) or 0,
            s.scalar(select(func.count()).select_from(LedgerEvent)) or 0,
            s.scalar(select(func.count()).where(Enrolment.status == "paid_here")) or 0,
        )


def pay(ws: Workspace, hid: int, people: list[int], **kw: Any) -> RecordedPayment:
    kw.setdefault("method", "cash")
    return record_payment(ws.db, ws.policy(), hid, people, paid_on=TODAY, **kw)


def test_a_household_payment_is_recorded_whole(demo_workspace: Workspace) -> None:
    hid, people = household_due(demo_workspace)
    paid = pay(demo_workspace, hid, people[:2], tendered_fen=100000)
    assert paid.total_fen == 76000 and paid.change_fen == 24000
    _prefix, seq = parse_receipt_no(paid.receipt_no)
    assert seq == 1
    assert counts(demo_workspace) == (1, 1, 2)
    with demo_workspace.db.sessions() as s:
        quotes = quote_household(s, hid, demo_workspace.policy(), TODAY)
        assert [q.receipt_no for q in quotes if q.receipt_no] == [paid.receipt_no] * 2
        report = verify_books(s)
    assert report.valid and report.events == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"method": "wechat"}, "须填写交易单号"),
        ({"tendered_fen": 100}, "少于应收"),
        ({"method": "bitcoin"}, "未知的缴费方式"),
        ({"people": []}, "至少勾选一位"),
    ],
)
def test_bad_payments_leave_nothing_behind(
    demo_workspace: Workspace, change: dict[str, object], message: str
) -> None:
    hid, people = household_due(demo_workspace)
    before = counts(demo_workspace)
    people_arg = change.pop("people", people)
    with pytest.raises(CollectionError, match=message):
        pay(demo_workspace, hid, people_arg, **change)  # type: ignore[arg-type]
    assert counts(demo_workspace) == before


def test_no_one_is_charged_twice_or_on_anothers_receipt(demo_workspace: Workspace) -> None:
    hid, people = household_due(demo_workspace)
    first = pay(demo_workspace, hid, people[:1])
    with pytest.raises(CollectionError, match=f"已缴费（收据号 {first.receipt_no}）"):
        pay(demo_workspace, hid, people)
    other_hid, others = household_due(demo_workspace, size=2)
    with pytest.raises(CollectionError, match="不是本户"):
        pay(demo_workspace, hid, [people[1], others[0]])
    with demo_workspace.db.sessions() as s:
        employee = s.scalar(
            select(Person).join(Enrolment).where(Enrolment.status == "employee").limit(1)
        )
        assert employee is not None
        emp_hid, emp_id, emp_name = employee.household_id, employee.id, employee.name
    with pytest.raises(CollectionError, match=f"{emp_name} 不需缴费"):
        pay(demo_workspace, emp_hid, [emp_id])
    # Failed attempts use no receipt numbers: the next one follows without a gap.
    nxt = pay(demo_workspace, other_hid, others)
    assert parse_receipt_no(nxt.receipt_no)[1] == 2


def test_void_then_pay_again(demo_workspace: Workspace) -> None:
    hid, people = household_due(demo_workspace)
    paid = pay(demo_workspace, hid, people)
    with pytest.raises(CollectionError, match="须填写原因"):
        void_receipt(demo_workspace.db, paid.receipt_no, "  ")
    void_receipt(demo_workspace.db, paid.receipt_no.lower(), "收错了户")
    with pytest.raises(CollectionError, match="已作废"):
        void_receipt(demo_workspace.db, paid.receipt_no, "again")
    with demo_workspace.db.sessions() as s:
        view = receipt_view(s, paid.receipt_no)
        assert view.voided and view.void_reason == "收错了户"
    again = pay(demo_workspace, hid, people)
    assert parse_receipt_no(again.receipt_no)[1] == 2
    with demo_workspace.db.sessions() as s:
        assert verify_books(s).valid


def test_a_remitted_receipt_cannot_be_voided(demo_workspace: Workspace) -> None:
    hid, people = household_due(demo_workspace)
    paid = pay(demo_workspace, hid, people)
    with writing(demo_workspace.db.engine) as s:
        ledger.append(s, ensure_device(s), "remittance", {"receipts": [paid.receipt_no]})
    with pytest.raises(CollectionError, match=r"已上解，不能作废.*退费申请"):
        void_receipt(demo_workspace.db, paid.receipt_no, "late")


def test_receipt_view_and_code_come_from_the_stored_record(demo_workspace: Workspace) -> None:
    hid, people = household_due(demo_workspace)
    paid = pay(demo_workspace, hid, people, method="wechat", reference="WX123")
    assert record_print(demo_workspace.db, paid.receipt_no, "pdf") == 0
    assert record_print(demo_workspace.db, paid.receipt_no, "pdf") == 1
    with demo_workspace.db.sessions() as s:
        view = receipt_view(s, paid.receipt_no, copy_no=1)
        keys = {d.id: d.public_key for d in s.scalars(select(Device))}
    assert view.total_fen == 38000 * len(people) and view.method_label == "微信"
    assert view.county == "安化县" and view.township == "冷市镇" and view.reprint == 1
    assert all("*" in line.masked_id for line in view.lines)
    code = verify_code(view.qr_text, keys)
    assert (code.receipt_no, code.total_fen) == (view.receipt_no, view.total_fen)
    forged = view.qr_text.replace(view.qr_text.split(".")[1][:4], "AAAA", 1)
    with pytest.raises(Exception, match=r"签名不符|已损坏"):
        verify_code(forged, keys)


def test_the_database_refuses_to_change_receipts_and_events(demo_workspace: Workspace) -> None:
    hid, people = household_due(demo_workspace)
    pay(demo_workspace, hid, people)
    with demo_workspace.db.engine.begin() as conn:
        for statement in (
            "UPDATE payment SET total_fen = 1",
            "DELETE FROM payment_line",
            "UPDATE ledger_event SET body = '{}'",
            "DELETE FROM ledger_event",
        ):
            with pytest.raises(Exception, match="append-only"):
                conn.execute(text(statement))


def test_tampering_behind_the_apps_back_is_found(demo_workspace: Workspace) -> None:
    hid, people = household_due(demo_workspace)
    pay(demo_workspace, hid, people)
    path = demo_workspace.db.path
    demo_workspace.db.engine.dispose()
    raw = sqlite3.connect(path)
    raw.execute("DROP TRIGGER payment_line_no_update")
    raw.execute("UPDATE payment_line SET amount_fen = 100 WHERE id = 1")
    raw.commit()
    raw.close()
    with demo_workspace.db.sessions() as s:
        report = verify_books(s)
    assert not report.valid and report.first_bad == 1
    assert "amount_fen 与签名记录不符" in report.problem
