"""The FQLError tree: each class is one Fauna error code, with its HTTP status and where it happened."""

from __future__ import annotations

import typing as t
from collections import deque

if t.TYPE_CHECKING:
    from .ast import Span


class FQLError(Exception):
    """Base of every error fql reports to a user; `code` is Fauna's v4 code."""

    v4_code: t.ClassVar[str] = "internal error"
    v10_code: t.ClassVar[str] = "internal_error"
    status: t.ClassVar[int] = 500

    def __init__(
        self,
        description: str,
        *,
        position: t.Iterable[str | int] = (),
        span: Span | None = None,
        failures: list[dict] | None = None,
        cause: list[FQLError] | None = None,
    ):
        super().__init__(description)
        self.description = description
        #: Fauna's v4 position path; grows on the left as the error travels outward.
        self.position: deque[str | int] = deque(position)
        self.span = span
        self.failures = failures
        self.cause = cause
        #: The v10 trace before `span` (innermost first): (the source's name as core shows it, `udf:fn`;
        #: its text; the span in it). A frame whose name and text are None is in the source of whoever
        #: frames the error next (`in_source`), the query's own if none does.
        self.frames: list[tuple[str | None, str | None, Span]] = []
        #: v10 hints shown under the error's first place (core's `hint: Null value created here`):
        #: (message, source name, source text or None for the query's, span), and optionally the text the
        #: hint suggests inserting at the span's start (core's `Use the ! or ?. operator`, shown with `+`).
        self.hints: list[tuple] = []
        #: Core's causes under a v10 type error, after its hints (`cause: `3` is not the value `1``):
        #: (message, span in the query).
        self.causes: list[tuple] = []
        #: The v10 `log()` and `dbg()` lines the caller sees that the failed query made before it failed.
        self.logs: list = []
        #: The v10 check warnings of the query that failed as it ran (its summary shows them first).
        self.warnings: list = []
        #: Further errors core reports with this one in the v4 envelope, in order (core checks some
        #: functions' arguments all at once: `Merge("x", "y")` fails at both `merge` and `with`, Range at
        #: both its bounds, Max and Min at each unresolved ref among their values); they travel outward with it, taking the same position prefix.
        self.siblings: list[FQLError] = []

    @property
    def code(self) -> str:
        return self.v4_code

    def in_source(self, name: str, text: str) -> FQLError:
        """The error leaves stored source `name` (text `text`): its frames still unplaced were in it, and
        so is its span, which becomes a frame too; the caller places the error anew. Returns self."""
        self.frames = [(name, text, span) if n is None else (n, s, span) for n, s, span in self.frames]
        if self.span is not None:
            self.frames.append((name, text, self.span))
            self.span = None
        return self

    def framed(self) -> bool:
        """Whether the error has left some stored source already (a frame with a name)."""
        return any(name is not None for name, _, _ in self.frames)

    def with_failures(self, failures: list[dict]) -> FQLError:
        """Attach validation failures (`{field, code, description}`) and return self."""
        self.failures = failures
        return self

    def at(self, *path: str | int) -> FQLError:
        """Prepend `path` to the position and return self (for `raise err.at("add", 1)`)."""
        self.position.extendleft(reversed(path))
        for sibling in self.siblings:
            sibling.at(*path)
        return self

    def to_dict(self) -> dict:
        """The v4 wire rendering of this error (one item of `errors`)."""
        out: dict = {"position": list(self.position), "code": self.code, "description": self.description}
        if self.failures is not None:
            out["failures"] = self.failures
            if isinstance(self, ValidationFailed):
                # Core's Validator.patch answers its failures `.distinct`: the same failure twice (two
                # privileges' string resources, both at `["privileges", "resource"]`) is one.
                out["failures"] = [f for i, f in enumerate(self.failures) if f not in self.failures[:i]]
        if self.cause is not None:
            out["cause"] = [item for c in self.cause for item in c.v4_errors()]
        return out

    def v4_errors(self) -> list[dict]:
        """The items of the v4 envelope's `errors` this error answers: itself, and its siblings if any."""
        return [self.to_dict()] + [item for sibling in self.siblings for item in sibling.v4_errors()]

    def __str__(self) -> str:
        return f"{self.code}: {self.description}"


