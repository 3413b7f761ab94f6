"""FQL v10 over HTTP (`POST /query/1`): the request envelope, template splicing, the answer envelope."""

from __future__ import annotations

import time
import typing as t

from .. import ast
from ..errors import (
    FQLError,
    PROTOCOL_FAILURES,
    ParseError,
    QueryCheckError,
    TransactionAborted,
    Unauthorized,
)
from ..parse import parse
from ..eval.v10.misc import quote, visible_logs
from ..repl.printer import log_summary, summary as error_summary, utf16
from ..parse.v10 import END_OF_QUERY, SIGIL
from ..schema.errors import Diagnostic
from ..wire.v10 import InvalidValue, from_tagged, to_decorated, to_simple, to_tagged
from .body import Deduplicated, EmptyBody, parse as parse_body
from .headers import (
    DEFAULT_QUERY_TIMEOUT,
    boolean,
    compute_ops,
    contention_retries,
    elapsed_ms,
    log_business_metrics,
    param,
    parse_tags,
    timeout,
    timestamp,
)
from .protocol import ProtocolError, Response, bad_header, json_bytes

if t.TYPE_CHECKING:
    from ..database import Database

#: The X-Format values and how each writes `data` (and an abort's value); `arguments` are read as simple
#: JSON in the simple format, else as tagged (core reads decorated arguments as tagged).
ENCODERS: dict[str, t.Callable[[t.Any], t.Any]] = {"simple": to_simple, "tagged": to_tagged, "decorated": to_decorated}


class V10Error(ProtocolError):
    """A v10 protocol error with its own code (`invalid_request`, `unauthorized`, ...)."""

    def __init__(self, status: int, code: str, message: str, *, in_query: bool = False, **kw: t.Any):
        super().__init__(status, message, **kw)
        self.code = code
        #: Whether core answers it from within the query's own work (FQL2Endpoint.exec: a 401, a bad
        #: argument), whose answer echoes the request's tags, unlike one answered before or around it.
        self.in_query = in_query
        #: The `query_tags` the answer echoes.
        self.tags: str | None = None

    def v10_body(self) -> dict:
        body: dict = {"error": {"code": self.code, "message": self.description}}
        if self.tags:
            body["query_tags"] = self.tags
        return body


def _invalid(message: str) -> V10Error:
    return V10Error(400, "invalid_request", message)


def read_headers(headers: dict[str, str]) -> dict:
    """The v10 request headers, validated in core's order and words (a bad one is 400 `invalid_request`,
    `Invalid header 'name': ...`)."""
    try:
        param(headers, "x-last-txn-ts", timestamp)  # every query already sees every committed one
        timeout_ms = param(headers, "x-query-timeout-ms", timeout) or DEFAULT_QUERY_TIMEOUT
        max_retries = param(headers, "x-max-contention-retries", contention_retries)
    except ProtocolError as err:
        raise _invalid(err.description) from None
    # The tags header is read before the endpoint's own (CoreApplication's userTags).
    tags = _tags(headers.get("x-query-tags"))
    try:
        fmt = headers.get("x-format", "simple").strip()
        if fmt not in ENCODERS:
            raise bad_header("x-format", f"Invalid format {fmt}")
        typecheck = param(headers, "x-typecheck", boolean)
        param(headers, "x-linearized", boolean)  # every fql query is strictly serialized already
        hints = param(headers, "x-performance-hints", boolean)
    except ProtocolError as err:
        raise _invalid(err.description) from None
    return {
        "format": fmt,
        "timeout_ms": timeout_ms,
        "max_retries": max_retries,
        "tags": tags,
        # Static checks as the header says; without it, as the database's `typechecked` setting says
        # (core's default for a database is typechecked). A checked query's answer has its `static_type`
        # either way (core's FQLInterpreter.evalQuery: the header, or else isEnvTypechecked).
        "checks": typecheck,
        "performance_hints": hints is True,
    }


def read_body(raw: bytes) -> t.Any:
    """The request's JSON, read after its headers as core's FQL2Endpoint.getRequest reads it: none (an empty
    body) is `No request body provided`; JSON that does not parse is core's parser's complaint (fql names no detail)
    or the nesting limit; an integer past 64 bits no parse error to core, and answered with no detail."""
    if not raw:
        raise V10Error(400, "invalid_request", "No request body provided")
    try:
        return parse_body(raw, mark_repeats=True)
    except EmptyBody:
        # Whitespace alone is a body: json2's JSONParser finds its stream's end where the request's object
        # should start, which is no parse error (NoSuchElementException), so it is answered with no detail.
        raise _invalid("Invalid request body") from None
    except FQLError as err:
        if "beyond 64 bits" in err.description:
            raise _invalid("Invalid request body") from None
        nested = "nesting limit" in err.description
        raise _invalid(f"Invalid request body: {'JSON exceeds nesting limit' if nested else 'not valid JSON.'}") from None


