"""v10 String methods: length, at, slice, search, replace and split (plain and regex), case, parsing numbers.

Indexes count code points, as core's do ("f😍o".length is 3). Regexes are Java's, translated by the v4
family (`fql.eval.strings`); an invalid one fails with Java's description and index. Core's replace and
split search the rest of the string after each match as a new string, so `^` matches again there, and
their splitting follows JavaScript ("a,".split(",") is ["a", ""]). Past an empty match core steps one UTF-16
unit, so split and the regex match lists cut an astral character there into its two surrogates.
"""

from __future__ import annotations

import math
import re
import typing as t
import unicodedata

from ...errors import QueryRuntimeError
from ...values import as_long
from .. import strings as core
from ..evaluator import Context, null_because
from ..registry import field, method
from ..time import _JAVA_BLANKS
from .misc import ABSENT, INT, STRING, arg, overload

#: The longest string core builds (the transaction size limit), in UTF-16 code units.
MAX_SIZE = 16 * 1024 * 1024
#: Pattern text that makes a match depend on what precedes the search start (anchors, lookbehind,
#: word boundaries, `$` not after a \r): such regexes are searched in a copy of the rest of the string,
#: as core does.
_CONTEXTUAL = re.compile(r"\^|(?<!\\)(?:\\\\)*\$|\\[AbBGZ]|\(\?<[=!]")
#: Double.parseDouble's grammar (after trimming): decimal or hexadecimal, with an optional type suffix.
_JAVA_DOUBLE = re.compile(
    r"(?P<sign>[+-]?)(?:(?P<special>NaN|Infinity)"
    r"|(?P<dec>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)[fFdD]?"
    r"|(?P<hex>0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?[0-9]+)[fFdD]?)"
)
#: A character beyond the BMP: two UTF-16 units in core's strings.
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
#: The normalizations `casefold(format)` accepts.
_CASEFOLD_FORMATS = ("NFKCCaseFold", "NFC", "NFD", "NFKC", "NFKD")

# -- sizes and indexes ---------------------------------------------------------------------------------


def _u16(text: str) -> int:
    """Java's String.length: UTF-16 code units (astral characters count twice)."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le", "surrogatepass")) // 2


def _too_large(size: int) -> QueryRuntimeError:
    return QueryRuntimeError("value_too_large", f"Value too large: string size {size} exceeds limit {MAX_SIZE}.")


def sized(text: str) -> str:
    """`text` built by joining strings (`+`, concat, insert), or `value_too_large` past core's 16 MiB string
    limit. Two halves of an astral character (see `_split`) joined again are that character, as in core's
    Java string."""
    if 2 * len(text) > MAX_SIZE and (size := _u16(text)) > MAX_SIZE:
        raise _too_large(size)
    return core.joined(text)


def _out_of_bounds(index: int, text: str) -> QueryRuntimeError:
    return QueryRuntimeError("index_out_of_bounds", f"index {index} out of bounds for length {len(text)}")


def _position(text: str, index: int) -> int:
    """A code point index that must name a character of `text`."""
    if not 0 <= index < len(text):
        raise _out_of_bounds(index, text)
    return index


def _boundary(text: str, index: int) -> int:
    """A code point index that may also be the end of `text` (insert, splitAt)."""
    if not 0 <= index <= len(text):
        raise _out_of_bounds(index, text)
    return index


def _clamp(text: str, index: int) -> int:
    return max(0, min(index, len(text)))


# -- regexes -------------------------------------------------------------------------------------------

#: What the regex scanner just read: nothing to repeat, an atom, a quantifier, a quantifier's `?`/`+`.
_NONE, _ATOM, _QUANTIFIED, _MODIFIED = range(4)
#: Openings of the groups Java knows: plain, non-capturing with flags, lookaround, atomic and named.
_GROUP_OPEN = re.compile(r"\(\?(?:[idmsuxU-]*:|=|!|>|<=|<!|<[A-Za-z][A-Za-z0-9]*>)|\(")
#: A group that only sets flags (`(?i)`): it is not an atom, so nothing may repeat it.
_FLAGS_ONLY = re.compile(r"\(\?[idmsuxU-]*\)")
#: The start of a counted quantifier, `{n}` or `{n,m}`.
_COUNTED = re.compile(r"\{([0-9]+)(?:,([0-9]*))?")


def _class_end(p: str, i: int, names: set[str]) -> int | tuple[str, int]:
    """The index after the character class opening at `i` (classes nest; a leading `]` is literal), or
    Java's (description, index) for a bad escape in it or for a class left open."""
    depth, j = 0, i
    while j < len(p):
        c = p[j]
        if c == "\\":
            if j + 1 == len(p):
                return "Unclosed character class", len(p)
            found = _escape_check(p, j, True, names)
            if isinstance(found, tuple):
                return found
            j = found
        elif c == "[":
            depth, j = depth + 1, j + 1
            j += p.startswith("^", j)
            j += p.startswith("]", j)
        elif c == "]":
            depth, j = depth - 1, j + 1
            if depth == 0:
                return j
        else:
            j += 1
    if p.endswith("-") and len(p) - i > 2 and p[-2] not in "[}" and p[-3] != "\\":
        return "Illegal character range", len(p)  # a range with no end: `[a-`
    return "Unclosed character class", len(p) - 1


