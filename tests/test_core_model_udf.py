"""Core's v4 user function spec (ext/model/src/test/scala/documents/UserFunctionSpec.scala), through
`db.query`: recursion up to core's stack limit of 200 lambda applications, and the one `stack overflow`
error past it; a binary tree built by recursive functions; a function's role escalating its caller's
privileges; creating a function twice. Each test names its case."""

from __future__ import annotations

import threading

import pytest

import fql
from tests.helpers import query_error as failure

#: foldLeft(lastResult, array): the sum, one recursive call per element (core's spec, in shell syntax).
FOLD = (
    'Query(Lambda(["lastResult", "array"], If(IsEmpty(Var("array")), Var("lastResult"), '
    'Let({{elem: Select(0, Take(1, Var("array"))), tail: Drop(1, Var("array"))}}, '
    'Call("{next}", Add(Var("lastResult"), Var("elem")), Var("tail"))))))'
)


@pytest.fixture
def db() -> fql.Database:
    return fql.connect()


def numbers(last: int) -> str:
    return "[" + ", ".join(str(i) for i in range(1, last + 1)) + "]"


def test_allow_recursion(db):
    """`allow recursion`: 199 elements recurse 200 deep; 200 elements overflow, one error at the call
    that overflowed (core's FunctionStackOverflowError), not a `call error` per level."""
    db.query(f'CreateFunction({{name: "foldLeft", body: {FOLD.format(next="foldLeft")}}})')
    assert db.query('Call("foldLeft", 0, [1, 2, 3, 4, 5, 6])') == 21
    assert db.query(f'Call("foldLeft", 0, {numbers(199)})') == 19900
    err = failure(db, f'Call("foldLeft", 0, {numbers(200)})')
    assert err.to_dict() == {
        "position": ["expr", "else", "in"],
        "code": "stack overflow",
        "description": "Call stack reached the maximum limit of 200.",
    }


@pytest.mark.parametrize("url", ["memory://", "sqlite"])
def test_allows_adding_multiple_in_the_same_scope_without_suffering_from_contention(url, tmp_path):
    """`allows adding multiple in the same scope without suffering from contention`: two functions
    created at once, from two threads, both exist (on SQLite, two transactions that may collide)."""
    db = fql.connect(url if url != "sqlite" else f"sqlite:///{tmp_path / 'udf.db'}")
    errors: list[BaseException] = []

    def create(name: str) -> None:
        try:
            db.query(f'CreateFunction({{name: "{name}", body: Query(Lambda([], Now()))}})')
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=create, args=(name,)) for name in ("name1", "name2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert db.query('[Exists(Function("name1")), Exists(Function("name2"))]') == [True, True]


def test_allow_indirect_recursion(db):
    """`allow indirect recursion`: two functions calling each other count two levels a round; the
    overflow is reported at the call in foldLeft1, whose lambda was to be applied 201st."""
    db.query(f'CreateFunction({{name: "foldLeft0", body: {FOLD.format(next="foldLeft1")}}})')
    db.query(
        'CreateFunction({name: "foldLeft1", body: Query(Lambda(["lastResult", "array"], '
        'Call("foldLeft0", Var("lastResult"), Var("array"))))})'
    )
    assert db.query('Call("foldLeft0", 0, [1, 2, 3, 4, 5, 6])') == 21
    assert db.query(f'Call("foldLeft0", 0, {numbers(99)})') == 4950
    err = failure(db, f'Call("foldLeft0", 0, {numbers(100)})')
    assert (err.code, err.description, list(err.position), err.cause) == (
        "stack overflow",
        "Call stack reached the maximum limit of 200.",
        ["expr"],
        None,
    )


def test_binary_tree(db):
    """`binary tree`: insert_node and print_tree recurse over documents, reading and writing them."""
    db.query('CreateCollection({name: "nodes"})')
    db.query(
        'CreateFunction({name: "insert_node", body: Query(Lambda(["root_ref", "value"], Select("ref", '
        'If(Equals(Var("root_ref"), null), Create(Collection("nodes"), {data: {value: Var("value")}}), '
        'Let({root: Get(Var("root_ref"))}, If(LTE(Var("value"), Select(["data", "value"], Var("root"))), '
        'Let({left_ref: Call("insert_node", Select(["data", "left"], Var("root"), null), Var("value"))}, '
        'Update(Var("root_ref"), {data: {left: Var("left_ref")}})), '
        'Let({right_ref: Call("insert_node", Select(["data", "right"], Var("root"), null), Var("value"))}, '
        'Update(Var("root_ref"), {data: {right: Var("right_ref")}}))))))))})'
    )
    db.query(
        'CreateFunction({name: "print_tree", body: Query(Lambda(["node_ref", "output"], '
        'If(Equals(Var("node_ref"), null), Var("output"), Let({node: Get(Var("node_ref")), '
        'left: Call("print_tree", Select(["data", "left"], Var("node"), null), []), '
        'right: Call("print_tree", Select(["data", "right"], Var("node"), null), [])}, '
        'Append(Var("right"), Append(Select(["data", "value"], Var("node")), '
        'Append(Var("left"), Var("output"))))))))})'
    )
    root = fql.to_fql(db.query('Call("insert_node", null, 100)'))
    for value in (200, 50, 400, 0):
        db.query(f'Call("insert_node", {root}, {value})')
    assert db.query(f'Call("print_tree", {root}, [])') == [0, 50, 100, 200, 400]


def test_can_escalate_privileges(db):
    """`can escalate privileges`: a caller who may only call creator-fun-2 cannot call creator-fun, and
    creator-fun-2, which runs as `server`, creates a document the caller could not."""
    db.query('CreateCollection({name: "user-fun-foo"})')
    creates = 'Query(Lambda("arg", Create(Collection("user-fun-foo"), {data: Var("arg")})))'
    db.query(f'CreateFunction({{name: "creator-fun", body: {creates}}})')
    db.query(f'CreateFunction({{name: "creator-fun-2", role: "server", body: {creates}}})')
    db.query(
        'CreateRole({name: "callfn", privileges: [{resource: Function("creator-fun-2"), actions: {call: true}}]})'
    )
    assert db.query('Call(Function("creator-fun"), {foo: "bar"})')["data"] == {"foo": "bar"}
    callfn = db.query('CreateKey({role: Role("callfn")})')["secret"]
    err = failure(db, 'Call(Function("creator-fun"), {})', secret=callfn)
    assert (err.code, err.description, list(err.position)) == (
        "permission denied",
        "Insufficient privileges to perform the action.",
        [],
    )
    assert db.query('Call(Function("creator-fun-2"), {foo: "bar"})')["data"] == {"foo": "bar"}
    assert db.query('Call(Function("creator-fun-2"), {foo: "bar"})', secret=callfn)["data"] == {"foo": "bar"}
    assert db.query('Count(Documents(Collection("user-fun-foo")))') == 3


def test_udf_already_exists(db):
    """`udf already exists`: the second create is `instance already exists` at `create_function`."""
    create = 'CreateFunction({name: "somefunc", body: Query(Lambda("x", Var("x")))})'
    assert db.query(f'Select("ref", {create})') == fql.Ref("somefunc", fql.values.native("functions"))
    err = failure(db, create)
    assert err.to_dict() == {
        "position": ["create_function"],
        "code": "instance already exists",
        "description": "Function already exists.",
    }
