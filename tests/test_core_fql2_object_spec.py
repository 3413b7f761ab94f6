"""Cases from core's FQL2ObjectSpec (ext/model/src/test/scala/fql2/stdlib/FQL2ObjectSpec.scala): `[]` on
objects and the Object statics, typechecked (as core's checkOk and checkErr run them) unless the case says
otherwise; an error is compared by code, message and span (offsets into the query). objects.fql holds more
cases of the same functions, at run time.

Skipped: 'entries' / 'uncapitalize works' tests a Scala helper of core's stdlib, not reachable from FQL.
"""

from __future__ import annotations

import re

import pytest

import fql
from fql.eval.v10 import stdlib_types
from fql.values import ID
from tests.core_scalar_helpers import err, ok


@pytest.fixture(scope="module")
def db() -> fql.Database:
    db = fql.connect()
    db.query("Collection.create({ name: 'User' })", syntax="v10")
    return db


def check_failure(message: str, start: int, end: int) -> tuple:
    """A QueryCheckFailure of one TypeError, as fql reports it."""
    return "invalid_query", message, (start, end)


SIGNATURES = {
    "keys": "keys(object: Any) => Array<String>",
    "values": "values(object: { *: A }) => Array<A>",
    "entries": "entries(object: { *: A }) => Array<[String, A]>",
    "fromEntries": "fromEntries(entries: Array<[String, A]>) => { *: A }",
    "assign": "assign(destination: { *: A }, source: { *: B }) => { *: A | B }",
    "select": "select(object: { *: Any }, path: Array<String>) => Any",
    "hasPath": "hasPath(object: { *: Any }, path: Array<String>) => Boolean",
}


@pytest.mark.parametrize("name, expected", SIGNATURES.items(), ids=list(SIGNATURES))
def test_has_signature(name, expected):
    # '<function>' / 'has signature ...': core shows a signature without its type parameters' list.
    signature = re.sub(r"^<[^>]*> ", "", stdlib_types.signature("ObjectModule", name))
    assert f"{name}{signature}" == expected


def test_access_has_signature():
    # '[]' / 'has signature [](key: String) => Any' (fql's shape keeps the types, not the parameter's name)
    assert stdlib_types.shape("object").access == "String => Any"


# -- [] --------------------------------------------------------------------------------------------------


def test_access_works(db):
    assert ok(db, "{ foo: 3 }['foo']") == 3
    assert ok(db, "{ '3': 5 }['3']") == 5
    assert err(db, "{ foo: 3 }['baz']") == check_failure("Type `{ foo: 3 }` does not have field `baz`", 11, 16)
    assert ok(db, "{ let x = 'baz'; { foo: 3 }[x] }") is None


def test_access_object_with_brackets_key(db):
    assert err(db, "{}['[]']") == check_failure("Type `{}` does not have field `[]`", 3, 7)
    assert ok(db, "{ let x = '[]'; {}[x] }") is None
    assert ok(db, "{ '[]': 3 }['[]']") == 3


# -- keys, values, entries -------------------------------------------------------------------------------


def test_keys_works(db):
    assert ok(db, "Object.keys({ })") == []
    assert ok(db, "Object.keys({ 'a' : 0 })") == ["a"]
    assert ok(db, "Object.keys({ 'a' : 0, 'b' : 0 })") == ["a", "b"]
    assert ok(db, "Object.keys({ 'a' : 0, 'b' : 0, 'c' : 0 })") == ["a", "b", "c"]
    assert ok(db, "Object.keys({ 'b' : 0, 'a': 0 })") == ["b", "a"]


def test_keys_allows_docs(db):
    assert ok(db, "Object.keys(User.create({ id: 1234 }))") == ["id", "coll", "ts"]


def test_keys_disallows_null_docs(db):
    # Typechecked too: `keys` takes Any (core's pendingUntilFixed half wants the typer to refuse it).
    message = "invalid argument `object`: collection `User` does not contain document with id 0."
    assert err(db, "Object.keys(User.byId('0'))", typecheck=False) == ("invalid_argument", message, (11, 27))


def test_values_works_and_keeps_order(db):
    # 'values' / 'works', 'objects will remain ordered'
    assert ok(db, "Object.values({})") == []
    assert ok(db, "Object.values({ a: 0 })") == [0]
    assert ok(db, "Object.values({ a: 0, b: 'x' })") == [0, "x"]
    assert ok(db, "Object.values({ a: 0, b: 1 })") == [0, 1]
    assert ok(db, "Object.values({ b: 1, a: 0 })") == [1, 0]


