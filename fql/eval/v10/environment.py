"""A database's whole v10 type environment, as core's environment endpoint (`GET /environment/1`) answers it
(GlobalContext.completeEnv, EnvironmentExporter): the standard library's globals and types
(fql/eval/v10/stdlib_types.py), and each user collection and function as a global with its types.

A user collection `Author` (and its alias, if it has one) is the global `Author: AuthorCollection`, with
the types `AuthorCollection`, `Author` (its documents) and `NullAuthor`, made from its defined fields,
wildcard, document TTLs and indexes as core's CollectionTypeInfo makes them. A user function is
`UserFunction<sig>`, its signature as core's typer keeps it: with its parameters' names, in a typechecked
database; `Any` elsewhere. At most 1000 collections and 1000 functions are listed, as in core;
`truncated_resources` names the kinds cut short.
"""

from __future__ import annotations

import functools
import typing as t

import attrs

from ... import ast
from ...errors import FQLError
from ...typer.types import field_name
from ...values import Ref
from ..sets import named_key
from . import signatures as sig
from . import stdlib_types as std
from .collections import strict_path
from .fields import env_typechecked
from .names import is_identifier

if t.TYPE_CHECKING:
    from ..evaluator import Context

#: Core's EnvironmentCollectionLimit and EnvironmentFunctionLimit.
LIMIT = 1000
#: The number types a create or update argument takes as any Number (core's upcastNumericParam).
_NUMERIC = frozenset(("Int", "Long", "Double", "Float"))


def complete(ctx: Context) -> dict:
    """The `environment` of core's answer: `globals`, `types` and, when cut short, `truncated_resources`."""
    typechecked = env_typechecked(ctx)
    colls = [g for data in _live(ctx, "#collections", "collections") for g in _collection_globals(data, typechecked)]
    funcs = [g for data in _live(ctx, "#functions", "functions") for g in _function_globals(data, typechecked)]
    globals_: dict[str, str] = {}
    types: dict[str, std.Shape] = {}
    for name, kind, shapes in [*colls[:LIMIT], *funcs[:LIMIT]]:
        if name not in std.GLOBALS:
            globals_[name] = kind
            types.update(shapes)
    globals_.update(std.GLOBALS)
    own = {name: shape.as_json() for name, shape in types.items() if name not in std.SHAPES}
    env: dict[str, t.Any] = {
        "globals": dict(sorted(globals_.items())),
        "types": dict(sorted({**own, **_stdlib_types()}.items())),
    }
    truncated = [kind for kind, found in (("collection", colls), ("function", funcs)) if len(found) > LIMIT]
    if truncated:
        env["truncated_resources"] = truncated
    return env


@functools.cache
def _stdlib_types() -> dict[str, dict]:
    """The standard library's types as the answer writes them: the same in every database, so made once."""
    return {name: _unflagged(name, shape).as_json() for name, shape in std.SHAPES.items()}


def _unflagged(name: str, shape: std.Shape) -> std.Shape:
    """The shape without the members a feature flag that is off hides (core's filterDisabledTypeMembers)."""
    flagged = std.FLAGGED.get(name)
    if not flagged:
        return shape
    return attrs.evolve(shape, fields={name: kind for name, kind in shape.fields.items() if name not in flagged})


def _live(ctx: Context, stored: str, native: str) -> list[dict]:
    """The live documents of a schema collection (`#collections`), in the order core's ids give them."""
    found = []
    for version in ctx.state.txn.scan(ctx.state.scope, stored):
        if version.live_at(ctx.state.ts) and version.data:
            key = named_key(ctx, Ref(version.key.id, Ref(native)))
            found.append((key or b"", version.data))
    found.sort(key=lambda pair: pair[0])
    return [data for _, data in found]


def _names(data: dict) -> list[str]:
    """A schema document's name and alias, those that are identifiers (core leaves out the rest)."""
    return [n for n in (data.get("name"), data.get("alias")) if isinstance(n, str) and is_identifier(n)]