class ParseError(FQLError):
    """The query text is not valid FQL; carries line, column and the source line with a caret."""

    v4_code, v10_code, status = "invalid expression", "invalid_query", 400

    def __init__(
        self,
        description: str,
        *,
        line: int,
        column: int,
        source_line: str = "",
        annotation: str | None = None,
        marks_span: bool = False,
        parse_hints: tuple[tuple[str, str, int, int, str | None], ...] = (),
        **kw,
    ):
        super().__init__(description, **kw)
        self.line = line
        self.column = column
        self.source_line = source_line
        #: What core's ParseError writes after the carets (`isa` is a keyword), if anything.
        self.annotation = annotation
        #: Whether core's error names the whole span (its own Failure), not one character where its parser
        #: stopped: the summary underlines all of it. An annotation implies it.
        self.marks_span = marks_span or annotation is not None
        #: The further errors core's parser reported with this one (it parses on after some: a duplicate
        #: key, a misplaced wildcard in a type), in order.
        self.more: list[ParseError] = []
        #: Core's hints under the error: (kind, message, start, end, suggested text or None), offsets in the
        #: query; the kind is what the line starts with (`hint`, or `cause` for core's HintType.Cause).
        self.parse_hints = parse_hints
        #: Whether the parser stopped at a token or character its grammar does not allow there (core's
        #: fastparse failing, `Expected ...`), not at an error core's parser reports itself (a keyword as
        #: a name, a duplicate key, a missing return): an FSL function whose body fails so is an invalid
        #: value to core, which reports the function, not the body.
        self.unexpected = False

    @property
    def detail(self) -> str:
        """The description with its annotation, for displays that have no carets to put it after."""
        return f"{self.description}: {self.annotation}" if self.annotation else self.description

    def __str__(self) -> str:
        caret = " " * max(self.column - 1, 0) + "^"
        return f"{self.code}: {self.detail} at line {self.line}, column {self.column}\n{self.source_line}\n{caret}"


class InvalidExpression(FQLError):
    """The expression is well formed text but not a valid FQL form (unknown function, unbound variable)."""

    v4_code, v10_code, status = "invalid expression", "invalid_query", 400


class NotImplementedInFql(FQLError):
    """The form exists in FQL but this implementation does not provide it yet."""

    v4_code, v10_code, status = "not implemented", "not_implemented", 400


class InvalidArgument(FQLError):
    """An argument has the wrong type or value."""

    v4_code, v10_code, status = "invalid argument", "invalid_argument", 400


class InvalidRef(FQLError):
    """A ref names a collection, index or database that does not exist."""

    v4_code, v10_code, status = "invalid ref", "invalid_argument", 400


class InstanceNotFound(FQLError):
    """The document (or schema object, or set) does not exist at the snapshot."""

    v4_code, v10_code, status = "instance not found", "document_not_found", 404


class InstanceAlreadyExists(FQLError):
    """A create names an id or a schema name that is taken."""

    v4_code, v10_code, status = "instance already exists", "document_id_exists", 400


class InstanceNotUnique(FQLError):
    """A write would give two live documents the same tuple in a unique index."""

    v4_code, v10_code, status = "instance not unique", "constraint_failure", 400

    #: A write's failures as a v10 write reports them, one per unique index or constraint it broke (a v4
    #: index by its name, `label`), when an index write raised it.
    unique: list[dict] | None = None


class ValidationFailed(FQLError):
    """A document's fields do not fit what the collection or schema object allows."""

    v4_code, v10_code, status = "validation failed", "constraint_failure", 400


class SchemaValidationFailed(FQLError):
    """A v4 write to a collection whose v10 definition declares fields does not fit them (`label: message`)."""

    v4_code, v10_code, status = "schema validation failed", "constraint_failure", 400


class ValueNotFound(FQLError):
    """Select found nothing at the path and no default was given."""

    v4_code, v10_code, status = "value not found", "invalid_argument", 404


class PermissionDenied(FQLError):
    """The caller's role does not allow the action."""

    v4_code, v10_code, status = "permission denied", "permission_denied", 403


