"""The staged schema as v10 queries see it: schema documents show the staged definitions.

Core writes a staged push to the schema documents at once and pins the database's queries to the
active schema version until the commit (its SchemaStatus): a companion object (`User.create`), a
function call (`foo()`) or an index lookup runs against the active schema, while the schema documents a
query reads (`Collection.all()`, `Collection.byName('User')!.indexes`) are the latest, the staged ones
(FQL2StagedSchemaSpec "can rename collections", "can abandon a staged collection create"). A schema
write by such a query is made to the staged schema.

fql keeps the active schema in the schema documents, and the staged one as its files
(fql/schema/manager.py) and as a copy of the schema documents those files make, taken when they were
staged: the *shadow* documents kept here, which a query's reads of schema documents show instead while
a schema is staged. A query that writes a schema document while a schema is staged stops with
`JoinStaged`, and the database runs it again against the staged schema (fql/database.py).
"""

from __future__ import annotations

import typing as t

from ..storage.base import DocKey, Version
from ..storage.meter import unmetered
from .evaluator import Context

#: Where fql/schema/manager.py marks that a database has a staged FSL schema.
STAGED_MARK = "#schema_staged_mark"
#: The schema documents a staged schema changes (core's versioned schema collections; a v4 index is not
#: one of them).
VERSIONED = frozenset(("#collections", "#functions", "#roles", "#access_providers"))
#: What the shadow copy of a schema collection is kept in: this prefix and the collection's name.
SHADOW = "#schema_staged_docs"

#: How a query sees the schema (QueryState.schema_view): as stored (fql's own work, v4), as a v10 query
#: does (the staged documents shown, its schema writes joining the staged schema), or as the run of a
#: query joining the staged schema does (the staged schema applied in its transaction).
RAW, QUERY, JOINING = "raw", "query", "joining"


class JoinStaged(Exception):
    """A v10 query wrote a schema document while a schema is staged: it must run again against the staged
    schema, whose change it becomes (core writes it to the staged schema)."""


def _unmetered(ctx: Context) -> t.Any:
    """The transaction under the meter: looking for a staged schema, and reading its documents in place
    of the schema documents (whose reads are not billed), bills nothing."""
    return unmetered(ctx.state.txn)


def _staged_at(ctx: Context, scope: str) -> int | None:
    """When the database of `scope` had its schema staged (None if it has no staged schema)."""
    mark = _unmetered(ctx).get(DocKey(scope, STAGED_MARK, ""))
    return mark.ts if mark is not None and mark.data is not None else None


def is_staged(ctx: Context, scope: str) -> bool:
    """Whether the database of `scope` has a staged schema."""
    return _staged_at(ctx, scope) is not None


def shows_staged(ctx: Context, key: DocKey) -> bool:
    """Whether a query's read of the schema document `key` shows the staged one: a read by a v10 query of
    a versioned schema collection of a database with a staged schema, now or at a time since it was staged
    (a page after the first reads at the first one's time; core's staged documents are the latest)."""
    if key.coll not in VERSIONED or ctx.state.schema_view != QUERY:
        return False
    since = _staged_at(ctx, key.scope)
    at = ctx.state.valid_ts
    return since is not None and (at is None or at >= since)


def shadow_key(key: DocKey) -> DocKey:
    return DocKey(key.scope, SHADOW + key.coll, key.id)


def staged_version(ctx: Context, key: DocKey) -> Version | None:
    """The staged schema document `key` (shows_staged), as a version of `key`; None if the staged schema
    has no such item."""
    shadow = _unmetered(ctx).get(shadow_key(key))
    if shadow is None or shadow.data is None:
        return None
    return _unshadowed(key, shadow)


def staged_born(ctx: Context, key: DocKey) -> tuple[int, int] | None:
    """When the staged document `key` (shows_staged) was created, as staged_versions says; None if the
    staged schema has no such item."""
    shadow = _unmetered(ctx).get(shadow_key(key))
    return tuple(shadow.data["born"]) if shadow is not None and shadow.data is not None else None


def staged_versions(ctx: Context, scope: str, coll: str) -> list[tuple[tuple[int, int], Version]]:
    """Every staged document of the schema collection `coll`, each with when its item was created (the
    order core's ids give them)."""
    found = []
    for shadow in _unmetered(ctx).scan(scope, SHADOW + coll):
        if shadow.data is not None:
            found.append((tuple(shadow.data["born"]), _unshadowed(DocKey(scope, coll, shadow.key.id), shadow)))
    return found


def _unshadowed(key: DocKey, shadow: Version) -> Version:
    """The staged document a shadow keeps, as a version of `key`: written when it was staged, unless the
    staged schema left it as it was."""
    ts = shadow.data["ts"]
    return Version(key, shadow.ts if ts is None else ts, shadow.data["data"])


def check_write(ctx: Context, key: DocKey) -> None:
    """A v10 query's write of a versioned schema document while a schema is staged joins the staged
    schema (JoinStaged)."""
    if key.coll in VERSIONED and ctx.state.schema_view == QUERY and is_staged(ctx, key.scope):
        raise JoinStaged()


def keep(ctx: Context, scope: str, documents: dict[str, list[tuple]], write: t.Callable) -> None:
    """Keep `documents` as the staged schema's documents, replacing those kept before; by schema
    collection, each document's name, when it was created, when it was last written (None if by the
    staging) and its stored fields. `write(ctx, key, data)` writes one."""
    forget(ctx, scope, write)
    for coll, found in documents.items():
        for name, born, ts, data in found:
            write(ctx, DocKey(scope, SHADOW + coll, name), {"born": list(born), "ts": ts, "data": data})


def forget(ctx: Context, scope: str, write: t.Callable) -> None:
    """Forget the staged schema's documents (its commit or abandon)."""
    for coll in VERSIONED:
        for shadow in list(ctx.state.txn.scan(scope, SHADOW + coll)):
            if shadow.data is not None:
                write(ctx, shadow.key, None)
