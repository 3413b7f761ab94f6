"""Core's ext/repo/src/test/scala/store/VersionsSpec.scala, what a query sees of it: "ttl on read", a
version whose ttl has passed is not found at any valid time, its own included, as core's DocSnapshot
checks a version's ttl against the read's snapshot time (the query's), not its valid time. So `At`,
`Get(ref, ts)`, `Exists(ref, ts)` and v10's `at` do not find it, nor do a past read of an index or of a
collection's documents; its history still shows it.

Not ported: "get resolves conflicts" (two versions at one valid time, which no query writes) and the
"repairs ..." cases (storage's repair of stored diffs, which fql recomputes from whole versions).
"""

from __future__ import annotations

import pytest

import fql
from tests.helpers import query_error, query_v10

#: Document 1 was created 10 s ago and expired 5 s ago; document 2 was created then too and expires later.
SETUP = [
    ("1", 'TimeSubtract(Now(), 5, "seconds")'),
    ("2", 'TimeAdd(Now(), 1, "hour")'),
]
PAST = 'TimeSubtract(Now(), 8, "seconds")'
V10_PAST = 'Time.now().subtract(8, "seconds")'


@pytest.fixture
def db() -> fql.Database:
    db = fql.connect()
    db.query('CreateCollection({name: "C"})')
    db.query('CreateIndex({name: "by_name", source: Collection("C"), terms: [{field: ["data", "name"]}]})')
    db.query("C.definition.update({ indexes: { byName: { terms: [{ field: '.name' }] } } })", syntax="v10")
    for id, ttl in SETUP:
        db.query(f'Insert(Ref(Collection("C"), "{id}"), TimeSubtract(Now(), 10, "seconds"), "create", {{data: {{name: "sam"}}, ttl: {ttl}}})')
    return db


def test_v4_past_reads_do_not_find_an_expired_document(db):
    """VersionsSpec "ttl on read" through At, Get and Exists at a time before the ttl passed (fixed: fql
    found the version in effect then)."""
    expired, live = 'Ref(Collection("C"), "1")', 'Ref(Collection("C"), "2")'
    assert query_error(db, f"At({PAST}, Get({expired}))").code == "instance not found"
    assert query_error(db, f"Get({expired}, {PAST})").code == "instance not found"
    assert db.query(f"[Exists({expired}, {PAST}), At({PAST}, Exists({expired}))]") == [False, False]
    assert db.query(f'Select("ref", At({PAST}, Get({live})))') == db.query(live)
    assert db.query(f"Exists({live}, {PAST})") is True


def test_v4_past_sets_leave_out_an_expired_document(db):
    """A past read of an index or of the collection's documents checks an entry's ttl at the query's time."""
    assert [r.id for r in db.query(f'At({PAST}, Paginate(Match(Index("by_name"), "sam")))').data] == ["2"]
    assert [r.id for r in db.query(f'At({PAST}, Paginate(Documents(Collection("C"))))').data] == ["2"]


def test_v10_past_reads_do_not_find_an_expired_document(db):
    """The same in v10's `at`: byId, an index and the collection's documents."""
    assert query_v10(db, f'at ({V10_PAST}) {{ [C.byId("1")?.name, C.byId("2")?.name] }}') == [None, "sam"]
    assert query_v10(db, f'at ({V10_PAST}) {{ C.byName("sam").map(.id).toArray() }}') == ["2"]
    assert query_v10(db, f"at ({V10_PAST}) {{ C.all().map(.id).toArray() }}") == ["2"]


def test_an_expired_documents_history_still_shows_it(db):
    """Store.versions reads no ttl: the expired document's events are all there."""
    events = db.query('Paginate(Events(Ref(Collection("C"), "1")))').data
    assert [(e["action"], e["data"]) for e in events] == [("create", {"name": "sam"})]
