"""Core's schema fuzz properties (ext/model/src/test/scala/fql2/fuzz/: FQL2SchemaFuzzSpec's generators and
migration model, FQL2MigrationFuzzSpec, FQL2PersistedFieldFuzzSpec, FQL2StagedSchemaFuzzSpec) as seeded
random cases, drawn as core's generators draw them:

- a collection of defined fields named like core's `Gen.identifier` (no keyword, special field or name of
  the standard library), each `Int`, `String` or `String | Int`, with or without a default;
- a series of 5 to 15 migrations in one block: `add` (a backfill when the field has no default; an index
  on the new field three times in ten, core's `idxThreshold`), `drop` (never of the last field), `split`
  of a union field into an `Int?` and a `String` field (a no-op without a union) and `move`, the last
  three an `add` on a collection with no fields (core's `guardFromEmpty`);
- a model of the document's row through the series, with core's own workaround for a field added with a
  default and split in the same block (`Source.Add`).

The properties, core's:

- "create": a random collection pushed reads back as pushed (`validateModelCollection`: the collection
  generated from its stored definition, core's SchemaTranslator here source.generate, is the FSL pushed,
  fields and indexes sorted by name);
- "migration": a document written under the base collection and the migrated collection pushed, the
  document's data is the model's row, each collection reads back as pushed, and each index on a field
  with a value finds the document;
- "stage-abandon-stage-commit": a collection staged with the migrations core's `migrateFrom` derives
  (drop and re-add on a type change, moves between fields of one type, adds with backfills) leaves the
  document as the active collection has it until the commit, and then as the staged one has it;
- "non-collections" and "non-collections-with-renames": collections, `x => x` functions (some with a
  role), roles with `read` and `call` privileges and access providers staged, abandoned, staged again
  (collections renamed meanwhile) and committed: each role and provider gives what the active schema
  says until the commit, and then what the staged one says.

And checks beyond core's: after each push of "migration", the files read back diff as nothing; the
committed document of "stage-abandon-stage-commit" is the exact row `migrateFrom`'s items give (core
checks each field's type); a committed schema diffs as nothing against the FSL staged; and a series
pushed one migration at a time leaves the document as the model says after each push. Core's
stage-abandon-stage-commit-async is pending in core (it passes without running) and is not ported.

Core draws 5,000 cases a property when its fuzz flag is set; here fixed seeds draw fewer, every run the
same. Each failure is kept with its case's FSL, and each property asserts once.
"""

from __future__ import annotations

import random
import string
import time
import typing as t

import attrs
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

import fql
from fql.eval.v10.names import STANDARD, VARIABLES
from fql.schema import source
from tests.helpers import query_v10 as q

from ..test_jwt import sign
from .pushing import push

#: Core's Tokens.SpecialFieldNames: user fields that a document shows under `data`.
SPECIAL_FIELDS = frozenset(("id", "coll", "ts", "data", "delete", "update", "replace", "updateData", "replaceData", "exists", "ttl"))
#: Core's `idxThreshold`: an added field gets an index when a draw of 1 to 10 is above it.
INDEX_THRESHOLD = 7
UNION = "String | Int"


# -- generators (FQL2SchemaFuzzSpec) -------------------------------------------------------------------------


def field_name(rng: random.Random) -> str:
    """`Gen.identifier` (a lower-case letter, then letters and digits) as core filters it: an identifier,
    no special field name, nothing the environment has."""
    while True:
        length = rng.randint(0, rng.choice((1, 3, 8, 20)))
        name = rng.choice(string.ascii_lowercase) + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(length))
        if name not in SPECIAL_FIELDS and name not in VARIABLES and name not in STANDARD:
            return name


def alpha_str(rng: random.Random) -> str:
    """`Gen.alphaStr`, possibly empty."""
    return "".join(rng.choice(string.ascii_letters) for _ in range(rng.randint(0, rng.choice((0, 3, 20)))))


def value_of(rng: random.Random, ftype: str) -> t.Any:
    """`valueString`: a value of a field's type (an Int for the union, as core's comment says)."""
    return alpha_str(rng) if ftype == "String" else rng.randint(-1000, 1000)


