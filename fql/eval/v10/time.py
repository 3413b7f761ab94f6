"""v10 Time and Date: constructors, now/today/epoch, add/subtract/difference, conversions and fields.

Times stay within years -999999999 to +999999999 after add and subtract. A Double amount moves a Time
by whole units plus the fraction in nanoseconds (core's `toSecondsNanos`, which reads the whole part as
a decimal); a Date rounds it half up to whole days.
"""

from __future__ import annotations

import math
import typing as t
from decimal import Context as DecimalContext
from decimal import Decimal, localcontext

from ...errors import QueryRuntimeError
from ...values import Date, Timestamp, as_long
from .. import time as core
from ..evaluator import Context
from ..registry import field, method, static
from .expressions import placeholder
from .misc import DATE, NUMBER, STRING, TIME, arg

_SECOND = 1_000_000_000
_DAY = 86_400 * _SECOND
#: The Times add and subtract may answer (core's MinTime and MaxTime), in nanoseconds since the epoch.
_MIN_TIME = core.parse_time("-999999999-01-01T00:00:00Z").nanos  # type: ignore[union-attr]
_MAX_TIME = core.parse_time("+999999999-12-31T23:59:59.999999999Z").nanos  # type: ignore[union-attr]
_LONG_MAX = (1 << 63) - 1
#: Enough precision for core's BigDecimal arithmetic on any double times a unit's nanoseconds.
_EXACT = DecimalContext(prec=1000)

# -- parsing -------------------------------------------------------------------------------------------


def _strict(text: str) -> bool:
    # The v4 parsers trim, as v4's Time() does; v10 parses the string exactly as given.
    return text == text.strip(core._JAVA_BLANKS)


def parse_time(text: str) -> Timestamp:
    ts = core.parse_time(text) if _strict(text) else None
    if ts is None:
        raise QueryRuntimeError("invalid_time", f"`{text}` is not a valid time.")
    return ts


def parse_date(text: str) -> Date:
    date = core.parse_date(text) if _strict(text) else None
    if date is None:
        raise QueryRuntimeError("invalid_date", f"`{text}` is not a valid date.")
    return date


# -- arithmetic ----------------------------------------------------------------------------------------


def _unit(unit: str, what: str = "time") -> int:
    """The length of a unit in nanoseconds; a Date takes only days."""
    step = core._UNITS.get(unit.strip(core._JAVA_BLANKS))
    if step is None or (what == "date" and step != _DAY):
        raise QueryRuntimeError("invalid_unit", f"`{unit}` is not a valid {what} unit.")
    return step


class _Overflow(Exception):
    """java.time left Instant's range (or a long overflowed) part way through."""


def _instant(nanos: int) -> int:
    if not core._MIN_NANOS <= nanos <= core._MAX_NANOS:
        raise _Overflow
    return nanos


#: FloatingDecimal's count of insignificant trailing digits, by how far a double's exponent exceeds 54.
_INSIGNIFICANT = (
    0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9, 9, 10, 10, 10,
    11, 11, 11, 12, 12, 12, 12, 13, 13, 13, 14, 14, 14, 15, 15, 15, 15, 16, 16, 16, 17, 17, 17, 18, 18, 18, 19,
)


