"""`fql serve` under load: a v4 Get and a v10 byId over loopback at 1 and 16 clients, as ratios to in-process.

    python bench/server.py [--seconds 3] [--repeat 1] [--clients 1,16] [--generator auto|wrk|python]
                           [--server fql|granian|hypercorn] [--app fql|noop] [--interface asgi|rsgi]
                           [--loop asyncio|uvloop] [--profile FILE]

`--server fql` (the default) runs `python -m fql serve --port N` as it is. `granian` and `hypercorn` serve
`fql.server.App` from this script in a subprocess instead, so that other settings are measured without
changing fql/server: `--app noop` reads the request and answers a fixed body (the HTTP server's own floor);
`--loop uvloop` swaps the event loop; `--interface rsgi` calls the app through Granian's own interface (as
`fql serve` does) instead of ASGI; `--profile FILE` writes cProfile stats of the server's event-loop
thread (where the in-memory store's queries run) to FILE. Hypercorn, which `fql serve` used before Granian,
is not a dependency: `pip install hypercorn` to compare.

The load generator is wrk when installed (`apt-get install wrk`; a Lua script sends the POST), else a Python
keep-alive HTTP/1.1 client on raw sockets in this process (the server runs in its own). Each run is bounded
by `--seconds` (and the Python one by `--requests`). In-process figures run the same queries here:
`db.query(text, secret=)`, the embedding API and the baseline of every ratio; the server's handler alone
(JSON decode, evaluate, encode); the ASGI app called directly (no sockets, no HTTP). Besides requests per second, the server process's CPU time per request (all
its threads, from /proc) is shown beside the in-process CPU time per query: that ratio holds when other
processes share the cores and the rates do not. Only 127.0.0.1 is used.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import importlib.util
import json
import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from attrs import evolve, frozen

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import fql

HOST = "127.0.0.1"
SECRET = "secret"
#: The document that both queries read, as a v4 wire-JSON ref.
PEOPLE_1 = '{"@ref": {"id": "1", "collection": {"@ref": {"id": "people", "collection": {"@ref": {"id": "collections"}}}}}}'
#: The v4 Get of the issue, in wire JSON.
V4_GET = '{"get": ' + PEOPLE_1 + "}"
#: The same reads as query texts, for the in-process baseline.
V4_TEXT, V10_TEXT = 'Get(Ref(Collection("people"), "1"))', 'People.byId("1")'
#: Requests that create what the measured queries read: (path, body, extra headers).
SETUP = [
    ("/", '{"create_collection": {"object": {"name": "people"}}}', {}),
    ("/", '{"create": ' + PEOPLE_1 + ', "params": {"object": {"data": {"object": {"name": "Alice", "age": 30}}}}}', {}),
    ("/query/1", json.dumps({"query": 'Collection.create({ name: "People" })'}), {"X-Format": "tagged"}),
    ("/query/1", json.dumps({"query": 'People.create({ id: "1", name: "Alice", age: 30 })'}), {"X-Format": "tagged"}),
]
#: How long the server has to start listening.
START_TIMEOUT = 30.0
#: Warm-up before each measured run (caches, lazily built parsers), in seconds.
WARMUP = 0.5
#: How long past its deadline the Python generator waits for the last answers before it gives up on them.
GRACE = 10.0
_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)", re.IGNORECASE)


@frozen
class Query:
    """One measured request: its name, path, body and extra headers, and the same query as text in-process."""

    name: str
    path: str
    body: str
    headers: dict[str, str]
    text: str
    syntax: str

    def request(self) -> bytes:
        """The whole HTTP/1.1 request, sent again and again on a keep-alive connection."""
        lines = [f"POST {self.path} HTTP/1.1", f"Host: {HOST}", f"Authorization: Bearer {SECRET}",
                 "Content-Type: application/json", f"Content-Length: {len(self.body)}"]
        lines += [f"{k}: {v}" for k, v in self.headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n" + self.body).encode()


QUERIES = [
    Query("v4 Get", "/", V4_GET, {}, V4_TEXT, "v4"),
    Query("v10 byId", "/query/1", json.dumps({"query": V10_TEXT}), {"X-Format": "tagged"}, V10_TEXT, "v10"),
]


@frozen
class Result:
    """A load run: requests per second, latency percentiles in milliseconds, failed requests, and the
    server's CPU time per request in microseconds (all its threads; 0 where /proc cannot tell)."""

    rps: float
    p50: float
    p99: float
    requests: int
    errors: int = 0
    cpu_us: float = 0.0


