"""fauna/fauna-go's tests (v10 driver 3.0.2, its `*_test.go` read at its head `439cf69`) replayed against
`fql serve`: the requests the Go driver sends for each (POST /query/1, /stream/1 and /feed/1 with its
headers, `{"query": {"fql": [...]}}` templates with `{"value": ...}` arguments, Go values in the tagged
format) and what each test or subtest asserts of the answer, read as the driver reads it (getErrFauna's
error type by status and code, `txn_ts` as the client's last transaction time, events and feed pages).
Each case names the Go test and subtests it restates. The request bodies were compared with those
fauna-go's own suite sends to `fql serve` (captured on the wire, tokens and cursors aside): the same,
but for the four this file adds (`SillyPants`, the `!` delete and `exists()` after the refused delete,
and ExampleEventFeed_Next's precondition).

The Go tests share the top database (secret `secret`), so collections they make by name are made here
once per module server, as on a new Fauna.

Not replicated, as they never reach a server: TestFQL, TestTemplate_ParseSuccess and _ParseFail (the
template parser), the serializer tests (TestRoundtrip, TestEncoding*, TestDecodingToInterface,
TestComposition, TestMarshalEventSourceStructs), TestGetErrFauna (the status to error type table,
restated in `go_error` below), TestTxnTime, TestLogger, TestNewClient's "default client", "new client
respects env var", "stringify" and "missing secret", TestHeaders' "can use convenience methods" and
"supports empty headers" (clients built, no query sent), and TestEventFeed's "should error when
attempting to use a start time and a cursor" (refused by the driver before any request). Nor
TestClientRetriesWithQueryLimits: it needs a Fauna set up to throttle (`QUERY_LIMITS_DB`,
`QUERY_LIMITS_COLL`), fql has no throughput limits, and the driver skips it without them.

Three differ from the Go tests, as core answers: TestBasicCRUDRequests' "Delete a Collection" and
TestErrorHandling's "service error" end with `Collection.byName(name).delete()`, which core's typer
refuses in a typechecked database (`byName` may be a null named ref, which has no `delete`: the hint is
`!`); and TestErrorHandling's "authorization error" and "invalid query" return before they send
anything (their `if assert.NoError(t, clientErr) { return }`), so what they mean to check is checked as
core answers it: a bad secret is a 401 (ErrAuthentication), and `SillyPants`, an unbound name, is
refused by core's typer (`invalid_query`, ErrQueryCheck), not the runtime error the test names.
ExampleEventFeed_Next passes only once EventFeedTest exists (`go test` runs it after TestEventFeed): its
query makes the collection and names it, and the typer refuses the name on a database without it."""

from __future__ import annotations

import http.client
import json
import re
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import httpx
import pytest
from fauna.encoding import FaunaDecoder
from fauna.query.models import Document, EventSource, Module, NullDocument, Page

import fql
from fql.server import ServerThread
from fql.server.streams import StreamSettings

from .replicas import Events

WAIT = 10.0
#: What NewClient sets for every request (DefaultTimeouts' 5 s query timeout), beside the secret.
HEADERS = {
    "Content-Type": "application/json; charset=utf-8",
    "X-Driver": "go",
    "X-Driver-Env": "driver=go-3.0.2; runtime=go1.19.8 env=Unknown; os=linux",
    "X-Format": "tagged",
    "X-Query-Timeout-Ms": "5000",
}
#: getErrFauna: the error type of each status; a 400's type depends on its code (`bad_request`).
STATUS_ERRORS = {
    409: "ErrContendedTransaction",
    401: "ErrAuthentication",
    403: "ErrAuthorization",
    410: "ErrAuthorization",
    429: "ErrThrottling",
    440: "ErrQueryTimeout",
    500: "ErrServiceInternal",
    503: "ErrServiceTimeout",
}


@pytest.fixture(scope="module")
def server():
    with ServerThread(fql.connect(), streams=StreamSettings(poll_interval=0.02, max_duration=20.0)) as running:
        yield running


class GoError(Exception):
    """A fauna-go error: its Go type's name, the HTTP status and the error's fields, `abort` decoded; a
    400's message has the answer's summary after a newline, as getErrFauna appends it."""

    def __init__(self, kind: str, status: int, error: dict | None, summary: str | None = None):
        error = error or {}
        super().__init__(f"{kind}: {error}")
        self.kind, self.status = kind, status
        self.code, self.message = error.get("code", ""), error.get("message", "")
        if summary is not None:
            self.message += "\n" + summary
        self.abort = FaunaDecoder.decode(error["abort"]) if "abort" in error else None
        self.constraint_failures = error.get("constraint_failures", [])


