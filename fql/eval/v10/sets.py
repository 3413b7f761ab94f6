"""v10 sets: lazy, ordered streams (collection and index reads, where, map, order, take...) and paging.

A set in a query result becomes its first page (16 elements by default) with an `after` cursor;
`Set.paginate(cursor)` continues it. A cursor holds its set (cursors.py); one of a set no cursor can
carry names an entry in the table of the Database that made it, for as long as it runs.
"""

from __future__ import annotations

import collections
import contextlib
import copy
import contextvars
import functools
import itertools
import secrets as _random
import struct
import threading
import typing as t

from ...collation import encode
from ...errors import FQLError, QueryRuntimeError
from ...scala import case_class_hash, indexed_seq_hash, java_hash
from ...values import ID, Document, Lambda, NullDocument, Page, Ref, SetCursor, SetRef
from .. import sets as core_sets
from ..evaluator import Context, null_because
from ..registry import method, static
from . import documents, fields, hints, past
from .expressions import call_function, deref
from .misc import ABSENT

#: A set's page size unless `pageSize(n)` says otherwise, and the largest allowed.
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 16, 16000
#: How many elements a `where` judges at once at first, and how much more each time after (core's
#: ValueSet.MinimumElementsForFiltering and ScaleFactor).
FILTER_PAGE, FILTER_SCALE = 16, 4
#: A `take` of fewer elements than this bounds the set it takes them from (core's IndexSetHintLimit).
HINT_LIMIT = 100


class V10Set:
    """A lazy set: `elements(ctx)` streams it in order."""

    page_size = DEFAULT_PAGE_SIZE
    #: Reading it whole reads an index without bound (core's shouldIncludePerformanceHints): a collection's
    #: or an index's documents, and sets made from one.
    index_sourced = False
    #: The valid time (µs) the set was made at inside `at` (core's validTime), or None: a collection or
    #: index read keeps it (or reads at the valid time of whoever reads the set), and `where`, `map` and
    #: `flatMap` call their function at it (None: the query's own time).
    valid_ts: int | None = None
    #: How a set made by a set function was made, for its cursors: the function's name (`"map"`), the
    #: valid time it was made at, and its arguments (the set it was called on first).
    spec: tuple | None = None

    def elements(self, ctx: Context) -> t.Iterator[t.Any]:
        raise NotImplementedError

    def walk(self, ctx: Context, at: t.Any) -> t.Iterator[tuple[t.Any, t.Any]]:
        """The elements from position `at` on (None: from the first), each with its own position (JSON
        data): a cursor holding it resumes at that element, as core's page tokens do. This one counts
        elements from the first, so resuming reads the set again up to there: the sets that can seek say
        how (a collection's by document id, an index's by entry, an array's by index, and those made from
        them pass their source's position through)."""
        start = 0 if at is None else at
        if type(start) is not int or start < 0:
            raise ValueError(at)
        return zip(itertools.islice(self.elements(ctx), start, None), itertools.count(start))

    def continues_after(self, position: t.Any) -> t.Any:
        """Where the set goes on past the element at `position` when no element follows it, or None: core's
        concatenation answers its last set's cursor when its first runs out exactly at a page's end, even if
        the last is empty."""
        return None

    def recheck(self, ctx: Context) -> None:
        """The permission checks that making the set passed, again for the reader of a cursor of it (core
        decodes a cursor into the expression that made its set, and runs it as the reader)."""

    def __repr__(self) -> str:
        return f"[set {type(self).__name__}]"


class DocumentsSet(V10Set):
    """`Coll.all()`: the collection's documents in id order (`all({ from, to })`: ids in that range)."""

    index_sourced = True

    def __init__(self, ctx: Context, coll: Ref, start: t.Any = None, stop: t.Any = None):
        self.coll = coll
        self.start = start
        self.stop = stop
        self.valid_ts = past.user_ts(ctx)

    def elements(self, ctx: Context) -> t.Iterator[t.Any]:
        return (doc for doc, _ in self.walk(ctx, None))

    def walk(self, ctx: Context, at: t.Any) -> t.Iterator[tuple[t.Any, t.Any]]:
        # A position is a document's key in the collection (by id): read on from there, as core's
        # collection index seeks to the cursor's document.
        start = None if at is None else bytes.fromhex(at)
        return kept_time(ctx, self, lambda c: self._documents(c, start))

    def recheck(self, ctx: Context) -> None:
        # Read again by `Set.paginate`: core evaluates `Coll.all()` again, whose read the reader's limit
        # may refuse (FQL2PureSpec `Set.paginate()`).
        fields.check_rebuilt_read(ctx, "all")

    def _key(self) -> tuple:
        return (self.coll, repr(self.start), repr(self.stop), self.valid_ts, self.page_size)

    def __eq__(self, other: object) -> bool:
        # Two reads of a collection are the same set (core compares sets by what they read).
        return isinstance(other, DocumentsSet) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _documents(self, ctx: Context, start: bytes | None) -> t.Iterator[tuple[t.Any, str]]:
        from .documents import to_stored

        # Made inside `at`, its documents are filtered by history_read, not read (core's IndexSet.maybeFilter).
        source = SetRef.of(documents=self.coll, read_action="read" if self.valid_ts is None else "history_read")
        if self.start is not None or self.stop is not None:
            bound = lambda v: [] if v is None else [to_stored(v)]  # noqa: E731
            source = SetRef((("range", source), ("from", bound(self.start)), ("to", bound(self.stop))))
        refs = ((ref, key.hex()) for key, _, ref in core_sets.scan(ctx, source, lo=start))
        return placed_documents(ctx, self, refs)


def kept_time(ctx: Context, s: V10Set, read: t.Callable[[Context], t.Iterable[t.Any]]) -> t.Iterator[t.Any]:
    """A collection or index set's elements: read at the time it was made at inside `at`, else at the
    valid time of whoever reads it."""
    if s.valid_ts is None:
        return iter(read(ctx))
    return past.stepped(ctx, s.valid_ts, lambda: read(ctx))


def placed_documents(
    ctx: Context, s: V10Set, refs: t.Iterable[tuple[Ref, t.Any]], covered: frozenset[str] = frozenset()
) -> t.Iterator[tuple]:
    """The documents of a collection or index set's refs (each with its position), read at the valid
    time. One the caller may not read (a `read` predicate that says no, or no `history_read` in the past)
    is left out, as core filters a set's elements by read permission. The fields `covered` (an index's
    terms and values) are read from the index, so looking at them bills no read of the document."""
    from .documents import read

    stamped = s.valid_ts is not None
    defer = getattr(ctx.state.txn, "defer", None)
    for ref, at in refs:
        doc = read(ctx, ref, stamped=stamped) if defer is None else _deferred_read(ctx, ref, stamped, defer, covered)
        if isinstance(doc, NullDocument) and doc.cause == "permission denied":
            continue
        yield doc, at


def _deferred_read(
    ctx: Context, ref: Ref, stamped: bool, defer: t.Callable[[], t.Any], covered: frozenset[str] = frozenset()
) -> t.Any:
    """A set's document read under a Meter: core's set holds the documents' references, so a document's
    read is billed when the query or its answer first looks inside it (a projection of `.id` reads none),
    or of an index's, a field its entries do not cover."""
    from .documents import read

    return held_back(defer, lambda: read(ctx, ref, stamped=stamped), covered)


def held_back(defer: t.Callable[[], t.Any], get: t.Callable[[], t.Any], covered: frozenset[str] = frozenset()) -> t.Any:
    """`get()`, its document reads billed when the query first looks inside the document it gives (past
    the fields `covered`)."""
    with defer() as held:
        doc = get()
    if held.held:
        if isinstance(doc, Document):
            doc.pending = documents.CoveredRead(held.bill, covered) if covered else held.bill
        else:
            # Missing, or read for a role's predicate that said no: read all the same.
            held.bill()
    return doc


