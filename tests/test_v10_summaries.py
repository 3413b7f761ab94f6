"""v10 error summaries as core renders them: where the caret goes (a call's arguments, a field's name, an
operator's right operand, `!` through its operand's last step) and how a span over several lines is drawn.
Expected texts are core's own (the spec and line are named with each)."""

from __future__ import annotations

import pytest

import fql
from tests.helpers import QueryEndpoint


@pytest.fixture
def db() -> fql.Database:
    return fql.connect()


def summary(db: fql.Database, text: str, *, typecheck: bool = True) -> str:
    """The query's summary; without `typecheck`, as core's specs that pass `typecheck = false` run it."""
    headers = {} if typecheck else {"x-typecheck": "false"}
    return QueryEndpoint().body(db, text, headers=headers)["summary"]


def test_an_operator_points_at_its_argument(db):
    # FQL2ArithmeticOperatorsSpec: integer division by zero.
    assert summary(db, "234 / 0") == (
        "error: Attempted integer division by zero.\nat *query*:1:7\n  |\n1 | 234 / 0\n  |       ^\n  |"
    )


def test_a_call_points_at_its_arguments(db):
    # FQL2StringSpec (api): the index argument out of bounds.
    assert summary(db, "let str = 'abcd'\nstr.at(4000)") == (
        "error: index 4000 out of bounds for length 4\nat *query*:2:7\n  |\n2 | str.at(4000)\n  |       ^^^^^^\n  |"
    )


def test_a_field_access_points_at_the_name(db):
    assert summary(db, "null.foo").split("\n")[1:5] == ["at *query*:1:6", "  |", "1 | null.foo", "  |      ^^^"]


def test_non_null_points_through_the_bang(db):
    # FQL2InterpreterSpec "missing field" (typecheck = false): `foo.bar!` is marked from `bar` to `!`.
    assert summary(db, "let foo = {}\n\nfoo.bar!", typecheck=False).split("\n")[1:5] == [
        "at *query*:3:5",
        "  |",
        "3 | foo.bar!",
        "  |     ^^^^",
    ]


def test_columns_count_utf16_units(db):
    # FQL2StringSpec: `'fo😍o'[4]` fails at Span(7, 10), offsets in UTF-16 units (the emoji takes two).
    assert summary(db, "'fo😍o'[4]") == (
        "error: index 4 out of bounds for length 4\nat *query*:1:8\n  |\n1 | 'fo😍o'[4]\n  |        ^^^\n  |"
    )
    assert summary(db, "'😍😍'.foo()").split("\n")[1::3] == ["at *query*:1:8", "  |        ^^^"]


def test_a_span_over_several_lines(db):
    # FQL2CollectionsSpec (api): both unique constraints broken, the call's arguments over four lines.
    db.query(
        'Collection.create({ name: "Book", constraints: [{ unique: ["name"] }, '
        '{ unique: [{ field: "name" }, { field: "address.city" }] }] })',
        syntax="v10",
    )
    text = 'Book.create({\n  name: "TestBook",\n  address: { city: "Ohio" }\n})\n' * 2
    assert summary(db, text.rstrip("\n")) == (
        "error: Failed unique constraint.\n"
        "constraint failures:\n"
        "  name: Failed unique constraint\n"
        "  name,address.city: Failed unique constraint\n"
        "at *query*:5:12\n"
        "  |\n"
        "5 |   Book.create({\n"
        "  |  ____________^\n"
        '6 | |   name: "TestBook",\n'
        '7 | |   address: { city: "Ohio" }\n'
        "8 | | })\n"
        "  | |__^\n"
        "  |"
    )


@pytest.mark.parametrize("name", ["ts", "delete", "update", "replace", "coll"])
def test_reserved_fields_on_create(db, name):
    # core's FQL2ReservedFieldAndDataAccessSpec: each reserved field but `id` refused on create.
    db.query('Collection.create({ name: "TestColl" })', syntax="v10")
    assert summary(db, f'TestColl.create({{\n  {name}: "Thing",\n}})') == (
        "error: Failed to create document in collection `TestColl`.\n"
        "constraint failures:\n"
        f"  {name}: Is a reserved field and cannot be used\n"
        "at *query*:1:16\n"
        "  |\n"
        "1 |   TestColl.create({\n"
        "  |  ________________^\n"
        f'2 | |   {name}: "Thing",\n'
        "3 | | })\n"
        "  | |__^\n"
        "  |"
    )


