"""The static check a typechecked v10 query gets before it runs (core's FQLInterpreter.evalWithTypecheck):
fql/typer's checker, given what the runtime knows (the methods registered for each primitive type, the
stdlib's signatures in stdlib_types, the signature parser for them and for `let` annotations, the types of
the query's arguments)."""

from __future__ import annotations

import functools
import math
import re
import typing as t

from attrs import define, field

from ... import ast
from ...errors import QueryCheckError
from ...storage.base import DocKey
from ...typer import Env, NullPlace, check
from ...typer import types as ty
from ...values import Date, Module, Ref, Timestamp
from ...wire.v10 import java_double
from ..registry import V10_FIELDS, V10_METHODS
from ..documents import schema_version
from ..refs import live
from . import signatures, stdlib_types
from .environment import computed_types, document_shapes, function_signature
from .fields import env_typechecked
from .globals import aliased
from .names import is_identifier

if t.TYPE_CHECKING:
    from ..evaluator import Context

#: The registry's kind for each primitive type the checker asks about.
_KINDS = {
    "Int": "Number", "Long": "Number", "Double": "Number", "Number": "Number",
    "String": "String", "Boolean": "Boolean", "Null": "Null", "Array": "Array", "ID": "ID",
    "Bytes": "Bytes", "UUID": "UUID",
}  # fmt: skip


#: The containers whose members are generic over their element, `A` in their signatures (`<A> Set<A>`).
_GENERIC = frozenset(("Array", "Set", "EventSource"))
#: The prototypes whose values have their shape's members alone: core's Prototype field tables, which
#: its environment endpoint lists in full.
_CLOSED = frozenset(
    ("Time", "Date", "Bytes", "ID", "UUID", "TransactionTime", "SetCursor", "Set", "EventSource", "UserFunction")
)
#: The closed prototypes whose type takes one argument (a user function's is its signature).
_CLOSED_OF_ONE = _GENERIC | {"UserFunction"}
#: The empty references (`Ref<D>` is `D | EmptyRef<D>`), whose members the checker is asked for without
#: their document (they do not depend on it).
_EMPTY_REFS = frozenset(("EmptyRef", "EmptyNamedRef"))
#: A field signature whose Null has a place of its own: `T?`, `T | Null`, `Null | T` (T a plain name).
_NULLABLE = re.compile(r"\s*(?:[A-Z]\w*\s*(?P<qmark>\?)|[A-Z]\w*\s*\|\s*(?P<after>Null)|(?P<before>Null)\s*\|\s*[A-Z]\w*)\s*")
#: A field signature that is one type's name (`String`), spaces around it.
_ONE_NAME = re.compile(r"\s*(?P<name>[A-Z]\w*)\s*")
#: The type constructors a `let` annotation may name (with one argument), as core's type environment has them.
_CONSTRUCTORS = frozenset(("Array", "Set", "EventSource", "Ref", "NamedRef", "EmptyRef", "EmptyNamedRef"))


