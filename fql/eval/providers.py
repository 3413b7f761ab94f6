"""Access providers: CreateAccessProvider and its documents, checked as core's AccessProvider.scala checks them.

An access provider names a JWT issuer, the https URL of its signing keys (`jwks_uri`) and the roles its
tokens get; a JWT it vouches for is a secret (fql/auth/jwt.py), its audience the provider's `audience`.
"""

from __future__ import annotations

import functools
import re
import typing as t

from ..auth.access import BUILTIN_ROLES, TOP_GLOBAL_ID, lineage
from ..auth.jwt import AUDIENCE_PREFIX
from ..errors import InstanceAlreadyExists, InstanceNotUnique, ValidationFailed
from ..storage.base import DocKey, Version
from ..values import Lambda, Ref, ir_type_name, native
from .casts import OBJECT
from .evaluator import Context
from .refs import live, render, schema_key
from .registry import builtin
from .schema import (
    NATIVE_CREATORS,
    NATIVE_DELETERS,
    NATIVE_UPDATERS,
    NATIVE_V10_UPDATERS,
    _name,
    _ordered,
    create_native,
    encode_global_id,
    missing_references,
)

KIND = "access_providers"
_ORDER = ("name", "issuer", "jwks_uri", "roles", "data", "audience")
#: Where the top database's global id is kept once made (child databases keep theirs in their document).
_TOP_GLOBAL_ID = TOP_GLOBAL_ID
#: A URL scheme as java.net.URL reads one: a letter, then letters, digits, `+`, `-` or `.`.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
#: Core renders InstanceAlreadyExists of a native document by a table that lacks access providers, so
#: Fauna's words for a taken name are literally these.
_TAKEN = "other already exists."


def _failure(field: list, code: str, description: str) -> dict:
    return {"field": field, "code": code, "description": description}


def _required(field: str) -> dict:
    return _failure([field], "value required", "Required value not found.")


def _invalid_type(field: list, value: t.Any, expected: str) -> dict:
    return _failure(field, "invalid type", f"Invalid type {ir_type_name(value)}, expected type {expected}.")


def is_https_url(text: str) -> bool:
    """Whether java.net.URL parses `text` with the protocol https, as core's URI field type requires.

    Java's parser is lenient: it trims control characters and spaces, and takes anything after the
    scheme as a path unless it starts with `//`, so `https: //x` passes; only a bad port fails there.
    """
    text = text.strip("".join(map(chr, range(33))))
    if text[:4].lower() == "url:":
        text = text[4:]
    scheme = _SCHEME.match(text)
    if scheme is None or text[scheme.end() : scheme.end() + 1] != ":" or scheme.group().lower() != "https":
        return False
    rest = text[scheme.end() + 1 :]
    if not rest.startswith("//"):
        return True
    authority = re.split(r"[/?#]", rest[2:], maxsplit=1)[0].rpartition("@")[2]
    if authority.startswith("["):
        close = authority.find("]")
        if close < 0:
            return False
        authority = authority[close + 1 :]
        if authority and not authority.startswith(":"):
            return False
    port = authority.rpartition(":")[2] if ":" in authority else ""
    return port == "" or (port.isdigit() and int(port) < 2**31)


def _entries(roles: t.Any) -> list[tuple[list, t.Any]]:
    """The entries of `roles` (one value or an array) with where core reports each one's failures."""
    if roles is None:
        return []
    if isinstance(roles, list):
        return [(["roles", i], entry) for i, entry in enumerate(roles)]
    return [(["roles"], roles)]


#: Core's AccessProviderRole schema type, as its v10 type mismatch shows it.
_V10_ROLE = "String | { role: String, predicate: Query | String }"


