"""Fauna's v4 HTTP headers: the secret and the checked request headers in; X-Txn-Time, tags and metrics out."""

from __future__ import annotations

import binascii
import json
import logging
import random
import math
import re
import threading
import time
import typing as t

from attrs import frozen

from ..auth import jwt
from ..eval.evaluator import BASELINE_COMPUTE
from ..values import Bytes, parse_long
from ..wire.v4 import API_VERSIONS
from .protocol import Headers, ProtocolError, bad_header

log = logging.getLogger("fql.server")

#: Core's bound on X-Query-Timeout, in milliseconds.
MAX_QUERY_TIMEOUT = 600_000
#: The time limit of a query whose request sets none, in milliseconds: core's DefaultQueryTimeout (two
#: minutes, v4 and v10 alike; RequestParams.QueryTimeout and QueryTimeoutMs default to it).
DEFAULT_QUERY_TIMEOUT = 120_000
#: Query tags (core's QueryLogTags): a header of at most this many characters, holding at most this many
#: `key=value` pairs of `[A-Za-z0-9_]` words, keys and values of at most these lengths.
MAX_TAGS_HEADER, MAX_TAGS, MAX_TAG_KEY, MAX_TAG_VALUE = 3000, 25, 40, 80
_TAG_PAIRS = re.compile(r"[A-Za-z0-9_]+=[A-Za-z0-9_]+(?:,[A-Za-z0-9_]+=[A-Za-z0-9_]+)*")
#: What Java's Long.parseUnsignedLong reads in base 16 (a traceparent's ids).
_UNSIGNED_HEX = re.compile(r"\+?[0-9A-Fa-f]+")
#: What separates an Authorization header's scheme from its credentials (core's SplitHeaderPattern).
_SPACES = re.compile(r"[ \t\n\x0b\f\r]+")
#: What Java's String.trim takes off both ends: every character up to the space.
_JAVA_TRIMMED = "".join(map(chr, range(33)))
#: Trace and span ids only need to be unlikely to collide, not unguessable: a fast generator will do.
_ids = random.Random()


def secret(headers: dict[str, str]) -> str | None:
    """The secret of `Authorization: Bearer <secret>` or `Basic base64(<secret>:)`, or None.

    As core's AuthType.fromHeaders reads it: the scheme is `Bearer` or `Basic` spelled just so (`bearer`
    is no secret), parted from its credentials by any run of whitespace."""
    scheme, credentials = (_SPACES.split(headers.get("authorization", "").strip(), maxsplit=1) + [""])[:2]
    if scheme == "Bearer":
        return credentials or None
    if scheme != "Basic":
        return None
    try:
        # Core also drops a colon after the base64 text, which an old Go driver sent (AuthSpec "support
        # buggy go driver"), and trims the decoded text as Java's String.trim does.
        text = java_base64(credentials.removesuffix(":")).decode("utf-8").strip(_JAVA_TRIMMED)
    except ValueError:  # binascii.Error, UnicodeDecodeError, a character past ASCII
        return None
    # Core drops the one trailing colon of `-u secret:`; a scoped `secret:db:role` keeps its own colons.
    text = text.removesuffix(":")
    # A JWT authenticates only as a bearer token: core reads a Basic one as a key's secret, which fails.
    return None if jwt.is_jwt(text) else text or None


def java_base64(text: str) -> bytes:
    """`text` decoded as Java's basic Base64 decoder decodes it (Bytes.from_standard_base64: the padding
    may be left out, but where it is written it must be exact); ValueError otherwise."""
    found = Bytes.from_standard_base64(text)
    if found is None:
        raise binascii.Error("not Java's basic Base64")
    return found.data


@frozen
class V4Headers:
    """What a v4 request's headers ask for, validated as core validates them (bad ones are 400s)."""

    #: X-Query-Timeout in ms, core's two minutes without one.
    timeout_ms: int = DEFAULT_QUERY_TIMEOUT
    #: x-fauna-tags as (key, value) pairs, echoed back; the last of a repeated key wins.
    tags: tuple[tuple[str, str], ...] = ()
    #: X-Last-Seen-Txn in µs. Every query already sees every committed transaction: nothing to wait for.
    last_seen_txn: int | None = None
    #: X-Max-Retries-On-Contention: how many times a query whose snapshot went stale may run again.
    max_retries: int | None = None
    #: X-FaunaDB-API-Version, stripped; None when absent (evaluated as API 4). The query is evaluated at
    #: it (fql/eval/versions.py), and answers to 2.12 and older are rendered as core renders them
    #: (fql/wire/legacy.py).
    api_version: str | None = None


