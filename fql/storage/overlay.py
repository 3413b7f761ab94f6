"""A transaction layered over another: its writes stay its own, its reads see them over the other's.

A query joining a staged schema (fql/eval/staged.py) keeps the staged schema in one: applied over the
query's own transaction, so that the staged schema sees the documents the query writes, and thrown away
once the query has run (what it leaves is kept as the staged files, in the query's own transaction).
"""

from __future__ import annotations

import typing as t

from ..collation import id_key
from .base import DocKey, Entry, IndexKey, Transaction, Version
from .memory import _DELETED, _merge, _place, _Sorted


class Overlay(Transaction):
    """Writes are kept here; reads merge them over `base` (its own writes included). Nothing is ever
    written to `base`: commit and rollback both forget the overlay's writes."""

    def __init__(self, base: Transaction) -> None:
        self.base = base
        self.ts = base.ts
        self.docs: dict[DocKey, Version] = {}
        #: Whole histories rewritten here (oldest first), in place of the base's.
        self.histories: dict[DocKey, list[Version]] = {}
        self.colls: dict[tuple[str, str], _Sorted] = {}
        self.entries: dict[tuple[IndexKey, bytes], _Sorted] = {}
        self.dropped: set[IndexKey] = set()

    def refusal(self) -> t.Any:
        return self.base.refusal()

    @property
    def horizon(self) -> int:
        return self.base.horizon

    @property
    def conflict(self) -> t.Any:  # type: ignore[override] - the base's own flag, read through
        return self.base.conflict

    def written(self) -> set[DocKey]:
        """The documents written here."""
        return {*self.docs, *self.histories}

    def get(self, key: DocKey) -> Version | None:
        if key in self.docs:
            return self.docs[key]
        if key in self.histories:
            history = self.histories[key]
            return history[-1] if history else None
        return self.base.get(key)

    def history(self, key: DocKey) -> list[Version]:
        if key in self.histories:
            return list(self.histories[key])
        out = list(self.base.history(key))
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
        history = self.histories.get(key)
        if history is None:
            history = self.histories[key] = self.history(key)
            self.docs.pop(key, None)
            self.colls.setdefault((key.scope, key.coll), _Sorted()).set(id_key(key.id), key)
        return history

    def scan(self, scope: str, coll: str, *, lo: bytes | None = None, reverse: bool = False) -> t.Iterator[Version]:
        own = self.colls.get((scope, coll))
        if not own:
            yield from self.base.scan(scope, coll, lo=lo, reverse=reverse)
            return
        base = ((id_key(v.key.id), v.key) for v in self.base.scan(scope, coll, lo=lo, reverse=reverse))
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
            stream = ((entry.sort, entry) for entry in self.base.index_scan(index, terms, lo=lo, hi=hi, reverse=reverse))
        own = self.entries.get((index, terms))
        if own is not None:
            stream = _merge(stream, own.range(lo, hi, reverse), reverse)
        for _, entry in stream:
            yield entry

    def next_id(self) -> int:
        return self.base.next_id()

    def commit(self) -> None:
        self.rollback()

    def rollback(self) -> None:
        self.docs.clear()
        self.histories.clear()
        self.colls.clear()
        self.entries.clear()
        self.dropped.clear()
