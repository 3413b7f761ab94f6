"""Core's QueryEndpointSpec, ProtocolSpec, TracingSpec and AuthorizedSpec (ext/api/src/test/scala/api/):
the v4 endpoints, headers and statuses. Cases test_protocol_v4.py already pins are named there, not here:
malformed and deeply nested JSON, dangling surrogates, the not-found error, large requests and invalid
tags (QueryEndpointSpec and ProtocolSpec)."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from .core_api import ROOT, api, served  # noqa: F401 - fixtures

ORIGIN = {"Origin": "http://example.com"}
HI = ["hi", "world"]


def q(expr: object) -> str:
    return "/?q=" + urllib.parse.quote(json.dumps(expr))


# -- QueryEndpointSpec -------------------------------------------------------------------------------


def test_query_requires_authentication(api):
    db = api.a_database()
    user = api.a_user(db)
    assert api.query(HI, None)[0] == 401
    assert api.get(q(HI), None)[0] == 401
    for secret in (ROOT, db.key, db.client_key, user["token"]):
        assert api.query(HI, secret)[0] == 200
        assert api.get(q(HI), secret)[0] == 200


def test_query_get_is_read_only(api):
    db = api.a_database()
    coll = api.a_collection(db)
    assert api.query({"create": coll["ref"]}, db.key)[0] == 201
    status, _, body = api.get(q({"create": coll["ref"]}), db.key)
    assert (status, body["errors"][0]) == (
        400,
        {
            "position": [],
            "code": "invalid expression",
            "description": "Call performs a write, which is not allowed in get requests.",
        },
    )


def test_query_string_parsing(api):
    arr = ["2+2", "=", "4", "&", "no more"]
    assert api.get(q(arr))[::2] == (200, {"resource": arr})
    # `URIQueryString.parse("q=%R1&ts=123") shouldBe empty`, tested directly in core "because the
    # HttpClient wont allow the bad query": on the wire, core's HttpRequest builds a java.net.URI of the
    # target first, which refuses a malformed escape or a character a URI may not hold, and the channel's
    # exception handler answers it bare (Application.handleChannelException), whatever the path.
    for target in ("/?q=%R1&ts=123", "/?q=%5B1%5D&x=%4", "/?q=%5B1%5D|", "/databases?x=^", "/query/1?{"):
        status, headers, body = api.get(target)
        assert (status, body) == (400, {"error": "bad request"}), target
        assert "x-faunadb-build" not in headers and headers["connection"] == "close"
    # What java.net.URI takes in a query: reserved characters with `[` and `]`, escapes in either case.
    assert api.get("/?q=[%22a%22,1]")[::2] == (200, {"resource": ["a", 1]})
    assert api.get("/?q=%5b1%5d&x=;/?:@$,!~*'()")[::2] == (200, {"resource": [1]})


def test_linearized_requires_authentication(api):
    db = api.a_database()
    user = api.a_user(db)
    assert api.post("/linearized", HI, None)[0] == 401
    for secret in (ROOT, db.key, db.client_key, user["token"]):
        assert api.post("/linearized", HI, secret)[0] == 200


def test_linearized_is_post_only(api):
    assert api.get("/linearized", api.a_database().key)[0] == 405


# -- ProtocolSpec ------------------------------------------------------------------------------------

ALLOW_HEADERS = (
    "accept-encoding, authorization, content-type, x-driver-env, x-faunadb-api-version, x-fauna-driver, "
    "x-fauna-source, x-fauna-tags, x-format, x-last-seen-txn, x-last-txn-ts, x-linearized, "
    "x-max-contention-retries, x-max-retries-on-contention, x-query-tags, x-query-timeout, "
    "x-query-timeout-ms, x-runtime-environment, x-runtime-environment-os, x-nodejs-version, traceparent, "
    "x-typecheck, x-performance-hints"
)


def test_responds_to_cors_preflight_requests(api):
    _, headers, _ = api.options("/databases", None, ORIGIN)
    assert "access-control-allow-origin" in headers and "access-control-allow-credentials" in headers
    assert headers["access-control-max-age"] == "86400"
    assert headers["access-control-allow-methods"] == "GET, POST, PUT, PATCH, DELETE"
    assert headers["access-control-allow-headers"] == ALLOW_HEADERS
    assert headers["access-control-expose-headers"] == ""
    # HttpRequestHandler and Application add their headers to a preflight's answer too.
    assert "traceparent" in headers and "x-faunadb-build" in headers and "x-faunadb-host" not in headers
    sent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    _, headers, _ = api.options("/databases", None, {**ORIGIN, "X-Trace": "1", "traceparent": sent})
    assert "x-faunadb-host" in headers and headers["traceparent"].startswith(sent[:36])


def test_exposes_x_headers_with_appropriate_cors_headers(api):
    _, headers, _ = api.get("/databases", ROOT, ORIGIN)
    assert sorted(headers["access-control-expose-headers"].split(", ")) == [
        "x-byte-read-ops",
        "x-byte-write-ops",
        "x-compute-ops",
        "x-query-bytes-in",
        "x-query-bytes-out",
        "x-query-time",
        "x-storage-bytes-read",
        "x-storage-bytes-write",
        "x-txn-retries",
        "x-txn-time",
    ]


def test_cors_headers_are_returned_with_an_origin_header_in_the_request(api):
    _, headers, _ = api.get("/databases", ROOT, ORIGIN)
    assert headers["access-control-allow-origin"] == "http://example.com"
    assert headers["access-control-allow-credentials"] == "true"
    _, headers, _ = api.get("/databases", ROOT)
    assert "access-control-allow-origin" not in headers and "access-control-allow-credentials" not in headers


def test_options_is_not_allowed_by_default(api):
    assert api.options("/databases", ROOT)[0] == 405


def test_x_trace_header_absent_should_hide_faunadb_host(api):
    _, headers, _ = api.get("/databases", ROOT)
    assert "x-faunadb-host" not in headers and "x-faunadb-build" in headers
    _, headers, _ = api.get("/databases", ROOT, {"X-Trace": "foo"})
    assert "x-faunadb-host" in headers and "x-faunadb-build" in headers


def test_handle_out_of_bound_query_timeouts(api):
    status, _, body = api.get("/databases", ROOT, {"X-Query-Timeout": str(2**63 - 1)})
    description = "Invalid header 'x-query-timeout': Must be less than or equal to 600000."
    assert (status, body) == (400, {"errors": [{"code": "bad request", "description": description}]})


@pytest.mark.parametrize(("retries", "status"), [("-1", 400), ("8", 400), ("0", 200), ("7", 200)])
def test_max_retries_on_contention(api, retries, status):
    db = api.a_database()
    assert api.raw("POST", "/", "null", {"X-Max-Retries-On-Contention": retries}, secret=db.key)[0] == status


def test_request_info_headers_read_in_order_and_answered_bare(api):
    """TMPEndpoint.getRequestInfo reads the version, X-Last-Seen-Txn, the timeout and the retries, in that
    order and before the tags; a bad one is answered without setHeaders' X-Txn-Time and metrics, where a
    bad tags header (refused after, through `recover`) has them."""
    bad = {
        "X-FaunaDB-API-Version": "9",
        "X-Last-Seen-Txn": "x",
        "X-Query-Timeout": "0",
        "X-Max-Retries-On-Contention": "8",
        "x-fauna-tags": "a",
    }
    named = list(bad)
    for i, name in enumerate(named):
        status, headers, body = api.query(None, ROOT, {n: bad[n] for n in named[i:]})
        assert (status, body["errors"][0]["description"].split("'")[1]) == (400, name.lower())
        assert ("x-txn-time" in headers, "x-compute-ops" in headers) == ((True, True) if i == 4 else (False, False))
        assert "traceparent" in headers and "x-faunadb-build" in headers


def test_correct_response_format_on_invalid_tags_of_get(api):
    status, _, body = api.get("/", ROOT, {"x-fauna-tags": "foo,,", "X-FaunaDB-API-Version": "UNSTABLE"})
    description = "Invalid header 'x-fauna-tags': invalid tags"
    assert (status, body) == (400, {"errors": [{"code": "bad request", "description": description}]})


# -- TracingSpec -------------------------------------------------------------------------------------


def test_tracing_flags_say_not_traced(api):
    """"works", its first step (the rest needs core's admin endpoints /admin/tracing/enable and disable)."""
    assert api.query({"now": None})[1]["traceparent"].endswith("-00")


def test_tracing_clients_without_the_trace_secret_cannot_set_the_flag(api):
    """"allows clients with the right secret to set the flag", its first step: fql has no trace secret."""
    traceparent = "00-000000000000000050a5474ed8834769-5263798bc0583f83-01"
    assert api.query({"now": None}, ROOT, {"traceparent": traceparent})[1]["traceparent"].endswith("-00")


@pytest.mark.parametrize(
    ("sent", "trace"),
    [
        # TraceContext.fromHTTPHeader: 55 characters, ids read as Long.parseUnsignedLong reads hex
        ("00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01", "4bf92f3577b34da6a3ce929d0e0e4736"),
        ("zzx4bf92f3577b34da6a3ce929d0e0e4736x00f067aa0ba902b7x01", "4bf92f3577b34da6a3ce929d0e0e4736"),
        ("00-+bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "0bf92f3577b34da6a3ce929d0e0e4736"),
        # an all-zero trace or span id, a wrong length, no hex: a new trace
        ("00-00000000000000000000000000000000-00f067aa0ba902b7-01", None),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", None),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-011", None),
        ("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bg-01", None),
    ],
)
def test_tracing_traceparent_read_as_core_reads_it(api, sent, trace):
    for path, body in (("/", "null"), ("/query/1", '{"query": "1"}')):
        answered = api.raw("POST", path, body, {"traceparent": sent})[1]["traceparent"]
        version, trace_id, span, flags = answered.split("-")
        assert (version, flags, len(trace_id), len(span)) == ("00", "00", 32, 16)
        assert trace_id == trace if trace else trace_id != sent[3:35].lower()


# -- AuthorizedSpec ----------------------------------------------------------------------------------


def test_authorized_get_works(api):
    status, _, body = api.query(
        {"create_database": {"object": {"name": "acct", "container": True, "account": {"object": {"id": 42}}}}}
    )
    assert status == 201
    key = api.run({"create_key": {"object": {"role": "server", "database": {"@ref": "databases/acct"}}}})
    status, _, found = api.get("/authorized", key["secret"])
    assert status == 200
    assert found == {"account": "42", "global_id": body["resource"]["global_id"]}


def test_authorized_get_returns_unauthorized_with_invalid_key(api):
    assert api.get("/authorized", "bogus")[0] == 401


def test_authorized_post_returns_not_allowed_for_valid_key(api):
    assert api.raw("POST", "/authorized", None, secret=api.a_database().key)[0] == 405


def test_authorized_names_the_top_database_and_inherited_accounts(api):
    # The top database: no account (0), and one global id, made when first asked and kept.
    first = api.get("/authorized", ROOT)[2]
    assert first["account"] == "0" and first["global_id"] and api.get("/authorized", ROOT)[2] == first
    # A database inside one with an account has that account, and its own global id.
    api.query({"create_database": {"object": {"name": "acct", "account": {"object": {"id": 7}}}}})
    inner = api.run({"create_database": {"object": {"name": "inner"}}}, "secret:acct:admin")
    found = api.get("/authorized", "secret:acct/inner:admin")[2]
    assert found == {"account": "7", "global_id": inner["global_id"]}