class RuntimeEnv(Env):
    """The checker's environment from fql's runtime: a primitive's members are the registered ones, the
    stdlib's globals and their members' types are the signature table's (stdlib_types), generic ones
    instantiated from their receiver; a user collection (by name or alias) is its companion
    `<Name>Collection`, with its documents `<Name>` and `Null<Name>`, typed from its definition as core's
    CollectionTypeInfo types them (environment.document_shapes), read from the database of `ctx`."""

    def __init__(self, ctx: Context | None = None) -> None:
        self.ctx = ctx
        #: Whether the check read the database's schema: then its outcome holds for that schema only; and
        #: whether it read the database's `typechecked` setting (a user function's type depends on it).
        self.read_schema = False
        self.read_setting = False
        #: The types of the user collections looked up, by name (None: no such collection).
        self._collections: dict[str, dict[str, stdlib_types.Shape] | None] = {}
        #: User documents' fields, by type name.
        self._records: dict[str, ty.Record | None] = {}
        #: The types of the user collections looked up, by type name.
        self._types: dict[str, stdlib_types.Shape] = {}
        #: The internal signatures of the user functions declared so, by the id of their type (kept with it).
        self._internal: dict[int, tuple[ty.Type, str]] = {}
        #: The user functions whose types are being inferred from their bodies (one reaching itself is not).
        self._inferring: set[str] = set()

    def global_type(self, name: str) -> ty.Type | None:
        # fql resolves a stdlib name before a user collection or function (globals.resolve), as core
        # reserves them.
        found = stdlib_types.global_type(name)
        if found is None:
            return ty.Named(name + "Collection") if self._collection(name) is not None else self._function(name)
        # A module or a native collection is its type (`Math` is `MathModule`, `Key` is `KeyCollection`).
        return ty.Named(found) if stdlib_types.shape(found) is not None else _stdlib(found)

    def member_type(self, owner: ty.Type, name: str) -> ty.Type | None:
        if isinstance(owner, ty.Tuple):
            # An array literal is an Array of its items' union.
            if not owner.items:
                return None
            owner = ty.Named("Array", (ty.union(owner.items),))
        if isinstance(owner, ty.Named) and len(owner.args) == 1 and owner.name in _GENERIC:
            text = stdlib_types.signature(owner.name, name)
            found = None if text is None else _stdlib(text)
            if found is None or not _generic(text):
                return found
            if isinstance(found, (ty.Func, ty.Intersect)):
                return ty.Generic(found, (("A", owner.args[0]),))
            return None
        kind = self._kind(owner)
        shape = None if kind is None else self._shape(kind)
        if shape is None:
            return None
        text = shape.fields.get(name)
        if text is not None:
            found = _stdlib(text)
            # (A generic function of a module, `Set.single`, learns its parameters where it is called.)
            return None if _generic(text) and not isinstance(found, (ty.Func, ty.Intersect)) else found
        record = self._record(kind) if shape.alias is not None else None  # type: ignore[arg-type]
        return None if record is None else record.field(name)

    def has_member(self, owner: ty.Type, name: str) -> bool | None:
        if not isinstance(owner, ty.Named):
            return None
        if owner.name in _EMPTY_REFS and not owner.args and name != "toString":
            # An empty reference: its own members (its alias Null's `toString` is left alone).
            return name in stdlib_types.SHAPES[owner.name].fields
        if owner.name in _KINDS:
            kind = _KINDS[owner.name]
            return (kind, name) in V10_METHODS or (kind, name) in V10_FIELDS
        if owner.name in _CLOSED and len(owner.args) == (owner.name in _CLOSED_OF_ONE):
            # A prototype's members are its shape's, no more (as core's environment lists them).
            return name in stdlib_types.SHAPES[owner.name].fields
        shape = self._shape(owner.name) if not owner.args else None
        if shape is None:
            return None
        if shape.type_hint in ("module", "user_collection", "server_collection"):
            return name in shape.fields
        if owner.name in stdlib_types.NATIVE_DOCUMENTS and name != "toString":
            # A native document (`Key`, `CollectionDef`): its methods and its alias's fields, no more (core's
            # FQL2DocSpec: a `Key` has no `updateData`).
            record = self._record(owner.name)
            return None if record is None else name in shape.fields or record.field(name) is not None
        if owner.name in self._records and name != "toString":
            # A user document: its methods, its fields (all of them, under a wildcard).
            record = self._records[owner.name]
            return None if record is None else name in shape.fields or record.field(name) is not None
        return None

    def apply_type(self, owner: ty.Type) -> ty.Type | None:
        if isinstance(owner, ty.Named) and owner.name == "UserFunction" and len(owner.args) == 1:
            return owner.args[0]
        shape = self._shape(owner.name) if isinstance(owner, ty.Named) and not owner.args else None
        if shape is None or shape.type_hint is None or shape.apply is None:
            return None
        return _stdlib(shape.apply)

    def callable(self, owner: ty.Type) -> bool | None:
        if not isinstance(owner, ty.Named) or owner.args:
            return None
        if owner.name in _KINDS and owner.name not in ("Array", "Null"):
            # (Calling null is left alone: core may word it as a null's failure.)
            return False
        if owner.name in ("Time", "Date"):
            # Their prototypes have no apply (Time.scala's and Date.scala's `defApply` are their modules').
            return False
        shape = self._shape(owner.name)
        if shape is None or shape.type_hint not in ("module", "user_collection"):
            return None
        return shape.apply is not None

    def annotation(self, parsed: t.Any) -> ty.Type | None:
        return _annotated(parsed, known=self._known)

    def unknown_type(self, parsed: t.Any) -> tuple[str, int] | None:
        # Only where core's failure is that one error: no function type (whose generics core allows and
        # checks by their polarity), no reference (core refuses its argument apart), one unknown name once,
        # every known name given as many type arguments as it takes, and the unknown one a member of the
        # annotation's union, which any value fits once core has replaced it (an `Array<Foo>` would still
        # refuse a number, a failure of its own).
        names = _named(parsed)
        if names is None or self.ctx is None:
            return None
        unknown = [n for n in names if not self._type_exists(n.name)]
        if len(unknown) != 1 or unknown[0] not in _members(parsed):
            return None
        if any(len(n.args) != (n.name in _GENERIC) for n in names if n is not unknown[0]):
            return None
        return unknown[0].name, unknown[0].start

    def _type_exists(self, name: str) -> bool:
        """Whether `name` is a type core's environment has: a scalar, the stdlib's, a user collection's."""
        return name in signatures.SCALARS or self._shape(name) is not None

    # -- the database's collections

    def _kind(self, owner: ty.Type) -> str | None:
        """The type whose shape gives the members of a value of the type `owner`, where the checker is
        given them: primitives, plain values, modules, collections and documents (no Null, no Any)."""
        if isinstance(owner, ty.Named) and owner.name == "UserFunction":
            return owner.name
        if not isinstance(owner, ty.Named) or owner.args or owner.name in ("Null", "Any", "Never"):
            return None
        return owner.name

    def _known(self, name: str) -> bool:
        """Whether a type an annotation names is one the checker models."""
        return name in _PLAIN_TYPES or (name not in stdlib_types.SHAPES and self._shape(name) is not None)

    def _shape(self, name: str) -> stdlib_types.Shape | None:
        """A type's shape: the stdlib's, else a user collection's (`Author`, `AuthorCollection`, `NullAuthor`)."""
        found = stdlib_types.shape(name) or self._types.get(name)
        if found is not None or self.ctx is None:
            return found
        for base in _collection_names(name):
            if base not in self._collections:
                self._collection(base)
        return self._types.get(name)

    def _collection(self, name: str) -> dict[str, stdlib_types.Shape] | None:
        """The types of the user collection called (or aliased) `name`, None where there is none."""
        if self.ctx is None:
            return None
        if name not in self._collections:
            self.read_schema = True
            found = _collection_types(self.ctx, name)
            self._collections[name] = None if found is None else found[0]
            if found is not None:
                self._types.update(found[0])
                self._records[name] = found[1]
        return self._collections[name]

    def _function(self, name: str) -> ty.Type | None:
        """A user function (by name or alias) with a declared signature, in a typechecked database:
        `UserFunction<(x: Number) => Number>`, its parameters named as its body names them (core's
        internal signature). Without one core infers its type from its body, which fql does for a body
        that uses no parameter (`_inferred_function`); in a database that is not typechecked it is
        `UserFunction<Any>` to core: not known here."""
        if self.ctx is None or not is_identifier(name):
            return None
        found = _live_or_aliased(self.ctx, "#functions", name)
        if found is None:
            return None
        self.read_setting = True
        if not env_typechecked(self.ctx):
            return None
        internal = function_signature(found, True)
        fn = _stdlib(internal)
        if isinstance(fn, ty.Func):
            self._internal[id(fn)] = (fn, internal)
        elif not found.get("signature"):
            fn = self._inferred_function(name, found.get("body"))
        return ty.Named("UserFunction", (fn,)) if isinstance(fn, ty.Func) else None

    def result_null(self, fn: ty.Type) -> NullPlace | None:
        """A declared signature's Null, as core types it at query time: from the function's internal
        signature (`() => String | Null`), which core parses in its Null source (UserFunction's
        prepareLambdaSig: `Src.Null`), so its hint is `at <no source>`, its offsets those of the text."""
        inner = self.apply_type(fn) if isinstance(fn, ty.Named) and fn.name == "UserFunction" else None
        kept = None if inner is None else self._internal.get(id(inner))
        if kept is None or kept[0] is not inner or not kept[1].endswith(" | Null"):
            return None
        text = kept[1]
        return NullPlace(None, text, len(text) - len("Null"), len(text))

    def field_null(self, owner: ty.Type, name: str) -> NullPlace | None:
        """A user document's field declared `T?` (or `T | Null`, `Null | T`): core types its documents from
        the field's signature parsed in its own source (DefinedField: `*field:Person:age*`), the Null at
        the `?` (TyperTypeExprs' Nullable) or at its name."""
        found = self._signature(owner, name, _NULLABLE)
        if found is None:
            return None
        group = next(g for g in ("qmark", "after", "before") if found.group(g) is not None)
        return NullPlace(f"field:{owner.name}:{name}", found.string, found.start(group), found.end(group))

    def _signature(self, owner: ty.Type, name: str, pattern: re.Pattern) -> re.Match | None:
        """The signature of the field `name` of the user collection whose documents are `owner` (as its live
        schema, not an alias's, has it) matched whole by `pattern`; None if there is no such field or match."""
        spec = self._field_spec(owner, name)
        text = spec.get("signature") if isinstance(spec, dict) else None
        return pattern.fullmatch(text) if isinstance(text, str) else None

    def _field_spec(self, owner: ty.Type, name: str) -> t.Any:
        """The definition of the field `name` of the user collection whose documents are `owner`, as its
        live schema (not an alias's) has it; None if there is none."""
        if self.ctx is None or not isinstance(owner, ty.Named) or owner.args or stdlib_types.shape(owner.name):
            return None
        if self._collection(owner.name) is None:
            return None
        version = _live_or_aliased(self.ctx, "#collections", owner.name, data=False)
        if version is None or version.data.get("name") != owner.name:
            return None
        return (version.data.get("fields") or {}).get(name)

    def field_place(self, owner: ty.Type, name: str) -> NullPlace | None:
        """A user document's field declared as one named type (`name: String`): core types it from the
        field's signature parsed in its own source (DefinedField: `*field:Person:name*`), the type spanning
        the signature's name."""
        found = self._signature(owner, name, _ONE_NAME)
        if found is None:
            return None
        return NullPlace(f"field:{owner.name}:{name}", found.string, found.start("name"), found.end("name"))  # type: ignore[union-attr]

    def _inferred_function(self, name: str, body: t.Any) -> ty.Func | None:
        """A function without a signature typed from its body, as core infers it: one that takes no
        parameter it uses (`() => Foo.byId('0')!.bar`: FQL2ComputedFieldsSpec "should infer computed field
        types"), or whose parameters the checker types from their use (`x => x + 1` is `Number => Number`:
        FQL2TypecheckSpec "udf"); None for the others (core's inference from other uses is not modelled),
        and for a function that reaches itself."""
        from ...errors import FQLError
        from ...parse import parse
        from ...typer import check_body

        if not isinstance(body, str) or name in self._inferring:
            return None
        try:
            program = parse(body, "v10")
        except FQLError:
            return None
        arrow = program.body[0] if len(program.body) == 1 else None
        if not isinstance(arrow, ast.Arrow) or arrow.rest is not None:
            return None
        self._inferring.add(name)
        try:
            if all(p == "_" for p in arrow.params):
                errors, result = check_body(arrow.body, {}, self, body)
                found: ty.Type = ty.Func(tuple(ty.UNKNOWN for _ in arrow.params), result)
            else:
                # The lambda as the checker types it: a parameter used only as a number is a Number, one
                # only passed to a user index of that index's term type (`x => x + 1` is `Number => Number`).
                errors, found = check_body(arrow, {}, self, body)
        finally:
            self._inferring.discard(name)
        if errors or not isinstance(found, ty.Func):
            return None
        # (A function whose parameters only have fields read, `x => x.foo`: its calls are checked for those
        # fields, its type is not shown.)
        opened = bool(found.params) and all(isinstance(p, ty.Record) and p.wildcard == ty.UNKNOWN for p in found.params)
        if opened:
            return found
        if any(ty.contains(p, ty.Var) for p in found.params) and not ty.contains(found, ty.Unknown):
            # A generic one (`x => x` is `A => A`: FQL2UserFunctionSpec "internal signatures are added"), as
            # the checker shows a lambda; its generics numbered apart from those of the query that names it.
            return _apart(found) if ty.display(found) is not None else None  # type: ignore[return-value]
        if ty.display(found.result) is None:
            return None
        if any(ty.contains(p, (ty.Unknown, ty.Var)) for p in found.params) and any(p != "_" for p in arrow.params):
            return None
        return found

    def document_record(self, name: str) -> ty.Type | None:
        return self._record(name) if self._shape(name) is not None else None

    def _record(self, name: str) -> ty.Record | None:
        """A document type's fields: a user document's, or a native one's (its alias, from the table)."""
        if name in self._records:
            return self._records[name]
        shape = self._shape(name)
        found = None if shape is None or shape.alias is None else _stdlib(shape.alias)
        return found if isinstance(found, ty.Record) else None


