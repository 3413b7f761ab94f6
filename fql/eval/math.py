"""Numbers: arithmetic folds, rounding, bitwise and trigonometric functions, Max and Min.

Fauna computes with Java longs and doubles: integer arithmetic wraps around at 64 bits, integer division
truncates toward zero, an integer meeting a double becomes a double, and doubles overflow to Infinity or
turn into NaN where Python's `math` would raise. The helpers below give Python's numbers those semantics.
"""

from __future__ import annotations

import math
import typing as t
from fractions import Fraction

from .. import javamath
from ..errors import FQLError, InvalidArgument, PermissionDenied
from ..values import Page, Ref, SetRef, type_name
from .casts import INTEGER, NUMBER, each
from .evaluator import Context
from .logic import order_key
from .refs import all_resolved, resolved
from .registry import builtin
from .types import java_double, java_long

Number = t.Union[int, float]

_LONG = 1 << 63


def wrap(n: int) -> int:
    """`n` as a Java long: wrapped around into [-2**63, 2**63)."""
    return (n + _LONG) % (2 * _LONG) - _LONG


def _operands(values: t.Any, key: str) -> list:
    """A varargs argument of one or more numbers (core `OneOrMore(Number)`), checked at `[key, i]`."""
    items = list(values) if isinstance(values, tuple) else values
    if items == []:
        raise InvalidArgument("Non-empty array expected.").at(key)
    return each(NUMBER, items, key)


def _fold(values: t.Any, key: str, op: t.Callable[[Number, Number], Number]) -> Number:
    items = _operands(values, key)
    result = items[0]
    for n in items[1:]:
        # Wrap at every step: a long that overflowed stays wrapped when a double joins in later.
        result = op(result, n)
        result = wrap(result) if isinstance(result, int) else result
    return result


def _fdiv(a: float, b: float) -> float:
    """Java's double division: dividing by zero gives an infinity or NaN instead of raising."""
    if b == 0:
        return math.nan if a == 0 or a != a else math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def _divide(a: Number, b: Number) -> Number:
    if b == 0:
        raise InvalidArgument("Illegal division by zero.")
    if isinstance(a, float) or isinstance(b, float):
        return a / b
    quotient = abs(a) // abs(b)
    return wrap(quotient if (a < 0) == (b < 0) else -quotient)


def _modulo(a: Number, b: Number) -> Number:
    if b == 0:
        raise InvalidArgument("Illegal division by zero.")
    if isinstance(a, float) or isinstance(b, float):
        # Java's % on doubles is fmod (the sign of the dividend), and NaN where fmod raises.
        return math.fmod(a, b) if math.isfinite(a) and not math.isnan(b) else math.nan
    return a - b * _divide(a, b)


def _bitwise(op: t.Callable[[int, int], int]) -> t.Callable[[Number, Number], Number]:
    """A bitwise operator on longs; a double operand is truncated to a long, and makes the result a double."""

    def apply(a: Number, b: Number) -> Number:
        result = wrap(op(_as_long(a), _as_long(b)))
        return float(result) if isinstance(a, float) or isinstance(b, float) else result

    return apply


def _as_long(n: Number) -> int:
    return java_long(n) if isinstance(n, float) else n


@builtin("Add", keys=("add",), varargs=True)
def add(ctx: Context, values: t.Any = ()) -> Number:
    """The sum of the numbers: `Add(1, 2, 3)` is 6; a double anywhere makes the result a double."""
    return _fold(values, "add", lambda a, b: a + b)


@builtin("Subtract", keys=("subtract",), varargs=True)
def subtract(ctx: Context, values: t.Any = ()) -> Number:
    """The first number minus the others, in order."""
    return _fold(values, "subtract", lambda a, b: a - b)


@builtin("Multiply", keys=("multiply",), varargs=True)
def multiply(ctx: Context, values: t.Any = ()) -> Number:
    """The product of the numbers."""
    return _fold(values, "multiply", lambda a, b: a * b)


@builtin("Divide", keys=("divide",), varargs=True)
def divide(ctx: Context, values: t.Any = ()) -> Number:
    """The first number divided by the others; integers divide truncating toward zero (`Divide(7, 2)` is 3)."""
    return _fold(values, "divide", _divide)


@builtin("Modulo", keys=("modulo",), varargs=True)
def modulo(ctx: Context, values: t.Any = ()) -> Number:
    """The remainder of dividing the first number by the others in turn; it has the sign of the dividend."""
    return _fold(values, "modulo", _modulo)


