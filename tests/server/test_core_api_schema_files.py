"""Core's SchemaEndpointSpec and SchemaABACSpec (ext/api/src/test/scala/schema/): the `/schema/1` API the
Fauna CLI pushes and pulls FSL files through, over HTTP. SchemaEndpointStagedSpec's cases follow theirs.

Skipped: SchemaEndpointStagedSpec "disallows committing during an async build" (`Cannot commit schema
before it is in the ready state`): fql builds a staged index in the push that stages it, so a staged
schema is never `pending` (README, departures); its "builds an index async" is
test_a_staged_index_is_ready_at_once."""

from __future__ import annotations

import json
import urllib.parse
import uuid

import pytest

from . import core_api
from .core_api import ROOT, Database

#: The server fixtures, core_api's.
served, api = core_api.served, core_api.api

EXISTING = [("foo.fsl", "function double(x) { x * 2 }"), ("baaz.fsl", "function id(x) { x }")]
PROPOSED = [("foo.fsl", "function double(x) { x + x }"), ("bar.fsl", "function incr(x) { x + 1 }")]


def multipart(files: list[tuple[str, str]], boundary: str | None = None) -> tuple[bytes, str]:
    """A form-data body with one part per file, named by the file's name (as the Fauna CLI sends them)."""
    boundary = boundary or uuid.uuid4().hex
    chunks = []
    for name, content in files:
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n{content}\r\n"
        )
    chunks.append(f"--{boundary}--\r\n")
    return "".join(chunks).encode(), f"multipart/form-data; boundary={boundary}"


def upload(api, url: str, files: list[tuple[str, str]], secret: str | None = ROOT):
    body, kind = multipart(files)
    return api.raw("POST", url, body, {"Content-Type": kind}, secret=secret)


def message(response) -> str:
    return response[2]["error"]["message"]


@pytest.fixture
def db(api) -> Database:
    return api.a_database()


def test_files_are_generated_for_schema_made_by_queries(api, db):
    coll = api.a_collection(db)
    status, _, body = api.get("/schema/1/files", db.admin_key)
    assert status == 200 and body["version"] >= 0
    assert body["files"] == [{"filename": "main.fsl"}]
    status, _, body = api.get("/schema/1/files/main.fsl", db.admin_key)
    assert status == 200
    assert body["version"] >= 0
    assert "// The following schema is auto-generated.\n// This file contains FSL for FQL10-compatible schema items.\n" in body["content"]
    assert f"collection {coll['ref']['@ref']['id']}" in body["content"]


def test_unknown_file_is_not_found(api, db):
    response = api.get("/schema/1/files/foo.fsl", db.admin_key)
    assert response[0] == 404 and message(response) == "Not found"


def _assert_updated(api, db, response):
    status, _, body = response
    assert status == 200, body
    version = body["version"]
    status, _, listing = api.get(f"/schema/1/files?version={version}", db.admin_key)
    assert status == 200
    assert listing == {"version": version, "files": [{"filename": "foo.fsl"}, {"filename": "bar.fsl"}]}
    assert api.get("/schema/1/files/foo.fsl", db.admin_key)[2] == {"version": version, "content": "function double(x) { x * 2 }"}
    assert api.get("/schema/1/files/bar.fsl", db.admin_key)[2] == {"version": version, "content": "function id(x) { x }"}


FILES = [("foo.fsl", "function double(x) { x * 2 }"), ("bar.fsl", "function id(x) { x }")]


def test_update_pushes_files_and_schema(api, db):
    _assert_updated(api, db, upload(api, "/schema/1/update", FILES, db.admin_key))
    assert api.run({"call": {"function": "double"}, "arguments": 21}, db.admin_key) == 42


def test_update_checks_the_schema_version(api, db):
    version = api.get("/schema/1/files", db.admin_key)[2]["version"]
    wrong = upload(api, f"/schema/1/update?version={version + 7}", FILES, db.admin_key)
    assert wrong[0] == 409 and message(wrong) == "Stale schema version provided"
    _assert_updated(api, db, upload(api, f"/schema/1/update?version={version}", FILES, db.admin_key))


@pytest.mark.parametrize("version", ["1_0", " 5", "abc", "99999999999999999999", ""])
def test_a_version_that_is_no_long_is_ignored(api, db, version):
    # Core reads `version` with Scala's toLongOption: what is not a 64-bit integer is no version at all.
    response = upload(api, f"/schema/1/update?version={urllib.parse.quote(version)}", FILES, db.admin_key)
    _assert_updated(api, db, response)


@pytest.mark.parametrize("version", ["-5", "%2B5", "9223372036854775807"])
def test_a_signed_long_version_is_checked(api, db, version):
    response = upload(api, f"/schema/1/update?version={version}", FILES, db.admin_key)
    assert response[0] == 409 and message(response) == "Stale schema version provided"
    # With `force`, core takes the update whatever version it names.
    _assert_updated(api, db, upload(api, f"/schema/1/update?force=true&version={version}", FILES, db.admin_key))


def test_update_is_checked_after_the_writes(api, db):
    response = upload(api, "/schema/1/update", [("main.fsl", "@role('a_role') function foo() { 42 }")], db.admin_key)
    assert response[0] == 400
    assert message(response) == (
        "Failed to create Function.\nconstraint failures:\n  role: Field refers to an unknown role name `a_role`."
    )
    # Nothing of a failed push is kept.
    assert api.get("/schema/1/files", db.admin_key)[2]["files"] == []


