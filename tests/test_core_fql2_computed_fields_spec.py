"""Core's FQL2ComputedFieldsSpec (ext/model/src/test/scala/fql2/FQL2ComputedFieldsSpec.scala), through the v10
endpoint, so that summaries and static types are checked too. Each test names its case.

Ported elsewhere already: "rejects signature with generics" (also tests/schema/test_migrating.py, through a push),
"checks computed field signatures" (tests/schema/test_core_env_schema_checks.py), "fail on writes"
(tests/test_v10_summaries.py), "cannot access collections (runtime)" (tests/test_collection_fields.py), and
the index limits of "indexing" ("cannot call UDFs", "cannot use computed fields", "cannot access collections",
"doesn't allow indexing if the ts field is used" and its neighbours: tests/test_core_docs10.py, and here with
the errors drawn in main.fsl).
"""

from __future__ import annotations

import json

import pytest

import fql
from fql.server import v10

from tests.helpers import QueryEndpoint

from .core_fql2_root import failure, lines, ok, static_type


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret="secret")


# -- definition --------------------------------------------------------------------------------------------


def test_can_be_declared(db):
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { bar: { body: 'doc => doc.baz' } } })")
    assert ok(db, "Foo.definition.computed_fields.bar!.body") == "doc => doc.baz"


def test_can_be_removed(db):
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { bar: { body: 'doc => doc.baz' } } })")
    assert ok(db, "Foo.definition.computed_fields == null") is False
    ok(db, "Collection.byName('Foo')!.replace({ name: 'Foo' })")
    assert ok(db, "Foo.definition.computed_fields == null") is True


@pytest.mark.parametrize(
    ("name", "message"),
    [
        # "reject invalid field name"
        ("'1234'", "Invalid identifier"),
        # "reject reserved field name"
        ("update", "The name 'update' is reserved"),
        ("ttl", "The name 'ttl' is reserved"),
    ],
)
def test_reject_invalid_and_reserved_field_names(db, name, message):
    body = failure(db, f"Collection.create({{ name: 'Foo', computed_fields: {{ {name}: {{ body: 'x => x' }} }} }})")
    assert body["error"]["code"] == "constraint_failure"
    assert message in body["summary"]


def test_reject_names_duplicating_defined_fields(db):
    query = lines(
        "Collection.create({",
        '  name: "Foo",',
        "  fields: {",
        '    a: { signature: "Number" }',
        "  },",
        "  computed_fields: {",
        '    a: { body: " _ => 0" }',
        "  }",
        "})",
    )
    assert failure(db, query)["summary"] == lines(
        "error: Failed to create Collection.",
        "constraint failures:",
        "  computed_fields: Computed field 'a' collides with a defined field",
        "at *query*:1:18",
        "  |",
        "1 |   Collection.create({",
        "  |  __________________^",
        '2 | |   name: "Foo",',
        "3 | |   fields: {",
        '4 | |     a: { signature: "Number" }',
        "5 | |   },",
        "6 | |   computed_fields: {",
        '7 | |     a: { body: " _ => 0" }',
        "8 | |   }",
        "9 | | })",
        "  | |__^",
        "  |",
    )


def test_reject_invalid_function_arity(db):
    body = failure(db, "Collection.create({ name: 'Foo', computed_fields: { bar: { body: '() => 42' } } })")
    assert body["error"]["code"] == "constraint_failure"
    assert "Expected exactly 1 argument, but the function was defined with 0 arguments" in body["summary"]


def test_can_have_a_type_signature(db):
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { bar: { body: 'doc => doc.baz', signature: 'String' } } })")
    assert ok(db, "Foo.definition.computed_fields.bar!.signature") == "String"


def test_rejects_invalid_signature(db):
    query = lines(
        "Collection.create({",
        "  name: 'Foo',",
        "  computed_fields: {",
        "    bar: {",
        '      body: "doc => doc.baz",',
        '      signature: "^.^"',
        "    }",
        "  }",
        "})",
    )
    body = failure(db, query)
    assert body["error"]["code"] == "constraint_failure"
    assert body["summary"] == lines(
        "error: Failed to create Collection.",
        "constraint failures:",
        "  computed_fields.bar.signature: Failed parsing user-provided signature.",
        "      error: Expected type",
        "      at *signature*:1:1",
        "        |",
        "      1 | ^.^",
        "        | ^",
        "        |",
        "at *query*:1:18",
        "  |",
        "1 |   Collection.create({",
        "  |  __________________^",
        "2 | |   name: 'Foo',",
        "3 | |   computed_fields: {",
        "4 | |     bar: {",
        '5 | |       body: "doc => doc.baz",',
        '6 | |       signature: "^.^"',
        "7 | |     }",
        "8 | |   }",
        "9 | | })",
        "  | |__^",
        "  |",
    )


# -- definition with short lambda ---------------------------------------------------------------------------


def test_short_lambda_works(db):
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { bar: { body: '(.baz)' } } })")
    assert ok(db, "Foo.create({ baz: 3 }).bar") == 3


def test_short_lambda_requires_parenthesis(db):
    query = lines(
        "Collection.create({",
        "  name: 'Foo',",
        "  computed_fields: {",
        "    bar: {",
        '      body: ".baz"',
        "    }",
        "  }",
        "})",
    )
    body = failure(db, query)
    assert body["error"]["code"] == "constraint_failure"
    assert body["summary"] == lines(
        "error: Failed to create Collection.",
        "constraint failures:",
        "  computed_fields.bar.body: Unable to parse FQL source code.",
        "      error: Invalid anonymous field access",
        "      at *body*:1:1",
        "        |",
        "      1 | .baz",
        "        | ^^^^",
        "        |",
        "at *query*:1:18",
        "  |",
        "1 |   Collection.create({",
        "  |  __________________^",
        "2 | |   name: 'Foo',",
        "3 | |   computed_fields: {",
        "4 | |     bar: {",
        '5 | |       body: ".baz"',
        "6 | |     }",
        "7 | |   }",
        "8 | | })",
        "  | |__^",
        "  |",
    )


