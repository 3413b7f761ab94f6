"""Core's WriteFunctionsSpec and BasicFormsSpec cases a fixture file cannot hold: validation failures, refs
into child databases, queries in wire JSON, other callers' secrets and concurrent queries.

Skipped: BasicFormsSpec "composes with paginate" selects a set event's `instance`, its API 2.1 name (API 4
calls it `document`, as core_writes.fql's At cases read it), and "quote" has no shell form (core's `quote`
returns its argument unevaluated; see test_quote_and_object); WriteFunctionsSpec "move_database" is in
tests/test_move_database.py."""

from __future__ import annotations

import threading
import typing as t

import pytest

import fql
from fql.auth.credentials import TEST_PARAMS
from fql.wire.v4 import from_json
from fql.wire.v4 import to_json as v4_json
from tests.helpers import query_error as error

UNREADABLE = "Cannot read reference."
SCOPED = "Reference cannot be scoped."


@pytest.fixture
def db() -> fql.Database:
    database = fql.connect()
    database.query('CreateCollection({name: "spells"})')
    database.query('CreateDatabase({name: "sub"})')
    database.query('CreateCollection({name: "spells"})', secret="secret:sub:admin")
    database.query('Create(Ref(Collection("spells"), "1"), {data: {}})', secret="secret:sub:admin")
    database.query('CreateDatabase({name: "sub2"})', secret="secret:sub:admin")
    database.query('CreateCollection({name: "spells"})', secret="secret:sub/sub2:admin")
    return database


def failures(db: fql.Database, text: str, secret: str | None = None, position: list | None = None) -> list:
    err = error(db, text, secret)
    assert (err.code, err.description, list(err.position)) == (
        "validation failed",
        "document data is not valid.",
        position or [],
    ), text
    return [(f["field"], f["code"], f["description"]) for f in err.failures]


@pytest.mark.parametrize(
    "text",
    [
        'Create(Collection("spells"), {data: {foo: 1, bar: Collection("foofoo")}})',
        'Update(Ref(Collection("spells"), "1"), {data: {foo: 1, bar: Index("foofoo")}})',
        'Replace(Ref(Collection("spells"), "1"), {data: {foo: 1, bar: Database("nodb")}})',
        'Insert(Ref(Collection("spells"), "1"), 1, "create", {data: {foo: 1, bar: Ref(Collection("foofoo"), "1")}})',
    ],
)
def test_validates_references(db, text):
    db.query('Create(Ref(Collection("spells"), "1"), {})')
    assert failures(db, text) == [(["data", "bar"], "invalid reference", UNREADABLE)]


def test_errors_with_arrays_indicate_indexes(db):
    text = 'CreateRole({name: "r", privileges: [{resource: Collection("coll0")}, {resource: Collection("coll1")}]})'
    assert failures(db, text) == [
        (["privileges", "0", "resource"], "invalid reference", UNREADABLE),
        (["privileges", "1", "resource"], "invalid reference", UNREADABLE),
    ]


def test_a_key_for_a_database_of_another_database_is_refused(db):
    # core's "invalid refs" (insert): keys name a database of their own database only
    text = 'CreateKey({role: "server", database: Database("sub2", Database("sub"))})'
    assert failures(db, text) == [(["database"], "invalid reference", SCOPED)]
    text = 'CreateKey({role: "server", database: Database("sub")})'
    assert failures(db, text, "secret:sub:admin") == [(["database"], "invalid reference", UNREADABLE)]



@pytest.mark.parametrize("verb", ["Insert", "Remove"])
def test_history_writes_to_a_ref_naming_nothing_are_invalid_refs(db, verb):
    # WriteFunctionsSpec "insert" / "invalid refs", "remove" / "invalid refs": the spec's database ref, read
    # with that database's own key, names nothing there; the ref fails as an argument, before the natives
    # check ("rejects natives" refuses the same ref from the parent, where it names a database).
    inside = "secret:sub:admin"
    err = error(db, f'{verb}(Database("sub"), 1, "create")', inside)
    assert (err.code, err.description, list(err.position)) == (
        "invalid ref",
        "Ref refers to undefined database 'sub'",
        [verb.lower()],
    )
    err = error(db, f'{verb}(Database("sub"), 1, "create")')
    assert (err.code, err.description, list(err.position)) == (
        "invalid argument",
        f"Cannot {verb.lower()} event for specified ref.",
        [],
    )
    err = error(db, f'{verb}(Ref(Collection("nope"), "1"), 1, "create")')
    assert (err.code, err.description, list(err.position)) == (
        "invalid ref",
        "Ref refers to undefined collection 'nope'",
        [verb.lower()],
    )