def literal(value: t.Any) -> str:
    """A value as FQL writes it."""
    if value is None:
        return "null"
    return f'"{value}"' if isinstance(value, str) else str(value)


@attrs.frozen
class Field:
    name: str
    type: str
    #: The default's value, or None for a field without one.
    default: t.Any = None


@attrs.frozen
class Collection:
    name: str
    fields: tuple[Field, ...] = ()
    #: The migration items, each as core displays it (`add .a`).
    migrations: tuple[str, ...] = ()
    #: The fields with an index (`by<field>`, its one term `mva(.<field>)`), in the order they were added.
    indexes: tuple[str, ...] = ()

    def names(self) -> set[str]:
        return {f.name for f in self.fields}

    def fsl(self, ordered: bool = False) -> str:
        """The collection as core's Displayer writes it; `ordered` sorts fields and indexes by name, as
        core's `collectionsEqual` does before comparing."""
        fields = sorted(self.fields, key=lambda f: f.name) if ordered else self.fields
        indexes = sorted(self.indexes) if ordered else self.indexes
        lines = [f"collection {self.name} {{"]
        for f in fields:
            lines.append(f"  {f.name}: {f.type}" + ("" if f.default is None else f" = {literal(f.default)}"))
        for term in indexes:
            lines += [f"  index by{term} {{", f"    terms [mva(.{term})]", "  }"]
        if self.migrations:
            lines += ["  migrations {"] + [f"    {m}" for m in self.migrations] + ["  }"]
        return "\n".join(lines + ["}"]) + "\n"

    def with_index(self, term: str) -> Collection:
        return attrs.evolve(self, indexes=self.indexes + (term,))

    def without_index(self, term: str) -> tuple[Collection, bool]:
        """Core's `dropIndex`, whose flag is true when an index other than `by<term>` is left (its filter
        is inverted; `moveIndex` re-adds the moved field's index only then, and so follows it)."""
        return attrs.evolve(self, indexes=tuple(i for i in self.indexes if i != term)), any(i != term for i in self.indexes)


#: Where a row's value came from (core's `Source`): a field's own value, or the default an `add` gives.
FIELD, ADD = "field", "add"


@attrs.frozen
class State:
    coll: Collection
    #: The model's row: each field's value (None for null) and its source.
    fields: dict[str, tuple[t.Any, str]]

    def row(self) -> dict[str, t.Any]:
        """The row as an object, nulls left out."""
        return {name: value for name, (value, _) in self.fields.items() if value is not None}

    def migrated(self, *items: str, **changes: t.Any) -> State:
        coll = changes.pop("coll", self.coll)
        return attrs.evolve(self, coll=attrs.evolve(coll, migrations=coll.migrations + items), **changes)


def defined_field(rng: random.Random, name: str) -> Field:
    """`generateDefinedField`: Int, `String | Int` or String, with a default half the time."""
    ftype = rng.choice(("Int", UNION, "String"))
    value = value_of(rng, ftype)
    return Field(name, ftype, value if rng.choice((True, False)) else None)


def available_name(rng: random.Random, coll: Collection) -> str:
    while True:
        name = field_name(rng)
        if name not in coll.names():
            return name


def add(rng: random.Random, state: State) -> State:
    """An `add` of a new field, backfilled when it has no default; indexed above the threshold."""
    fld = defined_field(rng, available_name(rng, state.coll))
    backfill = value_of(rng, fld.type)
    fields = dict(state.fields)
    items = [f"add .{fld.name}"]
    if fld.default is None:
        items.append(f"backfill .{fld.name} = {literal(backfill)}")
        fields[fld.name] = (backfill, FIELD)
    else:
        fields[fld.name] = (fld.default, ADD)
    coll = attrs.evolve(state.coll, fields=state.coll.fields + (fld,))
    if rng.randint(1, 10) > INDEX_THRESHOLD:
        coll = coll.with_index(fld.name)
    return state.migrated(*items, coll=coll, fields=fields)


