"""Core's ext/model/src/test/scala/fql2/FQL2SchemaEnvSpec.scala 'produces the same env': the query that
defines a collection (with an alias, an index on a computed field, fields) and a function succeeds, and
both are usable under their names. The rest of the case compares core's typechecker environments and
the types they display, which fql has not (README)."""

from __future__ import annotations

import fql

SCHEMA = """Collection.create({
  name: "Author",
  alias: "Author2",
  indexes: {
    byName: { terms: [{ field: "fullName" }] }
  },
  fields: {
    firstName: { signature: "String" },
    lastName: { signature: "String" },
  },
  computed_fields: {
    fullName: {
      body: "doc => doc.firstName + ' ' + doc.lastName",
    }
  }
})

Function.create({
  name: "TimesTwo",
  body: "(x) => x * 2",
})"""


def test_produces_the_same_env():
    # FQL2SchemaEnvSpec 'produces the same env': evalOk of the schema, then the names it defines.
    db = fql.connect()
    assert db.query(SCHEMA, syntax="v10")["name"] == "TimesTwo"
    # The alias is a companion of its own name (UserCollectionCompanion.lookup's nameOverride), and
    # modules are equal by name (Value.scala): the same collection, another module.
    assert db.query("[Author2 == Author, Author2.toString(), Author2.definition.name]", syntax="v10") == [
        False, "Author2", "Author"
    ]
    db.query('Author2.create({ firstName: "Ada", lastName: "Byron" })', syntax="v10")
    assert db.query('Author.byName("Ada Byron").first()!.fullName', syntax="v10") == "Ada Byron"
    assert db.query("TimesTwo(21)", syntax="v10") == 42
