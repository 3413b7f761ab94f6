"""fauna-dotnet's integration tests (Fauna.Test: IntegrationTests, E2EErrorHandlingTest, E2ELinqTest,
ServiceExceptionTests, Linq QueryTests) replayed against `fql serve`: the request the v10 C# driver sends
for each (its headers, `{"query": {"fql": [...]}}` with `{"value": ...}` arguments, event source bodies),
and what each NUnit test asserts of the answer.

The LINQ tests send the FQL the driver's LINQ provider writes (Fauna/Linq/QuerySourceDsl.cs,
SubQuerySwitch.cs, IntermediateQueryHelpers.cs): `a => a.Name == "Alice"` is `a =>((a.name==<value>))`,
`First()` wraps its set in an `abort(['empty'])` block, `Single()` in an `abort(['not single'])` one."""

from __future__ import annotations

import gzip
import json
import threading
import time

import httpx
import pytest
from fauna.encoding import FaunaDecoder
from fauna.query.models import Document, NullDocument, Page

import fql
from fql.server import ServerThread
from fql.server.streams import StreamSettings

WAIT = 10.0
#: What the driver's Client.GetRequestHeaders and Connection.CreateHttpRequest send with every request.
HEADERS = {
    "X-Format": "tagged",
    "X-Driver": "C#",
    "X-Query-Timeout-Ms": "5000",
    "Accept": "application/json",
    "Accept-Encoding": "gzip",
}


@pytest.fixture(scope="module")
def server():
    with ServerThread(fql.connect(), streams=StreamSettings(poll_interval=0.02, max_duration=20.0)) as running:
        yield running


class Client:
    """The C# Client's requests: POST /query/1, /stream/1 and /feed/1 with its headers."""

    def __init__(self, url: str, secret: str = "secret"):
        self.url, self.secret = url, secret

    def post(self, path: str, body: dict) -> tuple[int, dict]:
        headers = {**HEADERS, "Authorization": f"Bearer {self.secret}"}
        response = httpx.post(self.url + path, content=json.dumps(body), headers=headers, timeout=WAIT)
        data = response.content
        if response.headers.get("content-encoding") == "gzip" and data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        return response.status_code, json.loads(data)

    def answer(self, *fragments) -> tuple[int, dict]:
        """The status and body of a query written as FQL($"..."): strings are literals, dicts are
        `{"value": ...}`, `{"fql": ...}`, `{"array": ...}` or `{"object": ...}` fragments."""
        return self.post("/query/1", {"query": {"fql": list(fragments)}})

    def body(self, *fragments) -> dict:
        status, body = self.answer(*fragments)
        assert status == 200, body
        return body

    def data(self, *fragments):
        return FaunaDecoder.decode(self.body(*fragments)["data"])

    def paginate(self, *fragments) -> list[Page]:
        """IClient.PaginateAsync: the query's page, then `Set.paginate('<after>')` (a `{data, after}`
        struct) until there is no `after`."""
        pages = [self.data(*fragments)]
        while pages[-1].after:
            found = self.data(f"Set.paginate('{pages[-1].after}')")
            pages.append(Page(found["data"], found.get("after")))
        return pages


@pytest.fixture(scope="module")
def client(server):
    return Client(server.url)


def value(v) -> dict:
    """A QueryVal: an argument, in the tagged format."""
    return {"value": v}


def int_(n: int) -> dict:
    return {"@int": str(n)}


# -- IntegrationTests ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def embedded_set(client):
    """Fixtures.EmbeddedSetDb: EmbeddedSet with 100 documents."""
    client.body("Collection.byName('EmbeddedSet')?.delete()")
    client.body("Collection.create({name: 'EmbeddedSet'})")
    client.body("Set.sequence(0,100).forEach(i => EmbeddedSet.create({num: i}))")


def test_user_defined_object(client):
    """UserDefinedObjectTest: a POCO argument comes back field for field."""
    person = {"first_name": "Georgia", "last_name": "O'Keeffe", "age": int_(136)}
    assert client.body(value(person))["data"] == person


