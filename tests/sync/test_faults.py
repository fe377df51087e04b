"""Faults between device and county, through a real county server process, on SQLite and on
PostgreSQL: whatever the network and the server do, the county ends with exactly the device's
events, each once, and the device with every event acknowledged."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from app.ledger import append
from app.settings import get_setting
from app.workspace import Workspace
from db.engine import writing_connection
from db.models import LedgerEvent, Person
from sync import client as sync_client
from sync.client import SyncError, status, sync
from sync.server.county import CountyDatabase
from sync.server.schema import CountyPayment, CountyPaymentLine, SyncConflict, SyncDevice
from sync.wire import (
    DEVICE_HEADER,
    GZIP,
    MAX_BATCH_EVENTS,
    MAX_BODY_BYTES,
    MAX_JSON_BYTES,
    SIGNATURE_HEADER,
    b64,
    compress,
    dump,
    pack,
    sign_request,
    unb64,
)
from tests.sync.conftest import DeviceFactory, ServerProcess, http
from tests.sync.helpers import (
    CHANGES,
    CHINESE,
    PUSH,
    Fault,
    Tap,
    collect,
    county_counts,
    county_events,
    key_of,
    ledger,
    push,
    records,
    signed_post,
    statuses,
)

Send = Callable[[httpx.Request], httpx.Response]  # the Tap's real send, as a fault gets it


def cut_before(nth: int) -> Fault:
    """The n-th request never reaches the server: the connection fails to open."""

    def fault(n: int, request: httpx.Request, send: Send) -> httpx.Response:
        if n == nth:
            raise httpx.ConnectError("connection cut (test)", request=request)
        return send(request)

    return fault


def cut_after(nth: int) -> Fault:
    """The n-th request reaches the server, which does its work; the answer is lost."""

    def fault(n: int, request: httpx.Request, send: Send) -> httpx.Response:
        response = send(request)
        if n == nth:
            raise httpx.ReadError("connection reset (test)", request=request)
        return response

    return fault


def flip(signature: str) -> str:
    """A base64 signature with one byte changed."""
    raw = bytearray(unb64(signature))
    raw[10] ^= 0x01
    return b64(bytes(raw))


def held_by_county(county: CountyDatabase, workspace: Workspace) -> None:
    """The county holds exactly the device's ledger, each event once, in seq order, and the
    device has every event acknowledged."""
    key = key_of(workspace)
    assert county_events(county, key.id) == ledger(workspace)
    with county.reading() as conn:
        last = conn.scalar(select(SyncDevice.last_seq).where(SyncDevice.device_id == key.id))
    assert last == len(ledger(workspace))
    state = status(workspace)
    assert state.waiting == 0
    assert state.acked_seq == len(ledger(workspace))


def conflicts(county: CountyDatabase) -> list[str]:
    with county.reading() as conn:
        return list(conn.scalars(select(SyncConflict.kind)))


@pytest.fixture
def device(make_device: DeviceFactory) -> Workspace:
    """An enrolled device that has pulled its village's roster."""
    workspace = make_device()
    sync(workspace)
    return workspace


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> int:
    """Push two events a request, so a few payments make several batches."""
    monkeypatch.setattr(sync_client, "BATCH", 2)
    return 2


# 1. The connection cut before the request arrives.


def test_a_connection_cut_before_the_request_arrives_loses_nothing(
    county: CountyDatabase, device: Workspace, small_batches: int
) -> None:
    collect(device, 5)  # three batches: 1-2, 3-4, 5
    with pytest.raises(SyncError, match="无法连接县级服务器"):
        sync(device, transport=Tap(cut_before(1)))
    assert county_counts(county) == (0, 0)
    assert status(device).acked_seq == 0
    # The second batch's connection fails: the first is stored and acknowledged.
    with pytest.raises(SyncError, match="无法连接县级服务器"):
        sync(device, transport=Tap(cut_before(2)))
    assert [seq for _, seq, *_ in county_events(county, key_of(device).id)] == [1, 2]
    assert status(device).acked_seq == 2
    # Everything pushed, then the pull's connection fails: the push stays acknowledged.
    with pytest.raises(SyncError, match="无法连接县级服务器"):
        sync(device, transport=Tap(cut_before(1), path=CHANGES))
    assert status(device).acked_seq == 5
    report = sync(device)
    assert (report.pushed, report.duplicates, report.rejected) == (0, 0, 0)
    held_by_county(county, device)
    assert conflicts(county) == []


