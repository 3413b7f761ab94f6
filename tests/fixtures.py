"""Data-driven cases: `tests/fixtures/v4/*.fql` hold queries with their expected results in comments.

    Add(1, 2)
    // => 3

    Add(1, "a")
    // error: invalid argument
    // description: Number expected, String provided.
    // position: ["add", 1]

`// => expr` compares by Fauna equality with the value of `expr` (evaluated after the query, in the same
database); `// =~ regex` matches the result's FQL text; `// error:` gives the code, optionally with
`// description:` and `// position:` (JSON); `// typecheck: off` runs a v10 query without the static
check (as `X-Typecheck: false` does), for what it does at runtime. Other `//` lines are comments. A file's cases run in order
against one fresh database, so later cases see what earlier ones wrote.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from attrs import define, field

from fql import ast
from fql.eval import registry

FIXTURES = Path(__file__).parent / "fixtures"
_DIRECTIVE = re.compile(r"^//\s*(=>|=~|error:|description:|position:|typecheck:)\s?(.*)$")


@define
class Case:
    query: str
    line: int
    expect: str | None = None
    match: str | None = None
    error: str | None = None
    description: str | None = None
    position: list | None = None
    typecheck: bool = True
    extra: dict = field(factory=dict)


def load(path: Path) -> list[Case]:
    cases: list[Case] = []
    query: list[str] = []
    start = 0
    current: Case | None = None
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.rstrip()
        m = _DIRECTIVE.match(line.strip())
        if m:
            kind, rest = m.groups()
            if current is None:
                current = Case("\n".join(query).strip(), start)
                cases.append(current)
                query = []
            if kind == "=>":
                current.expect = rest
            elif kind == "=~":
                current.match = rest
            elif kind == "error:":
                current.error = rest.strip()
            elif kind == "description:":
                current.description = rest.strip()
            elif kind == "position:":
                current.position = json.loads(rest)
            elif kind == "typecheck:":
                current.typecheck = rest.strip() != "off"
            continue
        if line.strip().startswith("//") or not line.strip():
            if line.strip() and query:
                query.append(line)
            continue
        if current is not None:
            current = None
        if not query:
            start = number
        query.append(line)
    if current is None and "\n".join(query).strip():
        raise ValueError(f"{path}: the query at line {start} has no expectation")
    return cases


def canonical(node: ast.Node) -> ast.Node:
    """The node with every call named by its lookup key, so driver spellings compare equal."""
    if isinstance(node, ast.Call):
        return ast.Call(registry.normalise(node.name), tuple(canonical(a) for a in node.args))
    if isinstance(node, ast.Object):
        return ast.Object(tuple((k, canonical(v)) for k, v in node.pairs))
    if isinstance(node, ast.Array):
        return ast.Array(tuple(canonical(i) for i in node.items))
    if isinstance(node, ast.Program):
        return ast.Program(tuple(canonical(b) for b in node.body))
    return node
