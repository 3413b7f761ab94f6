"""Defined-field schema fuzz: core's FQL2PersistedFieldFuzzSpec, FQL2MigrationFuzzSpec and
FQL2StagedSchemaFuzzSpec (ext/model/src/test/scala/fql2/fuzz/, their generators in FQL2SchemaFuzzSpec)
widened to every migration FSL has, each seeded case a collection pushed to a child database, documents
written, and one to three pushes of random migrations (some staged, then committed), documents written
after each.

What a case draws:

- fields of `Int`, `String`, `Boolean`, `Double`, `Number`, `String | Int`, `Int | Boolean`, each also
  nullable, `Any`, and structs of scalar fields, with a default or none; a wildcard (`*: Any`) or none;
  indexes on scalar fields;
- documents with a value for each field (or none where the field is nullable or has a default, as the
  system fills in), and, under a wildcard, fields of their own (some of them named as a later `add` names
  a field, so that the `add` finds a value of the wrong type: core's `__conflicts`); sometimes more than
  a page of them;
- without a wildcard: `add` (a `backfill` when the field needs one, sometimes when it does not), `drop`,
  `move`, `split` of a union into its two halves (into new fields or the source and a new one, each half
  with a default, a backfill or nullable), a drop and re-add with another type (core's `migrateFrom`),
  `add`, `drop` and `move` of a struct's fields (within it, out of it, into it), or a push of
  `add_wildcard` alone;
- with a wildcard: `add`s and `drop`s, with `add .<into>` and `move_conflicts .<into>` (an
  `{ *: Any }?` field) around the `add`s, and sometimes `move_wildcard .<into>` removing the wildcard.

What a case asserts, after each push (core's properties, and more):

- the push succeeds (each block is valid by construction); and before it, a block broken one way core's
  MigrationValidator refuses (a required backfill, an `add`, a `drop` or a `move_conflicts` left out, a
  dropped field kept, a backfill written twice, a wildcard kept after `move_wildcard`) fails with core's
  message and leaves every document as it was;
- a staged push leaves every document as the active schema has it until the commit;
- each document's data is the row a model of core's repo migrations (ext/repo/src/main/scala/schema/
  migration/Migration.scala: AddField, DropField, MoveField, SplitField, MoveConflictingFields,
  MoveWildcard) gives, with core's fuzz's own quirk of an `add`'s default that a `split` consumes
  (FQL2SchemaFuzzSpec `Source.Add`);
- each field reads back, typechecked, as a value of its declared type (`let v: <type> = doc.<field>`),
  its static type is the declared one, and a field name the collection no longer has does not typecheck
  (unless a wildcard takes it);
- FQL v4's `Get` reads the same data, and so does a read `at` the time the first document was written,
  until it is rewritten (core's MigrationListSpec: every migration runs over every version);
- each index on a field finds each document by its value;
- a document written after the push (typechecked `create`) reads back as written, defaults filled in,
  and one with a value of the wrong type is refused (`invalid_query` typechecked where core's typer
  refuses the literal, else `constraint_failure`); a document written before is updated (no default
  filled in) or replaced (defaults filled in), as core's FQL2CollectionSpec has it;
- the files read back diff as nothing.

CI runs a fixed number of cases on memory and on SQLite; `FQL_DFUZZ_CASES=<n>` runs n cases each, from
`FQL_DFUZZ_SEED` (0 by default). A failure names its seed: `FQL_DFUZZ_SEED=<seed> FQL_DFUZZ_CASES=1`
runs it alone.
"""

from __future__ import annotations

import copy
import os
import random
import re
import typing as t

import attrs

import fql
from fql.errors import FQLError
from fql.schema.manager import SchemaError
from tests.helpers import query_v10 as q

from .test_core_schema_fuzz import alpha_str, field_name

#: The fields' types, as FSL writes them: the plain ones, then each nullable, then `Any`.
PLAIN = ("Int", "String", "Boolean", "Double", "Number", "String | Int", "Int | Boolean")
TYPES = PLAIN + tuple(f"{p} | Null" if "|" in p else f"{p}?" for p in PLAIN) + ("Any",)
#: The type of the field `move_conflicts` and `move_wildcard` move values into (core's MigrationValidator
#: asks for exactly this type).
DUMP = "{ *: Any }?"
#: Types an index is put on: an index's terms are compared by value, and 1 and 1.0 are not told apart.
INDEXED = ("Int", "String", "Boolean", "Int?", "String?", "Boolean?")
#: The types of a struct's fields.
INNER = ("Int", "String", "Boolean", "Int?", "String?")
CASES = int(os.environ.get("FQL_DFUZZ_CASES", "25"))
FIRST_SEED = int(os.environ.get("FQL_DFUZZ_SEED", "0"))


# -- types and values ---------------------------------------------------------------------------------------