def test_inserting_a_key_for_a_database_naming_nothing(db):
    # WriteFunctionsSpec "insert" / "invalid refs": a key's version naming a database its database lacks
    text = 'Insert(Ref("keys/1"), 1, "create", {role: "server", database: Database("sub")})'
    assert failures(db, text, "secret:sub:admin") == [(["database"], "invalid reference", UNREADABLE)]

@pytest.mark.parametrize(
    "text, at",
    [
        ('Create(Collection("spells", Database("sub")), {data: {foo: "bar"}})', "create"),
        ('Create(Collections(Database("sub")), {name: "x"})', "create"),
        ('Update(Ref(Collection("spells", Database("sub")), "1"), {data: {foo: "bar"}})', "update"),
        ('Replace(Ref(Collection("spells", Database("sub")), "1"), {data: {foo: "bar"}})', "replace"),
        ('Delete(Ref(Collection("spells", Database("sub")), "123"))', "delete"),
        ('Insert(Ref(Collection("spells", Database("sub")), "1"), 1, "create", {data: {}})', "insert"),
        ('Remove(Ref(Collection("spells", Database("sub")), "123"), 1, "create")', "remove"),
    ],
)
def test_rejects_scoped_refs(db, text, at):
    for secret in (None, "secret:server"):
        err = error(db, text, secret)
        expected = ("invalid argument", "Cannot write a scoped ref.", [at])
        assert (err.code, err.description, list(err.position)) == expected


@pytest.mark.parametrize(
    "text, at",
    [
        ('Update(Ref(Collection("spells", Database("sub")), "1"), {data: {bar: Collection("foofoo")}})', "update"),
        ('Replace(Ref(Collection("spells", Database("sub")), "1"), {data: {bar: Collection("foofoo")}})', "replace"),
        ('Insert(Ref(Collection("spells", Database("sub")), "1"), 1, "create", {data: {bar: Collection("foofoo")}})', "insert"),
        ('Insert(Collections(Database("sub")), 1, "create", {data: {bar: Collection("foofoo")}})', "insert"),
    ],
)
def test_a_scoped_ref_and_bad_params_refs_are_both_reported(db, text, at):
    # WriteFunctions.scala: AbstractUpdateFunction and InsertVersionFunction answer InvalidScopedRef at their
    # key together with RefValidator's failures at the call.
    err = error(db, text)
    assert (err.code, err.description, list(err.position)) == ("invalid argument", "Cannot write a scoped ref.", [at])
    [refs] = err.siblings
    assert (refs.code, list(refs.position)) == ("validation failed", [])
    assert [(f["field"], f["description"]) for f in refs.failures] == [(["data", "bar"], UNREADABLE)]


@pytest.mark.parametrize("verb", ["Insert", "Remove"])
def test_history_writes_check_the_scope_before_what_the_ref_names(db, verb):
    # InsertVersionFunction / RemoveVersionFunction: the ref's database first, then "Cannot ... event".
    err = error(db, f'{verb}(Ref(Keys(Database("sub")), "1"), 1, "create")')
    assert (err.code, err.description, list(err.position)) == (
        "invalid argument",
        "Cannot write a scoped ref.",
        [verb.lower()],
    )


def test_an_insert_asks_for_permission_before_it_validates(db):
    # WriteAdaptor.insertVersion: permQ comes first in its parT, the validator's patch after.
    db.query('Create(Ref(Collection("spells"), "1"), {})')
    err = error(db, 'Insert(Ref(Collection("spells"), "1"), 1, "create", {data: 5})', "secret:client")
    assert (err.code, list(err.position)) == ("permission denied", [])


