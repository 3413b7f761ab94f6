"""Access providers: core's validation failures, who may see and change them, their audience, and JWTs."""

from __future__ import annotations

import pytest

import fql
from fql.eval.providers import AUDIENCE_PREFIX, is_https_url
from tests.helpers import query_error as error
from tests.test_auth import DENIED

URI = "https://app.auth0.com/.well-known/jwks.json"


@pytest.fixture
def db() -> fql.Database:
    database = fql.connect()
    database.query('CreateRole({name: "reader", privileges: []})')
    return database


def provider(name: str, issuer: str | None = None, uri: str = URI, extra: str = "") -> str:
    return f'CreateAccessProvider({{name: "{name}", issuer: "{issuer or name}", jwks_uri: "{uri}"{extra}}})'


def _type(provided: str, expected: str) -> str:
    return f"Invalid type {provided}, expected type {expected}."


def failures(db: fql.Database, text: str, secret: str | None = None) -> list[dict]:
    err = error(db, text, secret)
    assert (err.code, err.description) == ("validation failed", "document data is not valid."), err
    return err.failures


def test_missing_fields_are_reported_together(db):
    assert failures(db, "CreateAccessProvider({})") == [
        {"field": [field], "code": "value required", "description": "Required value not found."}
        for field in ("name", "issuer", "jwks_uri")
    ]


def test_types_and_uri(db):
    assert failures(db, 'CreateAccessProvider({name: "p", issuer: 1, jwks_uri: "http://x.example", data: 2})') == [
        {"field": ["issuer"], "code": "invalid type", "description": "Invalid type Long, expected type String."},
        {"field": ["jwks_uri"], "code": "invalid uri", "description": "`http://x.example` is a not valid URI"},
        {"field": ["data"], "code": "invalid type", "description": "Invalid type Long, expected type Map."},
    ]
    assert failures(db, 'CreateAccessProvider({name: "p", issuer: "i", jwks_uri: 1})')[0]["description"] == (
        "Invalid type Long, expected type URI."
    )


@pytest.mark.parametrize(
    "uri, ok",
    [
        (URI, True),
        ("HTTPS://A.EXAMPLE", True),
        ("  https://a.example:8443/keys  ", True),
        ("https:/invalid-uri", True),  # java.net.URL takes it as a path
        ("https: //$abc.auth0.com", True),
        ("https://[::1]:443/keys", True),
        ("url:https://a.example", True),
        ("http://a.example", False),
        ("aUrl", False),
        ("db.fauna.com", False),
        ("https://a.example:port/", False),
        ("https://[::1/keys", False),
        ("", False),
        ("1https://a.example", False),
    ],
)
def test_jwks_uri_as_java_url_reads_it(uri, ok):
    assert is_https_url(uri) is ok


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ('[{predicate: Query(Lambda("x", true))}, {role: 1}]', [(["role"], "value required", "Required value not found.")]),
        ("[{role: 1, predicate: null}]", [(["role"], "invalid type", _type("Long", "Role Ref"))]),
        ('[{role: Collection("c"), predicate: 3}]', [(["role"], "invalid type", _type("Ref", "Role Ref"))]),
        ('[{role: "reader"}]', [(["predicate"], "value required", "Required value not found.")]),
        ('[{role: "reader", predicate: 3}, 5]', [(["predicate"], "invalid type", _type("Long", "Query"))]),
        ('["reader", 5, {role: 1}]', [(["roles"], "invalid type", _type("Long", "Role"))]),
        (
            '[{role: "reader", predicate: "x => true"}, {role: "reader", predicate: "y => true"}]',
            [(["roles", "predicate"], "invalid type", _type("String", "Query"))] * 2,
        ),
        ('[{role: "reader", predicate: "x => true"}, 5]', [(["roles"], "invalid type", _type("Long", "Role"))]),
    ],
)
def test_roles_shapes(db, roles, expected):
    """Core's RolesListFieldType decodes the entries in order and stops at the first that fails (fauna.lang's
    Either `sequence`), and a `{role, predicate}` at its first failing field (RoleFieldType's
    for-comprehension: `role`, a name or a `Role Ref` (RoleIDT), then a required `predicate`); only when
    every entry decodes does RolesFQL4FormatValidator refuse each string predicate, at
    `["roles", "predicate"]` (AccessProvider.scala)."""
    db.query('CreateCollection({name: "c"})')
    found = failures(db, provider("p", extra=f", roles: {roles}"))
    assert [(f["field"], f["code"], f["description"]) for f in found] == expected


