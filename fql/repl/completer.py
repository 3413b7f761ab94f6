"""Tab completion without a terminal: what the cursor is in (`suggest_type`) and the names that fit (`complete`).

Like litecli's `suggest_type(text, text_before_cursor)`, the engine sees only text: it is tested with no
terminal, and terminal.py wraps it in a prompt_toolkit Completer.
"""

from __future__ import annotations

import functools
import re
import typing as t

from attrs import Factory, define, frozen

from ..eval import catalog as families
from ..eval import registry
from ..eval.v10.globals import MODULES, USER_COLLECTION
from .docs import TABLES, members, signature10
from .lexer import V10_GLOBALS, V10_KEYWORDS
from .validator import TOKEN


@frozen
class Suggestion:
    """What may come at the cursor: a `kind` of name, the part of it already typed, and what is before a dot."""

    #: function (v4 built-ins), global (v10 free names), member (after `name.`), method (after a value's
    #: dot), collection, index, udf (strings naming them), none.
    kind: str
    word: str
    #: Before the dot: the name (member), the value's type or None if unknown (method), `q` (v4 drivers).
    owner: str | None = None


@define
class Catalog:
    """The open database's names (fetched with the session's secret) and the session's v10 variables."""

    collections: tuple[str, ...] = ()
    indexes: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    #: The v10 indexes of each collection (`People.byName`), by collection name.
    collection_indexes: dict[str, tuple[str, ...]] = Factory(dict)
    #: The session's top-level v10 `let` values, by name.
    variables: dict[str, t.Any] = Factory(dict)


@frozen
class Candidate:
    """One completion: the text to insert in place of the last `replace` characters, and a hint."""

    text: str
    replace: int
    meta: str = ""


_WORD = re.compile(r"[A-Za-z_$][\w$]*$")
#: A call's name just before `(` and an opening quote: `Collection("`, `q.Index('`, `Function.byName("`.
_CALLEE = re.compile(r"([A-Za-z_$][\w$.]*)\s*\(\s*$")
_OWNER = re.compile(r"(?<![\w$.])([A-Za-z_$][\w$]*)$")
_DRIVERS = ("q", "f", "query", "fauna")
#: The Python driver's names that end with `_` (`q.if_`, `q.map_`): Python keywords and built-ins.
_UNDERSCORED = frozenset(("if", "lambda", "map", "filter", "class", "and", "or", "not"))
#: Which names a string argument of these calls takes (the last part of the name, normalised).
_STRING_ARGUMENTS = {"collection": "collection", "class": "collection", "index": "index", "function": "udf"}


def suggest_type(text: str, syntax: str = "v4") -> tuple[Suggestion, ...]:
    """What may complete `text` (the text before the cursor) in `syntax` (v4, v10, or auto: both)."""
    last = _last_token(text)
    if last is not None and last.group().startswith(("//", "/*")):
        return (Suggestion("none", ""),)
    if last is not None and last.group()[:1] in "\"'" and not _closed(last.group()):
        return (_in_string(text[: last.start()], last.group()[1:]),)
    word = _WORD.search(text)
    typed = word.group() if word else ""
    before = text[: len(text) - len(typed)]
    if before[-1:].isdigit() or (not typed and text[-1:].isalnum()):
        # Part of a number (`12`, `1e`): nothing to complete.
        return (Suggestion("none", typed),)
    if before.endswith("."):
        return _after_dot(before.removesuffix("?.").removesuffix("."), typed, syntax)
    kinds = {"v4": ("function",), "v10": ("global",)}.get(syntax, ("function", "global"))
    return tuple(Suggestion(kind, typed) for kind in kinds)


def _last_token(text: str) -> re.Match | None:
    last = None
    for last in TOKEN.finditer(text):
        pass
    return last


def _closed(literal: str) -> bool:
    return len(literal) >= 2 and literal[-1] == literal[0]


def _in_string(before: str, typed: str) -> Suggestion:
    """Inside a string: a collection, index or function name if it is the argument of such a call."""
    callee = _CALLEE.search(before)
    if callee is None:
        return Suggestion("none", typed)
    name = callee.group(1)
    if name.endswith(".byName"):
        name = name.removesuffix(".byName")
    kind = _STRING_ARGUMENTS.get(registry.normalise(name.rpartition(".")[2]), "none")
    return Suggestion(kind, typed)


def _after_dot(receiver: str, typed: str, syntax: str) -> tuple[Suggestion, ...]:
    owner = _OWNER.search(receiver)
    if owner is not None and owner.group(1) in _DRIVERS and syntax != "v10":
        return (Suggestion("function", typed, owner.group(1)),)
    if syntax == "v4":
        return (Suggestion("none", typed),)
    if owner is not None:
        return (Suggestion("member", typed, owner.group(1)),)
    if receiver[-1:].isdigit():
        return (Suggestion("none", typed),)  # a number's decimal point
    return (Suggestion("method", typed, _literal_type(receiver)),)


def _literal_type(receiver: str) -> str | None:
    """`"a".` is a String and `[1, 2].` an Array; anything else (a call's result) is unknown."""
    last = _last_token(receiver)
    if last is None:
        return None
    if last.group()[:1] in "\"'":
        return "String"
    if last.group() == "]" and _opens_array(receiver):
        return "Array"
    return None


def _opens_array(receiver: str) -> bool:
    """True if the `]` ending `receiver` closes an array literal rather than an index (`a[0]`)."""
    depth = 0
    for token in reversed(list(TOKEN.finditer(receiver))):
        depth += {"]": 1, "[": -1}.get(token.group(), 0)
        if depth == 0:
            head = receiver[: token.start()].rstrip()
            return not head or not (head[-1].isalnum() or head[-1] in "_$)]}\"'!")
    return False


