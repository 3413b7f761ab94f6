"""Core's AuthSpec (ext/api/src/test/scala/queries/AuthSpec.scala) over HTTP: what an unauthorized caller
sees of the stats and the trace (Auth21Spec), Bearer secrets scoped by an admin key, and Basic headers as
the old Go driver sent them (Auth20Spec). The rest of Auth20Spec, run on secrets directly, is in
tests/test_core_auth.py."""

from __future__ import annotations

import base64

from .core_api import ROOT, api, served  # noqa: F401 - fixtures

ADD = {"add": [1, 1]}


# -- Auth21Spec "unauthorized" -------------------------------------------------------------------------


def test_unauthorized_cannot_see_stats_output(api):
    db = api.a_database()
    status, found, _ = api.query(ADD, db.key)
    assert status == 200 and "x-query-time" in found
    status, found, _ = api.query(ADD, None)
    assert status == 401 and "x-query-time" not in found


def test_unauthorized_cannot_see_trace_output(api):
    db = api.a_database()
    status, _, body = api.query(ADD, db.key, {"X-Trace": "1"})
    assert status == 200 and body["resource"] == 2 and body["trace"]
    status, _, body = api.query(ADD, None, {"X-Trace": "1"})
    assert status == 401 and "trace" not in body


# -- Auth20Spec "bearer" -------------------------------------------------------------------------------


def test_bearer_allow_bearer_auth_with_fauna_keys(api):
    db = api.a_database()
    coll = api.a_collection(db)
    name = coll["name"]
    role = api.run({"create_role": {"object": {
        "name": "reader", "membership": {"object": {"resource": coll["ref"]}},
        "privileges": {"object": {"resource": coll["ref"], "actions": {"object": {"read": True}}}}}}}, db.admin_key)
    doc = api.a_document(coll, db)
    doc_id = doc["ref"]["@ref"]["id"]
    get = {"get": doc["ref"]}
    scopes = {f"@role/{role['name']}": 200, "admin": 200, "server": 200, "server-readonly": 200, "client": 403,
              f"@doc/{name}/{doc_id}": 200, f"collections/{name}/{doc_id}": 200, f"classes/{name}/{doc_id}": 200}
    for scope, expected in scopes.items():
        # core_api's requests send their secret as `Authorization: Bearer <secret>`.
        assert api.query(get, f"{db.admin_key}:{scope}")[0] == expected, scope
    update = {"update": doc["ref"], "params": {"object": {}}}
    assert api.query(update, f"{db.admin_key}:@role/{role['name']}")[0] == 403


# -- Auth20Spec "errors" -------------------------------------------------------------------------------


def basic(text: str) -> dict:
    """The Authorization header of the old Go driver: Basic, with a colon after the base64 text."""
    return {"Authorization": f"Basic {base64.b64encode(text.encode()).decode()}:"}


def test_errors_support_buggy_go_driver(api):
    db = api.a_database()
    assert api.query(1, None, basic(ROOT))[0] == 200
    assert api.query(1, None, basic(f"{ROOT}:{db.name}:admin"))[0] == 200


def test_errors_invalid_base64_keys(api):
    assert api.query(1, None, {"Authorization": "Basic non-base64"})[0] == 401
