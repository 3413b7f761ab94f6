"""v10 modules of native collections: Token, Credential, Key, Database, Function, Role, AccessProvider; Query."""

from __future__ import annotations

import contextlib
import typing as t

from ...errors import InstanceNotUnique, QueryRuntimeError
from ...storage.base import DocKey
from ...values import Document, NullDocument, Ref, as_long, native
from .. import access, auth
from ..evaluator import Context, null_because
from ..refs import doc_key, live, ref_of
from ..registry import method, static
from ..schema import create_native
from . import fields as field_schema
from . import hints, names
from .documents import V10_INTERNAL, check_reserved, documents_in, read, to_document, to_stored
from .misc import ABSENT
from .sets import ArraySet, DocumentsSet, V10Set, WhereSet, first

TOKENS, CREDENTIALS, KEYS = native("tokens"), native("credentials"), native("keys")


def _with_secret(ctx: Context, shown: dict) -> Document:
    """A freshly created token or key as a document, with the secret shown this once. It keeps showing
    this version, secret included, whatever the query writes later (core's Keys.scala and Tokens.scala
    answer `Value.Doc(id, versionOverride = ...)`, which ReadBroker.checkedGet reads in place of storage)."""
    version = ctx.state.txn.get(doc_key(ctx, shown["ref"]))
    doc = to_document(ctx, version)
    doc.data["secret"] = shown["secret"]
    doc.pinned = True
    return doc


def _user_document(ctx: Context, value: t.Any, failed: str | None = None, *, exists: bool = True) -> DocKey:
    """The key of a user collection's document; when writing a token or credential (`failed` names the
    write, as `Failed to create Token.`), anything else is a constraint failure at `document`.
    `exists=False` lets it be one not (or not yet) there, as core's Token.create and Credential.create do
    (FQL2CollectionSpec)."""
    ref = value.ref if isinstance(value, (Document, NullDocument)) else value
    if not isinstance(ref, Ref) or ref.collection is None or ref.kind is not None:
        expected = "Expected document from a user-defined collection."
        if failed is None:
            raise QueryRuntimeError("constraint_failure", expected)
        failure = {"field": ["document"], "code": "invalid", "description": expected}
        raise QueryRuntimeError("constraint_failure", failed).with_failures([failure])
    key = doc_key(ctx, ref)
    if exists and live(ctx, key) is None:
        raise QueryRuntimeError("document_not_found", f"Collection `{ref.collection.id}` does not contain document with id {ref.id}.")
    return key


def _token_params(fields: dict) -> dict:
    if "secret" in fields:
        raise QueryRuntimeError("constraint_failure", "secret: Failed to update field because it is readonly")
    return {k: to_stored(v) for k, v in fields.items() if k in ("data", "ttl") and v is not None}


#: Fields core writes itself, by native kind: a write that gives one fails (`readonly`).
READ_ONLY = {
    "keys": ("secret",),
    "tokens": ("secret",),
    "access_providers": ("audience",),
    "databases": ("global_id",),
}


def check_read_only(kind: str, given: t.Any, what: str) -> None:
    """core's readOnly fields: `Failed to <what>.`, each at its field."""
    if not isinstance(given, dict):
        return
    found = [name for name in READ_ONLY.get(kind, ()) if name in given]
    if found:
        failures = [
            {"field": [name], "code": "readonly", "description": "Failed to update field because it is readonly"}
            for name in found
        ]
        raise QueryRuntimeError("constraint_failure", f"Failed to {what}.").with_failures(failures)


#: The fields of core's Key, Token and Credential schemas (NativeCollection's PublicCollections, none with a
#: wildcard), with `id` a create may give and the internal fields core keeps to itself.
_KNOWN_FIELDS = {
    "keys": frozenset(("id", "role", "database", "ttl", "secret", "hashed_secret", "data")),
    "tokens": frozenset(("id", "document", "secret", "hashed_secret", "global_id", "ttl", "data")),
    "credentials": frozenset(("id", "document", "password", "hashed_password")),
}


#: Their fields core keeps to itself (NativeCollection's `internal` ones): a write may give one only as it is.
_INTERNAL_FIELDS = {
    "keys": frozenset(("hashed_secret",)),
    "tokens": frozenset(("hashed_secret", "global_id")),
    "credentials": frozenset(("hashed_password",)),
}


def check_known_fields(kind: str, given: t.Any, what: str, previous: dict | None = None, *, replace: bool = False) -> None:
    """A v10 write of a key, token or credential leaves only its schema's fields (core: `foo: Unexpected
    field provided`, each at its field): core's SchemaType.validateStruct reads the document the write
    leaves, so an update keeps failing on a field a v4 write stored that the schema lacks (a key's
    `priority`) until it gives it as null, and a replace drops such a field. An internal field given anew
    is unexpected too, as validateField refuses it (a null, or the stored value itself, is let be)."""
    known = _KNOWN_FIELDS.get(kind)
    if known is None or not isinstance(given, dict):
        return
    before = previous or {}
    internal = _INTERNAL_FIELDS[kind]
    stored = {("document" if k == "instance" else k): v for k, v in before.items()}
    # The fields the write leaves, in core's order: the stored ones (an update's), then the new ones.
    left = given if replace or previous is None else {**stored, **given}
    unknown = [
        k
        for k, v in left.items()
        if (k not in known and k not in ("coll", "ts") and not (v is None and k in stored and not replace))
        or (k in internal and k in given and v is not None and v != before.get(k))
    ]
    if unknown:
        failures = [{"field": [k], "code": "invalid", "description": "Unexpected field provided"} for k in unknown]
        raise QueryRuntimeError("constraint_failure", f"Failed to {what}.").with_failures(failures)


