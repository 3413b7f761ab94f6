"""fql/schema/parser.py: FSL read and checked as core reads it (FSLParserSpec, SchemaErrorSpec), definitions in
the stored shape (SchemaToStruct), embedded FQL errors placed in the file, and definitions fql accepts."""

from __future__ import annotations

import json
import random

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


#: Where fql's errors knowingly differ from core's, and why.
KNOWN_DIFFERENCES = {
    "tuple-type": "a type that does not parse gets signatures.py's message (`Expected type`), not the "
    "alternatives core's fastparse lists at that point (`Expected `,` or `]``)",
}

# -- core's FSLNodeParserSpec: its errors (several joined by a blank line, as that spec joins them) ----------

CORE_NODE_ERRORS = [
    pytest.param(
        'foo',
        """error: Invalid schema item `foo`
at *fsl*:1:1
  |
1 | foo
  | ^^^
  |""",
        id='error-collections-nicely-1',
    ),
    pytest.param(
        'foo bar',
        """error: Invalid schema item `foo`
at *fsl*:1:1
  |
1 | foo bar
  | ^^^
  |""",
        id='error-collections-nicely-2',
    ),
    pytest.param(
        'collection 3',
        """error: Missing required name
at *fsl*:1:1
  |
1 | collection 3
  | ^^^^^^^^^^
  |""",
        id='error-collections-nicely-3',
    ),
    pytest.param(
        'collection Foo 123',
        """error: Expected a block
at *fsl*:1:16
  |
1 | collection Foo 123
  |                ^^^
  |""",
        id='error-collections-nicely-4',
    ),
    pytest.param(
        """collection Foo {
  foo bar
}""",
        """error: Invalid field or member `foo`
at *fsl*:2:3
  |
2 |   foo bar
  |   ^^^
  |""",
        id='error-collections-nicely-5',
    ),
    pytest.param(
        """collection Foo {
  index
}""",
        """error: Missing required name
at *fsl*:2:3
  |
2 |   index
  |   ^^^^^
  |""",
        id='error-collections-nicely-6',
    ),
    pytest.param(
        """collection Foo {
  index bar
}""",
        """error: Missing required value
at *fsl*:2:3
  |
2 |   index bar
  |   ^^^^^^^^^
  |""",
        id='error-collections-nicely-7',
    ),
    pytest.param(
        """collection Foo {
  index bar 3
}""",
        """error: Expected a block
at *fsl*:2:13
  |
2 |   index bar 3
  |             ^
  |""",
        id='error-collections-nicely-8',
    ),
    pytest.param(
        """collection Foo {
  index bar {
    foo
  }
}""",
        """error: Invalid member `foo`
at *fsl*:3:5
  |
3 |     foo
  |     ^^^
  |""",
        id='error-collections-nicely-9',
    ),
    pytest.param(
        """collection Foo {
  index bar {
    terms 3
  }
}""",
        """error: Expected an array of terms
at *fsl*:3:11
  |
3 |     terms 3
  |           ^
  |""",
        id='error-collections-nicely-10',
    ),
    pytest.param(
        """collection Foo {
  index bar {
    terms [.a]
    terms [.b]
  }
}""",
        """error: Duplicate terms definition
at *fsl*:4:5
  |
4 |     terms [.b]
  |     ^^^^^^^^^^
  |
hint: Originally defined here
at *fsl*:3:5
  |
3 |     terms [.a]
  |     ^^^^^^^^^^
  |""",
        id='error-collections-nicely-11',
    ),
    pytest.param(
        """collection Foo {
  migrations {
    split .x -> .y, .z, .y
  }
}""",
        """error: Expected list of fields with no duplicates
at *fsl*:3:17
  |
3 |     split .x -> .y, .z, .y
  |                 ^^^^^^^^^^
  |""",
        id='disallow-duplicates-in-split-migrations-1',
    ),
    pytest.param(
        'collection foo { foo(]} }',
        """error: Expected end-of-input
at *fsl*:1:25
  |
1 | collection foo { foo(]} }
  |                         ^
  |""",
        id='parse-invalid-chars-1',
    ),
    pytest.param(
        'terms: [.bar]',
        """error: Expected `,` or `]`
at *fsl*:1:9
  |
1 | terms: [.bar]
  |         ^
  |""",
        id='error-paths-nicely-1',
        marks=pytest.mark.skip(reason=KNOWN_DIFFERENCES['tuple-type']),
    ),
    pytest.param(
        'terms [.]',
        """error: Expected `]` or expression
at *fsl*:1:8
  |
1 | terms [.]
  |        ^
  |""",
        id='error-paths-nicely-2',
    ),
    pytest.param(
        'function ()',
        """error: Expected name
at *fsl*:1:10
  |
1 | function ()
  |          ^
  |""",
        id='error-functions-nicely-1',
    ),
    pytest.param(
        'function foo(bar baz)',
        """error: Expected `)`, `,`, or a type annotation
at *fsl*:1:18
  |
1 | function foo(bar baz)
  |                  ^
  |""",
        id='error-functions-nicely-2',
    ),
    pytest.param(
        'access foo',
        """error: Expected provider
at *fsl*:1:8
  |
1 | access foo
  |        ^
  |""",
        id='error-for-access-providers-nicely-1',
    ),
    pytest.param(
        'access provider foo',
        """error: Expected expression
at *fsl*:1:20
  |
1 | access provider foo
  |                    ^
  |""",
        id='error-for-access-providers-nicely-2',
    ),
    pytest.param(
        'backfill .foo',
        """error: Expected `=`
at *fsl*:1:14
  |
1 | backfill .foo
  |              ^
  |""",
        id='error-for-migrations-1',
    ),
    pytest.param(
        'backfill .foo =',
        """error: Expected expression
at *fsl*:1:16
  |
1 | backfill .foo =
  |                ^
  |""",
        id='error-for-migrations-2',
    ),
    pytest.param(
        'drop',
        """error: Expected expression
at *fsl*:1:5
  |
1 | drop
  |     ^
  |""",
        id='error-for-migrations-3',
    ),
    pytest.param(
        'split',
        """error: Expected expression
at *fsl*:1:6
  |
1 | split
  |      ^
  |""",
        id='error-for-migrations-4',
    ),
    pytest.param(
        'split .foo',
        """error: Expected `->`
at *fsl*:1:11
  |
1 | split .foo
  |           ^
  |""",
        id='error-for-migrations-5',
    ),
    pytest.param(
        'move',
        """error: Expected expression
at *fsl*:1:5
  |
1 | move
  |     ^
  |""",
        id='error-for-migrations-6',
    ),
    pytest.param(
        'move .foo',
        """error: Expected `->`
at *fsl*:1:10
  |
1 | move .foo
  |          ^
  |""",
        id='error-for-migrations-7',
    ),
    pytest.param(
        'move .foo ->',
        """error: Expected expression
at *fsl*:1:13
  |
1 | move .foo ->
  |             ^
  |""",
        id='error-for-migrations-8',
    ),
    pytest.param(
        """function foo(
  x: Int,
  ...y: Int,
  z: Int
) {
  x
}
""",
        """error: Variadic argument must be the last argument.
at *fsl*:3:3
  |
3 |   ...y: Int,
  |   ^^^^^^^^^
  |""",
        id='parse-commas-in-signatures-correctly-1',
    ),
    pytest.param(
        """function foo(
  x: Int,
  z: Int
  ...y: Int
) {
  x
}
""",
        """error: Expected `)`
at *fsl*:4:3
  |
4 |   ...y: Int
  |   ^
  |""",
        id='parse-commas-in-signatures-correctly-2',
    ),
    pytest.param(
        """collection Foo {
  nested: {
    foo: Int,,
    bar: String
  }
}
""",
        """error: Expected `}`
at *fsl*:3:14
  |
3 |     foo: Int,,
  |              ^
  |""",
        id='disallow-multiple-commas-in-type-exprs-1',
    ),
]


