"""The v4 wire JSON: values <-> tagged JSON (`@ref`, `@ts`, ...), and JSON query expressions <-> ast nodes."""

from __future__ import annotations

import json
import re
import threading
import typing as t
from json.encoder import c_make_encoder, encode_basestring

from .. import ast, stack
from ..errors import FQLError, InvalidArgument, InvalidExpression, InvalidRef
from ..eval import registry, versions
from ..javatime import parse_date, parse_time
from ..render import string, to_fql
from ..values import (
    SCHEMA_CONSTRUCTORS,
    UUID,
    Bytes,
    Date,
    Lambda,
    Page,
    Ref,
    SelfId,
    SetRef,
    Timestamp,
    java_digits,
    native,
    scala_long,
    type_name,
    valid_name_chars,
)
from .nesting import MAX_NESTING, value_depth

Path = tuple[str | int, ...]

#: The escape tags core recognises; a JSON object is an escape only when its single key is one of them.
TAGS = ("@ref", "@set", "@ts", "@date", "@bytes", "@query", "@obj", "@uuid")

#: Set keys whose list values Fauna renders unwrapped when they hold one element, and omits when empty.
_TERM_KEYS = ("terms", "from", "to")
#: Set keys whose one-element operand lists Fauna renders unwrapped (`writeArray`).
_OPERAND_KEYS = ("union", "intersection", "difference")
#: Set keys holding a lambda that Fauna renders without the `@query` tag (core's FIXME in Parser.scala).
_RAW_LAMBDA_KEYS = ("with", "filter")
#: The key sets a query's `@set` may hold (core's EscapesParser `sets` router); any other is "Invalid set.".
_SET_FORMS = frozenset(
    frozenset(keys)
    for keys in (
        ("match", "index"), ("match", "terms"), ("match",), ("singleton",), ("events",), ("documents",),
        ("union",), ("intersection",), ("difference",), ("distinct",), ("reverse",), ("range", "from", "to"),
        ("join", "with"), ("filter", "collection"),
    )
)

#: The type of the value each escape holds, for `Object expected, Time provided.`
_TAG_TYPES = {
    "@ref": "Ref",
    "@set": "Set",
    "@ts": "Time",
    "@date": "Date",
    "@bytes": "Bytes",
    "@query": "Lambda",
    "@uuid": "UUID",
}

#: API versions a request or a lambda may name; a lambda without `api_version` is from 2.12 (reference §2.7).
API_VERSIONS = versions.ORDER
LAMBDA_DEFAULT_VERSION = versions.LAMBDA_DEFAULT

#: Legacy string refs: the native collection each leading path segment names (`classes` is `collections`).
_LEGACY_NATIVES = {
    "keys": "keys",
    "tokens": "tokens",
    "credentials": "credentials",
    "databases": "databases",
    "classes": "collections",
    "collections": "collections",
    "indexes": "indexes",
    "functions": "functions",
    "roles": "roles",
    "access_providers": "access_providers",
}
#: Natives whose documents have numeric ids (`keys/123`); the others hold named schema documents.
_NUMBERED = ("keys", "tokens", "credentials")
_MAX_ID = 2**63 - 1
_BARE_KEY = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


# Values -> JSON ------------------------------------------------------------------------------------


def to_json(value: t.Any) -> t.Any:
    """Fauna's v4 rendering of `value`: `{"@ref": ...}`, `{"@ts": ...}`, `{"@obj": ...}` for `@` keys."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        obj = {k: to_json(v) for k, v in value.items()}
        return {"@obj": obj} if any(k.startswith("@") for k in obj) else obj
    encode = _ENCODERS.get(type(value))
    if encode is None:
        raise FQLError(f"Cannot render a {type_name(value)} value as v4 JSON.")
    return encode(value)


def _ref_json(ref: Ref) -> dict:
    coll, db = ref.collection, ref.database
    if coll is not None and coll.collection is None and coll.id in SCHEMA_CONSTRUCTORS and coll.database is not None:
        # fql keeps a schema ref's database on its native collection (`collection_ref(name, db)`);
        # Fauna writes it on the ref itself, beside the bare native collection.
        coll, db = native(coll.id), db or coll.database
    out: dict = {"id": ref.id}
    if coll is not None:
        out["collection"] = to_json(coll)
    if db is not None:
        out["database"] = to_json(db)
    return {"@ref": out}


def _set_json(s: SetRef) -> dict:
    if s.is_schema_set:
        # Core writes a SchemaSet as its ref, not in `@set` (Renderable's writeSetRef).
        return to_json(s["documents"])
    out: dict = {}
    for key, value in s.form:
        if key in _TERM_KEYS and isinstance(value, list) and len(value) <= 1:
            if not value:
                continue
            value = value[0]
        elif key in _OPERAND_KEYS and isinstance(value, list) and len(value) == 1:
            value = value[0]
        raw = key in _RAW_LAMBDA_KEYS and isinstance(value, Lambda)
        out[key] = lambda_json(value) if raw else to_json(value)
    return {"@set": out}


def lambda_json(fn: Lambda) -> dict:
    """The untagged body of a lambda value: api_version first, as core's `renderableLiteral` writes it."""
    return {"api_version": fn.api_version, "lambda": fn.params, "expr": expr_to_json(closure_body(fn))}


