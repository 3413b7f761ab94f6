"""core's FQL2EnvTypecheckSpec (ext/api/src/test/scala/fql2/FQL2EnvTypecheckSpec.scala), `db typecheck flag`,
through `POST /query/1` (fql.server.v10.query) in a child database that is not typechecked, then is.

Ported in part: both cases turn on core's typer finding that `'foo' / x` divides a String, which fql's
checker does not report: core applies the overloads of `/` of every number type, and words their failure
as one union built in the order of its shape map, which fql cannot reproduce (README, Typechecking). So
the update core refuses with `invalid_schema` (its schema validation typechecks every function body once
the database is typechecked) and the `invalid_query` the lambda gets once the flag is on are answered
here. What fql does as core does is kept: the lambda is a value where the database is not typechecked, and
a function with that body is made, and deleted once the flag is on. The same flow with a body fql's typer
refuses (`x => 1.foo`), where the update is `invalid_schema`, is in
tests/schema/test_core_env_schema_checks.py."""

from __future__ import annotations

import json

import pytest

import fql
from fql.server import v10

ROOT = "secret"


@pytest.fixture
def db() -> fql.Database:
    db = fql.connect(root_secret=ROOT)
    run(db, "Database.create({ name: 'app', typechecked: false })", ROOT)
    return db


def run(db: fql.Database, query: str, secret: str = f"{ROOT}:app:admin") -> tuple[int, dict]:
    """Core's queryRaw with `FQL2Params(typecheck = None)`: no X-Typecheck header, so the database's flag
    decides."""
    response = v10.query(db, {"query": query}, secret, {}, 0)
    return response.status, json.loads(response.body)


def ok(db: fql.Database, query: str, secret: str = f"{ROOT}:app:admin") -> dict:
    status, body = run(db, query, secret)
    assert status == 200, body
    return body


def typecheck_app(db: fql.Database) -> None:
    ok(db, 'Database.byName("app")!.update({ typechecked: true })', ROOT)
    assert ok(db, "Query.isEnvTypechecked()")["data"] is True


def test_checks_env_types_if_db_typechecking_is_enabled(db):
    """`checks env types if db typechecking is enabled`, but for core's invalid_schema on the update."""
    ok(db, 'Function.create({\n  name: "aFn",\n  body: "x => \'foo\' / x"\n})')
    typecheck_app(db)
    ok(db, 'Function.byName("aFn")!.delete()')
    assert ok(db, 'Function.byName("aFn").exists()')["data"] is False


def test_db_typecheck_flag_controls_default_query_behavior(db):
    """`db typecheck flag controls default query behavior`, but for core's invalid_query once it is on."""
    assert ok(db, "Query.isEnvTypechecked()")["data"] is False
    assert ok(db, "x => 'foo' / x")["data"] == "[function <lambda>]"
