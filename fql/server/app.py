"""The ASGI app of `fql serve`: decode a request's v4 wire JSON, evaluate it as one transaction, encode the answer."""

from __future__ import annotations

import asyncio
import functools
import hmac
import json
import logging
import re
import socket
import time
import typing as t
from importlib import metadata

import attrs

from ..ast import Literal
from ..auth.access import authenticate
from ..errors import (
    EVAL_TIMED_OUT,
    PROTOCOL_FAILURES,
    FQLError,
    InvalidExpression,
    QueryTimeout,
    ServiceTimeout,
    TransactionAborted,
    Unauthorized,
)
from ..eval import access, providers
from ..eval.evaluator import Context, QueryState, evaluate
from ..values import Ref
from ..wire import legacy
from ..wire.v4 import dumps, from_json, to_json
from . import environment, headers, rest, v10
from .body import parse
from .headers import TxnClock
from .protocol import (
    MAX_BODY,
    SCHEMA_PREFIX,
    READ_TIMEOUT,
    ASGIChannel,
    ClientTimedOut,
    Head,
    Headers,
    ProtocolError,
    ReadTimer,
    Request,
    Response,
    RSGIChannel,
    asgi_head,
    has_python_floats,
    internal,
    json_bytes,
    method_not_allowed,
    not_found,
    pretty_json,
    rsgi_head,
    unauthorized,
)
from .streams import Streams, StreamSettings
from .workers import WorkerPool

if t.TYPE_CHECKING:
    from ..database import Database

log = logging.getLogger("fql.server")

#: The `scope` values of GET /ping, each with the scope it reports and how long (ms) its check may take
#: unless `timeout` says otherwise (core's UtilRoutes; anything else is `node`, which checks nothing).
PING_SCOPES = {
    "write": ("write", 1000),
    "global": ("write", 1000),
    "read": ("read", 500),
    "local": ("read", 500),
    "all": ("all", 5000),
}
#: The answer to `GET /error`: core's `sys.error("Sample error")`, a JVM RuntimeException, worded as
#: ExceptionResponseHelpers words an unexpected exception.
SAMPLE_ERROR = "java.lang.RuntimeException: Sample error Please create a ticket at https://support.fauna.com"
#: The v4 query paths: `/linearized` is `/` (every fql transaction is already serialized).
QUERY_PATHS = ("/", "/linearized")
#: The methods core allows on each v4 path that needs a secret (`/authorized` checks its own first).
ALLOWED = {"/": ("GET", "POST"), "/linearized": ("POST",), "/stream": ("POST",), "/authorized": ("GET",)}
#: FQL v10's paths.
V10_PATHS = ("/query/1", "/stream/1", "/feed/1")
#: The paths whose POST is a stream or a feed (fql/server/streams.py); v10's take any method, as core's
#: StreamEndpoint and FeedEndpoint never look at it.
STREAM_PATHS = ("/stream", "/stream/1", "/feed/1")
JSON_TYPE = "application/json;charset=utf-8"
#: Core's answer to a request its HTTP layer cannot read (Application.handleChannelException).
_BAD_URI = b'{"error":"bad request"}'
_BAD_URI_HEADERS = [("content-type", JSON_TYPE), ("connection", "close")]
#: Its answer to a body that stopped coming (a ReadTimeoutException), likewise bare, the connection closed.
_TIMED_OUT = b'{"error":"request timeout: Client timed out."}'
#: The host named in `x-faunadb-host` (core names the node that answered).
HOST = socket.gethostname()
#: Bodies up to this size are decoded once and the AST reused (`decode_v4`); larger ones every time.
CACHED_BODY = 16 * 1024


