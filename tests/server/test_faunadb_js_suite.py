"""fauna/faunadb-js's own tests (test/*.test.js, driver 4.8.1, read at its head `0f07d07`) replayed
against `fql serve`: each test below sends what the JS driver sends for the driver test of its name (its
file in the section comment) and asserts what that test asserts.

What the driver sends (src/Client.js, src/_http/index.js, src/query.js): `POST /` with the expression's
JSON (JSON.stringify of its wrapped form: a JS object is `{"object": {...}}`, a function a `lambda` named
after its parameters), `GET /ping?scope=...`, `POST /stream` (`?fields=...`), each with
`X-FaunaDB-API-Version: 4`, `X-Driver-Env`, `Authorization: Bearer <secret>` and, once it has seen a
transaction (`x-txn-time`), `X-Last-Seen-Txn`; `X-Query-Timeout`, `traceparent` (when it is one) and
`x-fauna-tags` when asked. The expressions here are written with faunadb-python's query module, whose
JSON for these forms is the JS driver's; where the JS driver writes another form (Paginate's explicit
`before: null` and `cursor` object, Foreach's lambda named after `Delete`'s parameter `ref`) it is
written as the JS driver writes it. FaunaHTTPError.raiseForStatusCode names the error after the
status: 400 BadRequest, 401 Unauthorized, 403 PermissionDenied, 404 NotFound, 405 MethodNotAllowed,
429 TooManyRequests, 500 InternalError, 503 UnavailableError.

As test/util.js does, the tests run in a database of their own (`faunadb-js-test-<random>`), through a
client of an admin key made by the root key; query.test.js adds a server key's and another admin key's
clients, StreamAPI a database and key of its own.

Not replicated:
- what never reaches a server: values.test.js and _json.test.js (JSON forms alone); client.test.js's
  "omits the port value if it's falsy", "the client does not support a metrics flag", "keeps connection
  alive", the Client#close tests (5), "uses custom fetch", the timeout and header tests over a mocked
  fetch (5), "http2 session released" and the two http2SessionIdleTime tests; query.test.js's "object
  with space in key to valid json", "arity", "scoped queries", "undfined not allowed as mandatory
  argument", "optional args can be undefined", "can wrap undefined", "malformed tags should throw an
  error" and "tag values must be strings"; stream.test.js's "reject unknown events", "can not start an
  already started stream", the fetch override tests (4), "close http2 session when the .close method is
  called" and "stays open beyond the value set for http2SessionIdleTime" (3, node's HTTP/2 sessions).
- auth.test.js (3): Auth0 over the internet.
- query.test.js's "recursive refs", which the driver skips (`test.skip`).

query.test.js's "lambda" is replicated for its query (`Map` with a two-parameter lambda); its other checks
are the JS builder's own."""

from __future__ import annotations

import http.client
import json
import random
import re
import time
import warnings
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from faunadb import query as q
    from faunadb._json import parse_json, to_json
    from faunadb.objects import FaunaTime, Native, Query, Ref, SetRef
    from faunadb.query import _Expr as Expr, _wrap

import fql  # noqa: E402
from fql.server import ServerThread  # noqa: E402
from fql.server.streams import StreamSettings  # noqa: E402

from .conftest import exchange  # noqa: E402
from .replicas import Events  # noqa: E402

WAIT = 15.0
#: What getDefaultHeaders writes under node (src/_http/index.js).
DRIVER_ENV = "driver=javascript-4.8.1; runtime=nodejs-v20.20.2; env=unknown; os=linux-6.1.0"
#: FaunaHTTPError.raiseForStatusCode: the error's name for each status.
ERROR_NAMES = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "PermissionDenied",
    404: "NotFound",
    405: "MethodNotAllowed",
    429: "TooManyRequests",
    500: "InternalError",
    503: "UnavailableError",
}

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def server():
    with ServerThread(fql.connect(), streams=StreamSettings(poll_interval=0.02, max_duration=30.0)) as running:
        yield running


def random_string(prefix: str = "") -> str:
    """util.randomString: the prefix and up to six hex digits."""
    return prefix + format(random.randrange(0xFFFFFF), "x")


class FaunaHTTPError(Exception):
    """An answer that is no success: its status, the error's name for it, and the errors."""

    def __init__(self, status: int, body: dict, headers: dict):
        super().__init__(status, body)
        self.status, self.body, self.headers = status, body, headers
        self.name = ERROR_NAMES.get(status, "FaunaHTTPError")
        errors = body.get("errors") or [{}]
        self.message, self.description = errors[0].get("code"), errors[0].get("description")


