"""Core's schema specs in ext/model/src/test/scala/schema: SchemaManagerSpec (pushing FSL files and what
the push makes), SchemaSourceSpec (the stored files and queries' changes to them), SchemaTranslatorSpec
(stored definitions as FSL) and SchemaValidateSpec (diffs against the active and staged schema). Each test
names its case."""

from __future__ import annotations

import json

import pytest

import fql
from fql.schema.manager import SchemaError

ID_FN = "@alias(TheID) @role(server) function id(x) { x }"
DOUBLE_FN = "function double(x) { x * 2 }"

MY_ROLE = "role MyRole {}"
MY_ROLE_V2 = """\
collection MyCol {}
collection YourCol {}

role MyRole {
  privileges MyCol {
    read {
      predicate ((x) => true)
    }
    create_with_id
  }

  membership YourCol
}"""

MY_AP = """\
access provider MyAP {
  issuer "https://fauna0.auth0.com"
  jwks_uri "https://fauna.auth0.com/.well-known/jwks.json"
}"""
MY_AP_NO_PREDICATE = """\
role MyRole {}

access provider MyAP {
  issuer "https://fauna0.auth0.com"
  jwks_uri "https://fauna.auth0.com/.well-known/jwks.json"
  role MyRole
}"""
MY_AP_V2 = """\
role MyRole {}

access provider MyAP {
  issuer "https://fauna0.auth0.com"
  jwks_uri "https://fauna.auth0.com/.well-known/jwks.json"
  role MyRole {
    predicate ((x) => x.foo)
  }
}"""

MY_COL = "@alias(TheCol)\ncollection MyCol {}"
MY_COL_V2 = """\
collection MyCol {
  index byFoo {
    terms [.foo]
  }

  unique [.bar]
  history_days 5
  ttl_days 1
}"""

PREAMBLE = "// The following schema is auto-generated.\n// This file contains FSL for FQL10-compatible schema items.\n"


@pytest.fixture
def db():
    """A child database's admin key, as the specs' `newDB` with admin permissions."""
    root = fql.connect("memory://")
    root.query('Database.create({ name: "spec" })', syntax="v10")
    secret = root.query('Key.create({ role: "admin", database: "spec" }).secret', syntax="v10")
    return Scoped(root, secret)


class Scoped:
    def __init__(self, root, secret):
        self.root = root
        self.secret = secret

    def q(self, text):
        return self.root.query(text, secret=self.secret, syntax="v10")

    def q4(self, text):
        return self.root.query(text, secret=self.secret, syntax="v4")

    def err(self, text):
        with pytest.raises(fql.FQLError) as caught:
            self.q(text)
        return caught.value

    def push(self, files, **kw):
        return self.root.push_schema(files, secret=self.secret, **kw)

    def push_err(self, files, **kw):
        with pytest.raises(SchemaError) as caught:
            self.push(files, **kw)
        return caught.value.message

    def files(self):
        return self.root.schema_files(secret=self.secret)

    def diff(self, files, **kw):
        return self.root.schema_diff(files, secret=self.secret, **kw)


# -- SchemaManagerSpec "validate" --


@pytest.mark.parametrize("account, refused", [(10000, True), (5, False)])
def test_manager_spec_fails_validation_for_tenant_root(account, refused):
    # A database made with a customer's account id (above core's internal ones, 1023) is the account's
    # root: no schema may be pushed to it. An internal account's root may hold schema.
    root = fql.connect("memory://")
    # `account` is no field of the create signature core typechecks: it is set untypechecked, as core's
    # FQL2DatabaseSpec "account id" sets it.
    create = f'Database.create({{ name: "tenant", account: {{ id: {account} }} }})'
    root.run_with_state(fql.parse(create, "v10"), syntax="v10", typecheck=False)
    secret = root.query('Key.create({ role: "admin", database: "tenant" }).secret', syntax="v10")
    db = Scoped(root, secret)
    if refused:
        assert db.push_err({"foo.fsl": ""}) == "Schema can not be created in your account root."
        with pytest.raises(SchemaError) as err:
            db.diff({"foo.fsl": ""})
        assert err.value.message == "Schema can not be created in your account root."
    else:
        db.push({"foo.fsl": "function f() { 1 }"})
        assert db.q("f()") == 1


# -- SchemaManagerSpec "files" --


def test_manager_spec_empty_files_are_removed(db):
    db.push({"foo.fsl": ID_FN})
    db.push({"foo.fsl": ""})
    assert "foo.fsl" not in db.files()


