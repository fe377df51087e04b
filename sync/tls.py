"""TLS for sync: the county's certificate, pinned by the device at enrollment.

A device trusts exactly the certificate it enrolled with: no system CA, so a certificate any
CA would vouch for is refused like a self-made one. Its validity dates are not checked (a
village laptop's clock may be months off, and the pin, not the calendar, names the county);
the hostname is checked when the certificate names the host the device was given."""

from __future__ import annotations

import hashlib
import ipaddress
import ssl
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

# OpenSSL's X509_V_FLAG_NO_CHECK_TIME, which the ssl module has no name for.
NO_CHECK_TIME = 0x200000
FETCH_TIMEOUT_S = 5.0


class CertificateError(Exception):
    """A certificate file or text that cannot be read; str() is the Chinese message."""


def fingerprint(der: bytes) -> str:
    """The SHA-256 of a certificate's DER, lowercase hex: what travels and is compared."""
    return hashlib.sha256(der).hexdigest()


def spaced(digest: str) -> str:
    """A fingerprint as `openssl x509 -noout -fingerprint -sha256` shows it (AB:CD:…)."""
    upper = digest.upper()
    return ":".join(upper[i : i + 2] for i in range(0, len(upper), 2))


def load_pem(text: str | bytes) -> x509.Certificate:
    """The first certificate of a PEM text (a chain file starts with the server's own)."""
    data = text.encode("ascii", "replace") if isinstance(text, str) else text
    try:
        certificates = x509.load_pem_x509_certificates(data)
    except ValueError as exc:
        raise CertificateError("证书不是 PEM 格式的 X.509 证书") from exc
    return certificates[0]


def file_fingerprint(path: Path) -> str:
    """The fingerprint of the certificate a server serves from this PEM file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CertificateError(f"无法读取证书文件 {path}：{exc.strerror or exc}") from exc
    try:
        return fingerprint(load_pem(data).public_bytes(Encoding.DER))
    except CertificateError as exc:
        raise CertificateError(f"证书文件 {path} 无法识别：{exc}") from exc


def server_certificate(host: str, port: int) -> str:
    """The certificate the server at host:port presents, as PEM, trusting nothing (the
    trust-on-first-use step of enrollment; the county's answer must then confirm it).
    Raises OSError (unreachable) or ssl.SSLError (it does not speak TLS)."""
    return ssl.get_server_certificate((host, port), timeout=FETCH_TIMEOUT_S)


def names_host(certificate: x509.Certificate, host: str) -> bool:
    """Whether the certificate's subjectAltName covers `host` (an IP address, or a DNS name,
    with a `*.` wildcard for one label), as the hostname check would accept it."""
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = None
    if address is not None:
        return address in names.get_values_for_type(x509.IPAddress)
    wanted = host.lower().rstrip(".")
    for name in names.get_values_for_type(x509.DNSName):
        name = name.lower().rstrip(".")
        if name == wanted:
            return True
        if name.startswith("*.") and "." in wanted and wanted.split(".", 1)[1] == name[2:]:
            return True
    return False


def pinned_context(pem: str, host: str) -> ssl.SSLContext:
    """An SSL context that verifies the server against exactly this certificate.

    It is the only trust anchor (partial chains allowed, so a CA-issued certificate can be
    pinned as well as a self-signed one); the hostname is checked when the certificate names
    the host, and left to the pin when it does not (a self-signed certificate made for another
    name or without subjectAltName identifies the server all the same)."""
    certificate = load_pem(pem)
    context = ssl.create_default_context(cadata=certificate.public_bytes(Encoding.PEM).decode())
    # As ints: NO_CHECK_TIME is no VerifyFlags member, and `~` on the enum would drop it.
    flags = int(context.verify_flags) | int(ssl.VERIFY_X509_PARTIAL_CHAIN) | NO_CHECK_TIME
    # Python 3.13 turns on strict RFC 5280 checks by default; the pin identifies the server,
    # so a county certificate made by hand is not refused for its form.
    context.verify_flags = ssl.VerifyFlags(flags & ~int(ssl.VERIFY_X509_STRICT))
    context.check_hostname = names_host(certificate, host)
    return context
