"""Answers to `X-FaunaDB-API-Version` 2.0 and 2.1, worded as core's Renderable and RenderError word them
for versions before 2.7 (class and instance for collection and document); faunadb-ruby 3 sends 2.1."""

from __future__ import annotations

import pytest

from fql.wire import legacy

V21 = {"X-FaunaDB-API-Version": "2.1"}
V20 = {"X-FaunaDB-API-Version": "2.0"}

CLASSES = {"@ref": {"id": "classes"}}
SPELLS = {"@ref": {"id": "spells", "class": CLASSES}}
UPDATE_META = "Cannot update a schema meta class."
INSTANCE_EXISTS = "Instance already exists."


def ok(raw, expr, headers=V21):
    status, _, body = raw.query(expr, headers=headers)
    assert status in (200, 201), body
    return body["resource"]


def error(raw, expr, headers=V21):
    status, _, body = raw.query(expr, headers=headers)
    assert status >= 400, body
    return body["errors"][0]


def setup(raw):
    ok(raw, {"create_collection": {"object": {"name": "spells"}}}, headers={})
    data = {"object": {"data": {"object": {"x": 1}}}}
    ok(raw, {"create": {"ref": {"collection": "spells"}, "id": "1"}, "params": data})


def test_refs_name_their_class(raw):
    created = ok(raw, {"create_class": {"object": {"name": "spells"}}})
    assert created["ref"] == SPELLS
    data = {"object": {"data": {"object": {"x": 1}}}}
    doc = ok(raw, {"create": {"ref": {"class": "spells"}, "id": "1"}, "params": data})
    assert doc["ref"] == {"@ref": {"id": "1", "class": SPELLS}}
    assert list(doc) == ["ref", "ts", "data"]
    assert ok(raw, {"paginate": {"collections": None}}) == {"data": [SPELLS]}
    assert ok(raw, {"collections": None}) == CLASSES
    # Other native collections keep their names.
    assert ok(raw, {"indexes": None}) == {"@ref": {"id": "indexes"}}


@pytest.mark.parametrize("headers", [{}, {"X-FaunaDB-API-Version": "2.7"}, {"X-FaunaDB-API-Version": "4"}])
def test_later_versions_and_no_header_name_the_collection(raw, headers):
    # fql renders a request without the header as API 4 (core: 2.1), see the README.
    created = ok(raw, {"create_collection": {"object": {"name": "spells"}}}, headers=headers)
    assert created["ref"] == {"@ref": {"id": "spells", "collection": {"@ref": {"id": "collections"}}}}


def test_scoped_refs_keep_their_database(raw):
    ok(raw, {"create_database": {"object": {"name": "child"}}})
    child = {"@ref": {"id": "child", "class": {"@ref": {"id": "databases"}}}}
    assert ok(raw, {"collections": {"database": "child"}}) == {"@ref": {"id": "classes", "database": child}}


def test_sets_and_lambdas_inside(raw):
    setup(raw)
    ok(raw, {"create_index": {"object": {"name": "by_x", "source": {"collection": "spells"}}}})
    index = {"@ref": {"id": "by_x", "class": {"@ref": {"id": "indexes"}}}}
    assert ok(raw, {"match": {"index": "by_x"}}) == {"@set": {"match": index}}
    spells = {"@ref": {"id": "spells", "collection": {"@ref": {"id": "collections"}}}}
    fn = ok(raw, {"query": {"lambda": "x", "expr": {"get": {"@ref": {"id": "1", "collection": spells}}}}})
    assert fn["@query"]["expr"]["get"] == {"@ref": {"id": "1", "class": SPELLS}}


def test_index_sources_name_their_class(raw):
    setup(raw)
    binding = {"query": {"lambda": "d", "expr": 1}}
    source = [{"object": {"collection": {"collection": "spells"}, "fields": {"object": {"b": binding}}}}]
    terms = [{"object": {"binding": "b"}}]
    created = ok(raw, {"create_index": {"object": {"name": "bound", "source": source, "terms": terms}}})
    assert [list(s) for s in created["source"]] == [["class", "fields"]]
    assert created["source"][0]["class"] == SPELLS
    got = ok(raw, {"get": {"index": "bound"}}, headers={"X-FaunaDB-API-Version": "4"})
    assert list(got["source"][0]) == ["collection", "fields"]
    # A ref source is a ref.
    plain = ok(raw, {"create_index": {"object": {"name": "plain", "source": {"collection": "spells"}}}})
    assert plain["source"] == SPELLS


