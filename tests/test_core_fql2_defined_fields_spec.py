"""Core's FQL2DefinedFieldsSpec (ext/model/src/test/scala/fql2/FQL2DefinedFieldsSpec.scala), through the v10
endpoint, so that summaries and static types are checked too. Each test names its case.

Ported elsewhere already: "expected type is in the create signature", "replace signature shows up",
"replaceData signature shows up", "wildcard shows up when typechecking doc" (tests/test_core_typer.py);
"non-persistable types don't explode default evaluation" (tests/test_core_docs10.py); "typecheck index
definitions" / "works with wildcards" (tests/test_core_docs10.py test_index_paths_of_known_fields);
"default values must be pure" (tests/test_core_docs10.py);
"default values are required for non-nullable fields" (tests/test_migrations.py).

Skipped (core internals): "default evaluation fails produce a nice error", "nested internal fields don't show
up" and FQL2PersistedFieldsWithV4Spec "nested internal fields don't show up in v4" write a definition
through core's Store.internalUpdate, past the validation a user's write gets (what a user sees of
`backfill_value` is in test_backfill_value_is_stored_internally).
"""

from __future__ import annotations


import pytest

import fql

from .core_fql2_root import failure, lines, ok, static_type


def at_query(query: str, column: int, width: int) -> list[str]:
    """The summary's lines placing an error at `query`'s one line."""
    return [f"at *query*:1:{column}", "  |", f"1 | {query}", "  | " + " " * (column - 1) + "^" * width, "  |"]


def create_failure(*failures: str) -> list[str]:
    return ["error: Failed to create document in collection `Foo`.", "constraint failures:", *(f"  {f}" for f in failures)]


def create_span(query: str) -> list[str]:
    """Where a `Foo.create(...)`'s failure is: its argument list."""
    start = query.index("(")
    return at_query(query, start + 1, len(query) - start)


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret="secret")


#: The summary's lines of a multi-line `Collection.create({...})` at the start of a query.
def create_frame(query: str) -> list[str]:
    rows = query.split("\n")
    width = len(str(len(rows)))
    out = ["at *query*:1:18", f"{' ' * width} |", f"{1:>{width}} |   {rows[0]}", f"{' ' * width} |  " + "_" * 18 + "^"]
    out += [f"{n:>{width}} | | {row}" for n, row in enumerate(rows[1:], 2)]
    return out + [f"{' ' * width} | |__^", f"{' ' * width} |"]


def test_can_be_declared(db):
    ok(db, "Collection.create({ name: 'Foo', fields: { my_field: { signature: 'Int' } } })")
    assert ok(db, "Foo.definition.fields.my_field.signature", typecheck=False) == "Int"


@pytest.mark.parametrize(
    ("field", "message"),
    [
        # "reject invalid field names"
        ("'1234': { signature: 'Number' }", "Invalid identifier"),
        # "reject reserved field names"
        ("update: { signature: 'String' }", "The name 'update' is reserved"),
        ("ttl: { signature: 'Number' }", "The name 'ttl' is reserved"),
    ],
)
def test_reject_invalid_and_reserved_field_names(db, field, message):
    body = failure(db, f"Collection.create({{ name: 'Foo', fields: {{ {field} }} }})")
    assert body["error"]["code"] == "constraint_failure"
    assert message in body["summary"]


NOT_PERSISTABLE = [
    # "rejects non-persistable fields" / "functions"
    (
        '  foo: { signature: "Number" },\n    bar: { signature: "String => Number" }',
        [
            "    error: Field `bar` in collection Foo is not persistable",
            "    at main.fsl:6:8",
            "      |",
            "    6 |   bar: String => Number",
            "      |        ^^^^^^^^^^^^^^^^",
            "      |",
            "    cause: Type String => Number is not persistable",
            "      |",
            "    6 |   bar: String => Number",
            "      |        ^^^^^^^^^^^^^^^^",
            "      |",
        ],
    ),
    # "array of non-persistable"
    (
        '  foo: { signature: "{ a: Array<String => Number> }" }',
        [
            "    error: Field `foo` in collection Foo is not persistable",
            "    at main.fsl:5:8",
            "      |",
            "    5 |   foo: { a: Array<String => Number> }",
            "      |        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
            "      |",
            "    cause: Type String => Number is not persistable",
            "      |",
            "    5 |   foo: { a: Array<String => Number> }",
            "      |                   ^^^^^^^^^^^^^^^^",
            "      |",
        ],
    ),
    # "union of non-persistable"
    (
        '  foo: { signature: "String | (String => String)" }',
        [
            "    error: Field `foo` in collection Foo is not persistable",
            "    at main.fsl:5:8",
            "      |",
            "    5 |   foo: String | (String => String)",
            "      |        ^^^^^^^^^^^^^^^^^^^^^^^^^^",
            "      |",
            "    cause: Type String => String is not persistable",
            "      |",
            "    5 |   foo: String | (String => String)",
            "      |                  ^^^^^^^^^^^^^^^^",
            "      |",
        ],
    ),
    # "ID is not persistable"
    (
        '  a: { signature: "ID" }',
        [
            "    error: Field `a` in collection Foo is not persistable",
            "    at main.fsl:5:6",
            "      |",
            "    5 |   a: ID",
            "      |      ^^",
            "      |",
            "    cause: Type ID is not persistable",
            "      |",
            "    5 |   a: ID",
            "      |      ^^",
            "      |",
        ],
    ),
]


