"""fauna/fauna-js's own tests (__tests__/integration and __tests__/functional, driver 2.5.0, read at its
head `64a6d71`) replayed against `fql serve`: each test below sends what the JS driver sends for the
driver test of its name (its file in the section comment) and asserts what that test asserts.

What the driver sends (src/client.ts, src/query-builder.ts, src/tagged-type.ts): POST /query/1 with
`Authorization: Bearer <secret>`, `x-format: tagged`, `x-query-timeout-ms: 5000` (its default),
`x-driver-env`, `x-last-txn-ts` once it has seen a transaction, `Content-Type: application/json`, and the
body `{"query": {"fql": [...]}}`, where a template's arguments are interpolations: a number, string,
boolean, null, Date or byte array is `{"value": <tagged>}` (an integer within 32 bits `@int`, a safe one
beyond `@long`, any other number `@double`), a JS array `{"array": [...]}`, a JS object
`{"object": {...}}` (its `undefined` fields left out) and a nested `fql` template `{"fql": [...]}`.
`arguments` are tagged values (`@object` when a key starts with `@`). Streams POST `{token, cursor?}` to
/stream/1 and feeds `{token, page_size?, cursor? | start_ts?}` to /feed/1; a page after the first is
`Set.paginate(<after>)`. getServiceError (src/errors.ts) names the error class from the code:
`invalid_query` QueryCheckError, `invalid_request` InvalidRequestError, `abort` AbortError,
`constraint_failure` ConstraintFailureError, `unauthorized` AuthenticationError, ... and any other
code QueryRuntimeError; `error_class` below does the same.

Not replicated, as they never reach a server or need what fql cannot give:
- client-only checks: query.test.ts's "respects QueryRequest field ... over ClientConfiguration ..." (7)
  and "respects typechecked: undefined" (a mock HTTP client answers), "throws a NetworkError if the
  connection fails." (port 1), "throws a ClientError if the client fails unexpectedly", "session is
  closed regardless of number of clients" (node's HTTP/2 session bookkeeping), the five "... throw a
  TypeError" argument checks; template-format.test.ts's "fails with <TypedArray> variables" (10);
  stream.test.ts's "rejects cursor when not using a stream token"; functional/client-configuration.test.ts
  but for the four tests that query (the rest build clients from the environment or bad options), and
  functional/feed-client-configuration.test.ts, feed-client.test.ts (a mocked HTTP client) and
  stream-client-configuration.test.ts whole.
- 1 ms time limits that must expire before fql answers (a race fql mostly wins on loopback): query.test.ts
  "throws a QueryTimeoutError if the query times out" and "throws a NetworkError on client timeout",
  feed.test.ts "throws a QueryTimeoutError if the query times out" and "throws a NetworkError if the
  client times out".
- the internet: "throws a ProtocolError if the http fails outside Fauna" (frontdoor.fauna.com).
- query-limits.test.ts "succeeds on retry after getting throttled": a Fauna database set up to throttle
  (`QUERY_LIMITS_DB`), which the driver's own run skips without; fql has no throughput limits.
- empty tests: "throws a AuthorizationError if creds are not permissioned." and set.test.ts's "can
  round-trip Page" (their bodies are TODOs), "Client respects passed in client configuration over
  defaults".

99 of the 181 tests are replicated (100 cases); the 82 others are these. "endpoints is extensible" and
"can accept endpoints with or without a trailing slash." ask `localhost:7443` and `localhost:8443`
whatever the endpoint; here they ask the test server.

The stream tests' `StreamTest.all().map((doc) => notARealFn(doc)).toStream()` is made in a database
typechecked by default and fails in an event, as the driver's tests expect and fql answers; core's typer
(TyperExprs) would refuse the unbound name before the query runs (README, Typechecking, says why fql
finds unbound names where they are reached)."""

from __future__ import annotations

import base64
import json
import time
from datetime import datetime, timezone

import httpx
import pytest

fauna = pytest.importorskip("fauna")
from fauna.encoding import FaunaDecoder  # noqa: E402
from fauna.query.models import (  # noqa: E402
    Document,
    DocumentReference,
    Module,
    NamedDocument,
    NamedDocumentReference,
    NullDocument,
    Page,
)

import fql  # noqa: E402
from fql.server import ServerThread  # noqa: E402
from fql.server.streams import StreamSettings  # noqa: E402

WAIT = 10.0
#: What src/util/environment.ts getDriverEnv writes under node (what it cannot tell, `env`, left out).
DRIVER_ENV = "driver=javascript-2.5.0; os=linux-6.1.0; runtime=nodejs-v20.20.2"
#: JS's Document extends DocumentReference, and NamedDocument NamedDocumentReference; fauna-python's do not.
DOCUMENT_REFERENCE = (DocumentReference, Document)
NAMED_DOCUMENT_REFERENCE = (NamedDocumentReference, NamedDocument)


@pytest.fixture(scope="module")
def server():
    with ServerThread(fql.connect(), streams=StreamSettings(poll_interval=0.02, max_duration=20.0)) as running:
        yield running


class Query:
    """An `fql` template: its literal fragments and its arguments."""

    def __init__(self, fragments: list[str], args: tuple):
        self.fragments, self.args = fragments, args

    def encode(self) -> dict:
        """Query.encode: fragments and interpolations in turn, empty fragments left out."""
        parts: list = []
        for fragment, arg in zip(self.fragments, self.args):
            parts += [fragment, interpolation(arg)]
        parts.append(self.fragments[-1])
        return {"fql": [part for part in parts if part != ""]}


def q(template: str, *args) -> Query:
    """`fql` with `${}` where each argument goes: q("${}.length", "taco") is fql`${str}.length`."""
    fragments = template.split("${}")
    assert len(fragments) == len(args) + 1, template
    return Query(fragments, args)


