"""v10 globals (abort, dbg, log, newId, asc/desc, ID, Bytes) and what the v10 families share: argument checks,
the display and debug text of values, and value ordering.

Argument checks follow core's `NativeFunction`: a method with one signature names the bad parameter
(``expected value for `index` of type Int, received String``); an overloaded one lists its signatures of that
arity (``expected arguments to `slice` of type (Int, Int), received (Int, Null)``). Casting is core's too:
an Int parameter takes a Long that fits and a whole Double (`"abc".at(1.0)` works).

`asc(fn)` and `desc(fn)` answer core's ordering objects, `{ asc: fn }` and `{ desc: fn }`, and a plain
function orders ascending. `orderings(args)` reads them into `Ordering(fn, descending)` values (checking
them as core does, with argument names `ordering0`, `ordering1`...) and `sort(ctx, values, keys)` sorts by
them with core's total order of values (`compare`): Array.order and Set.order both use these.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import math
import struct
import typing as t
import unicodedata

from attrs import frozen

from ...errors import QueryRuntimeError, TransactionAborted
from ...javafloat import java_digits
from ...values import (
    UUID,
    ID,
    Bytes,
    Date,
    Document,
    EventSource,
    Lambda,
    Module,
    NullDocument,
    Ref,
    SetCursor,
    Timestamp,
    is_long,
    module_name,
    parse_long,
)
from ..access import may_see_logs
from ..evaluator import Context, null_because
from ..registry import method, static
from ..types import java_double
from . import globals as names
from .expressions import TRANSACTION_TIME, BoundMethod, as_v10, call_function, deref, placeholder, placeholders

#: Stands for an optional argument that was not given (a given null is a value).
ABSENT: t.Any = type("Absent", (), {"__repr__": lambda self: "ABSENT", "__slots__": ()})()

_INT_MIN, _INT_MAX = -(1 << 31), (1 << 31) - 1
LONG_MIN, LONG_MAX = -(1 << 63), (1 << 63) - 1

# -- argument checks -----------------------------------------------------------------------------------


#: The times standing for the running v10 query's own (its QueryState.txn_times), by id: `value_type`
#: names them as core names its placeholder, which no argument check takes for a Time.
_TXN_TIMES: contextvars.ContextVar[dict] = contextvars.ContextVar("v10_txn_times", default={})


@contextlib.contextmanager
def transaction_times(times: dict) -> t.Iterator[None]:
    """Let `value_type` tell the query's transaction times (`times`, QueryState.txn_times) while it runs."""
    token = _TXN_TIMES.set(times)
    try:
        yield
    finally:
        _TXN_TIMES.reset(token)


def value_type(value: t.Any) -> str:
    """Core's name for a value's dynamic type in argument errors (`Int`, `Array<Any>`, `{ *: Any }`)."""
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Long" if is_long(value) else "Int"
    if isinstance(value, float):
        return "Double"
    if value is None:
        return "Null"
    if isinstance(value, ID):
        return "ID"
    if value is TRANSACTION_TIME or (isinstance(value, Timestamp) and _TXN_TIMES.get().get(id(value)) is value):
        return "TransactionTime"
    simple = {
        str: "String",
        list: "Array<Any>",
        dict: "{ *: Any }",
        Timestamp: "Time",
        Date: "Date",
        Bytes: "Bytes",
        UUID: "UUID",
        EventSource: "EventSource<Any>",
        SetCursor: "SetCursor",
    }
    for kind, name in simple.items():
        if isinstance(value, kind):
            return name
    if isinstance(value, (Document, NullDocument, Ref)):
        return "Doc"
    if isinstance(value, Lambda):
        return "Lambda"
    if isinstance(value, Module):
        return value.name
    if is_set(value):
        return "Set<Any>"
    return "Function"


class Kind:
    """A parameter type: its name in messages and a cast that answers the converted value or raises TypeError."""

    def __init__(self, name: str, cast: t.Callable[[t.Any], t.Any]):
        self.name = name
        self.cast = cast

    def __repr__(self) -> str:
        return self.name


