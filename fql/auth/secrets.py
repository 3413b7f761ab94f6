"""Key and token secrets: random, shown once, stored only as a hash, compared in constant time.

A secret reads `fn` + urlsafe base64 of: a kind byte, the document id (8 bytes), the scope (length-prefixed),
and 24 random bytes. The id and scope find the stored document; the whole secret's SHA-256 must equal its
`hashed_secret`. SHA-256 suffices here (unlike passwords): a secret has 192 random bits to guess.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets as _random

from attrs import frozen

#: The kinds of document a secret can belong to.
KEY, TOKEN = 1, 2
#: Random bytes per secret (192 bits; at least 128 are required).
RANDOM_BYTES = 24
PREFIX = "fn"


@frozen
class Parsed:
    """What a secret says about itself: its kind, document id and database scope."""

    kind: int
    id: str
    scope: str


def make(kind: int, doc_id: str, scope: str) -> str:
    """A new secret for the document `doc_id` of `kind` in `scope`."""
    scope_bytes = scope.encode()
    raw = bytes([kind]) + int(doc_id).to_bytes(8, "big") + bytes([len(scope_bytes)]) + scope_bytes
    raw += _random.token_bytes(RANDOM_BYTES)
    return PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")


@functools.lru_cache(maxsize=4096)
def parse(secret: str) -> Parsed | None:
    """The kind, id and scope a secret names, or None if it is not an fql secret."""
    if not secret.startswith(PREFIX):
        return None
    body = secret[len(PREFIX) :]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError:
        return None
    if len(raw) < 10 + RANDOM_BYTES:
        return None
    kind, doc_id, length = raw[0], int.from_bytes(raw[1:9], "big"), raw[9]
    if kind not in (KEY, TOKEN) or len(raw) != 10 + length + RANDOM_BYTES:
        return None
    try:
        scope = raw[10 : 10 + length].decode()
    except UnicodeDecodeError:
        return None
    return Parsed(kind, str(doc_id), scope)


@functools.lru_cache(maxsize=4096)
def digest(secret: str) -> str:
    """The stored form of a secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def matches(secret: str, hashed: str | None) -> bool:
    """Constant-time comparison of a presented secret with a stored hash."""
    if not hashed:
        hmac.compare_digest(digest(secret), digest(""))
        return False
    return hmac.compare_digest(digest(secret), hashed)