# -- user collections ----------------------------------------------------------------------------------


def _collection_globals(data: dict, typechecked: bool) -> list[tuple[str, str, dict[str, std.Shape]]]:
    return [(name, name + "Collection", document_shapes(name, data, typechecked)) for name in _names(data)]


def document_shapes(name: str, definition: dict, typechecked: bool = False, env: t.Any = None) -> dict[str, std.Shape]:
    """The three types a user collection called (or aliased) `name` gives: `<name>Collection`, `<name>`
    and `Null<name>` (core's CollectionTypeInfo). Computed fields are in them only when typechecked; `env`:
    the typer's environment their bodies are typed in (None: the stdlib's only)."""
    return _CollectionTypes(name, definition, typechecked, env).shapes()


class _CollectionTypes:
    """Core's CollectionTypeInfo over a stored definition: its fields' types, each shown as core shows it."""

    def __init__(self, name: str, definition: dict, typechecked: bool, env: t.Any = None):
        self.name = name
        self.defined = {
            field: (_parse(spec.get("signature")), "default" in spec)
            for field, spec in (definition.get("fields") or {}).items()
            if isinstance(spec, dict)
        }
        self.computed = _computed(definition, typechecked, env)
        wildcard = definition.get("wildcard")
        self.wildcard: t.Any = _parse(wildcard) if isinstance(wildcard, str) else None
        if self.wildcard is None and not self.defined:
            self.wildcard = sig.Keyword("Any")
        ttls = definition.get("document_ttls")
        self.has_ttl = ttls if isinstance(ttls, bool) else not self.defined
        self.indexes = definition.get("indexes") or {}

    def shapes(self) -> dict[str, std.Shape]:
        doc, coll = self.name, self.name + "Collection"
        finders = {"byId": f"(id: ID) => Ref<{doc}>", "definition": "CollectionDef"}
        coll_fields = {
            **std.collection_fields(doc, self.record(self.create_native(), self.create_user())),
            "createData": f"(data: {self.record({}, self.create_user())}) => {doc}",
            **finders,
            **{index: self.index_method(spec) for index, spec in self.indexes.items()},
        }
        update = self.record(self.update_native(), self.update_user())
        replace = self.record(self.update_native(), self.create_user())
        doc_fields = {
            **std.document_fields(doc, coll, update, replace),
            "updateData": f"(data: {self.record({}, self.update_user())}) => {doc}",
            "replaceData": f"(data: {self.record({}, self.create_user())}) => {doc}",
        }
        return {
            coll: std.Shape(coll, coll_fields, apply=f"(id: ID) => Ref<{doc}>", type_hint="user_collection"),
            doc: std.Shape(doc, doc_fields, alias=self.record(dict(std.META_FIELDS), self.document())),
            "Null" + doc: std.null_document(doc, coll, "id"),
        }

    def document(self) -> dict[str, str]:
        """The documents' own fields: the defined ones, then the computed ones."""
        return {**{f: show(te) for f, (te, _) in self.defined.items()}, **self.computed}

    def record(self, native: dict[str, str], user: dict[str, str]) -> str:
        items = [f"{field_name(f)}: {shown}" for f, shown in {**native, **user}.items()]
        if self.wildcard is not None:
            items.append(f"*: {show(self.wildcard)}")
        return "{ " + ", ".join(items) + " }" if items else "{}"

    def update_native(self) -> dict[str, str]:
        """`ttl` where documents may have one (`null` where a wildcard would take it), and `data: Null`
        under a wildcard."""
        native = {"ttl": "Time | Null"} if self.has_ttl else {"ttl": "Null"} if self.wildcard is not None else {}
        return {**native, **({"data": "Null"} if self.wildcard is not None else {})}

    def create_native(self) -> dict[str, str]:
        return {"id": "ID | Null", **self.update_native()}

    def create_user(self) -> dict[str, str]:
        """The defined fields as a create or replace takes them: required unless they have a default."""
        return {f: show(_creatable(te, default)) for f, (te, default) in self.defined.items()}

    def update_user(self) -> dict[str, str]:
        """The defined fields as an update takes them: each optional."""
        return {f: show(_updatable(te)) for f, (te, _) in self.defined.items()}

    def index_method(self, spec: t.Any) -> str:
        """`((term1: T) => Set<Doc>) & ((term1: T, range: ...) => Set<Doc>)`."""
        terms = spec.get("terms") if isinstance(spec, dict) else None
        params = [
            f"term{i}: {show(self.term_type(term))}" for i, term in enumerate(terms or [], 1) if isinstance(term, dict)
        ]
        without = "(" + ", ".join(params) + f") => Set<{self.name}>"
        with_range = "(" + ", ".join([*params, f"range: {std.RANGE}"]) + f") => Set<{self.name}>"
        return f"({without}) & ({with_range})"

    def term_type(self, term: dict) -> t.Any:
        """The type of a term's field in the documents (its elements', for an `mva` term); Any if unknown."""
        found: t.Any = _field_type(self, _path(term.get("field")))
        if term.get("mva"):
            members = _mva(found)
            found = members[0] if len(members) == 1 else sig.UnionType(tuple(members))
        return found


