"""Refs <-> storage keys: which collection a ref names, whether it exists, and how stored documents render."""

from __future__ import annotations

import typing as t

from ..errors import FQLError, InstanceNotFound, InvalidArgument, InvalidRef, ReadBelowMVT
from ..storage.base import DocKey, Version
from ..values import SCHEMA_CONSTRUCTORS, ReadDocument, Ref, Timestamp, TxnMicros, collection_ref, native
from .evaluator import Context

#: The singular noun Fauna uses for each native collection in `X not found.` / `X already exists.`
NOUNS = {
    "collections": "Collection",
    "indexes": "Index",
    "databases": "Database",
    "functions": "Function",
    "roles": "Role",
    "keys": "Key",
    "tokens": "Token",
    "credentials": "Credentials",
    "access_providers": "Access provider",
}

#: The word `Ref refers to undefined <word> 'x'` uses for each schema kind.
UNDEFINED_WORDS = {
    "collections": "collection",
    "indexes": "index",
    "databases": "database",
    "functions": "function",
    "roles": "role",
    "access_providers": "access_provider",
    "keys": "key",
}


#: The mutable values a stored document can hold; everything else in it is immutable and can be shared.
_CONTAINERS = (dict, list)


def copy(value: t.Any) -> t.Any:
    """A copy of a stored value deep enough that callers cannot change what is stored."""
    if isinstance(value, dict):
        return {k: copy(v) if isinstance(v, _CONTAINERS) else v for k, v in value.items()}
    if isinstance(value, list):
        return [copy(v) if isinstance(v, _CONTAINERS) else v for v in value]
    return value


def scope_of(ctx: Context, database: Ref | None) -> str:
    """The storage scope of a ref's `database` part, relative to the caller's database."""
    if database is None:
        return ctx.state.scope
    from .schema import child_scope

    return child_scope(ctx, database)


def database_ref(ctx: Context, scope: str) -> Ref | None:
    """The `database` part of refs stored in `scope`, as seen from the caller's database."""
    if scope == ctx.state.scope:
        return None
    from .schema import scope_database_ref

    return scope_database_ref(ctx, scope)


def live(ctx: Context, key: DocKey) -> Version | None:
    """The document's current version, or None when it is deleted, expired or was never written."""
    txn = ctx.state.txn
    version = txn.get(key)
    # Version.live_at, inlined: this runs for every document a query reads.
    if version is None or version.data is None or (version.ttl is not None and version.ttl <= txn.ts):
        return None
    return version


def version_at(ctx: Context, key: DocKey, ts: int) -> Version | None:
    """The version of `key` in effect at `ts` (a deletion included), or None before its first one."""
    txn = ctx.state.txn
    newest = txn.get(key)
    if newest is None or newest.ts <= ts:
        return newest
    found = None
    for version in txn.history(key):
        if version.ts > ts:
            break
        found = version
    return found


def live_at(ctx: Context, key: DocKey, ts: int) -> Version | None:
    """The document as it was at `ts`, or None when it did not exist then (deleted, not yet made) or its
    ttl has passed (`visible`)."""
    version = version_at(ctx, key, ts)
    return version if version is not None and visible(ctx, version, ts) else None


def visible(ctx: Context, version: Version, ts: int) -> bool:
    """Whether a read at valid time `ts` sees `version`, the one in effect then: not a deletion, and not
    expired as of the query's own time. Core's DocSnapshot checks a ttl against the snapshot time, not
    the valid time, so a document whose ttl has passed is gone from the past too (VersionsSpec "ttl on
    read": a version at 10 with ttl 15 is not found at 10 once 15 has passed)."""
    return version.live_at(max(ts, ctx.state.txn.ts))


def made(ctx: Context, key: DocKey) -> int:
    """When the document `key` was made: its first version since it was last deleted."""
    history = ctx.state.txn.history(key)
    first = history[0].ts if history else 0
    for before, after in zip(history, history[1:]):
        if not before.data and after.data:
            first = after.ts
    return first


#: The schema documents core gives numeric ids in creation order, which their sets follow: fql names
#: them by name, and orders them by when each was made and, among those one transaction made, by its
#: place among them, kept beside it (`made_key`).
NAMED = frozenset(("#collections", "#indexes", "#functions", "#roles", "#access_providers", "#databases"))


def made_key(key: DocKey) -> DocKey:
    """Where the place of the named schema document `key` among those its transaction made is kept (a
    document of no collection's, written with it, moved with it by a rename)."""
    return DocKey(key.scope, "#schema_made", f"{key.coll}/{key.id}")


