"""Core's Displayer for the FQL that FSL holds: FQL parsed keeping what core's tree keeps (the parentheses
the source wrote, numbers as written) and printed back as core prints it, with its quoting of strings and
names, its types and field paths, and the indentation its writer gives each line. The FSL parser stores
what it prints, the source generator writes items with it, and the diff compares what it parses.

Core does not copy FQL text: it parses every snippet and prints the tree back. So `(x)=>x+1` is stored
as `(x) => x + 1`, single quotes become double ones, and a block is laid out one statement per line,
indented by two spaces. Parentheses the source wrote are kept (core's tree holds them as one-element
tuples), and none are added: the printer knows no precedence.
"""

from __future__ import annotations

import functools
import re
import typing as t
from decimal import Decimal

import attrs
from attrs import field, frozen
from lark import Lark, Token, v_args

from .. import ast
from ..ast import NO_SPAN, THIS, Span
from ..errors import FQLError
from ..eval.v10 import signatures as sig
from ..parse import GRAMMAR_DIR, parse_v10, v10
from ..wire.v10 import Indented


class InvalidDefinition(ValueError):
    """A stored definition core could not turn into FSL (a body that is not a lambda, a bad path or
    signature); the message names the item and the member."""


class DefinitionTooDeep(InvalidDefinition):
    """A definition nested deeper than this thread's stack can print: a query that meets it runs again on
    a deep thread (fql/database.py), where it prints or is a `stack overflow`."""


# -- quoting: strings and names (core's Chars and Tokens) -------------------------------------------

#: Characters written as an escape in a string literal (core's Chars.Unescaped); `'` is written as is.
_ESCAPED = {"\\": "\\", "\0": "0", '"': '"', "\n": "n", "\r": "r", "\v": "v", "\t": "t", "\b": "b", "\f": "f", "#": "#"}

#: Characters core never writes raw (Chars.isDisplay is false): they become `\uXXXX`.
_NON_DISPLAY = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufeff\ufff0-\uffff\u2000-\u200f\u2028-\u202f\u2060-\u206f]")


def is_ident(name: str) -> bool:
    """Whether core writes `name` bare (Tokens.isValidIdent), else as a string literal."""
    return sig.IDENT.fullmatch(name) is not None and name not in v10.KEYWORDS


def ident(name: str) -> str:
    """A name as core writes it (writeIdent): bare if it can be, else a string literal."""
    return name if is_ident(name) else quote(name)


def quote(text: str) -> str:
    """A string literal as core writes it: double quotes, its escapes, `\\uXXXX` for a character it does
    not display and `\\u{XXXXXX}` for any outside the BMP."""
    return '"' + _string_body(text) + '"'


def _string_body(text: str) -> str:
    out = []
    for c in text:
        code = ord(c)
        if c in _ESCAPED:
            out.append("\\" + _ESCAPED[c])
        elif code > 0xFFFF:
            out.append(f"\\u{{{code:06x}}}")
        elif _NON_DISPLAY.match(c):
            out.append(f"\\u{code:04x}")
        else:
            out.append(c)
    return "".join(out)


# -- the writer: core's Displayer (indentation at the start of each line) -----------------------------


class Writer(Indented):
    """FSL and embedded FQL text as core's Displayer writes them (indentation: `Indented`)."""

    def ident(self, name: str) -> None:
        self.write(ident(name))

    def separated(self, values: t.Iterable[t.Any], each: t.Callable[[t.Any], None], sep: str = ", ") -> None:
        for i, value in enumerate(values):
            if i:
                self.write(sep)
            each(value)



# -- parsing: fql's v10 grammar, keeping parentheses and exact numbers --------------------------------


@frozen
class Group(ast.Node):
    """`(a)` or `(a, b)` as written: core keeps parentheses in its tree (a tuple) and prints them back."""

    items: tuple[ast.Node, ...]
    span: Span = field(default=NO_SPAN, eq=False, repr=False, kw_only=True)