def parts(ftype: str) -> list[str]:
    """A type's members: `Int?` is Int and Null, DUMP an object or null, a struct type one struct."""
    if ftype == DUMP:
        return ["Object", "Null"]
    if ftype.startswith("{"):
        return ["Struct"]
    if ftype.endswith("?"):
        return [ftype[:-1], "Null"]
    return [p.strip() for p in ftype.split("|")]


def struct_type(inner: t.Iterable[Field]) -> str:
    """A struct's type as FSL writes it (its fields scalar, none with a default)."""
    return "{ " + ", ".join(f"{f.name}: {f.type}" for f in inner) + " }"


def struct_fields(ftype: str) -> list[tuple[str, str]]:
    """The (name, type) of each field of a struct type `struct_type` wrote."""
    return [tuple(each.split(": ", 1)) for each in ftype[2:-2].split(", ")]  # type: ignore[misc]


def nullable(ftype: str) -> bool:
    return ftype == "Any" or "Null" in parts(ftype)


def of_type(value: t.Any, ftype: str) -> bool:
    """Core's SchemaType.isValueOfType for these types (null is no value: the field is absent)."""
    if ftype == "Any":
        return True
    for part in parts(ftype):
        is_int = isinstance(value, int) and not isinstance(value, bool)
        if (part == "Int" and is_int or part == "String" and isinstance(value, str)
                or part == "Boolean" and isinstance(value, bool) or part == "Double" and isinstance(value, float)
                or part == "Number" and (is_int or isinstance(value, float)) or part == "Object" and isinstance(value, dict)):
            return True
        if part == "Struct" and isinstance(value, dict):
            inner = dict(struct_fields(ftype))
            return set(value) <= set(inner) and all(
                of_type(value[k], ty) if k in value else nullable(ty) for k, ty in inner.items()
            )
    return False


def value_of(rng: random.Random, ftype: str) -> t.Any:
    """A value of `ftype` (never null)."""
    choices = [p for p in parts(ftype) if p != "Null"] if ftype != "Any" else ["Int", "String", "Boolean", "Double"]
    part = rng.choice(choices)
    if part == "Number":
        part = rng.choice(("Int", "Double"))
    if part == "Int":
        return rng.randint(-1000, 1000)
    if part == "Double":
        return rng.randint(-100, 100) + 0.5
    if part == "Boolean":
        return rng.choice((True, False))
    if part == "Object":
        return {field_name(rng): value_of(rng, "Any") for _ in range(rng.randint(0, 2))}
    if part == "Struct":
        return {k: value_of(rng, ty) for k, ty in struct_fields(ftype) if not nullable(ty) or rng.random() < 0.6}
    return alpha_str(rng)


def wrong_value(rng: random.Random, ftype: str) -> t.Any | None:
    """A value no field of `ftype` takes, or None for `Any` (which takes all)."""
    wrong = [v for v in ("x", 7, True, 1.5, {"o": 1}) if not of_type(v, ftype)]
    return rng.choice(wrong) if wrong else None


def literal(value: t.Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k}: {literal(v)}" for k, v in value.items()) + " }" if value else "{}"
    return repr(value)


# -- the model --------------------------------------------------------------------------------------------------


@attrs.frozen
class Field:
    name: str
    type: str
    #: The default, or None.
    default: t.Any = None


#: Where a value in a document came from in the push being drawn: written (or backfilled), or an `add`'s
#: default, which a `split` of the field in the same push never sees (core's fuzz model, `Source.Add`: the
#: validator takes an `add`'s value from the submitted field, and a split field has none).
FIELD, ADD = "field", "add"


@attrs.define
class Doc:
    id: str
    row: dict[str, t.Any]
    source: dict[str, str] = attrs.Factory(dict)
    #: Core's `__conflicts`: what the push's `add`s displaced, in their order.
    conflicts: dict[str, t.Any] = attrs.Factory(dict)
    #: Whether the document was updated or replaced since it was first written.
    touched: bool = False

    def copy(self) -> Doc:
        return Doc(self.id, copy.deepcopy(self.row), dict(self.source), copy.deepcopy(self.conflicts), self.touched)


@attrs.define
class Coll:
    name: str
    fields: list[Field]
    wildcard: bool
    indexes: list[str] = attrs.Factory(list)
    migrations: list[str] = attrs.Factory(list)
    docs: list[Doc] = attrs.Factory(list)
    #: Every name a field has had in the case: a new field never takes one (so a broken block breaks once).
    used: set[str] = attrs.Factory(set)

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def fsl(self) -> str:
        lines = [f"collection {self.name} {{"]
        lines += [f"  {f.name}: {f.type}" + ("" if f.default is None else f" = {literal(f.default)}") for f in self.fields]
        lines += ["  *: Any"] if self.wildcard else []
        for term in self.indexes:
            lines += [f"  index by{term} {{", f"    terms [.{term}]", "  }"]
        if self.migrations:
            lines += ["  migrations {"] + [f"    {m}" for m in self.migrations] + ["  }"]
        return "\n".join(lines + ["}"]) + "\n"

    def clone(self) -> Coll:
        return Coll(self.name, list(self.fields), self.wildcard, list(self.indexes), list(self.migrations),
                    [d.copy() for d in self.docs], set(self.used))

    def new_name(self, rng: random.Random) -> str:
        while True:
            name = field_name(rng)
            if name not in self.used and name != self.name:
                self.used.add(name)
                return name

    def extras(self) -> list[str]:
        """The names documents have under the wildcard."""
        defined = {f.name for f in self.fields}
        return sorted({k for d in self.docs for k in d.row if k not in defined})


