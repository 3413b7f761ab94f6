"""SQLite storage: one file in WAL mode, one SQLite transaction per query, the tables shared with PostgreSQL."""

from __future__ import annotations

import os
import sqlite3
import struct
import threading
import time
import typing as t
from urllib.parse import parse_qsl

from ..collation import id_key, upgraded
from ..errors import ContendedTransaction, FQLError, InvalidArgument, StoreUnavailable, SchemaVersionError
from . import codec
from .base import Conflict, DocKey, Entry, IndexKey, Storage, Transaction, Version, next_snowflake

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: readers' times are not coordinated (see ReadTimes)
    fcntl = None

#: The table layout this code reads and writes; a database stamped with a newer one is refused. Version 2:
#: strings in index keys (fql_entries' terms and sort) sort by ICU's collation, as Fauna's do; version 1
#: sorted them by code point, so a version 1 store with index entries is refused too (one without any is
#: restamped: nothing in it depends on the order). Version 3: a ref's key has its id before its collection
#: (collation.ref_key), and a whole Double among an entry's values the equal Long's key (tuple_key); a
#: version 2 store's entries are rekeyed when it is opened (`_rekey_entries`).
SCHEMA_VERSION = 3
#: Rows a collection or index scan fetches first; later batches double up to `_BATCH_MAX`.
_BATCH_FIRST = 16
_BATCH_MAX = 1024
#: Documents a storage keeps decoded between queries (valid while no other process writes).
CACHE_SIZE = 20_000
#: A document this transaction knows nothing of yet (neither read nor cached).
_UNKNOWN = Version(DocKey("", "", ""), -1, None)


class SQL:
    """The statements of the SQL backends, in SQLite's dialect (`?` parameters); PostgreSQL rewrites a few."""

    #: The newest version of each document (deletions included); older versions move to fql_history.
    get = "SELECT ts, ttl, data FROM fql_docs WHERE scope = ? AND coll = ? AND idk = ?"
    archive = (
        "INSERT INTO fql_history (scope, coll, idk, ts, ttl, data) SELECT scope, coll, idk, ts, ttl, data"
        " FROM fql_docs WHERE scope = ? AND coll = ? AND idk = ? AND ts < ?"
    )
    put = (
        "INSERT INTO fql_docs (scope, coll, idk, id, ts, ttl, data) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (scope, coll, idk) DO UPDATE SET ts = excluded.ts, ttl = excluded.ttl, data = excluded.data"
    )
    history = "SELECT ts, ttl, data FROM fql_history WHERE scope = ? AND coll = ? AND idk = ? ORDER BY ts"
    #: History writes (v4 Insert and Remove): a version put into, or taken out of, the past.
    history_put = (
        "INSERT INTO fql_history (scope, coll, idk, ts, ttl, data) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (scope, coll, idk, ts) DO UPDATE SET ttl = excluded.ttl, data = excluded.data"
    )
    history_remove = "DELETE FROM fql_history WHERE scope = ? AND coll = ? AND idk = ? AND ts = ?"
    history_last = (
        "SELECT ts, ttl, data FROM fql_history WHERE scope = ? AND coll = ? AND idk = ? ORDER BY ts DESC LIMIT 1"
    )
    doc_remove = "DELETE FROM fql_docs WHERE scope = ? AND coll = ? AND idk = ?"
    _scan = "SELECT idk, id, ts, ttl, data FROM fql_docs WHERE scope = ? AND coll = ? AND idk >= ?"
    scan_up = _scan + " ORDER BY idk LIMIT ?"
    scan_down = _scan + " AND idk < ? ORDER BY idk DESC LIMIT ?"
    scan_down_top = _scan + " ORDER BY idk DESC LIMIT ?"
    #: The newest versions of a collection's documents later than a time (fql_docs_ts on a new store).
    written_since = "SELECT id, ts, ttl, data FROM fql_docs WHERE scope = ? AND coll = ? AND ts > ?"
    entry_put = (
        "INSERT INTO fql_entries (ix_scope, ix_name, terms, sort, vals, doc_scope, doc_coll, doc_id, ttl)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (ix_scope, ix_name, terms, sort) DO UPDATE SET"
        " vals = excluded.vals, doc_scope = excluded.doc_scope, doc_coll = excluded.doc_coll,"
        " doc_id = excluded.doc_id, ttl = excluded.ttl"
    )
    entry_remove = "DELETE FROM fql_entries WHERE ix_scope = ? AND ix_name = ? AND terms = ? AND sort = ?"
    entry_drop = "DELETE FROM fql_entries WHERE ix_scope = ? AND ix_name = ?"
    _entries = (
        "SELECT sort, vals, doc_scope, doc_coll, doc_id, ttl FROM fql_entries"
        " WHERE ix_scope = ? AND ix_name = ? AND terms = ? AND sort >= ?"
    )
    entries_up = _entries + " AND sort < ? ORDER BY sort LIMIT ?"
    entries_up_top = _entries + " ORDER BY sort LIMIT ?"
    entries_down = _entries + " AND sort < ? ORDER BY sort DESC LIMIT ?"
    entries_down_top = _entries + " ORDER BY sort DESC LIMIT ?"
    #: One row: the last writing transaction's time, the last document id, and when data last changed.
    clock = "SELECT ts, last_id, written FROM fql_clock"
    clock_save = "UPDATE fql_clock SET ts = ?, last_id = ?, written = ?"
    #: A write that changes nothing, to take the writer's lock.
    clock_touch = "UPDATE fql_clock SET ts = ts"
    schema_version = "SELECT version FROM fql_schema"
    stamp = "INSERT INTO fql_schema (version) VALUES (?)"
    restamp = "UPDATE fql_schema SET version = ?"
    has_entries = "SELECT 1 FROM fql_entries LIMIT 1"
    all_entries = "SELECT ix_scope, ix_name, terms, sort, vals, doc_scope, doc_coll, doc_id, ttl FROM fql_entries"
    clock_init = "INSERT INTO fql_clock (one, ts, last_id, written) VALUES (1, 0, 0, 0) ON CONFLICT DO NOTHING"


