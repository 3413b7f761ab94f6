"""fauna/fauna-python's integration tests (tests/integration, driver 2.4.0, read at its head `e5dc8c9`)
replayed through the installed fauna driver against `fql serve`: each test below restates the driver
test of its name (its file in the section comment), with the same flow and assertions.

As its conftest does, each test works in a collection named after a random suffix of the top database
(`a_collection`, `pagination_collections`), or in a child database reached with the scoped secret
`secret:<db>:admin` (`scoped_client`).

Not replicated:
- test_client.py test_handle_invalid_json_response: asks https://dashboard.fauna.com (the internet).
- test_query.py test_query_timeout and test_paginate.py test_respects_query_options: a 1 ms
  `query_timeout` that must expire before fql answers, a race fql mostly wins on loopback.
- test_client_with_query_limits.py test_client_retries_throttled_query: needs a Fauna database set up
  to throttle (`QUERY_LIMITS_DB`, `QUERY_LIMITS_COLL`); fql has no throughput limits, and the driver
  skips it without them.

test_feeds.py's test_rejects_when_both_start_ts_and_cursor_provided is
test_feed_rejects_when_both_start_ts_and_cursor_provided here, beside test_stream.py's of that name.

Two differ from the driver's marks, as core answers: test_traceparent_echos (skipped by the driver,
"not currently supported by core") checks core's HttpRequestHandler, which keeps the caller's trace id
under a span id of its own, so the traceparent is not echoed whole; test_feeds_continue_after_an_error
(xfail, "pending core support") holds, as core's FeedSpec "stop at first error, then resume the feed"
has it: a page stops at its error event and the next page resumes after it."""

from __future__ import annotations

import json
import random
import re
import string
import threading
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import httpx
import pytest

fauna = pytest.importorskip("fauna")
from fauna import Document, Module, NamedDocument, NullDocument, Page, fql as q  # noqa: E402
from fauna.client import Client, FeedOptions, QueryOptions, StreamOptions  # noqa: E402
from fauna.encoding import ConstraintFailure  # noqa: E402
from fauna.errors import (  # noqa: E402
    AbortError,
    ClientError,
    NetworkError,
    QueryCheckError,
    QueryRuntimeError,
    RetryableFaunaException,
)
from fauna.http.httpx_client import HTTPXClient  # noqa: E402

import fql  # noqa: E402
from fql.server import ServerThread  # noqa: E402
from fql.server.streams import StreamSettings  # noqa: E402

WAIT = 10.0


@pytest.fixture(scope="module")
def server():
    with ServerThread(fql.connect(), streams=StreamSettings(poll_interval=0.02, max_duration=20.0)) as running:
        yield running


@pytest.fixture(scope="module")
def make(server):
    """`make(secret, **options)`: a fauna Client of the test server, as `Client()` is with FAUNA_ENDPOINT set."""

    def build(secret: str = "secret", **options) -> Client:
        return Client(endpoint=server.url, secret=secret, **options)

    return build


@pytest.fixture(scope="module")
def client(make) -> Client:
    return make()


@pytest.fixture
def suffix() -> str:
    return "".join(random.choice(string.ascii_lowercase) for _ in range(5))


@pytest.fixture
def scoped_secret(client, suffix) -> str:
    name = f"Test_{suffix}"
    client.query(q("Database.create({ name: ${name} })", name=name))
    return f"secret:{name}:admin"


@pytest.fixture
def scoped_client(make, scoped_secret) -> Client:
    return make(scoped_secret)


@pytest.fixture
def a_collection(client, suffix) -> Module:
    client.query(q("Collection.create({ name: ${name} })", name=f"Test_{suffix}"))
    return Module(f"Test_{suffix}")


@pytest.fixture
def pagination_collections(client, suffix) -> tuple[Module, Module]:
    """Two collections: 10 documents `{value: i}` and 20, each written by a query of its own."""
    found = []
    for prefix, count in (("IterTestSmall", 10), ("IterTestBig", 20)):
        name = f"{prefix}_{suffix}"
        client.query(q("Collection.create({ name: ${name} })", name=name))
        for i in range(count):
            client.query(q("${mod}.create({ value: ${i} })", mod=Module(name), i=i))
        found.append(Module(name))
    return found[0], found[1]