@pytest.mark.parametrize(("source", "expected"), CORE_NODE_ERRORS)
def test_core_node_errors(source: str, expected: str) -> None:
    with pytest.raises(FSLError) as err:
        parse(source, "*fsl*")
    assert "\n\n".join(err.value.errors) == expected


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


# -- core's SchemaErrorSpec: the one error's message and the text it marks ----------------------------------

EOF_ = "\0"  # core's ErrorSpec marks the end of the text with a NUL

SCHEMA_ERRORS = [
    ("2", "", "Expected end-of-input"),
    ("foo", "foo", "Invalid schema item `foo`"),
    ("collection", "collection", "Missing required name"),
    ("collection #", "#", "Expected end-of-input or identifier"),
    ("collection {}", "collection", "Missing required name"),
    ("collection foo { bar }", "bar", "Invalid field or member `bar`"),
    ("collection foo { index bar { baz } }", "baz", "Invalid member `baz`"),
    ("collection foo { unique }", "unique", "Missing required value"),
    ("collection foo { unique [bar] }", "bar", "Invalid field path"),
    ("function", EOF_, "Expected name"),
    ("function #", "#", "Expected name"),
    ("function foo {}", (13, 14), "Expected `(`"),
    ("function foo() {}", "}", "Unexpected end of block. Expected statement or expression"),
    ("function foo(x: y: z) { x }", (17, 18), "Expected `)`, `,`, or `<`"),
    ("role", "role", "Missing required name"),
    ("role #", "#", "Expected end-of-input or identifier"),
    ("role {}", "role", "Missing required name"),
    ("role MyRole { foo }", "foo", "Invalid member `foo`"),
    ("role MyRole { privileges {} }", "privileges", "Missing required name"),
    ("access provider", EOF_, "Expected name"),
    ("access provider #", "#", "Expected name"),
    ("access provider MyAP { issuer ''; jwks_uri ''; foo }", "foo", "Invalid member `foo`"),
    ("access provider MyAP { issuer; jwks_uri 'foo' }", "issuer;", "Missing required value"),
    ("access provider MyAP { issuer 'foo' }", (21, 37), "Missing jwks uri"),
]


def _marked(source: str, where: str | tuple[int, int]) -> tuple[int, int]:
    """Core's ErrorSpec: a (start, end) pair, the end of the text, or the first occurrence of a string."""
    if isinstance(where, tuple):
        return where
    if where == EOF_:
        return len(source), len(source) + 1
    start = source.index(where)
    return start, start + max(len(where), 1)


