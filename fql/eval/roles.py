"""User-defined roles (ABAC): CreateRole, membership of tokens, and privileges with predicate lambdas."""

from __future__ import annotations

import typing as t

from ..errors import FQLError, TooMuchCompute, ValidationFailed
from ..storage.base import DocKey, Version
from ..values import V10_NATIVE_NAMES, Document, Lambda, Ref, Timestamp, ir_type_name, native
from . import aliases, versions
from .casts import OBJECT
from .documents import elide_nulls
from .evaluator import Context
from .refs import live, ref_of
from .registry import builtin
from .schema import _FIELDS, _failure, _is_collection_ref, _name, _ordered, create_native

_ROLE_ORDER = ("name", "membership", "privileges", "data")
#: Actions a privilege may grant.
ACTIONS = ("read", "write", "create", "create_with_id", "delete", "history_read", "history_write",
           "unrestricted_read", "call")


def _role_fields(ctx: Context, params: dict) -> dict:
    # A v10 write is stored without the nulls in its objects, at any depth, once its types are checked
    # (core's Schema.validateAndTransform, `data.elideNulls`): `actions: { read: null }` grants nothing.
    fields = elide_nulls(params) if ctx.state.v10 else dict(params)
    fields["name"] = _name(params)
    membership = fields.get("membership")
    if membership is not None:
        members = membership if isinstance(membership, list) else [membership]
        for m in members:
            _check_membership(m)
        _check_roles_per_member(ctx, fields["name"], members)
        if not ctx.state.v10:
            fields["membership"] = _known_member_fields(membership)
    privileges = fields.get("privileges")
    if privileges is not None:
        for p in privileges if isinstance(privileges, list) else [privileges]:
            _check_privilege(p)
        if not ctx.state.v10:
            fields["privileges"] = _known_actions(privileges)
    _check_arities(fields)
    # Kept as given, one privilege or an array of them, as membership is (core stores what it was given;
    # none given, none stored: core's privileges field is ZeroOrMore).
    return _ordered(fields, _ROLE_ORDER)


#: Core's limit on the roles whose membership names one collection (Role.MaxRolesPerCollection).
MAX_ROLES_PER_MEMBER = 64


class _RolesExceeded(ValidationFailed):
    """Core names the failing field by the error's own position (its ResourcesExceeded(pos.toPath, ...))."""

    def at(self, *path: str | int) -> FQLError:
        super().at(*path)
        self.failures[0]["field"] = list(self.position)
        return self


def _check_roles_per_member(ctx: Context, name: str, members: list) -> None:
    """Refuse a role that would be one too many for a collection in its membership."""
    resources = [m["resource"] for m in members if isinstance(m["resource"], Ref)]
    counts = [1] * len(resources)
    for version in ctx.state.txn.scan(ctx.state.scope, "#roles"):
        if not version.live_at(ctx.state.ts) or version.data.get("name") == name:
            continue
        others = version.data.get("membership") or []
        others = others if isinstance(others, list) else [others]
        for i, resource in enumerate(resources):
            counts[i] += any(isinstance(m, dict) and _same(m.get("resource"), resource) for m in others)
    if any(count > MAX_ROLES_PER_MEMBER for count in counts):
        limit = MAX_ROLES_PER_MEMBER
        description = f"Maximum number of roles per membership class exceeded. Maximum allowed: {limit}."
        failure = {"field": [], "code": "resources exceeded", "description": description}
        raise _RolesExceeded("document data is not valid.", failures=[failure])


def _record_failure(value: t.Any, field: list[str], expected: str) -> ValidationFailed:
    """A failure inside a privilege or membership: core decodes each with a record codec whose fields
    are read from the record itself, so the failure names the field alone (`["resource"]`, not
    `["privileges", "resource"]`; FieldType.RecordCodec's Field.read of the record's map)."""
    if value is None:
        failure = {"field": field, "code": "value required", "description": "Required value not found."}
    else:
        description = f"Invalid type {ir_type_name(value)}, expected type {expected}."
        failure = {"field": field, "code": "invalid type", "description": description}
    return ValidationFailed("document data is not valid.", failures=[failure])


