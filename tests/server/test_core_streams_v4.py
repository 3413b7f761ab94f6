"""Core's v4 stream spec over HTTP/2 (`POST /stream`): ext/api/src/test/scala/api/StreamSpec.scala.

Model StreamRenderContextSpec (ext/model/src/test/scala/stream/) renders hand-made events through a
stream's auth; its cases are seen here through real streams: "should render events as JSON" (the start
event `{type: "start", txn, event}`) in test_encoder_start_and_document_events, "should filter events"
(events the stream's key may not read are not sent) in test_abac_filters_document_events and
test_abac_filters_set_events, and "should close the stream on invalid auth" in
test_authorization_lost_and_several_streams. Core's spec deletes the key before the start event is
rendered, so its only event is the error; fql sends the start event with the response head, before any
poll can find the key gone, so that ordering cannot arise. Model EventTypeSpec, StreamSubscriptionSpec and
EventFilterSpec (same folder) are ported at the end of this module, through real streams too.

Every stream ends on its own (`StreamSettings.max_duration`); a read that waits longer than `WAIT`
ends the test's stream, which is how a test sees that no (more) event came.
"""

from __future__ import annotations

import datetime
import json
import threading

import httpx
import pytest

import fql
from fql.server import ServerThread
from fql.server.streams import StreamSettings

#: Streams in these tests end on their own after this many seconds, whatever happens.
BOUND = 20.0
#: How long a test waits for an event that should come; one that should not is waited for QUIET.
WAIT, QUIET = 5.0, 1.0
SPELLS = {"collection": "spells"}


@pytest.fixture
def server():
    settings = StreamSettings(poll_interval=0.02, max_duration=BOUND)
    with ServerThread(fql.connect(), streams=settings) as running:
        running.query = lambda expr, secret="secret": _query(running, expr, secret)
        running.query({"create_collection": {"object": {"name": "spells"}}})
        yield running


def _query(server, expr: object, secret: str = "secret") -> dict:
    response = httpx.post(server.url, content=json.dumps(expr), headers={"Authorization": f"Bearer {secret}"}, timeout=WAIT)
    assert response.status_code in (200, 201), response.text
    return response.json()["resource"]


def post(server, expr: object, secret: str | None = "secret", method: str = "POST") -> tuple[int, object]:
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    response = httpx.request(method, server.url + "/stream", content=json.dumps(expr), headers=headers, timeout=WAIT)
    return response.status_code, response.json() if response.content else None


def subscribe(server, expr: object, n: int, *, secret: str = "secret", fields=None, during=None, wait=WAIT) -> list:
    """Up to `n` events after the start event; `during()` runs once the stream has started. As core's
    StreamAPISupport checks, no event is older than the start event."""
    path = "/stream" + (f"?fields={','.join(fields)}" if fields else "")
    out: list = []
    headers = {"Authorization": f"Bearer {secret}"}
    with httpx.Client(base_url=server.url, timeout=wait, http1=False, http2=True) as client:
        with client.stream("POST", path, content=json.dumps(expr), headers=headers) as response:
            assert response.status_code == 200
            try:
                for line in response.iter_lines():
                    if line.strip():
                        out.append(json.loads(line))
                        if len(out) == 1 and during is not None:
                            during()
                        if len(out) == n + 1:
                            break
            except httpx.ReadTimeout:
                pass
    start, found = out[0], out[1:]
    assert start["type"] == "start" and all(e["txn"] >= start["txn"] for e in found)
    return found


def create(server, data: dict, secret: str = "secret") -> dict:
    return server.query({"create": SPELLS, "params": {"object": {"data": {"object": data}}}}, secret)


def ref(doc: dict) -> dict:
    return {"ref": SPELLS, "id": doc["ref"]["@ref"]["id"]}


def lambda_(param: str, body: object) -> dict:
    return {"lambda": param, "expr": body}


def field_of(param: str, name: str) -> dict:
    return {"select": ["data", name], "from": {"get": {"var": param}}, "default": None}


def role_key(server, name: str, privileges: list) -> str:
    server.query({"create_role": {"object": {"name": name, "privileges": privileges}}})
    return server.query({"create_key": {"object": {"role": {"role": name}}}})["secret"]


