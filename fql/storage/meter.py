"""What one query read from and wrote to storage, counted as Fauna counts its billing stats.

The server wraps a query's transaction in a `Meter`; the v10 `stats` and the v4 metric headers report
its figures. Core's rules (its QueryMetrics and Write.getStats):

- a billed read (Get, Exists, Paginate, KeyFromSecret, Identify, Login: core's statReads) of what the
  query had not read before (core's read cache) is one charge of `ceil(bytes / 4096)` read ops (at least
  1), plus one per set scanned past the first; a set that Count or Reduce scans is a charge of its own;
- reads a write makes (of the document it changes) add their bytes but no read ops; schema the query
  looks up for itself (collections, indexes, functions, roles, access providers, which core serves from
  its schema cache) and fql's own bookkeeping are neither, though reading a schema document is billed;
- the bytes a query writes are summed per document (its version and its index entries), and each
  document costs `ceil(bytes / 1024)` write ops.

Sizes are those of fql's own stored form (fql/storage/codec.py) of each version and index entry, worked
out once the query has finished, so a query that nobody asks the stats of pays only for a list append.
"""

from __future__ import annotations

import contextlib
import typing as t

from . import codec
from .base import DocKey, Entry, IndexKey, Transaction, Version

#: Core's billing units (QueryMetrics.BytesPerReadOp and BytesPerWriteOp).
BYTES_PER_READ_OP, BYTES_PER_WRITE_OP = 4096, 1024
#: The partitions of an index without terms, a collection's documents included (core's
#: Index.MaxIndexPartitions): a v10 read of one is billed a read op for each past the first.
PARTITIONS = 8
#: Collections whose reads are not billed: schema, and fql's own bookkeeping (scopes, the schema version,
#: the times collections were deleted, the log of history edits).
UNBILLED = frozenset(
    (
        "#collections",
        "#indexes",
        "#functions",
        "#roles",
        "#access_providers",
        "#schema_version",
        "#scopes",
        "#collection_drops",
        "#history_rewrites",
        "#schema_made",
        "#key_databases",
    )
)
#: fql's own bookkeeping, whose writes are not billed (core has no such documents).
BOOKKEEPING = frozenset(
    ("#schema_version", "#scopes", "#collection_drops", "#history_rewrites", "#schema_made", "#key_databases")
)
#: Schema documents, whose writes read storage first.
SCHEMA = frozenset(("#collections", "#indexes", "#functions", "#roles", "#access_providers", "#databases"))
#: The kinds of schema and key documents core's business metrics count apart from documents.
_KINDS = {
    "#databases": "database",
    "#collections": "collection",
    "#roles": "role",
    "#functions": "function",
    "#keys": "key",
}
#: Sizes of versions already measured, by object: (the version, its size).
_VERSION_SIZES: dict[int, tuple[Version, int]] = {}
_MAX_SIZES = 4096
#: The fixed part of a stored version or entry besides its data: its timestamp and flags.
_OVERHEAD = 16


class _Charge:
    """One billed read: what it read that the query had not read before."""

    __slots__ = ("sets", "seen", "schema", "cached", "fresh", "own")

    def __init__(self, own: bool = False) -> None:
        #: How many sets it scanned.
        self.sets = 0
        #: Versions, index entries, and the keys of documents found missing.
        self.seen: list[t.Any] = []
        #: The schema documents it read.
        self.schema: list[t.Any] = []
        #: Whether it read a document or set the query had read before, and whether it read one it had not.
        self.cached = False
        self.fresh = False
        #: Whether it is a v10 read of a schema document itself (`Meter.billed(schema=True)`).
        self.own = own