def test_reserved_fields_on_update(db):
    db.query('Collection.create({ name: "TestColl" })', syntax="v10")
    db.query('TestColl.create({ id: 7, validField: "Thing" })', syntax="v10")
    text = '\nlet doc = TestColl.byId("7")!\ndoc.update({\n  id: "will I succeed?"\n})\n'
    assert summary(db, text).split("\n")[:4] == [
        "error: Failed to update document with id 7 in collection `TestColl`.",
        "constraint failures:",
        "  id: Is a reserved field and cannot be used",
        "at *query*:3:11",
    ]


@pytest.mark.parametrize(
    ("text", "first_lines"),
    [
        ("Key.create({ role: 'client', secret: 'x' })", ["error: Failed to create Key.", "  secret: Failed to update field because it is readonly"]),
        ('Database.create({ name: "Foo", global_id: "yu3pdd5ssyyyy" })',
         ["error: Failed to create Database.", "  global_id: Failed to update field because it is readonly"]),
    ],
)
def test_read_only_fields(db, text, first_lines):
    # core's FQL2KeySpec, FQL2DatabaseSpec: fields core writes itself are refused.
    # Run untypechecked, as core's specs run them: the checker refuses the extra field first.
    lines = summary(db, text, typecheck=False).split("\n")
    assert [lines[0], lines[2]] == first_lines and lines[1] == "constraint failures:"


def test_a_key_secret_cannot_be_updated(db):
    key_id = db.query('Key.create({ role: "client" })', syntax="v10").id
    lines = summary(db, f"let key = Key.byId('{key_id}')!\nkey.update({{\n  secret: \"foo\"\n}})").split("\n")
    assert lines[:3] == [
        f"error: Failed to update Key with id {key_id}.",
        "constraint failures:",
        "  secret: Failed to update field because it is readonly",
    ]


@pytest.mark.parametrize(
    ("body", "frame"),
    [
        ('() => abort("tracer")', ["error: Query aborted.", "at *udf:errFunc*:1:12", "  |", '1 | () => abort("tracer")', "  |            ^^^^^^^^^^"]),
        ("() => [1][2]", ["error: index 2 out of bounds for length 1", "at *udf:errFunc*:1:10", "  |", "1 | () => [1][2]", "  |          ^^^"]),
    ],
)
def test_a_trace_across_functions(db, body, frame):
    # core's FQL2ErrorRenderingSpec: a frame for each function body, innermost first, then the query.
    db.query(f"Function.create({{ name: 'errFunc', body: '{body}' }})", syntax="v10")
    db.query("Function.create({ name: 'eventuallyError', body: '() => errFunc()' })", syntax="v10")
    assert summary(db, "\neventuallyError()\n").split("\n") == [
        *frame,
        "  |",
        "at *udf:eventuallyError*:1:14",
        "  |",
        "1 | () => errFunc()",
        "  |              ^^",
        "  |",
        "at *query*:2:16",
        "  |",
        "2 | eventuallyError()",
        "  |                ^^",
        "  |",
    ]


def test_check_constraints_trace_into_their_source(db):
    # core's FQL2CheckConstraintsSpec: an error in a check is the write's, traced into the check; a check
    # may not write; every failing check is reported.
    db.query(
        "Collection.create({ name: 'Foo', constraints: [{ check: { name: 'ok', body: 'doc => doc.ok' } }, "
        "{ check: { name: 'plus1', body: 'doc => doc.foo + 1 > 0' } }] })",
        syntax="v10",
    )
    assert summary(db, "Foo.create({ ok: 'true' })").split("\n")[:5] == [
        "error: The function `+` does not exist on `Null`",
        "at *check_constraint:plus1*:1:16",
        "  |",
        "1 | doc => doc.foo + 1 > 0",
        "  |                ^",
    ]
    db.query(
        "Collection.create({ name: 'Two', constraints: [{ check: { name: 'a', body: 'doc => false' } }, "
        "{ check: { name: 'b', body: 'doc => false' } }] })",
        syntax="v10",
    )
    assert summary(db, "Two.create({})").split("\n")[:4] == [
        "error: Failed to create document in collection `Two`.",
        "constraint failures:",
        "  Document failed check constraint `a`",
        "  Document failed check constraint `b`",
    ]
    db.query(
        "Collection.create({ name: 'Animal', constraints: [{ check: { name: 'cloneMe', "
        "body: 'doc => { Animal.create({ animal: doc.animal }); true }' } }] })",
        syntax="v10",
    )
    with pytest.raises(fql.FQLError) as caught:
        db.query("Animal.create({ name: 'Dolly', animal: 'sheep' })", syntax="v10")
    assert caught.value.description == "`create` performs a write, which is not allowed in check constraints."


