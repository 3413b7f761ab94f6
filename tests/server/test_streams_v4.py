"""v4 streams (`POST /stream`, HTTP/2) through the faunadb 4.5.2 driver's `client.stream(...)`."""

from __future__ import annotations

import json
import warnings

import httpx
import pytest

import fql
from fql.server import ServerThread
from fql.server.streams import StreamSettings, _v4_fields

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from faunadb import query as q
    from faunadb.errors import BadRequest

#: Streams in these tests end on their own after this many seconds, whatever happens.
BOUND = 20.0


@pytest.fixture
def server():
    settings = StreamSettings(poll_interval=0.02, max_duration=BOUND)
    with ServerThread(fql.connect(), streams=settings) as running:
        yield running


@pytest.fixture
def spells(client):
    client.query(q.create_collection({"name": "spells"}))
    by_element = {"terms": [{"field": ["data", "element"]}], "values": [{"field": ["data", "power"]}]}
    client.query(q.create_index({"name": "spells_by_element", "source": q.collection("spells"), **by_element}))
    return client


def collect(client, expr, n: int, *, fields=None, on_start=lambda: None) -> list:
    """The first `n` events of a stream of `expr` (its start event included); `on_start` runs at the start."""
    events: list = []
    closed = []

    def record(event):
        events.append(event)
        if event.type == "start":
            on_start()
        if (len(events) >= n or event.type == "error") and not closed:
            closed.append(True)
            stream.close()

    stream = client.stream(expr, {"fields": fields} if fields else None, record, record, record, record, record)
    stream.start()
    return events


def _create(client, data: dict):
    return client.query(q.create(q.collection("spells"), {"data": data}))


def test_a_document_stream_sends_its_versions(spells):
    doc = _create(spells, {"name": "fire", "power": 1})

    def write():
        spells.query(q.update(doc["ref"], {"data": {"power": 2}}))
        spells.query(q.delete(doc["ref"]))

    start, updated, deleted = collect(spells, doc["ref"], 3, on_start=write)
    assert start.type == "start" and start.txn == start.event
    assert updated.type == "version" and updated.event["action"] == "update"
    assert updated.event["document"]["ref"] == doc["ref"] and updated.event["document"]["data"]["power"] == 2
    assert updated.txn > start.txn and updated.event["document"]["ts"] == updated.txn
    assert deleted.event["action"] == "delete" and deleted.event["document"]["data"]["power"] == 2
    assert set(updated.event) == {"action", "document"}


def test_diff_and_prev_fields(spells):
    doc = _create(spells, {"name": "fire", "power": 1})

    def write():
        spells.query(q.replace(doc["ref"], {"data": {"name": "ice", "level": 3}}))

    _, event = collect(spells, q.get(doc["ref"]), 2, fields=["action", "diff", "prev"], on_start=write)
    assert set(event.event) == {"action", "diff", "prev"}
    assert event.event["diff"]["data"] == {"name": "ice", "level": 3, "power": None}
    assert event.event["prev"]["data"] == {"name": "fire", "power": 1}


def test_a_documents_set_stream_sees_adds_and_removes(spells):
    doc = _create(spells, {"name": "fire"})

    def write():
        spells.query(q.update(doc["ref"], {"data": {"power": 9}}))  # the set is unchanged: no event
        spells.query(q.delete(doc["ref"]))
        _create(spells, {"name": "ice"})

    _, removed, added = collect(spells, q.documents(q.collection("spells")), 3, on_start=write)
    assert (removed.type, removed.event["action"], removed.event["document"]["ref"]) == ("set", "remove", doc["ref"])
    assert added.event["action"] == "add" and added.event["document"]["ts"] == added.txn


def test_an_index_set_stream_moves_documents_in_and_out(spells):
    doc = _create(spells, {"element": "fire", "power": 1})

    def write():
        spells.query(q.update(doc["ref"], {"data": {"power": 2}}))  # its value changes: out, then in
        spells.query(q.update(doc["ref"], {"data": {"element": "ice"}}))  # out of the set

    events = collect(spells, q.match(q.index("spells_by_element"), "fire"), 4, on_start=write)
    assert [e.event["action"] for e in events[1:]] == ["remove", "add", "remove"]
    assert events[1].txn == events[2].txn < events[3].txn


