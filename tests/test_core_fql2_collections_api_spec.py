"""Core's api FQL2CollectionsSpec (ext/api fql2): v10 collections made, listed, updated and used through
`/query/1` (in-process, root secret, simple format; tests/core_fql2_root.py), with their indexes, aliases,
unique and check constraints. Each test names the spec case it comes from.

Ported elsewhere: "check constraints" / "run only once" (tests/test_core_sets10.py).

Left out:
- "fails for invalid unique constraint definition": core's typechecker words the whole Collection.create
  signature and four causes; fql's checker does not report a struct that misses every member of a union of
  structs (the untypechecked constraint failure is covered in tests/test_collection_fields.py).
"""

from __future__ import annotations

import pytest

import fql
from tests.core_fql2_root import answer, failure, ok
from tests.helpers import QueryEndpoint

PROTECTED = "secret:p:admin"


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret="secret")


def summary(db, query: str, **kw) -> str:
    return failure(db, query, **kw)["summary"]


def code(db, query: str, **kw) -> str:
    return failure(db, query, **kw)["error"]["code"]


def person_collection(db, indexes: str) -> None:
    ok(db, f'Collection.create({{\n  name: "Person",\n  indexes: {{\n{indexes}\n  }}\n}})\n')


PEOPLE = [("bob", 40), ("bob", 20), ("alice", 21), ("alice", 41), ("mark", 22), ("mark", 42)]


def make_persons(db) -> None:
    """core's makePersons."""
    ok(db, "\n".join(f'Person.create({{name: "{name}", age: {age}}})' for name, age in PEOPLE) + "\n")


def people(page: dict) -> list[tuple[str, int]]:
    return [(doc["name"], doc["age"]) for doc in page["data"]]


# -- "create" -------------------------------------------------------------------------------------------


def test_create_collection_schema(db):
    """create / create collection schema"""
    made = ok(db, 'Collection.create({name: "Book"})')
    assert (made["name"], made["coll"], "id" in made) == ("Book", "Collection", False)
    doc = ok(db, "Book.create({ title: \"The Hitchhiker's Guide to the Galaxy\" })")
    assert (doc["title"], doc["coll"], "id" in doc) == ("The Hitchhiker's Guide to the Galaxy", "Book", True)
    ok(db, "Book.all()")


def test_create_collection_reserved_name_error(db):
    """create / collection reserved name error"""
    body = failure(db, 'Collection.create({name: "Collection"})')
    assert body["error"]["code"] == "constraint_failure"
    assert body["error"]["message"] == "Failed to create Collection."
    assert body["summary"] == (
        "error: Failed to create Collection.\n"
        "constraint failures:\n"
        "  name: The identifier `Collection` is reserved.\n"
        "at *query*:1:18\n"
        "  |\n"
        '1 | Collection.create({name: "Collection"})\n'
        "  |                  ^^^^^^^^^^^^^^^^^^^^^^\n"
        "  |"
    )


def test_create_accepts_optional_data(db):
    """create / accepts an optional `data` field for arbitrary metadata object"""
    made = ok(db, 'Collection.create({\n  name: "Thing",\n  data: { foo: "bar" }\n})')
    assert (made["name"], made["coll"], made["data"], "id" in made) == ("Thing", "Collection", {"foo": "bar"}, False)


THING = 'Collection.create({\n  name: "Thing",\n  data: "foobar"\n})'


def test_create_only_accepts_objects_for_data(db):
    """create / only accepts objects for `data` field"""
    body = failure(db, THING, typecheck=False)
    assert body["error"] == {
        "code": "constraint_failure",
        "message": "Failed to create Collection.",
        "constraint_failures": [{"paths": [["data"]], "message": "Expected { *: Any } | Null, provided String"}],
    }
    assert body["summary"] == (
        "error: Failed to create Collection.\n"
        "constraint failures:\n"
        "  data: Expected { *: Any } | Null, provided String\n"
        "at *query*:1:18\n"
        "  |\n"
        "1 |   Collection.create({\n"
        "  |  __________________^\n"
        '2 | |   name: "Thing",\n'
        '3 | |   data: "foobar"\n'
        "4 | | })\n"
        "  | |__^\n"
        "  |"
    )


def test_create_only_accepts_objects_for_data_typechecked(db):
    """create / only accepts objects for `data` field (typechecked)"""
    body = failure(db, THING)
    assert body["error"] == {"code": "invalid_query", "message": "The query failed 1 validation check"}
    assert body["summary"] == (
        "error: Type `String` is not a subtype of `Null | { *: Any }`\n"
        "at *query*:3:9\n"
        "  |\n"
        '3 |   data: "foobar"\n'
        "  |         ^^^^^^^^\n"
        "  |"
    )