def test_computed_fields_trace_into_their_source(db):
    # core's FQL2ComputedFieldsSpec "fail on writes".
    db.query("Collection.create({ name: 'Foo', computed_fields: { bar: { body: \"_ => Foo.create({})\" } } })", syntax="v10")
    assert summary(db, "let foo = Foo.create({})\nfoo.bar!\n").split("\n") == [
        "error: `create` performs a write, which is not allowed in computed fields.",
        "at *computed_field:Foo:bar*:1:16",
        "  |",
        "1 | _ => Foo.create({})",
        "  |                ^^^^",
        "  |",
        "at *query*:2:5",
        "  |",
        "2 | foo.bar!",
        "  |     ^^^",
        "  |",
    ]


def test_a_signature_that_does_not_parse(db):
    # core's FQL2UserFunctionSpec "user signatures are validated": the nested error indented under its field.
    text = 'Function.create({\n  name: "badParse",\n  signature: "Int <:-^-< Number",\n  body: "x => x"\n})'
    assert summary(db, text) == (
        "error: Failed to create Function.\n"
        "constraint failures:\n"
        "  signature: Failed parsing user-provided signature.\n"
        "      error: Expected end-of-input\n"
        "      at *signature*:1:5\n"
        "        |\n"
        "      1 | Int <:-^-< Number\n"
        "        |     ^\n"
        "        |\n"
        "at *query*:1:16\n"
        "  |\n"
        "1 |   Function.create({\n"
        "  |  ________________^\n"
        '2 | |   name: "badParse",\n'
        '3 | |   signature: "Int <:-^-< Number",\n'
        '4 | |   body: "x => x"\n'
        "5 | | })\n"
        "  | |__^\n"
        "  |"
    )


# Core's stack and null hints: each call an error happened inside is a frame below it (a later frame on the
# first one's line leaves out its `at` line); an error about a null shows where the null was made, then
# `trace:` before the frames. Expected texts are core's own (FQL2BasicSpec, FQL2ErrorRenderingSpec,
# FQL2CheckConstraintsSpec), except where a comment says which core rule it follows.

_FUNCTIONS = {
    "errFunc": "(doc) => doc.a",
    "eventuallyError": "(doc) => errFunc(doc)",
    "myFunc": "_ => [1].toSet().order(i => i.name.accessError)",
}


def _lines(*rows: str) -> str:
    return "\n".join(rows)


