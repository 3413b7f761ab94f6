"""Pushing FSL files to a database and reading them back (fql/schema/manager.py), through the embedding API
and the command line: what a push makes, keeps and removes, and the files kept up to date with the schema."""

from __future__ import annotations

import io

import pytest

import fql
from fql import cli
from fql.schema.manager import SchemaError
from tests.helpers import query_v10 as q, run_cli as run

USERS = """\
collection Users {
  name: String
  email: String?
  *: Any

  unique [.email]
  index byName {
    terms [.name]
  }
}
"""

FUNCS = """\
function double(x) { x * 2 }
"""


@pytest.fixture
def db():
    return fql.connect("memory://")


def test_a_push_makes_the_schema_its_files_declare(db):
    db.push_schema({"users.fsl": USERS, "funcs.fsl": FUNCS})
    q(db, 'Users.create({ name: "Ann", email: "ann@x" })')
    assert q(db, 'Users.byName("Ann").first()!.email') == "ann@x"
    assert q(db, "double(21)") == 42
    with pytest.raises(fql.FQLError) as err:
        q(db, 'Users.create({ name: "Bob", email: "ann@x" })')
    assert "unique" in str(err.value)
    assert db.schema_files() == {"users.fsl": USERS, "funcs.fsl": FUNCS}


def test_a_push_returns_the_new_schema_version(db):
    version = db.push_schema({"funcs.fsl": FUNCS})
    assert version == db.run_with_state(fql.parse("1", "v10"), syntax="v10")[1].schema_version


def test_a_second_push_changes_what_changed_and_keeps_the_documents_and_data(db):
    users = USERS.replace("  *: Any\n", "")
    db.push_schema({"users.fsl": users})
    q(db, 'Users.create({ name: "Ann" })')
    q(db, 'Collection.byName("Users")!.update({ data: { owner: "me" } })')
    # Core's rules for a collection with documents: a new field needs a migration.
    with pytest.raises(SchemaError) as err:
        db.push_schema({"users.fsl": users.replace("  email: String?\n", "  email: String?\n  age: Int = 0\n")})
    assert "Field `.age` is not present in the live schema" in err.value.message
    changed = users.replace("  email: String?\n", "  email: String?\n  age: Int = 0\n").replace(
        "}\n}", "}\n  migrations {\n    add .age\n  }\n}"
    )
    db.push_schema({"users.fsl": changed})
    assert q(db, 'Users.byName("Ann").first()!.age') == 0
    assert q(db, 'Collection.byName("Users")!.data') == {"owner": "me"}


def test_override_removes_what_the_files_no_longer_declare(db):
    db.push_schema({"users.fsl": USERS, "funcs.fsl": FUNCS})
    db.push_schema({"users.fsl": USERS})
    assert q(db, 'Function.byName("double")') is None or not q(db, 'Function.byName("double").exists()')
    assert list(db.schema_files()) == ["users.fsl"]


def test_without_override_other_files_stay(db):
    db.push_schema({"users.fsl": USERS})
    db.push_schema({"funcs.fsl": FUNCS}, override=False)
    assert list(db.schema_files()) == ["users.fsl", "funcs.fsl"]
    assert q(db, "double(2)") == 4


def test_without_override_other_files_stay_as_queries_left_them(db):
    # Core patches the stored files at each schema write: a collection a query deleted from main.fsl is
    # not declared there again when a push that keeps the other files declares it elsewhere.
    db.push_schema({"main.fsl": "collection A {}\ncollection B {}\n"})
    q(db, 'Collection.byName("A")!.delete()')
    db.push_schema({"other.fsl": "collection A {}\n"}, override=False)
    db.push_schema({"other.fsl": "collection A {}\n"}, override=False)
    assert db.schema_files() == {"main.fsl": "\ncollection B {}\n", "other.fsl": "collection A {}\n"}


def test_a_blank_file_deletes_its_file_and_items(db):
    db.push_schema({"users.fsl": USERS, "funcs.fsl": FUNCS})
    db.push_schema({"funcs.fsl": "  \n"}, override=False)
    assert list(db.schema_files()) == ["users.fsl"]
    assert not q(db, 'Function.byName("double").exists()')