def _check_membership(m: t.Any) -> None:
    """Core's Membership record: `resource` a collection (CollectionIDT, `Class Ref`) or a v10 name,
    `predicate` optional, a v4 query or v10 source (Role.scala)."""
    if not isinstance(m, dict):
        raise _failure("membership", "invalid type", f"Invalid type {ir_type_name(m)}, expected type Membership.")
    resource = m.get("resource")
    if not (isinstance(resource, str) or _is_collection_ref(resource)):
        raise _record_failure(resource, ["resource"], "Class Ref")
    predicate = m.get("predicate")
    if predicate is not None and not isinstance(predicate, (Lambda, str)):
        raise _record_failure(predicate, ["predicate"], "Query")


def _check_privilege(p: t.Any) -> None:
    """Core's Privilege record: `resource` any ref (DocIDT, `Ref`) or a v10 name, then `actions`, an
    optional map of grants (RoleActionFieldType: true, false, a v4 query or v10 source). Only the known
    actions are read: core's mask drops the others before its validators see them."""
    if not isinstance(p, dict):
        raise _failure("privileges", "invalid type", f"Invalid type {ir_type_name(p)}, expected type Privilege.")
    resource = p.get("resource")
    if not isinstance(resource, (Ref, str)):
        raise _record_failure(resource, ["resource"], "Ref")
    actions = p.get("actions")
    if actions is None:
        return
    if not isinstance(actions, dict):
        raise _record_failure(actions, ["actions"], "RoleAction Map")
    for action, grant in actions.items():
        if action in ACTIONS and not isinstance(grant, (bool, Lambda, str)):
            raise _record_failure(grant, ["actions", action], "RoleAction")


#: The arity each action's predicate must have (core's Privilege.ActionFieldsConfig).
ACTION_ARITIES = {"read": 1, "write": 2, "create": 1, "create_with_id": 2, "delete": 1, "history_write": 4,
                  "history_read": 1, "unrestricted_read": 1, "call": 1}


def _declared_arity(fn: Lambda) -> int | None:
    """A v4 predicate's arity as core's PredicateValidator counts it; None for `_`, which fits any."""
    if isinstance(fn.params, list):
        return len(fn.params)
    return None if fn.params == "_" else 1


def _check_arities(fields: dict) -> None:
    """Core's PredicateValidator reads `privileges.actions.<action>` and `membership.predicate` as paths
    through objects only: a privilege or membership given alone (not in an array) has its predicates'
    arities checked, one failure each, privileges' actions first (Role.VersionValidator's order)."""
    found: list[tuple[list[str], t.Any, int]] = []
    privilege, member = fields.get("privileges"), fields.get("membership")
    if isinstance(privilege, dict) and isinstance(privilege.get("actions"), dict):
        actions = privilege["actions"]
        found += [(["privileges", "actions", a], actions.get(a), n) for a, n in ACTION_ARITIES.items()]
    if isinstance(member, dict):
        found.append((["membership", "predicate"], member.get("predicate"), 1))
    failures = []
    for path, fn, wanted in found:
        arity = _declared_arity(fn) if isinstance(fn, Lambda) and fn.api_version != "10" else None
        if arity is not None and arity != wanted:
            description = f"Found lambda with arity {arity} expected {wanted}"
            failures.append({"field": path, "code": "invalid arity", "description": description})
    if failures:
        raise ValidationFailed("document data is not valid.", failures=failures)


def _known_actions(privileges: t.Any) -> t.Any:
    """Privileges as a v4 write stores them: a privilege's `resource` and `actions`, only the actions
    core's mask keeps, and no `actions` left empty (Privilege.fieldsMask; MaskTree.select drops a map
    it empties)."""
    if isinstance(privileges, list):
        return [_known_actions(p) for p in privileges]
    privileges = {k: v for k, v in privileges.items() if k in ("resource", "actions")}
    actions = privileges.get("actions")
    if not isinstance(actions, dict):
        return privileges
    kept = {k: v for k, v in actions.items() if k in ACTIONS}
    if kept:
        return {**privileges, "actions": kept}
    return {k: v for k, v in privileges.items() if k != "actions"}


