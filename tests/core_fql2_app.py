"""What core's v10 auth specs (FQL2TokenSpec, FQL2KeySpec, FQL2CredentialSpec, FQL2AccessProviderSpec)
share: a child database `app` made by the root secret, queried through the `/query/1` handler as its
admin (a scoped secret), typechecked unless told otherwise, as the specs' `evalOk` / `evalErr` are."""

from __future__ import annotations

import json

import fql
from fql.auth.credentials import TEST_PARAMS
from fql.server import v10

ROOT = "secret"
DENIED = {"code": "permission_denied", "message": "Insufficient privileges to perform the action."}


def scoped(role: str) -> str:
    """The root secret scoped to `app` with `role` (`secret:app:admin`)."""
    return f"{ROOT}:app:{role}"


ADMIN = scoped("admin")


def app_database(typechecked: bool = True) -> fql.Database:
    """A fresh database with the child database `app` (argon2 at test cost), typechecked unless told
    otherwise (core's `newDB(typeChecked)`)."""
    database = fql.connect(root_secret=ROOT, argon2=TEST_PARAMS)
    flag = "" if typechecked else ", typechecked: false"
    ok(database, f'Database.create({{ name: "app"{flag} }})', ROOT)
    return database


def answer(db: fql.Database, query: str, secret: str, typecheck: bool) -> tuple[int, dict]:
    headers = {"x-format": "simple", "x-typecheck": "true" if typecheck else "false"}
    response = v10.query(db, {"query": query}, secret, headers, 0)
    return response.status, json.loads(response.body)


def ok(db: fql.Database, query: str, secret: str = ADMIN, typecheck: bool = True) -> object:
    status, body = answer(db, query, secret, typecheck)
    assert status == 200, body
    return body["data"]


def err(db: fql.Database, query: str, secret: str = ADMIN, typecheck: bool = True) -> dict:
    status, body = answer(db, query, secret, typecheck)
    assert status == 400, body
    return body
