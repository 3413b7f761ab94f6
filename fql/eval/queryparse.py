"""What core's v4 QueryParser refuses before a query runs: forms it does not know, or that the code's API
version lacks, a function written where a Lambda must be, params that are no names, an empty `do`,
`and` or `or`, escapes and Let bindings that do not decode, and variables no Let or Lambda binds.

Core parses the whole query into its expression tree before evaluating any of it (ast/Parser.scala), so
such a query fails as a whole, evaluated branch or not, and nothing runs. Its PResult keeps the first
failure of a form's arguments (in its declared key order), of an array's items and of an object's
fields: `parT` and `sequenceT` (ext/lang MonadT.scala) go on only through a Success. Two places gather
every failure: a Let, all its bindings' then its body's, and a lambda, its params' (each that is no
name) then its body's (parseLambdaExpr, parseLambdaPat). Unbound variables are reported only when
nothing failed, every use of each (FreeVars.toErrors): the names in the order of core's Scala 2.13
immutable.HashMap (its CHAMP trie over each name's improved Java hash, fql/scala.py), each one's
uses in the order the parse meets them while there are four or fewer (Set1 to Set4), from five in the
order of a HashSet of their Positions (`_uses_order`). A lambda's body has the forms of the lambda's version: the
query's, or an `@query` escape's own (`api_version`, 2.12 without one), so a function, predicate or
binding written with a form its version lacks is refused where it is written; an `@query` with a
variable its body does not bind is `Invalid lambda.` (EscapesParser.parseLambda).

fql walks its tree once per decoded query and version (decoded queries are cached and reused, and so is
the answer); what the wire decoder could not decode waits in the tree as an `ast.Invalid`. Not matched:
an `@query` quoted alone (`{"quote": {"@query": ...}}`) reports its body's failures without the `quote`
key, which fql's tree does not keep apart from an escape.
"""

from __future__ import annotations

import typing as t

from .. import ast, scala
from ..errors import FQLError, InvalidExpression
from ..values import Lambda, type_name
from . import registry, versions
from .collections import LAMBDA_ARGUMENTS, _is_lambda_form, _not_lambda
from .control import _written_type
from .evaluator import _resolve_form, _unknown, lone_vararg_path

#: A failure found: (its description, its position).
_Failure = tuple[str, tuple]
#: What a parse of a node found: nothing (it parses), or its failures in core's order.
_Failed = t.Union[tuple[()], list[_Failure]]

_EMPTY = "Expression list cannot be empty."


