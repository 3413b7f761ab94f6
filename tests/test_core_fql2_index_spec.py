"""Core's FQL2IndexSpec (ext/model/src/test/scala/fql2/FQL2IndexSpec.scala): v10 collection indexes, ported
through what a query sees of them (the documents an index call finds, in what order, the definition's
`status` and `queryable`, the errors), each test named after the spec case it comes from.

Ported elsewhere: "indexes support indexing arrays" (its ranges), "unique constraints apply even when sync
built after-the-fact" (tests/test_core_docs10.py); "indexes can MVA arrays" nested arrays, the Products
`from: 100` and `from: null` bounds, and `byID2({ from: '124' })` (tests/fixtures/v10/sets.fql).

Skipped, as core internals no query sees: "partitions are set correctly" (storage partitions), "read
partitions once" (pages read per partition), which backing index an index gets ("backing indexes are reused
on create / on replace / when mva is set / on delete / when adding more indexes / when renaming an index",
"... are not reused when updating an index", "indexes covering id ascending can reuse existing index"): their
user-visible halves, that each index finds the same documents afterwards, are ported. "swap updates
collections" (a task moving an index to a new backing index). "status is complete after async build",
"correctly reuses an index after an async build", "is failed if task is canceled", "queryable is true after
async build", "is false if task is canceled": fql builds every index in the transaction that defines it
(see the README), so there is no `building` status, build task, or cancelling one.
"""

from __future__ import annotations

import json
import threading

import pytest

import fql
from fql.server import v10
from tests.test_core_docs10 import answer, failure, ok


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret="secret")


def ids(db: fql.Database, query: str) -> list[str]:
    """The ids of the documents of the set `query` makes, in its order."""
    return ok(db, f"({query}).toArray().map(.id)")


PERSON = """Collection.create({
  name: "Person",
  indexes: {
    byName: { terms: [{ field: "name" }] },
    byAge: { terms: [{ field: "age" }] }
  }
})"""


# "indexes are created via create": in the order defined, each finding the document by its term.
def test_indexes_are_created_via_create(db):
    ok(db, PERSON)
    assert ok(db, "Object.keys(Person.definition.indexes)") == ["byName", "byAge"]
    ok(db, 'Person.create({ id: 1, name: "John", age: 50 })')
    assert ids(db, 'Person.byName("John")') == ["1"]
    assert ids(db, "Person.byAge(50)") == ["1"]
    assert ids(db, 'Person.byName("Jane")') == []


# "indexes can cover values of ts and ttl": the entry's values are the document's ts, then its ttl.
def test_indexes_can_cover_ts_and_ttl(db):
    ok(db, 'Collection.create({ name: "Person", indexes: { byName: { terms: [{ field: "name" }],'
           ' values: [{ field: "ts" }, { field: "ttl" }] } } })')
    ok(db, 'Person.create({ id: 1, name: "John", ttl: Time.now().add(3, "days"), age: 50 })')
    doc = "Person.byId(1)!"
    assert ids(db, f'Person.byName("John", {{ from: [{doc}.ts, {doc}.ttl] }})') == ["1"]
    assert ids(db, f'Person.byName("John", {{ to: [{doc}.ts, {doc}.ttl] }})') == ["1"]
    assert ids(db, f'Person.byName("John", {{ from: [{doc}.ts, {doc}.ttl!.add(1, "millisecond")] }})') == []
    assert ids(db, f'Person.byName("John", {{ to: [{doc}.ts, {doc}.ttl!.subtract(1, "millisecond")] }})') == []


