"""FQL values beyond JSON's: Ref, SetRef, Timestamp, Date, Bytes, UUID, Page, Lambda (attrs, frozen).

Plain FQL values map to Python: null -> None, booleans -> bool, integers -> int (v10 Ints and Longs; see Long),
doubles -> float, strings -> str, arrays -> list, objects -> dict.
"""

from __future__ import annotations

import base64
import functools
import re
import typing as t
import unicodedata

from attrs import field, frozen

if t.TYPE_CHECKING:
    from .ast import Node

#: The native (system) collections, by their v4 id.
NATIVE_NAMES = (
    "collections",
    "indexes",
    "databases",
    "functions",
    "roles",
    "keys",
    "tokens",
    "credentials",
    "access_providers",
)

#: The native collection a schema kind lives in, and the function the shell uses to name its refs.
SCHEMA_CONSTRUCTORS = {
    "collections": "Collection",
    "indexes": "Index",
    "databases": "Database",
    "functions": "Function",
    "roles": "Role",
    "access_providers": "AccessProvider",
}

#: The shell spelling of each native collection: Collections(), Tokens(), ...
NATIVE_CONSTRUCTORS = {
    "collections": "Collections",
    "indexes": "Indexes",
    "databases": "Databases",
    "functions": "Functions",
    "roles": "Roles",
    "keys": "Keys",
    "tokens": "Tokens",
    "credentials": "Credentials",
    "access_providers": "AccessProviders",
}


@frozen
class Ref:
    """A reference: `id` inside `collection` (None for a native collection), in `database` (None: here)."""

    id: str
    collection: Ref | None = None
    database: Ref | None = None

    @property
    def is_native(self) -> bool:
        """True for the native collections themselves: Collections(), Tokens(), ..."""
        return self.collection is None and self.id in NATIVE_NAMES

    @property
    def is_schema(self) -> bool:
        """True for a collection, index, database, function, role or access provider ref."""
        return self.collection is not None and self.collection.is_native and self.collection.id in SCHEMA_CONSTRUCTORS

    @property
    def kind(self) -> str | None:
        """The native collection this ref's document lives in, or None for a user document."""
        if self.collection is not None and self.collection.is_native:
            return self.collection.id
        return None

    def __repr__(self) -> str:
        from .render import to_fql

        return to_fql(self)


def native(name: str, database: Ref | None = None) -> Ref:
    """The native collection `name` ("tokens", "keys", ...) of `database`."""
    return Ref(name, None, database)


COLLECTIONS = native("collections")
INDEXES = native("indexes")
DATABASES = native("databases")
FUNCTIONS = native("functions")
ROLES = native("roles")
KEYS = native("keys")
TOKENS = native("tokens")
CREDENTIALS = native("credentials")


def collection_ref(name: str, database: Ref | None = None) -> Ref:
    return Ref(name, native("collections", database))


def index_ref(name: str, database: Ref | None = None) -> Ref:
    return Ref(name, native("indexes", database))


@frozen
class SetRef:
    """A set, described by its v4 wire form: {"match": Index("x"), "terms": "a"}, {"documents": ...}."""

    #: The wire keys and their values, in the order Fauna renders them.
    form: tuple[tuple[str, t.Any], ...]

    @classmethod
    def of(cls, **form: t.Any) -> SetRef:
        return cls(tuple(form.items()))

    def __getitem__(self, key: str) -> t.Any:
        for k, v in self.form:
            if k == key:
                return v
        raise KeyError(key)

    def get(self, key: str, default: t.Any = None) -> t.Any:
        for k, v in self.form:
            if k == key:
                return v
        return default

    @property
    def kind(self) -> str:
        return self.form[0][0]

    @property
    def is_schema_set(self) -> bool:
        """Whether this is a native collection taken as a set (`Distinct(Collections())`'s operand, core's
        SchemaSet), which core shows as its ref."""
        return self.kind == "documents" and bool(self.get("checked"))

    def __repr__(self) -> str:
        from .render import to_fql

        return to_fql(self)


