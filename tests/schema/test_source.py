"""FSL generated from stored definitions (fql/schema/source.py): the cases of core's SourceGeneratorSpec with
its exact expected text, run through fql's own `Collection.create(...)` and read back as stored, then the
details of core's printer (SchemaTranslator and Display.scala) one member at a time."""

from __future__ import annotations

import pytest

import fql
from fql.scala import map_order as scala_map_order
from fql.schema.source import PREAMBLE, InvalidDefinition, derive, generate

#: The native collection to read each kind back from.
_NATIVE = {"collection": "Collection", "function": "Function", "role": "Role", "access provider": "AccessProvider"}


def stored(db: fql.Database, kind: str, name: str) -> dict:
    """The definition as fql stores it, read back with `Collection.byName(...)` and its kin."""
    return dict(db.query(f"{_NATIVE[kind]}.byName({name!r})!", secret="secret", syntax="v10"))


def derived(v10: list[str], v4: list[str], items: list[tuple[str, str]]) -> str:
    """Run the creates in a new database, then derive main.fsl from `items` (in creation order, which is
    the order of core's ids)."""
    db = fql.connect("memory://")
    for text in v10:
        db.query(text, secret="secret", syntax="v10")
    for text in v4:
        db.query(text, secret="secret", syntax="v4")
    return derive([(kind, name, stored(db, kind, name)) for kind, name in items])


# -- core's SourceGeneratorSpec ("Basic source generation"), expected texts exactly as the spec has them --