# -- projection --------------------------------------------------------------------------------------------


def test_can_project_pure_computed_fields(db):
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { bar: { body: '_ => 42' } } })")
    assert ok(db, "let foo = Foo.create({})\nfoo.bar") == 42


def test_can_project_on_doc_fields(db):
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { bar: { body: 'doc => doc.baz' } } })")
    assert ok(db, "let foo = Foo.create({ baz: 42 })\nfoo.bar") == 42


def test_computed_fields_can_read(db):
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { bar: { body: 'doc => doc.baz' } } })\n"
           "Collection.create({ name: 'Fizz' })")
    assert ok(db, "let fizz = Fizz.create({ buzz: 42 })\nlet foo = Foo.create({ baz: fizz })\nfoo.bar.buzz") == 42


def test_materialization_returns_computed_fields(db):
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { bar: { body: '_ => 42' } } })")
    # Computed fields take precedence over the data of the same name.
    doc = ok(db, "Foo.createData({ bar: \"I'm in data\", baz: 'Something else' })")
    assert (doc["bar"], doc["baz"]) == (42, "Something else")
    assert ok(db, "Foo.all().first()!.data.bar") == "I'm in data"


def test_can_fail_at_runtime(db):
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { bar: { body: '_ => 10 / 0' } } })")
    body = failure(db, "let foo = Foo.create({})\nfoo.bar!\n")
    assert body["error"]["code"] == "divide_by_zero"
    assert body["summary"] == lines(
        "error: Attempted integer division by zero.",
        "at *computed_field:Foo:bar*:1:11",
        "  |",
        "1 | _ => 10 / 0",
        "  |           ^",
        "  |",
        "at *query*:2:5",
        "  |",
        "2 | foo.bar!",
        "  |     ^^^",
        "  |",
    )


def test_recursive_projection_fails_cleanly(db):
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { bar: { body: 'doc => doc.bar' } } })")
    body = failure(db, "Foo.create({}).bar")
    assert body["error"]["code"] == "stack_overflow"
    assert "number of stack frames exceeded limit" in body["error"]["message"]


# -- writing -----------------------------------------------------------------------------------------------


def test_cannot_be_written_to_except_under_data(db):
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { bar: { body: '_ => 0' }, baaz: { body: '_ => 1' } } })")
    assert failure(db, "Foo.create({ bar: 1 })")["summary"] == lines(
        "error: Failed to create document in collection `Foo`.",
        "constraint failures:",
        "  bar: Cannot write to a computed field",
        "at *query*:1:11",
        "  |",
        "1 | Foo.create({ bar: 1 })",
        "  |           ^^^^^^^^^^^^",
        "  |",
    )
    ok(db, "Foo.createData({ bar: 1 })")
    assert ok(db, "[Foo.all().first()!.bar, Foo.all().first()!.data.bar]") == [0, 1]
    id_ = ok(db, "Foo.all().first()!.id")
    doc = f"Foo.byId('{id_}')!"
    for method, column, value in (("update", 39, 2), ("replace", 40, 3)):
        body = failure(db, f"{doc}.{method}({{ bar: {value} }})")
        assert body["error"]["code"] == "constraint_failure"
        assert body["summary"] == lines(
            f"error: Failed to update document with id {id_} in collection `Foo`.",
            "constraint failures:",
            "  bar: Cannot write to a computed field",
            f"at *query*:1:{column}",
            "  |",
            f"1 | {doc}.{method}({{ bar: {value} }})",
            "  | " + " " * (column - 1) + "^" * 12,
            "  |",
        )
        ok(db, f"{doc}.{method}Data({{ bar: {value} }})")
        assert ok(db, f"[{doc}.bar, {doc}.data.bar]") == [0, value]
    assert failure(db, "Foo.create({ bar: 1, baaz: 0 })")["summary"] == lines(
        "error: Failed to create document in collection `Foo`.",
        "constraint failures:",
        "  bar: Cannot write to a computed field",
        "  baaz: Cannot write to a computed field",
        "at *query*:1:11",
        "  |",
        "1 | Foo.create({ bar: 1, baaz: 0 })",
        "  |           ^^^^^^^^^^^^^^^^^^^^^",
        "  |",
    )


# -- indexing ----------------------------------------------------------------------------------------------


def test_indexing_works_as_terms_and_values(db):
    ok(
        db,
        "Collection.create({ name: 'Foo', computed_fields: { b: { body: 'doc => 2 * doc.a' }, c: { body: 'doc => 1 + doc.d' } },"
        " indexes: { byAB: { terms: [{ field: '.a' }, { field: '.b' }], values: [{ field: '.c', order: 'desc' }] } } })",
    )
    ok(db, "Foo.create({ a: 0, d: 1 })\nFoo.create({ a: 1, d: 1 })\nFoo.create({ a: 2, d: 0 })\nFoo.create({ a: 2, d: 1 })")

    def actual(a: int, b: int) -> list:
        return ok(db, f"Foo.byAB({a}, {b}).map(x => x {{ a, b, c, d }}).toArray()")

    assert actual(0, 0) == [{"a": 0, "b": 0, "c": 2, "d": 1}]
    assert actual(1, 2) == [{"a": 1, "b": 2, "c": 2, "d": 1}]
    # The order proves the index sees the values.
    assert actual(2, 4) == [{"a": 2, "b": 4, "c": 2, "d": 1}, {"a": 2, "b": 4, "c": 1, "d": 0}]
    assert actual(3, 6) == []


