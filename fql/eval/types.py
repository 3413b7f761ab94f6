"""Type checks (IsNumber, IsDoc, IsCollection, ...) and the conversions ToString, ToNumber, ToDouble, ToInteger."""

from __future__ import annotations

import math
import re
import typing as t
import unicodedata
from decimal import Decimal

from ..errors import InvalidArgument, InvalidRef
from ..javafloat import java_double
from ..values import (
    UUID,
    Bytes,
    Date,
    Lambda,
    Page,
    ReadDocument,
    Ref,
    SetRef,
    SourcedElement,
    Timestamp,
    TxnMicros,
    type_name,
)
from .evaluator import Context
from .refs import resolved
from .registry import builtin

#: Fauna's name for the type of a ref, by the native collection it lives in (core Type.getType).
_LONG = 1 << 63
#: What Java's NumberFormat (en_US) reads from the start of a string: sign, grouped digits, fraction,
#: exponent. It reads the longest such prefix and ignores the rest.
_NUMBER_PREFIX = re.compile(r"-?(?P<int>[0-9,]*)(?:\.(?P<frac>[0-9]*))?(?:E(?P<exp>-?[0-9]+))?")
#: Java's String.trim removes every character up to U+0020, not Unicode whitespace.
_JAVA_BLANKS = "".join(map(chr, range(33)))
#: The symbols NumberFormat reads as NaN and the infinities.
_SPECIAL_NUMBERS = {"NaN": math.nan, "-\u221e": -math.inf, "\u221e": math.inf}


def _is_number(value: t.Any) -> bool:
    # A document's `ts` in the query that wrote it is no number (core's TransactionTimeMicrosL).
    return isinstance(value, (int, float)) and not isinstance(value, (bool, TxnMicros))


def _document_ref(value: t.Any) -> Ref | None:
    """The ref of a document version (what Get returns: `{ref, ts, ...}`), or None for anything else: an
    object shaped like one, or made of one by ToObject or Merge, is an ObjectL to core, no VersionL."""
    if isinstance(value, ReadDocument) and isinstance(value.get("ref"), Ref):
        return value["ref"]
    return None


def _kind_of(value: t.Any) -> str | None:
    """The native collection a ref or a document version belongs to."""
    ref = value if isinstance(value, Ref) else _document_ref(value)
    if ref is None:
        return None
    return "collections" if ref.is_native else ref.kind


def _unresolved(ctx: Context, value: t.Any) -> bool:
    """Whether `value` is a ref core leaves unresolved (a schema ref naming nothing, or a document of a
    collection naming nothing): a Ref to IsRef, but no document, collection, database, ... to the others."""
    try:
        resolved(ctx, value)
    except InvalidRef:
        return True
    return False


def _check(name: str, test: t.Callable[[t.Any], bool], doc: str) -> None:
    """Register the type check `name` (wire key `is_...`): true when `test` holds for its argument."""

    def check(ctx: Context, value: t.Any) -> bool:
        return test(value)

    check.__doc__ = doc
    builtin(name)(check)


def _ref_check(name: str, test: t.Callable[[t.Any], bool], doc: str) -> None:
    """Register a type check of refs and documents, false for an unresolved ref (core's IsDoc and
    SchemaCollection checks match a resolved RefL or a VersionL, TypeCheckFunctions.scala)."""

    def check(ctx: Context, value: t.Any) -> bool:
        return test(value) and not _unresolved(ctx, value)

    check.__doc__ = doc
    builtin(name)(check)


