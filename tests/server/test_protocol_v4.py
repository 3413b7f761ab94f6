"""The v4 HTTP protocol over raw HTTP: routes, auth, bad bodies, headers and statuses, exactly as core answers."""

from __future__ import annotations

import base64
import http.client
import json
import socket
import threading
import time
import urllib.parse

import httpx
import pytest

import fql
from fql.server import ServerThread, v10
from fql.server import headers as request_headers

from .conftest import Raw, exchange

UNAUTHORIZED = {"errors": [{"code": "unauthorized", "description": "Unauthorized"}]}
NOT_JSON = {
    "errors": [{"position": [], "code": "invalid expression", "description": "Request body is not valid JSON."}]
}
TOO_DEEP = {
    "errors": [
        {"position": [], "code": "invalid expression", "description": "Request body JSON exceeds nesting limit."}
    ]
}


def basic(user: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(user.encode()).decode()}


@pytest.mark.parametrize(
    ("query", "scope"),
    [
        ("", "write"),
        ("?scope=write", "write"),
        ("?scope=global", "write"),
        ("?scope=read", "read"),
        ("?scope=local", "read"),
        ("?scope=all&timeout=10", "all"),
        ("?scope=node", "node"),
        ("?scope=xyz", "node"),
    ],
)
def test_ping_scopes(raw, query, scope):
    assert raw("GET", "/ping" + query, "null", secret=None)[::2] == (200, {"resource": f"Scope {scope} is OK"})


def test_ping_head_and_methods(raw):
    status, headers, body = raw("HEAD", "/ping", secret=None)
    assert (status, body, headers["content-length"]) == (200, None, "32")
    status, headers, body = raw("POST", "/ping", secret=None)
    assert (status, headers["allow"]) == (405, "GET")
    assert body == {"errors": [{"code": "method not allowed", "description": "Allowed methods are GET."}]}


def test_unknown_path_and_method(raw):
    assert raw("GET", "/nowhere", secret=None)[::2] == (
        404,
        {"errors": [{"code": "not found", "description": "Not Found"}]},
    )
    status, headers, body = raw("PUT", "/", "1")
    assert (status, headers["allow"], body["errors"][0]["description"]) == (
        405,
        "GET, POST",
        "Allowed methods are GET, POST.",
    )
    # Core checks the secret before the method.
    assert raw("PUT", "/", "1", secret=None)[::2] == (401, UNAUTHORIZED)


def test_a_target_starting_with_two_slashes_names_an_authority(raw):
    """Core routes by java.net.URI's raw path of the request target (HttpRequest.path): `//ping` is the
    authority `ping` and an empty path, which FQL1Routes serves as `/`; `///ping` has an empty authority;
    `//` alone is no URI, answered by the channel's exception handler (RouterSpec's paths are raw too)."""
    no_query = {"errors": [{"position": [], "code": "invalid expression", "description": "No query provided."}]}
    assert raw("GET", "//ping")[::2] == (400, no_query)
    assert raw("POST", "//ping", "[1]")[::2] == (200, {"resource": [1]})
    assert raw("GET", "//?q=%5B1%5D")[::2] == (200, {"resource": [1]})
    assert raw("GET", "///ping")[::2] == (200, {"resource": "Scope write is OK"})
    assert raw("GET", "//x/ping")[::2] == (200, {"resource": "Scope write is OK"})
    assert raw("POST", "//x/query/1", '{"query": "1"}')[2]["data"] == 1
    assert raw("GET", "//query/1")[0] == 404  # the authority `query` and the path `/1`
    assert raw("GET", "//")[::2] == (400, {"error": "bad request"})