def made_rank(txn: t.Any, key: DocKey, born: int) -> int:
    """The place of the named schema document `key`, made at `born`, among those its transaction made
    (0 if not known: made before fql kept it)."""
    found = txn.get(made_key(key))
    return found.data["rank"] if found is not None and found.data and found.ts == born else 0


def read(ctx: Context, key: DocKey) -> Version | None:
    """The document as a read sees it: now, or as it was at the valid time of an enclosing `At`."""
    at = ctx.state.valid_ts
    if at is None:
        return live(ctx, key)
    check_valid_time(ctx, key.scope, key.coll, at)
    return live_at(ctx, key, at)


#: Core keeps a collection's history this much longer than its `history_days` (Collection.MVTOffset).
MVT_OFFSET = 15 * 60 * 1_000_000
_DAY = 86_400 * 1_000_000


def min_valid_time(ctx: Context, scope: str, coll: str) -> int:
    """The oldest valid time (µs) a read of the user collection `coll` may ask for: core's
    deriveMinValidTime, `history_days` before now but never before the floor its definition's writes
    left, then 15 minutes earlier. Core's floor (CollectionWriteConfig.updateMVT) is a high-water mark:
    each write of the definition raises it to the minimum valid time then, or to the write's time less
    its new `history_days` (none counts as the default, 0), so a longer retention never brings back what
    a shorter one let go, nor a read before the collection was made. 0 for a native collection or one
    that does not exist."""
    if coll.startswith("#"):
        return 0
    txn = ctx.state.txn
    floor, days, alive = 0, None, False
    for version in txn.history(DocKey(scope, "#collections", coll)):
        if version.data is None:
            floor, days, alive = 0, None, False
            continue
        now = _derived(version.ts, days, floor) if alive else 0
        days, alive = _retention(version.data), True
        floor = max(now, version.ts - (days or 0))
    return max(_derived(txn.ts, days, floor) - MVT_OFFSET, 0) if alive else 0


def _derived(ts: int, days: int | None, floor: int) -> int:
    """Core's deriveMinValidTimeNoOffset at `ts`: the retention's bound (none for ever), or the floor."""
    return floor if days is None else max(ts - days, floor)


def _retention(data: dict | None) -> int | None:
    """A definition's `history_days` in µs; None for none (history kept for ever)."""
    days = (data or {}).get("history_days")
    if isinstance(days, int) and not isinstance(days, bool):
        return days * _DAY
    return None


def check_valid_time(ctx: Context, scope: str, coll: str, at: int) -> None:
    """Refuse a read of `coll` at the valid time `at` (µs) older than its minimum valid time."""
    mvt = min_valid_time(ctx, scope, coll)
    if at < mvt:
        shown, least = Timestamp.from_micros(at).isoformat(), Timestamp.from_micros(mvt).isoformat()
        raise ReadBelowMVT(f"Requested timestamp {shown} less than minimum allowed timestamp {least}.")


def schema_key(ctx: Context, kind: str, name: str, database: Ref | None = None) -> DocKey:
    return DocKey(ctx.state.auth.scope if database is None else scope_of(ctx, database), "#" + kind, name)


def check_collection(ctx: Context, coll: Ref, *path: str | int) -> DocKey:
    """The key of a user collection's schema document; invalid ref if it does not exist."""
    key = schema_key(ctx, "collections", coll.id, coll.collection.database if coll.collection else None)
    if live(ctx, key) is None:
        raise InvalidRef(f"Ref refers to undefined collection '{coll.id}'").at(*path)
    return key


def doc_key(ctx: Context, ref: t.Any, *path: str | int) -> DocKey:
    """Where the document `ref` is stored; invalid ref when its collection does not exist."""
    if not isinstance(ref, Ref):
        from ..values import type_name

        raise InvalidArgument(f"Ref expected, {type_name(ref)} provided.").at(*path)
    coll = ref.collection
    if coll is None:
        raise InvalidArgument("Ref expected, Collection Ref provided.").at(*path)
    kind = coll.collection
    if kind is None:
        # A native collection: schema documents are named, keys and tokens numbered.
        return DocKey(scope_of(ctx, coll.database), "#" + coll.id, ref.id)
    # check_collection, inlined: every document read comes this way.
    scope = ctx.state.auth.scope if kind.database is None else scope_of(ctx, kind.database)
    if live(ctx, DocKey(scope, "#collections", coll.id)) is None:
        raise InvalidRef(f"Ref refers to undefined collection '{coll.id}'").at(*path)
    return DocKey(scope, coll.id, ref.id)