def _tags(text: str | None) -> str | None:
    try:
        pairs = parse_tags(text)
    except ValueError as err:
        raise _invalid(f"Invalid header 'x-query-tags': {err}") from None
    return ",".join(f"{k}={v}" for k, v in pairs) or None


def splice(query: t.Any, values: list) -> str:
    """The source text of a query: a string as it is, or a template (`fql`, `value`, `array`, `object`
    parts) spliced as core's FQL2Query builds it; `values` gets each value part's raw JSON and offset.

    Each `value` is the sigil `\\0value>` in the text (a variable the parser numbers in order). Nested `fql`
    parts are inlined as text (a `let` in one is seen by the text after it); inside an `array` or `object`
    a text or `fql` part is wrapped in parentheses. An `array` or `object` made of values alone is one value.
    """
    if isinstance(query, str):
        return query
    template = _Template(values)
    template.part(query)
    return template.text


#: Core's names for the JSON token a value starts with (its json2 JSONTypes), as its decoder's errors say.
_LABELS: tuple[tuple[type, str], ...] = (
    (bool, "Boolean"), (int, "Integer"), (float, "Double"), (str, "String"), (list, "Array Start"),
    (dict, "Object Start"), (type(None), "Null"),
)
#: What a template part that is an object must be (core's FQL2Query JSONBuilder).
_FRAGMENT = "an object with a single key 'fql', 'value', 'array', or 'object'"


def _label(value: t.Any) -> str:
    return next(name for kind, name in _LABELS if isinstance(value, kind))


def _unexpected(label: str, expected: str | None = None) -> V10Error:
    """Core's JSONUnexpectedTypeException for a body part of the wrong kind: `Invalid request body:
    Unexpected JSON Integer. Expected query template.` (no `Expected` where its decoder names nothing)."""
    return _invalid(f"Invalid request body: Unexpected JSON {label}." + (f" Expected {expected}." if expected else ""))


class _Template:
    def __init__(self, values: list):
        self.text = ""
        self.values = values
        #: Inside an `array` or `object` (its text parts are parenthesised).
        self.in_container = False
        #: Whether the container being read holds query text (else it becomes one value).
        self.hit_query = False

    def part(self, part: t.Any) -> None:
        if isinstance(part, str):
            if "\0" in part:
                raise _invalid("Invalid request body: FQL strings cannot contain NUL characters")
            self.hit_query = True
            self.text += f"({part})" if self.in_container else part
            return
        # Core reads the body as a stream: a part of another kind, an object with no key or another key
        # than these, or a first key's body of the wrong kind, fails as its JSON decoder words it; a second
        # key is refused once the first is read.
        if not isinstance(part, dict):
            raise _unexpected(_label(part), "query template")
        if not part:
            raise _unexpected("Object End")
        kind, body = next(iter(part.items()))
        if kind not in ("fql", "value", "array", "object"):
            raise _unexpected("Object Field Name", _FRAGMENT)
        if kind != "value" and not isinstance(body, dict if kind == "object" else list):
            raise _unexpected(_label(body))
        outer = self.in_container
        if kind == "fql":
            self.in_container = False
            self.text += "(" if outer else ""
            for item in body:
                self.part(item)
            self.text += ")" if outer else ""
        elif kind == "value":
            self.values.append((body, len(self.text)))
            self.text += SIGIL
        elif kind == "array":
            self.in_container = True
            self.container("[", "]", [(None, item) for item in body])
        else:
            if isinstance(body, Deduplicated):
                raise _invalid(f"Invalid request body: Duplicate object field `{body.repeated}`")
            self.in_container = True
            self.container("{ ", " }", list(body.items()))
        self.in_container = outer
        if len(part) > 1:
            raise _unexpected("Object Field Name", _FRAGMENT)

    def container(self, opening: str, closing: str, items: list[tuple[str | None, t.Any]]) -> None:
        """An `array` (keys None) or `object`; one holding no query text is replaced by its value."""
        outer_hit, self.hit_query = self.hit_query, False
        start, first_value = len(self.text), len(self.values)
        self.text += opening
        for i, (key, item) in enumerate(items):
            self.text += ", " if i else ""
            if key is not None:
                self.text += f"{quote(key)}: "
            self.part(item)
        self.text += closing
        if not self.hit_query:
            raw: t.Any = [value for value, _ in self.values[first_value:]]
            if opening == "{ ":
                # Tagged as an object, so that keys starting with `@` stay keys.
                raw = {"@object": {key: value for (key, _), value in zip(items, raw)}}
            self.text = self.text[:start] + SIGIL
            del self.values[first_value:]
            self.values.append((raw, start))
        self.hit_query = self.hit_query or outer_hit


