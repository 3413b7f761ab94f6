"""Java's `Double.toString` as JDK 17 (which core runs on) writes a double: ToString, Format's `%s` and
`%@`, core's JSON answers and FQL renderings; and the digits its Formatter (`%e`, `%f`, `%g`) rounds.

JDK 17's conversion is not the shortest-digits one later JDKs have. It generates digits of the exact value
until they are within half a unit in the last place (a quarter, below a power of two), with its own
rounding of the last digit, so it sometimes writes more digits than needed: at least two in its E form
(`4.9E-324`, `9.999999999999999E22` for 1.0E23), and for some large doubles a digit more where its
64-bit arithmetic overflows (`4.790000000000001E21`). A whole double below 2^63 is written from its
exact value instead, with only the digits its binary exponent makes noise rounded off
(`5.8555432674412329E18`). This module reproduces those steps (checked against a JDK 17 on 600,000
doubles: normal, subnormal, whole, powers of 2 and 10)."""

from __future__ import annotations

import math
import struct
from decimal import Decimal

#: Decimal digits the whole-number path rounds off, by 2^p (p = binary exponent - 54): those 2^p spans.
_NOISE_DIGITS = (0, 0, 0, 0, 1, 1, 1, 2, 2)
#: Java's estimate of the bits in 5^n, which decides whether it works in 32-bit, 64-bit or big integers.
_FIVE_BITS = (0, 3, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28, 31, 33, 35, 38, 40, 42, 45, 47, 49, 52, 54, 56, 59, 61)


def _wrap(n: int, width: int | None) -> int:
    """`n` in a signed integer of `width` bits (None: unbounded)."""
    if width is None:
        return n
    half = 1 << (width - 1)
    return (n + half) % (1 << width) - half


def _estimate_exponent(fraction: int, exponent: int) -> int:
    """Java's first guess at the decimal exponent: a linear fit of log10 on the mantissa, in doubles."""
    mantissa = struct.unpack(">d", struct.pack(">Q", (1023 << 52) | (fraction & ((1 << 52) - 1))))[0]
    return math.floor((mantissa - 1.5) * 0.289529654 + 0.176091259 + exponent * 0.301029995663981)


def _whole_digits(fraction: int, exponent: int, significant: int) -> tuple[str, int]:
    value = fraction << (exponent - 52) if exponent >= 52 else fraction >> (52 - exponent)
    noise = 0
    if exponent > significant:
        p2 = exponent - significant - 1
        noise = _NOISE_DIGITS[p2] if 1 < p2 < len(_NOISE_DIGITS) else 0
    if noise:
        value, residue = divmod(value, 10**noise)
        if residue >= 10**noise // 2:
            value += 1
    text = str(value)
    return text.rstrip("0"), len(text) + noise


def _digits(magnitude: float, compatible: bool) -> tuple[str, int]:
    """Java's digits of a finite double above 0, and its decimal exponent: the value is 0.DIGITS x 10^exp.
    `compatible` is Double.toString's mode; Formatter's always takes a second digit."""
    bits = struct.unpack(">Q", struct.pack(">d", magnitude))[0]
    fraction, biased = bits & ((1 << 52) - 1), bits >> 52
    if biased == 0:  # subnormal: normalised, with fewer significant bits
        shift = 53 - fraction.bit_length()
        fraction <<= shift
        exponent, significant = 1 - shift - 1023, fraction.bit_length() - shift
    else:
        fraction |= 1 << 52
        exponent, significant = biased - 1023, 53
    trailing = (fraction & -fraction).bit_length() - 1
    bits_used = 53 - trailing
    tiny = max(0, bits_used - exponent - 1)
    if -21 <= exponent <= 62 and tiny == 0:
        return _whole_digits(fraction, exponent, significant)

    # value / 10^dec = b / s, half a unit in the last place = m / s, as Java scales them
    dec = _estimate_exponent(fraction, exponent)
    b5, s5 = max(0, -dec), max(0, dec)
    b2, s2 = b5 + tiny + exponent, s5 + tiny
    m2 = b2 - significant
    b2 -= bits_used - 1
    common = min(b2, s2)
    b2, s2, m2 = b2 - common, s2 - common, m2 - common
    if bits_used == 1:  # below a power of two the next double is half as far
        m2 -= 1
    if m2 < 0:
        b2, s2, m2 = b2 - m2, s2 - m2, 0
    b_bits = bits_used + b2 + (_FIVE_BITS[b5] if b5 < len(_FIVE_BITS) else b5 * 3)
    ten_s_bits = s2 + 1 + (_FIVE_BITS[s5 + 1] if s5 + 1 < len(_FIVE_BITS) else (s5 + 1) * 3)
    width = (32 if b_bits < 32 and ten_s_bits < 32 else 64) if b_bits < 64 and ten_s_bits < 64 else None
    b = ((fraction >> trailing) * 5**b5) << b2
    s = 5**s5 << s2
    m = 5**b5 << m2
    tens = 10 * s

    def step(b: int, m: int, check_m: bool) -> tuple[int, int, int, bool, bool]:
        q, rest = divmod(b, s)
        b, m = 10 * rest, _wrap(m * 10, width)
        if width is None:  # big integers: inclusive on the high side
            return q, b, m, b < m, b + m >= tens
        if check_m and m <= 0:  # Java's guard for an overflowed m
            return q, b, m, True, True
        return q, b, m, b < m, _wrap(b + m, width) > tens

    digits: list[int] = []
    q, b, m, low, high = step(b, m, False)
    if q == 0 and not high:
        dec -= 1
    else:
        digits.append(q)
    if not compatible or dec < -3 or dec >= 8:
        low = high = False
    while not low and not high:
        q, b, m, low, high = step(b, m, True)
        digits.append(q)
    difference = 2 * b - tens if width is None else _wrap(_wrap(b << 1, width) - tens, width)
    exponent10 = dec + 1
    if high and (not low or difference > 0 or (difference == 0 and digits[-1] % 2)):
        at = len(digits) - 1
        while at >= 0 and digits[at] == 9:
            digits[at] = 0
            at -= 1
        if at < 0:
            digits[0] = 1
            exponent10 += 1
        else:
            digits[at] += 1
    return "".join(map(str, digits)), exponent10


def java_digits(magnitude: float) -> Decimal:
    """The decimal Java's Formatter starts from for a finite double >= 0 (`%e`, `%f`, `%g` round it half
    up): Double.toString's digits, except that it always takes a second one."""
    if magnitude == 0:
        return Decimal(0)
    digits, exponent = _digits(magnitude, compatible=False)
    return Decimal(f"0.{digits}E{exponent}")


def java_double(d: float) -> str:
    """Java's Double.toString: `1.0`, `0.001`, `1.0E7`, `1.0E-4`, `NaN`, `-Infinity`."""
    if d != d:
        return "NaN"
    if d in (math.inf, -math.inf):
        return "Infinity" if d > 0 else "-Infinity"
    sign = "-" if math.copysign(1.0, d) < 0 else ""
    if d == 0:
        return sign + "0.0"
    digits, exponent = _digits(abs(d), compatible=True)
    if 0 < exponent < 8:
        if len(digits) <= exponent:
            return f"{sign}{digits.ljust(exponent, '0')}.0"
        return f"{sign}{digits[:exponent]}.{digits[exponent:]}"
    if -3 < exponent <= 0:
        return f"{sign}0.{'0' * -exponent}{digits}"
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{exponent - 1}"
