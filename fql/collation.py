"""Fauna's order of values, as bytes that compare with memcmp.

Index entries, `Documents()` order and set cursors all sort by these keys, so the memory backend keeps
them in bisect-able lists and SQL backends in BLOB B-tree indexes. Every encoding is self-delimiting, so a
key's bytes can be inverted for a `reverse: true` index field and still sort correctly, and the encoding
of a tuple prefix is a byte prefix of the encoding of the whole tuple (cursors and Range bounds rely on it).

The type order is core's CBOR order: numbers < bytes < strings < arrays < objects < refs, sets, times,
dates < lambdas < UUIDs (CBOR tag 37, after the query tag 18) < false < true < null.

Strings sort as core's CBOROrdering sorts them: by ICU's collator for the root locale (the JVM's default
en_US collates the same: tertiary strength, non-ignorable), and where the collator finds two strings equal
(`"a"` and `"a\\u0000"`, or canonically equivalent spellings) by their UTF-8 bytes. A string's key is its ICU
sort key (whose bytes are never 0), a 0 byte, then its escaped UTF-8: self-delimiting, and memcmp agrees
with the collator. Core also puts a string whose UTF-8 is a byte prefix of another's first, before asking
the collator; the collator agrees with that except for prevowel reorderings (Lao and Thai: core puts
"\\u0ec0" before "\\u0ec0\\u0e81", the collator after), where core's own order is not transitive; the key
follows the collator.
Objects compare as core's IndexTerm and CBOROrdering compare them: IndexTerm sorts an object's fields by
name in Java's UTF-16 order, then CBOROrdering.compareMaps compares pair by pair (each name by the
collator, as any string, then its value), and a shorter object that agrees so far sorts first.
Document ids (`id_key`) stay in code-point order: core's ids are numbers, and fql's names sort apart.
A ref sorts by its id, then its collection, as core's DocID compares (subID, then collection id): in an
index over several collections, or a Union of their documents, the documents mix by id. Two refs of one
id in two collections follow their collections' keys (by name, where core's follow the collections' ids),
and a named schema document's ref sorts before every numbered document's (core's schema documents' ids
are small).
"""

from __future__ import annotations

import functools
import re
import struct
import typing as t

import icu

from .values import UUID, Bytes, Date, Lambda, Page, Ref, SetRef, Timestamp

_NUMBER, _BYTES, _STRING, _ARRAY, _OBJECT = b"\x10", b"\x20", b"\x30", b"\x40", b"\x50"
_REF, _SET, _TIME, _DATE, _OTHER, _UUID = b"\x60", b"\x61", b"\x62", b"\x63", b"\x64", b"\x65"
_FALSE, _TRUE, _NULL = b"\x70", b"\x71", b"\x80"
_END = b"\x00"
_LONG = 2.0**63
#: Greater than any key's first byte: `prefix + TOP` bounds every key that starts with `prefix`.
TOP = b"\xff"


def _float_key(x: float) -> bytes:
    (bits,) = struct.unpack(">Q", struct.pack(">d", x))
    bits = bits ^ 0xFFFFFFFFFFFFFFFF if bits >> 63 else bits | (1 << 63)
    return struct.pack(">Q", bits)


def _int_key(n: int, width: int = 8) -> bytes:
    bias = 1 << (width * 8 - 1)
    n = max(-bias, min(bias - 1, n))
    return (n + bias).to_bytes(width, "big")


def _escaped(raw: bytes) -> bytes:
    return raw.replace(b"\x00", b"\x00\xff") + b"\x00\x01"


#: Core's `Collator.getInstance` for the JVM's default locale; ICU's root collation, which en_US uses.
_COLLATOR = icu.Collator.createInstance(icu.Locale.getRoot())
_COLLATOR.setStrength(icu.Collator.TERTIARY)
_COLLATOR.setAttribute(icu.UCollAttribute.ALTERNATE_HANDLING, icu.UCollAttributeValue.NON_IGNORABLE)


@functools.lru_cache(maxsize=65536)
def string_key(value: str) -> bytes:
    """A string's key after its type byte: the collator's sort key (ending in its 0 byte, below every sort
    key byte), then the UTF-8 that breaks the collator's ties."""
    return _COLLATOR.getSortKey(value) + _escaped(value.encode("utf-8", "surrogatepass"))


def _utf16(field: str) -> bytes:
    """An object's field name as Java orders names: by UTF-16 code unit (`String.compare`, which core's
    IndexTerm uses to sort an object's fields before its pairs compare), so a name beyond the BMP
    (`"\U0001d400"`, a surrogate pair) sorts before one in U+E000 to U+FFFF (`"\uff21"`), not after as
    by code point."""
    return field.encode("utf-16-be", "surrogatepass")