class CoreSet(V10Set):
    """A v4 set (an index match) whose refs are read as documents, or whose values pass through."""

    index_sourced = True

    def __init__(self, setref: SetRef, docs: bool):
        self.setref = setref
        self.docs = docs

    def elements(self, ctx: Context) -> t.Iterator[t.Any]:
        return (element for element, _ in self.walk(ctx, None))

    def walk(self, ctx: Context, at: t.Any) -> t.Iterator[tuple[t.Any, t.Any]]:
        from .documents import read

        # A position is an element's key, as a v4 page's `after` is.
        start = None if at is None else bytes.fromhex(at)
        for key, _, element in core_sets.scan(ctx, core_sets.as_set(self.setref), lo=start):
            yield read(ctx, element) if self.docs and isinstance(element, Ref) else element, key.hex()


class ArraySet(V10Set):
    """`[...].toSet()`, `Set.single(v)`, `Set.sequence(a, b)`."""

    #: Made by `Set.single(v)` (core's SingletonSet, which streams as its document).
    single = False

    def __init__(self, items: t.Iterable[t.Any]):
        self.items = items

    def elements(self, ctx: Context) -> t.Iterator[t.Any]:
        if ctx.state.deadline is None:
            return iter(self.items)
        return _within_deadline(ctx, self.items)

    def walk(self, ctx: Context, at: t.Any) -> t.Iterator[tuple[t.Any, t.Any]]:
        items = self.items
        if type(items) not in (list, range):
            return super().walk(ctx, at)
        # A position is an index: an array or a sequence reads on from there (core's ArraySet, SequenceSet).
        start = 0 if at is None else at
        if type(start) is not int or start < 0:
            raise ValueError(at)
        rest = range(start, len(items))
        found = map(items.__getitem__, rest)
        return zip(found if ctx.state.deadline is None else _within_deadline(ctx, found), rest)


def _within_deadline(ctx: Context, items: t.Iterable[t.Any]) -> t.Iterator[t.Any]:
    """`items`, checking the query's time limit every 1024 of them: `Set.sequence(0, 1000000000).count()`
    calls nothing else that would (the server's time limits, not a hang)."""
    for i, item in enumerate(items):
        if not i & 1023:
            ctx.state.check_deadline()
        yield item


#: How a derived set reads on from a position: (ctx, position or None) -> its (element, position) pairs.
Walk = t.Callable[[Context, t.Any], t.Iterator[tuple[t.Any, t.Any]]]


class Derived(V10Set):
    """A set computed from another by a Python function of (ctx, source elements); `walk`, where given,
    reads it from a position (V10Set.walk), else it is read again from the first element."""

    def __init__(
        self,
        source: V10Set,
        fn: t.Callable[[Context, t.Iterator[t.Any]], t.Iterator[t.Any]],
        walk: Walk | None = None,
    ):
        self.source = source
        self.fn = fn
        self._walk = walk
        self.page_size = source.page_size
        #: `take(n)`'s n, and `concat`'s other set, for `index_sourced`.
        self.limit: int | None = None
        self.tail: V10Set | None = None
        #: V10Set.continues_after, for sets that pass their source's positions through or concatenate.
        self.continues: t.Callable[[t.Any], t.Any] | None = None

    @property
    def index_sourced(self) -> bool:  # type: ignore[override]
        # Core's: a take of fewer than 100 elements is bounded, whatever it takes them from.
        if self.limit is not None and self.limit < HINT_LIMIT:
            return False
        return self.source.index_sourced or (self.tail is not None and self.tail.index_sourced)

    def elements(self, ctx: Context) -> t.Iterator[t.Any]:
        return self.fn(ctx, self.source.elements(ctx))

    def walk(self, ctx: Context, at: t.Any) -> t.Iterator[tuple[t.Any, t.Any]]:
        if self._walk is None:
            return super().walk(ctx, at)
        return self._walk(ctx, at)

    def continues_after(self, position: t.Any) -> t.Any:
        return None if self.continues is None else self.continues(position)

    def recheck(self, ctx: Context) -> None:
        self.source.recheck(ctx)
        if self.tail is not None:
            self.tail.recheck(ctx)


#: The effect limit the set functions called now run under: core's "set functions", but for the `where`
#: and `map` steps of an event source, which its events call under their stream's limit (`steps_limit`).
_LIMIT = contextvars.ContextVar("set_function_limit", default="set functions")


@contextlib.contextmanager
def steps_limit(what: str) -> t.Iterator[None]:
    """Call the set functions called here under the effect limit `what`; those they call in turn keep
    "set functions" (core's EventTransformer applies a source's functions itself, with the stream's limit,
    where a set's own pagination applies ValueSet.disallowWrites)."""
    token = _LIMIT.set(what)
    try:
        yield
    finally:
        _LIMIT.reset(token)


def pure_call(ctx: Context, made_at: int | None, fn: t.Callable, *args: t.Any, where: tuple | None = None) -> t.Any:
    """A set's function on one element: it may read but not write (core's set functions run with a read
    effect limit: `` `create` performs a write, which is not allowed in set functions.``). `where` is
    where the function was given (`made_in(ctx)`)."""
    from .fields import limited

    try:
        with limited(ctx, _LIMIT.get(), reads=True), steps_limit("set functions"), in_making_source(ctx, where):
            return past.call_at(ctx, made_at, fn, *args)
    except FQLError as err:
        if where is not None:
            _trace(ctx, err, where)
        raise


@contextlib.contextmanager
def in_making_source(ctx: Context, where: tuple | None) -> t.Iterator[None]:
    """A set function given inside a user function and run after it returned runs in that function's
    source: what it logs and the nulls it makes are placed there (QueryState.log_source)."""
    stack = where[0] if where is not None else ()
    state = ctx.state
    if not stack or any(frame is stack[-1] for frame in state.udf_stack):
        yield
        return
    name, source, _ = stack[-1]
    before, state.log_source = state.log_source, (f"udf:{name}", source, len(state.udf_stack))
    try:
        yield
    finally:
        state.log_source = before


def made_in(ctx: Context) -> tuple:
    """Where a set's function is being given: the user functions running (innermost last; none in the
    query itself) and the call that gives it."""
    return (tuple(ctx.state.udf_stack), ctx.state.call_node)


def _trace(ctx: Context, err: FQLError, where: tuple) -> None:
    """The trace of an error of a set function, as core keeps the stack of the set's making: the call
    that gave the function becomes a frame. Run after the user function that made the set returned (the
    query answers the set), the trace goes on through the function's source and each function's call in
    its caller."""
    from .expressions import op_span

    stack, node = where
    given = op_span(node) if node is not None else None
    if err.span is None or err.framed() or given is None:
        return  # framed already
    running = ctx.state.udf_stack
    if (running[-1] if running else None) is (stack[-1] if stack else None):
        # Run where it was made (the same function, or the query): the giving call is a frame here.
        err.frames.append((None, None, err.span))
        err.span = given
        return
    if not stack or any(frame is stack[-1] for frame in running):
        return  # run inside another function: the set's making is not traced there
    name, source, _ = stack[-1]
    err.frames.append((None, None, err.span))
    err.span = given
    err.in_source(f"udf:{name}", source)
    for (caller, text, _), (_, _, call) in zip(reversed(stack[:-1]), reversed(stack[1:])):
        if call is not None and op_span(call) is not None:
            err.frames.append((f"udf:{caller}", text, op_span(call)))
    err.span = op_span(stack[0][2]) if stack[0][2] is not None else None


