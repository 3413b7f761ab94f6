"""Core's HTTP server specs (ext/net/src/test/scala: HttpRequestHandlerSpec, HttpServerSpec, Http2Spec,
HttpResponseSpec, HttpBodySpec, SimpleNettyServerSpec) against `fql serve`: what a client sees of core's
HttpServer and HttpRequestHandler, asked over raw sockets and HTTP/2 frames where a driver would not."""

from __future__ import annotations

import io
import json
import socket
import threading
import time

import h2.config
import h2.connection
import h2.events
import h2.settings
import pytest

import fql
from fql import cli
from fql.server import ServerThread

from .conftest import Raw

AUTH = b"Authorization: Bearer secret\r\n"
#: Core's HttpServer.MaxRequestSize.
MAX_REQUEST = 8 * 1024 * 1024
TOO_LARGE = {"errors": [{"code": "request too large", "description": "Request entity is too large"}]}


class Wire:
    """One HTTP/1.1 connection read answer by answer, as HttpRequestHandlerSpec's socket reads it."""

    def __init__(self, port: int, timeout: float = 10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buffer = b""

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def _fill(self) -> bool:
        chunk = self.sock.recv(65536)
        self.buffer += chunk
        return bool(chunk)

    def answer(self, head: bool = False) -> tuple[str, list[tuple[str, str]], bytes]:
        """The next answer: its status line, its header lines (names lower-cased) and its body (none for
        the answer to a HEAD request)."""
        while b"\r\n\r\n" not in self.buffer:
            assert self._fill(), self.buffer
        lines, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status, *lines = lines.decode("latin-1").split("\r\n")
        headers = [(name.lower(), value.strip()) for name, _, value in (line.partition(":") for line in lines)]
        length = 0 if head else int(dict(headers).get("content-length", "0"))
        while len(self.buffer) < length:
            assert self._fill(), self.buffer
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return status, headers, body

    def closed(self) -> bool:
        """Whether the server closed the connection (within the socket's timeout)."""
        try:
            return not self._fill()
        except socket.timeout:
            return False

    def close(self) -> None:
        self.sock.close()


def post(path: str, body: bytes, *lines: bytes) -> bytes:
    return b"POST %s HTTP/1.1\r\nHost: x\r\n%s%sContent-Length: %d\r\n\r\n%s" % (
        path.encode(),
        AUTH,
        b"".join(lines),
        len(body),
        body,
    )


def chunked(path: str, chunks: list[bytes]) -> bytes:
    """A POST whose body comes in `chunks` (Transfer-Encoding: chunked), then the last, empty one."""
    encoded = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks)
    return b"POST %s HTTP/1.1\r\nHost: x\r\n%sTransfer-Encoding: chunked\r\n\r\n%s0\r\n\r\n" % (
        path.encode(),
        AUTH,
        encoded,
    )


def h2_settings(port: int) -> dict[str, int]:
    """The SETTINGS the server sends first on an HTTP/2 (prior knowledge) connection, by name."""
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True))
    conn.initiate_connection()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(conn.data_to_send())
        while True:
            data = sock.recv(65536)
            assert data, "the server closed the connection"
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.RemoteSettingsChanged):
                    return {h2.settings.SettingCodes(k).name: v.new_value for k, v in event.changed_settings.items()}


def h2_exchange(
    port: int, headers: list[tuple[str, str]], body: bytes = b"", finish: bool = True
) -> tuple[dict[str, str], bytes]:
    """One HTTP/2 request by prior knowledge (its body left unfinished unless `finish`): the answer's headers
    and body."""
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    conn.initiate_connection()
    found: dict[str, str] = {}
    data = b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        conn.send_headers(1, headers, end_stream=finish and not body)
        if body:
            conn.send_data(1, body, end_stream=finish)
        sock.sendall(conn.data_to_send())
        while True:
            chunk = sock.recv(65536)
            assert chunk, "the server closed the connection"
            for event in conn.receive_data(chunk):
                if isinstance(event, h2.events.ResponseReceived):
                    found = dict(event.headers)
                elif isinstance(event, h2.events.DataReceived):
                    data += event.data
                    conn.acknowledge_received_data(event.flow_controlled_length, 1)
                elif isinstance(event, (h2.events.StreamEnded, h2.events.StreamReset)):
                    return found, data
            sock.sendall(conn.data_to_send())


