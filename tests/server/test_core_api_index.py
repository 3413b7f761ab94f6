"""core's IndexSpec (ext/api/src/test/scala/api/IndexSpec.scala) over fql's HTTP server: the `/indexes`
REST paths and index queries. Each test names its case; refs are API 4's (core_api_schema.py)."""

from __future__ import annotations

import pytest

from .core_api_schema import BAD_REQUEST, CREATED, FORBIDDEN, NOT_FOUND, OK, ROOT, Api, Database, ref
from .core_api_schema import api  # noqa: F401 - fixtures


@pytest.fixture
def db(api) -> Database:
    db = Database(api)
    db.collection("creatures")
    return db


def _index(name: str, **fields) -> dict:
    """The body of core's `/indexes` POSTs: the old `field` key beside the config (core ignores it)."""
    return {"name": name, "source": {"@ref": "classes/creatures"}, "field": ["data", "name"], "active": True, **fields}


def test_indexes_get_works(api, db):
    """IndexSpec `indexes: GET works`."""
    user = db.user()
    made = [api.post("/indexes", _index(name), db.key)[1]["resource"] for name in ("by_name", "by_kind", "by_el")]
    status, body = api.get("/indexes", db.key)
    assert status == OK
    assert all(index["ref"] in body["resource"]["data"] for index in made)
    assert api.get("/indexes", user)[0] == FORBIDDEN


def test_get_works(api, db):
    """IndexSpec `indexes/{name}: GET works`: the index reads back as it was created."""
    status, created = api.post("/indexes", _index("creatures_by_name"), db.key)
    assert status == CREATED
    assert api.get("/indexes/creatures_by_name", db.key)[1]["resource"] == created["resource"]


def _failure(body: dict) -> tuple[str, str, str]:
    """The code of a validation error, and its first failure's first field and code."""
    error = body["errors"][0]
    return error["code"], error["failures"][0]["field"][0], error["failures"][0]["code"]


def test_validates_terms_path(api, db):
    """IndexSpec `indexes/{name}: validates terms / path `: a term without `field`, a `field` that is an
    object; extra keys of terms and values are dropped."""
    terms = [{"object": {"field": ["data", "name"]}}]
    status, body = api.post("/indexes", {**_index("cls_index1"), "terms": terms}, db.key)
    assert (status, _failure(body)) == (BAD_REQUEST, ("validation failed", "field", "value required"))
    terms = [{"field": {"data": "name"}}]
    status, body = api.post("/indexes", {**_index("cls_index2"), "terms": terms}, db.key)
    assert (status, _failure(body)) == (BAD_REQUEST, ("validation failed", "field", "invalid type"))
    status, body = api.post(
        "/indexes",
        {
            "name": "cls_index3",
            "source": {"@ref": "classes/creatures"},
            "terms": [{"field": ["data", "name"], "foo": 2}],
            "values": [
                {"bar": "baz", "field": "ref", "reverse": True},
                {"field": "class", "transform": "casefold", "foo": "bar"},
            ],
            "active": True,
        },
        db.key,
    )
    assert status == CREATED
    assert body["resource"]["terms"] == [{"field": ["data", "name"]}]
    assert body["resource"]["values"] == [
        {"field": "ref", "reverse": True},
        {"field": "class", "transform": "casefold"},
    ]


def test_validates_terms_field(api, db):
    """IndexSpec `indexes/{name}: validates terms / field `."""
    status, body = api.post("/indexes", {**_index("cls_index1"), "terms": [{"field": ["data", "name"]}]}, db.key)
    assert (status, body["resource"]["terms"][0]["field"]) == (CREATED, ["data", "name"])
    status, body = api.post("/indexes", {**_index("cls_index2"), "terms": [{"field": False}]}, db.key)
    assert (status, _failure(body)) == (BAD_REQUEST, ("validation failed", "field", "invalid type"))


