"""Core's ext/model/src/test/scala/QueryMetricsSpec.scala: the "business metrics" of queries (core's
QueryMetrics, the `business_metrics` of its query log): creates, updates and deletes of databases,
collections, roles, functions, keys, and of documents, which leave those native collections out.

Core's spec reads the stats buffer of its queries, as these tests read the Meter of theirs
(`Meter.business_metrics`, fql/storage/meter.py). Where core's spec runs several v4 queries into one
buffer, the test sums their figures.
"""

from __future__ import annotations

import pytest

import fql
from fql.parse import parse


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret="secret")


def metrics(db: fql.Database, *queries: str, syntax: str) -> dict[str, int]:
    """The business metrics of `queries`, run one after another, summed."""
    total: dict[str, int] = {}
    for text in queries:
        _, state = db.run_with_state(parse(text, syntax), syntax=syntax, meter=True, typecheck=False)
        for name, count in state.txn.business_metrics().items():
            total[name] = total.get(name, 0) + count
    return total


def run(db: fql.Database, *queries: str, syntax: str) -> None:
    for text in queries:
        db.query(text, syntax=syntax)


V4_NATIVES = (
    'CreateDatabase({name: "db1"})',
    'CreateRole({name: "role1", privileges: []})',
    'CreateFunction({name: "func1", body: Query(Lambda("x", Var("x")))})',
    'CreateCollection({name: "coll2"})',
)
V10_NATIVES = """
Collection.create({ name: "coll2" })
Database.create({ name: "db1" })
Function.create({ name: "func1", body: "(x) => x" })
Key.create({ role: "admin" })
Role.create({ name: "role1" })
"""


def key_ref(db: fql.Database) -> str:
    """A v4 key made with the server role: its Ref, as the next query writes it."""
    made = db.query('CreateKey({role: "server"})')
    return f'Ref(Keys(), "{made["ref"].id}")'


# documents


def test_documents_v4_creates(db):
    """QueryMetricsSpec documents/v4 "increments creates, does not count native collection"."""
    run(db, 'CreateCollection({name: "coll1"})', syntax="v4")
    doc = 'Create(Collection("coll1"), {data: {foo: "bar"}})'
    found = metrics(db, doc, doc, *V4_NATIVES, 'CreateKey({role: "server"})', syntax="v4")
    assert found["document_creates"] == 2


def test_documents_v4_updates(db):
    """QueryMetricsSpec documents/v4 "increments updates, does not count native collection"."""
    run(db, 'CreateCollection({name: "coll1"})', *V4_NATIVES, syntax="v4")
    a, b = (db.query('Create(Collection("coll1"), {data: {foo: "bar"}})')["ref"].id for _ in range(2))
    key = key_ref(db)
    found = metrics(
        db,
        f'Update(Ref(Collection("coll1"), "{a}"), {{data: {{bar: "baz"}}}})',
        f'Update(Ref(Collection("coll1"), "{b}"), {{data: {{bar: "baz"}}}})',
        'Update(Collection("coll1"), {history_days: 1})',
        'Update(Database("db1"), {name: "db2"})',
        'Update(Role("role1"), {name: "new_role_name"})',
        'Update(Function("func1"), {name: "new_func_name"})',
        f'Update({key}, {{role: "admin"}})',
        syntax="v4",
    )
    assert found["document_updates"] == 2


def test_documents_v4_deletes(db):
    """QueryMetricsSpec documents/v4 "increments deletes, does not count native collection"."""
    run(db, 'CreateCollection({name: "coll1"})', *V4_NATIVES, syntax="v4")
    key = key_ref(db)
    a, b = (db.query('Create(Collection("coll1"), {data: {foo: "bar"}})')["ref"].id for _ in range(2))
    found = metrics(
        db,
        'Delete(Database("db1"))',
        'Delete(Collection("coll2"))',
        'Delete(Role("role1"))',
        'Delete(Function("func1"))',
        f"Delete({key})",
        f'Delete(Ref(Collection("coll1"), "{a}"))',
        f'Delete(Ref(Collection("coll1"), "{b}"))',
        syntax="v4",
    )
    assert found["document_deletes"] == 2


