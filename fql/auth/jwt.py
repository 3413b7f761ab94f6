"""Logging in with a JWT through an access provider, as core's JWTToken, JWT, JWK and JWKProvider do.

A bearer secret that starts `ey` and holds a dot is a JWT. It authenticates when:

- it is three base64url parts, a JSON header and payload and a signature, signed with RS256, RS384 or
  RS512 (core accepts no other algorithm, and RSA keys only); the JSON is read as core's Jackson reads
  it, so `NaN` or an integer past a signed 64-bit one makes the token invalid;
- `exp`, if an integer, is in the future and `nbf`, if an integer, in the past (no leeway; `iat` is not
  read; core reads both as JSON longs, so a fractional or string one is not checked at all);
- exactly one `aud` entry is `https://db.fauna.com/db/<global id>`: the database it logs in to;
- an access provider of that database has exactly its `iss` as `issuer`;
- the provider's `jwks_uri` holds an RSA key (the first with the header's `kid`, or the only key when
  there is no string `kid`) that verifies the signature;
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
import urllib.parse
import urllib.request

from attrs import define, frozen
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

#: The algorithms core verifies (RSAJWK.algToRSA): RSASSA-PKCS1-v1_5 with these hashes.
ALGORITHMS: dict[str, type[hashes.HashAlgorithm]] = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}
#: Core's JWTToken.CanonicalDBUrlPrefix: an audience naming a database by its global id.
AUDIENCE_PREFIX = "https://db.fauna.com/db/"
#: Base64url as Java's URL decoder takes it (core's Base64.decodeUrlSafe): its alphabet alone, then the
#: padding, if any, that completes the last unit.
_BASE64URL = re.compile(r"(?P<data>[A-Za-z0-9_-]*)(?P<pad>={0,2})")


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
    """The parts of a compact JWT, or None if it is not one (core's JWT.apply). Core splits it with Java's
    `Pattern.split`, which drops trailing empty strings: dots after the signature are no parts."""
    parts = text.split(".")
    while parts and not parts[-1]:
        parts.pop()
    if len(parts) != 3:
        return None
    try:
        header, claims = (_json(_unbase64(p)) for p in parts[:2])
        signature = _unbase64(parts[2])
    except (binascii.Error, ValueError):
        return None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        return None
    return Token(header, claims, f"{parts[0]}.{parts[1]}".encode("ascii"), signature)


def _json(data: bytes) -> t.Any:
    """`data` read as core reads a JWT part (JSON.tryParse): its default Jackson parser knows no `NaN`
    or `Infinity`, and fails on an integer it cannot read as a long (JSONParser's getValueAsLong). Of a
    key given twice, the first is kept, as core's JSObject finds a field (`value find`)."""
    return json.loads(data, parse_constant=_no_constant, parse_int=_long, object_pairs_hook=_first_wins)


def _first_wins(pairs: list[tuple[str, t.Any]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        out.setdefault(key, value)
    return out


def _no_constant(name: str) -> t.NoReturn:
    raise ValueError(f"{name} is not JSON")


def _long(text: str) -> int:
    value = int(text)
    if not -(2**63) <= value < 2**63:
        raise ValueError(f"{text} is out of the range of a long")
    return value


def _unbase64(part: str) -> bytes:
    """`part` decoded, or ValueError where Java's decoder fails: a character outside the alphabet, a
    last unit of one character, or padding that does not complete it (`xx=`, `xxxx=`)."""
    match = _BASE64URL.fullmatch(part)
    if match is None:
        raise ValueError("not base64url")
    data, pad = match["data"], match["pad"]
    short = -len(data) % 4
    if short == 3 or (pad and len(pad) != short):
        raise ValueError("a wrong last base64url unit")
    return base64.urlsafe_b64decode(data + "=" * short)


def current(claims: dict, now: float | None = None) -> bool:
    """`exp` and `nbf` as core checks them (JWTValidator.basicValidations): not at or past `exp`, and
    strictly after `nbf`. Core reads each as a JSON long (`asOpt[Long]`), so one that is not an integer
    (`1.7e9`, `"1700000000"`) is as if absent."""
    now = time.time() if now is None else now
    exp, nbf = claims.get("exp"), claims.get("nbf")
    if _integer(exp) and now >= exp:
        return False
    return not (_integer(nbf) and now <= nbf)


def _integer(value: t.Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def key_id(token: Token) -> str | None:
    """The header's `kid`; core reads it as an optional string (JWT.getKeyId), so any other is none."""
    kid = token.header.get("kid")
    return kid if isinstance(kid, str) else None


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


def verify(token: Token, key: rsa.RSAPublicKey | None) -> bool:
    """Whether `key` signed `token`; a key its set holds but that is no RSA public key verifies nothing."""
    algorithm_ = algorithm(token)
    if algorithm_ is None or key is None:
        return False
    try:
        key.verify(token.signature, token.signed, padding.PKCS1v15(), algorithm_())
    except (InvalidSignature, ValueError):
        return False
    return True


# -- signing keys -----------------------------------------------------------------------------------------


#: A key of a set: its `kid` and its public key, None for an RSA key whose `n` or `e` makes none (core's
#: RSAJWK keeps such a key in its set, and it verifies nothing).
_Entry = tuple[t.Optional[str], t.Optional[rsa.RSAPublicKey]]


@define
class _KeySet:
    keys: list[_Entry]
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
        # Core's Netty HttpClient follows no redirect: a 3xx answer is a failed download (getJWKS).
        self._opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=ssl_context), _NoRedirect)

    def key(self, uri: str, kid: str | None) -> rsa.RSAPublicKey | None:
        """The key of `uri`'s set that a token with header `kid` is signed with, or None (none found,
        or the one found is no usable RSA key)."""
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
            return None if found is None else found[1]

    def _download(self, uri: str, cached: _KeySet | None) -> _KeySet | None:
        # Core asks the host for the URL's path alone (JWKUrlProvider.getJWKS: `client.get(url.getPath)`),
        # so a query string in `jwks_uri` is not sent.
        request = urllib.request.Request(_without_query(uri), headers={"Accept": "application/json"})
        if cached is not None and cached.etag:
            request.add_header("If-None-Match", cached.etag)
        now = time.monotonic()
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                keys = parse_keys(_json(response.read()))
                etag = response.headers.get("ETag")
        except urllib.error.HTTPError as err:
            if err.code == 304 and cached is not None:
                cached.fetched = now
                return cached
            return None
        except (OSError, ValueError):
            return None
        found = _KeySet(keys, etag, now, now)
        self._sets[uri] = found
        return found


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Leaves a redirect as the HTTPError of its status."""

    def redirect_request(self, *args: t.Any) -> None:
        return None


def _without_query(uri: str) -> str:
    parts = urllib.parse.urlsplit(uri)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def parse_keys(document: t.Any) -> list[_Entry]:
    """The keys of a JWKS document whose `kty` is "RSA", as core's JWKS reads them: others are left out,
    and a document with no `keys` array is an empty set. An RSA key whose `n` and `e` make no public key
    stays in the set (core's RSAJWK), so a token naming its `kid` finds it and is refused."""
    found = document.get("keys") if isinstance(document, dict) else None
    out: list[_Entry] = []
    for jwk in found if isinstance(found, list) else []:
        if not isinstance(jwk, dict) or jwk.get("kty") != "RSA":
            continue
        kid = jwk.get("kid")
        out.append((kid if isinstance(kid, str) else None, _public_key(jwk)))
    return out


def _public_key(jwk: dict) -> rsa.RSAPublicKey | None:
    try:
        n, e = (int.from_bytes(_unbase64(jwk[f]), "big") for f in ("n", "e"))
        return rsa.RSAPublicNumbers(e, n).public_key()
    except (KeyError, TypeError, ValueError, binascii.Error):
        return None


def _find(keys: list[_Entry], kid: str | None) -> _Entry | None:
    """core's JWKS.findJWK: the only key when the token names none, else the first with the same kid."""
    if kid is None and len(keys) == 1:
        return keys[0]
    for entry in keys:
        if entry[0] == kid:
            return entry
    return None


#: The key cache of Databases made without one of their own.
DEFAULT = JWKS()
