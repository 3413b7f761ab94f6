"""A request body as JSON, read as strictly as core reads it: 64-bit integers, no NaN or Infinity, 1000 levels."""

from __future__ import annotations

import json
import re
import typing as t

from ..errors import InvalidExpression
from ..wire.nesting import MAX_NESTING, text_depth

_INT64 = range(-(2**63), 2**63)


class _NotJSON(ValueError):
    """JSON that Python would accept and core does not (NaN, Infinity, integers past 64 bits)."""


def _reject(text: str) -> t.NoReturn:
    raise _NotJSON(text)


def _int(text: str) -> int:
    value = int(text)
    return value if value in _INT64 else _reject(text)


class BeyondLong(ValueError):
    """An integer past 64 bits in a v10 body: core's parser (Jackson's getValueAsLong) fails on it with an
    error that is not a parse error, which the v10 endpoint answers with no detail."""


def _int_v10(text: str) -> int:
    value = int(text)
    if value not in _INT64:
        raise BeyondLong(text)
    return value


class Deduplicated(dict):
    """An object that repeated a key in the body: `repeated` is the first key seen twice (a v10 query
    template's `object` refuses that, FQL2QueryTemplateSpec "disallows duplicate keys")."""

    repeated: str


def _first_wins(pairs: list[tuple[str, t.Any]]) -> dict:
    """An object whose repeated keys keep their first value, as core's decoder keeps the first and
    drops the rest (DocumentSpec "deduplicates fields")."""
    found = dict(pairs)
    if len(found) == len(pairs):
        return found
    found = {}
    for key, value in pairs:
        found.setdefault(key, value)
    return found


def _first_wins_marked(pairs: list[tuple[str, t.Any]]) -> dict:
    """As _first_wins, a repeating object marked as Deduplicated."""
    found = _first_wins(pairs)
    if len(found) == len(pairs):
        return found
    seen: set[str] = set()
    repeated = next(key for key, _ in pairs if key in seen or seen.add(key))
    marked = Deduplicated(found)
    marked.repeated = repeated
    return marked


#: One decoder with core's number rules, made once (json.loads with hooks builds one per call). A number too
#: large for a double is infinite, as Jackson's getValueAsDouble reads it (`1e400`), on every endpoint.
_DECODER = json.JSONDecoder(
    parse_int=_int, parse_float=float, parse_constant=_reject, object_pairs_hook=_first_wins
)
#: The v10 endpoint's: an integer past 64 bits is no parse error there.
_MARKING_DECODER = json.JSONDecoder(
    parse_int=_int_v10, parse_float=float, parse_constant=_reject, object_pairs_hook=_first_wins_marked
)


class EmptyBody(InvalidExpression):
    """A body of whitespace alone: no parse error to core's parser, which finds the end of its stream where
    a value should start (v4 answers it as JSON that is not valid, v10 with no detail)."""


#: JSON's whitespace, as Jackson and Python's decoder both skip it.
_SPACE = re.compile(r"[ \t\n\r]*")
#: A JSON number as Jackson lexes it, and the literals: what may follow the root value.
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_LITERAL = re.compile(r"true|false|null")


def parse(body: bytes, mark_repeats: bool = False) -> t.Any:
    """The JSON value of a query body; `invalid expression` errors at position [] as core gives them.
    With `mark_repeats`, an object that repeated a key is a Deduplicated (the v10 endpoint's templates)."""
    if not body:
        raise InvalidExpression("No query provided.")
    try:
        # Core lets a lone UTF-16 surrogate through (and answers it as `?`); so does surrogatepass.
        text = body.decode("utf-8", "surrogatepass")
    except ValueError:
        raise _not_json() from None
    # Measured before the (recursive) decoder runs, which may be on the event loop's thread: a document
    # shorter than 2 * MAX_NESTING bytes cannot nest that deep, so small queries skip the count.
    if len(body) > 2 * MAX_NESTING and text_depth(text) > MAX_NESTING:
        raise _too_deep()
    start = _SPACE.match(text).end()
    if start == len(text):
        raise EmptyBody("Request body is not valid JSON.")
    try:
        value, end = (_MARKING_DECODER if mark_repeats else _DECODER).raw_decode(text, start)
    except RecursionError:
        raise _too_deep() from None
    except BeyondLong:
        raise InvalidExpression("Request body has an integer beyond 64 bits.") from None
    except ValueError:
        raise _not_json() from None
    if not _ends_well(text, start, end):
        raise _not_json()
    return value


def _ends_well(text: str, start: int, end: int) -> bool:
    """Whether core's parser takes what follows the root value `text[start:end]`. Its decoder (json2's
    JSONParser over Jackson) steps to the next token once the value is read, and reads no further: so one
    more token must lex (a string only needs its opening quote, Jackson reads the rest lazily), and whatever
    comes after it is never looked at (`1 2` and `{"query": "1"} {` are taken). A number at the root must be
    followed by whitespace (Jackson's verifyRootSpace), a literal by no letter or digit."""
    if not _token_ends_well(text, start, end):
        return False
    at = _SPACE.match(text, end).end()
    if at == len(text) or text[at] in '{["':
        return True
    token = _NUMBER.match(text, at) or _LITERAL.match(text, at)
    return token is not None and _token_ends_well(text, at, token.end())


def _token_ends_well(text: str, start: int, end: int) -> bool:
    """Whether the scalar token `text[start:end]` ends as Jackson wants a root-level one to end."""
    if end == len(text) or text[start] in '{["':
        return True
    after = text[end]
    if text[start] in "-0123456789":
        return after in " \t\n\r"
    # Jackson's _matchToken: a literal may not run on into a Java identifier's character (ASCII `]` and `}`
    # and anything below `0` end it).
    return after < "0" or after in "]}" or not (after.isalnum() or after == "_" or "\x7f" <= after <= "\x9f")


def _not_json() -> InvalidExpression:
    return InvalidExpression("Request body is not valid JSON.")


def _too_deep() -> InvalidExpression:
    return InvalidExpression("Request body JSON exceeds nesting limit.")
