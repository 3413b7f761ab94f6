"""The Storage contract, written once: versions, collection scans, ordered index ranges, transactions."""

from __future__ import annotations

from fql.collation import TOP, id_key, tuple_key
from fql.storage.base import DocKey, Entry, IndexKey, Version

USERS = ("", "users")
IDX = IndexKey("", "users_by_age")


def key(doc_id: str) -> DocKey:
    return DocKey("", "users", doc_id)


def put(store, doc_id: str, data: dict | None, ttl: int | None = None) -> int:
    txn = store.begin()
    txn.put(Version(key(doc_id), txn.ts, data, ttl))
    txn.commit()
    return txn.ts


def test_timestamps_strictly_increase(store):
    seen = []
    for _ in range(20):
        txn = store.begin()
        seen.append(txn.ts)
        txn.rollback()
    assert seen == sorted(set(seen))


def test_a_transaction_begun_for_writing_reads_and_writes_like_any_other(store):
    """`writing=True` (a query rerun after a conflict) takes the write lock at once where a backend has one."""
    ts = put(store, "1", {"v": 1})
    txn = store.begin(writing=True)
    assert txn.ts > ts and txn.get(key("1")).data == {"v": 1}
    txn.put(Version(key("1"), txn.ts, {"v": 2}))
    txn.commit()
    txn = store.begin()
    assert txn.get(key("1")).data == {"v": 2}
    txn.rollback()


def test_put_then_get_in_a_later_transaction(store):
    ts = put(store, "1", {"data": {"a": 1}})
    txn = store.begin()
    version = txn.get(key("1"))
    txn.rollback()
    assert version.data == {"data": {"a": 1}} and version.ts == ts


def test_transaction_sees_its_own_writes_and_rollback_forgets_them(store):
    txn = store.begin()
    txn.put(Version(key("1"), txn.ts, {"x": 1}))
    assert txn.get(key("1")).data == {"x": 1}
    txn.rollback()
    txn = store.begin()
    assert txn.get(key("1")) is None
    txn.rollback()


def test_history_keeps_every_version(store):
    put(store, "1", {"v": 1})
    put(store, "1", {"v": 2})
    put(store, "1", None)
    txn = store.begin()
    history = txn.history(key("1"))
    txn.rollback()
    assert [v.data for v in history] == [{"v": 1}, {"v": 2}, None]
    assert [v.ts for v in history] == sorted(v.ts for v in history)


def test_ttl_makes_a_version_dead_after_it(store):
    ts = put(store, "1", {"v": 1}, ttl=10)
    txn = store.begin()
    version = txn.get(key("1"))
    txn.rollback()
    assert not version.live_at(ts) and version.live_at(5)


def test_scan_orders_ids_numerically_and_merges_own_writes(store):
    for doc_id in ("10", "9", "100"):
        put(store, doc_id, {"id": doc_id})
    txn = store.begin()
    txn.put(Version(key("50"), txn.ts, {"id": "50"}))
    assert [v.key.id for v in txn.scan(*USERS)] == ["9", "10", "50", "100"]
    assert [v.key.id for v in txn.scan(*USERS, reverse=True)] == ["100", "50", "10", "9"]
    assert [v.key.id for v in txn.scan(*USERS, lo=id_key("11"))] == ["50", "100"]
    txn.rollback()


def entry(age, doc_id: str) -> Entry:
    return Entry(tuple_key([age, doc_id]), (age,), key(doc_id))


def test_index_range_scans_are_ordered_and_bounded(store):
    txn = store.begin()
    for age, doc_id in [(30, "1"), (20, "2"), (40, "3"), (30, "4"), ("old", "5")]:
        txn.index_put(IDX, b"", entry(age, doc_id))
    txn.commit()
    txn = store.begin()
    ids = [e.doc.id for e in txn.index_scan(IDX, b"")]
    assert ids == ["2", "1", "4", "3", "5"]  # numbers before strings
    lo, hi = tuple_key([30]), tuple_key([30]) + TOP
    assert [e.doc.id for e in txn.index_scan(IDX, b"", lo=lo, hi=hi)] == ["1", "4"]
    assert [e.doc.id for e in txn.index_scan(IDX, b"", lo=lo, reverse=True)] == ["5", "3", "4", "1"]
    txn.rollback()


def test_index_writes_are_transactional(store):
    txn = store.begin()
    txn.index_put(IDX, b"t", entry(1, "1"))
    txn.commit()
    txn = store.begin()
    txn.index_remove(IDX, b"t", entry(1, "1").sort)
    txn.index_put(IDX, b"t", entry(2, "2"))
    assert [e.doc.id for e in txn.index_scan(IDX, b"t")] == ["2"]
    txn.rollback()
    txn = store.begin()
    assert [e.doc.id for e in txn.index_scan(IDX, b"t")] == ["1"]
    txn.index_drop(IDX)
    assert list(txn.index_scan(IDX, b"t")) == []
    txn.commit()
    txn = store.begin()
    assert list(txn.index_scan(IDX, b"t")) == []
    txn.rollback()


