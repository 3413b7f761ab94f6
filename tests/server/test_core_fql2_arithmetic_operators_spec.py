"""Cases from core's FQL2ArithmeticOperatorsSpec (ext/api/src/test/scala/fql2/FQL2ArithmeticOperatorsSpec.scala),
run through `POST /query/1` as core's API specs run: the value in the simple format (core's `queryOk`), and
the number kind each case's name promises (Int, Long, Double) as the tagged format shows it (`@int`,
`@long`, `@double`). Each case names the spec test it comes from.

The dividing 'Long / 0 results in Infinity' case (`70000000000 / 0`, its error and summary) is in
tests/server/test_core_v10_api.py. Twelve cases there in the simple format only are here again, with the
number kind their names promise: `1000000000 + 2000000000`, `9000000000000000000 + 9000000000000000000`,
`54.321 + 8000000000`, `1.7e308 + 1.7e308`, `5 - 9.8`, `-1.7e308 - 1.7e308`, `2147483648 * 2147483648`,
`9000000000000000000 * 2`, `987/-382`, `-5 / 3000000000`, `-234 / 0.0`, `2.34 / 0`.
"""

from __future__ import annotations

import pytest

import fql
from fql.server import v10
from tests.server.test_core_v10_api import err, ok, summary

TAGS = {"Int": "@int", "Long": "@long", "Double": "@double"}

CASES = [
    ('adds Int + Int to get an Int', '2 + 2', "Int", 4),
    ('adds Int + Int to get an Int', '987 + -382', "Int", 605),
    ('adds Int + Long to get a Long', '5 + 3000000000', "Long", 3000000005),
    ('adds Long + Int to get a Long', '3000000000 + 5', "Long", 3000000005),
    ('adds Long + Long to get a Long', '8000000000 + 1000000000', "Long", 9000000000),
    ('adds Int + Double to get a Double', '5 + 9.8', "Double", 14.8),
    ('adds Double + Int to get a Double', '5.8 + 9', "Double", 14.8),
    ('adds Long + Double to get a Double', '8000000000 + 12.345', "Double", 8000000012.345),
    ('adds Double + Double to get a Double', '3.14159265358979323846 + 1.618033988749894', "Double", 4.759626642339687),
    ('adding Int + Int can overflow to a Long', '1000000000 + 2000000000', "Long", 3000000000),
    ('adding Long + Long can overflow to Double', '9000000000000000000 + 9000000000000000000', "Double", 1.8e19),
    ('adds Double + Long to get a Double', '54.321 + 8000000000', "Double", 8000000054.321),
    ('if Double + Double overflows the result is Infinity', '1.7e308 + 1.7e308', "Double", "Infinity"),
    ('is associative', '2 + 9 + 83', "Int", 94),
    ('subtracts Int - Int to get an Int', '7 - 18', "Int", -11),
    ('subtracts Int - Int to get an Int', '389-203', "Int", 186),
    ('subtracting Int - Int can underflow to a Long', '-1000000000 - 2000000000', "Long", -3000000000),
    ('subtracts Int - Long to get a Long', '5 - 3000000000', "Long", -2999999995),
    ('subtracts Long + Int to get a Long', '3000000000 - 5', "Long", 2999999995),
    ('subtracts Long - Long to get a Long', '8000000000 - 1000000000', "Long", 7000000000),
    ('subtracting Long - Long can underflow to Double', '-9000000000000000000 - 9000000000000000000', "Double", -1.8e+19),
    ('subtracts Int - Double to get a Double', '5 - 9.8', "Double", -4.800000000000001),
    ('subtracts Double - Int to get a Double', '5.8 - 9', "Double", -3.2),
    ('subtracts Long - Double to get a Double', '8000000000 - 12.345', "Double", 7999999987.655),
    ('subtracts Double + Long to get a Double', '54.321 - 8000000000', "Double", -7999999945.679),
    ('subtracts Double - Double to get a Double', '3.14159265358979323846 - 2.71828182845904523536', "Double", 0.423310825130748),
    ('if Double - Double underflows the result is -Infinity', '-1.7e308 - 1.7e308', "Double", "-Infinity"),
    ('associates left-to-right', '2 - 9 - 83', "Int", -90),
    ('multiplies Int * Int to get an Int', '2 * 7', "Int", 14),
    ('multiplies Int * Int to get an Int', '987 * -382', "Int", -377034),
    ('multiplying Int * Int can overflow to a Long', '2000000000 * 2', "Long", 4000000000),
    ('multiplies Int * Long to get a Long', '-5 * 3000000000', "Long", -15000000000),
    ('multiplies Long * Int to get a Long', '3000000000 * 5', "Long", 15000000000),
    ('multiplying Long * Int can overflow to Double', '9000000000000000000 * 2', "Double", 1.8e19),
    ('multiplies Long * Long to get a Long', '2147483648 * 2147483648', "Long", 4611686018427387904),
    ('multiplying Int * Long can overflow to Double', '2 * 9000000000000000000', "Double", 1.8e+19),
    ('multiplying Long * Long can overflow to Double', '9000000000000000000 * 9000000000000000000', "Double", 8.1e+37),
    ('multiplies Int * Double to get a Double', '3 * 9.8', "Double", 29.400000000000002),
    ('multiplies Double * Int to get a Double', '5.8 * 9', "Double", 52.199999999999996),
    ('multiplies Long * Double to get a Double', '8000000000 * 1.2', "Double", 9600000000.0),
    ('multiplies Double * Long to get a Double', '54.321 * 8000000000', "Double", 434568000000.0),
    ('multiplies Double * Double to get a Double', '3.14159265358979323846 * 1.618033988749894', "Double", 5.083203692315257),
    ('if Double * Double overflows the result is Infinity', '1.7e308 * 1.7e308', "Double", "Infinity"),
    ('if Double * Double underflows the result is -Infinity', '1.7e308 * -1.7e308', "Double", "-Infinity"),
    ('is associative', '2 * 9 * 83', "Int", 1494),
    ('divides Int / Int to get a Int', '18 / 2', "Int", 9),
    ('divides Int / Int to get a Int', '987/-382', "Int", -2),
    ('dividing (negative Int) / 0.0 results in -Infinity', '-234 / 0.0', "Double", "-Infinity"),
    ('divides Int / Long to get a Int', '-5 / 3000000000', "Int", 0),
    ('dividing Double / 0 results in Infinity', '2.34 / 0', "Double", "Infinity"),
    ('dividing Int / 0.0 results in Infinity', '234 / 0.0', "Double", "Infinity"),
    ('divides Long / Int to get a Long', '300000000000 / 5', "Long", 60000000000),
    ('dividing Long / 0.0 results in Infinity', '70000000000 / 0.0', "Double", "Infinity"),
    ('dividing (negative Long) / 0.0 results in -Infinity', '-70000000000 / 0.0', "Double", "-Infinity"),
    ('divides Long / Long to get a Int', '2147483648 / 2147483648', "Int", 1),
    ('divides Int / Double to get a Double', '3 / 9.8', "Double", 0.3061224489795918),
    ('divides Double / Int to get a Double', '5.8 / 9', "Double", 0.6444444444444444),
    ('divides Long / Double to get a Double', '8000000000 / 1.2', "Double", 6666666666.666667),
    ('divides Double / Long to get a Double', '54.321 / 8000000000', "Double", 6.790125e-09),
    ('divides Double / Double to get a Double', '2.71828182845904523536 / 3.14159265358979323846', "Double", 0.8652559794322651),
    ('divides integral Doubles to get a Double', '1.0 / 2.0', "Double", 0.5),
    ('if Double / Double overflows the result is Infinity', '1.7e308 / 1.7e-308', "Double", "Infinity"),
    ('if Double / Double underflows the result is -Infinity', '-1.7e308 / 1.7e-308', "Double", "-Infinity"),
    ('dividing (negative Double) / 0 results in -Infinity', '-2.34 / 0', "Double", "-Infinity"),
    ('dividing Double / 0.0 results in Infinity', '234e-9 / 0.0', "Double", "Infinity"),
    ('dividing (negative Double) / 0.0 results in -Infinity', '-234e-9 / 0.0', "Double", "-Infinity"),
    ('associates left-to-right', '81 / 9 / 9', "Int", 1),
]


