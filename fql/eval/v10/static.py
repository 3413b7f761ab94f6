"""The static check a typechecked v10 query gets before it runs (core's FQLInterpreter.evalWithTypecheck):
fql/typer's checker, given what the runtime knows (the methods registered for each primitive type, the
signature parser for `let` annotations, the types of the query's arguments)."""

from __future__ import annotations

import math
import typing as t

from ... import ast
from ...errors import QueryCheckError
from ...typer import Env, check
from ...typer import types as ty
from ...values import Date, Module, Ref, Timestamp
from ...wire.v10 import java_double
from ..registry import V10_FIELDS, V10_METHODS
from . import signatures

if t.TYPE_CHECKING:
    from ..evaluator import Context

#: The registry's kind for each primitive type the checker asks about.
_KINDS = {
    "Int": "Number", "Long": "Number", "Double": "Number", "Number": "Number",
    "String": "String", "Boolean": "Boolean", "Null": "Null", "Array": "Array",
}  # fmt: skip


class RuntimeEnv(Env):
    """The checker's environment from fql's runtime: a primitive's members are the registered ones."""

    def has_member(self, owner: ty.Type, name: str) -> bool | None:
        kind = _KINDS.get(owner.name) if isinstance(owner, ty.Named) else None
        if kind is None:
            return None
        return (kind, name) in V10_METHODS or (kind, name) in V10_FIELDS

    def annotation(self, text: str) -> ty.Type | None:
        try:
            parsed = signatures.parse(text)
        except Exception:
            return None
        return _annotated(parsed)


def _annotated(node: t.Any) -> ty.Type | None:
    """A parsed signature as the checker's type, where it spells only what the checker models."""
    if isinstance(node, signatures.Keyword):
        return ty.Named(node.name)
    if isinstance(node, signatures.Singleton):
        return ty.NULL if node.value is None else ty.Lit(node.value)
    if isinstance(node, signatures.Name):
        if not node.args and node.name in signatures.SCALARS and node.name != "Float":
            return ty.Named(node.name)
        if node.name == "Array" and len(node.args) == 1:
            item = _annotated(node.args[0])
            return None if item is None else ty.Named("Array", (item,))
        return None
    if isinstance(node, signatures.Nullable):
        base = _annotated(node.base)
        return None if base is None else ty.union((base, ty.NULL))
    parts: list[t.Any]
    if isinstance(node, signatures.UnionType):
        parts = [_annotated(m) for m in node.members]
        return None if None in parts else ty.union(parts)
    if isinstance(node, signatures.TupleType):
        parts = [_annotated(i) for i in node.items]
        return None if None in parts else ty.Tuple(tuple(parts))
    if isinstance(node, signatures.ObjectType) and not node.interface:
        parts = [_annotated(v) for _, v in node.fields]
        wildcard = None if node.wildcard is None else _annotated(node.wildcard)
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
    if isinstance(value, (str, int)) and type(value) in (str, int):
        return ty.Lit(value)
    if isinstance(value, float):
        return ty.Lit(value, java_double(value)) if math.isfinite(value) else ty.Named("Double")
    if isinstance(value, Timestamp):
        return ty.Named("Time")
    if isinstance(value, Date):
        return ty.Named("Date")
    if isinstance(value, list):
        return ty.Tuple(tuple(value_type(v) for v in value))
    if isinstance(value, dict) and type(value) is dict:
        return ty.Record(tuple((k, value_type(v)) for k, v in value.items()))
    if isinstance(value, Module) and value.collection is not None and value.collection.collection is not None:
        return ty.Named(f"{value.name}Collection")
    if isinstance(value, Ref) and value.collection is not None:
        if value.collection.collection is not None:
            return ty.Named(value.collection.id)
        if value.collection.id == "collections":
            return ty.Named("CollectionDef")
    return ty.UNKNOWN


def typecheck(program: ast.Node, ctx: Context) -> str | None:
    """Check a query before it runs: QueryCheckError (`invalid_query`) with core's type errors, else the
    query's static type as core shows it (None where the checker cannot say); core's check warnings go to
    the query's `check_warnings`."""
    env = ctx.env

    def bound(name: str) -> ty.Type | None:
        return value_type(env[name]) if name in env else None

    try:
        outcome = check(program, bound, RuntimeEnv())
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