def add_value(doc: Doc, name: str, ftype: str, value: t.Any, source: str, wildcard: bool) -> None:
    """Core's AddField: a value of the type already there stays, another moves to the conflicts."""
    if name in doc.row:
        if wildcard and of_type(doc.row[name], ftype):
            doc.source[name] = FIELD
            return
        doc.conflicts[name] = doc.row.pop(name)
    if value is not None:
        doc.row[name] = copy.deepcopy(value)
        doc.source[name] = source


def insert_munged(target: dict[str, t.Any], name: str, value: t.Any) -> None:
    while name in target:
        name = "_" + name
    target[name] = value


def move_conflicts(doc: Doc, into: str) -> None:
    """Core's MoveConflictingFields."""
    if doc.conflicts:
        target = doc.row.setdefault(into, {})
        for name, value in doc.conflicts.items():
            insert_munged(target, name, value)
    doc.conflicts = {}


def move_wildcard(doc: Doc, into: str, keep: set[str]) -> None:
    """Core's MoveWildcard: the fields not kept go into `into`, munged in order of their leading `_`s."""
    moved = [k for k in doc.row if k not in keep]
    if not moved:
        return
    target = doc.row.setdefault(into, {})
    names = {name: name for name in target}
    renamed: dict[str, str] = {}
    for name in sorted(moved, key=lambda n: len(n) - len(n.lstrip("_"))):
        munged = name
        while munged in names:
            munged = "_" + munged
        names[munged] = munged
        renamed[name] = munged
    for name in moved:
        target[renamed[name]] = doc.row.pop(name)


def split_doc(doc: Doc, source: str, left: tuple[str, str, t.Any], right: tuple[str, t.Any]) -> None:
    """Core's split: a move of the source into the first target, then SplitField into the second."""
    prev = doc.row.pop(source, None)
    if doc.source.get(source) == ADD:
        prev = None
    lname, ltype, lfill = left
    rname, rfill = right
    if prev is not None and of_type(prev, ltype):
        doc.row[lname] = prev
        out = rfill
    else:
        if lfill is not None:
            doc.row[lname] = copy.deepcopy(lfill)
        out = prev if prev is not None else rfill
    if out is not None:
        doc.row[rname] = copy.deepcopy(out)
    for name in (lname, rname):
        doc.source[name] = FIELD


# -- drawing migrations ----------------------------------------------------------------------------------------


@attrs.define
class Block:
    """One push's new migration items, and the ways to break them core's validator refuses."""

    items: list[str] = attrs.Factory(list)
    #: Each way to break it: what is wrong, the field, the items left out, a field kept, core's message.
    breaks: list[Break] = attrs.Factory(list)
    #: The fields an `add` or a `split` of the block made. None is dropped in the block: core's validator
    #: would give the `add` or `split` a field of type `Any` (rewinding a `drop` leaves an `Any` field),
    #: which keeps every value.
    split_into: set[str] = attrs.Factory(set)


@attrs.frozen
class Break:
    what: str
    name: str
    removed: tuple[str, ...]
    message: str
    kept: Field | None = None
    #: The wildcard as the broken block declares it, when it differs.
    wildcard: bool | None = None
    #: An item written twice.
    doubled: str | None = None
    #: Whether the break holds only where no other item names the field (`_alone`).
    alone: bool = True


def draw_field(rng: random.Random, name: str, used: Coll | None = None) -> Field:
    """A field of one of TYPES, or (given `used`, to name its fields) sometimes a struct of scalar fields."""
    if used is not None and rng.random() < 0.1:
        return attrs.evolve(draw_struct(rng, used), name=name)
    ftype = rng.choice(TYPES)
    return Field(name, ftype, value_of(rng, ftype) if rng.random() < 0.4 else None)


