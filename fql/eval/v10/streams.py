"""v10 event sources (`set.toStream()`, `changesOn`) and the add/update/remove events read from history.

An event source stands for the set's base (a collection, an index match or one document), the
`where`/`map` steps applied to each document, the fields `changesOn` watches, and the cursor its events
start after (the creating transaction's). Its token holds what made it (the set as a cursor holds it,
cursors.py, and the steps added since), made again as whoever uses it, as core's token holds its set;
one of a set no cursor can carry names an entry of its Database's registry instead. Events come from document
history: each version of a document is compared with the one before it, as core's EventTransformer
compares a document's current and previous states.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import secrets as _random
import struct
import threading
import time
import typing as t
import weakref
from collections import OrderedDict

from attrs import evolve, frozen

from ... import ast
from ...collation import encode, id_key, terms_key
from ...errors import FQLError, InvalidRef, QueryRuntimeError, StackOverflow
from ...storage.base import DocKey, Entry, IndexKey, Transaction, Version
from ...values import Document, EventSource, Lambda, Module, NullDocument, Ref, Timestamp
from .. import access, indexes, roles
from ..evaluator import Context
from ..documents import drops_key
from ..refs import doc_key, live, ref_of
from ..refs import min_valid_time as collection_mvt  # this module's min_valid_time is a base's
from ..registry import method
from .collections import IndexSet, parse_path
from .documents import document_field, to_document, to_stored
from .expressions import THIS, call_function
from .misc import callback
from .sets import ArraySet, Derived, DocumentsSet, V10Set, WhereSet, mapped, materialize, steps_limit

#: The largest ordinal of an event in a transaction: the cursor (ts, MAX_ORD) is after all of ts.
MAX_ORD = (1 << 31) - 1
#: How many event sources of sets no token can carry one Database remembers; the oldest are forgotten first.
MAX_SOURCES = 100_000
#: The effect limit of an event's `where` and `map` steps, streamed or fed (core's StreamValueTranslator).
#: Core's message puts it whole after "which is not allowed in", so a write reads "`create` performs a
#: write, which is not allowed in Writes are disallowed in stream subscriptions..".
STEPS_LIMIT = "Writes are disallowed in stream subscriptions."


@frozen(order=True)
class Cursor:
    """Where an event stream stands: a transaction time (µs) and an event's ordinal within it."""

    ts: int
    ord: int = 0

    def encode(self) -> str:
        return base64.b64encode(struct.pack(">qi", self.ts, self.ord)).decode()

    @classmethod
    def decode(cls, text: t.Any) -> Cursor | None:
        """The cursor `text` encodes, or None if it is not one of ours."""
        try:
            ts, ordinal = struct.unpack(">qi", base64.b64decode(text, validate=True))
        except (TypeError, ValueError, struct.error):
            return None
        return cls(ts, ordinal)


# -- what a source watches -----------------------------------------------------------------------------


@frozen
class Documents:
    """`Coll.all()`: the documents of a user collection; every new version of one is an event."""

    scope: str
    coll: str

    def keys(self, txn: Transaction, since: int) -> t.Iterator[DocKey]:
        return (v.key for v in txn.scan(self.scope, self.coll) if v.ts >= since)

    def rows(self, ctx: Context, version: Version) -> tuple:
        # Core streams `all()` from its changes-by-collection index, which every write changes.
        return (version.ts,)


@frozen(eq=False)
class IndexRows:
    """`Coll.byX(term)` or v4 `Match(index, terms)`: the documents with entries under `terms`.

    Only a change of those entries is an event (core streams the index's rows): an update that leaves a
    document's terms and values as they were is not seen.
    """

    index: indexes.IndexDef
    terms: bytes

    def keys(self, txn: Transaction, since: int) -> t.Iterator[DocKey]:
        for coll in self.index.sources:
            yield from (v.key for v in txn.scan(self.index.key.scope, coll) if v.ts >= since)

    def entries(self, ctx: Context, version: Version) -> dict[bytes, Entry]:
        """The version's entries under `terms`, by sort key."""
        return {e.sort: e for terms, e in indexes.entries(ctx, self.index, version) if terms == self.terms}

    def rows(self, ctx: Context, version: Version) -> tuple | None:
        return tuple(sorted(self.entries(ctx, version))) or None


@frozen
class Single:
    """`Set.single(doc)`: one document; each of its versions is an event."""

    key: DocKey

    def keys(self, txn: Transaction, since: int) -> t.Iterator[DocKey]:
        version = txn.get(self.key)
        return iter([self.key] if version is not None and version.ts >= since else [])

    def rows(self, ctx: Context, version: Version) -> tuple:
        return (version.ts,)


Base = Documents | IndexRows | Single


@frozen(eq=False)
class Source:
    """A registered event source: what it watches, how each document is shown, where it starts."""

    #: The database scope it was made in; only secrets of that database may stream it.
    scope: str
    base: Base
    #: Set steps (`where`, `map`, projection), each `fn(ctx, elements) -> elements`, applied in order.
    steps: tuple = ()
    #: Field paths given to `changesOn`: only events that change one of them are sent.
    watched: tuple = ()
    #: Its events come after this cursor: the creating transaction's, unless a client asks otherwise.
    start: Cursor = Cursor(0, MAX_ORD)
    #: What made it, for a self-contained token: the set's description (cursors.describe), the method
    #: called on it, and the `where`/`map`/projection steps called on the source since, each as [kind,
    #: description]; None when something in it cannot be described (its token names a table entry).
    made: tuple | None = None
    #: When its set was evaluated, as its collection names meant then: core evaluates a token's set
    #: again for each stream or feed request, so a collection deleted and made again under its name
    #: since the token was made is the one it watches. None: when it was made (`start`).
    seen: int | None = None


