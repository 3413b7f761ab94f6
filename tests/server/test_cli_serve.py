"""`fql serve`: where it listens, the root secret warning, a clean stop on Ctrl-C, and its usage errors."""

from __future__ import annotations

import functools
import json
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from fql import stack
from tests.helpers import run_cli


def test_serve_listens_warns_and_stops_on_ctrl_c():
    command = [sys.executable, "-m", "fql", "serve", "--port", "0", "--log-level", "warning"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        url = re.search(r"listening on (http://127\.0\.0\.1:\d+) ", line).group(1)
        with urllib.request.urlopen(url + "/ping?scope=all", timeout=10) as response:
            assert json.load(response) == {"resource": "Scope all is OK"}
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    finally:
        proc.kill()
    assert proc.returncode == 0 and "stopped" in out
    assert 'warning: the root secret is "secret"' in err and "Traceback" not in err


def test_ctrl_c_closes_a_sqlite_database(tmp_path):
    """Ctrl-C closes the storage once the server has stopped: SQLite checkpoints its write-ahead log into
    the file and removes it (left behind, it held every write of the session until the file's next open;
    found when the drivers' suites were run against `--db sqlite:///...`)."""
    path = tmp_path / "served.db"
    command = [sys.executable, "-m", "fql", "serve", "--port", "0", "--log-level", "warning", "--db", f"sqlite:///{path}"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = re.search(r"listening on (http://127\.0\.0\.1:\d+) ", proc.stdout.readline()).group(1)
        request = urllib.request.Request(
            url + "/query/1", data=json.dumps({"query": "Collection.create({ name: 'C' }).name"}).encode(),
            headers={"Authorization": "Bearer secret"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.load(response)["data"] == "C"
        assert (tmp_path / "served.db-wal").exists()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0 and "stopped" in out and "Traceback" not in err
    assert not (tmp_path / "served.db-wal").exists()
    assert run_cli("--db", f"sqlite:///{path}", "-e", "Collection.byName('C')!.name")[:2] == (0, '"C"\n')


def test_ctrl_c_stops_with_an_idle_http2_client_connected():
    """A client that keeps an HTTP/2 connection open without reading it (httpx's pool, the Python drivers')
    never answers the PING of the server's graceful GOAWAY: the server's own keep-alive PINGs go unanswered
    too, the connection is closed, and Ctrl-C stops the server (it waited for that answer for ever)."""
    import httpx

    command = [sys.executable, "-m", "fql", "serve", "--port", "0", "--log-level", "warning"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = re.search(r"listening on (http://127\.0\.0\.1:\d+) ", proc.stdout.readline()).group(1)
        with httpx.Client(http1=False, http2=True) as idle:
            answer = idle.post(url + "/query/1", json={"query": "1"}, headers={"Authorization": "Bearer secret"})
            assert answer.http_version == "HTTP/2" and answer.json()["data"] == 1
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0 and "stopped" in out and "Traceback" not in err


def test_a_server_thread_stops_with_an_idle_http2_client_connected():
    """The same for `ServerThread.stop()`: it returns once the idle connection is closed, with Granian's
    threads ended (not abandoned by the stop's last resort, DRAIN_TIMEOUT, which leaves them)."""
    import httpx

    import fql
    from fql.server import ServerThread
    from fql.server.run import _native_threads

    before = _native_threads()
    server = ServerThread(fql.connect()).start()
    with httpx.Client(http1=False, http2=True) as idle:
        assert idle.post(server.url + "/query/1", json={"query": "1"}, headers={"Authorization": "Bearer secret"}).status_code == 200
        server.stop()
        # Granian's threads end as its worker returns; the last may still be exiting as stop() returns, and
        # other tests' worker pools start and end threads the check cannot tell from native ones while they
        # do. Abandoned ones (DRAIN_TIMEOUT's last resort) stay: every thread seen now must end within 5 s.
        deadline = time.monotonic() + 5
        left = _native_threads() - before
        while left and time.monotonic() < deadline:
            time.sleep(0.05)
            left &= _native_threads()
        assert not left


# `fql serve` in-process, handed the test process's own standard input.
run = functools.partial(run_cli, stdin=None)


def test_port_in_use():
    limit = sys.getrecursionlimit()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status, _, err = run("serve", "--port", str(port))
    assert status == 1 and err.startswith(f"fql serve: cannot listen on 127.0.0.1:{port}: ")
    # Nothing is left running: the app's worker threads ended, and the process's recursion limit with them.
    assert stack.RECURSION.holders == 0 and sys.getrecursionlimit() == limit


def test_empty_root_secret_is_refused():
    assert run("serve", "--root-secret", "") == (1, "", "fql serve: --root-secret must not be empty\n")


@pytest.mark.parametrize(("option", "value"), [("--log-level", "loud"), ("--port", "70000"), ("--port", "-1")])
def test_usage_errors(option, value):
    status, _, err = run("serve", option, value)
    assert status == 2 and f"argument {option}:" in err


def test_a_server_thread_that_cannot_listen_leaves_nothing_running():
    import fql
    from fql.server import ServerThread

    limit = sys.getrecursionlimit()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(OSError):
            ServerThread(fql.connect(), port=taken.getsockname()[1])
    assert stack.RECURSION.holders == 0 and sys.getrecursionlimit() == limit
