"""Core's SchemaEndpointSpec "schema/1/items/{resource}", "schema/1/items/{resource}/{name}" and
"schema/1/validate/items/..." (ext/api/src/test/scala/schema/SchemaEndpointSpec.scala): one schema item
at a time, over HTTP. Core draws a resource and names at random for each property; here every case runs
for each of the four resources."""

from __future__ import annotations

import itertools

import pytest

from . import core_api
from .core_api import Database
from .test_core_api_schema_files import message, query10, upload

#: The server fixtures, core_api's.
served, api = core_api.served, core_api.api

RESOURCES = ["collections", "functions", "roles", "access_providers"]
#: The native collection a definition names as its `coll`.
COLLS = {"collections": "Collection", "functions": "Function", "roles": "Role", "access_providers": "AccessProvider"}
_names = itertools.count()


@pytest.fixture
def db(api) -> Database:
    return api.a_database()


def a_name() -> str:
    return f"Item{next(_names)}"


def an_fsl(api, db: Database, resource: str, name: str | None = None) -> str:
    """Core's anFSLFor: an item of the resource (a role's privileges on a new collection)."""
    name = name or a_name()
    if resource == "collections":
        return (
            f"collection {name} {{\n  index byFoo {{\n    terms [.foo]\n  }}\n  unique [.bar]\n"
            "  compute a = ((doc) => doc.x + 1)\n  compute b = (_ => 0)\n}"
        )
    if resource == "functions":
        return f"function {name}() {{ 42 }}"
    if resource == "roles":
        coll = api.a_collection(db)["ref"]["@ref"]["id"]
        return f"role {name} {{\n  privileges {coll} {{\n    read {{\n      predicate ((x) => true)\n    }}\n  }}\n}}"
    return (
        f'access provider {name} {{\n  issuer "https://fauna0.auth0.com/{name}"\n'
        '  jwks_uri "https://fauna.auth0.com/.well-known/jwks.json"\n}'
    )


def an_invalid_fsl(resource: str) -> str:
    name = a_name()
    return {
        "collections": f"collection \\{name} {{}}",
        "functions": f"function {name} {{}}",
        "roles": f"role \\{name} {{}}",
        "access_providers": f"access provider {name} {{}}",
    }[resource]


def _changed(fsl: str) -> str:
    # (`{ 42 }`, not any 42: a role names a collection `c142` the test has made.)
    return fsl.replace("{ 42 }", "{ 43 }").replace("(_ => 0)", "(_ => 1)").replace("jwks.json", "jwks2.json")


def post(api, url: str, fsl: str, db: Database):
    return api.raw("POST", url, fsl, None, secret=db.admin_key)


def setup(api, db: Database, files: list[tuple[str, str]]) -> int:
    status, _, body = upload(api, "/schema/1/update?override=false", files, db.admin_key)
    assert status == 200, body
    return body["version"]


def assert_item(resource: str, body: dict, filename: str, fsl: str) -> None:
    assert body["version"] >= 0
    assert body["filename"] == filename
    assert body["content"] == fsl
    assert set(body["span"]) == {"start", "end"} and 0 <= body["span"]["start"] < body["span"]["end"]
    assert body["definition"]["name"]
    assert body["definition"]["coll"] == COLLS[resource]


# -- schema/1/items/{resource} -----------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", RESOURCES)
def test_post_creates_a_single_schema_item(api, db, resource):
    fsl = an_fsl(api, db, resource)
    status, _, body = post(api, f"/schema/1/items/{resource}?validate=true", fsl, db)
    assert status == 200 and body["version"] >= 0 and body["diff"]
    status, _, body = post(api, f"/schema/1/items/{resource}", fsl, db)
    assert status == 200, body
    assert_item(resource, body, "main.fsl", fsl)


