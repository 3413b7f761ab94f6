"""Cases of core's v4 set specs (ext/api/src/test/scala/queries/) that a fixture file cannot state: a caller
other than the database's key (ReduceFunctionsSpec), several errors in one answer (RangeFunctionSpec).
The rest of those specs is ported in fixtures/v4/core_sets.fql."""

from __future__ import annotations

import pytest

import fql
from fql.errors import FQLError
from fql.auth.credentials import TEST_PARAMS
from tests.test_auth import ref
from tests.test_core_auth import Child


def test_reduce_check_read_permissions():
    """Reduce "check read permissions": a user whose role may read the index, and every document of the
    collection but one, reduces the set and a page of it without that document's value."""
    app = Child(fql.connect(argon2=TEST_PARAMS))
    for name in ("users", "things"):
        app.query(f'CreateCollection({{name: "{name}"}})')
    app.query('CreateIndex({name: "things_values", source: Collection("things"), values: [{field: ["data", "value"]}]})')
    size = 20
    docs = app.query(f'Map({list(range(1, size + 1))}, Lambda("i", Create(Collection("things"), {{data: {{value: Var("i")}}}})))')
    hidden = docs[6]
    _, token = app.user()
    app.role(
        f'[{{resource: Index("things_values"), actions: {{read: true}}}}, {{resource: Collection("things"), actions: '
        f'{{read: Query(Lambda("ref", Not(Equals(Var("ref"), {ref(hidden["ref"])}))))}}}}]',
        '[{resource: Collection("users")}]',
    )
    expected = 10 + sum(range(1, size + 1)) - hidden["data"]["value"]
    reduce = 'Reduce(Lambda(["acc", "v"], Add(Var("acc"), Var("v"))), 10, {})'
    assert app.query(reduce.format('Match(Index("things_values"))'), token["secret"]) == expected
    page = app.query(reduce.format(f'Paginate(Match(Index("things_values")), {{size: {size}}})'), token["secret"])
    assert page.data == [expected]
    # The database's own key sees every value.
    assert app.query(reduce.format('Match(Index("things_values"))')) == 10 + sum(range(1, size + 1))


def test_range_invalid_refs():
    """RangeFunctionSpec "invalid refs": both bounds name no collection, and core reports both, each at its
    own position."""
    db = fql.connect()
    with pytest.raises(FQLError) as caught:
        db.query('Paginate(Range(Collections(), Collection("foo"), Collection("bar")))')
    assert caught.value.v4_errors() == [
        {"position": ["paginate", "from"], "code": "invalid ref", "description": "Ref refers to undefined collection 'foo'"},
        {"position": ["paginate", "to"], "code": "invalid ref", "description": "Ref refers to undefined collection 'bar'"},
    ]
    with pytest.raises(FQLError) as caught:
        db.query('Paginate(Range(Collections(), [], Collection("bar")))')
    assert caught.value.v4_errors() == [
        {"position": ["paginate", "to"], "code": "invalid ref", "description": "Ref refers to undefined collection 'bar'"},
    ]
