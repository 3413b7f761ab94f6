"""Run every v10 fixture file (FQL_FIXTURE=<file> runs just one).

Expectations are v10 expressions, evaluated after the query in the same database, and compared by v10
equality made strict about numbers: 1 and 1.0 differ, as do 0.0 and -0.0, and NaN equals NaN.
"""

from __future__ import annotations

import math
import os
import re

import pytest

import fql
from fql.eval.v10 import arrays, misc, numbers, objects, strings, time  # noqa: F401 - registers the families
from fql.eval.v10.expressions import equal
from fql.render import to_fql10
from tests.fixtures import FIXTURES, load

FILES = sorted((FIXTURES / "v10").glob("*.fql"))

#: Cases that fail for reasons outside the family that owns the file, by (file, query): the reason.
#: A listed case that passes is reported, so that the entry gets removed.
KNOWN_GAPS = {
}
if os.environ.get("FQL_FIXTURE"):
    FILES = [f for f in FILES if f.name == os.environ["FQL_FIXTURE"] or str(f).endswith(os.environ["FQL_FIXTURE"])]


def same(a, b) -> bool:
    """v10 equality, except that numbers must also agree in kind (and floats in their exact value)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, float) and isinstance(b, float):
            return repr(a) == repr(b) or (math.isnan(a) and math.isnan(b))
        return type(a) is type(b) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return equal(a, b)


def check(db: fql.Database, case) -> str | None:
    """Run one case; return a description of the mismatch, or None."""
    where = f"line {case.line}: {case.query[:80]!r}"
    try:
        result = db.run_with_state(fql.parse(case.query, "v10"), syntax="v10", typecheck=case.typecheck)[0]
    except fql.FQLError as err:
        if case.error is None:
            return f"{where}: unexpected error {err.v10_code}: {err.description}"
        if err.v10_code != case.error:
            return f"{where}: error code {err.v10_code!r}, expected {case.error!r} ({err.description})"
        if case.description is not None and err.description != case.description:
            return f"{where}: description {err.description!r}, expected {case.description!r}"
        return None
    if case.error is not None:
        return f"{where}: expected error {case.error!r}, got {to_fql10(result)}"
    if case.expect is not None:
        expected = db.query(case.expect, syntax="v10")
        if not same(result, expected):
            return f"{where}: got {to_fql10(result)}, expected {to_fql10(expected)}"
    if case.match is not None and not re.search(case.match, to_fql10(result)):
        return f"{where}: got {to_fql10(result)}, expected to match {case.match!r}"
    return None


def outcome(db: fql.Database, path, case) -> str | None:
    """`check`, with known gaps excused (and reported once fixed) and crashes reported as failures."""
    try:
        failure = check(db, case)
    except Exception as err:  # a Python error escaping the evaluator is itself a bug to report
        failure = f"line {case.line}: {case.query[:80]!r}: crashed with {type(err).__name__}: {err}"
    gap = KNOWN_GAPS.get((path.name, case.query))
    if gap is not None:
        return f"line {case.line}: known gap now passes, remove it from KNOWN_GAPS ({gap})" if failure is None else None
    return failure


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_fixture_file(path):
    db = fql.connect()
    failures = [msg for case in load(path) if (msg := outcome(db, path, case))]
    assert not failures, "\n".join(failures)
