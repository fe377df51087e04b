"""Who saw what: revealing a full ID number is a signed ledger event the county receives."""

# Masked numbers are the rule (app/identity.py mask). An agent sometimes needs the whole
# number, to compare it with an ID card or to type it into the tax app; each such reveal is
# recorded in the device's hash chain, so it cannot be removed afterwards without breaking
# the chain, and it travels to the county with the next sync.

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from app import ledger
from app.collection import agent_name
from app.keys import ensure_device
from db.database import Database
from db.engine import writing
from db.models import LedgerEvent, Person

REVEAL = "reveal"


def reveal_ids(db: Database, person_ids: Sequence[int], where: str) -> dict[int, str]:
    """The full ID numbers of `person_ids`, recorded as one `reveal` event (who, whom, where)."""
    if not person_ids:
        return {}
    with writing(db.engine) as session:
        rows = session.execute(
            select(Person.id, Person.id_number).where(Person.id.in_(person_ids))
        ).all()
        found = {row.id: row.id_number for row in rows}
        if found:
            ledger.append(
                session, ensure_device(session), REVEAL,
                {"person_ids": sorted(found), "agent": agent_name(session), "where": where},
            )  # fmt: skip
    return found


def reveals(db: Database) -> list[dict[str, object]]:
    """Every reveal on this device, oldest first, for an auditor."""
    with db.sessions() as session:
        events = session.scalars(
            select(LedgerEvent).where(LedgerEvent.kind == REVEAL).order_by(LedgerEvent.seq)
        ).all()
        return [{"at": e.created_at, **ledger.body_of(e)} for e in events]
