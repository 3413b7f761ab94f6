"""fauna/faunadb-python's tests (tests/, driver 4.5.2, read at its head) replayed through the installed
faunadb driver against `fql serve`: each test below restates the driver test of its name (its file in
the section comment), with the same flow and assertions.

As its FaunaTestCase does, each test works in a database of its own made by the root key, through a
server key's client (`client`) or an admin key's (`admin_client`); test_query.py's also have its
`widgets` collection and its three indexes.

Not replicated, since they never reach a server: test_serialization.py, test_deserialization.py and
test_objects.py (JSON forms alone), test_errors.py's mocked answers (test_json_error,
test_resource_error, test_unexpected_error_code, test_internal_error, test_unavailable_error) and its
ErrorData and Failure equality and repr tests, test_client.py's test_query_timeout,
test_error_on_closed_client and the two X-Driver-Env header tests, test_page.py's test_page and
test_repr, and test_query.py's test_equality and test_repr. That leaves 203 of the driver's 419 tests.

One test expects an older Fauna: test_stream_reject_non_readonly_query wants `Write effect in read-only
query expression.`; the test checks core's text for a write in a stream (`Call performs a write, which
is not allowed in stream requests.`)."""

from __future__ import annotations

import random
import re
import string
import threading
import warnings
from datetime import date, datetime
from io import StringIO

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from faunadb import query as q
    from faunadb.client import FaunaClient
    from faunadb.client_logger import logger
    from faunadb.errors import BadRequest, ErrorData, FaunaError, NotFound, PermissionDenied, Unauthorized
    from faunadb.errors import UnexpectedError
    from faunadb.objects import FaunaTime, Native, Query, Ref, SetRef
    from faunadb.page import Page

import fql  # noqa: E402
from fql.server import ServerThread  # noqa: E402
from fql.server.streams import StreamSettings  # noqa: E402

WAIT = 15.0

#: The driver warns of the deprecated functions its tests still call (contains, select_with_default...).
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def server():
    with ServerThread(fql.connect(), streams=StreamSettings(poll_interval=0.02, max_duration=30.0)) as running:
        yield running


def random_name(n: int = 10) -> str:
    return "".join(random.choice(string.ascii_lowercase) for _ in range(n))


class Env:
    """FaunaTestCase's setUpClass: a database made by the root client, and clients of a server and an admin key."""

    def __init__(self, port: int):
        self.port = port
        self.root_client = FaunaClient(secret="secret", domain="127.0.0.1", scheme="http", port=port)
        self.db_name = "faunadb-python-test" + random_name()
        self.db_ref = q.database(self.db_name)
        self.root_client.query(q.create_database({"name": self.db_name}))
        self.server_key = self.key("server")
        self.client = self.root_client.new_session_client(secret=self.server_key)
        self.admin_key = self.key("admin")
        self.admin_client = self.root_client.new_session_client(secret=self.admin_key)

    def key(self, role: str) -> str:
        return self.root_client.query(q.create_key({"database": self.db_ref, "role": role}))["secret"]

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def env(server) -> Env:
    return Env(server.port)


def only_error(failure: FaunaError) -> ErrorData:
    """FaunaTestCase's _assert_error: the exception holds one error, which is returned."""
    assert len(failure.errors) == 1
    return failure.errors[0]


def fails(client: FaunaClient, expr, kind: type, code: str, position: list | None = None) -> ErrorData:
    """test_errors.py's _assert_query_error: `expr` raises `kind` with one error of `code` at `position`."""
    with pytest.raises(kind) as caught:
        client.query(expr)
    error = only_error(caught.value)
    assert (error.code, error.position, error.cause) == (code, position or [], None)
    return error


# test_errors.py


class Unserializable:
    def __str__(self):
        return "TestObj"


def test_json_serialization(env):
    with pytest.raises(UnexpectedError, match=r"Unserializable object TestObj of type <class '.*Unserializable'>"):
        env.client.query(Unserializable())


def test_unauthorized(env):
    with pytest.raises(Unauthorized) as caught:
        env.root_client.new_session_client(secret="bad_key").query(q.get(env.db_ref))
    error = only_error(caught.value)
    assert (error.code, error.position, error.cause) == ("unauthorized", None, None)


def test_permission_denied(env):
    client = env.root_client.new_session_client(secret=env.key("client"))
    with pytest.raises(PermissionDenied) as caught:
        client.query(q.paginate(Native.DATABASES))
    error = only_error(caught.value)
    assert (error.code, error.position, error.cause) == ("permission denied", ["paginate"], None)


def test_error_cause(env):
    client = env.root_client.new_session_client(secret=env.key("server"))
    client.query(
        q.create_function({"name": "my_abort_func", "body": q.query(q.lambda_([], q.abort("custom error here")))})
    )
    with pytest.raises(BadRequest) as caught:
        client.query(q.call("my_abort_func"))
    error = only_error(caught.value)
    assert (error.code, error.position) == ("call error", [])
    assert error.cause == [ErrorData("transaction aborted", "custom error here", ["expr"], None)]


def test_query_error(env):
    fails(env.client, q.add(1, "two"), BadRequest, "invalid argument", ["add", 1])


def test_invalid_expression(env):
    fails(env.client, q._Expr({"foo": "bar"}), BadRequest, "invalid expression")


def test_unbound_variable(env):
    fails(env.client, q.var("x"), BadRequest, "invalid expression")


def test_invalid_argument(env):
    fails(env.client, q.add([1, "two"]), BadRequest, "invalid argument", ["add", 1])


def test_instance_not_found(env):
    env.client.query(q.create_collection({"name": "foofaws"}))
    fails(env.client, q.get(q.ref(q.collection("foofaws"), "123")), NotFound, "instance not found")


def test_value_not_found(env):
    fails(env.client, q.select("a", {}), NotFound, "value not found", ["from"])


def test_instance_already_exists(env):
    env.client.query(q.create_collection({"name": "duplicates"}))
    made = env.client.query(q.create(q.collection("duplicates"), {}))["ref"]
    fails(env.client, q.create(made, {}), BadRequest, "instance already exists", ["create"])


def test_invalid_type(env):
    with pytest.raises(BadRequest) as caught:
        env.client.query(q.create_collection({"name": 123}))
    error = only_error(caught.value)
    assert (error.code, error.position) == ("validation failed", ["create_collection"])
    (failure,) = error.failures
    assert (failure.code, failure.field) == ("invalid type", ["name"])


# test_client.py


def test_ping(env):
    before = env.client.get_last_txn_time()
    assert env.client.ping("node") == "Scope node is OK"
    # A ping leaves the client's last transaction time alone.
    assert env.client.get_last_txn_time() == before


def test_ping_using_endpoint(env):
    # `endpoint` wins over the bad domain, scheme and port given beside it.
    client = FaunaClient(
        secret="secret", endpoint=env.endpoint, domain="bad domain", scheme="bad scheme", port="bad port"
    )
    before = client.get_last_txn_time()
    assert client.ping("node") == "Scope node is OK"
    assert client.get_last_txn_time() == before


def test_endpoint_normalization(env):
    for tail in ("", "/", "//", "\\", "\\\\"):
        assert FaunaClient(secret="secret", endpoint=env.endpoint + tail).ping("node") == "Scope node is OK"


def test_last_txn_time(env):
    before = env.client.get_last_txn_time()
    env.client.query({})
    assert before < env.client.get_last_txn_time()


def test_last_txn_time_upated(env):
    first_seen = env.client.get_last_txn_time()
    env.client.sync_last_txn_time(first_seen - 12000)
    assert env.client.get_last_txn_time() == first_seen
    env.client.sync_last_txn_time(first_seen + 12000)
    assert env.client.get_last_txn_time() == first_seen + 12000