@pytest.mark.parametrize(
    "text, at",
    [
        ('Create(Collection("spells"), {data: 5})', ["create"]),
        ('Create(Ref(Collection("spells"), "2"), {data: 5})', ["create"]),
        ('Update(Ref(Collection("spells"), "1"), {data: 5})', []),
        ('Replace(Ref(Collection("spells"), "1"), {data: 5})', []),
    ],
)
def test_writes_ask_for_permission_before_they_validate(db, text, at):
    # WriteAdaptor.create checks the caller's right (and a given id's freedom) before its write validates
    # the fields; WriteAdaptor.update checks the write permission before its write does.
    db.query('Create(Ref(Collection("spells"), "1"), {})')
    err = error(db, text, "secret:client")
    assert (err.code, list(err.position)) == ("permission denied", at)


@pytest.mark.parametrize("verb", ["Update", "Replace"])
def test_schema_writes_ask_for_permission_before_the_body_check(db, verb):
    # WriteAdaptor.update: checkWritePermission before UserFunctionWriteConfig.write refuses a v10 body.
    db.query('CreateFunction({name: "f", body: Query(Lambda("x", 1))})')
    err = error(db, f'{verb}(Function("f"), {{body: "x => 2"}})', "secret:client")
    assert (err.code, list(err.position)) == ("permission denied", [])


def test_a_create_finds_its_id_taken_before_it_validates(db):
    db.query('Create(Ref(Collection("spells"), "1"), {})')
    err = error(db, 'Create(Ref(Collection("spells"), "1"), {data: 5})')
    assert (err.code, err.description, list(err.position)) == (
        "instance already exists",
        "Document already exists.",
        ["create"],
    )


def test_an_insert_reads_its_params_refs_before_what_the_ref_names(db):
    # InsertVersionFunction: RefValidator's errs come before the InvalidInsertRefArgument match.
    text = 'Insert(Collection("spells"), 1, "create", {data: {bar: Collection("foofoo")}})'
    assert failures(db, text) == [(["data", "bar"], "invalid reference", UNREADABLE)]


def test_stored_refs_must_not_be_scoped(db):
    inside = "secret:sub:admin"
    db.query('Update(Ref(Collection("spells"), "1"), {data: {foo: "baz"}})', secret=inside)
    theirs = 'Ref(Collection("spells", Database("sub2")), "123")'
    for text in (
        f'Create(Collection("spells"), {{data: {{foo: 1, bar: {theirs}}}}})',
        f'Update(Ref(Collection("spells"), "1"), {{data: {{foo: 1, bar: {theirs}}}}})',
        f'Insert(Ref(Collection("spells"), "1"), 1, "create", {{data: {{foo: 1, bar: {theirs}}}}})',
    ):
        assert failures(db, text, inside) == [(["data", "bar"], "invalid reference", SCOPED)]
    # A child database itself is a document of this database, and may be stored.
    stored = db.query('Create(Collection("spells"), {data: {db: Database("sub2")}})', secret=inside)
    assert stored["data"]["db"] == db.query('Database("sub2")', secret=inside)


def test_reserved_names_are_reserved_name_failures(db):
    # core's Parsing.ReservedNames is `_` alone
    found = failures(db, 'CreateClass({name: "_"})', position=["create_class"])
    assert found[0] == (["name"], "reserved name", "Invalid name _. Reserved names: _.")


# BasicFormsSpec's wire-JSON cases (the spec sends JSON): variables are checked as core parses the query.


def _lambda_x_adding(left: t.Any, right: t.Any) -> dict:
    return {"lambda": "x", "expr": {"add": [left, right]}}


def _database_ref(name: str) -> dict:
    return {"@ref": {"id": name, "collection": {"@ref": {"id": "databases"}}}}


def wire_error(db: fql.Database, data: t.Any) -> tuple:
    with pytest.raises(fql.FQLError) as caught:
        db.run(from_json(data))
    err = caught.value
    return err.code, err.description, list(err.position)


