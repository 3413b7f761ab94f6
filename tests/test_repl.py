"""The REPL session loop, driven by scripted input: multi-line entries, Ctrl-C, Ctrl-D, commands, errors."""

from __future__ import annotations

import io
import re

import pytest

import fql
from fql.repl import session as repl
from fql.repl.pretty import Display
from fql.repl.validator import FqlValidator, depth, is_complete, offset, syntax_error

#: A scripted line that stands for Ctrl-C at that prompt.
CTRL_C = KeyboardInterrupt


def drive(*lines, db=None, display=None) -> tuple[int, str, str, list[str]]:
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
    status = repl.Session(db or fql.connect(), read, out, err, display=display).run()
    return status, out.getvalue(), err.getvalue(), prompts


def test_one_line():
    status, out, err, prompts = drive("Add(1, 2)")
    assert (status, out, err) == (0, "3\n", "")
    assert prompts == [repl.PROMPT, repl.PROMPT]


def test_multi_line_entry_continues_while_brackets_are_open():
    _, out, _, prompts = drive("Let({", "  x: 1", "},", 'Var("x"))')
    assert out == "1\n"
    assert prompts[:4] == [repl.PROMPT, repl.CONTINUATION, repl.CONTINUATION, repl.CONTINUATION]


def test_each_expression_of_an_entry_is_printed():
    assert drive("1 2; 3")[1] == "1\n2\n3\n"


def test_ctrl_c_cancels_the_current_entry():
    status, out, err, prompts = drive("Add(1,", CTRL_C, "Add(2, 3)")
    assert (status, err) == (0, "")
    assert out == "5\n"
    assert prompts[:3] == [repl.PROMPT, repl.CONTINUATION, repl.PROMPT]


def test_ctrl_d_leaves():
    assert drive() == (0, "", "", [repl.PROMPT])


def test_input_ending_inside_an_entry_reports_it():
    status, out, err, _ = drive("Add(1,")
    assert status == 1 and out == ""
    assert err.startswith("invalid expression: Unexpected end of input")


def test_quit_stops_reading():
    status, out, _, prompts = drive("1", ":quit", "2")
    assert (status, out) == (0, "1\n")
    assert len(prompts) == 2


def test_errors_show_code_position_and_caret():
    _, out, err, _ = drive('Add(1, "a")', "2")
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


def test_a_v10_error_shows_cores_hint_and_trace():
    # REPL.md's example: the summary with where the null was made and the call it happened in.
    entry = "{ let a = null; [1, 2].firstWhere(v => a!) }"
    _, _, err, _ = drive(":syntax v10", entry)
    assert err.split("\n")[7:13] == ["hint: Null value created here", "  |", f"1 | {entry}", "  |           ^^^^", "  |", "trace:"]


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


def test_json_format_of_a_v10_document_says_which_format_to_use():
    _, out, err, _ = drive('Collection.create({ name: "P" })', ":format json", "P.create({})", "1")
    assert out.endswith("\n1\n")
    assert err == "Cannot render a Document value as v4 JSON. Use the tagged, simple or decorated format for v10 results.\n"


def test_format_command_names_the_choices():
    # An unknown format is refused (and fails a script); `:format` alone only names the current one.
    status, out, err, _ = drive(":format xml", ":format json", "[1]")
    assert status == 1
    assert err == "Unknown format 'xml'; the format is still fql; choose one of: fql, json, tagged, simple, decorated.\n"
    assert out == "[1]\n"
    status, out, err, _ = drive(":format")
    assert (status, out, err) == (0, "The format is fql; choose one of: fql, json, tagged, simple, decorated.\n", "")


def test_decorated_format():
    _, out, _, _ = drive(":format decorated", '{ a: ["x\\ny", Time("2020-01-01T00:00:00Z")] }')
    assert out == '{\n  a: [\n    <<-END\n      x\n      y\n    END,\n    Time("2020-01-01T00:00:00Z")\n  ]\n}\n'


def test_help():
    _, out, _, _ = drive(":help", ":help Let", ":help NoSuchThing")
    assert ":quit" in out
    assert "Let(let, in)" in out
    assert "No function named 'NoSuchThing'." in out


