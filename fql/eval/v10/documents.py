"""v10 documents: reading refs as documents, user collection statics, and document methods.

A v10 document's user fields are the v4 document's `data`; `ttl` is metadata in both. So a document
written in one syntax is read, updated and deleted from the other.
"""

from __future__ import annotations

import typing as t

from ... import scala
from ...errors import InstanceAlreadyExists, InstanceNotUnique, InvalidRef, QueryRuntimeError, ValidationFailed
from ...storage.base import DocKey, Version
from ...values import (
    DeletedRef,
    ID,
    Document,
    Lambda,
    Long,
    Module,
    NullDocument,
    Ref,
    Timestamp,
    collection_ref,
    module_name,
    native,
    parse_long,
    scala_long,
)
from ...storage.meter import SCHEMA
from .. import access, documents as core, staged
from ..evaluator import Context, billed
from ..refs import doc_key, live, read as read_version, ref_of
from ..registry import field, method
from . import fields as field_schema, hints, past
from .globals import USER_COLLECTION
from .misc import ABSENT

#: Field names that are document metadata, not user data.
METADATA = ("id", "coll", "ts", "ttl")


def check_persistable(value: t.Any, path: tuple = ()) -> None:
    """A value a write stores must be data: core's `invalid_type` `Value at `a.b` has type Set<Any>, which
    cannot be persisted.` for a set, a module... anywhere in it (IRValueConversion.toIR);
    a lambda is `Anonymous functions cannot be stored. Use a string of FQL instead.`"""
    from .fields import persistable

    if isinstance(value, dict):
        for key, item in value.items():
            check_persistable(item, (*path, key))
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            check_persistable(item, (*path, i))
        return
    if isinstance(value, (Document, NullDocument)) or persistable(value):
        return
    if isinstance(value, Lambda):
        # Core's WriteBroker words a lambda so (FQL2UserFunctionSpec "closures produce a readable error").
        raise QueryRuntimeError("invalid_type", "Anonymous functions cannot be stored. Use a string of FQL instead.")
    from ...repl.printer import path_text
    from .misc import value_type

    # The value's dynamic type as core's NonPersistableValue shows it (`Set<Any>`, a module's name).
    raise QueryRuntimeError(
        "invalid_type", f"Value at `{path_text(path)}` has type {value_type(value)}, which cannot be persisted."
    )


