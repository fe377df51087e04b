"""Running the county server: uvicorn over the API, optionally with TLS."""

from __future__ import annotations

import logging
from pathlib import Path

from sync.server.county import CountyError, open_county
from sync.tls import CertificateError, file_fingerprint, spaced

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8750
log = logging.getLogger("village_collect.server")


def serve(
    url: str | None,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    tls_cert: Path | None = None,
    tls_key: Path | None = None,
    tls_proxy_cert: Path | None = None,
) -> None:
    """Serve until interrupted; the database is opened (and created) before the port.

    With `tls_cert` and `tls_key` the server speaks https; devices pin that certificate at
    enrollment. `tls_proxy_cert`: the certificate of a TLS proxy in front of a plain-http
    server, which enrollment names to the devices instead."""
    import uvicorn

    from sync.server.api import create_app

    if (tls_cert is None) != (tls_key is None):
        raise CountyError("--tls-cert 与 --tls-key 须同时给出")
    if tls_cert is not None and tls_proxy_cert is not None:
        raise CountyError("--tls-proxy-cert 用于由反向代理处理 TLS 的情形，不能与 --tls-cert 同用")
    for path in (tls_cert, tls_key, tls_proxy_cert):
        if path is not None and not path.is_file():
            raise CountyError(f"找不到 TLS 文件：{path}")
    device_cert = tls_cert or tls_proxy_cert
    try:
        digest = file_fingerprint(device_cert) if device_cert is not None else None
    except CertificateError as exc:
        raise CountyError(str(exc)) from exc
    county = open_county(url)
    logging.basicConfig(level=logging.INFO)
    if digest is not None:
        # What the county IT officer can compare with a device's, by hand if ever in doubt.
        log.info("TLS 证书 %s 的 SHA-256 指纹：%s", device_cert, spaced(digest))
    try:
        uvicorn.run(
            create_app(county, device_cert),
            host=host,
            port=port,
            ssl_certfile=str(tls_cert) if tls_cert else None,
            ssl_keyfile=str(tls_key) if tls_key else None,
            log_level="info",
        )
    finally:
        county.close()
