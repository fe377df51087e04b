"""The county's database: opening it by URL, its key, its devices and enrollment codes."""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, Engine, func, insert, or_, select, update

from app.clock import benefit_year as benefit_year_of
from app.clock import business_date
from app.keys import device_id_for
from app.ledger import GENESIS
from app.paths import data_dir
from db.engine import IMMEDIATE, make_url_engine, translate_errors
from db.models import (
    Base,
    County,
    Enrolment,
    Household,
    Person,
    Setting,
    SpecialGroup,
    Township,
    Village,
    VillageTask,
)
from sync.server.schema import CountyBase, CountySecret, SyncDevice

ENV_COUNTY_DB = "VCOLLECT_COUNTY_DB"
# The roster tables the county shares with the device (not the device's ledger or receipts).
ROSTER_TABLES = [
    Base.metadata.tables[model.__tablename__]
    for model in (
        County, Township, Village, Household, Person, Enrolment, SpecialGroup, VillageTask,
        Setting,
    )
]  # fmt: skip
KEY_NAME = "county_ed25519"
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read over the phone


class CountyError(Exception):
    """A county command or request that cannot be done; str() is the Chinese message."""


def default_url() -> str:
    """VCOLLECT_COUNTY_DB, else a SQLite file in the server's data directory."""
    if url := os.environ.get(ENV_COUNTY_DB):
        return url
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'county.db'}"


def normalise_url(text: str | None) -> str:
    """A database URL from --db: a URL as given, or a file path meaning SQLite."""
    if not text:
        return default_url()
    if "://" in text:
        return text.replace("postgresql://", "postgresql+psycopg://", 1)
    return f"sqlite:///{Path(text).expanduser().resolve()}"


