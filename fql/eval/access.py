"""Permission checks: may the caller read, write, create, delete or call this? (core Permissions.scala).

Built-in roles answer from the kind of document and the scope; roles defined with CreateRole (ABAC)
answer through `roles.allows`. A denial is `permission denied` and, like every error, undoes the query.
"""

from __future__ import annotations

import typing as t

from ..auth import access as auth_access
from ..errors import PermissionDenied
from ..storage.base import DocKey
from .evaluator import Context

#: Documents only admin keys may see or touch (core: RootClassIDs).
ROOT_KINDS = frozenset({"#databases", "#keys", "#roles", "#access_providers"})
#: Actions that only read.
READS = frozenset({"read", "read_index", "history_read", "unrestricted_read"})

DENIED = "Insufficient privileges to perform the action."


def _in_scope(ctx: Context, scope: str) -> bool:
    own = ctx.state.auth.scope
    return scope == own or auth_access.is_within(ctx.state.txn, own, scope)


def allowed(ctx: Context, action: str, key: DocKey, args: tuple = ()) -> bool:
    """True if the caller may do `action` on the document `key` (for read_index: the index or collection).

    `args` are what an ABAC predicate of this action receives (the ref, old and new data, terms...).
    """
    state = ctx.state
    if state.unchecked:
        return True
    auth = state.auth
    role = auth.role
    reading = action in READS or action == "call"
    if role == "admin":
        return _in_scope(ctx, key.scope) if reading else key.scope == auth.scope
    if key.coll in ROOT_KINDS and role in ("server", "server-readonly", None):
        return False
    if role == "server":
        return _in_scope(ctx, key.scope) if reading else key.scope == auth.scope
    if role == "server-readonly":
        return action in READS and _in_scope(ctx, key.scope)
    if key.scope != auth.scope:
        return False
    if auth.is_token and _own(ctx, action, key):
        return True
    if role == "client":
        return _public(ctx, action, key)
    from . import roles

    return roles.allows(ctx, action, key, args)


def _own(ctx: Context, action: str, key: DocKey) -> bool:
    """Any token may read its identity document and its credentials, and read or delete itself."""
    auth = ctx.state.auth
    if key == auth.source:
        return action in ("read", "delete")
    if key == auth.identity:
        return action == "read"
    if key.coll == "#credentials" and action == "read":
        from .auth import credentials_of

        creds = credentials_of(ctx, auth.identity)
        return creds is not None and creds.key == key
    return False


def _public(ctx: Context, action: str, key: DocKey) -> bool:
    """v4's legacy `permissions: {read: "public"}` on an index or collection opens it to client keys."""
    if action != "read_index" or key.coll not in ("#indexes", "#collections"):
        return False
    version = ctx.state.txn.get(key)
    permissions = (version.data or {}).get("permissions") if version is not None else None
    return isinstance(permissions, dict) and permissions.get("read") == "public"


def require(ctx: Context, action: str, key: DocKey, args: tuple = (), *path: str | int) -> None:
    """Raise `permission denied` (at `path`) unless `allowed`."""
    if not allowed(ctx, action, key, args):
        raise PermissionDenied(DENIED).at(*path)


def unchecked(ctx: Context) -> t.ContextManager[None]:
    """Run internal reads (predicates, bookkeeping) without permission checks."""
    return _Unchecked(ctx)


class _Unchecked:
    def __init__(self, ctx: Context):
        self.state = ctx.state
        self.before = False

    def __enter__(self) -> None:
        self.before = self.state.unchecked
        self.state.unchecked = True

    def __exit__(self, *exc: t.Any) -> None:
        self.state.unchecked = self.before
