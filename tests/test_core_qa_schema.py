"""Port of core's QA driver flow qa/DriverTestGenerators/SchemaManipulation: a schemaless collection with
an index and documents, then four FSL versions pushed as `fauna schema push --force` pushes them (dev steps
1, 2, 3, 4; prod leaps from 1 to 4), with the driver's queries (index.js) run between pushes: the index is
queryable, the newest field version is read off a document's keys, and documents of that version are
created. Dev's documents and prod's end alike but for what core's migrations make of a Double split
into an Int (see the test). It runs in-process and over HTTP (`/query/1`, `/schema/1/update?force=true`)."""

from __future__ import annotations

import http.client
import json
import random
import typing as t

import pytest

import fql
from fql.server import ServerThread
from tests.core_qa import SCALE
from tests.helpers import QueryEndpoint


class Embedded:
    """The flow run in-process: `/query/1`'s handler and `Database.push_schema`."""

    def __init__(self, db: fql.Database):
        self.db = db

    def query(self, text: str, secret: str, typecheck: bool | None) -> t.Any:
        return QueryEndpoint(secret).ok(self.db, text, typecheck=typecheck)

    def push(self, fsl_text: str, secret: str) -> None:
        self.db.push_schema({"main.fsl": fsl_text}, secret=secret)


class OverHttp:
    """The flow as run.sh runs it against a node: `fauna eval` and the driver post `/query/1`, and
    `fauna schema push --force` posts the files to `/schema/1/update?force=true` as form data."""

    def __init__(self, port: int):
        self.port = port

    def _post(self, path: str, body: bytes, headers: dict) -> dict:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("POST", path, body, headers)
            response = conn.getresponse()
            answer = json.loads(response.read())
        finally:
            conn.close()
        assert response.status == 200, answer
        return answer

    def query(self, text: str, secret: str, typecheck: bool | None) -> t.Any:
        headers = {"Authorization": f"Bearer {secret}", "X-Format": "simple"}
        if typecheck is not None:
            headers["X-Typecheck"] = "true" if typecheck else "false"
        return self._post("/query/1", json.dumps({"query": text}).encode(), headers)["data"]

    def push(self, fsl_text: str, secret: str) -> None:
        boundary = "qa-schema-manipulation"
        body = (f'--{boundary}\r\nContent-Disposition: form-data; name="main.fsl"; filename="main.fsl"\r\n'
                f"Content-Type: application/octet-stream\r\n\r\n{fsl_text}\r\n--{boundary}--\r\n").encode()
        kind = f"multipart/form-data; boundary={boundary}"
        self._post("/schema/1/update?force=true", body, {"Authorization": f"Bearer {secret}", "Content-Type": kind})


@pytest.fixture(params=["embedded", "http"])
def flow(request):
    if request.param == "embedded":
        yield Embedded(fql.connect())
        return
    with ServerThread(fql.connect()) as running:
        yield OverHttp(running.port)


#: Each version's typed fields (name suffix, type, default) and the migrations it adds to the last one's.
VERSIONS = {
    1: ([("string", "String", None), ("number", "Number", "1"), ("boolean", "Boolean", "false"),
         ("twotypes", "String | Number", None), ("conflicts", "{ *: Any }?", None)],
        ["add .v1_string", 'backfill .v1_string = "backfilled at v1"', "add .v1_number", "add .v1_boolean",
         "add .v1_twotypes", 'backfill .v1_twotypes = "backfilled at v1"', "add .v1_conflicts",
         "move_conflicts .v1_conflicts", "move_wildcard .v1_conflicts"]),
    2: ([("string", "String", None), ("int", "Int", "0"), ("boolean", "Boolean", "false"),
         ("twotypes", "String | Number", None)],
        ["drop .v1_conflicts", "move .v1_string -> .v2_string", "split .v1_number -> .v2_int, .garbage",
         "drop .garbage", "move .v1_boolean -> .v2_boolean", "move .v1_twotypes -> .v2_twotypes"]),
    3: ([("string", "String", None), ("number", "Number", "0"), ("boolean", "Boolean", "false"),
         ("twotypes", "String | Number", None)],
        ["move .v2_string -> .v3_string", "split .v2_int -> .v3_number, .moregarbage", "drop .moregarbage",
         "move .v2_boolean -> .v3_boolean", "move .v2_twotypes -> .v3_twotypes"]),
    4: ([("string", "String", '"field_a"'), ("number", "Number", "0"), ("boolean", "Boolean", "false"),
         ("twotypes", "String | Number", '"0"')],
        ["move .v3_string -> .v4_string", "move .v3_number -> .v4_number", "move .v3_boolean -> .v4_boolean",
         "move .v3_twotypes -> .v4_twotypes"]),
}


def fsl(version: int) -> str:
    """schema/<version>/main.fsl: the version's fields, its index on its string, every migration so far."""
    fields, _ = VERSIONS[version]
    lines = ["collection test_schema {"]
    lines += [f"  v{version}_{name}: {kind}" + (f" = {default}" if default else "") for name, kind, default in fields]
    lines += ["", "  index IndexOneField {", f"    values [.v{version}_string]", "  }", "", "  migrations {"]
    for step in range(1, version + 1):
        lines += [f"    {m}" for m in VERSIONS[step][1]]
    return "\n".join([*lines, "  }", "}", ""])


