"""Memory, SQLite and PostgreSQL answer a seeded random sequence of v4 and v10 queries alike, and hold the same
state after each (tests/storage/lockstep.py; `python -m tests.storage.lockstep FIRST LAST` runs more seeds).
Without a PostgreSQL server, memory and SQLite are compared."""

from __future__ import annotations

import os

import pytest

from fql.storage.sqlite import SQLTransaction

from .backends import postgres_problem, require_postgres
from .lockstep import Labels, run_seed


@pytest.mark.parametrize("seed", [1, 2])
def test_backends_answer_alike(seed):
    backends = ["memory", "sqlite"]
    if postgres_problem() is None:
        backends.append("postgres")
    elif os.environ.get("FQL_REQUIRE_POSTGRES") == "1":
        require_postgres()  # fails, saying why
    differences = run_seed(seed, 15, backends, state_every=3)
    assert not differences, "\n".join(map(str, differences))


def test_a_fault_in_one_backend_is_found(monkeypatch):
    # An index range read on SQLite that loses its first entry: the state check's range reads see it.
    scan = SQLTransaction.index_scan

    def faulty(self, index, terms, *, lo=None, hi=None, reverse=False):
        entries = scan(self, index, terms, lo=lo, hi=hi, reverse=reverse)
        if lo is not None and hi is not None:
            next(entries, None)
        return entries

    monkeypatch.setattr(SQLTransaction, "index_scan", faulty)
    differences = run_seed(3, 12, ["memory", "sqlite"])
    assert differences and "state" in differences[0].what


def test_only_what_a_backend_chooses_is_labelled():
    # The comparison sees through labels only what the backends choose: a real difference still shows.
    labels = [Labels(), Labels()]
    same = [lb.plain({"ts": 1_700_000_000_000_000 + i, "id": str(10**17 + i)}) for i, lb in enumerate(labels)]
    assert same[0] == same[1]
    assert labels[0].plain({"n": 1}) != labels[1].plain({"n": 2})
