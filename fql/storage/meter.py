"""What one query read from and wrote to storage, counted as Fauna counts its billing stats.

The server wraps a query's transaction in a `Meter`; the v10 `stats` and the v4 metric headers report
its figures. Core's rules (its QueryMetrics and Write.getStats):

- a document read, or a page of a set, that the query had not read before is one read, of
  `ceil(bytes / 4096)` read ops (at least 1); reads of schema (collections, indexes, functions, roles,
  access providers, which core serves from its schema cache) and of fql's own bookkeeping are not billed;
- the bytes a query writes are summed per document (its version and its index entries), and each
  document costs `ceil(bytes / 1024)` write ops.

Sizes are those of fql's own stored form (fql/storage/codec.py) of each version and index entry, worked
out once the query has finished, so a query that nobody asks the stats of pays only for a list append.
"""

from __future__ import annotations

import typing as t

from . import codec
from .base import DocKey, Entry, IndexKey, Transaction, Version

#: Core's billing units (QueryMetrics.BytesPerReadOp and BytesPerWriteOp).
BYTES_PER_READ_OP, BYTES_PER_WRITE_OP = 4096, 1024
#: Collections whose reads are not billed: schema, and fql's own bookkeeping (scopes, the schema version).
UNBILLED = frozenset(
    ("#collections", "#indexes", "#functions", "#roles", "#access_providers", "#schema_version", "#scopes")
)
#: Sizes of versions already measured, by object: (the version, its size).
_VERSION_SIZES: dict[int, tuple[Version, int]] = {}
_MAX_SIZES = 4096
#: The fixed part of a stored version or entry besides its data: its timestamp and flags.
_OVERHEAD = 16


class Meter:
    """A transaction that notes each read and write on its way through to the real one."""

    def __init__(self, txn: Transaction):
        self.txn = txn
        self.ts = txn.ts
        #: Documents read (each counted once): what was found, or None.
        self._docs: dict[DocKey, Version | None] = {}
        #: Set reads: each a list of what one scan yielded.
        self._sets: list[list[Version | Entry]] = []
        #: What was written, by the document it belongs to (index removals by index and terms).
        self._writes: dict[t.Any, list[t.Any]] = {}
        self._figures: tuple[int, int, int, int] | None = None

    def __getattr__(self, name: str) -> t.Any:
        # ts, horizon, conflict, next_id, commit, rollback, index_drop: the transaction's own.
        return getattr(self.txn, name)

    def get(self, key: DocKey) -> Version | None:
        version = self.txn.get(key)
        if key.coll not in UNBILLED:
            self._docs.setdefault(key, version)
        return version

    def history(self, key: DocKey) -> list[Version]:
        versions = self.txn.history(key)
        self._sets.append(list(versions))
        return versions

    def scan(self, scope: str, coll: str, **kw: t.Any) -> t.Iterator[Version]:
        versions = self.txn.scan(scope, coll, **kw)
        return versions if coll in UNBILLED else self._counted(versions)

    def index_scan(self, index: IndexKey, terms: bytes, **kw: t.Any) -> t.Iterator[Entry]:
        return self._counted(self.txn.index_scan(index, terms, **kw))

    def _counted(self, items: t.Iterator[t.Any]) -> t.Iterator[t.Any]:
        seen: list[t.Any] = []
        self._sets.append(seen)
        for item in items:
            seen.append(item)
            yield item

    def put(self, version: Version) -> None:
        self.txn.put(version)
        if version.key.coll != "#schema_version":
            self._writes.setdefault(version.key, []).append(version)

    def insert_version(self, version: Version) -> None:
        self.txn.insert_version(version)
        self._writes.setdefault(version.key, []).append(version)

    def remove_version(self, key: DocKey, ts: int) -> None:
        self.txn.remove_version(key, ts)
        self._writes.setdefault(key, []).append(Version(key, ts, None))

    def index_put(self, index: IndexKey, terms: bytes, entry: Entry) -> None:
        self.txn.index_put(index, terms, entry)
        self._writes.setdefault(entry.doc, []).append(entry)

    def index_remove(self, index: IndexKey, terms: bytes, sort: bytes) -> None:
        self.txn.index_remove(index, terms, sort)
        self._writes.setdefault((index, terms), []).append(terms + sort)

    # The figures.

    @property
    def bytes_read(self) -> int:
        return self.figures()[1]

    @property
    def read_ops(self) -> int:
        return self.figures()[0]

    @property
    def bytes_written(self) -> int:
        return self.figures()[3]

    @property
    def write_ops(self) -> int:
        return self.figures()[2]

    def figures(self) -> tuple[int, int, int, int]:
        """(read ops, bytes read, write ops, bytes written), worked out once, when first asked for: the size
        of each billed read (a document, or one scan's items) and the bytes written for each document."""
        if self._figures is None:
            read_ops = bytes_read = write_ops = bytes_written = 0
            reads = [0 if v is None else _size(v) for v in self._docs.values()]
            reads += [sum(map(_size, seen)) for seen in self._sets]
            for size in reads:
                read_ops += _ops(size, BYTES_PER_READ_OP)
                bytes_read += size
            for items in self._writes.values():
                size = sum(map(_size, items))
                write_ops += _ops(size, BYTES_PER_WRITE_OP)
                bytes_written += size
            self._figures = (read_ops, bytes_read, write_ops, bytes_written)
        return self._figures


def _ops(size: int, unit: int) -> int:
    """Billable ops for `size` bytes: whole units, rounded up, and at least one (core counts 1 for less)."""
    return max(1, -(-size // unit))


def _size(item: t.Any) -> int:
    """The stored size in bytes of a version, an index entry, or a removed entry's key."""
    if isinstance(item, Version):
        # Stores hand out the same Version object for each read of it (memory, the SQL stores' caches):
        # its size is worked out once. The entry keeps the object, so its id is not reused meanwhile.
        known = _VERSION_SIZES.get(id(item))
        if known is not None and known[0] is item:
            return known[1]
        key = item.key
        data = 0 if item.data is None else len(codec.dumps(item.data))
        size = _OVERHEAD + len(key.scope) + len(key.coll) + len(key.id) + data
        if len(_VERSION_SIZES) >= _MAX_SIZES:
            _VERSION_SIZES.clear()
        _VERSION_SIZES[id(item)] = (item, size)
        return size
    if isinstance(item, Entry):
        return _OVERHEAD + len(item.sort) + len(codec.dumps(list(item.values)))
    return _OVERHEAD + len(item)
