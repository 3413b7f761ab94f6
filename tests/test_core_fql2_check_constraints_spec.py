"""Core's FQL2CheckConstraintsSpec (ext/model/src/test/scala/fql2/FQL2CheckConstraintsSpec.scala), through the
v10 endpoint (and v4's `db.query`). Each test names its case.

Ported elsewhere already: "cannot be declared with an invalid name", "can be declared with short lambda",
"reject checks of the wrong arity", "forbid duplicate check names" (tests/test_core_docs10.py
test_check_constraint_definitions and test_check_constraint_short_lambda_and_non_boolean); "handle evaluation
errors" and its V4 edition (tests/test_v10_summaries.py test_a_null_in_a_check_constraint,
tests/test_core_docs10.py test_check_constraint_error_traced_to_the_write and test_check_constraints_from_v4);
"cannot write" (tests/test_v10_summaries.py test_check_constraints_trace_into_their_source); "work correctly
with at-expression" (tests/test_core_docs10.py test_check_constraint_reads_in_at).
"""

from __future__ import annotations

import json

import pytest

import fql

from .core_fql2_root import answer, failure, ok


def core_message(body: dict) -> str:
    """The error's message as core's QueryFailure words it: the summary before the query's frame."""
    return body["summary"].split("\nat *query*")[0].removeprefix("error: ")


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret="secret")


OK_AND_COOL = (
    "constraints: [{ check: { name: 'ok', body: 'doc => doc.ok' } },"
    " { check: { name: 'cool', body: 'doc => doc.cool ?? true' } }]"
)


def test_can_be_declared(db):
    ok(
        db,
        "Collection.create({ name: 'Foo', constraints: [{ check: { name: 'a', body: 'doc => doc.x == 0' } },"
        " { check: { name: 'b', body: 'doc => doc.y != 0' } }] })",
    )
    assert ok(db, "Foo.definition.constraints.length") == 2
    assert ok(db, "Foo.definition.constraints.first()!.check.body", typecheck=False) == "doc => doc.x == 0"
    assert ok(db, "Foo.definition.constraints.last()!.check.body", typecheck=False) == "doc => doc.y != 0"


def test_accept_passing_docs_and_reject_failing_docs(db):
    ok(db, f"Collection.create({{ name: 'Foo', {OK_AND_COOL} }})")
    ok(db, "Foo.create({ ok: true })")
    assert ok(db, "Foo.all().count()") == 1
    for doc, failed in [
        ("{ ok: false }", ["ok"]),
        ("{ ok: true, cool: false }", ["cool"]),
        # doc.ok is null, which fails as false does.
        ("{ cool: false }", ["ok", "cool"]),
    ]:
        body = failure(db, f"Foo.create({doc})")
        assert body["error"]["code"] == "constraint_failure"
        assert core_message(body) == "\n".join(
            ["Failed to create document in collection `Foo`.", "constraint failures:"]
            + [f"  Document failed check constraint `{name}`" for name in failed]
        )
        assert ok(db, "Foo.all().count()") == 1
    body = failure(db, "Foo.all().first()!.update({ cool: false })")
    assert core_message(body).endswith("constraint failures:\n  Document failed check constraint `cool`")
    ok(db, "Foo.all().first()!.update({ cool: true })")
    body = failure(db, "Foo.all().first()!.replace({ ok: false })")
    assert core_message(body).endswith("constraint failures:\n  Document failed check constraint `ok`")
    ok(db, "Foo.all().first()!.replace({ ok: true })")


def test_accept_passing_docs_and_reject_failing_docs_v4_edition(db):
    ok(db, f"Collection.create({{ name: 'FooV4', {OK_AND_COOL} }})")
    db.query('Create(Collection("FooV4"), {data: {ok: true}})')
    assert ok(db, "FooV4.all().count()") == 1
    with pytest.raises(fql.FQLError) as caught:
        db.query('Create(Collection("FooV4"), {data: {ok: false}})')
    assert [e["description"] for e in caught.value.v4_errors()] == ["Document failed check constraint `ok`"]
    assert ok(db, "FooV4.all().count()") == 1
    with pytest.raises(fql.FQLError) as caught:
        db.query('Create(Collection("FooV4"), {data: {ok: false, cool: false}})')
    assert [(e["code"], e["description"]) for e in caught.value.v4_errors()] == [
        ("check constraint failure", "Document failed check constraint `ok`"),
        ("check constraint failure", "Document failed check constraint `cool`"),
    ]
    assert ok(db, "FooV4.all().count()") == 1


def test_v4_check_failures_are_at_the_writes_position(db):
    # Not a spec case, from core's source: WriteConfig.evalCheckConstraints gets the position of the write,
    # a create's form key (AbstractCreateFunction's createPos), an update's call (WriteAdaptor.update).
    ok(db, f"Collection.create({{ name: 'FooV4', {OK_AND_COOL} }})")
    db.query('Create(Ref(Collection("FooV4"), "1"), {data: {ok: true}})')
    for query, position in [
        ('Create(Collection("FooV4"), {data: {ok: false}})', ["create"]),
        ('Let({x: 1}, Create(Collection("FooV4"), {data: {ok: false}}))', ["in", "create"]),
        ('Update(Ref(Collection("FooV4"), "1"), {data: {ok: false}})', []),
    ]:
        with pytest.raises(fql.FQLError) as caught:
            db.query(query)
        assert [(e["code"], e["position"]) for e in caught.value.v4_errors()] == [
            ("check constraint failure", position)
        ], query


