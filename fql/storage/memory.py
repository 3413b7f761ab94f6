"""The in-memory backend: versions in dicts, ordered keys in bisect-maintained lists, one writer at a time."""

from __future__ import annotations

import bisect
import threading
import time
import typing as t

from ..collation import id_key
from .base import DocKey, Entry, IndexKey, Storage, Transaction, Version, next_snowflake

_DELETED = object()


class _Sorted:
    """Sorted unique byte keys with payloads: bisect for range scans, a dict for lookups."""

    __slots__ = ("keys", "items")

    def __init__(self) -> None:
        self.keys: list[bytes] = []
        self.items: dict[bytes, t.Any] = {}

    def set(self, key: bytes, item: t.Any) -> None:
        if key not in self.items:
            bisect.insort(self.keys, key)
        self.items[key] = item

    def remove(self, key: bytes) -> None:
        if self.items.pop(key, _DELETED) is not _DELETED:
            del self.keys[bisect.bisect_left(self.keys, key)]

    def range(self, lo: bytes | None, hi: bytes | None, reverse: bool) -> t.Iterator[tuple[bytes, t.Any]]:
        start = 0 if lo is None else bisect.bisect_left(self.keys, lo)
        stop = len(self.keys) if hi is None else bisect.bisect_left(self.keys, hi)
        keys, items = self.keys, self.items
        indices = range(stop - 1, start - 1, -1) if reverse else range(start, stop)
        for i in indices:
            # A key removed while iterating shifts the list; re-read defensively.
            if i < len(keys):
                k = keys[i]
                yield k, items[k]


def _merge(
    base: t.Iterator[tuple[bytes, t.Any]], overlay: t.Iterator[tuple[bytes, t.Any]], reverse: bool
) -> t.Iterator[tuple[bytes, t.Any]]:
    """Merge two ordered streams; the overlay wins on equal keys, and `_DELETED` hides a key."""
    sentinel = (None, None)
    a, b = next(base, sentinel), next(overlay, sentinel)
    while a is not sentinel or b is not sentinel:
        if b is sentinel or (a is not sentinel and (a[0] > b[0] if reverse else a[0] < b[0])):
            yield a
            a = next(base, sentinel)
            continue
        if a is not sentinel and a[0] == b[0]:
            a = next(base, sentinel)
        if b[1] is not _DELETED:
            yield b
        b = next(overlay, sentinel)


def _place(history: list[Version], version: Version) -> None:
    """Put `version` into a history (oldest first) at its time, replacing the version at that time."""
    i = bisect.bisect_left(history, version.ts, key=lambda v: v.ts)
    if i < len(history) and history[i].ts == version.ts:
        history[i] = version
    else:
        history.insert(i, version)


def _logged(store: MemoryStorage, key: DocKey, ts: int) -> None:
    """Note that `key` was written at `ts` in its collection's writes by time."""
    times, keys = store.written.setdefault((key.scope, key.coll), ([], []))
    i = bisect.bisect_right(times, ts)
    times.insert(i, ts)
    keys.insert(i, key)


class MemoryStorage(Storage):
    """Everything in process memory; lost on exit. Queries run one at a time (serializable)."""

    blocking = False

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.versions: dict[DocKey, list[Version]] = {}
        self.collections: dict[tuple[str, str], _Sorted] = {}
        self.indexes: dict[IndexKey, dict[bytes, _Sorted]] = {}
        #: Each collection's writes by time: the times (ascending) and, beside each, the document written
        #: (Transaction.written_since).
        self.written: dict[tuple[str, str], tuple[list[int], list[DocKey]]] = {}
        self.last_ts = 0
        self.last_id = 0
        #: Bumped by every commit that wrote something (see Storage.generation).
        self.writes = 0

    def generation(self) -> int:
        return self.writes

    def begin(self, *, writing: bool = False) -> MemoryTransaction:
        self.lock.acquire()
        now = time.time_ns() // 1000
        self.last_ts = max(now, self.last_ts + 1)
        return MemoryTransaction(self, self.last_ts)