def test_document_streams(server):
    """"stream document update events from ref/version", "stream document delete/re-create events"."""
    doc = create(server, {"a": 1})
    datas = [{"x": i} for i in range(3)]

    def replace():
        for data in datas:
            server.query({"replace": ref(doc), "params": {"object": {"data": {"object": data}}}})

    for expr in (ref(doc), {"get": ref(doc)}):
        found = subscribe(server, expr, 3, during=replace)
        assert [(e["type"], e["event"]["action"], e["event"]["document"]["data"]) for e in found] == [
            ("version", "update", data) for data in datas
        ]
        assert all(e["event"]["document"]["ref"] == doc["ref"] and set(e["event"]) == {"action", "document"} for e in found)

    def recreate():
        server.query({"delete": ref(doc)})
        server.query({"create": ref(doc), "params": {"object": {"data": {"object": {"x": 2}}}}})

    found = subscribe(server, ref(doc), 2, during=recreate)
    assert [(e["event"]["action"], e["event"]["document"]["data"]) for e in found] == [("delete", {"x": 2}), ("create", {"x": 2})]


def test_prev_and_diff_fields(server):
    """"stream prev and diff fields": `prev` is the version before, with its own ts (fixed: it had the
    event's)."""
    doc = create(server, {"x": 1, "y": 1})
    replace = {"replace": ref(doc), "params": {"object": {"data": {"object": {"y": 2, "z": 3}}}}}
    (event,) = subscribe(server, ref(doc), 1, fields=["prev", "diff", "document"], during=lambda: server.query(replace))
    shown = event["event"]
    assert shown["document"]["data"] == {"y": 2, "z": 3} and shown["document"]["ts"] == event["txn"]
    assert shown["diff"]["data"] == {"x": None, "y": 2, "z": 3} and shown["diff"]["ts"] == event["txn"]
    assert shown["prev"]["data"] == {"x": 1, "y": 1} and shown["prev"]["ts"] == doc["ts"]


@pytest.mark.parametrize("late", [False, True], ids=["polled-between", "polled-after-both"])
def test_history_rewrite_events(server, monkeypatch, late):
    """"stream history rewrite events": an Insert and a Remove at an earlier time each send two
    `history_rewrite` events, in core's order: the Insert rewrites the version after it (now an update),
    then adds its own; the Remove removes it, then rewrites the version after it (a create again).
    `late`: the stream polls only once both edits have run (as a poll late on a loaded machine reads
    them), and each transaction's events still show the history as that transaction left it (core
    encodes them as it writes them), not as the later Remove left it."""
    from fql.server import streams

    doc = create(server, {"x": 1})
    ts = doc["ts"] - 10_000
    at = {"@ts": _iso(ts)}
    edited = threading.Event()
    if late:
        poll = streams.Streams.poll_v4

        def held(self, secret, target, fields, after, held=None):
            if not edited.is_set():
                return streams.Batch([], after, after.ts)
            return poll(self, secret, target, fields, after, held)

        monkeypatch.setattr(streams.Streams, "poll_v4", held)

    def edit():
        server.query({"insert": ref(doc), "ts": at, "action": "create", "params": {"object": {}}})
        server.query({"remove": ref(doc), "ts": at, "action": "create"})
        edited.set()

    events = subscribe(server, ref(doc), 4, during=edit)
    shown = [(e["type"], e["event"]["action"], e["event"]["document"]["ts"]) for e in events]
    assert shown == [
        ("history_rewrite", "update", doc["ts"]),
        ("history_rewrite", "create", ts),
        ("history_rewrite", "create", ts),
        ("history_rewrite", "create", doc["ts"]),
    ]
    assert events[0]["event"]["document"] == doc and events[3]["event"]["document"] == doc
    assert all(e["event"]["document"]["ref"] == doc["ref"] for e in events)
    inserted, removed = events[0]["txn"], events[2]["txn"]
    assert inserted == events[1]["txn"] < removed == events[3]["txn"]


def test_history_rewrites_with_fields_and_abac(server):
    """A rewrite shows the fields asked for (a removed version has only its action and document), and is
    sent only to a secret that may read the document's history (core's EventFilter)."""
    doc = create(server, {"x": 1})
    ts = doc["ts"] - 10_000
    server.query({"insert": ref(doc), "ts": {"@ts": _iso(ts)}, "action": "update", "params": {"object": {"data": {"object": {"x": 0}}}}})
    fields = ["action", "document", "diff", "prev"]
    remove = {"remove": ref(doc), "ts": {"@ts": _iso(ts)}, "action": "update"}
    events = subscribe(server, ref(doc), 2, fields=fields, during=lambda: server.query(remove))
    assert [sorted(e["event"]) for e in events] == [["action", "document"], sorted(fields)]
    assert events[1]["event"]["prev"] == {"ref": doc["ref"], "ts": doc["ts"]}
    for name, actions, expected in (
        ("reader", {"read": True}, ["version"]),
        ("historian", {"read": True, "history_read": True}, ["history_rewrite", "history_rewrite", "version"]),
    ):
        privilege = {"object": {"resource": SPELLS, "actions": {"object": actions}}}
        server.query({"create_role": {"object": {"name": name, "privileges": [privilege]}}})
        secret = server.query({"create_key": {"object": {"role": {"role": name}}}})["secret"]
        update = {"update": ref(doc), "params": {"object": {"data": {"object": {"x": len(expected)}}}}}

        def edit(update=update):
            server.query({"insert": ref(doc), "ts": {"@ts": _iso(ts)}, "action": "create", "params": {"object": {}}})
            server.query(update)

        events = subscribe(server, ref(doc), len(expected), secret=secret, during=edit, wait=QUIET * 2)
        assert [e["type"] for e in events] == expected, name