def send_head(port: int, method: str, target: str, body: str, *pairs: tuple[str, str]) -> tuple[int, bytes]:
    """One request with exactly the header lines `pairs` (and Content-Length), as http.client sends them."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for name, value in (*pairs, ("Content-Length", str(len(body)))):
            conn.putheader(name, value)
        conn.endheaders(body.encode())
        answer = conn.getresponse()
        return answer.status, answer.read()
    finally:
        conn.close()


def test_a_repeated_header_is_read_by_its_first_value(server):
    """Core reads a header with HttpMessage.getHeader, Netty's `headers.get`: the first value of a
    repeated one (not the values joined)."""
    auth = ("Authorization", "Bearer secret")
    v10 = (server.port, "POST", "/query/1", '{"query": "1"}', auth, ("x-format", "tagged"), ("x-format", "nope"))
    status, body = send_head(*v10)
    assert (status, json.loads(body)["data"]) == (200, {"@int": "1"})
    assert send_head(server.port, "POST", "/", "[1]", auth, ("Authorization", "Bearer wrong"))[0] == 200
    assert send_head(server.port, "POST", "/", "[1]", ("Authorization", "Bearer wrong"), auth)[0] == 401
    version = ("X-FaunaDB-API-Version", "4")
    assert send_head(server.port, "POST", "/", "[1]", auth, version, version) == (200, b'{"resource":[1]}')
    tags = (("x-fauna-tags", "a=b"), ("x-fauna-tags", "c,,"))
    assert send_head(server.port, "POST", "/", "[1]", auth, *tags)[0] == 200


def test_a_head_past_core_s_netty_limits_is_a_bad_request(server):
    """Core's HttpServerCodec takes a request line of up to 16 KiB and header lines of up to 8 KiB in all
    (CoreConfig network_http_max_initial_line_length, network_http_max_header_size; line ends not counted):
    past them Netty fails to decode the request (TooLongFrameException), which core's channel handler
    answers bare, as it answers a target that is no URI."""
    auth = ("Authorization", "Bearer secret")  # 28 characters as a header line
    bad = (400, b'{"error":"bad request"}')
    for length, expected in ((16 * 1024, 200), (16 * 1024 + 1, 400)):
        # `GET <target> HTTP/1.1`: 13 characters besides the target, `/?q=%22` and `%22` around the string.
        target = "/?q=%22" + "a" * (length - 13 - 10) + "%22"
        status, body = send_head(server.port, "GET", target, "", auth)
        assert (status, body if status == 400 else json.loads(body)["resource"]) == (
            bad if expected == 400 else (200, "a" * (length - 23))
        ), length
    # Header lines of 8192 characters in all (Content-Length: 0 is 17), then one more.
    for total, expected in ((8 * 1024, 200), (8 * 1024 + 1, 400)):
        filler = ("X", "x" * (total - 28 - 17 - 3))
        assert send_head(server.port, "GET", "/ping", "", auth, filler)[0] == expected, total


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": "Bearer "},
        {"Authorization": "Token secret"},
        {"Authorization": "Basic !!!"},
        basic("wrong:"),
    ],
)
def test_unauthorized(raw, headers):
    status, found, body = raw("POST", "/", "1", headers, secret=None)
    assert (status, body, found["www-authenticate"]) == (401, UNAUTHORIZED, 'Basic realm="Unauthorized"')
    assert "x-compute-ops" not in found and "x-txn-time" in found


def test_bad_secret_wins_over_bad_body(raw):
    assert raw("POST", "/", "{", {"Authorization": "Bearer wrong"}, secret=None)[::2] == (401, UNAUTHORIZED)


def test_basic_auth_and_scoped_secrets(raw):
    assert raw.query({"add": [1, 2]}, headers=basic("secret:"), secret=None)[::2] == (200, {"resource": 3})
    raw.query({"create_database": {"object": {"name": "child"}}})
    coll = {"create_collection": {"object": {"name": "inner"}}}
    status, _, body = raw.query(coll, headers=basic("secret:child:admin:"), secret=None)
    assert status == 201 and body["resource"]["ref"] == {
        "@ref": {"id": "inner", "collection": {"@ref": {"id": "collections"}}}
    }


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"{", NOT_JSON),
        (b"[1,]", NOT_JSON),
        (b"NaN", NOT_JSON),
        (b"\xff", NOT_JSON),
        (b"9223372036854775808", NOT_JSON),
        (b"1 x", NOT_JSON),
        (b" ", NOT_JSON),
        (b"", {"errors": [{"position": [], "code": "invalid expression", "description": "No query provided."}]}),
        (b"[" * 1001 + b"]" * 1001, TOO_DEEP),
        (b"[" * 5000 + b"]" * 5000, TOO_DEEP),
        (b"[" * 30000 + b"]" * 30000, TOO_DEEP),
    ],
)
def test_bad_json(raw, body, expected):
    assert raw("POST", "/", body)[::2] == (400, expected)
    assert raw.query({"add": [1, 1]})[::2] == (200, {"resource": 2})


#: Bodies and what core answers to them: the root value, or None when core refuses the body as not JSON.
FOLLOWED = [
    (b"1 2", 1),
    (b'1 "never closed', 1),
    (b"[1] [", [1]),
    (b"[1]{", [1]),
    (b"true[1", True),
    (b"1 true]", 1),
    (b"1\n-2.5e3 x", 1),
    (b"1 x", None),
    (b"[1]]", None),
    (b"1[", None),
    (b"1 2x", None),
    (b"true1", None),
    (b"1 truex", None),
    (b"1 01", None),
    (b"1 1.", None),
    (b"1 -", None),
    (b"1 ,", None),
    (b"1 \x01", None),
]


@pytest.mark.parametrize(("body", "value"), FOLLOWED)
def test_what_follows_the_root_value(raw, body, value):
    """Core's json2 JSONParser steps to the token after the root value and reads no further (Jackson lexes
    that one token: a string lazily, a root-level number only when whitespace or the end follows it), so a
    second value, or the start of one, is ignored; a token that does not lex is not JSON."""
    expected = (400, NOT_JSON) if value is None else (200, {"resource": value})
    assert raw("POST", "/", body)[::2] == expected
    # A GET's `q` is parsed the same way (FQL1Routes.runQuery), and so is a v10 request's body.
    assert raw("GET", "/?q=" + urllib.parse.quote(body))[::2] == expected
    if body.startswith(b"1 "):
        status, _, answer = raw("POST", "/query/1", b'{"query": "1"}' + body[1:])
        assert (status, answer.get("data")) == ((400, None) if value is None else (200, 1))


def test_v10_whitespace_alone_is_a_body_without_a_value(raw):
    """A blank body is there (HttpMessage.hasBody), and json2's parser meets its end where the object should
    start: a NoSuchElementException, not a parse error, so FQL2Endpoint answers with no detail."""
    for blank in (" ", "\n\t "):
        assert raw("POST", "/query/1", blank)[::2] == (
            400,
            {"error": {"code": "invalid_request", "message": "Invalid request body"}},
        ), blank
    assert raw("POST", "/query/1", "")[2]["error"]["message"] == "No request body provided"


def test_number_too_large_for_a_double_is_infinity(raw):
    # Core reads a JSON number with Jackson's getValueAsDouble, which overflows to Infinity (no parse error),
    # and writes a non-finite double as a string.
    assert raw("POST", "/", b'{"add": [1e400, 1]}')[::2] == (200, {"resource": "Infinity"})
    assert raw("POST", "/", b'{"multiply": [-1e400, 2]}')[::2] == (200, {"resource": "-Infinity"})


def test_json_edges(raw):
    assert raw("POST", "/", b"9223372036854775807")[2] == {"resource": 9223372036854775807}
    assert raw("POST", "/", b"[" * 1000 + b"]" * 1000)[0] == 200
    # Core lets a lone surrogate through and answers it as `?`.
    assert raw("POST", "/", b'"\xed\xb0\x80"')[2] == {"resource": "?"}
    assert raw("POST", "/", '"\\udc00é"')[2] == {"resource": "?é"}


def test_query_errors(raw):
    status, _, body = raw.query({"foo": 1})
    assert status == 400 and body["errors"][0]["code"] == "invalid expression"
    assert raw.query({"add": [1, "a"]})[::2] == (
        400,
        {
            "errors": [
                {"position": ["add", 1], "code": "invalid argument", "description": "Number expected, String provided."}
            ]
        },
    )
    assert raw.query({"select": "a", "from": {"object": {}}})[0] == 404
    assert raw.query({"get": {"@ref": "classes/nothing/1"}})[0] == 400
    assert raw.query({"abort": "stop"})[2]["errors"][0]["description"] == "stop"


def test_created_is_201(raw):
    assert raw.query({"create_collection": {"object": {"name": "c"}}})[0] == 201
    doc = {"create": {"collection": "c"}, "params": {"object": {}}}
    assert raw.query(doc)[0] == 201
    status, headers, body = raw.query({"select": "ref", "from": doc})
    assert status == 200
    assert raw.query({"get": body["resource"]})[0] == 200


def test_seed_003_login_curl_example(raw):
    """`curl https://db.fauna.com/ -u <key secret>: -d '{"login": {"@ref": "classes/characters/…"}, …}'`."""
    raw.query({"create_collection": {"object": {"name": "characters"}}})
    password = {"object": {"credentials": {"object": {"password": "abracadabra"}}}}
    raw.query({"create": {"@ref": "classes/characters/181388642114077184"}, "params": password})
    key = raw.query({"create_key": {"object": {"role": "server"}}})[2]["resource"]["secret"]
    body = """{
          "login": { "@ref": "classes/characters/181388642114077184" },
          "params": { "object": { "password": "abracadabra" } }
        }"""
    status, headers, found = raw("POST", "/", body, basic(key + ":"), secret=None)
    token = found["resource"]
    assert status == 201 and token["secret"].startswith("fn") and token["ts"] == int(headers["x-txn-time"])
    assert token["instance"] == {
        "@ref": {
            "id": "181388642114077184",
            "collection": {"@ref": {"id": "characters", "collection": {"@ref": {"id": "collections"}}}},
        }
    }
    assert raw.query({"current_identity": None}, secret=token["secret"])[2] == {"resource": token["instance"]}


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("0", "Must be greater than 0."),
        ("-5", "Must be greater than 0."),
        ("abc", "Invalid number 'abc'."),
        ("9223372036854775808", "Invalid number '9223372036854775808'."),
        ("600001", "Must be less than or equal to 600000."),
        ("9223372036854775807", "Must be less than or equal to 600000."),
    ],
)
def test_bad_query_timeout(raw, value, problem):
    status, headers, body = raw.query(1, headers={"X-Query-Timeout": value})
    assert (status, body) == (
        400,
        {"errors": [{"code": "bad request", "description": f"Invalid header 'x-query-timeout': {problem}"}]},
    )
    # Answered by TMPEndpoint.getRequestInfo, before setHeaders: no transaction time, no metrics.
    assert "x-compute-ops" not in headers and "x-txn-time" not in headers


def test_good_query_timeout_and_last_seen(raw):
    assert raw.query(1, headers={"X-Query-Timeout": "600000", "X-Last-Seen-Txn": "1"})[0] == 200
    body = raw.query(1, headers={"X-Last-Seen-Txn": "soon"})[2]
    assert body["errors"][0]["description"] == "Invalid header 'x-last-seen-txn': Invalid timestamp 'soon'."


@pytest.mark.parametrize(
    ("header", "value", "problem"),
    [
        # core's RequestParams, word for word
        ("x-max-retries-on-contention", "8", "Must be between 0 and 7."),
        ("x-max-retries-on-contention", "x", "Invalid number 'x'."),
        ("x-faunadb-api-version", "9", "Unsupported or invalid API version '9'."),
    ],
)
def test_bad_v4_parameters(raw, header, value, problem):
    body = raw.query(1, headers={header: value})[2]
    assert body == {"errors": [{"code": "bad request", "description": f"Invalid header '{header}': {problem}"}]}


@pytest.mark.parametrize(
    ("header", "value", "problem"),
    [
        ("x-query-timeout-ms", "abc", "Invalid number 'abc'."),
        ("x-query-timeout-ms", "0", "Must be greater than 0."),
        ("x-query-timeout-ms", "600001", "Must be less than or equal to 600000."),
        ("x-last-txn-ts", "later", "Invalid timestamp 'later'."),
        ("x-max-contention-retries", "-1", "Must be between 0 and 7."),
        ("x-format", "Tagged", "Invalid format Tagged"),
        ("x-typecheck", "yes", "Must be a boolean value."),
        ("x-linearized", "1", "Must be a boolean value."),
    ],
)
def test_bad_v10_parameters(raw, header, value, problem):
    status, _, body = raw("POST", "/query/1", '{"query": "1"}', headers={header: value})
    message = f"Invalid header '{header}': {problem}"
    assert (status, body) == (400, {"error": {"code": "invalid_request", "message": message}})


def test_good_v10_parameters(raw):
    ok = {"x-max-contention-retries": "0", "x-typecheck": "FALSE", "x-linearized": "true", "x-format": "decorated",
          "x-last-txn-ts": "1", "x-query-timeout-ms": "600000"}
    assert raw("POST", "/query/1", '{"query": "1"}', headers=ok)[0] == 200


@pytest.mark.parametrize(
    ("tags", "problem"),
    [
        # Core's own cases (trace/QueryLogTagsSpec.scala).
        ("foo,,", "invalid tags"),
        ("a", "invalid tags"),
        ("a=b=c", "invalid tags"),
        ("a==c", "invalid tags"),
        ("a,b=c", "invalid tags"),
        (",", "invalid tags"),
        ("?=2", "invalid tags"),
        ("a =2", "invalid tags"),
        ("a=#", "invalid tags"),
        ("a=b, c=d", "invalid tags"),
        ("a=b,a=c", "duplicate key"),
        ("k" * 41 + "=v", "invalid key"),
        ("k=" + "v" * 81, "invalid value"),
        (",".join(f"{i}=a" for i in range(26)), "too many tags"),
        ("hello=world,foo=" + "a" * 3000, "header is too long"),
        # A later pair's problem is the one reported (core folds from the right).
        ("a=b,a=c," + "k" * 41 + "=v", "invalid key"),
    ],
)
def test_bad_tags(raw, tags, problem):
    status, _, body = raw.query(1, headers={"x-fauna-tags": tags})
    assert (status, body) == (
        400,
        {"errors": [{"code": "bad request", "description": f"Invalid header 'x-fauna-tags': {problem}"}]},
    )


def test_tags_echo(raw):
    """Echoed last pair first: core folds the pairs from the right into an ordered map."""
    tags = [f"{i}=a" for i in range(25)]
    assert raw.query(1, headers={"x-fauna-tags": ",".join(tags)})[1]["x-fauna-tags"] == ",".join(reversed(tags))
    long_value = "k=" + "v" * 80
    assert raw.query(1, headers={"x-fauna-tags": "aB_3=3," + long_value})[1]["x-fauna-tags"] == long_value + ",aB_3=3"
    assert raw.query({"add": [1, "x"]}, headers={"x-fauna-tags": "a=b"})[1]["x-fauna-tags"] == "a=b"
    assert "x-fauna-tags" not in raw.query(1)[1]
    assert "x-fauna-tags" not in raw.query(1, headers={"x-fauna-tags": ""})[1]


def test_x_fauna_tags_should_not_work_on_v10(raw):
    """FQL2ProtocolSpec "x-fauna-tags should not work": the v10 endpoint reads x-query-tags alone
    (FQL2Endpoint.tagsHeader), so a bad x-fauna-tags is not looked at, nor echoed."""
    status, headers, body = raw("POST", "/query/1", '{"query": "1"}', headers={"x-fauna-tags": "foo,,"})
    assert (status, body["data"]) == (200, 1) and "query_tags" not in body and "x-fauna-tags" not in headers
    body = raw("POST", "/query/1", '{"query": "1"}', headers={"x-fauna-tags": "a=b"})[2]
    assert "query_tags" not in body


def test_v10_tags_are_checked_the_same_way(raw):
    status, _, body = raw("POST", "/query/1", '{"query": "1"}', headers={"x-query-tags": "foo,,"})
    assert (status, body["error"]) == (
        400,
        {"code": "invalid_request", "message": "Invalid header 'x-query-tags': invalid tags"},
    )
    status, _, body = raw("POST", "/query/1", '{"query": "1"}', headers={"x-query-tags": "a=b,c=d"})
    assert (status, body["query_tags"]) == (200, "c=d,a=b")
    # FQL2Response.render: the tags after the stats, before schema_version, in a success and a failure
    for query in ("1", "abort(1)", "1 +"):
        body = raw("POST", "/query/1", json.dumps({"query": query}), headers={"x-query-tags": "a=b"})[2]
        assert list(body)[-2:] == ["query_tags", "schema_version"], query
    # A 401 and a bad argument are answered from FQL2Endpoint.exec, with the request's tags; a bad header
    # or body before it, without them.
    tagged = {"x-query-tags": "a=b", "x-format": "tagged"}
    bad_argument = '{"query": "x", "arguments": {"x": {"@int": "a"}}}'
    for secret, body in ((None, '{"query": "1"}'), ("wrong", '{"query": "1"}'), ("secret", bad_argument)):
        assert raw("POST", "/query/1", body, headers=tagged, secret=secret)[2]["query_tags"] == "a=b"
    for headers, body in (({**tagged, "x-format": "bad"}, '{"query": "1"}'), (tagged, '{"query": 1}')):
        assert "query_tags" not in raw("POST", "/query/1", body, headers=headers)[2]


def test_traceparent(raw):
    sent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    answer = raw.query(1, headers={"traceparent": sent})[1]["traceparent"]
    # Its flags say "not sampled": core keeps a caller's flags only with its trace secret (TracingSpec).
    assert answer.startswith("00-0af7651916cd43dd8448eb211c80319c-") and answer.endswith("-00")
    for given in ({}, {"traceparent": "bogus"}):
        assert len(raw.query(1, headers=given)[1]["traceparent"].split("-")) == 4


def test_api_version_header(raw):
    assert raw.query(1, headers={"X-FaunaDB-API-Version": "4"})[0] == 200
    status, _, body = raw.query(1, headers={"X-FaunaDB-API-Version": "99"})
    assert status == 400 and body["errors"][0]["code"] == "bad request"


def test_txn_time_strictly_increases(raw):
    times = []
    for method, path, body in [
        ("POST", "/", "1"),
        ("GET", "/ping", None),
        ("POST", "/", "{"),
        ("GET", "/x", None),
        ("POST", "/", '{"add": [1]}'),
        ("POST", "/", "[]"),
    ]:
        times.append(int(raw(method, path, body)[1]["x-txn-time"]))
    assert times == sorted(set(times))


def test_txn_time_is_the_query_s_own_after_a_later_answer(tmp_path):
    """Core's X-Txn-Time is the query's transaction time (TMPEndpoint.setHeaders: info.txnTime, what
    repo.run answered). A write that began, then computed while a 404 was answered, has an earlier time
    than the 404's; its header said a later time, at which another process's write may have committed
    before it (found with four servers on one file, tests/storage/concurrency.py)."""
    with ServerThread(fql.connect(f"sqlite://{tmp_path / 'txn.db'}")) as server:
        raw = Raw(server.port)
        raw.query({"create_collection": {"object": {"name": "c"}}})
        # About a second of work on a worker thread (the loop answers the 404 meanwhile), then the write.
        work = {"lambda": "i", "expr": {"map": {"lambda": "j", "expr": 0}, "collection": list(range(300))}}
        slow = {"do": [{"count": {"map": work, "collection": list(range(300))}}, {"create": {"collection": "c"}}]}
        answer: list = []
        write = threading.Thread(target=lambda: answer.append(raw.query(slow)))
        write.start()
        time.sleep(0.2)
        between = int(raw("GET", "/unknown")[1]["x-txn-time"])
        write.join()
        status, headers, body = answer[0]
        assert status == 201 and body["resource"]["ts"] < between, "the write began after the 404"
        assert int(headers["x-txn-time"]) == body["resource"]["ts"]
        assert int(raw("GET", "/unknown")[1]["x-txn-time"]) > between


def test_metric_headers(raw):
    _, headers, _ = raw.query({"add": [1, 2]})
    names = (
        "x-compute-ops",
        "x-byte-read-ops",
        "x-byte-write-ops",
        "x-query-time",
        "x-query-bytes-in",
        "x-query-bytes-out",
        "x-storage-bytes-read",
        "x-storage-bytes-write",
        "x-txn-retries",
    )
    assert all(headers[name].isdigit() for name in names)
    assert (headers["x-query-bytes-in"], headers["x-query-bytes-out"]) == ("15", "14")
    assert headers["content-type"] == "application/json;charset=utf-8" and headers["x-faunadb-build"]
    assert (headers["x-byte-read-ops"], headers["x-storage-bytes-read"], headers["x-byte-write-ops"]) == ("0", "0", "0")
    assert int(headers["x-query-time"]) >= 1


def test_legacy_ops_headers_repeat_the_byte_ops_unexposed(raw):
    # Fauna's service also sent x-read-ops and x-write-ops on v4 answers (faunadb-jvm's "return metrics
    # data", faunadb-js's and faunadb-go's metrics tests assert them); core's CORS list leaves them out.
    raw.query({"create_collection": {"object": {"name": "c"}}})
    coll = {"@ref": {"id": "c", "collection": {"@ref": {"id": "collections"}}}}
    ref = {"@ref": {"id": "1", "collection": coll}}
    _, wrote, _ = raw.query({"create": ref, "params": {"object": {"data": {"object": {"s": "x" * 1500}}}}})
    assert (wrote["x-read-ops"], wrote["x-write-ops"]) == (wrote["x-byte-read-ops"], wrote["x-byte-write-ops"])
    assert int(wrote["x-write-ops"]) >= 2
    status, missing, _ = raw.query({"get": {"@ref": {"id": "2", "collection": coll}}})
    assert status == 404 and (missing["x-read-ops"], missing["x-write-ops"]) == ("0", "0")
    _, exposed, _ = raw("POST", "/", '{"add": [1, 2]}', {"origin": "http://example.com"})
    assert exposed["x-read-ops"] == "0" and "x-read-ops" not in exposed["access-control-expose-headers"]


def test_metric_headers_count_reads_and_writes(raw):
    raw.query({"create_collection": {"object": {"name": "c"}}})
    coll = {"@ref": {"id": "c", "collection": {"@ref": {"id": "collections"}}}}
    ref = {"@ref": {"id": "1", "collection": coll}}
    status, wrote, _ = raw.query({"create": ref, "params": {"object": {"data": {"object": {"s": "x" * 1500}}}}})
    assert status == 201 and int(wrote["x-byte-write-ops"]) >= 2 and int(wrote["x-storage-bytes-write"]) > 1500
    _, read, _ = raw.query({"get": ref})
    assert (read["x-byte-read-ops"], read["x-byte-write-ops"]) == ("1", "0")
    assert int(read["x-storage-bytes-read"]) > 1500


def test_oversized_body_is_413_and_serving_goes_on():
    with ServerThread(fql.connect(), max_body=1024) as small:
        raw = Raw(small.port)
        too_large = {"errors": [{"code": "request too large", "description": "Request entity is too large"}]}
        assert raw("POST", "/", json.dumps("x" * 2000))[::2] == (413, too_large)
        # Chunked, with no Content-Length to refuse it early.
        assert raw("POST", "/", iter([b'"', b"x" * 600, b"x" * 600, b'"']))[::2] == (413, too_large)
        assert raw.query("x" * 1000)[0] == 200
        v10 = {"error": {"code": "request_size_exceeded", "message": "Request entity is too large"}}
        assert raw("POST", "/query/1", json.dumps({"query": "x" * 2000}))[::2] == (413, v10)


def test_oversized_body_default_limit(raw):
    assert raw("POST", "/", b'"' + b"x" * (8 * 1024 * 1024) + b'"')[0] == 413
    assert raw.query(1)[0] == 200


def test_get_queries_are_read_only(raw):
    """`GET /?q=<JSON>` evaluates read-only, as core's QueryEndpointSpec checks."""
    arr = ["2+2", "=", "4", "&", "no more"]
    assert raw("GET", "/?q=" + urllib.parse.quote(json.dumps(arr)))[::2] == (200, {"resource": arr})
    assert raw("GET", "/?q=" + urllib.parse.quote("[1]"), secret=None)[0] == 401
    raw.query({"create_collection": {"object": {"name": "c"}}})
    create = {"create": {"@ref": {"id": "c", "collection": {"@ref": {"id": "collections"}}}}}
    status, _, body = raw("GET", "/?q=" + urllib.parse.quote(json.dumps(create)))
    refused = "Call performs a write, which is not allowed in get requests."
    assert (status, body) == (400, {"errors": [{"position": [], "code": "invalid expression", "description": refused}]})
    docs = {"paginate": {"documents": create["create"]}}
    assert raw.query(docs)[2] == {"resource": {"data": []}}
    assert raw("GET", "/?q=" + urllib.parse.quote(json.dumps(docs)))[2] == {"resource": {"data": []}}
    assert raw("GET", "/")[2]["errors"][0]["description"] == "No query provided."
    assert raw("GET", "/?q=%5B1")[2]["errors"][0]["description"] == "Request body is not valid JSON."
    # A blank `q` is there, and no JSON (FQL1Routes.runQuery parses what params.get("q") holds).
    for blank in ("/?q=", "/?q"):
        status, _, body = raw("GET", blank)
        assert (status, body["errors"][0]["description"]) == (400, "Request body is not valid JSON."), blank
    assert raw("GET", "/?q=", secret="wrong")[0] == 401