def test_tags_header(env):
    seen = []
    env.client.observer = lambda result: seen.append(result.response_headers["x-fauna-tags"])
    env.client.query({}, tags={"foo": "bar", "baz": "biz"})
    assert sorted(seen[0].split(",")) == ["baz=biz", "foo=bar"]


def test_invalid_tags_keys(env):
    for key in ("foo bar", "foo*bar", random_name(41)):
        with pytest.raises(BadRequest, match="invalid (tags|key)"):
            env.client.query({}, tags={key: "value"})


def test_invalid_tags_values(env):
    for value in ("foo bar", "foo*bar", random_name(81)):
        with pytest.raises(BadRequest, match="invalid (tags|value)"):
            env.client.query({}, tags={"key": value})


def test_too_many_tags(env):
    with pytest.raises(BadRequest, match="too many tags"):
        env.client.query({}, tags={random_name(): "value" for _ in range(30)})


def traceparents(client: FaunaClient, sent: str | None) -> str:
    """The traceparent header of the answer to `{}` sent with traceparent `sent`."""
    seen = []
    client.observer = lambda result: seen.append(result.response_headers["traceparent"])
    client.query({}, traceparent=sent)
    client.observer = None
    return seen[0]


def test_traceparent_header(env):
    trace = "".join(random.choice("0123456789abcdef") for _ in range(32))
    span = "".join(random.choice("0123456789abcdef") for _ in range(16))
    assert re.fullmatch(rf"00-{trace}-\w{{16}}-\d{{2}}", traceparents(env.client, f"00-{trace}-{span}-01"))


def test_invalid_traceparent_header(env):
    answered = traceparents(env.client, "foo")
    assert answered and "foo" not in answered


def test_empty_traceparent_header(env):
    first = traceparents(env.client, None)
    trace = first.split("-")[1]
    assert re.fullmatch(rf"00-{trace}-\w{{16}}-\d{{2}}", traceparents(env.client, first))


# test_client_logger.py


def logged(env: Env, action) -> str:
    """ClientLoggerTest.get_logged: what `logger` writes of the first request of `action(client)`."""
    lines: list[str] = []
    action(env.root_client.new_session_client(secret=env.server_key, observer=logger(lines.append)))
    return lines[0]


@pytest.fixture
def logging_tests(env) -> Ref:
    return env.client.query(q.create_collection({"name": "logging_tests"}))["ref"]


def test_logging(env, logging_tests):
    lines = StringIO(logged(env, lambda client: client.ping())).readlines()
    assert lines[:2] == ["Fauna GET /ping\n", "  Response headers: {\n"]
    rest = lines[2:]
    while rest[0].startswith("    "):
        rest.pop(0)
    assert rest[:4] == ["  }\n", "  Response JSON: {\n", '    "resource": "Scope write is OK"\n', "  }\n"]
    assert re.fullmatch(r"  Response \(200\): Network latency \d+ms\n", rest[4])


def test_request_content(env, logging_tests):
    text = logged(env, lambda client: client.query(q.create(logging_tests, {"data": {}})))
    head = text.split("\n")[:20]
    assert head[:2] == ["Fauna POST /", "  Request JSON: {"]
    # The request body, indented by the logger: the collection's ref, then the params.
    body = "\n".join(line[4:] for line in head[2:19])
    expected = (
        '"create": {\n  "@ref": {\n    "collection": {\n      "@ref": {\n        "id": "collections"\n      }\n'
        '    }, \n    "id": "logging_tests"\n  }\n}, \n"params": {\n  "object": {\n    "data": {\n'
        '      "object": {}\n    }\n  }\n}'
    )
    assert body == expected and head[19] == "  }"


def test_url_query(env, logging_tests):
    assert (
        logged(env, lambda client: client.ping("node", 250)).split("\n")[0] == "Fauna GET /ping?scope=node&timeout=250"
    )


# test_page.py


def test_set_iterator(env):
    client = env.client
    gadgets = client.query(q.create_collection({"name": "gadgets"}))["ref"]
    by_n = client.query(
        q.create_index({"name": "gadgets_by_n", "active": True, "source": gadgets, "terms": [{"field": ["data", "n"]}]})
    )["ref"]
    a, _, b = (client.query(q.create(gadgets, {"data": {"n": n}}))["ref"] for n in (0, 1, 0))
    zeros = q.match(by_n, 0)
    assert list(Page.set_iterator(client, zeros, page_size=1)) == [a, b]
    mapped = Page.set_iterator(client, zeros, map_lambda=lambda ref: q.select(["data", "n"], q.get(ref)))
    assert list(mapped) == [0, 0]
    assert list(Page.set_iterator(client, zeros, mapper=lambda ref: [ref])) == [[a], [b]]


# test_streams.py


@pytest.fixture
def stream_coll(env) -> Ref:
    return env.client.query(q.create_collection({"name": "stream_test_coll"}))["ref"]


def create(env: Env, coll: Ref, n=0, **data) -> dict:
    """The test classes' _create: a document of `coll` with `data` and `n`."""
    return env.client.query(q.create(coll, {"data": {**data, "n": n}}))


def run(stream) -> None:
    """Subscription.start() blocks until a handler closes the stream: it runs in a thread, with a time limit."""
    thread = threading.Thread(target=stream.start, daemon=True)
    thread.start()
    thread.join(WAIT)
    assert not thread.is_alive(), "the stream was never closed"


def unexpected(event):
    raise AssertionError(f"unexpected stream event: {event}")


def test_stream_on_document_reference(env, stream_coll):
    ref = create(env, stream_coll, None)["ref"]
    starts = []

    def on_start(event):
        starts.append((event.type, event.event))
        stream.close()

    stream = env.client.stream(ref, None, on_start, unexpected)
    run(stream)
    assert [kind for kind, _ in starts] == ["start"] and isinstance(starts[0][1], int)


def test_stream_on_set(env, stream_coll):
    seen = []

    def on_set(event):
        seen.append((event.type, event.event["action"]))
        stream.close()

    stream = env.client.stream(
        q.documents(stream_coll), None, lambda event: create(env, stream_coll, None), unexpected, on_set=on_set
    )
    run(stream)
    assert seen == [("set", "add")]


def test_stream_max_open_streams(env, stream_coll):
    # 101 streams open at once, each on its own document, each closed once all have seen their update.
    count, seen, failures = 101, [], []

    def watch(n):
        ref = create(env, stream_coll, n)["ref"]

        def on_start(event):
            if event.type == "start" and isinstance(event.event, int):
                env.client.query(q.update(ref, {"data": {"k": n}}))

        def on_version(event):
            if event.type == "version" and isinstance(event.event, dict):
                seen.append(n)
            if len(seen) == count:
                everyone.set()
            everyone.wait(WAIT)
            stream.close()

        stream = env.client.stream(ref, None, on_start, failures.append, on_version)
        stream.start()

    everyone = threading.Event()
    threads = [threading.Thread(target=watch, args=(n,), daemon=True) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT * 2)
    assert failures == [] and sorted(seen) == list(range(count))


def test_stream_reject_non_readonly_query(env):
    errors = []

    def on_error(event):
        errors.append(event)
        stream.close()

    stream = env.client.stream(q.create_collection({"name": "c"}), on_error=on_error)
    run(stream)
    assert [event.type for event in errors] == ["error"] and isinstance(errors[0].error, BadRequest)
    # Core's text; the driver test wants an older Fauna's `Write effect in read-only query expression.`
    assert errors[0].error._get_description() == "Call performs a write, which is not allowed in stream requests."


def test_stream_select_fields(env, stream_coll):
    ref = create(env, stream_coll)["ref"]
    versions = []

    def on_start(event):
        assert event.type == "start" and isinstance(event.event, int)
        env.client.query(q.update(ref, {"data": {"k": "v"}}))

    def on_version(event):
        versions.append(event)
        stream.close()

    stream = env.client.stream(ref, {"fields": ["document", "diff"]}, on_start, unexpected, on_version)
    run(stream)
    (event,) = versions
    assert event.type == "version" and isinstance(event.txn, int)
    assert set(event.event) == {"document", "diff"}


