"""v10 collection schemas: the constraint failures (paths and core's messages) of computed fields, defined
fields and bad definitions, v4 writes against defined fields, and the signature parser on its own."""

from __future__ import annotations

import pytest

import fql
from fql.eval.v10 import signatures
from fql.storage.base import DocKey, Version
from fql.wire.v10 import to_tagged
from tests.helpers import query_v10 as run, query_v10_error


@pytest.fixture
def db() -> fql.Database:
    return fql.connect()


def fails(db: fql.Database, text: str, code: str = "constraint_failure") -> fql.FQLError:
    """The query's failure as it runs: untypechecked (core's `typecheck = false`), as core's typechecker
    refuses beforehand a create whose struct misses a defined field or gives one a wrong primitive."""
    err = query_v10_error(db, text, typecheck=False)
    assert err.v10_code == code, err
    return err


def failures(db: fql.Database, text: str) -> list[tuple[list, str]]:
    return [(f["field"], f["description"]) for f in fails(db, text).failures]


# -- computed fields -----------------------------------------------------------------------------------


def test_writing_computed_fields_reports_each_one(db):
    run(db, 'Collection.create({ name: "Foo", computed_fields: { bar: { body: "_ => 0" }, baaz: { body: "_ => 1" } } })')
    err = fails(db, "Foo.create({ baaz: 0, bar: 1 })")
    assert err.description == "Failed to create document in collection `Foo`."
    # In the definition's order, as core lists them.
    assert [(f["field"], f["description"]) for f in err.failures] == [
        (["bar"], "Cannot write to a computed field"),
        (["baaz"], "Cannot write to a computed field"),
    ]
    run(db, "Foo.createData({ id: 1, bar: 1 })")
    assert run(db, "Foo.all().first()! { bar, data }") == {"bar": 0, "data": {"id": 1, "bar": 1}}


def test_a_computed_field_error_points_at_the_field_access(db):
    run(db, 'Collection.create({ name: "Foo", computed_fields: { bar: { body: "_ => 10 / 0" } } })')
    err = fails(db, "let foo = Foo.create({})\nfoo.bar!", "divide_by_zero")
    assert err.span is not None and err.span.line == 2


def test_computed_fields_reach_the_wire(db):
    run(db, 'Collection.create({ name: "Foo", computed_fields: { up: { body: "d => d.name.toUpperCase()" } } })')
    doc = run(db, 'Foo.create({ name: "ann" })')
    body = to_tagged(doc)["@doc"]
    assert list(body) == ["id", "coll", "ts", "up", "name"]
    assert body["up"] == "ANN"


def test_a_set_in_a_computed_field_answers_as_its_cursor(db):
    # Core materializes the sets of a result, not those inside a document: a document's Set-valued
    # computed field (`compute orders: Set<Order>` in Fauna's sample apps) answers as `{"@set": cursor}`,
    # and Set.paginate reads that cursor.
    run(db, 'Collection.create({ name: "Foo", computed_fields: { all: { body: "_ => Foo.all()" }, '
             'nested: { body: "_ => { in: [Foo.all()] }" } } })')  # fmt: skip
    run(db, "Foo.create({ n: 1 }); Foo.create({ n: 2 })")
    body = to_tagged(run(db, "Foo.all().first()"))["@doc"]
    cursor = body["all"]["@set"]
    assert isinstance(cursor, str) and isinstance(body["nested"]["in"][0]["@set"], str)
    page = run(db, f'Set.paginate("{cursor}", 1)')
    assert [d["n"] for d in page["data"]] == [1] and isinstance(page["after"], str)
    # Outside a document the set is answered as its first page, as before.
    assert to_tagged(run(db, "{ s: Foo.all().first()!.all }"))["s"]["@set"]["data"][1]["@doc"]["n"] == {"@int": "2"}


def test_abort_carries_the_computed_fields(db):
    run(db, 'Collection.create({ name: "Foo", computed_fields: { two: { body: "_ => 2" } } })')
    err = fails(db, "abort(Foo.create({}))", "abort")
    assert err.value["two"] == 2