@frozen
class Cost:
    """What making one event took: compute counted as a query counts it, and the other documents read."""

    compute: int = 0
    docs: int = 0
    #: Whether the event looked inside its own document (a field other than its id, or the document
    #: itself shown): core's set event holds the document's reference, and reads it only then
    #: (FQL2StreamReadCacheSpec: `Coll.all().toStream() { id }` bills no read).
    own: bool = True


@frozen(eq=False)
class Event:
    """One v10 event: `add`, `update` or `remove` with its document (or mapped value), or an `error`."""

    type: str
    #: None for an error of the whole source (its start is too old), which no event caused.
    cursor: Cursor | None
    data: t.Any = None
    error: FQLError | None = None
    cost: Cost = Cost()


# -- the registry ----------------------------------------------------------------------------------------

_REGISTRIES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: Sources made by a query that has no Database (a bare Context); they cannot be streamed.
_DETACHED: OrderedDict = OrderedDict()
_LOCK = threading.Lock()


def _table(db: t.Any) -> OrderedDict:
    if db is None:
        return _DETACHED
    with _LOCK:
        found = _REGISTRIES.get(db)
        if found is None:
            found = _REGISTRIES[db] = OrderedDict()
        return found


def register(ctx: Context, source: Source) -> EventSource:
    """`source` as an event source value: a token holding what made it, or else one naming an entry of
    the query's Database's table."""
    if source.made is not None:
        from .cursors import FORMAT, pack

        start, watched = source.start, [list(path) for path in source.watched]
        return EventSource(pack([FORMAT, _TOKEN, source.scope, *source.made, watched, [start.ts, start.ord]]))
    table = _table(ctx.state.db)
    token = base64.b64encode(_random.token_bytes(24)).decode()
    with _LOCK:
        table[token] = source
        while len(table) > MAX_SOURCES:
            table.popitem(last=False)
    return EventSource(token)


#: What a self-contained event source token says it is (a set cursor's payload has no such word).
_TOKEN = "source"


def lookup(db: t.Any, token: t.Any) -> Source | None:
    """The source a token names in `db`'s table, or None for an unknown (or forgotten) token."""
    if not isinstance(token, str):
        return None
    table = _table(db)
    with _LOCK:
        return table.get(token)


def unpacked(token: t.Any) -> list | None:
    """A self-contained token's payload: [scope, set, method, steps, watched, start]; None for a token
    that is not one."""
    from .cursors import FORMAT, unpack

    try:
        fmt, kind, scope, *rest = unpack(token)
    except (TypeError, ValueError):
        return None
    if fmt != FORMAT or kind != _TOKEN or not isinstance(scope, str) or len(rest) != 5:
        return None
    data, method_name, steps, watched, start = rest
    well_formed = (
        isinstance(method_name, str) and method_name in _METHODS and isinstance(steps, list)
        and all(isinstance(step, list) and len(step) == 2 and step[0] in _EXTENSION_KINDS for step in steps)
        and isinstance(watched, list) and all(isinstance(p, list) and all(map(_step, p)) for p in watched)
        and isinstance(start, list) and len(start) == 2 and all(type(n) is int for n in start)
    )  # fmt: skip
    return [scope, data, method_name, steps, watched, start] if well_formed else None


def resolve(ctx: Context, token: t.Any) -> Source | None:
    """The source `token` stands for: a table entry of the query's Database, or the source a
    self-contained token holds, made again as the caller (core evaluates a token's set as its reader);
    None for a token that is neither."""
    found = lookup(ctx.state.db, token)
    if found is not None:
        return found
    payload = unpacked(token)
    return None if payload is None else rebuilt(ctx, payload)


class NotASource(QueryRuntimeError):
    """A self-contained token whose set is some other value (of type `received`): a token made by hand."""

    def __init__(self, received: str):
        super().__init__("invalid_argument", "invalid event source provided")
        self.received = received


def rebuilt(ctx: Context, payload: list) -> Source:
    """The source of a self-contained token's payload (`unpacked`), made as the caller."""
    from .cursors import rebuilt_value

    scope, data, method_name, steps, watched, (ts, ordinal) = payload
    made = rebuilt_value(ctx, data)
    if not isinstance(made, V10Set):
        # Core evaluates the token's expression, and refuses a value that is no event source.
        from .misc import value_type

        raise NotASource(value_type(made))
    try:
        root, made_steps = _pipeline(made, method_name)
        base = _base(ctx, root, method_name)
        for kind, described in steps:
            made_steps += (_EXTENSIONS[kind](ctx, rebuilt_value(ctx, described)),)
    except (TypeError, ValueError, AttributeError, KeyError, IndexError):
        # A token put together by hand, whose set is no set fql makes.
        raise QueryRuntimeError("invalid_argument", "invalid event source provided") from None
    watched_paths = tuple(tuple(path) for path in watched)
    made_at = ctx.state.txn.horizon
    return Source(scope, base, made_steps, watched_paths, Cursor(ts, ordinal), (data, method_name, steps), made_at)


# -- making a source from a set --------------------------------------------------------------------------