def test_stream_update_last_txn_time(env, stream_coll):
    ref = create(env, stream_coll)["ref"]
    before = env.client.get_last_txn_time()
    checks = []

    def on_start(event):
        # The start event moves the client's time past its last write: to the answer's X-Txn-Time or the
        # event's own txn, whichever is later.
        checks.append(env.client.get_last_txn_time() > before)
        checks.append(env.client.get_last_txn_time() >= event.txn)
        env.client.query(q.update(ref, {"data": {"k": "v"}}))

    def on_version(event):
        checks.append(event.txn == env.client.get_last_txn_time())
        stream.close()

    stream = env.client.stream(ref, on_start=on_start, on_error=unexpected, on_version=on_version)
    run(stream)
    assert checks == [True, True, True]


def test_stream_handle_request_failures(env):
    errors = []

    def on_error(event):
        errors.append(event)
        stream.close()

    stream = env.client.stream("invalid stream", on_error=on_error)
    run(stream)
    assert [event.type for event in errors] == ["error"] and isinstance(errors[0].error, BadRequest)
    assert errors[0].error._get_description() == "Expected a Document Ref or Version, or a Set Ref, got String."


def test_start_active_stream(env, stream_coll):
    ref = create(env, stream_coll, None)["ref"]
    raised = []

    def on_start(event):
        raised.append((event.type, isinstance(event.event, int)))
        try:
            stream.start()
        except FaunaError as failure:
            raised.append(failure)
        stream.close()

    stream = env.client.stream(ref, None, on_start, unexpected)
    run(stream)
    assert raised[0] == ("start", True) and len(raised) == 2 and isinstance(raised[1], FaunaError)


def test_stream_auth_revalidation(env, stream_coll):
    ref = create(env, stream_coll)["ref"]
    key = env.root_client.query(q.create_key({"database": env.db_ref, "role": "server"}))
    client = env.root_client.new_session_client(secret=key["secret"])
    errors = []

    def on_start(event):
        # The stream's key is deleted, then the document changes: the next event is an auth error.
        env.root_client.query(q.delete(key["ref"]))
        env.client.query(q.update(ref, {"data": {"k": "v"}}))

    def on_error(event):
        errors.append(event)
        stream.close()

    stream = client.stream(ref, on_start=on_start, on_error=on_error)
    run(stream)
    assert [(event.type, event.code, event.description) for event in errors] == [
        ("error", "permission denied", "Authorization lost during stream evaluation.")
    ]


# test_3rdpartyauth.py


@pytest.fixture
def auth_coll(env) -> Ref:
    return env.client.query(q.create_collection({"name": "3rdpartyauth_test_coll"}))["ref"]


def test_create_access_providers(env):
    admin = env.admin_client
    fields = {"name": "provider_", "issuer": "issuer_", "jwks_uri": "https://xxx.auth0.com/somewhere"}
    provider = admin.query(q.create_access_provider(fields))
    assert admin.query(q.exists(q.access_provider("provider_")))
    assert {key: provider[key] for key in fields} == fields
    # Made again, without an issuer, or with the URI `https:/invalid-uri`: each refused. The third fails on
    # its name, taken by the first: core reads a jwks_uri with java.net.URL (AccessProvider's URLT), which
    # parses `https:/invalid-uri` as an https URL with no host, so under a name of its own it is made.
    refused = []
    for again in (
        fields,
        {"name": "provider_", "jwks_uri": fields["jwks_uri"]},
        {**fields, "jwks_uri": "https:/invalid-uri"},
    ):
        with pytest.raises(BadRequest) as caught:
            admin.query(q.create_access_provider(again))
        refused.append(only_error(caught.value).code)
    assert refused == ["instance already exists", "validation failed", "instance already exists"]
    lenient = {"name": "provider_2", "issuer": "issuer_2", "jwks_uri": "https:/invalid-uri"}
    assert admin.query(q.create_access_provider(lenient))["jwks_uri"] == "https:/invalid-uri"


def test_access_provider(env):
    assert env.client.query(q.access_provider("pvd-name")) == Ref("pvd-name", Native.ACCESS_PROVIDERS)


def test_access_providers(env):
    for i in range(10):
        env.admin_client.query(
            q.create_access_provider(
                {"name": f"provider_{i}", "issuer": f"issuer_{i}", "jwks_uri": f"https://xxx.auth0.com/uri{i}"}
            )
        )
    assert env.admin_client.query(q.count(q.access_providers())) == 10
    with pytest.raises(PermissionDenied):
        env.client.query(q.paginate(q.access_providers()))


def logged_in(env: Env, coll: Ref) -> tuple[Ref, FaunaClient]:
    """A document with credentials, and a client of the token its login made."""
    ref = env.client.query(q.create(coll, {"credentials": {"password": "sekrit"}}))["ref"]
    secret = env.client.query(q.login(ref, {"password": "sekrit"}))["secret"]
    return ref, env.client.new_session_client(secret=secret)


def test_identity_has_identity(env, auth_coll):
    ref, client = logged_in(env, auth_coll)
    assert client.query(q.has_current_identity()) is True
    assert client.query(q.current_identity()) == ref


def test_has_current_token(env, auth_coll):
    _, client = logged_in(env, auth_coll)
    assert client.query(q.has_current_token()) is True
    assert env.client.query(q.has_current_token()) is False


def test_has_current_identity(env, auth_coll):
    _, client = logged_in(env, auth_coll)
    assert client.query(q.has_current_identity()) is True
    assert env.client.query(q.has_current_identity()) is False


def test_create_accprov_with_roles(env):
    admin = env.admin_client
    one, two = f"role_one_{random_name(4)}", f"role_two_{random_name(4)}"
    for role in (one, two):
        admin.query(
            q.create_role({"name": role, "privileges": [{"resource": q.databases(), "actions": {"read": True}}]})
        )
    # java.net.URL, as core reads a jwks_uri, takes `https: //$abcd.auth0.com` for an https URL (a path).
    issuer, uri = f"issuer_{random_name()}", f"https: //${random_name(4)}.auth0.com"
    provider = admin.query(
        q.create_access_provider(
            {
                "name": "provider_with_roles",
                "issuer": issuer,
                "jwks_uri": uri,
                "roles": [q.role(one), {"role": q.role(two), "predicate": q.query(q.lambda_("x", True))}],
            }
        )
    )
    assert (provider["name"], provider["issuer"], provider["jwks_uri"]) == ("provider_with_roles", issuer, uri)
    assert isinstance(provider["roles"], list)


# test_query.py


class Widgets:
    """QueryTest's setUpClass and helpers: the `widgets` collection and its indexes of `n`, `m` and `z`."""

    def __init__(self, env: Env):
        self.env, self.client, self.admin_client = env, env.client, env.admin_client
        self.coll = self.q(q.create_collection({"name": "widgets"}))["ref"]
        self.n_index, self.m_index = (
            self.index(f"widgets_by_{field}", terms=[{"field": ["data", field]}]) for field in "nm"
        )
        self.z_index = self.index("widgets_by_z", values=[{"field": ["data", "z"]}])

    def index(self, name: str, **fields) -> Ref:
        return self.q(q.create_index({"name": name, "active": True, "source": self.coll, **fields}))["ref"]

    def q(self, expr):
        return self.client.query(expr)

    def create(self, n=0, **data) -> dict:
        return self.q(q.create(self.coll, {"data": {**data, "n": n}}))

    def ref(self, n=0, **data) -> Ref:
        return self.create(n, **data)["ref"]

    def set_to_list(self, set_) -> list:
        return self.q(q.paginate(set_, size=1000))["data"]

    def bad(self, expr) -> None:
        with pytest.raises(BadRequest):
            self.q(expr)