def _computed(definition: dict, typechecked: bool, env: t.Any = None) -> dict[str, str]:
    """Computed fields as core's typer records them in a typechecked database: a declared signature as
    written, else the type of the body (FQL2ComputedFieldsSpec "should infer computed field types"), `Any`
    where fql's typer cannot say it."""
    if not typechecked:
        return {}
    return {name: shown for name, (shown, _) in computed_types(definition, env).items()}


def computed_types(definition: dict, env: t.Any = None) -> dict[str, tuple[str, bool]]:
    """Each computed field's type as shown, and whether it is declared or inferred (else it is `Any` for
    want of one). A body is typed with its document of the fields known so far: the meta fields, the
    defined ones, the computed ones declared or inferred before it (a later one is not known); and with
    the typer's environment `env` (the database's collections and functions: FQL2TypecheckSpec "lookup
    env for computed fields"; None: the stdlib's only)."""
    computed = {n: spec for n, spec in (definition.get("computed_fields") or {}).items() if isinstance(spec, dict)}
    out: dict[str, tuple[str, bool]] = {}
    for name, spec in computed.items():
        if spec.get("signature"):
            declared = _parse(spec["signature"])
            out[name] = (show(declared), not (isinstance(declared, sig.Keyword) and declared.name == "Any"))
    for name, spec in computed.items():
        if name not in out:
            found = _inferred(spec.get("body"), definition, out, env)
            out[name] = (found, True) if found is not None else ("Any", False)
    return {name: out[name] for name in computed}


def _inferred(body: t.Any, definition: dict, known: dict[str, tuple[str, bool]], env: t.Any = None) -> str | None:
    """The type fql's typer gives a computed field's body (a lambda of one parameter), shown; None where
    it cannot say, or the type does not read back as a signature (the field is then `Any`)."""
    from ...parse import parse
    from ...typer import check_body
    from ...typer import types as ty
    from .static import RuntimeEnv, _stdlib

    try:
        program = parse(body, "v10") if isinstance(body, str) else None
    except FQLError:
        return None
    if program is None or len(program.body) != 1 or not isinstance(program.body[0], ast.Arrow):
        return None
    arrow = program.body[0]
    fields = {**dict(std.META_FIELDS), **{f: show(_parse(spec.get("signature"))) for f, spec in _defined(definition)}}
    fields.update({f: shown for f, (shown, sure) in known.items() if sure})
    wildcard = definition.get("wildcard")
    items = [f"{field_name(f)}: {shown}" for f, shown in fields.items()]
    if isinstance(wildcard, str) or not definition.get("fields"):
        items.append("*: Any")
    doc = _stdlib("{ " + ", ".join(items) + " }")
    scope = {p: (doc if doc is not None else ty.UNKNOWN, None) for p in arrow.params if p != "_"}
    try:
        _, found = check_body(arrow.body, scope, env or RuntimeEnv(None), body)
    except RecursionError:
        return None
    shown = ty.display(found)
    if shown is None:
        return None
    try:
        sig.parse(shown, schema=True)
    except sig.SignatureError:
        return None
    return shown


