"""Repeated elements in v4 set algebra, and where Paginate's cursors fall among them, as core reads them.

Core's set classes (ext/model/src/main/scala/set/): UnionSet, IntersectionSet, DifferenceSet (through
AbstractAlgebraicSet), DistinctSet and JoinSet, merged by EventSet.MergeElemsIfPresent over runs of
elements equal by SnapshotOrd (their index values, or their document in sets without values), and
ReadAdaptor.PaginateImpl, which reads a set from the cursor on, the element equal to it included, and
drops the elements before the cursor only afterwards. The array forms are SetFunctions.scala's
(`diff`, `intersect`, and Union's counts). Events follow AbstractAlgebraicSet.history and
EventsFilter.mergeSources.

Also the cases of the storage spec ext/storage-api/src/test/scala/set/SetSortedSpec.scala that a query
can observe, each through Paginate (of a set, at a time, or of its events). Not ported, as no query
observes them: "reads ... with padding" as such (padding is how storage bounds a scan; its reads are
ported with an index with values), "sparse snapshots work" (a read core's Intersection makes internally;
its answers are the Intersection's, tested here and in test_core_model_sets.py), and the three inline GC
cases ("apply inline GC rules to set snapshot / set sorted values", "omit GC root if TTLed"): fql keeps
every version and has no garbage collection.

Which copies of a run come out is core's fixed choice: a Union shows those of the set holding the most
and a Difference its first set's, last read first (MergeElemsIfPresent prepends each element read to
the run); an Intersection the first set's, in the order read (IntersectionSet's merge takes one element
of each set at a time); where sets hold equally many, the first of them, as the groupBy map of a run by
set iterates sets 0 to 4 in order (Scala's HashMap of Int keys; from a sixth set on it does not, and
fql still takes the first). What core leaves to its merge heap (PageMerger's PriorityQueue, whose order
of streams with equal heads changes as they are read, and with the storage pages under them) fql does
not follow: which document a Join's merged element keeps when several targets hold equal ones (fql:
the last read in its merge), and the order of an element's `sources` from several sets (fql: the
sets' order). The values shown are the same, only a cursor's document may differ.
"""

from __future__ import annotations

import pytest

import fql
from tests.helpers import value_indexed_collections


@pytest.fixture
def db() -> fql.Database:
    return value_indexed_collections()


def make(db: fql.Database, coll: str, *values: str, k: int = 1) -> None:
    """Documents "1", "2", ... of `coll`, one per value, in that order (each in its own transaction)."""
    for i, v in enumerate(values, 1):
        db.query(f'Create(Ref(Collection("{coll}"), "{i}"), {{data: {{v: "{v}", k: {k}}}}})')


def ref(coll: str, id: int) -> fql.values.Ref:
    return fql.values.Ref(str(id), fql.values.Ref(coll, fql.values.native("collections")))


# -- Union, Intersection, Difference: sets count an element once per set, arrays once per copy -------------


def test_difference_of_sets_removes_every_copy(db):
    """DifferenceSet: an element is present when only the first set holds it (`memberships == {0}`), and
    the first set's copies all go, however few the other sets hold; the array form (`diff`) takes one
    copy away per copy."""
    make(db, "c", "a", "a", "a", "b")
    make(db, "d", "a")
    assert db.query('Paginate(Difference(Match("cv"), Match("dv")))').data == ["b"]
    assert db.query('Paginate(Difference(Match("dv"), Match("cv")))').data == []
    assert db.query('Difference(["a", "a", "a", "b"], ["a"])') == ["a", "a", "b"]
    assert db.query('Difference(["a", "a", "b"], ["a", "a", "a"])') == ["b"]