def add(rng: random.Random, coll: Coll, block: Block, name: str | None = None, fld: Field | None = None) -> None:
    """An `add`, backfilled when the field is neither nullable nor defaulted (and sometimes besides)."""
    fld = fld or draw_field(rng, name or coll.new_name(rng), coll)
    items = [f"add .{fld.name}"]
    backfill = None
    needed = fld.default is None and not nullable(fld.type)
    if needed or rng.random() < 0.2:
        backfill = value_of(rng, fld.type)
        items.append(f"backfill .{fld.name} = {literal(backfill)}")
        block.breaks.append(Break("backfill doubled", fld.name, (), f"Cannot backfill field `.{fld.name}` multiple times",
                                  doubled=items[-1], alone=False))
        if needed:
            block.breaks.append(Break("backfill left out", fld.name, (items[1],),
                                      f"Cannot declare non-nullable field `.{fld.name}`: it has no default and no backfill value"))
    if not coll.wildcard and f"drop .{fld.name}" not in block.items:
        # Core's IncompatibilityExplainer names a struct's one field when it has one (its `go` lists the
        # struct's fields, and names the struct itself only for several).
        inner = struct_fields(fld.type) if parts(fld.type) == ["Struct"] else []
        path = f".{fld.name}" + (f".{inner[0][0]}" if len(inner) == 1 else "")
        block.breaks.append(Break("add left out", fld.name, tuple(items), f"Field `{path}` is not present in the live schema"))
    value, source = (backfill, FIELD) if backfill is not None else (fld.default, ADD)
    for doc in coll.docs:
        add_value(doc, fld.name, fld.type, value, source, coll.wildcard)
    coll.fields.append(fld)
    coll.used.add(fld.name)
    block.split_into.add(fld.name)
    if fld.type in INDEXED and rng.random() < 0.3:
        coll.indexes.append(fld.name)
    block.items += items


def drop(rng: random.Random, coll: Coll, block: Block, keep: str | None = None) -> None:
    if len(coll.fields) < 2 + (keep is not None):
        return add(rng, coll, block)
    choices = [f for f in coll.fields if f.name != keep and f.name not in block.split_into]
    if not choices:
        return add(rng, coll, block)
    booted = rng.choice(choices)
    item = f"drop .{booted.name}"
    if not coll.wildcard:
        block.breaks.append(Break("drop left out", booted.name, (item,), f"Field `.{booted.name}` is missing from the submitted schema"))
    block.breaks.append(Break("dropped field kept", booted.name, (), f"Cannot drop field `.{booted.name}`. Dropped fields must be removed from schema", booted))
    coll.fields.remove(booted)
    _unindex(coll, booted.name)
    for doc in coll.docs:
        doc.row.pop(booted.name, None)
    block.items.append(f"drop .{booted.name}")


def _unindex(coll: Coll, name: str) -> None:
    if name in coll.indexes:
        coll.indexes.remove(name)


def move(rng: random.Random, coll: Coll, block: Block) -> None:
    moved = rng.choice(coll.fields)
    new = coll.new_name(rng)
    coll.fields[coll.fields.index(moved)] = attrs.evolve(moved, name=new)
    coll.indexes = [new if i == moved.name else i for i in coll.indexes]
    if moved.name in block.split_into:
        block.split_into.add(new)
    for doc in coll.docs:
        if moved.name in doc.row:
            doc.row[new] = doc.row.pop(moved.name)
            doc.source[new] = doc.source.pop(moved.name, FIELD)
    block.items.append(f"move .{moved.name} -> .{new}")


def split(rng: random.Random, coll: Coll, block: Block) -> None:
    """A split of a union into its halves, the first target the source or a new field."""
    unions = [f for f in coll.fields if len([p for p in parts(f.type) if p != "Null"]) == 2]
    if not unions:
        return add(rng, coll, block)
    src = rng.choice(unions)
    halves = [p for p in parts(src.type) if p != "Null"]
    rng.shuffle(halves)
    lname = src.name if rng.random() < 0.3 else coll.new_name(rng)
    rname = coll.new_name(rng)
    targets, backfills, fills = [], [], []
    for name, half in ((lname, halves[0]), (rname, halves[1])):
        ftype = half + "?" if rng.random() < 0.4 else half
        fld = Field(name, ftype, value_of(rng, half) if rng.random() < 0.4 else None)
        fill = fld.default
        if fld.default is None and (not nullable(ftype) or rng.random() < 0.2):
            fill = value_of(rng, half)
            backfills.append(f"backfill .{name} = {literal(fill)}")
        targets.append(fld)
        fills.append(fill)
    for doc in coll.docs:
        split_doc(doc, src.name, (lname, targets[0].type, fills[0]), (rname, fills[1]))
    coll.fields = [f for f in coll.fields if f.name != src.name] + targets
    block.split_into |= {lname, rname}
    _unindex(coll, src.name)
    block.items += [f"split .{src.name} -> .{lname}, .{rname}"] + backfills


def retype(rng: random.Random, coll: Coll, block: Block) -> None:
    """Core's `migrateFrom` on a type change: the field dropped and added again with another type."""
    choices = [f for f in coll.fields if f.name not in block.split_into]
    if not choices:
        return add(rng, coll, block)
    old = rng.choice(choices)
    fld = draw_field(rng, old.name, coll)
    coll.fields.remove(old)
    _unindex(coll, old.name)
    for doc in coll.docs:
        doc.row.pop(old.name, None)
    block.items.append(f"drop .{old.name}")
    add(rng, coll, block, fld=fld)