#: Escapes Java refuses ("Illegal/unsupported escape sequence"); other letters and digits mean something,
#: and any other character stands for itself.
_UNSUPPORTED_ESCAPES = frozenset("CEFIJKLMOTUYgijlmoqy")
#: Escapes that are no characters, so Java refuses them inside a class too.
_NOT_IN_CLASS = frozenset("123456789ABGRXZbkz")
_HEX = frozenset("0123456789abcdefABCDEF")


def _named_escape(p: str, i: int) -> int | tuple[str, int]:
    """`\\N{name}` at `i`: Java's Character.codePointOf names (any case, trimmed)."""
    if not p.startswith("{", i + 2):
        return "Illegal character name escape sequence", i + 2
    end = p.find("}", i + 3)
    if end < 0:
        return "Unclosed character name escape sequence", len(p)
    name = p[i + 3 : end]
    try:
        unicodedata.lookup(name.strip())
    except KeyError:
        return f"Unknown character name [{name}]", end
    return end + 1


def _property_check(p: str, i: int) -> int | tuple[str, int]:
    """`\\p{name}` or `\\pX` at `i`: Java's errors for an unclosed, empty or unknown name."""
    if p.startswith("{", i + 2):
        end = p.find("}", i + 3)
        if end < 0:
            return "Unclosed character family", len(p)
        name, after = p[i + 3 : end], end + 1
        if not name:
            return "Empty character family", end
    else:
        # Java reads past the end as a NUL character.
        name, end, after = p[i + 2 : i + 3] or "\0", i + 2, i + 3
    try:
        core._property(name)
    except core._BadPattern as err:
        if str(err).startswith("Unknown Unicode property"):
            return str(err), end
        return f"Unknown character property name {{{name}}}", end
    return after


def _hex_escape_check(p: str, i: int) -> int | tuple[str, int]:
    """`\\xhh` or `\\x{h...}` at `i`."""
    if p[i + 2 : i + 3] in _HEX and p[i + 2 : i + 3]:
        return i + 4 if p[i + 3 : i + 4] in _HEX and p[i + 3 : i + 4] else ("Illegal hexadecimal escape sequence", i + 3)
    if not (p.startswith("{", i + 2) and p[i + 3 : i + 4] in _HEX and p[i + 3 : i + 4]):
        return "Illegal hexadecimal escape sequence", i + 2
    j = i + 3
    while j < len(p) and p[j] in _HEX:
        j += 1
    if not p.startswith("}", j):
        return "Unclosed hexadecimal escape sequence", j
    if int(p[i + 3 : j], 16) > 0x10FFFF:
        return "Hexadecimal codepoint is too big", j - 1
    return j + 1


def _group_name_check(p: str, i: int) -> tuple[str, int] | tuple[str, int, int]:
    """The group name starting at `i` (after `<`): (name, index after `>`, 0), or Java's error (2 items)."""
    if not ("a" <= p[i : i + 1].lower() <= "z" and p[i : i + 1].isascii()):
        return "capturing group name does not start with a Latin letter", i
    j = i + 1
    while j < len(p) and p[j].isascii() and p[j].isalnum():
        j += 1
    if not p.startswith(">", j):
        return "named capturing group is missing trailing '>'", j
    return p[i:j], j + 1, 0


