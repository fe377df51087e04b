"""Running the county server: uvicorn over the API, optionally with TLS."""

from __future__ import annotations

import logging
from pathlib import Path

from sync.server.county import CountyError, open_county

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8750


def serve(
    url: str | None,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    tls_cert: Path | None = None,
    tls_key: Path | None = None,
) -> None:
    """Serve until interrupted; the database is opened (and created) before the port."""
    import uvicorn

    from sync.server.api import create_app

    if (tls_cert is None) != (tls_key is None):
        raise CountyError("--tls-cert 与 --tls-key 须同时给出")
    for path in (tls_cert, tls_key):
        if path is not None and not path.is_file():
            raise CountyError(f"找不到 TLS 文件：{path}")
    county = open_county(url)
    logging.basicConfig(level=logging.INFO)
    try:
        uvicorn.run(
            create_app(county),
            host=host,
            port=port,
            ssl_certfile=str(tls_cert) if tls_cert else None,
            ssl_keyfile=str(tls_key) if tls_key else None,
            log_level="info",
        )
    finally:
        county.close()
