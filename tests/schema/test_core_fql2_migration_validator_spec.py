"""Core's FQL2MigrationValidatorSpec (ext/model/src/test/scala/fql2/FQL2MigrationValidatorSpec.scala): a
collection's migrations as FQL writes them (`migrations: [...]`) and as FSL pushes them, the two forms
converted one into the other, and what each kind of migration does to the documents a collection has. Each
test names its case.

Ported elsewhere already (tests/schema/test_migrating.py): "backfill values are checked against field
types", "null isn't a valid backfill for ref", "disallows adding migrations with v4 indexes present" and
"fields cannot be moved out of refs". The group "don't miss new migrations" is a compile-time check of
core's own list of migration kinds; its cases (one per kind) are ported below.
"""

from __future__ import annotations

import pytest

import fql
from fql.schema.manager import SchemaError

from ..core_fql2_root import failure, ok
from .pushing import push

PREAMBLE = "// The following schema is auto-generated.\n// This file contains FSL for FQL10-compatible schema items.\n"


@pytest.fixture
def db() -> fql.Database:
    return fql.connect("memory://")


# -- conversion -----------------------------------------------------------------------------------------


def test_model_converts_to_schema(db):
    ok(
        db,
        """Collection.create({
  name: "Foo",
  fields: {
    foo: { signature: "Int | Null" },
    baz: { signature: "Boolean" },
    qux: { signature: "Time" },
    dump: { signature: "{ *: Any }?" }
  },
  migrations: [
        { drop: { field: "tmp" } },
        { move: { field: "zzz", to: "bar" } },
        { split: { field: "bar", to: ["baz", "qux"] } },
        { backfill: { field: "baz", value: "true" } },
        { backfill: { field: "qux", value: "Time.now()" } },
        { add: { field: "dump" } },
        { add_wildcard: {} },
        { move_conflicts: { into: "dump" } },
        { move_wildcard: { into: "dump" } },
  ]
})""",
    )
    assert db.schema_files()["main.fsl"] == PREAMBLE + """
collection Foo {
  foo: Int | Null
  baz: Boolean
  qux: Time
  dump: { *: Any }?
  migrations {
    drop .tmp
    move .zzz -> .bar
    split .bar -> .baz, .qux
    backfill .baz = true
    backfill .qux = Time.now()
    add .dump
    add_wildcard
    move_conflicts .dump
    move_wildcard .dump
  }
}
"""


def test_schema_converts_to_model(db):
    push(db, "")
    push(db, "collection Foo {\n  tmp: Any\n  zzz: String | Boolean | Time\n}")
    push(
        db,
        """collection Foo {
  foo: Int | Null
  bar: String
  baz: Boolean
  qux: Time
  dump: { *: Any }?
  migrations {
    add .foo
    backfill .foo = 3
    drop .tmp
    move .zzz -> .yyy
    split .yyy -> .bar, .baz, .qux
    backfill .bar = ""
    backfill .baz = true
    backfill .qux = Time.now()
    add .dump
    add_wildcard
    move_conflicts .dump
    move_wildcard .dump
  }
}
""",
    )
    assert ok(db, "Collection.byName('Foo') { fields, migrations }") == {
        "fields": {
            "foo": {"signature": "Int | Null"},
            "bar": {"signature": "String"},
            "baz": {"signature": "Boolean"},
            "qux": {"signature": "Time"},
            "dump": {"signature": "{ *: Any }?"},
        },
        "migrations": [
            {"add": {"field": ".foo"}},
            {"backfill": {"field": ".foo", "value": "3"}},
            {"drop": {"field": ".tmp"}},
            {"move": {"field": ".zzz", "to": ".yyy"}},
            {"split": {"field": ".yyy", "to": [".bar", ".baz", ".qux"]}},
            {"backfill": {"field": ".bar", "value": '""'}},
            {"backfill": {"field": ".baz", "value": "true"}},
            {"backfill": {"field": ".qux", "value": "Time.now()"}},
            {"add": {"field": ".dump"}},
            {"add_wildcard": {}},
            {"move_conflicts": {"into": ".dump"}},
            {"move_wildcard": {"into": ".dump"}},
        ],
    }


