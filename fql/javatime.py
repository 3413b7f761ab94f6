"""java.time's parsers as core reads times and dates with them: its Timestamp.parse (ISO_LOCAL_DATE_TIME,
case-insensitive, then an optional `Z`/`+HH:MM[:ss]` and `+HHMM`, resolved SMART) behind v4's `Time`,
v10's `Time` and the wire's `@time`, and LocalDate.parse (ISO_LOCAL_DATE, STRICT) behind `Date` and
`@date`. Callers that read the text as given (v10, the wire) check it has no surrounding blanks first."""

from __future__ import annotations

import re

from .values import Date, Timestamp, days_from_civil, parse_year

_SECOND = 1_000_000_000
#: Java's String.trim removes every character up to U+0020, not Unicode whitespace.
_JAVA_BLANKS = "".join(map(chr, range(33)))
#: The most an offset may be: ZoneOffset's +-18:00.
_MAX_OFFSET = 18 * 3600
#: Java's LocalDate range ends with year 999999999, in days since the epoch.
_MAX_DAY = days_from_civil(999_999_999, 12, 31)

#: Core's formatter: ISO_LOCAL_DATE_TIME (case-insensitive), then optional `+HH:MM:ss`/`Z`, then `+HHMM`.
_TIME = re.compile(
    r"(?P<y>[+-]?[0-9]{4,10})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})[Tt](?P<h>[0-9]{2}):(?P<mi>[0-9]{2})"
    r"(?::(?P<s>[0-9]{2})(?:\.(?P<f>[0-9]{0,9}))?)?"
    r"(?P<z1>[Zz]|[+-][0-9]{2}:[0-9]{2}(?::[0-9]{2})?)?(?P<z2>[+-][0-9]{4})?"
)
_DATE = re.compile(r"(?P<y>[+-]?[0-9]{4,10})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})")


def month_length(year: int, month: int) -> int:
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]


def _offset(text: str) -> int | None:
    """Seconds east of UTC for `Z`, `+HH:MM[:ss]` or `+HHMM`; None if out of range."""
    if text.upper() == "Z":
        return 0
    digits = text[1:].replace(":", "")
    h, m, s = int(digits[:2]), int(digits[2:4]), int(digits[4:] or 0)
    if h > 23 or m > 59 or s > 59:
        return None
    return (-1 if text[0] == "-" else 1) * (h * 3600 + m * 60 + s)


def _zone(z1: str | None, z2: str | None) -> int | None:
    """The parsed offset: Instant needs one, and both forms given must agree."""
    offsets = [_offset(z) for z in (z1, z2) if z is not None]
    if not offsets or None in offsets or len(set(offsets)) > 1 or abs(offsets[0]) > _MAX_OFFSET:
        return None
    return offsets[0]


def parse_time(text: str) -> Timestamp | None:
    """Parse like core's Time(): java.time's SMART resolver clamps `02-30` to the month's end and reads
    `T24:00` as the next midnight."""
    m = _TIME.fullmatch(text.strip(_JAVA_BLANKS))
    if not m or (year := parse_year(m["y"])) is None or (zone := _zone(m["z1"], m["z2"])) is None:
        return None
    month, day, h, mi, s = (int(m[k] or 0) for k in ("mo", "d", "h", "mi", "s"))
    frac = int((m["f"] or "0").ljust(9, "0"))
    if not 1 <= month <= 12 or not 1 <= day <= 31 or mi > 59 or s > 59:
        return None
    days = days_from_civil(year, month, min(day, month_length(year, month)))
    if h == 24 and mi == s == frac == 0:
        days, h = days + 1, 0
    if h > 23 or days > _MAX_DAY:
        return None
    return Timestamp((days * 86400 + h * 3600 + mi * 60 + s - zone) * _SECOND + frac)


def parse_date(text: str) -> Date | None:
    """Parse like core's Date(): ISO_LOCAL_DATE with the STRICT resolver (no clamping)."""
    m = _DATE.fullmatch(text.strip(_JAVA_BLANKS))
    if not m or (year := parse_year(m["y"])) is None:
        return None
    month, day = int(m["mo"]), int(m["d"])
    if not 1 <= month <= 12 or not 1 <= day <= month_length(year, month):
        return None
    return Date(days_from_civil(year, month, day))
