"""What changes between two sets of FSL items, and how core shows it (core's SchemaDiff and DiffRender).

`diff(before, after)` pairs the items by kind and name (or by a rename) and lists, for each, whether it is
added, removed or modified, and a modification's changes: its annotations (`@alias`, `@role`), fields and
members (indexes, constraints, `history_days`, privileges, ...), each added, removed or changed; a
collection's modification also carries the migrations its new `migrations` items make. `render()` writes
them as core's `schema diff` does: `semantic` (each item and its changes by category), `summary` (a line
per item) or `textual` (a line diff of the files, in hunks), in ANSI colour if asked.

Items are compared the way core compares them, spans aside: an expression by its parsed form, so that
`(doc =>  doc.x )` is `(doc) => doc.x`; a type by its text without the spaces between its tokens.
"""

from __future__ import annotations

import typing as t

from attrs import frozen

from ..errors import FQLError
from ..scala import map_order
from .items import KINDS, Item, document_types, position
from .members import (
    Annotation, Block, Config, Element, Field, Member, Model, Opt, Scalar, Seq, config_id, empty, model, squash,
)  # fmt: skip
from .textdiff import Writer, write_file_diff

# -- changes -------------------------------------------------------------------------------------------

#: The headings a collection's changes are shown under, in core's order.
CATEGORIES = ("Computed fields", "Indexes", "Constraints", "Configuration")


@frozen
class Rename:
    """The item is renamed (a rename the caller gave `diff`)."""

    before: str
    after: str


@frozen
class AddElement:
    element: Element


@frozen
class RemoveElement:
    element: Element


@frozen
class ModifyElement:
    """`element` (as it was) now has `config`."""

    element: Element
    config: Config


@frozen
class ChangeBlock:
    """The members of `member`'s block change."""

    member: Member
    changes: tuple[Change, ...]


@frozen
class ReplaceBody:
    """A function's body changes."""


@frozen
class ReplaceSignature:
    """A function's parameters or signature change."""


@frozen
class ReplaceType:
    """A computed field's signature or the wildcard's type changes (not shown: migrations say it)."""

    field: Field
    type: str


@frozen
class ReplaceSchemaType:
    """A defined field's signature changes (not shown: migrations say it)."""

    field: Field
    type: str


@frozen
class RemoveDefault:
    """A defined field loses its default."""

    field: Field


Change = t.Union[
    Rename, AddElement, RemoveElement, ModifyElement, ChangeBlock, ReplaceBody, ReplaceSignature, ReplaceType,
    ReplaceSchemaType, RemoveDefault,
]  # fmt: skip


def _member_category(member: Member) -> str | None:
    if member.kind == "index":
        return "Indexes"
    if member.kind in ("unique", "check"):
        return "Constraints"
    if member.kind == "migrations":
        return None
    return "Configuration"


def _element_category(element: Element) -> str | None:
    if isinstance(element, Annotation):
        return "Configuration"
    if isinstance(element, Field):
        return "Computed fields" if element.kind == "computed field" else None
    return _member_category(element)


def category(change: Change) -> str | None:
    """The heading a change is shown under in a collection's diff; None: it is not shown."""
    if isinstance(change, (Rename, RemoveDefault)):
        return "Configuration"
    if isinstance(change, (AddElement, RemoveElement, ModifyElement)):
        return _element_category(change.element)
    if isinstance(change, ChangeBlock):
        return _member_category(change.member)
    return None


# -- diffs ---------------------------------------------------------------------------------------------


@frozen
class Add:
    """An item in `after` only."""

    item: Item


@frozen
class Remove:
    """An item in `before` only."""

    item: Item


@frozen
class Modify:
    """An item in both that changes; `migrations` are the steps (fql.eval.v10.rewind.Step) that a
    collection's new `migrations` items make to its documents."""

    before: Item
    after: Item
    changes: tuple[Change, ...]
    migrations: tuple[t.Any, ...] = ()

    @property
    def item(self) -> Item:
        return self.before

    @property
    def is_move(self) -> bool:
        return self.before.file != self.after.file