@pytest.mark.parametrize(
    "data, position",
    [
        ({"let": {}, "in": {"var": "bad"}}, ["in"]),
        ({"let": {}, "in": {"if": True, "then": "was true", "else": {"var": "bad"}}}, ["in", "else"]),
        ({"let": {}, "in": {"add": [2, {"var": "bad"}]}}, ["in", "add", 1]),
        ({"let": {}, "in": {"object": {"x": {"var": "bad"}}}}, ["in", "object", "x"]),
        ({"at": {"time": "now"}, "expr": {"var": "bad"}}, ["expr"]),
        ({"at": {"var": "bad"}, "expr": 3}, ["at"]),
        ({"do": [{"var": "bad"}]}, ["do", 0]),
        ({"map": _lambda_x_adding({"var": "x"}, 2), "collection": [1, {"var": "bad"}]}, ["collection", 1]),
        ({"map": _lambda_x_adding({"var": "x"}, {"var": "bad"}), "collection": [1, 2]}, ["map", "expr", "add", 1]),
    ],
)
def test_rejects_unbound_free_variables(db, data, position):
    assert wire_error(db, data) == ("invalid expression", "Variable 'bad' is not defined.", position)


def test_let_allows_backrefs_and_disallows_forward_refs(db):
    assert db.run(from_json({"let": {"x": 3, "y": {"var": "x"}}, "in": {"var": "y"}})) == 3
    data = {"let": {"y": {"var": "x"}, "x": 3}, "in": {"var": "y"}}
    assert wire_error(db, data) == ("invalid expression", "Variable 'x' is not defined.", ["let", "y"])
    data = {"let": {"x": 4}, "in": {"var": 4}}
    assert wire_error(db, data) == ("invalid expression", "String expected, Integer provided.", ["in", "var"])


def test_do_cannot_be_empty(db):
    assert wire_error(db, {"do": []}) == ("invalid expression", "Expression list cannot be empty.", ["do"])


def test_another_parse_failure_comes_before_unbound_variables(db):
    # core stops at a function written where a Lambda must be, and never reports the variable
    err = error(db, 'Filter([1], Var("f"))')
    assert (err.code, list(err.position)) == ("invalid expression", ["filter"])
    assert err.description == "No form/function found, or invalid argument keys: { var }."


def test_quote_and_object(db):
    quoted = {"quote": {"age": {"add": [-1, -1, 5]}}}
    assert db.run(from_json(quoted)) == {"age": {"add": [-1, -1, 5]}}
    assert db.run(from_json({"object": {"age": {"add": [-1, -1, 5]}}})) == {"age": 3}
    assert db.run(from_json({"object": {"add": [-1, -1, 5]}})) == {"add": [-1, -1, 5]}


def test_set_literals_in_the_oldest_match_spelling(db):
    # BasicForms21Spec "@set" - "returns itself" and "quote" - "returns the unevaluted form of expr": the
    # spec's aMatchSet is `{"match": 1, "index": Ref("indexes/foo")}`, which core's `@set` reads as Match
    # (Parser.scala, the `sets` router's "match", "index" case), evaluated or quoted.
    db.query('CreateIndex({name: "foo", source: Collection("spells"), terms: [{field: ["data", "foo"]}], values: [{field: ["data", "bar"]}]})')
    db.query('Do(Create(Collection("spells"), {data: {foo: 1, bar: 2}}), Create(Collection("spells"), {data: {foo: 1, bar: 1}}))')
    oldest = {"@set": {"match": 1, "index": {"@ref": "indexes/foo"}}}
    assert db.run(from_json(oldest)) == db.query('Match(Index("foo"), 1)')
    assert db.run(from_json({"quote": oldest})) == db.query('Match(Index("foo"), 1)')
    assert db.run(from_json({"equals": [{"quote": oldest}, oldest]})) is True
    assert db.run(from_json({"paginate": oldest})).data == [1, 2]
    assert db.run(from_json({"paginate": {"quote": oldest}})).data == [1, 2]
    # A quoted set is kept as sent: one naming no index fails as Match's index cast fails, not in Python.
    bad = {"paginate": {"quote": {"@set": {"match": 1, "terms": 2}}}}
    assert wire_error(db, bad)[:2] == ("invalid argument", "Identifier expected, Integer provided.")


@pytest.mark.parametrize(
    "data, position",
    [
        ({"@set": {}}, []),
        ({"@set": {"foo": 1}}, []),
        ({"@set": {"match": {"@ref": "indexes/spells"}, "index": "x", "terms": 1}}, []),
        ({"paginate": {"@set": {"documents": {"@ref": "classes/spells"}, "x": 1}}}, ["paginate"]),
        ({"quote": {"@set": {"foo": 1}}}, ["quote"]),
        ({"quote": {"x": [{"@set": {"union": [], "x": 1}}]}}, ["quote", "x", 0]),
    ],
)
def test_a_set_literal_of_no_set_form_is_an_invalid_set(db, data, position):
    # Core parses `@set`, quoted or not, with its `sets` router (Parser.scala EscapesParser): keys naming no
    # set form are InvalidSetExpr where the escape is (BasicForms21Spec "@set", "quote").
    assert wire_error(db, data) == ("invalid expression", "Invalid set.", position)


