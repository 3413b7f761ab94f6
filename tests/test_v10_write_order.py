"""The order in which a v10 write is refused, as core's WriteBroker refuses it (runtime/fql2/WriteBroker.scala):
the argument's type, then a computed field's name, the given id and what cannot be stored, then the caller's
permission (create_with_id, create, write), then a taken id, then the collection's schema (reserved names,
defined fields, types, ttl), then unique and check constraints. Each case writes under a key whose role
refuses the write something its schema would refuse too."""

from __future__ import annotations

import pytest

import fql
from fql.auth.credentials import TEST_PARAMS
from tests.helpers import QueryEndpoint

ENDPOINT = QueryEndpoint("secret", fmt="simple", typecheck=False)
answer, ok = ENDPOINT.answer, ENDPOINT.ok
DENIED = ("permission_denied", "Insufficient privileges to perform the action.")


@pytest.fixture
def db() -> fql.Database:
    db = fql.connect(root_secret="secret", argon2=TEST_PARAMS)
    ok(db, 'Collection.create({ name: "C", computed_fields: { c: { body: "doc => 1" } }, '
           'fields: { a: { signature: "Int" }, b: { signature: "Int", default: "5" } }, '
           'constraints: [{ check: { name: "pos", body: "d => d.a > 0" } }, { unique: ["a"] }] })')
    ok(db, 'C.create({ id: "1", a: 1 })')
    return db


def role_key(db: fql.Database, actions: str) -> str:
    ok(db, f'Role.create({{ name: "r", privileges: [{{ resource: "C", actions: {actions} }}] }})')
    return ok(db, 'Key.create({ role: "r" }).secret')


def error(db: fql.Database, query: str, secret: str) -> tuple[str, str]:
    status, body = answer(db, query, secret)
    assert status != 200, body
    return body["error"]["code"], body["error"]["message"]


@pytest.mark.parametrize(
    "query",
    [
        'C.create({ a: "x" })',  # a defined field's type
        "C.create({ d: 1 })",  # an undefined field, and `a` missing
        "C.create({ ts: 1, a: 1 })",  # a reserved name
        "C.create({ ttl: 1, a: 1 })",  # the ttl's type
        'C.create({ id: "1", a: "x" })',  # an id taken
        "C.create({ a: -1 })",  # the check constraint
        "C.create({ a: 1 })",  # the unique constraint
        'C.createData({ ts: "x" })',
        'C.byId("1")!.update({ a: "x" })',
        'C.byId("1")!.update({ ts: 1 })',
        'C.byId("1")!.update({ a: -1 })',
        'C.byId("1")!.replace({ a: "x" })',
        "C.byId(\"1\")!.replace({ ts: 1 })",
        'C.byId("1")!.updateData({ a: "x" })',
        'C.byId("1")!.replaceData({ d: 1 })',
    ],
)
def test_permission_comes_before_the_schema(db, query):
    secret = role_key(db, "{ read: true }")
    assert error(db, query, secret) == DENIED


@pytest.mark.parametrize(
    "query, failure",
    [
        # checkComputedFieldConflicts, getOrMakeID and structToIR come before the permission check.
        ("C.create({ c: 1 })", ("c", "Cannot write to a computed field")),
        ('C.create({ id: "x1", a: 1 })', ("id", "Expected ID | String | Long, provided String")),
        ("C.create({ id: null })", ("id", "Missing required field of type ID | String | Long")),
        ("C.create({ id: -1 })", ("id", "id must be nonnegative")),
        ('C.byId("1")!.update({ c: 1 })', ("c", "Cannot write to a computed field")),
    ],
)
def test_what_comes_before_the_permission(db, query, failure):
    secret = role_key(db, "{ read: true }")
    status, body = answer(db, query, secret)
    assert body["error"]["code"] == "constraint_failure", body
    assert [(f["paths"][0][0], f["message"]) for f in body["error"]["constraint_failures"]] == [failure]


def test_a_lambda_cannot_be_stored_whoever_writes(db):
    secret = role_key(db, "{ read: true }")
    message = "Anonymous functions cannot be stored. Use a string of FQL instead."
    assert error(db, "C.create({ a: x => 1 })", secret) == ("invalid_type", message)
    assert error(db, 'C.byId("1")!.update({ a: x => 1 })', secret) == ("invalid_type", message)