def test_create_allows_setting_ids(db):
    """create / allows setting ids"""
    ok(db, 'Collection.create({ name: "Book" })')
    doc = ok(db, 'Book.create({ id: "0", name: "The First Book" })')
    assert (doc["id"], doc["name"]) == ("0", "The First Book")
    doc2 = ok(db, 'Book.create({ id: 1, name: "The Second Book" })')
    assert (doc2["id"], doc2["name"]) == ("1", "The Second Book")
    got = ok(db, 'Book.byId("0")')
    assert (got["id"], got["name"]) == ("0", "The First Book")
    assert code(db, 'Book.create({ id: "0", title: "The 1st Book" })') == "document_id_exists"
    negative = failure(db, 'Book.create({ id: "-1", title: "X" })')["error"]
    assert negative["code"] == "constraint_failure"
    assert "id must be nonnegative" in negative["constraint_failures"][0]["message"]
    word = failure(db, 'Book.create({ id: "taco", title: "Taco" })')["error"]
    assert word["code"] == "constraint_failure"
    assert word["constraint_failures"][0]["message"] == "Expected ID | String | Long, provided String"
    struct = failure(db, 'Book.create({ id: { x: 1 }, title: "Taco" })', typecheck=False)["error"]
    assert struct["code"] == "constraint_failure"
    assert struct["constraint_failures"][0]["message"] == "Expected ID | String | Long, provided { x: Int }"
    checked = failure(db, 'Book.create({ id: { x: 1 }, title: "Taco" })')
    assert checked["error"]["code"] == "invalid_query"
    assert checked["summary"] == (
        "error: Type `{ x: 1 }` is not a subtype of `Null | ID`\n"
        "at *query*:1:19\n"
        "  |\n"
        '1 | Book.create({ id: { x: 1 }, title: "Taco" })\n'
        "  |                   ^^^^^^^^\n"
        "  |"
    )


# -- "list all" -----------------------------------------------------------------------------------------


def test_list_all_collections(db):
    """list all / list all collections"""
    names = ["Zeta", "Alpha", "Mid", "Beta"]
    for name in names:
        ok(db, f"Collection.create({{ name: '{name}' }})")
    assert ok(db, "Collection.all().take(5).toArray() { name }") == [{"name": n} for n in names]


# -- "update" -------------------------------------------------------------------------------------------


def test_update_collection_schema(db):
    """update / update collection schema"""
    ok(db, "Collection.create({ name: 'Coll' })")
    made = ok(db, 'Coll.definition.update({name: "Authors", history_days: 10})')
    assert (made["name"], made["history_days"], made["coll"], "id" in made) == ("Authors", 10, "Collection", False)
    doc = ok(db, 'Authors.create({name: "William Shakespeare"})')
    assert (doc["name"], doc["coll"], "id" in doc) == ("William Shakespeare", "Authors", True)


def test_update_does_not_accept_invalid_fields(db):
    """update / don't accept invalid fields"""
    ok(db, "Collection.create({ name: 'Collection7' })")
    body = failure(db, 'Collection7.definition.update({meta: "metadata"})')
    assert body["error"]["code"] == "constraint_failure"
    assert body["error"]["message"] == "Failed to update Collection `Collection7`."
    assert body["summary"] == (
        "error: Failed to update Collection `Collection7`.\n"
        "constraint failures:\n"
        "  meta: Unexpected field provided\n"
        "at *query*:1:30\n"
        "  |\n"
        '1 | Collection7.definition.update({meta: "metadata"})\n'
        f"  | {' ' * 29}{'^' * 20}\n"
        "  |"
    )


def test_update_accepts_and_renders_indexes(db):
    """update / accepts and correctly renders indexes field"""
    ok(db, "Collection.create({ name: 'Coll' })")
    made = ok(
        db,
        "Coll.definition.update({indexes: {\n"
        '  termAndValue: {\n    terms: [{ field: "name" }],\n    values: [{ field: "_ref" }],\n  },\n'
        '  termless: {\n    values: [{ field: "_ref" }],\n  },\n'
        '  valueless: {\n    terms: [{ field: "name" }],\n  },\n'
        '  mvaIdx: {\n    terms: [{ field: "arr", mva: false }]\n  }\n}})\n',
    )
    assert "backingIndexes" not in made
    indexes = made["indexes"]
    assert indexes["termAndValue"]["terms"] == [{"field": "name"}]
    assert indexes["termAndValue"]["values"] == [{"field": "_ref"}]
    assert "terms" not in indexes["termless"] and indexes["termless"]["values"] == [{"field": "_ref"}]
    assert indexes["valueless"]["terms"] == [{"field": "name"}] and "values" not in indexes["valueless"]
    assert indexes["mvaIdx"]["terms"] == [{"field": "arr", "mva": False}] and "values" not in indexes["mvaIdx"]