def _defined(definition: dict) -> list[tuple[str, dict]]:
    return [(f, spec) for f, spec in (definition.get("fields") or {}).items() if isinstance(spec, dict)]


def _parse(text: t.Any) -> t.Any:
    """A stored signature's type; Any where it does not parse (core keeps a poisoned type there)."""
    try:
        return sig.parse(text, schema=True) if isinstance(text, str) else sig.Keyword("Any")
    except sig.SignatureError:
        return sig.Keyword("Any")


def _path(field: t.Any) -> list[str]:
    """A term's field path (`.a.b`, `a`, `.["a b"]`) as its steps."""
    steps = strict_path(field) if isinstance(field, str) else None
    return [str(step) for step in steps or []]


def _field_type(types: _CollectionTypes, path: list[str]) -> t.Any:
    """The type at `path` in the documents: a meta field's, else the defined fields' (or the wildcard's)."""
    meta = dict(std.META_FIELDS)
    if path and path[0] in meta and path[0] not in types.defined:
        return _select(sig.Name(meta[path[0]]) if path[0] != "ttl" else sig.Nullable(sig.Name("Time")), path[1:])
    fields = {f: te for f, (te, _) in types.defined.items()}
    # A computed field's type (declared, else inferred) is the term's (FQL2ComputedFieldsSpec "index types
    # use computed field types"), where the collection's types have them (a typechecked database).
    fields.update({f: _parse(shown) for f, shown in types.computed.items()})
    return _select(sig.ObjectType(tuple(fields.items()), types.wildcard), path)


def _select(texpr: t.Any, path: list[str]) -> t.Any:
    """core's selectFieldFromValue: follow `path` through object fields (or the wildcard), tuple items and
    array elements; Any where it leads nowhere."""
    for step in path:
        if isinstance(texpr, sig.ObjectType) and not texpr.interface:
            found = dict(texpr.fields).get(step, texpr.wildcard)
        elif isinstance(texpr, sig.TupleType) and step.isdigit() and int(step) < len(texpr.items):
            found = texpr.items[int(step)]
        elif isinstance(texpr, sig.Name) and texpr.name == "Array" and texpr.args and step.isdigit():
            found = texpr.args[0]
        else:
            found = None
        if found is None:
            return sig.Keyword("Any")
        texpr = found
    return texpr


def _mva(texpr: t.Any) -> list:
    """core's termType for an mva term: an array's elements, a tuple's items, through unions."""
    if isinstance(texpr, sig.Name) and texpr.name == "Array" and len(texpr.args) == 1:
        return [texpr.args[0]]
    if isinstance(texpr, sig.TupleType):
        return list(texpr.items)
    if isinstance(texpr, sig.UnionType):
        tuples = [m for m in texpr.members if isinstance(m, sig.TupleType)]
        if len(tuples) == len(texpr.members) and len({len(m.items) for m in tuples}) == 1:
            # Tuples of one length are one tuple of unions to core (`[1, 2] | [3, 4]` is `[1 | 3, 2 | 4]`).
            return [item for items in zip(*(m.items for m in tuples)) for item in items]
        return [m for member in texpr.members for m in _mva(member)]
    return [texpr]