#: How an update of a native document names it in `Failed to update ...`: by id, or by name in backticks.
_UPDATE_NAMES = {
    "keys": "Key with id {}",
    "tokens": "Token with id {}",
    "access_providers": "AccessProvider `{}`",
    "databases": "Database `{}`",
    "credentials": "Credential with id {}",
}


#: The nouns core names native collections by (their CollectionConfig names).
_NOUNS = {
    "collections": "Collection", "functions": "Function", "roles": "Role", "access_providers": "AccessProvider",
    "databases": "Database", "keys": "Key", "tokens": "Token", "credentials": "Credential",
}  # fmt: skip


def update_what(ref: Ref) -> str:
    """How `Failed to ...` names an update of native document `ref` (core's constraintViolationMessage):
    a named schema document by its name, the others by id."""
    noun = _NOUNS.get(ref.kind or "", ref.kind)
    if ref.kind in ("keys", "tokens", "credentials"):
        return f"update {noun} with id {ref.id}"
    return f"update {noun} `{ref.id}`"


def check_read_only_update(ctx: Context, ref: Ref, given: t.Any, *, replace: bool = False) -> None:
    """An update of a native document (`ref.kind`) that gives one of core's read-only fields fails, and so
    does a token's or credential's new `document` outside the user collections."""
    if ref.kind in _UPDATE_NAMES:
        what = "update " + _UPDATE_NAMES[ref.kind].format(ref.id)
        check_read_only(ref.kind, given, what)
        version = live(ctx, doc_key(ctx, ref)) if ref.kind in _KNOWN_FIELDS else None
        check_known_fields(ref.kind, given, what, version.data if version is not None else None, replace=replace)
    if ref.kind in _AUTH_TYPES and isinstance(given, dict):
        # A replace gives every field again (the required ones too); an update keeps the stored ones.
        check_auth_types(ref.kind, given, "Failed to " + update_what(ref) + ".", partial=not replace)
    if ref.kind in ("tokens", "credentials") and isinstance(given, dict) and given.get("document") is not None:
        noun = "Token" if ref.kind == "tokens" else "Credential"
        _user_document(ctx, given["document"], f"Failed to update {noun} with id {ref.id}.")


@static("Token", "create")
def token_create(ctx: Context, fields: dict) -> Document:
    """A token for a document, without a password: `{document, ttl?, data?}`; the secret is shown once."""
    fields = _object(fields)
    # Core takes the id (and checks the caller may create) before it validates the fields.
    new_id = _given_id(ctx, fields, TOKENS, "Token")
    check_reserved(fields, "create Token", create=True, native=True)
    check_read_only("tokens", fields, "create Token")
    check_known_fields("tokens", fields, "create Token")
    check_auth_types("tokens", fields, "Failed to create Token.", partial=False)
    identity = _user_document(ctx, fields["document"], "Failed to create Token.", exists=False)
    return _with_secret(ctx, auth.create_token(ctx, identity, _token_params(fields), new_id=new_id))


def _id_lookups(module: str, coll: Ref, noun: str) -> None:
    """`X.byId(id)`, `X.all()`, `X.where(p)`, `X.firstWhere(p)` for a native collection of documents."""

    def by_id(ctx: Context, doc_id: t.Any) -> Document | NullDocument:
        from .misc import DOC_ID, arg

        return read(ctx, Ref(arg(doc_id, "id", DOC_ID), coll))

    def all_(ctx: Context, bounds: t.Any = ABSENT) -> V10Set:
        return documents_in(ctx, coll, bounds)

    def where(ctx: Context, predicate: t.Any) -> V10Set:
        return scanned(ctx, module, "where", WhereSet(ctx, all_(ctx), predicate, "pred"))

    def first_where(ctx: Context, predicate: t.Any) -> t.Any:
        return first(ctx, scanned(ctx, module, "firstWhere", where(ctx, predicate)))

    by_id.__doc__ = f"The {noun} with id `doc_id`."
    all_.__doc__ = f"Every {noun} of this database."
    # `Token(id)` is byId too (core's IDedCollectionCompanion applies to an id).
    lookups = (("byId", by_id), ("__call__", by_id), ("all", all_), ("where", where), ("firstWhere", first_where))
    for name, fn in lookups:
        static(module, name)(fn)


_id_lookups("Token", TOKENS, "token")


def _by_document_key(ctx: Context, document: t.Any) -> DocKey:
    """The key of `document`, any document or a null one, as core's Token.byDocument and
    Credential.byDocument take it: they look its id up in their by-document index whatever its
    collection, and anything not a document is an invalid argument."""
    from .misc import DOC, arg

    document = arg(document, "document", DOC)
    return doc_key(ctx, document.ref if isinstance(document, (Document, NullDocument)) else document)


@static("Token", "byDocument")
def token_by_document(ctx: Context, document: t.Any) -> V10Set:
    """The set of the tokens of `document`."""
    identity = _by_document_key(ctx, document)
    return ArraySet([read(ctx, ref_of(ctx, key)) for key in auth._by_instance(ctx, "#tokens", identity)])


# -- credentials ---------------------------------------------------------------------------------------


@static("Credential", "create")
def credential_create(ctx: Context, fields: dict) -> Document:
    """Store a password for a document: `{document, password}`; the password is never shown."""
    fields = _object(fields)
    new_id = _given_id(ctx, fields, CREDENTIALS, "Credential")
    check_reserved(fields, "create Credential", create=True, native=True)
    check_known_fields("credentials", fields, "create Credential")
    check_auth_types("credentials", fields, "Failed to create Credential.", partial=False)
    identity = _user_document(ctx, fields["document"], "Failed to create Credential.", exists=False)
    if auth.credentials_of(ctx, identity) is not None:
        # A document has one credential: core's credentials are uniquely indexed by their document
        # (NativeIndex.CredentialsByDocument), so a second is the index's unique constraint failing.
        failure = {"field": ["document"], "paths": [["document"]], "code": "unique", "description": "Failed unique constraint"}
        raise InstanceNotUnique("Failed unique constraint.").with_failures([failure])
    if fields.get("password") is None:
        # Core's credential may have no password (its hash is optional): no password matches it.
        from ..documents import write

        write(ctx, auth.new_credentials_key(ctx, identity, new_id), {"instance": ref_of(ctx, identity)})
    else:
        auth.set_password(ctx, identity, {"password": fields.get("password")}, new_id=new_id, v4=False)
    return to_document(ctx, auth.credentials_of(ctx, identity))


