"""Core's MigrationValidator and CollectionShape: what documents must look like under a collection's fields
(its shape), its migrations rewound from that shape one by one, last first (each checked as core checks it,
and noting the change it makes to documents), and what that leaves compared with the live shape (core's
IncompatibilityExplainer says why they differ). The words are core's; from FSL (fql/schema/migrating.py)
every error and hint also knows where it is written, and what core suggests drawing into the file."""

from __future__ import annotations

import copy
import typing as t

import attrs
from attrs import define, evolve, frozen

from ... import ast
from ...errors import FQLError, QueryRuntimeError
from . import schema_types as st
from . import signatures as sig

Path = tuple[str, ...]
#: Offsets [start, end) in an FSL file, where a migration or a field is written (None: not from FSL); a
#: third element names which file, when it is not the submitted one (fql/schema/migrating.py).
Span = t.Optional[t.Tuple[int, int]]


def show(path: Path) -> str:
    """A path as core writes it: `.a.b`, a name that is no identifier quoted (`.["a b"]`, `.a["b c"]`)."""
    out = ""
    for i, part in enumerate(path):
        if sig.IDENT.fullmatch(part):
            out += "." + part
        else:
            quoted = part.replace("\\", "\\\\").replace('"', '\\"')
            out += ("." if i == 0 else "") + f'["{quoted}"]'
    return out


@frozen
class Item:
    """One submitted migration: its kind, the path it works on (or the `into` of the wildcard kinds), where
    it moves or splits to, and a backfill's source."""

    kind: str
    field: Path = ()
    to: tuple[Path, ...] = ()
    value: str = ""
    #: From FSL: where the statement is, and each of its paths (`field`, then `to`); not compared, as
    #: core compares migrations without their spans.
    span: Span = attrs.field(default=None, eq=False)
    paths: tuple[Span, ...] = attrs.field(default=(), eq=False)
    value_at: Span = attrs.field(default=None, eq=False)

    def at(self, index: int = 0) -> Span:
        """Where its `index`th path is written."""
        return self.paths[index] if index < len(self.paths) else None

    def last_name(self, index: int = 0) -> Span:
        """Where the last name of its `index`th path is written (`b` of `.a.b`)."""
        where = self.at(index)
        path = (self.field, *self.to)[index] if index <= len(self.to) else ()
        if where is None or not path:
            return where
        return (max(where[0], where[1] - len(path[-1])), where[1])


# -- shapes --------------------------------------------------------------------------------------------


@define
class Field:
    """A field of a shape: its type (an object-typed field's are its `children` and `wildcard`), its
    signature's text (where hints point), where it comes from (`schema`, `add`, `backfill`, `split`,
    `split_into`, `moved_into`, `drop`), its default's source and a pending backfill's."""

    type: t.Any
    signature: str = ""
    source: str = "schema"
    default: str | None = None
    backfill: str | None = None
    children: dict[str, Field] | None = None
    wildcard: t.Any = None
    #: From FSL: where its name and its type are written; the migration that made its `source` (a
    #: split_into's target path is `by_at`).
    name_span: Span = None
    type_span: Span = None
    by: Item | None = None
    by_at: Span = None

    @property
    def present(self) -> bool:
        return self.source not in ("add", "split_into", "moved_into")

    def schema(self) -> t.Any:
        """The schema type of the field's values, an object's from its present fields."""
        if self.children is None:
            return self.type
        fields = tuple((n, st.FieldSchema(c.schema())) for n, c in self.children.items() if c.present)
        return st.Struct(fields, self.wildcard)

    def optional(self) -> bool:
        if self.source == "drop":
            return False
        default = self.source == "schema" and self.default is not None
        return not self.present or default or subtype(st.NULL, self.schema())


def _field(schema: t.Any, signature: str, default: str | None = None, path: Path = (), where: Source | None = None) -> Field:
    """A field of type `schema`; an object type's fields become fields of their own (paths reach them)."""
    name_span, type_span = where.fields.get(path, (None, None)) if where is not None else (None, None)
    spans = {"name_span": name_span, "type_span": type_span}
    if isinstance(schema, st.Struct):
        children = {n: _field(f.expected, st.display(f.expected), None, (*path, n), where) for n, f in schema.fields}
        return Field(schema, signature, default=default, children=children, wildcard=schema.wildcard, **spans)
    return Field(schema, signature, default=default, **spans)


@frozen
class Source:
    """Where a collection's FSL writes what errors point at (fql/schema/migrating.py reads it): the
    collection, its migrations block's braces, each field's name and type by path, the wildcard field."""

    span: tuple[int, int]
    block: Span = None
    fields: dict = attrs.field(factory=dict)
    wildcard: Span = None
    #: The last defined field (core suggests a wildcard after it).
    last_field: Span = None