def test_too_many_files(api, db):
    files = [(f"foo{i}.fsl", "function foo() { 42 }") for i in range(1025)]
    response = upload(api, "/schema/1/update", files, db.admin_key)
    assert response[0] == 400 and message(response) == "Too many files"


def test_exactly_the_right_number_of_files(api, db):
    others = [(f"foo{i}.fsl", "// hi") for i in range(1023)]
    assert upload(api, "/schema/1/update", others, db.admin_key)[0] == 200
    too_many = [(f"foo{i}.fsl", "// hi") for i in range(1024)]
    assert message(upload(api, "/schema/1/update", too_many, db.admin_key)) == "Too many files"
    assert upload(api, "/schema/1/update", others + [("main.fsl", "// hi")], db.admin_key)[0] == 200
    assert message(upload(api, "/schema/1/update", too_many + [("main.fsl", "// hi")], db.admin_key)) == "Too many files"


def test_a_file_over_the_body_limit(api, db):
    response = upload(api, "/schema/1/update", [("main.fsl", "// 1234\n" * (1024 * 1024))], db.admin_key)
    assert response[0] == 413 and message(response) == "Request entity is too large"


PARSE_ERRORS = """\
error: Expected `(`
at main.fsl:1:14
  |
1 | function foo {}
  |              ^
  |
error: Invalid schema item `bar`
at foo.fsl:1:1
  |
1 | bar?
  | ^^^
  |"""


@pytest.mark.parametrize("endpoint", ["update", "validate"])
def test_errors_of_every_file(api, db, endpoint):
    response = upload(api, f"/schema/1/{endpoint}", [("main.fsl", "function foo {}"), ("foo.fsl", "bar?")], db.admin_key)
    assert response[0] == 400 and message(response) == PARSE_ERRORS


@pytest.mark.parametrize("endpoint", ["update", "validate"])
@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ([("main.fsl", "role foo { }"), ("foo.fsl", "role foo { }")], "Duplicate role `foo` in foo.fsl (originally seen in main.fsl)"),
        (
            [("main.fsl", "function foo(x) { x }"), ("foo.fsl", "collection foo { }")],
            "Duplicate collection or function `foo` in foo.fsl (originally seen in main.fsl)",
        ),
    ],
)
def test_duplicates(api, db, endpoint, files, expected):
    response = upload(api, f"/schema/1/{endpoint}", files, db.admin_key)
    assert response[0] == 400 and message(response) == expected


def test_validate_rejects_a_collection_and_a_function_of_one_name(api, db):
    # Core's validate "rejects duplicates" names the collection first and the function second (update's
    # case, in test_duplicates, the other way round): the message is the same.
    files = [("main.fsl", "collection foo { }"), ("foo.fsl", "function foo(x) { x + 1 }")]
    response = upload(api, "/schema/1/validate", files, db.admin_key)
    assert response[0] == 400
    assert message(response) == "Duplicate collection or function `foo` in foo.fsl (originally seen in main.fsl)"


@pytest.mark.parametrize(
    "fsl",
    [
        pytest.param("collection Foo {}", id="allow collections when computed fields flag is disabled"),
        pytest.param("collection Foo { unique [.foo] }", id="unique constraints work when check constraints flag is disabled"),
    ],
)
def test_a_database_in_an_account_takes_collections(api, fsl):
    # Core's two cases of a database made inside a customer's account database (whose feature flags are
    # off): fql has no feature flags, and the push is taken as core takes it.
    name = f"account_{uuid.uuid4().hex[:8]}"
    assert query10(api, f"Database.create({{ name: '{name}', account: {{ id: 10001 }} }})", ROOT, typecheck=False)[0] == 200
    account = query10(api, f"Key.create({{ role: 'admin', database: '{name}' }}).secret", ROOT)[2]["data"]
    status, _, body = query10(api, 'Database.create({\n  name: "Foo",\n})\n\nKey.create({ role: "admin", database: "Foo" })\n', account)
    assert status == 200, body
    response = upload(api, "/schema/1/update", [("main.fsl", fsl)], body["data"]["secret"])
    assert response[0] == 200, response[2]
    assert api.get("/schema/1/files/main.fsl", body["data"]["secret"])[2]["content"] == fsl


@pytest.mark.parametrize("name", ["foo", "*foo.fsl"])
def test_invalid_filenames(api, db, name):
    response = upload(api, "/schema/1/update", [(name, "bar")], db.admin_key)
    assert response[0] == 400 and message(response) == f"Invalid filename `{name}`"


@pytest.mark.parametrize("endpoint", ["validate", "diff"])
def test_validate_returns_diffs(api, db, endpoint):
    assert upload(api, "/schema/1/update", EXISTING, db.admin_key)[0] == 200
    response = upload(api, f"/schema/1/{endpoint}?override=false", PROPOSED, db.admin_key)
    assert response[0] == 200
    assert response[2]["diff"] == (
        "* Adding function `incr` to bar.fsl:1:1\n\n* Modifying function `double` at foo.fsl:1:1:\n  ~ change body\n\n"
    )
    response = upload(api, f"/schema/1/{endpoint}", PROPOSED, db.admin_key)
    assert response[2]["diff"] == (
        "* Adding function `incr` to bar.fsl:1:1\n\n"
        "* Removing function `id` from baaz.fsl:1:1\n\n"
        "* Modifying function `double` at foo.fsl:1:1:\n  ~ change body\n\n"
    )


