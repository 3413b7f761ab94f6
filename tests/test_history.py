"""Document history with real write times: events of Create/Update/Delete, At, Insert and Remove.

tests/fixtures/v4/history.fql spells out events at times chosen with Insert; these cases use the times
the writes themselves got, on every backend.
"""

from __future__ import annotations

import pytest

import fql
from fql import Ref
from tests.storage.backends import BACKENDS, database_url


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path):
    with database_url(request.param, tmp_path) as url:
        database = fql.connect(url)
        database.query('CreateCollection({name: "notes"})')
        database.query(
            'CreateIndex({name: "notes_by_tag", source: Collection("notes"), terms: [{field: ["data", "tag"]}]})'
        )
        yield database
        database.close()


def q(db: fql.Database, text: str, ref: Ref):
    """Run `text` with `$ref` standing for the FQL of `ref`."""
    return db.query(text.replace("$ref", fql.to_fql(ref)))


def test_create_update_delete_make_a_history(db):
    created = db.query('Create(Collection("notes"), {data: {text: "a", tag: "x"}})')
    ref = created["ref"]
    updated = q(db, 'Update($ref, {data: {text: "b", tag: null}})', ref)
    q(db, "Delete($ref)", ref)
    events = q(db, "Paginate(Events($ref))", ref).data
    assert [e["action"] for e in events] == ["create", "update", "delete"]
    assert [e["ts"] for e in events[:2]] == [created["ts"], updated["ts"]]
    assert events[2]["ts"] > updated["ts"]
    assert all(e["document"] == ref for e in events)
    assert events[0]["data"] == {"text": "a", "tag": "x"}
    assert events[1]["data"] == {"text": "b", "tag": None}
    assert events[2]["data"] is None
    singleton = q(db, "Paginate(Events(Singleton($ref)))", ref).data
    assert [(e["action"], e["ts"]) for e in singleton] == [("add", created["ts"]), ("remove", events[2]["ts"])]


def test_at_reads_get_exists_and_documents_as_they_were(db):
    first = db.query('Create(Collection("notes"), {data: {text: "one", tag: "x"}})')
    ref = first["ref"]
    second = q(db, 'Update($ref, {data: {text: "two"}})', ref)
    other = db.query('Create(Collection("notes"), {data: {text: "other"}})')
    q(db, "Delete($ref)", ref)
    ts = first["ts"]
    assert q(db, f"At({ts}, Get($ref))", ref) == first
    assert q(db, f"At({second['ts']}, Get($ref))", ref) == second
    with pytest.raises(fql.FQLError) as err:
        q(db, f"At({ts - 1}, Get($ref))", ref)
    assert err.value.code == "instance not found"
    exists = q(db, f"[At({ts}, Exists($ref)), Exists($ref), Exists($ref, {second['ts']})]", ref)
    assert exists == [True, False, True]
    assert db.query(f'At({ts}, Paginate(Documents(Collection("notes"))))').data == [ref]
    assert db.query(f'At({other["ts"]}, Paginate(Documents(Collection("notes"))))').data == [ref, other["ref"]]
    assert db.query('Paginate(Documents(Collection("notes")))').data == [other["ref"]]
    assert db.query(f'Paginate(Match(Index("notes_by_tag"), "x"), {{ts: {ts}}})').data == [ref]
    assert db.query('Paginate(Match(Index("notes_by_tag"), "x"))').data == []


def test_insert_before_the_first_version(db):
    created = db.query('Create(Collection("notes"), {data: {text: "now"}})')
    ref, ts = created["ref"], created["ts"]
    event = q(db, f'Insert($ref, {ts - 1}, "create", {{data: {{text: "before"}}}})', ref)
    assert event == {"ts": ts - 1, "action": "create", "document": ref, "data": {"text": "before"}}
    assert q(db, f"Get($ref, {ts - 1})", ref)["data"] == {"text": "before"}
    assert q(db, "Get($ref)", ref) == created
    events = q(db, "Paginate(Events($ref))", ref).data
    assert [(e["ts"], e["action"], e["data"]) for e in events] == [
        (ts - 1, "create", {"text": "before"}),
        (ts, "update", {"text": "now"}),
    ]