def test_help_lists_every_command():
    _, out, _, _ = drive(":help")
    for name in (":syntax", ":format", ":secret", ":login", ":logout", ":whoami", ":db", ":timing", ":load"):
        assert f"\n{name} " in out
    # The descriptions line up in one column, and :format names every format.
    assert all(line[19] == " " and line[20] != " " for line in out.splitlines())
    assert "decorated" in out.split(":format F", 1)[1].splitlines()[0]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Paginate", "Paginate(paginate, {size, after, before, ts, events, sources, cursor}?)\nOne page of a set"),
        ("q.paginate", "Paginate(paginate, {size, after, before, ts, events, sources, cursor}?)\n"),
        ("String.toUpperCase", "String.toUpperCase()\nThe string in upper case (ß becomes SS)."),
        ("Math.abs", "Math.abs(x)\nThe absolute value"),
        ("String.length", "String.length\n"),
        ("People.byId", "UserCollection.byId(doc_id)\nThe document with id `doc_id`"),
        ("Math", "Math (v10 module)\nfunctions: abs, acos,"),
        (":login", ":login ID PASSWORD "),
        (":q", ":quit "),
    ],
)
def test_help_names(name, expected):
    _, out, _, _ = drive(f":help {name}")
    assert out.startswith(expected)


def test_help_of_a_v10_global_function():
    _, out, _, _ = drive(":help abort")
    assert "\n\nabort(value)\nStop the query" in out


def test_help_shows_both_syntaxes():
    _, out, _, _ = drive(":help Time")
    assert out.startswith("Time(time)\n")
    assert "\n\nTime (v10 module)\nTime(time)\n" in out
    assert "functions: epoch, fromString, now" in out


def test_command_aliases():
    assert drive(":?")[1].startswith(":help")
    assert drive(":exit", "1")[1] == ""


def test_unknown_command():
    # A script with a mistyped command fails as one with a failed entry does; the message names the command alone.
    status, _, err, _ = drive(":frobnicate now")
    assert status == 1
    assert err == "Unknown command ':frobnicate'; :help lists the commands.\n"


def test_blank_lines_are_ignored():
    assert drive("", "   ", "1")[1] == "1\n"


def test_an_entry_not_utf8_is_not_run():
    # A pipe's text stream passes bytes that are not UTF-8 on as surrogates.
    data = io.TextIOWrapper(io.BytesIO(b'1\nAdd(1, "\xff")\n2\n'), encoding="utf-8", errors="surrogateescape")
    out, err = io.StringIO(), io.StringIO()
    assert repl.Session(fql.connect(), repl.stream_reader(data), out, err).run() == 1
    assert (out.getvalue(), err.getvalue()) == ("1\n2\n", "Not run: the entry is not UTF-8 text.\n")


def test_a_v10_syntax_error_shows_the_v10_summary():
    _, _, err, _ = drive(":syntax v10", "1 +* 2")
    assert err == (
        "invalid_query: The query failed 1 validation check\n"
        "error: Expected expression\nat *query*:1:4\n  |\n1 | 1 +* 2\n  |    ^\n  |\n"
    )


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


def test_syntax_command():
    status, out, err, _ = drive(":syntax v10", '"a".toUpperCase()', ":syntax v4", "Add(1, 2)", ":syntax v5", ":syntax")
    assert status == 1
    assert out == '"A"\n3\nThe syntax is v4; choose one of: v4, v10, auto.\n'
    assert err == "Unknown syntax 'v5'; the syntax is still v4; choose one of: v4, v10, auto.\n"


def test_v10_lets_last_for_the_session():
    _, out, _, _ = drive("let x = 20", "x + 1", "let y = x * 2; y")
    assert out == "21\n40\n"


def test_an_entry_may_end_with_a_let():
    entries = ("let x = 1", "let y = x + 1; let z = y * 10", ":syntax v10", "let w = z", "[x, y, z, w]")
    _, out, err, prompts = drive(*entries)
    assert (out, err) == ("[1, 2, 20, 20]\n", "")
    assert repl.CONTINUATION not in prompts


def test_a_let_without_a_value_still_waits():
    _, out, _, prompts = drive("let x =", "5", "x")
    assert out == "5\n"
    assert prompts[:2] == [repl.PROMPT, repl.CONTINUATION]