def _shape_failures(roles: t.Any, v10: bool) -> list[dict]:
    """Core's RoleFieldType: a role name, a Role ref, or `{role, predicate}` with a Query predicate.

    As core decodes the object with its own fields, a failure inside one names `role` or `predicate`
    alone; a v10 predicate is source text, which v4 refuses (core's RolesFQL4FormatValidator).
    """
    if not v10:
        return _v4_shape_failures(roles)
    failures = []
    for path, entry in _entries(roles):
        if not isinstance(entry, dict):
            if isinstance(entry, (str, Ref)):
                continue
            if len(path) == 2:
                # v10 checks an array's entry against core's AccessProviderRole schema type, at its index.
                from .v10.schema_types import display, value_type

                message = f"Expected {_V10_ROLE}, provided {display(value_type(entry))}"
                failures.append(_failure(path, "invalid type", message))
            else:
                failures.append(_invalid_type(["roles"], entry, "Role"))
            continue
        role, predicate = entry.get("role"), entry.get("predicate")
        if role is None:
            failures.append(_required("role"))
        elif not isinstance(role, (str, Ref)):
            failures.append(_invalid_type(["role"], role, "Role"))
        if predicate is None:
            failures.append(_required("predicate"))
        elif not isinstance(predicate, (str, Lambda)):
            failures.append(_invalid_type(["predicate"], predicate, "Query"))
    return failures


def _v4_shape_failures(roles: t.Any) -> list[dict]:
    """A v4 write's `roles` as core's RolesListFieldType decodes it: entry by entry, stopping at the first
    that fails (fauna.lang's Either `sequence` stops at a Left), and inside a `{role, predicate}` at its
    first failing field (`role`: a name or a `Role Ref`, RoleIDT; `predicate`: a required Query). Only
    when every entry decodes does RolesFQL4FormatValidator refuse each v10 (string) predicate."""
    entries = _entries(roles)
    for _, entry in entries:
        if not isinstance(entry, dict):
            if isinstance(entry, (str, Ref)):
                continue
            return [_invalid_type(["roles"], entry, "Role")]
        role, predicate = entry.get("role"), entry.get("predicate")
        if role is None:
            return [_required("role")]
        if not (isinstance(role, str) or (isinstance(role, Ref) and role.kind == "roles")):
            return [_invalid_type(["role"], role, "Role Ref")]
        if predicate is None:
            return [_required("predicate")]
        if not isinstance(predicate, (str, Lambda)):
            return [_invalid_type(["predicate"], predicate, "Query")]
    strings = [e for _, e in entries if isinstance(e, dict) and isinstance(e.get("predicate"), str)]
    return [_invalid_type(["roles", "predicate"], e["predicate"], "Query") for e in strings]


def _shape(params: dict, v10: bool) -> list[dict]:
    """Core's VersionValidator: every field's presence and type, all failures at once."""
    failures = []
    if params.get("name") is None:
        failures.append(_required("name"))
    else:
        try:
            _name(params)
        except ValidationFailed as err:
            failures.extend(err.failures or [])
    issuer = params.get("issuer")
    if issuer is None:
        failures.append(_required("issuer"))
    elif not isinstance(issuer, str):
        failures.append(_invalid_type(["issuer"], issuer, "String"))
    uri = params.get("jwks_uri")
    if uri is None:
        failures.append(_required("jwks_uri"))
    elif not isinstance(uri, str):
        failures.append(_invalid_type(["jwks_uri"], uri, "URI"))
    elif not is_https_url(uri):
        # v4 and v10 word it differently (core's v4 URI type, v10's HttpsURIValidator).
        message = f"`{uri}` must be a valid https URI." if v10 else f"`{uri}` is a not valid URI"
        failures.append(_failure(["jwks_uri"], "invalid uri", message))
    data = params.get("data")
    if data is not None and not isinstance(data, dict):
        failures.append(_invalid_type(["data"], data, "Map"))
    return failures + _shape_failures(params.get("roles"), v10)


