"""Cases from core's model FQL2TimeSpec (ext/model/src/test/scala/fql2/stdlib/FQL2TimeSpec.scala), run embedded:
the signatures (`testSig`, `testStaticSig`), the values, and the errors with their spans. Each test names
the spec case (`member / case`).

Already in tests/fixtures/v10/time.fql, not repeated: the 'works' values of toString, the fields,
toSeconds, toMillis, toMicros, add, epoch ('handles doubles' too), 'difference' / 'returns the difference in
the given unit', 'add' / 'rounds doubles' and 'handle large units', and the queries of 'subtract' / 'handle
large units' with Double amounts of seconds, nanoseconds and hours. The errors' codes and messages are there
too; here their spans.
Skipped: 'now' / 'counts as an observation' checks core's effect levels with a model-test-only
`Effect.Pure` limit (`... which is not allowed in model tests.`), which no query can set.
"""

from __future__ import annotations

import pytest

import fql
from fql.values import Timestamp
from tests.core_scalar_helpers import err, ok, signatures

T = "Time('2023-02-10T12:01:19.000Z')"


@pytest.fixture(scope="module")
def db() -> fql.Database:
    return fql.connect()


SIGNATURES = {
    **{f"{T}.{field}": "Number" for field in ("dayOfWeek", "dayOfMonth", "dayOfYear", "second", "minute", "hour", "month", "year")},
    f"{T}.toString": "toString() => String",
    f"{T}.toSeconds": "toSeconds() => Number",
    f"{T}.toMillis": "toMillis() => Number",
    f"{T}.toMicros": "toMicros() => Number",
    f"{T}.add": "add(amount: Number, unit: String) => Time",
    f"{T}.subtract": "subtract(amount: Number, unit: String) => Time",
    f"{T}.difference": "difference(start: Time, unit: String) => Number",
    "Time.now": "now() => Time",
    "Time.fromString": "fromString(time: String) => Time",
    "Time.epoch": "epoch(offset: Number, unit: String) => Time",
}


@pytest.mark.parametrize("member", list(SIGNATURES))
def test_has_signature(db, member):
    assert signatures(db, member) == [SIGNATURES[member]]


VALUES = [
    # 'subtract' / 'handle large units'
    ("Time('+33658-09-27T01:46:40Z').subtract(1000000000000, 'seconds')", "1970-01-01T00:00:00Z"),
    ("Time('2262-04-11T23:47:16.854775807Z').subtract(9223372036854775807, 'nanoseconds')", "1970-01-01T00:00:00Z"),
    (
        "Time('+999999999-12-31T23:59:59.999999999Z').subtract(63113903968377590000000.0, 'microseconds')",
        "-999999999-01-01T00:00:09.999999999Z",
    ),
    (
        "Time('+999999999-12-31T23:59:59.999999999Z').subtract(63113903968377590000.0, 'milliseconds')",
        "-999999999-01-01T00:00:09.999999999Z",
    ),
    # 'fromString' / 'works'
    ("Time.fromString('2023-02-01T12:00:00.000Z')", "2023-02-01T12:00:00Z"),
]


@pytest.mark.parametrize("query, expected", VALUES, ids=[q for q, _ in VALUES])
def test_values(db, query, expected):
    found = ok(db, query)
    assert isinstance(found, Timestamp) and found == ok(db, f"Time('{expected}')")


MAX, MIN = "Time exceeds the maximum value.", "Time exceeds the minimum value."
ERRORS = [
    # 'add' / 'rejects invalid inputs'
    ("Time('2023-02-10T12:00:00.000Z').add(1, 'fortnight')", "invalid_unit", "`fortnight` is not a valid time unit.", (36, 52)),
    # 'add' / 'handle overflows'
    ("Time('-999999999-01-01T00:00:00Z').add(9223372036854775807.0, 'hours')", "invalid_time", MAX, (38, 70)),
    ("Time('+999999999-12-31T23:59:59.999999999Z').add(1, 'nanosecond')", "invalid_time", MAX, (48, 65)),
    ("Time('+999999999-12-31T23:59:59.999999999Z').add(1.0, 'nanosecond')", "invalid_time", MAX, (48, 67)),
    ("Time('2023-02-10T12:00:00.000Z').add(9223372036854775807, 'days')", "invalid_time", MAX, (36, 65)),
    ("Time('2023-02-10T12:00:00.000Z').add(1000000000000000000000000000000.0, 'days')", "invalid_time", MAX, (36, 79)),
    # 'subtract' / 'rejects invalid inputs'
    ("Time('2023-02-10T12:00:00.000Z').subtract(1, 'scores')", "invalid_unit", "`scores` is not a valid time unit.", (41, 54)),
    # 'subtract' / 'handle overflows'
    ("Time('+999999999-12-31T23:59:59.999999999Z').subtract(9223372036854775807.0, 'hours')", "invalid_time", MIN, (53, 85)),
    ("Time('-999999999-01-01T00:00:00.000000000Z').subtract(1, 'nanosecond')", "invalid_time", MIN, (53, 70)),
    ("Time('-999999999-01-01T00:00:00.000000000Z').subtract(1.0, 'nanosecond')", "invalid_time", MIN, (53, 72)),
    ("Time('2023-02-10T12:00:00.000Z').subtract(9223372036854775807, 'days')", "invalid_time", MIN, (41, 70)),
    ("Time('2023-02-10T12:00:00.000Z').subtract(1000000000000000000000000000000.0, 'days')", "invalid_time", MIN, (41, 84)),
    # 'fromString' / 'rejects invalid inputs'
    ("Time.fromString('hey')", "invalid_time", "`hey` is not a valid time.", (15, 22)),
    # 'epoch' / 'rejects invalid inputs'
    ("Time.epoch(1, 'years')", "invalid_unit", "`years` is not a valid time unit.", (10, 22)),
]


@pytest.mark.parametrize("query, code, message, span", ERRORS, ids=[q for q, _, _, _ in ERRORS])
def test_errors(db, query, code, message, span):
    assert err(db, query) == (code, message, span)