def test_manager_spec_allow_to_override_broken_fsl(db):
    from fql.eval import documents
    from fql.schema import manager
    from fql.storage.base import DocKey

    db.push({"main.fsl": ID_FN})

    # Break the stored main.fsl, as the spec writes its source document directly.
    def corrupt(ctx):
        key = DocKey(ctx.state.scope, manager.SOURCES, "main.fsl")
        documents.write(ctx, key, {**ctx.state.txn.get(key).data, "content": f"{ID_FN}!broken!"})

    db.root.transact(corrupt, secret=db.secret)
    assert db.files()["main.fsl"] == f"{ID_FN}!broken!"
    db.push({"main.fsl": ID_FN})  # fix it
    assert db.files()["main.fsl"] == ID_FN


# -- SchemaManagerSpec "functions" --


def test_manager_spec_creates_a_new_function_on_an_existing_file(db):
    db.push({"main.fsl": ID_FN})
    assert db.files()["main.fsl"] == ID_FN
    assert db.q("id(10)") == 10
    assert db.q("id.definition.role!") == "server"
    assert db.q("id.definition.alias!") == "TheID"


def test_manager_spec_creates_a_new_function_on_a_new_file(db):
    db.push({"foo.fsl": ID_FN})
    assert db.files()["foo.fsl"] == ID_FN
    assert db.q("id(10)") == 10


def test_manager_spec_moves_a_function_from_one_file_to_another(db):
    db.push({"main.fsl": f"{ID_FN}\n{DOUBLE_FN}\n"})
    db.push({"main.fsl": ID_FN, "foo.fsl": DOUBLE_FN})
    assert db.files() == {"main.fsl": ID_FN, "foo.fsl": DOUBLE_FN}
    assert db.q("id(10)") == 10
    assert db.q("double(2)") == 4


def test_manager_spec_modifies_a_function(db):
    db.push({"main.fsl": DOUBLE_FN})
    db.push({"main.fsl": "function double(x) { 4 * x }"})
    assert db.files()["main.fsl"] == "function double(x) { 4 * x }"
    assert db.q("double(2)") == 8


def test_manager_spec_modifies_a_function_while_moving_it(db):
    db.push({"main.fsl": f"{ID_FN}\n{DOUBLE_FN}\n"})
    db.push({"main.fsl": ID_FN, "foo.fsl": "function double(x) { 4 * x }"})
    assert db.files() == {"main.fsl": ID_FN, "foo.fsl": "function double(x) { 4 * x }"}
    assert db.q("double(2)") == 8


def test_manager_spec_removes_a_function(db):
    db.push({"main.fsl": f"{ID_FN}\n{DOUBLE_FN}\n"})
    db.push({"main.fsl": ID_FN})
    assert db.files()["main.fsl"] == ID_FN
    db.err("double(2)")


def test_manager_spec_supports_variadic_functions(db):
    db.push({"main.fsl": "function numargs(x, ...rest) { x + rest.length }"})
    assert db.q("numargs(1)") == 1
    assert db.q("numargs(2, 0)") == 3
    assert db.q("numargs(3, 0, 0)") == 5


def test_manager_spec_stores_the_user_signature(db):
    db.push({"main.fsl": "function add(x: Number, y: Number): Number { x + y }\nfunction alsoadd(x, y) { x + y }"})
    assert db.q("add(1, 1)") == 2
    assert db.q("alsoadd(1, 1)") == 2
    assert db.q("add.definition.signature") == "(x: Number, y: Number) => Number"
    assert db.q("alsoadd.definition.signature") is None


# -- SchemaManagerSpec "roles" --


def test_manager_spec_creates_a_new_role(db):
    db.push({"main.fsl": MY_ROLE})
    assert db.files()["main.fsl"] == MY_ROLE
    db.q("Role.byName('MyRole')!")


def test_manager_spec_modifies_a_role(db):
    db.push({"main.fsl": MY_ROLE})
    db.push({"main.fsl": MY_ROLE_V2})
    assert db.files()["main.fsl"] == MY_ROLE_V2
    assert db.q("Role.byName('MyRole')!.privileges[0].actions.create_with_id") is True
    assert db.q("Role.byName('MyRole')!.membership[0].resource") == "YourCol"


def test_manager_spec_removes_a_role(db):
    db.push({"main.fsl": MY_ROLE_V2})
    db.push({"main.fsl": ID_FN})
    assert db.files()["main.fsl"] == ID_FN
    db.err("Role.byName('MyRole')!")


def test_manager_spec_add_predicates_correctly_when_removing_privileges(db):
    fsl = """\
collection User {}
collection Product {}

role AuthenticatedRole {
  privileges User {
    read
  }
  privileges Product {
    write
  }
}"""
    db.push({"main.fsl": fsl})
    db.q(
        """Role.byName("AuthenticatedRole")!.update({
  privileges: [
    {
      resource: "Product",
      actions: {
        write: "(oldData, newData) => Query.identity() == oldData.owner && oldData.owner == newData.owner",
      }
    }
  ]
})"""
    )
    assert db.files()["main.fsl"] == """\
collection User {}
collection Product {}

role AuthenticatedRole {
  privileges Product {
    write {
      predicate ((oldData, newData) => Query.identity() == oldData.owner && oldData.owner == newData.owner)
    }
  }
}"""