class Tagged:
    """A value the driver encodes as a tagged value of its own (a Module, a document reference...)."""

    def __init__(self, tagged: dict):
        self.tagged = tagged


def tagged(value):
    """TaggedTypeFormat.encode of one value."""
    if isinstance(value, Tagged):
        return value.tagged
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        if -(2**31) <= value < 2**31:
            return {"@int": str(value)}
        return {"@long": str(value)}
    if isinstance(value, float):
        return {"@double": repr(value)}
    if isinstance(value, datetime):
        return {"@time": value.isoformat(timespec="milliseconds").replace("+00:00", "Z")}
    if isinstance(value, (bytes, bytearray)):
        return {"@bytes": base64.b64encode(value).decode()}
    if isinstance(value, list):
        return [tagged(v) for v in value]
    out = {k: tagged(v) for k, v in value.items()}
    return {"@object": out} if any(k.startswith("@") for k in value) else out


def interpolation(arg) -> dict:
    """encodeInterpolation: a template or a JS array or object stays a fragment, the rest is a value."""
    if isinstance(arg, Query):
        return arg.encode()
    if isinstance(arg, list):
        return {"array": [interpolation(v) for v in arg]}
    if isinstance(arg, dict):
        return {"object": {k: interpolation(v) for k, v in arg.items()}}
    return {"value": tagged(arg)}


def error_class(body: dict) -> str:
    """getServiceError: the driver's error class for an error body."""
    error = body["error"]
    named = {
        "invalid_query": "QueryCheckError",
        "invalid_request": "InvalidRequestError",
        "unauthorized": "AuthenticationError",
        "forbidden": "AuthorizationError",
        "contended_transaction": "ContendedTransactionError",
        "limit_exceeded": "ThrottlingError",
        "time_out": "QueryTimeoutError",
        "internal_error": "ServiceInternalError",
    }
    if error["code"] == "abort" and "abort" in error:
        return "AbortError"
    if error["code"] == "constraint_failure" and "constraint_failures" in error:
        return "ConstraintFailureError"
    return named.get(error["code"], "QueryRuntimeError")


class Failure(Exception):
    """A ServiceError: the HTTP status and the error body."""

    def __init__(self, status: int, body: dict):
        super().__init__(status, body)
        self.status, self.body, self.kind = status, body, error_class(body)
        self.code = body["error"]["code"]


class Client:
    """The JS Client's requests: its headers, the last transaction time it has seen, its pages."""

    def __init__(self, url: str, secret: str = "secret", **options):
        self.url, self.secret, self.options = url, secret, {"query_timeout_ms": 5000, **options}
        self.last_txn_ts: int | None = None
        self.sent: list[dict] = []

    def headers(self, options: dict) -> dict:
        """#setHeaders: each option set becomes its header, as the driver stringifies it."""
        headers = {"Authorization": f"Bearer {self.secret}", "x-format": options.get("format", "tagged")}
        names = {
            "typecheck": "x-typecheck",
            "performance_hints": "x-performance-hints",
            "query_timeout_ms": "x-query-timeout-ms",
            "linearized": "x-linearized",
            "max_contention_retries": "x-max-contention-retries",
            "traceparent": "traceparent",
        }
        for option, header in names.items():
            if option in options:
                found = options[option]
                headers[header] = str(found).lower() if isinstance(found, bool) else str(found)
        if "query_tags" in options:
            headers["x-query-tags"] = ",".join(f"{k}={v}" for k, v in options["query_tags"].items())
        if self.last_txn_ts is not None:
            headers["x-last-txn-ts"] = str(self.last_txn_ts)
        headers["x-driver-env"] = DRIVER_ENV
        headers["Content-Type"] = "application/json"
        return headers

    def set_last_txn_ts(self, ts: int | None) -> None:
        """The `lastTxnTs` setter: a time earlier than the one held, or undefined, changes nothing."""
        if ts is not None:
            self.last_txn_ts = max(ts, self.last_txn_ts) if self.last_txn_ts else ts

    def post(self, path: str, body, headers: dict) -> tuple[int, dict]:
        self.sent.append(headers)
        response = httpx.post(self.url.rstrip("/") + path, content=json.dumps(body), headers=headers, timeout=WAIT)
        return response.status_code, response.json()

    def answer(self, query: Query, **options) -> tuple[int, dict]:
        """The status and raw body of `client.query(query, options)`."""
        options = {**self.options, **options}
        body: dict = {"query": query.encode()}
        if "arguments" in options:
            body["arguments"] = {k: tagged(v) for k, v in options["arguments"].items()}
        status, found = self.post("/query/1", body, self.headers(options))
        ts = found.get("txn_ts")
        if "error" not in found and ts is not None and (self.last_txn_ts is None or self.last_txn_ts < ts):
            self.last_txn_ts = ts
        return status, found

    def query(self, query: Query, **options) -> dict:
        """client.query: the success body, its data decoded (raises Failure)."""
        status, found = self.answer(query, **options)
        if "error" in found:
            raise Failure(status, found)
        if found.get("query_tags"):
            found["query_tags"] = dict(tag.split("=") for tag in found["query_tags"].split(","))
        return {**found, "data": FaunaDecoder.decode(found["data"])}

    def data(self, query: Query, **options):
        return self.query(query, **options)["data"]

    def paginate(self, query: Query, **options):
        """SetIterator: the query's answer as pages (one page of it when it is no set), then
        `Set.paginate(<after>)` while there is an `after`."""
        found = self.data(query, **options)
        if not isinstance(found, Page):
            yield [found]
            return
        while True:
            if found.data is not None:
                yield found.data
            if not found.after:
                return
            more = self.data(q("Set.paginate(${})", found.after), **options)
            found = Page(data=more["data"], after=more.get("after"))

    def flatten(self, query: Query, **options) -> list:
        return [item for page in self.paginate(query, **options) for item in page]