@pytest.mark.parametrize(("source", "where", "message"), SCHEMA_ERRORS, ids=[c[0] for c in SCHEMA_ERRORS])
def test_schema_error_spec(source: str, where: str | tuple[int, int], message: str) -> None:
    with pytest.raises(FSLError) as err:
        parse(source)
    ((got),) = [(d.message, d.start, d.end) for d in err.value.diagnostics]
    assert got == (message, *_marked(source, where))


# -- definitions: what each item states, in the shape the schema documents store (core's toStruct) ---------

DEFINITIONS = [
    pytest.param(
        """
@alias(U)
collection Users {
  name: String
  age: Int? = 0
  *: Any
  compute up: String = (doc) => doc.name.toUpperCase()
  compute initial = (.name)
  index byName {
    terms [.name, mva(.tags)]
    values [desc(.age), mva(.x), desc(mva(.y)), .["a b"][0]]
  }
  unique [.name]
  check pos ((doc) => doc.age >= 0)
  history_days 3
  ttl_days 5
  document_ttls true
}
""",
        [
            (
                "collection",
                "Users",
                {
                    "alias": "U",
                    "fields": {"name": {"signature": "String"}, "age": {"signature": "Int?", "default": "0"}},
                    "wildcard": "Any",
                    "computed_fields": {
                        "up": {"body": "(doc) => doc.name.toUpperCase()", "signature": "String"},
                        "initial": {"body": "(.name)"},
                    },
                    "indexes": {
                        "byName": {
                            "terms": [{"field": ".name", "mva": False}, {"field": ".tags", "mva": True}],
                            "values": [
                                {"field": ".age", "order": "desc", "mva": False},
                                {"field": ".x", "order": "asc", "mva": True},
                                {"field": ".y", "order": "desc", "mva": True},
                                {"field": '.["a b"][0]', "order": "asc", "mva": False},
                            ],
                        }
                    },
                    "constraints": [
                        {"unique": [{"field": ".name", "mva": False}]},
                        {"check": {"name": "pos", "body": "(doc) => doc.age >= 0"}},
                    ],
                    "history_days": 3,
                    "ttl_days": 5,
                    "document_ttls": True,
                },
            )
        ],
        id="collection",
    ),
    pytest.param(
        "collection Empty {}\ncollection 'Old$Name' {\n  index byNothing {}\n}\n",
        [("collection", "Empty", {}), ("collection", "Old$Name", {"indexes": {"byNothing": {}}})],
        id="collection-minimal",
    ),
    pytest.param(
        """collection Foo {
  migrations {
    add .a
    backfill .a = "x".concat('y')
    split .b -> .c, .d
    move .e -> .f
    drop .g
    move_conflicts .conflicts
    move_wildcard .rest
    add_wildcard
  }
}""",
        [
            (
                "collection",
                "Foo",
                {
                    "migrations": [
                        {"add": {"field": ".a"}},
                        {"backfill": {"field": ".a", "value": '"x".concat("y")'}},
                        {"split": {"field": ".b", "to": [".c", ".d"]}},
                        {"move": {"field": ".e", "to": ".f"}},
                        {"drop": {"field": ".g"}},
                        {"move_conflicts": {"into": ".conflicts"}},
                        {"move_wildcard": {"into": ".rest"}},
                        {"add_wildcard": {}},
                    ]
                },
            )
        ],
        id="migrations",
    ),
    pytest.param(
        """// Doubles.
@role(server)
@alias(twice)
function double(x: Int): Int {
  let y: Int=x*2
  y
}
function untyped(a, b, ...rest) { [a,b] }
function typed(a: String, ...rest: Number): Array<Number> { rest }
""",
        [
            (
                "function",
                "double",
                {
                    "body": "(x) => {\n  let y: Int = x * 2\n  y\n}",
                    "signature": "(x: Int) => Int",
                    "role": "server",
                    "alias": "twice",
                },
            ),
            ("function", "untyped", {"body": "(a, b, ...rest) => {\n  [a, b]\n}"}),
            (
                "function",
                "typed",
                {"body": "(a, ...rest) => {\n  rest\n}", "signature": "(a: String, rest: ...Number) => Array<Number>"},
            ),
        ],
        id="functions",
    ),
    pytest.param(
        """role admin2 {
  privileges Users { read; write { predicate ((a, b) => true) } }
  privileges double { call }
  membership Users { predicate ((u) => u.admin == true) }
  membership Staff
}""",
        [
            (
                "role",
                "admin2",
                {
                    "privileges": [
                        {"resource": "Users", "actions": {"read": True, "write": "(a, b) => true"}},
                        {"resource": "double", "actions": {"call": True}},
                    ],
                    "membership": [
                        {"resource": "Users", "predicate": "(u) => u.admin == true"},
                        {"resource": "Staff"},
                    ],
                },
            )
        ],
        id="role",
    ),
    pytest.param(
        "role empty {}\nrole nothing {\n  privileges Users {}\n}",
        [("role", "empty", {}), ("role", "nothing", {"privileges": [{"resource": "Users"}]})],
        id="role-minimal",
    ),
    pytest.param(
        """access provider p {
  issuer "https://example.com/"
  jwks_uri 'https://example.com/.well-known/jwks.json'
  role r
  role r2 { predicate ((jwt) => jwt!.scope.includes("x")) }
}""",
        [
            (
                "access provider",
                "p",
                {
                    "issuer": "https://example.com/",
                    "jwks_uri": "https://example.com/.well-known/jwks.json",
                    "roles": ["r", {"role": "r2", "predicate": '(jwt) => jwt!.scope.includes("x")'}],
                },
            )
        ],
        id="access-provider",
    ),
]