def test_the_index_field_over_plain_http2(spells, server):
    # The driver allows only action, document, diff and prev; core also has `index` for set events.
    _create(spells, {"element": "fire", "power": 1})
    with httpx.Client(http1=False, http2=True, base_url=server.url, timeout=10) as h2:
        body = json.dumps({"match": {"index": "spells_by_element"}, "terms": "fire"})
        with h2.stream("POST", "/stream?fields=action,index", content=body, headers={"Authorization": "Bearer secret"}) as response:
            assert response.status_code == 200 and "x-fauna-stream-id" in response.headers
            lines = response.iter_lines()
            start = json.loads(next(lines))
            spells.query(q.create(q.collection("spells"), {"data": {"element": "fire", "power": 7}}))
            event = json.loads(next(lines))
    assert start["type"] == "start"
    assert event["event"] == {
        "action": "add",
        "index": {"ref": {"@ref": {"id": "spells_by_element", "collection": {"@ref": {"id": "indexes"}}}}, "terms": ["fire"], "values": [7]},
    }


def test_what_cannot_be_streamed_is_an_error_event(spells):
    (event,) = collect(spells, "not a ref", 1)
    assert event.type == "error" and isinstance(event.error, BadRequest)
    assert event.error.errors[0].code == "invalid argument"
    assert event.error.errors[0].description == "Expected a Document Ref or Version, or a Set Ref, got String."
    (write,) = collect(spells, q.create(q.collection("spells"), {}), 1)
    assert write.error.errors[0].code == "invalid expression"
    assert write.error.errors[0].description == "Call performs a write, which is not allowed in stream requests."
    assert spells.query(q.count(q.documents(q.collection("spells")))) == 0


def test_bad_fields_and_secrets(spells, server):
    with httpx.Client(http1=False, http2=True, base_url=server.url, timeout=10) as h2:
        body = json.dumps({"collection": "spells"})
        bad = h2.post("/stream?fields=action,nope", content=body, headers={"Authorization": "Bearer secret"})
        unauthorized = h2.post("/stream", content=body, headers={"Authorization": "Bearer wrong"})
    assert bad.status_code == 400 and bad.json() == {
        "errors": [
            {"position": [], "code": "invalid url parameter", "description": "Invalid url parameter fields. Invalid field name 'nope'."}
        ]
    }
    assert unauthorized.status_code == 401


def test_a_blank_fields_parameter_is_the_empty_name(spells, server):
    """`?fields=` keeps its blank value (core's URIQueryString), so it names the empty field, refused."""
    with httpx.Client(http1=False, http2=True, base_url=server.url, timeout=10) as h2:
        body = json.dumps({"collection": "spells"})
        bad = h2.post("/stream?fields=", content=body, headers={"Authorization": "Bearer secret"})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["description"] == "Invalid url parameter fields. Invalid field name ''."


def test_fields_split_as_javas_string_split(spells, server):
    # Core splits `fields` with Java's String.split: trailing empty names are dropped (faunadb-go sends
    # `fields=diff,prev,document,`), while a leading or lone empty name, or a blank one, is refused.
    assert _v4_fields("diff,prev,document,") == (("document", "diff", "prev"), [])
    assert _v4_fields("action,,") == (("action",), []) and _v4_fields(",,") == ((), [])
    for bad in ("", ",action", "action, ", "action,,diff"):
        (err,) = _v4_fields(bad)[1]
        assert err.description == "Invalid url parameter fields. Invalid field name ''."
    doc = _create(spells, {"name": "fire"})
    with httpx.Client(http1=False, http2=True, base_url=server.url, timeout=10) as h2:
        body = json.dumps({"@ref": {"id": doc["ref"].id(), "collection": {"@ref": {"id": "spells", "collection": {"@ref": {"id": "collections"}}}}}})
        with h2.stream("POST", "/stream?fields=diff,prev,document,", content=body, headers={"Authorization": "Bearer secret"}) as response:
            assert response.status_code == 200
            lines = response.iter_lines()
            assert json.loads(next(lines))["type"] == "start"
            spells.query(q.update(doc["ref"], {"data": {"name": "ice"}}))
            event = json.loads(next(lines))
    assert event["type"] == "version" and set(event["event"]) == {"diff", "prev", "document"}


def test_a_deleted_key_ends_the_stream_with_permission_denied(spells, connect):
    key = spells.query(q.create_key({"role": "server"}))
    doc = _create(spells, {"name": "fire"})

    def write():
        spells.query(q.delete(key["ref"]))
        spells.query(q.update(doc["ref"], {"data": {"power": 1}}))

    _, error = collect(connect(key["secret"]), doc["ref"], 2, on_start=write)
    assert error.type == "error"
    assert (error.code, error.description) == ("permission denied", "Authorization lost during stream evaluation.")