@pytest.mark.parametrize(("fields", "drawn"), NOT_PERSISTABLE)
def test_rejects_non_persistable_fields(db, fields, drawn):
    query = f'Collection.create({{\n  name: "Foo",\n  fields: {{\n  {fields}\n  }}\n}})'
    assert failure(db, query)["summary"] == lines("error: Invalid database schema update.", *drawn, *create_frame(query))


def test_recognizes_doc_or_nulldoc_types_as_persistable(db):
    ok(db, "Collection.create({ name: 'Bar' })")
    ok(db, "Collection.create({ name: 'Foo', fields: { a: { signature: 'Bar | NullBar | Number' },"
           " b: { signature: 'Array<Bar | NullBar> | String' } } })")


def test_recognizes_doc_types_as_unpersistable(db):
    ok(db, "Collection.create({ name: 'Bar' })")
    query = 'Collection.create({\n  name: "Baaz2",\n  fields: {\n    a: { signature: "Array<Bar> | String" }\n  }\n})'
    assert failure(db, query)["summary"] == lines(
        "error: Invalid database schema update.",
        "    error: Field `a` in collection Baaz2 is not persistable",
        "    at main.fsl:8:6",
        "      |",
        "    8 |   a: Array<Bar> | String",
        "      |      ^^^^^^^^^^^^^^^^^^^",
        "      |",
        "    cause: Type Bar is not persistable",
        "      |",
        "    8 |   a: Array<Bar> | String",
        "      |            ^^^",
        "      |",
        "    hint: Use Ref<Bar> as the type of a reference to a Bar document",
        "      |",
        "    8 |   a: Array<Ref<Bar>> | String",
        "      |            ~~~~~~~~",
        "      |",
        *create_frame(query),
    )


def test_doc_and_null_doc_must_be_paired_from_the_same_collection(db):
    ok(db, "Collection.create({ name: 'Bar' })")
    ok(db, "Collection.create({ name: 'Bar2' })")
    query = 'Collection.create({\n  name: "Baaz3",\n  fields: {\n    a: { signature: "Bar | NullBar2" }\n  }\n})'
    assert failure(db, query)["summary"] == lines(
        "error: Invalid database schema update.",
        "    error: Field `a` in collection Baaz3 is not persistable",
        "    at main.fsl:11:6",
        "       |",
        "    11 |   a: Bar | NullBar2",
        "       |      ^^^^^^^^^^^^^^",
        "       |",
        "    cause: Type Bar is not persistable",
        "       |",
        "    11 |   a: Bar | NullBar2",
        "       |      ^^^",
        "       |",
        "    hint: Use Ref<Bar> as the type of a reference to a Bar document",
        "       |",
        "    11 |   a: Ref<Bar> | NullBar2",
        "       |      ~~~~~~~~",
        "       |",
        "    cause: Type NullBar2 is not persistable",
        "       |",
        "    11 |   a: Bar | NullBar2",
        "       |            ^^^^^^^^",
        "       |",
        "    hint: Use Ref<Bar2> as the type of a reference to a Bar2 document",
        "       |",
        "    11 |   a: Bar | Ref<Bar2>",
        "       |            ~~~~~~~~~",
        "       |",
        *create_frame(query),
    )


