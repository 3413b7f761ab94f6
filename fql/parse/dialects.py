"""The drivers' spellings of v4 (Python, Go, Java, C#, Scala, JSON) lowered to the shell's AST nodes."""

from __future__ import annotations

import re
import typing as t

from attrs import frozen
from lark import Token

from .. import ast
from ..ast import Span
from ..errors import ParseError

#: Node kinds a finished v4 tree holds; anything else is a marker that must not leave its call. A query
#: written as wire JSON whose escape does not decode (`{"@ts": "bad"}`) is an ast.Invalid, failing as core does.
PLAIN = frozenset({ast.Call, ast.Object, ast.Array, ast.Literal, ast.Form, ast.Value, ast.Invalid})

#: The driver prefixes a call name may carry (`q.Add`, `f.Obj`), as the registry strips them.
_PREFIX = re.compile(r"^(?:q|f|query|fauna)\.", re.IGNORECASE)
_PREFIXES = ("", "q.", "f.", "query.", "fauna.")
#: The names a lambda call goes by; with one driver lambda as its argument it becomes that lambda.
_LAMBDA_NAMES = ("lambda", "lambdaquery", "lambdaexpr")
#: `client.query(expr)` (JavaScript, Python, Scala) and `client.Query(expr)` (C#, Go) wrap a query.
QUERY_TAILS = frozenset({".query", ".Query"})


@frozen
class Fn:
    """A driver's own lambda (`lambda x: ...`, `x => ...`): the driver sends `Lambda(params, body)`."""

    first: Token
    params: tuple[Token, ...]
    body: ast.Node

    def to_lambda(self, name: str = "Lambda") -> ast.Call:
        if not self.params:
            # The Python driver: "Function must take at least 1 argument."
            raise error(self.first, "A lambda takes at least one parameter.")
        names = [ast.Literal(str(p), span=token_span(p)) for p in self.params]
        params = names[0] if len(names) == 1 else ast.Array(tuple(names), span=join(self.params[0], self.params[-1]))
        return ast.Call(name, (params, self.body), span=join(self.first, self.body))


@frozen
class Keyword:
    """A named optional argument: Python `size=2`, C# `size: 2`, Go `f.Size(2)`."""

    #: Where it starts: the name's token, or the Go option's call node.
    first: Token | ast.Node
    key: str
    value: ast.Node


@frozen
class Pair:
    """Scala's `"key" -> value`, an argument of `Obj(...)`."""

    first: Token
    key: str
    value: ast.Node


MARKERS = (Fn, Keyword, Pair)


# Spans and errors -----------------------------------------------------------------------------------


def token_span(token: Token) -> Span:
    return Span(token.line, token.column, token.start_pos, token.end_pos, token.end_line, token.end_column)


def join(first: Token | ast.Node, last: Token | ast.Node) -> Span:
    """The span from the start of `first` to the end of `last` (each a token or a node)."""
    start = first.span if isinstance(first, ast.Node) else token_span(first)
    end = last.span if isinstance(last, ast.Node) else token_span(last)
    return Span(start.line, start.column, start.start, end.end, end.end_line, end.end_column)


class DialectError(ParseError):
    """A driver spelling used wrongly (`Obj("a")`, `size=1, x`): the text is v4, whatever else parses it."""


def error(where: t.Any, message: str, kind: type[ParseError] = DialectError) -> ParseError:
    """A ParseError at a token, a node, a marker or a brace's `key: value` pair."""
    while isinstance(where, (*MARKERS, tuple)):
        where = where[1] if isinstance(where, tuple) else where.first
    span = where.span if isinstance(where, ast.Node) else token_span(where)
    return kind(message, line=span.line, column=span.column)


def check_plain(items: t.Iterable[t.Any]) -> None:
    """Fail on a marker outside an argument list (`[f.Size(2)]`: a Go option belongs to a call)."""
    for item in items:
        if type(item) not in PLAIN:
            raise error(item, f"{_describe(item)} is only allowed as a function's argument.")


def _describe(item: t.Any) -> str:
    if isinstance(item, Keyword):
        return f"The optional argument `{item.key}`"
    if isinstance(item, Pair):
        return "A `\"key\" -> value` pair"
    if isinstance(item, tuple):
        return "A `key: value` pair"
    return "A driver lambda"