@pytest.fixture(scope="module")
def make(server):
    """`make(secret, **options)`: a client of the test server, as getClient() is with FAUNA_ENDPOINT set."""

    def build(secret: str = "secret", **options) -> Client:
        return Client(server.url, secret, **options)

    return build


@pytest.fixture(scope="module")
def client(make) -> Client:
    return make(query_timeout_ms=60_000)


def fails(client: Client, query: Query, **options) -> Failure:
    with pytest.raises(Failure) as caught:
        client.query(query, **options)
    return caught.value


# -- integration/query.test.ts ---------------------------------------------------------------------------


def test_can_query_an_fql_v10_endpoint(client):
    found = client.query(q('"taco".length'))
    assert found["data"] == 4
    assert "summary" in found and "txn_ts" in found
    stats = found["stats"]
    for name in ("compute_ops", "contention_retries", "query_time_ms", "rate_limits_hit", "read_ops"):
        assert name in stats
    for name in ("storage_bytes_read", "storage_bytes_write", "write_ops"):
        assert name in stats


def test_can_query_with_arguments(client):
    found = client.query(q("${}.length", "taco"))
    assert found["data"] == 4 and "txn_ts" in found


def test_can_query_with_tags(client):
    query_tags = {"project": "teapot", "hello": "world", "testing": "foobar"}
    assert client.query(q('"foo"'), query_tags=query_tags)["query_tags"] == query_tags


def test_can_send_arguments_directly(client):
    foo = {
        "double": 4.14,
        "int": 32,
        "string": "foo",
        "null": None,
        "object": {"foo": "bar"},
        "array": [1, 2, 3],
        "@tagged": "tagged",
    }
    found = client.data(q("foo"), arguments={"foo": foo})
    assert found["double"] == 4.14 and isinstance(found["double"], float)
    assert found["int"] == 32 and found["string"] == "foo" and found["null"] is None
    assert found["object"] == {"foo": "bar"} and found["array"] == [1, 2, 3]
    assert found["@tagged"] == "tagged"


def test_throws_a_query_check_error_if_the_query_is_invalid(client):
    failure = fails(client, q("happy little fox"))
    assert (failure.kind, failure.status, failure.code) == ("QueryCheckError", 400, "invalid_query")
    assert failure.body["error"]["message"] and "summary" in failure.body


def test_throws_a_query_runtime_error_if_the_query_hits_a_runtime_error(client):
    failure = fails(client, q('2 + "2"'), typecheck=False)
    assert (failure.kind, failure.status, failure.code) == ("QueryRuntimeError", 400, "invalid_argument")
    assert "summary" in failure.body


def test_includes_constraint_failures_when_present(make):
    # In a database of its own: the driver's run leaves `my_double` behind in its top database.
    client = make(database(make, "JsConstraintFailures"))
    create = q('Function.create({"name": "my_double", "body": "x => x * 2"})')
    client.query(create)
    failure = fails(client, create)
    assert (failure.kind, failure.status, failure.code) == ("ConstraintFailureError", 400, "constraint_failure")
    assert isinstance(failure.body["summary"], str)
    (only,) = failure.body["error"]["constraint_failures"]
    assert set(only) == {"message", "paths"} and isinstance(only["message"], str)
    assert only["paths"] and all(isinstance(path, list) for path in only["paths"])


def test_throws_an_invalid_request_error_when_request_is_invalid(client):
    # The driver's test swaps the request for the string "{}", which its fetch client JSON-encodes.
    status, found = client.post("/query/1", "{}", client.headers(client.options))
    assert (status, error_class(found), found["error"]["code"]) == (400, "InvalidRequestError", "invalid_request")


def test_throws_a_abort_error_is_the_abort_function_is_called(client):
    failure = fails(client, q('abort("oops")'))
    assert (failure.kind, failure.status, failure.code) == ("AbortError", 400, "abort")
    assert "summary" in failure.body
    assert FaunaDecoder.decode(failure.body["error"]["abort"]) == "oops"


def test_throws_a_authentication_error_creds_are_invalid(make):
    failure = fails(make("nah", query_timeout_ms=60), q("Collection.create({ name: 'Wah' })"))
    assert (failure.kind, failure.status, failure.code) == ("AuthenticationError", 401, "unauthorized")
    assert failure.body["error"]["message"] and "summary" not in failure.body


def test_can_be_called_after_session_idle_timeout(make):
    client = make(http2_session_idle_ms=50)
    assert client.data(q('"hello"')) == "hello"
    time.sleep(0.1)
    assert client.data(q('"hello"')) == "hello"


def test_treats_undefined_as_unprovided_when_in_object(client):
    name = "UndefinedTest"
    client.query(q("if (Collection.byName(${}) == null) {\n  Collection.create({ name: ${}})\n}", name, name))
    # The driver leaves out `shouldnt_exist` and `i_dont_exist`, whose values are `undefined`.
    tough = {"foo": "bar", "nested_object": {"i_exist": True}}
    made = client.data(q("UndefinedTest.create(${})", tough))
    assert "should_exist" not in made and "i_dont_exist" not in made["nested_object"]
    assert made["foo"] == "bar" and made["nested_object"]["i_exist"] is True


# -- integration/doc.test.ts -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def test_doc(client) -> Document:
    client.query(
        q(
            """[
  if (Collection.byName("DocTest") == null) { Collection.create({ name: "DocTest" }) },
  if (Collection.byName("DocTest2") == null) { Collection.create({ name: "DocTest2" }) }
]"""
        )
    )
    return client.data(q("DocTest.create({})"))


