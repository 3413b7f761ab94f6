"""Sets: Match, Documents, set algebra, Join, Range, Singleton, and Paginate over them.

Every set is read as an ordered stream of (key, cursor, element): `cursor` is the index tuple (values then
ref) and `key` its collation bytes, so streams merge by bytes and a page's `after` is the next cursor.
Bounds (`lo` inclusive, `hi` exclusive, as keys) are pushed down to the storage range scans.
"""

from __future__ import annotations

import collections
import heapq
import itertools
import typing as t

import attrs

from .. import ast
from ..collation import NAMED_NATIVES, TOP, born_key, encode, id_key, id_key_length, ref_parts, terms_key, tuple_key
from ..errors import FQLError, InvalidArgument, InvalidRef, NotImplementedInFql, PermissionDenied
from ..storage.base import DocKey, Transaction
from ..storage.meter import unmetered
from ..values import NATIVE_NAMES, Lambda, Page, Ref, SetRef, SourcedElement, native, type_name
from . import access, effects, indexes, staged
from .casts import BOOLEAN, INTEGER
from .evaluator import Context, billed_read
from .refs import all_resolved, check_valid_time, doc_key, made_rank, read, ref_of, resolved, scope_of, version_at, visible
from .registry import builtin

Item = tuple[bytes, list, t.Any]

#: Paginate's default page size, and the largest it allows (larger sizes are clamped).
DEFAULT_PAGE_SIZE = 64
MAX_PAGE_SIZE = 100_000


def as_set(value: t.Any, *path: str | int) -> SetRef:
    """A set argument: a SetRef, or a native collection ref (which means all its documents)."""
    if isinstance(value, SetRef):
        return value
    if isinstance(value, Ref) and value.collection is None and value.id in NATIVE_NAMES:
        # Paginating a native collection itself needs read access to it (core's check, a 403);
        # Documents(Tokens()) instead shows what the caller may read.
        return SetRef.of(documents=value, checked=True)
    # Core's Set cast is its Identifier cast first: what is no ref at all is refused as such.
    expected = "Set" if isinstance(value, Ref) else "Ref or Set"
    raise InvalidArgument(f"{expected} expected, {type_name(value)} provided.").at(*path)


def cursor_of(value: t.Any) -> list:
    """A cursor as given by a user: an array is the tuple, anything else its first element."""
    return value if isinstance(value, list) else [value]


def cursor_key(ctx: Context, s: SetRef, cursor: t.Any) -> bytes:
    """The key a user's cursor (or Range bound) has in `s`: its fields sort as the set's do, so a
    field an index keeps `reverse`, or any field of a Reverse set, compares descending."""
    flags, rest = _cursor_order(ctx, s)
    fields = cursor_of(cursor)
    found = tuple_key(fields, [*flags, *[rest] * (len(fields) - len(flags))])
    if fields and isinstance(fields[0], Ref) and _ref_ordered(s):
        # A named schema document sorts in a set of documents by creation (named_key), not by name.
        named = named_key(ctx, fields[0])
        if named is not None:
            head = bytes(255 - b for b in named) if flags and flags[0] else named
            found = head + tuple_key(fields[1:], [*flags[1:], *[rest] * (len(fields) - max(len(flags), 1))])
    return found


def _ref_ordered(s: SetRef) -> bool:
    """Whether a set's elements are keyed as documents are (Documents and Singleton, and the sets made
    of them), not by an index's values."""
    kind = s.kind
    if kind in ("documents", "singleton"):
        return True
    if kind in ("union", "intersection", "difference"):
        return _ref_ordered(operands(s)[0])
    inner = {"distinct": "distinct", "range": "range", "filter": "collection", "reverse": "reverse"}.get(kind)
    if inner is not None:
        try:
            return _ref_ordered(as_set(s[inner], inner))
        except FQLError:
            return False
    return False


def _cursor_order(ctx: Context, s: SetRef) -> tuple[list[bool], bool]:
    """Which of a set's cursor fields sort descending, and whether the fields past those do."""
    kind = s.kind
    if kind == "match":
        return list(indexes.definition(ctx, s["match"], "match").reverse), False
    if kind == "join" and isinstance(s["with"], Ref):
        return list(indexes.definition(ctx, s["with"], "with").reverse), False
    if kind == "reverse":
        flags, rest = _cursor_order(ctx, as_set(s["reverse"], "reverse"))
        return [not f for f in flags], not rest
    if kind in ("union", "intersection", "difference"):
        return _cursor_order(ctx, operands(s)[0])
    inner = {"distinct": "distinct", "range": "range", "filter": "collection"}.get(kind)
    if inner is not None:
        return _cursor_order(ctx, as_set(s[inner], inner))
    # A set of documents is ordered by ref, ascending.
    return [False] if kind in ("documents", "singleton") else [], False


def _in_bounds(key: bytes, lo: bytes | None, hi: bytes | None) -> bool:
    return (lo is None or key >= lo) and (hi is None or key < hi)


def scan(ctx: Context, s: SetRef, lo: bytes | None = None, hi: bytes | None = None, reverse: bool = False) -> t.Iterator[Item]:
    """The items of `s` with `lo <= key < hi`, ascending (descending when `reverse`)."""
    from . import history

    reader = READERS.get(s.kind)
    if reader is None:
        raise NotImplementedInFql(f"Reading {s.kind} sets is not implemented in fql yet.")
    if s.kind != "events" and history.historical(s):
        # A set of events that combines such sets is read as its history (core reads a historical
        # shape's `history`); a Filter, Reverse or Range of events cannot be (theirs throws).
        reader = READERS["events"]
    return reader(ctx, s, lo, hi, reverse)