@pytest.fixture
def w(env) -> Widgets:
    return Widgets(env)


def concat_with_slash() -> dict:
    return {"concat": [{"var": "a"}, {"var": "b"}], "separator": "/"}


def test_abort(w):
    w.bad(q.abort("aborting"))


def test_query(w):
    versioned_212 = Query({"api_version": "2.12", "lambda": ["a", "b"], "expr": concat_with_slash()})
    assert w.q(versioned_212) == versioned_212
    # A lambda the driver writes carries no api_version: it comes back with the request's, 4.
    made = w.q(q.query(lambda a, b: q.concat([a, b], "/")))
    assert made == Query({"api_version": "4", "lambda": ["a", "b"], "expr": concat_with_slash()})


def test_at(w):
    document = w.create(n=1)
    earlier = document["ts"] - 1
    w.q(q.insert(document["ref"], earlier, "create", {"data": {"n": 0}}))
    assert w.q(q.at(earlier, q.get(document["ref"])))["data"] == {"n": 0}


def test_let(w):
    assert w.q(q.let({"x": 1, "y": 2}, q.var("x"))) == 1
    assert w.q(q.let(x=1, y=2).in_(q.var("x"))) == 1


def test_if(w):
    assert (w.q(q.if_(True, "t", "f")), w.q(q.if_(False, "t", "f"))) == ("t", "f")


def test_do(w):
    ref = w.ref()
    assert w.q(q.do(q.delete(ref), 1)) == 1
    assert w.q(q.exists(ref)) is False
    assert (w.q(q.do(1)), w.q(q.do(1, 2)), w.q(q.do([1, 2]))) == (1, 2, [1, 2])


def test_lambda_query(w):
    with pytest.raises(ValueError):
        w.q(q.map_(q.lambda_query(lambda: q.add(1, 2)), []))
    assert w.q(q.map_(q.lambda_query(lambda a: q.add(a, 1)), [1, 2, 3])) == [2, 3, 4]


def test_lambda_query_multiple_args(w):
    assert w.q(q.map_(q.lambda_query(lambda a, b: q.add(a, b)), [[1, 1], [2, 2], [3, 3]])) == [2, 4, 6]


def test_call_function(w):
    w.q(q.create_function({"name": "concat_with_slash", "body": q.query(lambda a, b: q.concat([a, b], "/"))}))
    assert w.q(q.call(q.function("concat_with_slash"), "a", "b")) == "a/b"


def test_echo_query(w):
    body = w.q(q.query(lambda a, b: q.concat([a, b], "/")))
    assert w.q(body) == body


def test_map(w):
    assert w.q(q.map_(lambda a: q.multiply(2, a), [1, 2, 3])) == [2, 4, 6]
    for _ in range(3):
        w.create(n=10)
    page = q.paginate(q.match(w.n_index, 10))
    assert w.q(q.map_(lambda a: q.select(["data", "n"], q.get(a)), page)) == {"data": [10, 10, 10]}


def test_foreach(w):
    refs = [w.ref(), w.ref()]
    w.q(q.foreach(q.delete, refs))
    assert [w.q(q.exists(ref)) for ref in refs] == [False, False]


def test_filter(w):
    assert w.q(q.filter_(lambda a: q.equals(q.modulo(a, 2), 0), [1, 2, 3, 4])) == [2, 4]
    with_m = w.ref(n=11, m=12)
    w.create(n=11)
    w.create(n=11)
    page = q.paginate(q.match(w.n_index, 11))
    assert w.q(q.filter_(lambda a: q.contains_path(["data", "m"], q.get(a)), page)) == {"data": [with_m]}


def test_take(w):
    assert [w.q(q.take(n, [1, 2])) for n in (1, 3, -1)] == [[1], [1, 2], []]


def test_drop(w):
    assert [w.q(q.drop(n, [1, 2])) for n in (1, 3, -1)] == [[2], [], [1, 2]]


def test_prepend(w):
    assert w.q(q.prepend([1, 2, 3], [4, 5, 6])) == [1, 2, 3, 4, 5, 6]


def test_append(w):
    assert w.q(q.append([4, 5, 6], [1, 2, 3])) == [1, 2, 3, 4, 5, 6]


def test_collection_predicates(w):
    assert [w.q(q.is_empty([])), w.q(q.is_empty([1, 2, 3]))] == [True, False]
    assert [w.q(q.is_nonempty([])), w.q(q.is_nonempty([1, 2, 3]))] == [False, True]
    w.create(n=111)
    pages = [q.paginate(q.match(w.n_index, n)) for n in (111, 112)]
    assert [w.q(q.is_empty(page)) for page in pages] == [False, True]
    assert [w.q(q.is_nonempty(page)) for page in pages] == [True, False]


def test_get(w):
    document = w.create()
    assert w.q(q.get(document["ref"])) == document


def test_key_from_secret(w):
    db = w.admin_client.query(q.create_database({"name": "database_for_key_from_secret_test"}))["ref"]
    key = w.admin_client.query(q.create_key({"database": db, "role": "server"}))
    assert w.admin_client.query(q.key_from_secret(key["secret"]))["ref"] == key["ref"]


def test_paginate(w):
    refs = [w.ref(n=200) for _ in range(3)]
    found = q.match(w.n_index, 200)
    assert w.q(q.paginate(found)) == {"data": refs}
    first = w.q(q.paginate(found, size=1))
    second = w.q(q.paginate(found, size=1, after=first["after"]))
    assert first["data"] + second["data"] == refs[:2]
    assert w.q(q.paginate(found, sources=True)) == {
        "data": [{"sources": [SetRef(found)], "value": ref} for ref in refs]
    }


def test_exists(w):
    ref = w.ref()
    assert w.q(q.exists(ref)) is True
    w.q(q.delete(ref))
    assert w.q(q.exists(ref)) is False


def test_create(w):
    document = w.create()
    assert "ref" in document and "ts" in document
    assert document["ref"].collection() == w.coll


def test_update(w):
    assert w.q(q.update(w.ref(), {"data": {"m": 1}}))["data"] == {"n": 0, "m": 1}


def test_replace(w):
    assert w.q(q.replace(w.ref(), {"data": {"m": 1}}))["data"] == {"m": 1}


def test_delete(w):
    ref = w.ref()
    w.q(q.delete(ref))
    assert w.q(q.exists(ref)) is False


def test_insert(w):
    document = w.create(n=1)
    earlier = document["ts"] - 1
    w.q(q.insert(document["ref"], earlier, "create", {"data": {"n": 0}}))
    assert w.q(q.get(document["ref"], ts=earlier))["data"] == {"n": 0}


def test_remove(w):
    document = w.create(n=0)
    replaced = w.q(q.replace(document["ref"], {"data": {"n": 1}}))
    assert w.q(q.get(document["ref"])) == replaced
    # Removing the replacing event brings the first version back.
    w.q(q.remove(document["ref"], replaced["ts"], "create"))
    assert w.q(q.get(document["ref"])) == document


def test_create_collection(w):
    w.q(q.create_collection({"name": "collection_for_test"}))
    assert w.q(q.exists(q.collection("collection_for_test"))) is True


def test_create_database(w):
    w.admin_client.query(q.create_database({"name": "database_for_test"}))
    assert w.admin_client.query(q.exists(q.database("database_for_test"))) is True


def test_create_index(w):
    w.q(q.create_index({"name": "index_for_test", "active": True, "source": q.collection("widgets")}))
    assert w.q(q.exists(q.index("index_for_test"))) is True