@pytest.mark.parametrize(
    "name, fragments, sizes",
    [
        ("Paginate_SinglePageWithSmallCollection", ["[1,2,3,4,5,6,7,8,9,10].toSet();"], [10]),
        ("Paginate_MultiplePagesWithCollection", ["[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20].toSet()"], [16, 4]),
        (
            "Paginate_MultiplePagesWithPocoCollection",
            [
                value([{"first_name": f"FirstName{i}", "last_name": f"LastName{i}", "age": int_(i)} for i in range(1, 101)]),
                ".toSet()",
            ],
            [16] * 6 + [4],
        ),
    ],
)
def test_paginate(client, name, fragments, sizes):
    """Paginate_*: a set's pages of 16 (Paginate_IteratorCanBeFlattened counts the same 100 items)."""
    assert [len(page.data) for page in client.paginate(*fragments)] == sizes


def test_query_templates(client):
    """ValidateQueryArray, ValidateQueryArrayWithQueryVal, ValidateQueryObject: QueryArr and QueryObj
    fragments are evaluated; ValidateUnwrappedListOfQueriesError / MapOfQueriesError: a List or Dictionary
    of queries is a value, so its queries come back as `{fql: [...]}` objects, not as their results."""
    three = [{"fql": ["4 + 2"]}, {"fql": ["5 + 2"]}, {"fql": ["6 + 2"]}]
    assert client.data({"array": three}) == [6, 7, 8]
    assert client.data({"array": [value(int_(6)), *three[1:]]}) == [6, 7, 8]
    assert client.data({"object": {"six": three[0], "seven": three[1], "eight": three[2]}}) == {"six": 6, "seven": 7, "eight": 8}
    assert client.data(value(three)) == [{"fql": ["4 + 2"]}, {"fql": ["5 + 2"]}, {"fql": ["6 + 2"]}]
    assert client.data(value({"six": three[0]})) == {"six": {"fql": ["4 + 2"]}}


def test_embedded_set(client, embedded_set):
    """Paginate_EmbeddedSet / EmbeddedSetFlattened: `{ set: EmbeddedSet.all() }` holds a page whose cursor
    reads 100 documents in 7 pages; StatsCollector: each page bills read ops and storage bytes read."""
    first = client.body("{ set: EmbeddedSet.all() }")
    page = FaunaDecoder.decode(first["data"])["set"]
    counts, stats = [len(page.data)], []
    while page.after:
        body = client.body(f"Set.paginate('{page.after}')")
        page = Page(**FaunaDecoder.decode(body["data"]))
        counts.append(len(page.data))
        stats.append(body["stats"])
    assert sum(counts) == 100 and len(counts) == 7
    assert all(s["read_ops"] > 0 and s["storage_bytes_read"] > 0 for s in stats)


def test_named_refs_and_collections(client, embedded_set):
    """NullNamedDocument: `Collection.byName('Fake')` is a null named document, not found; CollectionAll:
    `Collection.all()` is a page with data; NullableStatsCollector: `4+5`."""
    fake = client.data("Collection.byName('Fake')")
    assert isinstance(fake, NullDocument) and fake.cause == "not found"
    assert fake.ref.name == "Fake" and fake.ref.coll.name == "Collection"
    collections = client.data("Collection.all()")
    assert isinstance(collections, Page) and len(collections.data) > 0
    assert client.body("4+5")["data"] == int_(9)


def test_bytes_across_the_wire(client):
    """ValidateBytesAcrossTheWire: a byte[] argument checked as Bytes, and a null one as Bytes | Null."""
    body = client.body("let x:Bytes = ", value({"@bytes": "RmF1bmE="}), "; let y:Bytes|Null = ", value(None), "; [x,y]")
    assert body["data"] == [{"@bytes": "RmF1bmE="}, None]


@pytest.fixture
def sandbox(client):
    """Fixtures.StreamingSandboxSetup, before each stream and feed test: StreamingSandbox made again."""
    client.body("Collection.byName('StreamingSandbox')?.delete()")
    client.body("Collection.create({name: 'StreamingSandbox'})")


def source(client: Client) -> str:
    return client.data("StreamingSandbox.all().eventSource()").token


