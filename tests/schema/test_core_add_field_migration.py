"""Core's AddFieldMigrationSpec (ext/repo/src/test/scala/schema/migration/AddFieldMigrationSpec.scala):
what an `add` migration does to the documents a collection already has, as a user sees it: a collection
is pushed as FSL, documents are written, a push adds the field, and the documents are read back.

Core's cases run Migration.AddField on a stored document's internal data. Skipped:
- "adds a top-level field": a path outside the document's `data` (an internal field) is not one an FSL
  migration can name (core's MigrationConverter prefixes every path with `data`).
A field's value that does not fit the added type goes to core's internal `__conflicts`, which no query
sees; a user sees it where `move_conflicts` puts it, so those cases push one too."""

from __future__ import annotations

import pytest

import fql

from .pushing import create, data, push
from tests.helpers import query_v10 as q

WILDCARD = "collection Foo {\n  *: Any\n}\n"


@pytest.fixture
def db() -> fql.Database:
    return fql.connect()


def test_adds_a_value(db):
    push(db, "collection Foo {\n  old: Int?\n}\n")
    create(db, "Foo", 1)
    push(db, "collection Foo {\n  old: Int?\n  my_field: Int\n\n  migrations {\n    add .my_field\n    backfill .my_field = 5\n  }\n}\n")
    assert data(db, "Foo", 1) == {"my_field": 5}


def test_adds_a_value_the_index_sees(db):
    # What an index holds follows: the added value is indexed, now and as of the document's past.
    push(db, "collection Foo {\n  old: Int?\n}\n")
    ts = create(db, "Foo", 1)
    push(
        db,
        "collection Foo {\n  old: Int?\n  my_field: Int\n\n  index byMyField {\n    terms [.my_field]\n  }\n\n"
        "  migrations {\n    add .my_field\n    backfill .my_field = 5\n  }\n}\n",
    )
    assert q(db, "Foo.byMyField(5).map(.id).toArray()") == ["1"]
    assert q(db, f"at ({ts}) {{ Foo.byMyField(5).map(.id).toArray() }}") == ["1"]


def test_adds_a_value_of_an_object_type(db):
    push(db, "collection Foo {\n  old: Int?\n}\n")
    create(db, "Foo", 1)
    push(
        db,
        "collection Foo {\n  old: Int?\n  my_field: { *: Any }\n\n"
        '  migrations {\n    add .my_field\n    backfill .my_field = { a: "b" }\n  }\n}\n',
    )
    assert data(db, "Foo", 1) == {"my_field": {"a": "b"}}


def test_adds_a_value_next_to_an_existing_one(db):
    push(db, "collection Foo {\n  old_field: Int\n}\n")
    create(db, "Foo", 1, "old_field: 5")
    push(
        db,
        "collection Foo {\n  old_field: Int\n  my_field: Int\n\n  migrations {\n    add .my_field\n    backfill .my_field = 3\n  }\n}\n",
    )
    assert list(data(db, "Foo", 1).items()) == [("old_field", 5), ("my_field", 3)]


def test_doesnt_add_a_null(db):
    push(db, "collection Foo {\n  old_field: Int\n}\n")
    create(db, "Foo", 1, "old_field: 5")
    push(db, "collection Foo {\n  old_field: Int\n  my_field: Int?\n\n  migrations {\n    add .my_field\n  }\n}\n")
    assert data(db, "Foo", 1) == {"old_field": 5}


ADD_WITH_CONFLICTS = """\
collection Foo {
  my_field: Int
  conflicts: { *: Any }?
  *: Any

  migrations {
    add .my_field
    backfill .my_field = 5
    add .conflicts
    move_conflicts .conflicts
  }
}
"""


def test_leaves_existing_fields_alone(db):
    push(db, WILDCARD)
    create(db, "Foo", 1, "my_field: 3")
    push(db, ADD_WITH_CONFLICTS)
    assert data(db, "Foo", 1) == {"my_field": 3}


def test_moves_conflicting_fields_to_conflicts(db):
    push(db, WILDCARD)
    create(db, "Foo", 1, 'my_field: "hello"')
    push(db, ADD_WITH_CONFLICTS)
    assert data(db, "Foo", 1) == {"my_field": 5, "conflicts": {"my_field": "hello"}}


def test_doesnt_backfill_when_theres_a_null(db):
    push(db, WILDCARD)
    create(db, "Foo", 1, 'foo: "hello"')
    push(
        db,
        "collection Foo {\n  foo: Int?\n  conflicts: { *: Any }?\n  *: Any\n\n"
        "  migrations {\n    add .foo\n    add .conflicts\n    move_conflicts .conflicts\n  }\n}\n",
    )
    assert data(db, "Foo", 1) == {"conflicts": {"foo": "hello"}}


def test_works_for_nested_fields(db):
    push(db, "collection Foo {\n  my_field: {}\n}\n")
    create(db, "Foo", 1, "my_field: {}")
    push(
        db,
        "collection Foo {\n  my_field: { nested: Int }\n\n"
        "  migrations {\n    add .my_field.nested\n    backfill .my_field.nested = 5\n  }\n}\n",
    )
    assert data(db, "Foo", 1) == {"my_field": {"nested": 5}}


def test_adds_the_parent_of_a_nested_field(db):
    # Adding every field of an object adds the object (core: "the migration engine can produce this").
    push(db, "collection Foo {\n  other: Int?\n}\n")
    create(db, "Foo", 1)
    push(
        db,
        "collection Foo {\n  other: Int?\n  my_field: { nested: Int }\n\n"
        "  migrations {\n    add .my_field.nested\n    backfill .my_field.nested = 5\n  }\n}\n",
    )
    assert data(db, "Foo", 1) == {"my_field": {"nested": 5}}


def test_adds_the_parent_of_a_nested_field_recursively(db):
    push(db, "collection Foo {\n  other: Int?\n}\n")
    create(db, "Foo", 1)
    push(
        db,
        "collection Foo {\n  other: Int?\n  my_field: { nested: { foo: Int } }\n\n"
        "  migrations {\n    add .my_field.nested.foo\n"
        "    backfill .my_field.nested.foo = 5\n  }\n}\n",
    )
    assert data(db, "Foo", 1) == {"my_field": {"nested": {"foo": 5}}}
