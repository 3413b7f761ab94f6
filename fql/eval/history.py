"""Document history (FQL v4): At, Events, Insert, Remove, reads at a past time, and pages of events.

The storage keeps every version of a document (`Transaction.history`, oldest first), so a document's
events, and its state at any time, come straight from its versions: a live version after a live one is an
`update`, after none or a deletion a `create`, and a deletion a `delete` (core derives them the same way,
VersionStore.revise). Index entries are kept for the present only: the history of a `Match` or
`Documents` set, and a `Match` read at a past time, are recomputed from the versions of the documents of
its source collections (exact, but a read of every document of those collections). What a read sees
of the versions at or before the collection's minimum valid time follows core's inline GC rules (see
`_document_events` and `_membership_events`), as if they had been collected.
"""

from __future__ import annotations

import contextlib
import contextvars
import heapq
import typing as t

from .. import ast
from ..collation import TOP, encode, tuple_key
from ..errors import FQLError, InvalidArgument, InvalidRef, InvalidWriteTime
from ..storage.base import DocKey, Version
from ..values import (
    NATIVE_NAMES,
    Action,
    Date,
    DocEvent,
    Lambda,
    Page,
    Ref,
    SetEvent,
    SetRef,
    SourcedElement,
    Timestamp,
    TxnMicros,
    type_name,
)
from . import access, indexes, sets
from .casts import OBJECT, Cast
from .documents import check_references, check_version_size, scoped_write, user_fields
from .evaluator import Context
from .refs import copy, doc_key, live, min_valid_time, ref_of, resolved, scope_of
from .registry import builtin

#: A read time (core's Casts.Timestamp / TransactionTimestamp): a Time, or an Integer of µs.
TIME = Cast("Time", lambda v: isinstance(v, Timestamp) or (isinstance(v, int) and not isinstance(v, bool)))
#: A history write's time (core's Casts.Timestamp, where reads take TransactionTimestamp): a Time, or an
#: Integer of µs, and no document's `ts` read in the query that wrote it.
WRITE_TIME = Cast("Time", lambda v: isinstance(v, Timestamp) or (TIME.check(v) and not isinstance(v, TxnMicros)))
#: Core's order of actions at one time (Action.compare): add < create < update < delete < remove.
RANK = {"add": 0, "create": 1, "update": 2, "delete": 3, "remove": 4}
#: What a set event's action means in a cursor (core's SetAction cast: `create` is `add`, `delete` is
#: `remove`).
SET_RANK = {**RANK, "create": RANK["add"], "delete": RANK["remove"]}
#: The keys an event cursor object may have (core's EventCursors), each set naming the ref's key.
CURSOR_FORMS = {
    frozenset(("ts",)): None,
    frozenset(("ts", "action")): None,
    frozenset(("ts", "action", "resource")): ("resource", None),
    frozenset(("ts", "action", "resource", "values")): ("resource", "values"),
    frozenset(("ts", "action", "instance")): ("instance", None),
    frozenset(("ts", "action", "document")): ("document", None),
    frozenset(("ts", "action", "instance", "data")): ("instance", "data"),
    frozenset(("ts", "action", "document", "data")): ("document", "data"),
}
#: The largest time a cursor can name (core's Timestamp.MaxMicros).
MAX_MICROS = 253402300799999999

Item = tuple[bytes, dict, dict]


def micros(value: t.Any, *path: str | int) -> int:
    """A time argument in µs: a Time, or an Integer of µs (`Time expected, String provided.`)."""
    TIME(value, *path)
    return value.micros if isinstance(value, Timestamp) else value


@contextlib.contextmanager
def _state_set(ctx: Context, name: str, value: t.Any) -> t.Iterator[None]:
    """The query state's `name` set to `value` while the block runs."""
    state = ctx.state
    before = getattr(state, name)
    setattr(state, name, value)
    try:
        yield
    finally:
        setattr(state, name, before)


def _reading_at(ctx: Context, ts: int | None) -> t.ContextManager[None]:
    return _state_set(ctx, "valid_ts", ts)


def valid_time(ctx: Context, ts: t.Any, *path: str | int) -> t.ContextManager[None]:
    """Read as of `ts` (At's and Paginate's `ts`): the present when `ts` is the query's own time, and
    no change for a later one (core lets that pass, logging a warning); None changes nothing."""
    if ts is None:
        return contextlib.nullcontext()
    at = micros(ts, *path)
    now = ctx.state.ts
    if at > now:
        return contextlib.nullcontext()
    return _reading_at(ctx, None if at == now else at)


def read_time(ctx: Context, ts: t.Any, *path: str | int) -> t.ContextManager[None]:
    """Read as of `ts` (Get's and Exists's `ts`): from the query's own time on, the present."""
    at = micros(ts, *path)
    return _reading_at(ctx, None if at >= ctx.state.ts else at)


@builtin("At", keys=("at", "expr"), lazy=True)
def at(ctx: Context, ts: ast.Node, expr: ast.Node) -> t.Any:
    """Evaluate `expr` reading the database as it was at `ts`; creates and updates in it fail."""
    when = ctx.eval(ts, "at")
    # At's time is no option: a null one is refused (core's AtE casts it with TransactionTimestamp).
    TIME(when, "at")
    with valid_time(ctx, when, "at"):
        return ctx.eval(expr, "expr")


@builtin("Events", keys=("events",))
def events(ctx: Context, source: t.Any) -> SetRef:
    """The history of a document (its create, update and delete events) or of a set (add and remove)."""
    if isinstance(source, Ref) and source.collection is None and source.id in NATIVE_NAMES:
        # Core's Identifier cast takes a native collection as the set of its documents (SchemaSet), so
        # `Events(Collections())` is that set's adds and removes.
        source = sets.as_set(source, "events")
    if isinstance(source, SetRef):
        if historical(source):
            raise InvalidArgument("Set does not support events history.")
        return SetRef.of(events=source)
    if not isinstance(source, Ref):
        raise InvalidArgument(f"Ref or Set expected, {type_name(source)} provided.").at("events")
    return SetRef.of(events=resolved(ctx, source, "events"))