class Meter:
    """A transaction that notes each read and write on its way through to the real one."""

    def __init__(self, txn: Transaction, *, marked: bool = False):
        self.txn = txn
        #: Billed reads are marked (`billed()`), as v4's functions are; otherwise (v10) every read of a
        #: document outside a marked one is a billed read of its own.
        self.marked = marked
        self.ts = txn.ts
        #: Documents read so far (core's per-query read cache): reading one again costs nothing.
        self._cached: set[DocKey] = set()
        #: The scans billed reads made so far, likewise.
        self._scanned: set[tuple] = set()
        #: Billed reads.
        self._charges: list[_Charge] = []
        #: The billed reads under way (`billed()`), innermost last; None for an `unbilled()` one.
        self._open: list[_Charge | None] = []
        #: The reads of documents held back under way (`defer()`), innermost last.
        self._deferring: list[_Deferred] = []
        #: What other reads (a write's own, of the document it changes) found: bytes, but no read ops.
        self._unbilled: list[t.Any] = []
        #: What was written, by the document it belongs to.
        self._writes: dict[t.Any, list[t.Any]] = {}
        #: The document whose version was written last: the one whose index entries a removal moves.
        self._moving: DocKey | None = None
        self._figures: tuple[int, int, int, int] | None = None
        #: Core's "business metrics": (kind, create/update/delete) -> count, one per version written
        #: (`put`), and whether each document written is live after this query's last write to it.
        self._business: dict[tuple[str, str], int] = {}
        self._live: dict[DocKey, bool] = {}
        #: The last document `get` read, and what it found.
        self._last_get: tuple[t.Any, Version | None] = (None, None)
        #: Within `cascade()`: writes that follow from another, which core's business metrics do not count.
        self._quiet = 0

    def __getattr__(self, name: str) -> t.Any:
        # ts, horizon, conflict, next_id, commit, rollback, index_drop: the transaction's own.
        return getattr(self.txn, name)

    def billed(self, schema: bool = False) -> _Reading:
        """A read the query is billed for (core's Get, Exists, Paginate, KeyFromSecret, Identify, Login):
        if it reads anything the query had not read before, it is one charge, of `ceil(bytes / 4096)`
        read ops over what was new plus one for each set it scanned past the first. Reads inside a nested
        one are charged to it. With `schema`, a v10 read of a schema document itself (`Collection.byName`,
        `.definition`), which core's read cache bills once a query."""
        charge = _Charge(schema)
        self._charges.append(charge)
        return _Reading(self._open, charge)

    def unbilled(self) -> _Reading:
        """Reads a write makes for itself (an index's build, a unique check): their bytes, no read ops."""
        return _Reading(self._open, None)

    def defer(self) -> _Deferred:
        """Reads of documents within (a `with` block) are held back, neither billed nor cached, until
        `bill()`: a set's elements read from its index entries, which core reads only when the query or its
        answer looks inside them (FQL2MetricsSpec maps `.id` "so that data projection doesn't cost more
        read ops")."""
        return _Deferred(self)

    @contextlib.contextmanager
    def cascade(self) -> t.Iterator[None]:
        """Writes within (a `with` block) follow from another (a collection's documents deleted with it):
        core does not count them as creates, updates or deletes of their own (`business_metrics`)."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def get(self, key: DocKey) -> Version | None:
        version = self.txn.get(key)
        self._last_get = (key, version)
        if self._deferring and not self._open and not self.marked and key not in self._cached and key.coll not in UNBILLED:
            self._deferring[-1].held.append((key, version))
            return version
        if key in self._cached:
            if self._open and self._open[-1] is not None:
                self._open[-1].cached = True
            return version
        charge = self._open[-1] if self._open else None
        if charge is None and not self._open and not self.marked and key.coll not in UNBILLED:
            charge = _Charge()
            self._charges.append(charge)
        if charge is not None:
            # Schema a billed read looks up on the way is billed only if that is all it read (Get of a
            # collection); otherwise core's schema cache serves it.
            if key.coll in UNBILLED:
                if not self.marked and key in self._cached:
                    # v10: a schema document the query wrote or read before (core's read cache).
                    charge.cached = True
                    return version
                charge.schema.append(key if version is None else version)
                if charge.own:
                    # A v10 read of the schema document itself (`Collection.byName`): once per query.
                    self._cached.add(key)
            else:
                self._cached.add(key)
                charge.fresh = True
                charge.seen.append(key if version is None else version)
        elif key.coll not in UNBILLED and version is not None:
            self._cached.add(key)
            self._unbilled.append(version)
        return version

    def history(self, key: DocKey) -> list[Version]:
        versions = self.txn.history(key)
        if not self._open:
            # A write's own (Insert, Remove): its bytes only.
            self._unbilled.extend(versions)
            return versions
        return list(self._counted(iter(versions), key.coll, ("history", key), 1))

    def scan(self, scope: str, coll: str, **kw: t.Any) -> t.Iterator[Version]:
        return self._counted(self.txn.scan(scope, coll, **kw), coll, ("scan", scope, coll), PARTITIONS)

    def index_scan(self, index: IndexKey, terms: bytes, **kw: t.Any) -> t.Iterator[Entry]:
        partitions = 1 if terms else PARTITIONS
        return self._counted(self.txn.index_scan(index, terms, **kw), "", ("index", index, terms), partitions)

    def _counted(self, items: t.Iterator[t.Any], coll: str, read: tuple, partitions: int) -> t.Iterator[t.Any]:
        """A set's scan (`read` says which): part of the billed read under way, or else a charge of its own
        (core's Paginator bills the sets Count or Reduce read); schema a query reads for itself is not
        billed, nor a scan it made before (core's read cache). v10 bills a set's `partitions` (v4 one)."""
        if self._open:
            charge = self._open[-1]
            if charge is None:
                return _noted(items, self._unbilled)
            charge.sets += 1 if self.marked else partitions
            if read in self._scanned:
                charge.cached = True
                return items
        elif coll in UNBILLED:
            return items
        elif not self.marked and read in self._scanned:
            # v10: the same set read again, with no write to it since (core's read cache, whose entries
            # carry the query's writes to what they read): no read ops (FQL2MetricsSpec "if/exists/get set").
            return items
        else:
            charge = _Charge()
            self._charges.append(charge)
            charge.sets += 1 if self.marked else partitions
        charge.fresh = True
        self._scanned.add(read)
        if read[0] == "scan" and not self.marked:
            # v10: a collection's scan reads its documents index, whose entries name the documents; a
            # document is read (and billed) when the query or its answer looks inside it, not by the scan
            # (core's FQL2MetricsSpec projects `.id` "so that data projection doesn't cost more read ops";
            # the drivers' tests see `Coll.all().toArray()` of 2 documents bill 10, 8 when it then aborts).
            return _noted_keys(items, charge.seen)
        return _noted(items, charge.seen)

    def put(self, version: Version) -> None:
        key = version.key
        kind = _KINDS.get(key.coll, "document" if not key.coll.startswith("#") else None)
        if kind is not None and not self._quiet:
            live = self._live.get(key)
            if live is None:
                # The document as the query found it: a write reads it just before (documents.write);
                # otherwise it is read now, before the write goes through.
                last_key, before = self._last_get
                if last_key != key:
                    before = self.txn.get(key)
                live = before is not None and before.live_at(self.ts)
            verb = "delete" if version.data is None else "update" if live else "create"
            self._business[(kind, verb)] = self._business.get((kind, verb), 0) + 1
            self._live[key] = version.data is not None
        self.txn.put(version)
        if key.coll in SCHEMA and key not in self._cached:
            # Core looks a schema document's name up in storage, not its cache, before writing it.
            self._cached.add(key)
            self._unbilled.append(key)
        if key.coll not in BOOKKEEPING:
            self._writes.setdefault(version.key, []).append(version)
            self._moving = key
            self._scanned.discard(("scan", key.scope, key.coll))
        if not self.marked:
            # v10 reads what the query wrote itself from its transaction, not storage (core's pending
            # writes): as a document already read, neither a read op nor bytes.
            self._cached.add(key)

    def insert_version(self, version: Version) -> None:
        self.txn.insert_version(version)
        self._writes.setdefault(version.key, []).append(version)
        self._moving = version.key

    def remove_version(self, key: DocKey, ts: int) -> None:
        self.txn.remove_version(key, ts)
        self._writes.setdefault(key, []).append(Version(key, ts, None))
        self._moving = key

    def index_put(self, index: IndexKey, terms: bytes, entry: Entry) -> None:
        self.txn.index_put(index, terms, entry)
        self._scanned.discard(("index", index, terms))
        self._writes.setdefault(entry.doc, []).append(entry)

    def index_remove(self, index: IndexKey, terms: bytes, sort: bytes) -> None:
        # The entry is the document's whose version was just written (its entries move right after:
        # fql/eval/indexes.py `on_write`), and core bills it to that document (Write.getStats sums a
        # SetWrite's bytes by its document).
        self.txn.index_remove(index, terms, sort)
        self._scanned.discard(("index", index, terms))
        doc = self._moving if self._moving is not None else (index, terms)
        self._writes.setdefault(doc, []).append(terms + sort)

    # The figures.

    def business_metrics(self) -> dict[str, int]:
        """Core's "business metrics" of the query (QueryMetrics: the `business_metrics` of its query log):
        the creates, updates and deletes of databases, collections, roles, functions, keys and documents of
        user collections, one for each write (a document updated twice in one query counts two), an FSL
        schema change's included."""
        return {
            f"{kind}_{verb}s": self._business.get((kind, verb), 0)
            for kind in ("database", "collection", "role", "function", "key", "document")
            for verb in ("create", "update", "delete")
        }

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
            read_ops = write_ops = bytes_written = 0
            bytes_read = sum(map(_size, self._unbilled))
            for charge in self._charges:
                # A billed read of only what the query had read before costs nothing; one of schema
                # alone (Get of a collection) is billed as a document's.
                seen = charge.seen or ([] if charge.cached else charge.schema)
                if charge.fresh or seen:
                    size = sum(map(_size, seen))
                    read_ops += _ops(size, BYTES_PER_READ_OP) + max(charge.sets, 1) - 1
                    bytes_read += size
            for items in self._writes.values():
                size = sum(map(_size, items))
                write_ops += _ops(size, BYTES_PER_WRITE_OP)
                bytes_written += size
            self._figures = (read_ops, bytes_read, write_ops, bytes_written)
        return self._figures


class _Deferred:
    """Document reads held back (`Meter.defer()`); `bill()` bills each one the query has not read since as
    a read of its own."""

    __slots__ = ("_meter", "held")

    def __init__(self, meter: Meter):
        self._meter = meter
        self.held: list[tuple[DocKey, Version | None]] = []

    def __enter__(self) -> _Deferred:
        self._meter._deferring.append(self)
        return self

    def __exit__(self, *exc: t.Any) -> None:
        self._meter._deferring.pop()

    def bill(self) -> None:
        meter, held, self.held = self._meter, self.held, []
        if meter._figures is not None:
            return
        for key, version in held:
            if key in meter._cached:
                continue
            meter._cached.add(key)
            charge = _Charge()
            charge.fresh = True
            charge.seen.append(key if version is None else version)
            meter._charges.append(charge)


class _Reading:
    """The reads made within (a `with` block) go to `charge` (None: unbilled). A plain class rather than
    a generator-based context manager: a point read enters one, and this costs a fraction as much."""

    __slots__ = ("_open", "_charge")

    def __init__(self, open_: list[_Charge | None], charge: _Charge | None):
        self._open = open_
        self._charge = charge

    def __enter__(self) -> None:
        self._open.append(self._charge)

    def __exit__(self, *exc: t.Any) -> None:
        self._open.pop()


def unmetered(txn: t.Any) -> t.Any:
    """The transaction under a Meter (itself for another): reads through it bill nothing."""
    return txn.txn if isinstance(txn, Meter) else txn


def cascade(txn: t.Any) -> t.ContextManager[None]:
    """`Meter.cascade()` of a metered transaction; nothing for another."""
    return txn.cascade() if isinstance(txn, Meter) else contextlib.nullcontext()


def _noted(items: t.Iterator[t.Any], seen: list[t.Any]) -> t.Iterator[t.Any]:
    for item in items:
        seen.append(item)
        yield item


def _noted_keys(items: t.Iterator[Version], seen: list[t.Any]) -> t.Iterator[Version]:
    # The entries of documents there now (a deleted one, whose newest version is its deletion, has none).
    for version in items:
        if version.data is not None:
            seen.append(version.key)
        yield version


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
    if isinstance(item, DocKey):
        # A billed read that found nothing still read the key (core counts it at least a byte).
        return _OVERHEAD + len(item.scope) + len(item.coll) + len(item.id)
    return _OVERHEAD + len(item)
