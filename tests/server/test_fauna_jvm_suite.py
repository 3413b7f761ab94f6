"""fauna/fauna-jvm's e2e tests (v10 Java driver, src/test/java/com/fauna/e2e, read at its head `07d7063`)
replayed against `fql serve`: each case sends what the Java driver sends for the JUnit test of its name and
asserts what that test asserts of the answer.

What the driver sends (client/RequestBuilder.java): POST /query/1, /stream/1 or /feed/1 with
`X-Format: tagged`, `Accept-Encoding: gzip`, `Content-Type: application/json;charset=utf-8`,
`X-Driver: Java`, `X-Driver-Env`, `X-Max-Contention-Retries: 3` and `Authorization: Bearer <secret>`
(`<secret>:<database>:server` for a scoped client); a query adds `X-Last-Txn-Ts` once the client has seen a
transaction, and, when it has QueryOptions, `X-Query-Timeout-Ms` (5000 by default) and `X-Query-Tags`
(`k=v` pairs sorted, comma-joined); a feed always has the 5000 ms header (FeedOptions.DEFAULT). Java's
HttpClient asks for HTTP/2 over http:// with an h2c upgrade, which fql answers in HTTP/1.1 (README,
**Serving**), so the requests here carry those headers too. The body is `{"query": {"fql": [...]}}`: the
template FaunaTemplate splits (`$$` is a literal `$`, a `$` before anything else ends a literal part and is
dropped, `${name}` an argument), an argument a `{"value": <tagged>}` unless it is a
Query (`{"fql": [...]}`), a QueryArr (`{"array": ...}`) or a QueryObj (`{"object": ...}`). A page after the first is
`Set.paginate(${token})`; a stream body is `{token, cursor | start_ts}`, a feed's
`{token, cursor?, start_ts?, page_size?}`. ErrorHandler names the exception from the status and, for a
400, the code; `java_error` below does the same. The client sums every answer's stats (StatsCollector)
and keeps the last `txn_ts`, failures' too.

The requests were compared with those the driver's own e2e tests send to `fql serve` (captured on the
wire, Java 17, tokens, cursors, times and random names aside): the same headers and the same bodies, but
for `checkConstraintFailure`'s name (`LocalTime.now()`) and the key order of a `Map.of` (unspecified in
Java). Run so, the Java tests pass 53 of 54 (`clientTransactionTsOnFailure`, below).

Not replicated: `E2EQueryTest.queryTimeout` (a 1 ms time limit that must expire before fql answers: a
race, won or lost from run to run on loopback), `E2EStreamingTest.handleStreamTimeout` (a 1 ms client time-out on
opening a stream: Java's HttpClient's own doing), and the two tests the driver disables:
`handleLargeEvents` closes its stream before it writes anything, and `handleManyEvents` sends 10,000
queries at once over HTTP/2 for a minute. The driver's other tests reach no server: codecs, templates,
option and request building (DefaultsTest, RequestBuilderTest), and mocked HTTP clients (FaunaClientTest,
ScopedFaunaClientTest, FeedIteratorTest, PageIteratorTest, QueryResponseTest...); the perfTests (excluded by
its build) time queries. The ten `query_sync...`/`query_async...` tests send the same two requests
(with or without options) and are one parametrized case.

One differs from the Java test, as core answers: `clientTransactionTsOnFailure` expects an older Fauna,
where `NonExistantCollection.all()` was a runtime error (QueryRuntimeException); core's top database is
typechecked, so its typer refuses the unbound name (`invalid_query`, QueryCheckException). The answer still
has a `txn_ts`, which is what the test checks."""

from __future__ import annotations

import gzip
import http.client
import json
import re
import threading
from datetime import datetime, timezone

import pytest

fauna = pytest.importorskip("fauna")
from fauna.encoding import FaunaDecoder  # noqa: E402
from fauna.query.models import Document, NullDocument, Page  # noqa: E402

import fql  # noqa: E402
from fql.server import ServerThread  # noqa: E402
from fql.server.streams import StreamSettings  # noqa: E402