_ENCODERS: dict[type, t.Callable[[t.Any], t.Any]] = {
    Ref: _ref_json,
    SetRef: _set_json,
    Timestamp: lambda ts: {"@ts": ts.isoformat()},
    Date: lambda d: {"@date": d.isoformat()},
    Bytes: lambda b: {"@bytes": b.base64()},
    UUID: lambda u: {"@uuid": str(u)},
    Page: lambda page: to_json(page.to_dict()),
    Lambda: lambda fn: {"@query": lambda_json(fn)},
}


# Values -> JSON text ------------------------------------------------------------------------------


def dumps(value: t.Any) -> str:
    """The compact JSON text of `to_json(value)` (non-ASCII kept), without building the tagged copy first.

    json's C encoder writes plain values itself and calls `_shallow` for refs, times, dates, bytes and
    pages, whose tags it then writes. That is only wrong where `to_json` would add `@obj`: an object of the
    user's with a key starting with `@`. Such a key shows in the text as `"@`, as does each tag `_shallow`
    added, and nothing else can add one but a string of the user's starting with `@` (or holding `\\"@`).
    So when the text holds more `"@` than tags were added, the value is rendered the careful way instead.
    """
    encoder = _ENCODER
    encoder.tags = 0
    try:
        text = encoder.encode(value)
    except _Careful:
        return _COMPACT.encode(to_json(value))
    return text if text.count('"@') == encoder.tags else _COMPACT.encode(to_json(value))


class _ShallowEncoder(threading.local):
    """`dumps`'s encoder, one per thread (it counts the tags it adds): json's C encoder made once, where
    `json.JSONEncoder.encode` makes one per call (a third of the time of encoding a document)."""

    def __init__(self) -> None:
        self.tags = 0
        if c_make_encoder is None:
            encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=self.shallow)
            self.encode = encoder.encode
        else:
            # As JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False) makes it:
            # fql values hold no cycles.
            make = c_make_encoder(None, self.shallow, encode_basestring, None, ":", ",", False, False, True)
            self.encode = lambda value: "".join(make(value, 0))

    def shallow(self, item: t.Any) -> t.Any:
        kind = type(item)
        if kind is Ref:
            out, count = _ref_rendering(item)
            self.tags += count
            return out
        encode = _SHALLOW.get(kind)
        if encode is None:
            raise _Careful
        if kind is not Page:
            self.tags += 1
        return encode(item)


class _Careful(Exception):
    """A value `dumps` leaves to `to_json` (sets, lambdas and anything else with nested rendering rules)."""


def _ref_rendering(ref: Ref) -> tuple[dict, int]:
    """A ref's `to_json` and the number of tags in it, remembered: answers repeat the same few refs."""
    hit = _REFS.get(ref)
    if hit is None:
        if len(_REFS) >= _MAX_REFS:
            _REFS.clear()
        rendered = _ref_json(ref)
        hit = _REFS[ref] = (rendered, _count_tags(rendered))
    return hit


def _count_tags(rendered: dict) -> int:
    return sum(key.startswith("@") + (_count_tags(v) if isinstance(v, dict) else 0) for key, v in rendered.items())


_REFS: dict[Ref, tuple[dict, int]] = {}
_MAX_REFS = 4096
#: What `dumps` renders in one step besides refs, each adding one tag (a page adds none: its parts are plain).
_SHALLOW: dict[type, t.Callable[[t.Any], t.Any]] = {
    Timestamp: _ENCODERS[Timestamp],
    Date: _ENCODERS[Date],
    Bytes: _ENCODERS[Bytes],
    UUID: _ENCODERS[UUID],
    Page: Page.to_dict,
}
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_ENCODER = _ShallowEncoder()


# Closures ------------------------------------------------------------------------------------------


def closure_body(fn: Lambda) -> ast.Node:
    """The lambda's body, wrapped in a Let of the captured variables it uses (as core renders closures)."""
    params = set(_param_names(fn.params))
    captured = [n for n in free_vars(fn.body) if n not in params and n in fn.env]
    if not captured:
        return fn.body
    bindings = ast.Object(tuple((n, ast.Value(fn.env[n])) for n in captured))
    return ast.Call("Let", (bindings, fn.body))


def free_vars(node: ast.Node) -> list[str]:
    """The variables `node` reads and does not bind itself, in order of first use."""
    out: dict[str, None] = {}
    _free(node, out)
    return list(out)


def _param_names(params: t.Any) -> list[str]:
    if isinstance(params, str):
        return [params]
    if isinstance(params, (list, tuple)):
        return [n for p in params for n in _param_names(p)]
    return []


def _literal_params(node: ast.Node) -> t.Any:
    """A lambda's params when written literally (`"x"`, `["a", "b"]`), else None."""
    if isinstance(node, ast.Literal) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Array):
        items = [_literal_params(i) for i in node.items]
        return None if None in items else items
    return None


