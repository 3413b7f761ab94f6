"""fql/schema/parser.py: FSL read and checked as core reads it (FSLParserSpec, SchemaErrorSpec), definitions in
the stored shape (SchemaToStruct), embedded FQL errors placed in the file, and definitions fql accepts."""

from __future__ import annotations

import json

import pytest

import fql
from fql.errors import FQLError
from fql.schema.errors import FSLError as ErrorsFSLError
from fql.schema.items import Item, position
from fql.schema.parser import FSLError, parse

# -- core's FSLParserSpec: every error, rendered exactly as the spec shows it (its source is `*fsl*`) ------

CORE_ERRORS = [
    pytest.param(
        """collection Foo {
  check ((doc) => doc.ok)
}
""",
        """error: Missing required name
at *fsl*:2:3
  |
2 |   check ((doc) => doc.ok)
  |   ^^^^^
  |""",
        id='reject-invalid-check-constraints-1',
    ),
    pytest.param(
        """collection Foo {
  check a ((doc) => doc.ok)
  check a ((doc) => !doc.ok)
}
""",
        """error: Duplicate check constraint name `a`
at *fsl*:3:9
  |
3 |   check a ((doc) => !doc.ok)
  |         ^
  |
hint: Originally defined here
at *fsl*:2:9
  |
2 |   check a ((doc) => doc.ok)
  |         ^
  |""",
        id='reject-invalid-check-constraints-2',
    ),
    pytest.param(
        """collection Foo {
  check a true
}
""",
        """error: Expected lambda check predicate
at *fsl*:2:11
  |
2 |   check a true
  |           ^^^^
  |""",
        id='reject-invalid-check-constraints-3',
    ),
    pytest.param(
        """collection '0Foo$' {
  index "0byBar.$" {}
}
""",
        """error: Invalid identifier `0byBar.$`
at *fsl*:2:9
  |
2 |   index "0byBar.$" {}
  |         ^^^^^^^^^^
  |""",
        id='reject-invalid-index-names-1',
    ),
    pytest.param(
        """collection Foo {}
collection Foo {}
""",
        """error: Duplicate collection or function `Foo`
at *fsl*:2:12
  |
2 | collection Foo {}
  |            ^^^
  |
hint: Originally defined here
at *fsl*:1:12
  |
1 | collection Foo {}
  |            ^^^
  |""",
        id='reject-duplicated-names-1',
    ),
    pytest.param(
        """collection Foo {
  index byBar { terms [.bar] }
  index byBar { terms [.bar] }
}
""",
        """error: Duplicate index name `byBar`
at *fsl*:3:9
  |
3 |   index byBar { terms [.bar] }
  |         ^^^^^
  |
hint: Originally defined here
at *fsl*:2:9
  |
2 |   index byBar { terms [.bar] }
  |         ^^^^^
  |""",
        id='reject-duplicated-names-2',
    ),
    pytest.param(
        """collection Foo {
  history_days 42
  history_days 24
}
""",
        """error: Duplicate history days
at *fsl*:3:3
  |
3 |   history_days 24
  |   ^^^^^^^^^^^^^^^
  |
hint: Originally defined here
at *fsl*:2:3
  |
2 |   history_days 42
  |   ^^^^^^^^^^^^^^^
  |""",
        id='reject-duplicated-names-3',
    ),
    pytest.param(
        """collection Foo {
  ttl_days 42
  ttl_days 24
}
""",
        """error: Duplicate ttl days
at *fsl*:3:3
  |
3 |   ttl_days 24
  |   ^^^^^^^^^^^
  |
hint: Originally defined here
at *fsl*:2:3
  |
2 |   ttl_days 42
  |   ^^^^^^^^^^^
  |""",
        id='reject-duplicated-names-4',
    ),
    pytest.param(
        """collection Foo {
  document_ttls false
  document_ttls true
}
""",
        """error: Duplicate document TTLs
at *fsl*:3:3
  |
3 |   document_ttls true
  |   ^^^^^^^^^^^^^^^^^^
  |
hint: Originally defined here
at *fsl*:2:3
  |
2 |   document_ttls false
  |   ^^^^^^^^^^^^^^^^^^^
  |""",
        id='reject-duplicated-names-5',
    ),
    pytest.param(
        """@alias(Bar)
@alias(Bar)
collection Foo {}
""",
        """error: Duplicate annotation `alias`
at *fsl*:2:1
  |
2 | @alias(Bar)
  | ^^^^^^^^^^^
  |
hint: Originally defined here
at *fsl*:1:1
  |
1 | @alias(Bar)
  | ^^^^^^^^^^^
  |""",
        id='reject-duplicated-annotation-1',
    ),
    pytest.param(
        """collection Foo {
  unique [.name]
  unique [.name]
}
""",
        """error: Duplicate unique constraint.
at *fsl*:3:10
  |
3 |   unique [.name]
  |          ^^^^^^^
  |
hint: This unique constraint covers the same fields.
at *fsl*:2:10
  |
2 |   unique [.name]
  |          ^^^^^^^
  |""",
        id='reject-duplicate-unique-constraints-1',
    ),
    pytest.param(
        """collection Foo {
  unique [.name]
  unique [.["name"]]
}
""",
        """error: Duplicate unique constraint.
at *fsl*:3:10
  |
3 |   unique [.["name"]]
  |          ^^^^^^^^^^^
  |
hint: This unique constraint covers the same fields.
at *fsl*:2:10
  |
2 |   unique [.name]
  |          ^^^^^^^
  |""",
        id='reject-duplicate-unique-constraints-2',
    ),
    pytest.param(
        """collection Foo {
  unique [.foo, .bar]
  unique [.bar, .foo]
}
""",
        """error: Duplicate unique constraint.
at *fsl*:3:10
  |
3 |   unique [.bar, .foo]
  |          ^^^^^^^^^^^^
  |
hint: This unique constraint covers the same fields.
at *fsl*:2:10
  |
2 |   unique [.foo, .bar]
  |          ^^^^^^^^^^^^
  |""",
        id='reject-duplicate-unique-constraints-3',
    ),
    pytest.param(
        """role Bar {
  privileges Foo { create }
  privileges Foo { create }
}
""",
        """error: Duplicate privileges `Foo`
at *fsl*:3:14
  |
3 |   privileges Foo { create }
  |              ^^^
  |
hint: Originally defined here
at *fsl*:2:14
  |
2 |   privileges Foo { create }
  |              ^^^
  |""",
        id='reject-duplicate-privileges-1',
    ),
    pytest.param(
        """@role(Bar)
collection Foo {}
""",
        """error: Annotation not supported here
at *fsl*:1:1
  |
1 | @role(Bar)
  | ^^^^^^^^^^
  |""",
        id='reject-role-annotation-1',
    ),
    pytest.param(
        """collection Foo {
  migrations {
    backfill .c = 3
  }
  migrations {
    drop .bar
  }
}
""",
        """error: Duplicate migration block
at *fsl*:5:3
  |
5 |     migrations {
  |  ___^
6 | |     drop .bar
7 | |   }
  | |___^
  |
hint: Originally defined here
at *fsl*:2:3
  |
2 |     migrations {
  |  ___^
3 | |     backfill .c = 3
4 | |   }
  | |___^
  |""",
        id='parse-migrations-1',
    ),
    pytest.param(
        """collection Foo {
  migrations "i am named" {
    backfill .c = 3
  }
}
""",
        """error: Name is not allowed here
at *fsl*:2:14
  |
2 |   migrations "i am named" {
  |              ^^^^^^^^^^^^
  |""",
        id='parse-migrations-2',
    ),
    pytest.param(
        """collection Foo {
  migrations {
  }
}
""",
        """error: Empty migration blocks are not allowed
at *fsl*:2:3
  |
2 |     migrations {
  |  ___^
3 | |   }
  | |___^
  |""",
        id='parse-migrations-3',
    ),
    pytest.param(
        """role Foo {
  privileges Bar {
    invalid
  }
}
""",
        """error: Invalid action `invalid`
at *fsl*:3:5
  |
3 |     invalid
  |     ^^^^^^^
  |""",
        id='require-valid-action-names-1',
    ),
    pytest.param(
        """role Foo {
  privileges Bar {
    create {
      predicate 42
    }
  }
}
""",
        """error: Expected lambda predicate
at *fsl*:4:17
  |
4 |       predicate 42
  |                 ^^
  |""",
        id='reject-invalid-privilege-predicate-1',
    ),
    pytest.param(
        """role Foo {
  membership Bar {
    predicate 42
  }
}
""",
        """error: Expected lambda predicate
at *fsl*:3:15
  |
3 |     predicate 42
  |               ^^
  |""",
        id='reject-wrong-membership-predicate-1',
    ),
    pytest.param(
        """role Foo {}
role Foo {}
""",
        """error: Duplicate role `Foo`
at *fsl*:2:6
  |
2 | role Foo {}
  |      ^^^
  |
hint: Originally defined here
at *fsl*:1:6
  |
1 | role Foo {}
  |      ^^^
  |""",
        id='reject-duplicated-names-6',
    ),
    pytest.param(
        """role Foo {
  privileges A {}
  privileges A {}
}
""",
        """error: Duplicate privileges `A`
at *fsl*:3:14
  |
3 |   privileges A {}
  |              ^
  |
hint: Originally defined here
at *fsl*:2:14
  |
2 |   privileges A {}
  |              ^
  |""",
        id='reject-duplicated-names-7',
    ),
    pytest.param(
        """role Foo {
  privileges A {
    read
    read
  }
}
""",
        """error: Duplicate action `read`
at *fsl*:4:5
  |
4 |     read
  |     ^^^^
  |
hint: Originally defined here
at *fsl*:3:5
  |
3 |     read
  |     ^^^^
  |""",
        id='reject-duplicated-names-8',
    ),
    pytest.param(
        """role Foo {
  membership A
  membership A
}
""",
        """error: Duplicate membership `A`
at *fsl*:3:14
  |
3 |   membership A
  |              ^
  |
hint: Originally defined here
at *fsl*:2:14
  |
2 |   membership A
  |              ^
  |""",
        id='reject-duplicated-names-9',
    ),
    pytest.param(
        """@alias(Bar) role Foo {}
""",
        """error: Annotations are not allowed here
at *fsl*:1:1
  |
1 | @alias(Bar) role Foo {}
  | ^^^^^^^^^^^
  |""",
        id='reject-annotations-1',
    ),
    pytest.param(
        """access provider Foo {
  issuer "bar"
  jwks_uri "baz"
  role Fizz {
    predicate 42
  }
}
""",
        """error: Expected lambda predicate
at *fsl*:5:15
  |
5 |     predicate 42
  |               ^^
  |""",
        id='reject-wrong-role-predicates-1',
    ),
    pytest.param(
        """access provider Foo {
  issuer "bar"
  jwks_uri "baz"
}
access provider Foo {
  issuer "bar"
  jwks_uri "baz"
}
""",
        """error: Duplicate access provider `Foo`
at *fsl*:5:17
  |
5 | access provider Foo {
  |                 ^^^
  |
hint: Originally defined here
at *fsl*:1:17
  |
1 | access provider Foo {
  |                 ^^^
  |""",
        id='reject-duplicated-names-10',
    ),
    pytest.param(
        """access provider Foo {
  issuer "bar"
  jwks_uri "baz"
  role Bar
  role Bar
}
""",
        """error: Duplicate role `Bar`
at *fsl*:5:8
  |
5 |   role Bar
  |        ^^^
  |
hint: Originally defined here
at *fsl*:4:8
  |
4 |   role Bar
  |        ^^^
  |""",
        id='reject-duplicated-names-11',
    ),
    pytest.param(
        """@alias(Bar) access provider Foo {
  issuer "bar"
  jwks_uri "baz"
}
""",
        """error: Annotations are not allowed here
at *fsl*:1:1
  |
1 | @alias(Bar) access provider Foo {
  | ^^^^^^^^^^^
  |""",
        id='reject-annotations-2',
    ),
    pytest.param(
        """@alias(Bar)
@alias(Baz)
function foo(a) { 42 }
""",
        """error: Duplicate annotation `alias`
at *fsl*:2:1
  |
2 | @alias(Baz)
  | ^^^^^^^^^^^
  |
hint: Originally defined here
at *fsl*:1:1
  |
1 | @alias(Bar)
  | ^^^^^^^^^^^
  |""",
        id='reject-duplicated-annotations-1',
    ),
    pytest.param(
        'function f(x): Int { x }',
        """error: Return type is not allowed when arguments do not have a type
at *fsl*:1:16
  |
1 | function f(x): Int { x }
  |                ^^^
  |
hint: Expecting no types due to this argument not having a type
  |
1 | function f(x): Int { x }
  |            ^
  |""",
        id='reject-partial-type-annotations-1',
    ),
    pytest.param(
        'function f(x: Int) { x }',
        """error: Return type is required when arguments have a type
at *fsl*:1:18
  |
1 | function f(x: Int) { x }
  |                  ^
  |
hint: Expecting types due to this type annotation
  |
1 | function f(x: Int) { x }
  |               ^^^
  |""",
        id='reject-partial-type-annotations-2',
    ),
    pytest.param(
        'function f(x: Int, ...y): Int { x }',
        """error: All or no arguments must have a type
at *fsl*:1:23
  |
1 | function f(x: Int, ...y): Int { x }
  |                       ^
  |
hint: Expecting types due to this type annotation
  |
1 | function f(x: Int, ...y): Int { x }
  |               ^^^
  |""",
        id='reject-partial-type-annotations-3',
    ),
    pytest.param(
        """function foo() {42}
function foo() {42}
""",
        """error: Duplicate collection or function `foo`
at *fsl*:2:10
  |
2 | function foo() {42}
  |          ^^^
  |
hint: Originally defined here
at *fsl*:1:10
  |
1 | function foo() {42}
  |          ^^^
  |""",
        id='reject-duplicated-names-12',
    ),
    pytest.param(
        """@alias(fun1)
collection coll1 {}
function fun1() { 0 }
""",
        """error: Duplicate collection or function `fun1`
at *fsl*:3:10
  |
3 | function fun1() { 0 }
  |          ^^^^
  |
hint: Originally defined here
at *fsl*:1:8
  |
1 | @alias(fun1)
  |        ^^^^
  |""",
        id='disallow-conflicting-aliases-1',
    ),
    pytest.param(
        """collection coll1 {}
@alias(coll1)
function fun1() { 0 }
""",
        """error: Duplicate collection or function `coll1`
at *fsl*:2:8
  |
2 | @alias(coll1)
  |        ^^^^^
  |
hint: Originally defined here
at *fsl*:1:12
  |
1 | collection coll1 {}
  |            ^^^^^
  |""",
        id='disallow-conflicting-aliases-2',
    ),
    pytest.param(
        """collection foo {}
function foo() { 0 }
""",
        """error: Duplicate collection or function `foo`
at *fsl*:2:10
  |
2 | function foo() { 0 }
  |          ^^^
  |
hint: Originally defined here
at *fsl*:1:12
  |
1 | collection foo {}
  |            ^^^
  |""",
        id='handle-conflicting-names-correctly-1',
    ),
    pytest.param(
        """@alias(bar)
collection foo {}
function foo() { 0 }
""",
        """error: Duplicate collection or function `foo`
at *fsl*:3:10
  |
3 | function foo() { 0 }
  |          ^^^
  |
hint: Originally defined here
at *fsl*:2:12
  |
2 | collection foo {}
  |            ^^^
  |""",
        id='handle-conflicting-names-correctly-2',
    ),
    pytest.param(
        """@alias(bar)
function foo() { 0 }
@alias(baz)
function foo() { 0 }
""",
        """error: Duplicate collection or function `foo`
at *fsl*:4:10
  |
4 | function foo() { 0 }
  |          ^^^
  |
hint: Originally defined here
at *fsl*:2:10
  |
2 | function foo() { 0 }
  |          ^^^
  |""",
        id='handle-conflicting-names-correctly-3',
    ),
]


