"""Core's EncodeSchemaTypeSpec (ext/repo/src/test/scala/schema/migration/EncodeSchemaTypeSpec.scala): the
schema types a stored migration carries (a split's discriminator) round-trip through core's codec. A user
sees the type at work: a `split` keeps in its first field the values of that type and moves the others,
so each type the spec encodes is pushed as a split's type, over one document whose value fits it and one
whose value does not.

Skipped: the encoded form itself (`"Str"`, `{ type: "Union", elems: [...] }`), which no query reads; and the
types `UUID`, `V4Query` and `AnyDoc`, and a bare document type (`Document`, `NullDocument`), which no FSL
field can be declared with (not persistable: core's typer refuses them, and a reference is `Ref<Coll>`,
the union of the two document types, ported below)."""

from __future__ import annotations

import pytest

import fql

from .pushing import create, data, push

CASES = [
    # scalars
    ("Any", "1", None),
    ("String", '"a"', "1"),
    ("Null", "null", "1"),
    ("Int", "5", "9999999999"),
    ("Long", "9999999999", '"x"'),
    ("Long", "5", '"x"'),
    ("Double", "2.5", "1"),
    ("Number", "1", '"x"'),
    ("Boolean", "true", "1"),
    ("Time", 'Time("2020-01-01T00:00:00Z")', '"x"'),
    ("Date", 'Date("2020-01-01")', '"x"'),
    ("Bytes", 'Bytes("AAE=")', '"x"'),
    ("Ref<Bar>", "Bar.create({})", "1"),
    # structs
    ("{ foo: String }", '{ foo: "a" }', "{ foo: 1 }"),
    ("{ foo: String, bar: String | Int }", '{ foo: "a", bar: 1 }', '{ foo: "a", bar: true }'),
    ("{ foo: String, bar: String | Int, *: String | Int }", '{ foo: "a", bar: 1, x: 2 }', '{ foo: "a", bar: 1, x: true }'),
    # EncodeMigrationSpec "it encodes complex types"
    ("{ foo: Int | String, bar: [String, Int | String, Int] }", '{ foo: 1, bar: ["a", "b", 2] }', '{ foo: 1, bar: ["a", "b", "c"] }'),
    # arrays
    ("Array<String>", '["a"]', "[1]"),
    ("Array<Int | String>", '[1, "a"]', "[true]"),
    # tuples
    ("[String, Int]", '["a", 1]', '[1, "a"]'),
    ("[] | [String] | [String, String | Int]", '["a", 1]', "[1]"),
]


@pytest.mark.parametrize(("schema_type", "fits", "other"), CASES)
def test_it_encodes(schema_type, fits, other):
    db = fql.connect()
    push(db, "collection Bar {}\ncollection Foo {\n  my_field: Any\n}\n")
    create(db, "Foo", 1, f"my_field: {fits}")
    if other is not None:
        create(db, "Foo", 2, f"my_field: {other}")
    push(
        db,
        f"collection Bar {{}}\ncollection Foo {{\n  my_field: ({schema_type})?\n  rest: Any\n\n"
        "  migrations {\n    split .my_field -> .my_field, .rest\n  }\n}\n",
    )
    # A null is no value: the field is not stored.
    assert list(data(db, "Foo", 1)) == ([] if fits == "null" else ["my_field"])
    if other is not None:
        assert list(data(db, "Foo", 2)) == ["rest"]