def elements(ctx: Context, s: SetRef) -> t.Iterator[t.Any]:
    """The elements of `s` in order."""
    return (element for _, _, element in scan(ctx, as_set(s)))


def match_source(ctx: Context, s: SetRef) -> tuple[indexes.IndexDef, bytes, bool]:
    """A Match set's index, its terms key, and whether entries show only documents the caller may read;
    `permission denied` when the caller may not read the index."""
    index = indexes.definition(ctx, s["match"], "match")
    has_terms = any(k == "terms" for k, _ in s.form)
    terms = s.get("terms")
    index_key = DocKey(index.key.scope, "#indexes", index.key.name)
    access.require(ctx, "read_index", index_key, (terms,))
    # Without unrestricted_read, core shows only the entries of documents the caller may read.
    filtered = not ctx.state.unfiltered and not access.allowed(ctx, "unrestricted_read", index_key, (terms,))
    return index, terms_key(cursor_of(terms)) if has_terms else b"", filtered


def _match(ctx: Context, s: SetRef, lo, hi, reverse) -> t.Iterator[Item]:
    index, terms_key, filtered = match_source(ctx, s)
    at = ctx.state.valid_ts
    if at is None:
        now, found = ctx.state.ts, ctx.state.txn.index_scan(index.key, terms_key, lo=lo, hi=hi, reverse=reverse)
    else:
        for coll in index.sources:
            check_valid_time(ctx, index.key.scope, coll, at)
        # An entry's ttl is checked against the query's own time, the past's too (refs.visible).
        now, found = ctx.state.ts, iter(indexes.entries_at(ctx, index, terms_key, at, lo=lo, hi=hi, reverse=reverse))
    for entry in found:
        if entry.ttl is not None and entry.ttl <= now:
            continue
        ref = ref_of(ctx, entry.doc)
        if filtered and not access.allowed(ctx, "read", entry.doc, (ref,)):
            continue
        values = list(entry.values)
        element = ref if not values else values[0] if len(values) == 1 else values
        yield entry.sort, [*values, ref], element


def documents_source(ctx: Context, s: SetRef) -> tuple[str, str, bool]:
    """A Documents set's storage scope and collection, and whether it shows only the documents the
    caller may read (by `read`, or the `read_action` a v10 set asks for)."""
    coll = s["documents"]
    if not isinstance(coll, Ref):
        raise InvalidArgument(f"Collection Ref expected, {type_name(coll)} provided.").at("documents")
    if coll.collection is None:
        scope, name = scope_of(ctx, coll.database), "#" + coll.id
        whole = DocKey(scope, name, "")
        # v4 refuses a key that may not read the admin-only kinds (`Keys()` for a server key). A v10 set
        # (`Key.all()`, which asks for its `read_action`) is never refused: core's CollectionCompanion
        # checkReadPermission only logs the read, and the set shows the documents the caller may read.
        if s.get("checked") or (name in access.ROOT_KINDS and s.get("read_action") is None):
            access.require(ctx, "read_index", whole)
    else:
        key = doc_key(ctx, Ref("0", coll), "documents")
        scope, name = key.scope, key.coll
        whole = DocKey(scope, "#collections", name)
    # Core never refuses Documents(): without a read of the whole collection it shows the documents
    # the caller may read, one by one.
    return scope, name, not ctx.state.unfiltered and not access.allowed(ctx, "read_index", whole)




def _prefix(coll: Ref) -> tuple[bytes, bytes]:
    """What the keys of the refs of one collection start and end with; between them is the id's key."""
    probe, tail = encode(Ref("0", coll)), ref_parts(None, coll)[1]
    return probe[: len(probe) - len(id_key("0")) - len(tail)], tail


def _created(txn: Transaction, key: DocKey, now: int) -> tuple[int, int]:
    """When the document live at `now` was created, and its place among those its transaction made."""
    born = _born(txn, key, now)
    return born, made_rank(txn, key, born)


def _born(txn: Transaction, key: DocKey, now: int) -> int:
    """When the document live at `now` was created: its first version since its last deletion."""
    born = 0
    for version in txn.history(key):
        if version.ts > now:
            break
        if version.data is None:
            born = 0
        elif not born:
            born = version.ts
    return born


def named_key(ctx: Context, ref: Ref) -> bytes | None:
    """A named schema document's key in a set of documents (ordered by creation, as core's ids are),
    or None for any other ref."""
    coll = ref.collection
    if coll is None or coll.collection is not None or coll.id not in NAMED_NATIVES:
        return None
    try:
        key = doc_key(ctx, ref, "documents")
    except FQLError:
        return None
    at = ctx.state.valid_ts
    born = staged.staged_born(ctx, key) if staged.shows_staged(ctx, key) else None
    if born is None:
        # A schema document's creation time stands for core's id, which its ref carries: no billed read.
        born = _created(unmetered(ctx.state.txn), key, ctx.state.ts if at is None else at)
    head, tail = _prefix(coll)
    return head + born_key(born, ref.id) + tail


