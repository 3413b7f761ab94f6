"""Core's error-rendering specs: HintSpec (ext/fql/shared/src/test/scala/error/), SpanSpec and RedactSpec
(ext/fql/shared/src/test/scala/).

HintSpec renders hints with core's Diagnostic: fql's port of it is fql.schema.errors.Diagnostic (FSL
errors, and the hints under a query's parse errors), so each case renders there against `*query*`; the
hints users meet under a query's parse errors (core's Failure.DuplicateObjectKey, MissingReturn's cause,
the suggestion to escape an interpolated object key) are checked through a query's summary.

SpanSpec's `replaceWith` is core's schema patching (fql.schema.patch.replace_with, which patches FSL files
after a query changed schema) and `annotate` its source marking (fql.schema.errors.annotate).

Skipped, with why:
- HintSpec "render null spans": a hint of core's Span.Null (`at <no source>`); fql's hints always have a
  place.
- SpanSpec "replaceLineWith": nothing in core uses it but its own spec.
- RedactSpec: core redacts a query's literals for its own logs (FQLInterpreter's query shape); nothing a
  user sees.
"""

from __future__ import annotations

import pytest

import fql
from fql.schema.errors import Diagnostic, annotate
from fql.schema.patch import replace_with
from tests.helpers import QueryEndpoint

SECRET = "secret"


def hint(message: str, start: int, end: int, source: str = "hello world", suggestion: str | None = None) -> str:
    return Diagnostic(message, start, end, suggestion=suggestion).render(source, "*query*", "hint")


# -- HintSpec -------------------------------------------------------------------------------------------


def test_render_no_suggestion_hints():
    assert hint("this is a hint", 1, 3) == (
        "hint: this is a hint\nat *query*:1:2\n  |\n1 | hello world\n  |  ^^\n  |"
    )


def test_render_spans_at_eof_correctly():
    assert hint("this is at the EOF", 11, 12) == (
        "hint: this is at the EOF\nat *query*:1:12\n  |\n1 | hello world\n  |            ^\n  |"
    )


def test_render_spans_at_end_of_multiline_source_correctly():
    assert hint("this is near the EOF", 9, 11, "hello\nworld") == (
        "hint: this is near the EOF\nat *query*:2:4\n  |\n2 | world\n  |    ^^\n  |"
    )


def test_strip_trailing_whitespace():
    assert hint("this is at the EOF", 11, 12, "foo\n   ") == (
        "hint: this is at the EOF\nat *query*:1:4\n  |\n1 | foo\n  |    ^\n  |"
    )


def test_render_something_with_empty_query():
    assert hint("this is a hint", 10, 11, "") == "hint: this is a hint\nat *query*:1:1\n  |\n1 |\n  | ^\n  |"


def test_render_remove_suggestions_correctly():
    assert hint("this is a hint", 1, 3, suggestion="") == (
        "hint: this is a hint\nat *query*:1:2\n  |\n1 | hello world\n  |  --\n  |"
    )


def test_render_add_suggestions_correctly():
    # An empty span with a suggestion is an insertion.
    assert hint("this is a hint", 5, 5, suggestion=" 123") == (
        "hint: this is a hint\nat *query*:1:6\n  |\n1 | hello 123 world\n  |      ++++\n  |"
    )


def test_render_change_suggestions_correctly():
    assert hint("this is a hint", 6, 11, suggestion="foo") == (
        "hint: this is a hint\nat *query*:1:7\n  |\n1 | hello foo\n  |       ~~~\n  |"
    )


# -- the same rendering under a query's parse errors --------------------------------------------------


@pytest.fixture(scope="module")
def db() -> fql.Database:
    return fql.connect(root_secret=SECRET)


answer = QueryEndpoint(SECRET).body


def summary(db: fql.Database, query: str) -> str:
    body = answer(db, query)
    assert body["error"]["code"] == "invalid_query"
    assert body["error"]["message"].startswith("The query failed ")
    return body["summary"]


def test_an_add_suggestion_under_a_parse_error(db):
    # ExprParserSpec "reject objects with interpolated string keys": the error at the interpolation (5, 6),
    # a backslash suggested before it (3, 3), and the key (2, 8).
    assert summary(db, '{ "#{3}": 2 }') == (
        "error: Object keys do not support interpolation\nat *query*:1:6\n  |\n"
        '1 | { "#{3}": 2 }\n  |      ^\n  |\n'
        "hint: Add a backslash to ignore the interpolation\n  |\n"
        '1 | { "\\#{3}": 2 }\n  |    +\n  |\n'
        "hint: Use Object.fromEntries if you need a dynamic key\n  |\n"
        '1 | { "#{3}": 2 }\n  |   ^^^^^^\n  |'
    )


def test_a_hint_on_another_line_says_where(db):
    # ExprParserSpec "reject objects with duplicate keys", across lines: the hint has its own `at` line.
    assert summary(db, "{\n  a: 2,\n  a: 3\n}") == (
        "error: Duplicate key\nat *query*:3:3\n  |\n3 |   a: 3\n  |   ^\n  |\n"
        "hint: Key originally used here\nat *query*:2:3\n  |\n2 |   a: 2,\n  |   ^\n  |"
    )


