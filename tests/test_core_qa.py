"""Ports of core's QA workloads (qa/src/main/scala/qa/generators/test): each sets up the schema its
TestGenerator sets up, runs its queries as v4 wire JSON (or v10 text) against fql, and asserts what the
generator validates. Sizes are small; `FQL_QA_SCALE` multiplies them for a longer run by hand."""

from __future__ import annotations

import pytest

from tests.core_qa import SCALE, Client, Gen, create_collection, create_index, obj, quote, ref, same, setup


class Correctness:
    """Correctness.scala's StatefulRequestStream (with TestConfig's default ratios): creates, updates,
    deletes and reads batches of random documents, checks the unique indexes hold each remembered
    document's terms (and no deleted one's), and that a batch with a duplicate, or a delete of a deleted
    document, fails whole. Every warning the generator would log is kept in `problems`."""

    RATIOS = (("create", 4), ("update", 2), ("delete", 1), ("read", 1), ("verify", 2), ("ucv_create", 1),
              ("ucv_delete", 1))
    MIN_REMEMBERED, MAX_CREATED, MAX_DELETED, PADDING = 100, 8, 6, 10

    def __init__(self, client: Client, secret: str, gen: Gen):
        self.client, self.secret, self.gen = client, secret, gen
        self.known: list[dict] = []
        self.deleted: list[dict] = []
        self.problems: list[str] = []
        #: The failures the generator provokes that came as expected (its UCVOnCreate and UCVOnDelete).
        self.refused = {"duplicate": 0, "deleted": 0}

    def step(self) -> None:
        r = self.gen.int(sum(w for _, w in self.RATIOS))
        for name, weight in self.RATIOS:
            if r < weight:
                return getattr(self, name)()
            r -= weight

    def take(self, pool: list, count: int) -> list:
        return [pool.pop(self.gen.int(len(pool))) for _ in range(min(count, len(pool)))]

    def take_known(self, at_most: int) -> list[dict]:
        return self.take(self.known, self.gen.int(at_most) + 1)

    def query(self, expr: list) -> tuple[int, dict]:
        return self.client.query(self.secret, expr)

    # TestData.class1 through `sanitize`
    def new_data(self) -> dict:
        data = {f"p{i}": self.gen.value() for i in range(1, 5)}
        data["p5"] = self.gen.string(self.PADDING // 2, self.PADDING)
        return self.sanitize(data, True)

    def sanitize(self, value, strip_at: bool):
        if isinstance(value, dict):
            return {(k[1:] if strip_at and k.startswith("@") else k): self.sanitize(v, strip_at) for k, v in value.items()}
        if isinstance(value, list):
            return [self.sanitize(v, strip_at) for v in value]
        if value is None or isinstance(value, bool) or (isinstance(value, str) and len(value) < 3):
            return self.gen.string(3, 20)
        return value

    def verify_data(self, kind: str, expr: list, expected: list[dict]) -> None:
        status, body = self.query(expr)
        if status != 200:
            self.problems.append(f"{kind} failed with {status}: {body}")
            return
        got = [doc.get("data") for doc in body["resource"]]
        if not same(got, expected):
            self.problems.append(f"{kind}: data {got!r} is not {expected!r}")
            return
        self.known += body["resource"]

    def create(self) -> None:
        count = self.MAX_CREATED if len(self.known) < self.MIN_REMEMBERED else self.gen.int(self.MAX_CREATED) + 1
        datas = [self.new_data() for _ in range(count)]
        creates = [{"create": ref("classes/class1"), "params": quote({"data": d})} for d in datas]
        self.verify_data("create", creates, datas)

    def update(self) -> None:
        knowns = self.take_known(self.MAX_CREATED)
        if not knowns:
            return self.create()
        news = [self.new_data() for _ in knowns]
        updates = [{"update": k["ref"], "params": quote({"data": n})} for k, n in zip(knowns, news)]
        self.verify_data("update", updates, [patch(k["data"], n) for k, n in zip(knowns, news)])

    def read(self) -> None:
        knowns = self.take_known(self.MAX_CREATED)
        if not knowns:
            return self.create()
        self.verify_data("read", [{"get": k["ref"]} for k in knowns], [k["data"] for k in knowns])

    def delete(self) -> None:
        objs = self.take_known(self.MAX_DELETED)
        refs = [o["ref"] for o in objs]
        status, body = self.query([{"delete": r} for r in refs])
        if status != 200 or not same([d["ref"] for d in body["resource"]], refs):
            self.problems.append(f"delete of {refs} answered {status}: {body}")
            return
        self.deleted += refs
        self.verify_indexes(objs, False, "survived their objects being deleted")

    def verify(self) -> None:
        knowns = self.take_known(self.MAX_CREATED)
        if not knowns:
            return self.create()
        self.verify_indexes(knowns, True, "weren't updated when objects were created or updated")

    def verify_indexes(self, objs: list[dict], should_exist: bool, desc: str) -> None:
        lookups = []
        for doc in objs:
            data = doc["data"]
            lookups += [("u1", t, t is None) for t in terms(data, "p1")]
            lookups += [("u2", t, t is None) for t in terms(data, "p2")]
            lookups += [("u34", [t3, t4], t3 is None and t4 is None) for t3 in terms(data, "p3") for t4 in terms(data, "p4")]
        exists = [{"exists": {"match": ref(f"indexes/index1_{name}"), "terms": term}} for name, term, _ in lookups]
        status, body = self.query(exists)
        expected = [should_exist and not null for _, _, null in lookups]
        if status != 200 or body["resource"] != expected:
            wrong = [(q, e) for q, e, g in zip(exists, expected, body.get("resource", [])) if e != g]
            self.problems.append(f"Some unique index entries {desc}: {wrong or body}")
        elif should_exist:
            self.known += objs

    def ucv_create(self) -> None:
        uniques = [k for k in self.known if any(key in k["data"] for key in ("p1", "p2")) or {"p3", "p4"} <= set(k["data"])]
        if not uniques:
            return self.create()
        known = uniques[self.gen.int(len(uniques))]
        creates = [{"create": ref("classes/class1"), "params": quote({"data": self.new_data()})}
                   for _ in range(self.gen.int(self.MAX_CREATED) + 1)]
        creates.insert(self.gen.int(len(creates) + 1), {"create": ref("classes/class1"), "params": quote({"data": known["data"]})})
        status, body = self.query(creates)
        if status == 200:
            self.problems.append(f"creation with a duplicate of {known['data']} succeeded")
        elif body["errors"][0]["code"] == "instance not unique":
            self.refused["duplicate"] += 1

    def ucv_delete(self) -> None:
        if not self.deleted:
            return self.delete()
        gone = self.deleted[self.gen.int(len(self.deleted))]
        existing = self.take_known(self.MAX_DELETED)
        refs = [e["ref"] for e in existing]
        refs.insert(self.gen.int(len(refs) + 1), gone)
        status, body = self.query([{"delete": r} for r in refs])
        if status != 404:
            self.problems.append(f"delete of deleted {gone} answered {status}, not 404: {body}")
            return
        self.refused["deleted"] += 1
        self.verify_data("fail-delete verifying", [{"get": e["ref"]} for e in existing], [e["data"] for e in existing])


def terms(data: dict, name: str) -> list:
    """Correctness.findTerms: the index terms a field gives; arrays flatten and objects are null."""
    return flatten(data[name]) if name in data else []


def flatten(value) -> list:
    if isinstance(value, list):
        return [t for v in value for t in flatten(v)]
    return [None] if isinstance(value, dict) else [value]


def patch(old: dict, new: dict) -> dict:
    """codex's JSObject.patch (no nulls here): objects merge, the old keys first; anything else replaces."""
    out = {k: (patch(v if isinstance(v, dict) else {}, new[k]) if isinstance(new.get(k), dict) else new.get(k, v))
           for k, v in old.items()}
    out.update({k: patch({}, v) if isinstance(v, dict) else v for k, v in new.items() if k not in old})
    return out


@pytest.fixture
def client() -> Client:
    return Client()


@pytest.fixture
def served_client():
    """A Client over HTTP to `fql serve`, as core's QA workers reach a node."""
    import fql
    from fql.server import ServerThread

    from tests.core_qa import HttpClient

    with ServerThread(fql.connect()) as running:
        yield HttpClient(running.app.db, running.port)


@pytest.mark.parametrize(("seed", "over"), [(1, "embedded"), (2, "embedded"), (3, "http")])
def test_correctness(request, seed, over):
    client = request.getfixturevalue("client" if over == "embedded" else "served_client")
    db = setup(client, "Correctness")
    create_collection(client, db, "class1")
    for name, fields, unique in (("u1", ["p1"], True), ("u2", ["p2"], True), ("n3", ["p3"], False),
                                 ("n4", ["p4"], False), ("u34", ["p3", "p4"], True)):
        create_index(client, db, f"index1_{name}", "class1", [["data", f] for f in fields], unique=unique)
    streams = [Correctness(client, db.server, Gen(seed * 100 + i)) for i in range(4)]
    for turn in range(60 * SCALE):
        streams[turn % 4].step()
    problems = [p for s in streams for p in s.problems]
    assert not problems, "\n".join(problems[:5])
    assert sum(len(s.known) for s in streams) > 0
    assert all(sum(s.refused[kind] for s in streams) > 0 for kind in ("duplicate", "deleted"))


def class_ref(name: str) -> dict:
    """core's DefaultQueryHelpers (API 2.0) ClassRef."""
    return {"class": name}


def match(index: str, term) -> dict:
    return {"match": ref(f"indexes/{index}"), "terms": term}


def paginate(set_expr: dict, size: int | None = None, after=None) -> dict:
    out = {"paginate": set_expr}
    if after is not None:
        out["after"] = after
    if size is not None:
        out["size"] = size
    return out


def page_all(client: Client, secret: str, query) -> list:
    """Every element of a paged query, following `after` as core's CursorDir.After streams do."""
    found, after = [], None
    while True:
        page = client.run(secret, query(after))
        found += page["data"]
        after = page.get("after")
        if after is None:
            return found


def ref_id(doc_ref: dict) -> int:
    return int(doc_ref["@ref"]["id"])


def test_uniqueness(client):
    """Uniqueness.scala: random `field`s under a unique index; creating a sampled one again must fail."""
    db = setup(client, "Uniqueness")
    create_collection(client, db, "docs")
    create_index(client, db, "unique_docs", "docs", [["data", "field"]], unique=True)
    gen, samples = Gen(7), []
    for _ in range(30 * SCALE):
        data = obj(data=obj(field=gen.string(5, 25)))
        status, _ = client.query(db.server, {"create": "docs", "params": data})
        if status == 201:
            samples.append(data)
    assert samples
    for data in samples[:: max(1, len(samples) // 5)]:
        status, body = client.query(db.server, {"do": [[{"create": "docs", "params": data}]]})
        assert status == 400, body
        assert body["errors"][0]["code"] == "instance not unique"


def test_negative_uniqueness(client):
    """NegativeUniqueness: documents are created and deleted (the first of `Documents`); re-creating a
    deleted one's `field` must succeed, or the unique index kept the deleted document."""
    db = setup(client, "NegativeUniqueness")
    create_collection(client, db, "docs")
    create_index(client, db, "unique_docs", "docs", [["data", "field"]], unique=True)
    gen, deleted = Gen(8), []

    def create():
        field = {"concat": [{"to_string": {"now": None}}, gen.string(5, 25)], "separator": "-"}
        return client.run(db.server, {"create": "docs", "params": obj(data=obj(field=field))})

    for _ in range(20 * SCALE):
        create()
    for _ in range(20 * SCALE):
        if gen.int(2):
            create()
        else:
            first = {"select": 0, "from": paginate({"documents": class_ref("docs")})}
            deleted.append(client.run(db.server, {"delete": first}))
    assert deleted
    recreate = [{"create": "docs", "params": obj(data=quote({**doc["data"], "txnTS": str(doc["ts"])}))} for doc in deleted]
    assert client.run(db.server, {"do": [recreate, None]}) is None


def test_intersections(client):
    """Intersections.scala: pages of the intersection of two `lists` matches are the documents whose
    `num` is both terms."""
    db = setup(client, "intersections")
    create_collection(client, db, "items")
    create_index(client, db, "lists", "items", [["data", "num"]])
    gen, density, nums = Gen(9), 5, {}
    ids = range(60 * SCALE)
    for batch in (ids[i:i + 100] for i in range(0, len(ids), 100)):
        creates = []
        for doc_id in batch:
            nums[doc_id] = gen.long(density)
            creates.append({"create": ref(f"classes/items/{doc_id}"), "params": quote({"data": {"num": nums[doc_id]}})})
        client.run(db.server, creates)
    for _ in range(10):
        t1, t2 = gen.int(density), gen.int(density)
        pages = client.run(db.server, [paginate({"intersection": [match("lists", t1), match("lists", t2)]})] * 5)
        expected = sorted(i for i, n in nums.items() if n == t1 == t2)[:64]
        for page in pages:
            assert [ref_id(r) for r in page["data"]] == expected


def test_joins(client):
    """Joins.scala: Join(Match(edges, term), num => Match(edges, num)) pages the `right` values of the
    documents whose `left` is a `right` of the documents whose `left` is `term`, each value once: core's
    JoinSet.snapshot merges its targets with MergeElems, and a snapshot's elements (IndexSet's, all at the
    read's time) that share their values are one there (Event.SnapshotOrd)."""
    db = setup(client, "joins")
    create_collection(client, db, "nodes")
    create_index(client, db, "edges", "nodes", [["data", "left"]], [["data", "right"]])
    gen, density, edges = Gen(10), 6, {}
    creates = []
    for doc_id in range(80 * SCALE):
        edges[doc_id] = (gen.long(density), gen.long(density))
        left, right = edges[doc_id]
        creates.append({"create": ref(f"classes/nodes/{doc_id}"), "params": quote({"data": {"left": left, "right": right}})})
    client.run(db.server, creates)
    for term in range(density):
        join = {"join": match("edges", term), "with": {"lambda": "num", "expr": match("edges", {"var": "num"})}}
        rights = {r for left, r in edges.values() if left == term}
        expected = sorted({r for left, r in edges.values() if left in rights})
        assert client.run(db.server, paginate(join))["data"] == expected[:64]


def test_large_set(client):
    """LargeSet.scala (Baseline): a boolean index paged through with `after`, refs only and mapped to
    their documents."""
    db = setup(client, "largeset")
    create_collection(client, db, "aclass")
    create_index(client, db, "bool_index", "aclass", [["data", "theindex"]])
    gen, trues = Gen(11), set()
    for _ in range(60 * SCALE):
        data = {"theindex": gen.rand.random() < 0.5, **{gen.string(10, 40): gen.value() for _ in range(gen.rand.randint(1, 20))}}
        doc = client.run(db.server, {"create": class_ref("aclass"), "params": quote({"data": data})})
        if data["theindex"]:
            trues.add(doc["ref"]["@ref"]["id"])
    size = 7
    refs = page_all(client, db.server, lambda after: paginate(match("bool_index", True), size, after))
    assert sorted(r["@ref"]["id"] for r in refs) == sorted(trues) and len(refs) == len(trues)
    docs = page_all(client, db.server, lambda after: {
        "map": {"lambda": "ref", "expr": {"get": {"var": "ref"}}}, "collection": paginate(match("bool_index", True), size, after)})
    assert [d["ref"] for d in docs] == refs
    assert all(d["data"]["theindex"] is True for d in docs)


READS_FIELDS = (("tiny", 16), ("short", 64), ("medium", 256), ("long", 1024))


def reads_schema(client: Client, name: str):
    """AbstractReadsGenerator's schema (also IndexedWrites'): one index for each sized field."""
    db = setup(client, name)
    create_collection(client, db, "totally_normal_class")
    for field, _ in READS_FIELDS:
        create_index(client, db, f"index_of_field_with_{field}_data", "totally_normal_class", [["data", f"field_with_{field}_data"]])
    return db


def reads_data(gen: Gen) -> dict:
    return {f"field_with_{field}_data": gen.string(2, size) for field, size in READS_FIELDS}


def test_reads(client):
    """Reads.scala: Gets of known ids, IndexedReads' pages of an index of strings matched by a number
    (empty), and DocumentsIndexReads' `Documents` paged through with random sizes."""
    db = reads_schema(client, "reads")
    gen, datas = Gen(12), {}
    for doc_id in range(40 * SCALE):
        datas[doc_id] = reads_data(gen)
        client.run(db.server, {"create": ref(f"classes/totally_normal_class/{doc_id}"), "params": quote({"data": datas[doc_id]})})
    picks = [gen.int(len(datas)) for _ in range(20)]
    got = client.run(db.server, [{"get": ref(f"classes/totally_normal_class/{i}")} for i in picks])
    assert all(same(doc["data"], datas[i]) for doc, i in zip(got, picks))
    pages = client.run(db.server, [paginate(match("index_of_field_with_medium_data", gen.int(4)), 2 ** gen.int(5)) for _ in range(20)])
    assert pages == [{"data": []}] * 20
    for size in (2 ** 7, 3, 2 ** 16):
        refs = page_all(client, db.server, lambda after: paginate({"documents": class_ref("totally_normal_class")}, size, after))
        assert [ref_id(r) for r in refs] == sorted(datas)
    # the medium field's own values match
    medium = datas[picks[0]]["field_with_medium_data"]
    found = client.run(db.server, paginate(match("index_of_field_with_medium_data", medium)))["data"]
    assert picks[0] in [ref_id(r) for r in found]


@pytest.mark.parametrize("indexed", [False, True])
def test_writes(client, indexed):
    """Writes.scala / IndexedWrites: `Do(creates, null)` of random documents, with or without indexes."""
    db = reads_schema(client, "writes") if indexed else setup(client, "writes")
    if not indexed:
        create_collection(client, db, "totally_normal_class")
    gen, written = Gen(13), []
    for _ in range(10 * SCALE):
        datas = [reads_data(gen) for _ in range(2)]
        written += datas
        creates = [{"create": class_ref("totally_normal_class"), "params": quote({"data": d})} for d in datas]
        assert client.run(db.server, {"do": [creates, None]}) is None
    docs = page_all(client, db.server, lambda after: {"map": {"lambda": "r", "expr": {"get": {"var": "r"}}},
                                                      "collection": paginate({"documents": class_ref("totally_normal_class")}, 50, after)})
    assert sorted(map(str, (d["data"] for d in docs))) == sorted(map(str, written))
    if indexed:
        tiny = written[0]["field_with_tiny_data"]
        assert client.run(db.server, paginate(match("index_of_field_with_tiny_data", tiny)))["data"]


def test_simple(client):
    """Simple.scala: Insert and Remove of `create` events at Time("now") and Gets of the same ids, with
    `another_index` created midway (add-index-after)."""
    db = setup(client, "simple")
    create_collection(client, db, "a_class")
    create_index(client, db, "an_index", "a_class", [["data", "indexed_field"]])
    gen, ids = Gen(14), 10 * SCALE
    letters = "abcdefghijklmnopqrstuvwxyz"

    def data():
        return quote({"data": {"indexed_field": gen.string(8, 8, letters)}})

    for doc_id in range(ids):
        client.run(db.server, {"create": ref(f"classes/a_class/{doc_id}"), "params": data()})
    for turn in range(40 * SCALE):
        if turn == 20 * SCALE:
            client.run(db.server, {"create": ref("indexes"), "params": obj(
                name="another_index", source=class_ref("a_class"), terms=[obj(field=["data", "indexed_field"])])})
        doc = ref(f"classes/a_class/{gen.int(ids)}")
        kind = gen.int(3)
        if kind == 0:
            assert client.run(db.server, {"get": doc})["ref"]["@ref"]["id"] == doc["@ref"].rsplit("/", 1)[1]
        elif kind == 1:
            inserted = client.run(db.server, [{"insert": doc, "ts": {"time": "now"}, "action": "create", "params": data()}])
            assert inserted[0]["action"] == "create"
        else:
            client.run(db.server, [{"remove": doc, "ts": {"time": "now"}, "action": "create"}])
    for doc_id in range(ids):
        field = client.run(db.server, {"select": ["data", "indexed_field"], "from": {"get": ref(f"classes/a_class/{doc_id}")}})
        for index in ("an_index", "another_index"):
            found = client.run(db.server, paginate(match(index, field)))["data"]
            assert doc_id in [ref_id(r) for r in found]


def test_contended_writes(client):
    """ContendedWrites.scala: counters at MkRef(ClassRef("counters"), id) incremented with
    Update(ref, {data: {counter: Add(1, Select([data, counter], Get(ref)))}}); each ends at its count."""
    db = setup(client, "contended-writes")
    create_collection(client, db, "counters")
    counters = 10
    gen, counts = Gen(15), [0] * counters

    def counter_ref(i):
        return {"ref": class_ref("counters"), "id": str(i)}

    def create(at=None):
        return client.query(db.server, {"create": at or class_ref("counters"), "params": obj(data=obj(counter=0))})

    for i in range(counters):
        assert create(counter_ref(i))[0] == 201
    for _ in range(60 * SCALE):
        if gen.rand.random() > 0.4:
            assert create()[0] == 201
        else:
            i = gen.int(counters)
            inc = {"add": [1, {"select": ["data", "counter"], "from": {"get": counter_ref(i)}}]}
            client.run(db.server, {"update": counter_ref(i), "params": obj(data=obj(counter=inc))})
            counts[i] += 1
    got = client.run(db.server, [{"select": ["data", "counter"], "from": {"get": counter_ref(i)}} for i in range(counters)])
    assert got == counts


def test_multitenant(client):
    """Multitenant.scala: a tree of databases with priorities, each leaf with `aclass` and an index on
    the boolean `field`; reads page `Map(Get, Match(index, true))` in each, writes add documents, and the
    parents' admin keys update the children's priorities."""
    from tests.core_qa import create_db

    tree = ("multitenant", None, [
        ("tenant-1", None, "leaf"),
        ("tenant-2", None, [
            ("tenant-2-1", 20, [("tenant-2-1-1", 1, "leaf"), ("tenant-2-1-2", 100, "leaf")]),
            ("tenant-2-2", 20, "leaf"),
            ("tenant-2-3", 50, "leaf"),
        ]),
    ])
    gen, leaves, parents = Gen(16), [], []

    def make(parent_admin, node):
        name, priority, children = node
        db = create_db(client, parent_admin, name, priority)
        parents.append((parent_admin, name))
        if children == "leaf":
            create_collection(client, db, "aclass")
            create_index(client, db, "aclass_by_field", "aclass", [["data", "field"]])
            leaves.append(db)
        else:
            for child in children:
                make(db.admin, child)

    root = setup(client, "multitenant-parent")
    make(root.admin, tree)

    def data():
        return {"data": {**{gen.string(10, 40): gen.value() for _ in range(gen.rand.randint(1, 20))}, "field": gen.rand.random() < 0.5}}

    trues = {db.name: 0 for db in leaves}
    for _ in range(8 * SCALE):
        for db in leaves:
            d = data()
            client.run(db.server, {"create": ref("classes/aclass"), "params": quote(d)})
            trues[db.name] += d["data"]["field"] is True
    for db in leaves:
        read = page_all(client, db.server, lambda after: {
            "map": {"lambda": "ref", "expr": {"get": {"var": "ref"}}}, "collection": paginate(match("aclass_by_field", True), 3, after)})
        assert len(read) == trues[db.name] and all(doc["data"]["field"] is True for doc in read)
    for admin, name in parents[1:]:
        priority = gen.rand.randint(1, 500)
        updated = client.run(admin, {"update": ref(f"databases/{name}"), "params": obj(priority=priority)})
        assert updated["priority"] == priority


def test_documents(client):
    """Documents.scala: documents of 10 to 20 random fields (plus `field`) created with Quote; each
    reads back as written."""
    db = setup(client, "documents")
    create_collection(client, db, "docs")
    gen = Gen(17)
    for _ in range(5 * SCALE):
        data = {gen.string(10, 40): gen.value() for _ in range(gen.rand.randint(10, 20))}
        data["field"] = gen.string(10, 1024)
        data["@escaped"] = gen.string(1, 5)  # comes back in an `@obj`, as core renders it
        status, body = client.query(db.server, {"create": class_ref("docs"), "params": quote({"data": data})})
        assert status == 201, body
        assert same(client.run(db.server, {"get": body["resource"]["ref"]})["data"], data)


FQLX_COLLECTION = """Collection.create(
 {
   name: "fqlxCRUD",
   constraints: [
     { unique: [ "indexed_field" ] }
   ],
   indexes: {
     docs_by_indexed_field: {
       terms: [
         {
           field: "indexed_field"
         }
       ]
     }
   }
 })"""


@pytest.fixture
def fqlx(client):
    """FqlxSimpleCRUD's database: `fqlxCRUD` made by its initializer's `/query/1` request."""
    from tests.helpers import QueryEndpoint

    db = setup(client, "fqlxSimpleCRUD")
    endpoint = QueryEndpoint(db.server)
    assert endpoint.ok(client.db, FQLX_COLLECTION)["indexes"]["docs_by_indexed_field"]["queryable"] is True
    return endpoint


def test_fqlx_simple_crud(client, fqlx):
    """FqlxSimpleCRUD.scala: creates (at least ten first), updates and deletes through the unique indexed
    field, as v10 queries to `/query/1`; a create of a value in use fails the unique constraint."""
    gen, values = Gen(18), []
    alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    for turn in range(40 * SCALE):
        op = "create" if len(values) < 10 else ("create", "update", "delete")[gen.int(3)]
        if op == "create":
            value = gen.string(1, 12, alnum)
            status, body = fqlx.answer(client.db, f'fqlxCRUD.create({{ indexed_field: "{value}" }})')
            if value in values:
                assert (status, body["error"]["code"]) == (400, "constraint_failure"), body
            else:
                assert status == 200 and body["data"]["indexed_field"] == value, body
                values.append(value)
            continue
        value = values[gen.int(len(values))]
        if op == "update":
            query = f'let doc = fqlxCRUD.docs_by_indexed_field("{value}").first()\n doc.update({{ indexed_field: "{value}" }})'
            assert fqlx.ok(client.db, query)["indexed_field"] == value
        else:
            values.remove(value)
            query = f'let doc = fqlxCRUD.docs_by_indexed_field("{value}").first()\n doc.delete()'
            assert fqlx.ok(client.db, query) is None
    live = fqlx.ok(client.db, "fqlxCRUD.all().map(.indexed_field).toArray()")
    assert sorted(live) == sorted(values)


def test_fqlx_read_of_a_set_field(client, fqlx):
    """FqlxSimpleCRUD's `read` selects the field of the index's Set, not of its first document: core's
    typer refuses it (TyperExprs' MethodChain.Select; no hint: the set is the signature's, of no span)."""
    fqlx.ok(client.db, 'fqlxCRUD.create({ indexed_field: "abc" })')
    body = fqlx.err(client.db, 'let doc = fqlxCRUD.docs_by_indexed_field("abc")\n doc.indexed_field')
    assert body["error"]["code"] == "invalid_query"
    assert body["summary"] == (
        "error: Type `Set<fqlxCRUD>` does not have field `indexed_field`\n"
        "at *query*:2:6\n  |\n2 |  doc.indexed_field\n  |      ^^^^^^^^^^^^^\n  |")


def test_nvidia_index(client):
    """NvidiaIndex.scala: each new user token is found at once through each of its indexes (by token,
    unique; by id and device, unique; by id), paged plainly and mapped to its documents."""
    db = setup(client, "NvidiaIndex")
    create_collection(client, db, "user_tokens")
    create_index(client, db, "user_tokens_by_token", "user_tokens", [["data", "token"]], unique=True)
    create_index(client, db, "user_tokens_by_scope", "user_tokens", [["data", "id"], ["data", "deviceId"]], unique=True)
    create_index(client, db, "user_tokens_by_user", "user_tokens", [["data", "id"]])
    gen = Gen(19)
    alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    ids = [gen.string(18, 18, alnum) for _ in range(5)]
    terms = {"token": lambda d: d["token"], "scope": lambda d: [d["id"], d["deviceId"]], "user": lambda d: d["id"]}
    for _ in range(20 * SCALE):
        data = {"id": ids[gen.int(len(ids))], "se": gen.string(32, 32, alnum), "token": gen.string(32, 32, alnum),
                "deviceId": gen.string(44, 44, alnum), "expiration": f"20{gen.int(90) + 10}-0{gen.int(9) + 1}-1{gen.int(9)}",
                "lastLogIn": "2024-01-01", "deviceDescription": gen.string(8, 20)}
        made = client.run(db.server, {"create": class_ref("user_tokens"), "params": obj(data=obj(**data))})
        for name, term in terms.items():
            # (The generator asks only for a page that is not empty; a page as large as Fauna's largest holds
            # every token of a user.)
            page = paginate(match(f"user_tokens_by_{name}", term(data)), 100_000)
            assert made["ref"] in client.run(db.server, page)["data"]
            mapped = client.run(db.server, {"map": {"lambda": "x", "expr": {"get": {"var": "x"}}}, "collection": page})
            assert made["ref"] in [doc["ref"] for doc in mapped["data"]]


def test_compaction_stress(client):
    """CompactionStress.scala: batches of documents (a `key`, random bytes) made with Do, then removed
    whole by Remove of every event of each document an index's events page names; each pass takes a
    page of the key's documents away (their history, and so their index entries, gone)."""
    import base64

    db = setup(client, "compaction-stress")
    create_collection(client, db, "docs")
    create_index(client, db, "docs_per_key", "docs", [["data", "key"]])
    gen, batch, per_page = Gen(20), 4, 3
    made = {key: 0 for key in range(3)}

    def create(key: int):
        docs = [{"create": class_ref("docs"), "params": obj(data=obj(
            key=key, bytes={"@bytes": base64.b64encode(gen.rand.randbytes(16)).decode()}))} for _ in range(batch)]
        client.run(db.server, {"do": docs})
        made[key] += batch

    def remove(key: int):
        each_version = {"lambda": "docEvt", "expr": {
            "remove": {"select": "document", "from": {"var": "docEvt"}},
            "ts": {"select": "ts", "from": {"var": "docEvt"}},
            "action": {"select": "action", "from": {"var": "docEvt"}}}}
        each_doc = {"lambda": "setEvt", "expr": {"foreach": each_version, "collection": paginate(
            {"events": {"select": "document", "from": {"var": "setEvt"}}})}}
        client.run(db.server, {"foreach": each_doc, "collection": paginate({"events": match("docs_per_key", key)}, per_page)})
        made[key] -= min(per_page, made[key])

    for key in made:
        create(key)
    for _ in range(15 * SCALE):
        (create if gen.rand.random() < 0.5 else remove)(gen.int(len(made)))
        for key, count in made.items():
            assert len(page_all(client, db.server, lambda after: paginate(match("docs_per_key", key), 50, after))) == count


def test_cpu(client):
    """CPU.scala: a Let of thousands of numeric strings, ToInteger of each, then Pow (squared and to the
    4th) and Sqrt of each: a compute-only query answers them all."""
    import math

    db = setup(client, "CPU")
    gen = Gen(21)
    strings = [str(gen.int(2**31 - 1)) for _ in range(2048)]
    nums = {"map": {"lambda": "s", "expr": {"to_integer": {"var": "s"}}}, "collection": {"var": "arr"}}
    body = [{"var": "nums"},
            {"map": {"lambda": "n", "expr": {"pow": {"var": "n"}}}, "collection": {"var": "nums"}},
            {"map": {"lambda": "n", "expr": {"pow": {"var": "n"}, "exp": 4}}, "collection": {"var": "nums"}},
            {"map": {"lambda": "n", "expr": {"sqrt": {"var": "n"}}}, "collection": {"var": "nums"}}]
    got = client.run(db.server, {"let": {"arr": strings, "nums": nums}, "in": body})
    ints = [int(s) for s in strings]
    assert got[0] == ints
    assert all(math.isclose(p, n ** 2) for p, n in zip(got[1], ints))
    assert all(math.isclose(p, n ** 4) for p, n in zip(got[2], ints))
    assert all(math.isclose(r, math.sqrt(n)) for r, n in zip(got[3], ints))