def base(name: str) -> str:
    """A name's lookup key, as the registry normalises it: `q.create_index` -> `createindex`."""
    return _PREFIX.sub("", name).replace("_", "").lower()


def _prefix(name: str) -> str:
    match = _PREFIX.match(name)
    return match.group(0) if match else ""


# Calls ----------------------------------------------------------------------------------------------


def lower_call(node: ast.Call) -> ast.Node | Keyword:
    """A call that names a driver helper or holds markers, in the shell's nodes."""
    if not PLAIN.issuperset(map(type, node.args)):
        node = _lower_args(node)
    handler = SPECIAL.get(node.name)
    if handler is not None:
        return handler(node)
    if node.name[-6:] in QUERY_TAILS and not _prefix(node.name) and len(node.args) == 1:
        return node.args[0]
    return node


def _lower_args(node: ast.Call) -> ast.Call:
    args = node.args
    if len(args) == 1 and type(args[0]) is Fn and base(node.name) in _LAMBDA_NAMES:
        # `q.Lambda(x => ...)`, `q.lambda_query(lambda x: ...)`: the driver builds Lambda("x", ...) itself.
        return args[0].to_lambda(node.name)
    positional: list[t.Any] = []
    keywords: list[Keyword] = []
    for arg in args:
        kind = type(arg)
        if kind is Keyword:
            keywords.append(arg)
        elif keywords:
            raise error(arg, "A positional argument follows a keyword argument.")
        elif kind is Pair and base(node.name) != "obj":
            raise error(arg, "A `\"key\" -> value` pair is only allowed in Obj(...).")
        else:
            positional.append(arg.to_lambda() if kind is Fn else arg)
    if keywords:
        positional.extend(_keyword_args(node.name, keywords))
    return ast.Call(node.name, tuple(positional), span=node.span)


def _keyword_args(name: str, keywords: list[Keyword]) -> list[ast.Node]:
    """Keyword arguments: Paginate's become its options object (`Paginate(s, {size: 2})`), others positional."""
    seen: set[str] = set()
    for kw in keywords:
        if kw.key in seen:
            raise error(kw, f"The argument `{kw.key}` is given twice.")
        seen.add(kw.key)
    if base(name) == "paginate":
        first, last = keywords[0], keywords[-1]
        return [ast.Object(tuple((kw.key, kw.value) for kw in keywords), span=join(first.first, last.value))]
    return [kw.value for kw in keywords]


def keyword(name: Token, value: ast.Node) -> Keyword:
    """`size=2` / `size: 2`; Python's trailing underscore (`from_`) is not part of the key."""
    check_plain((value,))
    return Keyword(name, str(name).rstrip("_") or str(name), value)


def _obj(node: ast.Call) -> ast.Object:
    """Java and C# `Obj("k", v, "k2", v2)`, Scala `Obj("k" -> v)`."""
    args = node.args
    if args and all(type(a) is Pair for a in args):
        return ast.Object(tuple((a.key, a.value) for a in args), span=node.span)
    check_plain(args)
    if len(args) % 2:
        raise error(node, "Obj(...) takes keys and values in pairs: Obj(\"key\", value, ...).")
    keys = args[::2]
    for key in keys:
        if type(key) is not ast.Literal or not isinstance(key.value, str):
            raise error(key, "An Obj(...) key must be a string.")
    return ast.Object(tuple((k.value, v) for k, v in zip(keys, args[1::2])), span=node.span)


def _js_object(node: ast.Call) -> ast.Object:
    """JavaScript's `q.Object({ k: v })` wraps an object as `{"object": ...}`, the wire's object literal; the
    shells evaluate queries with the driver's functions in scope, so Fauna's docs write `Object({...})`."""
    if len(node.args) != 1 or type(node.args[0]) is not ast.Object:
        raise error(node, "Object(...) takes one object: Object({ key: value }).")
    return ast.Object(node.args[0].pairs, span=node.span)


def _arr(node: ast.Call) -> ast.Array:
    """Java, C# and Scala `Arr(1, 2)`, Java `Path("data", "name")`."""
    return ast.Array(node.args, span=node.span)


def _value(node: ast.Call) -> ast.Node:
    """Java's `Value(x)` wraps a plain value: it is just `x`."""
    if len(node.args) != 1:
        raise error(node, "Value(...) takes one value.")
    return node.args[0]


