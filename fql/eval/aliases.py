"""Which collection or function holds an alias (`@alias(Old)` in FSL, `alias` in its definition).

Every collection or function a query makes or renames is checked against the other names and aliases of
the global namespace (core's GlobalNamespaceValidator), and a name a query uses may be an alias: reading
every definition for each would make a query that creates n collections take n² reads. So each query
keeps, per database and kind, the aliases of the definitions it reads at its own time, read once and then
kept current by its own writes of that kind (`on_write`)."""

from __future__ import annotations

import typing as t

from attrs import define

if t.TYPE_CHECKING:
    from ..storage.base import DocKey, Version
    from .evaluator import Context

#: The kinds of definition that have aliases.
KINDS = frozenset(("#collections", "#functions"))
_CACHE = "aliases"


@define
class _Aliases:
    """The aliases of one kind's definitions in one database, read through one transaction at one time."""

    txn: t.Any
    ts: int
    #: Each alias, to the definition holding it (the first in the database's order, where several do).
    holders: dict[str, str]
    #: False when two definitions hold one alias: a write may then uncover the other, so it reads again.
    exact: bool


def holder(ctx: Context, scope: str, coll: str, alias: str) -> str | None:
    """The name of the live definition of `coll` (`#collections`, `#functions`) whose alias is `alias`."""
    state = ctx.state
    found = state.cache.setdefault(_CACHE, {}).get((scope, coll))
    if found is None or found.txn is not state.txn or found.ts != state.ts:
        found = _read(ctx, scope, coll)
    return found.holders.get(alias)


def _read(ctx: Context, scope: str, coll: str) -> _Aliases:
    state = ctx.state
    holders: dict[str, str] = {}
    exact = True
    for version in state.txn.scan(scope, coll):
        alias = (version.data or {}).get("alias") if version.live_at(state.ts) else None
        if isinstance(alias, str):
            exact = exact and alias not in holders
            holders.setdefault(alias, version.key.id)
    found = state.cache[_CACHE][(scope, coll)] = _Aliases(state.txn, state.ts, holders, exact)
    return found


def on_write(ctx: Context, key: DocKey, before: Version | None, data: dict | None) -> None:
    """Keep the aliases read of `key`'s kind current once the query wrote `key` (`data`; None: deleted),
    which held `before`."""
    state = ctx.state
    cache = state.cache.get(_CACHE)
    found = cache and cache.get((key.scope, key.coll))
    if not found:
        return
    if found.txn is not state.txn or found.ts != state.ts or not found.exact:
        del cache[(key.scope, key.coll)]
        return
    old = (before.data or {}).get("alias") if before is not None else None
    if isinstance(old, str) and found.holders.get(old) == key.id:
        del found.holders[old]
    new = (data or {}).get("alias")
    if isinstance(new, str):
        if found.holders.setdefault(new, key.id) != key.id:
            del cache[(key.scope, key.coll)]  # (two definitions hold it: read again, in the database's order)


def forget(ctx: Context) -> None:
    """Drop what was read: definitions were moved without a write (a rename moves their versions)."""
    ctx.state.cache.pop(_CACHE, None)