def _known_member_fields(membership: t.Any) -> t.Any:
    """Membership as a v4 write stores it: each entry's `resource` and `predicate` alone (core's
    Membership.fieldsMask)."""
    if isinstance(membership, list):
        return [_known_member_fields(m) for m in membership]
    return {k: v for k, v in membership.items() if k in ("resource", "predicate")}


_FIELDS["roles"] = _role_fields


@builtin("CreateRole", keys=("create_role",), types=(OBJECT,))
def create_role(ctx: Context, params: dict) -> dict:
    """Create a role: `{name, membership?: [{resource, predicate?}], privileges: [{resource, actions}]}`."""
    check_v4_role(params, "create_role")
    return create_native(ctx, native("roles"), params, "create_role")


def check_v4_role(params: t.Any, *path: str | int) -> None:
    """A v4 write of a role names resources by ref and gives predicates as lambdas: the names and
    predicate source a v10 role holds are v10's only (core's FQL2RoleSpec "fql4 prevents ... string").
    Core's Privileges- and MembershipsFQL4FormatValidator read the decoded records, so a record that
    fails to decode fails first; then every string is a failure, privileges' before memberships', each
    naming the field without an index into an array."""
    from .documents import without_nulls

    if not isinstance(params, dict):
        return
    given = without_nulls({k: params.get(k) for k in ("membership", "privileges")})
    members, privileges = _listed(given.get("membership")), _listed(given.get("privileges"))
    try:
        for m in members:
            _check_membership(m)
        for p in privileges:
            _check_privilege(p)
    except ValidationFailed as err:
        raise err.at(*path) from None
    found: list[tuple[list, t.Any, str]] = []
    for p in privileges:
        found.append((["privileges", "resource"], p["resource"], "Ref"))
        actions = p.get("actions") or {}
        found += [(["privileges", "actions", a], g, "Query") for a, g in actions.items() if a in ACTIONS]
    for m in members:
        found += [(["membership", "resource"], m["resource"], "Ref"), (["membership", "predicate"], m.get("predicate"), "Query")]
    failures = [
        {"field": where, "code": "invalid type", "description": f"Invalid type String, expected type {want}."}
        for where, value, want in found
        if isinstance(value, str)
    ]
    if failures:
        raise ValidationFailed("document data is not valid.", failures=failures).at(*path)


def _listed(value: t.Any) -> list:
    """A role's privileges or membership as a list: none, one given alone, or the array given."""
    return [] if value is None else value if isinstance(value, list) else [value]


def roles_of(ctx: Context) -> list[dict]:
    """The roles that apply to the caller: a key's named roles, those whose membership has the token's
    identity, or a JWT's: its access provider's roles, each with no predicate or one that accepts the
    JWT's claims (core's JWTToken.getRoles)."""
    auth = ctx.state.auth
    cache = ctx.state.cache
    slot = ("roles", auth.role, auth.identity, auth.provider)
    if slot in cache:
        return cache[slot]
    found: list[dict] = []
    if auth.provider is not None:
        found = provider_roles(ctx, auth.provider, auth.claims)
    elif isinstance(auth.role, tuple):
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


def provider_roles(ctx: Context, provider: DocKey, claims: t.Any) -> list[dict]:
    version = live(ctx, provider)
    found = []
    given = (version.data.get("roles") or []) if version is not None else []
    # One role may be given alone, by name or as `{ role, predicate }` (core's FQL2AccessProviderSpec).
    for entry in given if isinstance(given, list) else [given]:
        role, predicate = (entry.get("role"), entry.get("predicate", True)) if isinstance(entry, dict) else (entry, True)
        name = role.id if isinstance(role, Ref) else role
        stored = live(ctx, DocKey(provider.scope, "#roles", name)) if isinstance(name, str) else None
        if stored is not None and (predicate is None or _predicate(ctx, predicate, claims)):
            found.append(stored.data)
    return found


