"""Core's v4 collection and index model specs (ext/model/src/test/scala/documents/CollectionSpec.scala and
IndexSpec.scala) ported as queries on an embedded database, each test named after the spec case it ports.
Core's API specs for the same (api/CollectionSpec, api/DocumentSpec, api/IndexSpec) are ported over the
server in tests/server/test_core_api_collection.py, test_core_api_documents.py and test_core_api_index.py;
queries/IndexSpec in tests/fixtures/v4/core_sets.fql (its "mix different types" bytes in
tests/fixtures/v4/core_v4_indexes.fql) and tests/test_core_set_specs.py.

The IndexConfigurationValidatorSpec cases patch core's validators directly; here each is the CreateIndex
that writes the same index data (`collectionID` and `indexID` of the spec are Collections() and
Indexes(), the refs to those native collections).

Ported elsewhere: CollectionSpec "disallows writes when schema is staged" (tests/schema/test_manager.py,
test_v4_may_not_write_schema_while_a_schema_is_staged); "default history_days = 0" also at the server
(api CollectionSpec "classes get the default retention policy").

Skipped, as core internals no query sees: IndexSpec "does not assign a new id on rename" (an index's
storage id; its ref is its name), "active indexes create a build task", "wildcard indexes with no
collections do not create a build task", "limits build tasks" and "initial tasks are ordered correctly"
(fql builds an index in the query that makes it: no tasks), "hidden indexes are hidden from indexes()" (a
`hidden` field only core's operators write into storage), "limit max index id" and CollectionSpec "limit max
collection id" (ids inserted by hand at the top of the id space), IndexConsistencyCheckSpec (an internal
stat); CollectionSpec "read indexes configs" (v10 backing-index configs written into storage by hand),
"computes the minimum valid timestamp", "... on a non-existing collections", "... floor upon pending
writes", "minimum valid time is Epoch on infinite histoy" and "computes the minimum valid time floor" (the
MVT floor field and its derivation at chosen snapshot times).
"""

from __future__ import annotations

import pytest

import fql
from tests.helpers import query_error as fails
from tests.helpers import query_v10

PROTECTED = "destructive change forbidden because database is in protected mode."


@pytest.fixture
def db() -> fql.Database:
    db = fql.connect()
    db.query('CreateCollection({name: "animals"})')
    return db


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
    """`rejects negative history days`; by Create of Collections() and by Update too, and `ttl_days`
    must be a Long. v10 words its own failures (tests/test_core_fql2_collection_spec.py)."""
    negative = (["history_days"], "non-negative value required", "Value must be non-negative.")
    assert failure(db, 'CreateCollection({name: "bad", history_days: -1})') == negative
    assert failure(db, 'Create(Collections(), {name: "bad", history_days: -1})') == negative
    assert failure(db, 'Update(Collection("animals"), {history_days: -2})') == negative
    assert failure(db, 'CreateClass({name: "bad", ttl_days: 1.5})') == (
        ["ttl_days"],
        "invalid type",
        "Invalid type Double, expected type Long.",
    )
    err = fails(db, 'Collection.create({ name: "Bad", history_days: -1 })', syntax="v10")
    assert (err.v10_code, err.failures[0]["description"]) == ("constraint_failure", "Non-negative value required.")


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


def test_protected_mode_refusals_are_at_the_call(db):
    """Not a spec case (the spec asserts no position), from core's source: the collection and index write
    adaptors raise protected mode's refusals at the position their delete or update is given, the call's
    (not its `delete` key, as fql had it for Delete)."""
    db.query('CreateDatabase({name: "child", protected: true})')
    child = db.query('CreateKey({database: Database("child"), role: "admin"})')["secret"]
    db.query('CreateCollection({name: "a", history_days: 3})', secret=child)
    db.query('CreateIndex({name: "aIdx", source: Collection("a"), terms: [{field: ["data", "x"]}]})', secret=child)
    for query, position in [
        ('Delete(Collection("a"))', []),
        ('Let({x: 1}, Delete(Collection("a")))', ["in"]),
        ('[Delete(Index("aIdx"))]', [0]),
        ('Let({x: 1}, Update(Collection("a"), {history_days: 1}))', ["in"]),
        ('Let({x: 1}, Replace(Collection("a"), {name: "a", history_days: 1}))', ["in"]),
    ]:
        err = fails(db, query, secret=child)
        assert (err.code, list(err.position)) == ("schema validation failed", position), query


def test_protected_mode_reports_every_refusal(db):
    """Not a spec case, from core's source: CollectionWriteConfig.write answers a SchemaValidationError for
    each refusal of checkProtectedFields (history_days's, then ttl_days's)."""
    db.query('CreateDatabase({name: "child", protected: true})')
    child = db.query('CreateKey({database: Database("child"), role: "admin"})')["secret"]
    db.query('CreateCollection({name: "a", history_days: 3})', secret=child)
    err = fails(db, 'Update(Collection("a"), {history_days: 1, ttl_days: 1})', secret=child)
    assert [(e.code, e.description) for e in (err, *err.siblings)] == [
        ("schema validation failed", f"Cannot decrease `history_days` field: {PROTECTED}"),
        ("schema validation failed", f"Cannot remove `ttl_days` field: {PROTECTED}"),
    ]