def test_validate_returns_text_diffs(api, db):
    assert upload(api, "/schema/1/update", EXISTING, db.admin_key)[0] == 200
    response = upload(api, "/schema/1/validate?override=false&diff=textual", PROPOSED, db.admin_key)
    assert response[2]["diff"] == (
        "bar.fsl\n@ line 1 to 1\n+ function incr(x) { x + 1 }\n\n"
        "foo.fsl\n@ line 1 to 1\n- function double(x) { x * 2 }\n+ function double(x) { x + x }\n"
    )
    response = upload(api, "/schema/1/validate?diff=textual", PROPOSED, db.admin_key)
    assert response[2]["diff"] == (
        "baaz.fsl\n@ line 1 to 1\n- function id(x) { x }\n\n"
        "bar.fsl\n@ line 1 to 1\n+ function incr(x) { x + 1 }\n\n"
        "foo.fsl\n@ line 1 to 1\n- function double(x) { x * 2 }\n+ function double(x) { x + x }\n"
    )


def test_validate_changes_nothing(api, db):
    assert upload(api, "/schema/1/validate", PROPOSED, db.admin_key)[0] == 200
    assert api.get("/schema/1/files", db.admin_key)[2]["files"] == []


def test_validate_with_a_stale_version(api, db):
    assert upload(api, "/schema/1/update", EXISTING, db.admin_key)[0] == 200
    response = upload(api, "/schema/1/diff?version=3", [("main.fsl", "function foo() { 0 }")], db.admin_key)
    assert response[0] == 409 and message(response) == "Stale schema version provided"


def test_validate_colors(api, db):
    response = upload(
        api, "/schema/1/validate?color=ansi", [("main.fsl", "collection Foo { index byName { terms [.name] } }")], db.admin_key
    )
    reset, bold_blue, green = "\x1b[0m", "\x1b[1;34m", "\x1b[32m"
    assert response[2]["diff"] == (
        f"{bold_blue}* Adding collection `Foo`{reset} to main.fsl:1:1:\n  * Indexes:\n{green}  + add index `byName`{reset}\n\n"
    )


def test_a_malformed_multipart_body(api, db):
    body, _ = multipart([("main.fsl", "collection Foo { index byName { terms [.name] } }")])
    response = api.raw("POST", "/schema/1/diff", body, {"Content-Type": "multipart/form-data;"}, secret=db.admin_key)
    assert response[0] == 400 and message(response) == "Request is not a valid multipart request"


# -- SchemaEndpointStagedSpec --------------------------------------------------------------------------------


def status(api, db) -> str:
    first = api.get("/schema/1/status", db.admin_key)
    second = api.get("/schema/1/staged/status", db.admin_key)
    assert first[0] == second[0] == 200
    assert first[2]["status"] == second[2]["status"]
    return first[2]["status"]


def staged_diff(api, db, mode: str = "semantic") -> str:
    first = api.get(f"/schema/1/status?diff={mode}", db.admin_key)
    second = api.get(f"/schema/1/staged/status?format={mode}", db.admin_key)
    assert first[2]["diff"] == second[2]["diff"]
    return first[2]["diff"]


def query10(api, text: str, secret: str, typecheck: bool = True):
    body = json.dumps({"query": text})
    headers = {"Content-Type": "application/json", "X-Typecheck": "true" if typecheck else "false"}
    return api.raw("POST", "/query/1", body, headers, secret=secret)


def test_staged_schema_is_refused_in_the_root_database(api):
    response = upload(api, "/schema/1/update?force=true&staged=true", [("foo.fsl", "function foo() { 2 }")], ROOT)
    assert response[0] == 400 and message(response) == "Schema cannot be staged in the root database"


def test_collections_can_be_deleted_in_a_staged_update(api, db):
    assert upload(api, "/schema/1/update?force=true", [("foo.fsl", "collection Foo {}")], db.admin_key)[0] == 200
    assert upload(api, "/schema/1/update?force=true&staged=true", [("foo.fsl", "")], db.admin_key)[0] == 200


def test_an_item_can_be_renamed_in_a_staged_update(api, db):
    files = [("foo.fsl", "collection Foo {}")]
    assert upload(api, "/schema/1/update?force=true", files, db.admin_key)[0] == 200
    assert upload(api, "/schema/1/update?force=true&staged=true", files, db.admin_key)[0] == 200
    assert api.raw("POST", "/schema/1/items/collections/Foo?force=true", "collection Bar {}", secret=db.admin_key)[0] == 200


FOO = "collection Foo {\n  name: String\n}"
FOO_INDEXED = "collection Foo {\n  name: String\n\n  index byName {\n    terms [.name]\n  }\n}"
FOO_VALUES = "collection Foo {\n  name: String\n\n  index byName {\n    terms [.name]\n    values [.name]\n  }\n}"


