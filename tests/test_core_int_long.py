"""v10's two integer types, Int and Long, as core keeps them apart.

Core's Value has Int (32 bits) and Long (64 bits) (ext/repo values/Value.scala). Its operators build their
results with Value.Number, an Int wherever the value fits (model runtime/fql2/stdlib/Numbers.scala), while
a `{"@long": ...}` argument (serialization/UndecidedValue.scala), `parseLong`, `Date.difference`,
`Math.round`/`Math.trunc` of an integer, `Math.abs`/`ceil`/`floor` and unary `-` of a Long answer a Long
whatever its size. The tagged format writes each as its own tag (MaterializedValue.scala: `@int`, `@long`).
Storage keeps one integer type (IRValueConversion: LongV), read back through Value.Number.

Each case goes through the v10 endpoint with the tagged format, as a driver sends and reads it.
"""

from __future__ import annotations

import pytest

import fql
from tests.helpers import QueryEndpoint
from tests.storage.backends import BACKENDS, connected

LONG_MAX, LONG_MIN = 2**63 - 1, -(2**63)


ENDPOINT = QueryEndpoint(fmt="tagged")


def tagged(db: fql.Database, query: str, **arguments) -> object:
    return ENDPOINT.ok(db, query, arguments=arguments)


def long_(n: int) -> dict:
    return {"@long": str(n)}


def int_(n: int) -> dict:
    return {"@int": str(n)}


@pytest.fixture(scope="module")
def db() -> fql.Database:
    return fql.connect(root_secret="secret")


CASES = [
    # (query, arguments, tagged answer)
    # The wire: each tag comes back as sent, in any position.
    ("x", {"x": long_(5)}, long_(5)),
    ("x", {"x": int_(5)}, int_(5)),
    ("x", {"x": long_(LONG_MAX)}, long_(LONG_MAX)),
    ("[x, { a: x }]", {"x": long_(-7)}, [long_(-7), {"a": long_(-7)}]),
    ("let y = x; [y].toSet().toArray()", {"x": long_(0)}, [long_(0)]),
    # Literals: an Int where the value fits, else a Long (Value.Number of the literal's BigInt).
    ("[2147483647, 2147483648, -2147483648, -2147483649]", {},
     [int_(2147483647), long_(2147483648), int_(-2147483648), long_(-2147483649)]),
    # Binary operators: Value.Number picks the kind of the result, whatever the operands'.
    ("[x + 1, x - 10, x * x, x / 2, x % 3, x ** 2]", {"x": long_(5)},
     [int_(6), int_(-5), int_(25), int_(2), int_(2), int_(25)]),
    ("[x + 1, x * 2]", {"x": int_(2147483647)}, [long_(2147483648), long_(4294967294)]),
    ("x + 1.5", {"x": long_(5)}, {"@double": "6.5"}),
    ("x + 3000000000", {"x": long_(5)}, long_(3000000005)),
    # addExact fails over to Double arithmetic.
    ("x + 1", {"x": long_(LONG_MAX)}, {"@double": "9.223372036854776E18"}),
    ("[~x, x & 4, x | 2, x ^ 1]", {"x": long_(5)}, [int_(-6), int_(4), int_(7), int_(4)]),
    # Unary minus keeps the operand's type, and wraps as Java does.
    ("-x", {"x": long_(5)}, long_(-5)),
    ("-x", {"x": long_(-2147483648)}, long_(2147483648)),
    ("-x", {"x": long_(LONG_MIN)}, long_(LONG_MIN)),
    ("-x", {"x": int_(-2147483648)}, int_(-2147483648)),
    ("-x", {"x": long_(2147483648)}, long_(-2147483648)),
    ("-(-2147483648)", {}, int_(-2147483648)),
    # Equality and order see one number.
    ("[x == 5, x < 6, x == 5.0, [x, 5].distinct(), [5, x].distinct()]", {"x": long_(5)},
     [True, True, True, [long_(5)], [int_(5)]]),
    ("[x, 1].order()", {"x": long_(5)}, [int_(1), long_(5)]),
    # isa: each type module holds only its own kind (IntCompanion, LongCompanion).
    ("[x isa Long, x isa Int, x isa Number]", {"x": long_(5)}, [True, False, True]),
    ("[x isa Long, x isa Int, x isa Number]", {"x": int_(5)}, [False, True, True]),
    ("[5 isa Long, 3000000000 isa Long, 3000000000 isa Int, 1.0 isa Long]", {}, [False, True, False, False]),
    # Math: abs, ceil and floor keep the kind; round and trunc make an integer a Long; max and min answer
    # an operand; sum adds through Value.Number.
    ("[Math.abs(x), Math.ceil(x), Math.floor(x)]", {"x": long_(-5)}, [long_(5), long_(-5), long_(-5)]),
    ("[Math.abs(x), Math.ceil(x), Math.floor(x)]", {"x": int_(-5)}, [int_(5), int_(-5), int_(-5)]),
    ("Math.abs(x)", {"x": long_(-2147483648)}, long_(2147483648)),
    ("Math.abs(x)", {"x": int_(-2147483648)}, int_(-2147483648)),
    ("Math.abs(x)", {"x": long_(LONG_MIN)}, long_(LONG_MIN)),
    ("[Math.round(x, 0), Math.round(15, -1), Math.trunc(x, 0), Math.trunc(19, -1)]", {"x": int_(5)},
     [long_(5), long_(20), long_(5), long_(10)]),
    ("[Math.round(1.5, 0), Math.trunc(1.5, 0)]", {}, [{"@double": "2.0"}, {"@double": "1.0"}]),
    ("[Math.max(x, 1), Math.min(x, 9), Math.max(1, x)]", {"x": long_(5)}, [long_(5), long_(5), long_(5)]),
    ("[Math.sum([x]), Math.sum([x, x]), Math.sign(x)]", {"x": long_(5)}, [int_(5), int_(10), int_(1)]),
    # An Int parameter takes a Long that fits (TypeTag.Int.cast).
    ("['ab'.at(x), Math.round(1.25, x)]", {"x": long_(1)}, ["b", {"@double": "1.3"}]),
    # Strings and dates: parseLong and Date.difference answer Longs; parseNumber the narrowest kind.
    ("['5'.parseLong(), 'ff'.parseLong(16), '5'.parseInt(), '5'.parseNumber(), '3000000000'.parseNumber()]", {},
     [long_(5), long_(255), int_(5), int_(5), long_(3000000000)]),
    ("Date('2024-01-02').difference(Date('2024-01-01'))", {}, long_(1)),
    ('[x.toString(), "n=#{x}"]', {"x": long_(5)}, ["5", "n=5"]),
]