_NANOS = 1_000_000_000
_DAY_NANOS = 86_400 * _NANOS
#: Fauna's Timestamp range is Java's Instant range.
MIN_EPOCH_SECONDS = -31557014167219200
MAX_EPOCH_SECONDS = 31556889864403199


def days_from_civil(y: int, m: int, d: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm; any year)."""
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(z: int) -> tuple[int, int, int]:
    """The (year, month, day) of `z` days since 1970-01-01."""
    z += 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    return y + (m <= 2), m, d


def _year_text(y: int) -> str:
    # java.time prints 4 digits, and a sign beyond 9999 or before year 0.
    if y > 9999:
        return f"+{y}"
    if y < 0:
        return f"-{-y:04d}"
    return f"{y:04d}"


_ISO_TIME = re.compile(
    r"^(?P<y>[+-]?\d{4,10})-(?P<mo>\d{2})-(?P<d>\d{2})T(?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.(?P<f>\d{1,9}))?)?"
    r"(?P<z>Z|[+-]\d{2}:?\d{2})$"
)
_ISO_DATE = re.compile(r"^(?P<y>[+-]?\d{4,10})-(?P<mo>\d{2})-(?P<d>\d{2})$")


def parse_year(text: str) -> int | None:
    """A year as java.time's EXCEEDS_PAD parser reads it: `+` only past 4 digits, no `-0000`, at most
    999999999 either way."""
    digits = text.lstrip("+-")
    sign = text[0] if text[0] in "+-" else ""
    if (sign == "+" and len(digits) <= 4) or (not sign and len(digits) > 4):
        return None
    year = -int(digits) if sign == "-" else int(digits)
    if (sign == "-" and year == 0) or abs(year) > 999_999_999:
        return None
    return year


def _valid_ymd(y: int, m: int, d: int) -> bool:
    if not 1 <= m <= 12 or d < 1:
        return False
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return d <= days


#: The text an ID is made from or compares with: ASCII digits with an optional sign (Scala's toLongOption).
ID_TEXT = re.compile(r"[+-]?[0-9]+")


class SelfId(str):
    """The id `self` as a ref literal spells it (`{"@ref": "tokens/self"}`): core resolves it against the
    caller as it parses the query, and one the caller does not name makes the literal an invalid ref."""

    __slots__ = ()


class ID(str):
    """A v10 document id (`doc.id`, `ID(123)`, `newId()`): its digits as a string, as it is stored and sent,
    but equal to and ordered with numbers by its value (core's Value.ID: `ID(123) == 123`, `ID(123) < 124`,
    `ID(123) == "123"`)."""

    __slots__ = ()

    @property
    def number(self) -> int:
        return int(self)

    def __repr__(self) -> str:
        return f"ID({str.__repr__(self)})"


#: The range of a v10 Int (Java's 32-bit int); a plain int past it is a Long.
INT_MIN, INT_MAX = -(1 << 31), (1 << 31) - 1


class Long(int):
    """A v10 Long whose value would fit an Int (core's Value.Long beside Value.Int).

    Core keeps two integer types, and builds most results with Value.Number, which picks an Int when the
    value fits 32 bits and a Long past that. So a plain `int` follows that rule, and this subclass marks
    only the Longs core builds on purpose: a `{"@long": "5"}` argument, `"5".parseLong()`, `Math.round(5, 0)`,
    `-x` of a Long. Arithmetic on it gives a plain int, as core's Value.Number does; storage keeps Longs
    and Ints alike (core's IR has only LongV), so a stored one reads back an Int."""

    __slots__ = ()


def as_long(n: int) -> int:
    """`n` as a v10 Long: marked when it would fit an Int, plain otherwise (an int past 32 bits is a Long)."""
    return Long(n) if INT_MIN <= n <= INT_MAX else int(n)


def is_long(n: int) -> bool:
    """Whether the integer `n` is a v10 Long (else an Int)."""
    return type(n) is Long or not INT_MIN <= n <= INT_MAX


def _time_nanos(value: int | str) -> int:
    """Timestamp's field: nanoseconds, or the ISO-8601 text its repr shows (`fql.Time("2020-01-01T00:00:00Z")`)."""
    if type(value) is int:
        return value
    if isinstance(value, str):
        found = Timestamp.parse(value)
        if found is None:
            raise ValueError(f"not an ISO-8601 time with an offset: {value!r}")
        return found.nanos
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    raise TypeError(f"Time takes nanoseconds since the epoch or ISO-8601 text, not {type(value).__name__}")


def _date_days(value: int | str) -> int:
    """Date's field: days since 1970-01-01, or the ISO-8601 text its repr shows (`fql.Date("2020-01-01")`)."""
    if type(value) is int:
        return value
    if isinstance(value, str):
        found = Date.parse(value)
        if found is None:
            raise ValueError(f"not an ISO-8601 date: {value!r}")
        return found.days
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    raise TypeError(f"Date takes days since 1970-01-01 or ISO-8601 text, not {type(value).__name__}")


@frozen(order=True, init=False)
class Timestamp:
    """A point in time with nanosecond precision over Java's Instant range (wider than `datetime`).
    `Timestamp("2020-01-01T00:00:00Z")` reads the text its repr shows."""

    #: Nanoseconds since 1970-01-01T00:00:00Z.
    nanos: int

    def __init__(self, nanos: int | str) -> None:
        # Written out rather than an attrs converter: a plain int, the hot path, costs one type check.
        object.__setattr__(self, "nanos", nanos if type(nanos) is int else _time_nanos(nanos))

    @classmethod
    def from_micros(cls, micros: int) -> Timestamp:
        return cls(micros * 1000)

    @property
    def micros(self) -> int:
        return self.nanos // 1000

    @property
    def seconds(self) -> int:
        return self.nanos // _NANOS

    @classmethod
    def parse(cls, text: str, *, strict: bool = False) -> Timestamp | None:
        """Parse ISO-8601 with an offset (`2020-01-01T00:00:00.5Z`) over Instant's whole range; None if
        `text` is not one. `strict` takes only the years java.time's parser reads (core's `@ts`)."""
        m = _ISO_TIME.match(text)
        if not m or (strict and parse_year(m["y"]) is None):
            return None
        y, mo, d = int(m["y"]), int(m["mo"]), int(m["d"])
        h, mi, s = int(m["h"]), int(m["mi"]), int(m["s"] or 0)
        if not _valid_ymd(y, mo, d) or h > 23 or mi > 59 or s > 59:
            return None
        frac = int((m["f"] or "0").ljust(9, "0"))
        offset = 0
        if m["z"] != "Z":
            sign = 1 if m["z"][0] == "+" else -1
            digits = m["z"][1:].replace(":", "")
            offset = sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
        secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset
        if not MIN_EPOCH_SECONDS <= secs <= MAX_EPOCH_SECONDS:
            return None
        return cls(secs * _NANOS + frac)

    def isoformat(self) -> str:
        """Java's Instant.toString: fraction in groups of three digits, only as many as needed."""
        return _instant_text(self.nanos)

    def __repr__(self) -> str:
        return f'Time("{self.isoformat()}")'


@functools.lru_cache(maxsize=4096)
def _instant_text(nanos: int) -> str:
    """Timestamp.isoformat, remembered: answers show the same few document times again and again."""
    secs, frac = divmod(nanos, _NANOS)
    days, rem = divmod(secs, 86400)
    y, mo, d = civil_from_days(days)
    h, rem = divmod(rem, 3600)
    mi, s = divmod(rem, 60)
    text = f"{_year_text(y)}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}"
    if frac:
        digits = f"{frac:09d}"
        while digits.endswith("000"):
            digits = digits[:-3]
        text += "." + digits
    return text + "Z"


@frozen(order=True, init=False)
class Date:
    """A calendar date, stored as days since 1970-01-01; `Date("2020-01-01")` reads the text its repr shows."""

    days: int

    def __init__(self, days: int | str) -> None:
        object.__setattr__(self, "days", days if type(days) is int else _date_days(days))

    @classmethod
    def parse(cls, text: str, *, strict: bool = False) -> Date | None:
        """Parse `2020-01-01`; `strict` takes only the years java.time's parser reads (core's `@date`)."""
        m = _ISO_DATE.match(text)
        if not m or (strict and parse_year(m["y"]) is None):
            return None
        y, mo, d = int(m["y"]), int(m["mo"]), int(m["d"])
        if not _valid_ymd(y, mo, d):
            return None
        return cls(days_from_civil(y, mo, d))

    def isoformat(self) -> str:
        y, mo, d = civil_from_days(self.days)
        return f"{_year_text(y)}-{mo:02d}-{d:02d}"

    def __repr__(self) -> str:
        return f'Date("{self.isoformat()}")'


@frozen
class Bytes:
    """A byte string; rendered as base64."""

    data: bytes

    @classmethod
    def from_base64(cls, text: str) -> Bytes | None:
        """Decode standard or URL-safe base64 (drivers differ); None if invalid."""
        try:
            padded = text + "=" * (-len(text) % 4)
            return cls(base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True))
        except ValueError:
            return None

    @classmethod
    def from_standard_base64(cls, text: str) -> Bytes | None:
        """Decode as Java's standard Base64 decoder does (core's v10 `Bytes` and `@bytes`): the standard
        alphabet only (`-` and `_` refused), padding optional but exact when present; None if invalid."""
        cut = text.find("=")
        body, pad = (text, "") if cut < 0 else (text[:cut], text[cut:])
        valid = all(c in _STANDARD_BASE64 for c in body) and len(body) % 4 != 1
        if pad:
            valid = valid and set(pad) == {"="} and len(pad) == {2: 2, 3: 1}.get(len(body) % 4)
        return cls(base64.b64decode(body + "=" * (-len(body) % 4))) if valid else None

    def base64(self) -> str:
        return base64.b64encode(self.data).decode()

    def __repr__(self) -> str:
        return f'Bytes("{self.base64()}")'


#: Java's standard Base64 alphabet.
_STANDARD_BASE64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

#: The five dash-separated hex groups of a UUID's text, and the bits each keeps.
_UUID_GROUPS = re.compile(r"([0-9a-fA-F]+)-([0-9a-fA-F]+)-([0-9a-fA-F]+)-([0-9a-fA-F]+)-([0-9a-fA-F]+)")
_UUID_BITS = (32, 16, 16, 16, 48)


@frozen(order=True)
class UUID:
    """A UUID (v4's `{"@uuid": ...}`), held as its 128 bits; it orders as its 16 big-endian bytes."""

    bits: int

    @classmethod
    def parse(cls, text: str) -> UUID | None:
        """Read `text` as Java's UUID.fromString does (core's parser): five hex groups, at most 36
        characters in all, each group cut to its width (`1-2-3-4-5` is `00000001-0002-...`); None if not."""
        match = _UUID_GROUPS.fullmatch(text) if len(text) <= 36 else None
        if match is None:
            return None
        bits = 0
        for group, width in zip(match.groups(), _UUID_BITS):
            bits = (bits << width) | (int(group, 16) & ((1 << width) - 1))
        return cls(bits)

    def __str__(self) -> str:
        h = f"{self.bits:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def __repr__(self) -> str:
        return f'UUID("{self}")'


@frozen(eq=False)
class Lambda:
    """A function value: `Lambda(params, body)` or `Query(Lambda(...))`, closing over `env`."""

    #: A parameter name, or a (possibly nested) list of names for destructuring.
    params: t.Any
    body: Node
    env: t.Mapping[str, t.Any] = field(factory=dict, repr=False)
    api_version: str = "4"

    def __repr__(self) -> str:
        from .render import to_fql, to_fql10

        # A v10 lambda's body is v10 syntax, which the v4 notation cannot write.
        return to_fql10(self) if self.api_version == "10" else to_fql(self)

    # Two lambdas are equal when they read the same, however their calls were spelled: the shell's
    # `Add`, a driver's `q.Add` or `q.add`, the wire's `{"add": ...}` are one function, as in core, whose
    # LambdaL compares the parsed expressions (or the wire form) and so never sees a driver's spelling.
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Lambda):
            return NotImplemented
        return self.params == other.params and repr(self) == repr(other)

    def __hash__(self) -> int:
        return hash(repr(self))


