"""Core's repo-level value specs, ext/repo/src/test/scala/values/{ValueSpec,ValueReificationSpec}.scala,
through v10 queries: the order of values of every type (`order()` and an index, which ValueSpec holds
equal: "values order across types equivalent to index order"), arrays and structs compared, what a
document may store, and the ID a set's cursor carries.

Not ported: ValueSpec's pattern matches, field accessor and collection factories (Scala API), function
arity texts (tests/test_core_fql2_stdlib_functions_spec.py has the errors that show them), ValueCodecSpec
(decoding Scala values) and ValueReificationSpec's other cases (cursor encodings, which fql's cursors
hold their own way: tests/test_v10_cursors.py).
"""

from __future__ import annotations

import pytest

import fql
from fql.values import ID
from tests.helpers import query_v10, query_v10_error

#: A value of each type, in core's order of types (Value.totalOrderingPosition): numbers, bytes, strings,
#: arrays, structs, IDs, documents, times, dates, booleans, null last.
ORDERED = [
    "1.0",
    "2147483648",
    'Bytes("AQ==")',
    '""',
    '"a"',
    "[1]",
    "{ foo: 1 }",
    'ID("5")',
    'C.byId("100")',
    'Time("1970-01-01T00:00:00Z")',
    'Date("1970-01-01")',
    "false",
    "true",
    "null",
]


@pytest.fixture
def db() -> fql.Database:
    db = fql.connect()
    query_v10(db, "Collection.create({ name: 'C', indexes: { byV: { values: [{ field: '.v' }] } } })")
    return db


def test_values_of_every_type_order_as_core_orders_them(db):
    """ValueSpec "values order across types equivalent to index order": `order()` of the values shuffled
    is core's order of types."""
    shuffled = ORDERED[::2] + ORDERED[1::2]
    got = query_v10(db, "[" + ", ".join(shuffled) + "].order()", typecheck=False)
    assert got == query_v10(db, "[" + ", ".join(ORDERED) + "]", typecheck=False)


def test_an_index_orders_stored_values_as_order_does(db):
    """The stored ones (all but an ID and null, which no document holds) in an index's values come in
    the same order."""
    stored = [v for v in ORDERED if v not in ('ID("5")', "null")]
    for n, value in enumerate(reversed(stored)):
        query_v10(db, f"C.create({{ n: {n}, v: {value} }})", typecheck=False)
    assert query_v10(db, "C.byV().map(.v).toArray()", typecheck=False) == query_v10(
        db, "[" + ", ".join(stored) + "]", typecheck=False
    )


@pytest.mark.parametrize(
    "bigger, smaller",
    [
        # "arrays sort lexically"
        ("[1, 2]", "[1, 1]"),
        ("[2]", "[1, 1]"),
        ("[1, 1]", "[1]"),
        # "structs sort in alphabetical key order then length"
        ("{ a: 1, b: 2 }", "{ b: 1, a: 1 }"),
        ("{ a: 1, c: 1, b: 1 }", "{ b: 1, a: 1 }"),
    ],
)
def test_arrays_and_structs_compare_element_by_element(db, bigger, smaller):
    """ValueSpec "arrays sort lexically" and "structs sort in alphabetical key order then length"."""
    assert query_v10(db, f"[{bigger} > {smaller}, {smaller} < {bigger}, [{bigger}, {smaller}].order()]") == [
        True,
        True,
        query_v10(db, f"[{smaller}, {bigger}]"),
    ]


def test_scalars_documents_and_their_containers_are_persistable(db):
    """ValueSpec "Persistable values": every scalar, a document reference, and arrays and objects of them
    are stored; a set inside one is not, named by its dynamic type, `Set<Any>` (ValueType.AnySetType)."""
    fields = '{ i: 0, l: 2147483648, d: 0.0, t: true, f: false, s: "", time: Time("1970-01-01T00:00:00Z"), date: Date("1970-01-01"), n: null, doc: C.byId("1"), a: [], o: {}, ao: [0, { x: [0] }] }'
    stored = query_v10(db, f"C.create({fields}) {{ i, l, d, t, f, s, n, a, o, ao }}", typecheck=False)
    assert stored == {"i": 0, "l": 2147483648, "d": 0.0, "t": True, "f": False, "s": "", "n": None, "a": [], "o": {}, "ao": [0, {"x": [0]}]}
    for value, path in (("[C.all()]", "a[0]"), ("{ b: C.all() }", "a.b")):
        error = query_v10_error(db, f"C.create({{ a: {value} }})", typecheck=False)
        assert (error.v10_code, error.description) == ("invalid_type", f"Value at `{path}` has type Set<Any>, which cannot be persisted.")


def test_an_id_in_a_sets_cursor_comes_back_a_string(db):
    """ValueReificationSpec "reifies IDs as string values, since byId accepts a string": an ID a set's
    function holds (alone, or in an array, which an ID makes unpersistable) is a string on the next page."""
    for held in ('ID("5")', '[ID("5")]'):
        first = query_v10(db, f"let x = {held}; [1, 2].toSet().map(_ => x).paginate(1)", typecheck=False)
        assert first["data"] == [ID("5") if held.startswith("ID") else [ID("5")]]
        after = query_v10(db, f'Set.paginate("{first["after"]}")', typecheck=False)
        assert after["data"] == ["5" if held.startswith("ID") else ["5"]]
