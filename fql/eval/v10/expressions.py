"""Evaluating v10 expressions: names, member chains, calls, operators, blocks, lambdas, projection."""

from __future__ import annotations

import math
import typing as t

from ... import ast
from ...errors import FQLError, NotImplementedInFql, QueryCheckError, QueryRuntimeError
from ...values import (
    DELETED_COLLECTION,
    UUID,
    ID,
    Bytes,
    Date,
    Document,
    EventSource,
    Lambda,
    Module,
    NullDocument,
    Page,
    Ref,
    SetRef,
    Timestamp,
    as_long,
    is_long,
)
from .. import math as core_math, staged
from ..evaluator import HANDLERS, MADE_BY_CALL, Context, current_source, evaluate, made_null, recall_null
from ..registry import V10_FIELDS, V10_METHODS, Method
from . import display, globals as names, past

THIS = ast.THIS
_INT_MIN, _INT_MAX = -(1 << 63), (1 << 63) - 1
#: Core's limit on v10 stack frames (RepoContext.DefaultFQLXMaxStackFrames, the `fqlx_max_stack_frames`
#: setting); v4's is MAX_DEPTH, 200.
MAX_FRAMES = 2048


class TransactionTimePlaceholder:
    """Core's stand-in for the transaction's time until commit (Value.TransactionTime), as comparisons and
    member lookups see `TransactionTime()` and a written document's `ts`: a type of its own, with only
    `toString` and the comparisons, equal to itself and to no Time (FQL2ComparisonSpec), between Time and
    Date in the order of types. fql knows the time: it keeps the Timestamp as the value (answers and writes
    show the time, as core's do at commit) and swaps this in only where core's placeholder would differ."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "TransactionTime()"


TRANSACTION_TIME = TransactionTimePlaceholder()


def placeholder(ctx: Context, value: t.Any) -> t.Any:
    """`value`, or TRANSACTION_TIME if it is a time standing for the transaction's own."""
    if isinstance(value, Timestamp) and ctx.state.is_transaction_time(value):
        return TRANSACTION_TIME
    return value


def placeholders(ctx: Context, value: t.Any) -> t.Any:
    """placeholder(), in arrays and objects at any depth too (for `==`, `<` and ordering)."""
    if not ctx.state.txn_times:
        return value
    if isinstance(value, list):
        return [placeholders(ctx, v) for v in value]
    if type(value) is dict:
        return {k: placeholders(ctx, v) for k, v in value.items()}
    return placeholder(ctx, value)


def v10_type(value: t.Any) -> str:
    """The v10 type name methods are registered under."""
    if value is None:
        return "Null"
    if value is TRANSACTION_TIME:
        return "TransactionTime"
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, (int, float)):
        return "Number"
    if isinstance(value, ID):
        # Core's IDPrototype has no String member: an ID is kept as its digits, but it is no String.
        return "ID"
    if isinstance(value, str):
        return "String"
    if isinstance(value, list):
        return "Array"
    if isinstance(value, dict):
        return "Object"
    if isinstance(value, Document):
        return "Document"
    if isinstance(value, NullDocument):
        return "NullDocument"
    if isinstance(value, Timestamp):
        return "Time"
    if isinstance(value, Date):
        return "Date"
    if isinstance(value, Bytes):
        return "Bytes"
    if isinstance(value, UUID):
        return "UUID"
    if isinstance(value, Lambda):
        return "Function"
    if isinstance(value, Module):
        return "Module"
    if isinstance(value, _sets.V10Set):
        return "Set"
    if isinstance(value, (Page, SetRef)):
        return "Set"
    if isinstance(value, Ref):
        return "Ref"
    return type(value).__name__


def _at(err: FQLError, node: ast.Node) -> FQLError:
    """Point an error at `node` unless an inner node already claimed it."""
    if err.span is None and getattr(node, "span", None) is not None and node.span.line:
        err.span = node.span
    return err


def _at_span(err: FQLError, span: ast.Span | None) -> FQLError:
    if err.span is None and span is not None and span.line:
        err.span = span
    return err


def _called(err: FQLError, span: ast.Span | None) -> FQLError:
    """An error out of a call, pointed at the call's arguments. One placed already, inside a function the
    call ran, keeps its place as a frame of the trace (core's stack frames): the call is the next one."""
    if span is None or not span.line:
        return err
    if err.span is None:
        err.span = span
    elif err.span != span:
        err.frames.append((None, None, err.span))
        err.span = span
    return err


def _null_kept(ctx: Context) -> tuple | None:
    """Why the null just made is null and where it was made, for a variable bound to it; None if unknown."""
    state = ctx.state
    if state.null_cause is None and state.null_origin is None:
        return None
    return (state.null_cause, state.null_origin)


def _null_hint(ctx: Context, err: FQLError, origin: t.Any, where: ast.Span | None = None) -> FQLError:
    """Core's hint under an error about a null: where the null was made, unless that overlaps `where`,
    the error's own place in the running source."""
    if not isinstance(origin, tuple) or len(origin) != 3:
        return err
    src, text, span = origin
    if not isinstance(span, ast.Span):
        span = op_span(span)
    if span is None or not span.line:
        return err
    if where is not None and src == current_source(ctx.state)[0] and span.start < where.end and where.start < span.end:
        return err
    err.hints.append(("Null value created here", src, text, span))
    return err


def _tail(span: ast.Span, width: int) -> ast.Span | None:
    """The last `width` characters of `span` (on its last line), where core points at a field's name."""
    if not span.line or width <= 0 or span.end_column - width < 1:
        return None
    return ast.Span(span.end_line, span.end_column - width, span.end - width, span.end, span.end_line, span.end_column)


def _from(start: ast.Span, node: ast.Span, skip: int = 0) -> ast.Span | None:
    """From the end of `start` (past `skip` characters, a `?.`) to the end of `node`: a call's argument list."""
    if not start.line or not node.line:
        return None
    return ast.Span(start.end_line, start.end_column + skip, start.end + skip, node.end, node.end_line, node.end_column)


def _from_start(start: ast.Span, node: ast.Span) -> ast.Span:
    """From the start of `start` to the end of `node`."""
    if not node.line:
        return start
    return ast.Span(start.line, start.column, start.start, node.end, node.end_line, node.end_column)


def op_span(node: ast.Node) -> ast.Span | None:
    """Where core points for an error of this operation: a field access at its name, a call at its
    argument list (core's stack frame of the call), anything else at itself."""
    span = getattr(node, "span", None)
    if span is None or not span.line:
        return None
    if isinstance(node, ast.Member) and node.name.isidentifier():
        return _tail(span, len(node.name)) or span
    if isinstance(node, ast.Apply) and getattr(node.fn, "span", None) is not None:
        return _from(node.fn.span, span, 2 if node.optional else 0) or span
    if isinstance(node, ast.Index) and getattr(node.obj, "span", None) is not None:
        # An access at its brackets (core's Access span, without the `?.`), as a call at its arguments.
        return _from(node.obj.span, span, 2 if node.optional else 0) or span
    return span


def _link_span(node: ast.Node) -> ast.Span | None:
    """A chain link's own text, from the end of what it applies to (`.bar()` of `foo.bar()`, `[0]`)."""
    if isinstance(node, ast.Apply):
        before = node.fn.obj if isinstance(node.fn, ast.Member) else node.fn
    else:
        before = getattr(node, "obj", None)
    span = getattr(before, "span", None)
    return None if span is None else _from(span, node.span)


def run(node: ast.Node, ctx: Context) -> t.Any:
    try:
        return evaluate(node, ctx)
    except FQLError as err:
        raise _at(err, node)


# -- names ---------------------------------------------------------------------------------------------


#: The prefix of the names under which a scope keeps why each of its null variables is null (no
#: identifier starts with it): (cause, origin) as QueryState.null_cause and null_origin.
NULL_KEY = "\0"