def test_validate_against_the_staged_schema(api, db):
    assert upload(api, "/schema/1/update?force=true", [("foo.fsl", FOO)], db.admin_key)[0] == 200
    assert upload(api, "/schema/1/update?force=true&staged=true", [("foo.fsl", FOO_INDEXED)], db.admin_key)[0] == 200
    response = upload(api, "/schema/1/validate?force=true", [("foo.fsl", FOO_INDEXED)], db.admin_key)
    assert response[2]["diff"] == "* Modifying collection `Foo` at foo.fsl:1:1:\n  * Indexes:\n  + add index `byName`\n\n"
    response = upload(api, "/schema/1/validate?force=true&staged=true", [("foo.fsl", FOO_INDEXED)], db.admin_key)
    assert response[2]["diff"] == ""
    response = upload(api, "/schema/1/validate?force=true&staged=true", [("foo.fsl", FOO_VALUES)], db.admin_key)
    assert response[2]["diff"] == (
        "* Modifying collection `Foo` at foo.fsl:1:1:\n  * Indexes:\n  ~ change index `byName`\n"
        "    + add values set to [.name]\n\n"
    )


def test_summary_diffs_against_active_and_staged(api, db):
    assert upload(api, "/schema/1/update?force=true", [("foo.fsl", FOO)], db.admin_key)[0] == 200
    assert upload(api, "/schema/1/update?force=true&staged=true", [("foo.fsl", FOO_INDEXED)], db.admin_key)[0] == 200
    assert upload(api, "/schema/1/validate?diff=summary", [("foo.fsl", FOO)], db.admin_key)[2]["diff"] == ""
    modified = "* Modifying collection `Foo` at foo.fsl:1:1\n"
    assert upload(api, "/schema/1/validate?diff=summary", [("foo.fsl", FOO_INDEXED)], db.admin_key)[2]["diff"] == modified
    assert upload(api, "/schema/1/validate?staged=true&diff=summary", [("foo.fsl", FOO)], db.admin_key)[2]["diff"] == modified
    assert upload(api, "/schema/1/validate?staged=true&diff=summary", [("foo.fsl", FOO_INDEXED)], db.admin_key)[2]["diff"] == ""


@pytest.mark.parametrize("path", ["commit", "staged/commit"])
def test_commit_a_staged_schema(api, db, path):
    assert upload(api, "/schema/1/update?force=true", [("foo.fsl", "function foo() { 1 }")], db.admin_key)[0] == 200
    assert upload(api, "/schema/1/update?force=true&staged=true", [("foo.fsl", "function foo() { 2 }")], db.admin_key)[0] == 200
    # The active schema stays active until the commit.
    assert query10(api, "foo()", db.admin_key)[2]["data"] == 1
    assert status(api, db) == "ready"
    assert api.get("/schema/1/files/foo.fsl", db.admin_key)[2]["content"] == "function foo() { 1 }"
    assert api.get("/schema/1/files/foo.fsl?staged=true", db.admin_key)[2]["content"] == "function foo() { 2 }"
    assert api.raw("POST", f"/schema/1/{path}?force=true", "", secret=db.admin_key)[0] == 200
    assert query10(api, "foo()", db.admin_key)[2]["data"] == 2
    assert status(api, db) == "none"


@pytest.mark.parametrize("path", ["abandon", "staged/abandon"])
def test_abandon_a_staged_schema(api, db, path):
    assert upload(api, "/schema/1/update?force=true", [("foo.fsl", "function foo() { 1 }")], db.admin_key)[0] == 200
    assert upload(api, "/schema/1/update?force=true&staged=true", [("foo.fsl", "function foo() { 2 }")], db.admin_key)[0] == 200
    assert status(api, db) == "ready"
    assert api.raw("POST", f"/schema/1/{path}?force=true", "", secret=db.admin_key)[0] == 200
    assert status(api, db) == "none"
    assert query10(api, "foo()", db.admin_key)[2]["data"] == 1


@pytest.mark.parametrize(("path", "what"), [("staged/commit", "commit"), ("abandon", "abandon")])
def test_nothing_staged(api, db, path, what):
    response = api.raw("POST", f"/schema/1/{path}?force=true", "", secret=db.admin_key)
    assert response[0] == 400 and message(response) == f"There is no staged schema to {what}"


def test_a_staged_index_is_ready_at_once(api, db):
    files = [("foo.fsl", "collection User {\n  name: String\n}")]
    assert upload(api, "/schema/1/update?force=true", files, db.admin_key)[0] == 200
    assert status(api, db) == "none"
    assert query10(api, 'Set.sequence(0, 20).forEach(i => User.create({ name: "user-#{i}" }))', db.admin_key)[0] == 200
    staged = [("foo.fsl", "collection User {\n  name: String\n\n  index byName {\n    terms [.name]\n  }\n}")]
    assert upload(api, "/schema/1/update?force=true&staged=true", staged, db.admin_key)[0] == 200
    assert status(api, db) == "ready"
    assert api.get("/schema/1/staged/status?format=semantic", db.admin_key)[2]["pending_summary"] == ""
    assert staged_diff(api, db, "summary") == "* Modifying collection `User` at foo.fsl:1:1\n"
    assert upload(api, "/schema/1/commit?force=true", files, db.admin_key)[0] == 200
    assert status(api, db) == "none"
    assert query10(api, "User.byName('user-0').count()", db.admin_key)[2]["data"] == 1


