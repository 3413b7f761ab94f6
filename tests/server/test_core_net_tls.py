"""Core's HTTP server over TLS (Http2Spec "SSL", HttpServerSpec "SSL"; CoreConfig's http_ssl_key_file,
http_ssl_password and http_ssl_trust_file) against `fql serve --ssl-key`: ALPN picks HTTP/2 or HTTP/1.1, a
trust file makes client certificates required, a connection closed mid-handshake is no failure."""

from __future__ import annotations

import datetime
import io
import ipaddress
import logging
import os
import socket
import ssl

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import fql
from fql import cli
from fql.server import TLS, ServerThread

QUERY = {"content": b'{"add": [1, 2]}', "headers": {"Authorization": "Bearer secret"}}


def _name(text: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])


def _certificate(subject: str, key, issuer: str, signer, ca: bool, names: list | None = None) -> x509.Certificate:
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(signer, hashes.SHA256())


def _pem(key, *certs: x509.Certificate, password: bytes | None = None) -> bytes:
    sealed = serialization.NoEncryption() if password is None else serialization.BestAvailableEncryption(password)
    text = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, sealed)
    return text + b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in certs)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """A CA, the server's key and certificate (for 127.0.0.1 and localhost) in one PEM file, as core's
    http_ssl_key_file holds them, and a client's."""
    root = tmp_path_factory.mktemp("pki")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("fql test CA", ca_key, "fql test CA", ca_key, ca=True)
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = _certificate("localhost", server_key, "fql test CA", ca_key, ca=False, names=names)
    client_key = ec.generate_private_key(ec.SECP256R1())
    client = _certificate("client", client_key, "fql test CA", ca_key, ca=False)
    files = {
        "ca": ca.public_bytes(serialization.Encoding.PEM),
        "server": _pem(server_key, server, ca),
        "sealed": _pem(server_key, server, ca, password=b"hunter2"),
        "client": _pem(client_key, client),
    }
    for name, data in files.items():
        (root / f"{name}.pem").write_bytes(data)
    return {name: str(root / f"{name}.pem") for name in files}


def context(pki, *, trusted: bool = True, certificate: bool = False, alpn: tuple[str, ...] = ("h2", "http/1.1")):
    found = ssl.create_default_context(cafile=pki["ca"]) if trusted else ssl.create_default_context()
    if certificate:
        found.load_cert_chain(pki["client"])
    found.set_alpn_protocols(list(alpn))
    return found


def handshake(port: int, made: ssl.SSLContext) -> tuple[str | None, str | None]:
    """The protocol ALPN chose and the TLS version, once the server has answered a request."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with made.wrap_socket(raw, server_hostname="localhost") as sock:
            chosen, version = sock.selected_alpn_protocol(), sock.version()
            if chosen != "h2":
                sock.sendall(b"GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                assert sock.recv(65536).startswith(b"HTTP/1.1 200 OK")
            return chosen, version


@pytest.fixture
def https(pki):
    with ServerThread(fql.connect(), tls=TLS(pki["server"])) as running:
        yield running


def test_alpn_chooses_http2_or_http1(https, pki):
    """Http2Spec "server can handle ALPN": HTTP/2 when the client offers it, HTTP/1.1 otherwise."""
    assert https.url.startswith("https://")
    assert handshake(https.port, context(pki))[0] == "h2"
    assert handshake(https.port, context(pki, alpn=("http/1.1",)))[0] == "http/1.1"
    for http2 in (True, False):
        with httpx.Client(http2=http2, verify=context(pki)) as client:
            answer = client.post(f"https://localhost:{https.port}/", **QUERY)
        assert (answer.http_version, answer.status_code, answer.json()) == (
            "HTTP/2" if http2 else "HTTP/1.1",
            200,
            {"resource": 3},
        )


def test_tls_1_2_is_served(https, pki):
    """Netty's SslContext takes TLS 1.2 and 1.3 (Granian's default is 1.3 alone)."""
    made = context(pki)
    made.maximum_version = ssl.TLSVersion.TLSv1_2
    assert handshake(https.port, made)[1] == "TLSv1.2"


def test_a_client_that_does_not_trust_the_server_is_refused(https, pki):
    """Http2Spec: "Client key and trust not configured. Client rejects server."""
    with pytest.raises(ssl.SSLCertVerificationError):
        handshake(https.port, context(pki, trusted=False))


def test_a_connection_closed_in_the_handshake_is_no_failure(https, pki, caplog):
    """HttpServerSpec "server can handle a closed connection in the middle of a handshake": a load
    balancer's ping (connect, then close) logs nothing and the server serves on."""
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            socket.create_connection(("127.0.0.1", https.port), timeout=5).close()
        with socket.create_connection(("127.0.0.1", https.port), timeout=5) as sock:
            sock.sendall(b"\x16\x03\x01\x00")  # the start of a ClientHello, then gone
        assert handshake(https.port, context(pki))[0] == "h2"
    assert [record for record in caplog.records if record.levelno >= logging.WARNING] == []


def test_with_a_trust_file_clients_must_present_a_certificate(pki):
    """Http2Spec: "Client key not configured. Server rejects client." With http_ssl_trust_file, core's
    ServerSSL needs client auth: a client with a certificate the trusted CA signed is served."""
    with ServerThread(fql.connect(), tls=TLS(pki["server"], trust=pki["ca"])) as running:
        assert handshake(running.port, context(pki, certificate=True))[0] == "h2"
        with pytest.raises((ssl.SSLError, ConnectionError)):
            handshake(running.port, context(pki, alpn=("http/1.1",)))


def test_an_encrypted_key_with_its_password(pki):
    """CoreConfig's http_ssl_password: the key file's key may be encrypted. (Granian is handed it decrypted,
    in a private file that is gone once the server listens.)"""
    with ServerThread(fql.connect(), tls=TLS(pki["sealed"], password="hunter2")) as running:
        assert handshake(running.port, context(pki))[0] == "h2"
        assert not os.path.exists(running._keys.name)
    with pytest.raises(ssl.SSLError):
        ServerThread(fql.connect(), tls=TLS(pki["sealed"], password="wrong"))


def test_bad_files_are_named(pki, tmp_path):
    with pytest.raises(FileNotFoundError):
        ServerThread(fql.connect(), tls=TLS(str(tmp_path / "nope.pem")))
    with pytest.raises(ssl.SSLError):
        ServerThread(fql.connect(), tls=TLS(pki["ca"]))  # a certificate without its key


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--ssl-key", "/nonexistent.pem"], "fql serve: cannot read /nonexistent.pem: No such file or directory\n"),
        (["--ssl-trust", "/x.pem"], "fql serve: --ssl-password and --ssl-trust need --ssl-key\n"),
    ],
)
def test_serve_refuses_bad_tls_options(args, expected):
    out, err = io.StringIO(), io.StringIO()
    assert cli.run(["serve", "--port", "0", *args], stdout=out, stderr=err) == 1
    assert err.getvalue() == expected


def test_serve_refuses_a_key_file_without_a_key(pki):
    err = io.StringIO()
    assert cli.run(["serve", "--port", "0", "--ssl-key", pki["ca"]], stdout=io.StringIO(), stderr=err) == 1
    assert err.getvalue().startswith("fql serve: cannot serve TLS with the files given: ")
