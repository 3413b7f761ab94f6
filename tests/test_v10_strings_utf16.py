"""v10 String methods where core's Java strings show through as UTF-16 units, on the wire.

Core's split and splitRegex step one UTF-16 unit past an empty match (Strings.scala split0), and matches and
matchIndexes loop Java's Matcher.find, which does the same: an astral character there is cut into its two
surrogates. A lone surrogate is answered as `?`, as core's UTF-8 encoder writes it. The values themselves
are in tests/fixtures/v10/strings.fql.
"""

from __future__ import annotations

import pytest

import fql
from tests.helpers import QueryEndpoint

ENDPOINT = QueryEndpoint(fmt="simple", typecheck=True)


@pytest.fixture(scope="module")
def db() -> fql.Database:
    return fql.connect()


@pytest.mark.parametrize(
    "query, expected",
    [
        ("'a😍b'.split('')", ["a", "?", "?", "b"]),
        ("'😍'.split('')", ["?", "?"]),
        ("'a😍'.splitRegex('x*')", ["a", "?", "?"]),
        ("'😍a'.splitRegex('')", ["?", "?", "a"]),
        # Only an empty match cuts: a separator next to an astral character leaves it whole.
        ("'😍,😍'.split(',')", ["😍", "😍"]),
        ("'😍'.matches('x*')", ["", "", ""]),
        ("'a😍b'.matchIndexes('')", [[0, ""], [1, ""], [2, ""], [2, ""], [3, ""]]),
        ("'x😍😍y'.matchIndexes('\\\\W?')", [[0, ""], [1, "😍"], [2, "😍"], [3, ""], [4, ""]]),
        # Only the one character is cut: a lookbehind further on sees the next one whole.
        ("'😍😍'.matchIndexes('(?<=😍)')", [[1, ""], [2, ""]]),
        ("'a😍😍'.matchIndexes('(?<=😍)|x*')", [[0, ""], [1, ""], [2, ""], [2, ""], [3, ""], [3, ""]]),
    ],
)
def test_empty_matches_step_one_utf16_unit(db, query, expected):
    assert ENDPOINT.ok(db, query) == expected
