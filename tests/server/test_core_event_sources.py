"""Core's v10 event source specs, as a subscriber sees them over HTTP (`POST /feed/1`, `POST /stream/1`):
model EventTransformerSpec, EventTranslatorSpec and SubscriptionSpec (ext/model/src/test/scala/fql2/stream/),
and the event and page stats that api FQL2StreamLogSpec and FeedLogSpec (ext/api/src/test/scala/fql2/stream/)
check against core's logs, with the per-event figures of api FQL2StreamSpec's "metrics" cases that those
sums rest on. Each test names its spec and case.

Core's model specs drive its EventTransformer, EventTranslator and Subscription objects with hand-made
transactions; here the same queries write, and a feed or stream of the equivalent source reads the events.
Skipped, as core internals: EventTranslatorSpec's sets and documents run the same cases through two
translators (here a collection source and a `Set.single` source); SubscriptionSpec "setting a
statusEventInterval > MVTOffset fails" (a server setting core checks at construction) and "stream
overflow" (core's internal event queue filling up; fql polls history and has no queue to fill);
SharedTranslationSpec (core shares one translation between subscribers of a
source, which no subscriber can tell apart from its own); the log files' own fields (stream ids and global
ids in log lines; fql writes no query or stream log), and FQL2StreamLogSpec's filtered and kept-open
compute in the log (the events' side of it is tested below).
"""

from __future__ import annotations

import time

import pytest

import fql
from fql.server import ServerThread
from fql.server.streams import StreamSettings
from tests.helpers import post_json

from .test_core_streams_v10 import events as stream

#: Streams in these tests end on their own after this many seconds, whatever happens.
BOUND = 20.0
#: The longest a test waits for one event.
WAIT = 5.0


def _server(**settings):
    return ServerThread(fql.connect(), streams=StreamSettings(poll_interval=0.02, max_duration=BOUND, **settings))


@pytest.fixture
def server():
    with _server() as running:
        ok(running, "Collection.create({ name: 'Foo' })")
        yield running


def post(server, path: str, body: dict) -> tuple[int, dict]:
    return post_json(server.url + path, body, fmt="simple", timeout=WAIT)


def ok(server, query: str) -> object:
    status, body = post(server, "/query/1", {"query": query})
    assert status == 200, body
    return body["data"]


def feed(server, query: str, **options) -> dict:
    """One feed page of the event source `query` makes (`start_ts`, `cursor`, `page_size` as options)."""
    status, page = post(server, "/feed/1", {"token": ok(server, query), **options})
    assert status == 200, page
    return page


def plain(value: object) -> object:
    """An event's tagged data untagged: a document as its fields, `@int` and the like as their values."""
    if isinstance(value, dict):
        if len(value) == 1:
            ((tag, inner),) = value.items()
            if tag == "@int":
                return int(inner)
            if tag in ("@doc", "@object"):
                return plain(inner)
            if tag.startswith("@"):
                return inner
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def data(event: dict) -> object:
    return plain(event.get("data"))


def shape(page: dict) -> list[tuple]:
    """Each event's type and, for a document, its `n`."""
    return [(e["type"], data(e).get("n") if isinstance(data(e), dict) else data(e)) for e in page["events"]]


def write(server, query: str) -> int:
    """Run a write; its transaction time."""
    status, body = post(server, "/query/1", {"query": query})
    assert status == 200, body
    return body["txn_ts"]


# -- EventTransformerSpec ------------------------------------------------------------------------------------


def test_transforms_no_filters(server):
    """EventTransformer "transforms (no filters)": a create is an add, an update an update, a delete a
    remove, each at its transaction's time; the remove shows the document as it was before."""
    token = ok(server, "Foo.all().eventSource()")
    times = [
        write(server, "Foo.create({})"),
        write(server, "Foo.all().first()!.update({ foo: 'bar' })"),
        write(server, "Foo.all().first()!.delete()"),
    ]
    page = post(server, "/feed/1", {"token": token})[1]
    assert [(e["type"], e["txn_ts"]) for e in page["events"]] == list(zip(["add", "update", "remove"], times))
    assert data(page["events"][2])["foo"] == "bar"


#: `Foo.where(.n >= 41).where(.n < 43)`: the spec's transformer of two filters.
WINDOW = "Foo.where(.n >= 41).where(.n < 43).eventSource()"


