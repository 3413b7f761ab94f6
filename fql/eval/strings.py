"""Strings: Concat, Casefold, case and trimming, search and replace (with Java regexes), NGram and Format.

Strings count code points, as core does (a Python str is a sequence of code points). Patterns are Java
regexes; `java_regex` rewrites the Java-only syntax into Python's `re` and matches with ASCII classes
and case folding, which are Java's defaults.
"""

from __future__ import annotations

import bisect
import functools
import json
import math
import re
import typing as t
import unicodedata
import warnings
from decimal import ROUND_HALF_UP, Decimal, localcontext

import attrs
import icu

from ..errors import InvalidArgument
from ..values import Action, Date, Timestamp, TxnMicros, civil_from_days, days_from_civil, type_name
from .casts import BOOLEAN, INTEGER, SCALAR, STRING, Cast, each
from .evaluator import Context
from .math import wrap
from .registry import builtin
from ..javafloat import java_digits
from .types import java_double, to_string_value

#: Java's Character.isWhitespace, which String.strip uses: Unicode spaces except the no-break ones,
#: plus the ASCII controls \t..\r and \x1c..\x1f.
_WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u2028\u2029\u205f\u3000"
#: Casefold's normalizers; core's default is ICU's NFKC_Casefold.
_NORMALIZERS = ("NFKCCaseFold", "NFC", "NFD", "NFKC", "NFKD")
#: The longest results Repeat and Space make, and the most matches FindStrRegex returns.
_LIMIT = 1024


# Java regexes.

#: Java's POSIX classes (US-ASCII only, as Java's default).
_POSIX = {
    "Lower": "a-z", "Upper": "A-Z", "ASCII": "\\x00-\\x7f", "Alpha": "a-zA-Z", "Digit": "0-9",
    "Alnum": "a-zA-Z0-9", "Punct": "!-/:-@\\[-`{-~", "Graph": "!-~", "Print": " -~", "Blank": " \\t",
    "Cntrl": "\\x00-\\x1f\\x7f", "XDigit": "0-9a-fA-F", "Space": " \\t\\n\\x0b\\f\\r",
}
#: Java's \\w, \\d and \\s, ASCII unless `(?U)`, spelled out where Python compiles for Unicode (`(?u)`).
_ASCII_CLASSES = {"w": "a-zA-Z_0-9", "d": "0-9", "s": " \\t\\n\\x0b\\f\\r"}
#: Java escapes Python lacks, as Python class bodies.
_CLASS_ESCAPES = {
    "h": " \\t\\xa0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000",
    "v": "\\n\\x0b\\f\\r\\x85\\u2028\\u2029",
}
_INLINE_FLAGS = re.compile(r"\(\?([idmsuxU]*)(?:-([idmsuxU]*))?([:)])")
_QUANTIFIER = re.compile(r"\{\d+(?:,\d*)?\}")


class _BadPattern(Exception):
    """The pattern is not a regex Java (or this translation of it) accepts."""


@functools.cache
def _category_ranges(prefix: str) -> str:
    """A class body of every code point whose general category starts with `prefix` (`L`, `Lu`, `Nd`)."""
    parts, start = [], None
    for cp in range(0x110000):
        inside = unicodedata.category(chr(cp)).startswith(prefix)
        if inside and start is None:
            start = cp
        elif not inside and start is not None:
            parts.append(_class_range(start, cp - 1))
            start = None
    if start is not None:
        parts.append(_class_range(start, 0x10FFFF))
    return "".join(parts)


def _class_range(lo: int, hi: int) -> str:
    return f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}"


#: Java's binary properties (`\\p{IsAlphabetic}`, any case) as ICU sets, after JDK 17's CharPredicates.
_BINARY = {
    "ALPHABETIC": "[:Alphabetic:]", "ASSIGNED": "[:^Cn:]", "CONTROL": "[:Cc:]",
    "HEX_DIGIT": "[[:Nd:][:Hex_Digit:]]", "IDEOGRAPHIC": "[:Ideographic:]", "JOIN_CONTROL": "[:Join_Control:]",
    "LETTER": "[:L:]", "LOWERCASE": "[:Lowercase:]", "NONCHARACTER_CODE_POINT": "[:Noncharacter_Code_Point:]",
    "TITLECASE": "[:Lt:]", "PUNCTUATION": "[:P:]", "UPPERCASE": "[:Uppercase:]",
    "WHITE_SPACE": "[[:Z:]\\u0009-\\u000d\\u0085]",
    "WORD": "[[:Alphabetic:][:Mn:][:Me:][:Mc:][:Nd:][:Pc:][:Join_Control:]]",
    # After `Is` (or under `(?U)`), the POSIX names are Unicode's too, not ASCII's.
    "ALPHA": "[:Alphabetic:]", "LOWER": "[:Lowercase:]", "UPPER": "[:Uppercase:]",
    "SPACE": "[[:Z:]\\u0009-\\u000d\\u0085]", "PUNCT": "[:P:]", "XDIGIT": "[[:Nd:][:Hex_Digit:]]",
    "ALNUM": "[[:Alphabetic:][:Nd:]]", "CNTRL": "[:Cc:]", "DIGIT": "[:Nd:]", "BLANK": "[[:Zs:]\\u0009]",
    "GRAPH": "[^[:Z:][:Cc:][:Cs:][:Cn:]]", "PRINT": "[[^[:Z:][:Cc:][:Cs:][:Cn:]][:Zs:]]",
}
# Java takes the names with underscores also without them (`IsWhiteSpace`), but no other spelling.
_BINARY |= {name.replace("_", ""): expression for name, expression in _BINARY.items()}
#: Java's other property names: Latin-1, any character, cased letters, letters and digits, and the
#: `java...` ones (Character's isLowerCase and the like).
_NAMED_SETS = {
    "all": "[\\u0000-\\U0010ffff]", "L1": "[\\u0000-\\u00ff]", "LC": "[[:Lu:][:Ll:][:Lt:]]", "LD": "[[:L:][:Nd:]]",
    "javaLowerCase": "[:Lowercase:]", "javaUpperCase": "[:Uppercase:]", "javaAlphabetic": "[:Alphabetic:]",
    "javaIdeographic": "[:Ideographic:]", "javaTitleCase": "[:Lt:]", "javaDigit": "[:Nd:]",
    "javaDefined": "[:^Cn:]", "javaLetter": "[:L:]", "javaLetterOrDigit": "[[:L:][:Nd:]]",
    "javaSpaceChar": "[:Z:]", "javaISOControl": "[\\u0000-\\u001f\\u007f-\\u009f]",
    "javaMirrored": "[:Bidi_Mirrored:]",
    "javaWhitespace": "[[[:Z:]-[\\u00a0\\u2007\\u202f]]\\u0009-\\u000d\\u001c-\\u001f]",
}
#: Under `(?i)` Java's case properties match every cased letter: `\\p{Lu}`, `\\p{Ll}` and `\\p{Lt}` the three
#: categories, `\\p{IsLowercase}`, `\\p{javaUpperCase}` and the like each other's characters too.
_FOLDED = dict.fromkeys(("Lu", "Ll", "Lt"), "[[:Lu:][:Ll:][:Lt:]]") | dict.fromkeys(
    ("LOWERCASE", "UPPERCASE", "TITLECASE", "LOWER", "UPPER", "javaLowerCase", "javaUpperCase", "javaTitleCase"),
    "[[:Lowercase:][:Uppercase:][:Lt:]]",
)


@functools.cache
def _icu_body(expression: str) -> str | None:
    """A class body of the code points in the ICU set `expression`; None if ICU refuses it."""
    try:
        found = icu.UnicodeSet(expression)
    except icu.ICUError:
        return None
    return "".join(
        _class_range(ord(found.getRangeStart(k)), ord(found.getRangeEnd(k))) for k in range(found.getRangeCount())
    )


def _script(name: str) -> str | None:
    # Character.UnicodeScript.forName: a script's name or alias in any case, underscores for spaces.
    return _icu_body(f"[:Script={name}:]") if re.fullmatch("[A-Za-z_]+", name) else None


def _block(name: str) -> str | None:
    # Character.UnicodeBlock.forName: "Basic Latin", "BasicLatin" or "BASIC_LATIN", in any case.
    return _icu_body(f"[:Block={name}:]") if re.fullmatch("[A-Za-z0-9_-]+(?: [A-Za-z0-9_-]+)*", name) else None


def _category(name: str, fold: bool) -> str | None:
    """A general category (`L`, `Lu`), or one of Java's other names (`LC`, `all`, `javaLowerCase`)."""
    if fold and name in _FOLDED:
        return _icu_body(_FOLDED[name])
    if name in _NAMED_SETS:
        return _icu_body(_NAMED_SETS[name])
    if 1 <= len(name) <= 2 and name[0] in "LMNPSZC" and name.isalpha():
        return _category_ranges(name) or None
    return None