# -- IndexConfigurationValidatorSpec: the cases fql already took as core does ------------------------------


def test_source_may_not_be_empty(db):
    """`source may not be empty`."""
    assert failure(db, 'CreateIndex({name: "i"})') == (["source"], "value required", "Required value not found.")


@pytest.mark.parametrize(
    ("case", "source"),
    [
        ("source may be a ref", "Collections()"),
        ("source may be a wildcard", '"_"'),
        ("source may be a list of refs", "[Collections(), Indexes()]"),
        ("source may be a config", "{class: Collections()}"),
        ("source may be a config with a wildcard", '{class: "_"}'),
        ("source may be a list of configs", "[{class: Collections()}, {class: Indexes()}]"),
    ],
)
def test_source_may_be(db, case, source):
    """`source may be a ref`, `... a wildcard`, `... a list of refs`, `... a config`, `... a config with
    a wildcard`, `... a list of configs`."""
    assert index(db, "i", f"source: {source}")["name"] == "i"


def test_source_ref_must_be_a_class(db):
    """`source ref must be a class`: an index ref is no source. The description names core's types: the
    value's stored type and SourceFieldType's `SourceClass` (Index.scala; Renderable's encodeErrors)."""
    index(db, "other", "source: Collections()")
    wrong = ("invalid type", "Invalid type Ref, expected type SourceClass.")
    assert failure(db, 'CreateIndex({name: "i", source: Index("other")})') == (["source"], *wrong)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1", (["source"], "Long", "SourceClass")),
        ('"animals"', (["source"], "String", "SourceClass")),
        ('Ref(Collection("animals"), "1")', (["source"], "Ref", "SourceClass")),
        ('Time("2020-01-01T00:00:00Z")', (["source"], "Time", "SourceClass")),
        ('[Collection("animals"), 2.5]', (["source"], "Double", "SourceClass")),
        ('[[Collection("animals")]]', (["source"], "Array", "SourceClass")),
        ("{class: 1}", (["class"], "Long", "SourceClass")),
        ('{class: Index("other")}', (["class"], "Ref", "SourceClass")),
        ("{class: [{}]}", (["class"], "Map", "Class Ref")),
        ('{class: [Collection("animals"), Index("other")]}', (["class"], "Ref", "Class Ref")),
        ('{class: Collection("animals"), fields: 1}', (["fields"], "Long", "Query Map")),
        ('{class: Collection("animals"), fields: {f: "x"}}', (["f"], "String", "Query")),
    ],
)
def test_source_types_are_named_as_core_names_them(db, source, expected):
    """A source of the wrong type, as core's SourceFieldType and ClassFieldType decode it (Index.scala):
    `SourceClass` for a source or a source object's `class`, `Class Ref` for each collection of a `class`
    array (FieldType.CollectionIDT), `Query Map` and `Query` for `fields`; the value is named by its IR
    type (IRValue.scala: Long, Double, Map, Ref, Time), at the path core's Field.read gives."""
    index(db, "other", "source: Collections()")
    # The ref source names a document that exists, else core's ReferencesValidator (Index.LiveValidator)
    # reports it missing as well.
    db.query('Create(Ref(Collection("animals"), "1"), {})')
    field, actual, wanted = expected
    description = f"Invalid type {actual}, expected type {wanted}."
    assert failure(db, f'CreateIndex({{name: "i", source: {source}}})') == (field, "invalid type", description)


def test_source_object_reads_class_before_collection(db):
    """SourceFieldType's classOrCollection: `class` wins when it decodes, `collection` is read when it does
    not, and when neither does the failure is `class`'s (here: its value is required)."""
    animals = db.query('Collection("animals")')
    assert index(db, "either", 'source: {class: 1, collection: Collection("animals")}')["source"] == {"collection": animals}
    assert index(db, "both", 'source: {class: Collection("animals"), collection: "_"}')["source"] == {"collection": animals}
    required = (["class"], "value required", "Required value not found.")
    assert failure(db, 'CreateIndex({name: "i", source: {collection: 1}})') == required


def test_source_can_bind_queries_to_field_names(db):
    """`source can bind queries to field names`, `source can bind multiple field names` and `source may be
    multiple classes with bindings`."""
    db.query('CreateCollection({name: "other"})')
    one = f'{{class: Collection("animals"), fields: {{field1: {NICKNAME}}}}}'
    index(db, "one", f'source: {one}, terms: [{{binding: "field1"}}]')
    two = f'{{class: Collection("animals"), fields: {{field1: {NICKNAME}, field2: {NICKNAME}}}}}'
    index(db, "two", f'source: {two}, terms: [{{binding: "field1"}}, {{binding: "field2"}}]')
    other = f'{{class: Collection("other"), fields: {{field2: {NICKNAME}}}}}'
    made = index(db, "three", f'source: [{one}, {other}], terms: [{{binding: "field1"}}, {{binding: "field2"}}]')
    assert [source["collection"] for source in made["source"]] == db.query('[Collection("animals"), Collection("other")]')