@v_args(inline=True)
class _KeepParens(v10.ToAst):
    """fql's v10 Transformer, except that parentheses stay in the tree and numbers keep their exact value
    (an integer of any size, a decimal as written), which is what core prints. (It reuses the v10
    module's helpers for short lambdas, so that `(.x)` means what it means to the evaluator.)"""

    def group(self, paren):
        if paren.rest is not None:
            raise v10._invalid_variadic(paren)
        if len(paren.items) == 1 and isinstance(paren.items[0], v10._Short) and not paren.items[0].paren:
            # Core's Tuple(ShortLambda): the parentheses go round the lambda's body, so that they stay
            # where an operator or a chain takes the lambda in (`(.x) + 1`, `(.x).y`).
            return v10._Short(Group((paren.items[0].body,), span=paren.span), paren=True)
        return Group(tuple(v10._arg(i) for i in paren.items), span=paren.span)

    def int(self, token: Token):
        return ast.Literal(_exact_number(token), span=v10._span(token))

    float = int


def _exact_number(token: Token) -> int | Decimal:
    """Core's Literal.Int (a BigInt) or Literal.Float (a BigDecimal, its digits and scale as written)."""
    text = str(token).replace("_", "").replace(" ", "").replace("\t", "")
    negative = text.startswith("-")
    text = text.lstrip("+-")
    lowered = text.lower()
    value: int | Decimal
    for prefix, base in (("0x", 16), ("0o", 8), ("0b", 2)):
        if lowered.startswith(prefix):
            value = int(lowered[2:], base)
            break
    else:
        value = Decimal(text) if token.type == "FLOAT" else int(text)
    if not negative:
        return value
    if isinstance(value, Decimal):
        # copy_negate keeps every digit (unary minus rounds to the context); BigDecimal has no -0.0.
        return value.copy_negate() if value else value
    return -value


@functools.cache
def _parser() -> Lark:
    return Lark.open(
        str(GRAMMAR_DIR / "fql10.lark"), parser="lalr", lexer=v10.Lexer, transformer=_KeepParens(), maybe_placeholders=True
    )


@functools.lru_cache(maxsize=4096)
def parse_kept(text: str) -> ast.Program:
    """Parse v10 `text` as fql does, keeping parentheses as `Group`s and numbers exact; raises ParseError
    as `fql.parse` does. Cached by text (nodes are immutable): the schema's FQL is printed anew each time
    its files are drawn up."""
    return parse_v10(text, _parser())


def parse_fql(text: str, what: str) -> tuple[ast.Node, ...]:
    """The statements of stored FQL `text`; InvalidDefinition naming `what` if it does not parse."""
    try:
        return parse_kept(text).body
    except FQLError as err:
        raise InvalidDefinition(f"{what} is not valid FQL: {err}") from None


def is_short(node: t.Any) -> bool:
    """Whether `node` is a short lambda (`.x`, core's ShortLambda): it prints as its body alone."""
    return isinstance(node, ast.Arrow) and node.params == (THIS,) and node.rest is None


def paren_lambda(node: t.Any) -> ast.Arrow | None:
    """The lambda in core's one-element tuple holding one: `((x) => x)`, or `(.x)`, which comes back as
    the short lambda `.x` (the parentheses are the lambda's, not its body's); None for anything else."""
    if is_short(node) and isinstance(node.body, Group) and len(node.body.items) == 1:
        return ast.Arrow((THIS,), node.body.items[0], span=node.span)
    if isinstance(node, Group) and len(node.items) == 1 and isinstance(node.items[0], ast.Arrow):
        # `((.x))` is a tuple holding a tuple in core: no lambda.
        return None if is_short(node.items[0]) else node.items[0]
    return None


def parse_lambda(text: str, what: str) -> ast.Arrow:
    """A stored lambda (core's Parser.lambdaExpr): one statement, a lambda or `(.x)`."""
    body = parse_fql(text, what)
    if len(body) != 1 or not isinstance(body[0], ast.Arrow):
        raise InvalidDefinition(f"{what} is not a lambda: {text!r}")
    return paren_lambda(body[0]) or body[0]


# -- printing: core's Displayer.writeExpr --------------------------------------------------------------


def write_expr(w: Writer, node: t.Any) -> None:
    """Core's Displayer.writeExpr."""
    write = _EXPRS.get(type(node))
    if write is None:
        raise InvalidDefinition(f"fql cannot print {type(node).__name__} as FSL")
    write(w, node)


def write_lambda(w: Writer, node: ast.Arrow) -> None:
    """Core's displayLambda: a long lambda as it is, a short one in parentheses (`(.x)`)."""
    if is_short(node):
        _group(w, Group((node,)))
    else:
        write_expr(w, node)


