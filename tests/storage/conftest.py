"""The `store` fixture: every storage contract test runs against each backend."""

from __future__ import annotations

import pytest

from fql.database import open_storage
from tests.storage import backends


@pytest.fixture(params=backends.BACKENDS)
def store(request, tmp_path):
    with backends.database_url(request.param, tmp_path) as url:
        storage = open_storage(url)
        yield storage
        storage.close()


def pytest_terminal_summary(terminalreporter):
    """Say why the PostgreSQL tests were skipped, without -rs."""
    problem = backends.postgres_problem(checked_only=True)
    if problem is not None:
        terminalreporter.write_line(f"PostgreSQL tests skipped: {problem} (set FQL_TEST_POSTGRES)", yellow=True)