def _ident(node: ast.Ident, ctx: Context) -> t.Any:
    env = ctx.env
    if node.name in env:
        value = env[node.name]
        if value is None:
            # Why it is null, and where it was made, as when it was bound (core's Value.Null keeps its cause).
            ctx.state.null_cause, ctx.state.null_origin = env.get(NULL_KEY + node.name, (None, None))
        return value
    found = names.resolve(ctx, node.name)
    if found is names.MISSING:
        message = f"Unbound variable `{node.name}`"
        # What core's typechecker rejects before running; without it, the interpreter's runtime error.
        error = QueryCheckError(message) if ctx.state.typecheck else QueryRuntimeError("unbound_variable", message)
        raise _at(error, node)
    return found


# -- member access -------------------------------------------------------------------------------------


def deref_by(ctx: Context, value: t.Any, action: str) -> t.Any:
    """deref, where reading the document is refused (a reference `Foo(id)` made in a default value) naming
    the action that read it as core's ReadBroker does (Effect.Action: `Reading a field`, `Projection`, `` `!` ``)."""
    try:
        return deref(ctx, value)
    except _fields.EffectViolation as err:
        raise err.by(action) from None


def deref(ctx: Context, value: t.Any) -> t.Any:
    """A stored ref read as a v10 document (or a null document); a document read at another valid time
    than this one, and not stamped with it (see documents.read), read again now."""
    if isinstance(value, Ref) and value.collection is not None and value.kind != "indexes":
        if value.is_schema:
            # A schema document is read as any other (core's ReadBroker checks the read effect), though the
            # schema a query looks its names up in is not: the storage's effect limit lets that through.
            _fields.check_read(ctx)
        return _documents.read(ctx, value, stamped=False)
    if (
        isinstance(value, (Document, NullDocument))
        and value.read_ts is None
        and not (isinstance(value, Document) and value.pinned)
        and (_elsewhen(ctx, value) or (ctx.state.written and _rewritten(ctx, value)))
    ):
        return _documents.read(ctx, value.ref, stamped=False)
    return value


def _elsewhen(ctx: Context, value: Document | NullDocument) -> bool:
    """Whether a document was read at another valid time than this one, as some other version: one read
    in the past whose version is still the newest is the same now (Document.current)."""
    at = ctx.state.valid_ts
    return value.as_of != at and not (at is None and isinstance(value, Document) and value.current)


def _rewritten(ctx: Context, value: Document | NullDocument) -> bool:
    """Whether this query wrote the document since (it may have): it is read again, as core's are."""
    from ..refs import doc_key

    if not isinstance(value, Document) or value.ref.collection is None:
        return False
    try:
        last = ctx.state.written.get(doc_key(ctx, value.ref))
    except FQLError:
        return False
    return last is not None and (value.gen is None or last > value.gen)


def get_field(ctx: Context, value: t.Any, name: str) -> t.Any:
    """`value.name`: a document or object field, a computed field, or a method as a function value."""
    if type(value) is Ref and value.is_schema and name in ("name", "coll") and not _fields.may_read(ctx):
        # A schema document's reference fields are answered without reading it (core's ReadBroker
        # RefFields), where reading it is not allowed: `Foo.definition.name` in a default value.
        if name == "name":
            return value.id
        return _documents.document_field(ctx, Document(value, None, {}), "coll")
    value = deref_by(ctx, value, _method_read(name))
    if isinstance(value, Document) and _document_method(value, name):
        # A method is one of the document's members, found before its fields (core's AbstractDocPrototype
        # hasResolver: fields or methods; their names are reserved, so no field hides behind one).
        return BoundMethod(value, V10_METHODS[("Document", name)])
    if isinstance(value, Document):
        found = _documents.document_field(ctx, value, name)
        if found is None and name not in value:
            ctx.state.null_cause = MissingField(name, dynamic_label(value))
        return found
    if isinstance(value, NullDocument) and name == "exists":
        # The one method a missing document answers itself (core's NullDocMethods skip guardNullDoc).
        return BoundMethod(value, V10_METHODS[("NullDocument", name)])
    if isinstance(value, NullDocument):
        # A missing document still has its reference's fields, which core's ReadBroker answers without a
        # read (RefFields): `id` and `coll`, or `name` and `coll` for a schema document; a missing key,
        # token or credential is no exception.
        if name == "id" and not value.ref.is_schema:
            return ID(value.id) if value.id.isdigit() else value.id
        if name == "coll":
            if value.cause == "collection deleted":
                # Core's ReadBroker has no collection to ask: its `coll` is `Collection.Deleted`.
                return DELETED_COLLECTION
            return _documents.document_field(ctx, Document(value.ref, None, {}), "coll")
        if name == "name" and value.ref.is_schema:
            return value.ref.id
        raise _documents.null_access(value, name)
    if isinstance(value, dict):
        found = value.get(name)
        if found is None and name not in value:
            ctx.state.null_cause = MissingField(name, dynamic_label(value))
        return found
    if isinstance(value, Module):
        return names.module_member(ctx, value, name)
    value = placeholder(ctx, value)
    kind = v10_type(value)
    computed = V10_FIELDS.get((kind, name))
    if computed is not None:
        return computed.fn(ctx, value)
    if (kind, name) in V10_METHODS:
        return BoundMethod(value, V10_METHODS[(kind, name)])
    if value is None:
        raise QueryRuntimeError("invalid_null_access", f"Cannot access `{name}` on null.")
    # A field a value does not have is null at runtime (core; its typechecker refuses it beforehand).
    ctx.state.null_cause = MissingField(name, dynamic_label(value))
    return None


class GoneDocument(str):
    """Why a null is null when it stands for a document that is not there (core's DocNotFound cause)."""

    def __new__(cls, doc: NullDocument) -> GoneDocument:
        made = super().__new__(cls, "document not found")
        made.doc = doc
        return made

    def __getnewargs__(self) -> tuple[NullDocument]:
        return (self.doc,)


def gone_cause(doc: NullDocument) -> str:
    """Why a null standing for `doc` is null: it is not there (GoneDocument), or not readable (core's
    ReadPermissionDenied cause, `Null value, due to permission denied`)."""
    return "permission denied" if doc.cause == "permission denied" else GoneDocument(doc)


class MissingField(str):
    """Why a null is null when a field was missing (`missing field `b``), knowing the field and the
    dynamic type of the value that lacked it, as core's MissingField cause does: calling the null names
    both."""

    field: str
    owner: str

    def __new__(cls, name: str, owner: str) -> MissingField:
        made = super().__new__(cls, f"missing field `{name}`")
        made.field, made.owner = name, owner
        return made

    def __getnewargs__(self) -> tuple[str, str]:
        return (self.field, self.owner)


class BoundMethod:
    """`"a".concat` without a call: a function value that calls the method on its receiver."""

    __slots__ = ("receiver", "method")

    def __init__(self, receiver: t.Any, method: Method):
        self.receiver = receiver
        self.method = method

    def __repr__(self) -> str:
        return f"[function {self.method.name}()]"


#: What an optional access (`?.`) that met null hands to the rest of its chain: every later `.x`, `[i]`
#: and call is skipped, and the chain's value is null (core's optional chaining).
_SKIPPED = object()


def _receiver(node: ast.Node, ctx: Context) -> t.Any:
    """Evaluate the receiver of a chain link; a link of the same chain may answer _SKIPPED. A null it
    answers has its cause and origin in the state, or none (not a stale one)."""
    state = ctx.state
    state.null_cause = state.null_origin = None
    link = _LINKS.get(type(node))
    if link is None:
        return run(node, ctx)
    try:
        return link(node, ctx)
    except FQLError as err:
        raise _at(err, node)