def snapshot(ctx: Context, s: SetRef) -> SetRef:
    """The set whose head Get, Exists and IsEmpty read for a set (core's snapshotHead: a set of events
    reads as the set it is of, a document's events as the live document), after checking, as core's
    setForRead does, that the caller may read the history of each document whose own events or
    Singleton's events it holds (DocSet.filteredForRead asks `history_read`)."""
    if not historical(s):
        return s
    for ref in _event_documents(s):
        access.require(ctx, "history_read", doc_key(ctx, ref), (ref,))
    return sets.snapshot_of(s)


def _event_documents(s: SetRef) -> t.Iterator[Ref]:
    """The documents of the `Events(ref)` and `Events(Singleton(ref))` sets within `s`."""
    if s.kind == "events":
        inner = s["events"]
        if isinstance(inner, SetRef) and inner.kind == "singleton":
            inner = inner["singleton"]
        if isinstance(inner, Ref) and inner.collection is not None:
            yield inner
            return
    for _, value in s.form:
        for each in value if isinstance(value, list) else [value]:
            if isinstance(each, SetRef):
                yield from _event_documents(each)


# -- events ---------------------------------------------------------------------------------------------


def _event_key(ts: int, rank: int, doc: bytes, values: bytes = b"") -> bytes:
    """An event's place in core's history order (Event.HistoricalOrd): time, action, document, values."""
    return encode(ts) + bytes((rank,)) + doc + values