def _keyed_property(name: str, fold: bool) -> str:
    """`\\p{key=value}`: a script (sc, script), a block (blk, block) or a general category (gc)."""
    key, value = name.split("=", 1)
    key = key.lower()
    body = None
    if key in ("sc", "script"):
        body = _script(value)
    elif key in ("blk", "block"):
        body = _block(value)
    elif key in ("gc", "general_category"):
        body = _category(value, fold)
    if body is None:
        raise _BadPattern(f"Unknown Unicode property {{name=<{key}>, value=<{value}>}}")
    return body


def _property(name: str, fold: bool = False, unicode: bool = False) -> str:
    """The class body for `\\p{name}`, as Java resolves it: `key=value`; `In` and a block; `Is` and a binary
    property, a general category, a POSIX class or a script; else a POSIX class or a general category.
    `fold` under `(?i)`, `unicode` under `(?U)` (where a POSIX name means its Unicode property, as after
    `Is`)."""
    if "=" in name:
        return _keyed_property(name, fold)
    if unicode and name in _POSIX and name != "ASCII":
        name = "Is" + name
    if fold and name in ("Lower", "Upper"):
        name = "Alpha"  # as Java's CharPredicates.forProperty takes them case-insensitively
    body = None
    if name.startswith("In"):
        body = _block(name[2:])
    elif name.startswith("Is"):
        bare = name[2:]
        binary = bare.upper() if bare.upper() in _BINARY else None
        if binary:
            body = _icu_body(_FOLDED[binary] if fold and binary in _FOLDED else _BINARY[binary])
        else:
            body = _POSIX.get(bare) or _category(bare, fold) or _script(bare)
    else:
        body = _POSIX.get(name) or _category(name, fold)
    if body is None:
        raise _BadPattern(name)
    return body


def _braced(p: str, i: int, what: str) -> tuple[str, int]:
    """The text of `{...}` starting at p[i], and the index after the `}`."""
    end = p.find("}", i + 1)
    if not p.startswith("{", i) or end < 0:
        raise _BadPattern(f"unclosed {what}")
    return p[i + 1 : end], end + 1


def _quoted(p: str, i: int, in_class: bool) -> tuple[str, int]:
    end = p.find("\\E", i + 2)
    literal = p[i + 2 :] if end < 0 else p[i + 2 : end]
    return "".join(ch if ch.isalnum() else "\\" + ch for ch in literal), len(p) if end < 0 else end + 2


def _property_escape(p: str, i: int, in_class: bool, mode: str = "") -> tuple[str, int]:
    name, after = _braced(p, i + 2, "property") if p.startswith("{", i + 2) else (p[i + 2 : i + 3], i + 3)
    return _class_of(_property(name, "i" in mode, "U" in mode), p[i + 1] == "P", in_class), after


def _space_escape(p: str, i: int, in_class: bool) -> tuple[str, int]:
    c = p[i + 1]
    return _class_of(_CLASS_ESCAPES[c.lower()], c.isupper(), in_class), i + 2


def _class_of(body: str, negated: bool, in_class: bool) -> str:
    """A class body as a class of its own, or spliced into the enclosing class."""
    if not in_class:
        return f"[{'^' if negated else ''}{body}]"
    if negated:
        raise _BadPattern("negated class inside a class")
    return body


def _hex_escape(p: str, i: int, in_class: bool) -> tuple[str, int]:
    if not p.startswith("{", i + 2):
        return p[i : i + 2], i + 2
    digits, after = _braced(p, i + 2, "hex escape")
    return f"\\U{int(digits, 16):08x}", after


def _named_escape(p: str, i: int, in_class: bool) -> tuple[str, int]:
    # Java's `\N{name}` (Character.codePointOf: any case, surrounding whitespace ignored).
    name, after = _braced(p, i + 2, "character name")
    try:
        return re.escape(unicodedata.lookup(name.strip())), after
    except KeyError:
        raise _BadPattern(f"unknown character name {name}") from None


def _utf16_escape(p: str, i: int, in_class: bool) -> tuple[str, int]:
    # Java reads `\uD83D\uDE00`, an escaped surrogate pair, as the one character it encodes.
    m = re.match(r"\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})", p[i:])
    if m:
        high, low = int(m[1], 16), int(m[2], 16)
        return f"\\U{0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00):08x}", i + 12
    return p[i : i + 2], i + 2


def _octal_escape(p: str, i: int, in_class: bool) -> tuple[str, int]:
    # Java's `\0` takes up to three octal digits (at most 0377); Python's takes two.
    m = re.match(r"[0-3][0-7]{2}|[0-7]{1,2}", p[i + 2 :])
    if not m:
        raise _BadPattern("bad octal escape")
    return f"\\x{int(m[0], 8):02x}", i + 2 + len(m[0])


def _control_escape(p: str, i: int, in_class: bool) -> tuple[str, int]:
    if i + 2 >= len(p):
        raise _BadPattern("missing control character")
    return f"\\x{ord(p[i + 2]) ^ 64:02x}", i + 3


#: Escapes that need rewriting, by the letter after the backslash; the others mean the same in Python.
_ESCAPES: dict[str, t.Callable[[str, int, bool], tuple[str, int]]] = {
    "Q": _quoted, "h": _space_escape, "H": _space_escape, "v": _space_escape, "V": _space_escape,
    "x": _hex_escape, "0": _octal_escape, "c": _control_escape, "N": _named_escape, "u": _utf16_escape,
}
#: Java escapes outside classes with a fixed Python spelling (`\Z`, a `$`, is _translate's).
_ANCHORS = {"e": "\\x1b", "z": "\\Z", "R": "(?:\\r\\n|[\\n\\x0b\\f\\r\\x85\\u2028\\u2029])"}


def _escape(p: str, i: int, in_class: bool, mode: str = "") -> tuple[str, int]:
    """Translate the escape at p[i] (a backslash) under the flags `mode` (see _translate); returns the
    Python text and the next index."""
    if i + 1 >= len(p):
        raise _BadPattern("trailing backslash")
    c = p[i + 1]
    if _unfolded(mode) and c in _CLASS_LETTERS and not in_class:
        # Java matches its predefined classes and properties without case folding (Python would fold
        # ſ into s for `\\p{Alpha}`), but for `\\p{Lu}` and the like, which _property widens itself.
        if c in "pP":
            text, after = _property_escape(p, i, False, mode)
        else:
            text, after = _escape(p, i, False, mode.replace("i", ""))
        return f"(?-i:{text})", after
    if "a" in mode and c in "wWdDsS":
        return _class_of(_ASCII_CLASSES[c.lower()], c.isupper(), in_class), i + 2
    if c in "pP":
        return _property_escape(p, i, in_class, mode)
    if c in _ESCAPES:
        return _ESCAPES[c](p, i, in_class)
    if c == "R" and not in_class and p[i + 2 : i + 3] in ("*", "+", "?", "{"):
        # Java repeats a line break without backtracking into it: `\R{2}` does not split "\r\n".
        return f"(?>{_ANCHORS[c][3:-1]})", i + 2
    if c in _ANCHORS and not (in_class and c != "e"):
        return _ANCHORS[c], i + 2
    if c in "GX":
        raise _BadPattern(f"unsupported \\{c}")
    return p[i : i + 2], i + 2


#: The escapes that name classes: Java's predefined ones and properties.
_CLASS_LETTERS = "wWdDsSpPhHvV"


def _unfolded(mode: str) -> bool:
    """Whether classes must be kept from Python's Unicode case folding: `(?i)` in a Unicode compile."""
    return "i" in mode and ("a" in mode or "U" in mode)


def _class(p: str, i: int, mode: str = "") -> tuple[str, int]:
    """Translate the character class starting at p[i] (`[`) under the flags `mode`."""
    text, i, _ = _class_parts(p, i, mode)
    return text, i


def _class_parts(p: str, i: int, mode: str) -> tuple[str, int, str | None]:
    """The class at p[i] as a pattern of one character, the index after it, and its plain class body
    when it has one (to splice into an enclosing class). Java's nested classes are unions, `&&`
    intersects (an empty side is ignored) and a leading `^` negates the whole (JDK 9 on); Python's classes
    have neither, so those become lookaheads, which match the same single character."""
    i += 1
    negated = p.startswith("^", i)
    i += negated
    # Each operand of `&&`: the bodies of its ranges, and the other classes it unites (as Python text).
    operands: list[tuple[list[str], list[str]]] = []
    body: list[str] = []
    alternatives: list[str] = []
    if p.startswith("]", i):
        body.append("\\]")
        i += 1
    negated_escapes = ("P", "H", "V", "W", "D", "S") if "a" in mode else ("P", "H", "V")
    if _unfolded(mode):
        negated_escapes = tuple(_CLASS_LETTERS)
    while i < len(p):
        c = p[i]
        if c == "\\" and p[i + 1 : i + 2] in negated_escapes:
            text, i = _escape(p, i, False, mode)
            alternatives.append(text)
        elif c == "\\":
            text, i = _escape(p, i, True, mode)
            body.append(text)
        elif c == "[":
            text, i, plain = _class_parts(p, i, mode)
            body.append(plain) if plain is not None else alternatives.append(text)
        elif c == "]":
            operands.append((body, alternatives))
            return _class_pattern(operands, negated), i + 1, _plain_body(operands, negated)
        elif p.startswith("&&", i):
            operands.append((body, alternatives))
            body, alternatives, i = [], [], i + 2
        else:
            # A `^` that does not open the class is itself (`[a&&^b]`), also where Python would read it.
            body.append("\\^" if c == "^" else c)
            i += 1
    raise _BadPattern("unclosed class")


