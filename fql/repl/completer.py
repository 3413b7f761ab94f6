"""Tab completion without a terminal: what the cursor is in (`suggest_type`) and the names that fit (`complete`).

Like litecli's `suggest_type(text, text_before_cursor)`, the engine sees only text: it is tested with no
terminal, and terminal.py wraps it in a prompt_toolkit Completer.
"""

from __future__ import annotations

import functools
import re
import typing as t

from attrs import Factory, define, evolve, field, frozen

from ..eval import catalog as families
from ..eval import registry
from ..eval.v10.globals import MODULES, USER_COLLECTION
from .docs import TABLES, members, signature10
from . import context
from .lexer import V10_GLOBALS, V10_KEYWORDS
from .validator import TOKEN


@frozen
class Suggestion:
    """What may come at the cursor: a `kind` of name, the part of it already typed, and what is before a dot."""

    #: function (v4 built-ins), global (v10 free names), member (after `name.`), method (after a value's
    #: dot), collection, index, udf (strings naming them), none.
    kind: str
    word: str
    #: Before the dot: the name (member), the value's type or None if unknown (method), `q` (v4 drivers).
    owner: str | None = None
    #: The entry's own names visible at the cursor (`let`s and lambda parameters), each with the text of
    #: its value (None for a parameter of unknown type); a receiver's members come from its type.
    scope: dict[str, str | None] = field(factory=dict, eq=False, repr=False)
    #: The receiver before the dot as v10 text, typed to find its members (v10 only); for a key of an
    #: object argument, the callee (`Collection.create`); for a projection, what is projected.
    receiver: str = field(default="", eq=False, repr=False)
    #: A key of an object argument: the argument's index, then the keys of the objects it is nested in,
    #: and last the keys the object already has. Elsewhere what the cursor's expression is expected to
    #: be (`context.argument`): `("if",)`, `("at",)`, or the index of an argument of `callee`.
    path: tuple[t.Any, ...] = field(default=(), eq=False, repr=False)
    #: The function whose argument the cursor's expression is (`Time.fromString`), for its type.
    callee: str = field(default="", eq=False, repr=False)
    #: An `if (...) x` ends before the cursor, so `else` may come (core offers it only there).
    alternative: bool = field(default=False, eq=False, repr=False)


@define
class Catalog:
    """The open database's names (fetched with the session's secret) and the session's v10 variables."""

    collections: tuple[str, ...] = ()
    indexes: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    #: The v10 indexes of each collection (`People.byName`), by collection name.
    collection_indexes: dict[str, tuple[str, ...]] = Factory(dict)
    #: The session's top-level v10 `let` values, by name.
    variables: dict[str, t.Any] = Factory(dict)
    #: Calls a function with the typechecker's environment of the open database (its schema types the
    #: user collections and their documents) and gives back its result; None: the stdlib's alone.
    with_env: t.Callable[[t.Callable[[t.Any], t.Any]], t.Any] | None = None


@frozen
class Candidate:
    """One completion: the text to insert in place of the last `replace` characters, and a hint."""

    text: str
    replace: int
    meta: str = ""
    #: Ranks a kind of name before others, as core's analyzer does (CompletionItem.priority): the entry's
    #: and the session's variables, then globals and members, then keywords.
    priority: int = 0


_WORD = re.compile(r"[A-Za-z_$][\w$]*$")
#: A call's name just before `(` and an opening quote: `Collection("`, `q.Index('`, `Function.byName("`.
_CALLEE = re.compile(r"([A-Za-z_$][\w$.]*)\s*\(\s*$")
_OWNER = re.compile(r"(?<![\w$.])([A-Za-z_$][\w$]*)$")
#: A `let` whose name is being typed (`let fo`).
_BINDING = re.compile(r"(?<![\w$.])let\s+$")
#: A `let`'s type annotation being written (`let a: Array<N`), up to its `=`.
_ANNOTATION = re.compile(r"(?<![\w$.])let\s+[A-Za-z_][\w']*\s*:(?:[^=;\"'/]|=>)*$")
#: The v10 literals that are names, by the type owning their members (`null.` has none).
_LITERALS = {"true": "Boolean", "false": "Boolean", "null": "Null"}
_DRIVERS = ("q", "f", "query", "fauna")
#: The Python driver's names that end with `_` (`q.if_`, `q.map_`): Python keywords and built-ins.
_UNDERSCORED = frozenset(("if", "lambda", "map", "filter", "class", "and", "or", "not"))
#: Which names a string argument of these calls takes (the last part of the name, normalised).
_STRING_ARGUMENTS = {"collection": "collection", "class": "collection", "index": "index", "function": "udf"}