def test_a_failing_staged_push_stages_nothing(api, db):
    response = upload(api, "/schema/1/update?staged=true", [("main.fsl", "@role(nobody) function foo() { 42 }")], db.admin_key)
    assert response[0] == 400 and "unknown role name `nobody`" in message(response)
    assert status(api, db) == "none"


def test_active_and_staged_filenames_and_content(api, db):
    # SchemaEndpointStagedSpec "shows active and staged filenames", "shows active and staged file content":
    # the staged push moves the function to another file.
    assert upload(api, "/schema/1/update?force=true", [("foo.fsl", "function foo() { 1 }")], db.admin_key)[0] == 200
    staged = [("bar.fsl", "function foo() { 2 }")]
    assert upload(api, "/schema/1/update?force=true&staged=true", staged, db.admin_key)[0] == 200
    assert api.get("/schema/1/files", db.admin_key)[2]["files"][0]["filename"] == "foo.fsl"
    assert api.get("/schema/1/files?staged=true", db.admin_key)[2]["files"][0]["filename"] == "bar.fsl"
    assert api.get("/schema/1/files/foo.fsl", db.admin_key)[2]["content"] == "function foo() { 1 }"
    assert api.get("/schema/1/files/bar.fsl?staged=true", db.admin_key)[2]["content"] == "function foo() { 2 }"


def test_staged_files_are_listed_as_core_keeps_them(api, db):
    # Core lists schema files by their source document's id (sequential): a staged push writes the files
    # it keeps on their documents, so they stay where they were, and a new one comes after the others, in
    # the order pushed.
    files = [("zz.fsl", "function z() { 1 }"), ("aa.fsl", "function a() { 1 }"), ("mm.fsl", "function m() { 1 }")]
    assert upload(api, "/schema/1/update", files, db.admin_key)[0] == 200
    staged = [("bb.fsl", "function b() { 1 }"), ("mm.fsl", "function m() { 2 }"), ("aa.fsl", "function a() { 1 }")]
    assert upload(api, "/schema/1/update?staged=true", staged, db.admin_key)[0] == 200
    listed = api.get("/schema/1/files?staged=true", db.admin_key)[2]["files"]
    assert listed == [{"filename": "aa.fsl"}, {"filename": "mm.fsl"}, {"filename": "bb.fsl"}]
    assert api.get("/schema/1/files", db.admin_key)[2]["files"] == [{"filename": name} for name, _ in files]
    assert api.raw("POST", "/schema/1/commit", "", secret=db.admin_key)[0] == 200
    listed = api.get("/schema/1/files", db.admin_key)[2]["files"]
    assert listed == [{"filename": "aa.fsl"}, {"filename": "mm.fsl"}, {"filename": "bb.fsl"}]


def test_status_is_refused_in_the_tenant_root(api):
    # SchemaEndpointStagedSpec "disallowed in the tenant root": a database made with a customer's account
    # id is the account's root, which holds no schema.
    name = f"tenant_{uuid.uuid4().hex[:8]}"
    # (untypechecked: `account` is no field of the create signature core's checker knows)
    assert query10(api, f"Database.create({{ name: '{name}', account: {{ id: 10000 }} }})", ROOT, typecheck=False)[0] == 200
    secret = query10(api, f"Key.create({{ role: 'admin', database: '{name}' }}).secret", ROOT)[2]["data"]
    for path in ("/schema/1/status", "/schema/1/status?diff=semantic"):
        response = api.get(path, secret)
        assert response[0] == 400 and message(response) == "Schema can not be created in your account root."


def test_staged_status_colors(api, db):
    # SchemaEndpointStagedSpec "colors work"
    assert upload(api, "/schema/1/update?force=true", [("foo.fsl", FOO.replace("Foo", "User"))], db.admin_key)[0] == 200
    assert status(api, db) == "none"
    assert query10(api, "User.create({ name: 'foo' })", db.admin_key)[0] == 200
    staged = [("foo.fsl", FOO_INDEXED.replace("Foo", "User"))]
    assert upload(api, "/schema/1/update?force=true&staged=true", staged, db.admin_key)[0] == 200
    reset, bold_blue, green = "\x1b[0m", "\x1b[1;34m", "\x1b[32m"
    response = api.get("/schema/1/status?diff=semantic&color=ansi", db.admin_key)
    assert response[0] == 200
    assert response[2]["diff"] == (
        f"{bold_blue}* Modifying collection `User`{reset} at foo.fsl:1:1:\n  * Indexes:\n"
        f"{green}  + add index `byName`{reset}\n\n"
    )


