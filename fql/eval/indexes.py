"""Index definitions and their entries: computed per document version, maintained on every write."""

from __future__ import annotations

import itertools
import math
import typing as t

from attrs import evolve, field, frozen

from .. import ast
from ..collation import TOP, encode, terms_key, tuple_key
from ..errors import (
    FQLError,
    IndexEntriesTooLarge,
    InstanceNotUnique,
    InvalidArgument,
    InvalidRef,
    QueryTimeout,
    StackOverflow,
    TooMuchCompute,
)
from ..storage.base import DocKey, Entry, IndexKey, Version
from ..values import UUID, Bytes, Date, Lambda, Ref, Timestamp, TxnMicros, native, type_name
from . import versions
from .evaluator import Context, unbilled
from .refs import live, ref_of, render, resolved, schema_key, version_at


@frozen
class Field:
    """One term or value: a path into the rendered document, or a binding computed from it (a v4 lambda,
    or a Python function of the context and the rendered document)."""

    path: tuple | None
    binding: Lambda | t.Callable | None
    reverse: bool = False
    #: An array value gives one entry per element (v4 always; a v10 field only with `mva: true`, and then
    #: nested arrays are flattened too, as core's MVA fields are).
    mva: bool = True
    #: One level of fan-out (v4's) or all the way down (v10's `mva: true`).
    deep: bool = False
    #: A v10 `id` field: the document's id as a number (core's IDs sort numerically), not its ref.
    as_id: bool = False
    #: A v10 `ts` field: the version's time as a Time, as core covers it (the rendered document has v4's
    #: microseconds; FQL2IndexSpec "indexes can cover values of ts and ttl").
    as_time: bool = False
    #: A v4 field: read as core's `select_as_index` reads it (see `_legacy_values`).
    legacy: bool = False
    #: A v4 field's `transform`: the name of a one-argument function applied to each value (`casefold`).
    transform: str | None = None
    #: A v4 binding's name: each source computes it with its own lambda (`IndexDef.fields_for`).
    bound: str | None = None


@frozen
class IndexDef:
    """An index as the evaluator uses it: where it reads from and what its entries hold."""

    key: IndexKey
    ref: Ref
    #: Storage collection names of the sources (`users`, `#tokens`).
    sources: tuple[str, ...]
    terms: tuple[Field, ...]
    values: tuple[Field, ...]
    unique: bool
    #: A v10 index keeps a document whose covered values are all null (they sort last); v4 drops it.
    keeps_null_values: bool = False
    #: A v10 unique constraint's field paths (its failures name them); None for other indexes.
    constraint: tuple | None = None
    #: A v4 index's bindings, by source collection (`"_"` for the wildcard source's): each source binds
    #: its own lambdas, as core's Index.parseBinders keeps them.
    bindings: dict[str, dict[str, Lambda]] = field(factory=dict, eq=False)

    @property
    def reverse(self) -> tuple[bool, ...]:
        return tuple(v.reverse for v in self.values) + (False,)

    def fields_for(self, coll: str) -> tuple[tuple[Field, ...], tuple[Field, ...]]:
        """The terms and values a document of `coll` is indexed by: each binding computed by the
        lambda of `coll`'s source (a user collection the `"_"` source reads, by that source's), and null
        where that source binds no such name."""
        if not any(f.bound is not None for f in (*self.terms, *self.values)):
            return self.terms, self.values
        own = self.bindings.get(coll)
        if own is None and not coll.startswith("#"):
            own = self.bindings.get(WILDCARD)
        own = own or {}

        def bind(fields: tuple[Field, ...]) -> tuple[Field, ...]:
            return tuple(evolve(f, binding=own.get(f.bound)) if f.bound is not None else f for f in fields)

        return bind(self.terms), bind(self.values)


