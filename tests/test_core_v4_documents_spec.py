"""Core's v4 collection and index model specs (ext/model/src/test/scala/documents/CollectionSpec.scala and
IndexSpec.scala) ported as queries on an embedded database, each test named after the spec case it ports.
Core's API specs for the same (api/CollectionSpec, api/DocumentSpec, api/IndexSpec) are ported over the
server in tests/server/test_core_api_collection.py, test_core_api_documents.py and test_core_api_index.py;
queries/IndexSpec in tests/fixtures/v4/core_sets.fql (its "mix different types" bytes in
tests/fixtures/v4/core_v4_indexes.fql) and tests/test_core_set_specs.py.

The IndexConfigurationValidatorSpec cases patch core's validators directly; here each is the CreateIndex
that writes the same index data (`collectionID` and `indexID` of the spec are Collections() and
Indexes(), the refs to those native collections).
"""

from __future__ import annotations

import pytest

import fql

PROTECTED = "destructive change forbidden because database is in protected mode."


@pytest.fixture
def db() -> fql.Database:
    db = fql.connect()
    db.query('CreateCollection({name: "animals"})')
    return db


def fails(db: fql.Database, query: str, secret: str | None = None) -> fql.FQLError:
    with pytest.raises(fql.FQLError) as info:
        db.query(query, secret=secret)
    return info.value


def failure(db: fql.Database, query: str) -> tuple[str, list, str]:
    """A `validation failed` query's only failure: its field and code, and the description."""
    err = fails(db, query)
    assert (err.code, len(err.failures or ())) == ("validation failed", 1), (err.code, err.failures)
    found = err.failures[0]
    return found["field"], found["code"], found["description"]


def index(db: fql.Database, name: str, fields: str) -> dict:
    """CreateIndex `name` with the object fields `fields` (shell text)."""
    return db.query(f'CreateIndex({{name: "{name}", {fields}}})')


NICKNAME = 'Query(Lambda("instance", Select(["data", "nickname"], Var("instance"))))'


# -- IndexConfigurationValidatorSpec: sources -------------------------------------------------------------


def test_source_must_be_valid_object(db):
    """`source must be valid object`: a source object naming no `class` (nor `collection`)."""
    query = 'CreateIndex({name: "i", source: {object: {class: "post_prod_class"}}})'
    assert failure(db, query) == (["class"], "value required", "Required value not found.")


def test_source_may_not_include_a_wildcard_in_any_list(db):
    """`source may not include a wildcard in any list`: `_` beside a collection, as refs and as configs."""
    mixed = ("mixed wildcards", "Cannot mix collection refs and wildcards without providing bindings.")
    assert failure(db, 'CreateIndex({name: "i", source: ["_", Collections()]})') == (["source"], *mixed)
    query = 'CreateIndex({name: "i", source: [{class: "_"}, {class: Indexes()}]})'
    assert failure(db, query) == (["source"], *mixed)


def test_source_may_mix_refs_and_wildcards_if_bindings_are_used(db):
    """`source may mix refs and wildcards if bindings are used`."""
    created = index(
        db,
        "i",
        f'source: [{{class: "_", fields: {{field1: {NICKNAME}}}}}, {{class: Indexes()}}], terms: [{{binding: "field1"}}]',
    )
    assert created["source"][0]["collection"] == "_"


def test_source_cannot_mix_refs_and_wildcards_in_a_single_object(db):
    """`source cannot mix refs and wildcards in a single object`: an array under `class` names
    collections only."""
    query = (
        f'CreateIndex({{name: "i", source: {{class: ["_", Collection("animals")], fields: {{field1: {NICKNAME}}}}},'
        ' terms: [{binding: "field1"}]})'
    )
    field, code, _ = failure(db, query)
    assert (field, code) == (["class"], "invalid type")


def test_a_collection_may_only_match_one_binding(db):
    """Core's SourceConfigValidator beside those cases: two sources over the same collections are
    `multiple bindings`, whether refs or configs."""
    expected = (["source"], "multiple bindings", "A collection ref may only match one binding.")
    query = 'CreateIndex({name: "i", source: [Collection("animals"), Collection("animals")]})'
    assert failure(db, query) == expected
    query = (
        'CreateIndex({name: "i", source: [{class: Collection("animals"), fields: {f: Query(Lambda("x", 1))}},'
        ' {class: Collection("animals"), fields: {g: Query(Lambda("x", 2))}}], terms: [{binding: "f"}, {binding: "g"}]})'
    )
    assert failure(db, query) == expected


# -- IndexSpec --------------------------------------------------------------------------------------------


def test_cannot_index_databases(db):
    """`cannot index databases`: InvalidReference at `source`, the error at `create_index`."""
    err = fails(db, 'CreateIndex({name: "databases_by_name", source: Databases(), terms: [{field: ["name"]}]})')
    assert (err.code, list(err.position)) == ("validation failed", ["create_index"])
    assert err.failures == [{"field": ["source"], "code": "invalid reference", "description": "Cannot read reference."}]


