"""The Storage contract for history writes (v4 Insert and Remove): versions put into and taken out of the past."""

from __future__ import annotations

from fql.storage.base import DocKey, Version


def key(doc_id: str) -> DocKey:
    return DocKey("", "users", doc_id)


def put(store, doc_id: str, data: dict | None) -> int:
    txn = store.begin()
    txn.put(Version(key(doc_id), txn.ts, data))
    txn.commit()
    return txn.ts


def read(store, doc_id: str) -> tuple[Version | None, list[Version]]:
    txn = store.begin()
    try:
        return txn.get(key(doc_id)), txn.history(key(doc_id))
    finally:
        txn.rollback()


def history_write(store, fn) -> None:
    txn = store.begin()
    fn(txn)
    txn.commit()


def test_insert_before_the_first_version_leaves_the_newest_as_it_is(store):
    ts = put(store, "1", {"v": 1})
    history_write(store, lambda txn: txn.insert_version(Version(key("1"), ts - 10, {"v": 0})))
    newest, history = read(store, "1")
    assert newest.ts == ts and newest.data == {"v": 1}
    assert [(v.ts, v.data) for v in history] == [(ts - 10, {"v": 0}), (ts, {"v": 1})]


def test_insert_between_versions_and_at_a_taken_time_replaces_that_version(store):
    first = put(store, "1", {"v": 1})
    last = put(store, "1", {"v": 3})
    history_write(store, lambda txn: txn.insert_version(Version(key("1"), first + 1, {"v": 2})))
    history_write(store, lambda txn: txn.insert_version(Version(key("1"), first, None)))
    _, history = read(store, "1")
    assert [(v.ts, v.data) for v in history] == [(first, None), (first + 1, {"v": 2}), (last, {"v": 3})]


def test_insert_after_the_newest_makes_it_the_newest(store):
    ts = put(store, "1", {"v": 1})

    def later(txn):
        txn.insert_version(Version(key("1"), txn.ts, {"v": 2}, ttl=99))
        assert txn.get(key("1")).data == {"v": 2}

    history_write(store, later)
    newest, history = read(store, "1")
    assert newest.data == {"v": 2} and newest.ttl == 99
    assert [v.data for v in history] == [{"v": 1}, {"v": 2}] and history[0].ts == ts


def test_insert_into_a_document_never_written_creates_it(store):
    history_write(store, lambda txn: txn.insert_version(Version(key("7"), 1000, {"v": 1})))
    newest, history = read(store, "7")
    assert newest.ts == 1000 and [v.ts for v in history] == [1000]
    txn = store.begin()
    assert [v.key.id for v in txn.scan("", "users")] == ["7"]
    txn.rollback()


def test_remove_an_older_version(store):
    first = put(store, "1", {"v": 1})
    put(store, "1", {"v": 2})
    history_write(store, lambda txn: txn.remove_version(key("1"), first))
    newest, history = read(store, "1")
    assert newest.data == {"v": 2} and [v.data for v in history] == [{"v": 2}]


def test_remove_the_newest_brings_back_the_one_before(store):
    first = put(store, "1", {"v": 1})
    last = put(store, "1", {"v": 2})

    def undo(txn):
        txn.remove_version(key("1"), last)
        assert txn.get(key("1")).ts == first
        assert [v.ts for v in txn.history(key("1"))] == [first]

    history_write(store, undo)
    newest, history = read(store, "1")
    assert (newest.ts, newest.data) == (first, {"v": 1}) and len(history) == 1
    # The brought-back version is the newest again: a later write archives it as usual.
    put(store, "1", {"v": 3})
    _, history = read(store, "1")
    assert [v.data for v in history] == [{"v": 1}, {"v": 3}]


def test_removing_every_version_leaves_no_document(store):
    ts = put(store, "1", {"v": 1})
    put(store, "2", {"v": 1})
    history_write(store, lambda txn: txn.remove_version(key("1"), ts))
    newest, history = read(store, "1")
    assert newest is None and history == []
    txn = store.begin()
    assert [v.key.id for v in txn.scan("", "users")] == ["2"]
    txn.rollback()


def test_remove_at_a_time_with_no_version_changes_nothing(store):
    ts = put(store, "1", {"v": 1})
    history_write(store, lambda txn: txn.remove_version(key("1"), ts - 1))
    newest, history = read(store, "1")
    assert newest.ts == ts and len(history) == 1


def test_a_write_after_a_history_write_in_the_same_transaction(store):
    first = put(store, "1", {"v": 1})

    def both(txn):
        txn.insert_version(Version(key("1"), first - 5, {"v": 0}))
        txn.put(Version(key("1"), txn.ts, {"v": 2}))
        txn.put(Version(key("1"), txn.ts, {"v": 3}))
        assert [v.data for v in txn.history(key("1"))] == [{"v": 0}, {"v": 1}, {"v": 3}]

    history_write(store, both)
    newest, history = read(store, "1")
    assert newest.data == {"v": 3} and [v.data for v in history] == [{"v": 0}, {"v": 1}, {"v": 3}]


def test_rollback_forgets_history_writes(store):
    first = put(store, "1", {"v": 1})
    txn = store.begin()
    txn.insert_version(Version(key("1"), first - 5, {"v": 0}))
    txn.remove_version(key("1"), first)
    assert txn.get(key("1")).data == {"v": 0}
    txn.rollback()
    newest, history = read(store, "1")
    assert newest.data == {"v": 1} and [v.ts for v in history] == [first]