# "indexes can cover id": an id bound is an ID, a number or a string of digits; null is before every id
# (so includes them all going up, none going down), any other value after every id.
def test_indexes_can_cover_id(db):
    ok(db, "Collection.create({ name: 'Person', indexes: { byID2: { values: [{ field: 'id' }] },"
           " byIDDesc: { values: [{ field: 'id', order: 'desc' }] },"
           " byIDAnd: { values: [{ field: 'id'}, { field: 'name' }] } } })")
    ok(db, "Person.create({ id: '123', name: 'John' }); Person.create({ id: '456', name: 'Alice' })")
    assert ids(db, "Person.byID2()") == ["123", "456"]
    assert ids(db, "Person.byID2({ from: 124 })") == ["456"]
    assert ids(db, "Person.byID2({ from: ID('124') })") == ["456"]
    assert ids(db, "Person.byIDDesc({ from: 'a' })") == ["456", "123"]
    assert ids(db, "Person.byIDDesc({ from: null })") == []
    assert ids(db, "Person.byIDAnd({ from: ['a'] })") == []
    assert ids(db, "Person.byIDAnd({ from: [null] })") == ["123", "456"]
    assert ids(db, "Person.byID2({ from: 'a' })") == []
    assert ids(db, "Person.byID2({ from: null })") == ["123", "456"]


# "indexes covering id ascending can reuse existing index": an index covering id twice, and one added
# beside it covering it once, both range over ids.
def test_indexes_covering_id_twice(db):
    ok(db, "Collection.create({ name: 'Person', indexes: { byID1: { values: [{ field: 'id' }, { field: 'id' }] } } })")
    ok(db, "Person.create({ id: '123', name: 'John' }); Person.create({ id: '456', name: 'Alice' })")
    ok(db, "Collection.byName('Person')!.update({ indexes: { byID1: { values: [{ field: 'id' }, { field: 'id' }] },"
           " byID2: { values: [{ field: 'id' }] } } })")
    assert ids(db, "Person.byID1({ from: ID('124') })") == ["456"]
    assert ids(db, "Person.byID2({ from: ID('124') })") == ["456"]


# "ttl can be used in index terms".
def test_ttl_as_a_term(db):
    ok(db, 'Collection.create({ name: "Person", indexes: { byTtl: { terms: [{ field: "ttl" }] } } })')
    assert ok(db, 'let ttl = Time.now().add(3, "days")\n'
                  'let doc = Person.create({ name: "John", ttl: ttl, age: 50 })\n'
                  "Person.byTtl(ttl).paginate().data == [doc]") is True
    assert ok(db, "Person.byTtl(Person.all().first()!.ttl).paginate().data.map(.name)") == ["John"]


# "documents with that don't have covered values are still indexed if they have indexed terms present".
def test_documents_without_covered_values_are_indexed(db):
    ok(db, 'Collection.create({ name: "Person", indexes: { byA: { terms: [{ field: "a" }], values: [{ field: "b" }] } } })')
    ok(db, "Person.create({ id: 1, a: 'indexMe!' }); Person.create({ id: 2, b: 'non indexed doc' })")
    assert ids(db, "Person.byA('indexMe!')") == ["1"]


PRODUCTS = """Collection.create({{
  name: "Products",
  indexes: {{
    byPrice: {{
      terms: [{{ field: "category" }}],
      values: [{{ field: "price"{order} }}, {{ field: "count"{order} }}]
    }}
  }}
}})"""
# 1 has neither value, 2 a price, 3 a count, 4 both.
SPORTS = (
    "Products.create({ id: 1, category: 'sports' }); Products.create({ id: 2, category: 'sports', price: 1000 });"
    " Products.create({ id: 3, category: 'sports', count: 200 });"
    " Products.create({ id: 4, category: 'sports', price: 300, count: 300 })"
)


# "documents with null value come after documents in unbounded to queries and don't show up in bounded to
# queries" (`(a, b)` is a tuple, which a range takes as the array `[a, b]`).
@pytest.mark.parametrize(
    ("bounds", "found"),
    [
        ("{ from: (100, 100) }", ["4", "2", "3", "1"]),
        ("{ from: (null, null) }", ["1"]),
        ("{ to: 1000 }", ["4", "2"]),
        ("{ to: (1000, 1000) }", ["4"]),
        ("{ to: null }", ["4", "2", "3", "1"]),
        ("{ to: (null, null) }", ["4", "2", "3", "1"]),
    ],
)
def test_null_values_ascending(db, bounds, found):
    ok(db, PRODUCTS.format(order=""))
    ok(db, SPORTS)
    assert ids(db, f"Products.byPrice('sports', {bounds})") == found


