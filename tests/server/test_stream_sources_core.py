"""v10 event sources, streams and feeds against core's implementation (ext/model/.../runtime/stream/,
runtime/fql2/ValueSet.scala, ext/api/.../fql2/StreamEndpoint.scala and FeedEndpoint.scala): behaviours its
specs do not test. The app is called in-process through ASGI, so no test here opens a port."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

import fql
from fql.errors import FQLError
from fql.eval.v10 import cursors
from fql.server.app import App
from fql.server.streams import StreamSettings

ROOT = {"Authorization": "Bearer secret"}


def exchange(app: App, *requests: tuple) -> list[tuple[int, bytes]]:
    """Post each (path, JSON body or raw bytes[, headers]) in turn to `app` as the root; the status and
    body of each answer."""

    async def run() -> list[tuple[int, bytes]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://fql") as client:
            return [await _post(client, *request) for request in requests]

    return asyncio.run(run())


async def _post(
    client: httpx.AsyncClient, path: str, body: dict | bytes, headers: dict | None = None
) -> tuple[int, bytes]:
    content = body if isinstance(body, bytes) else json.dumps(body)
    response = await client.post(path, content=content, headers={**ROOT, **(headers or {})})
    return response.status_code, response.content


@pytest.fixture
def app():
    # A stream replays one event at most, and ends on its own after a second.
    made = App(fql.connect(), streams=StreamSettings(poll_interval=0.02, max_duration=1.0, replay_limit=1))
    yield made
    made.pool.close()


def ok(app: App, query: str) -> object:
    ((status, body),) = exchange(app, ("/query/1", {"query": query}))
    assert status == 200, body
    return json.loads(body)["data"]


def feed(app: App, token: str, **options) -> dict:
    ((status, body),) = exchange(app, ("/feed/1", {"token": token, **options}))
    assert status == 200, body
    return json.loads(body)


def stream_events(app: App, token: str) -> list[dict]:
    ((status, body),) = exchange(app, ("/stream/1", {"token": token}))
    assert status == 200, body
    return [json.loads(line) for line in body.split(b"\r\n") if line]


#: Core's Event.Metrics.Empty, as an error event no document's event caused carries it.
NO_STATS = {"read_ops": 0, "storage_bytes_read": 0, "compute_ops": 0, "processing_time_ms": 0, "rate_limits_hit": []}


def test_a_start_too_old_is_an_error_event_with_empty_stats(app):
    """EventReplayer.replay: a start before the collection's minimum valid time reads no history, and is
    an error event sent with Event.Metrics.Empty (no compute op)."""
    ok(app, "Collection.create({ name: 'Foo' })")
    page = feed(app, ok(app, "Foo.all().toStream()"), start_ts=1)
    (event,) = page["events"]
    assert event["error"]["code"] == "invalid_stream_start_time"
    assert event["stats"] == NO_STATS
    # The page reads no history (a query's least compute op is billed all the same).
    assert (page["stats"]["read_ops"], page["stats"]["compute_ops"]) == (0, 1)


def test_a_stream_too_old_to_replay_opens_with_empty_stats(app):
    """EventReplayer.replay: a start before the minimum valid time reads nothing, and both its status event
    and its error carry Event.Metrics.Empty. The token is made 20 minutes older, as core's spec rewrites it."""
    ok(app, "Collection.create({ name: 'Foo', history_days: 0 })")
    payload = cursors.unpack(ok(app, "Foo.all().toStream()"))
    ts, _ = payload[-1]
    status, error = stream_events(app, cursors.pack([*payload[:-1], [ts - 20 * 60_000_000, 0]]))
    assert (status["type"], error["error"]["code"]) == ("status", "invalid_stream_start_time")
    assert status["stats"] == error["stats"] == NO_STATS


def test_too_many_events_to_replay_is_an_error_event_with_empty_stats(app):
    """Subscription.processReplayedEvents: past the replay limit, `stream_replay_volume_exceeded` with
    Event.Metrics.Empty."""
    ok(app, "Collection.create({ name: 'Foo' })")
    token = ok(app, "Foo.all().toStream()")
    ok(app, "Foo.create({})\nFoo.create({})")
    status, add, error = stream_events(app, token)
    assert (status["type"], add["type"], error["error"]["code"]) == ("status", "add", "stream_replay_volume_exceeded")
    assert error["stats"] == NO_STATS