def test_union_keeps_the_most_copies_and_intersection_the_fewest(db):
    """UnionSet's merge keeps the copies of the set holding the most, AbstractAlgebraicSet (and
    IntersectionSet's merge) those of the set holding the fewest; the array forms count the same way
    (UnionFunction's occurrence counts, `intersect`)."""
    make(db, "c", "a", "a", "b", "c")
    make(db, "d", "a", "c", "c", "c")
    assert db.query('Paginate(Union(Match("cv"), Match("dv")))').data == ["a", "a", "b", "c", "c", "c"]
    assert db.query('Paginate(Intersection(Match("cv"), Match("dv")))').data == ["a", "c"]
    # A Union of a set with itself is that set, repeats and all (DistinctFunctionSpec "composes correctly").
    assert db.query('Paginate(Union(Match("cv"), Match("cv")))').data == ["a", "a", "b", "c"]
    assert db.query('Union(["a", "a", "b", "c"], ["a", "c", "c", "c"])') == ["a", "a", "b", "c", "c", "c"]
    assert db.query('Intersection(["a", "a", "b", "c"], ["a", "c", "c", "c"])') == ["a", "c"]


def test_union_pages_through_the_copies_of_the_fuller_set(db):
    """The copies come out one by one, so a page can end among them: its `after` is the next copy, of the
    set that holds the most. UnionSet's MergeElemsIfPresent gathers a run by prepending each element
    read, so the copies come out last read first: c/2's, then c/1's (fixed: fql gave them in the
    order read). Read from c/1's, the run is read whole again, and nothing of it is behind the cursor:
    pages of one element each never get past it, as core's do not."""
    make(db, "c", "a", "a", "b")
    make(db, "d", "a")
    s = 'Union(Match("cv"), Match("dv"))'
    page = db.query(f"Paginate({s}, {{size: 1}})")
    assert page.data == ["a"] and page.after == ["a", ref("c", 1)]
    page = db.query(f'Paginate({s}, {{size: 1, after: ["a", Ref(Collection("c"), "1")]}})')
    assert page.data == ["a"] and page.after == ["a", ref("c", 1)]
    assert db.query(f'Paginate({s}, {{after: ["a", Ref(Collection("c"), "1")]}})').data == ["a", "a", "b"]
    # From c/2's, c/1's lies behind: one copy, then "b".
    assert db.query(f'Paginate({s}, {{after: ["a", Ref(Collection("c"), "2")]}})').data == ["a", "b"]
    # Read down, the same: the copies come last read first, c/1's then c/2's, so a page of "b" and one
    # "a" names c/1's as its `before`; read down from there, only c/1's is read, and is dropped with the
    # cursor: the other "a" is never shown, as in core.
    page = db.query(f"Paginate({s}, {{size: 2, before: null}})")
    assert page.data == ["a", "b"] and page.before == ["a", ref("c", 1)]
    assert db.query(f'Paginate({s}, {{before: ["a", Ref(Collection("c"), "1")]}})').data == []


def test_difference_gives_a_run_last_read_first(db):
    """DifferenceSet merges as AbstractAlgebraicSet does (MergeElemsIfPresent): a run of the first set's
    copies comes out last read first."""
    make(db, "c", "a", "a", "b")
    s = 'Difference(Match("cv"), Match("dv"))'
    page = db.query(f"Paginate({s}, {{size: 1}})")
    assert page.data == ["a"] and page.after == ["a", ref("c", 1)]
    assert db.query(f'Paginate({s}, {{after: ["a", Ref(Collection("c"), "2")]}})').data == ["a", "b"]


def test_intersection_pages_through_a_run_of_copies(db):
    """IntersectionSet reads its sets from the cursor's values, whatever its document (it starts each at
    Event.MinValue, or MaxValue read down, with the cursor's values), so the copies of an element a page
    ended among are counted whole and the rest come next (fixed: fql read only from the cursor's
    document on, found fewer copies in the other set, and lost the element). Its merge takes one
    element of each set at a time while their heads are equal and keeps the first set's (the first of
    its groupBy map), so the copies shown are c's first two, in the order read (fixed: fql showed d's,
    the set holding fewer)."""
    make(db, "c", "a", "a", "a", "b")
    make(db, "d", "a", "a", "b")
    s = 'Intersection(Match("cv"), Match("dv"))'
    assert db.query(f"Paginate({s})").data == ["a", "a", "b"]
    seen, after = [], None
    for _ in range(4):
        page = db.query(f"Paginate({s}, {{size: 1{'' if after is None else ', after: ' + fql.to_fql(after)}}})")
        seen += page.data
        if page.after is None:
            break
        after = page.after
    assert seen == ["a", "a", "b"]
    page = db.query(f"Paginate({s}, {{size: 1}})")
    assert page.after == ["a", ref("c", 2)]
    # A cursor of c's past the copies shown: both lie behind it.
    assert db.query(f'Paginate({s}, {{after: ["a", Ref(Collection("c"), "3")]}})').data == ["b"]
    assert db.query(f'Paginate({s}, {{after: ["a", Ref(Collection("c"), "2")]}})').data == ["a", "b"]
    seen, before = [], "null"
    for _ in range(4):
        page = db.query(f"Paginate({s}, {{size: 1, before: {before}}})")
        seen = page.data + seen
        if page.before is None:
            break
        before = fql.to_fql(page.before)
    assert seen == ["a", "a", "b"]