def test_other_routes(raw):
    assert raw("POST", "/stream", "1", secret=None)[0] == 401
    assert raw("POST", "/linearized", "[1]")[::2] == (200, {"resource": [1]})


def test_v10_paths_answer_in_the_v10_envelope(raw):
    status, _, body = raw("POST", "/query/1", '{"query": "1 + 1"}')
    assert status == 200 and body["data"] == 2 and body["summary"] == ""
    # FQL2Endpoint never looks at the method: a GET has no body, a PUT's body is run.
    assert raw("GET", "/query/1")[::2] == (
        400,
        {"error": {"code": "invalid_request", "message": "No request body provided"}},
    )
    assert raw("PUT", "/query/1", '{"query": "1 + 1"}')[2]["data"] == 2
    assert raw("HEAD", "/query/1", '{"query": "1 + 1"}')[::2] == (200, None)
    assert raw("POST", "/query/1", "{nope")[::2] == (
        400,
        {"error": {"code": "invalid_request", "message": "Invalid request body: not valid JSON."}},
    )
    # Jackson 2.18 (core's json2 parser) reads an integer past 64 bits with getValueAsLong, whose
    # InputCoercionException is no parse error: FQL2Endpoint's bare answer. A double too large is
    # infinite, which the simple format takes and writes back as "Infinity".
    assert raw("POST", "/query/1", '{"query": "x", "arguments": {"x": 9223372036854775808}}')[::2] == (
        400,
        {"error": {"code": "invalid_request", "message": "Invalid request body"}},
    )
    status, _, body = raw("POST", "/query/1", '{"query": "x", "arguments": {"x": 1e400}}', headers={"x-format": "simple"})
    assert (status, body["data"]) == (200, "Infinity")
    # CoreApplication reads the request headers (its own, the tags, then the endpoint's), then the body,
    # and only then who sent it: a bad header or body is answered before a missing secret.
    assert raw("POST", "/query/1", "{nope", secret=None)[::2] == (
        400,
        {"error": {"code": "invalid_request", "message": "Invalid request body: not valid JSON."}},
    )
    assert raw("POST", "/query/1", '{"query": "1"}', secret=None)[0] == 401
    assert raw("POST", "/query/1", "", headers={"x-format": "foo"})[2]["error"]["message"] == (
        "Invalid header 'x-format': Invalid format foo"
    )
    tags_first = raw("POST", "/query/1", '{"query": "1"}', headers={"x-format": "foo", "x-query-tags": "a,,"})
    assert tags_first[2]["error"]["message"].startswith("Invalid header 'x-query-tags'")
    # core's FQL2BasicSpec: a body without `query`, and no body at all.
    assert raw("POST", "/query/1", '{"foo": "bar"}')[::2] == (
        400,
        {"error": {"code": "invalid_request", "message": "Invalid request body"}},
    )
    assert raw("POST", "/query/1", "")[::2] == (
        400,
        {"error": {"code": "invalid_request", "message": "No request body provided"}},
    )
    assert raw("POST", "/query/1", '{"query": "1"}', headers={"x-format": "xml"})[2]["error"]["code"] == (
        "invalid_request"
    )
    assert raw("POST", "/stream/1", "{}")[0] == 400
    # Protocol errors are the error alone, as core renders them: no summary, txn_ts or stats.
    assert raw("POST", "/query/1", '{"query": "1"}', secret="nah")[::2] == (
        401,
        {"error": {"code": "unauthorized", "message": "Access token required"}},
    )


