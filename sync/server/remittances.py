"""The county's remittances (上解): the list with totals and differences, and bank matching."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update

from sync.server.county import CountyDatabase, CountyError
from sync.server.schema import Change, CountyRemittance


def list_remittances(county: CountyDatabase) -> list[dict[str, Any]]:
    with county.reading() as conn:
        rows = conn.execute(select(CountyRemittance).order_by(CountyRemittance.id)).all()
    return [
        {
            "id": r.id,
            "device_id": r.device_id,
            "agent": r.agent,
            "business_day": r.business_day.isoformat(),
            "villages": r.village_codes.split(),
            "receipts": r.receipts,
            "total_fen": r.total_fen,
            "expected_cash_fen": r.expected_cash_fen,
            "counted_fen": r.counted_fen,
            "difference_fen": r.difference_fen,
            "reason": r.reason,
            "reference": r.reference,
            "confirmed": r.confirmed_at is not None,
            "confirmed_at": r.confirmed_at.isoformat() if r.confirmed_at else None,
        }
        for r in rows
    ]


def confirm(county: CountyDatabase, ident: str, by: str = "") -> dict[str, Any]:
    """Mark a remittance matched to the bank; the device learns it with its next pull."""
    if not ident.isdigit():
        raise CountyError(f"上解记录编号“{ident}”应为数字")
    now = datetime.now(UTC).replace(tzinfo=None)
    with county.writing() as conn:
        row = conn.execute(
            select(CountyRemittance).where(CountyRemittance.id == int(ident)).with_for_update()
        ).first()
        if row is None:
            raise CountyError(f"找不到上解记录 {ident}")
        if row.confirmed_at is not None:
            raise CountyError(f"上解记录 {ident} 已于 {row.confirmed_at:%Y-%m-%d %H:%M} 确认")
        conn.execute(
            update(CountyRemittance)
            .where(CountyRemittance.id == row.id)
            .values(confirmed_at=now, confirmed_by=by)
        )
        body = {"event_id": row.event_id, "device_id": row.device_id,
                "confirmed_at": now.isoformat(timespec="seconds"), "confirmed_by": by}  # fmt: skip
        conn.execute(
            insert(Change).values(
                kind="confirmation",  # of a remittance (16 characters at most)
                # County-wide: the device may no longer serve those villages; others ignore it.
                village_code=None,
                origin_device=None,
                body=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
                created_at=now,
            )
        )
    return {"id": row.id, "event_id": row.event_id, "confirmed": True}