def test_disallows_index_rebuild(db):
    """`disallows index rebuild`: the same definition again is the same index; other terms, or another
    partition count, fail."""
    data = 'name: "animals_by_name", source: Collection("animals"), terms: [{field: ["data", "name"]}]'
    first = db.query(f"CreateIndex({{{data}}})")
    again = db.query(f'Update(Index("animals_by_name"), {{{data}}})')
    assert again["ref"] == first["ref"]
    assert failure(db, 'Update(Index("animals_by_name"), {terms: [{field: ["data", "full_name"]}]})')[1] == "invalid index"
    assert failure(db, 'Update(Index("animals_by_name"), {partitions: 3})') == (
        [],
        "invalid index",
        "Index partition count may not be updated (1 -> 3).",
    )


def test_partitions_field_is_not_read_only(db):
    """`partitions field is not read only`."""
    data = 'source: Collection("animals"), terms: [{field: ["data", "name"]}]'
    assert index(db, "partitioned", data)["partitions"] == 1
    assert index(db, "p2", f"{data}, partitions: 2")["partitions"] == 2


def test_partitions_cannot_be_updated(db):
    """`partitions cannot be updated`: IndexShapeChange.Partition(1, 2)."""
    index(db, "partitioned2", 'source: Collection("animals"), terms: [{field: ["data", "name"]}]')
    assert failure(db, 'Update(Index("partitioned2"), {partitions: 2})') == (
        [],
        "invalid index",
        "Index partition count may not be updated (1 -> 2).",
    )


def test_partitions_must_be_between_1_and_8(db):
    """`partitions must be between 1 and 8`."""
    data = 'source: Collection("animals"), terms: [{field: "class"}]'
    for bad in (-1, 0, 9):
        assert failure(db, f'CreateIndex({{name: "parted", {data}, partitions: {bad}}})') == (
            ["partitions"],
            "bounds error",
            f"Value {bad} is not in expected range 1 to 8.",
        )
    for i in range(1, 9):
        assert index(db, str(i), f"{data}, partitions: {i}")["partitions"] == i
    assert failure(db, f'CreateIndex({{name: "typed", {data}, partitions: "2"}})') == (
        ["partitions"],
        "invalid type",
        "Invalid type String, expected type Long.",
    )


def test_partitions_class_indexes(db):
    """`partitions class indexes`: no terms (null, empty, missing) or the one term `class` is 8."""
    made = [
        index(db, "nulls", 'source: Collection("animals"), terms: null'),
        index(db, "empty", 'source: Collection("animals"), terms: []'),
        index(db, "missing", 'source: Collection("animals")'),
        index(db, "classonly", 'source: Collection("animals"), terms: [{field: "class"}]'),
    ]
    assert [each["partitions"] for each in made] == [8, 8, 8, 8]


def test_allows_class_index_partitions_outside_the_default(db):
    """`allows class index partitions outside the default`, and updating keeps them."""
    names = {"nulls2": "terms: null, ", "empty2": "terms: [], ", "missing2": "", "classonly2": 'terms: [{field: "class"}], '}
    for name, terms in names.items():
        assert index(db, name, f'{terms}partitions: 1, source: Collection("animals")')["partitions"] == 1
    for name in names:
        assert db.query(f'Update(Ref("indexes/{name}"), {{active: true}})')["partitions"] == 1


def test_can_not_toggle_unique_for_partitioned_indexes(db):
    """`can not toggle unique for partitioned indexes`: a unique index is read as one partition, so
    toggling `unique` of an 8-partition index changes its partition count."""
    values = 'source: Collection("animals"), values: [{field: ["data", "foo"]}]'
    index(db, "animals_unique", f"unique: true, {values}")
    index(db, "animals_default_unique", values)
    index(db, "animals_non_unique", f"unique: false, {values}")
    refused = {
        "animals_unique": ("false", "null"),
        "animals_default_unique": ("true",),
        "animals_non_unique": ("true",),
    }
    allowed = {
        "animals_unique": ("true",),
        "animals_default_unique": ("false", "null"),
        "animals_non_unique": ("null", "false"),
    }
    for name, uniques in refused.items():
        for unique in uniques:
            assert failure(db, f'Update(Index("{name}"), {{unique: {unique}}})')[1] == "invalid index"
    for name, uniques in allowed.items():
        for unique in uniques:
            db.query(f'Update(Index("{name}"), {{unique: {unique}}})')
    assert failure(db, 'Update(Index("animals_unique"), {unique: false})')[2] == (
        "Index partition count may not be updated (1 -> 8)."
    )