def suggest_type(text: str, syntax: str = "v4") -> tuple[Suggestion, ...]:
    """What may complete `text` (the text before the cursor) in `syntax` (v4, v10, or auto: both)."""
    last = _last_token(text)
    if last is not None and last.group().startswith(("//", "/*")):
        return (Suggestion("none", ""),)
    if last is not None and last.group()[:1] in "\"'" and not _closed(last.group()):
        inner = _template(last.group()) if syntax != "v4" else None
        if inner is not None:
            # Inside `#{...}` of a v10 string: code again (QueryCompletionSpec "complete within string templates").
            return suggest_type(inner, "v10")
        return (_in_string(text[: last.start()], last.group()[1:]),)
    word = _WORD.search(text)
    typed = word.group() if word else ""
    before = text[: len(text) - len(typed)]
    if before[-1:].isdigit() or (not typed and text[-1:].isalnum()):
        # Part of a number (`12`, `1e`): nothing to complete.
        return (Suggestion("none", typed),)
    if _BINDING.search(before):
        # The name a `let` binds is new: nothing to offer (core's QueryCompletionSpec "complete lets").
        return (Suggestion("none", typed),)
    if syntax != "v4" and _ANNOTATION.search(before):
        return (Suggestion("type", typed),)
    if not typed and (text[-1:] in (")", "]", "!") or _ends_string(text, last)):
        # Right after a value (`Time.now()|`, `Time!|`, `'a'|`) no name can come: core offers nothing there.
        return (Suggestion("none", ""),)
    dotted = before.rstrip()
    if dotted.endswith(".") and not dotted.endswith("..."):
        # (Spaces may follow the dot: core completes `Time. |` as `Time.|`; `...` is no member access.)
        return _after_dot(dotted.removesuffix("?.").removesuffix("."), typed, syntax)
    braced = _braced(before, typed) if syntax != "v4" else None
    if braced is not None:
        return (braced,)
    if syntax == "v4":
        return (Suggestion("function", typed),)
    callee, path = context.argument(before)
    free = Suggestion(
        "global", typed, scope=context.scope(before), callee=callee, path=path, alternative=context.after_if(before)
    )
    return (free,) if syntax == "v10" else (Suggestion("function", typed), free)


def _last_token(text: str) -> re.Match | None:
    last = None
    for last in TOKEN.finditer(text):
        pass
    return last


def _ends_string(text: str, last: re.Match | None) -> bool:
    return last is not None and last.group()[:1] in "\"'" and last.end() == len(text)


def _closed(literal: str) -> bool:
    return len(literal) >= 2 and literal[-1] == literal[0]


def _template(literal: str) -> str | None:
    """The code typed so far in an open `#{` of a double-quoted string, None outside one."""
    head, opened, inner = literal.rpartition("#{")
    if literal[0] != '"' or not opened or "}" in inner:
        return None
    return inner


def _in_string(before: str, typed: str) -> Suggestion:
    """Inside a string: a collection, index or function name if it is the argument of such a call."""
    callee = _CALLEE.search(before)
    if callee is None:
        return Suggestion("none", typed)
    name = callee.group(1)
    if name.endswith(".byName"):
        name = name.removesuffix(".byName")
    kind = _STRING_ARGUMENTS.get(registry.normalise(name.rpartition(".")[2]), "none")
    return Suggestion(kind, typed)


