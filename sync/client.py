"""The device's side of sync: enroll once, then push the ledger (the outbox) and pull changes."""

from __future__ import annotations

import json
import os
import ssl
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeAlias

import httpx
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import select, update

from app.collection import AGENT_KEY
from app.keys import DeviceKey, device_key
from app.roster.importer import RosterImporter
from app.roster.reader import RawRow
from app.settings import get_setting, set_setting
from app.workspace import DEMO_KEY, Workspace
from db.engine import writing, writing_connection
from db.models import (
    CorrectionRequest,
    Device,
    Enrolment,
    LedgerEvent,
    Person,
    RemittanceConfirmation,
    Village,
    VillageTask,
)
from sync.tls import CertificateError, fingerprint, load_pem, pinned_context, server_certificate
from sync.wire import (
    API,
    COUNTY_SIGNATURE_HEADER,
    GZIP,
    WireError,
    b64,
    check_signature,
    dump,
    event_record,
    pack,
    sign_request,
    unb64,
)

SERVER_KEY = "sync_server"
TLS_CERT_KEY = "sync_tls_cert"  # the county's certificate (PEM), pinned at enrollment over https
COUNTY_KEY = "sync_county_key"
ACKED_KEY = "sync_acked_seq"
CURSOR_KEY = "sync_cursor"
LAST_OK_KEY = "sync_last_ok"
PROBLEMS_KEY = "sync_problems"
BATCH = 100  # events per push: small enough for a slow link to finish a request
PAGE = 1000
TIMEOUT = httpx.Timeout(30.0, connect=5.0)

TransportLayer: TypeAlias = Callable[[httpx.BaseTransport], httpx.BaseTransport]
"""Goes around the client's own transport, the one that holds the pinned certificate: the
desktop's, which stops starting requests once the window closes."""
Transport: TypeAlias = httpx.BaseTransport | TransportLayer
"""What sync and enroll take: a layer, or (tests, benchmarks) a transport that replaces the
network altogether, which cannot carry a pinned certificate and so is refused once one is."""

PRACTICE_REFUSED = (
    "本机数据库是演示县的练习数据，不能向县医保局注册：练习时记下的收费会被当作真实收费上报。"
    "请先结束练习（桌面：设置 → 结束练习；命令行：vcollect demo end），再注册。"
)
CERT_CHANGED = (
    "县级服务器的证书与注册时不同，可能连到了假冒的服务器；请联系县医保局。"
    "本次未发送任何数据，记录已保存在本机"
)


class SyncError(Exception):
    """Sync could not finish; str() is the Chinese message. Nothing recorded is lost:
    unsent events stay in the ledger and go with the next sync."""


@dataclass
class SyncReport:
    pushed: int = 0
    acknowledged: int = 0
    duplicates: int = 0
    conflicts: int = 0
    rejected: int = 0
    pulled: int = 0
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """What the desk shows: enrolled where, what waits, when it last worked."""

    server: str | None
    waiting: int
    acked_seq: int
    last_ok: str | None
    problems: list[str]


def status(workspace: Workspace) -> SyncStatus:
    with workspace.db.sessions() as session:
        acked = int(get_setting(session, ACKED_KEY) or 0)
        last = session.scalar(select(LedgerEvent.seq).order_by(LedgerEvent.seq.desc()).limit(1))
        return SyncStatus(
            server=get_setting(session, SERVER_KEY),
            waiting=max(0, (last or 0) - acked),
            acked_seq=acked,
            last_ok=get_setting(session, LAST_OK_KEY),
            problems=json.loads(get_setting(session, PROBLEMS_KEY) or "[]"),
        )