def _null(node: ast.Call) -> ast.Literal:
    """Java, C# and Go `Null()`."""
    if node.args:
        raise error(node, "Null() takes no arguments.")
    return ast.Literal(None, span=node.span)


def _renamed(to: str) -> t.Callable[[ast.Call], ast.Call]:
    """A driver helper that sends another function's form: Go `f.RefCollection(c, id)` is `Ref(c, id)`."""

    def rename(node: ast.Call) -> ast.Call:
        return ast.Call(_prefix(node.name) + to, node.args, span=node.span)

    return rename


def _wire_order(node: ast.Call) -> ast.Call:
    """Python `q.map_(fn, coll)` sends the wire's order; the shell writes `Map(coll, fn)`."""
    if len(node.args) != 2:
        return node
    return ast.Call(node.name, node.args[::-1], span=node.span)


def _go_option(key: str) -> t.Callable[[ast.Call], Keyword]:
    """Go's optional parameters are calls: `f.Paginate(set, f.Size(2))`, `f.Select(p, v, f.Default(0))`."""

    def option(node: ast.Call) -> Keyword:
        if key == "first" and not node.args:
            return Keyword(node, key, ast.Literal(True, span=node.span))
        if len(node.args) != 1:
            raise error(node, f"{node.name}(...) takes one value.")
        return Keyword(node, key, node.args[0])

    return option


def _spellings(name: str) -> list[str]:
    """Every driver's spelling of a CamelCase name: `Obj`, `q.obj`, `f.Obj`, `ref_collection`, `value_`."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
    return [p + form for p in _PREFIXES for form in {name, name.lower(), snake, snake + "_"}]


def _table() -> dict[str, t.Callable[[ast.Call], t.Any]]:
    table: dict[str, t.Callable[[ast.Call], t.Any]] = {}
    helpers = {"Obj": _obj, "Arr": _arr, "Path": _arr, "Value": _value, "Null": _null}
    helpers |= {"RefCollection": _renamed("Ref"), "RefClass": _renamed("Ref"), "MatchTerm": _renamed("Match")}
    helpers |= {"LambdaQuery": _renamed("Lambda"), "LambdaExpr": _renamed("Lambda")}
    for name, handler in helpers.items():
        table |= dict.fromkeys(_spellings(name), handler)
    table |= dict.fromkeys(("Object", "q.Object"), _js_object)
    # Only the Python driver spells these in lower case, and it sends them in the wire's order.
    for name in ("map", "map_", "map_expr", "filter", "filter_", "filter_expr", "foreach"):
        table |= {p + name: _wire_order for p in _PREFIXES}
    for name, key in GO_OPTIONS.items():
        table["f." + name] = _go_option(key)
    return table


#: Go's optional-parameter functions and the wire key each sets.
GO_OPTIONS = {
    "Size": "size",
    "After": "after",
    "Before": "before",
    "TS": "ts",
    "EventsOpt": "events",
    "Sources": "sources",
    "Default": "default",
    "Separator": "separator",
    "Start": "start",
    "StrLength": "length",
    "OnlyFirst": "first",
    "Precision": "precision",
    "ConflictResolver": "lambda",
    "Normalizer": "normalizer",
}

#: Call names the dialect layer rewrites, in every spelling, with how.
SPECIAL = _table()


# Builders: Java, C# and Go chain methods ---------------------------------------------------------------

#: Paginate's builder methods (Java `Paginate(set).size(2).after(c)`) and the option each sets.
_PAGINATE_METHODS = {"ts": "ts", "after": "after", "before": "before", "size": "size", "events": "events", "sources": "sources"}


def lower_method(target: t.Any, name: Token, args: list[ast.Node], span: Span) -> ast.Node:
    """`target.name(args)`: a driver's builder method, lowered to the call it builds."""
    method = str(name).lower()
    if method == "get" and not args:
        # Java's `client.query(expr).get()` waits for the result: the query is `expr`.
        return target
    kind = base(target.name) if type(target) is ast.Call else ""
    if kind == "let" and method in ("in", "bind"):
        return _let_method(target, method, name, args, span)
    if kind == "paginate" and method in _PAGINATE_METHODS and len(args) == 1:
        return _paginate_option(target, _PAGINATE_METHODS[method], args[0], span)
    # A plain ParseError: v10 chains methods too (`Time.now().add(...)`), so the text may well be v10.
    message = f"Unknown method .{name}(...): only the drivers' Let, Paginate and query builders chain."
    raise error(name, message, ParseError)