class TxnMicros(int):
    """A v4 document's `ts` read in the query that wrote it, core's TransactionTimeMicrosL: the transaction's
    time in microseconds, which core only knows at commit. Answers and writes show the number, and `Get`'s
    `ts` takes it for that time, but it is no Integer: arithmetic, the time functions and ToString refuse
    it as an `Unresolved Transaction Time` (core: ast/Expression.scala, ReadAdaptor.castTimestamp)."""

    __slots__ = ()


class Action(str):
    """A v4 event's action (`create`, `update`, `delete`; a set's `add`, `remove`), core's ActionL: it reads
    as its string, but its type is Action (no String argument takes it: `ToString` makes it one), and a
    v4 `Equals` finds an `update` or `add` equal to the string "create", a `remove` to "delete"."""

    __slots__ = ()

    @property
    def is_create(self) -> bool:
        return self in ("create", "update", "add")

    def loosely_equals(self, other: t.Any) -> bool:
        """Core's ActionL.equals: "create" and "delete" name every action of that kind."""
        if isinstance(other, Action):
            return str(self) == str(other)
        if other == "create":
            return self.is_create
        if other == "delete":
            return not self.is_create
        return isinstance(other, str) and str(self) == other


class DocEvent(dict):
    """A document's create, update or delete event, `{ts, action, document, data}` (or, as a cursor,
    without `data`). It renders as that object; `Select` also reads its document under the older
    names `instance` and `resource`, as core's EventL does."""

    def selected(self, key: t.Any) -> t.Any:
        if key in ("instance", "resource"):
            key = "document"
        return self.get(key, ABSENT) if isinstance(key, str) else ABSENT

    def values_held(self) -> list:
        """What ContainsValue finds in it: its ts, action and document, and its data's value."""
        return [*self.values()]


