"""Cases from core's ConversionFunctionsSpec (ext/api/src/test/scala/queries/ConversionFunctionsSpec.scala)
that the fixtures cannot write: Bytes and UUID arguments (which only the wire's `@bytes` and `@uuid` make),
and the spec's property cases (`prop(...)`), run here on seeded samples drawn as core's Prop draws them
(`Prop.int`: any int; `Prop.double`: `nextDouble() * nextInt()`; `Prop.isoDate`: a second from 1970 to
2037 as `yyyy-MM-dd'T'HH:mm:ss'Z'`). Each test names the spec case (`group / case`).

The spec's `once` cases, and fixed instances of its `prop` cases, are in tests/fixtures/v4/core_scalars.fql
and tests/fixtures/v4/types.fql. Skipped: ConversionFunctionsV20Spec (API 2.0's `class` field in a
converted version; fql speaks API 4).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal

import pytest

import fql
from fql import collation
from tests.helpers import run_json as run, run_json_error as error

SAMPLES = 100
UUID_TEXT = "123e4567-e89b-12d3-a456-426614174000"
BYTES = {"@bytes": "AQIDBA=="}
UUID = {"@uuid": UUID_TEXT}


@pytest.fixture(scope="module")
def db() -> fql.Database:
    return fql.connect()


def same(a, b) -> bool:
    """Fauna equality, number kinds compared (an Integer is not a Double)."""
    return collation.encode(a) == collation.encode(b)


def ints(seed: int) -> list[int]:
    rand = random.Random(seed)
    return [rand.randint(-(2**31), 2**31 - 1) for _ in range(SAMPLES)] + [0, -(2**31), 2**31 - 1]


def doubles(seed: int) -> list[float]:
    rand = random.Random(seed)
    return [rand.random() * rand.randint(-(2**31), 2**31 - 1) for _ in range(SAMPLES)]


def iso_dates(seed: int) -> list[str]:
    rand = random.Random(seed)
    start, end = dt.datetime(1970, 1, 1), dt.datetime(2038, 1, 1)
    seconds = int((end - start).total_seconds())
    return [(start + dt.timedelta(seconds=rand.randrange(seconds))).strftime("%Y-%m-%dT%H:%M:%SZ") for _ in range(SAMPLES)]


def java_text(d: float) -> str:
    """Java's Double.toString for a double below 2^31 in magnitude, from Python's shortest digits: plain
    from 10^-3 to 10^7, else one digit, the rest after the point and an `E` exponent."""
    if 1e-3 <= abs(d) < 1e7 or d == 0:
        return repr(d)
    shortest = Decimal(repr(abs(d)))
    digits = "".join(map(str, shortest.as_tuple().digits)).rstrip("0")
    return f"{'-' if d < 0 else ''}{digits[0]}.{digits[1:] or '0'}E{shortest.adjusted()}"


# to_string


def test_to_string_converts_numbers(db):
    """'to_string' / 'converts numbers': an int as its decimal text, a double as Double.toString writes it."""
    for n in ints(1):
        assert run(db, {"to_string": n}) == str(n)
    for d in doubles(2):
        assert run(db, {"to_string": d}) == java_text(d), d


def test_to_string_converts_strings(db):
    """'to_string' / 'converts strings'."""
    rand = random.Random(3)
    for _ in range(SAMPLES):
        text = "".join(chr(rand.choice([rand.randint(32, 126), rand.randint(0xA0, 0xD7FF)])) for _ in range(rand.randint(0, 20)))
        assert run(db, {"to_string": text}) == text


def test_to_string_fails_to_convert_bytes(db):
    """'to_string' / 'fails to convert bytes': invalid argument, at the form."""
    e = error(db, {"to_string": BYTES})
    assert (e.code, e.description, list(e.position)) == ("invalid argument", "Cannot cast Bytes to String.", [])


def test_to_string_converts_times_and_dates(db):
    """'to_string' / 'converts times', 'converts dates'."""
    for iso in iso_dates(4):
        assert run(db, {"to_string": {"time": iso}}) == iso
        assert run(db, {"to_string": {"date": iso[:10]}}) == iso[:10]


def test_to_string_converts_uuids(db):
    """'to_string' / 'converts UUIDs': the UUID's text (Java's, lower case)."""
    assert run(db, {"to_string": UUID}) == UUID_TEXT
    assert run(db, {"to_string": {"@uuid": UUID_TEXT.upper()}}) == UUID_TEXT


# to_number, to_double, to_integer


def test_to_number_converts_numbers_and_strings(db):
    """'to_number' / 'converts numbers', 'converts strings' (padded with spaces too)."""
    for n in ints(5):
        for arg in (n, str(n), f" {n} "):
            assert same(run(db, {"to_number": arg}), n), arg
    for d in doubles(6):
        # NumberFormat gives a Long for a whole value, whichever way it is written.
        want = int(d) if d.is_integer() else d
        assert same(run(db, {"to_number": d}), d)
        for arg in (java_text(d), f" {java_text(d)} "):
            assert same(run(db, {"to_number": arg}), want), arg


def test_to_double_converts_numbers_and_strings(db):
    """'to_double' / 'converts numbers', 'converts strings'."""
    for n in ints(7):
        for arg in (n, str(n), f" {n} "):
            assert same(run(db, {"to_double": arg}), float(n)), arg
    for d in doubles(8):
        for arg in (d, java_text(d), f" {java_text(d)} "):
            assert same(run(db, {"to_double": arg}), d), arg


def test_to_integer_converts_numbers_and_strings(db):
    """'to_integer' / 'converts numbers', 'converts strings': a double truncated toward zero."""
    for n in ints(9):
        for arg in (n, str(n), f" {n} "):
            assert same(run(db, {"to_integer": arg}), n), arg
    for d in doubles(10):
        for arg in (d, java_text(d), f" {java_text(d)} "):
            assert same(run(db, {"to_integer": arg}), math.trunc(d)), arg


@pytest.mark.parametrize(
    "form, target, position",
    [
        ("to_number", "Number", []),
        ("to_double", "Double", ["to_double"]),
        ("to_integer", "Integer", ["to_integer"]),
        ("to_time", "Time", []),
        ("to_date", "Date", []),
    ],
)
def test_fail_to_convert_bytes_and_uuids(db, form, target, position):
    """'to_number', 'to_double', 'to_integer', 'to_time', 'to_date' / 'fails to convert bytes', 'fails to
    convert UUIDs': invalid argument, at the form for ToDouble and ToInteger (core's `pos at ...`)."""
    for value, name in ((BYTES, "Bytes"), (UUID, "UUID")):
        e = error(db, {form: value})
        assert (e.code, e.description, list(e.position)) == ("invalid argument", f"Cannot cast {name} to {target}.", position)


@pytest.mark.parametrize("form", ["to_object", "to_array"])
def test_to_object_and_array_fail_on_bytes_and_uuids(db, form):
    """'to_object', 'to_array' / 'invalid cast', with the two kinds only the wire makes."""
    target = "Object" if form == "to_object" else "Array"
    for value, name in ((BYTES, "Bytes"), (UUID, "UUID")):
        e = error(db, {form: value})
        assert (e.code, e.description, list(e.position)) == ("invalid argument", f"Cannot cast {name} to {target}.", [form])


# to_time, to_date


def test_to_time_converts_integers(db):
    """'to_time' / 'converts integers': an int is milliseconds since the epoch; a double fails."""
    for n in ints(11):
        assert same(run(db, {"to_time": n}), run(db, {"epoch": n, "unit": "millisecond"}))
    for d in doubles(12):
        e = error(db, {"to_time": d})
        assert (e.code, list(e.position)) == ("invalid argument", [])


def test_to_time_converts_strings_times_and_dates(db):
    """'to_time' / 'converts strings', 'converts times', 'converts dates'."""
    for iso in iso_dates(13):
        time = run(db, {"time": iso})
        for arg in (iso, f" {iso} ", {"time": iso}):
            assert same(run(db, {"to_time": arg}), time), arg
        midnight = run(db, {"time": iso[:10] + "T00:00:00Z"})
        assert same(run(db, {"to_time": {"date": iso[:10]}}), midnight)


def test_to_date_fails_to_convert_numbers(db):
    """'to_date' / 'fails to convert integers'."""
    for arg in ints(14)[:20] + doubles(15)[:20]:
        e = error(db, {"to_date": arg})
        assert (e.code, list(e.position)) == ("invalid argument", []), arg


def test_to_date_converts_strings_times_and_dates(db):
    """'to_date' / 'converts strings' (junk fails), 'converts times', 'converts dates'."""
    rand = random.Random(16)
    for iso in iso_dates(17):
        day = iso[:10]
        date = run(db, {"date": day})
        for arg in (day, f" {day} ", {"date": day}, {"time": day + "T00:00:00Z"}):
            assert same(run(db, {"to_date": arg}), date), arg
        junk = "".join(rand.choice("abcxyz ☃-:") for _ in range(rand.randint(0, 12)))
        e = error(db, {"to_date": junk})
        assert (e.code, list(e.position)) == ("invalid argument", []), junk
