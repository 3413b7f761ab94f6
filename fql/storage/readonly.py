"""A transaction that reads and refuses every write: what core's read-only evaluation contexts allow
(streams, feeds, `GET /?q=`)."""

from __future__ import annotations

import typing as t

from ..errors import FQLError
from .base import DocKey, Entry, IndexKey, Transaction, Version


class ReadOnly(Transaction):
    """Reads go to `txn`; a write raises `refuse()` (the error names the request kind, as core's do)."""

    def __init__(self, txn: Transaction, refuse: t.Callable[[], FQLError]):
        self._txn = txn
        self._refuse = refuse
        self.ts = txn.ts

    def refusal(self) -> FQLError:
        return self._refuse()

    @property
    def horizon(self) -> int:
        return self._txn.horizon

    @property
    def conflict(self) -> t.Any:  # type: ignore[override] - the store's own flag, read through
        return self._txn.conflict

    def get(self, key: DocKey) -> Version | None:
        return self._txn.get(key)

    def history(self, key: DocKey) -> list[Version]:
        return self._txn.history(key)

    def scan(self, scope: str, coll: str, *, lo: bytes | None = None, reverse: bool = False) -> t.Iterator[Version]:
        return self._txn.scan(scope, coll, lo=lo, reverse=reverse)

    def written_since(self, scope: str, coll: str, ts: int) -> t.Iterator[Version]:
        return self._txn.written_since(scope, coll, ts)

    def index_scan(self, index: IndexKey, terms: bytes, **bounds: t.Any) -> t.Iterator[Entry]:
        return self._txn.index_scan(index, terms, **bounds)

    def next_id(self) -> int:
        return self._txn.next_id()

    def put(self, version: Version) -> None:
        raise self._refuse()

    def insert_version(self, version: Version) -> None:
        raise self._refuse()

    def remove_version(self, key: DocKey, ts: int) -> None:
        raise self._refuse()

    def index_put(self, *args: t.Any) -> None:
        raise self._refuse()

    def index_remove(self, *args: t.Any) -> None:
        raise self._refuse()

    def index_drop(self, *args: t.Any) -> None:
        raise self._refuse()

    def commit(self) -> None:
        self._txn.rollback()

    def rollback(self) -> None:
        self._txn.rollback()
