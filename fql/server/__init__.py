"""`fql serve`: Fauna's v4 and v10 HTTP APIs over a Database, as an ASGI app on Granian (HTTP/1.1 and h2c)."""

from .app import App
from .run import TLS, ServerThread, serve, url

__all__ = ["App", "ServerThread", "TLS", "serve", "url"]