def ref(id: str, coll: str) -> Tagged:
    """A DocumentReference (or a Document, which the driver sends as its reference)."""
    return Tagged({"@ref": {"id": id, "coll": {"@mod": coll}}})


def named_ref(name: str, coll: str) -> Tagged:
    return Tagged({"@ref": {"name": name, "coll": {"@mod": coll}}})


def test_can_round_trip_module(client, test_doc):
    found = client.data(q("${}", Tagged({"@mod": "DocTest"})))
    assert isinstance(found, Module) and found.name == "DocTest"


def test_can_round_trip_document_reference_to_a_non_existent_doc(client, test_doc):
    found = client.data(q("${}", ref("101", "DocTest")))
    assert isinstance(found, NullDocument) and found.cause == "not found"
    assert found.ref.id == "101" and found.ref.coll.name == "DocTest"


def test_can_round_trip_document_reference_to_an_existent_doc(client, test_doc):
    found = client.data(q("${}", ref(test_doc.id, test_doc.coll.name)))
    assert isinstance(found, Document)
    assert (found.id, found.coll.name, found.ts) == (test_doc.id, test_doc.coll.name, test_doc.ts)


def test_can_round_trip_document(client, test_doc):
    # A Document goes out as its reference, as the one above.
    found = client.data(q("${}", ref(test_doc.id, test_doc.coll.name)))
    assert isinstance(found, Document)
    assert (found.id, found.coll.name, found.ts) == (test_doc.id, test_doc.coll.name, test_doc.ts)


def test_can_round_trip_named_document_reference(client, test_doc):
    found = client.data(q("${}", named_ref("DocTest", "Collection")))
    assert isinstance(found, NAMED_DOCUMENT_REFERENCE)
    assert (found.name, found.coll.name) == ("DocTest", "Collection")


def test_can_round_trip_named_document(client, test_doc):
    # A NamedDocument (its ts 2023-10-16) goes out as its reference too.
    found = client.data(q("${}", named_ref("DocTest", "Collection")))
    assert isinstance(found, NamedDocument)
    assert (found.name, found.coll.name) == ("DocTest", "Collection") and found.ts is not None


def test_get_doc_types_from_fql(client, test_doc):
    found = client.data(
        q(
            """{
  module: DocTest,
  document: DocTest.create({
    documentReference: DocTest.create({}),
    namedDocumentReference: DocTest2.definition,
  }),
  namedDocument: DocTest.definition
}"""
        )
    )
    assert isinstance(found["module"], Module)
    assert isinstance(found["document"], Document)
    assert isinstance(found["document"]["documentReference"], DOCUMENT_REFERENCE)
    assert isinstance(found["document"]["namedDocumentReference"], NAMED_DOCUMENT_REFERENCE)
    assert isinstance(found["namedDocument"], NamedDocument)


def test_can_set_and_read_ttl(client, test_doc):
    assert "ttl" not in client.data(q("${}", ref(test_doc.id, "DocTest")))
    updated = client.data(q('${}.update({ ttl: Time.now().add(1, "day") })', ref(test_doc.id, "DocTest")))
    assert isinstance(updated["ttl"], datetime)


# -- integration/set.test.ts -----------------------------------------------------------------------------

SMALL_ITEMS, BIG_ITEMS = set(range(10)), set(range(20))


@pytest.fixture(scope="module")
def iter_collections(client):
    client.query(
        q(
            """if (Collection.byName("IterTestSmall") != null) { Collection.byName("IterTestSmall")!.delete() }
if (Collection.byName("IterTestBig") != null) { Collection.byName("IterTestBig")!.delete() }"""
        )
    )
    client.query(q('Collection.create({ name: "IterTestSmall" })\nCollection.create({ name: "IterTestBig" })'))
    client.query(
        q(
            "${}.map(i => IterTestSmall.create({ value: i }))\n${}.map(i => IterTestBig.create({ value: i }))",
            sorted(SMALL_ITEMS),
            sorted(BIG_ITEMS),
        )
    )


def values(pages) -> set:
    return {item["value"] for page in pages for item in page}


def test_can_get_single_page_using_for_of_when_the_set_is_small(client, iter_collections):
    pages = list(client.paginate(q("IterTestSmall.all()")))
    assert [len(page) for page in pages] == [10] and values(pages) == SMALL_ITEMS


def test_can_get_multiple_pages_using_for_of_when_the_set_is_large(client, iter_collections):
    pages = list(client.paginate(q("IterTestBig.all()")))
    assert all(len(page) > 0 for page in pages) and values(pages) == BIG_ITEMS


def test_can_get_pages_using_next(client, iter_collections):
    pages = client.paginate(q("IterTestBig.all()"))
    first, second = next(pages), next(pages)
    assert (len(first), len(second)) == (16, 4)
    assert next(pages, None) is None
    assert values([first, second]) == BIG_ITEMS


def test_can_get_pages_using_a_loop_with_next(client, iter_collections):
    pages = list(client.paginate(q("IterTestBig.all()")))
    assert len(pages) == 2 and all(len(page) > 0 for page in pages)


def test_can_can_stop_the_iterator_with_the_return_method(client, iter_collections):
    pages = client.paginate(q("IterTestBig.all()"))
    assert len(next(pages)) == 16
    pages.close()
    assert next(pages, None) is None


def test_can_can_stop_the_iterator_with_the_throw_method(client, iter_collections):
    pages = client.paginate(q("IterTestBig.all()"))
    assert len(next(pages)) == 16
    with pytest.raises(ValueError, match="oops"):
        pages.throw(ValueError("oops"))


