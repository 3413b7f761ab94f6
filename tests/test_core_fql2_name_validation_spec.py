"""Core's FQL2NameValidationSpec (ext/model fql2): which names collections, functions, roles, keys, access
providers and databases may take in v10, which global names clash, and which wins when an old (v4-made)
document already clashes. Run through `POST /query/1` as the admin of a child database (tests/core_fql2_app.py).
Each test names the spec case it comes from.

Skipped: "index names" (pendingUntilFixed in core: core answers 500 for an invalid index name, so the spec
asserts nothing that holds there; fql's own index-name checks are in tests/test_collection_fields.py).
"""

from __future__ import annotations

import json

import pytest

import fql
from tests.core_fql2_app import ADMIN, app_database, err, ok

GLOBAL_MODULES = (
    "Database", "FQL", "Collection", "AccessProvider", "Function", "Role", "Number", "Int", "Long", "Boolean",
    "Bytes", "String", "Time", "Date", "UUID", "Array", "Struct", "Doc", "Set", "Null", "asc", "desc", "log",
    "dbg", "newId",
)  # fmt: skip
INVALID_VARIABLES = ("if", "else", "at", "match", "case", "let", "null", "true", "false", "isa", "join", "on", "of")
INVALID_VARIABLES += ("FQL", "_")
RESERVED_TYPES = (
    "_", "Null", "true", "false", "Int", "Boolean", "Number", "ID", "Int", "Long", "Double", "String", "Bytes",
    "UUID", "Time", "Date", "Struct", "interface", "function", "Any", "Never", "type", "collection", "Float",
)  # fmt: skip
RESERVED = tuple(dict.fromkeys(GLOBAL_MODULES + INVALID_VARIABLES + RESERVED_TYPES))
VALID = ("hello", "FooBar", "foo_bar", "admin", "server")
INVALID = (
    "",
    "foo-bar",
    "hello world",
    "$foo",
    "foo.bar",
    "ด้้้้้็็็็็้้้้้็็็็็้้้้้้้้็็็็็้้้้้็็็็ ด้้้้้็็็็็้้้้้็็็็็้้้้้้้้็็็็็",
    "ÅÍÎÏ˝ÓÔÒÚÆ☃",
    "😍",
    "(╯°□°）╯︵ ┻━┻)",
    "𝕿𝖍𝖊 𝖖𝖚𝖎𝖈𝖐 𝖇𝖗𝖔𝖜𝖓 𝖋𝖔𝖝 𝖏𝖚𝖒𝖕𝖘 𝖔𝖛𝖊𝖗 𝖙𝖍𝖊 𝖑𝖆𝖟𝖞 𝖉𝖔𝖌",
)
JWKS = "https://fauna.auth0.com/.well-known/jwks.json"


def escape(name: str) -> str:
    """A v10 string literal for `name` (core's MaterializedValue.escape)."""
    return json.dumps(name, ensure_ascii=False).replace("#{", "\\#{")


def messages(body: dict) -> list[str]:
    assert body["error"]["code"] == "constraint_failure", body
    return [failure["message"] for failure in body["error"]["constraint_failures"]]


def validate(db, query, valid=VALID, invalid=INVALID, reserved=RESERVED, typecheck=True):
    """core's `validate`: each valid name is taken, each invalid or reserved one refused as core words it."""
    for name in valid:
        ok(db, query(escape(name)), typecheck=typecheck)
    for name in invalid:
        assert messages(err(db, query(escape(name)), typecheck=typecheck)) == ["Invalid identifier."], name
    for name in reserved:
        assert messages(err(db, query(escape(name)), typecheck=typecheck)) == [f"The identifier `{name}` is reserved."]


def conflict(db, query: str, typecheck: bool = True) -> list[str]:
    return messages(err(db, query, typecheck=typecheck))


def exists(db, module: str, name: str) -> bool:
    return ok(db, f"{module}.byName({escape(name)}) != null")


def alias_exists(db, alias: str) -> bool:
    return ok(db, f"Collection.where(.alias == {escape(alias)}).count() > 0")


def mk_coll(db, name: str) -> None:
    ok(db, f"Collection.create({{ name: {escape(name)} }})")