@dataclass
class CountyDatabase:
    """An open county database: its engine and the county's signing key."""

    url: str
    engine: Engine
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> bytes:
        return self.private_key.public_key().public_bytes_raw()

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction: BEGIN IMMEDIATE on SQLite; PostgreSQL locks rows as it goes."""
        with self.engine.connect().execution_options(**{IMMEDIATE: True}) as conn, conn.begin():
            yield conn

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def today(self) -> date:
        return business_date()

    def benefit_year(self) -> int:
        return benefit_year_of(self.today())

    def close(self) -> None:
        self.engine.dispose()


def open_county(url: str | None = None) -> CountyDatabase:
    """Open (creating the tables and key if new) the county database at `url`."""
    url = normalise_url(url)
    engine = make_url_engine(url)
    try:
        with translate_errors(url):
            Base.metadata.create_all(engine, tables=ROSTER_TABLES)
            CountyBase.metadata.create_all(engine)
            key = _county_key(engine)
    except Exception as exc:
        engine.dispose()
        if "could not connect" in str(exc) or "Connection refused" in str(exc):
            raise CountyError(f"无法连接县级数据库 {_safe(url)}：{exc}") from exc
        raise
    return CountyDatabase(url, engine, key)


def _safe(url: str) -> str:
    """The URL without a password, for messages."""
    head, at, tail = url.rpartition("@")
    return f"{head.split(':')[0]}://…@{tail}" if at else url


def _county_key(engine: Engine) -> Ed25519PrivateKey:
    with engine.connect().execution_options(**{IMMEDIATE: True}) as conn, conn.begin():
        raw = conn.scalar(select(CountySecret.value).where(CountySecret.name == KEY_NAME))
        if raw is None:
            raw = Ed25519PrivateKey.generate().private_bytes_raw()
            conn.execute(insert(CountySecret).values(name=KEY_NAME, value=raw))
    return Ed25519PrivateKey.from_private_bytes(raw)


def code_hash(code: str) -> str:
    """Codes are stored hashed: a copied county database enrolls no laptop."""
    return hashlib.sha256(_clean_code(code).encode()).hexdigest()


def _clean_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def resolve_villages(conn: Connection, wanted: Sequence[str]) -> list[str]:
    """Village codes for codes or names as a clerk types them; CountyError names the unknown."""
    codes: list[str] = []
    for text in wanted:
        text = text.strip()
        found = conn.execute(
            select(Village.code).where(or_(Village.code == text, Village.name == text))
        ).all()
        if not found:
            raise CountyError(f"找不到村“{text}”，请先导入花名册，或用12位村代码")
        if len(found) > 1:
            raise CountyError(f"村名“{text}”不止一个，请用12位村代码")
        if found[0][0] not in codes:
            codes.append(found[0][0])
    if not codes:
        raise CountyError("请至少指定一个村（--village）")
    return codes


@dataclass(frozen=True, slots=True)
class NewDevice:
    number: int
    agent: str
    villages: list[str]
    receipt_prefix: str
    code: str  # shown once, never stored

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.number,
            "agent": self.agent,
            "villages": self.villages,
            "receipt_prefix": self.receipt_prefix,
            "code": self.code,
        }


def add_device(county: CountyDatabase, agent: str, villages: Sequence[str]) -> NewDevice:
    """A device slot for an agent and villages, with its one-time enrollment code."""
    agent = agent.strip()
    if not agent:
        raise CountyError("请填写代收员姓名（--agent）")
    code = _new_code()
    with county.writing() as conn:
        codes = resolve_villages(conn, villages)
        number = int(conn.scalar(select(func.coalesce(func.max(SyncDevice.number), 0))) or 0) + 1
        # County prefixes start with a digit; a key-derived (unenrolled) one is base32 letters
        # first often enough, and both stay distinct by device id anyway.
        prefix = f"{number:04d}" if number < 10_000 else f"{number:X}"[-4:]
        conn.execute(
            insert(SyncDevice).values(
                number=number,
                agent=agent,
                villages=" ".join(codes),
                code_hash=code_hash(code),
                created_at=_now(),
                receipt_prefix=prefix,
                last_seq=0,
                last_hash=GENESIS,
            )
        )
    return NewDevice(number, agent, codes, prefix, code)


def find_device(conn: Connection, ident: str) -> Any:
    """A device row by its number or its device id."""
    column = SyncDevice.number if ident.isdigit() else SyncDevice.device_id
    value: int | str = int(ident) if ident.isdigit() else ident
    row = conn.execute(select(SyncDevice).where(column == value)).first()
    if row is None:
        raise CountyError(f"找不到设备“{ident}”")
    return row


def revoke_device(county: CountyDatabase, ident: str) -> dict[str, Any]:
    """Stop a device: its code no longer enrolls and its pushes and pulls are refused."""
    with county.writing() as conn:
        row = find_device(conn, ident)
        if row.revoked_at is None:
            conn.execute(
                update(SyncDevice).where(SyncDevice.number == row.number).values(revoked_at=_now())
            )
    return {"id": row.number, "device_id": row.device_id, "agent": row.agent, "revoked": True}


def enroll(county: CountyDatabase, code: str, public_key: bytes) -> Any:
    """Bind a device's public key to the slot the code was made for; the slot row."""
    if len(public_key) != 32:
        raise CountyError("设备公钥格式不正确")
    with county.writing() as conn:
        row = conn.execute(
            select(SyncDevice).where(SyncDevice.code_hash == code_hash(code)).with_for_update()
        ).first()
        if row is None:
            raise CountyError("注册码无效，请向县医保局核对注册码")
        if row.revoked_at is not None:
            raise CountyError("该设备已被县医保局停用，注册码不能再用")
        if row.enrolled_at is not None:
            raise CountyError("注册码已使用过，每个注册码只能注册一台设备")
        device_id = device_id_for(public_key)
        taken = conn.scalar(select(SyncDevice.number).where(SyncDevice.device_id == device_id))
        if taken is not None:
            raise CountyError("本设备已注册过，无需再次注册")
        conn.execute(
            update(SyncDevice)
            .where(SyncDevice.number == row.number)
            .values(device_id=device_id, public_key=public_key, enrolled_at=_now())
        )
        return conn.execute(select(SyncDevice).where(SyncDevice.number == row.number)).one()


def devices(county: CountyDatabase) -> list[dict[str, Any]]:
    with county.reading() as conn:
        rows = conn.execute(select(SyncDevice).order_by(SyncDevice.number)).all()
    return [
        {
            "id": r.number,
            "device_id": r.device_id,
            "agent": r.agent,
            "villages": r.villages.split(),
            "receipt_prefix": r.receipt_prefix,
            "enrolled": r.enrolled_at is not None,
            "revoked": r.revoked_at is not None,
            "events": r.last_seq,
            "last_push_at": r.last_push_at.isoformat() if r.last_push_at else None,
        }
        for r in rows
    ]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
