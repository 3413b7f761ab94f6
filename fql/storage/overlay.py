"""A transaction layered over another: its writes stay its own, its reads see them over the other's.

A query joining a staged schema (fql/eval/staged.py) keeps the staged schema in one: applied over the
query's own transaction, so that the staged schema sees the documents the query writes, and thrown away
once the query has run (what it leaves is kept as the staged files, in the query's own transaction).
"""

from __future__ import annotations

import typing as t

from .base import DocKey, IndexKey, Transaction, Version
from .memory import OwnWrites


class Overlay(OwnWrites):
    """Writes are kept here; reads merge them over `base` (its own writes included). Nothing is ever
    written to `base`: commit and rollback both forget the overlay's writes."""

    def __init__(self, base: Transaction) -> None:
        super().__init__()
        self.base = base
        self.ts = base.ts

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

    def _base_get(self, key: DocKey) -> Version | None:
        return self.base.get(key)

    def _base_history(self, key: DocKey) -> t.Sequence[Version]:
        return self.base.history(key)

    def _base_scan(self, scope: str, coll: str, lo: bytes | None, reverse: bool) -> t.Iterator[Version]:
        return self.base.scan(scope, coll, lo=lo, reverse=reverse)

    def _base_entries(
        self, index: IndexKey, terms: bytes, lo: bytes | None, hi: bytes | None, reverse: bool
    ) -> t.Iterator[tuple[bytes, t.Any]]:
        return ((entry.sort, entry) for entry in self.base.index_scan(index, terms, lo=lo, hi=hi, reverse=reverse))

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
