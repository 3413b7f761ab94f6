"""What only the durable backends promise: data outlives the process, a schema version, a shared clock and ids."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import threading
import time

import pytest

import fql
from fql import collation
from fql.collation import tuple_key
from fql.database import open_storage
from fql.errors import (
    ContendedTransaction,
    InvalidArgument,
    SchemaVersionError,
    StoreUnavailable,
)
from fql.database import MAX_RETRIES
from fql.storage.base import Conflict, DocKey, Entry, IndexKey, Version
from fql.storage.sqlite import SCHEMA_VERSION
from fql.values import UUID, Bytes, Date, Ref, SetRef, Timestamp
from tests.storage.backends import database_url

KEY = DocKey("", "users", "1")
IDX = IndexKey("", "by_name")


@pytest.fixture(params=["sqlite", "postgres"])
def url(request, tmp_path):
    with database_url(request.param, tmp_path) as found:
        yield found


def _commit(store, write) -> int:
    txn = store.begin()
    write(txn)
    txn.commit()
    return txn.ts


def test_everything_survives_a_reopen(url):
    store = open_storage(url)
    _commit(store, lambda txn: txn.put(Version(KEY, txn.ts, {"v": 1})))
    ts = _commit(store, lambda txn: txn.put(Version(KEY, txn.ts, {"v": 2}, ttl=txn.ts + 5)))
    _commit(store, lambda txn: txn.index_put(IDX, b"t", Entry(tuple_key(["Ann"]), ("Ann",), KEY)))
    ids = [_next_id(store) for _ in range(3)]
    store.close()
    store = open_storage(url)
    txn = store.begin()
    assert txn.get(KEY) == Version(KEY, ts, {"v": 2}, ts + 5)
    assert [v.data for v in txn.history(KEY)] == [{"v": 1}, {"v": 2}]
    assert [e.values for e in txn.index_scan(IDX, b"t")] == [("Ann",)]
    assert txn.ts > ts and txn.next_id() > max(ids)
    txn.rollback()
    store.close()


def _next_id(store) -> int:
    txn = store.begin()
    found = txn.next_id()
    txn.commit()
    return found


def test_two_connections_share_the_clock_and_ids(url):
    a, b = open_storage(url), open_storage(url)
    stamps, ids = [], []
    for store in (a, b, a, b, b, a):
        txn = store.begin()
        stamps.append(txn.ts)
        ids.append(txn.next_id())
        txn.commit()
    assert stamps == sorted(set(stamps)) and ids == sorted(set(ids))
    a.close()
    b.close()


def test_a_cached_document_is_reread_after_another_connection_writes(url):
    a, b = open_storage(url), open_storage(url)
    _commit(a, lambda txn: txn.put(Version(KEY, txn.ts, {"v": 1})))
    txn = b.begin()
    assert txn.get(KEY).data == {"v": 1}
    txn.rollback()
    _commit(a, lambda txn: txn.put(Version(KEY, txn.ts, {"v": 2})))
    txn = b.begin()
    assert txn.get(KEY).data == {"v": 2}
    txn.rollback()
    a.close()
    b.close()


def _stamp_newer_schema(url: str, version: int = SCHEMA_VERSION + 1) -> None:
    if url.startswith("sqlite:"):
        with sqlite3.connect(url[len("sqlite://") :]) as conn:
            conn.execute("UPDATE fql_schema SET version = ?", (version,))
        return
    import psycopg

    base, _, schema = url.partition("?fql_schema=")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'UPDATE "{schema}".fql_schema SET version = %s', (version,))


def _schema_version(url: str) -> int:
    if url.startswith("sqlite:"):
        with sqlite3.connect(url[len("sqlite://") :]) as conn:
            return conn.execute("SELECT version FROM fql_schema").fetchone()[0]
    import psycopg

    base, _, schema = url.partition("?fql_schema=")
    with psycopg.connect(base, autocommit=True) as conn:
        return conn.execute(f'SELECT version FROM "{schema}".fql_schema').fetchone()[0]


def test_a_store_with_code_point_ordered_index_keys_is_refused(url):
    """Version 1 stores sorted strings in index keys by code point; their entries would be read out of
    order now that strings sort by ICU's collation, so such a store is refused with what to do."""
    with fql.connect(url) as db:
        db.query('CreateCollection({name: "users"})')
        db.query('CreateIndex({name: "by_name", source: Collection("users"), values: [{field: ["data", "name"]}]})')
        db.query('Create(Collection("users"), {data: {name: "Bob"}})')
    _stamp_newer_schema(url, 1)
    with pytest.raises(SchemaVersionError, match="schema version 1: its index entries sort strings by code point"):
        open_storage(url)
    assert _schema_version(url) == 1


