"""User-defined roles (ABAC): CreateRole, membership of tokens, and privileges with predicate lambdas."""

from __future__ import annotations

import typing as t

from ..errors import FQLError
from ..storage.base import DocKey
from ..values import Lambda, Ref, native, type_name
from .casts import OBJECT
from .evaluator import Context
from .refs import live, ref_of
from .registry import builtin
from .schema import _FIELDS, _failure, _name, _ordered, create_native

_ROLE_ORDER = ("name", "membership", "privileges", "data")
#: The privilege action each checked action needs (`read_index` is reading an index or a collection's set).
_ACTION_NAMES = {"read_index": "read"}
#: Actions a privilege may grant.
ACTIONS = ("read", "write", "create", "create_with_id", "delete", "history_read", "history_write",
           "unrestricted_read", "call")


def _role_fields(ctx: Context, params: dict) -> dict:
    fields = dict(params)
    fields["name"] = _name(params)
    privileges = fields.get("privileges", [])
    privileges = privileges if isinstance(privileges, list) else [privileges]
    for p in privileges:
        if not isinstance(p, dict) or not isinstance(p.get("resource"), Ref) or not isinstance(p.get("actions", {}), dict):
            raise _failure("privileges", "invalid type", f"Invalid type {type_name(p)}, expected type Object.")
        for action, grant in p.get("actions", {}).items():
            if action not in ACTIONS or not isinstance(grant, (bool, Lambda)):
                raise _failure("privileges", "invalid value", f"Invalid action '{action}'.")
    membership = fields.get("membership")
    if membership is not None:
        members = membership if isinstance(membership, list) else [membership]
        for m in members:
            if not isinstance(m, dict) or not isinstance(m.get("resource"), Ref):
                raise _failure("membership", "invalid type", f"Invalid type {type_name(m)}, expected type Object.")
    fields["privileges"] = privileges
    return _ordered(fields, _ROLE_ORDER)


_FIELDS["roles"] = _role_fields


@builtin("CreateRole", keys=("create_role",), types=(OBJECT,))
def create_role(ctx: Context, params: dict) -> dict:
    """Create a role: `{name, membership?: [{resource, predicate?}], privileges: [{resource, actions}]}`."""
    return create_native(ctx, native("roles"), params, "create_role")


def _roles(ctx: Context) -> list[dict]:
    """The roles that apply to the caller: a key's named roles, or those whose membership has the token."""
    auth = ctx.state.auth
    cache = ctx.state.cache
    slot = ("roles", auth.role, auth.identity)
    if slot in cache:
        return cache[slot]
    found: list[dict] = []
    if isinstance(auth.role, tuple):
        for name in auth.role:
            version = live(ctx, DocKey(auth.scope, "#roles", name))
            if version is not None:
                found.append(version.data)
    elif auth.identity is not None:
        identity = ref_of(ctx, auth.identity)
        for version in ctx.state.txn.scan(auth.scope, "#roles"):
            if version.live_at(ctx.state.ts) and _member(ctx, version.data, identity):
                found.append(version.data)
    cache[slot] = found
    return found


def _member(ctx: Context, role: dict, identity: Ref) -> bool:
    members = role.get("membership") or []
    for m in members if isinstance(members, list) else [members]:
        if m.get("resource") == identity.collection and _predicate(ctx, m.get("predicate", True), (identity,)):
            return True
    return False


def _predicate(ctx: Context, grant: t.Any, args: tuple) -> bool:
    """A grant is `true`, or a lambda of the action's arguments that must return `true`."""
    if grant is True:
        return True
    if not isinstance(grant, Lambda):
        return False
    from .access import unchecked

    params = grant.params
    arg = args[0] if isinstance(params, str) else list(args[: len(params)])
    if not isinstance(params, str) and len(params) > len(args):
        arg = list(args) + [None] * (len(params) - len(args))
    try:
        with unchecked(ctx):
            return ctx.apply(grant, arg) is True
    except FQLError:
        return False


def _resource(key: DocKey, action: str) -> Ref:
    """The privilege resource that governs `key`: its collection, or the index/function itself."""
    if action in ("read_index", "call") and key.coll in ("#indexes", "#collections", "#functions"):
        return Ref(key.id, native(key.coll[1:]))
    if action == "read_index" and key.coll.startswith("#"):
        return native(key.coll[1:])
    if key.coll.startswith("#"):
        return native(key.coll[1:])
    return Ref(key.coll, native("collections"))


def allows(ctx: Context, action: str, key: DocKey, args: tuple) -> bool:
    """True if one of the caller's roles grants `action` on `key`'s resource."""
    resource = _resource(key, action)
    name = _ACTION_NAMES.get(action, action)
    for role in _roles(ctx):
        for privilege in role.get("privileges", []):
            if _same(privilege.get("resource"), resource):
                grant = privilege.get("actions", {}).get(name, False)
                if name == "read" and action == "read_index" and not grant:
                    grant = privilege.get("actions", {}).get("unrestricted_read", False)
                if _predicate(ctx, grant, args):
                    return True
    return False


def _same(a: t.Any, b: Ref) -> bool:
    """Resources compare by id and collection; the database part is relative and both are local."""
    return isinstance(a, Ref) and a.id == b.id and (a.collection and a.collection.id) == (b.collection and b.collection.id)