SPEC = [
    pytest.param(
        [
            """Collection.create({
  name: 'User',
  alias: 'TheUsers',
  history_days: 3,
  ttl_days: 1,
  indexes: {
    byFirstName: {
      terms: [ { field: ".firstName" } ]
    },
    byLastName: {
      terms: [ { field: "lastName" } ],
      values: [
        { field: "firstName", order: "desc", mva: true },
        { field: "lastName", mva: true }
      ]
    },
  },
  constraints: [
    { unique: ["name"] },
    { check: { name: "ok", body: "(doc) => doc.ok ?? true" } }
  ],
  computed_fields: {
    one: { body: "_ => 1" },
    two: { body: "_ => 2" }
  }
})"""
        ],
        [],
        [("collection", "User")],
        f"""{PREAMBLE}
@alias(TheUsers)
collection User {{
  compute one = (_) => 1
  compute two = (_) => 2
  index byFirstName {{
    terms [.firstName]
  }}
  index byLastName {{
    terms [.lastName]
    values [desc(mva(.firstName)), mva(.lastName)]
  }}
  unique [.name]
  check ok ((doc) => doc.ok ?? true)
  history_days 3
  ttl_days 1
}}
""",
        id="collections and indexes",
    ),
    pytest.param(
        [
            "Function.create({ name: 'AddTwo', body: 'x => x + 2' })",
            """Function.create({
  name: 'Variadic',
  body: '(x, ...y) => x + y.length',
  signature: '(Number,...Array<Any>) => Number'
})""",
            """Function.create({
  name: 'MegaMath',
  body: 'x => {
    let y = 2 * x
    let z = y - x
    let w = x * (z - x) - (2 * x - y)
    w * z * y + x
  }',
  role: 'server',
  alias: 'MM',
  signature: 'Number => Number'
})""",
        ],
        # The generator skips legacy (v4) functions.
        ['CreateFunction({ name: "Incr", body: Query(Lambda("x", Add(Var("x"), 1))) })'],
        [("function", "AddTwo"), ("function", "Variadic"), ("function", "MegaMath"), ("function", "Incr")],
        f"""{PREAMBLE}
function AddTwo(x) {{
  x + 2
}}

function Variadic(x: Number, ...y: Array<Any>): Number {{
  x + y.length
}}

@alias(MM)
@role(server)
function MegaMath(x: Number): Number {{
  let y = 2 * x
  let z = y - x
  let w = x * (z - x) - (2 * x - y)
  w * z * y + x
}}
""",
        id="FQL10 functions",
    ),
    pytest.param(
        [
            "Collection.create({ name: 'Users' })",
            "Collection.create({ name: 'Orders' })",
            "Collection.create({ name: 'Products' })",
            """Role.create({
  name: "AdminUsers",
  membership: [
    {
      resource: "Users",
      predicate: 'user => user.isAdmin'
    },
    {
      resource: "Orders"
    }
  ],
  privileges: [{
    resource: "Users",
    actions: {
      create: true,
      read: 'user => user.canRead'
    }
  },
  {
    resource: "Orders",
    actions: {
      read: 'order => order.foo'
    }
  },
  {
    resource: "Products",
    actions: {
      read: true,
      write: true
    }
  }]
})""",
        ],
        # The generator skips legacy (v4) roles.
        [
            'CreateRole({ name: "role_a", membership: { resource: Collection("Users") }, '
            'privileges: { resource: Collection("Orders"), actions: { read: true } } })'
        ],
        [
            ("collection", "Users"),
            ("collection", "Orders"),
            ("collection", "Products"),
            ("role", "AdminUsers"),
            ("role", "role_a"),
        ],
        f"""{PREAMBLE}
collection Users {{
}}

collection Orders {{
}}

collection Products {{
}}

role AdminUsers {{
  privileges Users {{
    create
    read {{
      predicate ((user) => user.canRead)
    }}
  }}
  privileges Orders {{
    read {{
      predicate ((order) => order.foo)
    }}
  }}
  privileges Products {{
    read
    write
  }}
  membership Users {{
    predicate ((user) => user.isAdmin)
  }}
  membership Orders
}}
""",
        id="roles",
    ),
    pytest.param(
        [
            "Role.create({ name: 'MyRole' })",
            """AccessProvider.create({
  name: "MyAPNoRole",
  issuer: "https://fauna.auth0.com",
  jwks_uri: "https://fauna.auth0.com/.well-known/jwks.json"
})
""",
            """AccessProvider.create({
  name: "MyAP",
  issuer: "https://fauna0.auth0.com",
  jwks_uri: "https://fauna.auth0.com/.well-known/jwks.json",
  roles: {
    role: "MyRole",
    predicate: 'arg => true'
  },
})
""",
        ],
        # The generator skips legacy (v4) access providers.
        [
            'CreateAccessProvider({ name: "YourAP", issuer: "https://fauna1.auth0.com", '
            'jwks_uri: "https://fauna.auth0.com/.well-known/jwks.json", '
            'roles: [{ role: "MyRole", predicate: Query(Lambda("x", true)) }] })'
        ],
        [("role", "MyRole"), ("access provider", "MyAPNoRole"), ("access provider", "MyAP"), ("access provider", "YourAP")],
        f"""{PREAMBLE}
role MyRole {{
}}

access provider MyAPNoRole {{
  issuer "https://fauna.auth0.com"
  jwks_uri "https://fauna.auth0.com/.well-known/jwks.json"
}}

access provider MyAP {{
  issuer "https://fauna0.auth0.com"
  jwks_uri "https://fauna.auth0.com/.well-known/jwks.json"
  role MyRole {{
    predicate ((arg) => true)
  }}
}}
""",
        id="access providers",
    ),
    pytest.param(
        [],
        [
            'CreateCollection({ name: "0", history_days: 0 })',
            'CreateRole({ name: "0" })',
            'CreateAccessProvider({ name: "0", issuer: "https://fauna.auth0.com", '
            'jwks_uri: "https://fauna.auth0.com/.well-known/jwks.json", roles: ["0"] })',
        ],
        [("collection", "0"), ("role", "0"), ("access provider", "0")],
        f"""{PREAMBLE}
collection "0" {{
}}

role "0" {{
}}

access provider "0" {{
  issuer "https://fauna.auth0.com"
  jwks_uri "https://fauna.auth0.com/.well-known/jwks.json"
  role "0"
}}
""",
        id="quote legacy schema names",
    ),
    pytest.param(
        # "patch existing source files" / "regenerate schema when a file doesn't parse": the item it writes.
        [
            "Collection.create({ name: 'ComputedFieldColl' })",
            """Collection.byName('ComputedFieldColl')!.update({
  indexes: {
    byName: {
      terms: [{ field: '.name' }]
    }
  }
})""",
        ],
        [],
        [("collection", "ComputedFieldColl")],
        """// The following schema is auto-generated.
// This file contains FSL for FQL10-compatible schema items.

collection ComputedFieldColl {
  index byName {
    terms [.name]
  }
}
""",
        id="regenerate schema when a file doesn't parse",
    ),
]


