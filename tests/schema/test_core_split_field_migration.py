"""Core's SplitFieldMigrationSpec (ext/repo/src/test/scala/schema/migration/SplitFieldMigrationSpec.scala):
what a `split` migration does to the documents a collection already has, as a user sees it: a collection
pushed as FSL, documents (or versions of one document, read back with `at`) written, a push that splits
a field, and the documents read back. Core's `replace` is the first target's `backfill`, its `backfill`
the second target's.

Skipped: "custom validators aren't run" (a validator function inside a schema type is core's internal
API; no FSL type carries one). "won't overwrite existing data" is ported as far as a user can reach it:
core's MigrationValidator lets a split target a field a document holds under the wildcard, core's
SplitField then throws an internal error reading it, and fql, which migrates at the push, refuses the
push."""

from __future__ import annotations

import pytest

import fql

from .pushing import create, data, push, push_error
from tests.helpers import query_v10 as q


@pytest.fixture
def db() -> fql.Database:
    return fql.connect()


def split(fields: str, *migrations: str) -> str:
    """A collection Foo with `fields`, splitting `.my_field` into `.my_field` and `.new_field`."""
    body = "\n    ".join(("split .my_field -> .my_field, .new_field", *migrations))
    return f"collection Foo {{\n  {fields}\n\n  migrations {{\n    {body}\n  }}\n}}\n"


def test_renames_a_value_when_type_differs(db):
    push(db, "collection Foo {\n  my_field: Int | String\n}\n")
    create(db, "Foo", 1, "my_field: 5")
    push(db, split("my_field: String\n  new_field: Int?", 'backfill .my_field = "backfill"'))
    assert data(db, "Foo", 1) == {"my_field": "backfill", "new_field": 5}


def test_keeps_a_value_when_type_matches(db):
    push(db, "collection Foo {\n  my_field: Int | String\n}\n")
    create(db, "Foo", 1, "my_field: 5")
    push(db, split("my_field: Int\n  new_field: String?", "backfill .my_field = 0"))
    assert data(db, "Foo", 1) == {"my_field": 5}


def test_fills_in_backfill_value_when_type_matches(db):
    push(db, "collection Foo {\n  my_field: Int | String\n}\n")
    create(db, "Foo", 1, "my_field: 5")
    push(
        db,
        "collection Foo {\n  my_field: Int\n  iroh: String\n\n  migrations {\n    split .my_field -> .my_field, .iroh\n"
        '    backfill .my_field = 0\n    backfill .iroh = "leaf_me_alone"\n  }\n}\n',
    )
    assert data(db, "Foo", 1) == {"my_field": 5, "iroh": "leaf_me_alone"}


VERSIONS = ['{ my_field: 5 }', '{ my_field: "hello" }', "{ my_field: true, other_field: 3 }", '{ my_field: "bye", other_field: 3 }']
LIVE = "collection Foo {\n  my_field: Int | String | Boolean\n  other_field: Int?\n}\n"


def versions(db: fql.Database) -> list:
    """Write VERSIONS as the versions of document 1; their times."""
    times = [create(db, "Foo", 1, "my_field: 5")]
    for version in VERSIONS[1:]:
        times.append(q(db, f"Foo.byId(1)!.replace({version}).ts"))
    return times


def test_example_of_one_migration_running_over_a_bunch_of_versions(db):
    push(db, LIVE)
    times = versions(db)
    push(
        db,
        split("my_field: String\n  new_field: Int | Boolean | Null\n  other_field: Int?", 'backfill .my_field = "my_backfill"'),
    )
    assert [data(db, "Foo", 1, at=ts) for ts in times] == [
        {"my_field": "my_backfill", "new_field": 5},
        {"my_field": "hello"},
        {"my_field": "my_backfill", "new_field": True, "other_field": 3},
        {"my_field": "bye", "other_field": 3},
    ]


def test_example_of_one_migration_replacing_with_nulls_over_a_bunch_of_versions(db):
    push(db, LIVE)
    times = versions(db)
    push(db, split("my_field: String?\n  new_field: Int | Boolean | Null\n  other_field: Int?"))
    assert [data(db, "Foo", 1, at=ts) for ts in times] == [
        {"new_field": 5},
        {"my_field": "hello"},
        {"new_field": True, "other_field": 3},
        {"my_field": "bye", "other_field": 3},
    ]