def nested(rng: random.Random, coll: Coll, block: Block) -> None:
    """A migration of a struct's field: an `add` (backfilled unless nullable), a `drop`, a `move` within
    the struct, out of it to a new top-level field, or of a top-level field into it."""
    structs = [f for f in coll.fields if parts(f.type) == ["Struct"]]
    if not structs:
        return add(rng, coll, block, fld=draw_struct(rng, coll))
    st = rng.choice(structs)
    inner = [Field(n, ty) for n, ty in struct_fields(st.type)]
    outer = [f for f in coll.fields if parts(f.type) not in (["Struct"], ["Object", "Null"]) and f.name not in block.split_into]
    kind = rng.choice(("add", "drop", "within", "out", "in"))
    if kind in ("drop", "out") and len(inner) < 2 or kind == "in" and not outer:
        kind = "add"
    values = [d.row[st.name] for d in coll.docs]
    if kind == "add":
        fld = Field(coll.new_name(rng), rng.choice(INNER))
        block.items.append(f"add .{st.name}.{fld.name}")
        fill = None if nullable(fld.type) else value_of(rng, fld.type)
        if fill is not None:
            block.items.append(f"backfill .{st.name}.{fld.name} = {literal(fill)}")
            for value in values:
                value[fld.name] = fill
        inner.append(fld)
    elif kind == "drop":
        booted = inner.pop(rng.randrange(len(inner)))
        block.items.append(f"drop .{st.name}.{booted.name}")
        for value in values:
            value.pop(booted.name, None)
    elif kind == "within":
        i = rng.randrange(len(inner))
        new = coll.new_name(rng)
        block.items.append(f"move .{st.name}.{inner[i].name} -> .{st.name}.{new}")
        for value in values:
            if inner[i].name in value:
                value[new] = value.pop(inner[i].name)
        inner[i] = attrs.evolve(inner[i], name=new)
    elif kind == "out":
        moved = inner.pop(rng.randrange(len(inner)))
        new = coll.new_name(rng)
        block.items.append(f"move .{st.name}.{moved.name} -> .{new}")
        for doc in coll.docs:
            if moved.name in doc.row[st.name]:
                doc.row[new] = doc.row[st.name].pop(moved.name)
                doc.source[new] = FIELD
        coll.fields.append(Field(new, moved.type))
    else:
        # A field added in the block is never moved in: the struct's field has no default, and the add
        # would need a backfill (core's MigrationValidator takes the add's value from where it ends).
        moved = rng.choice(outer)
        new = coll.new_name(rng)
        block.items.append(f"move .{moved.name} -> .{st.name}.{new}")
        for doc in coll.docs:
            if moved.name in doc.row:
                doc.row[st.name][new] = doc.row.pop(moved.name)
        coll.fields.remove(moved)
        _unindex(coll, moved.name)
        inner.append(Field(new, moved.type))
    coll.fields[coll.fields.index(st)] = attrs.evolve(st, type=struct_type(inner))
    # Nor is the struct dropped later in the block: rewinding the drop leaves no field to migrate in.
    block.split_into.add(st.name)


def draw_struct(rng: random.Random, coll: Coll) -> Field:
    inner = [Field(coll.new_name(rng), rng.choice(INNER)) for _ in range(rng.randint(1, 3))]
    return Field(coll.new_name(rng), struct_type(inner))


def wildcard_push(rng: random.Random, coll: Coll, block: Block) -> None:
    """`add`s (some of names the documents have under the wildcard) and `drop`s, with the conflicts moved
    into a dump field; sometimes the wildcard's fields moved into it and the wildcard removed."""
    into = coll.new_name(rng) if rng.random() < 0.7 or not coll.extras() else rng.choice(coll.extras())
    add(rng, coll, block, fld=Field(into, DUMP))
    for _ in range(rng.randint(0, 3)):
        extras = [e for e in coll.extras() if e != into]
        if rng.random() < 0.3:
            drop(rng, coll, block, keep=into)
        else:
            add(rng, coll, block, name=rng.choice(extras) if extras and rng.random() < 0.5 else None)
    block.items.append(f"move_conflicts .{into}")
    block.breaks.append(Break("move_conflicts left out", into, (block.items[-1],),
                              f"Cannot add field, as `.{into}` conflicts with the wildcard", alone=False))
    for doc in coll.docs:
        move_conflicts(doc, into)
    if rng.random() < 0.3:
        block.breaks.append(Break("wildcard kept", into, (), "Cannot move wildcard, as there is still a wildcard in the submitted schema",
                                  wildcard=True, alone=False))
        keep = {f.name for f in coll.fields}
        for doc in coll.docs:
            move_wildcard(doc, into, keep)
        block.items.append(f"move_wildcard .{into}")
        coll.wildcard = False