def test_update_cannot_select_backing_indexes(db):
    """update / can't select backingIndexes off of collection schema document"""
    ok(db, "Collection.create({ name: 'Coll' })")
    query = (
        "Coll.definition.update({indexes: {\n"
        '  termAndValue: {\n    terms: [{ field: "name" }],\n    values: [{ field: "_ref" }],\n  }\n'
        "}}).backingIndexes\n"
    )
    assert ok(db, query, typecheck=False) is None


def test_update_does_not_accept_invalid_shape(db):
    """update / don't accept invalid shape"""
    ok(db, "Collection.create({ name: 'Collection7' })")
    query = (
        "Collection7.definition.update({indexes: {\n"
        "  no_terms_and_values: {\n    unique: true\n  },\n  empty_shape: {\n  }\n}})\n"
    )
    body = failure(db, query)
    assert body["error"]["code"] == "constraint_failure"
    assert body["error"]["message"] == "Failed to update Collection `Collection7`."
    assert body["summary"] == (
        "error: Failed to update Collection `Collection7`.\n"
        "constraint failures:\n"
        "  indexes.no_terms_and_values.unique: Unexpected field provided\n"
        "  indexes.no_terms_and_values: Union requires fields [terms], [values], or [terms, values]\n"
        "  indexes.empty_shape: Union requires fields [terms], [values], or [terms, values]\n"
        "at *query*:1:30\n"
        "  |\n"
        "1 |   Collection7.definition.update({indexes: {\n"
        f"  |  {'_' * 30}^\n"
        "2 | |   no_terms_and_values: {\n"
        "3 | |     unique: true\n"
        "4 | |   },\n"
        "5 | |   empty_shape: {\n"
        "6 | |   }\n"
        "7 | | }})\n"
        "  | |___^\n"
        "  |"
    )


def test_update_fails_for_non_asc_desc_order(db):
    """update / fails if non asc/desc value is passed for order"""
    ok(db, "Collection.create({ name: 'Coll' })")
    query = (
        "Coll.definition.update({indexes: {\n  invalid_order: {\n    terms: [{ field: \"name\" }],\n"
        '    values: [ { field: "age", order: "ascc" } ],\n    unique: true\n  },\n}})\n'
    )
    assert code(db, query) == "constraint_failure"


# -- "get by name" --------------------------------------------------------------------------------------


def test_get_collections_by_name(db):
    """get by name / get collections by name"""
    missing = failure(db, 'Collection("Book")')["error"]
    assert missing == {
        "code": "invalid_argument",
        "message": "invalid argument `collection`: No such user collection `Book`.",
    }
    ok(db, 'Collection.create({ name: "Book" })')
    doc = ok(db, 'let name = "Book"\nCollection(name).create({ title: "Moby Dick" })')
    assert (doc["title"], doc["coll"], "id" in doc) == ("Moby Dick", "Book", True)
    system = failure(db, 'Collection("Collection")')["error"]
    assert system == {
        "code": "invalid_argument",
        "message": "invalid argument `collection`: No such user collection `Collection`.",
    }


# -- "adhoc" --------------------------------------------------------------------------------------------


@pytest.fixture
def bob_and_alice(db) -> fql.Database:
    ok(db, "Collection.create({ name: 'Coll' })")
    ok(db, 'Coll.create({ name: "Bob" })\nColl.create({ name: "Alice" })')
    return db


def test_all_is_the_set_of_all_docs(bob_and_alice):
    """adhoc / .all is the set of all docs"""
    assert [d["name"] for d in ok(bob_and_alice, "Coll.all()")["data"]] == ["Bob", "Alice"]


def test_where_is_alias_for_all_where(bob_and_alice):
    """adhoc / .where is alias for .all.where"""
    all_where = ok(bob_and_alice, 'Coll.all().where(.name == "Alice")')
    assert all_where["data"][0]["name"] == "Alice"
    assert ok(bob_and_alice, 'Coll.where(.name == "Alice")') == all_where


def test_first_where_is_alias_for_all_first_where(bob_and_alice):
    """adhoc / .firstWhere is alias for .all.firstWhere"""
    all_first = ok(bob_and_alice, 'Coll.all().firstWhere(.name == "Alice")')
    assert all_first["name"] == "Alice"
    assert ok(bob_and_alice, 'Coll.firstWhere(.name == "Alice")') == all_first


