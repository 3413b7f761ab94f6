"""Core's api FQL2PaginationSpec (ext/api/src/test/scala/fql2/FQL2PaginationSpec.scala), through
`POST /query/1` in-process (fql.server.v10.query) with the spec's defaults: `X-Typecheck: true` and the
simple format unless a case asks for `tagged` or `decorated`. Each test names its case.

Already ported in tests/server/test_core_v10_api.py: "page size must be between 0 and 100k"
(test_page_size_bounds) and "set pagination is stable in presence of subsequent writes"
(test_pages_keep_their_snapshot); "pageSize + concat" is there too (test_concatenation_pages_by_the_default_size,
without the spec's `map` and reading two pages of the first set) and here as the spec has it.
"""

from __future__ import annotations

import pytest

import fql
from tests.helpers import QueryEndpoint

SECRET = "secret"


@pytest.fixture
def db() -> fql.Database:
    return fql.connect(root_secret=SECRET)


#: The `data` of a successful answer (the spec's queryOk).
ok = QueryEndpoint(SECRET, typecheck=True, arguments={}).ok


def mk_docs(db: fql.Database, coll: str, count: int) -> list[str]:
    """The spec's mkDocs: `count` documents `{ foo: i, bar: 'baz' }` made in one query; their ids."""
    creates = "\n".join(f"{coll}.create({{ foo: {i}, bar: 'baz' }})" for i in range(1, count + 1))
    return ok(db, f"{creates}\n{coll}.all()\n  .paginate({count})\n  .data.map(.id)")


def ids(page: dict) -> list:
    return [doc["id"] for doc in page["data"]]


def paginate(db: fql.Database, after: str, fmt: str | None = None) -> dict:
    return ok(db, f'Set.paginate("{after}")', fmt=fmt)


def walk(db: fql.Database, first: dict, pick=ids) -> list[list]:
    """Every page from `first` on, each as `pick` makes it; every page but the last has an `after`."""
    pages, page = [pick(first)], first
    while "after" in page:
        page = paginate(db, page["after"])
        pages.append(pick(page))
    return pages


# -- array pagination -------------------------------------------------------------------------------------


def test_array_pagination_paginates(db):
    numbers = list(range(48))
    page = ok(db, f"{numbers}.toSet().paginate()")
    assert [page["data"], "after" in page] == [numbers[:16], True]
    second = paginate(db, page["after"])
    assert [second["data"], "after" in second] == [numbers[16:32], True]
    third = paginate(db, second["after"])
    assert [third["data"], "after" in third] == [numbers[32:], False]


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5])
def test_array_pagination_paginates_with_size(db, size):
    numbers = [0, 1, 2, 3]
    page = ok(db, f"{numbers}.toSet().paginate(1)")
    assert page["data"] == numbers[:1] and "after" in page
    seen, after = 1, page["after"]
    while seen < len(numbers):
        page = ok(db, f'Set.paginate("{after}", {size})')
        assert page["data"] == numbers[seen : seen + size]
        seen += len(page["data"])
        assert ("after" not in page) == (seen == len(numbers))
        after = page.get("after")


# -- set pagination ---------------------------------------------------------------------------------------


@pytest.fixture
def coll(db) -> str:
    ok(db, "Collection.create({ name: 'Coll' })")
    return "Coll"


def test_sets_materialize_as_page_with_cursors(db, coll):
    docs = mk_docs(db, coll, 48)
    assert walk(db, ok(db, f"{coll}.all()")) == [docs[:16], docs[16:32], docs[32:]]


def test_set_pagination_works_with_closures(db, coll):
    mk_docs(db, coll, 32)
    values = walk(db, ok(db, f"let fuu = -1; {coll}.all().map(.foo * fuu)"), lambda page: page["data"])
    assert values == [[-i for i in range(1, 17)], [-i for i in range(17, 33)]]


def test_set_pagination_works_with_bang_operator(db, coll):
    mk_docs(db, coll, 32)
    values = walk(db, ok(db, f"{coll}.all().map(.foo!)"), lambda page: page["data"])
    assert values == [list(range(1, 17)), list(range(17, 33))]


