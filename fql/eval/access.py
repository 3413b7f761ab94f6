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
#: `state.unchecked` while a role predicate runs: reads are allowed, writes are not.
PREDICATE = "predicate"
#: Actions that only read.
READS = frozenset({"read", "read_index", "history_read", "unrestricted_read"})

DENIED = "Insufficient privileges to perform the action."
#: The built-in roles shown every log line and trace frame of a query, those of function bodies, computed
#: fields and predicates too: core's Logging action, which admin, server and server-readonly permissions
#: allow in their scope and no user role grants (Permissions.scala, `Logging(scope)`).
LOGGING_ROLES = frozenset({"admin", "server", "server-readonly"})


def may_see_logs(auth: auth_access.Auth) -> bool:
    """True if the caller sees the logs and trace frames of stored code (`LOGGING_ROLES`)."""
    return auth.role in LOGGING_ROLES


def _in_scope(ctx: Context, scope: str) -> bool:
    own = ctx.state.auth.scope
    return scope == own or auth_access.is_within(ctx.state.txn, own, scope)


def allowed(ctx: Context, action: str, key: DocKey, args: tuple = ()) -> bool:
    """True if the caller may do `action` on the document `key` (for read_index: the index or collection).

    `args` are what an ABAC predicate of this action receives (the ref, old and new data, terms...).
    """
    state = ctx.state
    reading = action in READS or action == "call"
    if state.unchecked:
        if state.unchecked != PREDICATE:
            return True
        # A role predicate only reads, and a function it calls too (core's "auth predicates" effect
        # limit); the predicate itself reads as core's InternalReadOnlyPermissions, a function with a
        # role that it calls as that role (below).
        if not reading:
            return False
        if state.auth is state.predicate_auth:
            return _predicate_may(action, key)
    auth = state.auth
    role = auth.role
    if role == "admin":
        return _in_scope(ctx, key.scope) if reading else key.scope == auth.scope
    if key.coll in ROOT_KINDS and role in ("server", "server-readonly"):
        return False
    if role == "server":
        return _in_scope(ctx, key.scope) if reading else key.scope == auth.scope
    if role == "server-readonly":
        return action in READS and _in_scope(ctx, key.scope)
    if key.scope != auth.scope:
        return False
    if auth.identity is not None and _own(ctx, action, key):
        return True
    if role == "client":
        return _public(ctx, action, key)
    from . import roles

    return roles.allows(ctx, action, key, args)


def _predicate_may(action: str, key: DocKey) -> bool:
    """A role predicate reads documents and sets and calls functions, but neither reads history nor sees
    the documents only admin keys see (core's InternalReadOnlyPermissions: HistoryRead is refused, and
    canRead refuses RootClassIDs)."""
    return action == "call" or (action != "history_read" and key.coll not in ROOT_KINDS)


def _own(ctx: Context, action: str, key: DocKey) -> bool:
    """An identity may read its credentials and read or delete its tokens (core baseline), and, in a v4
    query, read its own document while it is a member of no role."""
    auth = ctx.state.auth
    if key == auth.identity:
        # Core grants only credentials and tokens (FQL2ABACSpec "defaults no access to logged in user");
        # v4 drivers' tests read the identity with a role-less token, so fql adds it to v4 queries, but
        # only while no role applies: a member of a role is judged by its roles alone, as in core
        # (fauna-blueprints' email-verification expects a denial there).
        if action != "read" or ctx.state.v10:
            return False
        from . import roles

        return not roles.roles_of(ctx)
    if key.coll == "#tokens" and action in ("read", "delete"):
        return key == auth.source or _instance_of(ctx, key) == auth.identity
    if key.coll == "#credentials" and action == "read":
        return _instance_of(ctx, key) == auth.identity
    return False


def _instance_of(ctx: Context, key: DocKey) -> DocKey | None:
    """The identity a token or credentials document belongs to."""
    version = ctx.state.txn.get(key)
    if version is None or not version.live_at(ctx.state.ts):
        return None
    return auth_access.identity_key(key.scope, version.data.get("instance"))


def _public(ctx: Context, action: str, key: DocKey) -> bool:
    """v4's legacy `permissions: {read: "public"}` on an index or collection opens it to client keys."""
    if action not in ("read_index", "unrestricted_read") or key.coll not in ("#indexes", "#collections"):
        return False
    version = ctx.state.txn.get(key)
    permissions = (version.data or {}).get("permissions") if version is not None else None
    return isinstance(permissions, dict) and permissions.get("read") == "public"


def require(ctx: Context, action: str, key: DocKey, args: tuple = (), *path: str | int) -> None:
    """Raise `permission denied` (at `path`) unless `allowed`."""
    if not allowed(ctx, action, key, args):
        raise PermissionDenied(DENIED).at(*path)


def unchecked(ctx: Context, mode: t.Any = True) -> t.ContextManager[None]:
    """Run internal reads (predicates, bookkeeping) without permission checks; PREDICATE allows reads only."""
    return _Unchecked(ctx, mode)


class _Unchecked:
    def __init__(self, ctx: Context, mode: t.Any):
        self.state = ctx.state
        self.mode = mode
        self.before: t.Any = False
        self.auth: t.Any = None

    def __enter__(self) -> None:
        self.before = self.state.unchecked
        self.auth = self.state.predicate_auth
        if self.mode == PREDICATE:
            self.state.predicate_auth = self.state.auth
        # A predicate inside bookkeeping keeps the stricter mode of the two.
        self.state.unchecked = PREDICATE if PREDICATE in (self.before, self.mode) else self.mode

    def __exit__(self, *exc: t.Any) -> None:
        self.state.unchecked = self.before
        self.state.predicate_auth = self.auth
