"""Core's FQL2SetFuzzSpec, FQL2ArrayFuzzSpec and their generators (ext/model/src/test/scala/fql2/fuzz/), as
seeded random cases: the same data (a `User` collection of eight documents with two indexes and a unique
constraint, and `Junk`), the same expressions (number arithmetic over a lambda's parameter; sets from
arrays, `Set.single`, `Set.sequence`, a collection and two indexes; chains of `map`, `flatMap`, `where`,
`take`, `drop`, `concat`, `reverse`, `toArray().toSet()` and `distinct`, here also `order` and `pageSize`)
and the same properties, run untypechecked as core runs them:

- an arithmetic expression gives a number;
- a chain's `toArray()` gives an array, `paginate(n)` a page of at most n whose `after` (read back through
  `Set.paginate`) leads to full pages and a last one of at most n;
- a chain's values written to documents and read back as a set chain the same way;
- an array chain's `at(i)` gives a value or `index_out_of_bounds`.

A case that fails as core's `isValidRes` excuses (`stack_overflow`, `divide_by_zero`, `invalid_bounds`) is no
test. fql checks more than core's properties do: the pages, concatenated, are the chain's `toArray()`, and
`count()` is its length. Core draws 5,000 cases a property when its fuzz flag is set; here a fixed seed draws
a few hundred, every run the same.
"""

from __future__ import annotations

import random

import pytest

import fql
from fql.errors import FQLError
from tests.helpers import query_v10 as q

SCHEMA = """Collection.create({
  name: "User",
  indexes: {
    byLetter: { terms: [{ field: "letter" }] },
    byName: { terms: [{ field: "name" }] }
  },
  constraints: [{ unique: ["name", "number"] }]
})
Collection.create({ name: "Junk" })"""

USERS = """[{ name: "Adam", number: 1, letter: "A" },
{ name: "Benjamin", number: 2, letter: "A" },
{ name: "Christina", number: 3, letter: "A" },
{ name: "David", number: 4, letter: "A" },
{ name: "Erica", number: 5, letter: "B" },
{ name: "Francis", number: 6, letter: "B" },
{ name: "Gilligan", number: 7, letter: "B" },
{ name: "Harriet", number: 8, letter: "B" }].map(User.create)"""

#: The failures core's isValidRes counts as no test at all.
NO_TEST = {"stack_overflow", "divide_by_zero", "invalid_bounds"}
COMPARISONS = ["<", "<=", ">", ">=", "==", "!="]
CASES = 300


@pytest.fixture(scope="module")
def db() -> fql.Database:
    db = fql.connect()
    q(db, SCHEMA)
    q(db, USERS)
    return db


def number(rng: random.Random, var: str | None, max_depth: int = 5, depth: int = 0) -> str:
    """CommonGenerators.basicExpr: a literal 0-100, the variable, or +, -, * of two, / or % by 2."""
    choices = ["literal"] + (["+", "-", "*", "/", "%"] if depth < max_depth else []) + (["var"] if var else [])
    choice = rng.choice(choices)
    if choice == "literal":
        return str(rng.randint(0, 100))
    if choice == "var":
        return var
    left = number(rng, var, max_depth, depth + 1)
    if choice in "/%":
        return f"{left} {choice} 2"
    right = number(rng, var, max_depth, depth + 1)
    return f"{left} * {right}" if choice == "*" else f"({left} {choice} {right})"


def integers(rng: random.Random) -> str:
    return ", ".join(str(rng.randint(-1000, 1000)) for _ in range(rng.randint(1, 8)))


#: The sets of numbers both generators draw from the collection and its indexes.
STORED_SETS = ["User.all().map(.number)", 'User.byLetter("A").map(x => x.number)',
               'User.byName("Adam").map(x => x.name.length)']


def sequence(rng: random.Random) -> str:
    start = rng.randint(-100, 100)
    return f"Set.sequence({start}, {rng.randint(start, 100)})"


def standalone_set(rng: random.Random) -> str:
    """SetGenerators.standaloneSet."""
    kind = rng.randrange(6)
    if kind == 0:
        return f"[{integers(rng)}].toSet()"
    if kind == 1:
        return f"Set.single({rng.randint(-100, 100)})"
    return sequence(rng) if kind == 2 else STORED_SETS[kind - 3]


def set_chain(rng: random.Random, length: int) -> str:
    """SetGenerators.setChain, `length` calls on `set`, with `order` and `pageSize` besides core's."""
    chain = "set"
    for _ in range(length):
        kind = rng.randrange(13)
        chain += [
            lambda: f".map(v => {number(rng, 'v')})",
            lambda: f".flatMap(v => [{number(rng, 'v')}, {number(rng, 'v')}].toSet())",
            lambda: f".where(v => v {rng.choice(COMPARISONS)} {number(rng, None, 2)})",
            lambda: f".take({rng.randint(1, 10)})",
            lambda: f".drop({rng.randint(1, 10)})",
            lambda: f".concat({standalone_set(rng)})",
            lambda: ".reverse()",
            lambda: ".toArray().toSet()",
            lambda: ".distinct()",
            lambda: ".order()",
            lambda: ".order(desc(v => v))",
            lambda: f".order(v => {number(rng, 'v', 2)})",
            lambda: f".pageSize({rng.randint(1, 7)})",
        ][kind]()
    return chain