def _is_number(value: t.Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _only(test: t.Callable[[t.Any], bool]) -> t.Callable[[t.Any], t.Any]:
    def cast(value: t.Any) -> t.Any:
        if not test(value):
            raise TypeError
        return value

    return cast


def _scala_long(text: str) -> int | None:
    """Scala's `toLongOption`, which TypeTag.ID casts a String with: an optional sign, then decimal digits
    of any script (Character.digit of each UTF-16 char: `"٣"` is 3), within a Long; else None."""
    signed = len(text) > 1 and text[0] in "+-"
    body = text[1:] if signed else text
    if not body:
        return None
    if body.isascii():
        if not body.isdecimal():  # ASCII's Nd chars are its digits (an id, mostly: no per-char lookup)
            return None
    elif not all(c <= "\uffff" and unicodedata.category(c) == "Nd" for c in body):
        return None
    number = -int(body) if signed and text[0] == "-" else int(body)
    return number if LONG_MIN <= number <= LONG_MAX else None


def _to_doc_id(value: t.Any) -> str:
    number = None
    if isinstance(value, str):
        number = _scala_long(value)
    elif isinstance(value, int) and not isinstance(value, bool) and LONG_MIN <= value <= LONG_MAX:
        number = value
    if number is None:
        raise TypeError
    return str(number)


def _to_int(value: t.Any) -> int:
    # Core's Int takes a Long that fits and a whole Double in range (`isValidInt`).
    if isinstance(value, int) and not isinstance(value, bool) and _INT_MIN <= value <= _INT_MAX:
        return int(value)
    if isinstance(value, float) and value.is_integer() and _INT_MIN <= value <= _INT_MAX:
        return int(value)
    raise TypeError


def is_set(value: t.Any) -> bool:
    from .sets import V10Set  # sets use this module's orderings

    return isinstance(value, V10Set)


def is_function(value: t.Any) -> bool:
    return isinstance(value, (Lambda, BoundMethod, names.StaticFunction, names.UserFunction))


ANY = Kind("Any", lambda v: v)
INT = Kind("Int", _to_int)
NUMBER = Kind("Number", _only(_is_number))
#: A String; an ID, which fql keeps as its digits, is none (core's TypeTag.Str takes a Value.Str alone).
STRING = Kind("String", _only(lambda v: isinstance(v, str) and not isinstance(v, ID)))
ARRAY = Kind("Array<Any>", _only(lambda v: isinstance(v, list)))
OBJECT = Kind("{ *: Any }", _only(lambda v: isinstance(v, dict)))
#: Object.keys/values/entries/assign also take a document, and a module (core's AnyObject takes every
#: Value.Object, a SingletonObject too; objects.fields_of then refuses the module).
OBJECT_OR_DOC = Kind("{ *: Any }", _only(lambda v: isinstance(v, (dict, Document, NullDocument, Ref, Module))))
TIME = Kind("Time", _only(lambda v: isinstance(v, Timestamp)))
DATE = Kind("Date", _only(lambda v: isinstance(v, Date)))
FUNCTION = Kind("Function", _only(is_function))
#: A document id (core's TypeTag.ID): an ID, a Long, or a String a Long parses from; the id's digits.
DOC_ID = Kind("ID", lambda v: _to_doc_id(v))
SET = Kind("Set<Any>", _only(lambda v: is_set(v)))
#: Any document, null documents too (core's TypeTag.AnyDoc, whose values are all Value.Doc).
DOC = Kind("Doc", _only(lambda v: isinstance(v, (Document, NullDocument, Ref))))


def arg(value: t.Any, name: str, kind: Kind) -> t.Any:
    """`value` cast to `kind`, or core's error for the parameter `name` of a single-signature function."""
    try:
        return kind.cast(value)
    except TypeError:
        raise QueryRuntimeError(
            "invalid_argument", f"expected value for `{name}` of type {kind.name}, received {value_type(value)}"
        ) from None


def overload(fn_name: str, args: tuple, *signatures: tuple[Kind, ...]) -> tuple:
    """The given arguments (ABSENT ones dropped) cast by the first signature of their arity that takes them."""
    given = tuple(a for a in args if a is not ABSENT)
    candidates = [s for s in signatures if len(s) == len(given)]
    for signature in candidates:
        try:
            return tuple(kind.cast(v) for kind, v in zip(signature, given))
        except TypeError:
            continue
    expected = " | ".join("(" + ", ".join(k.name for k in s) + ")" for s in candidates)
    received = "(" + ", ".join(value_type(v) for v in given) + ")"
    message = f"expected arguments to `{fn_name}` of type {expected}, received {received}"
    raise QueryRuntimeError("invalid_argument", message)


def arity(fn: t.Any) -> tuple[int, int | None] | None:
    """(fewest, most) arguments a function value takes (most None: any number); None when unknown (UDFs)."""
    if isinstance(fn, Lambda):
        fn = as_v10(fn)
        params = [fn.params] if isinstance(fn.params, str) else list(fn.params)
        if params and isinstance(params[-1], str) and params[-1].startswith("..."):
            return len(params) - 1, None
        return len(params), len(params)
    if isinstance(fn, (BoundMethod, names.StaticFunction)):
        return fn.method.min_args, fn.method.max_args
    return None


def _arity_text(low: int, high: int | None) -> str:
    if high is None:
        return {0: "any number of parameters", 1: "at least 1 parameter"}.get(low, f"at least {low} parameters")
    if low == high:
        return {0: "no parameters", 1: "exactly 1 parameter"}.get(low, f"exactly {low} parameters")
    counts = [str(n) for n in range(low, high + 1)]
    return ", ".join(counts[:-1]) + f" or {counts[-1]} parameters"


def callback(value: t.Any, name: str, count: int, arity_name: str | None = None) -> t.Any:
    """`value` as a function that must accept `count` arguments (core checks before any call).

    A type error names the parameter `name`; an arity error names `arity_name`, which core sometimes
    spells differently (`where` checks `pred`, `forEach` checks `fn`).
    """
    fn = arg(value, name, FUNCTION)
    found = arity(fn)
    if found is not None and not (found[0] <= count and (found[1] is None or count <= found[1])):
        plural = "" if count == 1 else "s"
        raise QueryRuntimeError(
            "invalid_argument",
            f"`{arity_name or name}` should accept {count} parameter{plural}, "
            f"provided function requires {_arity_text(*found)}.",
        )
    return fn


def boolean_result(value: t.Any, blame: t.Any = ABSENT) -> bool:
    """A predicate's verdict: true, or false for false and null; anything else is a type mismatch.

    The error names the type of `blame` when given (core's `filter` names the element, not the verdict).
    """
    if value is None or value is False:
        return False
    if value is True:
        return True
    shown = value if blame is ABSENT else blame
    raise QueryRuntimeError("type_mismatch", f"expected type: Boolean, received {value_type(shown)}")


# -- text ----------------------------------------------------------------------------------------------

#: How a debug string escapes characters (core's MaterializedValue.escape).
_ESCAPES = {
    "\\": "\\\\", "\0": "\\0", "'": "\\'", '"': '\\"', "`": "\\`", "\n": "\\n", "\r": "\\r", "\x0b": "\\v",
    "\t": "\\t", "\b": "\\b", "\f": "\\f", "#": "\\#",
}


def quote(text: str) -> str:
    """A string as FQL source: double quotes, with core's escapes."""
    return '"' + "".join(_ESCAPES.get(c, c) for c in text) + '"'


def _is_ident(key: str) -> bool:
    # Java's Character.isLetter/isLetterOrDigit over UTF-16 chars: astral characters never qualify.
    def letter(c: str) -> bool:
        return ord(c) < 0x10000 and unicodedata.category(c) in ("Lu", "Ll", "Lt", "Lm", "Lo")

    def digit(c: str) -> bool:
        return ord(c) < 0x10000 and unicodedata.category(c) == "Nd"

    return bool(key) and letter(key[0]) and all(c == "_" or letter(c) or digit(c) for c in key)


def display_string(ctx: Context, value: t.Any) -> str:
    """`toString()` and string concatenation: a string as is, a whole double without `.0`, else `debug_string`."""
    if isinstance(value, str):
        return str(value)  # an ID's digits, as a String
    if isinstance(value, float) and value.is_integer():
        # Core prints whole doubles with Java's "%.0f" (ToString.toDisplayString): 2.0 is "2", and a large
        # one is Formatter's digits padded with zeros, not its exact value (1e23 is "99999999999999990000000").
        sign = "-" if math.copysign(1.0, value) < 0 else ""
        return sign + format(java_digits(abs(value)), "f")
    if isinstance(value, float):
        return java_double(value)
    if placeholder(ctx, value) is TRANSACTION_TIME:
        return "[transaction time]"
    if isinstance(value, (Timestamp, Date)):
        return value.isoformat()
    if isinstance(value, Bytes):
        return value.base64()
    if isinstance(value, UUID):
        return str(value)
    return debug_string(ctx, value)


def debug_string(ctx: Context, value: t.Any, nested: bool = False) -> str:
    """`dbg()` and nested values in `toString()`: FQL-like text (`"a"`, `Time("...")`, `{ a: 1 }`)."""
    value = value if nested else deref(ctx, value)
    if value is None or isinstance(value, NullDocument):
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, ID):
        return f'ID("{value}")'
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, list):
        return "[" + ", ".join(debug_string(ctx, v, nested) for v in value) + "]"
    if isinstance(value, dict):
        return _debug_object(ctx, value, nested)
    if isinstance(value, (Document, Ref)):
        return _debug_document(ctx, value, nested)
    if placeholder(ctx, value) is TRANSACTION_TIME:
        return "TransactionTime()"
    return _debug_scalar(value)