def test_sources_of_equal_elements_are_merged(db):
    """`sources: true`: core's merge (MergeElemsIfPresent) gives an element the sources of every element
    of its run, whichever documents they are of, so a value two sets hold has both sets as sources, in a
    Union and an Intersection alike (fixed: fql named only the set holding the very document shown); a
    Difference's element has its first set's."""
    make(db, "c", "a")
    make(db, "d", "a", "b")
    cv, dv = db.query('Match("cv")'), db.query('Match("dv")')

    def sources(s: str) -> list:
        return [(e["value"], e["sources"]) for e in db.query(f"Paginate({s}, {{sources: true}})").data]

    assert sources('Union(Match("cv"), Match("dv"))') == [("a", [cv, dv]), ("b", [dv])]
    assert sources('Intersection(Match("cv"), Match("dv"))') == [("a", [cv, dv])]
    assert sources('Difference(Match("dv"), Match("cv"))') == [("b", [dv])]
    assert sources('Reverse(Union(Match("cv"), Match("dv")))') == [("b", [dv]), ("a", [cv, dv])]


# -- Join: equal elements merge into one ----------------------------------------------------------------


def test_join_merges_equal_elements_of_its_targets(db):
    """JoinSet's snapshot merges its targets with MergeElems, which makes each run of equal elements one
    element, from one target or several (unlike a Union, which keeps the fuller set's copies)."""
    make(db, "c", "a", "a", "b", k=1)
    make(db, "d", "x", "y")
    one = 'Join(Match("dv"), Lambda("v", Match("cv_by_k", 1)))'
    assert db.query(f"Paginate({one})").data == ["a", "b"]
    assert db.query('Paginate(Match("cv_by_k", 1))').data == ["a", "a", "b"]
    # Both targets are the same set: still one "a" and one "b".
    page = db.query(f"Paginate({one}, {{size: 1}})")
    assert page.data == ["a"] and page.after == ["b", ref("c", 3)]
    # The merged element is the run's last read: read down from the end, the first document.
    page = db.query(f'Paginate({one}, {{before: ["b", Ref(Collection("c"), "3")]}})')
    assert page.data == ["a"] and page.before is None


# -- Distinct and the cursors of a page ---------------------------------------------------------------------


def distinct_page(db: fql.Database, **options: str) -> fql.values.Page:
    given = ", ".join(f"{k}: {v}" for k, v in options.items())
    return db.query(f'Paginate(Distinct(Match("cv")), {{{given}}})')


def test_distinct_keeps_the_first_copy_read(db):
    """DistinctSet keeps the first of each run of equal elements in the order it reads them: read up, the
    first document's copy (a page's `after` points at it); read down (`before`), the last one's."""
    make(db, "c", "a", "a", "b", "c", "c")
    assert distinct_page(db).data == ["a", "b", "c"]
    page = distinct_page(db, size="1")
    assert page.data == ["a"] and page.after == ["b", ref("c", 3)]
    page = distinct_page(db, size="1", after='["b", Ref(Collection("c"), "3")]')
    assert page.data == ["b"] and page.after == ["c", ref("c", 4)]
    page = distinct_page(db, size="1", before="null")
    assert page.data == ["c"] and page.before == ["c", ref("c", 5)]


