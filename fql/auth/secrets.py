"""Key and token secrets: random, shown once, stored only as a salted hash, compared in constant time.

A secret reads `fn` + urlsafe base64 of: a kind byte, the document id (8 bytes, signed: an id is a Long,
and `Create(Ref(Keys(), "-1"), ...)` makes a negative one), the scope (length-prefixed), and 24 random
bytes. The id and scope find the stored document; its `hashed_secret` is a bcrypt hash of the
random part (as core's AuthLike hashes its secret's random part: `$2a$05$`, jBCrypt's 5 rounds). Hashing is
salted, so the same secret hashed again hashes differently; checking it costs a bcrypt run (about 2 ms), so
checks are remembered per process, as core's BCrypt cache remembers them (see `_Checks`).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets as _random
import threading

import bcrypt
from attrs import frozen

#: The kinds of document a secret can belong to.
KEY, TOKEN = 1, 2
#: Random bytes per secret (192 bits; at least 128 are required).
RANDOM_BYTES = 24
PREFIX = "fn"
#: bcrypt's cost, core's BCrypt.DefaultRounds: each check costs 2^5 key expansions.
ROUNDS = 5
#: How many checks `matches` remembers (core's cache holds up to 400,000 for 5 minutes of disuse).
CACHED_CHECKS = 65536


@frozen
class Parsed:
    """What a secret says about itself: its kind, document id and database scope."""

    kind: int
    id: str
    scope: str


def make(kind: int, doc_id: str, scope: str) -> str:
    """A new secret for the document `doc_id` of `kind` in `scope`."""
    scope_bytes = scope.encode()
    raw = bytes([kind]) + int(doc_id).to_bytes(8, "big", signed=True) + bytes([len(scope_bytes)]) + scope_bytes
    raw += _random.token_bytes(RANDOM_BYTES)
    return PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _raw(secret: str) -> bytes | None:
    if not secret.startswith(PREFIX):
        return None
    body = secret[len(PREFIX) :]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError:
        return None
    if base64.urlsafe_b64encode(raw).decode().rstrip("=") != body:
        # Only the text `make` wrote: the decoder skips characters outside its alphabet and the last
        # character's unused bits, so other texts would decode to the same secret.
        return None
    if len(raw) < 10 + RANDOM_BYTES or raw[0] not in (KEY, TOKEN) or len(raw) != 10 + raw[9] + RANDOM_BYTES:
        return None
    return raw


@functools.lru_cache(maxsize=4096)
def parse(secret: str) -> Parsed | None:
    """The kind, id and scope a secret names, or None if it is not an fql secret."""
    raw = _raw(secret)
    if raw is None:
        return None
    try:
        scope = raw[10 : 10 + raw[9]].decode()
    except UnicodeDecodeError:
        return None
    return Parsed(raw[0], str(int.from_bytes(raw[1:9], "big", signed=True)), scope)


def _random_part(secret: str) -> bytes:
    """What is hashed: the base64 of a secret's random bytes (core hashes its KeyLike's `secret` so)."""
    raw = _raw(secret)
    return base64.urlsafe_b64encode(raw[-RANDOM_BYTES:]) if raw is not None else secret.encode()


def digest(secret: str) -> str:
    """The stored form of a secret: a bcrypt hash with a fresh salt (remembered as checked, so the
    secret's first use in this process costs no second bcrypt run)."""
    hashed = bcrypt.hashpw(_random_part(secret), bcrypt.gensalt(ROUNDS, prefix=b"2a"))
    _CHECKS.put((_fingerprint(secret), hashed.decode()), hashed)
    return hashed.decode()


class _Checks:
    """The bcrypt hashes already computed, by (the secret's SHA-256, stored hash), the oldest out first: the
    process keeps no secret in the clear for longer than a request. An entry serves only while a document
    keeps that hash: a key or token given a new secret has a new salted hash, and a deleted one is refused
    before any check. Reads take no lock (a dict read is atomic)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.done: dict[tuple[bytes, str], bytes] = {}

    def put(self, entry: tuple[bytes, str], hashed: bytes) -> None:
        with self.lock:
            self.done[entry] = hashed
            if len(self.done) > self.size:
                del self.done[next(iter(self.done))]

    def hashed(self, secret: str, stored: str) -> bytes:
        """`secret` hashed with the salt of `stored`."""
        entry = (_fingerprint(secret), stored)
        found = self.done.get(entry)
        if found is not None:
            return found
        try:
            found = bcrypt.hashpw(_random_part(secret), stored.encode())
        except ValueError:  # not a bcrypt hash (Update and Replace of a token store one as given)
            found = b""
        self.put(entry, found)
        return found


_CHECKS = _Checks(CACHED_CHECKS)


def _fingerprint(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def matches(secret: str, hashed: str | None) -> bool:
    """Constant-time comparison of a presented secret with a stored hash (a bcrypt hash, or the unsalted
    SHA-256 that fql stored before it salted: a database file written then keeps its keys)."""
    if not hashed:
        hmac.compare_digest(_CHECKS.hashed(secret, _NO_HASH), _NO_HASH.encode())
        return False
    if _is_sha256(hashed):
        return hmac.compare_digest(hashlib.sha256(secret.encode()).hexdigest(), hashed)
    return hmac.compare_digest(_CHECKS.hashed(secret, hashed), hashed.encode())


def _is_sha256(hashed: str) -> bool:
    return len(hashed) == 64 and all(c in "0123456789abcdef" for c in hashed)


#: Compared with when there is no stored hash, so a missing key costs what a wrong secret costs.
_NO_HASH = digest("")