_check("IsNumber", _is_number, "True for an integer or a double.")
_check("IsDouble", lambda v: isinstance(v, float), "True for a double.")
_check("IsInteger", lambda v: _is_number(v) and not isinstance(v, float), "True for an integer.")
_check("IsBoolean", lambda v: isinstance(v, bool), "True for true or false.")
_check("IsNull", lambda v: v is None, "True for null.")
_check("IsBytes", lambda v: isinstance(v, Bytes), "True for a Bytes value.")
_check("IsUUID", lambda v: isinstance(v, UUID), 'True for a UUID value (`{"@uuid": ...}` on the wire).')
_check("IsTimestamp", lambda v: isinstance(v, Timestamp), "True for a Time (not a Date).")
_check("IsDate", lambda v: isinstance(v, Date), "True for a Date.")
_check("IsString", lambda v: isinstance(v, str), "True for a string.")
_check("IsArray", lambda v: isinstance(v, list), "True for an array.")
# Core's IsObject takes an ObjectL, a page, a document version, an event or a cursor, but no ElemL: an
# element of a page read with `sources: true` is no object to it (TypeCheckFunctions.scala).
_check(
    "IsObject",
    lambda v: isinstance(v, (dict, Page)) and not isinstance(v, SourcedElement),
    "True for an object, a document, an event or a page (not an element read with `sources: true`).",
)
_check("IsRef", lambda v: isinstance(v, Ref), "True for any ref, including collection and index refs.")
_check(
    "IsSet",
    lambda v: isinstance(v, SetRef) or (isinstance(v, Ref) and v.is_native),
    "True for a set; a native collection such as `Databases()` is the set of its documents.",
)
_ref_check(
    "IsDoc",
    lambda v: isinstance(v, Ref) or _document_ref(v) is not None,
    "True for a ref or a document (any kind, schema documents too), but not a ref naming nothing.",
)
_check("IsLambda", lambda v: isinstance(v, Lambda), "True for a lambda value (`Query(Lambda(...))`).")
# Core tests the collection the ref or document lives in: `Databases()` is a collection too.
_ref_check("IsCollection", lambda v: _kind_of(v) == "collections", "True for a collection ref or document.")
_ref_check("IsDatabase", lambda v: _kind_of(v) == "databases", "True for a database ref or document.")
_ref_check("IsIndex", lambda v: _kind_of(v) == "indexes", "True for an index ref or document.")
_ref_check("IsFunction", lambda v: _kind_of(v) == "functions", "True for a user-defined function ref or document.")
_ref_check("IsKey", lambda v: _kind_of(v) == "keys", "True for a key ref or document.")
_ref_check("IsToken", lambda v: _kind_of(v) == "tokens", "True for a token ref or document.")
_ref_check("IsCredentials", lambda v: _kind_of(v) == "credentials", "True for a credentials ref or document.")
_ref_check("IsRole", lambda v: _kind_of(v) == "roles", "True for a role ref or document.")


def _cannot_cast(value: t.Any, target: str) -> InvalidArgument:
    return InvalidArgument(f"Cannot cast {type_name(value)} to {target}.")


def to_string_value(value: t.Any) -> str | None:
    """ToString's text for a scalar (None when core cannot cast it): doubles as Java prints them."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, TxnMicros):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, str):
        return str(value)  # an event's action becomes a plain string
    if isinstance(value, (Timestamp, Date)):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return None


@builtin("ToString", keys=("to_string",))
def to_string(ctx: Context, value: t.Any) -> str:
    """A scalar as a string: `ToString(1.5)` is "1.5", a time its ISO text; refs, arrays and bytes fail."""
    text = to_string_value(value)
    if text is None:
        # Core reports ToString's (and ToNumber's) cast errors at the form, not at its argument.
        raise _cannot_cast(value, "String")
    return text


def _wrap32(n: int) -> int:
    """`n` as a Java int: its low 32 bits, two's complement."""
    return (n + (1 << 31)) % (1 << 32) - (1 << 31)