@pytest.mark.parametrize(("source", "expected"), CORE_ERRORS)
def test_core_errors(source: str, expected: str) -> None:
    with pytest.raises(FSLError) as err:
        parse(source, "*fsl*")
    assert "\n".join(err.value.errors) == expected


# -- core's FSLParserSpec: every source it parses (roundtrip, parseAndRender, parseOk) parses here ------------

CORE_PARSES = [
    pytest.param("""collection Foo {
}
""", id='parse-minimal-1'),
    pytest.param("""@alias(Bar)
collection Foo {
}
""", id='parse-with-an-alias-1'),
    pytest.param("""collection Foo {
  history_days 32
}
""", id='parse-history_days-1'),
    pytest.param("""collection Foo {
  ttl_days 33
}
""", id='parse-ttl_days-1'),
    pytest.param("""collection Foo {
  document_ttls true
}
""", id='parse-document_ttls-1'),
    pytest.param("""collection Foo {
  document_ttls false
}
""", id='parse-document_ttls-2'),
    pytest.param("""collection Foo {
  index byBar {
    terms [.bar, mva(.baz)]
    values [desc(mva(.buz))]
  }
}
""", id='parse-an-index-1'),
    pytest.param("""collection Foo {
  index byBar {
    terms [.bar, mva(.baz)]
    values [asc(mva(.buz))]
  }
}
""", id='parse-an-index-2'),
    pytest.param("""collection Foo {
  unique [.bar, mva(.baz)]
}
""", id='parse-a-unique-constraint-1'),
    pytest.param("""collection Foo {
  compute bar: String = (doc) => doc.baaz + "quux"
}
""", id='parse-a-computed-field-definition-1'),
    pytest.param("""collection Foo {
  bar: Int = 3
}
""", id='parse-a-field-definition-1'),
    pytest.param("""collection Foo {
  foo: Int
  bar: Int = 2 + 3
  baz: Int = Time.now().month + 3
  multiline: Int = {
    let a = 2
    let b = 3
    a + b
  }
}
""", id='parse-a-field-definition-2'),
    pytest.param("""collection Foo {short:Int=3}
""", id='parse-a-field-definition-3'),
    pytest.param("""collection Foo {
  privileges: Int
}
""", id='parse-a-field-with-a-keyword-name-1'),
    pytest.param("""collection Foo {
  function: Int
}
""", id='parse-a-field-with-a-keyword-name-2'),
    pytest.param("""collection Foo {
  bar: (Int, String)
  baz: (
    Int,
    String
  )
  opt: Int?
  many: Int? | String
}
""", id='handle-nl-correctly-after-type-exprs-1'),
    pytest.param('collection Foo { bar : Int = 2 + 3 }', id='allow-whitespace-before-colon-type-in-field-definition-1'),
    pytest.param("""collection Foo {
  *: Any
}
""", id='parse-a-wildcard-definition-1'),
    pytest.param("""collection Foo {
  check a ((doc) => doc.ok)
  check b (() => 1)
  check c ((x, y) => {
    let z = x + y
    z
  })
}
""", id='parse-a-check-constraint-1'),
    pytest.param("""collection "0Foo$" {
  index byBar {
    terms [.[0], .["0baz"]]
  }
}
""", id='parse-special-names-1'),
    pytest.param("""collection '0Foo$' {
  index byBar {
    terms [.[0], .['0baz']]
  }
}
""", id='parse-special-names-2'),
    pytest.param("""collection Foo {
  index byBar {
    terms [.a["a b"][0], .["a b"]]
  }
}
""", id='parse-special-names-3'),
    pytest.param("""collection Foo {
  unique [.name]
  unique [mva(.name)]
}
""", id='reject-duplicate-unique-constraints-1'),
    pytest.param("""@alias(Bar)
collection Foo {
  index byBar {
    terms [.bar, mva(.baz)]
    values [desc(mva(.buz))]
  }
  unique [.bar, mva(.baz)]
  history_days 32
  ttl_days 33
  document_ttls true
}
""", id='parse-complex-definition-1'),
    pytest.param("""collection Foo {
  migrations {
    backfill .c = 3
    drop .bar
    move .a -> .b
    split .a -> .b, .c, .d, .e, .f, .g, .h
    add .a
  }
}
""", id='parse-migrations-1'),
    pytest.param("""role Foo {
}
""", id='parse-minimal-2'),
    pytest.param("""role Foo {
  privileges Bar {
    create
    create_with_id
    delete
    read
    write
    history_read
    history_write
    unrestricted_read
    call
  }
}
""", id='parse-privileges-1'),
    pytest.param("""role Foo {
  privileges Bar {
    create; delete; read; write; history_read;
    history_write; unrestricted_read; call
  }
}
""", id='parse-privileges-in-one-line-1'),
    pytest.param("""role Foo {
  privileges Bar {
    create {
      predicate ((x) => x.bar)
    }
  }
}
""", id='parse-privilege-predicate-1'),
    pytest.param("""role Foo {
  membership Bar
}
""", id='parse-membership-1'),
    pytest.param("""role Foo {
  membership Bar {
    predicate ((x) => x.bar)
  }
}
""", id='parse-membership-predicate-1'),
    pytest.param("""role Foo {
  privileges Bar {
    create {
      predicate ((x) => {
        x.isVip
      })
    }
    read
  }
  privileges Baz {
    read
    write
  }
  membership Fiz
  membership Buz {
    predicate ((x) => {
      x.canLogin
    })
  }
}
""", id='parse-complex-definition-2'),
    pytest.param("""access provider Foo {
  issuer "bar"
  jwks_uri "baz"
}
""", id='parse-minimal-3'),
    pytest.param("""access provider Foo {
  issuer "bar";  jwks_uri "baz"
}
""", id='parse-APs-config-in-one-line-1'),
    pytest.param("""access provider Foo {
  issuer "bar"
  jwks_uri "baz"
  role Fizz
}
""", id='parse-roles-1'),
    pytest.param("""access provider Foo {
  issuer "bar"
  jwks_uri "baz"
  role Fizz {
    predicate ((x) => x.buzz)
  }
}
""", id='parse-role-predicates-1'),
    pytest.param("""access provider Foo {
  issuer "bar"
  jwks_uri "baz"
  role Fizz {
    predicate ((x) => {
      x.buzz
    })
  }
  role AnotherRole
}
""", id='parse-complex-definition-3'),
    pytest.param("""function foo() {
  42
}
""", id='parse-minimal-4'),
    pytest.param("""function foo(a) {
  42
}
""", id='parse-arguments-1'),
    pytest.param("""function foo(a, b) {
  42
}
""", id='parse-arguments-2'),
    pytest.param("""function foo(a, b, ...c) {
  42
}
""", id='parse-arguments-3'),
    pytest.param("""function foo(a: Int): Int {
  42
}
""", id='parse-with-types-1'),
    pytest.param("""function foo(a: Int, b: String): Int {
  42
}
""", id='parse-with-types-2'),
    pytest.param("""function foo(a: Int, b: String, ...c: Char): Int {
  42
}
""", id='parse-with-types-3'),
    pytest.param("""@alias(bar)
function foo(a: Int): Int {
  42
}
""", id='parse-with-an-alias-2'),
    pytest.param("""@role(admin)
function foo(a: Int): Int {
  42
}
""", id='parse-with-a-role-1'),
    pytest.param("""@alias(bar) @role(admin)
function foo(a: Int): Int { 42 }
""", id='parse-with-annotations-in-one-line-1'),
    pytest.param("""@alias(bar)
@role(admin)
function foo(a: Int, ...b: String): Int {
  if (a < 0) "invalid" else b
}
""", id='parse-complex-definition-4'),
    pytest.param("""collection foo {
}

@alias(bar)
function foo() {
  0
}
""", id='handle-conflicting-names-correctly-1'),
    pytest.param("""function foo(a, b) { 42 }
function bar(a: Int, ...b: Int): Int { 42 }
""", id='render-in-UDF-form-1'),
    pytest.param("""collection Foo {
  index byBar {
    terms [mva(.baz.bar), .ts]
    values [mva(.baz.bar), desc(.fizz), .buzz]
  }
}
""", id='render-a-paths-in-FQL-form-1'),
]


@pytest.mark.parametrize("source", CORE_PARSES)
def test_core_parses(source: str) -> None:
    items = parse(source)
    assert items and all(isinstance(item, Item) for item in items)