def test_indexing_works_for_members_of_computed_objects_and_arrays(db):
    ok(
        db,
        "Collection.create({ name: 'Foo', computed_fields: { a: { body: 'doc => { b : 1, c : 2 }' },"
        " b: { body: 'doc => [1, 2]' } }, indexes: { byADotB: { terms: [{ field: '.a.b' }] },"
        " byFirstInB: { terms: [{ field: '.b[0]' }] } } })",
    )
    ok(db, "Foo.create({})")
    assert ok(db, "[Foo.byADotB(1).count(), Foo.byFirstInB(1).count()]") == [1, 1]


def test_indexing_works_for_members_of_computed_objects_and_arrays_special_field_syntax(db):
    ok(
        db,
        "Collection.create({ name: 'Foo', computed_fields: { a: { body: \"doc => { 'b c': [1, 2] }\" } },"
        " indexes: { byFirstInA: { terms: [{ field: '.[\"a\"][\"b c\"][0]' }] } } })",
    )
    ok(db, "Foo.create({})")
    assert ok(db, "Foo.byFirstInA(1).count()") == 1


def test_indexing_plays_nicely_with_mva_and_non_mva_terms(db):
    ok(
        db,
        "Collection.create({ name: 'Foo', computed_fields: { c: { body: 'doc => [doc.a, doc.b]', signature: 'Any' } },"
        " indexes: { mva_on: { terms: [{ field: '.c', mva: true }] }, mva_off: { terms: [{ field: '.c', mva: false }] } } })",
    )
    ok(db, "Foo.create({ a: 0, b: 0 })\nFoo.create({ a: 0, b: 1 })")
    counts = ok(
        db,
        "[Foo.mva_on(0), Foo.mva_on(1), Foo.mva_on([0, 0]), Foo.mva_on([0, 1]),"
        " Foo.mva_off(0), Foo.mva_off(1), Foo.mva_off([0, 0]), Foo.mva_off([0, 1])].map(.count())",
    )
    assert counts == [2, 1, 0, 0, 0, 0, 1, 1]


def test_indexing_works_for_nested_field_paths_with_mva(db):
    ok(
        db,
        "Collection.create({ name: 'Foo', computed_fields: { a: { body: 'doc => { b : 1, c : [{ a: 1, b: [0, [1, 2]] }] }',"
        " signature: 'Any' } }, indexes: { byYikes: { terms: [{ field: '.a.c[0].b', mva: true }] } } })",
    )
    ok(db, "Foo.create({})")
    assert ok(db, "[Foo.byYikes(0).count(), Foo.byYikes(1).count(), Foo.byYikes(2).count()]") == [1, 1, 1]


def test_indexing_works_as_a_unique_constraint(db):
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { c: { body: 'doc => doc.a + doc.b' } },"
           " constraints: [{ unique: ['.c'] }] })")
    ok(db, "Foo.create({ a: 0, b: 1 })\nFoo.create({ a: 1, b: 1 })")
    for doc in ("{ a: 1, b: 0 }", "{ a: 0, b: 2 }"):
        assert failure(db, f"Foo.create({doc})")["error"]["message"] == "Failed unique constraint."


def test_indexing_handles_updates_and_deletes(db):
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { a: { body: 'doc => doc.x' }, b: { body: 'doc => doc.y' } },"
           " indexes: { byA: { terms: [{ field: '.a' }], values: [{ field: '.b' }] } } })")
    ok(db, "Foo.create({ x: 0, y: 0 })")
    assert ok(db, "Foo.byA(0).count()") == 1
    ok(db, "Foo.byA(0).first()!.update({ x : 1 })")
    assert ok(db, "[Foo.byA(0).count(), Foo.byA(1).count()]") == [0, 1]
    ok(db, "Foo.byA(1).first()!.delete()")
    assert ok(db, "Foo.byA(1).count()") == 0
    ok(db, "Foo.create({ x: 0, y: 0 })\nFoo.create({ x: 0, y: 1 })")
    assert ok(db, "Foo.byA(0).map(x => x.b).toArray()") == [0, 1]
    ok(db, "Foo.byA(0).first()!.update({ y: 2 })")
    assert ok(db, "Foo.byA(0).map(x => x.b).toArray()") == [1, 2]


def test_indexing_plays_nice_with_data_field_homonyms(db):
    ok(
        db,
        "Collection.create({ name: 'Foo', computed_fields: { a: { body: '_ => 1', signature: 'Number' },"
        " b: { body: 'doc => -1 * doc.data.b', signature: 'Number' } },"
        " indexes: { byA: { terms: [{ field: '.a' }], values: [{ field: 'data.b', order: 'desc' }] },"
        " byDataA: { terms: [{ field: '.data.a' }] } } })",
    )
    ok(db, "Foo.createData({ a: 0, b: 0 })")
    assert ok(db, "[Foo.byA(0), Foo.byA(1), Foo.byDataA(0), Foo.byDataA(1)].map(.count())") == [0, 1, 1, 0]
    ok(db, "Foo.createData({ b: 1 })")
    # The order proves the index sees data.b, not the computed field b.
    assert ok(db, "Foo.byA(1).map(x => x.data.b).toArray()") == [1, 0]


