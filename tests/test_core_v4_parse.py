"""The v4 query parsed whole before it runs, as core's QueryParser parses it (ext/model ast/Parser.scala,
PResult in ast/package.scala), with the failures its parse finds besides unknown forms.

Matched: an empty `do` (BasicFormsSpec "empty do is error", the API BasicFormsSpec "do cannot be empty"),
`and` and `or` from 3 (BasicFormsSpec: `EmptyExpr` at `["and"]`), a `do` of no array; lambda params that
are no names (parseLambdaPat: every item that is no string, then the body's failures, parseLambdaExpr),
one level of names only; escapes that do not decode (QueryParser's and EscapesParser's `escapes`) and Let
bindings of the wrong shape (the `let` form), in order with the query's other failures; a `var` of no
string naming the JSON's type (an escape is an object); first failures: `parT` and `sequenceT` (ext/lang
MonadT.scala) go on only through a Success, so a form's arguments, an array and an object report their
first failure, and only a Let (its failing bindings, then its body) and a lambda (its params, then its
body) report several; Join's `with` parsed again as an expression when it fails as a lambda; unbound
variables (FreeVars.toErrors): every use, the names in a Scala 2.13 immutable.HashMap's order, shown
here by orders a Scala 2.13 HashMap gave for the same names (scala-library 2.13.16's CHAMP trie, which
2.13.14, core's, shares), each name's uses as written (the API BasicFormsSpec "rejects unbound free
variables": each at the `var` form's position). `POST /stream` parses its query so too, at the
request's version, after its `fields` (FQL1Routes.runStream).

A name used five times or more has its uses in the order core's HashSet of their Positions iterates
(scalac's case-class hashCode of each Position, the set's CHAMP trie), checked against scala-library
2.13.16.
"""

from __future__ import annotations

import json

import httpx
import pytest

import fql
from fql import ast
from fql.errors import FQLError
from fql.scala import hash_order as _hash_map_order
from fql.server import ServerThread
from fql.wire.v4 import from_json


def refused(db: fql.Database, expr: object, version: str = "4") -> list[tuple[str, list]]:
    """Every error of the wire query `expr` written for `version`: (description, position), each
    `invalid expression`."""
    with pytest.raises(FQLError) as caught:
        db.run_with_state(from_json(expr), api_version=version)
    found = [caught.value, *caught.value.siblings]
    assert {err.code for err in found} == {"invalid expression"}
    return [(err.description, list(err.position)) for err in found]


def unknown(*keys: str) -> str:
    return f"No form/function found, or invalid argument keys: {{ {', '.join(keys)} }}."


def created(db: fql.Database, name: str) -> bool:
    return db.run(from_json({"exists": {"collection": name}}))


def make(name: str) -> dict:
    return {"create_collection": {"object": {"name": name}}}


@pytest.fixture
def db():
    return fql.connect()


# -- do, and, or ----------------------------------------------------------------------------------------


def test_an_empty_do_fails_the_query_before_anything_runs(db):
    assert refused(db, {"do": [make("early"), {"if": True, "then": 1, "else": {"do": []}}]}) == [
        ("Expression list cannot be empty.", ["do", 1, "else", "do"])
    ]
    assert not created(db, "early")
    # The shell's Do() keeps the text and position its evaluation gave.
    err = pytest.raises(FQLError, db.query, "Do()").value
    assert (err.code, err.description, list(err.position)) == ("invalid expression", "Expression list cannot be empty.", ["do"])


def test_a_do_takes_an_array_alone(db):
    assert refused(db, {"do": 5}) == [("Array expected, Integer provided.", ["do"])]
    # Core reads the JSON: an escape, valid or not, is an object.
    assert refused(db, {"do": {"@ts": "nope"}}) == [("Array expected, Object provided.", ["do"])]
    assert db.run(from_json({"do": [1, 2]})) == 2


def test_empty_and_or_fail_the_parse_from_api_3(db):
    for key in ("and", "or"):
        assert refused(db, {"if": False, "then": {key: []}, "else": 1}, "3") == [("Expression list cannot be empty.", ["then", key])]
        # Before 3 they are functions: the empty array fails only as they run.
        assert db.run_with_state(from_json({"if": False, "then": {key: []}, "else": 1}), api_version="2.12")[0] == 1
        # One expression, not in an array, is parsed as itself.
        assert refused(db, {key: {"nothing": 1}}) == [(unknown("nothing"), [key])]


# -- lambda params ----------------------------------------------------------------------------------------