def test_a_path_may_have_blanks_between_its_steps() -> None:
    # Core parses a field path as an FQL method chain, so `.phone .email` is `.phone.email`:
    # fauna-labs/fsl-example pushes `unique [.phone .email]` to Fauna in its CI.
    (item,) = parse("collection User {\n  unique [.phone .email]\n  index byA { terms [.a\n .b, .c [0]] }\n"
                    "  migrations { add .x .y }\n}")  # fmt: skip
    assert item.definition["constraints"] == [{"unique": [{"field": ".phone.email", "mva": False}]}]
    assert item.definition["indexes"]["byA"]["terms"] == [{"field": ".a.b", "mva": False}, {"field": ".c[0]", "mva": False}]
    assert item.definition["migrations"] == [{"add": {"field": ".x.y"}}]


@pytest.mark.parametrize(("source", "expected"), DEFINITIONS)
def test_definitions(source: str, expected: list[tuple[str, str, dict]]) -> None:
    assert [(i.kind, i.name, i.definition) for i in parse(source)] == expected


#: Embedded FQL as core stores it: re-written from its tree (core's Displayer), not kept as written.
DISPLAYED = [
    ("(x)=>x+1", "(x) => x + 1"),
    ("x => x", "(x) => x"),
    ("(_, b) => b", "(_, b) => b"),
    ("(a, ...b) => b", "(a, ...b) => b"),
    ("(x) => (x + 1) * 2", "(x) => (x + 1) * 2"),
    ("(x) => x.items.map(.name)", "(x) => x.items.map(.name)"),
    ("(x) => x?.a?.b!", "(x) => x?.a?.b!"),
    ("(x) => x?.f?.(1)", "(x) => x?.f?.(1)"),
    ("(x) => x['a']", '(x) => x["a"]'),
    ("(x) => -x", "(x) => -x"),
    ("(x) => !x", "(x) => !x"),
    ("(x) => if (x) 'a' else 'b'", '(x) => if (x) "a" else "b"'),
    ("(x) => if (x) 1", "(x) => if (x) 1"),
    ("(x) => at (x) Users.all()", "(x) => at (x) Users.all()"),
    ("(x) => \"tab\\there #{x} \\#\"", '(x) => "tab\\there #{x} \\#"'),
    ("(x) => { a: 1, 'b c': [1, 2] }", '(x) => {\n  a: 1,\n  "b c": [1, 2]\n}'),
    ("(x) => {}", "(x) => {\n}"),
    ("(x) => { let a = 1; a }", "(x) => {\n  let a = 1\n  a\n}"),
    ("(x) => x { a, b: .c }", "(x) => x {\n  a: .a,\n  b: .c\n}\n"),
    ("(x) => 0x10 + 1_000", "(x) => 16 + 1000"),
    ("(x) => null ?? true", "(x) => null ?? true"),
    ("(x) => (1, 2)", "(x) => (1, 2)"),
]


@pytest.mark.parametrize(("written", "stored"), DISPLAYED, ids=[w for w, _ in DISPLAYED])
def test_embedded_fql_is_stored_as_core_displays_it(written: str, stored: str) -> None:
    (item,) = parse(f"collection C {{\n  check c ({written})\n}}")
    assert item.definition["constraints"] == [{"check": {"name": "c", "body": stored}}]


#: Types as core displays them.
TYPES = [
    ("Int", "Int"),
    ("Int?", "Int?"),
    ("Int? | String", "Int? | String"),
    ("(Int, String)", "[Int, String]"),
    ("{a:Int,'b c':String,*:Any}", '{ a: Int, "b c": String, *: Any }'),
    ("Array< Ref<Users> >", "Array<Ref<Users>>"),
    ('"a" | 1 | true', '"a" | 1 | true'),
    ("(\n    Int,\n    String\n  )", "[Int, String]"),
    ("Int |\n    String", "Int | String"),
    # Comments are space inside a type as everywhere in core's parser (its `nl`, and `objectsep` between
    # an object's fields): the relationships guide's `preferences: { // ...\n store: Ref<Store>, ... }`.
    ("{\n    // `store` accepts `Store` documents\n    store: Int, // after\n    emailList: Boolean\n  }",
     "{ store: Int, emailList: Boolean }"),
    ("{ /* a /* nested */ one */ a: Int }", "{ a: Int }"),
    ("Array<\n    // of\n    String>", "Array<String>"),
]