@pytest.mark.parametrize("query, arguments, expected", CASES, ids=[f"{i}-{c[0][:40]}" for i, c in enumerate(CASES)])
def test_int_and_long(db, query, arguments, expected):
    assert tagged(db, query, **arguments) == expected


def test_type_names_in_errors(db):
    """Core names a Long's type `Long` where it names an Int's `Int` (its dynamicType)."""
    body = ENDPOINT.body(db, "x.foo()", arguments={"x": long_(5)})
    assert body["error"]["message"] == "The function `foo` does not exist on `Long`"
    body = ENDPOINT.body(db, "'a'.concat(x)", arguments={"x": long_(5)})
    assert body["error"]["message"] == "expected value for `other` of type String, received Long"


@pytest.mark.parametrize("backend", BACKENDS)
def test_storage_reads_integers_back_by_size(backend, tmp_path):
    """Core writes every integer as an IR LongV and reads it back through Value.Number: a stored Long that
    fits an Int is an Int when read, in the writing query too, and a v4 read sees the same number."""
    with connected(backend, tmp_path, root_secret="secret") as db:
        tagged(db, "Collection.create({ name: 'N', indexes: { byN: { terms: [{ field: '.n' }], values: [{ field: '.n' }] } } })")
        written = tagged(db, "N.create({ n: x, big: y, all: [x, { z: x }] }) { n, big, all }", x=long_(5), y=long_(2**40))
        assert written == {"n": int_(5), "big": long_(2**40), "all": [int_(5), {"z": int_(5)}]}
        assert tagged(db, "N.all().first()! { n, big, all }") == written
        # An index term given as a Long finds the Int stored, and an index value reads back an Int.
        assert tagged(db, "N.byN(x).map(.n).toArray()", x=long_(5)) == [int_(5)]
        assert tagged(db, "N.byN(5).first()!.n isa Int") is True
        doc = db.query("Select(['data'], Get(Select([0], Paginate(Documents(Collection('N'))))))")
        assert doc == {"n": 5, "big": 2**40, "all": [5, {"z": 5}]}
        # A v4 write's integers are read in v10 by size too (v4's numbers are all LongV).
        db.query("Create(Collection('N'), { data: { n: 6, big: 3000000000 } })")
        assert tagged(db, "N.byN(6).first()! { n, big }") == {"n": int_(6), "big": long_(3000000000)}