def open_stream(client: Client, body: dict):
    """Connection.OpenStream: POST /stream/1 with the event source's JSON, read line by line."""
    http = httpx.Client(base_url=client.url, timeout=WAIT)
    headers = {**HEADERS, "Authorization": f"Bearer {client.secret}"}
    context = http.stream("POST", "/stream/1", content=json.dumps(body), headers=headers)
    return http, context


def read_events(client: Client, body: dict, n: int, during=lambda: None) -> list[dict]:
    http, context = open_stream(client, body)
    found: list[dict] = []
    with http, context as response:
        assert response.status_code == 200
        lines = response.iter_lines()
        for line in lines:
            if line.strip():
                found.append(json.loads(line))
                break
        worker = threading.Thread(target=during)
        worker.start()
        for line in lines:
            if line.strip():
                found.append(json.loads(line))
            if len(found) >= n:
                break
        worker.join()
    return found


SANDBOX_WRITES = [
    "StreamingSandbox.create({ foo: 'bar' })",
    "StreamingSandbox.all().forEach(.update({ foo: 'baz' }))",
    "StreamingSandbox.all().forEach(.delete())",
]


def write_sandbox(client: Client):
    def run():
        for text in SANDBOX_WRITES:
            time.sleep(0.1)
            client.body(text)

    return run


def test_stream_events(client, sandbox):
    """CanReadEventsFomStream: a status event, then add (foo bar), update and remove (foo baz), each with a
    cursor and read ops; CanResumeStreamWithStreamOptions: the token and the status event's cursor reopen
    the stream at the three events after it; CanOpenStreamWithEventSource."""
    token = source(client)
    found = read_events(client, {"token": token}, 4, write_sandbox(client))
    assert [e["type"] for e in found] == ["status", "add", "update", "remove"]
    for event in found:
        assert event["cursor"] and event["stats"]["read_ops"] > 0, event
    assert [e["data"]["@doc"]["foo"] for e in found[1:]] == ["bar", "baz", "baz"]
    resumed = read_events(client, {"token": token, "cursor": found[0]["cursor"]}, 4)
    assert [e["type"] for e in resumed] == ["status", "add", "update", "remove"]
    assert all(e["cursor"] for e in resumed)


def test_stream_with_a_bad_token(client, sandbox):
    """StreamThrowsWithBadRequest: StreamOptions("fake", "abc1234==") is a 400 Bad Request."""
    http, context = open_stream(client, {"token": "fake", "cursor": "abc1234=="})
    with http, context as response:
        response.read()
        assert response.status_code == 400 and response.reason_phrase == "Bad Request"


def feed(client: Client, body: dict) -> dict:
    status, page = client.post("/feed/1", body)
    assert status == 200, page
    return page


def feed_pages(client: Client, body: dict) -> list[dict]:
    """FeedEnumerable: pages until one says it has no next, each from the last one's cursor."""
    pages = [feed(client, body)]
    while pages[-1]["has_next"]:
        pages.append(feed(client, {**{k: v for k, v in body.items() if k != "start_ts"}, "cursor": pages[-1]["cursor"]}))
    return pages


def test_feed_with_query(client, sandbox):
    """CanOpenFeedWithQuery / CanOpenFeedWithEventSource: a first page with a cursor and no events; after a
    create, one page with its add event and read ops; then an empty page with a new cursor."""
    token = source(client)
    first = feed(client, {"token": token})
    assert first["cursor"] and first["events"] == [] and not first["has_next"]
    client.body("StreamingSandbox.create({ foo: 'bar' })")
    pages = feed_pages(client, {"token": token, "cursor": first["cursor"]})
    for page in pages:
        assert page["cursor"] and page["stats"]["read_ops"] > 0
        assert [e["type"] for e in page["events"]] == ["add"]
    again = feed(client, {"token": token, "cursor": pages[-1]["cursor"]})
    assert again["events"] == [] and again["cursor"] != pages[-1]["cursor"]


