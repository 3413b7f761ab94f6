"""Every driver's spelling of a v4 query parses to the shell's AST and gives the shell's result."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from lark import Lark
from lark.lexer import Lexer

import fql
from fql import ast, cli
from fql.auth.credentials import TEST_PARAMS
from fql.errors import FQLError, ParseError
from fql.eval import registry
from fql.parse import GRAMMAR_DIR, detect_syntax, dialects
from fql.render import to_fql
from tests.fixtures import canonical

ROOT = Path(__file__).parent.parent
SEEDS = ROOT / "tests" / "seeds"
#: The dialect a title ends with: `// seed 003: Login (Go)`.
_DIALECT = re.compile(r" \((shell|JavaScript|Python|Go|Java|C#|Scala|JSON)\)$")

#: Documents the seed queries read: Fauna's examples' characters and users, with their passwords.
SETUP = [
    'CreateCollection({ name: "characters" })',
    'Create(Ref(Collection("characters"), "181388642114077184"), { credentials: { password: "abracadabra" } })',
    'CreateCollection({ name: "users" })',
    'CreateIndex({ name: "users_by_email", source: Collection("users"), terms: [{ field: ["data", "email"] }] })',
    (
        'Create(Ref(Collection("users"), "251407645221585408"), '
        '{ credentials: { password: "new password" }, data: { email: "alice@example.com" } })'
    ),
]


def blocks(path: Path) -> dict[str, str]:
    """Title -> query of each `// seed ...` block of a seeds file."""
    out: dict[str, str] = {}
    for block in path.read_text().split("\n\n"):
        lines = block.strip().splitlines()
        if lines and lines[0].startswith("// seed"):
            out[lines[0][3:]] = "\n".join(line for line in lines[1:] if not line.startswith("//"))
    return out


SHELL = blocks(SEEDS / "v4.fql")
SPELLINGS = blocks(SEEDS / "v4_dialects.fql")


def shell_of(title: str) -> str:
    """The v4.fql query a dialect spelling must agree with: its shell spelling, else its only one."""
    group = _DIALECT.sub("", title)
    matches = [t for t in SHELL if t.startswith(group)]
    assert matches, f"no seed in v4.fql for {title!r}"
    return SHELL.get(group + " (shell)") or SHELL[matches[0]]


#: The seed spellings whose shell form differs from the seed's: Java writes the id as a long.
SHELL_FORM = {
    "seed 003: Login (Java)": 'Login(Ref(Collection("characters"), 181388642114077184), { password: "abracadabra" })',
}

#: More queries, each in its shell spelling first and then in the drivers' (id -> spellings).
MORE: dict[str, dict[str, str]] = {
    "map": {
        "shell": 'Map([1, 2, 3], Lambda("x", Multiply(Var("x"), 2)))',
        "JavaScript": "q.Map([1, 2, 3], x => q.Multiply(x, 2))",
        "JavaScript Lambda": "q.Map([1, 2, 3], q.Lambda(x => q.Multiply(x, 2)))",
        "Python": "q.map_(lambda x: q.multiply(x, 2), [1, 2, 3])",
        "Python lambda_": 'q.map_(q.lambda_("x", q.multiply(q.var("x"), 2)), [1, 2, 3])',
        "Python lambda_query": "q.map_(q.lambda_query(lambda x: q.multiply(x, 2)), [1, 2, 3])",
        "Go": 'f.Map(f.Arr{1, 2, 3}, f.Lambda("x", f.Multiply(f.Var("x"), 2)))',
        "Java": 'Map(Arr(Value(1), Value(2), Value(3)), Lambda(Value("x"), Multiply(Var("x"), Value(2))))',
        "C#": "Map(Arr(1, 2, 3), x => Multiply(x, 2))",
        "Scala": "Map(Arr(1, 2, 3), Lambda { x => Multiply(x, 2) })",
        "JSON": '{"map": {"lambda": "x", "expr": {"multiply": [{"var": "x"}, 2]}}, "collection": [1, 2, 3]}',
    },
    "two parameters": {
        "shell": 'Map([[1, 2], [3, 4]], Lambda(["a", "b"], Add(Var("a"), Var("b"))))',
        "JavaScript": "q.Map([[1, 2], [3, 4]], (a, b) => q.Add(a, b))",
        "Python": "q.map_(lambda a, b: q.add(a, b), [[1, 2], [3, 4]])",
        "Scala": "Map(Arr(Arr(1, 2), Arr(3, 4)), Lambda { (a, b) => Add(a, b) })",
    },
    "nested lambdas": {
        "shell": 'Map([1, 2], Lambda("x", Map([10, 20], Lambda("y", Add(Var("x"), Var("y"))))))',
        "JavaScript": "q.Map([1, 2], x => q.Map([10, 20], y => q.Add(x, y)))",
        "Python": "q.map_(lambda x: q.map_(lambda y: q.add(x, y), [10, 20]), [1, 2])",
    },
    "filter": {
        "shell": 'Filter([1, 2, 3], Lambda("n", GT(Var("n"), 1)))',
        "Python": "q.filter_(lambda n: q.gt(n, 1), [1, 2, 3])",
        "Go": 'f.Filter(f.Arr{1, 2, 3}, f.Lambda("n", f.GT(f.Var("n"), 1)))',
        "C#": "Filter(Arr(1, 2, 3), n => GT(n, 1))",
    },
    "literals": {
        "shell": "If(And(true, false), null, [true, 1])",
        "Python": "q.if_(q.and_(True, False), None, [True, 1])",
        "Go": "f.If(f.And(true, false), nil, f.Arr{true, 1})",
        "Java": "If(And(Value(true), Value(false)), Null(), Arr(Value(true), Value(1L)))",
        "JSON": '{"if": {"and": [true, false]}, "then": null, "else": [true, 1]}',
    },
    "paginate": {
        "shell": 'Paginate(Documents(Collection("users")), { size: 1 })',
        "Python": 'q.paginate(q.documents(q.collection("users")), size=1)',
        "Go": 'f.Paginate(f.Documents(f.Collection("users")), f.Size(1))',
        "Java": 'Paginate(Documents(Collection("users"))).size(1)',
        "C#": 'Paginate(Documents(Collection("users")), size: 1)',
        "JSON": '{"paginate": {"documents": {"collection": "users"}}, "size": 1}',
    },
    "select": {
        "shell": 'Select(["data", "missing"], { data: {} }, "none")',
        "Python": 'q.select(["data", "missing"], {"data": {}}, default="none")',
        "Go": 'f.Select(f.Arr{"data", "missing"}, f.Obj{"data": f.Obj{}}, f.Default("none"))',
        "Java": 'Select(Path("data", "missing"), Obj("data", Obj()), Value("none"))',
        "JSON": '{"select": ["data", "missing"], "from": {"object": {"data": {"object": {}}}}, "default": "none"}',
    },
    "let": {
        "shell": 'Let({ a: 1, b: 2 }, Add(Var("a"), Var("b")))',
        "Python": 'q.let({"a": 1, "b": 2}, q.add(q.var("a"), q.var("b")))',
        "Go": 'f.Let().Bind("a", 1).Bind("b", 2).In(f.Add(f.Var("a"), f.Var("b")))',
        "Java": 'Let("a", Value(1), "b", Value(2)).in(Add(Var("a"), Var("b")))',
        "C#": 'Let("a", 1, "b", 2).In(Add(Var("a"), Var("b")))',
        "JSON": '{"let": {"a": 1, "b": 2}, "in": {"add": [{"var": "a"}, {"var": "b"}]}}',
    },
    "an error": {
        "shell": 'Add(1, "a")',
        "Python": 'q.add(1, "a")',
        "Java": 'Add(Value(1L), Value("a"))',
        "JSON": '{"add": [1, "a"]}',
    },
}

SEED_CASES = [pytest.param(title, SHELL_FORM.get(title, shell_of(title)), text, id=title) for title, text in SPELLINGS.items()]
MORE_CASES = [
    pytest.param(f"{name} ({dialect})", spellings["shell"], text, id=f"{name}-{dialect}")
    for name, spellings in MORE.items()
    for dialect, text in spellings.items()
    if dialect != "shell"
]


def fresh() -> fql.Database:
    db = fql.connect(argon2=TEST_PARAMS)
    for query in SETUP:
        db.query(query)
    return db


def outcome(text: str) -> tuple:
    """The result of `text` on a fresh database, with what varies from run to run (ts, ids, secrets) masked."""
    try:
        value = fresh().query(text)
    except FQLError as err:
        return ("error", err.code, err.description, list(err.position))
    shown = to_fql(value)
    shown = re.sub(r"Ref\(Tokens\(\), \"\d+\"\)", "Ref(Tokens(), ID)", shown)
    shown = re.sub(r"ts: \d+", "ts: TS", shown)
    return ("ok", re.sub(r'secret: "fn[\w-]+"', "secret: SECRET", shown))


@pytest.mark.parametrize("title,shell,text", SEED_CASES + MORE_CASES)
def test_spelling_parses_to_the_shell_ast(title, shell, text):
    program = fql.parse(text)
    if title.endswith("(JSON)"):
        # The wire form decodes to wire nodes (Form, Value), never to an object literal.
        assert not isinstance(program.body[0], ast.Object)
        return
    assert canonical(program) == canonical(fql.parse(shell))


@pytest.mark.parametrize("title,shell,text", SEED_CASES + MORE_CASES)
def test_spelling_evaluates_like_the_shell(title, shell, text):
    assert outcome(text) == outcome(shell)


@pytest.mark.parametrize("title,shell,text", SEED_CASES + MORE_CASES)
def test_spelling_is_detected_as_v4(title, shell, text):
    assert detect_syntax(text) == "v4"


def test_every_login_spelling_gives_a_token():
    logins = {t: q for t, q in {**SHELL, **SPELLINGS}.items() if t.startswith("seed 003: Login")}
    assert len(logins) == 8
    db = fresh()
    for title, text in logins.items():
        token = db.query(text)
        assert token["ref"].collection == fql.Ref("tokens"), title
        assert token["instance"] == db.query('Ref(Collection("characters"), "181388642114077184")'), title
        assert token["secret"].startswith("fn"), title


# -- names, and what stays as written ----------------------------------------------------------------


def test_call_names_keep_their_spelling():
    """STYLE §3: a call is named as the source spells it; lookups normalise (`q.login` finds Login)."""
    call = fql.parse('q.login(q.ref(q.collection("c"), "1"), {})').body[0]
    assert call.name == "q.login" and call.args[0].name == "q.ref"


def test_driver_helpers_become_the_nodes_they_build():
    assert fql.parse('f.RefCollection(f.Collection("c"), "1")').body[0] == ast.Call(
        "f.Ref", (ast.Call("f.Collection", (ast.Literal("c"),)), ast.Literal("1"))
    )
    assert fql.parse('Value("x")').body[0] == ast.Literal("x")
    assert fql.parse("Arr()").body[0] == ast.Array(())
    # JavaScript's q.Object wraps an object literal ({"object": ...} on the wire); Fauna's tutorials write
    # it bare, as the shells evaluate with the driver's functions in scope.
    assert fql.parse('Object({ "productId": "201", n: q.Add(1, 2) })').body[0] == ast.Object(
        (("productId", ast.Literal("201")), ("n", ast.Call("q.Add", (ast.Literal(1), ast.Literal(2)))))
    )
    assert fql.connect().query("[q.Object({ object: 1 })]") == [{"object": 1}]
    assert fql.parse("[123L, -5L, True, None, nil]").body[0] == ast.Array(
        (ast.Literal(123), ast.Literal(-5), ast.Literal(True), ast.Literal(None), ast.Literal(None))
    )


def test_a_lambda_body_reads_bare_names_as_variables():
    node = fql.parse("q.Lambda(x => q.Add(x, y))").body[0]
    x, y = (ast.Call("Var", (ast.Literal(name),)) for name in "xy")
    assert node == ast.Call("q.Lambda", (ast.Literal("x"), ast.Call("q.Add", (x, y))))


def test_dialect_base_names_agree_with_the_registry():
    for name in ("q.create_index", "f.Obj", "if_", "query.Map", "fauna.lambda_query", "Paginate"):
        assert dialects.base(name) == registry.normalise(name)


def test_python_wire_order_is_the_shell_order():
    python = fql.parse('q.map_(q.var("f"), [1])').body[0]
    assert python.args == (ast.Array((ast.Literal(1),)), ast.Call("q.var", (ast.Literal("f"),)))


def test_spans_cover_the_driver_text():
    text = "q.Map([1], x => q.Add(x, 1))"
    fn = fql.parse(text).body[0].args[1]
    assert text[fn.span.start : fn.span.end] == "x => q.Add(x, 1)"
    obj = fql.parse('f.Obj{"a": 1}').body[0]
    assert (obj.span.start, obj.span.end) == (0, 13)


# -- the JSON wire form ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        ('{"add": [1, 2]}', 3),
        ('{"@ref": "classes/users/1"}', fql.Ref("1", fql.Ref("users", fql.Ref("collections")))),
        ('{"object": {"add": [1, 2]}}', {"add": [1, 2]}),
        ('{"password": "x"}', {"password": "x"}),
        ("{add: [1, 2]}", {"add": [1, 2]}),
        ("{'add': [1, 2]}", {"add": [1, 2]}),
        ('{"add": Add(1, 2)}', {"add": 3}),
        ('[{"add": [1, 2]}]', [{"add": [1, 2]}]),
        ('Do({"add": [1, 2]})', {"add": [1, 2]}),
        ('{"select": "a", "from": {"object": {"a": {"add": [1, 2]}}}}', 3),
    ],
    ids=[
        "form",
        "escape",
        "object form",
        "no form named so",
        "bare keys",
        "single quotes",
        "a call inside",
        "array",
        "nested",
        "nested forms inside the wire form",
    ],
)
def test_json_wire_form_rule(text, expected):
    """A top-level JSON object naming a form is the wire form; everything else is the shell's object."""
    assert fql.connect().query(text) == expected


