"""The orders core's Scala 2.13 collections iterate in, where core's answers show them (checked against
scala-library 2.13.16; core runs 2.13.14, which iterates and hashes alike).

An immutable Map or Set keeps insertion order up to four entries (Map1 to Map4, Set1 to Set4); past that, and
always for a HashMap built as one (`HashMap.empty`, `groupBy`), it is a CHAMP trie iterated depth first:
each node's own entries before its sub-nodes, both by the five bits of the key's improved hash that index
that level; keys whose 32 bits all agree share a collision node, in insertion order. A key's hash is
Java's `hashCode`: a String's over its UTF-16 units, a case class's the MurmurHash3 scalac synthesizes
(`case_class_hash`), a case object's its name's.
"""

from __future__ import annotations

import typing as t

K = t.TypeVar("K")

_MASK = 0xFFFFFFFF


def java_hash(text: str) -> int:
    """Java's String.hashCode (a Scala String's `##`), over UTF-16 code units, as 32 unsigned bits."""
    data = text.encode("utf-16-be", "surrogatepass")
    h = 0
    for i in range(0, len(data), 2):
        h = (31 * h + (data[i] << 8 | data[i + 1])) & _MASK
    return h


def improve(h: int) -> int:
    """scala.collection.Hashing.improve, which immutable.HashMap and HashSet apply to a key's hash."""
    h = (h + (~(h << 9) & _MASK)) & _MASK
    h ^= h >> 14
    h = (h + (h << 4)) & _MASK
    return h ^ (h >> 10)


def hash_order(keys: t.Iterable[K], hash_of: t.Callable[[K], int] = java_hash) -> list[K]:  # type: ignore[assignment]
    """`keys` (distinct, in insertion order) as a HashMap or HashSet of them iterates, each hashed by
    `hash_of` (Java's hashCode; a String's by default)."""
    return _trie([(key, improve(hash_of(key))) for key in keys], 0)


def map_order(keys: t.Iterable[K], hash_of: t.Callable[[K], int] = java_hash) -> list[K]:  # type: ignore[assignment]
    """`keys` as an immutable Map or Set built from them (`.toMap`, a literal) iterates: as given up to four,
    else in hash order."""
    keys = list(keys)
    return keys if len(keys) <= 4 else hash_order(keys, hash_of)


def mutable_map_order(keys: t.Iterable[str], built_from: int | None = None) -> list[str]:
    """String `keys` as a scala.collection.mutable.HashMap built from `built_from` entries (all the `keys`
    by default; `.to(mutable.Map)` sizes its table for them) iterates: by bucket, each key's hash spread
    as `h ^ (h >>> 16)` and masked to the table's size, then by that spread hash (as a signed Int) within a
    bucket. Removing entries leaves the others' order as it was."""
    keys = list(keys)
    count = len(keys) if built_from is None else built_from
    capacity = int((count + 1) / 0.75) if count > 0 else 16
    size = min(1 << 30, (1 << (max(capacity - 1, 4).bit_length() - 1)) * 2)

    def spread(key: str) -> int:
        h = java_hash(key)
        h ^= h >> 16
        return h - (1 << 32) if h & 0x80000000 else h

    return sorted(keys, key=lambda key: (spread(key) & (size - 1), spread(key)))


def _trie(entries: list[tuple[t.Any, int]], shift: int) -> list[t.Any]:
    if shift >= 32:
        return [key for key, _ in entries]
    groups: dict[int, list[tuple[t.Any, int]]] = {}
    for entry in entries:
        groups.setdefault((entry[1] >> shift) & 31, []).append(entry)
    ordered = sorted(groups.items())
    out = [group[0][0] for _, group in ordered if len(group) == 1]
    for _, group in ordered:
        if len(group) > 1:
            out += _trie(group, shift + 5)
    return out


def case_class_hash(name: str, *fields: int) -> int:
    """The hashCode scalac 2.13 synthesizes for a case class `name` whose fields hash to `fields` (an Int
    field is its value): MurmurHash3 from 0xcafebabe over the class name's hash, then each field's,
    finalized with the arity."""
    h = _mix(0xCAFEBABE, java_hash(name))
    for field in fields:
        h = _mix(h, field & _MASK)
    h ^= len(fields)
    h = ((h ^ (h >> 16)) * 0x85EBCA6B) & _MASK
    h = ((h ^ (h >> 13)) * 0xC2B2AE35) & _MASK
    return h ^ (h >> 16)


def indexed_seq_hash(hashes: t.Sequence[int]) -> int:
    """The hashCode of an IndexedSeq (an ArraySeq, a Vector) whose elements hash to `hashes`: MurmurHash3's
    indexedSeqHash from the seed "Seq", which hashes elements that step evenly (1, 2, 3) as a Range does."""
    h = java_hash("Seq")
    if len(hashes) < 2:
        for k in hashes:
            h = _mix(h, k & _MASK)
        return _avalanche(h ^ len(hashes))
    first, prev = hashes[0] & _MASK, hashes[1] & _MASK
    h = _mix(h, first)
    start, step = h, (prev - first) & _MASK
    for i in range(2, len(hashes)):
        h = _mix(h, prev)
        k = hashes[i] & _MASK
        if step != (k - prev) & _MASK or step == 0:
            for k in hashes[i:]:
                h = _mix(h, k & _MASK)
            return _avalanche(h ^ len(hashes))
        prev = k
    return _avalanche(_mix(_mix(start, step), prev))


def _avalanche(h: int) -> int:
    """MurmurHash3's finalization mix (32-bit)."""
    h = ((h ^ (h >> 16)) * 0x85EBCA6B) & _MASK
    h = ((h ^ (h >> 13)) * 0xC2B2AE35) & _MASK
    return h ^ (h >> 16)


def _mix(h: int, k: int) -> int:
    """scala.util.hashing.MurmurHash3.mix (32-bit)."""
    k = _rotl((k * 0xCC9E2D51) & _MASK, 15) * 0x1B873593 & _MASK
    return (_rotl(h ^ k, 13) * 5 + 0xE6546B64) & _MASK


def _rotl(x: int, r: int) -> int:
    return ((x << r) | (x >> (32 - r))) & _MASK