# -- SchemaManagerSpec "access providers" --


def test_manager_spec_creates_a_new_ap(db):
    db.push({"main.fsl": MY_AP})
    assert db.files()["main.fsl"] == MY_AP
    db.q("AccessProvider.byName('MyAP')!")


def test_manager_spec_modifies_an_ap(db):
    db.push({"main.fsl": MY_AP})
    db.push({"main.fsl": MY_AP_V2})
    assert db.files()["main.fsl"] == MY_AP_V2
    assert db.q("AccessProvider.byName('MyAP')!.roles[0].predicate") == "(x) => x.foo"


def test_manager_spec_removes_an_ap(db):
    db.push({"main.fsl": MY_AP_V2})
    db.push({"main.fsl": ID_FN})
    assert db.files()["main.fsl"] == ID_FN
    db.err("AccessProvider.byName('MyAP')!")


def test_manager_spec_allows_no_predicate_for_roles(db):
    db.push({"main.fsl": MY_AP_NO_PREDICATE})
    assert db.files()["main.fsl"] == MY_AP_NO_PREDICATE
    assert db.q("AccessProvider.byName('MyAP')!.roles[0]") == "MyRole"


def test_manager_spec_handles_funky_unicode_characters(db):
    db.q(
        """AccessProvider.create({
  name: "Foo",
  issuer: "https://dev-foo\\u200b.us.auth0.com/",
  jwks_uri: "https://foo\\u{10fffe}.us.auth0.com/.well-known/jwks.json"
})"""
    )
    fsl = db.files()["main.fsl"]
    assert fsl == PREAMBLE + """
access provider Foo {
  issuer "https://dev-foo\\u200b.us.auth0.com/"
  jwks_uri "https://foo\\u{10fffe}.us.auth0.com/.well-known/jwks.json"
}
"""
    # The generated FSL parses: pushing it back changes nothing.
    db.push({"main.fsl": fsl})
    assert db.q("AccessProvider.byName('Foo')!.issuer") == "https://dev-foo\u200b.us.auth0.com/"


# -- SchemaManagerSpec "collections" --


def test_manager_spec_creates_a_new_collection(db):
    db.push({"main.fsl": MY_COL})
    assert db.files()["main.fsl"] == MY_COL
    db.q("MyCol.create({ foo: 0 })")
    assert db.q("MyCol.definition.alias!") == "TheCol"


def test_manager_spec_modifies_a_collection(db):
    db.push({"main.fsl": MY_COL})
    db.q("MyCol.create({ foo: 0, bar: 0 })")
    db.push({"main.fsl": MY_COL_V2})
    assert db.files()["main.fsl"] == MY_COL_V2
    assert db.q("MyCol.definition.history_days!") == 5
    assert db.q("MyCol.definition.ttl_days!") == 1
    db.q("MyCol.byFoo(0)!")
    db.err("MyCol.create({ bar: 0 })")


def _index(db, name="byFoo"):
    return db.q(f"MyCol.definition.indexes.{name}")


@pytest.mark.parametrize(
    "case, terms, values, expected_terms, expected_values",
    [
        ("correctly creates indexes", "[.foo]", "[asc(.title)]",
         [{"field": ".foo", "mva": False}], [{"field": ".title", "order": "asc", "mva": False}]),
        ("correctly creates indexes with desc mva", "[mva(.foo)]", "[desc(mva(.title))]",
         [{"field": ".foo", "mva": True}], [{"field": ".title", "order": "desc", "mva": True}]),
        ("correctly creates indexes with asc mva", "[mva(.foo)]", "[asc(mva(.title))]",
         [{"field": ".foo", "mva": True}], [{"field": ".title", "order": "asc", "mva": True}]),
        ("correctly creates indexes with asc mva (mva first)", "[mva(.foo)]", "[mva(asc(.title))]",
         [{"field": ".foo", "mva": True}], [{"field": ".title", "order": "asc", "mva": True}]),
        ("correctly creates indexes with desc mva (mva first)", "[mva(.foo)]", "[mva(desc(.title))]",
         [{"field": ".foo", "mva": True}], [{"field": ".title", "order": "desc", "mva": True}]),
        ("correctly creates indexes that only set mva", "[mva(.foo), mva(.author)]",
         "[mva(.title), mva(.category)]",
         [{"field": ".foo", "mva": True}, {"field": ".author", "mva": True}],
         [{"field": ".title", "order": "asc", "mva": True}, {"field": ".category", "order": "asc", "mva": True}]),
        ("correctly creates indexes that don't specify order or mva", "[.foo, .author]", "[.title, .category]",
         [{"field": ".foo", "mva": False}, {"field": ".author", "mva": False}],
         [{"field": ".title", "order": "asc", "mva": False}, {"field": ".category", "order": "asc", "mva": False}]),
        ("correctly creates indexes that only specify order as desc", "[.foo]", "[desc(.title), .category]",
         [{"field": ".foo", "mva": False}],
         [{"field": ".title", "order": "desc", "mva": False}, {"field": ".category", "order": "asc", "mva": False}]),
    ],
)
def test_manager_spec_index_terms_and_values(db, case, terms, values, expected_terms, expected_values):
    db.push({"main.fsl": f"collection MyCol {{\n  index byFoo {{\n    terms {terms}\n    values {values}\n  }}\n}}"})
    index = _index(db)
    assert index["terms"] == expected_terms, case
    assert index["values"] == expected_values, case