#: The schema types of the v10 fields of keys, tokens and credentials (core's NativeCollection).
_AUTH_TYPES = {"keys": field_schema.KEY, "tokens": field_schema.TOKEN, "credentials": field_schema.CREDENTIAL}


def check_auth_types(kind: str, fields: dict, failed: str, *, partial: bool) -> None:
    """A v10 key's, token's or credential's fields have core's schema types (`role: Expected String,
    provided Int`, `document: Missing required field of type { *: Any }`), checked before v4's
    validation of them."""
    struct = _AUTH_TYPES[kind]
    typed = {k: to_stored(v) for k, v in fields.items() if struct.field(k) is not None}
    check_native_types(struct, typed, failed, partial=partial)


def _given_id(ctx: Context, fields: dict, coll: Ref, noun: str) -> str:
    """The id of the document a Key.create, Token.create or Credential.create makes: the `id` it gives, or
    a new one (core's WriteBroker: getOrMakeID, before the caller's permission, whose predicate sees the
    new document, id included); a given id needs the `create_with_id` privilege, as a user document's does.
    A null, negative or non-id `id` is a constraint failure, and an id a document of `coll` already has is
    refused as a user document's is."""
    from .documents import given_id

    kind = "#" + coll.id
    if "id" not in fields:
        new_id = str(ctx.state.txn.next_id())
        access.require(ctx, "create", DocKey(ctx.state.scope, kind, new_id), (fields, Ref(new_id, coll)))
        return new_id
    new_id = given_id(fields["id"], f"create {noun}")
    key = DocKey(ctx.state.scope, kind, new_id)
    # Both create_with_id and create, as a user document's (core's WriteBroker.checkCreatePermission).
    access.require(ctx, "create_with_id", key, (Ref(new_id, coll), fields))
    access.require(ctx, "create", key, (fields, Ref(new_id, coll)))
    if live(ctx, key) is not None:
        from .documents import id_taken

        raise id_taken(noun, new_id)
    return new_id


_id_lookups("Credential", CREDENTIALS, "credential")


@static("Credential", "byDocument")
def credential_by_document(ctx: Context, document: t.Any) -> Document | NullDocument:
    """The credential of `document` (a null document if it has none)."""
    identity = _by_document_key(ctx, document)
    creds = auth.credentials_of(ctx, identity)
    if creds is None:
        # Core answers a reference to credential -1, which no document has.
        return NullDocument(Ref("-1", CREDENTIALS), "not found")
    return read(ctx, ref_of(ctx, creds.key))


def _credential_version(ctx: Context, doc: Document):
    if doc.ref.kind != "credentials":
        raise QueryRuntimeError("invalid_argument", "Expected a Credential document.")
    return live(ctx, doc_key(ctx, doc.ref))


@method("Document", "login")
def credential_login(ctx: Context, doc: Document, password: t.Any, ttl: t.Any = ABSENT) -> Document:
    """Check `password` and create a token for the credential's document; the secret is shown once."""
    from .expressions import placeholder
    from .misc import STRING, TIME, overload

    # Two signatures, (String) and (String, Time): a ttl is a Time, not null nor the TransactionTime()
    # placeholder, which is no Time to core (Credential.scala; Value.TransactionTime).
    given = ttl if ttl is ABSENT else placeholder(ctx, ttl)
    password, *rest = overload("login", (password, given), (STRING,), (STRING, TIME))
    version = _credential_version(ctx, doc)
    identity = doc_key(ctx, version.data["instance"])
    if not auth.verify(ctx, identity, password):
        raise QueryRuntimeError("invalid_secret", "Provided secret did not match.")
    params = {"ttl": rest[0]} if rest else {}
    # Unlike v4's Login, which writes its token as a server key would, core's login creates the token as
    # Token.create does, as the caller (CredentialPrototype.login, TokenPrototype.create): a caller that
    # may not create tokens (a server-readonly key, a role without `create` on Token) is refused.
    # Its predicate gets the new token, id included (core's WriteBroker makes the id first).
    fields = {"document": ref_of(ctx, identity), **params}
    new_id = str(ctx.state.txn.next_id())
    access.require(ctx, "create", DocKey(identity.scope, "#tokens", new_id), (fields, Ref(new_id, TOKENS)))
    return _with_secret(ctx, auth.create_token(ctx, identity, params, new_id=new_id))


@method("Document", "verify")
def credential_verify(ctx: Context, doc: Document, password: str) -> bool:
    """True if `password` is the credential's password."""
    from .misc import STRING, arg

    password = arg(password, "secret", STRING)
    version = _credential_version(ctx, doc)
    return auth.verify(ctx, doc_key(ctx, version.data["instance"]), password)


# -- keys and databases --------------------------------------------------------------------------------


@static("Key", "create")
def key_create(ctx: Context, fields: dict) -> Document:
    """A key: `{role, database?, ttl?, data?}`; the secret is shown only now."""
    params = dict(_object(fields))
    # A given id is the key's (core's WriteBroker takes one in any collection), taken before the fields
    # are validated.
    new_id = _given_id(ctx, params, KEYS, "Key")
    check_reserved(params, "create Key", create=True, native=True)
    check_read_only("keys", params, "create Key")
    check_known_fields("keys", params, "create Key")
    check_auth_types("keys", params, "Failed to create Key.", partial=False)
    # Core's Key.create always makes the secret (Keys.scala): a given hash is not v4's to keep.
    params.pop("hashed_secret", None)
    params.pop("id", None)
    # The caller's permission was asked with the fields as given (a `database` by its name).
    params = key_params(ctx, params, "Failed to create Key.")
    created = create_native(ctx, KEYS, params, doc_id=new_id, asked=True)
    return _with_secret(ctx, created)