def test_create_key(w):
    w.admin_client.query(q.create_database({"name": "database_for_key_test"}))
    key = w.admin_client.query(q.create_key({"database": q.database("database_for_key_test"), "role": "server"}))
    inner = w.admin_client.new_session_client(secret=key["secret"])
    inner.query(q.create_collection({"name": "collection_for_test"}))
    assert inner.query(q.exists(q.collection("collection_for_test"))) is True


def test_create_function(w):
    w.q(q.create_function({"name": "a_function", "body": q.query(lambda x: x)}))
    assert w.q(q.exists(q.function("a_function"))) is True


def test_create_role(w):
    w.admin_client.query(
        q.create_role({"name": "a_role", "privileges": {"resource": q.collections(), "actions": {"read": True}}})
    )
    assert w.admin_client.query(q.exists(q.role("a_role"))) is True


def test_move_database(w):
    admin = w.admin_client
    for name in ("mvdb_src", "mvdb_dst"):
        admin.query(q.create_database({"name": name}))
    admin.query(q.move_database(q.database("mvdb_src"), q.database("mvdb_dst")))
    assert admin.query(q.exists(q.database("mvdb_src"))) is False
    assert admin.query(q.exists(q.database("mvdb_src", q.database("mvdb_dst")))) is True


def write_then_delete(w) -> Ref:
    ref = w.ref(n=1000)
    w.q(q.update(ref, {"data": {"n": 1001}}))
    w.q(q.delete(ref))
    return ref


def test_events(w):
    ref = write_then_delete(w)
    events = w.q(q.paginate(q.events(ref)))["data"]
    assert [(event["action"], event["document"]) for event in events] == [
        ("create", ref),
        ("update", ref),
        ("delete", ref),
    ]


def test_singleton_events(w):
    ref = write_then_delete(w)
    events = w.q(q.paginate(q.events(q.singleton(ref))))["data"]
    assert [(event["action"], event["document"]) for event in events] == [("add", ref), ("remove", ref)]


def test_match(w):
    only_n, both = w.ref(n=100), w.ref(n=100, m=200)
    w.create(m=200)
    assert w.set_to_list(q.match(w.n_index, 100)) == [only_n, both]


def test_union(w):
    refs = [w.ref(n=101), w.ref(m=201), w.ref(n=101, m=201)]
    assert w.set_to_list(q.union(q.match(w.n_index, 101), q.match(w.m_index, 201))) == refs


def test_reduce(w):
    add = q.lambda_query(lambda accum, value: q.add(q.var("accum"), q.var("value")))
    join = q.lambda_query(lambda accum, value: q.concat([q.var("accum"), q.var("value")]))
    assert w.q(q.reduce(add, 0, list(range(1, 10)))) == 45
    assert w.q(q.reduce(join, "", ["Fauna", "DB", " ", "rocks"])) == "FaunaDB rocks"


def test_merge(w):
    assert w.q(q.merge({"x": 1, "y": 2}, {"z": 3})) == {"x": 1, "y": 2, "z": 3}
    assert w.q(q.merge({}, {"a": 1})) == {"a": 1}
    assert w.q(q.merge({"a": 1}, [{"b": 2}, {"c": 3}, {"a": 5}])) == {"a": 5, "b": 2, "c": 3}
    rightmost = q.merge({"a": 1, "b": 2, "c": 3}, {"a": "a", "b": "b", "c": "c"}, lambda key, left, right: right)
    assert w.q(rightmost) == {"a": "a", "b": "b", "c": "c"}


def test_reverse(w):
    numbers = list(range(11))
    assert w.q(q.reverse(numbers)) == numbers[::-1]
    assert w.q(q.reverse(q.reverse(numbers))) == numbers
    assert w.q(q.reverse([])) == []
    w.q(q.create_collection({"name": "reverse_collection"}))
    w.q(
        q.create_index(
            {
                "name": "rev_coll_idx",
                "source": q.collection("reverse_collection"),
                "values": [{"field": ["data", "val"]}],
            }
        )
    )
    index = q.index("rev_coll_idx")
    for i in range(100):
        w.q(q.create(q.collection("reverse_collection"), {"data": {"val": i}}))

    def page(set_, size):
        return w.q(q.select("data", q.paginate(set_, size)))

    assert page(q.reverse(q.match(index)), 5) == [99, 98, 97, 96, 95]
    assert page(q.reverse(q.reverse(q.match(index))), 11) == numbers
    assert w.q(q.select(["data", 0], q.reverse(q.paginate(q.match(index), size=50)))) == 49
    for operand in ("a string", index, {"a": 1, "b": 2}):
        w.bad(q.reverse(operand))


def test_intersection(w):
    both = w.ref(n=102, m=202)
    w.create(n=102)
    w.create(m=202)
    assert w.set_to_list(q.intersection(q.match(w.n_index, 102), q.match(w.m_index, 202))) == [both]


def test_difference(w):
    only_n = w.ref(n=103)
    w.create(m=203)
    w.create(n=103, m=203)
    assert w.set_to_list(q.difference(q.match(w.n_index, 103), q.match(w.m_index, 203))) == [only_n]


def test_distinct(w):
    for z in (0, 0, 1, 1, 1):
        w.create(z=z)
    assert w.set_to_list(q.distinct(q.match(w.z_index))) == [0, 1]


def test_join(w):
    targets = [w.ref(n=12), w.ref(n=12)]
    pointing = [w.ref(m=target) for target in targets]
    source = q.match(w.n_index, 12)
    assert w.set_to_list(source) == targets
    # Each document with n=12, joined to the documents whose m is its ref.
    assert w.set_to_list(q.join(source, lambda a: q.match(w.m_index, a))) == pointing


def test_range(w):
    w.q(q.create_collection({"name": "range_test"}))
    w.q(
        q.create_index(
            {
                "name": "range_idx",
                "source": q.collection("range_test"),
                "active": True,
                "values": [{"field": ["data", "value"]}],
            }
        )
    )
    w.q(
        q.foreach(
            q.lambda_query(lambda x: q.create(q.collection("range_test"), {"data": {"value": x}})), list(range(1, 20))
        )
    )
    values = q.match(q.index("range_idx"))
    assert w.q(q.select("data", q.paginate(q.range(values, 3, 8)))) == [3, 4, 5, 6, 7, 8]
    assert w.q(q.select("data", q.paginate(q.range(values, 17, 18)))) == [17, 18]
    assert w.q(q.select("data", q.paginate(q.range(values, 19, 0)))) == []


def test_login_logout(w):
    ref = w.q(q.create(w.coll, {"credentials": {"password": "sekrit"}}))["ref"]
    secret = w.q(q.login(ref, {"password": "sekrit"}))["secret"]
    logged = w.client.new_session_client(secret=secret)
    assert logged.query(q.select("ref", q.get(Ref("self", Ref("widgets", Native.COLLECTIONS))))) == ref
    assert logged.query(q.logout(True)) is True


def test_identify(w):
    ref = w.q(q.create(w.coll, {"credentials": {"password": "sekrit"}}))["ref"]
    assert w.q(q.identify(ref, "sekrit")) is True


def answers(w, *cases) -> None:
    """Each `(expr, expected)` of `cases` answers `expected` (compared as the driver's assertEqual does)."""
    assert [w.q(expr) for expr, _ in cases] == [expected for _, expected in cases]


def test_format(w):
    answers(
        w,
        (q.format("always 100%%"), "always 100%"),
        (q.format("Hi there %s, you have %d points", "Tom", 9000), "Hi there Tom, you have 9000 points"),
        (q.format("%.2f %.5f", 3.14159, 3.14159), "3.14 3.14159"),
    )


def test_concat(w):
    answers(w, (q.concat(["a", "b", "c"]), "abc"), (q.concat([]), ""), (q.concat(["a", "b", "c"], "."), "a.b.c"))