@pytest.mark.parametrize(
    ("case", "binding"),
    [
        ("source field bindings cannot read", 'Query(Lambda("ref", Get(Var("ref"))))'),
        ("source field bindings cannot write", 'Query(Lambda("ref", Update(Var("ref"))))'),
    ],
)
def test_source_field_bindings_must_be_pure(db, case, binding):
    """`source field bindings cannot read` and `... cannot write`."""
    query = (
        f'CreateIndex({{name: "i", source: {{class: Collection("animals"), fields: {{field1: {binding}}}}},'
        ' terms: [{binding: "field1"}]})'
    )
    assert failure(db, query) == (
        ["source", "0", "fields", "0", "field1"],
        "invalid binding",
        "Field binding must be a pure unary function.",
    )


def test_a_binding_only_naming_a_reading_lambda_is_pure(db):
    # Core sums a lambda's effect off its parsed body (Expression.scala maxEffect): a lambda it only names
    # is a LambdaE, pure as a literal; the lambda a Map in it calls counts.
    named = 'Query(Lambda("ref", Let({f: Lambda("x", Get(Var("x")))}, Select(["data", "nickname"], Var("ref")))))'
    index(db, "named", f'source: {{class: Collection("animals"), fields: {{field1: {named}}}}}, terms: [{{binding: "field1"}}]')
    called = 'Query(Lambda("ref", Map([Var("ref")], Lambda("x", Get(Var("x"))))))'
    query = (
        f'CreateIndex({{name: "i", source: {{class: Collection("animals"), fields: {{field1: {called}}}}},'
        ' terms: [{binding: "field1"}]})'
    )
    assert failure(db, query) == (
        ["source", "0", "fields", "0", "field1"],
        "invalid binding",
        "Field binding must be a pure unary function.",
    )


def test_source_field_bindings_must_be_used_in_either_terms_or_values(db):
    """`source field bindings must be used in either terms or values`."""
    source = f'{{class: Collection("animals"), fields: {{field1: {NICKNAME}}}}}'
    unused = (["source", "0", "fields", "0", "field1"], "unused binding", "Source binding is not used as a term or value.")
    for rest in ("", ', terms: [{field: "foo"}]', ', values: [{field: "foo"}]'):
        assert failure(db, f'CreateIndex({{name: "i", source: {source}{rest}}})') == unused
    index(db, "by_terms", f'source: {source}, terms: [{{binding: "field1"}}]')
    index(db, "by_values", f'source: {source}, values: [{{binding: "field1"}}]')


# -- IndexConfigurationValidatorSpec: terms and values ----------------------------------------------------


@pytest.mark.parametrize("key", ["terms", "values"])
def test_term_and_value_shapes(db, key):
    """`term validator ignores unused fields` / `value ...`, `terms may be a term object` / `values ...`,
    `terms may be an array of term objects` / `values ...`, `terms may be empty` / `values ...` (null or
    missing), `term paths are not checked for validity` / `value ...`, and `terms may include virtual
    fields` / `values ...`."""
    source = 'source: Collections(), unique: false'
    made = index(db, "unused", f'{key}: [{{field: ["data", "name"]}}], bogus: 1, {source}')
    assert made[key] == [{"field": ["data", "name"]}]
    # the validators read a term object as one term and store it as given (FieldValidator rewrites nothing)
    assert index(db, "object", f'{key}: {{field: ["data", "name"]}}, {source}')[key] == {"field": ["data", "name"]}
    assert key not in index(db, "null", f"{key}: null, {source}")
    assert key not in index(db, "missing", source)
    paths = '[{field: ["bogus", "data"]}, {field: ["data", "person", "name"]}, {field: "email"}]'
    assert len(index(db, "paths", f"{key}: {paths}, {source}")[key]) == 3
    virtual = '[{field: "database"}, {field: "class"}, {field: "ref"}, {field: "ts"}]'
    assert len(index(db, "virtual", f"{key}: {virtual}, {source}")[key]) == 4


@pytest.mark.parametrize("key", ["terms", "values"])
def test_term_fields_reverse_and_transforms(db, key):
    """`term should contain a `field` of one or more strings` / `values should ...`, `term reverse must be
    valid` / `value reverse must be valid (though it is meaningless)`, `term transforms must be valid
    transforms` / `value transforms ...`."""
    source = "source: Collections()"
    index(db, "path", f'{key}: [{{field: ["data", "name"]}}], {source}')
    index(db, "ref", f'{key}: [{{field: "ref"}}], {source}')
    field, code, _ = failure(db, f'CreateIndex({{name: "i", {key}: [{{field: {{object: "data.name"}}}}], {source}}})')
    assert (field, code) == (["field"], "invalid type")
    for bad in ('"true"', "1"):
        field, code, _ = failure(db, f'CreateIndex({{name: "i", {key}: [{{field: "ref", reverse: {bad}}}], {source}}})')
        assert (field, code) == (["reverse"], "invalid type")
    index(db, "reversed", f'{key}: [{{field: "ref", reverse: true}}], {source}')
    assert failure(db, f'CreateIndex({{name: "i", {key}: [{{field: "ref", transform: "wrong"}}], {source}}})') == (
        ["transform"],
        "invalid value",
        "Invalid value `wrong` at `transform`",
    )
    field, code, _ = failure(db, f'CreateIndex({{name: "i", {key}: [{{field: "ref", transform: 1}}], {source}}})')
    assert (field, code) == (["transform"], "invalid type")
    index(db, "folded", f'{key}: [{{field: "ref", transform: "casefold"}}], {source}')


