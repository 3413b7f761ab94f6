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


# -- Heredoc errors, derived from core's heredocstring/heredocistring (Strings.scala) under fastparse 2.3.3 ----
# The opener commits after `<<-`/`<<+` and after the name, so it fails where core's parser stops, named as
# fastparse names what failed there: the name (`identifier`), then nl0's CharsWhileIn("\n\r") (`[\n\r]`).
# A body line that is no line (a character that is not a display one, or no line break before the end) is
# given up: core's parser backtracks to it and expects the closing name past its blanks, listing fastparse's
# names of its anonymous parsers (`!.rep(1)`); there fql keeps its own words, at core's place.


def _drawn(query: str, line: int, column: int, message: str) -> str:
    text = query.split("\n")[line - 1].rstrip()
    return f"error: {message}\nat *query*:{line}:{column}\n  |\n{line} | {text}\n  | {' ' * (column - 1)}^\n  |"


@pytest.mark.parametrize(
    "query, line, column, message",
    [
        ("<<-END x\nfoo\nEND", 1, 8, "Expected [\\n\\r]"),
        ("<<+END /* c */ x\nfoo\nEND", 1, 16, "Expected [\\n\\r]"),
        ("<<-END", 1, 7, "Expected [\\n\\r]"),
        ("<<- 1\nfoo\nEND", 1, 5, "Expected identifier"),
        ("<<+\nfoo\nEND", 1, 4, "Expected identifier"),
        ("<<-", 1, 4, "Expected identifier"),
    ],
)
def test_heredoc_opener_fails_where_core_stops(db, query, line, column, message):
    assert summary(db, query) == _drawn(query, line, column, message)


@pytest.mark.parametrize(
    "query, line, column",
    [
        # The text ends after a whole line: core stops at the end (drawn past the last visible character).
        ("<<-END\nfoo\n", 2, 4),
        ("<<+END\nfoo\n  \t", 2, 4),
        # The last line has no line break: core stops at it, past its blanks.
        ("<<-END\nfoo\n  bar", 3, 3),
        ("<<+END\nfoo\n\tEN", 3, 2),
    ],
)
def test_heredoc_unterminated_fails_where_core_stops(db, query, line, column):
    assert summary(db, query) == _drawn(query, line, column, "Unterminated heredoc")


@pytest.mark.parametrize("kind", ["-", "+"])
def test_heredoc_control_character_fails_at_its_line(db, kind):
    # Core gives the line up and stops past its blanks, where it expects the closing name.
    query = f"<<{kind}END\nfoo\n  ab\x01c\nEND"
    assert summary(db, query) == _drawn(query, 3, 3, "Invalid character '\\x01' in string")


@pytest.mark.parametrize(
    "query, line, column",
    [("<<+END\n#{1} x", 2, 7), ("<<+END\n#{1} a\x01\nEND", 2, 7), ("<<+END\nab\ncd #{'x'}\x02", 3, 10)],
)
def test_heredoc_interpolation_commits_the_line(db, query, line, column):
    # `#{` cuts: a line with one that then has no line break fails right there, expecting one.
    assert summary(db, query) == _drawn(query, line, column, "Expected [\\n\\r]")


@pytest.mark.parametrize(
    "query, line, column, message",
    [
        ("<<+END\n#{1\nEND", 3, 1, "Expected `}`"),
        ("<<+END\nfoo #{ [1, 2\nEND", 3, 1, "Expected `,` or `]`"),
        ("<<+END\n#{", 2, 3, "Expected expression"),
    ],
)
def test_heredoc_unterminated_interpolation(db, query, line, column, message):
    # What the expression inside `#{` still needs, as in a quoted string (strexpr, then `}`), past the
    # newlines its `expr` takes (`expr0 ~~ nl`).
    assert summary(db, query) == _drawn(query, line, column, message)


def test_heredoc_closing_name_is_literal_text_on_a_last_line(db):
    # Without a line break after it, a last line is no line: the closing name is matched as text there.
    assert summary(db, "<<-END\nfoo\nENDx") == _drawn("<<-END\nfoo\nENDx", 3, 4, "Expected end-of-input")
    assert value(db, "<<-END\nfoo\nEND.length") == 4
    assert value(db, "<<-END\nENDx\nEND") == "ENDx\n"


@pytest.mark.parametrize(
    "query, expected",
    [
        # Blank lines right after the opener are part of it; later ones stay with the line before them.
        ("<<-END\n\n  \n  a\n\n  b\nEND", "a\n\nb\n"),
        # A line of blanks counts its whole length toward the common indent.
        ("<<+END\n  a\n   #{'b'}\n  \n  c\nEND", "a\n b\n\nc\n"),
        ("<<-END\n    a\n  \n    b\nEND", "  a\n\n  b\n"),
        # A line that starts with `#{` has no indent: nothing is stripped.
        ("<<+END\n  a\n#{'b'}\nEND", "  a\nb\n"),
        # Line breaks are kept as written.
        ("<<-END\r\nfoo\r\nbar\rEND", "foo\r\nbar\r"),
        # Block comments are blanks around the name.
        ("<<-END /* c */\n  foo\n /* e */ END", "foo\n"),
        ("<<- /* c */ END\nfoo\nEND", "foo\n"),
    ],
)
def test_heredoc_values(db, query, expected):
    assert value(db, query) == expected


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
        # A number has one exponent: an `e` after it is no new one (core's `exponent.?`), so no digit is
        # wanted; the query just ends there.
        ("1e5e", 4),
        ("1.5E2e1", 6),
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