def _free(node: ast.Node, out: dict[str, None]) -> None:
    if isinstance(node, ast.Array):
        for item in node.items:
            _free(item, out)
    elif isinstance(node, ast.Object):
        for _, value in node.pairs:
            _free(value, out)
    elif isinstance(node, (ast.Call, ast.Form)):
        fn, args = as_call(node)
        name = fn.name if fn is not None else ""
        if name == "Var" and len(args) == 1 and isinstance(args[0], ast.Literal) and isinstance(args[0].value, str):
            out.setdefault(args[0].value)
        elif name == "Let" and len(args) == 2:
            _free_let(args[0], args[1], out)
        elif name == "Lambda" and len(args) == 2 and _literal_params(args[0]) is not None:
            _free_scoped(args[1], set(_param_names(_literal_params(args[0]))), out)
        else:
            for arg in args:
                _free(arg, out)


def _free_scoped(node: ast.Node, bound: set[str], out: dict[str, None]) -> None:
    for name in free_vars(node):
        if name not in bound:
            out.setdefault(name)


def _free_let(bindings: ast.Node, body: ast.Node, out: dict[str, None]) -> None:
    pairs = _binding_pairs(bindings)
    if pairs is None:
        _free(bindings, out)
        _free(body, out)
        return
    bound: set[str] = set()
    for name, expr in pairs:
        _free_scoped(expr, bound, out)
        bound.add(name)
    _free_scoped(body, bound, out)


def _binding_pairs(bindings: ast.Node) -> list[tuple[str, ast.Node]] | None:
    """Let bindings in order: from `{a: 1, b: 2}` or `[{a: 1}, {b: 2}]`; None if not written literally."""
    if isinstance(bindings, ast.Object):
        return list(bindings.pairs)
    if isinstance(bindings, ast.Array) and all(isinstance(i, ast.Object) for i in bindings.items):
        return [pair for item in bindings.items for pair in item.pairs]
    return None


# ast -> JSON ---------------------------------------------------------------------------------------


def as_call(node: ast.Call | ast.Form) -> tuple[registry.Builtin | None, tuple[ast.Node, ...]]:
    """The built-in a call or wire form names, and its positional arguments (options as a trailing object)."""
    if isinstance(node, ast.Call):
        return registry.lookup(node.name), node.args
    given = dict(node.pairs)
    first = node.pairs[0][0] if node.pairs else ""
    for fn in registry.V4_FORMS.get(first, ()):
        if not fn.takes(given):  # (the evaluator's matching)
            continue
        args = []
        for key in fn.keys:
            if key not in given:
                break
            args.append(given[key])
        options = tuple((k, v) for k, v in node.pairs if k in fn.options)
        return fn, tuple(args) + ((ast.Object(options),) if options else ())
    return None, tuple(v for _, v in node.pairs)


def wire_args(fn: registry.Builtin, args: tuple[ast.Node, ...]) -> tuple[ast.Node, ...]:
    """A shell call's positional arguments in the order of `fn.keys`: `Map(c, f)` is `{"map": f, "collection": c}`."""
    return fn.to_key_order(args)


def expr_to_json(node: ast.Node) -> t.Any:
    """An ast node as a v4 wire query: `{"add": [1, 2]}`, objects as `{"object": {...}}`."""
    kind = type(node)
    if kind is ast.Literal:
        return node.value
    if kind is ast.Array:
        return [expr_to_json(n) for n in node.items]
    if kind is ast.Object:
        return {"object": {k: expr_to_json(v) for k, v in node.pairs}}
    if kind is ast.Value:
        return value_expr_json(node.value)
    if kind is ast.Call:
        return _call_json(node)
    if kind is ast.Form:
        let = {k for k, _ in node.pairs} == {"let", "in"}
        return _core_order({k: _bindings_json(v) if let and k == "let" else expr_to_json(v) for k, v in node.pairs})
    if kind is ast.Program:
        body = [expr_to_json(n) for n in node.body]
        return body[0] if len(body) == 1 else {"do": body}
    raise InvalidExpression(f"Cannot write {kind.__name__} nodes as v4 JSON.")


def value_expr_json(value: t.Any) -> t.Any:
    """A value as an expression that evaluates back to it (plain objects need the `object` form)."""
    if isinstance(value, dict):
        return {"object": {k: value_expr_json(v) for k, v in value.items()}}
    if isinstance(value, list):
        return [value_expr_json(v) for v in value]
    if isinstance(value, Page):
        return value_expr_json(value.to_dict())
    return to_json(value)


def _split_options(fn: registry.Builtin, args: tuple[ast.Node, ...]) -> tuple[tuple, tuple[ast.Node, ...]]:
    """Separate a trailing options object (`Paginate(s, {size: 2})`), exactly as the evaluator does."""
    keys = fn.keys
    if fn.options and len(args) > len(keys) - (1 if fn.varargs else 0) and isinstance(args[-1], ast.Object):
        if not fn.varargs or len(args) > len(keys):
            return args[-1].pairs, args[:-1]
    return (), args