def _skip(ctx: Context, value: t.Any, node: ast.Node, named: ast.Node | None = None) -> object:
    """_SKIPPED, from `node` on: where its own `?.` met null (not an earlier link's), the state keeps it
    with where core points a `!` just after it (the link's name, `named`'s for a method call)."""
    if value is not _SKIPPED:
        # A document that is not there keeps why, and where: a `!` later says it is not found, with the
        # document's operation as the null's origin (core's evalNullAccess keeps the DocNotFound cause).
        gone = None
        if isinstance(value, NullDocument):
            document = named.obj if isinstance(named, ast.Member) else getattr(node, "obj", None)
            where = node if document is None else _head_span(ctx, document)
            gone = (value, (*current_source(ctx.state), where))
            # So does the null the chain ends in, for a `!` past its end (`let x = doc?.a; x!`): core's
            # Null keeps the DocNotFound or ReadPermissionDenied cause, made at the document's operation.
            ctx.state.null_cause, ctx.state.null_origin = gone_cause(value), gone[1]
        ctx.state.skipped_at = (node, op_span(named or node), gone)
    return _SKIPPED


#: A receiver not evaluated yet.
_UNRUN = object()


def _document_method(receiver: t.Any, name: str) -> bool:
    """Whether `receiver.name` is a document's method, which core's getMethod finds before any field (a
    document that is not there answers its own, or fails: guardNullDoc)."""
    if isinstance(receiver, NullDocument):
        return True
    if not isinstance(receiver, Document):
        return False
    if name in _CREDENTIAL_METHODS and receiver.ref.kind != "credentials":
        return False
    return ("Document", name) in V10_METHODS


def _member_read(node: ast.Member, ctx: Context, receiver: t.Any) -> t.Any:
    """`node` read off the receiver its object already answered, as _receiver reads a link."""
    try:
        return _member_of(node, ctx, receiver)
    except FQLError as err:
        raise _at(err, node)


def _lacks_method(receiver: t.Any, name: str) -> bool:
    """Whether `receiver.name(...)` fails whatever its arguments: null, a value of a type without the
    method, or a struct without a function at `name` (core's getMethod, then evalSel and evalAp)."""
    if isinstance(receiver, (Module, Document, NullDocument, Ref)):
        return False
    if isinstance(receiver, dict):
        return name not in receiver or not _callable(receiver[name])
    return (v10_type(receiver), name) not in V10_METHODS


def _nullish(value: t.Any) -> bool:
    return value is None or isinstance(value, NullDocument)


def _unread_member(value: t.Any, name: t.Any) -> bool:
    """Whether a document that is not there answers `name` without a read, so `?.` and `[]` do not skip
    it: a field of the reference itself (core's ReadBroker answers its RefFields unread), `coll`, and
    `id`, or a schema document's `name`; or its own method `exists` (guardNullDoc lets NullDocMethods by,
    and getField resolves the method to a function)."""
    if not isinstance(value, NullDocument) or not isinstance(name, str):
        return False
    return name == "coll" or name == ("name" if value.ref.is_schema else "id") or name in _NULL_DOC_METHODS


def _null_method(value: t.Any, name: t.Any) -> bool:
    """Whether `name` is a method of null itself (`toString`), which null answers, under `?.` too, where
    any other member is null (core's NullPrototype getField and getMethod)."""
    return value is None and ("Null", name) in V10_METHODS


def _member_link(node: ast.Member, ctx: Context) -> t.Any:
    return _member_of(node, ctx, _receiver(node.obj, ctx))


def _member_of(node: ast.Member, ctx: Context, value: t.Any) -> t.Any:
    """`value.name`, `value` being what `node.obj` answered (the null state it left is kept)."""
    if value is not _SKIPPED and node.optional:
        # A reference to a document that is gone is null to `?.` (core reads it first).
        value = deref_by(ctx, value, "Reading a field")
    if value is _SKIPPED or (
        node.optional and _nullish(value) and not _unread_member(value, node.name) and not _null_method(value, node.name)
    ):
        return _skip(ctx, value, node)
    state = ctx.state
    origin, state.null_cause = state.null_origin, None
    try:
        found = get_field(ctx, value, node.name)
    except FQLError as err:
        if value is None:
            _null_hint(ctx, err, origin)
        if isinstance(value, NullDocument) and err.v10_code == "invalid_null_access":
            raise _null_read(ctx, err, op_span(node))
        if err.v10_code == "document_not_found" or isinstance(value, NullDocument):
            # A field of a document that is gone, or not readable: core points at the document, at its last
            # operation as `!` does (a call's arguments; FQL2ErrorRenderingSpec, FQL2DocsSpec; evalNullAccess).
            raise _at_span(err, _head_span(ctx, node.obj))
        raise _at_span(err, op_span(node))
    if found is None and state.null_cause is not None:
        made_null(state, state.null_cause, node)  # a missing field: null made at its name
    elif found is None:
        recall_null(state, value, node.name)  # a null a literal holds: why, and where it was made
    if state.partials:
        _hints.field_read(ctx, value, node.name, found, node)
    return found


def _member(node: ast.Member, ctx: Context) -> t.Any:
    value = _member_link(node, ctx)
    return None if value is _SKIPPED else value


def _index(node: ast.Index, ctx: Context) -> t.Any:
    value = _index_link(node, ctx)
    return None if value is _SKIPPED else value


def _index_link(node: ast.Index, ctx: Context) -> t.Any:
    ctx.state.missing_key = None
    value = _receiver(node.obj, ctx)
    if value is not _SKIPPED and node.optional:
        value = deref(ctx, value)
    if value is _SKIPPED:
        return _skip(ctx, value, node)
    # Core evaluates the key before it asks the receiver (its access takes it as an argument), null or not.
    state = ctx.state
    cause, origin = state.null_cause, state.null_origin
    key = run(node.key, ctx)
    state.null_cause, state.null_origin = cause, origin  # why the receiver is null, not the key's doing
    if node.optional and _nullish(value) and not _unread_member(value, key):
        return _skip(ctx, value, node)
    value = deref(ctx, value)
    try:
        found = index_value(ctx, value, key)
        if found is None and isinstance(value, (dict, Document)) and isinstance(key, str) and key not in value:
            ctx.state.missing_key = (node, key, dynamic_label(value))
        elif found is None:
            recall_null(state, value, key)
        return found
    except FQLError as err:
        if value is None:
            _null_hint(ctx, err, origin)
        if isinstance(value, NullDocument) and isinstance(key, str) and err.v10_code != "invalid_null_access":
            # A field of a document that is gone, as for `.field` (FQL2DocsSpec).
            raise _at_span(err, _head_span(ctx, node.obj))
        # Core points at the brackets (`[2]`), as it points at a call's arguments.
        obj = getattr(node.obj, "span", None)
        where = (_from(obj, node.span, 2 if node.optional else 0) if obj is not None else None) or node.span
        if isinstance(value, NullDocument) and err.v10_code == "invalid_null_access":
            raise _null_read(ctx, err, where)
        raise _at_span(err, where)


def _null_read(ctx: Context, err: FQLError, where: ast.Span | None) -> FQLError:
    """A read of a document deleted by this query's `delete()`, or of a deleted collection, at `where`:
    core reads the document there (its null cause's span), so its hint names the read itself
    (QueryRuntimeFailure.InvalidNullAccess always has one)."""
    src, text = current_source(ctx.state)
    if where is not None and where.line:
        err.hints.append(("Null value created here", src, text, where))
    return _at_span(err, where)


def index_value(ctx: Context, value: t.Any, key: t.Any) -> t.Any:
    """`value[key]`, as core's access (`defAccess` of Strings, Arrays, Structs, Docs and Null): the key is
    cast to the one parameter's type, whose name errors spell with its index (`index0`, `key0`:
    FieldTableHelpers passes it); a value of a type with no access has no function `[]`."""
    from .misc import INT, STRING, arg

    if value is None:
        # Null's access answers the null itself: reading it fails as `.field` does, for the field `[]`.
        raise QueryRuntimeError("invalid_null_access", "Cannot access `[]` on null.")
    if isinstance(value, list) or (isinstance(value, str) and not isinstance(value, ID)):
        index = arg(key, "index0", INT)
        if not 0 <= index < len(value):
            raise QueryRuntimeError("index_out_of_bounds", f"index {index} out of bounds for length {len(value)}")
        return value[index]
    if isinstance(value, (dict, Document, NullDocument)):
        name = arg(key, "key0", STRING)
        if isinstance(value, NullDocument) and not _unread_member(value, name):
            # Core's access reads the field; reading a null, it names the access (evalNullAccess's `[]`).
            raise _documents.null_access(value, "[]")
        return get_field(ctx, value, name)
    raise QueryRuntimeError(
        "invalid_function_invocation", f"The function `[]` does not exist on `{dynamic_label(placeholder(ctx, value))}`"
    )