def _escape_check(p: str, i: int, in_class: bool, names: set[str]) -> int | tuple[str, int]:
    """The index after the escape at `i` (a backslash, not the last character), or Java's
    PatternSyntaxException (description, index) for it; `names` are the named groups opened so far."""
    kind = p[i + 1]
    if kind in _UNSUPPORTED_ESCAPES or (in_class and kind in _NOT_IN_CLASS):
        return "Illegal/unsupported escape sequence", i + 1
    if kind == "0":
        m = re.match(r"[0-3][0-7]{2}|[0-7]{1,2}", p[i + 2 :])
        return i + 2 + len(m[0]) if m else ("Illegal octal escape sequence", i + 2)
    if kind == "c":
        return i + 3 if i + 2 < len(p) else ("Illegal control escape sequence", i + 1)
    if kind == "u":
        for j in range(i + 2, i + 6):
            if p[j : j + 1] not in _HEX or j >= len(p):
                return "Illegal Unicode escape sequence", j
        return i + 6
    if kind == "x":
        return _hex_escape_check(p, i)
    if kind == "N":
        return _named_escape(p, i)
    if kind in "pP":
        return _property_check(p, i)
    if kind == "k":
        if not p.startswith("<", i + 2):
            return "\\k is not followed by '<' for named capturing group", i + 2
        found = _group_name_check(p, i + 3)
        if len(found) == 2:
            return found  # type: ignore[return-value]
        if found[0] not in names:
            return f"named capturing group <{found[0]}> does not exist", found[1] - 1
        return found[1]
    return _escape_end(p, i)


def _escape_end(p: str, i: int) -> int:
    """The index after the escape at `i`: `\\Q` quotes up to `\\E`; `\\p{..}`, `\\x{..}`, `\\k<..>` take arguments."""
    kind = p[i + 1]
    closer = {"Q": "\\E", "k": ">"}.get(kind, "}" if kind in "pPxN" and p.startswith("{", i + 2) else "")
    if not closer:
        return i + 3 if kind in "pPc" and i + 2 < len(p) else i + 2
    end = p.find(closer, i + 2)
    return len(p) if end < 0 else end + len(closer)


def _quantifier(p: str, i: int, state: int) -> tuple[int, int] | tuple[str, int]:
    """(state, next index) after the quantifier at `i`, or Java's (description, index) error."""
    c = p[i]
    if c == "{":
        m = _COUNTED.match(p, i)
        if not m:
            return "Illegal repetition", i + 1
        if not p.startswith("}", m.end()):
            return "Unclosed counted closure", m.end()
        if m[2] and int(m[2]) < int(m[1]):
            return "Illegal repetition range", m.end()
        return _QUANTIFIED, m.end() + 1
    if state == _ATOM:
        return _QUANTIFIED, i + 1
    if state == _QUANTIFIED and c in "?+":
        return _MODIFIED, i + 1
    return f"Dangling meta character '{c}'", i


def _structure_error(p: str) -> tuple[str, int] | None:
    """Java's PatternSyntaxException (description, index) for a malformed pattern's structure; the index
    counts code points, as Java's does."""
    groups, state, i = 0, _NONE, 0
    names: set[str] = set()
    while i < len(p):
        c = p[i]
        if c == "\\":
            if i + 1 == len(p):
                return "Unexpected internal error", len(p)
            found = _escape_check(p, i, False, names)
            if isinstance(found, tuple):
                return found
            i, state = found, _ATOM
        elif c == "[":
            end = _class_end(p, i, names)
            if isinstance(end, tuple):
                return end
            i, state = end, _ATOM
        elif c == "(":
            if m := _FLAGS_ONLY.match(p, i):
                i, state = m.end(), _NONE
                continue
            if p.startswith("(?<", i) and not p.startswith(("(?<=", "(?<!"), i):
                found = _group_name_check(p, i + 3)
                if len(found) == 2:
                    return found  # type: ignore[return-value]
                if found[0] in names:
                    return f"Named capturing group <{found[0]}> is already defined", found[1] - 1
                names.add(found[0])
                groups, i, state = groups + 1, found[1], _NONE
                continue
            m = _GROUP_OPEN.match(p, i)
            if p.startswith(("(?$", "(?@"), i):
                return "Unknown group type", i + 2
            if m[0] == "(" and p.startswith("(?", i):
                # Java reports the first character that is no flag.
                return "Unknown inline modifier", re.compile("[idmsuxU-]*").match(p, i + 2).end()
            groups, i, state = groups + 1, m.end(), _NONE
        elif c == ")":
            if not groups:
                return "Unmatched closing ')'", i - 1
            groups, i, state = groups - 1, i + 1, _ATOM
        elif c == "|":
            i, state = i + 1, _NONE
        elif c in "*+?{":
            found = _quantifier(p, i, state)
            if isinstance(found[0], str):
                return found  # type: ignore[return-value]
            state, i = found
        else:
            i, state = i + 1, _ATOM
    return ("Unclosed group", len(p)) if groups else None


