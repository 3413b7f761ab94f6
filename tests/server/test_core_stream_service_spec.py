"""Core's repo stream-service specs, through what a subscriber sees over HTTP: StreamServiceSpec
(ext/repo/src/test/scala/service/) and SinkSpec, StreamKeySpec, StreamMergerSpec and WriteStreamSpec
(ext/repo/src/test/scala/service/stream/). Each test names its spec and case.

Core's specs feed its stream service raw storage writes (`Store.insertUnmigrated`, `IndexStore.add`) and
read the transactions it dispatches; here queries write, and v10 (`POST /stream/1`) and v4 (`POST /stream`)
streams read the events those transactions make. A test that checks no other event came writes once more
after the writes that must send nothing, and expects that write's event next. The v4 index-term case
writes its documents in id order: core's v4 set events follow the order a transaction wrote its index
rows, which fql's history does not keep (README, **Streams and feeds**).

Skipped, as core internals a subscriber cannot see: StreamServiceSpec "can stream schema changes" and
"... in a specific scope" (core's collection-set streams feed its schema cache, SchemaCacheInvalidationService,
never a user's stream); SinkSpec "failing to subscribe fail registered publishers", "failed subscription
continues to fail publishers", "closes sink on failed subscription", "synchronizes with sources" and
"closes sink on synchronization failures" (core's sinks subscribing to and synchronizing with the hosts that
hold a key; fql polls one store); StreamKeySpec's row keys and DocRemove (a write of core's background
tasks; see test_core_streams_v4.py); StreamMergerSpec "closes merged stream under pressure on start" and
"... on merge" (core's merge queue filling up while a partition lags; fql's partitions are one history).
"""

from __future__ import annotations

import base64
import json
import struct
import threading

import httpx
import pytest

from .test_core_streams_v4 import _query as v4_query
from .test_core_streams_v4 import subscribe as v4_subscribe
from .test_core_streams_v10 import WAIT, events, kinds, ok, post, server, source
from .test_streams_v10 import _wait_for

__all__ = ["server"]  # the fixture, imported for these tests

TAGS = "Collection.create({ name: 'C', indexes: { byTag: { terms: [{ field: '.tag' }] }, byKind: { terms: [{ field: '.kind' }] } } })"


def shown(found: list[dict]) -> list[tuple]:
    """Each v10 event's type and the id of the document it shows (None for a status event)."""
    return [(e["type"], e["data"]["@doc"]["id"] if "data" in e else None) for e in found]


def _cursor_ord(ts: int, ordinal: int) -> str:
    return base64.b64encode(struct.pack(">qi", ts, ordinal)).decode()


def v4_ref(coll: str, id: str) -> dict:
    return {"ref": {"collection": coll}, "id": id}


def v4_create(coll: str, id: str, data: dict) -> dict:
    return {"create": v4_ref(coll, id), "params": {"object": {"data": {"object": data}}}}


def v4_update(coll: str, id: str, data: dict) -> dict:
    return {"update": v4_ref(coll, id), "params": {"object": {"data": {"object": data}}}}


def v4_collection(server, name: str) -> None:
    v4_query(server, {"create_collection": {"object": {"name": name}}})


def v4_index(server, name: str, source: str, field: str) -> None:
    terms = [{"object": {"field": ["data", field]}}]
    v4_query(server, {"create_index": {"object": {"name": name, "source": {"collection": source}, "terms": terms}}})


# -- StreamServiceSpec -------------------------------------------------------------------------------------