def key_params(ctx: Context, params: dict, failed: str) -> dict:
    """A v10 key write's fields as v4 stores them: `database` is given by name. A database name that does
    not exist fails the write (core's KeysSchemaHooks), a role name once the query has run (core's
    NameValidationHook is a revalidation: the query may create the role after the key); `failed` is the
    write's message."""
    failures = []
    role = params.get("role")
    named = [(["role"], role)] if isinstance(role, str) else []
    if isinstance(role, list):
        named = [(["role", i], each) for i, each in enumerate(role) if isinstance(each, str)]
    scope = ctx.state.scope

    def check_roles() -> None:
        missing = [
            {"field": path, "code": "invalid", "description": f"Field refers to an unknown role name `{name}`."}
            for path, name in named
            if name not in auth._BUILTIN_ROLES and live(ctx, DocKey(scope, "#roles", name)) is None
        ]
        if missing:
            raise QueryRuntimeError("constraint_failure", failed).with_failures(missing)

    if named:
        _revalidate(ctx, check_roles)
    database = params.get("database")
    if isinstance(database, (Document, NullDocument)) and database.ref.kind == "databases":
        # A database's document names it too (core's schema type is `String | Database`).
        params = {**params, "database": database.ref}
    if isinstance(database, str):
        if live(ctx, DocKey(ctx.state.scope, "#databases", database)) is None:
            failures.append(
                {"field": ["database"], "code": "invalid", "description": f"Field refers to an unknown database name `{database}`."}
            )
        params = {**params, "database": Ref(database, native("databases"))}
    if failures:
        raise QueryRuntimeError("constraint_failure", failed).with_failures(failures)
    return params


@static("Database", "create")
def database_create(ctx: Context, fields: dict) -> Document:
    """A child database: `{name, data?, ...}`."""
    fields = may_create(ctx, "databases", _object(fields), "Database")
    check_reserved(fields, "create Database", create=True, native=True)
    check_read_only("databases", fields, "create Database")
    params = database_params(ctx, fields, None, "Failed to create Database.")
    with _unique_name():
        rendered = create_native(ctx, native("databases"), params, asked=True)
    return read(ctx, rendered["ref"])


#: The fields of a v10 database document a write may give (core's Database schema; the rest are internal).
_DATABASE_FIELDS = frozenset(("name", "global_id", "priority", "typechecked", "protected", "account", "data", "ttl"))


#: The types of a database's fields (core's NativeCollection.Database: `priority` a Long, the flags Booleans).
_DATABASE_TYPES = field_schema.DATABASE


def database_params(ctx: Context, params: dict, previous: dict | None, failed: str, *, replace: bool = False) -> dict:
    """A v10 write of a database as core's Database schema checks it: internal and unknown fields are
    unexpected (one a v4 write stored before is let be, an internal one only as it is stored: core's
    SchemaType.validateField), a new name must be an identifier, an `account` is dropped where an
    ancestor database has one, and an account id is taken at most once here."""
    before = previous or {}
    known, internal = _DATABASE_FIELDS | set(before), V10_INTERNAL["databases"]
    failures = [
        {"field": [k], "code": "invalid", "description": "Unexpected field provided"}
        for k, v in params.items()
        if (k not in known and k not in ("id", "coll", "ts")) or (k in internal and v is not None and v != before.get(k))
    ]
    typed = {k: v for k, v in params.items() if _DATABASE_TYPES.field(k) is not None}
    failures += [
        {"field": list(f.path), "code": f.kind, "description": f.message}
        # A create or replace must give the name; an update keeps the stored one.
        for f in field_schema.native_type_failures(_DATABASE_TYPES, typed, partial=previous is not None and not replace)
    ]
    name = params.get("name")
    if isinstance(name, str) and name != (previous or {}).get("name"):
        if not names.is_identifier(name):
            failures.append({"field": ["name"], "code": "invalid", "description": "Invalid identifier."})
    if failures:
        raise QueryRuntimeError("constraint_failure", failed).with_failures(failures)
    if "account" in params and any(isinstance((db.get("account") or {}).get("id"), int) for db in _lineage(ctx)):
        # Core lets a database's account be written only where no ancestor has one.
        params = {k: v for k, v in params.items() if k != "account"}
    account = (params.get("account") or {}).get("id") if isinstance(params.get("account"), dict) else None
    own = (previous or {}).get("name")
    if account is not None and any(
        v.data and v.data.get("name") != own and (v.data.get("account") or {}).get("id") == account
        for v in ctx.state.txn.scan(ctx.state.scope, "#databases")
    ):
        failure = {"field": ["account", "id"], "code": "unique", "description": "Failed unique constraint"}
        raise QueryRuntimeError("constraint_failure", "Failed unique constraint.").with_failures([failure])
    return params


@contextlib.contextmanager
def _unique_name() -> t.Iterator[None]:
    """A name taken by another document of the kind: core's unique index on `name` fails the write
    (`Failed unique constraint.`, its failure at `name`)."""
    from ...errors import InstanceAlreadyExists

    try:
        yield
    except InstanceAlreadyExists:
        failure = {"field": ["name"], "code": "unique", "description": "Failed unique constraint"}
        raise QueryRuntimeError("constraint_failure", "Failed unique constraint.").with_failures([failure]) from None


# -- Query ---------------------------------------------------------------------------------------------