@pytest.mark.parametrize(("written", "stored"), TYPES, ids=[w for w, _ in TYPES])
def test_types_are_stored_as_core_displays_them(written: str, stored: str) -> None:
    (item,) = parse(f"collection C {{\n  f: {written}\n  g: Int\n}}")
    assert item.definition["fields"] == {"f": {"signature": stored}, "g": {"signature": "Int"}}


# -- where items are, comments, separators ------------------------------------------------------------------


def test_spans_cover_annotations_and_the_comment_right_before() -> None:
    source = (
        "// Users of the app.\n// Two lines.\n@alias(U)\ncollection Users {\n  name: String\n}\n\n"
        "// Not this one.\n\n@role(server) function f() { 1 };\nrole r {}"
    )
    items = parse(source, "app.fsl")
    texts = [source[slice(*item.span)] for item in items]
    assert texts == [
        "// Users of the app.\n// Two lines.\n@alias(U)\ncollection Users {\n  name: String\n}",
        "@role(server) function f() { 1 };",
        "role r {}",
    ]
    assert {item.file for item in items} == {"app.fsl"}
    assert position(source, items[1].span[0]) == (10, 1)


def test_block_comments_right_before_an_item_are_its_doc_comment() -> None:
    # Core's docComment: line comments and block comments (with the spaces and the newline after them)
    # that end where the item starts; not those on the line of the item before, nor before a blank line
    # or an indented item.
    source = (
        "/** A */\ncollection A {} /* after A */\n/** B */\n// b\n/* b */ collection B {}\n"
        "/* not C's */\n\ncollection C {}\n  /* indented */\n  collection D {}"
    )
    texts = [source[slice(*item.span)] for item in parse(source)]
    assert texts == [
        "/** A */\ncollection A {}",
        "/** B */\n// b\n/* b */ collection B {}",
        "collection C {}",
        "collection D {}",  # the spaces after the comment's newline part it from the item
    ]


SEPARATED = [
    "collection A {} ; collection B {}",
    "collection A {}\n\n\ncollection B {}",
    "/* a */ collection A {} // a\n/* b\n*/ collection B { /* nothing */ }",
    "collection A {\n}\r\ncollection B {}\n",
    ";;\ncollection A {};\n\ncollection B {}; ;",
]


@pytest.mark.parametrize("source", SEPARATED)
def test_separators_and_comments(source: str) -> None:
    assert [i.name for i in parse(source)] == ["A", "B"]


def test_members_on_one_line_and_over_lines() -> None:
    source = """collection A { a: Int; b: String
  compute c: Int = (doc) =>
    doc.a +
      1
  d: Boolean = true
    || false
  e: Int = if (true)
    1
  else
    2
  index i { terms [
    .a,
    .b
  ] }
}"""
    (item,) = parse(source)
    fields = item.definition["fields"]
    assert item.definition["computed_fields"] == {"c": {"body": "(doc) => doc.a + 1", "signature": "Int"}}
    assert fields["d"] == {"signature": "Boolean", "default": "true || false"}
    assert fields["e"] == {"signature": "Int", "default": "if (true) 1 else 2"}
    assert item.definition["indexes"]["i"]["terms"] == [{"field": ".a", "mva": False}, {"field": ".b", "mva": False}]


def test_a_member_keyword_reads_its_name_over_newlines_as_in_core() -> None:
    (item,) = parse("role r {\n  membership\n  Staff\n}")
    assert item.definition == {"membership": [{"resource": "Staff"}]}


# -- embedded FQL and types: errors placed in the .fsl file -------------------------------------------------

PLACED = [
    (
        "collection Foo {\n  compute x = (doc) => doc.a +\n}\n",
        """error: Expected expression
at main.fsl:2:31
  |
2 |   compute x = (doc) => doc.a +
  |                               ^
  |""",
    ),
    (
        "collection Foo {\n  a: Int = 1 +* 2\n}\n",
        """error: Expected expression
at main.fsl:2:15
  |
2 |   a: Int = 1 +* 2
  |               ^
  |""",
    ),
    (
        "function f(x) {\n  let y = 1\n}\n",
        # Core's Failure.MissingReturn: where the block's `}` is, its cause the `let`.
        """error: Missing return expression
at main.fsl:3:1
  |
3 | }
  | ^
  |
cause: Statement does not return a value
at main.fsl:2:3
  |
2 |   let y = 1
  |   ^^^^^^^^^
  |""",
    ),
    (
        "function f(x) {\n  x.(\n}\n",
        """error: Expected identifier
at main.fsl:2:5
  |
2 |   x.(
  |     ^
  |""",
    ),
    (
        "collection Foo {\n  a: Int < = 3\n}\n",
        """error: Expected end-of-input
at main.fsl:2:10
  |
2 |   a: Int < = 3
  |          ^
  |""",
    ),
    (
        "collection Foo {\n  check c (x) => true\n}",
        """error: Expected lambda check predicate
at main.fsl:2:11
  |
2 |   check c (x) => true
  |           ^^^^^^^^^^^ Check constraints require parenthesis around the lambda
  |""",
    ),
    (
        "@alias(if) collection A {}",
        """error: Invalid identifier
at main.fsl:1:8
  |
1 | @alias(if) collection A {}
  |        ^^ `if` is a keyword
  |""",
    ),
    (
        'access provider A { issuer "a#{1}"; jwks_uri 3 }',
        """error: Cannot interpolate values in a string literal
at main.fsl:1:32
  |
1 | access provider A { issuer "a#{1}"; jwks_uri 3 }
  |                                ^
  |
error: Expected string literal
at main.fsl:1:46
  |
1 | access provider A { issuer "a#{1}"; jwks_uri 3 }
  |                                              ^
  |""",
    ),
    (
        # A wildcard's type is a plain type (core's typeExpr, not schemaTypeExpr): no default, no hint.
        "collection Foo {\n  *: { a: Int, b: { c: Int = 1 } }\n}",
        """error: Default values are not allowed here
at main.fsl:2:30
  |
2 |   *: { a: Int, b: { c: Int = 1 } }
  |                              ^
  |""",
    ),
]