def _stats(started: float, state: t.Any = None, *, wrote: bool = True) -> dict:
    """The answer's `stats`: reads and writes as the query's Meter counted them (fql/storage/meter.py), its
    compute billed per 50 counted (QueryState.compute), and the time since the request arrived in whole
    milliseconds, rounded up. Unless it `wrote` (committed), a query's writes count for nothing."""
    read_ops, bytes_read, write_ops, bytes_written = state.txn.figures() if state is not None else (0, 0, 0, 0)
    if not wrote:
        write_ops = bytes_written = 0
    return {
        "compute_ops": compute_ops(state.compute if state is not None else 0),
        "read_ops": read_ops,
        "write_ops": write_ops,
        "query_time_ms": elapsed_ms(started),
        "contention_retries": state.retries if state is not None else 0,
        "storage_bytes_read": bytes_read,
        "storage_bytes_write": bytes_written,
        "rate_limits_hit": [],
    }


def _environment(arguments: dict, values: list, source: str, *, tagged: bool) -> t.Callable[[t.Any], dict]:
    """The query's variables: its `arguments` (decoded from the tagged format unless simple) and the values
    spliced out of its template (always tagged), as core's FQL2Endpoint and FQL2Query decode them. A bad
    argument is 400 `Invalid argument 'name': ...`; a bad template value is the query's check failure,
    pointed at its `<value>`. Module and document tags are looked up in the caller's database: then the
    variables are made by a function the query calls in its own transaction, once it has authenticated
    (core authenticates first: a bad secret is 401, not a bad argument), so a failure of its template
    values comes after the query's parse errors."""

    def decode(resolve: t.Any, schema_exists: t.Any) -> dict:
        env: dict = {}
        for name, raw in arguments.items():
            try:
                env[name] = from_tagged(raw, resolve, schema_exists) if tagged else _simple(raw)
            except InvalidValue as err:
                raise V10Error(400, "invalid_request", f"Invalid argument '{name}': {err.message}", in_query=True) from None
        for i, (raw, offset) in enumerate(values):
            try:
                env[f"{SIGIL}{i}"] = from_tagged(raw, resolve, schema_exists)
            except InvalidValue as err:
                raise _value_failure(err.message, source, offset) from None
        return env

    # The decoder asks these only for a `@mod`, `@doc` or `@ref` tag.
    from ..eval.refs import live, schema_key
    from ..eval.v10.globals import resolve as resolve_name

    def in_query(ctx: t.Any) -> dict:
        return decode(
            lambda name: resolve_name(ctx, name),
            lambda kind, name: live(ctx, schema_key(ctx, kind, name)) is not None,
        )

    return in_query


def _simple(raw: t.Any) -> t.Any:
    """An argument in the simple format: the JSON as it is (its objects plain dicts)."""
    if isinstance(raw, list):
        return [_simple(v) for v in raw]
    if isinstance(raw, dict):
        return {k: _simple(v) for k, v in raw.items()}
    return raw


def _value_failure(message: str, source: str, offset: int) -> QueryCheckError:
    """A template value core's decoder refuses: a check failure under the value's `<value>` in the text."""
    line = source.count("\n", 0, offset) + 1
    column = offset - (source.rfind("\n", 0, offset) + 1) + 1
    end = offset + len(SIGIL)
    return QueryCheckError(message, span=ast.Span(line, column, offset, end, line, column + len(SIGIL)))


def query(
    db: Database, body: t.Any, secret: str, headers: dict[str, str], now_ts: int, started: float | None = None
) -> Response:
    """Run one v10 request (in a worker thread) and build its answer; `started` is when the request came
    (time.monotonic()), where its time limit and `query_time_ms` count from."""
    started = time.monotonic() if started is None else started
    info = read_headers(headers)
    try:
        return _query(db, body, secret, info, now_ts, started)
    except V10Error as err:
        if err.in_query:
            err.tags = info["tags"]
        raise