def _same(a: t.Any, b: t.Any) -> bool:
    """Equal as stored values (1 and 1.0 differ, as they do in core)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def diff(old: dict, new: dict) -> dict:
    """The fields that turn `old` into `new`, null for a removed one (core's Data.diffTo)."""
    if not old:
        return copy(new)
    out: dict = {}
    for k, v in new.items():
        before = old.get(k)
        if isinstance(before, dict) and isinstance(v, dict):
            inner = diff(before, v)
            if inner:
                out[k] = inner
        elif k not in old or not _same(before, v):
            out[k] = copy(v)
    for k in old:
        if k not in new:
            out[k] = None
    return out


def _document_events(ctx: Context, key: DocKey) -> list[Item]:
    """A document's events, oldest first: `data` is the whole `data` of a create, what changed in it for
    an update (null for a removed field), and null for a delete. Versions at or before the collection's
    minimum valid time are gone (core's DocHistory.applyGCRules): the latest of them, its GC root, is
    the first event, a create with the whole `data`, if it was live then (no delete, no ttl before
    the minimum valid time); the others, and a root that was not live, are left out."""
    ref = ref_of(ctx, key)
    doc = encode(ref)
    out: list[Item] = []
    before: Version | None = None
    history = ctx.state.txn.history(key)
    mvt = min_valid_time(ctx, key.scope, key.coll)
    root = max((i for i, v in enumerate(history) if v.ts <= mvt), default=None)
    for i, version in enumerate(history):
        if root is not None and i <= root:
            if i < root or version.data is None or (version.ttl is not None and version.ttl < mvt):
                before = version
                continue
            before = None
        if version.data is None:
            action, changed = "delete", None
        elif before is not None and before.data is not None:
            action, changed = "update", diff(before.data, version.data)
        else:
            action, changed = "create", copy(version.data)
        cursor = DocEvent(ts=version.ts, action=Action(action), document=ref)
        data = changed.get("data") if changed else None
        out.append((_event_key(version.ts, RANK[action], doc), cursor, DocEvent(cursor, data=data)))
        before = version
    return out


def _set_event(ts: int, action: str, ref: Ref, values: tuple = ()) -> Item:
    """A set event; as a cursor it shows itself whole."""
    event = SetEvent(ts=ts, action=Action(action), document=ref)
    if values:
        event["data"] = list(values)
    return _event_key(ts, RANK[action], encode(ref), tuple_key(values)), event, event


#: Set while an Intersection or Difference reads its sets, or a Join its source: core reads them as
#: sorted values (EventsFilter.mergeSources, SetSortedValues), whose GC rules are not a history's.
_SORTED_VALUES: contextvars.ContextVar[bool] = contextvars.ContextVar("sorted_values", default=False)


@contextlib.contextmanager
def _sorted_values() -> t.Iterator[None]:
    outer = _SORTED_VALUES.set(True)
    try:
        yield
    finally:
        _SORTED_VALUES.reset(outer)


def _membership_events(ctx: Context, key: DocKey, members: t.Callable[[Version], dict], mvt: int) -> list[Item]:
    """The add and remove events of one document in a set: `members(version)` maps the sort keys of the
    document's entries in a version to their values, and each change from one version to the next is
    an event (a version that leaves them alone, none). An entry holds the version's ttl, so a change of
    ttl removes each entry and adds it again (core's Indexer.rows diffs tuples with their ttl).

    Of the events at or before `mvt`, its collection's minimum valid time, a history (core's SetHistory)
    keeps only an add at it; sorted values (SetSortedValues.applyGCRules) keep each element's latest,
    if it is an add whose ttl is not before `mvt`."""
    ref = ref_of(ctx, key)
    out: list[Item] = []
    before: dict = {}
    sorted_values = _SORTED_VALUES.get()
    roots: dict[bytes, Item | None] = {}
    for version in ctx.state.txn.history(key):
        now = {(sort, version.ttl): vals for sort, vals in members(version).items()}
        # Removes first: where a ttl changed, sorted values keep the add of the same time.
        changes = [(held, "remove", vals) for held, vals in before.items() if held not in now]
        changes += [(held, "add", vals) for held, vals in now.items() if held not in before]
        for (sort, _), action, vals in changes:
            item = _set_event(version.ts, action, ref, vals)
            if version.ts > mvt or (version.ts == mvt and action == "add" and not sorted_values):
                out.append(item)
            elif sorted_values:
                kept = action == "add" and (version.ttl is None or version.ttl >= mvt)
                roots[sort] = item if kept else None
        before = now
    return [root for root in roots.values() if root is not None] + out


def _singleton_events(ctx: Context, ref: t.Any) -> list[Item]:
    if not isinstance(ref, Ref) or ref.collection is None:
        return []
    key = doc_key(ctx, ref, "singleton")
    access.require(ctx, "history_read", key, (ref,))
    out = []
    for _, _, event in _document_events(ctx, key):
        if event["action"] != "update":
            out.append(_set_event(event["ts"], "add" if event["action"] == "create" else "remove", ref))
    return out


def _documents_events(ctx: Context, s: SetRef) -> list[Item]:
    scope, name, filtered = sets.documents_source(ctx, s)
    out: list[Item] = []
    mvt = min_valid_time(ctx, scope, name)
    for newest in ctx.state.txn.scan(scope, name):
        if filtered and not access.allowed(ctx, "read", newest.key, (ref_of(ctx, newest.key),)):
            continue
        out.extend(_membership_events(ctx, newest.key, lambda v: {b"": ()} if v.data is not None else {}, mvt))
    return out


def _match_events(ctx: Context, s: SetRef) -> list[Item]:
    index, terms, filtered = sets.match_source(ctx, s)

    def members(version: Version) -> dict:
        return {e.sort: e.values for k, e in indexes.entries(ctx, index, version) if k == terms}

    out: list[Item] = []
    for coll in index.sources:
        mvt = min_valid_time(ctx, index.key.scope, coll)
        for newest in ctx.state.txn.scan(index.key.scope, coll):
            if filtered and not access.allowed(ctx, "read", newest.key, (ref_of(ctx, newest.key),)):
                continue
            out.extend(_membership_events(ctx, newest.key, members, mvt))
    return out


def _union_events(ctx: Context, s: SetRef) -> list[Item]:
    merged: dict[bytes, Item] = {}
    for operand in sets.operands(s):
        for item in _history(ctx, operand):
            merged.setdefault(item[0], item)
    return list(merged.values())


def _algebraic_events(ctx: Context, s: SetRef) -> list[Item]:
    """The events of an Intersection or Difference, as core's AbstractAlgebraicSet reads them: for each
    element of the first set (a document with its values), its events merged in time with those of the
    other sets' elements equal to it, the element entering the set when it comes to be in every set (an
    Intersection) or in the first and none of the others (a Difference), and leaving when that ends.
    The events of all its elements are then merged, an event two of them make alike kept once."""
    merged: dict[bytes, Item] = {}
    for out, _, _ in _algebraic_steps(ctx, s):
        merged.setdefault(out[0], out)
    return list(merged.values())


def _element(item: Item) -> bytes:
    """What an Intersection or Difference matches its operands' events by: an event's index values, or its
    document when it has none, as core's SnapshotOrd compares events by their terms (two follows of one
    person are one element of `follows_by_follower` sets)."""
    event = item[1]
    return tuple_key(tuple(event.get("data") or (event["document"],)))


def _kept(events: list[Item]) -> list[Item]:
    """One element's events as core's EventsFilter keeps them: of adds in a row the first, of removes in
    a row the last, and no remove before the first add."""
    out: list[Item] = []
    for item in events:
        if out and _enters(out[-1]) == _enters(item):
            if not _enters(item):
                out[-1] = item
            continue
        out.append(item)
    return out[1:] if out and not _enters(out[0]) else out


def _algebraic_steps(ctx: Context, s: SetRef) -> list[tuple[Item, int, Item]]:
    """An Intersection's or Difference's events, each with the operand and the operand's event that
    brought it (core keeps that event's sources).

    Core reads the first set one element at a time (EventsFilter.mergeSources: a document with its
    values, so two documents of equal values in it are two elements, each entering and leaving on its
    own), and for each, the other sets' events of an equal element, read as their index stores them (by
    document, then time). A set is in or out as its latest event says, whichever of its documents made it.
    """
    present = (lambda members: len(members) == n) if s.kind == "intersection" else (lambda members: members == {0})
    operands = sets.operands(s)
    n = len(operands)
    firsts: dict[bytes, list[Item]] = {}
    others: list[dict[bytes, list[Item]]] = []
    with _sorted_values():
        for item in sorted(_history(ctx, operands[0]), key=lambda item: item[0]):
            firsts.setdefault(_moment(item)[1], []).append(item)
        for operand in operands[1:]:
            by_element: dict[bytes, list[Item]] = {}
            for item in sorted(_history(ctx, operand), key=lambda item: (encode(item[1]["document"]), item[0])):
                by_element.setdefault(_element(item), []).append(item)
            others.append(by_element)
    out: list[tuple[Item, int, Item]] = []
    for own in firsts.values():
        element = _element(own[0])
        streams = [_kept(own)] + [_kept(other.get(element, [])) for other in others]
        # One event at a time, in history order (the first set's first where they tie), as core's
        # filterValues: a Difference's element that enters its first set and then its second at one time
        # is added and removed then. A merge takes the earliest head of the streams, as core's
        # mergedOrderedIterator does, even where a stream of several documents is not in time order.
        steps = heapq.merge(*[[(item[0], i, item) for item in stream] for i, stream in enumerate(streams)], key=lambda step: step[0])
        members: set[int] = set()
        inside = False
        for _, i, item in steps:
            if _enters(item):
                members.add(i)
            else:
                members.discard(i)
            if present(members) != inside:
                inside = not inside
                event = item[1]
                made = _set_event(event["ts"], "add" if inside else "remove", event["document"], tuple(event.get("data") or ()))
                out.append((made, i, item))
    return out


def _joined(ctx: Context, s: SetRef) -> list[tuple[list[Item], SetRef]]:
    """For each element a Join's source ever held: its events in the source, and the set its target
    gives for it. Core reads the source as sorted values (JoinSet.history, EventsFilter.mergeSources)."""
    target = s["with"]
    timelines: dict[bytes, list[Item]] = {}
    values: dict[bytes, t.Any] = {}
    with _sorted_values():
        source = _history(ctx, sets.as_set(s["join"], "join"))
    for item in source:
        event = item[1]
        data = event.get("data")
        element = event["document"] if not data else data[0] if len(data) == 1 else list(data)
        mark = encode(element)
        timelines.setdefault(mark, []).append(item)
        values[mark] = element
    out = []
    for mark, source in timelines.items():
        element = values[mark]
        if isinstance(target, Lambda):
            out.append((source, sets.as_set(ctx.apply(target, element, "with"), "with")))
        else:
            out.append((source, SetRef.of(match=target, terms=element)))
    return out


def _join_events(ctx: Context, s: SetRef) -> list[Item]:
    """The events of a Join, as core's JoinSet reads them: for each element its source ever held, the
    events of the set its target gives for that element, while the element is in the source (the
    source's own events only say when)."""
    return [item for each in _join_elements(ctx, s, True) for item in each]


def _join_elements(ctx: Context, s: SetRef, ascending: bool) -> list[list[Item]]:
    """A Join's events, one list for each element its source ever held, each in its target's own order
    (an index's: removes before adds at one time), read up or down."""
    out: list[list[Item]] = []
    for source, joined in _joined(ctx, s):
        # At one time, the source's adds come before the target's events and its removes after them: the
        # write that brings an element in (or takes it out) counts with it.
        target = _set_stream(ctx, joined, None, ascending)
        steps = [(item[1]["ts"], 0 if _enters(item) else 2, item[0], item) for item in source]
        steps += [(item[1]["ts"], 1, item[0], item) for item in target]
        steps.sort(key=lambda step: step[:3])
        inside = False
        kept: set[bytes] = set()
        for _, which, key, item in steps:
            if which != 1:
                inside = which == 0
            elif inside:
                kept.add(key)
        out.append([item for item in target if item[0] in kept])
    return out


def _enters(item: Item) -> bool:
    return item[1]["action"] in ("add", "create")


#: Sets whose history core reads, by kind (a set of another kind: `Set does not support events history.`).
_HISTORIES: dict[str, t.Callable[[Context, SetRef], list[Item]]] = {
    "singleton": lambda ctx, s: _singleton_events(ctx, s["singleton"]),
    "documents": _documents_events,
    "match": _match_events,
    "union": _union_events,
    "intersection": _algebraic_events,
    "difference": _algebraic_events,
    "join": _join_events,
    "distinct": lambda ctx, s: _history(ctx, sets.as_set(s["distinct"], "distinct")),
    # a Join's target of events: the events it holds (HistoricalSet.history is its set's)
    "events": lambda ctx, s: _stream(ctx, s, None, True),
}


def _history(ctx: Context, s: SetRef) -> list[Item]:
    reader = _HISTORIES.get(s.kind)
    if reader is None:
        raise InvalidArgument("Set does not support events history.")
    return reader(ctx, s)


def event_sources(ctx: Context, s: SetRef, item: Item, memo: dict) -> list[SetRef]:
    """Paginate's `sources` for an event of the set of events `s`: the index, Documents or Singleton sets
    whose own events hold an event of the same time and element (core's EventSet elements carry their
    sources, merged where streams meet); the events of a document or of one such set have that set of
    events as their source. `memo` keeps
    each inner set's events for the other events of the page."""
    if s.kind == "events":
        inner = s["events"]
        if not isinstance(inner, SetRef) or inner.kind in ("match", "documents", "singleton"):
            # Core's HistoricalSet over a set that is no composite (a document, an index, Documents,
            # Singleton) makes itself its events' source (HistoricalSet.rewrite); over a composite
            # one the events keep the sources its parts gave them.
            return [s]
        return _event_origins(ctx, inner, _moment(item), memo, item[0])
    if s.kind == "distinct":
        return event_sources(ctx, s["distinct"], item, memo)
    found: list[SetRef] = []
    for operand in sets.operands(s):
        if _moment(item) in _moments(memo, operand, lambda o=operand: _combined(ctx, o)):
            found += [x for x in event_sources(ctx, operand, item, memo) if x not in found]
    return found


def _event_origins(ctx: Context, s: SetRef, moment: tuple[bytes, bytes], memo: dict, key: bytes | None = None) -> list[SetRef]:
    if s.kind in ("match", "documents", "singleton"):
        return [s]
    if s.kind == "events":
        # A Join's target of events: as the events of a set of events have their sources.
        inner = s["events"]
        if not isinstance(inner, SetRef) or inner.kind in ("match", "documents", "singleton"):
            return [s]
        return _event_origins(ctx, inner, moment, memo, key)
    if s.kind in ("intersection", "difference") and key is not None:
        # The sources of the operand's event that brought it in or took it out.
        if ("steps", id(s)) not in memo:
            memo[("steps", id(s))] = (s, {out[0]: (i, item) for out, i, item in reversed(_algebraic_steps(ctx, s))})
        origin = memo[("steps", id(s))][1].get(key)
        if origin is not None:
            i, item = origin
            with _sorted_values():  # as the steps read the operand
                return _event_origins(ctx, sets.operands(s)[i], _moment(item), memo, item[0])
    if s.kind == "distinct":
        return _event_origins(ctx, sets.as_set(s["distinct"], "distinct"), moment, memo)
    if s.kind == "join":
        if ("join", id(s)) not in memo:
            memo[("join", id(s))] = (s, [joined for _, joined in _joined(ctx, s)])
        inner = memo[("join", id(s))][1]
    else:
        inner = sets.operands(s)
    found: list[SetRef] = []
    for operand in inner:
        if moment in _moments(memo, operand, lambda o=operand: _history(ctx, o)):
            found += [x for x in _event_origins(ctx, operand, moment, memo) if x not in found]
    return found


def _moments(memo: dict, s: SetRef, events: t.Callable[[], list[Item]]) -> set[tuple[bytes, bytes]]:
    """The (time, element) of each of a set's events, read once per page (the set is kept with them, so
    that its id is not reused meanwhile)."""
    if id(s) not in memo:
        memo[id(s)] = (s, {_moment(item) for item in events()})
    return memo[id(s)][1]


def _moment(item: Item) -> tuple[bytes, bytes]:
    """An event's time and element, whatever its action (an Intersection's add may be another set's)."""
    n = len(encode(item[1]["ts"]))
    return item[0][:n], item[0][n + 1 :]


#: The sets that take their source's shape but cannot read its events (core's LambdaFilterSet, ReverseSet
#: and RangeSet: their `history` throws), by the key of that source.
SHAPED_BY = {"filter": "collection", "reverse": "reverse", "range": "range"}


def historical(s: SetRef) -> bool:
    """Whether a set's elements are events: `Events(x)`, or a set combining such sets (core's shape)."""
    if s.kind == "events":
        return True
    if s.kind in ("union", "intersection", "difference"):
        return any(historical(operand) for operand in sets.operands(s))
    source = s.get(SHAPED_BY.get(s.kind, "distinct"))
    return s.kind in (*SHAPED_BY, "distinct") and isinstance(source, SetRef) and historical(source)


def _refuse_unreadable(s: SetRef) -> None:
    """Refuse a set of events that is, or combines, a Filter, Reverse or Range of events: core's `history`
    of those sets throws, which Paginate answers at its own position."""
    if s.kind in SHAPED_BY:
        raise InvalidArgument("Set does not support events history.")
    if s.kind == "distinct" and isinstance(s["distinct"], SetRef):
        _refuse_unreadable(s["distinct"])
    elif s.kind in ("union", "intersection", "difference"):
        for operand in sets.operands(s):
            if historical(operand):
                _refuse_unreadable(operand)


def _of_documents(s: SetRef) -> bool:
    """Whether a set of events holds a document's own events (create, update, delete)."""
    if not historical(s):
        return False
    if s.kind == "events":
        return not isinstance(s["events"], SetRef)
    if s.kind == "distinct":
        return _of_documents(s["distinct"])
    return all(_of_documents(operand) for operand in sets.operands(s))


def _combined(ctx: Context, s: SetRef) -> list[Item]:
    """The events of a set of events: `Events(x)`, or a Union or Distinct of such sets."""
    if s.kind == "events":
        source = s["events"]
        if isinstance(source, SetRef):
            return _history(ctx, source)
        key = doc_key(ctx, source, "events")
        access.require(ctx, "history_read", key, (source,))
        return _document_events(ctx, key)
    if s.kind == "distinct":
        return _combined(ctx, s["distinct"])
    operands = sets.operands(s)
    if not all(historical(operand) for operand in operands):
        raise InvalidArgument("Sets are not compatible.").at(s.kind)
    each = [{item[0]: item for item in _combined(ctx, operand)} for operand in operands]
    if s.kind == "intersection":
        # The events every set holds; a Difference's, those of the first that no other holds.
        return [item for key, item in each[0].items() if all(key in other for other in each[1:])]
    if s.kind == "difference":
        return [item for key, item in each[0].items() if not any(key in other for other in each[1:])]
    merged: dict[bytes, Item] = {}
    for events in each:
        for key, item in events.items():
            merged.setdefault(key, item)
    return list(merged.values())


def history(ctx: Context, s: SetRef) -> list[Item]:
    """The events of a set of events, in the order core's EventSet.history reads them, up to the valid
    time inside At."""
    _refuse_unreadable(s)
    return _until(ctx, _stream(ctx, s, None, True))


def _until(ctx: Context, items: list[Item]) -> list[Item]:
    until = ctx.state.valid_ts
    if until is None or ctx.state.whole_history:
        return items
    return [item for item in items if item[1]["ts"] <= until]


def whole(ctx: Context) -> t.ContextManager[None]:
    """Read sets of events whole, whatever the valid time, as core's folds read them."""
    return _state_set(ctx, "whole_history", True)


Parts = tuple[int, int, bytes, bytes]


def _stream(ctx: Context, s: SetRef, parts: Parts | None, ascending: bool) -> list[Item]:
    """The events of a set of events as core's `history` reads them from a cursor on, before Paginate
    drops those ahead of the cursor (`parts`, or none: from the start, or the end read down).

    An index gives its events in its stored order (by time, then removes before adds, then document and
    values: IndexValue.ByEventOrdering), read from the cursor's place in that order. A Union merges its
    sets' streams by their heads in core's history order (UnionSet.history's MergeElems: an event two
    sets give alike is one), so at one time an index's removes still come before its adds; a Distinct's
    stream is its set's (DistinctSet.history). Other sets give their events in history order from the
    cursor on (`_from_time`)."""
    if s.kind == "events" and isinstance(s["events"], SetRef):
        return _set_stream(ctx, s["events"], parts, ascending)
    if s.kind == "distinct":
        return _stream(ctx, s["distinct"], parts, ascending)
    if s.kind == "union" and all(historical(operand) for operand in sets.operands(s)):
        return _merge([_stream(ctx, operand, parts, ascending) for operand in sets.operands(s)], ascending)
    return _from_time(sorted(_combined(ctx, s), key=lambda item: item[0]), parts, ascending)


def _set_stream(ctx: Context, s: SetRef, parts: Parts | None, ascending: bool) -> list[Item]:
    if historical(s):
        # A Join's target that is a set of events gives the events it holds (HistoricalSet.history is its
        # set's: a document's own events for a document's).
        _refuse_unreadable(s)
        return _stream(ctx, s, parts, ascending)
    if s.kind in ("match", "documents"):
        return _stored_read(_history(ctx, s), parts, ascending)
    if s.kind == "distinct":
        return _set_stream(ctx, sets.as_set(s["distinct"], "distinct"), parts, ascending)
    if s.kind == "union":
        return _merge([_set_stream(ctx, operand, parts, ascending) for operand in sets.operands(s)], ascending)
    if s.kind == "join":
        # Each element's events merged as UnionSet's are (JoinSet.history's MergeElems).
        return _from_time(_merge(_join_elements(ctx, s, ascending), ascending), parts, ascending, ordered=True)
    return _from_time(sorted(_history(ctx, s), key=lambda item: item[0]), parts, ascending)


def _from_time(items: list[Item], parts: Parts | None, ascending: bool, ordered: bool = False) -> list[Item]:
    """Events in history order (`items`, oldest first) read up or down from a cursor as core's
    AbstractAlgebraicSet.history does: from the cursor's event with its action made the least (up) or
    the greatest (down), every element's events on that side of it in history order (EventsFilter
    trims them so). A Join's (`ordered`: already in the order read) are those from the cursor's
    time on."""
    if parts is None:
        return items if ascending or ordered else items[::-1]
    ts, _, doc, values = parts
    if ordered:
        return [item for item in items if (item[1]["ts"] >= ts if ascending else item[1]["ts"] <= ts)]
    if ascending:
        at = _event_key(ts, RANK["add"], doc, values)
        return [item for item in items if item[0] >= at]
    at = _event_key(ts, RANK["remove"], doc, values)
    return [item for item in reversed(items) if item[0] <= at]


def _merge(streams: list[list[Item]], ascending: bool) -> list[Item]:
    """Streams merged as core's MergeElems does, by their heads in history order (each stream's own
    order kept), an event given by several kept once."""
    out: list[Item] = []
    seen: set[bytes] = set()
    for item in heapq.merge(*streams, key=lambda item: item[0], reverse=not ascending):
        if item[0] not in seen:
            seen.add(item[0])
            out.append(item)
    return out


def _events(ctx: Context, s: SetRef, lo: bytes | None, hi: bytes | None, reverse: bool) -> t.Iterator[Item]:
    items = [i for i in history(ctx, s) if (lo is None or i[0] >= lo) and (hi is None or i[0] < hi)]
    return reversed(items) if reverse else iter(items)


sets.READERS["events"] = _events


# -- pages of events ------------------------------------------------------------------------------------


def check_cursor(ctx: Context, cursor: t.Any, *path: str | int) -> None:
    """Refuse what core's CursorParser cannot read as an event cursor (ContainsValue's value over a set of
    events), at `path`."""
    _cursor_parts(ctx, cursor, False, *path)


def _cursor_parts(ctx: Context, cursor: t.Any, documents: bool, *path: str | int) -> tuple[int, int, bytes, bytes]:
    """Where an event cursor points (its time, action rank, document and values) (core's CursorParser.parseEvent): an object naming an event, or a time
    (an Integer of µs, a Time, a Date) meaning its first event; null is the end of time.

    A document's own events read `create` and `delete` as those actions. (Core reads them as the set
    actions `add` and `remove`, so a page that ends before a delete event skips it on the next page.)
    """
    if isinstance(cursor, dict):
        form = frozenset(cursor)
        if form not in CURSOR_FORMS:
            raise InvalidArgument(f"Cannot create event cursor with keys {', '.join(cursor)}").at(*path)
        # Core casts the time, the document and the action, and reports each that fails, in that order
        # (CursorParser's EventCursors: Parser.collectErrors).
        errors: list[FQLError] = []
        ts = cursor["ts"]
        if not _is_integer(ts):
            errors.append(InvalidArgument(f"Integer expected, {type_name(ts)} provided.").at(*path, "ts"))
        ref_field, values_field = CURSOR_FORMS[form] or (None, None)
        doc = TOP
        if ref_field is not None:
            ref = cursor[ref_field]
            try:
                if not isinstance(ref, Ref):
                    raise InvalidArgument(f"Ref expected, {type_name(ref)} provided.").at(*path, ref_field)
                doc = encode(resolved(ctx, ref, *path, ref_field))
            except (InvalidArgument, InvalidRef) as err:
                errors.append(err)
        rank = 0
        if "action" in cursor:
            action = cursor["action"]
            if not isinstance(action, str) or action not in RANK:  # (an object or array too)
                errors.append(InvalidArgument(
                    f"String 'create', 'update', or 'delete' expected, {type_name(action)} provided."
                ).at(*path, "action"))
            else:
                rank = (RANK if documents else SET_RANK)[action]
        if errors:
            errors[0].siblings.extend(errors[1:])
            raise errors[0]
        # A document event has no values: the `data` of its cursor is its data, not a place.
        values = cursor.get(values_field) if values_field and not documents else None
        return ts, rank, doc, tuple_key(sets.cursor_of(values)) if values is not None else b""
    if cursor is None:
        return MAX_MICROS, 0, b"", b""
    if isinstance(cursor, Timestamp) or _is_integer(cursor):
        return micros(cursor), 0, b"", b""
    if isinstance(cursor, Date):
        return cursor.days * 86_400_000_000, 0, b"", b""
    raise InvalidArgument(f"Object, Integer, Time, or Date expected, {type_name(cursor)} provided.").at(*path)


def _is_integer(value: t.Any) -> bool:
    """Whether a cursor's time is an Integer, as core's CursorParser casts it: a document's `ts` read in
    the query that wrote it is no Integer but the Unresolved Transaction Time (TransactionTimeMicrosL)."""
    return isinstance(value, int) and not isinstance(value, bool) and type(value) is not TxnMicros


def _echoed(cursor: dict) -> dict:
    """An event cursor naming a document as core gives it back, the event it parsed (Renderable's
    SetEventL and DocEventL): `create` and `delete` as the set actions `add` and `remove` (core casts a
    set action first), the ref as `document`, and the values as a `data` array, which an `update` (a
    document's event) has not. A cursor naming no document comes back as it was given."""
    ref_field, values_field = CURSOR_FORMS[frozenset(cursor)] or (None, None)
    if ref_field is None:
        return cursor
    action = _SET_ACTIONS.get(cursor["action"], cursor["action"])
    # Typed as the event it is, which answers to API 2.0 and 2.1 word as events (`instance`, `resource`).
    echoed = (DocEvent if action == "update" else SetEvent)(ts=cursor["ts"], action=Action(action), document=cursor[ref_field])
    if values_field is not None and action != "update":
        echoed["data"] = sets.cursor_of(cursor[values_field])
    return echoed


#: The set action core reads a document action of a cursor as (Casts.SetAction).
_SET_ACTIONS = {"create": "add", "delete": "remove"}


def _cursor_ts(cursor: t.Any) -> int:
    """The time a time cursor (µs, Time, Date, or null for the end of time) points at."""
    if cursor is None:
        return MAX_MICROS
    if isinstance(cursor, Date):
        return cursor.days * 86_400_000_000
    return micros(cursor)


def _stored(s: SetRef) -> bool:
    """Whether a set of events is one index's own history (`Events` of a Match or of Documents)."""
    return s.kind == "events" and isinstance(s["events"], SetRef) and s["events"].kind in ("match", "documents")


def _of_singleton(s: SetRef) -> bool:
    return s.kind == "events" and isinstance(s["events"], SetRef) and s["events"].kind == "singleton"


def _stored_rank(rank: int) -> int:
    """An action's place among an index's stored events of one time: removes first (any other action a
    cursor names reads as an add)."""
    return 0 if rank == RANK["remove"] else 1


def _stored_key(item: Item) -> tuple:
    """An index event's place in its stored order (core's IndexValue.ByEventOrdering): time, removes
    before adds, document and values."""
    event = item[1]
    return event["ts"], _stored_rank(RANK[event["action"]]), item[0][len(encode(event["ts"])) + 1 :]


def _set_order(item: Item) -> tuple:
    """A set event's place in core's SetEvent.ord, by which Paginate drops the events ahead of its
    cursor: time, document, removes before adds, values."""
    event = item[1]
    doc = encode(event["document"])
    rest = item[0][len(encode(event["ts"])) + 1 :]
    return event["ts"], doc, _stored_rank(RANK[event["action"]]), rest[len(doc) :]


def _stored_read(items: list[Item], parts: Parts | None, ascending: bool) -> list[Item]:
    """An index's events in its stored order, read from a cursor's place in that order on (up or down)."""
    items = sorted(items, key=_stored_key)
    if parts is None:
        return items if ascending else items[::-1]
    ts, rank, doc, values = parts
    at = (ts, _stored_rank(rank), doc + values)
    if ascending:
        return [i for i in items if _stored_key(i) >= at]
    return [i for i in reversed(items) if _stored_key(i) <= at]


def _dropped(read: list[Item], parts: Parts | None, ascending: bool) -> list[Item]:
    """What Paginate keeps of a read from a cursor (PaginateEvents.dropCmp): the read less the events at
    its head that SetEvent.ord puts on the cursor's other side; only the head, so an event the
    cursor's side would drop that comes after one it keeps stays."""
    if parts is None:
        return read
    ts, rank, doc, values = parts
    cursor = (ts, doc, _stored_rank(rank), values)
    n = 0
    while n < len(read) and ((_set_order(read[n]) < cursor) if ascending else (_set_order(read[n]) >= cursor)):
        n += 1
    return read[n:]


def _stored_page(items: list[Item], parts: Parts | None, ascending: bool) -> list[Item]:
    """An index's events from a cursor on, as core pages them: its stored events (by time, then removes
    before adds, then document and values) read from the cursor's place in that order, less those at
    the head of the read that core's event order (time, document, action with removes first, values)
    puts on the cursor's other side. So at one time a cursor naming a document keeps the events of
    later documents whatever their action, and a bare time starts at that time's adds."""
    return _dropped(_stored_read(items, parts, ascending), parts, ascending)


def page(ctx: Context, s: SetRef, size: int, options: dict, sources: bool = False) -> Page:
    """A page of events (core's PaginateEvents): `after` is inclusive, `before` exclusive, and a page's
    cursors are events (a document event's without its data). With `sources`, each event is shown as
    `{value, sources}` (`event_sources`)."""
    _refuse_unreadable(s)
    documents = _of_documents(s)
    ascending = "before" not in options
    given = options.get("after") if ascending else options["before"]
    has_cursor = ("after" in options) if ascending else True
    parts = _cursor_parts(ctx, given, documents, "after" if ascending else "before") if has_cursor else None
    bound = _event_key(*parts) if parts is not None else None
    if has_cursor and not isinstance(given, dict):
        # A time comes back as the event core parsed it from: the first event then, with no document.
        given = {"ts": _cursor_ts(given), "action": "add"}
    elif has_cursor:
        given = _echoed(given)
    # Only a read up stops at the valid time (At's, or Paginate's `ts`): core's PaginateEvents reads from
    # the cursor to `maxValue.at(validTime)` up, but down from a `before` cursor (null is the end of time)
    # to the set's first event, whatever the valid time.
    if _stored(s) or not (documents or _of_singleton(s)):
        read = _stream(ctx, s, parts, ascending)
        chosen = _dropped(_until(ctx, read) if ascending else read, parts, ascending)[: size + 1]
    elif ascending:
        items = history(ctx, s)
        chosen = [i for i in items if bound is None or i[0] >= bound]
        if parts is not None and _of_singleton(s) and parts[1] < RANK["remove"]:
            # A document stores its delete before a create of the same time: read on from an add (a
            # bare time is one), a Singleton's remove then is behind the cursor.
            chosen = [i for i in chosen if not (i[1]["ts"] == parts[0] and i[1]["action"] == "remove")]
        chosen = chosen[: size + 1]
    else:
        chosen = [i for i in reversed(_stream(ctx, s, None, True)) if i[0] < bound][: size + 1]
    more = len(chosen) > size
    # The cursor onward: the next element's, the given one again for a page of size 0, or none.
    if size == 0:
        onward, has_onward = given, has_cursor
    elif more:
        onward, has_onward = chosen[size if ascending else size - 1][1], True
    else:
        onward, has_onward = None, False
    picked = chosen[:size] if ascending else chosen[:size][::-1]
    if sources:
        memo: dict = {}
        shown = [SourcedElement(value=item[2], sources=event_sources(ctx, s, item, memo)) for item in picked]
    else:
        shown = [event for _, _, event in picked]
    cursors = [cursor for _, cursor, _ in picked]
    if ascending:
        return Page(shown, before=given, after=onward, has_before=has_cursor, has_after=has_onward, cursors=cursors)
    return Page(shown, before=onward, after=given, has_before=has_onward, has_after=True, cursors=cursors)


# -- history writes -------------------------------------------------------------------------------------

#: Actions Insert and Remove take (core's DocAction cast).
ACTIONS = ("create", "update", "delete")


def _action(value: t.Any) -> str:
    if value not in ACTIONS:
        raise InvalidArgument(
            f"String 'create', 'update', or 'delete' expected, {type_name(value)} provided."
        ).at("action")
    return value


def _history_target(ctx: Context, ref: t.Any, key: str, verb: str, params: dict | None = None) -> DocKey:
    """The stored document a history write names: a user document of this database (or a key, for an
    Insert). As core's InsertVersionFunction and RemoveVersionFunction check it: the ref's database (and
    an Insert's `params` refs, reported together), then what the ref names."""
    if not isinstance(ref, Ref):
        raise InvalidArgument(f"Ref expected, {type_name(ref)} provided.").at(key)
    scope = scope_of(ctx, ref.database) if ref.collection is None else doc_key(ctx, ref, key).scope
    if scope != ctx.state.scope:
        scoped_write(ctx, key, params)
    if params is not None:
        check_references(ctx, params)
    if ref.collection is None or (ref.kind is not None and (ref.kind, verb) != ("keys", "insert")):
        raise InvalidArgument(f"Cannot {verb} event for specified ref.")
    return doc_key(ctx, ref, key)


def _rewrote(ctx: Context, key: DocKey, before: Version | None) -> None:
    """Move the document's index entries when a history write changed what it is now (without unique
    checks, as core's history writes)."""
    after = live(ctx, key) or Version(key, ctx.state.ts, None)
    indexes.on_write(ctx, before, after, unique=False)


#: Where the history edits of a document are logged, one version per transaction that made any: a
#: version's time is a valid time, so v4 streams learn from here which past versions a transaction
#: wrote or removed (core's `history_rewrite` events, fql/server/streams.py).
REWRITES = "#history_rewrites"


def rewrites_key(key: DocKey) -> DocKey:
    return DocKey(key.scope, REWRITES, f"{key.coll}/{key.id}")


def _log_rewrite(ctx: Context, key: DocKey, edit: list) -> None:
    """Log `edit` of the document `key` in this transaction: [`insert`, ts] (then the data of the version
    it replaced, if any) or [`remove`, ts, the removed version's action, its data], so a set stream can
    tell the history before the edit from the history after it. A version written at the transaction's
    own time is no rewrite (core streams it as a `version` event)."""
    if edit[1] == ctx.state.ts:
        return
    log = rewrites_key(key)
    found = ctx.state.txn.get(log)
    edits = list(found.data["edits"]) if found is not None and found.ts == ctx.state.ts else []
    ctx.state.txn.put(Version(log, ctx.state.ts, {"edits": [*edits, edit]}))


def action_of(versions: list[Version], version: Version) -> str:
    """The action of one of a document's versions: a deletion, or a create after none (or a deletion)."""
    if version.data is None:
        return "delete"
    before = [v for v in versions if v.ts < version.ts]
    return "update" if before and before[-1].data is not None else "create"


@builtin("Insert", keys=("insert", "ts", "action", "params"), required=3)
def insert(ctx: Context, ref: t.Any, ts: t.Any, action: t.Any, params: t.Any = None) -> DocEvent:
    """Add an event to a document's history at `ts` (replacing the one at that time): a `create` or
    `update` makes the document `params` then, a `delete` deletes it then. The result is the event."""
    if not isinstance(ref, Ref):
        raise InvalidArgument(f"Ref expected, {type_name(ref)} provided.").at("insert")
    # A ref naming nothing fails as the argument is read, before any other check (WriteFunctionsSpec
    # "invalid refs": `invalid ref` at ["insert"], where a native is "Cannot insert event ...").
    resolved(ctx, ref, "insert")
    when = micros(WRITE_TIME(ts, "ts"), "ts")
    action = _action(action)
    params = {} if params is None else OBJECT(params, "params")
    if when > ctx.state.ts:
        raise InvalidWriteTime("Cannot write outside of snapshot time.")
    key = _history_target(ctx, ref, "insert", "insert", params)
    # Core asks whether the caller may write history before it validates the version, and its predicate
    # gets the params as given (WriteAdaptor.insertVersion: permQ, then the validator's patch).
    access.require(ctx, "history_write", key, ([ref, Timestamp.from_micros(when), action, copy(params)],))
    if action == "delete":
        fields = None
    elif key.coll == "#keys":
        from .auth import inserted_key_fields

        # Its failures at the call, as a document's (WriteAdaptor.insertVersion's liftPatch gets its pos).
        fields = inserted_key_fields(ctx, params)
    else:
        fields = user_fields(params)
        if fields.get("ttl") is None:
            # A version inserted without a ttl gets its collection's `ttl_days` from now (core's adjustTTL).
            from .v10.fields import collection_ttl

            ttl = collection_ttl(ctx, key.scope, key.coll)
            if ttl is not None:
                fields = {"ttl": ttl, **fields}
    check_version_size(fields)
    ttl = fields.get("ttl") if fields else None
    before = live(ctx, key)
    replaced = next((v for v in ctx.state.txn.history(key) if v.ts == when), None)
    ctx.state.txn.insert_version(Version(key, when, fields, ttl.micros if isinstance(ttl, Timestamp) else None))
    _rewrote(ctx, key, before)
    _log_rewrite(ctx, key, ["insert", when, *([] if replaced is None else [replaced.data])])
    # Core answers with the inserted version's own event: a create or update is shown as `create`.
    return DocEvent(
        ts=when,
        action=Action("delete" if fields is None else "create"),
        document=ref_of(ctx, key),
        data=copy(fields.get("data")) if fields else None,
    )


@builtin("Remove", keys=("remove", "ts", "action"))
def remove(ctx: Context, ref: t.Any, ts: t.Any, action: t.Any) -> None:
    """Remove the event at `ts` from a document's history (a `create` or `update` removes the version
    written then, a `delete` the deletion); the document then is what the events left make it."""
    if not isinstance(ref, Ref):
        raise InvalidArgument(f"Ref expected, {type_name(ref)} provided.").at("remove")
    # A ref naming nothing fails as the argument is read, before any other check (WriteFunctionsSpec
    # "invalid refs": `invalid ref` at ["remove"], where a native is "Cannot remove event ...").
    resolved(ctx, ref, "remove")
    when = micros(WRITE_TIME(ts, "ts"), "ts")
    action = _action(action)
    key = _history_target(ctx, ref, "remove", "remove")
    versions = ctx.state.txn.history(key)
    then = next((v for v in reversed(versions) if v.ts <= when), None)
    fields = (then.data or {}) if then is not None else {}
    access.require(ctx, "history_write", key, ([ref, Timestamp.from_micros(when), action, fields],))
    # Versions are named by time and kind: a removal of a `delete` leaves a live version alone.
    removed = next((v for v in versions if v.ts == when and (v.data is None) == (action == "delete")), None)
    if removed is None:
        return None
    before = live(ctx, key)
    if removed.data is not None and when <= min_valid_time(ctx, key.scope, key.coll):
        # A live version at or below the collection's minimum valid time is not removed but replaced by
        # a deletion then (core's Store.removeRevision: removing the GC root would bring back versions
        # already let go), so the document is deleted from then to its next version.
        ctx.state.txn.insert_version(Version(key, when, None))
        _log_rewrite(ctx, key, ["insert", when, removed.data])
    else:
        ctx.state.txn.remove_version(key, when)
        _log_rewrite(ctx, key, ["remove", when, action_of(versions, removed), removed.data])
    _rewrote(ctx, key, before)
    return None
