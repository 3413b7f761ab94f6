"""`fql serve`: Fauna's v4 HTTP API over a Database, as an ASGI app on Hypercorn (HTTP/1.1 and h2c)."""

from .app import App
from .run import ServerThread, listen, serve, url

__all__ = ["App", "ServerThread", "listen", "serve", "url"]
