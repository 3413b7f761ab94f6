"""Serializable isolation with many processes on one SQLite file or PostgreSQL database at once.

Each workload of tests/storage/concurrency.py runs in four processes, each embedding an fql.Database on the
URL, and through `fql serve` processes; its invariant is checked on the database afterwards, and its committed
writes are replayed in time order. Small sizes here; bench/concurrency.py runs them bigger.
"""

from __future__ import annotations

import pytest

from tests.storage import concurrency
from tests.storage.backends import database_url

#: Documents (accounts, emails, days, groups, items) per workload: few, so that queries collide.
SIZES = {"bank": 4, "counter": 1, "unique_index": 3, "unique_constraint": 3, "empty_range": 3, "on_call": 2,
         "delete_update": 3, "failures": 1}


@pytest.fixture(params=["sqlite", "postgres"])
def url(request, tmp_path):
    with database_url(request.param, tmp_path) as found:
        yield found


@pytest.mark.parametrize("name", sorted(SIZES))
def test_embedding_processes_keep_the_invariant(url, name):
    records = concurrency.run(concurrency.WORKLOADS[name](SIZES[name]), url, workers=4, ops=15, seed=1)
    assert any(r["ok"] for r in records)


@pytest.mark.parametrize("name", ["counter", "empty_range", "delete_update"])
def test_servers_keep_the_invariant(url, name):
    """Three `fql serve` processes on one database, two clients each, v4 and v10 mixed: replayed in the
    order of the times they answered (v4's X-Txn-Time, v10's txn_ts)."""
    records = concurrency.run(concurrency.WORKLOADS[name](SIZES[name]), url, workers=6, ops=12, servers=3, seed=2)
    assert any(r["ok"] for r in records)