def WhereSet(ctx: Context, source: V10Set, predicate: t.Any, name: str = "predicate") -> V10Set:  # noqa: N802
    """A set constructor; `name` is the parameter a type error names (a collection's `where` calls it `pred`)."""
    from .misc import callback

    # Checked before any element is read, as core checks its arguments (an empty set too).
    given, predicate = predicate, callback(predicate, name, 1, "pred")
    made_at, where = past.user_ts(ctx), made_in(ctx)

    def kept(ctx: Context, item: t.Any) -> bool:
        verdict = pure_call(ctx, made_at, call_function, ctx, predicate, [item], where=where)
        if verdict is not True and verdict is not False and verdict is not None:
            from .expressions import op_span
            from .misc import value_type

            # Core's WhereFilterSet.evalPredicate: InvalidType(Boolean) at the call that made the set.
            raise QueryRuntimeError(
                "type_mismatch", f"expected type: Boolean, received {value_type(verdict)}", span=op_span(where[1])
            )
        return verdict is True

    def keep(ctx: Context, items: t.Iterator[t.Any]) -> t.Iterator[t.Any]:
        return (item for item, _ in walked(ctx, zip(items, itertools.repeat(None))))

    def walk(ctx: Context, at: t.Any) -> t.Iterator[tuple[t.Any, t.Any]]:
        # An element's position is its source element's (core's WhereFilterSet pages its source).
        return walked(ctx, source.walk(ctx, at))

    def walked(ctx: Context, pairs: t.Iterator[tuple[t.Any, t.Any]]) -> Judged:
        return Judged(pairs, lambda item: kept(ctx, item))

    out = made(ctx, Derived(source, keep, walk), "where", source, given)
    out.valid_ts = made_at
    return out


#: `Judged.resume`'s answer when the next element must be read to know whether one follows.
UNKNOWN = object()


class Judged:
    """A `where`'s elements with their positions. Core's WhereFilterSet judges its source a page at a
    time, 16 elements and then four times as many each page until it has what it was asked for: a page
    judges its whole source page first, so an element after the ones wanted can fail it (`firstWhere`,
    `first()` of a `where`), and a page that its last source page filled exactly goes on where its
    source does, whether or not more elements pass (`resume`)."""

    def __init__(self, pairs: t.Iterator[tuple[t.Any, t.Any]], kept: t.Callable[[t.Any], bool]):
        self._pairs = pairs
        self._kept = kept
        self._size = FILTER_PAGE
        self._judged: collections.deque = collections.deque()
        self._ahead: list = []

    def __iter__(self) -> Judged:
        return self

    def ask(self, count: int) -> None:
        """A page of `count` elements is wanted: the first source page is at least that long (core's
        filter starts at `count max MinimumElementsForFiltering`)."""
        if not self._judged and not self._ahead:
            self._size = min(max(count, self._size), MAX_ELEMENTS)

    def __next__(self) -> tuple[t.Any, t.Any]:
        while not self._judged:
            chunk = self._ahead + list(itertools.islice(self._pairs, self._size - len(self._ahead)))
            self._ahead = []
            if not chunk:
                raise StopIteration
            self._judged.extend(pair for pair in chunk if self._kept(pair[0]))
            self._size = min(self._size * FILTER_SCALE, MAX_ELEMENTS)
        return self._judged.popleft()

    def resume(self) -> t.Any:
        """Where a page that ends here goes on without judging more: the next element judged already
        (UNKNOWN: read it), else the position of the source's next element, unjudged (core answers its
        source page's `after`), or None when the source has ended."""
        if self._judged or self._ahead:
            return UNKNOWN
        # The source's own answer first (a `map`'s does not run its function on the next element).
        going_on = self._pairs.resume() if hasattr(self._pairs, "resume") else UNKNOWN
        if going_on is not UNKNOWN:
            return going_on
        self._ahead = list(itertools.islice(self._pairs, 1))
        return self._ahead[0][1] if self._ahead else None


class Through:
    """Pairs made from another walk's one by one (a `map`). Where a page of them goes on is where the
    other walk's does: core's ProjectedSet applies its function to the elements of the page it answers,
    not to the one after."""

    def __init__(self, pairs: t.Iterator[tuple[t.Any, t.Any]], fn: t.Callable[[t.Any], t.Any]):
        self._pairs = pairs
        self._fn = fn
        self._ahead: list = []

    def __iter__(self) -> Through:
        return self

    def ask(self, count: int) -> None:
        ask = getattr(self._pairs, "ask", None)
        if ask is not None:
            ask(count)

    def __next__(self) -> tuple[t.Any, t.Any]:
        item, pos = self._ahead.pop() if self._ahead else next(self._pairs)
        return self._fn(item), pos

    def resume(self) -> t.Any:
        resume = getattr(self._pairs, "resume", None)
        if resume is not None:
            return resume()
        if not self._ahead:
            self._ahead = list(itertools.islice(self._pairs, 1))
        return self._ahead[0][1] if self._ahead else None


def mapped(ctx: Context, source: V10Set, fn: t.Callable[[Context, t.Any], t.Any]) -> V10Set:
    made_at, where = past.user_ts(ctx), made_in(ctx)

    def walk(ctx: Context, at: t.Any) -> t.Iterator[tuple[t.Any, t.Any]]:
        return Through(source.walk(ctx, at), lambda item: pure_call(ctx, made_at, fn, ctx, item, where=where))

    out = Derived(
        source, lambda ctx, items: (pure_call(ctx, made_at, fn, ctx, item, where=where) for item in items), walk
    )
    out.continues = source.continues_after
    out.valid_ts = made_at
    return out


def made(ctx: Context, out: V10Set, kind: str, *args: t.Any) -> V10Set:
    """`out`, knowing it was made by the set function `kind` with `args` at the query's valid time."""
    out.spec = (kind, past.user_ts(ctx), args)
    return out


def as_set(value: t.Any) -> V10Set:
    if isinstance(value, V10Set):
        return value
    if isinstance(value, list):
        return ArraySet(value)
    from .display import type_label

    raise QueryRuntimeError("invalid_argument", f"expected a Set, received {type_label(value)}")


def first(ctx: Context, s: V10Set) -> t.Any:
    return next(iter(s.elements(ctx)), None)


# -- paging --------------------------------------------------------------------------------------------


#: How many cursors a Database keeps: past this, the least recently used one is forgotten (and
#: `Set.paginate` of it is `invalid_cursor`), so that a long-running server that answers sets keeps a
#: bounded table, not one entry per answer for as long as it runs.
MAX_CURSORS = 10_000


class Cursors:
    """A Database's cursors of sets no cursor can carry (cursors.py): each `after` string with the set it
    continues, most recently used last."""

    def __init__(self, limit: int = MAX_CURSORS):
        self.limit = limit
        self._items: collections.OrderedDict[str, tuple] = collections.OrderedDict()
        # Queries on SQL stores run on several threads at once.
        self._lock = threading.Lock()

    def add(self, cursor: str, entry: tuple) -> None:
        with self._lock:
            self._items[cursor] = entry
            while len(self._items) > self.limit:
                self._items.popitem(last=False)

    def get(self, cursor: str) -> tuple | None:
        with self._lock:
            entry = self._items.get(cursor)
            if entry is not None:
                self._items.move_to_end(cursor)
            return entry

    def __len__(self) -> int:
        return len(self._items)


def _cursors(ctx: Context) -> Cursors:
    db = ctx.state.db
    if db is None:
        return ctx.state.cache.setdefault("cursors", Cursors())
    cursors = getattr(db, "cursors", None)
    if cursors is None:
        with _MADE:
            cursors = getattr(db, "cursors", None) or Cursors()
            db.cursors = cursors
    return cursors


_MADE = threading.Lock()


#: Where a cursor resumes its set: at a position (V10Set.walk; None for the first element), then past
#: `skip` more elements.
Resume = tuple[t.Any, int]


def page(ctx: Context, s: V10Set, size: int | None = None, at: Resume = (None, 0), snapshot: int | None = None) -> Page:
    """One page of `s` from `at`, with an `after` cursor when more follow; the cursor reads the set as
    of `snapshot` (µs; this query's time unless given)."""
    size = size or s.page_size
    position, skip = at
    pairs = s.walk(ctx, position)
    if hasattr(pairs, "ask"):
        pairs.ask(size)
    if skip:
        pairs = itertools.islice(pairs, skip, None)
    items, last = [], position
    for item, last in itertools.islice(pairs, size):
        items.append(item)
    after = _after(s, pairs, last) if len(items) == size else None
    made = cursor(ctx, s, after, size, snapshot) if after is not None else None
    return Page(items, after=made, has_after=after is not None)


