"""PostgreSQL storage (psycopg 3): SQLite's tables on a server that many `fql serve` processes share."""

from __future__ import annotations

import random
import time
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..errors import ContendedTransaction, FQLError, InvalidArgument, StoreUnavailable
from .base import Conflict
from .sqlite import SCHEMA_VERSION, SQL, SQLStorage, check_older, check_version

try:
    import psycopg
    from psycopg import errors as pg_errors
except ImportError:  # pragma: no cover - psycopg is a dependency; this names the fix if it is missing
    psycopg = None


class PostgresSQL(SQL):
    """SQLite's statements with `%s` parameters."""

    #: The clock row, locked, for engines without LOCK TABLE.
    clock_row_lock = "UPDATE fql_clock SET ts = ts RETURNING ts, last_id, written"


for _name, _text in vars(SQL).items():
    if isinstance(_text, str) and not _name.startswith("__"):
        setattr(PostgresSQL, _name, _text.replace("?", "%s"))

_C = 'TEXT COLLATE "C" NOT NULL'
#: PostgreSQL's tables: SQLite's, with BYTEA keys (compared bytewise, as memcmp) and BIGINT times.
_TABLES = (
    "CREATE TABLE IF NOT EXISTS fql_schema (version INTEGER NOT NULL)",
    (
        "CREATE TABLE IF NOT EXISTS fql_clock (one INTEGER PRIMARY KEY CHECK (one = 1), ts BIGINT NOT NULL,"
        " last_id BIGINT NOT NULL, written BIGINT NOT NULL)"
    ),
    (
        f"CREATE TABLE IF NOT EXISTS fql_docs (scope {_C}, coll {_C}, idk BYTEA NOT NULL, id TEXT NOT NULL,"
        " ts BIGINT NOT NULL, ttl BIGINT, data TEXT, PRIMARY KEY (scope, coll, idk))"
    ),
    (
        f"CREATE TABLE IF NOT EXISTS fql_history (scope {_C}, coll {_C}, idk BYTEA NOT NULL, ts BIGINT NOT NULL,"
        " ttl BIGINT, data TEXT, PRIMARY KEY (scope, coll, idk, ts))"
    ),
    (
        f"CREATE TABLE IF NOT EXISTS fql_entries (ix_scope {_C}, ix_name {_C}, terms BYTEA NOT NULL,"
        " sort BYTEA NOT NULL, vals TEXT NOT NULL, doc_scope TEXT NOT NULL, doc_coll TEXT NOT NULL,"
        " doc_id TEXT NOT NULL, ttl BIGINT, PRIMARY KEY (ix_scope, ix_name, terms, sort))"
    ),
    "CREATE INDEX IF NOT EXISTS fql_docs_ts ON fql_docs (scope, coll, ts)",
)
#: SQLSTATEs after which the whole transaction may simply run again (55P03: lock_timeout passed).
_RETRY = ("40001", "40P01", "55P03")
#: SQLSTATEs of an engine without LOCK TABLE (feature not supported, syntax error).
_NO_LOCK = ("0A000", "42601")