def _plain_body(operands: list[tuple[list[str], list[str]]], negated: bool) -> str | None:
    if negated or len(operands) != 1 or operands[0][1]:
        return None
    return "".join(operands[0][0])


def _class_pattern(operands: list[tuple[list[str], list[str]]], negated: bool) -> str:
    plain = _plain_body(operands, False)
    if plain is not None:
        return f"[{'^' if negated else ''}{plain}]"
    unions = []
    for body, alternatives in operands:
        parts = ([f"[{''.join(body)}]"] if body else []) + alternatives
        if parts:
            unions.append(parts[0] if len(parts) == 1 else f"(?:{'|'.join(parts)})")
    if not unions:
        raise _BadPattern("Bad class syntax")  # `[&&]`
    whole = "".join(f"(?={u})" for u in unions[:-1]) + unions[-1]
    return f"(?:(?!{whole})[\\s\\S])" if negated else f"(?:{whole})"


def _flags(m: re.Match) -> str:
    on, off = (m[1] or "").translate(_DROPPED_FLAGS), (m[2] or "").translate(_DROPPED_FLAGS)
    return on + (f"-{off}" if off else "")


def _open_group(p: str, i: int, frames: list[list[str]]) -> tuple[str, int]:
    """Translate the `(` at p[i]: a group, a named group, or inline flags (`(?i)`, `(?i:...)`)."""
    m = _INLINE_FLAGS.match(p, i)
    if m and m[3] == ")":
        frames[-1].append(_flags(m))
        return f"(?{_flags(m)}:", m.end()
    frames.append([])
    if m:
        return f"(?{_flags(m)}:", m.end()
    for opening in ("(?=", "(?!", "(?<=", "(?<!", "(?>", "(?:"):
        if p.startswith(opening, i):
            return opening, i + len(opening)
    return ("(?P<", i + 3) if p.startswith("(?<", i) else ("(", i + 1)


#: Java's line terminators, which `.` does not match and `^`/`$` stop at (without UNIX_LINES: only \n).
_TERMINATORS = "\\n\\r\\x85\\u2028\\u2029"


def _mode(mode: str, m: re.Match) -> str:
    """The flags among s (DOTALL), m (MULTILINE), d (UNIX_LINES) and i (CASE_INSENSITIVE) in force after
    inline flags `m`."""
    on, off = set(m[1] or "") & set("smdi"), set(m[2] or "")
    return "".join(sorted((set(mode) | on) - off))


def _line_anchor(c: str, mode: str) -> str:
    """Java's `.`, `^`, `$` under `mode`: its line terminators are \\r, \\x85, \\u2028 and \\u2029 too (and
    \\r\\n is one); a multiline `^` never matches at the end of the input."""
    unix = "d" in mode
    if c == ".":
        return "." if "s" in mode or unix else f"[^{_TERMINATORS}]"
    if c == "^":
        if "m" not in mode:
            return "^"
        after = "(?<=\\n)" if unix else "(?<=[\\n\\x85\\u2028\\u2029])|(?<=\\r)(?!\\n)"
        return f"(?:(?<![\\s\\S])|{after})(?=[\\s\\S])"
    if unix:
        return "(?=\\n|\\Z)" if "m" in mode else "(?=\\n?\\Z)"
    before = "(?<!\\r)\\n|[\\r\\x85\\u2028\\u2029]"
    return f"(?={before}|\\Z)" if "m" in mode else f"(?=(?:\\r\\n|{before})?\\Z)"


@functools.cache
def _java_word() -> str:
    """One character of JDK 17's `\\b` words: a letter, a decimal digit, a combining mark or `_`. The
    BMP's are one class (Python tests it by a bitmap) and the astral ones are tried only for an astral
    character; both are spelled in their own characters, which Python reads faster than escapes."""

    def spelled(cp: int) -> str:
        return "\\" + chr(cp) if chr(cp) in "\\]^-[" else chr(cp)

    def body(lo: int, hi: int) -> str:
        parts, start = [], None
        for cp in range(lo, hi + 1):
            inside = unicodedata.category(chr(cp)).startswith(("L", "Nd", "Mn"))
            if inside and start is None:
                start = cp
            elif not inside and start is not None:
                parts.append(spelled(start) + ("" if start == cp - 1 else "-" + spelled(cp - 1)))
                start = None
        if start is not None:
            parts.append(spelled(start) + "-" + spelled(hi))
        return "".join(parts)

    return f"(?:[_{body(0, 0xFFFF)}]|(?=[\\U00010000-\\U0010ffff])[{body(0x10000, 0x10FFFF)}])"


def _boundary(negated: bool) -> str:
    """Java 17's `\\b` (`\\B`): a word character is a letter, a decimal digit or `_` of any script (Character.
    isLetterOrDigit; a combining mark counts with its letter), where Python's ASCII `\\b` sees only ASCII."""
    word = _java_word()
    w, nw = f"(?<={word})", f"(?<!{word})"
    return f"(?:{w}(?={word})|{nw}(?!{word}))" if negated else f"(?:{w}(?!{word})|{nw}(?={word}))"


def _translate(p: str) -> tuple[str, bool]:
    """Rewrite a Java regex in Python's syntax (named groups, `\\Q..\\E`, `\\p{..}`, `\\z`, inline flags, line
    terminators); also says whether the pattern asks for Unicode matching (`(?u)`, `(?U)`)."""
    unicode = any(m[1] and ("u" in m[1] or "U" in m[1]) for m in _INLINE_FLAGS.finditer(p))
    # `(?u)` (UNICODE_CASE) alone makes case-insensitive matching Unicode's, and only `(?U)`
    # (UNICODE_CHARACTER_CLASS) Java's classes: Python compiles for Unicode for both, so under `(?u)` ("a"
    # among the flags) \\w, \\d, \\s, \\b and the POSIX classes stay ASCII's (Java 17's \\b).
    classes = any(m[1] and "U" in m[1] for m in _INLINE_FLAGS.finditer(p))
    ascii_ = "a" if unicode and not classes else "U" if classes else ""
    out: list[str] = []
    # Java's `(?i)` applies to the rest of the enclosing group, Python's only at the start: each group
    # keeps the flags set inside it, which become scoped groups closed (and reopened after `|`) with it.
    frames: list[list[str]] = [[]]
    # The flags (s, m, d, i) in force in each open group, for `.`, `^`, `$` and classes.
    modes = [""]
    # Capturing groups: how many have opened, the number of each open group (None: not capturing), the
    # numbers of the closed ones and the names, for backreferences.
    groups = _Groups()
    # What the last piece was, for a quantifier after it (_repeat).
    prev = _NOTHING
    i = 0
    while i < len(p):
        c, at = p[i], i
        if c == "\\" and p[i + 1 : i + 2] and p[i + 1] in "123456789k":
            text, i = groups.reference(p, i)
        elif c == "\\" and p[i + 1 : i + 2] == "Z":
            text, i = _line_anchor("$", modes[-1].replace("m", "")), i + 2
        elif c == "\\" and p[i + 1 : i + 2] in ("b", "B") and not classes:
            text, i = _boundary(p[i + 1] == "B"), i + 2
        elif c == "\\":
            text, i = _escape(p, i, False, modes[-1] + ascii_)
        elif c == "[":
            text, i = _class(p, i, modes[-1] + ascii_)
        elif c == "(":
            m = _INLINE_FLAGS.match(p, i)
            if m and m[3] == ")":
                modes[-1] = _mode(modes[-1], m)
            else:
                modes.append(_mode(modes[-1], m) if m else modes[-1])
            start = i
            text, i = _open_group(p, i, frames)
            if text == "(?P<" or text == "(" and not p.startswith("(?", start):
                groups.open(p[i : p.find(">", i)] if text == "(?P<" else None)
            elif not (m and m[3] == ")"):
                groups.open_other()
        elif c == ")":
            if len(frames) == 1:
                raise _BadPattern("unbalanced )")
            groups.close()
            modes.pop()
            text, i = ")" * len(frames.pop()) + ")", i + 1
        elif c == "|":
            scoped = frames[-1]
            text, i = ")" * len(scoped) + "|" + "".join(f"(?{f}:" for f in scoped), i + 1
        elif c == "{":
            m = _QUANTIFIER.match(p, i)
            if not m:
                # Java has no literal `{`: outside a quantifier it is an illegal repetition.
                raise _BadPattern("illegal repetition")
            text, i = _repeat(out, prev, m[0]), m.end()
        elif c in "*+?" and prev != _QUANTIFIER_KIND:
            text, i = _repeat(out, prev, c), i + 1
        elif c in ".^$":
            text, i = _line_anchor(c, modes[-1]), i + 1
        else:
            text, i = c, i + 1
        out.append(text)
        prev = _kind(p, at, prev)
    if len(frames) > 1:
        raise _BadPattern("unclosed group")
    return "".join(out) + ")" * len(frames[0]), unicode