@pytest.mark.parametrize(
    "data, value",
    [
        ({"@ts": "1970-01-01T00:00:00Z"}, "1970-01-01T00:00:00Z"),
        ({"@ts": "1970-01-01T00:00:00+00:00"}, "1970-01-01T00:00:00Z"),
        ({"@ts": "-999999999-01-01T00:00:00Z"}, "-999999999-01-01T00:00:00Z"),
        ({"@ts": "9999-12-31T23:59:59.999999999Z"}, "9999-12-31T23:59:59.999999999Z"),
        ({"@date": "1970-01-01"}, "1970-01-01"),
    ],
)
def test_time_and_date_literals_return_themselves(db, data, value):
    assert v4_json(db.run(from_json(data))) == {next(iter(data)): value}


@pytest.mark.parametrize(
    "data, description",
    [
        ({"@ts": "Thu, 1 Jan 1970 00:00:00 GMT"}, "Invalid time."),
        # java.time's years: at most 999999999, and a sign before more than four digits
        ({"@ts": "-1000000000-01-01T00:00:00Z"}, "Invalid time."),
        ({"@ts": "99999-12-31T23:59:59.999999999Z"}, "Invalid time."),
        ({"@date": "19700101"}, "Invalid date."),
    ],
)
def test_bad_time_and_date_literals(db, data, description):
    assert wire_error(db, data) == ("invalid expression", description, [])


def test_get_reads_the_native_collections_of_a_child_database(db):
    # ReadFunctionsSpec "native" - "by class name": visible from the enclosing database
    first = db.query('Get(Collections(Database("sub")))')
    assert first["ref"] == db.query('Collection("spells", Database("sub"))')
    # From inside `sub`, core's ref literal (what its spec sends) names a database `sub` there is not.
    literal = {"get": {"@ref": {"id": "collections", "database": _database_ref("sub")}}}
    with pytest.raises(fql.FQLError) as caught:
        db.run(from_json(literal), secret="secret:sub:admin")
    err = caught.value
    expected = ("invalid ref", "Ref refers to undefined database 'sub'", ["get"])
    assert (err.code, err.description, list(err.position)) == expected


def test_a_ref_object_naming_no_native_collection(db):
    # ReadFunctionsSpec "with invalid identifiers cannot be accessed": core's parser wraps the ref's error
    data = {"get": {"@ref": {"id": "nope", "database": _database_ref("sub")}}}
    assert wire_error(db, data) == (
        "invalid expression",
        "Valid native collection name expected, 'nope' provided.",
        ["get", "id"],
    )
    data = {"get": {"@ref": {"id": "collections", "database": _database_ref("nope")}}}
    assert wire_error(db, data) == ("invalid ref", "Ref refers to undefined database 'nope'", ["get"])


def test_self_ref_literals(db):
    # BasicFormsSpec "self ref behaviors": a ref literal's `self` is the caller's token, credentials or
    # identity; one the caller does not name is `invalid expression` / "Invalid ref." where it is written.
    user = db.query('Create(Collection("spells"), {credentials: {password: "1234"}})')["ref"]
    token = db.query(f'Login({fql.to_fql(user)}, {{password: "1234"}})')
    secret = token["secret"]

    def run(data: t.Any, secret: str | None = None) -> t.Any:
        return db.run(from_json(data), secret=secret)

    assert run({"@ref": "tokens/self"}, secret) == token["ref"]
    creds = run({"@ref": "credentials/self"}, secret)
    assert creds.collection == db.query("Credentials()")
    assert run({"@ref": "classes/spells/self"}, secret) == user
    assert run({"@ref": "classes/spells/self"}, f"secret:@doc/spells/{user.id}") == user
    invalid = ("invalid expression", "Invalid ref.", [])
    texts = ("databases/self", "index/self", "classes/self", "keys/self", "tokens/self", "credentials/self")
    for text in (*texts, "classes/123/self"):
        assert wire_error(db, {"@ref": text}) == invalid, text
    with pytest.raises(fql.FQLError) as caught:
        run({"@ref": "classes/self"}, secret)
    assert caught.value.description == "Invalid ref."
    with pytest.raises(fql.FQLError) as caught:
        run({"@ref": "tokens/self"}, f"secret:@doc/spells/{user.id}")
    assert caught.value.description == "Invalid ref."
    other = db.query('Create(Collection("spells"), {})')["ref"]
    made = db.query(f"Create(Tokens(), {{instance: {fql.to_fql(other)}}})")
    assert run({"@ref": "tokens/self"}, made["secret"]) == made["ref"]
    with pytest.raises(fql.FQLError) as caught:
        run({"@ref": "credentials/self"}, made["secret"])
    assert (caught.value.code, list(caught.value.position)) == ("invalid expression", [])


