"""`x isa T`: v10's type test against a module (`String`, `Number`, `Int`, ...) or a collection."""

from __future__ import annotations

import typing as t

from ...errors import QueryRuntimeError
from ...values import Bytes, Date, Document, Lambda, Module, NullDocument, Ref, Timestamp
from ..evaluator import Context

_INT32 = (-(1 << 31), (1 << 31) - 1)
_INT64 = (-(1 << 63), (1 << 63) - 1)


def _is_int(v: t.Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


#: Each type module's test.
_TESTS: dict[str, t.Callable[[t.Any], bool]] = {
    "Any": lambda v: True,
    "Null": lambda v: v is None or isinstance(v, NullDocument),
    "Boolean": lambda v: isinstance(v, bool),
    "Number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "Int": lambda v: _is_int(v) and _INT32[0] <= v <= _INT32[1],
    "Long": lambda v: _is_int(v) and _INT64[0] <= v <= _INT64[1],
    "Double": lambda v: isinstance(v, float),
    "Float": lambda v: isinstance(v, float),
    "String": lambda v: isinstance(v, str),
    "Array": lambda v: isinstance(v, list),
    "Object": lambda v: isinstance(v, dict),
    "Struct": lambda v: isinstance(v, dict),
    "Time": lambda v: isinstance(v, Timestamp),
    "Date": lambda v: isinstance(v, Date),
    "Bytes": lambda v: isinstance(v, Bytes),
    "Function": lambda v: isinstance(v, Lambda) or type(v).__name__ in ("BoundMethod", "StaticFunction", "UserFunction"),
    "Set": lambda v: type(v).__name__.endswith("Set") and hasattr(v, "elements"),
}


def isa(ctx: Context, value: t.Any, kind: t.Any) -> bool:
    """True if `value` has the type `kind` names; a collection means a (live) document of it."""
    if not isinstance(kind, Module):
        raise QueryRuntimeError("invalid_argument", "The right side of `isa` must be a type or a collection.")
    if kind.collection is not None:
        ref = value.ref if isinstance(value, Document) else value if isinstance(value, Ref) else None
        return isinstance(value, Document) and ref.collection == kind.collection
    test = _TESTS.get(kind.name)
    if test is None:
        raise QueryRuntimeError("invalid_argument", f"`{kind.name}` is not a type.")
    return test(value)
