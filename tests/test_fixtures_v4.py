"""Run every v4 fixture file (FQL_FIXTURE=<file> runs just one)."""

from __future__ import annotations

import os
import re

import pytest

import fql
from fql import collation
from tests.fixtures import FIXTURES, load

FILES = sorted((FIXTURES / "v4").glob("*.fql"))
if os.environ.get("FQL_FIXTURE"):
    FILES = [f for f in FILES if f.name == os.environ["FQL_FIXTURE"] or str(f).endswith(os.environ["FQL_FIXTURE"])]


def check(db: fql.Database, case) -> str | None:
    """Run one case; return a description of the mismatch, or None."""
    where = f"line {case.line}: {case.query[:80]!r}"
    try:
        result = db.query(case.query)
    except fql.FQLError as err:
        if case.error is None:
            return f"{where}: unexpected error {err}"
        if err.code != case.error:
            return f"{where}: error code {err.code!r}, expected {case.error!r} ({err.description})"
        if case.description is not None and err.description != case.description:
            return f"{where}: description {err.description!r}, expected {case.description!r}"
        if case.position is not None and list(err.position) != case.position:
            return f"{where}: position {list(err.position)!r}, expected {case.position!r}"
        return None
    if case.error is not None:
        return f"{where}: expected error {case.error!r}, got {fql.to_fql(result)}"
    if case.expect is not None:
        expected = db.query(case.expect)
        if collation.encode(result) != collation.encode(expected):
            return f"{where}: got {fql.to_fql(result)}, expected {fql.to_fql(expected)}"
    if case.match is not None and not re.search(case.match, fql.to_fql(result)):
        return f"{where}: got {fql.to_fql(result)}, expected to match {case.match!r}"
    return None


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_fixture_file(path):
    db = fql.connect()
    failures = [msg for case in load(path) if (msg := check(db, case))]
    assert not failures, "\n".join(failures)
