"""The REPL's pretty printer: the one-line notation when it fits, else indented lines; long pages cut short."""

from __future__ import annotations

import pytest

import fql
from fql.render import to_fql, to_fql10
from fql.repl.pretty import colour, colour_error, layout, pretty, shorten
from fql.repl.printer import result_text
from fql.values import Page, Ref, collection_ref

DOC = {"ref": Ref("1", collection_ref("spells")), "ts": 1, "data": {"name": "Fire", "tags": ["hot", "red"]}}


@pytest.mark.parametrize(
    "value",
    [1, 1.0, "a \"quoted\" (text)", [], {}, [1, [2, {"a": None}]], DOC, Page([DOC], after=[1], has_after=True)],
)
def test_short_values_are_the_one_line_notation(value):
    assert pretty(value, "v4", width=200) == to_fql(value)
    assert pretty(value, "v10", width=200) == to_fql10(value)


def test_long_values_break_at_their_outer_brackets():
    assert pretty(DOC, width=50) == (
        "{\n"
        '  ref: Ref(Collection("spells"), "1"),\n'
        "  ts: 1,\n"
        '  data: { name: "Fire", tags: ["hot", "red"] }\n'
        "}"
    )


def test_inner_values_break_when_they_do_not_fit_either():
    assert pretty({"data": DOC["data"]}, width=24) == (
        "{\n"
        "  data: {\n"
        '    name: "Fire",\n'
        '    tags: ["hot", "red"]\n'
        "  }\n"
        "}"
    )


def test_calls_break_only_when_nothing_else_fits():
    assert layout('Ref(Collection("spells"), "1")', 28) == 'Ref(\n  Collection("spells"),\n  "1"\n)'


def test_brackets_and_commas_in_strings_and_comments_do_not_count():
    text = '["a, [b", People("1") /* not (found), */]'
    assert layout(text, 40) == '[\n  "a, [b",\n  People("1") /* not (found), */\n]'


def test_unbalanced_text_is_left_alone():
    assert layout("[function <lambda>", 5) == "[function <lambda>"


def test_long_pages_show_their_first_elements():
    page = Page(list(range(25)), after=[25], has_after=True)
    assert pretty(page, width=200, preview=3) == "{ after: [25], data: [0, 1, 2, ... (22 more)] }"
    assert pretty(page, "v10", width=200, preview=3) == "{ data: [0, 1, 2, ... (22 more)], after: [25] }"


def test_pages_inside_values_are_shortened_and_arrays_are_not():
    value = {"page": Page([1, 2, 3]), "array": [1, 2, 3]}
    assert to_fql(shorten(value, 1)) == "{ page: { data: [1, ... (2 more)] }, array: [1, 2, 3] }"


def test_a_page_of_exactly_the_preview_is_whole():
    assert pretty(Page([1, 2]), preview=2) == "{ data: [1, 2] }"


def test_colour_keeps_the_text():
    coloured = colour('{ a: "x" }', "v4")
    assert "\x1b[" in coloured
    assert _plain(coloured) == '{ a: "x" }'
    assert _plain(colour('{"a":1}', "json")) == '{"a":1}'
    assert _plain(colour_error("code: text\n  at")) == "code: text\n  at"


def _plain(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_database_results():
    db = fql.connect()
    db.query('CreateCollection({ name: "spells" })')
    db.query('Foreach([1, 2, 3], Lambda("i", Create(Collection("spells"), { data: { i: Var("i") } })))')
    shown = pretty(db.query('Paginate(Documents(Collection("spells")))'), width=60, preview=2)
    lines = shown.splitlines()
    assert lines[0] == "{" and lines[1] == "  data: [" and lines[-1] == "}"
    assert lines[-3:-1] == ["    ... (1 more)", "  ]"]


def test_arrays_of_scalars_fill_their_lines():
    value = {"names": ["Flounder", "Sebastian", "Scuttle", "Ursula", "Flotsam", "Jetsam"], "n": [1, 2]}
    assert pretty(value, width=36) == (
        "{\n"
        "  names: [\n"
        '    "Flounder", "Sebastian",\n'
        '    "Scuttle", "Ursula", "Flotsam",\n'
        '    "Jetsam"\n'
        "  ],\n"
        "  n: [1, 2]\n"
        "}"
    )


def test_arrays_of_refs_and_objects_take_a_line_each():
    refs = [Ref(str(n), collection_ref("spells")) for n in range(2)]
    assert pretty(refs, width=40) == '[\n  Ref(Collection("spells"), "0"),\n  Ref(Collection("spells"), "1")\n]'
    assert pretty([{"a": 1}, {"b": 2}], width=10) == "[\n  { a: 1 },\n  { b: 2 }\n]"


def test_a_value_nested_deeper_than_the_stack_prints():
    # 3000 arrays deep: printed on a deep thread (fql/stack.py), and opened only to half the width.
    db = fql.connect()
    value = db.query("Set.sequence(0, 3000).fold([], (acc, x) => [acc])", syntax="v10")
    lines = pretty(value, "v10", width=40).splitlines()
    assert lines[0] == "[" and lines[-1] == "]"
    assert max(len(line) - len(line.lstrip()) for line in lines) == 20
    assert "".join(line.strip() for line in lines) == result_text(value, "fql", "v10")