def _call_json(node: ast.Call) -> dict:
    fn = registry.lookup(node.name)
    if fn is None:
        # An unknown function can still sit in a lambda body; it fails only when called.
        return {registry.snake(node.name.split(".")[-1]): _varargs_json(node.args)}
    if fn.name == "Ref" and len(node.args) == 1 and isinstance(node.args[0], ast.Literal):
        # The shell's `Ref("classes/spells/1")` is the drivers' ref literal: core's `ref` form needs an `id`.
        return {"@ref": node.args[0].value}
    options, args = _split_options(fn, node.args)
    args = wire_args(fn, args)
    keys = fn.keys
    if not fn.varargs and len(args) > len(keys):
        shown = ", ".join(list(keys) + ["..."])
        raise InvalidExpression(f"No form/function found, or invalid argument keys: {{ {shown} }}.")
    fixed = args[: len(keys) - 1] if fn.varargs else args
    out = {key: _arg_json(fn, key, arg) for key, arg in zip(keys, fixed)}
    rest = args[len(keys) - 1 :] if fn.varargs else ()
    # The Python driver sends one vararg unwrapped, several as an array, none as [] (an optional key is left out).
    if fn.name == "Do" and not (len(rest) == 1 and isinstance(rest[0], ast.Array)):
        # Core's `do` takes an array alone (`{"do": 1}` is `Array expected`): the drivers send one.
        out["do"] = [expr_to_json(a) for a in rest]
    elif fn.varargs and (rest or len(keys) == 1 or len(keys) <= fn.required):
        out[keys[-1]] = _varargs_json(rest)
    for key, value in options:
        out[key] = expr_to_json(value)
    # The form's own key is always there: `Tokens()` is {"tokens": null}, as the driver sends it.
    return _core_order(out) if keys[0] in out else {keys[0]: None, **out}


def _core_order(form: dict) -> dict:
    """A form as core writes it back: its select writes `all` before `default` (SelectE.literal)."""
    if "select" in form and "all" in form and "default" in form:
        return {k: form[k] for k in ("select", "from", "all", "default") if k in form}
    return form


def _varargs_json(args: tuple[ast.Node, ...]) -> t.Any:
    return expr_to_json(args[0]) if len(args) == 1 else [expr_to_json(a) for a in args]


def _arg_json(fn: registry.Builtin, key: str, arg: ast.Node) -> t.Any:
    return _bindings_json(arg) if fn.name == "Let" and key == "let" else expr_to_json(arg)


def _bindings_json(node: ast.Node) -> t.Any:
    """Let bindings are a bare object of expressions (core's `LetE.literal`), never the `object` form."""
    if isinstance(node, ast.Object):
        return {k: expr_to_json(v) for k, v in node.pairs}
    if isinstance(node, ast.Array) and all(isinstance(i, ast.Object) for i in node.items):
        # Core accepts one binding per array element, and writes them back as one object, in order. A name
        # bound twice cannot be a key twice here, so those bindings stay an array.
        pairs = [(k, expr_to_json(v)) for item in node.items for k, v in item.pairs]
        names = [k for k, _ in pairs]
        return dict(pairs) if len(set(names)) == len(names) else [{k: v} for k, v in pairs]
    return expr_to_json(node)


# ast -> shell text ---------------------------------------------------------------------------------


def expr_to_fql(node: ast.Node | Lambda) -> str:
    """Shell text of an ast node, or of a lambda value: `Lambda("x", Add(Var("x"), 1))`."""
    if isinstance(node, Lambda):
        return f"Lambda({to_fql(node.params)}, {expr_to_fql(closure_body(node))})"
    kind = type(node)
    if kind is ast.Literal or kind is ast.Value:
        return to_fql(node.value)
    if kind is ast.Array:
        return "[" + ", ".join(expr_to_fql(n) for n in node.items) + "]"
    if kind is ast.Object:
        return _object_fql(node.pairs)
    if kind is ast.Call or kind is ast.Form:
        return _call_fql(node)
    if kind is ast.Program:
        return "\n".join(expr_to_fql(n) for n in node.body)
    raise InvalidExpression(f"Cannot write {kind.__name__} nodes as FQL.")


def _call_fql(node: ast.Call | ast.Form) -> str:
    fn, args = as_call(node)
    if fn is None:
        return _object_fql(node.pairs) if isinstance(node, ast.Form) else f"{node.name}({_args_fql(args)})"
    if isinstance(node, ast.Form):
        args = _shell_args(fn, args)
    return f"{fn.name}({_args_fql(args)})"


def _shell_args(fn: registry.Builtin, args: tuple[ast.Node, ...]) -> tuple[ast.Node, ...]:
    """A wire form's arguments as the shell writes them: `{"add": [1, 2]}` is `Add(1, 2)`, `{"new_id": null}` `NewId()`.

    Several varargs in an array are spread (`Add([1, 2])` is `Add(1, 2)` for every varargs built-in); one is kept,
    since `Add([[1, 2]])` and `Add([1, 2])` differ.
    """
    if fn.required == 0 and not fn.varargs and args == (ast.Literal(None),):
        # A varargs null stays: `{"add": null}` is `Add(null)`, as `Add()` is `{"add": []}`.
        return ()
    if fn.shell is not None and len(args) == len(fn.shell):
        by_key = dict(zip(fn.keys, args))
        return tuple(by_key[k] for k in fn.shell)
    last = len(fn.keys) - 1
    if fn.varargs and len(args) == last + 1 and isinstance(args[last], ast.Array) and len(args[last].items) > 1:
        return args[:last] + args[last].items
    return args


def _args_fql(args: tuple[ast.Node, ...]) -> str:
    return ", ".join(expr_to_fql(a) for a in args)