def _debug_object(ctx: Context, value: dict, nested: bool) -> str:
    if not value:
        return "{}"
    fields = (f"{k if _is_ident(k) else quote(k)}: {debug_string(ctx, v, nested)}" for k, v in value.items())
    return "{ " + ", ".join(fields) + " }"


def document_fields(doc: Document) -> dict:
    """A document's fields as core lists them: `id` (an ID; a schema document's `name`), `coll`, `ts`, `ttl`, data."""
    head, key = ("name", str(doc.id)) if doc.ref.is_schema else ("id", ID(doc.id))
    fields: dict = {head: key, "coll": Module(doc.coll, doc.ref.collection), "ts": doc.ts}
    if doc.ttl is not None:
        fields["ttl"] = doc.ttl
    fields.update((k, v) for k, v in doc.data.items() if k not in fields)
    return fields


def _debug_document(ctx: Context, doc: Document | Ref, nested: bool) -> str:
    ref = doc.ref if isinstance(doc, Document) else doc
    if nested or not isinstance(doc, Document):
        # A document inside a document shows as a reference, which breaks reference cycles.
        return f"[doc {ref.id} in {module_name(ref.collection)}]"
    return _debug_object(ctx, document_fields(doc), True)


def _debug_scalar(value: t.Any) -> str:
    if isinstance(value, Timestamp):
        return f'Time("{value.isoformat()}")'
    if isinstance(value, Date):
        return f'Date("{value.isoformat()}")'
    if isinstance(value, Bytes):
        return f'Bytes("{value.base64()}")'
    if isinstance(value, UUID):
        return repr(value)
    if isinstance(value, Module):
        # A module that is a field of another shows its parent too (core's ToString): `Collection.Deleted`.
        return repr(value)
    if isinstance(value, Lambda):
        return "[function <lambda>]"
    if isinstance(value, (BoundMethod, names.StaticFunction)):
        return f"[function {value.method.name}()]"
    if isinstance(value, names.UserFunction):
        return f"[function {value.shown}()]"
    if callable(value) and hasattr(value, "index"):
        # A collection's index is one of its static functions (core's Collections.scala defStaticFunction).
        return f"[function {value.name}()]"
    if isinstance(value, EventSource):
        return "[event source]"
    # Core shows a placeholder for sets, so that printing one does not read it all.
    return "[set]"