def test_a_bug_is_a_500_without_traceback(server, raw, monkeypatch):
    def boom(*args, **kw):
        raise RuntimeError("boom")

    monkeypatch.setattr(server.app.db, "run_with_state", boom)
    status, headers, body = raw.query(1)
    assert (status, body) == (500, {"errors": [{"code": "internal server error", "description": "RuntimeError: boom"}]})
    assert "x-compute-ops" not in headers
    monkeypatch.undo()
    assert raw.query(1)[0] == 200


def test_custom_root_secret():
    with ServerThread(fql.connect(root_secret="s3cret")) as running:
        raw = Raw(running.port)
        assert raw.query(1)[0] == 401
        assert raw.query(1, secret="s3cret")[0] == 200


def test_h2c_on_the_same_port(server):
    with httpx.Client(http1=False, http2=True) as client:
        response = client.post(server.url + "/", content=b'{"add": [1, 2]}', headers={"Authorization": "Bearer secret"})
        assert (response.http_version, response.status_code, response.json()) == ("HTTP/2", 200, {"resource": 3})


def test_h2c_upgrade_is_answered_in_http1(server):
    """Granian speaks h2c by prior knowledge only: an HTTP/1.1 request asking to upgrade is answered in
    HTTP/1.1, which RFC 9110 allows and clients that ask (curl, Java's HttpClient) carry on with."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        body = b'{"add": [1, 2]}'
        sock.sendall(
            b"POST / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer secret\r\nConnection: Upgrade, HTTP2-Settings\r\n"
            b"Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        answer = b""
        while not answer.endswith(b'{"resource":3}'):
            chunk = sock.recv(65536)
            assert chunk, answer
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200")


def _exchange_raw(port: int, version: str, connection: str | None) -> tuple[str | None, bool]:
    """One request on a fresh socket: the answer's Connection header, and whether the server then closed
    the connection (it is left open otherwise, and found so within a second)."""
    body = b'{"add": [1, 2]}'
    head = f"POST / HTTP/{version}\r\nHost: x\r\nAuthorization: Bearer secret\r\nContent-Length: {len(body)}\r\n"
    if connection is not None:
        head += f"Connection: {connection}\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
        sock.sendall(head.encode() + b"\r\n" + body)
        answer, closed = b"", False
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    closed = True
                    break
                answer += chunk
        except socket.timeout:
            pass
    assert answer.endswith(b'{"resource":3}'), answer
    lines = answer.split(b"\r\n\r\n")[0].decode().split("\r\n")[1:]
    found = [value.strip() for name, _, value in (line.partition(":") for line in lines) if name.lower() == "connection"]
    assert len(found) <= 1, found
    return (found[0] if found else None), closed


@pytest.mark.parametrize(
    "version, connection, expected",
    [
        ("1.1", None, "keep-alive"),
        ("1.1", "keep-alive", "keep-alive"),
        ("1.1", "close", "close"),
        ("1.1", "Upgrade, Close", "close"),
        ("1.0", None, "close"),
        ("1.0", "keep-alive", "keep-alive"),
    ],
)
def test_connection_header_says_whether_the_connection_stays_open(server, version, connection, expected):
    """Core answers every HTTP/1 request with `Connection: keep-alive` or `close`, as Netty's
    HttpUtil.isKeepAlive reads the request (HTTP/1.1 unless it lists `close`, HTTP/1.0 only if it lists
    `keep-alive`), and closes the connection after a `close` (HttpRequestHandler)."""
    assert _exchange_raw(server.port, version, connection) == (expected, expected == "close")


def test_http2_answers_have_no_connection_header(server):
    with httpx.Client(http1=False, http2=True) as client:
        response = client.post(server.url + "/", content=b'{"add": [1, 2]}', headers={"Authorization": "Bearer secret"})
    assert response.http_version == "HTTP/2" and "connection" not in response.headers


def test_deeply_nested_query_evaluates(raw):
    """Queries on the in-memory store run on the server's event-loop thread: it has the stack for them."""
    depth = 490  # an object and an array per level: 980 levels of JSON, under core's 1000
    assert raw("POST", "/", '{"add": [1, ' * depth + "1" + "]}" * depth)[::2] == (200, {"resource": depth + 1})