def test_values_allows_docs(db):
    assert ok(db, "Object.values(User.create({ id: 1236 })).includes(ID(1236))") is True


def test_entries_works_and_keeps_order(db):
    # 'entries' / 'works', 'objects will remain ordered'
    assert ok(db, "Object.entries({})") == []
    assert ok(db, "Object.entries({ a: 0 })") == [["a", 0]]
    assert ok(db, "Object.entries({ a: 0, b: 'x' })") == [["a", 0], ["b", "x"]]
    assert ok(db, "Object.entries({ a: 0, b: 1 })") == [["a", 0], ["b", 1]]
    assert ok(db, "Object.entries({ b: 1, a: 0 })") == [["b", 1], ["a", 0]]


def test_entries_allows_docs(db):
    found = ok(db, "Object.entries(User.create({ id: 1237 })).firstWhere(v => v[0] == 'id')")
    assert found == ["id", ID("1237")] and isinstance(found[1], ID)


@pytest.mark.parametrize(
    "query, name, span",
    [
        ("Object.values(User.byId('0'))", "object", (13, 29)),
        ("Object.entries(User.byId('0'))", "object", (14, 30)),
        ("Object.assign(User.byId('0'), { ts: 3, coll: 4 })", "destination", (13, 49)),
        ("Object.assign({ foo: 3 }, User.byId('0'))", "source", (13, 41)),
    ],
)
def test_disallows_null_docs_at_run_time(db, query, name, span):
    # 'values', 'entries', 'assign' / 'disallows null docs' (typecheck = false)
    message = f"invalid argument `{name}`: collection `User` does not contain document with id 0."
    assert err(db, query, typecheck=False) == ("invalid_argument", message, span)


@pytest.mark.parametrize(
    "query, span",
    [
        ("Object.values(User.byId('0'))", (14, 28)),
        ("Object.entries(User.byId('0'))", (15, 29)),
        ("Object.assign(User.byId('0'), { ts: 3, coll: 4 })", (14, 28)),
        ("Object.assign({ foo: 3 }, User.byId('0'))", (26, 40)),
    ],
)
def test_disallows_null_docs_typechecked(db, query, span):
    # 'values', 'entries', 'assign' / 'disallows null docs': the reference may be a null document.
    assert err(db, query) == check_failure("Type `Null` is not a subtype of `{ *: Any }`", *span)


@pytest.mark.parametrize(
    "query, message, span",
    [
        ("Object.values(1)", "Type `Int` is not a subtype of `{ *: Any }`", (14, 15)),
        ("Object.entries('a')", "Type `String` is not a subtype of `{ *: Any }`", (15, 18)),
        ("Object.assign(1, {})", "Type `Int` is not a subtype of `{ *: Any }`", (14, 15)),
        ("Object.assign({}, true)", "Type `Boolean` is not a subtype of `{ *: Any }`", (18, 22)),
        ("Object.values(null)", "Type `Null` is not a subtype of `{ *: Any }`", (14, 18)),
    ],
)
def test_generic_struct_parameter_refuses_a_scalar(db, query, message, span):
    # Not a core case: values, entries and assign take core's `tt.WildObject(tt.A)`, a record type `{ *: A }`
    # (Objects.scala), so a scalar fails the check as for `select`'s `{ *: Any }`; A is shown as core shows
    # it for a null document ('disallows null docs' above). `keys` takes `tt.AnyObject`, statically Any, so
    # `Object.keys(1)` fails only at run time.
    assert err(db, query) == check_failure(message, *span)
    name = "source" if "{}, " in query else "destination" if "assign" in query else "object"
    assert err(db, query, typecheck=False)[:2] == (
        "invalid_argument",
        f"expected value for `{name}` of type {{ *: Any }}, received {message.split('`')[1]}",
    )
    assert err(db, "Object.keys(1)")[:2] == ("invalid_argument", "expected value for `object` of type { *: Any }, received Int")


# -- fromEntries -----------------------------------------------------------------------------------------


def test_from_entries_works(db):
    assert ok(db, "Object.fromEntries([])") == {}
    assert ok(db, "Object.fromEntries([['a', 0], ['b', 'x']])") == {"a": 0, "b": "x"}