def test_it_handles_invalid_exprs(db):
    body = failure(
        db,
        """Collection.create({
  name: "Foo",
  migrations: [
    { backfill: { field: "foo", value: "####" } },
  ]
})""",
    )
    assert body["summary"] == """\
error: Failed to create Collection.
constraint failures:
  migrations[0].backfill.value: Unable to parse FQL source code.
      error: Expected expression
      at *value*:1:1
        |
      1 | ####
        | ^
        |
at *query*:1:18
  |
1 |   Collection.create({
  |  __________________^
2 | |   name: "Foo",
3 | |   migrations: [
4 | |     { backfill: { field: "foo", value: "####" } },
5 | |   ]
6 | | })
  | |__^
  |"""


# -- migrations apply on read ---------------------------------------------------------------------------


def test_can_create_a_collection(db):
    created = ok(
        db,
        """Collection.create({
  name: "Foo",
  fields: {
    foo: { signature: "Int" },
  },
  migrations: [
    { add : {
      field: "foo"
    } },
    { backfill: {
      field: "foo",
      value: "3",
    } }
  ]
})""",
    )
    assert created["migrations"] == [{"add": {"field": "foo"}}, {"backfill": {"field": "foo", "value": "3"}}]


def test_can_split_a_field(db):
    ok(
        db,
        'Collection.create({ name: "Foo", fields: { foo: { signature: "Int | String" } }, migrations: '
        '[{ add: { field: "foo" } }, { backfill: { field: "foo", value: "3" } }] })',
    )
    for doc_id, value in [(1, "3"), (2, "5"), (3, "'hello'"), (4, "'world'")]:
        ok(db, f"Foo.create({{ id: {doc_id}, foo: {value} }})")
    ok(
        db,
        """Collection.byName("Foo")!.replace({
  name: "Foo",
  fields: {
    bar: { signature: "Int" },
    baz: { signature: "String" },
  },
  migrations: [
    { split: { field: "foo", to: ["bar", "baz"] } },
    { backfill: { field: "bar", value: "0" } },
    { backfill: { field: "baz", value: "''" } }
  ]
})""",
    )
    assert ok(db, "Foo.byId(1) { bar, baz }") == {"bar": 3, "baz": ""}
    assert ok(db, "Foo.byId(2) { bar, baz }") == {"bar": 5, "baz": ""}
    assert ok(db, "Foo.byId(3) { bar, baz }") == {"bar": 0, "baz": "hello"}
    assert ok(db, "Foo.byId(4) { bar, baz }") == {"bar": 0, "baz": "world"}


def test_can_migrate_wildcards(db):
    push(db, "collection Foo {\n  *: Any\n}\n")
    ok(db, "Foo.create({ id: 1, foo: 3, bar: 'non_conforming' })")
    ok(db, "Foo.create({ id: 2, bar: 5, baz: 3 })")
    ok(db, "Foo.create({ id: 3, baz: 'hi' })")
    push(
        db,
        """collection Foo {
  foo: Int
  bar: Int
  baz: String
  dump: { *: Any }?
  *: Any

  migrations {
    add .dump
    add .foo
    add .bar
    add .baz
    backfill .foo = 0
    backfill .bar = 0
    backfill .baz = 'defaut'
    move_conflicts .dump
  }
}
""",
    )
    assert ok(db, "Foo(1)!.data") == {"foo": 3, "bar": 0, "baz": "defaut", "dump": {"bar": "non_conforming"}}
    assert ok(db, "Foo(2)!.data") == {"foo": 0, "bar": 5, "baz": "defaut", "dump": {"baz": 3}}
    assert ok(db, "Foo(3)!.data") == {"foo": 0, "bar": 0, "baz": "hi"}


