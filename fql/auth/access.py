"""Who is calling: a secret becomes an Auth (scope, role, identity, token) or `unauthorized`.

Secrets are the instance's root secret, a key or token secret (`fn...`), or a scoped secret
`<secret>:[<db/path>:]<role | @role/name | @doc/coll/id>` made from the root secret or an admin key's secret.
"""

from __future__ import annotations

import hmac
import re
import typing as t

from attrs import define, frozen

from ..errors import Unauthorized
from ..storage.base import DocKey, Transaction, Version
from ..storage.meter import unmetered
from . import jwt, secrets

#: The built-in roles a key or a scoped secret may carry.
BUILTIN_ROLES = ("admin", "server", "server-readonly", "client")
#: Where each database's scope is registered (in the top scope): its parent scope and its name.
SCOPES = "#scopes"
#: Where a key moved by MoveDatabase is now kept, by key id (in the top scope): its secret still names
#: the scope it was made in.
MOVED_KEYS = "#moved_keys"
#: The database each key was written for, by key id (in the top scope): its scope id, as core's key holds
#: its database's id, so a rename (here or of a database between) keeps the key bound to the same database
#: and a database later given the name is not it.
KEY_DATABASES = "#key_databases"


@define
class Auth:
    """The caller: the database scope it works in, its role, and the documents behind its secret.

    `role` is a built-in role name, a tuple of user role names (ABAC), or None for an identity (a token,
    or a secret scoped to `@doc/...`), whose roles come from the role memberships of its identity.
    """

    role: t.Any = "admin"
    scope: str = ""
    #: Where the identity document is stored (tokens and `@doc/` scopes only).
    identity: DocKey | None = None
    #: The key or token document behind the secret (None for the root secret and scoped secrets).
    source: DocKey | None = None
    #: A JWT's claims and the access provider that vouches for it (fql/auth/jwt.py); its roles are the
    #: provider's whose predicates accept the claims.
    claims: dict | None = None
    provider: DocKey | None = None

    @property
    def is_token(self) -> bool:
        return self.source is not None and self.source.coll == "#tokens"

    @property
    def is_key(self) -> bool:
        return self.source is not None and self.source.coll == "#keys"


def _unauthorized() -> Unauthorized:
    return Unauthorized("Unauthorized")


def _refused(secret: str) -> Unauthorized:
    """`unauthorized` for a secret whose key or token is not there (or whose database is gone), after the
    hash check a wrong secret costs: the time taken tells nothing of which keys, tokens or databases exist."""
    secrets.matches(secret, None)
    return _unauthorized()


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


def lineage(txn: Transaction, scope: str) -> t.Iterator[dict]:
    """The documents of the database `scope` and its ancestors, nearest first (the top has none). Their
    settings are the database's own, which core reads from its schema cache (Database.forScope), so the
    reads bill the query nothing."""
    txn = unmetered(txn)
    while scope:
        entry = txn.get(DocKey("", SCOPES, scope))
        if entry is None or entry.data is None:
            return
        version = txn.get(DocKey(entry.data["parent"], "#databases", entry.data["name"]))
        yield (version.data or {}) if version is not None else {}
        scope = entry.data["parent"]


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


def authenticate(txn: Transaction, secret: str | None, root_secret: str, keys: jwt.JWKS | None = None) -> Auth:
    """The Auth of `secret`; `unauthorized` if it is missing, unknown, expired or revoked. A JWT's signing
    keys come from `keys` (fql/auth/jwt.py's shared cache by default)."""
    if not secret:
        raise _unauthorized()
    if _is_root(secret, root_secret):
        return Auth("admin", "")
    if jwt.is_jwt(secret):
        return _jwt(txn, secret, keys or jwt.DEFAULT)
    if ":" not in secret and secret.startswith(secrets.PREFIX):
        base, scope = secret, None  # the common case: a bare key or token secret
    else:
        base, scope = parse_scoped(secret)
        if _is_root(base, root_secret):
            return Auth("admin", "") if scope is None else _scoped(txn, Auth("admin", ""), scope, root=True)
    parsed = secrets.parse(base)
    if parsed is None:
        raise _unauthorized()
    if parsed.kind == secrets.TOKEN:
        if not scope_alive(txn, parsed.scope):
            raise _refused(base)
        # Core ignores a scope given after a token's secret: a token always acts as its identity.
        return _token(txn, DocKey(parsed.scope, "#tokens", parsed.id), base)
    key = key_location(txn, parsed.scope, parsed.id)
    if not scope_alive(txn, key.scope):
        raise _refused(base)
    auth = _key(txn, key, base)
    return auth if scope is None else _scoped(txn, auth, scope)