def _query(db: Database, body: t.Any, secret: str, info: dict, now_ts: int, started: float) -> Response:
    if isinstance(body, (bytes, bytearray)):
        body = read_body(body)
    if not isinstance(body, dict):
        raise _unexpected(_label(body))
    values: list = []
    for key, part in body.items():
        # Core's record decoder reads the fields in order: `query` (a template), `arguments` (an object, or
        # null); another field, like a missing `query`, fails without a word of why (FQL2RequestBody).
        if key == "query":
            source = splice(part, values)
        elif key == "arguments":
            if part is not None and not isinstance(part, dict):
                raise _unexpected(_label(part), "Object")
        else:
            raise _invalid("Invalid request body")
    if "query" not in body:
        raise _invalid("Invalid request body")
    if secret is None:
        # Core reads the whole request before it looks at who sent it (CoreApplication: a bad header or
        # body is answered whatever the credentials).
        raise _unauthorized()
    arguments = body.get("arguments") or {}
    env = _environment(arguments, values, source, tagged=info["format"] != "simple") if arguments or values else None
    envelope: dict = {}
    if info["tags"]:
        envelope["query_tags"] = info["tags"]
    encode = ENCODERS[info["format"]]
    try:
        try:
            program = parse(source, "v10")
        except FQLError:
            if arguments and info["format"] != "simple":
                # Core decodes the arguments (after authenticating) before it parses the query
                # (FQL2Endpoint.exec): a bad one is answered first.
                db.run_with_state(
                    parse("null", "v10"), secret=secret, syntax="v10", env=_environment(arguments, [], "", tagged=True)
                )
            raise
        result, state = db.run_with_state(
            program,
            secret=secret,
            syntax="v10",
            env=env,
            timeout_ms=info["timeout_ms"],
            meter=True,
            started=started,
            typecheck=info["checks"],
            max_retries=info["max_retries"],
            performance_hints=info["performance_hints"],
        )
    except Unauthorized:
        raise _unauthorized() from None
    except PROTOCOL_FAILURES as err:
        # Core answers a time-out or a storage limit as a protocol error: the error alone.
        raise ProtocolError(err.status, err.description) from None
    except FQLError as err:
        return _failure(err, _shown(source), started, envelope, now_ts, encode, _schema_version(db, secret))
    log_business_metrics(state)
    out = {"data": encode(result)}
    if state.static_type is not None:
        out["static_type"] = state.static_type
    out.update(
        summary="\n\n".join(
            [
                *(error_summary(w, _shown(source), "warning") for w in state.check_warnings),
                *(log_summary(line, _shown(source)) for line in visible_logs(state)),
            ]
        ),
        txn_ts=state.ts,
        stats=_stats(started, state),
        **envelope,
        schema_version=state.schema_version,
    )
    return Response(200, json_bytes(out), ts=state.ts)


def _shown(source: str) -> str:
    """A query's text as its summaries show it: a template value's sigil as `<value>` (core's Span)."""
    return source.replace("\0", "<")


def _unauthorized() -> V10Error:
    return V10Error(
        401, "unauthorized", "Access token required", headers=[("www-authenticate", "Bearer")], in_query=True
    )


def _schema_version(db: Database, secret: str) -> int:
    """The caller's database's schema version, for a failed query's answer (core's FQL2ProtocolSpec: a
    failure carries it too). The failed query rolled back, so an empty query reads it; a secret that
    is no key is 401 here, before a syntax error is (core authenticates before it parses)."""
    try:
        return db.run_with_state(parse("null", "v10"), secret=secret, syntax="v10")[1].schema_version
    except Unauthorized:
        raise _unauthorized() from None


def _failure(
    err: FQLError,
    source: str,
    started: float,
    envelope: dict,
    now_ts: int,
    encode: t.Callable[[t.Any], t.Any],
    schema_version: int,
) -> Response:
    """A failed query: every query failure is 400 (a time-out 440), with the error and its summary."""
    if err.status >= 500:
        raise err
    code = err.v10_code
    error: dict = {"code": code, "message": err.description}
    if isinstance(err, (ParseError, QueryCheckError)):
        # What core's parser or typechecker rejects before running: the summary says what.
        count = len(err.checks) if isinstance(err, QueryCheckError) else 1 + len(err.more)
        error["message"] = f"The query failed {count} validation check{'s' if count > 1 else ''}"
    if isinstance(err, TransactionAborted) and code == "abort":
        error["message"] = "Query aborted."
        error["abort"] = encode(err.value if err.has_value else err.description)
    if err.failures:
        error["constraint_failures"] = [
            {"paths": f["paths"] if "paths" in f else [f.get("field", [])], "message": f.get("description", "")}
            for f in err.failures
        ]
    if isinstance(err, ParseError):
        text = "\n\n".join(_parse_summary(e, source) for e in (err, *err.more))
    elif isinstance(err, QueryCheckError):
        # Each check that failed, as core's QueryCheckFailure renders its errors.
        text = "\n\n".join(error_summary(each, source) for each in err.checks)
    else:
        text = error_summary(err, source)
    # The lines the query logged before it failed follow the error (FQL2LoggingSpec).
    # Core's check warnings come first (FQL2Response: check diagnostics, the errors, then the runtime's).
    warnings = [error_summary(w, source, "warning") for w in err.warnings]
    text = "\n\n".join([*warnings, text, *(log_summary(line, source) for line in err.logs)])
    # Core commits the compute and reads of a query that called abort() (State.commitReads), of no other
    # failed one.
    state = err.state if isinstance(err, TransactionAborted) else None
    out = {"error": error, "summary": text, "txn_ts": now_ts, "stats": _stats(started, state, wrote=False)}
    out.update(**envelope, schema_version=schema_version)
    return Response(440 if code == "time_out" else 400, json_bytes(out))