@pytest.mark.parametrize("order", ["asc", "desc"])
def test_manager_spec_mva_and_order_either_way_round_are_the_same_index(db, order):
    # "correctly creates indexes with desc mva" / "with asc mva": pushing `mva(desc(...))` after
    # `desc(mva(...))` leaves the one index as it was.
    def fsl(values):
        return f"collection MyCol {{\n  index byFoo {{\n    terms [mva(.foo)]\n    values [{values}]\n  }}\n}}"

    db.push({"main.fsl": fsl(f"{order}(mva(.title))")})
    first = _index(db)
    db.push({"main.fsl": fsl(f"mva({order}(.title))")})
    assert list(db.q("MyCol.definition.indexes")) == ["byFoo"]
    assert _index(db)["values"] == first["values"] == [{"field": ".title", "order": order, "mva": True}]
    assert _index(db)["terms"] == [{"field": ".foo", "mva": True}]


def test_manager_spec_correctly_creates_unique_constraints_that_specify_mva(db):
    db.push({"main.fsl": "collection MyCol {\n  unique [.title, mva(.category)]\n}"})
    assert db.q("MyCol.definition.constraints") == [
        {"unique": [{"field": ".title", "mva": False}, {"field": ".category", "mva": True}], "status": "active"}
    ]


def test_manager_spec_removes_a_collection(db):
    db.push({"main.fsl": MY_COL})
    db.push({"main.fsl": ID_FN})
    assert db.files()["main.fsl"] == ID_FN
    db.err("MyCol.create({ foo: 0 })")


def test_manager_spec_correctly_create_computed_fields(db):
    db.push({"main.fsl": 'collection MyCol {\n  compute bar: String = (doc) => doc.foo + "o"\n  compute baaz: String = doc => doc.bar + "s"\n}'})
    assert db.q("let d = MyCol.create({ foo: 'tac' }); d.baaz") == "tacos"


def test_manager_spec_correctly_creates_check_constraints(db):
    db.push({"main.fsl": "collection MyCol {\n  index byOK { terms [.ok] }\n  check a ((doc) => doc.ok)\n  check b ((_) => true)\n}"})
    assert db.q("MyCol.definition.constraints") == [
        {"check": {"name": "a", "body": "(doc) => doc.ok"}},
        {"check": {"name": "b", "body": "(_) => true"}},
    ]
    db.q("MyCol.create({ ok: true })")
    assert db.err("MyCol.create({ ok: false })").v10_code == "constraint_failure"
    assert db.err("MyCol.create({ ok: 1 })").v10_code == "constraint_failure"
    assert db.q("MyCol.byOK(true).isEmpty()") is False
    assert db.q("MyCol.byOK(false).isEmpty()") is True
    assert db.q("MyCol.byOK(1).isEmpty()") is True


# -- SchemaManagerSpec "data" --


def test_manager_spec_data_doesnt_get_clobbered_on_update(db):
    db.q("Collection.create({ name: 'OK', data: { a: 0 } })")
    assert db.q("OK.definition.data!.a") == 0
    db.push({"main.fsl": "collection OK {\n  index byStatus {\n    terms [.status]\n  }\n}"})
    assert db.q("OK.definition.data!.a") == 0


# -- SchemaManagerSpec "conflicting collections and functions" --

WARNING = (
    "// WARNING: the following auto-generated items contain invalid FSL syntax.\n"
    "// Please fix its syntax and re-submit the file. Contact support if you need\n"
    "// assistance via https://support.fauna.com.\n\n\n"
)


# Core's text exactly: main.fsl derived at the first schema write, then patched, the function given an
# alias, and the warning, as the file does not read (a function and a collection both named `foo`). The
# v4 CreateCollection takes core's default history_days, 0, which FSL leaves unsaid.


def test_manager_spec_conflicting_collections_and_functions(db):
    db.q("Function.create({ name: 'foo', body: 'x => x' })")
    db.q4('CreateCollection({ name: "foo" })')
    assert db.files()["main.fsl"] == WARNING + PREAMBLE + (
        "@alias(fooFunction)\nfunction foo(x) {\n  x\n}\n\ncollection foo {\n}\n"
    )