def test_take_can_take_args_from_json(db):
    """adhoc / .take can take args from json"""
    ok(db, "Collection.create({ name: 'Coll' })")
    ok(db, 'Coll.create({ name: "Alice" })')
    page = ok(db, "Coll.all().take(myLimit)", arguments={"myLimit": 5})
    assert [d["name"] for d in page["data"]] == ["Alice"]


@pytest.fixture
def protected(db) -> fql.Database:
    """core's aProtectedDatabase, with a collection Foo."""
    ok(db, "Database.create({ name: 'p', protected: true })")
    assert "error" not in answer(db, 'Collection.create({ name: "Foo" })', secret=PROTECTED)
    return db


def test_deleting_in_protected_mode_does_not_500(protected):
    """adhoc / deleting in protected mode doesn't 500"""
    body = failure(protected, "Foo.definition.delete()", secret=PROTECTED)
    assert body["error"]["code"] == "constraint_failure"
    assert body["error"]["message"] == "Failed to delete Collection `Foo`."


def test_v4_delete_does_not_work_in_protected_mode(protected):
    """adhoc / v4 delete doesn't work when protected mode is on"""
    with pytest.raises(fql.FQLError) as caught:
        protected.query('Delete(Collection("Foo"))', secret=PROTECTED)
    assert caught.value.to_dict()["code"] == "schema validation failed"
    assert caught.value.to_dict()["description"] == (
        "Cannot delete collection: destructive change forbidden because database is in protected mode."
    )


# -- "indexes" ------------------------------------------------------------------------------------------

BY_NAME = '    byName: {\n      terms: [{ field: "name" }]\n    }'


def test_indexes_become_methods_on_collections(db):
    """indexes / indexes become methods on Collections"""
    person_collection(db, BY_NAME)
    make_persons(db)
    assert people(ok(db, 'Person.byName("bob")')) == [("bob", 40), ("bob", 20)]


def test_misspelled_index_call(db):
    """indexes / misspelling an index call on a collection returns invalid_function_invocation"""
    person_collection(db, BY_NAME + ",")
    assert code(db, 'Person.byyName("bob")', typecheck=True) == "invalid_query"
    assert code(db, 'Person.byyName("bob")', typecheck=False) == "invalid_function_invocation"


def test_indexes_sorted_by_single_value(db):
    """indexes / indexes sorted by single value"""
    person_collection(db, '    byNameOrderedByAge: {\n      terms: [{ field: "name" }],\n      values: [{ field: "age" }]\n    }')
    make_persons(db)
    assert people(ok(db, 'Person.byNameOrderedByAge("bob")')) == [("bob", 20), ("bob", 40)]


def test_indexes_ordered_by_multiple_values(db):
    """indexes / indexes ordered by multiple values"""
    person_collection(db, '    allOrderedByNameAndAge: {\n      values: [{ field: "name" }, { field: "age" }]\n    }')
    make_persons(db)
    expected = [("alice", 21), ("alice", 41), ("bob", 20), ("bob", 40), ("mark", 22), ("mark", 42)]
    assert people(ok(db, "Person.allOrderedByNameAndAge()")) == expected


def test_subsequent_collection_all_with_different_scopes(db):
    """indexes / subsequent Collection.all queries with different scope ids"""
    ok(db, "Database.create({ name: 'one' })\nDatabase.create({ name: 'two' })")
    assert "error" not in answer(db, 'Collection.create({\n  name: "Person"\n})\n', secret="secret:two:admin")
    assert answer(db, "Collection.all()", secret="secret:one:admin")["data"]["data"] == []
    assert answer(db, "Collection.all()", secret="secret:two:admin")["data"]["data"][0]["name"] == "Person"


def test_index_sorts_based_on_passed_in_order(db):
    """indexes / index sorts based on passed in order"""
    values = '[{ field: "name", order: "asc" }, { field: "age", order: "desc" }]'
    person_collection(db, f"    allOrderedByNameAndAge: {{\n      values: {values}\n    }}")
    make_persons(db)
    expected = [("alice", 41), ("alice", 21), ("bob", 40), ("bob", 20), ("mark", 42), ("mark", 22)]
    assert people(ok(db, "Person.allOrderedByNameAndAge()")) == expected


def test_index_with_wrong_number_of_terms(db):
    """indexes / index invoked with incorrect number of terms returns error"""
    person_collection(db, BY_NAME)
    assert code(db, "Person.byName()", typecheck=True) == "invalid_query"
    assert code(db, "Person.byName()", typecheck=False) == "invalid_function_invocation"


