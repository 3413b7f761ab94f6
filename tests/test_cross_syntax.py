"""One database, two syntaxes: what one writes the other reads, updates and logs in with."""

from __future__ import annotations

import pytest

import fql
from fql.auth.credentials import TEST_PARAMS
from fql.values import Document, Ref
from tests.helpers import query_v10 as v10


@pytest.fixture
def db():
    db = fql.connect(argon2=TEST_PARAMS)
    db.query('Collection.create({ name: "People", indexes: { byEmail: { terms: [{ field: ".email" }] } } })', syntax="v10")
    return db


def test_a_v10_document_is_a_v4_document_with_data(db):
    doc = v10(db, 'People.create({ id: "1", email: "a@x", name: "Ann" })')
    assert isinstance(doc, Document) and doc.id == "1" and dict(doc) == {"email": "a@x", "name": "Ann"}
    got = db.query('Get(Ref(Collection("People"), "1"))')
    assert got["data"] == {"email": "a@x", "name": "Ann"} and got["ts"] == doc.ts.micros


def test_v4_writes_are_read_and_updated_in_v10(db):
    db.query('Create(Ref(Collection("People"), "2"), {data: {email: "b@x", tags: ["x"]}})')
    assert v10(db, 'People.byId("2")!.tags') == ["x"]
    v10(db, 'People.byId("2")!.update({ name: "Bo" })')
    assert db.query('Select(["data", "name"], Get(Ref(Collection("People"), "2")))') == "Bo"


def test_a_v4_index_covers_documents_written_in_v10(db):
    db.query('CreateIndex({name: "people_by_name", source: Collection("People"), terms: [{field: ["data", "name"]}]})')
    v10(db, 'People.create({ id: "3", name: "Cy" })')
    assert db.query('Select(["data", 0], Paginate(Match(Index("people_by_name"), "Cy")))') == Ref(
        "3", Ref("People", Ref("collections"))
    )


def test_a_v10_index_covers_documents_written_in_v4(db):
    db.query('Create(Ref(Collection("People"), "4"), {data: {email: "d@x"}})')
    assert v10(db, 'People.byEmail("d@x").first()!.id') == "4"


def test_v4_login_of_a_user_with_v10_credentials(db):
    v10(db, 'let p = People.create({ id: "5", email: "e@x" })\nCredential.create({ document: p, password: "pw" })')
    token = db.query('Login(Ref(Collection("People"), "5"), {password: "pw"})')
    assert db.query("CurrentIdentity()", secret=token["secret"]) == Ref("5", Ref("People", Ref("collections")))
    # v10 reads the identity through a role that takes it in (core's baseline alone does not).
    v10(db, 'Role.create({ name: "reader", membership: { resource: "People" }, privileges: { resource: "People", actions: { read: true } } })')
    assert v10(db, "Query.identity()!.email", secret=token["secret"]) == "e@x"


def test_v10_login_of_a_user_with_v4_credentials(db):
    db.query('Create(Ref(Collection("People"), "6"), {credentials: {password: "pw"}, data: {email: "f@x"}})')
    token = v10(db, 'Credential.byDocument(People.byId("6"))!.login("pw")')
    assert token.data["secret"].startswith("fn")
    assert db.query("CurrentIdentity()", secret=token.data["secret"]).id == "6"
    with pytest.raises(fql.FQLError) as info:
        v10(db, 'Credential.byDocument(People.byId("6"))!.login("wrong")')
    assert info.value.v10_code == "invalid_secret"


def test_seed_004_token_create_shape(db):
    v10(db, 'People.create({ id: "372696914650464289", name: "Ann" })')
    token = v10(db, 'Token.create({ document: People.byId("372696914650464289") })')
    text = fql.render.to_fql10(token)
    assert text.startswith('{ id: "') and ", coll: Token, ts: Time(\"" in text
    assert 'document: People("372696914650464289"), secret: "fn' in text
    # The secret is shown once: later reads do not have it.
    assert v10(db, f'Token.byId("{token.id}")!.secret') is None
    assert db.query(f'Select("instance", Get(Ref(Tokens(), "{token.id}")))').id == "372696914650464289"


