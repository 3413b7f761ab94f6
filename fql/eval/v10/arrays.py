"""v10 Array methods: access, search, transformation, ordering and folds, plus `Array.sequence`.

Callbacks are checked before any element is visited: a function of the wrong arity fails even on an
empty array. Predicates may answer true, false or null (null counts as false).
"""

from __future__ import annotations

import typing as t

from ...errors import QueryRuntimeError
from ..evaluator import Context, held_null, hold_nulls, null_because, recall_null
from ..registry import field, method, static
from .expressions import call_function, placeholders
from .misc import (
    ABSENT,
    ANY,
    ARRAY,
    FUNCTION,
    INT,
    arg,
    boolean_result,
    callback,
    distinct_key,
    orderings,
    overload,
    same_as,
    sort,
    value_type,
)

#: The longest array `Array.sequence` builds.
MAX_SIZE = 16_000


def _index(items: list, index: int) -> int:
    if not 0 <= index < len(items):
        raise QueryRuntimeError("index_out_of_bounds", f"index {index} out of bounds for length {len(items)}")
    return index


def _clamp(items: list, index: int) -> int:
    return max(0, min(index, len(items)))


def _verdicts(ctx: Context, items: list, pred: t.Any) -> t.Iterator[tuple[t.Any, bool]]:
    for index, item in enumerate(items):
        yield item, boolean_result(_apply_to(ctx, pred, items, index))


def _apply_to(ctx: Context, fn: t.Any, items: list, index: int) -> t.Any:
    """`fn` called on `items[index]`: a null there that the array's literal (or map) holds reaches the
    function's parameter with its cause and origin (core passes the element's Value.Null itself)."""
    args = [items[index]]
    kept = held_null(ctx.state, items, index) if args[0] is None else None
    if kept is not None:
        ctx.state.arg_origins = (args, {0: kept})
    return call_function(ctx, fn, args)


def _found(ctx: Context, indexes: t.Iterator[int]) -> int | None:
    """The first of `indexes`, or null because there is none (core's `no element found`)."""
    found = next(indexes, None)
    return null_because(ctx, "no element found") if found is None else found


def _where(ctx: Context, items: list, predicate: t.Any) -> list:
    pred = callback(predicate, "predicate", 1, "pred")
    return [item for item, keep in _verdicts(ctx, items, pred) if keep]


# -- access --------------------------------------------------------------------------------------------


@field("Array", "length")
def length(ctx: Context, items: list) -> int:
    """The number of elements."""
    return len(items)


@method("Array", "at")
def at(ctx: Context, items: list, index: t.Any) -> t.Any:
    """The element at `index` (0-based)."""
    return _element(ctx, items, _index(items, arg(index, "index", INT)))


@method("Array", "first")
def first(ctx: Context, items: list) -> t.Any:
    """The first element, or null."""
    return _element(ctx, items, 0) if items else null_because(ctx, "empty array")


@method("Array", "last")
def last(ctx: Context, items: list) -> t.Any:
    """The last element, or null."""
    return _element(ctx, items, len(items) - 1) if items else null_because(ctx, "empty array")


def _element(ctx: Context, items: list, index: int) -> t.Any:
    """`items[index]`; a null there is the one the array's literal holds, with its cause and origin (core's
    elements are Value.Nulls that keep theirs)."""
    found = items[index]
    if found is None:
        recall_null(ctx.state, items, index)
    return found


@method("Array", "firstWhere")
def first_where(ctx: Context, items: list, predicate: t.Any) -> t.Any:
    """The first element the predicate accepts, or null (every element is tested)."""
    found = _where(ctx, items, predicate)
    return found[0] if found else null_because(ctx, "no element found")


@method("Array", "lastWhere")
def last_where(ctx: Context, items: list, predicate: t.Any) -> t.Any:
    """The last element the predicate accepts, or null."""
    found = _where(ctx, items, predicate)
    return found[-1] if found else null_because(ctx, "no element found")


@method("Array", "isEmpty")
def is_empty(ctx: Context, items: list) -> bool:
    """True if there are no elements."""
    return not items


@method("Array", "nonEmpty")
def non_empty(ctx: Context, items: list) -> bool:
    """True if there is an element."""
    return bool(items)


@method("Array", "includes")
def includes(ctx: Context, items: list, element: t.Any) -> bool:
    """True if some element is `element` (core's Value.equals, not `==`: NaN is never found, -0.0 is 0)."""
    return any(map(same_as(ctx, element), items))


@method("Array", "slice")
def slice_(ctx: Context, items: list, start: t.Any, end: t.Any = ABSENT) -> list:
    """The elements from `start` up to (not including) `end`; indexes out of range are clamped."""
    start, *rest = overload("slice", (start, end), (INT,), (INT, INT))
    return items[_clamp(items, start) : _clamp(items, rest[0]) if rest else len(items)]


