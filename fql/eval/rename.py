"""Renaming a schema document: a collection, index, function, role or child database (v4 Update and
Replace with a new `name`, v10 `definition.update({ name })`, the REST PUT and PATCH).

Core names schema documents by id, so a rename there changes one field, and every ref to the document
(stored as that id) shows the new name at once; only the names that v10 schema keeps as strings are
rewritten, by its foreign keys (core's ForeignKey: role privileges and membership resources, the roles of
functions, keys and access providers, the databases of keys).

fql stores documents, index entries and refs by name, so a rename here does what the id does there:
it moves the schema document, with all its versions, to the new name (and, for a collection, every
document of it); rewrites every ref to the old name, and each of those string names, in every version
of every document of the database; and rebuilds the database's indexes, whose entries hold refs. So the
cost is a pass over the database where core's is one write. Refs kept in other databases (a parent's
`Collection("c", Database("child"))`) keep the old name; a function's body (an expression, not a ref)
keeps naming what it named.
"""

from __future__ import annotations

import typing as t

from ..errors import InstanceNotUnique
from ..storage.base import DocKey, IndexKey, Version
from ..values import NATIVE_NAMES, Ref
from . import aliases, indexes
from .evaluator import Context
from .refs import live, made_key

#: The schema kinds a new `name` renames (databases, and access providers in fql/eval/providers.py,
#: handle their own).
RENAMED = frozenset(("collections", "indexes", "functions", "roles"))
#: The string names v10 schema keeps for each kind, by the stored collection that keeps them: the paths
#: core's foreign keys rename (a path steps into every element of a list it meets).
_STRING_NAMES: dict[str, dict[str, tuple[tuple[str, ...], ...]]] = {
    "collections": {"#roles": (("privileges", "resource"), ("membership", "resource"))},
    "functions": {"#roles": (("privileges", "resource"),)},
    "roles": {"#functions": (("role",),), "#keys": (("role",),), "#access_providers": (("roles",), ("roles", "role"))},
    "databases": {"#keys": (("database",),)},
}


def check_free(ctx: Context, key: DocKey, new: str) -> None:
    """A name taken by another document of the kind cannot be taken (core: its unique name index)."""
    if live(ctx, DocKey(key.scope, key.coll, new)) is not None:
        raise InstanceNotUnique("document is not unique.")


def rename(ctx: Context, kind: str, key: DocKey, new: str, *, names: bool = True) -> DocKey:
    """Rename the schema document at `key` (of `kind`: "collections", ...) to `new`: move it and what
    belongs to it, rewrite what refers to it, rebuild the indexes. The new key, where the caller then
    writes the document's new version. `names`: whether the string names v10 schema keeps follow too,
    as only a v10 write's do (core runs the foreign keys' FKUpdateHook as a write hook of Store's v10
    writes; a v4 write goes through Store.insert, which runs no hooks, so those names stay as they were)."""
    txn = ctx.state.txn
    scope, old = key.scope, key.id
    new_key = DocKey(scope, key.coll, new)
    fix = _Fixer(kind, old, new, names=names)
    definition = live(ctx, key)
    _move(txn, key, new_key, fix)
    _move(txn, made_key(key), made_key(new_key), fix)
    if kind == "collections":
        renamed = ctx.state.renamed_definitions
        began = [first for first, now in renamed.items() if now == (scope, old)] or [(scope, old)]
        for first in began:
            renamed[first] = (scope, new)
        if (scope, old) in ctx.state.wrote_documents:
            # Its documents, written by this query, are the renamed collection's (core's `invalid_write`
            # when its definition is then written).
            ctx.state.wrote_documents.add((scope, new))
        for version in list(txn.scan(scope, old)):
            _move(txn, version.key, DocKey(scope, new, version.key.id), fix)
        from .documents import drops_key

        # The times earlier collections of the old name were deleted go with its documents' history.
        _move(txn, drops_key(scope, old), drops_key(scope, new), fix)
        _drop_v10_indexes(ctx, scope, old, (definition.data or {}) if definition is not None else {})
    elif kind == "indexes":
        indexes.drop(ctx, IndexKey(scope, old))
    _rewrite_scope(ctx, scope, fix)
    indexes.forget_schema(ctx)
    aliases.forget(ctx)
    return new_key


def rename_database(ctx: Context, key: DocKey, new: str) -> DocKey:
    """Rename the child database at `key`: its document moves, its scope keeps its id (so everything in it
    stays where it is) and takes the new name, and refs to it in its parent are rewritten."""
    from ..auth import access
    from .documents import write

    fix = _Fixer("databases", key.id, new)
    new_key = DocKey(key.scope, key.coll, new)
    scope_id = live(ctx, key).data["global_id"]
    _move(ctx.state.txn, key, new_key, fix)
    _move(ctx.state.txn, made_key(key), made_key(new_key), fix)
    write(ctx, DocKey("", access.SCOPES, scope_id), {"parent": key.scope, "name": new})
    _rewrite_scope(ctx, key.scope, fix)
    indexes.forget_schema(ctx)
    return new_key


def _move(txn: t.Any, key: DocKey, new_key: DocKey, fix: _Fixer) -> None:
    """Every version of `key`, rewritten, to `new_key` (whose own old versions, of a document deleted
    before, are dropped first: the name now means this document)."""
    for version in txn.history(new_key):
        txn.remove_version(new_key, version.ts)
    versions = txn.history(key)
    for version in versions:
        txn.insert_version(Version(new_key, version.ts, fix.value(version.data), version.ttl))
    for version in versions:
        txn.remove_version(key, version.ts)