Diff = t.Union[Add, Remove, Modify]

#: Renames: the (kind, new name) of an item in `after` to the name it had in `before`.
Renames = t.Mapping[t.Tuple[str, str], str]


def diff(
    before: list[Item],
    after: list[Item],
    renames: Renames | None = None,
    history_days: t.Mapping[str, int] | None = None,
) -> list[Diff]:
    """The items added (in `after`'s order), removed (in `before`'s), then modified (in `before`'s), as
    core's SchemaDiff.diffItems lists them; `render` sorts them as core shows them. `history_days` gives,
    by name, the value a collection of `before` has where its FSL leaves `history_days` out (core fills
    these in from the database: a collection made with `history_days: 30` and FSL without it is a change)."""
    renames = renames or {}
    old_keys: set[tuple[str, str]] = set()
    for item in before if renames else ():
        # Core refuses these only when it looks a rename up; the items of a file never repeat a name.
        if item.key in old_keys:
            raise ValueError(f"duplicated {item.kind} `{item.name}` in the items before")
        old_keys.add(item.key)

    def renamed(item: Item) -> tuple[str, str] | None:
        old = (item.kind, renames[item.key]) if item.key in renames else None
        return old if old in old_keys else None

    stored = history_days or {}
    # Each side its own models: the same Item may stand on both (a file read once, then compared).
    after_models = {id(item): model(item) for item in after}
    before_models = {id(item): model(item, stored.get(item.name) if item.kind == "collection" else None) for item in before}
    out: list[Diff] = []
    for kind, b, a in _aligned(before, after, lambda i: i.key, renamed):
        if kind == "add":
            out.append(Add(a))
        elif kind == "remove":
            out.append(Remove(b))
        else:
            changes = _diff_models(before_models[id(b)], after_models[id(a)])
            if changes:
                out.append(Modify(b, a, tuple(changes), _migrations(b, a, after)))
    return out


def _is_default(element: t.Any) -> bool:
    return isinstance(element, Member) and element.is_default


def _aligned(
    before: t.Sequence[t.Any],
    after: t.Sequence[t.Any],
    key: t.Callable[[t.Any], t.Any],
    renamed: t.Callable[[t.Any], t.Any] = lambda _: None,
) -> t.Iterator[tuple[str, t.Any, t.Any]]:
    """Core's alignedDiff: group both sides by id (an `after` element by the id a rename gives it); an id
    with as many elements on both sides pairs them in order, any other is added or removed whole. An
    element at its default is never added or removed."""
    before_by: dict[t.Any, list] = {}
    after_by: dict[t.Any, list] = {}
    for one in before:
        before_by.setdefault(key(one), []).append(one)
    for one in after:
        found = renamed(one)
        after_by.setdefault(key(one) if found is None else found, []).append(one)
    before_ks = [(k, len(v)) for k, v in before_by.items()]
    after_ks = [(k, len(v)) for k, v in after_by.items()]
    for k, _ in (pair for pair in after_ks if pair not in before_ks):
        for one in after_by[k]:
            if not _is_default(one):
                yield ("add", None, one)
    for k, _ in (pair for pair in before_ks if pair not in after_ks):
        for one in before_by[k]:
            if not _is_default(one):
                yield ("remove", one, None)
    for k, _ in (pair for pair in before_ks if pair in after_ks):
        for b, a in zip(before_by[k], after_by[k]):
            yield ("modify", b, a)


# -- comparing -----------------------------------------------------------------------------------------