class Client:
    """faunadb-js's Client over HTTP/1.1: its headers, the last transaction time it has seen, and what
    each answer was (`observed`: status, headers, raw body), as its observer receives it."""

    def __init__(self, port: int, secret, query_timeout: int | None = None):
        self.port, self.secret, self.query_timeout = port, secret, query_timeout
        self.last_seen: int | None = None
        self.observed: list[tuple[int, dict, bytes]] = []

    def headers(self, secret=None, traceparent=None, tags=None, query_timeout=None) -> dict:
        """HttpClient.execute: a JS value as the secret is written as JS writes it (`[object Object]`)."""
        secret = self.secret if secret is None else secret
        found = {"X-FaunaDB-API-Version": "4", "X-Driver-Env": DRIVER_ENV}
        found["Authorization"] = "Bearer " + (secret if isinstance(secret, str) else "[object Object]")
        if self.last_seen is not None:
            found["X-Last-Seen-Txn"] = str(self.last_seen)
        timeout = query_timeout or self.query_timeout
        if timeout is not None:
            found["X-Query-Timeout"] = str(timeout)
        if traceparent is not None and _valid_traceparent(traceparent):
            found["traceparent"] = traceparent
        if tags:
            found["x-fauna-tags"] = ",".join(f"{k}={v}" for k, v in tags.items())
        return found

    def execute(self, method: str, path: str, body=None, params: dict | None = None, **options):
        """Client._execute: the request, the transaction time kept, the resource (raises FaunaHTTPError)."""
        if params:
            path += "?" + urlencode({k: v for k, v in params.items() if v is not None})
        # GET and HEAD send no body; any other method JSON.stringify(data), `null` too.
        data = None if method in ("GET", "HEAD") else to_json(body).encode()
        status, headers, raw = exchange(self.port, method, path, data, self.headers(**options), timeout=WAIT)
        self.observed.append((status, headers, raw))
        if "x-txn-time" in headers:
            self.sync_last_txn_time(int(headers["x-txn-time"]))
        found = parse_json(raw.decode())
        if not 200 <= status < 300:
            raise FaunaHTTPError(status, found, headers)
        return found["resource"]

    def query(self, expr, **options):
        """Client.query: the expression wrapped (a JS object is `{"object": ...}`), POSTed to `/`."""
        return self.execute("POST", "/", _wrap(expr), **options)

    def ping(self, scope: str | None = None):
        return self.execute("GET", "/ping", params={"scope": scope})

    def sync_last_txn_time(self, ts: int) -> None:
        """syncLastTxnTime: only a later time replaces the one held."""
        if self.last_seen is None or self.last_seen < ts:
            self.last_seen = ts


def _valid_traceparent(text: str) -> bool:
    return re.fullmatch(r"[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}", text) is not None


def fails(client: Client, expr, name: str = "BadRequest", **options) -> FaunaHTTPError:
    """assertBadQuery / assertRejected: the query fails with the error named `name`."""
    with pytest.raises(FaunaHTTPError) as caught:
        client.query(expr, **options)
    assert caught.value.name == name, caught.value.body
    return caught.value


def paginate(set_expr, **opts) -> Expr:
    """Paginate(set, opts) as the JS driver writes it: each option given (a null one too) wrapped."""
    return Expr({"paginate": _wrap(set_expr), **{k: _wrap(v) for k, v in opts.items()}})


class Env:
    """test/util.js: the root client, the test database made by it, and `client` of an admin key there."""

    def __init__(self, port: int):
        self.port = port
        self.root = Client(port, "secret")
        self.db_name = random_string("faunadb-js-test-")
        self.db_ref = q.database(self.db_name)
        self.root.query(q.create_database({"name": self.db_name}))
        self.client_secret = self.root.query(q.create_key({"database": self.db_ref, "role": "admin"}))["secret"]
        self.client = self.get_client()

    def get_client(self, secret=None, **options) -> Client:
        """util.getClient: a client of the test database's admin key, or of `secret`."""
        return Client(self.port, self.client_secret if secret is None else secret, **options)

    def key(self, role: str) -> dict:
        return self.root.query(q.create_key({"database": self.db_ref, "role": role}))


@pytest.fixture(scope="module")
def env(server) -> Env:
    return Env(server.port)


# -- test/client.test.js ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client_env(env) -> Env:
    env.client.query(q.create_collection({"name": "my_collection"}))
    return env


def test_invalid_key(client_env):
    bad = client_env.get_client({"user": "bad_key"})
    assert fails(bad, client_env.db_ref, "Unauthorized").message == "unauthorized"


def test_ping(client_env):
    assert client_env.client.ping("node") == "Scope node is OK"


def test_ping_with_client_configured_with_endpoint(client_env):
    # The endpoint `http://127.0.0.1:<port>` in place of scheme, domain and port: the same request.
    assert client_env.get_client().ping("node") == "Scope node is OK"


@pytest.mark.parametrize("suffix", ["", "/", "//", "\\", "\\\\"])
def test_endpoint_normalization(client_env, suffix):
    # The driver strips trailing slashes and backslashes from the endpoint: each asks `/ping`.
    assert client_env.get_client().ping("node") == "Scope node is OK"


