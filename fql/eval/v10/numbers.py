"""v10 Math: constants and functions over Ints, Longs and Doubles, with Java's number semantics.

The integer kind of a result follows core: abs, ceil and floor keep an Int an Int and a Long a Long,
round and trunc make any integer a Long, sums of integers overflow to Doubles, and everything trigonometric
or logarithmic answers a Double.
"""

from __future__ import annotations

import math
import typing as t

from ... import javamath
from ...errors import QueryRuntimeError
from ...values import INT_MIN, Module, as_long, is_long
from .. import math as core
from ..evaluator import Context
from ..registry import field, static
from .expressions import number
from .misc import ARRAY, INT, NUMBER, SET, arg, compare_numbers, overload

Number = int | float

_LONG_MIN, _LONG_MAX = -(1 << 63), (1 << 63) - 1


def _x(value: t.Any) -> Number:
    return arg(value, "x", NUMBER)


def _invalid(name: str, reason: str) -> QueryRuntimeError:
    return QueryRuntimeError("invalid_argument", f"invalid argument `{name}`: {reason}")


def add(a: Number, b: Number) -> Number:
    """Core's `+` on numbers: integers overflow to a Double (addExact fails over), else Java doubles."""
    if isinstance(a, int) and isinstance(b, int) and _LONG_MIN <= a + b <= _LONG_MAX:
        return a + b
    return float(a) + float(b)


def _divide(a: Number, b: Number) -> Number:
    """Core's `/`: integer division truncates (and fails on zero); a Double divides as Java does."""
    if isinstance(a, int) and isinstance(b, int):
        if b == 0:
            raise QueryRuntimeError("divide_by_zero", "Attempted integer division by zero.")
        q = abs(a) // abs(b)
        return number(q if (a >= 0) == (b >= 0) else -q)
    return core._fdiv(float(a), float(b))


# -- constants -----------------------------------------------------------------------------------------


@field("Math", "PI")
def pi(ctx: Context, module: Module) -> float:
    """π."""
    return math.pi


@field("Math", "E")
def e(ctx: Context, module: Module) -> float:
    """Euler's number."""
    return math.e


@field("Math", "Infinity")
def infinity(ctx: Context, module: Module) -> float:
    """Positive infinity (a Double)."""
    return math.inf


@field("Math", "NaN")
def nan(ctx: Context, module: Module) -> float:
    """Not a number (a Double)."""
    return math.nan


# -- functions -----------------------------------------------------------------------------------------


@static("Math", "abs")
def abs_(ctx: Context, x: t.Any) -> Number:
    """The absolute value, of the same kind: the smallest Int (or Long) stays negative, as in Java."""
    x = _x(x)
    if isinstance(x, float):
        return abs(x)
    if is_long(x):
        return as_long(x if x == _LONG_MIN else abs(x))
    return x if x == INT_MIN else abs(x)


@static("Math", "sign")
def sign(ctx: Context, x: t.Any) -> int:
    """-1, 0 or 1 (Java's compare with 0: -0.0 is -1 and NaN is 1)."""
    return compare_numbers(_x(x), 0)


@static("Math", "ceil")
def ceil(ctx: Context, x: t.Any) -> Number:
    """The smallest integral value not below `x` (an integer is returned as is)."""
    return core.ceil(ctx, _x(x))


@static("Math", "floor")
def floor(ctx: Context, x: t.Any) -> Number:
    """The largest integral value not above `x` (an integer is returned as is)."""
    return core.floor(ctx, _x(x))


@static("Math", "round")
def round_(ctx: Context, x: t.Any, precision: t.Any) -> Number:
    """`x` rounded half up at `precision` decimal places (negative: tens, hundreds...); an integer
    comes back a Long, as core's RoundFunction answers."""
    x = _x(x)
    rounded = core.round_(ctx, x, arg(precision, "precision", INT))
    return rounded if isinstance(rounded, float) else as_long(rounded)


@static("Math", "trunc")
def trunc(ctx: Context, x: t.Any, precision: t.Any) -> Number:
    """`x` truncated at `precision` decimal places (negative: tens, hundreds...); an integer comes
    back a Long."""
    x = _x(x)
    truncated = core.trunc(ctx, x, arg(precision, "precision", INT))
    return truncated if isinstance(truncated, float) else as_long(truncated)