#: The set steps a stream applies to each document, named by the function of sets.py that builds them.
_STEPS = ("WhereSet", "mapped", "page_size")
_REVERSED = "streaming is not supported on sets that have been reversed."
_SEQUENCE = "streaming is not supported on sets created from `Set.sequence()`."
#: Why the other derived sets cannot be streamed (core's `invalid_receiver` reasons).
_REFUSED = {
    "take": "streaming is not supported on sets returned from `.take()`.",
    "drop": "streaming is not supported on sets returned from `.drop()`.",
    "_reversed": _REVERSED,
    "_all_reversed": _REVERSED,
    "_distinct": "streaming is not supported on distinct sets.",
    "concat": "streaming is not supported on concatenated sets.",
    "flat_mapped": "streaming is not supported on `.flatMap()` sets.",
    "_order": "streaming is not supported on sets returned from `.order()`.",
}
_SOURCES_ONLY = "only collections and user defined indexes are streamable."
_AT = "streaming is not supported for sets created within an `at()` expression."
_RANGES = "range queries are not supported yet, use `.where()` method instead."


def _receiver(method_name: str, reason: str) -> QueryRuntimeError:
    return QueryRuntimeError("invalid_receiver", f"can't call `{method_name}` because {reason}")


def _pipeline(s: V10Set, method_name: str) -> tuple[V10Set, tuple]:
    """The set under every derived step, and the steps from the innermost out."""
    steps = []
    while isinstance(s, Derived):
        # sets.py builds each derived set from a closure; the function that made it says which kind it is.
        maker = s.fn.__qualname__.split(".<locals>")[0]
        if maker in _STEPS and s.valid_ts is not None:
            raise _receiver(method_name, _AT)
        if maker == "_all_reversed" and getattr(s.source, "valid_ts", None) is not None:
            # A collection's or an index's set reverses itself (core's IndexSet.reverse), which checks
            # being made inside `at` before being reversed.
            raise _receiver(method_name, _AT)
        if maker not in _STEPS:
            raise _receiver(method_name, _REFUSED.get(maker, "streaming is not supported on this set."))
        steps.append(s.fn)
        s = s.source
    return s, tuple(reversed(steps))


def _base(ctx: Context, root: V10Set, method_name: str) -> Base:
    if isinstance(root, (DocumentsSet, IndexSet)) and root.valid_ts is not None:
        raise _receiver(method_name, _AT)
    if isinstance(root, DocumentsSet):
        # Core's IndexSet.toEventSourceImpl looks at the range before the index: `Database.all({ from })`
        # is refused for its range.
        if getattr(root, "start", None) is not None or getattr(root, "stop", None) is not None:
            raise _receiver(method_name, _RANGES)
        if root.coll.collection is None:
            raise _receiver(method_name, _SOURCES_ONLY)
        key = doc_key(ctx, Ref("0", root.coll))
        return Documents(key.scope, key.coll)
    if isinstance(root, IndexSet):
        # Any range, a null bound too, is not IndexSet.Range.Unbounded.
        if root.bounds:
            raise _receiver(method_name, _RANGES)
        return IndexRows(root.index, terms_key(root.terms))
    if isinstance(root, ArraySet):
        return _single(ctx, root, method_name)
    raise _receiver(method_name, _SOURCES_ONLY)


def _single(ctx: Context, root: ArraySet, method_name: str) -> Single:
    if isinstance(root.items, range):
        raise _receiver(method_name, _SEQUENCE)
    if not root.single:
        raise _receiver(method_name, "streaming is not supported on array sets.")
    # `Set.single(doc)` is an array set in fql; core streams its SingletonSet as that document.
    (item,) = root.items
    if isinstance(item, (Document, NullDocument)) and item.read_ts is not None:
        raise _receiver(method_name, _AT)  # a document read inside `at` keeps that time
    ref = item.ref if isinstance(item, (Document, NullDocument)) else item
    # A schema document is a document too (core's SingletonSet streams any Value.Doc: `Collection.byName(...)`).
    if not isinstance(ref, Ref) or ref.collection is None:
        raise _receiver(method_name, "streaming on `Set.single()` is only supported if its element is a document.")
    try:
        return Single(doc_key(ctx, ref))
    except InvalidRef as err:
        # A token of a document whose collection has since been deleted.
        raise QueryRuntimeError("invalid_argument", err.description) from None


def check_readable(ctx: Context, base: Base) -> None:
    """Core refuses a source the caller has no read action on (a read predicate filters event by event)."""
    if isinstance(base, Single):
        if not access.allowed(ctx, "read", base.key, (ref_of(ctx, base.key),)):
            raise QueryRuntimeError(
                "permission_denied", "Insufficient privileges to create a stream on the source document."
            )
        return
    coll = base.coll if isinstance(base, Documents) else base.index.sources[0]
    if not ctx.state.unchecked and not roles.has_action(ctx, coll, "read"):
        raise QueryRuntimeError("permission_denied", f"Insufficient privileges to read from collection {coll}.")


def _event_source(ctx: Context, s: V10Set, method_name: str, watched: tuple | None = None) -> EventSource:
    """An event source of `s`; `watched` are the fields of `changesOn`/`eventsOn` (None: `toStream`)."""
    root, steps = _pipeline(s, method_name)
    base = _base(ctx, root, method_name)
    # Core makes the source (refusing a caller who may not read it) before it looks at the watched fields.
    check_readable(ctx, base)
    if watched is not None and steps:
        # Core's ValueSet.changesOn, for eventsOn too and with no fields: it names `.changesOn()` whichever
        # was called.
        raise _receiver(".changesOn()", "it was not called on the source set.")
    watched = watched or ()
    if watched and isinstance(base, IndexRows):
        _check_covered(ctx, base.index, watched)
    # After the first event of this query's own writes (at its time) and everything committed before it:
    # core's token holds the cursor (txn time, 0), and its replay sends only the events past it, so the
    # set's second and later events of the query that made it come (on SQLite, asking for the horizon
    # takes the writer's lock, so that no writer's earlier time commits later).
    start = Cursor(ctx.state.txn.horizon, 0)
    return register(ctx, Source(ctx.state.scope, base, steps, watched, start, _made(s, method_name)))


