"""Core's ext/model/src/test/scala/documents/CacheInvalidationSpec.scala: a write to a schema document (a
collection, database, index, role, function, token, key or access provider) invalidates core's caches of
it at the write's transaction time. What a client can see of that: the next query already sees the
change, through the same process. fql keeps no such caches; these cases hold it to that. Core's
"tolerate failures" (an invalidation service that fails once) is internal and not ported."""

from __future__ import annotations

import pytest

import fql
from fql.errors import FQLError
from tests.helpers import query_v10 as v10


@pytest.fixture
def db() -> fql.Database:
    return fql.connect()


def test_invalidates_collections(db):
    # "invalidates collections": a renamed collection is known by its new name in the next query.
    v10(db, "Collection.create({ name: 'Old' })")
    v10(db, "Old.create({ n: 1 })")
    v10(db, "Collection.byName('Old')!.update({ name: 'New' })")
    assert v10(db, "New.all().first()!.n") == 1
    with pytest.raises(FQLError):
        v10(db, "Old.all().count()")


def test_invalidates_databases(db):
    # "invalidates databases": a deleted database's key no longer opens it.
    v10(db, "Database.create({ name: 'child' })")
    secret = v10(db, "Key.create({ role: 'admin', database: 'child' }).secret")
    assert v10(db, "Collection.all().count()", secret) == 0
    v10(db, "Database.byName('child')!.delete()")
    with pytest.raises(FQLError):
        v10(db, "Collection.all().count()", secret)


def test_invalidates_indexes(db):
    # "invalidates indexes": a v4 index made in one query serves the next; deleted, it is gone.
    db.query('CreateCollection({ name: "c" })')
    db.query('Create(Collection("c"), { data: { a: 1 } })')
    db.query('CreateIndex({ name: "by_a", source: Collection("c"), terms: [{ field: ["data", "a"] }] })')
    assert db.query('Count(Match(Index("by_a"), 1))') == 1
    db.query('Delete(Index("by_a"))')
    with pytest.raises(FQLError):
        db.query('Count(Match(Index("by_a"), 1))')


def test_invalidates_roles(db):
    # "invalidates roles": a key's role gains a privilege, and the key's next query has it.
    v10(db, "Collection.create({ name: 'Things' })")
    v10(db, "Role.create({ name: 'writer' })")
    secret = v10(db, "Key.create({ role: 'writer' }).secret")
    with pytest.raises(FQLError):
        v10(db, "Things.create({ n: 1 })", secret)
    v10(db, "Role.byName('writer')!.update({ privileges: [{ resource: 'Things', actions: { create: true } }] })")
    assert v10(db, "Things.create({ n: 1 }).n", secret) == 1


def test_invalidates_functions(db):
    # "invalidates functions": a function's new body runs in the next query.
    v10(db, "Function.create({ name: 'f', body: 'x => x + 1' })")
    assert v10(db, "f(1)") == 2
    v10(db, "Function.byName('f')!.update({ body: 'x => x * 10' })")
    assert v10(db, "f(1)") == 10


def test_invalidates_tokens(db):
    # "invalidates tokens": a deleted token's secret no longer authenticates.
    v10(db, "Collection.create({ name: 'People' })")
    v10(db, "People.create({ id: '1' })")
    token = v10(db, "Token.create({ document: People.byId('1') })")
    secret = token["secret"]
    assert v10(db, "Query.identity().id", secret) == "1"
    v10(db, f"Token.byId('{token.id}')!.delete()")
    with pytest.raises(FQLError):
        v10(db, "1", secret)


def test_invalidates_keys(db):
    # "invalidates keys": a deleted key's secret no longer authenticates; a key's new role applies at once.
    key = v10(db, "Key.create({ role: 'server' })")
    secret = key["secret"]
    assert v10(db, "1", secret) == 1
    v10(db, f"Key.byId('{key.id}')!.update({{ role: 'admin' }})")
    assert v10(db, "Collection.create({ name: 'ByAdmin' }).name", secret) == "ByAdmin"
    v10(db, f"Key.byId('{key.id}')!.delete()")
    with pytest.raises(FQLError):
        v10(db, "1", secret)


def test_invalidates_access_providers(db):
    # "invalidates access_providers": a provider's new issuer, and its deletion, are seen by the next query.
    v10(db, "AccessProvider.create({ name: 'p', issuer: 'https://a.example/', jwks_uri: 'https://a.example/jwks' })")
    v10(db, "AccessProvider.byName('p')!.update({ issuer: 'https://b.example/' })")
    assert v10(db, "AccessProvider.byName('p')!.issuer") == "https://b.example/"
    v10(db, "AccessProvider.byName('p')!.delete()")
    assert v10(db, "AccessProvider.byName('p') == null") is True
