"""Core's QueryErrorSpec (ext/fql/shared/src/test/scala/error/QueryErrorSpec.scala) and the other parse
errors core's specs pin, through a whole v10 query: each is an `invalid_query` whose summary's `error:`
line is core's message and whose caret is where core's span starts (its spans are one character; `EOF`
is the end of the query).

Core's parser (fastparse) reports what it expected where it got furthest, each expectation under its
name, sorted and joined as `Expected a`, `a or b`, `a, b, or c`; fql's LALR parser names the terminals it
could take there the same way (fql/parse/v10.py, `convert`).

Also pinned elsewhere, and tested there: FQL2FieldTableSpec's `1 isaInt` / `1isaInt`
(test_core_model_fql2.py), FQL2UserFunctionSpec's `let a` and `() => {};` bodies
(test_core_fql2_user_function_spec.py), FQL2DefinedFieldsSpec's `Expected end-of-input`
(test_core_fql2_defined_fields_spec.py); the FSL `Expected ...` errors are the schema parser's.
Nothing skipped.
"""

from __future__ import annotations

import json

import pytest

import fql
from fql.parse.errors import IncompleteInput
from fql.server import v10

SECRET = "secret"
EOF_ = "\0"

#: (query, where: the text whose first character core underlines, or EOF_, message) - QueryErrorSpec.
SPEC = [
    ("", "", "Unexpected end of query. Expected statement or expression"),
    ("2 3", "3", "Expected end-of-input"),
    ("{", EOF_, "Unexpected end of block. Expected statement or expression"),
    ("{ a:", EOF_, "Expected expression"),
    ("{ a: }", "}", "Expected expression"),
    ("{ a: (3 }", "}", "Expected `)`, `,`, or `...`"),
    ("{ a: [3 }", "}", "Expected `,` or `]`"),
    ("if", EOF_, "Expected `(`"),
    ("if true", "t", "Expected `(`"),
    ("if true 3 else", "t", "Expected `(`"),
    ("if (true)", EOF_, "Expected expression"),
    ("if (true) 3 else", EOF_, "Expected expression"),
    ("##", "#", "Unexpected end of query. Expected statement or expression"),
    ("let", EOF_, "Expected identifier"),
    ("let.foo", ".", "Expected identifier"),
    ("let a", EOF_, "Expected `:` or `=`"),
    ("let a:", EOF_, "Expected type"),
    ("let a: int", EOF_, "Expected `<` or `=`"),
    ("let a =", EOF_, "Expected expression"),
    ("let a: int =", EOF_, "Expected expression"),
    ("3.", EOF_, "Expected digit or identifier"),
    ("foo(,)", ",", "Expected `)` or expression"),
    ("foo(", EOF_, "Expected `)` or expression"),
    ("foo(a", EOF_, "Expected `)` or `,`"),
    ("foo(3", EOF_, "Expected `)` or `,`"),
    ("'\\u12'", 5, "Expected hex digit"),
    ("'\\uz'", "z", "Expected `{` or hex digit"),
    ("'\\u{1234'", 8, "Expected `}` or hex digit"),
    ("'\\3'", "3", "Expected escape code"),
    # projection
    ("foo { 3 }", "3", "Expected `*` or identifier"),
    ("foo { foo: }", "}", "Expected expression"),
    ("foo { foo: 3 bar }", "b", "Expected `,` or `}`"),
]

#: The same rule on the errors users hit most, each the analogue of a spec case above (an unclosed
#: bracket, a missing operand or `)`, a `let` without a name, an object key without its `:`).
COMMON = [
    ("[1, 2", EOF_, "Expected `,` or `]`"),
    ("foo.bar(1, 2", EOF_, "Expected `)` or `,`"),
    ("(3, 4", EOF_, "Expected `)`, `,`, or `...`"),
    ("(3,", EOF_, "Expected `)`, `...`, or expression"),
    ("{ 1 2 }", "2", "Expected `}`"),
    ("{ x: 1, y }", "}", "Expected `:`"),
    ("1 +", EOF_, "Expected expression"),
    ("1 + * 2", "*", "Expected expression"),
    ("x =>", EOF_, "Expected expression"),
    ("let = 3", "=", "Expected identifier"),
    ("if (true) 1 else )", 17, "Expected expression"),
    ("Math.abs(1", EOF_, "Expected `)` or `,`"),
    ("3.foo(", EOF_, "Expected `)` or expression"),
]


@pytest.fixture(scope="module")
def db() -> fql.Database:
    return fql.connect(root_secret=SECRET)


def summary(db: fql.Database, query: str) -> str:
    response = v10.query(db, {"query": query}, SECRET, {}, 0)
    body = json.loads(response.body)
    assert response.status == 400, body
    assert body["error"] == {"code": "invalid_query", "message": "The query failed 1 validation check"}
    return body["summary"]


def expected(query: str, where: str | int, message: str) -> str:
    start = len(query) if where == EOF_ else where if isinstance(where, int) else query.index(where)
    return f"error: {message}\nat *query*:1:{start + 1}\n  |\n1 | {query}".rstrip() + (
        f"\n  | {' ' * start}^\n  |"
    )


@pytest.mark.parametrize("query, where, message", SPEC)
def test_query_errors_look_nice(db, query, where, message):
    """QueryErrorSpec "Query errors should look nice": each case's message and span."""
    assert summary(db, query) == expected(query, where, message)


@pytest.mark.parametrize("query, where, message", COMMON)
def test_common_syntax_errors_name_what_core_expects(db, query, where, message):
    assert summary(db, query) == expected(query, where, message)


def test_an_unfinished_query_is_incomplete_for_the_repl():
    # Running out of text is still IncompleteInput (the REPL reads another line), with core's words.
    with pytest.raises(IncompleteInput) as info:
        fql.parse("foo(1,", "v10")
    assert info.value.description == "Expected `)` or expression"