MAP, TIME = "Invalid type Long, expected type Map.", "Invalid type Long, expected type Time."


@pytest.mark.parametrize(
    "text, position",
    [
        ('Create(Collection("spells"), {ttl: 5, constraints: 5, data: 5})', ["create"]),
        ('Update(Ref(Collection("spells"), "1"), {ttl: 5, constraints: 5, data: 5})', []),
        ('Replace(Ref(Collection("spells"), "1"), {ttl: 5, constraints: 5, data: 5})', []),
        ('Insert(Ref(Collection("spells"), "1"), 1, "create", {ttl: 5, constraints: 5, data: 5})', []),
    ],
)
def test_a_write_reports_every_field_of_the_wrong_type(db, text, position):
    # Core's Validator.patch collects every validator's failures (storage doc/Validator.scala), in the
    # order of Document.VersionValidator's: data, constraints, ttl.
    db.query('Create(Ref(Collection("spells"), "1"), {})')
    assert failures(db, text, position=position) == [
        (["data"], "invalid type", MAP),
        (["constraints"], "invalid type", MAP),
        (["ttl"], "invalid type", TIME),
    ]


def test_a_bad_password_is_reported_before_the_fields(db):
    # The password validator's failures are its patch's, which Validator.patch puts before the data's
    # (UserDocumentWriteConfig.liveValidator: Document.LiveValidator + the password validator).
    text = 'Create(Collection("spells"), {data: 5, credentials: {password: 5}})'
    assert failures(db, text, position=["create"]) == [
        (["credentials", "password"], "invalid type", "Invalid type Long, expected type String."),
        (["data"], "invalid type", MAP),
    ]


def test_a_user_document_keeps_its_constraints_object(db):
    # Document.VersionValidator selects `constraints` with `data` and `ttl` (a DataMapValidator), for a
    # user document's every v4 write: kept without its nulls, merged by Update, gone after a Replace
    # that does not give it, and not stored at all when left empty.
    db.query('CreateCollection({name: "kept", history_days: 100000})')
    doc = db.query('Create(Ref(Collection("kept"), "7"), {data: {a: 1}, constraints: {b: 2, n: null}})')
    assert (doc["data"], doc["constraints"]) == ({"a": 1}, {"b": 2})
    doc = db.query('Update(Ref(Collection("kept"), "7"), {constraints: {b: null, c: 3}})')
    assert doc["constraints"] == {"c": 3}
    assert "constraints" not in db.query('Update(Ref(Collection("kept"), "7"), {constraints: {c: null}})')
    db.query('Update(Ref(Collection("kept"), "7"), {constraints: {d: 4}})')
    assert db.query('Select("constraints", Get(Ref(Collection("kept"), "7")))') == {"d": 4}
    assert "constraints" not in db.query('Replace(Ref(Collection("kept"), "7"), {data: {a: 1}})')
    db.query('Insert(Ref(Collection("kept"), "7"), 5, "create", {constraints: {e: 5}})')
    assert db.query('Select("constraints", Get(Ref(Collection("kept"), "7"), 5))') == {"e": 5}