@pytest.fixture(scope="module")
def db() -> fql.Database:
    return fql.connect(root_secret="secret")


@pytest.mark.parametrize("test, query, kind, expected", CASES, ids=[f"{t}: {q}" for t, q, _, _ in CASES])
def test_operator(db, test, query, kind, expected):
    data = ok(db, query)
    if kind == "Double" and not isinstance(expected, str):
        assert isinstance(data, float) and data == expected
    else:
        assert data == expected and type(data) is type(expected)
    tagged = ok(db, query, fmt="tagged")
    assert list(tagged) == [TAGS[kind]]


def test_dividing_int_by_zero_results_in_a_divide_by_zero_error(db):
    # 'dividing Int / 0 results in a divide_by_zero error'
    body = err(db, "234 / 0")
    assert body["error"] == {"code": "divide_by_zero", "message": "Attempted integer division by zero."}
    assert body["summary"] == summary("Attempted integer division by zero.", 1, "234 / 0", 7, 1)


@pytest.mark.parametrize(
    "query, text",
    [
        ("8000000000 * 1.2", "9.6E9"),
        ("54.321 / 8000000000", "6.790125E-9"),
        ("9000000000000000000 * 9000000000000000000", "8.1E37"),
        ("5 + 9.8", "14.8"),
        ("1.0 / 2.0", "0.5"),
    ],
)
def test_doubles_are_written_as_java_writes_them(db, query, text):
    # Core's JSON writer writes a Double in the simple format by Java's Double.toString ('multiplies Long *
    # Double to get a Double', 'divides Double / Long to get a Double', ...): `9.6E9`, not `9600000000.0`.
    response = v10.query(db, {"query": query, "arguments": {}}, "secret", {"x-typecheck": "true"}, 0)
    assert f'"data":{text},' in response.body.decode()
