"""The Storage contract: versioned documents by key, ordered index entries, one transaction per query.

A backend knows nothing of FQL semantics. The evaluator decides what a document's fields are and which
index entries it has; a backend keeps versions and entries and answers ordered range scans over them.
Keys are bytes from `fql.collation`, so every backend sorts the same way.
"""

from __future__ import annotations

import time
import typing as t
from abc import ABC, abstractmethod

from attrs import frozen

from ..errors import ContendedTransaction, FQLError


class DocKey(t.NamedTuple):
    """Where a document lives: a database scope ("" is the top), a collection, an id.

    `coll` is a user collection's name, or a native collection's name with a leading `#` (`#tokens`).
    A named tuple, not an attrs class: keys are hashed and compared on every read, and tuples do that in C.
    """

    scope: str
    coll: str
    id: str


@frozen
class Version:
    """One version of a document: its fields at `ts` (µs), or a deletion when `data` is None."""

    key: DocKey
    ts: int
    data: dict | None
    #: Expiry in µs since the epoch; a version past its ttl reads as deleted.
    ttl: int | None = None

    def live_at(self, ts: int) -> bool:
        return self.data is not None and (self.ttl is None or self.ttl > ts)


class IndexKey(t.NamedTuple):
    """An index's entries: its scope and name (a named tuple, like DocKey)."""

    scope: str
    name: str


@frozen
class Entry:
    """One index entry: the values tuple and the ref's document key, plus the document's ttl."""

    sort: bytes
    values: tuple
    doc: DocKey
    ttl: int | None = None


class Transaction(ABC):
    """A snapshot of the store plus this query's own writes; commit applies them all or none."""

    #: The snapshot time in µs; this transaction's writes carry it as their `ts`.
    ts: int
    #: Set when a write found the snapshot stale: the query must run again, whatever it made of the error
    #: (a user function wraps errors in `call error`), and commit refuses.
    conflict: Conflict | None = None

    def refusal(self) -> FQLError | None:
        """The error every write meets, in a transaction that refuses them (`ReadOnly`); None here."""
        return None

    @property
    def horizon(self) -> int:
        """Every write stamped up to this time is in this transaction's snapshot, and no later commit will
        be stamped at or before it: where a stream or feed that read this snapshot resumes. The
        transaction's own time; where readers run beside a writer whose earlier time may not be committed
        yet and nothing keeps their times below it (SQLite without flock), asking for it takes the writer's
        lock (`Conflict` if the snapshot went stale)."""
        return self.ts

    @abstractmethod
    def get(self, key: DocKey) -> Version | None:
        """The newest version of `key` (own writes included), live or not; None if never written."""

    @abstractmethod
    def history(self, key: DocKey) -> list[Version]:
        """Every version of `key`, oldest first."""

    @abstractmethod
    def put(self, version: Version) -> None:
        """Write a new version (a deletion when `version.data` is None)."""

    @abstractmethod
    def insert_version(self, version: Version) -> None:
        """Put `version` into its document's history at `version.ts`, which may be before the newest version
        (a history write: v4 Insert), replacing the version at that time if there is one. A version later
        than every other becomes the newest, the one `get` answers."""

    @abstractmethod
    def remove_version(self, key: DocKey, ts: int) -> None:
        """Remove the version of `key` at exactly `ts`, if there is one (v4 Remove). When it was the newest,
        the one before it becomes the newest; when none is left, the document reads as never written."""

    @abstractmethod
    def scan(self, scope: str, coll: str, *, lo: bytes | None = None, reverse: bool = False) -> t.Iterator[Version]:
        """Newest versions of the documents of a collection in id order, from id key `lo` (inclusive)."""

    def written_since(self, scope: str, coll: str, ts: int) -> t.Iterator[Version]:
        """Newest versions of the documents of a collection later than `ts`, in no order (an index read in
        the past recomputes their entries). This one scans the collection; a backend that keeps its
        writes by time answers from them."""
        return (version for version in self.scan(scope, coll) if version.ts > ts)

    @abstractmethod
    def index_put(self, index: IndexKey, terms: bytes, entry: Entry) -> None:
        """Add an entry under `terms`."""

    @abstractmethod
    def index_remove(self, index: IndexKey, terms: bytes, sort: bytes) -> None:
        """Remove the entry with sort key `sort` under `terms`."""

    @abstractmethod
    def index_scan(
        self,
        index: IndexKey,
        terms: bytes,
        *,
        lo: bytes | None = None,
        hi: bytes | None = None,
        reverse: bool = False,
    ) -> t.Iterator[Entry]:
        """Entries under `terms` with `lo <= sort < hi`, ascending (or descending when `reverse`)."""

    @abstractmethod
    def index_drop(self, index: IndexKey) -> None:
        """Remove every entry of an index."""

    @abstractmethod
    def next_id(self) -> int:
        """A new unique document id, greater than every id this store has issued."""

    @abstractmethod
    def commit(self) -> None:
        """Make this transaction's writes durable and visible, all at once."""

    @abstractmethod
    def rollback(self) -> None:
        """Forget this transaction's writes."""


def next_snowflake(last: int) -> int:
    """A new document id after `last`: microseconds since the epoch shifted left, then a counter."""
    return max(last + 1, (time.time_ns() // 1000) << 8)


class Conflict(ContendedTransaction):
    """The transaction's snapshot went stale before it could write: run the whole query again, from scratch.

    A backend raises it only where nothing of the query has been committed; `Database.run_with_state`
    reruns the query (asking for the write lock at once) a bounded number of times, then lets it reach the
    user as Fauna's `contended transaction`.
    """

    def __init__(self, description: str = "Transaction was aborted due to detection of concurrent modification."):
        super().__init__(description)


class Storage(ABC):
    """A backend: hands out transactions."""

    #: Whether a transaction may wait on something outside this process (another process's lock, disk or
    #: network I/O). The server runs queries on a store that never does right on its event loop.
    blocking = True

    @abstractmethod
    def begin(self, *, writing: bool = False) -> Transaction:
        """Start a transaction at a new timestamp, strictly greater than every earlier one.

        `writing` says the query is expected to write (it is being rerun after a `Conflict`): a backend
        that lets readers run beside a writer takes the write lock at once instead of at the first write.
        """

    def close(self) -> None:
        """Release resources; a no-op for backends that hold none."""

    def generation(self) -> int | None:
        """A number that changes whenever a transaction commits writes, or None if the backend cannot
        tell cheaply (then nothing may be cached across transactions)."""
        return None