# -- IndexSpec for native classes -------------------------------------------------------------------------


def test_can_index_native_class(db):
    """`can index native class`."""
    assert index(db, "keys_by_name", 'source: Keys(), terms: [{field: ["data", "name"]}]')["source"] == db.query("Keys()")


def test_wildcard_indexes_do_not_index_native_collections(db):
    """`wildcard indexes do not index native collections`: a key and an index later, the wildcard index
    holds the one document."""
    index(db, "all_the_things", 'source: "_", active: true')
    db.query('CreateCollection({name: "invisible"})')
    index(db, "invisible", 'source: Collection("invisible")')
    db.query('CreateKey({role: "server"})')
    doc = db.query('Create(Collection("invisible"), {})')
    assert db.query('Select("data", Paginate(Match("all_the_things")))') == [doc["ref"]]


def test_can_index_credentials(db):
    """`can index credentials`."""
    index(db, "creds_by_instance", 'source: Credentials(), active: true, terms: [{field: ["instance"]}]')
    db.query('Create(Ref(Collection("animals"), "1"), {credentials: {password: "sekrit"}})')
    assert db.query('Count(Match(Index("creds_by_instance"), Ref(Collection("animals"), "1")))') == 1


def test_ensures_getting_the_first_key_works(db):
    """`Ensures getting the first key works`: Get of the keys collection is its first key."""
    for _ in range(6):
        db.query('CreateKey({role: "server"})')
    assert db.query('Equals(Get(Keys()), Get(Select(0, Paginate(Keys()))))') is True


# -- IndexSpec --------------------------------------------------------------------------------------------


def test_can_index_tokens(db):
    """`can index tokens`: two logins, two tokens of the document."""
    index(db, "tokens_by_instance", 'source: Tokens(), active: true, terms: [{field: ["instance"]}]')
    db.query('Create(Ref(Collection("animals"), "1"), {credentials: {password: "sekrit"}})')
    for _ in range(2):
        db.query('Login(Ref(Collection("animals"), "1"), {password: "sekrit"})')
    assert db.query('Count(Match(Index("tokens_by_instance"), Ref(Collection("animals"), "1")))') == 2


def test_can_control_multi_value_attribute_behavior(db):
    """`can control multi-value attribute behavior`."""
    index(db, "animals_mva1", 'source: Collection("animals"), values: [{field: ["data", "foo"]}]')
    index(db, "animals_no_mva1", 'source: Collection("animals"), values: [{field: ["data", "foo"], mva: false, reverse: true}]')
    db.query('Create(Collection("animals"), {data: {foo: [1, 2, 3]}})')
    assert db.query('Select("data", Paginate(Match("animals_mva1")))') == [1, 2, 3]
    assert db.query('Select("data", Paginate(Match("animals_no_mva1")))') == [[1, 2, 3]]


def test_index_creation_is_transactional(db):
    """`index creation is transactional` and `... with multiple indexes`: an index serves writes at once,
    in the query that makes it too."""
    terms = 'source: Collection("animals"), active: true, terms: [{field: ["data", "name"]}]'
    index(db, "transactional_index", terms)
    db.query('Create(Collection("animals"), {data: {name: "sheep"}})')
    assert db.query('Count(Match(Index("transactional_index"), "sheep"))') == 1
    assert db.query(
        f'Do(CreateIndex({{name: "one", {terms}}}), Create(Collection("animals"), {{data: {{name: "turtle"}}}}),'
        ' Count(Match(Index("one"), "turtle")))'
    ) == 1
    index(db, "two", terms)
    db.query('Create(Collection("animals"), {data: {name: "dove"}})')
    assert db.query('Count(Match(Index("two"), "dove"))') == 1


def test_new_empty_indexes_are_active_and_active_is_latched(db):
    """`new empty indexes are active` and `active field may be written` (an Update to false keeps it
    true)."""
    terms = 'source: Collection("animals"), terms: [{field: ["data", "name"]}]'
    assert index(db, "animals_by_other_name", terms)["active"] is True
    assert index(db, "active_index", f"active: true, {terms}")["active"] is True
    assert db.query('Update(Index("active_index"), {active: false})')["active"] is True


def test_active_indexes_may_build_synchronously(db):
    """`active indexes may build synchronously`: an index over existing documents has their entries as
    soon as it is made (fql builds every index at once; core's build tasks are not modelled)."""
    db.query('CreateCollection({name: "smallthings"})')
    db.query('Foreach([1, 2, 3, 4, 5], Lambda("i", Create(Collection("smallthings"), {})))')
    assert index(db, "buildmenow", 'active: true, source: Collection("smallthings")')["active"] is True
    assert db.query('Count(Match(Index("buildmenow")))') == 5


def test_definition_cannot_be_updated(db):
    """`definition cannot be updated`."""
    index(db, "bySpecies", 'source: Collection("animals"), terms: [{field: ["data", "species"]}], values: [{field: ["data", "name"]}]')
    assert failure(db, 'Update(Index("bySpecies"), {terms: [{field: ["data", "speecees"]}]})') == (
        [],
        "invalid index",
        "Index sources, terms, and values may not be updated (terms)",
    )


