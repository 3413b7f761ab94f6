"""Argument types and their checks: `Number expected, String provided.` at the argument's position."""

from __future__ import annotations

import typing as t

from attrs import frozen

from ..errors import InvalidArgument
from ..values import UUID, Action, Bytes, Date, Lambda, Page, Ref, SetRef, Timestamp, TxnMicros, type_name


@frozen
class Cast:
    """A named type test; `name` is Fauna's name for it in error descriptions."""

    name: str
    check: t.Callable[[t.Any], bool]

    def __call__(self, value: t.Any, *path: str | int) -> t.Any:
        """Return `value` if it has this type, else raise invalid argument at `path`."""
        if not self.check(value):
            raise InvalidArgument(f"{self.name} expected, {type_name(value)} provided.").at(*path)
        return value

    def optional(self) -> Cast:
        return Cast(f"{self.name} or Null", lambda v: v is None or self.check(v))


def _is_int(v: t.Any) -> bool:
    # A document's `ts` in the query that wrote it is no Integer (core's TransactionTimeMicrosL).
    return isinstance(v, int) and not isinstance(v, (bool, TxnMicros))


def _is_number(v: t.Any) -> bool:
    return isinstance(v, float) or _is_int(v)


ANY = Cast("Any", lambda v: True)
NUMBER = Cast("Number", _is_number)
INTEGER = Cast("Integer", _is_int)
DOUBLE = Cast("Double", lambda v: isinstance(v, float))
#: An event's action is no String (core's Casts.String takes StringL alone).
STRING = Cast("String", lambda v: isinstance(v, str) and not isinstance(v, Action))
BOOLEAN = Cast("Boolean", lambda v: isinstance(v, bool))
ARRAY = Cast("Array", lambda v: isinstance(v, list))
OBJECT = Cast("Object", lambda v: isinstance(v, dict))
REF = Cast("Ref", lambda v: isinstance(v, Ref))
SET = Cast("Set", lambda v: isinstance(v, SetRef))
TIME = Cast("Time", lambda v: isinstance(v, Timestamp))
DATE = Cast("Date", lambda v: isinstance(v, Date))
BYTES = Cast("Bytes", lambda v: isinstance(v, Bytes))
LAMBDA = Cast("Lambda", lambda v: isinstance(v, Lambda))
PAGE = Cast("Page", lambda v: isinstance(v, Page))
ARRAY_OR_PAGE = Cast("Array or Page", lambda v: isinstance(v, (list, Page)))
ITERABLE = Cast("Array, Set, or Page", lambda v: isinstance(v, (list, Page, SetRef)))
SCALAR = Cast(
    "Scalar",
    lambda v: v is None or isinstance(v, (bool, int, float, str, Ref, Timestamp, Date, Bytes, UUID)),
)
#: A time-like value for time functions.
TEMPORAL = Cast("Time or Date", lambda v: isinstance(v, (Timestamp, Date)))
STRING_OR_ARRAY = Cast("String or Array", lambda v: isinstance(v, (str, list)))
#: The argument of a form that takes none, when given (`{"now": null}`, `{"new_id": null}`): core's Casts.Null.
NULL = Cast("Null", lambda v: v is None)
#: The database a schema ref or native collection is in: a Database ref, or none (null) for this one.
DATABASE_SCOPE = Cast("Database Ref", lambda v: v is None or (isinstance(v, Ref) and v.kind == "databases"))


def each(cast: Cast, values: t.Any, key: str) -> list:
    """Check every element of a varargs argument; positions are `[key, i]` (or `[key]` for one value).
    Every element that fails is reported, the first error raised with the others as its siblings: core's
    ZeroOrMore casts each element and sequences the results, keeping all their errors (Parser.sequence)."""
    if not isinstance(values, list):
        return [cast(values, key)]
    errors: list[InvalidArgument] = []
    for i, v in enumerate(values):
        try:
            cast(v, key, i)
        except InvalidArgument as err:
            errors.append(err)
    if errors:
        errors[0].siblings.extend(errors[1:])
        raise errors[0]
    return values


def as_list(values: t.Any) -> list:
    """A varargs argument as a list: one value becomes a one-element list."""
    return values if isinstance(values, list) else [values]