def drop(rng: random.Random, state: State) -> State:
    """A `drop` of one field and its index, unless it is the last field."""
    booted = rng.choice(state.coll.fields)
    kept = tuple(f for f in state.coll.fields if f.name != booted.name)
    if not kept:
        return state
    fields = {k: v for k, v in state.fields.items() if k != booted.name}
    coll = attrs.evolve(state.coll, fields=kept).without_index(booted.name)[0]
    return state.migrated(f"drop .{booted.name}", coll=coll, fields=fields)


def split(rng: random.Random, state: State) -> State:
    """A `split` of a union field into a new `Int? = 0` field and a new `String = "hello"` one."""
    right = available_name(rng, state.coll)
    left = available_name(rng, state.coll)
    while left == right:
        left = available_name(rng, state.coll)
    eligible = [f for f in state.coll.fields if f.type == UNION]
    if not eligible:
        return state
    splat = rng.choice(eligible)
    value, src = state.fields.get(splat.name, (None, FIELD))
    fields = {k: v for k, v in state.fields.items() if k != splat.name}
    # Core's model: a value an `add` gave by default is never seen by the split, so the Int field gets
    # its own default.
    fields[left] = (value, FIELD) if src == FIELD and value is not None else (0 if src == ADD else None, FIELD)
    fields[right] = ("hello", FIELD)
    kept = tuple(f for f in state.coll.fields if f.name != splat.name)
    coll = attrs.evolve(state.coll, fields=kept + (Field(left, "Int?", 0), Field(right, "String", "hello")))
    return state.migrated(f"split .{splat.name} -> .{left}, .{right}", coll=coll.without_index(splat.name)[0], fields=fields)


def move(rng: random.Random, state: State) -> State:
    """A `move` of one field to a new name (and its index, as core's `moveIndex` moves it)."""
    moved = rng.choice(state.coll.fields)
    new = available_name(rng, state.coll)
    fields = {(new if k == moved.name else k): v for k, v in state.fields.items()}
    renamed = tuple(attrs.evolve(f, name=new) if f.name == moved.name else f for f in state.coll.fields)
    coll, dropped = attrs.evolve(state.coll, fields=renamed).without_index(moved.name)
    if dropped:
        coll = coll.with_index(new)
    return state.migrated(f"move .{moved.name} -> .{new}", coll=coll, fields=fields)


def guarded(migration: t.Callable[[random.Random, State], State]) -> t.Callable[[random.Random, State], State]:
    """`guardFromEmpty`: an `add` instead when the collection has no fields."""
    return lambda rng, state: migration(rng, state) if state.coll.fields else add(rng, state)


MIGRATIONS = (add, guarded(move), guarded(drop), guarded(split))


def collection(rng: random.Random, min_fields: int = 0, max_fields: int = 10) -> Collection:
    """`generateCollection`: a name and a set of fields."""
    name = field_name(rng)
    names = {field_name(rng) for _ in range(rng.randint(min_fields, max_fields))}
    return Collection(name, tuple(defined_field(rng, n) for n in sorted(names)))


def base_state(rng: random.Random) -> State:
    """`generateState(1, 5)`: a collection, and the row `rowFor` writes (each default, or core's `valueFor`)."""
    coll = collection(rng, 1, 5)
    plain = {"Int": 1, "String": "literal", UNION: 11}
    return State(coll, {f.name: ((plain[f.type] if f.default is None else f.default), FIELD) for f in coll.fields})


def series(rng: random.Random) -> tuple[State, State]:
    """`applySeriesOfMigrations`: a base state, and 5 to 15 migrations applied to it."""
    base = migrated = base_state(rng)
    for _ in range(rng.randint(5, 15)):
        migrated = rng.choice(MIGRATIONS)(rng, migrated)
    return base, migrated


def obj(row: dict[str, t.Any]) -> str:
    return "{ " + ", ".join(f"{k}: {literal(v)}" for k, v in row.items()) + " }" if row else "{}"


# -- checks ---------------------------------------------------------------------------------------------------