def test_a_store_without_index_entries_is_restamped(url):
    """A version 1 store with no index entries holds nothing whose order changed: it opens, restamped."""
    open_storage(url).close()
    _stamp_newer_schema(url, 1)
    open_storage(url).close()
    assert _schema_version(url) == SCHEMA_VERSION == 3


def _ref_key_v2(ref: Ref) -> bytes:
    """A ref's key in storage version 2: its database, then its collection, then its id."""
    database = b"\x01" + _ref_key_v2(ref.database) if ref.database is not None else b"\x00"
    collection = b"\x01" + _ref_key_v2(ref.collection) if ref.collection is not None else b"\x00"
    return database + collection + collation.id_key(ref.id)


@contextlib.contextmanager
def _version_2_keys(monkeypatch):
    """Keys made as storage version 2 made them: refs by collection before id, every double apart from
    the Longs."""
    exact = collation.encode
    with monkeypatch.context() as m:
        m.setattr("fql.collation.encode", lambda value, numeric=False: exact(value))
        m.setattr("fql.collation.ref_key", _ref_key_v2)
        yield


def test_version_2_keys_are_upgraded(monkeypatch):
    """collation.upgraded gives a version 2 key's key now, for each kind of value, inverted or not."""
    coll = Ref("c", Ref("collections"))
    values = [1, -2, 1.0, -0.0, -3.0, 2.5, 2.0**70, float("inf"), "a\x00b", "", Bytes(b"\x00\x01"), True, False,
              None, Timestamp(5), Date(3), UUID(7), [1.0, ["x", 2.0]], {"b": 1.0, "a": [Ref("7", coll)]},
              Ref("1", coll), Ref("x", Ref("c", Ref("collections"), Ref("d"))), coll, SetRef.of(documents=coll),
              Ref("c", Ref("collections", database=Ref("d", Ref("databases")))), Ref("7", Ref("keys"))]
    flags = [i % 3 == 0 for i in range(len(values))]
    with _version_2_keys(monkeypatch):
        old = [(collation.tuple_key([v]), collation.tuple_key([v], [True])) for v in values]
        old_all, old_terms = collation.tuple_key(values, flags), collation.terms_key(values)
    assert old_all != collation.tuple_key(values, flags)
    for value, (up, down) in zip(values, old):
        assert collation.upgraded(up, True) == collation.tuple_key([value])
        assert collation.upgraded(down, True) == collation.tuple_key([value], [True])
    assert collation.upgraded(old_all, True) == collation.tuple_key(values, flags)
    assert collation.upgraded(old_terms, False) == collation.terms_key(values)