def _fields(specs: t.Any) -> tuple[Field, ...]:
    out = []
    for spec in [specs] if isinstance(specs, dict) else specs or ():
        reverse = bool(spec.get("reverse", False))
        if "binding" in spec:
            out.append(Field(None, None, reverse, bound=spec["binding"]))
        else:
            path = spec.get("field")
            steps = tuple(path if isinstance(path, list) else [path])
            mva = spec.get("mva", True) is not False
            out.append(Field(steps, None, reverse, mva=mva, legacy=True, transform=spec.get("transform")))
    return tuple(out)


def source_names(source: t.Any) -> tuple[list[str], dict[str, dict[str, Lambda]]]:
    """The storage collection names an index reads, and the bindings each source defines, by name."""
    names: list[str] = []
    bindings: dict[str, dict[str, Lambda]] = {}
    for item in source if isinstance(source, list) else [source]:
        fields = {}
        if isinstance(item, dict):
            fields = dict(item.get("fields") or {})
            item = item.get("collection", item.get("class"))
        for each in item if isinstance(item, list) else [item]:
            if isinstance(each, Ref):
                names.append(("#" + each.id) if each.collection is None else each.id)
            elif each == WILDCARD:
                names.append(WILDCARD)
            else:
                continue
            bindings[names[-1]] = fields
    return names, bindings


#: The source `"_"`: every user collection of the index's database, present and future.
WILDCARD = "_"


def _reads(names: list[str], coll: str) -> bool:
    return coll in names or (WILDCARD in names and not coll.startswith("#"))


def _user_collections(ctx: Context, scope: str) -> list[str]:
    return [v.key.id for v in ctx.state.txn.scan(scope, "#collections") if v.live_at(ctx.state.ts)]


def from_version(ctx: Context, version: Version) -> IndexDef:
    data = version.data or {}
    names, bindings = source_names(data.get("source"))
    if WILDCARD in names:
        names = [n for n in names if n != WILDCARD] + _user_collections(ctx, version.key.scope)
    return IndexDef(
        IndexKey(version.key.scope, version.key.id),
        ref_of(ctx, version.key),
        tuple(names),
        _fields(data.get("terms")),
        _fields(data.get("values")),
        bool(data.get("unique", False)),
        bindings=bindings,
    )


def definition(ctx: Context, index: t.Any, *path: str | int) -> IndexDef:
    """The live index `index` (a ref or a name); invalid ref when there is none. A quoted `@set` may
    name anything as its index (the wire keeps it as sent): that is no Identifier, as Match says."""
    if not isinstance(index, (str, Ref)) or isinstance(index, Ref) and index.kind != "indexes":
        raise InvalidArgument(f"Identifier expected, {type_name(index)} provided.").at(*path)
    cache = ctx.state.cache.setdefault("index_defs", {})
    name = index if isinstance(index, str) else index.id
    database = None if isinstance(index, str) or index.collection is None else index.collection.database
    key = schema_key(ctx, "indexes", name, database)
    found = cache.get(key)
    if found is None:
        version = live(ctx, key)
        if version is None:
            raise InvalidRef(f"Ref refers to undefined index '{name}'").at(*path)
        found = cache[key] = from_version(ctx, version)
    return found


#: Indexes fql keeps for itself (invisible to users): a document's tokens and its credentials.
INTERNAL_BY_INSTANCE = {"#tokens": "#tokens_by_instance", "#credentials": "#credentials_by_instance"}


def internal(scope: str, coll: str) -> IndexDef:
    """The internal by-instance index of `coll` ("#tokens" or "#credentials") in `scope`."""
    name = INTERNAL_BY_INSTANCE[coll]
    return IndexDef(IndexKey(scope, name), Ref(name, native("indexes")), (coll,), (Field(("instance",), None),), (), False)


#: Other sources of index definitions for a collection: fn(ctx, scope, coll) -> [IndexDef]
#: (v10 collection definitions declare their indexes and unique constraints inline).
DEFINITION_SOURCES: list[t.Callable[[Context, str, str], list[IndexDef]]] = []


