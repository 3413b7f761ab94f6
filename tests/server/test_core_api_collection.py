"""core's CollectionSpec (ext/api/src/test/scala/api/CollectionSpec.scala) over fql's HTTP server: the
`/classes` REST paths and collection queries. Each test names its case; refs are API 4's (core_api_schema.py).

CollectionSpec27 "classes cannot be created in a container" is test_a_container_holds_no_collection in
tests/server/test_core_api_admin_spec.py. Skipped: CollectionSpec5 "can't create collection and document in
same query" (fql evaluates every query as API 4, whatever X-FaunaDB-API-Version says, so the API 4 case above
holds at 5 too; README, Server)."""

from __future__ import annotations

from .core_api_schema import BAD_REQUEST, CREATED, FORBIDDEN, NOT_FOUND, OK, ROOT, Api, Database, ref
from .core_api_schema import api, db  # noqa: F401 - fixtures


def test_classes_works(api, db):
    """CollectionSpec `classes: works`."""
    user = db.user()
    cls1, cls2 = db.collection("c1"), db.collection("c2")
    status, body = api.get("/classes", db.key)
    assert status == OK
    assert cls1["ref"] in body["resource"]["data"] and cls2["ref"] in body["resource"]["data"]
    status, body = api.get("/classes/events", db.key)
    assert status == OK
    events = [(e["action"], e["document"], e["ts"]) for e in body["resource"]["data"]]
    assert ("add", cls1["ref"], cls1["ts"]) in events and ("add", cls2["ref"], cls2["ts"]) in events
    assert api.get("/classes", user)[0] == FORBIDDEN
    assert api.get("/classes/events", user)[0] == FORBIDDEN


def test_get_works(api, db):
    """CollectionSpec `classes/{name}: GET works`."""
    user = db.user()
    db.collection("spells")
    assert api.get("/classes/spells", user)[0] == FORBIDDEN
    assert api.get("/classes/spells/events", user)[0] == FORBIDDEN
    status, body = api.get("/classes/spells", db.key)
    assert (status, body["resource"]["ref"]) == (OK, ref("classes/spells"))


def test_put_works(api, db):
    """CollectionSpec `classes/{name}: PUT works` (a POST to a collection's path creates a document)."""
    user = db.user()
    assert api.post("/classes", {"name": "magical_creatures"}, db.key)[0] == CREATED
    status, body = api.post("/classes/magical_creatures", {"data": {"kinds": ["Pigs"]}}, db.key)
    assert status == CREATED
    assert body["resource"]["ref"]["@ref"]["collection"] == ref("classes/magical_creatures")
    assert body["resource"]["data"]["kinds"] == ["Pigs"]
    assert api.post("/classes", {"name": "foo"}, user)[0] == FORBIDDEN


def _renames(api: Api, db: Database, method: str) -> None:
    """The renames of `can rename a class via PUT/PATCH`: each new name at once, the old one gone (fql
    keeps no schema cache, so at once too), and back."""
    assert api.post("/classes", {"name": "old_hermit_huts"}, db.key)[0] == CREATED
    assert api.get("/classes/old_hermit_huts", db.key)[0] == OK
    steps = [(method, "old_hermit_huts", "decrepit_huts"), ("PATCH", "decrepit_huts", "old_hermit_huts")]
    for verb, old, new in steps + [("PATCH", "old_hermit_huts", "decrepit_huts")]:
        status, body = api.call(verb, f"/classes/{old}", db.key, {"name": new})
        assert status == OK
        assert (body["resource"]["ref"], body["resource"]["name"]) == (ref(f"classes/{new}"), new)
        assert api.get(f"/classes/{new}", db.key)[0] == OK
        assert api.get(f"/classes/{old}", db.key)[0] == NOT_FOUND


def test_can_rename_a_class_via_put(api, db):
    """CollectionSpec `classes/{name}: can rename a class via PUT`."""
    _renames(api, db, "PUT")


def test_can_rename_a_class_via_patch(api, db):
    """CollectionSpec `classes/{name}: can rename a class via PATCH`."""
    _renames(api, db, "PATCH")


def test_classes_can_be_recreated_within_cache_window(api, db):
    """CollectionSpec `classes/{name}: classes can be recreated within cache window`."""
    assert api.post("/classes", {"name": "items"}, db.key)[0] == CREATED
    assert api.post("/classes", {"name": "items"}, db.key)[0] == BAD_REQUEST
    assert api.delete("/classes/items", db.key)[0] == OK
    assert api.post("/classes", {"name": "items"}, db.key)[0] == CREATED


def test_repeat_puts_result_in_ok(api, db):
    """CollectionSpec `classes/{name}: repeat puts result in OK`."""
    assert api.post("/classes", {"name": "magic_vessels"}, db.key)[0] == CREATED
    assert api.patch("/classes/magic_vessels", {"name": "magic_vessels"}, db.key)[0] == OK