def mk_coll_with_alias(db, alias: str) -> None:
    """core's createCollectionWithAlias."""
    ok(db, f'Collection.create({{ name: "CollectionNoMatch7556", alias: {escape(alias)} }})')


def mk_function(db, name: str, alias: str | None = None) -> None:
    """core's createFunction."""
    aliased = f", alias: {escape(alias)}" if alias else ""
    ok(db, f"Function.create({{ name: {escape(name)}{aliased}, body: '(x) => \"Hello #{{x}}\"' }})")


def v4(db: fql.Database, query: str) -> object:
    return db.query(query, secret=ADMIN)


def v4_function(db: fql.Database, name: str) -> None:
    v4(db, f'CreateFunction({{ name: {escape(name)}, body: Query(Lambda("x", Add(Var("x"), Var("x")))) }})')


@pytest.fixture
def db() -> fql.Database:
    return app_database()


# -- per kind -------------------------------------------------------------------------------------------


def test_collections(db):
    validate(db, lambda name: f"Collection.create({{ name: {name} }})")


def test_functions(db):
    validate(db, lambda name: f"Function.create({{ name: {name}, body: 'x => x' }})")


def test_roles(db):
    validate(
        db,
        lambda name: f"Role.create({{ name: {name} }})",
        valid=[v for v in VALID if v not in ("admin", "server")],
        reserved=("admin", "server"),
    )


def test_keys(db):
    validate(
        db,
        lambda name: f"Role.create({{ name: {name} }})\nKey.create({{ role: {name} }})",
        valid=[v for v in VALID if v not in ("admin", "server")],
        reserved=("admin", "server"),
    )
    ok(db, "Key.create({ role: 'admin' })")
    ok(db, "Key.create({ role: 'server' })")
    # Not a valid role name, but a key may name it.
    ok(db, "Key.create({ role: 'server-readonly' })")


def test_access_providers(db):
    issuers = iter(range(10_000))
    validate(
        db,
        lambda name: f'AccessProvider.create({{ name: {name}, issuer: "{next(issuers)}", jwks_uri: "{JWKS}" }})',
        reserved=(),
    )


def test_databases(db):
    validate(db, lambda name: f"Database.create({{ name: {name} }})", reserved=())


# -- "static environment conflicts" ---------------------------------------------------------------------


def test_static_environment_conflicts_collection_name(db):
    """can't create collection name conflicting with top level fauna provided module"""
    for name in RESERVED:
        assert conflict(db, f'Collection.create({{\n  name: "{name}",\n}})\n') == [f"The identifier `{name}` is reserved."]


def test_static_environment_conflicts_collection_alias(db):
    """can't create collection alias that conflicts with top level fauna provided module"""
    for name in RESERVED:
        query = f'Collection.create({{\n  name: "Hello",\n  alias: "{name}"\n}})\n'
        assert conflict(db, query) == [f"The identifier `{name}` is reserved."]


def test_static_environment_conflicts_collection_rename(db):
    """can't update a collection name to conflict with a top level fauna provided module"""
    mk_coll(db, "testColl")
    for name in RESERVED:
        query = f'testColl.definition.update({{\n  name: "{name}",\n}})\n'
        assert conflict(db, query) == [f"The identifier `{name}` is reserved."]
        assert ok(db, f"Collection.all().where(.name == {escape(name)}).count()") == 0


def test_static_environment_conflicts_collection_realias(db):
    """can't update a collection alias to conflict with top level fauna provided module"""
    mk_coll(db, "testColl")
    for name in RESERVED:
        query = f'testColl.definition.update({{\n  alias: "{name}",\n}})\n'
        assert conflict(db, query) == [f"The identifier `{name}` is reserved."]
        assert not alias_exists(db, name)


def test_static_environment_conflicts_udf_name(db):
    """can't create a udf conflicting with a top level fauna provided module"""
    for name in RESERVED:
        query = f"Function.create({{\n  name: \"{name}\",\n  body: 'x => x'\n}})\n"
        assert conflict(db, query) == [f"The identifier `{name}` is reserved."]