@define
class Wildcard:
    type: t.Any
    #: `schema`, `implicit` (a collection with no fields), `move_wildcard` or `add_wildcard`.
    source: str
    #: From FSL: the wildcard field's span; an add_wildcard's statement.
    span: Span = None


@define
class Shape:
    fields: dict[str, Field]
    wildcard: Wildcard | None


def shape(definition: dict, find: sig.Lookup, where: Source | None = None) -> Shape:
    """`shape_of` with the lookup that resolves document types given (a schema diff has no database);
    `where` places its fields in their FSL."""
    fields = {}
    for name, spec in (definition.get("fields") or {}).items():
        signature = spec["signature"]
        schema = st.resolve(sig.parse(signature, schema=True), find)
        fields[name] = _field(schema, signature, spec.get("default"), (name,), where)
    wildcard = definition.get("wildcard")
    if wildcard is not None:
        span = where.wildcard if where is not None else None
        return Shape(fields, Wildcard(st.resolve(sig.parse(wildcard), find), "schema", span))
    return Shape(fields, None if fields else Wildcard(st.ANY, "implicit"))


def subtype(a: t.Any, b: t.Any) -> bool:
    """Whether every value of schema type `a` is one of `b` (core's isSchemaSubtype: only `Any` is under `Any`)."""
    if a == b:
        return True
    if isinstance(a, st.Union):
        return all(subtype(m, b) for m in a.members)
    if isinstance(b, st.Union):
        return any(subtype(a, m) for m in b.members)
    if b == st.ANY:
        return True
    if a == st.ANY:
        return False
    if isinstance(a, st.Scalar) and isinstance(b, st.Scalar):
        numbers = {"Int": ("Long", "Number"), "Long": ("Number",), "Double": ("Number",)}
        return b.name in numbers.get(a.name, ())
    if isinstance(a, st.Literal):
        return isinstance(b, st.Scalar) and st.is_of_type(b, a.value)
    if isinstance(a, st.Struct) and isinstance(b, st.Struct):
        return _struct_subtype(a, b)
    if isinstance(a, st.ArrayOf) and isinstance(b, st.ArrayOf):
        return subtype(a.inner, b.inner)
    if isinstance(a, st.Tuple) and isinstance(b, st.ArrayOf):
        return all(subtype(i, b.inner) for i in a.items)
    if isinstance(a, st.Tuple) and isinstance(b, st.Tuple):
        return len(a.items) == len(b.items) and all(subtype(x, y) for x, y in zip(a.items, b.items))
    return False


def null_fits(schema: t.Any) -> bool:
    """Whether core's typer takes null for a field of type `schema` (`typer.isSubtype(Null, ty)`): as
    `subtype`, but a null document (`NullUsers`, of `Ref<Users>`) is an alias of Null to the typer, so a
    `Ref<Users>` field needs no backfill; the null it gets then fails when converted (`apply`)."""
    members = schema.members if isinstance(schema, st.Union) else (schema,)
    return subtype(st.NULL, schema) or any(isinstance(m, st.NullDocType) for m in members)


def _struct_subtype(a: st.Struct, b: st.Struct) -> bool:
    mine = dict(a.fields)
    theirs = dict(b.fields)
    for name, field in theirs.items():
        if name in mine:
            if not subtype(mine[name].expected, field.expected):
                return False
        elif a.wildcard is not None:
            if not subtype(st.optional(a.wildcard), field.expected):
                return False
        elif not st.nullable(field.expected):
            return False
    for name, field in mine.items():
        if name not in theirs and (b.wildcard is None or not subtype(field.expected, b.wildcard)):
            return False
    return a.wildcard is None or (b.wildcard is not None and subtype(a.wildcard, b.wildcard))


# -- errors --------------------------------------------------------------------------------------------


@frozen
class Hint:
    text: str
    #: A suggestion to a field's signature: the field, its signature's text, and what to append to it.
    field: str | None = None
    signature: str = ""
    insert: str = ""
    #: From FSL: where it points, and the text core suggests putting there ("" to remove it).
    span: Span = attrs.field(default=None, kw_only=True)
    suggestion: str | None = attrs.field(default=None, kw_only=True)


@frozen
class Problem:
    message: str
    hints: tuple[Hint, ...] = ()
    #: From FSL: where it is.
    span: Span = attrs.field(default=None, kw_only=True)
    #: A problem with a field's type, as core places it in the type's own source: the field, and its
    #: signature's text (drawn whole, under `*field:<coll>:<field>*`).
    field: str | None = attrs.field(default=None, kw_only=True)
    signature: str = attrs.field(default="", kw_only=True)