def bad_request(code: str) -> str:
    if code == "invalid_query":
        return "ErrQueryCheck"
    if code in ("invalid_argument", "constraint_failure"):
        return "ErrQueryRuntime"
    return "ErrAbort" if code == "abort" else "ErrInvalidRequest"


def go_error(status: int, body: dict) -> GoError | None:
    """getErrFauna: the error a non-200 answer is, or None."""
    error = body.get("error")
    if status == 400:
        return GoError(bad_request((error or {}).get("code", "")), status, error, body.get("summary", ""))
    return GoError(STATUS_ERRORS[status], status, error) if status in STATUS_ERRORS else None


class Query(list):
    """A `fauna.FQL` template: its fragments, literal strings and `{"value": ...}` arguments."""


def encode(value):
    """The driver's `encode`: ints as @int (32 bits) or @long, floats as @double, times as @time,
    modules as @mod, a map with a key starting with `@` wrapped in @object."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return {"@int" if -(2**31) <= value < 2**31 else "@long": str(value)}
    if isinstance(value, float):
        return {"@double": repr(value)}
    if isinstance(value, datetime):
        return {"@time": value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")}
    if isinstance(value, Module):
        return {"@mod": value.name}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        found = {k: encode(v) for k, v in value.items()}
        return {"@object": found} if any(k.startswith("@") for k in value) else found
    raise TypeError(value)


def fql_(text: str, **args) -> Query:
    """`fauna.FQL(text, args)`: `${name}` placeholders become arguments, a nested Query its own
    `{"fql": [...]}`; empty literals are left out."""
    fragments = Query()
    for i, part in enumerate(re.split(r"\$\{(\w+)\}", text)):
        if i % 2 == 0:
            if part:
                fragments.append(part)
        elif isinstance(args[part], Query):
            fragments.append({"fql": list(args[part])})
        else:
            fragments.append({"value": encode(args[part])})
    return fragments


class Client:
    """A fauna-go Client: its headers (QueryOptFns write theirs into the same map, as the driver's do),
    `X-Last-Txn-Ts` once a `txn_ts` was seen, the answers decoded as QuerySuccess or a GoError."""

    def __init__(self, url: str, secret: str = "secret", **headers: str):
        self.url, self.secret = url, secret
        self.headers = {**HEADERS, **headers}
        self.last_txn = 0

    def request_headers(self) -> dict:
        found = {**self.headers, "Authorization": f"Bearer {self.secret}"}
        if self.last_txn:
            found["X-Last-Txn-Ts"] = str(self.last_txn)
        return found

    def post(self, path: str, body: dict) -> tuple[int, dict]:
        response = httpx.post(self.url + path, content=json.dumps(body), headers=self.request_headers(), timeout=WAIT)
        return response.status_code, response.json()

    def query(self, query: Query, **headers: str) -> SimpleNamespace:
        self.headers.update(headers)
        status, body = self.post("/query/1", {"query": {"fql": list(query)}})
        self.last_txn = max(self.last_txn, body.get("txn_ts", 0))
        error = go_error(status, body)
        if error is not None:
            raise error
        tags = dict(tag.split("=", 1) for tag in body["query_tags"].split(",")) if body.get("query_tags") else {}
        return SimpleNamespace(
            data=FaunaDecoder.decode(body["data"]),
            stats=body["stats"],
            txn_ts=body["txn_ts"],
            schema_version=body.get("schema_version", 0),
            summary=body.get("summary", ""),
            query_tags=tags,
        )

    def paginate(self, query: Query) -> list[list]:
        """QueryIterator: a Page's data, then `Set.paginate(${after})` (a `{data, after}` map); a value that
        is no page is one page of itself."""
        pages = []
        while query is not None:
            data = self.query(query).data
            if isinstance(data, Page):
                items, after = data.data, data.after
            elif isinstance(data, dict) and "data" in data:
                items, after = data["data"], data.get("after")
            else:
                items, after = [data], None
            pages.append(items)
            query = fql_("Set.paginate(${after})", after=after) if after else None
        return pages

    def event_source(self, query: Query) -> str:
        """StreamFromQuery and FeedFromQuery: the query must answer an EventSource."""
        data = self.query(query).data
        if not isinstance(data, EventSource):
            raise TypeError(f"query should return a fauna.EventSource but got {type(data).__name__}")
        return data.token


class Stream:
    """An EventStream: POST /stream/1 with `{token, start_ts?, cursor?}`, one event after another."""

    def __init__(self, client: Client, token: str, start_ts: int = 0, cursor: str = ""):
        body: dict = {"token": token}
        if start_ts:
            body["start_ts"] = start_ts
        if cursor:
            body["cursor"] = cursor
        self.client = client
        self.conn = http.client.HTTPConnection("127.0.0.1", int(client.url.rsplit(":", 1)[1]), timeout=WAIT)
        self.conn.request("POST", "/stream/1", json.dumps(body), client.request_headers())
        self.response = self.conn.getresponse()
        self.events = Events(self.response)
        if self.response.status != 200:
            found = go_error(self.response.status, json.loads(self.response.read()))
            self.close()
            raise found

    def next(self) -> SimpleNamespace:
        """The next event; an error event raises ErrEvent (its abort decoded)."""
        found = self.events.take(1)
        assert found, "the stream ended"
        (event,) = found
        self.client.last_txn = max(self.client.last_txn, event.get("txn_ts", 0))
        if "error" in event:
            raise GoError("ErrEvent", 200, event["error"])
        data = FaunaDecoder.decode(event["data"]) if "data" in event else None
        return SimpleNamespace(type=event["type"], txn_ts=event["txn_ts"], cursor=event["cursor"], data=data, stats=event["stats"])

    def close(self) -> None:
        self.conn.close()


class Feed:
    """An EventFeed: each Next POSTs /feed/1, first with the options given, then with the last page's
    cursor (and the page size kept)."""

    def __init__(self, client: Client, token: str, **options):
        self.client, self.token, self.options, self.cursor = client, token, options, ""

    def next(self) -> SimpleNamespace:
        body = {"token": self.token, **self.options}
        if self.cursor and "cursor" not in self.options:
            body["cursor"] = self.cursor
        status, page = self.client.post("/feed/1", body)
        error = go_error(status, page)
        if error is not None:
            raise error
        self.cursor = page["cursor"]
        self.options = {k: v for k, v in self.options.items() if k == "page_size"}
        events = [FaunaDecoder.decode(e.get("data")) for e in page["events"]]
        return SimpleNamespace(events=page["events"], data=events, has_next=page["has_next"], cursor=page["cursor"])


@pytest.fixture(scope="module")
def client(server) -> Client:
    return Client(server.url)


def fresh(client: Client, name: str) -> Module:
    """The tests' setup: `Collection.byName(name)?.delete()`, then `Collection.create({ name })`."""
    client.query(fql_("Collection.byName(${coll})?.delete()", coll=name))
    client.query(fql_("Collection.create({ name: ${name} })", name=name))
    return Module(name)


# client_test.go


def test_default_client_string_length_request(client):
    """TestDefaultClient/basic requests/String Length Request: `${arg0}.length` of "foo" is 3; and its
    subtest "response has expected stats headers": compute ops, no retries, reads, writes or storage
    bytes, no processing time."""
    res = client.query(fql_("${arg0}.length", arg0="foo"))
    assert res.data == 3
    stats = res.stats
    assert stats["compute_ops"] > 0 and stats["query_time_ms"] >= 0
    assert stats["contention_retries"] == 0
    assert (stats["read_ops"], stats["write_ops"]) == (0, 0)
    assert (stats["storage_bytes_read"], stats["storage_bytes_write"]) == (0, 0)
    assert "processing_time_ms" not in stats


def test_default_client_query_with_options(client):
    """TestDefaultClient/basic requests/Query with options: `Timeout(time.Second)` sends a 1000 ms limit."""
    res = client.query(fql_("Math.abs(-5.123e3)"), **{"X-Query-Timeout-Ms": "1000"})
    assert res.data == 5123.0 and res.summary == ""


def test_default_client_returns_a_schema_version(client):
    """TestDefaultClient/basic requests/Returns a Schema Version: a query's `schema_version` is the time
    of the last schema write, the collection's create."""
    client.query(fql_("Collection.byName(${coll})?.delete()", coll="SchemaVersionTestCol"))
    created = client.query(fql_("Collection.create({ name: ${name} })", name="SchemaVersionTestCol"))
    res = client.query(fql_("${mod}.all()", mod=Module("SchemaVersionTestCol")))
    assert res.schema_version == created.txn_ts


def test_default_client_paginate_query(client):
    """TestDefaultClient/basic requests/Paginate Query: "a lot of items" (200 documents, each create
    with write ops, read through Paginate in pages whose second item has a non-zero value: "can
    unmarshal pages") and "an incomplete page" (`[1,2,3,4]`, one page of itself)."""
    mod = fresh(client, "PaginationTest")
    for i in range(200):
        assert client.query(fql_("${mod}.create({ value: ${i} })", mod=mod, i=i)).stats["write_ops"] > 0
    pages = client.paginate(fql_("${mod}.all()", mod=mod))
    assert len(pages) > 1 and sum(len(page) for page in pages) == 200
    assert all(page[1]["value"] != 0 for page in pages)
    incomplete = client.paginate(fql_("[1,2,3,4]"))
    assert incomplete == [[[1, 2, 3, 4]]]


def test_new_client_has_transaction_time(server):
    """TestNewClient/has transaction time: 0 before the first query, then its `txn_ts`, unchanged by reading."""
    fresh_client = Client(server.url)
    assert fresh_client.last_txn == 0
    fresh_client.query(fql_("Math.abs(-5.123e3)"))
    first = fresh_client.last_txn
    assert first != 0 and fresh_client.last_txn == first


def test_new_client_custom_http_client(server):
    """TestNewClient/custom HTTP client: the same query through Go's default HTTP client answers."""
    assert Client(server.url).query(fql_("Math.abs(-5.123e3)")).data == 5123.0


def test_basic_crud_requests(client):
    """TestBasicCRUDRequests: create a collection, a Person; find it with `firstWhere`, update its address,
    delete it; then "Delete a Collection", whose `Collection.byName(coll).delete()` core's typer refuses
    (the module docstring): it is ErrQueryCheck, and `!` deletes it."""
    coll = Module("Person_ZkqWmhRtXbLp")
    client.query(fql_("Collection.create({ name: ${name} })", name=coll.name))
    person = {"name": "John Smith", "address": "123 Range Road Houston, TX 77056"}
    client.query(fql_("${coll}.create(${person})", coll=coll, person=person))
    found = client.query(fql_("${coll}.all().firstWhere(.name == ${name})", coll=coll, name="John Smith")).data
    assert isinstance(found, Document)
    assert (found["name"], found["address"]) == (person["name"], person["address"])
    addr = "321 Rainy St Seattle, WA 98011"
    update = "${coll}.all().firstWhere(.name == ${name}).update({address: ${addr}})"
    updated = client.query(fql_(update, coll=coll, name="John Smith", addr=addr)).data
    assert (updated["name"], updated["address"]) == ("John Smith", addr)
    client.query(fql_("${coll}.all().firstWhere(.name == ${name}).delete()", coll=coll, name="John Smith"))
    with pytest.raises(GoError) as refused:
        client.query(fql_("Collection.byName(${coll}).delete()", coll=coll.name))
    assert (refused.value.kind, refused.value.code) == ("ErrQueryCheck", "invalid_query")
    assert "does not have field `delete`" in refused.value.message
    client.query(fql_("Collection.byName(${coll})!.delete()", coll=coll.name))
    assert client.query(fql_("Collection.byName(${coll}).exists()", coll=coll.name)).data is False


@pytest.mark.parametrize(
    "name, header, value, fails",
    [
        ("linearized should be true", "X-Linearized", "true", False),
        ("timeout should be 1m", "X-Query-Timeout-Ms", "60000", False),
        ("max contention retries should be 1", "X-Max-Contention-Retries", "1", False),
        ("should have tags", "X-Query-Tags", "hello=world,what=are%3Dyou%2Cdoing%3F", True),
    ],
)
def test_headers_can_set_headers_directly(server, name, header, value, fails):
    """TestHeaders/can set headers directly: each client option's header, and whether the query answers;
    tags whose value holds `=`, `,` and `?` (URL-encoded by the driver) are refused."""
    go = Client(server.url, **{header: value})
    if not fails:
        assert go.query(fql_("Math.abs(-5.123e3)")).data == 5123.0
        return
    with pytest.raises(GoError) as refused:
        go.query(fql_("Math.abs(-5.123e3)"))
    assert (refused.value.kind, refused.value.code) == ("ErrInvalidRequest", "invalid_request")


def test_headers_can_set_headers_on_query(server):
    """TestHeaders/can set headers on Query: `Tags` merged into the client's (`hero=Wolverine,team=X_Men`),
    then `Traceparent("query-traceparent-id")`, a value that is no W3C traceparent: both answer."""
    go = Client(server.url, **{"X-Query-Tags": "hero=Cyclops,team=X_Men"})
    assert go.query(fql_("Math.abs(-5.123e3)"), **{"X-Query-Tags": "hero=Wolverine,team=X_Men"}).query_tags == {
        "hero": "Wolverine",
        "team": "X_Men",
    }
    assert go.query(fql_("Math.abs(-5.123e3)"), Traceparent="query-traceparent-id").data == 5123.0


def test_query_tags(client):
    """TestQueryTags: the answer's `query_tags` are the tags sent."""
    tags = {"hello": "world", "what": "areyoudoing"}
    res = client.query(fql_("Math.abs(-5.123e3)"), **{"X-Query-Tags": "hello=world,what=areyoudoing"})
    assert res.query_tags == tags


def test_error_handling_authorization_error(server):
    """TestErrorHandling/authorization error (what it means to check; the module docstring): a secret
    Fauna does not know is a 401, ErrAuthentication."""
    with pytest.raises(GoError) as refused:
        Client(server.url, secret="I'm a little teapot").query(fql_("Math.abs(-5.123e3)"))
    assert (refused.value.kind, refused.value.status, refused.value.code) == ("ErrAuthentication", 401, "unauthorized")


def test_error_handling_invalid_query(client):
    """TestErrorHandling/invalid query (what it means to check): `SillyPants` is an unbound name, which
    core's typer refuses before the query runs: ErrQueryCheck."""
    with pytest.raises(GoError) as refused:
        client.query(fql_("SillyPants"))
    assert (refused.value.kind, refused.value.code) == ("ErrQueryCheck", "invalid_query")


def test_error_handling_service_error(client):
    """TestErrorHandling/service error: a second `Collection.create` of "testing" is ErrQueryRuntime;
    "returns a NullDoc": `testing.byId('123')` is a NullDocument; the closing `byName(...).delete()` is
    refused by core's typer (the module docstring)."""
    client.query(fql_("Collection.create({ name: ${arg1} })", arg1="testing"))
    with pytest.raises(GoError) as refused:
        client.query(fql_("Collection.create({ name: ${arg1} })", arg1="testing"))
    assert (refused.value.kind, refused.value.code) == ("ErrQueryRuntime", "constraint_failure")
    assert isinstance(client.query(fql_("${coll}.byId('123')", coll=Module("testing"))).data, NullDocument)
    with pytest.raises(GoError) as typed:
        client.query(fql_("Collection.byName(${arg1}).delete()", arg1="testing"))
    assert typed.value.kind == "ErrQueryCheck"


# error_test.go


def test_err_abort(client):
    """TestErrAbort: "abort field can have value" (`abort("foo")`: ErrAbort, code abort, abort "foo"), and
    "ErrAbort handles object and allows unmarshalling" (its time to the microsecond)."""
    with pytest.raises(GoError) as aborted:
        client.query(fql_('abort("foo")'))
    assert (aborted.value.kind, aborted.value.code, aborted.value.abort) == ("ErrAbort", "abort", "foo")
    text = 'abort({ msg: "abrasive message", aborted_at: Time("2023-02-28T18:10:10.00001Z")})'
    with pytest.raises(GoError) as aborted:
        client.query(fql_(text))
    assert aborted.value.code == "abort"
    assert aborted.value.abort == {
        "msg": "abrasive message",
        "aborted_at": datetime(2023, 2, 28, 18, 10, 10, 10, tzinfo=timezone.utc),
    }


def test_err_constraint(client):
    """TestErrConstraint/constraint failures get decoded: a second `Function.create` of "double" is
    ErrQueryRuntime with one constraint failure that has a message."""
    query = fql_('Function.create({"name": "double", "body": "x => x * 2"})')
    client.query(query)
    with pytest.raises(GoError) as refused:
        client.query(query)
    assert refused.value.kind == "ErrQueryRuntime"
    assert len(refused.value.constraint_failures) == 1 and refused.value.constraint_failures[0]["message"]


# logging_slog_test.go (Go 1.21 and later) and logging_log_test.go (before)


@pytest.mark.parametrize(
    "name",
    [
        "TestSlogLogger/should be able to use the default logger",
        "TestSlogLogger/no output with warn level",
        "TestSlogLogger/should be able to provide a custom logger",
        "TestLogLogger/should be able to provide a custom logger",
    ],
)
def test_logger(server, name):
    """TestSlogLogger and TestLogLogger: with each logger (what it prints is the client's), `42` answers
    the Int 42."""
    assert Client(server.url).query(fql_("42")).data == 42


# client_example_test.go and event_feed_example_test.go


@pytest.mark.parametrize(
    "name, query, printed",
    [
        ("ExampleNewDefaultClient", fql_("Math.abs(12e5)"), "1200000"),
        ("ExampleNewClient", fql_("Math.abs(12e5)"), "1200000"),
        ("ExampleFQL", fql_("2 + 2"), "4"),
        ("ExampleFQL_arguments", fql_("${num} + 2", num=2), "4"),
        ("ExampleFQL_structs", fql_('${obj}["value"] + 2', obj={"value": 2}), "4"),
        ("ExampleFQL_unmarshal", fql_('{"value": 4}'), "{Value:4}"),
        (
            "ExampleFQL_composed",
            fql_("${multiplier} * ${value}", value=fql_('${obj}["value"]', obj={"value": 4}), multiplier=4),
            "16",
        ),
    ],
)
def test_examples(client, name, query, printed):
    """Each example's query and its `// Output:` as Go prints the answer (`%0.f` of a float32, `%d` of an
    int, `%+v` of a struct); ExampleFQL_composed sends `X-Typecheck: true` and a nested Query."""
    headers = {"X-Typecheck": "true"} if name == "ExampleFQL_composed" else {}
    data = Client(client.url).query(query, **headers).data
    if isinstance(data, float):
        assert f"{data:.0f}" == printed
    elif isinstance(data, dict):
        assert f"{{Value:{data['value']}}}" == printed
    else:
        assert isinstance(data, int) and str(data) == printed


def test_example_client_paginate(client):
    """ExampleClient_Paginate: 20 documents through Paginate, `// Output: 20`."""
    mod = fresh(client, "pagination_sandbox")
    for i in range(20):
        client.query(fql_("${mod}.create({ value: ${i} })", mod=mod, i=i))
    assert sum(len(page) for page in client.paginate(fql_("${mod}.all()", mod=mod))) == 20


SANDBOX_SETUP = """
		if (!Collection.byName('StreamingSandbox').exists()) {
			Collection.create({ name: 'StreamingSandbox' })
        } else {
			StreamingSandbox.all().forEach(.delete())
        }
	"""
SANDBOX_WRITES = [
    "StreamingSandbox.create({ foo: 'bar' })",
    "StreamingSandbox.all().forEach(.update({ foo: 'baz' }))",
    "StreamingSandbox.all().forEach(.delete())",
]


@pytest.mark.parametrize("name", ["ExampleClient_StreamFromQuery", "ExampleClient_Stream"])
def test_example_client_stream(client, name):
    """ExampleClient_StreamFromQuery and ExampleClient_Stream (run twice, as `go test` runs both, the
    second setup taking the `else`): three writes while the stream is open print add bar, update baz,
    remove baz."""
    client.query(fql_(SANDBOX_SETUP))
    stream = Stream(client, client.event_source(fql_("StreamingSandbox.all().eventSource()")))
    try:
        for text in SANDBOX_WRITES:
            client.query(fql_(text))
        printed = []
        while len(printed) < 3:
            event = stream.next()
            if event.type in ("add", "update", "remove"):
                printed.append(f"Event: {event.type} Data: {{Foo:{event.data['foo']}}}")
    finally:
        stream.close()
    assert printed == ["Event: add Data: {Foo:bar}", "Event: update Data: {Foo:baz}", "Event: remove Data: {Foo:baz}"]


def test_example_event_feed_next(client):
    """ExampleEventFeed_Next: one query remakes EventFeedTest and answers its event source; after one
    create, the feed's pages print `add`. `go test` runs it after TestEventFeed, which left EventFeedTest:
    on a database without it, the query's last line names a collection only the query makes, an unbound
    name core's typer refuses, and so does fql (checked first)."""
    setup = 'Collection.byName("EventFeedTest")?.delete()\nCollection.create({ name: "EventFeedTest" })\nEventFeedTest.all().eventSource()'
    client.query(fql_('Collection.byName("EventFeedTest")?.delete()'))
    with pytest.raises(GoError) as refused:
        client.query(fql_(setup))
    assert refused.value.kind == "ErrQueryCheck" and "Unbound variable `EventFeedTest`" in refused.value.message
    reset_collection(client)
    feed = Feed(client, client.event_source(fql_(setup)))
    client.query(fql_("EventFeedTest.create({ foo: 'bar' })"))
    printed = []
    while True:
        page = feed.next()
        printed += [event["type"] for event in page.events]
        if not page.has_next:
            break
    assert printed == ["add"]


# stream_test.go


@pytest.fixture(scope="module")
def streaming_test(client):
    """TestStreaming's setup, one query: StreamingTest deleted if there, then made."""
    client.query(fql_("\n\t\tCollection.byName('StreamingTest')?.delete()\n\t\tCollection.create({ name: 'StreamingTest' })\n\t"))


def test_streaming_single_step(client, streaming_test):
    """TestStreaming/single-step streaming: "StreamFromQuery events" (a status event with processing time)
    and "Fails on non-streamable values" (a string is no EventSource: nothing is streamed)."""
    stream = Stream(client, client.event_source(fql_("StreamingTest.all().eventSource()")))
    try:
        event = stream.next()
    finally:
        stream.close()
    assert event.type == "status" and event.stats["processing_time_ms"] is not None
    with pytest.raises(TypeError, match="query should return a fauna.EventSource but got str"):
        client.event_source(fql_("\"I'm a string\""))


def test_streaming_multi_step_stream_from_query_events(client, streaming_test):
    """TestStreaming/multi-step streaming/StreamFromQuery events: the token from a query, then a status
    event, and an add whose data unmarshals to foo "bar"."""
    token = client.query(fql_("StreamingTest.all().eventSource()")).data.token
    stream = Stream(client, token)
    try:
        assert stream.next().type == "status"
        client.query(fql_("StreamingTest.create({ foo: 'bar' })"))
        event = stream.next()
    finally:
        stream.close()
    assert event.type == "add" and event.data["foo"] == "bar"


def test_streaming_handle_subscription_errors(client, streaming_test):
    """TestStreaming/multi-step streaming/Handle subscription errors: a token that is none is ErrInvalidRequest."""
    with pytest.raises(GoError) as refused:
        Stream(client, "abc1234==")
    assert (refused.value.kind, refused.value.status) == ("ErrInvalidRequest", 400)


def test_streaming_handle_error_events(client, streaming_test):
    """TestStreaming/multi-step streaming/Handle error events: a create under `map(doc => abort('oops'))`
    is an error event: ErrEvent, code abort, "Query aborted.", its abort "oops"."""
    token = client.query(fql_("StreamingTest.all().map(doc => abort('oops')).eventSource()")).data.token
    stream = Stream(client, token)
    try:
        assert stream.next().type == "status"
        client.query(fql_("StreamingTest.create({ foo: 'bar' })"))
        with pytest.raises(GoError) as failed:
            stream.next()
    finally:
        stream.close()
    assert (failed.value.kind, failed.value.code, failed.value.message) == ("ErrEvent", "abort", "Query aborted.")
    assert failed.value.abort == "oops"


def test_streaming_resume_at_a_start_time(client, streaming_test):
    """TestStreaming/multi-step streaming/Resume a stream at a given start time: opened at the first
    create's time, the status event is at or after it and the next event is the second create's add."""
    token = client.query(fql_("StreamingTest.all().eventSource()")).data.token
    foo = client.query(fql_("StreamingTest.create({ foo: 'foo' })"))
    bar = client.query(fql_("StreamingTest.create({ foo: 'bar' })"))
    stream = Stream(client, token, start_ts=foo.txn_ts)
    try:
        status, added = stream.next(), stream.next()
    finally:
        stream.close()
    assert status.type == "status" and status.txn_ts >= foo.txn_ts
    assert (added.type, added.txn_ts) == ("add", bar.txn_ts)


def test_streaming_resume_at_an_event_cursor(client, streaming_test):
    """TestStreaming/multi-step streaming/Resume a stream at a given event cursor: the first add's cursor
    reopens the stream at a status event no later than it, then the second add."""
    token = client.query(fql_("StreamingTest.all().eventSource()")).data.token
    stream = Stream(client, token)
    try:
        foo = client.query(fql_("StreamingTest.create({ foo: 'foo' })"))
        bar = client.query(fql_("StreamingTest.create({ foo: 'bar' })"))
        assert stream.next().type == "status"
        added = stream.next()
    finally:
        stream.close()
    assert (added.type, added.txn_ts) == ("add", foo.txn_ts)
    stream = Stream(client, token, cursor=added.cursor)
    try:
        status, next_add = stream.next(), stream.next()
    finally:
        stream.close()
    assert status.type == "status" and foo.txn_ts >= status.txn_ts
    assert (next_add.type, next_add.txn_ts) == ("add", bar.txn_ts)


# event_feed_test.go


def reset_collection(client: Client) -> None:
    client.query(fql_('Collection.byName("EventFeedTest")?.delete()\nCollection.create({ name: "EventFeedTest" })'))


def event_source(client: Client) -> str:
    token = client.query(fql_("EventFeedTest.all().eventSource()")).data.token
    assert token
    return token


def create_one(client: Client, feed: Feed | None = None) -> None:
    """createOne: one document; a feed given reads it as a page of one event."""
    client.query(fql_("EventFeedTest.create({ foo: 'bar' })"))
    if feed is not None:
        assert len(feed.next().events) == 1


def create_multiple_docs(client: Client, start: int, end: int) -> None:
    client.query(fql_("Set.sequence(${start}, ${end}).forEach(n => EventFeedTest.create({ n: n }))", start=start, end=end))


def test_event_feed_returns_errors_correctly(client):
    """TestEventFeed/returns errors correctly: "should error when the query doesn't return an event source"
    (`42` is an int) and "should allow passing a cursor with a query" (the feed is made; its cursor is
    sent only by Next)."""
    reset_collection(client)
    with pytest.raises(TypeError, match="query should return a fauna.EventSource but got int"):
        client.event_source(fql_("42"))
    assert Feed(client, client.event_source(fql_("EventFeedTest.all().eventSource()")), cursor="cursor")


@pytest.mark.parametrize("name", ["can use event feeds from a query", "get events from an EventSource"])
def test_event_feed_pages(client, name):
    """TestEventFeed/can use event feeds from a query and /can get events from EventSource (its "can get
    an EventSource" too): one create read as a page of one, then 15 creates as the next page of 15."""
    reset_collection(client)
    if name.startswith("can use"):
        feed = Feed(client, client.event_source(fql_("EventFeedTest.all().eventSource()")))
    else:
        feed = Feed(client, event_source(client))
    create_one(client, feed)
    create_multiple_docs(client, 5, 20)
    assert len(feed.next().events) == 15


def test_event_feed_can_get_events_from_history(client):
    """TestEventFeed/can get events from history: a document made before the event source is no event of
    its feed; with a start time ten minutes back it is one, and the next page is empty."""
    reset_collection(client)
    create_one(client)
    assert Feed(client, event_source(client)).next().events == []
    start = int((datetime.now(timezone.utc) - timedelta(minutes=10)).timestamp() * 1_000_000)
    feed = Feed(client, event_source(client), start_ts=start)
    assert len(feed.next().events) == 1
    assert feed.next().events == []


def test_event_feed_can_use_page_size(client):
    """TestEventFeed/can use page size: pages of 3 (after the one-event page createOne reads) until
    `has_next` is false, 15 events in all, every page but the last full."""
    reset_collection(client)
    feed = Feed(client, event_source(client), page_size=3)
    create_one(client, feed)
    create_multiple_docs(client, 5, 20)
    seen, paginated = 0, False
    while True:
        page = feed.next()
        seen += len(page.events)
        if not page.has_next:
            break
        paginated = True
        assert len(page.events) == 3
    assert paginated and seen == 15


def test_event_feed_can_unmarshall_events(client):
    """TestEventFeed/can unmarshall events: three creates, read back as foo bar, baz, bak."""
    reset_collection(client)
    feed = Feed(client, client.event_source(fql_("EventFeedTest.all().eventSource()")))
    for v in ("bar", "baz", "bak"):
        client.query(fql_("EventFeedTest.create({ foo: ${v} })", v=v))
    found = []
    while True:
        page = feed.next()
        found += [event["foo"] for event in page.data]
        if not page.has_next:
            break
    assert found == ["bar", "baz", "bak"]