@frozen
class Rate:
    """An in-process figure: calls per second, and CPU time per call in microseconds."""

    per_second: float
    cpu_us: float


# The server side (a subprocess of this script for --server hypercorn|granian).


async def noop_app(scope: dict, receive, send) -> None:
    """An ASGI app that reads the request and answers a fixed body: what the HTTP server alone costs."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
    elif scope["type"] == "http":
        while (await receive()).get("more_body", False):
            pass
        body = b'{"resource":{"ok":true}}'
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"%d" % len(body))]})
        await send({"type": "http.response.body", "body": body})


class NoopRSGI:
    """The noop app on granian's own interface (RSGI): the body read in one call, the answer sent in one."""

    async def __rsgi__(self, scope, protocol) -> None:
        await protocol()
        protocol.response_bytes(200, [("content-type", "application/json")], b'{"resource":{"ok":true}}')


def make_app(args: argparse.Namespace):
    if args.app == "noop":
        return NoopRSGI() if args.interface == "rsgi" else noop_app
    from fql.server import App

    app = App(fql.connect(root_secret=SECRET))
    app.inline = True  # as fql's ServerThread sets it for the memory store
    return app


def serve_child(args: argparse.Namespace) -> None:
    """Serve the chosen app with the chosen server on `args.port` until SIGINT or SIGTERM."""
    if args.loop == "uvloop":
        import uvloop

        uvloop.install()
    app = make_app(args)
    if args.profile:
        # cProfile sees the loop thread only: the app, and the in-memory store's queries run there.
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    try:
        if args.server == "hypercorn":
            asyncio.run(_hypercorn(app, args.port))
        else:
            asyncio.run(_granian(app, args.port, args.interface))
    finally:
        if args.profile:
            profiler.disable()
            profiler.dump_stats(args.profile)


async def _hypercorn(app, port: int) -> None:
    """Hypercorn, as `fql serve` ran before Granian: HTTP/1.1 and h2c (also by Upgrade) on one port."""
    from hypercorn.asyncio import serve
    from hypercorn.config import Config

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    settings = Config()
    settings.bind = [f"{HOST}:{port}"]
    settings.loglevel, settings.accesslog = "WARNING", None
    await serve(app, settings, shutdown_trigger=stop.wait)


async def _granian(app, port: int, interface: str) -> None:
    from granian.constants import HTTPModes, Interfaces
    from granian.server.embed import Server

    kind = Interfaces.RSGI if interface == "rsgi" else Interfaces.ASGI
    server = Server(app, address=HOST, port=port, interface=kind, http=HTTPModes.auto, log_enabled=False)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, server.stop)
    await server.serve()


# Starting, filling and stopping the server.


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(args: argparse.Namespace, port: int) -> subprocess.Popen:
    if args.server == "fql":
        command = [sys.executable, "-m", "fql", "serve", "--port", str(port), "--log-level", "warning"]
    else:
        command = [sys.executable, __file__, "--serve-child", "--port", str(port), "--server", args.server,
                   "--app", args.app, "--loop", args.loop, "--interface", args.interface]
        command += ["--profile", args.profile] if args.profile else []
    # A file, not a pipe, for the server's log: nobody reads it during the run, and a full pipe would block it.
    log = tempfile.TemporaryFile()  # noqa: SIM115 - open as long as the server runs, then garbage
    # The in-process figures' worker threads have exited by now, so preexec_fn is safe.
    proc = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=log, cwd=Path(__file__).parents[1],
        preexec_fn=_die_with_parent,  # noqa: PLW1509
    )
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return proc
        except OSError:
            time.sleep(0.1)
    stop_server(proc)
    log.seek(0)
    raise SystemExit(f"the server did not start: {log.read().decode(errors='replace')[-2000:]}")