def test_a_version_2_store_is_rekeyed(url, monkeypatch):
    """Version 2 keyed a ref by its collection before its id, and a whole Double among an index entry's
    values apart from the equal Long (1.0 before every 1); version 3 keys a ref by id first and the Double
    as the Long, as core's DocID and CBOROrdering compare them. A version 2 store's entries (terms and
    sort) are rekeyed when it opens: in order with the new ones, and found again when their document
    changes (a descending field, and a double in an array, too)."""
    index = 'CreateIndex({name: "%s", source: [Collection("c"), Collection("b")], values: [{field: ["data", "v"]%s}, {field: "ref"}]})'
    with _version_2_keys(monkeypatch):
        with fql.connect(url) as db:
            db.query('Do(CreateCollection({name: "c"}), CreateCollection({name: "b"}))')
            db.query(index % ("up", ""))
            db.query(index % ("down", ", reverse: true"))
            db.query('CreateIndex({name: "by_owner", source: Collection("c"), terms: [{field: ["data", "owner"]}]})')
            db.query('Create(Ref(Collection("c"), "1"), {data: {v: 1.0, owner: Ref(Collection("b"), "5")}})')
            db.query('Create(Ref(Collection("c"), "3"), {data: {v: [2.0, 0.5]}})')
            db.query('Create(Ref(Collection("b"), "4"), {data: {v: 1}})')
    _stamp_newer_schema(url, 2)
    with fql.connect(url) as db:
        assert _schema_version(url) == SCHEMA_VERSION
        db.query('Create(Ref(Collection("c"), "2"), {data: {v: 1}})')
        up = 'Select("data", Paginate(Match(Index("up"))))'
        ref = 'Ref(Collection("%s"), "%s")'
        assert db.query(up) == db.query(f'[[0.5, {ref % ("c", 3)}], [1.0, {ref % ("c", 1)}], [1, {ref % ("c", 2)}], '
                                        f'[1, {ref % ("b", 4)}], [2.0, {ref % ("c", 3)}]]')
        assert db.query('Select("data", Paginate(Range(Match(Index("down")), 2, 1)))') == db.query(
            f'[[2.0, {ref % ("c", 3)}], [1.0, {ref % ("c", 1)}], [1, {ref % ("c", 2)}], [1, {ref % ("b", 4)}]]')
        assert db.query(f'Select("data", Paginate(Match(Index("by_owner"), {ref % ("b", 5)})))') == db.query(
            f'[{ref % ("c", 1)}]')
        db.query('Update(Ref(Collection("c"), "1"), {data: {v: 7, owner: null}})')
        db.query('Delete(Ref(Collection("c"), "3"))')
        assert db.query(up) == db.query(f'[[1, {ref % ("c", 2)}], [1, {ref % ("b", 4)}], [7, {ref % ("c", 1)}]]')
        assert db.query(f'Select("data", Paginate(Match(Index("by_owner"), {ref % ("b", 5)})))') == []


def test_a_database_from_a_newer_fql_is_refused(url):
    open_storage(url).close()
    _stamp_newer_schema(url)
    with pytest.raises(SchemaVersionError, match=f"schema version {SCHEMA_VERSION + 1}; this fql reads up to"):
        open_storage(url)


def test_fql_databases_persist_through_connect(url):
    with fql.connect(url) as db:
        db.query('CreateCollection({name: "users"})')
        db.query('CreateIndex({name: "by_name", source: Collection("users"), terms: [{field: ["data", "name"]}]})')
        db.query('Create(Ref(Collection("users"), "1"), {data: {name: "Ann"}, credentials: {password: "pw"}})')
        secret = db.query('Login(Ref(Collection("users"), "1"), {password: "pw"})')["secret"]
    with fql.connect(url) as db:
        assert db.query('Select(["data", "name"], Get(Match(Index("by_name"), "Ann")))') == "Ann"
        assert db.query("CurrentIdentity()", secret=secret).id == "1"


def test_sqlite_readers_run_while_another_connection_holds_the_write_lock(tmp_path):
    path = tmp_path / "busy.db"
    with fql.connect(f"sqlite://{path}") as db:
        db.query('CreateCollection({name: "users"})')
        db.query('Create(Ref(Collection("users"), "1"), {data: {v: 1}})')
    writer = open_storage(f"sqlite://{path}")
    holder = writer.begin(writing=True)
    holder.put(Version(KEY, holder.ts, {"data": {"v": 2}}))
    try:
        with fql.connect(f"sqlite://{path}?timeout=0.2") as db:
            read = 'Select(["data", "v"], Get(Ref(Collection("users"), "1")))'
            # The reader's snapshot comes before the open write, and needs no lock.
            assert db.query(read) == 1
            assert db.query('Count(Documents(Collection("users")))') == 1
            with pytest.raises(ContendedTransaction):
                db.query('Create(Ref(Collection("users"), "2"), {data: {v: 3}})')
            holder.commit()
            assert db.query(read) == 2
            assert db.query('Exists(Ref(Collection("users"), "2"))') is False
    finally:
        holder.rollback()
        writer.close()


