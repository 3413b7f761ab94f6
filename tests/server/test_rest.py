"""The old v4 REST paths (core's FQL1Routes): `/classes`, `/classes/x`, `/classes/x/1`, `.../events`."""

from __future__ import annotations

import json

NOT_FOUND = (404, {"errors": [{"code": "not found", "description": "Not Found"}]})
COLL = {"@ref": {"id": "huts", "collection": {"@ref": {"id": "collections"}}}}


def ref(doc_id: str) -> dict:
    return {"@ref": {"id": doc_id, "collection": COLL}}


def test_collections_are_paged_and_created(raw):
    assert raw("GET", "/classes")[::2] == (200, {"resource": {"data": []}})
    status, _, body = raw("POST", "/classes", json.dumps({"name": "huts"}))
    assert status == 201 and body["resource"]["ref"] == COLL
    assert raw("GET", "/classes")[::2] == (200, {"resource": {"data": [COLL]}})
    assert raw("GET", "/collections")[2] == {"resource": {"data": [COLL]}}
    status, _, body = raw("GET", "/classes/huts")
    assert status == 200 and body["resource"]["name"] == "huts"
    events = raw("GET", "/classes/events")[2]["resource"]["data"]
    assert [(e["action"], e["document"]) for e in events] == [("add", COLL)]


def test_patch_with_a_new_name_renames_a_collection(raw):
    raw("POST", "/classes", json.dumps({"name": "huts"}))
    raw("POST", "/classes/huts/7", json.dumps({"data": {"n": 1}}))
    status, _, body = raw("PATCH", "/classes/huts", json.dumps({"name": "cabins"}))
    assert status == 200 and body["resource"]["name"] == "cabins"
    assert raw("GET", "/classes/huts/7")[::2] == NOT_FOUND
    moved = raw("GET", "/classes/cabins/7")[2]["resource"]
    assert moved["ref"]["@ref"]["collection"]["@ref"]["id"] == "cabins" and moved["data"] == {"n": 1}
    status, _, body = raw("PUT", "/classes/cabins", json.dumps({"name": "huts", "history_days": 1}))
    assert status == 200 and (body["resource"]["name"], body["resource"]["history_days"]) == ("huts", 1)


def test_documents_through_every_method(raw):
    raw("POST", "/classes", json.dumps({"name": "huts"}))
    status, _, body = raw("POST", "/classes/huts", json.dumps({"data": {"kinds": ["Pigs"]}}))
    assert status == 201 and body["resource"]["data"] == {"kinds": ["Pigs"]}
    created = body["resource"]["ref"]
    path = "/classes/huts/" + created["@ref"]["id"]
    assert raw("GET", path)[2]["resource"]["data"] == {"kinds": ["Pigs"]}
    assert raw("PATCH", path, json.dumps({"data": {"n": 1}}))[2]["resource"]["data"] == {"kinds": ["Pigs"], "n": 1}
    assert raw("PUT", path, json.dumps({"data": {"n": 2}}))[2]["resource"]["data"] == {"n": 2}
    assert raw("POST", "/classes/huts/7", json.dumps({"data": {}}))[0] == 201
    assert raw("DELETE", path)[0] == 200
    status, _, body = raw("GET", path)
    assert (status, body["errors"][0]["code"]) == (404, "instance not found")
    events = raw("GET", path + "/events")[2]["resource"]["data"]
    assert [e["action"] for e in events] == ["create", "update", "update", "delete"]
    page = raw("GET", path + "/events?size=1")[2]["resource"]
    assert len(page["data"]) == 1 and page["after"]["action"] == "update"


def test_collection_pages_take_size_and_cursors(raw):
    raw("POST", "/classes", json.dumps({"name": "huts"}))
    for n in (1, 2, 3):
        raw("POST", f"/classes/huts/{n}", json.dumps({"data": {}}))
    # A collection's own path pages its definition's events.
    status, _, body = raw("GET", "/classes/huts/events?size=1")
    assert status == 200 and [e["action"] for e in body["resource"]["data"]] == ["create"]
    page = raw("GET", "/classes?size=1")[2]["resource"]
    assert page["data"] == [COLL] and "after" not in page


def test_what_names_nothing_is_404_before_the_method_and_the_body(raw):
    assert raw("GET", "/nowhere/x", secret=None)[::2] == NOT_FOUND
    assert raw("GET", "/classes/nope")[::2] == NOT_FOUND
    assert raw("GET", "/classes/nope/1")[::2] == NOT_FOUND
    assert raw("DELETE", "/classes/nope")[::2] == NOT_FOUND
    assert raw("GET", "/classes/nope/events")[::2] == NOT_FOUND
    assert raw("POST", "/classes/nope", "{bad")[::2] == NOT_FOUND
    assert raw("OPTIONS", "/classes/nope")[::2] == NOT_FOUND


def test_methods_secrets_and_bodies(raw):
    raw("POST", "/classes", json.dumps({"name": "huts"}))
    status, headers, body = raw("OPTIONS", "/classes")
    assert (status, headers["allow"]) == (405, "GET, POST")
    assert raw("DELETE", "/classes/huts/events")[0] == 405
    assert raw("OPTIONS", "/classes/huts")[2]["errors"][0]["description"] == (
        "Allowed methods are GET, POST, PUT, PATCH, DELETE."
    )
    assert raw("GET", "/classes", secret=None)[0] == 401
    assert raw("GET", "/classes", secret="wrong")[0] == 401
    status, _, body = raw("POST", "/classes/huts", "{bad")
    assert (status, body["errors"][0]["description"]) == (400, "Request body is not valid JSON.")
    # The body is params, quoted: nothing in it is evaluated.
    status, _, body = raw("POST", "/classes/huts", json.dumps({"data": {"x": {"add": [1, 2]}}}))
    assert status == 201 and body["resource"]["data"] == {"x": {"add": [1, 2]}}
