"""core's AccessProviderSpec (ext/api/src/test/scala/api/AccessProviderSpec.scala) over fql's HTTP server:
the `/access_providers` REST paths. Each test names its case."""

from __future__ import annotations

import pytest

from .core_api_schema import CREATED, FORBIDDEN, NOT_FOUND, OK, Api, Database
from .core_api_schema import api, db  # noqa: F401 - fixtures

JWKS_URI = "https://fauna.auth0.com/.well-known/jwks.json"


@pytest.fixture
def provider(api, db) -> dict:
    """core's `anAccessProvider(db)`: the provider's resource."""
    params = {"object": {"name": "auth0", "issuer": "abc", "jwks_uri": JWKS_URI, "roles": []}}
    status, body = api.query({"create_access_provider": params}, db.admin_key)
    assert status == CREATED, body
    return body["resource"]


def test_only_admin_can_create(api, db):
    """AccessProviderSpec `access_providers: only admin can create`."""
    body = {"name": "auth0", "issuer": "abc", "jwks_uri": JWKS_URI}
    assert api.post("/access_providers", body, db.key)[0] == FORBIDDEN
    assert api.post("/access_providers", body, db.client_key)[0] == FORBIDDEN
    assert api.post("/access_providers", body, db.admin_key)[0] == CREATED


def test_access_providers_get_works(api, db, provider):
    """AccessProviderSpec `access_providers: GET works`."""
    status, body = api.get("/access_providers", db.admin_key)
    assert status == OK and provider["ref"] in body["resource"]["data"]


def test_get_works(api, db, provider):
    """AccessProviderSpec `access_providers: access_providers/{name}: GET works`."""
    status, body = api.get("/access_providers/auth0", db.admin_key)
    assert (status, body["resource"]) == (OK, provider)


def test_patch_works(api, db, provider):
    """AccessProviderSpec `access_providers: access_providers/{name}: PATCH works`: a new name renames."""
    status, body = api.patch("/access_providers/auth0", {"name": "okta"}, db.admin_key)
    assert status == OK
    assert (body["resource"]["ref"]["@ref"]["id"], body["resource"]["name"]) == ("okta", "okta")


def test_put_works(api, db, provider):
    """AccessProviderSpec `access_providers: access_providers/{name}: PUT works`: the roles replaced."""
    status, role = api.query({"create_role": {"object": {"name": "users", "privileges": []}}}, db.admin_key)
    assert status == CREATED
    status, body = api.put("/access_providers/auth0", {"roles": [role["resource"]["ref"]]}, db.admin_key)
    assert status == OK
    assert (body["resource"]["ref"]["@ref"]["id"], body["resource"]["name"]) == ("auth0", "auth0")
    assert body["resource"]["roles"] == [role["resource"]["ref"]]


def test_delete_works(api, db, provider):
    """AccessProviderSpec `access_providers: access_providers/{name}: DELETE works`."""
    assert api.delete("/access_providers/auth0", db.admin_key)[0] == OK
    assert api.get("/access_providers/auth0", db.admin_key)[0] == NOT_FOUND
