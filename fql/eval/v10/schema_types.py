"""Schema types: what a collection's defined fields resolve to, and how a stored value is checked against
one (core's SchemaType.validate), with core's failure messages: `Expected Number, provided String`,
`Unexpected field provided`, `Missing required field of type Int`, `Invalid tuple arity`.
"""

from __future__ import annotations

import typing as t

from attrs import field, frozen

from ... import scala
from ...typer.types import field_name
from ...values import Bytes, Date, Lambda, Ref, Timestamp, native
from .signatures import (
    SCALARS,
    Keyword,
    Lookup,
    Name,
    Nullable,
    ObjectType,
    Singleton,
    TupleType,
    UnionType,
    doc_type,
    literal,
)


@frozen
class Scalar:
    """A scalar type by the name core shows: `Int`, `String`, `Any`, `Null`..."""

    name: str


@frozen
class Literal:
    """A singleton type; `kind` keeps `true` apart from `1`, which Python holds equal."""

    value: t.Any
    kind: str


@frozen
class DocType:
    """A document of collection `coll` (shown by the collection's `name`, or `Document` when provided)."""

    coll: Ref
    name: str


@frozen
class NullDocType:
    """A missing document of collection `coll` (`NullUsers`): `Ref<Users>` is a document or this."""

    coll: Ref
    name: str


@frozen
class FieldSchema:
    """A field's type, the source of its default value if it has one, and core's custom validator if it
    has one: the failures of a value (at a path) that has the type."""

    expected: t.Any
    default: str | None = None
    validator: t.Callable[[tuple, t.Any], list[Failure]] | None = field(default=None, eq=False)


@frozen
class Struct:
    """An object with declared fields and an optional wildcard for the others (core's StructSchema)."""

    fields: tuple[tuple[str, FieldSchema], ...]
    wildcard: t.Any = None

    def field(self, name: str) -> FieldSchema | None:
        """The schema of field `name`: its own, the wildcard's, or None when the field is not allowed."""
        for n, f in self.fields:
            if n == name:
                return f
        return FieldSchema(self.wildcard) if self.wildcard is not None else None


@frozen
class ArrayOf:
    """`Array<T>`."""

    inner: t.Any


@frozen
class Tuple:
    """`[A, B]`, and the type of a provided array."""

    items: tuple


@frozen
class Union:
    """`A | B`."""

    members: tuple


ANY = Scalar("Any")
NULL = Scalar("Null")
#: Any document (core's ScalarType.AnyDoc), shown as its FQL type, `{ *: Any }`.
ANY_DOC = Scalar("{ *: Any }")


def optional(schema: t.Any) -> Union:
    """core's SchemaType.Optional: `T | Null`, flattening a union."""
    if isinstance(schema, Union):
        return Union((*schema.members, NULL))
    return Union((schema, NULL))


def _literal_kind(value: t.Any) -> str:
    return "bool" if isinstance(value, bool) else type(value).__name__


def resolve(texpr: t.Any, lookup: Lookup) -> t.Any:
    """The schema type a checked, persistable signature stands for (core's SchemaTypeResolver)."""
    if isinstance(texpr, Keyword):
        return ANY
    if isinstance(texpr, Singleton):
        return Literal(texpr.value, _literal_kind(texpr.value))
    if isinstance(texpr, Nullable):
        return Union((resolve(texpr.base, lookup), NULL))
    if isinstance(texpr, UnionType):
        return Union(tuple(resolve(m, lookup) for m in texpr.members))
    if isinstance(texpr, TupleType):
        return Tuple(tuple(resolve(i, lookup) for i in texpr.items))
    if isinstance(texpr, ObjectType):
        defaults = {n: d.source for n, d in texpr.defaults}
        fields = tuple((n, FieldSchema(resolve(v, lookup), defaults.get(n))) for n, v in texpr.fields)
        return Struct(fields, resolve(texpr.wildcard, lookup) if texpr.wildcard is not None else None)
    if isinstance(texpr, Name):
        if texpr.name in SCALARS:
            return Scalar(SCALARS[texpr.name])
        if texpr.name == "Array":
            return ArrayOf(resolve(texpr.args[0], lookup))
        if texpr.name in ("Ref", "EmptyRef"):
            name = texpr.args[0].name
            coll = lookup(name)
            null = NullDocType(coll, name)
            return Union((DocType(coll, name), null)) if texpr.name == "Ref" else null
        if doc_type(texpr.name, lookup) == "doc":
            return DocType(lookup(texpr.name), texpr.name)
        if doc_type(texpr.name, lookup) == "null":
            return NullDocType(lookup(texpr.name[4:]), texpr.name[4:])
    # Not persistable: core types it as Null, which nothing but null fits.
    return NULL