def _unquoted(p: str) -> str:
    """The pattern as Java rewrites it before parsing, when it has `\\Q...\\E`, so that error indexes count
    as Java's do: quoted ASCII punctuation is escaped (`\\(`), a backslash doubled, a quote's first digit
    written `\\x3n`, and `\\Q`, `\\E` dropped."""
    i = 0
    while i < len(p) - 1 and p[i : i + 2] != "\\Q":
        i += 2 if p[i] == "\\" else 1
    if i >= len(p) - 1:
        return p
    out, i, quoted, begin = [p[:i]], i + 2, True, True
    while i < len(p):
        c, i = p[i], i + 1
        if c == "\\" and not quoted:
            if p.startswith("Q", i):
                i, quoted, begin = i + 1, True, True
                continue
            out.append(p[i - 1 : i + 1])
            i += 1
        elif c == "\\":
            if p.startswith("E", i):
                i, quoted = i + 1, False
            else:
                out.append("\\\\")
        elif quoted and c.isascii() and c.isdigit():
            out.append(("\\x3" if begin else "") + c)
        elif quoted and c.isascii() and not c.isalpha():
            out.append("\\" + c)
        else:
            out.append(c)
        begin = False
    return "".join(out)


def _translation_problem(pattern: str, message: str) -> tuple[str, int]:
    """Java's words for a pattern the v4 translation refused (it names an unknown `\\p{..}` property bare)."""
    if message.startswith("Unknown Unicode property {name=<"):
        key, value = re.match(r"Unknown Unicode property \{name=<(.*)>, value=<(.*)>\}$", message, re.S).groups()
        braced = pattern.lower().find("{" + key + "=" + value.lower() + "}")
        return message, braced + len(key) + len(value) + 2
    braced = pattern.find("{" + message + "}")
    if braced >= 0:
        return f"Unknown character property name {{{message}}}", braced + len(message) + 1
    return message[:1].upper() + message[1:], len(pattern)


def _python_problem(err: re.error) -> tuple[str, int]:
    """Java's words for an error Python's compiler found (the translation keeps most positions)."""
    m = re.match(r"bad character range (.+)", err.msg)
    if m:
        return "Illegal character range", (err.pos or 0) + len(m[1]) - 1
    return err.msg[:1].upper() + err.msg[1:], err.pos or 0


def _regex(pattern: str) -> re.Pattern:
    """Compile a Java regex; a bad one is `invalid_regex` with Java's description and index."""
    unquoted = _unquoted(pattern)
    text, kept = core.uncommented(unquoted)
    problem = _structure_error(text)
    if problem is not None and text != unquoted and problem[1] >= 0:
        # Back to an index in the pattern with its comments and whitespace; some errors name the character
        # before the one Java stopped at, which is after what it skipped.
        description, at = problem
        ends = [*kept, len(unquoted)]
        before = description.startswith(("Unmatched closing ')'", "Unclosed character class", "Dangling meta"))
        problem = description, ends[min(at + before, len(kept))] - before
    if problem is None:
        try:
            return core._compile(pattern)
        except core._BadPattern as err:
            problem = _translation_problem(pattern, str(err))
        except re.error as err:
            problem = _python_problem(err)
        except (ValueError, OverflowError, RecursionError) as err:
            problem = (str(err).capitalize(), 0)
    description, index = problem
    raise QueryRuntimeError(
        "invalid_regex", f"Invalid regular expression. {description} at index {_core_index(pattern, index)}"
    )


