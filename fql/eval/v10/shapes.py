"""Core's CollectionShape: what documents must look like under a collection's fields (its shape), how one
schema type fits another, and why a shape does not fit the live one (core's IncompatibilityExplainer);
with the migrations (`Item`) and the errors and hints (`Problem`, `Hint`) that fql/eval/v10/rewind.py's
MigrationValidator checks and reports with them. The words are core's; from FSL (fql/schema/migrating.py)
every error and hint also knows where it is written, and what core suggests drawing into the file."""

from __future__ import annotations

import typing as t

import attrs
from attrs import define, evolve, frozen

from ...errors import QueryRuntimeError
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
    #: From FSL: a backfill's value as the file writes it (at `value_at`).
    written: str | None = attrs.field(default=None, eq=False)

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
        children = {n: _field(f.expected, st.display(f.expected), f.default, (*path, n), where) for n, f in schema.fields}
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


class DefaultSource(str):
    """A field's stored default, filling a field as its backfill: core converts it from the collection's
    stored definition, parsed as the inline source `foo` (SchemaTranslator), so a failure is drawn there."""


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
    #: A problem with a default filling a field: its stored text, drawn whole under core's source `foo`.
    inline: str | None = attrs.field(default=None, kw_only=True)


def failed(coll: str, problems: list[Problem]) -> QueryRuntimeError:
    """Core's `invalid_schema` error: each problem with its hints, as core renders schema errors that have
    no source (`at <no source>`), a hint that suggests a change to a field's signature shown on it."""
    lines = []
    for problem in problems:
        lines += f"error: {problem.message}".split("\n")
        if problem.inline is not None:
            from ...schema.errors import Diagnostic

            drawn = Diagnostic("", 0, len(problem.inline)).render(problem.inline, "foo")
            lines += drawn.split("\n")[1:]
        elif problem.field is None:
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


def signature_hints(path: Path, field: Field, *, nullable_first: bool) -> tuple[Hint, ...]:
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


def closing_brace(where: Source | None) -> Span:
    """The collection's closing brace, where core suggests a migrations block (an empty span)."""
    return (where.span[1] - 1, where.span[1] - 1) if where is not None else None


def union(types: list) -> t.Any:
    """Schema types as one: a union of their members, each once (one member alone)."""
    members: list = []
    for one in types:
        for member in one.members if isinstance(one, st.Union) else (one,):
            if member not in members:
                members.append(member)
    return members[0] if len(members) == 1 else st.Union(tuple(members))


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
    closing = closing_brace(where)
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
    return union(left) if left else a
