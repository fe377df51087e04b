"""TLS between device and county, through a real `vcollect county serve --tls-cert --tls-key`
process with certificates made here: the device pins the certificate it enrolled with, refuses
any other (a certificate a CA vouches for included) before sending anything, checks the
county's word on the certificate at enrollment, and never falls back to plain http.
SQLite only: the database is not what is tested."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from cryptography.x509.oid import NameOID

from app.settings import get_setting, set_setting
from app.workspace import Workspace, open_workspace
from sync.client import CERT_CHANGED, SERVER_KEY, TLS_CERT_KEY, SyncError, enroll, status, sync
from sync.server.county import CountyDatabase, CountyError, add_device, devices
from sync.server.serve import serve
from sync.tls import fingerprint, load_pem, pinned_context, spaced
from tests.sync.conftest import TODAY, DeviceFactory, ServerProcess, villages
from tests.sync.helpers import CHINESE, Tap, county_events, key_of, pay_household
from ui.desktop.syncing import StopAwareTransport

LOCAL_NAMES = ("localhost", "127.0.0.1")


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path
    pem: str
    fingerprint: str
    private_key: ec.EllipticCurvePrivateKey

    @property
    def files(self) -> tuple[Path, Path]:
        return self.cert, self.key


def make_certificate(
    folder: Path,
    name: str,
    names: tuple[str, ...] = LOCAL_NAMES,
    *,
    days_from: int = -1,
    issuer: Certificate | None = None,
    ca: bool = False,
) -> Certificate:
    """A certificate and its key as PEM files: self-signed unless an `issuer` signs it, with
    a subjectAltName for `names` (IP addresses as such), valid from `days_from` days from now
    for a year."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"县医保局 {name}")])
    now = datetime.datetime.now(datetime.UTC)
    alt_names: list[x509.GeneralName] = []
    for host in names:
        try:
            alt_names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            alt_names.append(x509.DNSName(host))
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(load_pem(issuer.pem).subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + datetime.timedelta(days=days_from))
        .not_valid_after(now + datetime.timedelta(days=days_from + 365))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if alt_names:
        builder = builder.add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
    certificate = builder.sign(issuer.private_key if issuer else key, hashes.SHA256())
    cert_path, key_path = folder / f"{name}.crt", folder / f"{name}.key"
    pem = certificate.public_bytes(Encoding.PEM)
    cert_path.write_bytes(pem)
    key_path.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    digest = fingerprint(certificate.public_bytes(Encoding.DER))
    return Certificate(cert_path, key_path, pem.decode(), digest, key)


@pytest.fixture
def county_url(tmp_path: Path) -> Iterator[str]:
    """SQLite only, overriding the two-database fixture of conftest."""
    yield f"sqlite:///{tmp_path / 'county.db'}"


@pytest.fixture
def certificate(tmp_path: Path) -> Certificate:
    """The county's own: self-signed, for 127.0.0.1 and localhost."""
    return make_certificate(tmp_path, "county")


@pytest.fixture
def server(county: CountyDatabase, certificate: Certificate) -> Iterator[ServerProcess]:
    """The county server over https (make_device enrolls through it)."""
    process = ServerProcess(county.url, tls=certificate.files)
    process.start()
    yield process
    process.stop()


def restart(server: ServerProcess, tls: tuple[Path, Path]) -> None:
    server.stop()
    server.tls = tls
    server.start()


def setting(workspace: Workspace, key: str) -> str | None:
    with workspace.db.sessions() as session:
        return get_setting(session, key)


@pytest.fixture
def new_device(tmp_path: Path) -> Iterator[Workspace]:
    """A device not enrolled yet."""
    workspace = open_workspace(tmp_path / "new.db", today=TODAY, create=True)
    yield workspace
    workspace.close()


# --- pinning --------------------------------------------------------------------------------


def test_a_device_enrolled_over_https_refuses_another_certificate_and_sends_nothing(
    county: CountyDatabase,
    server: ServerProcess,
    certificate: Certificate,
    make_device: DeviceFactory,
    tmp_path: Path,
) -> None:
    assert server.url.startswith("https://127.0.0.1:")
    # The county IT officer can read the fingerprint in the server's log.
    assert spaced(certificate.fingerprint) in "".join(server.log)
    device = make_device()
    pinned = setting(device, TLS_CERT_KEY)
    assert pinned is not None
    assert fingerprint(load_pem(pinned).public_bytes(Encoding.DER)) == certificate.fingerprint
    assert sync(device).pulled > 0
    pay_household(device)
    assert sync(device).acknowledged == 1
    device_id = key_of(device).id

    # The server comes back with a new self-signed certificate for the same names.
    pay_household(device, 1)
    impostor = make_certificate(tmp_path, "impostor")
    restart(server, impostor.files)
    cursor = setting(device, "sync_cursor")
    with pytest.raises(SyncError) as refused:
        sync(device)
    assert str(refused.value) == CERT_CHANGED
    assert "证书与注册时不同" in str(refused.value) and "请联系县医保局" in str(refused.value)
    # Refused in the handshake: the server never saw a request, the device keeps its event.
    assert status(device).waiting == 1
    assert len(county_events(county, device_id)) == 1
    assert setting(device, "sync_cursor") == cursor
    assert setting(device, TLS_CERT_KEY) == pinned  # and it does not learn the new one

    # The county's own certificate back: the waiting payment goes.
    restart(server, certificate.files)
    report = sync(device)
    assert (report.pushed, report.acknowledged) == (1, 1)
    assert status(device).waiting == 0
    assert len(county_events(county, device_id)) == 2


