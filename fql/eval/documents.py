"""Refs and documents: Ref, Collection, Get, Exists, Create, Update, Replace, Delete, NewId."""

from __future__ import annotations

import typing as t

from ..errors import (
    CheckConstraintFailed,
    FQLError,
    InstanceAlreadyExists,
    InstanceNotFound,
    InstanceNotUnique,
    InvalidArgument,
    InvalidExpression,
    InvalidRef,
    InvalidWriteTime,
    PermissionDenied,
    QueryRuntimeError,
    ValidationFailed,
    VersionTooLarge,
)
from ..storage import codec
from ..storage.base import DocKey, Version
from ..values import (
    ABSENT,
    NATIVE_NAMES,
    SCHEMA_CONSTRUCTORS,
    DocEvent,
    Page,
    ReadDocument,
    Ref,
    SelfId,
    SetEvent,
    SetRef,
    Timestamp,
    TxnMicros,
    ir_type_name,
    java_digits,
    native,
    scala_long,
    type_name,
)
from . import access, aliases, indexes, staged, versions
from .casts import DATABASE_SCOPE, NULL, OBJECT, REF, STRING
from .evaluator import Context, billed_read, unbilled
from .refs import NAMED, NOUNS, copy, doc_key, live, made_key, missing, not_found, read, ref_of, render, resolved, scope_of
from .registry import builtin, snake

#: A v10 write's schema checks: the params as given to the params to write (`create`).
Validator = t.Callable[[dict], dict]