def _after_dot(receiver: str, typed: str, syntax: str) -> tuple[Suggestion, ...]:
    owner = _OWNER.search(receiver)
    if owner is not None and owner.group(1) in _DRIVERS and syntax != "v10":
        return (Suggestion("function", typed, owner.group(1)),)
    if syntax == "v4":
        return (Suggestion("none", typed),)
    scope = context.scope(receiver)
    expr = context.receiver(receiver)
    callee, path = context.argument(receiver.rstrip()[: -len(expr)] if expr else receiver)
    known = {"scope": scope, "receiver": expr, "callee": callee, "path": path}
    if owner is not None and owner.group(1) not in scope and owner.group(1) not in _LITERALS:
        return (Suggestion("member", typed, owner.group(1), **known),)
    return (Suggestion("method", typed, _literal_type(receiver), **known),)


def _literal_type(receiver: str) -> str | None:
    """`"a".` is a String, `[1, 2].` an Array, `2.0.` a Number, `true.` a Boolean; anything else (a call's
    result) is typed by the typechecker, if it can."""
    last = _last_token(receiver)
    if last is None:
        return None
    if last.group()[:1] in "\"'":
        return "String"
    literal = re.search(r"(?<![\w$.])(?:\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][-+]?\d+)?|true|false|null)$", receiver)
    if literal is not None:
        return _LITERALS.get(literal.group(), "Number")
    if last.group() == "]" and _opens_array(receiver):
        return "Array"
    return None


def _opens_array(receiver: str) -> bool:
    """True if the `]` ending `receiver` closes an array literal rather than an index (`a[0]`)."""
    depth = 0
    for token in reversed(list(TOKEN.finditer(receiver))):
        depth += {"]": 1, "[": -1}.get(token.group(), 0)
        if depth == 0:
            head = receiver[: token.start()].rstrip()
            return not head or not (head[-1].isalnum() or head[-1] in "_$)]}\"'!")
    return False


def _braced(before: str, typed: str) -> Suggestion | None:
    """In braces where a key goes: a key of an object argument (`Collection.create({ n|`, QueryCompletionSpec
    "show fields of expected object", nested ones too), or a field of a projection (`doc { na|`, "complete
    projections"); None elsewhere."""
    lexemes = context.lex(before)
    o = context.unclosed(lexemes, len(lexemes))
    if o is None or lexemes[o].group() != "{" or (len(lexemes) > o + 1 and lexemes[-1].group() != ","):
        return None
    present = tuple(lexemes[j + 1].group() for j in range(o, len(lexemes) - 1) if lexemes[j].group() in "{,")
    previous = lexemes[o - 1].group() if o else ""
    if context.ends_value(lexemes, o):
        projected = context.receiver(before[: lexemes[o].start()])
        return Suggestion("projection", typed, scope=context.scope(before), receiver=projected)
    keys: list[str] = []
    while previous == ":" and o >= 2:
        keys.insert(0, lexemes[o - 2].group().strip("\"'"))
        o = context.unclosed(lexemes, o - 2)
        if o is None or lexemes[o].group() != "{":
            return None
        previous = lexemes[o - 1].group() if o else ""
    call = context.unclosed(lexemes, o)
    if previous not in ("(", ",") or call is None or lexemes[call].group() != "(" or not call:
        return None
    index = sum(lexemes[j].group() == "," and context.unclosed(lexemes, j) == call for j in range(call + 1, o))
    callee = context.receiver(before[: lexemes[call].start()])
    if not callee:
        return None
    return Suggestion("key", typed, scope=context.scope(before), receiver=callee, path=(index, *keys, present))


def _typed_members(suggestion: Suggestion, names: Catalog) -> list[tuple[str, str]] | None:
    """The receiver's members by its type, as the typechecker infers it with the entry's `let`s in scope
    and the session's variables bound (core's analyzer completes `fieldsOfValue` of the type at the
    receiver); None where it cannot say."""
    return _inferred(suggestion, names, _members_of)


