"""Cases from core's model FQL2DateSpec (ext/model/src/test/scala/fql2/stdlib/FQL2DateSpec.scala), run embedded:
the signatures (`testSig`), the values, and the errors with their spans. Each test names the spec case
(`member / case`).

Already in tests/fixtures/v10/time.fql, not repeated: 'toString' / 'works', 'add' and 'subtract' / 'works'
and 'rounds doubles', 'difference' / 'returns the difference in days between dates', the fields but
`dayOfWeek` of 2023-02-10; the errors' codes and messages (here their spans).
"""

from __future__ import annotations

import pytest

import fql
from tests.core_scalar_helpers import err, ok, signatures

D = "Date('2023-02-10')"


@pytest.fixture(scope="module")
def db() -> fql.Database:
    return fql.connect()


SIGNATURES = {
    **{f"{D}.{field}": "Number" for field in ("dayOfWeek", "dayOfMonth", "dayOfYear", "month", "year")},
    f"{D}.toString": "toString() => String",
    f"{D}.add": "add(amount: Number, unit: String) => Date",
    f"{D}.subtract": "subtract(amount: Number, unit: String) => Date",
    f"{D}.difference": "difference(start: Date) => Number",
}


@pytest.mark.parametrize("member", list(SIGNATURES))
def test_has_signature(db, member):
    assert signatures(db, member) == [SIGNATURES[member]]


def test_day_of_week_works(db):
    # 'dayOfWeek' / 'works': a Friday, an Int.
    assert ok(db, f"[{D}.dayOfWeek, {D}.dayOfWeek isa Int]") == [5, True]


@pytest.mark.parametrize(
    "query, message, span",
    [
        # 'add' / 'rejects invalidate inputs'
        ("Date('2023-02-10').add(1, 'fortnight')", "`fortnight` is not a valid date unit.", (22, 38)),
        # 'subtract' / 'rejects invalid inputs'
        ("Date('2023-02-10').subtract(1, 'minutes')", "`minutes` is not a valid date unit.", (27, 41)),
    ],
)
def test_rejects_invalid_inputs(db, query, message, span):
    assert err(db, query) == ("invalid_unit", message, span)