def _member(ctx: Context, role: dict, identity: Ref) -> bool:
    members = role.get("membership") or []
    for m in members if isinstance(members, list) else [members]:
        predicate = m.get("predicate")
        if _same(m.get("resource"), identity.collection) and (predicate is None or _predicate(ctx, predicate, identity)):
            return True
    return False


def _predicate(ctx: Context, grant: t.Any, value: t.Any) -> bool:
    """A grant is `true`, or a lambda that must return `true` for the action's argument `value`.

    As in core, a predicate that fails (an error, or an attempt to write) denies.
    """
    if grant is True:
        return True
    if isinstance(grant, str):
        return _v10_predicate(ctx, grant, [value])
    if not isinstance(grant, Lambda):
        return False
    if grant.api_version != "10" and not _v4_value(value):
        # A v4 predicate gets v4 values; a v10 function or set has none, and core denies the action
        # (FQL2UserFunctionSpec "FQLX values can be passed to FQLX functions, with an FQL4 role").
        return False
    from .access import PREDICATE, unchecked

    # Core evaluates a v4 predicate at its lambda's own API version (LambdaWrapper.evalPredicate's
    # EvalContext takes lambda.apiVersion), whatever the request's.
    state = ctx.state
    outer = state.api_version
    if grant.api_version in versions.ORDER:
        state.api_version = grant.api_version
    try:
        with unchecked(ctx, PREDICATE):
            return ctx.apply(grant, value) is True
    except TooMuchCompute:
        raise  # fatal: not the predicate's failure (core's TxnTooManyComputeOpsException)
    except FQLError:
        return False
    finally:
        state.api_version = outer


def _v4_value(value: t.Any) -> bool:
    """False for a value (or one inside it) that only v10 has: a function or a set."""
    from .v10.misc import is_function
    from .v10.sets import V10Set

    if isinstance(value, list):
        return all(_v4_value(v) for v in value)
    if isinstance(value, dict):
        return all(_v4_value(v) for v in value.values())
    return not (isinstance(value, V10Set) or (is_function(value) and getattr(value, "api_version", "10") == "10"))


def _v10_predicate(ctx: Context, source: str, arguments: list) -> bool:
    """A v10 role's predicate, `"(doc) => doc.owner == Query.identity()"`: its lambda called with v10
    values (`_v10_arguments`); refs among them are read as documents. As in core, one that fails denies."""
    from ..parse import parse
    from .access import PREDICATE, unchecked
    from .v10.expressions import call_function, evaluate_program

    # Its log lines are unnamed: fql does not know the role and action core names them by.
    before, ctx.state.log_source = ctx.state.log_source, (None, source, len(ctx.state.udf_stack))
    try:
        with unchecked(ctx, PREDICATE):
            cache = ctx.state.cache.setdefault("v10_predicates", {})
            if source not in cache:
                cache[source] = evaluate_program(parse(source, "v10"), Context(ctx.state))
            values = [_v10_argument(ctx, value) for value in arguments]
            return call_function(ctx, cache[source], values) is True
    except TooMuchCompute:
        raise  # fatal, as above
    except FQLError:
        return False
    finally:
        ctx.state.log_source = before


def _v10_argument(ctx: Context, value: t.Any) -> t.Any:
    """A predicate's argument as v10 sees it: a ref is read as its document, a schema ref (a collection,
    function or role) as its definition, which core's schema predicates read (`ref => ref.name == "Foo"`)."""
    from .v10.documents import read
    from .v10.expressions import deref

    if isinstance(value, Ref) and value.is_schema:
        return read(ctx, value, stamped=False)
    return deref(ctx, value) if isinstance(value, Ref) else value