def in_thread(target) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def joined(thread: threading.Thread) -> None:
    thread.join(WAIT)
    assert not thread.is_alive(), "the stream thread is still reading"


def collect(stream, events: list, until: int, key=lambda event: event["type"]) -> None:
    """Read `stream` into `events` (each as `key` gives it), closing it once it holds `until`."""
    with stream as found:
        for event in found:
            events.append(key(event))
            if len(events) == until:
                found.close()


# test_client.py


def test_client_tracks_last_txn_ts(make, a_collection):
    fresh = make()
    assert fresh.get_last_txn_ts() is None
    fresh.query(q("${col}.all", col=a_collection))
    assert fresh.get_last_txn_ts() is not None


def test_client_txn_ts_are_independent(client, make, a_collection):
    # `client` last wrote the collection; a new client reads it later, and keeps its own time.
    fresh = make()
    fresh.query(q("${col}.all", col=a_collection))
    assert client.get_last_txn_ts() is not None and fresh.get_last_txn_ts() is not None
    assert client.get_last_txn_ts() != fresh.get_last_txn_ts()


def test_fauna_accepts_query_timeout_header(make):
    assert make(query_timeout=timedelta(seconds=5)).query(q('"hello"')).data == "hello"
    assert make().query(q('"hello"'), QueryOptions(query_timeout=timedelta(seconds=5))).data == "hello"


# test_composition.py


def test_subquery_composition(client, a_collection):
    email = "foo@fauna.com"
    index = {"indexes": {"byEmail": {"terms": [{"field": "email"}], "values": [{"field": "email"}]}}}
    client.query(q("${col}.definition.update(${idx})", col=a_collection, idx=index))
    doc = client.query(q("${col}.create(${doc})", col=a_collection, doc={"email": email, "alias": "bar"})).data

    # A query fragment nested twice in another: the lookup inside the `let`, inside the update.
    lookup = q("${col}.byEmail(${email}).first()", col=a_collection, email=email)
    update = q("let u = ${user}\nu.update(${data})", user=lookup, data={"alias": "baz"})
    found = client.query(update).data

    assert isinstance(found, Document)
    assert (found["email"], found["alias"]) == (email, "baz")
    assert (found.id, found.coll) == (doc.id, doc.coll)
    assert found.ts != doc.ts


# test_data_type_roundtrips.py


def roundtrip(client, value):
    return client.query(q("${value}", value=value)).data


def test_float_roundtrip(client):
    tenths = 0.1 + 0.1 + 0.1
    assert tenths != 0.3
    assert roundtrip(client, tenths) == tenths


def test_32_bit_int_roundtrip(client):
    assert roundtrip(client, 2**31) == 2**31


def test_64_bit_int_roundtrip(client):
    assert roundtrip(client, 2**63 - 1) == 2**63 - 1


def test_string_roundtrip(client):
    assert roundtrip(client, "there and back again") == "there and back again"


def test_true_roundtrip(client):
    assert roundtrip(client, True) is True


def test_false_roundtrip(client):
    assert roundtrip(client, False) is False


def test_datetime_utc_roundtrip(client):
    moment = datetime(2023, 2, 10, tzinfo=timezone.utc)
    assert roundtrip(client, moment) == moment


def test_datetime_non_utc_roundtrip(client):
    moment = datetime(2023, 2, 10, tzinfo=timezone(timedelta(hours=2)))
    assert roundtrip(client, moment) == moment


def test_none_roundtrip(client):
    assert roundtrip(client, None) is None


def test_document_roundtrip(client, a_collection):
    made = client.query(q("${col}.create({'name':'Scout'})", col=a_collection)).data
    assert type(made) is Document
    assert roundtrip(client, made) == made


