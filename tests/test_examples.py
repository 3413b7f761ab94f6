"""Every example runs (`.fql` files through `fql run`, Python scripts as a process) and prints the right shapes."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from fql import cli

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
TS = r"\d{16}"
ID = r'"\d+"'
SECRET = r'"fn[A-Za-z0-9_-]{40,}"'
HASH = r'"\$2a\$05\$[./A-Za-z0-9]{53}"'
ALICE = r'Ref\(Collection\("users"\), "251407645221585408"\)'
ARIEL = r'Ref\(Collection\("characters"\), "181388642114077184"\)'
SERVICE = r'Ref\(Collection\("services"\), "1"\)'
TOKEN = rf"Ref\(Tokens\(\), {ID}\)"

#: Each result line of an example, as a regex (ids, timestamps and secrets vary).
TIME = r'Time\("[0-9T:.\-]+Z"\)'

EXPECTED: dict[str, list[str]] = {
    "token_create_v10.fql": [
        rf'{{ name: "People", coll: Collection, ts: {TIME}, history_days: 0, indexes: {{}}, constraints: \[\] }}',
        rf'{{ id: "372696914650464289", coll: People, ts: {TIME}, name: "Ann" }}',
        rf'{{ id: {ID}, coll: Token, ts: {TIME}, document: People\("372696914650464289"\), secret: {SECRET} }}',
        r"\[null\]",
        "1",
    ],
    "embedding.py": [
        r'v4 document: Ref\(Collection\("users"\), "\d+"\) \{\'email\': \'ann@example.com\'\}',
        r"v10 document: \d+ \{'email': 'ann@example.com'\}",
        "error: instance not found - Document not found.",
        r'identity: Ref\(Collection\("users"\), "\d+"\)',
        r"info: \{'email': 'ann@example.com'\}",
        "after invalidate: None",
    ],
    "tokens.fql": [
        rf'{{ ref: Collection\("users"\), ts: {TS}, history_days: 0, name: "users" }}',
        rf'{{ ref: Index\("users_by_email"\), ts: {TS}, active: true, .*permissions: {{ read: "public" }}.*}}',
        rf'{{ ref: {ALICE}, ts: {TS}, data: {{ email: "alice@site.example" }} }}',
        rf'{{ ref: Index\("tokens_by_instance"\), ts: {TS}, .*source: Tokens\(\), terms: \[{{ field: "instance" }}\], '
        rf'values: \[{{ field: \["data", "name"\] }}\], partitions: 1 }}',
        rf'{{ ref: {TOKEN}, ts: {TS}, data: {{ name: "web" }}, instance: {ALICE}, secret: {SECRET} }}',
        rf'{{ ref: {TOKEN}, ts: {TS}, data: {{ name: "mobile" }}, instance: {ALICE}, secret: {SECRET} }}',
        rf"{{ data: \[{TOKEN}, {TOKEN}\] }}",
        r'{ data: \["mobile", "web"\] }',
        rf'{{ ref: {TOKEN}, ts: {TS}, data: {{ name: "web", meta: "data" }}, instance: {ALICE} }}',
        rf'{{ ref: {TOKEN}, ts: {TS}, data: {{ name: "web", meta: "data" }}, instance: {ALICE}, '
        rf"hashed_secret: {HASH} }}",
    ],
    "login.fql": [
        rf'{{ ref: Collection\("characters"\), ts: {TS}, history_days: 0, name: "characters" }}',
        rf'{{ ref: Index\("characters_by_name"\), ts: {TS}, .*}}',
        rf'{{ ref: {ARIEL}, ts: {TS}, data: {{ name: "Ariel" }} }}',
        rf"{{ ref: {TOKEN}, ts: {TS}, instance: {ARIEL}, secret: {SECRET} }}",
        rf'{{ ref: {TOKEN}, ts: {TS}, data: {{ device: "phone" }}, instance: {ARIEL}, secret: {SECRET} }}',
        r"\[true, false, false\]",
        rf'{{ ref: {ARIEL}, ts: {TS}, data: {{ name: "Ariel" }} }}',
        r"2",
    ],
    "create_token.fql": [
        rf'{{ ref: Collection\("services"\), ts: {TS}, history_days: 0, name: "services" }}',
        rf'{{ ref: {SERVICE}, ts: {TS}, data: {{ name: "billing" }} }}',
        rf'{{ ref: {TOKEN}, ts: {TS}, instance: {SERVICE}, data: {{ purpose: "nightly export" }}, secret: {SECRET} }}',
        rf'{{ ref: {TOKEN}, ts: {TS}, instance: {SERVICE}, ttl: Time\("[-0-9T:.]+Z"\), secret: {SECRET} }}',
        rf"{{ data: \[{SERVICE}, {SERVICE}\] }}",
        rf'{{ ref: {TOKEN}, ts: {TS}, instance: {SERVICE}, data: {{ purpose: "nightly export" }}, '
        rf"hashed_secret: {HASH} }}",
        r"1",
    ],
    "fsl_schema.py": [
        r"pushed: \['collections.fsl', 'functions.fsl'\] version True",
        r"notes: \['hello'\]",
        r"check constraint: Failed to create document in collection `Users`.",
        r"push refused: error: Expected `\)` or identifier",
        r"files now: \['collections.fsl', 'functions.fsl', 'main.fsl'\]",
        r"diff of a re-push of them: ''",
    ],
    "sessions.py": [
        r"signup -> fn… \(a token secret\)",
        rf'info -> {{ ref: Ref\(Collection\("users"\), {ID}\), ts: {TS}, data: {{ email: "alice@site.example" }} }}',
        rf'signin with FQL -> Ref\(Collection\("users"\), {ID}\)',
        rf"signin with a Ref -> {TOKEN}",
        r"signin with a wrong password -> authentication failed",
        r"authenticate with a wrong secret -> unauthorized",
        r"authenticate with a server key -> info null",
        r"tokens -> 3",
        r"invalidate -> info null",
        r"the invalidated secret -> unauthorized",
        r"alice's first session -> true",
        r"tokens -> 2",
    ],
}

FILES = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".fql", ".py"))


def run_example(path: Path) -> tuple[int, str, str]:
    if path.suffix == ".fql":
        out, err = io.StringIO(), io.StringIO()
        status = cli.run(["run", str(path)], stdin=io.StringIO(), stdout=out, stderr=err)
        return status, out.getvalue(), err.getvalue()
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run(
        [sys.executable, str(path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    return done.returncode, done.stdout, done.stderr


def test_the_auth_examples_exist():
    assert set(EXPECTED) <= {p.name for p in FILES}


def _needs_server(path: Path) -> bool:
    """Scripts that talk to a running `fql serve` (their docstring says so) are tested with the server."""
    return path.suffix == ".py" and "`fql serve`" in path.read_text(encoding="utf-8").split('"""')[1]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_example_runs(path):
    if _needs_server(path):
        pytest.skip("needs a running `fql serve`")
    status, out, err = run_example(path)
    assert (status, err) == (0, ""), err
    assert out.strip()
    expected = EXPECTED.get(path.name)
    if expected is None:
        return
    lines = out.splitlines()
    assert len(lines) == len(expected), out
    for line, pattern in zip(lines, expected):
        assert re.fullmatch(pattern, line), f"{line!r} does not match {pattern!r}"


def test_python_examples_have_a_title_and_a_main():
    for path in EXAMPLES.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert text.startswith('"""') and "\ndef main(" in text, path.name
        assert 'if __name__ == "__main__":\n    main(' in text, path.name