def test_index_terms_support_nested_fields(db):
    """indexes / index terms support nested fields"""
    person_collection(db, '    byCity: {\n      terms: [{ field: "address.city" }]\n    }')
    ok(db, '\nPerson.create({name: "bob", address: {city: "Seattle"}})\n')
    page = ok(db, '\nPerson.byCity("Seattle")\n')
    assert (page["data"][0]["name"], page["data"][0]["address"]["city"]) == ("bob", "Seattle")


def test_index_paths_allow_fqlx_expressions(db):
    """indexes / index paths allow fqlx expressions"""
    ok(db, 'Collection.create({\n  name: "A",\n  indexes: { test: { terms: [{ field: "a.b" }] } }\n})')
    for path in ("a['b']", "a[0]", "a['f oo']"):
        ok(db, f'A.definition.update({{\n  indexes: {{ test: {{ terms: [{{ field: "{path}" }}] }} }}\n}})')


def test_index_paths_allow_fqlx_expressions_pending(db):
    """indexes / index paths allow fqlx expressions (pending)"""
    ok(db, "Collection.create({\n  name: \"A\",\n  indexes: { test: { terms: [{ field: \".['f oo']\" }] } }\n})")
    ok(db, "A.definition.update({\n  indexes: { test: { terms: [{ field: \"['f oo']\" }] } }\n})")


def test_index_values_order_on_nested_fields(db):
    """indexes / index values support ordering on nested fields"""
    person_collection(db, '    byCity: {\n      values: [{ field: "address.city", order: "desc" }]\n    }')
    ok(
        db,
        '\nPerson.create({name: "aname", address: {city: "Ann Arbor"}})\n'
        'Person.create({name: "bname", address: {city: "Seattle"}})\n'
        'Person.create({name: "cname", address: {city: "Chicago"}})\n',
    )
    page = ok(db, "\nPerson.byCity()\n")
    assert [(d["name"], d["address"]["city"]) for d in page["data"]] == [
        ("bname", "Seattle"),
        ("cname", "Chicago"),
        ("aname", "Ann Arbor"),
    ]


def test_indexes_on_documents(db):
    """indexes / indexes on documents"""
    ok(
        db,
        'Collection.create({\n  name: "Person",\n})\nCollection.create({\n  name: "Orders",\n  indexes: {\n'
        '    byCustomer: {\n      terms: [{ field: "customer" }]\n    }\n  }\n})\n',
    )
    ok(db, '\nlet customer = Person.create({name: "bob"})\nOrders.create({date: "06/23/22", customer: customer})\n')
    page = ok(db, 'let customer = Person.firstWhere(.name == "bob")\nOrders.byCustomer(customer) { date, customer { name } }\n')
    assert page["data"] == [{"date": "06/23/22", "customer": {"name": "bob"}}]


def test_index_on_multiple_terms(db):
    """indexes / index on multiple terms"""
    person_collection(db, '    byNameAndAge: {\n      terms: [{ field: "name" }, { field: "age" }]\n    }')
    make_persons(db)
    assert people(ok(db, 'Person.byNameAndAge("bob", 40)')) == [("bob", 40)]


def multiline_create(index: str, kind: str, field: str) -> str:
    return f'Collection.create({{\n  name: "Person",\n  indexes: {{\n    {index}: {{\n      {kind}: [{{ field: "{field}" }}],\n    }},\n  }}\n}})'


def create_failure(query: str, *failures: str) -> str:
    """core's summary of a failed Collection.create over several lines, the call's argument underlined."""
    lines = query.split("\n")
    out = ["error: Failed to create Collection.", "constraint failures:", *(f"  {f}" for f in failures)]
    out += ["at *query*:1:18", "  |", f"1 |   {lines[0]}", f"  |  {'_' * 18}^"]
    out += [f"{n} | | {line}" for n, line in enumerate(lines[1:], 2)]
    return "\n".join(out + ["  | |__^", "  |"])


def test_no_index_terms_on_id_or_coll_nor_values_on_coll(db):
    """indexes / don't allow index terms on id, coll, or values on coll"""
    cases = [
        ("byColl", "terms", "coll", "indexes.byColl.terms[0].field: `coll` is not supported as an index term."),
        (
            "byColl",
            "values",
            "coll",
            "indexes.byColl.values[0].field: `coll` is not supported as a specified index value.",
        ),
        (
            "byIdIdx",
            "terms",
            "id",
            "indexes.byIdIdx.terms[0].field: `id` is not supported as an index term, use the native byId method to "
            "look up a document by its id.",
        ),
    ]
    for index, kind, field, message in cases:
        query = multiline_create(index, kind, field)
        body = failure(db, query)
        assert body["error"]["code"] == "constraint_failure"
        assert body["summary"] == create_failure(query, message)


