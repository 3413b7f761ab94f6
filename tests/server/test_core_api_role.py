"""core's RoleSpec (ext/api/src/test/scala/api/RoleSpec.scala) over fql's HTTP server: the `/roles` REST
paths with an admin key. Each test names its case."""

from __future__ import annotations

import pytest

from .core_api_schema import CREATED, NOT_FOUND, OK, Api, Database
from .core_api_schema import api  # noqa: F401 - fixtures

#: core's Privilege.open: every action granted.
_ACTIONS = ("read", "write", "create", "create_with_id", "delete", "history_write", "history_read")


@pytest.fixture
def db(api) -> Database:
    db = Database(api)
    db.collection("spells")
    return db


@pytest.fixture
def role(api, db) -> dict:
    """core's `aRole(db, Privilege.open(cls.refObj))`: the role's resource."""
    actions = {action: True for action in _ACTIONS} | {"unrestricted_read": False, "call": False}
    privileges = [{"object": {"resource": {"@ref": "classes/spells"}, "actions": {"object": actions}}}]
    params = {"object": {"name": "wizards", "membership": [], "privileges": privileges}}
    status, body = api.query({"create_role": params}, db.admin_key)
    assert status == CREATED, body
    return body["resource"]


def test_roles_get_works(api, db, role):
    """RoleSpec `roles: GET works`."""
    status, body = api.get("/roles", db.admin_key)
    assert status == OK and role["ref"] in body["resource"]["data"]


def test_get_works(api, db, role):
    """RoleSpec `roles: roles/{name}: GET works`: the role reads back as it was created."""
    status, body = api.get("/roles/wizards", db.admin_key)
    assert (status, body["resource"]) == (OK, role)


def test_patch_works(api, db, role):
    """RoleSpec `roles: roles/{name}: PATCH works`: a new name renames."""
    status, body = api.patch("/roles/wizards", {"name": "mages"}, db.admin_key)
    assert status == OK
    assert (body["resource"]["ref"]["@ref"]["id"], body["resource"]["name"]) == ("mages", "mages")


def test_put_works(api, db, role):
    """RoleSpec `roles: roles/{name}: PUT works`: the privileges replaced, the name kept."""
    privileges = {"resource": {"@ref": "classes/spells"}, "actions": {"write": True}}
    status, body = api.put("/roles/wizards", {"privileges": privileges}, db.admin_key)
    assert status == OK
    assert (body["resource"]["ref"]["@ref"]["id"], body["resource"]["name"]) == ("wizards", "wizards")
    assert body["resource"]["privileges"] == {
        "resource": {"@ref": {"id": "spells", "collection": {"@ref": {"id": "collections"}}}},
        "actions": {"write": True},
    }


def test_delete_works(api, db, role):
    """RoleSpec `roles: roles/{name}: DELETE works`."""
    assert api.delete("/roles/wizards", db.admin_key)[0] == OK
    assert api.get("/roles/wizards", db.admin_key)[0] == NOT_FOUND
