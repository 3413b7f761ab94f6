"""Core's AdminSpec (ext/api/src/test/scala/api/AdminSpec.scala) and DatabaseSpec27 (the container cases
of ext/api/src/test/scala/api/DatabaseSpec.scala) over fql's HTTP server. Each test names its case.

Covered elsewhere: AdminSpec "ping" / "defaults to write scope", "responds to node scope", "responds to
read scope", "responds to (deprecated) local scope", "responds to write scope", "responds to (deprecated)
global scope", "responds to all scope", "unknown scope is treated as node" (tests/server/test_protocol_v4.py,
test_ping_scopes).

Not ported, with the reason: every AdminSpec case under "admin/..." (status, replication, storage/version,
reseed, identity, host-id, remove_node, movement_status, init, join, repair_task and its status and cancel,
accounts and accounts/reprioritize, scope-from-account, database/global-to-scope, database/move,
database/recover, backup/dump-tree, backup/check-tree, backup/allocate-scopes, database/enable,
document/location, and each one's "requires root key"). They are core's operator API, served on a port
of its own (8444) to manage a cluster: its nodes, replicas, storage, repairs, backups and the accounts of
Fauna's hosted service. fql is one process on one store, with no such port; what users do with their
databases (MoveDatabase, keys, deletes) is FQL, ported in tests/test_move_database.py and
tests/test_core_v4_admin_spec.py. DatabaseSpec27 "container databases" / "PATCH works" is pending in core
itself (pendingUntilFixed).
"""

from __future__ import annotations

import pytest

from . import core_api_schema
from .core_api_schema import BAD_REQUEST, CREATED, ROOT, Api

#: core's `api` fixture (tests/server/core_api_schema.py).
api = core_api_schema.api

SERVICE_UNAVAILABLE, INTERNAL_SERVER_ERROR = 503, 500


# -- "ping" ----------------------------------------------------------------------------------------


def test_ping_uses_passed_timeout(raw):
    """AdminSpec "ping" / "uses passed timeout": a check given no time at all times out."""
    status, _, body = raw("GET", "/ping?timeout=0", secret=None)
    assert (status, body) == (
        SERVICE_UNAVAILABLE,
        {"errors": [{"code": "time out", "description": "Scope write timed out after 0 milliseconds"}]},
    )


@pytest.mark.parametrize(("scope", "name"), [("read", "read"), ("local", "read"), ("all", "all"), ("global", "write")])
def test_ping_timeout_applies_to_every_checked_scope(raw, scope, name):
    """The same for the other scopes that check the store (core's runQ under each scope's timeout)."""
    status, _, body = raw("GET", f"/ping?scope={scope}&timeout=-5", secret=None)
    assert status == SERVICE_UNAVAILABLE
    assert body["errors"][0]["description"] == f"Scope {name} timed out after -5 milliseconds"


@pytest.mark.parametrize("timeout", ["0", "abc", "1.5"])
def test_ping_node_scope_checks_nothing(raw, timeout):
    """`node` answers whatever the timeout; and a timeout that is no whole number is the default one."""
    assert raw("GET", f"/ping?scope=node&timeout={timeout}", secret=None)[::2] == (200, {"resource": "Scope node is OK"})
    if timeout != "0":
        assert raw("GET", f"/ping?timeout={timeout}", secret=None)[::2] == (200, {"resource": "Scope write is OK"})


def test_ping_timeout_times_out_head_too(raw):
    status, headers, body = raw("HEAD", "/ping?timeout=0", secret=None)
    assert (status, body) == (SERVICE_UNAVAILABLE, None)


# -- "error" ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("secret", [None, ROOT])
def test_error_responds_with_an_error(raw, secret):
    """AdminSpec "error" / "responds with an error": core's sample error, with or without a secret."""
    status, _, body = raw("GET", "/error", secret=secret)
    assert status == INTERNAL_SERVER_ERROR
    # ExceptionResponseHelpers words the RuntimeException `sys.error` throws.
    description = "java.lang.RuntimeException: Sample error Please create a ticket at https://support.fauna.com"
    assert body == {"errors": [{"code": "internal server error", "description": description}]}
    # The server goes on.
    assert raw("GET", "/ping", secret=None)[0] == 200


def test_error_allows_only_get(raw):
    """As core's UtilRoutes route it: another method is 405, before any secret is asked for."""
    status, headers, body = raw("POST", "/error", "null", secret=None)
    assert (status, headers["allow"]) == (405, "GET")
    assert body == {"errors": [{"code": "method not allowed", "description": "Allowed methods are GET."}]}


# -- DatabaseSpec27 --------------------------------------------------------------------------------


def _container(api: Api, name: str, secret: str = ROOT) -> str:
    """core's `aContainerDB`: a container database and an admin key to it; the key's secret."""
    status, body = api.post("/databases", {"name": name, "container": True}, secret)
    assert status == CREATED, body
    status, body = api.post("/keys", {"database": {"@ref": f"databases/{name}"}, "role": "admin"}, secret)
    assert status == CREATED, body
    return body["resource"]["secret"]


def test_databases_can_be_created_in_containers(api):
    """DatabaseSpec27 "databases" / "can be created in containers"."""
    parent = _container(api, "parent")
    status, body = api.post("/databases", {"name": "child"}, parent)
    assert status == CREATED
    assert body["resource"]["name"] == "child"


def test_container_databases_can_be_created_in_other_containers(api):
    """DatabaseSpec27 "container databases" / "can be created in other containers"."""
    parent = _container(api, "parent")
    status, body = api.post("/databases", {"name": "child", "container": True}, parent)
    assert status == CREATED
    assert body["resource"]["container"] is True


def test_a_container_holds_no_collection(api):
    """CollectionSpec27 "classes cannot be created in a container" (core's WriteAdaptor.create): a collection
    made in one over REST is 400 `invalid object in container`; in a database inside it, it is made."""
    parent = _container(api, "parent")
    status, body = api.post("/classes", {"name": "things"}, parent)
    assert (status, body["errors"][0]["code"]) == (BAD_REQUEST, "invalid object in container")
    assert body["errors"][0]["description"] == "Object is not allowed in a container"
    api.post("/databases", {"name": "child"}, parent)
    status, body = api.post("/keys", {"database": {"@ref": "databases/child"}, "role": "server"}, parent)
    assert api.post("/classes", {"name": "things"}, body["resource"]["secret"])[0] == CREATED


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("scope=", "Scope node is OK"),  # a blank value is kept: the empty scope, a node's
        ("scope", "Scope node is OK"),  # a key alone has the blank value
        ("scope=read&scope=node", "Scope node is OK"),  # the last of a repeated key wins
        ("sco%70e=re%61d", "Scope read is OK"),
    ],
)
def test_ping_reads_its_query_string_as_core_does(raw, query, expected):
    """Core's URIQueryString.parse: pairs split at `&` and their first `=`, blank values kept, decoded by
    Java's URLDecoder (which throws on a malformed escape, and the whole map is then empty)."""
    assert raw("GET", f"/ping?{query}", secret=None)[::2] == (200, {"resource": expected})


def test_ping_with_a_malformed_escape_is_no_request(raw):
    # Core's HttpRequest builds a java.net.URI of the target first, which a malformed escape fails (a bare
    # 400, see test_protocol_v4): URIQueryString never sees it, so its empty-map path is not reached.
    status, _, body = raw("GET", "/ping?scope=%zz", secret=None)
    assert (status, body) == (400, {"error": "bad request"})