def to_stored(value: t.Any) -> t.Any:
    """A v10 value as it is stored: documents become refs (a document field holds a reference), and a Long
    a plain integer, since core's IR keeps every integer as a LongV and reads back an Int where it fits."""
    if isinstance(value, (Document, NullDocument)):
        return value.ref
    if isinstance(value, ID):
        return str(value)
    if isinstance(value, dict):
        return {k: to_stored(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_stored(v) for v in value]
    if type(value) is Long:
        return int(value)
    return value


#: The field order core answers a native document in where it is certain: core's ReadBroker.getAllFields
#: answers a native document's fields in the order of its schema's field map, and a Scala Map of at most
#: four entries (a role's: name, privileges, membership, data) keeps the order it was built in. Larger maps
#: iterate in hash order, which fql does not reproduce: their documents keep the order written.
_SCHEMA_ORDER = {"roles": ("name", "privileges", "membership", "data")}


#: The fields of a native kind's v10 schema marked internal that a v4 write may store, by kind: v10 never
#: shows them (Schema's maskInternalFieldMap), and a v10 write gives one only as it is stored (core's
#: NativeCollection.Database: a v4 `container` among them).
V10_INTERNAL = {
    "databases": frozenset(
        ("scope", "container", "disabled", "active_schema_version", "native_schema_version", "mvt_pins",
         "mvt_pin_ts", "region_group", "api_version")
    ),
}


#: The fields a v4 write stores that a native kind's v10 schema lacks: core's ReadBroker.getAllFields
#: shows only the schema's fields when it has no wildcard (NativeCollection.Key has no `priority`).
_V4_ONLY = {"keys": frozenset(("priority",))}


def native_fields(kind: str, data: dict) -> dict:
    """How v10 shows a native document's stored fields (tokens' `instance` is `document`; no hashes, no
    internal fields, none its v10 schema lacks)."""
    order = _SCHEMA_ORDER.get(kind)
    if order is not None:
        data = {**{k: data[k] for k in order if k in data}, **data}
    internal = V10_INTERNAL.get(kind, frozenset()) | _V4_ONLY.get(kind, frozenset())
    out = {}
    for k, v in data.items():
        if k in ("hashed_secret", "hashed_password", "ttl") or k in internal:
            continue
        if kind == "keys" and k == "database" and isinstance(v, Ref):
            # v10 names a key's database by its name, as it is given (FQL2KeySpec "legacy api").
            v = v.id
        out["document" if k == "instance" else k] = v
    return out


def to_document(ctx: Context, version: Version, read_ts: int | None = None, as_of: int | None = None) -> Document:
    """A stored version as a v10 Document (with its collection's computed fields); `read_ts` and `as_of`
    as Document's."""
    ref = ref_of(ctx, version.key)
    data = version.data or {}
    ttl = data.get("ttl")
    ts, ttl = Timestamp.from_micros(version.ts), ttl if isinstance(ttl, Timestamp) else None
    if version.ts == ctx.state.ts:
        # Written by this query: its `ts` is the transaction's time, which core holds as a placeholder.
        ts = ctx.state.transaction_time(ts)
    if ref.kind is not None:
        doc = Document(ref, ts, native_fields(ref.kind, data), ttl)
    else:
        doc = field_schema.document(ctx, ref, ts, dict(data.get("data") or {}), ttl, version.key.scope)
    doc.read_ts, doc.as_of = read_ts, as_of
    doc.gen = ctx.state.write_gen
    return doc


def read(ctx: Context, ref: Ref, *, stamped: bool = True) -> Document | NullDocument:
    """Dereference `ref` at the valid time: its document, or a null document saying why it is not there.

    Inside `at` the document keeps that time (`stamped`, as core's `byId` stamps it) and reading it
    needs `history_read`; an unstamped one (a reference read from a field, an element of a set made
    outside `at`) is read again at the valid time of each use, with plain `read` access.
    """
    at = ctx.state.valid_ts
    stamp = past.user_ts(ctx) if stamped else None
    try:
        key = doc_key(ctx, ref)
    except QueryRuntimeError:
        raise
    except Exception:
        return NullDocument(ref, "collection deleted", read_ts=stamp, as_of=at)
    if not access.allowed(ctx, "read" if stamp is None else "history_read", key, (ref,)):
        return NullDocument(ref, "permission denied", read_ts=stamp, as_of=at)
    if staged.shows_staged(ctx, key):
        version = staged.staged_version(ctx, key)
    elif key.coll in SCHEMA:
        # A schema document the query reads (`Collection.byName`, `.definition`) is a billed read, though
        # the schema the query looks up for itself is not (FQL2MetricsSpec "get schema document").
        with billed(ctx, schema=True):
            version = read_version(ctx, key)
    else:
        version = read_version(ctx, key)
    if version is None:
        # Core reads a document that is not there (never created, not yet, deleted, expired) as not found;
        # only `delete()` answers one that is `deleted`.
        return NullDocument(ref, read_ts=stamp, as_of=at)
    doc = to_document(ctx, version, stamp, at)
    if at is not None and stamp is None:
        doc.current = _newest(ctx, key, version)
    return doc


def _newest(ctx: Context, key: DocKey, version: Version) -> bool:
    """Whether `version`, read at a past time, is the document as it is now too (refs.version_at reads
    the newest version first, so this is no second read of the store)."""
    newest = ctx.state.txn.get(key)
    return newest is not None and newest.ts == version.ts and (newest.ttl is None or newest.ttl > ctx.state.txn.ts)


def read_at(ctx: Context, value: t.Any, ts: int) -> t.Any:
    """A stored field's value in a document read at `ts`: each reference in it is the document it names,
    read at that time (core reads a past document's references at its time)."""
    if isinstance(value, Ref):
        if value.collection is None or value.is_schema:
            return value
        with past.reading_at(ctx, ts):
            return read(ctx, value)
    if isinstance(value, dict):
        return {k: read_at(ctx, v, ts) for k, v in value.items()}
    if isinstance(value, list):
        return [read_at(ctx, v, ts) for v in value]
    return value


def with_deleted_refs(ctx: Context, doc: t.Any) -> t.Any:
    """`doc` as a query answers it: each reference in its fields to a document whose collection no longer
    exists is a DeletedRef, which shows its collection as `Collection.Deleted` (core's materializer finds
    no collection for it), and each to a v4 index that no longer exists names it DELETED_INDEX. A v4
    index answered itself is its reference, missing or not (core's materializer answers its LegacyRef
    whatever it read). Anything else, and a document with no such reference, is given back as it is."""
    if type(doc) is not Document:
        if type(doc) is NullDocument and doc.ref.kind == "indexes":
            return _index_ref(ctx, doc.ref)
        return doc
    data = doc.data
    found = _deleted_refs(ctx, data)
    if found is data:
        return doc
    out = Document(doc.ref, doc.ts, found, doc.ttl)
    out.gen, out.pinned = doc.gen, doc.pinned
    return out


_WALKED = (Ref, dict, list)


def _deleted_refs(ctx: Context, value: t.Any) -> t.Any:
    """`value` with its references to documents of deleted collections swapped (the same object if none
    is)."""
    kind = type(value)
    if kind is Ref:
        coll = value.collection
        if coll is not None and coll.collection is None and coll.id == "indexes":
            return _index_ref(ctx, value)
        if coll is None or coll.collection is None:
            return value  # a collection, or a native document (a key, a schema document)
        # Which collections are live, asked once for each while nothing is written.
        known = ctx.state.cache.setdefault(("live collections", ctx.state.write_gen), {})
        alive = known.get(coll)
        if alive is None:
            try:
                doc_key(ctx, value)
                alive = True
            except InvalidRef:  # its collection does not exist (any other failure is the query's)
                alive = False
            known[coll] = alive
        return value if alive else DeletedRef(value.id)
    if kind is dict or kind is list:
        out = None  # a copy, made at the first change
        for k, v in value.items() if kind is dict else enumerate(value):
            if type(v) in _WALKED:
                new = _deleted_refs(ctx, v)
                if new is not v:
                    out = kind(value) if out is None else out
                    out[k] = new
        return value if out is None else out
    return value


#: The name of a v4 index that no longer exists as v10 answers a reference to it: core's materializer
#: looks the index up by its id and, finding none, shows `[legacy index <deleted>]` (ReadBroker's
#: lookupLegacyIndex) in every format.
DELETED_INDEX = "<deleted>"


def _index_ref(ctx: Context, ref: Ref) -> Ref:
    """A v4 index's reference as an answer shows it: itself while the index exists, else DELETED_INDEX."""
    known = ctx.state.cache.setdefault(("live indexes", ctx.state.write_gen), {})
    alive = known.get(ref)
    if alive is None:
        try:
            alive = live(ctx, doc_key(ctx, ref)) is not None
        except InvalidRef:  # its database does not exist
            alive = False
        known[ref] = alive
    return ref if alive else Ref(DELETED_INDEX, ref.collection)


def missing(doc: NullDocument) -> QueryRuntimeError:
    """The error for using a document that is not there."""
    if doc.cause == "permission denied":
        return QueryRuntimeError("permission_denied", "Insufficient privileges to perform the action.")
    if doc.cause == "collection deleted":
        return QueryRuntimeError(
            "document_not_found", f"Document with id {doc.id} does not exist because the collection was deleted."
        )
    if doc.ref.is_schema:
        return QueryRuntimeError("document_not_found", f"{doc.coll} `{doc.id}` not found.")
    return QueryRuntimeError(
        "document_not_found", f"Collection `{doc.coll}` does not contain document with id {doc.id}."
    )


def null_access(doc: NullDocument, name: str) -> QueryRuntimeError:
    """The error for reading `name` (a field, a method, `[]`) of a document that is not there, as core's
    interpreter words it (evalNullAccess): one not found, or not readable, fails as the document; one this
    query's `delete()` answered, or one of a deleted collection, is a null read."""
    if doc.cause in ("deleted", "collection deleted"):
        return QueryRuntimeError("invalid_null_access", f"Cannot access `{name}` on null.")
    return missing(doc)


class CoveredRead:
    """A document read from an index, not yet billed (Document.pending, set by sets.py `held_back`):
    looking at a field of `covered` reads the index entry's value (core's partial document), anything
    else bills the document's read."""

    __slots__ = ("bill", "covered")

    def __init__(self, bill: t.Callable[[], None], covered: frozenset[str]):
        self.bill, self.covered = bill, covered

    def __call__(self) -> None:
        self.bill()


def document_field(ctx: Context, doc: Document, name: str) -> t.Any:
    if name == "id":
        return ID(doc.id) if doc.id.isdigit() else doc.id
    if name == "coll":
        return _coll_module(doc.ref)
    if name == "ts":
        if field_schema.indexing(ctx):
            # core: a computed field computed for an index cannot see the document's ts (it indexes nothing).
            raise QueryRuntimeError("invalid_argument", "A document's `ts` is not known while it is indexed.")
        return doc.ts
    if name == "ttl":
        return doc.ttl
    pending = doc.pending
    if type(pending) is CoveredRead and name in pending.covered:
        # A set's document read from an index that holds the field: no read of the document (sets.py).
        doc.pending = None
        try:
            return document_field(ctx, doc, name)
        finally:
            doc.pending = pending
    if pending is not None and name in getattr(pending, "covered", ()):
        value = doc.peek(name)  # an event's document, whose index holds the field (streams.py)
    elif name == "data" and doc.ref.kind is None:
        # `data` is a user document's stored fields, all of them (computed fields and methods aside).
        value = field_schema.stored_data(doc)
    elif isinstance(doc.data, field_schema.Fields) and name in doc.data.schema.computed:
        if field_schema.indexing(ctx):
            # A computed field computed for an index cannot read another (FQL2ComputedFieldsSpec).
            raise QueryRuntimeError("invalid_computed_field_access", "invalid access of computed field")
        return doc.data[name]
    else:
        value = doc.data.get(name)
    return value if doc.read_ts is None else read_at(ctx, value, doc.read_ts)


def _coll_module(ref: Ref) -> Module:
    coll = ref.collection
    return Module(module_name(coll), coll)


# -- writing -------------------------------------------------------------------------------------------


def _split(fields: t.Any) -> tuple[dict, t.Any, t.Any]:
    """(user data, ttl, id) of a v10 create/update argument."""
    check_data(fields)
    # A create's `id` is taken apart first: an ID is not stored as data.
    check_persistable({k: v for k, v in fields.items() if k != "id"})
    data = {k: to_stored(v) for k, v in fields.items() if k not in METADATA}
    return data, fields.get("ttl", ...), fields.get("id")


#: A user document's reserved field names (core's Tokens.ReservedFieldNames); a create may give `id`. In
#: that Set's order (its names' hash order), in which core's validateReserved reports the ones given.
RESERVED_FIELDS = tuple(
    scala.hash_order(("id", "coll", "ts", "data", "delete", "update", "replace", "updateData", "replaceData", "exists"))
)


def check_data(given: t.Any) -> None:
    """A write's argument is an object: core's create, update, replace and their *Data forms take
    `data` as a struct (Docs.scala, Collections.scala), whose type an argument error names `{ *: Any }`.
    Checked before the write is (in `at`, in a set function): core casts a native method's arguments
    before its body runs (NativeFunction's FixedArg), and the body's WriteBroker checks the effect."""
    from .misc import OBJECT, arg

    arg(given, "data", OBJECT)


def check_reserved(given: t.Any, what: str, *, create: bool, native: bool = False) -> None:
    """core's validateReserved: a write may not set a reserved field (the *Data methods may); a native
    document (a collection's definition, a key...) may have `data` (CollectionSchema.reservedFields)."""
    if not isinstance(given, dict):
        return
    found = [
        name for name in RESERVED_FIELDS
        if name in given and not (create and name == "id") and not (native and name == "data")
    ]  # fmt: skip
    if found:
        failures = [{"field": [name], "code": "reserved", "description": "Is a reserved field and cannot be used"} for name in found]
        raise QueryRuntimeError("constraint_failure", f"Failed to {what}.").with_failures(failures)


def _reread(ctx: Context, ref: Ref) -> Document | NullDocument:
    """The document just written, as written (even if its ttl has already passed)."""
    version = ctx.state.txn.get(doc_key(ctx, ref))
    if version is None or version.data is None:
        return NullDocument(ref, "deleted")
    return to_document(ctx, version)


def create_in(ctx: Context, coll: Ref, given: t.Any) -> Document:
    check_data(given)
    past.check_write(ctx)
    what = f"create document in collection `{coll.id}`"
    # Core's WriteBroker refuses a computed field's name, then takes the id apart (getOrMakeID), then
    # refuses what cannot be stored (structToIR); the collection's schema sees reserved names after
    # those (validateAndTransform).
    field_schema.check_computed_writes(ctx, coll.id, None, given, op="create")
    doc_id = given_id(given["id"], what) if "id" in given else None
    data, ttl, _ = _split(given)

    def validate(params: dict) -> dict:
        # The collection's schema, once the caller may create and the id is free (core's Store.create,
        # then validateAndTransform: reserved names first).
        check_reserved(given, what, create=True)
        return _write_params(*field_schema.check_write(ctx, coll.id, None, data, ttl, op="create", plain=False))

    params = _write_params(data, _given_ttl(ctx, coll.id, ttl, plain=False))
    target = coll if doc_id is None else Ref(doc_id, coll)
    try:
        rendered = core.create(ctx, target, params, v4=False, validate=validate)
    except InstanceAlreadyExists:
        raise id_taken(coll.id, doc_id) from None
    return _reread(ctx, rendered["ref"])


def _write_params(data: dict, ttl: t.Any, *, replace: bool = True) -> dict:
    """The params of a user document's v10 write: its data, and its ttl if it has one (`...`: none given);
    an update without data leaves the data alone."""
    params: dict = {"data": data} if data or replace else {}
    if ttl is not ...:
        params["ttl"] = ttl
    return params


def _given_ttl(ctx: Context, coll: str, ttl: t.Any, *, plain: bool) -> t.Any:
    """The ttl a write's permission check sees: the one given, or else its collection's `ttl_days` one
    (core's toInternalData gives it, before WriteBroker asks: applyDefaultTTL); a *Data write (`plain`)
    gives none."""
    if not plain and ttl is not ...:
        return ttl
    default = field_schema.collection_ttl(ctx, ctx.state.scope, coll)
    return ttl if default is None else default


def id_taken(coll: str, doc_id: str) -> QueryRuntimeError:
    """A create's given id that a document of `coll` already has: core's WriteBroker words it with the
    collection's name (QueryRuntimeFailure.DocumentIDExists), where v4 says `Document already exists.`"""
    return QueryRuntimeError("document_id_exists", f"Collection `{coll}` already contains document with id {doc_id}.")


def given_id(value: t.Any, what: str) -> str:
    """The id a v10 create gives its document, as core's WriteBroker takes it (getOrMakeID): an ID, an Int
    or Long, or a String that reads as a Long, not negative; anything else (null too) is a constraint
    failure at `id`, `Failed to <what>.`"""
    from . import schema_types as st

    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str):
        number = scala_long(value)  # TypeTag.ID's cast: Scala's toLongOption, digits of any script
    if number is not None and number >= 0:
        return str(number)
    expected = st.Union((st.Scalar("ID"), st.Scalar("String"), st.Scalar("Long")))
    if value is None:
        failure = st.Failure("missing", ("id",), f"Missing required field of type {st.display(expected)}")
    elif number is not None:
        failure = st.Failure("validator", ("id",), "id must be nonnegative")
    else:
        failure = st.Failure("type", ("id",), f"Expected {st.display(expected)}, provided {st.display(st.value_type(value))}")
    rendered = {"field": list(failure.path), "code": failure.kind, "description": failure.message}
    raise QueryRuntimeError("constraint_failure", f"Failed to {what}.").with_failures([rendered])