def test_timing():
    _, out, _, _ = drive(":timing", "Add(1, 2)", ":timing", "Add(2, 2)")
    lines = out.splitlines()
    assert lines[:2] == ["Timing is on.", "3"]
    assert re.fullmatch(r"time: \d+\.\d{3} ms", lines[2])
    assert lines[3:] == ["Timing is off.", "4"]


def test_timing_takes_on_or_off_only():
    # `:timing bogus` used to toggle timing; now it is a usage error that changes nothing.
    status, out, err, _ = drive(":timing on", ":timing bogus", ":timing off", ":timing off")
    assert status == 1
    assert out == "Timing is on.\nTiming is off.\nTiming is off.\n"
    assert err == "Usage: :timing [on|off]\n"


def test_load_runs_a_file(tmp_path):
    path = tmp_path / "setup.fql"
    path.write_text('CreateCollection({ name: "c" })\nExists(Collection("c"))\nAdd(1, "x")\n7\n', encoding="utf-8")
    _, out, err, _ = drive(f":load {path}", ":load /no/such/file.fql")
    assert out.splitlines()[-1] == "true"
    assert err.startswith("invalid argument: Number expected, String provided.\n  at position [\"add\", 1]\n")
    assert '  3 | Add(1, "x")' in err
    assert err.endswith("Cannot read /no/such/file.fql: No such file or directory\n")


def test_load_without_a_file_or_of_a_bad_one_fails(tmp_path):
    # `:load` alone read the current directory ("Cannot read : Is a directory"); a file that cannot be read
    # fails a script as a failed entry does.
    latin1 = tmp_path / "latin1.fql"
    latin1.write_bytes(b'"caf\xe9"\n')
    status, out, err, _ = drive(":load", f":load {tmp_path}", f":load {latin1}")
    assert (status, out) == (1, "")
    assert err.splitlines() == [
        "Usage: :load FILE",
        f"Cannot read {tmp_path}: Is a directory",
        f"Cannot read {latin1}: not UTF-8 text (invalid continuation byte at byte 4)",
    ]


def test_db_opens_another_database():
    _, out, err, _ = drive(
        'CreateCollection({ name: "c" })', ":db memory://", 'Exists(Collection("c"))', ":db", ":db nowhere://"
    )
    assert out.splitlines()[1:] == ["Opened memory://: queries run as the root.", "false", "The database is memory://."]
    assert err.startswith("invalid argument: Unsupported database URL 'nowhere://'")


# -- secrets ---------------------------------------------------------------------------------------------

LOGIN_SETUP = (
    'CreateCollection({ name: "characters" })',
    (
        'CreateIndex({ name: "characters_by_name", source: Collection("characters"),'
        ' terms: [{ field: ["data", "name"] }] })'
    ),
    (
        'Create(Ref(Collection("characters"), "1"),'
        ' { credentials: { password: "abra cadabra" }, data: { name: "Ariel" } })'
    ),
)


def test_whoami_as_root():
    assert drive(":whoami")[1] == "the root (admin)\n"


def test_login_whoami_logout():
    _, out, err, _ = drive(
        *LOGIN_SETUP,
        ':login Ref(Collection("characters"), "1") "abra cadabra"',
        ":whoami",
        "CurrentIdentity()",
        ":logout",
        ":whoami",
        "HasCurrentIdentity()",
    )
    assert err == ""
    lines = out.splitlines()[3:]
    token = r'token Ref\(Tokens\(\), "\d+"\) of Ref\(Collection\("characters"\), "1"\)'
    assert re.fullmatch(rf"Logged in: {token}\.", lines[0])
    assert lines[1] == lines[0].removeprefix("Logged in: ").removesuffix(".")
    assert lines[2:] == [
        'Ref(Collection("characters"), "1")',
        "Logged out; back to the root (admin).",
        "the root (admin)",
        "false",
    ]


def test_login_with_a_set_and_a_bare_password():
    db = fql.connect()
    db.query('CreateCollection({ name: "users" })')
    terms = '[{ field: ["data", "email"] }]'
    db.query(f'CreateIndex({{ name: "users_by_email", source: Collection("users"), terms: {terms} }})')
    db.query('Create(Collection("users"), { credentials: { password: "pw" }, data: { email: "a@x" } })')
    login = ':login Match(Index("users_by_email"), "a@x") pw'
    _, out, err, _ = drive(login, 'Select(["data", "email"], Get(CurrentIdentity()))', db=db)
    assert err == ""
    assert out.splitlines()[-1] == '"a@x"'