def test_creates_indexes_with_no_terms(db):
    """`creates indexes with no terms`: null, empty and missing terms, each matched with null."""
    for name, terms in (("nullterms", "terms: null, "), ("emptyterms", "terms: [], "), ("noterms", "")):
        index(db, name, f'{terms}source: Collection("animals"), active: true')
        db.query(f'Match(Index("{name}"), null)')


def test_dead_reckoning(db):
    """`dead reckoning`: cursors 0 and null around a class-term index's one entry."""
    index(db, "reckoning", 'source: Collection("animals"), active: true, terms: [{field: "class"}]')
    db.query('Create(Collection("animals"), {data: {name: "sheep"}})')
    page = 'Paginate(Match(Index("reckoning"), Collection("animals")), {})'

    def shape(cursor: str) -> tuple:
        found = db.query(page.format(cursor))
        before = found.before if found.has_before else "none"
        after = found.after if found.has_after else "none"
        return before, len(found.data), after

    assert shape("{before: 0}") == ("none", 0, [0])
    assert shape("{after: 0}") == ([0], 1, "none")
    assert shape("{before: null}") == ("none", 1, [None])
    assert shape("{after: null}") == ([None], 0, "none")


def test_can_index_nested_term_paths(db):
    """`can index nested term paths`, by field and by binding."""
    db.query('CreateCollection({name: "deep_sheep"})')
    index(db, "deep_sheep_finder", 'source: Collection("deep_sheep"), active: true, terms: [{field: ["data", "nest", "this", "path", "deep"]}]')
    deep = 'Query(Lambda("inst", Select(["data", "nest", "this", "path", "deep"], Var("inst"))))'
    index(db, "bound_deep_sheep_finder", f'source: {{class: Collection("deep_sheep"), fields: {{go_deep: {deep}}}}}, active: true, terms: [{{binding: "go_deep"}}]')
    sheep = db.query('Create(Collection("deep_sheep"), {data: {nest: {this: {path: {deep: "hi!"}}}}})')
    for name in ("deep_sheep_finder", "bound_deep_sheep_finder"):
        assert db.query(f'Select("data", Paginate(Match(Index("{name}"), "hi!")))') == [sheep["ref"]]


def test_casefolds_terms(db):
    """`casefolds terms`."""
    db.query('CreateCollection({name: "paper_animals"})')
    index(db, "origami", 'source: Collection("paper_animals"), active: true, terms: [{field: ["data", "name"], transform: "casefold"}]')
    sheep = db.query('Create(Collection("paper_animals"), {data: {name: "sHeEp"}})')
    assert db.query('Select("data", Paginate(Match(Index("origami"), "sheep")))') == [sheep["ref"]]


def test_ngrams_terms(db):
    """`ngrams terms`."""
    db.query('CreateCollection({name: "named_animals"})')
    ngram = 'Query(Lambda("inst", NGram(Select(["data", "name"], Var("inst")))))'
    index(db, "origami_search", f'source: {{class: Collection("named_animals"), fields: {{ngram: {ngram}}}}}, active: true, terms: [{{binding: "ngram"}}]')
    sheep = db.query('Create(Collection("named_animals"), {data: {name: "sheep"}})')
    for gram in ("sh", "ee", "ep"):
        assert db.query(f'Select("data", Paginate(Match(Index("origami_search"), "{gram}")))') == [sheep["ref"]]


def test_binds_values_to_fields(db):
    """`binds values to fields`."""
    db.query('CreateCollection({name: "querified_class"})')
    field1 = 'Query(Lambda("inst", Select(["data", "my-field"], Var("inst"))))'
    index(db, "querified_index", f'source: {{class: Collection("querified_class"), fields: {{field1: {field1}}}}}, active: true, terms: [{{binding: "field1"}}]')
    inst = db.query('Create(Collection("querified_class"), {data: {"my-field": "my-value"}})')
    assert db.query('Select("data", Paginate(Match(Index("querified_index"), "my-value")))') == [inst["ref"]]


def test_deleting_and_renaming_an_index_takes_it_out_of_the_cache(db):
    """`deleting an index removes it from the cache` and `updating an index reflects in the cache`: the
    old name is an invalid ref at once."""
    index(db, "fooindex", 'source: Collection("animals")')
    db.query('Delete(Index("fooindex"))')
    assert fails(db, 'Get(Index("fooindex"))').code == "invalid ref"
    index(db, "oldindex", 'source: Collection("animals")')
    db.query('Update(Index("oldindex"), {name: "newindex"})')
    assert fails(db, 'Get(Index("oldindex"))').description == "Ref refers to undefined index 'oldindex'"


def test_new_index_creation_reloads_source_cache(db):
    """`new index creation reloads source cache`: a second index over the collection sees a document
    written before it and one after."""
    db.query('CreateCollection({name: "class1"})')
    index(db, "index1", 'source: Collection("class1")')
    one = db.query('Create(Collection("class1"), {})')["ref"]
    index(db, "index2", 'source: Collection("class1"), active: false')
    two = db.query('Create(Collection("class1"), {})')["ref"]
    for name in ("index1", "index2"):
        assert db.query(f'Select("data", Paginate(Match(Index("{name}"))))') == [one, two]