def _object_fql(pairs: tuple[tuple[str, ast.Node], ...]) -> str:
    if not pairs:
        return "{}"
    return "{ " + ", ".join(f"{k if _BARE_KEY.match(k) else string(k)}: {expr_to_fql(v)}" for k, v in pairs) + " }"


# JSON -> ast ---------------------------------------------------------------------------------------


def from_json(data: t.Any) -> ast.Node:
    """Decode a v4 wire query into the AST. A part that does not decode (a malformed escape, an `object`
    or Let bindings of the wrong shape) is an `ast.Invalid` in its place, as core's parser meets it while
    it parses the rest: the query's parse (fql/eval/queryparse.py) reports it in order with the others."""
    _refuse_too_deep(data)
    try:
        return _node(data, ())
    except RecursionError:
        raise _too_deep() from None


def _refuse_too_deep(data: t.Any) -> None:
    """On an ordinary thread while deep threads have raised the recursion limit, JSON deeper than core's
    limit is refused before the decoder recurses into it (fql/wire/nesting.py says why)."""
    if stack.shallow_and_raised() and value_depth(data) > MAX_NESTING:
        raise _too_deep()


def _too_deep() -> InvalidExpression:
    return InvalidExpression("Request body JSON exceeds nesting limit.")


def _node(data: t.Any, path: Path) -> ast.Node:
    if data is None or isinstance(data, (bool, int, float, str)):
        return ast.Literal(data)
    if isinstance(data, list):
        return ast.Array(tuple(_node(v, (*path, i)) for i, v in enumerate(data)))
    if not isinstance(data, dict):
        raise InvalidExpression(f"{type(data).__name__} is not a JSON value.", position=path)
    keys = set(data)
    if keys == {"object"}:
        pairs = _escaped_pairs(data["object"], "object")
        if type(pairs) is ast.Invalid:
            return pairs
        return ast.Object(tuple((k, _node(v, (*path, "object", k))) for k, v in pairs))
    if keys == {"let", "in"}:
        return ast.Form((("let", _let_bindings(data["let"], path)), ("in", _node(data["in"], (*path, "in")))))
    if keys == {"quote"}:
        # Quote's argument is a literal: escapes are decoded, objects stay objects and nothing is evaluated.
        return ast.Value(_quoted(data["quote"]))
    if _is_escape(data):
        return _escape_node(data, path)
    if keys == {"match", "index"}:
        return _oldest_match(data, path)
    return ast.Form(tuple((k, _node(v, (*path, k))) for k, v in data.items()))


def _oldest_match(data: dict, path: Path) -> ast.Form:
    """The oldest Match spelling, terms first (`{"match": "x", "index": idx}`): core parses it as Match, as a
    form and inside `@set` (Parser.scala: the `sets` router's `"match", "index"` case)."""
    index, terms = _node(data["index"], (*path, "index")), _node(data["match"], (*path, "match"))
    return ast.Form((("match", index), ("terms", terms)))


def _is_escape(data: t.Any) -> bool:
    return isinstance(data, dict) and len(data) == 1 and next(iter(data)) in TAGS


def _escape_node(data: dict, path: Path) -> ast.Node:
    ((tag, body),) = data.items()
    if tag == "@obj":
        # In a query core decodes the escaped object as an expression itself (QueryParser `escapes`).
        if not isinstance(body, dict):
            return ast.Invalid("Invalid object.", keys=(tag,))
        inner = _node(body, (*path, "@obj"))
        if type(inner) is ast.Invalid:
            return ast.Invalid(inner.description, ("@obj", *inner.position), keys=(tag,))
        return inner
    if tag == "@set":
        if not isinstance(body, dict) or frozenset(body) not in _SET_FORMS:
            return ast.Invalid("Invalid set.", keys=(tag,))
        # Core builds the set by calling the set function its form names (MatchFunction, ...).
        if set(body) == {"match", "index"}:
            return _oldest_match(body, path)
        return ast.Form(tuple((k, _set_operand(v, (*path, k))) for k, v in body.items()))
    value = _decoded(tag, body)
    if type(value) is Ref and value.id == "self" and value.collection is not None and value.database is None:
        # Core resolves a self ref against the caller as it parses the query (`SelfRef`): here that is
        # `Ref(coll, "self")`, evaluated per query since decoded bodies are shared across callers.
        return ast.Call("Ref", (ast.Value(value.collection), ast.Value(SelfId("self"))))
    return value if type(value) is ast.Invalid else ast.Value(value)


def _decoded(tag: str, body: t.Any) -> t.Any:
    """The value an escape in a query holds, or the ast.Invalid it is (its position below the escape)."""
    try:
        return _escape_value(tag, body, (), lenient=True)
    except FQLError as err:
        more = tuple((each.description, tuple(each.position)) for each in err.siblings)
        return ast.Invalid(err.description, tuple(err.position), keys=(tag,), more=more)


def _set_operand(data: t.Any, path: Path) -> ast.Node:
    if _is_raw_lambda(data) and data.get("api_version", "4") != "4":
        try:
            return ast.Value(lambda_from_json(data, lenient=True))
        except FQLError as err:
            return ast.Invalid(err.description, tuple(err.position), keys=tuple(data))
    if _is_raw_lambda(data):
        # A lambda of this API version: the Lambda form a Filter or Join written out holds (Filter takes
        # no other value).
        return _node({"lambda": data["lambda"], "expr": data["expr"]}, path)
    return _node(data, path)