class SetEvent(DocEvent):
    """An add or remove event of a set: `{ts, action, document, data}`, `data` the index entry's values
    (left out when it has none). It renders as that object, but `Select` reads `data` as core does: the
    value itself when the entry has one value, an empty array when it has none."""

    def selected(self, key: t.Any) -> t.Any:
        if key != "data":
            return super().selected(key)
        values = self.get("data", [])
        return values[0] if len(values) == 1 else list(values)

    def values_held(self) -> list:
        """Each of the entry's values on its own, not their array (core's SetEventL case)."""
        return [self["ts"], self["action"], self["document"], *self.get("data", [])]


class ReadDocument(dict):
    """A document as a v4 read or write gives it, `{ref, ts, ...fields}` (core's VersionL): an object to every
    function, but stored inside another document it also names its collection, as `class` and
    `collection` after its `ref` (VersionL.irValue). Any function that builds a new object drops the mark."""


class SourcedElement(dict):
    """An element of a page read with `sources: true`, `{value, sources}`: it renders as that object, but
    core keeps it apart from objects (its ElemL), so ContainsValue finds nothing in it and Merge refuses it."""


ABSENT = object()


@frozen
class Page:
    """One page of a set: `data`, with `before`/`after` cursors when there is more in that direction."""

    data: list
    before: t.Any = None
    after: t.Any = None
    has_before: bool = False
    has_after: bool = False
    #: Each element's cursor, as Paginate read it (core's PageL `unmapped`): where Take and Drop cut the
    #: page's cursors. Kept through Map and the other functions that reshape `data`; None where unknown.
    cursors: list | None = field(default=None, eq=False, repr=False)

    def evolve(self, data: list, cursors: list | None = None) -> Page:
        kept = self.cursors if cursors is None else cursors
        return Page(data, self.before, self.after, self.has_before, self.has_after, kept)

    def to_dict(self) -> dict:
        out: dict = {}
        if self.has_before:
            out["before"] = self.before
        if self.has_after:
            out["after"] = self.after
        out["data"] = self.data
        return out

    def __repr__(self) -> str:
        from .render import to_fql

        return to_fql(self)