def _live_failures(ctx: Context, scope: str, fields: dict, own: str | None, v10: bool = False) -> list[dict]:
    """Core's LiveValidator: a unique issuer, refs to user documents that exist (v4), role refs that
    exist, role names that exist (v4; v10 checks them after the query) and are not built in."""
    failures = []
    for version in ctx.state.txn.scan(scope, "#" + KIND):
        if version.live_at(ctx.state.ts) and version.key.id != own and version.data.get("issuer") == fields["issuer"]:
            failures.append(_failure(["issuer"], "duplicate value", "Value is not unique."))
            break
    if not v10:
        # Core's ReferencesValidator, between the issuer's and the roles' validators, reads what the
        # provider's masks keep; v10 writes are not checked so (their schema's validators are others).
        failures += missing_references(ctx, {k: fields[k] for k in _ORDER if k in fields})
    names = []
    for path, entry in _entries(fields.get("roles")):
        role = entry.get("role") if isinstance(entry, dict) else entry
        where = path + ["role"] if isinstance(entry, dict) else path
        if isinstance(role, str):
            names.append(role)
        elif role.kind != "roles":
            failures.append(_invalid_type(where, role, "Role"))
        elif role.collection.database is not None:
            failures.append(_failure(where, "invalid reference", "Reference cannot be scoped."))
        elif live(ctx, DocKey(scope, "#roles", role.id)) is None:
            failures.append(_failure(where, "invalid reference", "Reference was not found."))
    if v10:
        # v10 checks that a named role exists once the query has run (core's SchemaTypeValidator), so a
        # query or an FSL push may create the provider before its role: see natives.access_provider_create.
        return failures + duplicate_roles(fields.get("roles"))
    for name in names:
        if name not in BUILTIN_ROLES and live(ctx, DocKey(scope, "#roles", name)) is None:
            failures.append(_failure(["roles"], "validation failure", f"Role `{name}` does not exist."))
    for name in names:
        if name in BUILTIN_ROLES:
            failures.append(_failure(["roles"], "validation failure", f"Builtin role `{name}` not allowed."))
    return failures


def duplicate_roles(roles: t.Any) -> list[dict]:
    """v10's check of an array of roles (core's AccessProviderRolesValidator; v4 takes a role twice): each
    entry's name in turn, a repeat (`present more than once`; a third is taken as new again, as core's
    map of seen names has it), then a built-in one (`Builtin role ... not allowed.`). A lone role is not
    checked here: a built-in one fails the schema once the query has run (`is not allowed`)."""
    if not isinstance(roles, list):
        return []
    failures, seen = [], {}
    for entry in roles:
        name = entry.get("role") if isinstance(entry, dict) else entry
        if not isinstance(name, str):
            continue
        if seen.get(name) is False:
            text = f"The role `{name}` is present more than once, there can only be one entry per role."
            failures.append(_failure(["roles"], "validation failure", text))
            seen[name] = True
        else:
            seen[name] = False
        if name in BUILTIN_ROLES:
            failures.append(_failure(["roles"], "validation failure", f"Builtin role `{name}` not allowed."))
    return failures


def check_v4_predicates(params: t.Any) -> None:
    """A v4 Update or Replace gives predicates as lambdas: source text is v10's (core's
    RolesFQL4FormatValidator, as on create)."""
    roles = params.get("roles") if isinstance(params, dict) else None
    strings = [e for _, e in _entries(roles) if isinstance(e, dict) and isinstance(e.get("predicate"), str)]
    if strings:
        raise _invalid([_invalid_type(["roles", "predicate"], e["predicate"], "Query") for e in strings])


def _invalid(failures: list[dict], *path: str | int) -> ValidationFailed:
    return ValidationFailed("document data is not valid.", failures=failures).at(*path)


def audience(ctx: Context, scope: str) -> str:
    """The `audience` of providers in `scope`: core's canonical URL of the database, from its global id.

    A child database's scope is its global id; the top database gets one when it first needs it.
    """
    return AUDIENCE_PREFIX + (scope or top_global_id(ctx.state.txn))


def top_global_id(txn: t.Any) -> str:
    """The top database's global id, made (and written in `txn`) the first time it is needed."""
    version = txn.get(_TOP_GLOBAL_ID)
    if version is None:
        version = Version(_TOP_GLOBAL_ID, txn.ts, {"global_id": encode_global_id(txn.next_id())})
        txn.put(version)
    return version.data["global_id"]