def _is_raw_lambda(data: t.Any) -> bool:
    return isinstance(data, dict) and {"lambda", "expr"} <= set(data) <= {"lambda", "expr", "api_version"}


def _escaped_pairs(body: t.Any, key: str) -> t.Any:
    """The pairs of an `{"object": ...}` form's or a Let's object (an `@obj` escape inside unwrapped), or
    the ast.Invalid core's parser makes of it (QueryParser's `object` and `let`), placed below the form."""
    if _is_escape(body):
        ((tag, inner),) = body.items()
        if tag != "@obj":
            # Core decodes the escape first: an invalid one fails as itself, at the key; a value is no object.
            value = _decoded(tag, inner)
            if type(value) is ast.Invalid:
                return ast.Invalid(value.description, (key, *value.position), keys=(key,))
            return ast.Invalid(f"Object expected, {_TAG_TYPES[tag]} provided.", keys=(key,))
        if not isinstance(inner, dict):
            return ast.Invalid("Invalid object.", (key,), keys=(key,))
        body = inner
    if not isinstance(body, dict):
        return ast.Invalid(f"Object expected, {type_name(body)} provided.", (key,), keys=(key,))
    return body.items()


def _let_bindings(bindings: t.Any, path: Path) -> ast.Node:
    """Let bindings stay literal: `[{"x": e}, ...]` or `{"x": e, ...}`, each value an expression; a binding
    of another shape is an ast.Invalid in its place, bindings of no shape one placed below the Let."""
    if isinstance(bindings, list):
        items: list[ast.Node] = []
        for i, item in enumerate(bindings):
            if isinstance(item, dict) and len(item) == 1:
                ((name, expr),) = item.items()
                items.append(ast.Object(((name, _node(expr, (*path, "let", i, name))),)))
            else:
                # Core's message even for an object with several keys: `Object expected, Object provided.`
                items.append(ast.Invalid(f"Object expected, {type_name(item)} provided."))
        return ast.Array(tuple(items))
    if isinstance(bindings, dict):
        pairs = _escaped_pairs(bindings, "let")
        if type(pairs) is ast.Invalid:
            return pairs
        return ast.Object(tuple((k, _node(v, (*path, "let", k))) for k, v in pairs))
    return ast.Invalid(f"Array expected, {type_name(bindings)} provided.", ("let",), keys=("let",))


def _quoted(data: t.Any) -> t.Any:
    """A quoted literal: its escapes decoded, each that does not decode an ast.Invalid in its place."""
    if isinstance(data, list):
        return [_quoted(v) for v in data]
    if isinstance(data, dict):
        if _is_escape(data):
            ((tag, body),) = data.items()
            return _decoded(tag, body)
        return {k: _quoted(v) for k, v in data.items()}
    return data


# JSON -> values ------------------------------------------------------------------------------------


def value_from_json(data: t.Any) -> t.Any:
    """Decode a tagged JSON value (a response, a cursor): `{"@ts": ...}` -> Timestamp, objects stay dicts."""
    _refuse_too_deep(data)
    try:
        return _value(data, ())
    except RecursionError:
        raise _too_deep() from None


def _value(data: t.Any, path: Path) -> t.Any:
    if isinstance(data, list):
        return [_value(v, (*path, i)) for i, v in enumerate(data)]
    if isinstance(data, dict):
        if _is_escape(data):
            ((tag, body),) = data.items()
            return _escape_value(tag, body, path)
        return {k: _value(v, (*path, k)) for k, v in data.items()}
    return data


def _escape_value(tag: str, body: t.Any, path: Path, *, lenient: bool = False) -> t.Any:
    """The value of an escape; `lenient` (in a query) keeps what inside does not decode in place."""
    if tag == "@obj":
        if not isinstance(body, dict):
            raise InvalidExpression("Invalid object.", position=path)
        if lenient:
            return {k: _quoted(v) for k, v in body.items()}
        return {k: _value(v, (*path, k)) for k, v in body.items()}
    if tag == "@ref":
        return ref_from_json(body, path)
    if tag == "@set":
        if lenient and not (isinstance(body, dict) and frozenset(body) in _SET_FORMS):
            # A quoted `@set` in a query is parsed by core's `sets` router too (responses are taken as sent).
            raise InvalidExpression("Invalid set.", position=path)
        return _set_value(body, path)
    if tag == "@query":
        return lambda_from_json(body, path, default_version=LAMBDA_DEFAULT_VERSION, lenient=lenient)
    return _scalar_value(tag, body, path)


#: The escapes holding one string, the parser of that string, and core's message when it does not parse.
_SCALARS: dict[str, tuple[t.Callable[[str], t.Any], str]] = {
    # Core reads them with Timestamp.parse and LocalDate.parse as given (v4's Time() and Date() trim first):
    # java.time's parsers, so `@ts` clamps `02-30` to the month's end, reads `T24:00` as the next midnight,
    # a lower-case `t` or `z`, `+HH:MM:ss` offsets, and no year past 999999999.
    "@ts": (lambda text: _as_given(text, parse_time), "Invalid time."),
    "@date": (lambda text: _as_given(text, parse_date), "Invalid date."),
    "@bytes": (Bytes.from_base64, "Invalid bytes."),
    "@uuid": (UUID.parse, "Invalid UUID."),
}