def test_static_environment_conflicts_udf_alias(db):
    """can't create a udf alias that conflicts with a top level fauna provided module"""
    for name in RESERVED:
        query = f"Function.create({{\n  name: \"Hello\",\n  alias: \"{name}\",\n  body: 'x => x'\n}})\n"
        assert conflict(db, query) == [f"The identifier `{name}` is reserved."]


def test_static_environment_conflicts_udf_rename(db):
    """can't update a udf to conflict with a top level fauna provided module"""
    mk_function(db, "testUdf")
    for name in RESERVED:
        query = f'testUdf.definition.update({{\n  name: "{name}",\n}})\n'
        assert conflict(db, query, typecheck=False) == [f"The identifier `{name}` is reserved."]
        assert ok(db, f"Function.all().where(.name == {escape(name)}).count()") == 0


# -- "existing collection name conflicts" ---------------------------------------------------------------

HELLO_COLL = ["A Collection already exists with the name `Hello`"]


def test_two_collections_same_name_same_query(db):
    """create / two collections with the same name can't be created in the same query"""
    assert conflict(db, 'Collection.create({ name: "Hello" })\nCollection.create({ name: "Hello" })') == HELLO_COLL


def test_two_collections_same_name_and_alias_same_query(db):
    """create / two collections with the same name and alias can't be created in the same query"""
    query = 'Collection.create({ name: "Hello" })\nCollection.create({ name: "Hello2", alias: "Hello" })'
    assert conflict(db, query) == HELLO_COLL


def test_collection_name_taken_by_collection_name(db):
    """create / can't create a collection with the same name as an existing collection name"""
    mk_coll(db, "TestColl")
    expected = ["A Collection already exists with the name `TestColl`"]
    assert conflict(db, 'Collection.create({ name: "TestColl" })') == expected


def test_udf_name_taken_by_collection_name(db):
    """create / can't create a UDF with the same name as an existing Collection name"""
    mk_coll(db, "Hello")
    assert conflict(db, "Function.create({ name: \"Hello\", body: 'x => x' })") == HELLO_COLL
    assert not exists(db, "Function", "Hello")


def test_udf_alias_taken_by_collection_name(db):
    """create / can't create a UDF with the same alias as an existing Collection name"""
    mk_coll(db, "Hello")
    assert conflict(db, "Function.create({ name: \"NewFunc\", alias: \"Hello\", body: 'x => x' })") == HELLO_COLL
    assert not exists(db, "Function", "Hello")
    assert not exists(db, "Function", "NewFunc")


def test_collection_alias_taken_by_collection_name(db):
    """create / can't create a collection with the same alias as an existing collection name"""
    mk_coll(db, "TestColl")
    expected = ["A Collection already exists with the name `TestColl`"]
    assert conflict(db, 'Collection.create({ name: "KnowName", alias: "TestColl" })') == expected


def test_udf_and_collection_same_name_same_query(db):
    """create / conflicting UDF name can not be created in same query as Collection name"""
    query = 'Collection.create({ name: "Hello" })\nFunction.create({ name: "Hello", body: \'(x) => "Hello #{x}"\' })'
    assert conflict(db, query) == HELLO_COLL
    assert not exists(db, "Function", "Hello")


def test_collection_renamed_to_collection_name(db):
    """update / can't update a collection name to conflict with an existing collection name"""
    mk_coll(db, "TestColl")
    mk_coll(db, "TestColl2")
    expected = ["A Collection already exists with the name `TestColl`"]
    assert conflict(db, 'TestColl2.definition.update({ name: "TestColl" })') == expected


def test_udf_renamed_to_collection_name(db):
    """update / can't update a UDF name to conflict with existing collection name"""
    mk_coll(db, "Hello")
    mk_function(db, "Hello2")
    assert conflict(db, 'Hello2.definition.update({ name: "Hello" })', typecheck=False) == HELLO_COLL
    assert exists(db, "Function", "Hello2")
    assert not exists(db, "Function", "Hello")


def test_udf_renamed_to_collection_made_same_query(db):
    """update / can not update a UDF to conflict with Collection created in the same query"""
    mk_function(db, "TestFunc")
    query = 'Collection.create({ name: "Hello" })\nTestFunc.definition.update({ name: "Hello" })'
    assert conflict(db, query, typecheck=False) == HELLO_COLL
    assert exists(db, "Function", "TestFunc")
    assert not exists(db, "Function", "Hello")