def test_lambda_params_that_are_no_names(db):
    mapped = {"map": {"lambda": 1, "expr": {"var": "x"}}, "collection": [1]}
    assert refused(db, mapped) == [("String or Array expected, Integer provided.", ["map", "lambda"])]
    # Every item that is no name, then the body's failures (parseLambdaPat, parseLambdaExpr).
    listed = {"map": {"lambda": ["a", 1, ["b"]], "expr": {"nothing": 1}}, "collection": [1]}
    assert refused(db, listed) == [
        ("String expected, Integer provided.", ["map", "lambda", 1]),
        ("String expected, Array provided.", ["map", "lambda", 2]),
        (unknown("nothing"), ["map", "expr"]),
    ]
    err = pytest.raises(FQLError, db.query, 'Map([[1, 2]], Lambda([["a"], "b"], Var("b")))').value
    assert (err.description, list(err.position)) == ("String expected, Array provided.", ["map", "lambda", 0])
    # A name made by an expression is no name either: the JSON of a call is an object.
    assert refused(db, {"map": {"lambda": {"concat": ["x"]}, "expr": 1}, "collection": [1]}) == [
        ("String or Array expected, Object provided.", ["map", "lambda"])
    ]


def test_an_at_query_lambda_with_params_that_are_no_names(db):
    stored = {"@query": {"lambda": ["x", 2], "expr": {"nothing": 1}}}
    assert refused(db, {"add": [1, stored]}) == [
        ("String expected, Integer provided.", ["add", 1, "lambda", 1]),
        (unknown("nothing"), ["add", 1, "expr"]),
    ]
    assert refused(db, {"@query": {"lambda": "x", "expr": 1, "api_version": 4}}) == [("Invalid lambda.", [])]


# -- escapes and Let bindings ----------------------------------------------------------------------------------


def test_an_escape_that_does_not_decode_is_met_in_order(db):
    # A form's arguments are parsed in its key order, the first failure kept (parT): Map's lambda is first.
    expr = {"collection": [{"@ts": "nope"}], "map": {"nothing": 1}}
    assert refused(db, expr) == [(unknown("nothing"), ["map"])]
    assert refused(db, {"map": {"lambda": "x", "expr": 1}, "collection": [1, {"@date": "2020-02-30"}]}) == [
        ("Invalid date.", ["collection", 1])
    ]
    # An escape inside a form of unknown keys is never looked at.
    assert refused(db, {"nothing": {"@ts": "nope"}}) == [(unknown("nothing"), [])]
    # A ref object's own failure, below the escape (RefParser: ParseEvalError).
    assert refused(db, {"get": {"@ref": {"id": 5}}}) == [("String expected, Number provided.", ["get", "id"])]
    # A quote's escapes are decoded and its lambdas parsed, in order (EscapesParser.parse).
    quoted = {"quote": [{"@query": {"lambda": "x", "expr": {"nothing": 1}}}, {"@ts": "nope"}]}
    assert refused(db, quoted) == [(unknown("nothing"), ["quote", 0, "expr"])]
    assert refused(db, {"quote": {"a": {"@obj": 5}}}) == [("Invalid object.", ["quote", "a"])]


def test_a_function_argument_that_does_not_decode_names_its_keys(db):
    assert refused(db, {"map": {"@ts": "nope"}, "collection": []}) == [(unknown("@ts"), ["map"])]
    assert refused(db, {"map": {"object": 5}, "collection": []}) == [(unknown("object"), ["map"])]


def test_let_bindings_every_failure_then_the_body(db):
    expr = {"let": [{"a": 1}, 5, {"b": {"nothing": 1}}, {"c": 1, "d": 2}], "in": {"other": {"var": "a"}}}
    assert refused(db, expr) == [
        ("Object expected, Integer provided.", ["let", 1]),
        (unknown("nothing"), ["let", 2, "b"]),
        ("Object expected, Object provided.", ["let", 3]),
        (unknown("other"), ["in"]),
    ]
    assert refused(db, {"let": "x", "in": {"nothing": 1}}) == [
        ("Array expected, String provided.", ["let"]),
        (unknown("nothing"), ["in"]),
    ]
    # An escape as the bindings: its own failure at `let`; its value, no object, at the Let.
    assert refused(db, {"let": {"@ts": "nope"}, "in": 1}) == [("Invalid time.", ["let"])]
    assert refused(db, {"do": [{"let": {"@ts": "2020-01-01T00:00:00Z"}, "in": 1}]}) == [("Object expected, Time provided.", ["do", 0])]
    assert db.run(from_json({"let": {"@obj": {"x": 2}}, "in": {"var": "x"}})) == 2
    # A binding that fails binds nothing: a use of it is not what is reported.
    assert refused(db, {"let": [{"a": {"nothing": 1}}], "in": {"var": "a"}}) == [(unknown("nothing"), ["let", 0, "a"])]