def test_upcasts_numeric_types_in_create_update_replace_methods(db):
    ok(db, "Collection.create({ name: 'Foo', fields: { a: { signature: 'Int' }, b: { signature: 'Long' },"
           " c: { signature: 'Float' }, d: { signature: 'Double' } } })")
    query = "let a: Number = 1\nlet b: Number = 2\nlet c: Number = 3.0\nlet d: Number = 4.0\nFoo.create({ a: a, b: b, c: c, d: d }) { a, b, c, d }"
    found = ok(db, query)
    assert found == {"a": 1, "b": 2, "c": 3.0, "d": 4.0}
    assert [type(found[k]) for k in "abcd"] == [int, int, float, float]
    # Set.sequence's elements.
    ok(db, "Collection.create({ name: 'Bar', fields: { a: { signature: 'Int' } } })")
    ok(db, "Set.sequence(1, 10).forEach(i => Bar.create({ a: i }))")


def test_integer_literals_should_be_accepted_in_double_fields_pending(db):
    # Pending in core (pendingUntilFixed): an Int given for a Float or Double field is refused there.
    ok(db, "Collection.create({ name: 'Foo', fields: { a: { signature: 'Float' }, b: { signature: 'Double' } } })")
    body = failure(db, "let a: Number = 1\nlet b: Number = 2\nFoo.create({ a: a, b: b }) { a, b }")
    assert body["error"]["code"] == "constraint_failure"


def test_singleton_fields_accept_longs(db):
    ok(db, "Collection.create({ name: 'Foo', fields: { a: { signature: '0 | 42 | 2289521863497489' } } })")
    for value in (0, 42, 2289521863497489):
        assert ok(db, f"Foo.create({{ a: {value} }}).a") == value
    assert failure(db, "Foo.create({ a: 3 })")["error"]["code"] == "constraint_failure"


def test_makes_nice_errors_for_invalid_signatures(db):
    query = "Collection.create({\n  name: 'Foo',\n  fields: {\n    my_field: { signature: '2 $$ 3' }\n  }\n})\n"
    assert failure(db, query)["summary"] == lines(
        "error: Failed to create Collection.",
        "constraint failures:",
        "  fields.my_field.signature: Failed parsing user-provided signature.",
        "      error: Expected end-of-input",
        "      at *signature*:1:3",
        "        |",
        "      1 | 2 $$ 3",
        "        |   ^",
        "        |",
        *create_frame(query.rstrip("\n")),
    )


def test_makes_nice_errors_for_valid_signature_exprs_but_invalid_type_exprs(db):
    query = "Collection.create({\n  name: 'Foo',\n  fields: {\n    my_field: { signature: 'Array<2, 3>' }\n  }\n})\n"
    assert failure(db, query)["summary"] == lines(
        "error: Invalid database schema update.",
        "    error: Type constructor `Array<>` accepts 1 parameters, received 2",
        "    at main.fsl:5:13",
        "      |",
        "    5 |   my_field: Array<2, 3>",
        "      |             ^^^^^",
        "      |",
        *create_frame(query.rstrip("\n")),
    )


def test_requires_fields_to_exist_in_a_collection(db):
    ok(db, "Collection.create({ name: 'Foo', fields: { my_field: { signature: 'Number' } } })")
    ok(db, "Foo.create({ my_field: 5 })")
    for query, failed in [
        ("Foo.create({})", "my_field: Missing required field of type Number"),
        ("Foo.create({ my_field: 'hi' })", "my_field: Expected Number, provided String"),
    ]:
        body = failure(db, query, typecheck=False)
        assert body["error"]["message"] == "Failed to create document in collection `Foo`."
        assert body["summary"] == lines(*create_failure(failed), *create_span(query))


def test_properly_removes_the_data_prefix_from_error_messages(db):
    ok(db, "Collection.create({ name: 'Foo', fields: { a: { signature: 'Int' } } })")
    for query, failed in [
        # `a`, not `data.a`.
        ("Foo.create({ a: 'hello' })", "a: Expected Int, provided String"),
        ("Foo.createData({ a: 'hello' })", "a: Expected Int, provided String"),
        # The meta field `ttl`, so no `data`.
        ("Foo.create({ a: 0, ttl: 0 })", "ttl: Expected Time | Null, provided Int"),
        # A user field `ttl`, so `data` to tell them apart.
        ("Foo.createData({ a: 0, ttl: 0 })", "data.ttl: Unexpected field provided"),
    ]:
        assert failure(db, query, typecheck=False)["summary"] == lines(*create_failure(failed), *create_span(query))
    # Native collections keep `data`.
    query = "Key.create({ role: 'server', data: { foo: Null } })"
    assert failure(db, query, typecheck=False)["summary"] == lines(
        "error: Value at `data.foo` has type Null, which cannot be persisted.", *create_span(query)
    )