@builtin("BitAnd", keys=("bitand",), varargs=True)
def bit_and(ctx: Context, values: t.Any = ()) -> Number:
    """The bitwise AND of the numbers (as 64-bit integers)."""
    return _fold(values, "bitand", _bitwise(lambda a, b: a & b))


@builtin("BitOr", keys=("bitor",), varargs=True)
def bit_or(ctx: Context, values: t.Any = ()) -> Number:
    """The bitwise OR of the numbers (as 64-bit integers)."""
    return _fold(values, "bitor", _bitwise(lambda a, b: a | b))


@builtin("BitXor", keys=("bitxor",), varargs=True)
def bit_xor(ctx: Context, values: t.Any = ()) -> Number:
    """The bitwise exclusive OR of the numbers (as 64-bit integers)."""
    return _fold(values, "bitxor", _bitwise(lambda a, b: a ^ b))


@builtin("BitNot", keys=("bitnot",), types=(NUMBER,))
def bit_not(ctx: Context, n: Number) -> int:
    """The bitwise complement of `n` as a 64-bit integer (a double is truncated first)."""
    return ~_as_long(n)


@builtin("Abs", keys=("abs",), types=(NUMBER,))
def abs_(ctx: Context, n: Number) -> Number:
    """The absolute value of `n`, of the same type."""
    return wrap(abs(n)) if isinstance(n, int) else abs(n)


@builtin("Sign", keys=("sign",), types=(NUMBER,))
def sign(ctx: Context, n: Number) -> int:
    """-1, 0 or 1 for an integer; for a double -1 when negative, else 1 (0.0 and NaN too)."""
    if isinstance(n, int):
        return (n > 0) - (n < 0)
    return -1 if n < 0 else 1


def _integral(fn: t.Callable[[float], int], d: float) -> float:
    if not math.isfinite(d):
        return d
    # math.ceil/floor answer ints, which lose the sign of a zero: Ceil(-0.5) is -0.0.
    return math.copysign(float(fn(d)), d)


@builtin("Ceil", keys=("ceil",), types=(NUMBER,))
def ceil(ctx: Context, n: Number) -> Number:
    """The smallest integral value not below `n`: an integer stays an integer, a double stays a double."""
    return n if isinstance(n, int) else _integral(math.ceil, n)


@builtin("Floor", keys=("floor",), types=(NUMBER,))
def floor(ctx: Context, n: Number) -> Number:
    """The largest integral value not above `n`: an integer stays an integer, a double stays a double."""
    return n if isinstance(n, int) else _integral(math.floor, n)


def _pow10(exponent: int) -> float:
    try:
        return math.pow(10, exponent)
    except OverflowError:
        return math.inf


def _int_pow10(exponent: int) -> int:
    """Java's `pow(10, dp).toInt`: saturates at the int range."""
    return min(java_long(_pow10(exponent)), (1 << 31) - 1)


def _round_long(n: int, dp: int) -> int:
    if dp > 0:
        return n
    scale = _pow10(dp)
    return java_long(_fdiv(float(java_long(n * scale + 0.5)), scale))


def _round_double(d: float, dp: int) -> float:
    # Core rounds half up by adding 0.5 units and truncating, which rounds negative halves toward zero.
    if dp > 0:
        scale = _int_pow10(dp)
        whole = java_long(d)
        fraction = java_long((d - whole + 0.5 / scale) * scale)
        return whole + float(fraction) / float(scale)
    scale = _pow10(dp)
    return float(java_long(_fdiv(float(java_long(d * scale + 0.5)), scale)))


@builtin("Round", keys=("round", "precision"), types=(NUMBER, INTEGER))
def round_(ctx: Context, n: Number, precision: int | None = None) -> Number:
    """`n` rounded to `precision` decimal places (default 2; negative rounds to tens, hundreds, ...)."""
    if isinstance(n, int):
        return n if precision is None else _round_long(n, precision)
    return _round_double(n, 2 if precision is None else precision)


def _trunc_double(d: float, dp: int) -> float:
    if dp > 0:
        scale = _int_pow10(dp)
        whole = java_long(d)
        return whole + float(java_long((d - whole) * scale)) / float(scale)
    scale = _pow10(dp)
    return _fdiv(float(java_long(d * scale)), scale)