def test_rejects_builtin_roles(api, db):
    fsl = (
        "access provider Foo {\n"
        '  issuer "https://fauna0.auth0.com"\n'
        '  jwks_uri "https://fauna.auth0.com/.well-known/jwks.json"\n'
        "  role admin\n"
        "  role server\n"
        '  role "server-readonly"\n'
        "  role client\n"
        "}"
    )
    response = post(api, "/schema/1/items/access_providers", fsl, db)
    assert response[0] == 400
    # Core places them in main.fsl after the two blank lines before an item added to it.
    assert message(response) == """\
error: Builtin role `admin` is not allowed
at main.fsl:6:8
  |
6 |   role admin
  |        ^^^^^
  |
error: Builtin role `server` is not allowed
at main.fsl:7:8
  |
7 |   role server
  |        ^^^^^^
  |
error: Builtin role `server-readonly` is not allowed
at main.fsl:8:8
  |
8 |   role "server-readonly"
  |        ^^^^^^^^^^^^^^^^^
  |
error: Builtin role `client` is not allowed
at main.fsl:9:8
  |
9 |   role client
  |        ^^^^^^
  |"""


@pytest.mark.parametrize("resource", RESOURCES)
def test_post_validates_the_schema_version(api, db, resource):
    fsl = an_fsl(api, db, resource)
    version = api.get("/schema/1/files", db.admin_key)[2]["version"]
    assert post(api, f"/schema/1/items/{resource}?version={version + 7}", fsl, db)[0] == 409
    assert post(api, f"/schema/1/items/{resource}?validate=true", fsl, db)[0] == 200
    assert post(api, f"/schema/1/items/{resource}?version={version}", fsl, db)[0] == 200


@pytest.mark.parametrize("resource", RESOURCES)
def test_post_requires_a_single_fsl_snippet(api, db, resource):
    two = f"{an_fsl(api, db, resource)}\n{an_fsl(api, db, resource)}\n"
    for body, expected in (("", "No FSL snippet provided"), ("  ", "No FSL snippet provided"), (two, "Expected a single schema item, got: 2")):
        for url in (f"/schema/1/items/{resource}?validate=true", f"/schema/1/items/{resource}"):
            response = post(api, url, body, db)
            assert response[0] == 400 and message(response) == expected


@pytest.mark.parametrize("resource, other", [(a, b) for a in RESOURCES for b in RESOURCES if a != b])
def test_post_rejects_a_wrong_schema_type(api, db, resource, other):
    fsl = an_fsl(api, db, other)
    for url in (f"/schema/1/items/{resource}?validate=true", f"/schema/1/items/{resource}"):
        response = post(api, url, fsl, db)
        assert response[0] == 400 and "Wrong FSL snippet." in message(response)


@pytest.mark.parametrize("resource", RESOURCES)
def test_post_rejects_duplicates(api, db, resource):
    fsl = an_fsl(api, db, resource)
    assert post(api, f"/schema/1/items/{resource}?validate=true", fsl, db)[0] == 200
    assert post(api, f"/schema/1/items/{resource}", fsl, db)[0] == 200
    for url in (f"/schema/1/items/{resource}?validate=true", f"/schema/1/items/{resource}"):
        response = post(api, url, fsl, db)
        assert response[0] == 400 and "error: Duplicate" in message(response)


@pytest.mark.parametrize("resource", RESOURCES)
def test_post_returns_errors(api, db, resource):
    fsl = an_invalid_fsl(resource)
    for url in (f"/schema/1/items/{resource}?validate=true", f"/schema/1/items/{resource}"):
        response = post(api, url, fsl, db)
        assert response[0] == 400 and "error:" in message(response)


def test_a_snippet_that_does_not_parse_is_drawn_as_its_own_source(api, db):
    # Core's parseSingleSchemaItem parses the body as Src.FSL(snippet), named `*fsl*`, before any file.
    setup(api, db, [("main.fsl", "function foo() { 1 }")])
    expected = "error: Expected `(`\nat *fsl*:2:14\n  |\n2 | function bar {}\n  |              ^\n  |"
    for url in ("/schema/1/items/functions?validate=true", "/schema/1/items/functions", "/schema/1/items/functions/foo"):
        response = post(api, url, "\nfunction bar {}", db)
        assert response[0] == 400 and message(response) == expected, url


# -- schema/1/items/{resource}/{name} ----------------------------------------------------------------------------


@pytest.mark.parametrize("resource", RESOURCES)
def test_get_returns_a_single_item(api, db, resource):
    name = a_name()
    fsl = an_fsl(api, db, resource, name)
    version = setup(api, db, [("test.fsl", fsl)])
    status, _, body = api.get(f"/schema/1/items/{resource}/{name}?version={version}", db.admin_key)
    assert status == 200, body
    assert body["version"] == version
    assert_item(resource, body, "test.fsl", fsl)