# -- ordering ------------------------------------------------------------------------------------------


@frozen
class Ordering:
    """One sort key of `order()`: `fn` maps an element to its key; `descending` reverses that key's order."""

    fn: t.Any
    descending: bool = False


def orderings(args: t.Sequence[t.Any]) -> list[Ordering]:
    """The `order(...)` arguments as Orderings: a function (ascending), or `{ asc: fn }` / `{ desc: fn }`."""
    out = []
    for i, value in enumerate(args):
        name = f"ordering{i}"
        if is_function(value):
            out.append(Ordering(callback(value, name, 1)))
        elif isinstance(value, dict) and len(value) == 1 and is_function(value.get("asc", value.get("desc"))):
            out.append(Ordering(callback(next(iter(value.values())), name, 1), "desc" in value))
        else:
            arg(value, name, FUNCTION)
    return out


def _sort_key(ctx: Context, key: Ordering, value: t.Any) -> t.Any:
    return value if key.fn is None else call_function(ctx, key.fn, [value])


def sort(ctx: Context, values: t.Iterable[t.Any], keys: t.Sequence[Ordering]) -> list:
    """`values` stably sorted by `keys` (no keys: by the values themselves, ascending)."""
    keys = keys or [Ordering(None)]
    keyed = [([placeholders(ctx, _sort_key(ctx, k, v)) for k in keys], v) for v in values]

    def order(a: tuple, b: tuple) -> int:
        for key, x, y in zip(keys, a[0], b[0]):
            c = compare(y, x) if key.descending else compare(x, y)
            if c:
                return c
        return 0

    return [v for _, v in sorted(keyed, key=functools.cmp_to_key(order))]


#: Where sets fall in the total order of types; `<` weighs two by core's hash codes (sets.core_hash).
SET_RANK = 13


def rank(value: t.Any) -> int:
    """Core's total order of types: numbers, bytes, strings, arrays, objects, ids, documents, times..."""
    if value is None:
        return 18
    if isinstance(value, bool):
        return 11
    if isinstance(value, ID):
        return 5
    for rank, kind in enumerate(((int, float), Bytes, str, list, dict)):
        if isinstance(value, kind):
            return rank
    if isinstance(value, (Document, NullDocument, Ref)):
        return 6
    if value is TRANSACTION_TIME:
        return 8
    ranks = ((Timestamp, 7), (Date, 9), (UUID, 10), (Module, 12), (SetCursor, 14), (Lambda, 15), (EventSource, 17))
    for kind, rank in ranks:
        if isinstance(value, kind):
            return rank
    return SET_RANK if is_set(value) else 16


def _signed(n: int) -> int:
    """A 32-bit hash code as Java's signed Int."""
    return n - (1 << 32) if n >= 1 << 31 else n


