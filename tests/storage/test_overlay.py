"""storage/overlay.py: writes kept apart from the transaction under them, reads merged over it."""

from __future__ import annotations

from fql.collation import id_key, tuple_key
from fql.storage.base import DocKey, Entry, IndexKey, Version
from fql.storage.overlay import Overlay

IDX = IndexKey("", "users_by_age")


def key(doc_id: str) -> DocKey:
    return DocKey("", "users", doc_id)


def entry(doc_id: str, age: int) -> Entry:
    return Entry(tuple_key((age,)) + id_key(doc_id), (age,), key(doc_id))


def test_reads_merge_the_overlay_over_the_transaction(store):
    txn = store.begin()
    for doc_id in ("1", "3"):
        txn.put(Version(key(doc_id), txn.ts, {"v": doc_id}))
    txn.index_put(IDX, b"", entry("1", 30))
    over = Overlay(txn)
    over.put(Version(key("2"), txn.ts, {"v": "2"}))
    over.put(Version(key("3"), txn.ts, None))
    over.index_put(IDX, b"", entry("2", 20))
    over.index_remove(IDX, b"", entry("1", 30).sort)
    assert [v.key.id for v in over.scan("", "users") if v.data] == ["1", "2"]
    assert [v.key.id for v in over.scan("", "users", reverse=True)] == ["3", "2", "1"]
    assert [e.sort for e in over.index_scan(IDX, b"")] == [entry("2", 20).sort]
    assert over.get(key("3")).data is None and over.ts == txn.ts
    # The transaction under it never sees the overlay's writes, kept or thrown away.
    assert txn.get(key("2")) is None and txn.get(key("3")).data == {"v": "3"}
    assert [e.sort for e in txn.index_scan(IDX, b"")] == [entry("1", 30).sort]
    # The overlay sees what the transaction writes later.
    txn.put(Version(key("4"), txn.ts, {"v": "4"}))
    assert [v.key.id for v in over.scan("", "users") if v.data] == ["1", "2", "4"]
    over.rollback()
    assert over.get(key("2")) is None
    txn.rollback()