class AuthenticationFailed(FQLError):
    """Login/Identify failed; never says whether the identity exists."""

    v4_code, v10_code, status = "authentication failed", "authentication_failed", 400


class MissingIdentity(FQLError):
    """The caller's secret carries no identity (a key, or the root secret)."""

    v4_code, v10_code, status = "missing identity", "invalid_argument", 400


class InvalidToken(FQLError):
    """The caller's secret has no token document visible from here."""

    v4_code, v10_code, status = "invalid token", "invalid_argument", 400


class CallError(FQLError):
    """A user-defined function failed; `cause` holds the inner errors."""

    v4_code, v10_code, status = "call error", "invalid_argument", 400


#: TransactionAborted's `value` when none was given (v4's Abort), told apart from an aborted null.
_NO_VALUE: t.Any = object()


class TransactionAborted(FQLError):
    """Abort() / abort() was called; the message is the caller's (v10 keeps the aborted value too)."""

    v4_code, v10_code, status = "transaction aborted", "abort", 400

    def __init__(self, description: str, *, value: t.Any = _NO_VALUE, **kw: t.Any):
        super().__init__(description, **kw)
        #: Whether v10 `abort(value)` gave a value (null included: core returns `"abort": null`).
        self.has_value = value is not _NO_VALUE
        #: The value given to v10 `abort(value)`; the v10 error envelope returns it.
        self.value = None if value is _NO_VALUE else value
        #: The aborted query's QueryState, whose reads and compute the v4 metric headers still report.
        self.state: t.Any = None


class QueryRuntimeError(FQLError):
    """A v10 runtime failure with its own code (`type_mismatch`, `invalid_null_access`, `divide_by_zero`...).

    v4 has no such codes; seen from v4 these are `invalid argument`.
    """

    v4_code, v10_code, status = "invalid argument", "invalid_argument", 400

    def __init__(self, code: str, description: str, **kw: t.Any):
        super().__init__(description, **kw)
        self.v10_code = code


class CheckConstraintFailed(QueryRuntimeError):
    """A write of a document that fails its collection's check constraints: v10's `constraint_failure`
    with a failure per check; v4 answers `check constraint failure` with the first check's message, and
    its envelope has an error per failed check (core's CheckConstraintEvalError each)."""

    v4_code = "check constraint failure"

    def __init__(self, description: str, failures: list[dict]):
        super().__init__("constraint_failure", description, failures=failures)

    def to_dict(self) -> dict:
        return {"position": list(self.position), "code": self.v4_code, "description": self.failures[0]["description"]}

    def v4_errors(self) -> list[dict]:
        position = list(self.position)
        return [{"position": position, "code": self.v4_code, "description": f["description"]} for f in self.failures]


class QueryCheckError(FQLError):
    """A v10 query that cannot run as written (unbound variable, wrong arity, a type error): `invalid_query`.
    `more` holds the other errors found with it (core's QueryCheckFailure reports them all)."""

    v4_code, v10_code, status = "invalid expression", "invalid_query", 400

    def __init__(self, description: str, **kw: t.Any):
        super().__init__(description, **kw)
        self.more: list[QueryCheckError] = []

    @property
    def checks(self) -> list[QueryCheckError]:
        """This error and the others found with it, in source order."""
        return [self, *self.more]


class StackOverflow(FQLError):
    """Calls nested deeper than Fauna allows."""

    v4_code, v10_code, status = "stack overflow", "stack_overflow", 400

    #: Set once the error has left a user function's body: as core's FunctionStackOverflowError, it is
    #: not wrapped in `call error` by the calls around it, and its position stays where the lambda that
    #: overflowed was applied, in the innermost function's body.
    sealed: bool = False

    def at(self, *path: str | int) -> FQLError:
        return self if self.sealed else super().at(*path)


class InvalidObjectInContainer(FQLError):
    """A collection, index or user function created in a container database, which holds only databases,
    keys, roles and access providers."""

    v4_code, v10_code, status = "invalid object in container", "invalid_request", 400


class MoveDatabaseError(FQLError):
    """MoveDatabase cannot move this database there (into itself or a descendant, ...)."""

    v4_code, v10_code, status = "move database error", "invalid_request", 400