@builtin("Trunc", keys=("trunc", "precision"), types=(NUMBER, INTEGER))
def trunc(ctx: Context, n: Number, precision: int | None = None) -> Number:
    """`n` truncated to `precision` decimal places (default 2; negative truncates to tens, hundreds, ...)."""
    if isinstance(n, int):
        if precision is None or precision > 0:
            return n
        scale = _pow10(precision)
        return java_long(_fdiv(float(java_long(n * scale)), scale))
    return _trunc_double(n, 2 if precision is None else precision)


def _bounds(n: Number, predicate: str) -> InvalidArgument:
    text = java_double(n) if isinstance(n, float) else str(n)
    return InvalidArgument(f"{text} must be {predicate}")


def _java(fn: t.Callable[[float], float], d: float, overflow: float = math.inf) -> float:
    """`fn(d)` as Java's Math computes it: Infinity on overflow, NaN outside the domain."""
    try:
        return fn(d)
    except OverflowError:
        return overflow
    except ValueError:
        return math.nan


@builtin("Sqrt", keys=("sqrt",), types=(NUMBER,))
def sqrt(ctx: Context, n: Number) -> float:
    """The square root of `n`, always a double: `Sqrt(4)` is 2.0."""
    if not n >= 0:
        raise _bounds(n, "positive")
    return _java(math.sqrt, float(n))


@builtin("Ln", keys=("ln",), types=(NUMBER,))
def ln(ctx: Context, n: Number) -> float:
    """The natural logarithm of `n` (which must be greater than 0)."""
    if not n > 0:
        raise _bounds(n, "greater than 0")
    return _java(math.log, float(n))


@builtin("Log", keys=("log",), types=(NUMBER,))
def log(ctx: Context, n: Number) -> float:
    """The base-10 logarithm of `n` (which must be greater than 0), correctly rounded as HotSpot's
    Math.log10 (core's LogFunction) answers."""
    if not n > 0:
        raise _bounds(n, "greater than 0")
    return javamath.log10(float(n))


@builtin("Exp", keys=("exp",), types=(NUMBER,))
def exp(ctx: Context, n: Number) -> float:
    """e raised to the power `n`."""
    return _java(math.exp, float(n))


def _whole_power(base: int, exponent: int, odd: bool) -> float:
    """`base` to `exponent`, both whole, rounded once from the exact value."""
    try:
        return float(Fraction(base) ** exponent)
    except OverflowError:
        return -math.inf if base < 0 and odd else math.inf


def _java_pow(base: float, exponent: float) -> float:
    """Java's Math.pow: overflow is an infinity, 0 to a negative power an infinity, a bad domain NaN."""
    if exponent != exponent or (abs(base) == 1 and math.isinf(exponent)):
        # Where C's pow gives 1.0 (1 to NaN, -1 or 1 to an infinity), Java's is NaN.
        return math.nan
    odd = exponent.is_integer() and abs(exponent) < 2**53 and int(exponent) % 2 == 1
    if base.is_integer() and 0 < abs(base) < 2**64 and exponent.is_integer() and abs(exponent) <= 1100:
        # A whole number to a whole power: HotSpot's pow rounds these as the exact value rounds, where the
        # C library's is sometimes a unit off (Pow(10, 23) is 1.0E23, not 1.0000000000000001E23).
        return _whole_power(int(base), int(exponent), odd)
    try:
        return math.pow(base, exponent)
    except OverflowError:
        return -math.inf if base < 0 and odd else math.inf
    except ValueError:
        if base == 0:
            return math.copysign(math.inf, base) if odd else math.inf
        return math.nan


@builtin("Pow", keys=("pow", "exp"), types=(NUMBER, NUMBER))
def pow_(ctx: Context, base: Number, exponent: Number = 2) -> float:
    """`base` raised to `exponent` (default 2), always a double."""
    return _java_pow(float(base), float(exponent))


@builtin("Hypot", keys=("hypot", "b"), types=(NUMBER, NUMBER))
def hypot(ctx: Context, a: Number, b: Number | None = None) -> float:
    """The hypotenuse of a right triangle with sides `a` and `b` (default: `a` again)."""
    return javamath.hypot(float(a), float(a if b is None else b))


def _unary(name: str, key: str, fn: t.Callable[[float], float], doc: str) -> None:
    """Register a one-argument function of a double that always answers a double."""

    def compute(ctx: Context, n: Number) -> float:
        return _java(fn, float(n))

    compute.__doc__ = doc
    builtin(name, keys=(key,), types=(NUMBER,))(compute)


