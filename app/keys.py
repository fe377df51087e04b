"""The device's identity: an Ed25519 key pair that signs every ledger event and receipt code."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Device


def _fingerprint(public: bytes) -> str:
    return base64.b32encode(hashlib.sha256(public).digest()).decode()


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
        id=f"D{fingerprint[:9]}",
        public_key=public,
        private_key=private.private_bytes_raw(),
        receipt_prefix=fingerprint[:4],
        created_at=datetime.now(UTC).replace(tzinfo=None),
    )
    session.add(device)
    session.flush()
    return device


def sign(device: Device, data: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(device.private_key).sign(data)


def verify(public_key: bytes, data: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True