class InvalidWriteTime(FQLError):
    """A history write names a time fql cannot write at."""

    v4_code, v10_code, status = "invalid write time", "invalid_write_time", 400


class StoreUnavailable(FQLError):
    """The database URL names a store fql cannot open or reach (a SQLite file in a missing directory, a
    PostgreSQL server that refuses the connection): the user's to fix, not a bug in fql."""

    v4_code, v10_code, status = "unavailable", "service_unavailable", 503


class Unauthorized(FQLError):
    """The secret is missing, unknown, expired or revoked."""

    v4_code, v10_code, status = "unauthorized", "unauthorized", 401


class QueryTimeout(FQLError):
    """The query ran past a time limit its client set (X-Query-Timeout / X-Query-Timeout-Ms) within a second
    of the request: core's "aggressive deadline", 440. Nothing it wrote is kept."""

    v4_code, v10_code, status = "processing time limit exceeded", "time_out", 440


class ServiceTimeout(FQLError):
    """The query ran past its time limit a second or more after the request came: 503, as core answers a
    deadline that is not an aggressive one. Nothing it wrote is kept."""

    v4_code, v10_code, status = "time out", "time_out", 503


class IndexEntriesTooLarge(FQLError):
    """A document whose index entries would be larger than a transaction may be (an "index bomb", core's
    VersionIndexEntriesTooLargeException): its write, or the build of the index over it, fails."""

    v4_code, v10_code, status = "bad request", "invalid_request", 400


class VersionTooLarge(FQLError):
    """A document version larger than core's storage writes (VersionTooLargeException, 8 MiB encoded)."""

    v4_code, v10_code, status = "bad request", "invalid_request", 400


class TooMuchCompute(FQLError):
    """The transaction counted more compute than core allows one (TxnTooManyComputeOpsException, 12,000
    billed ops): fatal, as core's is, so no handler a query reaches turns it into a value."""

    v4_code, v10_code, status = "bad request", "invalid_request", 400


class ReadBelowMVT(FQLError):
    """A read at a valid time older than its collection keeps history for (core's ReadValidTimeBelowMVT,
    answered by its ExceptionResponseHelpers as a bad request)."""

    v4_code, v10_code, status = "bad request", "invalid_request", 400


class ContendedTransaction(FQLError):
    """The backend could not serialize the transaction within its retry bound."""

    v4_code, v10_code, status = "contended transaction", "contended_transaction", 409


#: The errors core does not answer as a query's failure but as a protocol error, the error alone (its
#: ExceptionResponseHelpers): time-outs, the storage limits a write runs into, and contention.
PROTOCOL_FAILURES = (
    QueryTimeout,
    ServiceTimeout,
    IndexEntriesTooLarge,
    VersionTooLarge,
    TooMuchCompute,
    ReadBelowMVT,
    ContendedTransaction,
)


#: Core's AggressiveTimeout (seconds): a query that times out sooner was given too short a deadline.
AGGRESSIVE_TIMEOUT = 1.0


def timed_out(limit: float) -> FQLError:
    """The error of a query that ran past its time limit of `limit` seconds, in core's words.

    Core's deadline fires when the limit passes, and it judges by the time elapsed then, which is the
    limit; fql notices at its next check, so it judges by the limit too."""
    if limit < AGGRESSIVE_TIMEOUT:
        needs, within = int(AGGRESSIVE_TIMEOUT * 1000), round(limit * 1000)
        return QueryTimeout(f"Client set aggressive deadline: query needs {needs}, timed out within {within}")
    return ServiceTimeout(EVAL_TIMED_OUT)


#: How core words a query whose evaluation ran past its deadline: QueryEvalContext's TimeoutException
#: ("Query eval has timed out."), as ExceptionResponseHelpers words a TimeoutException with a message.
EVAL_TIMED_OUT = "Read timed out (Query eval has timed out.)"


class SchemaVersionError(FQLError):
    """A database was written by a newer fql than this one, or by an older one in a layout this one cannot read."""

    v4_code, v10_code, status = "internal error", "internal_error", 500
