"""The app as plain ASGI: `fql serve` calls it through Granian's own interface (RSGI), any other ASGI server
through ASGI. The same flows must work both ways: queries, protocol errors, HEAD, h2c, a stream, a feed."""

from __future__ import annotations

import asyncio
import types

import httpx
import pytest

import fql
from fql.server import ServerThread
from fql.server.streams import StreamSettings

from .conftest import Raw

fauna = pytest.importorskip("fauna")
from fauna import fql as q  # noqa: E402
from fauna.client import Client, FeedOptions  # noqa: E402


@pytest.fixture(params=["asgi", "rsgi"])
def server(request):
    settings = StreamSettings(poll_interval=0.02, max_duration=20.0)
    with ServerThread(fql.connect(), interface=request.param, streams=settings, max_body=4096) as running:
        yield running


def test_queries_and_protocol_errors(server):
    raw = Raw(server.port)
    status, headers, body = raw.query({"add": [1, 2]})
    assert (status, body) == (200, {"resource": 3}) and int(headers["content-length"]) == len(b'{"resource":3}')
    assert raw.query({"add": [1, 2]}, secret="wrong")[0] == 401
    assert raw("POST", "/", b"{")[0] == 400
    assert raw("POST", "/", b"[" + b"1," * 4096 + b"1]")[0] == 413
    assert raw.query({"add": [1, 2]})[::2] == (200, {"resource": 3})
    assert raw("PUT", "/ping", "null", secret=None)[0] == 405


def test_what_core_s_http_layer_refuses_is_refused_both_ways(server):
    """A target that is no java.net.URI, a request line past 16 KiB (test_protocol_v4.py has the details):
    400 `{"error":"bad request"}`; a `//` target names an authority. ASGI's raw path and RSGI's decoded one
    count the same."""
    raw = Raw(server.port)
    assert raw("GET", "/?q=%R1")[::2] == (400, {"error": "bad request"})
    # `GET <target> HTTP/1.1`: 13 characters besides the target; 16384 in all is taken.
    assert raw("GET", "/?q=%5B1%5D&x=" + "%41" * 5452)[0] == 200
    assert raw("GET", "/?q=%5B1%5D&x=" + "%41" * 5453)[::2] == (400, {"error": "bad request"})
    # (Granian decodes the path: RSGI counts it escaped where it must be, as a client escapes a space.)
    assert raw("GET", "/c%20" * 3274)[0] == 404
    assert raw("GET", "/c%20" * 3275)[::2] == (400, {"error": "bad request"})
    assert raw("GET", "///ping")[::2] == (200, {"resource": "Scope write is OK"})


def test_head_has_the_length_and_no_body(server):
    with httpx.Client(base_url=server.url) as client:
        response = client.head("/ping")
    assert response.status_code == 200 and response.content == b"" and int(response.headers["content-length"]) > 0


def test_h2c_prior_knowledge(server):
    with httpx.Client(http1=False, http2=True, base_url=server.url) as client:
        response = client.post("/", content=b'{"add": [1, 2]}', headers={"Authorization": "Bearer secret"})
    assert (response.http_version, response.json()) == ("HTTP/2", {"resource": 3})


def test_v10_query_stream_and_feed(server):
    client = Client(endpoint=server.url, secret="secret", max_attempts=1)
    client.query(q('Collection.create({ name: "P" })'))
    source = client.query(q("P.all().toStream()")).data
    client.query(q("P.create({ n: 1 })"))
    with client.stream(source) as stream:
        event = next(stream)
        client.query(q("P.create({ n: 2 })"))
        later = next(stream)
    assert (event["type"], event["data"]["n"], later["type"], later["data"]["n"]) == ("add", 1, "add", 2)
    page = next(iter(client.feed(source, FeedOptions(page_size=10))))
    assert [e["data"]["n"] for e in page] == [1, 2]