# "documents with null values in a desc index show up first in unbounded from queries and don't show up in
# bounded from queries".
@pytest.mark.parametrize(
    ("bounds", "found"),
    [
        ("{ to: 100 }", ["1", "3", "2", "4"]),
        ("{ to: (100, 100) }", ["1", "3", "2", "4"]),
        ("{ to: null }", ["1", "3"]),
        ("{ to: (null, null) }", ["1"]),
        ("{ from: 1000 }", ["2", "4"]),
        ("{ from: (1000, 1000) }", ["4"]),
        ("{ from: null }", ["1", "3", "2", "4"]),
        ("{ from: (null, null) }", ["1", "3", "2", "4"]),
    ],
)
def test_null_values_descending(db, bounds, found):
    ok(db, PRODUCTS.format(order=', order: "desc"'))
    ok(db, SPORTS)
    assert ids(db, f"Products.byPrice('sports', {bounds})") == found


# "handles indexing refs to deleted collection": an index added over a document whose field refers to a
# document of a deleted collection indexes nothing for it.
def test_indexing_refs_to_a_deleted_collection(db):
    ok(db, "Collection.create({ name: 'B' })")
    ok(db, "B.create({ id: 0, foo: 1 })")
    ok(db, "Collection.create({ name: 'A' })")
    ok(db, "A.create({ id: 0, b: B.byId(0) })")
    ok(db, "B.definition.delete()")
    ok(db, 'A.definition.update({ indexes: { byBFoo: { terms: [{ field: ".b.foo" }] } } })')
    assert ok(db, "A.byBFoo(1).isEmpty()") is True


NO_MVA = """Collection.create({
  name: "Person",
  indexes: { noMva: { terms: [{ field: "a" }], values: [{ field: "b" }] } }
})"""


# "non-MVA" / "indexes support indexing objects": objects compare by their fields, whatever their order;
# a bound object is a prefix of the objects it begins.
def test_non_mva_indexing_objects(db):
    ok(db, NO_MVA)
    ok(db, "Person.create({ id: 1, a: 'obj', b: { x: 1, y: 1 } }); Person.create({ id: 2, a: 'obj', b: { y: 2, x: 2 } });"
           " Person.create({ id: 3, a: 'obj', b: { x: 3, y: 3 } }); Person.create({ id: 4, a: 'obj', b: { y: 4, x: 4 } })")
    assert ids(db, "Person.noMva('obj')") == ["1", "2", "3", "4"]
    assert ids(db, "Person.noMva('obj', { from: { x: 2, y: 2 }, to: { y: 3, x: 3 } })") == ["2", "3"]
    assert ids(db, "Person.noMva('obj', { from: { x: 2 }, to: { x: 4 } })") == ["2", "3"]
    ok(db, "Person.create({ id: 5, a: { x: 1, y: 1 }, b: 1 }); Person.create({ id: 6, a: { y: 1, x: 1 }, b: 2 })")
    assert ids(db, "Person.noMva({ y: 1, x: 1 })") == ["5", "6"]
    assert ids(db, "Person.noMva({ x: 1, y: 1 })") == ["5", "6"]


# "non-MVA" / "indexes support indexing arrays": an array value is one value, and one term.
def test_non_mva_indexing_arrays(db):
    ok(db, NO_MVA)
    ok(db, "[[1, 2], [3, 4], [5, 6], [7, 8]].forEach(b => Person.create({ id: b[0], a: 'arr', b: b }))")
    assert ids(db, "Person.noMva('arr')") == ["1", "3", "5", "7"]
    ok(db, "Person.create({ id: 11, a: [1, 2], b: 1 }); Person.create({ id: 12, a: [1, 2], b: 2 })")
    assert ids(db, "Person.noMva([1, 2])") == ["11", "12"]
    assert ids(db, "Person.noMva(1)") == []


