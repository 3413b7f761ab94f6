"""The seed documents' v4 queries: their ASTs (snapshots) and how the spellings agree."""

from __future__ import annotations

from pathlib import Path

import pytest

import fql
from tests.fixtures import canonical

SEEDS = Path(__file__).parent / "seeds" / "v4.fql"


def seed_queries() -> list[tuple[str, str]]:
    """(title, query) pairs: each query follows a `// seed ...` comment."""
    out: list[tuple[str, str]] = []
    for block in SEEDS.read_text().split("\n\n"):
        lines = block.strip().splitlines()
        if lines and lines[0].startswith("// seed"):
            title = lines[0][3:]
            query = "\n".join(line for line in lines[1:] if not line.startswith("//"))
            out.append((title, query))
    return out


QUERIES = seed_queries()


@pytest.mark.parametrize("title,query", QUERIES, ids=[t for t, _ in QUERIES])
def test_seed_ast(title, query, snapshot):
    assert fql.parse(query).dump() == snapshot


def test_login_spellings_agree():
    logins = [q for t, q in QUERIES if t.startswith("seed 003: Login")]
    assert len(logins) == 3
    trees = {canonical(fql.parse(q)) for q in logins}
    assert len(trees) == 1


def test_token_listing_spellings_agree():
    listings = [q for t, q in QUERIES if t.startswith("seed 002: list tokens")]
    assert canonical(fql.parse(listings[0])) == canonical(fql.parse(listings[1]))