def read_back(db: fql.Database, name: str, secret: str | None = None) -> str:
    """`validateModelCollection`'s side of the database: the collection generated from its stored
    definition as core's SchemaTranslator translates it, fields and indexes sorted by name."""
    stored = dict(q(db, f"Collection.byName({literal(name)})!", secret))
    return _sorted_fsl(source.generate("collection", name, stored))


def _sorted_fsl(text: str) -> str:
    """A collection's FSL with its field lines and index blocks in name order (core sorts the translated
    item's `fields` and `indexes` before displaying it); other members keep their place after them."""
    lines = text.rstrip("\n").split("\n")
    header, body = lines[0], lines[1:-1]
    fields, indexes, others, i = [], [], [], 0
    while i < len(body):
        line = body[i]
        if line.endswith("{"):
            end = body.index("  }", i)
            (indexes if line.startswith("  index ") else others).append(body[i : end + 1])
            i = end + 1
        else:
            fields.append(line)
            i += 1
    ordered = sorted(fields, key=lambda f: f.split(":")[0]) + [x for block in sorted(indexes) for x in block]
    return "\n".join([header] + ordered + [x for block in others for x in block] + ["}"]) + "\n"


def mismatch(db: fql.Database, coll: Collection, secret: str | None = None) -> str | None:
    """What differs between `coll` and the collection read back, or None."""
    found = read_back(db, coll.name, secret)
    expected = coll.fsl(ordered=True)
    return None if found == expected else f"expected\n{expected}got\n{found}"


def files_mismatch(db: fql.Database) -> str | None:
    """Beyond core's checks: the files read back are a schema the database already has (their diff is
    empty)."""
    found = db.schema_diff(db.schema_files())
    return f"the files read back diff as\n{found}" if found else None


def first_data(db: fql.Database, name: str) -> dict:
    """`$name.all().first()!.data`, untypechecked as core reads it."""
    return dict(q(db, f"{name}.all().first()!.data", typecheck=False))


def check_migration(base: State, migrated: State) -> list[str]:
    """FQL2MigrationFuzzSpec "migration" for one case: what went wrong, if anything."""
    db = fql.connect()
    push(db, base.coll.fsl())
    name = base.coll.name
    q(db, f"{name}.create({obj(base.row())})")
    wrong = [m for m in [mismatch(db, base.coll), files_mismatch(db)] if m]
    push(db, migrated.coll.fsl())
    wrong += [m for m in [mismatch(db, migrated.coll), files_mismatch(db)] if m]
    found, expected = first_data(db, name), migrated.row()
    if found != expected:
        wrong.append(f"row {found}, the model's {expected}")
    for term in migrated.coll.indexes:
        value = migrated.fields[term][0]
        if value is not None and q(db, f"{name}.by{term}({literal(value)}).count()") != 1:
            wrong.append(f"no entry of by{term} for {literal(value)}")
    return wrong


def pushed_one_by_one(rng: random.Random) -> tuple[State, list[State]]:
    """A base state and the states of a series, each to be pushed in turn. Once pushed, a value an `add`
    gave by default is the field's own (`FIELD`): core converts each push's items as it is pushed, the
    add's backfill being then the field's default, and applies the stored list on read, so a `split` in a
    later push sees that value."""
    base = state = base_state(rng)
    steps = []
    for _ in range(rng.randint(5, 15)):
        state = rng.choice(MIGRATIONS)(rng, state)
        steps.append(state)
        state = attrs.evolve(state, fields={k: (v, FIELD) for k, (v, _) in state.fields.items()})
    return base, steps


def check_one_by_one(base: State, steps: list[State]) -> list[str]:
    """Beyond core's properties: the series pushed a migration at a time, the document is the model's row
    after each push."""
    db = fql.connect()
    push(db, base.coll.fsl())
    q(db, f"{base.coll.name}.create({obj(base.row())})")
    wrong = []
    for state in steps:
        push(db, state.coll.fsl())
        found = first_data(db, base.coll.name)
        if found != state.row():
            wrong.append(f"after\n{state.coll.fsl()}row {found}, the model's {state.row()}")
            break
    return wrong