def test_replacing_a_key_with_a_bad_secret(db):
    # WriteFunctionsSpec "keys with a bad secret"
    key = db.query('CreateKey({role: "server", database: Database("sub")})')
    ref = fql.to_fql(key["ref"])
    text = f'Replace({ref}, {{role: "server", database: Database("sub"), secret: "badsecret"}})'
    assert failures(db, text) == [(["secret"], "invalid secret", "Invalid secret at `List(secret)`")]
    # its own secret is a good one, and stays valid
    db.query(f'Replace({ref}, {{role: "server", database: Database("sub"), secret: "{key["secret"]}"}})')
    assert db.query("Add(1, 1)", secret=key["secret"]) == 2


@pytest.mark.parametrize(
    "data, value",
    [
        ({"select": ["a"], "from": {"object": {"a": 1}}, "all": True}, [1]),
        ({"select": "a", "from": [{"object": {"a": 1}}, {"object": {"a": 2}}], "all": True}, [1, 2]),
        ({"select": ["a"], "from": {"object": {"b": 1}}, "all": True, "default": 5}, []),
        ({"select": ["a"], "from": {"object": {"b": 1}}, "default": 5, "all": False}, 5),
        ({"select": ["a"], "from": {"object": {"a": 1}}, "all": False}, 1),
    ],
)
def test_select_takes_all(db, data, value):
    # BasicFormsSpec "select" - "handle optional arguments": v4's select form takes `all` and `default`
    assert db.run(from_json(data)) == value


def test_select_all_must_be_a_boolean(db):
    data = {"select": ["a"], "from": {"object": {"a": 1}}, "all": 3}
    assert wire_error(db, data) == ("invalid argument", "Boolean expected, Integer provided.", ["all"])


@pytest.mark.parametrize("action", ["update", "create"])
def test_history_writes_keep_the_index_view(db, action):
    # WriteFunctionsSpec "event insert for ... / event remove for ... should maintain correct index view"
    db.query('CreateIndex({name: "by_foo", source: Collection("spells"), terms: [{field: ["data", "foo"]}]})')

    def count(value: str) -> int:
        return db.query(f'Count(Match(Index("by_foo"), "{value}"))')

    d0 = db.query('Create(Collection("spells"), {data: {foo: "first"}})')
    ref = fql.to_fql(d0["ref"])
    d1 = db.query(f'Update({ref}, {{data: {{foo: "second"}}}})')
    db.query(f'Insert({ref}, {d1["ts"]}, "{action}", {{data: {{foo: "third"}}}})')
    assert (count("third"), count("second"), count("first")) == (1, 0, 0)
    d3 = db.query(f'Update({ref}, {{data: {{foo: "fourth"}}}})')
    db.query(f'Update({ref}, {{data: {{foo: "fifth"}}}})')
    db.query(f'Remove({ref}, {d3["ts"]}, "{action}")')
    assert (count("fifth"), count("fourth"), count("third")) == (1, 0, 0)


def test_a_removed_update_leaves_one_index_entry(db):
    # WriteFunctionsSpec "event remove with following update should only show one index match result"
    db.query(
        'CreateIndex({name: "by_foo", source: Collection("spells"), terms: [{field: ["data", "foo"]}], '
        'values: [{field: ["data", "bar"]}]})'
    )
    d0 = db.query('Create(Collection("spells"), {data: {foo: "A", bar: "barA"}})')
    ref = fql.to_fql(d0["ref"])
    d1 = db.query(f'Update({ref}, {{data: {{foo: "B"}}}})')
    db.query(f'Update({ref}, {{data: {{foo: "A", bar: "barB"}}}})')
    assert db.query(f'Remove({ref}, {d1["ts"]}, "update")') is None
    assert db.query('Select("data", Paginate(Match(Index("by_foo"), "A")))') == ["barB"]


def test_reads_own_inserts_within_a_transaction(db):
    # WriteFunctionsSpec "can read own inserts within transaction"
    db.query('CreateIndex({name: "by_foo", source: Collection("spells"), terms: [{field: ["data", "foo"]}]})')
    made = db.query(
        'Let({id: Ref(Collection("spells"), NewId())}, Do('
        'Insert(Var("id"), TimeAdd(Now(), -10, "seconds"), "create", {data: {foo: 1}}), '
        'Insert(Var("id"), TimeAdd(Now(), -9, "seconds"), "delete")))'
    )
    then = made["ts"] - 1_000_000
    assert db.query(f'Select("data", Paginate(Match(Index("by_foo"), 1), {{ts: {then}}}))') == [made["document"]]
    assert db.query('Select("data", Paginate(Match(Index("by_foo"), 1)))') == []