def _sign(n: float) -> int:
    return (n > 0) - (n < 0)


def compare_numbers(a: float, b: float) -> int:
    """Java's comparison of numbers: exact for two integers, else Double.compare (NaN last, -0.0 < 0.0)."""
    if isinstance(a, int) and isinstance(b, int):
        return _sign(a - b)
    x, y = float(a), float(b)
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) - math.isnan(y)
    if x == y:
        return _sign(math.copysign(1, x) - math.copysign(1, y))
    return -1 if x < y else 1


def _utf16(text: str) -> bytes:
    # Java compares strings by UTF-16 code units, which puts U+E000..U+FFFF after astral characters.
    return text.encode("utf-16-be", "surrogatepass")


def _doc_key(value: t.Any) -> tuple:
    ref = value if isinstance(value, Ref) else value.ref
    doc_id = ref.id
    return (module_name(ref.collection), int(doc_id) if str(doc_id).isdigit() else 0, str(doc_id))


def compare(a: t.Any, b: t.Any) -> int:
    """Core's total order of v10 values (`Value.compare`): by type rank, then within the type."""
    ra, rb = rank(a), rank(b)
    if ra != rb:
        return _sign(ra - rb)
    if ra == 0:
        return compare_numbers(a, b)
    if ra == 2:
        return _sign((_utf16(a) > _utf16(b)) - (_utf16(a) < _utf16(b)))
    if ra == 3:
        return _compare_lists(a, b)
    if ra == 4:
        return _compare_lists(_by_key(a), _by_key(b))
    if ra == 5:
        return _sign(a.number - b.number)
    if ra == 6:
        x, y = _doc_key(a), _doc_key(b)
        return _sign((x > y) - (x < y))
    if ra == 1:
        return _sign((a.data > b.data) - (a.data < b.data))
    if ra in (7, 9, 11):
        return _sign((a > b) - (a < b))
    if ra == 10:
        # java.util.UUID.compareTo: its two halves as signed longs.
        x, y = _signed_halves(a), _signed_halves(b)
        return _sign((x > y) - (x < y))
    if ra == 12:
        return _sign((a.name > b.name) - (a.name < b.name))
    # Value.compare has no case for two functions, two sets or two event sources: only their kinds
    # order them, so `order()` keeps them as they came (`<` weighs functions: value_cmp).
    return 0


def _signed_halves(value: UUID) -> tuple[int, int]:
    def signed(half: int) -> int:
        return half - (1 << 64) if half >> 63 else half

    return signed(value.bits >> 64), signed(value.bits & ((1 << 64) - 1))


def _by_key(value: dict) -> list[tuple[str, t.Any]]:
    return sorted(value.items(), key=lambda kv: _utf16(kv[0]))


def _compare_lists(a: t.Sequence, b: t.Sequence) -> int:
    for x, y in zip(a, b):
        c = _compare_pair(x, y) if isinstance(x, tuple) else compare(x, y)
        if c:
            return c
    return _sign(len(a) - len(b))


def _compare_pair(x: tuple, y: tuple) -> int:
    (kx, vx), (ky, vy) = x, y
    return compare(kx, ky) or compare(vx, vy)


# -- the operators' comparison (core's ValueCmp) -------------------------------------------------------


def value_cmp(a: t.Any, b: t.Any) -> int | None:
    """How `<`, `>`, `<=`, `>=` and `==` weigh `a` against `b` (core's ValueCmp.cmp); None: unrelated.

    Numbers compare as Java's Double.compare does (NaN above all and equal to itself, -0.0 below 0).
    Arrays, objects and lambda parameters are walked pairwise, and core's walk calls the first list
    lower as soon as it runs out, even when both run out together: `[1] < [1]` and `{ a: 1 } < { a: 1 }`
    hold, and only the very same value (a variable against itself) compares equal."""
    if a is b:
        return 0
    if isinstance(a, dict) and isinstance(b, dict):
        return _walk(_by_key(a), _by_key(b), lambda x, y: compare(x[0], y[0]) or total_cmp(x[1], y[1]))
    if isinstance(a, list) and isinstance(b, list):
        return _walk(a, b, total_cmp)
    if a is None or b is None:
        # Null meets only null (`a is b` above).
        return None
    if isinstance(a, ID) or isinstance(b, ID):
        return _id_cmp(a, b)
    if _is_number(a) and _is_number(b):
        return compare_numbers(a, b)
    if isinstance(a, Lambda) and isinstance(b, Lambda):
        return _walk(_lambda_params(as_v10(a)), _lambda_params(as_v10(b)), _param_cmp)
    if isinstance(a, _NATIVE) and isinstance(b, _NATIVE):
        return total_cmp(_callee(a), _callee(b)) or compare(_native_name(a), _native_name(b))
    if isinstance(a, Module) and isinstance(b, Module):
        parents = (a.parent is not None) - (b.parent is not None)
        return parents or compare(a.parent or "", b.parent or "") or compare(a.name, b.name)
    if isinstance(a, (EventSource, SetCursor)) and type(a) is type(b):
        # Core weighs two event sources (or set cursors) by their hash codes; fql by its tokens.
        return compare(a.token, b.token)
    if isinstance(a, (Document, NullDocument, Ref)) and isinstance(b, (Document, NullDocument, Ref)):
        # A DocID orders by its document id first, its collection second.
        (xc, *x), (yc, *y) = _doc_key(a), _doc_key(b)
        return _sign(((*x, xc) > (*y, yc)) - ((*x, xc) < (*y, yc)))
    kind = rank(a)
    if kind == SET_RANK and rank(b) == SET_RANK:
        from .sets import core_hash

        # Core weighs two sets by their hash codes; fql knows those of sequences and arrays' sets.
        x, y = core_hash(a), core_hash(b)
        return None if x is None or y is None else _sign(_signed(x) - _signed(y))
    if kind != rank(b) or kind == SET_RANK:
        return None
    if kind == 16:
        # A value of no kind core names: equal to an equal one, else unrelated.
        return 0 if a == b else None
    return compare(a, b)