def _v10_arguments(ctx: Context, action: str, args: tuple, key: DocKey | None = None) -> list:
    """What a v10 predicate of `action` is called with: the document (read, delete, history), the new
    document's fields (create), the fields before and after (write), or the function's arguments (call).

    Callers give: read/delete/history_read `(ref,)`; create `(data,)`; create_with_id `(ref, data)`;
    write `(old, new, ref)`, each rendered `{ref, ts, data...}`; call `(arguments,)`; history_write
    `([ref, ts, action, data],)`.
    """
    # A schema or native document's fields are its own (`Collection.create({ name })`), not under `data`.
    native = key is not None and key.coll.startswith("#")
    if action == "write":
        old, new, ref = (list(args) + [None] * 3)[:3]
        if native:
            from .v10.documents import native_fields

            fields = [native_fields(key.coll[1:], _fields(version)) for version in (old, new)]
            if not isinstance(ref, Ref) or not all(isinstance(version, dict) for version in (old, new)):
                return fields
            # Core's WriteInstance passes the document and the document as written (Value.Doc with the
            # new version in place): a schema or native document's `coll` and `ts` read as its fields do.
            stored = old.get("ts")
            before = Timestamp.from_micros(stored) if isinstance(stored, int) else None
            return [_native_document(ctx, ref, fields[0], old, before), _native_document(ctx, ref, fields[1], new)]
        return [_as_document(ctx, key, old, ref), _as_document(ctx, key, new, ref)]
    if action == "create_with_id":
        ref, data = (list(args) + [None] * 2)[:2]
        if native and isinstance(data, dict):
            # Core's CreateInstanceWithID passes the new document too (Value.Doc of the version).
            return [_new_native(ctx, data, ref)]
        return [_as_document(ctx, key, data, ref)]
    if action == "create":
        data, ref = (list(args) + [None] * 2)[:2]
        if native and isinstance(data, dict):
            return [_new_native(ctx, data, ref)]
        return [_as_document(ctx, key, data, ref)]
    if action == "call":
        # A v4 Call's arguments spread over the lambda (`[]` none), anything else, null too, is its one
        # argument (core's LambdaWrapper.v4ToV10Args).
        value = args[0] if args else []
        return list(value) if isinstance(value, list) else [value]
    if action == "history_write" and args and isinstance(args[0], list):
        # The event `[ref, ts, action, data]` is spread over the lambda's four parameters, as core
        # spreads an array argument for a lambda that has parameters (LambdaWrapper.v4ToV10Args).
        return list(args[0])
    return [args[0] if args else None]


def _new_native(ctx: Context, given: dict, ref: t.Any) -> t.Any:
    """A key, token, credential or schema document a v10 create makes, as its predicate sees it: the new
    document (core's CreateInstance passes Value.Doc with the version to be written), its fields as given
    (`document`, not the `instance` fql stores), its id the one made or given (a schema document's its
    name), its `ts` the transaction's. Fields alone for a document with nothing to name it (a schema
    document's create without a name)."""
    if not isinstance(ref, Ref):
        return dict(given)
    return _native_document(ctx, ref, {k: v for k, v in given.items() if k not in ("id", "ttl")}, given)


def _native_document(ctx: Context, ref: Ref, fields: dict, version: dict, ts: Timestamp | None = None) -> Document:
    """`fields` of the native or schema document `ref` as a v10 predicate sees them: a document, its `ts`
    the given one or the transaction's, its `ttl` the version's, current as of this query's writes."""
    ttl = version.get("ttl")
    if ts is None:
        ts = ctx.state.transaction_time(Timestamp.from_micros(ctx.state.ts))
    doc = Document(ref, ts, fields, ttl if isinstance(ttl, Timestamp) else None)
    doc.gen = ctx.state.write_gen
    return doc


def _as_document(ctx: Context, key: DocKey | None, rendered: t.Any, ref: t.Any) -> t.Any:
    """A user document's version as a v10 predicate sees it: the document itself, as core passes it
    (Value.Doc, the one being written with the new version in place), so its `id`, `coll` and `ts` read as
    its fields do. A version with no ref to name it is only its fields (`_doc_like`)."""
    from .v10.documents import to_document

    if not isinstance(rendered, dict):
        return rendered
    if not isinstance(ref, Ref):
        ref = rendered.get("ref")
    if key is None or not isinstance(ref, Ref) or not ref.id:
        return _doc_like(rendered, ref)
    ts = rendered.get("ts")
    fields = {name: rendered[name] for name in ("data", "ttl") if name in rendered}
    version = Version(DocKey(key.scope, key.coll, ref.id), ts if isinstance(ts, int) else ctx.state.ts, fields)
    return to_document(ctx, version)


