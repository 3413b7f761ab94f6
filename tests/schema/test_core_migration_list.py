"""Core's MigrationListSpec (ext/repo/src/test/scala/schema/migration/MigrationListSpec.scala): a collection's
migrations apply in order, each only to the document versions written before it, as a user sees it:
documents written around two pushes, read back (now and with `at`).

Skipped: "sorts migrations into a list", "encodes" and "decodes": the internal form core stores the list
in (each migration keyed by the schema version it migrates to, tails shared), which no query reads. What
a user sees of the list is the collection's `migrations` as written; fql keeps it so, and migrates the
documents when a push runs its new migrations (README, FQL v10 `migrations`)."""

from __future__ import annotations

import fql

from .pushing import create, data, push
from tests.helpers import query_v10 as q

ADD = "add .foo\n    backfill .foo = 5"


def schema(fields: str, migrations: str) -> str:
    return f"collection Foo {{\n  {fields}\n\n  migrations {{\n    {migrations}\n  }}\n}}\n"


def test_applies_migrations_in_order():
    db = fql.connect()
    push(db, "collection Foo {\n  bar: Int?\n}\n")
    first = create(db, "Foo", 1)
    push(db, schema("foo: Int\n  bar: Int?", ADD))
    # Documents written after the add have the field already: it is not added to them again.
    create(db, "Foo", 2, "foo: 3")
    create(db, "Foo", 3, "foo: 3, bar: 6")
    assert [data(db, "Foo", i) for i in (1, 2, 3)] == [{"foo": 5}, {"foo": 3}, {"foo": 3, "bar": 6}]
    assert data(db, "Foo", 1, at=first) == {"foo": 5}

    # Another migration drops `foo`: it runs over every document, whichever version it was written at.
    push(db, schema("bar: Int?", f"{ADD}\n    drop .foo"))
    assert [data(db, "Foo", i) for i in (1, 2, 3)] == [{}, {}, {"bar": 6}]
    assert data(db, "Foo", 1, at=first) == {}
    assert q(db, 'Collection.byName("Foo")!.migrations') == [
        {"add": {"field": ".foo"}},
        {"backfill": {"field": ".foo", "value": "5"}},
        {"drop": {"field": ".foo"}},
    ]