# -- calls ---------------------------------------------------------------------------------------------


#: What a v4 lambda is to v10 when it comes from v4 data (a document's field, a v4 function's `body`, a
#: v4 caller's argument or a v4 function's result): core's IRValueConversion.fromIR makes every stored
#: QueryV a lambda of no parameters whose body is `null` (UnholyEval.dataV4ToV10 sends a LambdaL there too).
STORED_V4_LAMBDA = Lambda((), ast.Literal(None), {}, api_version="10")


def as_v10(fn: Lambda) -> Lambda:
    """The lambda v10 calls, weighs and compares: a v4 lambda here came from v4 data, and is core's
    STORED_V4_LAMBDA (a v4 function's own body is called by call_udf, which does not ask)."""
    return fn if fn.api_version == "10" else STORED_V4_LAMBDA


def call_function(ctx: Context, fn: t.Any, args: list) -> t.Any:
    """Call a v10 function value: a lambda, a bound method, a module (constructor) or a UDF."""
    if isinstance(fn, Lambda):
        return apply_lambda(ctx, as_v10(fn), args)
    if isinstance(fn, BoundMethod):
        return invoke(ctx, fn.method, args, fn.receiver)
    if isinstance(fn, Module):
        return names.call_module(ctx, fn, args)
    if isinstance(fn, names.UserFunction):
        if _fields.indexing(ctx):
            # A computed field computed for an index may not call a UDF: the document gets no entry
            # (core's FQL2ComputedFieldsSpec "cannot call UDFs (run-time)").
            raise QueryRuntimeError("invalid_effect", "A user-defined function cannot be called while indexing.")
        return names.call_udf(ctx, fn, args)
    if isinstance(fn, names.StaticFunction):
        return names.call_static_function(ctx, fn, args)
    if callable(fn) and hasattr(fn, "index"):
        return fn(ctx, args)  # an index of a v10 collection definition (collections.IndexFunction)
    # Calling a value that is no function (a null too): core's InvalidType for the callee.
    raise QueryRuntimeError("type_mismatch", f"expected type: Function, received {dynamic_label(placeholder(ctx, fn))}")


def dynamic_label(value: t.Any) -> str:
    """A value's type as core's runtime names it (ValueType.displayString of its dynamic type): `Array<Any>`,
    `{ *: Any }`, `Doc` (a document there or not), `Lambda`, `Function` (a native one), a module's name."""
    from .misc import value_type

    return value_type(value)


def _callable(fn: t.Any, applied: bool = False) -> bool:
    """Whether call_function can call it; `applied`: only a module with an apply counts."""
    if isinstance(fn, Module):
        return not applied or names.has_apply(fn)
    if isinstance(fn, (Lambda, BoundMethod, names.UserFunction, names.StaticFunction)):
        return True
    return fn is not None and callable(fn) and hasattr(fn, "index")


def arity_text(count: int, variadic: bool = False, word: str = "argument") -> str:
    """How core's Func.Arity shows what a function takes: `exactly 2 arguments`, `at least 1 argument`."""
    if variadic:
        return f"any number of {word}s" if count == 0 else f"at least {count} {word}{'s' if count != 1 else ''}"
    return f"no {word}s" if count == 0 else f"exactly {count} {word}{'s' if count != 1 else ''}"


def _parameters(fn: Lambda) -> tuple[list, str | None]:
    """A lambda's fixed parameters and its `...rest` parameter's name, if any."""
    params = [fn.params] if isinstance(fn.params, str) else list(fn.params)
    rest = params[-1][3:] if params and isinstance(params[-1], str) and params[-1].startswith("...") else None
    return (params[:-1] if rest is not None else params), rest


def check_arity(fn: Lambda, args: list) -> None:
    """Core's InvalidFuncArity, unless the lambda takes `len(args)` arguments."""
    fixed, rest = _parameters(fn)
    if len(args) < len(fixed) or (rest is None and len(args) > len(fixed)):
        raise QueryRuntimeError(
            "invalid_function_invocation",
            f"callee function expects {arity_text(len(fixed), rest is not None)}, but {len(args)} "
            f"{'was' if len(args) == 1 else 'were'} provided.",
        )


def apply_lambda(ctx: Context, fn: Lambda, args: list) -> t.Any:
    """Bind positional arguments to a lambda's parameters (a `...rest` parameter takes the others)."""
    check_arity(fn, args)
    fixed, rest = _parameters(fn)
    bindings = {p: a for p, a in zip(fixed, args) if p != "_"}
    if rest is not None:
        bindings[rest] = list(args[len(fixed) :])
    state = ctx.state
    pending = state.arg_origins
    if pending is not None and pending[0] is args:
        state.arg_origins = None
        for i, kept in pending[1].items():
            if i < len(fixed) and fixed[i] != "_":
                bindings[NULL_KEY + fixed[i]] = kept
    if state.deadline is not None:
        state.check_deadline()
    state.compute += 1  # core's evalApply: a compute op per application
    state.depth += 1
    try:
        if state.depth - 1 > MAX_FRAMES:
            # Core counts the call's frame before it checks (FQLInterpreter.evalApply), so a function may
            # recurse 2048 times below the query's own call; its words are FQL2ComputedFieldsSpec's.
            raise QueryRuntimeError("stack_overflow", f"number of stack frames exceeded limit of {MAX_FRAMES}")
        return evaluate(fn.body, Context(state, {**fn.env, **bindings}))
    finally:
        state.depth -= 1


def _native_arity(method: Method) -> str:
    """A native method's arity as core's Func.Arity shows it: its overloads' counts (`1 or 2 arguments`),
    or the least a variadic one takes."""
    if method.max_args is None:
        return arity_text(method.min_args, variadic=True)
    counts = list(range(method.min_args, method.max_args + 1))
    if len(counts) == 1:
        return arity_text(counts[0])
    return ", ".join(map(str, counts[:-1])) + f" or {counts[-1]} arguments"


_NO_RECEIVER = object()
#: The methods a document that is not there answers (core's AbstractDocPrototype.NullDocMethods).
_NULL_DOC_METHODS = frozenset(("exists",))


#: A collection's functions that core marks as reads (Effect.Read), checked when they are called.
_READ_CALLS = frozenset(("all", "where", "firstWhere", "byId", "byName", "byDocument"))
#: Document methods only a credential has (core's stdlib/Credential.scala).
_CREDENTIAL_METHODS = frozenset(("login", "verify"))


