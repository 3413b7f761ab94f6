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


#: Node fields `dump()` leaves out: where a node is, not what it is (and a `let`'s parsed annotation, which
#: its text shows).
_UNSHOWN = frozenset(("span", "text", "annotation"))


def _dump(value: t.Any, indent: str) -> str:
    flat = _flat(value)
    if len(indent) + len(flat) <= 100:
        return flat
    inner = indent + "  "
    if isinstance(value, Node):
        parts = [f"{inner}{f.name}={_dump(getattr(value, f.name), inner)}" for f in fields(type(value)) if f.name not in _UNSHOWN]
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
        parts = [f"{f.name}={_flat(getattr(value, f.name))}" for f in fields(type(value)) if f.name not in _UNSHOWN]
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
class Invalid(Node):
    """A v4 wire construct that does not decode (a malformed escape, an `object` of no object, a Let's
    bindings), kept in its place: core's parse meets it in order with the query's other failures."""

    description: str
    #: Where core reports it, below this node's place (a Let's bindings: below the Let).
    position: tuple[str | int, ...] = ()
    #: The keys of the JSON object it is written as (`@ts`), for errors that name them.
    keys: tuple[str, ...] = ()
    #: Further failures core reports with it, in order, each (description, position below this node's
    #: place): a ref object's bad id, collection and database all at once.
    more: tuple[tuple[str, tuple[str | int, ...]], ...] = ()
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


@frozen
class Program(Node):
    """A source file: top-level expressions evaluated one after another, each its own query."""

    body: tuple[Node, ...]
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)
    #: The v10 source it was parsed from (its spans' text): the typechecker finds parentheses there, which
    #: the tree does not keep.
    text: str = field(default="", eq=False, repr=False, kw_only=True)


# -- FQL v10 nodes: the v10 grammar lowers to these plus Literal, Array, Object and Program. -------------

#: The implicit parameter of a short lambda (`.age > 3` is `($this) => $this.age > 3`); not an identifier.
THIS = "$this"


@frozen
class Ident(Node):
    """A name: a variable, a global function or module (`Math`), or a collection or UDF by name."""

    name: str
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


@frozen
class Member(Node):
    """`obj.name`, or `obj?.name` when `optional` (null if `obj` is null)."""

    obj: Node
    name: str
    optional: bool = False
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


@frozen
class Index(Node):
    """`obj[key]`, or `obj?.[key]` when `optional`."""

    obj: Node
    key: Node
    optional: bool = False
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


@frozen
class Apply(Node):
    """A call `fn(args)`; a method call is `Apply(Member(receiver, name), args)`; `fn?.(args)` is optional."""

    fn: Node
    args: tuple[Node, ...]
    optional: bool = False
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


@frozen
class NonNull(Node):
    """`expr!`: the value, or an error if it is null (or a missing document)."""

    expr: Node
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


@frozen
class Unary(Node):
    """`-x`, `!x` or `~x`."""

    op: str
    operand: Node
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


@frozen
class Binary(Node):
    """`left op right` for every binary operator, `??`, `||`, `&&` and `isa` included."""

    op: str
    left: Node
    right: Node
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


@frozen
class IfElse(Node):
    """`if (cond) then else otherwise`; `otherwise` is None when there is no else (the value is null)."""

    cond: Node
    then: Node
    otherwise: Node | None = None
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


@frozen
class Let(Node):
    """`let name = value` (a statement in a Block); `type` is the annotation's source text, if any."""

    name: str
    value: Node
    type: str | None = None
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)
    #: The annotation as the parser read it (the type tree of fql/eval/v10/signatures), kept for the
    #: typechecker, which so reads it once; None where there is none or it did not parse.
    annotation: t.Any = field(default=None, eq=False, repr=False, kw_only=True)


@frozen
class Block(Node):
    """`{ stmt; stmt; expr }`: statements (Let or expressions) in a new scope; the last is the value."""

    body: tuple[Node, ...]
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


@frozen
class Arrow(Node):
    """`(a, b) => body`; `rest` names a `...rest` parameter; `_` parameters are ignored."""

    params: tuple[str, ...]
    body: Node
    rest: str | None = None
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


@frozen
class Template(Node):
    """A string with `#{expr}` interpolation: literal text (str) and expressions, in order."""

    parts: tuple[str | Node, ...]
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


@frozen
class Project(Node):
    """`expr { a, b: value, c { d } }`: each value node is evaluated with THIS bound to the element."""

    expr: Node
    fields: tuple[tuple[str, Node], ...]
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


@frozen
class AtTime(Node):
    """`at (time) expr`: reads in `expr` see the database as of `time`."""

    time: Node
    expr: Node
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)