def failed(coll: str, problems: list[Problem]) -> QueryRuntimeError:
    """Core's `invalid_schema` error: each problem with its hints, as core renders schema errors that have
    no source (`at <no source>`), a hint that suggests a change to a field's signature shown on it."""
    lines = []
    for problem in problems:
        lines += f"error: {problem.message}".split("\n")
        if problem.field is None:
            lines.append("at <no source>")
        else:
            text = problem.signature.rstrip()
            lines += [f"at *field:{coll}:{problem.field}*:1:1", "  |", f"1 | {text}", "  | " + "^" * len(text), "  |"]
        for hint in problem.hints:
            lines.append(f"hint: {hint.text}")
            if hint.field is None:
                lines.append("at <no source>")
                continue
            text = hint.signature.rstrip()
            lines += [f"at *field:{coll}:{hint.field}*:1:{len(text) + 1}", "  |", f"1 | {text}{hint.insert}"]
            lines += ["  | " + " " * len(text) + "+" * len(hint.insert), "  |"]
    body = "\n".join("    " + line for line in lines)
    return QueryRuntimeError("invalid_schema", f"Invalid database schema update.\n{body}")


def _signature_hints(path: Path, field: Field, *, nullable_first: bool) -> tuple[Hint, ...]:
    """Hints on a field's own signature (a top-level field's; core points a nested one at its part of it):
    from FSL, `?` and ` = <expr>` drawn in after its type."""
    where = path[0] if len(path) == 1 else None
    after = (field.type_span[1], field.type_span[1]) if field.type_span else None
    nullable = Hint("Make the field nullable", where, field.signature, "?", span=after, suggestion="?")
    default = Hint(
        "Add a default value to this field", where, field.signature, " = <expr>", span=after, suggestion=" = <expr>"
    )
    return (nullable, default) if nullable_first else (default, nullable)


def suggest(where: Source | None, no_block: Span, text: str, migrations: list[str]) -> Hint:
    """Core's suggestMigration: a hint that draws `migrations` into the migrations block, or a new block at
    `no_block` when there is none."""
    if where is None:
        return Hint(text)
    if where.block is not None:
        end = where.block[1] - 1
        lines = "  " + "\n    ".join(migrations) + "\n" if migrations else None
        return Hint(text, span=(end, end), suggestion=lines)
    lines = "migrations {\n    " + "\n    ".join(migrations) + "\n  }\n" if migrations else None
    return Hint(text, span=no_block, suggestion=lines)


def _closing(where: Source | None) -> Span:
    """The collection's closing brace, where core suggests a migrations block (an empty span)."""
    return (where.span[1] - 1, where.span[1] - 1) if where is not None else None


# -- rewinding -----------------------------------------------------------------------------------------


@frozen
class Step:
    """One change to stored documents, in the order they are made (core's internal SchemaMigration)."""

    kind: str
    field: Path = ()
    #: A move's target; a split's targets with each one's type and backfill source (None: none).
    to: tuple = ()
    type: t.Any = None
    backfill: str | None = None
    #: What move_wildcard leaves in place: the top-level fields of the shape after it, in its order.
    keep: tuple[str, ...] = ()