def created(server, n: int) -> str:
    return ok(server, f"Foo.create({{ n: {n} }})")["id"]


def window_events(server, writes) -> list[tuple]:
    """The events of WINDOW for what `writes()` does after it is made."""
    token = ok(server, WINDOW)
    writes()
    return shape(post(server, "/feed/1", {"token": token})[1])


def test_transforms_with_filters_no_event_for_creates_outside_of_the_set(server):
    assert window_events(server, lambda: created(server, 40)) == []


def test_transforms_with_filters_add_event_for_documents_created_in_the_set(server):
    assert window_events(server, lambda: created(server, 42)) == [("add", 42)]


def test_transforms_with_filters_add_event_for_updates_moving_docs_into_the_set(server):
    doc = created(server, 40)
    assert window_events(server, lambda: ok(server, f"Foo.byId('{doc}')!.update({{ n: 42 }})")) == [("add", 42)]


def test_transforms_with_filters_update_event_for_updates_preserving_docs_in_the_set(server):
    doc = created(server, 41)
    assert window_events(server, lambda: ok(server, f"Foo.byId('{doc}')!.update({{ n: 42 }})")) == [("update", 42)]


def test_transforms_with_filters_no_events_when_updating_documents_outside_of_the_set(server):
    doc = created(server, 40)
    assert window_events(server, lambda: ok(server, f"Foo.byId('{doc}')!.update({{ n: 39 }})")) == []


def test_transforms_with_filters_remove_event_for_updates_removing_documents_from_the_set(server):
    # the remove shows the document as it was, still in the set
    doc = created(server, 42)
    assert window_events(server, lambda: ok(server, f"Foo.byId('{doc}')!.update({{ n: 43 }})")) == [("remove", 42)]


def test_transforms_with_filters_remove_event_when_deleting_documents_in_the_set(server):
    doc = created(server, 41)
    assert window_events(server, lambda: ok(server, f"Foo.byId('{doc}')!.delete()")) == [("remove", 41)]


def test_transforms_with_filters_no_events_when_removing_a_document_outside_of_the_set(server):
    doc = created(server, 40)
    assert window_events(server, lambda: ok(server, f"Foo.byId('{doc}')!.delete()")) == []


# -- EventTranslatorSpec -------------------------------------------------------------------------------------

#: The spec's two translators: a set's (a collection's documents) and a document's (`Set.single`).
SOURCES = {"set": "Foo.all()", "doc": "Set.single(Foo.all().first()!)"}


@pytest.mark.parametrize("kind", SOURCES)
def test_event_translator_start(server, kind):
    """"start": a stream opens with a status event at the time it starts from."""
    ok(server, "Foo.create({ name: 'Foo' })")
    made = post(server, "/query/1", {"query": f"{SOURCES[kind]}.eventSource()"})[1]
    (status,) = stream(server, made["data"], 1)
    assert (status["type"], status["txn_ts"]) == ("status", made["txn_ts"])


@pytest.mark.parametrize("kind", SOURCES)
@pytest.mark.parametrize(
    "change, expected",
    [
        ("Foo.all().first()!.update({ name: 'Bar' })", "update"),
        ("Foo.all().first()!.delete()", "remove"),
    ],
)
def test_event_translator_update_and_remove(server, kind, change, expected):
    """"update", "remove": one event each, at the writing transaction's time."""
    ok(server, "Foo.create({ name: 'Foo' })")
    token = ok(server, f"{SOURCES[kind]}.eventSource()")
    ts = write(server, change)
    page = post(server, "/feed/1", {"token": token})[1]
    assert [(e["type"], e["txn_ts"]) for e in page["events"]] == [(expected, ts)]


def test_event_translator_add(server):
    """"add" (a set's: a document's own source exists only once the document does)."""
    token = ok(server, "Foo.all().eventSource()")
    ts = write(server, "Foo.create({})")
    page = post(server, "/feed/1", {"token": token})[1]
    assert [(e["type"], e["txn_ts"]) for e in page["events"]] == [("add", ts)]