#: Flags Python is not given: UNIX_LINES and COMMENTS are the translation's (COMMENTS: uncommented), Unicode
#: is the compile's.
_DROPPED_FLAGS = str.maketrans("", "", "duUx")

#: What a piece of a pattern is, for a quantifier after it: nothing (the start, after `(` or `|`), an anchor,
#: a quantifier, a quantifier's `?` or `+`, or anything else.
_NOTHING, _ANCHOR, _QUANTIFIER_KIND, _MODIFIER, _ATOM_KIND = range(5)


def _kind(p: str, i: int, prev: int) -> int:
    """The kind of the piece that starts at p[i]."""
    c = p[i]
    if c in "(|":
        return _NOTHING
    if c in "{*+?":
        return _MODIFIER if c != "{" and prev == _QUANTIFIER_KIND else _QUANTIFIER_KIND
    if c in "^$" or c == "\\" and p[i + 1 : i + 2] in ("b", "B", "A", "z", "Z", "G"):
        return _ANCHOR
    return _ATOM_KIND


def _repeat(out: list[str], prev: int, quantifier: str) -> str:
    """A quantifier as Python takes it: Java repeats an anchor (`^+`) and, with `{n}`, nothing (at the start,
    after `|` or another quantifier), which Python refuses; a `*` after nothing stays, for Python to refuse
    as Java does."""
    if prev == _ANCHOR:
        out[-1] = f"(?:{out[-1]})"
    elif quantifier.startswith("{") and prev in (_NOTHING, _QUANTIFIER_KIND, _MODIFIER):
        return "(?:)" + quantifier
    return quantifier


class _Groups:
    """A pattern's capturing groups as _translate meets them, to translate backreferences: Java compiles a
    reference to a group that has not closed (or never opens) as one that never matches, where Python
    refuses the pattern."""

    def __init__(self) -> None:
        self.count = 0
        self.stack: list[int | None] = []
        self.closed: set[int] = set()
        self.names: dict[str, int] = {}

    def open(self, name: str | None) -> None:
        self.count += 1
        self.stack.append(self.count)
        if name is not None:
            self.names[name] = self.count

    def open_other(self) -> None:
        self.stack.append(None)

    def close(self) -> None:
        if self.stack and (number := self.stack.pop()) is not None:
            self.closed.add(number)

    def reference(self, p: str, i: int) -> tuple[str, int]:
        """The backreference at p[i] (`\\1`, `\\k<name>`) in Python, and the index after it. Java reads
        further digits while they still name a group opened so far (`\\10` is group 1 and a 0 if there
        are fewer than ten groups)."""
        if p[i + 1] == "k":
            end = p.find(">", i + 3)
            if not p.startswith("<", i + 2) or end < 0 or p[i + 3 : end] not in self.names:
                raise _BadPattern("bad named backreference")
            number, i = self.names[p[i + 3 : end]], end + 1
        else:
            number, i = int(p[i + 1]), i + 2
            while i < len(p) and p[i].isdigit() and p[i].isascii() and number * 10 + int(p[i]) <= self.count:
                number, i = number * 10 + int(p[i]), i + 1
        return (f"(?:\\{number})" if number in self.closed else "(?!)"), i


#: Java's whitespace for COMMENTS mode, and the line separators that end a `#` comment.
_COMMENT_SPACE, _LINE_ENDS = " \t\n\x0b\f\r", "\n\r\x85\u2028\u2029"


def uncommented(p: str) -> tuple[str, list[int]]:
    """The pattern without what Java's COMMENTS mode (`(?x)`) skips where it is on: ASCII whitespace and
    `#` comments, in classes and quantifiers too; and the index in `p` of each character kept. Escapes and
    `\\Q...\\E` stay as they are."""
    if "x" not in p:
        return p, list(range(len(p)))
    out: list[str] = []
    kept: list[int] = []
    modes, i = [False], 0

    def keep(j: int, k: int) -> None:
        out.append(p[j:k])
        kept.extend(range(j, k))

    while i < len(p):
        c = p[i]
        if c == "\\" and p.startswith("Q", i + 1):
            end = p.find("\\E", i + 2)
            end = len(p) if end < 0 else end + 2
            keep(i, end)
            i = end
        elif c == "\\":
            keep(i, i + 2)
            i += 2
            named, j = modes[-1] and p[i - 1 : i] in ("p", "P", "N"), i
            while named and j < len(p) and p[j] in _COMMENT_SPACE:
                j += 1
            if named and p.startswith("{", j):
                # Java reads the name of a property or a character as written, spaces and all.
                end = p.find("}", j)
                end = len(p) if end < 0 else end + 1
                keep(j, end)
                i = end
        elif modes[-1] and c in _COMMENT_SPACE:
            i += 1
        elif modes[-1] and c == "#":
            while i < len(p) and p[i] not in _LINE_ENDS:
                i += 1
        elif c == "(":
            m = _INLINE_FLAGS.match(p, i)
            on = modes[-1] if not m else ("x" in (m[1] or "") or modes[-1] and "x" not in (m[2] or ""))
            if m and m[3] == ")":
                modes[-1] = on
            else:
                modes.append(on)
            end = m.end() if m else i + 1
            keep(i, end)
            i = end
        elif c == ")":
            if len(modes) > 1:
                modes.pop()
            keep(i, i + 1)
            i += 1
        elif c == "[" and modes[-1]:
            j = i + 1
            while j < len(p) and p[j] in _COMMENT_SPACE:
                j += 1
            keep(i, i + 1)
            if j > i + 1 and p.startswith("^", j):
                # After whitespace a `^` is no negation.
                out.append("\\")
                kept.append(j)
            i = j
        else:
            keep(i, i + 1)
            i += 1
    return "".join(out), kept