def _doc_like(rendered: t.Any, ref: t.Any) -> t.Any:
    """A version as a v10 predicate sees it (core passes the document): its fields, its `id`, and `data`,
    all its fields again (`new.owner` and `new.data.owner` both read)."""
    fields = _user_fields(rendered)
    if not isinstance(fields, dict):
        return fields
    if not isinstance(ref, Ref) and isinstance(rendered, dict):
        ref = rendered.get("ref")
    out = dict(fields)
    if isinstance(ref, Ref) and ref.id.isdigit():
        from ..values import ID

        out = {"id": ID(ref.id), **out}
    out["data"] = dict(fields)
    return out


def _user_fields(rendered: t.Any) -> t.Any:
    """A v4-shaped document or params (`{data: {...}}`) as v10 sees a document's fields."""
    if not isinstance(rendered, dict):
        return rendered
    data = rendered.get("data")
    return dict(data) if isinstance(data, dict) else {}


class V10Arguments(list):
    """The arguments of a v10 call `f(a, b)`: core's CallFunction holds them as values, not as one v4
    array, and a v4 predicate gets them one per parameter (`_v4_call_arguments`)."""


def _v4_call_arguments(values: V10Arguments, grant: t.Any) -> t.Any:
    """A v10 call's arguments as a v4 predicate gets them: as many as it has parameters, and the one
    alone for a lambda of one bare parameter (`Lambda("x", ...)`), else an array (core's
    LambdaWrapper.v10ToV4Args zips the lambda's parameter names with the arguments)."""
    picked = list(values[: _arity(grant)])
    if len(picked) == 1 and not isinstance(getattr(grant, "params", None), list):
        return picked[0]
    return picked


def _arity(grant: t.Any) -> int:
    params = grant.params if isinstance(grant, Lambda) else None
    return len(params) if isinstance(params, list) else 1


def _argument(action: str, key: DocKey, args: tuple, grant: t.Any) -> t.Any:
    """The one value core passes the v4 predicate `grant` of `action` (core RoleEvalAction.lambdaArgs).

    Callers give: read/delete/history_read `(ref,)`; create `(data,)`; create_with_id `(ref, data)`;
    write `(old, new, ref)`; call `(arguments,)`; an index read `(terms,)`.
    """
    arity = _arity(grant)
    if action == "write":
        old, new, ref = (list(args) + [None] * 3)[:3]
        old = _fields(old)
        return [old, new, ref] if arity == 3 else [old, new]
    if action == "create_with_id":
        ref, data = (list(args) + [None] * 2)[:2]
        return data if arity == 1 else [data, ref]
    if action == "call":
        # Core's CallFunction passes Call's `arguments` as they came: the drivers send one argument
        # bare (`Call(f, ref)`, `Call(f, null)`), so a one-parameter predicate gets the ref; no arguments
        # are `[]`.
        value = args[0] if args else []
        if isinstance(value, V10Arguments):
            return _v4_call_arguments(value, grant)
        return value
    if action in ("read_index", "unrestricted_read") and key.coll == "#indexes":
        value = args[0] if args else None
        return [] if value is None else value if isinstance(value, list) else [value]
    return args[0] if args else None


def _fields(version: t.Any) -> t.Any:
    """A document as a write predicate sees it: its stored fields, without `ref` and `ts`."""
    if not isinstance(version, dict):
        return version
    return {k: v for k, v in version.items() if k not in ("ref", "ts")}


def _resource(key: DocKey, action: str) -> Ref:
    """The privilege resource that governs `key`: its collection, or the index/function itself.

    A whole native collection (`Documents(Collections())`) has no id: its resource is the native collection.
    """
    reads = action in ("read_index", "unrestricted_read", "call")
    if reads and key.id and key.coll in ("#indexes", "#collections", "#functions"):
        return Ref(key.id, native(key.coll[1:]))
    if key.coll.startswith("#"):
        return native(key.coll[1:])
    return Ref(key.coll, native("collections"))