def _prctl():
    """libc's prctl, looked up before any fork (None where there is none)."""
    try:
        import ctypes

        return ctypes.CDLL(None).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _prctl()
#: prctl's PR_SET_PDEATHSIG: a signal the kernel sends the process when its parent dies.
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the server process, before exec: get SIGTERM if this script dies first (Linux)."""
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, signal.SIGTERM)


def stop_server(proc: subprocess.Popen) -> None:
    """SIGINT (Ctrl-C) and wait; SIGKILL the one process started here if it does not stop."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def populate(port: int) -> None:
    import http.client

    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    for path, body, extra in SETUP:
        conn.request("POST", path, body, {"Authorization": f"Bearer {SECRET}", **extra})
        response = conn.getresponse()
        answer = response.read()
        if response.status >= 300:
            raise SystemExit(f"setup request {body} failed: {response.status} {answer[:300]!r}")
    conn.close()


# Load generators.


def wrk_load(port: int, query: Query, clients: int, seconds: float) -> Result:
    """wrk on one thread (the server gets the other core), with a Lua script for the POST and the summary."""
    script = _wrk_script(query)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    try:
        command = ["wrk", "-t1", f"-c{clients}", f"-d{max(1, round(seconds))}s", "-s", file.name,
                   f"http://{HOST}:{port}{query.path}"]
        out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False).stdout
    finally:
        os.unlink(file.name)
    match = re.search(r"^FQLBENCH (\d+) (\d+) (\d+) (\d+) (\d+)$", out, re.MULTILINE)
    if not match:
        raise SystemExit(f"wrk gave no summary:\n{out}")
    requests, micros, errors, p50, p99 = map(int, match.groups())
    return Result(requests / micros * 1e6, p50 / 1000, p99 / 1000, requests, errors)


def _wrk_script(query: Query) -> str:
    headers = {"Authorization": f"Bearer {SECRET}", "Content-Type": "application/json", **query.headers}
    lines = ['wrk.method = "POST"', f"wrk.body = [==[{query.body}]==]"]
    lines += [f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items()]
    lines.append(
        "done = function(s, latency, requests)\n"
        "  local e = s.errors\n"
        '  io.write(string.format("FQLBENCH %d %d %d %d %d\\n", s.requests, s.duration,'
        " e.connect + e.read + e.write + e.status + e.timeout, latency:percentile(50), latency:percentile(99)))\n"
        "end"
    )
    return "\n".join(lines) + "\n"


