"""Who the REPL's queries run as: describing a secret (`:whoami`) and logging in (`:login`)."""

from __future__ import annotations

import re
import typing as t

from .. import ast
from ..errors import FQLError
from ..parse import detect_syntax, parse
from ..render import to_fql

if t.TYPE_CHECKING:
    from ..database import Database

#: `:login`'s password when it is quoted (`:login Ref(...) "two words"`).
_QUOTED_LAST = re.compile(r"^(.*?)\s+(\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*')\s*$", re.DOTALL)


def describe(db: Database, secret: str | None) -> str:
    """`the root (admin)`, `key Ref(Keys(), "1") with role server`, `token Ref(...) of Ref(...)`."""
    from ..auth.access import authenticate

    if secret is None:
        return "the root (admin)"
    txn = db.storage.begin()
    try:
        auth = authenticate(txn, secret, db.root_secret, db.jwks)
    except FQLError:
        return "an invalid secret (unauthorized)"
    finally:
        txn.rollback()
    role = auth.role if isinstance(auth.role, str) else ", ".join(auth.role or ())
    if auth.claims is not None:
        return f"a JWT from access provider {auth.provider.id!r} (sub {auth.claims.get('sub')!r})"
    if auth.is_token:
        return f"token {_ask(db, secret, 'CurrentToken()')} of {_ask(db, secret, 'CurrentIdentity()')}"
    if auth.identity is not None:
        return f"{_ask(db, secret, 'CurrentIdentity()')} (a scoped secret)"
    if auth.is_key:
        return f"key {_ask(db, secret, 'CurrentToken()')} with role {role}"
    if role == "admin" and not auth.scope:
        # The root secret given as `:secret` (or scoped to the top database as admin) is the root itself.
        return "the root (admin)"
    return f"a scoped secret with role {role}" + (" in a child database" if auth.scope else "")


def _ask(db: Database, secret: str, text: str) -> str:
    try:
        return to_fql(db.query(text, secret=secret))
    except FQLError as err:
        return f"({err.code})"


def login_arguments(arg: str) -> tuple[str, str] | None:
    """`:login`'s identity (FQL text) and password: a quoted string, or else the last word."""
    quoted = _QUOTED_LAST.match(arg)
    if quoted is not None:
        try:
            literal = parse(quoted.group(2), "v4").body[0]
        except FQLError:
            return None
        return quoted.group(1).strip(), literal.value
    identity, _, password = arg.rpartition(" ")
    if not identity.strip() or not password:
        return None
    return identity.strip(), password


def login(db: Database, secret: str | None, identity: str, password: str, syntax: str, env: dict) -> dict:
    """Login(identity, {password}) with `secret`, as a client application would call it; the token."""
    syntax = detect_syntax(identity) if syntax == "auto" else syntax
    who = db.run(parse(identity, syntax), secret=secret, syntax=syntax, env=env)
    # A v10 document logs in as its reference; a v4 Ref or Set is passed as it is.
    who = getattr(who, "ref", who)
    params = ast.Object((("password", ast.Literal(password)),))
    return db.run(ast.Call("Login", (ast.Value(who), params)), secret=secret)