def test_bad_computed_field_definitions(db):
    def only(text: str) -> tuple[list, str]:
        (found,) = failures(db, text)
        return found

    create = 'Collection.create({{ name: "Foo", computed_fields: {{ {} }} }})'
    assert only(create.format('"1234": { body: "x => x" }')) == (["computed_fields"], "Invalid identifier.")
    assert only(create.format('exists: { body: "x => x" }')) == (["computed_fields"], "The name 'exists' is reserved.")
    assert only(create.format('bar: { body: "() => 42" }')) == (
        ["computed_fields", "bar", "body"],
        "Invalid function arity. Expected exactly 1 argument, but the function was defined with 0 arguments",
    )
    assert only(create.format('bar: { body: ".baz" }')) == (
        ["computed_fields", "bar", "body"],
        "Unable to parse FQL source code.\n"
        "error: Invalid anonymous field access\nat *body*:1:1\n  |\n1 | .baz\n  | ^^^^\n  |",
    )
    assert only(create.format('bar: { body: "doc => doc.baz", signature: "^.^" }')) == (
        ["computed_fields", "bar", "signature"],
        "Failed parsing user-provided signature.\nerror: Expected type\nat *signature*:1:1\n  |\n1 | ^.^\n  | ^\n  |",
    )
    assert only(create.format('bar: { body: "x => x", extra: 1 }')) == (
        ["computed_fields", "bar", "extra"],
        "Unexpected field provided",
    )
    collide = 'Collection.create({ name: "Foo", fields: { a: { signature: "Number" } }, computed_fields: { a: { body: "_ => 0" } } })'
    assert only(collide) == (["computed_fields"], "Computed field 'a' collides with a defined field")
    err = fails(db, create.format('bar: { body: "doc => doc.baz", signature: "A => A" }'), "invalid_schema")
    # (Each drawn in main.fsl under it, as core draws them; with a type refused, the documents have no
    # type, so the body's `doc.baz` is not found either: FQL2ComputedFieldsSpec "rejects signature with
    # generics".)
    assert [line for line in err.description.split("\n") if "error:" in line] == [
        "    error: Unknown type `A`",
        "    error: Unknown type `A`",
        "    error: Type `Foo` does not have field `baz`",
    ]


def test_computed_fields_in_defaults_and_indexes_have_no_effects(db):
    err = fails(db, 'Collection.create({ name: "Foo", fields: { n: { signature: "Number", default: "Foo.all().count()" } } })')
    (failure,) = err.failures
    assert failure["field"] == ["n"]
    assert failure["description"].startswith(
        "Default field evaluation failed.\nerror: `all` performs a read, which is not allowed in default values."
    )
    # core's FQL2ComputedFieldsSpec "cannot access collections (runtime)", in a database that is not
    # typechecked (a typechecked one refuses the definition).
    run(db, 'Database.create({ name: "untyped", typechecked: false })')

    def untyped(text: str):
        return db.query(text, syntax="v10", secret="secret:untyped:admin")

    untyped('Collection.create({ name: "Bar", computed_fields: { n: { body: "_ => Bar.all().count()" } }, indexes: { byN: { terms: [{ field: ".n" }] } } })')
    untyped("Bar.create({})")
    # Read at query time the field counts; computed for the index it read, so it indexes nothing.
    assert untyped("[Bar.all().first()!.n, Bar.byN(1).count(), Bar.byN(0).count()]") == [1, 0, 0]


# -- defined fields ------------------------------------------------------------------------------------


def test_defined_field_failures(db):
    run(db, 'Collection.create({ name: "Foo", fields: { my_field: { signature: "Number" } } })')
    assert failures(db, "Foo.create({})") == [(["my_field"], "Missing required field of type Number")]
    assert failures(db, "Foo.create({ my_field: 'hi' })") == [(["my_field"], "Expected Number, provided String")]
    assert failures(db, "Foo.create({ my_field: 0, ttl: 0 })") == [(["ttl"], "Expected Time | Null, provided Int")]
    assert failures(db, "Foo.createData({ my_field: 0, ttl: 0 })") == [(["data", "ttl"], "Unexpected field provided")]