def display(schema: t.Any, prec: int = 0, *, hashed: bool = False) -> str:
    """A schema type as core shows it (`Number | Null`, `{ a: Int }`, `Array<String>`), an object's fields
    in declared order; `hashed`: as core's constraint failures show it (`failure_text`)."""
    if isinstance(schema, Scalar):
        return schema.name
    if isinstance(schema, Literal):
        return literal(schema.value)
    if isinstance(schema, DocType):
        return schema.name
    if isinstance(schema, NullDocType):
        return "Null" + schema.name
    if isinstance(schema, Struct):
        fields = dict(schema.fields)
        names = scala.map_order(fields) if hashed else fields
        items = [f"{field_name(n)}: {display(fields[n].expected, hashed=hashed)}" for n in names]
        if schema.wildcard is not None:
            items.append(f"*: {display(schema.wildcard, hashed=hashed)}")
        return "{ " + ", ".join(items) + " }" if items else "{}"
    if isinstance(schema, ArrayOf):
        return f"Array<{display(schema.inner, hashed=hashed)}>"
    if isinstance(schema, Tuple):
        return "[" + ", ".join(display(i, hashed=hashed) for i in schema.items) + "]"
    if isinstance(schema, Union):
        text = " | ".join(display(m, 20, hashed=hashed) for m in schema.members)
        return f"({text})" if prec > 20 else text
    return "Any"


def failure_text(schema: t.Any) -> str:
    """A schema type as core's constraint failures show it (SchemaType.toFQL): an object's fields as the
    immutable Map core keeps them in iterates, in order up to four and by their hashes past that
    (`Expected { alpha: Int, epsilon: Int, gamma: Int, delta: Int, beta: Int }, provided Int`)."""
    return display(schema, hashed=True)


def nullable(schema: t.Any) -> bool:
    """core's isNullable: Null, or a union with a Null member (not Any)."""
    if isinstance(schema, Union):
        return any(nullable(m) for m in schema.members)
    return schema == NULL


# -- validating values ------------------------------------------------------------------------------------


@frozen
class Failure:
    """One constraint failure: where (a path of names and indexes) and core's message.

    `kind` and the other fields let union checks choose which member's failures to report, as core does.
    """

    kind: str
    path: tuple
    message: str
    provided: t.Any = None
    field: str | None = None
    missing: tuple = ()


_INT32 = (-(1 << 31), (1 << 31) - 1)


def value_type(value: t.Any) -> t.Any:
    """A stored value's precise type (core's valuePreciseType): `Int`, `"a"`-less, `[Int, String]`, `{ a: Int }`."""
    if value is None:
        return NULL
    if isinstance(value, bool):
        return Scalar("Boolean")
    if isinstance(value, int):
        return Scalar("Int" if _INT32[0] <= value <= _INT32[1] else "Long")
    if isinstance(value, float):
        return Scalar("Double")
    if isinstance(value, str):
        return Scalar("String")
    if isinstance(value, Bytes):
        return Scalar("Bytes")
    if isinstance(value, Timestamp):
        return Scalar("Time")
    if isinstance(value, Date):
        return Scalar("Date")
    if isinstance(value, Ref):
        # Every ref is a DocIDV to core, a native collection's too (a document of the Collection
        # collection): valueBaseType's `DocType(coll, "Document")`.
        return DocType(value.collection if value.collection is not None else native("collections", value.database), "Document")
    if isinstance(value, list):
        return Tuple(tuple(value_type(v) for v in value))
    if isinstance(value, dict):
        return Struct(tuple((k, FieldSchema(value_type(v))) for k, v in value.items()))
    if isinstance(value, Lambda):
        return Scalar("Query")
    return Scalar(type(value).__name__)