@pytest.mark.parametrize("resource", RESOURCES)
def test_get_returns_404_on_an_unknown_item(api, db, resource):
    assert api.get(f"/schema/1/items/{resource}/{a_name()}", db.admin_key)[0] == 404


@pytest.mark.parametrize("resource", RESOURCES)
def test_get_validates_the_schema_version_if_provided(api, db, resource):
    name = a_name()
    version = setup(api, db, [("test.fsl", an_fsl(api, db, resource, name))])
    assert api.get(f"/schema/1/items/{resource}/{name}?version={version + 7}", db.admin_key)[0] == 409
    assert api.get(f"/schema/1/items/{resource}/{name}?version={version}", db.admin_key)[0] == 200


@pytest.mark.parametrize("resource", RESOURCES)
def test_post_updates_a_single_schema_item(api, db, resource):
    name = a_name()
    version = setup(api, db, [("test.fsl", an_fsl(api, db, resource, name))])
    # Core's generators give the same text for a name but for a role (and then skip the case); change it.
    changed = _changed(an_fsl(api, db, resource, name))
    status, _, body = post(api, f"/schema/1/items/{resource}/{name}?validate=true", changed, db)
    assert status == 200 and body["version"] >= version and body["diff"]
    status, _, body = post(api, f"/schema/1/items/{resource}/{name}", changed, db)
    assert status == 200, body
    assert body["version"] >= version
    assert_item(resource, body, "test.fsl", changed)


@pytest.mark.parametrize("existing", RESOURCES)
@pytest.mark.parametrize("resource", RESOURCES)
def test_post_updates_a_single_schema_item_among_several_files(api, db, existing, resource):
    name = a_name()
    version = setup(api, db, [("existing.fsl", an_fsl(api, db, existing)), ("test.fsl", an_fsl(api, db, resource, name))])
    changed = _changed(an_fsl(api, db, resource, name))
    status, _, body = post(api, f"/schema/1/items/{resource}/{name}?validate=true", changed, db)
    assert status == 200 and body["version"] >= version and body["diff"], body
    status, _, body = post(api, f"/schema/1/items/{resource}/{name}", changed, db)
    assert status == 200, body
    assert_item(resource, body, "test.fsl", changed)


@pytest.mark.parametrize("resource", RESOURCES)
def test_post_renames_a_single_schema_item(api, db, resource):
    old, new = a_name(), a_name()
    version = setup(api, db, [("test.fsl", an_fsl(api, db, resource, old))])
    renamed = an_fsl(api, db, resource, new)
    status, _, body = post(api, f"/schema/1/items/{resource}/{old}?validate=true", renamed, db)
    assert status == 200 and body["version"] >= version and body["diff"]
    status, _, body = post(api, f"/schema/1/items/{resource}/{old}", renamed, db)
    assert status == 200, body
    assert body["definition"]["name"] == new


def test_an_added_item_is_answered_where_the_file_places_it(api, db):
    # Core answers ItemUpdated with the span of the Diff.Add item as the updated main.fsl parses it (its
    # blanks around left out), and the snippet as sent.
    setup(api, db, [("main.fsl", "function first() { 1 }")])
    snippet = "\n  function second() { 2 }\n\n"
    status, _, body = post(api, "/schema/1/items/functions", snippet, db)
    assert status == 200, body
    start = len("function first() { 1 }\n\n\n  ")
    assert body["span"] == {"start": start, "end": start + len("function second() { 2 }")}
    assert body["content"] == snippet
    assert body["version"] == api.get("/schema/1/files", db.admin_key)[2]["version"]