# "indexes can MVA arrays".
def test_mva_arrays(db):
    ok(db, 'Collection.create({ name: "Person", indexes: { mva: { terms: [{ field: "a", mva: true }] } } })')
    ok(db, "Person.create({ id: 1, a: [1, 2] })")
    assert ids(db, "Person.mva(1)") == ["1"]
    assert ids(db, "Person.mva(2)") == ["1"]
    assert ids(db, "Person.mva([1, 2])") == []


# "MVA values are discarded from partials": an entry for each element of the mva value, and the document
# read from one has its fields as stored (core reads the mva field from the document, not the entry).
def test_mva_values_read_whole(db):
    ok(db, 'Collection.create({ name: "Foo", indexes: { mva: { values: [{ field: "a", mva: false },'
           ' { field: "b", mva: true }, { field: "c", mva: false }] } } })')
    ok(db, "Foo.create({ a: [1, 2], b: [3, 4], c: [5, 6] })")
    assert ok(db, "Foo.mva().map(.data).first()") == {"a": [1, 2], "b": [3, 4], "c": [5, 6]}
    assert ok(db, "Foo.mva().count()") == 2
    assert ok(db, "Foo.mva({ from: [[1, 2], 4] }).map(.b).toArray()") == [[3, 4]]


# "MVA terms are discarded from partials" / "terms and values show up in partials".
def test_terms_and_values_read_through_an_index(db):
    ok(db, 'Collection.create({ name: "Product", indexes: {'
           ' byName: { terms: [{ field: "nameMva", mva: true }, { field: "name" }] },'
           ' byPrice: { terms: [{ field: "name" }], values: [{ field: "price" }] } } })')
    data = ok(db, 'Product.create({ name: "basketball", nameMva: "soccer", price: 100 })\n'
                  'Product.byName("soccer", "basketball").map(.data).first()')
    assert data == {"name": "basketball", "nameMva": "soccer", "price": 100}
    assert ok(db, 'Product.byPrice("basketball").map(.data).first()') == data


# "collection indexes are hidden from FQL 4".
def test_collection_indexes_hidden_from_v4(db):
    ok(db, PERSON)
    assert db.query("Paginate(Indexes())").data == []
    assert db.query("Paginate(Documents(Indexes()))").data == []


# "indexes are created when added to collections via update": over the documents written after, with the
# values' orders as defined.
def test_indexes_added_via_update(db):
    ok(db, "Collection.create({ name: 'Person' }); Collection.create({ name: 'Author' })")
    ok(db, """Person.definition.update({
  indexes: {
    byName: {
      terms: [{ field: "name" }],
      values: [{ field: "occupation" }, {field: "years", order: "desc"}]
    }
  }
})
Author.definition.update({ indexes: { byName: { terms: [{ field: "lastName" }] } } })""")
    assert ok(db, "[Object.keys(Person.definition.indexes), Object.keys(Author.definition.indexes)]") == [
        ["byName"],
        ["byName"],
    ]
    ok(db, 'Person.create({ id: 1, name: "Jewel", occupation: "Doctor", years: 17 });'
           ' Person.create({ id: 2, name: "Jewel", occupation: "Doctor", years: 20 })')
    ok(db, 'Author.create({ id: 1, lastName: "Cardamom", rating: 4, genre: "fantasy" })')
    assert ids(db, 'Person.byName("Jewel")') == ["2", "1"]
    assert ids(db, 'Person.byName("Jewel", { from: ["Doctor", 17] })') == ["1"]
    assert ids(db, 'Author.byName("Cardamom")') == ["1"]


# "indexes are deleted when removed from collections via update".
def test_indexes_removed_via_update(db):
    ok(db, PERSON)
    ok(db, "Person.definition.update({ indexes: { byName: null } })")
    assert ok(db, "Object.keys(Person.definition.indexes)") == ["byAge"]
    assert failure(db, "Person.byName('x')")[0] == "invalid_query"
    code, message, _ = failure_untyped(db, "Person.byName('x')")
    assert (code, message) == ("invalid_function_invocation", "The function `byName` does not exist on `Person`")
    ok(db, "Person.definition.update({ indexes: { byAge: null } })")
    assert ok(db, "Person.definition.indexes") == {}