class Rewind:
    """Core's MigrationValidator: from the submitted shape, undo each migration, last first, checking it
    and noting the change it makes to documents. `where` places the collection's FSL, for errors that
    point into it."""

    def __init__(self, shape: Shape, where: Source | None = None):
        shape = copy.deepcopy(shape)
        self.fields = shape.fields
        self.wildcard = shape.wildcard
        self.where = where
        self.problems: list[Problem] = []
        self.steps: list[Step] = []
        self.move_conflicts: Path | None = None

    def run(self, migrations: list[Item]) -> Rewind:
        for item in reversed(migrations):
            getattr(self, "_" + item.kind)(item)
        for item in migrations:
            found = self._get(item.field) if item.kind == "backfill" else None
            if isinstance(found, Field) and found.source == "backfill":
                self._fail(
                    f"Field `{show(item.field)}` is backfilled without being declared by an `add` or `split` migration",
                    at=item.span,
                )
        self.steps.reverse()
        return self

    def shape(self) -> Shape:
        return Shape(self.fields, self.wildcard)

    def _fail(self, message: str, *hints: Hint, at: Span = None) -> None:
        self.problems.append(Problem(message, hints, span=at))

    def _parent(self, path: Path) -> tuple[dict[str, Field], bool] | str:
        """The fields beside `path`'s last step and whether a wildcard holds others there; or why there are
        none: `removed` (a parent is missing), `not_object` (a parent is not an object)."""
        fields, wildcard = self.fields, self.wildcard is not None
        for step in path[:-1]:
            node = fields.get(step)
            if node is None:
                return "removed"
            if node.children is None:
                return "not_object"
            fields, wildcard = node.children, node.wildcard is not None
        return fields, wildcard

    def _get(self, path: Path) -> Field | str:
        """The field at `path`, or why there is none: `missing`, or `wildcard` (a parent object declares a
        wildcard; core's CollectionShape.get, for which only the schema's own objects have fields)."""
        fields = self.fields
        for step in path[:-1]:
            node = fields.get(step)
            if node is None or node.children is None or node.source != "schema":
                return "missing"
            if node.wildcard is not None:
                return "wildcard"
            fields = node.children
        return fields.get(path[-1], "missing")

    def _put(self, path: Path, field: Field) -> None:
        parent = self._parent(path)
        if not isinstance(parent, str):
            parent[0][path[-1]] = field

    def _backfill(self, item: Item) -> None:
        path, at = item.field, item.at()
        found = self._get(path)
        if found == "missing":
            return self._fail(f"Cannot backfill field `{show(path)}`, as it is not in the submitted schema", at=at)
        if found == "wildcard":
            return self._fail(f"Cannot backfill field, as there is a wildcard in the same struct as `{show(path)}`", at=at)
        mismatch = _literal_mismatch(item.value, found.schema())
        if mismatch is not None:
            self._fail(mismatch, Hint("Field type defined here", span=found.type_span), at=item.value_at)
        later = found.by
        if found.source == "backfill":
            self._fail(
                f"Cannot backfill field `{show(path)}` multiple times",
                Hint("Earlier backfill defined here", span=at),
                Hint("Delete the later backfill", span=later and later.span, suggestion=""),
                at=later and later.at(),
            )
        elif found.source == "split_into":
            split_at = later and later.span
            self._fail(
                f"Cannot split field `{show(path)}`: cannot split into a field after it's backfilled",
                Hint("Field is an output of a split", span=found.by_at),
                Hint("Move the backfill after the split", span=split_at, suggestion=f"backfill {show(path)} = {item.value}"),
                Hint("Remove the backfill", span=item.span, suggestion=""),
                Hint("Remove the split", span=split_at, suggestion=""),
                at=at,
            )
        elif found.source == "add":
            self._fail(
                f"Cannot add field `{show(path)}` after it's backfilled",
                Hint("Field backfilled here", span=item.span),
                at=later and later.span,
            )
        elif not found.present:
            self._fail(f"Cannot backfill field `{show(path)}, as it is not in the submitted schema", at=at)
        else:
            self._put(path, evolve(found, source="backfill", backfill=item.value, by=item))

    def _drop(self, item: Item) -> None:
        path, at = item.field, item.at()
        self.steps.append(Step("drop", path))
        found = self._get(path)
        if isinstance(found, Field) and found.present:
            self._fail(
                f"Cannot drop field `{show(path)}`. Dropped fields must be removed from schema",
                Hint("Field defined here", span=found.name_span),
                at=at,
            )
            return
        parent = self._parent(path)
        if parent == "not_object":
            self._fail(f"Cannot drop field `{show(path)}`, as the parent is not an object", at=at)
        elif parent == "removed":
            self._fail(f"Cannot drop field `{show(path)}`, as the parent object was removed", at=at)
        else:
            self._put(path, Field(st.ANY, source="drop", name_span=item.last_name(), by=item))

    def _move(self, item: Item) -> None:
        path, to, at = item.field, item.to[0], item.at()
        target = self._get(to)
        if target == "missing":
            return self._fail(f"Cannot move field `{show(path)}`, as it is not in the live schema", at=at)
        if target == "wildcard":
            return self._fail(f"Cannot move field `{show(to)}` into a struct with a wildcard definition", at=item.at(1))
        if path == to:
            return self._fail(
                "Cannot move a field to itself", Hint("Remove the futile `move`", span=item.span, suggestion=""), at=at
            )
        found = self._get(path)
        if isinstance(found, Field) and found.present and not found.optional():
            to_at = item.at(1)
            self._fail(
                f"Cannot move field `{show(path)}`, as it is in the submitted schema",
                Hint("Field defined here", span=found.name_span),
                Hint(
                    f"To move `{show(path)}` to `{show(to)}` and add a new field named `{path[-1]}`, add an `add` migration",
                    span=to_at and (to_at[1], to_at[1]),
                    suggestion=f"\n    add {show(path)}",
                ),
                at=at,
            )
        elif isinstance(found, Field) and found.present and found.source == "schema" and found.default is not None:
            self.steps.append(Step("add", path, type=found.schema(), backfill=found.default))
        elif found == "wildcard":
            self._fail(f"Cannot move field `{show(path)}` out of a struct with a wildcard definition", at=at)
        parent = self._parent(path)
        if parent == "removed":
            self._fail(f"Cannot move field `{show(path)}`, as the parent object was removed.", at=at)
        elif parent == "not_object" and self._get(path[:-1]).source == "drop":
            # Core lets a field move out of an object a later migration drops.
            self.steps.append(Step("move", path, (to,)))
        elif parent == "not_object":
            self._fail(f"Cannot move field `{show(path)}`, as the parent value is not an object.", at=at)
        else:
            self.steps.append(Step("move", path, (to,)))
            self._put(path, evolve(copy.deepcopy(target), name_span=item.last_name()))
        self._put(to, evolve(target, source="moved_into", by=item))

    def _split(self, item: Item) -> None:
        path, targets, at = item.field, item.to, item.at()
        if len(targets) < 2:
            return self._fail("Cannot split field: expected at least two fields to split into", at=item.span)
        found = self._get(path)
        later = found.by if isinstance(found, Field) else None
        if isinstance(found, Field) and found.present and path not in targets:
            if found.source in ("schema", "backfill"):
                self._fail(
                    "Cannot split field: field is still present in submitted schema",
                    Hint("Field defined here", span=found.name_span),
                    at=at,
                )
            elif found.source == "split":
                self._fail(
                    "Cannot split field twice",
                    Hint("Field is also split here", span=at),
                    Hint("Remove this split", span=item.span, suggestion=""),
                    Hint("Remove the later split", span=later and later.span, suggestion=""),
                    at=later and later.at(),
                )
            elif found.source == "drop":
                self._fail(
                    "Cannot drop field that was split",
                    Hint("Remove the `drop`", span=later and later.span, suggestion=""),
                    at=at,
                )
        elif found == "wildcard":
            self._fail(f"Cannot split field `{show(path)}`, which is in a struct with a wildcard definition", at=at)
        outputs, types = [], []
        for index, to in enumerate(targets, 1):
            to_at = item.at(index)
            target = self._get(to)
            if target == "missing":
                self._fail(f"Cannot split field, as `{show(to)}` is not in the submitted schema", at=to_at)
                types.append(st.ANY)
                continue
            if target == "wildcard":
                self._fail(
                    f"Cannot split into field `{show(to)}`, which is in a struct with a wildcard definition", at=to_at
                )
                continue
            later = target.by
            if target.source == "add":
                self._fail(
                    "Cannot add a field that is also created by a split",
                    Hint("Field is added here", span=later and later.at()),
                    Hint("Remove the add", span=later and later.span, suggestion=""),
                    at=to_at,
                )
            elif target.source == "split_into":
                self._fail(
                    "Cannot split into a field that is already split into",
                    Hint("Field is also split into here", span=to_at),
                    Hint("Remove the later split", span=later and later.span, suggestion=""),
                    at=target.by_at,
                )
            elif target.source == "moved_into":
                self._fail("Cannot move into a field that is also a split target", at=later and later.span)
            backfill = self._take_backfill(to, target, to_at)
            types.append(target.schema())
            self._put(to, evolve(target, source="split_into", by=item, by_at=to_at))
            outputs.append((to, target.schema(), backfill))
        self.steps.append(Step("split", path, tuple(outputs)))
        if not isinstance(self._parent(path), str):
            self._put(path, Field(_union([*types, st.NULL]), source="split", name_span=item.last_name(), by=item))

    def _add(self, item: Item) -> None:
        path, at = item.field, item.at()
        found = self._get(path)
        if found == "missing":
            return self._fail(f"Cannot add field, as `{show(path)}` is not in the submitted schema", at=at)
        if found == "wildcard":
            return self._fail(f"Cannot add field, as there is a wildcard in the same struct as `{show(path)}`", at=at)
        later = found.by
        if found.source == "split_into":
            return self._fail(
                f"Cannot split field: field `{show(path)}` cannot both be added and be a split output",
                Hint("Field is an output of a split", span=found.by_at),
                Hint("Remove the add", span=item.span, suggestion=""),
                Hint("Remove the split", span=later and later.span, suggestion=""),
                at=at,
            )
        if found.source == "add":
            return self._fail(
                f"Cannot add field `{show(path)}` twice",
                Hint("Field added here", span=at),
                Hint("Remove the extra add", span=later and later.span, suggestion=""),
                at=later and later.at(),
            )
        if found.source == "moved_into":
            return self._fail(
                f"Cannot move into field `{show(path)}` as it was also added",
                Hint("Field moved into here", span=later and later.at(1)),
                Hint("Remove the add", span=item.span, suggestion=""),
                Hint("Remove the move", span=later and later.span, suggestion=""),
                at=later and later.span,
            )
        if self.wildcard is None or len(path) > 1:
            self.steps.append(Step("add", path, type=found.schema(), backfill=self._take_backfill(path, found, at)))
        else:
            backfill = self._take_backfill(path, found, at)
            if self.move_conflicts is not None:
                self.steps.append(Step("add", path, type=found.schema(), backfill=backfill))
            elif not subtype(st.optional(self.wildcard.type), found.schema()):
                end = item.span and (item.span[1], item.span[1])
                self._fail(
                    f"Cannot add field, as `{show(path)}` conflicts with the wildcard",
                    Hint("Add a `move_conflicts` migration", span=end, suggestion="\n    move_conflicts .conflicts"),
                    at=at,
                )
        self._put(path, evolve(found, source="add", by=item))

    def _take_backfill(self, path: Path, found: Field, at: Span = None) -> str | None:
        """What fills an added or split-into field: its backfill, else its default. A required field with
        neither is an error."""
        if found.source == "backfill":
            return found.backfill
        if found.source != "schema":
            return None
        if found.default is None and not null_fits(found.schema()):
            self._fail(
                f"Cannot declare non-nullable field `{show(path)}`: it has no default and no backfill value",
                *_signature_hints(path, found, nullable_first=True),
                suggest(self.where, _closing(self.where), "Add a `backfill` migration", [f"backfill {show(path)} = <expr>"]),
                at=at,
            )
        return found.default

    def _move_conflicts(self, item: Item) -> None:
        into, at = item.field, item.at()
        if self.wildcard is None or self.wildcard.source == "add_wildcard":
            where = self.where
            last = where and where.last_field and where.last_field[1]
            return self._fail(
                "Cannot move wildcard conflicts, as there is no wildcard in the submitted schema",
                Hint("Add a wildcard constraint", span=last and (last, last), suggestion="\n  *: Any"),
                suggest(
                    where,
                    _closing(where),
                    "Move the extra fields into a conflicts field with `move_wildcard`",
                    [f"move_wildcard {show(into)}"],
                ),
                at=at,
            )
        found = self._get(into)
        expected = st.optional(st.Struct((), self.wildcard.type))
        if isinstance(found, Field) and found.present:
            if found.schema() != expected and found.source != "drop":
                self._fail(f"Wildcard conflicts field must have the type `{st.display(expected)}`", at=at)
        else:
            self._no_conflicts_field(into, found, at)
        self.move_conflicts = into
        self.steps.append(Step("move_conflicts", into))

    def _no_conflicts_field(self, into: t.Any, found: t.Any, at: t.Any) -> None:
        """Where `move_conflicts` or `move_wildcard` names no field of the submitted schema to move into."""
        if found == "wildcard":
            self._fail(
                f"Cannot move wildcard conflicts to field, as there is a wildcard in the same struct as `{show(into)}`",
                at=at,
            )
        else:
            self._fail(
                f"Cannot move wildcard conflicts to field `{show(into)}`, as it is not in the submitted schema", at=at
            )

    def _move_wildcard(self, item: Item) -> None:
        into, at = item.field, item.at()
        if self.wildcard is not None and self.wildcard.source != "add_wildcard":
            return self._fail("Cannot move wildcard, as there is still a wildcard in the submitted schema", at=at)
        found = self._get(into)
        wildcard: t.Any = st.ANY
        if isinstance(found, Field) and found.present:
            inner = _conflicts_struct(found.schema())
            if inner is not None:
                wildcard = inner
            elif found.source != "drop":
                self._fail(
                    f"Wildcard conflicts field must have the type `{st.display(st.optional(st.Struct((), st.ANY)))}`",
                    at=at,
                )
        else:
            self._no_conflicts_field(into, found, at)
        keep = tuple(name for name, field in self.fields.items() if field.present)
        self.steps.append(Step("move_wildcard", into, keep=keep))
        self.wildcard = Wildcard(wildcard, "move_wildcard")

    def _add_wildcard(self, item: Item) -> None:
        if self.wildcard is None:
            return self._fail("Cannot add wildcard, as the submitted schema lacks a wildcard", at=item.span)
        if self.wildcard.source == "add_wildcard":
            earlier = self.wildcard.span
            return self._fail(
                "Cannot add a wildcard twice",
                Hint("Remove the duplicate `add_wildcard` migration", span=earlier, suggestion=""),
                at=earlier,
            )
        self.steps.append(Step("add_wildcard"))
        self.wildcard = evolve(self.wildcard, source="add_wildcard", span=item.span)