def test_example_of_one_migration_filling_in_a_new_field_for_conforming_data(db):
    push(db, LIVE)
    times = versions(db)
    push(
        db,
        split(
            "my_field: String\n  new_field: Int | Boolean | String\n  other_field: Int?",
            'backfill .my_field = "my_backfill"',
            'backfill .new_field = "new_field_default"',
        ),
    )
    assert [data(db, "Foo", 1, at=ts) for ts in times] == [
        {"my_field": "my_backfill", "new_field": 5},
        {"my_field": "hello", "new_field": "new_field_default"},
        {"my_field": "my_backfill", "new_field": True, "other_field": 3},
        {"my_field": "bye", "new_field": "new_field_default", "other_field": 3},
    ]


@pytest.mark.parametrize(
    ("fields", "backfills", "expected"),
    [
        ("my_field: Int?\n  new_field: String?", (), {}),
        ("my_field: Int?\n  new_field: String", ('backfill .new_field = "hello"',), {"new_field": "hello"}),
        ("my_field: Int\n  new_field: String?", ("backfill .my_field = 3",), {"my_field": 3}),
    ],
)
def test_works_when_there_is_no_input(db, fields, backfills, expected):
    push(db, "collection Foo {\n  my_field: Int | String | Null\n}\n")
    create(db, "Foo", 1)
    push(db, split(fields, *backfills))
    assert data(db, "Foo", 1) == expected


@pytest.mark.parametrize(
    ("my_field", "backfills", "expected"),
    [
        # Extra field `nested2`: it does not fit, so it is moved.
        ("{ nested1: Int }?", (), {"new_field": {"nested1": 5, "nested2": 6}}),
        # It fits, so it is left alone.
        ("{ nested1: Int, nested2: Int }", ("backfill .my_field = { nested1: 0, nested2: 0 }",), {"my_field": {"nested1": 5, "nested2": 6}}),
        # `nested3` is missing: it does not fit, so it is moved.
        ("{ nested1: Int, nested2: Int, nested3: Int }?", (), {"new_field": {"nested1": 5, "nested2": 6}}),
    ],
)
def test_works_with_nested_structs(db, my_field, backfills, expected):
    push(db, "collection Foo {\n  my_field: { *: Any }\n}\n")
    create(db, "Foo", 1, "my_field: { nested1: 5, nested2: 6 }")
    push(db, split(f"my_field: {my_field}\n  new_field: {{ *: Any }}?", *backfills))
    assert data(db, "Foo", 1) == expected


def test_wont_overwrite_existing_data(db):
    push(db, "collection Foo {\n  my_field: Int | String | Null\n  *: Any\n}\n")
    create(db, "Foo", 1, "new_field: 3")
    message = push_error(db, split("my_field: String?\n  new_field: Int?\n  *: Any"))
    assert message.split("\n")[1] == "    error: Cannot migrate document 1: it already has field `.new_field`"
    assert data(db, "Foo", 1) == {"new_field": 3}


def test_allows_nested_fields(db):
    push(db, "collection Foo {\n  my_field: { foo: Int | String }\n}\n")
    create(db, "Foo", 1, 'my_field: { foo: "foo" }')
    push(
        db,
        "collection Foo {\n  my_field: { foo: Int, bar: String }\n\n  migrations {\n"
        '    split .my_field.foo -> .my_field.foo, .my_field.bar\n    backfill .my_field.foo = 3\n    backfill .my_field.bar = ""\n  }\n}\n',
    )
    assert data(db, "Foo", 1) == {"my_field": {"foo": 3, "bar": "foo"}}


def test_nested_fields_with_different_parents(db):
    push(db, "collection Foo {\n  my_field: { foo: Int | String }\n  other_field: {}\n}\n")
    create(db, "Foo", 1, 'my_field: { foo: "foo" }, other_field: {}')
    push(
        db,
        "collection Foo {\n  my_field: { foo: Int }\n  other_field: { bar: String }\n\n  migrations {\n"
        '    split .my_field.foo -> .my_field.foo, .other_field.bar\n    backfill .my_field.foo = 3\n'
        '    backfill .other_field.bar = ""\n  }\n}\n',
    )
    assert data(db, "Foo", 1) == {"my_field": {"foo": 3}, "other_field": {"bar": "foo"}}
