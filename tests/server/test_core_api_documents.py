"""Core's DocumentSpec (ext/api/src/test/scala/api/) over the old REST paths and `POST /`, and
queries/DocSetSpec (a document's set of versions and its events)."""

from __future__ import annotations

from .core_api import api, path, served  # noqa: F401 - fixtures


def test_classes_post_works(api):
    db = api.a_database()
    user = api.a_user(db)
    coll = api.a_collection(db)
    data = {"name": "Henwen", "description": "Oracular pig", "age": 120, "keeper": user["doc"]["ref"]}
    status, _, body = api.post(path(coll["ref"]), {"data": data}, db.key)
    index = {"source": coll["ref"], "terms": [{"field": ["data", "age"]}], "active": True, "unique": False}
    api.put("/indexes/creatures_by_age", index, db.key)
    assert status == 201
    assert body["resource"]["ref"]["@ref"]["collection"] == coll["ref"]
    assert body["resource"]["data"]["keeper"] == user["doc"]["ref"]


def test_classes_database_can_create_instances(api):
    db = api.a_database()
    coll = api.a_collection(db)
    status, _, body = api.post(path(coll["ref"]), {}, db.key)
    assert status == 201 and body["resource"]["ref"]["@ref"]["collection"] == coll["ref"]


def test_classes_reference_liveness_not_checked_on_write(api):
    db = api.a_database()
    coll = api.a_collection(db)
    dangling = {"@ref": {"id": "1237", "collection": coll["ref"]}}
    assert api.post(path(coll["ref"]), {"data": {"instance": dangling}}, db.key)[0] == 201


def test_classes_deduplicates_fields(api):
    db = api.a_database()
    coll = api.a_collection(db)
    status, _, body = api.raw("POST", path(coll["ref"]), '{"data": {"foo": "orig", "foo": "dup"}}', secret=db.key)
    assert status == 201 and body["resource"]["data"] == {"foo": "orig"}


def test_instance_put_works(api):
    db = api.a_database()
    coll = api.a_collection(db)
    instance = api.post(path(coll["ref"]), {}, db.key)[2]["resource"]
    params = {**instance, "data": {"hungry": True}}
    status, _, body = api.put(path(instance["ref"]), params, db.key)
    assert status == 200
    assert {k: body["resource"][k] for k in ("ref", "data")} == {"ref": params["ref"], "data": params["data"]}


def test_instance_respects_uniqueness_constraints(api):
    db = api.a_database()
    coll = api.a_collection(db)
    index = {"name": "foo", "source": coll["ref"], "terms": [{"field": ["data", "foo"]}], "active": True, "unique": True}
    assert api.post("/indexes", index, db.key)[0] == 201
    assert api.post(path(coll["ref"]), {"data": {"foo": "bar"}}, db.key)[0] == 201
    status, _, two = api.post(path(coll["ref"]), {}, db.key)
    assert status == 201
    status, _, err = api.put(path(two["resource"]["ref"]), {"data": {"foo": "bar"}}, db.key)
    assert (status, err["errors"][0]["code"]) == (400, "instance not unique")


def test_instance_patch_works(api):
    db = api.a_database()
    coll = api.a_collection(db)
    instance = api.post(path(coll["ref"]), {}, db.key)[2]["resource"]
    status, _, body = api.patch(path(instance["ref"]), {"data": {"hungry": False}}, db.key)
    assert status == 200 and "data" in body["resource"]


def test_instance_get_works(api):
    db = api.a_database()
    coll = api.a_collection(db)
    instance = api.post(path(coll["ref"]), {}, db.key)[2]["resource"]
    status, _, body = api.get(path(instance["ref"]), db.key)
    assert status == 200 and body["resource"]["ref"]["@ref"]["collection"] == coll["ref"]


def test_instance_delete_works(api):
    db = api.a_database()
    coll = api.a_collection(db)
    instance = api.post(path(coll["ref"]), {}, db.key)[2]["resource"]
    assert api.delete(path(instance["ref"]), db.key)[0] == 200
    assert api.get(path(instance["ref"]), db.key)[0] == 404


def test_create_followed_by_create_with_same_id_should_fail(api):
    db = api.a_database()
    coll = api.a_collection(db)
    params = {"object": {"data": {"object": {"f": "v"}}}}
    status, _, body = api.query({"create": coll["ref"], "params": params}, db.key)
    assert status == 201
    status, _, err = api.query({"create": body["resource"]["ref"], "params": params}, db.key)
    assert (status, err["errors"][0]["code"]) == (400, "instance already exists")


def test_create_delete_create_works(api):
    db = api.a_database()
    coll = api.a_collection(db)
    params = {"object": {"data": {"object": {"f": "v"}}}}
    status, _, body = api.query({"create": coll["ref"], "params": params}, db.key)
    assert status == 201
    ref = body["resource"]["ref"]
    assert api.query({"delete": ref}, db.key)[0] == 200
    assert api.query({"create": ref, "params": params}, db.key)[0] == 201


# -- queries/DocSetSpec ------------------------------------------------------------------------------


def test_docset_collection(api):
    """A document ref read as a set holds the document itself, whatever its updates."""
    db = api.a_database()
    inst = api.a_document(api.a_collection(db), db)
    for i in range(3):
        api.run({"update": inst["ref"], "params": {"object": {"data": {"object": {"i": i}}}}}, db.key)
    assert api.run({"paginate": inst["ref"]}, db.key) == {"data": [inst["ref"]]}


def test_docset_history(api):
    """The events of a document ref: its create, then each update, at their times."""
    db = api.a_database()
    inst = api.a_document(api.a_collection(db), db)
    expected = [{"ts": inst["ts"], "action": "create", "document": inst["ref"]}]
    for i in range(3):
        res = api.run({"update": inst["ref"], "params": {"object": {"data": {"object": {"i": i}}}}}, db.key)
        expected.append({"ts": res["ts"], "action": "update", "document": inst["ref"]})
    events = api.run({"paginate": inst["ref"], "events": True}, db.key)["data"]
    assert [{k: e[k] for k in ("ts", "action", "document")} for e in events] == expected


def test_classes_elides_class_for_newer_versions(api):
    """DocumentSpec `classes/{name}: elides `class` for newer versions of DB`: a document written at API
    2.0 names its `class` (after its ref); at 2.1 it does not."""
    db = api.a_database()
    coll = api.a_collection(db)
    status, _, body = api.post(path(coll["ref"]), {}, db.key, headers={"X-FaunaDB-API-Version": "2.0"})
    assert status == 201
    assert list(body["resource"])[:2] == ["ref", "class"]
    assert body["resource"]["class"] == {"@ref": f"classes/{coll['ref']['@ref']['id']}"}
    status, _, body = api.post(path(coll["ref"]), {}, db.key, headers={"X-FaunaDB-API-Version": "2.1"})
    assert status == 201 and "class" not in body["resource"]