def test_sqlite_reader_completes_while_a_writer_in_another_thread_is_open(tmp_path):
    url = f"sqlite://{tmp_path / 'threads.db'}"
    with fql.connect(url) as db:
        db.query('CreateCollection({name: "users"})')
        db.query('Create(Ref(Collection("users"), "1"), {data: {v: 1}})')
    locked, release, done = threading.Event(), threading.Event(), threading.Event()

    def hold_the_lock():
        with sqlite3.connect(tmp_path / "threads.db", isolation_level=None) as conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("UPDATE fql_clock SET ts = ts")
            locked.set()
            release.wait(10)
            conn.execute("ROLLBACK")
        done.set()

    thread = threading.Thread(target=hold_the_lock)
    thread.start()
    try:
        assert locked.wait(10)
        with fql.connect(f"{url}?timeout=5") as db:
            assert db.query('Select(["data", "v"], Get(Ref(Collection("users"), "1")))') == 1
        assert not done.is_set(), "the reader finished while the writer still held the lock"
    finally:
        release.set()
        thread.join()


def _commit_first(db, write: str) -> None:
    """Make `db`'s next upgrade find its snapshot stale: another connection commits `write` just before."""
    store, other = db.storage, fql.connect(f"sqlite://{db.storage.path}")
    upgrade = store.upgrade

    def stale_once():
        store.upgrade = upgrade
        other.query(write)
        other.close()
        upgrade()

    store.upgrade = stale_once


def test_sqlite_query_whose_snapshot_went_stale_runs_again(tmp_path):
    with fql.connect(f"sqlite://{tmp_path / 'stale.db'}") as db:
        db.query('CreateCollection({name: "counters"})')
        db.query('Create(Ref(Collection("counters"), "1"), {data: {n: 0}})')
        db.query(
            'CreateFunction({name: "bump", body: Query(Lambda([], Let({r: Ref(Collection("counters"), "1")}, '
            'Update(Var("r"), {data: {n: Add(Select(["data", "n"], Get(Var("r"))), 1)}}))))})'
        )
        _commit_first(db, 'Update(Ref(Collection("counters"), "1"), {data: {n: 10}})')
        assert db.query('Select(["data", "n"], Call(Function("bump")))') == 11
        # Through a user function too, whose `call error` would otherwise hide the conflict.
        _commit_first(db, 'Update(Ref(Collection("counters"), "1"), {data: {n: 20}})')
        assert db.query('Select(["data", "n"], Call(Function("bump")))') == 21
        txn = db.storage.begin()
        stamps = [version.ts for version in txn.history(DocKey("", "counters", "1"))]
        txn.rollback()
        assert stamps == sorted(set(stamps)) and len(stamps) == 5


def test_sqlite_reader_reads_the_file_in_the_state_it_started_from(tmp_path, monkeypatch):
    """A reader reads the clock alone and opens its transaction at its first read of the file: if another
    connection committed in between, that read would mix two states, so the query runs again."""
    with fql.connect(f"sqlite://{tmp_path / 'moved.db'}") as db:
        db.query('CreateCollection({name: "c"})')
        db.query('Create(Ref(Collection("c"), "1"), {data: {n: 1}})')
        other = fql.connect(f"sqlite://{db.storage.path}")
        begin, starts = db.storage.begin, []

        def commit_after_the_first_start(writing=False):
            txn = begin(writing=writing)
            starts.append(writing)
            if len(starts) == 1:
                db.storage.cache.clear()  # the Get must read the file
                other.query('Update(Ref(Collection("c"), "1"), {data: {n: 2}})')
            return txn

        monkeypatch.setattr(db.storage, "begin", commit_after_the_first_start)
        assert db.query('Select(["data", "n"], Get(Ref(Collection("c"), "1")))') == 2
        assert starts == [False, True]
        other.close()