def test_can_paginate_a_query_that_returns_a_set(client, iter_collections):
    pages = list(client.paginate(q("IterTestBig.all()")))
    assert len(pages) == 2 and all(len(page) > 0 for page in pages)


def test_can_paginate_a_query_that_does_not_return_a_set(client):
    assert list(client.paginate(q("42"))) == [[42]]


def test_can_be_flattened(client, iter_collections):
    items = client.flatten(q("IterTestBig.all()"))
    assert len(items) == 20 and all(item.id for item in items)
    assert {item["value"] for item in items} == BIG_ITEMS


@pytest.mark.parametrize(
    "name",
    ["each page respects QueryOptions using an existing Page", "each page respects QueryOptions using an a query"],
)
def test_each_page_respects_query_options(make, iter_collections, name):
    client = make()
    items = client.flatten(q("IterTestBig.all()"), query_timeout_ms=12345)
    assert len(client.sent) == 2 and all(sent["x-query-timeout-ms"] == "12345" for sent in client.sent)
    assert {item["value"] for item in items} == BIG_ITEMS


# -- integration/template-format.test.ts ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name, query, expected",
    [
        ("succeeds with no arguments", q('"hello world"'), "hello world"),
        ("succeeds with a string variable", q("${}.length", "foo"), 3),
        ("succeeds with an Int variable", q("'foo'.length == ${}", 3), True),
        ("succeeds with a Long variable", q("${} + ${}", 2**60, 2**60), 2**61),
        ("succeeds with a Double variable", q("2 * ${}", 3.14), 6.28),
        ("succeeds with a boolean variable", q("true && ${}", True), True),
        ("succeeds with a null variable", q("${}", None), None),
        (
            "succeeds with an object variable",
            q("\n  let x = ${}\n  x.foo + x.bar\n", {"foo": "foo", "bar": "bar"}),
            "foobar",
        ),
        ("succeeds with an array variable", q("\n  let xs = ${}\n  xs.map(x => x + 10)\n", [1, 2, 3]), [11, 12, 13]),
        ("succeeds with multiple variables", q("${}.length == ${}", "foo", 3), True),
        ("succeeds with nested expressions", q("${}.length == ${}", "foo", q("(${} - 3)", 6)), True),
        (
            "succeeds with deep nested expressions",
            q("${}.length == ${}", q("(${} + ${})", "foo", "bar"), q("(${} - ${})", q("(${} + 3)", 6), 3)),
            True,
        ),
        (
            "succeeds with deep nested expressions - example 2",
            q("${}.length + ${}", q("(${} + ${})", "foo", "bar"), q("(${} + ${})", q("(${} + 3)", 6), 3)),
            18,
        ),
        ("succeeds with expressions nested within objects", q("${}", {"a": q("1"), "b": q("2")}), {"a": 1, "b": 2}),
        ("succeeds with expressions nested within arrays", q("${}", [q("1"), q("2")]), [1, 2]),
        (
            "succeeds with expressions nested within arrays and objects combined",
            q("${}", [[q("1")], {"a": q("1"), "b": q("2")}]),
            [[1], {"a": 1, "b": 2}],
        ),
        (
            "succeeds with multiple layers of nesting of arrays and objects",
            q("${}", [[q("1 + ${}", q("2"))], {"a": q("1"), "b": q("2"), "c": {"a": q("3"), "b": q("4")}}]),
            [[3], {"a": 1, "b": 2, "c": {"a": 3, "b": 4}}],
        ),
        (
            "succeeds with FQL string interpolation",
            q('\n  let name = ${}\n  "Hello, #{name}"\n', "Alice"),
            "Hello, Alice",
        ),
    ],
)
def test_template_format(client, name, query, expected):
    found = client.data(query)
    assert found == expected and type(found) is type(expected)


def test_succeeds_with_a_date_arg(client):
    # toISOString always writes milliseconds; a time with none would come back without them.
    moment = datetime.now(timezone.utc).replace(microsecond=123000)
    status, found = client.answer(q("${}", moment))
    assert status == 200 and found["data"] == {"@time": tagged(moment)["@time"]}


@pytest.mark.parametrize("name", ["succeeds with an ArrayBuffer variable", "succeeds with Uint8Array variables"])
def test_succeeds_with_bytes(client, name):
    found = client.data(q("${}", bytes([1, 2, 3])))
    assert len(found) == 3 and found == bytes([1, 2, 3])


def test_succeeds_using_node_buffer_to_encode_strings(client):
    text = "This is a test string \U0001f680 with various characters: !@#$%^&*()_+=-`~[]{}|;:'\",./<>?"
    assert client.data(q("${}", text.encode())).decode() == text


# -- integration/query-typings.test.ts (each for `query` and for `paginate`) -----------------------------


@pytest.mark.parametrize("method", ["query", "paginate"])
@pytest.mark.parametrize(
    "name",
    [
        "allows customers to use their own types in queries",
        "allows customers to use their own interfaces in queries",
        "allows customers to infer their own types in queries from fql statements",
    ],
)
def test_query_typings(client, method, name):
    query, paginated = q('{ "x": 123 }'), q('[{ "x": 123}].toSet()')
    if method == "query":
        assert client.data(query) == {"x": 123}
    else:
        # A query that gives no page is paginated as a page holding its one answer.
        assert client.flatten(paginated) + client.flatten(query) == [{"x": 123}, {"x": 123}]


@pytest.mark.parametrize("method", ["query", "paginate"])
def test_allows_customers_to_use_subtyped_queries(client, method):
    assert client.data(q('"hello"')) == "hello"


# -- integration/existing-collection.test.ts --------------------------------------------------------------