def test_v4_call_runs_a_function_defined_in_v10():
    # core's FQL2UserFunctionSpec: Call of a v10 UDF from FQL v4.
    db = fql.connect()
    db.query('Function.create({ name: "doubleFunc", body: "x => x * 2" })', syntax="v10")
    db.query('Function.create({ name: "add", body: "(a, b) => a + b" })', syntax="v10")
    assert db.query('Call("doubleFunc", 10)') == 20
    assert db.query('Call(Function("add"), [1, 2])') == 3


def test_v4_call_with_a_lone_null_gives_one_null_argument():
    # Core's CallE passes `arguments` as they came (a missing key is `[]`) and LambdaWrapper.v4ToV10Args
    # makes anything but an array one argument: `Call("f", null)` calls a v10 `x => x` with null and gives
    # a v10 `() => 1` one argument too many; a v4 `Lambda([], 1)` refuses the null (InvalidLambdaArity).
    db = fql.connect()
    db.query('Function.create({ name: "same", body: "x => x" })', syntax="v10")
    db.query('Function.create({ name: "one", body: "() => 1" })', syntax="v10")
    db.query('CreateFunction({ name: "one4", body: Query(Lambda([], 1)) })')
    assert db.query('[Call("same", null), Call("one"), Call("one", [])]') == [None, 1, 1]
    with pytest.raises(fql.FQLError) as caught:
        db.query('Call("one", null)')
    assert caught.value.to_dict() == {
        "position": [],
        "code": "transaction aborted",
        "description": "callee function expects no arguments, but 1 was provided.",
    }
    with pytest.raises(fql.FQLError) as caught:
        db.query('Call("one4", null)')
    assert [cause.description for cause in caught.value.cause] == ["Lambda expects an array with 0 elements. Array contains 1."]


def test_a_call_predicate_gets_a_lone_null_argument():
    # Core's CallFunction hands the predicate Call's arguments as they came: a v4 predicate's one name
    # gets the null, a v10 predicate's one parameter too (v4ToV10Args); no arguments are `[]`, none.
    db = fql.connect()
    db.query('CreateFunction({ name: "f", body: Query(Lambda("x", "ran")) })')
    db.query('CreateRole({ name: "v4", privileges: [{ resource: Function("f"), actions: { call: Query(Lambda("args", Equals(Var("args"), null))) } }] })')
    db.query('Role.create({ name: "v10", privileges: [{ resource: "f", actions: { call: "x => x == null" } }] })', syntax="v10")
    for role in ("v4", "v10"):
        key = db.query(f'CreateKey({{ role: Role("{role}") }})')["secret"]
        assert db.query('Call("f", null)', secret=key) == "ran"
        for denied in ('Call("f")', 'Call("f", 1)'):
            with pytest.raises(fql.FQLError) as caught:
                db.query(denied, secret=key)
            assert caught.value.code == "permission denied", (role, denied)


def test_database_settings_are_inherited():
    # core's FQL2QuerySpec: Query.isEnvTypechecked / isEnvProtected read the database's own setting, else
    # its nearest ancestor's; isEnvProtected is for admin secrets only.
    db = fql.connect()
    db.query("Database.create({ name: 'T', typechecked: true, protected: true })", syntax="v10")
    db.query("Database.create({ name: 'Inh' })", secret="secret:T:admin", syntax="v10")
    assert db.query("Query.isEnvTypechecked()", secret="secret:T/Inh:admin", syntax="v10") is True
    # FQL2DatabaseSpec "typechecked flag": true where no database says, a child may turn it off.
    db.query("Database.create({ name: 'Off', typechecked: false })", secret="secret:T:admin", syntax="v10")
    db.query("Database.create({ name: 'Plain' })", syntax="v10")
    assert db.query("Query.isEnvTypechecked()", secret="secret:T/Off:admin", syntax="v10") is False
    assert db.query("Query.isEnvTypechecked()", secret="secret:Plain:admin", syntax="v10") is True
    assert db.query("Query.isEnvProtected()", secret="secret:T/Inh:admin", syntax="v10") is True
    with pytest.raises(fql.FQLError) as caught:
        db.query("Query.isEnvProtected()", secret="secret:T:server", syntax="v10")
    assert caught.value.v10_code == "permission_denied"