def test_reads_from_a_child_database(db):
    # ReadFunctionsSpec "can read from sub scopes", "in a sub scope, returns true if a document exists"
    theirs = 'Ref(Collection("spells", Database("sub")), "1")'
    assert db.query(f'Select("ref", Get({theirs}))') == db.query(theirs)
    assert db.query(f'Select("ref", Get({theirs}, Now()))') == db.query(theirs)
    assert db.query(f"Exists({theirs})") is True
    assert db.query(f'Exists({theirs}, TimeAdd(Now(), -10, "seconds"))') is False


def test_a_query_writes_select_back_as_core_does(db):
    # BasicFormsSpec "select" - "handle optional arguments": `all` before `default`
    select = {"select": "x", "from": {"var": "x"}, "default": "default", "all": True}
    found = v4_json(db.run(from_json({"query": {"lambda": "x", "expr": select}})))["@query"]["expr"]
    assert list(found.items()) == [("select", "x"), ("from", {"var": "x"}), ("all", True), ("default", "default")]
    select = {"select": "x", "from": {"var": "x"}, "default": "default"}
    found = v4_json(db.run(from_json({"query": {"lambda": "x", "expr": select}})))["@query"]["expr"]
    assert list(found) == ["select", "from", "default"]


def test_exists_is_false_for_a_document_the_caller_may_not_read(db):
    # ReadFunctionsSpec "exists": true if a document exists at `ts` and the reader has permission to see it
    user = db.query('Create(Collection("spells"), {credentials: {password: "pw"}})')["ref"]
    secret = db.query(f'Login({fql.to_fql(user)}, {{password: "pw"}})')["secret"]
    doc = fql.to_fql(db.query('Create(Collection("spells"), {data: {}})')["ref"])
    assert db.query(f"Exists({doc})") is True
    assert db.query(f"Exists({doc})", secret=secret) is False
    err = error(db, f"Get({doc})", secret)
    assert (err.code, list(err.position)) == ("permission denied", [])


@pytest.mark.parametrize(
    "query, field", [("CreateCollection({})", "name"), ('CreateIndex({name: "i"})', "source")]
)
def test_a_missing_schema_field_is_core_s_value_required(query, field):
    # Core renders every ValueRequired failure as "Required value not found." (Renderable).
    with pytest.raises(fql.FQLError) as caught:
        fql.connect().query(query)
    assert caught.value.failures == [
        {"field": [field], "code": "value required", "description": "Required value not found."}
    ]


def test_updates_are_serial():
    # WriteFunctionsSpec "update" / "are serial": 50 concurrent read-then-increment queries each count once
    db = fql.connect()
    db.query('CreateCollection({name: "counters"})')
    db.query('Create(Ref(Collection("counters"), "1"), {data: {count: 0}})')
    incr = (
        'Let({count: Select(["data", "count"], Get(Ref(Collection("counters"), "1")))}, '
        'Update(Ref(Collection("counters"), "1"), {data: {count: Add(Var("count"), 1)}}))'
    )
    failed: list[Exception] = []

    def run() -> None:
        try:
            db.query(incr)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            failed.append(exc)

    threads = [threading.Thread(target=run) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failed == []
    assert db.query('Select(["data", "count"], Get(Ref(Collection("counters"), "1")))') == 50


def test_a_user_without_privileges_cannot_create():
    # WriteFunctionsSpec / WriteFunctionsV27Spec "create" - "create a document of the collection referred to
    # by collection_ref, using params_object": a logged-in user with no role is refused at the call
    db = fql.connect(argon2=TEST_PARAMS)
    db.query('CreateCollection({name: "users"})')
    db.query('CreateCollection({name: "spells"})')
    db.query('Create(Ref(Collection("users"), "1"), {credentials: {password: "sekrit"}})')
    token = db.query('Login(Ref(Collection("users"), "1"), {password: "sekrit"})')["secret"]
    err = error(db, 'Create(Collection("spells"), {data: {name: "Thunder", element: "air", cost: 15}})', token)
    assert (err.code, err.description, list(err.position)) == (
        "permission denied",
        "Insufficient privileges to perform the action.",
        ["create"],
    )
    assert db.query('Count(Documents(Collection("spells")))') == 0