def test_distinct_pages_backward_through_each_value_once(db):
    """PaginateImpl reads a set down from the `before` cursor itself and drops the element equal to it
    only then: a Distinct has merged the cursor's copy with the equal ones below it, so the value is
    skipped whole. Paging backward from each page's `before` visits every value once (fixed: fql read
    below the cursor, found the value's other copy, and showed it again)."""
    make(db, "c", "a", "a", "b", "c", "c")
    seen, before = [], "null"
    for _ in range(5):
        page = distinct_page(db, size="1", before=before)
        seen = page.data + seen
        if page.before is None:
            break
        before = fql.to_fql(page.before)
    assert seen == ["a", "b", "c"]
    # A cursor at the copy Distinct kept read down hides the value; one at another copy does not.
    assert distinct_page(db, before='["a", Ref(Collection("c"), "2")]').data == []
    assert distinct_page(db, before='["a", Ref(Collection("c"), "1")]').data == []
    assert distinct_page(db, before='["c", Ref(Collection("c"), "5")]').data == ["a", "b"]
    assert distinct_page(db, before='["c", Ref(Collection("c"), "4")]').data == ["a", "b"]
    # A cursor of values alone starts before every document of them (core's floor cursor).
    assert distinct_page(db, before='["c"]').data == ["a", "b"]
    # Read up, a cursor inside a run starts at that copy.
    assert distinct_page(db, after='["a", Ref(Collection("c"), "2")]').data == ["a", "b", "c"]


def test_a_difference_read_down_from_an_element_the_other_set_holds(db):
    """The element equal to a `before` cursor is read with the rest: a Difference whose other set holds
    it removes its value, the first set's other copies with it."""
    db.query('CreateIndex({name: "cv_of_k2", source: Collection("c"), terms: [{field: ["data", "k"]}], values: [{field: ["data", "v"]}, {field: ["ref"]}]})')
    db.query('CreateIndex({name: "cv_refs", source: Collection("c"), values: [{field: ["data", "v"]}, {field: ["ref"]}]})')
    make(db, "c", "a", "a", "b")
    db.query('Update(Ref(Collection("c"), "2"), {data: {k: 2}})')
    # By value and ref: "a" of c/1, "a" of c/2, "b" of c/3; the other set holds c/2's.
    s = 'Difference(Match("cv_refs"), Match("cv_of_k2", 2))'
    assert db.query(f"Paginate({s})").data == [["a", ref("c", 1)], ["b", ref("c", 3)]]
    assert db.query(f'Paginate({s}, {{before: ["b", Ref(Collection("c"), "3")]}})').data == [["a", ref("c", 1)]]
    # An index of values alone: every "a" is one element, which the other set holds.
    s = 'Difference(Match("cv"), Match("cv_by_k", 2))'
    assert db.query(f"Paginate({s})").data == ["b"]
    assert db.query(f'Paginate({s}, {{before: ["a", Ref(Collection("c"), "2")]}})').data == []
    assert db.query(f'Paginate({s}, {{before: ["b", Ref(Collection("c"), "3")]}})').data == []


# -- events -------------------------------------------------------------------------------------------------


def events(db: fql.Database, s: str) -> list[tuple[str, str, list]]:
    page = db.query(f"Paginate({s}, {{events: true}})")
    return [(e["action"], e["document"].id + e["document"].collection.id, e["data"]) for e in page.data]


def test_events_of_a_difference_follow_each_document_of_its_first_set(db):
    """AbstractAlgebraicSet.history reads the first set one element at a time (a document with its
    values: EventsFilter.mergeSources groups its events by tuple), each against the other sets' events
    of equal values, and merges what each gives, an event two of them give alike kept once. So two
    documents of one value in the first set enter on their own, and the value comes back when the other
    set lets it go, while one of them still holds it (fixed: fql followed the value as one element)."""
    make(db, "c", "a", "a")  # c/1 at t1, c/2 at t2
    make(db, "d", "a")  # d/1 at t3
    db.query('Delete(Ref(Collection("c"), "1"))')  # t4
    db.query('Delete(Ref(Collection("d"), "1"))')  # t5
    a = ["a"]
    assert events(db, 'Difference(Match("cv"), Match("dv"))') == [
        ("add", "1c", a), ("add", "2c", a), ("remove", "1d", a), ("add", "1d", a)
    ]
    # An Intersection: each of c's documents enters with d/1 (the same event, once), c/1 leaves when it
    # is deleted, c/2 when d/1 is.
    assert events(db, 'Intersection(Match("cv"), Match("dv"))') == [("add", "1d", a), ("remove", "1c", a), ("remove", "1d", a)]
    # A Union's events are its sets' (UnionSet.history merges them), and a Distinct's its set's
    # (DistinctFunctionSpec "history is unaltered").
    union = [("add", "1c", a), ("add", "2c", a), ("add", "1d", a), ("remove", "1c", a), ("remove", "1d", a)]
    assert events(db, 'Union(Match("cv"), Match("dv"))') == union
    assert events(db, 'Distinct(Match("cv"))') == events(db, 'Match("cv")')