#: Core's type names for refs by the native collection they belong to (Type.getType). A role's or an
#: access provider's ref is a plain "Ref" there, as a token's is: getType names no RoleID or
#: AccessProviderID. (Only one naming nothing, core's unresolved ref, says "Role Ref"; fql's refs do not
#: know whether they name something.)
REF_TYPES = {
    "collections": "Collection Ref",
    "indexes": "Index Ref",
    "databases": "Database Ref",
    "keys": "Key Ref",
    "functions": "User Function Ref",
}


def type_name(value: t.Any) -> str:
    """Fauna's v4 name for the type of `value`, as used in `X expected, Y provided.`"""
    if value is None:
        return "Null"
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, TxnMicros):
        return "Unresolved Transaction Time"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Double"
    if isinstance(value, Action):
        return "Action"
    if isinstance(value, str):
        return "String"
    if isinstance(value, list):
        return "Array"
    if isinstance(value, dict):
        return "Object"
    if isinstance(value, Ref):
        # A native collection (`Databases()`) is itself a document of the collections collection.
        return REF_TYPES["collections"] if value.is_native else REF_TYPES.get(value.kind or "", "Ref")
    if isinstance(value, SetRef):
        return "Set"
    if isinstance(value, Timestamp):
        return "Time"
    if isinstance(value, Date):
        return "Date"
    if isinstance(value, Bytes):
        return "Bytes"
    if isinstance(value, Lambda):
        return "Lambda"
    if isinstance(value, Page):
        return "Page"
    return type(value).__name__