def _after(s: V10Set, pairs: t.Iterator[tuple[t.Any, t.Any]], last: t.Any) -> Resume | None:
    """Where the page after a full one starts (None: no element follows), the page's last element at
    position `last`. One whose function fails is there (core pages its source and applies the set's
    functions to the page it answers): the next page starts after this page's last element, and reports
    the failure."""
    try:
        # A `where` answers without judging more where its last source page ended (Judged.resume).
        going_on = pairs.resume() if hasattr(pairs, "resume") else UNKNOWN
        if going_on is None:
            raise StopIteration
        if going_on is not UNKNOWN:
            return (going_on, 0)
        return (next(pairs)[1], 0)
    except StopIteration:
        going_on = s.continues_after(last)
        return None if going_on is None else (going_on, 0)
    except FQLError:
        return (last, 1)


def cursor(
    ctx: Context, s: V10Set, at: Resume = (None, 0), size: int | None = None, snapshot: int | None = None
) -> str:
    """A cursor of `s` resuming at `at`: Set.paginate reads it, `size` at a time, as of `snapshot`. It
    holds the set itself (cursors.py); one of a set no cursor can carry names an entry in the process's
    table."""
    from . import cursors

    entry = (s, at, size or s.page_size, ctx.state.ts if snapshot is None else snapshot)
    try:
        return cursors.encode(*entry)
    except cursors.Unserializable:
        token = _random.token_urlsafe(18)
        _cursors(ctx).add(token, entry)
        return token


def page_object(p: Page) -> dict:
    """`paginate()` results are plain objects: `{data, after?}`."""
    out: dict = {"data": p.data}
    if p.has_after:
        out["after"] = p.after
    return out


@static("Set", "paginate")
def set_paginate(ctx: Context, cursor: t.Any, size: t.Any = ABSENT) -> dict:
    """The page after `cursor` (from an earlier page's `after`)."""
    from . import cursors
    from .misc import ANY, INT, overload, value_type

    if size is ABSENT:
        size = None
    else:
        # Core's two overloads, `(cursor)` and `(cursor, size: Int)` (its cursor parameter a union, which
        # checks nothing), then the size's bounds before the cursor is read.
        cursor, size = overload("paginate", (cursor, size), (ANY, INT))
        size = _size(size)
    if isinstance(cursor, SetCursor):
        cursor = cursor.token
    if not isinstance(cursor, str):
        # Sets.scala's `paginate` names a cursor of another type as a String's.
        raise QueryRuntimeError(
            "invalid_argument", f"expected value for `cursor` of type String, received {value_type(cursor)}"
        )
    found = _cursors(ctx).get(cursor) if isinstance(cursor, str) else None
    s, at, default, snapshot = found if found is not None else cursors.decode(ctx, cursor)
    s.recheck(ctx)
    try:
        # The rest of the set as the query that made the cursor saw it, its functions too: later writes
        # do not shift its pages (core's cursors keep their transaction's time; FQL2PaginationSpec).
        with past.snapshot(ctx, snapshot):
            return page_object(page(ctx, s, size if size is not None else default, at, snapshot))
    except FQLError as err:
        # The set's functions came from the query that made it: this query points at the cursor.
        err.span = None
        err.frames.clear()
        raise
    except (TypeError, ValueError, AttributeError, KeyError, IndexError):
        if found is not None:
            raise
        # A decoded set that cannot run (a cursor put together by hand, not made by fql).
        raise cursors.invalid() from None


def _size(n: t.Any) -> int:
    """A page size: an Int (an integral Double casts, as core's TypeTag.Int), then within core's
    `checkSize` bounds."""
    from .misc import INT, arg

    size = arg(n, "size", INT)
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise QueryRuntimeError(
            "invalid_bounds", f"expected `size` to be between 1 and {MAX_PAGE_SIZE} (inclusive), received {size}"
        )
    return size


#: How many levels of sets in sets a result answers as pages; deeper ones answer as their cursors (core's
#: SetMaterializationDepth).
SET_DEPTH = 10


def materialize(ctx: Context, value: t.Any, outer: tuple = ()) -> t.Any:
    """A query result with every set in it (to depth 10) replaced by its first page, and every document
    reference outside a document read: a reference the query was given as an argument, or read from a
    document's field, answers as the document (`@doc`), or as a missing one. A document's own fields keep
    their references (`@ref`), as core's materializer leaves them.

    `outer` are the sets whose pages hold `value`: a set inside SET_DEPTH of them, or inside one made the
    same way, answers as its cursor (core's materializer), so that sets of sets without end answer too."""
    if isinstance(value, V10Set):
        if len(outer) >= SET_DEPTH or any(_same(value, s) for s in outer):
            return SetCursor(cursor(ctx, value))
        first = page(ctx, value)
        inside = (*outer, value)
        return first.evolve([materialize(ctx, v, inside) for v in first.data])
    if type(value) is Ref and value.collection is not None:
        found = fields.rendered(documents.read(ctx, value), lambda v: _set_cursors(ctx, v))
        return documents.with_deleted_refs(ctx, found)
    if ctx.state.partials:
        hints.returned(ctx, value)
    if isinstance(value, (Document, NullDocument)):
        # A document is answered with its computed fields (core's getAllFields), as of its read time; a set
        # a computed field gives answers as its cursor (core materializes only the sets outside documents).
        found = fields.rendered(deref(ctx, value), lambda v: _set_cursors(ctx, v))
        return documents.with_deleted_refs(ctx, found)
    # Arrays and objects are walked to any depth, as core's gatherReads walks them: only sets in sets count.
    if isinstance(value, list):
        return [materialize(ctx, v, outer) for v in value]
    if isinstance(value, dict):
        return {k: materialize(ctx, v, outer) for k, v in value.items()}
    return value


def _set_cursors(ctx: Context, value: t.Any) -> t.Any:
    """`value` (a field of a document answered) with each set in it replaced by its cursor, and each document
    (a computed field's) by its reference: core's materializer reads only the documents outside documents,
    and answers one inside a document it read as a reference (`cart: Order("1")`)."""
    if isinstance(value, V10Set):
        return SetCursor(cursor(ctx, value))
    if isinstance(value, (Document, NullDocument)):
        return value.ref
    if isinstance(value, list):
        return [_set_cursors(ctx, v) for v in value]
    if isinstance(value, dict):
        return {k: _set_cursors(ctx, v) for k, v in value.items()}
    return value


def _bounds(r: range) -> tuple[int, int, int]:
    return r.start, r.stop, r.step


def _same(a: V10Set, b: V10Set) -> bool:
    """Whether two sets are made the same way: of equal arrays, or by one set function (but `pageSize`,
    whose PagedSet holds the stack of its call) with the same arguments at the same valid time, their sets
    made the same way (core's sets are case classes, compared by their fields)."""
    if a is b or a == b:
        return True
    if isinstance(a, ArraySet) and isinstance(b, ArraySet):
        same_kind = type(a.items) is type(b.items) and a.single == b.single
        if same_kind and type(a.items) is range:
            # A SequenceSet is its bounds: empty sequences from different bounds differ.
            return _bounds(a.items) == _bounds(b.items)
        return same_kind and type(a.items) is list and a.items == b.items
    if isinstance(a, Derived) and isinstance(b, Derived):
        x, y = a.spec, b.spec
        if x is None or y is None or x[0] != y[0] or x[0] == "pageSize" or x[1] != y[1] or len(x[2]) != len(y[2]):
            return False
        return all(map(_same_argument, x[2], y[2]))
    return False


def _same_argument(a: t.Any, b: t.Any) -> bool:
    """Whether two arguments of set functions are equal as core's Values are: sets made the same way,
    lambdas only from one literal (core's Lambda compares its expression, positions and all) with the same
    parameters and values around, orderings (`{ desc: f }`) of equal functions, the rest by Scala's `==`."""
    from .misc import same

    if isinstance(a, V10Set) or isinstance(b, V10Set):
        return isinstance(a, V10Set) and isinstance(b, V10Set) and _same(a, b)
    if isinstance(a, Lambda) or isinstance(b, Lambda):
        if not (isinstance(a, Lambda) and isinstance(b, Lambda)):
            return False
        return a is b or (a.body is b.body and a.params == b.params and _same_closure(a.env, b.env))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_argument(v, b[k]) for k, v in a.items())
    return same(a, b)