def test_set_streams_send_the_index_rows_a_history_rewrite_changes(server):
    """Not in core's spec; core's code: a history edit rewrites the document's index rows (IndexStore.update:
    the rows of each version against the one before it, those gone removed, the new ones added), and a set
    stream sends each row written as a `set` event (EventEncoder: the row's own action, the document with
    the row's valid time, the index) at the transaction's time. An Insert of a create before the document
    moves its `add` row back to the inserted time; the Remove of it moves it forward again."""
    server.query({"create_index": {"object": {"name": "by_x", "source": SPELLS, "terms": [{"object": {"field": ["data", "x"]}}]}}})
    doc = create(server, {"x": 1})
    ts = doc["ts"] - 10_000
    at = {"@ts": _iso(ts)}

    def edit():
        server.query({"insert": ref(doc), "ts": at, "action": "create", "params": {"object": {"data": {"object": {"x": 1}}}}})
        server.query({"remove": ref(doc), "ts": at, "action": "create"})

    for stream in ({"documents": SPELLS}, {"match": {"index": "by_x"}, "terms": 1}):
        events = subscribe(server, stream, 4, during=edit)
        shown = [(e["type"], e["event"]["action"], e["event"]["document"]["ts"]) for e in events]
        assert shown == [("set", "add", doc["ts"]), ("set", "add", ts), ("set", "add", ts), ("set", "add", doc["ts"])]
        assert all(e["event"]["document"]["ref"] == doc["ref"] for e in events)
        inserted, removed = events[0]["txn"], events[2]["txn"]
        assert inserted == events[1]["txn"] < removed == events[3]["txn"]


def test_set_streams_see_a_rewrite_that_changes_the_entries(server):
    """An Insert of an update between the create and now that changes the indexed field: the index's rows
    now take the document out at the inserted time and put it back at the next version."""
    server.query({"create_index": {"object": {"name": "by_x", "source": SPELLS, "terms": [{"object": {"field": ["data", "x"]}}]}}})
    first = create(server, {"x": 1})
    later = server.query({"update": ref(first), "params": {"object": {"data": {"object": {"y": 1}}}}})
    ts = later["ts"] - 1
    update = {"insert": ref(first), "ts": {"@ts": _iso(ts)}, "action": "update", "params": {"object": {"data": {"object": {"x": 2}}}}}
    events = subscribe(server, {"match": {"index": "by_x"}, "terms": 1}, 2, fields=["action", "document", "index"], during=lambda: server.query(update))
    shown = [(e["event"]["action"], e["event"]["document"]["ts"]) for e in events]
    assert shown == [("remove", ts), ("add", later["ts"])]
    assert events[0]["event"]["index"]["terms"] == [1]


def _iso(micros: int) -> str:
    seconds, rest = divmod(micros, 1_000_000)
    at = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc) + datetime.timedelta(microseconds=rest)
    return at.isoformat().replace("+00:00", "Z")


