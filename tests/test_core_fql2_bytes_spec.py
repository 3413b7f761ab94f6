"""Cases from core's FQL2BytesSpec (ext/model/src/test/scala/fql2/stdlib/FQL2BytesSpec.scala): the signatures
of Bytes' members (`testStaticSig`, `testSig`). Its 'works' cases (`Bytes.fromBase64('AQID')`, `Bytes('AQID')`,
`toBase64()`, `toString()`) are in tests/fixtures/v10/misc.fql."""

from __future__ import annotations

import pytest

import fql
from tests.core_scalar_helpers import signatures


@pytest.fixture(scope="module")
def db() -> fql.Database:
    return fql.connect()


@pytest.mark.parametrize(
    "member, expected",
    [
        ("Bytes.fromBase64", "fromBase64(encoded: String) => Bytes"),
        ("Bytes('AQID').toBase64", "toBase64() => String"),
        ("Bytes('AQID').toString", "toString() => String"),
    ],
)
def test_has_signature(db, member, expected):
    # 'fromBase64' / 'has signature ...', 'toBase64' / 'has signature ...', 'toString' / 'has signature ...'
    assert signatures(db, member) == [expected]
