"""Run the app on Hypercorn: `serve()` for `fql serve` (until Ctrl-C), `ServerThread` for tests and embedding."""

from __future__ import annotations

import asyncio
import signal
import socket
import threading
import typing as t

from hypercorn.asyncio import serve as hypercorn_serve
from hypercorn.config import Config

from .app import App

if t.TYPE_CHECKING:
    from ..database import Database


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on `host:port` (port 0 picks a free one); OSError if it cannot listen."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(1024)
    except OSError:
        sock.close()
        raise
    return sock


def url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def config(sock: socket.socket, log_level: str = "info") -> Config:
    """Hypercorn's settings: serve the already listening `sock` (HTTP/1.1 and h2c on it), and log quietly.

    Hypercorn takes ownership of the socket and closes it when it stops.
    """
    cfg = Config()
    cfg.bind = [f"fd://{sock.detach()}"]
    cfg.loglevel = _HYPERCORN_LEVELS[log_level]
    cfg.accesslog = "-" if log_level == "debug" else None
    return cfg


#: Hypercorn's log level for each of ours: its INFO lines repeat what `fql serve` prints.
_HYPERCORN_LEVELS = {"debug": "DEBUG", "info": "WARNING", "warning": "WARNING", "error": "ERROR"}


def serve(app: App, sock: socket.socket, log_level: str = "info") -> None:
    """Serve until SIGINT or SIGTERM (Ctrl-C); open streams end at once, other requests under way finish."""
    asyncio.run(hypercorn_serve(app, config(sock, log_level), shutdown_trigger=lambda: _until_signal(app)))


async def _until_signal(app: App) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    app.streams.close()


class ServerThread:
    """`fql serve` in a background thread, on a free loopback port: `with ServerThread(db) as server: server.url`."""

    def __init__(self, db: Database, host: str = "127.0.0.1", port: int = 0, **app_options: t.Any):
        self.app = App(db, **app_options)
        # Bound and listening before the thread starts: clients may connect as soon as this returns.
        self._sock = listen(host, port)
        self.url = url(self._sock)
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._run, name="fql-serve", daemon=True)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()

    def start(self) -> ServerThread:
        self._thread.start()
        self._ready.wait()
        return self

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        self._ready.set()
        await hypercorn_serve(self.app, config(self._sock, "warning"), shutdown_trigger=self._stop.wait)

    def stop(self) -> None:
        if self._loop is None or self._stop is None:
            self._sock.close()
            self.app.pool.close()
            return
        self.app.streams.close()
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: t.Any) -> None:
        self.stop()