#: Core's stored-value (IR) type names, which a `validation failed` description gives for the value it
#: refused (`Invalid type Long, expected type String.`: IRValue.scala's vtypes, rendered by Renderable's
#: encodeErrors); a set is stored as an object and a lambda as a query.
_IR_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "Boolean"),
    (int, "Long"),
    (float, "Double"),
    (str, "String"),
    (list, "Array"),
    (dict, "Map"),
    (Ref, "Ref"),
    (SetRef, "Map"),
    (Timestamp, "Time"),
    (Date, "Date"),
    (Bytes, "Bytes"),
    (UUID, "UUID"),
    (Lambda, "Query"),
)


def ir_type_name(value: t.Any) -> str:
    """Core's name for the type of `value` once written (an integer is a `Long`, an object a `Map`), as a
    document field's `invalid type` failure names it."""
    if value is None:
        return "Null"
    return next((name for kind, name in _IR_TYPES if isinstance(value, kind)), type_name(value))


class Document(t.Mapping[str, t.Any]):
    """A v10 document: a Mapping of its user fields, with `.id`, `.coll`, `.ts` (and `.ttl`) as metadata."""

    __slots__ = ("ref", "ts", "ttl", "_data", "read_ts", "as_of", "current", "gen", "pending", "pinned")

    def __init__(
        self,
        ref: Ref,
        ts: Timestamp,
        data: dict,
        ttl: Timestamp | None = None,
        *,
        read_ts: int | None = None,
        as_of: int | None = None,
    ):
        self.ref = ref
        self.ts = ts
        self.ttl = ttl
        self._data = data
        #: The valid time (µs) every read of it keeps, when it was read inside `at` (core's readTS);
        #: None: each use reads it at the valid time of that use.
        self.read_ts = read_ts
        #: The valid time (µs) its fields were read at; None: the query's own time.
        self.as_of = as_of
        #: Read at a past time (`as_of`), whether the version read is also the newest: read at the query's
        #: own time it is the same, so a use then need not read it again (a cursor's page, read at the
        #: cursor's snapshot, answered as of now).
        self.current = False
        #: How many writes its query had made when it was read (QueryState.write_gen); a later write of
        #: it makes a use read it again. None: unknown (any write of it does).
        self.gen: int | None = None
        #: Called when its fields are first looked at: a set's element, read from the set's index entries,
        #: whose read is billed then (fql/storage/meter.py, Meter.defer). None: nothing to do.
        self.pending: t.Callable[[], None] | None = None
        #: Shows this version whatever the query writes later, never read again (core's versionOverride):
        #: a new key or token, showing its secret.
        self.pinned = False

    def _touch(self) -> None:
        pending, self.pending = self.pending, None
        if pending is not None:
            pending()

    def peek(self, key: str) -> t.Any:
        """The field `key` of its data without looking inside it: a value the index it was read from holds."""
        return self._data.get(key)

    @property
    def id(self) -> str:
        return self.ref.id

    @property
    def coll(self) -> str:
        """The collection's name (`Token` for tokens, as v10 names native collections)."""
        return module_name(self.ref.collection)

    @property
    def data(self) -> dict:
        if self.pending is not None:
            self._touch()
        return self._data

    def __getitem__(self, key: str) -> t.Any:
        if self.pending is not None:
            self._touch()
        return self._data[key]

    def __iter__(self) -> t.Iterator[str]:
        if self.pending is not None:
            self._touch()
        return iter(self._data)

    def __len__(self) -> int:
        if self.pending is not None:
            self._touch()
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Document) and other.ref == self.ref

    def __hash__(self) -> int:
        return hash(self.ref)

    def __repr__(self) -> str:
        from .render import to_fql10

        return to_fql10(self)


