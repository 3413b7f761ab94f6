"""Random calls of every catalogued function and method with random arguments: each answers a value or an
FQL error, never a Python exception (bad input gets a clear error, never a traceback). Fixed seeds keep the
runs repeatable; core's FQL2*FuzzSpec check invariants the same way, with random operations."""

from __future__ import annotations

import random
import re

import pytest

import fql
from fql.eval import catalog

ATOMS_V10 = [
    "0", "1", "-1", "2.5", "1e308", '"abc"', '""', '"a,b"', "null", "true", "false", "[]", "[1, 2, 3]", "[3, 1, 2]",
    "{}", "{ a: 1, b: [2] }", 'Time("2024-01-01T00:00:00Z")', 'Date("2024-01-01")', 'Bytes("AAEC")', "P.all()",
    "P.byN(1)", "P.all().first()", 'P.byId("1")', "(x) => x", "(x, y) => x", "(x) => x > 1", "[1, 2, 3].toSet()",
    "Math.PI", "9223372036854775807", "[[1], [2, [3]]]", 'ID("123")', "Time.now()", "P.all().pageSize(2)",
    '"\\u0000"', "-0.0", "Math.NaN", "Math.Infinity", "2147483648", "-2147483649",
]  # fmt: skip
RECEIVERS = {
    "String": ['"hello world"', '""', '"a,b,c"'], "Array": ["[1, 2, 3]", "[]", '[[1], 2, "x", null]'],
    "Set": ["P.all()", "[1, 2, 3].toSet()", "P.byN(2)"], "Time": ['Time("2024-01-01T00:00:00Z")'],
    "Date": ['Date("2024-02-29")'], "Bytes": ['Bytes("AAEC")'], "Document": ['P.byId("1")!', "P.all().first()!"],
    "Object": ["Object"], "Math": ["Math"], "UserCollection": ["P"], "Number": ["1", "2.5"], "Boolean": ["true"],
}  # fmt: skip
ATOMS_V4 = [
    "0", "1", "-1", "2.5", '"abc"', '""', "null", "true", "false", "[]", "[1, 2, 3]", "{}", "{a: 1, b: [2]}",
    'Time("2024-01-01T00:00:00Z")', 'Date("2024-01-01")', 'Ref(Collection("p"), "1")', 'Collection("p")',
    'Index("p_by_n")', 'Match(Index("p_by_n"), 1)', 'Documents(Collection("p"))', 'Lambda("x", Var("x"))',
    'Lambda(["x", "y"], Var("x"))', 'Var("nope")', "9223372036854775807", "[[1], [2, [3]]]",
    'Paginate(Documents(Collection("p")))', "{data: {n: 9}}", "Now()", "Collections()", "Keys()", "Tokens()",
]  # fmt: skip


def _v10_methods() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for entries in catalog.V10_FAMILIES.values():
        for entry in entries:
            owner, name = entry.split(".", 1)
            found.setdefault(owner, []).append(name)
    return found


def _survives(db: fql.Database, text: str, syntax: str) -> BaseException | None:
    try:
        db.query(text, syntax=syntax)
    except fql.FQLError:
        pass
    except Exception as err:  # noqa: BLE001 - what the test looks for
        return err
    return None


@pytest.mark.parametrize("seed", [1, 2])
def test_random_v10_calls_answer_or_fail_in_fql(seed):
    rng = random.Random(seed)
    db = fql.connect()
    db.query('Collection.create({ name: "P", indexes: { byN: { terms: [{ field: ".n" }], values: [{ field: ".s" }] } } })', syntax="v10")
    db.query('[1, 2, 3].forEach(n => P.create({ n: n, s: "s" + n.toString(), a: [n, n * 2], o: { k: n } }))', syntax="v10")
    methods, arities = _v10_methods(), {}

    def arity(owner: str, receiver: str, name: str) -> list[int]:
        # The arities the method takes (a wrong one is a static `invalid_query`, which fuzzes nothing).
        if (owner, name) not in arities:
            taken = []
            for n in range(4):
                try:
                    db.query(f"{receiver}.{name}({', '.join(['null'] * n)})", syntax="v10")
                    taken.append(n)
                except fql.FQLError as err:
                    if "expects" not in str(err):
                        taken.append(n)
            arities[owner, name] = taken or [0]
        return arities[owner, name]

    def expr(depth: int = 0) -> str:
        owner = rng.choice(sorted(RECEIVERS))
        receiver = rng.choice(RECEIVERS[owner])
        name = rng.choice(methods.get(owner) or ["toString"])
        if name in ("Infinity", "NaN", "PI", "E", "definition"):
            return f"{receiver}.{name}"
        args = [expr(depth + 1) if depth < 2 and rng.random() < 0.2 else rng.choice(ATOMS_V10)
                for _ in range(rng.choice(arity(owner, receiver, name)))]  # fmt: skip
        return f"{receiver}.{name}({', '.join(args)})"

    escaped = [(text, err) for text in (expr() for _ in range(600)) if (err := _survives(db, text, "v10"))]
    assert escaped == []


@pytest.mark.parametrize("seed", [1, 2])
def test_random_v4_calls_answer_or_fail_in_fql(seed):
    rng = random.Random(seed)
    db = fql.connect()
    db.query('CreateCollection({name: "p"})')
    db.query('CreateIndex({name: "p_by_n", source: Collection("p"), terms: [{field: ["data", "n"]}], '
             'values: [{field: ["data", "s"]}, {field: ["ref"]}]})')  # fmt: skip
    db.query('Foreach([1, 2, 3], Lambda("n", Create(Ref(Collection("p"), Var("n")), {data: {n: Var("n")}})))')
    names = sorted(set(re.findall(r"\b([A-Z][A-Za-z]+)\b", catalog.table())) - {"Abort"})

    def expr(depth: int = 0) -> str:
        args = [expr(depth + 1) if depth < 2 and rng.random() < 0.25 else rng.choice(ATOMS_V4)
                for _ in range(rng.choice([0, 1, 1, 2, 2, 3]))]  # fmt: skip
        return f"{rng.choice(names)}({', '.join(args)})"

    escaped = [(text, err) for text in (expr() for _ in range(600)) if (err := _survives(db, text, "v4"))]
    assert escaped == []