def test_feed_page_size(client, sandbox):
    """CanUseFeedOptionsPageSize: 15 creates after the source is made are 5 pages of 3 (CanUseFeedOptionsStartTs,
    from 5 minutes ago, is test_v10_driver_assertions.py's test of a collection made again)."""
    token = source(client)
    client.body("Set.sequence(", value(int_(5)), ", ", value(int_(20)), ").forEach(n => StreamingSandbox.create({ n: n }))")
    pages = feed_pages(client, {"token": token, "page_size": 3})
    assert [len(page["events"]) for page in pages] == [3] * 5
    # CanUseFeedOptionsStartTs reads each page's first event's Stats.ProcessingTimeMs (core's Event.Metrics).
    assert all(isinstance(page["events"][0]["stats"]["processing_time_ms"], int) for page in pages)


def test_feed_cursor_and_start_errors(client, sandbox):
    """CanUseCursorWithQuery (a feed opened with cursor "abc1234==", not read); ThrowsWhenQueryDoesntReturnEventSource
    (`42` is not an event source); ThrowsWhenStartTsIsTooOld: a feed from a year ago reads an error event
    saying the start time is too far in the past."""
    assert source(client)
    assert client.body("42")["data"] == int_(42)
    a_year_ago = int((time.time() - 365 * 86400) * 1_000_000)
    page = feed(client, {"token": source(client), "start_ts": a_year_ago})
    [error] = [e for e in page["events"] if e["type"] == "error"]
    assert "is too far in the past" in error["error"]["message"]


# -- E2EErrorHandlingTest -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def e2e_errors(client):
    client.body("Collection.byName('E2EErrorHandling')?.delete()")
    client.body(
        "Collection.create({name: 'E2EErrorHandling', fields: {'name': {signature: 'String'},'quantity': "
        "{signature: 'Int', default: '0'}}, constraints: [{unique: ['name']},{check:{name: 'posQuantity', "
        "body: '(doc) => doc.quantity >= 0' }}]})"
    )


def message(body: dict, status: str = "BadRequest") -> str:
    """How ExceptionHandler.FromQueryFailure words an answer: `<status> (<code>): <message>`, then
    `\\n---\\n<summary>` when the summary is not empty."""
    error, summary = body["error"], body.get("summary")
    return f"{status} ({error['code']}): {error['message']}" + (f"\n---\n{summary}" if summary else "")


def test_unique_constraint(client, e2e_errors):
    """FailsOnUniqueConstraintTest: the second 'cheese' fails its unique constraint."""
    client.body("E2EErrorHandling.create({name: 'cheese', quantity: 1})")
    status, body = client.answer("E2EErrorHandling.create({name: 'cheese', quantity: 1})")
    assert status == 400
    assert message(body) == (
        "BadRequest (constraint_failure): Failed unique constraint.\n---\nerror: Failed unique constraint.\n"
        "constraint failures:\n  name: Failed unique constraint\nat *query*:1:24\n  |\n"
        "1 | E2EErrorHandling.create({name: 'cheese', quantity: 1})\n"
        "  |                        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  |"
    )
    [failure] = body["error"]["constraint_failures"]
    assert failure["message"] == "Failed unique constraint" and "name" not in failure
    assert len(failure["paths"]) == 1 and len(failure["paths"][0]) == 1


def test_constraint_failure_path_with_an_index(client):
    """FailsWithIntegerConstraintFailurePath: the path of `$$$` in a unique constraint has an index in it."""
    status, body = client.answer('Collection.create({name: "Foo", constraints: [{unique: ["$$$"] }]})')
    assert status == 400
    assert message(body) == (
        "BadRequest (constraint_failure): Failed to create Collection.\n---\nerror: Failed to create Collection.\n"
        "constraint failures:\n  constraints[0].unique: Value `$$$` is not a valid FQL path expression.\n"
        "at *query*:1:18\n  |\n"
        '1 | Collection.create({name: "Foo", constraints: [{unique: ["$$$"] }]})\n'
        "  |                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  |"
    )
    [failure] = body["error"]["constraint_failures"]
    assert failure["message"] == "Value `$$$` is not a valid FQL path expression." and "name" not in failure
    assert failure["paths"] == [["constraints", 0, "unique"]]


# -- ServiceExceptionTests ----------------------------------------------------------------------------------