def _named(ctx: Context, s: SetRef, lo, hi, reverse) -> t.Iterator[Item]:
    """The documents of a named native collection, in creation order (core's ids), then by name; a
    staged schema's documents while one is staged (staged.py)."""
    scope, name, filtered = documents_source(ctx, s)
    head, tail = _prefix(s["documents"])
    if staged.shows_staged(ctx, DocKey(scope, name, "")):
        born = staged.staged_versions(ctx, scope, name)
    else:
        born = born_versions(ctx, scope, name)
    found = [(head + born_key(when, version.key.id) + tail, version) for when, version in born]
    found = [(key, version) for key, version in found if _in_bounds(key, lo, hi)]
    found.sort(key=lambda pair: pair[0], reverse=reverse)
    for key, version in found:
        ref = ref_of(ctx, version.key)
        if filtered and not access.allowed(ctx, s.get("read_action", "read"), version.key, (ref,)):
            continue
        yield key, [ref], ref


def born_versions(ctx: Context, scope: str, name: str) -> t.Iterator[tuple[tuple[int, int], t.Any]]:
    """The live documents of a named native collection at the valid time, each with when it was created
    (`_created`)."""
    at = ctx.state.valid_ts
    now = ctx.state.ts if at is None else at
    for version in ctx.state.txn.scan(scope, name):
        if version.ts > now:
            version = version_at(ctx, version.key, now)
        if version is not None and visible(ctx, version, now):
            yield _created(unmetered(ctx.state.txn), version.key, now), version


def _documents(ctx: Context, s: SetRef, lo, hi, reverse) -> t.Iterator[Item]:
    coll = s["documents"]
    if isinstance(coll, Ref) and coll.collection is None and coll.id in NAMED_NATIVES:
        yield from _named(ctx, s, lo, hi, reverse)
        return
    scope, name, filtered = documents_source(ctx, s)
    # Keys of refs in one collection share a head and a tail; between them is the id key the storage
    # orders by.
    head, tail = _prefix(coll)
    id_lo = _id_bound(lo, head)
    at = ctx.state.valid_ts
    if at is not None:
        check_valid_time(ctx, scope, name, at)
    now = ctx.state.ts if at is None else at
    for version in ctx.state.txn.scan(scope, name, lo=id_lo if not reverse else None, reverse=reverse):
        if version.ts > now:
            # Inside At: the document as it was then (the scan yields each document's newest version).
            version = version_at(ctx, version.key, now)
        if version is None or not visible(ctx, version, now):
            continue
        ref = ref_of(ctx, version.key)
        key = head + id_key(version.key.id) + tail
        if not _in_bounds(key, lo, hi):
            if reverse and lo is not None and key < lo:
                return
            if not reverse and hi is not None and key >= hi:
                return
            continue
        if filtered and not access.allowed(ctx, s.get("read_action", "read"), version.key, (ref,)):
            continue
        yield key, [ref], ref


def _id_bound(bound: bytes | None, head: bytes) -> bytes | None:
    """The id key a scan of one collection's documents (whose keys start with `head`) starts at to find
    those at or after the key `bound`: its id's."""
    if bound is None or bound <= head:
        return None
    if bound.startswith(head):
        rest = bound[len(head) :]
        return rest[: id_key_length(rest)]
    return b"\xff"


def _singleton(ctx: Context, s: SetRef, lo, hi, reverse) -> t.Iterator[Item]:
    ref = s["singleton"]
    if isinstance(ref, Ref) and ref.collection is not None:
        # Core's DocSingletonSet is read once the caller may read the document's history, and then
        # whatever it may read of the document (DocEventSet.filteredForRead asks `history_read`).
        access.require(ctx, "history_read", doc_key(ctx, ref, "singleton"), (ref,))
    if isinstance(ref, Ref) and ref.collection is not None and read(ctx, doc_key(ctx, ref, "singleton")):
        key = named_key(ctx, ref) or encode(ref)
        if _in_bounds(key, lo, hi):
            yield key, [ref], ref


def operands(s: SetRef) -> list[SetRef]:
    """The sets a Union, Intersection or Difference combines."""
    value = s.form[0][1]
    return [as_set(v, s.kind) for v in (value if isinstance(value, list) else [value])]


def _tagged(items: t.Iterator[Item], tag: int) -> t.Iterator[tuple[Item, int]]:
    return ((item, tag) for item in items)


def _operand_paths(s: SetRef) -> list[tuple]:
    """Where a Union's, Intersection's or Difference's operands are written: `[kind, i]` in an array."""
    value = s.form[0][1]
    return [(s.kind, i) for i in range(len(value))] if isinstance(value, list) else [(s.kind,)]


def _merged(ctx: Context, sets: list[SetRef], lo, hi, reverse, paths: list[tuple] | None = None) -> t.Iterator[tuple[Item, int]]:
    streams = [
        _tagged(scan(ctx, each, lo, hi, reverse) if paths is None else _operand(ctx, each, paths[i], lo, hi, reverse), i)
        for i, each in enumerate(sets)
    ]
    return heapq.merge(*streams, key=lambda pair: pair[0][0], reverse=reverse)


def _identity(item: Item) -> bytes:
    """What makes two elements the same element: their values when the set has values, else their ref.

    Core compares set elements by their values alone, so equal values from different documents (or
    sets) meet in Union, Intersection and Difference; the ref only orders them.
    """
    key, cursor, _ = item
    return key if len(cursor) < 2 else key[: len(key) - len(encode(cursor[-1], True))]