def test_indexing_doesnt_confuse_computed_and_persisted_values_in_the_cache(db):
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { a: { body: '_ => 1' } }, indexes: { ofA: { values: [{ field: 'a' }] } } })")
    ok(db, "Foo.createData({ a: 0 })")
    assert ok(db, "[Foo.ofA().first()!.data.a, Foo.ofA().first()!.a]") == [0, 1]


def test_indexing_doesnt_cache_null_values(db):
    # The covered value is null (reads are not allowed when indexing), so the field is computed again.
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { a: { body: '_ => Time.now()' } },"
           " indexes: { ofA: { values: [{ field: 'a' }] } } })")
    ok(db, "Foo.create({ id: 0 })")
    assert ok(db, "Foo.ofA().first()!.a isa Time") is True


def test_indexing_invalidates_cached_indexed_computed_field_values(db):
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { a: { body: 'doc => doc.x + 1' } },"
           " indexes: { ofA: { values: [{ field: 'a' }] } } })")
    ok(db, "Foo.create({ id: 0, x: 0 })")
    assert ok(db, "let old = Foo.ofA().first()!.a\nFoo.byId(0)!.update({ x: 1 }).a") == 2


def test_indexing_doesnt_hide_evaluation_errors_with_cached_nulls(db):
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { a: { body: '_ => 1/0' } }, indexes: { ofA: { values: [{ field: 'a' }] } } })")
    # (The answer is the new document's id: rendered whole, the document would show the failing field.)
    ok(db, "Foo.create({ id: 0 }).id")
    assert failure(db, "Foo.ofA().first()!.a")["error"]["code"] == "divide_by_zero"


ONE = 'Function.create({\n  name: "one",\n  body: "_ => 1"\n})\n\n'


def schema_failure(db: fql.Database, query: str) -> str:
    body = failure(db, query)
    assert body["error"]["code"] == "invalid_schema"
    return body["error"]["message"]


def drawn(message: str, line: int, column: int, text: str, width: int) -> str:
    """Core's DatabaseSchemaEnvViolation of one error, drawn in main.fsl."""
    pad = " " * len(str(line))
    return lines(
        "Invalid database schema update.",
        f"    error: Computed fields used in indexes or constraints {message}",
        f"    at main.fsl:{line}:{column}",
        f"    {pad} |",
        f"    {line} | {text}",
        f"    {pad} | " + " " * (column - 1) + "^" * width,
        f"    {pad} |",
    )


@pytest.mark.parametrize(
    ("collection", "expected"),
    [
        # "cannot call UDFs (typecheck)" / "when the UDF is used in a term"
        (
            "computed_fields: { a: { body: '_ => 1 + one(0)' } }, indexes: { byA: { terms: [{ field: '.a' }] } }",
            (5, 26, "  compute a = (_) => 1 + one(0)", 3),
        ),
        # "when the UDF is used in a value": caught even when it is not called directly.
        (
            "computed_fields: { a: { body: '_ => { let two = one; 1 + two(0) }' } },"
            " indexes: { byA: { terms: [{ field: '.x' }], values: [{ field: '.a' }] } }",
            (6, 15, "    let two = one", 3),
        ),
        # "when the UDF is used in a unique constraint"
        ("computed_fields: { a: { body: '_ => 1 + one(0)' } }, constraints: [{ unique: ['.a'] }]", (5, 26, "  compute a = (_) => 1 + one(0)", 3)),
    ],
)
def test_cannot_call_udfs_typecheck(db, collection, expected):
    message = schema_failure(db, f"{ONE}Collection.create({{ name: 'Foo', {collection} }})")
    assert message == drawn("cannot call UDFs", *expected)


def test_cannot_call_udfs_typecheck_errors_display_correctly_when_using_square_bracket_paths(db):
    # The name `a` is found in the path however it is written.
    message = schema_failure(
        db,
        'Function.create({ name: "one", body: "_ => { b: 0 }" })\n'
        "Collection.create({ name: 'Foo', computed_fields: { a: { body: '_ => one(0)' } },"
        " indexes: { byA: { terms: [{ field: \".['a']['b']\" }] } } })",
    )
    assert message == drawn("cannot call UDFs", 5, 22, "  compute a = (_) => one(0)", 3)


def test_cannot_call_udfs_typecheck_on_update(db):
    ok(db, f"{ONE}Collection.create({{ name: 'Foo', computed_fields: {{ a: {{ body: '_ => 1 + one(0)' }} }} }})")
    schema_failure(db, "Collection.byName('Foo')!.update({ indexes: { byA: { terms: [{ field: '.a' }] } } })")


@pytest.mark.parametrize(
    "field",
    [
        "Bar.all()",  # create sets
        "Bar.all().count()",  # access sets
        "Bar.create({})",  # create docs
        "Bar.definition",  # lookup definition
        "Bar.where(.foo > 3)",  # call where()
        "Bar.firstWhere(.foo > 3)",  # call firstWhere()
        "Bar.byName('foo')",  # call index
        "Bar.byId(3)",  # call byId
    ],
)
def test_cannot_access_collections_typecheck(db, field):
    schema_failure(
        db,
        "Collection.create({ name: 'Bar', indexes: { byName: { terms: [{ field: '.name' }] } } })\n"
        f"Collection.create({{ name: 'Foo', computed_fields: {{ a: {{ body: \"_ => {field}\" }} }},"
        " indexes: { byA: { terms: [{ field: '.a' }] } } })",
    )