@pytest.mark.parametrize(("v10", "v4", "items", "expected"), SPEC)
def test_core_source_generator_spec(v10, v4, items, expected):
    assert derived(v10, v4, items) == expected


def test_modified_item_as_patched():
    # SourceGeneratorSpec "modifies existing source files": the item the patch puts in place of `Bar`.
    db = fql.connect("memory://")
    db.query("Collection.create({ name: 'Bar' })", secret="secret", syntax="v10")
    db.query("Bar.definition.update({ history_days: 10 })", secret="secret", syntax="v10")
    assert generate("collection", "Bar", stored(db, "collection", "Bar")) == "collection Bar {\n  history_days 10\n}\n"


# -- core's SourceGeneratorSpec "patch existing source files" and "generation with existing data field": a
# pushed file, then queries' schema writes; the files as the database answers them after. --


def _pushed(text: str, *queries: str, name: str = "foo.fsl") -> fql.Database:
    db = fql.connect("memory://")
    db.push_schema({name: text})
    for query in queries:
        db.query(query, secret="secret", syntax="v10")
    return db


def _overwrite_source(db: fql.Database, name: str, content: str) -> None:
    """Store `content` as file `name` without a push, as the spec writes its source document directly."""
    from fql.eval import documents
    from fql.schema import manager
    from fql.storage.base import DocKey

    def write(ctx):
        key = DocKey(ctx.state.scope, manager.SOURCES, name)
        documents.write(ctx, key, {**ctx.state.txn.get(key).data, "content": content})

    db.transact(write, secret="secret")


def test_patch_creates_a_new_main_fsl_file_with_new_schema_items():
    db = _pushed("collection Bar {}", "Collection.create({ name: 'Foo' })")
    assert db.schema_files() == {"foo.fsl": "collection Bar {}", "main.fsl": PREAMBLE + "\ncollection Foo {\n}\n"}


def test_patch_modifies_existing_source_files():
    db = _pushed("collection Foo {}\ncollection Bar {}\ncollection Baz {}", "Bar.definition.update({ history_days: 10 })")
    assert db.schema_files() == {"foo.fsl": "collection Foo {}\ncollection Bar {\n  history_days 10\n}\ncollection Baz {}"}


def test_patch_drops_removed_items():
    db = _pushed("collection Foo {\n}\ncollection Bar {\n}\ncollection Baz {\n}", "Bar.definition.delete()")
    assert db.schema_files() == {"foo.fsl": "collection Foo {\n}\ncollection Baz {\n}"}


def test_patch_drops_and_modifies_items():
    # Core once cut the deletes out first, so the spans of the modifications after them were off.
    db = _pushed("collection Foo {}\ncollection Bar {}", "Foo.definition.delete()", "Bar.definition.update({ history_days: 10 })")
    assert db.schema_files() == {"foo.fsl": "\ncollection Bar {\n  history_days 10\n}"}


def test_generation_with_existing_data_field_doesnt_clobber_data():
    db = _pushed("collection OK {}\n", "OK.definition.update({ data: { a: 0 } })", name="main.fsl")
    _overwrite_source(db, "main.fsl", "collection OK {}\n*&^)*&^(*&^%(*@&#^%@#$@#$")
    db.query("Collection.create({ name: 'Other' })", secret="secret", syntax="v10")  # the file is generated anew
    assert db.schema_files() == {"main.fsl": PREAMBLE + "\ncollection OK {\n}\n\ncollection Other {\n}\n"}
    assert db.query("OK.definition.data!.a", secret="secret", syntax="v10") == 0