def _same_closure(a: t.Mapping[str, t.Any], b: t.Mapping[str, t.Any]) -> bool:
    return a is b or (a.keys() == b.keys() and all(a[k] is b[k] or _same_argument(a[k], b[k]) for k in a))


def core_hash(s: V10Set) -> int | None:
    """The hash code core's set would have, where fql can know it (None elsewhere): a `Set.sequence`,
    reversed or not (SequenceSet), an array's set (ArraySet) or `Set.single` (SingletonSet) of Ints,
    Longs, Doubles, Strings, Booleans and arrays of them. Core weighs two sets against each other by their
    hash codes (ValueCmp.cmp), each a case class's MurmurHash3 (ValueSet.hashCode); a `take`, `drop`,
    `distinct`, `concat` or `reverse` of such sets too (TakeSet, DropSet, DistinctSet, ConcatSet,
    ReverseSet)."""
    spec = getattr(s, "spec", None)
    if spec is not None:
        return _made_hash(spec[0], spec[2])
    if type(s) is not ArraySet:
        return None
    items = s.items
    if type(items) is range:
        if items.step == 1:
            return case_class_hash("SequenceSet", items.start, items.stop, _FALSE)
        if items:
            return case_class_hash("SequenceSet", items.stop + 1, items.start + 1, _TRUE)
        return None
    if s.single:
        found = _value_hash(items[0])
        return None if found is None else case_class_hash("SingletonSet", found)
    found = _value_hash(list(items))
    return None if found is None else case_class_hash("ArraySet", found)


def _made_hash(kind: str, args: tuple) -> int | None:
    """core_hash of a set made by the set function `kind` of `args` (its set first)."""
    classes = {"take": "TakeSet", "drop": "DropSet", "distinct": "DistinctSet", "concat": "ConcatSet", "reverse": "ReverseSet"}
    if kind not in classes or not all(isinstance(a, V10Set) or type(a) in (int, float) for a in args):
        return None
    fields = [core_hash(a) if isinstance(a, V10Set) else int(a) for a in args]
    return None if None in fields else case_class_hash(classes[kind], *fields)


#: Java's Boolean.hashCode of false and true.
_FALSE, _TRUE = 1237, 1231


def _value_hash(value: t.Any) -> int | None:
    """Value.hashCode of a value fql knows it of: an Int is itself, a Long, Double, String or Boolean
    hashes as Java's boxed value does, an array as its ArraySeq (None for anything else)."""
    from ...values import is_long

    if type(value) is bool:
        return _TRUE if value else _FALSE
    if type(value) is str:
        return java_hash(value)
    if isinstance(value, int) and not isinstance(value, bool):
        n = value & 0xFFFFFFFFFFFFFFFF
        return (n ^ (n >> 32)) & 0xFFFFFFFF if is_long(value) else value & 0xFFFFFFFF
    if type(value) is float:
        bits = 0x7FF8000000000000 if value != value else struct.unpack(">Q", struct.pack(">d", value))[0]
        return (bits ^ (bits >> 32)) & 0xFFFFFFFF
    if type(value) is list:
        hashes = [_value_hash(v) for v in value]
        return None if None in hashes else indexed_seq_hash(hashes)
    return None


# -- Set methods ---------------------------------------------------------------------------------------


@method("Set", "pageSize")
def page_size(ctx: Context, s: V10Set, size: int) -> V10Set:
    """The same set, paged `size` elements at a time."""
    out = made(ctx, Derived(s, lambda c, items: items, s.walk), "pageSize", s, size)
    out.continues = s.continues_after
    out.page_size = _size(size)
    return out


@method("Set", "paginate")
def paginate(ctx: Context, s: V10Set, size: t.Any = ABSENT) -> dict:
    """The first page as an object `{data, after?}`."""
    from .misc import INT, overload

    if size is ABSENT:
        return page_object(page(ctx, s))
    # Core's `paginate()` and `paginate(size: Int)` are overloads: a size of another type lists them.
    (size,) = overload("paginate", (size,), (INT,))
    return page_object(page(ctx, s, _size(size)))


@method("Set", "where")
def set_where(ctx: Context, s: V10Set, predicate: t.Any) -> V10Set:
    """The elements for which `predicate` returns true."""
    return WhereSet(ctx, s, predicate)


@method("Set", "map")
def set_map(ctx: Context, s: V10Set, fn: t.Any) -> V10Set:
    """Each element passed through `fn`."""
    fn = _arity_checked(fn, "mapper", 1)
    out = made(ctx, mapped(ctx, s, lambda c, item: call_function(c, fn, [item])), "map", s, fn)
    return out


@method("Set", "flatMap")
def flat_map(ctx: Context, s: V10Set, fn: t.Any) -> V10Set:
    """Each element's set from `fn`, one after another."""
    return flat_mapped(ctx, s, _arity_checked(fn, "mapper", 1))


def flat_mapped(ctx: Context, s: V10Set, fn: t.Any, reversed_: bool = False) -> V10Set:
    """`flat_map`; `reversed_`: each element's set reversed (core's FlatMapSet.reverse reverses its outer
    set and marks itself reversed, which a second reverse leaves as it is)."""
    made_at, where = past.user_ts(ctx), made_in(ctx)

    def inner(c: Context, item: t.Any) -> V10Set:
        each = pure_call(c, made_at, call_function, c, fn, [item], where=where)
        if not isinstance(each, V10Set):
            # Core's FlatMapSet takes only sets (an array is Array.flatMap's), failing at the flatMap call.
            from .expressions import op_span
            from .misc import value_type

            raise QueryRuntimeError(
                "type_mismatch", f"expected type: Set<Any>, received {value_type(each)}", span=op_span(where[1])
            )
        return reverse(c, each) if reversed_ else each

    def expand(c: Context, items: t.Iterator[t.Any]) -> t.Iterator[t.Any]:
        for item in items:
            each = inner(c, item)
            yield from past.stepped(c, made_at, lambda: each.elements(c))

    def walk(c: Context, at: t.Any) -> FlatWalk:
        # A position is the outer element's and the inner set's (core's FlatMapSet keeps its spline's
        # cursor, and concatenates the rest to the current leaf): the outer element's set is made again.
        outer_at, inner_at = (None, None) if at is None else at
        return FlatWalk(c, made_at, s.walk(c, outer_at), lambda item: inner(c, item), inner_at)

    out = made(ctx, Derived(s, expand, walk), "flatMapReversed" if reversed_ else "flatMap", s, fn)
    out.valid_ts = made_at
    return out


class FlatWalk:
    """A `flatMap`'s elements, each with its position: its outer element's and its own in that element's
    set. A full page that ends where an element's set ends goes on at the next outer element, its set
    not made yet: core's FlatMapSet concatenates the rest of its outer set to each element's set, and a
    concatenation whose first set fills the page answers the rest's cursor (ConcatSet), so the page has
    an `after` whenever the outer set goes on, though the sets left may all be empty (`resume`)."""

    def __init__(
        self,
        ctx: Context,
        made_at: int | None,
        outer: t.Iterator[tuple[t.Any, t.Any]],
        each: t.Callable[[t.Any], V10Set],
        inner_at: t.Any,
    ):
        self._ctx = ctx
        self._made_at = made_at
        self._outer = outer
        self._each = each
        #: The current outer element's position and its set's walk (None: the next outer element's).
        self._at: t.Any = None
        self._inner: t.Iterator[tuple[t.Any, t.Any]] | None = None
        self._inner_at = inner_at

    def __iter__(self) -> FlatWalk:
        return self

    def __next__(self) -> tuple[t.Any, t.Any]:
        while True:
            if self._inner is None:
                item, self._at = next(self._outer)
                leaf, inner_at = self._each(item), self._inner_at
                self._inner_at = None
                with past.reading_at(self._ctx, self._made_at):
                    self._inner = iter(leaf.walk(self._ctx, inner_at))
            with past.reading_at(self._ctx, self._made_at):
                found = next(self._inner, None)
            if found is not None:
                return found[0], [self._at, found[1]]
            self._inner = None

    def resume(self) -> t.Any:
        """Where a page that ends here goes on (Judged.resume): in the current element's set while it goes
        on, else at the next outer element, else nowhere (None)."""
        if self._inner is not None:
            with past.reading_at(self._ctx, self._made_at):
                going_on = _resumed(self._inner)
            if going_on is not None:
                return [self._at, going_on]
            self._inner = iter(())
        going_on = _resumed(self._outer)
        return None if going_on is None else [going_on, None]