def test_service_exceptions(client, server):
    """AbortException_WithPOCO / _Default / _Null / _EmptyString, UnauthorizedException_Basic,
    QueryCheckException_Basic: the code, message, summary, abort value and compute ops."""
    status, body = client.answer("abort({name: 'special'})")
    assert status == 400 and message(body) == (
        "BadRequest (abort): Query aborted.\n---\nerror: Query aborted.\nat *query*:1:6\n  |\n"
        "1 | abort({name: 'special'})\n  |      ^^^^^^^^^^^^^^^^^^^\n  |"
    )
    assert body["error"]["abort"] == {"name": "special"} and body["stats"]["compute_ops"] == 1
    assert body.get("query_tags", {}) == {}
    assert client.answer("abort(null)")[1]["error"]["abort"] is None
    assert client.answer("abort('')")[1]["error"]["abort"] == ""
    status, body = Client(server.url, "invalid").answer("42")
    assert status == 401 and message(body, "Unauthorized") == "Unauthorized (unauthorized): Access token required"
    assert body.get("stats", {}).get("compute_ops", 0) == 0
    status, body = client.answer('"bad query')
    assert status == 400 and message(body) == (
        "BadRequest (invalid_query): The query failed 1 validation check\n---\nerror: Unexpected end of query. "
        'Expected statement or expression\nat *query*:1:1\n  |\n1 | "bad query\n  | ^\n  |'
    )
    assert body["stats"]["compute_ops"] == 1


# -- Linq QueryTests and E2ELinqTest -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def authors(client):
    """Fixtures.AuthorDb: Author (indexed byName) with Alice and Bob, Book, and four functions."""
    for name in ["Collection.byName('Author')", "Collection.byName('Book')"] + [
        f"Function.byName('{f}')" for f in ["SayHello", "SayHelloArray", "GetAuthors", "Add2"]
    ]:
        client.body(f"{name}?.delete()")
    client.body("Collection.create({\n    name: 'Author',\n    indexes: {\n        byName: {\n            terms: [{ field: '.name' }]\n        }\n    }\n})")
    client.body("Author.create({name: 'Alice', age: 32, subscribers: 10000000, score: 91.3 })")
    client.body("Author.create({name: 'Bob', age: 26, subscribers: 300000000, score: 83.5 })")
    client.body("Collection.create({\n    name: 'Book'\n})")
    client.body("Function.create({name: 'SayHello', body: '() => \"Hello!\"'})")
    client.body("Function.create({name: 'SayHelloArray', body: '() => [SayHello(), SayHello()]'})")
    client.body("Function.create({name: 'GetAuthors', body: '() => Author.all()'})")
    client.body("Function.create({name: 'Add2', body: '(t) => t + 2'})")


def abort_if_empty(*fragments) -> list:
    """QuerySource.AbortIfEmpty: the set in a block that aborts with ['empty'] when it has nothing."""
    return ["({ let s = (", *fragments, ")\n            if (s.isEmpty()) abort(['empty'])\n            s\n        })"]


def singularize(*fragments) -> list:
    """QuerySource.Singularize: the set as an array of at most one, aborting with ['not single']."""
    return [
        "({\n          let s = (",
        *fragments,
        ")\n          let s = if (s isa Set) s.toArray() else s\n          if (s isa Array) {\n"
        "            if (s.length > 1) abort(['not single'])\n            s.take(1)\n          } else {\n"
        "            [s]\n          }\n        })",
    ]


def where(param: str, field: str, v) -> list:
    """`.where(x => x.Field == v)` as SubQuerySwitch writes it."""
    return [f".where({param} =>(({param}.{field}==", value(v), ")))"]


ALICE, BOB, NOBODY = where("a", "name", "Alice"), where("a", "name", "Bob"), where("a", "name", "No name")


def names(result) -> list:
    items = result.data if isinstance(result, Page) else result
    return [doc["name"] for doc in items]


def page_data(client: Client, *fragments) -> list:
    """A query-mode pipeline's result: every page's data, in order."""
    return [item for page in client.paginate(*fragments) for item in page.data]


