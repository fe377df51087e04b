"""The wire between device and county: compressed JSON bodies, signed requests, event records."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import zlib
from typing import Any

from app.keys import Signer, sign, verify

API = "/v1"
DEVICE_HEADER = "X-VC-Device"
SIGNATURE_HEADER = "X-VC-Signature"
COUNTY_SIGNATURE_HEADER = "X-VC-County-Signature"
GZIP = "gzip"

MAX_BATCH_EVENTS = 200  # a push batch; the client sends 100 at a time
MAX_BODY_BYTES = 2 * 1024 * 1024  # compressed, as received
MAX_JSON_BYTES = 16 * 1024 * 1024  # once inflated: a zip bomb stops here
MAX_PAGE = 1000  # changes per pull page


class WireError(ValueError):
    """A body or signature that does not parse or check; str() is the Chinese reason."""


class TooLarge(WireError):
    """A body over the size limits, as sent or once inflated (HTTP 413)."""


# A JSON escape of half a UTF-16 surrogate pair: JSON allows it alone, UTF-8 cannot hold it.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def dump(value: Any) -> bytes:
    """Compact JSON bytes."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def compress(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


def pack(value: Any) -> bytes:
    """JSON, compact, gzip-compressed: payment events compress to a third on the wire."""
    return compress(dump(value))


def unpack(data: bytes, encoding: str | None) -> Any:
    """The JSON value of a request or answer body, gzip or plain, with size limits."""
    if len(data) > MAX_BODY_BYTES:
        raise TooLarge(f"请求过大（{len(data)} 字节，上限 {MAX_BODY_BYTES}）")
    if encoding == GZIP:
        inflater = zlib.decompressobj(wbits=31)
        try:
            data = inflater.decompress(data, MAX_JSON_BYTES + 1)
        except zlib.error as exc:
            raise WireError("请求内容不是有效的 gzip 压缩数据") from exc
        if len(data) > MAX_JSON_BYTES or inflater.unconsumed_tail:
            raise TooLarge(f"请求解压后过大（上限 {MAX_JSON_BYTES} 字节）")
    elif encoding not in (None, "", "identity"):
        raise WireError(f"不支持的内容编码“{encoding}”")
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WireError(f"请求内容不是有效的 JSON：{exc}") from exc
    except RecursionError as exc:
        raise WireError("请求内容不是可接受的 JSON：嵌套层数过多") from exc
    if _SURROGATE_ESCAPE.search(data):
        # A pair decodes to one character; a lone half would fail later, as UTF-8 or in SQL.
        try:
            dump(value)
        except UnicodeEncodeError as exc:
            raise WireError("请求内容含有无效的 Unicode 字符（不成对的代理项）") from exc
    return value


def request_digest(method: str, path: str, query: str, body: bytes) -> bytes:
    """What a device signs for a request: method, path, query and the body's hash.

    No timestamp: a device's clock may be days off, and every push is idempotent, so a
    replayed request changes nothing."""
    return "\n".join((method.upper(), path, query, hashlib.sha256(body).hexdigest())).encode()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise WireError("签名格式不正确") from exc


def sign_request(device: Signer, method: str, path: str, query: str, body: bytes) -> dict[str, str]:
    """The headers that authenticate a device's request."""
    signature = sign(device, request_digest(method, path, query, body))
    return {DEVICE_HEADER: device.id, SIGNATURE_HEADER: b64(signature)}


def check_signature(public_key: bytes, data: bytes, signature: str) -> bool:
    try:
        raw = unb64(signature)
    except WireError:
        return False
    return verify(public_key, data, raw)


# An event on the wire: the ledger row without its hashes. The server recomputes the hash
# from the previous event it holds, so a hash need not travel, and a signature made over
# that hash proves the content and the chain at once.
EVENT_FIELDS = ("seq", "event_id", "device_id", "kind", "created_at", "body", "signature")


def event_record(
    seq: int, event_id: str, device_id: str, kind: str, created_at: str, body: str, signature: str
) -> dict[str, Any]:
    """A ledger event as it travels (the signature base64, not hex: a third fewer bytes)."""
    return {
        "seq": seq,
        "event_id": event_id,
        "device_id": device_id,
        "kind": kind,
        "created_at": created_at,
        # As JSON, not a string of JSON: no escaped quotes; the server re-canonicalises it.
        "body": json.loads(body),
        "signature": b64(bytes.fromhex(signature)),
    }