def _grouped(ctx: Context, s: SetRef, lo, hi, reverse) -> t.Iterator[dict[int, list[Item]]]:
    """Each run of equal elements across the operands, as its items by operand (in order)."""
    merged = _merged(ctx, operands(s), lo, hi, reverse, _operand_paths(s))
    for _, group in itertools.groupby(merged, key=lambda p: _identity(p[0])):
        by_operand: dict[int, list[Item]] = {}
        for item, i in group:
            by_operand.setdefault(i, []).append(item)
        yield by_operand


def _union(ctx: Context, s: SetRef, lo, hi, reverse) -> t.Iterator[Item]:
    # An element comes out as often as the operand holding it most often has it, that operand's copies
    # (the first operand's of those holding as many: core's groupBy map of the run by operand iterates
    # operands 0 to 4 in order) last read first: UnionSet's MergeElemsIfPresent gathers the run by
    # prepending each element read to it.
    for by_operand in _grouped(ctx, s, lo, hi, reverse):
        yield from reversed(max(by_operand.values(), key=len))


def _intersection(ctx: Context, s: SetRef, lo, hi, reverse) -> t.Iterator[Item]:
    # An element in every operand comes out as often as the operand holding it least often has it.
    # IntersectionSet's own merge takes one element of each set at a time, while all their heads are
    # equal, and keeps the first set's (the first of its groupBy map by set): the first set's copies,
    # in the order read.
    n = len(operands(s))
    wide_lo, wide_hi = _whole_run(ctx, s, lo, hi, reverse)
    for by_operand in _grouped(ctx, s, wide_lo, wide_hi, reverse):
        if len(by_operand) == n:
            count = min(len(items) for items in by_operand.values())
            yield from (item for item in by_operand[0][:count] if _in_bounds(item[0], lo, hi))


def _whole_run(ctx: Context, s: SetRef, lo, hi, reverse) -> tuple[bytes | None, bytes | None]:
    """The bounds of an Intersection's read, widened to the whole run of equal elements its starting
    bound falls in. Core's IntersectionSet starts each set at the cursor's values, whatever its document
    (Event.MinValue, or MaxValue read down, with those values), so it counts that run whole before the
    elements on the far side of the cursor are dropped; a page that ends among an element's copies
    goes on with the rest of them."""
    # Core reads each set once, from there: finding the run where fql's read starts is not billed.
    txn = ctx.state.txn
    ctx.state.txn = unmetered(txn)
    try:
        first = next(_merged(ctx, operands(s), lo, hi, reverse, _operand_paths(s)), None)
    finally:
        ctx.state.txn = txn
    if first is None:
        return lo, hi
    element = _identity(first[0])
    if not reverse and lo is not None and lo.startswith(element):
        return element, hi
    if reverse and hi is not None and hi.startswith(element):
        return lo, element + TOP
    return lo, hi


def _difference(ctx: Context, s: SetRef, lo, hi, reverse) -> t.Iterator[Item]:
    for by_operand in _grouped(ctx, s, lo, hi, reverse):
        if by_operand.keys() == {0}:
            # Last read first, as AbstractAlgebraicSet's MergeElemsIfPresent gathers the run.
            yield from reversed(by_operand[0])


def _distinct(ctx: Context, s: SetRef, lo, hi, reverse) -> t.Iterator[Item]:
    """Each element that is not the one before it (core's DistinctSet drops a run of equal values, which
    the set's order puts together: only 1 and 1.0, one place in an index's order, alternate)."""
    last = None
    for key, cursor, element in _operand(ctx, as_set(s["distinct"], "distinct"), ("distinct",), lo, hi, reverse):
        mark = encode(element)
        if mark != last:
            last = mark
            yield key, cursor, element


def _join(ctx: Context, s: SetRef, lo, hi, reverse) -> t.Iterator[Item]:
    # Unlike a Union, core merges the targets as its MergeElems does (JoinSet's snapshot): each run of
    # equal elements, from one target or several, is one element, the run's last in reading order.
    targets = [snapshot_of(target) for target in _join_targets(ctx, s)]
    for _, run in itertools.groupby(_merged(ctx, targets, lo, hi, reverse), key=lambda p: _identity(p[0])):
        yield collections.deque(run, maxlen=1)[0][0]


def _join_targets(ctx: Context, s: SetRef) -> list[SetRef]:
    """The sets a Join unites: its target applied to each element of its source."""
    target = s["with"]
    targets = []
    for _, _, element in _operand(ctx, snapshot_of(as_set(s["join"], "join")), ("join",)):
        if isinstance(target, Lambda):
            targets.append(as_set(ctx.apply(target, element, "with"), "with"))
        else:
            targets.append(SetRef.of(match=target, terms=element))
    return targets


def snapshot_of(s: SetRef) -> SetRef:
    """`s` as a Join reads its source and its targets, by their snapshot (a Join's shape is no set of
    events): a set of events reads as the set it is of, a document's events as that document
    (HistoricalSet.snapshot is its set's; DocSet.snapshot is the live document, as a Singleton's), in
    any set combining them too."""
    kind = s.kind
    if kind == "events":
        inner = s["events"]
        return snapshot_of(inner) if isinstance(inner, SetRef) else SetRef.of(singleton=inner)
    if kind in ("union", "intersection", "difference"):
        sets = s.form[0][1]
        inner = [snapshot_of(x) if isinstance(x, SetRef) else x for x in sets] if isinstance(sets, list) else sets
        inner = snapshot_of(inner) if isinstance(inner, SetRef) else inner
        return SetRef(((kind, inner), *s.form[1:]))
    place = {"distinct": "distinct", "reverse": "reverse", "range": "range", "filter": "collection", "join": "join"}.get(kind)
    if place is None or not isinstance(s[place], SetRef):
        return s
    return SetRef(tuple((k, snapshot_of(v) if k == place else v) for k, v in s.form))


