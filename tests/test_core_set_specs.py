"""Cases of core's v4 set specs (ext/api/src/test/scala/queries/) that a fixture file cannot state: a caller
other than the database's key (ReduceFunctionsSpec), several errors in one answer (RangeFunctionSpec), index
bombs and an index made in a container (IndexSpec).
The rest of those specs is ported in fixtures/v4/core_sets.fql."""

from __future__ import annotations

import json

import pytest

import fql
from fql.errors import FQLError, IndexEntriesTooLarge
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



def test_reduce_and_the_aggregates_over_a_thousand_values():
    """ReduceFunctionsSpec at the spec's own sizes (the fixture file runs the same cases over ten values):
    Reduce "pages" (1 to 1000 in pages of 500), "sets" and "arrays" (10,000 elements), Sum "check sum with
    longs" / "with doubles" (the type kept), Mean, Count, and Max / Min "check the max / min function"."""
    db = fql.connect()
    db.query('CreateCollection({name: "longs"})')
    db.query('CreateCollection({name: "doubles"})')
    for name in ("longs", "doubles"):
        db.query(f'CreateIndex({{name: "{name}_v", source: Collection("{name}"), values: [{{field: ["data", "value"]}}]}})')
    db.query(f'Foreach({list(range(1, 1001))}, Lambda("i", Create(Collection("longs"), {{data: {{value: Var("i")}}}})))')
    db.query(f'Foreach({[float(i) for i in range(1, 1001)]}, Lambda("i", Create(Collection("doubles"), {{data: {{value: Var("i")}}}})))')
    add = 'Lambda(["acc", "v"], Add(Var("acc"), Var("v")))'
    first = db.query(f'Reduce({add}, 10, Paginate(Match(Index("longs_v")), {{size: 500}}))')
    assert first.data == [125260]
    assert first.after[0] == 501
    second = db.query(f'Reduce({add}, 125260, Paginate(Match(Index("longs_v")), {{size: 500, after: 501}}))')
    assert second.data == [500510]
    assert db.query(f'Reduce({add}, 10, Match(Index("longs_v")))') == 500510
    assert db.query(f'Reduce({add}, 10, {list(range(1, 10001))})') == 50005010
    for name, total in (("longs", 500500), ("doubles", 500500.0)):
        for query in (f'Sum(Match(Index("{name}_v")))', f'Select(["data", 0], Sum(Paginate(Match(Index("{name}_v")), {{size: 1000}})))'):
            value = db.query(query)
            assert (value, type(value)) == (total, type(total)), query
        for query in (f'Mean(Match(Index("{name}_v")))', f'Select(["data", 0], Mean(Paginate(Match(Index("{name}_v")), {{size: 1000}})))'):
            value = db.query(query)
            assert (value, type(value)) == (500.5, float), query
    assert db.query(f'Sum({list(range(1, 1001))})') == 500500
    assert db.query(f'Mean({list(range(1, 1001))})') == 500.5
    assert db.query(f'Count({list(range(1, 1001))})') == 1000
    assert db.query('Count(Match(Index("longs_v")))') == 1000
    assert db.query('Count(Paginate(Match(Index("longs_v")), {size: 1000}))').data == [1000]
    assert db.query('Max(Match(Index("longs_v")))') == 1000
    assert db.query('Select(["data", 0], Max(Paginate(Match(Index("longs_v")), {size: 1000})))') == 1000
    assert db.query('Min(Match(Index("longs_v")))') == 1
    assert db.query('Select(["data", 0], Min(Paginate(Match(Index("longs_v")), {size: 1000})))') == 1

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



@pytest.mark.parametrize("fn", ["Max", "Min"])
def test_max_and_min_invalid_refs(fn):
    """ReduceFunctionsSpec Max / Min "invalid refs": every unresolved ref among the values is an error of its
    own, in order, each at the function's position."""
    db = fql.connect()
    expected = [
        {"position": [fn.lower()], "code": "invalid ref", "description": "Ref refers to undefined collection 'coll'"},
        {"position": [fn.lower()], "code": "invalid ref", "description": "Ref refers to undefined index 'idx'"},
    ]
    for query in (f'{fn}(Collection("coll"), Index("idx"))', f'{fn}([Collection("coll"), 1, Index("idx")])'):
        with pytest.raises(FQLError) as caught:
            db.query(query)
        assert caught.value.v4_errors() == expected, query

def _bomb_data() -> str:
    """Core's createDocWithLargeArrays: 100 x 75 x 25 index entries of long strings."""
    f1 = [f"{i} fdsj ivxcozz887890vuxc90 2314p],jklfsaoz" for i in range(1, 101)]
    f2 = [f"jfksdl;a fjskdlfjds fids fsdof sdo fsd {i}" for i in range(1, 76)]
    f3 = [f"jfksdl;a fjskdlfjds fids fsdof sdo fsd {i}" for i in range(1, 26)]
    return f"{{data: {{f1: {json.dumps(f1)}, f2: {json.dumps(f2)}, f3: {json.dumps(f3)}}}}}"


_BOMB_INDEX = ('CreateIndex({name: "col_by_f1", source: Collection("col"), terms: [{field: ["data", "f1"]}], '
               'values: [{field: ["data", "f2"]}, {field: ["data", "f3"]}]})')


def test_index_bomb_return_400_when_inserted():
    """IndexSpec "index bombs" / "return 400 when inserted": the index is there, the document is refused."""
    db = fql.connect()
    db.query('CreateCollection({name: "col"})')
    assert db.query(f'Select("active", {_BOMB_INDEX})') is True
    with pytest.raises(IndexEntriesTooLarge) as caught:
        db.query(f'Create(Collection("col"), {_bomb_data()})')
    assert caught.value.status == 400
    assert db.query('Count(Documents(Collection("col")))') == 0


def test_index_bomb_return_400_when_caught_during_synchronous_indexing():
    """IndexSpec "index bombs" / "return 400 when caught during synchronous indexing": the document is
    written, and the index built over it is refused."""
    db = fql.connect()
    db.query('CreateCollection({name: "col"})')
    db.query(f'Create(Collection("col"), {_bomb_data()})')
    with pytest.raises(IndexEntriesTooLarge) as caught:
        db.query(_BOMB_INDEX)
    assert caught.value.status == 400
    assert db.query('Exists(Index("col_by_f1"))') is False


def test_index_cant_be_created_in_a_container():
    """IndexSpec27 "create doesn't work for containers" / "can't create an index in a container": a wildcard
    index made with a container's admin key fails at `create_index` (core's WriteAdaptor.create), and none is
    written."""
    db = fql.connect(root_secret="secret")
    db.query('CreateDatabase({name: "cdb", container: true})')
    spells = ('CreateIndex({name: "spells", source: {class: "_"}, terms: [{field: ["data", "element"]}],'
              ' values: [{field: ["data", "name"]}]})')
    with pytest.raises(FQLError) as caught:
        db.query(spells, secret="secret:cdb:admin")
    assert caught.value.v4_errors() == [
        {"position": ["create_index"], "code": "invalid object in container", "description": "Object is not allowed in a container"}
    ]
    assert db.query('Exists(Index("spells"))', secret="secret:cdb:admin") is False
