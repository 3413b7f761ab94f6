"""Core's PatExprParserSpec (ext/fql/shared/src/test/scala/parser/): the patterns of a `match` expression's
`case`s. Core parses `match` and refuses to run it (FQLInterpreter: `match expr not supported`, an
`invalid_query` over the whole expression), so a pattern the spec parses makes
`match x { case <pattern> => 0 }` fail with that error at 1:1, and one it rejects is a parse error
inside the pattern. fql refuses `match` as it parses it, where core refuses it when it is evaluated
(untypechecked; its typechecker refuses it in any case). The spec's ASTs (bindings, holes, spans) are
not observable beyond that.
"""

from __future__ import annotations

import pytest

import fql
from tests.helpers import QueryEndpoint

SECRET = "secret"


@pytest.fixture(scope="module")
def db() -> fql.Database:
    return fql.connect(root_secret=SECRET)


def summary(db: fql.Database, query: str) -> str:
    body = QueryEndpoint(SECRET).body(db, query)
    assert body["error"] == {"code": "invalid_query", "message": "The query failed 1 validation check"}
    return body["summary"]


def parses(db: fql.Database, pattern: str) -> None:
    query = f"match x {{ case {pattern} => 0 }}"
    if "\n" in query:
        assert summary(db, query).startswith("error: match expr not supported\nat *query*:1:1\n  |\n1 |   match")
    else:
        assert summary(db, query) == (
            f"error: match expr not supported\nat *query*:1:1\n  |\n1 | {query}\n  | {'^' * len(query)}\n  |"
        )


# A type in a pattern is a whole type expression, and `=>` is a type operator: in `case _: int => 0` the
# type is `int => 0` and the case has no `=>` left (core's parser fails there too). In parentheses, or in
# an object or array pattern, a typed pattern ends where they do.


@pytest.mark.parametrize("pattern", ["_", "(_: int)", "_ @ true", "_ @ {}"])
def test_accept_holes(db, pattern):
    parses(db, pattern)


@pytest.mark.parametrize("pattern", ["a", "(a: int)", "a @ true", "a @ {}"])
def test_accept_bindings(db, pattern):
    parses(db, pattern)


@pytest.mark.parametrize("pattern", ["_: int", "a: int"])
def test_a_typed_pattern_takes_the_arrow_into_its_type(db, pattern):
    query = f"match x {{ case {pattern} => 0 }}"
    assert summary(db, query).split("\n")[1] == f"at *query*:1:{len(query)}"


@pytest.mark.parametrize(
    "pattern",
    [
        "{}",
        "{a, b}",
        "{\na\n,\nb\n}",
        "{a: x, b: y}",
        "{\na :\n{\n}\n}",
        '{"a": x, "b": y}',
        "{'a': x, 'b': y}",
        "{a: x: int}",
        "{a: x @ {}}",
    ],
)
def test_accept_objects(db, pattern):
    parses(db, pattern)


@pytest.mark.parametrize("pattern", ["[]", "[1]", "[1, 2]", "[_: int]", '[_ @ "a"]', "[1, ...2]", "[...2]"])
def test_accept_arrays_tuples(db, pattern):
    parses(db, pattern)


@pytest.mark.parametrize("pattern", ["()", "(1)", "(1, 2)", "(_: int)", '(_ @ "a")'])
def test_accept_paren_based_patterns(db, pattern):
    parses(db, pattern)


def test_a_match_over_several_lines(db):
    query = "match x {\n  case _ => 1\n  case [1, ...2] => 3\n}"
    assert summary(db, query) == (
        "error: match expr not supported\nat *query*:1:1\n  |\n1 |   match x {\n  |  _^\n"
        "2 | |   case _ => 1\n3 | |   case [1, ...2] => 3\n4 | | }\n  | |_^\n  |"
    )


@pytest.mark.parametrize(
    "pattern, column",
    [
        ("1.5", 16),  # a literal pattern is an integer, a string, a boolean or null
        ("x.y", 17),
        ("[...1, 2]", 21),  # the rest is the last element
        ("a + 1", 18),
        ("if", 16),  # a keyword is no name
    ],
)
def test_reject_what_is_no_pattern(db, pattern, column):
    where = summary(db, f"match x {{ case {pattern} => 0 }}").split("\n")[1]
    assert where == f"at *query*:1:{column}"


def test_a_pattern_type_is_a_type(db):
    # `x: T` checks T as core's TypeExprParser does (TypeExprParserSpec's wildcard case).
    text = summary(db, "match x { case _: {*: A, b: 3} => 0 }")
    assert text.startswith("error: Wildcard must be the last element in an object\nat *query*:1:26\n")