def _as_given(text: str, parse: t.Callable[[str], t.Any]) -> t.Any:
    """`parse(text)`, or None where `text` has blanks around it (javatime's parsers trim, as v4's Time())."""
    return parse(text) if text == text.strip(_JAVA_BLANKS) else None


#: Java's String.trim removes every character up to U+0020.
_JAVA_BLANKS = "".join(map(chr, range(33)))


def _scalar_value(tag: str, body: t.Any, path: Path) -> t.Any:
    parse, message = _SCALARS[tag]
    value = parse(body) if isinstance(body, str) else None
    if value is None:
        raise InvalidExpression(message, position=path)
    return value


def _set_value(body: t.Any, path: Path) -> SetRef:
    if not isinstance(body, dict) or not body:
        raise InvalidExpression("Invalid set.", position=path)
    if set(body) == {"match", "index"}:
        # The oldest Match spelling (see _oldest_match): the set it makes, index first.
        return SetRef((("match", _value(body["index"], (*path, "index"))), ("terms", _value(body["match"], (*path, "match")))))
    form = []
    for key, value in body.items():
        raw = key in _RAW_LAMBDA_KEYS and _is_raw_lambda(value)
        form.append((key, lambda_from_json(value, (*path, key)) if raw else _value(value, (*path, key))))
    return SetRef(tuple(form))


def lambda_from_json(body: t.Any, path: Path = (), default_version: str = "4", *, lenient: bool = False) -> Lambda:
    """A lambda value from `{"lambda": params, "expr": e, "api_version"?: v}` (the inside of `@query`).

    `lenient` (in a query) keeps params that are no names as written: the query's parse reports them,
    then its body's failures, as core's parseLambdaExpr does."""
    if not _is_raw_lambda(body):
        raise InvalidExpression("Invalid lambda.", position=path)
    version = body.get("api_version", default_version)
    if version not in API_VERSIONS:
        raise InvalidExpression("Invalid lambda.", position=path)
    try:
        params = _lambda_params(body["lambda"], (*path, "lambda"))
    except InvalidExpression:
        if not lenient:
            raise
        params = body["lambda"]
    return Lambda(params, _node(body["expr"], (*path, "expr")), {}, version)


def _lambda_params(params: t.Any, path: Path) -> t.Any:
    # Core's LambdaPat: a name, or one level of names; `_` ignores its argument.
    if isinstance(params, str):
        return params
    if not isinstance(params, list):
        raise InvalidExpression(f"String or Array expected, {type_name(params)} provided.", position=path)
    for i, p in enumerate(params):
        if not isinstance(p, str):
            raise InvalidExpression(f"String expected, {type_name(p)} provided.", position=(*path, i))
    return list(params)


# Refs ----------------------------------------------------------------------------------------------


def ref_from_json(body: t.Any, path: Path = ()) -> Ref:
    """The ref inside `{"@ref": ...}`: `{"id", "collection"?, "database"?}`, or a legacy `classes/spells/1`."""
    if isinstance(body, str):
        ref = legacy_ref(body)
        if ref is None:
            raise InvalidExpression("Invalid ref.", position=path)
        return ref
    if not isinstance(body, dict):
        raise InvalidExpression("Invalid ref.", position=path)
    try:
        ref = _ref_object(body, path)
    except (InvalidArgument, InvalidRef) as err:
        # Core's parser wraps a ref object's own errors (ParseEvalError): invalid expression, same text and
        # place, each of them.
        wrapped = [InvalidExpression(e.description, position=tuple(e.position)) for e in (err, *err.siblings)]
        wrapped[0].siblings = wrapped[1:]
        raise wrapped[0] from None
    if ref.id == "self" and ref.collection is not None and ref.collection.is_native and ref.collection.id == "keys":
        # Only the ref a query names is refused so (EscapesParser.transformRef); one nested in another is
        # no collection or database, refused as such.
        raise InvalidExpression("Invalid ref.", position=path)
    return ref


def _ref_object(body: dict, path: Path) -> Ref:
    keys = set(body)
    if keys == {"@ref"}:
        # Nested refs are objects only: core reads no legacy string below the top.
        if not isinstance(body["@ref"], dict):
            raise InvalidArgument(f"Ref expected, {type_name(body['@ref'])} provided.", position=path)
        return _ref_object(body["@ref"], path)
    if "id" not in keys or not keys <= {"id", "collection", "class", "database"} or {"class", "collection"} <= keys:
        raise InvalidArgument(f"Ref expected, {type_name(body)} provided.", position=path)
    # Core's RefParser.mk reads the id, the collection and the database each on its own and, if any is
    # bad, reports every bad one in that order (Parser.collectErrors), a nested ref's own errors as they are.
    failed: list[FQLError] = []
    ident = body["id"]
    if not isinstance(ident, str) and not _is_id_int(ident):
        failed.append(InvalidArgument(f"String or Integer expected, {type_name(ident)} provided.", position=(*path, "id")))
    # Core reports a bad collection at "class" whichever key held it.
    coll = _gathered(
        failed, _nested_ref, body.get("collection", body.get("class")), "Collection Ref", _is_collection, (*path, "class")
    )
    db = _gathered(failed, _nested_ref, body.get("database"), "Database Ref", _is_database, (*path, "database"))
    if failed:
        failed[0].siblings = failed[1:]
        raise failed[0]
    return _make_ref(ident, coll, db, path)