def invoke(ctx: Context, method: Method, args: list, receiver: t.Any = _NO_RECEIVER) -> t.Any:
    """Call a registered v10 method (with its receiver) or static function, checking the argument count."""
    given = len(args)
    if given < method.min_args or (method.max_args is not None and given > method.max_args):
        if not ctx.state.typecheck:
            # Core's callNativeMethod checks the count before the call (FQLInterpreter.scala).
            raise QueryRuntimeError(
                "invalid_function_invocation",
                f"callee function expects {_native_arity(method)}, but {given} {'was' if given == 1 else 'were'} provided.",
            )
        # Typechecked, core's typer refuses the call before it runs; fql's checker leaves overloads to this.
        if method.min_args == method.max_args:
            expected = str(method.min_args)
        elif method.max_args is None:
            expected = f"at least {method.min_args}"
        else:
            expected = f"{method.min_args} to {method.max_args}"
        plural = "" if expected == "1" else "s"
        raise QueryCheckError(
            f"Function `{method.name}` expects {expected} argument{plural}, but {given} were provided."
        )
    ctx.state.compute += 1  # core's callNativeMethod: a compute op per native call
    try:
        if receiver is _NO_RECEIVER or isinstance(receiver, Module):
            if method.name in _READ_CALLS:
                try:
                    _fields.check_read(ctx)
                except _fields.EffectViolation:
                    # Core casts the arguments before the body checks the read (NativeFunction's FixedArg,
                    # then Effect.Action.check; `all(range)` reads its range first): an argument's error
                    # comes first. The function runs for its checks alone, reading nothing it may not.
                    method.fn(ctx, *args) if receiver is _NO_RECEIVER else method.fn(ctx, receiver, *args)
                    raise
            elif method.name == "create":
                # Core casts the `data` argument first (NativeFunction's FixedArg: each parameter, then
                # the body), then its WriteBroker checks for a write before anything (fql's create reads
                # first): `Foo.create(1)` in a set function is the argument's error.
                _documents.check_data(args[0])
                _fields.check_may_write(ctx)
        if ctx.state.staged_txn is not None and staged.schema_call(method, receiver):
            # Joining a staged schema: a call on the schema runs against it (staged.on_staged).
            with staged.on_staged(ctx):
                return method.fn(ctx, *args) if receiver is _NO_RECEIVER else method.fn(ctx, receiver, *args)
        if receiver is _NO_RECEIVER:
            return method.fn(ctx, *args)
        return method.fn(ctx, receiver, *args)
    except _fields.EffectViolation as err:
        # A computed field wrote, or a default read: core names the function that did.
        raise err.named(method.name) from None


def _apply(node: ast.Apply, ctx: Context) -> t.Any:
    value = _apply_link(node, ctx)
    return None if value is _SKIPPED else value


def _method_read(name: str) -> str:
    """What core names the read of a document whose method `name` is called: its getMethod reads it as a
    field (guardNullDoc, Effect.Action.Field), but for `exists`, which reads it itself (Docs.scala)."""
    return "`exists`" if name in _NULL_DOC_METHODS else "Reading a field"


def _apply_link(node: ast.Apply, ctx: Context) -> t.Any:
    if ctx.state.deadline is not None:
        ctx.state.check_deadline()
    target = node.fn
    receiver: t.Any = _UNRUN
    if isinstance(target, ast.Member) and node.optional:
        # `x.m?.(args)` is core's MethodCall as `x.m(args)` is: a document's method is looked up first
        # and called, `?.()` or not; only without one is the field read and called if not null.
        receiver = _receiver(target.obj, ctx)
        if isinstance(receiver, (Document, Ref)):
            receiver = deref_by(ctx, receiver, _method_read(target.name))
    if isinstance(target, ast.Member) and (not node.optional or _document_method(receiver, target.name)):
        if receiver is _UNRUN:
            receiver = _receiver(target.obj, ctx)
        if receiver is not _SKIPPED and (target.optional or isinstance(receiver, (Document, Ref))):
            receiver = deref_by(ctx, receiver, _method_read(target.name))
        if isinstance(receiver, NullDocument) and target.name in _NULL_DOC_METHODS:
            pass  # a document that is not there still answers these (core's guardNullDoc lets them by)
        elif receiver is _SKIPPED or (
            target.optional and _nullish(receiver) and not _null_method(receiver, target.name)
        ):
            return _skip(ctx, receiver, node, target)
        elif isinstance(receiver, NullDocument):
            # Core's getMethod asks whether the document is there before the arguments run, and points at
            # it (at the method's name when it reads the method of a null: evalNullAccess).
            from .documents import null_access

            err = null_access(receiver, target.name)
            raise _at_span(err, _head_span(ctx, target.obj) if err.v10_code != "invalid_null_access" else op_span(target))
        state = ctx.state
        origin = state.null_origin if receiver is None else None
        # Core looks the method up before the arguments run: a receiver without it fails first.
        receiver = placeholder(ctx, receiver)
        args = [] if _lacks_method(receiver, target.name) else [run(a, ctx) for a in node.args]
        state.call_node = node
        try:
            value = call_method(ctx, receiver, target.name, args)
        except FQLError as err:
            if receiver is None:
                _null_hint(ctx, err, origin)
            if err.span is None and not err.frames and (
                err.v10_code == "invalid_null_access"
                or "does not exist on" in err.description
                or ": Expected a function, found `" in err.description
            ):
                # No such method (or nothing to call it on): core points at the method's name.
                raise _at_span(err, op_span(target)) from None
            raise _called(err, op_span(node))
        return _returned(state, value, node)
    fn = _receiver(target, ctx) if receiver is _UNRUN else _member_read(target, ctx, receiver)
    # `f?.(args)`: f is called unless it is null (a method too: `foo.bar?.(x)` reads `foo.bar` first).
    if fn is _SKIPPED or (node.optional and fn is None):
        return _skip(ctx, fn, node)
    missing = ctx.state.missing_key
    if fn is None and not node.optional and missing is not None and missing[0] is target:
        # `x["k"](...)` of a key x lacks: core's null keeps the key and x, and the call names both (evalAp).
        err = QueryRuntimeError("invalid_function_invocation", f"The function `{missing[1]}` does not exist on `{missing[2]}`")
        raise _at_span(err, op_span(target))
    cause = ctx.state.null_cause
    if fn is None and not node.optional and isinstance(cause, MissingField):
        # A null from a missing field, called later (`let f = x.b; f()`): named as `x.b()` would be, where
        # the field was read.
        err = QueryRuntimeError("invalid_function_invocation", f"The function `{cause.field}` does not exist on `{cause.owner}`")
        origin = ctx.state.null_origin
        if isinstance(origin, tuple) and len(origin) == 3 and origin[0] == current_source(ctx.state)[0]:
            where = origin[2] if isinstance(origin[2], ast.Span) else op_span(origin[2])
            err = _at_span(err, where)
        raise err
    if isinstance(target, ast.Member) and not _callable(fn, applied=True):
        # `x.a?.()`: core's MethodCall reads the field and names it when what it holds is no function.
        found = dynamic_label(fn)
        err = QueryRuntimeError("invalid_function_invocation", f"`{target.name}`: Expected a function, found `{found}`")
        raise _at_span(err, op_span(target))
    state = ctx.state
    origin = state.null_origin if fn is None else None
    # A callee that is no function fails before the arguments run (core's evalAp).
    args = _arguments(node, ctx) if _callable(fn, applied=True) else []
    state.call_node = node
    try:
        value = call_function(ctx, fn, args)
    except FQLError as err:
        if fn is None and err.v10_code != "type_mismatch":
            _null_hint(ctx, err, origin)
        raise _called(err, op_span(node))
    return _returned(state, value, node)


def _arguments(node: ast.Apply, ctx: Context) -> list:
    """A function call's arguments. Where each null among them was made goes with them, for the
    parameters that take them (apply_lambda; core's nulls carry their cause)."""
    state = ctx.state
    args, nulls = [], None
    for a in node.args:
        state.null_cause = state.null_origin = None
        value = run(a, ctx)
        if value is None and (state.null_cause is not None or state.null_origin is not None):
            nulls = nulls or {}
            nulls[len(args)] = (state.null_cause, state.null_origin)
        args.append(value)
    state.arg_origins = (args, nulls) if nulls else None
    return args


def _returned(state: t.Any, value: t.Any, node: ast.Apply) -> t.Any:
    """A call's result; a null the native function made (null_because) was made at the call's frame,
    its arguments, as core's currentStackFrame."""
    if value is None and state.null_origin is MADE_BY_CALL:
        made_null(state, state.null_cause, node)
    return value


