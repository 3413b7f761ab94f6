"""core's CacheSpec (ext/api/src/test/scala/queries/CacheSpec.scala) over fql's HTTP server: a renamed
schema document is listed under its new name at once, before core's schema cache would expire. fql keeps
no schema cache, so what is observable is that the next query sees the new name. Each case names its
spec case; core runs them at API 2.1, where refs are strings, fql renders API 4 refs."""

from __future__ import annotations

import pytest

from .core_api_schema import Api, Database
from .core_api_schema import api, db  # noqa: F401 - fixtures


def _child_database(api: Api, db: Database) -> dict:
    return api.ok({"create_database": {"object": {"name": "child"}}}, db.admin_key)


def _collection(api: Api, db: Database) -> dict:
    return db.collection("things")


def _index(api: Api, db: Database) -> dict:
    db.collection("things")
    params = {"name": "things_all", "source": {"collection": "things"}}
    return api.ok({"create_index": {"object": params}}, db.admin_key)


def _function(api: Api, db: Database) -> dict:
    params = {"name": "original", "body": {"query": {"lambda": "i", "expr": {"var": "i"}}}}
    return api.ok({"create_function": {"object": params}}, db.admin_key)


def _role(api: Api, db: Database) -> dict:
    return api.ok({"create_role": {"object": {"name": "a_role", "privileges": []}}}, db.admin_key)


@pytest.mark.parametrize(
    ("case", "make", "ref_form", "all_form"),
    [
        ("Database: Rename schema should update refs names", _child_database, "database", "databases"),
        ("Collection: Rename schema should update refs names", _collection, "collection", "collections"),
        ("Index: Rename schema should update refs names", _index, "index", "indexes"),
        ("User Function: Rename schema should update refs names", _function, "function", "functions"),
        ("Role: Rename schema should update refs names", _role, "role", "roles"),
    ],
)
def test_rename_updates_ref_names(api, db, case, make, ref_form, all_form):
    """CacheSpec `<kind>: Rename schema should update refs names`: the first of Paginate(<kind>s()) is the
    document, then, once it is renamed, the ref of its new name."""
    created = make(api, db)["ref"]
    renamed = api.ok({ref_form: "renamed"}, db.admin_key)
    first = {"select": ["data", 0], "from": {"paginate": {all_form: None}}}
    assert api.ok(first, db.admin_key) == created
    api.ok({"update": created, "params": {"object": {"name": "renamed"}}}, db.admin_key)
    assert api.ok(first, db.admin_key) == renamed
    assert renamed["@ref"]["id"] == "renamed"