TRACES = [
    pytest.param(
        '{\n  let x = (y) => {\n    if (y) {\n      "z"\n    } else {\n      "?"\n    }\n  }\n  x(3)\n}',
        _lines(
            "error: expected type: Boolean, received Int",
            "at *query*:3:9",
            "  |",
            "3 |     if (y) {",
            "  |         ^",
            "  |",
            "at *query*:9:4",
            "  |",
            "9 |   x(3)",
            "  |    ^^^",
            "  |",
        ),
        id="a lambda call is a frame",
    ),
    pytest.param(
        "[1].firstWhere(v => [1, 2].firstWhere(v => v == null!) == 3)",
        _lines(
            "error: Null literal value",
            "at *query*:1:49",
            "  |",
            "1 | [1].firstWhere(v => [1, 2].firstWhere(v => v == null!) == 3)",
            "  |                                                 ^^^^^",
            "  |",
            "  |",
            "1 | [1].firstWhere(v => [1, 2].firstWhere(v => v == null!) == 3)",
            "  |                                      ^^^^^^^^^^^^^^^^^",
            "  |",
            "  |",
            "1 | [1].firstWhere(v => [1, 2].firstWhere(v => v == null!) == 3)",
            "  |               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
            "  |",
        ),
        id="multiple traces are shown",
    ),
    pytest.param(
        "let myVal = null\n[1, 2].firstWhere(v => myVal!)",
        _lines(
            "error: Null literal value",
            "at *query*:2:24",
            "  |",
            "2 | [1, 2].firstWhere(v => myVal!)",
            "  |                        ^^^^^^",
            "  |",
            "hint: Null value created here",
            "at *query*:1:13",
            "  |",
            "1 | let myVal = null",
            "  |             ^^^^",
            "  |",
            "trace:",
            "  |",
            "2 | [1, 2].firstWhere(v => myVal!)",
            "  |                  ^^^^^^^^^^^^^",
            "  |",
        ),
        id="nulls show hints and traces",
    ),
    pytest.param(
        "[1, 2].firstWhere(v => null!)",
        _lines(
            "error: Null literal value",
            "at *query*:1:24",
            "  |",
            "1 | [1, 2].firstWhere(v => null!)",
            "  |                        ^^^^^",
            "  |",
            "  |",
            "1 | [1, 2].firstWhere(v => null!)",
            "  |                  ^^^^^^^^^^^^",
            "  |",
        ),
        id="nulls don't show hints when overlapping",
    ),
    pytest.param(
        "\nlet a = null\neventuallyError(a)\n",
        _lines(
            "error: Cannot access `a` on null.",
            "at *udf:errFunc*:1:14",
            "  |",
            "1 | (doc) => doc.a",
            "  |              ^",
            "  |",
            "hint: Null value created here",
            "at *query*:2:9",
            "  |",
            "2 | let a = null",
            "  |         ^^^^",
            "  |",
            "trace:",
            "at *udf:eventuallyError*:1:17",
            "  |",
            "1 | (doc) => errFunc(doc)",
            "  |                 ^^^^^",
            "  |",
            "at *query*:3:16",
            "  |",
            "3 | eventuallyError(a)",
            "  |                ^^^",
            "  |",
        ),
        id="renders null hints across functions",
    ),
    pytest.param(
        "\nmyFunc(2)\n",
        _lines(
            "error: Cannot access `accessError` on null.",
            "at *udf:myFunc*:1:36",
            "  |",
            "1 | _ => [1].toSet().order(i => i.name.accessError)",
            "  |                                    ^^^^^^^^^^^",
            "  |",
            "hint: Null value created here",
            "  |",
            "1 | _ => [1].toSet().order(i => i.name.accessError)",
            "  |                               ^^^^",
            "  |",
            "trace:",
            "  |",
            "1 | _ => [1].toSet().order(i => i.name.accessError)",
            "  |                       ^^^^^^^^^^^^^^^^^^^^^^^^^",
            "  |",
            "at *query*:2:7",
            "  |",
            "2 | myFunc(2)",
            "  |       ^^^",
            "  |",
        ),
        id="error in ordering a set",
    ),
    pytest.param(
        # handleNullCause: a missing field's null, kept by a variable, says so, with a hint at the field.
        "let x = {}.a\nx!",
        _lines(
            "error: Null value, due to missing field `a`",
            "at *query*:2:1",
            "  |",
            "2 | x!",
            "  | ^^",
            "  |",
            "hint: Null value created here",
            "at *query*:1:12",
            "  |",
            "1 | let x = {}.a",
            "  |            ^",
            "  |",
        ),
        id="a variable keeps its null's cause",
    ),
    pytest.param(
        # Strings.parseInt: Null.invalidNumber at the call's frame, its argument list.
        'let n = "x".parseInt()\nn!',
        _lines(
            "error: Null value, due to invalid number",
            "at *query*:2:1",
            "  |",
            "2 | n!",
            "  | ^^",
            "  |",
            "hint: Null value created here",
            "at *query*:1:21",
            "  |",
            '1 | let n = "x".parseInt()',
            "  |                     ^^",
            "  |",
        ),
        id="an invalid number",
    ),
]


@pytest.mark.parametrize(("text", "expected"), TRACES)
def test_traces_and_null_hints(db, text, expected):
    for name, body in _FUNCTIONS.items():
        db.query(f"Function.create({{ name: '{name}', body: '{body}' }})", syntax="v10")
    # Runtime errors: core's typer would refuse `{}.a` before the query ran.
    assert summary(db, text, typecheck=text != "let x = {}.a\nx!") == expected