def _diff_models(before: Model, after: Model) -> list[Change]:
    changes: list[Change] = []
    if before.name != after.name:
        changes.append(Rename(before.name, after.name))
    for kind, b, a in _aligned(before.annotations, after.annotations, lambda e: e.id):
        if kind == "add":
            changes.append(AddElement(a))
        elif kind == "remove":
            changes.append(RemoveElement(b))
        elif b.config.key != a.config.key:
            changes.append(ModifyElement(b, a.config))
    if before.kind == "function":
        if (before.params, before.signature) != (after.params, after.signature):
            changes.append(ReplaceSignature())
        if before.body != after.body:
            changes.append(ReplaceBody())
        return changes
    for kind, b, a in _aligned(_with_wildcard(before.fields), _with_wildcard(after.fields), lambda e: e.id):
        if kind == "add":
            changes.append(AddElement(a))
        elif kind == "remove":
            changes.append(RemoveElement(b))
        else:
            changes += _diff_field(b, a)
    changes += _diff_members(before.members, after.members)
    return changes


def _with_wildcard(fields: tuple[Field, ...]) -> tuple[Field, ...]:
    """Core's addImplicitWildcard: a collection with no defined fields and no wildcard has `*: Any`."""
    if any(f.kind in ("field", "wildcard") for f in fields):
        return fields
    return (*fields, Field("wildcard", "*", "Any", implicit=True))


def _diff_field(before: Field, after: Field) -> list[Change]:
    if before.kind == "wildcard":
        return [ReplaceType(before, after.type or "")] if squash(before.type or "") != squash(after.type or "") else []
    out: list[Change] = []
    if before.value is not None and after.value is None:
        out.append(RemoveDefault(before))
    elif after.value is not None and (before.value is None or before.value.key != after.value.key):
        out.append(ModifyElement(before, after.value))
    if before.kind == "field":
        if squash(before.type or "") != squash(after.type or ""):
            out.append(ReplaceSchemaType(before, after.type or ""))
    elif before.type is not None and after.type is not None and squash(before.type) != squash(after.type):
        out.append(ReplaceType(before, after.type))
    return out


def _diff_members(before: t.Sequence[Member], after: t.Sequence[Member]) -> list[Change]:
    changes: list[Change] = []
    for kind, b, a in _aligned(before, after, lambda e: e.id):
        if kind == "add":
            changes.append(AddElement(a))
        elif kind == "remove":
            changes.append(RemoveElement(b))
        else:
            change = _diff_member(b, a)
            if change is not None:
                changes.append(change)
    return changes


def _diff_member(before: Member, after: Member) -> Change | None:
    if before.defaulted and after.defaulted:
        if before.is_default and after.is_default:
            return None
        if before.implicit and not after.implicit and before.is_default:
            return AddElement(after)
        if not before.implicit and after.implicit and after.is_default:
            return RemoveElement(before)
    return _diff_config(before, before.config, after.config)


def _diff_config(member: Member, before: Config, after: Config) -> Change | None:
    if isinstance(before, Scalar) and isinstance(after, Scalar):
        return None if before.key == after.key else ModifyElement(member, after)
    if isinstance(before, Seq) and isinstance(after, Seq):
        return None if config_id(before) == config_id(after) else ModifyElement(member, after)
    if isinstance(before, Block) and isinstance(after, Block):
        changes = _diff_members(before.members, after.members)
        return ChangeBlock(member, tuple(changes)) if changes else None
    if isinstance(before, Opt) and isinstance(after, Opt):
        if before.config is None and after.config is None:
            return None
        if before.config is not None and after.config is not None:
            return None if _diff_config(member, before.config, after.config) is None else ModifyElement(member, after)
        return ModifyElement(member, after)
    return ModifyElement(member, after)


# -- migrations ----------------------------------------------------------------------------------------