def failure_untyped(db: fql.Database, query: str) -> tuple[str, str, str]:
    body = json.loads(v10.query(db, {"query": query}, "secret", {"x-format": "simple", "x-typecheck": "false"}, 0).body)
    return body["error"]["code"], body["error"]["message"], body["summary"]


# "indexes are recreated when updated from collections via update": the new values cover the documents
# written before.
def test_index_redefined_via_update(db):
    ok(db, 'Collection.create({ name: "Person", indexes: { byName: { terms: [{ field: "name" }] } } })')
    ok(db, 'Person.create({ id: 1, name: "John", age: 50 }); Person.create({ id: 2, name: "John", age: 40 })')
    assert ids(db, 'Person.byName("John")') == ["1", "2"]
    ok(db, 'Person.definition.update({ indexes: { byName: { terms: [{ field: "name" }],'
           ' values: [{ field: "age" }, { field: "name" }] } } })')
    assert ids(db, 'Person.byName("John")') == ["2", "1"]
    assert ids(db, 'Person.byName("John", { from: [50, "John"] })') == ["1"]


# "indexes are deleted when collection is deleted": a collection made again under the name has none.
def test_indexes_deleted_with_their_collection(db):
    ok(db, PERSON)
    ok(db, "Person.create({ name: 'John', age: 50 })")
    ok(db, "Person.definition.delete()")
    ok(db, "Collection.create({ name: 'Person' })")
    assert ok(db, "Person.definition.indexes") == {}
    assert failure_untyped(db, "Person.byName('John')")[0] == "invalid_function_invocation"
    assert db.query("Paginate(Indexes())").data == []


SORTED_TWICE = """Collection.create({
  name: "Person",
  indexes: {
    byNameSortedByName1: { terms: [{ field: "name" }], values: [{ field: "name" }] },
    byNameSortedByName2: { terms: [{ field: "name" }], values: [{ field: "name" }] }
  }
})"""


# "backing indexes are reused on create" / "on replace" / "on delete": two indexes of one definition each
# find the documents, after a replace keeping them, and after the other is removed.
def test_indexes_of_one_definition(db):
    ok(db, SORTED_TWICE)
    ok(db, "Person.create({ id: 1, name: 'Bob' })")
    assert ids(db, "Person.byNameSortedByName1('Bob')") == ids(db, "Person.byNameSortedByName2('Bob')") == ["1"]
    ok(db, "Person.definition.replace({ name: 'Person', indexes: {"
           " byNameSortedByName1: { terms: [{ field: 'name' }], values: [{ field: 'name' }] },"
           " byNameSortedByName2: { terms: [{ field: 'name' }], values: [{ field: 'name' }] } } })")
    assert ok(db, "Object.keys(Person.definition.indexes)") == ["byNameSortedByName1", "byNameSortedByName2"]
    assert ids(db, "Person.byNameSortedByName2('Bob')") == ["1"]
    ok(db, "Person.definition.update({ indexes: { byNameSortedByName2: null } })")
    assert ok(db, "Object.keys(Person.definition.indexes)") == ["byNameSortedByName1"]
    assert ids(db, "Person.byNameSortedByName1('Bob')") == ["1"]
    ok(db, "Person.definition.update({ indexes: { byNameSortedByName1: null } })")
    assert ok(db, "Person.definition.indexes") == {}


# "backing indexes are re-used when mva is set": `mva: false` said, and `.name` for `name`, is the same index.
def test_index_redefined_with_mva_false(db):
    ok(db, 'Collection.create({ name: "Product", indexes: { byName: { terms: [{ field: "name"}], values: [{ field: "name"}] } } })')
    ok(db, "Product.create({ id: 1, name: ['a', 'b'] })")
    ok(db, 'Product.definition.update({ indexes: { byName: { terms: [{ field: ".name", mva: false }],'
           ' values: [{ field: ".name", mva: false }] } } })')
    assert ids(db, "Product.byName(['a', 'b'])") == ["1"]
    assert ids(db, "Product.byName('a')") == []