def test_a_failed_push_changes_nothing(db):
    db.push_schema({"funcs.fsl": FUNCS})
    with pytest.raises(SchemaError) as err:
        db.push_schema({"funcs.fsl": FUNCS, "bad.fsl": "@role(nobody) function f() { 1 }"})
    assert err.value.status == 400
    assert "unknown role name `nobody`" in err.value.message
    assert db.schema_files() == {"funcs.fsl": FUNCS}
    assert not q(db, 'Function.byName("f").exists()')


def test_schema_made_by_queries_is_generated_into_main_fsl(db):
    q(db, 'Collection.create({ name: "Books" })')
    files = db.schema_files()
    assert list(files) == ["main.fsl"]
    assert files["main.fsl"].startswith("// The following schema is auto-generated.\n")
    assert "collection Books {" in files["main.fsl"]


def test_files_follow_changes_made_by_queries(db):
    db.push_schema({"users.fsl": USERS, "funcs.fsl": FUNCS})
    q(db, 'Function.byName("double")!.delete()')
    q(db, 'Collection.create({ name: "Books" })')
    files = db.schema_files()
    assert "double" not in files["funcs.fsl"]
    assert files["users.fsl"] == USERS
    assert "collection Books {" in files["main.fsl"]
    # Pushing the files as they now stand changes nothing.
    assert db.schema_diff(files) == ""


def test_an_item_changed_by_a_query_is_patched_where_it_stands(db):
    # Core's SchemaPatch: only what changed is rewritten (the alias), the rest as written; its doc comment
    # stays, and so does the blank line after it.
    text = "// Doubles.\n@alias(twice)\nfunction double(x) { x * 2 }\n\n// Halves.\nfunction half(x) { x / 2 }\n"
    db.push_schema({"funcs.fsl": text})
    q(db, 'Function.byName("double")!.update({ alias: "dbl" })')
    assert db.schema_files() == {"funcs.fsl": text.replace("twice", "dbl")}
    # A new body is written as core displays it, in place of the old.
    q(db, 'Function.byName("double")!.update({ body: "x => x + x" })')
    assert db.schema_files() == {"funcs.fsl": text.replace("twice", "dbl").replace("{ x * 2 }", "{\n  x + x\n}")}


COMMENTED = """\
// The users.
collection Users {
  // Who they are.
  name: String
  email: String? // optional

  /* Look-ups */
  index byName { terms [.name] }   // by name

  compute upper: String = (doc => doc.name.toUpperCase())
}

function double(x) {
  // twice
  x * 2
}
"""


def test_a_query_s_change_keeps_the_comments_and_layout_inside_the_item(db):
    # Core's SchemaPatch: a new index goes before the block's `}`, indented; a changed member is replaced
    # where it is written; a removed one is cut (with the blank line before it, as core cuts).
    db.push_schema({"main.fsl": COMMENTED})
    q(db, 'Collection.byName("Users")!.update({ indexes: { byName: { terms: [{ field: ".name" }] },'
          ' byEmail: { terms: [{ field: ".email" }], values: [{ field: ".name" }] } } })')
    q(db, 'Collection.byName("Users")!.update({ history_days: 5 })')
    q(db, 'Collection.byName("Users")!.update({ fields: { name: { signature: "String" },'
          ' email: { signature: "String?", default: "\\"none\\"" } }, computed_fields: null })')
    users = """\
// The users.
collection Users {
  // Who they are.
  name: String
  email: String? = "none" // optional

  /* Look-ups */
  index byName { terms [.name] }   // by name
  history_days 5
  index byEmail {
    terms [.email]
    values [.name]
  }
}
"""
    assert db.schema_files() == {"main.fsl": users + COMMENTED.split("}\n", 1)[1]}
    # A function's signature and annotation: the body and its comment stay. An annotation goes right before
    # the item, past the spaces before it (core strips them).
    q(db, 'Function.byName("double")!.update({ signature: "(x: Number) => Number", role: "server" })')
    function = "@role(server)\nfunction double(x: Number): Number {\n  // twice\n  x * 2\n}\n"
    assert db.schema_files() == {"main.fsl": users + function}
    assert db.schema_diff(db.schema_files()) == ""


