"""Cases from core's FQL2MathSpec (ext/model/src/test/scala/fql2/stdlib/FQL2MathSpec.scala), run embedded:
each member's signature (`testSig`), the values (`checkOk`, `checkOkApprox` within core's tolerance 0.01)
and the errors with their spans (`checkErr`). Each test names the spec case (`member / case`).

Already in tests/fixtures/v10/numbers.fql (with the number kinds checked), not repeated here: the `works`
cases of abs (`-1`, `-2147483648`), sign, ceil, floor (by value), round, trunc (but `12.345, 5` and `12.345, -3`), min, max,
the exact ones of sqrt, cos, sin, tan, acos, asin, hypot, exp, pow, log (but log10's), sum, mean; the errors' codes and
messages are there too, their spans here.
"""

from __future__ import annotations

import math

import pytest

import fql
from tests.core_scalar_helpers import err, ok, signatures
from tests.helpers import check_errors


@pytest.fixture(scope="module")
def db() -> fql.Database:
    return fql.connect()


UNARY = (
    "sign sqrt ceil floor cos sin tan acos asin atan degrees radians exp log log10 cosh sinh tanh abs"
).split()
SIGNATURES = {
    **{f"Math.{name}": ["Number"] for name in ("NaN", "Infinity", "E", "PI")},
    **{f"Math.{name}": [f"{name}(x: Number) => Number"] for name in UNARY},
    "Math.sum": ["sum(numbers: Array<Number>) => Number", "sum(numbers: Set<Number>) => Number"],
    "Math.mean": ["mean(numbers: Array<Number>) => Number", "mean(numbers: Set<Number>) => Number"],
    "Math.round": ["round(x: Number, precision: Number) => Number"],
    "Math.trunc": ["trunc(x: Number, precision: Number) => Number"],
    "Math.min": ["min(x: Number, y: Number) => Number"],
    "Math.max": ["max(x: Number, y: Number) => Number"],
    "Math.hypot": ["hypot(x: Number, y: Number) => Number"],
    "Math.pow": ["pow(x: Number, power: Number) => Number"],
}


@pytest.mark.parametrize("member", list(SIGNATURES))
def test_has_signature(db, member):
    # '<member>' / 'has signature ...'
    assert signatures(db, member) == SIGNATURES[member]


EXACT = [
    # 'abs' / 'works': integers stay integers, doubles doubles.
    ("Math.abs(0)", 0),
    ("Math.abs(1)", 1),
    ("Math.abs(-1.0)", 1.0),
    ("Math.abs(0.0)", 0.0),
    ("Math.abs(1.0)", 1.0),
    # 'floor' / 'works'
    ("Math.floor(12.345)", 12.0),
    # 'trunc' / 'works'
    ("Math.trunc(12.345, 5)", 12.345),
    ("Math.trunc(12.345, -3)", 0.0),
    # 'sum' / 'works' (and 'mean' / 'works', which sums the same set)
    ("Math.sum([1, 2, 3, 4, 5].toSet())", 15),
]


@pytest.mark.parametrize("query, expected", EXACT, ids=[q for q, _ in EXACT])
def test_works(db, query, expected):
    found = ok(db, query)
    assert found == expected and type(found) is type(expected)


APPROX = [
    ("Math.sqrt(2) * Math.sqrt(2)", 2.0),
    ("Math.mean([1, 2, 3, 4])", 2.5),
    ("Math.cos(Math.PI / 2)", 0.0),
    ("Math.cos(Math.PI)", -1.0),
    ("Math.sin(Math.PI / 2)", 1.0),
    ("Math.sin(Math.PI)", 0.0),
    ("Math.tan(Math.PI / 4)", 1.0),
    ("Math.tan(Math.PI)", 0.0),
    ("Math.acos(0)", math.pi / 2),
    ("Math.acos(-1)", math.pi),
    ("Math.asin(0)", 0.0),
    ("Math.asin(-1)", -math.pi / 2),
    ("Math.atan(0)", 0.0),
    ("Math.atan(-1)", -math.pi / 4),
    ("Math.degrees(Math.PI / 2)", 90.0),
    ("Math.radians(90)", math.pi / 2),
    ("Math.exp(1)", math.e),
    ("Math.exp(-1)", 1 / math.e),
    ("Math.pow(1, 10)", 1.0),
    ("Math.log(Math.exp(2))", 2.0),
    ("Math.pow(100, Math.log10(8))", 64.0),
    ("Math.log10(1)", 0.0),
    ("Math.log10(10)", 1.0),
    ("Math.cosh(1)", (math.e + 1 / math.e) / 2),
    ("Math.sinh(1)", (math.e - 1 / math.e) / 2),
    ("Math.tanh(1)", (math.e - 1 / math.e) / (math.e + 1 / math.e)),
]


@pytest.mark.parametrize("query, expected", APPROX, ids=[q for q, _ in APPROX])
def test_works_approximately(db, query, expected):
    # core's checkOkApprox: a Double within 0.01 of the expected value.
    found = ok(db, query)
    assert isinstance(found, float) and abs(found - expected) <= 0.01


ERRORS = [
    # 'sqrt' / 'rejects invalid inputs', 'acos' / 'works', 'asin' / 'rejects invalid inputs',
    # 'log' / 'rejects invalid inputs': the error points at the argument.
    ("Math.sqrt(-4)", "invalid argument `x`: x must be nonnegative", (9, 13)),
    ("Math.acos(2)", "invalid argument `x`: argument must lie in [-1, 1]", (9, 12)),
    ("Math.asin(-2)", "invalid argument `x`: argument must lie in [-1, 1]", (9, 13)),
    ("Math.log(0)", "invalid argument `x`: x must be positive", (8, 11)),
    ("Math.log(-1)", "invalid argument `x`: x must be positive", (8, 12)),
]


@pytest.mark.parametrize("query, message, span", ERRORS, ids=[q for q, _, _ in ERRORS])
def test_rejects_invalid_inputs(db, query, message, span):
    assert err(db, query) == ("invalid_argument", message, span)


# Not a spec case: sum and mean take an Array or a Set (two overloads of one arity, Math.scala), so a
# literal neither takes fails both, as core's typer words an intersection's failure (TyperCoreSpec "type
# overloaded functions/func intersections": `intBool('foo')` is ``Type `String` is not a subtype of
# `Boolean | Int` ``, the later overload's parameter first), at the literal.
OVERLOAD_MISFITS = [
    ("Math.sum('a')", "Type `String` is not a subtype of `Set<Number> | Array<Number>`", (9, 12)),
    ("Math.mean(1)", "Type `Int` is not a subtype of `Set<Number> | Array<Number>`", (10, 11)),
    ("Math.mean(null)", "Type `Null` is not a subtype of `Set<Number> | Array<Number>`", (10, 14)),
]


@pytest.mark.parametrize("query, message, span", OVERLOAD_MISFITS, ids=[q for q, _, _ in OVERLOAD_MISFITS])
def test_a_literal_neither_overload_takes_fails_the_typecheck(db, query, message, span):
    assert check_errors(db, query) == [(message, *span)]


def test_a_literal_neither_overload_takes_fails_at_run_time_untypechecked(db):
    assert err(db, "Math.sum('a')", typecheck=False)[:2] == (
        "invalid_argument",
        "expected arguments to `sum` of type (Array<Any>) | (Set<Any>), received (String)",
    )