def test_check_failures_are_errors_of_the_v4_envelope(db):
    # The V4 edition's two failures, as `POST /` answers them: one error per failed check.
    from fql.server.app import App

    ok(db, f"Collection.create({{ name: 'FooV4', {OK_AND_COOL} }})")
    body = {"create": {"collection": "FooV4"}, "params": {"object": {"data": {"object": {"ok": False, "cool": False}}}}}
    response = App(db)._query(json.dumps(body).encode(), "secret")
    assert response.status == 400
    assert [e["description"] for e in json.loads(response.body)["errors"]] == [
        "Document failed check constraint `ok`",
        "Document failed check constraint `cool`",
    ]


def test_arent_clobbered_by_v4_collection_changes(db):
    ok(db, "Collection.create({ name: 'Foo', constraints: [{ check: { name: 'ok', body: 'doc => doc.ok' } }] })")
    db.query(
        'CreateIndex({name: "byX", source: Collection("Foo"), active: true, terms: [{field: ["data", "x"]}],'
        " unique: true})"
    )
    body = failure(db, "Foo.create({ x: 0, ok: false })")
    assert core_message(body).endswith("constraint failures:\n  Document failed check constraint `ok`")


def test_use_computed_fields(db):
    ok(
        db,
        "Collection.create({ name: 'Foo', computed_fields: { fpb: { body: 'doc => doc.foo + doc.bar' },"
        " fmb: { body: 'doc => doc.foo - doc.bar' } },"
        " constraints: [{ check: { name: 'fpbpfmpgt0', body: 'doc => doc.fpb + doc.fmb > 0' } }] })",
    )
    ok(db, "Foo.create({ foo: 1, bar: -1 })")
    assert ok(db, "Foo.all().count()") == 1
    body = failure(db, "Foo.create({ foo: -1, bar: 1 })")
    assert body["error"]["code"] == "constraint_failure"
    assert core_message(body) == (
        "Failed to create document in collection `Foo`.\nconstraint failures:\n"
        "  Document failed check constraint `fpbpfmpgt0`"
    )
    assert ok(db, "Foo.all().count()") == 1


def test_handle_evaluation_errors_writes_nothing(db):
    # "handle evaluation errors" (its summary is in tests/test_v10_summaries.py): the failed create is undone.
    ok(
        db,
        "Collection.create({ name: 'Foo', constraints: [{ check: { name: 'ok', body: 'doc => doc.ok' } },"
        " { check: { name: 'plus1', body: 'doc => doc.foo + 1 > 0' } }] })",
    )
    assert failure(db, "Foo.create({ ok: 'true' })")["error"]["code"] == "invalid_function_invocation"
    assert ok(db, "Foo.all().count()") == 0


def test_can_read(db):
    # At most two of an animal: the check runs after the write, so it sees the new document in the index.
    ok(
        db,
        "Collection.create({ name: 'Ark', indexes: { byAnimal: { terms: [{ field: 'animal' }] } },"
        " constraints: [{ check: { name: 'atMostTwoOfMe', body: 'doc => Ark.byAnimal(doc.animal).count() < 3' } }] })",
    )
    ok(db, "Ark.create({ animal: 'turtle' })")
    ok(db, "Ark.create({ animal: 'turtle' })")
    assert failure(db, "Ark.create({ animal: 'turtle' })")["error"]["code"] == "constraint_failure"
    assert ok(db, "Ark.byAnimal('turtle').count()") == 2


def test_cannot_write_writes_nothing(db):
    ok(
        db,
        "Collection.create({ name: 'Animal', constraints: [{ check: { name: 'cloneMe',"
        " body: 'doc => { Animal.create({ animal: doc.animal }); true }' } }] })",
    )
    assert failure(db, "Animal.create({ name: 'Dolly', animal: 'sheep' })")["error"] == {
        "code": "invalid_effect",
        "message": "`create` performs a write, which is not allowed in check constraints.",
    }
    assert ok(db, "Animal.all().count()") == 0


def test_allow_miscreants_to_transmit_information_via_abort(db):
    ok(db, "Collection.create({ name: 'Felon', constraints: [{ check: { name: 'isGuilty', body: '_ => abort(0)' } }] })")
    assert failure(db, "Felon.create({ name: 'DX' })")["error"] == {"code": "abort", "message": "Query aborted.", "abort": 0}
    assert ok(db, "Felon.all().count()") == 0


def test_by_id_allows_integers_and_strings(db):
    ok(db, "Collection.create({ name: 'Foo' })")
    for query in ("Foo.byId(ID(3))", "Foo.byId(ID('3'))", "Foo.byId(3)", "Foo.byId('3')"):
        assert answer(db, query, typecheck=True)["static_type"] == "Ref<Foo>"
    body = failure(db, "Foo.byId(true)")
    assert body["error"]["code"] == "invalid_query"
    assert body["summary"].split("\n")[0] == "error: Type `Boolean` is not a subtype of `ID`"


def test_work_correctly_with_at_expression(db):
    # The case's last step (the earlier ones are in tests/test_core_docs10.py): x must grow on every write.
    body = "doc => { let prev = at (Time.now().subtract(1, \"microsecond\")) { (doc ?? { x: 0 }).x }; doc.x > prev }"
    ok(db, f"Collection.create({{ name: 'Foo', constraints: [{{ check: {{ name: 'increasing', body: '{body}' }} }}] }})")
    ok(db, "Foo.create({ id: 0, x: 1 })")
    ok(db, "Foo.byId(0)!.update({ x: 3 })")
    assert failure(db, "Foo.byId(0)!.update({ x: 2 })")["error"]["code"] == "constraint_failure"