def test_regenerate_schema_when_a_stored_file_doesnt_parse():
    # The spec's case end to end: core stores a file that no longer reads as it is, until the next schema
    # write, which leaves it out of the patch (SourceGenerator.patchSchema), so main.fsl is generated anew.
    broken = "collection ComputedFieldColl {\n  unique []\n}"
    db = _pushed("collection ComputedFieldColl {\n}", name="main.fsl")
    _overwrite_source(db, "main.fsl", broken)
    assert db.schema_files() == {"main.fsl": broken}
    db.query(
        "Collection.byName('ComputedFieldColl')!.update({ indexes: { byName: { terms: [{ field: '.name' }] } } })",
        secret="secret", syntax="v10",
    )
    expected = PREAMBLE + "\ncollection ComputedFieldColl {\n  index byName {\n    terms [.name]\n  }\n}\n"
    assert db.schema_files() == {"main.fsl": expected}


def test_a_stored_file_other_than_main_that_doesnt_parse_is_kept_and_its_items_go_to_main():
    # Core leaves the file out of the patch and replaces only the files the patch gives: the broken file
    # stays stored as it is, and the items no file that reads declares are generated into main.fsl.
    db = _pushed("collection A {}\n", name="a.fsl")
    _overwrite_source(db, "a.fsl", "collection A {}\n!")
    db.query("Collection.create({ name: 'B' })", secret="secret", syntax="v10")
    assert db.schema_files() == {"a.fsl": "collection A {}\n!", "main.fsl": PREAMBLE + "\ncollection A {\n}\n\ncollection B {\n}\n"}


def test_derive_orders_kinds_and_keeps_order_within_a_kind():
    items = [
        ("access provider", "ap", {"issuer": "i", "jwks_uri": "j"}),
        ("role", "r", {}),
        ("function", "f", {"body": "() => 1"}),
        ("collection", "B", {}),
        ("collection", "A", {}),
    ]
    assert derive(items) == (
        PREAMBLE
        + "\ncollection B {\n}\n"
        + "\ncollection A {\n}\n"
        + "\nfunction f() {\n  1\n}\n"
        + "\nrole r {\n}\n"
        + '\naccess provider ap {\n  issuer "i"\n  jwks_uri "j"\n}\n'
    )


def test_derive_with_nothing_to_write_is_empty():
    # Core writes no main.fsl at all then.
    assert derive([]) == ""
    assert derive([("function", "Incr", {"body": object()})]) == ""


def test_a_function_named_like_a_collection_gets_an_alias():
    # SchemaTranslator.translateFunction: `<name>Function`, longer until no collection or function has it.
    items = [
        ("collection", "Users", {}),
        ("collection", "UsersFunction", {}),
        ("function", "Users", {"body": "() => 1"}),
        ("function", "Other", {"body": "() => 2", "alias": "Mine"}),
    ]
    text = derive(items)
    assert "@alias(UsersFunctionFunction)\nfunction Users() {\n  1\n}\n" in text
    assert "@alias(Mine)\nfunction Other() {\n  2\n}\n" in text


# -- collections --------------------------------------------------------------------------------------