# "backing indexes are reused when adding more indexes" / "... when renaming an index": the index added
# finds the documents written before it.
def test_index_added_or_renamed_over_existing_documents(db):
    ok(db, 'Collection.create({ name: "Person", indexes: { byNameSortedByName1: { terms: [{ field: "name" }],'
           ' values: [{ field: "name" }] } } })')
    ok(db, "Person.create({ id: 1, name: 'Bob' })")
    ok(db, 'Person.definition.update({ indexes: { byNameSortedByName2: { terms: [{ field: "name" }],'
           ' values: [{ field: "name" }] } } })')
    assert ok(db, "Object.keys(Person.definition.indexes)") == ["byNameSortedByName1", "byNameSortedByName2"]
    assert ids(db, "Person.byNameSortedByName2('Bob')") == ["1"]
    ok(db, 'Person.definition.update({ indexes: { byNameSortedByName1: null, byNameSortedByName3: {'
           ' terms: [{ field: "name" }], values: [{ field: "name" }] } } })')
    assert ok(db, "Object.keys(Person.definition.indexes)") == ["byNameSortedByName2", "byNameSortedByName3"]
    assert ids(db, "Person.byNameSortedByName3('Bob')") == ["1"]


# "backing indexes are not reused when updating an index": the index redefined changes, its twin does not.
def test_redefining_one_of_two_like_indexes(db):
    ok(db, 'Collection.create({ name: "Person", indexes: {'
           ' byName: { terms: [{ field: "name" }], values: [{ field: "name" }] },'
           ' byName2: { terms: [{ field: "name" }], values: [{ field: "name" }] },'
           ' byAge: { terms: [{ field: "age" }], values: [{ field: "age" }] } } })')
    ok(db, "Person.create({ id: 1, name: 'Bob', age: 30 }); Person.create({ id: 2, name: 'Bob', age: 20 })")
    ok(db, 'Person.definition.update({ indexes: { byName: { terms: [{ field: "name" }],'
           ' values: [{ field: "name" }, { field: "age" }] } } })')
    assert ok(db, "Object.keys(Person.definition.indexes)") == ["byName", "byName2", "byAge"]
    assert ids(db, "Person.byName('Bob')") == ["2", "1"]
    assert ids(db, "Person.byName2('Bob')") == ["1", "2"]
    assert ids(db, "Person.byName('Bob', { from: ['Bob', 25] })") == ["1"]


# "backing index can not be provided on create or update".
def test_backing_indexes_cannot_be_given(db):
    given = (
        'backingIndexes: { byNameSortedByName: { indexID: "iid" } },'
        ' indexes: { byNameSortedByName: { terms: [{ field: "name" }], values: [{ field: "name" }] } }'
    )
    assert failure_untyped(db, f'Collection.create({{ name: "Person", {given} }})')[0] == "constraint_failure"
    ok(db, "Collection.create({ name: 'Person' })")
    assert failure_untyped(db, f"Person.definition.update({{ {given} }})")[0] == "constraint_failure"
    assert ok(db, "Person.definition.indexes") == {}


# "status" / "is complete after sync build"; "queryable" / "is true after sync build".
def test_index_over_existing_documents_is_complete_and_queryable(db):
    ok(db, "Collection.create({ name: 'Person' })")
    ok(db, "Set.sequence(0, 128).forEach(i => Person.create({ foo: i }))")
    ok(db, 'Person.definition.update({ indexes: { byName: { terms: [{ field: "name" }] } } })')
    assert ok(db, "[Person.definition.indexes.byName?.status, Person.definition.indexes.byName?.queryable]") == [
        "complete",
        True,
    ]