# Each LINQ test's queries: (C# test, FQL fragments, how to read the answer, what the test asserts).
LINQ = [
    ("Collection_PaginateAsync", ["Author.all()"], "names", ["Alice", "Bob"]),
    ("Index_PaginateAsync", ["Author.byName(", value("Alice"), ")"], "names", ["Alice"]),
    ("Query_ToAsyncEnumerable/ToEnumerable", ["Author.all()"], "names", ["Alice", "Bob"]),
    ("Query_ToList/ToArray/ToHashSet/Select_Field", ["Author.all().map(.name)"], "pages", ["Alice", "Bob"]),
    ("Query_ToDictionary/ToDictionarySelector", ["Author.all()"], "docs", [("Alice", 32), ("Bob", 26)]),
    ("Query_ToDictionaryAsync (ValueTuple.Create)", ["Author.all().map(x => [x.age,x.name])"], "pages", [[32, "Alice"], [26, "Bob"]]),
    ("Query_ExpressionSyntax/where", ["Author.all()", *ALICE, ".map(.age)"], "pages", [32]),
    ("Query_ExpressionSyntax/index", ["Author.byName(", value("Alice"), ").map(.age)"], "pages", [32]),
    ("Query_ExpressionSyntax/orderby", ["Author.all().order(a =>(a.age)).map(.name)"], "pages", ["Bob", "Alice"]),
    ("Query_Where/ClosureRef/ConstantField/ConstantProp/ConstantVirtualProp", ["Author.all()", *ALICE], "names", ["Alice"]),
    ("Query_Select_Projected", ["Author.all().map(x => [x.name])"], "pages", [["Alice"], ["Bob"]]),
    ("Query_Select_Escaped", ["Author.all()"], "names", ["Alice", "Bob"]),
    ("Query_Any", ["Author.all().nonEmpty()"], "data", True),
    ("Query_Any/predicate", ["Author.all()", *BOB, ".nonEmpty()"], "data", True),
    ("Query_All", ["Author.all().every(a =>((a.name==", value("Bob"), ")))"], "data", False),
    ("Query_Count/LongCount", ["Author.all().count()"], "data", 2),
    ("Query_Distinct", ["Author.all().map(.age).distinct()"], "pages", [26, 32]),
    ("Query_First", [*abort_if_empty("Author.all()"), ".first()"], "name", "Alice"),
    ("Query_First/predicate", [*abort_if_empty("Author.all()", *BOB), ".first()"], "name", "Bob"),
    ("Query_First/empty", [*abort_if_empty("Author.all()", *NOBODY), ".first()"], "abort", ["empty"]),
    ("Query_FirstOrDefault", ["Author.all().first()"], "name", "Alice"),
    ("Query_FirstOrDefault/predicate", ["Author.all()", *BOB, ".first()"], "name", "Bob"),
    ("Query_FirstOrDefault/empty", ["Author.all()", *NOBODY, ".first()"], "data", None),
    ("Query_Last", [*abort_if_empty("Author.all()"), ".last()"], "name", "Bob"),
    ("Query_Last/predicate", [*abort_if_empty("Author.all()", *ALICE), ".last()"], "name", "Alice"),
    ("Query_Last/empty", [*abort_if_empty("Author.all()", *NOBODY), ".last()"], "abort", ["empty"]),
    ("Query_LastOrDefault", ["Author.all().last()"], "name", "Bob"),
    ("Query_LastOrDefault/predicate", ["Author.all()", *ALICE, ".last()"], "name", "Alice"),
    ("Query_LastOrDefault/empty", ["Author.all()", *NOBODY, ".last()"], "data", None),
    ("Query_Max", [*abort_if_empty("Author.all().map(.age)"), ".reduce((a, b) => if (a >= b) a else b)"], "data", 32),
    ("Query_Max/selector", [*abort_if_empty("Author.all()"), ".map(a =>(a.age)).reduce((a, b) => if (a >= b) a else b)"], "data", 32),
    ("Query_Max/empty", [*abort_if_empty("Author.all()", *NOBODY), ".map(a =>(a.age)).reduce((a, b) => if (a >= b) a else b)"], "abort", ["empty"]),
    ("Query_Min", [*abort_if_empty("Author.all().map(.age)"), ".reduce((a, b) => if (a <= b) a else b)"], "data", 26),
    ("Query_Min/selector", [*abort_if_empty("Author.all()"), ".map(a =>(a.age)).reduce((a, b) => if (a <= b) a else b)"], "data", 26),
    ("Query_Min/empty", [*abort_if_empty("Author.all()", *NOBODY), ".map(a =>(a.age)).reduce((a, b) => if (a <= b) a else b)"], "abort", ["empty"]),
    ("Query_Average/score", ["Math.mean(", *abort_if_empty("Author.all()"), ".map(a =>(a.score)).toArray())"], "exact", {"@double": "87.4"}),
    ("Query_Average/age", ["Math.mean(", *abort_if_empty("Author.all()"), ".map(a =>(a.age)).toArray())"], "exact", {"@double": "29.0"}),
    ("Query_Average/subscribers", ["Math.mean(", *abort_if_empty("Author.all()"), ".map(a =>(a.subscribers)).toArray())"], "exact", {"@double": "1.55E8"}),
    ("Query_Average/empty", ["Math.mean(", *abort_if_empty("Author.all()", *NOBODY), ".map(a =>(a.age)).toArray())"], "abort", ["empty"]),
    ("Query_Order", ["Author.all().reverse().order()"], "names", ["Alice", "Bob"]),
    ("Query_OrderBy", ["Author.all().order(a =>(a.age))"], "names", ["Bob", "Alice"]),
    ("Query_OrderDescending", ["Author.all().order(desc(x => x))"], "names", ["Bob", "Alice"]),
    ("Query_OrderByDescending", ["Author.all().order(desc(a =>(a.name)))"], "names", ["Bob", "Alice"]),
    ("Query_Reverse", ["Author.all().reverse()"], "names", ["Bob", "Alice"]),
    ("Query_Single", [*abort_if_empty(*singularize("Author.all()")), ".first()"], "abort", ["not single"]),
    ("Query_Single/predicate", [*abort_if_empty(*singularize("Author.all()", *ALICE)), ".first()"], "name", "Alice"),
    ("Query_Single/empty", [*abort_if_empty(*singularize("Author.all()", *NOBODY)), ".first()"], "abort", ["empty"]),
    ("Query_SingleOrDefault", [*singularize("Author.all()"), ".first()"], "abort", ["not single"]),
    ("Query_SingleOrDefault/predicate", [*singularize("Author.all()", *ALICE), ".first()"], "name", "Alice"),
    ("Query_SingleOrDefault/empty", [*singularize("Author.all()", *NOBODY), ".first()"], "data", None),
    ("Query_Skip", ["Author.all().drop(", value(int_(1)), ")"], "names", ["Bob"]),
    ("Query_Take", ["Author.all().take(", value(int_(1)), ")"], "names", ["Alice"]),
    ("Query_Sum", ["Author.all().map(.age).map(x =>(x)).fold(0, (a, b) => a + b)"], "exact", int_(58)),
    ("Query_Sum/selector", ["Author.all().map(a =>(a.age)).fold(0, (a, b) => a + b)"], "exact", int_(58)),
    ("Query_Sum/double", ["Author.all().map(a =>((", value({"@double": "1.0"}), "*a.age))).fold(0.0, (a, b) => a + b)"], "exact", {"@double": "58.0"}),
    ("Query_Function_Value_Single", ["SayHello()"], "data", "Hello!"),
    ("Query_Function_With_Param", ["Add2(", value(int_(8)), ")"], "data", 10),
    ("Query_Function_Array", ["SayHelloArray()"], "data", ["Hello!", "Hello!"]),
    ("Query_Function_Set", ["GetAuthors()"], "names", ["Alice", "Bob"]),
    ("Query_CastTypes", ["Author.all().map(x => [x.score])"], "pages", [[91.3], [83.5]]),
    ("Query_CastTypes/age", ["Author.all().map(x => [x.age])"], "pages", [[32], [26]]),
]


