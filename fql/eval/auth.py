"""Identity and access: credentials, Login/Logout/Identify, tokens, keys, and the Current* functions."""

from __future__ import annotations

import functools
import typing as t

from ..auth import jwt, secrets
from ..auth.access import SCOPES
from ..auth.credentials import Passwords
from ..collation import terms_key
from ..errors import (
    AuthenticationFailed,
    InstanceAlreadyExists,
    InstanceNotFound,
    InstanceNotUnique,
    InvalidArgument,
    InvalidToken,
    MissingIdentity,
    PermissionDenied,
    Unauthorized,
    ValidationFailed,
)
from ..storage.base import DocKey, Version
from ..values import ReadDocument, Ref, SetRef, Timestamp, ir_type_name, native, type_name
from . import indexes
from .casts import NULL, OBJECT, STRING
from .evaluator import Context, billed, billed_read
from .refs import doc_key, live, local_ref, ref_of, render, scope_of
from .registry import builtin
from .schema import (
    NATIVE_CREATORS,
    NATIVE_DELETERS,
    NATIVE_UPDATERS,
    NATIVE_V10_UPDATERS,
    _failure,
    _invalid_type,
    missing_references,
)

#: Fauna's one description for every Login failure: it never says which part was wrong.
LOGIN_FAILED = "The document was not found or provided password was incorrect."
#: Fallback hasher for queries run without a Database (tests of the evaluator alone).
_DEFAULT_PASSWORDS: Passwords | None = None


def _present(fields: dict) -> dict:
    """`fields` without the ones set to null, in their order."""
    return {k: v for k, v in fields.items() if v is not None}


def _stored_objects(ctx: Context, fields: dict) -> dict:
    """A key's, token's or credentials document's fields as core stores them, as a user document's are.
    v4: no null anywhere in `data` or `constraints`, and neither kept when left empty (core's
    Validator.patch applies the diff with Data.patch, then selects the fields with a MaskTree, which drops
    a top-level object it leaves empty). v10: no null field in an object, nulls in arrays kept (core's
    Schema.validateAndTransform ends with Data.elideNulls)."""
    from .documents import elide_nulls, without_nulls

    out = {}
    for k, v in fields.items():
        if k in ("data", "constraints") and isinstance(v, dict):
            if ctx.state.v10:
                v = elide_nulls(v)
            else:
                v = without_nulls(v)
                if not v:
                    continue
        out[k] = v
    return out


def passwords(ctx: Context) -> Passwords:
    global _DEFAULT_PASSWORDS
    db = ctx.state.db
    if db is not None:
        return db.passwords
    if _DEFAULT_PASSWORDS is None:
        _DEFAULT_PASSWORDS = Passwords()
    return _DEFAULT_PASSWORDS


# -- credentials ---------------------------------------------------------------------------------------


def _by_instance(ctx: Context, coll: str, identity: DocKey) -> list[DocKey]:
    """The live tokens or credentials documents of `identity` (internal by-instance indexes of its own
    database, whose entries hold the identity's ref as that database stores it)."""
    index = indexes.internal(identity.scope, coll)
    terms = terms_key([local_ref(identity)])
    now = ctx.state.ts
    return [e.doc for e in ctx.state.txn.index_scan(index.key, terms) if e.ttl is None or e.ttl > now]


def credentials_of(ctx: Context, identity: DocKey) -> Version | None:
    found = _by_instance(ctx, "#credentials", identity)
    return live(ctx, found[0]) if found else None


def set_password(
    ctx: Context,
    identity: DocKey,
    credentials: t.Any,
    *path: str | int,
    under: tuple[str, ...] = ("credentials",),
    new_id: str | None = None,
    hash_given: bool = False,
    v4: bool = True,
) -> None:
    """Store (or replace) the argon2 hash of `credentials.password` for `identity`. Failures name the
    fields `under` a user document's `credentials` (a credentials document's own are at its top). A new
    credentials document takes `new_id` when given (v10's `Credential.create({ id, ... })`). With
    `hash_given` (a v4 document's `credentials`), a server caller that gives no password may give
    `hashed_password`, stored as given (core's ServerPasswordValidator). A v10 write (`v4=False`) asks
    nobody for the current password: core's v10 Credential has no such field, and its write hook
    (CredentialsSchemaHooks) hashes the new password whoever the writer is."""
    from .documents import write

    other = _password_role(ctx)
    failures = _password_failures(credentials, other, *under)
    if failures:
        raise ValidationFailed("document data is not valid.", failures=failures).at(*path)
    password = credentials.get("password")
    if password is None:
        given = credentials.get("hashed_password")
        if hash_given and other == "hashed_password" and isinstance(given, str):
            existing = credentials_of(ctx, identity)
            key = existing.key if existing is not None else new_credentials_key(ctx, identity, new_id)
            write(ctx, key, {**_kept(existing), "instance": ref_of(ctx, identity), "hashed_password": given})
        return  # core: credentials without a password (or a hash a server gives) change nothing
    existing = credentials_of(ctx, identity)
    if existing is not None and other == "current_password" and v4 and ctx.state.auth.role != "admin":
        # A token, client or role caller must prove it knows the current password to change it. Core's
        # check here reads the old hash from the document itself, which never holds its credentials, so
        # it asks no one: an admin changes a password without the current one (WriteFunctionsV27Spec
        # "create + update with admin key allows creds"); fql still asks the others.
        current = credentials.get("current_password")
        hashed = existing.data.get("hashed_password")
        if not passwords(ctx).verify(hashed, current if isinstance(current, str) else ""):
            field = [*under, "current_password"]
            failure = {"field": field, "code": "invalid password", "description": f"Invalid password at `{'.'.join(field)}`."}
            raise ValidationFailed("document data is not valid.", failures=[failure]).at(*path)
    hashed = passwords(ctx).hash(password)
    key = existing.key if existing is not None else new_credentials_key(ctx, identity, new_id)
    write(ctx, key, {**_kept(existing), "instance": ref_of(ctx, identity), "hashed_password": hashed})


