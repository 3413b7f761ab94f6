"""Core's UniqueConstraintSpec (ext/model/src/test/scala/fql2/UniqueConstraintSpec.scala): what a
collection's unique constraints enforce as they and the collection's indexes come and go. Core keeps each
constraint in a backing index, shared with a user index of the same terms, and its cases count those
(`Index.getUserDefinedBySourceUncached`); fql keeps no backing indexes, so each case is ported as what a
query sees of it: whether a second document of the same value is refused, and the definition.

Ported elsewhere: "cannot cover the same path in two unique constraints" and "accounts for fql4 unique
indexes" (tests/test_core_docs10.py). Skipped: "correctly updates unique constraint status to active for a
successful async index build" and "... to failed for a failed async index build" (core's background index
builds and its task executor: fql builds at once, so a constraint is `active` when written; README)."""

from __future__ import annotations

import pytest

import fql

from .core_fql2_root import answer, failure, ok

TWICE = 'Person.create({ name: "hi" })\nPerson.create({ name: "hi" })'
BY_NAME = 'indexes: { byNameSortedByName1: { terms: [{ field: "name" }] } }'


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret="secret")


def refused(db: fql.Database) -> bool:
    """Whether a second document of the same name is refused, as core refuses it (a v10 unique failure
    of the name's constraint)."""
    body = answer(db, TWICE)
    if "error" not in body:
        return False
    assert (body["error"]["code"], body["error"]["message"]) == ("constraint_failure", "Failed unique constraint.")
    assert body["error"]["constraint_failures"] == [{"paths": [["name"]], "message": "Failed unique constraint"}]
    return True


def test_unique_constraints_create_unique_indexes(db):
    ok(db, 'Collection.create({ name: "Person", constraints: [{ unique: ["name"] }, { unique: ["name", "age"] }] })')
    assert ok(db, "Person.definition.constraints") == [
        {"unique": ["name"], "status": "active"},
        {"unique": ["name", "age"], "status": "active"},
    ]
    ok(db, 'Person.create({ name: "hi", age: 1 })')
    body = failure(db, 'Person.create({ name: "hi", age: 1 })')
    assert body["error"]["constraint_failures"] == [
        {"paths": [["name"]], "message": "Failed unique constraint"},
        {"paths": [["name"], ["age"]], "message": "Failed unique constraint"},
    ]
    # The pair's constraint alone: another age is still the same name.
    body = failure(db, 'Person.create({ name: "hi", age: 2 })')
    assert body["error"]["constraint_failures"] == [{"paths": [["name"]], "message": "Failed unique constraint"}]


def test_unique_constraint_indexes_are_added_on_update(db):
    ok(db, 'Collection.create({ name: "Person", constraints: [{ unique: ["name"] }] })')
    ok(db, 'Person.definition.update({ constraints: [{ unique: ["name"] }, { unique: ["name", "age"] }] })')
    ok(db, 'Person.create({ name: "a", age: 1 })')
    body = failure(db, 'Person.create({ name: "a", age: 1 })')
    assert body["error"]["constraint_failures"] == [
        {"paths": [["name"]], "message": "Failed unique constraint"},
        {"paths": [["name"], ["age"]], "message": "Failed unique constraint"},
    ]


def test_unique_indexes_are_deleted_when_the_collection_is_deleted(db):
    ok(db, 'Collection.create({ name: "Person", constraints: [{ unique: ["name"] }, { unique: ["name", "age"] }] })')
    ok(db, 'Person.create({ name: "hi" })')
    ok(db, "Person.definition.delete()")
    # A collection of the same name made again has none of them.
    ok(db, 'Collection.create({ name: "Person" })')
    assert not refused(db)


def test_unique_constraint_indexes_and_collection_indexes_are_reused_when_their_definitions_match_on_create(db):
    ok(db, f'Collection.create({{ name: "Person", {BY_NAME}, constraints: [{{ unique: ["name"] }}] }})')
    assert refused(db)


def test_unique_constraint_indexes_re_use_existing_collection_indexes_modifying_the_existing_backing_index(db):
    # "... re-use existing collection indexes, modifying the existing backing index to enforce uniqueness"
    ok(db, f'Collection.create({{ name: "Person", {BY_NAME} }})')
    ok(db, 'Person.definition.update({ constraints: [{ unique: ["name"] }] })')
    assert refused(db)


def test_unique_constraint_backing_indexes_are_re_used_by_customer_defined_indexes_added_via_an_update(db):
    # "... are re-used by customer defined indexes when the customer index is added via an update"
    ok(db, 'Collection.create({ name: "Person" })')
    ok(db, 'Person.definition.update({ constraints: [{ unique: ["name"] }] })')
    ok(db, f"Person.definition.update({{ {BY_NAME} }})")
    assert refused(db)


def test_deleting_a_unique_constraint_that_shares_a_backing_index_with_a_user_defined_index(db):
    # "... retains the backing index but removes the unique enforcement"
    ok(db, f'Collection.create({{ name: "Person", {BY_NAME}, constraints: [{{ unique: ["name"] }}] }})')
    ok(db, "Person.definition.update({ constraints: [] })")
    assert not refused(db)
    assert ok(db, 'Person.byNameSortedByName1("hi").count()') == 2


def test_deleting_a_customer_defined_index_that_shares_a_backing_index_with_a_unique_constraint(db):
    # "... should retain the index and the unique enforcement"
    ok(db, f'Collection.create({{ name: "Person", {BY_NAME}, constraints: [{{ unique: ["name"] }}] }})')
    ok(db, "Person.definition.update({ indexes: { byNameSortedByName1: null } })")
    assert ok(db, "Person.definition.constraints") == [{"unique": ["name"], "status": "active"}]
    assert refused(db)


def test_deleting_a_unique_constraint_deletes_the_backing_index(db):
    ok(db, 'Collection.create({ name: "Person", constraints: [{ unique: ["name"] }] })')
    ok(db, "Person.definition.update({ constraints: [] })")
    assert not refused(db)


def test_accounts_for_internal_indexes(db):
    role = 'Role.create({ name: "aRole", privileges: { resource: "Collection", actions: { read: true } } })'
    body = failure(db, f"{role}\n{role}")
    assert (body["error"]["code"], body["error"]["message"]) == ("constraint_failure", "Failed unique constraint.")
    assert ok(db, 'Role.byName("aRole").exists()') is False