from .replicas import Events  # noqa: E402

WAIT = 10.0
#: RequestBuilder's headers for every request (the secret aside), and the h2c upgrade Java's HttpClient adds.
HEADERS = {
    "X-Format": "tagged",
    "Accept-Encoding": "gzip",
    "Content-Type": "application/json;charset=utf-8",
    "X-Driver": "Java",
    "X-Driver-Env": "driver=1.0.1-snapshot; runtime=java-java-17.0.15; env=unknown; os=linux-6.18.44",
    "X-Max-Contention-Retries": "3",
    "Connection": "Upgrade, HTTP2-Settings",
    "Upgrade": "h2c",
    "HTTP2-Settings": "AAEAAEAAAAIAAAAAAAMAAAAAAAQBAAAAAAUAAEAAAAYABgAA",
    "User-Agent": "Java-http-client/17.0.15",
}
#: ErrorHandler.handleQueryFailure: a 400's exception by code (any other code QueryRuntimeException).
BAD_REQUEST = {
    "invalid_query": "QueryCheckException",
    "limit_exceeded": "ThrottlingException",
    "invalid_request": "InvalidRequestException",
    "abort": "AbortException",
    "constraint_failure": "ConstraintFailureException",
}
#: Its other cases in switch order (each falls through to the next): status, code, exception.
OTHER_STATUSES = [
    (401, "unauthorized", "AuthenticationException"),
    (403, "forbidden", "AuthorizationException"),
    (409, "contended_transaction", "ContendedTransactionException"),
    (429, "limit_exceeded", "ThrottlingException"),
    (440, "time_out", "QueryTimeoutException"),
    (503, "time_out", "QueryTimeoutException"),
    (500, "internal_error", "ServiceInternalException"),
]


@pytest.fixture(scope="module")
def server():
    with ServerThread(fql.connect(), streams=StreamSettings(poll_interval=0.02, max_duration=20.0)) as running:
        yield running


class JavaError(Exception):
    """A FaunaException: the class ErrorHandler picks, the status and the answer's body."""

    def __init__(self, kind: str, status: int, body: dict):
        super().__init__(f"{kind} {status}: {body}")
        self.kind, self.status, self.body = kind, status, body
        self.code = body.get("error", {}).get("code")

    def abort(self):
        return FaunaDecoder.decode(self.body["error"]["abort"])

    def constraint_failures(self) -> list[dict]:
        return self.body["error"].get("constraint_failures", [])


def java_error(status: int, body: dict) -> JavaError:
    code = body.get("error", {}).get("code")
    if status == 400:
        return JavaError(BAD_REQUEST.get(code, "QueryRuntimeException"), status, body)
    statuses = [s for s, _, _ in OTHER_STATUSES]
    for _, wanted, kind in OTHER_STATUSES[statuses.index(status) if status in statuses else len(statuses):]:
        if code == wanted:
            return JavaError(kind, status, body)
    return JavaError("ProtocolException", status, body)


class Query:
    """`fql(template, args)`: FaunaTemplate's parts as wire fragments."""

    def __init__(self, template: str, **args):
        self.fragments: list = []
        at = 0
        for found in re.finditer(r"\$(?:(\$)|\{([^\W\d]\w*)\})?", template):
            before, at = template[at : found.start()], found.end()
            if found.group(1):
                self.fragments.append(before + "$")
            elif found.group(2):
                if before:
                    self.fragments.append(before)
                self.fragments.append(fragment(args[found.group(2)]))
            else:
                # A `$` before anything else ends a literal part (empty or not) and is itself dropped.
                self.fragments.append(before)
        if at < len(template):
            self.fragments.append(template[at:])

    def wire(self) -> dict:
        return {"fql": self.fragments}


class QueryArr(list):
    """A QueryArr: a list of queries, each evaluated."""


class QueryObj(dict):
    """A QueryObj: a map of queries (or values), each evaluated."""