class _Client:
    """One keep-alive connection of the Python generator: its socket, unread bytes, and when it last sent."""

    __slots__ = ("buffer", "sent", "sock")

    def __init__(self, port: int):
        self.sock = socket.create_connection((HOST, port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setblocking(False)
        self.buffer = b""
        self.sent = 0.0


def python_load(port: int, query: Query, clients: int, seconds: float, limit: int) -> Result:
    """`clients` connections, each sending the next request as soon as the last answer is whole."""
    request, latencies, errors = query.request(), [], 0
    selector = selectors.DefaultSelector()
    pool = [_Client(port) for _ in range(clients)]
    start = time.perf_counter()
    deadline = start + seconds
    for client in pool:
        selector.register(client.sock, selectors.EVENT_READ, client)
        client.sent = time.perf_counter()
        client.sock.sendall(request)
    while selector.get_map():
        if time.perf_counter() > deadline + GRACE:
            errors += _give_up(selector)
            break
        for key, _ in selector.select(timeout=1):
            client = key.data
            chunk = client.sock.recv(262144)
            client.buffer += chunk
            size, status = _response_size(client.buffer)
            if chunk and not size:
                continue
            now = time.perf_counter()
            latencies.append(now - client.sent)
            errors += not chunk or status >= 300
            client.buffer = client.buffer[size:]
            if chunk and now < deadline and len(latencies) < limit:
                client.sent = now
                client.sock.sendall(request)
            else:
                selector.unregister(client.sock)
                client.sock.close()
    elapsed = time.perf_counter() - start
    return _result(latencies, elapsed, errors)


def _give_up(selector: selectors.BaseSelector) -> int:
    """Close the connections still waiting for an answer; each counts as a failed request."""
    keys = list(selector.get_map().values())
    for key in keys:
        selector.unregister(key.fileobj)
        key.fileobj.close()
    return len(keys)


def _response_size(buffer: bytes) -> tuple[int, int]:
    """The length and status of the whole response at the start of `buffer`, or (0, 0) if not all there yet."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return 0, 0
    match = _CONTENT_LENGTH.search(buffer, 0, end + 2)
    size = end + 4 + (int(match.group(1)) if match else 0)
    return (size, int(buffer[9:12])) if len(buffer) >= size else (0, 0)


def _result(latencies: list[float], elapsed: float, errors: int) -> Result:
    latencies.sort()
    return Result(len(latencies) / elapsed, _percentile(latencies, 0.50), _percentile(latencies, 0.99),
                  len(latencies), errors)


def _percentile(ordered: list[float], fraction: float) -> float:
    """The `fraction` quantile of sorted latencies in seconds, in milliseconds."""
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000 if ordered else 0.0


def load(args: argparse.Namespace, proc: subprocess.Popen, query: Query, clients: int) -> Result:
    """A warm-up, then the best of `--repeat` runs, with the server process's CPU time over that run."""

    def run(seconds: float) -> Result:
        if args.generator == "wrk":
            return wrk_load(args.port, query, clients, seconds)
        return python_load(args.port, query, clients, seconds, args.requests)

    run(WARMUP)
    results = []
    for _ in range(args.repeat):
        before = cpu_seconds(proc.pid)
        result = run(args.seconds)
        used = cpu_seconds(proc.pid) - before
        results.append(evolve(result, cpu_us=used / result.requests * 1e6 if before and result.requests else 0.0))
    return max(results, key=lambda r: r.rps)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of process `pid` and all its threads, from /proc (0.0 where there is none)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # Fields 14 and 15 of stat(5), utime and stime, counted after the `(comm)` field.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# In-process figures.


def rate(fn, seconds: float) -> Rate:
    """Calls per second of `fn` and its CPU time per call, measured for about `seconds` after a warm-up."""
    for _ in range(200):
        fn()
    n, start, cpu = 0, time.perf_counter(), time.process_time()
    while True:
        for _ in range(50):
            fn()
        n += 50
        now = time.perf_counter()
        if now - start >= seconds:
            return Rate(n / (now - start), (time.process_time() - cpu) / n * 1e6)


def in_process(args: argparse.Namespace) -> dict[str, dict[str, Rate]]:
    """Per query, best of `--repeat`: `db.query` (the baseline); the server's handler alone (JSON decode,
    evaluate, encode); the ASGI app called directly."""
    from fql.server import App

    db = fql.connect(root_secret=SECRET)
    db.query('CreateCollection({name: "people"})')
    db.query('Create(Ref(Collection("people"), "1"), {data: {name: "Alice", age: 30}})')
    db.query('Collection.create({ name: "People" })', syntax="v10")
    db.query('People.create({ id: "1", name: "Alice", age: 30 })', syntax="v10")
    app = App(db)
    app.inline = True  # as fql's ServerThread sets it for the memory store
    try:
        return {query.name: _in_process_figures(args, db, app, query) for query in QUERIES}
    finally:
        app.pool.close()
        # Let the workers exit: the server is started with a preexec_fn, which forking threads make unsafe.
        deadline = time.monotonic() + 5
        while threading.active_count() > 1 and time.monotonic() < deadline:
            time.sleep(0.01)


def _in_process_figures(args: argparse.Namespace, db: fql.Database, app, query: Query) -> dict[str, Rate]:
    from fql import stack
    from fql.server import app as module
    from fql.server import v10

    seconds = min(args.seconds, 1.0)
    def v10_handler():
        return v10.query(db, module.parse(query.body.encode()), SECRET, {"x-format": "tagged"}, 0)

    handler = functools.partial(app._query, query.body.encode(), SECRET) if query.syntax == "v4" else v10_handler

    def best(measure) -> Rate:
        # On a deep thread, as the server runs its queries: on the main thread, while the app's workers hold
        # the raised recursion limit, each query would hop to a deep thread (fql/stack.py) and cost that too.
        return max((stack.run_deep(measure) for _ in range(args.repeat)), key=lambda r: r.per_second)

    figures = {
        "db.query": best(lambda: rate(lambda: db.query(query.text, secret=SECRET, syntax=query.syntax), seconds)),
        "handler": best(lambda: rate(handler, seconds)),
        "asgi": best(lambda: asyncio.run(_asgi_rate(app, query, seconds))),
    }
    return figures


async def _asgi_rate(app, query: Query, seconds: float) -> Rate:
    """Requests per second of the ASGI app called directly: no sockets, no HTTP parsing."""
    headers = [(b"authorization", f"Bearer {SECRET}".encode()), (b"content-type", b"application/json")]
    headers += [(k.lower().encode(), v.encode()) for k, v in query.headers.items()]
    scope = {"type": "http", "method": "POST", "path": query.path, "query_string": b"", "headers": headers}
    message = {"type": "http.request", "body": query.body.encode(), "more_body": False}

    async def receive():
        return message

    async def send(_):
        pass

    # Worker threads' CPU time would count too (SQL stores): process_time covers every thread of the process.
    n, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        for _ in range(50):
            await app(scope, receive, send)
        n += 50
    return Rate(n / (time.perf_counter() - start), (time.process_time() - cpu) / n * 1e6)


# h2c on the same port.


def h2c_check(port: int) -> str:
    """Whether the server answers HTTP/2 with prior knowledge and the HTTP/1.1 `Upgrade: h2c` on this port."""
    return f"h2c prior knowledge: {_h2_prior_knowledge(port)}; HTTP/1.1 Upgrade to h2c: {_h2_upgrade(port)}"


def _h2_prior_knowledge(port: int) -> str:
    import h2.connection
    import h2.events

    conn = h2.connection.H2Connection()
    conn.initiate_connection()
    conn.send_headers(1, [(":method", "GET"), (":path", "/ping"), (":scheme", "http"), (":authority", HOST)],
                      end_stream=True)
    with socket.create_connection((HOST, port), timeout=5) as sock:
        sock.sendall(conn.data_to_send())
        try:
            while data := sock.recv(65536):
                for event in conn.receive_data(data):
                    if isinstance(event, h2.events.ResponseReceived):
                        return f"yes (status {dict(event.headers)[b':status'].decode()})"
                sock.sendall(conn.data_to_send())
        except (OSError, h2.exceptions.ProtocolError) as exc:
            return f"no ({type(exc).__name__})"
    return "no (connection closed)"


def _h2_upgrade(port: int) -> str:
    request = (f"GET /ping HTTP/1.1\r\nHost: {HOST}\r\nConnection: Upgrade, HTTP2-Settings\r\n"
               "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n").encode()
    with socket.create_connection((HOST, port), timeout=5) as sock:
        sock.sendall(request)
        try:
            status = sock.recv(65536).split(b"\r\n", 1)[0].decode(errors="replace")
        except OSError as exc:
            return f"no ({type(exc).__name__})"
    return "yes (101)" if " 101 " in status + " " else f"no ({status or 'closed'})"


# The report.


def report(args: argparse.Namespace, loaded: dict, inproc: dict, checks: str) -> None:
    """Each figure as a ratio to in-process `db.query`: of requests per second, and of CPU time per request.

    The CPU ratio (in-process CPU per query / server CPU per request) does not move when other processes
    share the cores; the rate ratio does.
    """
    options = ["rsgi"] if args.interface == "rsgi" else []
    what = "fql serve" if args.server == "fql" else ", ".join([args.server, f"app {args.app}", *options])
    loop = "uvloop where installed (fql serve's own choice)" if args.server == "fql" else args.loop
    print(f"server: {what}; loop {loop}; generator {args.generator}; {args.seconds:g} s per run")
    print(checks)
    for query in QUERIES:
        base = inproc[query.name]["db.query"]
        print(f"\n{query.name}: in-process db.query {base.per_second:7.0f}/s, {base.cpu_us:6.1f} us CPU (the baseline)")
        for name, value in inproc[query.name].items():
            if name != "db.query":
                print(f"  in-process {name:11}: {value.per_second:7.0f}/s  ratio {value.per_second / base.per_second:4.2f}"
                      f"   {value.cpu_us:6.1f} us CPU  ratio {base.cpu_us / value.cpu_us:4.2f}")
        for clients in args.clients:
            print(_load_line(loaded[query.name, clients], base, clients))
    print("\ntargets: HTTP rate ratio >= 0.33 (one worker); p99 < 10 ms at 16 clients")


def _load_line(r: Result, base: Rate, clients: int) -> str:
    cpu = f"   {r.cpu_us:6.1f} us CPU  ratio {base.cpu_us / r.cpu_us:4.2f}" if r.cpu_us else ""
    errors = f"   {r.errors} errors" if r.errors else ""
    return (f"  HTTP {clients:2} client{'s' if clients > 1 else ' '}: {r.rps:7.0f}/s  ratio {r.rps / base.per_second:4.2f}"
            f"{cpu}   p50 {r.p50:6.2f} ms  p99 {r.p99:6.2f} ms{errors}")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each measured run (default 3)")
    parser.add_argument("--requests", type=int, default=500_000, help="most requests in one Python-generator run")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each figure; the best one is shown")
    parser.add_argument("--clients", default="1,16", help="concurrent connections, comma-separated (default 1,16)")
    parser.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--server", choices=("fql", "granian", "hypercorn"), default="fql")
    parser.add_argument("--app", choices=("fql", "noop"), default="fql")
    parser.add_argument("--interface", choices=("asgi", "rsgi"), default="asgi", help="granian's interface to the app")
    parser.add_argument("--loop", choices=("asyncio", "uvloop"), default="asyncio")
    parser.add_argument("--profile", metavar="FILE", help="cProfile stats of the server's loop thread to FILE")
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--serve-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    changed = args.app != "fql" or args.loop != "asyncio" or args.profile
    if args.server == "fql" and changed:
        parser.error("--app, --loop and --profile need --server granian or hypercorn")
    if args.interface == "rsgi" and args.server != "granian":
        parser.error("--interface rsgi needs --server granian")
    for module, wanted in (("hypercorn", args.server == "hypercorn"), ("uvloop", args.loop == "uvloop")):
        if wanted and importlib.util.find_spec(module) is None:
            parser.error(f"{module} is not installed here (pip install {module}); fql does not depend on it")
    if args.generator == "auto":
        args.generator = "wrk" if shutil.which("wrk") else "python"
    args.clients = [int(c) for c in str(args.clients).split(",")]
    return args


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.serve_child:
        serve_child(args)
        return 0
    # A SIGTERM ends this script through its `finally`s, which stop the server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    inproc = in_process(args)
    args.port = free_port()
    proc = start_server(args, args.port)
    try:
        populate(args.port)
        checks = h2c_check(args.port)
        loaded = {(q.name, c): load(args, proc, q, c) for q in QUERIES for c in args.clients}
    finally:
        stop_server(proc)
    report(args, loaded, inproc, checks)
    return 0


if __name__ == "__main__":
    sys.exit(main())