def test_login_with_a_v10_document():
    # A role lets the logged-in character read itself (a v10 query gets no read of its identity otherwise).
    role = 'CreateRole({ name: "reader", membership: [{ resource: Collection("characters") }], privileges: [{ resource: Collection("characters"), actions: { read: true } }] })'
    _, out, err, _ = drive(*LOGIN_SETUP, role, ':login characters.byId("1") "abra cadabra"', "Query.identity()!.name")
    assert err == ""
    assert out.splitlines()[-1] == '"Ariel"'


def test_a_failed_login_keeps_the_secret():
    _, out, err, _ = drive(*LOGIN_SETUP, ':login Ref(Collection("characters"), "1") wrong', ":whoami", ":login oops")
    assert err.startswith("authentication failed: The document was not found or provided password was incorrect.")
    assert err.endswith("Usage: :login IDENTITY PASSWORD (IDENTITY is FQL: a Ref, a Match, a v10 document)\n")
    assert out.splitlines()[-1] == "the root (admin)"


def test_logout_of_the_root():
    assert drive(":logout")[2] == "Not logged in: queries run as the root.\n"


def test_nested_logins_go_back_one_at_a_time():
    db = fql.connect()
    for line in LOGIN_SETUP:
        db.query(line)
    key = db.query('CreateKey({ role: "server" })')["secret"]
    _, out, err, _ = drive(
        f":secret {key}", ':login Ref(Collection("characters"), "1") "abra cadabra"', ":logout", ":logout", db=db
    )
    lines = out.splitlines()
    assert err == ""
    assert lines[1].startswith("Logged in: token")
    assert lines[2] == lines[0].replace("Queries run as", "Logged out; back to")
    assert lines[3] == "Logged out; back to the root (admin)."


def test_secret_command_runs_queries_with_a_key():
    db = fql.connect()
    key = db.query('CreateKey({ role: "server" })')
    _, out, err, _ = drive(f":secret {key['secret']}", ":whoami", "Collections()", ":secret", ":whoami", db=db)
    lines = out.splitlines()
    assert re.fullmatch(r'Queries run as key Ref\(Keys\(\), "\d+"\) with role server\.', lines[0])
    assert lines[2:] == ["Collections()", "Queries run as the root.", "the root (admin)"]
    assert err == ""


def test_secret_command_refuses_a_bad_secret():
    _, out, err, _ = drive(":secret fnNOPE", ":whoami")
    assert err == "unauthorized: Unauthorized\n"
    assert out == "the root (admin)\n"


def test_queries_use_the_secret():
    db = fql.connect()
    key = db.query('CreateKey({ role: "client" })')
    _, _, err, _ = drive(f":secret {key['secret']}", 'CreateCollection({ name: "nope" })', db=db)
    assert err.startswith("permission denied: Insufficient privileges to perform the action.")


# -- completion names and display --------------------------------------------------------------------


def session(db=None) -> repl.Session:
    return repl.Session(db or fql.connect(), None, io.StringIO(), io.StringIO())


def test_catalog_lists_the_database_names_once_per_entry():
    db = fql.connect()
    db.query('CreateCollection({ name: "spells" })')
    db.query('CreateIndex({ name: "spells_by_name", source: Collection("spells") })')
    db.query('CreateFunction({ name: "double", body: Query(Lambda("x", Multiply(2, Var("x")))) })')
    db.query('Collection.create({ name: "People", indexes: { byName: { terms: [{ field: ".name" }] } } })', None, "v10")
    shell = session(db)
    names = shell.catalog()
    assert (names.collections, names.indexes) == (("People", "spells"), ("spells_by_name",))
    assert names.functions == ("double",)
    assert names.collection_indexes == {"People": ("byName",)}
    db.query('CreateCollection({ name: "later" })')
    assert shell.catalog() is names
    shell.handle("let x = 1")
    assert "later" in shell.catalog().collections
    assert shell.catalog().variables == {"x": 1}


def test_catalog_is_what_the_secret_may_read():
    db = fql.connect()
    db.query('CreateCollection({ name: "spells" })')
    key = db.query('CreateKey({ role: "client" })')
    shell = session(db)
    shell.handle(f":secret {key['secret']}")
    assert shell.catalog().collections == ()


