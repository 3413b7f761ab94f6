"""Core's lexical parser specs (ext/fql/shared/src/test/scala/parser/): StringsSpec, NumbersSpec,
IdentifiersSpec and WhitespaceSpec, through a whole v10 query: each literal the spec parses is a query
that answers its value, and each one the spec rejects is an `invalid_query` whose summary places the
error as core's parser does.

Core's specs run single rules (`doublestring`, `number`, `KW("yeet")`, `nl`, `ws`); a query runs them all,
so a rule's "rest of the input" case becomes what a query does with it. A rule's own failure message is
fastparse's for that rule alone, not what a whole query's parser expects there, so for those only the
place is compared (test_core_query_error_spec.py compares whole queries' messages).
Skipped: IdentifiersSpec's `KW("yeet")` cases test a combinator with a made-up keyword; the real keywords
are checked below instead (`iff` is a name, `if` is not).
"""

from __future__ import annotations

import pytest

import fql
from tests.helpers import QueryEndpoint

SECRET = "secret"


@pytest.fixture(scope="module")
def db() -> fql.Database:
    return fql.connect(root_secret=SECRET)


answer = QueryEndpoint(SECRET).body


def value(db: fql.Database, query: str):
    body = answer(db, query)
    assert "error" not in body, body["summary"]
    return body["data"]


def where(db: fql.Database, query: str) -> str:
    """A failed query's summary without its `error:` line (fql words that line its own way)."""
    body = answer(db, query)
    assert body["error"] == {"code": "invalid_query", "message": "The query failed 1 validation check"}
    return body["summary"].split("\n", 1)[1]


def summary(db: fql.Database, query: str) -> str:
    body = answer(db, query)
    assert body["error"]["code"] == "invalid_query"
    return body["summary"]


# -- StringsSpec: "A string parser" ----------------------------------------------------------------------


def test_string_accept_printable_ascii(db):
    text = "Aa;/f!@'%^!&@*"
    assert value(db, f'"{text}"') == text


@pytest.mark.parametrize(
    "query, expected",
    [
        (r'"\\"', "\\"),
        (r'"\#"', "#"),
        (r'"\""', '"'),
        (r'"\n"', "\n"),
        (r'"\xff"', "\u00ff"),
        (r'"\u00ff"', "\u00ff"),
        (r'"\u{0000ff}"', "\u00ff"),
    ],
)
def test_string_accept_escapes(db, query, expected):
    assert value(db, query) == expected


def test_string_accept_long_escapes(db):
    # Core's string holds the surrogate pair "\udbc4\ude34": one code point past U+FFFF (`length` counts
    # code points).
    assert value(db, r'"\u{101234}"') == "\U00101234"
    assert value(db, r'"\u{101234}".length') == 1


def test_string_disallow_surrogate_escapes(db):
    # Failure.InvalidEscape(span(1, 7), "surrogates are disallowed"): the escape underlined, the reason after.
    assert summary(db, r'"\udc00"') == (
        'error: Invalid escape\nat *query*:1:2\n  |\n1 | "\\udc00"\n  |  ^^^^^^ surrogates are disallowed\n  |'
    )
    assert summary(db, r'"\u{11ffff}"') == (
        "error: Invalid escape\nat *query*:1:2\n  |\n"
        '1 | "\\u{11ffff}"\n  |  ^^^^^^^^^^ outside of valid unicode range\n  |'
    )


@pytest.mark.parametrize(
    "query, column, message",
    [
        # The escape parser commits after `\`, `x`, `u` and `u{`: it fails at the first character it cannot
        # take, with core's words (QueryErrorSpec has `'\3'`, `'\u12'`, `'\uz'`, `'\u{1234'`).
        (r'"\q"', 3, "Expected escape code"),
        (r'"\x4"', 5, "Expected hex digit"),
        (r'"\uz"', 4, "Expected `{` or hex digit"),
        (r'"\u12g4"', 6, "Expected hex digit"),
        (r'"\u{}"', 5, "Expected hex digit"),
        (r'"\u{12"', 7, "Expected `}` or hex digit"),
        (r'"\u{1234567}"', 11, "Expected `}`"),
    ],
)
def test_string_reject_unknown_escapes_where_they_stop(db, query, column, message):
    assert summary(db, query) == (
        f"error: {message}\nat *query*:1:{column}\n  |\n1 | {query}\n  | {' ' * (column - 1)}^\n  |"
    )