# "status" / "cannot be updated".
@pytest.mark.parametrize(
    "index",
    ["{ status: 'Building', terms: [{ field: \"name\" }] }", "{ status: 'Building' }"],
    ids=["new", "existing"],
)
def test_status_cannot_be_updated(db, index):
    ok(db, "Collection.create({ name: 'Person' })")
    if "terms" not in index:
        ok(db, 'Person.definition.update({ indexes: { byName: { terms: [{ field: "name" }] } } })')
    body = answer(db, f"Person.definition.update({{ indexes: {{ byName: {index} }} }})")
    assert body["error"]["code"] == "constraint_failure"
    assert body["error"]["message"] == "Failed to update Collection `Person`."
    assert body["summary"].startswith(
        "error: Failed to update Collection `Person`.\nconstraint failures:\n"
        "  indexes.byName.status: Failed to update field because it is readonly\n"
    )


ALBUMS = 'Collection.create({ name: "Albums", indexes: { byArtist: { terms: [{ field: "Artist" }] } } })'


# "internal and read-only fields (backing index and status)" / "are maintained for unchanged index
# definitions in replace call" and "... that only change the queryable field".
@pytest.mark.parametrize(("queryable", "expected"), [("", True), (", queryable: false", False)])
def test_replace_keeps_an_index_status(db, queryable, expected):
    ok(db, ALBUMS)
    ok(db, "Albums.create({ id: 1, Artist: 'Eno' })")
    ok(db, f'Albums.definition.replace({{ name: "Albums", history_days: 76,'
           f' indexes: {{ byArtist: {{ terms: [{{ field: "Artist" }}]{queryable} }} }} }})')
    assert ok(db, "Albums.definition { history_days, indexes }") == {
        "history_days": 76,
        "indexes": {"byArtist": {"terms": [{"field": "Artist"}], "queryable": expected, "status": "complete"}},
    }
    ok(db, "Albums.definition.update({ indexes: { byArtist: { queryable: true } } })")
    assert ids(db, "Albums.byArtist('Eno')") == ["1"]


# "queryable" / "can be updated".
def test_queryable_can_be_updated(db):
    ok(db, "Collection.create({ name: 'Person' })")
    ok(db, 'Person.create({ id: 7, name: "foo" })')
    ok(db, 'Person.definition.update({ indexes: { byName: { terms: [{ field: "name" }] } } })')
    assert ok(db, 'Person.byName("foo").first()!.id') == "7"
    ok(db, "Person.definition.update({ indexes: { byName: { queryable: false } } })")
    assert failure(db, 'Person.byName("foo")')[:2] == (
        "invalid_index_invocation",
        "The index `Person.byName` is not queryable.",
    )
    ok(db, "Person.definition.update({ indexes: { byName: { queryable: true } } })")
    assert ok(db, 'Person.byName("foo").first()!.id') == "7"


# "unique constraints" / "apply even when async built after-the-fact": over more documents than core
# builds in the transaction (its Index.BuildSyncSize); fql builds it there too.
def test_unique_constraint_over_many_duplicates(db):
    ok(db, "Collection.create({ name: 'Person' })")
    ok(db, "Set.sequence(0, 129).forEach(_ => Person.create({ name: 'Bob' }))")
    ok(db, 'Person.definition.update({ constraints: [{ unique: [{ field: "name" }] }] })')
    assert failure(db, "Person.create({ name: 'Bob' })")[0] == "constraint_failure"
    assert ok(db, "Person.all().count()") == 129