# 2. The connection cut after the server committed, before the answer.


def test_an_answer_lost_after_the_county_committed_comes_back_as_duplicates(
    county: CountyDatabase, device: Workspace, small_batches: int
) -> None:
    collect(device, 5)
    tap = Tap(cut_after(2))
    with pytest.raises(SyncError, match="无法连接县级服务器"):
        sync(device, transport=tap)
    # The county stored batches one and two; the device heard only of the first.
    assert [seq for _, seq, *_ in county_events(county, key_of(device).id)] == [1, 2, 3, 4]
    assert status(device).acked_seq == 2
    report = sync(device)
    assert (report.pushed, report.duplicates, report.acknowledged) == (3, 2, 1)
    assert report.problems == []
    held_by_county(county, device)
    assert conflicts(county) == []


def test_a_lost_page_of_changes_is_pulled_again_and_applied_once(
    county: CountyDatabase, make_device: DeviceFactory
) -> None:
    workspace = make_device()
    lost: list[int] = []

    def lose_page(n: int, request: httpx.Request, send: Send) -> httpx.Response:
        response = send(request)
        lost.append(len(response.json()["changes"]))
        raise httpx.ReadError("connection reset (test)", request=request)

    with pytest.raises(SyncError, match="无法连接县级服务器"):
        sync(workspace, transport=Tap(lose_page, path=CHANGES))
    with workspace.db.sessions() as session:
        assert session.scalars(select(Person.id)).first() is None
    report = sync(workspace)
    assert report.pulled == lost[0] > 0
    assert sync(workspace).pulled == 0
    with workspace.db.sessions() as session:
        assert len(session.scalars(select(Person.id)).all()) == lost[0]


# 3. Duplicated and reordered batches.


def test_duplicated_and_reordered_batches_store_the_chain_once_in_order(
    county: CountyDatabase, device: Workspace, server: ServerProcess
) -> None:
    collect(device, 6)
    key, events = key_of(device), records(device)
    first, second, third = events[0:2], events[2:4], events[4:6]
    with http(server) as client:
        # The last batch first: it waits for the earlier events, nothing is stored.
        answer = push(client, key, third)
        assert statuses(answer) == [(5, "rejected"), (6, "rejected")]
        assert all("缺少第1号" in r["reason"] and "待其到达" in r["reason"]
                   for r in answer["results"])  # fmt: skip
        assert answer["device_seq"] == 0
        assert statuses(push(client, key, second)) == [(3, "rejected"), (4, "rejected")]
        # The first batch, twice.
        answer = push(client, key, first)
        assert (statuses(answer), answer["device_seq"]) == ([(1, "accepted"), (2, "accepted")], 2)
        answer = push(client, key, first)
        assert (statuses(answer), answer["device_seq"]) == (
            [(1, "duplicate"), (2, "duplicate")], 2,
        )  # fmt: skip
        # The third batch, reversed, still before the second: it waits for event 3.
        answer = push(client, key, third[::-1])
        assert statuses(answer) == [(6, "rejected"), (5, "rejected")]
        assert "缺少第3号" in answer["results"][0]["reason"]
        # The rest in reverse order in one batch: stored in chain order, answered as sent.
        answer = push(client, key, (second + third)[::-1])
        assert statuses(answer) == [(6, "accepted"), (5, "accepted"), (4, "accepted"),
                                    (3, "accepted")]  # fmt: skip
        assert answer["device_seq"] == 6
        # Everything again, shuffled: all duplicates.
        answer = push(client, key, third + first + second)
        assert {s for _, s in statuses(answer)} == {"duplicate"}
        # The same batch as plain JSON, not gzip: the same answers.
        plain, headers = signed_post(
            key, PUSH, json.dumps({"events": first}).encode(), encoding=None
        )
        answer = client.post(PUSH, content=plain, headers=headers).json()
        assert statuses(answer) == [(1, "duplicate"), (2, "duplicate")]
    assert county_events(county, key.id) == ledger(device)
    # The device never heard any of those answers: its next sync sends all and learns.
    report = sync(device)
    assert (report.pushed, report.duplicates, report.acknowledged) == (6, 6, 0)
    held_by_county(county, device)
    assert conflicts(county) == []


