"""README.md stays true: its coverage table is the catalog's, and its two set-up commands come first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import fql
from fql.eval import catalog, registry

ROOT = Path(__file__).resolve().parents[1]


def test_coverage_table_matches_the_registry():
    registry.load()
    readme = (ROOT / "README.md").read_text()
    table = re.search(r"<!-- coverage:start -->\n(.*?)\n<!-- coverage:end -->", readme, re.S).group(1)
    assert table == catalog.table(), "README coverage is stale: paste the output of `fql coverage`"


def test_v10_coverage_table_matches_the_registry():
    registry.load()
    readme = (ROOT / "README.md").read_text()
    table = re.search(r"<!-- coverage-v10:start -->\n(.*?)\n<!-- coverage-v10:end -->", readme, re.S).group(1)
    assert table == catalog.v10_table(), "README v10 coverage is stale: paste the v10 table of `fql coverage`"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"```sh\n(.*?)\n```", readme, re.S)
    assert commands[0] == "pip install -e . && fql run examples/basics.fql"
    assert commands[1] == "pip install -e '.[test]' && python -m pytest"
    assert commands[1] in (ROOT / ".ci" / "run").read_text()


def _python_blocks(heading: str) -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split(f"\n### {heading}\n", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    return re.findall(r"```python\n(.*?)\n```", section, re.S)


def test_the_embedding_examples_run_as_the_readme_says():
    # Every line of the two "Embedding" blocks runs; the comments' values are checked where they are fixed.
    first, second = _python_blocks("Embedding")
    names: dict = {}
    exec(compile(first + "\n" + second, "README.md", "exec"), names)
    doc, ann = names["doc"], names["ann"]
    assert doc["data"] == {"name": "Ariel"} and isinstance(doc["ref"], fql.Ref)
    assert fql.to_fql(doc["ref"]) == f'Ref(Collection("characters"), "{doc["ref"].id}")'
    assert isinstance(ann, fql.Document) and ann["name"] == "Ann" and isinstance(ann.ts, fql.Time)
    page = names["db"].query("People.all().where(.age > 3)", syntax="v10")
    assert isinstance(page, fql.Page) and [d.id for d in page.data] == [ann.id]
    # The cursor example: one document a page; the second page, Bob's, is an object without `after`.
    first = names["page"]
    assert isinstance(first, fql.Page) and [d.id for d in first.data] == [ann.id] and isinstance(first.after, str)
    second = names["db"].query(f"Set.paginate({fql.to_fql(first.after)})", syntax="v10")
    assert list(second) == ["data"] and [d["name"] for d in second["data"]] == ["Bob"]


def test_query_reads_auto_syntax_and_refuses_what_is_not_a_query():
    db = fql.connect()
    # syntax="auto" is the CLI's `--syntax auto`; it used to be "The auto syntax is not implemented yet."
    assert db.query("Add(1, 2)", syntax="auto") == 3
    assert db.query("[1, 2].map(x => x + 1)", syntax="auto") == [2, 3]
    for empty in ("", "  // a comment only"):
        with pytest.raises(fql.FQLError) as caught:
            db.query(empty)
        assert (caught.value.code, caught.value.description) == ("invalid expression", "No query provided.")
    # The calling program's mistakes are Python's errors, with a message (not an AttributeError from inside).
    with pytest.raises(TypeError, match="the query must be FQL text"):
        db.query(5)
    with pytest.raises(TypeError, match="secret must be a str or None, not int"):
        db.query("1", secret=5)
    with pytest.raises(TypeError, match="secret must be a str or None, not bytes"):
        db.run(fql.parse("1"), secret=b"secret")
    with pytest.raises(ValueError, match="syntax must be one of 'v4', 'v10', 'auto', not 'v5'"):
        db.query("1", syntax="v5")
    assert db.session(db.root_secret).query("Add(1, 1)", syntax="auto") == 2


def test_sqlite_urls_in_the_docs_say_where_the_file_goes(tmp_path, monkeypatch):
    # `sqlite:///app.db` is /app.db, the root directory's; the docs showed it for "app.db here".
    from fql.repl.session import COMMANDS

    texts = [(ROOT / name).read_text() for name in ("README.md", "REPL.md")] + [COMMANDS[":db"]]
    for text in texts:
        for path in re.findall(r"sqlite:///([^\s`'\"?),]+)", text):
            assert "/" in path, f"sqlite:///{path} names a file in / (write sqlite:{path} for a relative one)"
    monkeypatch.chdir(tmp_path)
    fql.connect("sqlite:app.db").query('CreateCollection({ name: "c" })')
    assert (tmp_path / "app.db").exists()


def test_a_closed_database_says_so(tmp_path):
    # After `with fql.connect(url) as db:` a query raised sqlite3's "Cannot operate on a closed database."
    # (and a memory:// one still answered).
    for url in (f"sqlite:///{tmp_path / 'app.db'}", "memory://"):
        with fql.connect(url) as db:
            assert db.query("Add(1, 2)") == 3
        with pytest.raises(ValueError, match="the database is closed"):
            db.query("Add(1, 2)")
        with pytest.raises(ValueError, match="the database is closed"):
            db.run(fql.parse("Add(1, 2)"))


def test_the_using_it_commands_that_need_no_files_run():
    # The "Using it" block's -e lines run on a fresh memory:// database (its v10 example named a
    # collection, Users, that a fresh database does not have: `Unbound variable`).
    from tests.helpers import run_cli

    block = re.search(r"## Using it\n\n```sh\n(.*?)\n```", (ROOT / "README.md").read_text(), re.S).group(1)
    lines = [line.split("  #")[0].strip() for line in block.splitlines() if line.startswith(("fql -e", "fql --ast -e"))]
    assert len(lines) == 3
    for line in lines:
        argv = re.findall(r"'[^']*'|\S+", line)[1:]
        status, out, err = run_cli(*[arg.strip("'") for arg in argv])
        assert (status, err) == (0, ""), line
        assert out