def _kept(existing: Version | None) -> dict:
    """What a new password leaves of a credentials document: the rest of its fields (its `data`, `ttl`),
    as core's password validator and CredentialsSchemaHooks change only the hash."""
    return dict(existing.data or {}) if existing is not None else {}


def new_credentials_key(ctx: Context, identity: DocKey, new_id: str | None = None) -> DocKey:
    """The key of a new credentials document of `identity`: `new_id`, or a new id."""
    return DocKey(identity.scope, "#credentials", new_id if new_id is not None else str(ctx.state.txn.next_id()))


def _password_role(ctx: Context) -> str:
    """The second field core's v4 password validator reads: a caller with server permissions (a server
    or server-readonly key or scope) may give `hashed_password` (ServerPasswordValidator); any other, the
    root and admin keys too, may prove `current_password` (ClientPasswordValidator): the writes of
    credentials choose by `ec.auth.permissions`, and core's AdminPermissions is not a server permission
    (WriteAdaptor.scala CredentialsWriteConfig and UserDocumentWriteConfig liveValidator)."""
    return "hashed_password" if ctx.state.auth.role in ("server", "server-readonly") else "current_password"


def password_failures(ctx: Context, credentials: t.Any, *prefix: str) -> list[dict]:
    """The failures core's password validator for the caller finds in `credentials` (fields named under
    `prefix`), as `_password_failures` finds them."""
    return _password_failures(credentials, _password_role(ctx), *prefix)


def _password_failures(fields: t.Any, other: str, *prefix: str) -> list[dict]:
    """Core's password validators read two string fields: `password` and `other`. Each read that fails is
    a failure, both collected: under a `credentials` that is no object both fail, as core's Field.read of
    `credentials.<field>` wants a Map on the way."""
    failures = []
    for field in ("password", other):
        if not isinstance(fields, dict):
            wrong, expected = fields, "Map"
        else:
            wrong, expected = fields.get(field), "String"
            if wrong is None or isinstance(wrong, str):
                continue
        description = f"Invalid type {ir_type_name(wrong)}, expected type {expected}."
        failures.append({"field": [*prefix, field], "code": "invalid type", "description": description})
    return failures


def _identity_key(ctx: Context, identity: t.Any, *path: str | int) -> DocKey | None:
    """The stored document a Login/Identify identity names, None for an empty set (core's Identifier
    cast: a ref, or a set, a native collection such as `Keys()` read as the set of its documents; an
    unresolved ref is `invalid ref`). A set is checked as any read of it, refused at the call's name
    (ReadAdaptor.setForRead), and its head taken without a Paginate's per-document read filter
    (snapshotHead), so a role that may only read an index logs its documents in. The head is read now,
    inside `At` too: core resets the valid time so that no password of the past is checked."""
    from .documents import _first_source, _identifier

    _identifier(ctx, identity, *path)
    if isinstance(identity, SetRef) or identity.is_native:
        state, before, valid_ts = ctx.state, ctx.state.unfiltered, ctx.state.valid_ts
        state.unfiltered, state.valid_ts = True, None
        try:
            first = _first_source(ctx, identity)
        except PermissionDenied as err:
            raise err.at(*path) if not err.position else err
        finally:
            state.unfiltered, state.valid_ts = before, valid_ts
        if first is None or not isinstance(first[0], Ref):
            return None
        identity = first[0]
    return doc_key(ctx, identity, *path)


def _credentials(ctx: Context, identity: DocKey | None, *, here: bool = True) -> Version | None:
    """The credentials of `identity`, in whichever database it names (only the caller's own `here`).

    The document itself is not read: core's ReadAdaptor.getCredentials looks only in the credentials
    index, so the credentials of a deleted document still log it in (its token then authenticates no one).
    """
    with billed(ctx):  # core bills the credentials read (ReadAdaptor.getCredentials)
        if identity is None or (here and identity.scope != ctx.state.scope):
            return None
        return credentials_of(ctx, identity)


def _matches(ctx: Context, creds: Version | None, password: str) -> bool:
    """True if `password` is the one `creds` hold; the same argon2 work is done either way."""
    hashed = creds.data.get("hashed_password") if creds is not None else None
    return passwords(ctx).verify(hashed, password)


def verify(ctx: Context, identity: DocKey | None, password: str, *, here: bool = True) -> bool:
    """True if `password` is the password of `identity` (a document of the caller's database, or of
    any database it may name unless `here`)."""
    return _matches(ctx, _credentials(ctx, identity, here=here), password)


# Core casts a call's arguments in order and answers the first refusal: the identity (Casts.Identifier,
# which refuses an unresolved ref too) before the password or params.


@builtin("Identify", keys=("identify", "password"))
def identify(ctx: Context, identity: t.Any, password: t.Any) -> bool:
    """True if `password` is the identity's password; never an error for a missing identity."""
    from .documents import _identifier

    _identifier(ctx, identity, "identify")
    STRING(password, "password")
    # A document of a child database is checked against its own credentials there: core's
    # IdentifyFunction reads them in the ref's scope (ReadAdaptor.getCredentials(scope, id)).
    return verify(ctx, _identity_key(ctx, identity, "identify"), password, here=False)