def test_index_config_is_not_accessible_by_users(api, db):
    """IndexSpec `indexes/{name}: Index config is not accessible by users`."""
    user = db.user()
    assert api.post("/indexes", _index("items_by_name"), db.key)[0] == CREATED
    assert api.get("/indexes/items_by_name", db.key)[0] == OK
    assert api.get("/indexes/items_by_name", user)[0] == FORBIDDEN


def test_put_works(api, db):
    """IndexSpec `indexes/{name}: PUT works`."""
    user = db.user()
    status, body = api.post("/indexes", _index("creatures_by_name", unique=False), db.key)
    assert (status, body["resource"]["name"]) == (CREATED, "creatures_by_name")
    assert api.post("/indexes", {"name": "creatures_by_size"}, user)[0] == FORBIDDEN


def test_root_key_can_create_an_index(api):
    """IndexSpec `indexes/{name}: root key can create an index` (source `_`: every collection)."""
    assert api.post("/indexes", {"source": "_", "name": "creatures_by_size"}, ROOT)[0] == CREATED


def test_index_can_be_named_users(api, db):
    """IndexSpec `indexes/{name}: index can be named `users``."""
    status, body = api.post("/indexes", _index("users", field="class"), db.key)
    assert (status, body["resource"]["name"]) == (CREATED, "users")
    status, body = api.get("/indexes/users", db.key)
    assert (status, body["resource"]["name"]) == (OK, "users")


def test_index_can_be_renamed_users(api, db):
    """IndexSpec `indexes/{name}: index can be renamed `users``."""
    status, body = api.post("/indexes", _index("users_idx", field="class"), db.key)
    assert (status, body["resource"]["name"]) == (CREATED, "users_idx")
    update = {"update": {"@ref": "indexes/users_idx"}, "params": {"quote": {"name": "users"}}}
    status, body = api.query(update, db.key)
    assert (status, body["resource"]["name"]) == (OK, "users")


def test_index_name_cannot_be_duplicated(api, db):
    """IndexSpec `indexes/{name}: index name cannot be duplicated`: a body naming `name` twice."""
    body = (
        '{"name": "cls_by_name", "name": "cls_by_name", "source": {"@ref": "classes/creatures"},'
        ' "field": ["data", "name"], "active": true}'
    )
    status, _, raw_body = api.raw("POST", "/indexes", body, secret=db.key)
    assert status == CREATED
    assert raw_body["resource"]["name"] == "cls_by_name"


def test_can_rename_an_index(api, db):
    """IndexSpec `indexes/{name}: can rename an index`."""
    assert api.post("/indexes", _index("cls_by_name"), db.key)[0] == CREATED
    assert api.get("/indexes/cls_by_name", db.key)[0] == OK
    status, body = api.patch("/indexes/cls_by_name", {"name": "creatures_by_name"}, db.key)
    assert status == OK
    assert body["resource"]["ref"] == ref("indexes/creatures_by_name")
    assert body["resource"]["name"] == "creatures_by_name"
    assert api.get("/indexes/creatures_by_name", db.key)[0] == OK
    assert api.get("/indexes/cls_by_name", db.key)[0] == NOT_FOUND


_PAGE = {"paginate": {"match": "foo", "index": {"@ref": "indexes/items_by_name"}}}


def test_indexes_can_be_recreated_within_cache_window(api, db):
    """IndexSpec `indexes/{name}: indexes can be recreated within cache window`."""
    assert api.post("/indexes", _index("items_by_name"), db.key)[0] == CREATED
    assert api.query(_PAGE, db.key)[0] == OK
    assert api.delete("/indexes/items_by_name", db.key)[0] == OK
    assert api.get("/indexes/items_by_name", db.key)[0] == NOT_FOUND
    assert api.post("/indexes", _index("items_by_name"), db.key)[0] == CREATED


