"""A failed query changes nothing, on every backend, as seeded random cases: a v10 query of several writes of
every kind (documents created, updated, replaced and deleted, with their index entries; collections and
their indexes, functions, keys, tokens, credentials, a login, child databases, roles) ending in a failure
(`abort`, a division by zero, a null's field, a duplicate id, a taken collection name) leaves the database as
it was, read back whole; the same writes without the failure then commit.
"""

from __future__ import annotations

import random

import pytest

from fql.errors import FQLError
from tests.helpers import query_v10 as q

from .backends import BACKENDS, connected

#: Everything the writes can change, read in one query.
EVERYTHING = """{
  items: Item.all().toArray().map(d => [d.id, d.tag, d.n, d.ts]),
  byTag: Item.byTag("t").toArray().map(.id),
  collections: Collection.all().toArray().map(c => [c.name, c.indexes, c.ts]),
  functions: Function.all().toArray().map(f => [f.name, f.ts]),
  keys: Key.all().toArray().map(k => [k.id, k.ts]),
  tokens: Token.all().toArray().map(t => [t.id, t.ts]),
  credentials: Credential.all().toArray().map(c => [c.id, c.ts]),
  databases: Database.all().toArray().map(d => [d.name, d.ts]),
  roles: Role.all().toArray().map(r => [r.name, r.ts]),
  users: User.all().toArray().map(u => [u.id, u.ts, u.name])
}"""

FAILURES = ['abort("no")', "1 / 0", 'Item.byId("999")!.n', 'User.create({ id: "1" })',
            'Collection.create({ name: "Item" })']


def write(rng: random.Random, k: int) -> str:
    return rng.choice([
        lambda: f'Item.create({{ tag: "{rng.choice("tu")}", n: {k} }})',
        lambda: f"Item.all().first()?.update({{ n: {k} }})",
        lambda: "Item.all().last()?.delete()",
        lambda: f'Item.byTag("t").first()?.replace({{ tag: "u", n: {k} }})',
        lambda: f'Collection.create({{ name: "C{k}" }})',
        lambda: f'Collection.byName("C{k - 1}")?.update({{ indexes: {{ byN: {{ terms: [{{ field: ".n" }}] }} }} }})',
        lambda: f'Function.create({{ name: "f{k}", body: "x => x + {k}" }})',
        lambda: 'Key.create({ role: "server" })',
        lambda: 'Token.create({ document: User.byId("1")! })',
        lambda: 'Credential.byDocument(User.byId("1")!)!.update({ password: "pw" })',
        lambda: 'Credential.byDocument(User.byId("1")!)!.login("pw")',
        lambda: f'Database.create({{ name: "d{k}" }})',
        lambda: f'Role.create({{ name: "r{k}", privileges: [{{ resource: "Item", actions: {{ read: true }} }}] }})',
        lambda: f'User.byId("1")!.update({{ name: "n{k}" }})',
    ])()


@pytest.mark.parametrize("backend", BACKENDS)
def test_failed_query_changes_nothing(backend, tmp_path):
    with connected(backend, tmp_path) as db:
        q(db, 'Collection.create({ name: "Item", indexes: { byTag: { terms: [{ field: ".tag" }] } } })')
        q(db, 'Collection.create({ name: "User" })')
        q(db, 'User.create({ id: "1", name: "a" })')
        q(db, 'Credential.create({ document: User.byId("1")!, password: "pw" })')
        rng = random.Random(backend)
        failures, k = [], 0
        for _ in range(30):
            writes = [f'Item.create({{ tag: "t", n: {k} }})']  # so that each batch changes something
            for _ in range(rng.randint(0, 5)):
                k += 1
                writes.append(write(rng, k))
            text = "\n".join(writes)
            before = q(db, EVERYTHING)
            with pytest.raises(FQLError):
                q(db, f"{text}\n{rng.choice(FAILURES)}", typecheck=False)
            after = q(db, EVERYTHING)
            if after != before:
                failures.append((text, {key: (before[key], after[key]) for key in before if before[key] != after[key]}))
            q(db, text, typecheck=False)
            if q(db, EVERYTHING) == after:
                failures.append((text, "changed nothing when it did not fail"))
        assert failures == []