def test_query_timeout_stops_the_query_and_writes_nothing(raw):
    coll = {"@ref": {"id": "c", "collection": {"@ref": {"id": "collections"}}}}
    assert raw.query({"create_collection": {"object": {"name": "c"}}})[0] == 201
    slow = {"map": {"lambda": "x", "expr": {"add": [{"var": "x"}, 1]}}, "collection": list(range(300_000))}
    write = {"create": coll, "params": {"object": {"data": {"object": {"a": 1}}}}}
    status, _, body = raw.query({"do": [write, slow]}, headers={"X-Query-Timeout": "50"})
    assert status == 503 and body["errors"][0]["code"] == "time out"
    assert raw.query({"count": {"documents": coll}})[2] == {"resource": 0}


def test_v10_unbound_names_are_static_errors_unless_typecheck_is_off(raw):
    status, _, body = raw("POST", "/query/1", '{"query": "{ x }"}')
    assert (status, body["error"]) == (400, {"code": "invalid_query", "message": "The query failed 1 validation check"})
    assert body["summary"].startswith("error: Unbound variable `x`\nat *query*:1:3")
    status, _, body = raw("POST", "/query/1", '{"query": "{ x }"}', headers={"x-typecheck": "false"})
    assert (status, body["error"]) == (400, {"code": "unbound_variable", "message": "Unbound variable `x`"})