def _alone(brk: Break, items: list[str], final: set[str]) -> bool:
    if not brk.alone:
        return True
    own = set(brk.removed) | {f"add .{brk.name}", f"drop .{brk.name}"}
    others = [i for i in items if i not in own and re.search(rf"\.{brk.name}\b", i)]
    added = brk.what.startswith(("add", "backfill"))
    return not others and items.count(f"add .{brk.name}") == added and (brk.name in final) == added


def draw_push(rng: random.Random, coll: Coll) -> Block:
    """The next push's migrations, applied to `coll` and its documents."""
    block = Block()
    for doc in coll.docs:
        doc.source = {k: FIELD for k in doc.row}
    if coll.wildcard:
        wildcard_push(rng, coll, block)
    elif rng.random() < 0.1:
        coll.wildcard = True
        block.items.append("add_wildcard")
    else:
        for _ in range(rng.randint(1, 5)):
            rng.choice((add, drop, move, split, retype, nested))(rng, coll, block)
    # A break names a field no other item of the block touches: added and kept, or dropped for good.
    final = {f.name for f in coll.fields}
    block.breaks = [b for b in block.breaks if _alone(b, block.items, final)]
    return block


# -- documents ------------------------------------------------------------------------------------------------


def draw_row(rng: random.Random, coll: Coll) -> tuple[dict[str, t.Any], dict[str, t.Any]]:
    """What a new document is written with, and what it then holds (defaults filled in)."""
    written: dict[str, t.Any] = {}
    held: dict[str, t.Any] = {}
    for f in coll.fields:
        if (f.default is not None or nullable(f.type)) and rng.random() < 0.3:
            if f.default is not None:
                held[f.name] = f.default
            continue
        written[f.name] = held[f.name] = value_of(rng, f.type)
    if coll.wildcard:
        for _ in range(rng.randint(0, 2)):
            name = field_name(rng) if rng.random() < 0.5 else coll.new_name(rng)
            if name not in held and name != coll.name and all(f.name != name for f in coll.fields):
                written[name] = held[name] = value_of(rng, "Any")
    return written, held


def write_doc(db: Target, rng: random.Random, coll: Coll, wrong: list[str]) -> None:
    written, held = draw_row(rng, coll)
    doc_id = db.q(f"{coll.name}.create({literal(written)}).id")
    coll.docs.append(Doc(doc_id, held))
    refusable = [f for f in coll.fields if f.type != "Any"]
    if refusable:
        f = rng.choice(refusable)
        bad = dict(written, **{f.name: wrong_value(rng, f.type)})
        typed = "invalid_query" if typer_refuses(bad[f.name], f.type) else "constraint_failure"
        for typecheck, code in ((True, typed), (False, "constraint_failure")):
            try:
                db.q(f"{coll.name}.create({literal(bad)})", typecheck=typecheck)
                found = "no error"
            except FQLError as err:
                found = err.v10_code
            # Where fql's typer lets the value through, its document check refuses it.
            if found != code and not (typecheck and typer_gap(bad[f.name], f.type) and found == "constraint_failure"):
                wrong.append(f"{coll.name}.create({literal(bad)}) gave {found}, not {code} (typecheck {typecheck})")


def typer_refuses(value: t.Any, ftype: str) -> bool:
    """Whether core's typer refuses a literal for a field of `ftype`: a create argument's field takes every
    number type as Number (CollectionTypeInfo.upcastNumericParam), so any number literal passes there
    (Type.isValueOf), and the document's check then refuses a Double for Int, or an Int for Double."""
    if isinstance(value, dict) or ftype == "Any":
        return not of_type(value, ftype)
    widened = {bool: ("Boolean",), str: ("String",), int: ("Int", "Number", "Double"), float: ("Int", "Number", "Double")}
    return not any(p in widened[type(value)] for p in parts(ftype))


def typer_gap(value: t.Any, ftype: str) -> bool:
    """Known gaps of fql's typer, left to its own work: a struct given for a struct type whose fields it
    does not fit (core's ExtraField and missing-field failures within the argument, with their causes, are
    not modelled)."""
    return isinstance(value, dict) and parts(ftype) == ["Struct"]


def write_many(db: Target, rng: random.Random, coll: Coll) -> None:
    """More documents than a page holds (every push migrates them all), all written alike in one query."""
    written, held = draw_row(rng, coll)
    ids = db.q(f"Set.sequence(0, 130).toArray().map(_ => {coll.name}.create({literal(written)}).id)")
    coll.docs += [Doc(doc_id, copy.deepcopy(held)) for doc_id in ids]