def test_named_document_roundtrip(client, a_collection):
    definition = client.query(q("${col}.definition", col=a_collection)).data
    assert type(definition) is NamedDocument
    assert roundtrip(client, definition) == definition


def test_bytes_roundtrip(client):
    text = "This is a test string \U0001f680 with various characters: !@#$%^&*()_+=-`~[]{}|;:'\",./<>?"
    for value in (bytearray(text.encode()), text.encode()):
        found = roundtrip(client, value)
        assert found == value and found.decode() == text


# test_feeds.py


def create_docs(client, col, start: int, end: int) -> None:
    """Documents `{n}` for n in [start, end), all written by one query."""
    client.query(
        q("Set.sequence(${start}, ${end}).forEach(n => ${col}.create({ n: n }))", start=start, end=end, col=col)
    )


def pull_one_event(client, col, feed) -> None:
    client.query(q("${col}.create({ foo: 'bar' })", col=col))
    pages = list(feed)
    assert [len(page) for page in pages] == [1]
    (event,) = list(pages[0])
    assert event["type"] == "add" and event["data"]["foo"] == "bar"


def test_feed_requires_stream(client):
    message = "'source' must be an EventSource, or a Query that returns an EventSource but was a <class 'int'>."
    with pytest.raises(TypeError, match=re.escape(message)):
        client.feed(q("42"))


def test_feed_query(client, a_collection):
    pull_one_event(client, a_collection, client.feed(q("${col}.all().toStream()", col=a_collection)))


def test_feed_event_source(client, a_collection):
    source = client.query(q("${col}.all().toStream()", col=a_collection)).data
    pull_one_event(client, a_collection, client.feed(source))


def test_feeds_error_event(client, a_collection):
    feed = client.feed(q("${col}.all().map(_ => abort('oops')).toStream()", col=a_collection))
    client.query(q("${col}.create({ foo: 'bar' })", col=a_collection))
    with pytest.raises(AbortError):
        list(feed.flatten())


def test_feeds_continue_after_an_error(client, a_collection):
    feed = client.feed(
        q("${col}.all().map(doc => if (doc.n == 1) abort('oops') else doc).toStream()", col=a_collection)
    )
    create_docs(client, a_collection, 0, 3)
    found = []
    for page in feed:
        try:
            for event in page:
                found.append(event["data"]["n"])
        except AbortError:
            pass
    assert found == [0, 2]


def test_feed_start_ts(client, a_collection):
    source = client.query(q("${col}.all().map(.n).toStream()", col=a_collection)).data
    # Two queries, so that the first document has a transaction time of its own.
    create_docs(client, a_collection, 0, 1)
    create_docs(client, a_collection, 1, 64)
    first = next(client.feed(source).flatten())
    # Pages of 5 make the iterator send its cursor back many times.
    feed = client.feed(source, FeedOptions(start_ts=first["txn_ts"], page_size=5))
    assert [event["data"] for event in feed.flatten()] == list(range(1, 64))


def test_feed_cursor(client, a_collection):
    source = client.query(q("${col}.all().map(.n).toStream()", col=a_collection)).data
    create_docs(client, a_collection, 0, 64)
    first = next(client.feed(source).flatten())
    feed = client.feed(source, FeedOptions(cursor=first["cursor"], page_size=5))
    assert [event["data"] for event in feed.flatten()] == list(range(1, 64))


def test_feed_rejects_when_both_start_ts_and_cursor_provided(scoped_client):
    # test_feeds.py's test_rejects_when_both_start_ts_and_cursor_provided.
    scoped_client.query(q("Collection.create({name: 'Product'})"))
    answer = scoped_client.query(q("Product.all().toStream()"))
    with pytest.raises(TypeError):
        scoped_client.feed(answer.data, FeedOptions(cursor="abc1234==", start_ts=answer.txn_ts))


def test_feed_reusable_iterator(client, a_collection):
    feed = client.feed(q("${col}.all().map(.n).toStream()", col=a_collection))
    create_docs(client, a_collection, 0, 5)
    assert [event["data"] for event in feed.flatten()] == [0, 1, 2, 3, 4]
    # The same iterator goes on from where its last page ended.
    create_docs(client, a_collection, 5, 10)
    assert [event["data"] for event in feed.flatten()] == [5, 6, 7, 8, 9]