@contextmanager
def _client(
    server: str, pin: str | None, transport: Transport | None = None
) -> Iterator[httpx.Client]:
    """A client for the county server. With a pinned certificate it trusts exactly that one
    (no system CA) and never speaks plain http; the client's own transport holds the pin and
    a layer goes around it."""
    url = _url(server)
    verify: ssl.SSLContext | bool = True
    if pin is not None:
        if url.scheme != "https":
            raise SyncError(
                f"本设备注册时使用加密连接（https），不能改用不加密的连接 {url}；"
                "请联系县医保局。记录已保存在本机"
            )
        try:
            verify = pinned_context(pin, _host(url))
        except (CertificateError, ssl.SSLError) as exc:
            raise SyncError(
                "本机保存的县级服务器证书无法读取，不能安全连接；请联系县医保局。记录已保存在本机"
            ) from exc
    if isinstance(transport, httpx.BaseTransport):
        if pin is not None:
            raise ValueError(
                "a transport replacing the network cannot hold the pinned TLS certificate: "
                "pass a layer (a function of the client's own transport)"
            )
        wire = transport
    else:
        own = httpx.HTTPTransport(verify=verify)
        wire = own if transport is None else transport(own)
    # `verify` again for the transports httpx mounts for proxies named in the environment.
    with httpx.Client(base_url=url, timeout=TIMEOUT, transport=wire, verify=verify) as client:
        yield client


def _url(server: str) -> httpx.URL:
    try:
        return httpx.URL(server.strip().rstrip("/"))
    except httpx.InvalidURL as exc:
        raise SyncError(f"县级服务器地址不正确：{server}") from exc


def _host(url: httpx.URL) -> str:
    """The host as the socket and the certificate see it (IDNA, IPv6 without brackets)."""
    return url.raw_host.decode("ascii")


def _refused_certificate(exc: BaseException) -> ssl.SSLCertVerificationError | None:
    """The TLS verification failure under an httpx connection error, if that is what it was."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return None


def _answer(response: httpx.Response) -> Any:
    """The JSON of a good answer, or SyncError with the server's reason."""
    try:
        data = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        data = None
    if response.status_code == 200 and isinstance(data, dict):
        return data
    detail = data.get("detail") if isinstance(data, dict) else None
    if isinstance(detail, str) and response.status_code < 500:
        raise SyncError(detail)
    if response.status_code == 200:
        raise SyncError("县级服务器的回答无法识别（不是本程序的服务器？），稍后重试")
    raise SyncError(f"县级服务器出错（HTTP {response.status_code}），记录已保存在本机，稍后重试")


def _send(client: httpx.Client, request: httpx.Request) -> httpx.Response:
    try:
        return client.send(request)
    except httpx.TransportError as exc:
        refused = _refused_certificate(exc)
        if refused is not None:
            # Not from the transport error: the server did answer, and this is no outage.
            raise SyncError(CERT_CHANGED) from refused
        raise SyncError(
            f"无法连接县级服务器 {client.base_url}：{type(exc).__name__}。"
            "记录已保存在本机，联网后会自动补传"
        ) from exc
    except httpx.RequestError as exc:  # an answer that does not decode, a redirect loop
        raise SyncError(
            f"县级服务器的回答无法识别（{type(exc).__name__}），记录已保存在本机，稍后重试"
        ) from exc


def enroll(
    workspace: Workspace, server: str, code: str, transport: Transport | None = None
) -> dict[str, Any]:
    """Register this device with the county using the one-time code; the county's answer.

    Over https the device takes the certificate the server presents (trust on first use),
    sends the code over a connection pinned to it, and keeps it only if the county's answer
    names the same certificate; from then on it trusts that certificate alone."""
    with workspace.db.sessions() as session:
        demo = get_setting(session, DEMO_KEY)
        pinned = get_setting(session, TLS_CERT_KEY)
    if demo:
        raise SyncError(PRACTICE_REFUSED)
    with writing_connection(workspace.db.engine) as conn:
        key = device_key(conn)
    public = _public_key(key)
    url = _url(server)
    pin: str | None = None
    if url.scheme == "https":
        pin = _first_sight(url)
    elif pinned is not None:
        raise SyncError(
            "本设备已使用加密连接（https）向县医保局注册过，不能改用不加密的 http 连接注册；"
            "请使用 https:// 开头的地址"
        )
    with _client(server, pin, transport) as client:
        body = dump({"code": code.strip(), "public_key": b64(public)})
        answer = _answer(_send(client, client.build_request("POST", f"{API}/enroll", content=body)))
    if pin is not None:
        _confirm_certificate(answer, pin)
    if answer.get("device_id") != key.id:
        raise SyncError("县级服务器返回的设备编号与本机不符，注册未完成")
    try:
        county_key = unb64(str(answer["county_key"]))
    except (KeyError, WireError) as exc:
        raise SyncError("县级服务器的注册回答缺少县级公钥") from exc
    with writing(workspace.db.engine) as session:
        session.execute(
            update(Device)
            .where(Device.id == key.id)
            .values(receipt_prefix=str(answer["receipt_prefix"]))
        )
        set_setting(session, SERVER_KEY, server.rstrip("/"))
        set_setting(session, TLS_CERT_KEY, pin)  # None over http: nothing pinned before
        set_setting(session, COUNTY_KEY, b64(county_key))
        set_setting(session, AGENT_KEY, str(answer.get("agent") or "") or None)
        set_setting(session, CURSOR_KEY, "0")
    region = answer.get("region")
    if isinstance(region, str) and region:
        workspace.set_region(region)
    return answer


