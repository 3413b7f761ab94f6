"""The standard library's static types: every global, module and type of FQL v10 with its fields, methods,
operators and signatures, spelled in core's type display syntax (`<A> (predicate: (A => Boolean | Null)) =>
Array<A>`), as core's environment endpoint (`GET /environment/1`) lists them and its typer knows them.

This is data, read by the environment endpoint (fql/eval/v10/environment.py) and meant for a typechecker:

- `GLOBALS`: a global name (`Math`, `abort`) -> its type (`MathModule`, `(return: Any) => Never`).
- `SHAPES`: a type name -> its `Shape` (`self`, `fields`, `ops`, `apply`, `access`, `alias`, `type_hint`).
- `signature(type_name, member)`: a field's or method's type (`signature("String", "at")`), else None.
- `operator(type_name, op)`: an operator's type, the typer's built-in ones (`==`, `<`, `+`) included.
- `global_type(name)`: a global's type; `shape(type_name)`: a type's Shape.

A module is `<Name>Module` (its statics; `apply` is calling it: `Time("...")`), a native collection
`<Name>Collection` with its documents `<Doc>` and missing documents `Null<Doc>`; a user collection's types
are made from its definition (`document_shapes`). Operators the typer hard-codes (comparisons, `+`) are in
`HARDCODED_OPS`, not in each type's `ops`, as core keeps them. tests/test_stdlib_types.py checks the table
against fql's catalog of v10 methods (fql/eval/registry.py).
"""

from __future__ import annotations

import typing as t

from attrs import field, frozen

#: The `range` a collection's `all()` and an index method take.
RANGE = "{ from: Any } | { to: Any } | { from: Any, to: Any }"
#: A document's meta fields, as a user document type lists them first.
META_FIELDS = (("id", "ID"), ("ts", "Time"), ("ttl", "Time | Null"))


