"""The county server's HTTP API: health, enrollment, push and pull, every error in Chinese."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from app import __version__
from app.settings import get_setting
from sync.server.county import CountyDatabase, CountyError, enroll
from sync.server.feed import page
from sync.server.ingest import ingest
from sync.server.schema import SyncDevice
from sync.tls import file_fingerprint
from sync.wire import (
    API,
    COUNTY_SIGNATURE_HEADER,
    DEVICE_HEADER,
    GZIP,
    MAX_BATCH_EVENTS,
    MAX_BODY_BYTES,
    MAX_PAGE,
    SIGNATURE_HEADER,
    TooLarge,
    WireError,
    b64,
    check_signature,
    compress,
    dump,
    request_digest,
    unb64,
    unpack,
)

log = logging.getLogger("village_collect.server")
REGION_KEY = "policy_region"


class ApiError(Exception):
    """An answer other than 200: the status and the Chinese reason."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


MAX_CURSOR = 2**63 - 1  # the feed's BIGINT
# A body over the limit is read to this many bytes (and dropped) so that the sender hears
# the 413 instead of a reset connection; past it the connection is closed.
DRAIN_BYTES = 16 * MAX_BODY_BYTES
STATUS_DETAIL = {
    404: "找不到该地址（县级服务的接口见 /openapi.json）",
    405: "该地址不支持这种请求方法",
}
PARAM_DETAIL = {
    "cursor": f"cursor 应为 0 到 {MAX_CURSOR} 之间的整数",
    "limit": f"limit 应为 1 到 {MAX_PAGE} 之间的整数",
}


async def _read_body(request: Request) -> bytes:
    """The request's raw body, refused (413) past MAX_BODY_BYTES without holding it all."""
    too_large = ApiError(413, f"请求过大（上限 {MAX_BODY_BYTES} 字节），请分批发送")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > DRAIN_BYTES:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size <= MAX_BODY_BYTES:
            chunks.append(chunk)
        elif size > DRAIN_BYTES:
            raise too_large
    if size > MAX_BODY_BYTES:
        raise too_large
    return b"".join(chunks)


def _json_body(data: bytes, encoding: str | None) -> dict[str, Any]:
    try:
        value = unpack(data, encoding)
    except TooLarge as exc:
        raise ApiError(413, str(exc)) from exc
    except WireError as exc:
        raise ApiError(400, str(exc)) from exc
    if not isinstance(value, dict):
        raise ApiError(400, "请求内容应为 JSON 对象")
    return value