class QueryVal:
    """A QueryVal: a value, `{"value": ...}` wherever it is."""

    def __init__(self, value):
        self.value = value


class Long(int):
    """A Java long: LongCodec writes `@long` where an int is `@int`."""


def encode(value):
    """The codecs' tagged format of a Java value."""
    if isinstance(value, Query):
        return value.wire()
    if isinstance(value, QueryArr):
        return {"array": [encode(v) for v in value]}
    if isinstance(value, QueryObj):
        return {"object": {k: encode(v) for k, v in value.items()}}
    if isinstance(value, QueryVal):
        return {"value": encode(value.value)}
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, Long):
        return {"@long": str(value)}
    if isinstance(value, int):
        return {"@int": str(value)}
    if isinstance(value, float):
        return {"@double": repr(value)}
    if isinstance(value, datetime):
        # InstantCodec: Instant.toString(), milliseconds when the nanoseconds are whole milliseconds.
        return {"@time": value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        encoded = {k: encode(v) for k, v in value.items()}
        return {"@object": encoded} if any(k.startswith("@") for k in value) else encoded
    raise TypeError(value)


def fragment(arg) -> dict:
    """FaunaTemplate.toFragment: a QueryFragment as itself, anything else a QueryVal."""
    return encode(arg) if isinstance(arg, (Query, QueryArr, QueryObj, QueryVal)) else {"value": encode(arg)}


def author(first: str, last: str, initial: str, age: int) -> dict:
    """The e2e Author bean as ClassCodec writes it: its fields by name, `age` an int."""
    return {"firstName": first, "lastName": last, "middleInitial": initial, "age": age}


class Client:
    """A FaunaClient of the test server: its headers, last transaction time and stats collector."""

    def __init__(self, port: int, secret: str = "secret"):
        self.port, self.secret = port, secret
        self.last_txn: int | None = None
        self.read_ops = self.compute_ops = 0

    def headers(self, extra: dict | None = None, query: bool = False) -> dict:
        """The request's headers; only a query's say the last transaction time (streams and feeds copy
        the base builder)."""
        headers = {**HEADERS, "Authorization": f"Bearer {self.secret}", **(extra or {})}
        if query and self.last_txn:
            headers["X-Last-Txn-Ts"] = str(self.last_txn)
        return headers

    def post(self, path: str, body: dict, extra: dict | None = None) -> tuple[int, dict]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)
        try:
            conn.request("POST", path, json.dumps(body).encode(), self.headers(extra, path == "/query/1"))
            response = conn.getresponse()
            data = response.read()
            if response.getheader("content-encoding") == "gzip":
                data = gzip.decompress(data)
        finally:
            conn.close()
        return response.status, json.loads(data)

    def answer(self, query: Query, options: dict | None = None) -> tuple[int, dict]:
        """The status and body of `query`; QueryResponse keeps its txn_ts and adds its stats."""
        status, body = self.post("/query/1", {"query": query.wire()}, options)
        if body.get("txn_ts"):
            self.last_txn = body["txn_ts"]
        stats = body.get("stats") or {}
        self.read_ops += stats.get("read_ops", 0)
        self.compute_ops += stats.get("compute_ops", 0)
        return status, body

    def query(self, query: Query | str, options: dict | None = None) -> dict:
        """FaunaClient.query: the body of a success, else the exception ErrorHandler throws."""
        status, body = self.answer(Query(query) if isinstance(query, str) else query, options)
        if status != 200:
            raise java_error(status, body)
        return body

    def data(self, query: Query | str, options: dict | None = None):
        return FaunaDecoder.decode(self.query(query, options)["data"])

    def raises(self, query: Query | str, kind: str) -> JavaError:
        with pytest.raises(JavaError) as caught:
            self.query(query)
        assert caught.value.kind == kind, caught.value
        return caught.value

    def paginate(self, query: Query | str) -> list[list]:
        """PageIterator: the first answer as a page (PageCodec wraps anything not a set), then
        `Set.paginate(${token})` for each `after`."""
        pages, found = [], self.data(query)
        while True:
            page = found if isinstance(found, Page) else Page(data=[found])
            if isinstance(found, dict) and "data" in found:
                page = Page(data=found["data"], after=found.get("after"))
            pages.append(page.data)
            if not page.after:
                return pages
            found = self.data(Query("Set.paginate(${token})", token=page.after))

    def feed(self, body: dict) -> dict:
        status, page = self.post("/feed/1", body, {"X-Query-Timeout-Ms": "5000"})
        if status != 200:
            raise java_error(status, page)
        return page

    def feed_pages(self, body: dict) -> list[dict]:
        """FeedIterator: pages while one has a next, from its cursor (FeedOptions.nextPage drops start_ts)."""
        pages = [self.feed(body)]
        while pages[-1]["has_next"]:
            more = {"token": body["token"], "cursor": pages[-1]["cursor"]}
            pages.append(self.feed({**more, **({"page_size": body["page_size"]} if "page_size" in body else {})}))
        return pages