def index_create(name: str, index: str, body: str) -> str:
    return f'Collection.create({{\n  name: "{name}",\n  indexes: {{\n    {index}: {{\n      {body}\n    }},\n  }}\n}})'


def test_no_empty_index_paths(db):
    """indexes / don't allow index term or value paths to be empty"""
    for kind, body in (("terms", 'terms: [{ field: "" }],'), ("values", 'values: [{ field: "" }]')):
        query = index_create("Person", "foo", body)
        body_ = failure(db, query)
        assert body_["error"]["code"] == "constraint_failure"
        assert body_["summary"] == create_failure(query, f"indexes.foo.{kind}[0].field: Value cannot be empty.")


def test_index_paths_must_be_valid_identifiers(db):
    """indexes / index term and value paths must be valid identifiers"""
    ok(db, index_create("Animal", "foo", 'terms: [{ field: "a.b.c" }],\n      values: [{ field: ".a.b.c" }],'))
    dots = index_create("Vegetable", "foo", 'terms: [{ field: "..a.b" }, { field: "a..b" }, { field: "a.b." }]')
    assert summary(db, dots) == create_failure(
        dots,
        *(f"indexes.foo.terms[{i}].field: Value `{p}` is not a valid FQL path expression." for i, p in enumerate(("..a.b", "a..b", "a.b.")))
    )
    idents = index_create("Mineral", "foo", 'values: [{ field: "a b.c" }, { field: "#a.b" }]')
    assert summary(db, idents) == create_failure(
        idents,
        *(f"indexes.foo.values[{i}].field: Value `{p}` is not a valid FQL path expression." for i, p in enumerate(("a b.c", "#a.b")))
    )


def test_no_index_terms_on_ts(db):
    """indexes / don't allow index terms on ts"""
    query = index_create("Person", "byTs", 'terms: [{ field: "ts" }],')
    body = failure(db, query)
    assert body["error"]["code"] == "constraint_failure"
    message = "indexes.byTs.terms[0].field: `ts` may only be used as an index value, not as an index term."
    assert body["summary"] == create_failure(query, message)


def named_index(index: str) -> str:
    return (
        f'Collection.create({{\n  name: "Person",\n  indexes: {{\n    {index}: {{\n'
        '      terms: [{ field: "name" }, { field: "age" }]\n    }\n  }\n})\n'
    )


@pytest.mark.parametrize("name", ["byId", "definition", "createAll", "createData", "all", "where", "firstWhere", "create"])
def test_no_index_names_of_collection_functions(db, name):
    """indexes / don't accept index names that conflict with provided collection functions"""
    query = named_index(name)
    body = failure(db, query)
    assert body["error"]["code"] == "constraint_failure"
    assert body["summary"] == create_failure(query.rstrip("\n"), f"indexes: The name '{name}' is reserved.")


@pytest.mark.parametrize("name", ["''", "'foo.bar'"])
def test_no_empty_or_dotted_index_names(db, name):
    """indexes / don't accept empty index names; don't accept index names with .'s"""
    query = named_index(name)
    body = failure(db, query)
    assert body["error"]["code"] == "constraint_failure"
    assert body["summary"] == create_failure(query.rstrip("\n"), "indexes: Invalid identifier.")


def test_backing_indexes_filtered_out_in_v4(db):
    """indexes / backingIndexes are filtered out when pulling a collection from fql 4"""
    ok(db, 'Collection.create({\n  name: "TestCol",\n  indexes: {\n    byName: {\n      terms: [{ field: "name" }]\n    }\n  }\n})')
    legacy = db.query('Get(Ref("collections/TestCol"))')
    assert legacy["name"] == "TestCol"
    assert "backingIndexes" not in legacy


# -- "alias" --------------------------------------------------------------------------------------------


def test_alias_collections_created_and_used_with_alias(db):
    """alias / collections can be created and used with their alias field"""
    made = ok(db, 'Collection.create({\n  name: "Book",\n  alias: "Foo"\n})\n')
    assert (made["name"], made["alias"], made["coll"], "id" in made) == ("Book", "Foo", "Collection", False)
    doc = ok(db, 'Foo.create({ title: "TestBook" })')
    assert (doc["title"], doc["coll"], "id" in doc) == ("TestBook", "Book", True)
    everything = ok(db, "Foo.all()")["data"]
    assert len(everything) == 1 and "id" in everything[0]
    assert (everything[0]["title"], everything[0]["coll"]) == ("TestBook", "Book")
    assert everything == ok(db, "Book.all()")["data"]
    assert ok(db, 'Foo.where(.title == "TestBook")')["data"][0]["title"] == "TestBook"
    assert ok(db, 'Foo.firstWhere(.title == "TestBook")')["title"] == "TestBook"


