"""Java's `Double.toString` (JDK 17, which core runs on): how core writes a Double in ToString, Format's
`%s`, its JSON answers and its FQL renderings."""

from __future__ import annotations

import math
from decimal import Decimal

#: Decimal digits Java's conversion treats as noise for an integral double of 2^(54 + p) and more, by p:
#: the digits `2^p` spans (FloatingDecimal's table for its integral fast path, which ends at 2^63).
_NOISE_DIGITS = (0, 0, 0, 0, 1, 1, 1, 2, 2)


def java_digits(magnitude: float) -> Decimal:
    """The decimal Java's conversion picks for a finite, non-negative double: the digits Double.toString
    and Formatter's `%e`/`%f`/`%g` (which round them half up) start from.

    That is the shortest decimal that reads back as the double (Python's repr), except for whole doubles
    from 2^53 up to 2^63, where JDK 17 takes the exact value and rounds off half up only the digits that
    2^(binary exponent - 54) spans: `5.8555432674412329E18` where the shortest is `5.855543267441233E18`.
    Past 2^63 it takes its general path, whose answer is the shortest but for a few (see README.md)."""
    if not (2.0**53 <= magnitude < 2.0**63):
        return Decimal(repr(magnitude))
    value = int(magnitude)
    p2 = value.bit_length() - 1 - 54
    noise = _NOISE_DIGITS[p2] if 1 < p2 < len(_NOISE_DIGITS) else 0
    if noise:
        value, residue = divmod(value, 10**noise)
        if residue >= 10**noise // 2:
            value += 1
    return Decimal(value).scaleb(noise)


def java_double(d: float) -> str:
    """Java's Double.toString: `1.0`, `0.001`, `1.0E7`, `1.0E-4`, `NaN`, `-Infinity`."""
    if d != d:
        return "NaN"
    if d in (math.inf, -math.inf):
        return "Infinity" if d > 0 else "-Infinity"
    sign = "-" if math.copysign(1.0, d) < 0 else ""
    if d == 0:
        return sign + "0.0"
    exact = java_digits(abs(d))
    digits = "".join(map(str, exact.as_tuple().digits)).rstrip("0")
    exponent = exact.adjusted()
    if not 1e-3 <= abs(d) < 1e7:
        return f"{sign}{digits[0]}.{digits[1:] or '0'}E{exponent}"
    if exponent < 0:
        return f"{sign}0.{'0' * (-exponent - 1)}{digits}"
    whole = digits[: exponent + 1].ljust(exponent + 1, "0")
    return f"{sign}{whole}.{digits[exponent + 1:] or '0'}"
