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


@v_args(inline=True, meta=True)
class ToAst(Transformer):
    """Build ast nodes from the v4 parse tree."""

    def start(self, meta, *body):
        return ast.Program(tuple(body), span=Span.of(meta))

    def call(self, meta, callee, *args):
        if args == (None,):
            args = ()
        return ast.Call(callee, tuple(args), span=Span.of(meta))

    def callee(self, meta, *names):
        return ".".join(str(n) for n in names)

    def object(self, meta, *pairs):
        if pairs == (None,):
            pairs = ()
        return ast.Object(tuple(pairs), span=Span.of(meta))

    def pair(self, meta, key, value):
        return (key, value)

    def key(self, meta, token):
        if token.type in ("DOUBLE_STRING", "SINGLE_STRING"):
            return string_token(token)
        return str(token)

    def array(self, meta, *items):
        if items == (None,):
            items = ()
        return ast.Array(tuple(items), span=Span.of(meta))

    def string(self, meta, token):
        return ast.Literal(string_token(token), span=Span.of(meta))

    def number(self, meta, *tokens):
        return ast.Literal(number_text("".join(str(t) for t in tokens)), span=Span.of(meta))

    def true(self, meta, _token):
        return ast.Literal(True, span=Span.of(meta))

    def false(self, meta, _token):
        return ast.Literal(False, span=Span.of(meta))

    def null(self, meta, _token):
        return ast.Literal(None, span=Span.of(meta))