class App:
    """An ASGI application serving one Database over Fauna's v4 and v10 HTTP APIs (`fql serve` runs it on
    Granian; any ASGI server can)."""

    def __init__(
        self,
        db: Database,
        *,
        max_body: int = MAX_BODY,
        read_timeout: float = READ_TIMEOUT,
        workers: int = 8,
        streams: StreamSettings | None = None,
    ):
        self.db = db
        #: The largest request body accepted; a larger one gets 413 `request too large`.
        self.max_body = max_body
        #: How long (seconds) a request's body may stop coming before it is answered 408.
        self.reads = ReadTimer(read_timeout)
        self.clock = TxnClock()
        self.pool = WorkerPool(workers)
        #: Run queries on the event loop's own thread (see `run`). Off unless whoever runs the loop gives its
        #: thread the deep stack that deeply nested queries need, as fql's ServerThread does.
        self.inline = False
        self.build = metadata.version("fql")
        #: The stream and feed endpoints, and how their streams poll and end.
        self.streams = Streams(self, streams)

    async def __call__(self, scope: dict, receive: t.Callable, send: t.Callable) -> None:
        if scope["type"] == "http":
            await self._http(asgi_head(scope), ASGIChannel(receive, send))
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close"})

    async def __rsgi__(self, scope: t.Any, protocol: t.Any) -> None:
        """Granian's own interface (RSGI), which `fql serve` uses: the same handling, fewer crossings."""
        if scope.proto == "http":
            head = rsgi_head(scope)
            try:
                await self._http(head, RSGIChannel(protocol, head, self.max_body))
            except asyncio.CancelledError:
                # Granian cancels a request's task when its client goes away (a stream client closing while
                # it still sends its body): the request ends here with nothing to answer, where the
                # cancellation raised on would only have Granian log it as the app's failure.
                log.debug("%s %s: the client went away", head.method, head.path)
        else:
            protocol.close(403)

    def __rsgi_del__(self, loop: t.Any) -> None:
        """Granian stopping: end open streams."""
        self.streams.close()

    async def run(self, fn: t.Callable[..., t.Any], *args: t.Any) -> t.Any:
        """`fn(*args)`: query work, which blocks while it runs.

        With `inline` (fql's own runner sets it for a store that runs one query at a time in this process
        anyway, memory) it runs right here on the event loop's thread: a hop to a worker thread and back costs
        several times a point read, and would only queue behind the store's lock. Otherwise, and always for
        stores that wait on locks held by other processes or on I/O (SQL), it runs on a worker thread with a
        deep stack, so that the loop keeps serving meanwhile.
        """
        if self.inline:
            return fn(*args)
        return await self.pool.run(fn, *args)

    async def _http(self, head: Head, channel: ASGIChannel | RSGIChannel) -> None:
        if not head.well_formed:
            # Core's HTTP layer decodes the head and builds the request's java.net.URI before anything else:
            # what it cannot is a channel exception (TooLongFrameException, URISyntaxException), answered
            # bare and the connection closed.
            await channel.respond(400, _BAD_URI_HEADERS, _BAD_URI)
            return
        # The body stays empty where reading it failed.
        request = Request(
            head.method, head.path, head.params, head.headers, b"", time.monotonic(), version=head.version,
            raw_path=head.raw_path,
        )
        v10 = head.path in V10_PATHS
        try:
            request = await channel.read(head, self.max_body, request.started, self.reads)
            if request.method == "OPTIONS" and "origin" in request.headers:
                # A CORS preflight, answered before anything else (core's CoreApplication).
                await channel.respond(200, self._preflight(request), b"")
                return
            if request.path.startswith(SCHEMA_PREFIX):
                # As core routes it: `/schema/1xyz` is the schema API's too (and not found there).
                from . import schema  # FSL is loaded when first asked for, not with every server

                response = await self.run(schema.handle, self.db, request)
            elif request.path == environment.PATH:
                response = await self.run(environment.handle, self.db, request)
            elif request.path in STREAM_PATHS and (v10 or request.method == "POST"):
                response = await self._stream(request, channel.send, channel.receive)
                if response is None:
                    return
            else:
                response = await self._v10(request) if v10 else await self._v4(request)
        except ClientTimedOut:
            log.debug("%s %s: the body stopped coming", head.method, head.path)
            await channel.respond(408, _BAD_URI_HEADERS, _TIMED_OUT)
            return
        except ProtocolError as err:
            if request.path.startswith(SCHEMA_PREFIX):
                from . import schema

                response = schema.protocol_error(err)
            else:
                body = json_bytes(err.v10_body() if v10 else err.v4_body())
                response = Response(err.status, body, err.headers, bare=err.bare, recovered=err.recovered)
        except Exception as exc:  # noqa: BLE001 - a bug in fql answers 500 and the server goes on
            if _client_gone(exc):
                # The client closed the connection (a stream it stopped reading): nothing to answer.
                log.debug("%s %s: the client went away", request.method, request.path)
                return
            log.error("%s %s failed: %r", request.method, request.path, exc, exc_info=log.isEnabledFor(logging.DEBUG))
            failure = internal(exc)
            response = Response(500, json_bytes(failure.v10_body() if v10 else failure.v4_body()), recovered=True)
        if _renders_pretty(response, request):
            response = attrs.evolve(response, body=pretty_json(response.body))
        if "x-trace" in request.headers:
            response = _traced(response, request)
        body = b"" if request.method == "HEAD" else response.body
        await channel.respond(response.status, self._common(response, request), body)

    async def _stream(self, request: Request, send: t.Callable, receive: t.Callable) -> Response | None:
        """A stream or a feed; None once a stream has been sent (its answer is the stream itself)."""
        if request.path == "/feed/1":
            return await self.streams.feed_v10(request)
        if request.path == "/stream/1":
            await self.streams.stream_v10(request, send, receive)
            return None
        # A v4 stream reads its headers before the secret, as a query does, and echoes its tags.
        info = headers.read_v4_stream(request.headers)
        return _tagged(info, await _v4_answer(self.streams.stream_v4(request, info, send, receive)))

    async def _v4(self, request: Request) -> Response:
        info = headers.read_v4(request.headers)
        return _tagged(info, await _v4_answer(self._route(request, info)))

    async def _route(self, request: Request, info: headers.V4Headers) -> Response:
        path, method = request.path, request.method
        if path == "/ping":
            return await self._ping(request)
        if path == "/error":
            # Core's sample error (UtilRoutes `GET /error`): an unexpected failure, logged and answered (500)
            # in the words core gives any other.
            if method not in ("GET", "HEAD"):
                raise method_not_allowed("GET")
            log.error("%s /error: the sample error", method)
            raise ProtocolError(500, SAMPLE_ERROR, recovered=True)
        if path == "/authorized" and method not in ("GET", "HEAD"):
            # A utility path (core's UtilRoutes) refuses a method before it asks for the secret.
            raise method_not_allowed("GET")
        call = None
        if path not in ALLOWED:
            # The old REST paths (`/classes/spells/1`); anything else is not found, before the secret. Core
            # reads them from the raw path (FQL1Routes.parseRefPath): `/classes/hut%73` names `hut%73`.
            call = rest.route(request.raw_path or path, method, request.params, request.body)
            if call is None:
                raise not_found()
        secret = headers.secret(request.headers)
        if secret is None:
            raise unauthorized()
        if call is not None:
            return await self.run(self._rest, call, request, secret, info)
        if method == "POST" and path in QUERY_PATHS:
            return await self.run(self._query, request.body, secret, info, request.started)
        if path == "/authorized":
            # HEAD is GET, answered without the body.
            return await self.run(self._authorized, secret)
        if method == "GET" and path == "/":
            # A read-only query in the `q` parameter, as core's `GET /?q=` (its JSON is checked as a body's).
            query = request.params.get("q")
            if query == "":
                # Core parses a blank `q` as JSON, which it is not; only a missing `q` is no query.
                await self.run(self._authenticate, secret)
                return _query_error(InvalidExpression("Request body is not valid JSON."), info)
            text = (query or "").encode("utf-8", "surrogatepass")
            return await self.run(self._query, text, secret, info, request.started, _get_write)
        # Core checks the secret before it looks at the method.
        await self.run(self._authenticate, secret)
        return _unsupported(path, method)

    async def _ping(self, request: Request) -> Response:
        """Health check (core's `GET /ping`): `node` answers that the process is up; `read`, `write` and `all`
        run a read-only transaction on the database within `timeout` ms (each scope's default otherwise),
        and past it answer 503 `Scope write timed out after 0 milliseconds`."""
        if request.method not in ("GET", "HEAD"):
            raise method_not_allowed("GET")
        scope, timeout = PING_SCOPES.get(request.params.get("scope", "write"), ("node", None))
        if timeout is not None:
            given = request.params.get("timeout", "")
            # Core takes a whole number of milliseconds (Scala's toLongOption), else the default.
            if re.fullmatch(r"[+-]?[0-9]+", given) and -(2**63) <= int(given) < 2**63:
                timeout = int(given)
            try:
                await self.run(self._health, timeout)
            except (QueryTimeout, ServiceTimeout):
                failure = {"code": "time out", "description": f"Scope {scope} timed out after {timeout} milliseconds"}
                return Response(503, json_bytes({"errors": [failure]}))
        return Response(200, json_bytes({"resource": f"Scope {scope} is OK"}))

    def _health(self, timeout_ms: int) -> None:
        """A read-only transaction as the root, within `timeout_ms` from now: the store answers in time."""
        self.db.run_with_state(from_json(None), timeout_ms=timeout_ms, read_only=_get_write)

    def _rest(self, call: rest.RestCall, request: Request, secret: str, info: headers.V4Headers) -> Response:
        """One REST request (fql/server/rest.py): its ref looked up first (404 if it names nothing), then
        the method checked (405), then its query run as any other."""
        if call.exists is not None and not self._exists(call.exists, secret):
            raise not_found()
        if call.refused:
            raise method_not_allowed(*call.refused)
        if call.root_only is not None and not hmac.compare_digest(secret.encode(), self.db.root_secret.encode()):
            self._authenticate(secret)
            raise ProtocolError(403, call.root_only)
        body = request.body if call.bad_body else json_bytes(call.query)
        return self._query(body, secret, info, request.started)

    def _exists(self, query: dict | bool, secret: str) -> bool:
        """Whether the path's ref names something in the secret's database, whatever the secret may read:
        core looks the name up (ModelData.lookupRef) before any permission is checked."""

        def look(ctx: Context) -> bool:
            with access.unchecked(ctx):
                return evaluate(from_json(query), ctx) is not False

        try:
            return self.streams.snapshot(secret, _get_write, look)
        except Unauthorized:
            raise unauthorized() from None
        except FQLError:
            # A ref that resolves to nothing (`tokens/self` asked with a key): core's lookup finds None.
            return False

    def _query(
        self,
        body: bytes,
        secret: str,
        info: headers.V4Headers | None = None,
        started: float | None = None,
        read_only: t.Callable | None = None,
    ) -> Response:
        """Decode, evaluate, encode: one v4 query, one transaction (where each write fails with
        `read_only()`, if given), within the headers' (`info`) time limit of `started`. A time-out is a
        protocol error."""
        try:
            node = decode_v4(body)
        except FQLError as err:
            # Core authenticates before it parses: a bad secret is 401 whatever the body.
            self._authenticate(secret)
            return _query_error(err, info)
        try:
            result, state = self.db.run_with_state(
                node,
                secret=secret,
                timeout_ms=info.timeout_ms if info else None,
                max_retries=info.max_retries if info else None,
                meter=True,
                read_only=read_only,
                started=started,
                api_version=info.api_version if info else None,
            )
        except Unauthorized:
            raise unauthorized() from None
        except QueryTimeout as err:
            if info is not None and info.api_version == "UNSTABLE":
                raise ProtocolError(err.status, err.description, recovered=True) from None
            # Core's TMPEndpoint.recover answers an aggressive deadline as the time-out under it, 503,
            # at every API version but UNSTABLE (ProtocolSpec "440 on aggressive timeouts" asks UNSTABLE).
            raise ProtocolError(ServiceTimeout.status, EVAL_TIMED_OUT, recovered=True) from None
        except PROTOCOL_FAILURES as err:
            raise ProtocolError(err.status, err.description, recovered=True) from None
        except FQLError as err:
            return _query_error(err, info)
        headers.log_business_metrics(state)
        version = info.api_version if info is not None else None
        return Response(_status(result, state), _answer(result, version), ts=state.ts, state=state)

    async def _v10(self, request: Request) -> Response:
        """`POST /query/1`: one FQL v10 query, one transaction (fql/server/v10.py has the envelope). Any
        method is answered alike, as core's FQL2Endpoint, which never looks at it: a GET without a body is
        `No request body provided`, a HEAD answered without its body."""
        # Headers, then the body, then the secret, in core's order (fql/server/v10.py reads them).
        secret = headers.secret(request.headers)
        body = bytes(request.body)
        return await self.run(v10.query, self.db, body, secret, request.headers, self.clock.stamp(), request.started)

    def _authorized(self, secret: str) -> Response:
        """`GET /authorized`: the account and global id of the secret's database (core's UtilRoutes, which
        its router caches with the key). The top database's global id is made the first time it is asked."""
        txn = self.db.storage.begin(writing=True)
        try:
            auth = authenticate(txn, secret, self.db.root_secret, self.db.jwks)
            found = providers.authorized(txn, auth.scope)
            txn.commit()
        except Unauthorized:
            txn.rollback()
            raise unauthorized() from None
        except BaseException:
            txn.rollback()
            raise
        return Response(200, json_bytes(found))

    def _authenticate(self, secret: str) -> None:
        try:
            self.db.run(Literal(None), secret=secret)
        except Unauthorized:
            raise unauthorized() from None

    def _common(self, response: Response, request: Request) -> Headers:
        """The response's headers and those every answer carries: on v4 answers (not `bare` ones) X-Txn-Time
        and, not on 401/500, the metrics and the service's legacy x-read-ops and x-write-ops; the
        traceparent, CORS headers for a request with an `Origin`, the build (and, asked with `X-Trace`, the
        host), and the body's length."""
        # Only core's v4 endpoint sets X-Txn-Time and the metric headers (TMPEndpoint.setHeaders): its v10,
        # feed, schema and environment endpoints set none (a v10 answer's body has `txn_ts` and `stats`).
        bare = response.bare or not _is_v4(request.path)
        common = [*response.headers, ("content-type", JSON_TYPE)]
        if not bare:
            common.append(("x-txn-time", str(self.clock.stamp(response.ts))))
        common.append(("traceparent", headers.traceparent(request.headers.get("traceparent"))))
        measured = None
        if response.status != 401 and response.status != 500 and not bare:
            measured = headers.metrics(
                query_ms=headers.elapsed_ms(request.started),
                bytes_in=len(request.body),
                bytes_out=len(response.body),
                state=response.state,
                wrote=response.status < 400,
            )
            common += measured
        origin = request.headers.get("origin")
        if origin is not None:
            common += headers.cors(origin, common)
        if measured is not None:
            common += headers.legacy_ops(measured)
        common += self.server_headers(request)
        common.append(("content-length", str(len(response.body))))
        return common

    def _preflight(self, request: Request) -> Headers:
        """A CORS preflight's answer: the CORS headers, then what core's HTTP server adds to every answer
        (the traceparent, the build, the host asked with X-Trace)."""
        sent = request.headers
        return [
            *headers.cors(sent["origin"], [], preflight=True),
            ("traceparent", headers.traceparent(sent.get("traceparent"))),
            *self.server_headers(request),
            ("content-length", "0"),
        ]

    def server_headers(self, request: Request) -> Headers:
        """What core's HTTP server adds to every answer: over HTTP/1 its `Connection` (Granian closes the
        connection where that says `close`), the build, and the host when asked with X-Trace."""
        sent = request.headers
        found = [*headers.connection(sent, request.version), ("x-faunadb-build", self.build)]
        if "x-trace" in sent:
            found.append(("x-faunadb-host", HOST))
        return found

    async def _lifespan(self, receive: t.Callable, send: t.Callable) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.streams.close()
                self.pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


