"""Core's FQL2FunctionsSpec (ext/api/src/test/scala/fql2/FQL2FunctionsSpec.scala) through `POST /query/1`.
Each case names the spec case it comes from.

Already in test_core_v10_api.py (test_functions_by_name_and_abort), not repeated: 'get by name' / 'works'
(but for the lookup by name, below), 'abort' / 'cancels a query and its effects'.
"""

from __future__ import annotations

import fql

from .core_fql2_api import ADatabase, a_database
from .test_core_v10_api import SECRET


def test_function_by_name():
    # 'get by name' / 'works': by its name as by its alias.
    db = a_database()
    db.ok('Function.create({\n  name: "add",\n  body: "(x, y) => x + y",\n  alias: "plus"\n})')
    assert [db.ok(f'let name = "{name}"\nFunction(name)(1, 2)') for name in ("add", "plus")] == [3, 3]


def test_no_function_in_an_account_root():
    # 'fails create in tenant root': core's anAccountDatabase is a database with an account id.
    db = ADatabase(fql.connect(root_secret=SECRET), "anAccountDatabase")
    db.ok("Database.byName('anAccountDatabase')!.update({ account: { id: 123456 } })", secret=SECRET, typecheck=False)
    query = "Function.create({ name: 'rootFunc', body: 'x => true' })"
    body = db.err(query)
    assert (body["error"]["code"], body["error"]["message"]) == ("constraint_failure", "Failed to create Function.")
    assert body["summary"] == (
        "error: Failed to create Function.\n"
        "constraint failures:\n"
        "  A Function cannot be created in your account root\n"
        "at *query*:1:16\n"
        "  |\n"
        f"1 | {query}\n"
        "  |                " + "^" * 41 + "\n"
        "  |"
    )