def test_indexes_cannot_be_read_by_users_without_permission(api, db):
    """IndexSpec `indexes/{name}: indexes cannot be read by users without permission`: until a role
    of the user's collection may read the index."""
    user = db.user()
    assert api.post("/indexes", _index("items_by_name"), db.key)[0] == CREATED
    assert api.query(_PAGE, db.key)[0] == OK
    assert api.query(_PAGE, db.client_key)[0] == FORBIDDEN
    assert api.query(_PAGE, user)[0] == FORBIDDEN
    role = {
        "name": "readers",
        "membership": [{"resource": {"@ref": "classes/people"}}],
        "privileges": [{"resource": {"@ref": "indexes/items_by_name"}, "actions": {"read": True}}],
    }
    api.ok({"create_role": {"quote": role}}, db.admin_key)
    assert api.query(_PAGE, user)[0] == OK


def _unique_index(db: Database, name: str, *fields: str) -> None:
    terms = [{"object": {"field": ["data", field]}} for field in fields]
    params = {"name": name, "source": {"@ref": "classes/creatures"}, "unique": True, "active": True, "terms": terms}
    status, body = db.api.query({"create": {"@ref": "indexes"}, "params": {"object": params}}, db.key)
    assert status == CREATED, body


def _create(db: Database, data: dict) -> None:
    status, body = db.api.query({"create": {"@ref": "classes/creatures"}, "params": {"object": data}}, db.key)
    assert status == CREATED, body


def test_single_term_indexes_elide_null_values(api, db):
    """IndexSpec `indexes/{name}: single-term indexes elide null values`: an object is no term."""
    _unique_index(db, "p1", "p1")
    _create(db, {"data": {"object": {"p1": {"object": {"x": "y"}}}}})
    status, body = api.query({"paginate": {"match": {"@ref": "indexes/p1"}, "terms": None}}, db.key)
    assert (status, body["resource"]["data"]) == (OK, [])


def test_multi_term_indexes_include_null_values(api, db):
    """IndexSpec `indexes/{name}: multi-term indexes include null values`."""
    _unique_index(db, "compound", "p1", "p2")
    _create(db, {"data": {"object": {"p1": [{"object": {"x": "y"}}, 1], "p2": 2}}})
    status, body = api.query({"paginate": {"match": {"@ref": "indexes/compound"}, "terms": [None, 2]}}, db.key)
    assert status == OK and body["resource"]["data"] != []


def test_multi_term_indexes_elide_entirely_null_values(api, db):
    """IndexSpec `indexes/{name}: multi-term indexes elide entirely null values`."""
    _unique_index(db, "compound", "p1", "p2")
    _create(db, {"data": {"object": {"p1": {"object": {}}, "p2": {"object": {}}}}})
    status, body = api.query({"paginate": {"match": {"@ref": "indexes/compound"}, "terms": [None, None]}}, db.key)
    assert (status, body["resource"]["data"]) == (OK, [])


def test_patch_works(api, db):
    """IndexSpec `indexes/{name}: PATCH works`."""
    user = db.user()
    terms = [{"field": ["data", "name"]}]
    assert api.post("/indexes", {**_index("creatures_by_name"), "terms": terms}, db.key)[0] == CREATED
    status, body = api.patch("/indexes/creatures_by_name", {"data": {"comment": "A very magical index."}}, db.key)
    assert status == OK
    assert body["resource"]["source"] == ref("classes/creatures")
    assert body["resource"]["data"]["comment"] == "A very magical index."
    assert body["resource"]["terms"] == terms
    assert api.patch("/indexes/creatures_by_name", {}, user)[0] == FORBIDDEN


def test_delete_works(api, db):
    """IndexSpec `indexes/{name}: DELETE works`."""
    body = {"name": "creatures_by_size", "source": {"@ref": "classes/creatures"}, "field": ["data", "size"]}
    assert api.post("/indexes", body, db.key)[0] == CREATED
    assert api.delete("/indexes/creatures_by_size", db.key)[0] == OK
    assert api.get("/indexes/creatures_by_size", db.key)[0] == NOT_FOUND