def _core_index(pattern: str, index: int) -> int:
    """Core's index for Java's: Java counts code points, and core counts the code points among that many
    UTF-16 units (`codePointCount(0, index)`), so an astral character before it counts less than twice.
    (A negative index, `)` at the start, makes core fail; it is kept as it is.)"""
    if index <= 0 or pattern.isascii():
        return index
    units = pattern.encode("utf-16-le", "surrogatepass")[: 2 * index]
    return len(units.decode("utf-16-le", "surrogatepass"))


Finder = t.Callable[[str, int], "tuple[int, int] | None"]


def _literal_finder(needle: str) -> Finder:
    def find(text: str, start: int) -> tuple[int, int] | None:
        i = text.find(needle, start)
        return None if i < 0 else (i - start, i - start + len(needle))

    return find


def _regex_finder(pattern: str) -> Finder:
    rx = _regex(pattern)
    contextual = _CONTEXTUAL.search(pattern) is not None

    def find(text: str, start: int) -> tuple[int, int] | None:
        if contextual:
            m = rx.search(text[start:])
            return None if m is None else m.span()
        m = rx.search(text, start)
        return None if m is None else (m.start() - start, m.end() - start)

    return find


def _find_all(rx: re.Pattern, text: str) -> t.Iterator[tuple[int, str]]:
    """Java's Matcher.find in a loop, as core's matches and matchIndexes run it: each match's code point
    index (core's `codePointCount(0, start)`) and text. Java steps one UTF-16 unit past an empty match, so
    after one where an astral character starts it searches again from that character's low surrogate
    (`"😍".matches("")` finds three empty matches, the middle one at index 1): see core.java_matches."""
    if not _ASTRAL.search(text):
        yield from ((m.start(), m[0]) for m in core.java_finditer(rx, text))
        return
    offsets = core._unit_offsets(text)
    for start, _, m in core.java_matches(rx, text):
        yield core._code_points(offsets, start), m[0]


# -- replace and split, as core loops ------------------------------------------------------------------


def _replace(text: str, find: Finder, replacement: str, count: int | None) -> str:
    """Replace up to `count` matches (None: all), each searched for in the rest of the string."""
    if count is not None and count < 1:
        raise QueryRuntimeError("invalid_argument", "invalid argument `count`: must be greater than or equal to 1")
    out: list[str] = []
    size = prev = 0
    while count is None or count > 0:
        hit = find(text, prev)
        if hit is None:
            break
        start, end = hit
        if end == 0:
            # An empty match at the start of the rest matches again at the same place, forever.
            size = _repeat_replacement(out, size, replacement, count)
            break
        piece = text[prev : prev + start]
        if size + _u16(piece) + _u16(replacement) > MAX_SIZE:
            raise _too_large(size + _u16(piece) + _u16(replacement))
        out += (piece, replacement)
        size += _u16(piece) + _u16(replacement)
        prev += end
        count = None if count is None else count - 1
    rest = text[prev:]
    if size + _u16(rest) > MAX_SIZE:
        raise _too_large(size + _u16(rest))
    return "".join(out) + rest