#: The refs of the caller's own collections by stored name ("items", "#tokens"), made once: a ref is
#: frozen, so one serves every query (rendering a document otherwise builds three).
_OWN_COLLECTIONS: dict[str, Ref] = {}


def ref_of(ctx: Context, key: DocKey) -> Ref:
    """The ref of a stored document, relative to the caller's database."""
    if key.scope != ctx.state.scope:
        return Ref(key.id, _collection_of(key.coll, database_ref(ctx, key.scope)))
    return local_ref(key)


def local_ref(key: DocKey) -> Ref:
    """The ref of a stored document as its own database stores it (no `database` part)."""
    coll = _OWN_COLLECTIONS.get(key.coll)
    if coll is None:
        if len(_OWN_COLLECTIONS) > 10_000:
            _OWN_COLLECTIONS.clear()
        coll = _OWN_COLLECTIONS[key.coll] = _collection_of(key.coll, None)
    return Ref(key.id, coll)


def _collection_of(coll: str, db: Ref | None) -> Ref:
    """The ref of the collection stored as `coll` (a native one starts with `#`) in database `db`."""
    if coll.startswith("#"):
        return native(coll[1:], db)
    return collection_ref(coll, db)


def not_found(ref: Ref) -> InstanceNotFound:
    kind = ref.kind
    noun = NOUNS.get(kind, "Document") if kind else "Document"
    return InstanceNotFound(f"{noun} not found.")


def missing(ctx: Context, ref: Ref, *path: str | int) -> FQLError:
    """The error for a document a Get, Update, Replace or Delete did not find.

    Core resolves a schema ref (`Collection("x")`) when it builds it; one that names nothing is an
    unresolved ref, which every function taking a ref refuses with `invalid ref` before anything else.
    Outside `At`, fql tells them apart here, where the document turns out to be missing."""
    if ref.is_schema and ctx.state.valid_ts is None and ref.kind in UNDEFINED_WORDS:
        return InvalidRef(f"Ref refers to undefined {UNDEFINED_WORDS[ref.kind]} '{ref.id}'").at(*path)
    return not_found(ref)


def resolved(ctx: Context, value: t.Any, *path: str | int) -> t.Any:
    """`value`, unless it is an unresolved ref: then the `invalid ref` error core gives, at `path`.

    Core resolves a schema ref (`Collection("x")`, or the collection of `Ref(Collection("x"), "1")`)
    when it builds it; one that names nothing stays an unresolved ref, which Select, the comparisons
    and Paginate's cursors refuse. fql's refs are plain names, so this looks the name up now."""
    if not isinstance(value, Ref) or value.collection is None:
        return value
    named = value if value.is_schema else value.collection
    if not named.is_schema or named.kind not in UNDEFINED_WORDS:
        return value
    try:
        key = doc_key(ctx, named)
    except InvalidRef as err:  # its database names nothing either
        raise err.at(*path) from None
    if live(ctx, key) is None:
        raise InvalidRef(f"Ref refers to undefined {UNDEFINED_WORDS[named.kind]} '{named.id}'").at(*path)
    return value



def all_resolved(ctx: Context, values: t.Iterable[tuple[t.Any, tuple[str | int, ...]]]) -> None:
    """Each (value, path) `resolved`, every unresolved ref reported: the first error raised with the
    others as its siblings, one answer (core checks them all before it fails)."""
    errors: list[InvalidRef] = []
    for value, path in values:
        try:
            resolved(ctx, value, *path)
        except InvalidRef as err:
            errors.append(err)
    if errors:
        errors[0].siblings.extend(errors[1:])
        raise errors[0]

def render(ctx: Context, version: Version) -> ReadDocument:
    """A stored version as Fauna shows it: ref, ts, then the document's fields."""
    ts = version.ts
    if ts == ctx.state.ts and not ctx.state.v10:
        # Written by this query: core holds its time as a placeholder until commit.
        ts = TxnMicros(ts)
    out = ReadDocument(ref=ref_of(ctx, version.key), ts=ts)
    if version.data:
        hidden = () if ctx.state.v10 else HIDDEN.get(version.key.coll, ())
        for k, v in version.data.items():
            if k not in hidden:
                out[k] = copy(v) if isinstance(v, _CONTAINERS) else v
    return out


#: Fields a native collection's documents keep but never show in v4, by collection (fql/eval/schema.py
#: fills it).
HIDDEN: dict[str, t.Collection[str]] = {}


def is_schema_kind(kind: str) -> bool:
    return kind in SCHEMA_CONSTRUCTORS