def _traced(response: Response, request: Request) -> Response:
    """An answer asked for with `X-Trace`: core adds the request's trace, the lines its tracer logged, as
    `trace` to a JSON object body, except on 401 and 500 (an unauthenticated caller sees no stats). fql
    traces nothing inside a query, so the lines are the two core always logs: the request received and
    the response sent."""
    if response.status in (401, 500) or not response.body.startswith(b"{"):
        return response
    try:
        found = json.loads(response.body)
    except ValueError:
        return response
    found["trace"] = [f"REQUEST RECEIVED: {request.method} {request.path}", f"RESPONSE SENT: {response.status}"]
    # Core writes the traced answer pretty (CoreApplication.withTracing: toByteBuf(true)), v10's too.
    return attrs.evolve(response, body=pretty_json(json_bytes(found)))


async def _v4_answer(answering: t.Awaitable[Response | None]) -> Response | None:
    """What `answering` answers, a protocol error it raises in v4's words."""
    try:
        return await answering
    except ProtocolError as err:
        return Response(err.status, json_bytes(err.v4_body()), err.headers, recovered=err.recovered)


def _tagged(info: headers.V4Headers, response: Response | None) -> Response | None:
    """`response` with the request's tags echoed, as core's TMPEndpoint does on any answer it renders (not
    one from its `recover`)."""
    if response is not None and info.tags and not response.recovered:
        response.headers.append(("x-fauna-tags", headers.tags_text(info.tags)))
    return response