def test_a_null_in_a_check_constraint(db):
    # FQL2CheckConstraintsSpec: the hint in the check's source, then the write in the query.
    db.query(
        "Collection.create({ name: 'Foo', constraints: [{ check: { name: 'ok', body: 'doc => doc.ok' } }, "
        "{ check: { name: 'plus1', body: 'doc => doc.foo + 1 > 0' } }] })",
        syntax="v10",
    )
    assert summary(db, "Foo.create({ ok: 'true' })") == _lines(
        "error: The function `+` does not exist on `Null`",
        "at *check_constraint:plus1*:1:16",
        "  |",
        "1 | doc => doc.foo + 1 > 0",
        "  |                ^",
        "  |",
        "hint: Null value created here",
        "  |",
        "1 | doc => doc.foo + 1 > 0",
        "  |            ^^^",
        "  |",
        "trace:",
        "at *query*:1:11",
        "  |",
        "1 | Foo.create({ ok: 'true' })",
        "  |           ^^^^^^^^^^^^^^^^",
        "  |",
    )


def test_why_a_variable_is_null_is_not_stored():
    # A lambda's scope keeps why its null variables are null under names no identifier has; a stored
    # closure (a v4 function's body) keeps the variables only.
    from fql.eval.v10.expressions import NULL_KEY
    from fql.storage.codec import to_plain
    from fql.values import Lambda

    span = fql.ast.Span(1, 9, 8, 12, 1, 13)
    plain = to_plain(Lambda(("x",), fql.ast.Literal(1), {"a": None, NULL_KEY + "a": (None, ("query", None, span))}))
    assert plain["@fn"][2] == [["a", None]]


@pytest.mark.parametrize(
    ("kind", "create"),
    [("collection", 'Collection.create({\n  name: "Foo"\n})'), ("function", 'Function.create({\n  name: "Foo",\n  body: "x => x"\n})')],
)
def test_schema_created_and_used_in_one_query(db, kind, create):
    # core's FQL2CollectionSpec / FQL2UserFunctionSpec "give pretty error for ... created in this transaction".
    line = create.count("\n") + 2
    assert summary(db, f'{create}\n{kind.title()}("Foo")') == "\n".join([
        f"error: invalid argument `{kind}`: No such user {kind} `Foo`.",
        f"at *query*:{line}:{len(kind) + 1}",
        "  |",
        f'{line} | {kind.title()}("Foo")',
        "  | " + " " * len(kind) + "^^^^^^^",
        "  |",
        f"hint: A {kind} cannot be created and used in the same query.",
        "  |",
        f'{line} | {kind.title()}("Foo")',
        "  | " + " " * len(kind) + "^^^^^^^",
        "  |",
    ])
    # Without the hint when it was never made (the failed query made nothing); the next query sees it.
    assert "hint" not in summary(db, f'{kind.title()}("Foo")')
    db.query(create, syntax="v10")
    assert summary(db, f'{kind.title()}("Foo")') == ""


def test_a_collection_created_in_the_query_is_unbound_there(db):
    assert summary(db, 'Collection.create({ name: "Bar" })\nBar.create({})').split("\n")[0] == "error: Unbound variable `Bar`"
    # A v4 query may (core's API before v5).
    assert db.query('Do(CreateCollection({ name: "cars" }), Select(["ref", "id"], Create(Collection("cars"), {})))') is not None


def test_a_unary_operator_a_value_lacks_points_at_the_operator(db):
    # FQLInterpreter.callOp: a value without the operator is FunctionDoesNotExist at the operator's name,
    # with the null's origin as a hint when the value is null.
    assert summary(db, '-"a"', typecheck=False) == (
        "error: The function `-` does not exist on `String`\nat *query*:1:1\n  |\n1 | -\"a\"\n  | ^\n  |"
    )
    assert summary(db, "let x = null\n!x", typecheck=False).split("\n")[1:5] + summary(
        db, "let x = null\n!x", typecheck=False
    ).split("\n")[6:11] == [
        "at *query*:2:1",
        "  |",
        "2 | !x",
        "  | ^",
        "hint: Null value created here",
        "at *query*:1:9",
        "  |",
        "1 | let x = null",
        "  |         ^^^^",
    ]