def test_can_move_wildcards(db):
    push(db, "collection Foo {\n  *: Any\n}\n")
    for fields in [
        "id: 1, foo: 3",
        "id: 2, foo: 'non_conforming'",
        "id: 3, baz: 'hi'",
        "id: 4, dump: 5",
        "id: 5, dump: { a: 2 }",
        "id: 6, dump: { a: 2 }, bar: 5",
        "id: 7, dump: { a: 2 }, a: 5",
    ]:
        ok(db, f"Foo.create({{ {fields} }})")
    push(
        db,
        """collection Foo {
  foo: Int?
  dump: { *: Any }?

  migrations {
    add .dump
    add .foo
    move_conflicts .dump
    move_wildcard .dump
  }
}
""",
    )

    def data(doc_id: int) -> dict:
        return ok(db, f"let d: Any = Foo({doc_id})!; d.data")

    assert data(1) == {"foo": 3}
    assert data(2) == {"dump": {"foo": "non_conforming"}}
    assert data(3) == {"dump": {"baz": "hi"}}
    assert data(4) == {"dump": {"dump": 5}}
    # The `dump` struct is left alone here, as it already matches schema.
    assert data(5) == {"dump": {"a": 2}}
    # Values can be merged into the pre-existing `dump` struct.
    assert data(6) == {"dump": {"a": 2, "bar": 5}}
    # And names will be munged.
    assert data(7) == {"dump": {"a": 2, "_a": 5}}


# -- refs -----------------------------------------------------------------------------------------------


def test_refs_dont_get_waxed_by_a_split_out_of_any(db):
    push(db, "collection A {}\n\ncollection Foo {\n  a: Any\n}")
    ok(db, "A.create({ id: 0 })")
    ok(db, "Foo.create({ id: 0, a: 0 })")
    ok(db, "Foo.create({ id: 1, a: A.byId(0) })")
    ok(db, "Foo.create({ id: 2, a: A.byId(1) })")
    push(db, "collection A {}\n\ncollection Foo {\n  a: Ref<A>?\n\n  migrations {\n    split .a -> .a, .tmp\n    drop .tmp\n  }\n}")
    assert ok(db, "Foo.byId(0)!.a") is None
    # A reference, whether its document exists (0) or not (1).
    assert ok(db, "Foo.byId(1)!.a") == {"id": "0", "coll": "A", "ts": ok(db, "A.byId(0)!.ts")}
    assert ok(db, "let a: Any = Foo.byId(2)!.a; [a.id, a.coll, a.exists()]") == ["1", "A", False]


# -- don't miss new migrations --------------------------------------------------------------------------


def test_add(db):
    push(db, "collection User {\n  _no_wildcard: Null\n}")
    ok(db, "User.create({})")
    push(db, "collection User {\n  _no_wildcard: Null\n  foo: Int\n\n  migrations {\n    add .foo\n    backfill .foo = 3\n  }\n}")
    assert ok(db, "User.all().first()!.foo") == 3


def test_drop(db):
    push(db, "collection User {\n  _no_wildcard: Null\n\n  foo: Int\n}")
    ok(db, "User.create({ foo: 3 })")
    push(db, "collection User {\n  _no_wildcard: Null\n\n  migrations {\n    drop .foo\n  }\n}")
    assert ok(db, "User.all().first()!.foo", typecheck=False) is None


def test_move(db):
    push(db, "collection User {\n  foo: Int\n}")
    ok(db, "User.create({ foo: 3 })")
    push(db, "collection User {\n  bar: Int\n\n  migrations {\n    move .foo -> .bar\n  }\n}")
    assert ok(db, "User.all().first()!.foo", typecheck=False) is None
    assert ok(db, "User.all().first()!.bar") == 3


