"""Logging in with a JWT through an access provider, as core's JWTToken, JWT, JWK and JWKProvider do.

A bearer secret that starts `ey` and holds a dot is a JWT. It authenticates when:

- it is three base64url parts, a JSON header and payload and a signature, signed with RS256, RS384 or
  RS512 (core accepts no other algorithm, and RSA keys only);
- `exp`, if present, is in the future and `nbf`, if present, in the past (no leeway; `iat` is not read);
- exactly one `aud` entry is `https://db.fauna.com/db/<global id>`: the database it logs in to;
- an access provider of that database has exactly its `iss` as `issuer`;
- the provider's `jwks_uri` holds an RSA key (the one with the header's `kid`, or the only key when
  there is no `kid`) that verifies the signature;
- at least one of the provider's `roles` applies: a role with no predicate, or one whose predicate says
  true for the payload (checked once the query runs, fql/eval/roles.py).

Any failure is core's plain `unauthorized`, whatever the reason. The caller has no identity document:
v4 `CurrentIdentity()` is the `sub` claim, `CurrentToken()` and v10 `Query.token()` the payload.

Signing keys are fetched over HTTPS from `jwks_uri` and cached as core caches them: refreshed after five
minutes, dropped after an hour unused, and fetched again at once (at most every half second) when a
token names a `kid` the cached set lacks, which is how rotated keys are picked up.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import ssl
import threading
import time
import typing as t
import urllib.error
import urllib.request

from attrs import define, frozen
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

#: The algorithms core verifies (RSAJWK.algToRSA): RSASSA-PKCS1-v1_5 with these hashes.
ALGORITHMS: dict[str, type[hashes.HashAlgorithm]] = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}
#: Core's JWTToken.CanonicalDBUrlPrefix: an audience naming a database by its global id.
AUDIENCE_PREFIX = "https://db.fauna.com/db/"
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")


@frozen
class Token:
    """A decoded JWT: its header and claims, and what its signature signs."""

    header: dict
    claims: dict
    signed: bytes
    signature: bytes


def is_jwt(secret: str) -> bool:
    """Core's test for a JWT bearer secret (AuthLike.isJWT)."""
    return secret.startswith("ey") and "." in secret


def decode(text: str) -> Token | None:
    """The parts of a compact JWT, or None if it is not one (core's JWT.apply)."""
    parts = text.split(".")
    if len(parts) != 3 or not all(_BASE64URL.fullmatch(p) for p in parts):
        return None
    try:
        header, claims = (json.loads(_unbase64(p)) for p in parts[:2])
        signature = _unbase64(parts[2])
    except (binascii.Error, ValueError):
        return None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        return None
    return Token(header, claims, f"{parts[0]}.{parts[1]}".encode("ascii"), signature)


def _unbase64(part: str) -> bytes:
    part = part.rstrip("=")
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def current(claims: dict, now: float | None = None) -> bool:
    """`exp` and `nbf` as core checks them: not at or past `exp`, and strictly after `nbf`."""
    now = time.time() if now is None else now
    exp, nbf = claims.get("exp"), claims.get("nbf")
    if _number(exp) and now >= exp:
        return False
    return not (_number(nbf) and now <= nbf)