def for_collection(ctx: Context, scope: str, coll: str) -> list[IndexDef]:
    """Every live index with `coll` among its sources (and fql's internal ones)."""
    by_source = ctx.state.cache.setdefault("indexes_by_source", {})
    if (scope, coll) not in by_source:
        found = [internal(scope, coll)] if coll in INTERNAL_BY_INSTANCE else []
        for source in DEFINITION_SOURCES:
            found.extend(source(ctx, scope, coll))
        for version in ctx.state.txn.scan(scope, "#indexes"):
            if version.live_at(ctx.state.ts) and _reads(source_names((version.data or {}).get("source"))[0], coll):
                found.append(from_version(ctx, version))
        by_source[(scope, coll)] = found
    return by_source[(scope, coll)]


def forget_schema(ctx: Context) -> None:
    """Drop cached index definitions after a write to an index or collection."""
    ctx.state.cache.pop("indexes_by_source", None)
    ctx.state.cache.pop("index_defs", None)
    ctx.state.cache.pop("collection_fields", None)


def _at_path(doc: t.Any, path: tuple) -> list:
    value = doc
    for step in path:
        if isinstance(value, dict) and isinstance(step, str):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
            value = value[step]
        elif isinstance(value, Ref) and step in ("id", "collection", "database"):
            value = getattr(value, step)
        elif isinstance(value, Ref) and step == "class":
            value = value.collection
        else:
            return None
    return value


def _fan_out(value: t.Any, deep: bool = False) -> list:
    """An array yields one entry per distinct element (flattened all the way down when `deep`); an empty
    array yields none."""
    if not isinstance(value, list):
        return [value]
    return _distinct(_flattened(value) if deep else value)


def _distinct(values: t.Iterable[t.Any]) -> list:
    seen: dict[bytes, t.Any] = {}
    for item in values:
        seen.setdefault(encode(item), item)
    return list(seen.values())


#: The values core's index terms take as they are (its ScalarL literals); any other is no scalar.
_SCALARS = (type(None), bool, int, float, str, Ref, Timestamp, Date, Bytes, UUID)


def _bound(ctx: Context, value: t.Any) -> list:
    """A v4 binding's result as core's Index.mkBinders takes it: an array gives its distinct elements,
    any that is no scalar (an array, an object, an unresolved ref) as null; a scalar gives itself;
    anything else (an object, a set, an unresolved ref) nothing, which an entry reads as null
    (Indexer.extractTerms)."""
    if isinstance(value, list):
        return _distinct(v if _scalar(v) and not _unresolved(ctx, v) else None for v in value) or [None]
    return [value if _scalar(value) and not _unresolved(ctx, value) else None]


def _unresolved(ctx: Context, value: t.Any) -> bool:
    """Whether `value` is a ref whose collection (or schema item) names nothing: core's UnresolvedRefL."""
    if not isinstance(value, Ref):
        return False
    try:
        resolved(ctx, value)
    except InvalidRef:
        return True
    return False


def _scalar(value: t.Any) -> bool:
    """Whether core indexes `value` as it is: a scalar, or the transaction's time a term reads."""
    return isinstance(value, _SCALARS) or value is TXN_TIME


def _flattened(value: list) -> t.Iterator[t.Any]:
    for item in value:
        if isinstance(item, list):
            yield from _flattened(item)
        else:
            yield item


def _all_at(value: t.Any, path: tuple) -> list:
    """Every value at `path`, a key step mapping over an array (core's `select_as_index`)."""
    if not path:
        return [value]
    step, rest = path[0], path[1:]
    if isinstance(value, list) and isinstance(step, str):
        return [found for item in value for found in _all_at(item, path)]
    found = _at_path(value, (step,))
    return [] if found is None and not _has_step(value, step) else _all_at(found, rest)