@pytest.mark.parametrize(
    "signature, value, expected",
    [
        ("'a' | 'b'", "'c'", 'Expected "a" | "b", provided "c"'),
        ("Int", "2147483648", "Expected Int, provided Long"),
        ("Int", "2.0", "Expected Int, provided Double"),
        ("0 | 42", "3", "Expected 0 | 42, provided Int"),
        ("Number | Null", "'hi'", "Expected Number | Null, provided String"),
        ("Time", "2", "Expected Time, provided Int"),
        ("Array<String>", "'x'", "Expected Array<String>, provided String"),
        ("[Int, String]", "[1, 2, 3]", "Invalid tuple arity"),
        ("{ a: Int }?", "[1]", "Expected { a: Int } | Null, provided [Int]"),
        # An object type or value of more than four fields shows them as core's immutable Map of them
        # (SchemaType.toFQL, valuePreciseType) iterates, by their hashes.
        ("{ alpha: Int, beta: Int, gamma: Int, delta: Int, epsilon: Int }", "1",
         "Expected { alpha: Int, epsilon: Int, gamma: Int, delta: Int, beta: Int }, provided Int"),
        ("Int", "{ alpha: 1, beta: 1, gamma: 1, delta: 1, epsilon: 1 }",
         "Expected Int, provided { alpha: Int, epsilon: Int, gamma: Int, delta: Int, beta: Int }"),
        ("Int", "{ a: 1, b: 1, c: 1, d: 1 }", "Expected Int, provided { a: Int, b: Int, c: Int, d: Int }"),
    ],
)
def test_type_mismatches(db, signature, value, expected):
    run(db, f'Collection.create({{ name: "Foo", fields: {{ f: {{ signature: "{signature}" }} }} }})')
    assert failures(db, f"Foo.create({{ f: {value} }})") == [(["f"], expected)]


def test_nested_paths_and_wildcards(db):
    run(db, "Collection.create({ name: 'Foo', fields: { z: { signature: '{ a: Number }' } }, wildcard: 'Any' })")
    assert failures(db, "Foo.create({ z: { a: 0, b: 'x' } })") == [(["z", "b"], "Unexpected field provided")]
    run(db, "Collection.create({ name: 'Bar', fields: { z: { signature: '{ *: String }' } } })")
    assert failures(db, "Bar.create({ z: { foo: 3, bar: 'hi' } })") == [(["z", "foo"], "Expected String, provided Int")]
    # An absent object-typed field without a default is created empty, so its own fields are reported.
    assert failures(db, "Foo.create({})") == [(["z", "a"], "Missing required field of type Number")]


def test_references(db):
    run(db, 'Collection.create({ name: "Bar" }); Collection.create({ name: "Baz" })')
    run(db, 'Collection.create({ name: "Foo", fields: { r: { signature: "Ref<Bar>" }, u: { signature: "Ref<Bar> | Int" } } })')
    assert failures(db, "Foo.create({ r: Baz.create({}), u: 1 })") == [(["r"], "Expected Bar | NullBar, provided Document")]
    assert failures(db, "Foo.create({ r: Bar.create({}), u: Baz.create({}) })") == [
        (["u"], "Expected Bar | NullBar | Int, provided Document")
    ]


def test_default_failures(db):
    err = fails(db, 'Collection.create({ name: "Bar", fields: { n: { signature: "Number", default: "1/0" } } })')
    assert err.failures[0]["field"] == ["n"]
    assert err.failures[0]["description"].startswith(
        "Default field evaluation failed.\nerror: Attempted integer division by zero.\nat *field:n*:1:"
    )
    # A default that fails only when a document is written names the collection in its source. Every
    # write of a definition checks its defaults, so the failing one is stored directly, as core's test
    # writes it with an internal update.
    run(db, 'Collection.create({ name: "Foo", fields: { n: { signature: "Number", default: "1" } } })')
    txn = db.storage.begin(writing=True)
    stored = txn.get(DocKey("", "#collections", "Foo"))
    fields = {**stored.data, "fields": {"n": {"signature": "Number", "default": "1/0"}}}
    txn.put(Version(stored.key, stored.ts + 1, fields))
    txn.commit()
    err = fails(db, "Foo.create({})")
    assert err.failures[0]["description"].startswith(
        "Default field evaluation failed.\nerror: Attempted integer division by zero.\nat *field:Foo:n*:1:"
    )
    assert run(db, "Foo.create({ n: 5 }).n") == 5


def test_a_default_looks_names_up_without_reading(db):
    # Resolving a name (the schema scanned for aliases) is no effect in core (Effect.scala: only the
    # stdlib's calls check one), so an unknown name in a default is unbound; a call that reads is refused.
    found = failures(db, 'Collection.create({ name: "Bar", fields: { n: { signature: "Any", default: "nope" } } })')
    assert found == [(["n"], "Default field evaluation failed.\nerror: Unbound variable `nope`\nat *field:n*:1:1\n  |\n1 | nope\n  | ^^^^\n  |")]
    found = failures(db, 'Collection.create({ name: "Bar", fields: { n: { signature: "Any", default: "Collection.all()" } } })')
    assert found[0][1].startswith("Default field evaluation failed.\nerror: `all` performs a read, which is not allowed in default values.")