def test_roles_must_exist_and_not_be_built_in(db):
    db.query('CreateDatabase({name: "child"})')
    db.query('CreateRole({name: "reader", privileges: []})', secret="secret:child:admin")
    # Refs naming nothing, or another database's role, fail core's reference check (RefValidator, run by
    # every v4 create) before the provider's own.
    text = provider(
        "p",
        extra=', roles: ["admin", Role("nobody"), {role: Role("gone"), predicate: Query(Lambda("x", true))}, '
        'Role("reader", Database("child"))]',
    )
    assert failures(db, text) == [
        {"field": ["roles", "1"], "code": "invalid reference", "description": "Cannot read reference."},
        {"field": ["roles", "2", "role"], "code": "invalid reference", "description": "Cannot read reference."},
        {"field": ["roles", "3"], "code": "invalid reference", "description": "Reference cannot be scoped."},
    ]
    db.query('CreateCollection({name: "reader"})')
    text = provider("p", extra=', roles: ["admin", "ghost", Collection("reader"), "client"]')
    assert failures(db, text) == [
        {"field": ["roles", 2], "code": "invalid type", "description": _type("Ref", "Role")},
        {"field": ["roles"], "code": "validation failure", "description": "Role `ghost` does not exist."},
        {"field": ["roles"], "code": "validation failure", "description": "Builtin role `admin` not allowed."},
        {"field": ["roles"], "code": "validation failure", "description": "Builtin role `client` not allowed."},
    ]


def _v10_error(db: fql.Database, text: str) -> fql.FQLError:
    with pytest.raises(fql.FQLError) as info:
        db.query(text, syntax="v10")
    return info.value


def test_v10_updates_check_roles_after_the_query_and_v4_ones_at_once(db):
    db.query(provider("p"))
    # Core checks a v10 write's roles with the schema, once the query has run, for an update as for a create.
    assert db.query('AccessProvider.byName("p")!.update({ roles: ["soon"] }); Role.create({ name: "soon" }).name', syntax="v10") == "soon"
    err = _v10_error(db, 'AccessProvider.byName("p")!.update({ roles: ["soon", "nobody", "ghost"] })')
    assert err.v10_code == "invalid_schema"
    # Each drawn where main.fsl, as it would stand, names it.
    assert [line for line in err.description.splitlines() if "error:" in line or "at main" in line] == [
        "    error: Role `nobody` does not exist",
        "    at main.fsl:11:8",
        "    error: Role `ghost` does not exist",
        "    at main.fsl:12:8",
    ]
    # Renamed in the same update: checked under its new name; nothing changed.
    err = _v10_error(db, 'AccessProvider.byName("p")!.update({ name: "q", roles: ["nobody"] })')
    assert err.v10_code == "invalid_schema"
    assert db.query('AccessProvider.byName("p")!.roles', syntax="v10") == ["soon"]
    # v4's Update checks them as it writes (core's LiveValidator).
    assert failures(db, 'Update(AccessProvider("p"), {roles: ["nobody"]})') == [
        {"field": ["roles"], "code": "validation failure", "description": "Role `nobody` does not exist."}
    ]


def test_issuer_is_unique_per_database(db):
    db.query(provider("a", "iss"))
    assert failures(db, provider("b", "iss")) == [
        {"field": ["issuer"], "code": "duplicate value", "description": "Value is not unique."}
    ]
    db.query(provider("b", "other"))
    assert failures(db, 'Update(AccessProvider("b"), {issuer: "iss"})')[0]["code"] == "duplicate value"
    # A provider keeps its own issuer through an update, and another database may use it too.
    db.query('Update(AccessProvider("a"), {issuer: "iss", data: {x: 1}})')
    db.query('CreateDatabase({name: "child"})')
    child = db.query('CreateKey({database: Database("child"), role: "admin"})')["secret"]
    db.query(provider("a", "iss"), secret=child)


def test_only_admin_keys_see_or_touch_providers(db):
    db.query(provider("p"))
    for role in ("server", "server-readonly", "client"):
        secret = db.query(f'CreateKey({{role: "{role}"}})')["secret"]
        for text in (provider("q"), 'Get(AccessProvider("p"))', "Paginate(AccessProviders())",
                     'Update(AccessProvider("p"), {data: {}})', 'Delete(AccessProvider("p"))'):
            err = error(db, text, secret)
            assert (err.code, err.description) == ("permission denied", DENIED), (role, text)
    admin = db.query('CreateKey({role: "admin"})')["secret"]
    assert db.query("Count(AccessProviders())", secret=admin) == 1