def test_an_event_twice_in_one_batch_is_stored_once_and_is_no_conflict(
    county: CountyDatabase, device: Workspace, server: ServerProcess
) -> None:
    collect(device, 2)
    key, events = key_of(device), records(device)
    with http(server) as client:
        answer = push(client, key, [events[0], events[0], events[1], events[0]])
    assert statuses(answer) == [(1, "accepted"), (1, "duplicate"), (2, "accepted"),
                                (1, "duplicate")]  # fmt: skip
    assert county_events(county, key.id) == ledger(device)
    assert conflicts(county) == []


def test_the_same_batch_sent_at_once_on_four_connections_is_stored_once(
    county: CountyDatabase, device: Workspace, server: ServerProcess
) -> None:
    collect(device, 4)
    key, events = key_of(device), records(device)
    start = threading.Barrier(4)
    answers: list[dict[str, Any]] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            with http(server) as client:
                start.wait()
                answers.append(push(client, key, events))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    kinds = sorted({s for _, s in statuses(answer)}.pop() for answer in answers)
    assert kinds == ["accepted", "duplicate", "duplicate", "duplicate"]
    assert all(answer["device_seq"] == 4 for answer in answers)
    assert county_events(county, key.id) == ledger(device)
    assert conflicts(county) == []


# 4. The server killed (SIGKILL) mid-push and restarted.


def test_the_server_killed_mid_push_and_restarted_ends_with_every_event_once(
    county: CountyDatabase, device: Workspace, server: ServerProcess
) -> None:
    collect(device, 250)  # three batches of at most 100

    def kill_after_first_answer(n: int, request: httpx.Request, send: Send) -> httpx.Response:
        response = send(request)
        if n == 1:
            server.kill()
        return response

    with pytest.raises(SyncError, match="无法连接县级服务器"):
        sync(device, transport=Tap(kill_after_first_answer))
    assert status(device).acked_seq == sync_client.BATCH
    server.start()
    assert county_counts(county)[0] == sync_client.BATCH

    # Killed again: after it committed the next batch, before the device heard the answer.
    def kill_before_answer(n: int, request: httpx.Request, send: Send) -> httpx.Response:
        send(request)
        server.kill()
        raise httpx.RemoteProtocolError("server disconnected (test)", request=request)

    with pytest.raises(SyncError, match="无法连接县级服务器"):
        sync(device, transport=Tap(kill_before_answer))
    assert status(device).acked_seq == sync_client.BATCH
    assert county_counts(county)[0] == 2 * sync_client.BATCH
    server.start()

    report = sync(device)
    assert (report.pushed, report.duplicates, report.acknowledged) == (150, 100, 50)
    assert report.problems == []
    held_by_county(county, device)
    assert conflicts(county) == []


# 5. Tampered signatures and replayed batches.


def test_a_tampered_event_signature_is_rejected_and_nothing_is_stored_for_it(
    county: CountyDatabase, device: Workspace, server: ServerProcess
) -> None:
    collect(device, 3)
    key, events = key_of(device), records(device)
    forged = [events[0], {**events[1], "signature": flip(events[1]["signature"])}, events[2]]
    changed = {**events[0], "body": {**events[0]["body"], "total_fen": 1}}
    with http(server) as client:
        answer = push(client, key, [changed])
        assert statuses(answer) == [(1, "rejected")]
        assert "签名无效" in answer["results"][0]["reason"]
        answer = push(client, key, forged)
    assert statuses(answer) == [(1, "accepted"), (2, "rejected"), (3, "rejected")]
    assert "签名无效" in answer["results"][1]["reason"]
    assert "缺少第2号" in answer["results"][2]["reason"]
    assert answer["device_seq"] == 1
    assert [seq for _, seq, *_ in county_events(county, key.id)] == [1]
    # The device's own, untouched events still go through.
    report = sync(device)
    assert (report.duplicates, report.acknowledged) == (1, 2)
    held_by_county(county, device)