def _mismatch(path: tuple, expected: t.Any, provided: t.Any) -> Failure:
    return Failure("type", path, f"Expected {failure_text(expected)}, provided {failure_text(provided)}", provided)


def _is_literal(schema: Literal, value: t.Any) -> bool:
    return _literal_kind(value) == schema.kind and value == schema.value


def _super_type(schema: Literal) -> t.Any:
    return {"bool": Scalar("Boolean"), "int": Scalar("Number"), "str": Scalar("String")}.get(schema.kind, NULL)


def validate(expected: t.Any, path: tuple, value: t.Any) -> list[Failure]:
    """core's SchemaType.validate: the failures of `value` (at `path`) against `expected`."""
    if isinstance(expected, Struct) and isinstance(value, dict):
        return validate_struct(expected, path, value)
    if isinstance(expected, ArrayOf) and isinstance(value, list):
        return [f for i, v in enumerate(value) for f in validate(expected.inner, (*path, i), v)]
    if isinstance(expected, Tuple) and isinstance(value, list):
        if len(value) != len(expected.items):
            return [Failure("arity", path, "Invalid tuple arity")]
        return [f for i, (e, v) in enumerate(zip(expected.items, value)) for f in validate(e, (*path, i), v)]
    if isinstance(expected, Union):
        return _validate_union(expected, path, value)
    if isinstance(expected, (DocType, NullDocType)):
        if isinstance(value, Ref) and value.collection is not None:
            if value.collection == expected.coll:
                return []
            message = f"Expected {display(expected)} document, provided document from another collection"
            return [Failure("collection", path, message)]
        return [_mismatch(path, expected, value_type(value))]
    if isinstance(expected, Literal):
        if _is_literal(expected, value):
            return []
        if _super_type(expected) == value_type(value):
            # core shows the provided value as a singleton too: `Expected "a" | "b", provided "c"`.
            return [_mismatch(path, expected, Literal(value, _literal_kind(value)))]
        return [_mismatch(path, expected, value_type(value))]
    return [] if is_of_type(expected, value) else [_mismatch(path, expected, value_type(value))]


def is_of_type(expected: t.Any, value: t.Any) -> bool:
    """core's isValueOfType: no messages, just whether `value` fits."""
    if expected == ANY:
        return True
    provided = value_type(value)
    if expected == ANY_DOC:
        return isinstance(value, Ref) and value.collection is not None
    if isinstance(expected, Scalar):
        if expected.name == "Long":
            return provided in (Scalar("Int"), Scalar("Long"))
        if expected.name == "Number":
            return provided in (Scalar("Int"), Scalar("Long"), Scalar("Double"))
        return expected == provided
    if isinstance(expected, Literal):
        return _is_literal(expected, value)
    if isinstance(expected, (DocType, NullDocType)):
        return isinstance(value, Ref) and value.collection == expected.coll
    if isinstance(expected, Struct):
        return isinstance(value, dict) and not validate_struct(expected, (), value)
    if isinstance(expected, ArrayOf):
        return isinstance(value, list) and all(is_of_type(expected.inner, v) for v in value)
    if isinstance(expected, Tuple):
        return isinstance(value, list) and len(value) == len(expected.items) and all(
            is_of_type(e, v) for e, v in zip(expected.items, value)
        )
    if isinstance(expected, Union):
        return any(is_of_type(m, value) for m in expected.members)
    return False


#: Document fields whose failures keep the `data` prefix in a user document (core's DisplayedMetaFields).
_META = ("id", "ts", "ttl")