def call_method(ctx: Context, receiver: t.Any, name: str, args: list) -> t.Any:
    """`receiver.name(args)`: a static of a module, a method of the value's type, or a field holding a function."""
    if isinstance(receiver, Module):
        return names.call_static(ctx, receiver, name, args)
    # A document's method is looked up as a field is (core's guardNullDoc), but `exists`, which reads it
    # itself (AbstractDocPrototype.exists: Effect.Action.Function("exists")).
    receiver = placeholder(ctx, deref_by(ctx, receiver, _method_read(name)))
    kind = v10_type(receiver)
    found = V10_METHODS.get((kind, name))
    if found is not None and name in _CREDENTIAL_METHODS and kind == "Document" and receiver.ref.kind != "credentials":
        # Core's Credential prototype alone has them: any other document reads a field of that name.
        found = None
    if found is None and kind == "NullDocument":
        found = V10_METHODS.get(("NullDocument", name))
        if found is None:
            from .documents import null_access

            raise null_access(receiver, name)
    if found is not None:
        return invoke(ctx, found, args, receiver)
    if receiver is None:
        raise QueryRuntimeError("invalid_null_access", f"Cannot access `{name}` on null.")
    if isinstance(receiver, (dict, Document)):
        fn = get_field(ctx, receiver, name)
        if fn is None and name not in receiver:
            # Calling a field the value does not have: core's null from a missing field names the receiver's
            # dynamic type, `Doc` or `{ *: Any }` (FQLInterpreter.evalAp; ReadBrokerSpec's missing-field null).
            label = dynamic_label(receiver)
            raise QueryRuntimeError("invalid_function_invocation", f"The function `{name}` does not exist on `{label}`")
        if not _callable(fn):
            # A field holding something else (a null a computed field gave, a number): core names the field.
            found_type = dynamic_label(fn)
            raise QueryRuntimeError("invalid_function_invocation", f"`{name}`: Expected a function, found `{found_type}`")
        return call_function(ctx, fn, args)
    field = V10_FIELDS.get((kind, name))
    if field is not None:
        found_type = dynamic_label(field.fn(ctx, receiver))
        raise QueryRuntimeError("invalid_function_invocation", f"`{name}`: Expected a function, found `{found_type}`")
    raise QueryRuntimeError(
        "invalid_function_invocation", f"The function `{name}` does not exist on `{dynamic_label(receiver)}`"
    )


# -- operators -----------------------------------------------------------------------------------------


def number(value: int | float) -> int | float:
    """Integer results beyond 64 bits fall back to doubles, as in core (addExact fails over)."""
    if isinstance(value, int) and not _INT_MIN <= value <= _INT_MAX:
        return float(value)
    return value


def negate(value: int | float) -> int | float:
    """Core's unary `-`: of the operand's own type, wrapping as Java does (the smallest Int, or Long, is
    its own negation), so a Long stays a Long even when its negation would fit an Int."""
    if isinstance(value, float):
        return -value
    if is_long(value):
        return as_long(value if value == _INT_MIN else -value)
    return value if value == -(1 << 31) else -value


def _operands(op: str, left: t.Any, right: t.Any | None = None, unary: bool = False) -> None:
    """An arithmetic or bitwise operator is a method of its left operand, as in core (stdlib Numbers.scala,
    called by FQLInterpreter.callOp): only a number has it, and it takes only a number, its `other`
    (`exponent` for `**`)."""
    if isinstance(left, bool) or not isinstance(left, (int, float)):
        raise QueryRuntimeError(
            "invalid_function_invocation", f"The function `{op}` does not exist on `{dynamic_label(left)}`"
        )
    if not unary and (isinstance(right, bool) or not isinstance(right, (int, float))):
        param = "exponent" if op == "**" else "other"
        raise QueryRuntimeError(
            "invalid_argument",
            f"expected value for `{param}` of type Number, received {dynamic_label(right)}",
        )


def arithmetic(op: str, a: t.Any, b: t.Any) -> t.Any:
    """Core's number operators (stdlib Numbers.scala): integers stay integers until they leave a Long,
    then the operands are redone as Doubles; Doubles follow Java."""
    _operands(op, a, b)
    x, y = a, b
    integers = isinstance(x, int) and isinstance(y, int)
    if op == "+":
        return _long_or(x + y, lambda: float(x) + float(y)) if integers else x + y
    if op == "-":
        return _long_or(x - y, lambda: float(x) - float(y)) if integers else x - y
    if op == "*":
        return _long_or(x * y, lambda: float(x) * float(y)) if integers else x * y
    if op == "/":
        if integers:
            if y == 0:
                raise QueryRuntimeError("divide_by_zero", "Attempted integer division by zero.")
            q = abs(x) // abs(y)
            # Java's long division wraps: the smallest Long divided by -1 is itself.
            return _wrap_long(q if (x >= 0) == (y >= 0) else -q)
        if y == 0:
            return math.nan if x == 0 or math.isnan(x) else math.copysign(math.inf, x) * math.copysign(1, y)
        return x / y
    if op == "%":
        if integers:
            if y == 0:
                raise QueryRuntimeError("divide_by_zero", "Attempted integer division by zero.")
            return abs(x) % abs(y) * (-1 if x < 0 else 1)
        # Java's remainder: NaN for an infinite dividend or a zero divisor.
        return math.fmod(x, y) if y != 0 and not math.isinf(x) else math.nan
    if op == "**":
        return _integer_power(x, y) if integers else core_math._java_pow(float(x), float(y))
    raise QueryCheckError(f"Unknown operator `{op}`")


def _long_or(n: int, doubles: t.Callable[[], float]) -> int | float:
    """`n` if it fits a Long, else the operation redone on the operands as Doubles (core falls back to
    Double arithmetic when Math.addExact and the like overflow)."""
    return n if _INT_MIN <= n <= _INT_MAX else doubles()


def _wrap_long(n: int) -> int:
    return (n - _INT_MIN) % (1 << 64) + _INT_MIN


def _integer_power(x: int, y: int) -> int | float:
    """Core's `**` of two integers (expIntegers): 1, -1 and 0 exactly; a positive power below 2^31 - 1
    exactly (a Double once it leaves a Long, an infinity past the Doubles); else Java's Math.pow."""
    if y == 0 or x == 1:
        return 1
    if x == -1:
        return 1 if y % 2 == 0 else -1
    if x == 0 and y > 0:
        return 0
    if not 0 < y <= (1 << 31) - 2:
        return core_math._java_pow(float(x), float(y))
    if y * (abs(x).bit_length() - 1) > 1024:  # at least 2^1025: no Double holds it
        return -math.inf if x < 0 and y % 2 else math.inf
    n = x**y
    try:
        return number(n)
    except OverflowError:
        return -math.inf if n < 0 else math.inf


def _bits(value: int | float) -> int:
    """A bitwise operand, a number: an integer, or a Double truncated to a Long as Java's `toLong` does
    (core's Numbers stdlib: NaN is 0, out-of-range values clamp)."""
    if isinstance(value, float):
        if math.isnan(value):
            return 0
        from .misc import LONG_MAX, LONG_MIN

        if not math.isfinite(value):
            return LONG_MAX if value > 0 else LONG_MIN
        return max(LONG_MIN, min(LONG_MAX, int(value)))
    return value


def _bool(ctx: Context, value: t.Any, operand: ast.Node | None) -> bool:
    """An operand of `&&` or `||`, which must be a Boolean: core's type mismatch points at the operand
    (FQL2BooleanSpec 'checks runtime args')."""
    if not isinstance(value, bool):
        label = dynamic_label(placeholder(ctx, value))
        err = QueryRuntimeError("type_mismatch", f"expected type: Boolean, received {label}")
        raise err if operand is None else _at(err, operand)
    return value


def _read_ref(ctx: Context, value: t.Any) -> t.Any:
    """A document reference as the document it names (or a null document); anything else as it is."""
    if type(value) is Ref and value.collection is not None:
        from .documents import read

        return read(ctx, value)
    return value


def equal(a: t.Any, b: t.Any) -> bool:
    """v10 `==` (core's ValueCmp.isEqual): deep for arrays and objects; numbers as Java's Double.compare
    sees them (NaN equals NaN, -0.0 is not 0); documents by ref; a null doc equals null."""
    from .misc import value_equal

    return value_equal(a, b)