def _collection_names(type_name: str) -> list[str]:
    """The collections a type may belong to: `Author` for `Author`, `AuthorCollection` and `NullAuthor`."""
    names = [type_name]
    if type_name.endswith("Collection") and len(type_name) > len("Collection"):
        names.append(type_name[: -len("Collection")])
    if type_name.startswith("Null") and len(type_name) > len("Null"):
        names.append(type_name[len("Null") :])
    return names


def _live_or_aliased(ctx: Context, kind: str, name: str, data: bool = True) -> t.Any:
    """The live schema document (`#collections`, `#functions`) called `name`, or aliased so: its data, or
    (`data` false) its version; None where there is none."""
    scope = ctx.state.scope
    version = live(ctx, DocKey(scope, kind, name))
    if version is None:
        target = aliased(ctx, scope, kind, name)
        version = None if target is None else live(ctx, DocKey(scope, kind, target))
    if version is None or not isinstance(version.data, dict):
        return None
    return version.data if data else version


#: A user collection's types (its shapes, its documents' fields) by database, name, and the definition's
#: version: made once for each definition, not on every check.
_COLLECTION_TYPES: dict[tuple[int, str, str, int], tuple[dict[str, stdlib_types.Shape], ty.Record | None]] = {}
_COLLECTION_TYPES_MAX = 1024
#: The collections whose types are being made (a computed field's body may name its own).
_TYPING: set[tuple] = set()