def test_casefold(w):
    # The normalization forms' examples of Unicode's TR15.
    answers(
        w,
        (q.casefold("Hen Wen"), "hen wen"),
        (q.casefold("\u212b", "NFD"), "A\u030a"),
        (q.casefold("\u212b", "NFC"), "\u00c5"),
        (q.casefold("\u1e9b\u0323", "NFKD"), "\u0073\u0323\u0307"),
        (q.casefold("\u1e9b\u0323", "NFKC"), "\u1e69"),
        (q.casefold("\u212b", "NFKCCaseFold"), "\u00e5"),
    )


def test_starts_with(w):
    answers(w, (q.starts_with("faunadb", "fauna"), True), (q.starts_with("faunadb", "F"), False))


def test_ends_with(w):
    answers(
        w,
        (q.ends_with("faunadb", "fauna"), False),
        (q.ends_with("faunadb", "db"), True),
        (q.ends_with("faunadb", ""), True),
    )


def test_contains_str(w):
    answers(w, (q.contains_str("faunadb", "fauna"), True), (q.contains_str("garbage", "bge"), False))


def test_contains_str_regex(w):
    answers(
        w,
        (q.contains_str_regex("faunadb", "f(\\w+)a"), True),
        (q.contains_str_regex("test\tdata", "\\s"), True),
        (q.contains_str_regex("faunadb", "/^\\d*\\.\\d+$/"), False),
    )


def test_regex_escape(w):
    answers(w, (q.regex_escape("f(\\w+)a"), "\\Qf(\\w+)a\\E"))


def test_ngram(w):
    answers(
        w,
        (q.ngram("what"), ["w", "wh", "h", "ha", "a", "at", "t"]),
        (q.ngram("what", min=2, max=3), ["wh", "wha", "ha", "hat", "at"]),
        (q.ngram(["john", "doe"]), ["j", "jo", "o", "oh", "h", "hn", "n", "d", "do", "o", "oe", "e"]),
        (q.ngram(["john", "doe"], min=3, max=4), ["joh", "john", "ohn", "doe"]),
    )


def test_findstr(w):
    answers(
        w,
        (q.find_str("ABC", "A"), 0),
        (q.find_str("ABC", "A", 0), 0),
        (q.find_str("ABC", "A", 1), -1),
        (q.find_str("a big apple", "a", 2), 6),
    )


def test_findstrregex(w):
    def found(start, end, data):
        return {"start": start, "end": end, "data": data}

    answers(
        w,
        (q.find_str_regex("ABC", "A"), [found(0, 0, "A")]),
        (q.find_str_regex("ABCAB", "AB"), [found(0, 1, "AB"), found(3, 4, "AB")]),
        (q.find_str_regex("one fish two Fish", "[fF]ish"), [found(4, 7, "fish"), found(13, 16, "Fish")]),
    )


def test_length(w):
    answers(w, *((q.length(text), len(text)) for text in ("", "A", "ApPle", "two words")))


def test_lowercase(w):
    answers(w, (q.lowercase(""), ""), (q.lowercase("A"), "a"), (q.lowercase("ApPle"), "apple"))


def test_ltrim(w):
    answers(
        w,
        (q.ltrim(""), ""),
        (q.ltrim("    A"), "A"),
        (q.ltrim("\t\n\t\n  Apple"), "Apple"),
        (q.ltrim(" A B C"), "A B C"),
    )


def test_repeat(w):
    answers(w, (q.repeat("A"), "AA"), (q.repeat("ABC", 3), "ABCABCABC"))


def test_replacestr(w):
    answers(
        w,
        (q.replace_str("ABCDE", "AB", "AA"), "AACDE"),
        (q.replace_str("One Fish Two Fish", "Fish", "Cat"), "One Cat Two Cat"),
    )


def test_replacestrregex(w):
    answers(
        w,
        (q.replace_str_regex("ABCDE", "AB", "AA"), "AACDE"),
        (q.replace_str_regex("One Fish Two fish", "[Ff]ish", "Cat"), "One Cat Two Cat"),
    )


def test_rtrim(w):
    answers(w, (q.rtrim("A\t\n   "), "A"), (q.rtrim("ABC DE F "), "ABC DE F"))


def test_space(w):
    answers(w, (q.space(0), ""), (q.space(5), "     "))


def test_substring(w):
    answers(w, (q.substring("ABCDEF", -3), "DEF"), (q.substring("ABCDEF", 0, 3), "ABC"))


def test_titlecase(w):
    answers(w, (q.titlecase("one fISH tWo FISH"), "One Fish Two Fish"), (q.titlecase("ABC DEF"), "Abc Def"))


def test_trim(w):
    answers(w, (q.trim("   A   "), "A"), (q.trim("\t\nABC DEF\t\n   "), "ABC DEF"))


def test_uppercase(w):
    answers(w, (q.uppercase("a"), "A"), (q.uppercase("abc def"), "ABC DEF"))


def test_time(w):
    text = "1970-01-01T00:00:00.123456789Z"
    assert w.q(q.time(text)) == FaunaTime(text)
    assert isinstance(w.q(q.time("now")), FaunaTime)


def test_now(w):
    assert isinstance(w.q(q.now()), FaunaTime)
    # Now() and Time("now") are both the transaction's time.
    assert w.q(q.equals(q.now(), q.time("now"))) is True


def test_epoch(w):
    answers(
        w,
        (q.epoch(12, "second"), FaunaTime("1970-01-01T00:00:12Z")),
        (q.epoch(123456789, "nanosecond"), FaunaTime("1970-01-01T00:00:00.123456789Z")),
    )


def test_time_add(w):
    for expr in (q.time_add(q.epoch(1, "hour"), 577, "hour"), q.time_add(q.epoch(2, "hour"), 24, "days")):
        found = w.q(expr)
        assert isinstance(found, FaunaTime) and found == FaunaTime("1970-01-25T02:00:00Z")


def test_time_subtract(w):
    for expr in (q.time_subtract(q.epoch(1, "hour"), 1, "hour"), q.time_subtract(q.epoch(1, "day"), 24, "hour")):
        found = w.q(expr)
        assert isinstance(found, FaunaTime) and found == FaunaTime("1970-01-01T00:00:00Z")


def test_time_diff(w):
    answers(
        w,
        (q.equals(1, q.time_diff(q.epoch(0, "second"), q.epoch(1, "second"), "second")), True),
        (q.equals(0, q.time_diff(q.epoch(24, "hour"), q.epoch(1, "day"), "day")), True),
    )


def test_date(w):
    assert w.q(q.date("1970-01-01")) == date(1970, 1, 1)


def test_new_id(w):
    assert w.q(q.new_id()) is not None


def test_database(w):
    assert w.q(q.database("db-name")) == Ref("db-name", Native.DATABASES)


def test_index(w):
    assert w.q(q.index("idx-name")) == Ref("idx-name", Native.INDEXES)


def test_collection(w):
    assert w.q(q.collection("cls-name")) == Ref("cls-name", Native.COLLECTIONS)


def test_documents(w):
    w.q(q.create_collection({"name": "col_test_documents"}))
    coll = q.collection("col_test_documents")
    w.q(q.create_index({"name": "idx_test_documents", "source": coll, "active": True}))
    w.q(q.foreach(q.lambda_("x", q.create(coll, {"data": q.var("x")})), [{} for _ in range(56)]))
    # Count of a page is a page of one count; the page holds all 56 (the default size is 64).
    assert w.q(q.select([0], q.count(q.paginate(q.documents(coll))))) == 56
    assert w.q(q.count(q.documents(coll))) == 56


def test_function(w):
    assert w.q(q.function("fn-name")) == Ref("fn-name", Native.FUNCTIONS)


def test_role(w):
    assert w.q(q.role("role-name")) == Ref("role-name", Native.ROLES)


def test_equals(w):
    answers(w, (q.equals(1, 1, 1), True), (q.equals(1, 1, 2), False), (q.equals(1), True))
    w.bad(q.equals())


