"""fql/schema/display.py: FQL printed back as core's Displayer prints it (core's DisplaySpec), and the cases
the FSL parser's and the source generator's printers settled differently before they were one."""

from __future__ import annotations

import sys

import pytest

from fql.errors import ParseError
from fql.schema import display
from fql.schema import diff
from fql.schema.items import Item
from fql.schema.parser import FSLError, parse
from fql.schema.source import generate


def shown(source: str) -> str:
    (node,) = display.parse_kept(source).body
    return display.expr(node)


# -- core's DisplaySpec: `checkExpr(src1, src2)`, src2 defaulting to src1 ----------------------------------

CORE_DISPLAY_SPEC = [
    # round trip Exprs
    "{\n  let a = 1\n  a\n}",
    "1 + 2 + 3",
    "if (foo) 1 else true",
    "if (foo) 1",
    "{\n  a: 0,\n  b: 1\n}",
    "foo({\n  a: 0,\n  b: 1\n})",  # no newline after an object literal
    "(a, b) => a + b",
    "(i, ...b) => b.at(i)",
    "(_, ..._) => 0",
    "[0, 1, 2].at",
    "[0, 1, 2].at(0)",
    "Foo.all() {\n  a: .a,\n  b: .b\n}\n",  # a projection ends its line
    # round trip strings
    '"hi"',
    ("'hi'", '"hi"'),
    '"\\\\"',
    '"\'"',
    '"`"',
    '"\\0"',
    '"\\n"',
    '"\\r"',
    '"\\v"',
    '"\\t"',
    '"\\b"',
    '"\\f"',
    '"\\#"',
    ('"\n"', '"\\n"'),
    ('"\r"', '"\\r"'),
    ('"\x0b"', '"\\v"'),
    ('"\t"', '"\\t"'),
    ('"\f"', '"\\f"'),
    ('"\\u200b"', '"\\u200b"'),
    ('"\\u{10ffff}"', '"\\u{10ffff}"'),
    # handle precedence correctly: the parentheses written, no others
    "2 * 3 + 5",
    "2 * (3 + 5)",
    "3 + 5 * 2",
    "(3 + 5) * 2",
    "(3 + 5)!",
    "3 + 5!",
    "(3 + 5).foo",
    "3 + 5.foo",
    # render unary ops correctly
    "!true",
    "-(3)",
    "~1234",
]


@pytest.mark.parametrize("case", CORE_DISPLAY_SPEC, ids=lambda c: repr(c if isinstance(c, str) else c[0]))
def test_core_display_spec(case: str | tuple[str, str]) -> None:
    written, expected = (case, case) if isinstance(case, str) else case
    assert shown(written) == expected


# -- what the two printers did differently, settled by core ------------------------------------------------

#: Numbers as core's tree holds them (BigInt, BigDecimal) and prints them (their toString): digits and
#: scale as written, never through a float.
NUMBERS = [
    ("1.50", "1.50"),
    ("1e3", "1E+3"),
    ("-1e3", "-1E+3"),
    ("- 1.0", "-1.0"),
    ("-0.0", "0.0"),
    ("0x1F", "31"),
    ("1_000", "1000"),
    ("1180591620717411303424", "1180591620717411303424"),
    ("1.234567890123456789012345678901234567890", "1.234567890123456789012345678901234567890"),
    ("-1.234567890123456789012345678901234567890", "-1.234567890123456789012345678901234567890"),
]


@pytest.mark.parametrize(("written", "expected"), NUMBERS, ids=[w for w, _ in NUMBERS])
def test_numbers_print_as_written(written: str, expected: str) -> None:
    assert shown(written) == expected


def test_a_short_lambda_in_parentheses_keeps_them_as_an_argument() -> None:
    # Core's tree holds `(.x)` as a tuple of the short lambda and prints both.
    assert shown("[1].map((.x))") == "[1].map((.x))"
    assert shown("[1].map(.x)") == "[1].map(.x)"
    assert shown("[1].map((.x) + 1)") == "[1].map((.x) + 1)"
    assert shown("[1].map((.x).y)") == "[1].map((.x).y)"


def test_a_character_outside_the_bmp_is_an_escape() -> None:
    assert shown('"a😀"') == '"a\\u{01f600}"'
    assert display.quote("\U0010ffff") == '"\\u{10ffff}"'


def test_an_empty_line_after_a_projection_keeps_its_indentation() -> None:
    # Core writes a line's indentation with its first text, even an empty one: a block ends each statement
    # with a newline, and a projection has ended its line already.
    assert shown("{ x { a }; 1 }") == "{\n  x {\n    a: .a\n  }\n  \n  1\n}"