def test_a_source_error_at_its_end_marks_its_last_visible_character(db):
    # core's Span.annotateWithLineColNumber: a span past the source's trailing blanks moves back onto its
    # last visible character, and no drawn line keeps trailing blanks.
    found = failures(db, 'Collection.create({ name: "E", computed_fields: { x: { body: "_ => " } } })')
    assert found == [(
        ["computed_fields", "x", "body"],
        "Unable to parse FQL source code.\nerror: Expected expression\nat *body*:1:5\n  |\n1 | _ =>\n  |     ^\n  |",
    )]
    found = failures(db, 'Collection.create({ name: "E", constraints: [{ check: { name: "c", body: "(x) =>\\n  " } }] })')
    assert found[0][1].endswith("at *body*:1:7\n  |\n1 | (x) =>\n  |       ^\n  |")
    found = failures(db, 'Collection.create({ name: "E", fields: { a: { signature: "Any", default: "" } } })')
    assert found[0][1].endswith("at *field:a*:1:1\n  |\n1 |\n  | ^\n  |")


def test_a_body_is_parsed_as_a_functions_body_is(db):
    # core checks a computed field's and a check's body with the same LambdaParseValidator as a function's
    # (Validators.scala): a body that is no lambda says so and suggests one, a rest parameter after the
    # one parameter is accepted, a `;` after the lambda is not.
    found = failures(db, 'Collection.create({ name: "L", computed_fields: { x: { body: "1" } } })')
    assert found == [(["computed_fields", "x", "body"], (
        "Unable to parse FQL source code.\nerror: Body must be a lambda expression.\nat *body*:1:1\n  |\n"
        "1 | 1\n  | ^ Expression is not a lambda.\n  |\nhint: Declare a lambda.\n  |\n1 | () => 1\n  | ++++++\n  |"
    ))]
    found = failures(db, 'Collection.create({ name: "L", constraints: [{ check: { name: "c", body: "(x) => true;" } }] })')
    assert found[0][1].startswith("Unable to parse FQL source code.\nerror: Expected end-of-input\nat *body*:1:12")
    assert run(db, 'Collection.create({ name: "L", computed_fields: { x: { body: "(a, ...b) => 1" } } }).name') == "L"


def test_not_persistable_field_types(db):
    err = fails(db, 'Collection.create({ name: "Foo", fields: { bar: { signature: "String => Number" } } })', "invalid_schema")
    # (Drawn in main.fsl, as core draws it: tests/test_core_fql2_defined_fields_spec.py.)
    assert [line for line in err.description.split("\n") if line.startswith(("Invalid", "    error:", "    cause:"))] == [
        "Invalid database schema update.",
        "    error: Field `bar` in collection Foo is not persistable",
        "    cause: Type String => Number is not persistable",
    ]
    run(db, 'Collection.create({ name: "Bar" })')
    err = fails(db, 'Collection.create({ name: "Baz", fields: { a: { signature: "Array<Bar> | String" } } })', "invalid_schema")
    assert "hint: Use Ref<Bar> as the type of a reference to a Bar document" in err.description
    run(db, 'Collection.create({ name: "Ok", fields: { a: { signature: "Bar | NullBar | Number" } } })')


def test_v4_writes_are_checked_against_defined_fields(db):
    run(db, 'Collection.create({ name: "Foo", fields: { a: { signature: "Number" }, b: { signature: "Int", default: "0" } } })')
    with pytest.raises(fql.FQLError) as caught:
        db.query('Create(Collection("Foo"), { data: { a: "x" } })')
    err = caught.value
    assert (err.code, err.description, list(err.position)) == ("schema validation failed", "a: Expected Number, provided String", ["create"])
    # The default makes `b` present for the check, but v4 does not store it (as in core).
    db.query('Create(Ref(Collection("Foo"), "1"), { data: { a: 1 } })')
    # (`data` is no field of a Foo, which has defined fields, to core's typechecker: read untypechecked.)
    stored, _ = db.run_with_state(fql.parse("Foo.byId(1)!.data", "v10"), syntax="v10", typecheck=False)
    assert stored == {"a": 1}


