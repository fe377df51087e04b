"""The business date: the system date, or a fixed one for training, tests and the demo county."""

from __future__ import annotations

import os
from datetime import date

from sqlalchemy.orm import Session

from app.settings import get_setting

BUSINESS_DATE_KEY = "business_date"
ENV_TODAY = "VCOLLECT_TODAY"


class BusinessDateError(ValueError):
    """A fixed business date that is not a date; str() is the Chinese message."""


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BusinessDateError(f"日期“{text}”格式不正确，应为 YYYY-MM-DD，如 2023-10-15") from None


def business_date(session: Session | None = None, override: str | date | None = None) -> date:
    """The date business is done on: `override` (--today), then VCOLLECT_TODAY, then the
    database's setting, then the system date."""
    if isinstance(override, date):
        return override
    if override:
        return parse_day(override)
    if env := os.environ.get(ENV_TODAY):
        return parse_day(env)
    if session is not None and (stored := get_setting(session, BUSINESS_DATE_KEY)):
        return parse_day(stored)
    return date.today()


def is_fixed(session: Session | None, override: str | date | None = None) -> bool:
    """Whether the business date is fixed rather than the system's (shown in the window title)."""
    return bool(
        override
        or os.environ.get(ENV_TODAY)
        or (session is not None and get_setting(session, BUSINESS_DATE_KEY))
    )


def benefit_year(day: date) -> int:
    """The benefit year business on `day` is for: collection in Sep-Dec of N is for N+1."""
    return day.year + 1 if day.month >= 9 else day.year