@frozen
class NullDocument:
    """A v10 reference to a document that is not there; `cause` says why ("not found", "deleted", ...)."""

    ref: Ref
    cause: str = "not found"
    #: As Document's: the valid time every read of it keeps (None: that of each use), and the one it
    #: was found missing at.
    read_ts: int | None = field(default=None, eq=False, kw_only=True)
    as_of: int | None = field(default=None, eq=False, kw_only=True)

    @property
    def id(self) -> str:
        return self.ref.id

    @property
    def coll(self) -> str:
        return module_name(self.ref.collection)

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        from .render import to_fql10

        return to_fql10(self)


@frozen
class Module:
    """A v10 module: a global like `Math` or `Time`, a native collection like `Token`, or a user collection."""

    name: str
    #: The collection the module stands for (user or native), if any.
    collection: Ref | None = None
    #: The module it is a field of, if any (`Collection` for `Collection.Deleted`): shown before its name.
    parent: str | None = field(default=None, kw_only=True)

    def __repr__(self) -> str:
        return self.name if self.parent is None else f"{self.parent}.{self.name}"


#: `Collection.Deleted`, the collection of a document whose collection no longer exists (core's
#: CollectionDefCompanion.Deleted): `@mod` "Deleted" on the wire, `Collection.Deleted` decorated, and the
#: type of no value.
DELETED_COLLECTION = Module("Deleted", parent="Collection")


@frozen
class DeletedRef:
    """A reference, in the fields of a document a query answers, to a document whose collection no longer
    exists: core shows it with its collection as `Collection.Deleted` (`Collection.Deleted("1")`)."""

    id: str

    def __repr__(self) -> str:
        return f'Collection.Deleted("{self.id}")'