def _literal_mismatch(source: str, expected: t.Any) -> str | None:
    """Core's typer on a backfill value, where fql can say what it says: a literal (a string, a number, a
    boolean, null) whose type is not the field's."""
    from ...parse import parse

    try:
        body = parse(source, "v10").body
    except FQLError:
        return None
    if len(body) != 1 or not isinstance(body[0], ast.Literal) or st.is_of_type(expected, body[0].value):
        return None
    return f"Type `{st.display(st.value_type(body[0].value))}` is not a subtype of `{st.display(expected)}`"


def _union(types: list) -> t.Any:
    members: list = []
    for one in types:
        for member in one.members if isinstance(one, st.Union) else (one,):
            if member not in members:
                members.append(member)
    return members[0] if len(members) == 1 else st.Union(tuple(members))


def _conflicts_struct(schema: t.Any) -> t.Any:
    """The wildcard type of `{ *: A } | Null` (a struct with nothing but a wildcard, or null), else None."""
    if not isinstance(schema, st.Union) or len(schema.members) != 2 or st.NULL not in schema.members:
        return None
    struct = next(m for m in schema.members if m != st.NULL)
    if isinstance(struct, st.Struct) and not struct.fields and struct.wildcard is not None:
        return struct.wildcard
    return None


# -- comparing with the live shape ---------------------------------------------------------------------