def _inferred(suggestion: Suggestion, names: Catalog, then: t.Callable[[t.Any, t.Any], t.Any]) -> t.Any:
    """`then(type, env)` of the suggestion's receiver, typed by the typechecker with the entry's `let`s in
    scope and the session's variables bound, in the database's environment; None where it cannot say."""
    from ..eval.v10.static import RuntimeEnv, value_type
    from ..parse import parse
    from ..typer import check
    from ..values import Document

    if not suggestion.receiver:
        return None
    lets = [f"let {name} = {value}" for name, value in suggestion.scope.items() if value is not None]
    # A document is typed as its collection's (core types a document argument so).
    variables = {
        name: value_type(value.ref if isinstance(value, Document) else value)
        for name, value in names.variables.items()
        if name not in suggestion.scope
    }

    def typed(env: t.Any) -> t.Any:
        program = parse("\n".join([*lets, suggestion.receiver]), "v10")
        return then(check(program, variables, env).type, env)

    try:
        return (names.with_env or (lambda fn: fn(RuntimeEnv(None))))(typed)
    except Exception:  # the entry is being typed: what does not parse or type falls back to the text's guess
        return None


def _keys(suggestion: Suggestion, names: Catalog) -> t.Iterator[tuple[str, str] | tuple[str, str, int]]:
    """The fields the object being written may have, by the callee's parameter type: required ones first
    (core's fieldsOfRecord), those it has already left out (but the one being typed)."""
    from ..typer import types as ty

    index, *keys, present = suggestion.path

    def expected(found: t.Any, env: t.Any) -> t.Any:
        funcs = found.members if isinstance(found, ty.Intersect) else (found,)
        record = next((f.params[index] for f in funcs if isinstance(f, ty.Func) and len(f.params) > index), None)
        for key in keys:
            record = _record(record)
            record = None if record is None else record.field(key) or record.wildcard
        return _record(record)

    record = _inferred(suggestion, names, expected)
    if record is None:
        # No object is expected there (or none known): it may as well be a block (core: top level).
        yield from _globals(evolve(suggestion, kind="global"), names)
        return
    for name, value in record.fields:
        if name == suggestion.word or name not in present:
            optional = isinstance(value, ty.Union) and ty.NULL in value.members
            yield name, ty.display(value), 0 if optional else 1


def _record(found: t.Any) -> t.Any:
    """The record a type is, leaving out a union's Null (`{ ... } | Null`); None if it is none."""
    from ..typer import types as ty

    if isinstance(found, ty.Union):
        records = [member for member in found.members if isinstance(member, ty.Record)]
        found = records[0] if len(records) == 1 else None
    return found if isinstance(found, ty.Record) else None


def _types(suggestion: Suggestion, names: Catalog) -> t.Iterator[tuple[str, str]]:
    """The types an annotation may name (QueryCompletionSpec "complete lets with a typeexpr"): the
    stdlib's, `Any` and `Never`, each collection's documents and companion, and the singletons
    `true`, `false`, `null`."""
    from ..eval.v10.stdlib_types import SHAPES

    for name in ("Any", "Never", *(name for name in SHAPES if _WORD.fullmatch(name) and name[:1].isupper())):
        yield name, "type"
    for name in names.collections:
        yield name, "type"
        yield name + "Collection", "type"
    for name in ("true", "false", "null"):
        yield name, "keyword"


def _projection(suggestion: Suggestion, names: Catalog) -> t.Iterator[tuple[str, str]]:
    """The fields a projection may name: of the object or document projected, or of a set's or an
    array's elements (core's projectionFieldsOfValue)."""
    from ..typer import types as ty

    def fields(found: t.Any, env: t.Any) -> list[tuple[str, str]]:
        if isinstance(found, ty.Named) and found.name in ("Set", "Array") and len(found.args) == 1:
            found = found.args[0]
        if isinstance(found, ty.Tuple) and found.items:
            found = ty.union(found.items)
        return _members_of(found, env, methods=False) or []

    yield from _inferred(suggestion, names, fields) or ()


def _members_of(found: t.Any, env: t.Any, methods: bool = True) -> list[tuple[str, str]] | None:
    """A type's fields and (with `methods`) methods; a union's are all of its members' (QueryCompletionSpec
    "complete unions generics"), Null's left out; a user document's its collection's fields (declared,
    computed) and a document's methods (`User.byId('0')!.|`: "complete aliases in let"); None for a type
    the tables do not know."""
    from ..typer import types as ty

    if isinstance(found, ty.Union):
        each = [_members_of(member, env, methods) for member in found.members if member != ty.NULL]
        if not each or any(members is None for members in each):
            return None
        return list({name: meta for members in each for name, meta in members or ()}.items())
    if isinstance(found, ty.Record):
        # An object's fields (`{ a: 3 }.`): objects have no methods.
        return [(name, ty.display(value)) for name, value in found.fields]
    if isinstance(found, ty.Named) and found.name == "Ref" and len(found.args) == 1:
        found = found.args[0]  # a reference (`People.byId("1")`) reads its document's fields
    record = env.document_record(found.name) if isinstance(found, ty.Named) and not found.args else None
    if isinstance(record, ty.Record):
        fields = [(name, ty.display(value)) for name, value in record.fields]
        fields.insert(1, ("coll", found.name + "Collection"))
        return fields + list(_owned("Document", ("method", "field")) if methods else ())
    owner = _owner_of(found)
    return None if owner is None or not methods else list(_owned(*owner))