AUTHORS = [
    {"firstName": "one", "lastName": "one", "genre": "mystery"},
    {"firstName": "two", "lastName": "two", "genre": "fantasy"},
    {"firstName": "three", "lastName": "four", "genre": "sci-fi"},
    {"firstName": "five", "lastName": "six", "genre": "sci-fi"},
    {"firstName": "seven", "lastName": "eight", "genre": "mystery"},
]


def test_can_query_an_existing_index(client):
    setup = """if (Collection.byName("Authors") == null) {
  Collection.create({
    name: "Authors",
    indexes: {
      byName: { terms: [ { field: "firstName" }, { field: "lastName" } ] },
      byGenre: { terms: [ { field: "genre" } ] }
    },
    constraints: [ { unique: [ "firstName", "lastName" ] } ]
  })
} else {
  "Authors already exists."
}"""
    # Run twice, as the driver's suite runs against a database it ran against before: the second time
    # each author breaks the unique constraint, which its beforeAll expects.
    for _ in range(2):
        client.query(q(setup))
        for author in AUTHORS:
            try:
                client.query(q("Authors.create(${})", author))
            except Failure as failure:
                assert "unique constraint" in failure.body["error"]["message"]
    found = client.data(q('Authors.byGenre("sci-fi") {\n  firstName,\n  lastName,\n  genre\n}'))
    assert found.data == AUTHORS[2:4]


# -- integration/schema-version.test.ts -------------------------------------------------------------------


def database(make, name: str) -> str:
    """newDB: the database `name` made again (its keys and itself deleted first) and an admin key's secret."""
    return make().data(
        q(
            """if (Database.byName(${}).exists()) {
  Key.where(.database == ${}).forEach(.delete())
  Database.byName(${})!.delete()
}
Database.create({ name: ${} })
Key.create({ role: "admin", database: ${} }).secret""",
            *[name] * 5,
        )
    )


def test_returns_the_schema_version(make):
    client = make(database(make, "SchemaTest"))
    made = client.query(q('Collection.create({ name: "TestColl" })'))
    assert client.query(q("TestColl.all()"))["schema_version"] == made["txn_ts"]


# -- integration/client-last-txn-tracking.test.ts --------------------------------------------------------

IF_MISSING = "if (Collection.byName('${}') == null) {\n  Collection.create({ name: '${}' })\n}"


def create_if_missing(client: Client, name: str) -> dict:
    return client.query(q(IF_MISSING.replace("${}", name)))


def test_tracks_the_last_txn_ts_datetime_and_send_in_the_headers(make):
    client = make(query_timeout_ms=60_000)
    seen = []
    for name in ("Customers", "Orders", "Products"):
        seen.append(create_if_missing(client, name)["txn_ts"])
    assert all(ts is not None for ts in seen) and seen[0] != seen[1] != seen[2]
    assert "x-last-txn-ts" not in client.sent[0]
    assert [sent["x-last-txn-ts"] for sent in client.sent[1:]] == [str(seen[0]), str(seen[1])]


def test_accepts_an_override_of_the_last_txn_ts_datetime_and_sends_in_the_headers(make):
    client = make(query_timeout_ms=60_000)
    one = create_if_missing(client, "Customers")["txn_ts"]
    client.set_last_txn_ts(one)
    two = create_if_missing(client, "Orders")["txn_ts"]
    client.set_last_txn_ts(0)
    three = create_if_missing(client, "Products")["txn_ts"]
    assert None not in (one, two, three) and one != two != three
    assert [sent["x-last-txn-ts"] for sent in client.sent[1:]] == [str(one), str(two)]


def test_ignores_overrides_of_the_last_txn_ts_that_are_less_than_the_current_value_or_undefined(make):
    client = make(query_timeout_ms=60_000)
    assert client.last_txn_ts is None
    create_if_missing(client, "Foozball")
    expected = client.last_txn_ts
    assert expected is not None
    client.set_last_txn_ts(expected - 1)
    client.set_last_txn_ts(None)
    assert client.last_txn_ts == expected


# -- integration/stream.test.ts ---------------------------------------------------------------------------


def child_database(make, name: str) -> None:
    """The child database `name`, made unless it is there (the driver's suites keep theirs between runs)."""
    make().query(q("if (Database.byName(${}) == null) {\n  Database.create({ name: ${} })\n}", name, name))


@pytest.fixture(scope="module")
def stream_client(make):
    """The child database StreamTestDB (streams do not work on a top database in Fauna), reached with
    `secret:StreamTestDB:admin`, and its collection StreamTest made again."""
    child_database(make, "StreamTestDB")
    client = make("secret:StreamTestDB:admin")
    client.query(q('if (Collection.byName("StreamTest") != null) {\n  Collection.byName("StreamTest")!.delete()\n}'))
    client.query(q('Collection.create({ name: "StreamTest" })'))
    return client


def stream_events(
    client: Client, token: str, n: int, cursor: str | None = None, status_events: bool = False, raw: bool = False
) -> list:
    """StreamClient: POST /stream/1 `{token, cursor}`, events decoded (unless `raw`), `status` ones
    dropped unless `status_events`; the first `n` kept (an error event ends the stream as the Failure it
    is)."""
    body = {"token": token, **({"cursor": cursor} if cursor else {})}
    headers = {"Authorization": f"Bearer {client.secret}", "Content-Type": "application/json"}
    found: list = []
    opened = httpx.stream("POST", client.url + "/stream/1", content=json.dumps(body), headers=headers, timeout=WAIT)
    with opened as response:
        if response.status_code != 200:
            response.read()
            raise Failure(response.status_code, response.json())
        for line in response.iter_lines():
            if not line.strip():
                continue
            event = json.loads(line)
            if event["type"] == "error":
                raise Failure(None, event)
            if event["type"] == "status" and not status_events:
                continue
            if not raw:
                event = {**event, "data": FaunaDecoder.decode(event["data"]) if "data" in event else None}
            found.append(event)
            if len(found) == n:
                return found
    return found


