"""Core's EncodeMigrationSpec (ext/repo/src/test/scala/schema/migration/EncodeMigrationSpec.scala): the
migrations core stores, and the values they carry, round-trip through its codec. A user sees the codec's
work as the values migrations write: each backfill value, of every kind the spec encodes, is what the
documents read back, through an `add` and through both sides of a `split`.

Skipped: "it roundtrips" and "it encodes complex types" compare the internal encoded form (`type`, `path`,
`discriminator`...), which no query reads; the types they encode are ported in test_core_encode_schema_type.py
as what a split keeps. The value `TransactionTimeV(false)` ("this should never happen", core's comment) is
the placeholder core's writes hold for their transaction's time, which no backfill value can be."""

from __future__ import annotations

import pytest

import fql
from fql.values import Timestamp

from .pushing import create, data, push

VALUES = [
    ('"bar"', "bar"),
    ("3", 3),
    ("2.5", 2.5),
    ("true", True),
    ('Time("2024-01-02T03:04:05Z")', Timestamp.parse("2024-01-02T03:04:05Z")),
    ("[1, 2, 3]", [1, 2, 3]),
    ('{ foo: "bar", baz: 5 }', {"foo": "bar", "baz": 5}),
]


@pytest.mark.parametrize(("source", "value"), VALUES)
def test_it_encodes_weird_values_in_an_add(source, value):
    db = fql.connect()
    push(db, "collection Foo {\n  old: Int?\n}\n")
    create(db, "Foo", 1)
    push(db, f"collection Foo {{\n  old: Int?\n  foo: Any\n\n  migrations {{\n    add .foo\n    backfill .foo = {source}\n  }}\n}}\n")
    assert data(db, "Foo", 1) == {"foo": value}


@pytest.mark.parametrize(("source", "value"), VALUES)
def test_it_encodes_weird_values_in_a_split(source, value):
    db = fql.connect()
    push(db, "collection Foo {\n  foo: Any\n}\n")
    create(db, "Foo", 1)
    push(
        db,
        "collection Foo {\n  foo: Any\n  bar: Any\n\n  migrations {\n    split .foo -> .foo, .bar\n"
        f"    backfill .foo = {source}\n    backfill .bar = {source}\n  }}\n}}\n",
    )
    assert data(db, "Foo", 1) == {"foo": value, "bar": value}


def test_it_encodes_null():
    # A null backfill writes nothing (core's AddField and SplitField skip a null value).
    db = fql.connect()
    push(db, "collection Foo {\n  foo: Any\n}\n")
    create(db, "Foo", 1)
    push(
        db,
        "collection Foo {\n  foo: Any\n  bar: Any\n  baz: Any\n\n  migrations {\n    split .foo -> .foo, .bar\n"
        "    backfill .foo = null\n    backfill .bar = null\n    add .baz\n    backfill .baz = null\n  }\n}\n",
    )
    assert data(db, "Foo", 1) == {}