def test_works_with_ints(db):
    ok(db, "Collection.create({ name: 'Foo', fields: { my_field: { signature: 'Int' } } })")
    ok(db, "Foo.create({ my_field: 5 })")
    for query, failed in [
        ("Foo.create({ my_field: 2147483648 })", "my_field: Expected Int, provided Long"),
        ("Foo.create({ my_field: 2.0 })", "my_field: Expected Int, provided Double"),
    ]:
        body = failure(db, query, typecheck=False)
        assert body["error"]["code"] == "constraint_failure"
        assert body["summary"] == lines(*create_failure(failed), *create_span(query))


def test_works_with_singletons(db):
    ok(db, "Collection.create({ name: 'Foo', fields: { my_field: { signature: \"'a' | 'b'\" } } })")
    ok(db, "Foo.create({ my_field: 'a' })")
    ok(db, "Foo.create({ my_field: 'b' })")
    query = "Foo.create({ my_field: 'c' })"
    assert failure(db, query, typecheck=False)["summary"] == lines(
        *create_failure('my_field: Expected "a" | "b", provided "c"'), *create_span(query)
    )


def test_does_not_require_nullable_fields_to_exist(db):
    ok(db, "Collection.create({ name: 'Foo', fields: { my_field: { signature: 'Number | Null' } } })")
    ok(db, "Foo.create({})")
    ok(db, "Foo.create({ my_field: 5 })")
    query = "Foo.create({ my_field: 'hi' })"
    assert failure(db, query, typecheck=False)["summary"] == lines(
        *create_failure("my_field: Expected Number | Null, provided String"), *create_span(query)
    )


def test_result_type_shows_up_in_typechecking(db):
    ok(db, "Collection.create({ name: 'Foo', fields: { my_field: { signature: 'Number' } } })")
    assert static_type(db, "Foo.create({ my_field: 5 }).my_field") == "Number"
    assert static_type(db, "Foo.byId(1234)?.my_field") == "Number | Null"


@pytest.mark.parametrize("method", ["update", "updateData"])
def test_update_signature_shows_up(db, method):
    # "update signature shows up", "updateData signature shows up".
    ok(db, "Collection.create({ name: 'Foo', fields: { my_field: { signature: 'Number' } } })")
    ok(db, "Foo.create({ id: 0, my_field: 5 })")
    assert static_type(db, f"Foo.byId(0)!.{method}") == "(data: { my_field: Number | Null }) => Foo"
    ok(db, f"Foo.create({{ my_field: 3 }}).{method}({{}})")
    ok(db, f"Foo.create({{ my_field: 3 }}).{method}({{ my_field: 5 }})")
    query = f"Foo.create({{ my_field: 3 }}).{method}({{ my_field: 'hi' }})"
    body = failure(db, query)
    assert body["error"]["code"] == "invalid_query"
    column = query.index("'hi'")
    assert body["summary"] == lines(
        "error: Type `String` is not a subtype of `Null | Number`",
        f"at *query*:1:{column + 1}",
        "  |",
        f"1 | {query}",
        "  | " + " " * column + "^^^^",
        "  |",
    )


# -- default defined fields ---------------------------------------------------------------------------------


def test_default_can_be_declared(db):
    ok(db, "Collection.create({ name: 'Foo', fields: { my_field: { signature: 'Number', default: '1 + 2' } } })")
    assert ok(db, "Foo.definition.fields.my_field.default", typecheck=False) == "1 + 2"


def test_typecheck_index_definitions_accept_defined_fields_and_reject_undefined(db):
    ok(db, "Collection.create({ name: 'Foo', fields: { my_field: { signature: 'Number' } } })")
    ok(db, "Foo.definition.update({ indexes: { byMyField: { terms: [{ field: '.my_field' }] } } })")
    query = 'Foo.definition.update({\n  indexes: {\n    byXY: {\n      terms: [{ field: ".x.y" }]\n    }\n  }\n})'
    rows = query.split("\n")
    assert failure(db, query)["summary"] == lines(
        "error: Invalid database schema update.",
        "    error: Type `{ id: ID, ts: Time, ttl: Time | Null, my_field: Number }` does not have field `x`",
        "    at main.fsl:10:13",
        "       |",
        "    10 |     terms [.x.y]",
        "       |             ^",
        "       |",
        "at *query*:1:22",
        "  |",
        f"1 |   {rows[0]}",
        "  |  " + "_" * 22 + "^",
        *(f"{n} | | {row}" for n, row in enumerate(rows[1:], 2)),
        "  | |__^",
        "  |",
    )


