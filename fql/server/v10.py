"""FQL v10 over HTTP (`POST /query/1`): the request envelope, template splicing, the answer envelope."""

from __future__ import annotations

import json
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
from ..eval.v10.misc import visible_logs
from ..repl.printer import log_summary, summary as error_summary, utf16
from ..wire.v10 import from_tagged, to_decorated, to_simple, to_tagged
from .headers import boolean, compute_ops, contention_retries, elapsed_ms, param, parse_tags, timeout, timestamp
from .protocol import ProtocolError, Response, bad_header, json_bytes

if t.TYPE_CHECKING:
    from ..database import Database

#: The X-Format values and how each writes `data` (and an abort's value); `arguments` are read as simple
#: JSON in the simple format, else as tagged (core reads decorated arguments as tagged).
ENCODERS: dict[str, t.Callable[[t.Any], t.Any]] = {"simple": to_simple, "tagged": to_tagged, "decorated": to_decorated}
#: The X-Query-Timeout-Ms of a request without one (the Python driver sends 5000 by default).
DEFAULT_TIMEOUT_MS = 5000


class V10Error(ProtocolError):
    """A v10 protocol error with its own code (`invalid_request`, `unauthorized`, ...)."""

    def __init__(self, status: int, code: str, message: str, **kw: t.Any):
        super().__init__(status, message, **kw)
        self.code = code

    def v10_body(self) -> dict:
        return {"error": {"code": self.code, "message": self.description}}


def _invalid(message: str) -> V10Error:
    return V10Error(400, "invalid_request", message)


def read_headers(headers: dict[str, str]) -> dict:
    """The v10 request headers, validated in core's order and words (a bad one is 400 `invalid_request`,
    `Invalid header 'name': ...`)."""
    try:
        param(headers, "x-last-txn-ts", timestamp)  # every query already sees every committed one
        timeout_ms = param(headers, "x-query-timeout-ms", timeout) or DEFAULT_TIMEOUT_MS
        max_retries = param(headers, "x-max-contention-retries", contention_retries)
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
        "tags": _tags(headers.get("x-query-tags")),
        "typecheck": typecheck is True,
        # Static checks as the header says; without it, as the database's `typechecked` setting says
        # (core's default for a database is typechecked).
        "checks": typecheck,
        "performance_hints": hints is True,
    }


def _tags(text: str | None) -> str | None:
    try:
        pairs = parse_tags(text)
    except ValueError as err:
        raise _invalid(f"Invalid header 'x-query-tags': {err}") from None
    return ",".join(f"{k}={v}" for k, v in pairs) or None


def splice(query: t.Any, values: list) -> str:
    """The source text of a query template: text parts joined, each `value` part a fresh variable.

    Nested `fql` parts are inlined as text (so a `let` in one is seen by the text after it), as core does;
    inside fauna-js's `object`/`array` fragments they are wrapped in parentheses.
    """
    if isinstance(query, str):
        return query
    if isinstance(query, dict) and isinstance(query.get("fql"), list):
        return "".join(_part(p, values) for p in query["fql"])
    raise _invalid("Invalid request body: `query` must be a string or an `fql` template.")


def _part(part: t.Any, values: list) -> str:
    if isinstance(part, str):
        return part
    if isinstance(part, dict) and "value" in part and len(part) == 1:
        values.append(part["value"])
        return f"__fql_value_{len(values) - 1}"
    if isinstance(part, dict) and "fql" in part:
        return splice(part, values)
    if isinstance(part, dict) and isinstance(part.get("object"), dict):
        fields = ", ".join(f"{json.dumps(k)}: ({_part(v, values)})" for k, v in part["object"].items())
        return "{ " + fields + " }" if fields else "{}"
    if isinstance(part, dict) and isinstance(part.get("array"), list):
        return "[" + ", ".join(f"({_part(v, values)})" for v in part["array"]) + "]"
    raise _invalid("Invalid request body: unknown template fragment.")


def static_type(node: ast.Node) -> str | None:
    """The displayed static type of the simplest queries: a literal, or an if/else of literals."""
    body = node.body if isinstance(node, ast.Program) else (node,)
    if len(body) != 1:
        return None
    return _literal_type(body[0])


def _literal_type(node: ast.Node) -> str | None:
    if isinstance(node, ast.Block) and len(node.body) == 1:
        # `if (c) { 42 } else { 41 }`: a block of one expression has that expression's type.
        return _literal_type(node.body[0])
    if isinstance(node, ast.Literal):
        value = node.value
        if value is None:
            return "Null"
        if isinstance(value, (bool, int)) and not isinstance(value, float):
            return json.dumps(value)
        if isinstance(value, float):
            return "Double"
        return json.dumps(value)
    if isinstance(node, ast.IfElse):
        then = _literal_type(node.then)
        other = _literal_type(node.otherwise) if node.otherwise is not None else "Null"
        if then and other:
            return then if then == other else f"{then} | {other}"
    return None


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


