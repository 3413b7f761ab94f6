"""Who is calling: a secret becomes an Auth (scope, role, identity, token) or `unauthorized`.

Secrets are the instance's root secret, a key or token secret (`fn...`), or a scoped secret
`<secret>:<db/path>[:<role>]` made from the root secret or an admin key's secret.
"""

from __future__ import annotations

import hmac
import typing as t

from attrs import define

from ..errors import Unauthorized
from ..storage.base import DocKey, Transaction
from . import secrets

#: The built-in roles a key or a scoped secret may carry.
BUILTIN_ROLES = ("admin", "server", "server-readonly", "client")
#: Where each database's scope is registered (in the top scope): its parent scope and its name.
SCOPES = "#scopes"


@define
class Auth:
    """The caller: the database scope it works in, its role, and the documents behind its secret.

    `role` is a built-in role name, a tuple of user role names (ABAC), or None for a token, whose roles
    come from the role memberships of its identity.
    """

    role: t.Any = "admin"
    scope: str = ""
    #: Where the identity document is stored (tokens only).
    identity: DocKey | None = None
    #: The key or token document behind the secret (None for the root secret and scoped secrets).
    source: DocKey | None = None

    @property
    def is_token(self) -> bool:
        return self.source is not None and self.source.coll == "#tokens"

    @property
    def is_key(self) -> bool:
        return self.source is not None and self.source.coll == "#keys"


def _unauthorized() -> Unauthorized:
    return Unauthorized("Unauthorized")


def _live(txn: Transaction, key: DocKey) -> dict | None:
    version = txn.get(key)
    if version is None or not version.live_at(txn.ts):
        return None
    return version.data


def scope_alive(txn: Transaction, scope: str) -> bool:
    """True if `scope` is the top scope or a database whose ancestors all still exist."""
    while scope:
        entry = _live(txn, DocKey("", SCOPES, scope))
        if entry is None or _live(txn, DocKey(entry["parent"], "#databases", entry["name"])) is None:
            return False
        scope = entry["parent"]
    return True


def child(txn: Transaction, scope: str, name: str) -> str | None:
    """The scope of the child database `name` of `scope`, if it exists."""
    data = _live(txn, DocKey(scope, "#databases", name))
    return data.get("global_id") if data else None


def is_within(txn: Transaction, ancestor: str, scope: str) -> bool:
    """True if `scope` is `ancestor` or one of its descendants."""
    while True:
        if scope == ancestor:
            return True
        if not scope:
            return False
        entry = _live(txn, DocKey("", SCOPES, scope))
        if entry is None:
            return False
        scope = entry["parent"]


def authenticate(txn: Transaction, secret: str | None, root_secret: str) -> Auth:
    """The Auth of `secret`; `unauthorized` if it is missing, unknown, expired or revoked."""
    if not secret:
        raise _unauthorized()
    if hmac.compare_digest(secret.encode(), root_secret.encode()):
        return Auth("admin", "")
    base, sep, rest = secret.partition(":")
    if sep:
        return _scoped(txn, authenticate(txn, base, root_secret), rest)
    parsed = secrets.parse(secret)
    if parsed is None or not scope_alive(txn, parsed.scope):
        raise _unauthorized()
    if parsed.kind == secrets.KEY:
        return _key(txn, DocKey(parsed.scope, "#keys", parsed.id), secret)
    return _token(txn, DocKey(parsed.scope, "#tokens", parsed.id), secret)


def _key(txn: Transaction, key: DocKey, secret: str) -> Auth:
    data = _live(txn, key)
    if data is None or not secrets.matches(secret, data.get("hashed_secret")):
        raise _unauthorized()
    scope = key.scope
    database = data.get("database")
    if database is not None:
        scope = _database_scope(txn, key.scope, database)
    role = data.get("role")
    roles = role if isinstance(role, str) else tuple(r.id for r in (role if isinstance(role, list) else [role]))
    return Auth(roles, scope, None, key)


def _database_scope(txn: Transaction, scope: str, database: t.Any) -> str:
    """The scope a key's `database` ref names, relative to the key's own scope."""
    parent = database.collection.database if database.collection is not None else None
    if parent is not None:
        scope = _database_scope(txn, scope, parent)
    found = child(txn, scope, database.id)
    if found is None:
        raise _unauthorized()
    return found


def _token(txn: Transaction, key: DocKey, secret: str) -> Auth:
    data = _live(txn, key)
    if data is None or not secrets.matches(secret, data.get("hashed_secret")):
        raise _unauthorized()
    instance = data.get("instance")
    identity = DocKey(key.scope, instance.collection.id if instance.collection.collection else "#" + instance.collection.id, instance.id)
    if _live(txn, identity) is None:
        raise _unauthorized()
    return Auth(None, key.scope, identity, key)


def _scoped(txn: Transaction, base: Auth, rest: str) -> Auth:
    """`<secret>:<db/path>[:<role>]`: an admin secret reaching into a descendant database with a role."""
    if base.role != "admin":
        raise _unauthorized()
    path, _, role = rest.partition(":")
    scope = base.scope
    for name in [p for p in path.split("/") if p]:
        found = child(txn, scope, name)
        if found is None:
            raise _unauthorized()
        scope = found
    if not role:
        role = "admin"
    return Auth(role if role in BUILTIN_ROLES else (role,), scope)
