"""Core's ext/repo/src/test/scala/schema/SchemaValidationSpec.scala and PathSpec.scala, through what a user
sees of them: a v10 collection whose one field `x` has the spec's schema type, a document written with the
spec's value in `x`, and the constraint failures of the write (each a path under `x` and core's message,
ConstraintFailure.message), or none.

The spec's values stand at the root of a path; here each is at `x`, so its paths start there. The
spec's float singleton (`Literal.Float(2.3)`) has no FSL spelling (core's type parser reads integers,
strings, true and false as singletons), so it is left out. PathSpec's `toString` shows in the summary,
each failure's path before its message: `x[1][1]`, `y[1].c`, `z.a.b[1]`.
"""

from __future__ import annotations

import json

import pytest

import fql
from fql.eval.v10 import schema_types as st
from fql.values import Date, Timestamp

from .core_fql2_root import answer, ok

#: (the field's signature, the value written, the expected failures as (path, message) pairs: none if ok).
CASES = [
    # "basic types", "numbers"
    ("Int", "5", []),
    ("Int", '"bar"', [(["x"], "Expected Int, provided String")]),
    ("Int", "2147483648", [(["x"], "Expected Int, provided Long")]),
    ("Int", "2.3", [(["x"], "Expected Int, provided Double")]),
    ("Long", "5", []),
    ("Long", "2147483648", []),
    ("Long", "2.3", [(["x"], "Expected Long, provided Double")]),
    ("Double", "5", [(["x"], "Expected Double, provided Int")]),
    ("Double", "2147483648", [(["x"], "Expected Double, provided Long")]),
    ("Double", "2.3", []),
    ("Number", "5", []),
    ("Number", "2147483648", []),
    ("Number", "2.3", []),
    ("{ foo: Int }", "{ foo: 5 }", []),
    ("{ foo: Int }", '{ foo: "bar" }', [(["x", "foo"], "Expected Int, provided String")]),
    # "literal types": a mismatch of the singleton's own type shows the provided value's base type,
    # except for strings and booleans, shown as singletons too
    ("5", "5", []),
    ("5", "6", [(["x"], "Expected 5, provided Int")]),
    ("5", '"bar"', [(["x"], "Expected 5, provided String")]),
    ("Null", "null", []),
    ("Null", "true", [(["x"], "Expected Null, provided Boolean")]),
    ("true", "true", []),
    ("true", "false", [(["x"], "Expected true, provided false")]),
    ("false", "false", []),
    ("false", "true", [(["x"], "Expected false, provided true")]),
    ('"hello"', '"hello"', []),
    ('"hello"', '"bye"', [(["x"], 'Expected "hello", provided "bye"')]),
    # "time", "date"
    ("Time", "Time.now()", []),
    ("Time", "Date.today()", [(["x"], "Expected Time, provided Date")]),
    ("Time", "5", [(["x"], "Expected Time, provided Int")]),
    ("Date", "Date.today()", []),
    ("Date", "Time.now()", [(["x"], "Expected Date, provided Time")]),
    ("Date", "5", [(["x"], "Expected Date, provided Int")]),
    # "arrays", "tuples"
    ("Array<Int>", "[2, 3, 4]", []),
    ("Array<Int>", '["bar", 3]', [(["x", 0], "Expected Int, provided String")]),
    ("Array<Int>", "[]", []),
    ("[Int, String]", '[2, "hi"]', []),
    ("[Int, String]", "[2, 3]", [(["x", 1], "Expected String, provided Int")]),
    ("[Int, String]", "[2]", [(["x"], "Invalid tuple arity")]),
    ("[Int, String]", "[2, 3, 4]", [(["x"], "Invalid tuple arity")]),
    # "unions", "union of records"
    ("Int | String", "2", []),
    ("Int | String", '"hello"', []),
    ("Int | String", "2.5", [(["x"], "Expected Int | String, provided Double")]),
    ("{ a: Int } | { b: Int }", "{ a: 5 }", []),
    ("{ a: Int } | { b: Int }", "{ b: 6 }", []),
    (
        "{ a: Int } | { b: Int }",
        "{ c: 7 }",
        [(["x", "c"], "Unexpected field provided"), (["x"], "Union requires fields [a] or [b]")],
    ),
    # "records", "optional fields in records"
    ("{ a: Int, b: String }", '{ a: 5, b: "hello" }', []),
    ("{ a: Int, b: String }", "{ a: 5, b: 5 }", [(["x", "b"], "Expected String, provided Int")]),
    ("{ a: Int, b: String }", "{ a: 5 }", [(["x", "b"], "Missing required field of type String")]),
    ("{ a: Int, b: String }", '{ a: 5, b: "hello", c: 6 }', [(["x", "c"], "Unexpected field provided")]),
    ("{ a: Int, b: String | Null }", '{ a: 5, b: "hello" }', []),
    ("{ a: Int, b: String | Null }", "{ a: 5 }", []),
    ("{ a: Int, b: String | Null }", "{ a: 5, b: null }", []),
    ("{ a: Int, b: String | Null }", "{}", [(["x", "a"], "Missing required field of type Int")]),
]