# test_paginate.py


def test_single_page_with_small_collection(client, pagination_collections):
    small, _ = pagination_collections
    assert [len(page) for page in client.paginate(q("${mod}.all()", mod=small))] == [10]


def test_multiple_pages_with_big_collection(client, pagination_collections):
    _, big = pagination_collections
    assert len(list(client.paginate(q("${mod}.all()", mod=big)))) == 2


def test_iterator_can_be_flattened(client, pagination_collections):
    _, big = pagination_collections
    assert len(list(client.paginate(q("${mod}.all()", mod=big)).flatten())) == 20


def test_iterator_can_paginate_non_page(client):
    # An answer that is no page is one page holding it: the array is not taken for a page.
    assert list(client.paginate(q("[0,1,2,3,4]"))) == [[[0, 1, 2, 3, 4]]]


def test_iterator_can_flatten_non_page(client):
    assert list(client.paginate(q("[0,1,2,3,4]")).flatten()) == [[0, 1, 2, 3, 4]]


def test_can_get_pages_using_next(client, pagination_collections):
    _, big = pagination_collections
    pages = client.paginate(q("${mod}.all()", mod=big)).iter()
    # A set's first page holds 16 documents (core's default page size).
    assert len(next(pages)) == 16
    assert len(next(pages)) == 4


def test_can_get_pages_using_a_loop_with_next(client, pagination_collections):
    _, big = pagination_collections
    pages = client.paginate(q("${mod}.all()", mod=big)).iter()
    count = 0
    with pytest.raises(StopIteration):
        while True:
            next(pages)
            count += 1
    assert count == 2


# test_query.py


def test_query_smoke_test(client):
    answer = client.query(q("Math.abs(-5.123e3)"))
    assert answer.data == 5123.0 and isinstance(answer.data, float)
    assert answer.stats.compute_ops > 0
    assert answer.traceparent != ""
    assert answer.summary == ""
    assert answer.schema_version > 0
    # "with debug": dbg() writes the summary.
    assert client.query(q('dbg("Hello, World")')).summary != ""


def test_query_with_all_stats(client, a_collection):
    made = client.query(q("${col}.create({})", col=a_collection)).data
    stats = client.query(q("${col}.create({})\n${col}.byId(${id})", col=a_collection, id=made.id)).stats
    assert stats.compute_ops > 0 and stats.read_ops > 0 and stats.write_ops > 0
    assert stats.storage_bytes_read > 0 and stats.storage_bytes_write > 0
    assert stats.query_time_ms > 0
    assert stats.contention_retries == 0


def test_query_with_constraint_failure(client):
    with pytest.raises(QueryRuntimeError) as caught:
        client.query(q('Function.create({"name": "false", "body": "_ => false"})'))
    failure = caught.value
    assert failure.constraint_failures == [
        ConstraintFailure(message="The identifier `false` is reserved.", name=None, paths=[["name"]])
    ]
    assert (failure.status_code, failure.code) == (400, "constraint_failure")
    assert failure.message and failure.summary


def test_query_page(client, a_collection):
    for n in range(100):
        client.query(q("${col}.create({ n: ${n} })", col=a_collection, n=n))
    page = client.query(q("${col}.all().map(x => x.n)", col=a_collection)).data
    assert isinstance(page, Page)
    assert page.data is not None and len(page.data) < 100
    assert page.after is not None


def test_bad_request(client):
    with pytest.raises(QueryCheckError) as caught:
        client.query(q("{ bad: 'request']"))
    failure = caught.value
    assert failure.code == "invalid_query"
    assert failure.message and failure.summary
    assert failure.stats is not None and failure.stats.query_time_ms > 0


