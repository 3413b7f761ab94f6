"""Cases from core's API FQL2TimeSpec and FQL2DateSpec (ext/api/src/test/scala/fql2/), run through
`POST /query/1` in the simple format, as core's API specs run: times and dates come back as ISO text.
Each test names the spec and its test.

Already in tests/server/test_core_v10_api.py, not repeated: FQL2DateSpec 'error on invalid date', and
`Time(...).add(1, "invalid")` of FQL2TimeSpec 'error on invalid unit'.
"""

from __future__ import annotations

import datetime as dt

import pytest

import fql
from tests.server.test_core_v10_api import err, ok

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
UNITS = [
    ("nanosecond", "1970-01-01T00:00:00.000000001Z", "1969-12-31T23:59:59.999999999Z"),
    ("microsecond", "1970-01-01T00:00:00.000001Z", "1969-12-31T23:59:59.999999Z"),
    ("millisecond", "1970-01-01T00:00:00.001Z", "1969-12-31T23:59:59.999Z"),
    ("second", "1970-01-01T00:00:01Z", "1969-12-31T23:59:59Z"),
    ("minute", "1970-01-01T00:01:00Z", "1969-12-31T23:59:00Z"),
    ("hour", "1970-01-01T01:00:00Z", "1969-12-31T23:00:00Z"),
    ("half day", "1970-01-01T12:00:00Z", "1969-12-31T12:00:00Z"),
    ("day", "1970-01-02T00:00:00Z", "1969-12-31T00:00:00Z"),
]


@pytest.fixture(scope="module")
def db() -> fql.Database:
    return fql.connect(root_secret="secret")


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_time_now(db):
    # FQL2TimeSpec 'now': a later query's now is no earlier.
    t0, t1 = _time(ok(db, "Time.now()")), _time(ok(db, "Time.now()"))
    assert t1 >= t0 > EPOCH


@pytest.mark.parametrize("query", ['Time("1970-01-01T00:00:00.123Z")', 'Time.fromString("1970-01-01T00:00:00.123Z")'])
def test_time_constructors(db, query):
    # FQL2TimeSpec 'Time()', 'fromString'
    assert ok(db, query) == "1970-01-01T00:00:00.123Z"


T0, T1 = 'Time("1970-01-01T00:00:00Z")', 'Time("1970-01-01T00:00:01Z")'
D0, D1 = 'Date("1970-01-01")', 'Date("1970-01-02")'
COMPARISONS = [
    # FQL2TimeSpec '==', '!=', '>', '>=', '<', '<=' (and FQL2DateSpec's, on days).
    ("{a} == {a}", True), ("{a} == {b}", False),
    ("{a} != {a}", False), ("{a} != {b}", True),
    ("{b} > {a}", True), ("{a} > {b}", False),
    ("{b} >= {a}", True), ("{a} >= {a}", True), ("{a} >= {b}", False),
    ("{a} < {b}", True), ("{b} < {a}", False),
    ("{a} <= {b}", True), ("{a} <= {a}", True), ("{b} <= {a}", False),
]  # fmt: skip


@pytest.mark.parametrize("pair", [(T0, T1), (D0, D1)], ids=["time", "date"])
@pytest.mark.parametrize("shape, expected", COMPARISONS, ids=[s for s, _ in COMPARISONS])
def test_comparisons(db, pair, shape, expected):
    assert ok(db, shape.format(a=pair[0], b=pair[1])) is expected


@pytest.mark.parametrize("method, column", [("add", 1), ("subtract", 2)])
def test_time_add_and_subtract(db, method, column):
    # FQL2TimeSpec 'add', 'subtract': each unit, singular and plural.
    calls = ", ".join(f'ts.{method}(1, "{unit}{s}")' for unit, *_ in UNITS for s in ("", "s"))
    expected = [row[column] for row in UNITS for _ in range(2)]
    assert ok(db, f'let ts = Time("1970-01-01T00:00:00Z")\n[{calls}]') == expected


def test_time_error_on_invalid_time(db):
    # FQL2TimeSpec 'error on invalid time'
    body = err(db, 'Time("2020-01-01 01:01:01")')
    assert body["error"] == {"code": "invalid_time", "message": "`2020-01-01 01:01:01` is not a valid time."}


def test_date_today(db):
    # FQL2DateSpec 'today'
    d0, d1 = ok(db, "Date.today()"), ok(db, "Date.today()")
    assert dt.date.fromisoformat(d1) >= dt.date.fromisoformat(d0) > EPOCH.date()


@pytest.mark.parametrize("query", ['Date("1970-01-01")', 'Date.fromString("1970-01-01")'])
def test_date_constructors(db, query):
    # FQL2DateSpec 'Date()', 'fromString'
    assert ok(db, query) == "1970-01-01"


def test_date_add_and_subtract(db):
    # FQL2DateSpec 'add', 'subtract'
    query = 'let dt = Date("1970-01-01")\n[dt.add(1, "day"), dt.add(1, "days"), dt.subtract(1, "day"), dt.subtract(1, "days")]'
    assert ok(db, query) == ["1970-01-02", "1970-01-02", "1969-12-31", "1969-12-31"]


def test_date_error_on_invalid_unit(db):
    # FQL2DateSpec 'error on invalid unit'
    body = err(db, 'Date("1970-01-01").add(1, "milliseconds")')
    assert body["error"] == {"code": "invalid_unit", "message": "`milliseconds` is not a valid date unit."}