@pytest.fixture(scope="module")
def c(server):
    return Client(server.port)


DEFAULT_OPTIONS = {"X-Query-Timeout-Ms": "5000"}


def product_collection(client: Client) -> int:
    """Fixtures.ProductCollection: Product with a unique name and a check on quantity, then 50 products,
    each a query; the time after the collection was made and before the products."""
    client.answer(Query("Collection.byName('Product')?.delete()"))
    client.query(
        "Collection.create({name: 'Product', fields: {'name': {signature: 'String'},'quantity': "
        "{signature: 'Int', default: '0'}}, constraints: [{unique: ['name']},{check:{name: 'posQuantity', "
        "body: '(doc) => doc.quantity >= 0' }}]})"
    )
    made = client.last_txn
    for i in range(50):
        template = "Product.create({'name': ${name}, 'quantity': ${quantity}})"
        client.query(Query(template, name=f"product-{i}", quantity=i))
    return made


# -- E2EQueryTest --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def authors(c):
    """Fixtures.PersonCollection: Author with Alice Wonderland (65) and Mad Atter (90)."""
    c.answer(Query("Collection.byName('Author')?.delete()"))
    c.query("Collection.create({name: 'Author'})")
    c.query("Author.create({'firstName': 'Alice', 'lastName': 'Wonderland', 'middleInitial': 'N', 'age': 65})")
    c.query("Author.create({'firstName': 'Mad', 'lastName': 'Atter', 'middleInitial': 'H', 'age': 90})")


@pytest.mark.parametrize("options", [None, DEFAULT_OPTIONS], ids=["no-options", "default-options"])
@pytest.mark.parametrize("text, expected", [("42", {"@int": "42"}), ("[42]", [{"@int": "42"}])], ids=["42", "[42]"])
def test_query_sync_and_async(c, authors, options, text, expected):
    """query_sync, query_syncWithClass, query_syncWithParameterized, query_syncWithClassAndOptions,
    query_syncWithParameterizedAndOptions and their query_async twins: `42` is an int, `[42]` a list of one."""
    assert c.query(text, options)["data"] == expected


def test_client_transaction_ts(server):
    """clientTransactionTsOnSuccess / OnFailure: a new client has no last transaction time; after a query,
    a success or a failure, it has one past 2000. The failure is core's typer refusing the unbound name
    (QueryCheckException; the Java test, from an older Fauna, expects QueryRuntimeException)."""
    y2k = int(datetime(1999, 12, 31, 23, 59, 59, tzinfo=timezone.utc).timestamp()) * 1_000_000
    fresh = Client(server.port)
    assert fresh.last_txn is None
    fresh.query("42")
    assert fresh.last_txn > y2k
    failing = Client(server.port)
    error = failing.raises("NonExistantCollection.all()", "QueryCheckException")
    assert error.code == "invalid_query" and failing.last_txn > y2k