def compatible(target: Shape, live: Shape) -> bool:
    """core's CollectionShape.compatibleWith: every document valid under `live`, migrated, is valid under
    the submitted schema."""
    for name in {**live.fields, **target.fields}:
        mine, before = target.fields.get(name), live.fields.get(name)
        if mine is not None and before is not None:
            if mine.source == "backfill" or not (mine.present and subtype(before.schema(), mine.schema())):
                return False
        elif mine is not None:
            # An object field whose fields all come from adds is new only where no wildcard could hold it.
            if not _introduced(mine) or (mine.source == "schema" and target.wildcard is not None):
                return False
        elif before is not None and before.present:
            return False
    if target.wildcard is not None and live.wildcard is not None:
        return subtype(live.wildcard.type, target.wildcard.type)
    if target.wildcard is not None:
        return target.wildcard.source == "add_wildcard"
    return live.wildcard is None


def _introduced(field: Field) -> bool:
    """A field new to the schema must come from an add, a split or a move; an object field may also be
    one whose fields all come from adds, with no wildcard of its own."""
    if field.source in ("add", "split_into", "moved_into"):
        return True
    if field.source != "schema" or field.children is None or field.wildcard is not None:
        return False
    return all(_introduced_leaf(child) for child in field.children.values())


def _introduced_leaf(field: Field) -> bool:
    if field.source == "add":
        return True
    return field.source == "schema" and field.children is not None and field.wildcard is None and all(
        _introduced_leaf(child) for child in field.children.values()
    )