def test_typecheck_index_definitions_works_for_unique_constraints(db):
    ok(db, "Collection.create({ name: 'Foo', fields: { my_field: { signature: 'Number' } }, constraints: [{ unique: ['.my_field'] }] })")
    query = (
        'Collection.create({\n  name: "FooBad",\n  fields: {\n    my_field: { signature: "Number" },\n  },\n'
        '  constraints: [\n    { unique: [".your_field"] }\n  ]\n})'
    )
    assert failure(db, query)["summary"] == lines(
        "error: Invalid database schema update.",
        "    error: Type `{ id: ID, ts: Time, ttl: Time | Null, my_field: Number }` does not have field `your_field`",
        "    at main.fsl:11:12",
        "       |",
        "    11 |   unique [.your_field]",
        "       |            ^^^^^^^^^^",
        "       |",
        *create_frame(query),
    )


def test_typecheck_index_definitions_works_for_nested_fields_and_arrays(db):
    ok(db, "Collection.create({ name: 'Foo', fields: { my_field: { signature: 'Array<{ a: String, b: Number }>' } },"
           " indexes: { byAB: { terms: [{ field: '.my_field[0].a' }, { field: '.my_field[1].b' }] } } })")
    query = (
        'Collection.create({\n  name: "FooBad",\n  fields: {\n    my_field: { signature: "Array<{ a: String, b: Number }>" },\n'
        '  },\n  indexes: {\n    byAB: {\n      terms: [{ field:".my_field[0].a" }],\n'
        '      values: [{ field: ".my_field[1].c" }]\n    }\n  }\n})'
    )
    assert failure(db, query)["summary"] == lines(
        "error: Invalid database schema update.",
        "    error: Type `{ a: String, b: Number }` does not have field `c`",
        "    at main.fsl:15:26",
        "       |",
        "    15 |     values [.my_field[1].c]",
        "       |                          ^",
        "       |",
        "    hint: Type `{ a: String, b: Number }` inferred here",
        "    at main.fsl:12:19",
        "       |",
        "    12 |   my_field: Array<{ a: String, b: Number }>",
        "       |                   ^^^^^^^^^^^^^^^^^^^^^^^^",
        "       |",
        *create_frame(query),
    )


def test_typecheck_index_definitions_works_for_all_term_formats(db):
    # No leading `.`. (The case's refused path is pending in core: its typer passes it.)
    ok(db, "Collection.create({ name: 'Foo', fields: { a: { signature: \"{ 'b c': Array<Number> }\" } },"
           " indexes: { byWWW: { terms: [{ field: '[\"a\"][\"b c\"][0]' }] } } })")


def test_default_values_are_not_required_for_nullable_fields(db):
    ok(db, "Collection.create({ name: 'Foo', fields: { foo: { signature: 'Int | Null' } } })")


COLLECTION_CREATE = (
    "{ name: String, alias: String | Null, computed_fields: { *: { body: String, signature: String | Null } } | Null, "
    "fields: { *: { signature: String, default: String | Null } } | Null, migrations: Array<{ backfill: { field: "
    "String, value: String } } | { drop: { field: String } } | { split: { field: String, to: Array<String> } } | "
    "{ move: { field: String, to: String } } | { add: { field: String } } | { move_conflicts: { into: String } } | "
    "{ move_wildcard: { into: String } } | { add_wildcard: {} }> | Null, wildcard: String | Null, history_days: "
    "Number | Null, ttl_days: Number | Null, document_ttls: Boolean | Null, indexes: { *: { terms: Array<{ field: "
    "String, mva: Boolean | Null }> | Null, values: Array<{ field: String, mva: Boolean | Null, order: \"asc\" | "
    "\"desc\" | Null }> | Null, queryable: Boolean | Null } } | Null, constraints: Array<{ unique: Array<String> | "
    "Array<{ field: String, mva: Boolean | Null }> } | { check: { name: String, body: String } }> | Null, data: "
    "{ *: Any } | Null }"
)