def test_can_stream_a_single_document(server):
    """"can stream a single document": the stream of a document not yet made sends its creation; writes of
    the document of the same id in another collection, or of another document, send nothing; and a
    transaction writing the document twice (among other writes) sends one event, with the last data."""
    ok(server, "Collection.create({ name: 'C' })\nCollection.create({ name: 'D' })")
    token = source(server, "Set.single(C.byId('1')).eventSource()")
    times = []

    def write():
        times.append(ok(server, "C.create({ id: '1', foo: 'bar' })")["txn_ts"])
        ok(server, "D.create({ id: '1' })")
        ok(server, "C.create({ id: '2' })")
        times.append(ok(server, "let doc = C.byId('1')!\ndoc.update({ foo: 'baz' })\nD.byId('1')!.update({ x: 1 })\n"
                                "doc.update({ foo: 'bar' })\nC.byId('2')!.update({ x: 1 })")["txn_ts"])
        ok(server, "D.byId('1')!.update({ x: 2 })")
        times.append(ok(server, "C.byId('1')!.update({ foo: 'qux' })")["txn_ts"])

    found = events(server, token, 4, during=write)
    assert shown(found) == [("status", None), ("add", "1"), ("update", "1"), ("update", "1")]
    assert [e["txn_ts"] for e in found[1:]] == times
    assert [e["data"]["@doc"]["foo"] for e in found[1:]] == ["bar", "bar", "qux"]


def test_can_stream_a_single_document_v4(server):
    """"can stream a single document", as v4 `version` events: a create, then one update for the transaction
    that wrote the document twice, whose diff shows no field changed."""
    v4_collection(server, "A")
    v4_collection(server, "B")
    times = []

    def write():
        times.append(v4_query(server, v4_create("A", "1", {"foo": "bar"}))["ts"])
        v4_query(server, v4_create("B", "1", {}))
        v4_query(server, v4_create("A", "2", {}))
        times.append(v4_query(server, [
            v4_update("A", "1", {"foo": "baz"}), v4_update("B", "1", {"x": 1}),
            v4_update("A", "1", {"foo": "bar"}), v4_update("A", "2", {"x": 1}),
        ])[0]["ts"])
        v4_query(server, v4_update("B", "1", {"x": 2}))
        times.append(v4_query(server, v4_update("A", "1", {"foo": "qux"}))["ts"])

    found = v4_subscribe(server, v4_ref("A", "1"), 3, fields=["action", "document", "diff"], during=write)
    assert [(e["type"], e["txn"], e["event"]["action"]) for e in found] == [
        ("version", ts, action) for ts, action in zip(times, ("create", "update", "update"))
    ]
    assert [e["event"]["document"]["data"] for e in found] == [{"foo": "bar"}, {"foo": "bar"}, {"foo": "qux"}]
    assert "data" not in found[1]["event"]["diff"] and found[2]["event"]["diff"]["data"] == {"foo": "qux"}


def test_can_stream_an_index_term(server):
    """"can stream an index term": a document added under the term is an add; one under another term, or
    under the same term of another index, sends nothing, nor does a write that leaves a document's row as
    it was; one transaction adding two documents sends both, at its time."""
    ok(server, TAGS)
    token = source(server, "C.byTag('foo').eventSource()")
    times = []

    def write():
        times.append(ok(server, "C.create({ id: '1', tag: 'foo' })")["txn_ts"])
        ok(server, "C.create({ id: '3', tag: 'bar' })")
        times.append(ok(server, "C.byId('3')!.update({ kind: 'foo' })\nC.create({ id: '5', kind: 'foo' })\n"
                                "C.byId('1')!.update({ kind: 'foo' })\nC.create({ id: '2', tag: 'foo' })\n"
                                "C.create({ id: '4', tag: 'foo' })")["txn_ts"])
        times.append(ok(server, "C.byId('1')!.update({ tag: 'bar' })")["txn_ts"])

    found = events(server, token, 5, during=write)
    assert shown(found) == [("status", None), ("add", "1"), ("add", "2"), ("add", "4"), ("remove", "1")]
    assert [e["txn_ts"] for e in found[1:]] == [times[0], times[1], times[1], times[2]]