def test_query_does_not_support_a_metrics_flag(client_env):
    assert client_env.client.query(q.add(1, 1)) == 2


METRICS = ("x-compute-ops", "x-byte-read-ops", "x-byte-write-ops", "x-query-time", "x-txn-retries")


def test_query_with_metrics_returns_the_metrics_and_the_response_value(client_env):
    client = client_env.get_client()
    assert client.query(q.add(1, 1)) == 2
    headers = client.observed[-1][1]
    for name in METRICS:
        assert int(headers[name]) >= 0


def test_query_with_metrics_returns_the_metrics(client_env):
    client = client_env.get_client()
    client.query(q.add(1, 1))
    # queryWithMetrics answers `{value, metrics}`: the resource and these five headers.
    assert all(name in client.observed[-1][1] for name in METRICS)


def test_paginates(client_env):
    client = client_env.client
    document = client.query(q.create(q.collection("my_collection"), {}))
    page = client.query(paginate(document["ref"]))
    assert page["data"] == [document["ref"]] and "after" not in page


def test_updates_the_last_txntime_for_a_query(client_env):
    client = client_env.get_client()
    client.query(42)
    first_seen = client.last_seen
    client.query(42)
    assert client.last_seen >= first_seen
    client.query(q.create_collection({"name": "foo_collection"}))
    assert client.last_seen > first_seen


def test_manually_updates_the_last_txntime_for_a_bigger_time(client_env):
    client = client_env.get_client()
    client.query(42)
    first_seen = client.last_seen
    client.sync_last_txn_time(first_seen - 1200)
    assert client.last_seen == first_seen
    client.sync_last_txn_time(first_seen + 1200)
    assert client.last_seen == first_seen + 1200
    # The next request tells the server the later time.
    assert client.headers()["X-Last-Seen-Txn"] == str(first_seen + 1200)
    assert client.query(42) == 42


def test_extract_response_headers_from_observer(client_env):
    client = client_env.get_client()
    started = time.monotonic()
    client.query(q.create_collection({"name": "bar_collection"}))
    headers = client.observed[-1][1]
    for name in (
        "x-byte-read-ops",
        "x-byte-write-ops",
        "x-storage-bytes-read",
        "x-storage-bytes-write",
        "x-query-bytes-in",
        "x-query-bytes-out",
    ):
        assert int(headers[name]) >= 0, name
    assert time.monotonic() > started


def test_query_observer(client_env):
    client = client_env.get_client()
    client.query(q.now())
    assert len(client.observed) == 1


def test_sets_authorization_header_per_query(client_env):
    client = client_env.client
    assert client.query(q.do(1)) == client.query(q.do(1), secret=client_env.client_secret) == 1


def test_sets_authorization_header_per_paginate(client_env):
    client = client_env.client
    plain = client.query(paginate(q.collections()))
    assert client.query(paginate(q.collections()), secret=client_env.client_secret) == plain


def test_unauthorized_error_has_the_proper_fields(client_env):
    failure = fails(client_env.get_client("bad-key"), q.divide(1, 2), "Unauthorized")
    assert failure.message == "unauthorized" and failure.description


def test_bad_request_error_has_the_proper_fields(client_env):
    failure = fails(client_env.client, q.divide(None, 2), "BadRequest")
    (error,) = failure.body["errors"]
    assert (failure.message, failure.description) == (error["code"], error["description"])


# -- test/page.test.js ------------------------------------------------------------------------------------

NUM_INSTANCES = 100


class PageHelper:
    """src/PageHelper.js: Paginate(set, params) with the cursor it last got (`after`, or `before` going
    backwards), wrapped in the Maps and Filters asked for; `params.cursor`, when given, holds the cursor."""

    def __init__(self, client: Client, set_expr, params: dict | None = None):
        self.client, self.set, self.functions = client, set_expr, []
        self.params = dict(params or {})
        cursor_params = self.params["cursor"] = dict(self.params["cursor"]) if "cursor" in self.params else None
        holder = cursor_params if cursor_params is not None else self.params
        self.before = self.after = self.UNSET = object()
        if "before" in holder:
            self.before = holder.pop("before")
        elif "after" in holder:
            self.after = holder.pop("after")
        if cursor_params is None:
            del self.params["cursor"]

    def map(self, lam) -> PageHelper:
        self.functions.append(lambda expr: q.map_(lam, expr))
        return self

    def filter(self, lam) -> PageHelper:
        self.functions.append(lambda expr: q.filter_(lam, expr))
        return self

    def retrieve(self, cursor, reverse: bool) -> dict:
        opts = dict(self.params)
        if "cursor" in opts:
            opts["cursor"] = holder = dict(opts["cursor"])
        else:
            holder = opts
        if cursor is not self.UNSET:
            holder["before" if reverse else "after"] = cursor
        elif reverse:
            holder["before"] = None
        expr = paginate(self.set, **opts)
        for wrap in self.functions:
            expr = wrap(expr)
        return self.client.query(expr)

    def pages(self, reverse: bool = False) -> list[list]:
        """each / eachReverse: every page's data, following `after` (or `before`) while there is one."""
        found, page = [], self.retrieve(self.before if reverse else self.after, reverse)
        while True:
            found.append(page["data"])
            cursor = page.get("before" if reverse else "after", self.UNSET)
            if cursor is self.UNSET:
                return found
            page = self.retrieve(cursor, reverse)

    def step(self, reverse: bool) -> list:
        """nextPage / previousPage: one page, its cursors kept for the next step."""
        page = self.retrieve(self.before if reverse else self.after, reverse)
        self.after = page.get("after", self.after)
        self.before = page.get("before", self.before)
        return page["data"]