def explain(target: Shape, live: Shape, where: Source | None = None) -> list[Problem]:
    """core's IncompatibilityExplainer: why the rewound fields (with the submitted wildcard) do not fit the
    live shape."""
    out: list[Problem] = []
    closing = _closing(where)
    coll = where.span if where is not None else None
    for name, before in live.fields.items():
        mine = target.fields.get(name)
        if mine is not None and not mine.present:
            out.append(Problem(f"Field `.{name}` is in the live schema, so it cannot be added or backfilled", span=mine.name_span))
        elif mine is not None and mine.source == "backfill":
            at = mine.by.span if mine.by is not None else None
            out.append(Problem(f"Field `.{name}` is in the live schema, so it cannot be added or backfilled", span=at))
        elif mine is not None and subtype(before.schema(), mine.schema()):
            continue
        elif mine is not None:
            message = (
                f"Field `.{name}` of type `{typed(mine.schema())}` does not match the live type "
                f"`{typed(before.schema())}`"
            )
            extra = typed(_difference(before.schema(), mine.schema()))
            split = f"tmp: {extra}\n  migrations {{\n    split .{name} -> .{name}, .tmp\n  }}\n"
            hint = Hint("Add a migration to split the invalid types into another field", span=_start(before.name_span), suggestion=split)
            out.append(Problem(message, (hint,), span=mine.type_span))
        else:
            hint = suggest(where, closing, "Drop the field and its data with a `drop` migration", [f"drop .{name}"])
            out.append(Problem(f"Field `.{name}` is missing from the submitted schema", (hint,), span=coll))
    for name, mine in target.fields.items():
        if name in live.fields:
            continue
        if mine.source == "drop":
            out.append(Problem(f"Field `.{name}` was dropped but it doesn't exist in the live schema", span=mine.name_span))
        elif mine.source == "schema" and (mine.default is not None or null_fits(mine.schema())):
            add = suggest(where, closing, "Provide an `add` migration for this field", [f"add .{name}"])
            out.append(Problem(f"Field `.{name}` is not present in the live schema", (add,), span=mine.name_span))
        elif mine.source == "schema":
            out.append(_not_added(name, mine))
    if target.wildcard is None and live.wildcard is not None:
        first = next(iter(target.fields.values()), None)
        at = _start(first.name_span) if first is not None else None
        back = "*: Any\n" if at is not None else None
        if live.wildcard.source == "implicit":
            text = (
                "Collections with no fields defined allow arbitrary fields by default. To keep this "
                "behavior, add a wildcard declaration to the schema definition"
            )
            hints: tuple[Hint, ...] = (Hint(text, span=at, suggestion=back),)
        else:
            hints = (
                Hint("Add the wildcard back", span=at, suggestion=back),
                suggest(where, at, "Move the extra fields with a `move_wildcard` migration", ["move_wildcard .conflicts"]),
                suggest(
                    where,
                    at,
                    "Drop the extra fields with a `move_wildcard` and `drop` migration",
                    ["move_wildcard .conflicts", "drop .conflicts"],
                ),
            )
        out.append(Problem("Missing wildcard definition", hints, span=coll))
    if target.wildcard is not None and live.wildcard is None:
        if target.wildcard.source in ("schema", "move_wildcard"):
            hint = suggest(where, closing, "Add the wildcard with an `add_wildcard` migration", ["add_wildcard"])
            out.append(Problem("Wildcard was not present in the live schema", (hint,), span=target.wildcard.span))
        elif target.wildcard.source == "implicit":
            out.append(
                Problem(
                    "All fields from the live schema are dropped, reintroducing the implicit wildcard that requires "
                    "an `add_wildcard` migration. Are you sure you meant to do this?",
                    span=coll,
                )
            )
    return out or [Problem("Submitted schema is not compatible with the live schema", span=coll)]