def test_json_wire_errors_keep_their_position():
    # What does not decode waits in the tree for the query's parse, which refuses it where it is.
    with pytest.raises(FQLError) as caught:
        fql.connect().query('{"login": {"@ref": "nowhere"}, "params": {"object": {}}}')
    assert (caught.value.code, list(caught.value.position)) == ("invalid expression", ["login"])
    assert detect_syntax('{"login": {"@ref": "nowhere"}, "params": {"object": {}}}') == "v4"


# -- mistakes -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,message,column",
    [
        ("Add(x, 1)", "Unexpected ','", 6),
        ('Obj("a", 1, "b")', "Obj(...) takes keys and values in pairs", 1),
        ("Obj(1, 2)", "An Obj(...) key must be a string", 5),
        ('Add("a" -> 1)', 'pair is only allowed in Obj', 5),
        ("q.paginate(size=2, q.tokens())", "A positional argument follows a keyword argument", 20),
        ("q.paginate(q.tokens(), size=1, size=2)", "The argument `size` is given twice", 32),
        ("[f.Size(2)]", "The optional argument `size` is only allowed as a function's argument", 2),
        ("q.Map([1], () => 1)", "A lambda takes at least one parameter", 12),
        ('f.Foo{"a": 1}', "Braces follow only Obj and Arr (Go) or Lambda (Scala), not f.Foo", 1),
        ("Add(1, 2).foo()", "Unknown method .foo(...)", 11),
        ('Value(1, 2)', "Value(...) takes one value", 1),
        ("[Object(1)]", "Object(...) takes one object", 2),
        ("{a: f.Size(1)}", "The optional argument `size` is only allowed as a function's argument", 5),
        ('f.Arr{"a": 1}', "A `key: value` pair is only allowed as a function's argument", 12),
    ],
)
def test_dialect_mistakes_are_parse_errors(text, message, column):
    with pytest.raises(ParseError) as caught:
        fql.parse(text)
    assert message in caught.value.description
    assert (caught.value.line, caught.value.column) == (1, column)


