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
from fql.parse.v10 import END_OF_QUERY
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


#: What fql's scanner used to word itself, in core's words (derived from core's parser, Strings.scala and
#: Whitespace.scala, under fastparse 2.3.3's rules: no spec pins these). A string or block comment that
#: never ends, or that holds a character that is not a display one, commits to nothing, so core's parser
#: backtracks out of it and stops where it began, as at a character no token takes; a string that passed
#: an escape (`\\` cuts) or an interpolation (`#{` cuts) stops where its closing quote is missing, and
#: names only that quote (`` `"` `` as core's token names it, `"'"` as fastparse names a plain literal).
#: A line comment ends before such a character, which no token takes.
SCANNED = [
    ('"abc', "", "Unexpected end of query. Expected statement or expression"),
    ("'abc", "", "Unexpected end of query. Expected statement or expression"),
    ('1 + "abc', '"', "Expected expression"),
    ("let x = 'abc", "'", "Expected expression"),
    ('[1, "abc', '"', "Expected `]` or expression"),
    ('"a#{b"', 5, "Expected `}`"),
    ('"a#{b', EOF_, "Expected `}`"),
    ('"a#{', EOF_, "Expected expression"),
    ('"a#{b}c', EOF_, "Expected `\"`"),
    ('1 + "a\\nbc', EOF_, "Expected `\"`"),
    ("1 + 'a\\nbc", EOF_, "Expected \"'\""),
    ('{ "a\\tb', EOF_, "Expected `\"`"),
    ('"abc\\', EOF_, "Expected escape code"),
    ("/* abc", "", "Unexpected end of query. Expected statement or expression"),
    ("1 + /* abc", "/", "Expected expression"),
    ("1 /* a /* b */", "/", "Expected end-of-input"),
    ("foo(a ?", "?", "Expected `)` or `,`"),
    ('"a#{b ?}"', "?", "Expected `}`"),
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


@pytest.mark.parametrize("query, where, message", SCANNED)
def test_unterminated_strings_and_comments_are_where_core_stops(db, query, where, message):
    assert summary(db, query) == expected(query, where, message)


def test_a_query_ending_in_blanks_is_drawn_after_its_last_character(db):
    """Core's parser stops past the blanks and comments a query ends with (each token that expects more
    takes the newlines and comments after it), and its renderer draws a span past the last visible character
    right after it (Span.annotateWithLineColNumber strips trailing whitespace), where the comment ends."""
    assert summary(db, "1 +   \n  ") == expected("1 +", EOF_, "Expected expression")
    assert summary(db, "Foo.all(  \n") == expected("Foo.all(", EOF_, "Expected `)` or expression")
    assert summary(db, "1 + // c\n") == expected("1 + // c", EOF_, "Expected expression")
    assert summary(db, "   ") == expected("", 0, END_OF_QUERY)


@pytest.mark.parametrize(
    "query, stop",
    [("1 +   \n  ", 9), ("Foo.all(  \n", 11), ("1 + /* c */ ", 12), ("3.  ", 4), ("   ", 3), ("-  \n ", 3)],
)
def test_the_parser_stops_past_the_blanks_it_ends_with(query, stop):
    """Where core's failure index is (its span's start): at the very end, but after a unary operator, which
    takes spaces and block comments only (`ws`), at the newline. `3.  ` names no digit there (core's number
    tried one right after the `.`, before the blanks)."""
    with pytest.raises(IncompleteInput) as info:
        fql.parse(query, "v10")
    assert info.value.span.start == stop
    if query == "3.  ":
        assert info.value.description == "Expected identifier"


def test_an_unfinished_query_is_incomplete_for_the_repl():
    # Running out of text is still IncompleteInput (the REPL reads another line), with core's words.
    with pytest.raises(IncompleteInput) as info:
        fql.parse("foo(1,", "v10")
    assert info.value.description == "Expected `)` or expression"
    # So is a string or comment that never ends.
    for text in ('"abc', "'abc\n", "1 + /* abc", '"a\\nb'):
        with pytest.raises(IncompleteInput):
            fql.parse(text, "v10")