def _owner_of(found: t.Any) -> tuple[str, tuple[str, ...]] | None:
    """The docs' table owner of a type, and which of its tables: `Time`'s methods and fields (also of a
    number literal's `Number`), a module's (`TimeModule`) statics and fields."""
    from ..typer import types as ty

    value = ("method", "field")
    if isinstance(found, ty.Lit):
        kind = found.value
        return ("Boolean" if isinstance(kind, bool) else "String" if isinstance(kind, str) else "Number"), value
    if isinstance(found, ty.Tuple):
        return "Array", value
    if not isinstance(found, ty.Named):
        return None
    name = _NUMBERS.get(found.name, found.name)
    if name.endswith("Module") and name.removesuffix("Module") in MODULES:
        return name.removesuffix("Module"), ("static", "field")
    return (name, value) if name in _TYPED_OWNERS else None


#: The typechecker's number types, all of whose members are Number's.
_NUMBERS = {"Int": "Number", "Long": "Number", "Double": "Number", "Float": "Number"}
#: The value types the docs' tables list members of (not a user collection's: its members need its name).
_TYPED_OWNERS = frozenset(
    ("Array", "Boolean", "Bytes", "Date", "ID", "Number", "Set", "String", "Time", "TransactionTime", "UUID",
     "EventSource")
)


# -- candidates ------------------------------------------------------------------------------------------


def complete(text: str, syntax: str = "v4", names: Catalog | None = None) -> list[Candidate]:
    """The completions of `text` (the text before the cursor), best first, without duplicates."""
    names = names or Catalog()
    found: dict[str, Candidate] = {}
    suggestions = suggest_type(text, syntax)
    for suggestion in suggestions:
        for candidate in _candidates(suggestion, names):
            found.setdefault(candidate.text, candidate)
    return _rank(list(found.values()), suggestions[0].word)


def _rank(candidates: list[Candidate], typed: str) -> list[Candidate]:
    """By priority (variables, then other names, then keywords, as core's analyzer ranks them), then
    exact-case prefix matches first, then the others (case-insensitive), each alphabetically."""
    return sorted(candidates, key=lambda c: (-c.priority, not c.text.startswith(typed), c.text.lower(), c.text))


def _candidates(suggestion: Suggestion, names: Catalog) -> t.Iterator[Candidate]:
    word = suggestion.word
    pool = _POOLS.get(suggestion.kind)
    if pool is None:
        return
    fitting = _fitting_members(suggestion, names) if suggestion.kind in ("member", "method") else frozenset()
    for text, meta, *priority in pool(suggestion, names):
        if text.lower().startswith(word.lower()):
            rank = (priority[0] if priority else _PRIORITY.get(meta, 0)) + _MATCHING * (text in fitting)
            yield Candidate(text, len(word), meta, rank)


#: Core's CompletionItem.priority: a variable 2, a module (any other global) 1, a keyword -1; members 0.
_PRIORITY = {"variable": 2, "parameter": 2, "keyword": -1}


def _functions(suggestion: Suggestion, names: Catalog) -> t.Iterator[tuple[str, str]]:
    """v4 built-ins; after a driver's `q.`, a lower-case start asks for the Python driver's snake_case."""
    snake = suggestion.owner is not None and suggestion.word[:1].islower()
    for name in _v4_names():
        fn = registry.lookup(name)
        meta = fn.signature if fn is not None else ""
        yield (_python(name) if snake else name), meta


