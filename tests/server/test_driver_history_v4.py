"""Document history through Fauna's v4 driver: events pages whose cursors go back and forth over the wire."""

from __future__ import annotations

import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from faunadb import query as q
    from faunadb.errors import BadRequest


def test_events_pages_at_insert_and_remove(client):
    client.query(q.create_collection({"name": "notes"}))
    created = client.query(q.create(q.collection("notes"), {"data": {"n": 0}}))
    ref = created["ref"]
    for n in range(1, 4):
        client.query(q.update(ref, {"data": {"n": n}}))
    client.query(q.delete(ref))

    events, page = [], client.query(q.paginate(q.events(ref), size=2))
    while True:
        events.extend(page["data"])
        if "after" not in page:
            break
        page = client.query(q.paginate(q.events(ref), size=2, after=page["after"]))
    assert [e["action"] for e in events] == ["create", "update", "update", "update", "delete"]
    assert events[0] == {"ts": created["ts"], "action": "create", "document": ref, "data": {"n": 0}}
    assert events[2]["data"] == {"n": 2} and events[4]["data"] is None

    backward = client.query(q.paginate(q.events(ref), size=2, before=events[2]))
    assert backward["data"] == events[:2] and "before" not in backward

    then = events[1]["ts"]
    assert client.query(q.at(then, q.get(ref)))["data"] == {"n": 1}
    assert client.query(q.get(ref, ts=then))["data"] == {"n": 1}
    assert client.query(q.paginate(q.events(ref), ts=then))["data"] == events[:2]

    inserted = client.query(q.insert(ref, created["ts"] - 1, "create", {"data": {"n": -1}}))
    assert inserted["action"] == "create" and inserted["data"] == {"n": -1}
    assert client.query(q.remove(ref, events[4]["ts"], "delete")) is None
    assert client.query(q.get(ref))["data"] == {"n": 3}

    with pytest.raises(BadRequest) as err:
        client.query(q.at(then, q.update(ref, {"data": {"n": 9}})))
    assert err.value.errors[0].code == "invalid write time"
