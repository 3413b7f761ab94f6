"""v10 Object statics: keys, values, entries, fromEntries, assign, select, hasPath, toString.

keys, values, entries and assign also take a document (its `id`, `coll`, `ts` and fields); select and
hasPath take only objects.
"""

from __future__ import annotations

import typing as t

from ...errors import QueryRuntimeError
from ...values import Module, NullDocument
from ..evaluator import Context, null_because
from ..registry import static
from .expressions import deref
from .misc import (
    ANY,
    ARRAY,
    OBJECT,
    OBJECT_OR_DOC,
    arg,
    display_string,
    document_fields,
    value_type,
)

_NOTHING = object()


def _invalid(name: str, reason: str) -> QueryRuntimeError:
    return QueryRuntimeError("invalid_argument", f"invalid argument `{name}`: {reason}")


def fields_of(ctx: Context, value: t.Any, name: str) -> dict:
    """An object argument's fields; a document's are `id`, `coll`, `ts` (`ttl`) and its data. A module
    (`Math`, a collection) passes the argument's type check, as core's SingletonObject is a Value.Object,
    and is refused here (core's materializeStructOrDoc)."""
    value = deref(ctx, arg(value, name, OBJECT_OR_DOC))
    if isinstance(value, dict):
        return value
    if isinstance(value, Module):
        raise _invalid(name, "expected either an object or a document")
    if isinstance(value, NullDocument):
        from .documents import missing

        reason = missing(value).description
        raise _invalid(name, reason[:1].lower() + reason[1:])
    return document_fields(value)


@static("Object", "keys")
def keys(ctx: Context, object: t.Any) -> list[str]:
    """The object's field names, in order."""
    return list(fields_of(ctx, object, "object"))


@static("Object", "values")
def values(ctx: Context, object: t.Any) -> list:
    """The object's field values, in order."""
    return list(fields_of(ctx, object, "object").values())


@static("Object", "entries")
def entries(ctx: Context, object: t.Any) -> list[list]:
    """The object's fields as `[name, value]` pairs."""
    return [[k, v] for k, v in fields_of(ctx, object, "object").items()]


def _entry(value: t.Any, i: int) -> tuple[str, t.Any]:
    if not isinstance(value, list):
        raise _invalid(
            "entries",
            f"expected an array for each element of the outer array, but saw type {value_type(value)} at index {i}",
        )
    if len(value) != 2:
        raise _invalid("entries", f"expected inner array of length 2 but saw length {len(value)} at index {i}")
    if not isinstance(value[0], str):
        raise _invalid(
            "entries",
            "expected a string for the first element of each inner array, "
            f"but saw type {value_type(value[0])} at index {i}",
        )
    return value[0], value[1]


@static("Object", "fromEntries")
def from_entries(ctx: Context, entries: t.Any) -> dict:
    """An object from `[name, value]` pairs; a repeated name keeps its last value."""
    return dict(_entry(v, i) for i, v in enumerate(arg(entries, "entries", ARRAY)))


@static("Object", "assign")
def assign(ctx: Context, destination: t.Any, source: t.Any) -> dict:
    """`destination`'s fields updated and extended by `source`'s."""
    arg(destination, "destination", OBJECT_OR_DOC)
    arg(source, "source", OBJECT_OR_DOC)
    into = fields_of(ctx, destination, "destination")
    return {**into, **fields_of(ctx, source, "source")}


def _select(value: dict, path: list) -> t.Any:
    """The value at `path`, or _NOTHING; only objects are descended into."""
    current: t.Any = value
    for key in path:
        if not isinstance(key, str):
            raise _invalid("path", "expected an array of strings")
        if not isinstance(current, dict) or key not in current:
            return _NOTHING
        current = current[key]
    return current


@static("Object", "select")
def select(ctx: Context, object: t.Any, path: t.Any) -> t.Any:
    """The value at `path` (an array of field names), or null."""
    found = _select(arg(object, "object", OBJECT), arg(path, "path", ARRAY))
    return null_because(ctx, "no value in object found at path") if found is _NOTHING else found


@static("Object", "hasPath")
def has_path(ctx: Context, object: t.Any, path: t.Any) -> bool:
    """True if `path` (an array of field names) leads to a field."""
    return _select(arg(object, "object", OBJECT), arg(path, "path", ARRAY)) is not _NOTHING


@static("Object", "toString")
def to_string(ctx: Context, object: t.Any) -> str:
    """Any value as text, as its `toString()` would show it."""
    return display_string(ctx, arg(object, "object", ANY))