def check_signatures(ctx: Context, scope: str, renamed: str) -> None:
    """The other collections' field signatures must still name known types (core's TypeEnvValidator
    checks the whole schema after a change): `Ref<Old>` in one fails the rename, `invalid_schema`
    `Unknown type `Old``, as core refuses it unless the old name stays as an alias. Called once the
    renamed definition is written (its new `alias` counts)."""
    from .v10 import fields as field_schema

    for version in ctx.state.txn.scan(scope, "#collections"):
        if version.key.id != renamed and version.live_at(ctx.state.ts):
            field_schema.check_types(ctx, version.key.id, version.data or {})


def _rewrite_scope(ctx: Context, scope: str, fix: _Fixer) -> None:
    """Rewrite, in every version of every document of the database, the refs `fix` changes (core's refs
    are ids, which a rename leaves as they are); give each live document that keeps the old name as a
    string a new version with the new one (core's FKUpdateHook updates the document, so its `ts` is the
    rename's and its history keeps the old name); then rebuild the database's indexes."""
    txn = ctx.state.txn
    user = [v.key.id for v in txn.scan(scope, "#collections")]
    for coll in ["#" + name for name in NATIVE_NAMES] + user:
        paths = _STRING_NAMES.get(fix.kind, {}).get(coll, ()) if fix.renames_names else ()
        for current in list(txn.scan(scope, coll)):
            for version in txn.history(current.key):
                data = fix.value(version.data)
                if data is not version.data:
                    txn.insert_version(Version(version.key, version.ts, data, version.ttl))
            latest = txn.get(current.key)
            if not paths or latest is None or not latest.live_at(ctx.state.ts):
                continue
            data = latest.data
            for path in paths:
                data = fix.names(data, path)
            if data is not latest.data:
                txn.insert_version(Version(latest.key, ctx.state.ts, data, latest.ttl))
    _rebuild_indexes(ctx, scope)


def _rebuild_indexes(ctx: Context, scope: str) -> None:
    """Every index of the database built again from the documents its sources hold now: user indexes,
    fql's own by-instance ones, and those v10 collection definitions declare."""
    indexes.forget_schema(ctx)
    txn = ctx.state.txn
    found: list[indexes.IndexDef] = []
    for version in txn.scan(scope, "#indexes"):
        if version.live_at(ctx.state.ts):
            found.append(indexes.from_version(ctx, version))
    found += [indexes.internal(scope, coll) for coll in indexes.INTERNAL_BY_INSTANCE]
    for version in txn.scan(scope, "#collections"):
        if version.live_at(ctx.state.ts):
            for source in indexes.DEFINITION_SOURCES:
                found.extend(source(ctx, scope, version.key.id))
    for index in found:
        indexes.drop(ctx, index.key)
        indexes.backfill(ctx, index)


def _drop_v10_indexes(ctx: Context, scope: str, old: str, definition: dict) -> None:
    """The entries of the indexes and unique constraints a v10 definition declared under the old name."""
    for name in definition.get("indexes") or {}:
        indexes.drop(ctx, IndexKey(scope, f"#{old}.{name}"))
    for i, _ in enumerate(definition.get("constraints") or []):
        indexes.drop(ctx, IndexKey(scope, f"#{old}#unique{i}"))


class _Fixer:
    """What a rename changes in stored values: refs to the renamed document (and refs through it: the
    documents of a renamed collection, the collections of a renamed database), and its string names."""

    def __init__(self, kind: str, old: str, new: str, *, names: bool = True):
        self.kind, self.old, self.new, self.renames_names = kind, old, new, names

    def value(self, value: t.Any) -> t.Any:
        """`value` with each such ref rewritten; the same object when nothing changed."""
        if isinstance(value, Ref):
            return self.ref(value)
        if isinstance(value, dict):
            out = {k: self.value(v) for k, v in value.items()}
            return value if all(out[k] is v for k, v in value.items()) else out
        if isinstance(value, (list, tuple)):
            items = [self.value(v) for v in value]
            if all(a is b for a, b in zip(items, value)):
                return value
            return items if isinstance(value, list) else tuple(items)
        return value

    def ref(self, ref: Ref) -> Ref:
        coll = ref.collection
        database = self.ref(ref.database) if ref.database is not None else None
        if coll is None:
            return ref if database is ref.database else Ref(ref.id, None, database)
        if coll.collection is None and coll.id == self.kind and coll.database is None and ref.id == self.old:
            return Ref(self.new, coll, database)
        fixed = self.ref(coll)
        if fixed is coll and database is ref.database:
            return ref
        return Ref(ref.id, fixed, database)

    def names(self, data: t.Any, path: tuple[str, ...]) -> t.Any:
        """`data` with the string name at `path` rewritten (into every element of a list on the way)."""
        if isinstance(data, list):
            items = [self.names(item, path) for item in data]
            return data if all(a is b for a, b in zip(items, data)) else items
        if not path:
            return self.new if data == self.old and isinstance(data, str) else data
        if not isinstance(data, dict) or path[0] not in data:
            return data
        inner = self.names(data[path[0]], path[1:])
        return data if inner is data[path[0]] else {**data, path[0]: inner}
