"""Cases of core's BasicFunctionsSpec that need other secrets than the root's: native collections scoped by
a database the caller cannot see, ContainsValue under a role's read predicate, and wire forms the shell
cannot write (Select's `all`, IsBytes of bytes), and the native collections with a null and with a database
scope as keys of three nested databases see them, and ContainsValue refused by a role. The rest are in
tests/fixtures/v4/core_basics.fql.

Skipped: BasicFunctions21Spec "events contain 'ts', 'action', 'instance'" and BasicForms21Spec's use of
`instance` (API 2.1's name of an event's document; API 4's `document` is tested), 20Spec's "events contain
'ts', 'action', 'resource'" (API 2.0's name), BasicFunctions5Spec (API 5 compares actions as strings; API
4's looser Equals is in the fixture), and BasicFunctionsUnstableSpec (reading through refs exists only in
core's unstable API)."""

from __future__ import annotations

import pytest

import fql
from fql.auth.credentials import TEST_PARAMS
from fql.wire.v4 import from_json
from tests.helpers import query_error as error


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(argon2=TEST_PARAMS)


@pytest.fixture
def keys(db) -> dict:
    """A database `db` (a collection, an index, a function and a role) holding `child`, with admin keys."""
    db.query('CreateDatabase({name: "db"})')
    outer = db.query('CreateKey({database: Database("db"), role: "admin"})')["secret"]
    db.query('CreateDatabase({name: "child"})', secret=outer)
    child = db.query('CreateKey({database: Database("child"), role: "admin"})', secret=outer)["secret"]
    db.query('CreateCollection({name: "cls"})', secret=outer)
    db.query('CreateIndex({name: "idx", source: Collection("cls")})', secret=outer)
    db.query('CreateFunction({name: "fn", body: Query(Lambda("x", Var("x")))})', secret=outer)
    db.query(
        'CreateRole({name: "role", privileges: [{resource: Collection("cls"), actions: {read: true}}]})', secret=outer
    )
    return {"db": outer, "child": child}


# Classes is the pre-2.7 spelling of Collections: a form of its own in core's parser, which casts the
# scope at its own key (`{"classes": ...}`), as faunadb-rust's Classes::from_database writes it.
@pytest.mark.parametrize("native", ["Databases", "Collections", "Classes", "Indexes", "Functions", "Roles", "Keys"])
def test_a_scope_the_caller_cannot_see_is_an_invalid_ref_at_the_constructor(db, keys, native):
    err = error(db, f'Select(["data"], Paginate({native}(Database("db"))))', secret=keys["child"])
    assert (err.code, err.description) == ("invalid ref", "Ref refers to undefined database 'db'")
    assert list(err.position) == ["from", "paginate", native.lower()]


def test_a_scope_lists_that_database_s_documents_as_its_parent_sees_them(db, keys):
    def data(query: str, secret: str | None = None) -> str:
        return fql.to_fql(db.query(f'Select(["data"], Paginate({query}))', secret=secret))

    assert data('Collections(Database("db"))') == '[Collection("cls", Database("db"))]'
    assert data('Databases(Database("db"))') == '[Database("child", Database("db"))]'
    assert data("Databases()", secret=keys["db"]) == '[Database("child")]'
    assert db.query('Select(["data"], Paginate(Databases()))', secret=keys["child"]) == []


def test_contains_value_sees_a_set_through_the_caller_s_role(db, keys):
    secret = keys["db"]
    db.query('CreateIndex({name: "all", source: Collection("cls")})', secret=secret)
    db.query('Create(Ref(Collection("cls"), "1"), {})', secret=secret)
    db.query('Create(Ref(Collection("cls"), "2"), {})', secret=secret)
    db.query(
        'CreateRole({name: "one", privileges: [{resource: Index("all"), actions: {read: true}}, '
        '{resource: Collection("cls"), actions: '
        '{read: Query(Lambda("ref", Equals(Var("ref"), Ref(Collection("cls"), "1"))))}}]})',
        secret=secret,
    )
    role = secret + ":@role/one"
    assert db.query('ContainsValue(Ref(Collection("cls"), "1"), Match(Index("all")))', secret=role) is True
    assert db.query('ContainsValue(Ref(Collection("cls"), "2"), Match(Index("all")))', secret=role) is False