def test_a_certificate_a_trusted_ca_vouches_for_is_refused_all_the_same(
    server: ServerProcess, make_device: DeviceFactory, tmp_path: Path
) -> None:
    device = make_device()
    sync(device)
    authority = make_certificate(tmp_path, "ca", names=(), ca=True)
    vouched = make_certificate(tmp_path, "vouched", issuer=authority)
    restart(server, vouched.files)
    # A client that trusts the CA (as a system trust store would) accepts the new server...
    trusting = ssl.create_default_context(cafile=authority.cert)
    assert httpx.get(f"{server.url}/health", verify=trusting).status_code == 200
    # ...the device, trusting only the certificate it enrolled with, does not.
    with pytest.raises(SyncError, match="证书与注册时不同"):
        sync(device)


def test_the_pinned_certificate_holds_inside_the_desktops_stop_aware_layer(
    server: ServerProcess, county: CountyDatabase, new_device: Workspace, tmp_path: Path
) -> None:
    control = Control()
    layer = partial(StopAwareTransport, control)
    code = add_device(county, "张三", [villages(county)[0]]).code
    enroll(new_device, server.url, code, layer)
    assert setting(new_device, TLS_CERT_KEY) is not None
    assert sync(new_device, layer).pulled > 0

    restart(server, make_certificate(tmp_path, "impostor").files)
    with pytest.raises(SyncError, match="证书与注册时不同") as refused:
        sync(new_device, layer)
    # The desktop shows it as an error (同步出错), not as a network outage (离线).
    assert not isinstance(refused.value.__cause__, httpx.TransportError)
    assert isinstance(refused.value.__cause__, ssl.SSLCertVerificationError)

    # Closing the window still stops requests from starting.
    control.stopped = True
    with pytest.raises(SyncError) as stopped:
        sync(new_device, layer)
    assert isinstance(stopped.value.__cause__, httpx.ConnectError)


class Control:
    """What StopAwareTransport asks of the desktop's task: whether the window is closing."""

    stopped = False

    def cancelled(self) -> bool:
        return self.stopped


# --- no fall back to plain http -------------------------------------------------------------


def test_a_device_enrolled_over_https_never_speaks_plain_http(
    county: CountyDatabase, server: ServerProcess, make_device: DeviceFactory
) -> None:
    device = make_device()
    plain = server.url.replace("https://", "http://")
    with device.db.sessions.begin() as session:
        set_setting(session, SERVER_KEY, plain)
    with pytest.raises(SyncError, match="不能改用不加密的连接"):
        sync(device)
    code = add_device(county, "张三", [villages(county)[0]]).code
    with pytest.raises(SyncError, match="不能改用不加密的 http 连接注册"):
        enroll(device, plain, code)
    assert setting(device, SERVER_KEY) == plain and setting(device, TLS_CERT_KEY)
    # A transport that replaces the network could not hold the pin: a programming error.
    with device.db.sessions.begin() as session:
        set_setting(session, SERVER_KEY, server.url)
    with pytest.raises(ValueError, match="pass a layer"):
        sync(device, Tap(lambda n, request, send: send(request)))


def test_plain_http_still_works_and_pins_nothing(
    county: CountyDatabase, new_device: Workspace
) -> None:
    http_server = ServerProcess(county.url)
    http_server.start()
    try:
        code = add_device(county, "张三", [villages(county)[0]]).code
        answer = enroll(new_device, http_server.url, code)
        assert answer["tls_fingerprint"] is None
        assert setting(new_device, TLS_CERT_KEY) is None
        assert sync(new_device).pulled > 0
    finally:
        http_server.stop()


# --- enrollment: trust on first use, confirmed by the county --------------------------------


HOP_BY_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "host", "content-length"})


class Relay(ThreadingHTTPServer):
    """An https endpoint with its own certificate in front of the county server, passing each
    request on and the answer back byte for byte: a man in the middle, or (the same thing,
    welcome) a TLS proxy."""

    daemon_threads = True

    def __init__(self, certificate: Certificate, upstream: str) -> None:
        super().__init__(("127.0.0.1", 0), Forward)
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(certificate.cert, certificate.key)
        self.upstream = httpx.Client(base_url=upstream, verify=False, timeout=30)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.server_address[1]}"

    def finish_request(self, request: Any, client_address: Any) -> None:
        """TLS on the connection's own thread; one thread uses each TLS socket."""
        try:
            secure = self.context.wrap_socket(request, server_side=True)
        except OSError:
            return  # the device's first look at the certificate ends here
        try:
            self.RequestHandlerClass(secure, client_address, self)
        finally:
            secure.close()

    def close(self) -> None:
        self.shutdown()
        self.server_close()
        self.upstream.close()