def test_v4_writes_answer_every_defined_field_failure(db):
    # CVHelper.liftCV (WriteAdaptor.scala) maps each failure of a SchemaConstraintViolation to its own
    # `schema validation failed` error, all at the write's position.
    run(db, 'Collection.create({ name: "Foo", fields: { a: { signature: "Int" }, b: { signature: "String?" } } })')
    with pytest.raises(fql.FQLError) as caught:
        db.query('Create(Collection("Foo"), { data: { a: "x", b: 2 } })')
    err = caught.value
    assert [(e.code, e.description, list(e.position)) for e in (err, *err.siblings)] == [
        ("schema validation failed", "a: Expected Int, provided String", ["create"]),
        ("schema validation failed", "b: Expected String | Null, provided Int", ["create"]),
    ]


def test_ttl_days_renews_on_every_write(db):
    run(db, 'Collection.create({ name: "Foo", ttl_days: 1 })')
    first = run(db, "Foo.create({ id: 1 }).ttl")
    second = run(db, "Foo.byId(1)!.update({ a: 1 }).ttl")
    assert second.micros > first.micros
    assert run(db, "let d = Foo.byId(1)!; d.ttl == d.ts.add(1, 'days')") is True


# -- signatures ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, shown",
    [
        ("Int?", "Int?"),
        ("'a' | \"b\" | 3", '"a" | "b" | 3'),
        ("{ a: Number, 'b c': Array<Int>, *: Any }", '{ a: Number, "b c": Array<Int>, *: Any }'),
        ("[Int, String]", "[Int, String]"),
        ("String | (String => String)", "String | (String => String)"),
        ("(a: Int, b: String) => Int", "(a: Int, b: String) => Int"),  # core's displayTExpr keeps names
        ("A & B | C", "A & B | C"),
    ],
)
def test_signatures_parse_and_show(text, shown):
    assert signatures.show(signatures.parse(text)) == shown


@pytest.mark.parametrize(
    "text, message, column",
    [("^.^", "Expected type", 1), ("2 $$ 3", "Expected end-of-input", 3), ("Array<Int", "Expected `>`", 10)],
)
def test_signature_errors(text, message, column):
    with pytest.raises(signatures.SignatureError) as caught:
        signatures.parse(text)
    assert (caught.value.message, caught.value.offset + 1) == (message, column)


def test_a_default_inside_a_nullable_signature(db):
    # core's TypeExprParser.schemaTypeExpr: a default inside `{ ... }?` is refused, the `?` as the hint
    # (on its error's line, so without an `at` line of its own: core's Diagnostic, HintSpec).
    err = fails(db, 'Collection.create({ name: "Foo", fields: { a: { signature: "{ b: Int = 0 }?" } } })')
    assert err.failures[0]["description"] == (
        "Failed parsing user-provided signature.\n"
        "error: Default values are not allowed here\nat *signature*:1:12\n  |\n1 | { b: Int = 0 }?\n  |            ^\n  |\n"
        "hint: Parent is nullable\n  |\n1 | { b: Int = 0 }?\n  |               ^\n  |"
    )


def test_unique_constraint_failures_name_every_broken_constraint(db):
    # core's FQL2CollectionsSpec: both constraints fail, each with its fields' paths, in one error.
    import json

    from fql.server import v10 as server_v10

    run(db, 'Collection.create({ name: "Book", constraints: [{ unique: ["name"] }, { unique: [{ field: "name" }, { field: "address.city" }] }] })')
    text = 'Book.create({ name: "TestBook", address: { city: "Ohio" } })\nBook.create({ name: "TestBook", address: { city: "Ohio" } })'
    answer = json.loads(server_v10.query(db, {"query": text}, "secret", {}, 0).body)
    assert answer["error"] == {
        "code": "constraint_failure",
        "message": "Failed unique constraint.",
        "constraint_failures": [
            {"paths": [["name"]], "message": "Failed unique constraint"},
            {"paths": [["name"], ["address", "city"]], "message": "Failed unique constraint"},
        ],
    }
    assert answer["summary"].split("\nat ")[0] == (
        "error: Failed unique constraint.\nconstraint failures:\n"
        "  name: Failed unique constraint\n  name,address.city: Failed unique constraint"
    )