def test_an_item_written_anew_is_answered_where_it_stood(api, db):
    # Core's POST items/{resource}/{name}: SchemaManager.update's Diff.Modify names the item before the
    # write (SchemaDiff's `def item = before`), so the answer's span is the item's old place, and the
    # update is found by the item's old name: a write that changes nothing, or renames the item, finds
    # none and is answered as SourceItem, with the version the request was checked against.
    setup(api, db, [("test.fsl", "function foo() { 42 }\n\nfunction bar() { 1 }\n")])
    status, _, body = post(api, "/schema/1/items/functions/foo", "function foo() { 4200 }", db)
    assert status == 200, body
    assert (body["span"], body["content"]) == ({"start": 0, "end": len("function foo() { 42 }")}, "function foo() { 4200 }")
    written = api.get("/schema/1/files", db.admin_key)[2]["version"]
    assert body["version"] == written
    # The same text again: no update of the item.
    status, _, body = post(api, "/schema/1/items/functions/foo", "function foo() { 4200 }", db)
    assert status == 200, body
    assert (body["span"], body["version"]) == ({"start": 0, "end": len("function foo() { 4200 }")}, written)
    # A rename: the definition is the renamed item's, the version the one checked.
    checked = api.get("/schema/1/files", db.admin_key)[2]["version"]
    status, _, body = post(api, "/schema/1/items/functions/foo", "function foo2() { 4200 }", db)
    assert status == 200, body
    assert (body["version"], body["definition"]["name"]) == (checked, "foo2")
    assert body["span"] == {"start": 0, "end": len("function foo() { 4200 }")}
    assert list(body) == ["version", "filename", "span", "content", "definition"]


def test_an_item_written_anew_while_staged_is_diffed_against_the_active_schema(api, db):
    # The same while a schema is staged: core's update diffs against the active files, so an item written
    # as the staged schema already has it is still updated (against the active item, whose span it
    # answers), and one written as the active schema has it is not.
    setup(api, db, [("test.fsl", "function foo() { 42 }\n\nfunction bar() { 1 }\n")])
    stage(api, db, [("test.fsl", "function bar() { 1 }\n\nfunction foo() { 4200 }\n")])
    checked = api.get("/schema/1/staged/status", db.admin_key)[2]["version"]
    status, _, body = post(api, "/schema/1/items/functions/foo", "function foo() { 4200 }", db)
    assert status == 200, body
    assert body["span"] == {"start": 0, "end": len("function foo() { 42 }")}
    assert body["version"] == api.get("/schema/1/staged/status", db.admin_key)[2]["version"] > checked
    checked = body["version"]
    status, _, body = post(api, "/schema/1/items/functions/foo", "function foo() { 42 }", db)
    assert status == 200, body
    start = len("function bar() { 1 }\n\n")
    assert (body["span"], body["version"]) == ({"start": start, "end": start + len("function foo() { 4200 }")}, checked)
    assert staged_file(api, db, "test.fsl") == "function bar() { 1 }\n\nfunction foo() { 42 }\n"


@pytest.mark.parametrize("resource", RESOURCES)
def test_post_requires_an_existing_schema_item(api, db, resource):
    fsl, name = an_fsl(api, db, resource), a_name()
    assert post(api, f"/schema/1/items/{resource}/{name}?validate=true", fsl, db)[0] == 404
    assert post(api, f"/schema/1/items/{resource}/{name}", fsl, db)[0] == 404


@pytest.mark.parametrize("resource, other", [(a, b) for a in RESOURCES for b in RESOURCES if a != b])
def test_post_to_an_item_rejects_a_wrong_schema_type(api, db, resource, other):
    name = a_name()
    setup(api, db, [("test.fsl", an_fsl(api, db, resource, name))])
    fsl = an_fsl(api, db, other, name)
    for url in (f"/schema/1/items/{resource}/{name}?validate=true", f"/schema/1/items/{resource}/{name}"):
        response = post(api, url, fsl, db)
        assert response[0] == 400 and "Wrong FSL snippet." in message(response)


@pytest.mark.parametrize("resource", RESOURCES)
def test_post_to_an_item_requires_a_single_fsl_snippet(api, db, resource):
    name = a_name()
    two = f"{an_fsl(api, db, resource, name)}\n{an_fsl(api, db, resource)}\n"
    for body, expected in (("", "No FSL snippet provided"), ("  ", "No FSL snippet provided"), (two, "Expected a single schema item, got: 2")):
        for url in (f"/schema/1/items/{resource}/{name}?validate=true", f"/schema/1/items/{resource}/{name}"):
            response = post(api, url, body, db)
            assert response[0] == 400 and message(response) == expected