def outcome(check: t.Callable[[], list]) -> list:
    """What `check` finds wrong with a case; an exception it raises is a failure of the case, kept with it."""
    try:
        return check()
    except Exception as err:  # noqa: BLE001
        return [f"{type(err).__name__}: {err}"]

def test_create_reads_back_as_pushed():
    """FQL2PersistedFieldFuzzSpec "create": one database, emptied before each random collection."""
    rng = random.Random(101)
    db = fql.connect()
    failures = []
    for _ in range(150):
        coll = collection(rng)
        push(db, "")
        try:
            push(db, coll.fsl())
            wrong = mismatch(db, coll)
        except Exception as err:  # noqa: BLE001 - a failure of the case, kept with it
            wrong = f"{type(err).__name__}: {err}"
        if wrong:
            failures.append((coll.fsl(), wrong))
    assert failures == []


def test_migrated_document_is_the_models_row():
    """FQL2MigrationFuzzSpec "migration"."""
    rng = random.Random(202)
    failures = []
    for _ in range(200):
        base, migrated = series(rng)
        wrong = outcome(lambda: check_migration(base, migrated))
        if wrong:
            failures.append((base.coll.fsl(), obj(base.row()), migrated.coll.fsl(), wrong))
    assert failures == []


# -- staged schema (FQL2StagedSchemaFuzzSpec) ------------------------------------------------------------------


class Child:
    """A child database's admin key under one root, as the spec's `newDB` with admin permissions (a staged
    schema cannot be pushed to the top database)."""

    def __init__(self, root: fql.Database, name: str):
        self.root = root
        q(root, f"Database.create({{ name: {literal(name)} }})")
        self.secret = q(root, f"Key.create({{ role: 'admin', database: {literal(name)} }}).secret")

    def q(self, text: str, secret: str | None = None, typecheck: bool = True) -> t.Any:
        return q(self.root, text, secret or self.secret, typecheck=typecheck)

    def push(self, text: str, staged: bool = False) -> None:
        self.root.push_schema({"main.fsl": text}, secret=self.secret, staged=staged)

    def diff(self, text: str) -> str | None:
        """Beyond core's checks: what a push of `text` would change (nothing, once it is committed)."""
        found = self.root.schema_diff({"main.fsl": text}, secret=self.secret)
        return f"{text} diffs as\n{found}" if found else None

    def commit(self) -> None:
        self.root.commit_schema(secret=self.secret)

    def abandon(self) -> None:
        self.root.abandon_schema(secret=self.secret)


def migrate_from(rng: random.Random, old: Collection, new: Collection) -> tuple[str, ...]:
    """Core's `migrateFrom`: a field of both with another type dropped and added again (backfilled), a
    field only `old` has moved to one only `new` has of its type (unless a move already went to its name)
    or dropped, and the rest of `new`'s added with backfills; drops, then moves, then adds."""
    drops, moves, adds = [], [], []
    avail = {f.name: f for f in new.fields}
    to_add = dict(avail)
    targets: set[str] = set()
    for f in old.fields:
        same = avail.get(f.name)
        if same is not None:
            if same.type != f.type:
                drops.append(f"drop .{f.name}")
                adds += [f"add .{f.name}", f"backfill .{f.name} = {literal(value_of(rng, same.type))}"]
            del avail[f.name], to_add[f.name]
            continue
        typed = next((g for g in avail.values() if g.type == f.type), None)
        if typed is not None and f.name not in targets:
            moves.append(f"move .{f.name} -> .{typed.name}")
            targets.add(typed.name)
            del avail[typed.name], to_add[typed.name]
        else:
            drops.append(f"drop .{f.name}")
    for f in to_add.values():
        adds += [f"add .{f.name}", f"backfill .{f.name} = {literal(value_of(rng, f.type))}"]
    return tuple(drops + moves + adds)


def active_staged(rng: random.Random) -> tuple[Collection, Collection]:
    """`activeStagedSchema`: two collections with fields, the second named as the first, with the
    migrations from the first."""
    active = staged = Collection("", ())
    while not active.fields:
        active = collection(rng)
    while not staged.fields:
        staged = collection(rng)
    return active, attrs.evolve(staged, name=active.name, migrations=migrate_from(rng, active, staged))