def _python(name: str) -> str:
    """The Python driver's name: snake_case, with `_` after Python's keywords and a few built-ins (`if_`)."""
    name = registry.snake(name)
    return name + "_" if name in _UNDERSCORED else name


@functools.cache
def _v4_names() -> list[str]:
    listed = {name for group in families.FAMILIES.values() for name in group}
    return sorted(listed | {fn.name for fn in registry.V4.values()})


def _globals(suggestion: Suggestion, names: Catalog) -> t.Iterator[tuple[str, str] | tuple[str, str, int]]:
    """v10 free names: the entry's and the session's variables, collections, UDFs, modules, global
    functions, keywords; a variable or a literal keyword of the type expected there first."""
    fitting = _fitting(suggestion, names)
    for name, value in suggestion.scope.items():
        meta = "variable" if value is None or not value.endswith(").where(_ => true).first()!") else "parameter"
        yield name, meta, _PRIORITY[meta] + _MATCHING * (name in fitting)
    for name in names.variables:
        if name not in suggestion.scope:
            yield name, "variable", _PRIORITY["variable"] + _MATCHING * (name in fitting)
    for name in names.collections:
        yield name, "collection"
    for name in names.functions:
        yield name, "function"
    for name in MODULES:
        yield name, "module"
    for name in V10_GLOBALS:
        yield name, signature10("static", TABLES["static"][("FQL", name)])
    for name in V10_KEYWORDS:
        if name != "else" or suggestion.alternative:
            yield name, "keyword"
    for name in ("true", "false", "null"):
        yield name, "keyword", _PRIORITY["keyword"] + _MATCHING * (name in fitting)


#: Core's MatchingTypePriority: what has the type expected where the cursor is comes first.
_MATCHING = 10


def _fitting(suggestion: Suggestion, names: Catalog) -> frozenset[str]:
    """The variables (and `true`, `false`, `null`) whose type fits the one expected at the cursor: an
    `if`'s condition a Boolean, an `at`'s a Time, a call's argument its parameter's type (core's
    CompletionItem.priority, QueryCompletionSpec "prioritize completions"); none where it is not known."""
    from ..typer import types as ty

    if not suggestion.path:
        return frozenset()
    candidates = [*suggestion.scope, *(name for name in names.variables if name not in suggestion.scope)]
    listed = ", ".join([suggestion.callee or "null", *candidates, "true", "false", "null"])

    def fits(found: t.Any, env: t.Any) -> frozenset[str]:
        expected = _expected(suggestion.path, found.items[0]) if isinstance(found, ty.Tuple) else None
        if expected is None:
            return frozenset()
        every = [*candidates, "true", "false", "null"]
        return frozenset(name for name, each in zip(every, found.items[1:]) if ty.is_subtype(each, expected))

    return _inferred(evolve(suggestion, receiver=f"[{listed}]"), names, fits) or frozenset()


def _expected(path: tuple[t.Any, ...], callee: t.Any) -> t.Any:
    """The type expected at the cursor (`context.argument`'s `path`), given the callee's type; None if any is."""
    from ..typer import types as ty

    if path in (("if",), ("at",)):
        return ty.BOOLEAN if path == ("if",) else ty.Named("Time")
    funcs = callee.members if isinstance(callee, ty.Intersect) else (callee,)
    params = [f.params[path[0]] for f in funcs if isinstance(f, ty.Func) and len(f.params) > path[0]]
    expected = ty.union(params) if params else ty.ANY
    return None if expected in (ty.ANY, ty.UNKNOWN) else expected


def _fitting_members(suggestion: Suggestion, names: Catalog) -> frozenset[str]:
    """The members of the receiver whose value (a method's result) has the type expected where the chain
    is an argument (`Time.fromString(Time.now().|)` → `toString`: QueryCompletionSpec "prioritize
    completions"); none where it is not known."""
    from ..typer import types as ty

    if not suggestion.path:
        return frozenset()

    def fits(found: t.Any, env: t.Any) -> frozenset[str]:
        expected = _expected(suggestion.path, found.items[0]) if isinstance(found, ty.Tuple) else None
        if expected is None:
            return frozenset()
        owner = found.items[1]
        members_ = _members_of(owner, env) or ()
        return frozenset(name for name, _ in members_ if _yields(env.member_type(owner, name), expected))

    listed = f"[{suggestion.callee or 'null'}, {suggestion.receiver}]"
    return _inferred(evolve(suggestion, receiver=listed), names, fits) or frozenset()