@builtin("Login", keys=("login", "params"))
def login(ctx: Context, identity: t.Any, params: t.Any) -> dict:
    """Check the identity's password and create a token for it; the result shows the secret once."""
    from .documents import _identifier

    _identifier(ctx, identity, "login")
    OBJECT(params, "params")
    key = _identity_key(ctx, identity, "login")
    creds = _credentials(ctx, key)
    password = params.get("password")
    # Core reads the credentials and the password together, the credentials' failure first: an
    # identity without credentials fails authentication whatever the password's type
    # (AuthFunctions.scala LoginFunction, ReadAdaptor.getCredentials).
    if creds is not None and password is not None and not isinstance(password, str):
        raise _invalid_type("password", password, "String")
    # A missing password fails like a wrong one (core reads it as an optional field), after the same work.
    matched = _matches(ctx, creds, password if isinstance(password, str) else "")
    if not matched or creds is None or not isinstance(password, str):
        raise AuthenticationFailed(LOGIN_FAILED)
    if passwords(ctx).needs_rehash(creds.data["hashed_password"]):
        from .documents import write

        write(ctx, creds.key, {**creds.data, "hashed_password": passwords(ctx).hash(password)})
    # An `instance` given keeps its place, holding the identity (LoginFunction updates the params with it).
    fields = {k: v for k, v in params.items() if k in _V4_TOKEN_FIELDS}
    _check_token_fields({**fields, "instance": ref_of(ctx, key)})
    return create_token(ctx, key, fields, identity_last=True)


def self_ref(ctx: Context, coll: Ref) -> Ref:
    """`Ref(coll, "self")`: the caller's identity, token or credentials, when it belongs to `coll`."""
    auth = ctx.state.auth
    if coll.collection is None and coll.id == "tokens" and auth.is_token:
        return ref_of(ctx, auth.source)
    if auth.identity is not None:
        if coll.collection is None and coll.id == "credentials":
            creds = credentials_of(ctx, auth.identity)
            if creds is not None:
                return ref_of(ctx, creds.key)
        identity = ref_of(ctx, auth.identity)
        if identity.collection == coll:
            return identity
    return Ref("self", coll)


# -- tokens --------------------------------------------------------------------------------------------


#: What a v4 write keeps of a token's fields (the filter masks of core's Document.VersionValidator,
#: whose `constraints` is a legacy object field of every v4 document, and Token.Validator).
_V4_TOKEN_FIELDS = ("instance", "data", "constraints", "ttl", "hashed_secret")


def _checked_fields(params: dict, allowed: tuple[str, ...], *path: str | int) -> dict:
    out = {}
    for k, v in params.items():
        if k not in allowed:
            continue
        if k in ("data", "constraints") and v is not None and not isinstance(v, dict):
            raise _invalid_type(k, v, "Map").at(*path)
        if k == "ttl" and v is not None and not isinstance(v, Timestamp):
            raise _invalid_type("ttl", v, "Time").at(*path)
        if k == "hashed_secret" and v is not None and not isinstance(v, str):
            raise _invalid_type(k, v, "String").at(*path)
        if v is not None:
            out[k] = v
    return out


def _check_instance(fields: dict) -> None:
    """A token's `instance`: required, and a ref (core's Token.OwnerValidator and DocumentField)."""
    instance = fields.get("instance")
    if instance is None:
        raise _failure("instance", "value required", "Required value not found.")
    if not isinstance(instance, Ref):
        raise _invalid_type("instance", instance, "Ref")


def _check_token_fields(fields: dict, *path: str | int) -> None:
    """A v4 token's fields in core's validators' order, every failure reported: Document.VersionValidator's
    `data`, `constraints` and `ttl`, then Token.Validator's `instance` and `hashed_secret`."""
    from .documents import collect_failures

    try:
        collect_failures(
            lambda: _checked_fields(fields, ("data",)),
            lambda: _checked_fields(fields, ("constraints",)),
            lambda: _checked_fields(fields, ("ttl",)),
            lambda: _check_instance(fields),
            lambda: _checked_fields(fields, ("hashed_secret",)),
        )
    except ValidationFailed as failed:
        raise failed.at(*path) from None


def create_token(
    ctx: Context,
    identity: DocKey,
    params: dict,
    *path: str | int,
    new_id: str | None = None,
    identity_last: bool = False,
    hashed: str | None = None,
) -> dict:
    """A new token for `identity` in its database, with id `new_id` when given; the secret is in the result
    and nowhere else. Its fields keep the order given, as core's documents do: `Create(Tokens(), {...})`'s
    as written, a Login's params and then the identity it adds (`identity_last`: LoginFunction updates
    the params with the document field). A v4 write may give the token's `hashed_secret` (or a caller
    the `hashed` secret): core's TokenWriteConfig then stores it as it is and makes no secret, so none is
    shown."""
    from .documents import write

    fields = _checked_fields(params, ("data", "constraints", "ttl", "hashed_secret"), *path)
    token_id = new_id if new_id is not None else str(ctx.state.txn.next_id())
    order = [k for k in params if k in fields or k == "instance"]
    if "instance" not in order:
        order = [*order, "instance"] if identity_last else ["instance", *order]
    instance = ref_of(ctx, identity)
    stored = {k: instance if k == "instance" else fields[k] for k in order}
    stored = _stored_objects(ctx, stored)
    if hashed is not None:
        stored["hashed_secret"] = hashed
    secret = None
    if "hashed_secret" not in stored:
        secret = secrets.make(secrets.TOKEN, token_id, identity.scope)
        stored["hashed_secret"] = secrets.digest(secret)
    version = write(ctx, DocKey(identity.scope, "#tokens", token_id), stored, *path)
    ctx.state.created = True
    return _shown_token(ctx, version, secret)


