"""The `fql` command line: run/-e/--format json/--ast, error reports and exit statuses."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from fql import cli
from tests.helpers import run_cli as fql


@pytest.fixture
def script(tmp_path):
    def write(text: str) -> str:
        path = tmp_path / "script.fql"
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def test_run_prints_each_result(script):
    path = script('Add(1, 2)\nLet({x: "é"}, Var("x"))\n[1.0, null, {a: true}]\n')
    assert fql("run", path) == (0, '3\n"é"\n[1.0, null, { a: true }]\n', "")


def test_run_stdin():
    assert fql("run", "-", stdin="Add(1, 2); Add(3, 4)") == (0, "3\n7\n", "")


def test_run_json_format(script):
    path = script('{a: Time("1970-01-01T00:00:00Z"), "@b": 1}\nCollection("c")')
    status, out, _ = fql("run", path, "--format", "json")
    assert status == 0
    first, second = out.splitlines()
    assert first == '{"@obj":{"a":{"@ts":"1970-01-01T00:00:00Z"},"@b":1}}'
    assert json.loads(second) == {"@ref": {"id": "c", "collection": {"@ref": {"id": "collections"}}}}


def test_format_before_the_command_is_kept(script):
    assert fql("--format", "json", "run", script("[1, 2]")) == (0, "[1,2]\n", "")


def test_run_stops_at_the_first_error(script):
    path = script('1\nAdd(1,\n  "a")\n3\n')
    status, out, err = fql("run", path)
    assert (status, out) == (1, "1\n")
    assert err == (
        "invalid argument: Number expected, String provided.\n"
        '  at position ["add", 1]\n'
        '  3 |   "a")\n'
        "    |   ^^^\n"
    )


def test_run_keep_going(script):
    status, out, err = fql("run", script('Abort("first")\n2\nAbort("second")\n4'), "--keep-going")
    assert (status, out) == (1, "2\n4\n")
    assert err.count("transaction aborted:") == 2


def test_json_format_refuses_a_v10_document_clearly(script):
    # v4 wire JSON has no form for a v10 document: the user is told which formats have, not "internal error".
    path = script('Collection.create({ name: "P" })\n1 + 1\n')
    status, out, err = fql("run", path, "--format", "json", "--keep-going")
    assert (status, out) == (1, "2\n")
    assert err == (
        "fql: Cannot render a Document value as v4 JSON. Use the tagged, simple or decorated format for v10 results.\n"
    )
    status, out, err = fql("-e", 'Collection.create({ name: "P" })', "--format", "json")
    assert (status, out) == (1, "") and err.startswith("fql: Cannot render a Document value as v4 JSON.")


def test_run_quiet(script):
    assert fql("run", script("1\n2"), "--quiet") == (0, "", "")


def test_each_expression_is_its_own_transaction(script):
    path = script('CreateCollection({name: "c"})\nDo(CreateCollection({name: "d"}), Abort("no"))\n'
                  'Exists(Collection("c"))\nExists(Collection("d"))')
    status, out, err = fql("run", path, "--keep-going", "--quiet")
    assert status == 1 and "transaction aborted: no" in err
    status, out, err = fql("run", path, "--keep-going")
    assert out.splitlines()[-2:] == ["true", "false"]


def test_parse_error_shows_line_column_and_caret(script):
    status, out, err = fql("run", script("Add(1, 2)\nAdd(1, ))\n"))
    assert (status, out) == (1, "")
    lines = err.splitlines()
    assert lines[0].startswith("invalid expression: Unexpected ')'")
    assert lines[1:] == ["  at line 2, column 9", "  2 | Add(1, ))", "    |         ^"]


def test_nested_error_caret_points_at_the_argument():
    status, _, err = fql("-e", 'Map([1], Lambda("x", Add(Var("x"), "a")))')
    assert status == 1
    assert '["map", "expr", "add", 1]' in err
    assert err.splitlines()[-1] == "    |" + " " * 36 + "^^^"


def test_eval():
    assert fql("-e", 'Add(1, 2)') == (0, "3\n", "")
    assert fql("-e", 'Query(Lambda("x", Var("x")))', "--format", "json") == (
        0,
        '{"@query":{"api_version":"4","lambda":"x","expr":{"var":"x"}}}\n',
        "",
    )


def test_eval_is_one_transaction():
    assert fql("-e", 'CreateCollection({name: "c"}) Exists(Collection("c"))') == (0, "true\n", "")


def test_eval_error():
    status, out, err = fql("-e", 'Var("nope")')
    assert (status, out) == (1, "")
    assert err.startswith("invalid expression: Variable 'nope' is not defined.\n")


def test_a_v10_type_error_shows_every_check(script):
    status, out, err = fql("run", "--syntax", "v10", script("{ a: 1.foo, b: 2.bar }\n"))
    assert (status, out) == (1, "")
    assert err.startswith("invalid_query: Type `Int` does not have field `foo`\nerror: Type `Int` does not have field")
    assert "\n\nerror: Type `Int` does not have field `bar`\nat *query*:1:18\n" in err


def test_ast():
    status, out, _ = fql("-e", "Add(1, 2)", "--ast")
    assert status == 0 and "Call(" in out and "Literal(" in out


def test_ast_of_a_file(script):
    status, out, _ = fql("run", script("1 2"), "--ast")
    assert status == 0 and out.count("Literal(") == 2


def test_missing_file():
    status, out, err = fql("run", "/nonexistent/x.fql")
    assert (status, out) == (1, "")
    assert err.startswith("fql: cannot read /nonexistent/x.fql:")


def test_version():
    status, out, _ = fql("--version")
    assert status == 0 and out.startswith("fql ")


def test_usage_error_exits_2():
    status, _, err = fql("run")
    assert status == 2 and "usage:" in err


def test_help():
    status, out, _ = fql("--help")
    assert status == 0 and "usage:" in out


def test_unsupported_database_url():
    status, _, err = fql("-e", "1", "--db", "mysql://x")
    assert status == 1 and err.startswith("invalid argument: Unsupported database URL")


def test_unexpected_exception_is_one_line(monkeypatch):
    def broken(url):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "connect", broken)
    status, _, err = fql("-e", "1")
    assert (status, err) == (2, "internal error: RuntimeError: boom\n")


def test_repl_from_stdin():
    assert fql("repl", stdin="Add(1,\n 2)\n:quit\n") == (0, "3\n", "")


def test_repl_from_stdin_exits_1_when_an_entry_failed():
    # As `fql run` exits 1: the entries after the failed one still run.
    status, out, err = fql("repl", stdin='Add(1, "a")\n2\n')
    assert (status, out) == (1, "2\n")
    assert err.startswith("invalid argument: Number expected, String provided.")
    assert fql("repl", stdin="1 +* 2\n3\n")[:2] == (1, "3\n")


def test_no_command_opens_the_repl():
    assert fql(stdin="[1,\n2]\n") == (0, "[1, 2]\n", "")


def test_console_script():
    done = subprocess.run(
        [sys.executable, "-m", "fql", "-e", 'Add(1, "a")'], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("invalid argument: Number expected, String provided.")
    assert "Traceback" not in done.stderr


def test_a_database_that_cannot_be_opened_is_not_an_internal_error(tmp_path):
    status, out, err = fql("-e", "1", "--db", f"sqlite://{tmp_path}/missing/dir/x.db")
    assert (status, out) == (1, "")
    assert err == f"unavailable: Cannot open the SQLite database {tmp_path}/missing/dir/x.db: unable to open database file\n"


@pytest.mark.parametrize("source", ["file", "stdin"])
def test_a_script_not_utf8_is_refused(tmp_path, source):
    # Standard input is decoded from its bytes, strictly: a pipe's text stream passes them on as surrogates.
    data = b'Add(1, "\xff\xfe")\n'
    (tmp_path / "bad.fql").write_bytes(data)
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="surrogateescape")
    out, err = io.StringIO(), io.StringIO()
    name = "-" if source == "stdin" else str(tmp_path / "bad.fql")
    assert cli.run(["run", name], stdin=stdin, stdout=out, stderr=err) == 1
    assert (out.getvalue(), err.getvalue()) == ("", f"fql: cannot read {name}: not UTF-8 text (invalid start byte at byte 8)\n")


def test_a_script_with_crlf_line_ends(tmp_path):
    (tmp_path / "crlf.fql").write_bytes(b'Add(1,\r\n  2)\r\n"a"\r\n')
    stdin = io.TextIOWrapper(io.BytesIO(b"Add(1,\r\n  2)\r\n"), encoding="utf-8")
    assert fql("run", str(tmp_path / "crlf.fql")) == (0, '3\n"a"\n', "")
    out = io.StringIO()
    assert cli.run(["run", "-"], stdin=stdin, stdout=out, stderr=io.StringIO()) == 0 and out.getvalue() == "3\n"


def test_an_expression_not_utf8_is_refused():
    # Python reads a command line's bytes that are not UTF-8 as surrogates.
    assert fql("-e", 'Concat(["\udcff"])') == (1, "", "fql: -e: not UTF-8 text (at character 9)\n")


def test_ctrl_c_says_interrupted_and_exits_130(monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "connect", interrupted)
    assert fql("-e", "1") == (130, "", "interrupted\n")


@pytest.mark.parametrize("argv", [["--schema", "s", "--db", "sqlite:x.db", "serve"], ["serve", "--schema", "s", "--db", "sqlite:x.db"]])
def test_serve_keeps_db_and_schema_given_on_either_side(argv):
    # `fql --schema DIR serve` served without the schema: serve's own --schema defaulted to None.
    args = cli._parser().parse_args(argv)
    assert (args.schema, args.db) == ("s", "sqlite:x.db")


@pytest.mark.parametrize("syntax", ["auto", "v4"])
@pytest.mark.parametrize("text", ["", "  // nothing"])
def test_an_empty_v4_query_is_refused_as_core_refuses_an_empty_body(syntax, text):
    assert fql("--syntax", syntax, "-e", text) == (1, "", "invalid expression: No query provided.\n")


def test_an_empty_v10_query_is_refused_as_v10s_parser_refuses_it():
    status, out, err = fql("--syntax", "v10", "-e", "")
    assert (status, out) == (1, "")
    assert err.startswith("invalid_query: The query failed 1 validation check\n")
    assert "error: Unexpected end of query. Expected statement or expression\nat *query*:1:1\n" in err


def test_a_v10_syntax_error_is_reported_as_fauna_v10_reports_it():
    # Fauna's v10 API: invalid_query, "The query failed 1 validation check", then the error's summary.
    assert fql("--syntax", "v10", "-e", "1 +* 2") == (
        1,
        "",
        "invalid_query: The query failed 1 validation check\n"
        "error: Expected expression\nat *query*:1:4\n  |\n1 | 1 +* 2\n  |    ^\n  |\n",
    )


def test_a_mixed_v4_and_v10_file_gets_a_note_on_auto_syntax(script):
    # `--syntax auto` reads a whole file in one syntax; a v4 call beside v10 failed with a bare
    # `Unbound variable `Add``, which did not say why. fql's note follows Fauna's error, unchanged.
    path = script('Add(1, 2)\nCollection.create({ name: "X" })\n')
    status, out, err = fql("run", path)
    assert (status, out) == (1, "")
    assert err.startswith("invalid_query: Unbound variable `Add`\n")
    assert err.endswith(
        "note: the auto syntax read the whole text as FQL v10, where `Add` is not a function (it is FQL v4's); "
        "put v4 and v10 queries in separate files, or choose v4\n"
    )
    status, _, err = fql("-e", "Add(1, 2); [1].map(x => x)")
    assert status == 1 and "put v4 and v10 queries in separate -e runs" in err
    # Not when the syntax was chosen, nor for a name v4 lacks.
    assert "note:" not in fql("--syntax", "v10", "run", path)[2]
    assert "note:" not in fql("-e", "nope(1); [1].map(x => x)")[2]


def test_ast_without_an_expression_or_file_is_refused():
    # `fql --ast` and `fql repl --ast` started the shell and ignored --ast; `fql repl` no longer lists it.
    status, out, err = fql("--ast", stdin="Add(1, 2)\n")
    assert (status, out) == (2, "")
    assert err == "fql: --ast prints the AST of -e EXPR or of run FILE; the REPL has none to print\n"
    status, out, err = fql("repl", "--ast", stdin="Add(1, 2)\n")
    assert (status, out) == (2, "")
    assert err.endswith("fql: error: unrecognized arguments: --ast\n")


def test_each_command_help_says_what_it_does():
    # `fql repl --help` (and every other command's) showed only the usage and options.
    assert fql("repl", "--help")[1].split("\n\n")[1] == "The interactive shell (the default)."
    assert fql("run", "--help")[1].split("\n\n")[1] == "Run each top-level expression of FILE as its own query."
    assert "Write the database's .fsl files into DIR." in fql("schema", "pull", "--help")[1]


def test_run_reads_a_file_with_a_byte_order_mark(tmp_path):
    # A BOM (and CRLF lines), as Windows editors save UTF-8, was "Unexpected character '\\ufeff'".
    path = tmp_path / "bom.fql"
    path.write_bytes(b"\xef\xbb\xbfAdd(1, 2)\r\nConcat([\"\xc3\xa9\", \"a\"])\r\n")
    assert fql("run", str(path)) == (0, '3\n"\u00e9a"\n', "")
    out, err = io.StringIO(), io.StringIO()
    stdin = io.TextIOWrapper(io.BytesIO(path.read_bytes()), encoding="utf-8")
    assert cli.run(["run", "-"], stdin=stdin, stdout=out, stderr=err) == 0
    assert (out.getvalue(), err.getvalue()) == ('3\n"\u00e9a"\n', "")


def test_e_with_a_command_is_refused(script):
    # `fql -e X run FILE` printed X's value and never ran FILE.
    path = script("Add(1, 2)\n")
    for argv in (("-e", "1", "run", path), ("-e", "1", "repl"), ("-e", "1", "coverage")):
        status, out, err = fql(*argv)
        assert (status, out) == (2, "")
        assert err == f"fql: -e EXPR runs one query; it cannot be given with the {argv[2]} command\n"


def test_schema_pull_of_a_database_without_schema_says_so(tmp_path):
    # It printed nothing and wrote nothing, which looked like a failure to write.
    status, out, err = fql("schema", "pull", str(tmp_path / "out"))
    assert (status, out, err) == (0, "The database has no schema files; nothing written.\n", "")
    assert not (tmp_path / "out").exists()


def test_run_of_a_deeply_nested_v4_file_with_auto_syntax(script):
    # `--syntax auto` walked the parsed text recursively: 3000 nested calls were
    # "internal error: RecursionError", while `--syntax v4` ran the same file.
    path = script("Add(" * 3000 + "1" + ")" * 3000 + "\n")
    assert fql("run", path) == (0, "1\n", "")
    assert fql("--syntax", "v4", "run", path) == (0, "1\n", "")


def test_an_error_on_a_very_long_line_shows_the_part_around_the_caret(script):
    # A minified file's one line was echoed whole under the error (megabytes for a big file).
    ones, twos = ",".join(["1"] * 1000), ",".join(["2"] * 1000)
    path = script(f'[{ones}, Add(1, "x"), {twos}]\n')
    status, out, err = fql("run", path)
    assert (status, out) == (1, "")
    head, position, line, caret = err.splitlines()
    assert (head, position) == ("invalid argument: Number expected, String provided.", '  at position [1000, "add", 1]')
    assert line.startswith("  1 | ...1,1,") and line.endswith(",2,2...") and len(line) < 200
    assert line[caret.index("^") : caret.index("^") + 3] == '"x"' and caret.count("^") == 3
    # A line that fits is shown whole, as before.
    assert fql("-e", 'Add(1, "x")')[2].splitlines()[2:] == ['  1 | Add(1, "x")', "    |        ^^^"]


def test_v4_caret_lines_up_under_wide_characters_and_tabs():
    # The caret was placed by characters: under 日本語 (six columns on a terminal) it stood three to the left.
    err = fql("-e", '{ a: "日本語", b: Add(1, "x") }')[2].splitlines()
    assert err[2:] == ['  1 | { a: "日本語", b: Add(1, "x") }', "    |                          ^^^"]
    err = fql("-e", '{ a: "🎉", b: Add(1, "日本") }')[2].splitlines()
    assert err[3] == "    |                      ^^^^^^"
    err = fql("run", "-", stdin='\tAdd(1, "x")\n')[2].splitlines()
    assert err[2:] == ['  1 | \tAdd(1, "x")', '    | \t       ^^^']


def test_keep_going_does_not_skip_a_syntax_error(script):
    # As README and `fql run --help` say: the file is parsed before anything runs.
    path = script("Add(1, 2)\nAdd(1,, 2)\nAdd(3, 4)\n")
    status, out, err = fql("run", "--keep-going", path)
    assert (status, out) == (1, "")
    assert err.startswith("invalid expression: Unexpected ','") and "  2 | Add(1,, 2)" in err
    assert "a syntax error stops the file before anything runs" in " ".join(fql("run", "--help")[1].split())


def test_run_dash_at_a_terminal_says_it_is_reading():
    # `fql run -` typed at a terminal waited silently, as if it hung.
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out, err = io.StringIO(), io.StringIO()
    assert cli.run(["run", "-"], stdin=Terminal("Add(1, 2)\n"), stdout=out, stderr=err) == 0
    assert (out.getvalue(), err.getvalue()) == ("3\n", "fql run: reading FQL from the terminal; Ctrl-D runs it\n")
    assert fql("run", "-", stdin="Add(1, 2)\n") == (0, "3\n", "")