def test_a_tampered_request_signature_is_refused_with_401(
    county: CountyDatabase, device: Workspace, server: ServerProcess
) -> None:
    collect(device, 2)
    key = key_of(device)
    body, headers = signed_post(key, PUSH, pack({"events": records(device)}))
    with http(server) as client:
        forged = {**headers, SIGNATURE_HEADER: flip(headers[SIGNATURE_HEADER])}
        refused = [client.post(PUSH, content=body, headers=forged)]
        # The signature is good, but for other bytes.
        other = pack({"events": records(device)[:1]})
        refused.append(client.post(PUSH, content=other, headers=headers))
        # Signed for another path or query.
        query = sign_request(key, "GET", CHANGES, "cursor=0&limit=5", b"")
        refused.append(client.get(CHANGES, params={"cursor": 0, "limit": 6}, headers=query))
    for response in refused:
        assert response.status_code == 401
        assert response.json()["detail"] == "请求签名无效"
    assert county_counts(county) == (0, 0)


def test_a_batch_replayed_by_another_device_is_refused_and_a_replay_changes_nothing(
    county: CountyDatabase, make_device: DeviceFactory, server: ServerProcess
) -> None:
    first = make_device("a", "张三")
    second = make_device("b", "李四")
    sync(first)
    collect(first, 3)
    tap = Tap(lambda n, request, send: send(request))
    sync(first, transport=tap)
    pushed = next(r for r in tap.sent if r.url.path == PUSH)
    with http(server) as client:
        # B sends A's events, signed as a request by B: not B's events.
        answer = push(client, key_of(second), records(first))
        assert [r["status"] for r in answer["results"]] == ["rejected"] * 3
        assert all("事件不属于本设备" in r["reason"] for r in answer["results"])
        assert answer["device_seq"] == 0
        # A's request, replayed byte for byte: the same answers again, nothing new.
        replay = client.post(PUSH, content=pushed.content, headers=pushed.headers)
        assert replay.status_code == 200
        assert [r["status"] for r in replay.json()["results"]] == ["duplicate"] * 3
        # A's request with B's name on it: the signature is not B's.
        stolen = httpx.Headers(pushed.headers)
        stolen[DEVICE_HEADER] = key_of(second).id
        refused = client.post(PUSH, content=pushed.content, headers=stolen)
        assert (refused.status_code, refused.json()["detail"]) == (401, "请求签名无效")
    held_by_county(county, first)
    assert county_events(county, key_of(second).id) == []
    assert conflicts(county) == []


def test_a_signed_event_the_county_cannot_read_is_kept_raised_and_blocks_nothing(
    county: CountyDatabase, device: Workspace
) -> None:
    """A device with a bug signs what it should not: the county stores the signed fact, raises
    it for a person to read, writes no half of it, and takes the events after it."""
    collect(device, 1)
    key = key_of(device)
    with device.db.sessions() as session:
        good = json.loads(session.scalars(select(LedgerEvent.body)).one())
    odd = [
        ("payment", {**good, "lines": []}),
        ("payment", {**good, "receipt_no": "X1", "total_fen": 2**40}),
        ("payment", {**good, "receipt_no": "X2", "household": "户" * 40}),
        ("payment", {**good, "receipt_no": "X3", "paid_on": 20231015}),
        ("payment", {**good, "receipt_no": "X4", "lines": [{**good["lines"][0], "name": None,
                                                            "amount_fen": "many"}]}),
        ("payment", good),  # the same receipt number again
        ("void", {"receipt_no": "NOPE", "reason": "打错了"}),
        ("void", {"receipt_no": good["receipt_no"], "reason": "理由" * 200}),
    ]  # fmt: skip
    with writing_connection(device.db.engine) as conn:
        for kind, body in odd:
            append(conn, key, kind, body)
        append(conn, key, "remittance", {"receipts": [], "total_fen": 0})
    collect(device, len(ledger(device)) + 1)  # and a good payment after them
    report = sync(device)
    assert (report.acknowledged, report.rejected, report.conflicts) == (11, 0, 0)
    held_by_county(county, device)
    # ... and the remittance without its totals is one more for a person to read.
    assert conflicts(county) == ["unreadable"] * (len(odd) + 1)
    with county.reading() as conn:
        payments = conn.execute(select(CountyPayment.id, CountyPayment.receipt_no)).all()
        voided = conn.scalars(select(CountyPayment.voided)).all()
        owners = conn.scalars(select(CountyPaymentLine.payment_id)).all()
    # The first and the last payment only, neither voided, and no line left without its payment.
    assert len(payments) == 2 and good["receipt_no"] in {p.receipt_no for p in payments}
    assert not any(voided)
    assert set(owners) == {p.id for p in payments}


