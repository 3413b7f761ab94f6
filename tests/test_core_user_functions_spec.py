"""Cases of core's UserFunctionsSpec (ext/api/src/test/scala/queries/UserFunctionsSpec.scala) that a fixture
cannot hold: the causes under a `call error`, a function's role and a container's key. "creates a user
function", "can call a user function", "deletes a function", "can create a function from another function"
and the code of "function failures are wrapped" are in tests/fixtures/v4/core_auth.fql."""

from __future__ import annotations

import pytest

import fql
from fql.auth.credentials import TEST_PARAMS
from tests.helpers import query_error as error
from tests.test_auth import login, user


@pytest.fixture
def db() -> fql.Database:
    database = fql.connect(argon2=TEST_PARAMS)
    database.query('CreateCollection({name: "users"})')
    database.query('CreateCollection({name: "things"})')
    return database


def test_function_failures_are_wrapped(db):
    """"function failures are wrapped": the envelope's error is the call error; its cause is where the
    body failed, positioned from the lambda's `expr`."""
    db.query('CreateFunction({name: "double", body: Query(Lambda("arg", Add(Var("arg"), Var("arg"))))})')
    assert db.query('Call(Function("double"), 1)') == 2
    [item] = error(db, 'Call(Function("double"), "oops")').v4_errors()
    assert (item["code"], item["position"]) == ("call error", [])
    # Core's spec reads the first cause; Add checks each of its values (Casts.ZeroOrMore), so both are there.
    assert [(c["code"], c["position"]) for c in item["cause"]] == [
        ("invalid argument", ["expr", "add", 0]),
        ("invalid argument", ["expr", "add", 1]),
    ]


def test_call_error_keeps_every_cause(db):
    """A body whose failure is several errors (Merge checks all its arguments) has them all as causes."""
    db.query('CreateFunction({name: "merger", body: Query(Lambda("x", Merge(Var("x"), Var("x"))))})')
    [item] = error(db, 'Call(Function("merger"), "oops")').v4_errors()
    assert item["code"] == "call error"
    assert [c["position"] for c in item["cause"]] == [["expr", "merge"], ["expr", "with"]]


def test_applies_role(db):
    """"applies role": a user may call a function its role lets it call, but the body runs with the caller's
    rights (a call error) until the function has a role of its own."""
    secret = login(db, user(db, "a@b.c"))["secret"]
    denied = error(db, 'Create(Collection("things"), {})', secret)
    assert (denied.code, list(denied.position)) == ("permission denied", ["create"])
    db.query('CreateFunction({name: "createcls", body: Query(Lambda([], Create(Collection("things"), {})))})')
    db.query(
        'CreateRole({name: "callfn", membership: [{resource: Collection("users")}], '
        'privileges: [{resource: Function("createcls"), actions: {call: true}}]})'
    )
    err = error(db, 'Call(Function("createcls"))', secret)
    assert (err.code, list(err.position)) == ("call error", [])
    db.query('Update(Function("createcls"), {role: "server"})')
    created = db.query('Call(Function("createcls"))', secret=secret)
    assert created["ref"].collection == db.query('Collection("things")')


def test_cannot_create_a_user_function_in_a_container(db):
    """"cannot create a user function in a container": a `Create` of a function with a container's admin key
    is `invalid object in container` at `create` (core's WriteAdaptor.create), and none is written."""
    db.query('CreateDatabase({name: "box", container: true})')
    create = 'Create(Ref("functions"), {name: "foo", body: Query(Lambda("arg", Var("arg")))})'
    [item] = error(db, create, "secret:box:admin").v4_errors()
    assert (item["code"], item["position"]) == ("invalid object in container", ["create"])
    assert db.query('Exists(Function("foo"))', secret="secret:box:admin") is False