def _upcast(texpr: t.Any) -> t.Any:
    """Int, Long, Double and Float as Number, all through the type (core's upcastNumericParam)."""
    if isinstance(texpr, sig.Name):
        name = "Number" if texpr.name in _NUMERIC else texpr.name
        return sig.Name(name, tuple(_upcast(a) for a in texpr.args))
    if isinstance(texpr, sig.ObjectType):
        fields = tuple((f, _upcast(v)) for f, v in texpr.fields)
        return sig.ObjectType(fields, None if texpr.wildcard is None else _upcast(texpr.wildcard), texpr.interface)
    if isinstance(texpr, sig.TupleType):
        return sig.TupleType(tuple(_upcast(i) for i in texpr.items))
    if isinstance(texpr, sig.LambdaType):
        variadic = None if texpr.variadic is None else _upcast(texpr.variadic)
        return sig.LambdaType(tuple(_upcast(p) for p in texpr.params), _upcast(texpr.result), variadic)
    if isinstance(texpr, (sig.UnionType, sig.IntersectType)):
        return type(texpr)(tuple(_upcast(m) for m in texpr.members))
    if isinstance(texpr, sig.Nullable):
        return sig.Nullable(_upcast(texpr.base))
    return texpr


def _creatable(texpr: t.Any, default: bool) -> t.Any:
    """A defined field as a create takes it: an object field by field (optional when all its fields are:
    each has a default, or is itself such an object), a field with a default optional (SchemaTypeValidatorSpec
    "typecheck default fields correctly": `a: { foo: Int = 3, bar: String = "hi" }` may be left out)."""
    if isinstance(texpr, sig.ObjectType) and not texpr.interface:
        fields = tuple((f, _creatable(v, texpr.default(f) is not None)) for f, v in texpr.fields)
        record = sig.ObjectType(fields, None if texpr.wildcard is None else _upcast(texpr.wildcard))
        optional = all(isinstance(v, sig.Nullable) for _, v in fields)
        return sig.Nullable(record) if default or optional else record
    return sig.Nullable(_upcast(texpr)) if default else _upcast(texpr)


def _updatable(texpr: t.Any) -> t.Any:
    """A defined field as an update takes it: optional, and an object's fields each optional too."""
    if isinstance(texpr, sig.ObjectType) and not texpr.interface:
        fields = tuple((f, _updatable(v)) for f, v in texpr.fields)
        return sig.Nullable(sig.ObjectType(fields, None if texpr.wildcard is None else _upcast(texpr.wildcard)))
    return sig.Nullable(_upcast(texpr))


# -- showing a type as core's typer shows it -----------------------------------------------------------


def show(texpr: t.Any, prec: int = 0) -> str:
    """A type as core's environment shows it once its typer has read it: `T?` is `T | Null`, a union's
    members flattened, kept once, named types before type constructors, lambdas, objects and tuples, and
    Null last (CoalescedType.toTypeSchemeExpr)."""
    if isinstance(texpr, (sig.UnionType, sig.Nullable)):
        members = _union_members(texpr)
        if len(members) == 1:
            return show(members[0], prec)
        text = " | ".join(show(m, 20) for m in members)
        return f"({text})" if prec > 20 else text
    if isinstance(texpr, sig.Name) and texpr.args:
        return texpr.name + "<" + ", ".join(show(a) for a in texpr.args) + ">"
    if isinstance(texpr, sig.ObjectType):
        items = [f"{field_name(n)}: {show(v)}" for n, v in texpr.fields]
        if texpr.wildcard is not None:
            items.append(f"*: {show(texpr.wildcard)}")
        end = ", ... }" if texpr.interface else " }"
        return "{ " + ", ".join(items) + end if items else "{}"
    if isinstance(texpr, sig.TupleType):
        return "[" + ", ".join(show(i) for i in texpr.items) + "]"
    if isinstance(texpr, sig.LambdaType):
        return show_lambda(texpr, (), prec)
    if isinstance(texpr, sig.IntersectType):
        text = " & ".join(show(m, 30) for m in texpr.members)
        return f"({text})" if prec > 30 else text
    return sig.show(texpr, prec)