def test_documents_v10_creates(db):
    """QueryMetricsSpec documents/v10 "increments creates, doesn't count native collections"."""
    run(db, 'Collection.create({ name: "coll1" })', syntax="v10")
    found = metrics(db, V10_NATIVES + "coll1.create({})\ncoll1.create({})", syntax="v10")
    assert found["document_creates"] == 2


def test_documents_v10_updates(db):
    """QueryMetricsSpec documents/v10 "increments updates, doesn't count native collections"."""
    run(db, 'Collection.create({ name: "coll1" })' + V10_NATIVES, "coll1.create({})\ncoll1.create({})", syntax="v10")
    query = """
Collection.byName("coll2")!.update({ history_days: 3 })
Database.byName("db1")!.update({ name: "testdb" })
Role.byName("role1")!.update({ name: "testrole" })
Function.byName("func1")!.update({ name: "func2" })
Key.all().first()!.update({ role: "server" })
coll1.all().forEach(.update({ test: "update" }))
"""
    assert metrics(db, query, syntax="v10")["document_updates"] == 2


def test_documents_v10_deletes(db):
    """QueryMetricsSpec documents/v10 "increments deletes, doesn't count native collections"."""
    run(db, 'Collection.create({ name: "coll1" })' + V10_NATIVES, "coll1.create({})\ncoll1.create({})", syntax="v10")
    query = """
Collection.byName("coll2")!.delete()
Database.byName("db1")!.delete()
Role.byName("role1")!.delete()
Function.byName("func1")!.delete()
Key.all().first()!.delete()
coll1.all().forEach(.delete())
"""
    assert metrics(db, query, syntax="v10")["document_deletes"] == 2


def test_deleting_a_collection_deletes_no_documents_of_its_own(db):
    """Not in core's spec: fql deletes a deleted collection's documents with it, which core drops with the
    collection: one collection delete, no document deletes (core counts the Delete call, not storage)."""
    run(db, 'Collection.create({ name: "coll1" })', "coll1.create({})\ncoll1.create({})", syntax="v10")
    found = metrics(db, 'Collection.byName("coll1")!.delete()', syntax="v10")
    assert (found["collection_deletes"], found["document_deletes"]) == (1, 0)


# keys, functions, roles, collections, databases: v4 and v10 ("increments creates/updates/deletes").
# Each v4 case makes three (creates, deletes) or updates twice, in queries of their own; each v10 case in
# one query, an update chained twice on one document.

V4_MAKE = {
    "key": lambda i: 'CreateKey({role: "admin"})',
    "function": lambda i: f'CreateFunction({{name: "f{i}", body: Query(Lambda("x", Var("x")))}})',
    "role": lambda i: f'CreateRole({{name: "r{i}", privileges: []}})',
    "collection": lambda i: f'CreateCollection({{name: "c{i}"}})',
    "database": lambda i: f'CreateDatabase({{name: "d{i}"}})',
}
V4_REF = {
    "function": lambda i: f'Function("f{i}")',
    "role": lambda i: f'Role("r{i}")',
    "collection": lambda i: f'Collection("c{i}")',
    "database": lambda i: f'Database("d{i}")',
}
V4_CHANGE = {
    "key": '{role: "server"}',
    "function": '{data: {desc: "changed"}}',
    "role": '{data: {desc: "changed"}}',
    "collection": "{history_days: 1}",
    "database": '{data: {desc: "changed"}}',
}
V10_MAKE = {
    "key": lambda i: 'Key.create({ role: "admin" })',
    "function": lambda i: f'Function.create({{ name: "f{i}", body: "(x) => x" }})',
    "role": lambda i: f'Role.create({{ name: "r{i}" }})',
    "collection": lambda i: f'Collection.create({{ name: "c{i}" }})',
    "database": lambda i: f'Database.create({{ name: "d{i}" }})',
}
V10_FIND = {
    "key": lambda i: f"Key.all().toArray()[{i}]",
    "function": lambda i: f'Function.byName("f{i}")!',
    "role": lambda i: f'Role.byName("r{i}")!',
    "collection": lambda i: f'Collection.byName("c{i}")!',
    "database": lambda i: f'Database.byName("d{i}")!',
}
V10_RENAMES = {
    "key": ('{ role: "server" }', '{ role: "server-readonly" }'),
    "function": ('{ name: "g1" }', '{ name: "g2" }'),
    "role": ('{ name: "s1" }', '{ name: "s2" }'),
    "collection": ("{ history_days: 1 }", "{ history_days: 2 }"),
    "database": ('{ name: "e1" }', '{ name: "e2" }'),
}
KINDS = sorted(V4_MAKE)


