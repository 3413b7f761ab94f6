"""ASGI plumbing: a request read with a bounded body, a response sent in one piece, and Fauna's protocol errors."""

from __future__ import annotations

import asyncio
import json
import math
import re
import time
import typing as t
from json.encoder import c_make_encoder, encode_basestring
from urllib.parse import quote, unquote

from attrs import field, frozen

#: The largest request body `fql serve` reads: a larger one is answered 413 `request too large`
#: (Fauna refuses a 9 MiB body the same way).
MAX_BODY = 8 * 1024 * 1024
#: Where the schema API's paths (fql/server/schema.py) start.
SCHEMA_PREFIX = "/schema/1"
#: How much of an oversized body is read and dropped before answering, so that the client, still
#: sending, gets the 413 instead of a reset connection. Past this the rest is left unread.
DRAIN_LIMIT = 64 * 1024 * 1024
#: How long (seconds) a body that has begun may go without anything more coming: core's
#: network_http_read_timeout_ms, after which it answers 408 (`ClientTimedOut`).
READ_TIMEOUT = 60.0
#: The largest body RSGI reads in one call (within READ_TIMEOUT as a whole, which only a client sending
#: under 17 KiB/s could take); a larger one is read chunk by chunk, each within READ_TIMEOUT, as core's
#: reader idle time counts.
WHOLE_READ = 1024 * 1024

#: Each protocol status with its v4 and v10 error codes (core's `ProtocolErrorCode` names).
CODES: dict[int, tuple[str, str]] = {
    400: ("bad request", "invalid_request"),
    401: ("unauthorized", "unauthorized"),
    403: ("forbidden", "forbidden"),
    404: ("not found", "not_found"),
    405: ("method not allowed", "method_not_allowed"),
    409: ("contended transaction", "contended_transaction"),
    413: ("request too large", "request_size_exceeded"),
    440: ("processing time limit exceeded", "time_out"),
    500: ("internal server error", "internal_error"),
    503: ("time out", "time_out"),
}

Headers = list[tuple[str, str]]


class ProtocolError(Exception):
    """A request refused before or around evaluation (not a query error): no `position`, its own status."""

    def __init__(
        self,
        status: int,
        description: str,
        *,
        headers: t.Iterable[tuple[str, str]] = (),
        bare: bool = False,
        recovered: bool = False,
    ):
        super().__init__(description)
        self.status = status
        self.description = description
        self.headers = list(headers)
        #: Answered without X-Txn-Time and the metric headers (see Response.bare).
        self.bare = bare
        #: Answered as core answers a failure it recovers from (see Response.recovered).
        self.recovered = recovered

    def v4_body(self) -> dict:
        return {"errors": [{"code": CODES[self.status][0], "description": self.description}]}

    def v10_body(self) -> dict:
        # Core's FQL2 ProtocolError renders the error alone: no summary, txn_ts or stats.
        return {"error": {"code": CODES[self.status][1], "message": self.description}}


def not_found() -> ProtocolError:
    return ProtocolError(404, "Not Found")


def unauthorized() -> ProtocolError:
    return ProtocolError(401, "Unauthorized", headers=[("www-authenticate", 'Basic realm="Unauthorized"')])


def method_not_allowed(*allowed: str) -> ProtocolError:
    methods = ", ".join(allowed)
    return ProtocolError(405, f"Allowed methods are {methods}.", headers=[("allow", methods)])


def too_large() -> ProtocolError:
    # Core's body reader fails with RequestTooLarge, which ExceptionResponseHelpers words without the
    # period of APIResponse.RequestTooLarge (a constant no endpoint answers with).
    return ProtocolError(413, "Request entity is too large", recovered=True)


def bad_header(name: str, problem: str) -> ProtocolError:
    return ProtocolError(400, f"Invalid header '{name}': {problem}")


class ClientTimedOut(Exception):
    """Nothing more of a request's body came within the read timeout: core's HttpServerTimeoutHandler
    raises Netty's ReadTimeoutException, which Application.handleChannelException answers 408, bare, and
    the connection is closed."""


