"""Core's RuntimeEnvSpec (ext/model/src/test/scala/schema/RuntimeEnvSpec.scala), with CollectionConfigSpec
(ext/model/src/test/scala/fql2/CollectionConfigSpec.scala) and NativeIndexSpec
(ext/model/src/test/scala/schema/NativeIndexSpec.scala), which test core's internals.

Ported: RuntimeEnvSpec "Uncached returns uncached collections", through what the collection's
`document_ttls` changes: core's typer's type for its documents (`ttl` taken, or only null). Core enforces
`document_ttls` in no other place (its CollectionConfig hands it to CollectionTypeInfo only), and fql
neither: an untypechecked write may give a ttl whatever the setting.

Not ported:
- RuntimeEnvSpec "Default returns cached collections": it retries until core's schema cache serves a stale
  collection config; fql keeps no cache of collection configs across queries (every query reads the
  definition it sees), so no query of fql's sees a stale one.
- RuntimeEnvSpec "Static errors for user collections": core's RuntimeEnv.Static refusing a user
  collection id (IllegalArgumentException) is an internal API with no query that reaches it.
- CollectionConfigSpec "lookupIndex flag has no indexes" / "lookupIndex flag also disallows writes": the
  `lookupIndexes = false` flag of core's CollectionConfig.getUncached and Store.externalUpdate's
  IllegalStateException are internal APIs; no query reaches them.
- NativeIndexSpec "should be ignored by memory meter": the JVM cache's memory weigher has no counterpart.
"""

from __future__ import annotations

import fql
from fql.parse import parse
from fql.repl.printer import summary


def test_uncached_returns_uncached_collections():
    db = fql.connect()

    def ok(text: str, typecheck: bool = True) -> object:
        return db.run_with_state(parse(text, "v10"), syntax="v10", typecheck=typecheck)[0]

    ok("Collection.create({ name: 'Foo', document_ttls: false })")
    assert ok("Foo.definition.document_ttls") is False
    text = "Foo.create({ ttl: Time.now().add(1, 'day') })"
    try:
        ok(text)
    except fql.FQLError as err:
        rendered = summary(err, text)
    else:
        raise AssertionError("a ttl was taken with document_ttls false")
    assert rendered.split("\n")[0] == "error: Type `Time` is not a subtype of `Null`"
    # Untypechecked, the write takes the ttl: core checks `document_ttls` only in its typer.
    assert ok(f"{text}.ttl != null", typecheck=False) is True

    ok("Collection.byName('Foo')!.update({ document_ttls: true })")
    # The next query sees the update at once.
    assert ok("Foo.definition.document_ttls") is True
    assert ok(f"{text}.ttl != null") is True