def v4_refs(db: fql.Database, kind: str, count: int) -> list[str]:
    """`count` documents of `kind`, made in queries of their own: how a later v4 query names each."""
    refs = []
    for i in range(count):
        made = db.query(V4_MAKE[kind](i))
        refs.append(f'Ref(Keys(), "{made["ref"].id}")' if kind == "key" else V4_REF[kind](i))
    return refs


@pytest.mark.parametrize("kind", KINDS)
def test_v4_creates(db, kind):
    """QueryMetricsSpec keys, functions, roles, collection: v4 "increments creates"; and the top-level v4
    "increments database creates"."""
    found = metrics(db, *(V4_MAKE[kind](i) for i in range(3)), syntax="v4")
    assert found[f"{kind}_creates"] == 3
    assert found["document_creates"] == 0


@pytest.mark.parametrize("kind", KINDS)
def test_v4_updates(db, kind):
    """QueryMetricsSpec keys, functions, roles, collection: v4 "increments updates" (keys: one key, one
    update); and the top-level v4 "increments database updates"."""
    refs = v4_refs(db, kind, 1 if kind == "key" else 2)
    found = metrics(db, *(f"Update({ref}, {V4_CHANGE[kind]})" for ref in refs), syntax="v4")
    assert found[f"{kind}_updates"] == len(refs)
    assert found["document_updates"] == 0


@pytest.mark.parametrize("kind", KINDS)
def test_v4_deletes(db, kind):
    """QueryMetricsSpec keys, functions, roles, collection: v4 "increments deletes" (keys: one key); and the
    top-level v4 "increments database deletes"."""
    refs = v4_refs(db, kind, 1 if kind == "key" else 3)
    found = metrics(db, *(f"Delete({ref})" for ref in refs), syntax="v4")
    assert found[f"{kind}_deletes"] == len(refs)
    assert found["document_deletes"] == 0


@pytest.mark.parametrize("kind", KINDS)
def test_v10_creates(db, kind):
    """QueryMetricsSpec keys, functions, roles, collection: v10 "increments create"; and the top-level v10
    "increments database creates"."""
    found = metrics(db, "\n".join(V10_MAKE[kind](i) for i in range(3)), syntax="v10")
    assert found[f"{kind}_creates"] == 3
    assert found["document_creates"] == 0


@pytest.mark.parametrize("kind", KINDS)
def test_v10_updates(db, kind):
    """QueryMetricsSpec keys, functions, roles, collection: v10 "increments update", two updates chained on
    one document; and the top-level v10 "increments database updates"."""
    run(db, V10_MAKE[kind](0), syntax="v10")
    first, second = V10_RENAMES[kind]
    found = metrics(db, f"{V10_FIND[kind](0)}.update({first}).update({second})", syntax="v10")
    assert found[f"{kind}_updates"] == 2
    assert found["document_updates"] == 0


@pytest.mark.parametrize("kind", KINDS)
def test_v10_deletes(db, kind):
    """QueryMetricsSpec keys, functions, roles, collection: v10 "increments delete"; and the top-level v10
    "increments database deletes"."""
    run(db, "\n".join(V10_MAKE[kind](i) for i in range(3)), syntax="v10")
    query = "\n".join(f"{V10_FIND[kind](i)}.delete()" for i in range(3))
    if kind == "key":
        query = "Key.all().forEach(.delete())"
    found = metrics(db, query, syntax="v10")
    assert found[f"{kind}_deletes"] == 3
    assert found["document_deletes"] == 0


