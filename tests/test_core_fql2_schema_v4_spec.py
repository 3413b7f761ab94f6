"""Core's FQL2SchemaV4Spec (ext/model/src/test/scala/fql2/FQL2SchemaV4Spec.scala): v4 writes into a
collection whose schema is FSL (defined fields, check constraints, computed fields), and the active schema
a v4 write of a collection regenerates. Each test names the spec case it ports.

Ported elsewhere: "v4 enforces check constraints" (tests/test_core_auth10.py,
test_v4_write_failing_a_check_constraint). Not ported: the `updateSchemaPinOk` halves of "getting the active
schema should regenerate it" and all of "... after staging a schema" (staged schema).
"""

from __future__ import annotations

import pytest

import fql
from fql.errors import FQLError
from tests.schema.pushing import push


@pytest.fixture
def db() -> fql.Database:
    return fql.connect()


def schema_errors(db: fql.Database, query: str) -> list[str]:
    """The descriptions of the `schema validation failed` errors a v4 write answers (core's
    evalV4SchemaErr): every one of them, in order."""
    with pytest.raises(FQLError) as caught:
        db.query(query)
    errors = [caught.value, *caught.value.siblings]
    assert {e.code for e in errors} == {"schema validation failed"}
    return [e.description for e in errors]


def test_v4_enforces_schema_on_create(db):
    """v4 enforces schema on create"""
    push(db, "collection User {\n  name: String\n}")
    db.query('Create(Collection("User"), { data: { name: "user-1" } })')
    assert schema_errors(db, 'Create(Collection("User"), {})') == ["name: Missing required field of type String"]
    assert schema_errors(db, 'Create(Collection("User"), { data: { foo: "bar" } })') == [
        "foo: Unexpected field provided",
        "name: Missing required field of type String",
    ]
    assert schema_errors(db, 'Create(Collection("User"), { data: { name: 3 } })') == [
        "name: Expected String, provided Int"
    ]


def test_v4_allows_setting_top_level_fields_under_data(db):
    """v4 allows setting top-level fields like 'ts' when they're under 'data'"""
    push(db, "collection User {\n  *: Any\n}")
    made = db.query('Create(Collection("User"), { data: { ts: Time("2020-01-01T00:00:00Z") } })')
    assert made["data"] == {"ts": db.query('Time("2020-01-01T00:00:00Z")')}


def test_v4_enforces_update_correctly(db):
    """v4 enforces update correctly: an update is checked as it leaves the document; a null removes."""
    push(db, "collection User {\n  name: String\n  address: String\n}")
    db.query('Create(Ref(Collection("User"), 1), { data: { name: "hi", address: "foo" } })')
    db.query('Update(Ref(Collection("User"), 1), { data: { name: "hello" } })')
    assert schema_errors(db, 'Update(Ref(Collection("User"), 1), { data: { name: 3 } })') == [
        "name: Expected String, provided Int"
    ]
    assert schema_errors(db, 'Update(Ref(Collection("User"), 1), { data: { name: null } })') == [
        "name: Missing required field of type String"
    ]
    assert db.query('Select("data", Get(Ref(Collection("User"), 1)))') == {"name": "hello", "address": "foo"}


def test_v4_enforces_replace_correctly(db):
    """v4 enforces replace correctly: a replace is checked alone."""
    push(db, "collection User {\n  name: String\n  address: String\n}")
    db.query('Create(Ref(Collection("User"), 1), { data: { name: "hi", address: "foo" } })')
    db.query('Replace(Ref(Collection("User"), 1), { data: { name: "hello", address: "bar" } })')
    assert schema_errors(db, 'Replace(Ref(Collection("User"), 1), { data: { name: "hi" } })') == [
        "address: Missing required field of type String"
    ]
    assert schema_errors(db, 'Replace(Ref(Collection("User"), 1), { data: { name: 3, address: "bar" } })') == [
        "name: Expected String, provided Int"
    ]


COMPUTED = 'collection User {\n  name: String\n\n  compute fullName = doc => doc.name + "foo"\n}'


def test_v4_disallows_overwriting_computed_fields(db):
    """v4 disallows overwriting computed fields: to v4, a computed field is no field of the document."""
    push(db, COMPUTED)
    db.query('Create(Collection("User"), { data: { name: "hi" } })')
    assert schema_errors(db, 'Create(Collection("User"), { data: { name: "hi", fullName: "hello" } })') == [
        "fullName: Unexpected field provided"
    ]


@pytest.mark.parametrize("path", [["fullName"], ["data", "fullName"]])
def test_v4_does_not_return_computed_fields(db, path):
    """v4 does not return computed fields: neither at the top nor under `data`."""
    push(db, COMPUTED)
    with pytest.raises(FQLError) as caught:
        db.query(f'Select({path!r}, Create(Collection("User"), {{ data: {{ name: "hi" }} }}))'.replace("'", '"'))
    assert (caught.value.code, caught.value.description) == (
        "value not found",
        f"Value not found at path [{','.join(path)}].",
    )


def test_getting_the_active_schema_should_regenerate_it(db):
    """getting the active schema should regenerate it: a collection a v4 query made is in main.fsl, after
    what was there."""
    push(db, "function foo() { 0 }\n")
    db.query('CreateCollection({ name: "Foo" })')
    assert db.schema_files() == {"main.fsl": "function foo() { 0 }\n\ncollection Foo {\n}\n"}