def test_an_access_provider_reads_back_as_pushed(db):
    # Its stored `audience` (the database's) is no member of the FSL: the item is not rewritten for it.
    text = (
        'access provider auth0 {\n  issuer "https://a.example/"\n  jwks_uri "https://a.example/jwks"\n  role reader\n}\n\n'
        "role reader {}\n"
    )
    db.push_schema({"main.fsl": text})
    assert db.schema_files() == {"main.fsl": text}


def test_files_leave_out_what_fsl_cannot_say_as_derive_does(db):
    # A role's privileges may be stored as one object (read as a list, as core does); a v4 access
    # provider, whose predicate is a v4 lambda, is no item of the files (core's isV10AP).
    q(db, 'Role.create({ name: "r", privileges: { resource: "Collection", actions: { read: true } } })')
    db.query(
        'CreateAccessProvider({ name: "p4", issuer: "https://v4/", jwks_uri: "https://v4/j", '
        'roles: [{ role: Role("r"), predicate: Query(Lambda("x", true)) }] })',
        syntax="v4",
    )
    db.push_schema({"x.fsl": "collection X {}\n"}, override=False)
    files = db.schema_files()
    assert files["main.fsl"].endswith("role r {\n  privileges Collection {\n    read\n  }\n}\n")
    assert "p4" not in files["main.fsl"]
    assert db.schema_diff(files) == ""


def test_names_an_item_refers_to_are_checked_before_the_writes(db):
    # Core's SchemaTypeValidator: every unknown name at once, placed in its file (a role's memberships
    # before its privileges); nothing is written.
    roles = "role r {\n  privileges Nope { read }\n  membership double\n  privileges double { call }\n}\n"
    providers = 'access provider p {\n  issuer "https://a/"\n  jwks_uri "https://a/j"\n  role admin\n  role ghost\n}\n'
    with pytest.raises(SchemaError) as err:
        db.push_schema({"funcs.fsl": FUNCS, "roles.fsl": roles, "providers.fsl": providers})
    assert err.value.message == (
        "error: Resource `double` does not exist\nat roles.fsl:3:14\n  |\n3 |   membership double\n  |              ^^^^^^\n  |\n"
        "error: Resource `Nope` does not exist\nat roles.fsl:2:14\n  |\n2 |   privileges Nope { read }\n  |              ^^^^\n  |\n"
        "error: Builtin role `admin` is not allowed\nat providers.fsl:4:8\n  |\n4 |   role admin\n  |        ^^^^^\n  |\n"
        "error: Role `ghost` does not exist\nat providers.fsl:5:8\n  |\n5 |   role ghost\n  |        ^^^^^\n  |"
    )
    assert db.schema_files() == {}
    # Names declared anywhere in the push, in any order, and v4 functions and roles, are known.
    db.query('CreateRole({ name: "v4role", privileges: [{ resource: Collections(), actions: { read: true } }] })', syntax="v4")
    db.push_schema({"a.fsl": "role r {\n  privileges Later { read }\n}\n", "b.fsl": "collection Later {}\n", "c.fsl": providers.replace("role admin\n  role ghost", "role v4role\n  role r")})


def test_a_diff_checks_migrations_as_the_push_would(db):
    # Core's SchemaValidate checks migrations before writing, so a diff (validate) fails as the push does.
    db.push_schema({"foo.fsl": "collection Foo {\n  foo: String\n}\n"})
    invalid = "collection Foo {\n  migrations {\n    drop .foo\n    drop .foo\n  }\n}\n"
    errors = []
    for attempt in (lambda: db.schema_diff({"foo.fsl": invalid}), lambda: db.push_schema({"foo.fsl": invalid})):
        with pytest.raises(SchemaError) as err:
            attempt()
        errors.append(err.value.message)
    assert errors[0] == errors[1]
    assert "error: Cannot drop field `.foo`. Dropped fields must be removed from schema" in errors[0]