@pytest.mark.parametrize(
    "query, message, span",
    [
        ("Object.fromEntries([['a', 0], 'x'])", "Type `String` is not a subtype of `[String, Any]`", (30, 33)),
        ("Object.fromEntries([['a', 0], []])", "Tuple does not contain enough elements. Expected 2, received 0", (30, 32)),
        ("Object.fromEntries([['a', 0], ['a']])", "Tuple does not contain enough elements. Expected 2, received 1", (30, 35)),
        ("Object.fromEntries([['a', 0], ['a', 0, 1]])", "Tuple contains too many elements. Expected 2, received 3", (30, 41)),
        ("Object.fromEntries([['a', 0], [0, 0]])", "Type `Int` is not a subtype of `String`", (31, 32)),
    ],
)
def test_from_entries_rejects_invalid_inputs(db, query, message, span):
    assert err(db, query) == check_failure(message, *span)


def test_from_entries_keeps_order_and_the_last_of_redundant_keys(db):
    # 'fromEntries' / 'rejects invalid inputs' (its ordering and redundant-key checks)
    assert list(ok(db, "Object.fromEntries([['a', 0], ['b', 1]])").items()) == [("a", 0), ("b", 1)]
    assert list(ok(db, "Object.fromEntries([['b', 1], ['a', 0]])").items()) == [("b", 1), ("a", 0)]
    query = "Object.fromEntries([['a', 0], ['b', 'x'], ['a', 2], ['b', 'y'], ['a', 3]])"
    assert ok(db, query) == {"a": 3, "b": "y"}


# -- assign ----------------------------------------------------------------------------------------------


def test_assign_works(db):
    assert ok(db, "Object.assign({}, {})") == {}
    assert ok(db, "Object.assign({ 'a' : 0 }, {})") == {"a": 0}
    assert ok(db, "Object.assign({}, { 'a' : 0 })") == {"a": 0}
    assert ok(db, "Object.assign({ 'a' : 0 }, { 'b' : 'x' })") == {"a": 0, "b": "x"}
    assert ok(db, "Object.assign({ 'a' : 0, 'b' : 1 }, { 'b' : 'x' })") == {"a": 0, "b": "x"}
    assert list(ok(db, "Object.assign({ 'a' : 0, 'b' : 1 }, { 'b' : 1, 'a' : 0 })").items()) == [("a", 0), ("b", 1)]


def test_assign_allows_docs(db):
    assert ok(db, "Object.assign(User.create({ id: 1238 }), { ts: 3, coll: 4 })") == {"id": ID("1238"), "coll": 4, "ts": 3}
    assert ok(db, "Object.assign({ foo: 3 }, User.create({ id: 1235 })) { foo, id }") == {"id": ID("1235"), "foo": 3}


# -- select, hasPath -------------------------------------------------------------------------------------


def test_select_works(db):
    assert ok(db, "Object.select({}, ['a']) ?? 0") == 0
    assert ok(db, "Object.select({ a: null }, ['a']) == null") is True
    assert ok(db, "Object.select({ a : 'x' }, ['a'])") == "x"
    assert ok(db, "Object.select({ a : { b : 'x' } }, ['a'])") == {"b": "x"}
    assert ok(db, "Object.select({ a : { b : 'x' } }, ['a', 'b'])") == "x"
    assert ok(db, "Object.select({ a : { b : 'x' } }, ['a', 'c']) ?? 0") == 0
    assert ok(db, "Object.select({ a : { b : 'x' } }, ['a', 'b', 'c']) ?? 0") == 0


def test_select_rejects_invalid_paths(db):
    query = "Object.select({ a : { b : 'x' } }, ['a', 1])"
    assert err(db, query) == check_failure("Type `Int` is not a subtype of `String`", 41, 42)


def test_has_path_works(db):
    assert ok(db, "Object.hasPath({}, ['a'])") is False
    assert ok(db, "Object.hasPath({ a: null }, ['a'])") is True
    assert ok(db, "Object.hasPath({ a : 'x' }, ['a'])") is True
    assert ok(db, "Object.hasPath({ a : { b : 'x' } }, ['a'])") is True
    assert ok(db, "Object.hasPath({ a : { b : 'x' } }, ['a', 'b'])") is True
    assert ok(db, "Object.hasPath({ a : { b : 'x' } }, ['a', 'c'])") is False
    assert ok(db, "Object.hasPath({ a : { b : 'x' } }, ['a', 'b', 'c'])") is False


def test_has_path_rejects_invalid_paths(db):
    query = "Object.hasPath({ a : { b : 'x' } }, ['a', 1])"
    assert err(db, query) == check_failure("Type `Int` is not a subtype of `String`", 42, 43)