def h2_query(port: int, *extra: tuple[str, str]) -> list[tuple[str, str]]:
    return [
        (":method", "POST"),
        (":scheme", "http"),
        (":authority", "x"),
        (":path", "/"),
        ("authorization", "Bearer secret"),
        *extra,
    ]


@pytest.fixture
def raw(server):
    return Raw(server.port)


# HttpRequestHandlerSpec


def test_a_non_chunked_request(server):
    wire = Wire(server.port)
    wire.send(post("/", b'{"add": [1, 2]}'))
    status, _, body = wire.answer()
    assert (status, body) == ("HTTP/1.1 200 OK", b'{"resource":3}')


@pytest.mark.parametrize("pieces", [1, 4])
def test_a_chunked_request_is_read_whole(server, pieces):
    """HttpRequestHandlerSpec "should handle a chunked request (1 chunk)" and "(4 chunks)": the chunks of a
    `Transfer-Encoding: chunked` body are the body, joined."""
    text = "x" * 8192
    body = json.dumps({"concat": [text, "!"]}).encode()
    size = -(-len(body) // pieces)
    wire = Wire(server.port)
    wire.send(chunked("/", [body[at : at + size] for at in range(0, len(body), size)]))
    status, _, answer = wire.answer()
    assert (status, json.loads(answer)) == ("HTTP/1.1 200 OK", {"resource": text + "!"})


def test_a_large_unchunked_request(raw):
    """HttpRequestHandlerSpec "should handle an unchunked large request as a chunked request": 2 MB in
    one body, under core's 8 MiB MaxRequestSize, is read whole."""
    text = "y" * (2 * 1000 * 1000)
    status, _, body = raw.query({"length": text})
    assert (status, body) == (200, {"resource": len(text)})


def test_a_large_chunked_request_is_refused(server):
    """HttpRequestHandlerSpec "should reject a large chunked request" and HttpBodySpec "Chunked rejects large
    requests": a chunked body past MaxRequestSize (8 MiB), in 16 KiB chunks (MaxChunkSize), is 413; the
    connection then serves on."""
    wire = Wire(server.port, timeout=30)
    chunk = b"z" * (16 * 1024)
    wire.send(chunked("/", [b'"'] + [chunk] * (MAX_REQUEST // len(chunk)) + [b'"']))
    status, _, body = wire.answer()
    assert (status, json.loads(body)) == ("HTTP/1.1 413 Payload Too Large", TOO_LARGE)
    wire.send(post("/", b"[1]"))
    assert wire.answer()[::2] == ("HTTP/1.1 200 OK", b'{"resource":[1]}')
    wire.close()


def test_a_content_length_past_the_limit_is_refused(server):
    """HttpBodySpec "Chunked rejects content length > max limit": a declared length past 8 MiB is refused.
    (Core answers before the body has come; fql reads and drops it first, so that a client still sending
    gets the answer rather than a reset connection.)"""
    wire = Wire(server.port, timeout=30)
    wire.send(post("/", b"[" + b" " * (9 * 1024 * 1024) + b"1]"))
    status, _, body = wire.answer()
    assert (status, json.loads(body)) == ("HTTP/1.1 413 Payload Too Large", TOO_LARGE)


def test_keep_alive(server):
    """HttpRequestHandlerSpec "handles keepalive": six requests on one connection, each answered
    `connection: keep-alive` with a traceparent, then one with `Connection: close`, answered `close`,
    after which the server closes the connection."""
    wire = Wire(server.port)
    for i in range(6):
        wire.send(b"GET /ping?scope=r%d HTTP/1.1\r\nConnection: keep-alive\r\n\r\n" % i)
        status, headers, body = wire.answer()
        named = dict(headers)
        assert (status, named["connection"], body) == ("HTTP/1.1 200 OK", "keep-alive", b'{"resource":"Scope node is OK"}')
        assert named["traceparent"].startswith("00-") and named["content-type"].startswith("application/json")
    wire.send(b"GET /ping?scope=rX HTTP/1.1\r\nConnection: close\r\n\r\n")
    status, headers, _ = wire.answer()
    assert (status, dict(headers)["connection"]) == ("HTTP/1.1 200 OK", "close")
    assert wire.closed()
    wire.close()


def test_pipelined_requests_are_answered_in_order(server):
    """Requests sent one after another without waiting (HTTP/1.1 pipelining) are answered in their order."""
    wire = Wire(server.port)
    wire.send(b"".join(post("/", b"[%d]" % i) for i in range(5)))
    assert [wire.answer()[2] for _ in range(5)] == [b'{"resource":[%d]}' % i for i in range(5)]
    wire.close()


def test_expect_100_continue_is_answered_before_the_body(server):
    """HttpRequestHandler writes `100 Continue` when the request expects it, before the body is sent."""
    wire = Wire(server.port)
    wire.send(b"POST / HTTP/1.1\r\nHost: x\r\n%sExpect: 100-continue\r\nContent-Length: 3\r\n\r\n" % AUTH)
    status, _, _ = wire.answer()
    assert status == "HTTP/1.1 100 Continue"
    wire.send(b"[1]")
    status, _, body = wire.answer()
    assert (status, body) == ("HTTP/1.1 200 OK", b'{"resource":[1]}')
    wire.close()


def test_a_head_answer_has_the_length_and_no_body(server):
    """HttpMessage.writeTo for a HEAD request: the headers of the answer (its Content-Length too), no
    content."""
    wire = Wire(server.port)
    wire.send(b"HEAD /ping HTTP/1.1\r\nHost: x\r\n\r\n")
    status, headers, _ = wire.answer(head=True)
    assert (status, dict(headers)["content-length"]) == ("HTTP/1.1 200 OK", "32")
    wire.send(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
    # Nothing came between: the next answer is the GET's.
    assert wire.answer()[2] == b'{"resource":"Scope write is OK"}'
    wire.close()


def test_traceparent(raw):
    """HttpRequestHandlerSpec "traceparent header": without one the answer starts a new trace; with one
    its trace id is kept and its flags cleared (no x-trace-secret), under a new span id."""
    fresh = raw("GET", "/ping")[1]["traceparent"]
    version, trace, span, flags = fresh.split("-")
    assert (version, len(trace), len(span), flags) == ("00", 32, 16, "00") and int(trace, 16)
    sent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-23"
    kept = raw("GET", "/ping", headers={"traceparent": sent})[1]["traceparent"].split("-")
    assert (kept[1], kept[3]) == ("0af7651916cd43dd8448eb211c80319c", "00") and kept[2] != "b7ad6b7169203331"


# Http2Spec, HttpServer's HTTP/2 settings


def test_http2_prior_knowledge(server):
    """Http2Spec "server can handle an HTTP/2 prior knowledge connection"."""
    headers, body = h2_exchange(server.port, h2_query(server.port), b'{"add": [1, 2]}')
    assert (headers[":status"], body) == ("200", b'{"resource":3}')


def test_http2_settings_are_core_s(server):
    """Core's HttpServer builds its HTTP/2 codec with Netty's default settings (a header list of at most
    8 KiB) and `http_max_concurrent_streams` streams at once, Int.MaxValue unless configured
    (CoreConfig): a client may open as many streams on one connection as it likes."""
    settings = h2_settings(server.port)
    assert settings["MAX_CONCURRENT_STREAMS"] == 2**31 - 1
    assert settings["MAX_HEADER_LIST_SIZE"] == 8192


def test_http2_headers_past_the_list_size_are_431(server):
    """A header list past SETTINGS_MAX_HEADER_LIST_SIZE: Netty's Http2ConnectionHandler answers the stream
    `431 Request Header Fields Too Large` and ends it, and the connection serves on."""
    headers, _ = h2_exchange(server.port, h2_query(server.port, ("x-filler", "f" * 9000)), b"[1]")
    assert headers[":status"] == "431"
    headers, body = h2_exchange(server.port, h2_query(server.port, ("x-filler", "f" * 7000)), b"[1]")
    assert (headers[":status"], body) == ("200", b'{"resource":[1]}')


# SimpleNettyServerSpec


def test_starts_and_stops():
    """SimpleNettyServerSpec "starts and stops": nothing listens before start or after stop."""
    server = ServerThread(fql.connect())
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", server.port), timeout=5).close()
    server.start()
    try:
        assert Raw(server.port)("GET", "/ping")[0] == 200
    finally:
        server.stop()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", server.port), timeout=5).close()


def test_binding_an_address_not_of_this_machine_fails():
    """SimpleNettyServerSpec "fails to bind to invalid address": 8.8.8.8 is no address of this machine;
    `fql serve` says so in a line (core's FaunaApp reports its BindException)."""
    with pytest.raises(OSError):
        ServerThread(fql.connect(), host="8.8.8.8", port=8888)
    err = io.StringIO()
    assert cli.run(["serve", "--host", "8.8.8.8", "--port", "8888"], stdout=io.StringIO(), stderr=err) == 1
    assert err.getvalue() == "fql serve: cannot listen on 8.8.8.8:8888: Cannot assign requested address\n"


def test_many_clients_at_once(server):
    """Concurrent connections are each answered in turn (no answer crosses to another connection)."""
    found: dict[int, object] = {}

    def ask(i: int) -> None:
        found[i] = Raw(server.port).query({"add": [i, 1]})[2]

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == {i: {"resource": i + 1} for i in range(16)}


def test_a_connection_closed_before_a_request_is_no_failure(server):
    """HttpServerSpec "server can handle a closed connection in the middle of a handshake": a client that
    connects and leaves at once (a load balancer's health check) leaves the server serving."""
    for _ in range(5):
        socket.create_connection(("127.0.0.1", server.port), timeout=5).close()
    time.sleep(0.1)
    assert Raw(server.port)("GET", "/ping")[0] == 200


# HttpServerTimeoutHandler, Application.handleChannelException

TIMED_OUT = b'{"error":"request timeout: Client timed out."}'


@pytest.fixture(params=["rsgi", "asgi"])
def impatient(request):
    """A server that waits half a second for the rest of a body (core waits network_http_read_timeout_ms,
    a minute)."""
    with ServerThread(fql.connect(), interface=request.param, read_timeout=0.5, max_body=4 * 1024 * 1024) as running:
        yield running


@pytest.mark.parametrize("length", [100, 2 * 1024 * 1024])
def test_a_body_that_stops_coming_is_a_request_timeout(impatient, length):
    """HttpServerTimeoutHandler: a request whose body has begun and then nothing more comes for the read
    timeout is a ReadTimeoutException, which Application.handleChannelException answers 408
    `{"error":"request timeout: Client timed out."}` before the channel is closed."""
    wire = Wire(impatient.port)
    wire.send(b"POST / HTTP/1.1\r\nHost: x\r\n%sContent-Length: %d\r\n\r\n[1," % (AUTH, length))
    status, headers, body = wire.answer()
    assert (status, body, dict(headers)["content-type"]) == (
        "HTTP/1.1 408 Request Timeout",
        TIMED_OUT,
        "application/json;charset=utf-8",
    )
    assert wire.closed()
    wire.close()


def test_a_slow_body_that_keeps_coming_is_read(impatient):
    """The read timeout is idle time: a body whose pieces come within it is read however long it takes
    in all (IdleStateHandler's reader idle time), over HTTP/1.1 chunks."""
    wire = Wire(impatient.port)
    wire.send(b"POST / HTTP/1.1\r\nHost: x\r\n%sTransfer-Encoding: chunked\r\n\r\n" % AUTH)
    for piece in (b"[1", b", 2", b"]"):
        time.sleep(0.3)
        wire.send(b"%x\r\n%s\r\n" % (len(piece), piece))
    wire.send(b"0\r\n\r\n")
    status, _, body = wire.answer()
    assert (status, body) == ("HTTP/1.1 200 OK", b'{"resource":[1,2]}')
    wire.close()


def test_an_http2_body_that_stops_coming_is_a_request_timeout(impatient):
    """Over HTTP/2 each stream has its own HttpServerTimeoutHandler: the stream is answered 408."""
    headers, body = h2_exchange(impatient.port, h2_query(impatient.port), b"[1,", finish=False)
    assert (headers[":status"], body) == ("408", TIMED_OUT)


def test_a_stalled_body_leaves_the_server_serving(impatient):
    wire = Wire(impatient.port)
    wire.send(b"POST /query/1 HTTP/1.1\r\nHost: x\r\n%sContent-Length: 50\r\n\r\n{" % AUTH)
    assert wire.answer()[0] == "HTTP/1.1 408 Request Timeout"
    wire.close()
    assert Raw(impatient.port).query([1])[::2] == (200, {"resource": [1]})


def test_an_idle_keep_alive_connection_is_closed_after_five_seconds(server):
    """HttpServerTimeoutHandler: once an answer is written, a connection on which nothing comes for the
    keep-alive timeout (network_http_keepalive_timeout_ms, 5 s) is closed; a new connection that has sent
    nothing is not timed (the handler is only added with its first request)."""
    fresh = Wire(server.port, timeout=1)
    wire = Wire(server.port, timeout=3.5)
    wire.send(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
    assert wire.answer()[0] == "HTTP/1.1 200 OK"
    started = time.monotonic()
    assert not wire.closed()
    wire.sock.settimeout(5)
    assert wire.closed() and 4.5 < time.monotonic() - started < 8.5
    assert not fresh.closed()  # open for more than 8 s
    fresh.send(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
    assert fresh.answer()[0] == "HTTP/1.1 200 OK"
    wire.close()
    fresh.close()


@pytest.fixture(params=["rsgi", "asgi"])
def either(request):
    with ServerThread(fql.connect(), interface=request.param) as running:
        yield running


def test_a_head_request_for_a_stream_ends_at_once(either):
    """HttpMessage.writeTo answers a HEAD request whose answer is chunked (a stream: core's StreamEndpoint
    never looks at the method) with the head and the empty last chunk, leaving the events unread: the
    answer ends at once and the connection serves on."""
    raw = Raw(either.port)
    raw("POST", "/query/1", '{"query": "Collection.create({ name: \\"S\\" })"}')
    token = raw("POST", "/query/1", '{"query": "S.all().toStream()"}')[2]["data"]
    wire = Wire(either.port)
    body = json.dumps({"token": token}).encode()
    wire.send(b"HEAD /stream/1 HTTP/1.1\r\nHost: x\r\n%sContent-Length: %d\r\n\r\n%s" % (AUTH, len(body), body))
    status, headers, _ = wire.answer(head=True)
    assert status == "HTTP/1.1 200 OK" and "x-fauna-stream-id" in dict(headers)
    wire.send(post("/", b"[1]"))
    assert wire.answer()[::2] == ("HTTP/1.1 200 OK", b'{"resource":[1]}')
    wire.close()


# HttpBodySpec, HttpBodyPartSpec: multipart bodies (the schema API's files)


def test_multipart_parts_as_core_parses_them(raw):
    """HttpBodyPartSpec: a multipart/form-data body's parts, each named by its Content-Disposition `name`
    (spaces and all), its content up to the line break before the next boundary; lines may end in LF
    alone, as Netty's decoder reads them."""
    body = (
        b'--abc1234\nContent-Disposition: form-data; name="name 1.fsl"\nContent-Type: application/octet-stream\n'
        b"\ncollection One {}\n--abc1234\n"
        b'Content-Disposition: form-data; name="name 2.fsl"\nContent-Type: application/octet-stream\n'
        b"\ncollection Two {}\n--abc1234--"
    )
    kind = {"Content-Type": "multipart/form-data; boundary=abc1234"}
    status, _, answer = raw("POST", "/schema/1/validate?force=true", body, kind)
    assert (status, answer["diff"]) == (
        200,
        "* Adding collection `One` to name 1.fsl:1:1\n\n* Adding collection `Two` to name 2.fsl:1:1\n\n",
    )
    # HttpBodySpec "detect multipart requests": HttpBody.isMultipart matches the whole Content-Type with
    # `multipart/.*`, case and all; the same body otherwise holds no files.
    none = raw("POST", "/schema/1/validate?force=true", body, {"Content-Type": "text/plain"})[::2]
    assert none[0] == 200 and none[1]["diff"] == ""
    spelled = {"Content-Type": "Multipart/form-data; boundary=abc1234"}
    assert raw("POST", "/schema/1/validate?force=true", body, spelled)[::2] == none
    # A multipart body that is no form data is none Netty's HttpPostRequestDecoder parses.
    mixed = {"Content-Type": "multipart/mixed; boundary=abc1234"}
    status, _, answer = raw("POST", "/schema/1/validate?force=true", body, mixed)
    assert (status, answer["error"]["message"]) == (400, "Request is not a valid multipart request")


# The API's HTTP handling (ext/api: CoreApplication, FQL2Endpoint, FQL1Routes)


@pytest.mark.parametrize("kind", [None, "text/plain", "application/xml", "application/json; charset=latin-1"])
def test_the_query_endpoints_do_not_look_at_the_content_type(raw, kind):
    """HttpRequestHandler takes the Content-Type as given (JSON when there is none), and the query
    endpoints parse the body as JSON whatever it says."""
    headers = {} if kind is None else {"Content-Type": kind}
    assert raw("POST", "/", "[1]", headers)[::2] == (200, {"resource": [1]})
    assert raw("POST", "/query/1", '{"query": "1"}', headers)[2]["data"] == 1


def test_options_without_an_origin_is_no_preflight(raw):
    """Only an OPTIONS request with an Origin is a CORS preflight (CoreApplication); another goes to its
    endpoint: FQL2Endpoint never looks at the method, the v4 routes have no OPTIONS (405)."""
    assert raw("OPTIONS", "/query/1", '{"query": "1 + 1"}')[2]["data"] == 2
    status, headers, body = raw("OPTIONS", "/")
    assert (status, headers["allow"], body["errors"][0]["code"]) == (405, "GET, POST", "method not allowed")
    status, headers, _ = raw("OPTIONS", "/", headers={"Origin": "https://example.com"}, secret=None)
    assert (status, headers["access-control-allow-origin"], headers["content-length"]) == (200, "https://example.com", "0")


def test_an_empty_body(raw):
    """No body at all: v4's `No query provided.`, v10's `No request body provided`."""
    assert raw("POST", "/", b"")[2]["errors"][0]["description"] == "No query provided."
    assert raw("POST", "/query/1", b"")[::2] == (
        400,
        {"error": {"code": "invalid_request", "message": "No request body provided"}},
    )


def test_a_quiet_stream_outlives_the_keep_alive_timeout(server):
    """Http2Spec "server keeps connection alive after upgrade": the keep-alive timeout counts only once an
    answer is written whole, so a stream (a chunked answer still being written) that has nothing to send
    for longer stays open, on a connection that served another request first."""
    raw = Raw(server.port)
    raw("POST", "/query/1", '{"query": "Collection.create({ name: \\"Q\\" })"}')
    token = raw("POST", "/query/1", '{"query": "Q.all().toStream()"}')[2]["data"]
    wire = Wire(server.port, timeout=15)
    wire.send(b"GET /ping HTTP/1.1\r\nHost: x\r\n\r\n")
    assert wire.answer()[0] == "HTTP/1.1 200 OK"
    body = json.dumps({"token": token}).encode()
    wire.send(post("/stream/1", body))
    while b'"type":"status"' not in wire.buffer:
        assert wire._fill()
    time.sleep(6)
    raw("POST", "/query/1", '{"query": "Q.create({ n: 1 })"}')
    while b'"type":"add"' not in wire.buffer:
        assert wire._fill(), wire.buffer
    wire.close()