def test_split(db):
    push(db, "collection User {\n  foo: Int | String\n}")
    ok(db, "User.create({ foo: 3 })")
    ok(db, "User.create({ foo: 'hi' })")
    push(
        db,
        'collection User {\n  foo: String\n  bar: Int\n\n  migrations {\n    split .foo -> .foo, .bar\n'
        '    backfill .foo = "default"\n    backfill .bar = 0\n  }\n}',
    )
    assert ok(db, "User.all().first()!.foo") == "default"
    assert ok(db, "User.all().first()!.bar") == 3
    assert ok(db, "User.all().last()!.foo") == "hi"
    assert ok(db, "User.all().last()!.bar") == 0


def test_move_conflicts(db):
    push(db, "collection User {\n  *: Any\n}")
    ok(db, "User.create({ foo: 3, bar: 10 })")
    ok(db, "User.create({ foo: 'hi', bar: 10 })")
    push(
        db,
        "collection User {\n  foo: Int\n  conflicts: { *: Any }?\n  *: Any\n\n  migrations {\n    add .foo\n"
        "    backfill .foo = 0\n\n    add .conflicts\n    move_conflicts .conflicts\n  }\n}",
    )
    assert ok(db, "User.all().first()!.foo") == 3
    assert ok(db, "User.all().first()!.bar") == 10
    assert ok(db, "User.all().last()!.foo") == 0
    assert ok(db, "User.all().last()!.conflicts?.foo") == "hi"
    assert ok(db, "User.all().last()!.bar") == 10


def test_move_wildcard(db):
    push(db, "collection User {\n  *: Any\n}")
    ok(db, "User.create({ foo: 3, bar: 10 })")
    ok(db, "User.create({ foo: 'hi' })")
    push(
        db,
        "collection User {\n  foo: Int\n  conflicts: { *: Any }?\n\n  migrations {\n    add .foo\n"
        "    backfill .foo = 0\n\n    add .conflicts\n    move_conflicts .conflicts\n    move_wildcard .conflicts\n  }\n}",
    )
    assert ok(db, "User.all().first()!.foo") == 3
    assert ok(db, "User.all().first()!.conflicts?.bar") == 10
    assert ok(db, "User.all().last()!.foo") == 0
    assert ok(db, "User.all().last()!.conflicts?.foo") == "hi"


def test_add_wildcard(db):
    push(db, "collection User {\n  foo: Int\n}")
    ok(db, "User.create({ foo: 3 })")
    assert failure(db, "User.create({ foo: 3, bar: 5 })")["error"]["code"] == "invalid_query"
    push(db, "collection User {\n  *: Any\n  foo: Int\n\n  migrations {\n    add_wildcard\n  }\n}")
    ok(db, "User.create({ foo: 3 })")
    assert ok(db, "User.create({ foo: 3, bar: 5 }) { foo, bar }") == {"foo": 3, "bar": 5}


# -- v4 indexes -----------------------------------------------------------------------------------------


def test_v4_indexes_can_be_added_even_when_there_are_migrations(db):
    push(db, "collection User {\n  foo: Int\n}")
    ok(db, "User.create({ id: 0, foo: 3 })")
    push(db, "collection User {\n  bar: Int\n\n  migrations {\n    move .foo -> .bar\n  }\n}")
    db.query('CreateIndex({ name: "my_index", source: Collection("User"), terms: [{ field: ["data", "bar"] }] })', syntax="v4")
    # The index should work.
    page = db.query('Paginate(Match(Index("my_index"), 3))', syntax="v4")
    assert [ref.id for ref in page.data] == ["0"]
    # Additional migrations cannot be performed.
    with pytest.raises(SchemaError) as err:
        push(db, "collection User {\n  baz: Int\n\n  migrations {\n    move .bar -> .baz\n  }\n}")
    assert err.value.message == """\
error: Invalid database schema update.

constraint failures:
  Cannot create migrations on a collection with v4 indexes
at main.fsl:1:1
  |
1 |   collection User {
  |  _^
2 | |   baz: Int
3 | |
4 | |   migrations {
5 | |     move .bar -> .baz
6 | |   }
7 | | }
  | |_^
  |"""
