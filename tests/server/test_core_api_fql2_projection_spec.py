"""Core's FQL2ProjectionSpec (ext/api/src/test/scala/fql2/FQL2ProjectionSpec.scala): `value { fields }`
through `POST /query/1`, in a database made as core's `aDatabase`. Each case names the spec case it comes from.

Already in test_core_v10_api.py, not repeated: 'primitive types' (ints, strings, doubles, booleans are passed
through, nulls short-circuit).
"""

from __future__ import annotations

import pytest

from .core_fql2_api import ADatabase, a_database


@pytest.fixture
def db() -> ADatabase:
    return a_database()


def test_projection_of_a_struct(db):
    # struct: "supports projection on a struct"
    query = """
let x = {
  "foo": "bar",
  "fooGone": "bar",
  "hello": "friend",
  "gentleman": {
    "locke": "lamora",
    "jean": "tannen",
    "other": {
      "calo": "galdo",
      "bug": "chains"
    }
  }
}
x {
  hello,
  gentleman {
    locke,
    other {
      calo
    }
  },
  foo
}"""
    assert db.ok(query) == {"hello": "friend", "gentleman": {"locke": "lamora", "other": {"calo": "galdo"}}, "foo": "bar"}


def test_projection_rebinds_this(db):
    # struct: "supports rebinding"
    query = """
let x = { a: 1, b: 10, c: { d: 5, e: 10 } }
let y = 100
x {
  a,
  plus: .a + .b,       // `this` is x
  plusplus: .a + y,    // `this` is x
  cplus: .c.d + .c.e,  // `this` is x
  cplusplus: .c.d + y, // `this` is x
  c {
    plus: .d + .e,     // `this` is x.c
    plusplus: .d + y   // `this` is x.c
  },
  cc: .c {
    plus: .d + .e,     // `this` is x.c
    plusplus: .d + y   // `this` is x.c
  }
}"""
    assert db.ok(query) == {
        "a": 1,
        "plus": 11,
        "plusplus": 101,
        "cplus": 15,
        "cplusplus": 105,
        "c": {"plus": 15, "plusplus": 105},
        "cc": {"plus": 15, "plusplus": 105},
    }


def test_missing_keys_project_as_null(db):
    # struct: "returns nulls when requesting keys that aren't present"
    assert db.ok('\nlet x = {\n  "foo": "bar",\n}\nx {\n  foo,\n  hello\n}', typecheck=False) == {"foo": "bar", "hello": None}


def test_projection_of_an_array(db):
    # array: "supports projection on arrays"
    query = """
let y = [
  {
    "hi": "low",
    "whoa": "now"
  },
  {
    "hi": "bye",
    "no": "sir"
  },
  {
    "hi": "howdy"
  }
]
y {
  hi
}
"""
    assert db.ok(query, typecheck=False) == [{"hi": "low"}, {"hi": "bye"}, {"hi": "howdy"}]


def test_projection_of_a_document(db):
    # document: "supports projection on documents"
    db.ok("Collection.create({ name: 'C' })")
    query = """
let author = C.create({
  "foo": "bar",
  "seattle": "wa",
})
let projectedId = author { id }
let readAuthor = C.byId(projectedId.id)
readAuthor {
  id,
  hello,
  nested {
    key
  },
  foo
}"""
    found = db.ok(query)
    assert isinstance(found["id"], str)
    assert found == {"id": found["id"], "hello": None, "nested": None, "foo": "bar"}