COLLECTIONS = [
    pytest.param({}, "collection C {\n}\n", id="empty"),
    pytest.param({"history_days": 0, "indexes": {}, "constraints": []}, "collection C {\n}\n", id="default history"),
    pytest.param(
        {"fields": {"name": {"signature": "String"}, "age": {"signature": "Int?", "default": "0"}}, "wildcard": "Any"},
        "collection C {\n  name: String\n  age: Int? = 0\n  *: Any\n}\n",
        id="defined fields and wildcard",
    ),
    pytest.param(
        {
            "fields": {"a": {"signature": "Array< String|Int >", "default": "[ 1,2 ]"}},
            "computed_fields": {"up": {"body": "(doc) => doc.name.toUpperCase()", "signature": "String"}},
        },
        "collection C {\n  a: Array<String | Int> = [1, 2]\n  compute up: String = (doc) => doc.name.toUpperCase()\n}\n",
        id="types and defaults reprinted",
    ),
    pytest.param(
        {"computed_fields": {"n": {"body": "(.name)"}}},
        "collection C {\n  compute n = (.name)\n}\n",
        id="short lambda computed field",
    ),
    pytest.param(
        {"computed_fields": {"b": {"body": "doc => {\n let x = doc.a\n x + 1 }"}}},
        "collection C {\n  compute b = (doc) => {\n    let x = doc.a\n    x + 1\n  }\n}\n",
        id="block body indented",
    ),
    pytest.param(
        {"indexes": {"none": {}, "vals": {"values": [{"field": ".a", "order": "asc"}, {"field": "b.c", "order": "desc"}]}}},
        "collection C {\n  index none {\n  }\n  index vals {\n    values [.a, desc(.b.c)]\n  }\n}\n",
        id="index without terms",
    ),
    pytest.param(
        {"indexes": {"odd": {"terms": [{"field": '.["a b"]'}, {"field": ".x[0]"}, {"field": "[1]"}]}}},
        'collection C {\n  index odd {\n    terms [.["a b"], .x[0], .[1]]\n  }\n}\n',
        id="paths that are not identifiers",
    ),
    pytest.param(
        {
            "constraints": [
                {"check": {"name": "first", "body": "_ => true"}},
                {"unique": [{"field": ".a", "mva": True}, {"field": ".b", "mva": False}], "status": "active"},
                {"unique": ["c"]},
            ]
        },
        "collection C {\n  unique [mva(.a), .b]\n  unique [.c]\n  check first ((_) => true)\n}\n",
        id="uniques before checks",
    ),
    pytest.param(
        {"history_days": 5, "ttl_days": 2, "document_ttls": False, "alias": "if"},
        '@alias("if")\ncollection C {\n  history_days 5\n  ttl_days 2\n  document_ttls false\n}\n',
        id="retention members and a keyword alias",
    ),
    pytest.param(
        {
            "fields": {"b": {"signature": "Int"}},
            "migrations": [
                {"add": {"field": ".b"}},
                {"backfill": {"field": ".b", "value": "'x'"}},
                {"drop": {"field": ".old"}},
                {"move": {"field": ".c", "to": ".d"}},
                {"split": {"field": ".e", "to": [".f", ".g"]}},
                {"move_conflicts": {"into": ".h"}},
                {"move_wildcard": {"into": ".i"}},
                {"add_wildcard": {}},
            ],
        },
        """collection C {
  b: Int
  migrations {
    add .b
    backfill .b = "x"
    drop .old
    move .c -> .d
    split .e -> .f, .g
    move_conflicts .h
    move_wildcard .i
    add_wildcard
  }
}
""",
        id="migrations",
    ),
]


@pytest.mark.parametrize(("definition", "expected"), COLLECTIONS)
def test_collection(definition, expected):
    assert generate("collection", "C", definition) == expected


def test_stored_collection_as_fql_stores_it():
    db = fql.connect("memory://")
    db.query(
        """Collection.create({
  name: "U", alias: "Us",
  fields: { name: { signature: "String" }, age: { signature: "Int?", default: "0" } },
  wildcard: "Any",
  computed_fields: { up: { body: "(doc) => doc.name.toUpperCase()", signature: "String" } },
  indexes: { byName: { terms: [{ field: ".name" }], values: [{ field: ".age", order: "desc" }] } },
  constraints: [{ unique: [".name"] }, { check: { name: "pos", body: "(doc) => doc.age >= 0" } }],
  ttl_days: 5,
  data: { note: "ignored" }
})""",
        secret="secret",
        syntax="v10",
    )
    assert generate("collection", "U", stored(db, "collection", "U")) == """@alias(Us)
collection U {
  name: String
  age: Int? = 0
  compute up: String = (doc) => doc.name.toUpperCase()
  *: Any
  index byName {
    terms [.name]
    values [desc(.age)]
  }
  unique [.name]
  check pos ((doc) => doc.age >= 0)
  ttl_days 5
}
"""


