"""Aliases of collections and functions within one query: each query reads the aliases once and keeps
them current through its own writes (fql/eval/aliases.py), so a later write or name in the same query
sees what the earlier ones did, as a fresh read would (core's GlobalNamespaceValidator)."""

from __future__ import annotations

import pytest

import fql


def run(db, text: str):
    return db.query(text, syntax="v10")


def failure(db, text: str) -> str:
    with pytest.raises(fql.FQLError) as caught:
        run(db, text)
    (found,) = caught.value.failures
    return found["description"]


@pytest.fixture
def db():
    return fql.connect("memory://")


def test_an_alias_made_earlier_in_the_query_is_taken(db):
    text = "Collection.create({ name: 'A', alias: 'X' }); Collection.create({ name: 'B', alias: 'X' })"
    assert failure(db, text) == "A Collection already exists with the alias `X`"
    assert run(db, "Collection.all().count()") == 0  # (the failed query made nothing)


def test_an_alias_given_up_earlier_in_the_query_is_free(db):
    run(db, "Collection.create({ name: 'A', alias: 'X' })")
    text = """Collection.byName('X')
    Collection.byName('A')!.update({ alias: 'Y' })
    [Collection.create({ name: 'B', alias: 'X' }).alias, Collection.byName('A')!.alias]"""
    assert run(db, text) == ["X", "Y"]
    assert failure(db, "Collection.create({ name: 'C', alias: 'Y' })") == "A Collection already exists with the alias `Y`"


def test_an_alias_of_a_deleted_definition_is_free(db):
    text = """let a = Collection.create({ name: 'A', alias: 'X' })
    a.delete()
    Collection.create({ name: 'B', alias: 'X' }).alias"""
    assert run(db, text) == "X"


def test_a_renamed_definition_keeps_its_alias(db):
    run(db, "Collection.create({ name: 'A', alias: 'X' })")
    text = "Collection.byName('A')!.update({ name: 'A2' }); Collection.create({ name: 'B', alias: 'X' })"
    assert failure(db, text) == "A Collection already exists with the alias `X`"
    run(db, "Collection.byName('A')!.update({ name: 'A2' })")
    assert run(db, "FQL.Schema.defForIdentifier('X')!.name") == "A2"


def test_functions_and_collections_share_the_namespace(db):
    run(db, "Function.create({ name: 'f', alias: 'X', body: '_ => 1' })")
    assert failure(db, "Collection.create({ name: 'C', alias: 'X' })") == "A Function already exists with the alias `X`"
    assert failure(db, "Function.create({ name: 'X', body: '_ => 2' })") == "A Function already exists with the alias `X`"
    assert run(db, "X(0)") == 1


def test_a_name_used_by_alias_in_the_query_that_set_it(db):
    run(db, "Collection.create({ name: 'A' })")
    text = "Collection.byName('A')!.update({ alias: 'Old' }); FQL.Schema.defForIdentifier('Old')!.name"
    assert run(db, text) == "A"


def test_many_definitions_in_one_query(db):
    made = ", ".join(f"Collection.create({{ name: 'C{i}', alias: 'A{i}' }}).alias" for i in range(300))
    assert run(db, f"[{made}].length") == 300
    text = "Collection.create({ name: 'D', alias: 'A299' })"
    assert failure(db, text) == "A Collection already exists with the alias `A299`"
