"""Reading the past in v10: the valid time `at (time) { ... }` sets, and the writes it refuses.

Reads see the database as of `QueryState.valid_ts` (None: the query's own time), as v4's `At` does. A v10
document or set read or made inside `at` keeps its time (core's readTS and validTime), so that reading
it later, even after the `at` ends, still reads that time: documents.read stamps documents, and sets.py's
sets iterate with `stepped`.
"""

from __future__ import annotations

import contextlib
import typing as t

from ...errors import QueryRuntimeError

if t.TYPE_CHECKING:
    from ..evaluator import Context, QueryState

#: The transaction's operations that write.
_WRITES = frozenset(("put", "insert_version", "remove_version", "index_put", "index_remove", "index_drop"))
_END = object()


class _Past:
    """The query's transaction inside `at`: while the valid time is in the past, a write fails (core's
    MustWriteNow); a nested `at (Time.now())` or a set function made outside `at` writes as usual."""

    __slots__ = ("_txn", "_state")

    def __init__(self, txn: t.Any, state: QueryState):
        object.__setattr__(self, "_txn", txn)
        object.__setattr__(self, "_state", state)

    def __getattr__(self, name: str) -> t.Any:
        # The transaction under it first: a limit on effects (fields.limited) is core's first check.
        found = getattr(self._txn, name)
        if name in _WRITES and self._state.valid_ts is not None:
            raise QueryRuntimeError("invalid_write", "Cannot write at a snapshot time in the past.")
        return found

    def __setattr__(self, name: str, value: t.Any) -> None:
        setattr(self._txn, name, value)


@contextlib.contextmanager
def reading_at(ctx: Context, ts: int | None) -> t.Iterator[None]:
    """Evaluate with reads at valid time `ts` (µs; None: the query's own time, or a set cursor's time
    while one is read), refusing writes while it is in the past (core's withUserValidTime)."""
    state = ctx.state
    if ts is None:
        ts = state.system_ts
    before, txn = state.valid_ts, state.txn
    if ts == before and (ts is None or isinstance(txn, _Past)):
        yield
        return
    state.valid_ts = ts
    if ts is not None and not isinstance(txn, _Past):
        state.txn = _Past(txn, state)
    try:
        yield
    finally:
        state.valid_ts, state.txn = before, txn


def check_write(ctx: Context) -> None:
    """Fail now if the query may not write here (inside `at`, or where effects are limited): core checks
    that before anything else about a write (WriteBroker.requireWriteEffect)."""
    # The transaction's wrappers refuse a write when it is looked up.
    getattr(ctx.state.txn, "put")


@contextlib.contextmanager
def snapshot(ctx: Context, ts: int) -> t.Iterator[None]:
    """Evaluate a set cursor's set as of `ts` (µs), the time of the query that made it: every read the
    set and its functions make sees that time (core's withSystemValidTime), not only the set's own."""
    state = ctx.state
    before, state.system_ts = state.system_ts, None if ts == state.ts else ts
    try:
        with reading_at(ctx, state.system_ts):
            yield
    finally:
        state.system_ts = before


def user_ts(ctx: Context) -> int | None:
    """The valid time a set or document made now keeps: the one `at` set, or None outside `at` (a set's
    cursor being read is outside `at`, though it reads at the cursor's time: core's userValidTime)."""
    state = ctx.state
    return None if state.valid_ts == state.system_ts else state.valid_ts


def call_at(ctx: Context, ts: int | None, fn: t.Callable[..., t.Any], *args: t.Any) -> t.Any:
    """`fn(*args)` evaluated at valid time `ts` (a set function's time: the one it was made at)."""
    state = ctx.state
    if ts is None:
        ts = state.system_ts
    if ts == state.valid_ts and (ts is None or isinstance(state.txn, _Past)):
        return fn(*args)  # the common case, without a context manager per element
    with reading_at(ctx, ts):
        return fn(*args)


def stepped(ctx: Context, ts: int | None, make: t.Callable[[], t.Iterable[t.Any]]) -> t.Iterator[t.Any]:
    """Iterate `make()` at valid time `ts`: each step runs at that time, and whoever consumes it at its
    own in between (a set may be read a step at a time, interleaved with other evaluation)."""
    with reading_at(ctx, ts):
        items = iter(make())
    while True:
        with reading_at(ctx, ts):
            item = next(items, _END)
        if item is _END:
            return
        yield item