def typed(schema: t.Any) -> str:
    """A type as core's typer shows one it holds (its simplifier): `Any` first in a union, and a document
    or its null document (`Users | NullUsers`) as `Ref<Users>`."""
    return st.display(_simplified(schema))


def _simplified(schema: t.Any) -> t.Any:
    if isinstance(schema, st.Struct):
        fields = tuple((n, evolve(f, expected=_simplified(f.expected))) for n, f in schema.fields)
        wildcard = _simplified(schema.wildcard) if schema.wildcard is not None else None
        return st.Struct(fields, wildcard)
    if isinstance(schema, st.ArrayOf):
        return st.ArrayOf(_simplified(schema.inner))
    if not isinstance(schema, st.Union):
        return schema
    members = schema.members
    out = [st.ANY] if st.ANY in members else []
    for member in members:
        if isinstance(member, st.NullDocType) and st.DocType(member.coll, member.name) in members:
            continue
        if isinstance(member, st.DocType) and st.NullDocType(member.coll, member.name) in members:
            out.append(st.Scalar(f"Ref<{member.name}>"))
        elif member != st.ANY:
            out.append(_simplified(member))
    return out[0] if len(out) == 1 else st.Union(tuple(out))


def _not_added(name: str, field: Field) -> Problem:
    """A required field new to the schema: the one field under it that no `add` declares, if there is just
    one (core's explainer walks an object field's fields), else the field itself."""
    missing = list(_not_added_leaves((name,), field))
    path, found = missing[0] if len(missing) == 1 else ((name,), field)
    leaf = path[-1]
    after = (found.type_span[1], found.type_span[1]) if found.type_span else None
    block = f"migrations {{\n    add .{leaf}\n    backfill .{leaf} = <expr>\n  }}\n"
    hints = (
        Hint("Provide an `add` migration for this field", span=_start(found.name_span), suggestion=block),
        Hint("Add a default value to this field", path[0], field.signature, " = <expr>", span=after, suggestion=" = <expr>"),
        Hint("Make the field nullable", path[0], field.signature, "?", span=after, suggestion="?"),
    )
    return Problem(f"Field `{show(path)}` is not present in the live schema", hints, span=found.name_span)


def _not_added_leaves(path: Path, field: Field) -> t.Iterator[tuple[Path, Field]]:
    if field.source == "add":
        return
    if field.source == "schema" and field.children is not None:
        if field.wildcard is None:
            for name, child in field.children.items():
                yield from _not_added_leaves((*path, name), child)
        return
    yield path, field


def _start(span: Span) -> Span:
    """The empty span where `span` starts (what it says about its file kept)."""
    return None if span is None else (span[0], span[0], *span[2:])


def _difference(a: t.Any, b: t.Any) -> t.Any:
    """The part of schema type `a` that is not in `b` (core's Constraint.Diff, as a hint displays it)."""
    members = a.members if isinstance(a, st.Union) else (a,)
    left = [m for m in members if not subtype(m, b)]
    return _union(left) if left else a


def check(target: Shape, live: Shape | None, pending: list[Item], where: Source | None = None) -> tuple[list[Step], list[Problem]]:
    """Core's MigrationValidator.validate: rewind `pending` from the submitted shape and, for a collection
    with documents (`live`), compare what that leaves with its live shape. The steps, or the problems."""
    rewound = Rewind(target, where).run(pending)
    if rewound.problems:
        return [], rewound.problems
    if live is not None and not compatible(rewound.shape(), live):
        return [], explain(Shape(rewound.fields, target.wildcard), live, where)
    return rewound.steps, []