@pytest.mark.parametrize("resource", RESOURCES)
def test_post_to_an_item_returns_fsl_errors(api, db, resource):
    name = a_name()
    setup(api, db, [("foo.fsl", an_fsl(api, db, resource, name))])
    for url in (f"/schema/1/items/{resource}/{name}?validate=true", f"/schema/1/items/{resource}/{name}"):
        response = post(api, url, an_invalid_fsl(resource), db)
        assert response[0] == 400 and "error:" in message(response)


@pytest.mark.parametrize("resource", RESOURCES)
def test_post_to_an_item_validates_the_schema_version(api, db, resource):
    name = a_name()
    fsl = an_fsl(api, db, resource, name)
    version = setup(api, db, [("test.fsl", fsl)])
    assert post(api, f"/schema/1/items/{resource}/{name}?version={version + 7}", fsl, db)[0] == 409
    assert post(api, f"/schema/1/items/{resource}/{name}?validate=true", fsl, db)[0] == 200
    assert post(api, f"/schema/1/items/{resource}/{name}?version={version}", fsl, db)[0] == 200


@pytest.mark.parametrize("resource", RESOURCES)
def test_delete_removes_a_single_schema_item(api, db, resource):
    name = a_name()
    setup(api, db, [("test.fsl", an_fsl(api, db, resource, name))])
    url = f"/schema/1/items/{resource}/{name}"
    assert api.delete(f"{url}?validate=true", db.admin_key)[0] == 200
    status, _, body = api.delete(url, db.admin_key)
    assert status == 200, body
    # Core's ItemUpdated: the item's text and place, and its document as the delete left it, materialized
    # as null (ReadBroker reads a deleted version override as a null doc).
    assert api.get("/schema/1/files/test.fsl", db.admin_key)[0] == 404  # left blank, the file is gone
    assert list(body) == ["version", "filename", "span", "content", "definition"]
    assert (body["filename"], body["span"]["start"], body["definition"]) == ("test.fsl", 0, None)
    assert api.delete(f"{url}?validate=true", db.admin_key)[0] == 404
    assert api.delete(url, db.admin_key)[0] == 404
    assert api.get(f"{url}?version={body['version']}", db.admin_key)[0] == 404


# -- schema/1/validate/items/{resource}/{name} -------------------------------------------------------------------


@pytest.mark.parametrize("resource", RESOURCES)
def test_updating_an_item_to_itself_is_an_empty_diff(api, db, resource):
    name = a_name()
    fsl = an_fsl(api, db, resource, name)
    version = setup(api, db, [("test.fsl", fsl)])
    status, _, body = post(api, f"/schema/1/items/{resource}/{name}?validate=true", fsl, db)
    assert status == 200 and body == {"version": version, "diff": ""}


# -- while a schema is staged (core's items API works on the staged files) -------------------------------------


def stage(api, db: Database, files: list[tuple[str, str]]) -> None:
    status, _, body = upload(api, "/schema/1/update?staged=true&override=false", files, db.admin_key)
    assert status == 200, body


def staged_file(api, db: Database, name: str) -> str:
    return api.get(f"/schema/1/files/{name}?staged=true", db.admin_key)[2]["content"]


@pytest.mark.parametrize("resource", RESOURCES)
def test_post_while_staged_answers_the_item(api, db, resource):
    setup(api, db, [("test.fsl", an_fsl(api, db, "functions"))])
    # Made first: a role's collection made by a query once staged would not be in the staged schema.
    fsl = an_fsl(api, db, resource)
    stage(api, db, [("other.fsl", "function staged() { 1 }")])
    status, _, body = post(api, f"/schema/1/items/{resource}", fsl, db)
    assert status == 200, body
    assert_item(resource, body, "main.fsl", fsl)
    assert body["version"] == api.get("/schema/1/staged/status", db.admin_key)[2]["version"]
    # The item joined the staged schema, which still holds what was staged before.
    assert staged_file(api, db, "main.fsl").endswith(fsl)
    assert staged_file(api, db, "other.fsl") == "function staged() { 1 }"
    assert body["span"]["end"] == len(staged_file(api, db, "main.fsl"))