def token_of(client: Client, text: str) -> str:
    return client.data(q(text)).token


@pytest.mark.parametrize(
    "name",
    [
        "can initiate a stream from a Client",
        "can initiate a stream from a Client, providing a query",
        "can initiate a stream",
        "can initiate a stream with a lambda",
    ],
)
def test_can_initiate_a_stream(stream_client, name):
    token = token_of(stream_client, "StreamTest.all().toStream()")
    (event,) = stream_events(stream_client, token, 1, status_events=True)
    assert event["type"] == "status"


def test_can_resume_a_stream_from_an_event_cursor(stream_client):
    token = token_of(stream_client, "StreamTest.all().toStream()")
    stream_client.query(q("StreamTest.create({ value: 0 })"))
    stream_client.query(q("StreamTest.create({ value: 1 })"))
    (first,) = stream_events(stream_client, token, 1)
    assert first["type"] == "add" and first["data"]["value"] == 0
    (second,) = stream_events(stream_client, token, 1, cursor=first["cursor"])
    assert second["type"] == "add" and second["data"]["value"] == 1


@pytest.mark.parametrize("name", ["can get events with async iterator", "can get events with callbacks"])
def test_can_get_events(stream_client, name):
    token = token_of(stream_client, "StreamTest.all().toStream()")
    stream_client.query(q("StreamTest.create({ value: 0 })"))
    stream_client.query(q("StreamTest.create({ value: 1 })"))
    found = stream_events(stream_client, token, 2)
    assert [(e["type"], e["data"]["value"]) for e in found] == [("add", 0), ("add", 1)]


@pytest.mark.parametrize(
    "name",
    [
        "catches InvalidRequestError when establishing a stream",
        "handles InvalidRequestError via callback when establishing a stream",
    ],
)
def test_invalid_request_error_when_establishing_a_stream(stream_client, name):
    with pytest.raises(Failure) as caught:
        stream_events(stream_client, "2", 1)
    assert caught.value.kind == "InvalidRequestError"


@pytest.mark.parametrize(
    "name, text, kind",
    [
        ("catches an AbortError if abort is called when processing an event", 'abort("oops")', "AbortError"),
        ("catches a QueryRuntimeError when processing an event", "notARealFn(doc)", "QueryRuntimeError"),
        (
            "handles an AbortError via callback if abort is called when processing an event",
            'abort("oops")',
            "AbortError",
        ),
        ("handles a QueryRuntimeError via callback when processing an event", "notARealFn(doc)", "QueryRuntimeError"),
    ],
)
def test_error_when_processing_an_event(stream_client, name, text, kind):
    token = token_of(stream_client, f"StreamTest.all().map((doc) => {text}).toStream()")
    stream_client.query(q("StreamTest.create({ value: 0 })"))
    with pytest.raises(Failure) as caught:
        stream_events(stream_client, token, 1)
    # An error event has no HTTP status of its own.
    assert (caught.value.kind, caught.value.status) == (kind, None)
    if kind == "AbortError":
        assert FaunaDecoder.decode(caught.value.body["error"]["abort"]) == "oops"


def test_decodes_values_from_streams_correctly(stream_client):
    token = token_of(
        stream_client,
        "StreamTest.all().map((doc) => {\n  time: Time.now(),\n  date: Date.today(),\n  doc: doc,\n"
        "  bigInt: 922337036854775808,\n}).toStream()",
    )
    stream_client.query(q("StreamTest.create({ value: 0 })"))
    (event,) = stream_events(stream_client, token, 1)
    data = event["data"]
    assert event["type"] == "add"
    assert isinstance(data["time"], datetime) and type(data["date"]).__name__ == "date"
    assert isinstance(data["doc"], Document) and data["bigInt"] == 922337036854775808
    # The second stream (long_type "bigint") reads the same event: a `@long`, which the driver gives as a
    # number or a BigInt as it is told.
    (again,) = stream_events(stream_client, token, 1, raw=True)
    assert again["data"]["bigInt"] == {"@long": "922337036854775808"}


def test_yields_all_events_when_fauna_sends_them_as_a_single_chunk(stream_client):
    stream_client.query(q("StreamTest.all().forEach(.delete())"))
    token = token_of(stream_client, "StreamTest.all().toStream()")
    for n in range(3):
        stream_client.query(q("StreamTest.create({ value: ${} })", n))
    stream_client.query(q("StreamTest.all().forEach(.delete())"))
    found = stream_events(stream_client, token, 6)
    assert [e["type"] for e in found] == ["add"] * 3 + ["remove"] * 3
    assert all(e["data"] is not None for e in found)


# -- integration/feed.test.ts -----------------------------------------------------------------------------


@pytest.fixture
def feed_client(make):
    """FeedTestDB's FeedTest, emptied after each test."""
    child_database(make, "FeedTestDB")
    client = make("secret:FeedTestDB:admin")
    client.query(q('if (Collection.byName("FeedTest") == null) {\n  Collection.create({ name: "FeedTest" })\n}'))
    yield client
    client.query(q("FeedTest.all().forEach(d => d.delete());"))


def feed_page(client: Client, body: dict) -> dict:
    """FeedClient.nextPage: POST /feed/1 `{token, page_size?, cursor? | start_ts?}` with its headers; an
    error answer, or an error event in the page, is the Failure it is."""
    headers = {
        "Authorization": f"Bearer {client.secret}",
        "x-format": "tagged",
        "x-driver-env": DRIVER_ENV,
        "x-query-timeout-ms": "5000",
        "Content-Type": "application/json",
    }
    status, page = client.post("/feed/1", body, headers)
    if "error" in page:
        raise Failure(status, page)
    for event in page["events"]:
        if event["type"] == "error":
            raise Failure(None, event)
    return page