def _made(s: V10Set, method_name: str) -> tuple | None:
    from .cursors import Unserializable, describe

    try:
        return (describe(s), method_name, [])
    except Unserializable:
        return None


#: The methods that make an event source of a set.
_METHODS = (".toStream()", ".eventSource()", ".changesOn()", ".eventsOn()")


@method("Set", "toStream")
def to_stream(ctx: Context, s: V10Set) -> EventSource:
    """An event source of the set: its documents' add, update and remove events after this query."""
    return _event_source(ctx, s, ".toStream()")


@method("Set", "eventSource")
def event_source(ctx: Context, s: V10Set) -> EventSource:
    """`toStream()`: an event source of the set."""
    return _event_source(ctx, s, ".eventSource()")


@method("Set", "changesOn")
def changes_on(ctx: Context, s: V10Set, *fields: t.Any) -> EventSource:
    """An event source sending only the events that change one of `fields` (`.changesOn(.email)`)."""
    return _event_source(ctx, s, ".changesOn()", _paths(fields))


@method("Set", "eventsOn")
def events_on(ctx: Context, s: V10Set, *fields: t.Any) -> EventSource:
    """`changesOn(...)`: an event source of the changes to `fields`."""
    return _event_source(ctx, s, ".eventsOn()", _paths(fields))


def _paths(fields: tuple) -> tuple:
    from .expressions import _callable, dynamic_label

    for i, fn in enumerate(fields):
        if not _callable(fn) or isinstance(fn, Module):
            # Core's vararg parameter `fields` casts each argument first (NativeFunction.scala: `fields0`, ...).
            raise QueryRuntimeError(
                "invalid_argument", f"expected value for `fields{i}` of type Function, received {dynamic_label(fn)}"
            )
    return tuple(_field_path(fn, i) for i, fn in enumerate(fields))


def _field_path(fn: t.Any, i: int) -> tuple:
    """The path a short lambda reads (`.a.b`, `.['c']`, `.list[0]`); core accepts nothing else."""
    invalid = QueryRuntimeError("invalid_argument", f"invalid argument `{i}`: invalid field path given")
    if not isinstance(fn, Lambda) or _params(fn) != (THIS,):
        raise invalid
    path, node = [], fn.body
    while not (isinstance(node, ast.Ident) and node.name == THIS):
        if isinstance(node, ast.Member) and not node.optional:
            path.append(node.name)
        elif _index_step(node):
            path.append(node.key.value)
        else:
            raise invalid
        node = node.obj
    if not path:
        raise invalid
    return tuple(reversed(path))


def _index_step(node: ast.Node) -> bool:
    """`[0]` or `["name"]`, not optional (core's `Access` with no `?.`)."""
    if not isinstance(node, ast.Index) or node.optional:
        return False
    return isinstance(node.key, ast.Literal) and _step(node.key.value)


def _params(fn: Lambda) -> tuple:
    return (fn.params,) if isinstance(fn.params, str) else tuple(fn.params or ())


def _step(value: t.Any) -> bool:
    """A field name or an array index; core's field paths take no negative index (ExprParser
    `processFieldPathExpr`)."""
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool) and value >= 0)


def _shown(path: tuple) -> str:
    """A path as core prints it: `a.b[0]`."""
    out = ""
    for i, step in enumerate(path):
        out += f"[{step}]" if isinstance(step, int) else (step if i == 0 else "." + step)
    return out


def _check_covered(ctx: Context, index: indexes.IndexDef, watched: tuple) -> None:
    """An index source can watch only the fields its terms and values cover (any field when they cover
    `ts`), as core's validateWatchedFields takes both."""
    covered = _declared_paths(ctx, index)
    if ("ts",) in covered:
        return
    missing = [p for p in watched if p != ("id",) and p not in covered]
    if missing:
        names = ", ".join(f"`{_shown(p)}`" for p in missing)
        raise QueryRuntimeError(
            "invalid_argument", f"invalid argument `fields`: {names} not covered by the `{index.ref.id}` index."
        )


def _declared_paths(ctx: Context, index: indexes.IndexDef) -> set[tuple]:
    """The paths of an index's terms and values as its collection's definition spells them: core compares a
    watched field with each one's `fieldPath`, so `.c` covers `c`, a computed field too, and `.data.a` only
    `data.a`."""
    version = live(ctx, DocKey(index.key.scope, "#collections", index.sources[0]))
    declared = (version.data or {}).get("indexes") if version is not None else None
    spec = declared.get(index.ref.id) if isinstance(declared, dict) else None
    fields = [*(spec.get("terms") or ()), *(spec.get("values") or ())] if isinstance(spec, dict) else []
    return {tuple(parse_path(f["field"])) for f in fields if isinstance(f, dict) and isinstance(f.get("field"), str)}


# -- EventSource methods --------------------------------------------------------------------------------

#: A stand-in source for building steps with sets.py's own constructors.
_NOTHING = ArraySet([])


def _extend(ctx: Context, source: EventSource, kind: str, arg: t.Any) -> EventSource:
    """`source` with one more step: `kind` (`where`, `map`, `project`) called with `arg`."""
    from .cursors import Unserializable, describe

    step = _EXTENSIONS[kind](ctx, arg)  # its argument checked first
    found = resolve(ctx, source.token)
    if found is None:
        raise QueryRuntimeError("invalid_argument", "invalid event source provided")
    made = None
    if found.made is not None:
        with contextlib.suppress(Unserializable):
            data, method_name, steps = found.made
            made = (data, method_name, [*steps, [kind, describe(arg)]])
    return register(ctx, evolve(found, steps=found.steps + (step,), made=made))