@pytest.mark.parametrize("resource", RESOURCES)
def test_post_to_an_item_while_staged_changes_it_where_it_is_staged(api, db, resource):
    name = a_name()
    active_fsl = an_fsl(api, db, resource, name)
    setup(api, db, [("test.fsl", active_fsl)])
    # Staged: another item before it in the same file, so its place there is not its place in the active file.
    staged_fsl = an_fsl(api, db, resource, name)
    staged_text = f"function before() {{ 0 }}\n\n{staged_fsl}"
    changed = _changed(an_fsl(api, db, resource, name))
    stage(api, db, [("test.fsl", staged_text)])
    status, _, body = post(api, f"/schema/1/items/{resource}/{name}", changed, db)
    assert status == 200, body
    assert_item(resource, body, "test.fsl", changed)
    text = staged_file(api, db, "test.fsl")
    assert text == f"function before() {{ 0 }}\n\n{changed}"
    # The span is the item's as it stands in the active file: core diffs an items API write against the
    # active schema even while one is staged (SchemaValidate, `staged = false`), and answers the item of
    # that Diff.Modify, the one before.
    assert body["span"] == {"start": 0, "end": len(active_fsl)}


def test_the_definition_is_the_staged_one(api, db):
    setup(api, db, [("main.fsl", "function foo() { 1 }")])
    stage(api, db, [("main.fsl", "function foo() { 1 }")])
    status, _, body = post(api, "/schema/1/items/functions/foo", "@role(server)\nfunction foo() { 2 }", db)
    assert status == 200, body
    assert body["definition"]["body"] == "() => {\n  2\n}" and body["definition"]["role"] == "server"
    # The active schema stays as it was until the commit; the item reads as staged meanwhile.
    assert api.get("/schema/1/files/main.fsl", db.admin_key)[2]["content"] == "function foo() { 1 }"
    status, _, body = api.get("/schema/1/items/functions/foo", db.admin_key)
    assert status == 200 and body["content"] == "@role(server)\nfunction foo() { 2 }"
    assert body["definition"]["body"] == "() => {\n  2\n}"
    assert api.raw("POST", "/schema/1/commit?force=true", "", secret=db.admin_key)[0] == 200
    assert api.get("/schema/1/items/functions/foo", db.admin_key)[2]["definition"]["role"] == "server"


def test_an_item_staged_alone_is_found(api, db):
    setup(api, db, [("main.fsl", "function foo() { 1 }")])
    stage(api, db, [("new.fsl", "collection Staged {}")])
    status, _, body = api.get("/schema/1/items/collections/Staged", db.admin_key)
    assert status == 200, body
    assert body["filename"] == "new.fsl" and body["content"] == "collection Staged {}"
    assert body["definition"]["name"] == "Staged" and body["definition"]["coll"] == "Collection"


@pytest.mark.parametrize("resource", RESOURCES)
def test_delete_while_staged_answers_the_item(api, db, resource):
    name = a_name()
    fsl = an_fsl(api, db, resource, name)
    setup(api, db, [("test.fsl", fsl)])
    stage(api, db, [("other.fsl", "function staged() { 1 }")])
    url = f"/schema/1/items/{resource}/{name}"
    status, _, body = api.delete(url, db.admin_key)
    assert status == 200, body
    assert (body["filename"], body["content"], body["span"]) == ("test.fsl", fsl, {"start": 0, "end": len(fsl)})
    # The definition is the document as its delete left it: none (core materializes a deleted version as null).
    assert body["definition"] is None
    # Gone from the staged schema (its file with it, left blank), still active until the commit.
    assert api.get(url, db.admin_key)[0] == 404
    assert api.get("/schema/1/files/test.fsl?staged=true", db.admin_key)[0] == 404
    assert api.get("/schema/1/files/test.fsl", db.admin_key)[2]["content"] == fsl
    assert api.raw("POST", "/schema/1/abandon?force=true", "", secret=db.admin_key)[0] == 200
    assert api.get(url, db.admin_key)[0] == 200