def _let_method(target: ast.Call, method: str, name: Token, args: list[ast.Node], span: Span) -> ast.Call:
    """Java and C# `Let("x", v, ...).in(body)`; Go `f.Let().Bind("x", v).In(body)`."""
    bindings = _let_bindings(target)
    if method == "bind":
        if len(args) != 2 or type(args[0]) is not ast.Literal or not isinstance(args[0].value, str):
            raise error(name, "Bind(...) takes a variable name and a value.")
        pairs = (*bindings.pairs, (args[0].value, args[1]))
        return ast.Call(target.name, (ast.Object(pairs, span=span),), span=span)
    if len(args) != 1:
        raise error(name, f"{name}(...) takes the expression to evaluate.")
    return ast.Call(target.name, (bindings, args[0]), span=span)


def _let_bindings(target: ast.Call) -> ast.Object:
    args = target.args
    if len(args) == 1 and type(args[0]) is ast.Object:
        return args[0]
    return _obj(ast.Call("Obj", args, span=target.span))


def _paginate_option(target: ast.Call, key: str, value: ast.Node, span: Span) -> ast.Call:
    """Merge one builder option into Paginate's options object (its second argument)."""
    args = target.args
    options = args[1].pairs if len(args) == 2 and type(args[1]) is ast.Object else ()
    merged = ast.Object((*[(k, v) for k, v in options if k != key], (key, value)), span=span)
    return ast.Call(target.name, (args[0], merged) if args else (merged,), span=span)


# Go and Scala braces --------------------------------------------------------------------------------


def lower_brace(name: str, first: Token, items: list[t.Any], span: Span) -> ast.Node:
    """Go `f.Obj{"k": v}` and `f.Arr{1, 2}`, Scala `Lambda { x => ... }`."""
    kind = base(name)
    if kind == "obj" and all(type(i) is tuple for i in items):
        return ast.Object(tuple(items), span=span)
    if kind == "arr":
        check_plain(items)
        return ast.Array(tuple(items), span=span)
    if kind in _LAMBDA_NAMES and len(items) == 1 and type(items[0]) is Fn:
        return items[0].to_lambda(_prefix(name) + "Lambda")
    raise error(first, f"Braces follow only Obj and Arr (Go) or Lambda (Scala), not {name}.")


# The JSON wire form ---------------------------------------------------------------------------------


def wire_form(node: ast.Object) -> ast.Node:
    """A top-level object written with JSON keys: the v4 wire form when it is JSON naming a form, else itself.

    `{"login": {"@ref": "classes/characters/1"}, "params": {"object": {...}}}` is what a driver sends for
    `Login(...)`, so it means that call. An object whose keys name no form (`{"password": "x"}`), or that
    holds a call, is the shell's object literal (and so is any object with a bare or single-quoted key).
    """
    data = _json(node)
    if data is None or not _names_a_form(data):
        return node
    from ..wire import v4 as wire

    return wire.from_json(data)


def _json(node: ast.Node) -> t.Any:
    """The JSON data a literal-only node spells, or None when it holds a call."""
    try:
        return _data(node)
    except ValueError:
        return None


def _data(node: ast.Node) -> t.Any:
    kind = type(node)
    if kind is ast.Literal:
        return node.value
    if kind is ast.Array:
        return [_data(i) for i in node.items]
    if kind is ast.Object:
        return {k: _data(v) for k, v in node.pairs}
    raise ValueError(kind.__name__)


def _names_a_form(data: dict) -> bool:
    """True when the object's keys are a v4 form's (as the evaluator matches them), an escape or `object`."""
    from ..eval import registry
    from ..wire.v4 import TAGS

    keys = set(data)
    if keys in ({"object"}, {"quote"}, {"let", "in"}) or (len(keys) == 1 and keys <= set(TAGS)):
        return True
    for fn in (fn for key in keys for fn in registry.V4_FORMS.get(key, ())):
        if keys <= set(fn.keys) | set(fn.options) and all(k in keys for k in fn.keys[: fn.required]):
            return True
    return False