def test_set_streams(server):
    """"stream index matches for added/removed documents", "pair-wise stream of removes and adds", "can stream
    events from term-less index", "support streaming out of the 'documents' set"."""
    by_foo = {"terms": [{"object": {"field": ["data", "foo"]}}], "values": [{"object": {"field": ["data", "foo"]}}]}
    server.query({"create_index": {"object": {"name": "by_foo", "source": SPELLS, **by_foo}}})
    server.query({"create_index": {"object": {"name": "all_foo", "source": SPELLS, "values": by_foo["values"]}}})
    fields = ["action", "document", "index"]

    def shown(found: list) -> list:
        return [(e["type"], e["event"]["action"], e["event"]["index"]["terms"], e["event"]["index"]["values"]) for e in found]

    docs: list = []
    adds = subscribe(server, {"match": {"index": "by_foo"}, "terms": "bar"}, 3, fields=fields, during=lambda: docs.extend(
        create(server, {"foo": "bar", "rest": i}) for i in range(3)
    ))
    assert shown(adds) == [("set", "add", ["bar"], ["bar"])] * 3
    assert all(e["event"]["index"]["ref"] == {"@ref": {"id": "by_foo", "collection": {"@ref": {"id": "indexes"}}}} for e in adds)
    baz: list = []
    listening = threading.Event()
    listener = threading.Thread(target=lambda: baz.extend(
        subscribe(server, {"match": {"index": "by_foo"}, "terms": "baz"}, 3, fields=fields, during=listening.set)
    ))
    listener.start()

    def move():
        assert listening.wait(WAIT)
        for doc in docs:
            server.query({"replace": ref(doc), "params": {"object": {"data": {"object": {"foo": "baz"}}}}})

    removes = subscribe(server, {"match": {"index": "by_foo"}, "terms": "bar"}, 3, fields=fields, during=move)
    listener.join()
    assert shown(removes) == [("set", "remove", ["bar"], ["bar"])] * 3
    assert [e["event"]["document"]["ref"] for e in removes] == [d["ref"] for d in docs]
    assert shown(baz) == [("set", "add", ["baz"], ["baz"])] * 3
    termless = subscribe(server, {"match": {"index": "all_foo"}}, 2, fields=fields, during=lambda: [
        create(server, {"foo": "bar"}) for _ in range(2)
    ])
    assert shown(termless) == [("set", "add", [], ["bar"])] * 2
    documents = subscribe(server, {"documents": SPELLS}, 2, during=lambda: [create(server, {"k": i}) for i in range(2)])
    assert [(e["type"], e["event"]["action"]) for e in documents] == [("set", "add")] * 2
    assert all(e["event"]["document"]["ref"]["@ref"]["collection"]["@ref"]["id"] == "spells" for e in documents)


def test_abac_filters_document_events(server):
    """"filter doc events based on ABAC": the read predicate reads the document as it was at the event
    (fixed: it read the latest version, so no event came)."""
    doc = create(server, {})
    predicate = lambda_("ref", {"equals": ["foo", field_of("ref", "field")]})
    key = role_key(server, "reader", [{"object": {"resource": SPELLS, "actions": {"object": {"read": predicate}}}}])

    def update():
        for value in ("bar", "bar", "foo", "bar"):
            server.query({"update": ref(doc), "params": {"object": {"data": {"object": {"field": value}}}}})

    found = subscribe(server, ref(doc), 2, secret=key, during=update, wait=QUIET)
    assert [e["event"]["document"]["data"]["field"] for e in found] == ["foo"]
    documents = subscribe(server, {"documents": SPELLS}, 2, secret=key, wait=QUIET, during=lambda: [
        create(server, {"field": value}) for value in ("bar", "foo", "bar", "bar")
    ])
    assert [e["event"]["action"] for e in documents] == ["add"]


def test_abac_filters_set_events(server):
    """"filter set events based on ABAC unrestricted_read action" (fixed: the index's unrestricted_read
    predicate was never granted), "... read action", "filter events from 'documents' set based on ABAC
    unrestricted_read action"."""
    server.query({"create_index": {"object": {"name": "by_foo", "source": SPELLS, "terms": [{"object": {"field": ["data", "foo"]}}]}}})
    only_foo = lambda_("terms", {"equals": [{"var": "terms"}, ["foo"]]})
    index = {"index": "by_foo"}
    unrestricted = role_key(server, "u", [{"object": {"resource": index, "actions": {"object": {"unrestricted_read": only_foo}}}}])
    bars = subscribe(server, {"match": index, "terms": "bar"}, 1, secret=unrestricted, wait=QUIET, during=lambda: create(server, {"foo": "bar"}))
    foos = subscribe(server, {"match": index, "terms": "foo"}, 1, secret=unrestricted, during=lambda: create(server, {"foo": "foo"}))
    assert (len(bars), len(foos)) == (0, 1)
    idx_zero = lambda_("ref", {"equals": [0, field_of("ref", "idx")]})
    reader = role_key(server, "r", [
        {"object": {"resource": index, "actions": {"object": {"read": only_foo}}}},
        {"object": {"resource": SPELLS, "actions": {"object": {"read": idx_zero}}}},
    ])
    found = subscribe(server, {"match": index, "terms": "foo"}, 2, secret=reader, wait=QUIET, during=lambda: [
        create(server, {"foo": "foo", "idx": i}) for i in (1, 0, 1, 1)
    ])
    assert [e["event"]["action"] for e in found] == ["add"]
    whole = role_key(server, "w", [{"object": {"resource": SPELLS, "actions": {"object": {"unrestricted_read": True}}}}])
    assert len(subscribe(server, {"documents": SPELLS}, 1, secret=whole, during=lambda: create(server, {}))) == 1


