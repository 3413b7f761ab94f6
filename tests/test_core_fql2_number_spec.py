"""Cases from core's FQL2NumberSpec (ext/model/src/test/scala/fql2/stdlib/FQL2NumberSpec.scala), run embedded,
the number kinds compared (Int against Double). Each test names the spec case (`group / case`).

Already in tests/fixtures/v10/numbers.fql, not repeated: 'bitwise ops' / 'work' `(1 + 2 + 4.1) & (1.2 + 4)`
and `~(1.3 + 2 + 4.2)`.
"""

from __future__ import annotations

import math

import pytest

import fql
from tests.core_scalar_helpers import err, ok


@pytest.fixture(scope="module")
def db() -> fql.Database:
    return fql.connect()


VALUES = [
    # 'unary -'
    ("-5", -5),
    ("-(5)", -5),
    ("-(-5)", 5),
    ("let a = 5; -a", -5),
    ("--5", 5),
    ("---5", -5),
    # 'bitwise ops' / 'work': standard, then Doubles truncated.
    ("(1 + 2 + 4) & (1 + 4)", 5),
    ("(1 + 2 + 4) | (1 + 4)", 7),
    ("(1 + 2 + 4) ^ (1 + 4)", 2),
    ("~(1 + 2 + 4)", -8),
    ("(1.4 + 2 + 4) | (1 + 4.2)", 7),
    ("(1 + 2.5 + 4) ^ (1.1 + 4)", 2),
    # 'modulo operation' / 'works'
    ("1 % 2", 1),
    ("2 % 1", 0),
    ("3 % 4", 3),
    ("4 % 3", 1),
    ("0.5 % 0.25", 0.0),
    # 'exponentiation operation' / 'works', 'is right associative'
    ("2 ** 2", 4),
    ("2 ** 1", 2),
    ("2 ** 0", 1),
    (f"2 ** {2**31 - 2}", math.inf),
    ("2 ** 3 ** 2", 512),
]


@pytest.mark.parametrize("query, expected", VALUES, ids=[q for q, _ in VALUES])
def test_values(db, query, expected):
    found = ok(db, query)
    assert found == expected and type(found) is type(expected)


def test_integer_powers_are_ints(db):
    # 'exponentiation operation' / 'works': `Value.Int(4)`, an Int, not a Long.
    assert ok(db, "[2 ** 2 isa Int, 2 ** 3 ** 2 isa Int]") == [True, True]


def test_rejects_zero_modulus_for_integers_and_returns_nans_for_doubles(db):
    # 'modulo operation' / 'rejects zero modulus for integers and returns NaNs for doubles'
    assert err(db, "1 % 0") == ("divide_by_zero", "Attempted integer division by zero.", (4, 5))
    for query in ("1 % 0.0", "1.0 % 0", "1.0 % 0.0"):
        found = ok(db, query)
        assert isinstance(found, float) and math.isnan(found), query
