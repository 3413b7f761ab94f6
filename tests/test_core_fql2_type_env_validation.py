"""Core's ext/model/src/test/scala/fql2/FQL2TypeEnvValidationSpec.scala: what a schema write is checked for
whether or not its database is typechecked (the signatures of defined fields, their persistability, the
types a collection's name gives the environment), and what is let through when it is not (check
constraints, computed fields, function bodies, index terms, role predicates). Queries go through
`POST /query/1` in-process in a child database made as core's newDB(typechecked) makes one, so that the
rendered error (the summary) is what is compared. Each test names the case it comes from."""

from __future__ import annotations

import pytest

import fql
from tests.helpers import QueryEndpoint

ROOT = "secret"
SECRET = "secret:db:admin"
BOTH = pytest.mark.parametrize("typechecked", [True, False])


def database(typechecked: bool) -> fql.Database:
    db = fql.connect(root_secret=ROOT)
    db.query(f'Database.create({{ name: "db", typechecked: {str(typechecked).lower()} }})', syntax="v10")
    return db


# No X-Typecheck header: the request follows the database's setting, as core's evalOk does.
ENDPOINT = QueryEndpoint(SECRET, fmt="simple")
answer, ok = ENDPOINT.answer, ENDPOINT.ok


def rendered_error(db: fql.Database, query: str) -> str:
    status, body = answer(db, query)
    assert status == 400, body
    assert body["error"]["code"] == "invalid_schema"
    return body["summary"]


@BOTH
def test_always_checks_defined_fields_signatures(typechecked):
    # "always checks defined fields' signatures (typechecked=true|false)"
    db = database(typechecked)
    query = 'Collection.create({ name: "Foo", fields: { badsig: { signature: "Ref<Bar>" } } })'
    assert "error: Unknown type `Bar`" in rendered_error(db, query)
    assert ok(db, "Collection.byName('Foo')") is None


@BOTH
def test_always_checks_defined_fields_persistability(typechecked):
    # "always checks defined fields' persistability (typechecked=true|false)"
    db = database(typechecked)
    query = 'Collection.create({ name: "Foo", fields: { badsig: { signature: "Int => Int" } } })'
    assert "error: Field `badsig` in collection Foo is not persistable" in rendered_error(db, query)


@BOTH
def test_always_checks_for_type_env_name_conflicts(typechecked):
    # "always checks for type env name conflicts (typechecked=true|false)": `Foo` gives the type `NullFoo`
    # (its null documents), so a collection of that name is refused.
    db = database(typechecked)
    ok(db, "Collection.create({ name: 'Foo' })")
    summary = rendered_error(db, "Collection.create({ name: 'NullFoo' })")
    assert (
        "The collection name `NullFoo` generates types that conflict with the following existing types: NullFoo"
        in summary
    )
    assert ok(db, "Collection.byName('NullFoo')") is None


def test_type_env_name_conflicts_either_way_round_and_by_alias_or_rename():
    # More of "always checks for type env name conflicts": the other order, the `<name>Collection` type,
    # an alias, and a rename are checked as a new name is (core checks every changed name and alias).
    db = database(True)
    ok(db, "Collection.create({ name: 'NullBar' })")
    assert "The collection name `Bar` generates types that conflict with the following existing types: NullBar" in (
        rendered_error(db, "Collection.create({ name: 'Bar' })")
    )
    ok(db, "Collection.create({ name: 'Foo' })")
    assert "The collection name `FooCollection` generates types that conflict with the following existing types: FooCollection" in (
        rendered_error(db, "Collection.create({ name: 'FooCollection' })")
    )
    assert "The collection alias `NullFoo` generates types that conflict with the following existing types: NullFoo" in (
        rendered_error(db, "Collection.create({ name: 'Baz', alias: 'NullFoo' })")
    )
    ok(db, "Collection.create({ name: 'Qux' })")
    assert "The collection name `NullFoo` generates types that conflict" in (
        rendered_error(db, "Collection.byName('Qux')!.update({ name: 'NullFoo' })")
    )
    # A name that only starts like a derived type is fine, as is renaming away from the clash.
    assert ok(db, "Collection.create({ name: 'Nullable' }).name") == "Nullable"
    assert ok(db, "Collection.byName('Foo')!.update({ name: 'Foo2' }).name") == "Foo2"
    assert ok(db, "Collection.byName('Qux')!.update({ name: 'NullFoo' }).name") == "NullFoo"


def test_type_env_name_conflicts_are_checked_once_the_query_has_run():
    # The check runs on the environment the whole query leaves: the clash is found even when both
    # collections are made by one query, and nothing of it is kept.
    db = database(False)
    assert "generates types that conflict with the following existing types: NullA" in (
        rendered_error(db, "Collection.create({ name: 'A' })\nCollection.create({ name: 'NullA' })")
    )
    assert ok(db, "Collection.all().count()") == 0


def test_when_typechecking_is_off_check_constraints_are_not_typechecked():
    # "when typechecking is off, doesn't typecheck or validate other things: like check constraints"
    db = database(False)
    created = ok(db, 'Collection.create({ name: "Foo", constraints: [{ check: { name: "bad", body: "_ => 0" } }] })')
    assert created["constraints"][0]["check"]["name"] == "bad"


def test_when_typechecking_is_off_computed_fields_are_not_typechecked():
    # "... like computed fields": a body whose type is not its signature's.
    db = database(False)
    created = ok(db, "Collection.create({ name: \"Foo\", computed_fields: { bad: { signature: \"Int\", body: \"_ => '0'\" } } })")
    assert created["computed_fields"]["bad"]["signature"] == "Int"


def test_when_typechecking_is_off_udfs_are_not_typechecked():
    # "... like UDFs"
    db = database(False)
    created = ok(db, "Function.create({ name: \"Foo\", signature: \"Int => Int\", body: \"_ => '0'\" })")
    assert created["signature"] == "Int => Int"


def test_when_typechecking_is_off_index_fields_are_not_typechecked():
    # "... like index fields": an index on a field the collection's type has not.
    db = database(False)
    created = ok(db, 'Collection.create({ name: "Foo", fields: { a: { signature: "Int" } }, indexes: { byB: { terms: [{ field: ".b" }] } } })')
    assert created["indexes"]["byB"]["terms"] == [{"field": ".b"}]


def test_index_fields_are_typechecked_when_typechecking_is_on():
    # The other side of "... like index fields".
    db = database(True)
    query = 'Collection.create({ name: "Foo", fields: { a: { signature: "Int" } }, indexes: { byB: { terms: [{ field: ".b" }] } } })'
    assert "does not have field `b`" in rendered_error(db, query)


def test_when_typechecking_is_off_indexed_computed_fields_are_not_typechecked():
    # "... like indexed computed fields"
    db = database(False)
    created = ok(
        db,
        'Collection.create({ name: "Foo", computed_fields: { a: { body: "_ => 2" }, b: { body: "doc => doc.a + 2" } }, '
        'indexes: { byB: { terms: [{ field: ".b" }] } } })',
    )
    assert created["indexes"]["byB"]["terms"] == [{"field": ".b"}]
    ok(db, "Foo.create({})")
    assert ok(db, "Foo.all().first()!.b") == 4


def test_when_typechecking_is_off_role_predicates_are_not_typechecked():
    # "... like role predicates"
    db = database(False)
    created = ok(
        db,
        "Collection.create({ name: 'Users' })\n"
        "Role.create({ name: 'Foo', membership: { resource: 'Users', predicate: '_ => 0' } })",
    )
    assert created["membership"] == {"resource": "Users", "predicate": "_ => 0"}