def test_contains(w):
    found = {"a": {"b": 1}}
    answers(
        w, (q.contains(["a", "b"], found), True), (q.contains("a", found), True), (q.contains(["a", "c"], found), False)
    )


def test_contains_path(w):
    found = {"a": {"b": 1}, "c": [{"d": "e"}, "f"]}
    answers(
        w,
        (q.contains_path(["a", "b"], found), True),
        (q.contains_path(["c", 0, "d"], found), True),
        (q.contains_path("a", found), True),
        (q.contains_path(["a", "c"], found), False),
    )


def test_contains_value(w):
    found = {"a": {"b": 1}, "c": [{"d": "e"}, "f"]}
    answers(
        w,
        (q.contains_value({"b": 1}, found), True),
        (q.contains_value("f", found), False),
        (q.contains_value("f", found["c"]), True),
        (q.contains_value("a", found), False),
        (q.contains_value(None, found), False),
    )


def test_contains_field(w):
    found = {"a": {"b": 1}, "c": [{"d": "e"}, "f"], "g": None}
    answers(
        w,
        (q.contains_field("b", found["a"]), True),
        (q.contains_field("b", found), False),
        (q.contains_field("f", found), False),
        (q.contains_field("g", None), False),
        (q.contains_field("a", found), True),
    )


def test_select(w):
    found = {"a": {"b": 1}}
    answers(
        w,
        (q.select("a", found), {"b": 1}),
        (q.select(["a", "b"], found), 1),
        (q.select(["a", "c"], found, "default"), "default"),
        (q.select_with_default("c", found, None), None),
        (q.select("c", found, default=None), None),
    )
    with pytest.raises(NotFound):
        w.q(q.select("c", found))


def test_select_all(w):
    answers(
        w,
        (q.select_all("foo", [{"foo": "bar"}, {"foo": "baz"}]), ["bar", "baz"]),
        (q.select_all(["foo", 0], [{"foo": [0, 1]}, {"foo": [2, 3]}]), [0, 2]),
    )


def test_select_array(w):
    assert w.q(q.select(2, [1, 2, 3])) == 3
    with pytest.raises(NotFound):
        w.q(q.select(3, [1, 2, 3]))


def test_add(w):
    assert w.q(q.add(2, 3, 5)) == 10
    w.bad(q.add())


def test_multiply(w):
    assert w.q(q.multiply(2, 3, 5)) == 30
    w.bad(q.multiply())


def test_subtract(w):
    answers(w, (q.subtract(2, 3, 5), -6), (q.subtract(2), 2))
    w.bad(q.subtract())


def test_divide(w):
    answers(w, (q.divide(2.0, 3, 5), 2 / 15), (q.divide(2), 2))
    w.bad(q.divide(1, 0))
    w.bad(q.divide())


def test_pow(w):
    answers(w, (q.pow(2, 3), 8), (q.pow(0, 3), 0))
    w.bad(q.pow(1, "n"))


def test_max(w):
    answers(w, (q.max(1, 2, 3), 3), (q.max([-1, -2, -3]), -1))
    w.bad(q.max(2))
    w.bad(q.max("n"))


def test_min(w):
    answers(w, (q.min(1, 2, 3), 1), (q.min([-1, -2, -3]), -3))
    w.bad(q.min(1))
    w.bad(q.min("n"))


def test_abs(w):
    answers(w, (q.abs(-10), 10), (q.abs(1), 1))
    w.bad(q.abs("n"))


def test_trunc(w):
    answers(w, (q.trunc(45.56789), 45.56), (q.trunc(45.56789, 3), 45.567))


def test_bitor(w):
    answers(w, (q.bitor(1), 1), (q.bitor(1, 0, 1, 0), 1), (q.bitor([1, 2, 4]), 7))
    w.bad(q.bitor("n"))


def test_degrees(w):
    answers(w, (q.degrees(0), 0))


def test_cos(w):
    answers(w, (q.cos(120), 0.8141809705265618))


def test_cosh(w):
    answers(w, (q.cosh(120), 6.520904391968161e51))


def test_hypot(w):
    answers(w, (q.hypot(q.hypot(3, 4), 0), 5))


def test_atan(w):
    answers(w, (q.atan(120), 1.5624631863547607))


def test_log(w):
    answers(w, (q.log(100), 2))


def test_bitnot(w):
    answers(w, (q.bitnot(0), -1), (q.bitnot(1), -2))


def test_bitxor(w):
    answers(w, (q.bitxor(0, 1), 1), (q.bitxor(1, 2, 4), 7))


def test_bitand(w):
    answers(w, (q.bitand(1, 0), 0), (q.bitand(7, 3), 3))


def test_ceil(w):
    answers(w, (q.ceil(67.789), 68))


def test_sqrt(w):
    answers(w, (q.sqrt(9), 3))


def test_tan(w):
    answers(w, (q.tan(90), -1.995200412208242))


def test_tanh(w):
    answers(w, (q.tanh(45), 1.0))
    w.bad(q.tanh("45.6"))


def test_acos(w):
    answers(w, (q.acos(0), 1.5707963267948966))


def test_asin(w):
    answers(w, (q.asin(0), 0.0))


def test_radians(w):
    answers(w, (q.radians(90), 1.5707963267948966))


def test_round(w):
    answers(w, (q.round(123.456), 123.46), (q.round(123.456, 1), 123.5))


def test_floor(w):
    answers(w, (q.floor(89.1234), 89.0))
    w.bad(q.floor("let the bodies hit the "))


def test_sign(w):
    answers(w, (q.sign(-90), -1))


def test_exp(w):
    answers(w, (q.exp(2), 7.38905609893065))


def test_ln(w):
    answers(w, (q.ln(1), 0))


def test_any_all(w):
    both = [
        q.any([True, True, False]),
        q.all([True, True, True]),
        q.any([False, False, False]),
        q.all([True, True, False]),
    ]
    assert w.q(both) == [True, True, False, False]


def test_modulo(w):
    # Modulo(15, 10, 2) is (15 % 10) % 2.
    answers(w, (q.modulo(5, 2), 1), (q.modulo(15, 10, 2), 1), (q.modulo(2), 2))
    w.bad(q.modulo(1, 0))
    w.bad(q.modulo())


def test_count_mean_sum(w):
    numbers = list(range(1, 10))
    w.q(q.create_collection({"name": "countmeansum_test"}))
    coll = q.collection("countmeansum_test")
    w.q(
        q.create_index(
            {"name": "countmeansum_idx", "source": coll, "active": True, "values": [{"field": ["data", "value"]}]}
        )
    )
    w.q(q.foreach(q.lambda_("x", q.create(coll, {"data": {"value": q.add(q.var("x"), 2)}})), numbers))
    values = q.match(q.index("countmeansum_idx"))
    found = w.q([q.count(numbers), q.mean(numbers), q.sum(numbers), q.count(values), q.mean(values), q.sum(values)])
    assert found == [9, 5.0, 45, 9, 7.0, 63]


def test_lt(w):
    answers(w, (q.lt(1, 2), True))


def test_lte(w):
    answers(w, (q.lte(1, 1), True))


def test_gt(w):
    answers(w, (q.gt(2, 1), True))


def test_gte(w):
    answers(w, (q.gte(1, 1), True))


def test_and(w):
    answers(
        w,
        (q.and_(True, True, False), False),
        (q.and_(True, True, True), True),
        (q.and_(True), True),
        (q.and_(False), False),
    )
    w.bad(q.and_())


def test_or(w):
    answers(
        w,
        (q.or_(False, False, True), True),
        (q.or_(False, False, False), False),
        (q.or_(True), True),
        (q.or_(False), False),
    )
    w.bad(q.or_())


def test_not(w):
    answers(w, (q.not_(True), False), (q.not_(False), True))