def _parse_summary(err: ParseError, source: str) -> str:
    """A parse error rendered as core renders its ParseError, an `error:` diagnostic (FQL2UserFunctionSpec
    shows one inside a body's constraint failure)."""
    if err.description == END_OF_QUERY and source[_skipped(source, 0, " \t\r\n") :].startswith(";"):
        err = _past_separators(source)
    line, shown_line, column = _shown_place(err, source)
    gutter = " " * len(str(line))
    source_line = _shown(shown_line)
    column = utf16(shown_line[: column - 1]) + 1  # in UTF-16 units, as core counts
    description = _shown(err.description)
    hints = [
        Diagnostic(message, start, end, suggestion=suggestion).render(source, "*query*", kind, line, "*query*")
        for kind, message, start, end, suggestion in err.parse_hints
    ]
    span = err.span
    if err.marks_span and span is not None and span.end_line > span.line:
        # Over several lines (a `match`): marked with core's bracket.
        head = Diagnostic(description, span.start, span.end).render(source, "*query*")
    else:
        head = (
            f"error: {description}\nat *query*:{line}:{column}\n{gutter} |\n"
            f"{line} | {source_line}".rstrip()  # core strips what a line ends with
            + f"\n{gutter} | {' ' * (column - 1)}{_parse_underline(err)}\n{gutter} |"
        )
    return "\n".join([head, *(_shown(hint) for hint in hints)])


def _shown_place(err: ParseError, source: str) -> tuple[int, str, int]:
    """The line, its text and the column an error is drawn at. Core's renderer draws a span that starts past
    the query's last visible character (the parser stops past the blanks a query ends with) just after that
    character (Span.annotateWithLineColNumber strips the source's trailing whitespace)."""
    trimmed = source.rstrip()
    lines = source.split("\n")
    if sum(len(each) + 1 for each in lines[: err.line - 1]) + err.column - 1 <= len(trimmed):
        return err.line, err.source_line, err.column
    line = trimmed.count("\n") + 1
    shown = trimmed[trimmed.rfind("\n") + 1 :]
    return line, shown, len(shown) + 1


def _skipped(source: str, pos: int, blanks: str) -> int:
    """Past the characters in `blanks` and the comments (block comments nest) from `pos` on."""
    while pos < len(source):
        if source[pos] in blanks:
            pos += 1
        elif source.startswith("//", pos):
            end = source.find("\n", pos)
            pos = len(source) if end < 0 else end
        elif source.startswith("/*", pos):
            depth, pos = 1, pos + 2
            while pos < len(source) and depth:
                if source.startswith("/*", pos):
                    depth, pos = depth + 1, pos + 2
                elif source.startswith("*/", pos):
                    depth, pos = depth - 1, pos + 2
                else:
                    pos += 1
        else:
            break
    return pos


def _past_separators(source: str) -> ParseError:
    """Core's `Unexpected end of query` for a query that starts with `;`: its parser takes the `;`s,
    newlines, spaces and comments there as the separator after no statement, and finds none after them."""
    pos = _skipped(source, 0, " \t\r\n;")
    line = source.count("\n", 0, pos) + 1
    start = source.rfind("\n", 0, pos) + 1
    end = source.find("\n", pos)
    return ParseError(
        END_OF_QUERY,
        line=line,
        column=pos - start + 1,
        source_line=source[start : len(source) if end < 0 else end],
    )


def _parse_underline(err: ParseError) -> str:
    """One caret where the parser stopped; an error about a whole span (core's `Invalid identifier`,
    `Duplicate key`) underlines the span and writes its annotation after it."""
    span = err.span
    if not err.marks_span or span is None:
        return "^"
    width = utf16(err.source_line[span.column - 1 : span.column - 1 + span.end - span.start])
    return "^" * max(width, 1) + (f" {err.annotation}" if err.annotation else "")
