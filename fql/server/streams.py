"""Event streams and feeds: v10 `POST /stream/1` and `POST /feed/1`, v4 `POST /stream`, polled from history.

A stream is one long response of newline-separated JSON events. Every poll is a short read-only
transaction that reads the versions written since the last event (fql/eval/v10/streams.py decides what
they mean) and re-checks the secret. A stream ends at an error event, when its client goes away, when
it reaches `StreamSettings.max_duration`, or when the server stops.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
import time
import typing as t

from attrs import evolve, frozen

from ..auth.access import authenticate
from ..collation import encode, terms_key
from ..database import MAX_RETRIES
from ..errors import (
    FQLError,
    InvalidArgument,
    InvalidExpression,
    QueryRuntimeError,
    TransactionAborted,
    Unauthorized,
    timed_out,
)
from ..eval import access, history, indexes, queryparse
from ..eval.evaluator import Context, QueryState, evaluate
from ..eval.refs import doc_key, live, ref_of
from ..eval.sets import cursor_of
from ..eval.v10 import streams as sources
from ..eval.v10.streams import MAX_ORD, Cursor, Documents, IndexRows, Single, Source
from ..storage.base import Conflict, DocKey, Version
from ..storage.meter import PARTITIONS, Meter
from ..storage.readonly import ReadOnly
from ..values import Action, Ref, SetRef, type_name
from ..wire import legacy
from ..wire.v4 import from_json, to_json
from ..wire.v10 import to_tagged
from . import headers as request_headers
from .headers import DEFAULT_QUERY_TIMEOUT, compute_ops, contention_retries, param, timeout, timestamp
from .body import parse
from .protocol import Headers, ProtocolError, Request, Response, json_bytes, unauthorized

if t.TYPE_CHECKING:
    from .app import App

log = logging.getLogger("fql.server")

#: Core ends every event with CRLF; the v10 driver reads lines, the v4 driver one JSON value per chunk.
SEPARATOR = b"\r\n"
#: The v4 event fields a client may ask for with `?fields=`, and the ones sent when it does not.
V4_FIELDS, V4_DEFAULT_FIELDS = ("action", "document", "diff", "prev", "index"), ("action", "document")
#: Seconds between two v10 events sent over HTTP/1 (a stream's pace over HTTP/2 is none). Java's HttpClient
#: asks for HTTP/2 with `Upgrade: h2c`, which core's server accepts and Granian does not, so fauna-jvm's
#: streams come over HTTP/1.1, where events sent back to back arrive in one read of the socket; its
#: FaunaStream parses one event per read and drops the rest, where HTTP/2 gives it a read per DATA frame.
HTTP1_PACE = 0.002
#: The largest and default feed page.
MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE = 16000, 16
JSON_TYPE = b"application/json;charset=utf-8"


@frozen
class StreamSettings:
    """How streams poll and when they end (`App(db, streams=StreamSettings(...))`)."""

    #: Seconds between two reads of storage for new events.
    poll_interval: float = 0.1
    #: Seconds between two v10 `status` events of a quiet stream (core: five minutes).
    status_interval: float = 300.0
    #: The longest a stream stays open, in seconds (None: until the client leaves or the server stops).
    max_duration: float | None = None
    #: Events a v10 stream replays when it opens; past this it ends with `stream_replay_volume_exceeded`.
    replay_limit: int = 128
    #: The most events one poll sends (the next poll follows at once).
    batch: int = 1000
    #: Seconds of being open that a v10 stream bills one compute op for, on its status events (core's
    #: StreamMetrics: a minute).
    billing_period: float = 60.0


def _past_snapshot(ctx: Context) -> Cursor:
    """The cursor after every event a read-only snapshot holds, where a feed page or a poll that read it
    all resumes: its horizon, the transaction's own time, which no commit shares, at its first place
    (core's Feed: Cursor.MinValue at the snapshot time)."""
    return Cursor(ctx.state.txn.horizon, 0)


class StreamError(ProtocolError):
    """A v10 stream or feed request refused before any event: core's `{"error": {code, message}}`."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(status, message)
        self.code = code

    def v10_body(self) -> dict:
        return {"error": {"code": self.code, "message": self.description}}


def _invalid(message: str) -> StreamError:
    return StreamError(400, "invalid_request", message)


def _v10_write() -> FQLError:
    return QueryRuntimeError("invalid_effect", "Writes are disallowed in stream subscriptions.")


def _v4_write() -> FQLError:
    # Core evaluates a v4 stream's expression with a read-only effect limit (EvalContext.read).
    return InvalidExpression("Call performs a write, which is not allowed in stream requests.")


@frozen
class Batch:
    """What one poll found: encoded events, where the next poll starts, and the snapshot time."""

    lines: list[bytes]
    after: Cursor
    ts: int
    #: More events were waiting: poll again at once.
    more: bool = False
    #: The last line is an error event: the stream ends after it.
    final: bool = False
    #: The stats of the events read and dropped (core's filtered events), billed by the next status event.
    filtered: Stats | None = None


def _line(event: dict) -> bytes:
    return json_bytes(event) + SEPARATOR


def _v4_line(event: dict, version: str | None) -> bytes:
    """A v4 stream event (fql's values) as the stream's API version renders it: core's
    StreamRenderContext renders each event with the request's version, as a query's answer."""
    return _line(legacy.render(event, version) if legacy.renders(version) else to_json(event))


def _now() -> int:
    return time.time_ns() // 1000


# -- v10 request bodies ----------------------------------------------------------------------------------


@frozen
class Ask:
    """A v10 stream or feed request: the source token, where to start (if given) and the page size."""

    #: The source a token names in the server's table, or None for a self-contained token...
    source: Source | None
    #: ... whose payload (sources.unpacked) is made into its source as the caller.
    payload: list | None
    start: Cursor | None
    page_size: int

    @property
    def made(self) -> Cursor:
        """Where the token's source starts by default: just after the query that made it."""
        return self.source.start if self.source is not None else Cursor(*self.payload[5])


def _unexpected(value: t.Any) -> StreamError:
    shown = f"string value '{value}'" if isinstance(value, str) else f"value {json_bytes(value).decode()}"
    return _invalid(f"Invalid request body: Unexpected {shown}.")


def _field(body: dict, name: str, kind: type) -> t.Any:
    value = body.get(name)
    if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
        raise _unexpected(value)
    return value


def read_ask(app: App, raw: bytes, feed: bool) -> Ask:
    """The request body of `/stream/1` or `/feed/1`, validated with core's messages."""
    end = "." if feed else ""  # core's feed messages end with a period, its stream messages do not
    if not raw.strip():
        raise _invalid("No request body provided")
    try:
        body = parse(raw)
    except FQLError:
        raise _invalid("Invalid request body: not valid JSON.") from None
    if not isinstance(body, dict):
        raise _unexpected(body)
    if body.get("token") is None:
        raise _invalid("Invalid request body: Value for key token not found.")
    token, start_ts, cursor = _field(body, "token", str), _field(body, "start_ts", int), _field(body, "cursor", str)
    # Core decodes every field before it looks at any (FeedRequest's JSON record has `page_size` too).
    page_size = _field(body, "page_size", int) if feed else None
    if start_ts is not None and cursor is not None:
        raise _invalid(f"Invalid request body: can not provide both `start_ts` and `cursor`{end}")
    source = sources.lookup(app.db, token)
    payload = sources.unpacked(token) if source is None else None
    if source is None and payload is None:
        raise _invalid(f"Invalid request body: invalid event source provided{end}")
    # A stream starts after every event of `start_ts`, a feed after its first one only (core's FeedRequest
    # makes the cursor (start_ts, 0), its StreamRequest (start_ts, max ordinal)).
    start = None if start_ts is None else Cursor(start_ts, 0 if feed else MAX_ORD)
    if cursor is not None:
        start = Cursor.decode(cursor)
        if start is None:
            raise _invalid(f"Invalid request body: invalid event cursor provided{end}")
    return Ask(source, payload, start, _page_size(page_size) if feed else DEFAULT_PAGE_SIZE)


def _page_size(size: int | None) -> int:
    if size is None:
        return DEFAULT_PAGE_SIZE
    if size <= 0:
        raise _invalid("Invalid request body: page size must be greater than zero.")
    if size > MAX_PAGE_SIZE:
        raise _invalid(f"Invalid request body: page size can not be greater than {MAX_PAGE_SIZE}.")
    return size


# -- v10 events ---------------------------------------------------------------------------------------------


def _stats(started: float, reads: int = 1, compute: int = 1) -> dict:
    return {
        "read_ops": reads,
        "storage_bytes_read": 0,
        "compute_ops": compute,
        "processing_time_ms": int((time.perf_counter() - started) * 1000),
        "rate_limits_hit": [],
    }


@frozen
class Stats:
    """Read and compute ops to bill later (a stream's filtered events, at its next status event)."""

    reads: int = 0
    compute: int = 0

    def __add__(self, other: Stats) -> Stats:
        return Stats(self.reads + other.reads, self.compute + other.compute)


def event_stats(source: sources.Source, cost: sources.Cost) -> Stats:
    """The ops of one event, as core's FQL2StreamSpec "metrics" bill them: a set's event reads its document
    (1) when it looks inside it (FQL2StreamReadCacheSpec: showing only its `id` reads none), a document's
    own stream has read its version already (0), and each other document its steps read is one more;
    compute is billed per 50 counted, at least one op."""
    base = 0 if isinstance(source.base, sources.Single) or not cost.own else 1
    return Stats(base + cost.docs, compute_ops(cost.compute))


def filtered_stats(source: sources.Source, polled: sources.Polled) -> Stats:
    """What the events a poll read and dropped cost, each as an event would (SubscriptionSpec "idle events
    include ops from filtered events")."""
    return sum((event_stats(source, cost) for cost in polled.filtered), Stats())


def _event_line(source: sources.Source, event: sources.Event, started: float) -> dict:
    if event.cursor is None:
        return v10_event(event, _no_stats())  # an error of the whole source, as its too old start
    cost = event_stats(source, event.cost)
    return v10_event(event, _stats(started, reads=cost.reads, compute=cost.compute))


def error_body(err: FQLError) -> dict:
    """A v10 error as an error event carries it (an abort as a query abort is answered)."""
    body: dict = {"code": err.v10_code, "message": err.description}
    if isinstance(err, TransactionAborted) and err.v10_code == "abort":
        body["message"] = "Query aborted."
        body["abort"] = to_tagged(err.value if err.has_value else err.description)
    return body


def v10_event(event: sources.Event, stats: dict) -> dict:
    if event.type == "error":
        return {"type": "error", "error": error_body(event.error), "stats": stats}
    return {
        "type": event.type,
        "data": to_tagged(event.data),
        "txn_ts": event.cursor.ts,
        "cursor": event.cursor.encode(),
        "stats": stats,
    }


def status_event(cursor: Cursor, reads: int = 0, compute: int = 1) -> bytes:
    stats = _stats(time.perf_counter(), reads=reads, compute=compute)
    return _line({"type": "status", "txn_ts": cursor.ts, "cursor": cursor.encode(), "stats": stats})


def replay_reads(source: sources.Source) -> int:
    """The read ops of the status event that opens a v10 stream: core reads what changed since the start
    from the source's index, one read op per partition (FQL2StreamSpec "includes read metrics on start
    event": 8 for a collection's changes, 1 for a document or an index with terms)."""
    base = source.base
    if isinstance(base, sources.Single):
        return 1
    if isinstance(base, sources.IndexRows) and base.index.terms:
        return 1
    return PARTITIONS


def _no_stats() -> dict:
    """The stats of an error event no document's event caused (a start too old, too many events to replay,
    lost permissions, a failure): core sends them with Event.Metrics.Empty, zero compute ops included."""
    return {**_stats(time.perf_counter(), reads=0, compute=0), "processing_time_ms": 0}


def _error_event(code: str, message: str) -> bytes:
    return _line({"type": "error", "error": {"code": code, "message": message}, "stats": _no_stats()})


class Streams:
    """The stream and feed endpoints of one App: request checks, read-only polls, and the event pump."""

    def __init__(self, app: App, settings: StreamSettings | None = None):
        self.app = app
        self.settings = settings or StreamSettings()
        #: How many streams are sending now.
        self.open = 0
        self._ids = 0
        self._closing = threading.Event()

    def close(self) -> None:
        """End every open stream at its next poll (from any thread), and refuse new ones."""
        self._closing.set()

    # -- running read-only snapshots ------------------------------------------------------------------------

    def snapshot(
        self,
        secret: str,
        refuse: t.Callable[[], FQLError],
        fn: t.Callable[[Context], t.Any],
        held: Held | None = None,
        v10: bool = False,
        api_version: str | None = None,
        metered: bool = False,
    ) -> t.Any:
        """`fn(ctx)` in a read-only transaction as `secret` (Unauthorized if it no longer works, or, given
        what a stream's auth `held` when it opened, if that changed); `v10` for a v10 stream or feed, whose
        reads get v10's identity baseline (QueryState.v10); `api_version` a v4 request's, if it names one;
        `metered`: its reads counted as a v4 query's (a Meter), for the metric headers.

        A snapshot gone stale (another process committed between its clock and its snapshot, or before a
        reader that asked for its horizon took the writer's lock, on SQLite) runs again holding the write
        lock, as a query does (Database.run_with_state), up to MAX_RETRIES times: whatever the read made
        of it (a user function wraps every error), the transaction's conflict decides."""
        db = self.app.db
        attempt = 0
        while True:
            txn = db.storage.begin(writing=attempt > 0)
            try:
                auth = authenticate(txn, secret, db.root_secret, db.jwks)
                reads: t.Any = ReadOnly(txn, refuse)
                if metered:
                    reads = Meter(reads, marked=True)
                # Events are evaluated at run time: an unbound name is `unbound_variable`, not a static check.
                state = QueryState(reads, auth, db=db, v10=v10, typecheck=False)
                if api_version is not None:
                    state.api_version = state.form_version = api_version
                ctx = Context(state)
                if held is not None and not held.still(ctx):
                    raise Unauthorized("Unauthorized")
                found = fn(ctx)
                if txn.conflict is None:
                    return found
            except Exception:
                if txn.conflict is None:
                    raise
            finally:
                txn.rollback()
            attempt += 1
            if attempt > MAX_RETRIES:
                raise txn.conflict

    # -- v10 ----------------------------------------------------------------------------------------------------

    async def stream_v10(self, request: Request, send: t.Callable, receive: t.Callable) -> None:
        """`POST /stream/1`: a status event, the events since the start (replayed), then live ones."""
        ask = read_ask(self.app, request.body, feed=False)
        secret = _v10_secret(request)
        source, held, opening, opened = await self.app.run(self._check_v10, secret, ask)
        poll = _V10Poll(self, secret, source, held, opened, 0.0 if request.version == "2" else HTTP1_PACE)
        head = self._head(request)
        if request.method == "HEAD":
            # Core's StreamEndpoint never looks at the method, and HttpMessage.writeTo answers a HEAD
            # request's chunked body with its head and its (empty) last chunk, the events left unread: the
            # stream opens and ends at once, and the connection serves on.
            await send({"type": "http.response.start", "status": 200, "headers": head})
            await send({"type": "http.response.body", "body": b"", "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        await self.pump(send, receive, poll, ask.start or source.start, [opening], head)

    async def feed_v10(self, request: Request) -> Response:
        """`POST /feed/1`: one page of events after the cursor (or start), with `has_next`."""
        # As core's FeedEndpoint: 95% of the time limit for reading events, and past the limit a time-out.
        limit = _timeout_ms(request) / 1000
        ask = read_ask(self.app, request.body, feed=True)
        secret = _v10_secret(request)
        page, ts = await self.app.run(self._page, secret, ask, request.started + limit * 0.95)
        if time.monotonic() - request.started > limit:
            failure = timed_out(limit)
            raise ProtocolError(failure.status, failure.description)
        return Response(200, json_bytes(page), ts=ts)

    def _check_v10(self, secret: str, ask: Ask) -> tuple[Source, Held, bytes, int]:
        """The stream's source, what its auth rests on, the status event that opens it and the time it
        opens at: core replays the transactions up to it, and sends the later ones live."""

        def run(ctx: Context) -> tuple[Source, Held, bytes, int]:
            # Core's StreamEndpoint refuses a start before the token's, once authenticated, before it
            # evaluates the token.
            if ask.start is not None and ask.start.ts < ask.made.ts:
                raise _invalid("Invalid stream start time: Stream start time can not be before the stream create time.")
            source = _source(ctx, ask, "stream")
            start = ask.start or source.start
            # A start too old to replay reads nothing: core's status event before the error has empty stats.
            # It shows the start's time at ordinal 0, whatever the start's (core's Event.Status renders
            # Cursor(ts)); the stream resumes after the start itself.
            replayable = start.ts >= sources.min_valid_time(ctx, source.base)
            shown = Cursor(start.ts, 0)
            opening = status_event(shown, replay_reads(source)) if replayable else status_event(shown, 0, 0)
            return source, Held.of(ctx), opening, ctx.state.txn.horizon

        try:
            return self.snapshot(secret, _v10_write, run, v10=True)
        except Unauthorized:
            raise _v10_unauthorized() from None

    def _page(self, secret: str, ask: Ask, deadline: float) -> tuple[dict, int]:
        def run(ctx: Context) -> tuple[dict, int]:
            source = _source(ctx, ask, "event source")
            started = time.perf_counter()
            polled = sources.events(ctx, source, ask.start or source.start, ask.page_size, deadline)
            found, more = polled.events, polled.more
            # Each event shows its own ops; the page bills the whole read, as core's query log does
            # (FeedLogSpec: a collection's changes index, 8 read ops, and one per document read).
            events = [_event_line(source, e, started) for e in found]
            reads = sum(e["stats"]["read_ops"] for e in events) + filtered_stats(source, polled).reads
            counted = sum(cost.compute for cost in (*(e.cost for e in found), *polled.filtered))
            # A start too old to replay is an error no event caused, and core reads no history for it.
            too_old = bool(found) and found[-1].cursor is None
            index_reads = 0 if too_old else replay_reads(source)
            stats = _stats(started, reads=index_reads + reads, compute=compute_ops(counted))
            # A page that ends early points at its last event; a complete one at its snapshot, so that
            # polling a quiet source keeps moving forward.
            cursor = found[-1].cursor if found and more else _past_snapshot(ctx)
            if too_old:
                cursor = ask.start or source.start  # core keeps the page's cursor after such an error
            page = {"events": events, "cursor": cursor.encode(), "has_next": more}
            return {**page, "stats": stats}, ctx.state.ts

        try:
            return self.snapshot(secret, _v10_write, run, v10=True)
        except Unauthorized:
            raise _v10_unauthorized() from None

    def poll_v10(
        self,
        secret: str,
        source: Source,
        after: Cursor,
        replay: bool,
        held: Held | None = None,
        opened: int | None = None,
    ) -> Batch:
        """One poll of a v10 stream (in a worker thread); the first one replays, up to `replay_limit`. The
        transactions after `opened` (the stream's opening) come in the order core sends live ones."""
        limit = self.settings.replay_limit + 1 if replay else self.settings.batch

        def run(ctx: Context) -> Batch:
            started = time.perf_counter()
            polled = sources.events(ctx, source, after, limit, live_after=opened)
            found, more = polled.events, polled.more
            lines = [_line(_event_line(source, e, started)) for e in found]
            # Core's limit is on the events replayed up to the stream's opening (Subscription
            # processReplayedEvents); those of later transactions the first poll reads are live.
            replayed = [e for e in found if opened is None or e.cursor is None or e.cursor.ts <= opened]
            if replay and len(replayed) > self.settings.replay_limit and found[-1].type != "error":
                lines = lines[: self.settings.replay_limit]
                lines.append(_error_event("stream_replay_volume_exceeded", _REPLAY_EXCEEDED))
                return Batch(lines, after, ctx.state.ts, final=True)
            final = bool(found) and found[-1].type == "error"
            last = polled.resume or (found[-1].cursor if found else after)
            # After a complete poll every event before its snapshot has been sent.
            nxt = last if more or final else max(last, _past_snapshot(ctx))
            return Batch(lines, nxt, ctx.state.ts, more, final, filtered_stats(source, polled))

        try:
            return self.snapshot(secret, _v10_write, run, held, v10=True)
        except Unauthorized:
            lost = _error_event("permission_loss", "Stream authentication is no longer valid.")
            return Batch([lost], after, _now(), final=True)

    # -- v4 -------------------------------------------------------------------------------------------------------

    async def stream_v4(
        self, request: Request, info: request_headers.V4Headers, send: t.Callable, receive: t.Callable
    ) -> Response | None:
        """v4 `POST /stream`: a start event, then `version` events of a document or `set` events of a set.
        `info`: the request's version and tags (headers.read_v4_stream)."""
        secret = request_headers.secret(request.headers)
        if secret is None:
            raise unauthorized()
        version = info.api_version
        fields, errors = _v4_fields(request.params.get("fields"))
        opened = await self.app.run(self._open_v4, secret, request.body, fields, errors, version)
        if isinstance(opened, Response):
            return opened
        target, start, held, state = opened
        poll = _V4Poll(self, secret, target, fields, held)
        begun = _v4_line({"type": "start", "txn": start, "event": start}, version)
        # Core's TMPEndpoint sets X-Txn-Time and the metric headers on a stream's answer as on any other
        # (setHeaders): what evaluating the stream's query cost, and no bytes out, its body being chunked.
        measured = request_headers.metrics(
            query_ms=request_headers.elapsed_ms(request.started), bytes_in=len(request.body), bytes_out=0, state=state
        )
        tags = [("x-fauna-tags", request_headers.tags_text(info.tags))] if info.tags else []
        head = self._head(request, start, tags, measured)
        await self.pump(send, receive, poll, Cursor(start, MAX_ORD), [begun], head)
        return None

    def _open_v4(self, secret: str, body: bytes, fields: tuple, errors: list, version: str | None) -> t.Any:
        """The stream's target, its start and its auth; or the errors of its `fields`, else of its query
        (core's runStream: parseEventFields, then the query parsed whole at the request's API version
        as `POST /` parses one, then evaluated)."""

        def run(ctx: Context) -> t.Any:
            if errors:
                return _v4_errors(errors, version)
            try:
                node = from_json(parse(body))
                refused = queryparse.check(node, (), ctx.state.form_version)
                if refused is not None:
                    raise refused
                value = evaluate(node, ctx)
                horizon = ctx.state.txn.horizon
                target = evolve(_v4_target(ctx, value), made=horizon, version=version)
                return target, horizon, Held.of(ctx), ctx.state
            except FQLError as err:
                return _v4_errors([err], version)

        try:
            return self.snapshot(secret, _v4_write, run, api_version=version, metered=True)
        except Unauthorized:
            raise unauthorized() from None

    def poll_v4(self, secret: str, target: V4Target, fields: tuple, after: Cursor, held: Held | None = None) -> Batch:
        def run(ctx: Context) -> Batch:
            lines: list[bytes] = []
            last = after
            for cursor, at, make in _v4_changes(ctx, target, fields, after):
                if len(lines) >= self.settings.batch:
                    return Batch(lines, last, ctx.state.ts, more=True)
                # As core, an event is checked (ABAC read predicates) in the database as it was then.
                with sources.as_of(ctx, at):
                    lines.extend(_v4_line(event, target.version) for event in make())
                last = cursor
            return Batch(lines, max(last, _past_snapshot(ctx)), ctx.state.ts)

        try:
            return self.snapshot(secret, _v4_write, run, held)
        except Unauthorized:
            lost = {"code": "permission denied", "description": "Authorization lost during stream evaluation."}
            return Batch([_v4_line({"type": "error", "txn": _now(), "event": lost}, target.version)], after, _now(), final=True)

    # -- the pump ---------------------------------------------------------------------------------------------------

    async def pump(
        self,
        send: t.Callable,
        receive: t.Callable,
        poll: t.Any,
        start: Cursor,
        opening: list[bytes],
        head: list[tuple[bytes, bytes]],
    ) -> None:
        """Send the response `head` and `opening`, then each poll's events until the stream ends."""
        gone = asyncio.Event()
        watcher = asyncio.ensure_future(_watch(receive, gone))
        self.open += 1
        try:
            await send({"type": "http.response.start", "status": 200, "headers": head})
            await _lines(send, opening, poll.pace)
            await self._follow(send, gone, poll, start)
        finally:
            watcher.cancel()
            self.open -= 1
        if not gone.is_set():
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _follow(self, send: t.Callable, gone: asyncio.Event, poll: t.Any, after: Cursor) -> None:
        """Poll and send until an error event, the client leaves, the streams close or time runs out."""
        settings, loop = self.settings, asyncio.get_running_loop()
        stop_at = None if settings.max_duration is None else loop.time() + settings.max_duration
        quiet_since, first = loop.time(), True
        unbilled, open_for = Stats(), _OpenFor(loop.time(), settings.billing_period)
        while not (gone.is_set() or self._closing.is_set()) and (stop_at is None or loop.time() < stop_at):
            polled = loop.time()
            batch = await self._poll(send, poll, after, first)
            if batch is None or batch.final:
                return
            after, first = batch.after, False
            if batch.filtered is not None:
                unbilled += batch.filtered
            if batch.lines:
                quiet_since = loop.time()
            elif poll.status and loop.time() - quiet_since >= settings.status_interval:
                # Core's status event bills the filtered events since the last one and a compute op per
                # whole minute the stream has been open (Subscription.onIdle, StreamMetrics).
                compute = unbilled.compute + open_for.periods(loop.time())
                await _body(send, status_event(after, reads=unbilled.reads, compute=compute))
                unbilled, quiet_since = Stats(), loop.time()
            if not batch.more:
                # A poll reads a whole collection under the storage's lock: on a big one, poll less often,
                # so that a stream holds the lock at most a fifth of the time.
                await _wait(gone, max(settings.poll_interval, 4 * (loop.time() - polled)))

    async def _poll(self, send: t.Callable, poll: t.Any, after: Cursor, first: bool) -> Batch | None:
        """One poll, its events sent; None when fql failed (the stream then ends with an error event)."""
        try:
            batch = await self.app.run(poll, after, first)
        except Exception as exc:  # a bug in fql ends this stream only
            log.error("stream poll failed: %r", exc, exc_info=log.isEnabledFor(logging.DEBUG))
            await _body(send, poll.crash(exc))
            return None
        await _lines(send, batch.lines, poll.pace)
        return batch

    def _head(
        self, request: Request, ts: int | None = None, tags: Headers = (), measured: Headers = ()
    ) -> list[tuple[bytes, bytes]]:
        """A stream's response head, laid out as the app lays out its other answers (App._common): the
        stream's id (core's StreamResponse sets it first), for a v4 stream its `tags`, X-Txn-Time at `ts`
        and the `measured` metric headers (core's TMPEndpoint sets them, the v10 StreamEndpoint sets
        neither), the traceparent, CORS headers for a request with an `Origin` (core's CoreApplication
        adds them to every answer, exposing its `x-` headers), the service's legacy x-read-ops and
        x-write-ops (v4), and the build (and, asked with X-Trace, the host)."""
        self._ids += 1
        sent = request.headers
        found: Headers = [("x-fauna-stream-id", str(self._ids)), *tags, ("content-type", JSON_TYPE.decode())]
        if ts is not None:
            found.append(("x-txn-time", str(self.app.clock.stamp(ts))))
        found.append(("traceparent", request_headers.traceparent(sent.get("traceparent"))))
        found += measured
        if "origin" in sent:
            found += request_headers.cors(sent["origin"], found)
        if measured:
            found += request_headers.legacy_ops(measured)
        found += self.app.server_headers(request)
        return [(name.encode(), value.encode()) for name, value in found]


_REPLAY_EXCEEDED = "Too many events to replay. Recreate the stream and try again."


class _OpenFor:
    """How long a stream has been open, in the whole billing periods not billed yet (the rest carries over)."""

    def __init__(self, opened: float, period: float):
        self.since, self.period = opened, period

    def periods(self, now: float) -> int:
        whole = int((now - self.since) // self.period)
        self.since += whole * self.period
        return whole


@frozen
class Held:
    """What a stream's auth rests on when it opens, as core's Auth.revalidate checks it before each batch
    of events: the key or token document behind the secret (any change to it, or its expiry, ends the
    stream) and the roles it then held (a change to one of them ends it too; a role it gains later does
    not count, as core looks up the same roles again)."""

    source: int | None
    roles: tuple[tuple[str, t.Any], ...]

    @classmethod
    def of(cls, ctx: Context) -> Held:
        from ..eval.roles import roles_of

        roles = tuple((role.get("name"), role) for role in roles_of(ctx))
        return cls(_source_ts(ctx), roles)

    def still(self, ctx: Context) -> bool:
        if _source_ts(ctx) != self.source:
            return False
        scope = ctx.state.auth.scope
        return all(getattr(live(ctx, DocKey(scope, "#roles", name)), "data", None) == role for name, role in self.roles)


def _source_ts(ctx: Context) -> int | None:
    source = ctx.state.auth.source
    version = live(ctx, source) if source is not None else None
    return version.ts if version is not None else None


class _V10Poll:
    """The polls of one v10 stream (called in a worker thread with the cursor to start after)."""

    status = True

    def __init__(self, streams: Streams, secret: str, source: Source, held: Held, opened: int, pace: float = 0.0):
        self.streams, self.secret, self.source, self.held = streams, secret, source, held
        #: When the stream opened: the transactions after it are live.
        self.opened = opened
        #: Seconds between two events (HTTP1_PACE over HTTP/1).
        self.pace = pace

    def __call__(self, after: Cursor, first: bool) -> Batch:
        return self.streams.poll_v10(self.secret, self.source, after, first, self.held, self.opened)

    def crash(self, exc: Exception) -> bytes:
        # Core's Subscription.onError words a failure so (SubscriptionSpec "internal error").
        return _error_event("internal_error", f"{exc or type(exc).__name__}. Please create a ticket at https://support.fauna.com")


class _V4Poll:
    """The polls of one v4 stream; v4 sends no status events."""

    status = False
    #: Seconds between two events. The faunadb driver parses each HTTP/2 DATA frame as one JSON value
    #: (its fallback for several is broken), and Hypercorn merges bodies sent back to back into one frame.
    pace = 0.002

    def __init__(self, streams: Streams, secret: str, target: V4Target, fields: tuple, held: Held):
        self.streams, self.secret, self.target, self.fields, self.held = streams, secret, target, fields, held

    def __call__(self, after: Cursor, first: bool) -> Batch:
        return self.streams.poll_v4(self.secret, self.target, self.fields, after, self.held)

    def crash(self, exc: Exception) -> bytes:
        failure = {"code": "internal server error", "description": f"{type(exc).__name__}: {exc}"}
        return _v4_line({"type": "error", "txn": _now(), "event": failure}, self.target.version)


async def _watch(receive: t.Callable, gone: asyncio.Event) -> None:
    """Set `gone` when the client disconnects (the request body was already read)."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            gone.set()
            return


async def _wait(gone: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(gone.wait(), seconds)
    except TimeoutError:
        pass


async def _body(send: t.Callable, line: bytes) -> None:
    await send({"type": "http.response.body", "body": line, "more_body": True})


async def _lines(send: t.Callable, lines: t.Iterable[bytes], pace: float) -> None:
    """Send each line, `pace` seconds apart when a pace is set (and after the last, which the next poll's
    first line may follow at once)."""
    for line in lines:
        await _body(send, line)
        if pace:
            await asyncio.sleep(pace)


def _source(ctx: Context, ask: Ask, what: str) -> Source:
    """The request's source, as the caller: the server's table entry, or the self-contained token's made
    again (core evaluates the token's set as the caller, with its permissions)."""
    source = ask.source
    if source is None:
        if ask.payload[0] != ctx.state.scope:
            raise _invalid(f"Error evaluating provided {what}, the event source belongs to another database.")
        try:
            source = sources.rebuilt(ctx, ask.payload)
        except sources.NotASource as err:
            # Core's StreamEndpoint and FeedEndpoint word this alike, with no period.
            raise _invalid(
                f"Invalid request body: invalid event source provided, Expected EventSource<Any>, received {err.received}"
            ) from None
        except Conflict:
            raise  # a stale snapshot: Streams.snapshot reads again
        except QueryRuntimeError as err:
            raise _invalid(f"Error evaluating provided {what}, {err.description}") from None
        except FQLError as err:
            # Not a failure of the evaluation but an exception core's endpoint recovers from (a read before
            # the retention: ExceptionResponseHelpers' bad request), answered in the endpoint's envelope.
            raise StreamError(err.status, err.v10_code, err.description) from None
    _same_database(ctx, source, what)
    return source


def _same_database(ctx: Context, source: Source, what: str) -> None:
    if ctx.state.scope != source.scope:
        # Core re-evaluates the token's set as the caller, which fails in another database.
        raise _invalid(f"Error evaluating provided {what}, the event source belongs to another database.")
    try:
        # ... and with the caller's permissions: one with no read action on its collection is refused.
        sources.check_readable(ctx, source.base)
    except QueryRuntimeError as err:
        raise _invalid(f"Error evaluating provided {what}, {err.description}") from None


def _v10_secret(request: Request) -> str:
    secret = request_headers.secret(request.headers)
    if secret is None:
        raise _v10_unauthorized()
    return secret


def _v10_unauthorized() -> StreamError:
    return StreamError(401, "unauthorized", "Invalid token, unable to authenticate request")


def _timeout_ms(request: Request) -> int:
    """A feed's time limit. Core's FeedEndpoint reads three headers alone, before the body, and words a
    bad one `Invalid headers: Invalid header '...': ...` (its x-format, x-typecheck... are not read)."""
    headers = request.headers
    try:
        param(headers, "x-last-txn-ts", timestamp)
        timeout_ms = param(headers, "x-query-timeout-ms", timeout) or DEFAULT_QUERY_TIMEOUT
        param(headers, "x-max-contention-retries", contention_retries)
    except ProtocolError as err:
        raise _invalid(f"Invalid headers: {err.description}") from None
    return timeout_ms


# -- v4 events ------------------------------------------------------------------------------------------------


def _v4_fields(param: str | None) -> tuple[tuple, list]:
    """The `?fields=` of a v4 stream, and an error per unknown name (core: `invalid url parameter`)."""
    if param is None:
        return V4_DEFAULT_FIELDS, []
    parts = param.split(",")
    if len(parts) > 1:
        # Core splits with Java's String.split, which drops trailing empty strings: `diff,prev,` is
        # diff and prev (faunadb-go sends that trailing comma); `fields=` alone is still one empty name.
        while parts and not parts[-1]:
            parts.pop()
    names = [name.strip() for name in parts]
    errors = [_url_error(name) for name in names if name not in V4_FIELDS]
    return tuple(f for f in V4_FIELDS if f in names), errors


class InvalidURLParameter(FQLError):
    """A bad query-string parameter of a v4 request (core's InvalidURLParam), at position []."""

    v4_code, v10_code, status = "invalid url parameter", "invalid_request", 400


def _url_error(name: str) -> FQLError:
    return InvalidURLParameter(f"Invalid url parameter fields. Invalid field name '{name}'.")


def _v4_errors(errors: list[FQLError], version: str | None = None) -> Response:
    """A v4 stream request's errors, each with the others its query's parse found, worded for the
    request's API version as `POST /` words them."""
    status = max(err.status for err in errors)
    items = [item for err in errors for item in err.v4_errors()]
    if legacy.is_legacy(version):
        items = [legacy.error(item) for item in items]
    return Response(status, json_bytes({"errors": items}))


@frozen(eq=False)
class V4Target:
    """What a v4 stream watches: a document (version events) or an index or collection set (set events)."""

    base: sources.Base
    #: For a Match: the index's ref and the terms, which `index` events show and ABAC predicates get.
    index: Ref | None = None
    terms: t.Any = None
    #: When the stream opened: the collections it watches are those that stood then.
    made: int = 0
    #: The request's API version, which renders the events (core's StreamRenderContext).
    version: str | None = None

    def events(self, ctx: Context, fields: tuple, prev: Version | None, curr: Version) -> list[dict]:
        if isinstance(self.base, Single):
            return _version_events(ctx, fields, prev, curr)
        return _set_events(ctx, self, fields, prev, curr)


def _v4_changes(ctx: Context, target: V4Target, fields: tuple, after: Cursor) -> list[tuple[Cursor, int, t.Callable]]:
    """What a v4 stream sends after `after`, in order: each change's cursor, the time its events are
    checked at, and what makes them. A document stream also sends the history its transactions
    rewrote, after the version (if any) each wrote at its own time."""
    txn = ctx.state.txn
    found = [
        (cursor, curr.ts, functools.partial(target.events, ctx, fields, prev, curr))
        for cursor, prev, curr in sources.changes(txn, target.base, after, target.made)
    ]
    if isinstance(target.base, Single):
        key = target.base.key
        for logged in txn.history(history.rewrites_key(key)):
            if logged.data is not None and Cursor(logged.ts, 1) > after:
                make = functools.partial(_rewrites, ctx, key, fields, logged.ts, logged.data["edits"], txn)
                found.append((Cursor(logged.ts, 1), logged.ts, make))
    else:
        for key, logged in _set_rewrites(txn, target.base, after):
            make = functools.partial(_set_rewrite_events, ctx, target, key, fields, logged.ts, logged.data["edits"], txn)
            found.append((Cursor(logged.ts, 1), logged.ts, make))
    found.sort(key=lambda change: change[0])
    return found


def _rewrites(ctx: Context, key: DocKey, fields: tuple, txn_ts: int, edits: list, txn: t.Any) -> list[dict]:
    """Core's `history_rewrite` events of a transaction at `txn_ts` that edited the history of the document
    `key` (its StreamEvent of a version added or removed at another valid time than the transaction's),
    as the document's history stood once that transaction had run. An Insert rewrites the version after it (its prev
    changed), then adds its own; a Remove removes one, then rewrites the version after it. The stream's
    secret needs the history read permission (core's EventFilter). `txn`: the poll's own, which sees the
    later transactions' logs (the events are made in a view of the database at `txn_ts`)."""
    if not access.allowed(ctx, "history_read", key, (ref_of(ctx, key),)):
        return []
    versions = _history_at(txn, key, txn_ts)
    out: list[dict] = []
    for kind, ts, *removed in edits:
        if kind == "remove":
            event = {"action": removed[0], "document": {"ref": ref_of(ctx, key), "ts": ts}}
            out.append(_event("history_rewrite", txn_ts, {name: event[name] for name in fields if name in event}))
        later = next((v for v in versions if v.ts > ts), None)
        if later is not None:
            out.append(_version_event(ctx, fields, _before(versions, later), later, txn_ts))
        inserted = next((v for v in versions if v.ts == ts), None)
        if kind == "insert" and inserted is not None:
            out.append(_version_event(ctx, fields, _before(versions, inserted), inserted, txn_ts))
    return out


def _set_rewrites(txn: t.Any, base: sources.Base, after: Cursor) -> t.Iterator[tuple[DocKey, Version]]:
    """The logged history edits after `after` of the documents of a set stream's collections: each
    document's key and the log version of one transaction's edits."""
    scope, colls = (base.scope, (base.coll,)) if isinstance(base, Documents) else (base.index.key.scope, base.index.sources)
    for coll in colls:
        prefix = f"{coll}/"
        for log in txn.scan(scope, history.REWRITES):
            if not log.key.id.startswith(prefix):
                continue
            key = DocKey(scope, coll, log.key.id[len(prefix) :])
            for logged in txn.history(log.key):
                if logged.data is not None and Cursor(logged.ts, 1) > after:
                    yield key, logged


def _set_rewrite_events(
    ctx: Context, target: V4Target, key: DocKey, fields: tuple, txn_ts: int, edits: list, txn: t.Any
) -> list[dict]:
    """Core's set events of a transaction at `txn_ts` that edited the history of the document `key`: its
    index rows are those of each version against the one before it (an entry the version puts in is an
    `add` at its time, one it takes out a `remove`), and core writes the rows the edit changed, removing
    those gone (SetRemove) and adding the new ones (SetAdd). Either is a `set` event showing the row: its
    action, the document with the row's valid time, the index; `txn` is the transaction's time. The
    history before the edit is the history the transaction left (read through the poll's `txn`), with its
    edits undone (a log written before fql kept the data they replaced gives none)."""
    versions = _history_at(txn, key, txn_ts)
    undone = _undone(key, versions, edits)
    if undone is None or not _set_readable(ctx, target, key):
        return []
    before, now = _rows(ctx, target.base, undone), _rows(ctx, target.base, versions)
    ref = ref_of(ctx, key)
    changed = [(row, before[row]) for row in sorted(before.keys() - now.keys())]
    changed += [(row, now[row]) for row in sorted(now.keys() - before.keys())]
    out = []
    for (ts, action, _), values in changed:
        shown = {"action": Action(action), "document": {"ref": ref, "ts": ts}}
        if target.index is not None:
            shown["index"] = {"ref": target.index, "terms": _terms(target.terms), "values": values}
        event = {name: shown[name] for name in fields if name in shown}
        out.append({"type": "set", "txn": txn_ts, "event": event})
    return out


def _history_at(txn: t.Any, key: DocKey, txn_ts: int) -> list[Version]:
    """The document's history as the transaction at `txn_ts` left it, whenever the stream reads it: its
    versions up to then, with the history edits of later transactions undone, newest first (core encodes
    each event as its transaction wrote it). Where a later log lacks the data its edits replaced, the
    history as it is now."""
    versions = [v for v in txn.history(key) if v.ts <= txn_ts]
    later = sorted((v for v in txn.history(history.rewrites_key(key)) if v.ts > txn_ts and v.data), key=lambda v: -v.ts)
    undone: list[Version] | None = versions
    for logged in later:
        undone = _undone(key, undone, logged.data["edits"])
        if undone is None:
            return versions
    return [v for v in undone if v.ts <= txn_ts]


def _undone(key: DocKey, versions: list[Version], edits: list) -> list[Version] | None:
    """The document's history `versions` with `edits` undone, last first; None if one lacks its data."""
    by_ts = {v.ts: v for v in versions}
    for kind, ts, *rest in reversed(edits):
        if kind == "insert" and not rest:
            by_ts.pop(ts, None)
        elif kind == "insert":
            by_ts[ts] = Version(key, ts, rest[0])
        elif len(rest) == 2:
            by_ts[ts] = Version(key, ts, rest[1])
        else:
            return None
    return [by_ts[ts] for ts in sorted(by_ts)]


def _rows(ctx: Context, base: sources.Base, versions: list[Version]) -> dict[tuple, list]:
    """The index rows of a document's history, (valid time, action, sort key) -> values: each entry a
    version puts in (`add`) or takes out (`remove`) against the version before it."""
    rows: dict[tuple, list] = {}
    prev: dict[bytes, list] = {}
    for version in versions:
        curr = _set_entries(ctx, base, version)
        rows.update({(version.ts, "remove", sort): values for sort, values in prev.items() if sort not in curr})
        rows.update({(version.ts, "add", sort): values for sort, values in curr.items() if sort not in prev})
        prev = curr
    return rows


def _before(versions: list[Version], version: Version) -> Version | None:
    earlier = [v for v in versions if v.ts < version.ts]
    return earlier[-1] if earlier else None


def _event(kind: str, txn_ts: int, event: dict) -> dict:
    return {"type": kind, "txn": txn_ts, "event": event}


def _v4_target(ctx: Context, value: t.Any) -> V4Target:
    """The streamable value of a v4 expression: a document ref or version, a Match or Documents set."""
    if isinstance(value, dict) and isinstance(value.get("ref"), Ref) and "ts" in value:
        value = value["ref"]
    if isinstance(value, Ref) and value.collection is not None and value.kind is None:
        return V4Target(Single(doc_key(ctx, value)))
    if isinstance(value, SetRef) and value.kind == "match":
        index = indexes.definition(ctx, value["match"], "match")
        terms = value.get("terms")
        return V4Target(IndexRows(index, terms_key(cursor_of(terms)) if terms is not None else b""), index.ref, terms)
    if isinstance(value, SetRef) and value.kind == "documents" and isinstance(value["documents"], Ref):
        coll = value["documents"]
        if coll.collection is not None:
            key = doc_key(ctx, Ref("0", coll), "documents")
            return V4Target(Documents(key.scope, key.coll))
    raise InvalidArgument(f"Expected a Document Ref or Version, or a Set Ref, got {type_name(value)}.")


def _readable(ctx: Context, key: DocKey) -> bool:
    return access.allowed(ctx, "read", key, (ref_of(ctx, key),))


def _version_events(ctx: Context, fields: tuple, prev: Version | None, curr: Version) -> list[dict]:
    """Core's EventEncoder for a new version: action, document, diff and prev, as asked."""
    if not _readable(ctx, curr.key):
        return []
    return [_version_event(ctx, fields, prev, curr)]


def _version_event(ctx: Context, fields: tuple, prev: Version | None, curr: Version, rewrite: int = 0) -> dict:
    """A `version` event, or a `history_rewrite` one of the transaction at `rewrite` (a version it added
    at an earlier valid time, or one whose prev it changed)."""
    ref = ref_of(ctx, curr.key)
    before = prev.data if prev is not None and prev.data is not None else None
    head = {"ref": ref, "ts": curr.ts}
    if curr.data is None:
        # A deletion shows the data it removed, and an empty diff.
        action, document, diff = "delete", {**head, **(before or {})}, head
    else:
        action = "create" if before is None else "update"
        document, diff = {**head, **curr.data}, {**head, **_diff(before or {}, curr.data)}
    # The previous data keeps its own time (core merges it, `ts` included, over the event's ref and ts).
    prior = {**head, "ts": prev.ts, **before} if before is not None else head
    shown = {"action": Action(action), "document": document, "diff": diff, "prev": prior}
    event = {name: shown[name] for name in fields if name in shown}
    return _event("history_rewrite", rewrite, event) if rewrite else _event("version", curr.ts, event)


def _diff(old: dict, new: dict) -> dict:
    """The fields that changed from `old` to `new`: new values, nested objects diffed, removed ones null."""
    out: dict = {}
    for key, value in new.items():
        if key not in old:
            out[key] = value
        elif isinstance(value, dict) and isinstance(old[key], dict):
            inner = _diff(old[key], value)
            if inner:
                out[key] = inner
        elif encode(value) != encode(old[key]):
            out[key] = value
    out.update({key: None for key in old if key not in new})
    return out


def _set_entries(ctx: Context, base: sources.Base, version: Version | None) -> dict[bytes, list]:
    if version is None or version.data is None:
        return {}
    if isinstance(base, IndexRows):
        return {sort: list(entry.values) for sort, entry in base.entries(ctx, version).items()}
    return {b"": []}


def _set_events(ctx: Context, target: V4Target, fields: tuple, prev: Version | None, curr: Version) -> list[dict]:
    """Core's SetAdd and SetRemove events: the entries a version took out of the set, then those it put in."""
    old, new = _set_entries(ctx, target.base, prev), _set_entries(ctx, target.base, curr)
    changed = [("remove", old[k]) for k in old if k not in new] + [("add", new[k]) for k in new if k not in old]
    if not changed or not _set_readable(ctx, target, curr.key):
        return []
    out = []
    for action, values in changed:
        shown = {"action": Action(action), "document": {"ref": ref_of(ctx, curr.key), "ts": curr.ts}}
        if target.index is not None:
            shown["index"] = {"ref": target.index, "terms": _terms(target.terms), "values": values}
        event = {name: shown[name] for name in fields if name in shown}
        out.append({"type": "set", "txn": curr.ts, "event": event})
    return out


def _terms(terms: t.Any) -> list:
    return [] if terms is None else list(terms) if isinstance(terms, list) else [terms]


def _set_readable(ctx: Context, target: V4Target, key: DocKey) -> bool:
    """Core's EventFilter for set events: the whole index (or collection), else the index and the document."""
    base = target.base
    if isinstance(base, Documents):
        whole = DocKey(base.scope, "#collections", base.coll)
        return access.allowed(ctx, "read_index", whole) or _readable(ctx, key)
    index_key = DocKey(base.index.key.scope, "#indexes", base.index.key.name)
    if access.allowed(ctx, "unrestricted_read", index_key, (target.terms,)):
        return True
    return access.allowed(ctx, "read_index", index_key, (target.terms,)) and _readable(ctx, key)