def test_cannot_use_computed_fields_typecheck_in_terms(db):
    message = schema_failure(
        db,
        "Collection.create({ name: 'Foo', computed_fields: { a: { body: '_ => 1' }, b: { body: 'doc => doc.a' } },"
        " indexes: { byB: { terms: [{ field: '.b' }] } } })",
    )
    assert message == drawn("cannot use computed fields", 6, 28, "  compute b = (doc) => doc.a", 1)


def test_cannot_use_computed_fields_typecheck_in_values(db):
    # No sneaking around the restriction through a `let`.
    message = schema_failure(
        db,
        "Collection.create({ name: 'Foo', computed_fields: { a: { body: '_ => { x: 0, y: 1 }' },"
        " b: { body: 'doc => { let f = doc; 1 + f.a.x }' } }, indexes: { byB: { values: [{ field: '.b' }] } } })",
    )
    assert message == drawn("cannot use computed fields", 11, 11, "    1 + f.a.x", 1)


def test_cannot_use_computed_fields_typecheck_in_unique_constraints(db):
    # Also applies to computed fields of other collections, selected on their documents; the read is
    # invalid there too, so both are drawn (core types the body: `Bar.byId(0)!` is a `Bar`).
    ok(db, "Collection.create({ name: 'Bar', computed_fields: { x: { body: '_ => 0' } } })")
    message = schema_failure(
        db,
        "Collection.create({ name: 'Foo', computed_fields: { a: { body: '_ => Bar.byId(0)!.x' } },"
        " constraints: [{ unique: ['.a'] }] })",
    )
    text = "  compute a = (_) => Bar.byId(0)!.x"
    assert message == lines(
        drawn("cannot access collections", 9, 22, text, 3),
        *drawn("cannot use computed fields", 9, 35, text, 1).split("\n")[1:],
    )


def test_computed_fields_of_other_collections_reached_otherwise(db):
    # As core's typer sees them: a `let` keeps the document's type, `create` gives one, `byId` without `!`
    # is `Bar | NullBar` (no collection's type, so no computed field of one), and any document's `ts`.
    ok(db, "Collection.create({ name: 'Bar', computed_fields: { x: { body: '_ => 0' } } })")
    for body, errors in [
        ("_ => { let b = Bar.byId(0)!; b.x }", ["cannot access collections", "cannot use computed fields"]),
        ("_ => Bar.create({}).x", ["cannot access collections", "cannot use computed fields"]),
        ("_ => Bar.byId(0)!.ts", ["cannot access collections", "cannot use a doc's ts field"]),
        ("_ => Bar.byId(0)?.x", ["cannot access collections"]),
        ("_ => Bar.byId(0)!.y", ["cannot access collections"]),
    ]:
        message = schema_failure(
            db, f"Collection.create({{ name: 'Foo', computed_fields: {{ a: {{ body: '{body}' }} }}, constraints: [{{ unique: ['.a'] }}] }})"
        )
        assert [m.split("constraints ")[1] for m in message.split("\n") if m.startswith("    error:")] == errors, body


def test_doesnt_allow_indexing_if_the_ts_field_is_used(db):
    message = schema_failure(
        db,
        "Collection.create({ name: 'Foo', computed_fields: { a: { body: 'doc => doc.ts' } },"
        " indexes: { byA: { terms: [{ field: '.a' }] } } })",
    )
    assert message == drawn("cannot use a doc's ts field", 5, 28, "  compute a = (doc) => doc.ts", 2)


def test_allowed_indexing_if_an_objects_ts_field_is_used(db):
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { a: { body: '_ => { ts: 0 }.ts' } },"
           " indexes: { byA: { terms: [{ field: '.a' }] } } })")
    ok(db, "Foo.create({})")
    assert ok(db, "Foo.byA(0).count()") == 1


def test_allowed_indexing_if_the_data_ts_field_is_used(db):
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { a: { body: 'doc => doc.data.ts' } },"
           " indexes: { byA: { terms: [{ field: '.a' }] } } })")
    ok(db, "Foo.createData({ ts: 0 })")
    assert ok(db, "Foo.byA(0).count()") == 1


@pytest.fixture
def untyped() -> fql.Database:
    """A database that is not typechecked (core's `newDB(typeChecked = false)`)."""
    database = fql.connect(root_secret="secret")
    ok(database, "Database.create({ name: 'untyped', typechecked: false })")
    return database


def untyped_ok(db: fql.Database, query: str) -> object:
    body = json.loads(v10.query(db, {"query": query}, "secret:untyped:admin", {"x-format": "simple"}, 0).body)
    assert "error" not in body, body
    return body["data"]


def test_cannot_call_udfs_run_time(untyped):
    untyped_ok(
        untyped,
        f"{ONE}Collection.create({{ name: 'Foo', computed_fields: {{ b: {{ body: 'doc => if (doc.a) one(1) else 0' }} }},"
        " indexes: { byB: { terms: [{ field: '.b' }] } } })",
    )
    untyped_ok(untyped, "Foo.create({ a: true })\nFoo.create({ a: false })")
    assert untyped_ok(untyped, "[Foo.byB(0).count(), Foo.byB(1).count()]") == [1, 0]


def test_cannot_use_computed_fields_run_time(untyped):
    untyped_ok(
        untyped,
        "Collection.create({ name: 'Foo', computed_fields: { b: { body: 'doc => 2 * doc.a' }, c: { body: 'doc => 2 * doc.b' } },"
        " indexes: { byC: { terms: [{ field: '.c' }] } } })",
    )
    untyped_ok(untyped, "Foo.create({ a: 1 })")
    assert untyped_ok(untyped, "Foo.byC(4).count()") == 0