class ReadTimer:
    """Bounds the reads of request bodies: a read that gets nothing for `idle` seconds raises ClientTimedOut.

    A timer per read (asyncio.timeout) costs a libuv timer per request, several percent of a small
    query's serving; here a read costs a dict entry, and one check, every `period` seconds while reads
    are under way, cancels those that have waited too long (so a read times out between `idle` and
    `idle + period` seconds)."""

    def __init__(self, idle: float = READ_TIMEOUT):
        self.idle = idle
        self.period = min(1.0, idle / 4)
        #: The tasks reading, each with when its read began (the loop's time).
        self.reading: dict[asyncio.Task, float] = {}
        #: Those the check cancelled, to tell their cancellation from any other.
        self.expired: set[asyncio.Task] = set()
        self.checker: asyncio.Task | None = None

    async def read(self, reading: t.Awaitable[t.Any]) -> t.Any:
        """What `reading` gives, or ClientTimedOut."""
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        if task is None:
            return await reading
        if self.checker is None or self.checker.done():
            self.checker = loop.create_task(self._check(loop))
        self.reading[task] = loop.time()
        try:
            return await reading
        except asyncio.CancelledError:
            if task not in self.expired:
                raise
            self.expired.discard(task)
            task.uncancel()
            raise ClientTimedOut() from None
        finally:
            del self.reading[task]

    async def _check(self, loop: asyncio.AbstractEventLoop) -> None:
        while self.reading:
            await asyncio.sleep(self.period)
            now = loop.time()
            for task, since in list(self.reading.items()):
                if now - since >= self.idle and task not in self.expired:
                    self.expired.add(task)
                    task.cancel()


def internal(exc: BaseException) -> ProtocolError:
    """A bug in fql: one line naming the exception (the traceback goes to the server log only)."""
    return ProtocolError(500, f"{type(exc).__name__}: {exc}", recovered=True)


@frozen
class Request:
    """One HTTP request: header names lower-cased (the first of a repeated header kept), the whole body."""

    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    body: bytes = field(repr=False)
    #: When it came (time.monotonic()): query time limits and times count from here.
    started: float = field(factory=time.monotonic, repr=False, eq=False)
    #: The HTTP version it came in ("1.1", "2"): streams pace their events over HTTP/1.
    version: str = field(default="1.1", repr=False, eq=False, kw_only=True)
    #: Its path with the client's escapes kept (see Head.raw_path); None: `path` is all there is.
    raw_path: str | None = field(default=None, repr=False, eq=False, kw_only=True)


@frozen
class Response:
    """One HTTP response: its status, JSON body and headers (the app adds the common ones)."""

    status: int
    body: bytes = field(repr=False)
    headers: Headers = field(factory=list)
    #: The transaction time of the query behind it, if one ran to the end.
    ts: int | None = None
    #: That query's QueryState, run with a Meter (fql/storage/meter.py): what it read and wrote, for the
    #: metric headers.
    state: t.Any = None
    #: Answered before any query work began, so without X-Txn-Time and the metric headers: core's v4
    #: endpoint answers a bad X-FaunaDB-API-Version, X-Last-Seen-Txn, X-Query-Timeout or
    #: X-Max-Retries-On-Contention (its getRequestInfo) without its setHeaders.
    bare: bool = False
    #: An error core's v4 endpoint answers from its `recover` (a time-out, a bad tags header, a body too
    #: large, a failure), with ResponseInfo.Null: laid out by `pretty_json` whoever asks (others are pretty
    #: only for curl, HTTPie or X-FaunaDB-Formatted-JSON), and without the request's tags echoed.
    recovered: bool = False


