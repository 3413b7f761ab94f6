"""Values: Timestamp and Date over Fauna's whole range, Bytes in both base64 alphabets, Fauna's order."""

from __future__ import annotations

import pytest

import fql
from fql.collation import encode, tuple_key
from fql.values import Bytes, Date, Ref, Timestamp, collection_ref


@pytest.mark.parametrize(
    "text,iso",
    [
        ("1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z"),
        ("2017-10-29T03:09:00.264619Z", "2017-10-29T03:09:00.264619Z"),
        ("2017-10-29T03:09:00.264619000Z", "2017-10-29T03:09:00.264619Z"),
        ("2017-10-29T03:09:00.1Z", "2017-10-29T03:09:00.100Z"),
        ("2020-02-29T12:00:00+02:00", "2020-02-29T10:00:00Z"),
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"),
        ("-1000000000-01-01T00:00:00Z", "-1000000000-01-01T00:00:00Z"),
        ("+1000000000-12-31T23:59:59.999999999Z", "+1000000000-12-31T23:59:59.999999999Z"),
        ("12345-01-01T00:00:00Z", "+12345-01-01T00:00:00Z"),
    ],
)
def test_timestamp_round_trip(text, iso):
    assert Timestamp.parse(text).isoformat() == iso


@pytest.mark.parametrize("text", ["2021-02-29T00:00:00Z", "2021-13-01T00:00:00Z", "yesterday", "2021-01-01"])
def test_timestamp_rejects(text):
    assert Timestamp.parse(text) is None


def test_date_round_trip_and_order():
    assert Date.parse("2024-02-29").isoformat() == "2024-02-29"
    assert Date.parse("2023-02-29") is None
    assert Date.parse("1969-12-31").days == -1


def test_bytes_accepts_both_alphabets():
    assert Bytes.from_base64("-_8=").data == Bytes.from_base64("+/8=").data == b"\xfb\xff"
    assert Bytes(b"\xfb\xff").base64() == "+/8="


def test_fauna_type_order():
    ordered = [-3, 1, 2.5, Bytes(b"x"), "a", "ab", "b", [1], {"a": 1}, collection_ref("c"), Timestamp(0), False, True, None]
    assert sorted(reversed(ordered), key=encode) == ordered


def test_ints_and_doubles_compare_numerically_but_stay_distinct():
    assert encode(1) < encode(1.5) < encode(2)
    assert encode(1) != encode(1.0)
    assert encode(2**62) < encode(2**62 + 1)


def test_document_ids_sort_numerically():
    c = collection_ref("c")
    assert encode(Ref("9", c)) < encode(Ref("10", c)) < encode(Ref("100", c))


def test_reverse_fields_invert_order_and_tuple_prefixes_bound():
    keys = sorted([tuple_key([v], [True]) for v in ["a", "ab", "b"]])
    assert keys == [tuple_key(["b"], [True]), tuple_key(["ab"], [True]), tuple_key(["a"], [True])]
    assert tuple_key([1, "x"]).startswith(tuple_key([1]))


def test_time_and_date_take_the_text_their_repr_shows():
    # `fql.Time("...")` and `fql.Date("...")` read back their own repr; anything else is a clear error.
    assert fql.Time("2020-01-01T00:00:00Z") == fql.Time.parse("2020-01-01T00:00:00Z")
    assert repr(fql.Date("2020-02-29")) == 'Date("2020-02-29")'
    assert eval(repr(fql.Time("2020-01-01T00:00:00.5+01:00")), {"Time": fql.Time}) == fql.Time(
        "2019-12-31T23:00:00.5Z"
    )
    assert fql.Time(5).nanos == 5 and fql.Date(3).days == 3
    with pytest.raises(ValueError, match="ISO-8601"):
        fql.Time("yesterday")
    with pytest.raises(ValueError, match="ISO-8601"):
        fql.Date("2021-02-29")
    with pytest.raises(TypeError):
        fql.Time(1.5)
    with pytest.raises(TypeError):
        fql.Date(None)