def test_manager_spec_conflicting_collections_and_functions_with_a_second_conflicting_function(db):
    db.q("Function.create({ name: 'foo', body: 'x => x' })")
    db.q("Function.create({ name: 'fooFunction', body: 'x => x' })")
    db.q4('CreateCollection({ name: "foo" })')
    assert db.files()["main.fsl"] == WARNING + PREAMBLE + (
        "@alias(fooFunctionFunction)\nfunction foo(x) {\n  x\n}\n\n"
        "function fooFunction(x) {\n  x\n}\n\ncollection foo {\n}\n"
    )


def test_manager_spec_conflicting_collections_and_functions_with_a_second_conflicting_collection(db):
    db.q("Function.create({ name: 'foo', body: 'x => x' })")
    db.q("Collection.create({ name: 'fooFunction' })")
    db.q4('CreateCollection({ name: "foo" })')
    assert db.files()["main.fsl"] == WARNING + PREAMBLE + (
        "@alias(fooFunctionFunction)\nfunction foo(x) {\n  x\n}\n\n"
        "collection fooFunction {\n}\n\ncollection foo {\n}\n"
    )


def test_a_first_derived_file_that_does_not_read_is_generated_anew_not_patched(db):
    # A signature with fewer parameters than the body: core's translator types only the first, so the
    # function's FSL does not read. Core stores the derived file with its warning; at the next write it
    # leaves that file out of the patch (SourceGenerator.patchSchema), so the whole schema is generated
    # again: each item once, collections first. Once the function is gone, the file reads, unwarned.
    db.q("Function.create({ name: 'f', body: '(x, y) => x', signature: '(a: Int) => Int' })")
    function = "function f(x: Int, y): Int {\n  x\n}\n"
    assert db.files()["main.fsl"] == WARNING + PREAMBLE + "\n" + function
    db.q("Collection.create({ name: 'C' })")
    assert db.files()["main.fsl"] == WARNING + PREAMBLE + "\ncollection C {\n}\n\n" + function
    db.q("Function.byName('f')!.delete()")
    assert db.files()["main.fsl"] == PREAMBLE + "\ncollection C {\n}\n"


# -- SchemaManagerSpec "handles updates to a single file when there are multiple files" --


def test_manager_spec_items_from_all_files_are_included_in_validation(db):
    db.push({"main.fsl": "collection Customer {}", "function.fsl": "function mkCustomer() { Customer.create({}) }"})
    db.push({"function.fsl": "function mkCustomer() { Customer.create({ x: 0 }) }"}, override=False)
    assert db.q("mkCustomer().x") == 0


def test_manager_spec_items_deleted_from_a_file_arent_included_in_the_environment(db):
    db.push({"main.fsl": "collection Customer {}; collection Product {}",
             "function.fsl": "function mkCustomer() { Customer.create({}) }"})
    assert db.push_err({"main.fsl": "collection Customer {}",
                        "function.fsl": "function mkCustomer() { Product.create({ x: 0 }) }"}) == (
        "error: Unbound variable `Product`\n"
        "at function.fsl:1:25\n"
        "  |\n"
        "1 | function mkCustomer() { Product.create({ x: 0 }) }\n"
        "  |                         ^^^^^^^\n"
        "  |"
    )


def test_manager_spec_items_from_a_deleted_file_arent_included_in_the_environment(db):
    db.push({"main.fsl": "collection Customer {}", "function.fsl": "function mkCustomer() { Customer.create({}) }"})
    assert db.push_err({"function.fsl": "function mkCustomer() { Customer.create({}) }"}) == (
        "error: Unbound variable `Customer`\n"
        "at function.fsl:1:25\n"
        "  |\n"
        "1 | function mkCustomer() { Customer.create({}) }\n"
        "  |                         ^^^^^^^^\n"
        "  |"
    )


# -- SchemaSourceSpec --


def test_source_spec_get_or_init_initializes_the_schema(db):
    # Also "get by filename": the file generated is main.fsl.
    assert db.files() == {}
    db.q("Collection.create({ name: 'Foo' })")
    assert db.files() == {"main.fsl": PREAMBLE + "\ncollection Foo {\n}\n"}


def test_source_spec_patch_schema_on_fql_updates(db):
    db.push({"functions.fsl": "function foo(x) {x}\nfunction bar(x) {x*2}\n"})
    db.q("Function.create({ name: 'id', body: '(x) => x' })")
    db.q("foo.definition.update({ body: '(x) => x*x' })")
    db.q("bar.definition.delete()")
    assert db.files() == {
        "functions.fsl": "function foo(x) {\n  x * x\n}\n",
        "main.fsl": PREAMBLE + "\nfunction id(x) {\n  x\n}\n",
    }


def test_source_spec_locate_item_by_kind_and_name(db):
    from fql.schema import manager

    db.push({"main.fsl": "function foo(x) {x}\nfunction bar(x) {x*2}\n"})
    located = db.root.transact(lambda ctx: manager.locate(ctx, "function", "bar"), secret=db.secret)[0]
    assert located.text[slice(*located.item.span)] == "function bar(x) {x*2}"