def _has_step(value: t.Any, step: t.Any) -> bool:
    return (isinstance(value, dict) and step in value) or (isinstance(value, list) and isinstance(step, int))


def _legacy_values(ctx: Context, field: Field, doc: dict) -> list:
    """A v4 field's values: every value at its path (arrays of objects are looked into), each through
    the field's transform, with arrays flattened all the way and objects indexed as null. Empty when the
    path is missing, holds only empty arrays, or the transform fails: core's extractor then has no
    value, which its entry reads as null (Index.scala legacyDataExtractor, Indexer.extractTerms)."""
    found = _all_at(_with_class(doc, field.path), field.path)
    if field.transform is not None:
        try:
            found = [ctx.eval(ast.Form(((field.transform, ast.Value(v)),))) for v in found]
        except FQLError:
            return []
    return [None if isinstance(v, dict) else v for v in _flattened(found)]


def _with_class(doc: dict, path: tuple) -> dict:
    """A document whose `class` a v4 path reads: core reads a version's `class` as its collection's ref
    (ReadAdaptor's valueAtPath), so an index over the field `class` holds each document's collection."""
    if path and path[0] == "class" and isinstance(doc.get("ref"), Ref):
        return {**doc, "class": doc["ref"].collection}
    return doc


def _normalized(value: t.Any) -> t.Any:
    """An indexed object as core stores it: its fields in order of name, all the way down."""
    if isinstance(value, dict):
        return {k: _normalized(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_normalized(v) for v in value]
    return value


def _field_values(ctx: Context, field: Field, doc: dict) -> list:
    if field.legacy and not field.mva:
        # `mva: false`: the whole value at the path (null where missing), an object or array as it is;
        # a transform maps over an array and leaves any other value out of the index.
        value = _at_path(_with_class(doc, field.path), field.path)
        if field.transform is not None:
            if not isinstance(value, list):
                return []
            try:
                value = [ctx.eval(ast.Form(((field.transform, ast.Value(v)),))) for v in value]
            except FQLError:
                return []
        return [_normalized(value)]
    if field.legacy:
        return _distinct(_legacy_values(ctx, field, doc)) or [None]
    if field.path is not None:
        value = _at_path(doc, field.path)
        if field.as_id and isinstance(value, Ref) and value.id.isdigit():
            value = int(value.id)
        elif field.as_time and isinstance(value, int):
            value = Timestamp.from_micros(value)
    elif field.binding is None:
        return [None]
    elif not isinstance(field.binding, Lambda):
        # A function of the rendered document (a v10 collection's computed field).
        value = field.binding(ctx, doc)
    else:
        # Core computes bindings at API 2.1 (Index's EvalContext.pure(scope, APIVersion.Default, ...)),
        # their forms being those of the lambda's own version.
        state = ctx.state
        outer, state.in_binding = state.in_binding, True
        version, state.api_version = state.api_version, versions.DEFAULT
        try:
            return _bound(ctx, ctx.apply(field.binding, doc))
        finally:
            state.in_binding = outer
            state.api_version = version
    return _fan_out(value, field.deep) if field.mva else [value]


class _TxnTime:
    """The transaction's time where a v4 index term reads it (see `entries`)."""

    def __repr__(self) -> str:
        return "TXN_TIME"


TXN_TIME = _TxnTime()

#: The most bytes an entry's terms, or its covered values, may take: core's storage drops a set write
#: whose row key or column is longer than a Short (ComponentTooLargeException, Write.canWrite), and the
#: document is written without it.
MAX_COMPONENT = 32_767


def _term_values(ctx: Context, field: Field, doc: dict) -> list:
    """A term's values. Core computes a v4 index's terms before the transaction has its time, so a term
    that is the `ts` is stored as null (and, unlike a missing one, keeps the entry). A binding that
    computes with the time, which core's placeholder refuses, is left with the time fql has."""
    if not (field.legacy or isinstance(field.binding, Lambda)):
        return _field_values(ctx, field, doc)
    try:
        return _field_values(ctx, field, {**doc, "ts": TXN_TIME})
    except FQLError:
        return _binding_values(ctx, field, doc)


def _binding_values(ctx: Context, field: Field, doc: dict) -> list:
    """A field's values, where a v4 binding that fails (a Select of a missing field, say) is null: core's
    Index.mkBinders maps a binding's error to no values, which its Indexer.extractTerms reads as null."""
    try:
        return _field_values(ctx, field, doc)
    except (QueryTimeout, StackOverflow, TooMuchCompute):
        raise
    except FQLError:
        if isinstance(field.binding, Lambda):
            return [None]
        raise


def _extracts(field: Field) -> bool:
    """Whether computing `field` of a version is a compute op: a v10 field other than the id is (core's
    Index readBrokerDataExtractor charges one per version per such field, as v4 charges its bindings)."""
    return not field.legacy and not field.as_id and field.bound is None and not isinstance(field.binding, Lambda)


#: Core's transaction_max_size_bytes (CoreConfig): no document's index entries may be estimated larger.
MAX_ENTRIES_SIZE = 16 * 1024 * 1024


def _size_lower_bound(value: t.Any) -> int:
    """The fewest bytes `value` takes stored in an index entry, as core's IRValue.serializedSizeLowerBound
    counts them from its CBOR encoding (a string by its UTF-16 length)."""
    if value is None or isinstance(value, bool):
        return 1
    if isinstance(value, int):
        return 2
    if isinstance(value, float):
        return 9
    if isinstance(value, str):
        return 1 + len(value.encode("utf-16-le")) // 2
    if isinstance(value, Bytes):
        return 1 + len(value.data)
    if isinstance(value, Timestamp):
        return 4
    if isinstance(value, (Date, _TxnTime)):
        return 2
    if isinstance(value, (list, tuple)):
        return 1 + sum(map(_size_lower_bound, value))
    if isinstance(value, dict):
        return 1 + sum(_size_lower_bound(k) + _size_lower_bound(v) for k, v in value.items())
    return 12  # a document reference


def _combos_size(positions: list[list[int]]) -> int:
    """The summed size of every tuple that takes one value from each position: each value's size times
    the number of tuples it is in."""
    counts = [len(sizes) for sizes in positions]
    total = 0
    for i, sizes in enumerate(positions):
        total += sum(sizes) * math.prod(c for j, c in enumerate(counts) if j != i)
    return total


def _entries_size(index: IndexDef, terms: list[list], values: list[list]) -> int:
    """Core's lower bound of the bytes a version's index entries take (Indexer's
    entriesSerializedSizeLowerBound): every combination of terms and values, less the combinations
    dropped for all-null terms or values. A position with no value counts as one null, as in core."""

    def sizes(fields: tuple[Field, ...], found: list[list]) -> list[list[int]]:
        return [[_size_lower_bound(v) + f.reverse for v in vs or [None]] for f, vs in zip(fields, found)]

    def nulls(found: list[list]) -> int:
        return math.prod(sum(v is None for v in vs or [None]) for vs in found) if found else 0

    ts, vs = sizes(index.terms, terms), sizes(index.values, values)
    t_nulls, v_nulls = nulls(terms), nulls(values)
    null = _size_lower_bound(None)
    return (
        _combos_size(ts + vs)
        - (t_nulls and t_nulls * (_combos_size(vs) + len(ts) * null))
        - (v_nulls and v_nulls * (_combos_size(ts) + len(vs) * null))
        + t_nulls * v_nulls * (len(ts) + len(vs)) * null
    )


def _check_entries_size(index: IndexDef, version: Version, terms: list[list], values: list[list]) -> None:
    """Refuse a version whose entries would outgrow a transaction before making them (core's defence
    against an "index bomb", a document of a few kilobytes whose arrays fan out into millions of
    entries). Core names its internal ids of the document, database and index; fql names its own."""
    positions = (*terms, *values)
    if all(len(found) <= 1 for found in positions):
        # One entry, the common case: within the limit even counted high (an empty position as a null,
        # a reverse flag each, no null discount), the exact estimate is too.
        high = sum(_size_lower_bound(found[0]) if found else 1 for found in positions) + len(positions)
        if high <= MAX_ENTRIES_SIZE:
            return
    size = _entries_size(index, terms, values)
    if size > MAX_ENTRIES_SIZE:
        key = version.key
        raise IndexEntriesTooLarge(
            f"Index entries for doc {key.coll}/{key.id} in scope {key.scope or '/'} and index "
            f"{index.key.name} have estimated byte size {size} that exceeds limit {MAX_ENTRIES_SIZE}"
        )


def entries(ctx: Context, index: IndexDef, version: Version) -> list[tuple[bytes, Entry]]:
    """The (terms key, entry) pairs of one live version; none for a deleted version.

    v4 drops an entry whose terms are all null, or whose values are all null when the index has values,
    and every index drops one whose terms or values are too large to store (MAX_COMPONENT).
    """
    if version.data is None:
        return []
    doc = render(ctx, version)
    if isinstance(doc["ts"], TxnMicros):
        # Entries hold the time itself; a term of it is TXN_TIME (`_term_values`).
        doc["ts"] = int(doc["ts"])
    ctx.state.compute += sum(map(_extracts, index.terms)) + sum(map(_extracts, index.values))
    term_fields, value_fields = index.fields_for(version.key.coll)
    terms = [_term_values(ctx, f, doc) for f in term_fields]
    values = [_binding_values(ctx, f, doc) for f in value_fields]
    _check_entries_size(index, version, terms, values)
    ref = doc["ref"]
    out = []
    for term_tuple in itertools.product(*terms):
        if index.terms and all(v is None for v in term_tuple):
            continue
        row = terms_key([None if v is TXN_TIME else v for v in term_tuple])
        if len(row) > MAX_COMPONENT:
            continue
        for value_tuple in itertools.product(*values):
            if index.values and not index.keeps_null_values and all(v is None for v in value_tuple):
                continue
            sort = tuple_key((*value_tuple, ref), index.reverse)
            if len(sort) > MAX_COMPONENT:
                continue
            out.append((row, Entry(sort, tuple(value_tuple), version.key, version.ttl)))
    return out


def on_write(ctx: Context, before: Version | None, after: Version, *path: str | int, unique: bool = True) -> None:
    """Move the index entries of a document from its `before` version to its `after` version.

    `unique=False` skips the unique checks, as core does for history writes (Insert, Remove).
    """
    key = after.key
    txn = ctx.state.txn
    failed: list[IndexDef] = []
    for index in for_collection(ctx, key.scope, key.coll):
        old = entries(ctx, index, before) if before is not None and before.data is not None else []
        new = entries(ctx, index, after)
        new_set = {(terms, e.sort) for terms, e in new}
        for terms, entry in old:
            if (terms, entry.sort) not in new_set:
                txn.index_remove(index.key, terms, entry.sort)
        for terms, entry in new:
            if index.unique and unique and index not in failed and _duplicate(ctx, index, terms, entry):
                failed.append(index)
            txn.index_put(index.key, terms, entry)
    if failed:
        raise _not_unique(failed).at(*path)


def _not_unique(failed: list[IndexDef]) -> InstanceNotUnique:
    """The one failure of a write that breaks the unique indexes `failed`: core's index store checks every
    new entry of the write and fails it once with all the indexes broken (IndexStore.update). v4 reports
    it as `document is not unique.`; a v10 write names each, a v10 constraint by its fields' paths and a
    v4 index by its name (WriteBroker.mapUniqueConstraintError), which `unique` holds."""
    unique = [
        {"field": list(index.constraint[0]), "paths": [list(p) for p in index.constraint], "code": "unique", "description": "Failed unique constraint"}
        if index.constraint is not None
        else {"paths": [], "label": index.ref.id, "code": "unique", "description": "Failed unique constraint"}
        for index in failed
    ]
    if all(index.constraint is not None for index in failed):
        # Only v10 constraints: as v10 words it wherever it is raised (a v4 write rewords it).
        err = InstanceNotUnique("Failed unique constraint.").with_failures(unique)
    else:
        err = InstanceNotUnique("document is not unique.")
    err.unique = unique
    return err


def entries_at(
    ctx: Context, index: IndexDef, terms: bytes, ts: int, *, lo: bytes | None, hi: bytes | None, reverse: bool
) -> list[Entry]:
    """The entries under `terms` with `lo <= sort < hi` that the index had at `ts`, in order.

    Stored entries are the present's, computed with the index's present definition from each document's
    newest version: a document not written since `ts` had them then too. Those of the documents written
    since are recomputed from the version each had at `ts` (exact, and no more of them than were written).
    """
    written = [newest for coll in index.sources for newest in _written_since(ctx, index.key.scope, coll, ts)]
    since = {newest.key for newest in written}
    found = [entry for entry in ctx.state.txn.index_scan(index.key, terms, lo=lo, hi=hi) if entry.doc not in since]
    for newest in written:
        version = version_at(ctx, newest.key, ts)
        if version is None or not version.live_at(ts):
            continue
        for key, entry in entries(ctx, index, version):
            if key == terms and (lo is None or entry.sort >= lo) and (hi is None or entry.sort < hi):
                found.append(entry)
    found.sort(key=lambda entry: entry.sort, reverse=reverse)
    return found


def _written_since(ctx: Context, scope: str, coll: str, ts: int) -> list[Version]:
    """The newest versions of the documents of `coll` written after `ts`: found once per query until it
    writes (a set cursor's functions read its indexes as of one time, over and over)."""
    state = ctx.state
    key = (scope, coll, ts, state.write_gen)
    cache = state.cache.setdefault("written since", {})
    if key not in cache:
        cache[key] = list(state.txn.written_since(scope, coll, ts))
    return cache[key]


def _check_unique(ctx: Context, index: IndexDef, terms: bytes, entry: Entry, *path: str | int) -> None:
    """A unique index allows one live document per terms+values tuple (while a new index is built)."""
    if _duplicate(ctx, index, terms, entry):
        raise InstanceNotUnique("document is not unique.").at(*path)


def _duplicate(ctx: Context, index: IndexDef, terms: bytes, entry: Entry) -> bool:
    prefix = tuple_key(entry.values, index.reverse[:-1])
    with unbilled(ctx):
        for other in ctx.state.txn.index_scan(index.key, terms, lo=prefix, hi=prefix + TOP):
            if other.doc != entry.doc and (other.ttl is None or other.ttl > ctx.state.ts):
                return True
    return False


def backfill(ctx: Context, index: IndexDef, *path: str | int) -> None:
    """Build the entries of a new index from the documents its sources hold now."""
    txn = ctx.state.txn
    with unbilled(ctx):  # the build's reads are the write's own
        for coll in index.sources:
            for version in txn.scan(index.key.scope, coll):
                if not version.live_at(ctx.state.ts):
                    continue
                for terms, entry in entries(ctx, index, version):
                    # A v10 unique constraint is built over duplicates already there, and holds for later
                    # writes (core's FQL2IndexSpec "apply even when built after-the-fact"); a v4 unique
                    # index is not.
                    if index.unique and index.constraint is None:
                        _check_unique(ctx, index, terms, entry, *path)
                    txn.index_put(index.key, terms, entry)


def drop(ctx: Context, index: IndexKey) -> None:
    ctx.state.txn.index_drop(index)


def doc_key_live(ctx: Context, key: DocKey) -> bool:
    return live(ctx, key) is not None