def test_a_let_type_is_written_as_core_writes_types() -> None:
    assert shown("{ let x:  Array< Int > = 1; x }") == "{\n  let x: Array<Int> = 1\n  x\n}"
    # Core's type parser has no `-` operator: such a type is a parse error (TypeExprParserSpec), where the
    # `let` wants its `=` after the type.
    with pytest.raises(ParseError, match="Expected `=` at line 1, column 16"):
        shown("{ let x:  Int  -  Null = 1; x }")


def test_names_and_paths_are_quoted_by_one_rule() -> None:
    assert [display.ident(n) for n in ("a_1", "if", "a b", "1a")] == ["a_1", '"if"', '"a b"', '"1a"']
    assert display.path_text(["a", "b c", 0, "if"]) == '.a["b c"][0]["if"]'
    assert display.path_text(["b c"]) == '.["b c"]'


def test_bad_fql_is_an_invalid_definition_or_a_parse_error() -> None:
    with pytest.raises(ParseError, match="Invalid anonymous field access"):
        display.parse_kept(".x")
    with pytest.raises(display.InvalidDefinition, match="the body of f is not valid FQL"):
        display.parse_lambda("(x) =>", "the body of f")
    with pytest.raises(display.InvalidDefinition, match="is not a lambda"):
        display.parse_lambda("1 + 1", "the body of f")


# -- the parser stores, the generator writes and the diff compares with the one printer -------------------

#: FSL that the parser stores and the generator writes back unchanged.
ROUND_TRIPS = [
    "collection C {\n  a: Number = 1.50\n}\n",
    "collection C {\n  compute a = (.items.map((.x)))\n}\n",
    "collection C {\n  a: Any = {\n    b: [1E+3]\n  }\n}\n",
    'collection C {\n  check c ((d) => d.s != "\\u{01f600}")\n}\n',
    "collection C {\n  a: Any\n  migrations {\n    backfill .a = {\n      b: 1\n    }\n  }\n}\n",
    "function f(x) {\n  x {\n    a: .a\n  }\n  \n}\n",
]


@pytest.mark.parametrize("source", ROUND_TRIPS)
def test_the_generator_writes_back_what_the_parser_stores(source: str) -> None:
    (item,) = parse(source)
    assert generate(item.kind, item.name, item.definition) == source


def test_an_integer_setting_wider_than_64_bits_keeps_its_low_64_bits_as_in_core() -> None:
    # The parse keeps the integer whole (core's BigInt); core's converter takes `toLong` of it.
    (item,) = parse("collection C {\n  history_days 99999999999999999999\n}")
    assert item.definition["history_days"] == 99999999999999999999 % 2**64


def test_a_parenthesized_short_lambda_is_stored_once_in_parentheses() -> None:
    (item,) = parse("collection C {\n  compute a = (.x)\n  check c (.y > 0)\n}")
    assert item.definition["computed_fields"] == {"a": {"body": "(.x)"}}
    assert item.definition["constraints"] == [{"check": {"name": "c", "body": "(.y > 0)"}}]


def test_a_lambda_in_two_pairs_of_parentheses_is_no_check_predicate() -> None:
    # Core's tree holds `((.y))` as a tuple in a tuple, not a lambda in one.
    with pytest.raises(FSLError, match="Expected lambda check predicate"):
        parse("collection C {\n  check c ((.y > 0))\n}")


def test_the_diff_sees_parentheses_as_core_does() -> None:
    # Core compares function bodies as trees, which keep the parentheses written.
    before = Item("function", "f", {"name": "f", "body": "(x) => x + 1"})
    after = Item("function", "f", {"name": "f", "body": "(x) => (x + 1)"})
    [modify] = diff.diff([before], [after])
    assert [type(change).__name__ for change in modify.changes] == ["ReplaceBody"]


def test_fql_nested_deeper_than_fql_can_print_is_an_error_not_a_traceback() -> None:
    # Under Python's default recursion limit: a server thread still running from an earlier test holds
    # the process's limit raised (fql.stack), which lets this nesting parse.
    deep = "1 + " * 3000 + "1"
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        with pytest.raises(FSLError, match="nests deeper than fql can parse"):
            parse(f"collection C {{\n  a: Number = {deep}\n}}")
        with pytest.raises(display.InvalidDefinition, match="nests deeper than fql can print"):
            generate("collection", "C", {"fields": {"a": {"signature": "Number", "default": deep}}})
    finally:
        sys.setrecursionlimit(previous)