# -- functions ----------------------------------------------------------------------------------------

FUNCTIONS = [
    pytest.param({"body": "_ => null"}, "function f(_) {\n  null\n}\n", id="ignored parameter"),
    pytest.param({"body": "(a, b) => a", "signature": "Int"}, "function f(a, b) {\n  a\n}\n", id="signature not a lambda"),
    pytest.param(
        {"body": "(a, b) => a", "signature": "(x: Int) => Int"},
        "function f(a: Int, b): Int {\n  a\n}\n",
        id="fewer types than parameters",
    ),
    pytest.param(
        {"body": "(...rest) => rest", "signature": "(...Array<Int>) => Array<Int>"},
        "function f(...rest: Array<Int>): Array<Int> {\n  rest\n}\n",
        id="only a rest parameter",
    ),
    pytest.param(
        {"body": "x => x", "role": "server-readonly"},
        '@role("server-readonly")\nfunction f(x) {\n  x\n}\n',
        id="role that is not an identifier",
    ),
    pytest.param(
        {"body": "x => x", "signature": "(x: { a: Int, \"b c\": String? }) => Int | Null"},
        'function f(x: { a: Int, "b c": String? }): Int | Null {\n  x\n}\n',
        id="object and union types",
    ),
]


@pytest.mark.parametrize(("definition", "expected"), FUNCTIONS)
def test_function(definition, expected):
    assert generate("function", "f", definition) == expected


# -- FQL as core prints it back: parentheses as written, no others, its own layout ---------------------

BODIES = [
    ("x => x * (x + 1)", "x * (x + 1)"),
    ("x => (x * x) + 1", "(x * x) + 1"),
    ("x => -x", "-x"),
    ("x => !(x)", "!(x)"),
    ("x => -1.50", "-1.50"),
    ("x => 1e3 + 0x1F + 1_000", "1E+3 + 31 + 1000"),
    ("x => 123456789012345678901234567890", "123456789012345678901234567890"),
    ("x => 'it\\'s'", '"it\'s"'),
    ("x => 'a\"b#c\\n'", '"a\\"b\\#c\\n"'),
    ('x => "tab\\there \\u{1F600}"', '"tab\\there \\u{01f600}"'),
    ('x => "hi #{x.name}!"', '"hi #{x.name}!"'),
    ("x => [1, 2,]", "[1, 2]"),
    ("x => { a: 1, 'b c': x }", '{\n    a: 1,\n    "b c": x\n  }'),
    ("x => {}", "{\n  }"),
    ("x => if (x) 1 else if (!x) 2 else 3", "if (x) 1 else if (!x) 2 else 3"),
    ("x => if (x) 1", "if (x) 1"),
    ("x => at (Time.now()) x", "at (Time.now()) x"),
    ("x => x?.a?.b(1)?.[0]!", "x?.a?.b(1)?.[0]!"),
    ("x => (x?.a).b", "(x?.a).b"),
    ("x => x.map(.name)", "x.map(.name)"),
    ("x => x.where(.a > 1 && .b)", "x.where(.a > 1 && .b)"),
    ("x => x.map((.a))", "x.map((.a))"),
    ("x => x.map(y => y + 1)", "x.map((y) => y + 1)"),
    ("x => x.map((a, _) => a)", "x.map((a, _) => a)"),
    ("x => x.map((...a) => a)", "x.map((...a) => a)"),
    ("x => (1, 2)", "(1, 2)"),
    ("x => x isa String", "x isa String"),
    ("x => x { a, b: .c }", "x {\n    a: .a,\n    b: .c\n  }\n  "),
    ("x => { let y: Array<Int> = [x]; y }", "let y: Array<Int> = [x]\n  y"),
    ("x => {\n  // a comment\n  x\n}", "x"),
]