def test_a_var_of_no_string(db):
    assert refused(db, {"var": {"@ts": "2020-01-01T00:00:00Z"}}) == [("String expected, Object provided.", ["var"])]
    assert refused(db, {"var": 1}) == [("String expected, Integer provided.", ["var"])]


def test_object_forms_of_no_object(db):
    assert refused(db, {"do": [{"object": 5}]}) == [("Object expected, Integer provided.", ["do", 0, "object"])]
    assert refused(db, {"object": {"@ts": "nope"}}) == [("Invalid time.", ["object"])]
    assert refused(db, {"object": {"@date": "2020-01-01"}}) == [("Object expected, Date provided.", [])]


# -- first failures -----------------------------------------------------------------------------------


def test_a_form_an_array_and_an_object_report_their_first_failure(db):
    status = {"do": [{"last": [1]}, {"add": [1, {"nothing": 2}]}, {"first": [1]}]}
    assert refused(db, status, "3") == [(unknown("last"), ["do", 0])]
    assert refused(db, {"if": {"nothing": 1}, "then": {"other": 1}, "else": 1}) == [(unknown("nothing"), ["if"])]
    assert refused(db, {"object": {"a": 1, "b": {"nothing": 1}, "c": {"other": 1}}}) == [(unknown("nothing"), ["object", "b"])]
    # A lambda that must be written out and is not hides the collection's failure.
    assert refused(db, {"map": {"var": "f"}, "collection": [{"first": [1]}]}, "3") == [(unknown("var"), ["map"])]


def test_paginate_takes_one_of_after_before_and_cursor(db):
    # Parser.scala has three paginate forms, with `after`, `before` or `cursor`, and MapRouter binds only
    # each form's own key sets: two of them together is no form, and the query fails before it runs.
    both = {"paginate": {"classes": None}, "after": {"@ts": "1970-01-01T00:01:00Z"}, "before": 2, "size": 64}
    assert refused(db, {"do": [make("early"), both]}) == [(unknown("paginate", "after", "before", "size"), ["do", 1])]
    assert not created(db, "early")
    assert refused(db, {"paginate": [], "cursor": None, "after": 1}) == [(unknown("paginate", "cursor", "after"), [])]
    assert refused(db, {"let": {"x": 1}, "in": {"paginate": [], "before": 1, "cursor": None}}) == [
        (unknown("paginate", "before", "cursor"), ["in"])
    ]
    # One of them, with the other options, is a form.
    classes = {"classes": None}
    assert db.run(from_json({"paginate": classes, "before": None, "size": 2})).data == []
    assert db.run(from_json({"paginate": classes, "cursor": None, "size": 2, "events": False})).data == []
    # The shell's options object is the same keys.
    err = pytest.raises(FQLError, db.query, "Paginate(Collections(), {after: 1, before: 2})").value
    assert (err.code, err.description, list(err.position)) == ("invalid expression", unknown("paginate", "after", "before"), [])


def test_a_join_whose_lambda_fails_is_no_form(db):
    # Parser.scala's `join`: a `with` that fails as a lambda is parsed as an expression, which no lambda is.
    join = {"join": {"match": {"index": "i"}}, "with": {"lambda": "x", "expr": {"nothing": 1}}}
    assert refused(db, join) == [(unknown("lambda", "expr"), ["with"])]
    assert refused(db, {"join": [], "with": {"lambda": 1, "expr": 1}}) == [(unknown("lambda", "expr"), ["with"])]


# -- unbound variables --------------------------------------------------------------------------------


def test_every_use_of_an_unbound_variable_is_reported(db):
    expr = {"do": [{"var": "x"}, {"if": True, "then": 1, "else": {"var": "x"}}]}
    assert refused(db, expr) == [
        ("Variable 'x' is not defined.", ["do", 0]),
        ("Variable 'x' is not defined.", ["do", 1, "else"]),
    ]
    # Bound later in the same Let is still unbound where used (BasicFormsSpec "disallows forward refs").
    assert refused(db, {"let": {"y": {"var": "x"}, "x": 3}, "in": {"var": "y"}}) == [("Variable 'x' is not defined.", ["let", "y"])]
    # Only when nothing else failed.
    assert refused(db, {"do": [{"var": "x"}, {"nothing": 1}]}) == [(unknown("nothing"), ["do", 1])]