# -- "existing collection alias conflicts" --------------------------------------------------------------


def test_collection_name_taken_by_collection_alias(db):
    """create / can't create a collection with the same name as an existing collection alias"""
    mk_coll_with_alias(db, "TestColl")
    expected = ["A Collection already exists with the alias `TestColl`"]
    assert conflict(db, 'Collection.create({ name: "TestColl" })') == expected


def test_collection_alias_taken_by_collection_alias(db):
    """create / can't create a collection with the same alias as an existing collection alias"""
    mk_coll_with_alias(db, "TestAlias")
    expected = ["A Collection already exists with the alias `TestAlias`"]
    assert conflict(db, 'Collection.create({ name: "TestColl", alias: "TestAlias" })') == expected


def test_udf_name_taken_by_collection_alias(db):
    """create / can't create a UDF with the same name as an existing collection alias"""
    mk_coll_with_alias(db, "TestAlias")
    expected = ["A Collection already exists with the alias `TestAlias`"]
    assert conflict(db, "Function.create({ name: \"TestAlias\", body: 'x => x' })") == expected


def test_udf_alias_taken_by_collection_alias(db):
    """create / can't create a UDF with an alias that matches an existing collection alias"""
    mk_coll_with_alias(db, "TestAlias")
    expected = ["A Collection already exists with the alias `TestAlias`"]
    assert conflict(db, "Function.create({ name: \"NoName\", alias: \"TestAlias\", body: 'x => x' })") == expected


def test_collection_name_taken_by_collection_alias_same_query(db):
    """create / can't create a collection with the same name as an existing collection alias in the same query"""
    query = 'Collection.create({ name: "KnowName", alias: "AliasName" })\nCollection.create({ name: "AliasName" })'
    assert conflict(db, query) == ["A Collection already exists with the alias `AliasName`"]


def test_collection_realiased_to_collection_alias(db):
    """update / can't update a collection name to conflict with an existing collection alias"""
    mk_coll_with_alias(db, "TestColl")
    mk_coll(db, "TestColl2")
    expected = ["A Collection already exists with the alias `TestColl`"]
    assert conflict(db, 'TestColl2.definition.update({ alias: "TestColl" })') == expected


# -- "existing udf name conflicts" ----------------------------------------------------------------------

HELLO_FN = ["A Function already exists with the name `Hello`"]


def test_collection_name_taken_by_udf_name(db):
    """create / can't create a collection with the same name as an existing udf name"""
    mk_function(db, "Hello")
    assert conflict(db, 'Collection.create({ name: "Hello" })') == HELLO_FN
    assert not exists(db, "Collection", "Hello")


def test_udf_name_taken_by_udf_name(db):
    """create / can't create a UDF with the same name as an existing UDF name"""
    mk_function(db, "Hello")
    assert conflict(db, "Function.create({ name: \"Hello\", body: 'x => x' })") == HELLO_FN


def test_udf_alias_taken_by_udf_name(db):
    """create / can't create a UDF with the same alias as an existing udf name"""
    mk_function(db, "Hello")
    assert conflict(db, "Function.create({ name: \"KnowName\", alias: \"Hello\", body: 'x => x' })") == HELLO_FN


def test_collection_alias_taken_by_udf_name(db):
    """create / can't create a collection with the same alias as an existing udf name"""
    mk_function(db, "Hello")
    assert conflict(db, 'Collection.create({ name: "KnowName", alias: "Hello" })') == HELLO_FN


def test_collection_and_udf_same_name_same_query(db):
    """create / conflicting collection name can not be created in same query as udf name"""
    query = 'Function.create({ name: "Hello", body: \'(x) => "Hello #{x}"\' })\nCollection.create({ name: "Hello" })'
    assert conflict(db, query) == HELLO_FN
    assert not exists(db, "Collection", "Hello")