# 6. Bad input over HTTP, and a server that answers badly.


def _event(seq: Any = 1, body: Any = None, **fields: Any) -> dict[str, Any]:
    return {"seq": seq, "event_id": "e-1", "device_id": "D0", "kind": "payment",
            "created_at": "2023-10-15T08:00:00+00:00", "body": {} if body is None else body,
            "signature": b64(bytes(64)), **fields}  # fmt: skip


def test_bad_requests_get_a_chinese_reason_never_a_500_and_store_nothing(
    county: CountyDatabase, device: Workspace, server: ServerProcess
) -> None:
    key = key_of(device)
    too_many = pack({"events": [_event(n) for n in range(1, MAX_BATCH_EVENTS + 2)]})
    cases: list[tuple[str, bytes, str | None, int, str]] = [
        ("malformed JSON", b'{"events": [', None, 400, "JSON"),
        ("malformed JSON, gzip", compress(b'{"events": ]'), GZIP, 400, "JSON"),
        ("not gzip", b'{"events": []}', GZIP, 400, "gzip"),
        ("truncated gzip", compress(dump({"events": []}))[:12], GZIP, 400, "JSON"),
        ("unknown encoding", b"{}", "br", 400, "编码"),
        ("not UTF-8", b'{"events": ["\xff"]}', None, 400, "JSON"),
        ("a list, not an object", b"[]", None, 400, "JSON 对象"),
        ("events not a list", b'{"events": {"seq": 1}}', None, 400, "events"),
        ("nested too deep", b"[" * 100_000, None, 400, "JSON"),
        ("a lone surrogate", b'{"events": [], "x": "\\ud800"}', None, 400, "字符"),
        ("too many events", too_many, GZIP, 413, str(MAX_BATCH_EVENTS)),
        ("too many bytes", b" " * (MAX_BODY_BYTES + 1), None, 413, "过大"),
        ("a zip bomb", gzip.compress(b" " * (MAX_JSON_BYTES + 1)), GZIP, 413, "过大"),
    ]
    with http(server) as client:
        for name, body, encoding, code, reason in cases:
            data, headers = signed_post(key, PUSH, body, encoding=encoding)
            response = client.post(PUSH, content=data, headers=headers)
            assert response.status_code == code, (name, response.text)
            detail = response.json()["detail"]
            assert isinstance(detail, str) and CHINESE.search(detail), (name, detail)
            assert reason in detail, (name, detail)
        # Wrong types inside events: each event answered on its own.
        bad = [
            (_event("1"), "seq"), (_event(0), "seq"), (_event(True), "seq"),
            (_event(body=[1, 2]), "body"), (_event(body="{}"), "body"),
            (_event(kind=7), "kind"), (_event(event_id=""), "event_id"),
            (_event(event_id="x" * 37), "event_id"), (_event(signature="*"), "签名"),
            (_event(signature=b64(b"short")), "签名"), ({"seq": 1}, "缺少字段"),
            (["not", "an", "event"], "JSON 对象"), (None, "JSON 对象"),
        ]  # fmt: skip
        answer = push(client, key, [event for event, _ in bad])
        for result, (event, reason) in zip(answer["results"], bad, strict=True):
            assert result["status"] == "rejected", (event, result)
            assert reason in result["reason"] and CHINESE.search(result["reason"]), result
            assert isinstance(result["seq"], int) and not isinstance(result["seq"], bool)
        assert answer["device_seq"] == 0
        # Who is asking: unsigned, unknown, and a query the API cannot read.
        body = pack({"events": []})
        signed = sign_request(key, "POST", PUSH, "", body)
        unknown = {**signed, DEVICE_HEADER: "DNOSUCHDEV"}
        read = sign_request(key, "GET", CHANGES, "cursor=abc", b"")
        huge = sign_request(key, "GET", CHANGES, f"cursor={10**30}", b"")
        checks = [
            (client.post(PUSH, content=body), 401, "未签名"),
            (client.post(PUSH, content=body, headers={DEVICE_HEADER: key.id}), 401, "未签名"),
            (client.post(PUSH, content=body, headers=unknown), 401, "未在本县注册"),
            (client.get(CHANGES), 401, "未签名"),
            (client.get(f"{CHANGES}?cursor=abc", headers=read), 400, "cursor"),
            (client.get(f"{CHANGES}?cursor={10**30}", headers=huge), 400, "cursor"),
            (client.get(PUSH), 405, "请求方法"),
            (client.get("/v1/nowhere"), 404, "找不到"),
            (client.post("/v1/enroll", content=b"{"), 400, "JSON"),
            (client.post("/v1/enroll", content=b'{"code": 1}'), 400, "注册码"),
            (client.post("/v1/enroll", content=b'{"code": "A", "public_key": "*"}'), 400, "公钥"),
        ]
    for response, code, reason in checks:
        assert response.status_code == code, (response.request.url, response.text)
        detail = response.json()["detail"]
        assert isinstance(detail, str) and CHINESE.search(detail), detail
        assert reason in detail, detail
    assert county_counts(county) == (0, 0)
    assert "Traceback" not in "".join(server.log)