@pytest.mark.parametrize("fragments, read, expected", [pytest.param(f, r, e, id=n) for n, f, r, e in LINQ])
def test_linq(client, authors, fragments, read, expected):
    """Linq QueryTests: the query the LINQ provider sends, and the value the C# test asserts (doubles as
    core writes them, Double.toString: 155000000.0 is `1.55E8`)."""
    if read == "abort":
        status, body = client.answer(*fragments)
        assert status == 400 and body["error"]["code"] == "abort", body
        assert FaunaDecoder.decode(body["error"]["abort"]) == expected
        return
    if read == "exact":
        assert client.body(*fragments)["data"] == expected
        return
    result = client.data(*fragments)
    if read == "names":
        assert names(page_data(client, *fragments) if isinstance(result, Page) else result) == expected
    elif read == "pages":
        assert page_data(client, *fragments) == expected
    elif read == "docs":
        assert [(doc["name"], doc["age"]) for doc in page_data(client, *fragments)] == expected
    elif read == "name":
        assert isinstance(result, Document) and result["name"] == expected
    else:
        assert result == expected


@pytest.fixture(scope="module")
def e2e_linq(client):
    """E2ELinqTest.SetUp: an author, Leo Tolstoy, and his book, which refers to him."""
    client.body("Collection.byName('E2ELinqTest_Author')?.delete()")
    client.body("Collection.byName('E2ELinqTest_Book')?.delete()")
    client.body("Collection.create({name: 'E2ELinqTest_Author'})")
    client.body("Collection.create({name: 'E2ELinqTest_Book'})")
    author = client.body("E2ELinqTest_Author.create({name: 'Leo Tolstoy'})")["data"]
    # The driver sends the Ref<...> it read back as a value: {"@ref": {id, coll}}.
    ref = {"@ref": {"id": author["@doc"]["id"], "coll": author["@doc"]["coll"]}}
    client.body("E2ELinqTest_Book.create({name: 'War and Peace', author: ", value(ref), " })")
    return ref