class _Walk:
    """One walk of a query: each node's parse gives its failures, and the variables it uses that nothing
    binds are gathered, in the order met."""

    __slots__ = ("free",)

    def __init__(self) -> None:
        self.free: list[tuple[str, tuple]] = []

    def node(self, node: ast.Node, bound: frozenset, path: tuple, version: str) -> _Failed:
        kind = type(node)
        if kind is ast.Literal:
            return ()
        if kind is ast.Form:
            return self.form(node, bound, path, version)
        if kind is ast.Call:
            fn = registry.lookup(node.name)
            if fn is None or not versions.has_builtin(fn, version):
                key = registry.snake(node.name.split(".")[-1])
                return [_failure(_unknown(key, [key]), path)]
            return self.call(fn, node.args, bound, path, version, wire_order=False)
        if kind is ast.Array:
            return self.first(((item, (*path, i)) for i, item in enumerate(node.items)), bound, version)
        if kind is ast.Object:
            return self.first(((value, (*path, "object", key)) for key, value in node.pairs), bound, version)
        if kind is ast.Value:
            value = node.value
            if type(value) is Lambda:
                return self.stored_lambda(value, path)
            # Only a Quote decodes to an object, an array or a failure as a value: at ["quote", ...].
            return self.value(value, (*path, "quote"))
        if kind is ast.Invalid:
            return _invalid(node, path)
        if kind is ast.Program:
            failed: list[_Failure] = []
            for expr in node.body:
                failed += self.node(expr, bound, (), version)
            return failed
        return ()

    def first(self, items: t.Iterable[tuple[ast.Node, tuple]], bound: frozenset, version: str) -> _Failed:
        """Nodes parsed in order, up to the first that fails (core's sequenceT and parT)."""
        for item, path in items:
            failed = self.node(item, bound, path, version)
            if failed:
                return failed
        return ()

    def form(self, node: ast.Form, bound: frozenset, path: tuple, version: str) -> _Failed:
        try:
            name, args, _, key, current = _resolve_form(node)
        except FQLError as err:
            return [_failure(err, path)]
        if not (current if version == versions.CURRENT else versions.has_form(key, version)):
            # Parser.scala's version predicates: the router finds no form, InvalidFormExpr of its keys.
            return [_failure(_unknown(key, [k for k, _ in node.pairs]), path)]
        return self.call(registry.lookup(name), args, bound, path, version, wire_order=True)

    def value(self, value: t.Any, path: tuple) -> _Failed:
        """A quoted value (EscapesParser.parse): its first failure, an escape that did not decode or a
        lambda in it that does not parse."""
        kind = type(value)
        if kind is Lambda:
            return self.stored_lambda(value, path)
        if kind is ast.Invalid:
            return _invalid(value, path)
        if kind is dict:
            items: t.Iterable = value.items()
        elif kind is list:
            items = enumerate(value)
        else:
            return ()
        for key, item in items:
            failed = self.value(item, (*path, key))
            if failed:
                return failed
        return ()

    def stored_lambda(self, fn: Lambda, path: tuple) -> _Failed:
        """An `@query` lambda, parsed at its own version: its params' failures, then its body's; with
        none, a variable its body does not bind makes it `Invalid lambda.` (EscapesParser.parseLambda:
        its free variables must be none)."""
        if fn.api_version not in versions.ORDER:
            return ()
        inner = _Walk()
        failed, names = _stored_params(fn.params, (*path, "lambda"))
        failed += inner.node(fn.body, names | frozenset(fn.env), (*path, "expr"), fn.api_version)
        if not failed and inner.free:
            return [("Invalid lambda.", path)]
        return failed

    def call(self, fn: t.Any, args: tuple, bound: frozenset, path: tuple, version: str, *, wire_order: bool) -> _Failed:
        name = fn.name
        if name == "Var":
            return self.var(args, bound, path)
        if name == "Let" and len(args) == 2:
            return self.let(args[0], args[1], bound, path, version)
        if name == "Lambda" and len(args) == 2:
            failed, names = _params(args[0], (*path, "lambda"))
            body = self.node(args[1], bound | names, (*path, "expr"), versions.lambda_version(version))
            return failed + list(body) if failed else body
        if name == "Do" or (name in ("And", "Or") and versions.at_least(version, "3")):
            return self.listed(fn, args, bound, path, version, wire_order)
        for arg, arg_path in _arguments(fn, args, path, wire_order):
            lambda_only = (name, arg_path[-1]) in LAMBDA_ARGUMENTS or name == "Query"
            if lambda_only and not _is_lambda_form(arg):
                # Core's parseLambda: the argument must be a Lambda written out.
                return [_failure(_not_lambda(arg), arg_path)]
            failed = self.node(arg, bound, arg_path, version)
            if failed and name == "Join" and arg_path[-1] == "with" and _is_lambda_form(arg):
                # Join's `with` is parsed as a lambda, and failing that as an expression, which no
                # lambda is (Parser.scala's `join` form): no form of its keys.
                return [_failure(_not_lambda(arg), arg_path)]
            if failed:
                return failed
        return ()

    def var(self, args: tuple, bound: frozenset, path: tuple) -> _Failed:
        (arg,) = args if len(args) == 1 else (None,)
        if not isinstance(arg, ast.Literal) or not isinstance(arg.value, str):
            if arg is None:
                return ()
            return [(f"String expected, {_written_type(arg)} provided.", (*path, "var"))]
        if arg.value not in bound:
            self.free.append((arg.value, path))
        return ()

    def listed(self, fn: t.Any, args: tuple, bound: frozenset, path: tuple, version: str, wire_order: bool) -> _Failed:
        """Do, and And and Or from API 3: the expressions of an array, the first failure among them, then
        `Expression list cannot be empty.` for none (a `do` of no array is `Array expected`, one `and`
        or `or` expression is parsed as itself)."""
        key = fn.keys[0]
        if wire_order:
            (arg,) = args if args else (ast.Array(()),)
            if type(arg) is not ast.Array:
                if fn.name == "Do":
                    return [(f"Array expected, {_written_type(arg)} provided.", (*path, key))]
                return self.node(arg, bound, (*path, key), version)
            items = arg.items
            failed = self.first(((item, (*path, key, i)) for i, item in enumerate(items)), bound, version)
        else:
            # The shell's Do(a, b): its arguments, one array among them spread as evaluation spreads it.
            items = args[0].items if len(args) == 1 and type(args[0]) is ast.Array else args
            failed = self.first(_arguments(fn, args, path, False), bound, version)
        if failed:
            return failed
        return () if items else [(_EMPTY, (*path, key))]

    def let(self, bindings: ast.Node, body: ast.Node, bound: frozenset, path: tuple, version: str) -> _Failed:
        """Every binding that fails, in order, then the body's failures (Parser.scala's `let` form)."""
        kind = type(bindings)
        if kind is ast.Object:
            items: t.Iterable = ((pair, (*path, "let", pair[0])) for pair in bindings.pairs)
        elif kind is ast.Array:
            items = ((item, (*path, "let", i)) for i, item in enumerate(bindings.items))
        elif kind is ast.Invalid:
            # Bindings that do not decode, placed below the Let (the wire decoder's _let_bindings).
            items = [(bindings, path)]
        elif kind is ast.Literal:
            items = [(bindings, (*path, "let"))]
        else:
            # The shell's bindings made by an expression: known only when evaluated.
            return ()
        failed: list[_Failure] = []
        for item, where in items:
            if type(item) is tuple:
                name, expr = item
            elif type(item) is ast.Object and len(item.pairs) == 1:
                ((name, expr),) = item.pairs
                where = (*where, name)
            elif type(item) is ast.Invalid:
                failed += _invalid(item, where)
                continue
            else:
                shape = "Object" if kind is ast.Array else "Array"
                failed.append((f"{shape} expected, {_written_type(item)} provided.", where))
                continue
            failed += self.node(expr, bound, where, version)
            bound = bound | {name}
        body_failed = self.node(body, bound, (*path, "in"), version)
        return failed + list(body_failed) if failed else body_failed