def new_doc(rand: random.Random, version: int) -> str:
    """doc.js getDoc: an FQL object literal of the version's fields (chance's floats, ages, strings, ints)."""
    number = repr(round(rand.uniform(-1e6, 1e6), 4))
    text = '"' + "".join(rand.choice("abcdefghij#$%") for _ in range(rand.randint(5, 20))) + '"'
    integer = str(rand.randint(-(2**31), 2**31))
    fields = {
        1: ("mystring_v1", number, "true", text),
        2: ("mystring_v2", str(rand.randint(1, 100)), "true", integer),
        3: ("mystring_v3", number, "false", text),
        4: ("mystring_v4", number, "true", integer),
    }[version]
    names = [name for name, _, _ in VERSIONS[version][0]][:4]
    values = [f'"{fields[0]}"', *fields[1:]]
    return "{ " + ", ".join(f"v{version}_{n}: {v}" for n, v in zip(names, values)) + " }"


def driver_round(db, secret: str, rand: random.Random) -> int:
    """One pass of index.js's loop for one database: the index is there and queryable (or absent), the
    version is read off the first document's keys, and createDocCount documents of it are made."""
    index = q(db, 'test_schema.definition.indexes["IndexOneField"]', secret)
    assert index is None or index["queryable"] is True
    version = q(db, 'Object.keys(test_schema.all().first()!).where(x => x.matches("^v[0-9]").nonEmpty())'
                    ".first()!.slice(1,2).parseInt()", secret)
    docs = "[" + ", ".join(new_doc(rand, version) for _ in range(3)) + "]"
    q(db, f"test_schema.IndexOneField()\n{docs}.forEach(x => test_schema.create(x))", secret)
    return version


def admin_key(db, name: str) -> str:
    """run.sh: the database (made if missing) and an admin key to it, as `fauna eval ... | jq .secret`."""
    return q(db, f"if (!Database.byName('{name}').exists()) Database.create({{name:'{name}'}}); "
                 f"Key.create({{role:'admin',database:'{name}'}})")["secret"]


def user_docs(db, secret: str) -> dict:
    """Every document's fields but its ts, by id."""
    docs = q(db, "test_schema.all().toArray()", secret, typecheck=False)
    return {d["id"]: {k: v for k, v in d.items() if k not in ("ts", "coll")} for d in docs}


def q(flow, text: str, secret: str = "secret", *, typecheck: bool | None = None) -> t.Any:
    """The `data` of `text` sent to `/query/1` as the driver (or `fauna eval`) sends it."""
    return flow.query(text, secret, typecheck)


def test_schema_manipulation(flow):
    db = flow
    assert q(db, "if (!Collection.byName('test_lock').exists()) { Collection.create({name:'test_lock'}); true } else { false }") is True
    assert q(db, "if (!Collection.byName('test_lock').exists()) { Collection.create({name:'test_lock'}); true } else { false }") is False
    dev, prod = admin_key(db, "testdb_dev"), admin_key(db, "testdb_prod")
    for _ in range(SCALE):
        for key in (dev, prod):
            q(db, "if (Collection.byName('test_schema').exists()) test_schema.definition.delete()", key)
            q(db, "if (!Collection.byName('test_schema').exists()) Collection.create({name:'test_schema', "
                  "indexes:{IndexOneField:{values:[{field:'.v1_string'}]}}})", key)
            q(db, 'Set.sequence(1,10).forEach(x => test_schema.create({v1_string:"x=#{x} at v0",v1_number:123.456,'
                  "v1_boolean:false,v1_twotypes:'v0 string'}))", key)
        # The same random documents in both databases, so that they can be compared at the end.
        seed = random.randrange(2**32)
        assert [driver_round(db, key, random.Random(seed)) for key in (dev, prod)] == [1, 1]
        for key in (dev, prod):
            db.push(fsl(1), key)
        assert [driver_round(db, key, random.Random(seed + 1)) for key in (dev, prod)] == [1, 1]
        before = {key: set(user_docs(db, key)) for key in (dev, prod)}
        for version in (2, 3, 4):
            db.push(fsl(version), dev)
            assert driver_round(db, dev, random.Random(seed + version)) == version
            assert driver_round(db, prod, random.Random(seed + version)) == 1
        db.push(fsl(4), prod)
        assert driver_round(db, prod, random.Random(seed)) == 4
        dev_docs, prod_docs = user_docs(db, dev), user_docs(db, prod)
        stepped = [dev_docs[i] for i in before[dev]]
        leapt = [prod_docs[i] for i in before[prod]]
        assert len(stepped) == len(leapt) == 15  # Set.sequence(1, 10) stops before 10
        for doc in (*dev_docs.values(), *prod_docs.values()):
            assert set(doc) == {"id", "v4_string", "v4_number", "v4_boolean", "v4_twotypes"}
        # Stepping, `split .v1_number -> .v2_int, .garbage` sends a Double to `.garbage` (v2_int is Int in
        # schema 2), which is dropped: v2_int, v3_number and v4_number are 0. Leaping from 1 to 4, core's
        # MigrationValidator rewinds the field types from schema 4: v2_int is then as wide as what it is
        # later split into (`.moregarbage`, dropped, is Any), so the Double stays and reaches v4_number.
        assert {d["v4_number"] for d in stepped} == {0}
        assert 0 not in {d["v4_number"] for d in leapt} and 123.456 in {d["v4_number"] for d in leapt}
        assert sorted(repr({**d, "id": 0, "v4_number": 0}) for d in stepped) == sorted(
            repr({**d, "id": 0, "v4_number": 0}) for d in leapt)
        seeded = [d for d in leapt if d["v4_string"].endswith(" at v0")]
        assert {(d["v4_number"], d["v4_boolean"], d["v4_twotypes"]) for d in seeded} == {(123.456, False, "v0 string")}
    for key in (dev, prod):
        q(db, "if (Collection.byName('test_schema').exists()) test_schema.definition.delete()", key)
        assert q(db, "Collection.byName('test_schema').exists()", key) is False
    q(db, "test_lock.definition.delete()")
