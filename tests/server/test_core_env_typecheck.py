"""core's FQL2EnvTypecheckSpec (ext/api/src/test/scala/fql2/FQL2EnvTypecheckSpec.scala), `db typecheck flag`,
through `POST /query/1` (fql.server.v10.query) in a child database that is not typechecked, then is.

Both cases turn on core's typer finding that `'foo' / x` divides a String: `/` is the overloads of every
number type, all of which its left operand fails (``Type `String` is not a subtype of `Int | Float | Long |
Double | Number` ``, the overloads in the order core's map of type shapes iterates: fql/typer/check.py). The
same flow with a body of another error (`x => 1.foo`) is in tests/schema/test_core_env_schema_checks.py."""

from __future__ import annotations

import pytest

import fql
from tests.helpers import QueryEndpoint

ROOT = "secret"


@pytest.fixture
def db() -> fql.Database:
    db = fql.connect(root_secret=ROOT)
    run(db, "Database.create({ name: 'app', typechecked: false })", ROOT)
    return db


#: Core's queryRaw with `FQL2Params(typecheck = None)`: no X-Typecheck header, so the database's flag decides.
ENDPOINT = QueryEndpoint(f"{ROOT}:app:admin")
run, ok = ENDPOINT.answer, ENDPOINT.ok_body


def typecheck_app(db: fql.Database) -> None:
    ok(db, 'Database.byName("app")!.update({ typechecked: true })', ROOT)
    assert ok(db, "Query.isEnvTypechecked()")["data"] is True


def test_checks_env_types_if_db_typechecking_is_enabled(db):
    """`checks env types if db typechecking is enabled`: the update triggers the schema's validation."""
    ok(db, 'Function.create({\n  name: "aFn",\n  body: "x => \'foo\' / x"\n})')
    typecheck_app(db)
    status, body = run(db, 'Function.byName("aFn")!.update({})')
    assert (status, body["error"]["code"]) == (400, "invalid_schema")
    assert "error: Type `String` is not a subtype of `Int | Float | Long | Double | Number`" in body["error"]["message"]
    ok(db, 'Function.byName("aFn")!.delete()')
    assert ok(db, 'Function.byName("aFn").exists()')["data"] is False


def test_db_typecheck_flag_controls_default_query_behavior(db):
    """`db typecheck flag controls default query behavior`."""
    assert ok(db, "Query.isEnvTypechecked()")["data"] is False
    assert ok(db, "x => 'foo' / x")["data"] == "[function <lambda>]"
    typecheck_app(db)
    status, body = run(db, "x => 'foo' / x")
    assert (status, body["error"]["code"]) == (400, "invalid_query")
    assert body["summary"].startswith(
        "error: Type `String` is not a subtype of `Int | Float | Long | Double | Number`\nat *query*:1:6\n"
    )
