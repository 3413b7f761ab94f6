"""Cases from core's FQL2IDSpec (ext/model/src/test/scala/fql2/stdlib/FQL2IDSpec.scala), run embedded. Each
test names the spec case (`group / case`).

Already in tests/fixtures/v10/misc.fql (values and messages), here only what it does not check: the errors'
spans, the values' kind (an ID, not a string), the signature, `ID(123) < '122'`.
Skipped: 'newId()' / 'counts as a read' checks core's effect levels with a model-test-only `Effect.Pure`
limit (`... which is not allowed in model tests.`), which no query can set.
"""

from __future__ import annotations

import pytest

import fql
from fql.values import ID
from tests.core_scalar_helpers import err, ok, signatures
from tests.helpers import type_of


@pytest.fixture(scope="module")
def db() -> fql.Database:
    return fql.connect()


@pytest.mark.parametrize("query", ["ID(123)", "ID('123')"])
def test_apply_can_construct_from_numbers_and_strings(db, query):
    # 'apply' / 'can construct from numbers and strings'
    assert ok(db, query) == ID(123)
    assert type_of(db, query) == "ID"


@pytest.mark.parametrize(
    "query, shown, span",
    [
        # 'apply' / 'rejects invalid strings'
        ("ID('foo')", '"foo"', (2, 9)),
        # 'apply' / 'rejects doubles'
        ("ID(12.3)", "12.3", (2, 8)),
        ("ID(12333333333333333333333333333333333333333333333333)", "1.2333333333333334E49", (2, 54)),
    ],
)
def test_apply_rejects(db, query, shown, span):
    assert err(db, query) == ("invalid_id", f"`{shown}` is not a valid ID.", span)


def test_to_string(db):
    # 'toString' / 'has signature toString() => String', 'works'
    assert signatures(db, "ID(123).toString") == ["toString() => String"]
    assert ok(db, "ID(123).toString()") == "123"


def test_comparison_compares_with_strings(db):
    # 'comparison' / 'compares with strings' (its other queries, and 'compares with numbers', in misc.fql)
    assert ok(db, "ID(123) < '122'") is False