class Paged:
    """page.test.js's beforeAll: `timestamped_things` (two documents, an index over them) and
    `paged_things` (100 documents `{i}`, an index of their `[i, ref]`)."""

    def __init__(self, client: Client):
        ts_coll = client.query(q.create_collection({"name": "timestamped_things"}))["ref"]
        index = {"name": "timestamped_things_by_collection", "active": True, "source": ts_coll}
        self.ts_index = client.query(q.create_index(index))["ref"]
        # Create(ref) with no params: the JS driver leaves `params` out.
        first = client.query(Expr({"create": _wrap(ts_coll)}))
        self.ts_instance1_ref, self.ts_instance1_ts = first["ref"], first["ts"]
        client.query(Expr({"create": _wrap(ts_coll)}))
        coll = client.query(q.create_collection({"name": "paged_things"}))["ref"]
        index = {"name": "things_by_collection", "active": True, "source": coll}
        index["values"] = [{"field": ["data", "i"]}, {"field": "ref"}]
        self.index = client.query(q.create_index(index))["ref"]
        self.instance_refs, self.ids_to_index = {}, {}
        for i in range(NUM_INSTANCES):
            made = client.query(q.create(coll, {"data": {"i": i}}))
            self.instance_refs[i], self.ids_to_index[made["ref"].id()] = made["ref"], i

    def index_of(self, ref: Ref) -> int:
        """refsToIndex: the `i` of the document `ref` (faunadb-python's Ref is no dict key: by its id)."""
        return self.ids_to_index[ref.id()]

    def helper(self, client: Client, **params) -> PageHelper:
        return PageHelper(client, q.match(self.index), params)


@pytest.fixture(scope="module")
def paged(env) -> Paged:
    return Paged(env.client)


def items(pages: list[list]) -> list:
    return [item for page in pages for item in page]


def test_pages(env, paged):
    found = items(paged.helper(env.client).pages())
    assert len(found) == NUM_INSTANCES
    assert all(ref == paged.instance_refs[i] for i, ref in found)


def test_maps_pagination(env, paged):
    found = items(paged.helper(env.client).map(q.lambda_("i", q.select([1], q.var("i")))).pages())
    assert [paged.index_of(ref) for ref in found] == list(range(NUM_INSTANCES))


def test_filters_pagination(env, paged):
    even = q.lambda_("i", q.equals(q.modulo([q.select(0, q.var("i")), 2]), 0))
    found = items(paged.helper(env.client).filter(even).pages())
    assert [paged.index_of(item[1]) for item in found] == list(range(0, NUM_INSTANCES, 2))


def test_reverses_pagination(env, paged):
    pages = paged.helper(env.client, before=None).pages(reverse=True)
    found = [item for page in pages for item in reversed(page)]
    assert [paged.index_of(item[1]) for item in found] == list(range(NUM_INSTANCES - 1, -1, -1))


@pytest.mark.parametrize(
    "name, params",
    [
        ("honors passed in cursor", {"after": 50}),
        ("honors passed in cursor via the cursor option", {"cursor": {"after": 50}}),
    ],
)
def test_honors_passed_in_cursor(env, paged, name, params):
    found = items(paged.helper(env.client, **params).pages())
    assert [paged.index_of(item[1]) for item in found] == list(range(50, NUM_INSTANCES))


@pytest.mark.parametrize(
    "name, params",
    [
        ("honors passed in cursor in the reverse direction", {"before": 51}),
        ("honors passed in cursor in the reverse direction via the cursor option", {"cursor": {"before": 51}}),
    ],
)
def test_honors_passed_in_cursor_in_the_reverse_direction(env, paged, name, params):
    pages = paged.helper(env.client, **params).pages(reverse=True)
    found = [item for page in pages for item in reversed(page)]
    assert [paged.index_of(item[1]) for item in found] == list(range(50, -1, -1))