def test_source_spec_fail_gracefully_on_broken_schema(db):
    # An item is still found in a stored file that does not parse, among its members as read (core's
    # locateItem falls back to the FSL.Node tree); one not found there is InvalidStoredSchema, which the
    # items API answers with core's words.
    from fql.eval import documents
    from fql.schema import manager
    from fql.storage.base import DocKey

    db.push({"main.fsl": "collection Foo {}\ncollection Baz {}\n"})

    def corrupt(ctx):
        key = DocKey(ctx.state.scope, manager.SOURCES, "main.fsl")
        broken = "\n\ncollection Foo {}\ncccollecctiionn Baz {}\n"
        documents.write(ctx, key, {**ctx.state.txn.get(key).data, "content": broken})

    db.root.transact(corrupt, secret=db.secret)
    foo = db.root.transact(lambda ctx: manager.locate(ctx, "collection", "Foo"), secret=db.secret)[0]
    assert foo.text[slice(*foo.item.span)] == "collection Foo {}"
    with pytest.raises(SchemaError) as caught:
        db.root.transact(lambda ctx: manager.locate(ctx, "collection", "Baz"), secret=db.secret)
    assert caught.value.message == manager.INVALID_STORED_SCHEMA
    assert manager.INVALID_STORED_SCHEMA == (
        "An unexpected error occurred during schema generation resulting in invalid schema\nfiles. Please check "
        "your FSL files using the Fauna CLI tool.\n\nContact support via https://support.fauna.com if you need assistance."
    )
    # The items API (core's lookupItem): the item found, or a 400 with those words.
    from fql.server import schema as schema_api
    from fql.server.protocol import Request

    def get(path):
        response = schema_api.handle(db.root, Request("GET", path, {}, {"authorization": f"Bearer {db.secret}"}, b""))
        return response.status, json.loads(response.body)

    status, body = get("/schema/1/items/collections/Foo")
    assert (status, body["content"], body["span"]) == (200, "collection Foo {}", {"start": 2, "end": 19})
    assert get("/schema/1/items/collections/Baz") == (400, {"error": {"message": manager.INVALID_STORED_SCHEMA}})
    assert get("/schema/1/items/collections/Nope")[0] == 404


def test_source_spec_handle_server_readonly_role_for_functions(db):
    db.q("Function.create({ name: 'id', role: 'server-readonly', body: '(x) => x' })")
    assert db.files()["main.fsl"] == PREAMBLE + '\n@role("server-readonly")\nfunction id(x) {\n  x\n}\n'


# -- SchemaTranslatorSpec --


def test_translator_spec_translates_collections(db):
    db.q(
        """Collection.create({
  name: 'C',
  history_days: 10,
  ttl_days: 691,
  indexes: {
    byName: {
      terms: [
        { field: "name" },
        { field: ".my_array[0]" },
        { field: ".my.nested.field[0]" },
        { field: ".['0'].foo" }
      ],
      values: [
        { field: "fame", order: "desc" },
        { field: "game", order: "asc", mva: true }
      ]
    },
    byFame: {
      terms: [{ field: "fame", mva: true }]
    }
  },
  constraints: [ { unique: ["name"] } ]
})"""
    )
    assert db.files()["main.fsl"] == PREAMBLE + """
collection C {
  index byName {
    terms [.name, .my_array[0], .my.nested.field[0], .["0"].foo]
    values [desc(.fame), mva(.game)]
  }
  index byFame {
    terms [mva(.fame)]
  }
  unique [.name]
  history_days 10
  ttl_days 691
}
"""


def test_translator_spec_translates_functions(db):
    db.q("Function.create({ name: 'F', role: 'server', body: '(x, y) => x + y' })")
    db.q("Function.create({ name: 'FF', alias: 'G', body: '(x, y) => x - y' })")
    db.q(
        """Function.create({
  name: 'FFF',
  role: 'server',
  alias: 'H',
  body: 'x => x',
  signature: 'Number => Number'
})"""
    )
    assert db.files()["main.fsl"] == PREAMBLE + """
@role(server)
function F(x, y) {
  x + y
}

@alias(G)
function FF(x, y) {
  x - y
}

@alias(H)
@role(server)
function FFF(x: Number): Number {
  x
}
"""