def _where_step(ctx: Context, predicate: t.Any) -> t.Callable:
    return WhereSet(ctx, _NOTHING, predicate).fn


def _map_step(ctx: Context, fn: t.Any) -> t.Callable:
    # Checked as a set's `map` checks its mapper (core's EventSourcePrototype calls SetPrototype.mapImpl).
    fn = callback(fn, "mapper", 1)
    return mapped(ctx, _NOTHING, lambda c, item: call_function(c, fn, [item])).fn


def _project_step(ctx: Context, fields: t.Any) -> t.Callable:
    from .expressions import project

    return mapped(ctx, _NOTHING, lambda c, item: project(c, item, fields)).fn


#: The steps an event source's own methods add, by kind: each makes the step from its argument.
_EXTENSIONS = {"where": _where_step, "map": _map_step, "project": _project_step}
_EXTENSION_KINDS = tuple(_EXTENSIONS)


@method("EventSource", "where")
def source_where(ctx: Context, source: EventSource, predicate: t.Any) -> EventSource:
    """The same events, for the values for which `predicate` is true."""
    return _extend(ctx, source, "where", predicate)


@method("EventSource", "map")
def source_map(ctx: Context, source: EventSource, fn: t.Any) -> EventSource:
    """The same events, each value passed through `fn`."""
    return _extend(ctx, source, "map", fn)


def projected_source(ctx: Context, source: EventSource, fields: tuple) -> EventSource:
    """The same events, each value projected to `fields` (`source { a, b }`)."""
    return _extend(ctx, source, "project", fields)


# -- events ------------------------------------------------------------------------------------------------

_NONE = object()


def changes(
    txn: Transaction,
    base: Base,
    after: Cursor,
    made: int,
    rank: t.Callable[[Version | None, Version], int | None] | None = None,
) -> t.Iterator[tuple[Cursor, Version | None, Version]]:
    """Each version written after `after` to a document of `base`, with the version before it.

    Only the versions of the collection that stood at `made` (when the source's set was evaluated) count:
    one deleted before, or after, under the same name is another collection (core gives each its own
    id), so its documents' versions, and the deletions that removed them with it, are none of the source's.

    Ordinals number the versions of one transaction by `rank(prev, version)`, then collection and id,
    so a cursor inside a transaction (a feed page that split it) means the same thing every time it is
    read; a version it ranks None is none of the base's changes (it writes none of its rows).
    """
    found = []
    lifetimes: dict[tuple[str, str], tuple[int, int]] = {}
    for key in base.keys(txn, after.ts):
        span = lifetimes.get((key.scope, key.coll))
        if span is None:
            span = lifetimes[key.scope, key.coll] = _lifetime(txn, key.scope, key.coll, made)
        born, dropped = span
        prev = None
        for version in txn.history(key):
            if version.ts <= born:
                continue
            if version.ts >= dropped:
                break
            order = 0 if rank is None or version.ts < after.ts else rank(prev, version)
            if version.ts >= after.ts and order is not None:
                found.append((version.ts, order, key.coll, id_key(key.id), prev, version))
            prev = version
    found.sort(key=lambda change: change[:4])
    last, ordinal = None, 0
    for ts, _, _, _, prev, version in found:
        ordinal = ordinal + 1 if ts == last else 0
        last = ts
        cursor = Cursor(ts, ordinal)
        if cursor > after:
            yield cursor, prev, version


def _lifetime(txn: Transaction, scope: str, coll: str, made: int) -> tuple[int, int]:
    """The times (exclusive) between which the collection `coll` that stood at `made` lived: the last
    deletion of one of its name at or before `made` (0 if none), the first one after (or never)."""
    born, dropped = 0, _FOREVER
    for mark in txn.history(drops_key(scope, coll)):
        if mark.ts <= made:
            born = mark.ts
        else:
            dropped = min(dropped, mark.ts)
    return born, dropped


_FOREVER = 1 << 63


@frozen
class Polled:
    """What one read of a source's events found."""

    events: list[Event]
    #: More events follow the last one.
    more: bool
    #: What each change of the base cost that a step, a watched field or a read predicate dropped (core's
    #: filtered events, whose reads and compute its next status event bills).
    filtered: tuple[Cost, ...] = ()
    #: Where the next read resumes, when it is not the last event's cursor: the end of the last live
    #: transaction read, whose events' cursors follow the live order.
    resume: Cursor | None = None