# -- SetSortedSpec ----------------------------------------------------------------------------------------


@pytest.fixture
def foo(db):
    db.query('CreateIndex({name: "foo", source: Collection("c"), terms: [{field: ["data", "t"]}]})')
    db.query('CreateIndex({name: "foo_v", source: Collection("c"), terms: [{field: ["data", "t"]}], values: [{field: ["data", "t"]}]})')
    return db


@pytest.mark.parametrize("index", ["foo", "foo_v"])
def test_reads_an_ordered_set_and_a_set_snapshot(foo, index):
    """SetSortedSpec "reads an ordered set and a set snapshot" (and "... with padding", an index with
    values): a document added, removed and added again is in the set at the first time and the third,
    not the second, and the set's events are the three, in both orders."""
    doc = 'Ref(Collection("c"), "1")'
    ts0 = foo.query(f'Create({doc}, {{data: {{t: "foo"}}}})')["ts"]
    foo.query(f"Delete({doc})")
    ts1 = foo.query(f'Select(["data", 1, "ts"], Paginate(Events({doc})))')
    ts2 = foo.query(f'Create({doc}, {{data: {{t: "foo"}}}})')["ts"]
    s = f'Match("{index}", "foo")'
    for ts, size in ((ts0, 1), (ts1, 0), (ts2, 1)):
        assert len(foo.query(f"Paginate({s}, {{ts: {ts}}})").data) == size
        assert len(foo.query(f"Paginate(Reverse({s}), {{ts: {ts}}})").data) == size
    acts = [e["action"] for e in foo.query(f"Paginate({s}, {{events: true}})").data]
    assert acts == ["add", "remove", "add"]
    back = foo.query(f"Paginate({s}, {{events: true, before: null}})").data
    assert [e["ts"] for e in back] == [ts0, ts1, ts2]


def test_resolves_conflicts(foo):
    """SetSortedSpec "resolves conflicts": a remove and then an add written at one valid time, by two
    transactions: the later one wins, the set holds the document and its events are the one add."""
    doc = 'Ref(Collection("c"), "1")'
    ts0 = foo.query(f'Create({doc}, {{data: {{t: "foo"}}}})')["ts"]
    foo.query(f'Insert({doc}, {ts0}, "delete", {{}})')
    assert foo.query('Paginate(Match("foo", "foo"))').data == []
    foo.query(f'Insert({doc}, {ts0}, "create", {{data: {{t: "foo"}}}})')
    assert foo.query('Paginate(Match("foo", "foo"))').data == [ref("c", 1)]
    assert [e["action"] for e in foo.query('Paginate(Match("foo", "foo"), {events: true})').data] == ["add"]


def test_snapshot_respects_ttls(foo):
    """SetSortedSpec "snapshot respects TTLs": an entry whose ttl has come is not in a snapshot. Core
    compares the ttl with the snapshot's time (SetSnapshot rejects `ttl <= snapshotTS`), not the valid
    time read: read at a time before its ttl, an expired document is not in the set either, though it
    existed then; nor is the document found then, as core's DocSnapshot checks a ttl against the
    snapshot time too (VersionsSpec "ttl on read")."""
    doc = 'Ref(Collection("c"), "1")'
    now = foo.query("ToMicros(Now())")
    t0 = now - 1000
    foo.query(f'Insert({doc}, {t0}, "create", {{data: {{t: "foo"}}, ttl: Epoch({t0 + 10}, "microseconds")}})')
    assert foo.query(f"At({t0 + 5}, Exists({doc}))") is False
    for ts in (t0 + 5, t0 + 10, now):
        assert foo.query(f'Paginate(Match("foo", "foo"), {{ts: {ts}}})').data == []
    # Its events stay.
    assert [e["action"] for e in foo.query('Paginate(Match("foo", "foo"), {events: true})').data] == ["add"]
    # A ttl yet to come keeps the document in the set, even read at a valid time past it.
    foo.query('Create(Ref(Collection("c"), "2"), {data: {t: "foo"}, ttl: Time("2100-01-01T00:00:00Z")})')
    assert foo.query('Paginate(Match("foo", "foo"))').data == [ref("c", 2)]
    assert foo.query('Paginate(Match("foo", "foo"), {ts: Time("2100-01-02T00:00:00Z")})').data == [ref("c", 2)]


