"""Core's FieldPathParserSpec (ext/fql/shared/src/test/scala/parser/): field paths as FSL writes them, in a
unique constraint's terms, an index's terms and values and a migration's fields, which core reads with
the same processFieldPathExpr. A path that parses is stored as its fields and indexes; one that does not
is core's `Invalid field path`, underlining what the spec's span underlines (the first link that is no
`.field` or `[key]`, or the whole path when it is no chain of links), moved to where the path is.
"""

from __future__ import annotations

import pytest

from fql.schema.parser import FSLError, parse


def unique_terms(path: str) -> list:
    (item,) = parse("collection Foo {\n  unique [" + path + "]\n}\n")
    (constraint,) = item.definition["constraints"]
    return constraint["unique"]


def unique_error(path: str) -> str:
    with pytest.raises(FSLError) as caught:
        parse("collection Foo {\n  unique [" + path + "]\n}\n")
    (error,) = caught.value.errors
    return error


def marked(path: str, start: int, end: int) -> str:
    """Core's rendering of ParseError("Invalid field path", span(start, end)) for `path` written at line 2,
    column 11 of the file."""
    line = f"  unique [{path}]"
    return (
        f"error: Invalid field path\nat main.fsl:2:{start + 11}\n  |\n2 | {line}\n"
        f"  | {' ' * (start + 10)}{'^' * (end - start)}\n  |"
    )


@pytest.mark.parametrize(
    "path, stored",
    [
        (".foo", ".foo"),
        (".['foo']", ".foo"),
        (".foo['foo']", ".foo.foo"),
        ('.foo["foo"]', ".foo.foo"),
        (".foo[0]", ".foo[0]"),
    ],
)
def test_accept_dot_and_brackets_access_only(path, stored):
    assert unique_terms(path) == [{"field": stored, "mva": False}]


@pytest.mark.parametrize(
    "path, start, end",
    [
        ('.foo["fo#{o}"]', 4, 14),  # interpolation not allowed
        (".foo()", 0, 6),  # apply() not allowed
        (".foo { bar }", 0, 12),  # projection not allowed
        (".foo?.bar", 4, 9),  # ?. not allowed
        (".foo?.['bar']", 4, 13),
        ("1 + 2", 0, 5),  # op exprs aren't allowed
        ("foo", 0, 3),  # bare identifiers aren't allowed
    ],
)
def test_reject_everything_else(path, start, end):
    assert unique_error(path) == marked(path, start, end)


@pytest.mark.parametrize(
    "path, start, end",
    [
        (".foo.bar()", 4, 10),  # a method call is its field with its arguments
        (".foo[-1]", 4, 8),  # an index is a non-negative integer
        (".foo!", 4, 5),
        (".foo[0]()", 7, 9),
    ],
)
def test_reject_the_first_link_that_is_no_field_or_index(path, start, end):
    assert unique_error(path) == marked(path, start, end)