@pytest.mark.parametrize(("source", "expected"), PLACED)
def test_errors_in_embedded_fql_and_types_point_into_the_file(source: str, expected: str) -> None:
    with pytest.raises(FSLError) as err:
        parse(source)
    assert str(err.value) == expected


CONVERTER_ERRORS = [
    ("collection Foo { compute x = 3 }", "Expected lambda"),
    ("collection Foo { id: Int }", "Invalid reserved name `id`"),
    ('collection Foo { "a b": Int }', "Invalid identifier `a b`"),
    ("collection Foo { *: Any = 3 }", "No default allowed for wildcard field"),
    ("collection Foo { a = 3 }", "Expected a type signature"),
    ("collection Foo { a: Int; a: String }", "Duplicate field `a`"),
    ("collection Foo { migrations { split .a -> .b } }", "Expected at least two fields to split into"),
    ("collection Foo { migrations { split .a -> .b, .b } }", "Expected list of fields with no duplicates"),
    ("collection Foo { migrations { move .a[0] -> .b } }", "Cannot index into an item in a migration path"),
    ("collection Foo { migrations { history_days 3 } }", "Only migrations are allowed in migration blocks"),
    ("collection Foo { migrations 3 }", "Expected a migration block"),
    ("collection Foo { index x { terms [foo(.a)] } }", "Expected 'mva'"),
    ("collection Foo { index x { values [up(.b)] } }", "Expected 'asc', 'desc', or 'mva'"),
    ("collection Foo { index x { values [desc(asc(.b))] } }", "Expected 'asc', 'desc', or 'mva'"),
    ("collection Foo { index x { terms 3 } }", "Expected an array of terms"),
    ("collection Foo { index x { terms [.a]; terms [.b] } }", "Duplicate terms definition"),
    ("collection Foo { unique [] }", "Expected non-empty terms for a unique constraint"),
    ("collection Foo { history_days x }", "Name is not allowed here"),
    ("collection Foo { ttl_days 1.5 }", "Expected integer literal"),
    ("collection Foo { document_ttls 1 }", "Expected boolean literal"),
    ("collection Foo 3", "Expected a block"),
    ("@role(r) @alias(a) role Foo {}", "Annotations are not allowed here"),
    ("role r { privileges A { read { predicate ((x) => true); predicate ((x) => true) } } }",
     "Expected a single predicate member"),
    ("role r { privileges A { read { write } } }", "Expecting a predicate"),
    ("role r { membership A { predicate (x) => true } }", "Expected lambda predicate"),
    ("access provider A { jwks_uri 'x' }", "Missing issuer"),
    ("access provider A { issuer 'x'; issuer 'y'; jwks_uri 'x' }", "Duplicate issuer"),
    ("function f(...a, b) { 1 }", "Variadic argument must be the last argument."),
    ("function f(a: Int, b): Int { 1 }", "All or no arguments must have a type"),
    ("function f { 1 }", "Expected `(`"),
    ("function f() 1", "Expected a function definition"),
    ("@alias(x) @alias(y) collection A {}", "Duplicate annotation `alias`"),
    ("@foo(x) collection A {}", "Expected `alias` or `role`"),
    ("collection A { a: { b: Int = 0 }? }", "Default values are not allowed here"),
]


@pytest.mark.parametrize(("source", "message"), CONVERTER_ERRORS, ids=[s for s, _ in CONVERTER_ERRORS])
def test_checks(source: str, message: str) -> None:
    with pytest.raises(FSLError) as err:
        parse(source)
    assert message in [d.message for d in err.value.diagnostics]


def test_fsl_error_is_an_fql_error_with_every_error() -> None:
    with pytest.raises(FQLError) as err:
        parse("role r { foo }\nrole r {}", "roles.fsl")
    assert isinstance(err.value, FSLError) and err.value is not None and ErrorsFSLError is FSLError
    assert err.value.v10_code == "invalid_schema" and err.value.status == 400
    assert [d.message for d in err.value.diagnostics] == ["Invalid member `foo`", "Duplicate role `r`"]
    assert err.value.errors[0].startswith("error: Invalid member `foo`\nat roles.fsl:1:10\n")