def total_cmp(a: t.Any, b: t.Any) -> int:
    """value_cmp, with values of unrelated types in the total order of types (core's ValueCmp.totalCmp)."""
    c = value_cmp(a, b)
    return _sign(rank(a) - rank(b)) if c is None else c


def _walk(a: t.Sequence, b: t.Sequence, cmp: t.Callable[[t.Any, t.Any], int]) -> int:
    for x, y in zip(a, b):
        c = cmp(x, y)
        if c:
            return c
    return -1 if len(a) <= len(b) else 1


def _id_cmp(a: t.Any, b: t.Any) -> int | None:
    # An ID meets a number by value, a string only when it reads as a Long, anything else not at all.
    x, y = (_id_number(v) for v in (a, b))
    return None if x is None or y is None else compare_numbers(x, y)


def _id_number(value: t.Any) -> int | float | None:
    if isinstance(value, ID):
        return value.number
    if isinstance(value, str):
        return parse_long(value)
    return value if _is_number(value) else None


def _lambda_params(fn: Lambda) -> list:
    params = [fn.params] if isinstance(fn.params, str) else list(fn.params)
    return [p for p in params if not (isinstance(p, str) and p.startswith("..."))]


def _param_cmp(x: t.Any, y: t.Any) -> int:
    # A `_` parameter has no name (core's None), which comes before any name.
    x, y = (None if p == "_" else p for p in (x, y))
    if x is None or y is None:
        return (x is not None) - (y is not None)
    return compare(x, y)


#: Core's NativeFunc values: methods and module functions, and user functions (whose callee is null).
_NATIVE = (BoundMethod, names.StaticFunction, names.UserFunction)


def _callee(fn: t.Any) -> t.Any:
    if isinstance(fn, names.UserFunction):
        return None
    return fn.receiver if isinstance(fn, BoundMethod) else fn.owner


def _native_name(fn: t.Any) -> str:
    # A user function reached by its alias is named so (core's UserFunction.lookup): it is not the same
    # value as the one reached by its name.
    return fn.shown if isinstance(fn, names.UserFunction) else fn.method.name


def value_equal(a: t.Any, b: t.Any) -> bool:
    """`==` (core's ValueCmp.isEqual): arrays and objects field by field, a document that is not there
    equal to null (at any depth), the rest by value_cmp."""
    if a is b:
        return True
    if a is None or b is None:
        return isinstance(a if b is None else b, NullDocument)
    if isinstance(a, list) or isinstance(b, list):
        return isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and all(map(value_equal, a, b))
    if isinstance(a, dict) or isinstance(b, dict):
        if not (isinstance(a, dict) and isinstance(b, dict)) or len(a) != len(b):
            return False
        return all(k in b and value_equal(v, b[k]) for k, v in a.items())
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if is_set(a) and is_set(b):
        from .sets import _same

        # Core compares sets by their hash codes: sets built alike are equal.
        return _same(a, b)
    return value_cmp(a, b) == 0