def update_doc(ctx: Context, doc: Document, given: t.Any, *, replace: bool) -> Document:
    past.check_write(ctx)
    if doc.ref.kind is not None:
        from .misc import OBJECT, arg

        given = arg(given, "data", OBJECT)
        check_persistable(given)
        from .natives import check_read_only_update, update_what

        # Native documents (tokens, keys, credentials) keep their fields at the top, as in v4.
        params = {("instance" if k == "document" else k): to_stored(v) for k, v in dict(given).items() if k not in ("id", "coll", "ts")}

        def validate(params: dict) -> dict:
            # The document's own checks, once the caller may write it (core's WriteBroker asks before
            # Store.externalUpdate validates).
            check_reserved(given, update_what(doc.ref), create=False, native=True)
            check_read_only_update(ctx, doc.ref, given, replace=replace)
            if doc.ref.kind in ("functions", "roles", "access_providers"):
                from .natives import check_schema_update

                stored = live(ctx, doc_key(ctx, doc.ref))
                stored_data = dict(stored.data or {}) if stored is not None else None
                check_schema_update(doc.ref, {k: v for k, v in dict(given).items() if k != "id"}, replace=replace, stored=stored_data)
            if doc.ref.kind == "keys":
                from .natives import key_params

                params = key_params(ctx, params, f"Failed to update Key with id {doc.ref.id}.")
            if doc.ref.kind == "functions" and "role" in params:
                from .natives import check_function_role, revalidate_function

                stored = live(ctx, doc_key(ctx, doc.ref))
                failed = f"Failed to update Function `{doc.ref.id}`."
                revalidate_function(ctx, doc.ref, failed)
                check_function_role(ctx, params["role"], (stored.data or {}).get("role") if stored else None, failed)
            if doc.ref.kind == "access_providers" and "roles" in params:
                from ..providers import duplicate_roles

                duplicates = duplicate_roles(params["roles"])
                if duplicates:
                    failed = f"Failed to update AccessProvider `{doc.ref.id}`."
                    raise QueryRuntimeError("constraint_failure", failed).with_failures(duplicates)
            if doc.ref.kind == "roles":
                from .natives import revalidate_role, revalidate_role_fsl, revalidate_role_resources

                if "membership" in params:
                    revalidate_role(ctx, doc.ref, f"Failed to update Role `{doc.ref.id}`.")
                revalidate_role_fsl(ctx)
                # A renamed role is checked under its new name, so every role is.
                revalidate_role_resources(ctx)
            if doc.ref.kind == "databases":
                from .natives import database_params

                stored = live(ctx, doc_key(ctx, doc.ref))
                failed = f"Failed to update Database `{doc.ref.id}`."
                params = database_params(ctx, params, stored.data if stored else None, failed, replace=replace)
            before = _definition(ctx, doc.ref)
            if before is not None:
                field_schema.check_definition_fields(ctx, params, before, replace=replace)
            _check_names(ctx, doc.ref, params, before)
            if replace and doc.ref.kind == "collections":
                # A replaced definition without history_days gets the default, 0 (core's
                # FQL2CollectionDefaultHistoryDaysChangeSpec); one given as null gets none, as core's
                # insertDefaultFieldsMap defaults only an absent key.
                if "history_days" not in params:
                    params["history_days"] = 0
            return params

        # A collection's definition is checked as it is written (schema.update_native calls `redefined`).
        try:
            written = (core.replace if replace else core.update)(ctx, doc.ref, params, v4=False, validate=validate)
        except (InstanceNotUnique, InstanceAlreadyExists):
            if doc.ref.kind not in _NAMED_BY_INDEX:
                raise
            # A new name another document has: core's unique index on `name` fails the write, as on create.
            failure = {"field": ["name"], "code": "unique", "description": "Failed unique constraint"}
            raise QueryRuntimeError("constraint_failure", "Failed unique constraint.").with_failures([failure]) from None
        except ValidationFailed as err:
            if doc.ref.kind not in _V10_UPDATED:
                raise
            # The v4 checks of roles and access providers fail as v10 words it (core's constraint failure
            # naming the document; a provider's unknown role is an invalid schema).
            from .natives import _provider_failure

            raise _provider_failure(err, f"update {_V10_UPDATED[doc.ref.kind]} `{doc.ref.id}`") from None
        # A new name renames the document (fql/eval/rename.py): read it back by its new ref.
        ref = written["ref"] if isinstance(written, dict) and isinstance(written.get("ref"), Ref) else doc.ref
        if doc.ref.kind == "access_providers":
            from .natives import revalidate_provider_roles

            revalidate_provider_roles(ctx, doc_key(ctx, ref))
        if doc.pinned and (doc.ref.kind == "keys" or not replace):
            # A new key or token still shows the version it was created with: core's update, and a key's
            # replace, answer the document they were given (WriteBroker.updateDocument, Keys.scala), where
            # a token's replace answers it afresh (Tokens.scala).
            return doc
        return _reread(ctx, ref)
    data, ttl, _ = _split(given)
    coll = doc.ref.collection.id
    field_schema.check_computed_writes(ctx, coll, doc.id, given, op="update")
    previous = ctx.state.txn.get(doc_key(ctx, doc.ref))

    def validate(params: dict) -> dict:
        # The collection's schema, once the caller may write (core's checkUpdatePermission comes before
        # Store.externalUpdate and Store.replace validate).
        check_reserved(given, f"update document with id {doc.id} in collection `{coll}`", create=False)
        op = "replace" if replace else "update"
        checked = field_schema.check_write(ctx, coll, doc.id, data, ttl, op=op, plain=False, previous=previous)
        return _write_params(*checked, replace=replace)

    params = _write_params(data, _given_ttl(ctx, coll, ttl, plain=False), replace=replace)
    (core.replace if replace else core.update)(ctx, doc.ref, params, v4=False, validate=validate)
    return _reread(ctx, doc.ref)