@pytest.mark.parametrize(
    ("definition", "path", "message"),
    [
        ('indexes: { byColl: { terms: [{ field: "coll" }] } }', ["indexes", "byColl", "terms", 0, "field"],
         "`coll` is not supported as an index term."),
        ('indexes: { byIdIdx: { terms: [{ field: "id" }] } }', ["indexes", "byIdIdx", "terms", 0, "field"],
         "`id` is not supported as an index term, use the native byId method to look up a document by its id."),
        ('indexes: { byColl: { values: [{ field: "coll" }] } }', ["indexes", "byColl", "values", 0, "field"],
         "`coll` is not supported as a specified index value."),
        ('indexes: { foo: { terms: [{ field: "" }] } }', ["indexes", "foo", "terms", 0, "field"], "Value cannot be empty."),
        ('indexes: { foo: { terms: [{ field: "a b.c" }] } }', ["indexes", "foo", "terms", 0, "field"],
         "Value `a b.c` is not a valid FQL path expression."),
        ('indexes: { all: { terms: [{ field: "a" }] } }', ["indexes"], "The name 'all' is reserved."),
        ('constraints: [{ unique: ["id"] }]', ["constraints", 0, "unique"], "`id` is not supported as a unique constraint value."),
        ('meta: "metadata"', ["meta"], "Unexpected field provided"),
        # An index is a non-negative integer literal (core's processFieldPathExpr), a leading zero none.
        ('indexes: { foo: { terms: [{ field: "a[-1]" }] } }', ["indexes", "foo", "terms", 0, "field"],
         "Value `a[-1]` is not a valid FQL path expression."),
        ('constraints: [{ unique: ["a[01]"] }]', ["constraints", 0, "unique"], "Value `a[01]` is not a valid FQL path expression."),
        ('constraints: [{ unique: ["a[9223372036854775808]"] }]', ["constraints", 0, "unique"],
         "Value `a[9223372036854775808]` is not a valid FQL path expression."),
        # A unique constraint's fields are all paths or all objects (core's Union of two array types).
        ('constraints: [{ unique: ["a", { field: "b" }] }]', ["constraints", 0, "unique"],
         "Expected Array<String> | Array<{ field: String, mva: Boolean | Null }>, provided [String, { field: String }]"),
        # A check's name is a name core's isValidName takes, which `_` is not (a field's may be `_`).
        ('constraints: [{ check: { name: "_", body: "_ => true" } }]', ["constraints", 0, "check", "name"], "Invalid identifier."),
    ],
)
def test_definitions_core_refuses(db, definition, path, message):
    # core's FQL2CollectionsSpec (api) cases, each a constraint failure at its path.
    assert failures(db, f'Collection.create({{ name: "Bad", {definition} }})') == [(path, message)]


def test_a_definition_answers_every_field_failure_in_the_order_given(db):
    # core validates a collection document in one pass (SchemaType.validateStruct): each given field's
    # type, then its validator (the name's GlobalNamespaceValidator among them), all in one error.
    text = (
        'Collection.create({ history_days: -1, name: "1bad", foo: 1, ttl_days: -2, fields: { id: { signature: "Int" } },'
        ' computed_fields: { ts: { body: "_ => 1" } }, wildcard: "Int<" })'
    )
    found = failures(db, text)
    assert [(path, message.split("\n")[0]) for path, message in found] == [
        (["history_days"], "Non-negative value required."),
        (["name"], "Invalid identifier."),
        (["foo"], "Unexpected field provided"),
        (["ttl_days"], "Non-negative value required."),
        (["fields"], "The name 'id' is reserved."),
        (["computed_fields"], "The name 'ts' is reserved."),
        (["wildcard"], "Failed parsing user-provided signature."),
    ]
    assert failures(db, 'Collection.create({ alias: 3, history_days: 1.5 })') == [
        (["alias"], "Expected String | Null, provided Int"),
        (["history_days"], "Expected Long | Null, provided Double"),
        (["name"], "Missing required field of type String"),
    ]
    run(db, 'Collection.create({ name: "Y" })')
    err = fails(db, 'Collection.byName("Y")!.update({ name: "Math", foo: 1 })')
    assert err.description == "Failed to update Collection `Y`."
    assert [(f["field"], f["description"]) for f in err.failures] == [
        (["name"], "The identifier `Math` is reserved."),
        (["foo"], "Unexpected field provided"),
    ]


