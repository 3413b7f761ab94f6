"""`x isa T`: v10's type test against a module (`String`, `Number`, `Int`, ...) or a collection."""

from __future__ import annotations

import typing as t

from ...errors import QueryRuntimeError
from ...values import (
    ID, UUID, Bytes, Date, Document, EventSource, Lambda, Module, NullDocument, Ref, SetCursor, Timestamp, is_long,
)
from ..evaluator import Context
from .sets import V10Set

def _is_int(v: t.Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


#: Each type module's test.
_TESTS: dict[str, t.Callable[[t.Any], bool]] = {
    "Any": lambda v: True,
    # A document that does not exist is still a document (core's Value.Doc), not null.
    "Null": lambda v: v is None,
    "Doc": lambda v: isinstance(v, (Document, NullDocument, Ref)),
    "Boolean": lambda v: isinstance(v, bool),
    "Number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    # Core's two integer types are apart: `5 isa Long` is false, `{"@long": "5"} isa Int` too.
    "Int": lambda v: _is_int(v) and not is_long(v),
    "Long": lambda v: _is_int(v) and is_long(v),
    "Double": lambda v: isinstance(v, float),
    "Float": lambda v: isinstance(v, float),
    # An ID is no String, though fql keeps it as its digits (core's StringCompanion takes a Value.Str alone).
    "String": lambda v: isinstance(v, str) and not isinstance(v, ID),
    "Array": lambda v: isinstance(v, list),
    # Core's Value.Object: structs, documents and modules (its SingletonObjects).
    "Object": lambda v: isinstance(v, (dict, Document, NullDocument, Ref, Module)),
    "Struct": lambda v: isinstance(v, dict),
    "Time": lambda v: isinstance(v, Timestamp),
    # Only the placeholder (isa, above), not even the module itself (TransactionTimeCompanion.contains).
    "TransactionTime": lambda v: False,
    "Date": lambda v: isinstance(v, Date),
    "Bytes": lambda v: isinstance(v, Bytes),
    "UUID": lambda v: isinstance(v, UUID),
    "Function": lambda v: isinstance(v, Lambda) or type(v).__name__ in ("BoundMethod", "StaticFunction", "UserFunction"),
    "ID": lambda v: isinstance(v, ID),
    "EventSource": lambda v: isinstance(v, EventSource),
    "SetCursor": lambda v: isinstance(v, SetCursor),
    # Any set, derived ones (`map`, `pageSize`) too, as core's `case _: Value.Set`.
    "Set": lambda v: isinstance(v, V10Set),
}


#: The native collection `Function` stands for.
_FUNCTIONS = Ref("functions")


def isa(ctx: Context, value: t.Any, kind: t.Any) -> bool:
    """True if `value` has the type `kind` names; a collection means a document of it. Any other
    module (`Math`) is a type of one member, itself, as core's `ModuleObject.contains` has it."""
    if not isinstance(kind, Module):
        raise QueryRuntimeError("invalid_argument", "invalid argument `type_object`: expected a module object")
    if kind.parent is not None:
        # `Collection.Deleted` holds no value (core's `contains` is false).
        return False
    if kind.collection is not None:
        if kind.collection == _FUNCTIONS and _TESTS["Function"](value):
            # `Function` is the functions' collection and the type of every function: a lambda, a native
            # function, a user function (core's FunctionCompanion.contains; FQL2FunctionsSpec 'isa').
            return True
        # Any document of the collection, whether or not it exists (core's CollectionCompanion.contains
        # compares the id's collection only).
        ref = value.ref if isinstance(value, (Document, NullDocument)) else value if isinstance(value, Ref) else None
        return ref is not None and ref.collection == kind.collection
    if kind.name in ("Time", "TransactionTime") and isinstance(value, Timestamp):
        # TransactionTime() (and a written document's ts) is core's placeholder, no Time.
        return ctx.state.is_transaction_time(value) == (kind.name == "TransactionTime")
    test = _TESTS.get(kind.name)
    if test is None:
        return value == kind
    return test(value)
