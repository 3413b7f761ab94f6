"""fql's auth benchmark: Login and Logout with default argon2 parameters, and the cost of a token secret.

    python bench/auth.py [--tokens 100000] [--seconds 2]

Login is compared with one bare argon2id verify (argon2-cffi, same parameters) measured in the same run;
query overhead of authenticating a token secret is compared with the same query run with the root
secret, with `--tokens` tokens stored.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from argon2 import PasswordHasher

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import fql  # noqa: E402
from fql.auth.credentials import Argon2Params  # noqa: E402


def rate(fn, seconds: float) -> float:
    n, start = 0, time.perf_counter()
    while True:
        fn()
        n += 1
        now = time.perf_counter()
        if now - start >= seconds:
            return n / (now - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args(argv)

    params = Argon2Params()
    db = fql.connect(argon2=params)
    db.query('CreateCollection({name: "users"})')
    user = db.query('Create(Collection("users"), {credentials: {password: "pw"}, data: {name: "u"}})')["ref"]
    login = f'Login({fql.to_fql(user)}, {{password: "pw"}})'

    hasher = params.hasher()
    hashed = hasher.hash("pw")
    verify = rate(lambda: hasher.verify(hashed, "pw"), args.seconds)
    logins = rate(lambda: db.query(login), args.seconds)
    print(f"argon2id m={params.memory_kib} KiB t={params.time_cost} p={params.parallelism}")
    print(f"  bare argon2 verify : {verify:8.1f}/s  (baseline)")
    print(f"  Login              : {logins:8.1f}/s  cost ratio {verify / logins:.2f}x (target <= 1.2x)")

    create = f"Create(Tokens(), {{instance: {fql.to_fql(user)}}})"
    secrets = [db.query(create)["secret"] for _ in range(2000)]
    start = time.perf_counter()
    for secret in secrets:
        db.query("Logout(false)", secret=secret)
    logouts = len(secrets) / (time.perf_counter() - start)
    print(f"  Logout(false)      : {logouts:8.1f}/s  ratio to one verify {logouts / verify:.0f}x faster (no argon2 work)")

    batch = 1000
    for start in range(0, args.tokens, batch):
        n = min(batch, args.tokens - start)
        db.query(f"Foreach({list(range(n))}, Lambda('i', Create(Tokens(), {{instance: {fql.to_fql(user)}}})))")
    token = db.query(f"Create(Tokens(), {{instance: {fql.to_fql(user)}}})")["secret"]
    print(f"\n{args.tokens} tokens stored")
    for text in ("Add(1, 2)", f"Get({fql.to_fql(user)})"):
        root = rate(lambda: db.query(text, secret="secret"), args.seconds)
        with_token = rate(lambda: db.query(text, secret=token), args.seconds)
        print(f"  {text}")
        print(f"    with the root secret : {root:9.0f}/s  (baseline)")
        print(f"    with a token secret  : {with_token:9.0f}/s  overhead ratio {root / with_token:.2f}x (target <= 1.2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
