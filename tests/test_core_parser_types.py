"""Core's TypeExprParserSpec (ext/fql/shared/src/test/scala/parser/), through what a user sees of a type
expression: a function's `signature` (core's UserSigValidator parses it and, when it does not parse,
fails the create with `Failed parsing user-provided signature.` and the errors rendered against
`*signature*`), a `let x: T` annotation in a query (a parse error of the query), and how an annotation
is written back (core's Display.displayTExpr, which the FSL writer uses for a function's body). Queries
run in a database that is not typechecked, where core checks no more than the syntax.

Core's spec compares ASTs with spans; here a type that parses is shown as core displays it (which keeps
its shape: grouping, right-associative arrows, parameter names), and an error is compared with core's
rendering. `Foo..Baz` and `a: int => int` fail with fastparse's `Expected ...`, whose words fql matches
in signatures (core's `Expected \\`<\\` or end-of-input`).
"""

from __future__ import annotations

import itertools
import json

import pytest

import fql
from fql.schema import display
from tests.helpers import QueryEndpoint

ROOT = "secret"
#: A child database that is not typechecked: core then only parses a signature or an annotation (types
#: like `int` are unknown to its typechecker, which fql does not run; README, departures).
SECRET = "secret:untyped:admin"
_names = itertools.count()


@pytest.fixture(scope="module")
def db() -> fql.Database:
    db = fql.connect(root_secret=ROOT)
    db.query('Database.create({ name: "untyped", typechecked: false })', syntax="v10")
    return db


answer = QueryEndpoint(SECRET).body


def create(db: fql.Database, signature: str) -> dict:
    name = f"f{next(_names)}"
    query = f"Function.create({{ name: {json.dumps(name)}, body: 'x => x', signature: {json.dumps(signature)} }})"
    return answer(db, query + " { signature }")


def accepts(db: fql.Database, type_text: str) -> str:
    """The type as core displays it, after checking that a signature and a `let` annotation take it."""
    body = create(db, type_text)
    assert body.get("data") == {"signature": type_text}, body.get("summary")
    let = answer(db, f"let x: {type_text} = null\nx")
    assert "error" not in let, let["summary"]
    (block,) = display.parse_kept(f"{{ let x: {type_text} = null; x }}").body
    return display.expr(block).split("\n")[1].removeprefix("  let x: ").removesuffix(" = null")


def signature_errors(db: fql.Database, type_text: str) -> str:
    """The errors core renders under `Failed parsing user-provided signature.` (`*signature*` is the
    source's name), without the indentation the constraint failure gives them."""
    body = create(db, type_text)
    assert body["error"]["code"] == "constraint_failure", body.get("summary")
    (failure,) = body["error"]["constraint_failures"]
    head, rendered = failure["message"].split("\n", 1)
    assert (failure["paths"], head) == ([["signature"]], "Failed parsing user-provided signature.")
    return rendered


def let_summary(db: fql.Database, type_text: str) -> str:
    body = answer(db, f"let x: {type_text} = null\nx")
    assert body["error"] == {"code": "invalid_query", "message": "The query failed 1 validation check"}
    return body["summary"]


# -- "A TypeExpr parser" ----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Any", "Never", "true", "false", "Null"])
def test_accept_keywords(db, text):
    assert accepts(db, text) == text


@pytest.mark.parametrize("text", ['"foo"', "1"])
def test_accept_singletons(db, text):
    assert accepts(db, text) == text


@pytest.mark.parametrize("text", ["boolean", "int", "Foo'"])
def test_accept_identifiers(db, text):
    assert accepts(db, text) == text


def test_accept_pathed_identifiers(db):
    assert accepts(db, "Foo.Bar.Baz") == "Foo.Bar.Baz"
    # ParseError("Expected `<` or end-of-input", span(3, 4))
    assert signature_errors(db, "Foo..Baz") == (
        "error: Expected `<` or end-of-input\nat *signature*:1:4\n  |\n1 | Foo..Baz\n  |    ^\n  |"
    )
    assert let_summary(db, "Foo..Baz").split("\n", 1)[1] == (
        "at *query*:1:11\n  |\n1 | let x: Foo..Baz = null\n  |           ^\n  |"
    )


def test_accept_type_construction(db):
    assert accepts(db, "Array<boolean>") == "Array<boolean>"


@pytest.mark.parametrize(
    "text, shown",
    [
        ("{}", "{}"),
        ('{a:int,b:"foo"}', '{ a: int, b: "foo" }'),
        ('{a:int,b:"foo",*:boolean}', '{ a: int, b: "foo", *: boolean }'),
        ("{a:int,*:boolean,}", "{ a: int, *: boolean }"),  # a trailing comma is allowed
    ],
)
def test_accept_objects(db, text, shown):
    assert accepts(db, text) == shown