def same(a: t.Any, b: t.Any) -> bool:
    """Whether `includes` and `indexOf` see `a` as `b` (Scala's `==` on core values, Value.equals): numbers
    by IEEE equality (NaN is nothing, -0.0 is 0), an ID only as an ID or a string of its digits, lambdas
    only as themselves, arrays and objects element by element."""
    if a is None or b is None:
        return a is b
    if isinstance(a, ID) or isinstance(b, ID):
        if not (isinstance(a, str) and isinstance(b, str)):
            return False
        x, y = _id_number(a), _id_number(b)
        return x is not None and x == y
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if _is_number(a) and _is_number(b):
        return a == b if isinstance(a, int) and isinstance(b, int) else float(a) == float(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(v, b[k]) for k, v in a.items())
    if isinstance(a, (Document, NullDocument, Ref)) and isinstance(b, (Document, NullDocument, Ref)):
        return _doc_key(a) == _doc_key(b)
    if isinstance(a, Lambda) and isinstance(b, Lambda):
        # Lambdas from v4 data are all one (core's fromIR makes each the same null lambda).
        return as_v10(a) is as_v10(b)
    if isinstance(a, Lambda) or isinstance(b, Lambda):
        return False
    if isinstance(a, _NATIVE) and isinstance(b, _NATIVE):
        return _native_name(a) == _native_name(b) and same(_callee(a), _callee(b))
    if is_set(a) and is_set(b):
        from .sets import _same

        # Core's sets are case classes, equal when made the same way.
        return _same(a, b)
    return type(a) is type(b) and a == b


def same_as(ctx: Context, element: t.Any) -> t.Callable[[t.Any], bool]:
    """A test of whether a value is `element` (same()), with TransactionTime() apart from any Time, as
    core's Value.equals has it."""
    element = placeholders(ctx, element)
    return lambda item: same(placeholders(ctx, item), element)


# -- hashing, for distinct ------------------------------------------------------------------------------


def _hash64(bits: int) -> int:
    """Java's Long.hashCode: the two 32-bit halves xor-ed, as a signed int."""
    u = bits & 0xFFFFFFFFFFFFFFFF
    h = (u ^ (u >> 32)) & 0xFFFFFFFF
    return h - (1 << 32) if h >= 1 << 31 else h


def _double_bits(d: float) -> int:
    return struct.unpack(">q", struct.pack(">d", d))[0]


def distinct_key(value: t.Any) -> t.Any:
    """A hashable key under which core's `distinct` sees two values as the same.

    Core keeps values apart unless their Java hash codes agree and they are equal, so 1 and 1.0 stay
    distinct (an Int and a Double hash differently) while 0 and 0.0 do not, and NaN never repeats.
    """
    if isinstance(value, bool) or value is None:
        return ("scalar", value)
    if isinstance(value, int):
        return ("num", _hash64(value) if not _INT_MIN <= value <= _INT_MAX else value, value)
    if isinstance(value, float):
        return object() if math.isnan(value) else ("num", _hash64(_double_bits(value)), value)
    if isinstance(value, list):
        return ("array", tuple(distinct_key(v) for v in value))
    if isinstance(value, dict):
        return ("object", frozenset((k, distinct_key(v)) for k, v in value.items()))
    if isinstance(value, (Document, NullDocument)):
        return ("doc", value.ref)
    if isinstance(value, names.UserFunction):
        # Reached by its alias, it is another value (_native_name).
        return ("udf", value, value.shown)
    try:
        hash(value)
    except TypeError:
        return ("other", id(value))
    return ("other", type(value).__name__, value)


# -- global functions ----------------------------------------------------------------------------------


@static("FQL", "abort")
def abort(ctx: Context, value: t.Any) -> t.NoReturn:
    """Stop the query and roll it back; the error carries `value` (`error.abort`)."""
    from .sets import materialize

    # The value outlives the query: it is materialized now, as an answer is (core's abort runs
    # FQL2ValueMaterializer.materialize): a set is its first page, a document is read with its computed
    # fields, a reference is read as the document or a missing one.
    raise TransactionAborted("Query aborted.", value=materialize(ctx, value))


@frozen
class LogLine:
    """One `log()` or `dbg()` line of a v10 query's summary, or a performance hint, and where its call was
    made."""

    message: str
    #: dbg's long form: the message over the call's source line (log gives just the line number).
    long: bool
    #: The source's name as core shows it (`query`, `udf:name`, `check_constraint:name`,
    #: `computed_field:Coll:name`), or None in a role predicate or other code fql does not name.
    src: str | None
    #: That source's text (None for the query's own).
    source: str | None
    #: The call's argument list, where core points.
    span: t.Any
    #: What the summary calls it: `info` (log, dbg) or `performance_hint` (always in the long form).
    name: str = "info"


def _log(ctx: Context, message: str, long: bool) -> None:
    from .expressions import op_span

    from ..evaluator import current_source

    node = ctx.state.call_node
    span = op_span(node) if node is not None else None
    src, source = current_source(ctx.state)
    ctx.state.logs.append(LogLine(message, long, src, source, span))


