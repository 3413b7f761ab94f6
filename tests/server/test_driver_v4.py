"""Fauna's own v4 driver (faunadb 4.5.2) against `fql serve`: the documented flows, errors and concurrency."""

from __future__ import annotations

import datetime
import importlib.util
import threading
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from faunadb import query as q
    from faunadb.errors import BadRequest, NotFound, PermissionDenied, Unauthorized
    from faunadb.objects import FaunaTime, Query, Ref


def test_ping(client):
    assert client.ping() == "Scope write is OK"
    assert client.ping("read") == "Scope read is OK"
    assert client.ping("node", timeout=100) == "Scope node is OK"


def test_database_and_keys(client, connect):
    db = client.query(q.create_database({"name": "app"}))
    assert db["ref"] == Ref("app", Ref("databases")) and db["name"] == "app"
    admin = client.query(q.create_key({"database": q.database("app"), "role": "admin"}))
    server = client.query(q.create_key({"database": q.database("app"), "role": "server"}))
    assert admin["role"] == "admin" and admin["database"] == db["ref"] and admin["secret"].startswith("fn")
    coll = connect(server["secret"]).query(q.create_collection({"name": "users"}))
    assert coll["ref"] == Ref("users", Ref("collections"))
    # Refs come back relative to the secret's database: from the root, the collection is inside `app`.
    listed = client.query(q.paginate(q.collections(q.database("app"))))
    assert listed["data"] == [Ref("users", Ref("collections"), Ref("app", Ref("databases")))]
    with pytest.raises(PermissionDenied):
        connect(server["secret"]).query(q.create_database({"name": "nested"}))


def test_documents_indexes_and_pagination(client):
    client.query(q.create_collection({"name": "spells"}))
    client.query(
        q.create_index(
            {"name": "spells_by_element", "source": q.collection("spells"), "terms": [{"field": ["data", "element"]}]}
        )
    )
    refs = [
        client.query(q.create(q.collection("spells"), {"data": {"name": f"s{i}", "element": "fire"}}))["ref"]
        for i in range(5)
    ]
    page = client.query(q.paginate(q.match(q.index("spells_by_element"), "fire"), size=2))
    assert page["data"] == refs[:2] and page["after"] == [refs[2]] and "before" not in page
    second = client.query(q.paginate(q.match(q.index("spells_by_element"), "fire"), size=2, after=page["after"]))
    assert second["data"] == refs[2:4] and second["before"] == [refs[2]]
    by_fire = q.paginate(q.match(q.index("spells_by_element"), "fire"), size=2)
    names = client.query(q.map_(q.lambda_("r", q.select(["data", "name"], q.get(q.var("r")))), by_fire))
    assert names["data"] == ["s0", "s1"]
    updated = client.query(q.update(refs[0], {"data": {"power": 1.5}}))
    assert updated["data"] == {"name": "s0", "element": "fire", "power": 1.5}
    client.query(q.delete(refs[0]))
    assert client.query(q.exists(refs[0])) is False


def test_values_round_trip(client):
    value = {
        "nested": {"@odd": 1},
        "int": 1,
        "double": 1.0,
        "time": q.time("2020-01-02T03:04:05.123456789Z"),
        "date": q.date("2020-01-02"),
        "bytes": bytearray(b"\x01\xfb\xff"),
        "lambda": q.query(q.lambda_("x", q.add(q.var("x"), 1))),
    }
    out = client.query(value)
    assert out["nested"] == {"@odd": 1} and out["bytes"] == bytearray(b"\x01\xfb\xff")
    assert type(out["int"]) is int and type(out["double"]) is float
    assert out["time"] == FaunaTime("2020-01-02T03:04:05.123456789Z") and out["date"] == datetime.date(2020, 1, 2)
    assert out["lambda"] == Query({"api_version": "4", "lambda": "x", "expr": {"add": [{"var": "x"}, 1]}})