def test_source_style_round_trips(db):
    """`source style round-trips`: a ref, a list of refs, a config, a list of configs and a config with
    bindings read back as written (a config's collection under `collection` in API 4)."""
    collections, indexes = db.query("[Collections(), Indexes()]")
    assert index(db, "source_ref", "source: Collections()")["source"] == collections
    assert index(db, "source_ref_list", "source: [Collections(), Indexes()]")["source"] == [collections, indexes]
    assert index(db, "source_config", "source: {class: Collections()}")["source"] == {"collection": collections}
    made = index(db, "source_config_list", "source: [{class: Collections()}, {class: Indexes()}]")
    assert made["source"] == [{"collection": collections}, {"collection": indexes}]
    made = index(db, "querified", f'source: {{class: Collections(), fields: {{field1: {NICKNAME}}}}}, terms: [{{binding: "field1"}}]')
    assert list(made["source"]) == ["collection", "fields"] and list(made["source"]["fields"]) == ["field1"]


def test_enforces_uniqueness(db):
    """`enforces uniqueness`: over terms, and over terms and values."""
    db.query('Do(CreateCollection({name: "a"}), CreateCollection({name: "b"}))')
    index(db, "as", 'source: Collection("a"), terms: [{field: ["data", "a"]}], unique: true')
    index(db, "bs", 'source: Collection("b"), terms: [{field: ["data", "b"]}], values: [{field: ["data", "c"]}], unique: true')
    db.query('Create(Collection("a"), {data: {a: 1}})')
    db.query('Create(Collection("a"), {data: {a: 2}})')
    assert fails(db, 'Create(Collection("a"), {data: {a: 1}})').code == "instance not unique"
    db.query('Create(Collection("b"), {data: {b: 1, c: 1}})')
    db.query('Create(Collection("b"), {data: {b: 1, c: 2}})')
    assert fails(db, 'Create(Collection("b"), {data: {b: 1, c: 1}})').code == "instance not unique"


@pytest.mark.parametrize("unique", [False, True])
def test_detects_contention(db, unique):
    """`detects contention` and `unique indexes are also serialized`: core runs the 20 writes at once and
    retries on contention; fql's transactions are serial, so each reads the one before it, and the
    newest value is 20 either way."""
    db.query('CreateCollection({name: "contended"})')
    values = '[{field: ["data", "b"], reverse: true}, {field: ["data", "c"]}]' if unique else '[{field: ["data", "b"], reverse: true}]'
    flags = "unique: true" if unique else "serialized: true"
    index(db, "cont1", f'source: Collection("contended"), active: true, terms: [{{field: ["data", "a"]}}], values: {values}, {flags}')
    db.query('Create(Collection("contended"), {data: {a: 0, b: 0, c: 0}})')
    path = "[0, 0]" if unique else "0"
    for i in range(1, 21):
        db.query(
            f'Let({{i: Select({path}, Paginate(Match(Index("cont1"), 0)))}},'
            f' Create(Collection("contended"), {{data: {{a: 0, b: Add(1, Var("i")), c: {i}}}}}))'
        )
    assert db.query(f'Select({path}, Paginate(Match(Index("cont1"), 0)))') == 20


def test_concurrent_creation_of_indexes_and_collections(db):
    """`concurrent creation` (IndexSpec and CollectionSpec): ten indexes and ten collections, each its
    own; core makes them at once, fql one after another."""
    for i in range(1, 11):
        index(db, f"concurrent{i}", 'source: Collection("animals")')
        db.query(f'CreateClass({{name: "concurrent{i}"}})')
    assert db.query('Count(Indexes())') == 10
    names = db.query('Select("data", Map(Paginate(Collections(), {size: 100}), Lambda("c", Select("name", Get(Var("c"))))))')
    assert len(set(names)) == len(names) == 11


def test_complex_index_fanout(db):
    """`complex index fanout`: two indexes over two terms, one with a reversed `ts` value; the delete
    leaves them empty."""
    db.query('Do(CreateCollection({name: "people"}), CreateCollection({name: "relationships"}))')
    terms = 'terms: [{field: ["data", "follower"]}, {field: ["data", "active"]}]'
    index(db, "active_followees_by_follower", f'source: Collection("relationships"), active: true, {terms}, values: [{{field: ["data", "followee"]}}]')
    index(db, "latest_active_followees_by_follower", f'source: Collection("relationships"), active: true, {terms}, values: [{{field: "ts", reverse: true}}, {{field: ["data", "followee"]}}]')
    alice = db.query('Create(Collection("people"), {})')["ref"]
    bob = db.query('Create(Collection("people"), {})')["ref"]
    follow = db.query(
        f'Create(Collection("relationships"), {{data: {{follower: {fql.to_fql(bob)}, followee: {fql.to_fql(alice)}, active: true}}}})'
    )["ref"]
    count = 'Count(Match(Index("{}"), [{}, true]))'
    assert db.query(count.format("active_followees_by_follower", fql.to_fql(bob))) == 1
    assert db.query(count.format("latest_active_followees_by_follower", fql.to_fql(bob))) == 1
    db.query(f"Delete({fql.to_fql(follow)})")
    assert db.query(count.format("latest_active_followees_by_follower", fql.to_fql(bob))) == 0