@static("Query", "identity")
def query_identity(ctx: Context) -> t.Any:
    """The document of the calling token's identity, or null for a key."""
    identity = ctx.state.auth.identity
    # Unstamped, as core's Value.Doc(id): inside `at` it is read at the time of each use.
    if identity is None:
        # core's null cause: `Query.identity()!` fails with `Null value, due to missing identity`.
        return null_because(ctx, "missing identity")
    return read(ctx, ref_of(ctx, identity), stamped=False)


@static("Query", "token")
def query_token(ctx: Context) -> t.Any:
    """The calling token's document, a JWT's claims, or null for a key."""
    if ctx.state.auth.claims is not None:
        return _claim(dict(ctx.state.auth.claims))
    source = ctx.state.auth.source
    if source is None or not ctx.state.auth.is_token:
        return null_because(ctx, "no token")
    return read(ctx, ref_of(ctx, source), stamped=False)


def _claim(value: t.Any) -> t.Any:
    """A JWT claim as core reads the payload's JSON: every integer a Long (its JSLong), even a small one."""
    if isinstance(value, dict):
        return {k: _claim(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_claim(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return as_long(value)
    return value


# -- functions, roles, databases, keys: lookups --------------------------------------------------------


def _named_lookups(module: str, kind: str) -> None:
    """`X.byName(name)`, `X.all()`, `X.where(p)`, `X.firstWhere(p)` for a named schema kind."""
    coll = native(kind)

    def by_name(ctx: Context, name: t.Any) -> Document | NullDocument:
        from .misc import STRING, arg

        return read(ctx, Ref(arg(name, "name", STRING), coll))

    def all_(ctx: Context, bounds: t.Any = ABSENT) -> V10Set:
        return documents_in(ctx, coll, bounds)

    def where(ctx: Context, predicate: t.Any) -> V10Set:
        return scanned(ctx, module, "where", WhereSet(ctx, DocumentsSet(ctx, coll), predicate, "pred"))

    def first_where(ctx: Context, predicate: t.Any) -> t.Any:
        return first(ctx, scanned(ctx, module, "firstWhere", where(ctx, predicate)))

    by_name.__doc__ = f"The {module} named `name` (a null document if there is none)."
    all_.__doc__ = f"Every {module} of this database."
    static(module, "byName")(by_name)
    static(module, "all")(all_)
    static(module, "where")(where)
    static(module, "firstWhere")(first_where)


for _module, _kind in (
    ("Function", "functions"), ("Role", "roles"), ("Database", "databases"), ("AccessProvider", "access_providers")
):
    _named_lookups(_module, _kind)


@static("Key", "byId")
@static("Key", "__call__")
def key_by_id(ctx: Context, key_id: t.Any) -> Document | NullDocument:
    """The key with id `key_id`."""
    from .misc import DOC_ID, arg

    return read(ctx, Ref(arg(key_id, "id", DOC_ID), KEYS))


@static("Key", "all")
def key_all(ctx: Context, bounds: t.Any = ABSENT) -> V10Set:
    """Every key of this database, within `{ from, to }` when given."""
    return documents_in(ctx, KEYS, bounds)


@static("Key", "where")
def key_where(ctx: Context, predicate: t.Any) -> V10Set:
    return scanned(ctx, "Key", "where", WhereSet(ctx, key_all(ctx), predicate, "pred"))


@static("Key", "firstWhere")
def key_first_where(ctx: Context, predicate: t.Any) -> t.Any:
    return first(ctx, scanned(ctx, "Key", "firstWhere", key_where(ctx, predicate)))


def scanned(ctx: Context, module: str, method: str, found: V10Set) -> V10Set:
    """`found`, once the hint that `module.method` reads every document is given: core's
    CollectionCompanion gives it for every collection, its own native ones too (after the argument check)."""
    hints.collection_scan(ctx, module, method)
    return found


@static("Function", "create")
def function_create(ctx: Context, fields: dict) -> Document:
    """A user-defined function: `{name, body: "x => ...", role?, data?}`; call it as `name(args)`."""
    fields = may_create(ctx, "functions", _object(fields), "Function")
    check_reserved(fields, "create Function", create=True, native=True)
    if isinstance(fields, dict):
        for field in ("name", "alias"):
            names.check_global(ctx, "functions", fields.get(field), field)
        check_native_types(field_schema.FUNCTION, fields, "Failed to create Function.")
        _fail("Failed to create Function.", field_schema.function_failures(fields))
    refuse_in_tenant_root(ctx, "Function")
    created = read(ctx, create_native(ctx, native("functions"), fields, asked=True)["ref"])
    revalidate_function(ctx, created.ref, "Failed to create Function.")
    if isinstance(fields, dict):
        check_function_role(ctx, fields.get("role"), None, "Failed to create Function.")
    return created


def check_native_types(struct: t.Any, fields: t.Any, failed: str, *, partial: bool = False) -> None:
    """A v10 write of a function or role gives its fields core's types (its schema collection's), else a
    constraint failure `failed` with core's messages; `partial`: an update, whose missing fields stand."""
    if not isinstance(fields, dict):
        return
    _fail(failed, field_schema.native_type_failures(struct, fields, partial=partial))


def _fail(failed: str, failures: list) -> None:
    if failures:
        raise QueryRuntimeError("constraint_failure", failed).with_failures(
            [{"field": list(f.path), "code": f.kind, "description": f.message} for f in failures]
        )


def check_schema_update(ref: Ref, given: dict, *, replace: bool, stored: dict | None = None) -> None:
    """An update (or replace) of a function, role or access provider is checked as its create is: the
    fields' types and validators (a role's predicates: `Failed to update Role `r`.`), then a function's
    body and signature. A role's update is checked as the role would be written, `stored` patched by
    `given` (core's Schema.validateAndTransform validates the patched data, each field in its order)."""
    from ..documents import merge

    noun = {"functions": "Function", "roles": "Role", "access_providers": "AccessProvider"}[ref.kind or ""]
    failed = f"Failed to update {noun} `{ref.id}`."
    struct = {"Function": field_schema.FUNCTION, "Role": field_schema.ROLE}.get(noun, field_schema.ACCESS_PROVIDER)
    if noun == "AccessProvider" and given.get("name") == ref.id:
        struct = field_schema.ACCESS_PROVIDER_SAME_NAME
    if noun == "Role" and not replace:
        # Its name too (RoleValidator has no exception for a name kept): a v4 role named `admin` or `a-b`
        # takes no v10 update, nor one whose privileges or membership name a collection by a ref (a v4
        # role's: the schema's `resource` is a String) unless the update gives them anew.
        given = merge({"name": ref.id, **(stored or {})}, given, v4=False)
        check_native_types(struct, given, failed)
        return
    check_native_types(struct, given, failed, partial=not replace)
    if noun == "Function":
        _fail(failed, field_schema.function_failures(given))


#: The ids a collection's definition may have (core's UserCollectionID, a Short from 1024).
_COLLECTION_IDS = range(1024, 32768)


def may_create(ctx: Context, kind: str, fields: t.Any, noun: str) -> t.Any:
    """The fields of a create of a schema document (a collection, function, role, database or access
    provider) the caller may make, as core's WriteBroker takes them: a given `id` (getOrMakeID) and what
    cannot be stored (structToIR) are refused first, then the caller's permission with the fields as given
    (`create_with_id` and `create` for a given id, checkCreatePermission), then the id Store.create refuses
    (a collection's must be a user collection's: 1024 to 32767), all before the collection's schema checks
    the fields. fql names schema documents, so a given id is not kept."""
    from .documents import check_persistable, given_id

    number = None
    if isinstance(fields, dict) and "id" in fields:
        number = int(given_id(fields["id"], f"create {noun}"))
        fields = {k: v for k, v in fields.items() if k != "id"}
    check_persistable(fields)
    if number is None:
        name = fields.get("name") if isinstance(fields, dict) else None
        ref = Ref(name, native(kind)) if isinstance(name, str) and name else None
        access.require(ctx, "create", DocKey(ctx.state.scope, "#" + kind, ""), (fields, ref))
        return fields
    key, ref = DocKey(ctx.state.scope, "#" + kind, str(number)), Ref(str(number), native(kind))
    access.require(ctx, "create_with_id", key, (ref, fields))
    access.require(ctx, "create", key, (fields, ref))
    if kind == "collections" and number not in _COLLECTION_IDS:
        message = f"Create in collection Collection failed due to invalid document id {number}"
        raise QueryRuntimeError("invalid_document_id", message)
    return fields


def refuse_in_tenant_root(ctx: Context, noun: str) -> None:
    """No collection, function, role or access provider may be created in a customer's account root
    (core's TenantRootWriteHook, a constraint failure naming no field)."""
    from ...schema import manager

    if manager.is_customer_tenant_root(ctx):
        failure = {"paths": [], "code": "tenant_root", "description": f"A {noun} cannot be created in your account root"}
        raise QueryRuntimeError("constraint_failure", f"Failed to create {noun}.").with_failures([failure])


def check_function_role(ctx: Context, role: t.Any, previous: t.Any, failed: str) -> None:
    """A server key may not make a function run as admin; an update that leaves an admin role as it is
    passes. Core's FunctionPermissionsValidation is a revalidation hook, after the role name's: it fails
    the query once it has run (an error of the query's own comes first), with the write's permissions."""
    if role != "admin" or role == previous or ctx.state.auth.role != "server":
        return
    words = "create a function with" if failed.startswith("Failed to create") else "grant a function"
    failure = {"field": ["role"], "code": "invalid", "description": f"Cannot {words} admin permissions using the server role."}

    def check() -> None:
        raise QueryRuntimeError("constraint_failure", failed).with_failures([failure])

    _revalidate(ctx, check)


def revalidate_function(ctx: Context, ref: Ref, failed: str) -> None:
    """Once the query has run, the function's role must name a role that exists (core's
    NameValidationHook runs after the query, so a role created later in it counts)."""
    key = doc_key(ctx, ref)

    def check() -> None:
        version = live(ctx, key)
        role = (version.data or {}).get("role") if version is not None else None
        if not isinstance(role, str) or role in auth._BUILTIN_ROLES:
            return
        if live(ctx, DocKey(key.scope, "#roles", role)) is None:
            failure = {"field": ["role"], "code": "invalid", "description": f"Field refers to an unknown role name `{role}`."}
            raise QueryRuntimeError("constraint_failure", failed).with_failures([failure])

    _revalidate(ctx, check)


def _revalidate(ctx: Context, check: t.Callable[[], None]) -> None:
    """Run `check` once the query has run; its error points where the write was made."""
    from .expressions import op_span

    span = op_span(ctx.state.call_node) if ctx.state.call_node is not None else None
    ctx.state.revalidations.append((check, span))


#: The native modules a v10 role may grant privileges on.
_NATIVE_RESOURCES = frozenset(
    ("Collection", "Function", "Role", "Key", "Token", "Credential", "Credentials", "AccessProvider", "Database")
)


def revalidate_role_resources(ctx: Context, key: DocKey | None = None) -> None:
    """Once the query has run, the resources a v10 role names must exist: its membership user collections,
    its privileges collections, functions or native modules (core validates the schema after the query,
    so a role may name a collection the same query creates after it). `key`: the one role to check, or
    every role of the database (after a collection or function is deleted)."""
    scope = key.scope if key is not None else ctx.state.scope

    def defined(coll: str) -> set:
        names = set()
        for version in ctx.state.txn.scan(scope, coll):
            if version.live_at(ctx.state.ts) and version.data:
                names.update(v for v in (version.data.get("name"), version.data.get("alias")) if isinstance(v, str))
        return names

    def check() -> None:
        roles = [live(ctx, key)] if key is not None else list(ctx.state.txn.scan(scope, "#roles"))
        roles = [v for v in roles if v is not None and v.live_at(ctx.state.ts) and v.data]
        if not roles:
            return
        collections, functions = defined("#collections"), defined("#functions")
        missing = []
        for version in roles:
            members, privileges = (_as_list(version.data.get(field)) for field in ("membership", "privileges"))
            # Core's checkResourceName: native modules count for memberships too (`membership Collection`).
            named = [(m.get("resource"), collections | _NATIVE_RESOURCES) for m in members if isinstance(m, dict)]
            allowed = collections | functions | _NATIVE_RESOURCES
            named += [(p.get("resource"), allowed) for p in privileges if isinstance(p, dict)]
            missing += [name for name, known in named if isinstance(name, str) and name not in known]
        if missing:
            raise invalid_references(ctx, [f"error: Resource `{name}` does not exist" for name in missing])

    _revalidate(ctx, check)


def invalid_references(ctx: Context, fallback: list[str]) -> QueryRuntimeError:
    """Core's schema validation after a query's writes, on the names roles and access providers refer
    to: each error drawn where the database's files (as they now stand) name it; `fallback`, the bare
    errors, where the files do not show them."""
    from ...schema import manager

    errors = manager.reference_errors(ctx) or fallback
    lines = "\n".join("    " + line for error in errors for line in error.strip().split("\n"))
    return QueryRuntimeError("invalid_schema", f"Invalid database schema update.\n{lines}")


def revalidate_role_fsl(ctx: Context) -> None:
    """Once the query has run, every v10 role must be one FSL can state (core validates the patched
    schema files after a schema write, TypeEnvValidator): a role naming the same resource in two
    privileges (or memberships) is `Duplicate privileges `X``, drawn in the main.fsl core would answer
    (which starts with its invalid-items warning). Each role's own FSL is checked first; the files are
    rendered only when one fails."""
    from ...schema import manager, parser, source

    scope = ctx.state.scope

    def fails(version: t.Any) -> bool:
        if not version.live_at(ctx.state.ts) or not version.data or not source.is_v10("role", version.data):
            return False
        try:
            parser.parse(source.generate("role", version.key.id, version.data))
        except (parser.FSLError, source.InvalidDefinition):
            return True
        return False

    def check() -> None:
        if not any(fails(version) for version in ctx.state.txn.scan(scope, "#roles")):
            return
        errors = manager.file_errors(ctx)
        if errors:
            lines = "\n".join("    " + line for error in errors for line in error.strip().split("\n"))
            raise QueryRuntimeError("invalid_schema", f"Invalid database schema update.\n{lines}")

    _revalidate(ctx, check)


def revalidate_role(ctx: Context, ref: Ref, failed: str) -> None:
    """Once the query has run, no resource may be in the membership of more than 64 roles (core's
    MaxRoles revalidation, counting v4 roles' refs and v10 roles' names alike)."""
    from ..roles import MAX_ROLES_PER_MEMBER

    key = doc_key(ctx, ref)

    def resources(data: dict) -> set:
        members = data.get("membership") or []
        members = members if isinstance(members, list) else [members]
        found = {m.get("resource") for m in members if isinstance(m, dict)}
        return {r.id if isinstance(r, Ref) and r.kind == "collections" else r for r in found if isinstance(r, (str, Ref))}

    def check() -> None:
        version = live(ctx, key)
        mine = resources(version.data or {}) if version is not None else set()
        if not mine:
            return
        counts = dict.fromkeys(mine, 0)
        for other in ctx.state.txn.scan(key.scope, "#roles"):
            if other.live_at(ctx.state.ts) and other.data:
                for resource in resources(other.data) & mine:
                    counts[resource] += 1
        if any(count > MAX_ROLES_PER_MEMBER for count in counts.values()):
            message = f"The maximum number of roles per resource ({MAX_ROLES_PER_MEMBER}) have been exceeded."
            raise QueryRuntimeError("constraint_failure", failed).with_failures(
                [{"field": [], "code": "invalid", "description": message}]
            )

    _revalidate(ctx, check)


@static("Function", "__call__")
def function_call(ctx: Context, name: str) -> t.Any:
    """`Function("name")`: the user-defined function as a value."""
    from .globals import user_function
    from .misc import STRING, arg

    # Core's FunctionDefCompanion.defApply names its parameter `function`.
    name = arg(name, "function", STRING)
    found = user_function(ctx, name)  # an alias names it too
    if found is not None:
        return found
    from .collections import made_here

    err = QueryRuntimeError("invalid_argument", f"invalid argument `function`: No such user function `{name}`.")
    raise made_here(ctx, err, "#functions", name, "A function cannot be created and used in the same query.")


@static("Role", "create")
def role_create(ctx: Context, fields: dict) -> Document:
    """A role: `{name, membership?, privileges?, data?}`. Resources are names (a collection, function or
    native module, which need not exist yet); predicates are the source of a v10 lambda of one argument."""
    fields = may_create(ctx, "roles", _object(fields), "Role")
    check_reserved(fields, "create Role", create=True, native=True)
    check_native_types(field_schema.ROLE, fields, "Failed to create Role.")
    refuse_in_tenant_root(ctx, "Role")
    with _unique_name():
        created = create_native(ctx, native("roles"), fields, asked=True)
    revalidate_role(ctx, created["ref"], "Failed to create Role.")
    revalidate_role_fsl(ctx)
    revalidate_role_resources(ctx, doc_key(ctx, created["ref"]))
    return read(ctx, created["ref"])


def _object(fields: t.Any) -> dict:
    """A create's argument: an object (core's `data` parameter; its struct type is shown as `{ *: Any }`)."""
    from .documents import check_persistable
    from .misc import OBJECT, arg

    fields = arg(fields, "data", OBJECT)
    check_persistable(fields)
    return fields


def _as_list(value: t.Any) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def _provider_failure(err: t.Any, what: str) -> QueryRuntimeError:
    """A provider's failures as v10 reports them: a role that does not exist is an invalid schema (core's
    schema validation), anything else a constraint failure."""
    missing = [f for f in err.failures or () if str(f.get("description", "")).endswith(" does not exist.")]
    if missing:
        lines = "\n".join(f"    error: {f['description'].rstrip('.')}" for f in missing)
        return QueryRuntimeError("invalid_schema", f"Invalid database schema update.\n{lines}")
    return QueryRuntimeError("constraint_failure", f"Failed to {what}.").with_failures(err.failures or [])


@static("AccessProvider", "create")
def access_provider_create(ctx: Context, fields: dict) -> Document:
    """An access provider: `{name, issuer, jwks_uri, roles?, data?}`; roles are names or `{role, predicate}`."""
    from ...errors import InstanceAlreadyExists, ValidationFailed
    from .. import providers

    coll = native(providers.KIND)
    fields = may_create(ctx, providers.KIND, _object(fields), "AccessProvider")
    check_reserved(fields, "create AccessProvider", create=True, native=True)
    check_read_only(providers.KIND, fields, "create AccessProvider")
    check_native_types(field_schema.ACCESS_PROVIDER, fields, "Failed to create AccessProvider.")
    names.check_identifier("access_providers", fields.get("name"))
    refuse_in_tenant_root(ctx, "AccessProvider")
    try:
        created = providers.create(ctx, coll, {k: to_stored(v) for k, v in fields.items()}, v10=True)
    except ValidationFailed as err:
        raise _provider_failure(err, "create AccessProvider") from None
    except InstanceAlreadyExists:
        failure = {"field": ["name"], "code": "unique", "description": "Failed unique constraint"}
        raise QueryRuntimeError("constraint_failure", "Failed unique constraint.").with_failures([failure]) from None
    revalidate_provider_roles(ctx, DocKey(ctx.state.scope, "#" + providers.KIND, created["ref"].id))
    return read(ctx, created["ref"])


def revalidate_provider_roles(ctx: Context, key: DocKey) -> None:
    """Once the query has run, the roles a v10 provider names by name must exist (core's schema
    validation after the query: the same query, or FSL push, may create the role after the provider,
    or update the provider to name it first)."""
    from .. import providers

    def check() -> None:
        version = live(ctx, key)
        if version is None or not version.data:
            return
        roles = _as_list(version.data.get("roles"))
        named = [r.get("role") if isinstance(r, dict) else r for r in roles]
        # A built-in role given alone (an array of roles refuses one at once) fails here, as core's
        # SchemaTypeValidator.checkAPRoleName has it.
        errors = [
            f"error: Builtin role `{name}` is not allowed" if name in providers.BUILTIN_ROLES else f"error: Role `{name}` does not exist"
            for name in named
            if isinstance(name, str)
            and (name in providers.BUILTIN_ROLES or live(ctx, DocKey(key.scope, "#roles", name)) is None)
        ]
        if errors:
            raise invalid_references(ctx, errors)

    _revalidate(ctx, check)


def _lineage(ctx: Context) -> t.Iterator[dict]:
    """The documents of the caller's database and its ancestors, nearest first (the top has none)."""
    from ...auth.access import lineage

    return lineage(ctx.state.txn, ctx.state.scope)


@static("Query", "isEnvTypechecked")
def is_env_typechecked(ctx: Context) -> bool:
    """Whether the database is typechecked: its own setting, else its nearest ancestor's, true where none
    says, as core's Database.isTypechecked (fql/typer checks what it models before the query runs)."""
    return field_schema.env_typechecked(ctx)


@static("Query", "isEnvProtected")
def is_env_protected(ctx: Context) -> bool:
    """Whether the database is marked `protected`; admin only, as in core."""
    if ctx.state.auth.role != "admin":
        raise QueryRuntimeError("permission_denied", "Insufficient privileges to perform the action.")
    return field_schema.database_setting(ctx, "protected", default=False)


def _update_credentials(ctx: Context, ref: Ref, key: DocKey, version, params: dict, replace: bool) -> dict:
    """`credential.update({password})` and `replace` (v10; v4's Update and Replace are auth.py's)."""
    from ..refs import render

    from ..documents import write

    data = dict(version.data)
    instance = params.get("instance", data["instance"])
    if instance != data["instance"]:
        # The credential moves to another document (core: its `document` field is writable).
        identity = doc_key(ctx, instance)
        if live(ctx, identity) is None or auth.credentials_of(ctx, identity) is not None:
            raise QueryRuntimeError("constraint_failure", f"Failed to update Credential with id {ref.id}.")
        data["instance"] = ref_of(ctx, identity)
    # Every update or replace writes a version, whatever it changes (core's WriteBroker), as a
    # document's does: its `ts` is the write's.
    write(ctx, key, data)
    identity = doc_key(ctx, instance)
    if "password" in params:
        auth.set_password(ctx, identity, {"password": params["password"], **params}, under=(), v4=False)
    return render(ctx, ctx.state.txn.get(key))


from ..schema import NATIVE_DELETERS, NATIVE_V10_UPDATERS  # noqa: E402

NATIVE_V10_UPDATERS["credentials"] = _update_credentials
#: Deleting a credential needs nothing more than the deletion itself (its by-instance entry goes with it).
NATIVE_DELETERS["credentials"] = lambda ctx, ref, key: None


def _module_to_string(name: str) -> None:
    """`Collection.toString()`: the module's name, as core's CollectionCompanion.toString (every collection
    module has it, the native ones too)."""
    static(name, "toString")(lambda ctx: name)


for _module in ("Collection", "Function", "Role", "Database", "AccessProvider", "Key", "Token", "Credential"):
    _module_to_string(_module)