class OwnWrites(Transaction):
    """A transaction's own writes, kept apart until commit, and reads that merge them over what is under
    them (the shared state of a MemoryStorage, or another transaction: storage/overlay.py). Under is read
    through four hooks: `_base_get`, `_base_history`, `_base_scan` and `_base_entries`."""

    def __init__(self) -> None:
        self.docs: dict[DocKey, Version] = {}
        #: Whole histories this transaction rewrote (Insert, Remove), oldest first; they replace the base's.
        self.histories: dict[DocKey, list[Version]] = {}
        self.colls: dict[tuple[str, str], _Sorted] = {}
        self.entries: dict[tuple[IndexKey, bytes], _Sorted] = {}
        self.dropped: set[IndexKey] = set()

    def _base_get(self, key: DocKey) -> Version | None:
        raise NotImplementedError

    def _base_history(self, key: DocKey) -> t.Sequence[Version]:
        raise NotImplementedError

    def _base_scan(self, scope: str, coll: str, lo: bytes | None, reverse: bool) -> t.Iterator[Version]:
        raise NotImplementedError

    def _base_entries(
        self, index: IndexKey, terms: bytes, lo: bytes | None, hi: bytes | None, reverse: bool
    ) -> t.Iterator[tuple[bytes, t.Any]]:
        raise NotImplementedError

    def get(self, key: DocKey) -> Version | None:
        if key in self.docs:
            return self.docs[key]
        if key in self.histories:
            history = self.histories[key]
            return history[-1] if history else None
        return self._base_get(key)

    def history(self, key: DocKey) -> list[Version]:
        if key in self.histories:
            return list(self.histories[key])
        out = list(self._base_history(key))
        if key in self.docs:
            out.append(self.docs[key])
        return out

    def put(self, version: Version) -> None:
        key = version.key
        if key in self.histories:
            _place(self.histories[key], version)
            return
        self.docs[key] = version
        self.colls.setdefault((key.scope, key.coll), _Sorted()).set(id_key(key.id), key)

    def insert_version(self, version: Version) -> None:
        _place(self._rewritten(version.key), version)

    def remove_version(self, key: DocKey, ts: int) -> None:
        history = self._rewritten(key)
        history[:] = [v for v in history if v.ts != ts]

    def _rewritten(self, key: DocKey) -> list[Version]:
        """The history of `key` as this transaction's own copy, which commit puts in place of the base's."""
        history = self.histories.get(key)
        if history is None:
            history = self.histories[key] = self.history(key)
            self.docs.pop(key, None)
            self.colls.setdefault((key.scope, key.coll), _Sorted()).set(id_key(key.id), key)
        return history

    def scan(self, scope: str, coll: str, *, lo: bytes | None = None, reverse: bool = False) -> t.Iterator[Version]:
        own = self.colls.get((scope, coll))
        if not own:
            # Nothing of this collection written here (a write always marks its collection).
            yield from self._base_scan(scope, coll, lo, reverse)
            return
        base = ((id_key(v.key.id), v.key) for v in self._base_scan(scope, coll, lo, reverse))
        for _, key in _merge(base, own.range(lo, None, reverse), reverse):
            version = self.get(key)
            if version is not None:
                yield version

    def index_put(self, index: IndexKey, terms: bytes, entry: Entry) -> None:
        self.entries.setdefault((index, terms), _Sorted()).set(entry.sort, entry)

    def index_remove(self, index: IndexKey, terms: bytes, sort: bytes) -> None:
        self.entries.setdefault((index, terms), _Sorted()).set(sort, _DELETED)

    def index_drop(self, index: IndexKey) -> None:
        self.dropped.add(index)
        for key in [k for k in self.entries if k[0] == index]:
            del self.entries[key]

    def index_scan(
        self,
        index: IndexKey,
        terms: bytes,
        *,
        lo: bytes | None = None,
        hi: bytes | None = None,
        reverse: bool = False,
    ) -> t.Iterator[Entry]:
        stream: t.Iterator[tuple[bytes, t.Any]] = iter(())
        if index not in self.dropped:
            stream = self._base_entries(index, terms, lo, hi, reverse)
        own = self.entries.get((index, terms))
        if own is not None:
            stream = _merge(stream, own.range(lo, hi, reverse), reverse)
        for _, entry in stream:
            yield entry


