"""The raw shape of an FSL file (core's FSL.Node and its values): what the parser reads before the
converter checks it and turns it into items. Offsets are into the file's text, end excluded."""

from __future__ import annotations

import typing as t

from attrs import define, frozen

from .. import ast


@frozen
class Name:
    """A keyword or a name as written (a quoted name holds its text), and where."""

    text: str
    start: int
    end: int


@frozen
class Annotation:
    """`@alias(Foo)` or `@role(server)`."""

    keyword: Name
    value: Name
    start: int
    end: int


@define
class Node:
    """One member of a file or a block: `kw name value` (`index byName { ... }`, `history_days 3`,
    `read`); a field's keyword is `field`, an access provider's `access provider`."""

    kw: Name
    name: Name | None
    value: t.Any
    start: int
    end: int
    annotations: list[Annotation]


@frozen
class Block:
    """`{ members }`."""

    items: list[Node]
    start: int
    end: int


@frozen
class Term:
    """One element of a `[...]` list of paths: the path (field names and indexes), and the functions it is
    wrapped in (`desc(mva(.a))`), each a Name. `error` is set when it is no field path."""

    path: tuple[str | int, ...]
    wrappers: tuple[Name, ...]
    start: int
    end: int
    error: tuple[str, int, int] | None = None


@frozen
class Paths:
    """`[.a, mva(.b)]`."""

    terms: list[Term]
    start: int
    end: int


@frozen
class Lit:
    """An FQL expression: its tree (parentheses kept, see display.py; its spans count from `start`), and where."""

    node: ast.Node
    start: int
    end: int


@frozen
class Type:
    """A type expression (`: Int?`): its parsed form (signatures.py), and where the type is."""

    texpr: t.Any
    start: int
    end: int
    colon: int


@frozen
class Arg:
    """A function parameter, `x`, `x: Int` or `...rest: Int`."""

    name: Name
    type: Type | None
    variadic: bool
    start: int
    end: int


@frozen
class Function:
    """A function's `(params): Ret { body }`: the body's statements, and where its braces are."""

    args: list[Arg]
    open_paren: int
    close_paren: int
    ret: Type | None
    body: tuple[ast.Node, ...]
    start: int
    end: int
    #: Where the body's text begins in the file (after its `{`): the body's spans count from there.
    body_start: int = 0


@frozen
class Field:
    """`name: Type = default`, `compute name: Type = lambda` or `*: Type`; kind is defined, compute or wildcard."""

    kind: str
    type: Type | None
    value: Lit | None
    start: int
    end: int


@frozen
class Migration:
    """One migration statement: kind (`backfill`, `split`...), its paths (Term each), and a backfill's value."""

    kind: str
    paths: tuple[Term, ...]
    value: Lit | None
    start: int
    end: int


@frozen
class Invalid:
    """Text the parser skipped after a word it does not know (core's FSL.Invalid)."""

    start: int
    end: int
