"""`fql repl` in a real terminal (tmux): what a person sees while typing, completing, erring and coming back."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="the terminal tests drive the REPL in tmux")

ROOT = Path(__file__).resolve().parents[1]
#: How long to wait for the screen to show something (generous: a slow machine must not fail the suite).
TIMEOUT = 30
#: What the bottom toolbar ends with: it is not part of a transcript.
TOOLBAR = "· Tab completes · :help"
#: A prompt at the start of a line (the screen's lines lose their trailing spaces).
PROMPT = re.compile(r"^fql>", re.MULTILINE)


class Terminal:
    """A tmux pane running `fql repl`; keys go in with send-keys and the screen comes out with capture-pane."""

    def __init__(self, history: Path, colour: bool = False):
        self.socket = f"fql-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        env = {"FQL_HISTORY": str(history), "HOME": str(history.parent), "PYTHONPATH": str(ROOT)}
        if not colour:
            env["NO_COLOR"] = "1"
        assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        # After the REPL ends the pane shows its exit status and stays open for a last look.
        command = f'env {assignments} {shlex.quote(sys.executable)} -m fql repl; echo "[exit $?]"; sleep 600'
        self._tmux("-f", "/dev/null", "new-session", "-d", "-x", "100", "-y", "40", "-c", str(ROOT), command)

    def _tmux(self, *args: str) -> str:
        command = ["tmux", "-L", self.socket, *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
        return done.stdout

    def screen(self, escapes: bool = False) -> str:
        """The pane's text (with its scrollback), without the toolbar and the blank lines at the end."""
        text = self._tmux("capture-pane", "-p", "-J", "-S", "-200", *(["-e"] if escapes else []))
        lines = [line.rstrip() for line in text.splitlines() if TOOLBAR not in line]
        while lines and not lines[-1]:
            lines.pop()
        return "\n".join(lines)

    def wait_for(self, expected: str | re.Pattern, count: int = 1) -> str:
        """Wait until the screen shows `expected` (`count` times); fail with the screen after TIMEOUT."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            screen = self.screen()
            found = len(expected.findall(screen)) if isinstance(expected, re.Pattern) else screen.count(expected)
            if found >= count:
                return screen
            if time.monotonic() > deadline:
                pytest.fail(f"the screen never showed {expected!r}:\n{screen}")
            time.sleep(0.05)

    def press_until(self, key: str, expected: str) -> None:
        """Press `key` until the screen shows `expected` (prompt_toolkit loads the history in the background)."""
        deadline = time.monotonic() + TIMEOUT
        while expected not in self.screen():
            if time.monotonic() > deadline:
                pytest.fail(f"the screen never showed {expected!r}:\n{self.screen()}")
            self.keys(key)
            time.sleep(0.3)

    def keys(self, *keys: str) -> None:
        """Named keys (`Enter`, `Tab`, `C-c`, `Up`)."""
        self._tmux("send-keys", "-t", "0", *keys)

    def type(self, text: str) -> None:
        """Literal text, one key press per character."""
        self._tmux("send-keys", "-t", "0", "-l", text)

    def entry(self, *lines: str) -> str:
        """Type an entry's lines, Enter after each, and wait for the next prompt."""
        prompts = len(PROMPT.findall(self.screen()))
        for line in lines:
            self.type(line)
            self.keys("Enter")
        return self.wait_for(PROMPT, prompts + 1)

    def cancel(self) -> None:
        """Ctrl-C, and wait for the fresh prompt."""
        prompts = len(PROMPT.findall(self.screen()))
        self.keys("C-c")
        self.wait_for(PROMPT, prompts + 1)

    def transcript(self, since: str) -> str:
        """The screen from the last line starting with `since`."""
        screen = self.screen()
        return screen[screen.rindex(since) :]

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=TIMEOUT, check=False)


def colours(screen: str) -> set[str]:
    """The foreground colours set by the escape sequences of `screen` (not the resets, `39`)."""
    found = set()
    for params in re.findall(r"\x1b\[([0-9;]*)m", screen):
        codes = params.split(";")
        found |= {c for c in codes if c in {str(n) for n in (*range(30, 38), *range(90, 98))}}
        if "38" in codes:
            found.add(params)
    return found