def test_can_stream_an_index_term_v4(server):
    """"can stream an index term", as v4 `set` events of a Match."""
    v4_collection(server, "A")
    v4_index(server, "by_t", "A", "t")
    v4_index(server, "by_u", "A", "u")
    times = []

    def write():
        times.append(v4_query(server, v4_create("A", "1", {"t": "foo"}))["ts"])
        v4_query(server, v4_create("A", "3", {"t": "bar"}))
        times.append(v4_query(server, [
            v4_update("A", "3", {"u": "foo"}), v4_create("A", "5", {"u": "foo"}),
            v4_update("A", "1", {"u": "foo"}), v4_create("A", "2", {"t": "foo"}), v4_create("A", "4", {"t": "foo"}),
        ])[0]["ts"])
        times.append(v4_query(server, v4_update("A", "1", {"t": "bar"}))["ts"])

    match = {"match": {"index": "by_t"}, "terms": "foo"}
    found = v4_subscribe(server, match, 4, fields=["action", "document", "index"], during=write)
    assert [(e["txn"], e["event"]["action"], e["event"]["document"]["ref"]["@ref"]["id"]) for e in found] == [
        (times[0], "add", "1"), (times[1], "add", "2"), (times[1], "add", "4"), (times[2], "remove", "1"),
    ]
    assert all(e["event"]["index"]["terms"] == ["foo"] for e in found)


def test_a_stream_sees_only_its_own_database(server):
    """"can stream schema changes in a specific scope", for a user's stream: the same writes in another
    database (a collection of the same name, documents of the same ids) send nothing."""
    for name in ("one", "two"):
        ok(server, f"Database.create({{ name: '{name}' }})")
    secrets = {name: ok(server, f"Key.create({{ role: 'admin', database: '{name}' }}).secret")["data"] for name in ("one", "two")}
    for secret in secrets.values():
        ok(server, "Collection.create({ name: 'C' })", secret)
    token = source(server, "C.all().eventSource()", secrets["one"])
    written = []

    def write():
        ok(server, "C.create({ id: '1' })", secrets["two"])
        written.append(ok(server, "C.create({ id: '1' })", secrets["one"])["txn_ts"])
        ok(server, "C.byId('1')!.update({ x: 1 })", secrets["two"])
        ok(server, "C.byId('1')!.delete()", secrets["two"])
        written.append(ok(server, "C.byId('1')!.update({ x: 1 })", secrets["one"])["txn_ts"])

    found = events(server, token, 3, secrets["one"], during=write)
    assert [(e["type"], e.get("txn_ts")) for e in found[1:]] == [("add", written[0]), ("update", written[1])]


def test_can_subscribe_and_unsubscribe_concurrently(server):
    """"can subscribe/unsubscribe concurrently": streams of a document opened and dropped at once, while
    another opens, leave that one its event; and every dropped stream ends (SinkSpec "canceled observalbes
    decrement sink's ref count")."""
    ok(server, "Collection.create({ name: 'C' })")
    token = source(server, "Set.single(C.byId('1')).eventSource()")

    def drop():
        with httpx.Client(base_url=server.url, timeout=WAIT) as client:
            body = json.dumps({"token": token})
            with client.stream("POST", "/stream/1", content=body, headers={"Authorization": "Bearer secret"}) as r:
                next(r.iter_lines())

    dropping = [threading.Thread(target=drop) for _ in range(20)]
    for thread in dropping:
        thread.start()
    created = []
    found = events(server, token, 2, during=lambda: created.append(ok(server, "C.create({ id: '1', foo: 'bar' })")))
    for thread in dropping:
        thread.join(WAIT)
    assert shown(found) == [("status", None), ("add", "1")] and found[1]["txn_ts"] == created[0]["txn_ts"]
    assert _wait_for(lambda: server.app.streams.open == 0)


@pytest.mark.parametrize("query", ["Set.single(C.byId('1')).map(doc => abort('no'))", "C.all().map(doc => abort('no'))"],
                         ids=["data-node-stream", "log-node-stream"])