def test_a_taken_id_comes_before_the_schema(db):
    # Store.create looks the id up before validateAndTransform.
    assert error(db, 'C.create({ id: "1", a: "x" })', "secret") == (
        "document_id_exists", "Collection `C` already contains document with id 1.")
    secret = role_key(db, '{ read: true, create: true, create_with_id: true }')
    assert error(db, 'C.create({ id: "1", ts: 1 })', secret)[0] == "document_id_exists"


def test_a_predicate_sees_the_fields_as_given(db):
    # The create predicate sees the new version before the schema checks it or gives it its defaults: it
    # allows a write that the schema then refuses, and it does not see `b`'s default.
    secret = role_key(db, '{ read: true, create: "doc => doc.a == 2 && doc.b == null", '
                          'write: "(old, new) => new.a == 3 && new.b == 5" }')
    code, message = error(db, "C.create({ a: 2, d: 1 })", secret)
    assert (code, message) == ("constraint_failure", "Failed to create document in collection `C`.")
    assert error(db, 'C.create({ a: "2" })', secret) == DENIED
    assert ok(db, "C.create({ a: 2 }) { a, b }", secret) == {"a": 2, "b": 5}
    # An update's predicate sees the stored document with the change applied.
    assert error(db, 'C.byId("1")!.update({ a: 3, d: 1 })', secret)[0] == "constraint_failure"
    assert error(db, 'C.byId("1")!.update({ a: 4, d: 1 })', secret) == DENIED
    assert ok(db, 'C.byId("1")!.update({ a: 3 }) { a, b }', secret) == {"a": 3, "b": 5}


@pytest.mark.parametrize(
    "query",
    [
        "Collection.create({ name: 5 })",
        'Collection.create({ name: "X", fields: 5 })',
        'Collection.create({ name: "X", ts: 1 })',
        'Role.create({ name: "r2", privileges: 5 })',
        'Function.create({ name: "f", body: "x" })',
        "AccessProvider.create({ name: 5 })",
        "Database.create({ name: 5 })",
        'Collection.byName("C")!.update({ name: 5 })',
        'Collection.byName("C")!.replace({ name: "C", fields: 5 })',
        'Role.byName("r")!.update({ privileges: 5 })',
        # Store.create refuses a collection's id out of its range once the caller may create.
        'Collection.create({ id: "5", name: "X" })',
        # What refers to a role is checked once the caller may delete it (a key does here).
        'Role.byName("r")!.delete()',
    ],
)
def test_a_schema_document_asks_before_its_fields_are_checked(db, query):
    ok(db, 'Role.create({ name: "r", privileges: [{ resource: "Collection", actions: { read: true } }, '
           '{ resource: "Role", actions: { read: true } }] })')
    secret = ok(db, 'Key.create({ role: "r" }).secret')
    assert error(db, query, secret) == DENIED


def test_a_schema_document_refuses_what_cannot_be_stored_first(db):
    secret = role_key(db, "{ read: true }")
    message = "Anonymous functions cannot be stored. Use a string of FQL instead."
    for module in ("Collection", "Function", "Role"):
        assert error(db, f'{module}.create({{ name: "X", foo: x => 1 }})', secret) == ("invalid_type", message)


def test_a_schema_document_given_an_id_needs_create_with_id(db):
    ok(db, 'Role.create({ name: "r", privileges: [{ resource: "Collection", actions: { read: true, create: true } }] })')
    secret = ok(db, 'Key.create({ role: "r" }).secret')
    assert ok(db, 'Collection.create({ name: "X" }).name', secret) == "X"
    assert error(db, 'Collection.create({ id: "2000", name: "Y" })', secret) == DENIED
    ok(db, 'Role.byName("r")!.update({ privileges: [{ resource: "Collection", '
           'actions: { read: true, create: true, create_with_id: true } }] })')
    message = "Create in collection Collection failed due to invalid document id 5"
    assert error(db, 'Collection.create({ id: "5", name: "Y" })', secret) == ("invalid_document_id", message)