# What the OpenAPI document says of the bodies and headers the handlers read themselves.
_ERROR = {"type": "object", "properties": {"detail": {"type": "string"}}}
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {"application/json": {"schema": _ERROR}}}
    for code, text in (
        (400, "请求内容或参数不正确（detail 为中文原因）"),
        (401, "未签名、设备未注册或签名无效"),
        (403, "设备或注册码已停用、已使用或无效"),
        (413, "请求过大"),
    )
}
_SIGNED = [
    {
        "name": DEVICE_HEADER,
        "in": "header",
        "required": True,
        "description": "设备编号（注册时县里返回的 device_id）",
        "schema": {"type": "string"},
    },
    {
        "name": SIGNATURE_HEADER,
        "in": "header",
        "required": True,
        "description": (
            "设备 Ed25519 私钥对“方法\\n路径\\n查询串\\n请求体 SHA-256 十六进制”的签名，"
            "base64url，无填充"
        ),
        "schema": {"type": "string"},
    },
]
_EVENT = {
    "type": "object",
    "required": ["seq", "event_id", "device_id", "kind", "created_at", "body", "signature"],
    "properties": {
        "seq": {"type": "integer", "minimum": 1, "description": "设备账本序号，从 1 连续"},
        "event_id": {"type": "string", "minLength": 1, "maxLength": 36},
        "device_id": {"type": "string", "minLength": 1, "maxLength": 32},
        "kind": {
            "type": "string",
            "minLength": 1,
            "maxLength": 32,
            "description": "payment、void 等",
        },
        "created_at": {"type": "string", "minLength": 1, "maxLength": 40},
        "body": {"type": "object", "description": "事件内容（JSON 对象）"},
        "signature": {
            "type": "string",
            "pattern": "^[A-Za-z0-9_-]{86}$",
            "description": "事件哈希（接在前一事件之后）的 Ed25519 签名，base64url，无填充",
        },
    },
}
_RESULT = {
    "type": "object",
    "required": ["event_id", "seq", "status"],
    "properties": {
        "event_id": {"type": "string"},
        "seq": {"type": "integer"},
        "status": {"type": "string", "enum": ["accepted", "duplicate", "conflict", "rejected"]},
        "reason": {"type": "string", "description": "未被接收时的中文原因"},
    },
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ENROLL_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        **_json(
            {
                "type": "object",
                "required": ["code", "public_key"],
                "properties": {
                    "code": {"type": "string", "description": "县医保局给的一次性注册码"},
                    "public_key": {
                        "type": "string",
                        "pattern": "^[A-Za-z0-9_-]{43}$",
                        "description": "设备 Ed25519 公钥（32 字节），base64url，无填充",
                    },
                },
            },
            "注册码和设备公钥（JSON，可 gzip 压缩并注明 Content-Encoding）",
        ),
    },
    "responses": {
        "200": _json(
            {
                "type": "object",
                "required": ["device_id", "receipt_prefix", "county_key", "tls_fingerprint"],
                "properties": {
                    "device_id": {"type": "string"},
                    "receipt_prefix": {"type": "string"},
                    "agent": {"type": "string"},
                    "villages": {"type": "array", "items": {"type": "string"}},
                    "county_key": {"type": "string", "description": "县级 Ed25519 公钥"},
                    "region": {"type": ["string", "null"]},
                    "cursor": {"type": "integer"},
                    "tls_fingerprint": {
                        "type": ["string", "null"],
                        "description": (
                            "本服务使用的 TLS 证书的 SHA-256 指纹（DER，小写十六进制）；"
                            "设备核对它与连接时收到的证书相同后才记住该证书；未用 TLS 时为 null"
                        ),
                    },
                },
            },
            "注册成功：设备身份、县级公钥和服务证书指纹",
        )
    },
}
PUSH_DOC: dict[str, Any] = {
    "parameters": _SIGNED,
    "requestBody": {
        "required": True,
        **_json(
            {
                "type": "object",
                "required": ["events"],
                "properties": {
                    "events": {"type": "array", "maxItems": MAX_BATCH_EVENTS, "items": _EVENT}
                },
            },
            "一批账本事件（JSON，通常 gzip 压缩并注明 Content-Encoding: gzip）",
        ),
    },
    "responses": {
        "200": _json(
            {
                "type": "object",
                "required": ["results", "device_seq"],
                "properties": {
                    "results": {"type": "array", "items": _RESULT},
                    "device_seq": {"type": "integer", "description": "县里已连续保存到的序号"},
                },
            },
            "逐条事件的结果，与请求中的顺序相同",
        )
    },
}
CHANGES_DOC: dict[str, Any] = {
    "parameters": _SIGNED,
    "responses": {
        "200": _json(
            {
                "type": "object",
                "required": ["changes", "cursor", "more"],
                "properties": {
                    "changes": {"type": "array", "items": {"type": "object"}},
                    "cursor": {"type": "integer"},
                    "more": {"type": "boolean"},
                },
            },
            f"一页变更，由县级私钥签名（响应头 {COUNTY_SIGNATURE_HEADER}）",
        )
    },
}