class _SlowBody:
    """An RSGI protocol whose client sends its body slowly, and goes away."""

    def __init__(self):
        self.answered = []

    async def __call__(self):
        await asyncio.sleep(10)

    def __aiter__(self):
        return self

    async def __anext__(self):
        await asyncio.sleep(10)

    def response_bytes(self, status, headers, body):
        self.answered.append(status)


@pytest.mark.parametrize("length", [{"content-length": "10"}, {}])
def test_a_client_gone_mid_body_is_no_failure(length):
    """Granian cancels a request's task when its client goes away (faunadb-js's stream tests close streams
    while they still send): the request ends with nothing answered, and the app returns rather than raise
    the cancellation, which Granian logged as 'Application callable raised an exception'."""
    app = fql.server.App(fql.connect())
    scope = types.SimpleNamespace(proto="http", method="POST", path="/stream", query_string="",
                                  headers={"authorization": "Bearer secret", **length}, http_version="1.1")
    protocol = _SlowBody()

    async def run():
        task = asyncio.ensure_future(app.__rsgi__(scope, protocol))
        await asyncio.sleep(0.01)
        task.cancel()
        await task

    try:
        asyncio.run(run())
    finally:
        # The App's worker threads hold the raised recursion limit (fql.stack) until its pool closes.
        app.streams.close()
        app.pool.close()
    assert protocol.answered == []


def test_rest_paths_are_read_raw_through_asgi():
    """Core's FQL1Routes reads an old REST path from the request's raw path (HttpRequest.path is
    java.net.URI.getRawPath; LegacyRefParser's names take `%`, Parsing.ValidNameChars): an escape is no
    letter, so `hut%73` names a collection `hut%73`, not `huts`. ASGI hands the raw path over; Granian's
    RSGI only the decoded one, so there fql reads the escape as its letter."""
    with ServerThread(fql.connect(), interface="asgi") as running:
        raw = Raw(running.port)
        raw("POST", "/classes", '{"name": "huts"}')
        raw("POST", "/classes/huts/7", '{"data": {}}')
        assert raw("GET", "/classes/huts")[0] == 200 and raw("GET", "/classes/huts/7")[0] == 200
        missing = raw("GET", "/classes/nohuts")[::2]
        assert missing[0] == 404
        for path in ("/classes/hut%73", "/classes/huts%2F7", "/classes/hut%73/7"):
            assert raw("GET", path)[::2] == missing, path
        not_found = (404, {"errors": [{"code": "not found", "description": "Not Found"}]})
        assert raw("GET", "/classes/huts/%37")[::2] == not_found


def test_schema_paths_are_split_raw_then_decoded_through_asgi():
    """Core's schema API routes by TokenizePath (ext/api/src/main/scala/util/router/package.scala, as
    RouterSpec's "returns matched wildcard with encoded segments"): the raw path split at each `/`, then
    each segment decoded, `+` a space; so `dir%2Fx.fsl` names the file `dir/x.fsl`, and `dir/x.fsl` no path.
    Under Granian's RSGI the path comes decoded, and is split as it is."""
    db = fql.connect()
    db.push_schema({"dir/x.fsl": "collection X {}", "a b.fsl": "collection Y {}"})
    with ServerThread(db, interface="asgi") as running:
        raw = Raw(running.port)
        found = {"version": db.query("Collection.byName('X')!.ts", syntax="v10").micros, "content": "collection X {}"}
        assert raw("GET", "/schema/1/files/dir%2Fx.fsl")[::2] == (200, found)
        assert raw("GET", "/schema/1/files/dir/x.fsl")[::2] == (404, {"error": {"message": "Not found"}})
        assert raw("GET", "/schema/1/files/a+b.fsl")[2]["content"] == "collection Y {}"
        assert raw("GET", "/schema/1/fil%65s")[2]["files"] == [{"filename": "dir/x.fsl"}, {"filename": "a b.fsl"}]
