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


def test_a_path_is_read_segment_by_segment_as_core_parses_it(raw):
    # LegacyRefParser.PathParser: no empty segment, a numeric (Long) or `self` id, a valid name.
    raw("POST", "/classes", json.dumps({"name": "huts"}))
    for path in ("/classes/", "/classes/huts/", "/classes/huts/abc", "/classes/huts/-1",
                 "/classes/huts/99999999999999999999", "/classes/a,b", "/classes/_", "/classes/events/events",
                 "/indexes/x/events/1/create", "/classes/events/1/create"):
        assert raw("GET", path, secret=None)[::2] == NOT_FOUND, path
    # `//classes` is java.net.URI's authority `classes` and an empty path: the query endpoint, which asks
    # for the secret first.
    assert raw("GET", "//classes", secret=None)[0] == 401
    # One event's path parses (after the secret) but names nothing core serves.
    for path in ("/classes/huts/1/events/12/create", "/classes/huts/events/12/delete", "/keys/events/1/create"):
        assert raw("GET", path, secret=None)[0] == 401, path
        assert raw("GET", path)[::2] == NOT_FOUND, path


def test_self_names_the_callers_own_documents_only(raw):
    raw("POST", "/classes", json.dumps({"name": "huts"}))
    raw("POST", "/classes/huts/1", json.dumps({"credentials": {"password": "pw"}}))
    assert raw("GET", "/classes/huts/self")[::2] == NOT_FOUND
    assert raw("GET", "/tokens/self")[::2] == NOT_FOUND
    login = {"login": {"@ref": "classes/huts/1"}, "params": {"object": {"password": "pw"}}}
    token = raw.query(login)[2]["resource"]
    assert raw("GET", "/classes/huts/self", secret=token["secret"])[2]["resource"]["ref"] == ref("1")
    assert raw("GET", "/tokens/self", secret=token["secret"])[2]["resource"]["ref"] == token["ref"]


def test_cursors_and_sizes_that_do_not_read_are_dropped(raw):
    # getPaginateParams: JSON with valid escapes, else a Long (an event ts), else a ref; else no cursor.
    raw("POST", "/classes", json.dumps({"name": "huts"}))
    whole = (200, {"resource": {"data": [COLL]}})
    assert raw("GET", "/classes?after=abc")[::2] == whole
    assert raw("GET", "/classes?after=%7B%22%40ref%22%3A%22bad%22%7D")[::2] == whole
    assert raw("GET", "/classes?size=99999999999999999999")[::2] == whole
    assert raw("GET", "/classes?size=%2B1&after=classes/huts")[2]["resource"]["before"] == [COLL]
    page = raw("GET", "/classes/huts/events?after=%2B12")[2]["resource"]
    assert page["before"]["ts"] == 12


def test_authorized_checks_its_method_first_and_takes_head(raw):
    status, headers, body = raw("POST", "/authorized", secret=None)
    assert (status, headers["allow"], body["errors"][0]["code"]) == (405, "GET", "method not allowed")
    assert raw("HEAD", "/authorized")[::2] == (200, None)
    assert raw("HEAD", "/authorized", secret=None)[0] == 401


def test_a_blank_body_is_a_body_and_no_json(raw):
    # runRESTWithBody: only a request without a body has the empty params; blanks are parsed, and fail.
    raw("POST", "/classes", json.dumps({"name": "huts"}))
    status, _, body = raw("POST", "/classes/huts", "  \n")
    assert (status, body["errors"][0]["description"]) == (400, "Request body is not valid JSON.")
    assert raw("POST", "/classes/huts", "")[0] == 201