#: SQLite's tables. Keys are BLOBs compared with memcmp: the order of `fql.collation`.
_TABLES = (
    "CREATE TABLE IF NOT EXISTS fql_schema (version INTEGER NOT NULL)",
    (
        "CREATE TABLE IF NOT EXISTS fql_clock (one INTEGER PRIMARY KEY CHECK (one = 1), ts INTEGER NOT NULL,"
        " last_id INTEGER NOT NULL, written INTEGER NOT NULL)"
    ),
    (
        "CREATE TABLE IF NOT EXISTS fql_docs (scope TEXT NOT NULL, coll TEXT NOT NULL, idk BLOB NOT NULL,"
        " id TEXT NOT NULL, ts INTEGER NOT NULL, ttl INTEGER, data TEXT, PRIMARY KEY (scope, coll, idk)) WITHOUT ROWID"
    ),
    (
        "CREATE TABLE IF NOT EXISTS fql_history (scope TEXT NOT NULL, coll TEXT NOT NULL, idk BLOB NOT NULL,"
        " ts INTEGER NOT NULL, ttl INTEGER, data TEXT, PRIMARY KEY (scope, coll, idk, ts)) WITHOUT ROWID"
    ),
    (
        "CREATE TABLE IF NOT EXISTS fql_entries (ix_scope TEXT NOT NULL, ix_name TEXT NOT NULL, terms BLOB NOT NULL,"
        " sort BLOB NOT NULL, vals TEXT NOT NULL, doc_scope TEXT NOT NULL, doc_coll TEXT NOT NULL,"
        " doc_id TEXT NOT NULL, ttl INTEGER, PRIMARY KEY (ix_scope, ix_name, terms, sort)) WITHOUT ROWID"
    ),
    "CREATE INDEX IF NOT EXISTS fql_docs_ts ON fql_docs (scope, coll, ts)",
)


def check_version(found: int | None, where: str) -> None:
    """Refuse a database stamped by a newer fql (its tables may mean something this code does not know)."""
    if found is not None and found > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"The database {where} has storage schema version {found}; this fql reads up to version "
            f"{SCHEMA_VERSION}. Upgrade fql to open it."
        )


def check_older(found: int, where: str, has_entries: bool) -> None:
    """Refuse a database stamped by an older fql whose index entries this code would read out of order."""
    if found < 2 and has_entries:
        raise SchemaVersionError(
            f"The database {where} has storage schema version {found}: its index entries sort strings by code "
            f"point, and this fql (version {SCHEMA_VERSION}) sorts them as Fauna does, by ICU's collation. Open "
            "it with the fql that wrote it to copy its data out, then load that into a new database."
        )


def _decode(data: t.Any) -> dict | None:
    return None if data is None else codec.loads(data)