@pytest.mark.parametrize("text", ['Obj("a")', "q.Map([1], () => 1)", 'Value(1, 2)'])
def test_a_driver_spelling_used_wrongly_is_still_v4(text):
    """v10 parses these as calls of unbound names; the v4 error says what is wrong."""
    assert detect_syntax(text) == "v4"


@pytest.mark.parametrize("text", ["Users.all()", "Time.now().add(1, \"day\")", "[1, 2].map(x => x + 1)", "x"])
def test_v10_stays_v10(text):
    assert detect_syntax(text) == "v10"


@pytest.mark.parametrize(
    ("text", "syntax"),
    [
        # v4 reads `1 + 1` as `1` then `+1`, two queries; auto takes the sum a user means.
        ("1 + 1", "v10"),
        ("1 - 1.5", "v10"),
        ("[1, 2]\n-1", "v4"),
        ("Add(1, 2) -1", "v4"),
        ("1 2", "v4"),
    ],
)
def test_a_sign_after_a_statement_on_its_line_is_v10_arithmetic(text, syntax):
    assert detect_syntax(text) == syntax


@pytest.mark.parametrize(
    ("text", "syntax"),
    [
        # A call no v4 function answers to but a v10 global does is v10, however it parses.
        ("ID(newId())", "v10"),
        ('dbg("x")', "v10"),
        ('[ID("1")]', "v10"),
        # v4 has Log, Abort and NewId in any case, and Time and Date: those stay v4.
        ('log("x")', "v4"),
        ('abort("x")', "v4"),
        ("newId()", "v4"),
        ('Time("now")', "v4"),
        # An unknown name is neither's: v4 says there is no such function.
        ("Foo(1)", "v4"),
    ],
)
def test_v10_global_calls(text, syntax):
    assert detect_syntax(text) == syntax