def test_unbound_names_come_in_core_hash_map_order(db):
    written = {"do": [{"var": "foo"}, {"var": "bar"}, {"var": "baz"}, {"var": "foo"}]}
    assert refused(db, written) == [
        ("Variable 'bar' is not defined.", ["do", 1]),
        ("Variable 'baz' is not defined.", ["do", 2]),
        ("Variable 'foo' is not defined.", ["do", 0]),
        ("Variable 'foo' is not defined.", ["do", 3]),
    ]
    assert [d for d, _ in refused(db, {"add": [{"var": "y"}, {"var": "x"}]})] == [
        "Variable 'x' is not defined.",
        "Variable 'y' is not defined.",
    ]


@pytest.mark.parametrize(
    "paths, ordered",
    [
        # Four uses or fewer: Set1 to Set4 keep the order met.
        ([["do", i] for i in range(4)], [["do", i] for i in range(4)]),
        # Five or more: a HashSet of core's Positions, iterated as scala-library 2.13.16's HashSet iterated
        # objects of those Positions' hashes (computed there with scala.runtime.Statics as scalac's
        # synthesized case-class hashCode computes them).
        ([["do", i] for i in range(6)], [["do", 1], ["do", 2], ["do", 5], ["do", 4], ["do", 3], ["do", 0]]),
        (
            [["do", 0], ["do", 1, "if"], ["do", 1, "then"], ["do", 1, "else"], ["do", 2, "add", 0], ["do", 2, "add", 1], ["do", 3]],
            [["do", 2, "add", 0], ["do", 1, "if"], ["do", 2, "add", 1], ["do", 1, "else"], ["do", 3], ["do", 1, "then"], ["do", 0]],
        ),
    ],
)
def test_one_name_used_five_times_or_more_in_core_hash_set_order(db, paths, ordered):
    x = {"var": "x"}
    written = {"do": [x, {"if": x, "then": x, "else": x}, {"add": [x, x]}, x]} if len(paths) == 7 else {"do": [x] * len(paths)}
    assert refused(db, written) == [("Variable 'x' is not defined.", path) for path in ordered]


@pytest.mark.parametrize(
    "names, ordered",
    [
        # Orders a Scala 2.13 immutable.HashMap of these keys iterates (scala-library 2.13.16).
        ("abcdefghijklmnopqrstuvwxyz", "entamivprwksxjyufqbglchozd"),
        (["foo", "bar", "baz"], ["bar", "baz", "foo"]),
        (["y", "x"], ["x", "y"]),
        (["é", "𝄞", "λ"], ["é", "𝄞", "λ"]),
        # String.hashCode collides: a collision node keeps the order the names came in.
        (["Aa", "BB"], ["Aa", "BB"]),
    ],
)
def test_hash_map_order(names, ordered):
    assert _hash_map_order(list(names)) == list(ordered)


# -- streams -----------------------------------------------------------------------------------------------


@pytest.fixture
def server():
    with ServerThread(fql.connect()) as running:
        running.query = lambda expr: httpx.post(
            running.url, content=json.dumps(expr), headers={"Authorization": "Bearer secret"}, timeout=10
        ).json()
        yield running


def stream(server, expr: object, version: str | None = None, path: str = "/stream") -> tuple[int, dict]:
    headers = {"Authorization": "Bearer secret"}
    if version is not None:
        headers["X-FaunaDB-API-Version"] = version
    answer = httpx.post(server.url + path, content=json.dumps(expr), headers=headers, timeout=10)
    return answer.status_code, answer.json()


def test_a_stream_query_is_parsed_whole_at_the_request_version(server):
    server.query(make("spells"))
    doc = server.query({"create": {"collection": "spells"}, "params": {"object": {}}})["resource"]["ref"]
    untaken = {"if": True, "then": doc, "else": {"first": [{"nothing": 1}]}}
    status, body = stream(server, untaken, "3")
    assert status == 400
    assert body["errors"] == [{"position": ["else"], "code": "invalid expression", "description": unknown("first")}]
    # Every failure the parse reports (a Let's), in the answer.
    status, body = stream(server, {"let": [5], "in": {"nothing": 1}})
    assert [(e["description"], e["position"]) for e in body["errors"]] == [
        ("Object expected, Integer provided.", ["let", 0]),
        (unknown("nothing"), ["in"]),
    ]
    # The fields are checked first (FQL1Routes.runStream: parseEventFields, then the query).
    status, body = stream(server, {"nothing": 1}, path="/stream?fields=nope")
    assert (status, body["errors"][0]["code"]) == (400, "invalid url parameter")


def test_an_invalid_node_run_unchecked_fails_as_itself():
    node = ast.Array((ast.Literal(1), ast.Invalid("Invalid time.", keys=("@ts",))))
    evaluated = fql.connect().run
    err = pytest.raises(FQLError, evaluated, node).value
    assert (err.description, list(err.position)) == ("Invalid time.", [1])