#: Input that is no FSL at all still gives an FSLError, never a traceback.
JUNK = [
    "}",
    "{",
    "collection A {",
    "collection A { a: }",
    "collection A { a: Int = }",
    "collection A { index i { terms [.a, }",
    "collection A { compute }",
    "function f(",
    "function f(a:",
    "function f(a) {",
    "function f(a) { '",
    "access provider",
    "access provider a",
    "access provider a { issuer",
    "@",
    "@alias(",
    "@alias(x",
    "collection A { migrations { move .a } }",
    "collection A { migrations { split .a -> } }",
    "collection A { migrations { backfill .a } }",
    "collection A { migrations { drop } }",
    "/* unterminated",
    "collection 'unterminated",
    "collection A { a: Int = <<-END\n  text\n }",
    "\x00",
    "role r { privileges A { read { predicate } } }",
    "collection A { b: Int = 1 2 }",
    "collection A { b: Int = let x = 1 }",
    "collection 'a\\u{110000}' {}",
    'collection A { a: "\\u{110000}" }',
    "collection A { index i { terms [.['\\u{zz}']] } }",
]


@pytest.mark.parametrize("source", JUNK)
def test_junk_gives_an_fsl_error(source: str) -> None:
    with pytest.raises(FSLError) as err:
        parse(source)
    assert err.value.errors and all(e.startswith("error: ") for e in err.value.errors)


#: Quoted names as core's legacyNameQuoted reads them: any displayed character, a raw newline too, and
#: escapes; the other quote, a backquote, `#` or a control character is no name.
QUOTED_NAMES = [
    ('collection "a b" {}', "a b"),
    ('collection "" {}', ""),
    ("collection 'a\\'b' {}", "a'b"),
    ('collection "a\nb" {}', "a\nb"),
    ('collection "\\u{1F600}" {}', "\U0001f600"),
]


@pytest.mark.parametrize(("source", "name"), QUOTED_NAMES)
def test_quoted_names(source: str, name: str) -> None:
    assert [item.name for item in parse(source)] == [name]


@pytest.mark.parametrize("name", ["'a\"b'", '"a\'b"', '"a`b"', '"a#b"', '"a\x01b"'])
def test_quoted_names_core_refuses(name: str) -> None:
    with pytest.raises(FSLError):
        parse(f"collection {name} {{}}")
    with pytest.raises(FSLError, match="Expected name"):
        parse(f"function {name}() {{ 1 }}")


# -- round trip: fql's own create takes each definition, and byName shows it ---------------------------------

SCHEMA = """
collection Users {
  name: String
  age: Int? = 0
  tags: Array<String> = []
  *: Any
  compute up: String = (doc) => doc.name.toUpperCase()
  compute initial = (.name.slice(0, 1))
  index byName {
    terms [.name]
    values [desc(.age), mva(.tags)]
  }
  unique [.name, mva(.tags)]
  check nonnegative ((doc) => doc.age == null || doc.age >= 0)
  history_days 3
  ttl_days 5
  document_ttls true
}

@alias(Authors)
collection Writers {}

@role(server)
function double(x: Int): Int {
  let y = x * 2
  y
}

@alias(shout)
function loud(s) { s.toUpperCase() + "!" }

role reader {
  privileges Users { read; write { predicate ((before, after) => before.name == after.name) } }
  privileges double { call }
  membership Users { predicate ((user) => user.age != null) }
}

access provider issuerA {
  issuer "https://a.example.com/"
  jwks_uri "https://a.example.com/.well-known/jwks.json"
  role reader
  role reader2 { predicate ((jwt) => jwt!.sub != null) }
}

role reader2 {}
"""

_CREATE = {"collection": "Collection", "function": "Function", "role": "Role", "access provider": "AccessProvider"}


def _stated(stored: object, stated: object) -> object:
    """`stored` cut to the shape of `stated`: the keys the FSL states (an index's `status`, say, is fql's)."""
    if isinstance(stated, dict) and isinstance(stored, dict):
        return {k: _stated(stored.get(k), v) for k, v in stated.items()}
    if isinstance(stated, list) and isinstance(stored, list) and len(stated) == len(stored):
        return [_stated(a, b) for a, b in zip(stored, stated)]
    return stored


def test_fql_creates_what_each_definition_states() -> None:
    items = parse(SCHEMA)
    db = fql.connect("memory://")
    # Create roles an access provider names first, as the manager will.
    for item in sorted(items, key=lambda i: i.kind == "access provider"):
        definition = json.dumps({"name": item.name, **item.definition})
        db.query(f"{_CREATE[item.kind]}.create({definition})", secret="secret", syntax="v10")
    for item in items:
        stored = db.query(f"{_CREATE[item.kind]}.byName({json.dumps(item.name)})!", secret="secret", syntax="v10")
        assert stored["name"] == item.name
        assert _stated(dict(stored), item.definition) == item.definition, item.name
    # The stored bodies run: a computed field, a default, a check, a function.
    doc = db.query('Users.create({ name: "ann" }) { up, initial, age, tags }', secret="secret", syntax="v10")
    assert dict(doc) == {"up": "ANN", "initial": "a", "age": 0, "tags": []}
    assert db.query("double(21) + shout('hi').length", secret="secret", syntax="v10") == 45
    with pytest.raises(FQLError, match="Failed to create document") as err:
        db.query('Users.create({ name: "bo", age: -3 })', secret="secret", syntax="v10")
    assert err.value.failures[0]["description"] == "Document failed check constraint `nonnegative`"