def test_failed_subscriber_does_not_block_the_transaction_pipeline(server, query):
    """"failed subscriber does not block transaction pipeline" "for data node streams" (a document's) and
    "for log node streams" (a collection's): a stream that fails on an event ends with it, and writes go on,
    seen by the next stream of the same source (SinkSpec "do not block when receiving on a closed sink",
    "re-subscribe after closing sink")."""
    ok(server, "Collection.create({ name: 'C' })")
    failing = source(server, f"{query}.eventSource()")
    plain = source(server, query.split(".map(")[0] + ".eventSource()")
    times = []
    found = events(server, failing, 2, during=lambda: times.append(ok(server, "C.create({ id: '1' })")["txn_ts"]))
    assert kinds(found) == ["status", "error"] and found[1]["error"]["code"] == "abort"
    times.append(ok(server, "C.byId('1')!.update({ x: 1 })")["txn_ts"])
    assert [(e["type"], e["txn_ts"]) for e in events(server, plain, 3)[1:]] == [("add", times[0]), ("update", times[1])]


# -- WriteStreamSpec ----------------------------------------------------------------------------------------


def test_a_failed_transaction_sends_no_events(server):
    """"process transactions", "ignores read lock contention": only committed transactions send events; a
    query that fails after writing (its transaction discarded) sends none."""
    ok(server, "Collection.create({ name: 'C' })")
    token = source(server, "C.all().eventSource()")
    done = []

    def write():
        status, _ = post(server, "/query/1", {"query": "C.create({ id: '1' })\nC.create({ id: '2' })\nabort('no')"})
        assert status == 400
        done.append(ok(server, "C.create({ id: '3' })")["txn_ts"])

    found = events(server, token, 2, during=write)
    assert shown(found) == [("status", None), ("add", "3")] and found[1]["txn_ts"] == done[0]


def test_contended_transactions_each_send_their_events_once_in_order(server):
    """"ignores read lock contention": writers racing on one document each commit once (a transaction that
    lost a race runs again), and the stream sends each committed transaction once, in time order (SinkSpec
    "fail on missing messages", "fail on out-of-order messages": no event is lost or out of order)."""
    ok(server, "Collection.create({ name: 'C' })")
    ok(server, "C.create({ id: '1', n: 0 })")
    token = source(server, "Set.single(C.byId('1')).eventSource()")
    rounds = 5

    def bump():
        for _ in range(rounds):
            ok(server, "let doc = C.byId('1')!\ndoc.update({ n: doc.n + 1 })")

    def race():
        writers = [threading.Thread(target=bump) for _ in range(2)]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join(WAIT)

    found = events(server, token, 1 + 2 * rounds, during=race)[1:]
    assert [int(e["data"]["@doc"]["n"]["@int"]) for e in found] == list(range(1, 2 * rounds + 1))
    times = [e["txn_ts"] for e in found]
    assert times == sorted(set(times))


# -- StreamMergerSpec -----------------------------------------------------------------------------------------


def test_publishes_merged_events(server):
    """"publishes merged events", "start the merged stream": a transaction's writes to a source whose
    index has no terms (core's partitioned index: one stream per partition, merged) come as one transaction,
    each event at its time, after the status event."""
    ok(server, "Collection.create({ name: 'C', indexes: { byM: { values: [{ field: '.m' }] } } })")
    tokens = [source(server, "C.all().eventSource()"), source(server, "C.byM().eventSource()")]
    ts = ok(server, "Set.sequence(0, 3).forEach(m => C.create({ id: (m + 1).toString(), m: m }))")["txn_ts"]
    for token in tokens:
        found = events(server, token, 4)
        assert shown(found) == [("status", None), ("add", "1"), ("add", "2"), ("add", "3")]
        assert found[0]["txn_ts"] < ts and [e["txn_ts"] for e in found[1:]] == [ts] * 3