def test_a_rename_while_staged_keeps_the_documents_at_the_commit(api, db):
    setup(api, db, [("main.fsl", "collection Foo {}")])
    assert query10(api, "Foo.create({ id: 1 }); Foo.create({ id: 2 }); Foo.all().count()", db.admin_key)[2]["data"] == 2
    stage(api, db, [("main.fsl", "collection Foo {}")])
    status, _, body = post(api, "/schema/1/items/collections/Foo", "collection Bar {}", db)
    assert status == 200 and body["definition"]["name"] == "Bar", body
    # Renamed again before the commit: still the same collection, renamed from its active name.
    status, _, body = post(api, "/schema/1/items/collections/Bar", "collection Baz {}", db)
    assert status == 200 and body["definition"]["name"] == "Baz", body
    # A change of the collection, not one deleted and another made.
    assert api.get("/schema/1/staged/status?format=summary", db.admin_key)[2]["diff"] == (
        "* Modifying collection `Foo` at main.fsl:1:1\n"
    )
    assert query10(api, "Foo.all().count()", db.admin_key)[2]["data"] == 2
    assert api.raw("POST", "/schema/1/commit?force=true", "", secret=db.admin_key)[0] == 200
    assert query10(api, "Baz.all().map(.id).toArray()", db.admin_key)[2]["data"] == ["1", "2"]
    assert query10(api, "Collection.byName('Foo').exists()", db.admin_key)[2]["data"] is False


def test_validate_while_staged_finds_the_item_in_the_staged_files(api, db):
    # Core's items API looks items up in the staged files and compares the changed file with the active
    # ones: an item only staged can be validated, and its diff is against the active schema.
    setup(api, db, [("main.fsl", "function foo() { 1 }")])
    stage(api, db, [("main.fsl", "function foo() { 1 }"), ("new.fsl", "function staged() { 1 }")])
    status, _, body = api.raw("POST", "/schema/1/items/functions/staged?validate=true", "function staged() { 2 }", secret=db.admin_key)
    assert status == 200, body
    assert body["diff"] == "* Adding function `staged` to new.fsl:1:1\n\n"
    status, _, body = api.raw("DELETE", "/schema/1/items/functions/staged?validate=true", secret=db.admin_key)
    assert status == 200 and body["diff"] == ""


def test_post_to_an_item_returns_validation_errors(api, db):
    # Core's "POST: return validation errors": an item's migrations checked against the live schema, drawn
    # in the file the item lives in (foo.fsl), by validate and by the write alike.
    setup(api, db, [("foo.fsl", "collection Foo {\n  foo: String\n}")])
    invalid = "collection Foo {\n  migrations {\n    drop .foo\n    drop .foo\n  }\n}"
    expected = """\
error: Cannot drop field `.foo`. Dropped fields must be removed from schema
at foo.fsl:3:10
  |
3 |     drop .foo
  |          ^^^^
  |
hint: Field defined here
at foo.fsl:4:11
  |
4 |     drop .foo
  |           ^^^
  |"""
    for url in ("/schema/1/items/collections/Foo?validate=true", "/schema/1/items/collections/Foo"):
        response = post(api, url, invalid, db)
        assert response[0] == 400 and message(response) == expected


# -- validate=true types the schema as a write does ------------------------------------------------------------

BAD_LEN = "function len(x: Int): Number {\n  x.length\n}"
GOOD_LEN = "function len(x: String): Number {\n  x.length\n}"


def test_validating_an_item_typechecks_it(api, db):
    # Core's validateSingleFSLItem runs SchemaManager.validate, whose validateDiffs runs SchemaTypeValidator:
    # `validate=true` refuses what the write would refuse, and writes nothing. A server key may validate
    # (core checks no write permission for it), and is typechecked the same.
    for secret in (db.admin_key, db.key):
        response = api.raw("POST", "/schema/1/items/functions?validate=true", BAD_LEN, None, secret=secret)
        assert response[0] == 400, response
        assert message(response).startswith("error: Type `Int` does not have field `length`\nat main.fsl:4:5\n")
    assert api.get("/schema/1/files", db.admin_key)[2]["files"] == []
    assert post(api, "/schema/1/items/functions", GOOD_LEN, db)[0] == 200
    response = post(api, "/schema/1/items/functions/len?validate=true", BAD_LEN, db)
    assert response[0] == 400 and "does not have field `length`" in message(response)
    status, _, body = post(api, "/schema/1/items/functions/len?validate=true", GOOD_LEN.replace("Number", "Int"), db)
    assert (status, body["diff"]) == (200, "* Modifying function `len` at main.fsl:3:1:\n  ~ change signature\n\n")
    assert api.get("/schema/1/files/main.fsl", db.admin_key)[2]["content"].endswith(GOOD_LEN)