class Forward(BaseHTTPRequestHandler):
    server: Relay

    def do_GET(self) -> None:
        self.forward()

    def do_POST(self) -> None:
        self.forward()

    def forward(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        upstream = self.server.upstream
        request = upstream.build_request(self.command, self.path, headers=headers, content=body)
        response = upstream.send(request, stream=True)
        try:
            raw = b"".join(response.iter_raw())
        finally:
            response.close()
        self.send_response(response.status_code)
        for name, value in response.headers.multi_items():
            if name.lower() not in HOP_BY_HOP | {"date", "server"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_enrolling_through_a_man_in_the_middle_is_refused(
    county: CountyDatabase,
    server: ServerProcess,
    new_device: Workspace,
    tmp_path: Path,
) -> None:
    relay = Relay(make_certificate(tmp_path, "middle"), server.url)
    try:
        new = add_device(county, "张三", [villages(county)[0]])
        with pytest.raises(SyncError) as refused:
            enroll(new_device, relay.url, new.code)
    finally:
        relay.close()
    message = str(refused.value)
    assert "冒充县级服务器" in message and "停用这个注册码" in message
    # The device keeps nothing of that enrollment...
    assert setting(new_device, SERVER_KEY) is None
    assert setting(new_device, TLS_CERT_KEY) is None
    # ...and the county, which did get the code, shows the slot as taken: hence the message.
    assert next(d for d in devices(county) if d["id"] == new.number)["enrolled"]


def test_a_tls_proxy_in_front_of_a_plain_server_is_named_with_tls_proxy_cert(
    county: CountyDatabase, new_device: Workspace, tmp_path: Path
) -> None:
    proxy_certificate = make_certificate(tmp_path, "proxy")
    plain = ServerProcess(county.url)  # says nothing of a certificate: enrollment refused
    plain.start()
    relay = Relay(proxy_certificate, plain.url)
    try:
        code = add_device(county, "张三", [villages(county)[0]]).code
        with pytest.raises(SyncError, match="服务器未说明其证书"):
            enroll(new_device, relay.url, code)
        plain.stop()
        plain.options = ("--tls-proxy-cert", str(proxy_certificate.cert))
        plain.start()
        code = add_device(county, "张三", [villages(county)[0]]).code
        other = open_workspace(tmp_path / "other.db", today=TODAY, create=True)
        try:
            answer = enroll(other, relay.url, code)
            assert answer["tls_fingerprint"] == proxy_certificate.fingerprint
            assert sync(other).pulled > 0
        finally:
            other.close()
    finally:
        relay.close()
        plain.stop()


# --- certificates as counties make them -----------------------------------------------------


def test_a_certificate_for_another_name_and_outside_the_laptops_clock_is_pinned_all_the_same(
    county: CountyDatabase, new_device: Workspace, tmp_path: Path
) -> None:
    # Made for the county's DNS name only, and valid from next month: the laptop's clock is
    # behind. The pin identifies the server; names and dates would only stop the agent.
    odd = make_certificate(tmp_path, "odd", names=("yibao.example.gov.cn",), days_from=30)
    process = ServerProcess(county.url, tls=odd.files)
    process.start()
    try:
        code = add_device(county, "张三", [villages(county)[0]]).code
        enroll(new_device, process.url, code)
        assert sync(new_device).pulled > 0
        pay_household(new_device)
        assert sync(new_device).acknowledged == 1
    finally:
        process.stop()


def test_the_hostname_is_checked_when_the_certificate_names_the_host(tmp_path: Path) -> None:
    named = make_certificate(tmp_path, "named")
    assert pinned_context(named.pem, "127.0.0.1").check_hostname
    assert pinned_context(named.pem, "LOCALHOST").check_hostname
    assert not pinned_context(named.pem, "10.0.0.5").check_hostname
    wildcard = make_certificate(tmp_path, "wild", names=("*.example.gov.cn",))
    assert pinned_context(wildcard.pem, "yibao.example.gov.cn").check_hostname
    assert not pinned_context(wildcard.pem, "a.yibao.example.gov.cn").check_hostname
    bare = make_certificate(tmp_path, "bare", names=())
    context = pinned_context(bare.pem, "127.0.0.1")
    assert not context.check_hostname and context.verify_mode == ssl.CERT_REQUIRED


def test_serve_refuses_tls_files_it_cannot_use(tmp_path: Path, county_url: str) -> None:
    good = make_certificate(tmp_path, "good")
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate", encoding="utf-8")
    cases = [
        ({"tls_cert": good.cert}, "须同时给出"),
        ({"tls_cert": tmp_path / "missing.crt", "tls_key": good.key}, "找不到 TLS 文件"),
        ({"tls_cert": garbage, "tls_key": good.key}, "无法识别"),
        ({"tls_cert": good.cert, "tls_key": good.key, "tls_proxy_cert": good.cert}, "不能与"),
    ]
    for options, reason in cases:
        with pytest.raises(CountyError, match=reason) as refused:
            serve(county_url, **options)  # type: ignore[arg-type]
        assert CHINESE.search(str(refused.value))