def test_queries_read_staged_schema_documents_and_write_to_the_staged_schema(api, db):
    # FQL2StagedSchemaSpec "can create a new collection in FQL during a staged push", through the API: the
    # collection joins the staged schema (its files), queries' schema documents show it, and the active
    # schema (the files, the names a query may use) has it only once committed.
    assert upload(api, "/schema/1/update?force=true", [("main.fsl", "collection User {}")], db.admin_key)[0] == 200
    assert upload(api, "/schema/1/update?force=true&staged=true", [("main.fsl", "collection User {}")], db.admin_key)[0] == 200
    created = query10(api, "Collection.create({ name: 'Post' }).name", db.admin_key)
    assert (created[0], created[2]["data"]) == (200, "Post")
    assert query10(api, "Collection.all().map(.name).toArray()", db.admin_key)[2]["data"] == ["User", "Post"]
    assert query10(api, "Post.all()", db.admin_key)[0] == 400
    assert api.get("/schema/1/files/main.fsl", db.admin_key)[2]["content"] == "collection User {}"
    staged = api.get("/schema/1/files/main.fsl?staged=true", db.admin_key)[2]["content"]
    assert staged == "collection User {}\n\ncollection Post {\n}\n"
    assert api.raw("POST", "/schema/1/commit?force=true", "", secret=db.admin_key)[0] == 200
    assert query10(api, "Post.all().count()", db.admin_key)[2]["data"] == 0



# -- FQL2StagedDiffSpec (ext/model/src/test/scala/fql2/) --------------------------------------------------------


def staged_status(api, db) -> dict:
    response = api.get("/schema/1/staged/status?format=semantic", db.admin_key)
    assert response[0] == 200, response
    return response[2]


def test_fql2_staged_diff_spec_schema_diff_works(api, db):
    # FQL2StagedDiffSpec "schema diff works": the staged diff against the active schema; none once abandoned.
    assert upload(api, "/schema/1/update?force=true", [("main.fsl", "function foo() { 1 }")], db.admin_key)[0] == 200
    assert upload(api, "/schema/1/update?force=true&staged=true", [("main.fsl", "function foo() { 2 }")], db.admin_key)[0] == 200
    body = staged_status(api, db)
    assert (body["status"], body["diff"]) == ("ready", "* Modifying function `foo` at main.fsl:1:1:\n  ~ change body\n\n")
    assert api.raw("POST", "/schema/1/abandon?force=true", "", secret=db.admin_key)[0] == 200
    body = staged_status(api, db)
    assert (body["status"], body["diff"]) == ("none", "")


USER = "collection User {\n  name: String\n}"


@pytest.mark.parametrize(
    "member, diff",
    [
        # FQL2StagedDiffSpec "schema diff shows index statuses"
        ("  index byName {\n    terms [.name]\n  }", "  * Indexes:\n  + add index `byName`\n"),
        # FQL2StagedDiffSpec "schema diff shows unique constraint statuses"
        ("  unique [.name]", "  * Constraints:\n  + add unique constraint on [.name]\n"),
    ],
)
def test_fql2_staged_diff_spec_index_and_constraint_statuses(api, db, member, diff):
    # Core builds the index over 130 documents in the background, so its status is `pending` with the
    # summary `~ index byName: building` until the build task has run; fql builds it at once (README,
    # "Where fql departs from Fauna"), so the status is already what core's is once built: `ready`, no
    # pending summary, and the same diff.
    assert upload(api, "/schema/1/update?force=true", [("main.fsl", USER)], db.admin_key)[0] == 200
    created = query10(api, 'Set.sequence(0, 129).forEach(i => { User.create({ name: "user-#{i}" }) })', db.admin_key)
    assert created[0] == 200, created
    staged = USER[:-1] + "\n" + member + "\n}"
    assert upload(api, "/schema/1/update?force=true&staged=true", [("main.fsl", staged)], db.admin_key)[0] == 200
    body = staged_status(api, db)
    assert (body["status"], body["pending_summary"]) == ("ready", "")
    assert body["diff"] == "* Modifying collection `User` at main.fsl:1:1:\n" + diff + "\n"
    assert api.raw("POST", "/schema/1/abandon?force=true", "", secret=db.admin_key)[0] == 200
    body = staged_status(api, db)
    assert (body["status"], body["pending_summary"], body["diff"]) == ("none", "", "")


# -- SchemaABACSpec ----------------------------------------------------------------------------------------------


def role_key(api, db) -> str:
    """core's aRole and aKey(role): the secret of a key with a user role of no privileges."""
    query = 'Role.create({ name: "aRole" })\nKey.create({ role: "aRole" }).secret'
    status, _, body = api.raw("POST", "/query/1", json.dumps({"query": query}), secret=db.admin_key)
    assert status == 200, body
    return body["data"]


def test_admin_or_server_keys_read_schema(api, db):
    assert upload(api, "/schema/1/update?override=false&force=true", [("foo.fsl", "function id(x) {x}")], db.admin_key)[0] == 200
    response = api.get("/schema/1/files", None)
    assert response[0] == 401 and message(response) == "Access token required"
    assert response[1]["www-authenticate"] == "Bearer"
    reads = ("/schema/1/files", "/schema/1/files/foo.fsl", "/schema/1/items/functions/id")
    for secret in (db.admin_key, db.key):
        for url in reads:
            assert api.get(url, secret)[0] == 200, url
    for secret in (db.client_key, role_key(api, db)):
        for url in reads:
            response = api.get(url, secret)
            assert response[0] == 403 and message(response) == "Access denied", url