def test_query_persons(c, authors):
    """query_arrayOfPersonIncoming (2 authors, Alice first), query_arrayOfPersonOutgoing (a List<Author>
    argument comes back as maps), query_mapOfPerson (`{key: ${person}}`), query_pageOfPerson
    (`Author.all()` is a page of 2)."""
    incoming = c.data("Author.all().toArray()")
    assert len(incoming) == 2 and incoming[0]["firstName"] == "Alice"
    outgoing = c.data(Query("${var}", var=[author("alice", "smith", "w", 42)]))
    assert outgoing[0]["firstName"] == "alice" and outgoing[0]["age"] == 42
    body = c.query(Query("{key: ${person}}", person=author("Alice", "Wonderland", "N", 65)))
    alice = {"firstName": "Alice", "lastName": "Wonderland", "middleInitial": "N", "age": {"@int": "65"}}
    assert body["data"] == {"key": alice}
    page = c.data("Author.all()")
    assert isinstance(page, Page) and len(page.data) == 2 and page.data[0]["firstName"] == "Alice"


def test_query_optionals_and_nullables(c, authors):
    """query_optionalNull / NotNull (an empty Optional is `null`, `Optional.of(42)` 42);
    query_nullableOf (a missing id is a null document, `not found`); query_nullableOfNotNull."""
    assert c.query(Query("${empty}", empty=None))["data"] is None
    assert c.query(Query("${val}", val=42))["data"] == {"@int": "42"}
    missing = c.data("Author.byId('9090090')")
    assert isinstance(missing, NullDocument) and missing.cause == "not found"
    first = c.data("Author.all().first()")
    assert isinstance(first, Document) and first["firstName"] == "Alice"


def test_query_aborts(c, authors):
    """query_abortNull (the abort value is null), query_abortDynamic (8), query_abortClass (an object
    read as an Author)."""
    assert c.raises("abort(null)", "AbortException").abort() is None
    assert c.raises("abort(8)", "AbortException").abort() == 8
    assert c.raises('abort({firstName:"alice"})', "AbortException").abort() == {"firstName": "alice"}


def test_query_with_tags(c, authors):
    """query_withTags: `X-Query-Tags: first=1,second=2` comes back as the answer's query tags, which
    QueryTags.of reads into a map (their order is not kept)."""
    body = c.query("Author.byId('9090090')", {**DEFAULT_OPTIONS, "X-Query-Tags": "first=1,second=2"})
    tags = dict(tag.split("=", 1) for tag in body["query_tags"].split(","))
    assert tags["first"] == "1" and tags["second"] == "2"


def test_query_track_stats(server, authors):
    """query_trackStatsOnSuccess / OnFailure: a new client's stats after `Author.all().toArray()` are 10
    read ops and 1 compute op; 8 and 1 when the query then aborts."""
    client = Client(server.port)
    client.query("Author.all().toArray()")
    assert (client.read_ops, client.compute_ops) == (10, 1)
    client = Client(server.port)
    client.raises("Author.all().toArray()\nabort(null)", "AbortException")
    assert (client.read_ops, client.compute_ops) == (8, 1)


# -- E2EQueryArrTest, E2EQueryObjTest, E2EScopedTest ---------------------------------------------------------


def test_query_arr(c):
    """query_listWithEmbeddedQueries ([4, 6, 8]), query_listWithNestedEmbeddedQueries ([[4, 6, 8]])."""
    three = QueryArr([Query("2*2"), Query("2*3"), Query("2*4")])
    assert c.data(Query("${obj}", obj=three)) == [4, 6, 8]
    assert c.data(Query("${obj}", obj=QueryArr([three]))) == [[4, 6, 8]]


