"""Core's FQL2DocSpec (ext/api/src/test/scala/fql2/FQL2DocSpec.scala): document update, replace, delete,
the `*Data` variants and Object methods on documents, through `POST /query/1` in a database made as core's
`aDatabase`. Each case names the spec case it comes from.

Already in test_core_v10_api.py, not repeated: '*Data variants' / 'handle metadata fields', and the
untypechecked half of 'native collections don't have them' (but for AccessProvider, below); 'Object methods'
/ 'calling .keys on a document returns its keys', 'calling .keys on a non-existent document errors'; 'string
argument should work as ID'. Of '*Data variants' / 'allow create/replace/update with reserved field names',
the writes that test_core_v10_api.py does not make are below.
"""

from __future__ import annotations

import pytest

from .core_fql2_api import ADatabase, a_database

#: core's Tokens.ReservedFieldNames.
RESERVED = ["id", "coll", "ts", "data", "delete", "update", "replace", "updateData", "replaceData", "exists"]
AUTHOR = '\nlet author = C.create({\n  "foo": "bar",\n  "seattle": "wa",\n})\n'


@pytest.fixture
def db() -> ADatabase:
    found = a_database()
    found.ok("Collection.create({ name: 'C' })")
    return found


# -- update ---------------------------------------------------------------------------------------------


def test_update_writes_the_fields(db):
    # "updates a document in the database with the provided fields"
    read = db.ok(AUTHOR + 'let updatedAuthor = author.update({"seattle": "va", "windy": "city"})\nC.byId(author.id)\n')
    assert (read["foo"], read["seattle"], read["windy"]) == ("bar", "va", "city")


def test_update_returns_the_document(db):
    # "returns the updated document"
    updated = db.ok(AUTHOR + 'author.update({"seattle": "va", "windy": "city"})\n')
    assert (updated["foo"], updated["seattle"], updated["windy"]) == ("bar", "va", "city")


def test_update_to_null_removes_a_field(db):
    # "removes document fields when setting them to null"
    updated = db.ok(AUTHOR + 'author.update({"seattle": null, "windy": "city"})\n')
    assert (updated["foo"], updated["windy"]) == ("bar", "city") and "seattle" not in updated


@pytest.mark.parametrize(
    "write",
    [
        'author.update({ "hi": "bye" })',  # update: "attempting to update a document that doesn't exist ..."
        'author.replace({"foo": "berry", "yellow": "crayon"})',  # replace: "returns document_not_found ..."
        "author.delete()",  # delete: "attempting to delete a document that doesn't exist ..."
    ],
)
def test_a_deleted_document_is_not_found(db, write):
    assert db.err(AUTHOR + "author.delete()\n" + write + "\n")["error"]["code"] == "document_not_found"


@pytest.mark.parametrize("method", ["update", "replace"])
@pytest.mark.parametrize("field", RESERVED)
def test_reserved_fields_are_refused(db, method, field):
    # update / replace: "rejects reserved field `<f>`" (some at runtime, some by the typer).
    body = db.err(AUTHOR + f'author.{method}({{{field}: "bar"}})\n')
    assert body["error"]["code"] in ("constraint_failure", "invalid_query")


# -- replace --------------------------------------------------------------------------------------------


def test_replace(db):
    # "correctly replaces a document"
    created = db.ok('\nC.create({\n  "foo": "bar",\n  "seattle": "wa",\n})\n')
    doc = created["id"]
    replaced = db.ok(f'\nlet author = C.byId("{doc}")!\nauthor.replace({{"foo": "berry", "yellow": "crayon"}})\n')
    read = db.ok(f'\nC.byId("{doc}")\n')
    for found in (replaced, read):
        assert (found["id"], found["foo"], found["yellow"]) == (doc, "berry", "crayon") and "seattle" not in found


# -- delete ---------------------------------------------------------------------------------------------


def test_delete(db):
    # "correctly deletes a document"
    assert db.ok(AUTHOR + "author.delete()\nC.byId(author.id).exists()\n") is False


def test_delete_answers_the_reference(db):
    # "delete returns the document id": tagged, a `@ref` of the id and collection.
    created = db.ok('\nC.create({\n  "foo": "bar",\n  "seattle": "wa",\n})', fmt="tagged")
    doc = created["@doc"]["id"]
    deleted = db.ok(f'\nlet author = C.byId("{doc}")!\nauthor.delete()', fmt="tagged")
    assert (deleted["@ref"]["id"], deleted["@ref"]["coll"]) == (doc, {"@mod": "C"})


# -- *Data variants --------------------------------------------------------------------------------------


def test_reserved_names_only_through_data_variants(db):
    # "allow create/replace/update with reserved field names": the writes test_core_v10_api.py leaves out.
    created = db.ok('C.createData({ a: 0, "update" : 0 })')
    doc = created["id"]
    assert "a" not in created["data"]
    assert db.err(f'C.byId("{doc}")!.update({{ "update" : 1 }})')["error"]["code"] == "constraint_failure"
    updated = db.ok(f'C.byId("{doc}")!.updateData({{ "update" : 1 }})')
    assert "a" not in updated["data"] and "update" not in updated
    assert db.err(f'C.byId("{doc}")!.replace({{ "replace" : 0 }})')["error"]["code"] == "constraint_failure"
    replaced = db.ok(f'C.byId("{doc}")!.replaceData({{ "replace" : 0 }})')
    assert replaced["data"] == {"replace": 0} and "update" not in replaced
    with_id = db.ok('C.createData({ id: "foo", a: 0, "update" : 0 })')
    assert (with_id["a"], with_id["data"]) == (0, {"id": "foo", "update": 0}) and "update" not in with_id


NATIVE = [
    ("AccessProvider", "{name: 'AP', issuer: 'idp', jwks_uri: 'https://foo.com'}"),
    ("Collection", "{name: 'C2'}"),
    ("Credential", "{document: Dummy.create({})}"),
    ("Function", "{name: 'F', body: 'x => x'}"),
    ("Key", "{role: 'admin'}"),
    ("Role", "{name: 'R'}"),
    ("Token", "{document: Dummy.create({})}"),
]


@pytest.mark.parametrize("native, fields", NATIVE, ids=[name for name, _ in NATIVE])
def test_native_collections_have_no_data_variants(db, native, fields):
    # "native collections don't have them": the typer's refusal, then (untypechecked) the runtime's.
    db.ok("Collection.create({name: 'Dummy'})")
    for query in (f"{native}.createData({{}})", f"{native}.create({fields}).updateData({{}})",
                  f"{native}.create({fields}).replaceData({{}})"):
        method = query.rsplit(".", 1)[1].split("(")[0]
        assert f"does not have field `{method}`" in db.err(query)["summary"]
        assert f"The function `{method}` does not exist" in db.err(query, typecheck=False)["summary"]


# -- Object methods --------------------------------------------------------------------------------------


def test_object_values_of_a_document(db):
    # "calling .values on a document returns its field values"
    found = db.ok('\nlet d = C.create({\n  "x": 0,\n  "y": "a",\n})\nObject.values(d)\n')
    assert len(found) == 5 and found[3:] == [0, "a"]


def test_object_entries_of_a_document(db):
    # "calling .entries on a document returns its field value pairs"
    found = db.ok('\nlet d = C.create({\n  "a": 0,\n  "b": "x",\n})\nObject.entries(d)\n')
    assert len(found) == 5 and found[3:] == [["a", 0], ["b", "x"]]