def test_collection_alias_and_udf_name_same_query(db):
    """create / conflicting collection alias with udf name can not be created in same query"""
    query = (
        'Function.create({ name: "Hello", body: \'(x) => "Hello #{x}"\' })\n'
        'Collection.create({ name: "NewName", alias: "Hello" })'
    )
    assert conflict(db, query) == HELLO_FN
    assert not exists(db, "Collection", "Hello")
    assert not exists(db, "Collection", "NewName")


def test_two_udfs_same_name_same_query(db):
    """create / two UDFs with the same name can not be created in the same query"""
    query = (
        "Function.create({ name: \"Hello\", body: '(x) => x + 1' })\n"
        'Function.create({ name: "Hello", body: \'(x) => "Hello #{x}"\' })'
    )
    assert conflict(db, query) == HELLO_FN


def test_collection_renamed_to_udf_name(db):
    """update / can't update a collection name to conflict with existing udf name"""
    mk_function(db, "Hello")
    mk_coll(db, "Hello2")
    assert conflict(db, 'Hello2.definition.update({ name: "Hello" })') == HELLO_FN
    assert exists(db, "Collection", "Hello2")
    assert not exists(db, "Collection", "Hello")


def test_udf_renamed_to_udf_name(db):
    """update / can't update a UDF name to conflict with an existing UDF name"""
    mk_function(db, "Hello")
    mk_function(db, "Hello2")
    assert conflict(db, 'Hello2.definition.update({ name: "Hello" })', typecheck=False) == HELLO_FN


def test_collection_renamed_to_udf_made_same_query(db):
    """update / can not update collection name to conflict with a UDF name created in the same query"""
    mk_coll(db, "TestColl")
    query = 'Function.create({ name: "Hello", body: \'(x) => "Hello #{x}"\' })\nTestColl.definition.update({ name: "Hello" })'
    assert conflict(db, query) == HELLO_FN
    assert exists(db, "Collection", "TestColl")
    assert not exists(db, "Collection", "Hello")


# -- "existing udf alias conflicts" ---------------------------------------------------------------------

TEST_ALIAS_FN = ["A Function already exists with the alias `TestAlias`"]


def test_collection_name_taken_by_udf_alias(db):
    """create / can't create a collection with the same name as an existing udf alias"""
    mk_function(db, "Hello", "TestAlias")
    assert conflict(db, 'Collection.create({ name: "TestAlias" })') == TEST_ALIAS_FN
    assert not exists(db, "Collection", "TestAlias")


def test_collection_alias_taken_by_udf_alias(db):
    """create / can't create a collection with the same alias as an existing udf alias"""
    mk_function(db, "Hello", "TestAlias")
    assert conflict(db, 'Collection.create({ name: "KnowName", alias: "TestAlias" })') == TEST_ALIAS_FN
    assert not alias_exists(db, "TestAlias")


def test_udf_name_taken_by_udf_alias(db):
    """create / can't create a UDF with the same name as an existing UDF alias"""
    mk_function(db, "Hello", "TestAlias")
    assert conflict(db, "Function.create({ name: \"TestAlias\", body: 'x => x' })") == TEST_ALIAS_FN
    assert not exists(db, "Function", "TestAlias")


def test_udf_alias_taken_by_udf_alias(db):
    """create / can't create a UDF with the same alias as an existing UDF alias"""
    mk_function(db, "Hello", "TestAlias")
    query = "Function.create({ name: \"KnowName\", alias: \"TestAlias\", body: 'x => x' })"
    assert conflict(db, query) == TEST_ALIAS_FN


def test_udf_name_taken_by_udf_alias_same_query(db):
    """create / can't create a UDF with the same name as an existing UDF alias in the same query"""
    query = (
        "Function.create({ name: \"KnowName\", alias: \"TestAlias\", body: 'x => x' })\n"
        "Function.create({ name: \"TestAlias\", body: 'x => x' })"
    )
    assert conflict(db, query) == TEST_ALIAS_FN


def test_collection_realiased_to_udf_alias(db):
    """update / can't update a collection name to conflict with existing udf alias"""
    mk_function(db, "Hello", "TestAlias")
    mk_coll(db, "Hello2")
    assert conflict(db, 'Hello2.definition.update({ alias: "TestAlias" })') == TEST_ALIAS_FN
    assert exists(db, "Collection", "Hello2")
    assert not alias_exists(db, "TestAlias")