def events(
    ctx: Context,
    source: Source,
    after: Cursor,
    limit: int,
    deadline: float | None = None,
    live_after: int | None = None,
) -> Polled:
    """Up to `limit` events of `source` after `after` in this transaction's snapshot, and whether more follow.

    The transactions after `live_after` (a stream's opening) come in the order of core's live stream
    (`_live_order`), whole: a limit reached inside one is checked at its end. An error (in a `where` or
    `map` step) is the last event: a stream ends there, a feed stops there.
    """
    if after.ts < min_valid_time(ctx, source.base):
        # Core refuses to replay history its collections no longer keep; the error has no cursor.
        shown = Timestamp.from_micros(after.ts).isoformat()
        message = f"Stream start time {shown} is too far in the past. Recreate the stream and try again."
        return Polled([Event("error", None, error=QueryRuntimeError("invalid_stream_start_time", message))], False)
    out: list[Event] = []
    filtered: list[Cost] = []
    made = source.start.ts if source.seen is None else source.seen
    ranked = functools.partial(_rank, ctx, source.base)
    pending: t.Iterator = changes(ctx.state.txn, source.base, after, made, ranked)
    if live_after is not None and not _mva_valued(source.base):
        pending = _live_order(ctx, source.base, pending, after, live_after)
    else:
        pending = ((cursor, prev, curr, None) for cursor, prev, curr in pending)
    resume = None
    for cursor, prev, curr, closes in pending:
        counted, read = ctx.state.compute, set()
        try:
            event = _event(ctx, source, cursor, prev, curr, read)
        except FQLError as err:
            event = Event("error", cursor, error=err)
        except RecursionError:
            event = Event("error", cursor, error=StackOverflow("The event nests deeper than fql can evaluate."))
        # An mva index's event reads its document's version first (core's UnresolvedDoc.resolve).
        own = _LOOKED in read or curr.key in read or _mva_valued(source.base)
        cost = Cost(ctx.state.compute - counted, len(read - {curr.key, _LOOKED}), own)
        if event is None:
            filtered.append(cost)
        elif event is not _UNSEEN:
            out.append(evolve(event, cost=cost))
        resume = closes
        failed = bool(out) and out[-1].type == "error"
        full = len(out) >= limit or (deadline is not None and time.monotonic() > deadline)
        if failed or (full and closes is not False):
            # Core's page has more while its index holds rows after the last one read (Feed.collectEvents:
            # events a step or a watched field drops among them): `changes` leaves out those writing none.
            return Polled(out, next(pending, None) is not None, tuple(filtered), None if failed else resume)
    return Polled(out, False, tuple(filtered), resume)


def _live_order(
    ctx: Context,
    base: Base,
    pending: t.Iterator[tuple[Cursor, Version | None, Version]],
    after: Cursor,
    live_after: int,
) -> t.Iterator[tuple[Cursor, Version | None, Version, Cursor | bool | None]]:
    """`pending` (in replay order), each transaction after `live_after` put in the order core's live
    stream sends it, with cursors numbered in that order; each change comes with the cursor a read
    stopping after it resumes from (the transaction's end, at its last change), False inside a live
    transaction (no read stops there) or None (a replayed one's: its own cursor).

    Core's live stream reads a transaction's writes to the source's index rows sorted by value (the
    rows' values, then document id: EventTranslator sorts them with IndexValue.ByValueOrdering) and
    sends each document's event where its first row stands (StreamValue.reduceIndexRows); `all()`'s
    rows (the changes-by-collection index) hold a document's time, so its updates and removals come
    by the time of the version they replace, then its creates by id. A replay reads the index's
    history instead, ordered by action and document id (`_rank`)."""
    group: list[tuple[Cursor, Version | None, Version]] = []
    for change in [*pending, None]:
        if group and (change is None or change[0].ts != group[0][0].ts):
            ts = group[0][0].ts
            group.sort(key=lambda c: _live_key(ctx, base, c[1], c[2]))
            # A read resumes after a whole live transaction; one begun after a cursor inside it numbers on.
            first = after.ord + 1 if after.ts == ts else 0
            for n, (_, prev, curr) in enumerate(group):
                last = n == len(group) - 1
                yield Cursor(ts, first + n), prev, curr, Cursor(ts, MAX_ORD) if last else False
            group = []
        if change is None:
            return
        if change[0].ts > live_after:
            group.append(change)
        else:
            yield (*change, None)


def _live_key(ctx: Context, base: Base, prev: Version | None, curr: Version) -> tuple:
    """The first of the index rows a change writes (takes away or puts in), as core's live stream sorts
    them; () for a change that writes none (it sends no event) or whose rows fql cannot compute (its
    event reports why)."""
    rows = _rows(ctx, base, prev, curr)
    written = rows[0] ^ rows[1] if rows is not None else set()
    if not written:
        return ()
    # An index entry's sort key ends with its document; `all()`'s rows are a time, then the document.
    return (min(written),) if isinstance(base, IndexRows) else (min(written), id_key(curr.key.id))


def _rows(ctx: Context, base: Base, prev: Version | None, curr: Version) -> tuple[set, set] | None:
    """The base's rows of the document before and after the new version `curr` (the same: the source
    never sees it); None when fql cannot compute them (the event reports why)."""
    prev, now = _live(prev), _live(curr)
    counted = ctx.state.compute
    try:
        before = set(base.rows(ctx, prev) or ()) if prev is not None else set()
        after = set(base.rows(ctx, now) or ()) if now is not None else set()
    except FQLError:
        return None
    finally:
        ctx.state.compute = counted  # the event counts its own
    return before, after


def _rank(ctx: Context, base: Base, prev: Version | None, curr: Version) -> int | None:
    """Where the new version `curr` stands in its transaction's replay: 0 if it takes one of the base's
    rows away (an update or a removal), 1 if it only puts rows in, None if it writes none (an index
    source's document under other terms, or a change of a field the index does not hold: core's source
    has no row of it, so it neither sends an event nor takes an ordinal, nor makes a feed page's
    `has_next`). Core replays a transaction's changes to a set from its index's history, which holds the
    rows taken away before those added (EventReplayer over the HistoricalIndex, Remove before Add, each
    by document id), and sends each document's event where its first row stands."""
    rows = _rows(ctx, base, prev, curr)
    if rows is None:
        return 1  # the event itself reports why fql could not compute its rows
    before, after = rows
    if before == after:
        return None
    return 0 if before - after else 1