def test_string_accept_weird_unicode_characters(db):
    assert value(db, '"à"') == "à"
    assert value(db, "'à'") == "à"


@pytest.mark.parametrize("quote", ['"', "'"])
def test_string_disallow_control_characters(db, quote):
    # Core's summary shows a NUL in the source as `<` (its template sigil's rendering). The spec pins only
    # the failure: a string that has not committed (no escape or `#{` before the NUL) is no string, so the
    # query's parser finds no statement where it starts.
    query = f"{quote}\u0000{quote}"
    assert summary(db, query) == (
        "error: Unexpected end of query. Expected statement or expression\n"
        f"at *query*:1:1\n  |\n1 | {quote}<{quote}\n  | ^\n  |"
    )


def test_string_accept_non_interpolation_hashes(db):
    assert value(db, '"foo#bar"') == "foo#bar"


# -- StringsSpec: "An interpolated string parser" ----------------------------------------------------------


def test_interpolated_accept_printable_ascii(db):
    text = "Aa;/f!@'%^!&@*"
    assert value(db, f'"{text}"') == text


def test_interpolated_accept_interpolations(db):
    assert value(db, '"foo#{123}bar"') == "foo123bar"


def test_interpolated_accept_non_interpolation_hashes(db):
    assert value(db, '"foo#bar"') == "foo#bar"


def test_interpolated_accept_escaped_hashes_which_precede_left_curly(db):
    assert value(db, r'"foo\#{bar"') == "foo#{bar"


def test_interpolated_allow_little_2(db):
    assert value(db, '"₂"') == "₂"


# -- StringsSpec: "A multiline interpolated string parser" (<<+) ---------------------------------------


def test_heredoc_interpolated_accept_multiline_strings(db):
    assert value(db, "<<+END\na multiline\nstring\nEND") == "a multiline\nstring\n"


def test_heredoc_interpolated_accept_indentation_and_whitespaces(db):
    assert value(db, "<<+END\na\tmultiline\n   \tstring\n    END") == "a\tmultiline\n   \tstring\n"


def test_heredoc_interpolated_accepts_interpolation(db):
    assert value(db, "<<+END\na multiline\n#{'str'}\nstring\nEND") == "a multiline\nstr\nstring\n"


def test_heredoc_interpolated_un_indent_accepts_whitespaces_between_tokens(db):
    assert value(db, "<<+  \t  \t END  \t  \t\nmultiline\n  \t  END  \t  \t") == "multiline\n"


def test_heredoc_interpolated_un_indent_to_the_smallest_indented_line(db):
    query = "<<+END\n  a multiline\n    #{'str'}\n      string\nEND"
    assert value(db, query) == "a multiline\n  str\n    string\n"


def test_heredoc_interpolated_disallow_control_characters(db):
    assert where(db, "<<+END\n \u0000\n END") == "at *query*:2:2\n  |\n2 |  <\n  |  ^\n  |"


# -- StringsSpec: "A multiline non-interpolated string parser" (<<-) -----------------------------------


def test_heredoc_accept_multiline_strings(db):
    assert value(db, "<<-END\na multiline\nstring\nEND") == "a multiline\nstring\n"


def test_heredoc_accept_indentation_and_whitespaces(db):
    assert value(db, "<<-END\na\tmultiline\n   \tstring\n    END") == "a\tmultiline\n   \tstring\n"


def test_heredoc_un_indent_accepts_whitespaces_between_tokens(db):
    assert value(db, "<<-  \t  \t END  \t  \t\nmultiline\n  \t  END  \t  \t") == "multiline\n"


def test_heredoc_un_indent_to_the_smallest_indented_line(db):
    assert value(db, "<<-END\n  a multiline\n    string\nEND") == "a multiline\n  string\n"


def test_heredoc_disallow_control_characters(db):
    assert where(db, "<<-END\n \u0000\n END") == "at *query*:2:2\n  |\n2 |  <\n  |  ^\n  |"