# -- "migration use cases - having previously existing conflicting entities" ----------------------------


def test_existing_conflicting_collections_can_still_be_updated(db):
    """existing conflicting collections can still be updated"""
    v4(db, 'CreateCollection({ name: "Collection" })')
    ok(db, 'Collection.byName("Collection")!.update({ history_days: 20 })')
    assert ok(db, 'Collection.byName("Collection")!.history_days') == 20


def test_existing_conflicting_collections_can_be_used_with_an_alias(db):
    """existing conflicting collections can be used with an alias"""
    v4(db, 'CreateCollection({ name: "Collection" })')
    ok(db, 'Collection.byName("Collection")!.update({ alias: "NewColl" })')
    ok(db, "NewColl.definition.update({ history_days: 20 })")
    assert ok(db, 'Collection.byName("Collection")! { name, alias, history_days }') == {
        "name": "Collection",
        "alias": "NewColl",
        "history_days": 20,
    }


def test_existing_conflicting_udfs_can_still_be_updated(db):
    """existing conflicting udfs can still be updated"""
    v4_function(db, "Function")
    ok(db, "Function.byName(\"Function\")!.update({ body: 'x => x' })")
    assert ok(db, 'Function.byName("Function")!.body') == "x => x"


def test_existing_conflicting_udfs_can_still_be_used_with_alias(db):
    """existing conflicting udfs can still be used with alias"""
    v4_function(db, "Function")
    ok(db, "Function.byName(\"Function\")!.update({ alias: 'FuncAlias', body: 'x => x' })")
    ok(db, "FuncAlias.definition.update({ body: 'x => x + 1' })", typecheck=False)
    assert ok(db, "FuncAlias(2)") == 3


def test_existing_udf_conflicting_with_a_collection_name_can_still_be_updated(db):
    """existing udf conflicting with a collection name can still be updated"""
    mk_coll(db, "TestColl")
    v4_function(db, "TestColl")
    ok(db, "Function.byName(\"TestColl\")!.update({ body: 'x => x' })")
    assert ok(db, 'Function.byName("TestColl")!.body') == "x => x"


@pytest.mark.parametrize("module", [m for m in GLOBAL_MODULES if m != "FQL"])
def test_all_global_modules_are_available_under_fql_prefix(db, module):
    """All global modules are available under FQL prefix"""
    assert ok(db, f"FQL.{module}") is not None


def test_collection_function_role_are_available_under_fql_prefix(db):
    """Collection, Function, Role are available under FQL prefix"""
    mk_coll(db, "TestColl")
    mk_function(db, "TestFunc")
    assert ok(db, "FQL.Collection.all().paginate().data.map(.name)") == ["TestColl"]
    assert ok(db, "FQL.Function.all().paginate().data.map(.name)") == ["TestFunc"]
    role = 'FQL.Role.create({ name: "aRole", privileges: { resource: "TestColl", actions: {} } }).name'
    assert ok(db, role) == "aRole"
    provider = ok(
        db,
        'FQL.AccessProvider.create({ name: "anAccessProvider", issuer: "https://fauna2.auth0.com", '
        f'jwks_uri: "{JWKS}", roles: [{{ role: "aRole", predicate: \'arg => true\' }}] }}).name',
    )
    assert provider == "anAccessProvider"
    assert ok(db, 'AccessProvider.byName("anAccessProvider")!.name') == "anAccessProvider"


# -- "global name conflict precedence" ------------------------------------------------------------------

SHADOWED = [m for m in GLOBAL_MODULES if m not in ("Bytes", "UUID")]


@pytest.mark.parametrize("module", SHADOWED)
def test_fauna_modules_take_precedence_over_collections(module):
    """Fauna provided modules take precedence over Collections with the same name (each module)"""
    db = app_database()
    v4(db, f"CreateCollection({{ name: {escape(module)} }})")
    builtin = ok(app_database(), module)
    assert ok(db, module) == builtin