def min_valid_time(ctx: Context, base: Base) -> int:
    """The oldest time (µs) whose events `base` can still replay: core's minimum valid time of its
    collections (fql/eval/refs.py)."""
    if isinstance(base, Documents):
        scope, colls = base.scope, (base.coll,)
    elif isinstance(base, IndexRows):
        scope, colls = base.index.key.scope, base.index.sources
    else:
        scope, colls = base.key.scope, (base.key.coll,)
    return max((collection_mvt(ctx, scope, coll) for coll in colls), default=0)


def _last(versions: list[Version]) -> Version | None:
    return versions[-1] if versions else None


def _live(version: Version | None) -> Version | None:
    return version if version is not None and version.data is not None else None


#: What `_event` gives for a version that changed nothing the base holds (core's source never sees it).
_UNSEEN: t.Any = object()


def _event(
    ctx: Context, source: Source, cursor: Cursor, prev: Version | None, curr: Version, read: set[DocKey]
) -> Event | None:
    """The event of one new version: from the document's place in the base before and after, then the
    steps; None when a step, a watched field or a read predicate drops it (a filtered event). The
    documents the steps read go in `read`."""
    prev, now = _live(prev), _live(curr)
    covered = _covered(source.base)
    before = source.base.rows(ctx, prev) if prev is not None else None
    after = source.base.rows(ctx, now) if now is not None else None
    if before == after:
        return _UNSEEN
    if _mva_valued(source.base):
        # Core cannot pair an mva index's rows (StreamValue.reduceIndexRows), so it reads the document's
        # version instead (UnresolvedDoc) and takes the event from that alone: its rows having changed,
        # a document that was and still is is updated, even into or out of the set.
        before = before if prev is None else (prev.ts,)
        after = after if now is None else (now.ts,)
    if source.watched and not _watched(ctx, source.watched, prev, now if after is not None else None):
        return None
    # Core checks each side of an event at its own time: the new version at the event's, the old one just
    # before it (a read predicate sees the document as it was then).
    if after is None:
        old = _value(ctx, source.steps, prev, cursor.ts - 1, read, covered)
        return None if old is _NONE else Event("remove", cursor, old)
    new = _value(ctx, source.steps, now, cursor.ts, read, covered)
    old = _value(ctx, source.steps, prev, cursor.ts - 1, read, covered) if before is not None else _NONE
    if new is _NONE:
        return None if old is _NONE else Event("remove", cursor, old)
    return Event("add" if old is _NONE else "update", cursor, new)


def _value(
    ctx: Context, steps: tuple, version: Version, at: int, read: set[DocKey], covered: frozenset[str] = frozenset()
) -> t.Any:
    """The document at `version` through the steps, evaluated in the database as it was at `at`; _NONE
    when a step drops it or the caller could not read it then."""
    with as_of(ctx, at, read):
        if not access.allowed(ctx, "read", version.key, (ref_of(ctx, version.key),)):
            return _NONE
        doc = to_document(ctx, version)
        doc.pending = _Look(read, covered)
        items: t.Iterator[t.Any] = iter([doc])
        for step in steps:
            items = step(ctx, items)
        with steps_limit(STEPS_LIMIT):
            value = next(iter(items), _NONE)
        if value is not _NONE:
            value = materialize(ctx, value)
        if doc.pending is not None and _holds(value, doc):
            read.add(_LOOKED)  # shown whole
        doc.pending = None
        return value


#: Marks, among the documents an event read, that it looked inside its own.
_LOOKED: t.Any = object()


class _Look:
    """An event's document's `pending`: looking inside it marks it read, but for the fields `covered`,
    which the source's index holds (core's partial document)."""

    __slots__ = ("read", "covered")

    def __init__(self, read: set, covered: frozenset[str]):
        self.read, self.covered = read, covered

    def __call__(self) -> None:
        self.read.add(_LOOKED)


def _mva_valued(base: Base) -> bool:
    """Whether an index source's values (not its terms) fan out arrays (core's `hasMVAValue`)."""
    return isinstance(base, IndexRows) and any(f.mva for f in base.index.values)


def _covered(base: Base) -> frozenset[str]:
    """The top-level data fields an index source's entries hold as they are (not an mva's elements)."""
    if not isinstance(base, IndexRows):
        return frozenset()
    fields = (*base.index.terms, *base.index.values)
    return frozenset(
        f.path[1] for f in fields
        if f.binding is None and not f.mva and f.path is not None and len(f.path) == 2 and f.path[0] == "data"
    )  # fmt: skip


def _holds(value: t.Any, doc: Document, depth: int = 0) -> bool:
    """Whether `value` is `doc` or an array or object holding it."""
    if value is doc:
        return True
    if depth > 32:
        return False
    if isinstance(value, dict):
        return any(_holds(v, doc, depth + 1) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_holds(v, doc, depth + 1) for v in value)
    return False


@contextlib.contextmanager
def as_of(ctx: Context, ts: int, read: set[DocKey] | None = None) -> t.Iterator[None]:
    """Evaluate in the database as it was at `ts`: core's system valid time, which is the present of the
    evaluation (unlike `at (ts) { ... }`, nothing read then is a read of the past). The user documents
    read meanwhile go in `read`."""

    def entries(index: IndexKey, terms: bytes, lo: bytes | None, hi: bytes | None, reverse: bool) -> list[Entry]:
        definition = _index_definition(ctx, index)
        return indexes.entries_at(ctx, definition, terms, ts, lo=lo, hi=hi, reverse=reverse)

    state = ctx.state
    before = state.txn
    state.txn = AsOf(before, ts, entries, read)
    try:
        yield
    finally:
        state.txn = before


