"""Core's SnowFlakeSpec (ext/snowflake) against the ids `NewId()` and `newId()` hand out through `fql serve`:
numeric Long strings, each greater than the last, never handed out twice, a frozen clock and many clients
at once notwithstanding."""

from __future__ import annotations

import threading
import types

import pytest

import fql
from fql.server import ServerThread
from fql.storage import base

from .conftest import Raw

LONG_MAX = 2**63 - 1
#: SnowFlakeSpec's SequenceBits: the ids one worker hands out in one millisecond of a frozen clock.
SEQUENCE = 1024


def ids(raw: Raw, count: int) -> list[int]:
    """`count` new ids from one v10 query, in the order it made them."""
    status, _, body = raw("POST", "/query/1", f'{{"query": "Set.sequence(0, {count}).map(_ => newId()).toArray()"}}')
    assert status == 200, body
    return [int(found) for found in body["data"]]


@pytest.fixture
def frozen(monkeypatch):
    """The clock ids are made from, stopped (SnowFlakeSpec's TestClock)."""
    now = base.time.time_ns()
    monkeypatch.setattr(base, "time", types.SimpleNamespace(time_ns=lambda: now))


@pytest.fixture(params=["memory", "sqlite"])
def server(request, tmp_path):
    url = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'ids.db'}"
    with ServerThread(fql.connect(url)) as running:
        yield running


def test_ids_are_longs_written_as_their_digits(server):
    """Core's IDSource makes a Long: `newId()` is an ID, written as its digits in every format, and
    NewId a string of them."""
    raw = Raw(server.port)
    for fmt in ("simple", "tagged"):
        status, _, body = raw("POST", "/query/1", '{"query": "newId()"}', headers={"x-format": fmt})
        assert status == 200 and body["data"].isdigit() and 0 < int(body["data"]) <= LONG_MAX, body
        assert body["static_type"] == "ID"
    status, _, body = raw.query({"new_id": None})
    assert status == 200 and body["resource"].isdigit() and 0 < int(body["resource"]) <= LONG_MAX


def test_each_id_is_greater_than_the_last(server):
    """SnowFlakeSpec "works": two ids, the second greater; within a query and from one query to the next."""
    raw = Raw(server.port)
    made = ids(raw, 3) + ids(raw, 3) + [int(raw.query({"new_id": None})[2]["resource"])]
    assert made == sorted(set(made))


def test_a_stopped_clock_still_gives_greater_ids(server, frozen):
    """SnowFlakeSpec "Stop Clock generate IDs", "Generate max IDS with clock stopped": with the clock
    frozen, a whole millisecond's worth of ids, each greater than the last, and more after it."""
    raw = Raw(server.port)
    made = ids(raw, SEQUENCE) + ids(raw, SEQUENCE)
    assert made == sorted(set(made)) and len(made) == 2 * SEQUENCE


def test_an_id_of_an_aborted_query_is_not_handed_out_again(server, frozen):
    """Core's IDSource is the process's, whatever becomes of the transaction that asked: an id an aborted
    query made (and showed its client) is never another's, the clock frozen or not."""
    raw = Raw(server.port)
    aborted = raw.query({"abort": {"new_id": None}})[2]["errors"][0]["description"]
    v10 = raw("POST", "/query/1", '{"query": "abort(newId())"}')[2]["error"]["abort"]
    failed = raw("POST", "/query/1", '{"query": "let x = newId(); x + 1"}')[0]
    assert failed == 400
    after = ids(raw, 2)
    assert int(aborted) < int(v10) < after[0] < after[1]


def test_many_clients_at_once_never_get_the_same_id(server):
    """SnowFlakeSpec "Multiple workers with stop-n-go clock": ids asked for at once from many clients
    (and many connections) are all different."""
    found: list[list[int]] = []

    def ask() -> None:
        raw = Raw(server.port)
        for _ in range(10):
            found.append(ids(raw, 20))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [one for batch in found for one in batch]
    assert len(found) == 80 and len(set(every)) == len(every) == 1600
    assert all(batch == sorted(batch) for batch in found)


def test_two_servers_on_one_database_file_never_give_the_same_id(tmp_path):
    """Two servers (as two processes would) on one SQLite file: their ids never meet, as core's workers'
    ids never do."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    found: list[int] = []
    with ServerThread(fql.connect(url)) as first, ServerThread(fql.connect(url)) as second:

        def ask(port: int) -> None:
            raw = Raw(port)
            for _ in range(15):
                found.extend(ids(raw, 10))

        threads = [threading.Thread(target=ask, args=(s.port,)) for s in (first, second, first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(set(found)) == len(found) == 600
