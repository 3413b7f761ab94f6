"""Core's ext/model/src/test/scala/fql2/FQL2CacheSpec.scala: a renamed collection, function, role or index
is usable under its new name in the next query, and its old name is gone (core's cache drops it
`eventually`; fql keeps no cache of schema, so at once).

Left out: the last step of 'indexes' (the removed index's name is the typechecker's `Type `FooCollection`
does not have field `byName``; fql has no static typechecker, README)."""

from __future__ import annotations

import pytest

import fql
from tests.helpers import QueryEndpoint

SECRET = "secret"


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret=SECRET)


ENDPOINT = QueryEndpoint(SECRET)
answer, ok = ENDPOINT.answer, ENDPOINT.ok


def err(db: fql.Database, query: str) -> dict:
    """The `error` of a query that fails (400)."""
    return ENDPOINT.err(db, query)["error"]


@pytest.mark.parametrize(
    "create",
    [
        pytest.param('Collection.create({ name: "Foo" })', id="collections"),
        pytest.param('Function.create({ name: "Foo", body: "_ => null" })', id="functions"),
    ],
)
def test_top_level_rename(db, create):
    # FQL2CacheSpec 'FQL2Cache' / 'works' / 'collections' and 'functions' (testTopLevel).
    ok(db, create)
    ok(db, "Foo")
    ok(db, 'Foo.definition.update({ name: "Foo0" })')
    ok(db, "Foo0")
    # Core: QueryCheckFailure(Seq(TypeError("Unbound variable `Foo`", ...))).
    assert err(db, "Foo") == {"code": "invalid_query", "message": "The query failed 1 validation check"}
    assert answer(db, "Foo")[1]["summary"].startswith("error: Unbound variable `Foo`\n")


def test_roles(db):
    # FQL2CacheSpec 'FQL2Cache' / 'works' / 'roles'.
    ok(db, "Collection.create({ name: 'Bar' })")
    ok(db, 'Role.create({ name: "aRole", privileges: { resource: "Bar", actions: {} } })')
    ok(db, 'Role.byName("aRole")!')
    ok(db, 'Role.byName("aRole")!.update({name: "newName"})')
    assert ok(db, 'Role.byName("newName")!')["name"] == "newName"
    assert err(db, 'Role.byName("aRole")!') == {"code": "document_not_found", "message": "Role `aRole` not found."}


def test_indexes(db):
    # FQL2CacheSpec 'FQL2Cache' / 'works' / 'indexes', up to the typechecker's step.
    ok(db, 'Collection.create({ name: "Foo", indexes: { byName: { terms: [{ field: "name" }] } } })')
    ok(db, "Foo.byName")
    ok(db, 'Foo.definition.update({ indexes: { byName0: { terms: [{ field: "name" }] }, byName: null } })')
    assert ok(db, "Foo.byName0") is not None
    assert list(ok(db, "Foo.definition.indexes")) == ["byName0"]