def test_merges_pending_writes(foo):
    """SetSortedSpec "merges pending writes": a query that removes a document and then reads the set sees
    it gone, and its events with the remove it has not yet committed."""
    doc = 'Ref(Collection("c"), "1")'
    foo.query(f'Create({doc}, {{data: {{t: "foo"}}}})')
    page, events_ = foo.query(f'Do(Delete({doc}), [Paginate(Match("foo", "foo")), Paginate(Match("foo", "foo"), {{events: true}})])')
    assert page.data == []
    assert [e["action"] for e in events_.data] == ["add", "remove"]
    # Nothing failed, so it stands.
    assert foo.query('Paginate(Match("foo", "foo"))').data == []


@pytest.mark.parametrize("n", [11, 207])
def test_paginates_n_results_with_p_result_pages(foo, n):
    """SetSortedSpec "paginates $n results with $p-result pages" for p in 1, 3, n and n + 2, in both
    orders: each page holds at most p documents, every document comes once, in order, and the page that
    holds the last one says no more follow."""
    foo.query(f'Foreach(Map({list(range(1, n + 1))}, Lambda("i", ToString(Var("i")))), Lambda("id", Create(Ref(Collection("c"), Var("id")), {{data: {{t: "foo"}}}})))')
    ids = sorted(range(1, n + 1), key=lambda i: (len(str(i)), str(i)))  # ids order by number
    for p in (1, 3, n, n + 2):
        seen, cursor = [], None
        while True:
            given = f", after: {fql.to_fql(cursor)}" if cursor is not None else ""
            page = foo.query(f'Paginate(Match("foo", "foo"), {{size: {p}{given}}})')
            assert 0 < len(page.data) <= p
            seen += [int(r.id) for r in page.data]
            if page.after is None:
                break
            cursor = page.after
        assert seen == ids
        seen, cursor = [], "null"
        while True:
            page = foo.query(f'Paginate(Match("foo", "foo"), {{size: {p}, before: {cursor}}})')
            assert 0 < len(page.data) <= p
            seen = [int(r.id) for r in page.data] + seen
            if page.before is None:
                break
            cursor = fql.to_fql(page.before)
        assert seen == ids


def test_handles_predicates_correctly(foo):
    """SetSortedSpec "handles predicates correctly": one document's entries a, b, c, z; then a and z
    removed; then a, d, e added. Read between bounds at the last time, up or down."""
    foo.query('CreateIndex({name: "letters", source: Collection("c"), terms: [{field: ["data", "t"]}], values: [{field: ["data", "letters"]}]})')
    doc = 'Ref(Collection("c"), "1")'
    foo.query(f'Create({doc}, {{data: {{t: "letter", letters: ["a", "b", "c", "z"]}}}})')
    foo.query(f'Update({doc}, {{data: {{letters: ["b", "c"]}}}})')
    foo.query(f'Update({doc}, {{data: {{letters: ["a", "b", "c", "d", "e"]}}}})')
    m = 'Match("letters", "letter")'
    assert foo.query(f'Paginate(Range({m}, "b", []))').data == ["b", "c", "d", "e"]
    assert foo.query(f'Paginate(Reverse(Range({m}, "c", [])))').data == ["e", "d", "c"]
    assert foo.query(f'Paginate(Range({m}, "b", "b"))').data == ["b"]
    assert foo.query(f'Paginate(Reverse(Range({m}, "c", "d")))').data == ["d", "c"]
    assert foo.query(f'Paginate({m}, {{before: "d"}})').data == ["a", "b", "c"]
    assert foo.query(f'Paginate({m}, {{after: "c"}})').data == ["c", "d", "e"]
