"""Core's MoveConflictingFieldsMigrationSpec (ext/repo/src/test/scala/schema/migration/
MoveConflictFieldsMigrationSpec.scala): what `move_conflicts` does with the values an `add` displaced, as a
user sees it: a collection with a wildcard is pushed as FSL, documents are written, a push adds fields
whose values some documents have of another type, and the documents are read back.

Core's cases start from its internal `__conflicts` field, which only an `add` fills (no query writes or
reads it), so each is reached here through the adds that fill it. Skipped: the second half of "munges names
for values that already exist", whose `__conflicts` holds the name `foo` twice (core's comment: "if fields
get moved and re-added in a complex migration"): no migration list core's MigrationValidator takes displaces
two values of one name (after an `add`, the field holds a value of its type, and a second `add` of it is
refused)."""

from __future__ import annotations

import pytest

import fql

from .pushing import create, data, push

LIVE = "collection Foo {\n  *: Any\n}\n"


@pytest.fixture
def db() -> fql.Database:
    return fql.connect()


def added(db: fql.Database, fields: str, adds: str, declared: str) -> dict:
    """Document 1 with `fields` under LIVE, after a push declaring `declared` that runs `adds` and then
    `move_conflicts .dump`."""
    push(db, LIVE)
    create(db, "Foo", 1, fields)
    migrations = "\n    ".join((*adds.split("; "), "move_conflicts .dump"))
    push(db, f"collection Foo {{\n  {declared}\n  *: Any\n\n  migrations {{\n    {migrations}\n  }}\n}}\n")
    return data(db, "Foo", 1)


def test_moves_a_value_from_conflicts(db):
    doc = added(db, "foo: 3", "add .dump; add .foo", "dump: { *: Any }?\n  foo: String?")
    assert doc == {"dump": {"foo": 3}}


def test_moves_multiple_values_from_conflicts(db):
    doc = added(db, "foo: 3, bar: 4", "add .dump; add .foo; add .bar", "dump: { *: Any }?\n  foo: String?\n  bar: String?")
    assert list(doc["dump"].items()) == [("foo", 3), ("bar", 4)]


def test_sequences_with_add(db):
    doc = added(db, "foo: 3", 'add .dump; add .foo; backfill .foo = "world"', "dump: { *: Any }?\n  foo: String")
    assert doc == {"foo": "world", "dump": {"foo": 3}}


def test_munges_names_for_values_that_already_exist(db):
    doc = added(db, "foo: 3, dump: { foo: 4 }", "add .dump; add .foo", "dump: { *: Any }?\n  foo: String?")
    assert list(doc["dump"].items()) == [("foo", 4), ("_foo", 3)]


def test_doesnt_create_a_dump_field_when_its_not_needed(db):
    doc = added(db, "foo: 3", "add .dump; add .foo; backfill .foo = 0", "dump: { *: Any }?\n  foo: Int")
    assert doc == {"foo": 3}