def test_sqlite_conflicts_past_the_retry_bound_are_contended(tmp_path, monkeypatch):
    with fql.connect(f"sqlite://{tmp_path / 'bound.db'}") as db:
        db.query('CreateCollection({name: "users"})')
        calls = []

        def always_stale():
            calls.append(1)
            raise Conflict()

        monkeypatch.setattr(db.storage, "upgrade", always_stale)
        begin = db.storage.begin
        # Every attempt starts as a reader and finds its snapshot stale, as if writers kept getting in first.
        monkeypatch.setattr(db.storage, "begin", lambda writing=False: begin())
        with pytest.raises(ContendedTransaction):
            db.query('Create(Collection("users"), {})')
        assert len(calls) == MAX_RETRIES + 1
        # X-Max-Contention-Retries sets the bound per query.
        calls.clear()
        with pytest.raises(ContendedTransaction):
            db.run_with_state(fql.parse('Create(Collection("users"), {})'), max_retries=0)
        assert len(calls) == 1
        monkeypatch.undo()
        assert db.query('Count(Documents(Collection("users")))') == 0


@pytest.mark.parametrize(
    "bad,message",
    [
        ("sqlite:", "names no file"),
        ("sqlite:///x.db?journal=off", "Unknown SQLite option 'journal'"),
        ("sqlite:///x.db?timeout=soon", "timeout must be a number"),
        ("sqlite:///x.db?synchronous=off", "synchronous must be full or normal"),
        ("mysql://localhost/x", "Unsupported database URL"),
    ],
)
def test_bad_urls_are_explained(bad, message):
    with pytest.raises(InvalidArgument, match=message):
        open_storage(bad)


def test_unreachable_storage_is_an_fql_error(tmp_path):
    # StoreUnavailable: the CLI says `unavailable: ...`, not `internal error` (a bug in fql).
    with pytest.raises(StoreUnavailable, match="Cannot open the SQLite database"):
        open_storage(f"sqlite://{tmp_path}/missing/dir/x.db")
    (tmp_path / "text.db").write_text("not a database, just text" * 100)
    with pytest.raises(StoreUnavailable, match="file is not a database"):
        open_storage(f"sqlite://{tmp_path}/text.db")
    with pytest.raises(StoreUnavailable, match="Cannot connect to PostgreSQL at postgresql://u:\\*\\*\\*@127.0.0.1:1/x"):
        open_storage("postgresql://u:hunter2@127.0.0.1:1/x?fql_timeout=1")


def test_postgres_reconnects_when_its_connection_was_cut():
    import psycopg

    from tests.storage.backends import POSTGRES_URL, postgres_url

    with postgres_url() as url, fql.connect(url) as db:
        db.query('CreateCollection({name: "users"})')
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (db.storage.conn.info.backend_pid,))
        assert db.query('Exists(Collection("users"))') is True


