"""fql.schema.patch against core's SchemaPatchSpec (tests/schema/patch/core.txt), expected texts exactly as
core's spec gives them: as in core's spec, the files before and after are parsed, diffed, and the files
before patched by the diff; the patched files must parse."""

from __future__ import annotations

import pathlib

import pytest

from fql.schema import diff as d, patch
from fql.schema.items import Item
from fql.schema.parser import parse

CASES = pathlib.Path(__file__).parent / "patch"


def _text(lines: list[str]) -> str:
    if lines and lines[-1] == "\\ empty\n":
        return ""
    if lines and lines[-1] == "\\ no newline at end\n":
        return "".join(lines[:-1]).removesuffix("\n")
    return "".join(lines)


def _case(block: str) -> tuple[str, dict]:
    header, rest = block.split("\n", 1)
    case: dict = {"before": [], "after": [], "expected": [], "renames": {}}
    section: list[str] | None = None
    for line in rest.splitlines(keepends=True):
        if line.startswith("--- rename "):
            kind, old, _, new = line.removeprefix("--- rename ").split()
            case["renames"][(kind, new)] = old
        elif line.startswith("--- "):
            role, name = line.removeprefix("--- ").rstrip("\n").split(" ", 1)
            section = []
            case[role].append((name, section))
        else:
            section.append(line)
    for role in ("before", "after", "expected"):
        case[role] = [(name, _text(lines)) for name, lines in case[role]]
    return header, case


def _cases() -> list:
    found = []
    for path in sorted(CASES.glob("*.txt")):
        for block in path.read_text().split("\n=== ")[1:]:
            header, case = _case(block)
            found.append(pytest.param(case, id=header))
    return found


def _items(files: list[tuple[str, str]]) -> list[Item]:
    # `(null)` is core's Src.Null: items of no file, which go to main.fsl.
    return [item for name, text in files for item in parse(text, "" if name == "(null)" else name)]


@pytest.mark.parametrize("case", _cases())
def test_core_schema_patch_spec(case: dict) -> None:
    diffs = d.diff(_items(case["before"]), _items(case["after"]), case["renames"] or None)
    patched = patch.apply(diffs, dict(case["before"]))
    assert patched == dict(case["expected"])
    _items(list(patched.items()))


def test_duplicated_members_are_added_each():
    # SchemaPatchSpec:1058 patch generate duplicate items: the items after are built, not parsed.
    content = "\nrole foo {\n  privileges Agents { create }\n}\n"
    privilege = {"resource": "Agents", "actions": {"create": True}}
    after = Item("role", "foo", {"privileges": [privilege, privilege]})
    diffs = d.diff(parse(content, "main"), [after])
    assert patch.apply(diffs, {"main": content}, main="main") == {
        "main": "\nrole foo {\n  privileges Agents {\n    create\n  }\n  privileges Agents {\n    create\n  }\n}\n"
    }


def test_replace_with_keeps_lines_and_indentation():
    # Core's Span.replaceWith: a cut takes the spaces after it, or before it when a newline follows.
    assert patch.replace_with("a  b c", 3, 4, "") == "a  c"
    assert patch.replace_with("a\n  b\nc", 4, 5, "") == "a\nc"
    # A text of several lines starting a line takes that line's indentation.
    assert patch.replace_with("x {\n    y\n}", 8, 9, "p {\n  q\n}") == "x {\n    p {\n      q\n    }\n}"


def test_a_change_fql_cannot_place_writes_the_item_anew():
    # A new type for the wildcard a collection without fields has (core would write the type at the start
    # of the file): the item is generated in its place, past its doc comment.
    before = "// Foo.\ncollection Foo { history_days 1 }\n"
    after = Item("collection", "Foo", {"wildcard": "Int", "history_days": 1})
    diffs = d.diff(parse(before), [after])
    assert [type(c) for c in diffs[0].changes] == [d.ReplaceType]
    assert patch.apply(diffs, {"main.fsl": before}) == {
        "main.fsl": "// Foo.\ncollection Foo {\n  *: Int\n  history_days 1\n}\n"
    }