def validate_struct(struct: Struct, path: tuple, value: dict, *, user_data: bool = False) -> list[Failure]:
    """core's validateStruct: each given field against its schema (or the wildcard), then the missing ones.

    `user_data` drops the `data` prefix from paths of a user document's fields, as core does.
    """
    if not isinstance(value, dict):
        return [_mismatch(path, struct, value_type(value))]
    failures: list[Failure] = []
    declared = [n for n, _ in struct.fields]
    for name, item in value.items():
        prefix = () if user_data and name not in _META else path
        schema = struct.field(name)
        if schema is None:
            failures.append(Failure("invalid", (*prefix, name), "Unexpected field provided", field=name))
        else:
            failures.extend(validate_field(schema, (*prefix, name), item, name))
    # Core iterates the missing fields from a mutable.HashMap of the declared ones (validateStruct's
    # `missing`), so they fail in its hash order, not as declared.
    for name in scala.mutable_map_order([n for n in declared if n not in value], len(declared)):
        prefix = () if user_data and name not in _META else path
        failures.extend(validate_field(struct.field(name), (*prefix, name), None, name))
    return failures


def validate_field(schema: FieldSchema, path: tuple, value: t.Any, name: str) -> list[Failure]:
    """core's validateField: a missing (null) field is fine when its type is nullable, else missing; a
    value of the field's type then goes to the field's validator."""
    found = validate(schema.expected, path, value)
    absent = len(found) == 1 and found[0].kind == "type" and found[0].path == path and found[0].provided == NULL
    if value is None and absent:
        if nullable(schema.expected):
            return []
        return [Failure("missing", path, f"Missing required field of type {failure_text(schema.expected)}", field=name)]
    if not found and schema.validator is not None:
        return schema.validator(path, value)
    return found


def _validate_union(expected: Union, path: tuple, value: t.Any) -> list[Failure]:
    checks = [validate(m, path, value) for m in expected.members]
    if any(not c for c in checks):
        return []
    structural = _structural(checks, expected, path)
    if structural is not None:
        return structural
    first = next((f for c in checks for f in c), None)
    if first is not None and first.kind == "type" and first.path == path:
        return [_mismatch(path, expected, first.provided)]
    return [_mismatch(path, expected, value_type(value))]


def _structural(checks: list[list[Failure]], expected: Union, path: tuple) -> list[Failure] | None:
    """core's checkUnion heuristics: report the failures inside one member when that is the clear story."""
    inner = [c for c in checks if all(f.path != path for f in c)]
    plain = [c for c in inner if not any(f.kind in ("invalid", "missing") for f in c)]
    invalid_by_path: dict[tuple, list[Failure]] = {}
    for f in (f for c in inner for f in c if f.kind == "invalid"):
        invalid_by_path.setdefault(f.path, []).append(f)
    invalid = [fs[0] for fs in invalid_by_path.values() if len(fs) == len(expected.members)]
    missing: list[list[Failure]] = []
    for c in inner:
        group = [f for f in c if f.kind == "missing"]
        if [(f.path, f.field) for f in group] not in [[(f.path, f.field) for f in g] for g in missing]:
            missing.append(group)
    tail: list[Failure] = []
    if missing:
        if len(missing) == 1 and len(missing[0]) == 1:
            tail = [missing[0][0]]
        else:
            tail = [_union_missing(path, missing)]
    chosen = invalid if not missing or any(not g for g in missing) else invalid + tail
    if chosen:
        return chosen
    if len(inner) == 1:
        return inner[0]
    if len(plain) == 1:
        return plain[0]
    return None


def _union_missing(path: tuple, missing: list[list[Failure]]) -> Failure:
    groups = ["[" + ", ".join(f.field or "" for f in g) + "]" for g in missing]
    if len(groups) == 1:
        text = f"Union requires fields {groups[0]}"
    elif len(groups) == 2:
        text = f"Union requires fields {groups[0]} or {groups[1]}"
    else:
        text = f"Union requires fields {', '.join(groups[:-1])}, or {groups[-1]}"
    return Failure("union_missing", path, text)