def test_events_name_their_instance(raw):
    setup(raw)
    ref = {"ref": {"collection": "spells"}, "id": "1"}
    ok(raw, {"update": ref, "params": {"object": {"data": {"object": {"x": 2}}}}})
    events = ok(raw, {"paginate": {"events": ref}})["data"]
    assert [list(e) for e in events] == [["ts", "action", "instance", "data"]] * 2
    assert [e["action"] for e in events] == ["create", "update"]
    assert events[0]["instance"] == {"@ref": {"id": "1", "class": SPELLS}}
    ok(raw, {"create_index": {"object": {"name": "all", "source": {"collection": "spells"}}}})
    added = ok(raw, {"paginate": {"events": {"match": {"index": "all"}}}})["data"]
    assert [(list(e), e["action"]) for e in added] == [(["ts", "action", "instance"], "add")]


def test_api_2_0_writes_refs_as_strings(raw):
    setup(raw)
    ref = {"ref": {"collection": "spells"}, "id": "1"}
    doc = ok(raw, {"get": ref}, headers=V20)
    assert list(doc) == ["ref", "class", "ts", "data"]
    assert (doc["ref"], doc["class"]) == ({"@ref": "classes/spells/1"}, {"@ref": "classes/spells"})
    assert ok(raw, {"collections": None}, headers=V20) == {"@ref": "classes"}
    ok(raw, {"update": ref, "params": {"object": {"data": {"object": {"x": 2}}}}})
    events = ok(raw, {"paginate": {"events": ref}}, headers=V20)["data"]
    # Before 2.1 an event names its `resource`, has no data, and an update is a create.
    assert [(list(e), e["action"], e["resource"]) for e in events] == [
        (["ts", "action", "resource"], "create", {"@ref": "classes/spells/1"})
    ] * 2


@pytest.mark.parametrize(
    ("expr", "code", "description"),
    [
        ({"get": {"ref": {"collection": "spells"}, "id": "2"}}, "instance not found", "Instance not found."),
        ({"get": {"ref": {"collection": "nope"}, "id": "2"}}, "invalid ref", "Ref refers to undefined class 'nope'"),
        ({"delete": {"collections": None}}, "instance not found", "Class not found."),
        ({"update": {"collections": None}, "params": {"object": {}}}, "invalid argument", UPDATE_META),
        ({"create_collection": {"object": {"name": "spells"}}}, "instance already exists", "Class already exists."),
        ({"create": {"ref": {"collection": "spells"}, "id": "1"}}, "instance already exists", INSTANCE_EXISTS),
        ({"create_collection": {"object": {"name": 1}}}, "validation failed", "instance data is not valid."),
        (
            {"@ref": {"id": "1", "class": {"@ref": {"id": "x"}}}},
            "invalid expression",
            "Valid native class name expected, 'x' provided.",
        ),
    ],
)
def test_errors_say_class_and_instance(raw, expr, code, description):
    setup(raw)
    found = error(raw, expr)
    assert (found["code"], found["description"]) == (code, description)


def test_error_causes_are_reworded():
    item = {
        "position": [],
        "code": "call error",
        "description": "Calling the function resulted in an error.",
        "cause": [{"position": ["expr"], "code": "instance not found", "description": "Document not found."}],
    }
    assert legacy.error(item)["cause"][0]["description"] == "Instance not found."
    assert legacy.error(item)["description"] == item["description"]


def test_user_objects_are_left_alone():
    # An object of the user's with `@` keys is escaped; its keys are not refs.
    value = {"@ref": {"id": "x", "collection": 1}}
    assert legacy.render(value, "2.1") == {"@obj": value}
    event_like = {"ts": 1, "action": "create", "document": 1}
    assert legacy.render([event_like], "2.1") == [event_like]


@pytest.mark.parametrize("headers", [V20, V21])
def test_objects_shaped_like_documents_and_events_are_objects(raw, headers):
    # Core renders an ObjectL as it is: only a VersionL gets its `class` (2.0) and an index's sources
    # renamed, and only a DocEventL names its `instance`, or `resource` (Renderable's LiteralEncoder).
    setup(raw)
    ref = {"ref": {"collection": "spells"}, "id": "1"}
    event = ok(raw, {"object": {"ts": 1, "action": "create", "document": ref}}, headers)
    assert list(event) == ["ts", "action", "document"]
    doc = ok(raw, {"object": {"ref": ref, "ts": 1}}, headers)
    assert list(doc) == ["ref", "ts"]
    index = ok(raw, {"object": {"ref": {"index": "x"}, "ts": 1, "source": {"object": {"collection": 1}}}}, headers)
    assert index["source"] == {"collection": 1}
    merged = ok(raw, {"merge": {"object": {"ref": ref, "ts": 1}}, "with": {"object": {}}}, headers)
    assert list(merged) == ["ref", "ts"]


