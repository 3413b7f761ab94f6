"""The v4 Transformer: lark's tree for grammar/fql4.lark becomes ast nodes, one node per method."""

from __future__ import annotations

import re

from lark import Token, Transformer, v_args

from .. import ast
from ..ast import Span

_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def unescape(body: str) -> str:
    """Resolve JavaScript string escapes (`\\n`, `\\u00e9`, `\\u{1F600}`, `\\x41`, `\\'`)."""

    def one(m: re.Match) -> str:
        esc = m.group(1)
        if esc.startswith("u{"):
            return chr(int(esc[2:-1], 16))
        if esc.startswith("u") and len(esc) == 5:
            return chr(int(esc[1:], 16))
        if esc.startswith("x") and len(esc) == 3:
            return chr(int(esc[1:], 16))
        return _SIMPLE_ESCAPES.get(esc, esc)

    text = _ESCAPE.sub(one, body)
    # Join surrogate pairs written as two \uXXXX escapes.
    return text.encode("utf-16", "surrogatepass").decode("utf-16")


def string_token(token: Token) -> str:
    return unescape(token.value[1:-1])


def number_text(text: str) -> int | float:
    lowered = text.lower()
    sign = -1 if lowered.startswith("-") else 1
    digits = lowered.lstrip("+-")
    if digits.startswith("0x"):
        return sign * int(digits, 16)
    if digits.startswith("0b"):
        return sign * int(digits, 2)
    if re.fullmatch(r"[0-9]+", digits):
        return sign * int(digits)
    return sign * float(digits)


def _span(first: Token, last: Token | None = None) -> Span:
    """The span from the start of `first` to the end of `last` (tokens carry their own positions)."""
    last = last or first
    return Span(first.line, first.column, first.start_pos, last.end_pos, last.end_line, last.end_column)


def _node_start(node: ast.Node) -> Span:
    return node.span


@v_args(inline=True)
class ToAst(Transformer):
    """Build ast nodes from the v4 parse tree, during parsing (LALR runs this transformer inline).

    Spans come from the tokens: lark's propagate_positions would cost about half the parse time.
    """

    def start(self, *body):
        return ast.Program(tuple(body))

    def call(self, callee, lpar, *rest):
        name, first = callee
        *args, rpar = rest
        if args == [None]:
            args = []
        return ast.Call(name, tuple(args), span=_span(first, rpar))

    def callee(self, *names):
        return ".".join(str(n) for n in names), names[0]

    def object(self, lbrace, *rest):
        *pairs, rbrace = rest
        if pairs == [None]:
            pairs = []
        return ast.Object(tuple(pairs), span=_span(lbrace, rbrace))

    def pair(self, key, value):
        return (key, value)

    def key(self, token):
        if token.type in ("DOUBLE_STRING", "SINGLE_STRING"):
            return string_token(token)
        return str(token)

    def array(self, lsqb, *rest):
        *items, rsqb = rest
        if items == [None]:
            items = []
        return ast.Array(tuple(items), span=_span(lsqb, rsqb))

    def string(self, token):
        return ast.Literal(string_token(token), span=_span(token))

    def number(self, *tokens):
        return ast.Literal(number_text("".join(str(t) for t in tokens)), span=_span(tokens[0], tokens[-1]))

    def true(self, token):
        return ast.Literal(True, span=_span(token))

    def false(self, token):
        return ast.Literal(False, span=_span(token))

    def null(self, token):
        return ast.Literal(None, span=_span(token))