def test_an_item_renamed_by_a_query_stays_where_it_is_declared(db):
    # Core patches the files by document: a renamed item is patched in place (its name replaced), not moved
    # to main.fsl; the role's privilege on the function is another resource: the old one cut, the new added.
    db.push_schema({"a.fsl": "// Writers.\ncollection Authors {}\n", "f.fsl": "function f() { 1 }\nrole r {\n  privileges f { call }\n}\n"})
    q(db, 'Collection.byName("Authors")!.update({ name: "Writers" })')
    q(db, 'Function.byName("f")!.update({ name: "g" })')
    files = db.schema_files()
    assert files == {
        "a.fsl": "// Writers.\ncollection Writers {}\n",
        "f.fsl": "function g() { 1 }\nrole r {\n  privileges g {\n    call\n  }\n}\n",
    }
    assert db.schema_diff(files) == ""
    # An access provider too (fql deletes and makes it anew, in the one write).
    provider = 'access provider p {\n  issuer "https://a/"\n  jwks_uri "https://a/j"\n}\n'
    db.push_schema({"p.fsl": provider}, override=False)
    q(db, 'AccessProvider.byName("p")!.update({ name: "p2" })')
    assert db.schema_files()["p.fsl"] == provider.replace("provider p ", "provider p2 ")
    # A provider deleted, and another made later, is no rename.
    q(db, 'AccessProvider.byName("p2")!.delete()')
    q(db, 'AccessProvider.create({ name: "p3", issuer: "https://a/", jwks_uri: "https://a/j" })')
    assert db.schema_files()["p.fsl"] == "\n"
    assert "access provider p3 {" in db.schema_files()["main.fsl"]


def test_a_file_name_must_end_in_fsl(db):
    with pytest.raises(SchemaError) as err:
        db.push_schema({"users": USERS})
    assert err.value.message == "Invalid filename `users`"


def test_a_key_without_admin_may_not_push(db):
    secret = q(db, 'Key.create({ role: "server" }).secret')
    with pytest.raises(SchemaError) as err:
        db.push_schema({"funcs.fsl": FUNCS}, secret=secret)
    assert err.value.status == 403
    assert db.schema_files(secret=secret) == {}


def test_a_directory_of_files(db, tmp_path):
    (tmp_path / "collections").mkdir()
    (tmp_path / "collections" / "users.fsl").write_text(USERS)
    (tmp_path / "funcs.fsl").write_text(FUNCS)
    (tmp_path / "notes.txt").write_text("not schema")
    db.push_schema(str(tmp_path))
    assert sorted(db.schema_files()) == ["collections/users.fsl", "funcs.fsl"]


# -- the command line ---------------------------------------------------------------------------------------


def test_cli_push_diff_and_pull(tmp_path):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    schema = tmp_path / "schema"
    schema.mkdir()
    (schema / "funcs.fsl").write_text(FUNCS)
    status, out, _ = run("schema", "diff", str(schema), "--db", url)
    assert status == 0 and out == "* Adding function `double` to funcs.fsl:1:1\n\n"
    status, out, _ = run("schema", "push", str(schema), "--db", url)
    assert status == 0 and out.startswith("schema pushed (version ")
    assert run("schema", "diff", str(schema), "--db", url)[1] == "No changes.\n"
    pulled = tmp_path / "pulled"
    status, out, _ = run("schema", "pull", str(pulled), "--db", url)
    assert status == 0 and (pulled / "funcs.fsl").read_text() == FUNCS
    assert run("-e", "double(4)", "--syntax", "v10", "--db", url)[1] == "8\n"


def test_cli_db_before_the_command_is_kept(tmp_path):
    # `fql --db URL schema push DIR` pushed to memory:// and said it was done.
    url = f"sqlite:///{tmp_path / 'app.db'}"
    (tmp_path / "funcs.fsl").write_text(FUNCS)
    assert run("--db", url, "schema", "push", str(tmp_path))[0] == 0
    assert run("--db", url, "schema", "diff", str(tmp_path)) == (0, "No changes.\n", "")
    assert run("-e", "double(4)", "--syntax", "v10", "--db", url)[1] == "8\n"