def show_lambda(texpr: sig.LambdaType, names: tuple, prec: int = 0) -> str:
    """A function type, its parameters named by `names` where given (`(x: String) => String`)."""
    params = []
    for i, param in enumerate(texpr.params):
        name = names[i] if i < len(names) else None
        alone = len(texpr.params) == 1 and texpr.variadic is None
        params.append(f"{name}: {show(param, 10)}" if name else show(param, 11 if alone else 10))
    if texpr.variadic is not None:
        name = names[len(texpr.params)] if len(names) > len(texpr.params) else None
        params.append(f"{name}: ...{show(texpr.variadic, 10)}" if name else "..." + show(texpr.variadic, 10))
    if len(params) == 1 and texpr.variadic is None and not (names and names[0]):
        text = f"{params[0]} => {show(texpr.result, 10)}"
    else:
        text = "(" + ", ".join(params) + f") => {show(texpr.result, 10)}"
    return f"({text})" if prec > 10 else text


#: The order core's typer lists a union's members in, by kind.
_ORDER = (sig.Keyword, sig.Singleton, "id", "construct", sig.LambdaType, sig.ObjectType, sig.TupleType)


def _union_members(texpr: t.Any) -> list:
    flat: list = []

    def add(node: t.Any) -> None:
        if isinstance(node, sig.UnionType):
            for member in node.members:
                add(member)
        elif isinstance(node, sig.Nullable):
            add(node.base)
            add(sig.Name("Null"))
        elif node not in flat:
            flat.append(node)

    add(texpr)
    flat = _subsume_singletons(flat)
    return sorted(flat, key=_rank)


def _rank(node: t.Any) -> int:
    if isinstance(node, sig.Name):
        return 99 if node.name == "Null" and not node.args else _ORDER.index("construct" if node.args else "id")
    for i, kind in enumerate(_ORDER):
        if isinstance(kind, type) and isinstance(node, kind):
            return i
    return len(_ORDER)


def _subsume_singletons(members: list) -> list:
    """Literals drop out beside their own type (`"a" | String` is String); `true | false` is Boolean."""
    names = {m.name for m in members if isinstance(m, sig.Name) and not m.args}
    bools = {m.value for m in members if isinstance(m, sig.Singleton) and isinstance(m.value, bool)}
    if bools == {True, False} and "Boolean" not in names:
        members = [m for m in members if not (isinstance(m, sig.Singleton) and isinstance(m.value, bool))]
        members.insert(0, sig.Name("Boolean"))
        names.add("Boolean")
    return [m for m in members if not (isinstance(m, sig.Singleton) and _literal_of(m.value) & names)]


def _literal_of(value: t.Any) -> set[str]:
    if isinstance(value, bool):
        return {"Boolean"}
    if isinstance(value, int):
        return {"Number", "Int", "Long"} if -(1 << 31) <= value < (1 << 31) else {"Number", "Long"}
    if isinstance(value, str):
        return {"String"}
    return set()


# -- user functions ------------------------------------------------------------------------------------


def _function_globals(data: dict, typechecked: bool) -> list[tuple[str, str, dict]]:
    shown = f"UserFunction<{function_signature(data, typechecked)}>"
    return [(name, shown, {}) for name in _names(data)]


def function_signature(data: dict, typechecked: bool) -> str:
    """A function's type as core's typer keeps it (its internal signature): in a typechecked database, a
    declared signature with the parameters named as the body names them; `Any` without one (core infers
    it there, which fql cannot) and in a database that is not typechecked."""
    declared = data.get("signature")
    if not typechecked or not isinstance(declared, str) or not isinstance(data.get("body"), str):
        return "Any"
    texpr = _parse(declared)
    if not isinstance(texpr, sig.LambdaType):
        return "Any"
    return show_lambda(texpr, _parameter_names(data["body"]))


def _parameter_names(body: str) -> tuple:
    """The names a function's body gives its parameters (None for `_`), its rest parameter last."""
    from ...parse import parse_expr

    try:
        node = parse_expr(body, "v10")
    except FQLError:
        return ()
    if not isinstance(node, ast.Arrow):
        return ()
    names = tuple(None if p == "_" else p for p in node.params)
    return names + ((node.rest,) if node.rest else ())