def test_remove_of_a_version_undoes_it(db):
    created = db.query('Create(Collection("notes"), {data: {text: "a", tag: "x"}})')
    ref = created["ref"]
    replaced = q(db, 'Replace($ref, {data: {text: "b", tag: "y"}})', ref)
    assert db.query('Paginate(Match(Index("notes_by_tag"), "y"))').data == [ref]
    assert q(db, f'Remove($ref, {replaced["ts"]}, "create")', ref) is None
    assert q(db, "Get($ref)", ref) == created
    # The index follows what the document is now.
    assert db.query('Paginate(Match(Index("notes_by_tag"), "y"))').data == []
    assert db.query('Paginate(Match(Index("notes_by_tag"), "x"))').data == [ref]
    assert [e["action"] for e in q(db, "Paginate(Events($ref))", ref).data] == ["create"]
    # Removing the only version leaves no document at all.
    q(db, f'Remove($ref, {created["ts"]}, "create")', ref)
    assert q(db, "[Exists($ref), Count(Events($ref))]", ref) == [False, 0]


def test_events_pages_walk_forward_and_back(db):
    ref = db.query('Create(Collection("notes"), {data: {n: 0}})')["ref"]
    for n in range(1, 5):
        q(db, f"Update($ref, {{data: {{n: {n}}}}})", ref)
    q(db, "Delete($ref)", ref)
    everything = q(db, "Paginate(Events($ref))", ref).data
    assert [e["action"] for e in everything] == ["create"] + ["update"] * 4 + ["delete"]

    seen, page = [], q(db, "Paginate(Events($ref), {size: 2})", ref)
    while True:
        seen.extend(page.data)
        if not page.has_after:
            break
        page = db.query(f"Paginate(Events({fql.to_fql(ref)}), {{size: 2, after: {fql.to_fql(page.after)}}})")
    assert seen == everything

    seen, page = [], q(db, "Paginate(Events($ref), {size: 4, before: null})", ref)
    while True:
        seen[:0] = page.data
        if not page.has_before:
            break
        page = db.query(f"Paginate(Events({fql.to_fql(ref)}), {{size: 4, before: {fql.to_fql(page.before)}}})")
    assert seen == everything


def test_writes_inside_at_fail_but_a_delete_deletes_the_present(db):
    created = db.query('Create(Collection("notes"), {data: {text: "a"}})')
    ref, ts = created["ref"], created["ts"]
    for write in ('Create(Collection("notes"), {})', 'Update($ref, {data: {}})', 'Replace($ref, {})'):
        with pytest.raises(fql.FQLError) as err:
            q(db, f"At({ts}, {write})", ref)
        assert err.value.code == "invalid write time"
        assert err.value.description == "Cannot write outside of snapshot time."
    assert q(db, "Get($ref)", ref) == created
    later = q(db, 'Update($ref, {data: {text: "b"}})', ref)
    assert q(db, f"At({ts}, Delete($ref))", ref) == later
    assert q(db, "Exists($ref)", ref) is False


def test_events_of_intersection_and_difference_follow_membership(db):
    db.query('CreateIndex({name: "notes_by_city", source: Collection("notes"), terms: [{field: ["data", "city"]}]})')
    db.query('Create(Ref(Collection("notes"), "1"), {data: {city: "Oslo", tag: "a"}})')
    db.query('Create(Ref(Collection("notes"), "2"), {data: {city: "Oslo"}})')
    db.query('Update(Ref(Collection("notes"), "2"), {data: {tag: "a"}})')
    db.query('Update(Ref(Collection("notes"), "1"), {data: {city: "Rome"}})')
    db.query('Delete(Ref(Collection("notes"), "2"))')
    oslo, tagged = 'Match(Index("notes_by_city"), "Oslo")', 'Match(Index("notes_by_tag"), "a")'

    def events(kind: str) -> list[tuple[str, str]]:
        page = db.query(f"Paginate(Events({kind}({oslo}, {tagged})))")
        return [(e["action"], e["document"].id) for e in page.data]

    assert events("Intersection") == [("add", "1"), ("add", "2"), ("remove", "1"), ("remove", "2")]
    # Note 2 is in Oslo untagged from its create until it is tagged. Note 1 comes to be in both at once:
    # one event at a time, the first set's first, it is added and removed then (core's DocumentSetSpec).
    assert events("Difference") == [("add", "1"), ("remove", "1"), ("add", "2"), ("remove", "2")]