def test_cli_push_error(tmp_path):
    (tmp_path / "bad.fsl").write_text("function foo {}")
    status, _, err = run("schema", "push", str(tmp_path))
    assert status == 1
    assert err.startswith("error: Expected `(`\nat bad.fsl:1:14\n")


def test_cli_push_of_a_missing_directory_is_refused(tmp_path):
    # os.walk passes over a missing directory: the push would have dropped every stored file.
    url = f"sqlite:///{tmp_path / 'app.db'}"
    (tmp_path / "funcs.fsl").write_text(FUNCS)
    assert run("schema", "push", str(tmp_path / "funcs.fsl"), "--db", url)[0] == 0
    for action in ("push", "diff"):
        status, out, err = run("schema", action, str(tmp_path / "missing"), "--db", url)
        assert (status, out) == (1, "")
        assert err == f"fql: cannot read or write {tmp_path / 'missing'}: No such file or directory\n"
    assert run("-e", "double(4)", "--syntax", "v10", "--db", url)[1] == "8\n"


def test_cli_pull_into_a_file_is_refused(tmp_path):
    (tmp_path / "afile").write_text("")
    status, out, err = run("schema", "pull", str(tmp_path / "afile"))
    assert (status, out, err) == (1, "", f"fql: cannot read or write {tmp_path / 'afile'}: Not a directory\n")


def test_cli_push_of_a_file_not_utf8(tmp_path):
    (tmp_path / "bad.fsl").write_bytes(b'collection Foo { name: "\xff" }')
    status, _, err = run("schema", "push", str(tmp_path))
    assert status == 1
    assert err == f"fql: cannot read or write {tmp_path}: bad.fsl is not UTF-8 text (invalid start byte at byte 24)\n"


def test_cli_run_with_schema(tmp_path):
    (tmp_path / "funcs.fsl").write_text(FUNCS)
    script = tmp_path / "q.fql"
    script.write_text("double(5)\n")
    assert run("run", str(script), "--syntax", "v10", "--schema", str(tmp_path / "funcs.fsl")) == (0, "10\n", "")


def test_staged_push_commit_and_abandon(db):
    q(db, 'Database.create({ name: "app" })')
    admin = q(db, 'Key.create({ role: "admin", database: "app" }).secret')
    with pytest.raises(SchemaError) as err:
        db.push_schema({"funcs.fsl": FUNCS}, staged=True)
    assert err.value.message == "Schema cannot be staged in the root database"
    db.push_schema({"funcs.fsl": FUNCS}, secret=admin)
    db.push_schema({"funcs.fsl": FUNCS.replace("x * 2", "x * 3")}, secret=admin, staged=True)
    assert db.query("double(1)", secret=admin, syntax="v10") == 2
    db.commit_schema(secret=admin)
    assert db.query("double(1)", secret=admin, syntax="v10") == 3
    db.push_schema({"funcs.fsl": FUNCS}, secret=admin, staged=True)
    db.abandon_schema(secret=admin)
    assert db.query("double(1)", secret=admin, syntax="v10") == 3
    with pytest.raises(SchemaError) as err:
        db.commit_schema(secret=admin)
    assert err.value.message == "There is no staged schema to commit"


def test_repl_with_schema(tmp_path):
    (tmp_path / "funcs.fsl").write_text(FUNCS)
    out, err = io.StringIO(), io.StringIO()
    status = cli.run(["repl", "--schema", str(tmp_path), "--syntax", "v10"], stdin=io.StringIO("double(7)\n"), stdout=out, stderr=err)
    assert status == 0 and "14" in out.getvalue()
    (tmp_path / "funcs.fsl").write_text("function broken( { 1 }")
    status = cli.run(["repl", "--schema", str(tmp_path)], stdin=io.StringIO(""), stdout=out, stderr=err)
    assert status == 1 and "error: Expected `)` or identifier" in err.getvalue()


def test_a_field_may_name_a_collection_declared_after_it(db):
    # Core checks the pushed schema as a whole, so the order of the declarations does not matter.
    db.push_schema({"main.fsl": "collection User {\n  address: Ref<Address>\n}\n\ncollection Address {}\n"})
    q(db, 'User.create({ address: Address.create({ id: "1" }) })')
    assert q(db, "User.all().first()!.address.id") == "1"