def _shown_token(ctx: Context, version: Version, secret: str | None) -> dict:
    """A token as a write answers it: never its hash, and the secret only when the write made one."""
    shown = render(ctx, version)
    shown.pop("hashed_secret", None)
    if secret is not None:
        shown["secret"] = secret
    return shown


def _exists_at(ctx: Context, coll: str, doc_id: str | None, *path: str | int, checked: bool = False) -> None:
    """Refuse a create at the id of a live document: core looks before it validates anything
    (WriteAdaptor.create's precheck). `checked`: the caller made the id or looked already (v10's create
    takes its id before the permission check), so nothing is read, or billed, again."""
    from .documents import taken_noun

    if doc_id is not None and not checked and live(ctx, DocKey(ctx.state.scope, coll, doc_id)) is not None:
        raise InstanceAlreadyExists(f"{taken_noun(coll.lstrip('#'))} already exists.").at(*path)


def _create_token(
    ctx: Context, coll: Ref, params: dict, *path: str | int, doc_id: str | None = None, checked: bool = False
) -> dict:
    """`Create(Tokens(), {instance, data?, ttl?, hashed_secret?})`: a token without a password (server
    and admin only), at `doc_id` when given (`Create(Ref(Tokens(), "1"), ...)`)."""
    _exists_at(ctx, "#tokens", doc_id, *path, checked=checked)
    _check_token_fields(params, *path)
    key = doc_key(ctx, params["instance"], *path)
    if key.scope != scope_of(ctx, coll.database):
        # A token lives in its identity's database: minting one elsewhere would write across databases.
        raise _failure("instance", "invalid reference", "Reference cannot be scoped.").at(*path)
    # No document need be there: core's token validators check the instance's type alone (Token.Validator),
    # and a token of a missing document authenticates nothing (AuthScope.getTokenAuth reads it).
    return create_token(ctx, key, params, *path, new_id=doc_id)


def _update_token(
    ctx: Context, ref: Ref, key: DocKey, version: Version, params: dict, replace: bool, v10: bool = False
) -> dict:
    """Tokens change only their `instance`, `data`, `ttl` and `hashed_secret`; a result never shows the
    secret's hash. A new instance hands the token to another document (core's FQL2TokenSpec "can change
    document"): its secret stays valid and now acts as that document.

    A v4 write goes through core's TokenWriteConfig, which makes a new secret (shown once) for a token
    left without a hash: a Replace keeps nothing of the old token (its prevForReplace is empty) unless it
    gives a `hashed_secret`, and an Update may remove the hash with null. v10's `replace` keeps the secret
    (FQL2TokenSpec "can add data")."""
    from .documents import merge, write

    old = dict(version.data or {})
    if v10:
        changes = _checked_fields({k: v for k, v in params.items() if k in ("data", "ttl")}, ("data", "ttl"))
        instance = params.get("instance")
        if instance is not None:
            _check_instance(params)
        if replace:
            fields = {"instance": instance or old["instance"], **changes, "hashed_secret": old["hashed_secret"]}
        else:
            fields = merge(old, {k: params[k] for k in ("data", "ttl") if k in params}, v4=False)
            if instance is not None:
                fields["instance"] = instance
        return _shown_token(ctx, write(ctx, key, _stored_objects(ctx, _present(fields))), None)
    given = {k: v for k, v in params.items() if k in _V4_TOKEN_FIELDS}
    fields = _present(given) if replace else merge(old, given)
    _check_token_fields(fields)
    fields = _stored_objects(ctx, fields)
    secret = None
    if "hashed_secret" not in fields:
        secret = secrets.make(secrets.TOKEN, ref.id, key.scope)
        fields["hashed_secret"] = secrets.digest(secret)
    return _shown_token(ctx, write(ctx, key, fields), secret)


NATIVE_CREATORS["tokens"] = _create_token
NATIVE_UPDATERS["tokens"] = _update_token
NATIVE_V10_UPDATERS["tokens"] = functools.partial(_update_token, v10=True)
NATIVE_DELETERS["tokens"] = lambda ctx, ref, key: None


@builtin("Logout", keys=("logout",))
def logout(ctx: Context, all_tokens: t.Any) -> bool:
    """Revoke the calling token (`false`) or every token of its identity (`true`); false for a key."""
    from .documents import write

    if not isinstance(all_tokens, bool):
        raise InvalidArgument(f"Boolean expected, {type_name(all_tokens)} provided.").at("logout")
    auth = ctx.state.auth
    if all_tokens and auth.identity is not None:
        targets = _by_instance(ctx, "#tokens", auth.identity)
    elif not all_tokens and auth.is_token:
        targets = [auth.source]
    else:
        return False
    for key in targets:
        if live(ctx, key) is not None:
            write(ctx, key, None)
    return True


# -- keys ----------------------------------------------------------------------------------------------

_BUILTIN_ROLES = ("admin", "server", "server-readonly", "client")