def test_a_nested_fields_validator_runs_beside_its_neighbours_type_failures(db):
    # core runs a field's custom validator once that field has its type (SchemaType.validateField), so a
    # bad signature or index path is reported beside another field's type failure.
    text = (
        'Collection.create({ name: "N", fields: { a: { signature: "Int", default: 3 }, b: { signature: "Int<" } },'
        ' indexes: { byA: { terms: [{ field: "ts" }] }, byB: { terms: [{ field: "b", mva: 1 }] } } })'
    )
    assert [(path, message.split("\n")[0]) for path, message in failures(db, text)] == [
        (["fields", "a", "default"], "Expected String | Null, provided Int"),
        (["fields", "b", "signature"], "Failed parsing user-provided signature."),
        (["indexes", "byA", "terms", 0, "field"], "`ts` may only be used as an index value, not as an index term."),
        (["indexes", "byB", "terms", 0, "mva"], "Expected Boolean | Null, provided Int"),
    ]
    text = (
        'Collection.create({ name: "N", fields: { a: { signature: "Int?" } },'
        ' migrations: [{ backfill: { field: ".a", value: "1 +" } }, { drop: { field: 3 } }] })'
    )
    assert [(path, message.split("\n")[0]) for path, message in failures(db, text)] == [
        (["migrations", 0, "backfill", "value"], "Unable to parse FQL source code."),
        (["migrations", 1, "drop", "field"], "Expected String, provided Int"),
    ]


def test_reserved_fields_fail_in_the_order_of_cores_set_of_them(db):
    # core's validateReserved filters Tokens.ReservedFieldNames, a Set of ten names: its hash order.
    run(db, 'Collection.create({ name: "X" })')
    text = "X.create({ exists: 1, coll: 2, ts: 3, delete: 4, update: 5, replace: 6, updateData: 7, replaceData: 8, data: 9 })"
    assert [path[0] for path, _ in failures(db, text)] == [
        "replace", "coll", "data", "ts", "replaceData", "updateData", "update", "exists", "delete",
    ]  # fmt: skip
    assert [path[0] for path, _ in failures(db, 'Collection.create({ name: "Y", delete: 1, coll: 2 })')] == ["coll", "delete"]


def test_a_status_is_read_only_beside_the_other_failures(db):
    # core checks a read-only field (an index's or unique constraint's status) before its type, in the same
    # pass as the definition's other fields; an index's status is one of core's three.
    text = (
        'Collection.create({ name: "S", history_days: -1, indexes: { byA: { terms: [{ field: "a" }], status: "x" } },'
        ' constraints: [{ unique: ["a"], status: "y" }] })'
    )
    assert failures(db, text) == [
        (["history_days"], "Non-negative value required."),
        (["indexes", "byA", "status"], "Failed to update field because it is readonly"),
        (["constraints", 0, "status"], "Failed to update field because it is readonly"),
    ]
    found = failures(db, 'Collection.create({ name: "S", indexes: { byA: 3 } })')
    assert 'status: "building" | "complete" | "failed" | Null' in found[0][1]


def test_the_collection_hook_checks_only_a_valid_definition(db):
    # core's CollectionSchemaHooks.validateCollection runs once the document is written, so a definition
    # that fails validation answers none of its failures (duplicate checks, empty or duplicate uniques,
    # a computed field named as a defined one), which come in that order when it is valid.
    text = 'Collection.create({ name: "H", constraints: [{ unique: [] }], history_days: -1 })'
    assert failures(db, text) == [(["history_days"], "Non-negative value required.")]
    text = (
        'Collection.create({ name: "H", fields: { a: { signature: "Int" } }, computed_fields: { a: { body: "_ => 1" } },'
        ' constraints: [{ unique: ["a"] }, { check: { name: "c", body: "_ => true" } }, { unique: [] },'
        ' { check: { name: "c", body: "_ => true" } }, { unique: [".a"] }] })'
    )
    assert failures(db, text) == [
        (["constraints"], "Duplicate check constraint name 'c'"),
        (["constraints"], "Unique constraints must have at least one term"),
        (["constraints"], "Duplicate unique constraint on path [.a]"),
        (["computed_fields"], "Computed field 'a' collides with a defined field"),
    ]
    # More than four defined fields are a hashed Map in core, whose key set the collisions follow.
    names = ["alpha", "beta", "gamma", "delta", "epsilon"]
    defined = ", ".join(f'{n}: {{ signature: "Int" }}' for n in names)
    computed = ", ".join(f'{n}: {{ body: "_ => 1" }}' for n in names)
    found = failures(db, f'Collection.create({{ name: "H", fields: {{ {defined} }}, computed_fields: {{ {computed} }} }})')
    assert [message.split("'")[1] for _, message in found] == ["alpha", "epsilon", "gamma", "delta", "beta"]