def test_audience_names_the_database_and_stays(db):
    top = db.query(provider("p"))["audience"]
    assert top.startswith(AUDIENCE_PREFIX) and len(top) > len(AUDIENCE_PREFIX)
    assert db.query(provider("q"))["audience"] == top
    assert db.query('Replace(AccessProvider("p"), {audience: "x"})')["audience"] == top
    db.query('CreateDatabase({name: "child"})')
    db.query('CreateDatabase({name: "dst"})')
    global_id = db.query('Select("global_id", Get(Database("child")))')
    child = db.query('CreateKey({database: Database("child"), role: "admin"})')["secret"]
    audience = db.query(provider("p"), secret=child)["audience"]
    assert audience == AUDIENCE_PREFIX + global_id != top
    # A moved database keeps its global id, so its providers keep their audience.
    db.query('MoveDatabase(Database("child"), Database("dst"))')
    assert db.query('Select("audience", Get(AccessProvider("p")))', secret=child) == audience
    assert db.query('Update(AccessProvider("p"), {data: {}})', secret=child)["audience"] == audience


def test_a_deleted_role_leaves_providers_readable(db):
    db.query(provider("p", extra=', roles: [Role("reader")]'))
    db.query('Delete(Role("reader"))')
    assert db.query('Select("roles", Get(AccessProvider("p")))') == [db.query('Role("reader")')]


def test_a_jwt_no_provider_vouches_for_is_plainly_unauthorized(db):
    # Core gives no reason (tests/test_jwt.py has JWT login itself).
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2FwcC5hdXRoMC5jb20vIn0.c2ln"
    err = error(db, "Add(1, 1)", jwt)
    assert err.code == "unauthorized"
    assert err.description == "Unauthorized"
    assert error(db, "Add(1, 1)", "not.a.jwt").description == "Unauthorized"


def v10_failures(db: fql.Database, text: str) -> tuple[str, list[dict]]:
    """The description and constraint failures of the v10 `text`, run without the static check."""
    with pytest.raises(fql.FQLError) as caught:
        db.run_with_state(fql.parse(text, "v10"), syntax="v10", typecheck=False)
    return caught.value.description, [(f["field"], f["description"]) for f in caught.value.failures]


def test_v10_fields_have_core_schema_types(db):
    # NativeCollection.AccessProvider's schema types, not v4's validation: its missing fields come in the
    # order of validateStruct's mutable.HashMap of them.
    assert v10_failures(db, "AccessProvider.create({})") == (
        "Failed to create AccessProvider.",
        [
            (["name"], "Missing required field of type String"),
            (["jwks_uri"], "Missing required field of type String"),
            (["issuer"], "Missing required field of type String"),
        ],
    )
    made = f'AccessProvider.create({{ name: "p", issuer: "i", jwks_uri: "{URI}" }})'
    assert v10_failures(db, made.replace('"i"', "1")) == (
        "Failed to create AccessProvider.", [(["issuer"], "Expected String, provided Int")]
    )
    assert v10_failures(db, made.replace(" }", ", foo: 1 }"))[1] == [(["foo"], "Unexpected field provided")]
    assert v10_failures(db, made.replace(" }", ", data: 2 }"))[1] == [(["data"], "Expected { *: Any } | Null, provided Int")]
    db.query(made, syntax="v10")
    assert v10_failures(db, 'AccessProvider.byName("p")!.update({ issuer: 5 })') == (
        "Failed to update AccessProvider `p`.", [(["issuer"], "Expected String, provided Int")]
    )
    assert v10_failures(db, 'AccessProvider.byName("p")!.replace({ name: "p" })')[1] == [
        (["jwks_uri"], "Missing required field of type String"),
        (["issuer"], "Missing required field of type String"),
    ]


def test_v10_role_predicates_are_one_parameter_lambdas(db):
    # core's AccessProviderRole: its predicate's LambdaParseValidator(Arity(1)), drawn as `*roles*` and
    # reported at the entry (`roles.predicate` for a lone entry), on create and on update.
    made = f'AccessProvider.create({{ name: "p", issuer: "i", jwks_uri: "{URI}", roles: %s }})'
    assert v10_failures(db, made % '["reader", { role: "reader", predicate: "(a, b) => true" }]') == (
        "Failed to create AccessProvider.",
        [(["roles", 1, "predicate"], "Invalid function arity. Expected exactly 1 argument, but the function was defined with 2 arguments")],
    )
    assert v10_failures(db, made % '{ role: "reader", predicate: "x =>" }')[1] == [
        (["roles", "predicate"], "Unable to parse FQL source code.\nerror: Expected expression\nat *roles*:1:5\n  |\n1 | x =>\n  |     ^\n  |")
    ]
    db.query(made % '{ role: "reader", predicate: "_ => true" }', syntax="v10")
    assert v10_failures(db, 'AccessProvider.byName("p")!.update({ roles: [{ role: "reader", predicate: "() => true" }] })') == (
        "Failed to update AccessProvider `p`.",
        [(["roles", 0, "predicate"], "Invalid function arity. Expected exactly 1 argument, but the function was defined with 0 arguments")],
    )
    assert db.query('AccessProvider.byName("p")!.roles', syntax="v10") == {"role": "reader", "predicate": "_ => true"}


