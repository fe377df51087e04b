"""The county API fuzzed from its own OpenAPI document (schemathesis), against the real server
process: whatever arrives, signed or not, well-formed or not, no answer is a 500, and every
refusal is JSON with a Chinese reason. SQLite only: the database is not what is fuzzed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from app.keys import DeviceKey
from sync.server.county import CountyDatabase
from sync.wire import sign_request
from tests.sync.conftest import DeviceFactory, ServerProcess
from tests.sync.helpers import CHINESE, county_counts, key_of

EXAMPLES = 50  # per operation and mode: a few seconds in all


@pytest.fixture
def county_url(tmp_path: Path) -> Iterator[str]:
    """SQLite only, overriding the two-database fixture of conftest."""
    yield f"sqlite:///{tmp_path / 'county.db'}"


class DeviceSignature(requests.auth.AuthBase):
    """Signs each request as the enrolled device would, over the exact bytes sent."""

    def __init__(self, key: DeviceKey) -> None:
        self.key = key

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        url = urlsplit(request.url or "")
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        if not isinstance(body, bytes):  # a streamed body: nothing this fuzz sends
            return request
        request.headers.update(
            sign_request(self.key, request.method or "GET", url.path, url.query, body)
        )
        return request


def _aim(body: Any, device_id: str) -> Any:
    """Events that name the fuzzing device and start its chain, so they get past "not this
    device's" and "wait for event 1" to the hash and signature checks."""
    if isinstance(body, dict) and isinstance(body.get("events"), list):
        for n, event in enumerate(body["events"]):
            if isinstance(event, dict) and "device_id" in event:
                event["device_id"] = device_id
            if n == 0 and isinstance(event, dict) and type(event.get("seq")) is int:
                event["seq"] = 1
    return body


def test_no_request_the_openapi_document_allows_or_forbids_gets_a_500(
    county: CountyDatabase, server: ServerProcess, make_device: DeviceFactory
) -> None:
    device = make_device()
    key = key_of(device)
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    labels = sorted(op.label for op in operations)
    assert labels == ["GET /health", "GET /v1/changes", "POST /v1/enroll", "POST /v1/push"]
    signed, unsigned = requests.Session(), requests.Session()
    signed.auth = DeviceSignature(key)
    seen: dict[int, int] = {}

    for operation in operations:
        modes = [GenerationMode.POSITIVE]
        if operation.label != "GET /health":  # nothing in it to get wrong
            modes.append(GenerationMode.NEGATIVE)
        for mode in modes:

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode), sign=st.booleans())
            def fuzz(case: schemathesis.Case, sign: bool) -> None:
                if sign:
                    case.body = _aim(case.body, key.id)
                session = signed if sign else unsigned
                response = case.call(base_url=server.url, session=session, timeout=30)
                case.validate_response(response, checks=[not_a_server_error])
                seen[response.status_code] = seen.get(response.status_code, 0) + 1
                if response.status_code >= 400:
                    detail = response.json().get("detail")
                    assert isinstance(detail, str) and CHINESE.search(detail), response.text

            fuzz()

    signed.close()
    unsigned.close()
    # The fuzz reached past the door: refused requests, answered pushes and pages alike.
    assert {200, 400, 401}.issubset(seen), seen
    assert max(seen) < 500
    # Nothing a fuzzer made was ever good enough to be stored.
    assert county_counts(county)[0] == 0
    assert "Traceback" not in "".join(server.log)