def test_terms_partition_entries(store):
    txn = store.begin()
    txn.index_put(IDX, tuple_key(["a"]), entry(1, "1"))
    txn.index_put(IDX, tuple_key(["b"]), entry(1, "2"))
    txn.commit()
    txn = store.begin()
    assert [e.doc.id for e in txn.index_scan(IDX, tuple_key(["b"]))] == ["2"]
    txn.rollback()


def test_ids_are_unique_and_increasing(store):
    ids = []
    for _ in range(3):
        txn = store.begin()
        ids += [txn.next_id() for _ in range(100)]
        txn.commit()
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_scans_page_through_many_rows_in_both_directions(store):
    txn = store.begin()
    for n in range(150):
        txn.put(Version(key(str(n)), txn.ts, {"n": n}))
        txn.index_put(IDX, b"", entry(n % 50, str(n)))
    txn.commit()
    txn = store.begin()
    assert [v.data["n"] for v in txn.scan(*USERS)] == list(range(150))
    assert [v.data["n"] for v in txn.scan(*USERS, lo=id_key("40"), reverse=True)] == list(range(149, 39, -1))
    ages = [e.values[0] for e in txn.index_scan(IDX, b"")]
    assert ages == sorted(n % 50 for n in range(150))
    lo, hi = tuple_key([10]), tuple_key([40])
    assert [e.values[0] for e in txn.index_scan(IDX, b"", lo=lo, hi=hi, reverse=True)] == sorted(
        (n % 50 for n in range(150) if 10 <= n % 50 < 40), reverse=True
    )
    txn.rollback()


def test_updating_scanned_documents_during_a_scan(store):
    """An index build writes while it scans: each document is still seen once, in order."""
    txn = store.begin()
    for n in range(40):
        txn.put(Version(key(str(n)), txn.ts, {"n": n}))
    txn.commit()
    txn = store.begin()
    seen = []
    for version in txn.scan(*USERS):
        seen.append(version.key.id)
        txn.put(Version(version.key, txn.ts, {"n": -1}))
    assert seen == [str(n) for n in range(40)]
    assert {v.data["n"] for v in txn.scan(*USERS)} == {-1}
    txn.rollback()


def test_rewrites_in_one_transaction_leave_one_version(store):
    txn = store.begin()
    txn.put(Version(key("1"), txn.ts, {"v": 1}))
    txn.put(Version(key("1"), txn.ts, {"v": 2}))
    assert txn.get(key("1")).data == {"v": 2}
    txn.commit()
    put(store, "1", {"v": 3})
    txn = store.begin()
    assert [v.data for v in txn.history(key("1"))] == [{"v": 2}, {"v": 3}]
    txn.rollback()


def test_entries_keep_values_ttl_and_document(store):
    txn = store.begin()
    other = DocKey("db1", "#tokens", "7")
    txn.index_put(IDX, b"t", Entry(tuple_key(["a", 1.5]), ("a", 1.5), other, 99))
    txn.commit()
    txn = store.begin()
    (found,) = txn.index_scan(IDX, b"t")
    txn.rollback()
    assert found == Entry(tuple_key(["a", 1.5]), ("a", 1.5), other, 99)
    assert isinstance(found.values, tuple) and isinstance(found.values[1], float)


def test_written_since_answers_the_newest_versions_later_than_a_time(store):
    first = put(store, "1", {"v": 1})
    put(store, "2", {"v": 2})
    later = put(store, "1", {"v": 3})
    put(store, "3", None)  # a deletion is a version too
    txn = store.begin()
    txn.put(Version(key("4"), txn.ts, {"v": 4}))  # its own write
    since = {v.key.id: v.data for v in txn.written_since("", "users", first)}
    assert since == {"1": {"v": 3}, "2": {"v": 2}, "3": None, "4": {"v": 4}}
    assert {v.key.id for v in txn.written_since("", "users", later)} == {"3", "4"}
    assert list(txn.written_since("", "others", 0)) == []
    # The same as a scan's newest versions later than the time.
    assert sorted(v.key.id for v in txn.written_since("", "users", 0)) == sorted(v.key.id for v in txn.scan(*USERS))
    txn.rollback()


def test_written_since_follows_history_writes(store):
    ts = put(store, "1", {"v": 1})
    txn = store.begin()
    txn.insert_version(Version(key("1"), ts - 10, {"v": 0}))  # before the newest: it stays newest
    txn.commit()
    txn = store.begin()
    assert [v.data for v in txn.written_since("", "users", ts - 20)] == [{"v": 1}]
    txn.remove_version(key("1"), ts)  # the earlier one is the newest again
    assert [v.data for v in txn.written_since("", "users", ts - 20)] == [{"v": 0}]
    assert list(txn.written_since("", "users", ts - 5)) == []
    txn.rollback()