def test_admin_keys_write_schema(api, db):
    fn = "function id(x) {x}"
    files = [("foo.fsl", fn)]
    assert upload(api, "/schema/1/update?override=false&force=true", files, None)[0] == 401
    assert upload(api, "/schema/1/update?override=false&force=true", files, db.admin_key)[0] == 200
    assert api.raw("POST", "/schema/1/items/functions/id?force=true", fn, secret=db.admin_key)[0] == 200
    for secret in (db.key, db.client_key, role_key(api, db)):
        assert upload(api, "/schema/1/update?force=true", files, secret)[0] == 403
        assert api.raw("POST", "/schema/1/items/functions/id?force=true", fn, secret=secret)[0] == 403


def test_tokens_may_not_read_or_write_schema(api, db):
    user = api.a_user(db)
    assert api.get("/schema/1/files", user["token"])[0] == 403
    assert api.raw("POST", "/schema/1/update?force=true", "function id(x) { x }", secret=user["token"])[0] == 403


def test_unknown_paths_and_methods(api, db):
    assert api.get("/schema/1/nothing", db.admin_key)[0] == 404
    response = api.raw("DELETE", "/schema/1/files", secret=db.admin_key)
    assert response[0] == 405 and message(response) == "Method not allowed"


MIGRATION_ERROR = """\
error: Field `.age` is not present in the live schema
at main.fsl:3:3
  |
3 |   age: Int = 0
  |   ^^^
  |
hint: Provide an `add` migration for this field
at main.fsl:4:1
  |
4 |   migrations {
  |  _+
5 | |     add .age
6 | |   }
  | |____^
  |"""


@pytest.mark.parametrize("endpoint", ["update", "validate"])
def test_migration_errors_are_drawn_in_the_files(api, db, endpoint):
    before = "collection Users {\n  name: String\n}\n"
    assert upload(api, "/schema/1/update", [("main.fsl", before)], db.admin_key)[0] == 200
    api.run({"create": {"collection": "Users"}, "params": {"object": {"data": {"object": {"name": "Ann"}}}}}, db.admin_key)
    after = "collection Users {\n  name: String\n  age: Int = 0\n}\n"
    response = upload(api, f"/schema/1/{endpoint}", [("main.fsl", after)], db.admin_key)
    assert response[0] == 400 and message(response) == MIGRATION_ERROR


STAGED_INVALID = """\
error: Field `.name` is not present in the live schema
at main.fsl:1:18
  |
1 | collection Foo { name: String }
  |                  ^^^^
  |
hint: Provide an `add` migration for this field
  |
1 |   collection Foo { migrations {
  |  __________________+
2 | |     add .name
3 | |     backfill .name = <expr>
4 | |   }
  | |____^
  |
hint: Add a default value to this field
  |
1 | collection Foo { name: String = <expr> }
  |                              +++++++++
  |
hint: Make the field nullable
  |
1 | collection Foo { name: String? }
  |                              +
  |
error: Missing wildcard definition
at main.fsl:1:1
  |
1 | collection Foo { name: String }
  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  |
hint: Collections with no fields defined allow arbitrary fields by default. To keep this behavior, add a wildcard declaration to the schema definition
  |
1 | collection Foo { *: Any
  |                  +++++++
  |"""


def test_status_of_a_staged_schema_made_invalid_by_a_document(api, db):
    """SchemaEndpointStagedSpec "returns an error for an invalid staged schema": the collection had no
    documents when the schema was staged, so its new field needed no migration; now it has one."""
    assert upload(api, "/schema/1/update", [("main.fsl", "collection Foo {}")], db.admin_key)[0] == 200
    staged = [("main.fsl", "collection Foo { name: String }")]
    assert upload(api, "/schema/1/update?staged=true", staged, db.admin_key)[0] == 200
    api.run({"create": {"collection": "Foo"}, "params": {"object": {"data": {"object": {"foo": 3}}}}}, db.admin_key)
    response = api.get("/schema/1/status?diff=semantic", db.admin_key)
    assert response[0] == 400 and message(response) == STAGED_INVALID


def test_a_staged_schema_made_invalid_by_a_document_is_not_committed(api, db):
    """FQL2StagedSchemaSpec "making a collection non-empty is not allowed with a staged schema"."""
    assert upload(api, "/schema/1/update", [("main.fsl", "collection User {}")], db.admin_key)[0] == 200
    staged = [("main.fsl", "collection User {\n  name: String\n}")]
    assert upload(api, "/schema/1/update?staged=true", staged, db.admin_key)[0] == 200
    api.run({"create": {"collection": "User"}, "params": {"object": {"data": {"object": {"foo": 3}}}}}, db.admin_key)
    response = api.post("/schema/1/commit?force=true", None, db.admin_key)
    assert response[0] == 400
    assert message(response).split("\nerror: ")[0] == """\
error: Field `.name` is not present in the live schema
at main.fsl:2:3
  |
2 |   name: String
  |   ^^^^
  |
hint: Provide an `add` migration for this field
  |
2 |     migrations {
  |  ___+
3 | |     add .name
4 | |     backfill .name = <expr>
5 | |   }
  | |____^
  |
hint: Add a default value to this field
  |
2 |   name: String = <expr>
  |               +++++++++
  |
hint: Make the field nullable
  |
2 |   name: String?
  |               +
  |"""


