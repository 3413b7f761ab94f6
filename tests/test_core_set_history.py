"""Pages of the events of combined v4 sets (`Paginate(set, {events: true, after/before, size})`), read
as core reads them: ReadAdaptor.PaginateEvents asks the set's `history` from the cursor on and drops
the events at the head of what it reads that SetEvent.ord (time, document, removes before adds, values)
puts on the cursor's other side.

What each set's `history` reads from a cursor: an index (IndexSet, storage's SetHistory) its events in
stored order (IndexValue.ByEventOrdering: time, removes before adds, document, values) from the
cursor's place in that order; a Union (UnionSet.history) its sets' streams merged by their heads
(MergeElems, in history order: time, action with adds first, document, values), so an index's removes
still come before its adds of the same time; a Distinct (DistinctSet.history) its set's; an
Intersection or Difference (AbstractAlgebraicSet.history) all its events from the cursor's time on, in
history order; a Join (JoinSet.history) each element's target events, in the target's order, merged as
a Union's. A page's cursors are the events themselves: `{ts, action, document, data}`.

Not ported from ext/storage-api/src/test/scala/set/SetHistorySpec.scala, as no query observes them: its
reads between two valid times at a snapshot time (a query reads up to its own time, or At's), its add
and remove of one document written at one time by one transaction (no query writes both); its pagination
by `maxResults` is storage's own page size, below Paginate's (ported as SetSortedSpec's in
test_core_set_duplicates.py). Its "apply inline GC rules", as queries see them, and
ext/model/src/test/scala/gc/SetHistorySpec.scala are in test_core_inline_gc.py.
"""

from __future__ import annotations

import pytest

import fql
from tests.helpers import value_indexed_collections


@pytest.fixture
def db() -> fql.Database:
    return value_indexed_collections()


def doc(coll: str, id: int) -> str:
    return f'Ref(Collection("{coll}"), "{id}")'


def shown(events: list) -> list[tuple[str, str, list]]:
    """Each event as (action, document id and collection, values)."""
    return [(e["action"], e["document"].id + e["document"].collection.id, e["data"]) for e in events]


def page(db: fql.Database, s: str, **options: str) -> fql.values.Page:
    given = ", ".join(f"{k}: {v}" for k, v in options.items())
    return db.query(f"Paginate({s}, {{events: true{', ' if given else ''}{given}}})")


def forward(db: fql.Database, s: str, size: int) -> list:
    """Every page read up from the start, each from the last one's `after`."""
    seen, after = [], None
    for _ in range(20):
        p = page(db, s, size=str(size), **({} if after is None else {"after": fql.to_fql(after)}))
        seen += p.data
        if p.after is None:
            return seen
        after = p.after
    raise AssertionError("no last page")


def backward(db: fql.Database, s: str, size: int) -> list:
    """Every page read down from the end, each from the last one's `before`."""
    seen, before = [], "null"
    for _ in range(20):
        p = page(db, s, size=str(size), before=before)
        seen = p.data + seen
        if p.before is None:
            return seen
        before = fql.to_fql(p.before)
    raise AssertionError("no first page")


# -- the order of one time's events ------------------------------------------------------------------------


def moved(db: fql.Database) -> None:
    """c/1 holds "a" (t1), d/1 "z" (t2), then c/1 moves to "b" (t3: a remove and an add)."""
    db.query(f'Create({doc("c", 1)}, {{data: {{v: "a", k: 1}}}})')
    db.query(f'Create({doc("d", 1)}, {{data: {{v: "z"}}}})')
    db.query(f'Update({doc("c", 1)}, {{data: {{v: "b"}}}})')


MOVED = [("add", "1c", ["a"]), ("add", "1d", ["z"]), ("remove", "1c", ["a"]), ("add", "1c", ["b"])]


@pytest.mark.parametrize("s", ['Union(Match("cv"), Match("dv"))', 'Union(Match("dv"), Match("cv"))'])
def test_a_union_keeps_its_indexes_removes_before_their_adds(db, s):
    """UnionSet.history merges its sets' streams by their heads; an index's stream has a time's removes
    before its adds (its stored order), so the Union's has too (fixed: fql sorted a Union's events in
    history order, adds first, unlike the index's own)."""
    moved(db)
    assert shown(page(db, s).data) == MOVED
    assert shown(page(db, 'Match("cv")').data) == [MOVED[0], *MOVED[2:]]


def test_a_distinct_has_its_sets_events_in_its_order(db):
    """DistinctSet.history is its set's (DistinctFunctionSpec "history is unaltered"), removes first at
    one time as the index stores them (fixed: fql put the add first)."""
    moved(db)
    assert page(db, 'Distinct(Match("cv"))').data == page(db, 'Match("cv")').data
    assert page(db, 'Distinct(Match("cv"))', before="null").data == page(db, 'Match("cv")', before="null").data