class PostgresStorage(SQLStorage):
    """A PostgreSQL database (or one schema of it) holding every fql database, document and index.

    Each query is one SERIALIZABLE transaction that starts by locking the clock table (`LOCK TABLE`, which
    takes no snapshot) and then reading the clock row: queries from every process and machine run one
    after another, in timestamp order, each seeing every earlier commit. A query waits for the running one;
    past the timeout it fails with `contended transaction`. Losing the connection is repaired at the next
    query's start.

    SQL the backend needs (PostgreSQL 11+ and engines that speak its protocol): SERIALIZABLE, BYTEA ordered
    bytewise in B-tree primary keys, TEXT COLLATE "C", INSERT ... ON CONFLICT DO UPDATE, several statements in
    one simple query, and LOCK TABLE. An engine without LOCK TABLE (CockroachDB) gets the clock row locked by
    an UPDATE instead, retried on serialization failure until the timeout; a serialization failure later in
    a query then fails it with `contended transaction`, since fql does not yet rerun whole queries.
    """

    sql = PostgresSQL

    def __init__(self, url: str, *, timeout: float = 30.0, schema: str | None = None) -> None:
        super().__init__(timeout)
        if psycopg is None:
            raise FQLError("PostgreSQL storage needs psycopg 3: pip install 'psycopg[binary]'.")
        self.driver_error = psycopg.Error
        self.url, self.where, self.schema = url, _redacted(url), schema
        #: Whether the engine has LOCK TABLE (PostgreSQL does; some compatible engines do not).
        self.lock_clock = True
        self._connect()
        try:
            self._create()
        except BaseException:
            self.conn.close()
            raise

    def _connect(self) -> None:
        try:
            # autocommit: fql sends BEGIN itself, in the same round trip as the clock's lock and read.
            self.conn = psycopg.connect(self.url, autocommit=True, connect_timeout=max(1, int(self.timeout)))
            self.cur = self.conn.cursor()
            self.cur.execute(f"SET lock_timeout = {int(self.timeout * 1000)}")
            if self.schema is not None:
                self.cur.execute(f"SET search_path TO {_ident(self.schema)}")
        except psycopg.Error as exc:
            raise StoreUnavailable(f"Cannot connect to PostgreSQL at {self.where}: {exc}") from None

    def _create(self) -> None:
        """Check the schema version, creating the tables first in a new database (or schema)."""
        try:
            self.cur.execute(self.sql.schema_version)
            row = self.cur.fetchone()
        except pg_errors.UndefinedTable:
            row = None
        except psycopg.Error as exc:
            raise self.failure(exc) from None
        if row is not None:
            check_version(row[0], self.where)
            if row[0] < SCHEMA_VERSION:
                try:
                    with self.conn.transaction():
                        self.cur.execute(self.sql.has_entries)
                        check_older(row[0], self.where, self.cur.fetchone() is not None)
                        self._rekey_entries()
                        self.cur.execute(self.sql.restamp, (SCHEMA_VERSION,))
                except psycopg.Error as exc:
                    raise self.failure(exc) from None
            return
        for attempt in range(5):
            try:
                with self.conn.transaction():
                    self._create_tables()
                return
            except (pg_errors.UniqueViolation, pg_errors.SerializationFailure, pg_errors.DeadlockDetected):
                # Two processes created the tables at once; the loser finds them made the next time.
                time.sleep(0.05 * (attempt + 1))
            except psycopg.Error as exc:
                raise self.failure(exc) from None
        raise FQLError(f"Cannot create fql's tables at {self.where}.")

    def _create_tables(self) -> None:
        if self.schema is not None:
            self.cur.execute(f"CREATE SCHEMA IF NOT EXISTS {_ident(self.schema)}")
        for table in _TABLES:
            self.cur.execute(table)
        self.cur.execute(self.sql.schema_version)
        row = self.cur.fetchone()
        check_version(row and row[0], self.where)
        if row is None:
            self.cur.execute(self.sql.stamp, (SCHEMA_VERSION,))
        self.cur.execute(self.sql.clock_init)

    def start(self, writing: bool) -> tuple[int, int, int]:
        if self.conn.closed:
            self._connect()
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                return self._take_clock()
            except psycopg.Error as exc:
                if not self._recover(exc, deadline):
                    raise self.failure(exc) from None

    def _take_clock(self) -> tuple[int, int, int]:
        # LOCK takes no snapshot: the SELECT's snapshot comes after the previous query committed.
        clock = ("LOCK TABLE fql_clock IN EXCLUSIVE MODE", self.sql.clock) if self.lock_clock else (
            self.sql.clock_row_lock,)
        self.cur.execute("; ".join(("BEGIN ISOLATION LEVEL SERIALIZABLE", *clock)))
        while self.cur.nextset():
            pass
        return self.cur.fetchone()

    def _recover(self, exc: psycopg.Error, deadline: float) -> bool:
        """Whether to start the transaction again after `exc` (having reconnected or rolled back)."""
        if self.conn.broken:
            # The server restarted or the network dropped since the last query.
            if time.monotonic() > deadline:
                return False
            self._connect()
            return True
        self.abort()
        if self.lock_clock and exc.sqlstate in _NO_LOCK:
            self.lock_clock = False
            return True
        if exc.sqlstate in _RETRY and time.monotonic() < deadline:
            time.sleep(random.uniform(0, 0.002))
            return True
        return False

    def finish(self, clock: tuple[int, int, int] | None) -> None:
        # One round trip: the clock's values are ints, written into the statement.
        save = "UPDATE fql_clock SET ts = {}, last_id = {}, written = {}; ".format(*map(int, clock)) if clock else ""
        self.run(save + "COMMIT", None)

    def abort(self) -> None:
        try:
            self.cur.execute("ROLLBACK")
        except psycopg.Error:
            pass

    def failure(self, exc: Exception) -> FQLError:
        if isinstance(exc, psycopg.DataError) and "NUL" in str(exc):
            # Document data is stored escaped; a name or id is stored as it is, in a TEXT column.
            return InvalidArgument("PostgreSQL storage cannot hold the character U+0000 in a name or id.")
        if getattr(exc, "sqlstate", None) in _RETRY:
            if self.current is not None and self.current.open:
                # In a query (an engine without LOCK TABLE): nothing of it is kept, and
                # Database.run_with_state runs it again, a bounded number of times, whatever it made of
                # the error meanwhile. Taking the clock was already retried until the timeout.
                self.current.conflict = Conflict()
                return self.current.conflict
            return ContendedTransaction("Transaction was aborted due to detection of concurrent modification.")
        return FQLError(f"PostgreSQL failure at {self.where}: {exc}")

    def close(self) -> None:
        self.conn.close()


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _redacted(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(":" + parts.password + "@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def open_url(url: str) -> PostgresStorage:
    """`postgresql://user:password@host:port/dbname`, plus fql's own `?fql_schema=NAME&fql_timeout=SECONDS`.

    Other query parameters go to libpq unchanged (`sslmode=require`, `application_name=...`).
    """
    parts = urlsplit(url)
    params = dict(parse_qsl(parts.query))
    schema = params.pop("fql_schema", None)
    try:
        timeout = float(params.pop("fql_timeout", 30))
    except ValueError:
        raise InvalidArgument(f"fql_timeout must be a number of seconds in '{_redacted(url)}'.") from None
    conninfo = urlunsplit(parts._replace(scheme="postgresql", query=urlencode(params)))
    return PostgresStorage(conninfo, timeout=timeout, schema=schema)

