"""The FSL parts held together end to end: parse (parser.py), push (manager.py), generate (source.py) and
diff (diff.py) must agree on every item of a corpus of FSL.

The corpus: tests/fixtures/fsl/*.fsl (every member kind of collections, functions with and without types,
roles and aliases, roles with predicates, access providers), each with `// update:` queries that change
an item and `// shows:` text the files must then show; and the FSL of core's FSLParserSpec,
SourceGeneratorSpec and SchemaDiffSpec (the cases tests/schema hold), each item changed by a query of
its kind. For each:

(a) once pushed, every stored definition generated (source.generate) and parsed again is the item pushed:
    the diff between the two is empty;
(b) the files read back (`db.schema_files()`) diff as nothing against the database, right after the push
    and after a query changes the schema;
(c) after a query changes an item, the files show the change, and pushing them changes nothing.

`FIXTURE=<name>.fsl` runs one fixture file alone."""

from __future__ import annotations

import os
import pathlib
import re

import pytest

import fql
from fql.schema import diff as d, parser, source
from fql.schema.items import Item
from fql.schema.manager import SchemaError, comparable

from . import test_diff, test_parser, test_source
from tests.helpers import query_v10 as q

FIXTURES = pathlib.Path(__file__).parent.parent / "fixtures" / "fsl"

#: The native module of each kind of item.
MODULES = {"collection": "Collection", "function": "Function", "role": "Role", "access provider": "AccessProvider"}

#: What stored documents hold that is not schema: it changes on every write.
_VOLATILE = ("ts", "coll")


def _fixtures() -> list:
    only = os.environ.get("FIXTURE")
    paths = sorted(FIXTURES.glob("*.fsl"))
    return [pytest.param(p.read_text(), _metadata(p.read_text()), id=p.stem) for p in paths if only in (None, p.name)]


def _metadata(text: str) -> list[tuple[str, str, str]]:
    """The `// update:` queries of a fixture, each with the `// shows:` text the files then hold and the
    `// hides:` text they no longer hold (either may be left out)."""
    updates = []
    for key, value in re.findall(r"^// (update|shows|hides): (.*)$", text, flags=re.MULTILINE):
        if key == "update":
            updates.append({"update": value, "shows": "", "hides": None})
        else:
            updates[-1][key] = value
    return [(u["update"], u["shows"], u["hides"]) for u in updates]


def _core_sources() -> list:
    """The FSL of core's specs that tests/schema hold, by where it comes from."""
    found = [(f"FSLParserSpec-{p.id}", p.values[0]) for p in test_parser.CORE_PARSES]
    found += [(f"SourceGeneratorSpec-{p.id}", p.values[3]) for p in test_source.SPEC]
    for p in test_diff.SEMANTIC + test_diff.MIGRATIONS:
        found += [(f"SchemaDiffSpec-{p.id}-before", p.values[0]), (f"SchemaDiffSpec-{p.id}-after", p.values[1])]
    seen, unique = set(), []
    for name, text in found:
        if text.strip() and text not in seen:
            seen.add(text)
            unique.append((name, text))
    return unique