def _first_sight(url: httpx.URL) -> str:
    """The certificate the server presents now (PEM), before anything is sent to it."""
    try:
        return (
            load_pem(server_certificate(_host(url), url.port or 443))
            .public_bytes(Encoding.PEM)
            .decode("ascii")
        )
    except ssl.SSLError as exc:
        raise SyncError(
            f"县级服务器 {url} 没有以加密连接（https）应答（{exc.reason or exc}）；"
            "请核对地址开头应是 https:// 还是 http://"
        ) from exc
    except OSError as exc:
        raise SyncError(
            f"无法连接县级服务器 {url}：{type(exc).__name__}。请检查网络和地址后重试"
        ) from exc
    except CertificateError as exc:
        raise SyncError(f"县级服务器 {url} 的证书无法识别：{exc}") from exc


def _confirm_certificate(answer: dict[str, Any], pin: str) -> None:
    """The county says which certificate it serves: it must be the one this device saw, or
    someone in between answered with their own (the code may have reached them: it must be
    replaced)."""
    seen = fingerprint(load_pem(pin).public_bytes(Encoding.DER))
    said = answer.get("tls_fingerprint")
    if isinstance(said, str) and said.lower() == seen:
        return
    raise SyncError(
        "县级服务器所说的证书与本机连接时收到的证书不同，可能有人冒充县级服务器，注册未完成。"
        "请联系县医保局停用这个注册码、另发一个"
        + ("" if isinstance(said, str) else "（服务器未说明其证书：程序版本过旧？）")
    )


def _public_key(key: DeviceKey) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.from_private_bytes(key.private_key).public_key().public_bytes_raw()


def sync(workspace: Workspace, transport: Transport | None = None) -> SyncReport:
    """Push every unacknowledged event, then pull every change; safe to repeat at any time."""
    with workspace.db.sessions() as session:
        server = get_setting(session, SERVER_KEY)
        pin = get_setting(session, TLS_CERT_KEY)
    if not server:
        raise SyncError("本设备尚未向县医保局注册，请先用注册码注册（vcollect device enroll）")
    report = SyncReport()
    with _client(server, pin, transport) as client:
        push(workspace, client, report)
        pull(workspace, client, report)
    with writing(workspace.db.engine) as session:
        set_setting(session, LAST_OK_KEY, datetime.now(UTC).isoformat(timespec="seconds"))
        set_setting(session, PROBLEMS_KEY, json.dumps(report.problems, ensure_ascii=False))
    return report


def push(workspace: Workspace, client: httpx.Client, report: SyncReport) -> None:
    """Send the ledger after the acknowledged point, a batch at a time, until all is stored."""
    with writing_connection(workspace.db.engine) as conn:
        key = device_key(conn)
    while True:
        with workspace.db.sessions() as session:
            acked = int(get_setting(session, ACKED_KEY) or 0)
            events = session.scalars(
                select(LedgerEvent)
                .where(LedgerEvent.seq > acked)
                .order_by(LedgerEvent.seq)
                .limit(BATCH)
            ).all()
        if not events:
            return
        records = [
            event_record(e.seq, e.event_id, e.device_id, e.kind, e.created_at, e.body, e.signature)
            for e in events
        ]
        body = pack({"events": records})
        headers = sign_request(key, "POST", f"{API}/push", "", body)
        headers["Content-Encoding"] = GZIP
        headers["Content-Type"] = "application/json"
        request = client.build_request("POST", f"{API}/push", content=body, headers=headers)
        results, stored = _push_answer(_answer(_send(client, request)), events)
        report.pushed += len(events)
        for result in results:
            state = result["status"]
            if state == "accepted":
                report.acknowledged += 1
            elif state == "duplicate":
                report.duplicates += 1
            elif state == "conflict":
                report.conflicts += 1
            else:
                report.rejected += 1
            if result.get("reason"):
                report.problems.append(f"第{result.get('seq')}号事件：{result['reason']}")
        done = _stored_through(results, acked, min(stored, events[-1].seq))
        with writing(workspace.db.engine) as session:
            set_setting(session, ACKED_KEY, str(done))
        if done < events[-1].seq:
            # The county holds the chain up to `stored` and no further: the rest waits for
            # the county (a conflict) or for the next sync; resending now would loop.
            return