@pytest.mark.parametrize(("body", "expected"), BODIES, ids=[b for b, _ in BODIES])
def test_function_body_reprinted(body, expected):
    assert generate("function", "f", {"body": body}) == f"function f(x) {{\n  {expected}\n}}\n"


# -- roles and access providers -------------------------------------------------------------------------


def test_role_actions_false_left_out_and_empty_privileges():
    definition = {
        "privileges": [
            {"resource": "A", "actions": {"read": False, "write": False}},
            {"resource": "B", "actions": {"call": True, "history_read": "(doc) => doc.ok"}},
        ],
        "membership": {"resource": "Users"},
    }
    assert generate("role", "r", definition) == """role r {
  privileges A {
  }
  privileges B {
    call
    history_read {
      predicate ((doc) => doc.ok)
    }
  }
  membership Users
}
"""


def test_access_provider_roles_list():
    definition = {
        "issuer": "https://x",
        "jwks_uri": "https://x/jwks",
        "roles": ["plain", {"role": "checked", "predicate": "jwt => jwt!.admin"}, {"role": "bare"}],
        "audience": "https://db.fauna.com/db/abc",
    }
    assert generate("access provider", "p", definition) == """access provider p {
  issuer "https://x"
  jwks_uri "https://x/jwks"
  role plain
  role checked {
    predicate ((jwt) => jwt!.admin)
  }
  role bare
}
"""


# -- bad input --------------------------------------------------------------------------------------

BAD = [
    ("widget", {}, "Unknown kind of schema item `widget`"),
    ("function", {"body": "x +"}, "the body of function `f` is not valid FQL"),
    ("function", {"body": "1 + 1"}, "the body of function `f` is not a lambda"),
    ("function", {"body": "x => x", "signature": "Int =>"}, "the signature of function `f` is not a valid type"),
    ("collection", {"indexes": {"i": {"terms": [{"field": ".a + 1"}]}}}, "index `i` of collection `f` is not a valid field path"),
    ("collection", {"migrations": [{"rename": {"field": ".a"}}]}, "Unknown migration `rename`"),
    ("collection", {"constraints": [{"check": {"body": "x => x"}}]}, "The definition of collection `f` is malformed"),
    ("role", {"privileges": [{"resource": "A", "actions": {"fly": True}}]}, "Unknown action `fly` in role `f`"),
]


@pytest.mark.parametrize(("kind", "definition", "message"), BAD, ids=[m for _, _, m in BAD])
def test_bad_definitions_say_what_is_wrong(kind, definition, message):
    with pytest.raises(InvalidDefinition, match=message.replace("(", r"\(").replace("+", r"\+")):
        generate(kind, "f", definition)


# -- the order core iterates maps in ---------------------------------------------------------------------


def test_up_to_four_entries_keep_their_order():
    assert scala_map_order(["d", "c", "b", "a"]) == ["d", "c", "b", "a"]


def test_more_than_four_entries_follow_scala_hash_map_order():
    # Scala 2.13: `Map("a" -> 1, "b" -> 2, "c" -> 3, "d" -> 4, "e" -> 5)` is `HashMap(e -> 5, a -> 1, b -> 2, c -> 3, d -> 4)`.
    assert scala_map_order(["a", "b", "c", "d", "e"]) == ["e", "a", "b", "c", "d"]
    assert scala_map_order(["e", "d", "c", "b", "a"]) == ["e", "a", "b", "c", "d"]