def test_index_and_collection_already_exist(db):
    """`index already exists` (IndexSpec) and `collection already exists` (CollectionSpec), at the
    function's own position."""
    index(db, "someindex", 'source: Collection("animals")')
    err = fails(db, 'CreateIndex({name: "someindex", source: Collection("animals")})')
    assert (err.code, err.description, list(err.position)) == ("instance already exists", "Index already exists.", ["create_index"])
    err = fails(db, 'CreateClass({name: "animals"})')
    assert (err.code, err.description, list(err.position)) == ("instance already exists", "Collection already exists.", ["create_class"])


def test_ttl_index_entries(db):
    """`ttl index entries` and `update ttl`: a document whose ttl has passed (core sets it 5 s ahead
    and waits) leaves the index; one without stays."""
    index(db, "all_animals", 'active: true, source: Collection("animals")')
    index(db, "all_animals_one", 'partitions: 1, active: true, source: Collection("animals")')
    kept = db.query('Create(Collection("animals"), {})')["ref"]
    db.query('Create(Collection("animals"), {ttl: TimeSubtract(Now(), 1, "second")})')
    updated = db.query('Create(Collection("animals"), {})')["ref"]
    db.query(f'Update({fql.to_fql(updated)}, {{ttl: TimeSubtract(Now(), 1, "second")}})')
    for name in ("all_animals", "all_animals_one"):
        assert db.query(f'Select("data", Paginate(Match(Index("{name}"))))') == [kept]


def test_allow_insert_duplicate_entry_when_document_is_ttled(db):
    """`allow insert duplicate entry when document is TTL'ed`."""
    index(db, "unique_names", 'unique: true, active: true, source: Collection("animals"), values: [{field: ["data", "name"]}]')
    old = db.query('Create(Collection("animals"), {ttl: TimeSubtract(Now(), 1, "second"), data: {name: "dolly"}})')
    new = db.query('Create(Collection("animals"), {data: {name: "dolly"}})')
    assert new["ref"] != old["ref"]


def test_resolves_conflicting_history(db):
    """`resolves conflicting history`: an Insert over the delete leaves the index's history as it was;
    a Remove of the create empties it."""
    db.query('CreateCollection({name: "widgets"})')
    index(db, "widgets_by_price", 'source: Collection("widgets"), active: true, terms: [{field: ["data", "price"]}]')
    doc = fql.to_fql(db.query('Create(Collection("widgets"), {data: {price: 10}})')["ref"])
    assert db.query('Count(Match("widgets_by_price", 10))') == 1
    db.query(f"Delete({doc})")
    assert db.query('Count(Match("widgets_by_price", 10))') == 0
    create, delete = db.query(f"Select('data', Paginate(Events({doc})))".replace("'", '"'))
    db.query(f'Insert({doc}, {delete["ts"]}, "{delete["action"]}", {{}})')
    assert len(db.query('Select("data", Paginate(Events(Match("widgets_by_price", 10))))')) == 2
    db.query(f'Remove({doc}, {create["ts"]}, "{create["action"]}")')
    assert db.query('Select("data", Paginate(Events(Match("widgets_by_price", 10))))') == []


def test_preserves_multi_value_attributes_across_updates(db):
    """`preserves multi-value attributes across updates`."""
    db.query('CreateCollection({name: "organizations"})')
    index(db, "organizations_by_user", 'source: Collection("organizations"), terms: [{field: ["data", "teams", "users"]}]')
    org = 'Ref(Collection("organizations"), "1")'
    team = '{{name: "{}", users: {}}}'
    teams = lambda admins, moderators: f'[{team.format("admins", admins)}, {team.format("moderators", moderators)}]'  # noqa: E731
    db.query(f'Insert({org}, 1, "create", {{data: {{teams: {teams(["alice", "bob"], ["alice"])}}}}})'.replace("'", '"'))
    alice = 'Select("data", Paginate(Match("organizations_by_user", "alice")))'
    assert db.query(alice) == [db.query(org)]
    db.query(f'Update({org}, {{data: {{teams: {teams(["alice", "bob"], ["charlie"])}}}}})'.replace("'", '"'))
    assert db.query(alice) == [db.query(org)]
    db.query(f'Update({org}, {{data: {{teams: {teams(["bob"], ["charlie"])}}}}})'.replace("'", '"'))
    assert db.query(alice) == []


# -- CollectionSpec ---------------------------------------------------------------------------------------


def test_default_history_days(db):
    """`default history_days = 0`."""
    assert db.query('CreateCollection({name: "default"})')["history_days"] == 0


def test_hides_the_class_index_field(db):
    """`hides the class index field on render`, `... on contains` (nested too) and `... on select`
    (nested too): fql never stores core's legacy `has_class_index`, so no read finds it."""
    assert "has_class_index" not in db.query('Get(Collection("animals"))')
    assert db.query('Contains("has_class_index", Get(Collection("animals")))') is False
    assert db.query('Contains(["foo", "has_class_index"], {foo: Get(Collection("animals"))})') is False
    assert fails(db, 'Select("has_class_index", Get(Collection("animals")))').code == "value not found"
    assert fails(db, 'Select(["foo", "has_class_index"], {foo: Get(Collection("animals"))})').code == "value not found"