class MemoryTransaction(OwnWrites):
    """Writes go to overlays until commit; reads merge the overlays over the shared state."""

    def __init__(self, store: MemoryStorage, ts: int) -> None:
        super().__init__()
        self.store = store
        self.ts = ts
        self.last_id = store.last_id
        self.open = True

    def get(self, key: DocKey) -> Version | None:
        # OwnWrites.get, with the store read here where this transaction wrote nothing of `key`: every
        # document read comes here, most of them of documents the query did not write.
        if key in self.docs or key in self.histories:
            return OwnWrites.get(self, key)
        versions = self.store.versions.get(key)
        return versions[-1] if versions else None

    def _base_get(self, key: DocKey) -> Version | None:
        versions = self.store.versions.get(key)
        return versions[-1] if versions else None

    def _base_history(self, key: DocKey) -> t.Sequence[Version]:
        return self.store.versions.get(key, ())

    def _base_scan(self, scope: str, coll: str, lo: bytes | None, reverse: bool) -> t.Iterator[Version]:
        keys = self.store.collections.get((scope, coll))
        if keys is None:
            return
        versions = self.store.versions
        for _, key in keys.range(lo, None, reverse):
            found = versions.get(key)
            if found:
                yield found[-1]

    def _base_entries(
        self, index: IndexKey, terms: bytes, lo: bytes | None, hi: bytes | None, reverse: bool
    ) -> t.Iterator[tuple[bytes, t.Any]]:
        base = self.store.indexes.get(index, {}).get(terms)
        return base.range(lo, hi, reverse) if base is not None else iter(())

    def written_since(self, scope: str, coll: str, ts: int) -> t.Iterator[Version]:
        times, keys = self.store.written.get((scope, coll), ((), ()))
        since = set(keys[bisect.bisect_right(times, ts) :])
        since.update(key for key in (*self.docs, *self.histories) if key.scope == scope and key.coll == coll)
        for key in since:
            version = self.get(key)
            if version is not None and version.ts > ts:
                yield version

    def next_id(self) -> int:
        self.last_id = next_snowflake(self.last_id)
        return self.last_id

    def commit(self) -> None:
        if not self.open:
            return
        store = self.store
        try:
            if self.docs or self.histories or self.entries or self.dropped:
                store.writes += 1
            for key, version in self.docs.items():
                store.versions.setdefault(key, []).append(version)
                _logged(store, key, version.ts)
            for (scope, coll), keys in self.colls.items():
                target = store.collections.setdefault((scope, coll), _Sorted())
                for k, v in keys.items.items():
                    target.set(k, v)
            for key, history in self.histories.items():
                # A history write may make a later version the newest, or an earlier one: logged at the
                # latest of the two, written_since looks at the document's newest version.
                _logged(store, key, max(self.ts, history[-1].ts if history else 0))
                if history:
                    store.versions[key] = history
                else:
                    # Every version removed: the document was never written.
                    store.versions.pop(key, None)
                    store.collections[(key.scope, key.coll)].remove(id_key(key.id))
            for index in self.dropped:
                store.indexes.pop(index, None)
            for (index, terms), own in self.entries.items():
                bucket = store.indexes.setdefault(index, {}).setdefault(terms, _Sorted())
                for sort, entry in own.items.items():
                    if entry is _DELETED:
                        bucket.remove(sort)
                    else:
                        bucket.set(sort, entry)
        finally:
            self._close()

    def rollback(self) -> None:
        if self.open:
            self._close()

    def _close(self) -> None:
        self.open = False
        # The ids it handed out are never handed out again, whether it commits or not (core's IDSource is
        # the process's, apart from any transaction).
        self.store.last_id = max(self.store.last_id, self.last_id)
        self.store.lock.release()