def test_an_indexed_computed_field_may_name_a_definition_not_read_it_run_time(untyped):
    # The typer refuses the collection's name there ("lookup definition"); at run time `definition` is the
    # schema document's reference, whose `name` core answers without a read (ReadBroker.RefFields), while
    # reading another field of it is a read, which indexes nothing.
    untyped_ok(untyped, "Collection.create({ name: 'Bar' })")
    untyped_ok(
        untyped,
        "Collection.create({ name: 'Foo', computed_fields: { n: { body: '_ => Bar.definition.name' },"
        " h: { body: '_ => Bar.definition.history_days' } },"
        " indexes: { byN: { terms: [{ field: '.n' }] }, byH: { terms: [{ field: '.h' }] } } })",
    )
    untyped_ok(untyped, "Foo.create({})")
    assert untyped_ok(untyped, "[Foo.all().first()!.h, Foo.byN('Bar').count(), Foo.byH(0).count()]") == [0, 1, 0]


def test_doesnt_allow_indexing_if_the_ts_field_is_used_runtime(untyped):
    untyped_ok(untyped, "Collection.create({ name: 'Foo', computed_fields: { a: { body: 'doc => doc.ts' } } })")
    # Made before the index: its ts is known when the index is built.
    untyped_ok(untyped, "Foo.create({ id: 0 }).id")
    untyped_ok(untyped, "Collection.byName('Foo')!.update({ indexes: { byA: { terms: [{ field: '.a' }] } } })")
    # Made after: its ts is not known yet when it is indexed.
    untyped_ok(untyped, "Foo.create({ id: 1 }).id")
    assert untyped_ok(untyped, "[Foo.byA(Foo.byId(0)!.ts).count(), Foo.byA(Foo.byId(1)!.ts).count()]") == [0, 0]


def test_re_indexes_when_an_indexed_computed_field_changes(db):
    ok(db, "Collection.create({ name: 'Foo', indexes: { byB: { terms: [{ field: '.b' }] } } })")
    ok(db, "Foo.create({ b: 0 })")
    counts = "[Foo.byB(0).count(), Foo.byB(1).count(), Foo.byB(2).count()]"
    assert ok(db, counts) == [1, 0, 0]
    # A computed field now: the index is rebuilt from it, not from the stored field.
    ok(db, "Collection.byName('Foo')!.update({ computed_fields: { b: { body: '_ => 1', signature: 'Number' } } })")
    assert ok(db, counts) == [0, 1, 0]
    ok(db, "Collection.byName('Foo')!.update({ computed_fields: { b: { body: '_ => 2' } } })")
    assert ok(db, counts) == [0, 0, 1]
    # Removed: back to the stored field.
    ok(db, "Collection.byName('Foo')!.update({ computed_fields: null })")
    assert ok(db, counts) == [1, 0, 0]


def test_re_indexes_when_an_indexed_computed_field_changes_special_field_syntax(db):
    ok(db, "Collection.create({ name: 'Foo', indexes: { byABC0: { terms: [{ field: \".['a']['b c'][0]\" }] } } })")
    ok(db, "Foo.create({ a: { 'b c': [0, 1] } })")
    counts = "[Foo.byABC0(0).count(), Foo.byABC0(1).count(), Foo.byABC0(2).count()]"
    assert ok(db, counts) == [1, 0, 0]
    ok(db, "Collection.byName('Foo')!.update({ computed_fields: { a: { body: \"_ => { 'b c': [1, 0] }\", signature: 'Any' } } })")
    assert ok(db, counts) == [0, 1, 0]
    ok(db, "Collection.byName('Foo')!.update({ computed_fields: { a: { body: \"_ => { 'b c': [2, 0] }\" } } })")
    assert ok(db, counts) == [0, 0, 1]
    ok(db, "Collection.byName('Foo')!.update({ computed_fields: null })")
    assert ok(db, counts) == [1, 0, 0]


def test_cannot_use_time_now_because_its_a_read_runtime(db):
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { m: { body: '_ => Time.now().month' } },"
           " indexes: { byMonth: { terms: [{ field: '.m' }] } } })")
    ok(db, "Foo.create({}).id")
    assert ok(db, "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map(m => Foo.byMonth(m).count())") == [0] * 12


def test_cannot_use_new_id_because_its_a_read_runtime(db):
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { custom_id: { body: '_ => { newId(); 0 }' } },"
           " indexes: { byCustomID: { terms: [{ field: '.custom_id' }] } } })")
    ok(db, "Foo.create({})")
    assert ok(db, "Foo.byCustomID(0).count()") == 0
def test_rejects_signature_with_generics(db):
    # With a type refused, core builds no type for the collection's documents: the body's `doc.baz` is not
    # found either (SchemaTypeValidator checkCollections).
    query = lines(
        "Collection.create({",
        "  name: 'Foo',",
        "  computed_fields: {",
        "    bar: {",
        '      body: "doc => doc.baz",',
        '      signature: "A => A"',
        "    }",
        "  }",
        "})",
    )
    text = "  compute bar: A => A = (doc) => doc.baz"
    body = failure(db, query)
    assert body["error"]["code"] == "invalid_schema"
    assert body["error"]["message"] == lines(
        "Invalid database schema update.",
        "    error: Unknown type `A`",
        "    at main.fsl:5:16",
        "      |",
        f"    5 | {text}",
        "      |                ^",
        "      |",
        "    error: Unknown type `A`",
        "    at main.fsl:5:21",
        "      |",
        f"    5 | {text}",
        "      |                     ^",
        "      |",
        "    error: Type `Foo` does not have field `baz`",
        "    at main.fsl:5:38",
        "      |",
        f"    5 | {text}",
        "      |                                      ^^^",
        "      |",
    )