def test_a_join_has_its_targets_events_in_their_order(db):
    """JoinSet.history gives each element's target events as the target reads them: an index's, a
    time's removes before its adds."""
    db.query(f'Create({doc("d", 1)}, {{data: {{v: 1}}}})')
    db.query(f'Create({doc("c", 1)}, {{data: {{v: "a", k: 1}}}})')
    db.query(f'Update({doc("c", 1)}, {{data: {{v: "b"}}}})')
    s = 'Join(Match("dv"), Lambda("k", Match("cv_by_k", Var("k"))))'
    expected = [("add", "1c", ["a"]), ("remove", "1c", ["a"]), ("add", "1c", ["b"])]
    assert shown(page(db, s).data) == expected
    assert shown(forward(db, s, 1)) == expected
    assert shown(backward(db, s, 1)) == expected


# -- cursors ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "s",
    [
        'Union(Match("cv"), Match("dv"))',
        'Distinct(Match("cv"))',
        'Distinct(Union(Match("cv"), Match("dv")))',
        'Intersection(Match("cv"), Match("dv"))',
        'Difference(Match("cv"), Match("dv"))',
        'Join(Match("dv"), Lambda("v", Match("cv_by_k", 1)))',
    ],
)
@pytest.mark.parametrize("size", [1, 2, 3])
def test_pages_of_events_each_from_the_last_ones_cursor(db, s, size):
    """Where no two events share a time, paging up from each page's `after`, or down from each page's
    `before`, visits every event once, in order, as one page of them all shows them."""
    for i, v in enumerate(["a", "b", "a", "c"], 1):
        db.query(f'Create({doc("c", i)}, {{data: {{v: "{v}", k: 1}}}})')
    db.query(f'Create({doc("d", 1)}, {{data: {{v: "a"}}}})')
    db.query(f'Create({doc("d", 2)}, {{data: {{v: "c"}}}})')
    db.query(f'Delete({doc("c", 1)})')
    db.query(f'Delete({doc("d", 2)})')
    db.query(f'Delete({doc("c", 3)})')
    whole = page(db, s).data
    assert whole
    assert forward(db, s, size) == whole
    assert backward(db, s, size) == whole


def test_an_events_cursor_is_the_event(db):
    """PaginateEvents' cursors are the events (EventL): the `after` of a page is the next event, its
    values as `data`; the `before` of a page read down the last one shown."""
    moved(db)
    s = 'Union(Match("cv"), Match("dv"))'
    first = page(db, s, size="1")
    assert shown([first.after]) == [MOVED[1]] and set(first.after) == {"ts", "action", "document", "data"}
    last = page(db, s, size="1", before="null")
    assert shown(last.data) == [MOVED[3]] and last.before == last.data[0]
    # From a remove of the stored order, the add of that time follows; from the add, the remove is
    # behind (read from the cursor's place in stored order).
    remove, add = page(db, s).data[2:]
    assert shown(page(db, s, after=fql.to_fql(remove)).data) == MOVED[2:]
    assert shown(page(db, s, after=fql.to_fql(add)).data) == MOVED[3:]
    assert shown(page(db, s, before=fql.to_fql(add)).data) == MOVED[:3]
    assert shown(page(db, s, before=fql.to_fql(remove)).data) == MOVED[:2]


def test_a_difference_read_from_a_later_documents_remove_shows_an_earlier_add_again(db):
    """AbstractAlgebraicSet.history reads up from the cursor as an add, in history order (a time's adds
    first), and Paginate drops only the head of that read that SetEvent.ord (by document before
    action) puts behind the cursor: at one time, an add of c/3 read before the cursor's remove of c/2
    is not behind it and shows again. So pages of one event each never get past that remove (core's own
    pages repeat so), where a larger page does."""
    db.query(f'Create({doc("c", 2)}, {{data: {{v: "y"}}}})')
    db.query(f'Do(Create({doc("c", 3)}, {{data: {{v: "x"}}}}), Delete({doc("c", 2)}))')
    s = 'Difference(Match("cv"), Match("dv"))'
    whole = page(db, s).data
    assert shown(whole) == [("add", "2c", ["y"]), ("add", "3c", ["x"]), ("remove", "2c", ["y"])]
    add, remove = whole[1:]
    p = page(db, s, size="1", after=fql.to_fql(remove))
    assert p.data == [add] and p.after == remove
    assert page(db, s, after=fql.to_fql(remove)).data == [add, remove]
    assert page(db, s, size="2", after=fql.to_fql(add)).data == [add, remove]


def test_a_difference_read_down_from_a_remove_skips_that_documents_add_of_its_time(db):
    """Read down, AbstractAlgebraicSet.history reads from the cursor as a remove (a remove of greater
    values is past it), and Paginate drops the head that SetEvent.ord puts at or past the `before`
    cursor: of one document, an add sorts after its remove there, so a page read down from the remove
    of an update leaves out the update's add, as does one from the add."""
    db.query(f'Create({doc("c", 2)}, {{data: {{v: "y"}}}})')
    db.query(f'Update({doc("c", 2)}, {{data: {{v: "w"}}}})')
    s = 'Difference(Match("cv"), Match("dv"))'
    whole = page(db, s).data
    assert shown(whole) == [("add", "2c", ["y"]), ("add", "2c", ["w"]), ("remove", "2c", ["y"])]
    assert page(db, s, before=fql.to_fql(whole[2])).data == whole[:1]
    assert page(db, s, before=fql.to_fql(whole[1])).data == whole[:1]
    # Read up from the add, the remove follows.
    assert page(db, s, after=fql.to_fql(whole[1])).data == whole[1:]
