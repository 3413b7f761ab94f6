"""Core's v4 scalar functions where one query fails with several errors in its envelope, which the fixture
format (one error a case) cannot say: a varargs argument reports each element of the wrong type and
ToObject each pair that is no field (core's Casts.ZeroOrMore sequences every element's cast with
Parser.sequence, keeping all their errors), NGram each of its size complaints (StringFunctions.scala,
NGramFunction), and the comparisons each unresolved ref among their values (ComparisonFunctions.scala)."""

from __future__ import annotations

import pytest

import fql
from fql.wire.v4 import from_json
from tests.helpers import query_error as error


@pytest.fixture
def db() -> fql.Database:
    return fql.connect()


def invalid(description: str, *position: str | int) -> dict:
    return {"position": list(position), "code": "invalid argument", "description": description}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('Add(1, "a", "b")', [invalid("Number expected, String provided.", "add", i) for i in (1, 2)]),
        ('Divide([null, 2, true])', [invalid("Number expected, Null provided.", "divide", 0),
                                     invalid("Number expected, Boolean provided.", "divide", 2)]),
        ('BitXor("x", 1, "y")', [invalid("Number expected, String provided.", "bitxor", i) for i in (0, 2)]),
        ('Concat(["a", 1, 2.5])', [invalid("String expected, Integer provided.", "concat", 1),
                                   invalid("String expected, Double provided.", "concat", 2)]),
        ('Casefold([[], "a", {}])', [invalid("Scalar expected, Array provided.", "casefold", 0),
                                     invalid("Scalar expected, Object provided.", "casefold", 2)]),
        ('NGram([{}, "a", []])', [invalid("Scalar expected, Object provided.", "ngram", 0),
                                  invalid("Scalar expected, Array provided.", "ngram", 2)]),
        ('ToObject([["a", 1], 5, [1], ["b", 2]])', [invalid("Field/Value expected, Integer provided.", "to_object", 1),
                                                    invalid("Field/Value expected, Array provided.", "to_object", 2)]),
        # The errors travel outward together, each taking the outer position.
        ('Multiply(Add(1, "a", "b"), 2)', [invalid("Number expected, String provided.", "multiply", 0, "add", i)
                                           for i in (1, 2)]),
    ],
)
def test_varargs_report_every_bad_element(db, query, expected):
    assert error(db, query).v4_errors() == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"ngram": "abc", "min": 0, "max": 5},
         ["min ngram size must be > 0 and <= max", "max ngram size must be <= min + 1"]),
        ({"ngram": "abc", "min": -3, "max": -1},
         ["min ngram size must be > 0 and <= max", "max ngram size must be > 0", "max ngram size must be <= min + 1"]),
        # Core subtracts Java longs: max - min wraps around here, and is no complaint.
        ({"ngram": "a", "min": -1, "max": 9223372036854775807}, ["min ngram size must be > 0 and <= max"]),
        ({"ngram": "a", "min": -9223372036854775808}, ["min ngram size must be > 0 and <= max"]),
        ({"ngram": "a", "max": -9223372036854775808},
         ["max ngram size must be > 0 and >= min", "max ngram size must be <= min + 1"]),
    ],
)
def test_ngram_reports_every_bound(db, query, expected):
    with pytest.raises(fql.FQLError) as caught:
        db.run(from_json(query))
    assert caught.value.v4_errors() == [invalid(description) for description in expected]


def test_comparisons_report_every_unresolved_ref(db):
    assert error(db, 'LT(Index("nope"), 1, Function("nope"), Role("r"))').v4_errors() == [
        {"position": ["lt"], "code": "invalid ref", "description": description}
        for description in ("Ref refers to undefined index 'nope'", "Ref refers to undefined function 'nope'",
                            "Ref refers to undefined role 'r'")
    ]
    assert error(db, 'GTE([Collection("a"), Collection("b")])').v4_errors() == [
        {"position": ["gte"], "code": "invalid ref", "description": f"Ref refers to undefined collection '{name}'"}
        for name in "ab"
    ]