def _not_gzip(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200, headers={"Content-Encoding": "gzip"}, stream=httpx.ByteStream(b"not gzip at all")
    )


def _forged_page(request: httpx.Request) -> httpx.Response:
    """A push answered in the county's words, then a page of changes it did not sign."""
    if request.url.path == PUSH:
        events = json.loads(gzip.decompress(request.content))["events"]
        results = [
            {"event_id": e["event_id"], "seq": e["seq"], "status": "rejected", "reason": "测试"}
            for e in events
        ]
        return httpx.Response(200, json={"results": results, "device_seq": 0})
    page = {"changes": [{"cursor": 9, "kind": "payment", "body": {}}], "cursor": 9}
    return httpx.Response(200, json=page)


def _answer(response: httpx.Response) -> Any:
    return lambda request: response


# What a device may meet instead of its county: a proxy's error page, a captive portal,
# another program's JSON, a broken server. Each is a Chinese SyncError; nothing moves.
BAD_SERVERS = [
    (_answer(httpx.Response(502, html="<html><body>Bad Gateway</body></html>")), "HTTP 502"),
    (_answer(httpx.Response(500, json={"detail": "Internal Server Error"})), "HTTP 500"),
    (_answer(httpx.Response(503, text="Service Unavailable")), "HTTP 503"),
    (_answer(httpx.Response(404, html="<h1>Not Found</h1>")), "HTTP 404"),
    (_answer(httpx.Response(200, html="<html>请先登录上网</html>")), "无法识别"),
    (_answer(httpx.Response(200, json=[1, 2])), "无法识别"),
    (_answer(httpx.Response(200, json={"device_seq": 10**6, "results": []})), "无法识别"),
    (_answer(httpx.Response(200, json={"device_seq": "all", "results": []})), "无法识别"),
    (_answer(httpx.Response(200, json={"device_seq": 2, "results": "ok"})), "无法识别"),
    (_answer(httpx.Response(200, json={"device_seq": 2, "results": [1, 2]})), "无法识别"),
    (_not_gzip, "无法识别"),
    (_forged_page, "签名不对"),
]


@pytest.mark.parametrize("county_url", ["sqlite"], indirect=True)
def test_a_server_answering_garbage_is_a_clear_error_and_the_device_keeps_everything(
    device: Workspace,
) -> None:
    collect(device, 2)
    before = ledger(device)
    with device.db.sessions() as session:
        cursor = get_setting(session, sync_client.CURSOR_KEY)
    for handler, message in BAD_SERVERS:
        with pytest.raises(SyncError, match=message) as raised:
            sync(device, transport=httpx.MockTransport(handler))
        assert CHINESE.search(str(raised.value)), str(raised.value)
        assert ledger(device) == before
        state = status(device)
        assert (state.acked_seq, state.waiting) == (0, 2), message
        with device.db.sessions() as session:
            assert get_setting(session, sync_client.CURSOR_KEY) == cursor
    # The real county later: everything goes.
    assert sync(device).acknowledged == 2
    assert status(device).waiting == 0
