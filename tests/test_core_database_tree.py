"""Core's ext/api/src/test/scala/unit/DatabaseTreeSpec.scala, what a user sees of it: a database's global id,
which core writes in z-base-32 (Database.encodeGlobalID, ext/codex/.../util/ZBase32.scala) and shows in a
v4 or v10 database document and in an access provider's `audience`. The spec's dump entries name
databases by these ids (`yyyyyyyyyyyyn` is GlobalDatabaseID(1)).

Not ported: the tree itself (DatabaseTree.build from a dump of scope and global id entries, with its
checks for two roots or two live ids of one database) is core's admin tooling over storage, which no
query reaches; nested databases, their names and moves are tests/test_move_database.py's and
tests/test_auth.py's.
"""

from __future__ import annotations

import re

import pytest

import fql
from fql.eval.schema import encode_global_id

#: z-base-32 (ZBase32.EncodeTable), 13 digits: a 64-bit number and one padding bit.
GLOBAL_ID = re.compile(r"[ybndrfg8ejkmcpqxot1uwisza345h769]{13}")


@pytest.mark.parametrize(
    "number, encoded",
    [
        (1, "yyyyyyyyyyyyn"),
        (2, "yyyyyyyyyyyyr"),
        (3, "yyyyyyyyyyyyg"),
        (4, "yyyyyyyyyyyye"),
        (5, "yyyyyyyyyyyyk"),
        (1234, "yyyyyyyyyynpr"),
        (4321, "yyyyyyyyyyeqn"),
    ],
)
def test_a_global_id_is_its_number_in_z_base_32(number, encoded):
    """DatabaseTreeSpec's dump entries ("parse works": `yyyyyyyyyyyyn` is GlobalDatabaseID(1), ...) and its
    error messages ("found (yyyyyyyyyynpr, yyyyyyyyyyeqn)" for 1234 and 4321)."""
    assert encode_global_id(number) == encoded


def test_a_databases_global_id_is_shown_as_core_writes_it():
    """A database's `global_id` (v4 and v10) and an access provider's `audience` hold 13 z-base-32 digits
    (fixed: fql wrote the number in plain base 32, `myi3ssaxmyaa`)."""
    db = fql.connect()
    created = db.query('CreateDatabase({name: "x"})')["global_id"]
    assert GLOBAL_ID.fullmatch(created)
    assert db.query('Database.byName("x")!.global_id', syntax="v10") == created
    provider = db.query('CreateAccessProvider({name: "p", issuer: "https://a", jwks_uri: "https://a/j"})')
    assert GLOBAL_ID.fullmatch(provider["audience"].removeprefix("https://db.fauna.com/db/"))
    child = db.query('CreateKey({role: "admin", database: Database("x")})')["secret"]
    child_provider = db.query('CreateAccessProvider({name: "q", issuer: "https://b", jwks_uri: "https://b/j"})', secret=child)
    assert child_provider["audience"] == "https://db.fauna.com/db/" + created