def visible_logs(state: t.Any) -> list[LogLine]:
    """The log lines the caller sees, then its performance hints: an admin or server(-readonly) key all of
    them, another only the query's own (core's Logging permission, FQL2LoggingSpec)."""
    lines = [*state.logs, *state.hints]
    if may_see_logs(state.auth):
        return lines
    return [line for line in lines if line.src == "query"]


def hide_stored_frames(state: t.Any, err: t.Any) -> None:
    """A failed query's trace as the caller sees it: an admin or server(-readonly) key all of it, another
    only its places in the query's own text (core's QueryRuntimeFailure.filterErrors, under the same
    Logging permission as the logs): a user role's key is not shown the bodies of the functions it called."""
    if may_see_logs(state.auth):
        return
    err.frames = [frame for frame in err.frames if frame[0] in (None, "query")]


@static("FQL", "dbg")
def dbg(ctx: Context, value: t.Any) -> t.Any:
    """Return `value` unchanged, logging its debug form to the summary."""
    _log(ctx, debug_string(ctx, value), True)
    return value


@static("FQL", "log")
def log(ctx: Context, *values: t.Any) -> None:
    """Log the values (as `toString()` shows them, separated by spaces) to the summary; returns null."""
    _log(ctx, " ".join(display_string(ctx, v) for v in values), False)
    return null_because(ctx, None)  # core's null made at the call's arguments


@static("FQL", "newId")
def new_id(ctx: Context) -> str:
    """A new unique document id, an ID."""
    return ID(str(ctx.state.txn.next_id()))


@static("FQL", "asc")
def asc(ctx: Context, accessor: t.Any) -> dict:
    """An ascending sort key for `order()`: `{ asc: accessor }`."""
    return {"asc": callback(accessor, "accessor", 1)}


@static("FQL", "desc")
def desc(ctx: Context, accessor: t.Any) -> dict:
    """A descending sort key for `order()`: `{ desc: accessor }`."""
    return {"desc": callback(accessor, "accessor", 1)}


@static("ID", "__call__")
def id_(ctx: Context, value: t.Any) -> str:
    """`ID("123")` or `ID(123)`: a document id (a string of digits that compares with numbers too)."""
    (value,) = overload("apply", (value,), (STRING,), (NUMBER,))
    number = None
    if isinstance(value, str):
        number = _scala_long(value)
    elif isinstance(value, int):
        number = value
    if number is None or not LONG_MIN <= number <= LONG_MAX:
        raise QueryRuntimeError("invalid_id", f"`{debug_string(ctx, value)}` is not a valid ID.")
    return ID(str(number))


def _java_base64(text: str) -> Bytes:
    """Java's standard Base64 decoder: padding optional but exact when present; `-` and `_` rejected."""
    found = Bytes.from_standard_base64(text)
    if found is None:
        # Core lets Java's IllegalArgumentException escape (an internal error); fql names the argument.
        raise QueryRuntimeError("invalid_argument", "invalid argument `encoded`: not a valid Base64 string")
    return found


@static("Bytes", "__call__")
@static("Bytes", "fromBase64")
def from_base64(ctx: Context, encoded: t.Any) -> Bytes:
    """Bytes from standard Base64 text: `Bytes("AQID")`, `Bytes.fromBase64("AQID")`."""
    return _java_base64(arg(encoded, "encoded", STRING))


@method("Bytes", "toBase64")
def to_base64(ctx: Context, value: Bytes) -> str:
    """The bytes as standard Base64 text."""
    return value.base64()


@static("TransactionTime", "__call__")
def transaction_time(ctx: Context) -> Timestamp:
    """The time this transaction commits at (fql knows it up front), marked so that it behaves as core's
    placeholder for it (expressions.TransactionTimePlaceholder): answers and writes show the time."""
    return ctx.state.transaction_time()


def _to_string(ctx: Context, value: t.Any) -> str:
    """The value as text: numbers, booleans, null, times, dates and bytes as they print; arrays as FQL; an
    event source as core's placeholder `[event source]` (FQL2EventSourceSpec)."""
    return display_string(ctx, value)


for _type in (
    "Null", "Boolean", "Number", "String", "ID", "Array", "Time", "Date", "Bytes", "UUID", "EventSource",
    "TransactionTime",
):
    method(_type, "toString")(_to_string)
# Every function too, as core's Prototype gives FunctionPrototype and UserFunctionPrototype a toString
# (FieldTable.scala): `[function <lambda>]`, `[function abs()]`, a UDF's `[function F()]`. These are the
# names fql's function values are looked up by (expressions.v10_type).
for _type in ("Function", "BoundMethod", "StaticFunction", "UserFunction", "IndexFunction"):
    method(_type, "toString")(_to_string)
