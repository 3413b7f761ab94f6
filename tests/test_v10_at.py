"""v10 `at (time) { ... }` with real write times, on every backend.

tests/fixtures/v10/at.fql covers the language; these cases read back the times writes got, page sets
made inside `at` in later queries, and check `history_read` and that a refused write leaves nothing.
"""

from __future__ import annotations

import pytest

import fql
from fql.parse import parse
from tests.storage.backends import BACKENDS, database_url
from tests.helpers import query_v10 as q, query_v10_error as error


@pytest.fixture(params=BACKENDS)
def db(request, tmp_path):
    with database_url(request.param, tmp_path) as url:
        database = fql.connect(url)
        q(database, 'Collection.create({ name: "User", indexes: { byTeam: { terms: [{ field: ".team" }] } } })')
        yield database
        database.close()


def test_documents_and_their_references_as_they_were(db):
    made = q(db, 'let a = User.create({ name: "Alice" }); User.create({ name: "Bob", other: a, team: "x" })')
    bob, at = made.id, repr(made.ts)
    q(db, f'User.byId("{bob}")!.update({{ name: "Joe" }}); User.byId("{bob}")!.other!.update({{ name: "Carol" }})')
    read = f'User.byId("{bob}")!'
    assert q(db, f"at ({at}) {{ {read}.name }}") == "Bob"
    assert q(db, f"(at ({at}) {{ {read} }}).name") == "Bob"
    assert q(db, f"at ({at}) {{ {read}.other.name }}") == "Alice"
    assert q(db, f"(at ({at}) {{ {read} }}).other.name") == "Alice"
    assert q(db, f"(at ({at}) {{ {read}.other }}).name") == "Alice"
    assert q(db, f"{read}.other.name") == "Carol"
    past = q(db, f"at ({at}) {{ {read} }}")
    assert (past["name"], past.ts) == ("Bob", made.ts)


def test_sets_made_inside_at_keep_their_time_across_queries(db):
    first = q(db, 'User.create({ name: "Ann", team: "x" })')
    q(db, 'User.create({ name: "Ben", team: "x" })')
    at = repr(q(db, "Time.now()"))
    q(db, 'User.create({ name: "Cat", team: "x" })')
    q(db, 'User.all().forEach(u => u.update({ name: u.name + "!", team: "y" }))')
    page = q(db, f"(at ({at}) {{ User.all() }}).pageSize(1).map(.name).paginate()")
    assert page["data"] == ["Ann"]
    rest = q(db, f'Set.paginate("{page["after"]}", 10)')
    assert rest["data"] == ["Ben"] and "after" not in rest
    by_team = q(db, f'at ({at}) {{ User.byTeam("x").pageSize(1) }}')
    assert [doc["name"] for doc in by_team.data] == ["Ann"]
    assert [doc["name"] for doc in q(db, f'Set.paginate("{by_team.after}")')["data"]] == ["Ben"]
    assert q(db, 'User.byTeam("x").count()') == 0
    assert q(db, f'at ({at}) {{ User.byTeam("y").count() }}') == 0
    assert q(db, f'User.byId("{first.id}")!.name') == "Ann!"


def test_deleted_then_made_again(db):
    # A time before the document, but after the collection's minimum valid time (an older read is
    # refused: test_a_read_before_the_minimum_valid_time_is_refused).
    before = repr(q(db, "Time.now()"))
    made = q(db, 'User.create({ id: "7", name: "Old" })')
    gone = q(db, 'User.byId("7")!.delete(); Time.now()')
    again = q(db, 'User.create({ id: "7", name: "New" })')
    reads = q(db, f'[{before}, {made.ts!r}, {gone!r}, {again.ts!r}].map(t => at (t) {{ User.byId("7") }})')
    assert [getattr(doc, "cause", None) for doc in reads] == ["not found", None, "not found", None]
    assert [reads[1]["name"], reads[3]["name"]] == ["Old", "New"]
    assert [reads[1].ts, reads[3].ts] == [made.ts, again.ts]


def test_reading_the_past_needs_history_read(db):
    made = q(db, 'User.create({ id: "1", name: "Ann" })')
    q(db, 'User.byId("1")!.update({ name: "Ann!" })')
    for name, history in (("historian", "true"), ("reader", "false")):
        db.query(
            f'CreateRole({{name: "{name}", privileges: [{{resource: Collection("User"), '
            f"actions: {{read: true, history_read: {history}}}}}]}})"
        )
    historian, reader = (db.query(f'CreateKey({{role: Role("{name}")}})')["secret"] for name in ("historian", "reader"))
    at = repr(made.ts)
    assert q(db, f'at ({at}) {{ User.byId("1")!.name }}', historian) == "Ann"
    assert q(db, f"at ({at}) {{ User.all().count() }}", historian) == 1
    assert q(db, f'at ({at}) {{ User.byId("1") }}', reader).cause == "permission denied"
    # core's handleNullCause: `!` on a document the caller may not read is null_value, saying why.
    denied = error(db, f'at ({at}) {{ User.byId("1")!.name }}', reader)
    assert (denied.v10_code, denied.description) == ("null_value", "Null value, due to permission denied")
    # A set read in the past leaves out what the caller may not read (core filters it).
    assert q(db, f"at ({at}) {{ User.all().count() }}", reader) == 0
    assert q(db, 'User.byId("1")!.name', reader) == "Ann!"


def test_a_refused_write_changes_nothing(db):
    made = q(db, 'User.create({ id: "1", name: "Ann" })')
    err = error(db, f'User.create({{ id: "2", name: "Ben" }}); at ({made.ts!r}) {{ User.byId("1")!.delete() }}')
    assert (err.v10_code, err.description) == ("invalid_write", "Cannot write at a snapshot time in the past.")
    assert q(db, "User.all().count()") == 1
    assert q(db, 'at (Time.now()) { User.create({ id: "3" }).id }') == "3"


def test_a_time_of_another_type_without_typechecking(db):
    with pytest.raises(fql.FQLError) as err:
        db.run_with_state(parse('at ("yesterday") 1', "v10"), syntax="v10", typecheck=False)
    assert (err.value.v10_code, err.value.description) == ("type_mismatch", "expected type: Time, received String")
    assert error(db, 'at ("yesterday") 1').v10_code == "invalid_query"