def test_should_infer_computed_field_types(db):
    ok(
        db,
        "Collection.create({ name: 'Foo', computed_fields: { bar: { body: 'x => 1' } } })\n"
        "Function.create({ name: 'Bar', body: \"() => Foo.byId('0')!.bar\" })",
    )
    assert static_type(db, "Bar") == "UserFunction<() => 1>"


def test_inferred_type_should_be_persisted_and_show_up_in_queries(db):
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { foo: { body: 'x => 1' } } })")
    assert static_type(db, "Foo.byId('0')") == "Ref<Foo>"
    assert static_type(db, "Foo.byId('0')?.foo") == "1 | Null"
    assert static_type(db, "Foo.byId('0') { foo, bar }") == "{ foo: 1, bar: Any } | Null"


def test_should_infer_more_complex_computed_field_types(db):
    ok(
        db,
        "Collection.create({ name: 'Foo', computed_fields: { foo: { body: 'x => 2' },"
        " bar: { body: 'x => x.foo + 3' }, baz: { body: 'x => x.bar + 4' } } })\n"
        "Function.create({ name: 'Bar', body: \"() => Foo.byId('0')!.baz\" })",
    )
    assert static_type(db, "Bar") == "UserFunction<() => Number>"


RANGE = "range: { from: Any } | { to: Any } | { from: Any, to: Any }"


@pytest.mark.parametrize(
    ("definition", "terms"),
    [
        # "index types use computed field types"
        ("computed_fields: { bar: { body: 'doc => 3' } }, indexes: { byBar: { terms: [{ field: '.bar' }] } }", "term1: 3"),
        # "index types work for nested fields"
        (
            "computed_fields: { bar: { body: 'doc => { a: 4 }' } },"
            " indexes: { byBar: { terms: [{ field: '.bar' }, { field: '.bar.a' }] } }",
            "term1: { a: 4 }, term2: 4",
        ),
        # "index types use signature over inferred type"
        (
            "computed_fields: { bar: { body: 'doc => { a: 4 }', signature: '{ a: Number }' } },"
            " indexes: { byBar: { terms: [{ field: '.bar.a' }] } }",
            "term1: Number",
        ),
        # "index types fallback to Any for unknown fields"
        ("indexes: { byBar: { terms: [{ field: '.a.b.c' }] } }", "term1: Any"),
    ],
)
def test_index_types(db, definition, terms):
    ok(db, f"Collection.create({{ name: 'Foo', {definition} }})")
    assert static_type(db, "Foo.byBar") == f"(({terms}) => Set<Foo>) & (({terms}, {RANGE}) => Set<Foo>)"


def test_index_types_use_computed_field_types_to_check_calls(db):
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { bar: { body: 'doc => 3' } },"
           " indexes: { byBar: { terms: [{ field: '.bar' }] } } })")
    body = failure(db, "Foo.byBar('hi')")
    assert body["error"]["code"] == "invalid_query"
    assert body["summary"].split("\n")[0] == 'error: `"hi"` is not the value `3`'
    assert body["summary"].count("\nerror: ") == 0


def test_uses_computed_field_signature_when_given(db):
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { foo: { body: '_ => 2', signature: 'Number' } },"
           " indexes: { byFoo: { terms: [{ field: '.foo' }] } } })")
    ok(db, "Collection.create({ name: 'Bar', computed_fields: { foo: { body: '_ => 2' } },"
           " indexes: { byFoo: { terms: [{ field: '.foo' }] } } })")
    # Foo's signature widens the type; Bar has none, so the inferred one is used.
    assert static_type(db, "Foo.create({}).foo") == "Number"
    assert static_type(db, "(x) => Foo.byFoo(x)") == "Number => Set<Foo>"
    assert static_type(db, "Bar.create({}).foo") == "2"
    assert static_type(db, "(x) => Bar.byFoo(x)") == "2 => Set<Bar>"
    ok(db, "Foo.byFoo(2)")
    ok(db, "Foo.byFoo(0)")
    ok(db, "Bar.byFoo(2)")
    for query, message, width in [
        ("Foo.byFoo('hi')", "Type `String` is not a subtype of `Number`", 4),
        ("Bar.byFoo(0)", "`0` is not the value `2`", 1),
        ("Bar.byFoo('hi')", '`"hi"` is not the value `2`', 4),
    ]:
        body = failure(db, query)
        assert body["error"]["code"] == "invalid_query"
        assert body["summary"] == lines(
            f"error: {message}", "at *query*:1:11", "  |", f"1 | {query}", "  |           " + "^" * width, "  |"
        )


@pytest.mark.parametrize(
    ("signature", "term"),
    [
        # Simple types are unchanged.
        ("1", "1"),
        ("1 | 2", "1 | 2"),
        # Arrays lose one layer.
        ("Array<1>", "1"),
        ("Array<1 | 2>", "1 | 2"),
        ("Array<1> | Array<2>", "1 | 2"),
        ("Array<Array<1>>", "Array<1>"),
        ("Array<1> | 2", "2 | 1"),
        # Tuples are the union of their items, one layer deep.
        ("[1, 2]", "1 | 2"),
        ("[1, [2, 3]]", "1 | [2, 3]"),
        ("[1, 2] | [3, 4]", "1 | 3 | 2 | 4"),
        # Unions are flattened.
        ("(1 | 2) | 3", "1 | 2 | 3"),
    ],
)
def test_mvaed_terms_should_have_the_correct_inferred_type(db, signature, term):
    ok(db, f"Collection.create({{ name: 'User', computed_fields: {{ name: {{ body: 'doc => abort(0)', signature: '{signature}' }} }},"
           " indexes: { byName: { terms: [{ field: '.name', mva: true }] } } })")
    assert static_type(db, "(x) => User.byName(x)") == f"{term} => Set<User>"