@method("Array", "take")
def take(ctx: Context, items: list, limit: t.Any) -> list:
    """The first `limit` elements (core gives the array itself when that is all of it, which `<` sees)."""
    limit = arg(limit, "limit", INT)
    return items if limit >= len(items) else items[: max(0, limit)]


@method("Array", "drop")
def drop(ctx: Context, items: list, amount: t.Any) -> list:
    """The elements after the first `amount`."""
    return items[max(0, arg(amount, "amount", INT)) :]


# -- search --------------------------------------------------------------------------------------------


@method("Array", "indexOf")
def index_of(ctx: Context, items: list, element: t.Any, start: t.Any = ABSENT) -> int | None:
    """The first index (from `start`) holding `element`, or null."""
    element, *rest = overload("indexOf", (element, start), (ANY,), (ANY, INT))
    begin, found = _index(items, rest[0]) if rest else 0, same_as(ctx, element)
    return _found(ctx, (i for i in range(begin, len(items)) if found(items[i])))


@method("Array", "lastIndexOf")
def last_index_of(ctx: Context, items: list, element: t.Any, end: t.Any = ABSENT) -> int | None:
    """The last index (at or before `end`) holding `element`, or null."""
    element, *rest = overload("lastIndexOf", (element, end), (ANY,), (ANY, INT))
    stop, found = _index(items, rest[0]) if rest else len(items) - 1, same_as(ctx, element)
    return _found(ctx, (i for i in range(stop, -1, -1) if found(items[i])))


@method("Array", "indexWhere")
def index_where(ctx: Context, items: list, predicate: t.Any, start: t.Any = ABSENT) -> int | None:
    """The first index (from `start`) whose element the predicate accepts, or null."""
    predicate, *rest = overload("indexWhere", (predicate, start), (FUNCTION,), (FUNCTION, INT))
    begin = _index(items, rest[0]) if rest else 0
    pred = callback(predicate, "predicate", 1)
    return _found(ctx, (i for i in range(begin, len(items)) if boolean_result(_apply_to(ctx, pred, items, i))))


@method("Array", "lastIndexWhere")
def last_index_where(ctx: Context, items: list, predicate: t.Any, end: t.Any = ABSENT) -> int | None:
    """The last index (at or before `end`) whose element the predicate accepts, or null."""
    predicate, *rest = overload("lastIndexWhere", (predicate, end), (FUNCTION,), (FUNCTION, INT))
    stop = _index(items, rest[0]) if rest else len(items) - 1
    pred = callback(predicate, "predicate", 1)
    return _found(ctx, (i for i in range(stop, -1, -1) if boolean_result(_apply_to(ctx, pred, items, i))))


# -- transformation ------------------------------------------------------------------------------------


@method("Array", "map")
def map_(ctx: Context, items: list, mapper: t.Any) -> list:
    """Each element passed through `mapper`."""
    fn = callback(mapper, "mapper", 1)
    state, out, nulls = ctx.state, [], None
    for index in range(len(items)):
        state.null_cause = state.null_origin = None
        value = _apply_to(ctx, fn, items, index)
        if value is None:
            # Core's result holds the mapper's Value.Null, its cause and span with it.
            nulls = nulls or {}
            nulls[len(out)] = (state.null_cause, state.null_origin)
        out.append(value)
    hold_nulls(state, out, nulls)
    return out


def _array_result(value: t.Any) -> list:
    if not isinstance(value, list):
        raise QueryRuntimeError("type_mismatch", f"expected type: Array<Any>, received {value_type(value)}")
    return value


@method("Array", "flatMap")
def flat_map(ctx: Context, items: list, mapper: t.Any) -> list:
    """The arrays `mapper` gives for each element, concatenated."""
    fn = callback(mapper, "mapper", 1)
    return [x for index in range(len(items)) for x in _array_result(_apply_to(ctx, fn, items, index))]


@method("Array", "flatten")
def flatten(ctx: Context, items: list) -> list:
    """The elements of the inner arrays, concatenated (every element must be an array)."""
    return [x for item in items for x in _array_result(item)]


@method("Array", "where")
def where(ctx: Context, items: list, predicate: t.Any) -> list:
    """The elements the predicate accepts."""
    return _where(ctx, items, predicate)


@method("Array", "filter")
def filter_(ctx: Context, items: list, predicate: t.Any) -> list:
    """The elements the predicate accepts (a non-Boolean verdict is reported by the element's type)."""
    pred = callback(predicate, "predicate", 1)
    verdicts = (boolean_result(_apply_to(ctx, pred, items, index), blame=item) for index, item in enumerate(items))
    return [item for item, keep in zip(items, verdicts) if keep]