def test_to_string(w):
    answers(w, (q.to_string(42), "42"))


def test_to_array(w):
    found = w.q(q.to_array({"x": 0, "y": 1}))
    assert len(found) == 2 and ["x", 0] in found and ["y", 1] in found
    w.bad(q.to_array(23))


def test_to_object(w):
    answers(w, (q.to_object([["x", 0], ["y", 1]]), {"x": 0, "y": 1}))
    w.bad(q.to_object("hey there"))


def test_to_integer(w):
    answers(w, (q.to_integer(4.2343), 4), (q.to_integer(4.8999), 4))
    w.bad(q.to_integer({"x": 1}))


def test_to_double(w):
    answers(w, (q.to_double(42), 42.0))
    w.bad(q.to_double([]))


def test_to_number(w):
    answers(w, (q.to_number("42"), 42))


def test_to_time(w):
    answers(w, (q.to_time("1970-01-01T00:00:00Z"), FaunaTime("1970-01-01T00:00:00Z")))


def test_to_seconds(w):
    answers(w, (q.to_seconds(q.epoch(0, "second")), 0))


def test_to_millis(w):
    answers(w, (q.to_millis(q.epoch(1552733214259, "second")), 1552733214259000))


def test_to_micros(w):
    answers(w, (q.to_micros(q.epoch(1552733214259, "second")), 1552733214259000000))


def at_now(part):
    """`part` of the local clock's time read as a UTC time (the driver test's `now.isoformat() + 'Z'`), and now."""
    now = datetime.now()
    return part(q.time(now.isoformat() + "Z")), now


def test_day_of_year(w):
    expr, now = at_now(q.day_of_year)
    assert w.q(expr) == now.timetuple().tm_yday


def test_day_of_month(w):
    expr, now = at_now(q.day_of_month)
    assert w.q(expr) == now.day


def test_day_of_week(w):
    # ISO's day of the week: Monday is 1, Sunday 7.
    expr, now = at_now(q.day_of_week)
    assert w.q(expr) == now.weekday() + 1


def test_year(w):
    expr, now = at_now(q.year)
    assert w.q(expr) == now.year


def test_month(w):
    expr, now = at_now(q.month)
    assert w.q(expr) == now.month


def test_hour(w):
    answers(w, (q.hour(q.epoch(0, "second")), 0))


def test_minute(w):
    expr, now = at_now(q.minute)
    assert w.q(expr) == now.minute


def test_second(w):
    expr, now = at_now(q.second)
    assert w.q(expr) == now.second


def test_to_date(w):
    answers(w, (q.to_date("1970-01-01"), date(1970, 1, 1)))


def test_typecheckfns(w):
    admin = w.admin_client
    coll, db = q.collection("typecheck_coll"), q.database("typecheck_db")
    index = q.index("typecheck_index")
    admin.query(q.create_collection({"name": "typecheck_coll"}))
    admin.query(q.create_index({"name": "typecheck_index", "source": coll, "active": True}))
    doc = admin.query(q.create(coll, {"data": {}, "credentials": {"password": "spark2020"}}))
    admin.query(q.create_database({"name": "typecheck_db"}))
    function = w.q(q.create_function({"name": "typecheck_fn", "body": q.query(q.lambda_("x", q.now()))}))
    key = admin.query(q.create_key({"database": db, "role": "admin"}))
    token = w.q(q.login(doc["ref"], {"password": "spark2020"}))
    credentials = w.q(q.select(["data", 0], q.paginate(q.credentials())))
    role = admin.query(q.create_role({"name": "typecheck_role", "membership": [], "privileges": []}))
    # 31 values of every kind the Is* functions tell apart (some kinds more than once).
    values = [
        None, bytearray([12, 3, 4, 5]), credentials, 90, 3.14, True,
        q.to_date(q.now()), q.date("1970-01-01"), q.now(), q.epoch(1, "second"), q.time("1970-01-01T00:00:00Z"),
        {"x": 10}, q.get(doc["ref"]), q.paginate(q.collections()), [1, 2, 3], "a string",
        coll, q.collections(), q.match(index), q.union(q.match(index)), doc["ref"], q.get(doc["ref"]),
        index, db, coll, token["ref"], role["ref"], key["ref"], function["ref"], q.get(function["ref"]),
        q.query(q.lambda_("x", q.var("x"))),
    ]  # fmt: skip
    checks = {
        "array": q.is_array, "object": q.is_object, "string": q.is_string, "null": q.is_null,
        "number": q.is_number, "bytes": q.is_bytes, "date": q.is_date, "timestamp": q.is_timestamp,
        "set": q.is_set, "ref": q.is_ref, "boolean": q.is_boolean, "double": q.is_double,
        "integer": q.is_integer, "database": q.is_database, "index": q.is_index, "collection": q.is_collection,
        "token": q.is_token, "function": q.is_function, "role": q.is_role, "credentials": q.is_credentials,
        "key": q.is_key,
    }  # fmt: skip
    counts = [
        {name: q.count(q.filter_(q.lambda_("v", check(q.var("v"))), q.var("vals")))} for name, check in checks.items()
    ]
    assert w.q(q.let({"vals": values}, q.merge({}, counts))) == {
        "array": 1, "boolean": 1, "bytes": 1, "collection": 3, "credentials": 1, "database": 1, "date": 2,
        "double": 1, "function": 2, "integer": 1, "index": 1, "key": 1, "null": 1, "number": 2, "object": 5,
        "ref": 11, "role": 1, "set": 3, "string": 1, "timestamp": 3, "token": 1,
    }  # fmt: skip


def test_object(w):
    assert w.q({"x": q.let({"x": 1}, q.var("x"))}) == {"x": 1}


def test_varargs(w):
    # An array, or a variable bound to one, stands for the arguments.
    answers(w, (q.add([2, 3, 5]), 10), (q.let({"x": [2, 3, 5]}, q.add(q.var("x"))), 10))


def new_database(client: FaunaClient, name: str) -> FaunaClient:
    """QueryTest.create_new_database: a child database of `client`'s, and a client of an admin key of it."""
    client.query(q.create_database({"name": name}))
    key = client.query(q.create_key({"database": q.database(name), "role": "admin"}))
    return client.new_session_client(secret=key["secret"])


def test_nested_references(w):
    child = new_database(new_database(w.admin_client, "parent-database"), "child-database")
    child.query(q.create_collection({"name": "a_collection"}))
    child.query(
        q.create_role({"name": "a_role", "privileges": {"resource": q.collections(), "actions": {"read": True}}})
    )
    nested = q.database("child-database", q.database("parent-database"))
    assert w.admin_client.query(q.exists(q.collection("a_collection", nested))) is True
    assert w.admin_client.query(q.exists(q.role("a_role", nested))) is True
    child_ref = Ref("child-database", Native.DATABASES, Ref("parent-database", Native.DATABASES))
    assert w.admin_client.query(q.paginate(q.collections(nested)))["data"] == [
        Ref("a_collection", Native.COLLECTIONS, child_ref)
    ]
    assert w.admin_client.query(q.paginate(q.roles(nested)))["data"] == [Ref("a_role", Native.ROLES, child_ref)]


def test_nested_keys(w):
    client = new_database(w.admin_client, "db-for-keys")
    client.query(q.create_database({"name": "db-test"}))
    made = [
        client.query(q.create_key({"database": q.database("db-test"), "role": role})) for role in ("server", "admin")
    ]
    # Listed from above, the keys are scoped: the `keys` class of db-for-keys.
    scope = Ref("keys", db=Ref("db-for-keys", cls=Native.DATABASES))
    listed = w.admin_client.query(q.paginate(q.keys(q.database("db-for-keys"))))["data"]
    assert listed == [Ref(key["ref"].id(), cls=scope) for key in made]