def test_root_key_can_create_a_class(api):
    """CollectionSpec `classes/{name}: root key can create a class`."""
    assert api.post("/classes", {"name": "unique_name"}, ROOT)[0] == CREATED


def test_classes_get_the_default_retention_policy(api, db):
    """CollectionSpec `classes/{name}: classes get the default retention policy if not specified`: 0,
    core's `fauna.model.default-history_days` (Fauna v4's docs said 30)."""
    status, body = api.post("/classes", {"name": "foo"}, db.key)
    assert (status, body["resource"]["history_days"]) == (CREATED, 0)


def test_patch_works(api, db):
    """CollectionSpec `classes/{name}: PATCH works`."""
    user = db.user()
    assert api.post("/classes", {"name": "magical_creatures"}, db.key)[0] == CREATED
    status, body = api.patch("/classes/magical_creatures", {"data": {"kinds": ["Pigs"]}}, db.key)
    assert status == OK
    assert body["resource"]["ref"] == ref("classes/magical_creatures")
    assert body["resource"]["data"]["kinds"] == ["Pigs"]
    assert api.post("/classes", {"name": "foo"}, db.key)[0] == CREATED
    assert api.patch("/classes/foo", {}, user)[0] == FORBIDDEN


def test_delete_works(api, db):
    """CollectionSpec `classes/{name}: DELETE works`."""
    db.collection("spells")
    assert api.delete("/classes/spells", db.key)[0] == OK
    assert api.get("/classes/spells", db.key)[0] == NOT_FOUND


def test_resetting_a_class_clears_all_data(api, db):
    """CollectionSpec `classes/{name}: resetting a class clears all data`: five rounds of a collection, an
    index on it and ten documents; deleting the collection takes its index and documents with it."""
    index = {
        "name": "foo_by_bar",
        "terms": [{"field": ["data", "bar"]}],
        "source": {"@ref": "classes/foo"},
        "active": True,
    }
    page = {"paginate": {"match": "x", "index": {"@ref": "indexes/foo_by_bar"}}}
    refs: list[dict] = []
    for _ in range(5):
        assert api.query({"create": {"@ref": "classes"}, "params": {"quote": {"name": "foo"}}}, db.key)[0] == CREATED
        assert api.query({"get": {"@ref": "classes/foo"}}, db.key)[0] == OK
        assert api.query({"create": {"@ref": "indexes"}, "params": {"quote": index}}, db.key)[0] == CREATED
        assert api.query({"get": {"@ref": "indexes/foo_by_bar"}}, db.key)[0] == OK
        for old in refs:
            path = f"/classes/foo/{old['@ref']['id']}"
            assert api.get(path, db.key)[0] == NOT_FOUND
        assert api.ok(page, db.key)["data"] == []
        for _ in range(10):
            doc = api.ok({"create": {"@ref": "classes/foo"}, "params": {"quote": {"data": {"bar": "x"}}}}, db.key)
            refs.append(doc["ref"])
        assert len(api.ok(page, db.key)["data"]) == 10
        assert api.query({"delete": {"@ref": "classes/foo"}}, db.key)[0] == OK
        assert api.query({"delete": {"@ref": "indexes/foo_by_bar"}}, db.key)[0] in (BAD_REQUEST, NOT_FOUND)


def test_create_collection_takes_values_besides_name(api, db):
    """CollectionSpec `classes/{name}: CreateCollection api doesn't splode when passed additional values
    besides name`: an object, an array of objects and a set."""
    db.collection("col")
    index = {"name": "idx", "source": {"@ref": "classes/col"}, "terms": [{"field": ["data", "foo"]}], "active": True}
    api.ok({"create_index": {"quote": index}}, db.key)
    extras = [
        {"object": {"another": "object"}},
        [{"object": {"nonempty": "array"}}],
        {"events": {"match": {"@ref": "indexes/idx"}, "terms": "foo"}},
    ]
    for i, extra in enumerate(extras):
        params = {"object": {"name": f"colName{i}", "extra": extra}}
        assert api.query({"create_class": params}, db.key)[0] == CREATED


def _collection_and_document() -> dict:
    car = {"select": ["ref"], "from": {"create_class": {"object": {"name": "eng2679"}}}}
    doc = {"create": {"var": "car"}, "params": {"object": {"data": {"object": {"plate": "ACME"}}}}}
    return {"let": {"car": car}, "in": doc}


def test_can_create_a_collection_and_document_in_same_query(api, db):
    """CollectionSpec `can create a collection and document in same query` (allowed before API 5)."""
    assert api.query(_collection_and_document(), db.key)[0] == CREATED