def test_fields_computed_fields_and_indexes_in_core_order():
    names = ["a", "b", "c", "d", "e"]
    definition = {
        "fields": {n: {"signature": "Int"} for n in names},
        "computed_fields": {n + "2": {"body": "_ => 1"} for n in names},
        "indexes": {n + "3": {"terms": [{"field": n}]} for n in names},
    }
    text = generate("collection", "C", definition)
    lines = [line.strip() for line in text.splitlines()]
    assert [line.split(":")[0] for line in lines[1:6]] == scala_map_order(names)
    assert [line.split()[1] for line in lines[6:11]] == scala_map_order([n + "2" for n in names])
    assert [line.split()[1] for line in lines[11::3][:5]] == scala_map_order([n + "3" for n in names])


# -- what core stores when it applies FSL (SchemaToStruct) comes back out unchanged ------------------------

AS_CORE_STORES = [
    pytest.param(
        "function",
        "Variadic",
        {"body": "(x, ...y) => {\n  x + y.length\n}", "signature": "(x: Number, y: ...Array<Any>) => Number"},
        "function Variadic(x: Number, ...y: Array<Any>): Number {\n  x + y.length\n}\n",
        id="function with a rest parameter",
    ),
    pytest.param(
        "collection",
        "C",
        {
            "history_days": 0,
            "indexes": {"byA": {"terms": [{"field": ".a", "mva": False}], "values": [{"field": ".b", "order": "desc", "mva": True}]}},
            "constraints": [{"unique": [{"field": ".a", "mva": False}]}, {"check": {"name": "c", "body": "(.a > 0)"}}],
            "computed_fields": {"s": {"body": "(.a)", "signature": "Int"}},
            "fields": {"a": {"signature": "Int", "default": "1"}, "b": {"signature": "Array<Int>"}},
        },
        """collection C {
  a: Int = 1
  b: Array<Int>
  compute s: Int = (.a)
  index byA {
    terms [.a]
    values [desc(mva(.b))]
  }
  unique [.a]
  check c (.a > 0)
}
""",
        id="collection with short lambdas",
    ),
    pytest.param(
        "role",
        "R",
        {"privileges": [{"resource": "C", "actions": {"read": True, "write": "(a, b) => true"}}], "membership": []},
        "role R {\n  privileges C {\n    read\n    write {\n      predicate ((a, b) => true)\n    }\n  }\n}\n",
        id="role",
    ),
]


@pytest.mark.parametrize(("kind", "name", "definition", "expected"), AS_CORE_STORES)
def test_definitions_as_core_stores_them(kind, name, definition, expected):
    assert generate(kind, name, definition) == expected


def test_text_that_does_not_parse_gets_core_warning():
    # Core writes a field name as is, so `"a b"` gives FSL that does not parse; the parser says so.
    items = [("collection", "C", {"fields": {"a b": {"signature": "Int"}}})]
    text = derive(items, parses=lambda text: "a b:" not in text)
    assert text == (
        "// WARNING: the following auto-generated items contain invalid FSL syntax.\n"
        "// Please fix its syntax and re-submit the file. Contact support if you need\n"
        "// assistance via https://support.fauna.com.\n"
        "\n\n" + PREAMBLE + "\ncollection C {\n  a b: Int\n}\n"
    )
    assert derive(items, parses=lambda text: True) == PREAMBLE + "\ncollection C {\n  a b: Int\n}\n"


def test_derive_leaves_out_a_role_with_a_privilege_without_actions():
    # Core's Role.isV10Role: `actions` absent (not merely empty) makes the role a v4 one, so it is not derived.
    db = fql.connect("memory://")
    for text in (
        "Collection.create({ name: 'A' })",
        "Role.create({ name: 'noActions', privileges: [{ resource: 'A' }] })",
        "Role.create({ name: 'emptyActions', privileges: { resource: 'A', actions: {} } })",
    ):
        db.query(text, secret="secret", syntax="v10")
    items = [(kind, name, stored(db, kind, name)) for kind, name in [("collection", "A"), ("role", "noActions"), ("role", "emptyActions")]]
    assert derive(items) == PREAMBLE + "\ncollection A {\n}\n" + "\nrole emptyActions {\n  privileges A {\n  }\n}\n"