def _yields(member: t.Any, expected: t.Any) -> bool:
    """Whether a member's value (a field's, or a method's result) has the type `expected`."""
    from ..typer import types as ty

    if member is None:
        return False
    if isinstance(member, (ty.Func, ty.Intersect)):
        funcs = member.members if isinstance(member, ty.Intersect) else (member,)
        return any(ty.is_subtype(f.result, expected) for f in funcs)
    return ty.is_subtype(member, expected)


def _members(suggestion: Suggestion, names: Catalog) -> t.Iterator[tuple[str, str]]:
    """After `name.`: a variable's members, a collection's methods and indexes, or a module's statics."""
    owner = suggestion.owner or ""
    typed = _typed_members(suggestion, names) if owner[:1].islower() else None
    if owner in names.variables:
        # Its type's members, and the fields the value has (a document's beyond those its schema declares).
        yield from typed or ()
        yield from _value_members(names.variables[owner])
    elif typed is not None:
        yield from typed
    elif owner in MODULES:
        yield from _owned(owner, ("static", "field"))
    elif owner in names.collections or owner[:1].isupper():
        # A capitalised name is most likely a collection (perhaps one the secret cannot list).
        yield from _owned(USER_COLLECTION, ("method", "field"))
        for index in names.collection_indexes.get(owner, ()):
            yield index, "index"
    else:
        yield from _methods(evolve(suggestion, kind="method", owner=None), names)


def _methods(suggestion: Suggestion, names: Catalog) -> t.Iterator[tuple[str, str]]:
    """After a value's dot: its type's methods and fields, or every type's when the type is unknown."""
    if suggestion.owner is not None:
        yield from _owned(suggestion.owner, ("method", "field"))
        return
    typed = _typed_members(suggestion, names)
    yield from _any_member() if typed is None else typed


def _owned(owner: str, kinds: tuple[str, ...]) -> t.Iterator[tuple[str, str]]:
    for kind in kinds:
        for name in members(kind, owner):
            yield name, signature10(kind, TABLES[kind][(owner, name)])


def _value_members(value: t.Any) -> t.Iterator[tuple[str, str]]:
    """A session variable's members: a document's fields and methods, or its type's methods."""
    from ..eval.v10.expressions import v10_type
    from ..values import Document, Module

    if isinstance(value, Module):
        yield from _owned(value.name, ("static", "field"))
        return
    if isinstance(value, Document):
        for name in ("id", "coll", "ts", *value.data):
            yield name, "field"
    if isinstance(value, dict):
        for name in value:
            yield name, "field"
    yield from _owned(v10_type(value), ("method", "field"))


def _any_member() -> t.Iterator[tuple[str, str]]:
    """An unknown receiver (a call's result): every method and field of every value type."""
    owners: dict[str, list[str]] = {}
    for kind in ("method", "field"):
        for owner, name in TABLES[kind]:
            if owner not in (USER_COLLECTION, "NullDocument"):
                owners.setdefault(name, []).append(owner)
    for name, types in owners.items():
        yield name, ", ".join(sorted(set(types)))


def _strings(kind: str) -> t.Callable[[Suggestion, Catalog], t.Iterator[tuple[str, str]]]:
    def pool(suggestion: Suggestion, names: Catalog) -> t.Iterator[tuple[str, str]]:
        attribute = {"collection": "collections", "index": "indexes", "udf": "functions"}[kind]
        for name in getattr(names, attribute):
            yield name, kind if kind != "udf" else "function"

    return pool


#: Where each kind of suggestion finds its names.
_POOLS: dict[str, t.Callable[[Suggestion, Catalog], t.Iterator[tuple[str, str]]]] = {
    "function": _functions,
    "global": _globals,
    "member": _members,
    "method": _methods,
    "key": _keys,
    "type": _types,
    "projection": _projection,
    "collection": _strings("collection"),
    "index": _strings("index"),
    "udf": _strings("udf"),
}