def make_doc(rng: random.Random, coll: Collection) -> dict[str, t.Any]:
    """`makeDoc`'s values: one for every field (a union's of either type)."""
    return {f.name: value_of(rng, rng.choice(("String", "Int")) if f.type == UNION else f.type) for f in coll.fields}


def replayed(migrations: t.Iterable[str], row: dict[str, t.Any]) -> dict[str, t.Any]:
    """A row through `migrateFrom`'s items (drops, moves, adds each backfilled): what the document holds
    once they have run. Core's property checks only that each field is there with a value of its type;
    this is the exact row those items give."""
    row = dict(row)
    for item in migrations:
        words = item.split(" ", 3)
        if words[0] == "drop":
            del row[words[1][1:]]
        elif words[0] == "move":
            row[words[3][1:]] = row.pop(words[1][1:])
        elif words[0] == "backfill":
            row[words[1][1:]] = eval_literal(words[3])
    return row


def eval_literal(text: str) -> t.Any:
    return text[1:-1] if text.startswith('"') else int(text)


def _of_type(value: t.Any, ftype: str) -> bool:
    ints = isinstance(value, int) and not isinstance(value, bool)
    return {"Int": ints, "String": isinstance(value, str), UNION: ints or isinstance(value, str)}[ftype]


def doc_mismatch(db: Child, coll: Collection, doc_id: str, row: dict[str, t.Any]) -> str | None:
    """`validateDoc` (every field of `coll` is in the document's data, of its type), and the data is `row`."""
    found = dict(db.q(f"{coll.name}.byId({literal(doc_id)})!.data", typecheck=False))
    wrong = [f.name for f in coll.fields if f.name not in found or not _of_type(found[f.name], f.type)]
    if wrong:
        return f"{wrong} not as {coll.fsl()} has them in {found}"
    return None if found == row else f"data {found}, expected {row}"


def check_stage_abandon_stage_commit(db: Child, rng: random.Random, active: Collection, staged: Collection) -> list[str]:
    wrong: list[t.Any] = []
    db.push(active.fsl())
    row = make_doc(rng, active)
    doc_id = db.q(f"{active.name}.create({obj(row)}).id")
    wrong += [mismatch(db.root, active, db.secret), doc_mismatch(db, active, doc_id, row)]
    db.push(staged.fsl(), staged=True)
    wrong += [mismatch(db.root, staged, db.secret), doc_mismatch(db, active, doc_id, row)]
    db.abandon()
    wrong += [doc_mismatch(db, active, doc_id, row)]
    db.push(staged.fsl(), staged=True)
    wrong += [mismatch(db.root, staged, db.secret), doc_mismatch(db, active, doc_id, row)]
    db.commit()
    wrong += [doc_mismatch(db, staged, doc_id, replayed(staged.migrations, row)), db.diff(staged.fsl())]
    return [w for w in wrong if w]


def test_stage_abandon_stage_commit():
    """FQL2StagedSchemaFuzzSpec "stage-abandon-stage-commit"."""
    rng = random.Random(303)
    root = fql.connect()
    failures = []
    for case in range(80):
        active, staged = active_staged(rng)
        wrong = outcome(lambda: check_stage_abandon_stage_commit(Child(root, f"case{case}"), rng, active, staged))
        if wrong:
            failures.append((active.fsl(), staged.fsl(), wrong))
    assert failures == []


@attrs.frozen
class Role:
    name: str
    #: (`read`, a collection) or (`call`, a function), each a privilege.
    privileges: tuple[tuple[str, str], ...]


@attrs.frozen
class Provider:
    name: str
    issuer: str
    role: str

    @property
    def jwks_uri(self) -> str:
        return f"{self.issuer}/.well-known/jwks.json"