def test_an_index_path_takes_any_integer_literal(db):
    # core reads a path's index as an integer literal (Numbers.scala): signed, hex, octal, binary, `_`.
    run(db, 'Collection.create({ name: "P", indexes: { byA: { terms: [{ field: ".a[0x1]" }], values: [{ field: "a[+0]" }] } } })')
    run(db, "P.create({ a: [5, 6] })")
    assert run(db, "P.byA(6).map(.a).toArray()") == [[5, 6]]
    assert "terms [.a[1]]\n    values [.a[0]]" in "".join(db.schema_files().values())


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("{ b: Int = 3, c: String }", "{ b: Int = 3, c: String }"),
        ("{\n  b: Int = 3\n  c: String\n}", "{ b: Int = 3, c: String }"),
        ('{ a: Int = { x: [1, 2], y: "}" }.x[0], b: Time = Time.now() }', '{ a: Int = { x: [1, 2], y: "}" }.x[0], b: Time = Time.now() }'),
        ("{ a: { b: Int = 1 } }", "{ a: { b: Int = 1 } }"),
    ],
)
def test_defaults_inside_a_signature(text, shown):
    assert signatures.show(signatures.parse(text, schema=True)) == shown


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("{ b: Int = 3 }?", ("Parent is nullable", 14, 1)),
        ("{ b: Int = 3 } | Null", ("Parent is a union", 0, 21)),
        ("Array<{ b: Int = 3 }>", ("Parent is not an object", 0, 21)),
        ("{ b: Int = 3, ... }", ("Parent is not an object", 0, 19)),
        ("{ a: { b: Int = 3 } = { b: 4 } }", ("Parent has a conflicting default value", 22, 8)),
    ],
)
def test_defaults_where_core_refuses_them(text, hint):
    with pytest.raises(signatures.SignatureError) as caught:
        signatures.parse(text, schema=True)
    assert (caught.value.message, caught.value.hints) == ("Default values are not allowed here", (hint,))


def test_a_default_names_the_write_or_the_set_read_it_makes(db):
    """Core checks a write when `create` is called, before anything is read (`` `create` performs a write``,
    where fql's create reads first), and `Set.paginate` evaluates a collection's set again, whose `all` is
    the read (FQL2PureSpec `writes`, `Set.paginate()`)."""
    run(db, 'Collection.create({ name: "Foo" })')
    run(db, 'Foo.create({})')
    run(db, 'Foo.create({})')
    cursor = run(db, "Foo.all().paginate(1).after!.toString()")
    for default, message in [
        ("Foo.create({})", "`create` performs a write, which is not allowed in default values."),
        ("Collection.create({ name: 'Bar' })", "`create` performs a write, which is not allowed in default values."),
        (f"Set.paginate('{cursor}')", "`all` performs a read, which is not allowed in default values."),
    ]:
        err = fails(db, f'Collection.create({{ name: "D", fields: {{ n: {{ signature: "Any", default: "{default}" }} }} }})')
        (failure,) = err.failures
        assert failure["description"].split("\n")[1] == f"error: {message}"


def test_a_default_may_give_a_definition_but_not_read_it(db):
    """Core's `definition` is the schema document's reference, read by nothing (Collections.scala and
    Functions.scala: `Value.Doc(id)`): a default stores it as a reference; its `name` and `coll` are
    answered without a read (ReadBroker.RefFields of a named collection), while reading another field of
    it is a read (ReadBroker.getField: `Reading a field performs a read`). A stored reference to a schema
    document reads as that document."""
    run(db, 'Collection.create({ name: "Bar" })')
    run(db, 'Function.create({ name: "Twice", body: "x => x * 2" })')
    fields = "a: { signature: 'Any', default: 'Bar.definition' }, b: { signature: 'Any', default: 'Twice.definition' }"
    run(db, f"Collection.create({{ name: 'Foo', fields: {{ {fields} }} }})")
    run(db, "Foo.create({ id: '1' })")
    assert run(db, "let foo = Foo.byId('1')!; [foo.a.name, foo.b.name, foo.a.coll == Collection]") == ["Bar", "Twice", True]
    assert db.query("Select('data', Get(Ref(Collection('Foo'), '1')))") == db.query("{a: Collection('Bar'), b: Function('Twice')}")
    run(db, "Collection.create({ name: 'D', fields: { n: { signature: 'String', default: 'Bar.definition.name' } } })")
    assert run(db, "D.create({}).n") == "Bar"
    err = fails(db, "Collection.create({ name: 'E', fields: { n: { signature: 'Any', default: 'Bar.definition.history_days' } } })")
    (failure,) = err.failures
    assert failure["description"].split("\n")[1:3] == [
        "error: Reading a field performs a read, which is not allowed in default values.",
        "at *field:n*:1:16",
    ]