#: The native schema documents whose update v10 reports as `Failed to update <Noun> `name``.
_V10_UPDATED = {"access_providers": "AccessProvider", "roles": "Role"}
#: The schema kinds whose names only core's unique index on `name` keeps apart (a collection's or
#: function's name is refused before, by its global namespace validator).
_NAMED_BY_INDEX = frozenset(("access_providers", "roles", "databases"))


@method("Document", "update")
def update(ctx: Context, doc: Document, fields: dict) -> Document:
    """Merge `fields` into the document (nested objects merge; null removes a field)."""
    check_data(fields)
    return update_doc(ctx, doc, fields, replace=False)


@method("Document", "replace")
def replace(ctx: Context, doc: Document, fields: dict) -> Document:
    """Replace the document's fields with `fields`."""
    check_data(fields)
    return update_doc(ctx, doc, fields, replace=True)


def _check_names(ctx: Context, ref: Ref, params: dict, definition: dict | None) -> None:
    """A new name or alias of a collection or function is checked as on create (core's
    GlobalNamespaceValidator: `A Collection already exists with the name ...`), a role's as a role's."""
    from . import names

    if ref.kind in ("collections", "functions"):
        stored = definition if definition is not None else dict(getattr(live(ctx, doc_key(ctx, ref)), "data", None) or {})
        for key in ("name", "alias"):
            names.check_global(ctx, ref.kind, params.get(key), key, previous=stored.get(key), own=ref.id)
            if ref.kind == "collections":
                names.revalidate_derived_types(ctx, key, params.get(key), previous=stored.get(key))
    elif ref.kind == "roles":
        names.check_role(params.get("name"), own=ref.id)
    elif ref.kind in ("databases", "access_providers"):
        names.check_identifier(ref.kind, params.get("name"), own=ref.id)