def _resumed(pairs: t.Iterator[tuple[t.Any, t.Any]]) -> t.Any:
    """The position of the element after those `pairs` gave (None: none follows), read without running
    a set function on it where the walk can say (`resume`)."""
    going_on = pairs.resume() if hasattr(pairs, "resume") else UNKNOWN
    if going_on is not UNKNOWN:
        return going_on
    ahead = next(pairs, None)
    return None if ahead is None else ahead[1]


@method("Set", "take")
def take(ctx: Context, s: V10Set, limit: t.Any) -> V10Set:
    """The first `limit` elements."""
    from .misc import INT, arg

    n = arg(limit, "limit", INT)
    if n < 0:
        raise QueryRuntimeError("invalid_bounds", f"expected `limit` to be greater than 0, received {n}")
    if n == 0:
        return ArraySet([])  # core's take(0) is an empty ArraySet (it streams as one)

    def walk(c: Context, at: t.Any) -> Relabeled:
        # A position is the source's and how many elements are left to take (core's TakeSet with the
        # limit left).
        inner_at, left = (None, n) if at is None else at
        if type(left) is not int or not 0 <= left <= n:
            raise ValueError(at)
        return Relabeled(s.walk(c, inner_at), left=left)

    out = made(ctx, Derived(s, lambda c, items: itertools.islice(items, n), walk), "take", s, limit)
    out.limit = n
    return out


class Relabeled:
    """A `take`'s or a `drop`'s walk: its source's pairs past the first `skip`, at most `left` of them,
    each position the source's (`[position]`), with the count left to take (`[position, left]`). Where
    a page of them goes on is where its source's does (`resume`), as core's TakeSet and DropSet answer
    their source page's `after`: a `where` under them need not judge on to know that a page follows."""

    def __init__(self, pairs: t.Iterator[tuple[t.Any, t.Any]], skip: int = 0, left: int | None = None):
        self._pairs = pairs
        self._skip = skip
        self._left = left

    def __iter__(self) -> Relabeled:
        return self

    def ask(self, count: int) -> None:
        # Core's DropSet asks its source for the elements it drops too, a TakeSet for no more than it takes.
        ask = getattr(self._pairs, "ask", None)
        if ask is not None:
            ask(count + self._skip if self._left is None else min(count, self._left))

    def __next__(self) -> tuple[t.Any, t.Any]:
        if self._left == 0:
            raise StopIteration
        while self._skip:
            next(self._pairs)
            self._skip -= 1
        item, pos = next(self._pairs)
        if self._left is None:
            return item, [pos]
        self._left -= 1
        return item, [pos, self._left + 1]

    def resume(self) -> t.Any:
        if self._left == 0:
            return None
        going_on = _resumed(self._pairs)
        if going_on is None:
            return None
        return [going_on] if self._left is None else [going_on, self._left]


@method("Set", "drop")
def drop(ctx: Context, s: V10Set, amount: t.Any) -> V10Set:
    """All but the first `amount` elements."""
    from .misc import INT, arg

    n = max(arg(amount, "amount", INT), 0)

    def walk(c: Context, at: t.Any) -> Relabeled:
        # Past the first page the elements are dropped: a position is the source's (core's DropSet
        # continues as its source).
        if at is None:
            return Relabeled(s.walk(c, None), skip=n)
        (inner_at,) = at
        return Relabeled(s.walk(c, inner_at))

    return made(ctx, Derived(s, lambda c, items: itertools.islice(items, n, None), walk), "drop", s, amount)


class Held:
    """A position in the elements of a set read whole (an `order`, a `distinct`, a `reverse`): the
    elements themselves and an index in them. Core's OrderedSet and DistinctSet page on as an ArraySet of
    their sorted values, so later pages read neither the source nor sort it again; fql's reverse does
    the same (core's reads a reversed index backwards, and a ReverseSet of another set whole each page).

    From a cursor, `items` is the cursor's JSON data, each element decoded by `read(ctx, data)` when the
    page reaches it: a document is read again as of the cursor's snapshot, only when on a page."""

    __slots__ = ("items", "index", "read", "data")

    def __init__(
        self,
        items: t.Sequence[t.Any],
        index: int,
        read: t.Callable[[Context, t.Any], t.Any] | None = None,
        data: t.Any = None,
    ):
        self.items = items
        self.index = index
        self.read = read
        #: From a cursor: the elements as its JSON data, for the next cursor.
        self.data = data

    def rest(self, ctx: Context) -> t.Iterator[tuple[t.Any, Held]]:
        """The elements from this one on, each with its own position."""
        items, read = self.items, self.read
        defer = getattr(ctx.state.txn, "defer", None)
        for i in range(self.index, len(items)):
            at = Held(items, i, read, self.data)
            if read is None:
                yield items[i], at
            elif defer is None:
                yield read(ctx, items[i]), at
            else:
                # A document is billed when looked inside, as one of a collection's set is.
                yield held_back(defer, lambda i=i: read(ctx, items[i])), at


def held_walk(s: V10Set, whole: t.Callable[[Context, t.Iterator[t.Any]], t.Iterable[t.Any]]) -> Walk:
    """How a set made by reading `s` whole (`whole` of its elements) reads on: from the first, `s` is
    read and the result kept in each position; from a position, on in what it keeps."""

    def walk(ctx: Context, at: t.Any) -> t.Iterator[tuple[t.Any, t.Any]]:
        if at is None:
            return Held(list(whole(ctx, s.elements(ctx))), 0).rest(ctx)
        if isinstance(at, Held):
            return at.rest(ctx)
        # A cursor from before held positions: how many elements it is past.
        if type(at) is not int or at < 0:
            raise ValueError(at)
        return zip(itertools.islice(whole(ctx, s.elements(ctx)), at, None), itertools.count(at))

    return walk


def _reversed(ctx: Context, items: t.Iterator[t.Any]) -> t.Iterator[t.Any]:
    return reversed(bounded(items))


@method("Set", "reverse")
def reverse(ctx: Context, s: V10Set) -> V10Set:
    """The set reversed as core's sets reverse themselves (ValueSet.reverse and its overrides): a collection's
    or an index's documents, an array or a sequence read backwards, whatever their size; `where`, `map`, a
    projection, `pageSize` and `distinct` made of their set reversed (a `distinct()` sorts its values up
    again: only values that sort alike, 1 and 1.0, come in the reversed set's order); a `concat` of its sets
    reversed, the last first; a `flatMap` of its set reversed, each element's set reversed (reversed
    again, only its set is); an `order` by the same orderings each the other way, its ties still in the
    order read (no orderings: the same order); a reversed set, that set; any other (`take`, `drop`,
    `Set.single`) read whole, at most 16,000 elements, and reversed."""
    spec = getattr(s, "spec", None)
    kind = spec[0] if spec is not None else None
    if kind == "distinct":
        return _distinct(ctx, reverse(ctx, spec[2][0]))
    if kind == "reverse":
        inner = spec[2][0]
        if _reverses_itself(inner):
            # Core's IndexSet.reverse sets `reversed` rather than toggling it, and swaps the range's ends: a
            # collection's or an index's set reversed twice still reads backwards (and streams as reversed),
            # from its `from` down to its `to`, which is the set with its ends swapped, reversed once.
            return reverse(ctx, _ends_swapped(inner)) if _bounded(inner) else s
        return inner
    if kind == "order":
        inner, *given = spec[2]
        with past.reading_at(ctx, spec[1]):
            return _order(ctx, inner, *map(_flipped, given))
    if kind == "concat":
        first, last = spec[2]
        return concat(ctx, reverse(ctx, last), reverse(ctx, first))
    if kind in ("flatMap", "flatMapReversed"):
        inner, fn = spec[2]
        with past.reading_at(ctx, spec[1]):
            return flat_mapped(ctx, reverse(ctx, inner), fn, reversed_=True)
    if kind in ("where", "map", "project", "pageSize"):
        from .cursors import rebuild

        inner, *args = spec[2]
        with past.reading_at(ctx, spec[1]):
            return rebuild(ctx, kind, reverse(ctx, inner), *args)
    if type(s) is ArraySet and type(s.items) in (list, range) and not s.single:
        # Core's ArraySet and SequenceSet reverse themselves, whatever their size.
        return ArraySet(s.items[::-1])
    if s.index_sourced and spec is None:
        # Read backwards, with no bound on their size (core's IndexSet reverses itself).
        return made(ctx, Derived(s, _all_reversed, held_walk(s, _all_reversed)), "reverse", s)
    return reversed_whole(ctx, s)


