"""Core's MigrationValidator: a collection's migrations rewound from its submitted shape one by one, last
first, each checked as core checks it and noting the change it makes to documents (`Step`), and what that
leaves compared with the live shape (fql/eval/v10/shapes.py, core's CollectionShape, says why they differ).
The words are core's; from FSL (fql/schema/migrating.py) every error and hint also knows where it is
written, and what core suggests drawing into the file."""

from __future__ import annotations

import copy
import typing as t

from attrs import evolve, frozen

from ... import ast
from ...errors import FQLError
from . import schema_types as st
from .shapes import (
    DefaultSource,
    Field,
    Hint,
    Item,
    Path,
    Problem,
    Shape,
    Source,
    Span,
    Wildcard,
    closing_brace,
    compatible,
    explain,
    null_fits,
    show,
    signature_hints,
    subtype,
    suggest,
    union,
)


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

    def __init__(
        self,
        shape: Shape,
        where: Source | None = None,
        bound: t.Callable[[str], bool] | None = None,
        typed: t.Callable[[str, t.Any], str | None] | None = None,
    ):
        shape = copy.deepcopy(shape)
        self.fields = shape.fields
        self.wildcard = shape.wildcard
        self.where = where
        #: Whether a free name of a backfill is a global one (the schema's collections and functions, the
        #: standard library); None: backfills' names are not checked.
        self.bound = bound
        #: A backfill's type error against its field's type, where fql can tell it (None: literals only).
        self.typed = typed
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

    def _unbound(self, item: Item, found: Field) -> None:
        """Core's typer on a backfill (typeAnnotatedExpr): each name that names nothing is an error where it
        is written, the first with the hint at the field's type."""
        source = item.value if item.value_at is None or item.written is None else item.written
        for count, (name, at) in enumerate(_unbound_names(source, self.bound)):
            span = item.value_at and (item.value_at[0] + at, item.value_at[0] + at + len(name), *item.value_at[2:])
            hints = (Hint("Field type defined here", span=found.type_span),) if count == 0 else ()
            self._fail(f"Unbound variable `{name}`", *hints, at=span)

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
        expected = found.schema()
        if found.source == "split" and isinstance(expected, st.Union):
            # A split's source has the union of its targets' types and null, which core's typer shows
            # last member first (SchemaCollectionSpec "doesn't fail the runtime typecheck for defaults of
            # phantom fields": `Null | String | Int` for a split into an Int and a String).
            expected = st.Union(tuple(reversed(expected.members)))
        mismatch = _literal_mismatch(item.value, expected)
        if mismatch is None and self.typed is not None:
            mismatch = self.typed(item.value, expected)
        if mismatch is not None:
            self._fail(mismatch, Hint("Field type defined here", span=found.type_span), at=item.value_at)
        elif self.bound is not None:
            self._unbound(item, found)
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
            self.steps.append(Step("add", path, type=found.schema(), backfill=DefaultSource(found.default)))
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
            self._put(path, Field(union([*types, st.NULL]), source="split", name_span=item.last_name(), by=item))

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
                *signature_hints(path, found, nullable_first=True),
                suggest(self.where, closing_brace(self.where), "Add a `backfill` migration", [f"backfill {show(path)} = <expr>"]),
                at=at,
            )
        return None if found.default is None else DefaultSource(found.default)

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
                    closing_brace(where),
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


def _unbound_names(source: str, bound: t.Callable[[str], bool]) -> list[tuple[str, int]]:
    """The free names of a backfill's expression that name nothing, each with where it starts in it."""
    from ...parse import parse
    from .indexed_fields import free_names

    try:
        body = parse(source, "v10").body
    except FQLError:
        return []
    return [(name, at) for name, at in free_names(body, frozenset()) if not bound(name)]


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


def _conflicts_struct(schema: t.Any) -> t.Any:
    """The wildcard type of `{ *: A } | Null` (a struct with nothing but a wildcard, or null), else None."""
    if not isinstance(schema, st.Union) or len(schema.members) != 2 or st.NULL not in schema.members:
        return None
    struct = next(m for m in schema.members if m != st.NULL)
    if isinstance(struct, st.Struct) and not struct.fields and struct.wildcard is not None:
        return struct.wildcard
    return None


def check(
    target: Shape,
    live: Shape | None,
    pending: list[Item],
    where: Source | None = None,
    bound: t.Callable[[str], bool] | None = None,
    typed: t.Callable[[str, t.Any], str | None] | None = None,
) -> tuple[list[Step], list[Problem]]:
    """Core's MigrationValidator.validate: rewind `pending` from the submitted shape and, for a collection
    with documents (`live`), compare what that leaves with its live shape. The steps, or the problems.
    `bound` tells the global names a backfill may use and `typed` a backfill's type error (core types
    each backfill)."""
    rewound = Rewind(target, where, bound, typed).run(pending)
    if rewound.problems:
        return [], rewound.problems
    if live is not None and not compatible(rewound.shape(), live):
        return [], explain(Shape(rewound.fields, target.wildcard), live, where)
    return rewound.steps, []