def test_threads_sharing_one_database_lose_no_update(url):
    """`fql serve` runs queries in worker threads: on one connection they take turns."""
    with fql.connect(url) as db:
        db.query('CreateCollection({name: "counters"})')
        db.query('Create(Ref(Collection("counters"), "1"), {data: {n: 0}})')
        bump = fql.parse(
            'Let({r: Ref(Collection("counters"), "1")}, '
            'Update(Var("r"), {data: {n: Add(Select(["data", "n"], Get(Var("r"))), 1)}}))'
        )
        threads = [threading.Thread(target=lambda: [db.run(bump) for _ in range(20)]) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert db.query('Select(["data", "n"], Get(Ref(Collection("counters"), "1")))') == 80


def test_postgres_serialization_failure_inside_a_query_runs_it_again():
    """On an engine without LOCK TABLE (CockroachDB) a serialization failure can come in the middle of a
    query: the whole query runs again instead of failing."""
    import psycopg

    from tests.storage.backends import postgres_url

    with postgres_url() as url, fql.connect(url) as db:
        db.query('CreateCollection({name: "c"})')
        db.query('Create(Ref(Collection("c"), "1"), {data: {n: 1}})')
        store, real, failures = db.storage, db.storage.cur, []

        class Flaky:
            """The connection's cursor, but its first read of a document fails to serialize."""

            def __getattr__(self, name):
                return getattr(real, name)

            def execute(self, statement, params=None):
                if not failures and statement.lstrip().startswith("SELECT") and "fql_docs" in statement:
                    failures.append(statement)
                    raise psycopg.errors.SerializationFailure("could not serialize access")
                return real.execute(statement, params)

        store.cache.clear()
        store.cur = Flaky()
        try:
            assert db.query('Select(["data", "n"], Get(Ref(Collection("c"), "1")))') == 1
        finally:
            store.cur = real
        assert len(failures) == 1


def test_sqlite_reader_time_is_below_a_write_its_snapshot_lacks(tmp_path):
    """A read-only query's time says which writes it saw: every one stamped at or before it, none after
    (core reads at its snapshot time). On SQLite a reader beside a writer took the system clock as its
    time, above the writer's own while its snapshot lacked the write, so an At() of its time read
    something else (found by replaying many processes' bookings in time order: a query that found a
    day free had a later time than the booking it did not see)."""
    url = f"sqlite://{tmp_path / 'times.db'}"
    a, b = open_storage(url), open_storage(url)
    try:
        # A writer holding the lock from its start: a reader beside it reads below its time.
        writer = a.begin(writing=True)
        reader = b.begin()
        assert reader.get(KEY) is None
        writer.put(Version(KEY, writer.ts, {"v": 1}))
        writer.commit()
        assert reader.ts < writer.ts
        reader.rollback()
        # A query that began as a reader and writes later: a reader that began after it and did not see
        # its write makes it run again (Conflict), at a time after the reader's.
        writer = a.begin()
        reader = b.begin()
        assert reader.get(KEY).data == {"v": 1} and reader.ts > writer.ts
        with pytest.raises(Conflict):
            writer.put(Version(KEY, writer.ts, {"v": 2}))
        writer.rollback()
        reader.rollback()
        again = a.begin(writing=True)
        again.put(Version(KEY, again.ts, {"v": 2}))
        again.commit()
        assert again.ts > reader.ts
    finally:
        a.close()
        b.close()


def test_sqlite_reader_times_pass_a_killed_writer(tmp_path):
    """A writer's mark in the side file dies with its process (its flock on -fqlwriter goes with it):
    readers read below a live writer's time, and past a killed one's."""
    url = f"sqlite://{tmp_path / 'killed.db'}"
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            txn = open_storage(url).begin(writing=True)
            os.write(write, f"{txn.ts}\n".encode())
            time.sleep(60)
        finally:
            os._exit(1)
    os.close(write)
    with os.fdopen(read) as source:
        held = int(source.readline())
    store = open_storage(url)
    try:
        reader = store.begin()
        assert reader.ts < held
        reader.rollback()
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        reader = store.begin()
        assert reader.ts > held
        reader.rollback()
        writer = store.begin()
        writer.put(Version(KEY, writer.ts, {"v": 1}))
        writer.commit()
        assert writer.ts > held
    finally:
        store.close()


def test_a_query_that_waited_for_the_database_takes_its_time_after_the_wait(url):
    """Times follow the order in which queries get the database: one that waited for another's lock
    takes its time once it has it. Taken before the wait, it could fall below that of a reader that got
    the lock first (PostgreSQL: a booking stamped before a read that did not see it)."""
    a, b = open_storage(url), open_storage(url)
    try:
        holder = a.begin(writing=True)
        waited: list = []
        thread = threading.Thread(target=lambda: waited.append(b.begin(writing=True)))
        thread.start()
        time.sleep(0.3)
        released = time.time_ns() // 1000
        holder.rollback()
        thread.join()
        assert waited[0].ts >= released
        waited[0].rollback()
    finally:
        a.close()
        b.close()