def test_disallows_non_strings_typechecked(db):
    # Core's typer refuses the whole struct: its causes, the `fields` struct not being null (the optional
    # field's other member), and the default's `Int`, not a `String | Null`.
    query = 'Collection.create({\n  name: "Foo",\n  fields: {\n    my_field: { signature: "Number", default: 3 }\n  }\n})'
    body = failure(db, query + "\n")
    assert body["error"]["code"] == "invalid_query"
    assert body["summary"] == lines(
        f'error: Type `{{ name: "Foo", fields: {{ my_field: {{ signature: "Number", default: 3 }} }} }}` is not a subtype of `{COLLECTION_CREATE}`',
        "at *query*:1:19",
        "  |",
        "1 |   Collection.create({",
        "  |  ___________________^",
        '2 | |   name: "Foo",',
        "3 | |   fields: {",
        '4 | |     my_field: { signature: "Number", default: 3 }',
        "5 | |   }",
        "6 | | })",
        "  | |_^",
        "  |",
        'cause: Type `{ my_field: { signature: "Number", default: 3 } }` is not a subtype of `Null`',
        "at *query*:3:11",
        "  |",
        "3 |     fields: {",
        "  |  ___________^",
        '4 | |     my_field: { signature: "Number", default: 3 }',
        "5 | |   }",
        "  | |___^",
        "  |",
        "cause: Type `Int` is not a subtype of `String | Null`",
        "at *query*:4:47",
        "  |",
        '4 |     my_field: { signature: "Number", default: 3 }',
        "  |                                               ^",
        "  |",
    )


def test_disallows_non_strings_not_typechecked(db):
    query = 'Collection.create({\n  name: "Foo",\n  fields: {\n    my_field: { signature: "Number", default: 3 }\n  }\n})'
    assert failure(db, query + "\n", typecheck=False)["summary"] == lines(
        "error: Failed to create Collection.",
        "constraint failures:",
        "  fields.my_field.default: Expected String | Null, provided Int",
        *create_frame(query),
    )


def test_default_works_on_create(db):
    ok(db, "Collection.create({ name: 'Foo', fields: { my_field: { signature: 'Number', default: '1 + 2' } } })")
    assert ok(db, "Foo.create({}).my_field") == 3
    assert ok(db, "Foo.create({ my_field: 5 }).my_field") == 5


def test_time_now_is_allowed_in_default_fields(db):
    ok(db, "Collection.create({ name: 'Foo', fields: { my_field: { signature: 'Number', default: 'Time.now().toMicros()' } } })")
    first = ok(db, "{\n  now: Time.now().toMicros(),\n  field: Foo.create({ id: 1 }).my_field\n}")
    second = ok(db, "{\n  now: Time.now().toMicros(),\n  field: Foo.create({ id: 2 }).my_field\n}")
    assert first["now"] == first["field"] and second["now"] == second["field"]
    assert second["now"] > first["now"]
    assert ok(db, "[Foo.byId(1)!.my_field, Foo.byId(2)!.my_field]") == [first["now"], second["now"]]


def test_adding_changing_and_removing_defaults_works(db):
    ok(db, "Collection.create({ name: 'Foo', fields: { a: { signature: 'Number' } } })")
    assert failure(db, "Foo.create({})")["error"]["code"] == "invalid_query"
    ok(db, "Foo.definition.update({ fields: { a: { signature: 'Number', default: '0' } } })")
    assert ok(db, "Foo.create({}).a") == 0
    ok(db, "Foo.definition.update({ fields: { a: { signature: 'Number', default: '1' } } })")
    assert ok(db, "Foo.create({}).a") == 1
    ok(db, "Foo.definition.update({ fields: { a: { signature: 'Number', default: null } } })")
    assert failure(db, "Foo.create({})")["error"]["code"] == "invalid_query"


def test_default_values_are_typechecked(db):
    query = 'Collection.create({\n  name: "Foo",\n  fields: {\n    foo: { signature: "String", "default": "0" }\n  }\n})'
    assert failure(db, query)["summary"] == lines(
        "error: Invalid database schema update.",
        "    error: Type `Int` is not a subtype of `String`",
        "    at main.fsl:5:17",
        "      |",
        "    5 |   foo: String = 0",
        "      |                 ^",
        "      |",
        *create_frame(query),
    )