def test_set_pagination_works_with_closed_over_globals(db, coll):
    docs = mk_docs(db, coll, 32)
    assert walk(db, ok(db, f"{coll}.all().where(d => (d == {coll}) || true)")) == [docs[:16], docs[16:]]


def test_cursor_serialization_index(db, coll):
    ok(db, f'{coll}.definition.update({{\n  indexes: {{\n    byBar: {{\n      terms: [{{ field: "bar" }}]\n    }}\n  }}\n}})')
    docs = mk_docs(db, coll, 48)
    page = ok(db, f"{coll}.byBar('baz')")
    assert ids(page) == docs[:16] and "after" in page
    second = paginate(db, page["after"])
    assert ids(second) == docs[16:32] and "after" in second


@pytest.mark.parametrize(
    ("case", "query", "pages"),
    [
        ("take", "{}.all().take(20)", [(0, 16), (16, 20)]),
        ("where", "{}.all().where(.foo <= 20)", [(0, 16), (16, 20)]),
        ("order", "{}.all().order(.foo)", [(0, 16), (16, 32), (32, 48)]),
    ],
)
def test_cursor_serialization(db, coll, case, query, pages):
    # "cursor serialization - take", "- where", "- order" (the spec reads two pages of the third; all here).
    docs = mk_docs(db, coll, 48)
    assert walk(db, ok(db, query.format(coll))) == [docs[lo:hi] for lo, hi in pages]


def test_cursor_serialization_projection(db, coll):
    docs = mk_docs(db, coll, 48)
    page = ok(db, f"{coll}.all() {{ id, null_key }}")
    assert ids(page) == docs[:16] and [d["null_key"] for d in page["data"]] == [None] * 16
    second = paginate(db, page["after"])
    assert ids(second) == docs[16:32] and [d["null_key"] for d in second["data"]] == [None] * 16
    assert "after" in second


_PERSON = """Collection.create({
  name: "Person",
  indexes: {
    byName: {
      terms: [{ field: "name" }],
      values: [{ field: "address" }]
    },
    byAge: {
      terms: [{ field: "age" }]
    }
  }
})"""


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ('{ city: "A", state: "B" }', '{ city: "Y", state: "Z" }', {"city": "Y", "state": "Z"}),
        ('[ "A", "B" ]', '[ "Y", "Z" ]', ["Y", "Z"]),
    ],
    ids=["pagination on indexed objects", "pagination on indexed arrays"],
)
def test_pagination_on_indexed_values(db, first, second, expected):
    ok(db, _PERSON)
    ok(db, f'Person.create({{ name: "A", address: {first} }})\nPerson.create({{ name: "A", address: {second} }})')
    page = ok(db, '\nlet page = Person.byName("A").paginate(1)\npage\n')
    found = paginate(db, page["after"])["data"][0]
    assert (found["name"], found["address"]) == ("A", expected)


def test_partial_value_projection(db):
    ok(db, _PERSON.replace('values: [{ field: "address" }]', 'values: [{ field: "address.nested" }]'))
    ok(db, 'Person.create({\n  name: "A",\n  address: {\n    city: "San Mateo"\n  },\n  tree: "green"\n})')
    # .address is a partial value, and is materialized.
    assert ok(db, 'Person.byName("A").map(.address)')["data"][0]["city"] == "San Mateo"


def _things(db: fql.Database, values: str) -> None:
    ok(db, f"""
Collection.create({{
  name: 'things',
  indexes: {{
    by_color__value_asc: {{
      terms: [{{ field: '.color' }}],
      values: [{{ field: '{values}' }}]
    }}
  }}
}})""")


def test_pagination_works_with_partials_in_tokens(db):
    _things(db, ".value.foo")
    ok(db, """
Set.sequence(0, 5).forEach(i => things.create({ value: { foo: i, color: "yellow" }, color: 'yellow' }))
Set.sequence(0, 5).forEach(i => things.create({ value: { foo: i, color: "purple" }, color: 'purple' }))""")
    query = """
let b = things.by_color__value_asc("yellow") { value }
let a = things.by_color__value_asc("purple") { value }
a.concat(b).order(.value.foo).pageSize(4)"""
    pairs = walk(db, ok(db, query), lambda page: [(d["value"]["foo"], d["value"]["color"]) for d in page["data"]])
    both = [[(i, "purple"), (i, "yellow")] for i in range(5)]
    assert pairs == [both[0] + both[1], both[2] + both[3], both[4]]