PUSH_STATES = frozenset({"accepted", "duplicate", "conflict", "rejected"})
STORED = frozenset({"accepted", "duplicate"})


def _stored_through(results: list[dict[str, Any]], acked: int, stored: int) -> int:
    """How far the county holds this device's own events: up to the first one it did not
    take (a conflict or a rejection stays unacknowledged, is sent again and reported again
    until the county sorts it out), and never past what the county says it holds."""
    done = acked
    for result in sorted(results, key=lambda r: int(r.get("seq") or 0)):
        if result["status"] not in STORED or result.get("seq") != done + 1:
            break
        done += 1
    return max(acked, min(done, stored))


def _push_answer(
    answer: dict[str, Any], events: Sequence[LedgerEvent]
) -> tuple[list[dict[str, Any]], int]:
    """The per-event results and the stored seq of a push answer, or SyncError: an answer
    that does not speak of exactly the events sent (a proxy, another server) moves nothing."""
    results, stored = answer.get("results"), answer.get("device_seq")
    sent = sorted(e.event_id for e in events)
    if (
        not isinstance(results, list)
        or not all(isinstance(r, dict) and r.get("status") in PUSH_STATES for r in results)
        or sorted(str(r.get("event_id")) for r in results) != sent
        or not isinstance(stored, int)
        or isinstance(stored, bool)
        or stored < 0
    ):
        raise SyncError(
            "县级服务器的回答无法识别（不是本程序的服务器？），记录已保存在本机，稍后重试"
        )
    return results, stored


def pull(workspace: Workspace, client: httpx.Client, report: SyncReport) -> None:
    """Apply the county's changes page by page; the cursor moves only after a page is applied."""
    with writing_connection(workspace.db.engine) as conn:
        key = device_key(conn)
    with workspace.db.sessions() as session:
        county_key = unb64(get_setting(session, COUNTY_KEY) or "")
    while True:
        with workspace.db.sessions() as session:
            cursor = int(get_setting(session, CURSOR_KEY) or 0)
        query = f"cursor={cursor}&limit={PAGE}"
        headers = sign_request(key, "GET", f"{API}/changes", query, b"")
        request = client.build_request("GET", f"{API}/changes?{query}", headers=headers)
        response = _send(client, request)
        signature = response.headers.get(COUNTY_SIGNATURE_HEADER, "")
        page = _answer(response)
        if not check_signature(county_key, response.content, signature):
            raise SyncError("县级服务器回答的签名不对（可能被篡改或连错了服务器），本次未采用")
        apply_page(workspace, page["changes"], int(page["cursor"]))
        report.pulled += len(page["changes"])
        if not page.get("more"):
            return


def apply_page(workspace: Workspace, changes: list[dict[str, Any]], cursor: int) -> None:
    """Roster records through the roster importer, payments elsewhere as statuses, then
    the cursor; applying a page twice changes nothing."""
    people = [c["body"] for c in changes if c["kind"] == "person"]
    if people:
        importer = RosterImporter(
            workspace.db.engine.begin, today=workspace.today, benefit_year=workspace.benefit_year
        )
        importer.run_rows(
            (RawRow(n, cells), n / len(people)) for n, cells in enumerate(people, start=1)
        )
    for change in changes:
        if change["kind"] == "policy":
            _save_policy(workspace, change["body"])
    with writing(workspace.db.engine) as session:
        for change in changes:
            if change["kind"] in ("payment", "void"):
                _paid_elsewhere(session, change["body"], paid=change["kind"] == "payment")
            elif change["kind"] == "task":
                _task(session, change["body"])
            elif change["kind"] == "decision":
                _decision(session, change["body"])
            elif change["kind"] == "confirmation":
                _confirmed(session, change["body"])
        set_setting(session, CURSOR_KEY, str(cursor))