def _definition(ctx: Context, ref: Ref) -> dict | None:
    """The stored definition of the collection `ref` names (None for other schema documents)."""
    if ref.kind != "collections":
        return None
    version = live(ctx, doc_key(ctx, ref))
    return dict(version.data or {}) if version is not None else None


def redefined(ctx: Context, ref: Ref, before: dict) -> None:
    """After a collection's definition changed: check it as core does, and rebuild its indexes if their
    entries may differ (new indexes, changed terms, changed computed fields)."""
    from ...storage.meter import cascade
    from ..documents import write
    from .collections import with_statuses

    after = _definition(ctx, ref)
    if after is not None and before:
        check_protected_update(ctx, ref.id, before, after)
    stored = with_statuses(after) if after is not None else None
    if stored is not None and ctx.state.v10:
        # Core's schema check after a v10 write (TypeEnvValidator, CollectionIndexManager.updateUnstaged)
        # writes the collection's indexes and constraints back: a definition that loses them (a replace
        # without them, an update to null) keeps them empty, as a create does. v4 writes run no such check.
        for key, empty in (("indexes", {}), ("constraints", [])):
            if stored.get(key) is None:
                stored = {**stored, key: empty}
    if stored != after:
        # New indexes and unique constraints get the status core gives them once built (core's internal
        # update, not a collection update of its own: fql/storage/meter.py `cascade`).
        with cascade(ctx.state.txn):
            write(ctx, doc_key(ctx, ref), stored)
        after = stored
    migrated = field_schema.check_definition(ctx, after, before)
    if migrated or field_schema.changed_indexing(before, after):
        from .collections import rebuild_indexes

        rebuild_indexes(ctx, ctx.state.scope, before, after)


