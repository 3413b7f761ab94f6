"""Fixtures for the server tests: `fql serve` in a thread on a free loopback port, and clients for it."""

from __future__ import annotations

import gzip
import http.client
import json
import warnings

import pytest

import fql
from fql.server import ServerThread

with warnings.catch_warnings():
    # faunadb warns on import that Fauna retired FQL v4; fql is what keeps it running.
    warnings.simplefilter("ignore", DeprecationWarning)
    faunadb_client = pytest.importorskip("faunadb.client")


@pytest.fixture
def server():
    with ServerThread(fql.connect()) as running:
        yield running


@pytest.fixture(autouse=True)
def _offline_driver(monkeypatch):
    """FaunaClient() asks PyPI for a newer driver each time it is built; the tests stay offline."""
    monkeypatch.setattr(faunadb_client.FaunaClient, "check_new_version", lambda self: None)


def v4_client(server, secret: str = "secret", **options) -> faunadb_client.FaunaClient:
    """A faunadb 4.5.2 client of the test server `server` (for fixtures wider than a test's, where the
    `connect` fixture and the autouse offline patch are not at hand): it never asks PyPI for a newer
    driver."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        made = faunadb_client.FaunaClient(secret=secret, domain="127.0.0.1", port=server.port, scheme="http", **options)
    made.check_new_version = lambda: None
    return made


@pytest.fixture
def connect(server):
    """`connect(secret)`: a faunadb 4.5.2 client of the test server."""

    def make(secret: str = "secret", **options) -> faunadb_client.FaunaClient:
        return faunadb_client.FaunaClient(secret=secret, domain="127.0.0.1", port=server.port, scheme="http", **options)

    return make


@pytest.fixture
def client(connect):
    return connect()


def exchange(
    port: int, method: str, path: str, body: bytes | str | None, headers: dict, timeout: float = 20
) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 request to the loopback server on `port`, as a driver sends it: the status, the
    headers (names lower-cased) and the body (gunzipped when the answer says gzip)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body, headers)
        response = conn.getresponse()
        data = response.read()
        found = {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()
    if found.get("content-encoding") == "gzip":
        data = gzip.decompress(data)
    return response.status, found, data


class Raw:
    """Plain HTTP/1.1 requests (http.client), for what the driver never sends."""

    def __init__(self, port: int):
        self.port = port

    def __call__(
        self,
        method: str,
        path: str,
        body: bytes | str | None = None,
        headers: dict | None = None,
        secret: str | None = "secret",
    ) -> tuple[int, dict[str, str], object]:
        headers = dict(headers or {})
        body = body.encode() if isinstance(body, str) else body
        if secret is not None:
            headers.setdefault("Authorization", f"Bearer {secret}")
        status, found, data = exchange(self.port, method, path, body, headers, timeout=10)
        return status, found, json.loads(data) if data else None

    def query(self, expr: object, **kw) -> tuple[int, dict[str, str], object]:
        return self("POST", "/", json.dumps(expr), **kw)


@pytest.fixture
def raw(server):
    return Raw(server.port)