#: The request headers `read_v4` reads: a request with none of them (most) asks for the defaults.
_V4_NAMES = frozenset(
    ("x-faunadb-api-version", "x-query-timeout", "x-fauna-tags", "x-last-seen-txn", "x-max-retries-on-contention")
)


def read_v4(headers: dict[str, str]) -> V4Headers:
    """The v4 headers of a request; raises a 400 `bad request` protocol error for an invalid one. As core's
    TMPEndpoint reads them: the version, X-Last-Seen-Txn, the timeout and the retries first (a bad one is
    answered `bare`), then the tags."""
    if headers.keys().isdisjoint(_V4_NAMES):
        return _V4_DEFAULTS
    try:
        version = api_version(headers)
        last_seen_txn = param(headers, "x-last-seen-txn", timestamp)
        timeout_ms = param(headers, "x-query-timeout", timeout) or DEFAULT_QUERY_TIMEOUT
        max_retries = param(headers, "x-max-retries-on-contention", contention_retries)
    except ProtocolError as err:
        err.bare = True
        raise
    return V4Headers(
        timeout_ms=timeout_ms,
        tags=_v4_tags(headers.get("x-fauna-tags")),
        last_seen_txn=last_seen_txn,
        max_retries=max_retries,
        api_version=version,
    )


def read_v4_stream(headers: dict[str, str]) -> V4Headers:
    """The v4 headers a stream (`POST /stream`) reads: the version (a bad one answered `bare`), then the tags,
    both before the secret, as core's TMPEndpoint and CoreApplication read them. Core reads X-Last-Seen-Txn,
    X-Query-Timeout and X-Max-Retries-On-Contention too and refuses a bad one; fql leaves them unread,
    since faunadb-python's stream sends `X-Last-Seen-Txn: None` from a client that has made no query yet
    (a stream waits for no transaction, and its query reads one snapshot)."""
    if "x-faunadb-api-version" not in headers and "x-fauna-tags" not in headers:
        return _V4_DEFAULTS
    try:
        version = api_version(headers)
    except ProtocolError as err:
        err.bare = True
        raise
    return V4Headers(tags=_v4_tags(headers.get("x-fauna-tags")), api_version=version)


def api_version(headers: dict[str, str]) -> str | None:
    """A v4 request's X-FaunaDB-API-Version, stripped (None when absent); a 400 for one core does not know."""
    asked = headers.get("x-faunadb-api-version")
    version = None if asked is None else asked.strip()
    if version is not None and version not in API_VERSIONS:
        raise bad_header("x-faunadb-api-version", f"Unsupported or invalid API version '{asked}'.")
    return version


_V4_DEFAULTS = V4Headers()


# Request parameters, parsed and refused in the words of core's RequestParams (a ValueError's text).


def param(headers: dict[str, str], name: str, parse: t.Callable[[str], t.Any]) -> t.Any:
    """The header `name` parsed by `parse`, or None when absent; a bad one is core's `Invalid header
    'name': ...` (400)."""
    text = headers.get(name)
    if text is None:
        return None
    try:
        return parse(text.strip())
    except ValueError as err:
        raise bad_header(name, str(err)) from None


def timeout(text: str) -> int:
    """X-Query-Timeout / X-Query-Timeout-Ms in ms."""
    millis = parse_long(text)
    if millis is None:
        raise ValueError(f"Invalid number '{text}'.")
    if millis <= 0:
        raise ValueError("Must be greater than 0.")
    if millis > MAX_QUERY_TIMEOUT:
        raise ValueError(f"Must be less than or equal to {MAX_QUERY_TIMEOUT}.")
    return millis


def timestamp(text: str) -> int:
    """X-Last-Seen-Txn / X-Last-Txn-Ts in µs."""
    micros = parse_long(text)
    if micros is None:
        raise ValueError(f"Invalid timestamp '{text}'.")
    return micros


def contention_retries(text: str) -> int:
    """X-Max-Retries-On-Contention / X-Max-Contention-Retries."""
    retries = parse_long(text)
    if retries is None or not -(2**31) <= retries < 2**31:
        raise ValueError(f"Invalid number '{text}'.")
    if not 0 <= retries <= 7:
        raise ValueError("Must be between 0 and 7.")
    return retries


def boolean(text: str) -> bool:
    """X-Typecheck, X-Linearized, X-Performance-Hints: Scala's toBooleanOption (any case)."""
    if text.lower() not in ("true", "false"):
        raise ValueError("Must be a boolean value.")
    return text.lower() == "true"