def encode(value: t.Any, numeric: bool = False) -> bytes:
    """The order-preserving key of one value. Apart, 1 and 1.0 are two values (the key is also what makes
    two values the same); `numeric` keys them as an index orders them, as one: a Double with a whole value
    in Long's range has that Long's key, as core's CBOROrdering compares an integer with a floating point
    number by value (compareIntNumber) and an index tuple then goes on to its next field."""
    if value is None:
        return _NULL
    if value is True:
        return _TRUE
    if value is False:
        return _FALSE
    if isinstance(value, int):
        # Ints and doubles compare numerically; the exact int breaks ties beyond 2**53.
        return _NUMBER + _float_key(float(value)) + b"\x01" + _int_key(value)
    if isinstance(value, float):
        if numeric and value.is_integer() and -_LONG <= value < _LONG:
            return _NUMBER + _float_key(value) + b"\x01" + _int_key(int(value))
        return _NUMBER + _float_key(value) + b"\x00"
    if isinstance(value, str):
        return _STRING + string_key(value)
    if isinstance(value, Bytes):
        return _BYTES + _escaped(value.data)
    if isinstance(value, (list, tuple)):
        return _ARRAY + b"".join(encode(v, numeric) for v in value) + _END
    if isinstance(value, dict):
        return _OBJECT + b"".join(encode(k) + encode(value[k], numeric) for k in sorted(value, key=_utf16)) + _END
    if isinstance(value, Ref):
        return _REF + ref_key(value)
    if isinstance(value, Timestamp):
        return _TIME + _int_key(value.nanos, 12)
    if isinstance(value, Date):
        return _DATE + _int_key(value.days)
    if isinstance(value, UUID):
        return _UUID + value.bits.to_bytes(16, "big")
    if isinstance(value, Page):
        return encode(value.to_dict(), numeric)
    if isinstance(value, SetRef):
        return _SET + _escaped(repr(value).encode())
    if isinstance(value, Lambda):
        return _OTHER + _escaped(repr(value).encode())
    return _OTHER + _escaped(repr(value).encode())


#: An id `id_key` orders as a number: up to 19 ASCII digits, maybe negative.
_NUMERIC_ID = re.compile(r"-?[0-9]{1,19}")


def id_key(doc_id: str) -> bytes:
    """Document ids sort numerically when numeric (they are signed longs in Fauna: core's DocID compares
    them with Long.compare, so a negative bound such as `all({ from: -5 })` is below every id), names by
    code point after."""
    if _NUMERIC_ID.fullmatch(doc_id):
        return b"\x01" + _int_key(int(doc_id))
    return b"\x02" + _escaped(doc_id.encode("utf-8", "surrogatepass"))


def id_key_length(key: bytes) -> int:
    """The length of the `id_key` that `key` starts with (all of it, if cut short; of another id part, a
    prefix of it)."""
    if key[0] == 1:
        return min(9, len(key))
    end = key.find(b"\x00\x01", 1)
    return len(key) if end < 0 else end + 2


#: The native collections whose documents are named: core gives them numeric ids in creation order, and
#: their sets (`Collections()`, `Collection.all()`) list them in that order.
NAMED_NATIVES = frozenset(("databases", "collections", "indexes", "functions", "roles", "access_providers"))
#: Before every `id_key`: a schema document's place (`born_key`, `ref_key`), as core's ids of schema
#: documents, counted up from a few thousand, are below the documents' snowflake ids.
_SCHEMA = b"\x00"


def born_key(born: tuple[int, int], doc_id: str) -> bytes:
    """The id key of a named schema document in its native set: by creation (its transaction's time, then
    its place among those that transaction made), then name. Core's schema documents have numeric ids,
    given in creation order, which their sets sort by; fql names them by name, so a set of them sorts by
    when each was created (`id_key` stays by name)."""
    return _SCHEMA + _int_key(born[0]) + _int_key(born[1]) + _escaped(doc_id.encode("utf-8", "surrogatepass"))


def ref_key(ref: Ref) -> bytes:
    """Refs sort by database, then id, then collection: core's DocID compares the document's id (subID)
    before its collection's, and a ref among an index's values is its DocID's bytes, in that order. A named
    schema document's ref sorts by name before every numbered document's."""
    head, tail = ref_parts(ref.database, ref.collection)
    coll = ref.collection
    if coll is not None and coll.collection is None and coll.id in NAMED_NATIVES and not _NUMERIC_ID.fullmatch(ref.id):
        return head + _SCHEMA + _escaped(ref.id.encode("utf-8", "surrogatepass")) + tail
    return head + id_key(ref.id) + tail