def test_select_all_in_the_wire_form_is_select_all(db):
    obj = {"object": {"data": {"object": {"arr": [1, [2, [3]], 4]}}}}
    assert db.run(from_json({"select": ["data", "arr"], "from": obj, "default": [], "all": True})) == [1, 2, 3, 4]
    assert db.run(from_json({"select": ["data", "foo"], "from": obj, "all": True})) == []
    assert db.run(from_json({"select": ["data"], "from": obj, "all": True})) == [{"arr": [1, [2, [3]], 4]}]
    assert db.run(from_json({"select": ["data", "foo"], "from": obj, "all": False, "default": 7})) == 7
    err = error_of(db, {"select": ["data"], "from": obj, "all": 3})
    assert (err.code, err.description) == ("invalid argument", "Boolean expected, Integer provided.")
    assert list(err.position) == ["all"]


def test_is_bytes(db):
    assert db.run(from_json({"is_bytes": {"@bytes": "AQIDBA=="}})) is True
    assert db.run(from_json({"is_bytes": "AQIDBA=="})) is False


def error_of(db: fql.Database, query: dict) -> fql.FQLError:
    with pytest.raises(fql.FQLError) as caught:
        db.run(from_json(query))
    return caught.value


# ObjectFunctionsSpec "merge" / "errors": core checks every argument before failing and its envelope has an
# error for each bad one; the lambda in wire JSON that is no form at all is an invalid expression.
def test_merge_reports_every_bad_argument(db):
    both = error(db, 'Merge("x", "y")')
    assert both.v4_errors() == [
        {"position": ["merge"], "code": "invalid argument", "description": "Object expected, String provided."},
        {"position": ["with"], "code": "invalid argument", "description": "Object expected, String provided."},
    ]
    elements = error(db, 'Merge({}, [{}, "str", 10])')
    assert elements.v4_errors() == [
        {"position": ["with", 1], "code": "invalid argument", "description": "Object expected, String provided."},
        {"position": ["with", 2], "code": "invalid argument", "description": "Object expected, Integer provided."},
    ]
    err = error_of(db, {"merge": {"object": {}}, "with": {"object": {}}, "lambda": {"lambda": "invalid lambda"}})
    assert (err.code, err.description, list(err.position)) == (
        "invalid expression",
        "No form/function found, or invalid argument keys: { lambda }.",
        ["lambda"],
    )


@pytest.fixture
def nested(db) -> dict:
    """BasicFunctions21Spec's `rootDB` holding `db` holding `childDB`, with admin keys (each parent's keys for
    its child: server, client, admin); `db` has a collection with a document, an index, a user (its own
    collection, credentials and a token), a role and a function."""
    db.query('CreateDatabase({name: "rootdb"})')
    root = db.query('CreateKey({database: Database("rootdb"), role: "admin"})')["secret"]
    db.query('CreateDatabase({name: "db"})', secret=root)
    for role in ("server", "client"):
        db.query(f'CreateKey({{database: Database("db"), role: "{role}"}})', secret=root)
    inner = db.query('CreateKey({database: Database("db"), role: "admin"})', secret=root)
    db.query('CreateDatabase({name: "child"})', secret=inner["secret"])
    child_keys = {
        role: db.query(f'CreateKey({{database: Database("child"), role: "{role}"}})', secret=inner["secret"])
        for role in ("server", "client", "admin")
    }
    secret = inner["secret"]
    db.query('CreateCollection({name: "cls"})', secret=secret)
    db.query('CreateIndex({name: "idx", source: Collection("cls")})', secret=secret)
    db.query('Create(Ref(Collection("cls"), "1"), {})', secret=secret)
    db.query('CreateCollection({name: "users"})', secret=secret)
    db.query('Create(Ref(Collection("users"), "1"), {credentials: {password: "sekrit"}})', secret=secret)
    token = db.query('Login(Ref(Collection("users"), "1"), {password: "sekrit"})', secret=secret)
    credential = db.query('Get(Ref("credentials/self"))', secret=token["secret"])
    db.query('CreateRole({name: "role", privileges: [{resource: Collection("cls"), actions: {read: true}}]})', secret=secret)
    db.query('CreateFunction({name: "fn", body: Query(Lambda("x", Var("x")))})', secret=secret)
    return {
        "root": root,
        "db": secret,
        "child": child_keys["admin"]["secret"],
        "child_keys": [key["ref"] for key in child_keys.values()],
        "token": token["ref"],
        "credential": credential["ref"],
    }