def test_events_after_the_opening_are_live_and_not_counted_as_replayed(app, monkeypatch):
    """Subscription: the replay runs up to the transaction the stream opens at, and only its events count
    against the replay limit (one here); later ones are live, in the live order (EventTranslator's sort
    by index value). The second write lands between the opening and the first poll, as it may."""
    ok(app, "Collection.create({ name: 'Foo', indexes: { byN: { terms: [{ field: '.n' }], values: [{ field: '.m' }] } } })")
    token = ok(app, "Foo.byN(1).toStream() { id }")
    ((_, body),) = exchange(app, ("/query/1", {"query": "Foo.create({ id: '1', n: 1, m: 0 })"}))
    opened = json.loads(body)["txn_ts"]
    ok(app, "Foo.create({ id: '2', n: 1, m: 2 })\nFoo.create({ id: '3', n: 1, m: 1 })")
    check = app.streams._check_v10
    monkeypatch.setattr(app.streams, "_check_v10", lambda *args: (*check(*args)[:3], opened))
    found = stream_events(app, token)
    assert [(e["type"], e.get("data", {}).get("id")) for e in found] == [
        ("status", None), ("add", "1"), ("add", "3"), ("add", "2")
    ]


#: Core's message for a write in an event's `where` or `map`: Effect.Action.message puts the stream's whole
#: limit reason (StreamValueTranslator: "Writes are disallowed in stream subscriptions.") after its own text.
STREAM_WRITE = "`create` performs a write, which is not allowed in Writes are disallowed in stream subscriptions.."


@pytest.mark.parametrize(
    "source",
    [
        "Foo.all().map(x => Foo.create({})).toStream()",
        "Foo.all().where(x => Foo.create({}) != null).toStream()",
        "Foo.all().toStream().map(x => Foo.create({}))",
    ],
)
def test_a_write_in_an_events_step_names_the_streams_effect_limit(app, source):
    """EventTransformer calls a source's `where` and `map` functions itself, under StreamValueTranslator's
    effect limit, for feeds as for streams."""
    ok(app, "Collection.create({ name: 'Foo' })")
    token = ok(app, source)
    ok(app, "Foo.create({})")
    (event,) = feed(app, token)["events"]
    assert event["error"] == {"code": "invalid_effect", "message": STREAM_WRITE}
    (_, event) = stream_events(app, token)
    assert event["error"] == {"code": "invalid_effect", "message": STREAM_WRITE}


def test_a_write_in_a_set_an_events_step_reads_is_refused_in_set_functions(app):
    """A set the step materializes applies its own functions with ValueSet.disallowWrites: "set functions"."""
    ok(app, "Collection.create({ name: 'Foo' })")
    token = ok(app, "Foo.all().map(x => Foo.all().map(y => Foo.create({})).toArray()).toStream()")
    ok(app, "Foo.create({})")
    (event,) = feed(app, token)["events"]
    assert event["error"]["message"] == "`create` performs a write, which is not allowed in set functions."


def test_changes_on_checks_read_permission_before_the_set_it_is_called_on():
    """ValueSet.changesOn makes the source first (IndexSet.toEventSourceImpl, under the `where`, refuses a
    caller with no read on the collection), and only then refuses a set that is not the source set."""
    db = fql.connect()
    db.query("Collection.create({ name: 'Foo' })", syntax="v10")
    db.query("Collection.create({ name: 'Bar' })", syntax="v10")
    role = "Role.create({ name: 'bar_reader', privileges: [{ resource: 'Bar', actions: { read: true } }] })"
    db.query(role, syntax="v10")
    secret = db.query("Key.create({ role: 'bar_reader' }).secret", syntax="v10")
    with pytest.raises(FQLError) as caught:
        db.query("Foo.all().where(.n == 1).changesOn(.n)", secret=secret, syntax="v10")
    assert (caught.value.v10_code, caught.value.description) == (
        "permission_denied",
        "Insufficient privileges to read from collection Foo.",
    )