def test_deleting_the_collection_sends_no_removes_and_its_successor_is_not_streamed():
    """Core writes no version of a deleted collection's documents (CollectionSchemaHooks.processDelete drops
    its indexes only), and a collection made again under the name has a new id: a `Documents` stream of the
    old one sees neither (fixed: fql sent a `remove` for each document at the deletion, then the new
    collection's documents)."""
    settings = StreamSettings(poll_interval=0.02, max_duration=2.0)
    with ServerThread(fql.connect(), streams=settings) as running:
        db = running.app.db
        db.query('CreateCollection({name: "spells"})')
        gone = db.query('Create(Collection("spells"), {data: {name: "fire"}})')["ref"]
        db.query('Create(Collection("spells"), {data: {name: "ice"}})')
        with httpx.Client(http1=False, http2=True, base_url=running.url, timeout=10) as h2:
            body = json.dumps({"documents": {"collection": "spells"}})
            with h2.stream("POST", "/stream", content=body, headers={"Authorization": "Bearer secret"}) as response:
                lines = response.iter_lines()
                assert json.loads(next(lines))["type"] == "start"
                db.query(f'Delete(Ref(Collection("spells"), "{gone.id}"))')
                db.query('Delete(Collection("spells"))')
                db.query('CreateCollection({name: "spells"})')
                db.query('Create(Collection("spells"), {data: {name: "air"}})')
                events = [json.loads(line) for line in lines if line.strip()]
    assert [(e["type"], e["event"]["action"]) for e in events] == [("set", "remove")]
    assert events[0]["event"]["document"]["ref"] == {"@ref": {"id": gone.id, "collection": {"@ref": {"id": "spells", "collection": {"@ref": {"id": "collections"}}}}}}


def test_a_stream_reads_only_the_api_version_header(spells, server):
    """Core's stream route reads a request's API version alone (APIRequest), not X-Last-Seen-Txn, which
    faunadb-python sends as `None` from a client that has made no query yet; a bad version is a 400."""
    doc = _create(spells, {"name": "fire"})
    body = json.dumps({"@ref": {"id": doc["ref"].id(), "collection": {"@ref": {"id": "spells", "collection": {"@ref": {"id": "collections"}}}}}})
    headers = {"Authorization": "Bearer secret", "X-Last-Seen-Txn": "None", "X-Query-Timeout": "x"}
    with httpx.Client(http1=False, http2=True, base_url=server.url, timeout=10) as h2:
        with h2.stream("POST", "/stream", content=body, headers=headers) as response:
            assert response.status_code == 200
            assert json.loads(next(response.iter_lines()))["type"] == "start"
        bad = h2.post("/stream", content=body, headers={**headers, "X-FaunaDB-API-Version": "9"})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["description"] == "Invalid header 'x-faunadb-api-version': Unsupported or invalid API version '9'."


@pytest.mark.parametrize(
    ("version", "ref", "index", "actions"),
    [
        ("2.0", {"@ref": "classes/spells/1"}, {"@ref": "indexes/spells_by_element"}, ["create", "create", "delete"]),
        (
            "2.1",
            {"@ref": {"id": "1", "class": {"@ref": {"id": "spells", "class": {"@ref": {"id": "classes"}}}}}},
            {"@ref": {"id": "spells_by_element", "class": {"@ref": {"id": "indexes"}}}},
            ["add", "update", "delete"],
        ),
    ],
)
def test_events_are_rendered_at_the_streams_api_version(spells, server, version, ref, index, actions):
    # Core's StreamRenderContext renders every event with the request's version (RenderContext): refs in
    # its words, and before 2.1 an action is `create` or `delete` (ActionL).
    match = json.dumps({"match": {"index": "spells_by_element"}, "terms": "fire"})
    doc_ref = q.ref(q.collection("spells"), "1")
    headers = {"Authorization": "Bearer secret", "X-FaunaDB-API-Version": version}
    with httpx.Client(http1=False, http2=True, base_url=server.url, timeout=10) as h2:
        with h2.stream("POST", "/stream?fields=action,document,index", content=match, headers=headers) as response:
            lines = response.iter_lines()
            assert json.loads(next(lines))["type"] == "start"
            spells.query(q.create(doc_ref, {"data": {"element": "fire", "power": 7}}))
            added = json.loads(next(lines))["event"]
        with h2.stream("POST", "/stream", content=json.dumps(ref), headers=headers) as response:
            lines = response.iter_lines()
            assert json.loads(next(lines))["type"] == "start"
            spells.query(q.update(doc_ref, {"data": {"power": 8}}))
            spells.query(q.delete(doc_ref))
            updated, deleted = (json.loads(next(lines))["event"] for _ in range(2))
    assert (added["action"], added["document"]["ref"], added["index"]["ref"]) == (actions[0], ref, index)
    assert [updated["action"], deleted["action"]] == actions[1:]
    assert (updated["document"]["ref"], updated["document"]["data"]["power"]) == (ref, 8)