def _repeat_replacement(out: list[str], size: int, replacement: str, count: int | None) -> int:
    """Core's loop when the pattern matches empty where the rest begins: `count` more copies."""
    step = _u16(replacement)
    if count is None and step == 0:
        # Core loops without end until the query times out.
        raise QueryRuntimeError("time_out", "Query time limit exceeded.")
    if count is None or size + count * step > MAX_SIZE:
        raise _too_large(size + ((MAX_SIZE - size) // step + 1) * step)
    out.append(replacement * count)
    return size + count * step


def _split(text: str, find: Finder) -> list[str]:
    """Core's JavaScript-like split: an empty match cuts one character, stopping before the last one.

    Core counts in UTF-16 units: an empty match where an astral character starts cuts off its high
    surrogate alone, and the search goes on from its low one (so `"a😍b".split("")` has four parts, the
    middle two lone surrogates, which the wire shows as `?`)."""
    out: list[str] = []
    prev = 0  # the code point the rest starts at, or whose low surrogate it starts at (`mid`)
    mid = False
    units, size = 0, _u16(text)  # where the rest starts, and the length, in UTF-16 units
    while units < size:
        rest = core.halves(text[prev])[1] + text[prev + 1 :] if mid else None
        hit = find(rest, 0) if mid else find(text, prev)
        if hit is None:
            break
        start, end = hit
        if start == end:
            char = text[prev]
            if mid or ord(char) < 0x10000:
                out.append(core.halves(char)[1] if mid else char)
                prev, mid, units = prev + 1, False, units + 1
            else:
                out.append(core.halves(char)[0])
                mid, units = True, units + 1
            if units == size - 1:
                break
        elif mid:
            out.append(rest[:start])  # type: ignore[index]
            units += _u16(rest[:end])  # type: ignore[index]
            prev, mid = prev + end, False
        else:
            out.append(text[prev : prev + start])
            units += _u16(text[prev : prev + end])
            prev += end
    out.append(core.halves(text[prev])[1] + text[prev + 1 :] if mid else text[prev:])
    return out


# -- parsing numbers -----------------------------------------------------------------------------------


def _java_digit(c: str, radix: int) -> int:
    """Character.digit: decimal digits of any script, and Latin letters (also fullwidth) past 9."""
    if ord(c) >= 0x10000:
        return -1
    if unicodedata.category(c) == "Nd":
        value = unicodedata.decimal(c)
    elif "a" <= c.lower() <= "z" and c.isascii():
        value = ord(c.lower()) - ord("a") + 10
    elif "\uff21" <= c <= "\uff3a" or "\uff41" <= c <= "\uff5a":
        value = (ord(c) - 0xFF21) % 32 + 10
    else:
        return -1
    return value if value < radix else -1


def parse_integer(text: str, radix: int, bits: int) -> int | None:
    """Integer.parseInt / Long.parseLong: a sign, then digits of the radix; None if not one or too big."""
    body = text[1:] if text[:1] in ("+", "-") else text
    if not body:
        return None
    n = 0
    for c in body:
        d = _java_digit(c, radix)
        if d < 0:
            return None
        n = n * radix + d
    n = -n if text[0] == "-" else n
    return n if -(1 << (bits - 1)) <= n < (1 << (bits - 1)) else None


def parse_double(text: str) -> float | None:
    """Double.parseDouble: trimmed; decimal, hex (`0x1p3`), NaN or Infinity, with an optional f/d suffix."""
    m = _JAVA_DOUBLE.fullmatch(text.strip(_JAVA_BLANKS))
    if m is None:
        return None
    if m["special"]:
        magnitude = float("nan") if m["special"] == "NaN" else float("inf")
    elif m["hex"]:
        try:
            magnitude = float.fromhex(m["hex"])
        except OverflowError:  # Java rounds past the largest double to Infinity, as for decimals
            magnitude = math.inf
    else:
        magnitude = float(m["dec"])
    return -magnitude if m["sign"] == "-" else magnitude


def _radix(radix: int) -> int:
    if not 2 <= radix <= 36:
        raise QueryRuntimeError(
            "invalid_argument", "invalid argument `format`: invalid radix, expected a number from 2-36"
        )
    return radix


# -- fields and methods --------------------------------------------------------------------------------


@field("String", "length")
def length(ctx: Context, s: str) -> int:
    """The number of characters (code points)."""
    return len(s)


@method("String", "at")
def at(ctx: Context, s: str, index: t.Any) -> str:
    """The character at `index` (0-based)."""
    return s[_position(s, arg(index, "index", INT))]


@method("String", "concat")
def concat(ctx: Context, s: str, other: t.Any) -> str:
    """This string followed by `other`."""
    return sized(s + arg(other, "other", STRING))


@method("String", "startsWith")
def starts_with(ctx: Context, s: str, prefix: t.Any) -> bool:
    """True if the string starts with `prefix`."""
    return s.startswith(arg(prefix, "prefix", STRING))


@method("String", "endsWith")
def ends_with(ctx: Context, s: str, suffix: t.Any) -> bool:
    """True if the string ends with `suffix`."""
    return s.endswith(arg(suffix, "suffix", STRING))


@method("String", "includes")
def includes(ctx: Context, s: str, pattern: t.Any) -> bool:
    """True if `pattern` occurs in the string."""
    return arg(pattern, "pattern", STRING) in s


@method("String", "includesRegex")
def includes_regex(ctx: Context, s: str, regex: t.Any) -> bool:
    """True if the regex matches somewhere in the string."""
    return _regex(arg(regex, "regex", STRING)).search(s) is not None


@method("String", "indexOf")
def index_of(ctx: Context, s: str, pattern: t.Any, start: t.Any = ABSENT) -> int | None:
    """Where `pattern` first occurs (from `start`), or null."""
    pattern, *rest = overload("indexOf", (pattern, start), (STRING,), (STRING, INT))
    i = s.find(pattern, _position(s, rest[0]) if rest else 0)
    return i if i >= 0 else null_because(ctx, "no element found")


@method("String", "indexOfRegex")
def index_of_regex(ctx: Context, s: str, regex: t.Any, start: t.Any = ABSENT) -> int | None:
    """Where the regex first matches (from `start`), or null."""
    regex, *rest = overload("indexOfRegex", (regex, start), (STRING,), (STRING, INT))
    begin = _position(s, rest[0]) if rest else 0
    m = _regex(regex).search(s[begin:] if begin else s)
    return null_because(ctx, "no element found") if m is None else m.start() + begin


@method("String", "lastIndexOf")
def last_index_of(ctx: Context, s: str, pattern: t.Any, end: t.Any = ABSENT) -> int | None:
    """Where `pattern` last occurs (starting at or before `end`), or null."""
    pattern, *rest = overload("lastIndexOf", (pattern, end), (STRING,), (STRING, INT))
    limit = _position(s, rest[0]) + len(pattern) if rest else len(s)
    i = s.rfind(pattern, 0, limit)
    return i if i >= 0 else null_because(ctx, "no element found")


@method("String", "slice")
def slice_(ctx: Context, s: str, start: t.Any, end: t.Any = ABSENT) -> str:
    """The characters from `start` up to (not including) `end`; indexes out of range are clamped."""
    start, *rest = overload("slice", (start, end), (INT,), (INT, INT))
    return s[_clamp(s, start) : _clamp(s, rest[0]) if rest else len(s)]


@method("String", "insert")
def insert(ctx: Context, s: str, index: t.Any, other: t.Any) -> str:
    """The string with `other` inserted before the character at `index` (or at the end)."""
    i = arg(index, "index", INT)
    other = arg(other, "other", STRING)
    i = _boundary(s, i)
    return sized(s[:i] + other + s[i:])


@method("String", "splitAt")
def split_at(ctx: Context, s: str, index: t.Any) -> list[str]:
    """The two parts before and from `index`."""
    i = _boundary(s, arg(index, "index", INT))
    return [s[:i], s[i:]]


@method("String", "replace")
def replace(ctx: Context, s: str, pattern: t.Any, replacement: t.Any, amount: t.Any = ABSENT) -> str:
    """Replace the first `amount` (default 1) occurrences of `pattern` by `replacement`."""
    pattern, replacement, *rest = overload(
        "replace", (pattern, replacement, amount), (STRING, STRING), (STRING, STRING, INT)
    )
    return _replace(s, _literal_finder(pattern), replacement, rest[0] if rest else 1)


@method("String", "replaceAll")
def replace_all(ctx: Context, s: str, pattern: t.Any, replacement: t.Any) -> str:
    """Replace every occurrence of `pattern` by `replacement`."""
    pattern = arg(pattern, "pattern", STRING)
    return _replace(s, _literal_finder(pattern), arg(replacement, "replacement", STRING), None)


@method("String", "replaceRegex")
def replace_regex(ctx: Context, s: str, regex: t.Any, replacement: t.Any, amount: t.Any = ABSENT) -> str:
    """Replace the first `amount` (default 1) regex matches by `replacement` (taken literally)."""
    regex, replacement, *rest = overload(
        "replaceRegex", (regex, replacement, amount), (STRING, STRING), (STRING, STRING, INT)
    )
    return _replace(s, _regex_finder(regex), replacement, rest[0] if rest else 1)


@method("String", "replaceAllRegex")
def replace_all_regex(ctx: Context, s: str, pattern: t.Any, replacement: t.Any) -> str:
    """Replace every regex match by `replacement` (taken literally)."""
    pattern = arg(pattern, "pattern", STRING)
    return _replace(s, _regex_finder(pattern), arg(replacement, "replacement", STRING), None)


@method("String", "split")
def split(ctx: Context, s: str, separator: t.Any) -> list[str]:
    """The parts between occurrences of `separator` ("" splits into characters)."""
    return _split(s, _literal_finder(arg(separator, "separator", STRING)))


@method("String", "splitRegex")
def split_regex(ctx: Context, s: str, regex: t.Any) -> list[str]:
    """The parts between matches of the regex."""
    return _split(s, _regex_finder(arg(regex, "regex", STRING)))


@method("String", "matches")
def matches(ctx: Context, s: str, regex: t.Any) -> list[str]:
    """Every match of the regex, in order."""
    return [found for _, found in _find_all(_regex(arg(regex, "regex", STRING)), s)]


@method("String", "matchIndexes")
def match_indexes(ctx: Context, s: str, regex: t.Any) -> list[list]:
    """Every match of the regex as `[index, text]`."""
    return [[index, found] for index, found in _find_all(_regex(arg(regex, "regex", STRING)), s)]


@method("String", "toLowerCase")
def to_lower_case(ctx: Context, s: str) -> str:
    """The string in lower case."""
    return core.lower_case(ctx, s)


@method("String", "toUpperCase")
def to_upper_case(ctx: Context, s: str) -> str:
    """The string in upper case (ß becomes SS)."""
    return core.upper_case(ctx, s)


@method("String", "casefold")
def casefold(ctx: Context, s: str, format: t.Any = ABSENT) -> str:
    """The string normalized for caseless comparison (NFKCCaseFold; or NFC, NFD, NFKC, NFKD)."""
    (fmt,) = overload("casefold", (format,), (), (STRING,)) or ("NFKCCaseFold",)
    if fmt not in _CASEFOLD_FORMATS:
        raise QueryRuntimeError(
            "invalid_argument",
            "invalid argument `format`: expected a casefold format (one of NFKCCaseFold, NFC, NFD, NFKC, or NFKD)",
        )
    return core._normalize(s, fmt)


@method("String", "parseInt")
def parse_int(ctx: Context, s: str, radix: t.Any = ABSENT) -> int | None:
    """The string as an Int (in base `radix`, default 10), or null."""
    (base,) = overload("parseInt", (radix,), (), (INT,)) or (10,)
    return _number_or_null(ctx, parse_integer(s, _radix(base), 32))


@method("String", "parseLong")
def parse_long(ctx: Context, s: str, radix: t.Any = ABSENT) -> int | None:
    """The string as a Long (in base `radix`, default 10), or null."""
    (base,) = overload("parseLong", (radix,), (), (INT,)) or (10,)
    n = parse_integer(s, _radix(base), 64)
    # A Long even when it would fit an Int (core's Value.Long(parseLong(...))), unlike parseNumber.
    return _number_or_null(ctx, None if n is None else as_long(n))


@method("String", "parseDouble")
def parse_double_(ctx: Context, s: str) -> float | None:
    """The string as a Double (Java syntax: `1e3`, `.5`, `NaN`, `Infinity`), or null."""
    return _number_or_null(ctx, parse_double(s))


@method("String", "parseNumber")
def parse_number(ctx: Context, s: str) -> int | float | None:
    """The string as an Int, else a Long, else a Double, or null."""
    for bits in (32, 64):
        n = parse_integer(s, 10, bits)
        if n is not None:
            return n
    return _number_or_null(ctx, parse_double(s))


def _number_or_null(ctx: Context, n: int | float | None) -> int | float | None:
    """A parsed number, or null due to an invalid number (core's Null.Cause.InvalidNumber)."""
    if n is not None:
        return n
    return null_because(ctx, "invalid number")