def document_id(value: t.Any, *path: str | int) -> str:
    """A document id: a 64-bit integer, or a string that reads as one (`self` names the caller's identity).

    As in core, where an id is a Long: `"007"` is document `7`, and a longer string of digits is too large.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise InvalidArgument(f"String or Number expected, {type_name(value)} provided.").at(*path)
    if value == "self":
        return value
    number = scala_long(value)
    if number is not None:
        return str(number)
    # Core tests Character.isDigit of every char: an empty string passes, and so reads as too large.
    if java_digits(value):
        raise InvalidArgument(f"The id provided is too large: '{value}'").at(*path)
    raise InvalidArgument(f"Number or numeric String expected, non-numeric '{value}' provided.").at(*path)


# Pure on literal strings but "self" (the caller's identity), which evaluator._constant leaves out.
# Core's `ref` form needs its `id` (Parser.scala: RefFunction); the shell's one-argument string is the
# drivers' ref literal.
@builtin("Ref", keys=("ref", "id", "scope"), types=(None, None, DATABASE_SCOPE), required=1, form_required=2, pure=True)
def ref(ctx: Context, coll: t.Any, id: t.Any = None, scope: Ref | None = None) -> Ref:
    """A ref to document `id` of collection `coll`; `Ref("collections/spells/1")` parses a legacy string."""
    if scope is not None:
        # A scope is cast with the arguments, before the function reads the others (core's Parser).
        resolved(ctx, scope, "scope")
        return _scoped_ref(ctx, ref(ctx, coll, id), scope)
    if id is None and isinstance(coll, str):
        # The drivers send `Ref("classes/spells/1")` as the ref literal `{"@ref": "classes/spells/1"}`, which
        # core reads with its LegacyRefParser: a string it does not read (`classes/events`, `classes/self`,
        # `classes/spells/x`, `foo`) is `Invalid ref.` where the literal is (ast/Parser.scala parseRef).
        from ..wire.v4 import legacy_ref

        parsed = legacy_ref(coll)
        if parsed is None:
            raise InvalidExpression("Invalid ref.")
        if parsed.id == "self" and parsed.collection is not None:
            # `Ref("tokens/self")` names the caller's token, as the literal `Ref(Tokens(), "self")` does.
            return ref(ctx, parsed.collection, SelfId("self"))
        return parsed
    # A native collection, or a user collection (`coll.kind == "collections"`, spelled out: this runs per ref).
    if not isinstance(coll, Ref) or not (
        coll.collection is None or (coll.collection.collection is None and coll.collection.id == "collections")
    ):
        _with_id_error(InvalidArgument(f"Collection Ref expected, {type_name(coll)} provided.").at("ref"), id)
    if id == "self":
        from .auth import self_ref

        found = self_ref(ctx, coll)
        if type(id) is SelfId and found.id == "self":
            # A ref literal's self the caller does not name: core's parser refuses the literal.
            raise InvalidExpression("Invalid ref.")
        return found
    if coll.collection is None and coll.id in SCHEMA_CONSTRUCTORS:
        # Core names schema documents only through their own constructors (`Collection("x")`).
        _with_id_error(InvalidArgument("Regular Class Ref expected, Schema Class Ref provided.").at("ref"), id)
    return Ref(document_id(id, "id"), coll)


def _scoped_ref(ctx: Context, made: Ref, scope: Ref) -> Ref:
    """`Ref(coll, id, scope)`: core's RefFunction keeps the collection and puts the ref in the database that
    holds `scope` (so `Database("d")` names the caller's own database); a collection that names nothing
    stays an unresolved ref and the scope is not read. Core keeps the collection's internal id, fql its name."""
    coll = made.collection
    if coll is None or coll.kind != "collections" or live(ctx, doc_key(ctx, coll)) is None:
        return made
    return Ref(made.id, Ref(coll.id, native("collections", scope.collection.database)))


def _with_id_error(err: FQLError, id: t.Any) -> t.NoReturn:
    """Raise `err`, the collection's refusal, with the id's too if it has one: core's RefFunction checks
    both before it fails (Parser.collectErrors)."""
    if id is not None and id != "self":
        try:
            document_id(id, "id")
        except InvalidArgument as id_err:
            err.siblings.append(id_err)
    raise err


def _schema_constructor(kind: str, v4: str, aliases: tuple[str, ...] = (), forms: tuple[str, ...] = ()) -> None:
    #: This database's refs of this kind by name, made once: refs are frozen, and queries repeat names.
    made: dict[str, Ref] = {}
    here = native(kind)

    @builtin(
        v4,
        keys=(v4.lower() if kind != "access_providers" else "access_provider", "scope"),
        types=(STRING, DATABASE_SCOPE),
        aliases=aliases,
        pure=True,
        forms=forms,
    )
    def construct(ctx: Context, name: str, scope: Ref | None = None) -> Ref:
        if scope is not None:
            # Core resolves a constructor's database scope as it reads it.
            resolved(ctx, scope, "scope")
            return Ref(name, native(kind, scope))
        ref = made.get(name)
        if ref is None:
            if len(made) > 10_000:
                made.clear()
            ref = made[name] = Ref(name, here)
        return ref

    construct.__doc__ = f"The ref of the {v4.lower()} named `name` (in the child database `scope`)."


_schema_constructor("collections", "Collection", aliases=("Class",), forms=("class",))
_schema_constructor("indexes", "Index")
_schema_constructor("databases", "Database")
_schema_constructor("functions", "Function")
_schema_constructor("roles", "Role")
_schema_constructor("access_providers", "AccessProvider")


def _native_constructor(kind: str, v4: str, aliases: tuple[str, ...] = ()) -> None:
    for name in (v4, *aliases):
        _native_spelling(kind, name, kind if name == v4 else snake(name))


def _native_spelling(kind: str, name: str, key: str) -> None:
    # An old name is also the old wire form it spells (`{"classes": null}`): a form of its own in core's
    # parser, which casts the scope at that key, so an unresolved one fails there.
    @builtin(name, keys=(key,), types=(DATABASE_SCOPE,))
    def construct(ctx: Context, scope: Ref | None = None) -> Ref:
        if scope is not None:
            resolved(ctx, scope, key)
        return native(kind, scope)

    construct.__doc__ = f"The native collection {name}() (of the child database `scope`)."


for _kind, _name, _aliases in (
    ("collections", "Collections", ("Classes",)),
    ("indexes", "Indexes", ()),
    ("databases", "Databases", ()),
    ("functions", "Functions", ()),
    ("roles", "Roles", ()),
    ("keys", "Keys", ()),
    ("tokens", "Tokens", ()),
    ("credentials", "Credentials", ()),
    ("access_providers", "AccessProviders", ()),
):
    _native_constructor(_kind, _name, _aliases)


@builtin("NewId", keys=("new_id",), types=(NULL,), aliases=("NextId",), forms=("next_id",))
def new_id(ctx: Context, _unused: t.Any = None) -> str:
    """A new unique document id (a numeric string, increasing)."""
    if ctx.state.unchecked == access.PREDICATE:
        # Core counts NewId as a write, and role predicates may only read (a UDF they call too).
        raise InvalidExpression("Call performs a write, which is not allowed in auth predicates.")
    return str(ctx.state.txn.next_id())


def _identifier(ctx: Context, target: t.Any, *path: str | int) -> None:
    """Core's Identifier cast: a ref or a set, and no unresolved ref."""
    if not isinstance(target, (Ref, SetRef)):
        raise InvalidArgument(f"Ref or Set expected, {type_name(target)} provided.").at(*path)
    resolved(ctx, target, *path)


def _first_ref(ctx: Context, target: t.Any, *path: str | int) -> Ref:
    """Get accepts a set: the document is its first element's source (core's `snapshotHead`), whatever
    values the index covers; an empty set is not found at the call itself."""
    if isinstance(target, SetRef) or (isinstance(target, Ref) and target.is_native):
        try:
            first = _first_source(ctx, target, path[0] if path else None)
        # Collections(Database("nope")); or a set the caller may not read (core's setForRead at `get`)
        except (InvalidRef, PermissionDenied) as err:
            raise err.at(*path) if not err.position else err
        if first is None:
            raise InstanceNotFound("Set not found.")
        source, element = first
        if not isinstance(source, Ref):
            raise InvalidArgument(f"Ref expected, {type_name(element)} provided.").at(*path)
        return source
    if not isinstance(target, Ref):
        raise InvalidArgument(f"Ref or Set expected, {type_name(target)} provided.").at(*path)
    return target


def _first_source(ctx: Context, target: t.Any, arg: str | None = None) -> tuple[t.Any, t.Any] | None:
    """The first element of a set and what it came from (None if the set is empty): an index or
    documents set's cursor ends with the ref of the document the element came from. A native collection
    (`Collections()`) is read as the set of its documents, as core casts it. A lazy filter's failure
    is placed under `arg`, the argument the set was given as. A set of events is read by its snapshot
    (core's snapshotHead: HistoricalSet.snapshot is its set's, a document's events the live document),
    so its head is a document there now, not its first event."""
    from .history import snapshot
    from .sets import as_set, placed, scan

    try:
        first = next(scan(ctx, snapshot(ctx, as_set(target))), None)
    except FQLError as err:
        raise placed(err, arg) if arg else err
    if first is None:
        return None
    _, cursor, element = first
    return (cursor[-1] if isinstance(cursor, list) and cursor else element), element


@builtin("Get", keys=("get", "ts"))
@billed_read
def get(ctx: Context, target: t.Any, ts: t.Any = ABSENT) -> dict:
    """The document `target` refers to (or the first document of a set), as it is now or at time `ts`."""
    # A `ts` given as null is a time to cast, and refused (only a `ts` left out reads the present).
    if ts is not ABSENT:
        from .history import read_time

        # Core casts its arguments in order, the first refusal the answer: `get` before `ts`.
        _identifier(ctx, target, "get")
        with read_time(ctx, ts, "ts"):
            return get(ctx, target)
    ref = target if type(target) is Ref and target.collection is not None else _first_ref(ctx, target, "get")
    key = doc_key(ctx, ref, "get")
    access.require(ctx, "read", key, (ref,))
    version = read(ctx, key)
    if staged.shows_staged(ctx, key):
        version = _staged_read(ctx, key, version)
        if version is None and read(ctx, key) is not None:
            raise not_found(ref)
    if version is None:
        raise missing(ctx, ref, "get")
    return render(ctx, version)


def _staged_read(ctx: Context, key: DocKey, active: Version | None) -> Version | None:
    """A v4 read of a schema document while a schema is staged: the staged document of the item the
    active schema names so, or, if the active schema has none, the one the staged schema names so (a ref
    from `Paginate(Collections())`, which lists the staged documents)."""
    return staged.staged_of_active(ctx, key) if active is not None else staged.staged_version(ctx, key)


@builtin("Exists", keys=("exists", "ts"))
@billed_read
def exists(ctx: Context, target: t.Any, ts: t.Any = ABSENT) -> bool:
    """True if the document (or the set's first document) exists now, or existed at time `ts`."""
    if ts is not ABSENT:
        from .history import read_time

        if not isinstance(target, (Ref, SetRef)):  # `exists` is cast before `ts`
            raise InvalidArgument(f"Ref or Set expected, {type_name(target)} provided.").at("exists")

        with read_time(ctx, ts, "ts"):
            return exists(ctx, target)
    if isinstance(target, SetRef) or (isinstance(target, Ref) and target.is_native):
        # Core's ReadAdaptor.exists of a set: its first element's source document, which must exist
        # and be readable (a later Get of the set reads it again from the query's cache).
        try:
            first = _first_source(ctx, target, "exists")
        except InvalidRef:  # a native collection of a database that is not there: nothing exists in it
            return False
        except PermissionDenied as err:  # core's setForRead at `exists`
            raise err.at("exists") if not err.position else err
        if first is None or not isinstance(first[0], Ref):
            return first is not None
        target = first[0]
    if not isinstance(target, Ref):
        raise InvalidArgument(f"Ref or Set expected, {type_name(target)} provided.").at("exists")
    try:
        key = doc_key(ctx, target, "exists")
    except InvalidRef:  # an undefined collection means the document does not exist
        return False
    # As core's: a document the caller may not read does not exist for it (no `permission denied`).
    if not access.allowed(ctx, "read", key, (target,)):
        return False
    version = read(ctx, key)
    if staged.shows_staged(ctx, key):
        version = _staged_read(ctx, key, version)
    return version is not None


#: The most bytes one stored version may take (core's Write.VersionBytesThreshold, 8 MiB).
MAX_VERSION_BYTES = 8 * 1024 * 1024


def check_version_size(data: dict | None) -> None:
    """Refuse a version whose encoding is larger than core's storage writes one. Core counts the bytes
    of its own encoding of the version; fql counts those of its stored data, so the bound is near
    core's, not at its byte."""
    if data is None:
        return
    size = len(codec.dumps(data))
    if size > MAX_VERSION_BYTES:
        raise VersionTooLarge(f"Version bytes ({size}) exceeds threshold ({MAX_VERSION_BYTES})")


def write(ctx: Context, key: DocKey, data: dict | None, *path: str | int) -> Version:
    """Store a new version of `key` (None deletes it) and move its index entries."""
    state = ctx.state
    # Looked up first: inside v10's `at` the transaction refuses every write itself (v10/past.py).
    put = state.txn.put
    staged.check_write(ctx, key)
    if data is not None:
        refuse_past_write(ctx, *path)
    with unbilled(ctx):  # the write's own read of what it replaces: its bytes, no read op
        before = live(ctx, key)
    _one_of_document_or_collection(state, key, before, data)
    check_version_size(data)
    ttl = data.get("ttl") if data else None
    version = Version(key, state.ts, data, ttl.micros if isinstance(ttl, Timestamp) else None)
    put(version)
    if key.coll == "#keys":
        from ..auth.access import bind_key

        bind_key(state.txn, key, data, state.ts)
    if before is None and data is not None and key.coll in NAMED:
        state.made += 1
        put(Version(made_key(key), state.ts, {"rank": state.made}))
    state.write_gen += 1
    state.written[key] = state.write_gen
    indexes.on_write(ctx, before, version, *path)
    if key.coll in ("#indexes", "#collections"):
        indexes.forget_schema(ctx)
    if key.coll in aliases.KINDS:
        aliases.on_write(ctx, key, before, data)
    if key.coll in SCHEMA_KINDS:
        # The database's schema version (v10 answers carry it): the time of its last schema change.
        state.txn.put(Version(schema_version_key(key.scope), state.ts, {}, None))
        if key.scope == state.scope:
            from .v10 import envcheck

            envcheck.revalidate(ctx)
    if data is not None and not key.coll.startswith("#"):
        for check in WRITE_CHECKS:
            check(ctx, version, *path)
    return version


def refuse_past_write(ctx: Context, *path: str | int) -> None:
    """Core refuses creates and updates inside At (a deletion there deletes the present document), in its
    write before the fields are validated (WriteAdaptor.write checks validTimeOverride first)."""
    if ctx.state.valid_ts is not None:
        raise InvalidWriteTime("Cannot write outside of snapshot time.").at(*path)


def _one_of_document_or_collection(state: t.Any, key: DocKey, before: Version | None, data: dict | None) -> None:
    """A query may write a collection's documents or change its (existing) definition, not both (core's
    `invalid_write`); deleting the collection is changing it. A collection the query itself created may
    be written to (see the README)."""
    if key.coll == "#collections":
        if state.staged_txn is not None and state.txn is state.staged_txn:
            # Joining a staged schema: created by this query if the active schema has no such collection
            # (the staged schema, applied in this transaction, is no write of the query's).
            before = state.staged_base.get(key)
            before = before if before is not None and before.data is not None else None
        if before is None or before.ts >= state.ts:
            # Created by this query (fql lets it be used).
            return
        mark = (key.scope, key.id)
        state.changed_definitions.add(mark)
        clash = mark in state.wrote_documents
    elif not key.coll.startswith("#"):
        mark = (key.scope, key.coll)
        if data is None and mark in state.deleted_definitions:
            return  # deleted with its collection (one whose ttl has passed too: no live version before)
        state.wrote_documents.add(mark)
        clash = mark in state.changed_definitions
    else:
        return
    if clash:
        raise QueryRuntimeError("invalid_write", "Cannot modify a document and its collection in the same query.")


#: The stored collections whose documents are a database's schema.
SCHEMA_KINDS = frozenset(("#collections", "#indexes", "#functions", "#roles", "#access_providers"))


def schema_version_key(scope: str) -> DocKey:
    """Where the time of a database's last schema change is kept (a document of no collection's)."""
    return DocKey(scope, "#schema_version", "")


def drops_key(scope: str, coll: str) -> DocKey:
    """Where the times a collection of this name was deleted are kept, one version each (a document of no
    collection's). Core gives a new collection a new id, so the documents of one deleted before are not
    its documents, nor their history its history; fql keys documents by collection name, and tells one
    collection from an earlier one of the same name by these times (event sources read them)."""
    return DocKey(scope, "#collection_drops", coll)


def schema_version(ctx: Context) -> int:
    """The caller's database's schema version: the time of its last schema change, 0 if none."""
    version = ctx.state.txn.get(schema_version_key(ctx.state.scope))
    return 0 if version is None else version.ts


#: Checks every write of a user document must pass: fn(ctx, version, *path) raising to refuse it
#: (v10 collection definitions add their check constraints here).
WRITE_CHECKS: list[t.Callable[..., None]] = []


def validation_failed(field: str, expected: str, value: t.Any) -> ValidationFailed:
    return ValidationFailed(
        "document data is not valid.",
        failures=[
            {
                "field": [field],
                "code": "invalid type",
                "description": f"Invalid type {ir_type_name(value)}, expected type {expected}.",
            }
        ],
    )


def without_nulls(value: t.Any) -> t.Any:
    """A copy of `value` as core stores it: every null is dropped, from arrays too (core's `Data.patch`)."""
    value = stored_form(value)
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value if v is not None]
    return value


