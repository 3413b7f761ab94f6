"""Core's repo-level index specs, ext/repo/src/test/scala/IndexerSpec.scala and store/IndexesSpec.scala,
through what a v4 query sees of them: the entries a document's versions make (`Paginate(Match(...))`)
and the add and remove events they leave in an index's history (`Paginate(Events(Match(...)))`).

Not ported, as no query observes them: IndexerSpec's "changes valid time" and "removes valid time" (a
version whose valid and transaction times differ), IndexesSpec's "subsequent writes to instances with
conflicts" (two versions of one document at one time), "uniqueIDForKey is accurate at snapshots" (a
storage lookup), "build" and "concurrent access to value modifiers"; ext/repo/src/test/scala/
IndexDiffSpec.scala compares storage's two copies of an index (primary and secondary), which fql keeps
once.
"""

from __future__ import annotations

import pytest

import fql

#: Each index: its terms and its covered values, as field paths under `data` (or top-level ones).
INDEXES = {
    "by_name": (["data.name"], []),
    "everything": ([], []),
    "by_class_ref": (["class", "ref"], []),
    "by_friend": (["data.friends"], []),
    "by_address": (["data.addresses.address"], []),
    "by_name_email": (["data.name", "data.email"], []),
    "by_fullname": (["data.fullname"], []),
    "email_by_name": (["data.name"], ["data.email"]),
    "emails": ([], ["data.email"]),
    "email_by_name_email": (["data.name", "data.email"], ["data.email"]),
    "name_ref_by_age": (["data.age"], ["data.name", "ref"]),
}


def _fields(paths: list[str]) -> str:
    return "[" + ", ".join("{field: [" + ", ".join(f'"{p}"' for p in path.split(".")) + "]}" for path in paths) + "]"


@pytest.fixture
def db() -> fql.Database:
    db = fql.connect()
    db.query('CreateCollection({name: "people"})')
    for name, (terms, values) in INDEXES.items():
        db.query(f'CreateIndex({{name: "{name}", source: Collection("people"), terms: {_fields(terms)}, values: {_fields(values)}}})')
    return db


def doc(id: int) -> str:
    return f'Ref(Collection("people"), "{id}")'


def write(db: fql.Database, query: str) -> int:
    """The time of the write `query` makes."""
    return db.query(f"Select(\"ts\", {query})")


def deleted(db: fql.Database, id: int) -> int:
    """The time of the delete of document `id` (Delete returns the version it deletes)."""
    db.query(f"Delete({doc(id)})")
    return db.query(f'Select("ts", Select(["data", 0], Paginate(Events({doc(id)}), {{before: null, size: 1}})))')


def members(db: fql.Database, index: str, *terms: str) -> list:
    return db.query(f'Paginate(Match(Index("{index}"){"".join(", " + t for t in terms)}))').data


def events(db: fql.Database, index: str, *terms: str) -> list[tuple]:
    """An index's history under `terms`: each event's time, action, document id and covered values."""
    return set_events(db, f'Match(Index("{index}"){"".join(", " + t for t in terms)})')


def set_events(db: fql.Database, s: str) -> list[tuple]:
    page = db.query(f"Paginate(Events({s}))")
    return [(e["ts"], e["action"], e["document"].id, *([e["data"]] if "data" in e else [])) for e in page.data]


FRED = '{data: {name: "fred", email: "fred@example.com"}}'


# -- IndexerSpec ------------------------------------------------------------------------------------------


def test_a_field_is_a_term_and_a_missing_one_is_no_entry(db):
    """IndexerSpec "adds a field" and "elides null values": a document is under the value of its term
    field; one without the field is in no entry of the index, not even under null."""
    write(db, f'Create({doc(1)}, {FRED})')
    write(db, f'Create({doc(2)}, {{data: {{email: "x"}}}})')
    assert [r.id for r in members(db, "by_name", '"fred"')] == ["1"]
    assert members(db, "by_name", "null") == []


def test_an_index_without_terms_holds_every_document(db):
    """IndexerSpec "adds empty terms" / "removes empty terms": an entry under no terms for each live
    document, removed when it is deleted."""
    t1 = write(db, f'Create({doc(1)}, {{data: {{}}}})')
    t2 = deleted(db, 1)
    assert events(db, "everything") == [(t1, "add", "1"), (t2, "remove", "1")]


def test_a_documents_class_and_ref_are_terms(db):
    """IndexerSpec "adds a virtual field": the `class` and `ref` of a document are terms like its data's."""
    write(db, f'Create({doc(1)}, {{data: {{}}}})')
    assert [r.id for r in members(db, "by_class_ref", f'[Collection("people"), {doc(1)}]')] == ["1"]