def test_login_logout_and_tokens(client, connect):
    client.query(q.create_collection({"name": "users"}))
    client.query(
        q.create_index(
            {"name": "users_by_email", "source": q.collection("users"), "terms": [{"field": ["data", "email"]}]}
        )
    )
    user = client.query(
        q.create(q.collection("users"), {"data": {"email": "ann@x"}, "credentials": {"password": "pw"}})
    )
    assert "credentials" not in user
    token = client.query(q.login(q.match(q.index("users_by_email"), "ann@x"), {"password": "pw"}))
    assert token["instance"] == user["ref"] and token["secret"].startswith("fn")
    session = connect(token["secret"])
    assert session.query(q.current_identity()) == user["ref"]
    # A ref literal with id "self" is the caller's identity (the driver sends {"@ref": {"id": "self", ...}}),
    # as in faunadb-python's own test_login_logout.
    mine = Ref("self", Ref("users", Ref("collections")))
    assert session.query(q.select("ref", q.get(mine))) == user["ref"]
    assert client.query(q.paginate(q.tokens()))["data"] == [token["ref"]]
    made = client.query(q.create(q.tokens(), {"instance": user["ref"]}))
    assert made["ref"].collection() == Ref("tokens") and "secret" in made
    assert connect(made["secret"]).query(q.current_identity()) == user["ref"]
    with pytest.raises(BadRequest) as err:
        client.query(q.login(user["ref"], {"password": "wrong"}))
    assert err.value.errors[0].code == "authentication failed"
    assert session.query(q.logout(True)) is True
    # Logout(true) ends every token of the identity, the one made by Create(Tokens()) too.
    for secret in (token["secret"], made["secret"]):
        with pytest.raises(Unauthorized):
            connect(secret).query(q.current_identity())


def test_errors_map_to_driver_exceptions(client, connect):
    with pytest.raises(BadRequest) as err:
        client.query(q.add(1, "a"))
    error = err.value.errors[0]
    assert (error.code, error.description, error.position) == (
        "invalid argument",
        "Number expected, String provided.",
        ["add", 1],
    )
    client.query(q.create_collection({"name": "c"}))
    with pytest.raises(NotFound) as missing:
        client.query(q.get(q.ref(q.collection("c"), "1")))
    assert missing.value.errors[0].code == "instance not found"
    with pytest.raises(Unauthorized):
        connect("not-a-secret").query(1)
    key = client.query(q.create_key({"role": "client"}))
    with pytest.raises(PermissionDenied) as denied:
        connect(key["secret"]).query(q.create_collection({"name": "d"}))
    assert denied.value.errors[0].description == "Insufficient privileges to perform the action."
    with pytest.raises(BadRequest) as bad:
        client.query(1, timeout_millis=0)
    assert bad.value.errors[0].code == "bad request"


def test_status_txn_time_tags_and_traceparent(connect):
    seen = []
    client = connect(observer=seen.append)
    client.query(q.create_collection({"name": "c"}))
    doc = client.query(q.create(q.collection("c"), {}))
    client.query(
        q.get(doc["ref"]), tags={"app": "test", "step": "2"}, traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01"
    )
    assert [r.status_code for r in seen] == [201, 201, 200]
    assert int(seen[1].response_headers["x-txn-time"]) == doc["ts"]
    assert client.get_last_txn_time() == int(seen[2].response_headers["x-txn-time"]) > doc["ts"]
    assert seen[2].response_headers["x-fauna-tags"] == "step=2,app=test"
    assert seen[2].response_headers["traceparent"].startswith("00-" + "a" * 32 + "-")


def test_concurrent_increments_lose_nothing(client, connect):
    client.query(q.create_collection({"name": "counters"}))
    ref = client.query(q.create(q.ref(q.collection("counters"), "1"), {"data": {"n": 0}}))["ref"]
    increment = q.update(ref, {"data": {"n": q.add(q.select(["data", "n"], q.get(ref)), 1)}})
    workers, each = 8, 25

    def work() -> None:
        mine = connect()
        for _ in range(each):
            mine.query(increment)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert client.query(q.select(["data", "n"], q.get(ref))) == workers * each


def test_example_script_runs(server, capsys):
    path = Path(__file__).resolve().parents[2] / "examples" / "driver_faunadb.py"
    spec = importlib.util.spec_from_file_location("driver_faunadb_example", path)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    example.main(server.url)
    out = capsys.readouterr().out
    assert "identity is Ann: True" in out and "PermissionDenied" in out and out.endswith("done\n")