def test_abort(client):
    with pytest.raises(AbortError) as caught:
        client.query(q("abort({'foo': 123})"))
    failure = caught.value
    assert failure.abort == {"foo": 123}
    assert (failure.code, failure.status_code) == ("abort", 400)
    assert failure.stats.compute_ops == 1


def test_traceparent_echos(client):
    # Core keeps the caller's trace id and answers a span id of its own (HttpRequestHandler's
    # traceContext), so the driver's exact echo does not hold on core either.
    sent = "00-3afc487855c5de345d8752f464add590-5a0bef45234dc1b6-00"
    answered = client.query(q("'Hello'"), QueryOptions(traceparent=sent)).traceparent
    assert re.fullmatch(r"00-3afc487855c5de345d8752f464add590-[0-9a-f]{16}-0[01]", answered)
    assert answered.split("-")[2] != "5a0bef45234dc1b6"


def test_query_tags_echo(make):
    tagged = make(query_tags={"env": "valhalla"})
    answer = tagged.query(q("42"), QueryOptions(query_tags={"version": "thor"}))
    assert answer.query_tags == {"env": "valhalla", "version": "thor"}


def test_handles_typecheck_format(make):
    answer = make(typecheck=True).query(q("if (true) {\n  42\n} else {\n  41\n}"))
    assert answer.static_type == "42 | 41"


def test_fails_on_encoding_error(client):
    products = json.loads('{"orderProducts": {}}', object_hook=lambda d: SimpleNamespace(**d)).orderProducts
    with pytest.raises(ClientError, match="Failed to encode Query"):
        client.query(q("${prods}", prods=products))


def test_null_doc(client, a_collection):
    found = client.query(q("${coll}.byId('123')", coll=a_collection)).data
    assert isinstance(found, NullDocument)
    assert found.cause == "not found"


def test_query_schema_version(client):
    name = "schemaVersionTestColl"
    client.query(q("Collection.byName(${coll})?.delete()", coll=name))
    made = client.query(q("Collection.create({ name: ${name} })", name=name))
    assert client.query(q("${mod}.all()", mod=Module(name))).schema_version == made.txn_ts


# test_stream.py


def test_stream(scoped_client):
    scoped_client.query(q("Collection.create({name: 'Product'})"))
    barrier, events = threading.Barrier(2), []

    def read():
        stream = scoped_client.stream(q("Product.all().toStream()"))
        barrier.wait()
        collect(stream, events, 3)

    thread = in_thread(read)
    barrier.wait()
    made = scoped_client.query(q("Product.create({}).id")).data
    scoped_client.query(q("Product.byId(${id})!.delete()", id=made))
    scoped_client.query(q("Product.create({})"))
    scoped_client.query(q("Product.create({})"))
    joined(thread)
    assert events == ["add", "remove", "add"]


def test_close_method(scoped_client):
    scoped_client.query(q("Collection.create({name: 'Product'})"))
    barrier, events = threading.Barrier(2), []

    def read():
        stream = scoped_client.stream(q("Product.all().toStream()"))
        barrier.wait()
        collect(stream, events, 2)

    thread = in_thread(read)
    barrier.wait()
    scoped_client.query(q("Product.create({})"))
    scoped_client.query(q("Product.create({})"))
    joined(thread)
    assert events == ["add", "add"]


def test_error_on_stream(scoped_client):
    scoped_client.query(q("Collection.create({name: 'Product'})"))
    barrier, raised = threading.Barrier(2), []

    def read():
        stream = scoped_client.stream(q("Product.all().map(.foo / 0).toStream()"))
        barrier.wait()
        try:
            with stream as found:
                for _ in found:
                    pass
        except QueryRuntimeError as failure:
            raised.append(failure)

    thread = in_thread(read)
    barrier.wait()
    scoped_client.query(q("Product.create({foo: 10})"))
    scoped_client.query(q("Product.create({foo: 10})"))
    joined(thread)
    assert len(raised) == 1


