"""Core's IndexedBankSpec (ext/api, from Jepsen's bank-index test) against `fql serve`: clients at once
move money between eight accounts of a child database, over API 2.1, while others total the balances
through an index of refs and balances; every total read is the 100 the bank began with.

A transfer takes an amount from one account (creating nothing: an account that would go below zero
aborts the transfer, one left at zero is deleted) and adds it to another (created when it does not
exist). Core runs three clients for ten seconds; here each client makes a fixed number of requests,
seeded, so the run does not depend on the machine's speed."""

from __future__ import annotations

import json
import random
import threading

from tests.server.conftest import exchange

TOTAL = 100
ACCOUNTS = 8
CLIENTS = 3
REQUESTS = 60


def _ref(i: int) -> dict:
    return {"ref": {"class": "accounts"}, "id": i}


def _balance(expr: dict) -> dict:
    return {"select": ["data", "balance"], "from": expr}


def _transfer(src: int, dst: int, amount: int) -> dict:
    """Core's transfer query, as the v4 wire spells it."""
    take = {
        "let": {"a": {"subtract": [{"if": {"exists": _ref(src)}, "then": _balance({"get": _ref(src)}), "else": 0}, amount]}},
        "in": {
            "if": {"lt": [{"var": "a"}, 0]},
            "then": {"abort": "balance would go negative"},
            "else": {
                "if": {"equals": [{"var": "a"}, 0]},
                "then": {"delete": _ref(src)},
                "else": {"update": _ref(src), "params": {"object": {"data": {"object": {"balance": {"var": "a"}}}}}},
            },
        },
    }
    give = {
        "if": {"exists": _ref(dst)},
        "then": {
            "let": {"b": {"add": [_balance({"get": _ref(dst)}), amount]}},
            "in": {"update": _ref(dst), "params": {"object": {"data": {"object": {"balance": {"var": "b"}}}}}},
        },
        "else": {"create": _ref(dst), "params": {"object": {"data": {"object": {"balance": amount}}}}},
    }
    shown = [
        [{"select": ["ts"], "from": {"var": v}}, {"select": ["ref", "id"], "from": {"var": v}}, _balance({"var": v})]
        for v in ("from", "to")
    ]
    return {"let": {"from": take, "to": give}, "in": shown}


#: Every account's id and balance, from the index.
READ = {
    "map": {"lambda": ["ref", "bal"], "expr": [{"select": "id", "from": {"var": "ref"}}, {"var": "bal"}]},
    "collection": {"paginate": {"match": {"index": "all_accounts"}}},
}


def _query(port: int, secret: str, expr: object) -> tuple[int, object]:
    headers = {"Authorization": f"Bearer {secret}", "X-FaunaDB-API-Version": "2.1", "Content-Type": "application/json"}
    status, _, body = exchange(port, "POST", "/", json.dumps(expr), headers)
    return status, json.loads(body)


def test_every_total_read_is_the_bank_total(server):
    status, made = _query(server.port, "secret", {"create_database": {"object": {"name": "bank"}}})
    assert status == 201, made
    status, made = _query(server.port, "secret", {"create_key": {"object": {"database": {"database": "bank"}, "role": "server"}}})
    assert status == 201, made
    secret = made["resource"]["secret"]
    setup = [
        {"create_class": {"object": {"name": "accounts"}}},
        {
            "create_index": {
                "object": {
                    "name": "all_accounts",
                    "source": {"class": "accounts"},
                    "active": True,
                    "partitions": 1,
                    "values": [{"object": {"field": ["ref"]}}, {"object": {"field": ["data", "balance"]}}],
                }
            }
        },
        {"create": _ref(0), "params": {"object": {"data": {"object": {"balance": TOTAL}}}}},
    ]
    for expr in setup:
        status, body = _query(server.port, secret, expr)
        assert status == 201, body
    totals: list[int] = []
    outcomes: list[tuple[int, object]] = []
    failures: list[BaseException] = []

    def client(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for _ in range(REQUESTS):
                if rng.random() < 0.5:
                    status, body = _query(server.port, secret, READ)
                    assert status == 200, body
                    totals.append(sum(balance for _, balance in body["resource"]["data"]))
                else:
                    src, dst = rng.sample(range(ACCOUNTS), 2)
                    outcomes.append(_query(server.port, secret, _transfer(src, dst, rng.randint(1, 10))))
        except BaseException as err:  # (reported by the test's thread)
            failures.append(err)

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    assert totals and set(totals) == {TOTAL}
    # A transfer either moved the money (both sides shown) or was aborted whole, as core answers it.
    for status, body in outcomes:
        if status == 200:
            (took, gave) = body["resource"]
            assert isinstance(took[0], int) and isinstance(gave[2], int)
        else:
            assert status == 400 and body["errors"][0]["code"] == "transaction aborted", body
            assert body["errors"][0]["description"] == "balance would go negative"
    assert any(status == 200 for status, _ in outcomes)
    status, body = _query(server.port, secret, READ)
    assert sum(balance for _, balance in body["resource"]["data"]) == TOTAL