_unary("Cos", "cos", math.cos, "The cosine of `n` radians.")
_unary("Cosh", "cosh", javamath.cosh, "The hyperbolic cosine of `n`.")
_unary("Sin", "sin", math.sin, "The sine of `n` radians.")
_unary("Sinh", "sinh", javamath.sinh, "The hyperbolic sine of `n`.")
_unary("Tan", "tan", math.tan, "The tangent of `n` radians.")
_unary("Tanh", "tanh", javamath.tanh, "The hyperbolic tangent of `n`.")
_unary("ATan", "atan", javamath.atan, "The arc tangent of `n`, in radians.")
_unary("Degrees", "degrees", math.degrees, "`n` radians in degrees.")
_unary("Radians", "radians", math.radians, "`n` degrees in radians.")


def _unit_range(name: str, key: str, fn: t.Callable[[float], float], doc: str) -> None:
    """Register ACos/ASin, which need -1 <= n <= 1."""

    def compute(ctx: Context, n: Number) -> float:
        if not -1 <= n <= 1:
            raise _bounds(n, "between -1 and 1 inclusive")
        return fn(float(n))

    compute.__doc__ = doc
    builtin(name, keys=(key,), types=(NUMBER,))(compute)


_unit_range("ACos", "acos", javamath.acos, "The arc cosine of `n` (between -1 and 1), in radians.")
_unit_range("ASin", "asin", javamath.asin, "The arc sine of `n` (between -1 and 1), in radians.")


def _is_iterable(value: t.Any) -> bool:
    return isinstance(value, (list, Page, SetRef)) or (isinstance(value, Ref) and value.is_native)


def _iterable(ctx: Context, value: t.Any, key: str) -> t.Any:
    if _is_iterable(value):
        return value
    resolved(ctx, value, key)  # core's Iterable cast refuses an unresolved ref as `invalid ref`
    raise InvalidArgument(f"Array, Set, or Page expected, {type_name(value)} provided.").at(key)


def _elements(ctx: Context, coll: t.Any, key: str) -> t.Iterable:
    if isinstance(coll, list):
        return coll
    if isinstance(coll, Page):
        return coll.data
    from .sets import elements, placed

    try:
        # Core reads the set with setForRead at the function's own name.
        return list(elements(ctx, coll))
    except PermissionDenied as err:
        raise err.at(key) if not err.position else err
    except FQLError as err:
        raise placed(err, key)


#: Marks "no element seen yet" (None is a value).
_NOTHING = object()


def _extreme(ctx: Context, coll: t.Any, key: str, better: t.Callable[[bytes, bytes], bool]) -> t.Any:
    """The greatest (or least) element in Fauna's order of all values; over a page, a one-element page."""
    coll = _iterable(ctx, coll, key)
    # `Max([Paginate(...)])`, one iterable inside an array, is the iterable itself.
    # Only a literal array, page or set: a native collection ref is cast to its set only as the argument.
    if isinstance(coll, list) and len(coll) == 1 and isinstance(coll[0], (list, Page, SetRef)):
        return _extreme(ctx, coll[0], key, better)
    values = list(_elements(ctx, coll, key))
    # Core refuses every unresolved ref among the values, each an error of its own in one answer, before
    # comparing any (AbstractCBORFunction.accumulate).
    all_resolved(ctx, ((value, (key,)) for value in values))
    best, best_key = _NOTHING, b""
    for value in values:
        value_key = order_key(value)
        if best is _NOTHING or not better(best_key, value_key):
            best, best_key = value, value_key
    if best is _NOTHING:
        raise InvalidArgument("Non-empty array expected.").at(key)
    return coll.evolve([best]) if isinstance(coll, Page) else best


@builtin("Max", keys=("max",), varargs=True)
def max_(ctx: Context, values: t.Any = ()) -> t.Any:
    """The greatest of the values, in Fauna's order of all values: `Max(1, 5, 3)`, `Max(Match(idx))`."""
    return _extreme(ctx, [] if isinstance(values, tuple) else values, "max", lambda best, other: best > other)


@builtin("Min", keys=("min",), varargs=True)
def min_(ctx: Context, values: t.Any = ()) -> t.Any:
    """The least of the values, in Fauna's order of all values."""
    return _extreme(ctx, [] if isinstance(values, tuple) else values, "min", lambda best, other: best < other)