def test_query_obj(c):
    """query_mapWithEmbeddedQuery ({k: 6}), query_mapMixedWithEmbeddedQuery (a QueryVal beside it),
    query_mapWithNestedEmbeddedQuery ({k: {k: 6}})."""
    assert c.data(Query("${obj}", obj=QueryObj(k=Query("4 + 2")))) == {"k": 6}
    mixed = Query("${obj}", obj=QueryObj(k=Query("4 + 2"), k2=QueryVal(42)))
    assert mixed.wire() == {"fql": [{"object": {"k": {"fql": ["4 + 2"]}, "k2": {"value": {"@int": "42"}}}}]}
    assert c.query(mixed)["data"] == {"k": {"@int": "6"}, "k2": {"@int": "42"}}
    nested = QueryObj(k=QueryObj(k=Query("4 + 2")))
    assert c.data(Query("${obj}", obj=nested)) == {"k": {"k": 6}}


def test_scoped_query_sync(server, c):
    """E2EScopedTest.query_sync: Fixtures.PeopleDatabase, then `42` with the scoped secret
    `secret:People:server`."""
    c.answer(Query("Database.byName('People')?.delete()"))
    c.query("Database.create({name: 'People'})")
    assert Client(server.port, "secret:People:server").query("42")["data"] == {"@int": "42"}


# -- E2EErrorHandlingTest ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def products(c):
    """E2EErrorHandlingTest's @BeforeAll: Product made again."""
    return product_collection(c)


@pytest.fixture(scope="module")
def page_products(c):
    """E2EPaginationTest's @BeforeAll: Product made again (without the error tests' cheese)."""
    return product_collection(c)


def test_check_constraint_failure(c, products):
    """checkConstraintFailure: quantity -1 fails `posQuantity`; the failure has no name and no paths."""
    # The name is LocalTime.now().toString().
    query = Query("Product.create({name: ${name}, quantity: -1})", name=datetime.now().time().isoformat())
    error = c.raises(query, "ConstraintFailureException")
    [failure] = error.constraint_failures()
    assert failure["message"] == "Document failed check constraint `posQuantity`"
    assert "name" not in failure and not failure.get("paths")


def test_unique_constraint_failure(c, products):
    """uniqueConstraintFailure: a second 'cheese' fails the unique constraint at path `name`."""
    c.query("Product.create({name: 'cheese', quantity: 1})")
    error = c.raises("Product.create({name: 'cheese', quantity: 2})", "ConstraintFailureException")
    failure = error.constraint_failures()[0]
    assert failure["message"] == "Failed unique constraint" and "name" not in failure
    assert failure["paths"] == [["name"]]


def test_constraint_failure_with_integer(c):
    """constraintFailureWithInteger: the template's `"$$$"` is sent as `"$"` (`$$` is a `$`, the lone `$`
    dropped); the failure is at path constraints, 0, unique."""
    query = Query('Collection.create({name: "Foo", constraints: [{unique: ["$$$"] }]})')
    assert "".join(query.fragments) == 'Collection.create({name: "Foo", constraints: [{unique: ["$"] }]})'
    error = c.raises(query, "ConstraintFailureException")
    assert error.constraint_failures()[0] == {
        "message": "Value `$` is not a valid FQL path expression.",
        "paths": [["constraints", 0, "unique"]],
    }


def test_abort_api(c):
    """testAbortAPI: an Instant argument aborted comes back an Instant with its 999 ms."""
    big_bang = datetime(2019, 12, 31, 23, 59, 59, 999000, tzinfo=timezone.utc)
    error = c.raises(Query("abort(${bigBang})", bigBang=big_bang), "AbortException")
    assert error.abort() == big_bang and error.abort().microsecond == 999000


# -- E2EPaginationTest ---------------------------------------------------------------------------------------


def test_single_item_gets_wrapped_in_page(c, page_products):
    """query_single_item_gets_wrapped_in_page / query_single_object_gets_wrapped_in_page: `firstWhere` is
    one document, a page of one with no after (read as a Document, its name product-1)."""
    [page] = c.paginate("Product.firstWhere(.name == 'product-1')")
    assert len(page) == 1 and isinstance(page[0], Document) and page[0]["name"] == "product-1"


def test_single_page_gets_wrapped_in_page(c, page_products):
    """query_single_page_gets_wrapped_in_page: 8 products under quantity 8, one page."""
    assert [len(page) for page in c.paginate("Product.where(.quantity < 8)")] == [8]