def _migrations(before: Item, after: Item, items: list[Item]) -> tuple[t.Any, ...]:
    """The steps a collection's migrations not yet run make (core's MigrationValidator, which the schema
    manager runs on a modified collection): those after the longest head of `after`'s list that ends
    `before`'s, rewound from `after`'s fields. None when either side cannot be read (the manager's own
    checks say why); the steps of migrations that fail those checks are not to be relied on."""
    if after.kind != "collection" or not after.definition.get("migrations"):
        return ()
    from ..eval.v10 import migrations as m
    from ..eval.v10.rewind import Rewind
    from ..eval.v10.shapes import shape
    from ..eval.v10.signatures import SignatureError

    names = document_types(items)
    try:
        pending = m.to_apply(m.items(before.definition.get("migrations")), m.items(after.definition["migrations"]))
        return tuple(Rewind(shape(after.definition, names.get)).run(pending).steps)
    except (FQLError, SignatureError, KeyError, TypeError, AttributeError, StopIteration):
        return ()


# -- rendering -----------------------------------------------------------------------------------------


class _Renderer:
    """Core's DiffRender: titles, each item's changes by heading, a collection's migrations."""

    def __init__(self, before_files: dict[str, str], after_files: dict[str, str], color: bool):
        self.before_files = before_files
        self.after_files = after_files
        self.out = Writer(color)

    # titles

    def _where(self, item: Item, files: dict[str, str]) -> None:
        text = files.get(item.file)
        if text is None:
            self.out.append("<no source>")
            return
        line, col = position(text, item.span[0])
        self.out.append(f"{item.file}:{line}:{col}")

    def _title(self, verb: str, item: Item) -> None:
        self.out.bold()
        self.out.select("blue")
        self.out.write(f"* {verb} {item.kind} `{item.name}`")
        self.out.reset()

    def add_title(self, d: Add, colon: bool = False) -> None:
        self._title("Adding", d.item)
        self.out.write(" to ")
        self._where(d.item, self.after_files)
        self.out.writeln(":" if colon else "")

    def remove_title(self, d: Remove, colon: bool = False) -> None:
        self._title("Removing", d.item)
        self.out.write(" from ")
        self._where(d.item, self.before_files)
        self.out.writeln(":" if colon else "")

    def modify_title(self, d: Modify, colon: bool = False) -> None:
        self._title("Modifying", d.item)
        self.out.write(" at ")
        self._where(d.after, self.after_files)
        if d.is_move:
            self.out.write(" (previously defined at ")
            self._where(d.before, self.before_files)
            self.out.write(")")
        self.out.writeln(":" if colon else "")

    # whole diffs

    def add(self, d: Add) -> None:
        item = model(d.item)
        changes = _diff_models(empty(item), item)
        if changes:
            self.add_title(d, colon=True)
            self._indented(Modify(d.item, d.item, tuple(changes)))
        else:
            self.add_title(d)
            self.out.writeln()

    def remove(self, d: Remove) -> None:
        item = model(d.item)
        changes = _diff_models(item, empty(item))
        if changes:
            self.remove_title(d, colon=True)
            self._indented(Modify(d.item, d.item, tuple(changes)))
        else:
            self.remove_title(d)
            self.out.writeln()

    def modify(self, d: Modify) -> None:
        self.modify_title(d, colon=True)
        self._indented(d)

    def _indented(self, d: Modify) -> None:
        self.out.indent_level += 2
        self._summary(d)
        self.out.indent_level -= 2

    def _summary(self, d: Modify) -> None:
        changed = False
        if d.migrations:
            changed = True
            self.out.writeln("* Defined fields:")
            fields = list(d.after.definition.get("fields") or {})
            for step in d.migrations:
                self._step(step, fields)
            self.out.writeln()
        if d.item.kind != "collection":
            if d.changes:
                changed = True
                for change in d.changes:
                    self._change(change)
                self.out.writeln()
        else:
            for heading in CATEGORIES:
                listed = [c for c in d.changes if category(c) == heading]
                if listed:
                    changed = True
                    self.out.writeln(f"* {heading}:")
                    for change in listed:
                        self._change(change)
                    self.out.writeln()
        if not changed:
            self.out.writeln("No semantic changes.")
            self.out.writeln()

    def _step(self, step: t.Any, fields: list[str]) -> None:
        """One migration step, as core's renderSchemaMigration words it; `fields` are the collection's
        defined fields in the order written (the order core keeps a few kept fields in)."""
        from ..eval.v10 import schema_types as st
        from ..eval.v10.migrations import show

        if step.kind == "add":
            if step.backfill is not None:
                self.out.line("green", f"+ add field `{show(step.field)}` with backfill `{step.backfill}`")
        elif step.kind == "drop":
            self.out.line("red", f"- drop field `{show(step.field)}`")
        elif step.kind == "move":
            self.out.line("yellow", f"~ move field `{show(step.field)}` to field `{show(step.to[0])}`")
        elif step.kind == "split":
            targets = ",".join(f"`{show(to)}`" for to, _, _ in step.to)
            self.out.line("yellow", f"~ split field `{show(step.field)}` into fields {targets}")
            self.out.indent_level += 2
            for i, (to, schema, _) in enumerate(step.to):
                where = "stays in" if to == step.field else "moves to"
                self.out.writeln(
                    f"- {'else ' if i else ''}if the value matches type `{st.display(schema)}`, "
                    f"the value {where} field `{show(to)}`"
                )
            self.out.indent_level -= 2
            for to, _, backfill in step.to:
                if backfill is not None:
                    self.out.line("yellow", f"+ backfill field `{show(to)}` with value `{backfill}`")
        elif step.kind == "move_conflicts":
            self.out.line("yellow", f"~ move values with type conflicts into `{show(step.field)}`")
        elif step.kind == "move_wildcard":
            written = sorted(step.keep, key=lambda name: fields.index(name) if name in fields else len(fields))
            kept = ", ".join(map_order(dict.fromkeys(show((name,)) for name in written)))
            self.out.line(
                "yellow",
                f"~ move all fields into the field `{show(step.field)}` except fields in the list `[{kept}]`",
            )
        elif step.kind == "add_wildcard":
            self.out.line("green", "+ add a top-level wildcard")

    # changes

    def _change(self, change: Change) -> None:
        if isinstance(change, AddElement):
            self.out.line("green", "+ add " + _element(change.element))
        elif isinstance(change, RemoveElement):
            self.out.line("red", "- remove " + _element(change.element))
        elif isinstance(change, Rename):
            self.out.line("yellow", f"~ rename to `{change.after}`")
        elif isinstance(change, ModifyElement):
            self.out.line("yellow", "~ change " + _config_change(change.element, change.config))
        elif isinstance(change, ChangeBlock):
            self.out.line("yellow", "~ change " + _member(change.member))
            self.out.indent_level += 2
            for inner in change.changes:
                self._change(inner)
            self.out.indent_level -= 2
        elif isinstance(change, ReplaceBody):
            self.out.line("yellow", "~ change body")
        elif isinstance(change, ReplaceSignature):
            self.out.line("yellow", "~ change signature")
        elif isinstance(change, RemoveDefault):
            self.out.line("red", f"- remove default value from field `.{change.field.name}`")
        # A type change is never shown: it only comes up among a collection's changes, where it has no
        # heading (the migrations say what happens to the field).