def check_role(ctx: Context, role: t.Any, *path: str | int, names: bool = True) -> None:
    """A key's (or a function's) role: a built-in name, or user roles as a name, a Role ref, or an array of
    them (core Key.RoleFieldType), each name a live role's (Key.RoleNameValidator, unless `names` is
    False: that validator runs after all the others, see `check_role_names`)."""
    if role is None:
        raise _failure("role", "value required", "Required value not found.").at(*path)
    if isinstance(role, str) and role in _BUILTIN_ROLES:
        return
    # An empty array is user roles too, none of them (RoleFieldType's validRoleIDs holds for it).
    roles = role if isinstance(role, list) else [role]
    if not all(_is_user_role(r) for r in roles):
        raise _invalid_type("role", role, "Role").at(*path)
    if names:
        check_role_names(ctx, role, *path)


def check_role_names(ctx: Context, role: t.Any, *path: str | int) -> None:
    """Each role name in `role` names a live role. Core's RoleNameValidator fails each missing name with a
    ValidationFailure, code `validation failure`; its description interpolates Key's Role object, which
    fql words as `Role`."""
    if isinstance(role, str) and role in _BUILTIN_ROLES:
        return
    roles = role if isinstance(role, list) else [role]
    failures = [
        {"field": ["role"], "code": "validation failure", "description": f"Role name `{name}` does not exist."}
        for name in roles
        if isinstance(name, str) and live(ctx, DocKey(ctx.state.scope, "#roles", name)) is None
    ]
    if failures:
        raise ValidationFailed("document data is not valid.", failures=failures).at(*path)


def _check_key_types(params: dict, *path: str | int) -> None:
    """A key's `database` is core's DatabaseIDT (`Database Ref`) and its `priority` PriorityT (`Priority`:
    a Long from 1 to 500), both optional (Key.DatabaseField, Key.PriorityField)."""
    from .documents import collect_failures

    database, priority = params.get("database"), params.get("priority")

    def database_ref() -> None:
        if database is not None and not (isinstance(database, Ref) and database.kind == "databases"):
            expected = f"Invalid type {ir_type_name(database)}, expected type Database Ref."
            raise _failure("database", "invalid type", expected)

    def in_range() -> None:
        if priority is not None and not (isinstance(priority, int) and not isinstance(priority, bool) and 1 <= priority <= 500):
            expected = f"Invalid type {ir_type_name(priority)}, expected type Priority."
            raise _failure("priority", "invalid type", expected)

    try:
        collect_failures(database_ref, in_range)
    except ValidationFailed as failed:
        raise failed.at(*path) from None


def _check_key_fields(
    ctx: Context, params: dict, *path: str | int, role: bool = True, stored: dict | None = None
) -> None:
    """A key's fields in Key.LiveValidator's order, every failure reported: data, role's type, database,
    priority, ttl, then the refs of `stored` (the fields the write leaves, if it is a v4 create or
    update) to user documents that are not there, then role's names. An update that gives no role
    (`role=False`) keeps its own."""
    from .documents import collect_failures

    def references() -> None:
        missing = missing_references(ctx, stored) if stored is not None and not ctx.state.v10 else []
        if missing:
            raise ValidationFailed("document data is not valid.", failures=missing)

    try:
        collect_failures(
            lambda: _checked_fields(params, ("data",)),
            lambda: check_role(ctx, params.get("role"), names=False) if role else None,
            lambda: _check_key_types(params),
            lambda: _checked_fields(params, ("ttl",)),
            # Key.LiveValidator's ReferencesValidator reads the document the write leaves.
            references,
            # Key.LiveValidator's RoleNameValidator comes after the version's validators, and reads the
            # names in the field whatever its type; a v10 write checks them once the query has run
            # (natives.key_params).
            lambda: check_role_names(ctx, params.get("role")) if role and not ctx.state.v10 else None,
        )
    except ValidationFailed as failed:
        raise failed.at(*path) from None


def _key_document(params: dict) -> dict:
    """The fields of `params` a key keeps (core's Key validators' masks); another field is dropped, a
    ref in it unread."""
    return {k: v for k, v in params.items() if k in ("data", "role", "database", "priority", "ttl")}


def _is_user_role(role: t.Any) -> bool:
    return (isinstance(role, str) and role not in _BUILTIN_ROLES) or (isinstance(role, Ref) and role.kind == "roles")


def _create_key(
    ctx: Context, coll: Ref, params: dict, *path: str | int, doc_id: str | None = None, checked: bool = False
) -> dict:
    """A key in the current database; it grants `role` in `database` (default: this database). Created at
    `doc_id` (`Create(Ref(Keys(), "1"), ...)`), it may take a `hashed_secret` or its own `secret` (core's
    KeyWriteConfig and SecretValidator): then no new secret is made, and none is shown."""
    from .documents import collect_failures, write
    from .schema import child_scope

    key_id, scope = doc_id or str(ctx.state.txn.next_id()), ctx.state.scope
    _exists_at(ctx, "#keys", doc_id, *path, checked=checked)
    given: list[str | None] = []
    # The secret's failures come first: core's SecretValidator revises the patch, and a validator's patch
    # failures precede every field's (Validator.patch). All are at the call, as every failure of a
    # create (core's KeySpec "duplicate hash field": at "create").
    try:
        collect_failures(
            lambda: given.append(_given_hash(ctx, key_id, params.get("secret"), params.get("hashed_secret"))),
            lambda: _check_key_fields(ctx, params, stored=_key_document(params)),
        )
    except ValidationFailed as failed:
        raise failed.at(*path) from None
    database = params.get("database")
    if database is not None:
        child_scope(ctx, database)
    fields = _checked_fields(params, ("data", "ttl"), *path)
    secret, hashed = None, given[0]
    if hashed is None:
        secret = secrets.make(secrets.KEY, key_id, scope)
        hashed = secrets.digest(secret)
    # The fields keep the order given, as core's documents do (`{ role, database }` renders so, and
    # `{ database, role }` the other way), the hash last.
    kept = {**fields, "database": database, "role": params["role"], "priority": params.get("priority")}
    stored = _stored_objects(ctx, _present({k: kept[k] for k in params if k in kept}))
    version = write(ctx, DocKey(scope, "#keys", key_id), {**stored, "hashed_secret": hashed}, *path)
    ctx.state.created = True
    shown = render(ctx, version)
    if secret is None:
        return shown
    hashed = shown.pop("hashed_secret")
    # Still the document the write made (core's VersionL), the secret among its fields.
    return ReadDocument({**shown, "secret": secret, "hashed_secret": hashed})


