"""core's FunctionSpec (ext/api/src/test/scala/api/FunctionSpec.scala) over fql's HTTP server: the
`/functions` REST paths, and calls seeing each function's latest body. Each test names its case."""

from __future__ import annotations

from .core_api_schema import CREATED, FORBIDDEN, OK, Api, Database
from .core_api_schema import api, db  # noqa: F401 - fixtures


def _adding(n: int) -> dict:
    return {"query": {"lambda": "x", "expr": {"add": [{"var": "x"}, n]}}}


def test_functions_get_works(api, db):
    """FunctionSpec `functions: GET works`: a function made through REST, its body an `@query`."""
    user = db.user()
    body = {"@query": {"lambda": "v", "expr": {"add": [{"var": "v"}, 2]}}}
    status, fun = api.post("/functions", {"name": "add2", "body": body}, db.key)
    assert status == CREATED
    status, funs = api.get("/functions", db.key)
    assert status == OK and fun["resource"]["ref"] in funs["resource"]["data"]
    assert api.get("/functions", user)[0] == FORBIDDEN


def test_new_functions_cause_cache_refresh(api, db):
    """FunctionSpec `functions: new functions cause cache refresh`."""
    assert api.query({"create_function": {"object": {"name": "foo", "body": _adding(1)}}}, db.key)[0] == CREATED
    assert api.ok({"call": "foo", "arguments": 2}, db.key) == 3
    update = {"update": {"function": "foo"}, "params": {"object": {"body": _adding(2)}}}
    assert api.query(update, db.key)[0] == OK
    with_two = {"query": {"lambda": [], "expr": {"call": "foo", "arguments": 2}}}
    create = {"create_function": {"object": {"name": "fooWithTwo", "body": with_two}}}
    assert api.query(create, db.key)[0] == CREATED
    assert api.ok({"call": "fooWithTwo"}, db.key) == 4
    assert api.ok({"call": "foo", "arguments": 2}, db.key) == 4


def _creating(name: str) -> dict:
    doc = {"create": "Foo", "params": {"object": {"data": {"object": {"name": name}}}}}
    return {"query": {"lambda": [], "expr": doc}}


def test_functions_which_write_are_always_consistent(api, db):
    """FunctionSpec `functions: functions which write are always consistent`."""
    assert api.query({"create_collection": {"object": {"name": "Foo"}}}, db.key)[0] == CREATED
    create = {"create_function": {"object": {"name": "newFoo", "body": _creating("Alice")}}}
    assert api.query(create, db.key)[0] == CREATED
    assert api.ok({"call": "newFoo"}, db.key)["data"]["name"] == "Alice"
    update = {"update": {"function": "newFoo"}, "params": {"object": {"body": _creating("Bob")}}}
    assert api.query(update, db.key)[0] == OK
    assert api.ok({"call": "newFoo"}, db.key)["data"]["name"] == "Bob"