def _collection_types(
    ctx: Context, name: str
) -> tuple[dict[str, stdlib_types.Shape], ty.Record | None] | None:
    """The types of the live user collection called `name`, or aliased so: its shapes, its documents' fields."""
    if not is_identifier(name):
        return None
    version = _live_or_aliased(ctx, "#collections", name, data=False)
    if version is None:
        return None
    key: tuple = (id(ctx.state.db), ctx.state.scope, name, version.ts)
    computed = (version.data.get("computed_fields") or {}).values()
    if any(isinstance(spec, dict) and not spec.get("signature") for spec in computed):
        # A computed field typed from its body may name the rest of the schema: its version is in the key.
        key = (*key, schema_version(ctx))
    found = _COLLECTION_TYPES.get(key)
    if found is None:
        if key in _TYPING:
            # A computed field's body that names its own collection, typed while the collection is: the
            # collection as the stdlib alone types its computed fields (one that names the database's
            # collections or functions is unknown, never an error), not kept (`doc => Q.all().count()` in
            # `Q` is a Number, as core's environment types it).
            shapes = document_shapes(name, version.data, True)
            return shapes, _document_record(shapes[name], version.data)
        if len(_COLLECTION_TYPES) >= _COLLECTION_TYPES_MAX:
            _COLLECTION_TYPES.clear()
        # Computed fields are typed in the database's environment (their bodies name other collections).
        env = RuntimeEnv(ctx)
        _TYPING.add(key)
        try:
            shapes = document_shapes(name, version.data, True, env)
            record = _document_record(shapes[name], version.data, env)
        finally:
            _TYPING.discard(key)
        found = _COLLECTION_TYPES[key] = (shapes, record)
    return found