def _text(write: t.Callable[[Writer, t.Any], None], node: t.Any) -> str:
    w = Writer()
    write(w, node)
    return w.text()


def expr(node: ast.Node) -> str:
    """`node` as core's `expr.display` writes it."""
    return _text(write_expr, node)


def lambda_text(node: ast.Arrow) -> str:
    """A lambda as core stores it (displayLambda): a short one in parentheses."""
    return _text(write_lambda, node)


def block(stmts: t.Iterable[ast.Node]) -> str:
    """Statements as a block: `{`, each on its own line indented, `}`."""
    return _text(_block, ast.Block(tuple(stmts)))


def write_fql(w: Writer, text: str, what: str) -> None:
    """Stored FQL (one expression, as a default or a backfill value) written as core writes it, its lines
    indented from where `w` is."""
    w.separated(parse_fql(text, what), lambda stmt: write_expr(w, stmt), "\n")


def _literal(w: Writer, node: ast.Literal) -> None:
    value = node.value
    if value is None:
        w.write("null")
    elif isinstance(value, bool):
        w.write("true" if value else "false")
    elif isinstance(value, str):
        w.write(quote(value))
    else:
        w.write(str(value))  # an int or a Decimal: BigInt's and BigDecimal's toString


def _ident(w: Writer, node: ast.Ident) -> None:
    if node.name != THIS:
        w.write(node.name)


def _template(w: Writer, node: ast.Template) -> None:
    w.write('"')
    for part in node.parts:
        if isinstance(part, str):
            w.write(_string_body(part))
        else:
            w.write("#{")
            write_expr(w, part)
            w.write("}")
    w.write('"')


def _if_else(w: Writer, node: ast.IfElse) -> None:
    w.write("if (")
    write_expr(w, node.cond)
    w.write(") ")
    write_expr(w, node.then)
    if node.otherwise is not None:
        w.write(" else ")
        write_expr(w, node.otherwise)


def _at_time(w: Writer, node: ast.AtTime) -> None:
    w.write("at (")
    write_expr(w, node.time)
    w.write(") ")
    write_expr(w, node.expr)


def _arrow(w: Writer, node: ast.Arrow) -> None:
    if is_short(node):
        write_expr(w, node.body)
        return
    params = list(node.params) + ([] if node.rest is None else ["..." + node.rest])
    w.write("(" + ", ".join(params) + ") => ")
    write_expr(w, node.body)


def _unary(w: Writer, node: ast.Unary) -> None:
    w.write(node.op)
    write_expr(w, node.operand)


def _binary(w: Writer, node: ast.Binary) -> None:
    write_expr(w, node.left)
    w.write(f" {node.op} ")
    write_expr(w, node.right)


def _pairs(w: Writer, pairs: t.Sequence[tuple[str, ast.Node]]) -> None:
    """`name: value`, one a line and indented, commas between (core's writeCommaSeparatedNewlines)."""
    w.depth += 1
    for i, (name, value) in enumerate(pairs):
        w.ident(name)
        w.write(": ")
        write_expr(w, value)
        if i != len(pairs) - 1:
            w.write(",")
        w.line()
    w.depth -= 1


def _project(w: Writer, node: ast.Project) -> None:
    write_expr(w, node.expr)
    w.line(" {")
    _pairs(w, node.fields)
    w.line("}")  # core ends a projection's line too


def _object(w: Writer, node: ast.Object) -> None:
    w.line("{")
    _pairs(w, node.pairs)
    w.write("}")


def _group(w: Writer, node: Group) -> None:
    w.write("(")
    w.separated(node.items, lambda item: write_expr(w, item))
    w.write(")")


def _array(w: Writer, node: ast.Array) -> None:
    w.write("[")
    w.separated(node.items, lambda item: write_expr(w, item))
    w.write("]")


def _block(w: Writer, node: ast.Block) -> None:
    w.line("{")
    w.depth += 1
    for stmt in node.body:
        write_expr(w, stmt)
        w.line()
    w.depth -= 1
    w.write("}")


def _let(w: Writer, node: ast.Let) -> None:
    w.write(f"let {node.name}")
    if node.type is not None:
        w.write(": " + _let_type(node.type))
    w.write(" = ")
    write_expr(w, node.value)


