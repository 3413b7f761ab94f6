"""The evaluator: walks ast nodes top-down in a Context, calling built-ins from the registry."""

from __future__ import annotations

import contextlib
import functools
import time
import typing as t

from attrs import define, field

from .. import ast
from ..auth.access import Auth
from ..errors import (
    PROTOCOL_FAILURES,
    FQLError,
    InvalidArgument,
    InvalidExpression,
    NotImplementedInFql,
    StackOverflow,
    TooMuchCompute,
    timed_out,
)
from ..storage.base import Transaction
from ..storage.meter import Meter
from ..values import Lambda, Timestamp, type_name
from . import effects, registry, versions

#: Fauna's limit on nested calls (user functions, lambdas).
MAX_DEPTH = 200
#: Compute counted per billed compute op (core's QueryMetrics.BaselineCompute).
BASELINE_COMPUTE = 50
#: The most billed compute ops one transaction may do (core's State.computeOpsLimit, 12,000 by default).
COMPUTE_OPS_LIMIT = 12_000


@define
class QueryState:
    """Everything one query shares: its transaction, its time, who runs it, and caches."""

    txn: Transaction
    auth: Auth = field(factory=Auth)
    #: The Database running the query: its password hasher and root secret.
    db: t.Any = None
    depth: int = 0
    #: Per-query caches owned by family modules (schema lookups, index lists).
    cache: dict = field(factory=dict)
    #: True once the query created a document (the v4 server answers 201 then).
    created: bool = False
    #: The documents this query wrote, each with the count of writes at its last one (`write_gen`): a v10
    #: document value read before that is read again where it is used, as core's documents are
    #: references (`let d = X.create({}); d.update({ a: 1 }); d.a` is 1).
    written: dict = field(factory=dict)
    write_gen: int = 0
    #: How many named schema documents this query made (documents.made_key): core's ids, in order.
    made: int = 0
    #: (scope, collection) pairs this query wrote documents of, and whose existing definition it changed:
    #: both in one query is core's `invalid_write`.
    wrote_documents: set = field(factory=set)
    changed_definitions: set = field(factory=set)
    #: Those of `changed_definitions` this query deleted: their documents go with them, which is no write
    #: of the query's own.
    deleted_definitions: set = field(factory=set)
    #: The collections this query renamed, (scope, name it began with) -> name it has now: the query's own
    #: text still names each by the name it began with (core resolves it in the schema as the query began).
    renamed_definitions: dict = field(factory=dict)
    #: True while fql evaluates on its own behalf (role predicates): no permission checks.
    unchecked: bool = False
    #: While a role predicate runs, the Auth it runs as (a function with a role it calls runs as another).
    predicate_auth: Auth | None = None
    #: True while Login or Identify take the first element of their set: core checks the set as any read
    #: of it (setForRead) but takes its head (snapshotHead) without the per-document read filter of a
    #: Paginate, so a role that may only read an index logs its documents in.
    unfiltered: bool = False
    #: The time (µs) reads see inside v4 `At(ts, ...)` and v10 `at (ts) { ... }` (core's valid time), or
    #: None for now.
    valid_ts: int | None = None
    #: True while a fold (Count, Reduce, ...) reads a set: a set of events is then read whole, whatever
    #: the valid time (core's AbstractFoldFunction reads a history from Event.MinValue to Event.MaxValue).
    whole_history: bool = False
    #: While a set cursor is read, the time (µs) it was made at (core's systemValidTime), or None: reads
    #: that would see the query's own time see this one, and a set made then keeps no time of its own.
    system_ts: int | None = None
    #: Lines logged by v10 `dbg()` and `log()`, for the response's `summary`.
    logs: list = field(factory=list)
    #: Performance hints were asked for (v10's `X-Performance-Hints: true`), and those the query gave.
    performance_hints: bool = False
    hints: list = field(factory=list)
    #: With performance hints, the documents read from an index and the parts of them read so far, by id:
    #: (the value, its v10.hints.IndexRead, its path in the document's data, the node that read it).
    partials: dict = field(factory=dict)
    #: When the query must have finished (time.monotonic()), or None for no limit.
    deadline: float | None = None
    #: When its request came (time.monotonic()), where `deadline` counts from (0.0 without a deadline).
    started: float = 0.0
    #: The query is v10 (FQL 10), not v4.
    v10: bool = False
    #: The v4 API version the query is evaluated at (X-FaunaDB-API-Version; core's EvalContext.apiVers),
    #: and the version of the code running, whose forms it has: the query's, or inside a lambda the
    #: lambda's own (fql/eval/versions.py).
    api_version: str = versions.CURRENT
    form_version: str = versions.CURRENT
    #: Static checks were asked for (v10's default, `X-Typecheck`): an unbound name is `invalid_query`, as
    #: core's typechecker finds it before running; off, it is the runtime error `unbound_variable`.
    typecheck: bool = True
    #: A typechecked v10 query's type as core's typer shows it (its answer's `static_type`), None where fql's
    #: checker (fql/typer) cannot say it.
    static_type: str | None = None
    #: Core's check warnings for it (`Function is not called.`), as QueryCheckErrors to render as warnings.
    check_warnings: list = field(factory=list)
    #: A v10 query's database schema version as it ends (its answer's `schema_version`).
    schema_version: int = 0
    #: How many times the query ran again because its snapshot went stale (v10 `contention_retries`).
    retries: int = 0
    #: Core's compute count. v4 (its EvalContext): one per built-in called, special forms aside (FREE), one
    #: per lambda applied, and one per element a Count, Sum, Mean, Any or All folds. v10 (its FQLInterpreter):
    #: one per native method or operator called and per function applied, one per element toArray or count
    #: reads, one per field an index entry computes. Billed per 50; see `compute`.
    _compute: int = 0
    #: Why the last null a v10 expression made is null (core's Value.Null.Cause), for `!`'s message.
    null_cause: str | None = None
    #: Where that null was made, for core's `hint: Null value created here`: (the source's name, its text
    #: or None for the query's, the span or the v10 node at whose operation it was made), None where
    #: unknown, or MADE_BY_CALL while the native function that returns it is still being called.
    null_origin: t.Any = None
    #: Why each null in a v10 array or object a literal (or Array.map) made is null, and where it was made
    #: (core's nulls keep their cause inside a struct or an array): {id(container): (container, {key:
    #: (cause, origin)})}, the container kept so that its id stays its own while the query runs.
    held_nulls: dict = field(factory=dict)
    #: The v10 chain link whose `?.` last met null, skipping the rest of its chain, and where core points
    #: a `!` right after it: (node, span).
    skipped_at: t.Any = None
    #: The v10 access (`x["k"]`) whose key its struct or document lacked, and that value's dynamic type: a
    #: call of the null it gave names them (core's MissingField cause).
    missing_key: t.Any = None
    #: The arguments of the lambda or function being called and, by position, where each null among them
    #: was made ({index: (cause, origin)}): its parameters keep them (expressions.apply_lambda).
    arg_origins: t.Any = None
    #: Checks to run once a v10 query has run, each with where its write was made (core's post-eval
    #: revalidation hooks: a function may name a role the same query creates after it).
    revalidations: list = field(factory=list)
    #: A schema write of this query left the schema's FQL not typechecked yet (v10/envcheck.py checks it
    #: once the query has run; an FSL push checks it itself).
    schema_unchecked: bool = False
    #: Where in `revalidations` that check is: a later schema write of the query moves its span there
    #: (core merges the query's TypeEnvValidators, the last write's stack trace winning).
    schema_check_at: int | None = None
    #: The v10 user functions running now, innermost last: each (name, source, the Apply node that called
    #: it, in its caller). A set made inside one keeps them, for the errors of its functions run later.
    udf_stack: list = field(factory=list)
    #: The v10 call being made (an Apply node), so that its callee can tell where it was called from.
    call_node: t.Any = None
    #: The v10 query's own text (its spans are offsets into it).
    query_text: str = ""
    #: The stored v10 source fql is running on its own behalf (a check constraint's or computed field's
    #: name as core shows it, `check_constraint:name`, or None for a role predicate; its body; and how many
    #: user functions were running when it began), for the lines it logs; None otherwise.
    log_source: tuple[str | None, str, int] | None = None
    #: The times that stand for this transaction's own time, by id (kept alive here): `TransactionTime()`'s
    #: and the `ts` of the documents this query wrote. Core holds a placeholder for them until commit, which
    #: `dbg()` and `log()` print `TransactionTime()` and `toString()` `[transaction time]`; answers show
    #: the time itself.
    txn_times: dict = field(factory=dict)
    #: While a v4 index binding computes an entry: core emits entries before the transaction has its
    #: time, so `Now()` there is core's unresolved snapshot time, Timestamp.MaxMicros (IndexSpec "indexes
    #: now").
    in_binding: bool = False
    #: How it sees a staged schema (fql/eval/staged.py): `raw` (as stored: v4, fql's own work), `query` (a
    #: v10 query: schema documents read as staged, schema writes joining the staged schema) or `joining`.
    schema_view: str = "raw"
    #: While a query joining a staged schema runs (`joining`): the staged schema, applied in an overlay of
    #: the query's transaction (storage/overlay.py), and that transaction and its own cache; calls on the
    #: schema modules and documents run there (staged.on_staged).
    staged_txn: t.Any = None
    staged_base: t.Any = None
    staged_cache: dict = field(factory=dict)

    @property
    def compute(self) -> int:
        return self._compute

    @compute.setter
    def compute(self, counted: int) -> None:
        # Core fails the transaction as soon as its count passes the limit, with the count and the limit
        # in billed ops (State's Metrics.addCompute, TxnTooManyComputeOpsException).
        limit = COMPUTE_OPS_LIMIT * BASELINE_COMPUTE
        if counted > limit:
            got = -(-counted // BASELINE_COMPUTE)
            raise TooMuchCompute(f"Transaction does too much compute: got {got}, limit: {COMPUTE_OPS_LIMIT}")
        self._compute = counted

    def check_deadline(self) -> None:
        """Fail with `time_out` once the query has run past its limit (checked at every call)."""
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise timed_out(self.deadline - self.started)

    @property
    def ts(self) -> int:
        """The transaction time in µs; every write of this query carries it."""
        return self.txn.ts

    @property
    def now(self) -> Timestamp:
        return Timestamp.from_micros(self.txn.ts)

    def transaction_time(self, value: Timestamp | None = None) -> Timestamp:
        """`value` (or a new time of this transaction), marked as standing for the transaction's time."""
        value = Timestamp.from_micros(self.txn.ts) if value is None else value
        self.txn_times[id(value)] = value
        return value

    def is_transaction_time(self, value: t.Any) -> bool:
        return self.txn_times.get(id(value)) is value

    @property
    def scope(self) -> str:
        return self.auth.scope


class Context:
    """One evaluation frame: the query's state and the variables in scope."""

    __slots__ = ("state", "env")

    def __init__(self, state: QueryState, env: t.Mapping[str, t.Any] | None = None):
        self.state = state
        self.env = env if env is not None else {}

    def bind(self, bindings: t.Mapping[str, t.Any]) -> Context:
        return Context(self.state, {**self.env, **bindings})

    def eval(self, node: ast.Node, *path: str | int) -> t.Any:
        """Evaluate `node`; an error from inside gets `path` prepended to its position."""
        try:
            return evaluate(node, self)
        except FQLError as err:
            raise err.at(*path)

    def apply(self, fn: t.Any, arg: t.Any, *path: str | int) -> t.Any:
        """Call a lambda value with one argument (destructured when its params are a list)."""
        if not isinstance(fn, Lambda):
            raise InvalidArgument(f"Lambda expected, {type_name(fn)} provided.").at(*path)
        state = self.state
        if state.depth >= MAX_DEPTH:
            raise StackOverflow(f"Call stack reached the maximum limit of {MAX_DEPTH}.").at(*path)
        bindings: dict[str, t.Any] = {}
        try:
            bind_params(fn.params, arg, bindings)
        except FQLError as err:
            raise err.at(*path)
        state.depth += 1
        state.compute += 1
        # The body has the forms of the lambda's version (core parses a stored lambda with its own).
        outer = state.form_version
        if fn.api_version != "10":
            state.form_version = fn.api_version
        try:
            return Context(state, {**fn.env, **bindings}).eval(fn.body, *path, "expr")
        finally:
            state.depth -= 1
            state.form_version = outer


#: What `billed` and `unbilled` give where the query is not metered (reusable).
_UNMETERED = contextlib.nullcontext()


def billed(ctx: Context, schema: bool = False) -> t.ContextManager[None]:
    """Bill the reads made within as one read of the query (fql/storage/meter.py), where it is metered;
    `schema` for a v10 read of a schema document itself (Meter.billed)."""
    txn = ctx.state.txn
    return txn.billed(schema) if type(txn) is Meter else _UNMETERED


def unbilled(ctx: Context) -> t.ContextManager[None]:
    """Count the bytes of the reads made within, but no read ops: a write's own (fql/storage/meter.py)."""
    txn = ctx.state.txn
    return txn.unbilled() if type(txn) is Meter else _UNMETERED


def billed_read(fn: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """A built-in whose reads core bills as one (its Get, Exists, Paginate and KeyFromSecret)."""

    @functools.wraps(fn)
    def reading(ctx: Context, *args: t.Any, **kw: t.Any) -> t.Any:
        with billed(ctx):
            return fn(ctx, *args, **kw)

    return reading


def bind_params(params: t.Any, arg: t.Any, out: dict[str, t.Any]) -> None:
    """Bind lambda params to `arg`: a name takes it whole; a list destructures an array."""
    if isinstance(params, str):
        if params != "_":
            out[params] = arg
        return
    if not isinstance(arg, list):
        if len(params) == 1:
            # Core binds a one-name array pattern to a value that is no array (`Lambda(["x"], ...)` called
            # with "hi" has x = "hi").
            bind_params(params[0], arg, out)
            return
        raise InvalidArgument(f"Lambda expects an array with {len(params)} elements. Array contains 1.")
    if len(arg) != len(params):
        raise InvalidArgument(
            f"Lambda expects an array with {len(params)} elements. Array contains {len(arg)}."
        )
    for p, a in zip(params, arg):
        bind_params(p, a, out)


#: A null's origin while the native function that returns it is being called: its call is the origin.
MADE_BY_CALL = ("call",)


def current_source(state: QueryState) -> tuple[str | None, str | None]:
    """The v10 source running now, as core names it (`query`, `udf:name`, `check_constraint:name`,
    `computed_field:Coll:name`), and its text (None for the query's own); (None, None) in a role predicate
    or other code fql does not name."""
    stack, own = state.udf_stack, state.log_source
    if own is not None and own[2] == len(stack):
        # A check constraint, computed field or role predicate is running, and no user function inside it.
        return own[0], own[1]
    if stack:
        return f"udf:{stack[-1][0]}", stack[-1][1]
    if state.unchecked:
        return None, None
    return "query", None


def made_null(state: QueryState, cause: str | None, where: t.Any) -> None:
    """A null was made for `cause` (None: a literal) in the source running, at `where`: a span, or a v10
    node whose operation's span (expressions.op_span) is made only if a hint shows it."""
    state.null_cause = cause
    src, text = current_source(state) if where is not None else (None, None)
    state.null_origin = (src, text, where) if src is not None else None


def null_because(ctx: Context, reason: str | None) -> None:
    """null, noting why (core's Value.Null.Cause): `!` on it says `Null value, due to <reason>` (None: a
    plain null, `Null literal value`). The v10 native function returning it calls this last; its call is
    where the null was made."""
    ctx.state.null_cause = reason
    ctx.state.null_origin = MADE_BY_CALL
    return None


def evaluate(node: ast.Node, ctx: Context) -> t.Any:
    kind = type(node)
    if kind is ast.Literal:
        if node.value is None:
            made_null(ctx.state, None, node)
        return node.value
    if kind is ast.Call:
        return call(node.name, node.args, ctx)
    if kind is ast.Object:
        if ctx.state.v10:
            return _v10_literal(ctx, {}, node.pairs)
        return _object(ctx, node.pairs)
    if kind is ast.Array:
        if ctx.state.v10:
            return _v10_literal(ctx, [], enumerate(node.items))
        return _array(ctx, node.items)
    if kind is ast.Value:
        return node.value
    if kind is ast.Form:
        return call_form(node, ctx)
    if kind is ast.Program:
        result = None
        for expr in node.body:
            result = evaluate(expr, ctx)
        return result
    handler = HANDLERS.get(kind)
    if handler is not None:
        return handler(node, ctx)
    raise InvalidExpression(f"Cannot evaluate {kind.__name__} nodes.")


def _v10_literal(ctx: Context, out: dict | list, entries: t.Iterable[tuple[t.Any, ast.Node]]) -> dict | list:
    """A v10 object or array literal, `out` filled from its (key, node) `entries` in order; why each null
    in it is null, and where it was made, is kept (QueryState.held_nulls) for a read of it later."""
    state = ctx.state
    nulls = None
    for key, node in entries:
        state.null_cause = state.null_origin = None
        value = ctx.eval(node, "object", key) if isinstance(out, dict) else ctx.eval(node, key)
        if isinstance(out, dict):
            out[key] = value
        else:
            out.append(value)
        if value is None:
            nulls = nulls or {}
            nulls[key] = (state.null_cause, state.null_origin)
    hold_nulls(state, out, nulls)
    return out


#: How many containers of nulls a query keeps the causes of (each is kept alive till the query ends); past
#: it, a null read from another says what the last null made said.
MAX_HELD = 10_000


def hold_nulls(state: QueryState, container: dict | list, nulls: dict | None) -> None:
    """`container` holds nulls at the keys of `nulls`, each (why it is null, where it was made): a read of
    one recalls them (recall_null). The state is left saying its last null's, as the last made."""
    if nulls:
        if len(state.held_nulls) < MAX_HELD:
            state.held_nulls[id(container)] = (container, nulls)
        # What reads it without recalling one (a native function's result) meets its last null.
        state.null_cause, state.null_origin = nulls[next(reversed(nulls))]


def recall_null(state: QueryState, container: t.Any, key: t.Any) -> None:
    """The null just read at `key` of `container` is the one a v10 literal or Array.map put there: the
    state says why it is null and where it was made, as when it was (nothing changes for another)."""
    found = held_null(state, container, key)
    if found is not None:
        state.null_cause, state.null_origin = found


def held_null(state: QueryState, container: t.Any, key: t.Any) -> tuple | None:
    """Why the null at `key` of `container` is null and where it was made, if a v10 literal or Array.map
    put it there (hold_nulls); None otherwise."""
    kept = state.held_nulls.get(id(container))
    if kept is None or kept[0] is not container:
        return None
    if isinstance(key, float) and key.is_integer():
        key = int(key)
    if isinstance(container, list) and isinstance(key, int) and key < 0:
        return None
    return kept[1].get(key) if isinstance(key, (str, int)) and not isinstance(key, bool) else None


def _array(ctx: Context, items: tuple[ast.Node, ...]) -> list:
    """A v4 array's elements, every one evaluated; the failures of them all are the answer (evalList)."""
    values: list[t.Any] = []
    failed: list[FQLError] = []
    for i, item in enumerate(items):
        try:
            values.append(evaluate(item, ctx))
        except FQLError as err:
            _gathering(err.at(i), failed)
    if failed:
        raise _joined(failed)
    return values


def _object(ctx: Context, pairs: tuple[tuple[str, ast.Node], ...]) -> dict:
    """A v4 object's fields, every one evaluated; the failures of them all are the answer (evalAlist)."""
    values: dict[str, t.Any] = {}
    failed: list[FQLError] = []
    for key, node in pairs:
        try:
            values[key] = evaluate(node, ctx)
        except FQLError as err:
            _gathering(err.at("object", key), failed)
    if failed:
        raise _joined(failed)
    return values


def gather(steps: t.Iterable[t.Callable[[], t.Any]]) -> list:
    """The results of `steps`, each run in order: one that fails does not stop the others, and the answer
    is then the failures of them all (core's accumulating sequences of Eithers)."""
    values: list[t.Any] = []
    failed: list[FQLError] = []
    for step in steps:
        try:
            values.append(step())
        except FQLError as err:
            _gathering(err, failed)
    if failed:
        raise _joined(failed)
    return values


def _gathering(err: FQLError, failed: list[FQLError]) -> None:
    """Add `err` to the failures gathered, or raise it if core throws it rather than gathering it."""
    if not _gathers(err):
        raise err
    failed.append(err)


def _joined(failed: list[FQLError]) -> FQLError:
    """The first failure gathered, the others its siblings, as the answer lists them."""
    failed[0].siblings.extend(failed[1:])
    return failed[0]


def _gathers(err: FQLError) -> bool:
    """Whether core answers `err` as an evaluation failure (an EvalError, which it gathers with others)
    rather than throwing it: a time-out, contention, a storage limit or an internal error end the query."""
    return err.status in (400, 403, 404) and not isinstance(err, (*PROTOCOL_FAILURES, NotImplementedInFql))


#: Evaluators of the node kinds other families add (the v10 expressions), by node class.
HANDLERS: dict[type, t.Callable[[t.Any, Context], t.Any]] = {}


def _invalid(node: ast.Invalid, ctx: Context) -> t.NoReturn:
    """A wire construct that did not decode: the query's parse (queryparse.check) refuses it before it
    runs, so only a tree evaluated without that check gets here."""
    err = InvalidExpression(node.description, position=node.position)
    err.siblings = [InvalidExpression(d, position=p) for d, p in node.more]
    raise err


HANDLERS[ast.Invalid] = _invalid


def _unknown(name: str, keys: t.Iterable[str]) -> InvalidExpression:
    return InvalidExpression(f"No form/function found, or invalid argument keys: {{ {', '.join(keys)} }}.")


#: Built-ins core parses into special forms rather than native calls, which cost no compute: the body
#: of a called function is counted as the lambda it is applied as.
FREE = frozenset(("Let", "Var", "Lambda", "If", "Do", "And", "Or", "At", "Select", "SelectAll", "SelectAsIndex", "Call"))


#: Varargs built-ins the drivers send as an array even when given one argument (`q.do(x)` is
#: `{"do": [x]}`), so the shell's `Do(x)` has `x` at `["do", 0]`.
ALWAYS_LISTED = frozenset({"Do"})


def lone_vararg_path(fn: registry.Builtin) -> tuple[str | int, ...]:
    """Where the shell's single (non-array) vararg of `fn` is written on the wire."""
    key = fn.keys[-1]
    return (key, 0) if fn.name in ALWAYS_LISTED else (key,)


def call(name: str, args: tuple[ast.Node, ...], ctx: Context, *, wire_order: bool = False, form: bool = False) -> t.Any:
    """Call the built-in `name` with positional argument nodes, in the shell's order (or the wire's); a
    `form` (call_form) is one the code's version has."""
    if ctx.state.deadline is not None:
        ctx.state.check_deadline()
    fn = registry.lookup(name)
    if fn is None or (
        not form and ctx.state.form_version != versions.CURRENT and not versions.has_builtin(fn, ctx.state.form_version)
    ):
        raise _unknown(registry.snake(name.split(".")[-1]), [registry.snake(name.split(".")[-1])])
    if fn.name not in FREE:
        ctx.state.compute += 1
    if fn.name in effects.WRITERS and (refused := ctx.state.txn.refusal()) is not None:
        # Core checks a native call's own effect against a read-only context (a stream, `GET /?q=`) before
        # it evaluates the arguments (EvalContext's NativeCall): a bad argument is not what it reports.
        raise refused
    if not wire_order and fn.simple and fn.required <= len(args) <= len(fn.keys):
        return fn.fn(ctx, *_positional(fn, args, ctx))
    if not wire_order:
        args = fn.to_key_order(args)
    keys = fn.keys
    options: tuple[tuple[str, ast.Node], ...] = ()
    if fn.options and len(args) > len(keys) - (1 if fn.varargs else 0) and isinstance(args[-1], ast.Object):
        if not fn.varargs or len(args) > len(keys):
            options, args = args[-1].pairs, args[:-1]
    if len(args) < fn.required or (not fn.varargs and len(args) > len(keys)):
        raise _unknown(fn.name, keys[: len(args)] if len(args) <= len(keys) else list(keys) + ["..."])
    if (fn.exclusive and fn.clashes(k for k, _ in options)) or any(k not in fn.options for k, _ in options):
        # Core parses the form before it evaluates anything, and names every key it was given.
        raise _unknown(fn.name, list(keys[: len(args)]) + [k for k, _ in options])
    if fn.varargs:
        fixed, rest = args[: len(keys) - 1], args[len(keys) - 1 :]
    else:
        fixed, rest = args, ()
    lazy = fn.lazy
    values: list[t.Any] = []
    kwargs: dict[str, t.Any] = {}
    for i, node in enumerate(fixed):
        key = keys[i]
        if node is None:
            # A wire form may leave out an optional key before a later one ({"substring": s, "length": 2}).
            continue
        if lazy:
            value = node
        else:
            value = ctx.eval(node, key)
            cast = fn.types[i] if i < len(fn.types) else None
            if cast is not None:
                cast(value, key)
        if len(values) == i:
            values.append(value)
        else:
            kwargs[fn.params[i]] = value
    if fn.varargs and rest:
        key = keys[-1]
        if lazy:
            if len(rest) == 1 and isinstance(rest[0], ast.Array):
                collected: t.Any = tuple((n, (key, i)) for i, n in enumerate(rest[0].items))
            elif len(rest) == 1:
                collected = ((rest[0], lone_vararg_path(fn)),)
            else:
                collected = tuple((n, (key, i)) for i, n in enumerate(rest))
        elif len(rest) == 1:
            collected = ctx.eval(rest[0], key)
        else:
            # Several arguments are one array on the wire (`{"add": [a, b]}`), evaluated as one.
            collected = ctx.eval(ast.Array(rest), key)
        if len(values) == len(keys) - 1:
            values.append(collected)
        else:
            kwargs[fn.params[len(keys) - 1]] = collected
    for key, node in options:
        kwargs[key] = node if lazy else ctx.eval(node, key)
    return fn.fn(ctx, *values, **kwargs)


#: Values of calls of pure built-ins on literal strings (`Ref(Collection("items"), "1")`), by node: parsed
#: queries are cached and reused, so each such call is evaluated once (values are frozen refs).
#: Each entry also says how many calls the value took, which a reuse still costs in compute.
_FOLDED: dict[int, tuple[ast.Node, t.Any, int]] = {}
MAX_FOLDED = 50_000


def _keep(table: dict, node: ast.Node, *value: t.Any) -> tuple:
    """Remember `value` for `node` in `table`, by id and bounded: the entry `(node, *value)` keeps the node
    alive, so its id cannot be reused while the entry is there (readers check `entry[0] is node`)."""
    if len(table) >= MAX_FOLDED:
        table.clear()
    entry = table[id(node)] = (node, *value)
    return entry


def _constant(node: ast.Call) -> bool:
    """Whether `node` calls a pure built-in on literal strings (or on such calls), `"self"` (`"tokens/self"`) aside."""
    fn = registry.lookup(node.name)
    if fn is None or not fn.pure:
        return False
    for arg in node.args:
        kind = type(arg)
        if kind is ast.Literal:
            if not isinstance(arg.value, str) or arg.value == "self" or arg.value.endswith("/self"):
                return False
        elif kind is not ast.Call or not _constant(arg):
            return False
    return True


def _calls(node: ast.Call) -> int:
    """How many calls a folded call makes (its nested calls included): each costs its compute when reused."""
    return 1 + sum(_calls(arg) for arg in node.args if type(arg) is ast.Call)


def _positional(fn: registry.Builtin, args: tuple[ast.Node, ...], ctx: Context) -> list:
    """The fast path of `call`: evaluate and type-check plain positional arguments."""
    keys, types = fn.keys, fn.types
    values = []
    for i, node in enumerate(args):
        kind = type(node)
        if kind is ast.Literal:
            # Most arguments are literals (names, ids) or calls: skip a frame of `evaluate`.
            value = node.value
        elif kind is ast.Call and (hit := _FOLDED.get(id(node))) is not None and hit[0] is node:
            value = hit[1]
            ctx.state.compute += hit[2]
        else:
            try:
                value = call(node.name, node.args, ctx) if kind is ast.Call else evaluate(node, ctx)
            except FQLError as err:
                raise err.at(keys[i])
            if kind is ast.Call and _constant(node):
                _keep(_FOLDED, node, value, _calls(node))
        if i < len(types):
            cast = types[i]
            if cast is not None and not cast.check(value):
                cast(value, keys[i])
        values.append(value)
    return values


def call_form(node: ast.Form, ctx: Context) -> t.Any:
    """Call a v4 wire form: the built-in whose keys match the form's keys (found once per form node)."""
    hit = _FORMS.get(id(node))
    if hit is None or hit[0] is not node:
        hit = _keep(_FORMS, node, *_resolve_form(node))
    _, name, args, fast, key, current = hit
    version = ctx.state.form_version
    if not (current if version == versions.CURRENT else versions.has_form(key, version)):
        # A form the code's version does not have (Parser.scala's version predicates).
        raise _unknown(key, [k for k, _ in node.pairs])
    if version != versions.CURRENT and key in versions.UNSTABLE_NAMES:
        return _call_renamed(name, args, fast, key, ctx)
    if fast:
        return call(name, args, ctx, form=True)
    return call(name, args, ctx, wire_order=True, form=True)


def _call_renamed(name: str, args: tuple, fast: bool, key: str, ctx: Context) -> t.Any:
    """A form UNSTABLE spells anew (`lower_case`): its errors are at its own key, where the built-in
    (registered under the old name) puts them at the old one."""
    try:
        return call(name, args, ctx, wire_order=not fast, form=True)
    except FQLError as err:
        old = versions.UNSTABLE_NAMES[key]
        for each in (err, *err.siblings):
            if each.position and each.position[0] == old:
                each.position[0] = key
        raise


#: Wire forms by node: (node, built-in name, arguments in key order, whether the fast path takes them,
#: the key naming the form, whether the current version has it).
_FORMS: dict[int, tuple[ast.Form, str, tuple, bool, str, bool]] = {}


def _resolve_form(node: ast.Form) -> tuple[str, tuple, bool, str, bool]:
    """The built-in a form calls, its arguments in key order, and the key naming the form;
    `invalid expression` when none fits."""
    given = dict(node.pairs)
    first = node.pairs[0][0] if node.pairs else ""
    # JSON objects need not list the form's own key first: {"from": x, "select": p}.
    candidates = [fn for key in given for fn in registry.V4_FORMS.get(key, ())]
    for fn in candidates:
        if not fn.takes(given):
            continue
        args: list[ast.Node | None] = [given.get(key) for key in fn.keys]
        extra = tuple((k, v) for k, v in node.pairs if k in fn.options)
        # Options follow every key, so that a left-out optional key ({select, from, all}: no default)
        # leaves a hole rather than taking the options object as its value.
        while args and args[-1] is None and not (extra and not fn.varargs):
            args.pop()
        if extra:
            # After every key, holes kept: options never take the place of a left-out optional argument.
            args.append(ast.Object(extra))
        else:
            while args and args[-1] is None:
                args.pop()
        # A simple built-in's wire order is its shell order: with no hole, the fast path takes the arguments.
        fast = fn.simple and not extra and None not in args and fn.required <= len(args)
        key = fn.keys[0] if fn.keys else first
        return fn.name, tuple(args), fast, key, versions.has_form(key, versions.CURRENT)
    raise _unknown(first, given)