def _parse_exponent(text: str | None) -> int:
    """The exponent NumberFormat adds to the decimal point's place, in its own arithmetic: it reads the
    digits as a long (ignoring an exponent that does not fit one) and casts it to an int, so
    `E4294967297` is `E1` and `E2147483648` a large negative."""
    if not text:
        return 0
    negative = text.startswith("-")
    digits = text.lstrip("-").lstrip("0") or "0"
    if len(digits) > 19 or int(digits) > _LONG - (0 if negative else 1):
        return 0
    exponent = _wrap32(int(digits))
    return _wrap32(-exponent) if negative else exponent


def _ascii_digits(text: str) -> str:
    """`text` with each decimal digit of the Basic Multilingual Plane as its ASCII digit: DecimalFormat
    reads any char Character.digit knows (`"\u0663"` is 3), but a digit beyond the plane is two chars
    to Java, neither of them a digit."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() and ord(c) <= 0xFFFF else c for c in text)


def _parse_number(text: str) -> int | float | None:
    """Java NumberFormat.parse: the longest numeric prefix, a Long when integral and in range, else a Double.

    NumberFormat keeps every digit it reads (DigitList), so `"1234567890123456789.0"` is that Long exactly,
    and a nonzero value that is not a whole number (`"1E-400"`) is a Double even when it rounds to 0."""
    text = text.strip(_JAVA_BLANKS)
    special = next((v for k, v in _SPECIAL_NUMBERS.items() if text.startswith(k)), None)
    if special is not None:
        return special
    m = _NUMBER_PREFIX.match(_ascii_digits(text))
    if not ((m["int"] or "").strip(",") or m["frac"]):
        return None
    whole = m["int"].replace(",", "").lstrip("0")
    frac = m["frac"] or ""
    digits = (whole + frac).lstrip("0")
    if not digits.rstrip("0"):
        # NumberFormat returns a Long zero, but negative zero can only be a Double.
        return -0.0 if m[0].startswith("-") else 0
    # The decimal point's place among the significant digits (0.d1d2... x 10^point), an int in Java.
    leading = len(whole) if whole else len(frac.lstrip("0")) - len(frac)
    point = _wrap32(leading + _parse_exponent(m["exp"]))
    digits = digits.rstrip("0")
    sign = -1 if m[0].startswith("-") else 1
    if len(digits) <= point <= 19:
        value = sign * int(digits) * 10 ** (point - len(digits))
        if -_LONG <= value < _LONG:
            return value
    return float(Decimal(f"{'-' if sign < 0 else ''}0.{digits}E{point}"))


def _string_number(value: t.Any, target: str) -> int | float:
    number = _parse_number(value) if isinstance(value, str) else None
    if number is None:
        raise _cannot_cast(value, target)
    return number


def java_long(d: float) -> int:
    """Java's `(long) d`: truncation toward zero, saturating at the long range, NaN as 0."""
    if d != d:
        return 0
    if d >= _LONG:
        return _LONG - 1
    if d <= -_LONG:
        return -_LONG
    return int(d)


@builtin("ToNumber", keys=("to_number",))
def to_number(ctx: Context, value: t.Any) -> int | float:
    """A number from a number or a numeric string (`"1,234"` is 1234, `"1.5"` is 1.5)."""
    if _is_number(value):
        return value
    return _string_number(value, "Number")


@builtin("ToDouble", keys=("to_double",))
def to_double(ctx: Context, value: t.Any) -> float:
    """A double from a number or a numeric string."""
    if _is_number(value):
        return float(value)
    try:
        return float(_string_number(value, "Double"))
    except InvalidArgument as err:
        raise err.at("to_double")


@builtin("ToInteger", keys=("to_integer",))
def to_integer(ctx: Context, value: t.Any) -> int:
    """An integer from a number (doubles truncate toward zero) or a numeric string."""
    if _is_number(value) or isinstance(value, str):
        try:
            number = value if _is_number(value) else _string_number(value, "Integer")
        except InvalidArgument as err:
            raise err.at("to_integer")
        return java_long(number) if isinstance(number, float) else number
    raise _cannot_cast(value, "Integer").at("to_integer")
