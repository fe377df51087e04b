"""Killing the process (SIGKILL) in the middle of a burst of payments loses nothing committed and
leaves no partial household, no gap in the receipt numbers and a valid chain."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from app.audit import verify_books
from app.workspace import open_workspace
from db.models import Enrolment, Payment, PaymentLine

ROOT = Path(__file__).resolve().parents[2]

# Pays for every household with members due, one after another, and reports each receipt
# only once record_payment has returned (committed).
BURST = """
import sys
from sqlalchemy import select
from app.collection import quote_household, record_payment, CollectionError
from app.workspace import open_workspace
from db.models import Household
ws = open_workspace(sys.argv[1])
policy = ws.policy()
with ws.db.sessions() as s:
    households = list(s.scalars(select(Household.id).order_by(Household.id)))
print("ready", flush=True)
for hid in households:
    with ws.db.sessions() as s:
        people = [q.person_id for q in quote_household(s, hid, policy, ws.today) if q.payable]
    if not people:
        continue
    paid = record_payment(ws.db, policy, hid, people, method="cash", paid_on=ws.today)
    print(paid.receipt_no, len(people), flush=True)
"""


def burst_and_kill(db: Path, receipts_before_kill: int) -> list[tuple[str, int]]:
    child = subprocess.Popen(
        [sys.executable, "-c", BURST, str(db)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    committed = []
    for _ in range(receipts_before_kill):
        receipt_no, people = child.stdout.readline().split()
        committed.append((receipt_no, int(people)))
    # The child is mid-way through its next payment (or between two): kill it there.
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    return committed


def test_sigkill_during_payments_keeps_every_committed_receipt(demo_db_path: Path) -> None:
    rng = random.Random(20231015)
    reported: list[tuple[str, int]] = []
    for _round in range(3):
        reported += burst_and_kill(demo_db_path, rng.randint(2, 6))
        workspace = open_workspace(demo_db_path)
        with workspace.db.sessions() as s:
            report = verify_books(s)
            assert report.valid, report.problem
            stored = dict(
                s.execute(
                    select(Payment.receipt_no, func.count(PaymentLine.id))
                    .join(PaymentLine, PaymentLine.payment_id == Payment.id)
                    .group_by(Payment.id)
                ).all()
            )
            seqs = sorted(s.scalars(select(Payment.seq)))
            paid_here = s.scalar(select(func.count()).where(Enrolment.status == "paid_here"))
            lines = s.scalar(select(func.count()).select_from(PaymentLine))
        workspace.close()
        # Every receipt the child saw committed is there, whole.
        for receipt_no, people in reported:
            assert stored[receipt_no] == people
        # No gap in the numbers, every payment has its event, and every line its status.
        assert seqs == list(range(1, len(seqs) + 1))
        assert report.events == len(seqs)
        assert paid_here == lines