def _number(value: t.Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def audience_id(claims: dict) -> str | None:
    """The global id of the database that the one Fauna audience names (core's JWTToken.getAudience)."""
    aud = claims.get("aud")
    entries = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    found = [a for a in entries if isinstance(a, str) and a.startswith(AUDIENCE_PREFIX)]
    if len(found) != 1 or len(found[0]) == len(AUDIENCE_PREFIX):
        return None
    return found[0][len(AUDIENCE_PREFIX) :]


def algorithm(token: Token) -> type[hashes.HashAlgorithm] | None:
    """The hash of the token's `alg`, if core verifies that algorithm."""
    alg = token.header.get("alg")
    return ALGORITHMS.get(alg) if isinstance(alg, str) else None


def verify(token: Token, key: rsa.RSAPublicKey) -> bool:
    algorithm_ = algorithm(token)
    if algorithm_ is None:
        return False
    try:
        key.verify(token.signature, token.signed, padding.PKCS1v15(), algorithm_())
    except (InvalidSignature, ValueError):
        return False
    return True


# -- signing keys -----------------------------------------------------------------------------------------


@define
class _KeySet:
    keys: list[tuple[str | None, rsa.RSAPublicKey]]
    etag: str | None
    #: When the set was last downloaded and last used (time.monotonic()).
    fetched: float
    used: float


class JWKS:
    """Signing keys by `jwks_uri`, fetched over HTTPS and cached (core's JWKProvider).

    `ssl_context` decides which servers are trusted (the system's CAs by default; a test passes one that
    trusts its own certificate). Fetching happens while a query authenticates, within `timeout` seconds.
    """

    def __init__(
        self,
        ssl_context: ssl.SSLContext | None = None,
        *,
        timeout: float = 5.0,
        refresh: float = 300.0,
        expire: float = 3600.0,
        download_rate: float = 0.5,
    ):
        self.ssl_context = ssl_context
        self.timeout = timeout
        self.refresh = refresh
        self.expire = expire
        self.download_rate = download_rate
        self._sets: dict[str, _KeySet] = {}
        self._lock = threading.Lock()

    def key(self, uri: str, kid: t.Any) -> rsa.RSAPublicKey | None:
        """The key of `uri`'s set that a token with header `kid` is signed with, or None."""
        with self._lock:
            now = time.monotonic()
            cached = self._sets.get(uri)
            if cached is not None and now - cached.used > self.expire:
                cached = None
            if cached is None or now - cached.fetched > self.refresh:
                cached = self._download(uri, cached)
            if cached is None:
                return None
            cached.used = now
            found = _find(cached.keys, kid)
            if found is None and now - cached.fetched >= self.download_rate:
                # An unknown kid: the keys may have been rotated since.
                cached = self._download(uri, None) or cached
                found = _find(cached.keys, kid)
            return found

    def _download(self, uri: str, cached: _KeySet | None) -> _KeySet | None:
        request = urllib.request.Request(uri, headers={"Accept": "application/json"})
        if cached is not None and cached.etag:
            request.add_header("If-None-Match", cached.etag)
        now = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout, context=self.ssl_context) as response:
                keys = parse_keys(json.loads(response.read()))
                etag = response.headers.get("ETag")
        except urllib.error.HTTPError as err:
            if err.code == 304 and cached is not None:
                cached.fetched = now
                return cached
            return None
        except (OSError, ValueError):
            return None
        if keys is None:
            return None
        found = _KeySet(keys, etag, now, now)
        self._sets[uri] = found
        return found


def parse_keys(document: t.Any) -> list[tuple[str | None, rsa.RSAPublicKey]] | None:
    """The RSA keys of a JWKS document (others are left out, as core's JWKS does), or None if malformed."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        return None
    out = []
    for jwk in document["keys"]:
        if not isinstance(jwk, dict) or jwk.get("kty") != "RSA":
            continue
        try:
            n, e = (int.from_bytes(_unbase64(jwk[f]), "big") for f in ("n", "e"))
            key = rsa.RSAPublicNumbers(e, n).public_key()
        except (KeyError, TypeError, ValueError, binascii.Error):
            continue
        kid = jwk.get("kid")
        out.append((kid if isinstance(kid, str) else None, key))
    return out


def _find(keys: list[tuple[str | None, rsa.RSAPublicKey]], kid: t.Any) -> rsa.RSAPublicKey | None:
    """core's JWKS.findJWK: the only key when the token names none, else the first with the same kid."""
    if kid is None and len(keys) == 1:
        return keys[0][1]
    for key_id, key in keys:
        if key_id == kid:
            return key
    return None


#: The key cache of Databases made without one of their own.
DEFAULT = JWKS()