def test_named_types_work(db):
    ok(db, "Collection.create({ name: 'Foo', fields: { t: { signature: 'Time' } } })")
    ok(db, "Foo.create({ t: Time.now() })")
    query = "Foo.create({ t: 2 })"
    assert failure(db, query)["summary"] == lines("error: Type `Int` is not a subtype of `Time`", *at_query(query, 17, 1))
    assert failure(db, query, typecheck=False)["summary"] == lines(
        *create_failure("t: Expected Time, provided Int"), *create_span(query)
    )


def test_the_bytes_type_works(db):
    db.push_schema({"main.fsl": "collection Foo {\n    x: Bytes?\n    y: Array<Bytes> = []\n}"})
    ok(db, "Foo.create({ })")
    ok(db, "Foo.create({ y: [] })")
    # The schema of the original report.
    db.push_schema({"main.fsl": "collection User {\n  a: Array<{\n    x: String,\n    y: String,\n"
                                "    z: { r: Number, s: Bytes }?\n  }> = []\n}"})
    ok(db, "User.createData({ a: [{ x: 'foo', y: 'bar' }] })")
    ok(db, "User.createData({ a: [] })")
    ok(db, "User.createData({})")


# -- wildcard -----------------------------------------------------------------------------------------------


def test_wildcard_can_be_declared(db):
    ok(db, "Collection.create({ name: 'Foo', wildcard: 'Any' })")
    assert ok(db, "Foo.definition.wildcard", typecheck=False) == "Any"


def test_wildcard_makes_nice_errors_for_invalid_signatures(db):
    query = "Collection.create({\n  name: 'Foo',\n  wildcard: '>%%%>'\n})"
    assert failure(db, query + "\n")["summary"] == lines(
        "error: Failed to create Collection.",
        "constraint failures:",
        "  wildcard: Failed parsing user-provided signature.",
        "      error: Expected type",
        "      at *wildcard*:1:1",
        "        |",
        "      1 | >%%%>",
        "        | ^",
        "        |",
        *create_frame(query),
    )


def test_wildcard_allows_only_any(db):
    ok(db, 'Collection.create({\n  name: "AnythingGoes",\n\n  wildcard: "Any"\n})')
    query = 'Collection.create({\n  name: "Foo",\n\n  wildcard: "String"\n})'
    assert failure(db, query)["summary"] == lines(
        "error: Invalid database schema update.",
        "    error: Top-level wildcard must have type `Any`",
        "    at main.fsl:9:6",
        "      |",
        "    9 |   *: String",
        "      |      ^^^^^^",
        "      |",
        *create_frame(query),
    )


def test_field_type_overwrites_wildcard_type(db):
    ok(db, "Collection.create({ name: 'Foo', fields: { z: { signature: 'Number' } }, wildcard: 'Any' })")
    ok(db, "Foo.create({ z: 3 })")
    query = "Foo.create({ z: 'hi' })"
    assert failure(db, query)["summary"] == lines(
        "error: Type `String` is not a subtype of `Number`", *at_query(query, 17, 4)
    )


def test_wildcard_doesnt_apply_to_nested_fields(db):
    ok(db, "Collection.create({ name: 'Foo', fields: { z: { signature: '{ a: Number }' } }, wildcard: 'Any' })")
    query = "Foo.create({ z: { a: 0, b: 'x' } })"
    assert failure(db, query, typecheck=False)["summary"] == lines(
        *create_failure("z.b: Unexpected field provided"), *create_span(query)
    )


def test_wildcards_work_in_nested_fields(db):
    ok(db, "Collection.create({ name: 'Foo', fields: { z: { signature: '{ *: Any }' } } })")
    ok(db, "Foo.create({ z: { foo: 3, bar: 'hi' } })")
    ok(db, "Collection.create({ name: 'Bar', fields: { z: { signature: '{ *: String }' } } })")
    ok(db, "Bar.create({ z: { foo: 'hi', bar: 'hello' } })")
    query = "Bar.create({ z: { foo: 3, bar: 'hi' } })"
    assert failure(db, query, typecheck=False)["summary"] == lines(
        "error: Failed to create document in collection `Bar`.",
        "constraint failures:",
        "  z.foo: Expected String, provided Int",
        *create_span(query),
    )


# -- refs ---------------------------------------------------------------------------------------------------

BAR_AND_BAZ = (
    "Collection.create({ name: 'Bar', fields: { a: { signature: 'Int?' } } })\n"
    "Collection.create({ name: 'Baz', fields: { b: { signature: 'Int?' } } })\n"
)