def _let_type(text: str) -> str:
    # A type fql's signature parser does not read (it reads what collections and functions declare) is
    # written as the source has it, rather than failing the whole item.
    try:
        return sig.show(sig.parse(text))
    except sig.SignatureError:
        return text.strip()


def _member(w: Writer, node: ast.Member) -> None:
    write_expr(w, node.obj)
    w.write(("?." if node.optional else ".") + node.name)


def _apply(w: Writer, node: ast.Apply) -> None:
    write_expr(w, node.fn)
    w.write("?.(" if node.optional else "(")
    w.separated(node.args, lambda arg: write_expr(w, arg))
    w.write(")")


def _index(w: Writer, node: ast.Index) -> None:
    write_expr(w, node.obj)
    w.write("?.[" if node.optional else "[")
    write_expr(w, node.key)
    w.write("]")


def _non_null(w: Writer, node: ast.NonNull) -> None:
    write_expr(w, node.expr)
    w.write("!")


_EXPRS: dict[type, t.Callable[[Writer, t.Any], None]] = {
    ast.Literal: _literal,
    ast.Ident: _ident,
    ast.Template: _template,
    ast.IfElse: _if_else,
    ast.AtTime: _at_time,
    ast.Arrow: _arrow,
    ast.Unary: _unary,
    ast.Binary: _binary,
    ast.Project: _project,
    ast.Object: _object,
    Group: _group,
    ast.Array: _array,
    ast.Block: _block,
    ast.Let: _let,
    ast.Member: _member,
    ast.Apply: _apply,
    ast.Index: _index,
    ast.NonNull: _non_null,
}


# -- signatures -------------------------------------------------------------------------------------


def type_of(text: str, what: str, schema: bool = False) -> t.Any:
    """A stored signature's type expression (fql's parser of core's type syntax); `schema` for a defined
    field's, whose object fields may have defaults."""
    try:
        return sig.parse(text, schema=schema)
    except sig.SignatureError as err:
        raise InvalidDefinition(f"{what} is not a valid type: {err.message} in {text!r}") from None


def type_text(text: str, what: str, schema: bool = False) -> str:
    """A stored signature as core prints it (Displayer.displayTExpr: spaces and parentheses its own; a
    default inside it as core re-writes FQL)."""
    texpr = type_of(text, what, schema)
    return sig.show(sig.map_defaults(texpr, lambda d: attrs.evolve(d, source=_default_text(d.source))))


def _default_text(source: str) -> str:
    try:
        return expr(parse_kept(source).body[0])
    except (FQLError, IndexError):
        return source.strip()


# -- paths (index terms and values, unique constraints, migrations) ----------------------------------

_PATH_STEP = re.compile(
    rf"""\.\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | \[\s*(?:(?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(?P<int>{sig.INDEX_LITERAL}))\s*\]""",
    re.VERBOSE,
)


def parse_path(text: str, what: str) -> list[str | int]:
    """A stored field path (`name`, `.a.b`, `.["a b"]`, `.[0]`, core's FieldPath) as its steps."""
    rest = text if text.startswith(".") else "." + text
    if rest.startswith(".["):
        rest = rest[1:]
    steps: list[str | int] = []
    pos = 0
    while pos < len(rest):
        m = _PATH_STEP.match(rest, pos)
        if m is None:
            raise InvalidDefinition(f"{what} is not a valid field path: {text!r}")
        if m.group("name") is not None:
            steps.append(m.group("name"))
        elif m.group("str") is not None:
            steps.append(sig.unquote(m.group("str")))
        else:
            index = sig.index_literal(m.group("int"))
            if index is None:
                raise InvalidDefinition(f"{what} is not a valid field path: {text!r}")
            steps.append(index)
        pos = m.end()
    if not steps:
        raise InvalidDefinition(f"{what} is not a valid field path: {text!r}")
    return steps


def path_text(steps: t.Sequence[str | int]) -> str:
    """Core's Displayer.writePath: `.a.b`, `.["a b"]`, `.a[0]`."""
    out = []
    for i, step in enumerate(steps):
        if isinstance(step, str) and is_ident(step):
            out.append("." + step)
        else:
            out.append(("." if i == 0 else "") + "[" + (quote(step) if isinstance(step, str) else str(step)) + "]")
    return "".join(out)