def _environment(arguments: dict, values: list, *, tagged: bool) -> dict:
    """The query's variables: its `arguments` (decoded from the tagged format unless simple) and the values
    spliced out of its template."""
    try:
        env = {name: from_tagged(v) for name, v in arguments.items()} if tagged else dict(arguments)
        for i, value in enumerate(values):
            env[f"__fql_value_{i}"] = from_tagged(value)
    except FQLError as err:
        raise _invalid(err.description) from None
    return env


def query(
    db: Database, body: t.Any, secret: str, headers: dict[str, str], now_ts: int, started: float | None = None
) -> Response:
    """Run one v10 request (in a worker thread) and build its answer; `started` is when the request came
    (time.monotonic()), where its time limit and `query_time_ms` count from."""
    started = time.monotonic() if started is None else started
    info = read_headers(headers)
    if not isinstance(body, dict) or "query" not in body:
        # Core's decoder fails on the body's shape without naming the field.
        raise _invalid("Invalid request body")
    values: list = []
    source = splice(body["query"], values)
    arguments = body.get("arguments") or {}
    if not isinstance(arguments, dict):
        raise _invalid("Invalid request body: `arguments` must be an object.")
    env = _environment(arguments, values, tagged=info["format"] != "simple") if arguments or values else None
    envelope: dict = {}
    if info["tags"]:
        envelope["query_tags"] = info["tags"]
    encode = ENCODERS[info["format"]]
    try:
        program = parse(source, "v10")
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
        return _failure(err, source, started, envelope, now_ts, encode, _schema_version(db, secret))
    out = {"data": encode(result)}
    if info["typecheck"]:
        shown = static_type(program)
        if shown is not None:
            out["static_type"] = shown
    out.update(
        summary="\n\n".join(log_summary(line, source) for line in visible_logs(state)),
        txn_ts=state.ts,
        stats=_stats(started, state),
        schema_version=state.schema_version,
        **envelope,
    )
    return Response(200, json_bytes(out), ts=state.ts)


def _unauthorized() -> V10Error:
    return V10Error(401, "unauthorized", "Access token required", headers=[("www-authenticate", "Bearer")])


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
        error["message"] = "The query failed 1 validation check"
    if isinstance(err, TransactionAborted) and code == "abort":
        error["message"] = "Query aborted."
        error["abort"] = encode(err.value if err.has_value else err.description)
    if err.failures:
        error["constraint_failures"] = [
            {"paths": f["paths"] if "paths" in f else [f.get("field", [])], "message": f.get("description", "")}
            for f in err.failures
        ]
    text = _parse_summary(err, source) if isinstance(err, ParseError) else error_summary(err, source)
    # The lines the query logged before it failed follow the error (FQL2LoggingSpec).
    text = "\n\n".join([text, *(log_summary(line, source) for line in err.logs)])
    # Core commits the compute and reads of a query that called abort() (State.commitReads), of no other
    # failed one.
    state = err.state if isinstance(err, TransactionAborted) else None
    out = {"error": error, "summary": text, "txn_ts": now_ts, "stats": _stats(started, state, wrote=False)}
    out.update(schema_version=schema_version, **envelope)
    return Response(440 if code == "time_out" else 400, json_bytes(out))


#: fql's words for a query whose first token cannot begin one, where core's parser, finding no statement
#: where the query starts, says QueryErrorSpec's `Unexpected end of query. Expected statement or
#: expression` (an empty query, `##`; the .NET driver's tests: `"bad query`, an unterminated string).
_NO_FIRST_STATEMENT = ("Unterminated string", "Unexpected character ", "Unexpected end of input, expected expression or statement")


def _parse_summary(err: ParseError, source: str) -> str:
    """A parse error rendered as core renders its ParseError, an `error:` diagnostic (FQL2UserFunctionSpec
    shows one inside a body's constraint failure)."""
    gutter = " " * len(str(err.line))
    column = utf16(err.source_line[: err.column - 1]) + 1  # in UTF-16 units, as core counts
    description = err.description
    if description.startswith(_NO_FIRST_STATEMENT) and _at_start(source, err.line, err.column):
        description = "Unexpected end of query. Expected statement or expression"
    return (
        f"error: {description}\nat *query*:{err.line}:{column}\n{gutter} |\n"
        f"{err.line} | {err.source_line}\n{gutter} | {' ' * (column - 1)}{_parse_underline(err)}\n{gutter} |"
    )


def _at_start(source: str, line: int, column: int) -> bool:
    """Whether (line, column) is where the query's first token is (or its end, when it has none)."""
    lines = source.split("\n")
    for number, text in enumerate(lines, 1):
        if text.strip():
            return (line, column) == (number, len(text) - len(text.lstrip()) + 1)
    return True


def _parse_underline(err: ParseError) -> str:
    """One caret where the parser stopped; an error about a whole token (core's `Invalid identifier`)
    underlines the token and writes its annotation after it."""
    if not err.annotation:
        return "^"
    span = err.span
    width = utf16(err.source_line[span.column - 1 : span.column - 1 + span.end - span.start]) if span else 1
    return f"{'^' * max(width, 1)} {err.annotation}"