def test_pretty_display_breaks_long_results_and_cuts_pages():
    display = Display(pretty=True, width=40, page_preview=2)
    entries = ("[1, 2, 3]", '{ name: "a long enough value", other: "another value" }', "[1, 2, 3].toSet()")
    _, out, _, _ = drive(*entries, display=display)
    assert out == (
        "[1, 2, 3]\n"
        '{\n  name: "a long enough value",\n  other: "another value"\n}\n'
        "{ data: [1, 2, ... (1 more)] }\n"
    )


def test_colour_display():
    _, out, err, _ = drive("[1]", "Add(1, 'a')", display=Display(colour=True))
    assert out == "[\x1b[34m1\x1b[39;49;00m]\n"
    assert err.startswith("\x1b[01m\x1b[31minvalid argument: Number expected, String provided.\x1b[39;49;00m\n")


def test_json_formats_are_never_broken():
    display = Display(pretty=True, width=10)
    _, out, _, _ = drive(":format json", '{ name: "a long enough value" }', display=display)
    assert out == '{"name":"a long enough value"}\n'


def test_a_bug_in_fql_is_one_line_and_the_session_goes_on(monkeypatch):
    shell = session()

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(shell.db, "run", broken)
    shell.handle("1")
    assert shell.err.getvalue() == "internal error: RuntimeError: boom\n"


def test_toolbar():
    shell = session()
    assert shell.toolbar() == " auto · fql · root · memory:// · Tab completes · :help"


# -- the validator ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, syntax, complete",
    [
        ("let x = 1", "v10", True),
        ("let x = 1", "auto", True),
        ("let x =", "v10", False),
        ('People.byId("1") {', "v10", False),
        ("x => x +", "auto", False),
        (":help", "v10", True),
        # A bare name is a whole v10 query (a variable, a collection), though v4 waits for its `(`.
        ("ariel", "auto", True),
        ("People", "auto", True),
        ("Add", "v4", False),
    ],
)
def test_is_complete_v10(text, syntax, complete):
    assert is_complete(text, syntax) is complete


def test_syntax_error_finds_the_line_and_column():
    err = syntax_error("Add(1,\n  ))", "v4")
    assert (err.code, err.line, err.column) == ("invalid expression", 2, 4)
    assert syntax_error("Add(1, 2)") is None
    assert syntax_error("let x = 1") is None
    assert syntax_error(":anything (") is None


@pytest.mark.parametrize(
    "text, depth_",
    [("", 0), ("Let({", 2), ('Concat(["(", "[{"', 2), ("f(/* ( */ [", 2), ("a)", 0), ("// (\n[", 1)],
)
def test_depth_counts_open_brackets_outside_strings_and_comments(text, depth_):
    assert depth(text) == depth_


def test_offset():
    assert offset("ab\ncd", 2, 2) == 4
    assert offset("ab", 5, 9) == 2


def test_validator_refuses_a_syntax_error_at_its_position():
    from prompt_toolkit.document import Document
    from prompt_toolkit.validation import ValidationError

    validator = FqlValidator(lambda: "auto")
    validator.validate(Document("Add(1, 2)"))
    validator.validate(Document("Add(1,"))
    with pytest.raises(ValidationError) as caught:
        validator.validate(Document("Add(1,\n  ))"))
    assert caught.value.cursor_position == 10
    assert caught.value.message.startswith("invalid expression: Unexpected ')'")
    assert caught.value.message.endswith("(line 2, column 4)")


@pytest.mark.parametrize("syntax", ["v10", "auto"])
def test_validator_shows_a_v10_syntax_error_in_v10s_form(syntax):
    from prompt_toolkit.document import Document
    from prompt_toolkit.validation import ValidationError

    with pytest.raises(ValidationError) as caught:
        FqlValidator(lambda: syntax).validate(Document("let x = 1\nx +* 2"))
    assert caught.value.cursor_position == 13
    assert caught.value.message == "invalid_query: Expected expression at *query*:2:4"