def test_native_collections_with_null_scope_list_what_the_key_sees(db, nested):
    # BasicFunctions21Spec "ref constructors" - "constructs native classrefs accessors with null scope"
    def data(native: str, who: str) -> str:
        return fql.to_fql(db.query(f'Select(["data"], Paginate({native}()))', secret=nested[who]))

    assert [data("Databases", who) for who in ("root", "db", "child")] == ['[Database("db")]', '[Database("child")]', "[]"]
    assert [data("Collections", who) for who in ("root", "db", "child")] == [
        "[]",
        '[Collection("cls"), Collection("users")]',
        "[]",
    ]
    assert [data("Indexes", who) for who in ("root", "db", "child")] == ["[]", '[Index("idx")]', "[]"]
    assert data("Functions", "db") == '[Function("fn")]'
    for who, database in (("root", "db"), ("db", "child")):
        keys = db.query('Select("data", Map(Paginate(Keys()), Lambda("r", Get(Var("r")))))', secret=nested[who])
        assert len(keys) == 3
        assert {fql.to_fql(key["database"]) for key in keys} == {f'Database("{database}")'}
        assert sorted(key["role"] for key in keys) == ["admin", "client", "server"]
    assert db.query('Select("data", Paginate(Keys()))', secret=nested["child"]) == []
    assert db.query('Select("data", Paginate(Tokens()))', secret=nested["db"]) == [nested["token"]]
    assert db.query('Select("data", Paginate(Credentials()))', secret=nested["db"]) == [nested["credential"]]


def test_native_collections_with_a_database_scope(db, nested):
    # BasicFunctions21Spec "ref constructors" - "constructs native classrefs accessors with DB ref scope"
    def data(native: str, who: str = "root") -> str:
        return fql.to_fql(db.query(f'Select(["data"], Paginate({native}(Database("db"))))', secret=nested[who]))

    assert data("Databases") == '[Database("child", Database("db"))]'
    assert data("Collections") == '[Collection("cls", Database("db")), Collection("users", Database("db"))]'
    assert data("Indexes") == '[Index("idx", Database("db"))]'
    assert data("Functions") == '[Function("fn", Database("db"))]'
    assert data("Roles") == '[Role("role", Database("db"))]'
    keys = db.query('Select(["data"], Paginate(Keys(Database("db"))))', secret=nested["root"])
    assert sorted(fql.to_fql(k) for k in keys) == sorted(
        f'Ref(Keys(Database("db")), "{k.id}")' for k in nested["child_keys"]
    )
    assert data("Tokens") == f'[Ref(Tokens(Database("db")), "{nested["token"].id}")]'
    assert data("Credentials") == f'[Ref(Credentials(Database("db")), "{nested["credential"].id}")]'
    # BasicFunctions20Spec "can extract `id`, `class`, `database` from ref": a scope two databases up
    scoped = 'Collection("cls", Database("db", Database("rootdb")))'
    assert db.query(f'Select(["database", "database", "id"], {scoped})') == "rootdb"
    assert fql.to_fql(db.query(f'Select("database", {scoped})')) == 'Database("db", Database("rootdb"))'
    matched = db.query('Select("data", Paginate(Match(Index("idx", Database("db")))))', secret=nested["root"])
    assert fql.to_fql(matched) == '[Ref(Collection("cls", Database("db")), "1")]'
    for native, who in (
        ("Databases", "db"),
        ("Collections", "child"),
        ("Indexes", "child"),
        ("Functions", "child"),
        ("Roles", "child"),
        ("Keys", "child"),
    ):
        err = error(db, f'Select(["data"], Paginate({native}(Database("db"))))', secret=nested[who])
        assert err.code == "invalid ref"
        assert list(err.position) == ["from", "paginate", native.lower()]


def test_contains_value_of_a_set_the_caller_may_not_read_is_permission_denied(db):
    # BasicFunctions3Spec "contains_value" - "permission denied": a role denying the index refuses the read
    db.query('CreateCollection({name: "users"})')
    db.query('CreateCollection({name: "cls"})')
    db.query('CreateIndex({name: "idx", source: Collection("cls")})')
    db.query('Create(Ref(Collection("users"), "1"), {credentials: {password: "sekrit"}})')
    db.query(
        'CreateRole({name: "denied", membership: [{resource: Collection("users")}], '
        'privileges: [{resource: Index("idx"), actions: {read: false}}]})'
    )
    token = db.query('Login(Ref(Collection("users"), "1"), {password: "sekrit"})')["secret"]
    err = error(db, 'ContainsValue("foo", Match(Index("idx")))', secret=token)
    assert (err.code, err.description, list(err.position)) == (
        "permission denied",
        "Insufficient privileges to perform the action.",
        [],
    )


