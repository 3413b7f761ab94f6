"""AST nodes shared by both syntaxes (frozen attrs); `span` sits beside equality, `dump()` feeds snapshots."""

from __future__ import annotations

import typing as t

from attrs import field, fields, frozen


@frozen
class Span:
    """Where a node sits in its source: 1-based line and column, 0-based offsets."""

    line: int
    column: int
    start: int
    end: int
    end_line: int = 0
    end_column: int = 0

    @classmethod
    def of(cls, meta: t.Any) -> Span:
        if getattr(meta, "empty", True):
            return NO_SPAN
        return cls(meta.line, meta.column, meta.start_pos, meta.end_pos, meta.end_line, meta.end_column)


NO_SPAN = Span(0, 0, 0, 0)


class Node:
    """Base of every AST node."""

    __slots__ = ()

    def dump(self, indent: str = "") -> str:
        """An `ast.dump()`-like text of the tree, without spans (for snapshots and `--ast`)."""
        return _dump(self, indent)


def _dump(value: t.Any, indent: str) -> str:
    flat = _flat(value)
    if len(indent) + len(flat) <= 100:
        return flat
    inner = indent + "  "
    if isinstance(value, Node):
        parts = [f"{inner}{f.name}={_dump(getattr(value, f.name), inner)}" for f in fields(type(value)) if f.name != "span"]
        if not parts:
            return f"{type(value).__name__}()"
        return f"{type(value).__name__}(\n" + ",\n".join(parts) + f"\n{indent})"
    if isinstance(value, tuple):
        if not value:
            return "()"
        return "(\n" + ",\n".join(inner + _dump(v, inner) for v in value) + f",\n{indent})"
    return repr(value)


def _flat(value: t.Any) -> str:
    if isinstance(value, Node):
        parts = [f"{f.name}={_flat(getattr(value, f.name))}" for f in fields(type(value)) if f.name != "span"]
        return f"{type(value).__name__}({', '.join(parts)})"
    if isinstance(value, tuple):
        return "(" + ", ".join(_flat(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    return repr(value)


@frozen
class Literal(Node):
    """A scalar written in the source: null, true/false, an integer, a double or a string."""

    value: None | bool | int | float | str
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


@frozen
class Array(Node):
    """`[a, b]`: each item evaluated."""

    items: tuple[Node, ...]
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


@frozen
class Object(Node):
    """`{k: v}`: each value evaluated; keys are plain strings."""

    pairs: tuple[tuple[str, Node], ...]
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


@frozen
class Call(Node):
    """Call `name` with `args`; `name` is spelled as the source syntax spells it (`Add`, `q.Add`)."""

    name: str
    args: tuple[Node, ...]
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


@frozen
class Form(Node):
    """A v4 wire form (`{"add": [1, 2]}`, `{"if": c, "then": t, "else": e}`): call keys and their expressions."""

    pairs: tuple[tuple[str, Node], ...]
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


@frozen
class Value(Node):
    """An already-evaluated value in the tree (a wire `@ref`, `@ts`, ...); evaluates to itself."""

    value: t.Any
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


@frozen
class Program(Node):
    """A source file: top-level expressions evaluated one after another, each its own query."""

    body: tuple[Node, ...]
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)