def test_fauna_modules_take_precedence_over_collections_listing(db):
    """Fauna provided modules take precedence over Collections with the same name (Collection itself)"""
    v4(db, 'CreateCollection({ name: "Collection" })')
    mk_coll(db, "TestColl")
    mk_coll(db, "TestColl2")
    assert ok(db, "Collection") == "Collection"
    assert ok(db, "Collection.all().paginate().data.map(.name)") == ["Collection", "TestColl", "TestColl2"]


@pytest.mark.parametrize("module", SHADOWED)
def test_fauna_modules_take_precedence_over_udfs(module):
    """Fauna provided modules take precedence over UDFs with the same name (each module)"""
    db = app_database()
    v4_function(db, module)
    builtin = ok(app_database(), module)
    assert ok(db, module) == builtin


def test_fauna_modules_take_precedence_over_udfs_listing(db):
    """Fauna provided modules take precedence over UDFs with the same name (Function itself)"""
    v4_function(db, "Function")
    mk_function(db, "TestFunction")
    mk_function(db, "TestFunction2")
    assert ok(db, "Function") == "Function"
    assert ok(db, "Function.all().paginate().data.map(.name)") == ["Function", "TestFunction", "TestFunction2"]


def test_collection_names_take_precedence_over_function_names(db):
    """Collection names take precedence over function names"""
    ok(db, "Function.create({ name: \"CollFunc\", body: 'x => x' })")
    # A UDF (core: FQLXUserFunction, a NativeFunc) in the simple format: `[function name()]`.
    assert ok(db, "CollFunc") == "[function CollFunc()]"
    v4(db, 'CreateCollection({ name: "CollFunc" })')
    assert ok(db, "CollFunc") == "CollFunc"


def test_invalid_identifiers_are_disallowed(db):
    """invalid identifiers are disallowed"""
    for name in ("foobar", "FooBar", "Foo3", "foo_bar"):
        mk_coll(db, name)
    for name in ("", "3", "foo bar", "$blah"):
        body = err(db, f"Collection.create({{ name: {escape(name)} }})")
        assert body["error"]["code"] == "constraint_failure"
        assert body["error"]["constraint_failures"] == [{"paths": [["name"]], "message": "Invalid identifier."}]


# -- "type environment" ---------------------------------------------------------------------------------


def schema_error(query: str, rows: list[tuple[str, str, tuple[int, int, int]]]) -> str:
    """core's failureMessage for an invalid_schema error: one entry per (field, name, (line, column, width))
    that conflicts."""
    lines = query.split("\n")
    out = ["Invalid database schema update."]
    for field, name, (row, col, width) in rows:
        number = str(row)
        pad = " " * len(number)
        out += [
            f"    error: The collection {field} `{name}` generates types that conflict with the following existing "
            "types: AuthorCollection",
            f"    at *query*:{row}:{col}",
            f"    {pad} |",
            f"    {number} | {lines[row - 1]}",
            f"    {pad} | {' ' * (col - 1)}{'^' * width}",
            f"    {pad} |",
        ]
    return "\n".join(out)


def schema_failure(db, query: str) -> str:
    body = err(db, query)
    assert body["error"]["code"] == "invalid_schema", body
    return body["error"]["message"]


def argument_span(query: str, call: str) -> tuple[int, int]:
    """The 1-based column and width of the argument list `(...)` after `call`."""
    start = query.index(call) + len(call)
    return start + 1, len(query) - start


@pytest.mark.parametrize("typechecked", [True, False])
@pytest.mark.parametrize(
    "existing", ['Collection.create({name: "Author"})', 'Collection.create({name: "TestColl", alias: "Author"})']
)
@pytest.mark.parametrize(
    ("query", "field", "name"),
    [
        ('Collection.create({name: "AuthorCollection"})', "name", "AuthorCollection"),
        ('Collection.create({name: "TestColl2", alias: "AuthorCollection"})', "alias", "AuthorCollection"),
    ],
)
def test_type_env_conflicts_with_derived_types_of_existing_collection(typechecked, existing, query, field, name):
    """type environment / disallows creating of collections that cause type name conflicts with derived types
    of existing collection"""
    db = app_database(typechecked)
    ok(db, existing)
    column, width = argument_span(query, "Collection.create")
    assert schema_failure(db, query) == schema_error(query, [(field, name, (1, column, width))])


