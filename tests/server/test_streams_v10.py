"""v10 event sources through the fauna 2.4.0 driver: `toStream()`, `client.stream(...)` and `client.feed(...)`."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import importlib.util
import json
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

import fql
from fql.server import ServerThread
from fql.server.streams import StreamSettings

from tests.storage.backends import database_url

fauna = pytest.importorskip("fauna")
from fauna import fql as q  # noqa: E402
from fauna.client import Client, FeedOptions, StreamOptions  # noqa: E402
from fauna.errors import AbortError, QueryCheckError, QueryRuntimeError  # noqa: E402
from fauna.query.models import EventSource  # noqa: E402

#: Streams in these tests end on their own after this many seconds, whatever happens.
BOUND = 20.0


@pytest.fixture
def server():
    settings = StreamSettings(poll_interval=0.02, max_duration=BOUND)
    with ServerThread(fql.connect(), streams=settings) as running:
        yield running


@pytest.fixture
def client(server):
    c = Client(endpoint=server.url, secret="secret", max_attempts=1)
    c.query(q('Collection.create({ name: "P", indexes: { byN: { terms: [{ field: ".n" }], values: [{ field: ".m" }] } } })'))
    return c


def take(stream, n: int) -> list[dict]:
    """The first `n` events of a stream; the stream is closed after them."""
    out = []
    with stream:
        for event in stream:
            out.append(event)
            if len(out) == n:
                break
    return out


def kinds(events) -> list[str]:
    return [e["type"] for e in events]


def post(server, path: str, body, secret: str | None = "secret") -> tuple[int, object]:
    """A plain HTTP/1.1 request whose answer is JSON (the error answers of /stream/1 and /feed/1)."""
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("POST", path, body if isinstance(body, str) else json.dumps(body), headers)
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


# -- streams ---------------------------------------------------------------------------------------------------


def test_a_stream_replays_from_its_creation_then_goes_live(client):
    source = client.query(q("P.all().toStream()")).data
    assert isinstance(source, EventSource)
    doc = client.query(q("P.create({ n: 1 })")).data
    client.query(q("${d}.update({ n: 2 })", d=doc))
    with client.stream(source, StreamOptions(status_events=True)) as stream:
        first = [next(stream) for _ in range(3)]
        client.query(q("${d}.delete()", d=doc))
        last = next(stream)
    assert kinds(first) + [last["type"]] == ["status", "add", "update", "remove"]
    assert first[1]["data"]["n"] == 1 and first[2]["data"]["n"] == 2
    assert last["data"].id == doc.id and last["data"]["n"] == 2  # a removal shows the document as it was
    assert [e["txn_ts"] for e in first[1:]] == sorted(e["txn_ts"] for e in first[1:])
    assert all("cursor" in e and "stats" in e for e in first + [last])


def test_an_events_txn_ts_is_the_writing_querys(client):
    source = client.query(q("P.all().toStream()")).data
    created = client.query(q("P.create({ n: 1 })"))
    (event,) = take(client.stream(source), 1)
    assert event["txn_ts"] == created.txn_ts


def test_where_filters_track_documents_entering_and_leaving(client):
    source = client.query(q("P.where(.n >= 1).where(.n <= 3).toStream()")).data
    client.query(q("P.create({ n: 0 })"))
    for _ in range(5):
        client.query(q("let d = P.all().first()!\nd.update({ n: d.n + 1 })"))
    client.query(q("P.all().first()!.delete()"))
    events = take(client.stream(source), 4)
    assert kinds(events) == ["add", "update", "update", "remove"]
    assert [e["data"]["n"] for e in events] == [1, 2, 3, 3]


def test_index_sources_see_changes_of_their_terms_and_values_only(client):
    source = client.query(q("P.byN(42).toStream()")).data
    doc = client.query(q("P.create({ n: 42, m: 0 })")).data
    for fields in ({"n": 42, "m": 1}, {"n": 44, "m": 1}, {"n": 44, "m": 2}, {"n": 42, "m": 2}, {"n": 42, "x": 0}):
        client.query(q("${d}.update(${f})", d=doc, f=fields))
    client.query(q("${d}.delete()", d=doc))
    assert kinds(take(client.stream(source), 5)) == ["add", "update", "remove", "add", "remove"]


def test_map_and_projection_shape_the_event_data(client):
    mapped = client.query(q("P.all().map(.n * 10).toStream()")).data
    projected = client.query(q("(P.where(.n > 1) { n, twice: .n * 2 }).toStream()")).data
    chained = client.query(q("P.all().toStream().where(.n > 2).map(.n)")).data
    client.query(q("Set.sequence(1, 4).forEach(i => P.create({ n: i }))"))
    assert [e["data"] for e in take(client.stream(mapped), 3)] == [10, 20, 30]
    assert [e["data"] for e in take(client.stream(projected), 2)] == [{"n": 2, "twice": 4}, {"n": 3, "twice": 6}]
    assert [e["data"] for e in take(client.stream(chained), 1)] == [3]


def test_a_single_document_stream(client):
    doc = client.query(q("P.create({ n: 1 })")).data
    source = client.query(q("Set.single(${d}).toStream()", d=doc)).data
    client.query(q("P.create({ n: 2 })"))
    client.query(q("${d}.update({ n: 3 })", d=doc))
    client.query(q("${d}.delete()", d=doc))
    events = take(client.stream(source), 2)
    assert kinds(events) == ["update", "remove"] and events[0]["data"]["n"] == 3


def test_changes_on_sends_only_changes_of_the_watched_fields(client):
    source = client.query(q("P.all().changesOn(.foo)")).data
    client.query(q("P.create({ foo: 1 })"))
    client.query(q("P.all().first()!.update({ foo: 1, bar: 1 })"))
    client.query(q("P.all().first()!.update({ foo: 2 })"))
    client.query(q("P.all().first()!.delete()"))
    events = take(client.stream(source), 3)
    assert kinds(events) == ["add", "update", "remove"] and events[1]["data"]["foo"] == 2


def test_start_ts_and_cursor_resume(client):
    source = client.query(q("P.all().toStream()")).data
    client.query(q("P.create({ n: 1 })"))
    start = client.query(q("P.create({ n: 2 })")).txn_ts
    client.query(q("P.create({ n: 3 })"))
    assert [e["data"]["n"] for e in take(client.stream(source, StreamOptions(start_ts=start)), 1)] == [3]
    (first,) = take(client.stream(source), 1)
    resumed = take(client.stream(source, StreamOptions(cursor=first["cursor"])), 2)
    assert [e["data"]["n"] for e in resumed] == [2, 3]


def test_a_cursor_inside_one_transaction_resumes_after_its_event(client):
    source = client.query(q("P.all().toStream()")).data
    client.query(q("Set.sequence(0, 3).forEach(i => P.create({ n: i }))"))
    (first,) = take(client.stream(source), 1)
    assert [e["data"]["n"] for e in take(client.stream(source, StreamOptions(cursor=first["cursor"])), 2)] == [1, 2]


def test_an_error_event_raises_the_query_error_and_ends_the_stream(client):
    source = client.query(q("P.all().map(d => if (d.n == 2) abort('oops') else d.n).toStream()")).data
    client.query(q("Set.sequence(1, 4).forEach(i => P.create({ n: i }))"))
    seen = []
    with pytest.raises(AbortError) as aborted, client.stream(source) as stream:
        for event in stream:
            seen.append(event["data"])
    assert seen == [1] and aborted.value.abort == "oops"


def test_writes_in_a_stream_step_are_an_invalid_effect(client):
    source = client.query(q("P.all().map(d => P.create({})).toStream()")).data
    client.query(q("P.create({})"))
    with pytest.raises(QueryRuntimeError) as failed:
        take(client.stream(source), 1)
    assert failed.value.code == "invalid_effect"
    assert client.query(q("P.all().count()")).data == 1


def test_replaying_more_than_128_events_ends_with_an_error(client):
    source = client.query(q("P.all().toStream()")).data
    client.query(q("Set.sequence(0, 129).forEach(i => P.create({ n: i }))"))
    seen = []
    with pytest.raises(QueryRuntimeError) as failed, client.stream(source) as stream:
        seen.extend(stream)
    assert len(seen) == 128 and failed.value.code == "stream_replay_volume_exceeded"


def test_a_revoked_key_ends_the_stream_with_an_error(client, server):
    key = client.query(q('Key.create({ role: "admin" })')).data
    keyed = Client(endpoint=server.url, secret=key["secret"], max_attempts=1)
    source = keyed.query(q("P.all().toStream()")).data
    keyed.query(q("P.create({ n: 1 })"))
    with pytest.raises(QueryRuntimeError) as lost, keyed.stream(source) as stream:
        assert next(stream)["type"] == "add"
        client.query(q("Key.byId(${id})!.delete()", id=key.id))
        next(stream)
    assert lost.value.code == "permission_loss"


def test_status_events_come_periodically_on_a_quiet_stream():
    settings = StreamSettings(poll_interval=0.02, status_interval=0.1, max_duration=BOUND)
    with ServerThread(fql.connect(), streams=settings) as server:
        c = Client(endpoint=server.url, secret="secret", max_attempts=1)
        c.query(q('Collection.create({ name: "P" })'))
        source = c.query(q("P.all().toStream()")).data
        events = take(c.stream(source, StreamOptions(status_events=True)), 3)
    assert kinds(events) == ["status"] * 3
    assert events[0]["txn_ts"] < events[1]["txn_ts"] < events[2]["txn_ts"]


# -- feeds -------------------------------------------------------------------------------------------------------


def test_feed_pages_split_one_transaction(client):
    source = client.query(q("P.all().toStream()")).data
    client.query(q("Set.sequence(0, 63).forEach(i => P.create({ n: i }))"))
    pages = list(client.feed(source, FeedOptions(page_size=5)))
    assert [len(p) for p in pages] == [5] * 12 + [3]
    assert [e["data"]["n"] for p in pages for e in p] == list(range(63))


def test_a_feed_continues_from_its_last_cursor(client):
    source = client.query(q("P.all().map(.n).toStream()")).data
    client.query(q("P.create({ n: 1 })"))
    feed = client.feed(source)
    assert [e["data"] for p in feed for e in p] == [1]
    client.query(q("P.create({ n: 2 })"))
    assert [e["data"] for p in feed for e in p] == [2]


def test_an_empty_feed_page_moves_its_cursor_forward(client):
    source = client.query(q("P.all().toStream()")).data
    (page,) = list(client.feed(source))
    assert len(page) == 0
    client.query(q("P.create({ n: 1 })"))
    assert [e["data"]["n"] for p in client.feed(source, FeedOptions(cursor=page.cursor)) for e in p] == [1]


def test_feed_start_ts_and_errors_inside_pages(client):
    source = client.query(q("P.all().map(d => if (d.n == 2) abort('oops') else d.n).toStream()")).data
    start = client.query(q("P.create({ n: 0 })")).txn_ts
    client.query(q("Set.sequence(1, 4).forEach(i => P.create({ n: i }))"))
    first = next(iter(client.feed(source, FeedOptions(start_ts=start))))
    events = iter(first)
    assert next(events)["data"] == 1  # n == 0 was written at start_ts itself: not after it
    with pytest.raises(AbortError):
        next(events)
    rest = list(client.feed(source, FeedOptions(cursor=first.cursor)))
    assert [e["data"] for p in rest for e in p] == [3]


def test_feed_and_stream_request_errors(client, server):
    token = client.query(q("P.all().toStream()")).data.token
    assert post(server, "/feed/1", {}) == (
        400,
        {"error": {"code": "invalid_request", "message": "Invalid request body: Value for key token not found."}},
    )
    cases = {
        ("/feed/1", json.dumps({"token": "INVALID!"})): "Invalid request body: invalid event source provided.",
        ("/stream/1", json.dumps({"token": "INVALID!"})): "Invalid request body: invalid event source provided",
        ("/feed/1", json.dumps({"token": token, "cursor": "INVALID!"})): "Invalid request body: invalid event cursor provided.",
        ("/feed/1", json.dumps({"token": token, "start_ts": "x"})): "Invalid request body: Unexpected string value 'x'.",
        ("/feed/1", json.dumps({"token": token, "page_size": 16001})): "Invalid request body: page size can not be greater than 16000.",
        ("/feed/1", json.dumps({"token": token, "page_size": 0})): "Invalid request body: page size must be greater than zero.",
        ("/stream/1", json.dumps({"token": token, "start_ts": 1, "cursor": "AAAA"})): (
            "Invalid request body: can not provide both `start_ts` and `cursor`"
        ),
        ("/stream/1", json.dumps({"token": token, "start_ts": 1})): (
            "Invalid stream start time: Stream start time can not be before the stream create time."
        ),
        ("/feed/1", "not json"): "Invalid request body: not valid JSON.",
    }
    for (path, body), message in cases.items():
        assert post(server, path, body) == (400, {"error": {"code": "invalid_request", "message": message}}), message
    unauthorized = {"error": {"code": "unauthorized", "message": "Invalid token, unable to authenticate request"}}
    assert post(server, "/stream/1", {"token": token}, secret="nope") == (401, unauthorized)
    assert post(server, "/feed/1", {"token": token}, secret=None) == (401, unauthorized)


def test_a_source_belongs_to_its_database(client, server):
    client.query(q('Database.create({ name: "child" })'))
    token = client.query(q("P.all().toStream()")).data.token
    status, body = post(server, "/feed/1", {"token": token}, secret="secret:child:admin")
    assert status == 400 and body["error"]["message"].startswith("Error evaluating provided event source")


# -- event source values ---------------------------------------------------------------------------------------


def test_sources_that_cannot_stream(client):
    refused = {
        "P.all().take(2).toStream()": "streaming is not supported on sets returned from `.take()`.",
        "P.all().order(.n).toStream()": "streaming is not supported on sets returned from `.order()`.",
        "Set.sequence(0, 3).toStream()": "streaming is not supported on sets created from `Set.sequence()`.",
        "[1].toSet().toStream()": "streaming is not supported on array sets.",
        "Collection.all().toStream()": "only collections and user defined indexes are streamable.",
        "P.byN(1, { from: 0 }).toStream()": "range queries are not supported yet, use `.where()` method instead.",
        "P.where(.n > 0).changesOn(.n)": "it was not called on the source set.",
    }
    for query, reason in refused.items():
        with pytest.raises(QueryRuntimeError) as failed:
            client.query(q(query))
        assert failed.value.code == "invalid_receiver" and failed.value.message.endswith(reason), query
    with pytest.raises(QueryRuntimeError) as uncovered:
        client.query(q("P.byN(1).changesOn(.x)"))
    assert uncovered.value.message == "invalid argument `fields`: `x` not covered by the `byN` index."
    with pytest.raises(QueryRuntimeError) as not_a_path:
        client.query(q("P.all().changesOn(d => d.n)"))
    assert not_a_path.value.message == "invalid argument `0`: invalid field path given"


def test_an_event_source_renders_as_a_stream_tag_and_is_no_argument(client, server):
    source = client.query(q("P.all().toStream()")).data
    status, body = post(server, "/query/1", {"query": "P.all().eventSource()"})
    assert status == 200 and isinstance(body["data"], str)  # the simple format shows the token
    # The Python driver sends an EventSource back as `{"@stream": token}`; core's decoder refuses the tag
    # (UndecidedValue: `invalid tag '@stream'`), so a source is mapped in the query that makes it.
    with pytest.raises(QueryCheckError) as refused:
        client.query(q("${s}.map(.n)", s=source))
    assert "invalid tag '@stream'" in str(refused.value)
    mapped = client.query(q("P.all().eventSource().map(.n)")).data
    client.query(q("P.create({ n: 5 })"))
    assert [e["data"] for e in take(client.stream(mapped), 1)] == [5]
    other = fql.connect()
    other.query("Collection.create({ name: 'X' })", syntax="v10")
    assert other.query("X.all().toStream()", syntax="v10").token


# -- ending --------------------------------------------------------------------------------------------------------


def _wait_for(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_a_stream_ends_when_its_client_leaves(client, server):
    source = client.query(q("P.all().toStream()")).data
    client.query(q("P.create({ n: 1 })"))
    take(client.stream(source), 1)
    assert _wait_for(lambda: server.app.streams.open == 0)


def test_a_stream_ends_after_its_longest_duration():
    settings = StreamSettings(poll_interval=0.02, max_duration=0.3)
    with ServerThread(fql.connect(), streams=settings) as server:
        c = Client(endpoint=server.url, secret="secret", max_attempts=1)
        c.query(q('Collection.create({ name: "P" })'))
        source = c.query(q("P.all().toStream()")).data
        started = time.monotonic()
        with c.stream(source) as stream:
            assert list(stream) == []
        assert time.monotonic() - started < 5


def test_a_stream_ends_when_the_server_stops():
    server = ServerThread(fql.connect(), streams=StreamSettings(poll_interval=0.02)).start()
    c = Client(endpoint=server.url, secret="secret", max_attempts=1)
    c.query(q('Collection.create({ name: "P" })'))
    source = c.query(q("P.all().toStream()")).data
    ended = threading.Event()

    def read():
        # A cut connection is one way for a stream to end.
        with contextlib.suppress(Exception), c.stream(source) as stream:
            list(stream)
        ended.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert _wait_for(lambda: server.app.streams.open == 1)
    server.stop()
    assert ended.wait(10)


def test_closing_the_streams_ends_them_at_once(client, server):
    source = client.query(q("P.all().toStream()")).data
    ended = threading.Event()

    def read():
        with client.stream(source) as stream:
            list(stream)
        ended.set()

    threading.Thread(target=read, daemon=True).start()
    assert _wait_for(lambda: server.app.streams.open == 1)
    server.app.streams.close()
    assert ended.wait(2) and _wait_for(lambda: server.app.streams.open == 0)


def test_example_script_runs(server, capsys):
    path = Path(__file__).resolve().parents[2] / "examples" / "driver_fauna.py"
    spec = importlib.util.spec_from_file_location("driver_fauna_example", path)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    example.main(server.url)
    out = capsys.readouterr().out
    assert "identity is Ann: True" in out and "stream: remove Bo" in out and out.endswith("done\n")


def test_a_feed_on_sqlite_misses_no_write_committed_after_its_page(tmp_path):
    """SQLite readers run beside a writer: a feed page read while another connection's write query runs
    (its time earlier than the page's) must not move its cursor past that write."""
    path = tmp_path / "feed.db"
    with ServerThread(fql.connect(f"sqlite:///{path}")) as server:
        client = Client(endpoint=server.url, secret="secret", max_attempts=1)
        client.query(q('Collection.create({ name: "P" })'))
        source = client.query(q("P.all().map(.n).toStream()")).data
        (empty,) = list(client.feed(source))
        writer = fql.connect(f"sqlite:///{path}")
        created = threading.Event()
        # Within core's compute limit (three ops an element: the lambda, its `+`, the count).
        slow = 'Set.sequence(0, 150000).map(x => x + 1).count()'

        def write() -> None:
            # Its first write takes the lock at once; its time is fixed then; it commits a moment later.
            writer.query(f'P.create({{ n: 1 }})\n{slow}', syntax="v10")
            created.set()

        thread = threading.Thread(target=write)
        thread.start()
        time.sleep(0.3)
        # The page waits for the writer's lock: on a loaded machine its loop outlasts a default 5 s limit.
        pages = list(client.feed(source, FeedOptions(cursor=empty.cursor, query_timeout=timedelta(seconds=60))))
        thread.join()
        writer.close()
        seen = [e["data"] for p in pages for e in p]
        later = [e["data"] for p in client.feed(source, FeedOptions(cursor=pages[-1].cursor)) for e in p]
        assert created.is_set() and seen + later == [1]


def test_a_feed_on_sqlite_resumed_after_a_whole_page_sends_no_event_again(tmp_path):
    """A SQLite reader's snapshot ends at the last committed time, whose events it holds: the cursor of
    a page that read them all is past them all, not at their first (fauna-python's feed reusable iterator
    got 1 to 9 for 5 to 9 from the second transaction)."""
    path = tmp_path / "feed.db"
    with ServerThread(fql.connect(f"sqlite:///{path}")) as server:
        client = Client(endpoint=server.url, secret="secret", max_attempts=1)
        client.query(q('Collection.create({ name: "P" })'))
        source = client.query(q("P.all().map(.n).toStream()")).data
        client.query(q("Set.sequence(0, 5).forEach(n => P.create({ n: n }))"))
        pages = list(client.feed(source))
        client.query(q("Set.sequence(5, 10).forEach(n => P.create({ n: n }))"))
        later = list(client.feed(source, FeedOptions(cursor=pages[-1].cursor)))
        assert [e["data"] for p in pages for e in p] == [0, 1, 2, 3, 4]
        assert [e["data"] for p in later for e in p] == [5, 6, 7, 8, 9]


def test_two_servers_on_one_sqlite_file_feed_and_stream_past_a_commit_between_clock_and_snapshot(tmp_path):
    """Two `fql serve` on one SQLite file: a poll of server A reads the clock, then opens its snapshot; a
    write committed through server B in between makes that snapshot stale. The poll runs again, as a
    query does (Database.run_with_state), where it failed: the feed page with a 500, the stream with an
    internal_error event."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    settings = StreamSettings(poll_interval=0.02, max_duration=BOUND)
    with ServerThread(fql.connect(url), streams=settings) as a, ServerThread(fql.connect(url)) as b:
        on_a = Client(endpoint=a.url, secret="secret", max_attempts=1)
        on_b = Client(endpoint=b.url, secret="secret", max_attempts=1)
        on_b.query(q('Collection.create({ name: "P" })'))
        source = on_a.query(q("P.all().map(.n).eventSource()")).data
        storage, wanted = a.app.db.storage, []
        stamp = storage.stamp

        # After the clock and the time (whose side-file lock A holds from its clock read on).
        def commit_through_b_after_the_clock(proposed: int, committed: int, writing: bool):
            ts = stamp(proposed, committed, writing)
            if not writing and wanted:
                on_b.query(q("P.create({ n: ${n} })", n=wanted.pop()))
            return ts

        storage.stamp = commit_through_b_after_the_clock
        wanted.append(1)
        assert [e["data"] for page in on_a.feed(source) for e in page] == [1]
        with on_a.stream(source) as stream:
            assert next(stream)["data"] == 1
            wanted.append(2)
            assert next(stream)["data"] == 2
            on_b.query(q("P.create({ n: 3 })"))
            assert next(stream)["data"] == 3
        assert not wanted


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_stream_on_a_durable_backend_opens_at_its_source_query_and_then_moves_on(tmp_path, backend):
    """A SQLite reader once resumed at the last committed time: a stream opened there, before the txn_ts
    of the query that made its source, and its status events on a quiet database all had that time."""
    settings = StreamSettings(poll_interval=0.02, status_interval=0.1, max_duration=BOUND)
    with database_url(backend, tmp_path) as url, ServerThread(fql.connect(url), streams=settings) as server:
        c = Client(endpoint=server.url, secret="secret", max_attempts=1)
        c.query(q('Collection.create({ name: "P" })'))
        made = c.query(q("P.all().toStream()"))
        events = take(c.stream(made.data, StreamOptions(status_events=True)), 3)
    assert kinds(events) == ["status"] * 3
    assert made.txn_ts == events[0]["txn_ts"] < events[1]["txn_ts"] < events[2]["txn_ts"]


def _stream_sends(http_version: str, events: int) -> list[tuple[float, bytes]]:
    """The body parts of an ASGI `POST /stream/1` answered over `http_version`, with the loop time each
    was sent at: the stream replays `events` adds after its status event, then its client leaves."""
    from fql.server import App

    app = App(fql.connect(), streams=StreamSettings(poll_interval=0.02, max_duration=BOUND))

    async def call(path: str, body: dict, until: int | None = None) -> list[tuple[float, bytes]]:
        loop, sent, done = asyncio.get_running_loop(), [], asyncio.Event()
        requests = [{"type": "http.request", "body": json.dumps(body).encode(), "more_body": False}]

        async def receive():
            if requests:
                return requests.pop()
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message):
            if message["type"] == "http.response.body" and message.get("body"):
                sent.append((loop.time(), message["body"]))
                if until is not None and len(sent) == until:
                    done.set()

        headers = [(b"authorization", b"Bearer secret"), (b"x-format", b"tagged")]
        scope = {"type": "http", "method": "POST", "path": path, "headers": headers, "query_string": b""}
        await app({**scope, "http_version": http_version}, receive, send)
        return sent

    async def run() -> list[tuple[float, bytes]]:
        await call("/query/1", {"query": 'Collection.create({ name: "P" })'})
        [(_, answer)] = await call("/query/1", {"query": "P.all().toStream()"})
        token = json.loads(answer)["data"]["@stream"]
        for n in range(events):
            await call("/query/1", {"query": f"P.create({{ n: {n} }})"})
        return await call("/stream/1", {"token": token}, until=events + 1)

    try:
        return asyncio.run(run())
    finally:
        app.streams.close()
        app.pool.close()


def test_events_over_http1_are_sent_apart():
    # fauna-jvm's FaunaStream parses one event per read of the response and drops the rest: over HTTP/2
    # (core accepts Java's `Upgrade: h2c`; Granian does not) each event is a DATA frame read on its own.
    from fql.server.streams import HTTP1_PACE

    sent = _stream_sends("1.1", 3)
    assert [json.loads(part)["type"] for _, part in sent] == ["status", "add", "add", "add"]
    gaps = [later - earlier for (earlier, _), (later, _) in zip(sent, sent[1:])]
    assert min(gaps) >= HTTP1_PACE > 0
    # Over HTTP/2 they go out as soon as they are read.
    assert [json.loads(part)["type"] for _, part in _stream_sends("2", 3)] == ["status", "add", "add", "add"]


def test_an_event_source_outlives_the_server_that_made_it(tmp_path):
    """A token holds its set and start (as core's): a second server on the same store, started after the
    first stopped, feeds and streams it, its closures and steps made again as the caller."""
    path = tmp_path / "sources.db"
    with ServerThread(fql.connect(f"sqlite:///{path}")) as first:
        client = Client(endpoint=first.url, secret="secret", max_attempts=1)
        client.query(q('Collection.create({ name: "P", indexes: { byK: { terms: [{ field: ".k" }] } } })'))
        made = "let lim = 2; P.byK(1).where(x => x.n > lim).map(.n).eventSource().map(n => n * 10)"
        source = client.query(q(made)).data
        client.query(q("P.create({ n: 1, k: 1 }); P.create({ n: 3, k: 1 }); P.create({ n: 5, k: 0 })"))
    with ServerThread(fql.connect(f"sqlite:///{path}")) as second:
        client = Client(endpoint=second.url, secret="secret", max_attempts=1)
        assert [e["data"] for page in client.feed(source) for e in page] == [30]
        with client.stream(source) as stream:
            assert next(stream)["data"] == 30


def test_stream_heads_carry_core_s_headers(client, server):
    """A v10 stream's answer has its id, the traceparent and the build, and no X-Txn-Time (core's
    StreamEndpoint sets none); a v4 stream's has X-Txn-Time too (TMPEndpoint.setHeaders)."""
    token = client.query(q("P.all().eventSource()")).data.token
    doc = client.query(q("P.create({ n: 1 }).id")).data
    coll = {"@ref": {"id": "P", "collection": {"@ref": {"id": "collections"}}}}
    traced = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    for path, body in (("/stream/1", {"token": token}), ("/stream", {"@ref": {"id": doc, "collection": coll}})):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            conn.request("POST", path, json.dumps(body), {"Authorization": "Bearer secret", "traceparent": traced})
            response = conn.getresponse()
            found = {k.lower(): v for k, v in response.getheaders()}
        finally:
            conn.close()
        assert response.status == 200, path
        assert found["traceparent"].startswith(traced[:36]) and "x-fauna-stream-id" in found and "x-faunadb-build" in found
        assert ("x-txn-time" in found) == (path == "/stream"), path
