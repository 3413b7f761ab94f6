"""FQL expressions as core displays them (its `Displayer`), as the FSL parser stores them:
a function's body, a computed field, a default, a predicate, as text re-written from the parsed tree.

Core re-writes rather than keeps the source: `(x)=>x+1` is stored as `(x) => x + 1`, a block over lines
indented by two spaces, strings in double quotes. Its tree keeps the parentheses the source wrote (a
one-element tuple), fql's v10 tree drops them, so `parse_kept` parses with a Transformer that keeps them
as `Paren` nodes for display only.
"""

from __future__ import annotations

import functools
import typing as t

from attrs import field, frozen
from lark import Lark, v_args
from lark.exceptions import UnexpectedInput

from .. import ast
from ..ast import THIS, NO_SPAN, Span
from ..errors import ParseError
from ..eval.v10 import signatures
from ..parse import GRAMMAR_DIR, v10


@frozen
class Paren(ast.Node):
    """`(expr)` as written (core's one-element tuple), or `(a, b)` (a tuple of `items`)."""

    items: tuple[ast.Node, ...]
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


@v_args(inline=True)
class _KeepParens(v10.ToAst):
    """fql's v10 Transformer, keeping the parentheses of a group for display."""

    def group(self, paren):
        node = super().group(paren)
        if not isinstance(node, ast.Node) or paren.rest is not None:
            return node
        if isinstance(node, ast.Block) and len(paren.items) == 1:
            node = node.body[0]  # an optional chain in parentheses: the parentheses show it
        items = node.items if isinstance(node, ast.Array) and len(paren.items) != 1 else (node,)
        return Paren(items, span=paren.span)


@functools.cache
def _parser() -> Lark:
    path = GRAMMAR_DIR / "fql10.lark"
    return Lark.open(str(path), parser="lalr", lexer=v10.Lexer, transformer=_KeepParens(), maybe_placeholders=True)


def parse_kept(text: str) -> ast.Program:
    """Parse v10 `text` as fql does, keeping parentheses as `Paren`; raises ParseError as `fql.parse` does."""
    try:
        return _parser().parse(text)
    except UnexpectedInput as err:
        raise v10.convert(err, text, _parser().terminals) from None
    except ParseError as err:
        raise v10.locate(err, text) from None


#: Characters written as an escape (core's Chars.Unescaped).
_ESCAPED = {"\\": "\\", "\0": "0", '"': '"', "\n": "n", "\r": "r", "\v": "v", "\t": "t", "\b": "b", "\f": "f", "#": "#"}


def _displayable(c: str) -> bool:
    """Core's Chars.isDisplay: not a control character, BOM, specials or bidi/invisible formatting mark."""
    o = ord(c)
    return not (
        o <= 0x08
        or 0x0E <= o <= 0x1F
        or o == 0x7F
        or 0xFFF0 <= o <= 0xFFFF
        or o == 0xFEFF
        or 0x2000 <= o <= 0x200F
        or 0x2028 <= o <= 0x202F
        or 0x2060 <= o <= 0x206F
    )


def string_body(text: str) -> str:
    """The inside of a double-quoted string literal for `text`."""
    out = []
    for c in text:
        if c in _ESCAPED:
            out.append("\\" + _ESCAPED[c])
        elif ord(c) > 0xFFFF:
            out.append(c if _displayable(c) else f"\\u{{{ord(c):06x}}}")
        else:
            out.append(c if _displayable(c) else f"\\u{ord(c):04x}")
    return "".join(out)


def string(text: str) -> str:
    return f'"{string_body(text)}"'


def ident(name: str) -> str:
    """A name as core writes it: bare when it is a valid identifier, else a string."""
    return name if signatures.field_name(name) == name else string(name)