def test_a_v4_function_called_from_v10_returns_documents():
    # core's FQL2UserFunctionSpec (api): a v4 function's Create result is a v10 document.
    db = fql.connect()
    db.query('CreateCollection({ name: "Books" })')
    db.query('CreateFunction({ name: "mk", body: Query(Lambda("x", Create(Collection("Books"), { data: { title: Var("x") } }))) })')
    assert db.query('mk("Hamlet").title', syntax="v10") == "Hamlet"
    # FQL4 UDF "correctly adapts documents": with its id and ts.
    assert db.query('let book = mk("Othello"); [book.id != null, book.ts != null]', syntax="v10") == [True, True]


def test_v4_reads_of_a_collection_leave_out_its_migrations(db):
    # core's CollectionIOConfig masks `migrations` from v4 reads; v10 shows them.
    v10(db, 'Collection.create({ name: "A", fields: { x: { signature: "Int" } } }); 1')
    v10(db, 'A.create({ x: 1 }); 1')
    drop_add = [{"drop": {"field": ".x"}}, {"add": {"field": ".z"}}]
    v10(db, 'A.definition.update({ fields: { x: null, z: { signature: "Int", default: "0" } }, migrations: '
            '[{ drop: { field: ".x" } }, { add: { field: ".z" } }] }); 1')
    assert v10(db, "A.definition.migrations") == drop_add
    got = db.query('Get(Collection("A"))')
    assert "migrations" not in got and got["fields"] == {"z": {"signature": "Int", "default": "0"}}
    assert db.query('Contains("migrations", Get(Collection("A")))') is False
    # A v4 update keeps them, as it keeps every v10 field.
    db.query('Update(Collection("A"), {data: {a: 1}})')
    assert v10(db, "A.definition.migrations") == drop_add


def test_a_v4_collection_v10_would_refuse_takes_v4_updates():
    # core runs v10's collection schema on v10 writes only: v4's RetainValidator takes a negative ttl_days,
    # and later v4 updates of the collection are not checked against v10's NonNegativeValidator.
    db = fql.connect()
    db.query('CreateCollection({name: "n", ttl_days: -1})')
    assert db.query('Update(Collection("n"), {data: {x: 1}})')["ttl_days"] == -1
    with pytest.raises(fql.FQLError) as caught:
        db.query('Collection.byName("n")!.update({ data: { y: 2 } })', syntax="v10")
    assert caught.value.failures[0]["description"] == "Non-negative value required."


def test_v10_reads_and_replaces_of_a_v4_key():
    # core's Key schema (NativeCollection.Key) has no `priority` and no wildcard, so v10's getAllFields
    # leaves a v4 key's priority out; a v10 replace keeps only the internal hash (copyInternalFieldMap):
    # a database it does not name is gone, and the key then grants the database it is in.
    db = fql.connect()
    db.query('CreateDatabase({name: "child"})')
    key = db.query('CreateKey({role: "server", database: Database("child"), priority: 5, data: {a: 1}})')
    text = f'Key.byId("{key["ref"].id}")!'
    assert dict(v10(db, text)) == {"role": "server", "database": "child", "data": {"a": 1}}
    assert db.query(f'Get(Ref(Keys(), "{key["ref"].id}"))')["priority"] == 5
    assert dict(v10(db, text + '.replace({ role: "admin" })')) == {"role": "admin"}
    assert db.query('Collection.create({ name: "Here" }).name', secret=key["secret"], syntax="v10") == "Here"
    assert db.query('Exists(Collection("Here"))') is True


def test_v10_updates_of_a_v4_key_with_a_priority():
    # core's SchemaType.validateStruct reads the whole document an update leaves: a v4 key's `priority`,
    # which the Key schema lacks, is unexpected until the update removes it; a replace drops it.
    db = fql.connect()
    key = db.query('CreateKey({role: "server", priority: 5, data: {a: 1}})')
    text = f'Key.byId("{key["ref"].id}")!'
    unexpected = [{"field": ["priority"], "code": "invalid", "description": "Unexpected field provided"}]
    for write in ('.update({ data: { b: 2 } })', '.update({ priority: 5 })', '.replace({ role: "server", priority: 5 })'):
        with pytest.raises(fql.FQLError) as caught:
            v10(db, text + write)
        assert caught.value.failures == unexpected
    assert dict(v10(db, text + '.update({ priority: null, data: { b: 2 } })')) == {"role": "server", "data": {"a": 1, "b": 2}}
    assert dict(v10(db, text + '.update({ data: { c: 3 } })'))["data"] == {"a": 1, "b": 2, "c": 3}