#: Core's sources a push refuses, as core would (they are parser or diff cases, not whole schemas), with
#: the start of the error each gives.
REFUSED = {
    "FSLParserSpec-parse-a-check-constraint-1": "Failed to create Collection.",  # checks of arity 0 and 2
    "FSLParserSpec-parse-special-names-1": "Failed to create Collection.",  # `0Foo$` is no identifier
    "FSLParserSpec-parse-special-names-2": "Failed to create Collection.",
    "FSLParserSpec-reject-duplicate-unique-constraints-1": "Failed to create Collection.",
    "FSLParserSpec-parse-migrations-1": "error: Cannot add field, as `.a` is not in the submitted schema",
    "FSLParserSpec-render-a-paths-in-FQL-form-1": "Failed to create Collection.",  # `.ts` as a term
    "FSLParserSpec-handle-conflicting-names-correctly-1": "Duplicate collection or function `foo`",
    "FSLParserSpec-parse-with-types-3": "error: Unknown type `Char`\nat main.fsl:1:39",  # no such type
    "SourceGeneratorSpec-quote legacy schema names": "Failed to create Collection.",  # `0` is no identifier
}
#: Roles of core's parser and diff cases name collections they do not declare: core's schema validation
#: refuses them before anything is written, placing the error in the file.
_UNDECLARED = (
    "FSLParserSpec-parse-privileges-1",
    "FSLParserSpec-parse-privileges-in-one-line-1",
    "FSLParserSpec-parse-privilege-predicate-1",
    "FSLParserSpec-parse-membership-1",
    "FSLParserSpec-parse-membership-predicate-1",
    "FSLParserSpec-parse-complex-definition-2",
    "SchemaDiffSpec-detect optional config addition-before",
    "SchemaDiffSpec-detect optional config addition-after",
    "SchemaDiffSpec-detect optional config modification-after",
    "SchemaDiffSpec-detect modifications to blocks with optional configs-before",
    "SchemaDiffSpec-detect modifications to blocks with optional configs-after",
)
REFUSED.update(dict.fromkeys(_UNDECLARED, "error: Resource `Bar` does not exist\nat main.fsl:"))
# Core checks a role's memberships before its privileges.
REFUSED["FSLParserSpec-parse-complex-definition-2"] = "error: Resource `Fiz` does not exist\nat main.fsl:"
#: Access providers of core's parser cases name roles they do not declare (and JWKS URIs that are not https).
_NO_ROLE = ("FSLParserSpec-parse-roles-1", "FSLParserSpec-parse-role-predicates-1", "FSLParserSpec-parse-complex-definition-3")
REFUSED.update(dict.fromkeys(_NO_ROLE, "error: Role `Fizz` does not exist\nat main.fsl:"))
_NOT_HTTPS = ("FSLParserSpec-parse-minimal-3", "FSLParserSpec-parse-APs-config-in-one-line-1")
REFUSED.update(dict.fromkeys(_NOT_HTTPS, "Failed to create AccessProvider."))
#: Migrations of core's diff cases that a new collection cannot take (a field added beside a wildcard).
_MIGRATIONS = (
    "SchemaDiffSpec-consider new migrations a semantic change (add)-before",
    "SchemaDiffSpec-consider new migrations a semantic change (add)-after",
    "SchemaDiffSpec-consider new migrations a semantic change (none new)-before",
    "SchemaDiffSpec-consider new migrations a semantic change (none new)-after",
    "SchemaDiffSpec-consider new migrations a semantic change (changed backfill)-before",
    "SchemaDiffSpec-render migrations nicely (split)-before",
)
REFUSED.update(dict.fromkeys(_MIGRATIONS, "error: Cannot "))

CORE = [pytest.param(text, id=name) for name, text in _core_sources()]


def _generic_updates(items: list[Item]) -> list[tuple[str, str]]:
    """A query that changes each item of a core source, and text the files then show."""
    updates = []
    for item in items:
        by_name = f"{MODULES[item.kind]}.byName({_quoted(item.name)})!"
        if item.kind == "collection":
            updates.append((f"{by_name}.update({{ history_days: 7 }})", "history_days 7"))
        elif item.kind == "function":
            role = "admin" if item.definition.get("role") == "server" else "server"
            updates.append((f'{by_name}.update({{ role: "{role}" }})', f"@role({role})"))
        elif item.kind == "role":
            query = f'let r = {by_name}; r.update({{ privileges: r.privileges.concat([{{ resource: "Key", actions: {{ read: true }} }}]) }})'
            updates.append((query, "privileges Key"))
        else:
            issuer = f"https://changed.example.com/{item.name}"  # an issuer is unique
            updates.append((f'{by_name}.update({{ issuer: "{issuer}" }})', f'issuer "{issuer}"'))
    return updates