def _grants(ctx: Context, resource: Ref, name: str) -> t.Iterator[t.Any]:
    """The grants of action `name` on `resource` in the caller's roles."""
    for role in roles_of(ctx):
        privileges = role.get("privileges") or []
        for privilege in privileges if isinstance(privileges, list) else [privileges]:
            if _same(_named(ctx, privilege.get("resource")), resource):
                yield (privilege.get("actions") or {}).get(name, False)


def _named(ctx: Context, resource: t.Any) -> t.Any:
    """A v10 privilege's resource as core resolves its name, as a global: a collection or function of
    that name, else the collection, then the function, whose alias it is (RoleEvalContext.buildContext,
    GlobalContext.lookupSingletonOrUDFActive, Collection.idByIdentifier). A ref is itself."""
    if not isinstance(resource, str) or resource in V10_NATIVE_NAMES.values():
        return resource
    scope = ctx.state.auth.scope
    if any(live(ctx, DocKey(scope, kind, resource)) is not None for kind in aliases.KINDS):
        return resource
    for kind in ("#collections", "#functions"):
        found = aliases.holder(ctx, scope, kind, resource)
        if found is not None:
            return found
    return resource


def has_action(ctx: Context, coll: str, action: str) -> bool:
    """Whether the caller has `action` on collection `coll` at all, by any grant (true or a predicate):
    core's Permissions.hasAction, which index reads check before filtering document by document."""
    role = ctx.state.auth.role
    if role in ("admin", "server", "server-readonly"):
        return True
    resource = Ref(coll, native("collections"))
    return any(grant not in (None, False) for grant in _grants(ctx, resource, action))


def allows(ctx: Context, action: str, key: DocKey, args: tuple) -> bool:
    """True if one of the caller's roles grants `action` on `key`'s resource."""
    resource = _resource(key, action)
    if action == "read_index":
        return _reads_set(ctx, key, resource, args)
    granted = any(
        _v10_predicate(ctx, g, _v10_arguments(ctx, action, args, key))
        if isinstance(g, str)
        else _predicate(ctx, g, _argument(action, key, args, g))
        for g in _grants(ctx, resource, action)
    )
    if not granted and action == "create_with_id":
        # Core then asks for both `create` and a `history_write` of the create event (its
        # checkCreateWithIDPermission keeps what roles written before create_with_id allowed).
        ref, data = (list(args) + [None] * 2)[:2]
        event = [ref, Timestamp.from_micros(ctx.state.ts), "create", data]
        return allows(ctx, "create", key, (data, ref)) and allows(ctx, "history_write", key, (event,))
    return granted


def _reads_set(ctx: Context, key: DocKey, resource: Ref, args: tuple) -> bool:
    """Reading an index (its `read` predicate gets the terms) or a whole collection.

    `unrestricted_read` opens either (its predicate gets the terms, or null for a collection). fql cannot
    yet filter a collection's documents one by one, as core does for a `read` predicate, so only
    `read: true` opens a collection.
    """
    for name in ("unrestricted_read", "read"):
        for grant in _grants(ctx, resource, name):
            if key.coll != "#indexes" and name == "read":
                if grant is True:
                    return True
            elif _predicate(ctx, grant, _argument("read_index", key, args, grant)):
                return True
    return False


#: Other names a v10 role's resource may give a native collection: core resolves the name as a global
#: (RoleEvalContext, GlobalContext.lookupSingletonOrUDFActive), and `Credentials` is the global alias of
#: `Credential` kept for early v10 users (GlobalResolvers).
_RESOURCE_ALIASES = {"Credentials": "Credential"}


def _same(a: t.Any, b: Ref) -> bool:
    """Resources compare by id and collection; the database part is relative and both are local. A v10
    role names its resource: a collection or function by its name, a native collection by its module."""
    if isinstance(a, str):
        if b.collection is None:
            return _RESOURCE_ALIASES.get(a, a) == V10_NATIVE_NAMES.get(b.id)
        return a == b.id and b.collection.id in ("collections", "functions")
    if not isinstance(a, Ref) or a.id != b.id:
        return False
    return (a.collection and a.collection.id) == (b.collection and b.collection.id)