def _reverses_itself(s: V10Set) -> bool:
    """Whether `s` is a collection's or an index's set, which core reverses in place (IndexSet.reverse)."""
    from .collections import IndexSet

    return getattr(s, "spec", None) is None and isinstance(s, (DocumentsSet, IndexSet))


def _bounded(s: V10Set) -> bool:
    if isinstance(s, DocumentsSet):
        return s.start is not None or s.stop is not None
    return bool(s.bounds)


def _ends_swapped(s: V10Set) -> V10Set:
    """A collection's or an index's set with its `from` and `to` swapped, made at the same time."""
    out = copy.copy(s)
    if isinstance(s, DocumentsSet):
        out.start, out.stop = s.stop, s.start
    else:
        ends = {"from": s.bounds.get("to", ABSENT), "to": s.bounds.get("from", ABSENT)}
        out.bounds = {name: end for name, end in ends.items() if end is not ABSENT}
    return out


def reversed_whole(ctx: Context, s: V10Set) -> V10Set:
    """`s` read whole and reversed (core's ReverseSet: at most 16,000 elements)."""
    return made(ctx, Derived(s, _reversed, held_walk(s, _reversed)), "reverse", s)


def _all_reversed(ctx: Context, items: t.Iterator[t.Any]) -> t.Iterator[t.Any]:
    return reversed(list(items))


def _flipped(ordering: t.Any) -> t.Any:
    """An `order()` argument the other way: a function (ascending) or `{ asc: f }` is `{ desc: f }`, and
    `{ desc: f }` is `f` (core's OrderedSet.reverse flips each ordering)."""
    if isinstance(ordering, dict):
        ((way, fn),) = ordering.items()
        return fn if way == "desc" else {"desc": fn}
    return {"desc": ordering}


def _key(value: t.Any) -> t.Any:
    """What `distinct()` keeps one of (core's DistinctSet: Scala's `distinct`, by Value.equals and
    hashCode): values equal with equal Java hash codes. An ID and the string of its digits are equal but
    hash apart, as do 1 and 1.0, and 0.0 and -0.0; NaN equals nothing (a fresh key); arrays and objects
    by their members (an object's in any order)."""
    if type(value) is float:
        return object() if value != value else ("d", struct.pack(">d", value))
    if isinstance(value, ID):
        return ("id", int(value))
    if type(value) is list:
        return ("a", *map(_key, value))
    if type(value) is dict:
        return ("o", *sorted((k, _key(v)) for k, v in value.items()))
    from .documents import to_stored

    return encode(to_stored(value))


@method("Set", "distinct")
def distinct(ctx: Context, s: V10Set) -> V10Set:
    """The elements without repeats, in order: core's DistinctSet reads the whole set, sorts its values and
    drops repeats (`[32, 26].toSet().distinct()` is `[26, 32]`; the Array method keeps the order)."""
    hints.full_set_read(ctx, s, "distinct")
    return _distinct(ctx, s)


def _distinct(ctx: Context, s: V10Set) -> V10Set:
    from .misc import compare

    def unique(c: Context, items: t.Iterator[t.Any]) -> t.Iterator[t.Any]:
        seen: set[t.Any] = set()
        for item in sorted(bounded(items), key=functools.cmp_to_key(compare)):
            k = _key(item)
            if k not in seen:
                seen.add(k)
                yield item

    return made(ctx, Derived(s, unique, held_walk(s, unique)), "distinct", s)


@method("Set", "concat")
def concat(ctx: Context, s: V10Set, other: t.Any) -> V10Set:
    """This set's elements, then `other`'s."""
    from .misc import SET, arg

    tail = arg(other, "other", SET)

    def walk(c: Context, at: t.Any) -> t.Iterator[tuple[t.Any, t.Any]]:
        # A position is which side, and the position in it (core's ConcatSet, then its last set).
        side, inner_at = (0, None) if at is None else at
        if side == 0:
            yield from ((item, [0, pos]) for item, pos in s.walk(c, inner_at))
            inner_at = None
        elif side != 1:
            raise ValueError(at)
        yield from ((item, [1, pos]) for item, pos in tail.walk(c, inner_at))

    out = made(ctx, Derived(s, lambda c, items: itertools.chain(items, tail.elements(c)), walk), "concat", s, other)
    out.tail = tail

    def continues(at: t.Any) -> t.Any:
        # The first set ran out at the page's end: the next page is the last set's, empty or not.
        side, inner_at = at
        if side == 0:
            return [1, None]
        going_on = tail.continues_after(inner_at)
        return None if going_on is None else [1, going_on]

    out.continues = continues
    # Core's concatenation pages by the default size, whatever either side's `pageSize` said.
    out.page_size = DEFAULT_PAGE_SIZE
    return out


@method("Set", "order")
def order(ctx: Context, s: V10Set, *orderings: t.Any) -> V10Set:
    """The elements sorted by each ordering in turn (`asc(.x)`, `desc(.x)`, or a function for ascending)."""
    hints.full_set_read(ctx, s, "order")
    return _order(ctx, s, *orderings)


def _order(ctx: Context, s: V10Set, *orderings: t.Any) -> V10Set:
    from .misc import orderings as read_orderings, sort

    keys = read_orderings(orderings)
    where = made_in(ctx)

    def ordered(c: Context, items: t.Iterator[t.Any]) -> t.Iterator[t.Any]:
        try:
            elements = list(bounded(items))
            # Its orderings may read but not write (OrderedSet.sortElems: ValueSet.disallowWrites).
            with in_making_source(c, where), fields.limited(c, "set functions", reads=True):
                return iter(sort(c, elements, keys))
        except FQLError as err:
            if where is not None:
                _trace(c, err, where)
            raise

    return made(ctx, Derived(s, ordered, held_walk(s, ordered)), "order", s, *orderings)


@method("Set", "toArray")
def to_array(ctx: Context, s: V10Set) -> list:
    """Every element, as an array: at most 16000 of them (core's ValueSet.MaximumElements)."""
    hints.full_set_read(ctx, s, "toArray")
    out = bounded(s.elements(ctx))
    ctx.state.compute += len(out)  # core's ValueSet.toArray: a compute op per element
    return out


def bounded(items: t.Iterable[t.Any]) -> list:
    """`items` as a list, as core materializes a set (toArray, order, reverse): past 16000 elements,
    `value_too_large`, instead of building a list of any size."""
    out = list(itertools.islice(items, MAX_ELEMENTS + 1))
    if len(out) > MAX_ELEMENTS:
        raise QueryRuntimeError(
            "value_too_large", f"Value too large: exceeded maximum number of elements (limit={MAX_ELEMENTS})."
        )
    return out


#: The most elements a set turns into an array (core's ValueSet.MaximumElements).
MAX_ELEMENTS = 16_000


@method("Set", "toSet")
def to_set(ctx: Context, s: V10Set) -> V10Set:
    """The set itself."""
    return s


@method("Array", "toSet")
def array_to_set(ctx: Context, items: list) -> V10Set:
    """The array's elements as a set."""
    return ArraySet(list(items))


@method("Set", "toString")
def set_to_string(ctx: Context, s: V10Set) -> str:
    """`"[set]"`: a set is not materialized to be shown."""
    return "[set]"