def test_translator_spec_translates_roles(db):
    for name in ("Users", "Orders", "Products"):
        db.q(f"Collection.create({{ name: '{name}' }})")
    db.q(
        """Role.create({
  name: "AdminUsers",
  membership: [
    { resource: "Users", predicate: 'user => user.isAdmin' },
    { resource: "Orders" }
  ],
  privileges: [{
    resource: "Users",
    actions: { create: true, create_with_id: true, read: 'user => user.canRead' }
  },
  {
    resource: "Orders",
    actions: { read: 'order => order.foo' }
  },
  {
    resource: "Products",
    actions: { read: true, write: true }
  }]
})"""
    )
    assert db.files()["main.fsl"].endswith("""
role AdminUsers {
  privileges Users {
    create
    create_with_id
    read {
      predicate ((user) => user.canRead)
    }
  }
  privileges Orders {
    read {
      predicate ((order) => order.foo)
    }
  }
  privileges Products {
    read
    write
  }
  membership Users {
    predicate ((user) => user.isAdmin)
  }
  membership Orders
}
""")


def test_translator_spec_translates_access_providers(db):
    db.q("Role.create({ name: 'MyRole' })")
    db.q("Role.create({ name: 'YourRole' })")
    db.q(
        """AccessProvider.create({
  name: "MyAP",
  issuer: "https://fauna0.auth0.com",
  jwks_uri: "https://fauna.auth0.com/.well-known/jwks.json",
  roles: [
    { role: "MyRole", predicate: 'arg => true' },
    "YourRole"
  ],
})"""
    )
    assert db.files()["main.fsl"].endswith("""
access provider MyAP {
  issuer "https://fauna0.auth0.com"
  jwks_uri "https://fauna.auth0.com/.well-known/jwks.json"
  role MyRole {
    predicate ((arg) => true)
  }
  role YourRole
}
""")


def test_translator_spec_translates_defaults_in_nested_fields(db):
    db.q(
        """Collection.create({
  name: "User",
  fields: {
    a: { signature: "Int" },
    address: { signature: "{ street: String = \\"hello\\" }" }
  }
})"""
    )
    assert db.files()["main.fsl"] == PREAMBLE + '\ncollection User {\n  a: Int\n  address: { street: String = "hello" }\n}\n'


# -- SchemaValidateSpec --

USER = "collection User {\n  name: String\n}"
USER_INDEXED = "collection User {\n  name: String\n\n  index byName {\n    terms [.name]\n  }\n}"
USER_VALUES = "collection User {\n  name: String\n\n  index byName {\n    terms [.name]\n    values [.name]\n  }\n}"
ADDED = "* Modifying collection `User` at main.fsl:1:1:\n  * Indexes:\n  + add index `byName`\n\n"
CHANGED = (
    "* Modifying collection `User` at main.fsl:1:1:\n  * Indexes:\n  ~ change index `byName`\n"
    "    + add values set to [.name]\n\n"
)


def test_validate_spec_validate_adding_an_index_works(db):
    db.push({"main.fsl": USER})
    assert db.diff({"main.fsl": USER_VALUES}) == ADDED


def test_validate_spec_validate_modifying_an_index_works(db):
    db.push({"main.fsl": USER_INDEXED})
    assert db.diff({"main.fsl": USER_VALUES}) == CHANGED


def test_validate_spec_validate_against_staged_schema_works(db):
    db.push({"main.fsl": USER})
    db.push({"main.fsl": USER_INDEXED}, staged=True)
    assert db.diff({"main.fsl": USER_VALUES}) == ADDED
    assert db.diff({"main.fsl": USER_VALUES}, staged=True) == CHANGED


def test_unbound_names_in_a_pushed_function_are_allowed_without_typechecking():
    # The check is core's typechecker's: a database with `typechecked: false` takes the body as written.
    root = fql.connect("memory://")
    root.query('Database.create({ name: "loose", typechecked: false })', syntax="v10")
    secret = root.query('Key.create({ role: "admin", database: "loose" }).secret', syntax="v10")
    root.push_schema({"f.fsl": "function f() { let g = (x) => x; Product.all() { a } ; g(Nope) }"}, secret=secret)
    assert Scoped(root, secret).q("Function.byName('f').exists()") is True


def test_names_bound_in_a_pushed_function_are_not_unbound(db):
    db.push({"f.fsl": "function f(a, ...rest) {\n  let g = (x) => x + a\n  [{ b: 1 }].map(.b).map(y => g(y))\n  { z: Math.abs(-1) } { z }\n  rest.length\n}"})
    assert db.q("f(1, 2)") == 1


# -- SchemaManagerSpec "protected mode" --

PROTECTED_FOO = """\
collection Foo {
  history_days 30
  index byX {
    terms [.x]
  }
  index byY {
    terms [.y]
  }
}"""
FORBIDDEN = "destructive change forbidden because database is in protected mode."