# "computed fields" / "emit no index rows if the computation produces a non-persistable value / explodes /
# isn't pure": in a database that is not typechecked, a document whose indexed computed field cannot be
# computed so has no entry; the others have theirs.
@pytest.mark.parametrize("ret", ["(_ => 1)", "1/0", "Foo.byId(doc.id)!.y"], ids=["non-persistable", "explodes", "impure"])
def test_computed_field_that_cannot_be_indexed(db, ret):
    ok(db, "Database.create({ name: 'untyped', typechecked: false })")

    def run(query: str) -> object:
        body = json.loads(v10.query(db, {"query": query}, "secret:untyped:admin", {"x-format": "simple"}, 0).body)
        assert "error" not in body, body
        return body["data"]

    run(f'Collection.create({{ name: "Foo", computed_fields: {{ a: {{ body: "doc => if (doc.x == 0) {ret} else 0" }} }},'
        ' indexes: { byA: { terms: [{ field: ".a" }] } } })')
    run("Foo.create({ id: 1, x: 1, y: 5 }); Foo.create({ id: 0, x: 0, y: 5 }); null")
    assert run("Foo.byA(0).toArray().map(.id)") == ["1"]
    assert run("Foo.byA(5).toArray().map(.id)") == []
    assert run("Foo.all().toArray().map(.id)") == ["0", "1"]


# "v10 indexes are serialized": queries that each read the index's last entry and write the next one, run
# at once, see each other's writes.
def test_index_reads_and_writes_are_serialized(db):
    ok(db, 'Collection.create({ name: "Visitor", indexes: { byName: { terms: [{ field: "a" }], values: [{ field: "b" }] } } })')
    ok(db, "Visitor.create({ a: 0, b: 0 })")
    query = "let i = Visitor.byName(0).last()!.b\nVisitor.create({ a: 0, b: i + 1 })"
    errors: list = []

    def visit() -> None:
        body = answer(db, query)
        if "error" in body:
            errors.append(body["error"])

    threads = [threading.Thread(target=visit) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert ok(db, "Visitor.byName(0).last()!.b") == 20


# "index lookup handles NaN correctly": a document covering NaN leaves the index when deleted.
def test_nan_value_removed_with_its_document(db):
    db.push_schema({"main.fsl": "collection Foo {\n  index byX {\n    terms [.x]\n    values [.y]\n  }\n}"})
    ok(db, "Foo.create({ id: 0, x: 1, y: Math.NaN })")
    assert ok(db, "Foo.byX(1).count()") == 1
    ok(db, "Foo.byId(0)!.delete()")
    assert ok(db, "Foo.byX(1).count()") == 0



# Not a case of the spec: an index orders a Long and a Double by value, so 1 and 1.0 are one place and the
# document decides (core's CBOROrdering.compareIntNumber finds them equal, IndexTuple.compare goes on to
# the docID), ascending or descending, and a range bound of either takes both; a term of one finds only
# its own type (an index's rows are keyed by their terms' encoding).
def test_whole_doubles_sort_with_their_longs(db):
    ok(db, """Collection.create({ name: "N", indexes: {
      byV: { values: [{ field: ".v" }] },
      byVDesc: { values: [{ field: ".v", order: "desc" }] },
      byT: { terms: [{ field: ".v" }] }
    } })""")
    ok(db, "[[1, 1.0], [2, 1], [3, 1.0], [4, 1], [5, 1.5], [6, 0.5]].forEach(p => N.create({ id: p[0], v: p[1] }))")

    def typed(query: str) -> list[tuple[str, str]]:
        return [(type(v).__name__, i) for v, i in ok(db, f"({query}).toArray().map(d => [d.v, d.id])")]

    ones = [("float", "1"), ("int", "2"), ("float", "3"), ("int", "4")]
    assert typed("N.byV()") == [("float", "6"), *ones, ("float", "5")]
    assert typed("N.byVDesc()") == [("float", "5"), *ones, ("float", "6")]
    assert typed("N.byV({ from: 1, to: 1 })") == ones
    assert typed("N.byV({ from: 1.0, to: 1.0 })") == ones
    assert typed("N.byVDesc({ from: 1, to: 0.5 })") == [*ones, ("float", "6")]
    assert ids(db, "N.byT(1)") == ["2", "4"]
    assert ids(db, "N.byT(1.0)") == ["1", "3"]
    page = ok(db, "N.byV().pageSize(3).paginate().after")
    assert [i for _, i in ok(db, f"Set.paginate({json.dumps(page)}).data.map(d => [d.v, d.id])")] == ["3", "4", "5"]