def _range(ctx: Context, s: SetRef, lo, hi, reverse) -> t.Iterator[Item]:
    start, stop = s["from"], s["to"]
    if start is not None and cursor_of(start) != []:
        k = cursor_key(ctx, s, start)
        lo = k if lo is None else max(lo, k)
    if stop is not None and cursor_of(stop) != []:
        k = cursor_key(ctx, s, stop) + TOP
        hi = k if hi is None else min(hi, k)
    if lo is not None and hi is not None and lo >= hi:
        return iter(())
    return _operand(ctx, as_set(s["range"], "range"), ("range",), lo, hi, reverse)


def _invert(key: bytes) -> bytes:
    return bytes(255 - b for b in key)


def _reverse(ctx: Context, s: SetRef, lo, hi, reverse) -> t.Iterator[Item]:
    # Reverse order is the inverted keys' order; bounds are checked on the inverted keys.
    inner = as_set(s["reverse"], "reverse")
    for key, cursor, element in _operand(ctx, inner, ("reverse",), None, None, not reverse):
        flipped = _invert(key)
        if _in_bounds(flipped, lo, hi):
            yield flipped, cursor, element
        elif (not reverse and hi is not None and flipped >= hi) or (reverse and lo is not None and flipped < lo):
            return


def _filter(ctx: Context, s: SetRef, lo, hi, reverse) -> t.Iterator[Item]:
    from .collections import _apply

    fn = s["filter"]
    if not isinstance(fn, Lambda):
        raise InvalidArgument(f"Lambda expected, {type_name(fn)} provided.").at("filter")
    for item in _operand(ctx, as_set(s["collection"], "collection"), ("collection",), lo, hi, reverse):
        # As an eager Filter's: a binding error at `filter/lambda`, the body's where it is written.
        keep = _apply(ctx, fn, item[2], "filter")
        if not isinstance(keep, bool):
            raise InvalidArgument(f"Boolean expected, {type_name(keep)} provided.").at("filter")
        if keep:
            yield item


#: How each kind of set is read, by its first wire key (history.py adds `events`).
READERS: dict[str, t.Callable[..., t.Iterator[Item]]] = {
    "match": _match,
    "documents": _documents,
    "singleton": _singleton,
    "union": _union,
    "intersection": _intersection,
    "difference": _difference,
    "distinct": _distinct,
    "join": _join,
    "range": _range,
    "reverse": _reverse,
    "filter": _filter,
}


#: Match without terms (Match(index, null) matches the term null).
_NO_TERMS = object()


@builtin("Match", keys=("match", "terms"), varargs=True, required=1)
def match(ctx: Context, index: t.Any, terms: t.Any = _NO_TERMS) -> SetRef:
    """The set of an index's entries whose terms equal `terms` (all entries when none are given; a
    null term is the term null)."""
    # Core casts the index with StringOrIndexRef, a TypeCast(Identifier): anything else is refused as
    # no Identifier. An index named by a string that names nothing is reported at `index`
    # (SetFunctions.scala MatchFunction), one given as a ref at `match`.
    named = isinstance(index, str)
    if named:
        index = Ref(index, native("indexes"))
    if not isinstance(index, Ref) or index.kind != "indexes":
        raise InvalidArgument(f"Identifier expected, {type_name(index)} provided.").at("match")
    if not named:
        indexes.definition(ctx, index, "match")
    if terms is _NO_TERMS:
        if named:
            indexes.definition(ctx, index, "index")
        return SetRef.of(match=index)
    # Core's MatchTerm takes any value as its IR value (an object or array is the term of a field
    # indexed whole, `mva: false`), but an unresolved ref has none: `Any expected`.
    errors = []
    for i, term in enumerate(cursor_of(terms)):
        try:
            resolved(ctx, term)
        except InvalidRef:
            where = ("terms", i) if isinstance(terms, list) else ("terms",)
            errors.append(InvalidArgument(f"Any expected, {type_name(term)} provided.").at(*where))
    if errors:
        errors[0].siblings.extend(errors[1:])
        raise errors[0]
    if named:  # looked up by the function itself, after the casts
        indexes.definition(ctx, index, "index")
    return SetRef.of(match=index, terms=terms)


@builtin("Documents", keys=("documents",))
def documents(ctx: Context, coll: t.Any) -> SetRef:
    """Every live document of a collection, in id order."""
    if not isinstance(coll, Ref) or not (coll.kind == "collections" or coll.is_native):
        raise InvalidArgument(f"Collection Ref expected, {type_name(coll)} provided.").at("documents")
    if coll.kind == "collections":
        doc_key(ctx, Ref("0", coll), "documents")
    return SetRef.of(documents=coll)


@builtin("Singleton", keys=("singleton",))
def singleton(ctx: Context, ref: t.Any) -> SetRef:
    """The set holding just `ref`."""
    if not isinstance(ref, Ref):
        raise InvalidArgument(f"Ref expected, {type_name(ref)} provided.").at("singleton")
    return SetRef.of(singleton=resolved(ctx, ref, "singleton"))