def test_v10_names_are_core_identifiers(db):
    # ValidIdentifierValidator: `_` is none (isValidName), a keyword neither; an update that keeps a name
    # v4 allowed does not check it again.
    made = f'AccessProvider.create({{ name: "%s", issuer: "%s", jwks_uri: "{URI}" }})'
    for name in ("_", "if"):
        assert v10_failures(db, made % (name, name)) == ("Failed to create AccessProvider.", [(["name"], "Invalid identifier.")])
    db.query(provider("a-b"))
    assert db.query('AccessProvider.byName("a-b")!.update({ name: "a-b", data: { x: 1 } }).data', syntax="v10") == {"x": 1}
    assert v10_failures(db, 'AccessProvider.byName("a-b")!.update({ name: "_" })') == (
        "Failed to update AccessProvider `a-b`.", [(["name"], "Invalid identifier.")]
    )


def test_v10_builtin_roles_fail_an_array_at_once_and_a_lone_role_in_the_schema(db):
    # AccessProviderRolesValidator reads an array only, each name in turn: a repeat (its map of seen
    # names takes a third as new again), then a built-in one; a lone built-in role is left to the
    # schema's check once the query has run (SchemaTypeValidator.checkAPRoleName: `is not allowed`).
    made = f'AccessProvider.create({{ name: "p", issuer: "i", jwks_uri: "{URI}", roles: %s }})'
    dup = "The role `admin` is present more than once, there can only be one entry per role."
    builtin = "Builtin role `admin` not allowed."
    assert v10_failures(db, made % '["admin", "admin", "admin", "admin"]') == (
        "Failed to create AccessProvider.", [(["roles"], m) for m in (builtin, dup, builtin, builtin, dup, builtin)]
    )
    with pytest.raises(fql.FQLError) as caught:
        db.query(made % '{ role: "client", predicate: "_ => true" }', syntax="v10")
    assert caught.value.v10_code == "invalid_schema"
    assert caught.value.description.startswith("Invalid database schema update.\n    error: Builtin role `client` is not allowed\n    at main.fsl:")


def test_v10_field_validators_report_with_the_type_failures(db):
    # core's validateStruct: each given field in turn, its type then its validator (identifier, https URL,
    # each role's predicate, then the roles' own check), then the missing fields.
    assert v10_failures(
        db,
        'AccessProvider.create({ jwks_uri: "http://x", name: "a 1", issuer: 5, '
        'roles: ["reader", { role: "reader", predicate: "(a, b) => 1" }], foo: 1 })',
    ) == (
        "Failed to create AccessProvider.",
        [
            (["jwks_uri"], "`http://x` must be a valid https URI."),
            (["name"], "Invalid identifier."),
            (["issuer"], "Expected String, provided Int"),
            (["roles", 1, "predicate"], "Invalid function arity. Expected exactly 1 argument, but the function was defined with 2 arguments"),
            (["foo"], "Unexpected field provided"),
        ],
    )
    assert v10_failures(db, 'AccessProvider.create({ name: "a 1", jwks_uri: "ftp://x", roles: ["reader", "reader"] })')[1] == [
        (["name"], "Invalid identifier."),
        (["jwks_uri"], "`ftp://x` must be a valid https URI."),
        (["roles"], "The role `reader` is present more than once, there can only be one entry per role."),
        (["issuer"], "Missing required field of type String"),
    ]


def test_v10_replace_keeps_only_the_audience(db):
    # core's v10 replace writes the fields given (Schema.validateAndTransform of a Replace); v4's Replace
    # keeps name, issuer, jwks_uri and roles unless given (WriteAdaptor's prevForReplace).
    db.query(provider("p", extra=', roles: "reader", data: {x: 1}'))
    audience = db.query('Select("audience", Get(AccessProvider("p")))')
    replaced = db.query(f'AccessProvider.byName("p")!.replace({{ name: "p", issuer: "j", jwks_uri: "{URI}" }})', syntax="v10")
    assert {k: replaced[k] for k in ("name", "issuer", "audience")} == {"name": "p", "issuer": "j", "audience": audience}
    assert "roles" not in replaced and "data" not in replaced
    db.query('Update(AccessProvider("p"), {roles: "reader"})')
    replaced = db.query(f'Replace(AccessProvider("p"), {{issuer: "k", jwks_uri: "{URI}"}})')
    assert (replaced["name"], replaced["issuer"], replaced["roles"]) == ("p", "k", "reader")
