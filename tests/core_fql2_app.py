"""What core's v10 auth specs (FQL2TokenSpec, FQL2KeySpec, FQL2CredentialSpec, FQL2AccessProviderSpec)
share: a child database `app` made by the root secret, queried through the `/query/1` handler as its
admin (a scoped secret), typechecked unless told otherwise, as the specs' `evalOk` / `evalErr` are."""

from __future__ import annotations

import fql
from fql.auth.credentials import TEST_PARAMS
from tests.helpers import QueryEndpoint

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


#: The specs' evalOk / evalErr: simple format, typechecked unless told otherwise, as `app`'s admin unless
#: another secret is given.
ENDPOINT = QueryEndpoint(ADMIN, fmt="simple", typecheck=True)
answer, ok, err = ENDPOINT.answer, ENDPOINT.ok, ENDPOINT.err
