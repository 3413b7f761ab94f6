"""Core's FQL2MigrationConverterSpec (ext/model/src/test/scala/fql2/migration/FQL2MigrationConverterSpec.scala):
the migrations a push derives from FSL become the changes made to stored documents. Core compares the
internal migrations (AddField, SplitField...) its MigrationConverter makes; a user sees what they do, so
each case here pushes `from`, writes documents, pushes `to`, and reads the documents back.

Skipped: "it errors for non-persistable types". Its `from` schema (`foo: Int | ID | Null`) is only parsed
there: a push of it fails before any migration, in core's SchemaTypeValidator (``Field `foo` in collection
User is not persistable``, ported in test_core_schema_type_validator.py), so no user reaches the
converter's `Type cannot be persisted.`."""

from __future__ import annotations

import pytest

import fql

from .pushing import create, data, push, push_error


@pytest.fixture
def db() -> fql.Database:
    return fql.connect()


def test_it_converts_add_and_drop_migrations(db):
    push(db, "collection User {\n  foo: Int\n}")
    create(db, "User", 1, "foo: 1")
    push(
        db,
        "collection User {\n  bar: Int = 3\n\n  migrations {\n    drop .foo\n    add .bar\n    backfill .bar = 3\n  }\n}",
    )
    assert data(db, "User", 1) == {"bar": 3}


NARROW = "split .foo -> .foo, .tmp\n    drop .tmp"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        # The field's default is what a value that does not fit is replaced with.
        ("Int = 0", [{"foo": 5}, {"foo": 0}]),
        ("Int | Null", [{"foo": 5}, {}]),
    ],
)
def test_it_converts_narrow_migrations(db, target, expected):
    push(db, "collection User {\n  foo: Int | String\n}")
    create(db, "User", 1, "foo: 5")
    create(db, "User", 2, 'foo: "five"')
    push(db, f"collection User {{\n  foo: {target}\n\n  migrations {{\n    {NARROW}\n  }}\n}}")
    assert [data(db, "User", 1), data(db, "User", 2)] == expected


@pytest.mark.parametrize("target", ["Int | String", "Int | String = 0", "Int = 0"])
def test_it_converts_widen_migrations(db, target):
    push(db, "collection User {\n  foo: Int\n}")
    create(db, "User", 1, "foo: 5")
    push(db, f"collection User {{\n  foo: {target}\n}}")
    assert data(db, "User", 1) == {"foo": 5}


def test_it_errors_for_non_persistable_values(db):
    push(db, "collection User {\n  _no_wildcard: Null\n}")
    create(db, "User", 1)
    message = push_error(
        db, "collection User {\n  foo: Any = () => true\n  _no_wildcard: Null\n\n  migrations {\n    add .foo\n  }\n}"
    )
    # Core's push evaluates the default when the collection is written (DefaultFieldHooks), before it
    # converts the migrations, and names the value's dynamic type as the converter does.
    assert message == (
        "Failed to update Collection `User`.\nconstraint failures:\n  foo: Default field evaluation failed.\n"
        "      Value has type Lambda, which cannot be persisted"
    )
    assert data(db, "User", 1) == {}


def test_it_errors_for_non_persistable_backfill_values(db):
    # The converter's own error, for a backfill (which no write hook evaluates first), wrapped as core's push
    # wraps a schema failure and drawn on the collection (FQL2MigrationValidatorSpec's form).
    push(db, "collection User {\n  _no_wildcard: Null\n}")
    create(db, "User", 1)
    message = push_error(
        db, "collection User {\n  foo: Any\n  _no_wildcard: Null\n\n  migrations {\n    add .foo\n    backfill .foo = () => true\n  }\n}"
    )
    assert message.split("\nat main.fsl")[0] == (
        "error: Invalid database schema update.\n    error: Failed to convert migration.\n    constraint failures:\n"
        "      Value has type Lambda, which cannot be persisted.\n    at <no source>"
    )


# Core's push and diff run SchemaValidate.validateMigrations, a MigrationConverter with ignoreBackfillErrors:
# a split's backfills are converted there, on the FSL, and a failure is drawn at the backfill in the file
# (an `add`'s is checked only when the collection is written, as above).
SPLIT = "collection User {\n  _no_wildcard: Null\n  s: Int | String\n}"


@pytest.mark.parametrize(
    "backfills, failure, underline",
    [
        (
            "backfill .s = { let x: Any = 'q'; x }\n    backfill .t = ''",
            "Failed to convert backfill value.\nconstraint failures:\n  s: Expected Int, provided String\nat main.fsl:8:19",
            "8 |     backfill .s = { let x: Any = 'q'; x }\n  |                   ^^^^^^^^^^^^^^^^^^^^^^^",
        ),
        (
            "backfill .s = 0\n    backfill .t = [x => x]",
            "Failed to convert migration.\nconstraint failures:\n  [0]: Value has type Lambda, which cannot be persisted.\nat main.fsl:9:19",
            "9 |     backfill .t = [x => x]\n  |                   ^^^^^^^^",
        ),
    ],
)
def test_a_split_backfill_that_cannot_be_converted_fails_the_diff_and_the_push(db, backfills, failure, underline):
    push(db, SPLIT)
    create(db, "User", 1, "s: 1")
    to = (
        "collection User {\n  _no_wildcard: Null\n  s: Int\n  t: String | Array<Any>\n\n  migrations {\n"
        f"    split .s -> .s, .t\n    {backfills}\n  }}\n}}"
    )
    expected = f"error: {failure}\n  |\n{underline}\n  |"
    with pytest.raises(fql.schema.manager.SchemaError) as err:
        db.schema_diff({"main.fsl": to})
    assert err.value.message == expected
    assert push_error(db, to) == expected
    assert data(db, "User", 1) == {"s": 1}


def test_a_new_collections_split_backfills_are_converted_too(db):
    # SchemaValidate converts a new (or empty) collection's migrations too, all of them (rewindAll).
    to = "collection User {\n  s: Int\n  t: String?\n\n  migrations {\n    split .s -> .s, .t\n    backfill .s = { let x: Any = 'q'; x }\n  }\n}"
    with pytest.raises(fql.schema.manager.SchemaError) as err:
        db.schema_diff({"main.fsl": to})
    assert err.value.message.split("\n  |")[0] == (
        "error: Failed to convert backfill value.\nconstraint failures:\n  s: Expected Int, provided String\nat main.fsl:7:19"
    )