def _invalid(node: ast.Invalid, path: tuple) -> list[_Failure]:
    """A construct the wire decoder could not decode, at `path`: its failure and those core reports with it."""
    return [(node.description, (*path, *node.position))] + [(d, (*path, *p)) for d, p in node.more]


def _failure(err: FQLError, path: tuple) -> _Failure:
    return (err.description, (*path, *err.position))


def _arguments(fn: t.Any, args: tuple, path: tuple, wire_order: bool) -> list[tuple[ast.Node, tuple]]:
    """A call's arguments with the positions evaluation gives them (evaluator.call), in key order."""
    if not wire_order:
        args = fn.to_key_order(args)
    keys = fn.keys
    options: tuple = ()
    if fn.options and len(args) > len(keys) - (1 if fn.varargs else 0) and isinstance(args[-1], ast.Object):
        if not fn.varargs or len(args) > len(keys):
            options, args = args[-1].pairs, args[:-1]
    fixed, rest = (args[: len(keys) - 1], args[len(keys) - 1 :]) if fn.varargs else (args[: len(keys)], ())
    items = [(arg, (*path, keys[i])) for i, arg in enumerate(fixed) if arg is not None]
    if len(rest) == 1:
        items.append((rest[0], (*path, *lone_vararg_path(fn))))
    else:
        items += [(arg, (*path, keys[-1], i)) for i, arg in enumerate(rest)]
    items += [(value, (*path, key)) for key, value in options]
    return items


