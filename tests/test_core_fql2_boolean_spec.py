"""Cases from core's model FQL2BooleanSpec (ext/model/src/test/scala/fql2/stdlib/FQL2BooleanSpec.scala), run
embedded: a function's static type (core's `typeStr`), the value, or the error's code, message and span
(offsets into the query, core's `Span(start, end)`). Each test names the spec case (`group / case`).

The api FQL2BooleanSpec's operator cases are in tests/fixtures/v10/core_api_scalar_operators.fql.
"""

from __future__ import annotations

import pytest

import fql
from tests.core_scalar_helpers import err, ok
from tests.helpers import type_of


@pytest.fixture
def db() -> fql.Database:
    return fql.connect()


@pytest.mark.parametrize("op", ["&&", "||"])
def test_types_as_boolean_operator(db, op):
    # '&&' / 'types as boolean operator', '||' / 'types as boolean operator'
    assert type_of(db, f"(a, b) => a {op} b") == "(Boolean, Boolean) => Boolean"


@pytest.mark.parametrize("query, expected", [("false && { Thing.create({}); true }", False), ("true || { Thing.create({}); false }", True)])
def test_short_circuits(db, query, expected):
    # '&&' / 'short-circuits', '||' / 'short-circuits': the right operand is not run.
    ok(db, 'Collection.create({ name: "Thing" })')
    assert ok(db, query) is expected
    assert ok(db, "Thing.all().first()") is None


MISMATCH = "expected type: Boolean, received Null"


@pytest.mark.parametrize(
    "query, span",
    [("null && true", (0, 4)), ("true && null", (8, 12)), ("null || false", (0, 4)), ("false || null", (9, 13))],
)
def test_checks_runtime_args(db, query, span):
    # '&&' / 'checks runtime args', '||' / 'checks runtime args': the mismatch points at the operand.
    assert err(db, query, typecheck=False) == ("type_mismatch", MISMATCH, span)
