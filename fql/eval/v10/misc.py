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

import functools
import math
import struct
import typing as t
import unicodedata

from attrs import frozen

from ...errors import QueryRuntimeError, TransactionAborted
from ...values import (
    UUID,
    ID,
    ID_TEXT,
    Bytes,
    Date,
    Document,
    EventSource,
    Lambda,
    Module,
    NullDocument,
    Ref,
    Timestamp,
    is_long,
    module_name,
    parse_long,
)
from ..evaluator import Context
from ..registry import method, static
from ..types import java_double
from . import globals as names
from .expressions import BoundMethod, call_function, deref

#: Stands for an optional argument that was not given (a given null is a value).
ABSENT: t.Any = type("Absent", (), {"__repr__": lambda self: "ABSENT", "__slots__": ()})()

_INT_MIN, _INT_MAX = -(1 << 31), (1 << 31) - 1
LONG_MIN, LONG_MAX = -(1 << 63), (1 << 63) - 1

# -- argument checks -----------------------------------------------------------------------------------


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
    simple = {str: "String", list: "Array<Any>", dict: "{ *: Any }", Timestamp: "Time", Date: "Date", Bytes: "Bytes"}
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


def _to_doc_id(value: t.Any) -> str:
    number = None
    if isinstance(value, str):
        number = parse_long(value)
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
STRING = Kind("String", _only(lambda v: isinstance(v, str)))
ARRAY = Kind("Array<Any>", _only(lambda v: isinstance(v, list)))
OBJECT = Kind("{ *: Any }", _only(lambda v: isinstance(v, dict)))
#: Object.keys/values/entries/assign also take a document (core's AnyObject).
OBJECT_OR_DOC = Kind("{ *: Any }", _only(lambda v: isinstance(v, (dict, Document, NullDocument, Ref))))
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
        return value
    if isinstance(value, float) and value.is_integer():
        # Core prints whole doubles with "%.0f": 2.0 is "2", 1e20 is "100000000000000000000".
        return f"{value:.0f}"
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, Timestamp) and ctx.state.is_transaction_time(value):
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
    value = deref(ctx, value) if isinstance(value, Ref) and not nested else value
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
    if isinstance(value, Timestamp) and ctx.state.is_transaction_time(value):
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


def sort(ctx: Context, values: t.Iterable[t.Any], keys: t.Sequence[Ordering]) -> list:
    """`values` stably sorted by `keys` (no keys: by the values themselves, ascending)."""
    keys = keys or [Ordering(None)]
    keyed = [([v if k.fn is None else call_function(ctx, k.fn, [v]) for k in keys], v) for v in values]

    def order(a: tuple, b: tuple) -> int:
        for key, x, y in zip(keys, a[0], b[0]):
            c = compare(y, x) if key.descending else compare(x, y)
            if c:
                return c
        return 0

    return [v for _, v in sorted(keyed, key=functools.cmp_to_key(order))]


#: Where sets fall in the total order of types; they compare by identity in core (a hash), not here.
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
    ranks = ((Timestamp, 7), (Date, 9), (UUID, 10), (Module, 12), (Lambda, 15))
    for kind, rank in ranks:
        if isinstance(value, kind):
            return rank
    return SET_RANK if is_set(value) else 16


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
    if ra == 15:
        # Lambdas compare by their parameters' names (core's listCmp of the arguments).
        x, y = list(getattr(a, "params", ()) or ()), list(getattr(b, "params", ()) or ())
        return _sign((x > y) - (x < y))
    if ra == 16:
        # Native functions (`Time.now`) compare by name, as core's singletons do.
        x, y = _function_name(a), _function_name(b)
        return _sign((x > y) - (x < y))
    return 0


def _signed_halves(value: UUID) -> tuple[int, int]:
    def signed(half: int) -> int:
        return half - (1 << 64) if half >> 63 else half

    return signed(value.bits >> 64), signed(value.bits & ((1 << 64) - 1))


def _function_name(value: t.Any) -> str:
    method = getattr(value, "method", None)
    return str(getattr(method, "name", None) or getattr(value, "name", ""))


#: The total order of v10 values, for `<` and friends (expressions.compare).
total_compare = compare


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
    try:
        hash(value)
    except TypeError:
        return ("other", id(value))
    return ("other", type(value).__name__, value)


# -- global functions ----------------------------------------------------------------------------------


@static("FQL", "abort")
def abort(ctx: Context, value: t.Any) -> t.NoReturn:
    """Stop the query and roll it back; the error carries `value` (`error.abort`)."""
    from .fields import rendered

    # The value outlives the query: a document's computed fields are evaluated now.
    raise TransactionAborted("Query aborted.", value=rendered(value))


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
    """The log lines the caller sees, then its performance hints: an admin or server key all of them,
    another only the query's own (core's Logging permission, FQL2LoggingSpec)."""
    lines = [*state.logs, *state.hints]
    if state.auth.role in ("admin", "server"):
        return lines
    return [line for line in lines if line.src == "query"]


def hide_stored_frames(state: t.Any, err: t.Any) -> None:
    """A failed query's trace as the caller sees it: an admin or server key all of it, another only its
    places in the query's own text (core's QueryRuntimeFailure.filterErrors, under the same Logging
    permission as the logs): a user role's key is not shown the bodies of the functions it called."""
    if state.auth.role in ("admin", "server"):
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
    if isinstance(value, str) and ID_TEXT.fullmatch(value):
        number = int(value)
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
    """The time this transaction commits at (fql knows it up front: it is `Time.now()`), marked so that
    `dbg()` shows it as core's placeholder."""
    return ctx.state.transaction_time()


def _to_string(ctx: Context, value: t.Any) -> str:
    """The value as text: numbers, booleans, null, times, dates and bytes as they print; arrays as FQL; an
    event source as core's placeholder `[event source]` (FQL2EventSourceSpec)."""
    return display_string(ctx, value)


for _type in ("Null", "Boolean", "Number", "String", "Array", "Time", "Date", "Bytes", "UUID", "EventSource"):
    method(_type, "toString")(_to_string)