# -- candidates ------------------------------------------------------------------------------------------


def complete(text: str, syntax: str = "v4", names: Catalog | None = None) -> list[Candidate]:
    """The completions of `text` (the text before the cursor), best first, without duplicates."""
    names = names or Catalog()
    found: dict[str, Candidate] = {}
    for suggestion in suggest_type(text, syntax):
        for candidate in _candidates(suggestion, names):
            found.setdefault(candidate.text, candidate)
    return _rank(list(found.values()), _typed(text, syntax))


def _typed(text: str, syntax: str) -> str:
    return suggest_type(text, syntax)[0].word


def _rank(candidates: list[Candidate], typed: str) -> list[Candidate]:
    """Exact-case prefix matches first, then the others (case-insensitive), each alphabetically."""
    return sorted(candidates, key=lambda c: (not c.text.startswith(typed), c.text.lower(), c.text))


def _candidates(suggestion: Suggestion, names: Catalog) -> t.Iterator[Candidate]:
    word = suggestion.word
    pool = _POOLS.get(suggestion.kind)
    if pool is None:
        return
    for text, meta in pool(suggestion, names):
        if text.lower().startswith(word.lower()):
            yield Candidate(text, len(word), meta)


def _functions(suggestion: Suggestion, names: Catalog) -> t.Iterator[tuple[str, str]]:
    """v4 built-ins; after a driver's `q.`, a lower-case start asks for the Python driver's snake_case."""
    snake = suggestion.owner is not None and suggestion.word[:1].islower()
    for name in _v4_names():
        fn = registry.lookup(name)
        meta = fn.signature if fn is not None else ""
        yield (_python(name) if snake else name), meta


def _python(name: str) -> str:
    """The Python driver's name: snake_case, with `_` after Python's keywords and a few built-ins (`if_`)."""
    name = registry.snake(name)
    return name + "_" if name in _UNDERSCORED else name


@functools.cache
def _v4_names() -> list[str]:
    listed = {name for group in families.FAMILIES.values() for name in group}
    return sorted(listed | {fn.name for fn in registry.V4.values()})


def _globals(suggestion: Suggestion, names: Catalog) -> t.Iterator[tuple[str, str]]:
    """v10 free names: session variables, collections, UDFs, modules, global functions, keywords."""
    for name in names.variables:
        yield name, "variable"
    for name in names.collections:
        yield name, "collection"
    for name in names.functions:
        yield name, "function"
    for name in MODULES:
        yield name, "module"
    for name in V10_GLOBALS:
        yield name, signature10("static", TABLES["static"][("FQL", name)])
    for name in (*V10_KEYWORDS, "true", "false", "null"):
        yield name, "keyword"


def _members(suggestion: Suggestion, names: Catalog) -> t.Iterator[tuple[str, str]]:
    """After `name.`: a variable's members, a collection's methods and indexes, or a module's statics."""
    owner = suggestion.owner or ""
    if owner in names.variables:
        yield from _value_members(names.variables[owner])
    elif owner in MODULES:
        yield from _owned(owner, ("static", "field"))
    elif owner in names.collections or owner[:1].isupper():
        # A capitalised name is most likely a collection (perhaps one the secret cannot list).
        yield from _owned(USER_COLLECTION, ("method", "field"))
        for index in names.collection_indexes.get(owner, ()):
            yield index, "index"
    else:
        yield from _methods(Suggestion("method", suggestion.word), names)


def _methods(suggestion: Suggestion, names: Catalog) -> t.Iterator[tuple[str, str]]:
    """After a value's dot: its type's methods and fields, or every type's when the type is unknown."""
    if suggestion.owner is not None:
        yield from _owned(suggestion.owner, ("method", "field"))
    else:
        yield from _any_member()


def _owned(owner: str, kinds: tuple[str, ...]) -> t.Iterator[tuple[str, str]]:
    for kind in kinds:
        for name in members(kind, owner):
            yield name, signature10(kind, TABLES[kind][(owner, name)])


def _value_members(value: t.Any) -> t.Iterator[tuple[str, str]]:
    """A session variable's members: a document's fields and methods, or its type's methods."""
    from ..eval.v10.expressions import v10_type
    from ..values import Document, Module

    if isinstance(value, Module):
        yield from _owned(value.name, ("static", "field"))
        return
    if isinstance(value, Document):
        for name in ("id", "coll", "ts", *value.data):
            yield name, "field"
    if isinstance(value, dict):
        for name in value:
            yield name, "field"
    yield from _owned(v10_type(value), ("method", "field"))


def _any_member() -> t.Iterator[tuple[str, str]]:
    """An unknown receiver (a call's result): every method and field of every value type."""
    owners: dict[str, list[str]] = {}
    for kind in ("method", "field"):
        for owner, name in TABLES[kind]:
            if owner not in (USER_COLLECTION, "NullDocument"):
                owners.setdefault(name, []).append(owner)
    for name, types in owners.items():
        yield name, ", ".join(sorted(set(types)))


def _strings(kind: str) -> t.Callable[[Suggestion, Catalog], t.Iterator[tuple[str, str]]]:
    def pool(suggestion: Suggestion, names: Catalog) -> t.Iterator[tuple[str, str]]:
        attribute = {"collection": "collections", "index": "indexes", "udf": "functions"}[kind]
        for name in getattr(names, attribute):
            yield name, kind if kind != "udf" else "function"

    return pool


#: Where each kind of suggestion finds its names.
_POOLS: dict[str, t.Callable[[Suggestion, Catalog], t.Iterator[tuple[str, str]]]] = {
    "function": _functions,
    "global": _globals,
    "member": _members,
    "method": _methods,
    "collection": _strings("collection"),
    "index": _strings("index"),
    "udf": _strings("udf"),
}