def _apart(t_: ty.Type) -> ty.Type:
    """A type with its generics (Vars) renumbered below zero: a query's checker numbers its own lambdas'
    parameters from zero, so a user function's generics, typed by another checker, stay apart from them."""
    if isinstance(t_, ty.Var):
        return ty.Var(-1 - t_.id)
    if isinstance(t_, ty.Named):
        return ty.Named(t_.name, tuple(_apart(a) for a in t_.args))
    if isinstance(t_, ty.Union):
        return ty.Union(tuple(_apart(m) for m in t_.members))
    if isinstance(t_, ty.Tuple):
        return ty.Tuple(tuple(_apart(i) for i in t_.items))
    if isinstance(t_, ty.Record):
        return ty.Record(tuple((k, _apart(v)) for k, v in t_.fields), None if t_.wildcard is None else _apart(t_.wildcard))
    if isinstance(t_, ty.Func):
        rest = None if t_.rest is None else (t_.rest[0], _apart(t_.rest[1]))
        return ty.Func(tuple(_apart(p) for p in t_.params), _apart(t_.result), t_.names, rest)
    if isinstance(t_, ty.Intersect):
        return ty.Intersect(tuple(_apart(m) for m in t_.members))  # type: ignore[misc]
    return t_


def _document_record(shape: stdlib_types.Shape, definition: dict, env: Env | None = None) -> ty.Record | None:
    """A user document's fields (its shape's alias): a computed field whose type fql's typer could not
    infer from its body is UNKNOWN (core's typer would say it)."""
    found = None if shape.alias is None else _stdlib(shape.alias)
    if not isinstance(found, ty.Record):
        return None
    unknown = {n for n, (_, known) in computed_types(definition, env).items() if not known}
    fields = tuple((n, ty.UNKNOWN if n in unknown else v) for n, v in found.fields)
    return ty.Record(fields, found.wildcard)