def test_max_retries(make, scoped_secret):
    make(scoped_secret).query(q("Collection.create({name: 'Product'})"))
    transport = httpx.Client(http1=False, http2=True)
    retrying = make(scoped_secret, http_client=HTTPXClient(transport), max_attempts=3, max_backoff=0)
    sends, send = [0], transport.send

    def failing_send(*args, **kwargs):
        # The query that makes the event source goes through; each attempt to open the stream fails.
        if not kwargs["stream"]:
            return send(*args, **kwargs)
        sends[0] += 1
        raise NetworkError("foo")

    transport.send = failing_send
    for options, attempts in ((StreamOptions(), 3), (StreamOptions(max_attempts=5), 5)):
        sends[0] = 0
        with pytest.raises(RetryableFaunaException):
            with retrying.stream(q("Product.all().toStream()"), options) as found:
                list(found)
        assert sends[0] == attempts
    transport.close()


def test_last_ts_is_monotonic(scoped_client):
    scoped_client.query(q("Collection.create({name: 'Product'})"))
    barrier, events, stamps = threading.Barrier(2), [], []

    def read():
        stream = scoped_client.stream(q("Product.all().toStream()"))
        barrier.wait()

        def seen(event):
            stamps.append(stream.last_ts)
            return event["type"]

        collect(stream, events, 3, seen)

    thread = in_thread(read)
    barrier.wait()
    for _ in range(4):
        scoped_client.query(q("Product.create({})"))
    joined(thread)
    assert events == ["add", "add", "add"]
    assert stamps == sorted(set(stamps)) and len(stamps) == 3


def test_providing_start_ts(scoped_client):
    scoped_client.query(q("Collection.create({name: 'Product'})"))
    source = scoped_client.query(q("Product.all().toStream()")).data
    one, two, three = (scoped_client.query(q("Product.create({})")) for _ in range(3))
    barrier, events = threading.Barrier(2), []

    def read():
        # The replay starts after `start_ts`: the events of the later transactions only.
        stream = scoped_client.stream(source, StreamOptions(start_ts=one.txn_ts))
        barrier.wait()
        collect(stream, events, 3, lambda event: event["txn_ts"])

    thread = in_thread(read)
    barrier.wait()
    four = scoped_client.query(q("Product.create({})"))
    joined(thread)
    assert events == [two.txn_ts, three.txn_ts, four.txn_ts]


def test_providing_cursor(scoped_client):
    scoped_client.query(q("Collection.create({name: 'Product'})"))
    source = scoped_client.query(q("Product.all().toStream()")).data
    scoped_client.query(q("Product.create({ value: 1 })"))
    scoped_client.query(q("Product.create({ value: 2 })"))

    def first_event(options: StreamOptions) -> dict:
        with scoped_client.stream(source, options) as found:
            return next(found)

    event = first_event(StreamOptions())
    assert (event["type"], event["data"]["value"]) == ("add", 1)
    event = first_event(StreamOptions(cursor=event["cursor"]))
    assert (event["type"], event["data"]["value"]) == ("add", 2)


def test_rejects_cursor_with_fql_query(scoped_client):
    with pytest.raises(ClientError, match="The 'cursor' configuration can only be used with an event source."):
        scoped_client.stream(q("Collection.create({name: 'Product'})"), StreamOptions(cursor="abc1234=="))


def test_rejects_when_both_start_ts_and_cursor_provided(scoped_client):
    scoped_client.query(q("Collection.create({name: 'Product'})"))
    answer = scoped_client.query(q("Product.all().toStream()"))
    with pytest.raises(TypeError):
        scoped_client.stream(answer.data, StreamOptions(cursor="abc1234==", start_ts=answer.txn_ts))


def test_handle_status_events(scoped_client):
    scoped_client.query(q("Collection.create({name: 'Product'})"))
    barrier, events = threading.Barrier(2), []

    def read():
        stream = scoped_client.stream(q("Product.all().toStream()"), StreamOptions(status_events=True))
        barrier.wait()
        collect(stream, events, 3)

    thread = in_thread(read)
    barrier.wait()
    for _ in range(4):
        scoped_client.query(q("Product.create({})"))
    joined(thread)
    assert events == ["status", "add", "add"]