def test_alias_update_collection_schema(db):
    """alias / update collection schema with alias"""
    ok(db, 'Collection.create({\n  name: "Book",\n  alias: "Foo"\n})\n')
    made = ok(db, 'Foo.definition.update({name: "Authors", history_days: 10})')
    assert (made["name"], made["alias"], made["history_days"], made["coll"]) == ("Authors", "Foo", 10, "Collection")
    assert "id" not in made
    doc = ok(db, 'Authors.create({name: "William Shakespeare"})')
    assert (doc["name"], doc["coll"]) == ("William Shakespeare", "Authors")
    other = ok(db, 'Foo.create({ name: "Test Author" })')
    assert (other["name"], other["coll"], "id" in other) == ("Test Author", "Authors", True)


def test_alias_indexes_can_be_used_with_aliases(db):
    """alias / indexes can be used with aliases"""
    ok(db, 'Collection.create({\n  name: "Book",\n  alias: "Foo",\n  indexes: {\n   byName: { terms: [ { field: "name" } ] }\n  }\n})\n')
    ok(db, 'Foo.create({ name: "TestBook", author: "TestAuthor" })\n')
    page = ok(db, 'Foo.byName("TestBook")\n')
    assert [(d["name"], d["author"]) for d in page["data"]] == [("TestBook", "TestAuthor")]


# -- "constraints" / "unique" ---------------------------------------------------------------------------


def test_unique_constraints_are_returned_back(db):
    """constraints / unique / unique constraints can be provided and are returned back"""
    made = ok(db, 'Collection.create({\n  name: "Book",\n  constraints: [\n    { unique: ["name"] }\n  ]\n})\n')
    assert made["constraints"] == [{"unique": ["name"], "status": "active"}]
    updated = ok(
        db,
        "Book.definition.update({\n  constraints: [\n    { unique: [\"name\"] },\n"
        '    { unique: [{ field: "name" }, { field: "address.city" }] },\n'
        '    { unique: [{ field: "edition", mva: false }] }\n  ]\n})\n',
    )
    assert updated["constraints"] == [
        {"unique": ["name"], "status": "active"},
        {"unique": ["name", "address.city"], "status": "active"},
        {"unique": [{"field": "edition", "mva": False}], "status": "active"},
    ]
    query = (
        'Book.create({\n  name: "TestBook",\n  address: { city: "Ohio" }\n})\n'
        'Book.create({\n  name: "TestBook",\n  address: { city: "Ohio" }\n})\n'
    )
    body = failure(db, query)
    assert body["error"]["code"] == "constraint_failure"
    assert body["error"]["constraint_failures"] == [
        {"paths": [["name"]], "message": "Failed unique constraint"},
        {"paths": [["name"], ["address", "city"]], "message": "Failed unique constraint"},
    ]
    assert body["summary"] == (
        "error: Failed unique constraint.\n"
        "constraint failures:\n"
        "  name: Failed unique constraint\n"
        "  name,address.city: Failed unique constraint\n"
        "at *query*:5:12\n"
        "  |\n"
        "5 |   Book.create({\n"
        "  |  ____________^\n"
        '6 | |   name: "TestBook",\n'
        '7 | |   address: { city: "Ohio" }\n'
        "8 | | })\n"
        "  | |__^\n"
        "  |"
    )


def test_unique_constraint_status_cannot_be_set(db):
    """constraints / unique / customers are unable to set the status of a unique constraint"""
    query = 'Collection.create({\n  name: "Book",\n  constraints: [\n    { unique: ["name"], status: "Active" }\n  ]\n})'
    body = failure(db, query + "\n", typecheck=False)
    assert body["error"]["code"] == "constraint_failure"
    assert body["summary"] == create_failure(query, "constraints[0].status: Failed to update field because it is readonly")


