"""What a query sees of an index once core's build tasks have run (fql builds every index at once).

Core: ext/model/src/test/scala/tasks/IndexBuildSpec.scala (table and index scans), ReindexSpec.scala.
Their task states (root, fork, activate) and rate limits are internal; what a query can observe is the
index's `active` flag after its build and the entries the build leaves, which these cases check.
"""

from __future__ import annotations

import pytest

import fql


@pytest.fixture
def db() -> fql.Database:
    return fql.connect()


def refs(db: fql.Database, match: str) -> list:
    return db.query(f"Paginate({match}, {{size: 1000}})").data


def test_a_built_index_is_active_and_holds_the_documents_made_before_it(db):
    """IndexBuildSpec "transitions" and "test slow index builds": created with `active: false`, the index
    is active once built, and matches the documents that were there before it."""
    db.query('CreateCollection({name: "plays"})')
    made = [
        db.query(f'Create(Collection("plays"), {{data: {{name: "{name}", genre: "tragedy"}}}})')["ref"]
        for name in ("Romeo and Juliet", "King Lear")
    ]
    db.query(
        'CreateIndex({name: "plays_by_genres", source: Collection("plays"), '
        'terms: [{field: ["data", "genre"]}], active: false})'
    )
    assert db.query('Select("active", Get(Index("plays_by_genres")))') is True
    assert refs(db, 'Match(Index("plays_by_genres"), "tragedy")') == made


def test_a_build_leaves_out_deleted_documents(db):
    """IndexScanSpec "create index with deleted instances should returns all other elements"."""
    db.query('CreateCollection({name: "data", history_days: 30})')
    made = [db.query('Create(Collection("data"), {})')["ref"] for _ in range(30)]
    for ref in made[:7]:
        db.query(f"Delete({fql.to_fql(ref)})")
    db.query('CreateIndex({name: "all_data", source: Collection("data"), active: false})')
    assert refs(db, 'Match(Index("all_data"))') == made[7:]


def test_an_all_sources_index_holds_every_collection(db):
    """IndexBuildSpec "all sources index must scan all instances" (both scans)."""
    db.query('CreateCollection({name: "foo1"})')
    db.query('CreateCollection({name: "foo2"})')
    one = db.query('Create(Collection("foo1"), {data: {nom: "Alex"}})')["ref"]
    two = db.query('Create(Collection("foo2"), {data: {nom: "Alex"}})')["ref"]
    db.query('CreateIndex({name: "all-sources", source: "_", terms: [{field: ["data", "nom"]}], active: false})')
    assert refs(db, 'Match(Index("all-sources"), "Alex")') == [one, two]


def test_an_all_sources_termless_index_leaves_out_native_collections(db):
    """IndexBuildSpec and ReindexSpec "all source termless index should not index native collections":
    the collection, the index itself and a key are no entries; the user document is."""
    db.query('CreateCollection({name: "foo"})')
    db.query('CreateIndex({name: "all_sources", source: "_", active: false})')
    db.query('CreateKey({role: "server"})')
    doc = db.query('Create(Collection("foo"), {data: {}})')["ref"]
    assert refs(db, 'Match(Index("all_sources"))') == [doc]


def test_a_term_on_the_class_field_matches_the_collection(db):
    """ReindexSpec "builds an index": an index of `people` by its `class` field, rebuilt from the
    collection's documents, matches all of them under the collection's ref."""
    db.query('CreateCollection({name: "people"})')
    made = [db.query('Create(Collection("people"), {})')["ref"] for _ in range(12)]
    db.query('CreateIndex({name: "people_by_class", source: Collection("people"), terms: [{field: ["class"]}]})')
    assert refs(db, 'Match(Index("people_by_class"), Collection("people"))') == made


def test_a_binding_giving_an_unresolved_ref_gives_null(db):
    """IndexScanSpec "should ignore UnresolvedRefL on bindings": a binding whose ref names a collection
    that does not exist is null in the entry (core's Index.mkBinders), one naming a real collection the ref.
    """
    db.query('CreateCollection({name: "unresolved-coll"})')
    db.query(
        'CreateIndex({name: "unresolved-idx", active: true, source: {collection: Collection("unresolved-coll"), '
        'fields: {"build-ref": Query(Lambda("doc", '
        'Ref(Collection(Select(["data", "collection"], Var("doc"))), "123")))}}, '
        'values: [{field: "ref"}, {binding: "build-ref"}]})'
    )
    one = db.query('Create(Collection("unresolved-coll"), {data: {collection: "unresolved-coll"}})')["ref"]
    two = db.query('Create(Collection("unresolved-coll"), {data: {collection: "non-existent-collection"}})')["ref"]
    assert refs(db, 'Match(Index("unresolved-idx"))') == [
        [one, fql.Ref("123", fql.Ref("unresolved-coll", fql.Ref("collections")))],
        [two, None],
    ]


def test_a_binding_array_with_an_unresolved_ref_holds_null_in_its_place(db):
    """Core's Index.mkBinders: in an array a binding gives, an unresolved ref is null, which (as any null
    beside other values) makes no entry."""
    db.query('CreateCollection({name: "c"})')
    db.query(
        'CreateIndex({name: "c_refs", source: {collection: Collection("c"), '
        'fields: {r: Query(Lambda("doc", [Ref(Collection("c"), "1"), Ref(Collection("nope"), "1")]))}}, '
        'values: [{binding: "r"}]})'
    )
    db.query('Create(Collection("c"), {})')
    assert refs(db, 'Match(Index("c_refs"))') == [fql.Ref("1", fql.Ref("c", fql.Ref("collections")))]


def test_active_latches_once_true(db):
    """IndexBuildSpec toggles `active` with Update while a build runs; core's Index.ActiveValidator
    latches it once true, so an Update to false leaves a built index active and queryable."""
    db.query('CreateCollection({name: "foo"})')
    doc = db.query('Create(Collection("foo"), {data: {name: "Alex"}})')["ref"]
    db.query('CreateIndex({name: "foo_by_name", source: Collection("foo"), terms: [{field: ["data", "name"]}]})')
    assert db.query('Update(Index("foo_by_name"), {active: false})')["active"] is True
    assert refs(db, 'Match(Index("foo_by_name"), "Alex")') == [doc]