def _java_decimal(d: float) -> Decimal:
    """Scala's BigDecimal(d), which reads Java's Double.toString: a whole double below 2**63 prints
    exactly, except that past 2**56 its last digits are rounded away (JDK FloatingDecimal's fast path)."""
    if d == 0 or not d.is_integer() or abs(d) >= 2.0**63:
        return Decimal(repr(d))
    n = int(abs(d))
    excess = n.bit_length() - 55
    digits = _INSIGNIFICANT[excess] if 1 < excess < len(_INSIGNIFICANT) else 0
    if digits:
        q, r = divmod(n, 10**digits)
        n = (q + (r >= 10**digits // 2)) * 10**digits
    return Decimal(-n if d < 0 else n)


def _fraction_move(nanos: int, amount: float, step: int, sign: int) -> int:
    """Core's Timestamp.plus/minus(Double): whole units via a decimal, then the fraction in nanos."""
    if not math.isfinite(amount):
        raise _Overflow
    if amount < 0:
        amount, sign = -amount, -sign
    whole = math.floor(amount)
    fraction_nanos = step * (amount - whole)
    with localcontext(_EXACT):
        seconds, rest = divmod(_java_decimal(float(whole)) * step, _SECOND)
        if seconds >= _LONG_MAX:
            seconds, rest = _LONG_MAX, 0
        rest = int(rest + Decimal(repr(fraction_nanos)))
    moved = _instant(nanos + sign * int(seconds) * _SECOND)
    return _instant(moved + sign * rest)


def _move(ts: Timestamp, amount: t.Any, unit: t.Any, sign: int) -> Timestamp:
    amount, unit = arg(amount, "amount", NUMBER), arg(unit, "unit", STRING)
    step = _unit(unit)
    try:
        if isinstance(amount, int):
            nanos = _instant(ts.nanos + sign * amount * step)
        else:
            nanos = _fraction_move(ts.nanos, amount, step, sign)
    except _Overflow:
        # Core reports any java.time failure by the direction asked for, not the one taken.
        nanos = core._MAX_NANOS + 1 if sign > 0 else core._MIN_NANOS - 1
    if nanos < _MIN_TIME:
        raise QueryRuntimeError("invalid_time", "Time exceeds the minimum value.")
    if nanos > _MAX_TIME:
        raise QueryRuntimeError("invalid_time", "Time exceeds the maximum value.")
    return Timestamp(nanos)


def _java_round(d: float) -> int:
    """Java's Math.round: half up, NaN as 0, saturating at the long range."""
    if math.isnan(d):
        return 0
    if not math.isfinite(d):
        return _LONG_MAX if d > 0 else -_LONG_MAX - 1
    floor = math.floor(d)
    return max(-_LONG_MAX - 1, min(_LONG_MAX, floor + (1 if d - floor >= 0.5 else 0)))


def _move_date(date: Date, amount: t.Any, unit: t.Any, sign: int) -> Date:
    amount, unit = arg(amount, "amount", NUMBER), arg(unit, "unit", STRING)
    _unit(unit, "date")
    days = date.days + sign * (amount if isinstance(amount, int) else _java_round(amount))
    # java.time throws past LocalDate's range, which core does not catch; fql answers invalid_date.
    if days < core._MIN_DAY:
        raise QueryRuntimeError("invalid_date", "Date exceeds the minimum value.")
    if days > core._MAX_DAY:
        raise QueryRuntimeError("invalid_date", "Date exceeds the maximum value.")
    return Date(days)


# -- Time ----------------------------------------------------------------------------------------------


@static("Time", "__call__")
@static("Time", "fromString")
def from_string(ctx: Context, time: t.Any) -> Timestamp:
    """The time an ISO-8601 string with an offset names: `Time("2023-02-10T12:00:00Z")`."""
    return parse_time(arg(time, "time", STRING))


@static("Time", "now")
def now(ctx: Context) -> Timestamp:
    """The transaction's time."""
    return ctx.state.now


def _epoch_nanos(amount: float, step: int) -> int:
    if isinstance(amount, int):
        return amount * step
    nanos = float(step) * amount
    if not math.isfinite(nanos):
        # Core multiplies a Scala Duration: a NaN or infinite product (of either sign) makes a Duration
        # that is not finite, and the epoch plus one is the latest Instant.
        return core._MAX_NANOS
    # Scala's fromNanos compares with Long.MaxValue as a double (2**63), then rounds saturating.
    if not -(2.0**63) <= nanos <= 2.0**63:
        raise _Overflow
    return _java_round(nanos)


@static("Time", "epoch")
def epoch(ctx: Context, offset: t.Any, unit: t.Any) -> Timestamp:
    """The time `offset` units after 1970-01-01T00:00:00Z (a Double offset keeps its fraction)."""
    offset, unit = arg(offset, "offset", NUMBER), arg(unit, "unit", STRING)
    step = _unit(unit)
    try:
        return Timestamp(_instant(_epoch_nanos(offset, step)))
    except _Overflow:
        # Core lets java.time's exception escape here; fql answers as add and subtract do.
        message = "maximum" if offset > 0 else "minimum"
        raise QueryRuntimeError("invalid_time", f"Time exceeds the {message} value.") from None


@method("Time", "add")
def add(ctx: Context, ts: Timestamp, amount: t.Any, unit: t.Any) -> Timestamp:
    """The time `amount` units later."""
    return _move(ts, amount, unit, 1)


@method("Time", "subtract")
def subtract(ctx: Context, ts: Timestamp, amount: t.Any, unit: t.Any) -> Timestamp:
    """The time `amount` units earlier."""
    return _move(ts, amount, unit, -1)


@method("Time", "difference")
def difference(ctx: Context, ts: Timestamp, start: t.Any, unit: t.Any) -> int:
    """Whole units from `start` to this time (negative if `start` is later), truncated; `start` is no
    TransactionTime() (core's placeholder is no Time)."""
    start, unit = arg(placeholder(ctx, start), "start", TIME), arg(unit, "unit", STRING)
    return core._until(start, ts, _unit(unit))


@method("Time", "toSeconds")
def to_seconds(ctx: Context, ts: Timestamp) -> int:
    """Seconds since the epoch, rounded down."""
    return core.to_seconds(ctx, ts)


@method("Time", "toMillis")
def to_millis(ctx: Context, ts: Timestamp) -> int:
    """Milliseconds since the epoch, rounded down."""
    return core.to_millis(ctx, ts)


@method("Time", "toMicros")
def to_micros(ctx: Context, ts: Timestamp) -> int:
    """Microseconds since the epoch, rounded down."""
    return core.to_micros(ctx, ts)


def _time_field(name: str, attr: str, doc: str) -> None:
    def component(ctx: Context, ts: Timestamp) -> int:
        return getattr(core._fields(ts), attr)

    component.__doc__ = doc
    field("Time", name)(component)


for _name, _attr, _doc in (
    ("year", "year", "The year, in UTC."),
    ("month", "month", "The month (1-12), in UTC."),
    ("dayOfMonth", "day_of_month", "The day of the month (1-31), in UTC."),
    ("dayOfWeek", "day_of_week", "The ISO day of the week (Monday is 1, Sunday 7), in UTC."),
    ("dayOfYear", "day_of_year", "The day of the year (1-366), in UTC."),
    ("hour", "hour", "The hour (0-23), in UTC."),
    ("minute", "minute", "The minute (0-59)."),
    ("second", "second", "The second (0-59)."),
):
    _time_field(_name, _attr, _doc)

# -- Date ----------------------------------------------------------------------------------------------


@static("Date", "__call__")
@static("Date", "fromString")
def date_from_string(ctx: Context, date: t.Any) -> Date:
    """The date an ISO-8601 calendar date names: `Date("2023-02-10")`."""
    return parse_date(arg(date, "date", STRING))


@static("Date", "today")
def today(ctx: Context) -> Date:
    """The transaction's date, in UTC. Core reads it with no effect check, as `Time.now()` has (Date.scala):
    an indexed computed field may take it."""
    from .fields import snapshot_micros

    return Date(Timestamp.from_micros(snapshot_micros(ctx)).nanos // _DAY)


@method("Date", "add")
def date_add(ctx: Context, date: Date, amount: t.Any, unit: t.Any) -> Date:
    """The date `amount` days later (a Double rounds half up)."""
    return _move_date(date, amount, unit, 1)


@method("Date", "subtract")
def date_subtract(ctx: Context, date: Date, amount: t.Any, unit: t.Any) -> Date:
    """The date `amount` days earlier (a Double rounds half up)."""
    return _move_date(date, amount, unit, -1)


@method("Date", "difference")
def date_difference(ctx: Context, date: Date, start: t.Any) -> int:
    """Days from `start` to this date (negative if `start` is later), a Long as core gives it."""
    return as_long(date.days - arg(start, "start", DATE).days)


def _date_field(name: str, attr: str, doc: str) -> None:
    def component(ctx: Context, date: Date) -> int:
        return getattr(core._fields(Timestamp(date.days * _DAY)), attr)

    component.__doc__ = doc
    field("Date", name)(component)


for _name, _attr, _doc in (
    ("year", "year", "The year."),
    ("month", "month", "The month (1-12)."),
    ("dayOfMonth", "day_of_month", "The day of the month (1-31)."),
    ("dayOfWeek", "day_of_week", "The ISO day of the week (Monday is 1, Sunday 7)."),
    ("dayOfYear", "day_of_year", "The day of the year (1-366)."),
):
    _date_field(_name, _attr, _doc)