@attrs.frozen
class Schema:
    """The spec's `Schema`: fieldless collections, `x => x` functions (each with a role or none), roles and
    access providers."""

    collections: tuple[str, ...]
    functions: tuple[tuple[str, str | None], ...]
    roles: tuple[Role, ...]
    providers: tuple[Provider, ...]

    def fsl(self) -> str:
        items = [f"collection {c} {{\n}}\n" for c in self.collections]
        items += [("" if r is None else f"@role({r})\n") + f"function {f}(x) {{\n  x\n}}\n" for f, r in self.functions]
        for role in self.roles:
            privileges = "".join(f"  privileges {name} {{\n    {action}\n  }}\n" for action, name in role.privileges)
            items.append(f"role {role.name} {{\n{privileges}}}\n")
        items += [
            f'access provider {p.name} {{\n  issuer "{p.issuer}"\n  jwks_uri "{p.jwks_uri}"\n  role {p.role}\n}}\n'
            for p in self.providers
        ]
        return "\n".join(items)

    def renamed(self, old: str, new: str) -> Schema:
        """The collection `old` renamed `new`, the roles' privileges with it (a rename cascades)."""
        roles = tuple(
            attrs.evolve(r, privileges=tuple((a, new if a == "read" and n == old else n) for a, n in r.privileges))
            for r in self.roles
        )
        return attrs.evolve(self, collections=tuple(new if c == old else c for c in self.collections), roles=roles)


def names(rng: random.Random, taken: t.Collection[str] = (), count: tuple[int, int] = (1, 4)) -> list[str]:
    """`Gen.listOf(fieldName)` as a set, not empty, none of `taken` (a role is never `admin` or `server`,
    which a role may not be named: core's generator would fail on them, as rarely)."""
    found: list[str] = []
    while not found:
        for _ in range(rng.randint(*count)):
            name = field_name(rng)
            if name not in taken and name not in found and name not in ("admin", "server"):
                found.append(name)
    return found


def make_names(rng: random.Random) -> tuple[list[str], list[str], list[str], list[str]]:
    """`makeNames`: collections, functions named unlike them, roles and access providers."""
    collections = names(rng)
    return collections, names(rng, collections), names(rng), names(rng)


def make_schema(rng: random.Random, item_names: tuple[list[str], ...], active: Schema | None = None) -> Schema:
    """`makeSchema`: each role given each collection's `read` or function's `call` half the time, each
    provider a distinct issuer and one role, each function a role half the time.

    Unlike core's, a staged provider never takes the issuer another provider has in the `active` schema:
    whether a push may hand an issuer from one provider to another depends on the order its writes check
    the unique issuer index in, which core leaves to its Query's `sequence` (fql checks each write in
    turn, and refuses the push when the taker is written first)."""
    collections, functions, role_names, provider_names = item_names
    items = [("read", c) for c in collections] + [("call", f) for f in functions]
    roles = tuple(Role(r, tuple(i for i in items if rng.choice((True, False)))) for r in role_names)
    held = {p.issuer: p.name for p in active.providers} if active else {}
    issuers: list[str] = []
    while len(issuers) < len(provider_names):
        issuer = f"https://{field_name(rng)}.auth0.com"
        if issuer not in issuers and held.get(issuer, provider_names[len(issuers)]) == provider_names[len(issuers)]:
            issuers.append(issuer)
    providers = tuple(Provider(n, i, rng.choice(roles).name) for n, i in zip(provider_names, issuers))
    fns = tuple((f, rng.choice(roles).name if rng.choice((True, False)) else None) for f in functions)
    return Schema(tuple(collections), fns, roles, providers)


class Keys:
    """Core's JWKProvider in the spec: the signing key, for the one `jwks_uri` and `kid` expected."""

    def __init__(self):
        self.signing = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.expected: tuple[str, str] | None = None

    def key(self, uri: str, kid: t.Any) -> rsa.RSAPublicKey | None:
        return self.signing.public_key() if (uri, kid) == self.expected else None


