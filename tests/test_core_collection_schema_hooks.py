"""Core's ext/model/src/test/scala/fql2/FQLCollectionSchemaHooksSpec.scala 'hooks': a collection's
definition makes its indexes when it is created or updated, and deleting the collection removes them,
v4 indexes sourced from it too. Core counts the backing indexes in its storage
(Index.getUserDefinedBySourceUncached); fql shows them by what they answer.

Left out: 'update status & queryable' (core builds an index over more than 128 documents in a background
task, `building` until done; fql builds every index at once, README), and the cases that write core's
storage or call its hooks directly ('don't update non FQL-X indexes', 'update multiple collection
indexes state', 'fail to update collection index state')."""

from __future__ import annotations

import pytest

import fql
from tests.helpers import query_v10 as v10

INDEXES = """indexes: {
    byName: { terms: [{ field: "name" }] },
    byNameSorted: { terms: [{ field: "name" }], values: [{ field: "name" }] }
  }"""


@pytest.fixture
def db() -> fql.Database:
    return fql.connect()


def assert_indexes_built(db: fql.Database) -> None:
    assert {name: index["status"] for name, index in v10(db, "Person.definition.indexes").items()} == {
        "byName": "complete",
        "byNameSorted": "complete",
    }
    v10(db, 'Person.create({ name: "Ann" })')
    assert v10(db, 'Person.byName("Ann").count()') == 1
    assert v10(db, 'Person.byNameSorted("Ann").map(.name).toArray()') == ["Ann"]


def test_creates_indexes_on_create(db):
    # FQLCollectionSchemaHooksSpec 'hooks' / 'creates indexes on create'.
    v10(db, f'Collection.create({{ name: "Person", {INDEXES} }})')
    assert_indexes_built(db)


def test_creates_indexes_on_update(db):
    # FQLCollectionSchemaHooksSpec 'hooks' / 'creates indexes on update'.
    v10(db, 'Collection.create({ name: "Person" })')
    assert v10(db, "Person.definition.indexes") == {}
    v10(db, f'Collection.byName("Person")!.update({{ {INDEXES} }})')
    assert_indexes_built(db)


def test_removes_indexes_on_delete(db):
    # FQLCollectionSchemaHooksSpec 'hooks' / 'removes indexes on delete': the collection's own index and a
    # v4 index sourced from it both go with it.
    v10(db, 'Collection.create({ name: "Person", indexes: { byName: { terms: [{ field: "name" }] } } })')
    db.query('CreateIndex({ name: "Person.byName", source: Collection("Person") })')
    assert db.query('Exists(Index("Person.byName"))') is True
    v10(db, "Collection.byName('Person')!.delete()")
    assert db.query('Exists(Index("Person.byName"))') is False
    assert db.query("Count(Indexes())") == 0
    v10(db, 'Collection.create({ name: "Person" })')
    assert v10(db, "Person.definition.indexes") == {}