def test_time_limits_count_from_the_request_and_are_checked_before_commit():
    """A query found past its deadline once evaluated commits nothing; the error is core's, by the limit."""
    db = fql.connect()
    db.query('CreateCollection({name: "c"})')
    from fql.errors import QueryTimeout, ServiceTimeout
    from fql.parse import parse

    create = parse('Create(Collection("c"), {})')
    with pytest.raises(QueryTimeout, match="query needs 1000, timed out within 50$"):
        db.run_with_state(create, timeout_ms=50, started=time.monotonic() - 1)
    with pytest.raises(ServiceTimeout) as caught:
        db.run_with_state(create, timeout_ms=2000, started=time.monotonic() - 3)
    assert (caught.value.status, caught.value.v4_code, caught.value.description) == (
        503,
        "time out",
        "Read timed out (Query eval has timed out.)",
    )
    assert db.query('Count(Documents(Collection("c")))') == 0


def test_time_out_answers_are_protocol_errors(raw):
    words = "Client set aggressive deadline: query needs 1000, timed out within 30"
    slow = {"query": "Set.sequence(0, 100000000).count()"}
    status, _, body = raw("POST", "/query/1", json.dumps(slow), headers={"x-query-timeout-ms": "30"})
    assert (status, body) == (440, {"error": {"code": "time_out", "message": words}})
    v4_slow = {"count": {"map": {"lambda": "x", "expr": {"var": "x"}}, "collection": list(range(100_000))}}
    status, _, body = raw.query(v4_slow, headers={"X-Query-Timeout": "30", "X-FaunaDB-API-Version": "UNSTABLE"})
    assert (status, body) == (440, {"errors": [{"code": "processing time limit exceeded", "description": words}]})
    # TMPEndpoint.recover: at any other version, the time-out under the aggressive deadline
    timed_out = {"errors": [{"code": "time out", "description": "Read timed out (Query eval has timed out.)"}]}
    for version in ("4", "2.1", None):
        headers = {"X-Query-Timeout": "30"} | ({"X-FaunaDB-API-Version": version} if version else {})
        assert raw.query(v4_slow, headers=headers)[::2] == (503, timed_out), version
    # Answered from core's recover, with ResponseInfo.Null: the request's tags are not echoed.
    assert "x-fauna-tags" not in raw.query(v4_slow, headers={"X-Query-Timeout": "30", "x-fauna-tags": "a=b"})[1]
    assert raw.query(v4_slow, headers={"x-fauna-tags": "a=b"})[1]["x-fauna-tags"] == "a=b"


