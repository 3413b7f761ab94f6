"""Time and date functions: Time, Date, Now, Epoch, TimeAdd/Subtract/Diff, conversions and calendar fields."""

from __future__ import annotations

import typing as t

from ..errors import FQLError, InvalidArgument
from ..javatime import parse_date, parse_time
from ..values import (
    MAX_EPOCH_SECONDS,
    MIN_EPOCH_SECONDS,
    Action,
    Date,
    Timestamp,
    TxnMicros,
    civil_from_days,
    days_from_civil,
    type_name,
)
from .casts import INTEGER, NULL, STRING, Cast
from .evaluator import Context
from .registry import builtin

#: Nanoseconds in a second and in a day.
_SECOND = 1_000_000_000
_DAY = 86_400 * _SECOND
#: The unit names Fauna accepts (fauna.lang.MidstUnit: trimmed, case-sensitive), in nanoseconds.
_UNITS = {
    "day": _DAY,
    "days": _DAY,
    "half day": _DAY // 2,
    "half days": _DAY // 2,
    "hour": 3600 * _SECOND,
    "hours": 3600 * _SECOND,
    "minute": 60 * _SECOND,
    "minutes": 60 * _SECOND,
    "second": _SECOND,
    "seconds": _SECOND,
    "millisecond": 1_000_000,
    "milliseconds": 1_000_000,
    "microsecond": 1_000,
    "microseconds": 1_000,
    "nanosecond": 1,
    "nanoseconds": 1,
}
#: Java's Instant range, in nanoseconds since the epoch.
_MIN_NANOS = MIN_EPOCH_SECONDS * _SECOND
_MAX_NANOS = MAX_EPOCH_SECONDS * _SECOND + _SECOND - 1
#: Java's LocalDate range (years -999999999..999999999), in days since the epoch.
_MIN_DAY = days_from_civil(-999_999_999, 1, 1)
_MAX_DAY = days_from_civil(999_999_999, 12, 31)
#: Java's String.trim removes every character up to U+0020, not Unicode whitespace.
_JAVA_BLANKS = "".join(map(chr, range(33)))
#: 2**63: FQL integers are Java longs.
_LONG = 1 << 63


def _is_int(value: t.Any) -> bool:
    # A document's `ts` in the query that wrote it is no Integer (core's TransactionTimeMicrosL).
    return isinstance(value, int) and not isinstance(value, (bool, TxnMicros))


def _is_unit(value: t.Any) -> bool:
    return isinstance(value, str) and value.strip(_JAVA_BLANKS) in _UNITS


#: Where a Time is expected, an Integer counts as microseconds since the epoch.
TIME_OR_MICROS = Cast("Time", lambda v: isinstance(v, Timestamp) or _is_int(v))
#: Core names the Time-or-Date type "Temporal" in its messages.
TEMPORAL = Cast("Temporal", lambda v: isinstance(v, (Timestamp, Date)))
#: A unit name for Epoch and the time arithmetic (see `_UNITS`).
UNIT = Cast("Time Unit", _is_unit)

# -- Parsing, as java.time does it -------------------------------------------------------------------

def _time(ctx: Context, text: str) -> Timestamp:
    # "now" is matched before trimming: " now" is an invalid time.
    if text == "now":
        return _now(ctx)
    ts = parse_time(text)
    if ts is None:
        raise InvalidArgument(f"Cannot cast '{text}' to a time.")
    return ts


def _date(text: str) -> Date:
    date = parse_date(text)
    if date is None:
        raise InvalidArgument(f"Cannot cast '{text}' to a date.")
    return date


# -- Arithmetic, as java.time does it -----------------------------------------------------------------


def _bounds() -> InvalidArgument:
    low, high = Timestamp(_MIN_NANOS).isoformat(), Timestamp(_MAX_NANOS).isoformat()
    return InvalidArgument(f"dates and times must be between {low} and {high}")


def _long(value: int) -> int:
    """`value` if it fits a Java long; core lets Math.*Exact overflow escape as an internal error."""
    if not -_LONG <= value < _LONG:
        raise FQLError("long overflow")
    return value


def _quot(a: int, b: int) -> int:
    """Java's integer division, which truncates toward zero."""
    return a // b if a >= 0 else -(-a // b)


def _instant_at(nanos: int, *path: str) -> Timestamp:
    """The Timestamp `nanos` after the epoch; out of Instant's range is a bounds error at `path`."""
    if not _MIN_NANOS <= nanos <= _MAX_NANOS:
        raise _bounds().at(*path)
    return Timestamp(nanos)


