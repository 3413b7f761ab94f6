"""Database documents written and read across the syntaxes: which fields v10 keeps to itself (core's
NativeCollection.Database marks `container` and the v4-era fields internal) and what a v10 replace keeps."""

from __future__ import annotations

import pytest

import fql
from tests.helpers import query_error as error


@pytest.fixture
def db() -> fql.Database:
    return fql.connect()


def v10(db: fql.Database, text: str):
    return db.query(text, syntax="v10")


def test_v10_replace_drops_what_it_does_not_give(db):
    # Schema.validateReplaceWithTransform writes the given fields and copies only the internal ones.
    v10(db, 'Database.create({ name: "a", typechecked: false, protected: false, priority: 5, data: { x: 1 } })')
    replaced = v10(db, 'Database.byName("a")!.replace({ name: "b" })')
    assert {k: replaced[k] for k in replaced if k not in ("ts", "global_id")} == {"name": "b"}
    again = v10(db, 'Database.byName("b")!.replace({ name: "b", priority: 3, data: { q: 1 } }) { name, priority, data, typechecked }')
    assert again == {"name": "b", "priority": 3, "data": {"q": 1}, "typechecked": None}


def test_a_container_flag_is_internal_in_v10(db):
    db.query('CreateDatabase({name: "k", container: true, typechecked: true})')
    # Not shown (maskInternalFieldMap), though a v4 read shows it.
    assert "container" not in v10(db, 'Database.byName("k")!')
    assert db.query('Select("container", Get(Database("k")))') is True
    # Given as it is stored, it is let be; given anew, it is an unexpected field (SchemaType.validateField).
    assert v10(db, 'Database.byName("k")!.update({ container: true, data: { b: 2 } }).data') == {"b": 2}
    err = error(db, 'Database.byName("k")!.update({ container: false })', syntax="v10")
    assert (err.v10_code, err.description) == ("constraint_failure", "Failed to update Database `k`.")
    assert err.failures == [{"field": ["container"], "code": "invalid", "description": "Unexpected field provided"}]
    err = error(db, 'let p: Any = { name: "z", container: true }; Database.create(p)', syntax="v10")
    assert err.failures == [{"field": ["container"], "code": "invalid", "description": "Unexpected field provided"}]
    # A v10 replace keeps it, as it keeps every internal field.
    v10(db, 'Database.byName("k")!.replace({ name: "k" })')
    assert db.query('Get(Database("k"))')["container"] is True
    assert "typechecked" not in db.query('Get(Database("k"))')


def test_v4_database_failures_come_together(db):
    # Database.LiveValidator: the version's field types, ReferencesValidator, then ContainerStateValidator,
    # every failure in one answer.
    db.query('CreateDatabase({name: "p"})')
    db.query('CreateCollection({name: "c"})')
    db.query('CreateCollection({name: "inside"})', secret="secret:p:admin")
    err = error(db, 'Update(Database("p"), {container: true, priority: 0, data: {r: Ref(Collection("c"), "9")}})')
    assert err.code == "validation failed"
    assert [(f["field"], f["code"]) for f in err.failures] == [
        (["priority"], "invalid type"),
        (["data", "r"], "invalid reference"),
        ([], "container candidate contains data"),
    ]
    assert err.failures[1]["description"] == "Reference was not found."