def test_events_of_a_join_are_its_targets_events_while_in_the_source(db):
    db.query(
        'CreateIndex({name: "tags_by_city", source: Collection("notes"), terms: [{field: ["data", "city"]}],'
        ' values: [{field: ["data", "tag"]}]})'
    )
    for n, city, tag in [("1", "Oslo", "a"), ("2", "Rome", "b"), ("3", "Rome", "a")]:
        db.query(f'Create(Ref(Collection("notes"), "{n}"), {{data: {{city: "{city}", tag: "{tag}"}}}})')
    db.query('Update(Ref(Collection("notes"), "1"), {data: {city: "Rome"}})')
    # Tag "a" has left Oslo's tags: a fourth note tagged "a" is not an event of the join.
    db.query('Create(Ref(Collection("notes"), "4"), {data: {city: "Rome", tag: "a"}})')
    joined = 'Join(Match(Index("tags_by_city"), "Oslo"), Index("notes_by_tag"))'
    page = db.query(f"Paginate(Events({joined}))")
    assert [(e["action"], e["document"].id) for e in page.data] == [("add", "1"), ("add", "3")]
    by_lambda = db.query(f'Paginate(Events(Join(Match(Index("tags_by_city"), "Oslo"), Lambda("t", Match(Index("notes_by_tag"), Var("t"))))))')
    assert by_lambda.data == page.data


def test_reads_of_a_documents_events_or_singleton_need_the_history_read_permission(db):
    # Get, Exists and IsEmpty of a set of events read the document it is of, once core's setForRead has
    # asked for `history_read` on it (DocSet.filteredForRead), at the reading verb's position.
    ref = db.query('Create(Collection("notes"), {data: {text: "a"}})')["ref"]
    db.query('CreateRole({name: "reader", privileges: [{resource: Collection("notes"), actions: {read: true}}]})')
    db.query(
        'CreateRole({name: "historian", privileges: [{resource: Collection("notes"),'
        " actions: {read: true, history_read: true}}]})"
    )
    reader = db.query('CreateKey({role: Role("reader")})')["secret"]
    historian = db.query('CreateKey({role: Role("historian")})')["secret"]
    cases = [
        ("Get(Events($ref))", ["get"]),
        ("Exists(Events($ref))", ["exists"]),
        ("IsEmpty(Events($ref))", ["exists"]),
        # A document's Singleton, or the document paginated, is core's DocEventSet too: read it, and it asks.
        ("Get(Singleton($ref))", ["get"]),
        ("Exists(Singleton($ref))", ["exists"]),
        ("Paginate(Singleton($ref))", ["paginate"]),
        ("Paginate($ref)", ["paginate"]),
    ]
    for text, position in cases:
        query = text.replace("$ref", fql.to_fql(ref))
        with pytest.raises(fql.FQLError) as err:
            db.query(query, secret=reader)
        assert (err.value.code, list(err.value.position)) == ("permission denied", position)
    assert db.query(f"Get(Events({fql.to_fql(ref)}))", secret=historian)["data"] == {"text": "a"}
    assert db.query(f"[Exists(Events({fql.to_fql(ref)})), IsEmpty(Events({fql.to_fql(ref)}))]", secret=historian) == [True, False]
    assert db.query(f"Paginate(Singleton({fql.to_fql(ref)}))", secret=historian).data == [ref]
    assert db.query(f"Get({fql.to_fql(ref)})", secret=reader)["ref"] == ref
