"""The v4 Transformer: lark's tree for grammar/fql4.lark becomes ast nodes, one node per method."""

from __future__ import annotations

import re

from lark import Token, Transformer, v_args

from .. import ast
from ..ast import Span
from . import dialects
from .dialects import PLAIN, QUERY_TAILS, SPECIAL

_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.DOTALL)
#: Quoted key tokens (a bare name or an integer key is taken as written).
_QUOTED = ("DOUBLE_STRING", "SINGLE_STRING")
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
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass")


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


def _key(token: Token) -> str:
    """An object key as written: quoted keys are unescaped, bare names and integers taken as they are."""
    return string_token(token) if token.type in _QUOTED else str(token)


def _span(first: Token, last: Token | None = None) -> Span:
    """The span from the start of `first` to the end of `last` (tokens carry their own positions)."""
    last = last or first
    return Span(first.line, first.column, first.start_pos, last.end_pos, last.end_line, last.end_column)


@v_args(inline=True)
class ToAst(Transformer):
    """Build ast nodes from the v4 parse tree, during parsing (LALR runs this transformer inline).

    Spans come from the tokens: lark's propagate_positions would cost about half the parse time.
    Driver spellings (`Obj("k", v)`, `f.Arr{1}`, `x => ...`) are lowered by `dialects` as they reduce.
    """

    def start(self, *body):
        if not PLAIN.issuperset(map(type, body)):
            dialects.check_plain(body)
        return ast.Program(tuple(body))

    def call(self, first, lpar, *rest):
        name = first.value
        *args, rpar = rest
        if args == [None]:
            args = []
        node = ast.Call(name, tuple(args), span=_span(first, rpar))
        # Most calls are plain, and three cheap tests say so: no helper's name, no client call, no marker.
        if name in SPECIAL or name[-6:] in QUERY_TAILS or not PLAIN.issuperset(map(type, args)):
            return dialects.lower_call(node)
        return node

    def method(self, target, name, lpar, *rest):
        *args, rpar = rest
        if args == [None]:
            args = []
        dialects.check_plain((target, *args))
        return dialects.lower_method(target, name, args, dialects.join(target, rpar))

    def brace(self, first, lbrace, *rest):
        *items, rbrace = rest
        return dialects.lower_brace(first.value, first, [] if items == [None] else items, _span(first, rbrace))

    def fn(self, first, *rest):
        *params, body = rest
        if first.type == "NAME":
            params = [first]
        names = tuple(p for p in params if p is not None and p.type == "NAME")
        dialects.check_plain((body,))
        return dialects.Fn(first, names, body)

    def kwarg(self, name, *rest):
        # `size=2` keeps its EQUAL token, `size: 2` drops the colon: the value is last either way.
        return dialects.keyword(name, rest[-1])

    def scala_pair(self, key, arrow, value):
        dialects.check_plain((value,))
        return dialects.Pair(key, string_token(key), value)

    def name(self, token):
        """A bare name in a driver lambda's body is its variable: `x => q.Get(x)` reads `Var("x")`."""
        span = _span(token)
        return ast.Call("Var", (ast.Literal(str(token), span=span),), span=span)

    def object(self, lbrace, *rest):
        *pairs, rbrace = rest
        if pairs == [None]:
            pairs = []
        return ast.Object(tuple(pairs), span=_span(lbrace, rbrace))

    def pair(self, key, value):
        if type(value) not in PLAIN:
            dialects.check_plain((value,))
        return (_key(key), value)

    def top_object(self, lbrace, *rest):
        *pairs, rbrace = rest
        if pairs == [None]:
            pairs = []
        node = ast.Object(tuple((_key(k), v) for k, v in pairs), span=_span(lbrace, rbrace))
        if pairs and all(k.type == "DOUBLE_STRING" for k, _ in pairs):
            return dialects.wire_form(node)
        return node

    def top_pair(self, key, value):
        if type(value) not in PLAIN:
            dialects.check_plain((value,))
        return (key, value)

    def array(self, lsqb, *rest):
        *items, rsqb = rest
        if items == [None]:
            items = []
        elif not PLAIN.issuperset(map(type, items)):
            dialects.check_plain(items)
        return ast.Array(tuple(items), span=_span(lsqb, rsqb))

    def string(self, token):
        return ast.Literal(string_token(token), span=_span(token))

    def number(self, *tokens):
        text = "".join(str(t) for t in tokens)
        if tokens[-1].type == "LONG":
            # Java's long suffix: `181388642114077184L` is the integer.
            text = text[:-1]
        return ast.Literal(number_text(text), span=_span(tokens[0], tokens[-1]))

    def true(self, token):
        return ast.Literal(True, span=_span(token))

    def false(self, token):
        return ast.Literal(False, span=_span(token))

    def null(self, token):
        return ast.Literal(None, span=_span(token))