def _gathered(failed: list[FQLError], parse: t.Callable[..., Ref | None], *args: t.Any) -> Ref | None:
    """`parse(*args)`, or None with its errors (and their siblings) added to `failed`."""
    try:
        return parse(*args)
    except (InvalidArgument, InvalidRef) as err:
        failed.extend((err, *err.siblings))
        err.siblings = []
        return None


def _is_id_int(value: t.Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -_MAX_ID - 1 <= value <= _MAX_ID


def _nested_ref(data: t.Any, expected: str, check: t.Callable[[Ref], bool], path: Path) -> Ref | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise InvalidArgument(f"Ref expected, {type_name(data)} provided.", position=path)
    ref = _ref_object(data, path)
    if not check(ref):
        raise InvalidArgument(f"{expected} expected, {_ref_type(ref)} provided.", position=path)
    return ref


def _is_collection(ref: Ref) -> bool:
    return ref.is_native or ref.kind == "collections"


def _is_database(ref: Ref) -> bool:
    return ref.kind == "databases"


#: Core's type names for refs in cast errors (ast/Type.scala).
_REF_TYPES = {
    "databases": "Database Ref",
    "collections": "Collection Ref",
    "indexes": "Index Ref",
    "functions": "User Function Ref",
    "roles": "Role Ref",
    "keys": "Key Ref",
    "access_providers": "Access Provider Ref",
}


def _ref_type(ref: Ref) -> str:
    if ref.id == "self" and ref.kind == "keys":
        return "Ref"  # core's SelfRef, which is no KeyRef
    return "Collection Ref" if ref.is_native else _REF_TYPES.get(ref.kind or "", "Ref")


def _make_ref(ident: str | int, coll: Ref | None, db: Ref | None, path: Path) -> Ref:
    """Core's RefParser.mk: which kind of ref an id, a collection and a database make together."""
    if coll is None:
        if not isinstance(ident, str):
            raise InvalidArgument("String expected, Number provided.", position=(*path, "id"))
        name = _LEGACY_NATIVES.get(ident)
        if name is None:
            raise InvalidRef(f"Valid native collection name expected, '{ident}' provided.", position=(*path, "id"))
        return native(name, db)
    # Schema documents are named and keys numbered; their database may sit on the ref or on its collection.
    named = coll.is_native and coll.id in SCHEMA_CONSTRUCTORS and isinstance(ident, str)
    if named or (coll.is_native and coll.id == "keys" and isinstance(ident, int)):
        return Ref(str(ident), native(coll.id, db or coll.database))
    if db is not None:
        raise InvalidArgument("Null expected, Database Ref provided.", position=(*path, "database"))
    if ident == "self":
        return Ref("self", coll)
    return Ref(_id_text(ident, path), coll)


def _id_text(ident: str | int, path: Path = ()) -> str:
    """A document id as core stores it: a 64-bit integer (so `"007"` is `"7"`)."""
    if isinstance(ident, int):
        return str(ident)
    # Core's RefParser.mk: Scala's toLongOption, whose digits are Java's (`"١٢"` is 12), and where that
    # fails, `id forall Character.isDigit` (so an empty id too) says it is too large.
    number = scala_long(ident)
    if number is not None:
        return str(number)
    if java_digits(ident):
        raise InvalidArgument(f"The id provided is too large: '{ident}'", position=(*path, "id"))
    raise InvalidArgument(f"Number or numeric String expected, non-numeric '{ident}' provided.", position=(*path, "id"))


def legacy_ref(text: str) -> Ref | None:
    """A pre-2.7 string ref (`classes/spells/123`, `tokens/1`, `databases/x`, `indexes`), or None."""
    head, *rest = text.split("/")
    kind = _LEGACY_NATIVES.get(head)
    if kind is None or len(rest) > 2:
        return None
    if not rest:
        return native(kind)
    if kind in _NUMBERED:
        return _legacy_doc(native(kind), rest) if len(rest) == 1 else None
    if not _legacy_name(rest[0]):
        return None
    if kind != "collections":
        return Ref(rest[0], native(kind)) if len(rest) == 1 else None
    coll = Ref(rest[0], native("collections"))
    return _legacy_doc(coll, rest[1:]) if rest[1:] else coll


def _legacy_name(name: str) -> bool:
    """A name in a legacy ref's path: core's Parsing.Name (its characters, not `_`); `self` and `events`
    are path words, not names."""
    return valid_name_chars(name) and name not in ("_", "self", "events")


def _legacy_doc(coll: Ref, rest: list[str]) -> Ref | None:
    (ident,) = rest
    if ident == "self":
        # Core cannot resolve `keys/self` (a key has no self document).
        return None if coll.id == "keys" else Ref("self", coll)
    if ident.isascii() and ident.isdigit() and int(ident) <= _MAX_ID:
        return Ref(str(int(ident)), coll)
    return None
