"""The Fauna CLI's (fauna-shell 3.0.1) requests, as its own test suite sends them to a real Fauna, replayed over
raw HTTP so that no CLI is needed: each test names the CLI test it stands for."""

from __future__ import annotations


def create(collection: str, data: dict) -> dict:
    return {"create": {"collection": collection}, "params": {"object": {"data": {"object": data}}}}


def test_import_of_an_empty_record_makes_a_document_without_data(raw):
    # `fauna import --path json_array.json` (test/commands/import.test.js, "import folders"): one
    # Do(Create(...), ...) a batch; the file's `{}` record, and a record whose only other field is null,
    # must read back without `data` and without the null, as the test's `undefined` and `{id, name}` expect.
    assert raw.query({"create_collection": {"object": {"name": "json_array"}}})[0] == 201
    batch = [create("json_array", {"id": "3", "name": "fran", "birthday": None}), create("json_array", {})]
    status, _, body = raw.query({"do": batch})
    assert status == 201
    assert "data" not in body["resource"]
    docs = {"paginate": {"documents": {"collection": "json_array"}}}
    status, _, body = raw.query({"map": {"lambda": "x", "expr": {"get": {"var": "x"}}}, "collection": docs})
    assert status == 200
    assert [doc.get("data") for doc in body["resource"]["data"]] == [{"id": "3", "name": "fran"}, None]