@static("Math", "max")
def max_(ctx: Context, x: t.Any, y: t.Any) -> Number:
    """The larger of two numbers (NaN wins)."""
    x, y = _x(x), arg(y, "y", NUMBER)
    return y if compare_numbers(x, y) < 0 else x


@static("Math", "min")
def min_(ctx: Context, x: t.Any, y: t.Any) -> Number:
    """The smaller of two numbers (NaN wins)."""
    x, y = _x(x), arg(y, "y", NUMBER)
    return x if compare_numbers(x, y) <= 0 else y


@static("Math", "sqrt")
def sqrt(ctx: Context, x: t.Any) -> float:
    """The square root (x must not be negative; core counts -0.0 as negative)."""
    x = _x(x)
    if compare_numbers(x, 0) < 0:
        raise _invalid("x", "x must be nonnegative")
    return math.sqrt(x)


def _logarithm(fn: t.Callable[[float], float]) -> t.Callable[[Context, t.Any], float]:
    def compute(ctx: Context, x: t.Any) -> float:
        x = _x(x)
        if compare_numbers(x, 0) <= 0:
            raise _invalid("x", "x must be positive")
        return core._java(fn, float(x))

    return compute


static("Math", "log")(_logarithm(math.log))
static("Math", "log10")(_logarithm(javamath.log10))


def _unit_interval(fn: t.Callable[[float], float]) -> t.Callable[[Context, t.Any], float]:
    def compute(ctx: Context, x: t.Any) -> float:
        x = float(_x(x))
        if x < -1 or x > 1:
            raise _invalid("x", "argument must lie in [-1, 1]")
        return fn(x)

    return compute


static("Math", "acos")(_unit_interval(javamath.acos))
static("Math", "asin")(_unit_interval(javamath.asin))


def _double(fn: t.Callable[[float], float]) -> t.Callable:
    def compute(ctx: Context, x: t.Any) -> float:
        return core._java(fn, float(_x(x)))

    return compute


for _name, _fn in (
    ("atan", javamath.atan), ("cos", math.cos), ("cosh", javamath.cosh), ("exp", math.exp), ("sin", math.sin),
    ("tan", math.tan), ("tanh", javamath.tanh), ("degrees", math.degrees), ("radians", math.radians),
    ("sinh", javamath.sinh),
):
    static("Math", _name)(_double(_fn))


@static("Math", "hypot")
def hypot(ctx: Context, x: t.Any, y: t.Any) -> float:
    """The length of the hypotenuse of a right triangle with legs `x` and `y`."""
    x = _x(x)
    return javamath.hypot(float(x), float(arg(y, "y", NUMBER)))


@static("Math", "pow")
def pow_(ctx: Context, x: t.Any, power: t.Any) -> float:
    """`x` raised to `power`, always a Double."""
    x = _x(x)
    return core._java_pow(float(x), float(arg(power, "power", NUMBER)))


def _numbers(ctx: Context, name: str, numbers: t.Any) -> t.Iterator[Number]:
    """The elements of an array or set argument, each of which must be a number."""
    (values,) = overload(name, (numbers,), (ARRAY,), (SET,))
    items = values if isinstance(values, list) else values.elements(ctx)
    for n in items:
        if isinstance(n, bool) or not isinstance(n, (int, float)):
            raise _invalid("numbers", "all array elements must be numbers")
        yield n


@static("Math", "sum")
def sum_(ctx: Context, numbers: t.Any) -> Number:
    """The sum of an array or set of numbers (0 when empty)."""
    total: Number = 0
    for n in _numbers(ctx, "sum", numbers):
        total = add(total, n)
    return total


@static("Math", "mean")
def mean(ctx: Context, numbers: t.Any) -> Number:
    """The mean of an array or set of numbers (NaN for an empty array).

    Core divides an array's sum by its length as a Double, but a set's by its count as an Int: the mean
    of a set of integers is truncated, and an empty set divides by zero.
    """
    total: Number = 0
    count = 0
    for n in _numbers(ctx, "mean", numbers):
        total, count = add(total, n), count + 1
    return _divide(total, float(count) if isinstance(numbers, list) else count)