def _array_algebra(kind: str, arrays: list[list]) -> list:
    """Core's array forms, which count repeats: a union keeps each value as often as the array holding
    it most often has it, an intersection as often as every array has it, and a difference takes one
    occurrence away for each one in a later array."""
    out = arrays[0]
    for other in arrays[1:]:
        counts = collections.Counter(encode(v) for v in other)
        if kind == "union":
            most = collections.Counter(encode(v) for v in out)
            most |= counts
            merged = []
            for v in itertools.chain(out, other):
                merged += [v] * most.pop(encode(v), 0)
            out = merged
        else:
            kept = []
            for v in out:
                k = encode(v)
                if (counts[k] > 0) == (kind == "intersection"):
                    kept.append(v)
                if counts[k] > 0:
                    counts[k] -= 1
            out = kept
    return out


def _algebra(kind: str) -> t.Callable:
    def combine(ctx: Context, sets: t.Any) -> SetRef | list:
        items = sets if isinstance(sets, list) else [sets]
        if not items:
            raise InvalidArgument("Non-empty array expected.").at(kind)
        # Core casts every element (Casts.OneOrMore(Casts.SetOrArray)) and reports each refusal.
        errors: list[FQLError] = []
        for i, v in enumerate(items):
            path = (kind, i) if isinstance(sets, list) else (kind,)
            try:
                if isinstance(v, Page):
                    raise InvalidArgument("Set or Array expected, Page provided.").at(*path)
                if not isinstance(v, list) and not _is_set(v):
                    resolved(ctx, v, *path)
                    raise InvalidArgument(f"Array, Set, or Page expected, {type_name(v)} provided.").at(*path)
            except (InvalidArgument, InvalidRef) as err:
                errors.append(err)
        if errors:
            errors[0].siblings.extend(errors[1:])
            raise errors[0]
        arrays = [v for v in items if isinstance(v, list)]
        if len(arrays) == len(items):
            return _array_algebra(kind, arrays)
        if arrays:
            raise InvalidArgument("Arguments cannot be of different types, expected Set or Array.").at(kind)
        shapes = [_shape(ctx, as_set(v)) for v in items]
        # Core compares each set with the next (checkSets: `sets.sliding(2)`), an error per pair.
        clashes = [InvalidArgument("Sets are not compatible.").at(kind) for a, b in zip(shapes, shapes[1:]) if not _compatible(a, b)]
        if clashes:
            clashes[0].siblings.extend(clashes[1:])
            raise clashes[0]
        return SetRef(((kind, sets),))

    combine.__doc__ = f"The {kind} of sets (or of arrays, element-wise)."
    return combine


def _shape(ctx: Context, s: SetRef) -> tuple[bool, list[bool]]:
    """What core compares to combine sets: whether a set's elements are events, and which of its cursor
    fields sort descending."""
    from . import history

    return history.historical(s), _cursor_order(ctx, s)[0]


def _compatible(a: tuple[bool, list[bool]], b: tuple[bool, list[bool]]) -> bool:
    return a[0] == b[0] and all(x == y for x, y in zip(a[1], b[1]))


def _is_set(value: t.Any) -> bool:
    try:
        as_set(value)
    except InvalidArgument:
        return False
    return True


for _kind in ("union", "intersection", "difference"):
    builtin(_kind.capitalize(), keys=(_kind,), varargs=True)(_algebra(_kind))


@builtin("Distinct", keys=("distinct",))
def distinct(ctx: Context, source: t.Any) -> SetRef | Page | list:
    """The set, page or array with duplicate elements removed."""
    if isinstance(source, (list, Page)):
        first: dict[bytes, t.Any] = {}
        for v in source if isinstance(source, list) else source.data:
            first.setdefault(encode(v), v)
        # A page keeps its element cursors whole, as core's keeps its unmapped elements.
        return list(first.values()) if isinstance(source, list) else source.evolve(list(first.values()))
    if not _is_set(source):
        resolved(ctx, source, "distinct")
        raise InvalidArgument(f"Array, Set, or Page expected, {type_name(source)} provided.").at("distinct")
    return SetRef.of(distinct=as_set(source, "distinct"))


@builtin("Join", keys=("join", "with"))
def join(ctx: Context, source: t.Any, target: t.Any) -> SetRef:
    """For each element of `source`, the set Match(target, element) (or target(element)), all unioned."""
    as_set(resolved(ctx, source, "join"), "join")
    if not isinstance(target, Lambda) and not (isinstance(target, Ref) and target.kind == "indexes"):
        raise InvalidArgument(f"Lambda or Index Ref expected, {type_name(target)} provided.").at("with")
    if isinstance(target, Ref):
        indexes.definition(ctx, target, "with")
    else:
        effects.require_pure(target, "with")
    return SetRef((("join", source), ("with", target)))


@builtin("Range", keys=("range", "from", "to"))
def range_(ctx: Context, source: t.Any, start: t.Any, stop: t.Any) -> SetRef:
    """The elements of `source` whose tuple lies between `from` and `to`, both inclusive."""
    as_set(resolved(ctx, source, "range"), "range")
    # Core checks both bounds before it fails, and reports each bound that names nothing.
    all_resolved(ctx, ((start, ("from",)), (stop, ("to",))))
    return SetRef((("range", source), ("from", start), ("to", stop)))