def authorized(txn: t.Any, scope: str) -> dict:
    """What core's `GET /authorized` answers for a secret of the database `scope` (its router caches it
    with the key): the database's account, the nearest one set in its lineage (0 for none), and its
    global id."""
    accounts = ((data.get("account") or {}).get("id") for data in lineage(txn, scope))
    account = next((found for found in accounts if isinstance(found, int) and not isinstance(found, bool)), 0)
    return {"account": str(account), "global_id": scope or top_global_id(txn)}


def _checked(
    ctx: Context, scope: str, params: dict, own: str | None, v10: bool, *path: str | int, sources: bool = False
) -> dict:
    """The stored fields of a provider: checked, in Fauna's order, with the database's audience. v10
    predicates (source text) are taken with `v10`, or `sources` (an update, which either syntax makes)."""
    failures = _shape(params, v10 or sources)
    if failures:
        raise _invalid(failures, *path)
    if params["name"] != own and live(ctx, DocKey(scope, "#" + KIND, params["name"])) is not None:
        # A taken name comes before the issuer's check (Fauna answers `instance already exists` for a
        # provider made twice: the faunadb-python suite, tests/server/test_faunadb_python_suite.py); an
        # update's is core's InstanceNotUnique (WriteAdaptor's liftCV).
        if own is None:
            raise InstanceAlreadyExists(_TAKEN).at(*path)
        raise InstanceNotUnique("document is not unique.").at(*path)
    failures = _live_failures(ctx, scope, params, own, v10)
    if failures:
        raise _invalid(failures, *path)
    return _ordered({**params, "audience": audience(ctx, scope)}, _ORDER)


def create(ctx: Context, coll: Ref, params: dict, *path: str | int, v10: bool = False) -> dict:
    """A new access provider in the database `coll` belongs to (permission already checked)."""
    from .documents import write

    key = schema_key(ctx, KIND, "", coll.database)
    fields = _checked(ctx, key.scope, params, None, v10, *path)
    version = write(ctx, key._replace(id=fields["name"]), fields, *path)
    ctx.state.created = True
    return render(ctx, version)


def update(ctx: Context, ref: Ref, key: DocKey, version: Version, params: dict, replace: bool, *, v10: bool = False) -> dict:
    """Update merges; v4's Replace keeps name, issuer, jwks_uri and roles unless given (core's
    prevForReplace), v10's keeps nothing.

    `audience` cannot be written: it is always the database's. A new name renames the provider. A v10
    write (`v10`) leaves the roles it names to be checked once the query has run, as a create does
    (natives.revalidate_provider_roles); v4 checks them at once.
    """
    from .documents import merge, write

    old = dict(version.data or {})
    # v4's Replace keeps what core's prevForReplace keeps; v10's replace writes what it is given (the
    # audience is the database's either way).
    kept = () if v10 else ("name", "issuer", "jwks_uri", "roles")
    base = {k: old[k] for k in kept if k in old} if replace else old
    params = {k: v for k, v in params.items() if k != "audience"}
    # v10 predicates (source text) are accepted here too: the update may come from either syntax.
    fields = _checked(ctx, key.scope, merge(base, params), key.id, v10, sources=True)
    if fields["name"] != key.id:
        write(ctx, key, None)
        key = key._replace(id=fields["name"])
    return render(ctx, write(ctx, key, fields))


NATIVE_CREATORS[KIND] = create
NATIVE_UPDATERS[KIND] = update
NATIVE_V10_UPDATERS[KIND] = functools.partial(update, v10=True)
NATIVE_DELETERS[KIND] = lambda ctx, ref, key: None


@builtin("CreateAccessProvider", keys=("create_access_provider",), types=(OBJECT,))
def create_access_provider(ctx: Context, params: dict) -> dict:
    """Create an access provider: `{name, issuer, jwks_uri, roles?, data?}`."""
    return create_native(ctx, native(KIND), params, "create_access_provider")