def _given_hash(ctx: Context, key_id: str, secret: t.Any, hashed: t.Any) -> str | None:
    """The hash a key's create gives, if any: that of its `secret`, else its `hashed_secret`. Core's key ids
    are global, so neither may belong to a key of the same id in another database (`duplicate value`)."""
    if isinstance(secret, str):
        parsed = _key_secret(key_id, secret)
        if parsed.scope != ctx.state.scope:
            elsewhere = live(ctx, DocKey(parsed.scope, "#keys", key_id))
            if elsewhere is not None and secrets.matches(secret, (elsewhere.data or {}).get("hashed_secret")):
                raise _duplicate("secret")
            _invalid_secret()
        return secrets.digest(secret)
    if not isinstance(hashed, str):
        _check_secret_types({"secret": secret, "hashed_secret": hashed})
        return None
    if any(live(ctx, DocKey(scope, "#keys", key_id)) is not None for scope in _other_scopes(ctx)):
        raise _duplicate("hashed_secret")
    return hashed


def _check_secret_types(given: dict) -> None:
    """Core's SecretValidator reads `secret` and `hashed_secret` as strings: when neither is one to use,
    each of another type is an `invalid type` failure."""
    failures = [
        {"field": [k], "code": "invalid type", "description": f"Invalid type {ir_type_name(v)}, expected type String."}
        for k, v in given.items()
        if v is not None and not isinstance(v, str)
    ]
    if failures:
        raise ValidationFailed("document data is not valid.", failures=failures)


def _other_scopes(ctx: Context) -> t.Iterator[str]:
    """The scopes of the databases other than the caller's, the top one included."""
    txn = ctx.state.txn
    tops = ("",) if ctx.state.scope else ()
    live_ones = (each.key.id for each in txn.scan("", SCOPES) if each.live_at(txn.ts))
    yield from (scope for scope in (*tops, *live_ones) if scope != ctx.state.scope)


def _duplicate(field: str) -> ValidationFailed:
    failure = {"field": [field], "code": "duplicate value", "description": "Value is not unique."}
    return ValidationFailed("document data is not valid.", failures=[failure])


def _invalid_secret() -> t.NoReturn:
    # core's SecretValidator, its path rendered as a Scala List
    failure = {"field": ["secret"], "code": "invalid secret", "description": "Invalid secret at `List(secret)`"}
    raise ValidationFailed("document data is not valid.", failures=[failure])


def _key_secret(key_id: str, secret: t.Any) -> secrets.Parsed:
    """What `secret` says, if it is a secret of the key `key_id`; else core's `invalid secret`."""
    parsed = secrets.parse(secret) if isinstance(secret, str) else None
    if parsed is None or parsed.kind != secrets.KEY or parsed.id != key_id:
        _invalid_secret()
    return parsed


def _update_key(
    ctx: Context, ref: Ref, key: DocKey, version: Version, params: dict, replace: bool, v10: bool = False
) -> dict:
    """A key's Update or Replace. A Replace keeps only the key's hash (v4: KeyWriteConfig.prevForReplace;
    v10: the one internal field of core's Key schema, Schema.copyInternalFieldMap): its role is required
    again, and a database it does not name is gone."""
    from .documents import collect_failures, merge, write

    old = dict(version.data or {})
    changes = {k: v for k, v in params.items() if k in ("role", "database", "data", "ttl", "priority")}
    fields = changes if replace else merge(old, changes, v4=not v10)
    # An update never gives a key's hash (KeyIOConfig makes it final): only `secret` is read, its
    # failures before the fields' (core's SecretValidator revises the patch).
    hashed: list[str | None] = []
    collect_failures(
        lambda: hashed.append(_given_secret(ref, params.get("secret"), old.get("hashed_secret"))),
        lambda: _check_key_fields(ctx, params, role="role" in params or (replace and not v10), stored=fields),
    )
    if params.get("database") is not None:
        # A key moves to another child database (core's FQL2KeySpec "can change database").
        from .schema import child_scope

        child_scope(ctx, params["database"])
    fields.pop("hashed_secret", None)
    # Neither Update nor Replace changes a key's hash (AuthSpec "update keys only in allowed ways"), unless
    # they give the key's own secret (WriteFunctionsSpec).
    if hashed[0] is not None:
        fields["hashed_secret"] = hashed[0]
    return render(ctx, write(ctx, key, _stored_objects(ctx, _present(fields))))


def inserted_key_fields(ctx: Context, params: dict, *path: str | int) -> dict:
    """The fields of a key version Insert writes: never a `hashed_secret`, whether given or not, so the
    key's secret stops working (core strips it: AuthSpec "update keys only in allowed ways")."""
    _check_key_fields(ctx, params, *path)
    fields = _checked_fields(params, ("data", "ttl"), *path)
    kept = {**fields, **{k: params.get(k) for k in ("database", "role", "priority")}}
    return _present({k: kept[k] for k in params if k in kept})


