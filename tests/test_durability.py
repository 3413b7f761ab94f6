"""Failure tests of the durable backends, with real processes: SIGKILL mid-write, concurrent writers, two servers.

Every process is forked from the test process (fql is already imported, so they start at once); the
servers run the `fql serve` command's entry point, `fql.cli.run(["serve", ...])`.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import time

import fql
from tests.storage.backends import postgres_url
from tests.storage.concurrency import exit_code, fork, serve

#: Documents each write query of the crash test creates, all or none.
BATCH = 20


def _setup(url: str) -> None:
    with fql.connect(url) as db:
        db.query('CreateCollection({name: "items"})')
        db.query('CreateCollection({name: "marks"})')
        db.query(
            'CreateIndex({name: "items_by_batch", source: Collection("items"), terms: [{field: ["data", "batch"]}]})'
        )
        db.query('Create(Ref(Collection("marks"), "1"), {data: {last: -1}})')


def _write_forever(url: str, batch: int, acks: int) -> None:
    """Queries of BATCH documents plus a marker update, each acknowledged on the `acks` pipe once it returns."""
    db = fql.connect(url)
    items = list(range(BATCH))
    while True:
        db.query(f"""Do(
            Map({items}, Lambda("i", Create(Collection("items"), {{data: {{batch: {batch}, i: Var("i")}}}}))),
            Update(Ref(Collection("marks"), "1"), {{data: {{last: {batch}}}}})
        )""")
        os.write(acks, f"{batch}\n".encode())
        batch += 1


def _batches(url: str) -> dict[int, int]:
    """How many documents each batch left, read back through a fresh connection (and its index)."""
    with fql.connect(url) as db:
        docs = db.query('Map(Paginate(Documents(Collection("items")), {size: 100000}), Lambda("r", Get(Var("r"))))')
        counts: dict[int, int] = {}
        for doc in docs.data:
            counts[doc["data"]["batch"]] = counts.get(doc["data"]["batch"], 0) + 1
        for batch, count in counts.items():
            assert db.query(f'Count(Match(Index("items_by_batch"), {batch}))') == count
        last = db.query('Select(["data", "last"], Get(Ref(Collection("marks"), "1")))')
    assert last == max(counts, default=-1), "the marker and the documents were written by the same queries"
    return counts


def test_sigkill_mid_write_keeps_every_acknowledged_query_whole(tmp_path):
    _kill_writers(f"sqlite://{tmp_path / 'crash.db'}")


def test_sigkill_mid_write_on_postgres_leaves_no_half_query_nor_lock():
    """PostgreSQL rolls a killed process's transaction back and frees the clock's lock: the next
    connection reads at once."""
    with postgres_url() as url:
        _kill_writers(url)


def _kill_writers(url: str) -> None:
    _setup(url)
    acknowledged = -1
    for wait in (0.1, 0.25, 0.4):
        read, write = os.pipe()
        writer = fork(_write_forever, url, acknowledged + 1, write)
        os.close(write)
        with os.fdopen(read) as acks:
            # Kill a while after the first acknowledgement, at a moment that differs per round.
            first = acks.readline()
            time.sleep(wait)
            os.kill(writer, signal.SIGKILL)
            exit_code(writer)
            acked = [int(line) for line in [first, *acks.readlines()] if line.strip()]
        assert acked, "the writer acknowledged nothing"
        counts = _batches(url)
        assert all(counts.get(b) == BATCH for b in range(max(acked) + 1)), "an acknowledged query is missing"
        assert set(counts.values()) == {BATCH}, f"a query is half there: {counts}"
        # The query in flight at the kill either committed whole or left nothing.
        assert max(counts) in (max(acked), max(acked) + 1)
        acknowledged = max(counts)


def _increment(url: str, times: int) -> None:
    with fql.connect(url) as db:
        for _ in range(times):
            db.query(
                'Let({r: Ref(Collection("counters"), "1")}, '
                'Update(Var("r"), {data: {n: Add(Select(["data", "n"], Get(Var("r"))), 1)}}))'
            )


def _count_concurrently(url: str, processes: int = 4, each: int = 25) -> int:
    with fql.connect(url) as db:
        db.query('CreateCollection({name: "counters"})')
        db.query('Create(Ref(Collection("counters"), "1"), {data: {n: 0}})')
    workers = [fork(_increment, url, each) for _ in range(processes)]
    assert [exit_code(pid) for pid in workers] == [0] * processes
    with fql.connect(url) as db:
        return db.query('Select(["data", "n"], Get(Ref(Collection("counters"), "1")))')


def test_processes_incrementing_one_counter_on_sqlite(tmp_path):
    assert _count_concurrently(f"sqlite://{tmp_path / 'count.db'}") == 100


def test_processes_incrementing_one_counter_on_postgres():
    with postgres_url() as url:
        assert _count_concurrently(url) == 100


def _query(port: int, secret: str, expr: dict) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/", json.dumps(expr), {"Authorization": f"Bearer {secret}"})
    response = conn.getresponse()
    return response.status, json.loads(response.read())


def test_two_servers_on_one_postgres_share_tokens_and_logouts():
    with postgres_url() as url:
        with fql.connect(url) as db:
            db.query('CreateCollection({name: "users"})')
            db.query('Create(Ref(Collection("users"), "1"), {credentials: {password: "pw"}, data: {name: "Ann"}})')
        (one, a), (other, b) = serve(url), serve(url)
        try:
            user = {"ref": {"collection": "users"}, "id": "1"}
            status, body = _query(a, "secret", {"login": user, "params": {"object": {"password": "pw"}}})
            assert status == 201, body
            token = body["resource"]["secret"]
            status, body = _query(b, token, {"select": ["data", "name"], "from": {"get": {"current_identity": None}}})
            assert (status, body.get("resource")) == (200, "Ann"), body
            assert _query(a, token, {"logout": False})[0] == 200
            status, body = _query(b, token, {"current_identity": None})
            assert status == 401, body
        finally:
            for pid in (one, other):
                os.kill(pid, signal.SIGKILL)
                exit_code(pid)


def _v10(port: int, path: str, body: dict, secret: str = "secret") -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", path, json.dumps(body), {"Authorization": f"Bearer {secret}", "X-Format": "tagged"})
    response = conn.getresponse()
    answer = json.loads(response.read())
    assert response.status == 200, answer
    return answer


def _stop(*pids: int) -> None:
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
        exit_code(pid)


def test_two_servers_on_one_postgres_share_writes_feeds_schema_and_outlive_a_restart():
    with postgres_url() as url:
        (one, a), (other, b) = serve(url), serve(url)
        try:
            # A collection made through A is typed by B's next query; B's write is read through A at once.
            _v10(a, "/query/1", {"query": 'Collection.create({ name: "P" }); 0'})
            made = _v10(b, "/query/1", {"query": "P.create({ n: 1 }).n"})
            read = _v10(a, "/query/1", {"query": "P.all().map(.n).toArray()"})
            assert (made["data"], read["data"]) == ({"@int": "1"}, [{"@int": "1"}])
            assert made["txn_ts"] < read["txn_ts"]
            # A feed page read on A resumes on B, with the writes made through either.
            source = _v10(a, "/query/1", {"query": "P.all().map(.n).eventSource()"})["data"]["@stream"]
            _v10(b, "/query/1", {"query": "P.create({ n: 2 }); 0"})
            first = _v10(a, "/feed/1", {"token": source})
            _v10(a, "/query/1", {"query": "P.create({ n: 3 }); 0"})
            rest = _v10(b, "/feed/1", {"token": source, "cursor": first["cursor"]})
            assert [e["data"] for page in (first, rest) for e in page["events"]] == [{"@int": "2"}, {"@int": "3"}]
            key = _v10(a, "/query/1", {"query": 'Key.create({ role: "server" }).secret'})["data"]
        finally:
            _stop(one, other)
        (again, c) = serve(url)
        try:
            kept = _v10(c, "/query/1", {"query": "P.all().map(.n).toArray()"}, secret=key)
            assert kept["data"] == [{"@int": "1"}, {"@int": "2"}, {"@int": "3"}]
        finally:
            _stop(again)