def test_honors_size(env, paged):
    pages = paged.helper(env.client, size=NUM_INSTANCES // 20).pages()
    assert [len(page) for page in pages] == [5] * 20


def test_honors_size_with_map_filter(env, paged):
    helper = paged.helper(env.client, size=NUM_INSTANCES // 20)
    pages = helper.map(q.lambda_("ref", q.var("ref"))).filter(q.lambda_("_", True)).pages()
    assert [len(page) for page in pages] == [5] * 20


def test_honors_ts(env, paged):
    assert [len(page) for page in PageHelper(env.client, q.match(paged.ts_index)).pages()] == [2]
    pages = PageHelper(env.client, q.match(paged.ts_index), {"ts": paged.ts_instance1_ts}).pages()
    assert pages == [[paged.ts_instance1_ref]]


def test_honors_events(env, paged):
    for item in items(paged.helper(env.client, events=True).pages()):
        assert {"ts", "action", "document", "data"} <= set(item)


def test_honors_sources(env, paged):
    assert all("sources" in item for item in items(paged.helper(env.client, sources=True).pages()))


def test_honors_a_combination_of_parameters(env, paged):
    # `before: null` is taken out of the parameters, and `each` goes forwards without it.
    found = items(paged.helper(env.client, before=None, events=True, sources=True).pages())
    assert found
    for item in found:
        assert "value" in item and "sources" in item
        assert {"ts", "action", "document", "data"} <= set(item["value"])


def test_iteratively_paginates_pages(env, paged):
    helper = paged.helper(env.client, size=2)
    assert [paged.index_of(item[1]) for item in helper.step(reverse=False)] == [0, 1]
    assert [paged.index_of(item[1]) for item in helper.step(reverse=False)] == [2, 3]


def test_iteratively_paginates_pages_in_the_reverse_direction(env, paged):
    helper = paged.helper(env.client, before=None, size=2)
    assert [paged.index_of(item[1]) for item in helper.step(reverse=True)] == [98, 99]
    assert [paged.index_of(item[1]) for item in helper.step(reverse=True)] == [96, 97]


# -- test/stream.test.js ----------------------------------------------------------------------------------


class Stream:
    """StreamClient.subscribe: POST /stream (`?fields=` when asked) with the client's headers; its events,
    one JSON value a line, decoded, each event's `txn` kept by the client as its last seen time."""

    def __init__(self, client: Client, expr, fields: list[str] | None = None):
        self.client = client
        path = "/stream" + ("?" + urlencode({"fields": ",".join(fields)}) if fields else "")
        self.conn = http.client.HTTPConnection("127.0.0.1", client.port, timeout=WAIT)
        self.conn.request("POST", path, to_json(expr).encode(), client.headers())
        self.response = self.conn.getresponse()
        self.status = self.response.status
        self.events = Events(self.response)

    def take(self, n: int) -> list[dict]:
        found = [parse_json(json.dumps(event)) for event in self.events.take(n)]
        for event in found:
            if isinstance(event.get("txn"), int):
                self.client.sync_last_txn_time(event["txn"])
        return found

    def close(self) -> None:
        self.conn.close()


@pytest.fixture(scope="module")
def stream_env(env):
    """StreamAPI's beforeAll: a database of its own, an admin key's client there, `stream_docs`."""
    db = env.root.query(q.create_database({"name": random_string("db")}))
    key = env.root.query(q.create_key({"database": db["ref"], "role": "admin"}))
    client = env.get_client(key["secret"])
    coll = client.query(q.create_collection({"name": "stream_docs"}))
    yield SimpleNamespace(client=client, key=key, coll=coll, env=env)
    env.root.query(q.delete(db["ref"]))


@pytest.fixture
def doc(stream_env) -> dict:
    """beforeEach: a new document in `stream_docs`."""
    return stream_env.client.query(q.create(stream_env.coll["ref"], {"data": {}}))


@pytest.fixture
def opened():
    """afterEach: each stream opened is closed."""
    found: list[Stream] = []

    def open_(client: Client, expr, fields=None) -> Stream:
        found.append(Stream(client, expr, fields))
        return found[-1]

    yield open_
    for stream in found:
        stream.close()


def test_can_listen_to_events(stream_env, doc, opened):
    (start,) = opened(stream_env.client, doc["ref"]).take(1)
    assert start["type"] == "start"
    assert isinstance(start["txn"], int) and isinstance(start["event"], int)


def test_can_select_fields(stream_env, doc, opened):
    stream = opened(stream_env.client, doc["ref"], ["diff", "prev"])
    assert stream.take(1)[0]["type"] == "start"
    stream_env.client.query(q.update(doc["ref"], {}))
    (version,) = stream.take(1)
    assert version["type"] == "version" and list(version["event"]) == ["diff", "prev"]


def test_events_update_last_seen_transacton_time(stream_env, doc, opened):
    client = stream_env.env.get_client(stream_env.key["secret"])
    stream = opened(client, doc["ref"])
    stream.take(1)
    client.query(q.update(doc["ref"], {}))
    (version,) = stream.take(1)
    assert client.last_seen == version["txn"]


def test_can_handle_request_failures(stream_env, opened):
    stream = opened(stream_env.client, "invalid stream")
    assert ERROR_NAMES[stream.status] == "BadRequest"


def error_event(stream_env, doc, opened) -> dict:
    """testErrorEvent: a stream of a key whose role reads `stream_docs`; once it starts, the key is deleted
    and the document updated, so the stream checks its authorization again."""
    privileges = [{"resource": stream_env.coll["ref"], "actions": {"read": True}}]
    role = stream_env.client.query(q.create_role({"name": random_string("role"), "privileges": privileges}))
    key = stream_env.client.query(q.create_key({"role": role["ref"]}))
    stream = opened(stream_env.env.get_client(key["secret"]), doc["ref"])
    assert stream.take(1)[0]["type"] == "start"
    stream_env.client.query(q.delete(key["ref"]))
    stream_env.client.query(q.update(doc["ref"], {}))
    (found,) = stream.take(1)
    return found


def test_wraps_error_events(stream_env, doc, opened):
    found = error_event(stream_env, doc, opened)
    assert found["type"] == "error"
    assert found["event"] == {"code": "permission denied", "description": "Authorization lost during stream evaluation."}


def test_wraps_delegated_error_events_if_stream_closed_unexpectedly(stream_env, doc, opened):
    # The error event is the stream's last: the server ends it after.
    assert error_event(stream_env, doc, opened)["type"] == "error"


def test_reports_to_client_observer(stream_env, doc, opened):
    # The observer sees `[stream]` for the body: the stream's answer is a 200 read as it comes.
    stream = opened(stream_env.env.get_client(stream_env.key["secret"]), doc["ref"])
    assert stream.status == 200 and stream.take(1)[0]["type"] == "start"


def test_can_listen_to_large_events(stream_env, doc, opened):
    values = [{"value": str(i)} for i in range(4096)]
    stream = opened(stream_env.client, doc["ref"])
    stream.take(1)
    stream_env.client.query(q.update(doc["ref"], {"data": {"values": values}}))
    (version,) = stream.take(1)
    assert version["event"]["document"]["data"]["values"] == values


def test_can_take_snapshot_before_processing_events(stream_env, doc, opened):
    # The document helper reads the document once the stream has started: its snapshot.
    stream = opened(stream_env.client, doc["ref"])
    assert stream.take(1)[0]["type"] == "start"
    # (`data: {}` is left out of both, so both are undefined to the JS test.)
    assert stream_env.client.query(q.get(doc["ref"])).get("data") == doc.get("data")


def test_filter_buffered_events_prior_to_snapshot(stream_env, doc, opened):
    client = stream_env.env.get_client(stream_env.key["secret"])
    stream = opened(client, doc["ref"])
    assert stream.take(1)[0]["type"] == "start"
    # An update between the start and the snapshot is buffered, then dropped: it is not after the snapshot.
    stream_env.client.query(q.update(doc["ref"], {}))
    snapshot = client.query(q.get(doc["ref"]))
    stream_env.client.query(q.update(doc["ref"], {}))
    buffered, after = stream.take(2)
    assert buffered["txn"] == snapshot["ts"]
    assert after["type"] == "version" and after["txn"] > snapshot["ts"]


def test_report_failure_during_snapshot(stream_env, opened):
    ref = q.ref(stream_env.coll["ref"], 1234)
    stream = opened(stream_env.client, ref)
    assert stream.take(1)[0]["type"] == "start"
    assert fails(stream_env.client, q.get(ref), "NotFound").message == "instance not found"


def test_can_listen_to_set_adds(stream_env, opened):
    stream = opened(stream_env.client, q.documents(stream_env.coll["ref"]))
    stream.take(1)
    stream_env.client.query(q.create(stream_env.coll["ref"], {"data": {"name": "foo"}}))
    (event,) = stream.take(1)
    assert event["type"] == "set" and event["event"]["action"] == "add"


def test_can_listen_to_set_removes(stream_env, doc, opened):
    stream = opened(stream_env.client, q.documents(stream_env.coll["ref"]))
    stream.take(1)
    stream_env.client.query(q.delete(doc["ref"]))
    (event,) = stream.take(1)
    assert event["type"] == "set" and event["event"]["action"] == "remove"


# -- test/clientLogger.test.js ----------------------------------------------------------------------------


def test_logging(env):
    # The logger writes `Fauna GET /ping`, the answer's headers, its JSON and `Response (200)`.
    client = env.get_client()
    assert client.ping() == "Scope write is OK"
    status, headers, raw = client.observed[-1]
    assert status == 200 and headers and json.loads(raw) == {"resource": "Scope write is OK"}


def test_request_content(env):
    client = env.get_client()
    coll = client.query(q.create_collection({"name": "logging_tests"}))["ref"]
    expr = q.create(coll, {"data": {}})
    # The request JSON the logger shows: the collection's ref and `{"object": {"data": {"object": {}}}}`.
    assert json.loads(to_json(expr)) == {
        "create": {"@ref": {"id": "logging_tests", "collection": {"@ref": {"id": "collections"}}}},
        "params": {"object": {"data": {"object": {}}}},
    }
    client.query(expr)
    assert client.observed[-1][0] == 201


# -- test/query.test.js -----------------------------------------------------------------------------------


class Widgets:
    """query.test.js's beforeAll: a server key's and an admin key's clients, `widgets` with its indexes
    by `n`, by `m` and of `cost` by `p`, three widgets, and `thimbles`."""

    def __init__(self, env: Env):
        self.env, self.client = env, env.client
        self.admin_key = env.key("admin")
        self.server_client = env.get_client(env.key("server")["secret"])
        self.admin_client = env.get_client(self.admin_key["secret"])
        self.collection = self.client.query(q.create_collection({"name": "widgets"}))["ref"]

        def index(name: str, terms: str, values: str | None = None) -> Ref:
            params = {"name": name, "active": True, "source": self.collection, "terms": [{"field": ["data", terms]}]}
            if values:
                params["values"] = [{"field": ["data", values]}]
            return self.client.query(q.create_index(params))["ref"]

        self.n_index, self.m_index = index("widgets_by_n", "n"), index("widgets_by_m", "m")
        self.n_covered_index = index("widgets_cost_by_p", "p", "cost")
        self.ref_n1 = self.create(n=1, p=1, cost=10)["ref"]
        self.ref_m1 = self.create(m=1, p=1, cost=15)["ref"]
        self.ref_n1m1 = self.create(n=1, m=1, p=1, cost=10)["ref"]
        self.thimbles = self.client.query(q.create_collection({"name": "thimbles"}))["ref"]

    def create(self, **data) -> dict:
        """create(data): a widget, `n` 0 unless given."""
        data.setdefault("n", 0)
        return self.client.query(q.create(self.collection, {"data": data}))

    def n_set(self, n):
        return q.match(self.n_index, n)

    def m_set(self, m):
        return q.match(self.m_index, m)

    def set_contents(self, set_expr) -> list:
        """getSetContents: the set's first 1000 items."""
        return self.client.query(paginate(set_expr, size=1000))["data"]


@pytest.fixture(scope="module")
def w(env) -> Widgets:
    return Widgets(env)


def rng(start: int, end: int) -> list[int]:
    """range(start, end): both ends included."""
    return list(range(start, end + 1))


def check(client: Client, cases) -> None:
    """assertQuery over a test's cases: each expression's answer is what is expected."""
    for expr, expected in cases:
        assert client.query(expr) == expected, to_json(expr)


def test_echo_values(w):
    # A JS Symbol('foo') is written as its description.
    check(
        w.client,
        [
            (10, 10),
            (3.14, 3.14),
            ("string", "string"),
            ({"a": 1, "b": "string", "c": 3.14, "d": None}, {"a": 1, "b": "string", "c": 3.14, "d": None}),
            ([1, "string", 3.14, None], [1, "string", 3.14, None]),
            (None, None),
            ("foo", "foo"),
        ],
    )


def test_abort(w):
    fails(w.client, q.abort("abort message"))


def test_at(w):
    made = [w.create(n=1000) for _ in range(3)]
    page = paginate(w.n_set(1000))
    assert w.client.query(page)["data"] == [m["ref"] for m in made]
    assert w.client.query(q.at(made[0]["ts"], page))["data"] == [made[0]["ref"]]


def let(bindings, body) -> Expr:
    """Let as the JS driver writes it: a JS object's bindings one object each, `undefined` ones left out."""
    if isinstance(bindings, dict):
        bindings = [{k: v} for k, v in bindings.items() if v is not UNDEFINED]
    return Expr({"let": [Expr({k: _wrap(v) for k, v in b.items()}) for b in bindings], "in": _wrap(body)})


#: A JS `undefined`, which the driver leaves out where it can.
UNDEFINED = object()


def test_let_var(w):
    x, y = q.var("x"), q.var("y")
    echoed = Query({"lambda": "_", "expr": {"let": {"x": 1, "y": 2}, "in": [{"var": "x"}, {"var": "y"}]}, "api_version": "4"})
    check(
        w.client,
        [
            (let({"x": 1, "test": UNDEFINED}, x), 1),
            (let({"x": 1, "test": False}, q.var("test")), False),
            (let({"x": 1, "test": 0}, q.var("test")), 0),
            (let({"x": 1, "test": ""}, q.var("test")), ""),
            (let({"x": 1}, x), 1),
            (let({"x": 1, "y": 2}, [x, y]), [1, 2]),
            (let([{"x": 1}, {"y": 2}], [x, y]), [1, 2]),
            (let({"x": 1, "y": x}, {"a": x, "b": y}), {"a": 1, "b": 1}),
            (q.query(q.lambda_("_", let([{"x": 1}, {"y": 2}], [x, y]))), echoed),
            (
                let({"one": q.add(0, 1), "two": q.add(q.var("one"), 1), "three": q.add(q.var("two"), 1)}, q.var("three")),
                3,
            ),
            (let([{"y": 2}], q.add(1, y)), 3),
        ],
    )


def test_if(w):
    check(w.client, [(q.if_(True, "t", "f"), "t"), (q.if_(False, "t", "f"), "f"), (q.if_(True, None, None), None)])


def test_do(w):
    ref = w.create()["ref"]
    check(w.client, [(q.do(q.delete(ref), 1), 1), (q.exists(ref), False)])
    check(w.client, [(q.do(1), 1), (q.do(1, 2), 2), (Expr({"do": [[1, 2]]}), [1, 2])])


def test_object(w):
    check(w.client, [(Expr({"object": {"x": let({"x": 1}, q.var("x"))}}), {"x": 1})])


def test_lambda(w):
    multi_args = q.lambda_(["a", "b"], [q.var("b"), q.var("a")])
    assert json.loads(to_json(multi_args)) == {"lambda": ["a", "b"], "expr": [{"var": "b"}, {"var": "a"}]}
    check(w.client, [(q.map_(multi_args, [[1, 2], [3, 4]]), [[2, 1], [4, 3]])])


def test_call_function(w):
    body = q.query(q.lambda_(["a", "b"], q.concat([q.var("a"), q.var("b")], "/")))
    w.client.query(q.create_function({"name": "concat_with_slash", "body": body}))
    check(w.client, [(q.call(q.function("concat_with_slash"), "a", "b"), "a/b")])


def test_call_with_object(w):
    obj = q.var("obj")
    inner = let({"a": q.select("a", obj), "b": q.select("b", obj)}, q.concat([q.var("a"), q.var("b")], "/"))
    w.client.query(q.create_function({"name": "concat_with_slash_obj", "body": q.query(q.lambda_("obj", inner))}))
    check(w.client, [(q.call(q.function("concat_with_slash_obj"), {"a": "a", "b": "b"}), "a/b")])


def test_echo_query(w):
    body = w.client.query(q.query(q.lambda_("x", q.var("x"))))
    assert isinstance(body, Query) and w.client.query(body) == body


def test_map(w):
    double = q.lambda_("a", q.multiply([2, q.var("a")]))
    n_of = q.lambda_("a", q.select(["data", "n"], q.get(q.var("a"))))
    check(
        w.client,
        [
            (q.map_(double, [1, 2, 3]), [2, 4, 6]),
            (q.map_(double, [1, 2, 3]), [2, 4, 6]),
            (q.map_(n_of, paginate(w.n_set(1))), {"data": [1, 1]}),
        ],
    )


def test_foreach(w):
    refs = [w.create()["ref"], w.create()["ref"]]
    # Foreach(refs, query.Delete): a lambda named after Delete's parameter.
    w.client.query(q.foreach(q.lambda_("ref", q.delete(q.var("ref"))), refs))
    check(w.client, [(q.exists(ref), False) for ref in refs])


def test_filter(w):
    even = q.lambda_("a", q.equals(q.modulo(q.var("a"), 2), 0))
    with_m = q.lambda_("a", q.contains_path(["data", "m"], q.get(q.var("a"))))
    check(
        w.client,
        [(q.filter_(even, [1, 2, 3, 4]), [2, 4]), (q.filter_(with_m, paginate(w.n_set(1))), {"data": [w.ref_n1m1]})],
    )


def test_take(w):
    check(w.client, [(q.take(1, [1, 2]), [1]), (q.take(3, [1, 2]), [1, 2]), (q.take(-1, [1, 2]), [])])


def test_drop(w):
    check(w.client, [(q.drop(1, [1, 2]), [2]), (q.drop(3, [1, 2]), []), (q.drop(-1, [1, 2]), [1, 2])])


def test_prepend(w):
    check(w.client, [(q.prepend([1, 2, 3], [4, 5, 6]), [1, 2, 3, 4, 5, 6])])
    fails(w.client, q.prepend([1, 2], "foo"))


def test_append(w):
    check(w.client, [(q.append([4, 5, 6], [1, 2, 3]), [1, 2, 3, 4, 5, 6])])
    fails(w.client, q.append([1, 2], "foo"))


@pytest.mark.parametrize("name, fn, empty", [("is_empty", q.is_empty, True), ("is_nonempty", q.is_nonempty, False)])
def test_is_empty_and_is_nonempty(w, name, fn, empty):
    w.create(n=100)
    check(
        w.client,
        [
            (fn([]), empty),
            (fn([1, 2, 3]), not empty),
            (fn(paginate(w.n_set(99))), empty),
            (fn(paginate(w.n_set(100))), not empty),
        ],
    )
