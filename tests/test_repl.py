"""The REPL session loop, driven by scripted input: multi-line entries, Ctrl-C, Ctrl-D, commands, errors."""

from __future__ import annotations

import io

import pytest

import fql
from fql.repl import session as repl
from fql.repl.validator import is_complete

#: A scripted line that stands for Ctrl-C at that prompt.
CTRL_C = KeyboardInterrupt


def drive(*lines) -> tuple[int, str, str, list[str]]:
    """Run a session on `lines`; Ctrl-D after the last. Returns status, stdout, stderr and the prompts shown."""
    script = list(lines)
    prompts: list[str] = []

    def read(prompt: str) -> str:
        prompts.append(prompt)
        if not script:
            raise EOFError
        line = script.pop(0)
        if line is CTRL_C:
            raise KeyboardInterrupt
        return line

    out, err = io.StringIO(), io.StringIO()
    status = repl.Session(fql.connect(), read, out, err).run()
    return status, out.getvalue(), err.getvalue(), prompts


def test_one_line():
    status, out, err, prompts = drive("Add(1, 2)")
    assert (status, out, err) == (0, "3\n", "")
    assert prompts == [repl.PROMPT, repl.PROMPT]


def test_multi_line_entry_continues_while_brackets_are_open():
    status, out, _, prompts = drive("Let({", "  x: 1", "},", 'Var("x"))')
    assert out == "1\n"
    assert prompts[:4] == [repl.PROMPT, repl.CONTINUATION, repl.CONTINUATION, repl.CONTINUATION]


def test_each_expression_of_an_entry_is_printed():
    assert drive("1 2; 3")[1] == "1\n2\n3\n"


def test_ctrl_c_cancels_the_current_entry():
    status, out, err, prompts = drive("Add(1,", CTRL_C, "Add(2, 3)")
    assert (status, err) == (0, "")
    assert out == "\n5\n"
    assert prompts[:3] == [repl.PROMPT, repl.CONTINUATION, repl.PROMPT]


def test_ctrl_d_leaves():
    assert drive() == (0, "", "", [repl.PROMPT])


def test_input_ending_inside_an_entry_reports_it():
    status, out, err, _ = drive("Add(1,")
    assert status == 0 and out == ""
    assert err.startswith("invalid expression: Unexpected end of input")


def test_quit_stops_reading():
    status, out, _, prompts = drive("1", ":quit", "2")
    assert (status, out) == (0, "1\n")
    assert len(prompts) == 2


def test_errors_show_code_position_and_caret():
    status, out, err, _ = drive('Add(1, "a")', "2")
    assert out == "2\n"
    assert err == (
        "invalid argument: Number expected, String provided.\n"
        '  at position ["add", 1]\n'
        '  1 | Add(1, "a")\n'
        "    |        ^^^\n"
    )


def test_parse_error_shows_caret_and_the_session_goes_on():
    _, out, err, _ = drive("Add(1, ))", "7")
    assert out == "7\n"
    assert "  1 | Add(1, ))\n    |         ^\n" in err
    assert "Traceback" not in err


def test_an_error_stops_the_rest_of_the_entry():
    _, out, err, _ = drive('1 Abort("stop") 3')
    assert out == "1\n"
    assert err.startswith("transaction aborted: stop")


def test_entries_share_the_database():
    _, out, _, _ = drive('CreateCollection({name: "c"})', 'Exists(Collection("c"))')
    assert out.splitlines()[-1] == "true"


def test_format_command():
    _, out, _, _ = drive(":format json", '{a: Date("2020-01-01")}', ":format fql", "[1.5]")
    assert out == '{"a":{"@date":"2020-01-01"}}\n[1.5]\n'


def test_format_command_names_the_choices():
    _, _, err, _ = drive(":format xml")
    assert err == "The format is fql; choose one of: fql, json, tagged, simple.\n"


def test_help():
    _, out, _, _ = drive(":help", ":help Let", ":help NoSuchThing")
    assert ":quit" in out
    assert "Let(let, in)" in out
    assert "No function named 'NoSuchThing'." in out


def test_unknown_command():
    _, _, err, _ = drive(":frobnicate")
    assert "Unknown command ':frobnicate'" in err


def test_blank_lines_are_ignored():
    assert drive("", "   ", "1")[1] == "1\n"


def test_stream_reader():
    read = repl.stream_reader(io.StringIO("a\nb"))
    assert [read("> "), read("> ")] == ["a", "b"]
    with pytest.raises(EOFError):
        read("> ")


@pytest.mark.parametrize(
    "text, complete",
    [
        ("", True),
        ("Add(1, 2)", True),
        ("Add(1,", False),
        ("[1, {a: 2", False),
        ("Let({x: 1},\n  Var(\"x\"))", True),
        ("Add(1, ))", True),
        (":help Add(", True),
        ("1 2", True),
    ],
)
def test_is_complete(text, complete):
    assert is_complete(text) is complete