def _save_policy(workspace: Workspace, body: dict[str, Any]) -> None:
    """A policy file from the county, checked against the county's key, kept beside the
    database (written aside and renamed: a half-written file never looks like a policy)."""
    with workspace.db.sessions() as session:
        county_key = unb64(get_setting(session, COUNTY_KEY) or "")
    key, text = str(body.get("key", "")), str(body.get("text", ""))
    if not check_signature(county_key, text.encode(), str(body.get("signature", ""))):
        raise SyncError(f"县医保局下发的政策文件 {key} 签名不对，未采用")
    if not key or not key.replace("-", "").replace("_", "").isalnum():
        raise SyncError(f"县医保局下发的政策文件名“{key}”无效，未采用")
    folder = workspace.policy_folder
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{key}.toml"
    partial = target.with_suffix(".toml.part")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, target)


def _decision(session: Any, body: dict[str, Any]) -> None:
    """The county's decision on a correction this device asked for; the corrected roster
    record came earlier in the feed."""
    request = session.scalar(
        select(CorrectionRequest).where(CorrectionRequest.request_id == str(body.get("request_id")))
    )
    if request is None or request.state != "pending":
        return  # another device's request in the same village, or applied already
    request.state = "accepted" if body.get("state") == "accepted" else "rejected"
    request.reason = str(body.get("reason") or "")[:500]
    if request.state == "accepted":
        # The county may have corrected the ID or the name: follow-ups find the person by them.
        request.id_type = str(body.get("id_type") or request.id_type)[:2]
        request.id_number = str(body.get("id_number") or request.id_number)[:32]
        request.name = str(body.get("name") or request.name)[:64]
    request.decided_at = datetime.now(UTC).replace(tzinfo=None)


def _confirmed(session: Any, body: dict[str, Any]) -> None:
    """The county matched one of this device's remittances with the bank."""
    event_id = str(body.get("event_id", ""))
    mine = session.scalar(
        select(LedgerEvent.seq).where(
            LedgerEvent.event_id == event_id, LedgerEvent.kind == "remittance"
        )
    )
    if mine is None or session.get(RemittanceConfirmation, event_id) is not None:
        return  # another device's, or applied already
    session.add(
        RemittanceConfirmation(
            event_id=event_id,
            confirmed_at=datetime.fromisoformat(str(body["confirmed_at"])),
            confirmed_by=str(body.get("confirmed_by") or "")[:64],
        )
    )


def _task(session: Any, body: dict[str, Any]) -> None:
    """A village's task for the year, as the county set it."""
    village = str(body.get("village_code", ""))
    if session.get(Village, village) is None:
        return  # not one of this device's villages (yet)
    row = session.get(VillageTask, (village, int(body["benefit_year"])))
    if row is None:
        row = VillageTask(village_code=village, benefit_year=int(body["benefit_year"]))
        session.add(row)
    row.population, row.target = int(body["population"]), int(body["target"])


def _paid_elsewhere(session: Any, body: dict[str, Any], *, paid: bool) -> None:
    """Another device's receipt: its people show as paid (or due again after a void)."""
    year, receipt = body.get("benefit_year"), str(body.get("receipt_no", ""))
    ids = [str(i) for i in body.get("id_numbers", [])]
    if year is None or not ids:
        return
    for person_id in session.scalars(select(Person.id).where(Person.id_number.in_(ids))):
        row = session.get(Enrolment, (person_id, year))
        if row is None:
            if paid:
                session.add(Enrolment(person_id=person_id, benefit_year=year,
                                      status="paid_elsewhere", note=receipt))  # fmt: skip
        elif paid and row.status == "due":
            # Only someone who owed: an employee's or a deceased person's status stays.
            row.status, row.note = "paid_elsewhere", receipt
        elif not paid and row.status == "paid_elsewhere" and row.note == receipt:
            row.status, row.note = "due", ""