@pytest.mark.parametrize("typechecked", [True, False])
@pytest.mark.parametrize(
    "existing",
    ['Collection.create({name: "AuthorCollection"})', 'Collection.create({name: "TestColl", alias: "AuthorCollection"})'],
)
@pytest.mark.parametrize(
    ("query", "field", "name"),
    [
        ('Collection.create({name: "Author"})', "name", "Author"),
        ('Collection.create({name: "TestColl2", alias: "Author"})', "alias", "Author"),
    ],
)
def test_type_env_conflicts_with_derived_types_of_new_collection(typechecked, existing, query, field, name):
    """type environment / disallows conflicts with derived types of a new collection"""
    db = app_database(typechecked)
    ok(db, existing)
    column, width = argument_span(query, "Collection.create")
    assert schema_failure(db, query) == schema_error(query, [(field, name, (1, column, width))])


@pytest.mark.parametrize("typechecked", [True, False])
@pytest.mark.parametrize(
    "existing", ['Collection.create({name: "Author"})', 'Collection.create({name: "TestColl", alias: "Author"})']
)
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ('TestColl2.definition.update({name: "AuthorCollection"})', "name"),
        ('TestColl2.definition.update({alias: "AuthorCollection"})', "alias"),
    ],
)
def test_type_env_existing_collections_cannot_be_updated_to_conflict(typechecked, existing, query, field):
    """type environment / existing collections can not be updated to conflict with the type environment"""
    db = app_database(typechecked)
    mk_coll(db, "TestColl2")
    ok(db, existing)
    column, width = argument_span(query, ".update")
    assert schema_failure(db, query) == schema_error(query, [(field, "AuthorCollection", (1, column, width))])


@pytest.mark.parametrize("typechecked", [True, False])
def test_type_env_conflicting_collections_in_one_query(typechecked):
    """type environment / collections that create a conflicting type environment cannot be created in the same
    query"""
    db = app_database(typechecked)
    query = '\nCollection.create({ name: "Author" })\nCollection.create({ name: "AuthorCollection" })\n'
    rows = [("name", "Author", (2, 18, 20)), ("name", "AuthorCollection", (3, 18, 30))]
    assert schema_failure(db, query) == schema_error(query, rows)


@pytest.mark.parametrize("typechecked", [True, False])
def test_type_env_existing_conflicting_collections_can_be_updated(typechecked):
    """type environment / existing collections that conflict with the type environment can be updated"""
    db = app_database(typechecked)
    mk_coll(db, "Author")
    v4(db, 'CreateCollection({ name: "AuthorCollection" })')
    ok(db, '\nCollection.byName("AuthorCollection")!.update({\n  alias: "AuthorColl"\n})\n')
    assert ok(db, 'Collection.byName("AuthorCollection")! { name, alias }') == {
        "name": "AuthorCollection",
        "alias": "AuthorColl",
    }


def test_type_env_existing_conflicting_collections_usable_untypechecked(db):
    """type environment / existing collections that conflict with the type environment can be used when
    typechecking is disabled"""
    mk_coll(db, "Author")
    v4(db, 'CreateCollection({ name: "AuthorCollection" })')
    made = ok(db, "\nAuthorCollection.create({}).id\n")
    assert ok(db, "\nAuthor\nAuthorCollection.all().first()!.id\n", typecheck=False) == made


def test_constructors_find_user_definitions_a_module_shadows(db):
    """`Collection(name)` and `Function(name)` look among user collections and functions alone (core's
    UserCollectionCompanion.lookup and UserFunction.lookup), so a v4 collection named `Math` is found,
    though the bare name `Math` is the module; and neither finds the other kind."""
    v4(db, 'CreateCollection({ name: "Math" })')
    v4(db, 'CreateFunction({ name: "Time", body: Query(Lambda("x", Var("x"))) })')
    assert ok(db, "Collection('Math').all().count()") == 0
    assert ok(db, "Math.PI") > 3
    assert ok(db, "Function('Time')(3)") == 3
    assert err(db, "Collection('Time')")["error"]["message"] == "invalid argument `collection`: No such user collection `Time`."