def schema_mismatch(db: Child, keys: Keys, schema: Schema) -> list[str]:
    """`Schema.validate`: each role's secret (`<key>:@role/<name>`) and each provider's JWT may call the
    functions and read, but not create in, the collections the role's privileges name."""
    wrong = []
    for role in schema.roles:
        wrong += role_mismatch(db, f"{db.secret}:@role/{role.name}", role)
    if schema.providers:
        audience = db.q(f"AccessProvider.byName({literal(schema.providers[0].name)})!.audience")
    for provider in schema.providers:
        keys.expected = (provider.jwks_uri, "k1")
        jwt = sign(keys.signing, {"iss": provider.issuer, "aud": audience, "iat": int(time.time())})
        role = next(r for r in schema.roles if r.name == provider.role)
        wrong += [f"provider {provider.name}: {w}" for w in role_mismatch(db, jwt, role)]
    return wrong


def role_mismatch(db: Child, secret: str, role: Role) -> list[str]:
    wrong = []
    for action, name in role.privileges:
        tries = [(f"{name}(1)", 1)] if action == "call" else [(f"if ({name}.byId(0).exists()) abort(0)", None)]
        for text, expected in tries:
            try:
                found = db.q(text, secret)
            except fql.FQLError as err:
                found = err.v10_code
            if found != expected:
                wrong.append(f"role {role.name}: {text} gave {found!r}")
        if action == "read":
            try:
                db.q(f"{name}.create({{}})", secret)
                wrong.append(f"role {role.name}: {name}.create({{}}) was allowed")
            except fql.FQLError as err:
                if err.v10_code != "permission_denied":
                    wrong.append(f"role {role.name}: {name}.create({{}}) gave {err.v10_code}")
    return wrong


def check_non_collections(db: Child, keys: Keys, active: Schema, staged: Schema, renames: list[tuple[str, str]]) -> list[str]:
    """"non-collections" (no renames: abandoned and staged again) and "non-collections-with-renames"."""
    db.push(active.fsl())
    wrong = schema_mismatch(db, keys, active)
    db.push(staged.fsl(), staged=True)
    wrong += schema_mismatch(db, keys, active)
    if not renames:
        db.abandon()
        wrong += schema_mismatch(db, keys, active)
        db.push(staged.fsl(), staged=True)
        wrong += schema_mismatch(db, keys, active)
    for old, new in renames:
        db.q(f"Collection.byName({literal(old)})!.update({{ name: {literal(new)} }})")
        staged = staged.renamed(old, new)
        wrong += schema_mismatch(db, keys, active)
    db.commit()
    return wrong + schema_mismatch(db, keys, staged) + [d for d in [db.diff(staged.fsl())] if d]


def rename_series(rng: random.Random, item_names: tuple[list[str], ...]) -> list[tuple[str, str]]:
    """0 to 5 renames of collections, each to a name no collection or function has then."""
    collections, functions = list(item_names[0]), item_names[1]
    renames = []
    for _ in range(rng.randint(0, 5)):
        old = rng.choice(collections)
        new = field_name(rng)
        while new in collections or new in functions:
            new = field_name(rng)
        collections[collections.index(old)] = new
        renames.append((old, new))
    return renames


@pytest.mark.parametrize("with_renames", [False, True], ids=["non-collections", "non-collections-with-renames"])
def test_non_collections(with_renames):
    """FQL2StagedSchemaFuzzSpec "non-collections" and "non-collections-with-renames"."""
    rng = random.Random(404 + with_renames)
    keys = Keys()
    root = fql.connect(jwks=keys)
    failures = []
    for case in range(40):
        item_names = make_names(rng)
        active = make_schema(rng, item_names)
        staged = make_schema(rng, item_names, active)
        renames = rename_series(rng, item_names) if with_renames else []
        wrong = outcome(lambda: check_non_collections(Child(root, f"case{case}"), keys, active, staged, renames))
        if wrong:
            failures.append((active.fsl(), staged.fsl(), renames, wrong))
    assert failures == []


def test_migrations_pushed_one_by_one():
    """Beyond core's properties: "migration" with each migration of the series pushed on its own."""
    rng = random.Random(505)
    failures = []
    for _ in range(60):
        base, steps = pushed_one_by_one(rng)
        wrong = outcome(lambda: check_one_by_one(base, steps))
        if wrong:
            failures.append((base.coll.fsl(), obj(base.row()), wrong))
    assert failures == []