def test_v4_may_not_write_schema_while_a_schema_is_staged(db):
    q(db, 'Database.create({ name: "app" })')
    admin = q(db, 'Key.create({ role: "admin", database: "app" }).secret')
    db.push_schema({"funcs.fsl": FUNCS}, secret=admin)
    db.query('CreateDatabase({ name: "gone" })', secret=admin)
    db.push_schema({"funcs.fsl": FUNCS.replace("x * 2", "x * 3")}, secret=admin, staged=True)
    refused = "Cannot update schema from FQL v4 if schema has been staged."
    # Core's VersionedSchemaWriteConfig checks it in every schema write, indexes' and databases' too, at
    # the position the write gets: a create's form key, an update's or delete's call (WriteAdaptor.scala).
    for query, position in (
        ('CreateCollection({ name: "Books" })', ["create_collection"]),
        ('Create(Collections(), { name: "Books" })', ["create"]),
        ('Update(Function("double"), { data: { a: 1 } })', []),
        ('Delete(Function("double"))', []),
        ('CreateRole({ name: "r", privileges: [] })', ["create_role"]),
        ('CreateIndex({ name: "i", source: Collections() })', ["create_index"]),
        ('CreateDatabase({ name: "d" })', ["create_database"]),
    ):
        with pytest.raises(fql.FQLError) as err:
            db.query(query, secret=admin)
        assert (err.value.code, err.value.description) == ("schema validation failed", refused), query
        assert list(err.value.position) == position, query
    # The fields are validated first, and the refs read before them (RefValidator, then the write's patch).
    with pytest.raises(fql.FQLError) as err:
        db.query('CreateCollection({ name: 5 })', secret=admin)
    assert err.value.code == "validation failed"
    with pytest.raises(fql.FQLError) as err:
        db.query('Update(Function("double"), { role: 5 })', secret=admin)
    assert err.value.code == "validation failed"
    # A database may still be deleted (DatabaseWriteConfig.delete does not check).
    assert db.query('Select("name", Delete(Database("gone")))', secret=admin) == "gone"
    # v10 writes go on, joining the staged schema (FQL2StagedSchemaSpec).
    assert db.query('Collection.create({ name: "Tags" }).name', secret=admin, syntax="v10") == "Tags"
    with pytest.raises(fql.FQLError):
        db.query("Tags.all()", secret=admin, syntax="v10")
    db.commit_schema(secret=admin)
    assert db.query("Tags.all().count()", secret=admin, syntax="v10") == 0
    assert db.query('CreateCollection({ name: "Books" })', secret=admin)["name"] == "Books"


def test_v4_delete_in_a_protected_database_with_a_staged_schema_is_refused_as_protected(db):
    # CollectionWriteConfig.delete checks protected mode before its super.delete checks for a staged
    # schema (WriteAdaptor.scala).
    q(db, 'Database.create({ name: "p", protected: true })')
    admin = q(db, 'Key.create({ role: "admin", database: "p" }).secret')
    db.push_schema({"main.fsl": "collection A {}\nfunction f() { 1 }\n"}, secret=admin)
    db.push_schema({"main.fsl": "collection A {}\nfunction f() { 2 }\n"}, secret=admin, staged=True)
    with pytest.raises(fql.FQLError) as err:
        db.query('Delete(Collection("A"))', secret=admin)
    assert err.value.description.startswith("Cannot delete collection: destructive change forbidden")


def test_cli_pull_never_writes_outside_its_directory(tmp_path):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    fql.connect(url).push_schema({"../escape.fsl": FUNCS, "ok/inner.fsl": "function one() { 1 }"})
    status, out, err = run("schema", "pull", str(tmp_path / "out"), "--db", url)
    assert status == 0
    assert (tmp_path / "out" / "ok" / "inner.fsl").read_text() == "function one() { 1 }"
    assert not (tmp_path / "escape.fsl").exists()
    assert "skipped '../escape.fsl'" in err