def test_merge_of_a_document_and_an_empty_object_under_2_0(raw):
    setup(raw)
    ref = {"ref": {"collection": "spells"}, "id": "1"}
    merged = ok(raw, {"merge": {"get": ref}, "with": {"object": {}}}, V20)
    assert (merged["class"], merged["data"]) == ({"@ref": "classes/spells"}, {"x": 1})
    assert ok(raw, {"merge": {"object": {}}, "with": {"object": {}}}, V20) == {}


@pytest.mark.parametrize(("headers", "actions"), [(V20, ["create", "create"]), (V21, ["create", "update"])])
def test_an_action_alone_is_create_or_delete_under_2_0(raw, headers, actions):
    # Core's ActionL before 2.1 renders as `create` or `delete` wherever it shows, as Select gives it.
    setup(raw)
    ref = {"ref": {"collection": "spells"}, "id": "1"}
    ok(raw, {"update": ref, "params": {"object": {"data": {"object": {"x": 2}}}}})
    each = {"map": {"lambda": "e", "expr": {"select": "action", "from": {"var": "e"}}}, "collection": {"paginate": {"events": ref}}}
    assert ok(raw, each, headers)["data"] == actions


def test_an_objects_at_keys_are_no_tags_at_any_version(raw):
    # Core writes an ObjectL's fields as they are: a user's `@query` field keeps its api_version at
    # 2.12, and a lambda capturing an object with an `@ref` key renders (it crashed before 2.7).
    tagged = {"to_object": [["@query", {"object": {"api_version": "2.12", "lambda": "x", "expr": 1}}]]}
    assert ok(raw, tagged, {"X-FaunaDB-API-Version": "2.12"}) == {
        "@obj": {"@query": {"api_version": "2.12", "lambda": "x", "expr": 1}}
    }
    captured = {"let": {"o": {"to_object": [["@ref", {"object": {"id": 1}}]]}}, "in": {"lambda": "x", "expr": {"var": "o"}}}
    for headers in (V20, V21):
        body = ok(raw, captured, headers)["@query"]
        assert body["expr"]["let"] == {"o": {"object": {"@ref": {"object": {"id": 1}}}}}


def test_a_created_key_is_a_document_under_2_0(raw):
    # CreateKey answers the key's VersionL, its secret among its fields: under 2.0 its `class` follows its ref.
    key = ok(raw, {"create_key": {"object": {"role": "server"}}}, V20)
    assert list(key)[:3] == ["ref", "class", "ts"] and key["class"] == {"@ref": "keys"}
    assert "secret" in key


def test_an_inserted_event_names_its_instance(raw):
    # Insert answers its event (core's DocEventL): before 2.7 it names its `instance`, under 2.0 `resource`.
    setup(raw)
    ref = {"ref": {"collection": "spells"}, "id": "1"}
    insert = {"insert": ref, "ts": 5, "action": "update", "params": {"object": {"data": {"object": {"x": 3}}}}}
    assert list(ok(raw, insert)) == ["ts", "action", "instance", "data"]
    assert ok(raw, {**insert, "ts": 6}, V20) == {"ts": 6, "action": "create", "resource": {"@ref": "classes/spells/1"}}


def test_an_echoed_event_cursor_names_its_instance(raw):
    # A page gives back the event core parsed from the cursor (SetEventL): worded as events are.
    setup(raw)
    ref = {"ref": {"collection": "spells"}, "id": "1"}
    cursor = {"object": {"ts": 1, "action": "create", "document": ref}}
    page = ok(raw, {"paginate": {"events": ref}, "size": 1, "after": cursor})
    assert list(page["before"]) == ["ts", "action", "instance"] and page["before"]["action"] == "add"
    page = ok(raw, {"paginate": {"events": ref}, "size": 1, "after": cursor}, V20)
    assert page["before"] == {"ts": 1, "action": "create", "resource": {"@ref": "classes/spells/1"}}
