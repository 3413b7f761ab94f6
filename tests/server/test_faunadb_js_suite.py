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

That leaves 234 of the driver's 300 tests: client.test.js 16 of 33, page.test.js 16, stream.test.js 13 of
23, clientLogger.test.js 2 (what it logs is the driver's; the request and answer it logs are checked),
query.test.js 187 of 196. query.test.js's "lambda" is replicated for its query (`Map` with a
two-parameter lambda) and the JSON of that lambda; its other checks are the JS builder's own. Its
"documents" expects 20 widgets, the number its earlier tests made in its order; here the first page holds
every widget made so far.

Two tests expect other than core answers, and check what core does: "current_token returns proper token"
and "has_current_token returns true when token present" ask with an admin key the root key made for the
test database, which core's CurrentTokenFunction does not give (`invalid token`, `Token metadata is not
accessible.`, and so HasCurrentToken is false: AuthFunctionsSpec "cannot access key from different
scope"); a key made in the test database itself is its current token."""

from __future__ import annotations

import http.client
import json
import random
import re
import time
import warnings
from datetime import date
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


def error_event(stream_env, doc, opened) -> tuple[Stream, dict]:
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
    return stream, found


def test_wraps_error_events(stream_env, doc, opened):
    _, found = error_event(stream_env, doc, opened)
    assert found["type"] == "error"
    lost = "Authorization lost during stream evaluation."
    assert found["event"] == {"code": "permission denied", "description": lost}


def test_wraps_delegated_error_events_if_stream_closed_unexpectedly(stream_env, doc, opened):
    # The error event is the stream's last: the server ends the stream after it, which the driver's
    # fetch reports as a network error.
    stream, found = error_event(stream_env, doc, opened)
    assert found["type"] == "error" and stream.take(1) == []


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
    echoed_let = {"let": {"x": 1, "y": 2}, "in": [{"var": "x"}, {"var": "y"}]}
    echoed = Query({"lambda": "_", "expr": echoed_let, "api_version": "4"})
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
                let(
                    {"one": q.add(0, 1), "two": q.add(q.var("one"), 1), "three": q.add(q.var("two"), 1)},
                    q.var("three"),
                ),
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


def test_type_check(w):
    server, admin = w.server_client, w.admin_client
    coll = server.query(q.create_collection({"name": random_string("collection_")}))["ref"]
    index = server.query(q.create_index({"name": random_string("index_"), "source": coll, "active": True}))["ref"]
    doc = server.query(q.create(coll, {"credentials": {"password": "sekret"}}))["ref"]
    db = admin.query(q.create_database({"name": random_string("db_")}))["ref"]
    body = q.query(q.lambda_("x", q.var("x")))
    fn = server.query(q.create_function({"name": random_string("fn_"), "body": body}))["ref"]
    key = admin.query(q.create_key({"database": db, "role": "admin"}))["ref"]
    tok = server.query(q.login(doc, {"password": "sekret"}))
    role = admin.query(q.create_role({"name": random_string("role_"), "membership": [], "privileges": []}))["ref"]
    cred = w.env.get_client(tok["secret"]).query(q.get(Expr({"@ref": "credentials/self"})))["ref"]
    token = tok["ref"]
    true_exprs = [
        q.is_number(3.14), q.is_number(10), q.is_double(3.14), q.is_integer(10), q.is_boolean(True),
        q.is_boolean(False), q.is_null(None), q.is_bytes(bytearray([1, 2, 3, 4])), q.is_timestamp(q.now()),
        q.is_timestamp(q.epoch(1, "second")), q.is_timestamp(q.time("1970-01-01T00:00:00Z")),
        q.is_date(q.to_date(q.now())), q.is_date(q.date("1970-01-01")), q.is_string("string"), q.is_array([10]),
        q.is_object({"x": 10}), q.is_object(paginate(q.collections())), q.is_object(q.get(doc)), q.is_ref(coll),
        q.is_set(q.collections()), q.is_set(q.match(index)), q.is_set(q.union(q.match(index))), q.is_doc(doc),
        q.is_doc(q.get(doc)), q.is_lambda(body), q.is_collection(coll), q.is_collection(q.get(coll)),
        q.is_database(db), q.is_database(q.get(db)), q.is_index(index), q.is_index(q.get(index)),
        q.is_function(fn), q.is_function(q.get(fn)), q.is_key(key), q.is_key(q.get(key)), q.is_token(token),
        q.is_token(q.get(token)), q.is_credentials(cred), q.is_credentials(q.get(cred)), q.is_role(role),
        q.is_role(q.get(role)),
    ]  # fmt: skip
    assert admin.query(true_exprs) == [True] * len(true_exprs)
    false_exprs = [
        q.is_number("string"), q.is_number([]), q.is_double(10), q.is_integer(3.14), q.is_boolean("string"),
        q.is_boolean(10), q.is_null("string"), q.is_bytes([0x1, 0x2, 0x3, 0x4]), q.is_timestamp(q.to_date(q.now())),
        q.is_timestamp(10), q.is_date(q.now()), q.is_date(10), q.is_string([]), q.is_string(10),
        q.is_array({"x": 10}), q.is_object([10]), q.is_ref(q.match(index)), q.is_ref(10), q.is_set("string"),
        q.is_doc({}), q.is_lambda(fn), q.is_lambda(q.get(fn)), q.is_collection(db), q.is_collection(q.get(db)),
        q.is_database(coll), q.is_database(q.get(coll)), q.is_index(coll), q.is_index(q.get(db)),
        q.is_function(index), q.is_function(q.get(coll)), q.is_key(db), q.is_key(q.get(index)), q.is_token(index),
        q.is_token(q.get(cred)), q.is_credentials(token), q.is_credentials(q.get(role)), q.is_role(coll),
        q.is_role(q.get(index)),
    ]  # fmt: skip
    assert admin.query(false_exprs) == [False] * len(false_exprs)


def test_get(w):
    document = w.create()
    assert w.client.query(q.get(document["ref"])) == document


def test_key_from_secret(w):
    key = w.env.root.query(q.create_key({"database": w.env.db_ref, "role": "server"}))
    assert w.env.root.query(q.get(key["ref"])) == w.env.root.query(q.key_from_secret(key["secret"]))


def test_reduce(w):
    cls = w.client.query(q.create_collection({"name": "reduce_cls"}))["ref"]
    index = {"name": "reduce_idx", "source": cls, "values": [{"field": ["data", "value"]}], "active": True}
    index = w.client.query(q.create_index(index))["ref"]
    w.client.query(q.foreach(q.lambda_("i", q.create(cls, {"data": {"value": q.var("i")}})), rng(1, 100)))
    add = q.lambda_(["acc", "value"], q.add(q.var("acc"), q.var("value")))
    check(
        w.client,
        [
            (q.reduce(add, 10, rng(1, 100)), 5060),
            (q.reduce(add, 10, paginate(q.match(index), size=100)), {"data": [5060]}),
            (q.reduce(add, 10, q.match(index)), 5060),
        ],
    )


def test_paginate(w):
    test_set = w.n_set(1)
    # new SetRef(util.unwrapExpr(testSet)): the set's form, its index as the Ref value.
    source = SetRef({"match": w.n_index, "terms": 1})
    check(
        w.client,
        [
            (paginate(test_set), {"data": [w.ref_n1, w.ref_n1m1]}),
            (paginate(test_set, size=1), {"data": [w.ref_n1], "after": [w.ref_n1m1]}),
            (
                paginate(test_set, sources=True),
                {"data": [{"sources": [source], "value": w.ref_n1}, {"sources": [source], "value": w.ref_n1m1}]},
            ),
        ],
    )


def test_exists(w):
    ref = w.create()["ref"]
    assert w.client.query(q.exists(ref)) is True
    w.client.query(q.delete(ref))
    assert w.client.query(q.exists(ref)) is False


def test_create(w):
    document = w.create()
    assert "ref" in document and "ts" in document
    assert document["ref"].collection() == w.collection


def test_update(w):
    ref = w.create()["ref"]
    assert w.client.query(q.update(ref, {"data": {"m": 9}}))["data"] == {"n": 0, "m": 9}
    assert w.client.query(q.update(ref, {"data": {"m": None}}))["data"] == {"n": 0}


def test_replace(w):
    ref = w.create()["ref"]
    assert w.client.query(q.replace(ref, {"data": {"m": 9}}))["data"] == {"m": 9}


def test_delete(w):
    ref = w.create()["ref"]
    w.client.query(q.delete(ref))
    assert w.client.query(q.exists(ref)) is False


def test_insert(w):
    document = w.client.query(q.create(w.thimbles, {"data": {"weight": 1}}))
    prev_ts = document["ts"] - 1
    w.client.query(q.insert(document["ref"], prev_ts, "create", {"data": {"weight": 0}}))
    assert w.client.query(q.get(document["ref"], prev_ts))["data"] == {"weight": 0}


def test_remove(w):
    document = w.client.query(q.create(w.thimbles, {"data": {"weight": 0}}))
    ref = document["ref"]
    new_document = w.client.query(q.replace(ref, {"data": {"weight": 1}}))
    assert w.client.query(q.get(ref)) == new_document
    w.client.query(q.remove(ref, new_document["ts"], "create"))
    assert w.client.query(q.get(ref)) == document


def test_create_function(w):
    w.client.query(q.create_function({"name": "a_function", "body": q.query(q.lambda_("x", q.var("x")))}))
    assert w.client.query(q.exists(q.function("a_function"))) is True


def new_database(w: Widgets) -> Client:
    """withNewDatabase: a child database of the test database, and a client of an admin key there."""
    admin = w.env.get_client(w.env.key("admin")["secret"])
    return create_new_database(w.env, admin, random_string("sub_db_"))


def create_new_database(env: Env, client: Client, name: str) -> Client:
    client.query(q.create_database({"name": name}))
    return env.get_client(client.query(q.create_key({"database": q.database(name), "role": "admin"}))["secret"])


def read_databases_role(name: str):
    return q.create_role({"name": name, "privileges": [{"resource": q.databases(), "actions": {"read": True}}]})


def test_create_role(w):
    client = new_database(w)
    client.query(read_databases_role("a_role"))
    assert client.query(q.exists(q.role("a_role"))) is True


def test_create_access_provider_successful_creation(w):
    provider_name, issuer = random_string("provider_"), random_string("issuer_")
    full_uri = f"https://{random_string()}.auth0.com"
    role_one, role_two = random_string("role_one_"), random_string("role_two_")
    w.admin_client.query(read_databases_role(role_one))
    w.admin_client.query(read_databases_role(role_two))
    roles = [q.role(role_one), {"role": q.role(role_two), "predicate": q.query(q.lambda_("x", True))}]
    provider = w.admin_client.query(
        q.create_access_provider({"name": provider_name, "issuer": issuer, "jwks_uri": full_uri, "roles": roles})
    )
    assert (provider["name"], provider["issuer"], provider["jwks_uri"]) == (provider_name, issuer, full_uri)
    assert isinstance(provider["roles"], list)


@pytest.mark.parametrize(
    "name",
    [
        "create_access_provider fails with non-unique issuer",
        "create_access_provider fails without issuer",
        "create_access_provider fails without name",
        "create_access_provider fails with invalid URI",
    ],
)
def test_create_access_provider_fails(w, name):
    issuer, provider_name, role_one = random_string("issuer_"), random_string("provider_"), random_string("role_one_")
    full_uri = f"https://{random_string()}.auth0.com"
    w.admin_client.query(read_databases_role(role_one))
    params = {"name": provider_name, "issuer": issuer, "jwks_uri": full_uri, "roles": [q.role(role_one)]}
    if name.endswith("non-unique issuer"):
        w.admin_client.query(q.create_access_provider(params))
        params = {**params, "name": "duplicate_provider", "jwks_uri": "https://db.fauna.com"}
    elif name.endswith("without issuer"):
        params["issuer"] = None
    elif name.endswith("without name"):
        del params["name"]
    else:
        params["jwks_uri"] = random_string()
    fails(w.admin_client, q.create_access_provider(params))


def test_events(w):
    ref = w.create()["ref"]
    w.client.query(q.update(ref, {"data": {"n": 100}}))
    w.client.query(q.delete(ref))
    found = w.client.query(paginate(q.events(ref)))["data"]
    assert [(e["action"], e["document"]) for e in found] == [("create", ref), ("update", ref), ("delete", ref)]


def test_singleton(w):
    ref = w.create()["ref"]
    w.client.query(q.update(ref, {"data": {"n": 100}}))
    w.client.query(q.delete(ref))
    found = w.client.query(paginate(q.events(q.singleton(ref))))["data"]
    assert [(e["action"], e["document"]) for e in found] == [("add", ref), ("remove", ref)]


def test_match(w):
    assert w.set_contents(w.n_set(1)) == [w.ref_n1, w.ref_n1m1]


def test_union(w):
    assert w.set_contents(q.union(w.n_set(1), w.m_set(1))) == [w.ref_n1, w.ref_m1, w.ref_n1m1]


def test_merge(w):
    left = q.lambda_(["key", "left", "right"], q.var("left"))
    check(
        w.client,
        [
            (q.merge({}, {"x": 10, "y": 20}), {"x": 10, "y": 20}),
            (q.merge({"one": 1}, {"two": 2}), {"one": 1, "two": 2}),
            (q.merge({"x": "x", "y": "y", "z": "z"}, {"z": "Zzz"}), {"x": "x", "y": "y", "z": "Zzz"}),
            (q.merge({}, [{"x": "x"}, {"y": "y"}, {"z": "z"}]), {"x": "x", "y": "y", "z": "z"}),
            (q.merge({"x": "A"}, {"x": "x", "y": "y", "z": "z"}, left), {"x": "A"}),
        ],
    )


def test_intersection(w):
    assert w.set_contents(q.intersection(w.n_set(1), w.m_set(1))) == [w.ref_n1m1]


def test_difference(w):
    assert w.set_contents(q.difference(w.n_set(1), w.m_set(1))) == [w.ref_n1]


def test_distinct(w):
    assert w.set_contents(q.match(w.n_covered_index, 1)) == [10, 10, 15]
    assert w.set_contents(q.distinct(q.match(w.n_covered_index, 1))) == [10, 15]


def test_join(w):
    referenced = [w.create(n=12)["ref"], w.create(n=12)["ref"]]
    referencers = [w.create(m=referenced[0])["ref"], w.create(m=referenced[1])["ref"]]
    source = w.n_set(12)
    assert w.set_contents(source) == referenced
    assert w.set_contents(q.join(source, q.lambda_("a", q.match(w.m_index, q.var("a"))))) == referencers
    assert w.set_contents(q.join(source, w.m_index)) == referencers


def test_range(w):
    cls = w.client.query(q.create_collection({"name": "range_cls"}))["ref"]
    index = {"name": "range_idx", "source": cls, "values": [{"field": ["data", "value"]}], "active": True}
    m = q.match(w.client.query(q.create_index(index))["ref"])
    w.client.query(q.foreach(q.lambda_("i", q.create(cls, {"data": {"value": q.var("i")}})), rng(1, 20)))
    check(
        w.client,
        [
            (paginate(q.range(m, 3, 7)), {"data": rng(3, 7)}),
            (paginate(q.union(q.range(m, 1, 10), q.range(m, 11, 20))), {"data": rng(1, 20)}),
            (paginate(q.difference(q.range(m, 1, 20), q.range(m, 11, 20))), {"data": rng(1, 10)}),
            (paginate(q.intersection(q.range(m, 1, 20), q.range(m, 5, 15))), {"data": rng(5, 15)}),
        ],
    )


def logged_in(w: Widgets) -> tuple[dict, dict, Client]:
    """A widget with a password, its Login, and a client of the token's secret."""
    made = w.client.query(q.create(w.collection, {"credentials": {"password": "sekrit"}}))
    login = w.client.query(q.login(made["ref"], {"password": "sekrit"}))
    return made, login, w.env.get_client(login["secret"])


def test_login_logout(w):
    made, _, instance_client = logged_in(w)
    assert instance_client.query(q.select("ref", q.get(made["ref"]))) == made["ref"]
    assert instance_client.query(q.logout(True)) is True


def test_identify(w):
    made = w.client.query(q.create(w.collection, {"credentials": {"password": "sekrit"}}))
    assert w.client.query(q.identify(made["ref"], "sekrit")) is True


def test_has_identity(w):
    _, _, new_client = logged_in(w)
    assert w.client.query(Expr({"has_identity": None})) is False
    assert new_client.query(Expr({"has_identity": None})) is True


def test_identity(w):
    made, _, new_client = logged_in(w)
    assert new_client.query(Expr({"identity": None})) == made["ref"]


def sinh(x) -> Expr:
    """Sinh: faunadb-python has no builder for it."""
    return Expr({"sinh": x})


#: query.test.js's tests that are lists of assertQuery: each expression and what it gives. JS numbers
#: compare as numbers (`Ceil(1.2)` is 2), as Python's int and float do.
ASSERT_QUERY_TESTS = {
    "concat": [(q.concat(["a", "b", "c"]), "abc"), (q.concat([]), ""), (q.concat(["a", "b", "c"], "."), "a.b.c")],
    "casefold": [
        (q.casefold("Hen Wen"), "hen wen"),
        (q.casefold("\u212B", "NFD"), "A\u030A"),
        (q.casefold("\u212B", "NFC"), "\u00C5"),
        (q.casefold("\u1E9B\u0323", "NFKD"), "\u0073\u0323\u0307"),
        (q.casefold("\u1E9B\u0323", "NFKC"), "\u1E69"),
        (q.casefold("\u212B", "NFKCCaseFold"), "\u00E5"),
    ],
    "containsstr": [
        (q.contains_str("ABC", "A"), True),
        (q.contains_str("ABC", "D"), False),
        (q.contains_str("a big apple", "g a"), True),
    ],
    "containsstrregex": [
        (q.contains_str_regex("ABCDEFGHIJK", "[A-Z]"), True),
        (q.contains_str_regex("1234567890", "[A-Z]"), False),
        (q.contains_str_regex("ABCDEFGHIJK", "[a-z]"), False),
    ],
    "startswith": [
        (q.starts_with("ABCDEFGHIJK", "ABC"), True),
        (q.starts_with("1234567890", "1234567890"), True),
        (q.starts_with("ABCDEFGHIJK", "BCD"), False),
    ],
    "endswith": [
        (q.ends_with("ABCDEFGHIJK", "IJK"), True),
        (q.ends_with("1234567890", "1234567890"), True),
        (q.ends_with("ABCDEFGHIJK", "HIJ"), False),
    ],
    "regexescape": [(q.regex_escape("ABCDEF"), "\\QABCDEF\\E")],
    "findstr": [
        (q.find_str("ABC", "A"), 0),
        (q.find_str("ABC", "A", 0), 0),
        (q.find_str("ABC", "A", 1), -1),
        (q.find_str("a big apple", "a", 2), 6),
    ],
    "findstrregex": [
        (q.find_str_regex("ABC", "A"), [{"start": 0, "end": 0, "data": "A"}]),
        (q.find_str_regex("ABCAB", "AB"), [{"start": 0, "end": 1, "data": "AB"}, {"start": 3, "end": 4, "data": "AB"}]),
        (
            q.find_str_regex("one fish two Fish", "[fF]ish"),
            [{"start": 4, "end": 7, "data": "fish"}, {"start": 13, "end": 16, "data": "Fish"}],
        ),
    ],
    "length": [(q.length(""), 0), (q.length("A"), 1), (q.length("ApPle"), 5), (q.length("two words"), 9)],
    "lowercase": [
        (q.lowercase(""), ""),
        (q.lowercase("A"), "a"),
        (q.lowercase("ApPle"), "apple"),
        (q.lowercase("\u0130stanbul"), "i\u0307stanbul"),
    ],
    "ltrim": [
        (q.ltrim(""), ""),
        (q.ltrim("    A"), "A"),
        (q.ltrim("\t\n\t\n  Apple"), "Apple"),
        (q.ltrim(" A B C"), "A B C"),
    ],
    "ngram": [
        (q.ngram("what"), ["w", "wh", "h", "ha", "a", "at", "t"]),
        (q.ngram("what", 2, 3), ["wh", "wha", "ha", "hat", "at"]),
        (q.ngram(["john", "doe"]), ["j", "jo", "o", "oh", "h", "hn", "n", "d", "do", "o", "oe", "e"]),
        (q.ngram(["john", "doe"], 3, 4), ["joh", "john", "ohn", "doe"]),
    ],
    "repeat": [(q.repeat("A"), "AA"), (q.repeat("ABC", 3), "ABCABCABC")],
    "replacestr": [
        (q.replace_str("ABCDE", "AB", "AA"), "AACDE"),
        (q.replace_str("One Fish Two Fish", "Fish", "Cat"), "One Cat Two Cat"),
    ],
    "replacestrregex": [
        (q.replace_str_regex("ABCDE", "AB", "AA"), "AACDE"),
        (q.replace_str_regex("One Fish Two fish", "[Ff]ish", "Cat"), "One Cat Two Cat"),
    ],
    "rtrim": [(q.rtrim("A\t\n   "), "A"), (q.rtrim("ABC DE F "), "ABC DE F")],
    "space": [(q.space(0), ""), (q.space(5), "     ")],
    "substring": [(q.substring("ABCDEF", -3), "DEF"), (q.substring("ABCDEF", 0, 3), "ABC")],
    "titlecase": [(q.titlecase("one fISH tWo FISH"), "One Fish Two Fish"), (q.titlecase("ABC DEF"), "Abc Def")],
    "trim": [(q.trim("   A   "), "A"), (q.trim("\t\nABC DEF\t\n   "), "ABC DEF")],
    "uppercase": [(q.uppercase("a"), "A"), (q.uppercase("abc def"), "ABC DEF")],
    "format": [
        (q.format("%3$s%1$s %2$s", "DB", "rocks", "Fauna"), "FaunaDB rocks"),
        (q.format("%.4f", 3.14), "3.1400"),
        (q.format("%s %d %.2f", "Hey", 1995, 6.02), "Hey 1995 6.02"),
        (q.format("always 100%%"), "always 100%"),
    ],
    "epoch": [
        (q.epoch(12, "second"), FaunaTime("1970-01-01T00:00:12Z")),
        (q.epoch(123456789, "nanosecond"), FaunaTime("1970-01-01T00:00:00.123456789Z")),
    ],
    "time_add": [
        (q.time_add(q.epoch(0, "second"), 1, "hour"), FaunaTime("1970-01-01T01:00:00Z")),
        (q.time_add(q.date("1970-01-01"), 1, "day"), date(1970, 1, 2)),
    ],
    "time_subtract": [
        (q.time_subtract(q.epoch(0, "second"), 1, "hour"), FaunaTime("1969-12-31T23:00:00Z")),
        (q.time_subtract(q.date("1970-01-01"), 1, "day"), date(1969, 12, 31)),
    ],
    "time_diff": [
        (q.time_diff(q.epoch(0, "second"), q.epoch(1, "second"), "second"), 1),
        (q.time_diff(q.date("1970-01-01"), q.date("1970-01-02"), "day"), 1),
    ],
    "date": [(q.date("1970-01-01"), date(1970, 1, 1))],
    "equals": [
        (q.equals(1, 1, 1), True),
        (q.equals(1, 1, 2), False),
        (q.equals(1), True),
        (q.equals({"a": 10, "b": 20}, {"a": 10, "b": 20}), True),
    ],
    "contains_value arrays": [
        (q.contains_value(1, [1, [2, 3]]), True),
        (q.contains_value([2, 3], [1, [2, 3]]), True),
        (q.contains_value([2], [[1], [2], [3]]), True),
        (q.contains_value({"id": 2}, [{"id": 1}, {"id": 2}]), True),
        (q.contains_value({"id": 3}, [{"id": 1}, {"id": 2}]), False),
    ],
    "contains_path": [
        (q.contains_path(["a", "b"], {"a": {"b": 1}}), True),
        (q.contains_path("a", {"a": {"b": 1}}), True),
        (q.contains_path(["a", "c"], {"a": {"b": 1}}), False),
    ],
    "abs": [(q.abs(10), 10), (q.abs(-10), 10)],
    "add": [(q.add(2, 3, 5), 10)],
    "bitand": [(q.bitand(1, 0), 0), (q.bitand(7, 3), 3)],
    "bitnot": [(q.bitnot(0), -1), (q.bitnot(1), -2)],
    "bitor": [(q.bitor(0, 1, 0, 1), 1), (q.bitor(1, 2, 4), 7)],
    "bitxor": [(q.bitxor(0, 1), 1), (q.bitxor(1, 2, 4), 7)],
    "ceil": [(q.ceil(1.2), 2), (q.ceil(1.8), 2)],
    "floor": [(q.floor(1.2), 1), (q.floor(1.8), 1)],
    "max": [(q.max(2, 3, 5, 4), 5)],
    "min": [(q.min(2, 3, 5, 4), 2)],
    "multiply": [(q.multiply(2, 3, 5), 30)],
    "round": [
        (q.round(155.678, -1), 160),
        (q.round(155.678, 0), 156),
        (q.round(155.678, 1), 155.7),
        (q.round(155.678, 2), 155.68),
    ],
    "subtract": [(q.subtract(2, 3, 5), -6), (q.subtract(2), 2)],
    "sign": [(q.sign(1.2), 1), (q.sign(1.8), 1)],
    "sqrt": [(q.sqrt(16), 4), (q.sqrt(4), 2)],
    "trunc": [
        (q.trunc(155.678, -1), 150),
        (q.trunc(155.678, 0), 155),
        (q.trunc(155.678, 1), 155.6),
        (q.trunc(155.678, 2), 155.67),
    ],
    "acos": [(q.trunc(q.acos(0.5), 2), 1.04)],
    "asin": [(q.trunc(q.asin(0.5), 2), 0.52), (q.trunc(q.asin(0), 2), 0)],
    "atan": [(q.trunc(q.atan(0.5), 2), 0.46), (q.trunc(q.atan(0), 2), 0)],
    "cos": [(q.cos(0), 1)],
    "cosh": [(q.trunc(q.cosh(7.6), 1), 999)],
    "degres": [(q.trunc(q.degrees(6.29), 0), 360)],
    "exp": [(q.trunc(q.exp(5), 0), 148)],
    "hypot": [(q.hypot(q.hypot(3, 4), 0), 5)],
    "ln": [(q.trunc(q.ln(1), 0), 0)],
    "log": [(q.trunc(q.log(100), 0), 2)],
    "pow": [(q.pow(3, 2), 9)],
    "radians": [(q.trunc(q.radians(360), 1), 6.2)],
    "sin": [(q.trunc(q.sin(0), 0), 0)],
    "sinh": [(q.trunc(sinh(4), 0), 27)],
    "tan": [(q.trunc(q.tan(0), 0), 0)],
    "tanh": [(q.trunc(q.tanh(100), 0), 1)],
    "lt": [(q.lt(1, 2), True)],
    "lte": [(q.lte(1, 1), True)],
    "gt": [(q.gt(2, 1), True)],
    "gte": [(q.gte(1, 1), True)],
    "and": [
        (q.and_(True, True, False), False),
        (q.and_(True, True, True), True),
        (q.and_(True), True),
        (q.and_(False), False),
    ],
    "or": [
        (q.or_(False, False, True), True),
        (q.or_(False, False, False), False),
        (q.or_(True), True),
        (q.or_(False), False),
    ],
    "not": [(q.not_(True), False), (q.not_(False), True)],
    "to_string": [(q.to_string(42), "42"), (q.to_string("42"), "42")],
    "to_number": [(q.to_number(42), 42), (q.to_number("42"), 42)],
    "to_array": [(q.to_array({"k0": 10, "k1": 20}), [["k0", 10], ["k1", 20]])],
    "to_array_and_to_object": [(q.to_object(q.to_array({"k0": 10, "k1": 20})), {"k0": 10, "k1": 20})],
    "to_double": [(q.to_double(3.14), 3.14), (q.to_string(q.to_double(10)), "10.0"), (q.to_double("3.14"), 3.14)],
    "to_integer": [(q.to_string(q.to_integer(10.0)), "10"), (q.to_integer("10"), 10)],
    "to_time": [(q.to_time("1970-01-01T00:00:00Z"), FaunaTime("1970-01-01T00:00:00Z"))],
    "to_millis": [
        (q.to_millis(q.time("1970-01-01T00:00:00Z")), 0),
        (q.to_millis(q.epoch(2147483648000, "millisecond")), 2147483648000),
        (q.to_millis(0), 0),
        (q.to_millis(2147483648000000), 2147483648000),
    ],
    "to_seconds": [
        (q.to_seconds(q.epoch(0, "second")), 0),
        (q.to_seconds(q.epoch(2147483648, "second")), 2147483648),
        (q.to_seconds(0), 0),
        (q.to_seconds(2147483648000000), 2147483648),
    ],
    "to_micros": [
        (q.to_micros(q.epoch(0, "second")), 0),
        (q.to_micros(q.epoch(2147483648000000, "microsecond")), 2147483648000000),
        (q.to_micros(0), 0),
        (q.to_micros(2147483648000000), 2147483648000000),
    ],
    "day_of_month": [
        (q.day_of_month(q.epoch(0, "second")), 1),
        (q.day_of_month(q.epoch(2147483648, "second")), 19),
        (q.day_of_month(0), 1),
        (q.day_of_month(2147483648000000), 19),
    ],
    "day_of_week": [
        (q.day_of_week(q.epoch(0, "second")), 4),
        (q.day_of_week(q.epoch(2147483648, "second")), 2),
        (q.day_of_week(0), 4),
        (q.day_of_week(2147483648000000), 2),
    ],
    "day_of_year": [
        (q.day_of_year(q.epoch(0, "second")), 1),
        (q.day_of_year(q.epoch(2147483648, "second")), 19),
        (q.day_of_year(0), 1),
        (q.day_of_year(2147483648000000), 19),
    ],
    "month": [
        (q.month(q.epoch(0, "second")), 1),
        (q.month(q.epoch(2147483648, "second")), 1),
        (q.month(0), 1),
        (q.month(2147483648000000), 1),
    ],
    "year": [
        (q.year(q.epoch(0, "second")), 1970),
        (q.year(q.epoch(2147483648, "second")), 2038),
        (q.year(0), 1970),
        (q.year(2147483648000000), 2038),
    ],
    "hour": [(q.hour(q.epoch(0, "second")), 0)],
    "minute": [(q.minute(q.epoch(0, "second")), 0)],
    "second": [(q.second(q.epoch(0, "second")), 0)],
    "to_date": [(q.to_date("1970-01-01"), date(1970, 1, 1))],
    "bytes": [
        (Expr({"@bytes": "AQIDBA=="}), bytearray([1, 2, 3, 4])),
        (bytearray(4), bytearray(4)),
        (Expr({"@bytes": "AAAAAA=="}), bytearray(4)),
    ],
    "nested ref from string": [
        (Expr({"@ref": "collections/widget/123"}), Ref("123", Ref("widget", Native.COLLECTIONS))),
    ],
    "varargs": [(q.add([2, 3, 5]), 10), (let({"x": [2, 3, 5]}, q.add(q.var("x"))), 10)],
}


@pytest.mark.parametrize("name", list(ASSERT_QUERY_TESTS))
def test_assert_query(w, name):
    """The tests of ASSERT_QUERY_TESTS, each by its JS name."""
    check(w.client, ASSERT_QUERY_TESTS[name])


#: query.test.js's assertBadQuery checks: each expression fails as BadRequest (NotFound where said).
BAD_QUERY_TESTS = {
    "contains_value scalar types": [
        q.contains_value("a", "abc"),
        q.contains_value(True, True),
        q.contains_value(1, 123),
    ],
    "contains_field": [
        q.contains_field(["band"], {"band": "phish"}),
        q.contains_field({"members": {"trey": "guitar"}}, {"band": "phish"}),
        q.contains_field(10, {"band": "phish"}),
    ],
    "divide": [q.divide(1, 0)],
    "modulo": [q.modulo(1, 0)],
}


@pytest.mark.parametrize("name", list(BAD_QUERY_TESTS))
def test_bad_query(w, name):
    for expr in BAD_QUERY_TESTS[name]:
        fails(w.client, expr)


def test_contains_value_object(w):
    obj = {
        "guitar": "trey", "bass": "mike", "piano": "paige", "drums": "fish", "members": 4,
        "instruments": ["guitar", "bass", "piano", "drums"],
    }  # fmt: skip
    nested = {"burger": {"ingredients": {"protein": "beef"}}, "burrito": {"ingredients": {"protein": "chicken"}}}
    check(
        w.client,
        [
            (q.contains_value("trey", obj), True),
            (q.contains_value("kuroda", obj), False),
            (q.contains_value(4, obj), True),
            (q.contains_value(40, obj), False),
            (q.contains_value(["guitar", "bass", "piano", "drums"], obj), True),
            (q.contains_value({"ingredients": {"protein": "beef"}}, nested), True),
        ],
    )


def test_contains_value_refs(w):
    data = {"group": "Run the Jewels", "members": ["El-P", "Killer Mike"]}
    coll = w.client.query(q.create_collection({"name": "drums"}))
    doc = w.client.query(q.create(coll["ref"], {"data": data}))
    check(
        w.client,
        [
            (q.contains_value(data, doc), True),
            (q.contains_value(coll["ref"], doc["ref"]), True),
            (q.contains_value(coll["ts"], doc), False),
        ],
    )


def test_contains_value_page(w):
    page = w.client.query(paginate(q.indexes()))
    index = w.client.query(q.index("widgets_by_m"))
    check(w.client, [(q.contains_value(index, page["data"]), True)])


def test_contains_field(w):
    obj = {"band": "phish", "members": {"trey": "guitar", "mike": "bass"}}
    check(w.client, [(q.contains_field("band", obj), True), (q.contains_field("trey", obj), False)])


def test_select(w):
    obj = {"a": {"b": 1}}
    check(
        w.client,
        [
            (q.select("a", obj), {"b": 1}),
            (q.select(["a", "b"], obj), 1),
            (q.select("c", obj, None), None),
            (q.select("c", obj, "default"), "default"),
        ],
    )
    fails(w.client, q.select("c", obj), "NotFound")


def test_select_for_array(w):
    check(w.client, [(q.select(2, [1, 2, 3]), 3)])
    fails(w.client, q.select(3, [1, 2, 3]), "NotFound")


def test_divide(w):
    check(w.client, [(q.divide(2), 2)])


def test_modulo(w):
    check(w.client, [(q.modulo(5, 2), 1), (q.modulo(15, 10, 2), 1), (q.modulo(2), 2)])


def test_time(w):
    check(w.client, [(q.time("1970-01-01T00:00:00.123456789Z"), FaunaTime("1970-01-01T00:00:00.123456789Z"))])
    assert isinstance(w.client.query(q.time("now")), FaunaTime)


def test_now(w):
    assert w.client.query(q.equals(q.now(), q.time("now"))) is True
    t0 = w.client.query(q.now())
    t1 = w.client.query(q.now())
    assert w.client.query(q.lte(t0, t1, q.now())) is True


def test_new_id(w):
    assert isinstance(int(w.client.query(q.new_id())), int)


def test_index(w):
    assert w.client.query(q.index("widgets_by_n")) == w.n_index


def test_collection(w):
    assert w.client.query(q.collection("widgets")) == w.collection


def test_count_sum_mean(w):
    values = rng(1, 100)
    coll = w.client.query(q.create_collection({"name": "math_collection"}))["ref"]
    index = {"name": "math_collection_index", "source": coll, "values": [{"field": ["data", "value"]}], "active": True}
    w.client.query(q.create_index(index))
    w.client.query(q.foreach(q.lambda_("i", q.create(coll, {"data": {"value": q.var("i")}})), values))
    matched = q.match(q.index("math_collection_index"))
    page = paginate(matched, size=1000)
    check(
        w.client,
        [
            (q.count(values), 100), (q.sum(values), 5050), (q.mean(values), 50.5),
            (q.count(matched), 100), (q.sum(matched), 5050), (q.mean(matched), 50.5),
            (q.select(["data"], q.count(page)), [100]), (q.select(["data"], q.sum(page)), [5050]),
            (q.select(["data"], q.mean(page)), [50.5]),
        ],
    )  # fmt: skip


def test_any_all(w):
    coll_name, index_name = random_string("collection_"), random_string("index_")
    w.client.query(q.create_collection({"name": coll_name}))
    index = {"name": index_name, "source": q.collection(coll_name), "active": True}
    index |= {"terms": [{"field": ["data", "foo"]}], "values": [{"field": ["data", "value"]}]}
    w.client.query(q.create_index(index))
    coll = q.collection(coll_name)
    rows = [("true", True)] * 3 + [("false", False)] * 3 + [("mixed", True), ("mixed", False)] * 2
    w.client.query(q.do(*[q.create(coll, {"data": {"foo": foo, "value": value}}) for foo, value in rows]))
    idx = q.index(index_name)

    def first(fn, term):
        return q.select(["data", 0], fn(paginate(q.match(idx, term))))

    check(
        w.client,
        [
            (q.any([False, False, False]), False), (q.any([True, False, True]), True),
            (first(q.any, "true"), True), (first(q.any, "false"), False), (first(q.any, "mixed"), True),
            (q.any(q.match(idx, "true")), True), (q.any(q.match(idx, "false")), False),
            (q.any(q.match(idx, "mixed")), True),
            (q.all([True, True, True]), True), (q.all([True, False, True]), False),
            (first(q.all, "true"), True), (first(q.all, "false"), False), (first(q.all, "mixed"), False),
            (q.all(q.match(idx, "true")), True), (q.all(q.match(idx, "false")), False),
            (q.all(q.match(idx, "mixed")), False),
        ],
    )  # fmt: skip


def test_to_object(w):
    obj = {"k0": 10, "k1": 20}
    check(w.client, [(q.to_object([["k0", 10], ["k1", 20]]), obj)])
    coll_name, index_name = random_string("collection_"), random_string("index_")
    w.client.query(q.create_collection({"name": coll_name}))
    index = {"name": index_name, "active": True, "source": q.collection(coll_name)}
    index["values"] = [{"field": ["data", "key"]}, {"field": ["data", "value"]}]
    w.client.query(q.create_index(index))
    coll = q.collection(coll_name)
    w.client.query(q.do(*[q.create(coll, {"data": {"key": k, "value": v}}) for k, v in obj.items()]))
    check(w.client, [(q.to_object(q.select(["data"], paginate(q.match(q.index(index_name))))), obj)])


def test_ref(w):
    check(w.client, [(q.ref(w.collection, q.concat(["123", "456"])), Ref("123456", w.collection))])


def test_move_database(w):
    admin = w.env.get_client(w.env.key("admin")["secret"])
    admin = create_new_database(w.env, admin, random_string("sub_db_"))
    create_new_database(w.env, admin, "db_move")
    destination = create_new_database(w.env, admin, "db_destination")
    admin.query(q.move_database(q.database("db_move"), q.database("db_destination")))
    assert admin.query(q.exists(q.database("db_move"))) is False
    assert admin.query(q.exists(q.database("db_destination"))) is True
    assert destination.query(q.exists(q.database("db_move"))) is True


def test_documents(w):
    # The driver's run has made 20 widgets by now (its tests run in order, each making its own); the
    # first page holds them all.
    count = w.client.query(q.count(q.documents(q.collection("widgets"))))
    assert len(w.client.query(paginate(q.documents(q.collection("widgets"))))["data"]) == count


def test_reverse(w):
    check(w.client, [(q.reverse([1, 2, 3]), [3, 2, 1])])
    indexes = w.client.query(paginate(q.indexes()))
    assert w.client.query(q.reverse(paginate(q.indexes())))["data"] == indexes["data"][::-1]
    widgets = q.collection("widgets")
    anderson = w.client.query(q.create(widgets, {"data": {"name": "anderson paak", "n": 100}}))
    w.client.query(q.create(widgets, {"data": {"name": "chance the rapper", "n": 100}}))
    w.client.query(q.create(widgets, {"data": {"name": "kendrick lamar", "n": 100}}))
    page = paginate(q.match(q.index("widgets_by_n"), 100), size=2, after=[anderson["ref"]])
    assert w.client.query(q.reverse(page))["data"] == w.client.query(page)["data"][::-1]
    documents = w.client.query(paginate(q.documents(widgets)))["data"]
    assert w.client.query(paginate(q.reverse(q.documents(widgets))))["data"] == documents[::-1]


def new_provider(client: Client, name: str | None = None) -> dict:
    params = {"name": name or random_string("provider_"), "issuer": random_string("issuer_")}
    params["jwks_uri"] = f"https://{random_string()}.auth0.com"
    return client.query(q.create_access_provider(params))


def test_access_provider(w):
    name = random_string("provider_")
    new_provider(w.admin_client, name)
    assert w.admin_client.query(q.get(q.access_provider(name)))["name"] == name
    fails(w.admin_client, q.get(q.access_provider(random_string("bad_provider_"))))


def test_access_providers(w):
    new_provider(w.admin_client)
    new_provider(w.admin_client)
    provider = w.admin_client.query(q.get(q.access_providers()))
    assert {"name", "issuer", "jwks_uri"} <= set(provider)
    assert len(w.admin_client.query(paginate(q.access_providers()))["data"]) >= 1


def test_current_identity_returns_object_when_authed(w):
    made, login, new_client = logged_in(w)
    identity = new_client.query(q.current_identity())
    assert identity == made["ref"] == login["instance"]


def test_current_identity_fails_when_no_identity_present(w):
    fails(w.admin_client, q.current_identity())


def test_has_current_identity_returns_true_when_identity_present(w):
    # (The driver's test asks CurrentIdentity() and checks it is truthy.)
    _, _, new_client = logged_in(w)
    assert new_client.query(q.current_identity())
    assert new_client.query(q.has_current_identity()) is True


def test_has_current_identity_returns_false_without_identity_present(w):
    assert w.admin_client.query(q.has_current_identity()) is False


def test_current_token_returns_proper_token(w):
    # The driver's test expects the admin key's ref. That key was made by the root key in the top
    # database, for the test database: core's CurrentTokenFunction answers a key's ref only in the scope
    # the key lives in, and `invalid token` elsewhere (AuthFunctionsSpec "cannot access key from
    # different scope"), as fql does.
    failure = fails(w.admin_client, q.current_token())
    assert (failure.message, failure.description) == ("invalid token", "Token metadata is not accessible.")
    # A key made in the test database itself is its current token.
    own = w.admin_client.query(q.create_key({"role": "admin"}))
    assert w.env.get_client(own["secret"]).query(q.current_token()) == own["ref"]


def test_current_token_fails_when_unauthenticated(w):
    fails(w.env.get_client("badsecret"), q.current_token(), "Unauthorized")


def test_has_current_token_returns_true_when_token_present(w):
    # As above: false for the admin key made in the top database (core's HasCurrentTokenFunction is
    # CurrentToken's success), true for one made in the test database.
    assert w.admin_client.query(q.has_current_token()) is False
    own = w.admin_client.query(q.create_key({"role": "admin"}))
    assert w.env.get_client(own["secret"]).query(q.has_current_token()) is True


def test_has_current_token_returns_false_when_no_token_present(w):
    # The test database's `client` holds a key's secret, which is no token.
    assert w.client.query(q.has_current_token()) is False


def test_legacy_queries_lambdas_have_default_api_version(w):
    found = w.client.query(Query({"lambda": "X", "expr": {"var": "X"}}))
    assert isinstance(found, Query)
    assert json.loads(to_json(found)) == {"@query": {"api_version": "2.12", "lambda": "X", "expr": {"var": "X"}}}


def observed_headers(client: Client, **options) -> dict:
    """The answer's headers to `Now()` with `options` (the observer's `responseHeaders`)."""
    client.query(q.now(), **options)
    return client.observed[-1][1]


def test_valid_traceparent_should_return_the_same_trace_id(w):
    traceparent = "00-750efa5fb6a131eb2cf4db39f28366cb-5669e71839eca76b-00"
    found = observed_headers(w.admin_client, traceparent=traceparent)["traceparent"]
    assert found.split("-")[1] == traceparent.split("-")[1]


def test_invalid_traceparent_should_be_discarded(w):
    # The driver does not send a traceparent that is none: the server makes one of its own.
    found = observed_headers(w.admin_client, traceparent="invalidTraceparent")["traceparent"]
    assert found and found != "invalidTraceparent"


def test_traceparent_should_be_returned_when_not_provided(w):
    assert observed_headers(w.admin_client)["traceparent"]


def test_provided_tags_should_be_returned(w):
    assert observed_headers(w.admin_client, tags={"foo": "Foo1", "bar": "Bar2"})["x-fauna-tags"] == "bar=Bar2,foo=Foo1"


@pytest.mark.parametrize(
    "name, tags, description",
    [
        ("Error thrown when tag pairs exceed limit", {str(i): str(random.random()) for i in range(26)}, None),
        ("invalid characters in tag key should throw error", {"foo": "Foo1", "v@@!ar": "Bar2"}, "invalid tags"),
        (
            "tag key with length over allowed limit should throw error",
            {"aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd1": "Foo1", "bar": "Bar2"},
            "invalid key",
        ),
        (
            "invalid characters in tag value should throw error",
            {"foo": "inva@l!d value", "bar": "Bar2"},
            "invalid tags",
        ),
        (
            "tag value with length over allowed limit should throw error",
            {"foo": "a" * 81, "bar": "Bar2"},
            "invalid value",
        ),
    ],
)
def test_bad_tags(w, name, tags, description):
    failure = fails(w.admin_client, q.now(), tags=tags)
    if description is not None:
        assert re.search(description, failure.description)


def test_tags_should_be_undefined_if_not_provided_in_request(w):
    assert "x-fauna-tags" not in observed_headers(w.admin_client)
