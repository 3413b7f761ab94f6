"""Core's MoveFieldMigrationSpec (ext/repo/src/test/scala/schema/migration/MoveFieldMigrationSpec.scala):
what a `move` migration does to the documents a collection already has, as a user sees it (an FSL push,
the documents read back).

Skipped:
- "moves internal field to data", "moves data field to internal": paths outside the document's `data`
  (internal fields), which no FSL migration names (core's MigrationConverter prefixes every path with
  `data`); core's own comment calls these cases ones that "shouldn't really happen".
"disallows overwriting a field" is ported as far as a user can reach it: core's MigrationValidator lets a
push move a field onto one a document holds under the wildcard, and core's MoveField then throws an
internal error (`Refusing to overwrite existing field`) reading that document; fql migrates at the push,
so the push fails (README, FQL v10 `migrations`)."""

from __future__ import annotations

import pytest

import fql

from .pushing import create, data, push, push_error


@pytest.fixture
def db() -> fql.Database:
    return fql.connect()


def test_moves_a_value(db):
    push(db, "collection Foo {\n  my_field: Int\n}\n")
    create(db, "Foo", 1, "my_field: 5")
    push(db, "collection Foo {\n  other_field: Int\n\n  migrations {\n    move .my_field -> .other_field\n  }\n}\n")
    assert data(db, "Foo", 1) == {"other_field": 5}


def test_moves_an_object_value(db):
    push(db, "collection Foo {\n  my_field: { bar: String }\n}\n")
    create(db, "Foo", 1, 'my_field: { bar: "baz" }')
    push(
        db,
        "collection Foo {\n  other_field: { bar: String }\n\n  migrations {\n    move .my_field -> .other_field\n  }\n}\n",
    )
    assert data(db, "Foo", 1) == {"other_field": {"bar": "baz"}}


def test_does_nothing_if_the_previous_field_doesnt_exist(db):
    push(db, "collection Foo {\n  my_field: Int?\n  other_field: Int\n}\n")
    create(db, "Foo", 1, "other_field: 3")
    push(
        db,
        "collection Foo {\n  new_field: Int?\n  other_field: Int\n\n  migrations {\n    move .my_field -> .new_field\n  }\n}\n",
    )
    assert data(db, "Foo", 1) == {"other_field": 3}


def test_works_for_nested_fields(db):
    push(db, "collection Foo {\n  my_field: { foo: Int }\n}\n")
    create(db, "Foo", 1, "my_field: { foo: 5 }")
    push(db, "collection Foo {\n  my_field: { bar: Int }\n\n  migrations {\n    move .my_field.foo -> .my_field.bar\n  }\n}\n")
    assert data(db, "Foo", 1) == {"my_field": {"bar": 5}}


def test_works_for_nested_fields_with_different_parents(db):
    push(db, "collection Foo {\n  my_field: { foo: Int }\n  other_field: {}\n}\n")
    create(db, "Foo", 1, "my_field: { foo: 5 }, other_field: {}")
    push(
        db,
        "collection Foo {\n  my_field: {}\n  other_field: { foo: Int }\n\n"
        "  migrations {\n    move .my_field.foo -> .other_field.foo\n  }\n}\n",
    )
    assert data(db, "Foo", 1) == {"my_field": {}, "other_field": {"foo": 5}}


@pytest.mark.parametrize("fields", ["my_field: 3, other_field: 5", "other_field: 5"])
def test_disallows_overwriting_a_field(db, fields):
    # Even if the previous field is undefined, a target the document has is refused (core's ex1).
    push(db, "collection Foo {\n  my_field: Int?\n  *: Any\n}\n")
    create(db, "Foo", 1, fields)
    message = push_error(
        db, "collection Foo {\n  other_field: Int?\n  *: Any\n\n  migrations {\n    move .my_field -> .other_field\n  }\n}\n"
    )
    assert message.split("\n")[:2] == [
        "error: Invalid database schema update.",
        "    error: Cannot migrate document 1: it already has field `.other_field`",
    ]
    assert data(db, "Foo", 1) == dict(other_field=5, **({"my_field": 3} if "my_field" in fields else {}))