#: Core's ProtectedModeFailure: what a database marked `protected` refuses.
PROTECTED = "destructive change forbidden because database is in protected mode."


def _protected(ctx: Context) -> bool:
    return field_schema.database_setting(ctx, "protected", default=False)


is_protected = _protected


def check_protected_delete(ctx: Context, name: str) -> None:
    """Core's protected mode: a collection may not be deleted."""
    if _protected(ctx):
        raise QueryRuntimeError("constraint_failure", f"Failed to delete Collection `{name}`.").with_failures(
            [{"description": f"Cannot delete collection: {PROTECTED}"}]
        )


def protected_field_failures(before: dict, after: dict) -> list[str]:
    """What protected mode refuses in a collection's new definition's retention fields (core's
    CollectionWriteConfig.checkProtectedFields): `history_days` removed or decreased, `ttl_days` added
    or decreased."""
    failures = []
    old, new = before.get("history_days"), after.get("history_days")
    if old is not None and new is None:
        failures.append(f"Cannot remove `history_days` field: {PROTECTED}")
    elif old is not None and new is not None and new < old:
        failures.append(f"Cannot decrease `history_days` field: {PROTECTED}")
    old, new = before.get("ttl_days"), after.get("ttl_days")
    if old is None and new is not None:
        failures.append(f"Cannot remove `ttl_days` field: {PROTECTED}")
    elif old is not None and new is not None and new < old:
        failures.append(f"Cannot decrease `ttl_days` field: {PROTECTED}")
    return failures


def check_protected_update(ctx: Context, name: str, before: dict, after: dict) -> None:
    """Core's protected mode on a collection's new definition: `history_days` may not be removed or
    decreased, `ttl_days` not added or decreased, and no index or unique constraint (a backing index)
    removed or changed."""
    if not _protected(ctx):
        return
    failures = protected_field_failures(before, after)
    if failures:
        raise QueryRuntimeError("constraint_failure", f"Failed to update Collection `{name}`.").with_failures(
            [{"description": failure} for failure in failures]
        )

    def backing(definition: dict) -> list:
        indexes = definition.get("indexes") or {}
        found = [
            (key, _index_shape(index.get("terms")), _index_shape(index.get("values")))
            for key, index in indexes.items()
            if isinstance(index, dict)
        ]
        found += [
            ("#unique", _index_shape(c.get("unique")), None)
            for c in definition.get("constraints") or ()
            if isinstance(c, dict) and "unique" in c
        ]
        return found

    kept = backing(after)
    if any(index not in kept for index in backing(before)):
        raise QueryRuntimeError("invalid_schema", "Invalid database schema update.\n").with_failures(
            [{"description": f"Cannot cause deletion of backing index: {PROTECTED}"}]
        )


def _index_shape(entries: t.Any) -> t.Any:
    """Index terms or values as comparable data (a field as a string or `{field, mva, order}`)."""
    if not isinstance(entries, list):
        return entries
    return tuple(repr(sorted(e.items())) if isinstance(e, dict) else repr(e) for e in entries)