def test_authorization_lost_and_several_streams(server):
    """"closes stream when authorization is lost", "supports multiple streams to the same document"."""
    doc = create(server, {})
    grants = {"object": {"read": True, "write": True, "create": True, "delete": True}}
    server.query({"create_role": {"object": {"name": "open", "privileges": [{"object": {"resource": SPELLS, "actions": grants}}]}}})
    key = server.query({"create_key": {"object": {"role": {"role": "open"}}}})

    def revoke():
        server.query({"delete": key["ref"]})
        server.query({"update": ref(doc), "params": {"object": {}}})

    (lost,) = subscribe(server, ref(doc), 1, secret=key["secret"], during=revoke)
    assert lost["type"] == "error"
    assert lost["event"] == {"code": "permission denied", "description": "Authorization lost during stream evaluation."}
    seen: list = []
    started = threading.Barrier(3, timeout=WAIT)
    readers = [
        threading.Thread(target=lambda: seen.append(subscribe(server, ref(doc), 1, during=started.wait))) for _ in range(2)
    ]
    for reader in readers:
        reader.start()
    started.wait()
    server.query({"update": ref(doc), "params": {"object": {}}})
    for reader in readers:
        reader.join()
    assert [len(found) for found in seen] == [1, 1]


def test_request_errors(server):
    """"can not subscribe to schema changes", "requires authentication", "reports stream id", "only allows for
    POST method", "does not allow for writes", "fail to stream non-streamable type", "fail on unresolved ref"."""

    def refused(code: str, description: str) -> tuple[int, dict]:
        return 400, {"errors": [{"position": [], "code": code, "description": description}]}

    assert post(server, SPELLS) == refused(
        "invalid argument", "Expected a Document Ref or Version, or a Set Ref, got Collection Ref."
    )
    assert post(server, {"object": {}}) == refused("invalid argument", "Expected a Document Ref or Version, or a Set Ref, got Object.")
    assert post(server, {"ref": {"collection": "foo"}, "id": "1234"}) == refused(
        "invalid ref", "Ref refers to undefined collection 'foo'"
    )
    assert post(server, {"create": SPELLS, "params": {"object": {}}}) == refused(
        "invalid expression", "Call performs a write, which is not allowed in stream requests."
    )
    doc = create(server, {})
    assert post(server, ref(doc), secret=None)[0] == 401
    for method in ("GET", "HEAD", "DELETE", "PUT", "PATCH"):
        assert post(server, None, method=method)[0] == 405
    with httpx.Client(base_url=server.url, timeout=WAIT) as client:
        with client.stream("POST", "/stream", content=json.dumps(ref(doc)), headers={"Authorization": "Bearer secret"}) as response:
            assert response.headers.get("x-fauna-stream-id")


def _head(server, path: str, body: object, headers: dict) -> tuple[int, list[tuple[str, str]]]:
    """The status and headers (in order) of a stream's answer, its events left unread."""
    with httpx.Client(base_url=server.url, timeout=WAIT) as client:
        with client.stream("POST", path, content=json.dumps(body), headers=headers) as response:
            return response.status_code, list(response.headers.items())


def test_reports_stream_id_and_core_s_headers(server):
    """"reports stream id", with the rest of the head: core's TMPEndpoint sets X-Txn-Time, the request's
    tags and the metric headers on a stream's answer as on any other (setHeaders; fixed: fql sent none of
    the metric headers nor the tags), the CoreApplication adds CORS headers for a request with an `Origin`,
    exposing its `x-` headers, and the HTTP server the host to a traced request (fixed: missing on streams,
    v4 and v10). Core's v10 StreamEndpoint sets neither X-Txn-Time nor metric headers."""
    doc = create(server, {"n": 1})
    sent = {"Authorization": "Bearer secret", "Origin": "http://app", "X-Trace": "true", "x-fauna-tags": "team=a"}
    status, head = _head(server, "/stream", {"get": ref(doc)}, sent)
    names = [name for name, _ in head]
    found = dict(head)
    assert status == 200 and names.index("x-fauna-stream-id") == 0
    metrics = ["x-compute-ops", "x-byte-read-ops", "x-byte-write-ops", "x-query-time", "x-query-bytes-in",
               "x-query-bytes-out", "x-storage-bytes-read", "x-storage-bytes-write", "x-txn-retries"]
    assert [n for n in names if n in metrics] == metrics
    # The Get is the one billed read; the body is chunked, so no bytes out.
    assert (found["x-compute-ops"], found["x-byte-read-ops"], found["x-query-bytes-out"]) == ("1", "1", "0")
    assert found["x-query-bytes-in"] == str(len(json.dumps({"get": ref(doc)})))
    assert found["x-fauna-tags"] == "team=a" and int(found["x-txn-time"]) > 0
    exposed = found["access-control-expose-headers"].split(", ")
    assert exposed[:3] == ["x-fauna-stream-id", "x-fauna-tags", "x-txn-time"] and set(metrics) <= set(exposed)
    assert (found["access-control-allow-origin"], found["access-control-allow-credentials"]) == ("http://app", "true")
    assert "x-faunadb-host" in found and "x-faunadb-build" in found
    # A document's ref alone reads nothing.
    assert dict(_head(server, "/stream", ref(doc), {"Authorization": "Bearer secret"})[1])["x-byte-read-ops"] == "0"
    server.query({"create_collection": {"object": {"name": "C"}}})
    token = httpx.post(server.url + "/query/1", json={"query": "C.all().eventSource()"},
                       headers={"Authorization": "Bearer secret"}, timeout=WAIT).json()["data"]
    status, head = _head(server, "/stream/1", {"token": token}, sent)
    found = dict(head)
    assert status == 200 and head[0][0] == "x-fauna-stream-id"
    assert not {"x-txn-time", "x-compute-ops", "x-fauna-tags"} & set(found)
    assert found["access-control-expose-headers"] == "x-fauna-stream-id" and "x-faunadb-host" in found