def stored_form(value: t.Any) -> t.Any:
    """The object a v4 value that is more than one stores as (core's Literal.irValue): a document read
    names its collection (`{ref, class, collection, ts, ...}`), an event its document as `resource` and no
    data (a set's event keeps its entry's `values`), a page is `{before, after, data}`, a set the object
    its identifier is (`set_form`)."""
    if isinstance(value, SetRef):
        return set_form(value)
    if isinstance(value, ReadDocument):
        ref, rest = value["ref"], {k: v for k, v in value.items() if k != "ref"}
        coll = ref.collection if ref.collection is not None else native("collections", ref.database)
        return {"ref": ref, "class": coll, "collection": coll, **rest}
    if isinstance(value, DocEvent):
        out = {"ts": value["ts"], "action": str(value["action"]), "resource": value["document"]}
        if isinstance(value, SetEvent) and value.get("data"):
            out["values"] = value["data"]
        return out
    if isinstance(value, Page):
        return value.to_dict()
    if isinstance(value, TxnMicros):
        # Core stores the placeholder, which commit makes the transaction's time: the number.
        return int(value)
    return value


def set_form(s: SetRef) -> t.Any:
    """A set as core stores and compares it (SetL.irValue): the object `{"@set": {...}}` its identifier
    is, the sets in it so too, with one match term as itself and none left out, and a native collection
    taken as a set its ref."""
    if s.is_schema_set:
        return s["documents"]
    form = {k: set_form(v) if isinstance(v, SetRef) else v for k, v in s.form if k != "checked"}
    for k, v in form.items():
        if isinstance(v, list) and k != "terms":
            form[k] = [set_form(x) if isinstance(x, SetRef) else x for x in v]
    terms = form.get("terms")
    if isinstance(terms, list) and len(terms) < 2:
        del form["terms"]
        if terms:
            form["terms"] = terms[0]
    return {"@set": form}


