"""Test databases on each backend: a SQLite file in a temporary directory, a fresh PostgreSQL schema.

PostgreSQL tests use `FQL_TEST_POSTGRES` (default postgresql://postgres@127.0.0.1:5432/test), each in its
own schema, dropped afterwards. Without a reachable server they are skipped, with the reason shown; with
`FQL_REQUIRE_POSTGRES=1` (CI) they fail instead.
"""

from __future__ import annotations

import contextlib
import functools
import os
import uuid
from pathlib import Path

import pytest

#: Where PostgreSQL tests connect.
POSTGRES_URL = os.environ.get("FQL_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
#: The backends every storage test runs on.
BACKENDS = ["memory", "sqlite", "postgres"]


def postgres_problem(checked_only: bool = False) -> str | None:
    """Why PostgreSQL tests cannot run here, or None when they can (or, with `checked_only`, were not tried)."""
    if checked_only and _probe.cache_info().currsize == 0:
        return None
    return _probe()


@functools.cache
def _probe() -> str | None:
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
    except psycopg.Error as exc:
        return f"no PostgreSQL at {POSTGRES_URL}: {str(exc).strip().splitlines()[0]}"
    return None


def require_postgres() -> None:
    """Skip the calling test without a server, or fail it when FQL_REQUIRE_POSTGRES=1."""
    problem = postgres_problem()
    if problem is None:
        return
    if os.environ.get("FQL_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"FQL_REQUIRE_POSTGRES=1 but {problem}")
    pytest.skip(problem)


@contextlib.contextmanager
def postgres_url():
    """A URL of a new, empty schema on the test server; the schema is dropped afterwards."""
    require_postgres()
    import psycopg

    schema = "fql_test_" + uuid.uuid4().hex[:12]
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{sep}fql_schema={schema}"
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@contextlib.contextmanager
def database_url(backend: str, tmp_path: Path):
    """A URL of an empty database on `backend`."""
    if backend == "memory":
        yield "memory://"
    elif backend == "sqlite":
        yield f"sqlite://{tmp_path / 'fql.db'}"
    else:
        with postgres_url() as url:
            yield url


@contextlib.contextmanager
def connected(backend: str, tmp_path: Path, **options):
    """An fql Database on an empty database of `backend` (`options` as fql.connect takes them), closed after."""
    import fql

    with database_url(backend, tmp_path) as url:
        database = fql.connect(url, **options)
        try:
            yield database
        finally:
            database.close()