def test_unique_constraint_with_mva(db):
    """constraints / unique / unique constraint work with the MVA option"""
    ok(
        db,
        'Collection.create({\n  name: "Foo",\n  constraints: [\n    { unique: [{ field: "mva_on", mva: true }] },\n'
        '    { unique: [{ field: "mva_off", mva: false }] }\n  ]\n})\n',
    )

    def fails_unique(query: str) -> None:
        error = failure(db, query)["error"]
        assert (error["code"], error["message"]) == ("constraint_failure", "Failed unique constraint.")

    ok(db, "Foo.create({ mva_on: [0, 1], mva_off: [0, 1] })")
    for query in ("Foo.create({ mva_on: 0 })", "Foo.create({ mva_on: 1 })", "Foo.create({ mva_on: [1, 0] })"):
        fails_unique(query)
    fails_unique("Foo.create({ mva_on: [0, 1] })")
    for query in ("Foo.create({ mva_off: 0 })", "Foo.create({ mva_off: 1 })", "Foo.create({ mva_off: [1, 0] })"):
        ok(db, query)
    fails_unique("Foo.create({ mva_off: [0, 1] })")


# -- "refs" / "to docs in a deleted collection" ---------------------------------------------------------


@pytest.fixture
def deleted_ref(db) -> tuple[fql.Database, str, str]:
    """core's setup: a Foo document referring to a Bar document, Bar then deleted."""
    ok(db, "Collection.create({ name: 'Foo' })\nCollection.create({ name: 'Bar' })\n")
    foo = ok(db, "Foo.create({ bar: Bar.create({}) })")["id"]
    bar = ok(db, f"Foo.byId({foo})!.bar")["id"]
    ok(db, "Bar.definition.delete()")
    return db, foo, bar


tagged = QueryEndpoint(fmt="tagged").ok


def test_refs_to_deleted_collection_materialize(deleted_ref):
    """refs / to docs in a deleted collection / materialize correctly"""
    db, foo, bar = deleted_ref
    ref = tagged(db, f"Foo.byId({foo})")["@doc"]["bar"]["@ref"]
    assert ref["id"] == bar
    assert ref["coll"] == {"@mod": "Deleted"}  # core's FIXME would make it Collection.Deleted's own name


def test_refs_to_deleted_collection_turn_into_null_docs(deleted_ref):
    """refs / to docs in a deleted collection / turn into null docs"""
    db, foo, bar = deleted_ref
    ref = tagged(db, f"Foo.byId({foo})!.bar")["@ref"]
    assert (ref["id"], ref["coll"], ref["exists"], ref["cause"]) == (bar, {"@mod": "Deleted"}, False, "collection deleted")
    assert ok(db, f"Foo.byId({foo})!.bar.coll") == "Deleted"
    assert ok(db, f"Foo.byId({foo})!.bar.exists()") is False
    assert ok(db, f"Foo.byId({foo})!.bar == null") is True
    assert ok(db, f"Foo.byId({foo})!.bar.id") == bar


# -- the rest -------------------------------------------------------------------------------------------


def test_v4_indexes_can_have_data(db):
    """v4 indexes can have data field set"""
    ok(db, "Collection.create({ name: 'MyColl' })")
    ok(db, "Set.sequence(0, 256).forEach((i) => {\n  MyColl.create({ a: 3 })\n})\n")
    made = db.query(
        'CreateIndex({ name: "MyIndex", source: Collection("MyColl"), data: { foo: 5 }, terms: [{ field: ["data", "a"] }] })'
    )
    assert made["data"] == {"foo": 5}
    assert len(db.query('Paginate(Match(Index("MyIndex"), 3), { size: 1000 })').data) == 256


# -- ranges of schema documents (not a case of core's spec) ------------------------------------------------


def test_a_schema_collection_all_takes_a_range(db):
    # Core's SchemaCollectionCompanion (and the Key, Token and Credential companions) are CollectionCompanions,
    # which define `all()` and `all(range)` alike: the docs' `Collection.all({ from: Collection.byName("Category")
    # })`. fql's Collection, Function, Role, Database, AccessProvider, Key, Token and Credential took no range.
    for name in ("A", "B", "C"):
        ok(db, f"Collection.create({{ name: '{name}' }})")
        ok(db, f"Function.create({{ name: 'f{name}', body: '() => 1' }})")
    assert ok(db, "Collection.all({ from: Collection.byName('B') }).map(.name).toArray()") == ["B", "C"]
    assert ok(db, "Collection.all({ to: Collection.byName('B') }).map(.name).toArray()") == ["A", "B"]
    assert ok(db, "Function.all({ from: Function.byName('fB'), to: Function.byName('fB') }).map(.name).toArray()") == ["fB"]
    key = ok(db, "Key.create({ role: 'server' }).id")
    assert ok(db, f"Key.all({{ from: Key.byId('{key}') }}).map(.id).toArray()") == [key]
    # An empty range is refused as a user collection's is (core's CollectionIndexMethod.collectRange).
    assert failure(db, "Collection.all({})")["error"]["message"].startswith("invalid argument `range`: should be")
