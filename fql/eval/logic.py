"""Equality, comparison and boolean logic: Equals, LT, LTE, GT, GTE, And, Or, Not."""

from __future__ import annotations

import functools
import math
import operator
import typing as t

from .. import ast
from ..collation import encode
from ..errors import InvalidArgument, InvalidExpression
from ..values import Action
from . import versions
from .casts import BOOLEAN, each
from .documents import stored_form
from .evaluator import Context, gather
from .refs import all_resolved
from .registry import builtin


def _at_least_one(values: t.Any, key: str) -> list:
    """A varargs argument of one or more values (core `OneOrMore(Any)`)."""
    items = list(values) if isinstance(values, tuple) else values if isinstance(values, list) else [values]
    if not items:
        raise InvalidArgument("Non-empty array expected.").at(key)
    return items


def same(a: t.Any, b: t.Any) -> bool:
    """Structural equality: 1 and 1.0 differ, object key order does not matter."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def _equal(a: t.Any, b: t.Any, sound: bool = False) -> bool:
    # At the top level core compares numbers as Java doubles (Double.compare), so Equals(1, 1.0) is
    # true, NaN equals NaN and 0.0 differs from -0.0; inside arrays and objects the types must match.
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) and not isinstance(b, bool):
        x, y = float(a), float(b)
        return (x != x and y != y) or (x == y and math.copysign(1.0, x) == math.copysign(1.0, y))
    # An event's action equals "create" when it is an update too, before API 5; from API 5 only its own
    # name (core's EqualsFunction: ActionL's `soundEquals`).
    if isinstance(a, Action) or isinstance(b, Action):
        action, other = (a, b) if isinstance(a, Action) else (b, a)
        return str(action) == other if sound and isinstance(other, str) else action.loosely_equals(other)
    return same(a, b)


@builtin("Equals", keys=("equals",), varargs=True)
def equals(ctx: Context, values: t.Any = ()) -> bool:
    """True if all the values are equal: `Equals(1, 1)`; one value is equal to itself."""
    first, *rest = _at_least_one(values, "equals")
    sound = versions.at_least(ctx.state.api_version, "5")
    return all(_equal(first, other, sound) for other in rest)


def _numeric(value: t.Any) -> t.Any:
    """`value` with integers a double can hold exactly made doubles, so that 1 and 1.0 sort as equal."""
    if isinstance(value, int) and not isinstance(value, bool) and float(value) == value:
        return float(value)
    if isinstance(value, list):
        return [_numeric(v) for v in value]
    if isinstance(value, dict):
        return {k: _numeric(v) for k, v in value.items()}
    return value


def index_term(value: t.Any) -> t.Any:
    """`value` as core's comparisons and Max/Min order it: each takes the value's IndexTerm, made of its
    irValue (Literal.toIndexTerm), as a document stores it (`stored_form`): a document read names its
    collection, an event its document as `resource`, a page is `{before, after, data}`, and a set is the
    object its identifier is, `{"@set": {...}}`, so it sorts among objects, not after refs."""
    value = stored_form(value)
    if isinstance(value, list):
        return [index_term(v) for v in value]
    if isinstance(value, dict):
        return {k: index_term(v) for k, v in value.items()}
    return value


def order_key(value: t.Any) -> bytes:
    """A key in Fauna's order of all values, where numbers compare by value: `LTE(1, 1.0)` is true."""
    return encode(_numeric(index_term(value)))