def _plain_write(ctx: Context, doc: Document | None, coll: str, data: t.Any, *, op: str) -> dict:
    """The params and schema checks (`validate` of core's writes) of a *Data write: every field is user
    data (so a computed field's name may be written), and data only, as any write's (core's
    WriteBroker.structToIR refuses a set, a module... in any mode)."""
    check_data(data)
    check_persistable(data)
    previous = ctx.state.txn.get(doc_key(ctx, doc.ref)) if doc is not None else None
    stored = to_stored(data)

    def validate(params: dict) -> dict:
        return _write_params(*field_schema.check_write(ctx, coll, doc.id if doc else None, stored, ..., op=op, plain=True, previous=previous))

    return {"params": _write_params(stored, _given_ttl(ctx, coll, ..., plain=True)), "validate": validate}


def _user_only(doc: Document, name: str) -> None:
    """The *Data methods are a user document's: a native one (a Key, a Collection) has none (core's
    FQL2DocSpec)."""
    if doc.ref.kind is not None:
        # Core reads the name as a field the document lacks, and names the document's dynamic type.
        raise QueryRuntimeError("invalid_function_invocation", f"The function `{name}` does not exist on `Doc`")


def _check_write_as(ctx: Context, action: str) -> None:
    """past.check_write, naming a refused write as core's WriteBroker does: the *Data forms are its
    `create`, `update` and `replace` (requireWriteEffect's Effect.Action.Function)."""
    try:
        past.check_write(ctx)
    except field_schema.EffectViolation as err:
        raise err.named(action) from None


@method("Document", "updateData")
def update_data(ctx: Context, doc: Document, data: dict) -> Document:
    """Like update, but every field is user data (even `id`, `ts`, `ttl`...)."""
    _user_only(doc, "updateData")
    check_data(data)
    _check_write_as(ctx, "update")
    core.update(ctx, doc.ref, **_plain_write(ctx, doc, doc.ref.collection.id, data, op="update"), v4=False)
    return _reread(ctx, doc.ref)


@method("Document", "replaceData")
def replace_data(ctx: Context, doc: Document, data: dict) -> Document:
    """Like replace, but every field is user data."""
    _user_only(doc, "replaceData")
    check_data(data)
    _check_write_as(ctx, "replace")
    core.replace(ctx, doc.ref, **_plain_write(ctx, doc, doc.ref.collection.id, data, op="replace"), v4=False)
    return _reread(ctx, doc.ref)


@method("Document", "delete")
def delete(ctx: Context, doc: Document) -> NullDocument:
    """Delete the document; the result is a null document."""
    past.check_write(ctx)

    def validate() -> None:
        if doc.ref.kind == "roles":
            _check_role_unused(ctx, doc.ref.id)
        if doc.ref.kind == "collections":
            check_protected_delete(ctx, doc.ref.id)
        if doc.ref.kind in ("collections", "functions"):
            from .natives import revalidate_role_resources

            revalidate_role_resources(ctx)

    core.delete(ctx, doc.ref, v4=False, validate=validate)
    return NullDocument(doc.ref, "deleted")


def _check_role_unused(ctx: Context, name: str) -> None:
    """A role that functions, keys or access providers name cannot be deleted (core's foreign keys):
    functions and keys are a constraint failure naming them, an access provider an invalid schema once
    the query has run (a later write of the same query may name another role)."""
    scope, txn, failures = ctx.state.scope, ctx.state.txn, []

    def names(role: t.Any) -> list:
        roles = role if isinstance(role, list) else [role]
        return [r.id if isinstance(r, Ref) else r for r in roles]

    for kind, noun in (("#functions", "function"), ("#keys", "key")):
        for version in txn.scan(scope, kind):
            if version.live_at(ctx.state.ts) and name in names((version.data or {}).get("role")):
                message = f"The {noun} `{version.key.id}` refers to this document by its previous identifier `{name}`."
                failures.append({"field": ["name"], "code": "foreign key", "description": message})
    if failures:
        raise QueryRuntimeError("constraint_failure", f"Failed to delete Role `{name}`.").with_failures(failures)
    from .natives import revalidate_provider_roles

    for version in txn.scan(scope, "#access_providers"):
        roles = (version.data or {}).get("roles") if version.live_at(ctx.state.ts) else None
        listed = [r.get("role") if isinstance(r, dict) else r for r in (roles if isinstance(roles, list) else [roles])]
        if name in names(listed):
            # Core's schema validation after the query: the provider names a role that no longer exists.
            revalidate_provider_roles(ctx, version.key)


@method("Document", "exists")
def exists(ctx: Context, doc: Document) -> bool:
    """True: the document is there."""
    return True


@method("NullDocument", "exists")
def null_exists(ctx: Context, doc: NullDocument) -> bool:
    """False: the document is not there."""
    return False


# -- user collections ----------------------------------------------------------------------------------


def _coll(module: Module) -> Ref:
    return module.collection


@method(USER_COLLECTION, "byId")
def by_id(ctx: Context, module: Module, doc_id: t.Any) -> Document | NullDocument:
    """The document with id `doc_id` (a null document if there is none)."""
    from .misc import DOC_ID, arg

    # An id is a Long, as in core: "007" is document 7; anything else fails the argument's type.
    number = arg(doc_id, "id", DOC_ID)
    return read(ctx, Ref(str(number), _coll(module)))