@pytest.mark.parametrize("kind", SOURCES)
def test_event_translator_tracks_watched_fields(server, kind):
    """"trackes watched fields": an update that leaves the watched field as it was sends nothing."""
    ok(server, "Foo.create({ name: 'Foo' })")
    token = ok(server, f"{SOURCES[kind]}.eventsOn(.name)")
    for name in ("Bar", "Bar", "Baz"):
        ok(server, f"Foo.all().first()!.update({{ name: '{name}' }})")
    page = post(server, "/feed/1", {"token": token})[1]
    assert [(e["type"], data(e)["name"]) for e in page["events"]] == [("update", "Bar"), ("update", "Baz")]


def test_event_translator_stops_at_first_error(server):
    """"stops at first error": two creates in one transaction whose step fails give one error event."""
    ok(server, "Collection.create({ name: 'StreamColl' })")
    token = ok(server, "StreamColl.all().map(arg => doc).eventSource()")
    ok(server, "StreamColl.create({})\nStreamColl.create({})")
    page = post(server, "/feed/1", {"token": token})[1]
    assert [e["type"] for e in page["events"]] == ["error"]
    assert page["events"][0]["error"]["code"] == "unbound_variable"
    (status, error) = stream(server, token, 2)
    assert (status["type"], error["type"]) == ("status", "error")


def test_event_translator_snapshots_reads_at_the_event_transaction_time(server):
    """"snapshots reads at the event transaction time": a step reading another document reads it as it
    was when each event's transaction wrote, not as it is when the events are read."""
    ok(server, "Collection.create({ name: 'TestColl' })\nCollection.create({ name: 'StreamColl' })")
    doc = ok(server, 'TestColl.create({ name: "pre-update" })')["id"]
    token = ok(server, f"StreamColl.all().map(arg => TestColl.byId('{doc}')!.name).eventSource()")
    ok(server, "StreamColl.create({})")
    ok(server, 'TestColl.all().first()!.update({ name: "post-update" })')
    ok(server, "StreamColl.create({})")
    page = post(server, "/feed/1", {"token": token})[1]
    assert [data(e) for e in page["events"]] == ["pre-update", "post-update"]


# -- SubscriptionSpec ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", SOURCES)
def test_sends_periodic_idle_events_with_increasing_txn_ts(kind):
    """"sends periodic idle events with increasing txnTS collection stream" / "... document stream"."""
    with _server(status_interval=0.05) as server:
        ok(server, "Collection.create({ name: 'Foo' })")
        ok(server, "Foo.create({})")
        found = stream(server, ok(server, f"{SOURCES[kind]}.eventSource()"), 5)
    assert [e["type"] for e in found] == ["status"] * 5
    times = [e["txn_ts"] for e in found]
    assert times == sorted(set(times))


def test_idle_events_include_ops_from_filtered_events():
    """"idle events include ops from filtered events": three creates the `where` drops cost their reads
    and compute on the next status event."""
    with _server(status_interval=0.3) as server:
        ok(server, "Collection.create({ name: 'Foo' })")
        token = ok(server, 'Foo.all().where(.name == "nofilter").eventSource()')
        found = stream(server, token, 4, during=lambda: ok(server, "Foo.create({})\nFoo.create({})\nFoo.create({})"))
    assert [e["type"] for e in found] == ["status"] * 4
    # on the first status event after the creates were read (a loaded machine may read them later), and
    # never again
    billed = [(e["stats"]["read_ops"], e["stats"]["compute_ops"]) for e in found[1:]]
    assert sorted(billed) == [(0, 0), (0, 0), (3, 3)]


def test_idle_events_include_accrued_compute_ops_for_keeping_the_stream_open():
    """"idle events include accrued compute ops for keeping the stream open": a compute op per billing
    period the stream has been open (core's minute; a tenth of a second here, as core's spec moves its
    clock), on the status events, each period billed once."""
    with _server(status_interval=0.35, billing_period=0.1) as server:
        ok(server, "Collection.create({ name: 'Foo' })")
        token = ok(server, "Foo.all().eventSource()")
        began = time.monotonic()
        found = stream(server, token, 3)
        lasted = time.monotonic() - began
    assert [e["type"] for e in found] == ["status"] * 3
    # the opening status event bills the replay's compute; later ones about 3.5 periods each
    billed = [e["stats"]["compute_ops"] for e in found[1:]]
    assert min(billed) >= 3 and sum(billed) <= lasted / 0.1 + 1
    assert found[1]["stats"]["read_ops"] == found[2]["stats"]["read_ops"] == 0