def _shift(base: Timestamp | Date, offset: int, unit: str) -> Timestamp | Date:
    """`base` moved by `offset` units; a Date moves only by days."""
    step = _UNITS[unit.strip(_JAVA_BLANKS)]
    if isinstance(base, Timestamp):
        return _instant_at(base.nanos + offset * step, "offset")
    if step != _DAY:
        raise InvalidArgument(f"Invalid time unit '{unit}'.").at("unit")
    if not _MIN_DAY <= base.days + offset <= _MAX_DAY:
        raise _bounds().at("offset")
    return Date(base.days + offset)


def _epoch_millis(ts: Timestamp) -> int:
    """Instant.toEpochMilli, which overflows beyond about 292 million years."""
    secs, nanos = divmod(ts.nanos, _SECOND)
    if secs < 0 and nanos > 0:
        return _long(_long((secs + 1) * 1000) + nanos // 1_000_000 - 1000)
    return _long(_long(secs * 1000) + nanos // 1_000_000)


def _until(start: Timestamp, end: Timestamp, step: int) -> int:
    """Instant.until: whole units from `start` to `end`, truncated toward zero."""
    (s1, n1), (s2, n2) = divmod(start.nanos, _SECOND), divmod(end.nanos, _SECOND)
    if step < 1_000_000:
        return _quot(_long(_long((s2 - s1) * _SECOND) + n2 - n1), step)
    if step == 1_000_000:
        return _long(_epoch_millis(end) - _epoch_millis(start))
    secs = s2 - s1
    if secs > 0 and n2 < n1:
        secs -= 1
    elif secs < 0 and n2 > n1:
        secs += 1
    return _quot(secs, step // _SECOND)


# -- Calendar fields ------------------------------------------------------------------------------------


class _Fields(t.NamedTuple):
    """A time's UTC calendar fields, named by the wire keys of the functions that return them."""

    year: int
    month: int
    day_of_month: int
    day_of_year: int
    day_of_week: int
    hour: int
    minute: int
    second: int


def _instant(value: Timestamp | int) -> Timestamp:
    """A Time argument; an Integer is microseconds since the epoch."""
    return value if isinstance(value, Timestamp) else Timestamp.from_micros(value)


def _utc_day(ts: Timestamp) -> int:
    """The UTC day of `ts`; Instant's range exceeds LocalDate's, and core does not catch that."""
    days = ts.nanos // _DAY
    if not _MIN_DAY <= days <= _MAX_DAY:
        raise FQLError(f"Invalid value for EpochDay (valid values {_MIN_DAY} - {_MAX_DAY}): {days}")
    return days


def _fields(ts: Timestamp) -> _Fields:
    days = _utc_day(ts)
    secs = ts.nanos // _SECOND - days * 86400
    y, m, d = civil_from_days(days)
    # 1970-01-01 was a Thursday (ISO day 4; Monday is 1).
    week_day = (days + 3) % 7 + 1
    year_day = days - days_from_civil(y, 1, 1) + 1
    return _Fields(y, m, d, year_day, week_day, secs // 3600, secs // 60 % 60, secs % 60)


# -- Built-ins ------------------------------------------------------------------------------------------


@builtin("Time", keys=("time",), types=(STRING,))
def time_(ctx: Context, text: str) -> Timestamp:
    """The time an ISO-8601 string with an offset names (`2020-01-01T00:00:00Z`); "now" is the query's time."""
    return _time(ctx, text)


@builtin("Now", keys=("now",), types=(NULL,))
def now(ctx: Context, ignored: None = None) -> Timestamp:
    """The transaction time: every call in one query returns the same value."""
    return _now(ctx)


#: Core's Timestamp.MaxMicros: the latest time it can hold, Long.MaxValue µs.
_MAX_MICROS = 2**63 - 1


def _now(ctx: Context) -> Timestamp:
    """The transaction time, or, in an index binding, core's snapshot time not yet resolved (the most
    micros a Long holds): core's IndexSpec "indexes now" indexes ToMillis(Now()) so."""
    return Timestamp.from_micros(_MAX_MICROS) if ctx.state.in_binding else ctx.state.now


@builtin("Date", keys=("date",), types=(STRING,))
def date(ctx: Context, text: str) -> Date:
    """The date an ISO-8601 string names (`2020-01-31`)."""
    return _date(text)


@builtin("Epoch", keys=("epoch", "unit"), types=(INTEGER, UNIT))
def epoch(ctx: Context, offset: int, unit: str) -> Timestamp:
    """The time `offset` units after 1970-01-01T00:00:00Z (units: day, half day, hour, ... nanosecond)."""
    return _instant_at(offset * _UNITS[unit.strip(_JAVA_BLANKS)])


@builtin("TimeAdd", keys=("time_add", "offset", "unit"), types=(TEMPORAL, INTEGER, UNIT))
def time_add(ctx: Context, base: Timestamp | Date, offset: int, unit: str) -> Timestamp | Date:
    """`base` (a Time, or a Date with day units) plus `offset` units."""
    return _shift(base, offset, unit)


@builtin("TimeSubtract", keys=("time_subtract", "offset", "unit"), types=(TEMPORAL, INTEGER, UNIT))
def time_subtract(ctx: Context, base: Timestamp | Date, offset: int, unit: str) -> Timestamp | Date:
    """`base` (a Time, or a Date with day units) minus `offset` units."""
    return _shift(base, -offset, unit)


@builtin("TimeDiff", keys=("time_diff", "other", "unit"), types=(TEMPORAL, TEMPORAL, UNIT))
def time_diff(ctx: Context, start: Timestamp | Date, finish: Timestamp | Date, unit: str) -> int:
    """Whole units from `start` to `finish` (both Times, or both Dates with day units), truncated."""
    step = _UNITS[unit.strip(_JAVA_BLANKS)]
    if isinstance(start, Timestamp) and isinstance(finish, Timestamp):
        return _until(start, finish, step)
    if not (isinstance(start, Date) and isinstance(finish, Date)):
        raise InvalidArgument("Incompatible time arguments.").at("time_diff")
    if step != _DAY:
        raise InvalidArgument(f"Invalid time unit '{unit}'.").at("unit")
    return finish.days - start.days


@builtin("ToTime", keys=("to_time",))
def to_time(ctx: Context, value: t.Any) -> Timestamp:
    """A Time from a Time, a Date (its midnight UTC), an ISO string, or an Integer of milliseconds."""
    # Unlike every other time function, an Integer here counts milliseconds, not microseconds.
    if _is_int(value):
        return Timestamp(value * 1_000_000)
    if isinstance(value, Timestamp):
        return value
    if isinstance(value, Date):
        return Timestamp(value.days * _DAY)
    # An event's action reads as a string but is none here (core's ToTimeFunction matches StringL).
    if isinstance(value, str) and not isinstance(value, Action):
        return _time(ctx, value)
    raise InvalidArgument(f"Cannot cast {type_name(value)} to Time.")


@builtin("ToDate", keys=("to_date",))
def to_date(ctx: Context, value: t.Any) -> Date:
    """A Date from a Date, a Time (its UTC day) or an ISO string."""
    if isinstance(value, Date):
        return value
    if isinstance(value, Timestamp):
        return Date(_utc_day(value))
    if isinstance(value, str) and not isinstance(value, Action):
        return _date(value)
    raise InvalidArgument(f"Cannot cast {type_name(value)} to Date.")


@builtin("ToSeconds", keys=("to_seconds",), types=(TIME_OR_MICROS,))
def to_seconds(ctx: Context, ts: Timestamp | int) -> int:
    """Whole seconds since the epoch (rounded down); an Integer argument is microseconds."""
    return _instant(ts).nanos // _SECOND


@builtin("ToMillis", keys=("to_millis",), types=(TIME_OR_MICROS,))
def to_millis(ctx: Context, ts: Timestamp | int) -> int:
    """Whole milliseconds since the epoch (rounded down); an Integer argument is microseconds."""
    return _epoch_millis(_instant(ts))


@builtin("ToMicros", keys=("to_micros",), types=(TIME_OR_MICROS,))
def to_micros(ctx: Context, ts: Timestamp | int) -> int:
    """Whole microseconds since the epoch (rounded down); an Integer argument is microseconds."""
    micros = _instant(ts).nanos // 1000
    # Core computes this with unchecked long arithmetic: it wraps beyond about 292,000 years.
    return (micros + _LONG) % (2 * _LONG) - _LONG


def _field_builtin(name: str, field: str, doc: str) -> None:
    """Register `name`, which returns one UTC calendar field of a Time (or Integer of microseconds)."""

    def component(ctx: Context, ts: Timestamp | int) -> int:
        return getattr(_fields(_instant(ts)), field)

    component.__doc__ = doc
    builtin(name, keys=(field,), types=(TIME_OR_MICROS,))(component)


#: The calendar-field functions: shell name, wire key (and field), documentation.
FIELDS = (
    ("Second", "second", "The second of the minute (0-59), in UTC."),
    ("Minute", "minute", "The minute of the hour (0-59), in UTC."),
    ("Hour", "hour", "The hour of the day (0-23), in UTC."),
    ("DayOfMonth", "day_of_month", "The day of the month (1-31), in UTC."),
    ("DayOfWeek", "day_of_week", "The ISO day of the week (Monday is 1, Sunday 7), in UTC."),
    ("DayOfYear", "day_of_year", "The day of the year (1-366), in UTC."),
    ("Month", "month", "The month (1-12), in UTC."),
    ("Year", "year", "The year, in UTC."),
)
for _name, _field, _doc in FIELDS:
    _field_builtin(_name, _field, _doc)