#: v10 names of the native collections.
V10_NATIVE_NAMES = {
    "collections": "Collection",
    "indexes": "Index",
    "databases": "Database",
    "functions": "Function",
    "roles": "Role",
    "keys": "Key",
    "tokens": "Token",
    "credentials": "Credential",
    "access_providers": "AccessProvider",
}


def module_name(coll: Ref | None) -> str:
    """The v10 module name of a collection ref: the user collection's name, or `Token`, `Key`, ..."""
    if coll is None:
        return "null"
    if coll.collection is None:
        return V10_NATIVE_NAMES.get(coll.id, coll.id)
    return coll.id


@frozen
class EventSource:
    """A v10 event source (`set.toStream()`): an opaque token for a set and the time its events start.

    The token names an entry of the server's registry (fql/eval/v10/streams.py); drivers echo it back
    to `/stream/1` and `/feed/1`.
    """

    token: str


@frozen
class SetCursor:
    """A v10 set answered by its cursor alone, nested in sets deeper than core materializes them:
    `Set.paginate(token)` reads its first page."""

    token: str


_LONG = re.compile(r"[+-]?[0-9]+")


def parse_long(text: str) -> int | None:
    """What Java's Long.parseLong reads (core's ids and numeric headers): a sign and digits within 64
    bits; None for anything else."""
    if not _LONG.fullmatch(text):
        return None
    number = int(text)
    return number if -(2**63) <= number < 2**63 else None


def java_digits(text: str) -> bool:
    """Whether Java's Character.isDigit holds for every char of `text` (core's `id forall isDigit`): each a
    Unicode decimal digit of the BMP; a char beyond it is two surrogates, neither a digit. True if empty."""
    if text.isascii():
        return not text or text.isdecimal()  # the ASCII digits are ASCII's decimal digits (ids, mostly)
    return all(ord(c) <= 0xFFFF and unicodedata.decimal(c, None) is not None for c in text)


def scala_long(text: str) -> int | None:
    """Scala's String.toLongOption (StringParsers.parseLong, core's ids): an optional sign, then digits as
    Java's Character.digit reads them (so `"١٢"` is 12), within 64 bits; None for anything else."""
    digits = text[1:] if text[:1] in ("+", "-") else text
    if not digits or not java_digits(digits):
        return None
    number = int(text)
    return number if -(2**63) <= number < 2**63 else None


#: The Unicode categories of Java's `\w` under UNICODE_CHARACTER_CLASS, as core compiles its name pattern:
#: alphabetic (letters, letter numbers), marks, decimal digits and connector punctuation. Python's `\w`
#: differs: it takes other numbers (`½`) and leaves out marks and connectors other than `_`.
_JAVA_WORD = frozenset(("Lu", "Ll", "Lt", "Lm", "Lo", "Nl", "Mn", "Mc", "Me", "Nd", "Pc"))
#: Java's alphabetic symbols (Other_Alphabetic: circled, parenthesized and squared Latin letters) and the
#: join controls, also word characters there.
_JAVA_WORD_EXTRA = (
    (0x200C, 0x200D), (0x24B6, 0x24E9), (0x1F130, 0x1F149), (0x1F150, 0x1F169), (0x1F170, 0x1F189)
)


def _name_char(c: str) -> bool:
    if c in ";@+$-_.!~%" or unicodedata.category(c) in _JAVA_WORD:
        return True
    return any(lo <= ord(c) <= hi for lo, hi in _JAVA_WORD_EXTRA)


def valid_name_chars(name: str) -> bool:
    """Core's Parsing.Name.validChars: `name` is URL path segment characters (RFC 2396, less `&=()',` and
    `:`), its letters and digits Java's Unicode word characters. A schema document's name and each name in
    a legacy ref's path are checked with it."""
    return bool(name) and all(map(_name_char, name))
