"""What the integration tests of Fauna's v10 Java and C# drivers (fauna-jvm's e2e tests, fauna-dotnet's
Integration, E2E, Linq and ServiceException tests) assert of a Fauna server, where fql answered otherwise:
replayed here over HTTP, each with the core source that settles it (ext/, fauna/faunadb)."""

from __future__ import annotations

import json
import time

import httpx
import pytest

import fql
from fql.server import ServerThread
from fql.server.streams import StreamSettings
from tests.helpers import post_json

WAIT = 5.0


@pytest.fixture(scope="module")
def server():
    with ServerThread(fql.connect(), streams=StreamSettings(poll_interval=0.02, max_duration=20.0)) as running:
        yield running


def post(server, path: str, body: dict) -> tuple[int, dict]:
    return post_json(server.url + path, body, fmt="tagged", timeout=WAIT)


def query(server, fql_text: str | list) -> tuple[int, dict]:
    return post(server, "/query/1", {"query": fql_text if isinstance(fql_text, str) else {"fql": fql_text}})


def ok(server, fql_text: str | list) -> dict:
    status, body = query(server, fql_text)
    assert status == 200, body
    return body


def collection(server, name: str, docs: int = 0) -> int:
    """A fresh collection `name` (any before it deleted) with `docs` documents; the time it was made."""
    query(server, f"Collection.byName('{name}')?.delete()")
    made = ok(server, f"Collection.create({{ name: '{name}' }})")["txn_ts"]
    if docs:
        ok(server, f"Set.sequence(0, {docs}).forEach(i => {name}.create({{ name: 'product-' + i.toString(), quantity: i }}))")
    return made


def first_event(server, token: str) -> dict:
    with httpx.Client(base_url=server.url, timeout=WAIT) as client:
        body = json.dumps({"token": token})
        with client.stream("POST", "/stream/1", content=body, headers={"Authorization": "Bearer secret"}) as r:
            assert r.status_code == 200
            for line in r.iter_lines():
                if line.strip():
                    return json.loads(line)
    raise AssertionError("no event")


def test_abort_null_returns_null(server):
    """fauna-jvm query_abortNull, fauna-dotnet AbortException_Null: `abort(null)` answers `"abort": null`
    (core's QueryFailure.Aborted keeps Some(Null), FQL2Response writes it)."""
    status, body = query(server, "abort(null)")
    assert status == 400 and body["error"] == {"code": "abort", "message": "Query aborted.", "abort": None}
    status, body = query(server, "abort('')")
    assert body["error"]["abort"] == ""


def test_a_collection_scan_bills_each_document_when_it_is_looked_at(server):
    """fauna-jvm query_trackStatsOnSuccess / OnFailure: `Author.all().toArray()` of 2 documents bills 10
    read ops (the documents index's 8 partitions, then each document as the answer shows it), 8 when the
    query then aborts; E2EPaginationTest: 50 documents in pages of 16 bill 82 (8 + 16, 8 + 16, 8 + 16,
    8 + 2). A projection of `.id` reads no document (FQL2MetricsSpec "paginate")."""
    collection(server, "Author")
    ok(server, "Author.create({ firstName: 'Alice' })")
    ok(server, "Author.create({ firstName: 'Mad' })")
    assert ok(server, "Author.all().toArray()")["stats"]["read_ops"] == 10
    status, body = query(server, "Author.all().toArray()\nabort(null)")
    assert status == 400 and body["stats"]["read_ops"] == 8
    assert ok(server, "Author.all().map(.id).toArray()")["stats"]["read_ops"] == 8
    assert ok(server, "Author.all().where(.firstName == 'Mad').map(.id).toArray()")["stats"]["read_ops"] == 10
    collection(server, "Product", docs=50)
    body = ok(server, "Product.all()")
    reads, page = [body["stats"]["read_ops"]], body["data"]["@set"]
    while page.get("after"):
        body = ok(server, ["Set.paginate(", {"value": page["after"]}, ")"])
        reads.append(body["stats"]["read_ops"])
        page = body["data"]
    assert reads == [24, 24, 24, 10]


def test_a_stream_status_event_bills_the_replay_read(server):
    """fauna-dotnet CanReadEventsFomStream: every event, the opening status event too, has read ops; core's
    FQL2StreamSpec "includes read metrics on start event": 8 for a collection's changes (8 partitions), 1
    for a document or an index with terms."""
    collection(server, "Sandbox")
    ok(server, "Collection.byName('Sandbox')!.update({ indexes: { byName: { terms: [{ field: '.name' }] } } })")
    ok(server, "Sandbox.create({ name: 'a' })")
    for source, reads in [
        ("Sandbox.all()", 8),
        ("Sandbox.where(.name == 'a')", 8),
        ("Set.single(Sandbox.all().first()!)", 1),
        ("Sandbox.byName('a')", 1),
    ]:
        event = first_event(server, ok(server, f"{source}.eventSource()")["data"]["@stream"])
        assert event["type"] == "status" and event["stats"]["read_ops"] == reads, source