def test_discards_txn_before_start_time(server):
    """"discards txn before start time": a stream started after a transaction (`start_ts`) sends none of
    that transaction's events, and all of the next one's."""
    ok(server, "Collection.create({ name: 'C', indexes: { byM: { values: [{ field: '.m' }] } } })")
    token = source(server, "C.byM().eventSource()")
    skipped = ok(server, "C.create({ id: '1', m: 1 })\nC.create({ id: '2', m: 2 })")["txn_ts"]
    merged = ok(server, "C.create({ id: '3', m: 3 })\nC.create({ id: '4', m: 4 })")["txn_ts"]
    found = events(server, token, 3, start_ts=skipped)
    assert shown(found) == [("status", None), ("add", "3"), ("add", "4")]
    assert [e["txn_ts"] for e in found] == [skipped, merged, merged]


def test_produces_idle_events(server):
    """"produces idle events" and StreamServiceSpec "get idle events": a quiet stream's status events carry
    no data (test_core_event_sources.py's periodic ones checks their rising times)."""
    ok(server, "Collection.create({ name: 'C' })")
    token = source(server, "C.all().eventSource()")
    found = events(server, token, 1)
    assert kinds(found) == ["status"] and "data" not in found[0]


# -- a source made by a query that writes to it ---------------------------------------------------------------


def test_a_source_made_by_a_writing_query_replays_its_writes_after_the_first(server):
    """Core's token holds the cursor (txn time, 0) of the query that made it (Value.EventSource.toBase64),
    and EventReplayer sends the events past it: a query that writes to the set it streams has its first
    event skipped and its later ones replayed; a document's, whose one version is its first, none."""
    ok(server, "Collection.create({ name: 'C', indexes: { byN: { terms: [{ field: '.n' }] } } })")
    made = ok(server, "let s = C.byN(1).eventSource()\nC.create({ id: '3', n: 1 })\nC.create({ id: '2', n: 1 })\n"
                      "C.create({ id: '1', n: 2 })\ns")
    found = events(server, made["data"]["@stream"], 2)
    assert shown(found) == [("status", None), ("add", "3")] and found[1]["txn_ts"] == made["txn_ts"]
    assert [e["data"]["@doc"]["id"] for e in post(server, "/feed/1", {"token": made["data"]["@stream"]})[1]["events"]] == ["3"]
    # The rows are numbered before a `where` drops any (core's StreamValue.reduceIndexRows numbers them)
    where = ok(server, "let s = C.where(.n > 5).eventSource()\nC.create({ id: '5', n: 1 })\nC.create({ id: '6', n: 9 })\ns")
    assert shown(events(server, where["data"]["@stream"], 2)) == [("status", None), ("add", "6")]
    single = ok(server, "let s = Set.single(C.byId('9')).eventSource()\nC.create({ id: '9', n: 1 })\ns")
    later = ok(server, "C.byId('9')!.update({ n: 3 })")["txn_ts"]
    assert [(e["type"], e["txn_ts"]) for e in events(server, single["data"]["@stream"], 2)] == [
        ("status", single["txn_ts"]), ("update", later),
    ]


def test_the_opening_status_event_points_at_its_start_times_first_event(server):
    """Core's status event renders its cursor as Cursor(ts), ordinal 0 (Event.Status), and the one opening a
    stream is at its replay's start (EventReplayer): after a `start_ts` (whose cursor is past all of that
    transaction) or an event's cursor, it is the transaction's time at ordinal 0 all the same."""
    ok(server, "Collection.create({ name: 'C' })")
    token = source(server, "C.all().eventSource()")
    ts = ok(server, "C.create({ id: '1' })\nC.create({ id: '2' })\nC.create({ id: '3' })")["txn_ts"]
    second = events(server, token, 3)[2]
    first_of_ts = _cursor_ord(ts, 0)
    for options in ({"start_ts": ts}, {"cursor": second["cursor"]}):
        opening = events(server, token, 1, **options)[0]
        assert (opening["type"], opening["txn_ts"], opening["cursor"]) == ("status", ts, first_of_ts)
    resumed = events(server, token, 2, cursor=second["cursor"])[1]
    assert shown([resumed]) == [("add", "3")]