@frozen
class Shape:
    """What a type offers (shown as `display`): fields and methods by name, operators, calling it (`apply`), indexing it
    (`access`), what it stands for (`alias`), and what kind of global it is (`type_hint`: `module`,
    `server_collection` or `user_collection`)."""

    #: How the type shows itself (`<A> Array<A>`; `Number` for `Int`).
    display: str
    fields: t.Mapping[str, str] = field(factory=dict)
    ops: t.Mapping[str, str] = field(factory=dict)
    apply: str | None = None
    access: str | None = None
    alias: str | None = None
    type_hint: str | None = None

    def as_json(self) -> dict:
        """The shape as core's environment endpoint writes it: members sorted, empty parts left out."""
        out: dict[str, t.Any] = {"self": self.display}
        if self.fields:
            out["fields"] = dict(sorted(self.fields.items()))
        if self.ops:
            out["ops"] = dict(sorted(self.ops.items()))
        for name in ("apply", "access", "alias", "type_hint"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


def _type(fields: dict, display: str | None = None, **parts: t.Any) -> t.Callable[[str], Shape]:
    return lambda name: Shape(display or name, fields, **parts)


def _module(fields: dict, **parts: t.Any) -> t.Callable[[str], Shape]:
    return lambda name: Shape(name, fields, type_hint="module", **parts)


#: The global functions; with the modules and collections below, the globals.
FUNCTIONS = {
    "abort": "(return: Any) => Never",
    "asc": "<A> (accessor: (A => Any)) => { asc: A => Any }",
    "dbg": "<A> (value: A) => A",
    "desc": "<A> (accessor: (A => Any)) => { desc: A => Any }",
    "log": "(args: ...Any) => Null",
    "newId": "() => ID",
}
#: The modules, by global name (`Math` is a `MathModule`).
MODULES = (
    "Array", "Boolean", "Bytes", "Date", "Doc", "Double", "EventSource", "FQL", "Float", "ID", "Int", "Long", "Math",
    "Null", "Number", "Object", "Query", "Set", "SetCursor", "String", "Struct", "Time", "TransactionTime", "UUID",
)  # fmt: skip
#: The native collections, by global name, with the type of their documents.
NATIVE_COLLECTIONS = {
    "AccessProvider": "AccessProvider",
    "Collection": "CollectionDef",
    "Credential": "Credential",
    "Credentials": "Credential",
    "Database": "DatabaseDef",
    "Function": "FunctionDef",
    "Key": "Key",
    "Role": "Role",
    "Token": "Token",
}
_COLLECTION_TYPES = {"Credentials": "CredentialCollection"}

GLOBALS: dict[str, str] = {
    **FUNCTIONS,
    **{name: name + "Module" for name in MODULES},
    **{name: _COLLECTION_TYPES.get(name, name + "Collection") for name in NATIVE_COLLECTIONS},
}

_NUMBER_TYPES = ("Int", "Long", "Double", "Float")
#: Operators of every number type (`Int`, `Long`, `Double`, `Float` all show as `Number`).
_NUMBER_OPS = {
    "%": "(other: Number) => Number",
    "&": "(other: Number) => Number",
    "*": "(other: Number) => Number",
    "**": "(exponent: Number) => Number",
    "-": "((other: Number) => Number) & (() => Number)",
    "/": "(other: Number) => Number",
    "^": "(other: Number) => Number",
    "|": "(other: Number) => Number",
    "~": "() => Number",
}
_BOOLEAN_OPS = {
    "!": "() => Boolean",
    "&&": "(other: Boolean) => Boolean",
    "||": "(other: Boolean) => Boolean",
}
#: The operators core's typer knows for every type (its Typer.HardcodedOps), not listed per type.
HARDCODED_OPS = {
    "==": "(Any, Any) => Boolean",
    "!=": "(Any, Any) => Boolean",
    ">": "(Any, Any) => Boolean",
    "<": "(Any, Any) => Boolean",
    ">=": "(Any, Any) => Boolean",
    "<=": "(Any, Any) => Boolean",
    "+": "((Number, Number) => Number) & ((String, String) => String)",
}

# -- collections and their documents -------------------------------------------------------------------


def collection_fields(doc: str, create: str) -> dict[str, str]:
    """What every collection offers, over documents of type `doc` created from a `create` object."""
    return {
        "all": f"(() => Set<{doc}>) & ((range: {RANGE}) => Set<{doc}>)",
        "create": f"(data: {create}) => {doc}",
        "firstWhere": f"(pred: ({doc} => Boolean)) => {doc} | Null",
        "toString": "() => String",
        "where": f"(pred: ({doc} => Boolean)) => Set<{doc}>",
    }


def document_fields(doc: str, coll: str, update: str = "{ *: Any }", replace: str = "{ *: Any }") -> dict[str, str]:
    """What a document of type `doc` offers."""
    return {
        "coll": coll,
        "delete": f"() => Null{doc}",
        "exists": "() => true",
        "replace": f"(data: {replace}) => {doc}",
        "update": f"(data: {update}) => {doc}",
    }


def null_document(doc: str, coll: str, key: str) -> Shape:
    """`Null<doc>`: a document that does not exist, named by its `key` (`id` or `name`)."""
    fields = {"coll": coll, "exists": "() => false", key: "ID" if key == "id" else "String", "toString": "() => String"}
    return Shape(f"Null{doc}", fields, alias="Null")


def _native(
    coll: str,
    doc: str,
    key: str,
    alias: str,
    create: str,
    *,
    apply: str | None = None,
    more: dict | None = None,
    doc_more: dict | None = None,
) -> dict[str, Shape]:
    """The three types of a native collection: `coll` itself, its documents `doc`, and `Null<doc>`. Its
    documents are found by `key` (`byName` or `byId`); `more` and `doc_more` add members to `coll` and `doc`."""
    finder = {"byName": f"(name: String) => NamedRef<{doc}>"} if key == "name" else {"byId": f"(id: ID) => Ref<{doc}>"}
    coll_fields = {**collection_fields(doc, create), **finder, **(more or {})}
    return {
        coll: Shape(coll, coll_fields, apply=apply, type_hint="server_collection"),
        doc: Shape(doc, {**document_fields(doc, coll), **(doc_more or {})}, alias=alias),
        f"Null{doc}": null_document(doc, coll, key),
    }


_DATA = "data: { *: Any } | Null"
_AP_ROLE = "{ role: String, predicate: String }"
_INDEX_TERMS = "Array<{ field: String, mva: Boolean | Null }>"
_INDEX_VALUES = 'Array<{ field: String, mva: Boolean | Null, order: "asc" | "desc" | Null }>'
_MIGRATIONS = (
    "{ backfill: { field: String, value: String } } | { drop: { field: String } } | { split: { field: String, "
    "to: Array<String> } } | { move: { field: String, to: String } } | { add: { field: String } } | "
    "{ move_conflicts: { into: String } } | { move_wildcard: { into: String } } | { add_wildcard: {} }"
)
_CONSTRAINTS = (
    "{ unique: Array<String> | Array<{ field: String, mva: Boolean | Null }> } | "
    "{ check: { name: String, body: String } }"
)
_COMPUTED = "{ *: { body: String, signature: String | Null } }"
_FIELDS = "{ *: { signature: String, default: String | Null } }"

_NATIVES: dict[str, Shape] = {
    **_native(
        "AccessProviderCollection", "AccessProvider", "name",
        "{ name: String, ts: Time, coll: AccessProviderCollection, issuer: String, jwks_uri: String, "
        f"roles: Array<{_AP_ROLE}>, audience: String, {_DATA} }}",
        f"{{ name: String, issuer: String, jwks_uri: String, roles: String | {_AP_ROLE} | "
        f"Array<String | {_AP_ROLE}> | Null, {_DATA} }}",
    ),
    **_native(
        "CollectionCollection", "CollectionDef", "name",
        f"{{ name: String, alias: String | Null, computed_fields: {_COMPUTED}, fields: {_FIELDS}, "
        "migrations: Array<{}> | Null, wildcard: String, ts: Time, coll: CollectionCollection, history_days: "
        "Number | Null, ttl_days: Number | Null, document_ttls: Boolean | Null, indexes: { *: { terms: "
        f'{_INDEX_TERMS}, values: {_INDEX_VALUES}, queryable: Boolean, status: "pending" | "active" | '
        f'"failed" }} }}, constraints: Array<{{ *: Any }}>, {_DATA} }}',
        f"{{ name: String, alias: String | Null, computed_fields: {_COMPUTED} | Null, fields: {_FIELDS} | Null, "
        f"migrations: Array<{_MIGRATIONS}> | Null, wildcard: String | Null, history_days: Number | Null, "
        "ttl_days: Number | Null, document_ttls: Boolean | Null, indexes: { *: { terms: "
        f"{_INDEX_TERMS} | Null, values: {_INDEX_VALUES} | Null, queryable: Boolean | Null }} }} | Null, "
        f"constraints: Array<{_CONSTRAINTS}> | Null, {_DATA} }}",
        apply="(collection: String) => Any",
        more={"Deleted": "DeletedCollection"},
    ),
    **_native(
        "CredentialCollection", "Credential", "id",
        f"{{ id: ID, ts: Time, coll: CredentialCollection, document: Ref<{{ *: Any }}>, {_DATA} }}",
        f"{{ id: ID | Null, document: Ref<{{ *: Any }}>, password: String | Null, {_DATA} }}",
        apply="(id: ID) => Ref<Credential>",
        more={"byDocument": "(document: { *: Any } | Null) => Ref<Credential>"},
        doc_more={
            "login": "((secret: String) => Token) & ((secret: String, ttl: Time) => Token)",
            "verify": "(secret: String) => Boolean",
        },
    ),
    **_native(
        "DatabaseCollection", "DatabaseDef", "name",
        "{ name: String, ts: Time, coll: DatabaseCollection, global_id: String, priority: Number | Null, "
        f"typechecked: Boolean | Null, protected: Boolean | Null, {_DATA} }}",
        f"{{ name: String, priority: Number | Null, typechecked: Boolean | Null, protected: Boolean | Null, {_DATA} }}",
    ),
    **_native(
        "FunctionCollection", "FunctionDef", "name",
        "{ name: String, alias: String | Null, signature: String | Null, ts: Time, coll: FunctionCollection, "
        f"role: String | Null, body: String, {_DATA} }}",
        "{ name: String, alias: String | Null, signature: String | Null, role: String | Null, body: String, "
        f"{_DATA} }}",
        apply="(function: String) => Any",
    ),
    **_native(
        "KeyCollection", "Key", "id",
        "{ id: ID, ts: Time, coll: KeyCollection, role: String, database: String | Null, ttl: Time | Null, "
        f"secret: String | Null, {_DATA} }}",
        f"{{ role: String, database: String | Null, ttl: Time | Null, {_DATA} }}",
        apply="(id: ID) => Ref<Key>",
    ),
    **_native(
        "RoleCollection", "Role", "name",
        f"{{ name: String, ts: Time, coll: RoleCollection, privileges: Any, membership: Any, {_DATA} }}",
        f"{{ name: String, privileges: Any | Null, membership: Any | Null, {_DATA} }}",
    ),
    **_native(
        "TokenCollection", "Token", "id",
        "{ id: ID, ts: Time, coll: TokenCollection, document: { *: Any }, secret: String | Null, "
        f"ttl: Time | Null, {_DATA} }}",
        # Core's TokenCompanion.docCreateType: `document` is `Union(AnyDoc, AnyNullDoc)`, a field the typer lets a
        # create leave out (TyperUtil.allowMissingField): `Token.create({})` fails only when it runs.
        f"{{ id: ID | Null, document: {{ *: Any }} | Null, ttl: Time | Null, {_DATA} }}",
        apply="(id: ID) => Ref<Token>",
        more={"byDocument": "(document: { *: Any }) => Set<Token>"},
    ),
}  # fmt: skip

#: The native collections' document types (`Key`, `CollectionDef`).
NATIVE_DOCUMENTS = frozenset(name for name, shape in _NATIVES.items() if shape.alias not in (None, "Null"))

# -- the other types and modules -----------------------------------------------------------------------

_PLAIN = {
    "Array": _type({
        "aggregate": "<A> (seed: A, combiner: (A, A) => A) => A",
        "any": "<A> (predicate: (A => Boolean | Null)) => Boolean",
        "append": "<A> (element: A) => Array<A>",
        "at": "<A> (index: Number) => A",
        "concat": "<A, B> (other: Array<B>) => Array<A | B>",
        "distinct": "<A> () => Array<A>",
        "drop": "<A> (amount: Number) => Array<A>",
        "entries": "<A> () => Array<[Number, A]>",
        "every": "<A> (predicate: (A => Boolean | Null)) => Boolean",
        "filter": "<A> (predicate: (A => Boolean | Null)) => Array<A>",
        "first": "<A> () => A | Null",
        "firstWhere": "<A> (predicate: (A => Boolean | Null)) => A | Null",
        "flatMap": "<A, B> (mapper: (A => Array<B>)) => Array<B>",
        "flatten": "() => Array<Any>",
        "fold": "<A, B> (seed: B, reducer: (B, A) => B) => B",
        "foldRight": "<A, B> (seed: B, reducer: (B, A) => B) => B",
        "forEach": "<A> (callback: (A => Any)) => Null",
        "includes": "<A> (element: A) => Boolean",
        "indexOf": "<A> ((element: A) => Number | Null) & ((element: A, start: Number) => Number | Null)",
        "indexWhere": (
            "<A> ((predicate: (A => Boolean | Null)) => Number | Null) "
            "& ((predicate: A => Boolean | Null, start: Number) => Number | Null)"
        ),
        "isEmpty": "() => Boolean",
        "last": "<A> () => A | Null",
        "lastIndexOf": "<A> ((element: A) => Number | Null) & ((element: A, end: Number) => Number | Null)",
        "lastIndexWhere": (
            "<A> ((predicate: (A => Boolean | Null)) => Number | Null) "
            "& ((predicate: A => Boolean | Null, end: Number) => Number | Null)"
        ),
        "lastWhere": "<A> (predicate: (A => Boolean | Null)) => A | Null",
        "length": "Number",
        "map": "<A, B> (mapper: (A => B)) => Array<B>",
        "nonEmpty": "() => Boolean",
        "order": "<A> (ordering: ...(A => Any) & {}) => Array<A>",
        "prepend": "<A> (element: A) => Array<A>",
        "reduce": "<A> (reducer: ((A, A) => A)) => A | Null",
        "reduceRight": "<A> (reducer: ((A, A) => A)) => A | Null",
        "reverse": "<A> () => Array<A>",
        "slice": "<A> ((from: Number) => Array<A>) & ((from: Number, until: Number) => Array<A>)",
        "take": "<A> (limit: Number) => Array<A>",
        "toSet": "<A> () => Set<A>",
        "toString": "() => String",
        "where": "<A> (predicate: (A => Boolean | Null)) => Array<A>",
    }, display="<A> Array<A>", access="<A> Number => A"),
    "ArrayModule": _module({
        "sequence": "(from: Number, until: Number) => Array<Number>",
    }),
    "Boolean": _type({
        "toString": "() => String",
    }, ops=_BOOLEAN_OPS),
    "BooleanModule": _module({}),
    "Bytes": _type({
        "toBase64": "() => String",
        "toString": "() => String",
    }),
    "BytesModule": _module({
        "fromBase64": "(encoded: String) => Bytes",
    }, apply="(encoded: String) => Bytes"),
    "Date": _type({
        "add": "(amount: Number, unit: String) => Date",
        "dayOfMonth": "Number",
        "dayOfWeek": "Number",
        "dayOfYear": "Number",
        "difference": "(start: Date) => Number",
        "month": "Number",
        "subtract": "(amount: Number, unit: String) => Date",
        "toString": "() => String",
        "year": "Number",
    }),
    "DateModule": _module({
        "fromString": "(date: String) => Date",
        "today": "() => Date",
    }, apply="(date: String) => Date"),
    "DocModule": _module({}),
    "DoubleModule": _module({}),
    "EmptyNamedRef": _type({
        "coll": "Any",
        "exists": "() => false",
        "name": "String",
    }, display="<A> EmptyNamedRef<A>", alias="Null"),
    "EmptyRef": _type({
        "coll": "Any",
        "exists": "() => false",
        "id": "ID",
    }, display="<A> EmptyRef<A>", alias="Null"),
    "EventSource": _type({
        "map": "<A, B> (mapper: (A => B)) => EventSource<B>",
        "toString": "() => String",
        "where": "<A> (predicate: (A => Boolean | Null)) => EventSource<A>",
    }, display="<A> EventSource<A>"),
    "EventSourceModule": _module({}),
    "FQL.SchemaModule": _module({
        "defForIdentifier": "(ident: String) => Any",
    }),
    "FloatModule": _module({}),
    "ID": _type({
        "toString": "() => String",
    }),
    "IDModule": _module({}, apply="((id: String) => ID) & ((id: Number) => ID)"),
    "IntModule": _module({}),
    "LongModule": _module({}),
    "MathModule": _module({
        "E": "Number",
        "Infinity": "Number",
        "NaN": "Number",
        "PI": "Number",
        "abs": "(x: Number) => Number",
        "acos": "(x: Number) => Number",
        "asin": "(x: Number) => Number",
        "atan": "(x: Number) => Number",
        "ceil": "(x: Number) => Number",
        "cos": "(x: Number) => Number",
        "cosh": "(x: Number) => Number",
        "degrees": "(x: Number) => Number",
        "exp": "(x: Number) => Number",
        "floor": "(x: Number) => Number",
        "hypot": "(x: Number, y: Number) => Number",
        "log": "(x: Number) => Number",
        "log10": "(x: Number) => Number",
        "max": "(x: Number, y: Number) => Number",
        "mean": "((numbers: Array<Number>) => Number) & ((numbers: Set<Number>) => Number)",
        "min": "(x: Number, y: Number) => Number",
        "pow": "(x: Number, power: Number) => Number",
        "radians": "(x: Number) => Number",
        "round": "(x: Number, precision: Number) => Number",
        "sign": "(x: Number) => Number",
        "sin": "(x: Number) => Number",
        "sinh": "(x: Number) => Number",
        "sqrt": "(x: Number) => Number",
        "sum": "((numbers: Array<Number>) => Number) & ((numbers: Set<Number>) => Number)",
        "tan": "(x: Number) => Number",
        "tanh": "(x: Number) => Number",
        "trunc": "(x: Number, precision: Number) => Number",
    }),
    "NamedRef": _type({}, display="<A> NamedRef<A>", alias="<A> A | EmptyNamedRef<A>"),
    "Null": _type({
        "toString": "() => String",
    }, access="Any => Never"),
    "NullModule": _module({}),
    "NumberModule": _module({}),
    "ObjectModule": _module({
        "assign": "<A, B> (destination: { *: A }, source: { *: B }) => { *: A | B }",
        "entries": "<A> (object: { *: A }) => Array<[String, A]>",
        "fromEntries": "<A> (entries: Array<[String, A]>) => { *: A }",
        "hasPath": "(object: { *: Any }, path: Array<String>) => Boolean",
        "keys": "(object: Any) => Array<String>",
        "select": "(object: { *: Any }, path: Array<String>) => Any",
        "toString": "(object: Any) => String",
        "values": "<A> (object: { *: A }) => Array<A>",
    }),
    "QueryModule": _module({
        "identity": "() => { *: Any } | Null",
        "isEnvProtected": "() => Boolean",
        "isEnvTypechecked": "() => Boolean",
        "token": "() => { *: Any } | Null",
    }),
    "Ref": _type({}, display="<A> Ref<A>", alias="<A> A | EmptyRef<A>"),
    "Set": _type({
        "aggregate": "<A> (seed: A, combiner: (A, A) => A) => A",
        "any": "<A> (predicate: (A => Boolean | Null)) => Boolean",
        "changesOn": "<A> (fields: ...A => Any) => EventSource<A>",
        "concat": "<A, B> (other: Set<B>) => Set<A | B>",
        "count": "() => Number",
        "distinct": "<A> () => Set<A>",
        "drop": "<A> (amount: Number) => Set<A>",
        "eventSource": "<A> () => EventSource<A>",
        "eventsOn": "<A> (fields: ...A => Any) => EventSource<A>",
        "every": "<A> (predicate: (A => Boolean | Null)) => Boolean",
        "first": "<A> () => A | Null",
        "firstWhere": "<A> (predicate: (A => Boolean | Null)) => A | Null",
        "flatMap": "<A, B> (mapper: (A => Set<B>)) => Set<B>",
        "fold": "<A, B> (seed: B, reducer: (B, A) => B) => B",
        "foldRight": "<A, B> (seed: B, reducer: (B, A) => B) => B",
        "forEach": "<A> (callback: (A => Any)) => Null",
        "includes": "<A> (element: A) => Boolean",
        "isEmpty": "() => Boolean",
        "last": "<A> () => A | Null",
        "lastWhere": "<A> (predicate: (A => Boolean | Null)) => A | Null",
        "map": "<A, B> (mapper: (A => B)) => Set<B>",
        "nonEmpty": "() => Boolean",
        "order": "<A> (ordering: ...(A => Any) & {}) => Set<A>",
        "pageSize": "<A> (size: Number) => Set<A>",
        "paginate": (
            "<A> (() => { data: Array<A>, after: String | Null }) "
            "& ((size: Number) => { data: Array<A>, after: String | Null })"
        ),
        "reduce": "<A> (reducer: ((A, A) => A)) => A | Null",
        "reduceRight": "<A> (reducer: ((A, A) => A)) => A | Null",
        "reverse": "<A> () => Set<A>",
        "take": "<A> (limit: Number) => Set<A>",
        "toArray": "<A> () => Array<A>",
        "toSet": "<A> () => Set<A>",
        "toStream": "<A> () => EventSource<A>",
        "toString": "() => String",
        "where": "<A> (predicate: (A => Boolean | Null)) => Set<A>",
    }, display="<A> Set<A>"),
    "SetCursor": _type({
        "toString": "() => String",
    }),
    "SetCursorModule": _module({}),
    "SetModule": _module({
        "paginate": (
            "((cursor: String | SetCursor) => { data: Array<Any>, after: String | Null }) "
            "& ((cursor: String | SetCursor, size: Number) => { data: Array<Any>, after: String | Null })"
        ),
        "sequence": "(from: Number, until: Number) => Set<Number>",
        "single": "<A> (element: A) => Set<A>",
    }),
    "Stream": _type({}, display="<A> Stream<A>", alias="<A> EventSource<A>"),
    "String": _type({
        "at": "(index: Number) => String",
        "casefold": "(() => String) & ((format: String) => String)",
        "concat": "(other: String) => String",
        "endsWith": "(suffix: String) => Boolean",
        "includes": "(pattern: String) => Boolean",
        "includesRegex": "(regex: String) => Boolean",
        "indexOf": "((pattern: String) => Number | Null) & ((pattern: String, start: Number) => Number | Null)",
        "indexOfRegex": "((regex: String) => Number | Null) & ((regex: String, start: Number) => Number | Null)",
        "insert": "(index: Number, other: String) => String",
        "lastIndexOf": "((pattern: String) => Number | Null) & ((pattern: String, end: Number) => Number | Null)",
        "length": "Number",
        "matchIndexes": "(regex: String) => Array<[Number, String]>",
        "matches": "(regex: String) => Array<String>",
        "parseDouble": "() => Number | Null",
        "parseInt": "(() => Number | Null) & ((radix: Number) => Number | Null)",
        "parseLong": "(() => Number | Null) & ((radix: Number) => Number | Null)",
        "parseNumber": "() => Number | Null",
        "replace": (
            "((pattern: String, replacement: String) => String) "
            "& ((pattern: String, replacement: String, amount: Number) => String)"
        ),
        "replaceAll": "(pattern: String, replacement: String) => String",
        "replaceAllRegex": "(pattern: String, replacement: String) => String",
        "replaceRegex": (
            "((regex: String, replacement: String) => String) "
            "& ((regex: String, replacement: String, amount: Number) => String)"
        ),
        "slice": "((start: Number) => String) & ((start: Number, end: Number) => String)",
        "split": "(separator: String) => Array<String>",
        "splitAt": "(index: Number) => [String, String]",
        "splitRegex": "(regex: String) => Array<String>",
        "startsWith": "(prefix: String) => Boolean",
        "toLowerCase": "() => String",
        "toString": "() => String",
        "toUpperCase": "() => String",
    }, access="Number => String"),
    "StringModule": _module({}),
    "StructModule": _module({}),
    "Time": _type({
        "add": "(amount: Number, unit: String) => Time",
        "dayOfMonth": "Number",
        "dayOfWeek": "Number",
        "dayOfYear": "Number",
        "difference": "(start: Time, unit: String) => Number",
        "hour": "Number",
        "minute": "Number",
        "month": "Number",
        "second": "Number",
        "subtract": "(amount: Number, unit: String) => Time",
        "toMicros": "() => Number",
        "toMillis": "() => Number",
        "toSeconds": "() => Number",
        "toString": "() => String",
        "year": "Number",
    }),
    "TimeModule": _module({
        "epoch": "(offset: Number, unit: String) => Time",
        "fromString": "(time: String) => Time",
        "now": "() => Time",
    }, apply="(time: String) => Time"),
    "TransactionTime": _type({
        "toString": "() => String",
    }),
    "TransactionTimeModule": _module({}, apply="() => TransactionTime"),
    "UUID": _type({
        "toString": "() => String",
    }),
    "UUIDModule": _module({}),
    "UserFunction": _type({
        "definition": "FunctionDef",
        "toString": "() => String",
    }, display="<A> UserFunction<A>", apply="<A> A"),
    "object": _type({}, display="{ *: Any }", access="String => Any"),}
#: Every number type shows as Number.
_NUMBERS = {name: Shape("Number", {"toString": "() => String"}, _NUMBER_OPS) for name in ("Number", *_NUMBER_TYPES)}

_FQL_MEMBERS = {name: kind for name, kind in GLOBALS.items() if name != "FQL"}

#: Members core types that an account feature flag enables, off by default (core's FlaggedTypeMembers):
#: the typer knows them, the environment leaves them out, and calling one fails as a function that does
#: not exist (fql has no such flags). By type name.
FLAGGED = {"FQLModule": {"evalV4": "(expr: { *: Any }) => Any"}}

SHAPES: dict[str, Shape] = dict(
    sorted(
        {
            **{name: make(name) for name, make in _PLAIN.items()},
            **_NUMBERS,
            **_NATIVES,
            # `FQL.Math` is `Math`: every global but FQL itself, and the Schema module.
            "FQLModule": Shape(
                "FQLModule", {**_FQL_MEMBERS, "Schema": "FQL.SchemaModule", **FLAGGED["FQLModule"]}, type_hint="module"
            ),
        }.items()
    )
)


def shape(type_name: str) -> Shape | None:
    """The shape of a standard library type (`Array`, `MathModule`, `KeyCollection`), or None."""
    return SHAPES.get(type_name)


def signature(type_name: str, member: str) -> str | None:
    """The type of `member` (a field or a method) of a standard library type, or None: `signature("String",
    "at")` is `(index: Number) => String`, `signature("MathModule", "PI")` is `Number`."""
    found = SHAPES.get(type_name)
    return None if found is None else found.fields.get(member)


def operator(type_name: str, op: str) -> str | None:
    """The type of operator `op` on a type: its own (`-` of `Number`), else one the typer knows for every type
    (`==`, `<`, `+`), else None."""
    found = SHAPES.get(type_name)
    own = None if found is None else found.ops.get(op)
    return own if own is not None else HARDCODED_OPS.get(op)


def global_type(name: str) -> str | None:
    """The type of a standard library global (`Math` is `MathModule`, `newId` is `() => ID`), or None."""
    return GLOBALS.get(name)