def test_a_stream_start_before_the_tokens_is_refused_before_the_token_is_evaluated(app):
    """StreamEndpoint.exec checks the start against the token's own before it evaluates the token: a token
    of a collection since deleted is refused for its start, not for its set."""
    ok(app, "Collection.create({ name: 'Foo' })")
    token = ok(app, "Foo.all().toStream()")
    ok(app, "Foo.definition.delete()")
    ((status, body),) = exchange(app, ("/stream/1", {"token": token, "start_ts": 1}))
    assert (status, json.loads(body)["error"]["message"]) == (
        400,
        "Invalid stream start time: Stream start time can not be before the stream create time.",
    )


@pytest.mark.parametrize(
    ("header", "value", "message"),
    [
        ("x-query-timeout-ms", "abc", "Invalid header 'x-query-timeout-ms': Invalid number 'abc'."),
        ("x-last-txn-ts", "soon", "Invalid header 'x-last-txn-ts': Invalid timestamp 'soon'."),
        ("x-max-contention-retries", "9", "Invalid header 'x-max-contention-retries': Must be between 0 and 7."),
    ],
)
def test_a_feeds_bad_header_is_refused_before_its_body(app, header, value, message):
    """FeedEndpoint.getRequestInfo reads three headers before the body and prefixes `Invalid headers: `."""
    ((status, body),) = exchange(app, ("/feed/1", b"", {header: value}))
    assert (status, json.loads(body)) == (
        400,
        {"error": {"code": "invalid_request", "message": f"Invalid headers: {message}"}},
    )


@pytest.mark.parametrize("header", ["x-format", "x-typecheck", "x-linearized", "x-performance-hints"])
def test_a_feed_does_not_read_the_query_headers(app, header):
    """FeedEndpoint reads no x-format (its events are always tagged) nor any other query header."""
    ok(app, "Collection.create({ name: 'Foo' })")
    token = ok(app, "Foo.all().toStream()")
    ((status, body),) = exchange(app, ("/feed/1", {"token": token}, {header: "bogus"}))
    assert (status, json.loads(body)["events"]) == (200, [])


def test_a_tampered_token_reading_before_the_retention_is_a_bad_request(app):
    """A read before a collection's minimum valid time is an exception core's endpoint recovers from
    (ExceptionResponseHelpers: a bad request, `Requested timestamp ...`), not a failure to evaluate."""
    ok(app, "Collection.create({ name: 'Foo' })")
    payload = cursors.unpack(ok(app, "Set.single(Foo.create({})).toStream()"))
    (doc,) = payload[3]["@S"][2]
    doc["@D"][1] = -1  # the document as read at a time before the epoch
    ((status, body),) = exchange(app, ("/feed/1", {"token": cursors.pack(payload)}))
    error = json.loads(body)["error"]
    assert (status, error["code"]) == (400, "invalid_request")
    assert error["message"].startswith(
        "Requested timestamp 1969-12-31T23:59:59.999999Z less than minimum allowed timestamp "
    )


def test_a_tampered_token_whose_function_has_no_parameter_names_is_refused(app):
    """A lambda parameter that is not a name is no token fql made: refused, not a failure at each event."""
    ok(app, "Collection.create({ name: 'Foo' })")
    payload = cursors.unpack(ok(app, "Foo.all().toStream().where(x => true)"))
    ((_, where),) = payload[5]
    where["@L"][0] = [{"@N": ["Literal", 1]}]  # its parameter a node, not a name
    ok(app, "Foo.create({})")
    ((status, body),) = exchange(app, ("/feed/1", {"token": cursors.pack(payload)}))
    assert (status, json.loads(body)["error"]["code"]) == (400, "invalid_request")


def test_a_schema_document_streams_as_any_document(app):
    """SingletonSet.toEventSourceImpl streams any Value.Doc: a collection's definition is one, and its
    updates are `update` events of the definition as it then was."""
    ok(app, "Collection.create({ name: 'Foo' })")
    token = ok(app, "Set.single(Collection.byName('Foo')!).toStream()")
    ok(app, "Foo.definition.update({ history_days: 2 })")
    (event,) = feed(app, token)["events"]
    assert (event["type"], event["data"]["@doc"]["name"], event["data"]["@doc"]["history_days"]) == (
        "update",
        "Foo",
        {"@int": "2"},
    )