def _v4_tags(text: str | None) -> tuple[tuple[str, str], ...]:
    try:
        return parse_tags(text)
    except ValueError as err:
        # Refused through core's recover, as a failure is: laid out pretty (Response.recovered).
        failure = bad_header("x-fauna-tags", str(err))
        failure.recovered = True
        raise failure from None


def parse_tags(text: str | None) -> tuple[tuple[str, str], ...]:
    """The pairs of a tags header (`x-fauna-tags` in v4, `x-query-tags` in v10), checked as core checks
    them; ValueError with core's words (`invalid tags`, `too many tags`, `invalid key`, ...) if bad.

    Core folds the pairs from the right into an insertion-ordered map, so they come back last first:
    `a=1,b=2` is echoed `b=2,a=1`."""
    if text is None or not text.strip():
        return ()
    text = text.strip()
    if len(text) > MAX_TAGS_HEADER:
        raise ValueError("header is too long")
    if not _TAG_PAIRS.fullmatch(text):
        raise ValueError("invalid tags")
    pairs = [tuple(pair.split("=")) for pair in text.split(",")]
    if len(pairs) > MAX_TAGS:
        raise ValueError("too many tags")
    # Core folds from the right: a problem in a later pair is reported first.
    seen: set[str] = set()
    for key, value in reversed(pairs):
        if len(key) > MAX_TAG_KEY:
            raise ValueError("invalid key")
        if len(value) > MAX_TAG_VALUE:
            raise ValueError("invalid value")
        if key in seen:
            raise ValueError("duplicate key")
        seen.add(key)
    return tuple(reversed(pairs))


def wants_pretty(headers: dict[str, str]) -> bool:
    """Whether a v4 answer is laid out pretty for the client (core's shouldRenderPretty): curl, HTTPie, or
    any client sending X-FaunaDB-Formatted-JSON."""
    agent = headers.get("user-agent", "")
    return "curl" in agent or "HTTPie" in agent or "x-faunadb-formatted-json" in headers


def traceparent(text: str | None) -> str:
    """The traceparent of our answer: the caller's trace id with a new span id, or a new trace.

    A caller's is read as core's TraceContext.fromHTTPHeader reads it: 55 characters, the trace id at 3 and
    the span id at 36 read as Java's Long.parseUnsignedLong reads 16 hex digits each (any case, a leading
    `+`), neither all zero; the version and the dashes between are not looked at. The trace id comes back
    in lower case. The flags always say "not sampled": core keeps a caller's flags only with its configured
    `x-trace-secret`, and fql traces nothing (TracingSpec)."""
    ids = f"{_ids.getrandbits(192):048x}"  # a trace id and a span id, drawn at once
    trace = _trace_id(text.strip()) if text else None
    return f"00-{trace or ids[16:]}-{ids[:16]}-00"


def _trace_id(text: str) -> str | None:
    if len(text) != 55 or any(ord(c) > 0xFF for c in text[53:]):
        return None
    high, low, span = (_unsigned_hex(text[at : at + 16]) for at in (3, 19, 36))
    if high is None or low is None or span is None or not high | low or not span:
        return None
    return f"{high:016x}{low:016x}"


def _unsigned_hex(text: str) -> int | None:
    return int(text, 16) if _UNSIGNED_HEX.fullmatch(text) else None


#: What a CORS preflight allows (core's CoreApplication): every header a driver sends, every method.
CORS_ALLOW_HEADERS = (
    "accept-encoding, authorization, content-type, x-driver-env, x-faunadb-api-version, x-fauna-driver, "
    "x-fauna-source, x-fauna-tags, x-format, x-last-seen-txn, x-last-txn-ts, x-linearized, "
    "x-max-contention-retries, x-max-retries-on-contention, x-query-tags, x-query-timeout, "
    "x-query-timeout-ms, x-runtime-environment, x-runtime-environment-os, x-nodejs-version, traceparent, "
    "x-typecheck, x-performance-hints"
)
CORS_ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE"
#: A day, in seconds: how long a browser may keep a preflight's answer.
CORS_MAX_AGE = "86400"


def connection(sent: dict[str, str], version: str) -> Headers:
    """Core's `Connection` answer to an HTTP/1 request (HttpRequestHandler, with Netty's
    HttpUtil.isKeepAlive): `close` where the request's Connection lists `close`, or it is HTTP/1.0 and does
    not list `keep-alive`; `keep-alive` otherwise. HTTP/2 has no such header. (Granian's RSGI names
    HTTP/1.0 "1", ASGI "1.0".)"""
    if not version.startswith("1"):
        return []
    listed = {token.strip().lower() for token in sent.get("connection", "").split(",")}
    keep = "close" not in listed and (version not in ("1", "1.0") or "keep-alive" in listed)
    return [("connection", "keep-alive" if keep else "close")]