def test_every_error_core_parses_on_after_is_reported(db):
    # ExprParserSpec: `{ a: 2, a: 3, a: 4 }` is two DuplicateObjectKey errors, each hinting at the first
    # key; the summary renders them one after another, a blank line between (core's FQL2Response).
    body = answer(db, "{ a: 2, a: 3, a: 4 }")
    assert body["error"] == {"code": "invalid_query", "message": "The query failed 2 validation checks"}
    one = "error: Duplicate key\nat *query*:1:{}\n  |\n1 | {{ a: 2, a: 3, a: 4 }}\n  | {}^\n  |\n"
    hint = "hint: Key originally used here\n  |\n1 | { a: 2, a: 3, a: 4 }\n  |   ^\n  |"
    assert body["summary"] == one.format(9, " " * 8) + hint + "\n\n" + one.format(15, " " * 14) + hint
    # Errors it parses on after win over the one that stops it.
    assert summary(db, "(x, x) => { a: 1, a: 2 }").count("error: ") == 2
    assert summary(db, "{ a: 1, a: 2 } +").startswith("error: Duplicate key\n")


def test_a_cause_at_the_end_of_the_query(db):
    # ExprParserSpec "reject blocks that end with let statement": MissingReturn at the end (trailing
    # whitespace stripped, as HintSpec's EOF cases render), its cause the let.
    assert summary(db, "let x = 1\n   ") == (
        "error: Missing return expression\nat *query*:1:10\n  |\n1 | let x = 1\n  |          ^\n  |\n"
        "cause: Statement does not return a value\n  |\n1 | let x = 1\n  | ^^^^^^^^^\n  |"
    )


def test_an_empty_query(db):
    assert summary(db, "") == (
        "error: Unexpected end of query. Expected statement or expression\nat *query*:1:1\n  |\n1 |\n  | ^\n  |"
    )


def test_a_query_that_starts_with_a_closing_bracket(db):
    # ExprParserSpec "handle unexpected close": core finds no statement where the query starts.
    assert summary(db, "}") == (
        "error: Unexpected end of query. Expected statement or expression\nat *query*:1:1\n  |\n1 | }\n  | ^\n  |"
    )
    assert summary(db, "\n  )").startswith("error: Unexpected end of query. Expected statement or expression\nat *query*:2:3\n")
    # A comment before it is no statement either.
    assert summary(db, "/* a */ }").startswith("error: Unexpected end of query. Expected statement or expression\nat *query*:1:9\n")


def test_a_query_that_starts_with_a_separator(db):
    # Core's parser takes the `;`s, newlines and comments a query starts with as the separator after no
    # statement, and says so where they end, whatever follows.
    assert summary(db, ";") == (
        "error: Unexpected end of query. Expected statement or expression\nat *query*:1:2\n  |\n1 | ;\n  |  ^\n  |"
    )
    assert summary(db, ";; // c\n  1") == (
        "error: Unexpected end of query. Expected statement or expression\nat *query*:2:3\n  |\n2 |   1\n  |   ^\n  |"
    )


# -- SpanSpec -------------------------------------------------------------------------------------------

REPLACEMENTS = [
    # (case, source, start, end, with "", with "word", with "line1\nline2")
    ("inline w/ spaces", "foo bar baz", 4, 7, "foo baz", "foo word baz", "foo line1\nline2 baz"),
    ("inline no spaces", "foobarbaz", 3, 6, "foobaz", "foowordbaz", "fooline1\nline2baz"),
    ("preceding newline", "foo\nbar baz", 4, 7, "foo\nbaz", "foo\nword baz", "foo\nline1\nline2 baz"),
    ("preceding newlines", "foo\n\nbar baz", 5, 8, "foo\n\nbaz", "foo\n\nword baz", "foo\n\nline1\nline2 baz"),
    ("trailing newline", "foo bar\nbaz", 4, 7, "foo\nbaz", "foo word\nbaz", "foo line1\nline2\nbaz"),
    ("trailing newlines", "foo bar\n\nbaz", 4, 7, "foo\n\nbaz", "foo word\n\nbaz", "foo line1\nline2\n\nbaz"),
    ("indented", "foo\n  bar\nbaz", 6, 9, "foo\nbaz", "foo\n  word\nbaz", "foo\n  line1\n  line2\nbaz"),
    ("indent after", "foo\nbar\n  baz", 4, 7, "foo\n  baz", "foo\nword\n  baz", "foo\nline1\nline2\n  baz"),
]


@pytest.mark.parametrize(
    "source, start, end, cut, word, lines", [pytest.param(*case[1:], id=case[0]) for case in REPLACEMENTS]
)
def test_replace_with(source, start, end, cut, word, lines):
    assert source[start:end] == "bar"
    assert replace_with(source, start, end, "") == cut
    assert replace_with(source, start, end, "word") == word
    assert replace_with(source, start, end, "line1\nline2") == lines


def test_annotate_replace_null_with_left_arrows():
    # A query template's value sigil (a NUL, then `value>`) shows as `<value>`.
    assert annotate("foo(\0value>)", 3, 12)[0] == "  |\n1 | foo(<value>)\n  |    ^^^^^^^^^\n  |"


def test_annotate_replace_null_with_left_arrows_for_multiline_spans():
    assert annotate("foo(\n  \0value>\n)", 3, 16)[0] == (
        "  |\n1 |   foo(\n  |  ____^\n2 | |   <value>\n3 | | )\n  | |_^\n  |"
    )