def test_fql_applies_a_migration_as_stated() -> None:
    db = fql.connect("memory://")
    q = lambda text: db.query(text, secret="secret", syntax="v10")  # noqa: E731
    (before,) = parse("collection Foo {\n  a: Int\n  b: String?\n}")
    q(f"Collection.create({json.dumps({'name': 'Foo', **before.definition})})")
    q('Foo.create({ a: 1, b: "x" })')
    (after,) = parse("collection Foo {\n  c: Int\n  b: String?\n  migrations {\n    move .a -> .c\n  }\n}")
    q(f"Collection.byName('Foo')!.replace({json.dumps({'name': 'Foo', **after.definition})})")
    assert q("Collection.byName('Foo')!.migrations") == [{"move": {"field": ".a", "to": ".c"}}]
    assert dict(q("Foo.all().first()! { b, c }")) == {"b": "x", "c": 1}


#: Core reads a function whose signature or body does not parse as a function with an invalid value
#: (FSLNodeParserSpec "parse invalid function bodies", "error functions nicely"), from its `(`: a body
#: its expression parser stops in without an error of its own too (one it reports, a keyword as a name
#: or a missing return, is reported instead).
INVALID_FUNCTIONS = [
    ("function foo(): bar baz", (12, 23)),
    ("function foo() bar", (12, 18)),
    ("function bar() { 2... }", (12, 23)),
    ("function bar() { if (3..) 4 }", (12, 29)),
    ("function bar() {\n  1 +\n}\ncollection Foo {}", (12, 24)),
    # The return type's `:` must follow the `)` at once: after a blank it is no signature (core's `func`).
    ("function f(x) : Int { x }", (10, 25)),
    ("function f(x: Int) /* c */: Int { x }", (10, 37)),
]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("function bar() { let if = 1; 2 }", "Invalid identifier"),
        ("function bar() { let x = 1 }", "Missing return expression"),
        ("function bar() { { a: 1, a: 2 } }", "Duplicate key"),
    ],
)
def test_a_function_body_error_core_reports_is_the_error(source: str, message: str) -> None:
    with pytest.raises(FSLError) as err:
        parse(source)
    assert [d.message for d in err.value.diagnostics] == [message]


@pytest.mark.parametrize(("source", "span"), INVALID_FUNCTIONS)
def test_invalid_function_definitions(source: str, span: tuple[int, int]) -> None:
    with pytest.raises(FSLError) as err:
        parse(source)
    assert [(d.message, d.start, d.end) for d in err.value.diagnostics] == [("Expected a function definition", *span)]


def test_mangled_schemas_give_fsl_errors() -> None:
    """Random cuts and insertions in a good schema: each parses or gives an FSLError, nothing else."""
    rng = random.Random(10)
    marks = list("{}()[]:;=,.\n \"'#@*?|<>-!") + ["=>", "->", "/*", "//", "#{", "<<-X\n", "\\"]
    for _ in range(300):
        text = SCHEMA
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(text))
            if rng.random() < 0.5:
                text = text[:i] + text[i + rng.randint(1, 5) :]
            else:
                text = text[:i] + rng.choice(marks) + text[i:]
        try:
            parse(text)
        except FSLError as err:
            assert err.errors


def test_a_computed_fields_keyword_runs_to_its_name() -> None:
    # Core's `compute` token takes the space after it (FSLNodeParserSpec "parse computed fields": the
    # keyword at (0, 8) in `compute foo = ...`), so an error about the member underlines that too.
    with pytest.raises(FSLError) as err:
        parse("role R { compute x = (x) => 1 }", "*fsl*")
    assert err.value.errors == [
        "error: Invalid member `field`\nat *fsl*:1:10\n  |\n1 | role R { compute x = (x) => 1 }\n  |          ^^^^^^^^\n  |"
    ]


def test_a_function_body_error_is_rendered_with_its_hints_and_the_errors_after_it() -> None:
    # Core's parser reports the errors it emits in a body as it does in a query: with their hints, each
    # one after the other (it goes on after a duplicate key).
    source = "function bar() { {a: 1, a: 2, a: 3} }"
    with pytest.raises(FSLError) as err:
        parse(source, "*fsl*")
    one = "error: Duplicate key\nat *fsl*:1:{}\n  |\n1 | {}\n  | {}^\n  |\n"
    hint = f"hint: Key originally used here\n  |\n1 | {source}\n  |                   ^\n  |"
    assert err.value.errors == [one.format(25, source, " " * 24) + hint, one.format(31, source, " " * 30) + hint]
    with pytest.raises(FSLError) as err:
        parse("function bar() { let x = 1 }", "*fsl*")
    assert err.value.errors == [
        "error: Missing return expression\nat *fsl*:1:28\n  |\n1 | function bar() { let x = 1 }\n  |                            ^\n  |\n"
        "cause: Statement does not return a value\n  |\n1 | function bar() { let x = 1 }\n  |                  ^^^^^^^^^\n  |"
    ]