@pytest.fixture(scope="module")
def db() -> fql.Database:
    """One collection per signature (`C0`, `C1`...), each with the one field `x`."""
    db = fql.connect(root_secret="secret")
    for n, signature in enumerate(dict.fromkeys(sig for sig, _, _ in CASES)):
        ok(db, f"Collection.create({{ name: 'C{n}', fields: {{ x: {{ signature: {json.dumps(signature)} }} }} }})")
    return db


def collection(signature: str) -> str:
    return f"C{list(dict.fromkeys(sig for sig, _, _ in CASES)).index(signature)}"


@pytest.mark.parametrize("signature, value, failures", CASES, ids=[f"{s} <- {v}" for s, v, _ in CASES])
def test_a_value_is_checked_against_the_fields_type(db, signature, value, failures):
    """SchemaValidationSpec: each of its values validated against each of its types, as a field's."""
    body = answer(db, f"{collection(signature)}.create({{ x: {value} }}) {{ id: null }}", typecheck=False)
    if not failures:
        assert "error" not in body, body
        return
    error = body["error"]
    assert error["code"] == "constraint_failure"
    assert [(f["paths"][0], f["message"]) for f in error["constraint_failures"]] == failures


def test_a_failures_path_shows_as_core_shows_a_path():
    """PathSpec "toString": names joined by dots, indexes in brackets, in the summary's failure lines."""
    db = fql.connect(root_secret="secret")
    ok(
        db,
        "Collection.create({ name: 'P', fields: { x: { signature: 'Array<Array<Int>>?' },"
        " y: { signature: 'Array<{ c: Int }>?' }, z: { signature: '{ a: { b: [Int, String] } }?' } } })",
    )
    for value, line in [
        ('{ x: [[1], [2, "a"]] }', "  x[1][1]: Expected Int, provided String"),
        ('{ y: [{ c: 1 }, { c: "s" }] }', "  y[1].c: Expected Int, provided String"),
        ("{ z: { a: { b: [1, 2] } } }", "  z.a.b[1]: Expected String, provided Int"),
    ]:
        summary = answer(db, f"P.create({value})", typecheck=False)["summary"].split("\n")
        assert summary[1:3] == ["constraint failures:", line]


# -- the spec's own calls: SchemaType.validate at the root, beside isValueOfType ---------------------------

INT, STR, LONG, DOUBLE = st.Scalar("Int"), st.Scalar("String"), st.Scalar("Long"), st.Scalar("Double")
A_B = st.Struct((("a", st.FieldSchema(INT)), ("b", st.FieldSchema(STR))))

#: (schema, value, the failures as (path, message)): the spec's cases that no field signature spells,
#: and some of the others at the root path, where the spec has them.
ROOT_CASES = [
    (st.Literal(2.3, "float"), 2.3, []),
    # the spec's FIXME: the provided value shows as its base type, not as the literal `2.4`
    (st.Literal(2.3, "float"), 2.4, [((), "Expected 2.3, provided Double")]),
    (st.Literal(5, "int"), 6, [((), "Expected 5, provided Int")]),
    (LONG, 5, []),
    (st.Scalar("Time"), Date.parse("2020-01-01"), [((), "Expected Time, provided Date")]),
    (st.Scalar("Date"), Timestamp.parse("2020-01-01T00:00:00Z"), [((), "Expected Date, provided Time")]),
    (st.ArrayOf(INT), ["bar", 3], [((0,), "Expected Int, provided String")]),
    (st.Tuple((INT, STR)), [2], [((), "Invalid tuple arity")]),
    (st.Union((INT, STR)), 2.5, [((), "Expected Int | String, provided Double")]),
    (A_B, {"a": 5}, [(("b",), "Missing required field of type String")]),
    (A_B, {"a": 5, "b": "hello", "c": 6}, [(("c",), "Unexpected field provided")]),
]


@pytest.mark.parametrize("schema, value, failures", ROOT_CASES, ids=[f"{st.display(s)} <- {v!r}" for s, v, _ in ROOT_CASES])
def test_validate_at_the_root_agrees_with_is_value_of_type(schema, value, failures):
    """SchemaValidationSpec's `validateErr`: the failures at the root path, and isValueOfType true exactly
    when there are none."""
    found = st.validate(schema, (), value)
    assert [(f.path, f.message) for f in found] == failures
    assert st.is_of_type(schema, value) is (not failures)
