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
`JoinStaged`, and the database runs it again joining the staged schema (fql/database.py,
schema/manager.py's `joined`): against the active schema still, as core's writes are, in the same
transaction, but with the staged schema applied in an overlay of that transaction (storage/overlay.py),
where the calls on the schema modules and documents (`Collection.create(...)`, `Function.byName('f')`,
`doc.update(...)` of a schema document) run, and which its reads of schema documents read (its own schema
writes included). Once the query has run, what the overlay holds is kept as the staged schema, in the
query's transaction: its document writes and its schema change commit at one time, or neither does.
"""

from __future__ import annotations

import contextlib
import typing as t

from ..errors import QueryRuntimeError
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
#: How a v4 query sees it: schema documents read as staged (core's reads are of the latest versions), named
#: by their active names (core resolves `Collection("x")` against the active schema); it writes no schema
#: while a schema is staged (fql/eval/schema.py refuse_if_staged).
V4 = "v4"
#: The schema collection of each kind of item a staged rename names.
_RENAMED = {"collection": "#collections", "function": "#functions", "role": "#roles", "access provider": "#access_providers"}
#: The v10 modules whose calls a query joining the staged schema runs against it (on_staged), and the
#: native collections of the documents whose methods it runs so.
SCHEMA_MODULES = frozenset(("Collection", "Function", "Role", "AccessProvider"))
SCHEMA_DOCUMENTS = frozenset(coll[1:] for coll in VERSIONED)


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
    (a page after the first reads at the first one's time; core's staged documents are the latest); in a
    query joining the staged schema, a read now outside its calls on schema (on_staged), which read it
    anyway."""
    if key.coll not in VERSIONED:
        return False
    state = ctx.state
    if state.schema_view == JOINING:
        return state.staged_txn is not None and state.txn is state.staged_base and state.valid_ts is None
    if state.schema_view not in (QUERY, V4):
        return False
    since = _staged_at(ctx, key.scope)
    at = state.valid_ts
    return since is not None and (at is None or at >= since)


@contextlib.contextmanager
def on_staged(ctx: Context) -> t.Iterator[None]:
    """In a query joining the staged schema, run against it: the overlay holding it in place of the
    query's transaction, with its own cache (the schema the caches hold is the staged one); the checks
    asked for meanwhile, to run once the query has run, run against it too. Elsewhere (or already there),
    nothing changes."""
    state = ctx.state
    if state.staged_txn is None or state.txn is not state.staged_base:
        yield
        return
    own, staged_cache = state.cache, state.staged_cache
    if "cursors" in own:  # (the query's set cursors are one registry)
        staged_cache["cursors"] = own["cursors"]
    later = len(state.revalidations)
    state.txn, state.cache = state.staged_txn, staged_cache
    try:
        yield
    finally:
        state.txn, state.cache = state.staged_base, own
        if "cursors" in staged_cache:
            own["cursors"] = staged_cache["cursors"]
        state.revalidations[later:] = [(_on_staged(ctx, check), span) for check, span in state.revalidations[later:]]


def _on_staged(ctx: Context, check: t.Callable[[], None]) -> t.Callable[[], None]:
    def run() -> None:
        with on_staged(ctx):
            check()

    return run


def schema_call(method: t.Any, receiver: t.Any) -> bool:
    """Whether a v10 call (a static function, or a method of `receiver`) is on the schema: a static of
    the schema modules, or a method of a schema document (on_staged runs it so while joining)."""
    if method.owner in SCHEMA_MODULES:
        return True
    ref = getattr(receiver, "ref", None)
    return getattr(ref, "kind", None) in SCHEMA_DOCUMENTS


def shadow_key(key: DocKey) -> DocKey:
    return DocKey(key.scope, SHADOW + key.coll, key.id)


def staged_version(ctx: Context, key: DocKey) -> Version | None:
    """The staged schema document `key` (shows_staged), as a version of `key`; None if the staged schema
    has no such item."""
    if ctx.state.staged_txn is not None:
        from .refs import read

        with on_staged(ctx):
            return read(ctx, key)
    shadow = _unmetered(ctx).get(shadow_key(key))
    if shadow is None or shadow.data is None:
        return None
    return _unshadowed(key, shadow)


def staged_of_active(ctx: Context, key: DocKey) -> Version | None:
    """The staged document of the item whose active document is `key` (shows_staged): under its staged
    name if the staged schema renames it; None if the staged schema deletes it (or gives its name to
    another item)."""
    mark = _unmetered(ctx).get(DocKey(key.scope, STAGED_MARK, ""))
    renames = (mark.data or {}).get("renames") or () if mark is not None else ()
    renamed = {old: new for kind, new, old in renames if _RENAMED.get(kind) == key.coll}
    if key.id in renamed:
        return staged_version(ctx, DocKey(key.scope, key.coll, renamed[key.id]))
    if key.id in renamed.values():
        return None
    return staged_version(ctx, key)


def staged_born(ctx: Context, key: DocKey) -> tuple[int, int] | None:
    """When the staged document `key` (shows_staged) was created, as staged_versions says; None if the
    staged schema has no such item."""
    if ctx.state.staged_txn is not None:
        from .sets import _created

        with on_staged(ctx):
            version = ctx.state.txn.get(key)
            live = version is not None and version.data is not None
            return _created(_unmetered(ctx), key, ctx.state.ts) if live else None
    shadow = _unmetered(ctx).get(shadow_key(key))
    return tuple(shadow.data["born"]) if shadow is not None and shadow.data is not None else None


def staged_versions(ctx: Context, scope: str, coll: str) -> list[tuple[tuple[int, int], Version]]:
    """Every staged document of the schema collection `coll`, each with when its item was created (the
    order core's ids give them)."""
    if ctx.state.staged_txn is not None:
        from .sets import born_versions

        with on_staged(ctx):
            return list(born_versions(ctx, scope, coll))
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
    schema (JoinStaged); joining it, the write is made to the staged schema (on_staged), never to the
    active one."""
    if key.coll not in VERSIONED:
        return
    state = ctx.state
    if state.schema_view == QUERY and is_staged(ctx, key.scope):
        raise JoinStaged()
    if state.schema_view == JOINING and state.staged_txn is not None and state.txn is not state.staged_txn:
        raise QueryRuntimeError("invalid_write", "fql cannot write schema here while a schema is staged.")


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
