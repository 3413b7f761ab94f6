"""Deep JSON on an ordinary thread while deep threads have raised Python's recursion limit (fql/stack.py).

The limit is process-wide: while a server's workers (or any deep query) run, an ordinary thread's recursion
is no longer stopped by RecursionError before it overruns its C stack. Each case runs in a child process
(a crash would otherwise end pytest) and must answer core's nesting error, not die.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

_PRELUDE = """
import json, sys, threading
from fql import stack
stack.RECURSION.enter()  # as a server's worker pool holds it
deep = "[" * 140000 + "]" * 140000
"""

CASES = {
    "a request body": """
from fql.server.body import parse
try:
    parse(deep.encode())
except Exception as err:
    print(err)
""",
    "a decoded v4 query": """
from fql.wire import v4
data = []
for _ in range(140000):
    data = [data]
for decode in (v4.from_json, v4.value_from_json):
    try:
        decode(data)
    except Exception as err:
        print(err)
""",
    "a query on the calling thread": """
import fql
print(fql.connect().query("Add(1, 2)"))
""",
}


@pytest.mark.parametrize("name", CASES)
def test_deep_json_on_an_ordinary_thread_is_refused_not_a_crash(name):
    code = textwrap.dedent(_PRELUDE) + textwrap.dedent(CASES[name])
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    if name == "a query on the calling thread":
        assert done.stdout.strip() == "3"
    else:
        lines = done.stdout.strip().splitlines()
        assert lines and all("Request body JSON exceeds nesting limit." in line for line in lines)


def test_a_function_body_nested_too_deep_to_print_is_a_stack_overflow():
    """Its create is checked against the schema's FSL, which cannot be drawn up at that depth: an FQL
    `stack overflow`, not a crash (the recursion limit is bounded by the deep threads' stacks) nor a
    Python error escaping the query. A shallower one is made."""
    code = textwrap.dedent("""
        import fql
        db = fql.connect()
        for n in (3000, 20000):
            body = "x => " + "[" * n + "]" * n
            try:
                print(db.query('Function.create({name: "f%d", body: %r}).name' % (n, body), syntax="v10"))
            except fql.FQLError as err:
                print(err.v10_code, err.description)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == [
        "f3000",
        "stack_overflow The definition of function `f20000` nests deeper than fql can print.",
    ]


def test_a_deep_thread_has_its_deep_stack():
    """The stack size in force when a thread starts is the one it gets: a deep thread made, then started
    after the size was set back, ran on the default 8 MiB and crashed where deep recursion needs more
    (printing a value nested 15,000 deep)."""
    code = textwrap.dedent("""
        from fql import stack
        from fql.render import to_fql10
        deep = []
        for _ in range(15000):
            deep = [deep]
        print(len(stack.run_deep(lambda: to_fql10(deep))))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == str(2 * 15001)


def test_a_deep_value_prints_from_the_command_line():
    """`fql -e` prints a result nested deeper than the main thread can print on a deep thread."""
    query = "Array.sequence(0, 15000).fold([], (acc, x) => [acc])"
    done = subprocess.run(
        [sys.executable, "-m", "fql", "--syntax", "v10", "-e", query], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[" * 15001 + "]" * 15001


def test_run_deep_keeps_its_threads_for_the_next_call():
    """Starting a deep thread costs more than a short query, and an embedding program querying while a
    server's loop holds the raised recursion limit runs every query on one: an idle deep thread takes the
    next call. Each call still runs as on a new thread: deep, in an empty context, its exception raised
    in the caller, and a second caller at once gets a thread of its own."""
    import contextvars
    import threading

    from fql import stack

    var = contextvars.ContextVar("probe", default="empty")

    def mark() -> tuple:
        seen = var.get()
        var.set("set")
        return threading.get_ident(), stack.is_deep(), seen

    first, second = stack.run_deep(mark), stack.run_deep(mark)
    assert first == (first[0], True, "empty") and second == (first[0], True, "empty")
    with pytest.raises(ZeroDivisionError):
        stack.run_deep(lambda: 1 / 0)
    assert stack.run_deep(mark)[0] == first[0]
    inner = stack.run_deep(lambda: stack.run_deep(mark))
    assert inner[0] != first[0] and inner[1:] == (True, "empty")


def test_run_deep_in_a_forked_child_starts_its_own_thread():
    """A forked child has none of its parent's threads: the idle deep threads the parent kept would never
    answer it (a forked `fql serve` hung on its first query)."""
    import os
    import time

    from fql import stack

    assert stack.run_deep(lambda: 1) == 1
    pid = os.fork()
    if pid == 0:
        os._exit(0 if stack.run_deep(lambda: 2) == 2 else 1)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        pytest.fail("the forked child's run_deep never answered")
    assert os.waitstatus_to_exitcode(status) == 0