def test_non_null_after_an_access_points_from_the_brackets(db):
    # FQLInterpreter's Bang marks from its callee's span, an Access's being its brackets (no `?.`).
    assert summary(db, '{ a: 1 }["b"]!', typecheck=False).split("\n")[:5] == [
        "error: Null value, due to missing field `b`",
        "at *query*:1:9",
        "  |",
        '1 | { a: 1 }["b"]!',
        "  |         ^^^^^^",
    ]
    assert summary(db, 'null?.["a"]!', typecheck=False).split("\n")[1:5] == [
        "at *query*:1:7",
        "  |",
        '1 | null?.["a"]!',
        "  |       ^^^^^^",
    ]


def test_non_null_after_a_missing_document_skipped_by_optional_chaining(db):
    # FQLInterpreter.evalNullAccess: `?.` on a document that is not there keeps its DocNotFound cause, at the
    # document's span; the `!` after it is handleNullCause's DocumentNotFound, that span its null's origin.
    db.query('Collection.create({ name: "Gone" })', syntax="v10")
    assert summary(db, 'Gone.byId("9")?.a!', typecheck=False).split("\n")[:11] == [
        "error: Collection `Gone` does not contain document with id 9.",
        "at *query*:1:17",
        "  |",
        '1 | Gone.byId("9")?.a!',
        "  |                 ^^",
        "  |",
        "hint: Null value created here",
        "  |",
        '1 | Gone.byId("9")?.a!',
        "  |          ^^^^^",
        "  |",
    ]


def test_a_method_of_a_missing_document_points_at_the_document(db):
    # AbstractDocPrototype.getMethod guards the document before the call: evalNullAccess's DocumentNotFound
    # is at the callee's span (byId's arguments), not the method's.
    db.query('Collection.create({ name: "Gone" })', syntax="v10")
    assert summary(db, 'Gone.byId("9").update({})', typecheck=False).split("\n")[1:5] == [
        "at *query*:1:10",
        "  |",
        '1 | Gone.byId("9").update({})',
        "  |          ^^^^^",
    ]


def test_the_docs_query_summary_page(db):
    # docs.fauna.com fauna/current/reference/http/reference/query-summary: the error summary of a collection
    # created and used in one query, as the page prints it (core's FQL2CollectionSpec hint).
    body = QueryEndpoint(fmt="tagged").body(
        db, 'Collection.create({name: "Foo"})\n\nCollection("Foo").create({ bar: "baz"})'
    )
    assert body["error"] == {
        "code": "invalid_argument",
        "message": "invalid argument `collection`: No such user collection `Foo`.",
    }
    assert body["summary"] == (
        "error: invalid argument `collection`: No such user collection `Foo`.\nat *query*:3:11\n  |\n"
        '3 | Collection("Foo").create({ bar: "baz"})\n  |           ^^^^^^^\n  |\n'
        "hint: A collection cannot be created and used in the same query.\n  |\n"
        '3 | Collection("Foo").create({ bar: "baz"})\n  |           ^^^^^^^\n  |'
    )


def test_the_docs_error_codes_page(db):
    # docs.fauna.com fauna/current/reference/fql_reference/error_codes, "Example error responses". The page
    # prints `Statement doesn't return a value` and `The function `al` doesn't exist on `Collection``: core
    # says "does not" (fql/shared/src/main/scala/parser/package.scala, runtime/fql2/QueryFailure.scala), and
    # its typechecker refuses `Collection.al()` first; unchecked, it is the page's invalid_function_invocation.
    body = QueryEndpoint().body(db, "let x = true")
    assert body["error"] == {"code": "invalid_query", "message": "The query failed 1 validation check"}
    assert body["summary"] == (
        "error: Missing return expression\nat *query*:1:13\n  |\n1 | let x = true\n  |             ^\n  |\n"
        "cause: Statement does not return a value\n  |\n1 | let x = true\n  | ^^^^^^^^^^^^\n  |"
    )
    body = QueryEndpoint().body(db, "Collection.al()", headers={"x-typecheck": "false"})
    assert body["error"] == {
        "code": "invalid_function_invocation",
        "message": "The function `al` does not exist on `Collection`",
    }
    assert QueryEndpoint().body(db, "Collection.al()")["error"]["code"] == "invalid_query"