def _jwt(txn: Transaction, secret: str, keys: jwt.JWKS) -> Auth:
    """A JWT's Auth: in the database its audience names, vouched for by the access provider there whose
    `issuer` is its `iss`, signed with a key from that provider's `jwks_uri` (core's JWTToken.fromToken).
    Any failure is a plain `unauthorized`, as in core."""
    token = jwt.decode(secret)
    if token is None or jwt.algorithm(token) is None or not jwt.current(token.claims):
        raise _unauthorized()
    global_id = jwt.audience_id(token.claims)
    scope = _scope_of(txn, global_id) if global_id is not None else None
    issuer = token.claims.get("iss")
    # fql's top database is also a Fauna account's own top database, where JWTs log in; core refuses only
    # the global id of its internal root above the accounts (JWTToken.decodeGlobalID, JWTAuthSpec "forbid
    # root scope"), which fql has no counterpart of.
    if scope is None or not isinstance(issuer, str) or issuer == jwt.AUDIENCE_PREFIX + global_id:
        raise _unauthorized()
    for version in txn.scan(scope, "#access_providers"):
        data = version.data if version.live_at(txn.ts) else None
        if data is not None and data.get("issuer") == issuer:
            key = keys.key(data.get("jwks_uri", ""), jwt.key_id(token))
            if key is None or not jwt.verify(token, key):
                raise _unauthorized()
            return Auth(None, scope, claims=token.claims, provider=version.key)
    raise _unauthorized()


#: Where the top database's global id is kept once an access provider asked for it (fql/eval/providers.py).
TOP_GLOBAL_ID = DocKey("", "#global_id", "")


def _scope_of(txn: Transaction, global_id: str) -> str | None:
    """The scope of the live database with `global_id` (the top database's is kept apart), or None."""
    top = _live(txn, TOP_GLOBAL_ID)
    if top is not None and top.get("global_id") == global_id:
        return ""
    if global_id and _live(txn, DocKey("", SCOPES, global_id)) is not None and scope_alive(txn, global_id):
        return global_id
    return None


def key_location(txn: Transaction, scope: str, key_id: str) -> DocKey:
    """Where the key made in `scope` with id `key_id` is kept now (MoveDatabase may have moved it)."""
    key = DocKey(scope, "#keys", key_id)
    version = txn.get(key)
    if version is not None and version.data is not None:
        return key
    moved = _live(txn, DocKey("", MOVED_KEYS, key_id))
    return key if moved is None else DocKey(moved["scope"], "#keys", key_id)


def _is_root(secret: str, root_secret: str) -> bool:
    """True if `secret` is the root secret (compared in constant time). A lone surrogate, which a query's
    `"\\ud800"` escape or an embedding program's string may hold, is kept as its own bytes, so that such a
    secret is only a wrong one."""
    return hmac.compare_digest(_utf8(secret), _utf8(root_secret))


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


@frozen
class Scope:
    """What follows a secret's first colon: `[<db/path>:](<role> | @role/<name> | @doc/<coll>/<id>)`."""

    path: tuple[str, ...] = ()
    #: A built-in role name, or None.
    role: str | None = None
    #: A user-defined role's name (`@role/name`), or None.
    custom: str | None = None
    #: A document to act as (`@doc/users/123`, legacy `classes/users/123`), or None.
    doc: str | None = None


#: The secret part: core's AuthParser stops at any of these characters.
_SECRET = re.compile(r"[^/,()&=:]+")
#: A database path segment, or a role or document name.
_SEGMENT = re.compile(r"[^,()&=:]+")
#: Built-in roles in the order core's parser tries them (`server-readonly` before `server`).
_PARSE_ROLES = ("admin", "server-readonly", "server", "client")
_DOC_PREFIXES = ("@doc/", "classes/", "collections/")


def parse_scoped(text: str) -> tuple[str, Scope | None]:
    """Split `secret[:scope]` as core's AuthParser does; `unauthorized` if it cannot be parsed.

    A scope that matches no form is ignored (core's parser falls back to the bare secret), so
    `secret:mydb` is the root secret in the top database; a role form followed by other text fails.
    """
    match = _SECRET.match(text)
    if match is None:
        raise _unauthorized()
    base, rest = match.group(), text[match.end() :]
    if not rest:
        return base, None
    if not rest.startswith(":"):
        raise _unauthorized()
    body, path = rest[1:], ()
    database = _SEGMENT.match(body)
    if database is not None and body[database.end() : database.end() + 1] == ":":
        path, body = tuple(database.group().split("/")), body[database.end() + 1 :]
    scope = _role_form(body, path)
    return base, scope