def feed_pages(client: Client, token: str, **options) -> list[dict]:
    """A feed's pages, one after another while `has_next`, each next one from the last page's cursor."""
    pages = [feed_page(client, {"token": token, **options})]
    while pages[-1]["has_next"]:
        body = {"token": token, **{k: v for k, v in options.items() if k != "start_ts"}, "cursor": pages[-1]["cursor"]}
        pages.append(feed_page(client, body))
    return pages


CREATE_THREE = "Set.sequence(0, 3).forEach(v => FeedTest.create({ value: v + 1}));"


def test_should_throw_a_client_error_if_not_using_a_stream_token(feed_client):
    # The driver refuses any answer that is no event source before it asks for a feed.
    assert not isinstance(feed_client.data(q("1+1")), fauna.query.models.EventSource)


def test_should_return_a_iterable_feed_from_a_stream_token(feed_client):
    token = token_of(feed_client, "FeedTest.all().eventSource()")
    feed_client.query(q(CREATE_THREE))
    (page,) = feed_pages(feed_client, token)
    assert len(page["events"]) == 3
    first = page["events"][0]
    assert first["type"] == "add" and FaunaDecoder.decode(first["data"])["value"] == 1


def test_should_return_an_iterable_feed_with_a_lambda(feed_client):
    feed_client.query(q("FeedTest.create({ value: 1})"))
    # The driver asks for its event source when it reads the first page: after the write.
    token = token_of(feed_client, "FeedTest.all().eventSource()")
    (page,) = feed_pages(feed_client, token)
    assert page["events"] == []


@pytest.mark.parametrize(
    "name",
    [
        "should pass configuration to the feed client",
        "can be instantiated directly with a token and client configuration",
    ],
)
def test_feed_pages_of_one_from_start_ts(feed_client, name):
    start = feed_client.query(q("FeedTest.create({ value: 1})"))["txn_ts"]
    feed_client.query(q(CREATE_THREE))
    token = token_of(feed_client, "FeedTest.all().eventSource()")
    pages = feed_pages(feed_client, token, page_size=1, start_ts=start)
    assert [len(page["events"]) for page in pages] == [1, 1, 1]
    assert FaunaDecoder.decode(pages[0]["events"][0]["data"])["value"] == 1


def test_can_resume_from_a_cursor_using_a_query(feed_client):
    start = feed_client.query(q("FeedTest.create({ value: 1})"))["txn_ts"]
    feed_client.query(q(CREATE_THREE))
    token = token_of(feed_client, "FeedTest.all().eventSource()")
    first = feed_page(feed_client, {"token": token, "page_size": 1, "start_ts": start})
    (page,) = feed_pages(feed_client, token_of(feed_client, "FeedTest.all().eventSource()"), cursor=first["cursor"])
    assert len(page["events"]) == 2


def test_can_pass_an_existing_cursor(feed_client):
    token = token_of(feed_client, "FeedTest.all().eventSource()")
    feed_client.query(q(CREATE_THREE))
    first = feed_page(feed_client, {"token": token, "page_size": 1})
    assert len(first["events"]) == 1
    (page,) = feed_pages(feed_client, token, cursor=first["cursor"])
    assert len(page["events"]) == 2


def test_throws_an_error_on_an_error_event_within_a_page_of_events(feed_client):
    token = token_of(feed_client, "FeedTest.all().map(_ => abort('oops')).eventSource()")
    feed_client.query(q("FeedTest.create({ value: 1})"))
    with pytest.raises(Failure) as caught:
        feed_pages(feed_client, token)
    assert caught.value.kind == "AbortError"


def test_can_return_a_flattened_array_of_events(feed_client):
    token = token_of(feed_client, "FeedTest.all().eventSource()")
    feed_client.query(q(CREATE_THREE))
    assert sum(len(page["events"]) for page in feed_pages(feed_client, token)) == 3


# -- functional/client-configuration.test.ts --------------------------------------------------------------


def test_endpoints_is_extensible(make):
    found = make(query_timeout_ms=60_000).query(q('"taco".length'))
    assert found["data"] == 4 and "txn_ts" in found


def test_defaults_performance_hints_to_not_setting_the_x_performance_hints_header(make):
    client = make()
    assert client.data(q('"taco".length')) == 4
    assert "x-performance-hints" not in client.sent[0]


@pytest.mark.parametrize(
    "field, value, header, sent",
    [
        ("linearized", True, "x-linearized", "true"),
        ("max_contention_retries", 3, "x-max-contention-retries", "3"),
        ("query_tags", {"t1": "v1", "t2": "v2"}, "x-query-tags", "t1=v1,t2=v2"),
        ("traceparent", "00-750efa5fb6a131eb2cf4db39f28366cb-5669e71839eca76b-00", "traceparent", None),
        ("typecheck", False, "x-typecheck", "false"),
        ("performance_hints", True, "x-performance-hints", "true"),
    ],
)
def test_setting_client_configuration_leads_to_it_being_sent_in_headers(make, field, value, header, sent):
    client = make(**{field: value})
    assert client.data(q('"taco".length')) == 4
    assert client.sent[0]["x-query-timeout-ms"] == "5000"
    assert client.sent[0][header] == (sent or value)


@pytest.mark.parametrize("slash", ["/", ""])
def test_can_accept_endpoints_with_or_without_a_trailing_slash(server, slash):
    assert Client(server.url + slash).data(q('"taco".length')) == 4