def compare(op: str, a: t.Any, b: t.Any) -> bool:
    """`<`, `>`, `<=`, `>=` as core's ValueCmp.cmp: values of one kind compare (misc.value_cmp), values of
    unrelated kinds at the top not at all: every comparison is false."""
    from .misc import value_cmp

    order = value_cmp(a, b)
    if order is None:
        return False
    return {"<": order < 0, ">": order > 0, "<=": order <= 0, ">=": order >= 0}[op]


def _binary(node: ast.Binary, ctx: Context) -> t.Any:
    op = node.op
    ctx.state.null_origin = None
    left = run(node.left, ctx)
    origin = ctx.state.null_origin if left is None else None
    try:
        if op == "&&":
            return _bool(ctx, left, node.left) and _bool(ctx, run(node.right, ctx), node.right)
        if op == "||":
            return _bool(ctx, left, node.left) or _bool(ctx, run(node.right, ctx), node.right)
        if op == "??":
            if isinstance(left, (Document, NullDocument, Ref)):
                # A document read at another time (in `at`) may be gone there, null to `??` (FQL2CheckConstraintsSpec).
                left = deref_by(ctx, left, "`??`")
            return run(node.right, ctx) if left is None or isinstance(left, NullDocument) else left
        if op == "isa":
            from .types import isa

            # Core checks the right operand's kind, so its error points there (FQL2FieldTableSpec 'isa').
            kind = run(node.right, ctx)
            try:
                return isa(ctx, left, kind)
            except FQLError as err:
                raise _at(err, node.right)
        left = placeholder(ctx, left)
        if not _has_operator(op, left) and (op not in ("=~", "!~") or not ctx.state.typecheck):
            # Core's callOp looks the operator up on the left operand before it runs the right one.
            raise QueryRuntimeError(
                "invalid_function_invocation", f"The function `{op}` does not exist on `{dynamic_label(left)}`"
            )
        right = placeholder(ctx, run(node.right, ctx))
        # The others are native methods of the left operand, each call a compute op (core's callOp).
        ctx.state.compute += 1
        if op == "==" or op == "!=":
            if isinstance(left, (Document, NullDocument)):
                left = deref(ctx, left)
            if isinstance(right, (Document, NullDocument)):
                right = deref(ctx, right)
            if left is None or right is None:
                # A reference read from a field is a document too: one that is not there (deleted, or its
                # collection deleted) equals null (core's NullDoc; FQL2CollectionsSpec "turn into null docs").
                left, right = _read_ref(ctx, left), _read_ref(ctx, right)
            return equal(placeholders(ctx, left), placeholders(ctx, right)) == (op == "==")
        if op in ("<", ">", "<=", ">="):
            return compare(op, placeholders(ctx, left), placeholders(ctx, right))
        if op in ("|", "&", "^"):
            _operands(op, left, right)
            x, y = _bits(left), _bits(right)
            return x | y if op == "|" else x & y if op == "&" else x ^ y
        if op in ("=~", "!~"):
            raise NotImplementedInFql(f"The `{op}` operator is not implemented in fql (nor at runtime in Fauna).")
        if op == "+" and isinstance(left, str) and not isinstance(left, ID):
            # String's `+` takes any value; Number's only numbers (core: Strings and Numbers stdlib).
            from .misc import display_string
            from .strings import sized

            return sized(display_string(ctx, left) + display_string(ctx, right))
        return arithmetic(op, left, right)
    except FQLError as err:
        if err.v10_code in _ARGUMENT_ERRORS and op not in ("&&", "||", "??", "isa"):
            # An operator is a method of its left operand: core points at its argument, the right one.
            raise _at(err, node.right)
        if err.v10_code == "invalid_function_invocation":
            # The left operand has no such operator: core points at the operator.
            if left is None:
                _null_hint(ctx, err, origin)
            raise _at_span(err, _operator_span(node))
        raise _at(err, node)


def _has_operator(op: str, left: t.Any) -> bool:
    """Whether the left operand's type has the binary operator `op`: every type compares (FieldTable.scala's
    BaseFieldTable), a number does arithmetic and bitwise operations, a String `+` (stdlib Numbers.scala,
    Strings.scala); none has `=~` or `!~`."""
    if op in ("==", "!=", "<", ">", "<=", ">="):
        return True
    if op in ("=~", "!~"):
        return False
    if isinstance(left, (int, float)) and not isinstance(left, bool):
        return True
    return op == "+" and isinstance(left, str) and not isinstance(left, ID)


#: The errors of an operator's own work (a bad or zero operand, a string past the size limit), which core
#: places at the operator's argument, its right operand.
_ARGUMENT_ERRORS = ("invalid_argument", "divide_by_zero", "value_too_large")


def _operator_span(node: ast.Binary) -> ast.Span | None:
    """Where a binary operator sits: between its operands (taken as centred in the gap between them)."""
    left, right = getattr(node.left, "span", None), getattr(node.right, "span", None)
    if left is None or right is None or not left.line or left.end_line != right.line:
        return None
    gap = right.column - left.end_column
    if gap < len(node.op):
        return None
    column = left.end_column + (gap - len(node.op)) // 2
    start = left.end + (column - left.end_column)
    return ast.Span(left.end_line, column, start, start + len(node.op), left.end_line, column + len(node.op))


def _unary(node: ast.Unary, ctx: Context) -> t.Any:
    """`-x`, `~x` and `!x` are methods of their operand, as a binary operator is of its left one (core's
    callOp): a value of another type has no such operator, and the error points at the operator."""
    ctx.state.null_origin = None
    value = placeholder(ctx, run(node.operand, ctx))
    origin = ctx.state.null_origin if value is None else None
    ctx.state.compute += 1  # a native method of the operand, as a binary operator's
    try:
        if node.op == "!":
            if not isinstance(value, bool):
                raise QueryRuntimeError(
                    "invalid_function_invocation", f"The function `!` does not exist on `{dynamic_label(value)}`"
                )
            return not value
        _operands(node.op, value, unary=True)
        return negate(value) if node.op == "-" else ~_bits(value)
    except FQLError as err:
        if value is None:
            _null_hint(ctx, err, origin)
        span = node.span
        if span is not None and span.line:
            width = len(node.op)
            err = _at_span(err, ast.Span(span.line, span.column, span.start, span.start + width, span.line, span.column + width))
        raise _at(err, node)


def _parenthesized(ctx: Context, node: ast.NonNull) -> ast.Span | None:
    """`(x)!`: from the outermost parenthesis to the `!`, where core points (its Tuple's span is the
    chain's head, the parentheses too); None where the operand has none (the tree does not keep them)."""
    held = _in_parentheses(ctx, node.expr)
    if held is None or held.end != node.span.end - 1:
        return None
    return ast.Span(held.line, held.column, held.start, node.span.end, node.span.end_line, node.span.end_column)


def _head_span(ctx: Context, obj: ast.Node) -> ast.Span | None:
    """Where core's chain stands when `obj` has been evaluated, for the link after it (its `cspan`): the
    span of `obj`'s own operation (op_span), or of the outermost parentheses holding it (core's Tuple)."""
    return _in_parentheses(ctx, obj) or op_span(obj)


def _in_parentheses(ctx: Context, node: ast.Node) -> ast.Span | None:
    """The outermost of the parentheses right around `node` in the running source (the query's text, or
    the stored body's), None if there are none: the tree does not keep them."""
    name, text = current_source(ctx.state)
    text = ctx.state.query_text if name == "query" and text is None else text
    inner = getattr(node, "span", None)
    if not text or inner is None or not inner.line or not 0 <= inner.start <= inner.end <= len(text):
        return None
    start, end, count = inner.start, inner.end, 0
    while True:
        after = len(text) - len(text[end:].lstrip())
        before = text[:start].rstrip()
        if not text.startswith(")", after) or not before.endswith("("):
            break
        start, end, count = len(before) - 1, after + 1, count + 1
    if not count:
        return None
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    end_line = text.count("\n", 0, end) + 1
    end_column = end - (text.rfind("\n", 0, end) + 1) + 1
    return ast.Span(line, column, start, end, end_line, end_column)