def _element(element: Element) -> str:
    if isinstance(element, Annotation):
        return f"{element.kind} set to {element.config.text}"
    if isinstance(element, Field):
        return _field(element)
    return _member(element)


def _field(f: Field) -> str:
    if f.kind == "wildcard":
        return "implicit wildcard" if f.implicit else "wildcard"
    return f"{f.kind} `{f.name}`"


def _member_name(member: Member) -> str:
    if member.kind == "unique":
        return "unique constraint on "
    if member.kind == "check":
        return f"check constraint `{member.name}`"
    if member.kind in ("membership", "privileges"):
        return f"{member.kind} on `{member.name}`"
    return member.kind if member.name is None else f"{member.kind} `{member.name}`"


def _member(member: Member) -> str:
    text = _member_name(member)
    if member.kind == "unique":
        return text + _config(member.config)
    if isinstance(member.config, (Opt, Block)) or (
        isinstance(member.config, Scalar) and member.config.kind in ("check", "migrations")
    ):
        return text
    return f"{text} set to {_config(member.config)}"


def _config(config: Config) -> str:
    """Core's renderConfig: a scalar or a list as FSL writes it, a predicate as `a predicate`."""
    if isinstance(config, Block):
        return ""
    if isinstance(config, Opt):
        return "" if config.config is None else _config(config.config)
    if isinstance(config, Seq):
        return "[" + ", ".join(c.text for c in config.configs) + "]"
    if config.kind == "predicate":
        return "a predicate"
    if config.kind in ("check", "migrations"):
        return ""
    return config.text