def test_refs_work(db):
    ok(db, BAR_AND_BAZ + "Collection.create({ name: 'Foo', fields: { bar_ref: { signature: 'Ref<Bar>' } } })")
    ok(db, "Foo.create({ bar_ref: Bar.create({}) })")
    query = "Foo.create({ bar_ref: Baz.create({}) })"
    assert failure(db, query, typecheck=False)["summary"] == lines(
        *create_failure("bar_ref: Expected Bar | NullBar, provided Document"), *create_span(query)
    )


def test_union_refs_work(db):
    ok(db, BAR_AND_BAZ + "Collection.create({ name: 'Foo', fields: { bar_ref: { signature: 'Ref<Bar> | Int' } } })")
    ok(db, "Foo.create({ bar_ref: Bar.create({}) })")
    ok(db, "Foo.create({ bar_ref: 3 })")
    query = "Foo.create({ bar_ref: Baz.create({}) })"
    assert failure(db, query, typecheck=False)["summary"] == lines(
        *create_failure("bar_ref: Expected Bar | NullBar | Int, provided Document"), *create_span(query)
    )


def test_aliased_nulldocs_work(db):
    ok(
        db,
        "Collection.create({ name: 'NullBar', alias: 'NullAliased', fields: { a: { signature: 'Int?' } } })\n"
        "Collection.create({ name: 'Foo', fields: { doc_ref: { signature: 'Ref<NullBar>' },"
        " aliased_doc_ref: { signature: 'Ref<NullAliased>' } } })",
    )
    ok(db, "Foo.create({ doc_ref: NullBar.create({}), aliased_doc_ref: NullBar.create({}) })")


def test_refs_work_with_union_of_doc_or_nulldoc(db):
    ok(db, "Collection.create({ name: 'Bar', fields: { a: { signature: 'Int?' } } })\n"
           "Collection.create({ name: 'Foo', fields: { doc_ref: { signature: 'Bar | NullBar' } } })")
    ok(db, "Foo.create({ doc_ref: Bar.create({}) })")
    ok(db, "Foo.create({ doc_ref: Bar.byId(0) })")


def test_two_refs_work(db):
    db.push_schema({"main.fsl": """\
collection Foo { a: Int }
collection Bar { b: Int }

collection Baz {
  foo: Ref<Foo>
  bar: Ref<Bar>
}

function doit() {
  let getFoo: (String) => Foo = id => Foo(0)!
  let getBar: (String) => Bar = id => Bar(0)!

  let foo = getFoo("")
  let bar = getBar("")

  Baz.create({ foo: foo, bar: bar })
}
"""})
    assert ok(db, "Baz.definition.fields.bar.signature") == "Ref<Bar>"


# -- backfill value -----------------------------------------------------------------------------------------


def test_schema_update_is_disallowed_if_the_default_fails(db):
    query = 'Collection.create({\n  name: "Foo",\n  fields: {\n    my_field: { signature: "Number", default: "1/0" }\n  }\n})'
    assert failure(db, query + "\n")["summary"] == lines(
        "error: Failed to create Collection.",
        "constraint failures:",
        "  my_field: Default field evaluation failed.",
        "      error: Attempted integer division by zero.",
        "      at *field:my_field*:1:3",
        "        |",
        "      1 | 1/0",
        "        |   ^",
        "        |",
        *create_frame(query),
    )


def test_backfill_value_is_stored_internally(db):
    # What a user sees of it: not in the definition, from v10 or v4.
    ok(db, "Collection.create({ name: 'Foo', fields: { my_field: { signature: 'Number', default: '1 + 2' } } })")
    assert ok(db, "Foo.definition.fields") == {"my_field": {"signature": "Number", "default": "1 + 2"}}
    assert ok(db, "Foo.definition.fields.my_field.backfill_value", typecheck=False) is None
    with pytest.raises(fql.FQLError) as caught:
        db.query('Select(["fields", "my_field", "backfill_value"], Get(Collection("Foo")))')
    assert caught.value.code == "value not found"


# -- syntax sugar -------------------------------------------------------------------------------------------


def test_sweet_question_mark(db):
    ok(db, "Collection.create({ name: 'Foo', fields: { a: { signature: 'Int?' } } })")
    ok(db, "Foo.create({})")
    ok(db, "Foo.create({ id: 0, a: 1 })")
    assert ok(db, "Foo.byId(0)!.a!") == 1