def test_error_handler_internal_error(server, monkeypatch):
    """"error handler: internal error": a failure of the stream itself (a bug) is its last event, worded
    as core words it."""
    token = ok(server, "Foo.all().eventSource()")

    def fail(*args):
        raise RuntimeError("Oops")

    monkeypatch.setattr(server.app.streams, "poll_v10", fail)
    (_, error) = stream(server, token, 2)
    assert (error["type"], error["error"]) == (
        "error",
        {"code": "internal_error", "message": "Oops. Please create a ticket at https://support.fauna.com"},
    )


# -- FQL2StreamLogSpec and FeedLogSpec: the stats the events carry -------------------------------------------


@pytest.mark.parametrize("replay", [False, True], ids=["live", "replay"])
def test_stream_logs_events(server, replay):
    """FQL2StreamLogSpec "stream logs events in stream.log": the status event and three adds bill 8 read
    ops for the changes index and one per document, and a compute op each (core's log adds one more for
    keeping the stream open)."""
    creates = "Foo.create({})\nFoo.create({})\nFoo.create({})"
    token = ok(server, "Foo.all().eventSource()")
    if replay:
        ok(server, creates)
    found = stream(server, token, 4, during=None if replay else lambda: ok(server, creates))
    assert [e["type"] for e in found] == ["status", "add", "add", "add"]
    assert sum(e["stats"]["read_ops"] for e in found) == 11
    assert sum(e["stats"]["compute_ops"] for e in found) == 4


def test_accrues_metrics_when_an_event_errors(server):
    """FQL2StreamLogSpec "accrues metrics when an event errors": the error event bills its document's
    read."""
    token = ok(server, "Foo.all().map(.first.last).eventSource()")
    found = stream(server, token, 2, during=lambda: ok(server, "Foo.create({})"))
    assert [e["type"] for e in found] == ["status", "error"]
    assert sum(e["stats"]["read_ops"] for e in found) == 9
    assert sum(e["stats"]["compute_ops"] for e in found) == 2


@pytest.mark.parametrize("replay", [False, True], ids=["live", "replay"])
def test_accrues_ops_for_filtered_events(server, replay):
    """FQL2StreamLogSpec "accrues ops for filtered events": the three creates the `where` drops send
    nothing; the one it keeps is an add."""
    creates = "Foo.create({ price: 40 })\nFoo.create({ price: 40 })\nFoo.create({ price: 40 })\nFoo.create({ price: 60 })"
    token = ok(server, "Foo.all().where(.price > 50).eventSource()")
    if replay:
        ok(server, creates)
    found = stream(server, token, 2, during=None if replay else lambda: ok(server, creates))
    assert [(e["type"], (data(e) or {}).get("price")) for e in found] == [("status", None), ("add", 60)]


def test_feed_adds_read_ops_to_the_query_log(server):
    """FeedLogSpec "adds read ops to the query log": a page of 16 adds bills the changes index (8 read
    ops) and the 16 documents; each event shows its own read."""
    token = ok(server, "Foo.all().eventSource()")
    for _ in range(16):
        ok(server, "Foo.create({})")
    page = post(server, "/feed/1", {"token": token})[1]
    assert (len(page["events"]), page["has_next"]) == (16, False)
    assert page["stats"]["read_ops"] == 24
    assert [e["stats"]["read_ops"] for e in page["events"]] == [1] * 16


# -- FQL2StreamSpec "metrics": what each event bills --------------------------------------------------------


def event_stats(server, stream_query: str, writes: str, replay: bool, n: int = 2) -> list[tuple[str, int, int]]:
    """Each event's type, read ops and compute ops, the opening status event first."""
    token = ok(server, stream_query)
    if replay:
        ok(server, writes)
    found = stream(server, token, n, during=None if replay else lambda: ok(server, writes))
    return [(e["type"], e["stats"]["read_ops"], e["stats"]["compute_ops"]) for e in found]


@pytest.mark.parametrize("replay", [False, True], ids=["live", "replay"])
def test_gathers_read_and_compute_metrics_for_events_collection_stream(server, replay):
    found = event_stats(server, "Foo.all().eventSource()", "Foo.create({})\nFoo.create({})", replay, 3)
    assert found == [("status", 8, 1), ("add", 1, 1), ("add", 1, 1)]