def test_a_streams_version_and_tags_are_read_before_its_secret(server):
    """Core's TMPEndpoint reads a v4 request's API version (answered without X-Txn-Time and the metric
    headers: getRequestInfo), then CoreApplication its tags (through `recover`), before the secret, on
    `/stream` as on `/` (fixed: a stream without a secret was a 401 first)."""
    for headers, description, timed in (
        ({"X-FaunaDB-API-Version": "9"}, "Invalid header 'x-faunadb-api-version': Unsupported or invalid API version '9'.", False),
        ({"x-fauna-tags": "a b"}, "Invalid header 'x-fauna-tags': invalid tags", True),
    ):
        for secret in ({}, {"Authorization": "Bearer secret"}):
            response = httpx.post(server.url + "/stream", content=json.dumps(SPELLS), headers={**headers, **secret}, timeout=WAIT)
            assert response.status_code == 400
            assert response.json() == {"errors": [{"code": "bad request", "description": description}]}
            assert ("x-txn-time" in response.headers, "x-fauna-tags" in response.headers) == (timed, False)
    # A refused stream echoes the tags as a refused query does.
    response = httpx.post(server.url + "/stream", content=json.dumps(SPELLS),
                          headers={"Authorization": "Bearer secret", "x-fauna-tags": "a=b"}, timeout=WAIT)
    assert response.status_code == 400 and response.headers["x-fauna-tags"] == "a=b"
    assert response.headers["x-compute-ops"] == "1"


# -- EventEncoderSpec and StreamEventSpec (ext/model/src/test/scala/stream/) ----------------------------
# Core's encoder is given synthetic writes; here real writes make the same events (StreamEventSpec's
# "new version added", "set add" and "set remove" derivations are the `version` and `set` types seen
# below, its history rewrite and version removed ones the `history_rewrite` events of Insert and Remove;
# "should encode history rewrite" and "should encode a removed version" are at the end of this module).
# Not ported: "should a removed document" and StreamEventSpec's document removed derivation (core's
# DocRemove, which drops a document's whole history at once, is written by its background tasks that
# clear the documents of deleted collections and databases, and when a schema document is purged; fql has
# no such write, its deleted collections' documents going with them: see the README's **Streams and
# feeds**), and "should ommit partition terms from set events" (fql's index entries carry no partition term: `terms`
# are the Match's).


def test_encoder_start_and_document_events(server):
    """"should encode a start event", "should encode a new version", "should encode an update", "should
    encode a delete": a start event's `event` is its `txn`; a version event's document is its ref, its ts
    (the transaction's) and its data, the data removed for a delete."""
    path = "/stream?fields=action,document"
    headers = {"Authorization": "Bearer secret"}
    doc = create(server, {"seed": 0})
    events: list = []

    def writes():
        server.query({"replace": ref(doc), "params": {"object": {"data": {"object": {"foo": "bar"}}}}})
        server.query({"delete": ref(doc)})
        server.query({"create": ref(doc), "params": {"object": {"data": {"object": {"foo": "baz"}}}}})

    with httpx.Client(base_url=server.url, timeout=WAIT, http1=False, http2=True) as client:
        with client.stream("POST", path, content=json.dumps(ref(doc)), headers=headers) as response:
            for line in response.iter_lines():
                if line.strip():
                    events.append(json.loads(line))
                    if len(events) == 1:
                        writes()
                    if len(events) == 4:
                        break
    start, *found = events
    assert start == {"type": "start", "txn": start["txn"], "event": start["txn"]} and isinstance(start["txn"], int)
    expected = [("update", {"foo": "bar"}), ("delete", {"foo": "bar"}), ("create", {"foo": "baz"})]
    assert found == [
        {"type": "version", "txn": e["txn"], "event": {"action": action, "document": {**e["event"]["document"], "data": data}}}
        for e, (action, data) in zip(found, expected)
    ]
    assert all(set(e["event"]["document"]) == {"ref", "ts", "data"} and e["event"]["document"]["ref"] == doc["ref"] for e in found)
    # The spec's delete shows the transaction's ts too, but its synthetic diff has no ts of its own, so
    # what a real delete shows is left unasserted here.
    assert [e["event"]["document"]["ts"] == e["txn"] for e in (found[0], found[2])] == [True, True]


