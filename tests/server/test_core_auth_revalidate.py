"""Core's model AuthSpec "Auth.lookup revalidates" (ext/model/src/test/scala/auth/AuthSpec.scala), through
what a user sees of Auth.revalidate: a v4 stream checks, before each batch of events, that the key or
token behind its secret and the roles it held are unchanged, and otherwise ends with `permission denied`
/ "Authorization lost during stream evaluation.".

Not ported: "returns true for valid JWT" and "returns false for expired JWT" (a JWT's expiry is checked
whenever its secret is authenticated, at each poll, as tests/test_jwt.py shows for queries)."""

from __future__ import annotations

from .test_core_streams_v4 import SPELLS, create, ref, server, subscribe  # noqa: F401 - fixture

LOST = {"code": "permission denied", "description": "Authorization lost during stream evaluation."}


def stream_through(server, secret: str, change) -> list:
    """The events of a stream of a new document while `change()` runs and the document is then updated."""
    doc = create(server, {})

    def during():
        change()
        server.query({"update": ref(doc), "params": {"object": {"data": {"object": {"n": 1}}}}})

    return subscribe(server, ref(doc), 1, secret=secret, during=during)


def kept(events: list) -> bool:
    return [e["type"] for e in events] == ["version"]


def lost(events: list) -> bool:
    return [(e["type"], e["event"]) for e in events] == [("error", LOST)]


def key(server, role: str = "admin") -> dict:
    return server.query({"create_key": {"object": {"role": role}}})


def test_returns_true_for_root_auth_and_root_login_auth(server):
    assert kept(stream_through(server, "secret", lambda: key(server)))
    assert kept(stream_through(server, "secret:admin", lambda: key(server)))


def test_key_login(server):
    # "returns true for key login if unchanged", "returns false for key login if changed".
    made = key(server)
    assert kept(stream_through(server, made["secret"], lambda: key(server, "server")))
    change = {"update": made["ref"], "params": {"object": {"role": "server"}}}
    assert lost(stream_through(server, made["secret"], lambda: server.query(change)))


def test_returns_false_for_expired_key(server):
    made = key(server)
    past = {"time_subtract": {"now": None}, "offset": 1, "unit": "day"}
    change = {"update": made["ref"], "params": {"object": {"ttl": past}}}
    assert lost(stream_through(server, made["secret"], lambda: server.query(change)))


def test_returns_false_for_deleted_key(server):
    made = key(server)
    assert lost(stream_through(server, made["secret"], lambda: server.query({"delete": made["ref"]})))


def user(server) -> dict:
    """A token of a new `people` document, a member of a role reading spells."""
    if not server.query({"exists": {"collection": "people"}}):
        server.query({"create_collection": {"object": {"name": "people"}}})
    doc = server.query({"create": {"collection": "people"},
                        "params": {"object": {"credentials": {"object": {"password": "sekrit"}}}}})
    grants = [{"object": {"resource": SPELLS, "actions": {"object": {"read": True}}}}]
    members = [{"object": {"resource": {"collection": "people"}}}]
    name = f"reads{doc['ref']['@ref']['id']}"
    server.query({"create_role": {"object": {"name": name, "membership": members, "privileges": grants}}})
    return server.query({"login": doc["ref"], "params": {"object": {"password": "sekrit"}}})


def test_token(server):
    # "returns true for token if unchanged", "returns false for deleted token".
    token = user(server)
    assert kept(stream_through(server, token["secret"], lambda: key(server)))
    assert lost(stream_through(server, token["secret"], lambda: server.query({"delete": token["ref"]})))


def test_returns_false_for_expired_token(server):
    token = user(server)
    past = {"time_subtract": {"now": None}, "offset": 1, "unit": "day"}
    change = {"update": token["ref"], "params": {"object": {"ttl": past}}}
    assert lost(stream_through(server, token["secret"], lambda: server.query(change)))


def test_returns_false_on_abac_changes(server):
    grants = [{"object": {"resource": SPELLS, "actions": {"object": {"read": True}}}}]
    server.query({"create_role": {"object": {"name": "reader", "privileges": grants}}})
    secret = server.query({"create_key": {"object": {"role": {"role": "reader"}}}})["secret"]
    assert kept(stream_through(server, secret, lambda: key(server)))
    more = [{"object": {"resource": SPELLS, "actions": {"object": {"read": True, "write": True}}}}]
    change = {"update": {"role": "reader"}, "params": {"object": {"privileges": more}}}
    assert lost(stream_through(server, secret, lambda: server.query(change)))