def test_a_collection_made_again_under_its_name_has_none_of_the_old_ones_events(server):
    """fauna-dotnet CanUseFeedOptionsStartTs: its set-up deletes and remakes `StreamingSandbox` before each
    test; a feed from 5 minutes ago sees only the new collection's 15 events, in 5 pages of 3 (core's
    collections are told apart by id, not name)."""
    collection(server, "Sandbox", docs=3)
    ok(server, "Sandbox.all().forEach(.delete())")
    ok(server, "Sandbox.create({ n: 99 })")
    collection(server, "Sandbox")
    ok(server, "Set.sequence(5, 20).forEach(n => Sandbox.create({ n: n }))")
    token = ok(server, "Sandbox.all().eventSource()")["data"]["@stream"]
    five_minutes_ago = int((time.time() - 300) * 1_000_000)
    pages, body = [], {"token": token, "start_ts": five_minutes_ago, "page_size": 3}
    while True:
        status, page = post(server, "/feed/1", body)
        assert status == 200, page
        pages.append([e["data"]["@doc"]["n"] for e in page["events"]])
        if not page["has_next"]:
            break
        body = {"token": token, "cursor": page["cursor"], "page_size": 3}
    assert pages == [[{"@int": str(n)} for n in range(first, first + 3)] for first in range(5, 20, 3)]


def test_a_query_that_starts_with_no_statement(server):
    """fauna-dotnet QueryCheckException_Basic: `"bad query` (an unterminated string) is core's `Unexpected
    end of query. Expected statement or expression` at 1:1, as QueryErrorSpec has it for `` and `##`."""
    for text in ['"bad query', "##", ""]:
        status, body = query(server, text)
        assert status == 400 and body["error"]["code"] == "invalid_query"
        assert body["summary"] == (
            f"error: Unexpected end of query. Expected statement or expression\nat *query*:1:1\n  |\n"
            f"{f'1 | {text}'.rstrip()}\n  | ^\n  |"
        )
    # Past the query's start, the parser stops at the string's quote (core backtracks out of a string
    # that never ends) and says what it expected there.
    status, body = query(server, 'let x = "abc')
    assert body["summary"].startswith("error: Expected expression\nat *query*:1:9")


def test_set_distinct_sorts(server):
    """fauna-dotnet Query_Distinct: `Author.all().map(.age).distinct()` of ages 32, 26 is [26, 32]: core's
    DistinctSet reads the set, sorts the values and drops repeats (Array's distinct keeps the order)."""
    body = ok(server, "[32, 26, 32].toSet().distinct()")
    assert body["data"] == {"@set": {"data": [{"@int": "26"}, {"@int": "32"}]}}
    assert ok(server, "[32, 26, 32].distinct()")["data"] == [{"@int": "32"}, {"@int": "26"}]


def test_documents_a_read_predicate_checks_are_read(server):
    """A role's read predicate looks inside each document of a scan, so each is read then, those it hides
    too (before answering; a set's documents are otherwise read when first looked at)."""
    collection(server, "Hidden")
    ok(server, "Set.sequence(0, 4).forEach(x => Hidden.create({ x: x }))")
    query(server, "Role.byName('hider')?.delete()")
    ok(server, "Role.create({ name: 'hider', privileges: [{ resource: 'Hidden', actions: { read: 'doc => doc.x < 2' } }] })")
    secret = ok(server, "Key.create({ role: 'hider' })")["data"]["@doc"]["secret"]
    headers = {"X-Format": "tagged", "Authorization": f"Bearer {secret}"}
    for text in ["Hidden.all().toArray()", "Hidden.all().map(.id).toArray()"]:
        body = httpx.post(server.url + "/query/1", content=json.dumps({"query": text}), headers=headers).json()
        assert len(body["data"]) == 2 and body["stats"]["read_ops"] == 8 + 4, text


def test_an_unbound_name_in_a_branch_not_taken_is_never_reached(server):
    """fauna-go ExampleClient_StreamFromQuery sets up a new database with this query: the `else` names a
    collection that does not exist yet, and Fauna ran it (fql finds unbound names where they are
    reached; core's typer would refuse it: see README, Typechecking)."""
    setup = (
        "if (!Collection.byName('StreamingSandbox').exists()) {\n"
        "  Collection.create({ name: 'StreamingSandbox' })\n"
        "} else {\n"
        "  StreamingSandbox.all().forEach(.delete())\n"
        "}"
    )
    query(server, "Collection.byName('StreamingSandbox')?.delete()")
    assert ok(server, setup)["data"]["@doc"]["name"] == "StreamingSandbox"
    assert ok(server, setup)["data"] is None


def test_an_unbound_name_in_a_streamed_lambda_is_an_error_event(server):
    """fauna-js StreamClient 'catches a QueryRuntimeError when processing an event': the event source
    is made, and the unbound name fails only when an event reaches the lambda."""
    collection(server, "StreamUnbound")
    token = ok(server, "StreamUnbound.all().map((doc) => notARealFn(doc)).toStream()")["data"]["@stream"]
    ok(server, "StreamUnbound.create({ value: 0 })")
    with httpx.Client(base_url=server.url, timeout=WAIT) as client:
        body = json.dumps({"token": token})
        with client.stream("POST", "/stream/1", content=body, headers={"Authorization": "Bearer secret"}) as r:
            assert r.status_code == 200
            events = (json.loads(line) for line in r.iter_lines() if line.strip())
            error = next(e for e in events if e["type"] == "error")
    assert error["error"]["code"] == "unbound_variable"
    assert error["error"]["message"] == "Unbound variable `notARealFn`"