def test_encoder_prev_and_diff(server):
    """"should encode prev data", "should encode a diff": a diff shows the new values and null for the
    fields removed; a create has no previous data, so its `prev` is the ref and ts alone."""
    doc = create(server, {"fieldB": "old"})
    replace = {"replace": ref(doc), "params": {"object": {"data": {"object": {"fieldA": "new"}}}}}
    (event,) = subscribe(server, ref(doc), 1, fields=["diff"], during=lambda: server.query(replace))
    assert event["event"] == {"diff": {"ref": doc["ref"], "ts": event["txn"], "data": {"fieldA": "new", "fieldB": None}}}
    server.query({"delete": ref(doc)})
    again = {"create": ref(doc), "params": {"object": {"data": {"object": {"field": "new"}}}}}
    (event,) = subscribe(server, ref(doc), 1, fields=["prev", "action"], during=lambda: server.query(again))
    assert event["event"] == {"action": "create", "prev": {"ref": doc["ref"], "ts": event["txn"]}}


def test_encoder_set_events(server):
    """"should encoded an added set event", "should encoded a removed set event": with every field, a set
    event is its action, the document's ref and ts, and the index's ref, terms and values."""
    index = {"name": "by_term", "source": SPELLS, "terms": [{"object": {"field": ["data", "term"]}}],
             "values": [{"object": {"field": ["data", "value"]}}]}
    server.query({"create_index": {"object": index}})
    index_ref = {"@ref": {"id": "by_term", "collection": {"@ref": {"id": "indexes"}}}}
    docs: list = []
    fields = ["action", "document", "index", "diff", "prev"]

    def add():
        docs.append(create(server, {"term": "term", "value": "value"}))

    (added,) = subscribe(server, {"match": {"index": "by_term"}, "terms": "term"}, 1, fields=fields, during=add)

    def remove():
        server.query({"delete": ref(docs[0])})

    (removed,) = subscribe(server, {"match": {"index": "by_term"}, "terms": "term"}, 1, fields=fields, during=remove)
    for event, action in ((added, "add"), (removed, "remove")):
        assert event == {"type": "set", "txn": event["txn"], "event": {
            "action": action,
            "document": {"ref": docs[0]["ref"], "ts": event["txn"]},
            "index": {"ref": index_ref, "terms": ["term"], "values": ["value"]},
        }}


# -- EventTypeSpec and StreamSubscriptionSpec (ext/model/src/test/scala/stream/) -------------------------


def test_subscription_converts_writes_to_events(server):
    """StreamSubscriptionSpec "convert writes to events": the stream's first transaction, which wrote
    nothing, is its start event at that transaction's time; a later transaction that creates the document
    is a `version` event of the create at the later time."""
    doc = {"ref": {"@ref": {"id": "1234"}}}  # not made yet
    made: list = []
    create_it = {"create": ref(doc), "params": {"object": {"data": {"object": {"x": 1}}}}}
    (event,) = subscribe(server, ref(doc), 1, fields=["action", "document"], during=lambda: made.append(server.query(create_it)))
    assert event == {
        "type": "version",
        "txn": made[0]["ts"],
        "event": {"action": "create", "document": {"ref": made[0]["ref"], "ts": made[0]["ts"], "data": {"x": 1}}},
    }