def _params(node: ast.Node, path: tuple) -> tuple[list[_Failure], frozenset]:
    """Written-out lambda params (core's parseLambdaPat): a name, or an array of names, `_` binding
    nothing; each item that is no name fails (`String expected`), anything else is `String or Array
    expected`. The names they bind."""
    if type(node) is ast.Literal and isinstance(node.value, str):
        return [], _bound_names((node.value,))
    if type(node) is not ast.Array:
        return [(f"String or Array expected, {_written_type(node)} provided.", path)], frozenset()
    failed, names = [], []
    for i, item in enumerate(node.items):
        if type(item) is ast.Literal and isinstance(item.value, str):
            names.append(item.value)
        else:
            failed.append((f"String expected, {_written_type(item)} provided.", (*path, i)))
    return failed, _bound_names(names)


def _stored_params(params: t.Any, path: tuple) -> tuple[list[_Failure], frozenset]:
    """An `@query` lambda's params as the JSON writes them, as `_params` reads written-out ones."""
    if isinstance(params, str):
        return [], _bound_names((params,))
    if not isinstance(params, list):
        return [(f"String or Array expected, {type_name(params)} provided.", path)], frozenset()
    failed = [(f"String expected, {type_name(p)} provided.", (*path, i)) for i, p in enumerate(params) if not isinstance(p, str)]
    return failed, _bound_names(p for p in params if isinstance(p, str))


def _bound_names(names: t.Iterable[str]) -> frozenset:
    return frozenset(name for name in names if name != "_")


# -- unbound variables: core's order ------------------------------------------------------------------------


def _position_hash(path: tuple) -> int:
    """The hashCode of core's Position for `path` (ast/Position.scala): `RootPosition`, a case object,
    hashes as its name; `KeyPosition(parent, key)` and `IndexPosition(parent, idx)` as case classes."""
    h = scala.java_hash("RootPosition")
    for elem in path:
        if isinstance(elem, int):
            h = scala.case_class_hash("IndexPosition", h, elem)
        else:
            h = scala.case_class_hash("KeyPosition", h, scala.java_hash(elem))
    return h


def _uses_order(paths: list[tuple]) -> list[tuple]:
    """One name's uses as core's Set[Position] iterates them: in the order met while it holds four or
    fewer (Set1 to Set4 keep it); from five, a HashSet of the positions."""
    return scala.map_order(paths, _position_hash)


def _unbound(free: list[tuple[str, tuple]]) -> list[_Failure]:
    """Every use of a variable nothing binds, as core's FreeVars.toErrors lists them."""
    uses: dict[str, list[tuple]] = {}
    for name, path in free:
        uses.setdefault(name, []).append(path)
    return [
        (f"Variable '{name}' is not defined.", path)
        for name in scala.hash_order(uses)
        for path in _uses_order(uses[name])
    ]


#: What a walk found (its failures in core's order), None for nothing.
_Found = t.Optional[tuple[_Failure, ...]]

#: Decoded queries are cached and run again: the walk's answer, by node (an entry keeps its node alive),
#: for API 4 and, by version, for the others.
_CHECKED: dict[int, tuple[ast.Node, _Found]] = {}
_CHECKED_AT: dict[str, dict[int, tuple[ast.Node, _Found]]] = {}
MAX_CHECKED = 10_000


def check(node: ast.Node, bound: t.Iterable[str] = (), version: str = versions.CURRENT) -> FQLError | None:
    """The failure core's parse finds in a v4 query written for `version` with variables `bound`, the
    others it finds as its siblings (one answer); None when it parses."""
    names = frozenset(bound)
    table = None
    if not names:
        table = _CHECKED if version == versions.CURRENT else _CHECKED_AT.setdefault(version, {})
        hit = table.get(id(node))
        if hit is not None and hit[0] is node:
            return None if hit[1] is None else _error(hit[1])
    walk = _Walk()
    failed = walk.node(node, names, (), version)
    if not failed and walk.free:
        failed = _unbound(walk.free)
    found = tuple(failed) if failed else None
    if table is not None:
        if len(table) >= MAX_CHECKED:
            table.clear()
        table[id(node)] = (node, found)
    return None if found is None else _error(found)


def _error(found: tuple[_Failure, ...]) -> FQLError:
    first, *others = (InvalidExpression(description, position=path) for description, path in found)
    first.siblings = others
    return first