def _is_v4(path: str) -> bool:
    """Whether core's v4 endpoint (TMPEndpoint) answers `path`: any path but v10's, the schema API's and
    the environment's."""
    return path not in V10_PATHS and not path.startswith(SCHEMA_PREFIX) and path != environment.PATH


def _renders_pretty(response: Response, request: Request) -> bool:
    """Whether core's v4 endpoint lays this answer out pretty (Response.recovered); never one answered before
    its work began (`bare`), nor those of the schema and environment endpoints, which are not v4's."""
    if response.bare or not _is_v4(request.path):
        return False
    return (response.recovered or headers.wants_pretty(request.headers)) and response.body.startswith(b"{")


def _client_gone(exc: BaseException) -> bool:
    """Whether `exc` says the client closed the connection (Granian's RSGIProtocolClosed, a reset)."""
    return type(exc).__name__ in ("RSGIProtocolClosed", "ProtocolClosed") or isinstance(
        exc, (ConnectionResetError, BrokenPipeError)
    )


def decode_v4(body: bytes) -> t.Any:
    """The AST of a v4 request body; a small body is decoded once and its (immutable) AST reused, as
    `fql.parse` reuses a text's, since clients send the same few queries again and again."""
    return _decode_cached(body) if len(body) <= CACHED_BODY else from_json(parse(body))