def rewrite_doc(db: Target, rng: random.Random, coll: Coll) -> None:
    """A document written before the push updated (a few fields: a value, or null where the field may be
    null, which removes it; a struct merged into the struct there) or replaced (defaults filled in as on
    create, core's FQL2CollectionSpec "defaults will be inserted on replace")."""
    doc = rng.choice(coll.docs)
    doc.touched = True
    if rng.random() < 0.4:
        written, doc.row = draw_row(rng, coll)
        db.q(f"{coll.name}.byId({literal(doc.id)})!.replace({literal(written)})")
        return
    changes: dict[str, t.Any] = {}
    for f in rng.sample(coll.fields, rng.randint(0, len(coll.fields))):
        changes[f.name] = None if nullable(f.type) and rng.random() < 0.3 else value_of(rng, f.type)
    text = "{ " + ", ".join(f"{k}: {'null' if v is None else literal(v)}" for k, v in changes.items()) + " }"
    db.q(f"{coll.name}.byId({literal(doc.id)})!.update({text if changes else '{}'})")
    for name, value in changes.items():
        if value is None:
            doc.row.pop(name, None)
        elif isinstance(value, dict) and isinstance(doc.row.get(name), dict):
            doc.row[name].update(copy.deepcopy(value))
        else:
            doc.row[name] = copy.deepcopy(value)


# -- checks -----------------------------------------------------------------------------------------------------


def stored(db: Target, coll: Coll) -> dict[str, dict]:
    """Each document's data, read untypechecked as core's migration fuzz reads it."""
    found = db.q(f"{coll.name}.all().map(d => [d.id, d.data]).toArray()", typecheck=False)
    return {doc_id: dict(data) for doc_id, data in found}


def check_docs(db: Target, coll: Coll) -> list[str]:
    wrong = []
    found = stored(db, coll)
    for doc in coll.docs:
        if found.get(doc.id) != doc.row:
            wrong.append(f"document {doc.id}: data {found.get(doc.id)}, the model's {doc.row}")
    if wrong or not coll.fields:
        return wrong
    for doc in coll.docs[:6]:
        lets = "\n".join(f"let v{i}: {f.type} = d.{f.name}" for i, f in enumerate(coll.fields))
        read = f"let d = {coll.name}.byId({literal(doc.id)})!\n{lets}\n[{', '.join(f'v{i}' for i in range(len(coll.fields)))}]"
        try:
            values = db.q(read)
        except FQLError as err:
            wrong.append(f"{read}\n  failed: {err.v10_code}: {err}")
            continue
        expected = [doc.row.get(f.name) for f in coll.fields]
        if list(values) != expected:
            wrong.append(f"{read}\n  gave {values}, expected {expected}")
    wrong += check_static_types(db, coll)
    # FQL v4 reads the same migrated documents (core migrates a version as its store reads it).
    first = coll.docs[0]
    v4 = db.root.query(f'Select(["data"], Get(Ref(Collection("{coll.name}"), "{first.id}")))', secret=db.secret, syntax="v4")
    if v4 != first.row:
        wrong.append(f"v4 Get of document {first.id}: data {v4}, the model's {first.row}")
    for term in coll.indexes:
        for value in {literal(d.row[term]) for d in coll.docs if d.row.get(term) is not None}:
            count = sum(1 for d in coll.docs if literal(d.row.get(term)) == value)
            found_count = db.q(f"{coll.name}.by{term}({value}).count()")
            if found_count != count:
                wrong.append(f"{coll.name}.by{term}({value}).count() is {found_count}, not {count}")
    return wrong


def shown(ftype: str) -> str:
    """A field's type as the typer shows it (`T?` is `T | Null`)."""
    return re.sub(r"(\w+|\{ \*: Any \})\?", r"\1 | Null", ftype)


def check_static_types(db: Target, coll: Coll) -> list[str]:
    """Each field read from a document has its declared type, statically; a name the collection no
    longer has (dropped or moved) is no field of it, unless a wildcard takes it (core's typer: the
    collection's document type, from its defined fields)."""
    wrong = []
    read = f"{coll.name}.byId({literal(coll.docs[0].id)})!"
    for f in coll.fields:
        found = db.static_type(f"{read}.{f.name}")
        if found != shown(f.type):
            wrong.append(f"{read}.{f.name} is typed {found}, not {shown(f.type)}")
    gone = sorted(coll.used - {f.name for f in coll.fields} - set(coll.extras()) - {coll.name})
    if gone and not coll.wildcard:
        try:
            db.q(f"{read}.{gone[0]}")
            wrong.append(f"{read}.{gone[0]} typechecked, but the collection has no such field")
        except FQLError as err:
            if err.v10_code != "invalid_query":
                wrong.append(f"{read}.{gone[0]} gave {err.v10_code}, not invalid_query")
    return wrong