@method(USER_COLLECTION, "create")
def create(ctx: Context, module: Module, fields: dict) -> Document:
    """Create a document (an `id` field picks its id)."""
    return create_in(ctx, _coll(module), fields)


@method(USER_COLLECTION, "createData")
def create_data(ctx: Context, module: Module, data: dict) -> Document:
    """Create a document whose fields are all user data."""
    check_data(data)
    _check_write_as(ctx, "create")
    rendered = core.create(ctx, _coll(module), **_plain_write(ctx, None, _coll(module).id, data, op="create"), v4=False)
    return _reread(ctx, rendered["ref"])


@method(USER_COLLECTION, "all")
def all_(ctx: Context, module: Module, bounds: t.Any = ABSENT) -> t.Any:
    """Every document of the collection, in id order; `{ from, to }` (documents or refs) bounds the ids."""
    return documents_in(ctx, _coll(module), bounds)


def documents_in(ctx: Context, coll: t.Any, bounds: t.Any = ABSENT) -> t.Any:
    """The set of `coll`'s documents in id order, within `{ from, to }` when given: what every collection's
    `all()` answers, a user collection's and a system one's alike (core's CollectionCompanion defines both
    forms of `all` for each)."""
    from .sets import DocumentsSet

    if bounds is ABSENT:
        return DocumentsSet(ctx, coll)
    # A null range is a range all the same, and no object (core's collectRange).
    bounds = id_range(bounds, coll)
    return DocumentsSet(ctx, coll, bounds.get("from"), bounds.get("to"))


def id_range(bounds: t.Any, coll: Ref) -> dict:
    """A `{ from, to }` range over document ids (`all(range)`, an index that covers no values), as core's
    collectRange reads one: each bound a document, an ID, an integer or a string a Long parses from
    (`"-1"` too, and digits of any script, as Scala's toLongOption reads them), as the document of `coll`
    with that id; anything else, null too, is not a document id."""
    from .collections import range_fields

    out = {}
    for name in range_fields(bounds):
        value = bounds[name]
        ref = value.ref if isinstance(value, (Document, NullDocument)) else value
        if isinstance(ref, Ref):
            # Core compares ids before collections (DocID.compare): another collection's document
            # bounds by its id.
            out[name] = Ref(ref.id, coll) if parse_long(ref.id) is not None else value
            continue
        number = None
        if isinstance(value, str):
            number = scala_long(value)  # parsePrefix's `str.toLongOption`: `"٢"` is 2
        elif isinstance(value, int) and not isinstance(value, bool):
            number = value
        if number is None:
            raise QueryRuntimeError(
                "invalid_argument", f"invalid argument `range`: The `{name}` field must be a document id."
            )
        # Ids order as signed longs (collation.id_key), so a negative bound is below every id.
        out[name] = Ref(str(number), coll)
    return out


@method(USER_COLLECTION, "where")
def where(ctx: Context, module: Module, predicate: t.Any) -> t.Any:
    """The documents for which `predicate` is true."""
    from .sets import WhereSet

    found = WhereSet(ctx, all_(ctx, module), predicate, "pred")
    # After the argument check: core emits the hint in the function's body.
    hints.collection_scan(ctx, module.name, "where")
    return found


@method(USER_COLLECTION, "firstWhere")
def first_where(ctx: Context, module: Module, predicate: t.Any) -> t.Any:
    """The first document for which `predicate` is true, or null."""
    from .sets import first

    found = where(ctx, module, predicate)
    hints.collection_scan(ctx, module.name, "firstWhere")
    return first(ctx, found)


@method(USER_COLLECTION, "toString")
def coll_to_string(ctx: Context, module: Module) -> str:
    return module.name


@field("UserFunction", "definition")
def function_definition(ctx: Context, fn: t.Any) -> Document | Ref:
    """A UDF's schema document (core's UserFunction.definition): `AddTwo.definition.name`."""
    return _schema_document(ctx, Ref(fn.name, native("functions")))


@field(USER_COLLECTION, "definition")
def definition(ctx: Context, module: Module) -> Document | Ref:
    """The collection's schema document."""
    return _schema_document(ctx, Ref(_coll(module).id, native("collections")))


def _schema_document(ctx: Context, ref: Ref) -> Document | Ref:
    """The schema document `ref` names, read; where the evaluation may not read (a default value, an
    indexed computed field), its reference unread. Core's `definition` is the document's reference
    (`Value.Doc(id)`, Collections.scala, Functions.scala), read when a field of it is (`Reading a field
    performs a read`), and stored as a reference by a default that gives it."""
    from .fields import may_read

    return read(ctx, ref) if may_read(ctx) else ref


def index_method(ctx: Context, module: Module, name: str) -> t.Any:
    """The function value of index `name` of a v10 collection definition, or None."""
    from .collections import index_function

    return index_function(ctx, module, name)


def udf_body(ctx: Context, fn: t.Any) -> tuple[Lambda | None, t.Any]:
    """A UDF's callable body and role: a v10 source string is parsed and evaluated once per query."""
    version = live(ctx, DocKey(fn.scope, "#functions", fn.name))
    body = version.data.get("body")
    if isinstance(body, str):
        from ...parse import parse
        from .expressions import evaluate_program

        cache = ctx.state.cache.setdefault("udf_bodies", {})
        if body not in cache:
            from ..evaluator import Context as Ctx

            cache[body] = evaluate_program(parse(body, "v10"), Ctx(ctx.state))
        body = cache[body]
    return body, version.data.get("role")


def user_collection_module(name: str) -> Module:
    return Module(name, collection_ref(name))