def _given_secret(ref: Ref, secret: t.Any, hashed: str | None) -> str | None:
    """The key's stored hash after a write that may give its `secret`: a secret of this very key is hashed
    anew (with a new salt); anything else fails as core's SecretValidator does. None for a key whose
    version has no hash (one Insert wrote), given no secret."""
    if secret is None:
        return hashed
    _check_secret_types({"secret": secret})
    _key_secret(ref.id, secret)
    return secrets.digest(secret)


NATIVE_CREATORS["keys"] = _create_key
NATIVE_UPDATERS["keys"] = _update_key
NATIVE_V10_UPDATERS["keys"] = functools.partial(_update_key, v10=True)
NATIVE_DELETERS["keys"] = lambda ctx, ref, key: None


@builtin("CreateKey", keys=("create_key",), types=(OBJECT,))
def create_key(ctx: Context, params: dict) -> dict:
    """Create a key: `{role, database?, data?, priority?, ttl?}`; its secret is shown only now."""
    from .schema import create_native

    return create_native(ctx, native("keys"), params, "create_key")


def _create_credentials(
    ctx: Context, coll: Ref, params: dict, *path: str | int, doc_id: str | None = None, checked: bool = False
) -> dict:
    """`Create(Credentials(), {instance, password?, data?, ttl?})`: a document's password, stored only
    hashed (core's CredentialsWriteConfig; one credentials document per identity), at `doc_id` when given."""
    from .documents import write

    _exists_at(ctx, "#credentials", doc_id, *path, checked=checked)

    # The password validator's failures come first (core's Validator.patch: a patch's failures, then
    # the data's), then `instance`'s (Credentials.DocumentField).
    # Then the fields' in the validators' order: Document.LiveValidator's `data`, `constraints` and `ttl`, then
    # Credentials.DocumentField's `instance` (CredentialsWriteConfig.liveValidator).
    failures = _password_failures(params, _password_role(ctx))
    for field in ("data", "constraints", "ttl"):
        try:
            _checked_fields(params, (field,))
        except ValidationFailed as failed:
            failures.extend(failed.failures or [])
    instance = params.get("instance")
    if instance is None:
        failures.append({"field": ["instance"], "code": "value required", "description": "Required value not found."})
    elif not isinstance(instance, Ref):
        description = f"Invalid type {ir_type_name(instance)}, expected type Ref."
        failures.append({"field": ["instance"], "code": "invalid type", "description": description})
    if failures:
        raise ValidationFailed("document data is not valid.", failures=failures).at(*path)
    password = params.get("password")
    fields = _checked_fields(params, ("data", "constraints", "ttl"), *path)
    identity = doc_key(ctx, instance, *path)
    if identity.scope != scope_of(ctx, coll.database):
        raise _failure("instance", "invalid reference", "Reference cannot be scoped.").at(*path)
    if credentials_of(ctx, identity) is not None:
        raise InstanceNotUnique("document is not unique.").at(*path)
    # The fields keep the order given, the hash last (the password validator adds it to the patch).
    stored = _stored_objects(ctx, {k: instance if k == "instance" else fields[k] for k in params if k == "instance" or k in fields})
    given_hash = params.get("hashed_password") if _password_role(ctx) == "hashed_password" else None
    if password is not None:
        stored["hashed_password"] = passwords(ctx).hash(password)
    elif given_hash is not None:
        # A server caller may give the hash itself (core's ServerPasswordValidator).
        stored["hashed_password"] = given_hash
    new_id = doc_id if doc_id is not None else str(ctx.state.txn.next_id())
    version = write(ctx, DocKey(identity.scope, "#credentials", new_id), stored, *path)
    ctx.state.created = True
    return render(ctx, version)


def _update_credentials(ctx: Context, ref: Ref, key: DocKey, version: Version, params: dict, replace: bool) -> dict:
    """A v4 Update or Replace of a credentials document, as core's CredentialsWriteConfig writes it: the
    password validator's failures, then `data`, `ttl` and `instance`, all reported. A Replace keeps
    nothing of the old document (its prevForReplace is empty): no instance is `value required`, and
    without a new password the credentials have none. A caller without server permissions (an admin too) proves
    the current password to change it on Update (ClientPasswordValidator checks the document's hash)."""
    from .documents import merge, write

    old = dict(version.data or {})
    given = {k: v for k, v in params.items() if k in ("instance", "data", "constraints", "ttl")}
    fields = _present(given) if replace else merge(old, given)
    role = _password_role(ctx)
    failures = _password_failures(params, role)
    password, hashed = params.get("password"), None if replace else old.get("hashed_password")
    if not failures and password is not None and role == "current_password" and hashed is not None:
        current = params.get("current_password")
        if not passwords(ctx).verify(hashed, current if isinstance(current, str) else ""):
            description = "Invalid password at `current_password`."
            failures.append({"field": ["current_password"], "code": "invalid password", "description": description})
    for field in ("data", "constraints", "ttl"):
        try:
            _checked_fields(fields, (field,))
        except ValidationFailed as failed:
            failures.extend(failed.failures or [])
    try:
        _check_instance(fields)
    except ValidationFailed as failed:
        failures.extend(failed.failures or [])
    if failures:
        raise ValidationFailed("document data is not valid.", failures=failures)
    fields = _stored_objects(ctx, fields)
    identity = doc_key(ctx, fields["instance"])
    if identity.scope != key.scope:
        raise _failure("instance", "invalid reference", "Reference cannot be scoped.")
    if fields["instance"] != old.get("instance") and credentials_of(ctx, identity) is not None:
        raise InstanceNotUnique("document is not unique.")
    if password is not None:
        fields["hashed_password"] = passwords(ctx).hash(password)
    elif role == "hashed_password" and "hashed_password" in params:
        # A server caller may give the hash itself, or remove it with null (ServerPasswordValidator).
        fields.pop("hashed_password", None)
        if params["hashed_password"] is not None:
            fields["hashed_password"] = params["hashed_password"]
    return render(ctx, write(ctx, key, fields))