def test_an_error_with_siblings_fills_the_envelope(raw):
    """ObjectFunctionsSpec "merge" / "errors": both bad arguments of Merge are in `errors`, in order."""
    status, _, body = raw.query({"merge": "x", "with": "y"})
    assert status == 400
    assert body == {
        "errors": [
            {"position": ["merge"], "code": "invalid argument", "description": "Object expected, String provided."},
            {"position": ["with"], "code": "invalid argument", "description": "Object expected, String provided."},
        ]
    }


@pytest.mark.parametrize("version", ["2.0", "2.12", "3", "4", "UNSTABLE"])
def test_doubles_are_written_as_core_writes_them_at_every_version(server, version):
    # Core's JSONWriter.writeNumber (ext/codex json/JSONWriter.scala): Java's Double.toString, and a
    # Double that is no number as a string, which is JSON where Python's bare Infinity is not.
    infinite = {"multiply": [1e300, 1e300]}
    query = [1e7, 0.0001, 1.5, infinite, {"multiply": [-1e300, 1e300]}, {"subtract": [infinite, infinite]}]
    headers = {"Authorization": "Bearer secret", "X-FaunaDB-API-Version": version}
    status, _, data = exchange(server.port, "POST", "/", json.dumps(query).encode(), headers, timeout=10)
    assert (status, data) == (200, b'{"resource":[1.0E7,1.0E-4,1.5,"Infinity","-Infinity","NaN"]}')