def literal(value: t.Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return string(value)
    return repr(value) if isinstance(value, float) else str(value)


class _Writer:
    """Core's Displayer: text with two-space indentation after each newline."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.depth = 0
        self.fresh = True

    def write(self, text: str) -> None:
        if self.fresh and text:
            self.parts.append("  " * self.depth)
            self.fresh = False
        self.parts.append(text)
        if text.endswith("\n"):
            self.fresh = True

    def commas(self, nodes: t.Iterable[ast.Node]) -> None:
        for i, node in enumerate(nodes):
            if i:
                self.write(", ")
            self.expr(node)

    def body(self, stmts: t.Iterable[ast.Node]) -> None:
        for stmt in stmts:
            self.expr(stmt)
            self.write("\n")

    def block(self, stmts: t.Iterable[ast.Node]) -> None:
        self.write("{\n")
        self.depth += 1
        self.body(stmts)
        self.depth -= 1
        self.write("}")

    def expr(self, node: ast.Node) -> None:
        getattr(self, "_" + type(node).__name__)(node)

    def _Ident(self, node: ast.Ident) -> None:
        if node.name != THIS:
            self.write(node.name)

    def _Literal(self, node: ast.Literal) -> None:
        self.write(literal(node.value))

    def _Template(self, node: ast.Template) -> None:
        self.write('"')
        for part in node.parts:
            if isinstance(part, str):
                self.write(string_body(part))
            else:
                self.write("#{")
                self.expr(part)
                self.write("}")
        self.write('"')

    def _IfElse(self, node: ast.IfElse) -> None:
        self.write("if (")
        self.expr(node.cond)
        self.write(") ")
        self.expr(node.then)
        if node.otherwise is not None:
            self.write(" else ")
            self.expr(node.otherwise)

    def _AtTime(self, node: ast.AtTime) -> None:
        self.write("at (")
        self.expr(node.time)
        self.write(") ")
        self.expr(node.expr)

    def _Arrow(self, node: ast.Arrow) -> None:
        if node.params == (THIS,) and node.rest is None:
            self.expr(node.body)  # a short lambda, `.x`
            return
        params = list(node.params) + ([f"...{node.rest}"] if node.rest is not None else [])
        self.write("(" + ", ".join(params) + ") => ")
        self.expr(node.body)

    def _Unary(self, node: ast.Unary) -> None:
        self.write(node.op)
        self.expr(node.operand)

    def _Binary(self, node: ast.Binary) -> None:
        self.expr(node.left)
        self.write(f" {node.op} ")
        self.expr(node.right)

    def _Project(self, node: ast.Project) -> None:
        self.expr(node.expr)
        self.write(" {\n")
        self.depth += 1
        self._pairs(node.fields)
        self.depth -= 1
        self.write("}\n")

    def _pairs(self, pairs: t.Sequence[tuple[str, ast.Node]]) -> None:
        for i, (name, value) in enumerate(pairs):
            self.write(ident(name) + ": ")
            self.expr(value)
            self.write(",\n" if i < len(pairs) - 1 else "\n")

    def _Object(self, node: ast.Object) -> None:
        self.write("{\n")
        self.depth += 1
        self._pairs(node.pairs)
        self.depth -= 1
        self.write("}")

    def _Paren(self, node: Paren) -> None:
        self.write("(")
        self.commas(node.items)
        self.write(")")

    def _Array(self, node: ast.Array) -> None:
        self.write("[")
        self.commas(node.items)
        self.write("]")

    def _Block(self, node: ast.Block) -> None:
        self.block(node.body)

    def _Program(self, node: ast.Program) -> None:
        self.body(node.body)

    def _Let(self, node: ast.Let) -> None:
        self.write(f"let {node.name}")
        if node.type is not None:
            self.write(": " + type_text(node.type))
        self.write(" = ")
        self.expr(node.value)

    def _Member(self, node: ast.Member) -> None:
        self.expr(node.obj)
        self.write(("?." if node.optional else ".") + node.name)

    def _Apply(self, node: ast.Apply) -> None:
        self.expr(node.fn)
        self.write("?.(" if node.optional else "(")
        self.commas(node.args)
        self.write(")")

    def _Index(self, node: ast.Index) -> None:
        self.expr(node.obj)
        self.write("?.[" if node.optional else "[")
        self.expr(node.key)
        self.write("]")

    def _NonNull(self, node: ast.NonNull) -> None:
        self.expr(node.expr)
        self.write("!")

    def text(self) -> str:
        return "".join(self.parts)


def type_text(source: str) -> str:
    """A type expression as core displays it; the source as written if it does not parse."""
    try:
        return signatures.show(signatures.parse(source))
    except (signatures.SignatureError, signatures.DefaultInSignature):
        return source


def expr(node: ast.Node) -> str:
    """`node` as core's `expr.display` writes it."""
    writer = _Writer()
    writer.expr(node)
    return writer.text()


def block(stmts: t.Sequence[ast.Node]) -> str:
    """Statements as a block, `{`, each on its own line indented, `}`."""
    writer = _Writer()
    writer.block(stmts)
    return writer.text()