@pytest.mark.parametrize(
    "query, message, span",
    [
        ("Object.select({ a: 1 }, 'a')", "Type `String` is not a subtype of `Array<String>`", (24, 27)),
        ("Object.hasPath({ a: 1 }, 1)", "Type `Int` is not a subtype of `Array<String>`", (25, 26)),
        ("Object.hasPath({ a: 1 }, null)", "Type `Null` is not a subtype of `Array<String>`", (25, 29)),
        ("Object.fromEntries('x')", "Type `String` is not a subtype of `Array<[String, Any]>`", (19, 22)),
        ("Object.fromEntries(1)", "Type `Int` is not a subtype of `Array<[String, Any]>`", (19, 20)),
    ],
)
def test_scalar_where_an_array_is_taken(db, query, message, span):
    # Not a core case: `path: Array<String>` and `entries: Array<[String, A]>` (Objects.scala) refuse a
    # scalar as Arrays.scala's `concat(other: Array<B>)` does (`[1].concat(1)`, FQL2IterableSpec): the
    # argument widened, the array shown with A as Any, as 'fromEntries' / 'rejects invalid inputs' shows
    # its element `[String, Any]`.
    assert err(db, query) == check_failure(message, *span)


# -- partials --------------------------------------------------------------------------------------------


def test_partials_work():
    db = fql.connect()
    ok(db, "Collection.create({ name: 'Test', indexes: { byX: { values: [{ field: 'x' }] } } })")
    ok(db, "Test.create({ x: 'a', y: 0 })")
    partial = "Test.byX().map(.data).first()!"
    assert ok(db, f"Object.keys({partial})") == ["x", "y"]
    assert ok(db, f"Object.values({partial})") == ["a", 0]
    assert ok(db, f"Object.entries({partial})") == [["x", "a"], ["y", 0]]
    assert ok(db, f"Object.assign({partial}, {{ 'z' : 0 }})") == {"x": "a", "y": 0, "z": 0}
    assert ok(db, f"Object.assign({{ 'z' : 0 }}, {partial})") == {"x": "a", "y": 0, "z": 0}
    assert ok(db, f"Object.assign({partial}, {{ 'y' : 1 }})") == {"x": "a", "y": 1}
    assert ok(db, f"Object.assign({{ 'y' : 1 }}, {partial})") == {"x": "a", "y": 0}
    assert ok(db, f"{partial}['y']") == 0
    assert ok(db, f"{partial}['z']") is None
    assert ok(db, f"Object.select({partial}, ['y'])") == 0
    assert ok(db, f"Object.select({partial}, ['z'])") is None
    assert ok(db, f"Object.hasPath({partial}, ['y'])") is True
    assert ok(db, f"Object.hasPath({partial}, ['z'])") is False
    assert ok(db, f"Object.toString({partial})") == '{ x: "a", y: 0 }'

    ok(db, "Test.create({ x: 'b', y: { z: [{ vv: 0, ww: 1 }]} })")
    partial2 = "Test.byX().map(.data).last()!"
    nested = f"{{ a: 0, b: {partial2} }}"
    assert ok(db, f"Object.keys({nested})") == ["a", "b"]
    assert ok(db, f"Object.keys({nested}.b) == Object.keys({partial2})") is True
    assert ok(db, f"Object.keys({nested}.b.y.z.at(0))") == ["vv", "ww"]
    assert ok(db, f"Object.values({nested}.b.y.z.at(0))") == [0, 1]
    assert ok(db, f"Object.values({nested}.b) == Object.values({partial2})") is True
    assert ok(db, f"Object.entries({nested}.b.y)") == [["z", [{"vv": 0, "ww": 1}]]]
    assert ok(db, f"Object.entries({nested}.b) == Object.entries({partial2})") is True
    assert ok(db, f"Object.assign({nested}, {{ b: 1, c: 2 }}) == {{ a: 0, b: 1, c: 2}}") is True
    assert ok(db, f"Object.assign({{ b: 1, c: 2 }}, {nested}) == {{ a:0, b: {partial2}, c: 2}}") is True
    assert ok(db, f"Object.select({nested}, ['b', 'y', 'z']).at(0).vv == 0") is True
    assert ok(db, f"Object.select({nested}, ['b', 'y', 'zz'])") is None
    assert ok(db, f"Object.select({nested}, ['b']) == {partial2}") is True
    assert ok(db, f"Object.hasPath({nested}, ['b', 'y', 'z'])") is True
    assert ok(db, f"Object.hasPath({nested}, ['b', 'y', 'zz'])") is False
    assert ok(db, f"Object.toString({nested})") == '{ a: 0, b: { x: "b", y: { z: [{ vv: 0, ww: 1 }] } } }'