def json_bytes(value: t.Any) -> bytes:
    """Compact JSON; a lone surrogate (from a `\\udc00` escape in a request) becomes `?`, as in core. A
    float is written as core's JSON writers write a Double, in Java's `Double.toString` (`9.6E9`, `1.0E-5`,
    where Python writes `9600000000.0`, `1e-05`): FQL2ArithmeticOperatorsSpec's answers in the simple
    format, v4's numbers."""
    text = _compact(value)
    if has_python_floats(text) and _has_java_float(value):
        text = _java_compact(value)
    return text.encode("utf-8", "replace")


def pretty_json(body: bytes) -> bytes:
    """A JSON body laid out as core's JSValue.toPrettyString lays it out (its v4 answers to curl and HTTPie,
    and a few always): an array or object whose members, joined, are shorter than its width (60 at the
    top, 2 less per level) or that holds one scalar is on one line, `{ "a": 1, "b": [ 2 ] }`; another has
    a member a line, indented two spaces; the text ends with a newline. Two departures, where core's would
    hurt: a key is escaped as JSON escapes it (core writes it raw, so a quote in it breaks the JSON), and
    runs of spaces in a string are kept (core squeezes them to one on a one-line array or object)."""
    return _pretty(json.loads(body), PRETTY_WIDTH).encode("utf-8", "replace")


#: The width core's JSValue.toPrettyString starts from.
PRETTY_WIDTH = 60


def _pretty(value: t.Any, width: int) -> str:
    if isinstance(value, dict):
        members = [f"{_compact(key)}: {_pretty(v, width - 2).strip(_JAVA_TRIMMED)}" for key, v in value.items()]
        opening, closing, values = "{", "}", list(value.values())
    elif isinstance(value, list):
        members = [_pretty(v, width - 2).strip(_JAVA_TRIMMED) for v in value]
        opening, closing, values = "[", "]", value
    else:
        return json_bytes(value).decode("utf-8") + "\n"
    joined = ",\n".join(members)
    one_scalar = len(values) == 1 and not isinstance(values[0], (dict, list))
    if len(joined.encode("utf-16-le")) // 2 < width or one_scalar:
        # Core squeezes each run of whitespace to a space: the line breaks between members (a member is one
        # line here, and JSON writes a string's own breaks escaped).
        return f"{opening} {', '.join(members)} {closing}\n"
    lines = [opening, *(f"  {line}" for line in joined.split("\n")), closing + "\n"]
    return "\n".join(lines)


#: What Java's String.trim takes off both ends: every character up to the space.
_JAVA_TRIMMED = "".join(map(chr, range(33)))


def has_python_floats(text: str) -> bool:
    """Whether JSON text written by Python may hold a float core's writer writes otherwise (false alarms,
    in strings or elsewhere, only cost a look at the value)."""
    return bool(_POSITIONAL.search(text) or _EXPONENT.search(text) or _NON_FINITE.search(text))


#: What Python's repr of a float Java writes otherwise looks like (`96000000.0`, `0.0005`; `1e-05`,
#: `1.5e+20`): where neither is in the text, no value needs looking at. Each starts with a literal
#: character, which `re` scans for quickly.
_POSITIONAL = re.compile(r"\.(?:(?<=[0-9]{8}\.)|(?<=0\.)000)")
_EXPONENT = re.compile(r"e(?<=[0-9]e)[-+]")
#: Python's bare `Infinity`, `-Infinity` and `NaN`, which are no JSON.
_NON_FINITE = re.compile(r"(?:^|(?<=[:,\[]))-?(?:Infinity|NaN)")
#: How core's JSONWriter.writeNumber writes a Double that is no number: as a string.
_JAVA_NON_FINITE = {math.inf: '"Infinity"', -math.inf: '"-Infinity"'}