# ArrayFunctions.scala FilterFunction casts the lambda's results with Casts.ZeroOrMore(Casts.Boolean), which
# gathers an error for every result that is no boolean, each at its element's index.
def test_filter_reports_every_non_boolean_result(db):
    err = error(db, 'Filter([1, true, "a"], Lambda("x", Var("x")))')
    assert err.v4_errors() == [
        {"position": [0], "code": "invalid argument", "description": "Boolean expected, Integer provided."},
        {"position": [2], "code": "invalid argument", "description": "Boolean expected, String provided."},
    ]


# Parser.scala CursorParser's EventCursors casts an event cursor's ts, document and action and collects
# every failure (Parser.collectErrors), in that order.
def test_event_cursor_reports_every_bad_field(db):
    db.query('CreateCollection({name: "ev"})')
    err = error(db, 'Paginate(Events(Collection("ev")), {after: {ts: "x", action: "foo", document: 5}})')
    assert err.v4_errors() == [
        {"position": ["after", "ts"], "code": "invalid argument", "description": "Integer expected, String provided."},
        {"position": ["after", "document"], "code": "invalid argument", "description": "Ref expected, Integer provided."},
        {
            "position": ["after", "action"],
            "code": "invalid argument",
            "description": "String 'create', 'update', or 'delete' expected, String provided.",
        },
    ]


# BasicFunctions.scala RefFunction checks the collection and the id and reports both failures
# (Parser.collectErrors), the collection's first.
def test_ref_reports_collection_and_id_errors(db):
    assert error(db, 'Ref(5, 1.5)').v4_errors() == [
        {"position": ["ref"], "code": "invalid argument", "description": "Collection Ref expected, Integer provided."},
        {"position": ["id"], "code": "invalid argument", "description": "String or Number expected, Double provided."},
    ]
    assert error(db, 'Ref(Collections(), "abc")').v4_errors() == [
        {
            "position": ["ref"],
            "code": "invalid argument",
            "description": "Regular Class Ref expected, Schema Class Ref provided.",
        },
        {
            "position": ["id"],
            "code": "invalid argument",
            "description": "Number or numeric String expected, non-numeric 'abc' provided.",
        },
    ]


# Union, Intersection and Difference cast their arguments with Casts.OneOrMore(Casts.SetOrArray), which
# reports every element that is refused (SetFunctions.scala; Parser.sequence).
def test_set_algebra_reports_every_bad_argument(db):
    assert error(db, 'Intersection([Collection("nope"), 3])').v4_errors() == [
        {"position": ["intersection", 0], "code": "invalid ref", "description": "Ref refers to undefined collection 'nope'"},
        {
            "position": ["intersection", 1],
            "code": "invalid argument",
            "description": "Array, Set, or Page expected, Integer provided.",
        },
    ]


# Casts.Path is a Parser.sequence over the path's steps: every step that is no string or integer is reported.
def test_path_reports_every_bad_step(db):
    assert error(db, 'ContainsPath(["a", true, 2, {}], {})').v4_errors() == [
        {"position": ["contains_path", 1], "code": "invalid argument", "description": "String or Integer expected, Boolean provided."},
        {"position": ["contains_path", 3], "code": "invalid argument", "description": "String or Integer expected, Object provided."},
    ]


# BasicFunctionsSpec "contains_value" / "refs": a ref holds its id, its collection and (outside the caller's
# database) its database.
def test_contains_value_of_a_ref_in_a_child_database(db):
    db.query('CreateDatabase({name: "sub"})')
    sub = db.query('CreateKey({database: Database("sub"), role: "admin"})')["secret"]
    db.query('CreateCollection({name: "c"})', secret=sub)
    ref = 'Ref(Collection("c", Database("sub")), "5")'
    assert db.query(f'ContainsValue(Database("sub"), {ref})') is True
    assert db.query(f'ContainsValue(Collection("c", Database("sub")), {ref})') is True
    assert db.query(f'ContainsValue("5", {ref})') is True
    assert db.query(f'ContainsValue("10", {ref})') is False