# roles and collection: "schema" (an FSL push, fql.schema.manager.update, in one transaction)


def push(db: fql.Database, text: str) -> dict[str, int]:
    """Push `text` as main.fsl (as core's updateSchemaOk): the push's business metrics."""
    from fql.database import Work
    from fql.schema import manager

    work = Work(lambda ctx: manager.update(ctx, [("main.fsl", text)]))
    _, state = db.run_with_state(work, syntax="v10", meter=True)
    return state.txn.business_metrics()


ROLES = "role A0 {}\nrole A1 {}\ncollection TestColl {}\n"
READING_ROLES = """
role A0 {
  privileges TestColl { read }
}
role A1 {
  privileges TestColl { read }
}
collection TestColl {}
"""
COLLECTIONS = "collection A0 { name: String }\ncollection A1 { name: String }\n"
LONGER_COLLECTIONS = """
collection A0 {
  name: String
  history_days 1
}
collection A1 {
  name: String
  history_days 1
}
"""


def test_roles_schema_create(db):
    """QueryMetricsSpec roles/schema "increments create"."""
    assert push(db, "role A0 {}\nrole A1 {}\n")["role_creates"] == 2


def test_roles_schema_update(db):
    """QueryMetricsSpec roles/schema "increments update"."""
    push(db, ROLES)
    assert push(db, READING_ROLES)["role_updates"] == 2


def test_roles_schema_delete(db):
    """QueryMetricsSpec roles/schema "increments delete"."""
    push(db, "role A0 {}\nrole A1 {}\n")
    assert push(db, "")["role_deletes"] == 2


def test_collection_schema_create(db):
    """QueryMetricsSpec collection/schema "increments create": fql makes a pushed collection bare, then
    gives it its definition; the second write is part of the create, not an update."""
    found = push(db, COLLECTIONS)
    assert (found["collection_creates"], found["collection_updates"]) == (2, 0)


def test_collection_schema_update(db):
    """QueryMetricsSpec collection/schema "increments update"."""
    push(db, COLLECTIONS)
    assert push(db, LONGER_COLLECTIONS)["collection_updates"] == 2


def test_collection_schema_delete(db):
    """QueryMetricsSpec collection/schema "increments delete"."""
    push(db, COLLECTIONS)
    assert push(db, "")["collection_deletes"] == 2


def test_an_index_built_with_its_collection_is_no_update(db):
    """Not in core's spec: fql stores a new index's status on its collection with a write of its own, core
    with an internal update that counts nothing: one collection create."""
    found = push(db, "collection A0 {\n  name: String\n  index byName { terms [.name] }\n}\n")
    assert (found["collection_creates"], found["collection_updates"]) == (1, 0)


def test_the_server_logs_them_at_debug_level(db, caplog):
    """Core writes these figures to its query log (`business_metrics`); fql's server logs them at debug."""
    import json

    from fql.server import v10

    run(db, 'Collection.create({ name: "coll1" })', syntax="v10")
    caplog.set_level("DEBUG", logger="fql.server")
    response = v10.query(db, {"query": 'coll1.create({})\nKey.create({ role: "admin" })'}, "secret", {}, 0)
    assert response.status == 200
    (line,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("business metrics: ")]
    found = json.loads(line.removeprefix("business metrics: "))
    assert (found["key_creates"], found["document_creates"], found["document_updates"]) == (1, 1, 0)


def test_the_server_logs_those_of_a_v4_query(db, caplog):
    """The same line for a v4 query (fql.server.app.App._query)."""
    import json

    from fql.server.app import App

    caplog.set_level("DEBUG", logger="fql.server")
    response = App(db)._query(b'{"create_key": {"object": {"role": "admin"}}}', "secret")
    assert response.status == 201
    (line,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("business metrics: ")]
    assert json.loads(line.removeprefix("business metrics: "))["key_creates"] == 1