def check_push_refused(db: Target, previous: Coll, coll: Coll, block: Block, rng: random.Random) -> list[str]:
    """One break of the block, pushed over `previous`: core's message, and the documents as they were."""
    brk = rng.choice(block.breaks)
    what, message = brk.what, brk.message
    items = previous.migrations + [i for i in block.items if i not in brk.removed]
    if brk.doubled:
        items.insert(items.index(brk.doubled, len(previous.migrations)) + 1, brk.doubled)
    fields = coll.fields + ([brk.kept] if brk.kept else [])
    wildcard = coll.wildcard if brk.wildcard is None else brk.wildcard
    broken = Coll(coll.name, fields, wildcard, coll.indexes, items)
    before = stored(db, previous)
    try:
        db.push(broken.fsl())
        return [f"{what}: the push of\n{broken.fsl()}succeeded; core refuses it with: {message}"]
    except SchemaError as err:
        wrong = [] if message in err.message else [f"{what}: the push of\n{broken.fsl()}failed with\n{err.message}\nnot: {message}"]
    after = stored(db, previous)
    return wrong + ([f"{what}: a refused push changed the documents: {before} -> {after}"] if after != before else [])


class Target:
    """A child database's admin key under a new root at `url`, as core's specs' `newDB` (a staged schema
    cannot be pushed to the top database)."""

    def __init__(self, url: str):
        self.root = fql.connect(url)
        q(self.root, 'Database.create({ name: "fuzz" })')
        self.secret = q(self.root, 'Key.create({ role: "admin", database: "fuzz" }).secret')

    def q(self, text: str, typecheck: bool = True) -> t.Any:
        return q(self.root, text, self.secret, typecheck=typecheck)

    def static_type(self, text: str) -> str | None:
        return self.root.run_with_state(fql.parse(text, "v10"), secret=self.secret, syntax="v10")[1].static_type

    def push(self, text: str, staged: bool = False) -> None:
        self.root.push_schema({"main.fsl": text}, secret=self.secret, staged=staged)

    def commit(self) -> None:
        self.root.commit_schema(secret=self.secret)

    def diff(self) -> str:
        return self.root.schema_diff(self.root.schema_files(secret=self.secret), secret=self.secret)


def run_case(url: str, seed: int) -> list[str]:
    rng = random.Random(seed)
    db = Target(url)
    coll = Coll("", [], rng.random() < 0.3)
    coll.name = coll.new_name(rng)
    for _ in range(rng.randint(1, 4)):
        coll.fields.append(draw_field(rng, coll.new_name(rng), coll))
    coll.indexes = [f.name for f in coll.fields if f.type in INDEXED and rng.random() < 0.3]
    db.push(coll.fsl())
    wrong: list[str] = []
    for _ in range(rng.randint(1, 3)):
        write_doc(db, rng, coll, wrong)
    if rng.random() < 0.1:
        write_many(db, rng, coll)
    wrong += check_docs(db, coll)
    first = coll.docs[0]
    written_at = db.q("Time.now().toString()")
    for _ in range(rng.randint(1, 3)):
        if wrong:
            break
        previous = coll.clone()
        block = draw_push(rng, coll)
        if block.breaks and rng.random() < 0.5:
            wrong += check_push_refused(db, previous, coll, block, rng)
        coll.migrations = previous.migrations + block.items
        text = coll.fsl()
        staged = rng.random() < 0.3
        try:
            db.push(text, staged=staged)
        except SchemaError as err:
            return wrong + [f"the push of\n{text}failed:\n{err.message}"]
        if staged:
            # FQL2StagedSchemaFuzzSpec: until the commit, documents are as the active schema has them.
            wrong += [f"staged: {w}" for w in check_docs(db, previous)]
            db.commit()
        wrong += check_docs(db, coll)
        if not first.touched:
            # MigrationListSpec: a version written before a migration reads, at its own time, migrated.
            found = db.q(f'at (Time("{written_at}")) {{ {coll.name}.byId({literal(first.id)})!.data }}', typecheck=False)
            if found != first.row:
                wrong.append(f"document {first.id} read at {written_at}: data {found}, the model's {first.row}")
        diff = db.diff()
        if diff:
            wrong.append(f"the files read back diff as\n{diff}")
        write_doc(db, rng, coll, wrong)
        rewrite_doc(db, rng, coll)
        wrong += check_docs(db, coll)
    return wrong


def run_cases(url_of: t.Callable[[int], str]) -> list[tuple[int, list[str]]]:
    failures = []
    for seed in range(FIRST_SEED, FIRST_SEED + CASES):
        try:
            wrong = run_case(url_of(seed), seed)
        except Exception as err:  # noqa: BLE001 - a failure of the case, kept with its seed
            wrong = [f"{type(err).__name__}: {err}"]
        if wrong:
            failures.append((seed, wrong))
    return failures


def test_defined_field_fuzz_memory():
    assert run_cases(lambda seed: "memory://") == []


def test_defined_field_fuzz_sqlite(tmp_path):
    assert run_cases(lambda seed: f"sqlite://{tmp_path / f'case{seed}.db'}") == []