@pytest.mark.parametrize("endpoint", ["update", "validate"])
def test_validate_typechecks_the_schema_as_update_does(api, db, endpoint):
    # Core's validate runs SchemaTypeValidator on the schema it would make (SchemaValidate.validateDiffs),
    # as update does: the same errors, and validate changes nothing.
    bad = [("main.fsl", "function len(x: Int): Number {\n  x.length\n}")]
    response = upload(api, f"/schema/1/{endpoint}", bad, db.admin_key)
    assert response[0] == 400
    assert message(response).startswith("error: Type `Int` does not have field `length`\nat main.fsl:2:5\n")
    assert api.get("/schema/1/files", db.admin_key)[2]["files"] == []
    response = upload(api, "/schema/1/validate", [("main.fsl", "function len(x: String): Number {\n  x.length\n}")], db.admin_key)
    assert response[0] == 200 and response[2]["diff"] == "* Adding function `len` to main.fsl:1:1\n\n"
    assert api.get("/schema/1/files", db.admin_key)[2]["files"] == []


def test_validate_with_a_server_key_typechecks_the_schema(api, db):
    # Core's validate needs only the permission to read schema, and types the schema all the same.
    bad = [("main.fsl", "function len(x: Int): Number {\n  x.length\n}")]
    response = upload(api, "/schema/1/validate", bad, db.key)
    assert response[0] == 400
    assert message(response).startswith("error: Type `Int` does not have field `length`\nat main.fsl:2:5\n")
    response = upload(api, "/schema/1/validate", [("main.fsl", "function len(x: String): Number {\n  x.length\n}")], db.key)
    assert response[0] == 200 and response[2]["diff"] == "* Adding function `len` to main.fsl:1:1\n\n"
    assert upload(api, "/schema/1/update", bad, db.key)[0] == 403
    assert api.get("/schema/1/files", db.admin_key)[2]["files"] == []


PROJECTED = "function getRoomFieldsForRoom(room) {\n%s\n}\n"
INVALID_PROJECTION = "error: Invalid projection on a unknown type. Use function signatures to fix the issue."


def test_invalid_projection(api, db):
    # SchemaEndpointSpec "invalid projection": a function without a signature projecting its parameter.
    files = [("foo.fsl", PROJECTED % "  room {\n    _id: .id,\n    roomTitle,\n    status\n  }")]
    response = upload(api, "/schema/1/update", files, db.admin_key)
    assert response[0] == 400
    assert message(response) == INVALID_PROJECTION + """
at foo.fsl:2:3
  |
2 |     room {
  |  ___^
3 | |     _id: .id,
4 | |     roomTitle,
5 | |     status
6 | |   }
  | |___^
  |"""


def test_invalid_projection_multiple_errors(api, db):
    # SchemaEndpointSpec "invalid projection (multiple errors)": a `let` of such a projection is as open.
    body = "  let room2 = room { id, roomTitle, status }\n  room2 {\n    _id: .id,\n    roomTitle,\n    status\n  }"
    response = upload(api, "/schema/1/update", [("foo.fsl", PROJECTED % body)], db.admin_key)
    assert response[0] == 400
    assert message(response) == INVALID_PROJECTION + """
at foo.fsl:2:15
  |
2 |   let room2 = room { id, roomTitle, status }
  |               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  |
""" + INVALID_PROJECTION + """
at foo.fsl:3:3
  |
3 |     room2 {
  |  ___^
4 | |     _id: .id,
5 | |     roomTitle,
6 | |     status
7 | |   }
  | |___^
  |"""


# -- routing (core's SchemaEndpoint routes and util/router) --------------------------------------------------


def test_a_malformed_multipart_body_is_refused_before_the_secret(api):
    # SchemaRequest.parse reads the body while the secret is still being checked, and answers first.
    body, _ = multipart([("main.fsl", "collection Foo {}")])
    response = api.raw("POST", "/schema/1/diff", body, {"Content-Type": "multipart/form-data;"}, secret=None)
    assert response[0] == 400 and message(response) == "Request is not a valid multipart request"


def test_empty_path_segments_do_not_count(api, db):
    # TokenizePath drops them.
    upload(api, "/schema/1/update", [("main.fsl", "collection Foo {}")], secret=db.admin_key)
    status, _, body = api.get("/schema/1//files//main.fsl/", db.admin_key)
    assert status == 200 and body["content"] == "collection Foo {}"


def test_what_starts_like_the_schema_api_is_routed_to_it(api, db):
    # CoreApplication sends every path starting `/schema/1` to SchemaEndpoint, whose router has none.
    for path in ("/schema/1files", "/schema/1xyz/files"):
        assert api.raw("GET", path, secret=None)[0] == 401
        response = api.get(path, db.admin_key)
        assert response[0] == 404 and message(response) == "Not found"


def test_the_items_api_has_four_resources_and_no_other(api, db):
    # singleItemEndpoints routes collections, functions, roles and access_providers, each on its own:
    # another resource is no path, before the write permission or the version is checked.
    response = api.raw("POST", "/schema/1/items/indexes", "collection Bar {}", secret=db.key)
    assert response[0] == 404 and message(response) == "Not found"
    assert api.raw("PUT", "/schema/1/items/indexes/x", secret=db.admin_key)[0] == 404
    assert api.get("/schema/1/items/indexes/x?version=5", db.admin_key)[0] == 404
    response = api.raw("PUT", "/schema/1/items/roles/x", secret=db.admin_key)
    assert response[0] == 405 and message(response) == "Method not allowed"
