"""Core's DropFieldMigrationSpec (ext/repo/src/test/scala/schema/migration/DropFieldMigrationSpec.scala):
what a `drop` migration does to the documents a collection already has, as a user sees it (an FSL push,
the documents read back).

Skipped: "removes internal field" (a path outside the document's `data`, which no FSL migration names: core's
MigrationConverter prefixes every path with `data`)."""

from __future__ import annotations

import pytest

import fql

from .pushing import create, data, push


@pytest.fixture
def db() -> fql.Database:
    return fql.connect()


def test_removes_a_value(db):
    push(db, "collection Foo {\n  my_field: Int?\n  other_field: Int?\n}\n")
    create(db, "Foo", 1, "my_field: 3, other_field: 5")
    push(db, "collection Foo {\n  other_field: Int?\n\n  migrations {\n    drop .my_field\n  }\n}\n")
    assert data(db, "Foo", 1) == {"other_field": 5}


def test_removes_an_object_value(db):
    push(db, "collection Foo {\n  my_field: { *: Any }\n  other_field: { *: Any }\n}\n")
    create(db, "Foo", 1, 'my_field: { foo: "bar" }, other_field: { a: "b" }')
    push(db, "collection Foo {\n  other_field: { *: Any }\n\n  migrations {\n    drop .my_field\n  }\n}\n")
    assert data(db, "Foo", 1) == {"other_field": {"a": "b"}}


def test_removes_parent_data_if_empty(db):
    push(db, "collection Foo {\n  my_field: Int\n  other: Int?\n}\n")
    create(db, "Foo", 1, "my_field: 3")
    push(db, "collection Foo {\n  other: Int?\n\n  migrations {\n    drop .my_field\n  }\n}\n")
    assert data(db, "Foo", 1) == {}


def test_works_if_there_is_no_field_present(db):
    push(db, "collection Foo {\n  my_field: Int?\n  other_field: Int\n}\n")
    create(db, "Foo", 1, "other_field: 3")
    push(db, "collection Foo {\n  other_field: Int\n\n  migrations {\n    drop .my_field\n  }\n}\n")
    assert data(db, "Foo", 1) == {"other_field": 3}


def test_does_not_remove_parent_if_empty(db):
    push(db, "collection Foo {\n  my_field: { nested: Int }\n}\n")
    create(db, "Foo", 1, "my_field: { nested: 3 }")
    push(db, "collection Foo {\n  my_field: {}\n\n  migrations {\n    drop .my_field.nested\n  }\n}\n")
    assert data(db, "Foo", 1) == {"my_field": {}}