#: A generic signature's type parameters: `<A, B> (mapper: (A => B)) => Set<B>`.
_TYPE_PARAMS = re.compile(r"<([A-Z](?:, [A-Z])*)> ")


@functools.lru_cache(maxsize=4096)
def _stdlib(text: str) -> ty.Type | None:
    """A signature of the table (`(x: Number) => Number`, `MathModule`, `<A> () => A | Null`, a user
    collection's `(id: ID) => Ref<Author>`) as the checker's type, its type parameters Params; None for
    one it does not model. Cached: the table's signatures (and a database's) are a small set, parsed once
    each rather than on every query's check."""
    params: tuple[str, ...] = ()
    generic = _TYPE_PARAMS.match(text)
    if generic is not None:
        params, text = tuple(generic.group(1).split(", ")), text[generic.end() :]
    try:
        parsed = signatures.parse(text)
    except signatures.SignatureError:
        return None
    return _annotated(parsed, stdlib=True, params=params)


@functools.lru_cache(maxsize=4096)
def _generic(text: str) -> bool:
    """Whether a signature of the table has type parameters."""
    found = _stdlib(text)
    return found is not None and ty.contains(found, ty.Param)


#: The stdlib's plain types a `let` annotation may name for the checker: the modules, and values with
#: no type arguments that are no documents or collections.
_PLAIN_TYPES = frozenset(
    {name for name, shape in stdlib_types.SHAPES.items() if shape.type_hint == "module"}
    | {"ID", "UUID", "Time", "Date", "Bytes", "TransactionTime", "SetCursor"}
)


def _members(node: t.Any) -> list[t.Any]:
    """An annotation's members as a union (`A | B?` is A, B and Null)."""
    if isinstance(node, signatures.UnionType):
        return [m for member in node.members for m in _members(member)]
    if isinstance(node, signatures.Nullable):
        return _members(node.base)
    return [node]


def _named(node: t.Any) -> list[signatures.Name] | None:
    """The named types an annotation spells, in order; None where it spells a function, an intersection
    or a reference (see `unknown_type`)."""
    if isinstance(node, signatures.Name):
        if node.name in _CONSTRUCTORS - _GENERIC:
            return None
        inner = [_named(arg) for arg in node.args]
        return None if None in inner else [node, *(n for names in inner for n in names)]  # type: ignore[union-attr]
    if isinstance(node, (signatures.Keyword, signatures.Singleton)):
        return []
    if isinstance(node, signatures.Nullable):
        children = [node.base]
    elif isinstance(node, signatures.UnionType):
        children = list(node.members)
    elif isinstance(node, signatures.TupleType):
        children = list(node.items)
    elif isinstance(node, signatures.ObjectType):
        children = [value for _, value in node.fields] + ([] if node.wildcard is None else [node.wildcard])
    else:
        return None
    inner = [_named(child) for child in children]
    return None if None in inner else [n for names in inner for n in names]  # type: ignore[union-attr]


