"""Passwords: argon2id hashes (argon2-cffi), verified without revealing whether an identity exists."""

from __future__ import annotations

import threading

import bcrypt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from attrs import frozen


@frozen
class Argon2Params:
    """argon2id cost parameters; the default is OWASP's recommended minimum (m=19 MiB, t=2, p=1)."""

    memory_kib: int = 19 * 1024
    time_cost: int = 2
    parallelism: int = 1

    def hasher(self) -> PasswordHasher:
        return PasswordHasher(time_cost=self.time_cost, memory_cost=self.memory_kib, parallelism=self.parallelism)


#: Cheap parameters for tests and benchmarks of everything but hashing itself.
TEST_PARAMS = Argon2Params(memory_kib=64, time_cost=1, parallelism=1)


class Passwords:
    """Hashes and verifies passwords with one set of parameters.

    `verify` against a missing hash still runs argon2 against a dummy hash, so an unknown identity,
    a missing credential and a wrong password take about the same time.
    """

    def __init__(self, params: Argon2Params | None = None):
        self.params = params or Argon2Params()
        self._hasher = self.params.hasher()
        self._dummy: str | None = None
        self._lock = threading.Lock()

    def hash(self, password: str) -> str:
        return self._hasher.hash(_bytes(password))

    def _dummy_hash(self) -> str:
        with self._lock:
            if self._dummy is None:
                self._dummy = self._hasher.hash("fql dummy password for constant-time failures")
            return self._dummy

    def verify(self, hashed: str | None, password: str) -> bool:
        """True if `password` matches `hashed`; a None hash is checked against a dummy and fails. A bcrypt
        hash (core's form, which a server or admin caller may store as `hashed_password`) is checked as
        bcrypt, and rehashed with argon2 at the next login (`needs_rehash`)."""
        if hashed is not None and hashed.startswith(_BCRYPT):
            return _bcrypt_matches(hashed, password)
        target = hashed if hashed is not None else self._dummy_hash()
        try:
            ok = self._hasher.verify(target, _bytes(password))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        return ok and hashed is not None

    def needs_rehash(self, hashed: str) -> bool:
        """True if `hashed` was made with other parameters (it is rehashed on the next login)."""
        try:
            return self._hasher.check_needs_rehash(hashed)
        except InvalidHashError:
            return True


#: The prefixes of bcrypt hashes, as core's BCrypt writes them (`$2a$`) and others do.
_BCRYPT = ("$2a$", "$2b$", "$2y$")


def _bcrypt_matches(hashed: str, password: str) -> bool:
    """Core's BCrypt.check: bcrypt reads at most the first 72 bytes of a password."""
    try:
        return bcrypt.checkpw(_bytes(password)[:72], hashed.encode())
    except ValueError:  # not a hash bcrypt can read
        return False


def _bytes(password: str) -> bytes:
    """A password's UTF-8 bytes; a lone surrogate (a `\\ud800` escape) is kept as its own bytes, so that it
    hashes and verifies like any other character instead of failing to encode."""
    return password.encode("utf-8", "surrogatepass")