def create_app(county: CountyDatabase, tls_cert: Path | None = None) -> FastAPI:
    """The API over an open county database. `tls_cert`: the certificate devices connect
    with (the one served, or a TLS proxy's in front); enrollment tells them its fingerprint
    so that they can tell it from an impostor's. Raises CertificateError if unreadable."""
    app = FastAPI(title="村医保代收 县级服务", version=__version__)
    app.state.tls_fingerprint = file_fingerprint(tls_cert) if tls_cert is not None else None

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        names = []
        for error in exc.errors():
            name = str(error.get("loc", ("", "?"))[-1])
            if name not in names:
                names.append(name)
        reasons = [PARAM_DETAIL.get(name, f"参数 {name} 不正确") for name in names]
        return JSONResponse({"detail": "请求参数不正确：" + "；".join(reasons)}, status_code=400)

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        detail = STATUS_DETAIL.get(exc.status_code, f"请求无法处理（HTTP {exc.status_code}）")
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("Unexpected server error")
        return JSONResponse({"detail": "县级服务内部错误，请稍后重试"}, status_code=500)

    async def authenticated(request: Request) -> tuple[Any, bytes]:
        """The enrolled device that signed this request, and the request's raw body."""
        body = await _read_body(request)
        device_id = request.headers.get(DEVICE_HEADER, "")
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if not device_id or not signature:
            raise ApiError(401, "请求未签名：缺少设备编号或签名")

        def lookup() -> Any:
            with county.reading() as conn:
                return conn.execute(
                    select(SyncDevice).where(SyncDevice.device_id == device_id)
                ).first()

        device = await run_in_threadpool(lookup)
        if device is None or device.public_key is None:
            raise ApiError(401, f"设备 {device_id} 未在本县注册")
        if device.revoked_at is not None:
            raise ApiError(403, f"设备 {device_id} 已被县医保局停用")
        digest = request_digest(request.method, request.url.path, request.url.query, body)
        if not check_signature(device.public_key, digest, signature):
            raise ApiError(401, "请求签名无效")
        return device, body

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.post(f"{API}/enroll", openapi_extra=ENROLL_DOC, responses=_ERRORS)
    async def enroll_device(request: Request) -> dict[str, Any]:
        """Bind a device's key to its one-time code; the device's identity comes back."""
        data = _json_body(await _read_body(request), request.headers.get("content-encoding"))
        code, key_text = data.get("code"), data.get("public_key")
        if not isinstance(code, str) or not isinstance(key_text, str):
            raise ApiError(400, "注册请求应包含注册码 code 和设备公钥 public_key")
        try:
            public_key = unb64(key_text)
        except WireError as exc:
            raise ApiError(400, "设备公钥格式不正确") from exc
        if len(public_key) != 32:
            raise ApiError(400, "设备公钥格式不正确")
        try:
            row = await run_in_threadpool(enroll, county, code, public_key)
        except CountyError as exc:
            raise ApiError(403, str(exc)) from exc

        def region() -> str | None:
            with county.reading() as conn:
                return get_setting(conn, REGION_KEY)

        return {
            "device_id": row.device_id,
            "receipt_prefix": row.receipt_prefix,
            "agent": row.agent,
            "villages": row.villages.split(),
            "county_key": b64(county.public_key),
            "region": await run_in_threadpool(region),
            "cursor": 0,
            "tls_fingerprint": request.app.state.tls_fingerprint,
        }

    @app.post(f"{API}/push", openapi_extra=PUSH_DOC, responses=_ERRORS)
    async def push(request: Request) -> dict[str, Any]:
        """Store a batch of the device's events; one answer per event."""
        device, body = await authenticated(request)
        data = _json_body(body, request.headers.get("content-encoding"))
        events = data.get("events")
        if not isinstance(events, list):
            raise ApiError(400, "请求应包含事件列表 events")
        if len(events) > MAX_BATCH_EVENTS:
            raise ApiError(413, f"一批最多 {MAX_BATCH_EVENTS} 条事件，收到 {len(events)} 条")
        try:
            answer: dict[str, Any] = await run_in_threadpool(ingest, county, device.number, events)
        except CountyError as exc:
            raise ApiError(403, str(exc)) from exc
        return answer

    @app.get(f"{API}/changes", openapi_extra=CHANGES_DOC, responses=_ERRORS)
    async def changes(
        request: Request,
        cursor: Annotated[int, Query(ge=0, le=MAX_CURSOR)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = MAX_PAGE,
    ) -> Response:
        """The device's next page of changes, signed by the county."""
        device, _body = await authenticated(request)
        if cursor < 0 or not 1 <= limit <= MAX_PAGE:
            raise ApiError(400, f"cursor 应不小于 0，limit 应在 1 到 {MAX_PAGE} 之间")

        def read() -> dict[str, Any]:
            with county.reading() as conn:
                return page(conn, device.device_id, device.villages.split(), cursor, limit)

        result = await run_in_threadpool(read)
        text = dump(result)
        # Signed before compression: the client checks what it reads, after httpx inflates it.
        headers = {COUNTY_SIGNATURE_HEADER: b64(county.private_key.sign(text))}
        if GZIP in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = GZIP
            text = compress(text)
        return Response(text, media_type="application/json", headers=headers)

    return app