def _summarize(before: Config, after: Config) -> str:
    if isinstance(before, Opt) and isinstance(after, Opt):
        if before.config is None and after.config is not None:
            return " by adding " + _config(after.config)
        if before.config is not None and after.config is None:
            return " by removing " + _config(before.config)
        if before.config is not None and after.config is not None:
            return " by modifying" + _summarize(before.config, after.config)
        return ""
    if isinstance(before, Scalar) and isinstance(after, Scalar) and before.kind == after.kind:
        if before.kind == "check":
            return " body"
        if before.kind == "predicate":
            return " its predicate"
        if before.kind == "migrations":
            return ""
    return f" from {_config(before)} to {_config(after)}"


def _config_change(element: Element, after: Config) -> str:
    if isinstance(element, Annotation):
        return f"{element.kind} set to {element.config.text}"
    if isinstance(element, Field):
        return _field(element)
    return _member_name(element) + _summarize(element.config, after)


# -- the entry point -----------------------------------------------------------------------------------

_ORDER = {Add: 0, Remove: 1, Modify: 2}
RENDERINGS = ("semantic", "summary", "textual")


def _sort_key(d: Diff) -> tuple[int, int, str]:
    """Core's order for showing diffs: adds, removes, then modifications; by kind, then name."""
    kind = d.item.kind
    return (_ORDER[type(d)], KINDS.index(kind) if kind in KINDS else len(KINDS), d.item.name)


def render(
    kind: str,
    before_files: dict[str, str],
    after_files: dict[str, str],
    diffs: t.Sequence[Diff] = (),
    color: bool = False,
) -> str:
    """The diff as core renders it: `semantic` (core's renderSemantic: each item and its changes),
    `summary` (renderSummary: a line per item) or `textual` (renderTextual: a line diff of each file that
    changes, in hunks, line numbers the after file's; `diffs` are not used). `before_files` and
    `after_files` map a file name to its text; items' positions are read from them."""
    if kind not in RENDERINGS:
        raise ValueError(f"unknown diff rendering {kind!r} (expected one of {', '.join(RENDERINGS)})")
    r = _Renderer(before_files, after_files, color)
    if kind == "textual":
        first = True
        for name in sorted(set(before_files) | set(after_files)):
            old, new = before_files.get(name, ""), after_files.get(name, "")
            if old == new:
                continue
            if not first:
                r.out.writeln()
            first = False
            r.out.bold()
            r.out.write(name)
            r.out.reset()
            r.out.writeln()
            write_file_diff(r.out, old, new)
        return r.out.result()
    for d in diffs:
        if type(d) not in _ORDER:
            raise ValueError(f"not a schema diff: {d!r}")
    for d in sorted(diffs, key=_sort_key):
        if kind == "semantic":
            {Add: r.add, Remove: r.remove, Modify: r.modify}[type(d)](d)
        else:
            {Add: r.add_title, Remove: r.remove_title, Modify: r.modify_title}[type(d)](d)
    return r.out.result()