def test_pagination_works_with_docs_in_tokens(db):
    _things(db, ".value")
    ok(db, """
Set.sequence(0, 5).forEach(i => things.create({ value: i, color: 'yellow' }))
Set.sequence(0, 5).forEach(i => things.create({ value: i, color: 'purple' }))""")
    query = """
let b = things.by_color__value_asc("yellow")
let a = things.by_color__value_asc("purple")
a.concat(b).order(.value).pageSize(4)"""
    pairs = walk(db, ok(db, query), lambda page: [(d["value"], d["color"]) for d in page["data"]])
    both = [[(i, "purple"), (i, "yellow")] for i in range(5)]
    assert pairs == [both[0] + both[1], both[2] + both[3], both[4]]


def _decorated(foo_colors: list[tuple[int, str]], indent: str) -> str:
    items = [
        f"{indent}  {{\n{indent}    value: {{\n{indent}      foo: {foo},\n{indent}      color: \"{color}\"\n"
        f"{indent}    }}\n{indent}  }}"
        for foo, color in foo_colors
    ]
    return "[\n" + ",\n".join(items) + f"\n{indent}]"


def test_pagination_works_with_partials_decorated_format(db):
    _things(db, ".value.foo")
    ok(db, """
Set.sequence(0, 5).forEach(i => things.create({ value: { foo: i, color: "yellow" }, color: 'yellow' }))
Set.sequence(0, 5).forEach(i => things.create({ value: { foo: i, color: "purple" }, color: 'purple' }))""")
    lets = """
let b = things.by_color__value_asc("yellow") { value }
let a = things.by_color__value_asc("purple") { value }
a.concat(b).order(.value.foo)"""
    both = [[(i, "purple"), (i, "yellow")] for i in range(5)]
    taken = ok(db, lets + ".take(4)", fmt="decorated")
    assert taken == "{\n  data: " + _decorated(both[0] + both[1], "  ") + "\n}"
    token = ok(db, lets + ".pageSize(4).paginate().after", fmt="decorated")
    assert ok(db, f"\nSet.paginate({token}).data\n", fmt="decorated") == _decorated(both[2] + both[3], "")
    token = ok(db, f"\nSet.paginate({token}).after\n", fmt="decorated")
    assert ok(db, f"\nSet.paginate({token}).data\n", fmt="decorated") == _decorated(both[4], "")


def _t1_t2(db: fql.Database, second: int) -> None:
    ok(db, "\nCollection.create({\n  name: 't1',\n})\nCollection.create({\n  name: 't2',\n})\n")
    ok(db, f"\nSet.sequence(0, 5).forEach(i => t1.create({{ num: i }}))\nSet.sequence(0, {second}).forEach(i => t2.create({{ num: i }}))\n")


def _nums(page: dict) -> list[int]:
    return [inner["num"] for outer in page["data"] for inner in outer["data"]]


def test_pagination_works_with_set_tokens_in_set_tokens(db):
    _t1_t2(db, 5)
    page = ok(db, "\nt1.all().map(tt => t2.all().paginate(2)).order(.after).pageSize(2)\n")
    for expected in ([0, 1, 0, 1], [0, 1, 0, 1]):
        assert _nums(page) == expected
        inner = paginate(db, page["data"][0]["after"])
        assert [d["num"] for d in inner["data"]] == [2, 3]
        page = paginate(db, page["after"])
    assert _nums(page) == [0, 1] and "after" not in page


def test_pagination_works_with_nested_sets(db):
    _t1_t2(db, 20)
    page = ok(db, "\nt1.all().map(tt => t2.all()).order(.count()).pageSize(2)\n")
    for _ in range(2):
        assert _nums(page) == list(range(16)) * 2
        inner = paginate(db, page["data"][0]["after"])
        assert [d["num"] for d in inner["data"]] == [16, 17, 18, 19]
        page = paginate(db, page["after"])
    assert _nums(page) == list(range(16)) and "after" not in page


# -- pageSize ---------------------------------------------------------------------------------------------


