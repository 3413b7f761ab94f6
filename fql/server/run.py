"""Run the app on Granian: `serve()` for `fql serve` (until Ctrl-C), `ServerThread` for tests and embedding.

Granian does the HTTP work (HTTP/1.1 and h2c on one port, or both over TLS) in Rust and calls the ASGI app on an asyncio event
loop of ours, in a thread of ours: the README's Server section says why it was chosen over Hypercorn.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import signal
import socket
import ssl
import tempfile
import threading
import time
import typing as t
from pathlib import Path

from attrs import frozen
from granian.constants import HTTPModes, Interfaces, SSLProtocols
from granian.http import HTTP1Settings, HTTP2Settings
from granian.log import LogLevels
from granian.server.embed import Server

from .app import App
from .. import stack

if t.TYPE_CHECKING:
    from ..database import Database

#: How long `start()` waits for the server to accept connections.
START_TIMEOUT = 30.0
#: How long `stop()` waits for Granian's threads to end.
THREADS_TIMEOUT = 3.0
#: HTTP/2 keep-alive: a PING every `PING_INTERVAL_MS`, and a connection whose client has not answered one
#: within `PING_TIMEOUT` seconds is closed. A client that reads only while it waits for an answer (httpx's
#: pool, as the Python drivers keep it) never answers the PING of the server's graceful GOAWAY either, and
#: Granian waits for that answer before it stops: so an idle HTTP/2 client held `stop()` (and Ctrl-C) for
#: ever. Closed so, such a connection is opened again by its client at its next request.
PING_INTERVAL_MS = 2000
PING_TIMEOUT = 8
#: How long `stop()` lets connections close before the server's worker is stopped anyway (its threads may
#: then outlive the stop, with what connections they still hold).
DRAIN_TIMEOUT = 15
#: How long (ms) an HTTP/1 connection may stay idle after an answer before the server closes it: core's
#: network_http_keepalive_timeout_ms (HttpServerTimeoutHandler's all-idle time). hyper's header read timeout
#: runs from the end of an answer to the end of the next request's headers, so it closes such a connection
#: (and a request whose headers come slower, which core would wait for) when core does; a new connection
#: that has sent nothing yet is left open, as core leaves it.
KEEP_ALIVE_TIMEOUT_MS = 5000
#: Core's HTTP/2 settings (HttpServer's frame codec): as many streams at once on a connection as a client
#: likes (CoreConfig's http_max_concurrent_streams, Int.MaxValue), and Netty's default header list of at
#: most 8 KiB, past which a stream is answered 431 (Granian's defaults are 200 streams and 16 MiB).
MAX_CONCURRENT_STREAMS = 2**31 - 1
MAX_HEADER_LIST_SIZE = 8 * 1024
#: Granian's log level for each of ours: its INFO lines repeat what `fql serve` prints.
_GRANIAN_LEVELS = {
    "debug": LogLevels.debug,
    "info": LogLevels.warning,
    "warning": LogLevels.warning,
    "error": LogLevels.error,
}


def reserve(host: str, port: int) -> tuple[str, int]:
    """Check that `host:port` can be listened on and pick a free port for port 0: (address, port).

    Granian binds the listening socket itself (with SO_REUSEADDR), so the check binds and lets go; for
    port 0 the free port the kernel picked is taken by the server a moment later. OSError if it cannot.
    """
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(1)
        bound = sock.getsockname()
    return bound[0], bound[1]


def url(host: str, port: int, scheme: str = "http") -> str:
    return f"{scheme}://[{host}]:{port}" if ":" in host else f"{scheme}://{host}:{port}"


@frozen
class TLS:
    """Serve over TLS, as core's HTTP server does given its http_ssl_* settings (CoreConfig.httpSSL): HTTP/2
    or HTTP/1.1 as the client's ALPN asks, TLS 1.2 or 1.3."""

    #: A PEM file holding the server's private key and its certificate chain (core's http_ssl_key_file).
    key: str
    #: The key's password, if it is encrypted (http_ssl_password).
    password: str | None = None
    #: A PEM file of CA certificates (http_ssl_trust_file): given, every client must present a certificate
    #: one of them signed, as core's ServerSSL then needs client auth.
    trust: str | None = None

    def check(self) -> None:
        """OSError (ssl.SSLError, FileNotFoundError...) if the files cannot serve: checked before the server
        starts, so that a bad file is named rather than failing in Granian's threads."""
        for name in (self.key, self.trust):
            if name is not None:
                with open(name, "rb"):  # a missing file named as such (ssl's error names no file)
                    pass
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.key, self.key, self.password)
        if self.trust is not None:
            context.load_verify_locations(self.trust)

    def unsealed_key(self, folder: str) -> Path:
        """The encrypted key, decrypted into a file in `folder` that only this user may read: Granian's own
        decryption reads few of PEM's encryptions (not `cryptography`'s PKCS #8 ones) and fails by aborting
        the process. The caller removes it once the server has read it."""
        from cryptography.hazmat.primitives import serialization

        key = serialization.load_pem_private_key(Path(self.key).read_bytes(), (self.password or "").encode())
        plain = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        path = Path(folder) / "key.pem"
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(plain)
        return path

    def granian_options(self, key: Path | None = None) -> dict[str, t.Any]:
        """Granian's TLS options, with `key` (the decrypted key) in place of an encrypted one."""
        return {
            "ssl_cert": Path(self.key),
            "ssl_key": key or Path(self.key),
            "ssl_protocol_min": SSLProtocols.tls12,
            "ssl_ca": None if self.trust is None else Path(self.trust),
            "ssl_client_verify": self.trust is not None,
        }


