"""Core's v4 TypeCheckFunctionsSpec (ext/api/src/test/scala/queries/TypeCheckFunctionsSpec.scala), case by case:
each `Is...` function's `"works"` case, every value it asserts true of and every value it asserts false of.

The spec's values are restated over one database: `db` is a child database `tdb` (its ref and its version),
and the collection, index, document, function, role, key, token and credentials live in the root database
(the spec makes them inside `db` and queries with its key; the answers are the same). Its Bytes and UUID
values are written in wire JSON, which the shell has no literal for. Nothing is skipped.
"""

from __future__ import annotations

import pytest

import fql
from fql.auth.credentials import TEST_PARAMS
from fql.wire.v4 import from_json

#: Values most `"works"` cases assert false of (core's `3.14`, `10L`, `"a string"`, `JSArray.empty`, `MkObject()`).
SCALARS = ["3.14", "10", '"a string"', "[]", "{}"]
DB = 'Database("tdb")'
DB_VERSION = 'Get(Database("tdb"))'
DOC = 'Ref(Collection("c"), "1")'
IDX = 'Index("i")'
COLL = 'Collection("c")'

#: function: (values it is true of, values it is false of). `{key}`, `{token}` and `{cred}` are the refs made.
CASES: dict[str, tuple[list[str], list[str]]] = {
    "IsNumber": (["10", "3.14"], ['"a string"', "[]", "{}", DB, DB_VERSION]),
    "IsDouble": (["3.14"], ["10", '"a string"', "[]", "{}", DB, DB_VERSION]),
    "IsInteger": (["10"], ["3.14", '"a string"', "[]", "{}", DB, DB_VERSION]),
    "IsBoolean": (["true", "false"], [*SCALARS, DB, DB_VERSION]),
    "IsNull": (["null"], [*SCALARS, DB, DB_VERSION]),
    "IsBytes": ([], [*SCALARS, DB, DB_VERSION]),
    "IsTimestamp": (
        ["Now()", 'Time("1970-01-01T00:00:00Z")', 'Epoch(1, "milliseconds")'],
        ['Date("1970-01-01")', *SCALARS, DB, DB_VERSION],
    ),
    "IsDate": (['Date("1970-01-01")', "ToDate(Now())"], ["Now()", *SCALARS, DB, DB_VERSION]),
    "IsUUID": ([], ["Now()", *SCALARS, DB, DB_VERSION]),
    "IsString": (
        [
            '"a string"',
            f'Select("action", Insert({DOC}, Now(), "create", {{}}))',
            *(
                f'Select("id", {native}())'
                for native in ("Databases", "Collections", "Keys", "Tokens", "Indexes", "Credentials", "Functions", "Roles")
            ),
        ],
        ["Now()", "3.14", "10", "[]", "{}", DB, DB_VERSION],
    ),
    "IsArray": (
        ["[]", "[1, 2, 3]", 'Select("after", Paginate(Match(Index("i")), {size: 1}))'],
        ["Now()", "3.14", "10", '"a string"', "{}", DB, DB_VERSION],
    ),
    "IsObject": (
        [
            "{}",
            '{foo: "bar"}',
            f"Get({COLL})",
            f"Get({IDX})",
            f"Get({DOC})",
            DB_VERSION,
            f"Paginate(Match({IDX}))",
            f'Insert({DOC}, Now(), "create", {{}})',
            f'Select("after", Paginate(Events({DOC}), {{size: 1}}))',
        ],
        ["Now()", "3.14", "10", '"a string"', "[]", DB],
    ),
    "IsRef": (
        [DOC, IDX, COLL, DB, 'Ref(Collection("cls"), "1")'],
        ["Now()", "3.14", "10", '"a string"', "[]", "{}", DB_VERSION],
    ),
    "IsSet": (
        [
            *(f"{native}()" for native in ("Databases", "Collections", "Keys", "Indexes", "Functions", "Roles")),
            f"Match({IDX})",
            f"Events({DOC})",
        ],
        ["Now()", "3.14", "10", '"a string"', "[]", "{}", DB_VERSION],
    ),
    "IsDoc": (
        [DOC, f"Get({DOC})", IDX, f"Get({IDX})", COLL, f"Get({COLL})", DB, DB_VERSION],
        ["Now()", *SCALARS],
    ),
    "IsLambda": (['Query(Lambda("x", Var("x")))'], ["Now()", *SCALARS]),
    "IsCollection": ([COLL, f"Get({COLL})"], [DB, DB_VERSION, IDX, f"Get({IDX})", '"a string"', "[]", "{}", "3.14", "10"]),
    "IsDatabase": ([DB, DB_VERSION], [COLL, f"Get({COLL})", IDX, f"Get({IDX})", '"a string"', "[]", "{}", "3.14", "10"]),
    "IsIndex": ([IDX, f"Get({IDX})"], [COLL, f"Get({COLL})", DB, DB_VERSION, '"a string"', "[]", "{}", "3.14", "10"]),
    "IsFunction": (
        ['Function("f")', 'Get(Function("f"))'],
        [IDX, f"Get({IDX})", COLL, f"Get({COLL})", DB, DB_VERSION, '"a string"', "[]", "{}", "3.14", "10"],
    ),
    "IsKey": (
        ["{key}", "Get({key})"],
        [IDX, f"Get({IDX})", COLL, f"Get({COLL})", DB, DB_VERSION, '"a string"', "[]", "{}", "3.14", "10"],
    ),
    "IsToken": (
        ["{token}", "Get({token})"],
        [IDX, f"Get({IDX})", COLL, f"Get({COLL})", DB, DB_VERSION, '"a string"', "[]", "{}", "3.14", "10"],
    ),
    "IsCredentials": (
        ["{cred}", "Get({cred})"],
        [
            "{token}",
            "Get({token})",
            IDX,
            f"Get({IDX})",
            COLL,
            f"Get({COLL})",
            DB,
            DB_VERSION,
            '"a string"',
            "[]",
            "{}",
            "3.14",
            "10",
        ],
    ),
    "IsRole": (
        ['Role("r")', 'Get(Role("r"))'],
        [COLL, f"Get({COLL})", DB, DB_VERSION, IDX, f"Get({IDX})", '"a string"', "[]", "{}", "3.14", "10"],
    ),
}