def assert_paged(db: fql.Database, page: dict, expected: list[str], size: int = 2) -> None:
    """The spec's assertPaged: pages of `size` (tagged format) until `expected` is seen, then no `after`."""
    assert page["data"] == expected[:size]
    rest = expected[size:]
    if not rest:
        assert "after" not in page
        return
    assert_paged(db, ok(db, f'Set.paginate("{page["after"]}")', fmt="tagged"), rest, size)


def tagged_set(db: fql.Database, query: str) -> dict:
    return ok(db, query, fmt="tagged")["@set"]


TEN = [str(i) for i in range(10)]


@pytest.mark.parametrize(
    ("case", "queries", "expected"),
    [
        ("pageSize", ['\n["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]\n  .toSet()\n  .pageSize(2)\n'], TEN),
        (
            "pageSize + where",
            [
                "Set.sequence(1, 20).toSet().map(.toString()).pageSize(2).where(.startsWith(\"1\"))",
                "Set.sequence(1, 20).toSet().map(.toString()).where(.startsWith(\"1\")).pageSize(2)",
            ],
            ["1", *[str(i) for i in range(10, 20)]],
        ),
        (
            "pageSize + map",
            ["Set.sequence(0, 10).pageSize(2).map(.toString())", "Set.sequence(0, 10).map(.toString()).pageSize(2)"],
            TEN,
        ),
        (
            "pageSize + flatMap",
            [
                "Set.sequence(0, 5).pageSize(2).flatMap(x => Set.sequence(2*x, 2*x + 2)).map(.toString())",
                "Set.sequence(0, 5).flatMap(x => Set.sequence(2*x, 2*x + 2)).pageSize(2).map(.toString())",
            ],
            TEN,
        ),
        (
            "pageSize + reverse",
            [
                "Set.sequence(0, 10).pageSize(2).reverse().map(.toString())",
                "Set.sequence(0, 10).reverse().pageSize(2).map(.toString())",
            ],
            TEN[::-1],
        ),
        (
            "pageSize + take",
            [
                "Set.sequence(0, 10).pageSize(2).take(5).map(.toString())",
                "Set.sequence(0, 10).take(5).pageSize(2).map(.toString())",
            ],
            TEN[:5],
        ),
        (
            "pageSize + drop",
            [
                "Set.sequence(0, 10).pageSize(2).drop(5).map(.toString())",
                "Set.sequence(0, 10).drop(5).pageSize(2).map(.toString())",
            ],
            TEN[5:],
        ),
        (
            "pageSize + distinct",
            [
                '["0", "1", "2", "3", "4", "0", "1", "2", "3", "4"].toSet().pageSize(2).distinct()',
                '["0", "1", "2", "3", "4", "0", "1", "2", "3", "4"].toSet().distinct().pageSize(2)',
            ],
            TEN[:5],
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and value.startswith("pageSize") else "",
)
def test_page_size(db, case, queries, expected):
    for query in queries:
        assert_paged(db, tagged_set(db, query), expected)


@pytest.mark.parametrize("reverse", [False, True], ids=["pageSize + index", "pageSize + index + reverse"])
def test_page_size_index(db, coll, reverse):
    made = [ok(db, f"{coll}.create({{}}).id") for _ in range(15)]
    query = f"\n{coll}.all().pageSize(2){'.reverse()' if reverse else ''}.map(.id.toString())\n"
    assert_paged(db, tagged_set(db, query), made[::-1] if reverse else made)


def test_page_size_concat(db):
    """"pageSize + concat": a page size given after the concatenation holds; one given to its parts does
    not, the concatenation paging by the default size (16) (test_concatenation_pages_by_the_default_size
    in test_core_v10_api.py checks the same without the final `map`)."""
    before = tagged_set(db, "\nSet.sequence(0, 5)\n  .concat(Set.sequence(5, 10))\n  .pageSize(2)\n  .map(.toString())\n")
    assert_paged(db, before, TEN)
    after = tagged_set(db, "\nSet.sequence(0, 5)\n  .pageSize(2)\n  .concat(Set.sequence(5, 10).pageSize(2))\n  .map(.toString())\n")
    assert_paged(db, after, TEN, size=16)