@pytest.mark.parametrize("query, column", [("<<-END x\nfoo\nEND", 8), ("<<- 1\nfoo\nEND", 5)])
def test_heredoc_opener_fails_where_core_stops(db, query, column):
    # The opener commits after `<<-` and after the name: a newline must follow the name and blanks.
    line = query.split("\n")[0]
    assert where(db, query) == f"at *query*:1:{column}\n  |\n1 | {line}\n  | {' ' * (column - 1)}^\n  |"


# -- NumbersSpec -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("query, expected", [("123", 123), ("1_2_3", 123), ("-123", -123)])
def test_number_accept_integers(db, query, expected):
    assert value(db, query) == expected


@pytest.mark.parametrize(
    "query, expected",
    [
        ("1e1", 10.0),
        ("1e-1", 0.1),
        ("-1e1", -10.0),
        ("-1e-1", -0.1),
        # `1.` is the Int 1 followed by a `.`: a member access needs a name after it.
        ("1.toString()", "1"),
        ("-1.toString()", "-1"),
    ],
)
def test_number_accept_floats(db, query, expected):
    result = value(db, query)
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize(
    "query, column",
    [
        (".1", 2),  # no number: `.` starts a field access, which needs a name
        ("-.1", 3),
        ("1.", 3),
        ("-1.", 4),
        # The parser commits to an exponent after `e`, and to a radix after `0x`: a digit must follow.
        ("1e", 3),
        ("1e+", 4),
        ("1ex", 3),
        ("0x", 3),
        ("0xg", 3),
    ],
)
def test_number_reject_incomplete_floats(db, query, column):
    assert where(db, query) == f"at *query*:1:{column}\n  |\n1 | {query}\n  | {' ' * (column - 1)}^\n  |"


@pytest.mark.parametrize("query, expected", [("0xff", 255), ("-0xff", -255)])
def test_number_accept_hex_integers(db, query, expected):
    assert value(db, query) == expected


# -- IdentifiersSpec -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["foo", "Foo", "foo'", "f0oo", "_foo", "iff", "nullx", "letter", "isa'"])
def test_id_accept_identifiers(db, name):
    # A keyword followed by identifier characters is a name (core's KW: `s ~~ !plainIdentRest`).
    assert value(db, f"let {name} = 1\n{name}") == 1


def test_keyword_reject_as_a_name(db):
    assert summary(db, "let if = 1\nif") == (
        "error: Invalid identifier\nat *query*:1:5\n  |\n1 | let if = 1\n  |     ^^ `if` is a keyword\n  |"
    )


def test_id_reject_invalid_with_non_init_characters(db):
    # `0foo` is the number 0 and then a name; `'foo` an unterminated string.
    assert where(db, "0foo") == "at *query*:1:2\n  |\n1 | 0foo\n  |  ^\n  |"
    assert where(db, "'foo") == "at *query*:1:1\n  |\n1 | 'foo\n  | ^\n  |"


# -- WhitespaceSpec --------------------------------------------------------------------------------------


def test_nl_accept_cpp_style_comments(db):
    assert value(db, "// foo\n// bar\n1") == 1


def test_nl_accept_c_style_comments(db):
    assert value(db, "/* foo */\n/* bar */\n1") == 1


def test_nl_accept_nested_c_style_comments(db):
    assert value(db, "/* foo /* nested */ */\n/* bar */\n1") == 1


def test_nl_disallow_control_characters_in_comments(db):
    # The spec pins only the failure: core's blockComment takes display characters only and commits to
    # nothing, so this one is no comment, and the query's parser finds no statement where it starts.
    assert summary(db, "/* \u0000 foo */\n/* bar */\n1") == (
        "error: Unexpected end of query. Expected statement or expression\n"
        "at *query*:1:1\n  |\n1 | /* < foo */\n  | ^\n  |"
    )


def test_ws_accept_c_style_comments(db):
    assert value(db, "1 /* foo */ + 2") == 3


def test_ws_accept_nested_c_style_comments(db):
    assert value(db, "1 /* foo /* nested */ */ + 2") == 3


def test_ws_disallow_control_characters_in_comments(db):
    # No comment (as above): the parser stops at its `/*`, which no operator begins.
    assert summary(db, "1 /* \u0000 foo */ + 2") == (
        "error: Expected end-of-input\nat *query*:1:3\n  |\n1 | 1 /* < foo */ + 2\n  |   ^\n  |"
    )