def _text(port: int, path: str, body: str, headers: dict) -> str:
    return exchange(port, "POST", path, body.encode(), {"Authorization": "Bearer secret", **headers})[2].decode()


def test_pretty_answers_as_core_lays_them_out(server):
    """CoreApplication.shouldRenderPretty: a v4 answer to curl or HTTPie, or to a request with
    X-FaunaDB-Formatted-JSON, is laid out by JSValue.toPrettyString; an error v4 recovers from (here a
    bad tags header) whoever asks; v10's answers and a bad request-info header's never."""
    curl = {"User-Agent": "curl/8.5.0"}
    query = '{"object": {"a": [], "b": [1, 2], "c": {"object": {"d": "x  y"}}, "e": "' + "z" * 60 + '"}}'
    assert _text(server.port, "/", query, curl) == (
        "{\n"
        '  "resource": {\n'
        '    "a": [  ],\n'
        '    "b": [ 1, 2 ],\n'
        '    "c": { "d": "x  y" },\n'
        '    "e": "' + "z" * 60 + '"\n'
        "  }\n"
        "}\n"
    )
    assert _text(server.port, "/", "[1.0e7]", {"X-FaunaDB-Formatted-JSON": "1"}) == '{ "resource": [ 1.0E7 ] }\n'
    assert _text(server.port, "/", "[1.0e7]", {"User-Agent": "HTTPie/3.2"}) == '{ "resource": [ 1.0E7 ] }\n'
    assert _text(server.port, "/", "[1.0e7]", {"User-Agent": "python"}) == '{"resource":[1.0E7]}'
    tags_error = (
        '{\n  "errors": [\n    {\n      "code": "bad request",\n'
        '      "description": "Invalid header \'x-fauna-tags\': invalid tags"\n    }\n  ]\n}\n'
    )
    assert _text(server.port, "/", "1", {"x-fauna-tags": "a"}) == tags_error
    assert _text(server.port, "/", "1", {**curl, "X-Query-Timeout": "0"}).startswith('{"errors":[{"code":"bad request"')
    assert _text(server.port, "/query/1", '{"query": "1"}', curl).startswith('{"data":1,')


def test_a_query_without_a_time_limit_has_core_s_two_minutes():
    """RequestParams.QueryTimeout and QueryTimeoutMs default to CoreApplication.DefaultQueryTimeout."""
    read_v4 = request_headers.read_v4
    assert read_v4({}).timeout_ms == read_v4({"x-fauna-tags": "a=b"}).timeout_ms == 120_000
    assert read_v4({"x-query-timeout": "7"}).timeout_ms == 7
    assert v10.read_headers({})["timeout_ms"] == 120_000
    assert v10.read_headers({"x-query-timeout-ms": "7"})["timeout_ms"] == 7


def test_contention_is_answered_as_a_protocol_error(server, raw, monkeypatch):
    """TMPEndpoint.recover (TransactionContentionNoInfo) and FQL2Endpoint.recover answer contention with
    the error alone, 409, no position and no summary."""
    from fql.errors import ContendedTransaction

    words = "Transaction was aborted due to detection of concurrent modification."

    def contended(*args, **kwargs):
        raise ContendedTransaction(words)

    monkeypatch.setattr(server.app.db, "run_with_state", contended)
    assert raw.query(1)[::2] == (409, {"errors": [{"code": "contended transaction", "description": words}]})
    assert raw("POST", "/query/1", '{"query": "1"}')[::2] == (
        409,
        {"error": {"code": "contended_transaction", "message": words}},
    )


def test_v10_answers_carry_no_transaction_time_or_metric_headers(raw):
    """Only v4's TMPEndpoint.setHeaders sets X-Txn-Time and the metric headers: a v10 answer has its
    `txn_ts` and `stats` in the body, a failure too, and the headers every answer has."""
    for query in ("1", "abort(1)", "1 +"):
        status, found, body = raw("POST", "/query/1", json.dumps({"query": query}))
        assert not {"x-txn-time", "x-compute-ops", "x-query-time", "x-read-ops"} & set(found), query
        assert {"traceparent", "x-faunadb-build"} <= set(found) and body["txn_ts"] > 0
    assert "x-txn-time" not in raw("POST", "/query/1", "{")[1]
    # nor do the schema and environment endpoints'
    for path in ("/schema/1/files", "/environment/1"):
        found = raw("GET", path)[1]
        assert "x-txn-time" not in found and "x-compute-ops" not in found and "traceparent" in found, path