# A set the caller may not read is refused where each function reads it: ReadAdaptor.setForRead at
# `pos at verb` (get, exists, first/last through paginate's verb, a fold's own name), ContainsValue at
# the call itself.
@pytest.mark.parametrize(
    ("query", "position"),
    [
        ('Get(Match(Index("hidden_all")))', ["get"]),
        ('Exists(Match(Index("hidden_all")))', ["exists"]),
        ('IsEmpty(Match(Index("hidden_all")))', ["exists"]),
        ('IsNonEmpty(Match(Index("hidden_all")))', ["exists"]),
        ('First(Match(Index("hidden_all")))', ["first"]),
        ('Last(Match(Index("hidden_all")))', ["last"]),
        ('Count(Match(Index("hidden_all")))', ["count"]),
        ('Sum(Match(Index("hidden_all")))', ["sum"]),
        ('Max(Match(Index("hidden_all")))', ["max"]),
        ('Reduce(Lambda(["a", "b"], 1), 0, Match(Index("hidden_all")))', ["reduce"]),
        ('Paginate(Match(Index("hidden_all")))', ["paginate"]),
        ('ContainsValue(1, Match(Index("hidden_all")))', []),
    ],
)
def test_unreadable_set_position(db, query, position):
    db.query('CreateCollection({name: "hidden"})')
    db.query('CreateIndex({name: "hidden_all", source: Collection("hidden")})')
    db.query('Create(Ref(Collection("hidden"), "1"), {})')
    db.query('CreateRole({name: "doc_reader", privileges: [{resource: Collection("hidden"), actions: {read: true}}]})')
    secret = db.query('CreateKey({role: Role("doc_reader")})')["secret"]
    with pytest.raises(fql.FQLError) as caught:
        db.query(query, secret=secret)
    assert (caught.value.code, list(caught.value.position)) == ("permission denied", position)


# SetFunctions.scala checkSets compares each set with the next (`sets.sliding(2)`): every incompatible
# pair is an error of its own.
def test_union_reports_each_incompatible_pair(db):
    db.query('CreateCollection({name: "shapes"})')
    db.query('CreateIndex({name: "by_x_desc", source: Collection("shapes"), values: [{field: ["data", "x"], reverse: true}]})')
    db.query('CreateIndex({name: "all_shapes", source: Collection("shapes")})')
    err = error(db, 'Union(Match(Index("by_x_desc")), Match(Index("all_shapes")), Match(Index("by_x_desc")))')
    clash = {"position": ["union"], "code": "invalid argument", "description": "Sets are not compatible."}
    assert err.v4_errors() == [clash, clash]


# EvalContext evaluates an array's elements (evalList) and an object's fields (evalAlist) all, and
# accumulates every failure: the answer is the failures of them all, in order. Several varargs arguments
# are one array on the wire, and so are evaluated as one.
def test_an_array_reports_every_element_that_fails(db):
    err = error(db, '[Abort("a"), 1, [Add(1, "x"), Abort("b")]]')
    assert [(e["position"], e["description"]) for e in err.v4_errors()] == [
        ([0], "a"),
        ([2, 0, "add", 1], "Number expected, String provided."),
        ([2, 1], "b"),
    ]


def test_an_object_reports_every_field_that_fails(db):
    err = error(db, 'Let({x: {a: Abort("a"), b: 1, c: Abort("c")}}, Var("x"))')
    assert [e["position"] for e in err.v4_errors()] == [["let", "x", "object", "a"], ["let", "x", "object", "c"]]


def test_varargs_report_every_argument_that_fails(db):
    err = error(db, 'Add(Add(1, "a"), 2, Add(1, "b"))')
    assert [e["position"] for e in err.v4_errors()] == [["add", 0, "add", 1], ["add", 2, "add", 1]]


# FilterFunction applies its lambda to every element of an array and sequences the results with
# Parser.sequenceT, which accumulates: each element whose lambda fails is in the answer (Map's and
# Foreach's MonadT sequenceT stop at the first).
def test_filter_reports_every_element_whose_lambda_fails(db):
    err = error(db, 'Filter([1, 2, 3], Lambda("x", If(Equals(Var("x"), 2), true, Abort(ToString(Var("x"))))))')
    assert [(e["position"], e["description"]) for e in err.v4_errors()] == [
        (["filter", "expr", "else"], "1"),
        (["filter", "expr", "else"], "3"),
    ]
    assert len(error(db, 'Map([1, 2], Lambda("x", Abort("m")))').v4_errors()) == 1