def _non_null(node: ast.NonNull, ctx: Context) -> t.Any:
    """`x!`: x, or an error saying why it is null (core's handleNullCause)."""
    value = _receiver(node.expr, ctx)
    # Core points at the operand's last operation (a field's name, a call's arguments) through the `!`;
    # at the whole link (`.baz`, its dot too) when an earlier link's `?.` skipped it.
    inner = op_span(node.expr)
    gone = None
    if value is _SKIPPED:
        start, where, gone = ctx.state.skipped_at or (None, None, None)
        inner = where if start is node.expr else _link_span(node.expr)
        value = None
    value = deref_by(ctx, value, "`!`")
    where = _from_start(inner, node.span) if inner is not None else node.span
    where = _parenthesized(ctx, node) or where
    if gone is not None and gone[0].cause != "permission denied":
        from .documents import missing

        raise _at_span(_null_hint(ctx, missing(gone[0]), gone[1], where), where)
    if isinstance(value, NullDocument):
        if value.cause == "permission denied":
            raise _at_span(QueryRuntimeError("null_value", "Null value, due to permission denied"), where)
        from .documents import missing

        raise _at_span(missing(value), where)
    if value is None and isinstance(ctx.state.null_cause, GoneDocument) and ctx.state.null_cause.doc.cause != "permission denied":
        from .documents import missing

        err = _null_hint(ctx, missing(ctx.state.null_cause.doc), ctx.state.null_origin, where)
        raise _at_span(err, where)
    if value is None:
        if ctx.state.null_cause is not None and not isinstance(node.expr, ast.Literal):
            message = f"Null value, due to {ctx.state.null_cause}"
        else:
            # A null fql cannot trace (a field set to null, a native function's) most often comes from a
            # literal, which is what core says of those.
            message = "Null literal value"
        err = _null_hint(ctx, QueryRuntimeError("null_value", message), ctx.state.null_origin, where)
        raise _at_span(err, where)
    return value


# -- blocks, conditionals, lambdas ---------------------------------------------------------------------


def _block(node: ast.Block | ast.Program, ctx: Context) -> t.Any:
    result = None
    for stmt in node.body:
        if isinstance(stmt, ast.Let):
            state = ctx.state
            state.null_cause = state.null_origin = None
            value = run(stmt.value, ctx)
            kept = _null_kept(ctx) if value is None else None
            ctx = ctx.bind({stmt.name: value, NULL_KEY + stmt.name: kept} if kept else {stmt.name: value})
            result = None
        else:
            result = run(stmt, ctx)
    return result


def _if(node: ast.IfElse, ctx: Context) -> t.Any:
    cond = run(node.cond, ctx)
    if not isinstance(cond, bool):
        raise _at(
            QueryRuntimeError("type_mismatch", f"expected type: Boolean, received {dynamic_label(cond)}"),
            node.cond,
        )
    if cond:
        return run(node.then, ctx)
    if node.otherwise is None:
        made_null(ctx.state, None, node.span)  # core's evalIf: a null made at the whole `if`
        return None
    return run(node.otherwise, ctx)


def _arrow(node: ast.Arrow, ctx: Context) -> Lambda:
    params: list[str] = list(node.params)
    if node.rest is not None:
        params.append("..." + node.rest)
    return Lambda(tuple(params), node.body, ctx.env, api_version="10")


def _template(node: ast.Template, ctx: Context) -> str:
    from .misc import display_string
    from .strings import MAX_SIZE, _too_large, _u16

    # Core's string limit holds for an interpolated string too (FQL2InterpreterSpec 'str-template'), checked
    # part by part (evalStrTemplate): the first part past it fails, with the size so far, and no later
    # part runs.
    texts, size = [], 0
    for part in node.parts:
        text = part if isinstance(part, str) else display_string(ctx, run(part, ctx))
        size += _u16(text)
        if size > MAX_SIZE:
            raise _at(_too_large(size), node)
        texts.append(text)
    return "".join(texts)


def _project(node: ast.Project, ctx: Context) -> t.Any:
    value = run(node.expr, ctx)
    ctx.state.call_node = node  # where a projected set was made (sets.made_in)
    return project(ctx, value, node.fields)


def project(ctx: Context, value: t.Any, fields: tuple[tuple[str, ast.Node], ...]) -> t.Any:
    """Projection: an object of the fields, element-wise over arrays and sets; null stays null, and a
    number, string, boolean, time, date, bytes or function passes through (core's FQL2ProjectionSpec)."""
    value = deref_by(ctx, value, "Projection")
    if isinstance(value, NullDocument):
        # Core's evalProject asks whether the document is there first; if not, the projection is a null
        # that keeps why (a `!` on it is the document's not found, or its permission denied).
        made_null(ctx.state, gone_cause(value), ctx.state.call_node)
        return None
    if value is None:
        return None
    if isinstance(value, (str, int, float, Timestamp, Date, Bytes, UUID, Lambda)):
        return value
    if isinstance(value, list):
        return [_projected(ctx, v, fields) for v in value]
    from .sets import V10Set, made, mapped

    if isinstance(value, V10Set):
        return made(ctx, mapped(ctx, value, lambda c, v: _projected(c, v, fields)), "project", value, fields)
    if isinstance(value, EventSource):
        from .streams import projected_source

        return projected_source(ctx, value, fields)
    return _projected(ctx, value, fields)


def _projected(ctx: Context, value: t.Any, fields: tuple[tuple[str, ast.Node], ...]) -> dict:
    """The object of the fields read off `value`. An array's or set's elements are each made one, whatever
    they are (core's evalProject maps `this => { fields }` over them: `[1]{ a }` is `[{ a: null }]`, and a
    null element fails as a field read of null does)."""
    inner = ctx.bind({THIS: value})
    return {name: run(expr, inner) for name, expr in fields}


def _at_time(node: ast.AtTime, ctx: Context) -> t.Any:
    """`at (time) expr`: `expr` reads the database as it was at `time` (core's evalAtExpr); at the query's
    own time, as it is."""
    state = ctx.state
    # A time of a primitive type is refused before the query runs (fql/typer), as core's typer does.
    when = run(node.time, ctx)
    if not isinstance(when, Timestamp):
        message = f"expected type: Time, received {dynamic_label(when)}"
        raise _at(QueryRuntimeError("type_mismatch", message), node.time)
    now = state.ts * 1000
    if when.nanos > now:
        message = "invalid argument `at_time`: cannot evaluate `at` in the future"
        raise _at(QueryRuntimeError("invalid_argument", message), node.time)
    with past.reading_at(ctx, None if when.nanos == now else when.micros):
        return run(node.expr, ctx)


#: The chain links: each may pass _SKIPPED along to the next.
_LINKS: dict[type, t.Callable[[t.Any, Context], t.Any]] = {
    ast.Member: _member_link,
    ast.Index: _index_link,
    ast.Apply: _apply_link,
}

HANDLERS.update(
    {
        ast.Ident: _ident,
        ast.Member: _member,
        ast.Index: _index,
        ast.Apply: _apply,
        ast.NonNull: _non_null,
        ast.Unary: _unary,
        ast.Binary: _binary,
        ast.IfElse: _if,
        ast.Block: _block,
        ast.Arrow: _arrow,
        ast.Template: _template,
        ast.Project: _project,
        ast.AtTime: _at_time,
    }
)


def evaluate_program(node: ast.Program, ctx: Context) -> t.Any:
    """A v10 query: its statements are one block."""
    return _block(node, ctx)


# These modules import this one: importing them last lets each finish first (circular by design).
from . import documents as _documents, fields as _fields, hints as _hints, sets as _sets  # noqa: E402