WILDCARD_NOT_LAST = """\
error: Wildcard must be the last element in an object
at *signature*:1:18
  |
1 | {a:int,*:boolean,b:3}
  |                  ^^^
  |
hint: Wildcard defined here
  |
1 | {a:int,*:boolean,b:3}
  |          ^^^^^^^
  |"""


def test_accept_objects_wildcard_must_be_last(db):
    assert signature_errors(db, "{a:int,*:boolean,b:3}") == WILDCARD_NOT_LAST
    # In a query, the same error and hint at the annotation's place.
    assert let_summary(db, "{a:int,*:boolean,b:3}") == (
        "error: Wildcard must be the last element in an object\nat *query*:1:25\n  |\n"
        "1 | let x: {a:int,*:boolean,b:3} = null\n  |                         ^^^\n  |\n"
        "hint: Wildcard defined here\n  |\n"
        "1 | let x: {a:int,*:boolean,b:3} = null\n  |                 ^^^^^^^\n  |"
    )


def test_accept_objects_every_field_after_the_wildcard_is_an_error(db):
    # Core's TypeExprParser emits one error per field after the wildcard, and reports them all.
    errors = signature_errors(db, "{*:A,b:1,c:2}").split("\nerror: ")
    assert [e.split("\n")[0].removeprefix("error: ") for e in errors] == [
        "Wildcard must be the last element in an object"
    ] * 2
    # In a query, each is a validation check of its own, the summary showing them one after another.
    body = answer(db, "let x: {*:A,b:1,c:2} = null\nx")
    assert body["error"] == {"code": "invalid_query", "message": "The query failed 2 validation checks"}
    assert [line for line in body["summary"].split("\n") if line.startswith("at ")] == [
        "at *query*:1:13",
        "at *query*:1:17",
    ]


def test_accept_objects_duplicate_key_is_an_error(db):
    # Core's TypeObjectRepeater fails the object type on a name given twice, quoted or not.
    assert let_summary(db, '{a:int,"a":int}') == (
        "error: Duplicate key\nat *query*:1:15\n  |\n"
        '1 | let x: {a:int,"a":int} = null\n  |               ^^^\n  |\n'
        "hint: Key originally used here\n  |\n"
        '1 | let x: {a:int,"a":int} = null\n  |         ^\n  |'
    )
    assert signature_errors(db, "{a:{b:int,b:int}}").split("\n")[0] == "error: Duplicate key"


@pytest.mark.parametrize(
    "text, shown",
    [
        ('{a:int, b:"foo", ...}', '{ a: int, b: "foo", ... }'),
        ("{a:int, ..., }", "{ a: int, ... }"),  # a trailing comma is allowed
    ],
)
def test_accept_interfaces(db, text, shown):
    assert accepts(db, text) == shown


def test_accept_interfaces_must_be_last(db):
    assert signature_errors(db, "{a:int, ..., b:3}") == (
        "error: Interface must be the last element in an object\nat *signature*:1:14\n  |\n"
        "1 | {a:int, ..., b:3}\n  |              ^^^\n  |\n"
        "hint: Interface defined here\n  |\n1 | {a:int, ..., b:3}\n  |         ^^^\n  |"
    )


@pytest.mark.parametrize(
    "text, shown",
    [
        ("()", "[]"),
        ("(a)", "a"),
        ('(a,b,"foo",2)', '[a, b, "foo", 2]'),
        ('( a , b , "foo" , 2 ) ', '[a, b, "foo", 2]'),
        ('(\na\n,\nb\n,\n"foo"\n,\n2\n)', '[a, b, "foo", 2]'),
        ("[]", "[]"),
        ("[a]", "[a]"),
        ('[a,b,"foo",2]', '[a, b, "foo", 2]'),
        ('[ a , b , "foo" , 2 ] ', '[a, b, "foo", 2]'),
        ('[\na\n,\nb\n,\n"foo"\n,\n2\n]', '[a, b, "foo", 2]'),
    ],
)
def test_accept_tuples(db, text, shown):
    assert accepts(db, text) == shown


@pytest.mark.parametrize(
    "text, shown",
    [
        ("() => int", "() => int"),
        ("int => int", "int => int"),
        ("int | str => int", "int | str => int"),  # the union is the parameter
        ("(a, b) => int", "(a, b) => int"),
        ("(a, b, ...c) => int", "(a, b, ...c) => int"),
        ("(a: int) => int", "(a: int) => int"),
        ("(a: (int | str)) => int", "(a: int | str) => int"),
        ("(one: a, two: b) => int", "(one: a, two: b) => int"),
        ("(one: a, two: b, rest: ...c) => int", "(one: a, two: b, rest: ...c) => int"),
        ("(one: a, two: b, ...c) => int", "(one: a, two: b, ...c) => int"),  # naming only some is allowed
    ],
)
def test_accept_lambdas(db, text, shown):
    assert accepts(db, text) == shown