def test_an_entry_mixing_v4_and_v10_gets_a_note():
    # The auto syntax reads an entry in one syntax; the note says why v4's Add is unbound in a v10 entry.
    status, out, err, _ = drive("Add(1, 2); [1].map(x => x)", "Add(1, 2)")
    assert (status, out) == (1, "3\n")
    assert err.splitlines()[-1] == (
        "note: the auto syntax read the whole text as FQL v10, where `Add` is not a function (it is FQL v4's); "
        "put v4 and v10 queries in separate entries, or choose v4"
    )


def test_whoami_of_the_root_secret_and_of_scoped_secrets():
    # `:secret secret` (the root secret itself) said "a secret with role admin"; it is the root.
    _, out, err, _ = drive(
        'CreateDatabase({ name: "app" })', ":secret secret", ":whoami", ":secret secret:admin", ":whoami",
        ":secret", ":secret secret:server", ":whoami", ":secret secret:app:server", ":whoami",
    )
    assert err == ""
    assert out.splitlines()[1:] == [
        "Queries run as the root (admin).", "the root (admin)",
        "Queries run as the root (admin).", "the root (admin)",
        "Queries run as the root.",
        "Queries run as a scoped secret with role server.", "a scoped secret with role server",
        "Queries run as a scoped secret with role server in a child database.",
        "a scoped secret with role server in a child database",
    ]


def test_load_reads_a_file_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.fql"
    path.write_bytes(b"\xef\xbb\xbfAdd(1, 2)\r\n")
    assert drive(f":load {path}")[:3] == (0, "3\n", "")
    # And `fql repl < bom.fql`.
    out, err = io.StringIO(), io.StringIO()
    stdin = io.StringIO("\ufeffAdd(1, 2)\nAdd(3, 4)\n")
    assert repl.Session(fql.connect(), repl.stream_reader(stdin), out, err).run() == 0
    assert (out.getvalue(), err.getvalue()) == ("3\n7\n", "")


def test_repl_md_validator_examples():
    # REPL.md: `let x = 1 +* 2` is refused in v10's form under the auto syntax; `1 +* 2` alone in v4's.
    from prompt_toolkit.document import Document
    from prompt_toolkit.validation import ValidationError

    validator = FqlValidator(lambda: "auto")
    with pytest.raises(ValidationError) as caught:
        validator.validate(Document("let x = 1 +* 2"))
    assert caught.value.message == "invalid_query: Expected expression at *query*:1:12"
    with pytest.raises(ValidationError) as caught:
        validator.validate(Document("1 +* 2"))
    assert caught.value.message == "invalid expression: Unexpected character '*' (line 1, column 4)"


def test_repl_md_transcript_help_is_what_help_prints():
    # The transcript's `:help` answers had fallen behind fql/repl/docs.py (Paginate's second paragraph).
    from pathlib import Path

    from fql.repl.docs import help_text

    text = (Path(__file__).resolve().parents[1] / "REPL.md").read_text(encoding="utf-8")
    transcript = text.split("```\n$ fql repl\n", 1)[1].split("\n```", 1)[0]
    answers = re.findall(r"^fql> :help (\S+)\n(.*?)(?=^fql> )", transcript, re.M | re.S)
    assert [name for name, _ in answers] == ["Paginate", "String.toUpperCase"]
    for name, answer in answers:
        assert answer.rstrip("\n") == help_text(name)


def test_help_of_a_method_without_its_type_names_the_types():
    # `:help toUpperCase` said only "No function named 'toUpperCase'."
    from fql.repl.docs import help_text

    assert help_text("toUpperCase") == "No function named 'toUpperCase'; try :help with one of: String.toUpperCase"
    assert help_text("byId") == (
        "No function named 'byId'; try :help with one of: Credential.byId, Key.byId, Token.byId, UserCollection.byId"
    )
    assert help_text("UserCollection.byId").startswith("UserCollection.byId(doc_id)")
    assert help_text("nothing") == "No function named 'nothing'."


def test_repl_from_a_terminal_into_a_pipe_says_it_reads_without_prompts():
    # `fql repl | tee log` read the terminal with no prompt and no word, as if it hung.
    from fql.repl import repl as start

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out, err = io.StringIO(), io.StringIO()
    assert start(fql.connect(), Terminal("Add(1, 2)\n"), out, err) == 0
    assert out.getvalue() == "3\n"
    assert err.getvalue() == "fql repl: output is not a terminal, so lines are read without prompts; Ctrl-D ends\n"