def serve(running: ServerThread, ready: t.Callable[[], None] = lambda: None) -> None:
    """Serve until SIGINT or SIGTERM (Ctrl-C), then stop: open streams end at once, requests under way finish.

    `ready` runs once Ctrl-C is ours to handle (it announces the server: a Ctrl-C sent on that news stops it).
    """
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        ready()
        stop.wait()
    finally:
        running.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class ServerThread:
    """`fql serve` in a background thread, on a free loopback port: `with ServerThread(db) as server: server.url`.

    The thread runs the event loop that Granian calls the app on. It has a deep stack: on the in-memory store
    queries run on that loop (`App.run`), and a query may nest as deep as its JSON.
    """

    def __init__(
        self,
        db: Database,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        interface: str = "rsgi",
        tls: TLS | None = None,
        **app_options: t.Any,
    ):
        app = App(db, **app_options)
        try:
            self._setup(app, host, port, "warning", interface, tls)
        except BaseException:
            # The port could not be reserved: the app's worker threads (and the raised recursion limit
            # they hold, fql.stack) end here, as stop() ends them.
            app.pool.close()
            raise

    @classmethod
    def of(
        cls, app: App, host: str, port: int, log_level: str = "info", interface: str = "rsgi", tls: TLS | None = None
    ) -> ServerThread:
        """A server thread for an app already made."""
        server = cls.__new__(cls)
        server._setup(app, host, port, log_level, interface, tls)
        return server

    def _setup(self, app: App, host: str, port: int, log_level: str, interface: str, tls: TLS | None) -> None:
        if tls is not None:
            tls.check()
        self.app = app
        #: Served over TLS when given.
        self.tls = tls
        #: How Granian calls the app: "rsgi" (its own interface, fewer crossings per request) or "asgi".
        self.interface = {"rsgi": Interfaces.RSGI, "asgi": Interfaces.ASGI}[interface]
        # This thread's stack is deep enough for queries on the loop; only the memory store never waits.
        app.inline = not app.db.storage.blocking
        self.host, self.port = reserve(host, port)
        self.url = url(self.host, self.port, "http" if tls is None else "https")
        self._log_level = log_level
        self._server: Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._failure: BaseException | None = None
        self._thread = stack.thread(self._run, "fql-serve")

    def start(self) -> ServerThread:
        """Start serving; returns once the server accepts connections (OSError if it cannot listen)."""
        self._threads_before = _native_threads()
        # An encrypted key is handed to Granian decrypted, in a private directory removed once it listens.
        sealed = self.tls is not None and self.tls.password is not None
        self._keys = tempfile.TemporaryDirectory(prefix="fql-tls-") if sealed else None
        try:
            self._thread.start()
            deadline = time.monotonic() + START_TIMEOUT
            while not _accepts(self.host, self.port):
                if not self._thread.is_alive() or time.monotonic() > deadline:
                    self.stop()
                    detail = f": {self._failure}" if self._failure else ""
                    raise OSError(errno.EADDRINUSE, f"cannot serve on {self.host}:{self.port}{detail}")
                time.sleep(0.01)
        finally:
            if self._keys is not None:
                self._keys.cleanup()
        return self

    def _run(self) -> None:
        try:
            with asyncio.Runner(loop_factory=_loop_factory()) as runner:
                runner.run(self._main())
        except BaseException as exc:  # noqa: BLE001 - reported by start()
            self._failure = exc

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._server = Server(
            self.app,
            address=self.host,
            port=self.port,
            interface=self.interface,
            http=HTTPModes.auto,
            websockets=False,
            log_enabled=True,
            log_level=_GRANIAN_LEVELS[self._log_level],
            log_access=self._log_level == "debug",
            http1_settings=HTTP1Settings(header_read_timeout=KEEP_ALIVE_TIMEOUT_MS),
            http2_settings=HTTP2Settings(
                keep_alive_interval=PING_INTERVAL_MS,
                keep_alive_timeout=PING_TIMEOUT,
                max_concurrent_streams=MAX_CONCURRENT_STREAMS,
                max_headers_size=MAX_HEADER_LIST_SIZE,
            ),
            **self._tls_options(),
        )
        _quiet_granian(self._log_level)
        self._server.workers_kill_timeout = DRAIN_TIMEOUT
        await self._server.serve()

    def _tls_options(self) -> dict[str, t.Any]:
        if self.tls is None:
            return {}
        return self.tls.granian_options(None if self._keys is None else self.tls.unsealed_key(self._keys.name))

    def stop(self) -> None:
        """End open streams, let requests under way finish, stop listening, and wait for the thread."""
        self.app.streams.close()
        if self._loop is not None and self._server is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._server.stop)
        if self._thread.ident is not None:
            self._thread.join()
            _wait_for_threads(self._threads_before)
        self.app.pool.close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: t.Any) -> None:
        self.stop()


def _loop_factory() -> t.Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop where it is installed (not on Windows): with it the server spends about 30% less
    CPU per request than with asyncio's own loop (bench/server.py); else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def _native_threads() -> set[int]:
    """The ids of this process's threads that Python did not start (Linux; elsewhere an empty set)."""
    try:
        found = {int(name) for name in os.listdir("/proc/self/task")}
    except OSError:
        return set()
    return found - {thread.native_id for thread in threading.enumerate()}


def _wait_for_threads(before: set[int]) -> None:
    """Wait (a while at most) for the threads Granian started to end.

    Its Rust threads wind down just after the server stops. One still running when the interpreter
    finalizes (a `fql serve` stopping, a script ending right after `stop()`) aborts the process, so
    `stop()` returns only once they are gone.
    """
    deadline = time.monotonic() + THREADS_TIMEOUT
    while _native_threads() - before and time.monotonic() < deadline:
        time.sleep(0.01)


def _accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def _quiet_granian(log_level: str) -> None:
    """Granian warns that embedding it is experimental on every start (fql's tests cover what it relies on):
    below debug, only its errors show. Its settings are applied as the server is made, hence afterwards."""
    if log_level != "debug":
        logging.getLogger("_granian").setLevel(logging.ERROR)