def book_where(name: str) -> list:
    return ["E2ELinqTest_Book.all()", *where("b", "name", name)]


def test_e2e_linq(client, e2e_linq):
    """E2ELinq_ObtainRefWithoutProjection (the book's author is an unloaded ref: no `exists`),
    E2ELinq_ProjectRefIntoDocument (projected, the author is the document), E2ELinq_LoadRef and
    E2ELinq_LoadsLoadedRef (the ref sent as the query), E2ELinq_LoadRefThrows (a missing id is a null document)."""
    body = client.body(*abort_if_empty(*singularize(*book_where("War and Peace"))), ".first()")
    book = body["data"]["@doc"]
    assert book["name"] == "War and Peace"
    assert book["author"] == {"@ref": {"id": e2e_linq["@ref"]["id"], "coll": {"@mod": "E2ELinqTest_Author"}}}
    projected = client.body(*abort_if_empty(*singularize(*book_where("War and Peace"), ".map(x => [x.author,x.name])")), ".first()")
    author, name = projected["data"]
    assert name == "War and Peace" and author["@doc"]["name"] == "Leo Tolstoy"
    # IClient.LoadRefAsync sends the ref itself as the query: FQL($"{reference}").
    loaded = client.data(value(e2e_linq))
    assert isinstance(loaded, Document) and loaded["name"] == "Leo Tolstoy"
    missing = client.data(value({"@ref": {"id": "123", "coll": {"@mod": "E2ELinqTest_Author"}}}))
    assert isinstance(missing, NullDocument) and missing.cause == "not found"
    assert missing.ref.id == "123" and missing.ref.coll.name == "E2ELinqTest_Author"


def test_e2e_linq_deleted_ref(client, e2e_linq):
    """E2ELinq_ProjectDeletedRefThrows: a book whose author was deleted projects a null document."""
    author = client.body("E2ELinqTest_Author.create({name: 'Mary Shelley'})")["data"]["@doc"]
    ref = {"@ref": {"id": author["id"], "coll": author["coll"]}}
    client.body("E2ELinqTest_Book.create({name: 'Frankenstein', author: ", value(ref), " })")
    client.body("E2ELinqTest_Author.where(a => a.name == 'Mary Shelley').forEach(d => d.delete())")
    projected = client.body(*abort_if_empty(*singularize(*book_where("Frankenstein"), ".map(x => [x.author,x.name])")), ".first()")
    gone, name = projected["data"]
    assert name == "Frankenstein"
    assert gone == {"@ref": {"id": author["id"], "coll": {"@mod": "E2ELinqTest_Author"}, "exists": False, "cause": "not found"}}
