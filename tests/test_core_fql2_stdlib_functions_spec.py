"""Core's stdlib FQL2FunctionsSpec (ext/model/src/test/scala/fql2/stdlib/FQL2FunctionsSpec.scala). Each case
names the spec case it comes from.

Elsewhere, not repeated: 'isa' / 'works with user-defined functions', 'works with lambdas', 'works with native
functions' (tests/fixtures/v10/misc.fql); 'rejects writes to customer tenant root db'
(tests/test_core_fql2_role_spec.py test_other_schema_items_are_refused_in_a_tenant_root, and
tests/server/test_core_api_fql2_functions_spec.py).
"""

from __future__ import annotations

import pytest

import fql
from tests.helpers import query_v10 as q


def test_abort_cancels_the_query_effects():
    # 'abort' / 'aborts a query and cancels its effects' (the count is pendingUntilFixed in core's model
    # spec only because its model tests do not fail queries; through the API the write is undone).
    db = fql.connect()
    q(db, "Collection.create({ name: 'Insect' })")
    with pytest.raises(fql.FQLError) as caught:
        q(db, "Insect.create({ name: 'bee' })\nabort(0)")
    assert caught.value.v10_code == "abort"
    assert q(db, "Insect.all().count()") == 0


def test_an_internal_tenant_root_may_have_functions():
    # 'allows writes to internal tenant root db': an account id of core's internal ones (up to 1023).
    db = fql.connect()
    q(db, "Database.create({ name: 'internal' })")
    q(db, "Database.byName('internal')!.update({ account: { id: 5 } })")
    assert q(db, "Function.create({ name: 'rootColl', body: 'x => true' }).name", "secret:internal:admin") == "rootColl"


def test_a_function_may_be_deleted_while_a_schema_is_staged():
    # 'allows staged deletes': core pins the active schema at its first version; fql stages a push.
    db = fql.connect()
    q(db, "Database.create({ name: 'child' })")
    admin = "secret:child:admin"
    q(db, "Function.create({ name: 'fooFn', body: 'x => true' })", admin)
    db.push_schema({"main.fsl": "function fooFn(x) { true }\ncollection Staged {}\n"}, staged=True, secret=admin)
    q(db, "Function.byName('fooFn')!.delete()", admin)
    assert q(db, "Function.byName('fooFn').exists()", admin) is False