def test_overlaps_with_data_are_handled_nicely(db):
    ok(db, "Collection.create({ name: 'User', computed_fields: { foo: { body: 'doc => 3' } } })")
    obj = ok(db, "Object.assign({}, User.createData({ foo: 5 }))")
    assert (obj["foo"], obj["data"]["foo"]) == (3, 5)


def test_mvaed_terms_enforce_the_inferred_type_correctly(db):
    ok(db, "Collection.create({ name: 'User', computed_fields: { name: { body: 'doc => [1, 2]' } },"
           " indexes: { byName: { terms: [{ field: '.name', mva: true }] } } })")
    ok(db, "User.create({})")
    assert ok(db, "[User.byName(1).count(), User.byName(2).count()]") == [1, 1]
    caret = ["  |", "1 | User.byName(3)", "  |             ^", "  |"]
    assert failure(db, "User.byName(3)")["summary"] == lines(
        "error: Type `3` is not a subtype of `1 | 2`",
        "at *query*:1:13",
        *caret,
        "cause: `3` is not the value `1`",
        *caret,
        "cause: `3` is not the value `2`",
        *caret,
    )


def test_indexing_typechecks_computed_fields_for_index_signatures(db):
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { c: { body: 'doc => [doc.a, doc.b]' } },"
           " indexes: { mva_on: { terms: [{ field: '.c', mva: true }] }, mva_off: { terms: [{ field: '.c', mva: false }] } } })")
    assert static_type(db, "(x) => Foo.mva_on(x)") == "Any => Set<Foo>"
    assert static_type(db, "(x) => Foo.mva_off(x)") == "[Any, Any] => Set<Foo>"
    for query, shown in [("Foo.mva_off(0).count()", "Int"), ("Foo.mva_off('hi').count()", "String")]:
        body = failure(db, query)
        assert body["error"]["code"] == "invalid_query"
        assert body["summary"].split("\n")[0] == f"error: Type `{shown}` is not a subtype of `[Any, Any]`"
        assert "\nerror: " not in body["summary"]
    ok(db, "Foo.mva_off([0, 0]).count()")
    ok(db, "Foo.mva_off(['hi', 1]).count()")


# -- answers (not a case of core's spec) -------------------------------------------------------------------


def test_a_document_a_computed_field_gives_answers_as_its_reference(db):
    # Core's materializer reads the documents outside documents (a query's answer, the elements of a set it
    # pages, an object's fields) and answers a document found inside a document it read as a reference, as
    # it answers a stored one: the docs' `cart: Order("412483941752112205")` of a Customer.
    ok(db, "Collection.create({ name: 'Pet' })")
    ok(db, "Collection.create({ name: 'Owner', computed_fields: { pets: { body: 'o => Pet.where(.owner == o)' } } })")
    ok(db, "Pet.definition.update({ computed_fields: { first: { body: 'p => Owner.all().first()' } } })")
    ok(db, "Owner.create({ id: '1' }); Pet.create({ id: '2', owner: Owner('1') })")
    tagged = QueryEndpoint(fmt="tagged")
    pet = tagged.ok(db, "Pet.byId('2')")["@doc"]
    assert pet["first"] == {"@ref": {"id": "1", "coll": {"@mod": "Owner"}}}
    # Projected, the same document is an object's field: answered whole, its own set as a cursor.
    projected = tagged.ok(db, "Pet.byId('2') { first }")["first"]["@doc"]
    assert projected["id"] == "1" and set(projected["pets"]) == {"@set"} and isinstance(projected["pets"]["@set"], str)


def test_collection_can_be_renamed(db):
    # The query's text still names the collection by the name it began with: `Foo` reaches the renamed
    # collection's document, and its computed field runs (and aborts).
    ok(db, "Collection.create({ name: 'Foo', computed_fields: { bar: { body: \"doc => abort('hi')\" } } })")
    ok(db, "Foo.create({ id: 1234 }); null")
    body = failure(db, "Collection.byName('Foo')!.update({\n  name: 'Bar',\n})\n\nFoo.byId(1234)!.bar\n")
    assert body["error"]["code"] == "abort"
    # The field's source still names `Foo`, as core reads the collection's schema as the query began.
    assert body["summary"] == lines(
        "error: Query aborted.",
        "at *computed_field:Foo:bar*:1:13",
        "  |",
        "1 | doc => abort('hi')",
        "  |             ^^^^^^",
        "  |",
        "at *query*:5:17",
        "  |",
        "5 | Foo.byId(1234)!.bar",
        "  |                 ^^^",
        "  |",
    )
    # The new name is not the query's to use until the next one; renamed and deleted, the old one is not either.
    assert failure(db, "Collection.byName('Foo')!.update({ name: 'Bar' })\nBar.byId(1234)")["error"]["code"] == "invalid_query"
    ok(db, "Collection.byName('Foo')!.update({ name: 'Bar' })\nFoo.byId(1234)!.id")
    assert ok(db, "Bar.byId(1234)!.id") == "1234"
    body = failure(db, "Collection.byName('Bar')!.update({ name: 'Baz' })\nCollection.byName('Baz')!.delete()\nBar.all().count()")
    assert body["error"]["code"] == "invalid_write"

