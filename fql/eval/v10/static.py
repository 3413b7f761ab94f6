"""The static check a typechecked v10 query gets before it runs (core's FQLInterpreter.evalWithTypecheck):
fql/typer's checker, given what the runtime knows (the methods registered for each primitive type, the
stdlib's signatures in stdlib_types, the signature parser for them and for `let` annotations, the types of
the query's arguments)."""

from __future__ import annotations

import functools
import math
import typing as t

from ... import ast
from ...errors import QueryCheckError
from ...typer import Env, check
from ...typer import types as ty
from ...values import Date, Module, Ref, Timestamp
from ...wire.v10 import java_double
from ..registry import V10_FIELDS, V10_METHODS
from . import signatures, stdlib_types

if t.TYPE_CHECKING:
    from ..evaluator import Context

#: The registry's kind for each primitive type the checker asks about.
_KINDS = {
    "Int": "Number", "Long": "Number", "Double": "Number", "Number": "Number",
    "String": "String", "Boolean": "Boolean", "Null": "Null", "Array": "Array",
}  # fmt: skip


#: The stdlib types whose members the checker is given (modules apart): the primitives and plain values.
#: A collection's, a document's, a set's and an array's stay unknown.
_MEMBERS_OF = frozenset(("String", "Boolean", "Int", "Long", "Double", "Number", "Time", "Date", "Bytes", "ID"))


class RuntimeEnv(Env):
    """The checker's environment from fql's runtime: a primitive's members are the registered ones, the
    stdlib's globals and their members' types are the signature table's (stdlib_types), where the checker
    can model them (no generics yet: those are unknown)."""

    def global_type(self, name: str) -> ty.Type | None:
        # fql resolves a stdlib name before a user collection or function (globals.resolve), as core
        # reserves them.
        found = stdlib_types.global_type(name)
        if found is None:
            return None
        # A module or a native collection is its type (`Math` is `MathModule`, `Key` is `KeyCollection`).
        return ty.Named(found) if stdlib_types.shape(found) is not None else _stdlib(found)

    def member_type(self, owner: ty.Type, name: str) -> ty.Type | None:
        kind = _shape_of(owner)
        found = None if kind is None else stdlib_types.signature(kind, name)
        return None if found is None else _stdlib(found)

    def has_member(self, owner: ty.Type, name: str) -> bool | None:
        if not isinstance(owner, ty.Named):
            return None
        if owner.name in _KINDS:
            kind = _KINDS[owner.name]
            return (kind, name) in V10_METHODS or (kind, name) in V10_FIELDS
        shape = stdlib_types.shape(owner.name) if not owner.args else None
        if shape is None or shape.type_hint != "module":
            return None
        return name in shape.fields

    def apply_type(self, owner: ty.Type) -> ty.Type | None:
        shape = stdlib_types.shape(owner.name) if isinstance(owner, ty.Named) and not owner.args else None
        if shape is None or shape.type_hint != "module" or shape.apply is None:
            return None
        return _stdlib(shape.apply)

    def callable(self, owner: ty.Type) -> bool | None:
        if not isinstance(owner, ty.Named) or owner.args:
            return None
        if owner.name in _KINDS and owner.name not in ("Array", "Null"):
            # (Calling null is left alone: core may word it as a null's failure.)
            return False
        shape = stdlib_types.shape(owner.name)
        return None if shape is None or shape.type_hint != "module" else shape.apply is not None

    def annotation(self, text: str) -> ty.Type | None:
        try:
            parsed = signatures.parse(text)
        except Exception:
            return None
        return _annotated(parsed)


def _shape_of(owner: ty.Type) -> str | None:
    """The stdlib type whose members a value of the type `owner` has, where the checker is given them."""
    if not isinstance(owner, ty.Named) or owner.args:
        return None
    if owner.name in _MEMBERS_OF:
        return owner.name
    shape = stdlib_types.shape(owner.name)
    return owner.name if shape is not None and shape.type_hint == "module" else None


@functools.cache
def _stdlib(text: str) -> ty.Type | None:
    """A signature of the table (`(x: Number) => Number`, `MathModule`) as the checker's type; None for
    one it does not model (a generic, a variadic, a document or collection type). Cached: the table's
    signatures are a fixed set, parsed once each rather than on every query's check."""
    if text.startswith("<"):
        return None
    try:
        parsed = signatures.parse(text)
    except signatures.SignatureError:
        return None
    return _annotated(parsed, stdlib=True)


#: The stdlib's plain types a signature of the table may name for the checker: the modules, and values
#: with no type arguments that are no documents or collections (whose types the checker does not model).
_PLAIN_TYPES = frozenset(
    {name for name, shape in stdlib_types.SHAPES.items() if shape.type_hint == "module"}
    | {"ID", "UUID", "Time", "Date", "Bytes", "TransactionTime", "SetCursor"}
)