@method("Array", "order")
def order(ctx: Context, items: list, *ordering: t.Any) -> list:
    """The elements sorted by each ordering in turn (`asc(.x)`, `desc(.x)`, a function); none: by value."""
    return sort(ctx, items, orderings(ordering))


@method("Array", "reverse")
def reverse(ctx: Context, items: list) -> list:
    """The elements in reverse order."""
    return items[::-1]


@method("Array", "distinct")
def distinct(ctx: Context, items: list) -> list:
    """The elements without repeats, first occurrences kept (1 and 1.0 are distinct, as in core)."""
    seen: set = set()
    out = []
    for item in items:
        key = distinct_key(placeholders(ctx, item))
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


@method("Array", "concat")
def concat(ctx: Context, items: list, other: t.Any) -> list:
    """This array's elements, then `other`'s."""
    return items + arg(other, "other", ARRAY)


@method("Array", "append")
def append(ctx: Context, items: list, element: t.Any) -> list:
    """The array with `element` added at the end."""
    return [*items, element]


@method("Array", "prepend")
def prepend(ctx: Context, items: list, element: t.Any) -> list:
    """The array with `element` added at the start."""
    return [element, *items]


@method("Array", "entries")
def entries(ctx: Context, items: list) -> list:
    """`[index, element]` pairs."""
    return [[i, item] for i, item in enumerate(items)]


# -- folds and tests -----------------------------------------------------------------------------------


@method("Array", "fold")
def fold(ctx: Context, items: list, seed: t.Any, reducer: t.Any) -> t.Any:
    """Combine from the left: `reducer(acc, element)`, starting with `seed`."""
    fn = callback(reducer, "reducer", 2)
    acc = seed
    for item in items:
        acc = call_function(ctx, fn, [acc, item])
    return acc


@method("Array", "foldRight")
def fold_right(ctx: Context, items: list, seed: t.Any, reducer: t.Any) -> t.Any:
    """Combine from the right: `reducer(acc, element)`, starting with `seed`."""
    return fold(ctx, items[::-1], seed, reducer)


@method("Array", "reduce")
def reduce(ctx: Context, items: list, reducer: t.Any) -> t.Any:
    """Combine from the left, starting with the first element; null for an empty array."""
    fn = callback(reducer, "reducer", 2)
    return fold(ctx, items[1:], items[0], fn) if items else null_because(ctx, "empty array")


@method("Array", "reduceRight")
def reduce_right(ctx: Context, items: list, reducer: t.Any) -> t.Any:
    """Combine from the right, starting with the last element; null for an empty array."""
    fn = callback(reducer, "reducer", 2)
    return fold(ctx, items[-2::-1], items[-1], fn) if items else null_because(ctx, "empty array")


@method("Array", "aggregate")
def aggregate(ctx: Context, items: list, seed: t.Any, combiner: t.Any) -> t.Any:
    """Combine neighbours pairwise, level by level, then the result with `seed` (the seed alone if empty)."""
    fn = callback(combiner, "combiner", 2)
    if not items:
        return seed
    level = items
    while len(level) > 1:
        pairs = [level[i : i + 2] for i in range(0, len(level), 2)]
        level = [call_function(ctx, fn, pair) if len(pair) == 2 else pair[0] for pair in pairs]
    return call_function(ctx, fn, [level[0], seed])


@method("Array", "any")
def any_(ctx: Context, items: list, predicate: t.Any) -> bool:
    """True if the predicate accepts some element (stops at the first)."""
    pred = callback(predicate, "predicate", 1)
    return any(keep for _, keep in _verdicts(ctx, items, pred))


@method("Array", "every")
def every(ctx: Context, items: list, predicate: t.Any) -> bool:
    """True if the predicate accepts every element (stops at the first refusal; null refuses)."""
    pred = callback(predicate, "predicate", 1)
    return all(keep for _, keep in _verdicts(ctx, items, pred))


@method("Array", "forEach")
def for_each(ctx: Context, items: list, callback_: t.Any) -> None:
    """Call the function on each element for its effects; the result is null."""
    fn = callback(callback_, "callback", 1, "fn")
    for index in range(len(items)):
        _apply_to(ctx, fn, items, index)
    return null_because(ctx, None)  # core's null made at the call's arguments


@static("Array", "sequence")
def sequence(ctx: Context, start: t.Any, end: t.Any) -> list:
    """The integers from `start` up to (not including) `end`, at most 16000 of them."""
    start, end = arg(start, "from", INT), arg(end, "until", INT)
    if end - start > MAX_SIZE:
        raise QueryRuntimeError(
            "value_too_large", f"Value too large: range size {end - start} exceeds limit {MAX_SIZE}."
        )
    return list(range(start, end))