@pytest.fixture
def history(tmp_path) -> Path:
    return tmp_path / "history"


@pytest.fixture
def terminal(history):
    opened: list[Terminal] = []

    def start(colour: bool = False) -> Terminal:
        opened.append(Terminal(history, colour))
        opened[-1].wait_for(PROMPT)
        return opened[-1]

    yield start
    for each in opened:
        each.close()


def test_a_session(terminal, history):
    term = terminal()
    assert term.screen().startswith("fql 0.1.0: FQL v4 and v10 on memory://.")

    # Enter on an incomplete entry opens a new line, indented to the open brackets; `}` steps back.
    term.entry("Let({", "x: 1", '}, Var("x"))')
    assert term.transcript("fql> Let(") == 'fql> Let({\n...>     x: 1\n...>   }, Var("x"))\n1\nfql>'

    # Tab completes a built-in, and inside Collection("...") the database's collections.
    term.entry('CreateCollection({ name: "spells" })')
    term.type("Pagin")
    term.keys("Tab")
    term.wait_for("fql> Paginate")
    term.type('(Documents(Collection("sp')
    term.keys("Tab")
    term.wait_for('Documents(Collection("spells')
    term.entry('")))')
    assert term.transcript("fql> Paginate") == 'fql> Paginate(Documents(Collection("spells")))\n{ data: [] }\nfql>'

    # Several candidates open a menu with their signatures; Ctrl-C drops the entry.
    term.type("CreateC")
    term.keys("Tab")
    term.wait_for("CreateCollection(create_collection)")
    term.cancel()

    # v10: methods after a value's dot.
    term.type('"abc".toUp')
    term.keys("Tab")
    term.wait_for('"abc".toUpperCase')
    term.entry("()")
    assert term.transcript('fql> "abc"') == 'fql> "abc".toUpperCase()\n"ABC"\nfql>'

    term.entry(":help String.toUpperCase")
    assert term.transcript("fql> :help") == (
        "fql> :help String.toUpperCase\nString.toUpperCase()\nThe string in upper case (ß becomes SS).\nfql>"
    )

    # A syntax error is refused where it is, without running; a query error shows its caret.
    term.type("Add(1, ))")
    term.keys("Enter")
    term.wait_for("invalid expression: Unexpected ')'")
    term.cancel()
    term.entry('Add(1, "a")')
    assert term.transcript('fql> Add(1, "a")') == (
        'fql> Add(1, "a")\n'
        "invalid argument: Number expected, String provided.\n"
        '  at position ["add", 1]\n'
        '  1 | Add(1, "a")\n'
        "    |        ^^^\n"
        "fql>"
    )
    assert not colours(term.screen(escapes=True))  # NO_COLOR

    # Ctrl-D leaves.
    term.keys("C-d")
    term.wait_for("[exit 0]")
    assert "Traceback" not in term.screen()
    assert history.read_text(encoding="utf-8").count("\n+") >= 5


def test_history_across_restarts(terminal, history):
    first = terminal()
    first.entry("Add(40, 2)")
    first.entry(":syntax v10")
    first.keys("C-d")
    first.wait_for("[exit 0]")

    second = terminal(colour=True)
    second.press_until("Up", "fql> Add(40, 2)")  # the oldest entry: more Ups stay on it
    second.keys("Enter")
    # The result and the next prompt: the result alone may be on the screen before the prompt is drawn.
    screen = second.wait_for(re.compile(r"^42\nfql>", re.MULTILINE))
    assert screen.endswith("fql> Add(40, 2)\n42\nfql>")
    assert colours(second.screen(escapes=True))  # on a terminal, input and results are coloured


def test_a_wrapped_line_is_not_shown_as_a_new_line(terminal):
    # A line longer than the terminal wraps under blanks: `...>` marks only the entry's own new lines.
    term = terminal()
    text = "[" + ", ".join(f'"item {n}"' for n in range(14)) + "]"
    assert len(text) > 100
    screen = term.entry(text)
    typed = screen[screen.index("fql> [") :].splitlines()
    assert typed[0].startswith('fql> ["item 0"')
    assert typed[1].startswith("     ") and not typed[1].startswith("...>")
    assert "...>" not in screen