def test_manager_spec_protected_mode_forbids_destructive_changes():
    from fql.repl.printer import summary

    root = fql.connect("memory://")
    root.query("Database.create({ name: 'protected', protected: true })", syntax="v10")
    secret = root.query('Key.create({ role: "admin", database: "protected" }).secret', syntax="v10")
    db = Scoped(root, secret)
    db.push({"main.fsl": PROTECTED_FOO})

    def render_err(text):
        return summary(db.err(text), text)

    # FQL v10: the collection may not be deleted...
    assert render_err("Foo.definition.delete()") == (
        "error: Failed to delete Collection `Foo`.\n"
        "constraint failures:\n"
        f"  Cannot delete collection: {FORBIDDEN}\n"
        "at *query*:1:22\n"
        "  |\n"
        "1 | Foo.definition.delete()\n"
        "  |                      ^^\n"
        "  |"
    )
    # ... nor its history_days decreased, though they may grow ...
    assert render_err("Foo.definition.update({ history_days: 15 })") == (
        "error: Failed to update Collection `Foo`.\n"
        "constraint failures:\n"
        f"  Cannot decrease `history_days` field: {FORBIDDEN}\n"
        "at *query*:1:22\n"
        "  |\n"
        "1 | Foo.definition.update({ history_days: 15 })\n"
        "  |                      ^^^^^^^^^^^^^^^^^^^^^^\n"
        "  |"
    )
    db.q("Foo.definition.update({ history_days: 60 })")
    # ... nor an index removed, as that deletes its backing index.
    assert render_err("Foo.definition.update({ indexes: { byX: null } })") == (
        "error: Invalid database schema update.\n"
        "\n"
        "constraint failures:\n"
        f"  Cannot cause deletion of backing index: {FORBIDDEN}\n"
        "at *query*:1:22\n"
        "  |\n"
        "1 | Foo.definition.update({ indexes: { byX: null } })\n"
        "  |                      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "  |"
    )

    # FSL: the same refusals, drawn at the item.
    assert db.push_err({"main.fsl": ""}) == (
        "error: Failed to delete Collection `Foo`.\n"
        "constraint failures:\n"
        f"  Cannot delete collection: {FORBIDDEN}\n"
        "at main.fsl:1:1\n"
        "  |\n"
        "1 |\n"
        "  | " + "^" * len(PROTECTED_FOO) + "\n"
        "  |"
    )
    assert db.push_err({"main.fsl": PROTECTED_FOO.replace("history_days 30", "history_days 15")}) == (
        "error: Failed to update Collection `Foo`.\n"
        "constraint failures:\n"
        f"  Cannot decrease `history_days` field: {FORBIDDEN}\n"
        "at main.fsl:1:1\n"
        "  |\n"
        "1 |   collection Foo {\n"
        "  |  _^\n"
        "2 | |   history_days 15\n"
        "3 | |   index byX {\n"
        "4 | |     terms [.x]\n"
        "5 | |   }\n"
        "6 | |   index byY {\n"
        "7 | |     terms [.y]\n"
        "8 | |   }\n"
        "9 | | }\n"
        "  | |_^\n"
        "  |"
    )
    assert db.push_err({"main.fsl": "collection Foo {\n  history_days 60\n  index byX {\n    terms [.x]\n  }\n}"}) == (
        "error: Invalid database schema update.\n"
        "\n"
        "constraint failures:\n"
        f"  Cannot cause deletion of backing index: {FORBIDDEN}\n"
        "at main.fsl:1:1\n"
        "  |\n"
        "1 |   collection Foo {\n"
        "  |  _^\n"
        "2 | |   history_days 60\n"
        "3 | |   index byX {\n"
        "4 | |     terms [.x]\n"
        "5 | |   }\n"
        "6 | | }\n"
        "  | |_^\n"
        "  |"
    )


def test_protected_mode_refuses_removing_history_days_and_adding_ttl_days():
    # The other rules of core's protected mode (ConstraintFailure.ProtectedModeFailure).
    root = fql.connect("memory://")
    root.query("Database.create({ name: 'protected', protected: true })", syntax="v10")
    secret = root.query('Key.create({ role: "admin", database: "protected" }).secret', syntax="v10")
    db = Scoped(root, secret)
    db.q("Collection.create({ name: 'Foo', history_days: 5 })")
    err = db.err("Foo.definition.update({ ttl_days: 3 })")
    assert err.failures == [{"description": f"Cannot remove `ttl_days` field: {FORBIDDEN}"}]
    db.q("Collection.create({ name: 'Bar', history_days: 5, ttl_days: 5 })")
    err = db.err("Bar.definition.update({ ttl_days: 3 })")
    assert err.failures == [{"description": f"Cannot decrease `ttl_days` field: {FORBIDDEN}"}]
    db.q("Bar.definition.update({ ttl_days: 9 })")
    # An unprotected database takes all of these.
    plain = fql.connect("memory://")
    plain.query("Collection.create({ name: 'Foo', history_days: 5, indexes: { byX: { terms: [{ field: '.x' }] } } })", syntax="v10")
    plain.query("Foo.definition.update({ history_days: 1, ttl_days: 1, indexes: { byX: null } })", syntax="v10")
    plain.query("Foo.definition.delete()", syntax="v10")