def cors(origin: str, sent: Headers, *, preflight: bool = False) -> Headers:
    """The CORS headers of an answer to a request from `origin` whose own headers are `sent`: its `x-`
    headers exposed (core adds the build and host headers later, so they are not), the origin allowed with
    credentials, and for a preflight what may be asked."""
    exposed = ", ".join(name for name, _ in sent if name.startswith("x-"))
    found = [
        ("access-control-expose-headers", exposed),
        ("access-control-allow-origin", origin),
        ("access-control-allow-credentials", "true"),
    ]
    if preflight:
        found += [
            ("access-control-max-age", CORS_MAX_AGE),
            ("access-control-allow-headers", CORS_ALLOW_HEADERS),
            ("access-control-allow-methods", CORS_ALLOW_METHODS),
        ]
    return found


def tags_text(tags: tuple[tuple[str, str], ...]) -> str:
    return ",".join(f"{k}={v}" for k, v in tags)


def compute_ops(counted: int) -> int:
    """Billed compute ops: one per 50 counted, rounded up, and at least one (core's QueryMetrics counts a
    query that counted none as one)."""
    return max(1, -(-counted // BASELINE_COMPUTE))


def metrics(*, query_ms: int, bytes_in: int, bytes_out: int, state: t.Any = None, wrote: bool = True) -> Headers:
    """The metric headers: the compute, reads, writes and reruns of the query behind the answer (`state`,
    run with a Meter: fql/storage/meter.py), or one compute op and nothing else where no query ran to the
    end. Compute is billed per 50 counted (core's QueryMetrics.BaselineCompute), at least one op. Unless
    it `wrote` (committed), a query's writes count for nothing."""
    if state is None:
        read_ops = bytes_read = write_ops = bytes_written = retries = compute = 0
    else:
        read_ops, bytes_read, write_ops, bytes_written = state.txn.figures()
        retries, compute = state.retries, state.compute
        if not wrote:
            write_ops = bytes_written = 0
    return [
        ("x-compute-ops", str(compute_ops(compute))),
        ("x-byte-read-ops", str(read_ops)),
        ("x-byte-write-ops", str(write_ops)),
        ("x-query-time", str(query_ms)),
        ("x-query-bytes-in", str(bytes_in)),
        ("x-query-bytes-out", str(bytes_out)),
        ("x-storage-bytes-read", str(bytes_read)),
        ("x-storage-bytes-write", str(bytes_written)),
        ("x-txn-retries", str(retries)),
    ]


def log_business_metrics(state: t.Any) -> None:
    """At debug level, a committed query's creates, updates and deletes by kind (Meter.business_metrics:
    the `business_metrics` core writes to its query log; no answer carries them)."""
    if log.isEnabledFor(logging.DEBUG):
        log.debug("business metrics: %s", json.dumps(state.txn.business_metrics(), separators=(",", ":")))


def legacy_ops(metric_headers: Headers) -> Headers:
    """`x-read-ops` and `x-write-ops`, which Fauna's service sent on v4 answers besides core's metric
    headers (a 2023 answer carries both; faunadb-jvm's, -js's and -go's suites assert them). Core's own
    server does not send them, so they come after the CORS headers, unexposed, like the build. Since
    the 2020 billing change their ops are the byte ops; here they repeat `x-byte-read-ops` and
    `x-byte-write-ops` (of `metric_headers`, what `metrics()` made)."""
    named = dict(metric_headers)
    return [("x-read-ops", named["x-byte-read-ops"]), ("x-write-ops", named["x-byte-write-ops"])]


def elapsed_ms(started: float) -> int:
    """Milliseconds since `started` (time.monotonic()), rounded up: a query that took any time took
    at least 1 ms in Fauna's whole-millisecond figures (x-query-time, `query_time_ms`)."""
    return math.ceil((time.monotonic() - started) * 1000)


class TxnClock:
    """X-Txn-Time: a query's own transaction time (core's ResponseInfo.txnTime), else the clock's time,
    past every time this server answered before."""

    def __init__(self) -> None:
        self.last = 0
        self._lock = threading.Lock()

    def stamp(self, ts: int | None = None) -> int:
        """The time for a response: `ts` (a query's) as it is, even below a time answered before (another
        query's, which committed while this one ran, or a ping's meanwhile; the writes of many servers on
        one store are ordered by their own times), or now, moved past every time answered before."""
        with self._lock:
            if ts is not None:
                self.last = max(self.last, ts)
                return ts
            self.last = max(self.last + 1, time.time_ns() // 1000)
            return self.last
