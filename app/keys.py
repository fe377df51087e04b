"""The device's identity: an Ed25519 key pair that signs every ledger event and receipt code."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from db.models import Device


def _fingerprint(public: bytes) -> str:
    return base64.b32encode(hashlib.sha256(public).digest()).decode()


def device_id_for(public: bytes) -> str:
    """A device's id from its public key: the county derives the same id at enrollment."""
    return f"D{_fingerprint(public)[:9]}"


def ensure_device(session: Session) -> Device:
    """This device's row, made (with a new key pair) the first time; the caller commits.

    Until the county enrolls the device, its id and receipt prefix come from the key's
    fingerprint, so two unenrolled laptops never issue the same receipt number."""
    device = session.scalars(select(Device)).first()
    if device is not None:
        return device
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes_raw()
    fingerprint = _fingerprint(public)
    device = Device(
        id=device_id_for(public),
        public_key=public,
        private_key=private.private_bytes_raw(),
        receipt_prefix=fingerprint[:4],
        created_at=datetime.now(UTC).replace(tzinfo=None),
    )
    session.add(device)
    session.flush()
    return device


class Signer(Protocol):
    """Anything holding the device's id and private key: the Device row, or a DeviceKey."""

    @property
    def id(self) -> str: ...

    @property
    def private_key(self) -> bytes: ...


@dataclass(frozen=True, slots=True)
class DeviceKey:
    """The device's signing identity read with one Core query (the payment's hot path)."""

    id: str
    receipt_prefix: str
    private_key: bytes


_DEVICE_KEY = select(Device.id, Device.receipt_prefix, Device.private_key).limit(1)


def device_key(conn: Connection) -> DeviceKey:
    """This device's key, made the first time (in the caller's transaction)."""
    row = conn.execute(_DEVICE_KEY).first()
    if row is None:
        with Session(bind=conn) as session:
            device = ensure_device(session)
            return DeviceKey(device.id, device.receipt_prefix, device.private_key)
    return DeviceKey(row.id, row.receipt_prefix, row.private_key)


# Loading the key costs more than signing with it; a device has one key (two after a restore).
_private_key = lru_cache(maxsize=4)(Ed25519PrivateKey.from_private_bytes)


def sign(device: Signer, data: bytes) -> bytes:
    return _private_key(device.private_key).sign(data)


def verify(public_key: bytes, data: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True
