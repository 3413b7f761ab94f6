"""Core's MoveWildcardMigrationSpec (ext/repo/src/test/scala/schema/migration/MoveWildcardMigrationSpec.scala):
what `move_wildcard` does to the documents a collection already has, as a user sees it: a collection with
`foo`, `bar` and a wildcard is pushed as FSL, documents are written, a push moves the wildcard's fields
into `dump` (with the `add .dump` and `move_conflicts .dump` core's MigrationValidator asks for first),
and the documents are read back, their fields in order.

Skipped: "blows up if `field` is not a struct" (core's MoveWildcard moves out of a path it is given; FSL's
is always the document's `data`, an object). "refuses to overwrite non-struct dump field" is ported as what
a user sees instead: the `add .dump` the validator requires first moves a `dump` that is not an object
aside, and `move_conflicts .dump` puts it inside the new `dump`."""

from __future__ import annotations

import pytest

import fql

from .pushing import create, data, push

LIVE = "collection Foo {\n  foo: Int?\n  bar: Int?\n  *: Any\n}\n"
MOVED = """\
collection Foo {
  foo: Int?
  bar: Int?
  dump: { *: Any }?

  migrations {
    add .dump
    move_conflicts .dump
    move_wildcard .dump
  }
}
"""


@pytest.fixture
def db() -> fql.Database:
    return fql.connect()


def moved(db: fql.Database, fields: str) -> list:
    """Document 1 with `fields` under LIVE, after MOVED: its fields, and `dump`'s, in order."""
    push(db, LIVE)
    create(db, "Foo", 1, fields)
    push(db, MOVED)
    doc = data(db, "Foo", 1)
    return [list(doc.items()), list((doc.get("dump") or {}).items())]


def test_moves_non_conforming_values(db):
    # `foo`, `bar`, and `dump` are in the schema. Everything else is moved into `dump`.
    assert moved(db, "foo: 3, bar: 4, baz: 5, qux: 6") == [
        [("foo", 3), ("bar", 4), ("dump", {"baz": 5, "qux": 6})],
        [("baz", 5), ("qux", 6)],
    ]


def test_merges_dump_field(db):
    assert moved(db, "foo: 3, bar: 4, dump: { already_here: 10 }, baz: 5, qux: 6")[1] == [
        ("already_here", 10),
        ("baz", 5),
        ("qux", 6),
    ]


def test_munges_names(db):
    assert moved(db, "foo: 3, bar: 4, dump: { baz: 10 }, baz: 5, qux: 6")[1] == [("baz", 10), ("_baz", 5), ("qux", 6)]


@pytest.mark.parametrize(
    ("fields", "dump"),
    [
        ("foo: 3, bar: 4, dump: { baz: 10 }, baz: 5, _baz: 6", [("baz", 10), ("_baz", 5), ("__baz", 6)]),
        # If the fields were not named fewest `_` first, this would come out differently; their order is kept.
        ("foo: 3, bar: 4, dump: { baz: 10 }, _baz: 6, baz: 5", [("baz", 10), ("__baz", 6), ("_baz", 5)]),
        # `baz` becomes `_baz`, and `_baz` becomes `___baz`: consistent, the best core can do with conflicts.
        ("dump: { baz: 10, __baz: 11 }, _baz: 6, baz: 5", [("baz", 10), ("__baz", 11), ("___baz", 6), ("_baz", 5)]),
    ],
)
def test_munges_names_consistently_for_weird_names(db, fields, dump):
    assert moved(db, fields)[1] == dump


def test_refuses_to_overwrite_non_struct_dump_field(db):
    assert moved(db, "dump: 3")[0] == [("dump", {"dump": 3})]


def test_doesnt_add_a_struct_when_nothing_conflicts(db):
    assert moved(db, "")[0] == []