def _index_definition(ctx: Context, key: IndexKey) -> indexes.IndexDef:
    """The definition of the index whose entries are stored under `key`: a v10 collection's index
    (`#Coll.name`) or unique constraint (`#Coll#unique0`), fql's own by-instance ones, or a v4 index."""
    if key.name.startswith("#"):
        internal = {name: coll for coll, name in indexes.INTERNAL_BY_INSTANCE.items()}
        coll = internal.get(key.name) or key.name[1:].replace("#", ".").split(".")[0]
        found = next((d for d in indexes.for_collection(ctx, key.scope, coll) if d.key == key), None)
    else:
        version = live(ctx, DocKey(key.scope, "#indexes", key.name))
        found = indexes.from_version(ctx, version) if version is not None else None
    if found is None:
        # The index was read a moment ago, at this same time: only a bug in fql gets here.
        raise QueryRuntimeError("internal_error", f"The index `{key.name}` is not defined at this time.")
    return found


class AsOf(Transaction):
    """A read-only view of a transaction's snapshot as it was at `ts` (writes go to `txn`, which refuses
    them in a stream). Index entries of the past are recomputed from the documents as they were then."""

    def __init__(
        self, txn: Transaction, ts: int, entries: t.Callable[..., list[Entry]], read: set[DocKey] | None = None
    ):
        #: entries(index, terms, lo, hi, reverse): an index's entries at `ts`.
        self._txn, self._entries, self.ts = txn, entries, ts
        #: The user documents read (schema and fql's bookkeeping aside), where the caller counts them.
        self.read = read

    @property
    def horizon(self) -> int:
        return self.ts

    @property
    def conflict(self) -> t.Any:  # type: ignore[override] - the store's own flag, read through
        return self._txn.conflict

    def get(self, key: DocKey) -> Version | None:
        if self.read is not None and not key.coll.startswith("#"):
            self.read.add(key)
        newest = self._txn.get(key)
        return newest if newest is None or newest.ts <= self.ts else _last(self.history(key))

    def history(self, key: DocKey) -> list[Version]:
        return [v for v in self._txn.history(key) if v.ts <= self.ts]

    def scan(self, scope: str, coll: str, *, lo: bytes | None = None, reverse: bool = False) -> t.Iterator[Version]:
        for newest in self._txn.scan(scope, coll, lo=lo, reverse=reverse):
            version = newest if newest.ts <= self.ts else _last(self.history(newest.key))
            if version is not None:
                yield version

    def index_scan(
        self, index: IndexKey, terms: bytes, *, lo: bytes | None = None, hi: bytes | None = None, reverse: bool = False
    ) -> t.Iterator[Entry]:
        return iter(self._entries(index, terms, lo, hi, reverse))

    def next_id(self) -> int:
        return self._txn.next_id()

    def put(self, version: Version) -> None:
        self._txn.put(version)

    def insert_version(self, version: Version) -> None:
        self._txn.insert_version(version)

    def remove_version(self, key: DocKey, ts: int) -> None:
        self._txn.remove_version(key, ts)

    def index_put(self, index: IndexKey, terms: bytes, entry: Entry) -> None:
        self._txn.index_put(index, terms, entry)

    def index_remove(self, index: IndexKey, terms: bytes, sort: bytes) -> None:
        self._txn.index_remove(index, terms, sort)

    def index_drop(self, index: IndexKey) -> None:
        self._txn.index_drop(index)

    def commit(self) -> None:
        raise NotImplementedError("a view of the past is never committed")

    def rollback(self) -> None:
        pass


def _watched(ctx: Context, paths: tuple, prev: Version | None, now: Version | None) -> bool:
    """Core's EventFilter: a removal keeps its event when the old document has every watched field; an
    add or update when some watched field changed."""
    old = to_document(ctx, prev) if prev is not None else None
    if now is None:
        return all(_extract(ctx, old, p) is not None for p in paths)
    new = to_document(ctx, now)
    return any(not _same(to_stored(_extract(ctx, new, p)), to_stored(_extract(ctx, old, p))) for p in paths)


def _same(a: t.Any, b: t.Any) -> bool:
    """Whether two stored values are equal as core's Value.equals has them (EventFilter compares a watched
    field's values so): numbers by value whatever their type (1 is 1.0, a Long against a Double as
    Doubles, NaN is not NaN), arrays and objects element by element; other values as they are stored."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        # A Long against a Double compares as two Doubles (Scala's numeric widening).
        return float(a) == float(b) if isinstance(a, float) or isinstance(b, float) else a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(v, b[k]) for k, v in a.items())
    return _key(a) == _key(b)


def _extract(ctx: Context, doc: Document | None, path: tuple) -> t.Any:
    if doc is None or not isinstance(path[0], str):
        return None
    value = document_field(ctx, doc, path[0])
    for step in path[1:]:
        if isinstance(value, dict) and isinstance(step, str):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
            value = value[step]
        elif isinstance(value, (Document, NullDocument, Ref)) and isinstance(step, str):
            value = _ref_field(value if isinstance(value, Ref) else value.ref, step)
        else:
            return None
    return value


def _ref_field(ref: Ref, name: str) -> t.Any:
    """A field of a referenced document that a watched path may reach without reading it (core's
    ReadBroker.extractValue: only its reference's `id`, `coll` and a schema document's `name`)."""
    if name == "id":
        return ref.id
    if name == "coll":
        return ref.collection
    if name == "name" and ref.is_schema:
        return ref.id
    return None


def _key(value: t.Any) -> bytes:
    try:
        return encode(to_stored(value))
    except (TypeError, ValueError):
        # Values that are never stored (a module, a function) compare by how they print.
        return repr(value).encode()