def _is_int(value: t.Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _aligned(a: t.Any, b: t.Any) -> tuple[t.Any, t.Any]:
    """`a` and `b` with each integer met by a double in the same place made a double. Core compares a long
    with a double as the long's nearest double (CBOROrdering.compareIntNumber), so LTE(2^53 + 1, 2^53)
    holds when the second is a double, though not when both are integers."""
    if _is_int(a) and isinstance(b, float):
        return float(a), b
    if isinstance(a, float) and _is_int(b):
        return a, float(b)
    if isinstance(a, list) and isinstance(b, list):
        pairs = [_aligned(x, y) for x, y in zip(a, b)]
        n = len(pairs)
        return [x for x, _ in pairs] + a[n:], [y for _, y in pairs] + b[n:]
    if isinstance(a, dict) and isinstance(b, dict):
        # Fields meet in the order core's IndexTerm sorts them: by name, in UTF-16 order.
        ka, kb = (sorted(d, key=lambda k: k.encode("utf-16-be")) for d in (a, b))
        a, b = dict(a), dict(b)
        for x, y in zip(ka, kb):
            a[x], b[y] = _aligned(a[x], b[y])
    return a, b


def _compare(ctx: Context, values: t.Any, key: str, test: t.Callable[[bytes, bytes], bool]) -> bool:
    items = _at_least_one(values, key)
    # Core reports every unresolved ref among the values, each at [key], before comparing any
    # (ComparisonFunctions.scala).
    all_resolved(ctx, ((value, (key,)) for value in items))
    # Core compares each value with the next (ComparisonFunctions.scala), numbers as CBOROrdering does.
    terms = [index_term(value) for value in items]
    return all(test(*map(order_key, _aligned(a, b))) for a, b in zip(terms, terms[1:]))


@builtin("LT", keys=("lt",), varargs=True)
def lt(ctx: Context, values: t.Any = ()) -> bool:
    """True if each value is less than the next, in Fauna's order of all values (numbers < strings < ...)."""
    return _compare(ctx, values, "lt", operator.lt)


@builtin("LTE", keys=("lte",), varargs=True)
def lte(ctx: Context, values: t.Any = ()) -> bool:
    """True if each value is less than or equal to the next."""
    return _compare(ctx, values, "lte", operator.le)


@builtin("GT", keys=("gt",), varargs=True)
def gt(ctx: Context, values: t.Any = ()) -> bool:
    """True if each value is greater than the next."""
    return _compare(ctx, values, "gt", operator.gt)


@builtin("GTE", keys=("gte",), varargs=True)
def gte(ctx: Context, values: t.Any = ()) -> bool:
    """True if each value is greater than or equal to the next."""
    return _compare(ctx, values, "gte", operator.ge)


def _short_circuit(ctx: Context, exprs: tuple, key: str, stop: bool) -> bool:
    """Evaluate boolean expressions in order until one is `stop` (v3+ And/Or are lazy)."""
    if not exprs:
        raise InvalidExpression("Expression list cannot be empty.").at(key)
    for i, (node, path) in enumerate(exprs):
        # Core checks each value at [key, i], even when a single expression was given unwrapped.
        if BOOLEAN(ctx.eval(node, *path), key, i) is stop:
            return stop
    return not stop


def _every(ctx: Context, exprs: tuple, key: str, stop: bool) -> bool:
    """And/Or in code before API 3 (core's AndFunction, OrFunction): a native call, whose arguments are
    all evaluated (a write among them is made whatever comes before it), then each checked as a boolean."""
    ctx.state.compute += 1
    if len(exprs) == 1 and exprs[0][1] == (key,):
        # One argument, not written as an array: its value is the list of booleans (or the one boolean).
        values = ctx.eval(exprs[0][0], key)
    else:
        # One array on the wire, every element evaluated and every failure reported (evalList).
        values = gather(functools.partial(ctx.eval, node, *path) for node, path in exprs)
    if values == []:
        raise InvalidArgument("Non-empty array expected.").at(key)
    return stop if stop in each(BOOLEAN, values, key) else not stop


@builtin("And", keys=("and",), varargs=True, lazy=True, aliases=("AndExpr",))
def and_(ctx: Context, exprs: tuple[tuple[ast.Node, tuple], ...] = ()) -> bool:
    """True if every expression is true; stops at the first false one (from API 3; before, all are
    evaluated)."""
    if versions.before(ctx, "3"):
        return _every(ctx, exprs, "and", False)
    return _short_circuit(ctx, exprs, "and", False)


@builtin("Or", keys=("or",), varargs=True, lazy=True, aliases=("OrExpr",))
def or_(ctx: Context, exprs: tuple[tuple[ast.Node, tuple], ...] = ()) -> bool:
    """True if any expression is true; stops at the first true one (from API 3; before, all are
    evaluated)."""
    if versions.before(ctx, "3"):
        return _every(ctx, exprs, "or", True)
    return _short_circuit(ctx, exprs, "or", True)


@builtin("Not", keys=("not",), types=(BOOLEAN,), aliases=("NotExpr",))
def not_(ctx: Context, value: bool) -> bool:
    """The negation of a boolean."""
    return not value