def _annotated(node: t.Any, stdlib: bool = False) -> ty.Type | None:
    """A parsed signature as the checker's type, where it spells only what the checker models; `stdlib`
    allows what only the stdlib's signatures spell to it: functions and overloads."""
    if stdlib and isinstance(node, signatures.LambdaType):
        if node.variadic is not None or len(node.names) != len(node.params):
            return None
        params = [_annotated(p, stdlib) for p in node.params]
        result = _annotated(node.result, stdlib)
        if None in params or result is None:
            return None
        return ty.Func(tuple(params), result, node.names)  # type: ignore[arg-type]
    if stdlib and isinstance(node, signatures.IntersectType):
        members = [_annotated(m, stdlib) for m in node.members]
        if not all(isinstance(m, ty.Func) for m in members):
            return None
        return ty.Intersect(tuple(members))  # type: ignore[arg-type]
    if isinstance(node, signatures.Keyword):
        return ty.Named(node.name)
    if isinstance(node, signatures.Singleton):
        return ty.NULL if node.value is None else ty.Lit(node.value)
    if isinstance(node, signatures.Name):
        if not node.args and node.name in signatures.SCALARS and node.name != "Float":
            return ty.Named(node.name)
        if not node.args and node.name in _PLAIN_TYPES:
            return ty.Named(node.name)
        if node.name == "Array" and len(node.args) == 1:
            item = _annotated(node.args[0], stdlib)
            return None if item is None else ty.Named("Array", (item,))
        return None
    if isinstance(node, signatures.Nullable):
        base = _annotated(node.base, stdlib)
        return None if base is None else ty.union((base, ty.NULL))
    parts: list[t.Any]
    if isinstance(node, signatures.UnionType):
        parts = [_annotated(m, stdlib) for m in node.members]
        return None if None in parts else ty.union(parts)
    if isinstance(node, signatures.TupleType):
        parts = [_annotated(i, stdlib) for i in node.items]
        return None if None in parts else ty.Tuple(tuple(parts))
    if isinstance(node, signatures.ObjectType) and not node.interface:
        parts = [_annotated(v, stdlib) for _, v in node.fields]
        wildcard = None if node.wildcard is None else _annotated(node.wildcard, stdlib)
        if None in parts or (node.wildcard is not None and wildcard is None):
            return None
        return ty.Record(tuple(zip((k for k, _ in node.fields), parts)), wildcard)
    return None


def value_type(value: t.Any) -> ty.Type:
    """The type core's typer gives a value bound before the query runs (an argument, a template value):
    a singleton for a string or number, the type's name for the rest (FQL2QueryTemplateSpec "typechecks
    query arguments correctly"); UNKNOWN where fql does not know it."""
    if value is None:
        return ty.NULL
    if isinstance(value, bool):
        return ty.BOOLEAN
    if type(value) in (str, int):
        return ty.Lit(value)
    if isinstance(value, float):
        return ty.Lit(value, java_double(value)) if math.isfinite(value) else ty.Named("Double")
    if isinstance(value, Timestamp):
        return ty.Named("Time")
    if isinstance(value, Date):
        return ty.Named("Date")
    if isinstance(value, list):
        return ty.Tuple(tuple(value_type(v) for v in value))
    if type(value) is dict:
        return ty.Record(tuple((k, value_type(v)) for k, v in value.items()))
    if isinstance(value, Module) and value.collection is not None and value.collection.collection is not None:
        return ty.Named(f"{value.name}Collection")
    if isinstance(value, Ref) and value.collection is not None:
        if value.collection.collection is not None:
            return ty.Named(value.collection.id)
        if value.collection.id == "collections":
            return ty.Named("CollectionDef")
    return ty.UNKNOWN


#: Outcomes of checks, by program and the types of the bound names the check asked for: the parse cache
#: hands one Program to one text, and a check depends on nothing but the program and those types
#: (RuntimeEnv reads no database), so a query run again, with arguments of the same types, is not checked
#: again. Keyed by identity: equal programs may differ in their spans.
_CHECKED: dict[int, tuple[ast.Node, tuple[str, ...], dict[tuple, t.Any]]] = {}
_CHECKED_MAX = 512


def _outcome(program: ast.Node, env: t.Mapping[str, t.Any]) -> t.Any:
    hit = _CHECKED.get(id(program))
    if hit is not None and hit[0] is program:
        found = hit[2].get(tuple(_bound_type(env, name) for name in hit[1]))
        if found is not None:
            return found
    # The bound names the check asked for, in order, with the types it was given.
    asked: dict[str, ty.Type | None] = {}

    def bound(name: str) -> ty.Type | None:
        if name not in asked:
            asked[name] = _bound_type(env, name)
        return asked[name]

    outcome = check(program, bound, RuntimeEnv())
    names = tuple(asked)
    if hit is None or hit[0] is not program or hit[1] != names:
        if len(_CHECKED) >= _CHECKED_MAX:
            _CHECKED.clear()
        hit = _CHECKED[id(program)] = (program, names, {})
    if len(hit[2]) < 16:
        hit[2][tuple(asked.values())] = outcome
    return outcome


def _bound_type(env: t.Mapping[str, t.Any], name: str) -> ty.Type | None:
    """The type of a name the query is run with, None for one it is not."""
    return value_type(env[name]) if name in env else None


def typecheck(program: ast.Node, ctx: Context) -> str | None:
    """Check a query before it runs: QueryCheckError (`invalid_query`) with core's type errors, else the
    query's static type as core shows it (None where the checker cannot say); core's check warnings go to
    the query's `check_warnings`."""
    try:
        outcome = _outcome(program, ctx.env)
    except RecursionError:
        # FQL2TypecheckSpec "typechecking should not 500": core's TypecheckStackOverflow, over the query.
        raise QueryCheckError("Typechecking failed due to query complexity.", span=program.span) from None
    if outcome.errors:
        raise _failure(outcome.errors)
    ctx.state.check_warnings = [_error(w) for w in outcome.warnings]
    return outcome.shown


def _failure(errors: t.Sequence[t.Any]) -> QueryCheckError:
    """One QueryCheckError for them all: the first, with the rest in `more` (core's QueryCheckFailure)."""
    first, *rest = (_error(e) for e in errors)
    first.more = rest
    return first


def _error(error: t.Any) -> QueryCheckError:
    out = QueryCheckError(error.message, span=error.span)
    out.hints = [
        (message, "query", None, span, *(() if suggestion is None else (suggestion,)))
        for message, span, suggestion in error.hints
    ]
    return out