PARAMS = [
    pytest.param(fn, value, expected, id=f"{fn}({value})-{expected}")
    for fn, (trues, falses) in CASES.items()
    for expected, values in ((True, trues), (False, falses))
    for value in values
]


@pytest.fixture(scope="module")
def setup() -> tuple[fql.Database, dict[str, str], str]:
    """The database, the refs of the key, token and credentials made (as shell text), and the admin secret
    of `tdb`."""
    db = fql.connect(argon2=TEST_PARAMS)
    db.query('CreateDatabase({name: "tdb"})')
    db.query('CreateCollection({name: "c"})')
    db.query('CreateIndex({name: "i", source: Collection("c"), active: true})')
    db.query('Create(Ref(Collection("c"), "1"), {data: {a: 1}})')
    db.query('Update(Ref(Collection("c"), "1"), {data: {a: 2}})')  # a second event: a page of one has `after`
    db.query('Create(Ref(Collection("c"), "2"), {credentials: {password: "sekret"}})')
    db.query('CreateFunction({name: "f", body: Query(Lambda("x", Var("x")))})')
    db.query('CreateRole({name: "r", privileges: [{resource: Collection("c"), actions: {read: true}}]})')
    key = db.query('CreateKey({database: Database("tdb"), role: "server"})')
    token = db.query('Login(Ref(Collection("c"), "2"), {password: "sekret"})')
    cred = db.query('Get(Ref("credentials/self"))', secret=token["secret"])
    admin = db.query('CreateKey({database: Database("tdb"), role: "admin"})')["secret"]
    refs = {"key": fql.to_fql(key["ref"]), "token": fql.to_fql(token["ref"]), "cred": fql.to_fql(cred["ref"])}
    return db, refs, admin


@pytest.mark.parametrize("fn, value, expected", PARAMS)
def test_works(setup, fn, value, expected):
    # "<is_...>" - "works": one qassert of the case each
    db, refs, _ = setup
    for name, ref in refs.items():
        value = value.replace("{" + name + "}", ref)
    assert db.query(f"{fn}({value})") is expected


def test_is_ref_is_true_of_an_unresolved_ref(setup):
    # "is_ref" - "works": `IsRef(db.refObj)` with the database's own key, where `Database("tdb")` names nothing
    db, _, admin = setup
    assert db.query('IsRef(Database("tdb"))', secret=admin) is True
    assert db.query('Exists(Database("tdb"))', secret=admin) is False


def test_is_bytes_and_is_uuid_of_their_values(setup):
    # "is_bytes" - "works": `IsBytes(Bytes(Array[Byte](1, 2, 3, 4)))`; "is_uuid" - "works": `IsUUID(UUID(...))`
    db, _, _ = setup
    assert db.run(from_json({"is_bytes": {"@bytes": "AQIDBA=="}})) is True
    assert db.run(from_json({"is_uuid": {"@uuid": "0b5f3a52-6c4e-4f0e-9d3a-8f61c2b7e0d4"}})) is True
    assert db.run(from_json({"is_bytes": {"@uuid": "0b5f3a52-6c4e-4f0e-9d3a-8f61c2b7e0d4"}})) is False
    assert db.run(from_json({"is_uuid": {"@bytes": "AQIDBA=="}})) is False