@method("Set", "first")
def set_first(ctx: Context, s: V10Set) -> t.Any:
    """The first element, or null (an element that is null is itself, not the empty set's)."""
    found = first_or_missing(ctx, s)
    return found if found is not _NONE else null_because(ctx, "empty set")


@method("Set", "last")
def set_last(ctx: Context, s: V10Set) -> t.Any:
    """The first element of the set reversed (core's `last`: `reverse.first`), or null."""
    return set_first(ctx, reverse(ctx, s))


@method("Set", "firstWhere")
def set_first_where(ctx: Context, s: V10Set, predicate: t.Any) -> t.Any:
    """The first element for which `predicate` is true, or null."""
    return set_first(ctx, WhereSet(ctx, s, predicate))


@method("Set", "lastWhere")
def set_last_where(ctx: Context, s: V10Set, predicate: t.Any) -> t.Any:
    """The last element for which `predicate` is true, or null: core reads the set whole (at most 16,000
    elements), reversed as it was read, not as the set would reverse itself (`ReverseSet(set)`)."""
    return set_first_where(ctx, reversed_whole(ctx, s), predicate)


@method("Set", "count")
def count(ctx: Context, s: V10Set) -> int:
    """How many elements the set has."""
    hints.full_set_read(ctx, s, "count")
    n = sum(1 for _ in s.elements(ctx))
    ctx.state.compute += n  # a compute op per element counted (core's Set count)
    return n


@method("Set", "isEmpty")
def is_empty(ctx: Context, s: V10Set) -> bool:
    return first_or_missing(ctx, s) is _NONE


@method("Set", "nonEmpty")
def non_empty(ctx: Context, s: V10Set) -> bool:
    return first_or_missing(ctx, s) is not _NONE


_NONE = object()


def first_or_missing(ctx: Context, s: V10Set) -> t.Any:
    return next(iter(s.elements(ctx)), _NONE)


@method("Set", "includes")
def includes(ctx: Context, s: V10Set, value: t.Any) -> bool:
    """True if some element is `value` (core's ValueSet.includes: Value.equals, as Array's includes)."""
    from .misc import same_as

    hints.full_set_read(ctx, s, "includes")
    return any(map(same_as(ctx, value), _paged(ctx, s)))


def _arity_checked(fn: t.Any, name: str, count: int, arity_name: str | None = None) -> t.Any:
    """A set function's function argument, checked as core's SetPrototype checks it before using it: its
    type (parameter `name`), then its arity (`arity_name`: core's `forEach` says `func`)."""
    from .misc import callback

    return callback(fn, name, count, arity_name)


@method("Set", "fold")
def fold(ctx: Context, s: V10Set, seed: t.Any, fn: t.Any) -> t.Any:
    """Combine the elements from the left, starting with `seed`: `fn(acc, elem)`."""
    hints.full_set_read(ctx, s, "fold")
    fn = _arity_checked(fn, "reducer", 2)
    acc = seed
    for item in s.elements(ctx):
        acc = call_function(ctx, fn, [acc, item])
    return acc


@method("Set", "foldRight")
def fold_right(ctx: Context, s: V10Set, seed: t.Any, fn: t.Any) -> t.Any:
    """Combine the elements from the right: `fn(acc, elem)`."""
    hints.full_set_read(ctx, s, "foldRight")
    fn = _arity_checked(fn, "reducer", 2)
    acc = seed
    for item in reverse(ctx, s).elements(ctx):  # core's foldRight: reverse.foldLeft
        acc = call_function(ctx, fn, [acc, item])
    return acc


@method("Set", "reduce")
def reduce(ctx: Context, s: V10Set, fn: t.Any) -> t.Any:
    """Combine the elements from the left, starting with the first; null for an empty set."""
    hints.full_set_read(ctx, s, "reduce")
    fn = _arity_checked(fn, "reducer", 2)
    items = iter(s.elements(ctx))
    acc = next(items, _NONE)
    if acc is _NONE:
        return null_because(ctx, "empty set")  # core's reduceLeft: noSuchElement("empty set")
    for item in items:
        acc = call_function(ctx, fn, [acc, item])
    return acc


@method("Set", "reduceRight")
def reduce_right(ctx: Context, s: V10Set, fn: t.Any) -> t.Any:
    hints.full_set_read(ctx, s, "reduceRight")
    fn = _arity_checked(fn, "reducer", 2)
    items = iter(reverse(ctx, s).elements(ctx))  # core's reduceRight: reverse.reduceLeft
    acc = next(items, _NONE)
    if acc is _NONE:
        return null_because(ctx, "empty set")
    for item in items:
        acc = call_function(ctx, fn, [acc, item])
    return acc


@method("Set", "aggregate")
def aggregate(ctx: Context, s: V10Set, seed: t.Any, fn: t.Any) -> t.Any:
    hints.full_set_read(ctx, s, "aggregate")
    fn = _arity_checked(fn, "combiner", 2)
    items = iter(s.elements(ctx))
    return _aggregate(ctx, fn, seed, iter(lambda: list(itertools.islice(items, MAX_ELEMENTS)), []))


def _aggregate(ctx: Context, fn: t.Any, acc: t.Any, pages: t.Iterator[list]) -> t.Any:
    """Core's ValueSet.aggregate, a page of 16000 elements at a time: the page's elements combined in
    pairs, level by level, down to one; that one combined with the next pages' result (as their seed);
    then the result with `acc`, this page's seed (`fn(result, acc)`). No elements: `acc` alone."""
    page = next(pages, None)
    if not page:
        return acc
    level = page
    while len(level) > 1:
        level = [call_function(ctx, fn, level[i : i + 2]) if i + 1 < len(level) else level[i] for i in range(0, len(level), 2)]
    return call_function(ctx, fn, [_aggregate(ctx, fn, level[0], pages), acc])


@method("Set", "any")
def any_(ctx: Context, s: V10Set, predicate: t.Any) -> bool:
    """True if `predicate` is true for some element (null is false; stops at the first true)."""
    return _any(ctx, s, predicate, False)


@method("Set", "every")
def every(ctx: Context, s: V10Set, predicate: t.Any) -> bool:
    """True if `predicate` is true for every element (null is false; stops at the first false)."""
    hints.full_set_read(ctx, s, "every")
    return _any(ctx, s, predicate, True)


def _any(ctx: Context, s: V10Set, predicate: t.Any, default: bool) -> bool:
    """Core's ValueSet.anyImpl: the predicate's arity checked first, then each verdict (a Boolean, null
    for false, anything else InvalidType) until one differs from `default`."""
    from .misc import boolean_result

    fn = _arity_checked(predicate, "predicate", 1)
    for item in _paged(ctx, s):
        if boolean_result(call_function(ctx, fn, [item])) is not default:
            return not default
    return default


def _paged(ctx: Context, s: V10Set) -> t.Iterator[t.Any]:
    """The elements of `s`, read 16,000 at a time before any is looked at: core's any, every and includes
    page the set by ValueSet.MaximumElements, so its `map` or `where` runs over a whole page first."""
    items = iter(s.elements(ctx))
    for chunk in iter(lambda: list(itertools.islice(items, MAX_ELEMENTS)), []):
        yield from chunk


@method("Set", "forEach")
def for_each(ctx: Context, s: V10Set, fn: t.Any) -> None:
    """Call `fn` on each element for its effects (bulk writes); the result is null."""
    hints.full_set_read(ctx, s, "forEach")
    fn = _arity_checked(fn, "callback", 1, "func")
    for item in list(s.elements(ctx)):
        call_function(ctx, fn, [item])
    return null_because(ctx, None)  # core's foreach0: a null made at the call's arguments


@static("Set", "sequence")
def sequence(ctx: Context, start: t.Any, stop: t.Any) -> V10Set:
    """The integers from `start` up to (not including) `stop`."""
    from .misc import INT, arg

    return ArraySet(range(arg(start, "from", INT), arg(stop, "until", INT)))


@static("Set", "single")
def single(ctx: Context, value: t.Any) -> V10Set:
    """The set holding just `value`."""
    out = ArraySet([value])
    out.single = True
    return out