def test_query_all_with_pagination(c, page_products):
    """query_all_with_manual_pagination (queryPage with each after), query_all_with_pagination and
    query_all_flattened: 4 pages, the last of 2, 50 products."""
    pages = c.paginate("Product.all()")
    assert len(pages) == 4 and len(pages[3]) == 2 and sum(map(len, pages)) == 50


def test_stats_are_tracked_for_pagination(server, page_products):
    """query_statsAreTrackedForExplicitPagination / ...FlattenedPagination: a new client's stats after
    reading every page of `Product.all()` are 82 read ops and 4 compute ops."""
    client = Client(server.port)
    client.paginate("Product.all()")
    assert (client.read_ops, client.compute_ops) == (82, 4)


# -- E2EFeedsTest (ProductCollection made again before each) ------------------------------------------------


@pytest.fixture
def fresh_products(c):
    return product_collection(c)


def source(c: Client) -> str:
    return c.data("Product.all().eventSource()").token


def test_feed_of_all(c, fresh_products):
    """feedOfAll / feedFlattened: from the collection's time, 4 pages (of 16) of 50 events."""
    pages = c.feed_pages({"token": source(c), "start_ts": fresh_products})
    assert len(pages) == 4 and sum(len(p["events"]) for p in pages) == 50


def test_manual_feed(c, fresh_products):
    """manualFeed: pages of 2 from the collection's time are 25, 50 events; after a create, the last
    cursor's page has its one add event, newProduct with quantity 123."""
    token = source(c)
    pages = c.feed_pages({"token": token, "start_ts": fresh_products, "page_size": 2})
    assert len(pages) == 25 and sum(len(p["events"]) for p in pages) == 50
    c.query('Product.create({name:"newProduct",quantity:123})')
    [event] = c.feed({"token": token, "cursor": pages[-1]["cursor"], "page_size": 2})["events"]
    assert event["type"] == "add"
    assert event["data"]["@doc"]["name"] == "newProduct" and event["data"]["@doc"]["quantity"] == {"@int": "123"}


def test_feed_error(c, fresh_products):
    """feedError: a bad token is InvalidRequestException, 400, `invalid_request`, its message as the driver
    words it; no txn_ts, stats, schema version, summary or query tags, no constraint failures or abort."""
    with pytest.raises(JavaError) as caught:
        c.feed({"token": "badToken"})
    error = caught.value
    assert error.kind == "InvalidRequestException" and error.status == 400 and error.code == "invalid_request"
    message = f"{error.status} ({error.code}): {error.body['error']['message']}"
    assert message == "400 (invalid_request): Invalid request body: invalid event source provided."
    assert set(error.body) == {"error"} and set(error.body["error"]) == {"code", "message"}


def test_feed_event_error(c, fresh_products):
    """feedEventError: from start_ts 0, one page with no next and one error event,
    `invalid_stream_start_time`, `is too far in the past`."""
    page = c.feed({"token": source(c), "start_ts": 0})
    assert not page["has_next"]
    [event] = page["events"]
    assert event["type"] == "error" and event["error"]["code"] == "invalid_stream_start_time"
    assert "is too far in the past" in event["error"]["message"]


# -- E2EStreamingTest ----------------------------------------------------------------------------------------


class Stream:
    """FaunaStream: POST /stream/1 (no time-out header), one event a line."""

    def __init__(self, client: Client, body: dict):
        self.conn = http.client.HTTPConnection("127.0.0.1", client.port, timeout=WAIT)
        self.conn.request("POST", "/stream/1", json.dumps(body).encode(), client.headers())
        self.response = self.conn.getresponse()
        self.events = Events(self.response)

    def close(self):
        self.conn.close()