NATIVE_CREATORS["credentials"] = _create_credentials
NATIVE_UPDATERS["credentials"] = _update_credentials


@builtin("KeyFromSecret", keys=("key_from_secret",), types=(STRING,))
@billed_read
def key_from_secret(ctx: Context, secret: str) -> dict:
    """The key or token document of `secret`, if the caller may read it (here or in a child database)."""
    from ..auth import access as auth_access
    from .access import allowed

    if jwt.is_jwt(secret):
        return _jwt_database(ctx, secret)
    version = _secret_document(ctx, secret)
    # Core turns every failure, a permission denial included, into the same `instance not found`.
    visible = version is not None and auth_access.is_within(ctx.state.txn, ctx.state.scope, version.key.scope)
    if not visible or not allowed(ctx, "read", version.key, (ref_of(ctx, version.key),)):
        raise InstanceNotFound(f"No key found for secret {secret}.")
    return render(ctx, version)


def _jwt_database(ctx: Context, secret: str) -> dict:
    """KeyFromSecret of a JWT: `{database: <ref>}` of the database it logs in to, if the caller may read
    that database's document (core's KeyFromSecretFunction.dbRefFromJWT)."""
    from ..auth import access as auth_access
    from .access import DENIED, allowed
    from .roles import provider_roles

    db = ctx.state.db
    try:
        auth = auth_access.authenticate(ctx.state.txn, secret, "", db.jwks if db is not None else None)
    except Unauthorized:
        auth = None
    entry = ctx.state.txn.get(DocKey("", auth_access.SCOPES, auth.scope)) if auth is not None and auth.scope else None
    if auth is None or entry is None or entry.data is None or not provider_roles(ctx, auth.provider, auth.claims):
        raise InstanceNotFound(f"No key found for secret {secret}.")
    key = DocKey(entry.data["parent"], "#databases", entry.data["name"])
    # A database outside the caller's (a JWT of the caller's own database, say) is one it may not read,
    # and has no ref here: core checks the permission of the ref it builds and denies it.
    if not auth_access.is_within(ctx.state.txn, ctx.state.scope, key.scope):
        raise PermissionDenied(DENIED)
    ref = ref_of(ctx, key)
    if not allowed(ctx, "read", key, (ref,)):
        raise PermissionDenied(DENIED)
    return {"database": ref}


def _secret_document(ctx: Context, secret: str) -> Version | None:
    """The key or token document `secret` authenticates as now (scoped and root secrets name none)."""
    from ..auth import access as auth_access

    if secrets.parse(secret) is None:
        return None
    try:
        auth = auth_access.authenticate(ctx.state.txn, secret, "")
    except Unauthorized:
        return None
    return live(ctx, auth.source) if auth.source is not None else None


# -- the caller ----------------------------------------------------------------------------------------


@builtin("CurrentIdentity", keys=("current_identity",), types=(NULL,), aliases=("Identity",), forms=("identity",))
def current_identity(ctx: Context, _unused: t.Any = None) -> Ref:
    """The document the calling token belongs to; `missing identity` for a key or the root secret."""
    auth = ctx.state.auth
    if auth.claims is not None and "sub" in auth.claims:
        # A JWT's identity is its `sub` claim, whatever it holds (core's JWTLogin).
        return auth.claims["sub"]
    if auth.identity is None:
        raise MissingIdentity("Authentication does not contain an identity")
    return ref_of(ctx, auth.identity)


@builtin(
    "HasCurrentIdentity", keys=("has_current_identity",), types=(NULL,), aliases=("HasIdentity",), forms=("has_identity",)
)
def has_current_identity(ctx: Context, _unused: t.Any = None) -> bool:
    """True if the caller has an identity (it authenticated with a token, or a JWT with a `sub`)."""
    auth = ctx.state.auth
    return auth.identity is not None or (auth.claims is not None and "sub" in auth.claims)


def _token_source(ctx: Context) -> DocKey | None:
    """The caller's token, or its key when the key is stored in the current database."""
    auth = ctx.state.auth
    if auth.source is None or auth.source.scope != auth.scope:
        return None
    return auth.source


@builtin("CurrentToken", keys=("current_token",), types=(NULL,))
def current_token(ctx: Context, _unused: t.Any = None) -> Ref:
    """The ref of the calling token (or key, if it lives in this database); a JWT's claims."""
    if ctx.state.auth.claims is not None:
        return dict(ctx.state.auth.claims)
    source = _token_source(ctx)
    if source is None:
        raise InvalidToken("Token metadata is not accessible.")
    return ref_of(ctx, source)


@builtin("HasCurrentToken", keys=("has_current_token",), types=(NULL,))
def has_current_token(ctx: Context, _unused: t.Any = None) -> bool:
    """True if CurrentToken() would return a ref (or a JWT's claims)."""
    return ctx.state.auth.claims is not None or _token_source(ctx) is not None
