"""The collection_scan performance hint of `where` and `firstWhere` on collections (core's
CollectionCompanion.maybeEmitHint), the native collections' own included."""

from __future__ import annotations

import pytest

import fql


@pytest.mark.parametrize(
    "query, module, method",
    [
        ('Books.where(.title == "x")', "Books", "where"),
        ('Books.firstWhere(.title == "x")', "Books", "firstWhere"),
        ('Collection.where(.name == "Books")', "Collection", "where"),
        ('Collection.firstWhere(.name == "Books")', "Collection", "firstWhere"),
        ('Key.where(.role == "admin")', "Key", "where"),
        ('Function.firstWhere(.name == "f")', "Function", "firstWhere"),
        ("Token.where(.ttl == null)", "Token", "where"),
    ],
)
def test_a_collection_scan_is_hinted(query, module, method):
    db = fql.connect()
    db.query('Collection.create({ name: "Books" })', syntax="v10")
    _, state = db.run_with_state(fql.parse(query, "v10"), syntax="v10", performance_hints=True)
    assert [hint.message.split(". See ")[0] for hint in state.hints] == [
        f"collection_scan - Using {method}() on collection {module} can cause a read of every document"
    ]