def test_deleting_a_class_removes_it_from_the_cache(db):
    """`deleting a class removes it from the cache` and `updating a class reflects in the cache`."""
    db.query('CreateCollection({name: "fooclass"})')
    db.query('Delete(Collection("fooclass"))')
    assert fails(db, 'Get(Collection("fooclass"))').code == "invalid ref"
    db.query('CreateCollection({name: "oldclass"})')
    db.query('Update(Collection("oldclass"), {name: "newclass"})')
    assert fails(db, 'Get(Collection("oldclass"))').description == "Ref refers to undefined collection 'oldclass'"


def test_deleting_a_collection_also_deletes_its_sole_source_indexes(db):
    """`deleting a collection also deletes all indexes for which it was the only source`."""
    db.query('CreateCollection({name: "cascade"})')
    for i in range(2):
        index(db, f"cascadeIndex{i}", 'source: Collection("cascade"), terms: [{field: ["data", "name"]}]')
    db.query('Delete(Collection("cascade"))')
    assert fails(db, 'Get(Collection("cascade"))').code == "invalid ref"
    for i in range(2):
        assert fails(db, f'Get(Index("cascadeIndex{i}"))').code == "invalid ref"


def test_can_create_multiple_classes_simultaneously(db):
    """`can create multiple classes simultaneously`."""
    db.query('[CreateClass({name: "simulone"}), CreateClass({name: "simultwo"})]')
    one, two = db.query('[Get(Collection("simulone")), Get(Collection("simultwo"))]')
    assert one["ref"] != two["ref"]



def test_indexes_now(db):
    """`indexes now`: Now() in a binding is core's unresolved snapshot time, Timestamp.MaxMicros, so
    ToMillis of it is Long.MaxValue / 1000; outside a binding it is the transaction's time."""
    db.query('CreateCollection({name: "nows"})')
    binding = 'Query(Lambda("inst", ToMillis(Now())))'
    index(db, "nows", f'source: {{class: Collection("nows"), fields: {{field1: {binding}}}}}, active: true, values: [{{binding: "field1"}}]')
    db.query('Create(Collection("nows"), {})')
    assert db.query('Select("data", Paginate(Match(Index("nows"))))') == [(2**63 - 1) // 1000]
    assert db.query("ToMillis(Now())") < 2**63 // 1000


@pytest.mark.parametrize("key", ["terms", "values"])
def test_terms_and_values_of_null_are_empty(db, key):
    """`terms may be empty` / `values may be empty` with `[null]`: the validator reads the fields after
    core's Validator.patch has applied them (`data patch diff`), and Data.patch drops nulls inside arrays,
    so `[null]` is stored as `[]`; a null beside a term is dropped the same way."""
    source = 'source: Collection("animals")'
    assert index(db, "null_only", f"{key}: [null], {source}")[key] == []
    assert db.query('Get(Index("null_only"))')[key] == []
    mixed = index(db, "mixed", f'{key}: [null, {{field: ["data", "a"]}}, null], {source}')
    assert mixed[key] == [{"field": ["data", "a"]}]
    assert db.query(f'Update(Index("null_only"), {{{key}: [null], {source}}})')[key] == []


def test_a_v4_update_drops_nulls_only_from_what_it_gives(db):
    """Core's Data.patch drops the nulls inside the diff's arrays and keeps the stored fields it does not
    touch: a v10 collection's `data` array holding null is kept by a v4 Update that writes other fields."""
    query_v10(db, 'Collection.create({name: "V", data: {a: [null, 1]}})')
    updated = db.query('Update(Collection("V"), {data: {b: [null, 2]}})')
    assert updated["data"] == {"a": [None, 1], "b": [2]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('Create(Collection("animals"), {data: 1})', (["data"], "Long", "Map")),
        ('Create(Collection("animals"), {data: [1]})', (["data"], "Array", "Map")),
        ('CreateKey({role: "server", data: Time("2020-01-01T00:00:00Z")})', (["data"], "Time", "Map")),
        ('CreateIndex({name: "i", source: Collection("animals"), partitions: 1.5})', (["partitions"], "Double", "Long")),
        ('CreateCollection({name: {a: 1}})', (["name"], "Map", "String")),
        ('CreateFunction({name: "f", body: Collection("animals")})', (["body"], "Ref", "Query")),
        ('CreateRole({name: "r", privileges: [5]})', (["privileges"], "Long", "Privilege")),
        ('CreateRole({name: "r", privileges: [], membership: "x"})', (["membership"], "String", "Membership")),
    ],
)
def test_invalid_types_name_the_stored_type(db, query, expected):
    """A field of the wrong type is `Invalid type <actual>, expected type <wanted>.` with both named as
    core's IR types name them (IRValue.scala vtypes, rendered by Renderable's encodeErrors): an integer is
    `Long` and an object `Map`, not the `Integer` and `Object` of v4's `invalid argument` errors;
    Document.DataValidator wants `data` a `Map`, and a role's privileges and membership are decoded by
    record codecs named for their classes (Role.scala: Privilege, Membership)."""
    field, actual, wanted = expected
    assert failure(db, query) == (field, "invalid type", f"Invalid type {actual}, expected type {wanted}.")
