"""Unbound names in a typechecked v10 query are refused before it runs, as core's typer refuses them.

Core (FQLInterpreter.evalWithTypecheck) looks the query's type environment up from the schema as the
query begins, then types the whole query: each `Expr.Id` that neither the query's own scope (`let`,
lambda parameters, its arguments) nor that environment binds fails with ``Unbound variable `x` ``
(TypeError.UnboundVariable: no hint) at the name, and typing goes on with it as `Any` (TyperExprs), so
every such use is reported, in the order written, before anything runs (FQL2CacheSpec, FQL2UserFunctionSpec
"can delete UDFs": `QueryCheckFailure(List(TypeError("Unbound variable `AddTwo`", ...)))`). A lambda's `_`
parameter binds nothing (SchemaTypeValidatorSpec "cant_access_underscore"). Not typechecked (`x-typecheck:
false`, or a database with `typechecked: false`), the name is the interpreter's runtime error
`unbound_variable` where it is reached (FQL2BasicSpec "returns unbound_variable for invalid reference").
"""

from __future__ import annotations

import json

import pytest

import fql
from fql.server import v10
from tests.helpers import QueryEndpoint, check_errors, query_v10

SECRET = "secret"
ENDPOINT = QueryEndpoint(SECRET, fmt="simple")
ok, failed = ENDPOINT.ok, ENDPOINT.err


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret=SECRET)


def unbound(name: str, start: int) -> tuple[str, int, int]:
    return (f"Unbound variable `{name}`", start, start + len(name))


def test_every_unbound_name_is_reported_in_the_order_written(db):
    assert check_errors(db, "x + y") == [unbound("x", 0), unbound("y", 4)]
    # Each use fails on its own (core types each `Expr.Id`).
    assert check_errors(db, "{ a: yy, b: yy }") == [unbound("yy", 5), unbound("yy", 12)]
    body = failed(db, "let a = 1\nb + a + c")
    assert body["error"] == {"code": "invalid_query", "message": "The query failed 2 validation checks"}
    assert body["summary"] == (
        "error: Unbound variable `b`\nat *query*:2:1\n  |\n2 | b + a + c\n  | ^\n  |\n\n"
        "error: Unbound variable `c`\nat *query*:2:9\n  |\n2 | b + a + c\n  |         ^\n  |"
    )


def test_nothing_before_an_unbound_name_runs(db):
    # The runtime found it after the log had run; the static check runs nothing (no log in the summary).
    body = failed(db, 'log("before")\nnope')
    assert body["summary"] == "error: Unbound variable `nope`\nat *query*:2:1\n  |\n2 | nope\n  | ^^^^\n  |"
    assert ok(db, "Collection.all().count()") == 0
    failed(db, "Collection.create({ name: 'Foo' })\nnope")
    assert ok(db, "Collection.all().count()") == 0


def test_scopes(db):
    # A `let` binds the statements after it only; a lambda its parameters; shadowing keeps the name bound.
    assert check_errors(db, "x; let x = 1; x") == [unbound("x", 0)]
    assert check_errors(db, "let x = x; x") == [unbound("x", 8)]
    assert check_errors(db, "let f = (x) => x + q; f(1)") == [unbound("q", 19)]
    assert check_errors(db, "[1].map(x => x); x") == [unbound("x", 17)]
    assert check_errors(db, "{ let z = 1; z }; z") == [unbound("z", 18)]
    assert check_errors(db, "[1, 2].map(.a + w)") == [unbound("w", 16)]
    assert check_errors(db, "at (tt) 1") == [unbound("tt", 4)]
    assert query_v10(db, "let x = 1; let f = (x) => x + 1; f(x)") == 2
    assert query_v10(db, "let v = 'a'; { v: v }") == {"v": "a"}
    # A lambda's `_` binds nothing.
    assert check_errors(db, "(_) => _") == [unbound("_", 7)]
    assert check_errors(db, "[1].map(_ => _)") == [unbound("_", 13)]


def test_schema_names_are_those_of_the_query_start(db):
    ok(db, "Collection.create({ name: 'Books', alias: 'Tomes' })")
    ok(db, "Function.create({ name: 'double', body: 'x => x * 2' })")
    assert ok(db, "[Books.all().count(), Tomes.all().count(), double(2), Math.abs(-1)]") == [0, 0, 4, 1]
    # One the query itself creates is not in its environment yet (FQL2CacheSpec's new names are bound in
    # the next query).
    assert check_errors(db, "Collection.create({ name: 'Films' })\nFilms.all()") == [unbound("Films", 37)]
    ok(db, "Collection.create({ name: 'Films' })")
    assert ok(db, "Films.all().count()") == 0
    # A deleted one is unbound at once (FQL2UserFunctionSpec "can delete UDFs").
    ok(db, "double.definition.delete()")
    assert check_errors(db, "double.definition.name") == [unbound("double", 0)]


def test_arguments_are_bound(db):
    assert ok(db, "n + 1", arguments={"n": 2}) == 3
    assert failed(db, "n + m", arguments={"n": 2})["summary"].split("\n")[0] == "error: Unbound variable `m`"


def test_with_other_type_errors(db):
    # An unbound name is `Any` to the rest of the check; other failures stay, each where it starts.
    assert check_errors(db, "1 + true; zz") == [("Type `Boolean` is not a subtype of `String | Number`", 4, 8), unbound("zz", 10)]
    assert check_errors(db, "zz.foo + 'a'.length") == [unbound("zz", 0)]


def test_not_typechecked_it_is_the_runtime_error(db):
    body = failed(db, 'log("before")\nx + y', typecheck=False)
    assert body["error"] == {"code": "unbound_variable", "message": "Unbound variable `x`"}
    assert body["summary"].split("\n")[0] == "error: Unbound variable `x`"
    ok(db, "Database.create({ name: 'untyped', typechecked: false })")
    answer = v10.query(db, {"query": "1; x + y"}, f"{SECRET}:untyped:admin", {"x-format": "simple"}, 0)
    assert json.loads(answer.body)["error"] == {"code": "unbound_variable", "message": "Unbound variable `x`"}