def ref_parts(database: Ref | None, collection: Ref | None) -> tuple[bytes, bytes]:
    """What the key of a ref in `collection` of `database` has before its id's key, and after it."""
    head = b"\x01" + ref_key(database) if database is not None else b"\x00"
    tail = b"\x01" + ref_key(collection) if collection is not None else b"\x00"
    return head, tail


def tuple_key(values: t.Sequence[t.Any], reverse: t.Sequence[bool] = ()) -> bytes:
    """The key of an index tuple, as the index orders it (`encode`'s `numeric`: 1 and 1.0 are one place, the
    next field decides); fields flagged in `reverse` sort descending."""
    out = bytearray()
    for i, v in enumerate(values):
        k = encode(v, True)
        if i < len(reverse) and reverse[i]:
            k = _inverted(k)
        out += k
    return bytes(out)


def _inverted(key: bytes) -> bytes:
    return bytes(255 - b for b in key)


def terms_key(values: t.Sequence[t.Any]) -> bytes:
    """The key of an index entry's terms, which find it by equality: 1 and 1.0 are two terms (core keys an
    index's rows by their terms' encoding)."""
    return b"".join(encode(v) for v in values)


def sort_key(value: t.Any) -> bytes:
    """A key for `sorted()` of plain values in Fauna's order."""
    return encode(value)


# Keys as storage version 2 made them: refs by collection before id, and every double apart from the
# Longs. `upgraded` reads such a key and gives the key of the same values now.

_FIXED = {_TIME[0]: 12, _DATE[0]: 8, _UUID[0]: 16, _FALSE[0]: 0, _TRUE[0]: 0, _NULL[0]: 0}
_ESCAPED = (_BYTES[0], _SET[0], _OTHER[0])
_TYPES = frozenset((_NUMBER[0], _STRING[0], _ARRAY[0], _OBJECT[0], _REF[0], *_FIXED, *_ESCAPED))


def upgraded(key: bytes, numeric: bool) -> bytes:
    """The key now of the tuple whose storage version 2 key is `key` (an index entry's terms, or with
    `numeric` its sort key, whose fields may be inverted)."""
    out, at = bytearray(), 0
    while at < len(key):
        if key[at] in _TYPES:
            new, at = _upgraded(key, at, numeric)
        else:
            rest = _inverted(key[at:])
            new, used = _upgraded(rest, 0, numeric)
            new, at = _inverted(new), at + used
        out += new
    return bytes(out)


def _escaped_end(key: bytes, at: int) -> int:
    return key.index(b"\x00\x01", at) + 2


def _upgraded(key: bytes, at: int, numeric: bool) -> tuple[bytes, int]:
    """One value's key now, and where its version 2 key at `at` ends."""
    kind = key[at]
    if kind == _NUMBER[0]:
        if key[at + 9] == 1:
            return key[at : at + 18], at + 18
        (bits,) = struct.unpack(">Q", key[at + 1 : at + 9])
        bits = bits & ~(1 << 63) if bits >> 63 else bits ^ 0xFFFFFFFFFFFFFFFF
        (x,) = struct.unpack(">d", struct.pack(">Q", bits))
        return encode(x, numeric), at + 10
    if kind in _FIXED:
        return key[at : at + 1 + _FIXED[kind]], at + 1 + _FIXED[kind]
    if kind in _ESCAPED:
        end = _escaped_end(key, at + 1)
        return key[at:end], end
    if kind == _STRING[0]:
        end = _escaped_end(key, key.index(b"\x00", at + 1) + 1)
        return key[at:end], end
    if kind == _REF[0]:
        new, end, _ = _ref_upgraded(key, at + 1)
        return _REF + new, end
    out, at = bytearray(key[at : at + 1]), at + 1
    while key[at] != _END[0]:
        if kind == _OBJECT[0]:
            name, at = _upgraded(key, at, False)
            out += name
        new, at = _upgraded(key, at, numeric)
        out += new
    return bytes(out + _END), at + 1


_NATIVE_IDS = frozenset(id_key(name) for name in NAMED_NATIVES)


def _ref_upgraded(key: bytes, at: int) -> tuple[bytes, int, bool]:
    """A ref's key now (after its type byte), where its version 2 key (database, collection, id) ends, and
    whether it is a named native collection's ref."""
    parts, native = [], False
    for _ in range(2):
        if key[at] == 1:
            part, at, native = _ref_upgraded(key, at + 1)
            parts.append(b"\x01" + part)
        else:
            parts.append(b"\x00")
            at, native = at + 1, False
    end = at + id_key_length(key[at:])
    doc_id = key[at:end]
    if native and doc_id[:1] == b"\x02":
        doc_id = _SCHEMA + doc_id[1:]
    return parts[0] + doc_id + parts[1], end, parts[1] == b"\x00" and doc_id in _NATIVE_IDS