def _page_size(size: t.Any) -> int:
    """Core's `size.min(MaxPageSize).toInt`: no floor, so a negative size passes, its low 32 bits kept."""
    INTEGER(size, "size")
    size = min(size, MAX_PAGE_SIZE)
    return (size + 2**31) % 2**32 - 2**31


#: Paginate's arguments in the order core's forms evaluate and cast them (Parser.scala `paginate`):
#: the first refusal in this order is the answer, whatever order the query wrote them in.
_PAGINATE_ORDER = ("after", "before", "cursor", "ts", "size", "events", "sources")


@builtin(
    "Paginate",
    keys=("paginate",),
    options=("size", "after", "before", "ts", "events", "sources", "cursor"),
    exclusive=("after", "before", "cursor"),
    lazy=True,
)
def paginate(ctx: Context, source: ast.Node, **options: ast.Node) -> Page:
    """One page of a set: `{size: 64, after, before}`; `after` is inclusive, `before` exclusive.

    `ts` reads the set as it was then (as `At` does); `events: true` pages through the set's history
    (a document ref's own events) instead, as `Events(set)` does.
    """
    return _paginate(ctx, _paginate_source(ctx, source), **_paginate_options(ctx, options))


def _paginate_source(ctx: Context, node: ast.Node) -> t.Any:
    """Paginate's set, cast as core's Identifier cast does: a ref or a set that names something."""
    source = ctx.eval(node, "paginate")
    if not isinstance(source, (Ref, SetRef)):
        raise InvalidArgument(f"Ref or Set expected, {type_name(source)} provided.").at("paginate")
    return resolved(ctx, source, "paginate")


def _paginate_options(ctx: Context, nodes: dict[str, ast.Node]) -> dict[str, t.Any]:
    """Paginate's options, each evaluated then cast in core's order (`_PAGINATE_ORDER`).

    The cursors are cast to anything: core parses them only once every cast has passed. A null `ts`,
    `events` or `sources` is refused: core's optional casts take a missing key, not a null."""
    from . import history

    options = {}
    for key in sorted(nodes, key=_PAGINATE_ORDER.index):
        value = options[key] = ctx.eval(nodes[key], key)
        if key == "ts":
            history.micros(value, "ts")
        elif key == "size":
            options[key] = _page_size(value)
        elif key in ("events", "sources"):
            BOOLEAN(value, key)
    return options


@billed_read
def _paginate(ctx: Context, source: t.Any, **options: t.Any) -> Page:
    from . import history

    size = options.get("size", DEFAULT_PAGE_SIZE)
    events = options.get("events")
    sources = options.get("sources")
    if isinstance(source, Ref) and not source.is_native:
        # Core casts any other ref to the set of that one document (its events, with `events`).
        source = SetRef.of(events=source) if events else SetRef.of(singleton=source)
    s = as_set(source, "paginate")
    if "cursor" in options:
        options = {**options, **_cursor_object(options["cursor"])}
    if events and not history.historical(s):
        s = SetRef.of(events=s)
    try:
        for key in ("after", "before"):
            resolved(ctx, options.get(key), key)
        page = _read_page(ctx, s, max(size, 0), options, bool(sources))
    except FQLError as err:
        # A `cursor` object's cursor is read at ["cursor", "after"] (CursorParser.parseCursorObj).
        if "cursor" in options and err.position and err.position[0] in ("after", "before"):
            err.at("cursor")
        raise
    if size < 0:
        # Core takes no elements and finds no next page; the page keeps the cursor it was given
        # (as a page of size 0 does, on both sides).
        backward = "before" in options
        return attrs.evolve(page, has_before=page.has_before and not backward, has_after=page.has_after and backward)
    return page


def _read_page(ctx: Context, s: SetRef, size: int, options: dict, sources: bool) -> Page:
    from . import history

    try:
        with history.valid_time(ctx, options.get("ts"), "ts"):
            if history.historical(s):
                return history.page(ctx, s, size, options, sources=sources)
            if "before" in options:
                page, keys = _page_backward(ctx, s, size, options["before"])
            else:
                page, keys = _page_forward(ctx, s, size, options.get("after"), "after" in options)
            return _with_sources(ctx, s, page, keys) if sources else page
    except PermissionDenied as err:
        raise err.at("paginate") if not err.position else err
    except FQLError as err:
        raise placed(err, "paginate")


#: The keys a failure placed relative to a set's own position starts with: a lazy Filter's or Join's
#: function's, or one from a set read as another set's operand (placed under that operand's key).
_SET_KEYS = frozenset(("filter", "with", "collection", "union", "intersection", "difference", "distinct", "reverse", "range", "join"))


def placed(err: FQLError, *path: str | int) -> FQLError:
    """`err`, under `path` if a lazy Filter's or Join's function failed as the set was read.

    Core reports such a failure at the set's own position (LambdaFilterSet: `pos at "filter"`; JoinSet's
    LambdaJoin: `with`), which for a set written in place is the argument `path` of the function (or of
    the set) reading it (FilterFunctionSpec: `paginate/filter/lambda`).
    """
    return err.at(*path) if err.position and err.position[0] in _SET_KEYS else err


def _applies_lambda(s: t.Any) -> bool:
    """Whether reading `s` may apply a lambda: it is, or is made of, a Filter or a Join."""
    if not isinstance(s, SetRef):
        return False
    if s.kind in ("filter", "join"):
        return True
    return any(_applies_lambda(v) for _, value in s.form for v in (value if isinstance(value, list) else [value]))