def test_grammar_is_conflict_free():
    """strict=True fails on any shift/reduce or reduce/reduce conflict (a stub lexer skips the regex check)."""

    class NoLexer(Lexer):
        def __init__(self, conf):
            pass

        def lex(self, data):
            raise NotImplementedError

    Lark.open(str(GRAMMAR_DIR / "fql4.lark"), parser="lalr", lexer=NoLexer, strict=True)


def test_the_dialects_example_prints_one_result_per_spelling():
    out, err = io.StringIO(), io.StringIO()
    status = cli.run(["run", str(ROOT / "examples" / "dialects.fql")], stdin=io.StringIO(), stdout=out, stderr=err)
    assert (status, err.getvalue()) == (0, "")
    ariel = r'Ref\(Collection\("characters"\), "181388642114077184"\)'
    token = rf'{{ ref: Ref\(Tokens\(\), "\d+"\), ts: \d+, instance: {ariel}, secret: "fn[\w-]+" }}'
    page = rf"{{ data: \[{ariel}\] }}"
    expected = [
        r'{ ref: Collection\("characters"\), ts: \d+, history_days: 0, name: "characters" }',
        rf'{{ ref: {ariel}, ts: \d+, data: {{ name: "Ariel" }} }}',
        *[token] * 7,
        "7",
        *[r"\[2, 4, 6\]"] * 5,
        *[page] * 4,
        '"yes"',
        "null",
        "3",
    ]
    lines = out.getvalue().splitlines()
    assert len(lines) == len(expected), out.getvalue()
    for line, pattern in zip(lines, expected):
        assert re.fullmatch(pattern, line), f"{line!r} does not match {pattern!r}"