def test_a_changed_term_removes_the_old_entry_and_adds_the_new(db):
    """IndexerSpec "changes a field" and "removes a field"."""
    t1 = write(db, f'Create({doc(1)}, {{data: {{name: "fred"}}}})')
    t2 = write(db, f'Update({doc(1)}, {{data: {{name: "waldo"}}}})')
    t3 = write(db, f'Update({doc(1)}, {{data: {{name: null}}}})')
    assert events(db, "by_name", '"fred"') == [(t1, "add", "1"), (t2, "remove", "1")]
    assert events(db, "by_name", '"waldo"') == [(t2, "add", "1"), (t3, "remove", "1")]


def test_each_element_of_an_array_is_a_term(db):
    """IndexerSpec "adds multi-value attributes", "changes multi-value attributes" (only the element
    that went is removed) and "removes multi-value attributes"."""
    t1 = write(db, f'Create({doc(1)}, {{data: {{friends: ["fred", "waldo"]}}}})')
    t2 = write(db, f'Update({doc(1)}, {{data: {{friends: ["fred"]}}}})')
    t3 = write(db, f'Update({doc(1)}, {{data: {{friends: null}}}})')
    assert events(db, "by_friend", '"fred"') == [(t1, "add", "1"), (t3, "remove", "1")]
    assert events(db, "by_friend", '"waldo"') == [(t1, "add", "1"), (t2, "remove", "1")]


def test_a_path_through_an_array_of_objects_reaches_each(db):
    """IndexerSpec "adds nested multi-value attributes"."""
    write(db, f'Create({doc(1)}, {{data: {{addresses: [{{address: "123 Main St."}}, {{address: "456 First St."}}]}}}})')
    for address in ('"123 Main St."', '"456 First St."'):
        assert [r.id for r in members(db, "by_address", address)] == ["1"]


def test_compound_terms_keep_a_null_but_not_all_nulls(db):
    """IndexerSpec "adds compound values", "changes compound values", "adds null terms" (a missing term
    is null beside a present one) and "elides entirely null terms"."""
    t1 = write(db, f'Create({doc(1)}, {FRED})')
    t2 = write(db, f'Update({doc(1)}, {{data: {{name: "freddy"}}}})')
    t3 = write(db, f'Update({doc(1)}, {{data: {{email: null}}}})')
    t4 = write(db, f'Update({doc(1)}, {{data: {{name: null}}}})')
    assert events(db, "by_name_email", '["fred", "fred@example.com"]') == [(t1, "add", "1"), (t2, "remove", "1")]
    assert events(db, "by_name_email", '["freddy", "fred@example.com"]') == [(t2, "add", "1"), (t3, "remove", "1")]
    assert events(db, "by_name_email", '["freddy", null]') == [(t3, "add", "1"), (t4, "remove", "1")]
    assert events(db, "by_name_email", "[null, null]") == []


def test_an_object_is_no_term(db):
    """IndexerSpec "elides objects" and "elides changed objects": a term field holding an object makes
    no entry."""
    write(db, f'Create({doc(1)}, {{data: {{fullname: {{first: "fred", last: "friendly"}}}}}})')
    write(db, f'Update({doc(1)}, {{data: {{fullname: {{last: null}}}}}})')
    assert members(db, "by_fullname", '{first: "fred", last: "friendly"}') == []
    assert members(db, "by_fullname", '{first: "fred"}') == []
    assert members(db, "by_fullname", "null") == []


def test_covered_values_change_as_a_remove_and_an_add(db):
    """IndexerSpec "adds covered values", "changes covered values", "removes covered values", and the
    same with no terms ("... empty terms with covered values")."""
    t1 = write(db, f'Create({doc(1)}, {FRED})')
    t2 = write(db, f'Update({doc(1)}, {{data: {{email: "freddy@example.com"}}}})')
    t3 = deleted(db, 1)
    expected = [
        (t1, "add", "1", ["fred@example.com"]),
        (t2, "remove", "1", ["fred@example.com"]),
        (t2, "add", "1", ["freddy@example.com"]),
        (t3, "remove", "1", ["freddy@example.com"]),
    ]
    assert events(db, "email_by_name", '"fred"') == expected
    assert events(db, "emails") == expected


def test_an_entry_whose_covered_values_are_all_null_is_elided(db):
    """IndexerSpec "elides entirely null values": with terms (name, email) covering (email), a version
    without an email makes no entry under (name, null), and the one it replaces is removed."""
    t1 = write(db, f'Create({doc(1)}, {{data: {{email: "fred@example.com"}}}})')
    t2 = write(db, f'Update({doc(1)}, {{data: {{name: "fred", email: null}}}})')
    assert events(db, "email_by_name_email", '[null, "fred@example.com"]') == [
        (t1, "add", "1", ["fred@example.com"]),
        (t2, "remove", "1", ["fred@example.com"]),
    ]
    assert events(db, "email_by_name_email", '["fred", null]') == []