def _operand(ctx: Context, s: SetRef, path: tuple, lo=None, hi=None, reverse=False) -> t.Iterator[Item]:
    """The items of `s`, a set given to another set at `path`: a lazy filter's failure in it is placed
    under `path`, as core places a Filter written there."""
    items = scan(ctx, s, lo, hi, reverse)
    return _placing(items, path) if _applies_lambda(s) else items


def _placing(items: t.Iterator[Item], path: tuple) -> t.Iterator[Item]:
    try:
        yield from items
    except FQLError as err:
        raise placed(err, *path)


def _cursor_object(cursor: t.Any) -> dict:
    """Paginate's `cursor`: null (the first page), or an object with exactly one of `after` or `before`."""
    if cursor is None:
        return {}
    if isinstance(cursor, dict) and len(cursor) == 1 and set(cursor) <= {"after", "before"}:
        return cursor
    raise InvalidArgument(
        "Invalid cursor object. Expected an object with either 'before' or 'after' key in it."
    ).at("cursor")


def _with_sources(ctx: Context, s: SetRef, page: Page, keys: list[bytes]) -> Page:
    """Paginate's `sources: true`: each element as `{value, sources}`, the sets it came from."""
    found = [element_sources(ctx, s, _identity((k, c, None))) for k, c in zip(keys, page.cursors)]
    return page.evolve([SourcedElement(value=e, sources=f) for e, f in zip(page.data, found)])


def element_sources(ctx: Context, s: SetRef, element: bytes) -> list[SetRef]:
    """The sets an element (by its `_identity` in `s`) comes from, as core's EventSet elements carry
    them: an index, Documents or Singleton set is its own source; Union and Intersection take the sources
    of every operand holding an equal element (each once: core merges the sources of a run of equal
    elements, from whichever documents), Difference those of its first; the other sets pass their inner
    set's sources through (a Join's are the sets it joined)."""
    kind = s.kind
    if kind in ("match", "documents", "singleton"):
        return [s]
    if kind == "events":
        # A Join's target of events: over a document or a set no composite, that set of events is the
        # source (HistoricalSet.rewrite); over a composite one, the sources its parts give.
        inner = s["events"]
        if not isinstance(inner, SetRef) or inner.kind in ("match", "documents", "singleton"):
            return [s]
        return element_sources(ctx, inner, element)
    if kind in ("union", "intersection", "difference", "join"):
        sets = operands(s) if kind != "join" else _join_targets(ctx, s)
        found: list[SetRef] = []
        for each in sets[:1] if kind == "difference" else sets:
            if _holds(ctx, each, element):
                found += [x for x in element_sources(ctx, each, element) if x not in found]
        return found
    if kind == "reverse":
        return element_sources(ctx, as_set(s["reverse"], "reverse"), _invert(element))
    inner = {"distinct": "distinct", "range": "range", "filter": "collection"}.get(kind)
    if inner is None:
        return [s]
    return element_sources(ctx, as_set(s[inner], inner), element)


def _holds(ctx: Context, s: SetRef, element: bytes) -> bool:
    """Whether `s` holds an element equal to `element` (of any document): its keys start with it."""
    for item in scan(ctx, snapshot_of(s), element, None):
        if not item[0].startswith(element):
            return False
        if _identity(item) == element:
            return True
    return False


def _page_forward(ctx: Context, s: SetRef, size: int, after: t.Any, has_after: bool) -> tuple[Page, list[bytes]]:
    """The page from `after` on, and its elements' keys."""
    # Core parses any cursor as an array: null is [null], which sorts after every other value.
    lo = cursor_key(ctx, s, after) if has_after else None
    items = list(itertools.islice(scan(ctx, s, lo, None), size + 1))
    page = items[:size]
    # The cursor given comes back as core parsed it; a page of size 0 points at it again.
    given = cursor_of(after) if has_after else None
    following = given if size == 0 else items[size][1] if len(items) > size else None
    return Page(
        [e for _, _, e in page],
        before=given,
        after=following,
        has_before=given is not None,
        has_after=following is not None,
        cursors=[c for _, c, _ in page],
    ), [k for k, _, _ in page]


def _page_backward(ctx: Context, s: SetRef, size: int, before: t.Any) -> tuple[Page, list[bytes]]:
    """The page before `before`, and its elements' keys."""
    hi = cursor_key(ctx, s, before)
    # Core reads the set down from the cursor itself, an element equal to it included, and drops that
    # element from the page only then (ReadAdaptor's PaginateImpl `dropWhile`): a Distinct, Union,
    # Intersection, Difference or Join has by then grouped it with the equal elements below it, so a
    # Distinct whose cursor is the copy it kept skips the value, and a Difference whose other set holds
    # the cursor's element removes the value. Only a key equal to `hi` lies in [hi, hi + b"\x00").
    found = (item for item in scan(ctx, s, None, hi + b"\x00", reverse=True) if item[0] < hi)
    items = list(itertools.islice(found, size + 1))
    page = items[:size][::-1]
    given = cursor_of(before)
    preceding = given if size == 0 else page[0][1] if len(items) > size else None
    return Page(
        [e for _, _, e in page],
        before=preceding,
        after=given,
        has_before=preceding is not None,
        has_after=given is not None,
        cursors=[c for _, c, _ in page],
    ), [k for k, _, _ in page]