def standalone_array(rng: random.Random) -> str:
    """ArrayGenerators.standaloneArray."""
    kind = rng.randrange(5)
    if kind == 0:
        return f"[{integers(rng)}]"
    return (sequence(rng) if kind == 1 else STORED_SETS[kind - 2]) + ".toArray()"


def array_chain(rng: random.Random, length: int) -> str:
    """ArrayGenerators.arrayChain."""
    chain = "arr"
    for _ in range(length):
        kind = rng.randrange(6)
        if kind == 0:
            chain += f".prepend({rng.randint(-1000, 1000)})"
        elif kind == 1:
            chain += f".append({rng.randint(-1000, 1000)})"
        elif kind == 2:
            chain = f"[{chain}, {standalone_array(rng)}].flatten()"
        elif kind == 3:
            chain += f".filter(v => v {rng.choice(COMPARISONS)} {number(rng, None, 2)})"
        elif kind == 4:
            chain += f".slice({rng.randint(1, 10)})"
        else:
            chain += ".toSet().toArray()"
    return chain


def run(db: fql.Database, text: str):
    """The value of `text`, untypechecked as core's fuzz specs run it, or the code of its FQL error."""
    try:
        return True, q(db, text, typecheck=False)
    except FQLError as error:
        return False, error.v10_code


def all_pages(db: fql.Database, text: str, size: int) -> tuple[list, list[str]]:
    """Every element of `text`'s pages of `size`, following `after`, and what is wrong with the pages."""
    ok, page = run(db, text)
    if not ok:
        return [], [f"paginate failed: {page}"]
    elements: list = []
    wrong: list[str] = []
    while True:
        data, after = list(page["data"]), page.get("after")
        elements += data
        if after is not None and len(data) != size:
            wrong.append(f"a page of {len(data)} before the last, paginated by {size}")
        if after is None and len(data) > size:
            wrong.append(f"a last page of {len(data)}, paginated by {size}")
        if after is None or wrong:
            return elements, wrong
        ok, page = run(db, f'Set.paginate("{after}")')
        if not ok:
            return elements, [f"Set.paginate(after) failed: {page}"]


def test_arithmetic_gives_a_number(db):
    """FQL2SetFuzzSpec "simple"."""
    rng = random.Random(10)
    failures = []
    for _ in range(CASES):
        text = f"let v = 5; {number(rng, 'v')}"
        ok, value = run(db, text)
        if ok and not isinstance(value, (int, float)) or not ok and value not in NO_TEST:
            failures.append((text, value))
    assert failures == []


def test_set_chain_to_array_and_pages(db):
    """FQL2SetFuzzSpec "set.toArray()" and "set.paginate()", and the pages are the array."""
    rng = random.Random(20)
    failures = []
    for _ in range(CASES):
        text = f"let set = {standalone_set(rng)}\n{set_chain(rng, rng.randint(0, 6))}"
        size = rng.randint(1, 30)
        ok, array = run(db, f"{text}.toArray()")
        if not ok:
            if array not in NO_TEST:
                failures.append((text, array))
            continue
        if not isinstance(array, list):
            failures.append((text, array))
            continue
        ok, count = run(db, f"{text}.count()")
        if count != len(array):
            failures.append((text, f"count() {count} of {len(array)} elements"))
        elements, wrong = all_pages(db, f"{text}.paginate({size})", size)
        if wrong or elements != array:
            failures.append((text, size, wrong or f"pages {elements} for {array}"))
    assert failures == []


def test_set_chain_over_written_documents(db):
    """FQL2SetFuzzSpec "set.map(create).map()": the chain's values written to `Junk` documents and read back
    as a set, the chain over that set gives an array."""
    rng = random.Random(30)
    failures = []
    for _ in range(CASES // 3):
        chain = set_chain(rng, rng.randint(0, 4))
        text = (f"let set = {standalone_set(rng)}\n"
                f"let docs = {chain}.toArray().map(x => Junk.create({{ value: x }}))\n"
                f"let set = docs.map(.value).toSet()\n"
                f"{chain}.toArray()")
        ok, array = run(db, text)
        if not ok and array not in NO_TEST or ok and not isinstance(array, list):
            failures.append((text, array))
    assert failures == []


def test_array_chain_at(db):
    """FQL2ArrayFuzzSpec "array.at()": a value, or `index_out_of_bounds`."""
    rng = random.Random(40)
    failures = []
    for _ in range(CASES):
        text = f"let arr = {standalone_array(rng)}\n{array_chain(rng, rng.randint(0, 6))}.at({rng.randint(1, 40)})"
        ok, value = run(db, text)
        if not ok and value not in NO_TEST | {"index_out_of_bounds"}:
            failures.append((text, value))
    assert failures == []