class Inventory:
    """InventorySubscriber: a name -> quantity map kept from add, update and remove events."""

    def __init__(self, inventory: dict):
        self.inventory = inventory

    def take(self, event: dict):
        doc = FaunaDecoder.decode(event.get("data")) if event.get("data") else None
        if event["type"] in ("add", "update"):
            self.inventory[doc["name"]] = doc["quantity"]
        elif event["type"] == "remove":
            self.inventory.pop(doc["name"], None)

    def count(self) -> int:
        return sum(self.inventory.values())


def do_delete(c: Client, name: str):
    """doDelete: `firstWhere(...)!.delete()` answers the deleted document, a null one."""
    deleted = c.data(Query("Product.firstWhere(.name == ${name})!.delete()", name=name))
    assert isinstance(deleted, NullDocument)


@pytest.fixture(scope="module")
def stream_products(server):
    client = Client(server.port)
    product_collection(client)
    return client


def test_query_stream_of_product(stream_products):
    """query_streamOfProduct: a stream of `Product.all()` stays open while product-2 is deleted; its
    events are the status and the remove."""
    c = stream_products
    stream = Stream(c, {"token": source(c)})
    try:
        assert stream.response.status == 200
        [status] = stream.events.take(1)
        assert status["type"] == "status"
        do_delete(c, "product-2")
        [removed] = stream.events.take(1)
        assert removed["type"] == "remove" and removed["data"]["@doc"]["name"] == "product-2"
    finally:
        stream.close()


def test_query_track_state_with_stream(stream_products):
    """query_trackStateWithStream: a first page of 4 and an event source in one query; every page read
    into an inventory, then a stream from that query's time keeps it: bread (2) and product-0's update to
    30, cheese (17) added then removed; the inventory's total is that of the products read and written,
    and the client's stats grew."""
    c = stream_products
    read_before, compute_before = c.read_ops, c.compute_ops
    body = c.query("let products = Product.all()\n{ firstPage: products.pageSize(4), eventSource: products.eventSource()}")
    found = FaunaDecoder.decode(body["data"])
    first, token, start = found["firstPage"], found["eventSource"].token, body["txn_ts"]
    assert len(first.data) == 4
    products = list(first.data)
    after = first.after
    while after:
        page = c.data(Query("Set.paginate(${token})", token=after))
        products += page["data"]
        after = page.get("after")
    inventory = Inventory({p["name"]: p["quantity"] for p in products})
    stream = Stream(c, {"token": token, "start_ts": start})
    try:
        assert stream.response.status == 200
        assert [e["type"] for e in stream.events.take(1)] == ["status"]
        products.append(c.data("Product.create({name: 'bread', quantity: 2})"))
        products.append(c.data('Product.firstWhere(.name == "product-0")!.update({quantity: 30})'))
        for event in stream.events.take(2):
            inventory.take(event)
        before = inventory.count()
        c.query("Product.create({name: 'cheese', quantity: 17})")
        [added] = stream.events.take(1)
        inventory.take(added)
        assert inventory.count() == before + 17
        do_delete(c, "cheese")
        [removed] = stream.events.take(1)
        inventory.take(removed)
        assert inventory.count() == before
    finally:
        stream.close()
    assert inventory.count() == sum(p["quantity"] for p in products)
    assert c.read_ops > read_before and c.compute_ops > compute_before


def test_handle_stream_error(stream_products):
    """handleStreamError: a stream with cursor `invalid_cursor` ends at once, within the test's 5 s (the
    driver's stream closes): a 400, `invalid_request`, worded as core's StreamRequest words it."""
    c = stream_products
    stream = Stream(c, {"token": source(c), "cursor": "invalid_cursor"})
    read: list[bytes] = []
    reader = threading.Thread(target=lambda: read.append(stream.response.read()), daemon=True)
    reader.start()
    try:
        reader.join(5.0)
        assert read and stream.response.status == 400
        error = json.loads(gzip.decompress(read[0]) if read[0][:2] == b"\x1f\x8b" else read[0])["error"]
        assert error == {"code": "invalid_request", "message": "Invalid request body: invalid event cursor provided"}
    finally:
        stream.close()