def _role_form(body: str, path: tuple[str, ...]) -> Scope | None:
    """The role or document form at the start of `body`; None if there is none."""
    for role in _PARSE_ROLES:
        if body.startswith(role):
            return _whole(body, role, Scope(path, role=role))
    for prefix in ("@role/", *_DOC_PREFIXES):
        if body.startswith(prefix):
            name = _SEGMENT.match(body, len(prefix))
            if name is None:
                continue
            found = Scope(path, custom=name.group()) if prefix == "@role/" else Scope(path, doc=name.group())
            return _whole(body, prefix + name.group(), found)
    return None


def _whole(body: str, matched: str, scope: Scope) -> Scope:
    if body != matched:
        raise _unauthorized()
    return scope


def _key(txn: Transaction, key: DocKey, secret: str) -> Auth:
    version = txn.get(key)
    data = version.data if version is not None and version.live_at(txn.ts) else None
    if data is None:
        raise _refused(secret)
    if not secrets.matches(secret, data.get("hashed_secret")):
        raise _unauthorized()
    scope = key.scope
    database = data.get("database")
    bound = _live(txn, DocKey("", KEY_DATABASES, key.id))
    if database is not None and bound is not None:
        # Written since fql bound keys by id: the database it was written for, wherever it is now named.
        scope = bound["scope"]
        if not scope_alive(txn, scope) or scope == key.scope or not is_within(txn, key.scope, scope):
            raise _unauthorized()
    elif database is not None:
        scope = _database_scope(txn, key.scope, database)
        entry = DocKey("", SCOPES, scope)
        if txn.get(entry).ts > version.ts and txn.history(entry)[0].ts > version.ts:
            # Core's key holds its database's id: a database made since under the name (its scope's
            # first version is newer; a rename or move writes the scope again) is another one, which the
            # key reaches only once a write names it again (KeySpec "keys can be restored using the root
            # key").
            raise _unauthorized()
    return Auth(_key_roles(data.get("role")), scope, None, key)


def bind_key(txn: Transaction, key: DocKey, data: dict | None, ts: int) -> None:
    """Record the database the key version `data` (written at `key`, at `ts`) is for, by scope id; a key
    for its own database, or deleted, or naming no database there is, records none."""
    database = (data or {}).get("database")
    scope = _database_scope_or_none(txn, key.scope, database) if database is not None else None
    entry = DocKey("", KEY_DATABASES, key.id)
    if scope is not None or _live(txn, entry) is not None:
        txn.put(Version(entry, ts, None if scope is None else {"scope": scope}, None))


def _database_scope_or_none(txn: Transaction, scope: str, database: t.Any) -> str | None:
    try:
        return _database_scope(txn, scope, database)
    except Unauthorized:
        return None


def _key_roles(role: t.Any) -> t.Any:
    """A built-in role name, or the names of a key's user roles (given as names or Role refs)."""
    if isinstance(role, str) and role in BUILTIN_ROLES:
        return role
    roles = role if isinstance(role, list) else [role]
    return tuple(r if isinstance(r, str) else r.id for r in roles)


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
    if data is None:
        raise _refused(secret)
    if not secrets.matches(secret, data.get("hashed_secret")):
        raise _unauthorized()
    identity = identity_key(key.scope, data.get("instance"))
    if identity is None or _live(txn, identity) is None:
        raise _unauthorized()
    return Auth(None, key.scope, identity, key)


def identity_key(scope: str, instance: t.Any) -> DocKey | None:
    """Where a token's `instance` (a ref stored in the token's own database) is stored."""
    coll = getattr(instance, "collection", None)
    if coll is None:
        return None
    return DocKey(scope, coll.id if coll.collection is not None else "#" + coll.id, instance.id)


def _scoped(txn: Transaction, base: Auth, scope: Scope, root: bool = False) -> Auth:
    """An admin secret reaching into a descendant database with a role, or acting as a document.

    As in core, only the root secret and admin keys may name a database or a role; a server key
    may also act as a document of its own database.
    """
    may_act = base.role == "admin" or (scope.doc is not None and not scope.path and base.role == "server")
    if not (root or may_act):
        raise _unauthorized()
    target = base.scope
    for name in scope.path:
        found = child(txn, target, name)
        if found is None:
            raise _unauthorized()
        target = found
    if scope.doc is not None:
        return Auth(None, target, _document(txn, target, scope.doc), base.source)
    if scope.custom is not None:
        if _live(txn, DocKey(target, "#roles", scope.custom)) is None:
            raise _unauthorized()
        return Auth((scope.custom,), target, None, base.source)
    return Auth(scope.role, target, None, base.source)


def _document(txn: Transaction, scope: str, text: str) -> DocKey:
    """`users/123`: a live document of a user collection, which the secret then acts as."""
    coll, _, doc_id = text.partition("/")
    if not coll or not doc_id.isdigit() or _live(txn, DocKey(scope, "#collections", coll)) is None:
        raise _unauthorized()
    key = DocKey(scope, coll, doc_id)
    if _live(txn, key) is None:
        raise _unauthorized()
    return key