def _annotated(
    node: t.Any, stdlib: bool = False, params: tuple[str, ...] = (), known: t.Callable[[str], bool] | None = None
) -> ty.Type | None:
    """A parsed signature as the checker's type, where it spells only what the checker models; `stdlib`
    allows what only the stdlib's signatures spell to it: functions and overloads, type `params`, and any
    named type (the table's text names only types that are); an annotation's names must be `known`."""

    def again(child: t.Any) -> ty.Type | None:
        return _annotated(child, stdlib, params, known)

    if stdlib and isinstance(node, signatures.LambdaType):
        if node.names and len(node.names) != len(node.params):
            return None
        parts = [again(p) for p in node.params]
        result = again(node.result)
        rest = None if node.variadic is None else again(node.variadic)
        if None in parts or result is None or (node.variadic is not None and rest is None):
            return None
        return ty.Func(
            tuple(parts), result, node.names, None if rest is None else (node.variadic_name, rest)  # type: ignore[arg-type]
        )
    if stdlib and isinstance(node, signatures.IntersectType):
        members = [again(m) for m in node.members]
        if not all(isinstance(m, ty.Func) for m in members):
            # `(A => Any) & {}` (an ordering: a function or `asc(...)`): what it takes is not checked.
            return None if any(m is None for m in members) else ty.ANY
        return ty.Intersect(tuple(members))  # type: ignore[arg-type]
    if isinstance(node, signatures.Keyword):
        return ty.Named(node.name)
    if isinstance(node, signatures.Singleton):
        return ty.NULL if node.value is None else ty.Lit(node.value)
    if isinstance(node, signatures.Name):
        if node.name in params and not node.args:
            return ty.Param(node.name)
        if not node.args and node.name in signatures.SCALARS and node.name != "Float":
            return ty.Named(node.name)
        if node.args:
            if len(node.args) != 1 or not (stdlib or node.name in _CONSTRUCTORS):
                return None
            item = again(node.args[0])
            return None if item is None else ty.Named(node.name, (item,))
        if stdlib or node.name in _PLAIN_TYPES or (known is not None and known(node.name)):
            return ty.Named(node.name)
        return None
    parts_: list[t.Any]
    if isinstance(node, (signatures.Nullable, signatures.UnionType)):
        parts_ = [again(m) for m in node.members] if isinstance(node, signatures.UnionType) else [again(node.base), ty.NULL]
        if None in parts_:
            return None
        # The table's unions are written as core shows them (`{ from: Any } | { to: Any }`, unmerged).
        return _union_as_written(parts_) if stdlib else ty.union(parts_)
    if isinstance(node, signatures.TupleType):
        parts_ = [again(i) for i in node.items]
        return None if None in parts_ else ty.Tuple(tuple(parts_))
    if isinstance(node, signatures.ObjectType) and not node.interface:
        parts_ = [again(v) for _, v in node.fields]
        wildcard = None if node.wildcard is None else again(node.wildcard)
        if None in parts_ or (node.wildcard is not None and wildcard is None):
            return None
        return ty.Record(tuple(zip((k for k, _ in node.fields), parts_)), wildcard)
    return None


def _union_as_written(members: list[ty.Type]) -> ty.Type:
    flat: list[ty.Type] = []
    for each in members:
        flat.extend(each.members if isinstance(each, ty.Union) else (each,))
    flat = list(dict.fromkeys(flat))
    return flat[0] if len(flat) == 1 else ty.Union(tuple(flat))


def value_type(value: t.Any) -> ty.Type:
    """The type core's typer gives a value bound before the query runs (an argument, a template value):
    a singleton for a string or number, the type's name for the rest (FQL2QueryTemplateSpec "typechecks
    query arguments correctly"); UNKNOWN where fql does not know it."""
    if value is None:
        return ty.NULL
    if isinstance(value, bool):
        return ty.BOOLEAN
    if type(value) in (str, int):
        return ty.Lit(value)
    if isinstance(value, float):
        return ty.Lit(value, java_double(value)) if math.isfinite(value) else ty.Named("Double")
    if isinstance(value, Timestamp):
        return ty.Named("Time")
    if isinstance(value, Date):
        return ty.Named("Date")
    if isinstance(value, list):
        return ty.Tuple(tuple(value_type(v) for v in value))
    if type(value) is dict:
        return ty.Record(tuple((k, value_type(v)) for k, v in value.items()))
    if isinstance(value, Module) and value.collection is not None and value.collection.collection is not None:
        return ty.Named(f"{value.name}Collection")
    if isinstance(value, Ref) and value.collection is not None:
        if value.collection.collection is not None:
            return ty.Named(value.collection.id)
        if value.collection.id == "collections":
            return ty.Named("CollectionDef")
    return ty.UNKNOWN


#: Outcomes of checks, by program, the types of the bound names the check asked for, and (for a check
#: that read the database's schema: it named a user collection) the database and its schema version: the
#: parse cache hands one Program to one text, and a check depends on nothing else, so a query run again,
#: with arguments of the same types, on the same schema, is not checked again. Keyed by identity: equal
#: programs may differ in their spans.
_CHECKED: dict[int, _Checked] = {}
_CHECKED_MAX = 512
#: Outcomes kept for one program (its argument types and schemas), the oldest dropped first.
_VARIANTS_MAX = 16


