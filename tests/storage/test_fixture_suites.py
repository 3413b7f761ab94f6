"""The v4 and v10 fixture suites again, on SQLite and PostgreSQL: every backend answers as memory does."""

from __future__ import annotations

import pytest

import fql
from tests import test_fixtures_v4 as v4
from tests import test_fixtures_v10 as v10
from tests.fixtures import load
from tests.storage.backends import database_url

#: SQLite in a temporary file; commits skip the fsync (crash safety has its own tests), to stay fast.
BACKENDS = ["sqlite", "postgres"]


def _run(backend: str, tmp_path, failures_of) -> None:
    with database_url(backend, tmp_path) as url:
        db = fql.connect(url + ("?synchronous=normal" if backend == "sqlite" else ""))
        try:
            failures = failures_of(db)
        finally:
            db.close()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("path", v4.FILES, ids=[f.stem for f in v4.FILES])
def test_v4_fixture_file(backend, path, tmp_path):
    _run(backend, tmp_path, lambda db: [msg for case in load(path) if (msg := v4.check(db, case))])


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("path", v10.FILES, ids=[f.stem for f in v10.FILES])
def test_v10_fixture_file(backend, path, tmp_path):
    _run(backend, tmp_path, lambda db: [msg for case in load(path) if (msg := v10.outcome(db, path, case))])
