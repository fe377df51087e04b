"""The county server's HTTP API: health, enrollment, push and pull, every error in Chinese."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from app import __version__
from app.settings import get_setting
from sync.server.county import CountyDatabase, CountyError, enroll
from sync.server.feed import page
from sync.server.ingest import ingest
from sync.server.schema import SyncDevice
from sync.wire import (
    API,
    COUNTY_SIGNATURE_HEADER,
    DEVICE_HEADER,
    GZIP,
    MAX_BATCH_EVENTS,
    MAX_PAGE,
    SIGNATURE_HEADER,
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


def _json_body(data: bytes, encoding: str | None) -> dict[str, Any]:
    try:
        value = unpack(data, encoding)
    except WireError as exc:
        raise ApiError(400, str(exc)) from exc
    if not isinstance(value, dict):
        raise ApiError(400, "请求内容应为 JSON 对象")
    return value


def create_app(county: CountyDatabase) -> FastAPI:
    """The API over an open county database."""
    app = FastAPI(title="村医保代收 县级服务", version=__version__)

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status)

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("Unexpected server error")
        return JSONResponse({"detail": "县级服务内部错误，请稍后重试"}, status_code=500)

    async def authenticated(request: Request) -> tuple[Any, bytes]:
        """The enrolled device that signed this request, and the request's raw body."""
        body = await request.body()
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

    @app.post(f"{API}/enroll")
    async def enroll_device(request: Request) -> dict[str, Any]:
        """Bind a device's key to its one-time code; the device's identity comes back."""
        data = _json_body(await request.body(), request.headers.get("content-encoding"))
        code, key_text = data.get("code"), data.get("public_key")
        if not isinstance(code, str) or not isinstance(key_text, str):
            raise ApiError(400, "注册请求应包含注册码 code 和设备公钥 public_key")
        try:
            public_key = unb64(key_text)
            row = await run_in_threadpool(enroll, county, code, public_key)
        except (CountyError, WireError) as exc:
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
        }

    @app.post(f"{API}/push")
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

    @app.get(f"{API}/changes")
    async def changes(request: Request, cursor: int = 0, limit: int = MAX_PAGE) -> Response:
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