def _has_java_float(value: t.Any) -> bool:
    """Whether a float that Python and Java write differently (outside [1e-3, 1e7), or not finite) is in
    `value`."""
    if isinstance(value, float):
        return value != 0 and not 1e-3 <= abs(value) < 1e7
    if isinstance(value, dict):
        return any(_has_java_float(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_has_java_float(v) for v in value)
    return False


def _java_float(value: float) -> str:
    from ..wire.v10 import java_double

    if value - value == 0:
        return java_double(value)
    return _JAVA_NON_FINITE.get(value, '"NaN"')


def _java_compact(value: t.Any) -> str:
    """`_compact`, with floats in Java's notation (json's Python encoder, which takes how to write them)."""
    make = json.encoder._make_iterencode(  # type: ignore[attr-defined]
        None, _unencodable, encode_basestring, None, _java_float, ":", ",", False, False, True
    )
    return "".join(make(value, 0))


def _made_once() -> t.Callable[[t.Any], str]:
    """`json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode`, with json's C encoder made
    once instead of on every call (answers hold no cycles to check for)."""
    if c_make_encoder is None:
        return json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    make = c_make_encoder(None, _unencodable, encode_basestring, None, ":", ",", False, False, True)
    return lambda value: "".join(make(value, 0))


def _unencodable(value: t.Any) -> t.NoReturn:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_compact = _made_once()


@frozen
class Head:
    """What comes before a request's body: method, path, query parameters, headers (names lower-cased,
    the first of a repeated one kept: see `_first_values`)."""

    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    #: The HTTP version ("1.1", "2").
    version: str = "1.1"
    #: Whether core's HTTP layer takes the request: its head within Netty's limits (`head_fits`), its
    #: target a java.net.URI (`uri_path`, `uri_query_ok`).
    well_formed: bool = True
    #: The path as the client wrote it, escapes kept (java.net.URI's raw path, which core's FQL1Routes
    #: reads the old REST paths from); None where the server hands it over decoded (Granian).
    raw_path: str | None = None


def _first_values(pairs: t.Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers by lower-cased name, as core reads each (HttpMessage.getHeader: Netty's `headers.get`, the
    first value of a repeated header): two `x-format` headers are the first's format, two
    `Authorization` headers the first's secret."""
    out: dict[str, str] = {}
    for name, value in pairs:
        out.setdefault(name.lower(), value)
    return out


def _params(query: str) -> dict[str, str]:
    """A query string as core's URIQueryString reads it: `&`-separated pairs split at their first `=`, a
    blank value kept (`?scope=` names the empty scope, `?fields=` the empty field), the last of a repeated
    key winning, `+` a space; one malformed escape empties the whole map (Java's URLDecoder throws)."""
    out: dict[str, str] = {}
    pairs = query.split("&")
    if pairs[-1] == "":
        pairs.pop()  # core's loop ends at the string's end: a trailing `&` starts no pair
    for pair in pairs:
        key, _, value = pair.partition("=")
        key, value = _uri_decode(key), _uri_decode(value)
        if key is None or value is None:
            return {}
        out[key] = value
    return out


_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def path_segments(request: Request) -> list[str]:
    """A request's path as core's routers read it (TokenizePath): its raw path split at each `/`, each
    segment decoded (`+` a space; one with a malformed escape kept as written), the empty ones dropped,
    so `files/dir%2Fx.fsl` is two segments. Where the server gave the path decoded already (Granian's
    RSGI), it is split as it is."""
    if request.raw_path is None:
        return [part for part in request.path.split("/") if part]
    decoded = ((_uri_decode(part) or part) if part else part for part in request.raw_path.split("/"))
    return [part for part in decoded if part]


def _uri_decode(text: str) -> str | None:
    if _BAD_ESCAPE.search(text):
        return None
    return unquote(text.replace("+", "%20"), errors="replace")


#: A query as java.net.URI's parser takes it: its `uric` characters (reserved, with `[` and `]`, and
#: unreserved), escapes of two hex digits, and visible characters past ASCII.
_URI_QUERY = re.compile(r"(?:[A-Za-z0-9\-_.!~*'();/?:@&=+$,\[\]\u00a1-\U0010ffff]|%[0-9A-Fa-f]{2})*")


#: An authority as java.net.URI takes it (a registry-based one's characters, which a host's are among).
_URI_AUTHORITY = re.compile(r"(?:[A-Za-z0-9\-_.!~*'()$,;:@&=+\[\]\u00a1-\U0010ffff]|%[0-9A-Fa-f]{2})*")


def uri_path(path: str, query: str) -> tuple[str, bool]:
    """The path core routes by (java.net.URI's raw path of the request target) and whether the target is
    a URI at all. A target starting `//` names an authority first: `//ping` is the authority `ping` and an
    empty path (core's query endpoint, as `/`), `///ping` an empty authority and `/ping`; `//` alone, with
    nothing after its authority, is no URI."""
    if not path.startswith("//"):
        return path, True
    authority, slash, rest = path[2:].partition("/")
    valid = _URI_AUTHORITY.fullmatch(authority) is not None and bool(authority or slash or query)
    return (slash + rest) or "/", valid


def uri_query_ok(query: str) -> bool:
    """Whether core can build its request's java.net.URI (HttpRequest.uri) with this query: one with a
    malformed escape (`%R1`) or a character a URI may not hold (`{`, `|`, `^`...) fails before routing, and
    is answered 400 `{"error":"bad request"}` (Application.handleChannelException)."""
    return _URI_QUERY.fullmatch(query) is not None


#: Core's Netty limits (CoreConfig's network_http_max_initial_line_length and network_http_max_header_size):
#: a longer request line, or header lines longer in all, fail to decode (TooLongFrameException).
MAX_INITIAL_LINE, MAX_HEADER_SIZE = 16 * 1024, 8 * 1024


def head_fits(method: str, target: str, version: str, pairs: t.Iterable[tuple[str, str]]) -> bool:
    """Whether an HTTP/1 request's head is within the limits of core's HttpServerCodec: its request line
    (`GET /?q=... HTTP/1.1`) and its header lines (`Name: value`) counted without their line ends. An
    HTTP/2 request is not read line by line, and passes (its header list is bounded by the HTTP/2 settings,
    fql/server/run.py)."""
    if not version.startswith("1"):
        return True
    if len(method) + len(target) + len(version) + 7 > MAX_INITIAL_LINE:
        return False
    return sum(len(name) + len(value) + 2 for name, value in pairs) <= MAX_HEADER_SIZE


def asgi_head(scope: dict) -> Head:
    """The head of an ASGI `http` scope."""
    pairs = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
    query = scope.get("query_string", b"").decode("latin-1")
    version = scope.get("http_version", "1.1")
    path, valid = uri_path(scope["path"], query)
    raw_path = scope.get("raw_path") or scope["path"].encode()
    target = raw_path.decode("latin-1") + (f"?{query}" if query else "")
    valid = valid and uri_query_ok(query) and head_fits(scope["method"], target, version, pairs)
    raw = uri_path(raw_path.decode("latin-1"), query)[0] if scope.get("raw_path") else None
    return Head(scope["method"], path, _params(query), _first_values(pairs), version, valid, raw)


def rsgi_head(scope: t.Any) -> Head:
    """The head of an RSGI (Granian) `http` scope, whose header names come lower-cased (hyper's)."""
    out: dict[str, str] = {}
    pairs = list(scope.headers.items())
    for name, value in pairs:
        out.setdefault(name, value)
    query = scope.query_string
    path, valid = uri_path(scope.path, query)
    # Granian hands the path over decoded: its escapes are counted as a client writes them.
    target = quote(scope.path, safe="/!$&'()*+,;=:@~") + (f"?{query}" if query else "")
    valid = valid and uri_query_ok(query) and head_fits(scope.method, target, scope.http_version, pairs)
    return Head(scope.method, path, _params(query), out, scope.http_version, valid)


class ASGIChannel:
    """One ASGI request's `receive` and `send`, `read` to read it whole, and `respond` to send a whole
    answer at once."""

    def __init__(self, receive: t.Callable, send: t.Callable):
        self.receive = receive
        self.send = send

    async def read(self, head: Head, limit: int, started: float, timer: ReadTimer | None = None) -> Request:
        return await read_request(head, self.receive, limit, started, timer)

    async def respond(self, status: int, headers: Headers, body: bytes) -> None:
        raw = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]
        await self.send({"type": "http.response.start", "status": status, "headers": raw})
        await self.send({"type": "http.response.body", "body": body})


class RSGIChannel:
    """One RSGI request seen through ASGI's `receive` and `send` (which streams use), and `respond`, which
    answers in one call: RSGI reads a body and sends an answer with one crossing into Granian each, where
    ASGI takes two or three."""

    def __init__(self, protocol: t.Any, head: Head, limit: int = MAX_BODY):
        self.protocol = protocol
        declared = head.headers.get("content-length", "")
        #: Read the body in one call when its declared size is within the limit and WHOLE_READ; else chunk by
        #: chunk.
        self.whole = declared.isdigit() and int(declared) <= min(limit, WHOLE_READ)
        self.chunks: t.Any = None
        self.finished = False
        self.status = 200
        self.headers: Headers = []
        self.transport: t.Any = None

    async def receive(self) -> dict:
        """The body in chunks, then (once the client is gone) `http.disconnect`."""
        if self.finished:
            await self.protocol.client_disconnect()
            return {"type": "http.disconnect"}
        if self.chunks is None and self.whole:
            self.finished = True
            return {"type": "http.request", "body": await self.protocol(), "more_body": False}
        if self.chunks is None:
            self.chunks = self.protocol.__aiter__()
        try:
            return {"type": "http.request", "body": await self.chunks.__anext__(), "more_body": True}
        except StopAsyncIteration:
            self.finished = True
            return {"type": "http.request", "body": b"", "more_body": False}

    async def read(self, head: Head, limit: int, started: float, timer: ReadTimer | None = None) -> Request:
        """The request with its body; one declared within the limit (and WHOLE_READ) is read in one call into
        Granian. ClientTimedOut where the body stops coming for `timer`'s time (a fresh ReadTimer's if none)."""
        timer = timer or ReadTimer()
        if not self.whole or self.chunks is not None or self.finished:
            return await read_request(head, self.receive, limit, started, timer)
        self.finished = True
        body = await timer.read(self.protocol())
        return Request(
            head.method, head.path, head.params, head.headers, body, started, version=head.version, raw_path=head.raw_path
        )

    async def send(self, message: dict) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in message["headers"]]
            return
        body, more = message.get("body", b""), message.get("more_body", False)
        if self.transport is None and not more:
            self.protocol.response_bytes(self.status, self.headers, body)
            return
        if self.transport is None:
            self.transport = self.protocol.response_stream(self.status, self.headers)
        if body:
            await self.transport.send_bytes(body)

    async def respond(self, status: int, headers: Headers, body: bytes) -> None:
        self.protocol.response_bytes(status, headers, body)


async def read_request(
    head: Head,
    receive: t.Callable,
    limit: int = MAX_BODY,
    started: float | None = None,
    timer: ReadTimer | None = None,
) -> Request:
    """The request, its body read whole; a body over `limit` bytes is `too_large()`, one that stops coming for
    `timer`'s time ClientTimedOut. `started`: when it came (time.monotonic(); now if not given)."""
    timer = timer or ReadTimer()
    declared = head.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        await _drain(receive, 0, timer)
        raise too_large()
    chunks, size, more = [], 0, True
    while more:
        message = await timer.read(receive())
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            if message.get("more_body", False):
                await _drain(receive, size, timer)
            raise too_large()
        chunks.append(chunk)
        more = message.get("more_body", False)
    started = time.monotonic() if started is None else started
    body = b"".join(chunks)
    return Request(
        head.method, head.path, head.params, head.headers, body, started, version=head.version, raw_path=head.raw_path
    )


async def _drain(receive: t.Callable, size: int, timer: ReadTimer) -> None:
    while size <= DRAIN_LIMIT:
        message = await timer.read(receive())
        size += len(message.get("body", b""))
        if message["type"] == "http.disconnect" or not message.get("more_body", False):
            return