def _quoted(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


# -- the checks ------------------------------------------------------------------------------------------------


def stored(db: fql.Database, item: Item) -> dict:
    return dict(q(db, f"{MODULES[item.kind]}.byName({_quoted(item.name)})!"))


def schema(db: fql.Database, items: list[Item]) -> dict:
    """Every item's stored document, without what changes on every write."""
    return {item.key: {k: v for k, v in stored(db, item).items() if k not in _VOLATILE} for item in items}


def check_regenerated(db: fql.Database, items: list[Item]) -> None:
    """(a): each stored definition, generated and parsed again, is the item pushed."""
    regenerated = []
    for item in items:
        text = source.generate(item.kind, item.name, stored(db, item))
        regenerated += parser.parse(text, "main.fsl")
    diffs = d.diff(items, regenerated)
    assert diffs == [], d.render("semantic", {}, {}, diffs)
    # Not only no semantic change: the same definitions, as stored. The files are patched by the diff, which
    # pairs a role's privileges and memberships and a provider's roles by name, so their order is the file's.
    for item, again in zip(items, regenerated):
        assert _unordered(item) == _unordered(again), item.name


def _unordered(item: Item) -> dict:
    found = comparable(item.kind, item.definition)
    for key in ("privileges", "membership", "roles"):
        if isinstance(found.get(key), list):
            found[key] = sorted(found[key], key=repr)
    return found


def check_files_agree(db: fql.Database) -> dict[str, str]:
    """(b): the files read back diff as nothing against the database."""
    files = db.schema_files()
    assert db.schema_diff(files) == ""
    return files


def check_update(db: fql.Database, query: str, shows: str, hides: str | None = None) -> None:
    """(c): after `query`, the files show `shows` (and not `hides`), every item in them is as stored (as
    (a) has it), and a push of them changes nothing."""
    q(db, query)
    files = check_files_agree(db)
    declared = "".join(line + "\n" for text in files.values() for line in text.splitlines() if not line.startswith("//"))
    assert shows in declared
    assert hides is None or hides not in declared
    items = [item for name, text in files.items() for item in parser.parse(text, name)]
    check_regenerated(db, items)
    before = schema(db, items)
    db.push_schema(files)
    assert schema(db, items) == before
    # A file left blank (its one item deleted) is deleted by the push, as a blank file always is.
    assert db.schema_files() == {name: text for name, text in files.items() if text.strip()}


# -- the corpus ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, updates", _fixtures())
def test_fixture_round_trip(text: str, updates: list[tuple[str, str, str | None]]) -> None:
    assert updates, "a fixture names the queries that change it"
    db = fql.connect("memory://")
    db.push_schema({"main.fsl": text})
    items = parser.parse(text, "main.fsl")
    check_regenerated(db, items)
    assert check_files_agree(db) == {"main.fsl": text}
    for query, shows, hides in updates:
        check_update(db, query, shows, hides)
    # Comments stay where they were written, those inside the items patched among them (core's SchemaPatch
    # rewrites only what changed).
    assert _comments(db.schema_files()["main.fsl"]) == _comments(text)


def _comments(text: str) -> list[str]:
    """The comments of an FSL text (string literals, which may hold `//`, left out)."""
    text = re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', text)
    return re.findall(r"//[^\n]*|/\*.*?\*/", text, flags=re.DOTALL)


@pytest.mark.parametrize("text, updates", _fixtures())
def test_fixture_split_over_files(text: str, updates: list[tuple[str, str, str | None]]) -> None:
    # The same items, one file each: a change goes to the file that declares the item, a new item
    # to main.fsl.
    files = {f"{item.kind.replace(' ', '_')}s/{item.name}.fsl": text[slice(*item.span)] + "\n" for item in parser.parse(text)}
    db = fql.connect("memory://")
    db.push_schema(files)
    assert check_files_agree(db) == files
    for query, shows, hides in updates:
        check_update(db, query, shows, hides)


@pytest.mark.parametrize("text", CORE)
def test_core_source_round_trip(request: pytest.FixtureRequest, text: str) -> None:
    name = request.node.callspec.id
    db = fql.connect("memory://")
    if name in REFUSED:
        with pytest.raises(SchemaError) as err:
            db.push_schema({"main.fsl": text})
        assert err.value.message.startswith(REFUSED[name])
        return
    db.push_schema({"main.fsl": text})
    items = parser.parse(text, "main.fsl")
    check_regenerated(db, items)
    assert check_files_agree(db) == {"main.fsl": text}
    for query, shows in _generic_updates(items):
        check_update(db, query, shows)


#: Schema made by queries, in the shapes queries may store it (a role's privileges as one object, bodies
#: written as arrows, blocks or short lambdas, types of every kind); v4 items FSL cannot say among them.
QUERIES = [
    'Collection.create({ name: "A", fields: { _x: { signature: "Int?" }, n: { signature: "Number", default: "0" } },'
    ' computed_fields: { c: { body: "(.n + 1)" }, d: { body: "doc => doc.n", signature: "Number" } } })',
    'Collection.create({ name: "B", indexes: { byN: { terms: [{ field: "n" }], values: [{ field: ".m", order: "desc" },'
    ' { field: ".a.b" }] } }, constraints: [{ unique: ["n", ".m"] }, { unique: [{ field: ".a", mva: true }] }] })',
    'Collection.create({ name: "C", wildcard: "Any", history_days: 0, ttl_days: 1, document_ttls: false, alias: "Cee" })',
    'Collection.create({ name: "D", fields: { o: { signature: "{ a: Int, b: { c: String? }? }" },'
    ' u: { signature: "\\"x\\" | 1 | true | Null" }, t: { signature: "[Int, String]" } } })',
    'Function.create({ name: "f1", body: "x => x" })',
    'Function.create({ name: "f3", body: "(x) => x // a comment" })',
    'Function.create({ name: "f4", body: "(x) => { let y = { a: x, \\"b c\\": [1, 2.5, null] }\\n y { a } }" })',
    'Function.create({ name: "f5", body: "(...xs) => xs.length", signature: "(xs: ...Int) => Int" })',
    'Function.create({ name: "f6", body: "(x) => if (x > 1) \\"big\\" else \\"small\\"", role: "server" })',
    'Function.create({ name: "f7", body: "() => A.all().where(.n > 0).map(d => d.n).toArray()", alias: "seven" })',
    'Role.create({ name: "r1", privileges: [{ resource: "A", actions: { read: "doc => doc.n > 0", write: true,'
    ' create: false } }, { resource: "f1", actions: { call: true } }], membership: [{ resource: "B", predicate: "(.ok)" }] })',
    'Role.create({ name: "r2", privileges: { resource: "A", actions: { read: true } }, membership: { resource: "A" } })',
    'AccessProvider.create({ name: "p1", issuer: "https://x/", jwks_uri: "https://x/j",'
    ' roles: [{ role: "r1", predicate: "jwt => true" }, "r2"] })',
]
V4_QUERIES = [
    'CreateFunction({ name: "v4f", body: Query(Lambda("x", Var("x"))) })',
    'CreateRole({ name: "v4r", privileges: [{ resource: Collections(), actions: { read: true } }] })',
    'CreateAccessProvider({ name: "v4p", issuer: "https://v4/", jwks_uri: "https://v4/j",'
    ' roles: [{ role: Role("r1"), predicate: Query(Lambda("x", true)) }] })',
]


def test_schema_made_by_queries_reads_back_and_pushes_as_a_no_op() -> None:
    db = fql.connect("memory://")
    for text in QUERIES:
        q(db, text)
    for text in V4_QUERIES:
        db.query(text, syntax="v4")
    files = check_files_agree(db)
    items = [item for name, text in files.items() for item in parser.parse(text, name)]
    assert {item.name for item in items} == {"A", "B", "C", "D", "f1", "f3", "f4", "f5", "f6", "f7", "r1", "r2", "p1"}
    check_regenerated(db, items)
    before = schema(db, items)
    db.push_schema(files)
    assert schema(db, items) == before
    assert db.schema_files() == files