@pytest.mark.parametrize("replay", [False, True], ids=["live", "replay"])
def test_gathers_read_and_compute_metrics_for_live_events_document_stream(server, replay):
    # a document's own stream has read the version already
    ok(server, "Foo.create({})")
    found = event_stats(server, "Set.single(Foo.all().first()!).eventSource()", "Foo.all().first()!.update({})", replay)
    assert found == [("status", 1, 1), ("update", 0, 1)]


@pytest.mark.parametrize("replay", [False, True], ids=["live", "replay"])
def test_gathers_read_op_metrics_for_foreign_key_collection_stream_reads(server, replay):
    ok(server, "Collection.create({ name: 'Bar' })")
    writes = "let d2 = Bar.create({})\nlet d3 = Bar.create({})\nFoo.create({ adoc: d2 })\nFoo.create({ adoc: d3 })"
    found = event_stats(server, "Foo.all().map(.adoc).eventSource()", writes, replay, 3)
    assert [reads for _, reads, _ in found[1:]] == [2, 2]


@pytest.mark.parametrize("replay", [False, True], ids=["live", "replay"])
def test_gathers_read_op_metrics_for_foreign_key_document_stream_reads(server, replay):
    ok(server, "Collection.create({ name: 'Bar' })")
    ok(server, "Foo.create({})")
    writes = "let d2 = Bar.create({})\nFoo.all().first()!.update({ adoc: d2 })"
    found = event_stats(server, "Set.single(Foo.all().first()!).map(.adoc).eventSource()", writes, replay)
    assert found[1][1] == 1


@pytest.mark.parametrize("replay", [False, True], ids=["live", "replay"])
def test_correctly_tracks_compute_ops_collection_streams(server, replay):
    source = "Foo.all().map(d => { Set.sequence(1, 50).map(i => i).paginate(50) }).eventSource()"
    assert event_stats(server, source, "Foo.create({})", replay)[1][2] == 2


@pytest.mark.parametrize("replay", [False, True], ids=["live", "replay"])
def test_correctly_tracks_compute_ops_document_streams(server, replay):
    # an update applies the steps to the new and the previous version
    ok(server, "Foo.create({})")
    source = "Set.single(Foo.all().first()!).map(d => { Set.sequence(1, 25).map(i => i).paginate(50) }).eventSource()"
    assert event_stats(server, source, "Foo.all().first()!.update({})", replay)[1][2] == 2


@pytest.mark.parametrize("replay", [False, True], ids=["live", "replay"])
def test_records_ops_when_error_occurs_during_event_processing(server, replay):
    ok(server, "Collection.create({ name: 'Bar' })")
    source = "Foo.all().map(d => { d.doc }).map(.first.second).eventSource()"
    writes = "let aDoc = Bar.create({})\nFoo.create({ doc: aDoc })"
    assert event_stats(server, source, writes, replay)[1] == ("error", 2, 1)


def test_an_index_source_watches_the_fields_its_terms_cover(server):
    """Core's validateWatchedFields takes an index's terms and values as covered (FQL2ReificationSpec
    `reifies Stream`: `Bar.byBaz(42).changesOn(.baz)`, whose index has the term alone): a change of the
    term moves the document out of the set, a change of another field is not watched."""
    ok(server, "Collection.create({ name: 'Bar', indexes: { byBaz: { terms: [{ field: '.baz' }] } } })")
    write(server, "Bar.create({ id: '1', baz: 42, n: 1 })")
    token = ok(server, "Bar.byBaz(42).changesOn(.baz)")
    write(server, "Bar.byId('1')!.update({ n: 2 })")
    write(server, "Bar.byId('1')!.update({ baz: 43 })")
    write(server, "Bar.create({ id: '2', baz: 42, n: 3 })")
    status, page = post(server, "/feed/1", {"token": token})
    assert status == 200, page
    assert [e["type"] for e in page["events"]] == ["remove", "add"]
    assert [data(e)["id"] for e in page["events"]] == ["1", "2"]
    status, body = post(server, "/query/1", {"query": "Bar.byBaz(42).changesOn(.n)"})
    assert body["error"]["message"] == "invalid argument `fields`: `n` not covered by the `byBaz` index."