def test_event_type_follows_bi_temporality(server):
    """EventTypeSpec "identifies event type based on bi-temporality": a version whose valid time is its
    transaction's time is a `version` event, one at an earlier valid time a `history_rewrite`. A version
    inserted at `Now()` is at the transaction's time in fql (its snapshot time is its transaction time:
    see the README's departures), so it streams as a version; the Insert before it rewrites history."""
    doc = create(server, {"x": 1})
    earlier = doc["ts"] - 10_000
    made: list = []

    def edit():
        at_now = {"insert": ref(doc), "ts": {"now": None}, "action": "update", "params": {"object": {"data": {"object": {"x": 2}}}}}
        made.append(server.query(at_now))
        server.query({"insert": ref(doc), "ts": {"@ts": _iso(earlier)}, "action": "create", "params": {"object": {}}})

    events = subscribe(server, ref(doc), 3, during=edit)
    shown = [(e["type"], e["event"]["action"], e["event"]["document"]["ts"]) for e in events]
    now = made[0]["ts"]
    assert shown == [("version", "update", now), ("history_rewrite", "update", doc["ts"]), ("history_rewrite", "create", earlier)]
    assert events[0]["txn"] == now < events[1]["txn"] == events[2]["txn"]


def test_encoder_history_rewrite(server):
    """EventEncoderSpec "should encode history rewrite": a create written a day before the transaction is a
    `history_rewrite` event at the transaction's time, showing the document at its own valid time."""
    doc = {"ref": {"@ref": {"id": "5678"}}}  # no version yet, so the insert rewrites no later one
    made: list = []
    when = int(datetime.datetime.now(datetime.timezone.utc).timestamp() * 1_000_000) - 86_400_000_000
    insert = {"insert": ref(doc), "ts": {"@ts": _iso(when)}, "action": "create", "params": {"object": {"data": {"object": {"foo": "bar"}}}}}
    (event,) = subscribe(server, ref(doc), 2, during=lambda: made.append(server.query(insert)), wait=QUIET * 2)
    assert made[0]["ts"] == when
    assert event["type"] == "history_rewrite" and event["txn"] > when
    shown = event["event"]
    assert shown == {"action": "create", "document": {"ref": shown["document"]["ref"], "ts": when, "data": {"foo": "bar"}}}
    assert shown["document"]["ref"]["@ref"]["id"] == "5678"


def test_encoder_removed_version(server):
    """EventEncoderSpec "should encode a removed version": removing a document's delete version is a
    `history_rewrite` event at the transaction's time whose document is the ref and the removed version's
    time alone (core's synthetic event removes one at the transaction's own time; here it is earlier), and
    no other event follows, no version coming after it."""
    doc = create(server, {"x": 1})
    server.query({"delete": ref(doc)})
    history = server.query({"paginate": {"events": ref(doc)}})["data"]
    assert [e["action"] for e in history] == ["create", "delete"]
    delete_ts = history[-1]["ts"]
    remove = {"remove": ref(doc), "ts": {"@ts": _iso(delete_ts)}, "action": "delete"}
    (event,) = subscribe(server, ref(doc), 2, during=lambda: server.query(remove), wait=QUIET * 2)
    assert event["type"] == "history_rewrite" and event["txn"] > delete_ts
    assert event["event"] == {"action": "delete", "document": {"ref": doc["ref"], "ts": delete_ts}}


# -- EventFilterSpec (ext/model/src/test/scala/stream/) -----------------------------------------------------
# Core checks each event against the stream's auth (EventFilter.check); here a key of a role with each
# permission watches a document of its own. "on removed documents" is not ported, for the reason given
# above EventEncoderSpec's cases (fql writes no DocRemove).


@pytest.mark.parametrize(
    "actions, expected",
    [
        ({}, []),
        ({"read": True}, ["version"]),
        ({"history_read": True}, ["history_rewrite"]),
        ({"read": True, "history_read": True}, ["history_rewrite", "version"]),
    ],
    ids=["no-permission", "read", "history_read", "both"],
)
def test_event_filter_checks_the_read_permissions(server, actions, expected):
    """EventFilterSpec "should always allow for a protocol events" (the start event comes whatever the key
    may read), "should check document read permission" "on new versions" (a `version` event needs `read`)
    and "should check document history read permission" "on removed versions" (the `history_rewrite` of a
    Remove needs `history_read`; its "on history rewrites", an Insert's, is in
    test_history_rewrites_with_fields_and_abac)."""
    doc = create(server, {"x": 1})
    update = {"update": ref(doc), "params": {"object": {"data": {"object": {"x": 2}}}}}
    updated = server.query(update)["ts"]
    privilege = {"object": {"resource": SPELLS, "actions": {"object": actions}}}
    secret = role_key(server, "watcher", [privilege] if actions else [])
    remove = {"remove": ref(doc), "ts": {"@ts": _iso(updated)}, "action": "update"}

    def edit():
        server.query(remove)
        server.query(update)

    events = subscribe(server, ref(doc), len(expected) + 1, secret=secret, during=edit, wait=QUIET * 2)
    assert [e["type"] for e in events] == expected
