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
test_error_on_closed_client and the two X-Driver-Env header tests, and test_page.py's test_page and
test_repr.

One test expects an older Fauna: test_stream_reject_non_readonly_query wants `Write effect in read-only
query expression.`; the test checks core's text for a write in a stream (`Call performs a write, which
is not allowed in stream requests.`)."""

from __future__ import annotations

import random
import re
import string
import threading
import warnings
from io import StringIO

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from faunadb import query as q
    from faunadb.client import FaunaClient
    from faunadb.client_logger import logger
    from faunadb.errors import BadRequest, ErrorData, FaunaError, NotFound, PermissionDenied, Unauthorized
    from faunadb.errors import UnexpectedError
    from faunadb.objects import Native, Ref
    from faunadb.page import Page

import fql  # noqa: E402
from fql.server import ServerThread  # noqa: E402
from fql.server.streams import StreamSettings  # noqa: E402

WAIT = 15.0


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
    client = FaunaClient(secret="secret", endpoint=env.endpoint, domain="bad domain", scheme="bad scheme", port="bad port")
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
    assert logged(env, lambda client: client.ping("node", 250)).split("\n")[0] == "Fauna GET /ping?scope=node&timeout=250"


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
    # Made again, without an issuer, or with a URI that is no URI: refused.
    for again in (fields, {"name": "provider_", "jwks_uri": fields["jwks_uri"]}, {**fields, "jwks_uri": "https:/invalid-uri"}):
        with pytest.raises(BadRequest):
            admin.query(q.create_access_provider(again))


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
        admin.query(q.create_role({"name": role, "privileges": [{"resource": q.databases(), "actions": {"read": True}}]}))
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