@functools.lru_cache(maxsize=256)
@functools.lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern:
    text, unicode = _translate(uncommented(pattern)[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return re.compile(text, 0 if unicode else re.ASCII)


def java_regex(pattern: str, *key: str | int) -> re.Pattern:
    """Compile a Java regex; an invalid one fails with Fauna's message at `key`."""
    try:
        return _compile(pattern)
    except (_BadPattern, re.error, ValueError, OverflowError, RecursionError):
        raise InvalidArgument(f"Search pattern /{pattern}/ is not a valid regular expression.").at(*key) from None


@attrs.frozen
class _RegexCast(Cast):
    """Core's Casts.Regex: a string that compiles as a Java regex. Core compiles it as it casts the
    argument, so a bad pattern fails before a later argument's type is checked."""

    def __call__(self, value: t.Any, *path: str | int) -> t.Any:
        if STRING.check(value):
            java_regex(value, *path)
        return STRING(value, *path)


def _is_regex(value: t.Any) -> bool:
    try:
        return STRING.check(value) and java_regex(value, "pattern") is not None
    except InvalidArgument:
        return False


REGEX = _RegexCast("String", _is_regex)


def java_finditer(regex: re.Pattern, text: str) -> t.Iterator[re.Match]:
    """Java's Matcher.find in a loop: after an empty match the next search starts one character later,
    where Python's finditer would first try a longer match at the same place (`a*?` in "aa")."""
    pos = 0
    while pos <= len(text) and (m := regex.search(text, pos)):
        yield m
        pos = m.end() + 1 if m.end() == m.start() else m.end()


def java_matches(regex: re.Pattern, text: str) -> t.Iterator[tuple[int, int, re.Match]]:
    """Java's Matcher.find in a loop, as core runs it on a Java string: each match's start and end in
    UTF-16 units, and the match. Java steps one UTF-16 unit past an empty match, so after one where an
    astral character starts it searches again from that character's low surrogate: a match there is tried
    with that one character cut in two (its match holds the lone low surrogate), then the search goes on
    in the whole string from the next character."""
    if text.isascii() or not _ASTRAL.search(text):
        yield from ((m.start(), m.end(), m) for m in java_finditer(regex, text))
        return
    units = _unit_offsets(text)
    pos, mid = 0, False  # where the next search starts; whether at the low half of text[pos]
    while pos <= len(text):
        if mid:
            low = units[pos] + 1
            m = regex.match(text[:pos] + "".join(halves(text[pos])) + text[pos + 1 :], pos + 1)
            pos, mid = pos + 1, False
            if m is not None:
                yield low, low + _utf16_length(m[0]), m
                pos = max(pos, m.end() - 1)
                continue
            if pos > len(text):
                break
        m = regex.search(text, pos)
        if m is None:
            break
        yield units[m.start()], units[m.end()], m
        if m.end() > m.start():
            pos = m.end()
        elif m.end() < len(text) and ord(text[m.end()]) > 0xFFFF:
            pos, mid = m.end(), True
        else:
            pos = m.end() + 1


#: A character beyond the BMP: two UTF-16 units in core's strings.
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _unit_offsets(text: str) -> list[int]:
    """Where each code point of `text` starts in UTF-16 units, and (last) the length in units."""
    offsets = [0]
    for c in text:
        offsets.append(offsets[-1] + (2 if ord(c) > 0xFFFF else 1))
    return offsets


def halves(c: str) -> tuple[str, str]:
    """The UTF-16 surrogates of an astral character, each a string of its own."""
    n = ord(c) - 0x10000
    return chr(0xD800 + (n >> 10)), chr(0xDC00 + (n & 0x3FF))


def _code_points(offsets: list[int], unit: int) -> int:
    """Java's `codePointCount(0, unit)` for the string whose _unit_offsets are `offsets`: a character cut
    at `unit` counts as one."""
    return bisect.bisect_left(offsets, unit)


def _units(text: str) -> bytes:
    """`text` as core's Java string holds it: UTF-16 units (slice it at even offsets, join and decode with
    `_from_units`; halves of a character joined again are that character)."""
    return text.encode("utf-16-le", "surrogatepass")


def _from_units(data: bytes) -> str:
    return data.decode("utf-16-le", "surrogatepass")


def joined(text: str) -> str:
    """`text` as core's Java string holds it: two halves of an astral character side by side (from joining
    strings that hold them) are that character."""
    return _from_units(_units(text)) if _HALF.search(text) else text


#: Half of an astral character in UTF-16, alone.
_HALF = re.compile("[\ud800-\udfff]")


def _unit_find(value: str, search: str, start: int = 0) -> int:
    """Java's `value.indexOf(search, start)`, in UTF-16 units: a `search` holding half an astral character
    matches that half of one in `value`."""
    data, needle = _units(value), _units(search)
    i = data.find(needle, 2 * start)
    while i > 0 and i % 2:  # a match must start at a unit, not inside one
        i = data.find(needle, i + 1)
    return i // 2 if i >= 0 else -1


def _java_replacement(template: str, pattern: re.Pattern) -> t.Callable[[re.Match], str]:
    """Java's Matcher replacement: `$1`, `${name}` and `\\x` escapes (Python's would read `\\1`)."""
    parts: list[str | int] = []
    i = 0
    while i < len(template):
        c = template[i]
        if c == "\\":
            if i + 1 >= len(template):
                raise _replacement_error("character to be escaped is missing")
            parts.append(template[i + 1])
            i += 2
        elif c == "$":
            group, i = _group_reference(template, i + 1, pattern)
            parts.append(group)
        else:
            parts.append(c)
            i += 1
    return lambda m: "".join(p if isinstance(p, str) else (m.group(p) or "") for p in parts)


def _group_reference(template: str, i: int, pattern: re.Pattern) -> tuple[int, int]:
    """The group a `$` at template[i - 1] names, and the index after it."""
    if i >= len(template):
        raise _replacement_error("Illegal group reference: group index is missing")
    if template[i] == "{":
        end = template.find("}", i)
        name = template[i + 1 : end] if end > 0 else ""
        if name not in pattern.groupindex:
            raise _replacement_error(f"No group with name {{{name}}}")
        return pattern.groupindex[name], end + 1
    if not template[i].isdigit() or not template[i].isascii():
        raise _replacement_error("Illegal group reference")
    group, i = int(template[i]), i + 1
    if group > pattern.groups:
        raise _replacement_error(f"No group {group}")
    # Java reads more digits only while they still name an existing group: `$10` is group 1 then "0".
    while i < len(template) and template[i].isdigit() and template[i].isascii():
        if group * 10 + int(template[i]) > pattern.groups:
            break
        group, i = group * 10 + int(template[i]), i + 1
    return group, i


def _replacement_error(message: str) -> InvalidArgument:
    # Core lets Java's exception escape as an internal error; fql reports it at the argument instead.
    return InvalidArgument(f"Invalid replacement: {message}.").at("replace")


# Case mapping, as ICU does it.


def _titlecase(text: str) -> str:
    """Core's UCharacter.toTitleCase with a word BreakIterator, by the system's ICU: in each word the
    first letter, digit or symbol is titlecased, what precedes it is kept and what follows is lowercased
    in context ("they're BACK" is "They're Back", "aΣ" is "Aς"; a colon ends a word: "x:y" is "X:Y")."""
    locale = icu.Locale("en_US")  # the JVM's default locale, which core's toTitleCase uses
    return str(icu.UnicodeString(text).toTitle(icu.BreakIterator.createWordInstance(locale), locale))


def _is_text(value: t.Any) -> bool:
    """A string Casefold and NGram work on: an event's action is a scalar they pass through as it is (core
    matches StringL there, and an ActionL is none)."""
    return isinstance(value, str) and not isinstance(value, Action)


@builtin("Concat", keys=("concat", "separator"), types=(None, STRING))
def concat(ctx: Context, strings: t.Any, separator: str = "") -> str:
    """Join a string or an array of strings with `separator` (default none): `Concat(["a", "b"], "-")`."""
    return joined(separator.join(each(STRING, strings, "concat")))


@builtin("Casefold", keys=("casefold", "normalizer"))
def casefold(ctx: Context, terms: t.Any, normalizer: t.Any = "NFKCCaseFold") -> t.Any:
    """Normalize strings for comparison (default NFKCCaseFold; also NFC, NFD, NFKC, NFKD); other scalars pass."""
    values = each(SCALAR, terms, "casefold")
    if normalizer not in _NORMALIZERS:
        choices = ", ".join(f"'{n}'" for n in _NORMALIZERS[:-1])
        raise InvalidArgument(
            f"String {choices}, or '{_NORMALIZERS[-1]}' expected, {type_name(normalizer)} provided."
        ).at("normalizer")
    out = [_normalize(v, normalizer) if _is_text(v) else v for v in values]
    # Core answers a one-element list with its element, even when the argument was an array.
    return out[0] if len(out) == 1 else out


#: ICU's normalizers, which core uses (Normalizer2): NFKC_Casefold folds case and drops default ignorables,
#: and ICU knows a newer Unicode than Python's unicodedata.
_ICU_NORMALIZERS = {
    "NFKCCaseFold": icu.Normalizer2.getNFKCCasefoldInstance,
    "NFC": icu.Normalizer2.getNFCInstance,
    "NFD": icu.Normalizer2.getNFDInstance,
    "NFKC": icu.Normalizer2.getNFKCInstance,
    "NFKD": icu.Normalizer2.getNFKDInstance,
}
#: A lone surrogate, which normalization leaves alone (PyICU would make it U+FFFD).
_LONE_SURROGATE = re.compile("([\ud800-\udfff])")


def _normalize(text: str, normalizer: str) -> str:
    """`text` normalized by ICU's `normalizer` (one of _NORMALIZERS), as core's Normalizer2 does it."""
    icu_normalizer = _ICU_NORMALIZERS[normalizer]()
    parts = _LONE_SURROGATE.split(text)
    return "".join(part if i % 2 else icu_normalizer.normalize(part) for i, part in enumerate(parts))


@builtin("StartsWith", keys=("startswith", "search"), types=(STRING, STRING))
def starts_with(ctx: Context, value: str, search: str) -> bool:
    """True if `value` starts with `search`."""
    # Java compares UTF-16 units: half an astral character is a prefix of it.
    return _units(value).startswith(_units(search)) if _HALF.search(search) else value.startswith(search)


@builtin("EndsWith", keys=("endswith", "search"), types=(STRING, STRING))
def ends_with(ctx: Context, value: str, search: str) -> bool:
    """True if `value` ends with `search`."""
    return _units(value).endswith(_units(search)) if _HALF.search(search) else value.endswith(search)


@builtin("ContainsStr", keys=("containsstr", "search"), types=(STRING, STRING))
def contains_str(ctx: Context, value: str, search: str) -> bool:
    """True if `search` occurs in `value`."""
    return _unit_find(value, search) >= 0 if _HALF.search(search) else search in value


@builtin("ContainsStrRegex", keys=("containsstrregex", "pattern"), types=(STRING, REGEX))
def contains_str_regex(ctx: Context, value: str, pattern: str) -> bool:
    """True if the Java regex `pattern` matches somewhere in `value`."""
    return java_regex(pattern, "pattern").search(value) is not None


@builtin("RegexEscape", keys=("regexescape",), types=(STRING,))
def regex_escape(ctx: Context, value: str) -> str:
    """A regex matching `value` literally (Java's Pattern.quote: `\\Q...\\E`)."""
    return "\\Q" + value.replace("\\E", "\\E\\\\E\\Q") + "\\E"


def _utf16_length(text: str) -> int:
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def _start(value: str, start: int | None) -> int:
    # Core compares `start` (code points) with the UTF-16 length; anything out of range means 0.
    return min(start, len(value)) if start is not None and 0 < start < _utf16_length(value) else 0


@builtin("FindStr", keys=("findstr", "find", "start"), types=(STRING, STRING, INTEGER))
def find_str(ctx: Context, value: str, find: str, start: int | None = None) -> int:
    """The position of the first `find` in `value` at or after `start`, or -1."""
    if not _HALF.search(find):
        return value.find(find, _start(value, start))
    # Core finds it in UTF-16 units and counts the code points before it: half an astral character is
    # found in one, the other half before it counted as one.
    offsets = _unit_offsets(value)
    index = _unit_find(value, find, offsets[_start(value, start)])
    return _code_points(offsets, index) if index > 0 else index


@builtin(
    "FindStrRegex",
    keys=("findstrregex", "pattern", "start", "num_results"),
    types=(STRING, REGEX, INTEGER, INTEGER),
)
def find_str_regex(
    ctx: Context, value: str, pattern: str, start: int | None = None, num_results: int | None = None
) -> list[dict]:
    """The matches of a Java regex as `{start, end, data}` objects (`end` is the last character's index)."""
    regex = java_regex(pattern, "pattern")
    # Capped at 1024, then a Java int (Long.toInt): a large negative count wraps around.
    limit = _int32(min(_LIMIT if num_results is None else num_results, _LIMIT))
    offset = _start(value, start)
    rest = value[offset:]
    offsets = _unit_offsets(rest)
    found = []
    # Core searches the rest of the string from `start` as a string of its own: `^` matches there. Its
    # indexes count the code points before a match's start, and before its last UTF-16 unit (its end, if
    # empty): a match ending in a character outside the BMP ends at that character's high surrogate, itself
    # counted as one, and an empty match stepping into such a character is at its low half.
    for begin, end, m in java_matches(regex, rest):
        if len(found) >= limit:
            break
        last = end - 1 if end > begin else end
        found.append({
            "start": offset + _code_points(offsets, begin),
            "end": offset + _code_points(offsets, last),
            "data": m[0],
        })
    return found


def _split(regex: re.Pattern, value: str, count: int | None) -> list[str]:
    """Core's SplitStrCommon: Java's Pattern.split with `count` as its limit (at most `count` parts, the
    last holding the rest; none given: -1, every part, trailing empty ones kept). A zero-width match at
    the start makes no empty first part, and a string with no match is its own one part."""
    if count is not None and count <= 0:
        raise InvalidArgument("count must be count > 0").at("count")
    if count is not None and count > _LIMIT:
        raise InvalidArgument(f"count must be count <= {_LIMIT}").at("count")
    # Java's Pattern.split loops Matcher.find over UTF-16 units: an empty match steps one unit, cutting a
    # character outside the BMP into its halves.
    data = _units(value)
    parts: list[str] = []
    index = 0
    for begin, end, _ in java_matches(regex, value):
        if count is not None and len(parts) >= count - 1:
            break
        if index == 0 and begin == end == 0:
            continue
        parts.append(_from_units(data[2 * index : 2 * begin]))
        index = end
    if index == 0:
        return [value]
    parts.append(_from_units(data[2 * index :]))
    return parts


@builtin("SplitStr", keys=("split_str", "token", "count"), types=(STRING, STRING, INTEGER), required=2)
def split_str(ctx: Context, value: str, token: str, count: int | None = None) -> list[str]:
    """`value` split at each `token`, in at most `count` parts (API UNSTABLE only)."""
    # Core compiles Pattern.quote(token): the token matched as it is.
    return _split(re.compile(re.escape(token)), value, count)


@builtin(
    "SplitStrRegex", keys=("split_str_regex", "pattern", "count"), types=(STRING, REGEX, INTEGER), required=2
)
def split_str_regex(ctx: Context, value: str, pattern: str, count: int | None = None) -> list[str]:
    """`value` split at each match of the Java regex `pattern`, in at most `count` parts (API UNSTABLE
    only)."""
    return _split(java_regex(pattern, "pattern"), value, count)


@builtin("Length", keys=("length",), types=(STRING,))
def length(ctx: Context, value: str) -> int:
    """The number of characters (code points) in `value`."""
    return len(value)


@builtin("LowerCase", keys=("lowercase",), types=(STRING,))
def lower_case(ctx: Context, value: str) -> str:
    """`value` in lower case."""
    return value.lower()


@builtin("UpperCase", keys=("uppercase",), types=(STRING,))
def upper_case(ctx: Context, value: str) -> str:
    """`value` in upper case (ß becomes SS)."""
    return value.upper()


@builtin("TitleCase", keys=("titlecase",), types=(STRING,))
def title_case(ctx: Context, value: str) -> str:
    """Each word capitalized and the rest lowercased: "they're BACK" becomes "They're Back"."""
    return _titlecase(value)


@builtin("Trim", keys=("trim",), types=(STRING,))
def trim(ctx: Context, value: str) -> str:
    """`value` without leading and trailing whitespace."""
    return value.strip(_WHITESPACE)


@builtin("LTrim", keys=("ltrim",), types=(STRING,))
def ltrim(ctx: Context, value: str) -> str:
    """`value` without leading whitespace."""
    return value.lstrip(_WHITESPACE)


@builtin("RTrim", keys=("rtrim",), types=(STRING,))
def rtrim(ctx: Context, value: str) -> str:
    """`value` without trailing whitespace."""
    return value.rstrip(_WHITESPACE)


@builtin("Space", keys=("space",), types=(INTEGER,))
def space(ctx: Context, count: int) -> str:
    """A string of `count` spaces (at most 1024; none when negative)."""
    return " " * min(max(count, 0), _LIMIT)


def _int32(n: int) -> int:
    """`n` as Java's Long.toInt makes it: wrapped around into [-2**31, 2**31)."""
    return (n + (1 << 31)) % (1 << 32) - (1 << 31)


@builtin("SubString", keys=("substring", "start", "length"), types=(STRING, INTEGER, INTEGER))
def sub_string(ctx: Context, value: str, start: int | None = None, length: int | None = None) -> str:
    """`length` characters of `value` from `start` (negative counts from the end); to the end by default."""
    size = len(value)
    # Core takes the start as a Java int (`toInt` keeps the low 32 bits): 4294967296 is 0.
    begin = 0 if start is None else _int32(start if start >= 0 else size + start)
    if begin > size or begin < 0:
        raise InvalidArgument("start must be less than or equal to the string length")
    if length is None:
        return value[begin:]
    if length < 0:
        raise InvalidArgument("length must be positive")
    return value[begin : min(begin + length, size)]


@builtin("ReplaceStr", keys=("replacestr", "find", "replace"), types=(STRING, STRING, STRING))
def replace_str(ctx: Context, value: str, find: str, replace: str) -> str:
    """`value` with every `find` replaced by `replace` (no patterns)."""
    if find == "":
        # Java's String.replace works in UTF-16 units: an empty `find` is found between any two units, in
        # the middle of an astral character too.
        data, between = _units(value), _units(replace)
        return _from_units(between + b"".join(data[k : k + 2] + between for k in range(0, len(data), 2)))
    if _HALF.search(find):
        # Half an astral character is found in one.
        data, out, prev = _units(value), [], 0
        while (i := _unit_find(value, find, prev)) >= 0:
            out += (data[2 * prev : 2 * i], _units(replace))
            prev = i + len(_units(find)) // 2
        return _from_units(b"".join(out) + data[2 * prev :])
    return joined(value.replace(find, replace))


@builtin(
    "ReplaceStrRegex",
    keys=("replacestrregex", "pattern", "replace", "first"),
    types=(STRING, REGEX, STRING, BOOLEAN),
)
def replace_str_regex(ctx: Context, value: str, pattern: str, replace: str, first: bool = False) -> str:
    """`value` with the matches of a Java regex replaced (`$1` names a group); only the first if `first`."""
    regex = java_regex(pattern, "pattern")
    if regex.search(value) is None:
        return value
    replacement = _java_replacement(replace, regex)
    # Java's Matcher.replaceAll over UTF-16 units: an empty match steps one unit, so the text between two
    # matches may be half a character outside the BMP.
    data = _units(value)
    out, prev = [], 0
    for begin, end, m in java_matches(regex, value):
        out += (data[2 * prev : 2 * begin], _units(replacement(m)))
        prev = end
        if first:
            break
    return _from_units(b"".join(out) + data[2 * prev :])


@builtin("Repeat", keys=("repeat", "number"), types=(STRING, INTEGER))
def repeat(ctx: Context, value: str, number: int = 2) -> str:
    """`value` repeated `number` times (default 2, at most 1024)."""
    # Core caps the count, then makes it a Java int: a large negative count wraps (-4294967295 is 1).
    return joined(value * _int32(min(number, _LIMIT)))


#: NGram's default sizes (Lucene's NGramTokenizer), and how far apart min and max may be.
_NGRAM_MIN, _NGRAM_MAX, _NGRAM_SPREAD = 1, 2, 1


def _ngram_bounds(lo: int | None, hi: int | None) -> list[str]:
    """Core's complaints about the sizes, all of them, in its order; its differences are Java longs, which
    wrap (`NGram("a", -1, 9223372036854775807)` is too small a min, and no more)."""
    if lo is not None and hi is not None:
        checks = [(lo > hi or lo <= 0, "min ngram size must be > 0 and <= max"),
                  (hi <= 0, "max ngram size must be > 0"),
                  (wrap(hi - lo) > _NGRAM_SPREAD, f"max ngram size must be <= min + {_NGRAM_SPREAD}")]
    elif lo is not None:
        checks = [(lo > _NGRAM_MAX or lo <= 0, "min ngram size must be > 0 and <= max"),
                  (wrap(_NGRAM_MAX - lo) > _NGRAM_SPREAD, f"min ngram size must be >= max - {_NGRAM_SPREAD}")]
    elif hi is not None:
        checks = [(hi <= _NGRAM_MIN, "max ngram size must be > 0 and >= min"),
                  (wrap(hi - _NGRAM_MIN) > _NGRAM_SPREAD, f"max ngram size must be <= min + {_NGRAM_SPREAD}")]
    else:
        checks = []
    return [message for failed, message in checks if failed]


@builtin("NGram", keys=("ngram", "min", "max"), types=(None, INTEGER, INTEGER))
def ngram(ctx: Context, terms: t.Any, shortest: int | None = None, longest: int | None = None) -> list:
    """The n-grams of each string, at each position from `min` to `max` long (default 1 to 2)."""
    values = each(SCALAR, terms, "ngram")
    problems = [InvalidArgument(message) for message in _ngram_bounds(shortest, longest)]
    if problems:
        # Core collects every complaint and fails with them all (NGramFunction).
        problems[0].siblings.extend(problems[1:])
        raise problems[0]
    lo, hi = shortest or _NGRAM_MIN, longest or _NGRAM_MAX
    # Core hands the sizes to Lucene as Java ints (Long.toInt): 4294967297 is 1. Sizes that wrap to
    # nothing Lucene takes (a 500 in core) make no n-grams here.
    lo, hi = _int32(lo), _int32(hi)
    out: list = []
    for v in values:
        if not _is_text(v):
            out.append(v)
            continue
        if 1 <= lo <= hi:
            out.extend(v[i : i + n] for i in range(len(v)) for n in range(lo, hi + 1) if i + n <= len(v))
    return out


# Format: Java's String.format, one specifier at a time, with FQL values.

#: A Java format specifier, as core parses it: index, flags, width, precision, date/time prefix, conversion.
_SPECIFIER = re.compile(r"%(\d+\$)?(([-#+ 0,(<]*)?(\d+)?(\.\d+)?([tT])?([a-zA-Z%@^])?)")
#: The conversions core accepts; any other letter is an unknown conversion.
_CONVERSIONS = frozenset("feEgGdxXosSbB%n@^")
#: The date/time suffixes core formats for a Date, and the further ones for a Time.
_DATE_SUFFIXES = frozenset("bBhaACyYdemjDF")
_TIME_SUFFIXES = frozenset("HIklMSLNpzZsQRTrc")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: The widest padding fql makes (Java would try any int width).
_MAX_WIDTH = 1 << 20


class _IllegalFormat(Exception):
    """Java's IllegalFormatException: the flags, width or precision do not fit the conversion."""


@attrs.frozen
class _Spec:
    """One parsed specifier: `%2$-10.3s` is index 2, flags "-", width 10, precision 3, conversion s."""

    index: int
    flags: str
    width: int | None
    precision: int | None
    #: "t" or "T" for a date/time conversion, whose suffix is then `conversion`.
    datetime: str
    conversion: str | None
    #: The specifier as written, without its index (for error messages).
    text: str

    def check(self, allowed: str, *, width_flags: str = "-", precision: bool = True) -> None:
        """Raise like Java's Formatter for flags outside `allowed`, a missing width or a precision."""
        if len(set(self.flags)) != len(self.flags) or "<" in self.flags or set(self.flags) - set(allowed):
            raise _IllegalFormat
        if self.width is None and set(self.flags) & set(width_flags):
            raise _IllegalFormat
        if ("+" in self.flags and " " in self.flags) or ("-" in self.flags and "0" in self.flags):
            raise _IllegalFormat
        if self.precision is not None and not precision:
            raise _IllegalFormat
        if (self.width or 0) > _MAX_WIDTH or (self.precision or 0) > _MAX_WIDTH:
            raise _IllegalFormat

    def justify(self, text: str) -> str:
        # Java pads to `width` UTF-16 units: a character beyond the BMP counts twice.
        if self.width is None:
            return text
        width = self.width - _utf16_length(text) + len(text)
        return text.ljust(width) if "-" in self.flags else text.rjust(width)


def _parse_format(fmt: str) -> list[str | _Spec]:
    """Split a format string into literal text and specifiers; an unknown conversion fails at "format"."""
    parts: list[str | _Spec] = []
    i = 0
    while i < len(fmt):
        m = _SPECIFIER.search(fmt, i)
        if m is None:
            parts.append(fmt[i:])
            break
        parts.append(fmt[i : m.start()])
        parts.append(_specifier(m))
        i = m.end()
    return parts


def _specifier(m: re.Match) -> str | _Spec:
    conversion = m[7]
    if not m[6] and conversion not in _CONVERSIONS:
        raise InvalidArgument(f"Invalid conversion format '{m[0]}'.").at("format")
    if not m[6] and conversion in ("%", "n"):
        # Core copies these without asking Java, so their flags and width are ignored.
        return "%" if conversion == "%" else "\n"
    return _Spec(
        index=_count(m[1][:-1]) if m[1] else 0,
        flags=m[3] or "",
        width=_count(m[4]) if m[4] else None,
        precision=_count(m[5][1:]) if m[5] else None,
        datetime=m[6] or "",
        conversion=conversion,
        text="%" + m[2],
    )


def _count(digits: str) -> int:
    """An index, width or precision; one too long for Java's int is just too big."""
    return int(digits) if len(digits) < 10 else 1 << 31


def _format(fmt: str, values: list, version: str) -> str:
    out: list[str] = []
    sequential = 0
    for part in _parse_format(fmt):
        if isinstance(part, str):
            out.append(part)
            continue
        if part.index == 0:
            index, sequential = sequential, sequential + 1
            if index >= len(values):
                raise InvalidArgument("format specifiers count must be <= arguments size").at("format")
        else:
            index = part.index - 1
            if index >= len(values):
                raise InvalidArgument("index must be >= 1 and <= arguments size").at("format")
        try:
            out.append(_print(part, values[index], version))
        except InvalidArgument as err:
            raise err.at("values", index)
        except _IllegalFormat:
            raise InvalidArgument(f"Invalid conversion format '{part.text}'.").at("format") from None
    return "".join(out)


def _print(spec: _Spec, value: t.Any, version: str) -> str:
    if spec.datetime:
        return _print_datetime(spec, value)
    kind = spec.conversion.lower()
    if kind in ("f", "e", "g"):
        # Core formats only doubles here: `Format("%f", 1)` is refused.
        if not isinstance(value, float):
            raise InvalidArgument(f"Number expected, {type_name(value)} provided.")
        return _print_double(spec, value)
    if kind in ("d", "x", "o"):
        if not isinstance(value, int) or isinstance(value, (bool, TxnMicros)):
            raise InvalidArgument(f"Integer expected, {type_name(value)} provided.")
        return _print_long(spec, value)
    if kind == "s":
        text = to_string_value(value)
        if text is None:
            raise InvalidArgument(f"Cannot cast {type_name(value)} to String.")
        return _print_general(spec, text)
    if kind == "b":
        return _print_general(spec, "false" if value is None or value is False else "true")
    # `%@` renders as core's default API (2.1), `%^` as the query's (core's DebugFormat, FixedDebugFormat).
    return _debug_json(value, "2.1" if spec.conversion == "@" else version)


def _print_general(spec: _Spec, text: str) -> str:
    spec.check("-")
    if spec.precision is not None:
        text = _utf16_prefix(text, spec.precision)
    return spec.justify(text.upper() if spec.conversion.isupper() else text)


def _utf16_prefix(text: str, units: int) -> str:
    """The first `units` UTF-16 units of `text`, as Java's substring takes a precision. Where that
    splits a surrogate pair, Java keeps half a character (which core cannot write out); fql drops it."""
    out, used = [], 0
    for c in text:
        used += 2 if ord(c) > 0xFFFF else 1
        if used > units:
            break
        out.append(c)
    return "".join(out)


def _signed(spec: _Spec, magnitude: str, negative: bool) -> str:
    """Sign, zero padding and justification of a number, as Java's Formatter lays them out."""
    if negative:
        lead, trail = ("(", ")") if "(" in spec.flags else ("-", "")
    else:
        lead, trail = next((f for f in "+ " if f in spec.flags), ""), ""
    if "0" in spec.flags and spec.width is not None:
        magnitude = magnitude.rjust(spec.width - len(lead) - len(trail), "0")
    return spec.justify(lead + magnitude + trail)


def _grouped(digits: str, spec: _Spec) -> str:
    whole, dot, fraction = digits.partition(".")
    return (f"{int(whole):,}" if "," in spec.flags else whole) + dot + fraction


def _print_long(spec: _Spec, n: int) -> str:
    if spec.conversion == "d":
        spec.check("-+ 0,(", width_flags="-0", precision=False)
        return _signed(spec, _grouped(str(abs(n)), spec), n < 0)
    # Octal and hex show a negative long as its two's complement, and take no sign flags.
    spec.check("-#0", width_flags="-0", precision=False)
    octal = spec.conversion == "o"
    digits = format(n % (1 << 64), "o" if octal else "x")
    prefix = ("0" if octal else "0x") if "#" in spec.flags else ""
    if "0" in spec.flags:
        digits = digits.rjust(spec.width - len(prefix), "0")
    text = spec.justify(prefix + digits)
    return text.upper() if spec.conversion == "X" else text


def _rounded(value: Decimal, places: int) -> Decimal:
    # Java formats the shortest decimal that reads back as the double (Double.toString's digits), not
    # its exact binary value, and rounds it half up: `Format("%.2f", 1.005)` is "1.01".
    with localcontext() as context:
        context.prec = places + 400
        return value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def _fixed(d: float, places: int) -> str:
    return format(_rounded(java_digits(d), places), "f")


def _scientific(d: float, places: int) -> str:
    """`d` (not negative) as Java's %e: a mantissa with `places` decimals and a two-digit exponent."""
    exponent, mantissa = 0, _rounded(Decimal(0), places)
    if d:
        exact = java_digits(d)
        exponent = exact.adjusted()
        mantissa = _rounded(exact.scaleb(-exponent), places)
        if mantissa >= 10:
            exponent, mantissa = exponent + 1, _rounded(mantissa.scaleb(-1), places)
    return f"{format(mantissa, 'f')}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"


def _print_double(spec: _Spec, d: float) -> str:
    kind = spec.conversion.lower()
    spec.check({"f": "-#+ 0,(", "e": "-#+ 0(", "g": "-+ 0,("}[kind], width_flags="-0")
    negative = math.copysign(1.0, d) < 0 and d == d
    if math.isnan(d):
        text = spec.justify("NaN")
    elif math.isinf(d):
        text = _signed(attrs.evolve(spec, flags=spec.flags.replace("0", "")), "Infinity", negative)
    else:
        text = _signed(spec, _double_body(spec, kind, abs(d)), negative)
    return text.upper() if spec.conversion.isupper() else text


def _double_body(spec: _Spec, kind: str, d: float) -> str:
    places = 6 if spec.precision is None else spec.precision
    if kind == "g":
        # %g: `places` significant digits, in decimal unless the rounded value is below 1e-4 or too big.
        places = places or 1
        exponent = Decimal(_scientific(d, places - 1)).adjusted() if d else 0
        if not -4 <= exponent < places:
            return _scientific(d, places - 1)
        return _grouped(_fixed(d, places - exponent - 1), spec)
    body = _scientific(d, places) if kind == "e" else _grouped(_fixed(d, places), spec)
    if "#" in spec.flags and places == 0:
        mantissa, e, exponent = body.partition("e")
        body = mantissa + "." + e + exponent
    return body


def _datetime_fields(value: Timestamp | Date) -> dict[str, int]:
    nanos = value.nanos if isinstance(value, Timestamp) else value.days * 86_400 * 10**9
    days, in_day = divmod(nanos, 86_400 * 10**9)
    year, month, day = civil_from_days(days)
    return {
        "year": year, "month": month, "day": day, "weekday": (days + 3) % 7,
        "yday": days - days_from_civil(year, 1, 1) + 1, "hour": in_day // 3_600_000_000_000,
        "minute": in_day // 60_000_000_000 % 60, "second": in_day // 10**9 % 60, "nano": in_day % 10**9,
        "epoch_nanos": nanos,
    }


def _datetime_text(suffix: str, f: dict[str, int]) -> str:
    era_year = f["year"] if f["year"] > 0 else 1 - f["year"]
    hour12 = (f["hour"] - 1) % 12 + 1
    simple = {
        "H": f"{f['hour']:02d}", "I": f"{hour12:02d}", "k": str(f["hour"]), "l": str(hour12),
        "M": f"{f['minute']:02d}", "S": f"{f['second']:02d}", "L": f"{f['nano'] // 10**6:03d}",
        "N": f"{f['nano']:09d}", "p": "am" if f["hour"] < 12 else "pm", "z": "+0000", "Z": "Z",
        "s": str(f["epoch_nanos"] // 10**9), "Q": str(f["epoch_nanos"] // 10**6),
        "B": _MONTHS[f["month"] - 1], "b": _MONTHS[f["month"] - 1][:3], "h": _MONTHS[f["month"] - 1][:3],
        "A": _WEEKDAYS[f["weekday"]], "a": _WEEKDAYS[f["weekday"]][:3], "C": f"{era_year // 100:02d}",
        "y": f"{era_year % 100:02d}", "Y": f"{era_year:04d}", "d": f"{f['day']:02d}", "e": str(f["day"]),
        "m": f"{f['month']:02d}", "j": f"{f['yday']:03d}",
    }
    composite = {"R": "H:M", "T": "H:M:S", "r": "I:M:S P", "D": "m/d/y", "F": "Y-m-d", "c": "a b d H:M:S Z Y"}
    if suffix in composite:
        return "".join(simple["p"].upper() if c == "P" else simple.get(c, c) for c in composite[suffix])
    return simple[suffix]


def _print_datetime(spec: _Spec, value: t.Any) -> str:
    if not isinstance(value, (Timestamp, Date)):
        raise InvalidArgument(f"Date or Time expected, {type_name(value)} provided.")
    suffix = spec.conversion
    if not suffix:
        # Core's own extension: `%t` prints the value's ISO text.
        return value.isoformat()
    allowed = _DATE_SUFFIXES | (_TIME_SUFFIXES if isinstance(value, Timestamp) else frozenset())
    if suffix not in allowed:
        raise InvalidArgument(f"Invalid date/time suffix '{spec.text}'.")
    fields = _datetime_fields(value)
    if suffix == "N":
        # Core prints nanoseconds itself (for JDK 8), ignoring flags and width.
        return _datetime_text("N", fields)
    spec.check("-", precision=False)
    text = spec.justify(_datetime_text(suffix, fields))
    return text.upper() if spec.datetime == "T" else text


#: How Jackson (core's JSON writer) escapes characters in strings; other controls become \u00XX.
_JSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _json_text(value: t.Any) -> str:
    """Compact JSON as core writes it: no spaces, non-ASCII kept, doubles as Java prints them."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{_json_text(k)}:{_json_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_json_text(v) for v in value) + "]"
    if isinstance(value, str):
        escaped = (_JSON_ESCAPES.get(c) or (f"\\u{ord(c):04X}" if ord(c) < 0x20 else c) for c in value)
        return '"' + "".join(escaped) + '"'
    if isinstance(value, float):
        return java_double(value)
    return json.dumps(value)


def _legacy_refs(value: t.Any) -> t.Any:
    """API 2.1's JSON: a ref's collection is its "class", and the collections collection is "classes"."""
    if isinstance(value, list):
        return [_legacy_refs(v) for v in value]
    if not isinstance(value, dict):
        return value
    if list(value) == ["@ref"] and isinstance(value["@ref"], dict):
        ref = {"class" if k == "collection" else k: _legacy_refs(v) for k, v in value["@ref"].items()}
        if ref.get("id") == "collections" and "class" not in ref:
            ref["id"] = "classes"
        return {"@ref": ref}
    return {k: _legacy_refs(v) for k, v in value.items()}


def _debug_json(value: t.Any, version: str) -> str:
    """A value's wire JSON as API `version` renders it: its refs' words before 2.7, its lambdas' version
    only where past 2.12 (fql/wire/legacy.py)."""
    from ..wire import legacy
    from ..wire.v4 import to_json

    rendered = to_json(value)
    if legacy.is_legacy(version):
        rendered = _legacy_refs(rendered)
    return _json_text(legacy.lambdas(rendered) if legacy.renders(version) else rendered)


@builtin("Format", keys=("format", "values"), varargs=True, types=(STRING,))
def format_(ctx: Context, fmt: str, values: t.Any = ()) -> str:
    """Java's String.format: `Format("%s has %d items (%.2f%%)", "cart", 3, 12.5)`; `%s` takes any scalar,
    `%d` integers, `%f` doubles, `%tY-%tm-%td` times and dates, `%@`/`%^` any value as wire JSON."""
    items = list(values) if isinstance(values, tuple) else values if isinstance(values, list) else [values]
    return joined(_format(fmt, items, ctx.state.api_version))
