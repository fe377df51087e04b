"""Where the 上解单 (remittance slip) of a close is saved: a PDF beside the receipts folder."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from app.dayclose import Remittance, collecting_unit
from db.database import Database
from printing.devices import PrintError, reason
from printing.targets import PDF_FOLDER, default_target, load_target

SLIP_FOLDER = "上解单"


def slip_folder(session: Session, db_path: Path | None) -> Path:
    """A 上解单 folder beside the receipts: next to the PDF folder receipts print to, else next to
    the default receipts folder beside the database."""
    target = load_target(session, db_path)
    receipts = target if target.kind == PDF_FOLDER else default_target(db_path)
    return Path(receipts.location).parent / SLIP_FOLDER


def slip_name(remittance: Remittance) -> str:
    """One file per close (a day may have two): the business day and the event's first digits."""
    return f"上解单-{remittance.business_day.isoformat()}-{remittance.event_id[:8]}.pdf"


def write_slip(db: Database, remittance: Remittance, path: Path) -> Path:
    """Render the slip and write it to `path` atomically; PrintError (Chinese) if it cannot."""
    # reportlab's platypus loads only when a slip is made: it costs the desktop's start-up.
    from printing.remittance_pdf import render_slip

    data = render_slip(remittance, collecting_unit(db, remittance.preview.receipts))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".slip-", suffix=".pdf", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise PrintError(f"无法保存上解单 {path}：{reason(exc)}") from exc
    return path


def save_slip(db: Database, remittance: Remittance) -> Path:
    """The slip in the 上解单 folder (see slip_folder); its path."""
    with db.sessions() as session:
        folder = slip_folder(session, db.path)
    return write_slip(db, remittance, folder / slip_name(remittance))