@pytest.mark.parametrize("text", ["(a, ...b)", "(a, ...b, c)", "(a, ...b, c) => int"])
def test_accept_lambdas_invalid_variadic(db, text):
    # Failure.InvalidVariadic(span(7, 8)): a variadic outside a lambda's parameters, or not the last.
    assert signature_errors(db, text) == (
        f"error: Invalid variadic argument\nat *signature*:1:8\n  |\n1 | {text}\n  |        ^\n  |"
    )


def test_accept_lambdas_names_need_a_tuple(db):
    # `a: int => int` is an error (core's TODO: a better one); fastparse stops after `a`.
    assert signature_errors(db, "a: int => int") == (
        "error: Expected `<` or end-of-input\nat *signature*:1:2\n  |\n1 | a: int => int\n  |  ^\n  |"
    )


@pytest.mark.parametrize("text", ["(a: int) & string", "(a: int) | string"])
def test_accept_lambdas_named_types_only_before_an_arrow(db, text):
    # Failure.InvalidNamedType(span(1, 2)).
    assert signature_errors(db, text) == (
        f"error: Only lambda argument types may be named\nat *signature*:1:2\n  |\n1 | {text}\n  |  ^\n  |"
    )


@pytest.mark.parametrize(
    "text, shown",
    [("A => B => C", "A => B => C"), ("(A => B) => C", "(A => B) => C"), ("A => (B => C)", "A => B => C")],
)
def test_parse_lambda_arrows_as_right_associative(db, text, shown):
    assert accepts(db, text) == shown


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3 | ##", "error: Expected type\nat *signature*:1:5\n  |\n1 | 3 | ##\n  |     ^\n  |"),
        ("{ a: 3, b: ## }", "error: Expected type\nat *signature*:1:12\n  |\n1 | { a: 3, b: ## }\n  |            ^\n  |"),
        ("{ a: 3, ## }", "error: Expected `}`\nat *signature*:1:9\n  |\n1 | { a: 3, ## }\n  |         ^\n  |"),
    ],
)
def test_handle_invalid_exprs_nicely(db, text, expected):
    assert signature_errors(db, text) == expected
    # The same error in a query's annotation, seven characters further (`let x: `).
    message, where = expected.split("\n")[:2]
    column = int(where.rsplit(":", 1)[1]) + 7
    assert let_summary(db, text) == (
        f"{message}\nat *query*:1:{column}\n  |\n1 | let x: {text} = null\n  | {' ' * (column - 1)}^\n  |"
    )


@pytest.mark.parametrize(
    "text, shown",
    [
        ("{ // a's\n  a: int, /* b's */ b: \"foo\" }", '{ a: int, b: "foo" }'),
        ("{ a: int, // a's\n  b: int }", "{ a: int, b: int }"),
        ("Array< /* of /* nested */ */ boolean>", "Array<boolean>"),
    ],
)
def test_accept_comments_as_space(db, text, shown):
    # Core's type parser takes its `nl` between tokens, comments included, and a line comment as an
    # object's field separator (`objectsep`).
    assert accepts(db, text) == shown


@pytest.mark.parametrize("text, shown", [("0x1_0", "16"), ("1_000", "1000"), ("-0b1", "-1"), ("0o17", "15")])
def test_accept_integer_singletons_as_core_reads_numbers(db, text, shown):
    # Core keeps the number (Literal.Int), not its text, and displays it in decimal.
    assert accepts(db, text) == shown


@pytest.mark.parametrize(
    "text, message, column",
    [
        # Core's `integer` (Numbers.scala): `0` alone or digits from 1 to 9 on, so `01` is `0` and then text
        # after the type, as in a query (`01` there is `Expected end-of-input` at the `1`).
        ("01", "Expected end-of-input", 2),
        ("0_1", "Expected end-of-input", 2),
        # After a radix prefix core commits to digits; fql words it as for a query's number.
        ("0x_", "Unexpected `_`, expected digit", 3),
        ("0x", "Unexpected end of input, expected digit", 3),
    ],
)
def test_integer_singletons_that_are_no_number(db, text, message, column):
    rendered = signature_errors(db, text)
    assert rendered.split("\n")[:2] == [f"error: {message}", f"at *signature*:1:{column}"]
    # In a `let` annotation: the same place (seven characters further); after a whole `0`, the `=` is missing.
    first = let_summary(db, text).split("\n")[:2]
    expected = "Expected `=`" if message == "Expected end-of-input" else message
    assert first == [f"error: {expected}", f"at *query*:1:{column + 7}"]