@functools.lru_cache(maxsize=1024)
def _decode_cached(body: bytes) -> t.Any:
    return from_json(parse(body))


def _answer(result: t.Any, version: str | None) -> bytes:
    """The body of a v4 answer, as API `version` renders it. Its floats are written as core's JSONWriter
    writes a Double at every version: Java's `Double.toString` (`1.0E7`), and `"Infinity"`, `"NaN"` as
    strings (`dumps` writes Python's, which it then leaves to `json_bytes`)."""
    if legacy.renders(version):
        return json_bytes(legacy.render({"resource": result}, version))
    text = dumps({"resource": result})
    if has_python_floats(text):
        return json_bytes(to_json({"resource": result}))
    return text.encode("utf-8", "replace")


def _status(result: t.Any, state: QueryState) -> int:
    """201 when the result is a document this query created, else 200.

    Core answers 201 when the result is itself the new version a create wrote (`VersionL(_, isNew)`), so
    `Select("ref", Create(...))` is 200. fql knows the query created something and that the result is a
    document written at this transaction's time, which is the same thing short of odd queries.
    """
    if not state.created or not isinstance(result, dict):
        return 200
    return 201 if isinstance(result.get("ref"), Ref) and result.get("ts") == state.ts else 200


def _query_error(err: FQLError, info: headers.V4Headers | None = None) -> Response:
    """Fauna's query error envelope (worded for the request's API version); an fql bug (status 500) is a
    protocol error instead. An Abort keeps its query's state: core commits the reads and compute of a
    query its caller aborted, and no others."""
    if err.status >= 500:
        raise internal(err)
    state = err.state if isinstance(err, TransactionAborted) else None
    items = err.v4_errors()
    if info is not None and legacy.is_legacy(info.api_version):
        items = [legacy.error(item) for item in items]
    return Response(err.status, json_bytes({"errors": items}), state=state)


def _unsupported(path: str, method: str) -> Response:
    """A known path with a method it does not serve."""
    raise method_not_allowed(*ALLOWED[path])


def _get_write() -> FQLError:
    # Core evaluates `GET /?q=` with a read-only effect limit (EvalContext.read, "get requests").
    return InvalidExpression("Call performs a write, which is not allowed in get requests.")



