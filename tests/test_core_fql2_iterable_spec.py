"""Core's FQL2IterableSpec (ext/model/src/test/scala/fql2/stdlib/FQL2IterableSpec.scala): the cases that
check the static typechecker's errors and their spans. Its other cases are in
tests/fixtures/v10/core_fql2_iterable.fql.

Skipped: the `has signature` cases, which compare
core's typer table rendered by its lookupSig; fql's table is fql/eval/v10/stdlib_types.py
(tests/test_stdlib_types.py).
"""

from __future__ import annotations

import pytest

import fql
from tests.helpers import check_errors as errors_of


@pytest.fixture(scope="module")
def db() -> fql.Database:
    return fql.connect()


def run_unchecked(db: fql.Database, query: str) -> tuple[str, str]:
    with pytest.raises(fql.FQLError) as failed:
        db.run_with_state(fql.parse(query, "v10"), syntax="v10", typecheck=False)
    return failed.value.v10_code, failed.value.description


# "concat / <array>.concat(<set>) does not work"
def test_array_concat_of_a_set(db):
    assert errors_of(db, "[1, 2].concat([3, 4].toSet())") == [
        ("Type `Set<3 | 4>` is not a subtype of `Array<Any>`", 14, 28)
    ]


# "concat / <set>.concat(<array>) does not work"
def test_set_concat_of_an_array(db):
    assert errors_of(db, "[1, 2].toSet().concat([3, 4]).paginate()") == [
        ("Type `[3, 4]` is not a subtype of `Set<Any>`", 22, 28)
    ]


# "flatMap / [].flatMap(Set<>) does not work"
def test_array_flat_map_to_sets(db):
    assert errors_of(db, "[1, 2, 3, 4].flatMap(v => [v, v + 10].toSet())") == [
        ("Type `Set<Number>` is not a subtype of `Array<Any>`", 21, 45)
    ]


# "flatMap / Set<>.flatMap([]) does not work": the lambda's items typed before its parameter is bound (core's
# FIXME: `v` shows as Never).
def test_set_flat_map_to_arrays(db):
    assert errors_of(db, "[1, 2, 3, 4].toSet().flatMap(v => [v, v + 10]).paginate()") == [
        ("Type `[Never, Number]` is not a subtype of `Set<Any>`", 34, 45)
    ]


# Unchecked, the same calls fail as core's runtime fails them: Set.concat takes a Set (its `other` is a
# Set<B>), and a FlatMapSet's function must give sets (InvalidType with Set<Any>), as Array.flatMap's arrays.
@pytest.mark.parametrize(
    ("query", "error"),
    [
        (
            "[1, 2].toSet().concat([3, 4]).paginate()",
            ("invalid_argument", "expected value for `other` of type Set<Any>, received Array<Any>"),
        ),
        (
            "[1, 2, 3, 4].toSet().flatMap(v => [v, v + 10]).paginate()",
            ("type_mismatch", "expected type: Set<Any>, received Array<Any>"),
        ),
        (
            "[1, 2].concat([3, 4].toSet())",
            ("invalid_argument", "expected value for `other` of type Array<Any>, received Set<Any>"),
        ),
        ("[1, 2, 3, 4].flatMap(v => [v, v + 10].toSet())", ("type_mismatch", "expected type: Array<Any>, received Set<Any>")),
    ],
)
def test_unchecked_container_mismatches_fail_at_runtime(db, query, error):
    assert run_unchecked(db, query) == error