@define
class _Checked:
    program: ast.Node
    #: The bound names the check asks for, in order.
    names: tuple[str, ...]
    #: What of the database the check reads: nothing (0), its schema (1), and its `typechecked` setting (2).
    schema: int
    outcomes: dict[tuple, t.Any] = field(factory=dict)

    def key(self, ctx: Context) -> tuple:
        types = tuple(_bound_type(ctx.env, name) for name in self.names)
        if not self.schema:
            return types
        return (*types, _schema_key(ctx), self.schema > 1 and env_typechecked(ctx))


def _schema_key(ctx: Context) -> tuple[int, str, int]:
    """Which schema a check read: its database's (one fql.Database, one database in it) and its version."""
    return id(ctx.state.db), ctx.state.scope, schema_version(ctx)


def _outcome(program: ast.Node, ctx: Context) -> t.Any:
    hit = _CHECKED.get(id(program))
    key = None
    if hit is not None and hit.program is program:
        key = hit.key(ctx)  # (reads the schema version: computed once, kept for the miss below)
        found = hit.outcomes.get(key)
        if found is not None:
            return found
    # The bound names the check asked for, in order, with the types it was given.
    asked: dict[str, ty.Type | None] = {}

    def bound(name: str) -> ty.Type | None:
        if name not in asked:
            asked[name] = _bound_type(ctx.env, name)
        return asked[name]

    env = RuntimeEnv(ctx)
    outcome = check(program, bound, env)
    names = tuple(asked)
    schema = 2 if env.read_setting else int(env.read_schema)
    if hit is None or hit.program is not program or (hit.names, hit.schema) != (names, schema):
        if len(_CHECKED) >= _CHECKED_MAX:
            _CHECKED.clear()
        hit = _CHECKED[id(program)] = _Checked(program, names, schema)
        key = None  # the key a new entry asks for differs: it is computed for it
    if len(hit.outcomes) >= _VARIANTS_MAX:
        del hit.outcomes[next(iter(hit.outcomes))]
    hit.outcomes[hit.key(ctx) if key is None else key] = outcome
    return outcome


def _bound_type(env: t.Mapping[str, t.Any] | None, name: str) -> ty.Type | None:
    """The type of a name the query is run with, None for one it is not."""
    return value_type(env[name]) if env and name in env else None


def typecheck(program: ast.Node, ctx: Context) -> str | None:
    """Check a query before it runs: QueryCheckError (`invalid_query`) with core's type errors, else the
    query's static type as core shows it (None where the checker cannot say); core's check warnings go to
    the query's `check_warnings`."""
    try:
        outcome = _outcome(program, ctx)
    except RecursionError:
        # FQL2TypecheckSpec "typechecking should not 500": core's TypecheckStackOverflow, over the query.
        raise QueryCheckError("Typechecking failed due to query complexity.", span=program.span) from None
    if outcome.errors:
        raise _failure(outcome.errors)
    ctx.state.check_warnings = [_error(w) for w in outcome.warnings]
    return outcome.shown


def _failure(errors: t.Sequence[t.Any]) -> QueryCheckError:
    """One QueryCheckError for them all: the first, with the rest in `more` (core's QueryCheckFailure)."""
    first, *rest = (_error(e) for e in errors)
    first.more = rest
    return first


def _error(error: t.Any) -> QueryCheckError:
    out = QueryCheckError(error.message, span=error.span)
    out.hints = [_hint(message, span, suggestion) for message, span, suggestion in error.hints]
    out.causes = [
        (message, span, *([tuple((m, s, *(() if g is None else (g,))) for m, s, g in rest[0])] if rest and rest[0] else []))
        for message, span, *rest in error.causes
    ]
    return out


def _hint(message: str, span: t.Any, suggestion: str | None) -> tuple:
    """A hint as the error keeps it: (message, source, its text or None for the query's, span, suggestion?).
    One in the schema (a NullPlace) is drawn in its source, `at <no source>` where core shows none."""
    if isinstance(span, NullPlace):
        if span.source is None:
            return (message, None, None, ast.NO_SPAN)
        text = span.text

        def place(offset: int) -> tuple[int, int]:
            return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1

        (line, column), (end_line, end_column) = place(span.start), place(span.end)
        return (message, span.source, text, ast.Span(line, column, span.start, span.end, end_line, end_column))
    return (message, "query", None, span, *(() if suggestion is None else (suggestion,)))