@pytest.mark.parametrize(
    "before, after",
    [
        pytest.param("null", 'Time("2100-01-01T00:00:00Z")', id="add ttl field"),
        pytest.param('Time("2099-01-01T00:00:00Z")', 'Time("2100-01-01T00:00:00Z")', id="update ttl field"),
        pytest.param('Time("2099-01-01T00:00:00Z")', "null", id="remove ttl field"),
    ],
)
def test_a_changed_ttl_removes_the_entry_and_adds_it_again(db, before, after):
    """IndexerSpec "add ttl field", "update ttl field", "remove ttl field", and IndexesSpec "emit two
    events when adding a TTL": an entry holds its document's ttl (IndexTuple's `ttl`), so a write that
    changes only the ttl removes the entry and adds it again, two events of the write's time (fixed:
    fql's index history left the entry alone)."""
    t1 = write(db, f'Create({doc(1)}, {{data: {{name: "fred"}}, ttl: {before}}})')
    t2 = write(db, f'Update({doc(1)}, {{ttl: {after}}})')
    expected = [(t1, "add", "1"), (t2, "remove", "1"), (t2, "add", "1")]
    assert events(db, "by_name", '"fred"') == expected
    assert events(db, "everything") == expected
    assert set_events(db, 'Documents(Collection("people"))') == expected


def test_a_ttl_updated_to_its_own_value_is_no_event(db):
    """IndexerSpec "update ttl field to same value"."""
    t1 = write(db, f'Create({doc(1)}, {{data: {{name: "fred"}}, ttl: Time("2100-01-01T00:00:00Z")}})')
    write(db, f'Update({doc(1)}, {{ttl: Time("2100-01-01T00:00:00Z")}})')
    assert events(db, "by_name", '"fred"') == [(t1, "add", "1")]


# -- IndexesSpec ------------------------------------------------------------------------------------------


def test_covered_values_sort_with_null_last(db):
    """IndexesSpec "covered values sort": under one age, entries sort by name, a missing name (null)
    after the strings."""
    for id, data in ((1, '{name: "fred", age: 10}'), (2, '{name: "waldo", age: 10}'), (3, "{age: 10}")):
        write(db, f"Create({doc(id)}, {{data: {data}}})")
    assert [name for name, _ in members(db, "name_ref_by_age", "10")] == ["fred", "waldo", None]


def test_consecutive_transactions_each_see_the_last_ones_entries(db):
    """IndexesSpec "given txns i, j where snapTS(j) == txnTS(i), index entries are correctly emitted"."""
    t1 = write(db, f'Create({doc(1)}, {{data: {{name: "bob"}}}})')
    t2 = write(db, f'Update({doc(1)}, {{data: {{name: "fred"}}}})')
    assert events(db, "by_name", '"bob"') == [(t1, "add", "1"), (t2, "remove", "1")]
    assert events(db, "by_name", '"fred"') == [(t2, "add", "1")]


def test_an_expired_document_is_in_no_entry(db):
    """IndexesSpec "don't emit index entries if document is ttl'ed"."""
    write(db, f'Create({doc(1)}, {{data: {{name: "bob"}}, ttl: TimeSubtract(Now(), 5, "seconds")}})')
    assert members(db, "by_name", '"bob"') == []


def test_a_ttl_set_to_now_in_the_creating_query_hides_the_document(db):
    """IndexesSpec "can change TTL within query" (its first half: the second writes past a read that a
    query's Update makes, and finds the expired document gone)."""
    db.query(f'Do(Create({doc(1)}, {{data: {{name: "bob"}}}}), Update({doc(1)}, {{ttl: Now()}}))')
    assert members(db, "by_name", '"bob"') == []


def test_events_inserted_out_of_order_make_a_consistent_history(db):
    """IndexesSpec "out of order event writes remain consistent": deletes and creates inserted at times
    6, 5, 4, 3, 2, 1 leave the collection's index the adds and removes of a document that lived from 1 to
    3 and from 5 to 6. The times here count from the collection's creation, since a history of events
    before the collection's minimum valid time is folded as core's GC rules fold it (test_core_inline_gc)."""
    base = db.query('Select("ts", Get(Collection("people")))')
    for ts, action in ((6, "delete"), (5, "create"), (4, "delete"), (3, "delete"), (2, "create"), (1, "create")):
        db.query(f'Insert({doc(1)}, {base + ts}, "{action}", {{data: {{}}}})')
    assert events(db, "by_class_ref", f'[Collection("people"), {doc(1)}]') == [
        (base + 1, "add", "1"),
        (base + 3, "remove", "1"),
        (base + 5, "add", "1"),
        (base + 6, "remove", "1"),
    ]