def test_updating_uniqueness_does_not_rebuild(db):
    """`updating uniqueness does not rebuild`: an index with terms (one partition) toggles `unique`, and
    its entries stay (fql has no build tasks to count)."""
    db.query('CreateCollection({name: "semiunique"})')
    db.query('Foreach([1, 2, 3], Lambda("i", Create(Collection("semiunique"), {data: {foo: Concat(["bar", ToString(Var("i"))])}})))')
    index(db, "semiunique", 'source: Collection("semiunique"), terms: [{field: ["data", "foo"]}]')
    assert db.query('Update(Index("semiunique"), {unique: true})')["unique"] is True
    assert db.query('Update(Index("semiunique"), {unique: false})')["unique"] is False
    assert db.query('Count(Match(Index("semiunique"), "bar2"))') == 1


# -- CollectionSpec ---------------------------------------------------------------------------------------


def test_writes_collection_ttls_in_documents(db):
    """`writes collection ttls in documents`: a document's own ttl stays; one without gets the
    collection's `ttl_days` from now, inserted versions too."""
    db.query('CreateCollection({name: "writettls", ttl_days: 1})')
    db.query('Create(Ref(Collection("writettls"), "1"), {ttl: TimeAdd(Now(), 1, "minute")})')
    hours = 'TimeDiff(Now(), Select("ttl", {}), "hours")'
    assert db.query(hours.format('Get(Ref(Collection("writettls"), "1"))')) < 12
    db.query('Create(Ref(Collection("writettls"), "2"), {})')
    assert db.query(hours.format('Get(Ref(Collection("writettls"), "2"))')) > 12
    # Versions inserted into history, a minute back (within the collection's minimum valid time).
    for doc, params in (("1", '{ttl: TimeAdd(Now(), 1, "minute")}'), ("2", "{}")):
        db.query(f'Insert(Ref(Collection("writettls"), "{doc}"), TimeSubtract(Now(), 1, "minute"), "create", {params})')
    at = 'At(TimeSubtract(Now(), 1, "minute"), Get(Ref(Collection("writettls"), "{}")))'
    assert db.query(hours.format(at.format("1"))) < 12
    assert db.query(hours.format(at.format("2"))) > 12


def test_rejects_invalid_history_days_type(db):
    """`rejects invalid history days type`."""
    assert failure(db, 'CreateCollection({name: "bad", history_days: "10"})') == (
        ["history_days"],
        "invalid type",
        "Invalid type String, expected type Long.",
    )


def test_rejects_negative_history_days(db):
    """`rejects negative history days`."""
    assert failure(db, 'CreateCollection({name: "bad", history_days: -1})') == (
        ["history_days"],
        "non-negative value required",
        "Value must be non-negative.",
    )


def test_protected_mode_guards_collections(db):
    """`protected mode guards collections`: from v4, core's `schema validation failed`."""
    db.query('CreateDatabase({name: "child", protected: true})')
    child = db.query('CreateKey({database: Database("child"), role: "admin"})')["secret"]
    db.query('CreateCollection({name: "a"})', secret=child)
    err = fails(db, 'Delete(Collection("a"))', secret=child)
    assert (err.code, err.description) == ("schema validation failed", f"Cannot delete collection: {PROTECTED}")
    db.query('CreateCollection({name: "b", history_days: 3})', secret=child)
    err = fails(db, 'Update(Collection("b"), {history_days: 1})', secret=child)
    assert (err.code, err.description) == ("schema validation failed", f"Cannot decrease `history_days` field: {PROTECTED}")
    db.query('CreateIndex({name: "aIdx", source: Collection("a"), terms: [{field: ["data", "x"]}]})', secret=child)
    err = fails(db, 'Delete(Index("aIdx"))', secret=child)
    assert (err.code, err.description) == (
        "schema validation failed",
        f"Cannot cause deletion of backing index: {PROTECTED}",
    )
    # Nothing was deleted or changed.
    assert db.query('[Exists(Collection("a")), Exists(Index("aIdx")), Select("history_days", Get(Collection("b")))]', secret=child) == [True, True, 3]


def test_indexes_now(db):
    """`indexes now`: Now() in a binding is core's unresolved snapshot time, Timestamp.MaxMicros, so
    ToMillis of it is Long.MaxValue / 1000; outside a binding it is the transaction's time."""
    db.query('CreateCollection({name: "nows"})')
    binding = 'Query(Lambda("inst", ToMillis(Now())))'
    index(db, "nows", f'source: {{class: Collection("nows"), fields: {{field1: {binding}}}}}, active: true, values: [{{binding: "field1"}}]')
    db.query('Create(Collection("nows"), {})')
    assert db.query('Select("data", Paginate(Match(Index("nows"))))') == [(2**63 - 1) // 1000]
    assert db.query("ToMillis(Now())") < 2**63 // 1000