def elide_nulls(value: t.Any) -> t.Any:
    """A copy of `value` as a v10 write stores it: null fields of objects are dropped, at any depth, and
    nulls inside arrays are kept (core's Data.elideNulls)."""
    if isinstance(value, dict):
        return {k: elide_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [elide_nulls(v) for v in value]
    return value


def collect_failures(*checks: t.Callable[[], t.Any]) -> None:
    """Run every check and raise their failures together, in order and each once, as core's
    AggregateValidator runs all of a document's validators and reports every failure (`distinct`;
    ext/storage/src/main/scala/doc/Validator.scala)."""
    failed: list[ValidationFailed] = []
    for check in checks:
        try:
            check()
        except ValidationFailed as err:
            failed.append(err)
    if len(failed) == 1:
        # one failing check raises its own error (some word their field by where they are raised)
        raise failed[0]
    if failed:
        failures: list[dict] = []
        for err in failed:
            failures.extend(f for f in err.failures or [] if f not in failures)
        raise ValidationFailed("document data is not valid.", failures=failures)


def check_references(ctx: Context, params: dict) -> None:
    """Refuse params that hold a ref naming nothing or a ref into another database (core's RefValidator,
    run by every Create, Update, Replace and Insert): `validation failed` at the call, one failure each."""
    failures = [
        {"field": field, "code": "invalid reference", "description": problem}
        for field, ref in refs_in(params)
        if (problem := _reference_problem(ctx, ref)) is not None
    ]
    if failures:
        raise ValidationFailed("document data is not valid.", failures=failures)


def refs_in(value: t.Any, field: tuple = ()) -> t.Iterator[tuple[list, Ref]]:
    """Every ref in `value` (objects and arrays walked in order) with its field path, list indexes as
    strings, as core's reference validators name them."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from refs_in(v, (*field, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from refs_in(v, (*field, str(i)))
    elif type(value) is Ref:
        yield list(field), value


def _reference_problem(ctx: Context, ref: Ref) -> str | None:
    """Why `ref` cannot be stored here: it names nothing, or it is scoped to another database."""
    try:
        if ref.collection is None:
            scope = scope_of(ctx, ref.database)
        else:
            key = doc_key(ctx, ref)
            if ref.is_schema and live(ctx, key) is None:
                return "Cannot read reference."
            scope = key.scope
    except InvalidRef:
        return "Cannot read reference."
    return None if scope == ctx.state.scope else "Reference cannot be scoped."


#: The fields a v4 user document keeps, in the order fql stores them: core's Document.VersionValidator
#: selects `data`, `constraints` (a legacy object field of every v4 document) and `ttl`.
_V4_FIELDS = ("ttl", "data", "constraints")
#: What each of them must be, in the order core's validators check them.
_V4_TYPES = (("data", dict, "Map"), ("constraints", dict, "Map"), ("ttl", Timestamp, "Time"))


def user_fields(params: dict, *path: str | int, v4: bool = True, failures: t.Sequence[dict] = ()) -> dict:
    """The stored fields of a user document from Create/Replace params: `data` and `ttl` (and in v4
    `constraints`). A v4 write drops every null in an object field, and the field itself when it is left
    empty (`_without_empty_data`); a v10 one (`v4=False`) drops null fields and keeps nulls inside arrays,
    as core's Data.elideNulls (FQL2ArraySpec). A v4 write reports every field of the wrong type, after
    the `failures` given (its password's: core's Validator.patch puts a patch's failures before the
    data's), as core's validators collect them."""
    if not v4:
        out: dict = {}
        data = params.get("data")
        if data is not None:
            if not isinstance(data, dict):
                raise validation_failed("data", "Object", data).at(*path)
            out["data"] = elide_nulls(data)
        ttl = params.get("ttl")
        if ttl is not None:
            if not isinstance(ttl, Timestamp):
                raise validation_failed("ttl", "Time", ttl).at(*path)
            out["ttl"] = ttl
        return {k: out[k] for k in ("ttl", "data") if k in out}
    out = {}
    wrong = list(failures)
    for field, kind, expected in _V4_TYPES:
        value = params.get(field)
        if value is None:
            continue
        value = stored_form(value) if kind is dict else value
        if not isinstance(value, kind):
            wrong.extend(validation_failed(field, expected, value).failures)
        else:
            out[field] = without_nulls(value) if kind is dict else value
    if wrong:
        raise ValidationFailed("document data is not valid.", failures=wrong).at(*path)
    return _without_empty_data({k: out[k] for k in _V4_FIELDS if k in out})


@builtin("Create", keys=("create", "params"), required=1)
def create(
    ctx: Context, target: t.Any, params: t.Any = None, *, v4: bool = True, validate: Validator | None = None
) -> dict:
    """Create a document in a collection (or with a chosen id: `Create(Ref(Collection("c"), "1"), ...)`).
    v10's create calls it with `v4=False` (nulls in arrays are kept), and with its collection's schema
    checks as `validate`, which run once the caller may create and the id is free (core's
    WriteBroker.createDocument: checkCreatePermission, then Store.create's id check, then the schema's
    validateAndTransform); they return the params to write."""
    if v4:
        # Core casts `create` before `params` (Casts.StringOrRef, whose type is Identifier): the first
        # refusal is the answer, an unresolved ref's included.
        if not isinstance(target, (str, Ref)):
            raise InvalidArgument(f"Identifier expected, {type_name(target)} provided.").at("create")
        resolved(ctx, target, "create")
    params = {} if params is None else OBJECT(params, "params")
    if v4 and isinstance(target, str):
        # Core's v4 Create also takes a user collection's name (`{"create": "spells"}`).
        target = Ref(target, native("collections"))
    if isinstance(target, Ref) and target.collection is None and target.id in NATIVE_NAMES:
        from .schema import create_native

        if target.database is not None:
            check_references(ctx, params)
            raise InvalidArgument("Cannot write a scoped ref.").at("create")
        # Core reports a native create's failures at the create form's own key, as a document's.
        return create_native(ctx, target, params, "create")
    if not isinstance(target, Ref) or target.collection is None:
        raise InvalidArgument(f"Collection Ref expected, {type_name(target)} provided.").at("create")
    if target.kind == "collections":
        ref = Ref(str(ctx.state.txn.next_id()), target)
    elif target.kind is None:
        ref = target
    else:
        return _create_native_at(ctx, target, params)
    check_references(ctx, params)
    key = doc_key(ctx, ref, "create")
    if key.scope != ctx.state.scope:
        raise InvalidArgument("Cannot write a scoped ref.").at("create")
    # Core reports every failure of the write itself at the create form's own key.
    invalid: ValidationFailed | None = None
    try:
        # A v10 predicate sees the fields as given (core's WriteBroker asks before the schema's checks).
        fields = (
            _given_fields(params)
            if validate is not None
            else user_fields(params, "create", v4=v4, failures=_password_failures(ctx, params, v4))
        )
    except ValidationFailed as err:
        if not v4:
            raise
        # Core asks whether the caller may create, and whether the id is free, before it validates the
        # fields (WriteAdaptor.create's precheck, then its write's patch).
        fields, invalid = _given_fields(params), err
    _may_create(ctx, key, ref, target, fields, v4=v4)
    with unbilled(ctx):  # the create's own look-up: no read op, and no bytes where there is nothing
        exists = live(ctx, key) is not None
    if exists:
        raise InstanceAlreadyExists("Document already exists.").at("create")
    if invalid is not None:
        refuse_past_write(ctx, "create")
        raise invalid
    if validate is not None:
        params = validate(params)
        fields = user_fields(params, "create", v4=False)
    version = _write_user(ctx, key, fields, "create", v4=v4)
    _credentials(ctx, key, params, "create")
    ctx.state.created = True
    return render(ctx, version)


def _may_create(ctx: Context, key: DocKey, ref: Ref, target: Ref, fields: dict, *, v4: bool) -> None:
    if target.kind is None:
        access.require(ctx, "create_with_id", key, (ref, fields), "create")
        if not v4:
            # v10 asks for `create` as well (core's WriteBroker.checkCreatePermission; v4's WriteAdaptor
            # asks for create_with_id alone).
            access.require(ctx, "create", key, (fields, ref), "create")
    else:
        # The new ref goes last: v4's predicate gets the fields, a v10 one the document (id included).
        access.require(ctx, "create", key, (fields, ref), "create")


def _given_fields(params: dict) -> dict:
    """A user document's fields as a write gives them, before they are validated: what core's permission
    checks see of a write that its validation then refuses."""
    return {k: copy(params[k]) for k in ("ttl", "data") if params.get(k) is not None}


def _create_native_at(ctx: Context, target: Ref, params: dict) -> dict:
    """`Create` of a native document's ref: core creates the document with that id (AbstractCreateFunction's
    DocID case; WriteAdaptor.create). A schema document's ref (`Index("i")`) is cast only if it names a
    document, which is then already there; a key, token or credentials document takes the id given. The
    ref is cast first, then the params' refs are read, then the ref's database, then the caller's right to
    create, then whether the id is taken, all before any field is validated."""
    from .schema import create_native

    resolved(ctx, target, "create")
    check_references(ctx, params)
    key = doc_key(ctx, target, "create")
    if key.scope != ctx.state.scope:
        raise InvalidArgument("Cannot write a scoped ref.").at("create")
    access.require(ctx, "create", DocKey(key.scope, key.coll, ""), (params,), "create")
    if live(ctx, key) is not None:
        raise InstanceAlreadyExists(f"{taken_noun(target.kind)} already exists.").at("create")
    # Asked and looked: the creator neither asks again nor looks whether the id is taken.
    return create_native(ctx, target.collection, params, "create", doc_id=target.id, asked=True)


def taken_noun(kind: str | None) -> str:
    """The noun of core's `X already exists.`: its native collection's, or `Document`; core's renderer
    names no access provider, and says `other` (RenderError.NativeTypeToName)."""
    if kind == "access_providers":
        return "other"
    return NOUNS.get(kind, "Document") if kind else "Document"


def _password_failures(ctx: Context, params: dict, v4: bool) -> list[dict]:
    """What core's password validator refuses in a v4 write's `credentials`: the failures of the write's
    patch, reported before its fields' (UserDocumentWriteConfig.liveValidator adds it to the document's)."""
    if not v4 or params.get("credentials") is None:
        return []
    from .auth import password_failures

    return password_failures(ctx, params["credentials"], "credentials")


def _credentials(ctx: Context, key: DocKey, params: dict, *path: str | int) -> None:
    """`credentials: {password}` in Create/Update/Replace params sets the password (never stored here)."""
    if params.get("credentials") is not None:
        from .auth import set_password

        set_password(ctx, key, params["credentials"], *path, hash_given=True)


def _without_empty_data(fields: dict) -> dict:
    """A v4 document's fields as core keeps them: an empty `data` (or `constraints`) is not stored, so the
    document has no such field (core's Document validator selects its fields with a MaskTree, and
    MaskFields.select drops a top-level object it leaves empty; the objects inside are kept, empty or not)."""
    return {k: v for k, v in fields.items() if not (k in ("data", "constraints") and v == {})}


def merge(old: t.Any, new: t.Any, v4: bool = True) -> t.Any:
    """Update's deep merge: objects merge key by key, null removes a key, anything else replaces (without
    its nulls in v4, as `user_fields`)."""
    if v4:
        new = stored_form(new)
    if not isinstance(old, dict) or not isinstance(new, dict):
        return without_nulls(new) if v4 else elide_nulls(new)
    out = dict(old)
    for k, v in new.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge(old.get(k), v, v4)
    return out


def _write_args(ctx: Context, ref: t.Any, params: t.Any, key: str, v4: bool) -> dict:
    """Update's and Replace's arguments cast in order, as core's v4 forms cast them (`Casts.Ref`, then an
    optional `Casts.Object`): a ref that is not one, or names nothing, is refused before the params. A v10
    write's reference comes from the document it read (which a staged schema may name otherwise than the
    active one does), so it is not cast again."""
    REF(ref, key)
    if v4:
        resolved(ctx, ref, key)
    return {} if params is None else OBJECT(params, "params")


def _existing(
    ctx: Context, ref: t.Any, key: str, action: str, params: dict | None = None
) -> tuple[DocKey, Version]:
    """The live document `ref` names; a delete is checked here, a write once its new fields are known.

    As in core, a ref into another database is refused, and so are bad refs in the new `params`, before
    the document is looked for."""
    if type(ref) is Ref and ref.collection is None and ref.id in NATIVE_NAMES:
        _native_collection_write(ctx, ref, key, params)
    doc = doc_key(ctx, ref, key)
    if doc.scope != ctx.state.scope:
        scoped_write(ctx, key, params)
    # Before the document is looked for: a staged schema may have it where the active one does not.
    staged.check_write(ctx, doc)
    if params is not None:
        check_references(ctx, params)
    version = live(ctx, doc)
    if version is None and ref.is_schema:
        error = missing(ctx, ref, key)
        if isinstance(error, InvalidRef):
            raise error
    if version is None:
        # Core looks the document up before it asks whether the caller may write it, so a missing one is
        # `instance not found` whatever the key or role (WriteAdaptor.update: prevVersions, then
        # checkWritePermission; WriteAdaptor.delete: its lookup's failure comes first in its parT). An
        # Update's or Replace's is missing at the call's `update`/`replace` key (`pos at verb`), a
        # Delete's at the call itself.
        raise not_found(ref) if action == "delete" else not_found(ref).at(key)
    if action == "delete":
        access.require(ctx, action, doc, (ref,))
    return doc, version


def scoped_write(ctx: Context, key: str, params: dict | None) -> t.NoReturn:
    """Refuse a write of another database's document: with the refusals of the params' refs too, which
    Update, Replace and Insert check alongside (their `errs`, WriteFunctions.scala)."""
    err = InvalidArgument("Cannot write a scoped ref.").at(key)
    if params is not None:
        try:
            check_references(ctx, params)
        except ValidationFailed as refs:
            err.siblings.append(refs)
    raise err


def _native_collection_write(ctx: Context, ref: Ref, key: str, params: dict | None) -> t.NoReturn:
    """Update, Replace or Delete of a native collection (`Ref("classes")`, `Collections()`): to core a
    document of the collection of collections that is not stored. Its write functions check the ref's
    database first ("Cannot write a scoped ref.") and an update's refs; then Update and Replace refuse a
    schema meta collection (CollectionWriteAdaptor.isUpdatable), and Delete, which looks the document up
    before it checks that it may be deleted, does not find it."""
    if ref.database is not None:
        scoped_write(ctx, key, params)
    if key == "delete":
        raise InstanceNotFound("Collection not found.")
    if params is not None:
        check_references(ctx, params)
    # Core's InvalidUpdateRefArgument says "update" for a Replace too.
    raise InvalidArgument("Cannot update a schema meta collection.").at(key)


def _may_write(ctx: Context, key: DocKey, ref: Ref, before: Version, fields: dict) -> None:
    """ABAC write predicates see the document before and after the change (core's WriteInstance)."""
    old = render(ctx, before)
    new = {"ref": old["ref"], "ts": ctx.state.ts, **copy(fields)}
    access.require(ctx, "write", key, (old, new, ref))


def _v4_native_params(ref: Ref, version: Version, params: dict, replace: bool) -> dict:
    """What a v4 Update or Replace may write to a schema document that v10 also writes: roles and access
    providers take refs and lambdas, not v10's names and source; a function keeps its v10 fields.

    Core's FQL4 format validators read the document as it would be written, so what an Update leaves
    of a v10 role or provider (a Replace: a provider's roles, unless given) fails it too."""
    old = dict(version.data or {})
    if ref.kind == "roles":
        from .roles import check_v4_role

        check_v4_role(params if replace else merge(old, params))
    elif ref.kind == "access_providers":
        from .providers import check_v4_predicates

        kept = {k: old[k] for k in ("roles",) if k in old} if replace else old
        check_v4_predicates(merge(kept, params))
    elif ref.kind == "functions":
        from .schema import v4_function_params

        params = v4_function_params(dict(version.data or {}), params)
    return params


@builtin("Update", keys=("update", "params"))
def update(
    ctx: Context, ref: t.Any, params: dict | None = None, *, v4: bool = True, validate: Validator | None = None
) -> dict:
    """Merge `params` into the document: objects merge deeply and a null field is removed (`v4` and
    `validate`: see `create`; v10's checks run once the caller may write, core's checkUpdatePermission)."""
    params = _write_args(ctx, ref, params, "update", v4)
    key, version = _existing(ctx, ref, "update", "write", params)
    if ref.kind is not None:
        from .schema import update_native

        # Core asks whether the caller may write before anything of the write itself (WriteAdaptor.update).
        _may_write(ctx, key, ref, version, merge(dict(version.data or {}), params))
        if validate is not None:
            params = validate(params)
        if v4:
            params = _v4_native_params(ref, version, params, replace=False)
        return update_native(ctx, ref, key, version, params, replace=False, v4=v4)
    if validate is not None:
        _may_write(ctx, key, ref, version, _patched(version, params, params.get("ttl"), v4))
        params = validate(params)
    try:
        given = {k: v for k, v in params.items() if k in ("data", "constraints", "ttl", "credentials")}
        fields = user_fields(given, v4=v4, failures=_password_failures(ctx, params, v4))
    except ValidationFailed:
        if v4:
            # Core asks whether the caller may write before it validates (WriteAdaptor.update).
            _may_write(ctx, key, ref, version, merge(dict(version.data or {}), _given_fields(params)))
            refuse_past_write(ctx)
        raise
    ordered = _patched(version, params, fields.get("ttl"), v4)
    if validate is None:
        _may_write(ctx, key, ref, version, ordered)
    version = _write_user(ctx, key, ordered, v4=v4)
    _credentials(ctx, key, params)
    return render(ctx, version)


@builtin("Replace", keys=("replace", "params"))
def replace(
    ctx: Context, ref: t.Any, params: dict | None = None, *, v4: bool = True, validate: Validator | None = None
) -> dict:
    """Replace the document's fields with `params` (core's params are optional, as Create's are; `v4` and
    `validate`: see `update`)."""
    params = _write_args(ctx, ref, params, "replace", v4)
    key, version = _existing(ctx, ref, "replace", "write", params)
    if ref.kind is not None:
        from .schema import update_native

        _may_write(ctx, key, ref, version, params)
        if validate is not None:
            params = validate(params)
        if v4:
            params = _v4_native_params(ref, version, params, replace=True)
        return update_native(ctx, ref, key, version, params, replace=True, v4=v4)
    if validate is not None:
        _may_write(ctx, key, ref, version, _given_fields(params))
        params = validate(params)
    try:
        fields = user_fields(params, v4=v4, failures=_password_failures(ctx, params, v4))
    except ValidationFailed:
        if v4:
            # Core asks whether the caller may write before it validates (WriteAdaptor.update).
            _may_write(ctx, key, ref, version, _given_fields(params))
            refuse_past_write(ctx)
        raise
    if validate is None:
        _may_write(ctx, key, ref, version, fields)
    version = _write_user(ctx, key, fields, v4=v4)
    _credentials(ctx, key, params)
    return render(ctx, version)


def _patched(version: Version, params: dict, ttl: t.Any, v4: bool) -> dict:
    """A user document's fields once Update's `params` are merged in, its new `ttl` being `ttl`."""
    data = dict(version.data or {})
    for field in ("data", "constraints") if v4 else ("data",):
        if field in params:
            given = params[field]
            data = merge(data, {field: given}, v4) if given is not None else {**data, field: {}}
    if "ttl" in params:
        data.pop("ttl", None)
        if params["ttl"] is not None:
            data["ttl"] = ttl
    if not v4:
        return {k: data[k] for k in ("ttl", "data") if k in data}
    return _without_empty_data({k: data[k] for k in _V4_FIELDS if k in data})


def _made_now(ctx: Context, key: DocKey) -> bool:
    """Whether the collection of the document `key` was created by this transaction."""
    state = ctx.state
    with unbilled(ctx):
        older = [v for v in state.txn.history(DocKey(key.scope, "#collections", key.coll)) if v.ts < state.ts]
    return not older or older[-1].data is None


def _write_user(ctx: Context, key: DocKey, data: dict, *path: str | int, v4: bool) -> Version:
    """`write` for Create, Update and Replace, with the failures each syntax words its own way.

    From v10, the unique indexes and constraints the document breaks are core's `Failed unique constraint.`
    naming each (UniqueConstraintSpec); from v4, one `document is not unique.`. From v4, a v10 check
    constraint that refuses the document is core's `check constraint failure` (one error a check; fql
    reports the first), and one that fails is the transaction aborted with its message
    (FQL2CheckConstraintsSpec, V4 edition), either at the write's position (a create's form key:
    WriteConfig.evalCheckConstraints gets createPos). A v4 write without a `ttl` gets its collection's
    `ttl_days` (core's adjustTTL; v10 writes get it from their own write path)."""
    if v4 and versions.at_least(ctx.state.api_version, "5") and _made_now(ctx, key):
        # From API 5 core looks the collection up as it was before the transaction (WriteAdaptor.write).
        # At the write's position: a create's form key (AbstractCreateFunction's createPos).
        raise InvalidArgument("Cannot create a collection and a document in it in the same transaction.").at(*path)
    if v4 and data.get("ttl") is None:
        from .v10.fields import collection_ttl

        ttl = collection_ttl(ctx, key.scope, key.coll)
        if ttl is not None:
            data = {"ttl": ttl, **{k: v for k, v in data.items() if k != "ttl"}}
    try:
        return write(ctx, key, data, *path)
    except InstanceNotUnique as err:
        if err.unique is None:
            raise
        if v4:
            # Core's v4 writes report the indexes and constraints broken as one `instance not unique`
            # (WriteAdaptor's liftCV: InstanceNotUnique, rendered `document is not unique.`).
            raise InstanceNotUnique("document is not unique.").at(*path) from None
        raise QueryRuntimeError("constraint_failure", "Failed unique constraint.").with_failures(err.unique) from None
    except FQLError as err:
        if not v4:
            raise
        checks = [f for f in err.failures or () if f.get("code") == "check"]
        if checks:
            # v4 words it by its first check (CheckConstraintFailed.to_dict renders that on the wire too).
            raise CheckConstraintFailed(checks[0]["description"], checks).at(*path) from None
        if any((name or "").startswith("check_constraint:") for name, _, _ in err.frames):
            from .control import v10_aborted

            raise v10_aborted(ctx, err).at(*path) from None
        raise


@builtin("Delete", keys=("delete",))
def delete(ctx: Context, ref: t.Any, *, v4: bool = True, validate: t.Callable[[], None] | None = None) -> dict:
    """Delete the document; the result is the document as it was (v10's delete calls it with `v4=False`,
    and with its checks of what refers to the document as `validate`, run once the caller may delete it:
    core's WriteBroker.deleteDocument asks first)."""
    key, version = _existing(ctx, ref, "delete", "delete")
    if validate is not None:
        validate()
    if ref.kind is not None:
        from .schema import delete_native, refuse_if_protected, refuse_if_staged

        if v4:
            # Protected mode first: core's collection and index deletes check it, then their write's
            # delete checks for a staged schema (VersionedSchemaWriteConfig.delete).
            refuse_if_protected(ctx, ref.kind, key)
            refuse_if_staged(ctx, ref.kind, deleting=True)
        delete_native(ctx, ref, key, v4)
    write(ctx, key, None)
    return render(ctx, version)


def user_ref(ctx: Context, key: DocKey) -> Ref:
    return ref_of(ctx, key)