class SQLStorage(Storage):
    """What the SQL backends share: one connection, a lock held from begin to commit, a document cache."""

    sql: type[SQL] = SQL
    #: The driver's base exception, turned into an FQLError before it reaches a user.
    driver_error: type[Exception] = sqlite3.Error
    #: Whether a read-only query whose time ran ahead of the system clock stores that time, so that
    #: readers in other processes move past it too (possible only where readers hold the clock's lock).
    readers_stamp_clock = True
    #: Whether a reader's time is below every write its snapshot lacks without taking the writer's lock
    #: (SQLite's `ReadTimes`; PostgreSQL's readers hold the clock's lock anyway).
    readers_timed = False

    def __init__(self, timeout: float) -> None:
        self.lock = threading.Lock()
        self.timeout = timeout
        #: Newest versions by key (None: never written), as of `written`; valid while the database's
        #: `written` stamp is unchanged since this process last looked.
        self.cache: dict[DocKey, Version | None] = {}
        #: Whole small collections (schema documents, mostly), in id order, valid as `cache` is.
        self.scans: dict[tuple[str, str], list[Version]] = {}
        self.written = -1
        self.last_ts = 0
        #: The last id this store handed out, its transaction committed or not: an aborted query's ids (which
        #: its client may have seen) are not handed out again here, as core's IDSource is the process's.
        self.issued = 0
        self.cur: t.Any = None
        #: The transaction under way (a store runs one at a time).
        self.current: SQLTransaction | None = None

    def begin(self, *, writing: bool = False) -> SQLTransaction:
        # A timed acquire costs twice an untimed one: try without waiting first.
        if not (self.lock.acquire(False) or self.lock.acquire(timeout=self.timeout)):
            raise ContendedTransaction("Timed out waiting for another query of this process to finish.")
        try:
            last_ts, last_id, written = self.start(writing)
            # Now, not before `start`, which may wait (for another process's lock): times follow the order
            # in which queries got the database, as they commit.
            now = max(time.time_ns() // 1000, self.last_ts + 1)
            ts = self.stamp(max(now, last_ts + 1), last_ts, writing)
        except BaseException:
            try:
                self.abort()
            finally:
                self.lock.release()
            raise
        if written != self.written:
            self.cache.clear()
            self.scans.clear()
            self.written = written
        self.last_ts = max(self.last_ts, ts)
        last_id = max(last_id, self.issued)
        self.current = SQLTransaction(self, ts, last_id, written, clock_behind=ts > now, locked=writing)
        return self.current

    def stamp(self, proposed: int, committed: int, writing: bool) -> int:
        """The new transaction's time: `proposed` (now, past the clock's `committed` and this process's
        last), unless the backend must choose another."""
        return proposed

    def start(self, writing: bool) -> tuple[int, int, int]:
        """Open the database transaction and read the clock row (ts, last id, written) in its snapshot;
        with `writing`, holding the writer's lock from the start."""
        raise NotImplementedError

    def upgrade(self) -> None:
        """Take the writer's lock before a transaction's first write (a no-op where `start` took it);
        `Conflict` when the snapshot is stale or another writer holds it."""

    def finish(self, clock: tuple[int, int, int] | None) -> None:
        """Save the `clock` row (ts, last id, written) if given, and commit."""
        raise NotImplementedError

    def abort(self) -> None:
        """Roll the database transaction back."""
        raise NotImplementedError

    def run(self, statement: str, params: tuple | None) -> None:
        """Execute one statement on the connection's cursor; driver errors become FQLErrors."""
        try:
            self.cur.execute(statement, params)
        except self.driver_error as exc:
            raise self.failure(exc) from None

    def rows(self, statement: str, params: tuple | None) -> list:
        """The rows a query returns."""
        try:
            return self.cur.execute(statement, params).fetchall()
        except self.driver_error as exc:
            raise self.failure(exc) from None

    def row(self, statement: str, params: tuple | None) -> t.Any:
        """The first row a query returns, or None."""
        try:
            return self.cur.execute(statement, params).fetchone()
        except self.driver_error as exc:
            raise self.failure(exc) from None

    def _rekey_entries(self) -> None:
        """Give the index entries of a version 2 store their version 3 keys, in the transaction that
        restamps it."""
        changed = []
        for scope, name, terms, sort, vals, *rest in self.rows(self.sql.all_entries, ()):
            terms, sort = bytes(terms), bytes(sort)
            new_terms, new_sort = upgraded(terms, False), upgraded(sort, True)
            if (new_terms, new_sort) != (terms, sort):
                self.run(self.sql.entry_remove, (scope, name, terms, sort))
                changed.append((scope, name, new_terms, new_sort, vals, *rest))
        for row in changed:
            self.run(self.sql.entry_put, row)

    def failure(self, exc: Exception) -> FQLError:
        return FQLError(f"Storage failure: {exc}")


class SQLTransaction(Transaction):
    """Writes go straight into the open database transaction, so reads see them; commit or rollback ends it."""

    def __init__(
        self, store: SQLStorage, ts: int, last_id: int, written: int, *, clock_behind: bool, locked: bool
    ) -> None:
        self.store = store
        self.sql = store.sql
        self.ts = ts
        self.last_id = self.first_id = last_id
        self.first_written = written
        #: The system clock is behind the stored one: store this ts even if nothing is written (where
        #: this transaction can: holding the writer's lock, or on a backend whose readers stamp the clock).
        self.clock_behind = clock_behind
        #: Whether this transaction holds the writer's lock (taken at its first write).
        self.locked = locked
        #: Versions read or written here, over `store.cache`.
        self.seen: dict[DocKey, Version | None] = {}
        self.written: set[DocKey] = set()
        #: The collections this transaction wrote to.
        self.colls: set[tuple[str, str]] = set()
        self.wrote = False
        self.open = True

    @property
    def horizon(self) -> int:
        # A reader beside a writer whose times nothing coordinates (SQLite without flock, see ReadTimes):
        # the writer's time may be below this one's and not yet committed. Holding
        # the writer's lock, with a snapshot still current (else `Conflict`: the query runs again), no
        # such writer is left, so a stream or feed resumes at this time, as core's do at theirs: the last
        # committed time instead stood still on a quiet stream (its status events' txn_ts) and was not the
        # txn_ts of the query that made an event source.
        if not (self.locked or self.store.readers_stamp_clock or self.store.readers_timed):
            self._lock()
        return self.ts

    def get(self, key: DocKey) -> Version | None:
        seen = self.seen
        if key in seen:
            return seen[key]
        # The cache holds the newest versions as of this snapshot (nothing else writes on this connection).
        version = self.store.cache.get(key, _UNKNOWN)
        if version is not _UNKNOWN:
            return version
        row = self.store.row(self.sql.get, (key.scope, key.coll, id_key(key.id)))
        version = None if row is None else Version(key, row[0], _decode(row[2]), row[1])
        if len(seen) < CACHE_SIZE:
            seen[key] = version
        return version

    def history(self, key: DocKey) -> list[Version]:
        rows = self.store.rows(self.sql.history, (key.scope, key.coll, id_key(key.id)))
        out = [Version(key, ts, _decode(data), ttl) for ts, ttl, data in rows]
        current = self.get(key)
        return out if current is None else [*out, current]

    def put(self, version: Version) -> None:
        self._lock()
        key, store = version.key, self.store
        idk = id_key(key.id)
        before = self.seen[key] if key in self.seen else store.cache.get(key, _UNKNOWN)
        # Own writes are replaced, not archived; an unknown prior version is archived by the database.
        if before is _UNKNOWN or (before is not None and before.ts != self.ts):
            store.run(self.sql.archive, (key.scope, key.coll, idk, self.ts))
        data = None if version.data is None else codec.dumps(version.data)
        store.run(self.sql.put, (key.scope, key.coll, idk, key.id, version.ts, version.ttl, data))
        self.seen[key] = version
        self._wrote(key)

    def insert_version(self, version: Version) -> None:
        self._lock()
        key, store, sql = version.key, self.store, self.sql
        where = (key.scope, key.coll, id_key(key.id))
        newest = self.get(key)
        data = None if version.data is None else codec.dumps(version.data)
        if newest is not None and version.ts < newest.ts:
            store.run(sql.history_put, (*where, version.ts, version.ttl, data))
        else:
            if newest is not None and version.ts > newest.ts:
                store.run(sql.archive, (*where, version.ts))
            store.run(sql.put, (*where, key.id, version.ts, version.ttl, data))
            self.seen[key] = version
        self._wrote(key)

    def remove_version(self, key: DocKey, ts: int) -> None:
        self._lock()
        store, sql = self.store, self.sql
        where = (key.scope, key.coll, id_key(key.id))
        newest = self.get(key)
        if newest is None or newest.ts != ts:
            store.run(sql.history_remove, (*where, ts))
        else:
            # The newest goes: the latest older version, if any, moves up from the history.
            store.run(sql.doc_remove, where)
            row = store.row(sql.history_last, where)
            if row is None:
                self.seen[key] = None
            else:
                store.run(sql.history_remove, (*where, row[0]))
                store.run(sql.put, (*where, key.id, row[0], row[1], row[2]))
                self.seen[key] = Version(key, row[0], _decode(row[2]), row[1])
        self._wrote(key)

    def _wrote(self, key: DocKey) -> None:
        self.written.add(key)
        self.colls.add((key.scope, key.coll))
        self.wrote = True

    def scan(self, scope: str, coll: str, *, lo: bytes | None = None, reverse: bool = False) -> t.Iterator[Version]:
        whole = (scope, coll)
        if lo is None and not reverse and whole not in self.colls:
            cached = self.store.scans.get(whole)
            if cached is not None:
                return iter(cached)
        return self._scan(scope, coll, lo or b"", reverse)

    def _scan(self, scope: str, coll: str, lo: bytes, reverse: bool) -> t.Iterator[Version]:
        sql, batch, hi, first = self.sql, _BATCH_FIRST, None, True
        while True:
            if reverse:
                query, params = (sql.scan_down, (scope, coll, lo, hi, batch)) if hi is not None else (
                    sql.scan_down_top, (scope, coll, lo, batch))
            else:
                query, params = sql.scan_up, (scope, coll, lo, batch)
            rows = self.store.rows(query, params)
            found = [self._scanned(DocKey(scope, coll, doc_id), ts, ttl, data) for _, doc_id, ts, ttl, data in rows]
            if first and len(rows) < batch and not lo and not reverse and (scope, coll) not in self.colls:
                # The whole collection came in one batch: keep it for the next queries.
                self.store.scans[(scope, coll)] = found
            yield from found
            if len(rows) < batch:
                return
            last = bytes(rows[-1][0])
            lo, hi = (lo, last) if reverse else (last + b"\x00", None)
            batch, first = min(batch * 2, _BATCH_MAX), False

    def written_since(self, scope: str, coll: str, ts: int) -> t.Iterator[Version]:
        rows = self.store.rows(self.sql.written_since, (scope, coll, ts))
        return (self._scanned(DocKey(scope, coll, doc_id), vts, ttl, data) for doc_id, vts, ttl, data in rows)

    def _scanned(self, key: DocKey, ts: int, ttl: int | None, data: t.Any) -> Version:
        version = self.seen.get(key) or self.store.cache.get(key)
        if version is None or version.ts != ts:
            version = Version(key, ts, _decode(data), ttl)
            # A long scan (an index build) should not hold every document it passed.
            if len(self.seen) < CACHE_SIZE:
                self.seen[key] = version
        return version

    def index_put(self, index: IndexKey, terms: bytes, entry: Entry) -> None:
        self._lock()
        doc = entry.doc
        row = (index.scope, index.name, terms, entry.sort, codec.dumps(list(entry.values)), doc.scope, doc.coll, doc.id)
        self.store.run(self.sql.entry_put, (*row, entry.ttl))
        self.wrote = True

    def index_remove(self, index: IndexKey, terms: bytes, sort: bytes) -> None:
        self._lock()
        self.store.run(self.sql.entry_remove, (index.scope, index.name, terms, sort))
        self.wrote = True

    def index_drop(self, index: IndexKey) -> None:
        self._lock()
        self.store.run(self.sql.entry_drop, (index.scope, index.name))
        self.wrote = True

    def index_scan(
        self,
        index: IndexKey,
        terms: bytes,
        *,
        lo: bytes | None = None,
        hi: bytes | None = None,
        reverse: bool = False,
    ) -> t.Iterator[Entry]:
        sql, lo = self.sql, lo or b""
        where, batch = (index.scope, index.name, terms), _BATCH_FIRST
        while True:
            if reverse:
                query = sql.entries_down if hi is not None else sql.entries_down_top
            else:
                query = sql.entries_up if hi is not None else sql.entries_up_top
            bounds = (lo, hi) if hi is not None else (lo,)
            rows = self.store.rows(query, (*where, *bounds, batch))
            for sort, vals, scope, coll, doc_id, ttl in rows:
                values = () if vals == "[]" else tuple(codec.loads(vals))
                yield Entry(bytes(sort), values, DocKey(scope, coll, doc_id), ttl)
            if len(rows) < batch:
                return
            last = bytes(rows[-1][0])
            if reverse:
                hi = last
            else:
                lo = last + b"\x00"
            batch = min(batch * 2, _BATCH_MAX)

    def next_id(self) -> int:
        # The last one is stored with the clock, so ids stay unique across processes.
        self.last_id = self.store.issued = next_snowflake(self.last_id)
        return self.last_id

    def _lock(self) -> None:
        """Hold the writer's lock before writing; a stale snapshot dooms the transaction (`Conflict`)."""
        if self.locked:
            return
        if self.conflict is not None:
            raise self.conflict
        try:
            self.store.upgrade()
        except Conflict as conflict:
            self.conflict = conflict
            raise
        self.locked = True

    def commit(self) -> None:
        if not self.open:
            return
        store = self.store
        try:
            if self.conflict is not None:
                raise self.conflict
            # A read-only query leaves the clock as it is (its commit writes nothing): the next query's
            # time is later anyway, as the system clock has moved on.
            clock = None
            behind = self.clock_behind and (self.locked or store.readers_stamp_clock)
            if self.wrote or behind or self.last_id != self.first_id:
                self._lock()
                clock = (self.ts, self.last_id, self.ts if self.wrote else self.first_written)
            store.finish(clock)
        except BaseException:
            self._abort()
            raise
        self.open = False
        if self.wrote:
            store.written = self.ts
        for coll in self.colls:
            store.scans.pop(coll, None)
        if self.seen:
            self._keep(self.seen)
        store.lock.release()

    def rollback(self) -> None:
        if not self.open:
            return
        self._abort()

    def _abort(self) -> None:
        self.open = False
        try:
            self.store.abort()
        finally:
            self._keep({k: v for k, v in self.seen.items() if k not in self.written})
            self.store.lock.release()

    def _keep(self, versions: dict[DocKey, Version | None]) -> None:
        cache = self.store.cache
        if len(cache) + len(versions) > CACHE_SIZE:
            cache.clear()
        cache.update(versions)


class ReadTimes:
    """The times given to the queries of every process on one SQLite file, kept in a side file beside it
    (`-fqltime`: the last time given, and the time of the write under way) so that a reader's time is
    below every write its snapshot lacks, without the writer's lock.

    Readers run beside a writer, whose time was chosen before they began. A reader that finds a live
    writer whose write is not committed takes a time just below the writer's; else a time past every one
    given. A query that began as a reader and comes to write may do so only if no query was given a later
    time meanwhile (that one's snapshot lacks this write), else it runs again (`Conflict`), holding the
    lock from its start. `flock` on the side file guards it; a writer also holds one on `-fqlwriter` while
    its time is marked, so a killed writer's mark is seen to be dead.
    """

    def __init__(self, path: str) -> None:
        self.fd = os.open(path + "-fqltime", os.O_RDWR | os.O_CREAT, 0o644)
        self.writer_fd = os.open(path + "-fqlwriter", os.O_RDWR | os.O_CREAT, 0o644)
        #: Whether this store holds the side file's lock, and the writer's mark.
        self.entered = self.writing = False

    def enter(self, writing: bool) -> None:
        """Take the side file's lock (a writer, holding the database's write lock, marks itself first)."""
        if writing:
            fcntl.flock(self.writer_fd, fcntl.LOCK_EX)
            self.writing = True
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        self.entered = True

    def grant(self, proposed: int, committed: int, writing: bool) -> tuple[int, bool]:
        """The time of a query whose snapshot holds the writes up to `committed`, and whether it is
        below a write under way (such a query cannot write: its snapshot will be stale); leaves the lock."""
        try:
            last, active = self._read()
            below = not writing and active > committed and self._writer_alive()
            ts = active - 1 if below else max(proposed, last + 1)
            self._write(max(last, ts), ts if writing else active)
        finally:
            self._leave()
        return ts, below

    def claim(self, ts: int, below: bool) -> None:
        """Mark a query that began as a reader as the writer, holding the database's write lock: `Conflict`
        if a query was given a later time since it began."""
        self.enter(True)
        try:
            last, active = self._read()
            if below or last > ts:
                raise Conflict()
            self._write(last, ts)
        finally:
            self._leave()

    def release(self) -> None:
        """After a commit or rollback: leave the lock if held, and unmark the writer."""
        if self.entered:
            self._leave()
        if self.writing:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            try:
                last, _ = self._read()
                self._write(last, 0)
            finally:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            fcntl.flock(self.writer_fd, fcntl.LOCK_UN)
            self.writing = False

    def close(self) -> None:
        os.close(self.fd)
        os.close(self.writer_fd)

    def _leave(self) -> None:
        self.entered = False
        fcntl.flock(self.fd, fcntl.LOCK_UN)

    def _read(self) -> tuple[int, int]:
        return _TIMES.unpack(os.pread(self.fd, _TIMES.size, 0).ljust(_TIMES.size, b"\0"))

    def _write(self, last: int, active: int) -> None:
        os.pwrite(self.fd, _TIMES.pack(last, active), 0)

    def _writer_alive(self) -> bool:
        try:
            fcntl.flock(self.writer_fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(self.writer_fd, fcntl.LOCK_UN)
        return False


#: The side file's layout: the last time given, the time of the write under way (0: none).
_TIMES = struct.Struct("<qq")


class SQLiteStorage(SQLStorage):
    """A SQLite database file (created on first use) holding every fql database, document and index.

    Concurrency: many readers, one writer at a time. A query starts as a reader (`BEGIN`: a WAL snapshot,
    no lock), so read-only queries in other processes run beside each other and beside a writer. Its first
    write takes the write lock; if another connection holds it, or committed since the snapshot was taken,
    the query is doomed (`Conflict`) and `Database.run_with_state` runs it again from scratch, this time
    holding the lock from the start (`BEGIN IMMEDIATE`, waiting up to the busy timeout, then `contended
    transaction`). Within one process, queries on one storage take turns on its one connection. A query's
    time is below every write its snapshot lacks (`ReadTimes`).
    Durability: a query that wrote returns once its commit is fsynced (`?synchronous=normal` skips the
    fsync: a crash of the process loses nothing, a crash of the machine may lose the last queries); a
    read-only query's commit writes nothing.
    """

    #: Readers hold no lock, so they cannot store the clock (see SQLStorage.readers_stamp_clock).
    readers_stamp_clock = False

    def __init__(self, path: str, *, timeout: float = 30.0, synchronous: str = "full") -> None:
        super().__init__(timeout)
        self.path = path
        #: A reader's clock, while its database transaction is put off (see `start`).
        self.pending: tuple[int, int, int] | None = None
        if synchronous not in ("full", "normal"):
            raise InvalidArgument(f"synchronous must be full or normal, not '{synchronous}'.")
        try:
            self.conn = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
            self.cur = self.conn.cursor()
            # A commit that wrote nothing (a read-only query) syncs nothing, even with FULL.
            for pragma in ("journal_mode = WAL", f"synchronous = {synchronous.upper()}", "cache_size = -65536"):
                self.cur.execute(f"PRAGMA {pragma}")
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"Cannot open the SQLite database {path}: {exc}") from None
        try:
            self._create()
            #: Shared reader times (None where flock is missing: a reader's time may then pass a write's).
            self.times = ReadTimes(path) if fcntl is not None and path not in ("", ":memory:") else None
        except BaseException:
            self.conn.close()
            raise
        self.readers_timed = self.times is not None
        #: Whether the transaction's time is below a write under way (see ReadTimes.grant).
        self.below = False

    def _create(self) -> None:
        """Check the schema version, creating the tables first in a new database."""
        try:
            row = self.cur.execute(self.sql.schema_version).fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" not in str(exc):
                raise self.failure(exc) from None
            row = None
        except sqlite3.Error as exc:
            raise self.failure(exc) from None
        if row is not None:
            check_version(row[0], self.path)
            if row[0] < SCHEMA_VERSION:
                self._restamp(row[0])
            return
        self.run("BEGIN IMMEDIATE", ())
        try:
            for table in _TABLES:
                self.run(table, ())
            row = self.row(self.sql.schema_version, ())
            check_version(row and row[0], self.path)
            if row is None:
                self.run(self.sql.stamp, (SCHEMA_VERSION,))
            self.run(self.sql.clock_init, ())
            self.run("COMMIT", ())
        except BaseException:
            self.conn.rollback()
            raise

    def start(self, writing: bool) -> tuple[int, int, int]:
        """With `writing`, `BEGIN IMMEDIATE` and the clock. A reader only reads the clock, in a statement of
        its own: a query that finds every document it reads in the cache needs nothing more, and one that
        reads the database opens its transaction then (`_open`), checking that nothing committed since."""
        cur = self.cur
        try:
            if writing:
                cur.execute("BEGIN IMMEDIATE")
            if self.times is not None:
                self.times.enter(writing)
            clock = cur.execute(self.sql.clock).fetchone()
        except sqlite3.Error as exc:
            raise self.failure(exc) from None
        self.pending = None if writing else clock
        return clock

    def stamp(self, proposed: int, committed: int, writing: bool) -> int:
        if self.times is None:
            return proposed
        ts, self.below = self.times.grant(proposed, committed, writing)
        return ts

    def _open(self, immediate: bool) -> None:
        """Open the transaction a reader put off. Its snapshot must show the clock the query started from
        (its time, its cache): if anything committed since, the query is doomed (`Conflict`) and runs again."""
        clock, self.pending = self.pending, None
        try:
            self.cur.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
            now = self.cur.execute(self.sql.clock).fetchone()
        except sqlite3.Error as exc:
            raise self.failure(exc) from None
        if now != clock:
            conflict = Conflict()
            if self.current is not None:
                self.current.conflict = conflict
            raise conflict

    def run(self, statement: str, params: tuple | None) -> None:
        if self.pending is not None:
            self._open(immediate=False)
        super().run(statement, params)

    def rows(self, statement: str, params: tuple | None) -> list:
        if self.pending is not None:
            self._open(immediate=False)
        return super().rows(statement, params)

    def row(self, statement: str, params: tuple | None) -> t.Any:
        if self.pending is not None:
            self._open(immediate=False)
        return super().row(statement, params)

    def _restamp(self, found: int) -> None:
        """Stamp a store an older fql made with this version, if nothing in it needs rewriting."""
        self.run("BEGIN IMMEDIATE", ())
        try:
            check_older(found, self.path, self.row(self.sql.has_entries, ()) is not None)
            self._rekey_entries()
            self.run(self.sql.restamp, (SCHEMA_VERSION,))
            self.run("COMMIT", ())
        except BaseException:
            self.conn.rollback()
            raise

    def upgrade(self) -> None:
        if self.pending is not None:
            # No snapshot held yet: wait for the lock like any writer (up to the busy timeout).
            self._open(immediate=True)
        else:
            self._touch()
        if self.times is not None:
            self.times.claim(self.current.ts, self.below)

    def _touch(self) -> None:
        # A reader's first write asks for the lock without waiting (SQLite calls no busy handler for a
        # transaction that holds a snapshot): waiting would not help, as a commit by the holder makes
        # this snapshot stale anyway (SQLITE_BUSY_SNAPSHOT).
        try:
            self.cur.execute(self.sql.clock_touch)
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY:
                raise Conflict() from None
            raise self.failure(exc) from None
        except sqlite3.Error as exc:
            raise self.failure(exc) from None

    def finish(self, clock: tuple[int, int, int] | None) -> None:
        if self.pending is not None and clock is None:
            # A reader that never opened its transaction: nothing to commit.
            self.pending = None
            return
        if clock is not None:
            self.run(self.sql.clock_save, clock)
        self.run("COMMIT", ())
        if self.times is not None:
            self.times.release()

    def abort(self) -> None:
        self.pending = None
        try:
            if self.conn.in_transaction:
                self.run("ROLLBACK", ())
        finally:
            if self.times is not None:
                self.times.release()

    def failure(self, exc: Exception) -> FQLError:
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            return ContendedTransaction(f"The database {self.path} stayed locked by another process.")
        return FQLError(f"SQLite failure on {self.path}: {exc}")

    def close(self) -> None:
        self.conn.close()
        if self.times is not None:
            self.times.close()


def open_url(url: str) -> SQLiteStorage:
    """`sqlite:///abs/path.db` or `sqlite:relative.db`, with `?timeout=SECONDS&synchronous=full|normal`."""
    rest, _, query = url[len("sqlite:") :].partition("?")
    path = rest.removeprefix("//")
    if not path:
        raise InvalidArgument(f"The URL '{url}' names no file; write sqlite:///path/to/app.db.")
    options = dict(parse_qsl(query))
    unknown = set(options) - {"timeout", "synchronous"}
    if unknown:
        raise InvalidArgument(f"Unknown SQLite option '{min(unknown)}' in '{url}'.")
    try:
        timeout = float(options.get("timeout", 30))
    except ValueError:
        raise InvalidArgument(f"timeout must be a number of seconds, not '{options['timeout']}'.") from None
    return SQLiteStorage(os.path.expanduser(path), timeout=timeout, synchronous=options.get("synchronous", "full"))
