"""Third-party FQL v4 libraries' own suites replayed against `fql serve`: what each library's functions
compose, restated as Python builders over the faunadb driver, and what each of its tests asserts.

- shiftx/faunadb-fql-lib: array, object, string and history helpers built from FQL primitives (jest).
- fauna-labs/tdd-fql-jest: an IPv4 address and CIDR checker over a regex-based Split (jest).
- fauna-labs/fql-utilities: UDFs made with CreateFunction (Sliding, Split, Tail, Zip, CrossProduct,
  DotProduct), Zip recursing through Call (jest).
- alexnitta/faunauth: email and password auth in a child database: register, Login through Identify
  and tokens made with Create(Tokens()), access and refresh tokens told apart by role membership
  predicates, refresh rotation with a grace period, logout of one session or all (vitest); its
  tests' short ttls, shortened further here.

The libraries' FQL is restated in its meaning (same functions, arguments, abort texts), not copied."""

from __future__ import annotations

import re
import time
import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from faunadb import query as q
    from faunadb.errors import BadRequest, NotFound, PermissionDenied, Unauthorized

V = q.var


def aborted(client, expr) -> str:
    """The description of the `transaction aborted` error `expr` ends in."""
    with pytest.raises(BadRequest) as err:
        client.query(expr)
    assert err.value.errors[0].code == "transaction aborted"
    return err.value.errors[0].description


# -- faunadb-fql-lib ------------------------------------------------------------------------------------


def reverse(arr):
    return q.reduce(q.lambda_(["acc", "val"], q.prepend([V("val")], V("acc"))), [], arr)


def split(string, delimiter="."):
    """Runs of anything but `delimiter`, found with FindStrRegex; an abort for a non-string."""
    runs = q.find_str_regex(string, q.concat(["[^\\", delimiter, "]+"]))
    return q.if_(
        q.not_(q.is_string(string)),
        q.abort("SplitString only accept strings"),
        q.map_(q.lambda_("res", q.select(["data"], V("res"))), runs),
    )


def dotted(path):
    """ "a.0.b" as a path: a one-digit part is an array index."""
    part = q.if_(q.contains_str_regex(V("part"), "^[0-9]$"), q.to_integer(V("part")), V("part"))
    return q.map_(q.lambda_("part", part), split(path))


def as_path(path):
    return q.if_(q.is_array(path), path, dotted(path))


def contains(path, value):
    return q.let({"path": path}, q.contains_path(as_path(V("path")), value))


def select(path, value, fallback=None):
    """Select at a dotted path, `fallback` evaluated only when nothing is there."""
    missing = q.select(V("steps"), V("from")) if fallback is None else fallback
    return q.let(
        {"path": path, "from": value, "steps": as_path(V("path"))},
        q.if_(q.contains_path(V("steps"), V("from")), q.select(V("steps"), V("from")), missing),
    )


def deep_merge(a, b, depth=4):
    def resolver(count):
        both = q.and_(q.is_object(V("a1")), q.is_object(V("b1")))
        inner = q.merge(V("a1"), V("b1"), resolver(count - 1) if count > 0 else None)
        return q.lambda_(["key1", "a1", "b1"], q.if_(both, inner, V("b1")))

    return q.merge(a, b, resolver(depth - 2) if depth > 1 else None)


def create_at(ref, ts, params):
    """Insert a create event at `ts` for a new ref (or a collection's fresh one), then Get it there."""
    exists = q.if_(
        q.exists(q.events(V("ref"))), q.abort("The item you are trying to insert (CreateAt) already exists"), None
    )
    return q.let(
        {"ref": q.if_(q.is_collection(ref), q.ref(ref, q.new_id()), ref)},
        q.do(exists, q.insert(V("ref"), ts, "create", params), q.get(V("ref"), ts)),
    )


def delete_at(ref, ts):
    return q.if_(
        q.exists(ref, ts),
        q.insert(ref, ts, "delete", {}),
        q.abort("The item you are trying to delete does not exist at given ts"),
    )


def event_at(ref, ts):
    return q.at(ts, q.if_(q.exists(ref), q.equals(ts, q.select(["ts"], q.get(ref))), False))


def find(arr, fn):
    return q.select([0], q.filter_(fn, arr), None)


def with_index(arr):
    pair = [[V("val"), q.count(V("acc"))]]
    return q.reduce(q.lambda_(["acc", "val"], q.prepend(V("acc"), pair)), [], arr)


def find_index(arr, fn):
    same = q.lambda_(["item", "index"], q.equals(V("item"), V("hit")))
    return q.let(
        {"hit": find(arr, fn)},
        q.if_(q.is_null(V("hit")), None, q.select([0, 1], q.filter_(same, with_index(arr)))),
    )


def flatten(arr):
    item = q.if_(q.is_array(V("val")), V("val"), [V("val")])
    joined = q.reduce(q.lambda_(["acc", "val"], q.prepend(V("acc"), item)), [], arr)
    return q.if_(q.is_array(arr), joined, q.abort("Flatten does not pass IsArray check"))


def flatten_doc(doc):
    """A document's data fields lifted beside ref and ts."""
    lifted = q.let({"data": q.select(["data"], doc)}, q.merge(q.merge(doc, {"data": None}), V("data")))
    return q.if_(q.is_doc(doc), lifted, q.abort("Item passed to FlattenDoc does not pass IsDoc check"))


def map_all(page, fn):
    """Map over an array, or over a page's data keeping its before and after."""
    cursors = q.merge(
        {},
        {
            "before": q.select(["before"], page, None),
            "after": q.select(["after"], page, None),
            "data": q.select(["data"], page),
        },
    )
    over_page = q.let({"data": q.map_(fn, q.select(["data"], page))}, q.merge(cursors, {"data": V("data")}))
    return q.if_(q.is_array(page), q.map_(fn, page), over_page)


def get_all(page):
    return map_all(page, q.lambda_("ref", q.get(V("ref"))))


def insert_at(arr, index, item):
    spliced = q.let(
        {"start": q.take(V("index"), V("arr")), "end": q.drop(V("index"), V("arr"))},
        q.prepend(q.prepend(V("start"), [V("item")]), V("end")),
    )
    at_end = q.prepend(V("arr"), [V("item")])
    return q.let({"arr": arr, "index": index, "item": item}, q.if_(q.equals(-1, V("index")), at_end, spliced))


def replace_at(arr, index, item):
    return q.let(
        {
            "arr": arr,
            "index": index,
            "item": item,
            "length": q.count(V("arr")),
            "start": q.take(V("index"), V("arr")),
            "end": q.drop(q.add(V("index"), 1), V("arr")),
        },
        q.do(
            q.if_(q.lt(V("index"), 0), q.abort("the index provided to ReplaceAtIndex can't be less than 0"), None),
            q.if_(
                q.gte(V("index"), V("length")), q.abort("the index provided to ReplaceAtIndex is out of range"), None
            ),
            q.prepend(q.prepend(V("start"), [V("item")]), V("end")),
        ),
    )


def paginate_reverse(set_, opts=None):
    """Paginate from the set's end (`before: [null]`) and flip each page, its cursors swapped."""
    opts = opts or {}
    page = q.if_(
        q.and_(q.is_null(V("after")), q.is_null(V("before"))),
        q.paginate(set_, before=[None], size=V("size")),
        q.if_(
            q.is_null(V("after")),
            q.paginate(set_, before=V("before"), size=V("size")),
            q.paginate(set_, after=V("after"), size=V("size")),
        ),
    )
    no_before = q.or_(
        q.not_(q.contains_path(["after"], V("page"))), q.equals([None], q.select(["after"], V("page"), None))
    )
    return q.let(
        {
            "after": q.select(["before"], opts, None),
            "before": q.select(["after"], opts, None),
            "size": q.select(["size"], opts, 64),
            "page": page,
        },
        q.let(
            {
                "after_part": q.if_(
                    q.contains_path(["before"], V("page")), {"after": q.select(["before"], V("page"))}, {}
                ),
                "before_part": q.if_(no_before, {}, {"before": q.select(["after"], V("page"))}),
            },
            q.merge(q.merge(V("after_part"), V("before_part")), {"data": reverse(q.select(["data"], V("page")))}),
        ),
    )


def random_string(length, alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"):
    """One character of `alphabet` per space of Space(length), chosen from arithmetic on NewIds."""
    big = q.divide(
        q.multiply(q.divide(q.to_number(q.new_id()), 123), q.divide(q.to_number(q.new_id()), 456)),
        q.divide(q.to_number(q.new_id()), 789),
    )
    pick = q.let({"n": q.modulo(big), "pos": q.modulo(V("n"), V("size"))}, q.substring(V("alphabet"), V("pos"), 1))
    chars = q.map_(q.lambda_("_", pick), q.find_str_regex(q.space(length), "\\s"))
    return q.let({"alphabet": alphabet, "size": q.length(V("alphabet"))}, q.concat(chars))


def slice_(arr, start, end=None):
    stop = q.count(arr) if end is None else end
    return q.let({"n": q.subtract(q.add(1, stop), start)}, q.take(V("n"), q.drop(start, arr)))


def sort(arr, key=lambda value: value):
    """Insertion sort by Reduce: each item goes before the first kept item greater than it."""
    first_greater = find(with_index(V("result")), q.lambda_(["kept", "at"], q.gt(key(V("kept")), key(V("item")))))
    index = q.if_(q.equals(0, V("length")), 0, q.select(1, first_greater, V("length")))
    step = q.let({"length": q.count(V("result")), "index": index}, insert_at(V("result"), V("index"), V("item")))
    return q.reduce(q.lambda_(["result", "item"], step), [], arr)


def switch(value, cases, default=None):
    """The expression under the key equal to `value`, else `default`, else an abort."""
    otherwise = default if default is not None else q.abort(q.concat(["Key '", value, "' not supported by Switch"]))
    chosen = otherwise
    for key, expr in reversed(list(cases.items())):
        chosen = q.if_(q.equals(value, key), expr, chosen)
    return chosen


def update_at(ref, ts, params):
    """Rewrite the update at `ts` with `params` deep-merged in, then replay every later event over it."""
    replay = q.lambda_(
        ["data", "event"],
        q.let(
            {
                "merged": deep_merge(V("data"), q.select(["data"], V("event"))),
                "written": q.insert(ref, q.select(["ts"], V("event")), "update", {"data": V("merged")}),
            },
            V("merged"),
        ),
    )
    return q.let(
        {
            "then": q.get(ref, ts),
            "data": deep_merge(q.select(["data"], V("then")), q.select(["data"], params)),
            "later": q.paginate(q.events(ref), after=q.add(1, ts), size=1000),
        },
        q.do(
            q.insert(ref, ts, "update", {"data": V("data")}),
            q.if_(
                q.contains_path(["after"], V("later")),
                q.abort("UpdateAt does not currently support rewrtiting history deeper than 1000"),
                q.reduce(replay, V("data"), q.select(["data"], V("later"))),
            ),
            q.get(ref, ts),
        ),
    )


@pytest.fixture
def lib(client):
    """The fql-lib suite's client: its jest setup makes the collection Foos if it is missing."""
    client.query(q.if_(q.exists(q.collection("Foos")), None, q.create_collection({"name": "Foos"})))
    return client


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        pytest.param(reverse([1, 2, 3]), [3, 2, 1], id="ArrayReverse"),
        pytest.param(contains("foo.bar.fooBar", {"foo": {"bar": {"fooBar": "test"}}}), True, id="Contains-object"),
        pytest.param(contains("foo.bar", {"no": "key"}), False, id="Contains-missing"),
        pytest.param(contains("3.2.1", [0, 1, 2, [0, 1, ["foo", "bar"]]]), True, id="Contains-array"),
        pytest.param(contains("3", [0, 1, 2]), False, id="Contains-no-index"),
        pytest.param(deep_merge({"a": 1}, {"b": 2}, 1), {"a": 1, "b": 2}, id="DeepMerge-0"),
        pytest.param(
            deep_merge({"data": {"a": 1}}, {"data": {"b": 2}}, 2), {"data": {"a": 1, "b": 2}}, id="DeepMerge-1"
        ),
        pytest.param(
            deep_merge({"data": {"a": {"a1": 1}}}, {"data": {"a": {"a2": 2}}}, 3),
            {"data": {"a": {"a1": 1, "a2": 2}}},
            id="DeepMerge-2",
        ),
        pytest.param(
            deep_merge({"data": {"a": {"a1": 1}}}, {"data": {"a": {"a2": 2}}}, 2),
            {"data": {"a": {"a2": 2}}},
            id="DeepMerge-past-depth",
        ),
        pytest.param(
            find(
                [{"id": "1"}, {"id": "2"}, {"id": "3"}], q.lambda_("item", q.equals("3", q.select(["id"], V("item"))))
            ),
            {"id": "3"},
            id="Find",
        ),
        pytest.param(
            find_index(
                [{"id": "1"}, {"id": "2"}, {"id": "3"}], q.lambda_("item", q.equals("3", q.select(["id"], V("item"))))
            ),
            2,
            id="FindIndex",
        ),
        pytest.param(flatten([]), [], id="Flatten-empty"),
        pytest.param(flatten([["a", "b"], ["c", "d"], "e"]), ["a", "b", "c", "d", "e"], id="Flatten"),
        pytest.param(insert_at(["a", "b", "c", "d"], 2, "foo"), ["a", "b", "foo", "c", "d"], id="InsertAtIndex-2"),
        pytest.param(insert_at(["a", "b", "c", "d"], 0, "foo"), ["foo", "a", "b", "c", "d"], id="InsertAtIndex-0"),
        pytest.param(insert_at(["a", "b", "c", "d"], -1, "foo"), ["a", "b", "c", "d", "foo"], id="InsertAtIndex-end"),
        pytest.param(
            q.map_(q.lambda_(["k", "v"], V("k")), q.to_array({"foo": "1", "bar": "2"})), ["foo", "bar"], id="ObjectKeys"
        ),
        pytest.param(replace_at(["a", "b", "c", "d"], 2, "foo"), ["a", "b", "foo", "d"], id="ReplaceAtIndex"),
        pytest.param(select("foo.bar.fooBar", {"foo": {"bar": {"fooBar": "test"}}}), "test", id="Select-object"),
        pytest.param(select("3.2.1", [0, 1, 2, [0, 1, ["foo", "bar"]]]), "bar", id="Select-array"),
        pytest.param(select("3.2.foo", [0, 1, 2, [0, 1, {"foo": "bar"}]]), "bar", id="Select-mixed"),
        pytest.param(select("missing", {"foo": "bar"}, "fallback"), "fallback", id="Select-fallback"),
        pytest.param(slice_([1, 2, 3, 4, 5, 6], 1, 2), [2, 3], id="Slice-start-end"),
        pytest.param(slice_([1, 2, 3, 4, 5, 6], 1), [2, 3, 4, 5, 6], id="Slice-start"),
        pytest.param(
            q.lowercase(q.replace_str_regex("Foo Bar_FooBar", "(\\s|_)", "-")), "foo-bar-foobar", id="Slugify"
        ),
        pytest.param(sort([10, 2, 7, 3, 4, 1]), [1, 2, 3, 4, 7, 10], id="Sort-numbers"),
        pytest.param(sort(["foo", "foa", "jar", "bar", "zar"]), ["bar", "foa", "foo", "jar", "zar"], id="Sort-strings"),
        pytest.param(
            sort([{"id": "764"}, {"id": "7"}, {"id": "19999"}], lambda v: q.to_number(q.select(["id"], v))),
            [{"id": "7"}, {"id": "764"}, {"id": "19999"}],
            id="Sort-by-key",
        ),
        pytest.param(split("foo.bar.fooBar"), ["foo", "bar", "fooBar"], id="StringSplit-dot"),
        pytest.param(split("foo-bar-fooBar", "-"), ["foo", "bar", "fooBar"], id="StringSplit-dash"),
        pytest.param(split("foo bar fooBar", " "), ["foo", "bar", "fooBar"], id="StringSplit-space"),
        pytest.param(
            switch(
                "bar", {"foo": q.abort("No, no, no..."), "bar": q.concat(["Hi", "there", "bar"], " ")}, q.abort("x")
            ),
            "Hi there bar",
            id="Switch-match",
        ),
        pytest.param(switch("bar", {}, "default"), "default", id="Switch-empty-default"),
        pytest.param(q.format("%@", {"foo": "1", "bar": q.add(1, 2)}), '{"foo":"1","bar":3}', id="ToJson"),
        pytest.param(with_index(["a", "b", "c"]), [["a", 0], ["b", 1], ["c", 2]], id="WithIndex"),
        pytest.param(
            q.map_(q.lambda_(["val", "i"], V("i")), with_index(["a", "b", "c"])), [0, 1, 2], id="WithIndex-map"
        ),
    ],
)
def test_fql_lib_pure(lib, expr, expected):
    assert lib.query(expr) == expected


@pytest.mark.parametrize(
    ("expr", "description"),
    [
        pytest.param(
            replace_at(["a", "b", "c", "d"], -1, "foo"),
            "the index provided to ReplaceAtIndex can't be less than 0",
            id="ReplaceAtIndex-negative",
        ),
        pytest.param(
            replace_at(["a", "b", "c", "d"], 4, "foo"),
            "the index provided to ReplaceAtIndex is out of range",
            id="ReplaceAtIndex-past-end",
        ),
        pytest.param(switch("bar", {"foo": "Lorem..."}, q.abort("Sorry...")), "Sorry...", id="Switch-default-abort"),
        pytest.param(switch("bar", {"foo": "Lorem..."}), "Key 'bar' not supported by Switch", id="Switch-no-default"),
        pytest.param(switch("bar", {}), "Key 'bar' not supported by Switch", id="Switch-empty"),
        pytest.param(q.abort(q.format("%@", {"foo": "1", "bar": q.add(1, 2)})), '{"foo":"1","bar":3}', id="Debug"),
    ],
)
def test_fql_lib_aborts(lib, expr, description):
    assert aborted(lib, expr) == description


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [("foo.bar", {"no": "key"}, "[foo,bar]"), ("3", [0, 1, 2], "[3]")],
    ids=["object", "array"],
)
def test_fql_lib_select_missing(lib, path, value, where):
    with pytest.raises(NotFound) as err:
        lib.query(select(path, value))
    assert (err.value.errors[0].code, err.value.errors[0].description) == (
        "value not found",
        f"Value not found at path {where}.",
    )


def test_fql_lib_select_fallbacks_are_lazy(lib):
    """Select's default, SelectFQLib's fallback and If's untaken branch all leave their Create unrun."""
    refs = lib.query([q.ref(q.collection("Foos"), q.new_id()) for _ in range(3)])
    found = lib.query(
        {
            "select": q.select(["foo"], {"foo": "bar"}, q.create(refs[0], {"data": {"foo": "made"}})),
            "lib": select(["foo"], {"foo": "bar"}, q.create(refs[1], {"data": {"foo": "made"}})),
            "if": q.if_(True, None, q.create(refs[2], {"data": {"foo": "made"}})),
            "made": [q.exists(ref) for ref in refs],
        }
    )
    assert found == {"select": "bar", "lib": "bar", "if": None, "made": [False, False, False]}


def test_fql_lib_random_string(lib):
    assert re.search(r"[A-Za-z0-9]{20}", lib.query(random_string(200)))
    drawn = lib.query(random_string(200, "ABC"))
    assert re.fullmatch(r"[ABC]{200}", drawn) and {"A", "B", "C"} <= set(drawn)


def test_fql_lib_flatten_doc(lib):
    flat = lib.query(flatten_doc(q.create(q.collection("Foos"), {"data": {"bar": "foo", "foo": "bar"}})))
    assert set(flat) == {"ref", "ts", "bar", "foo"} and flat["bar"] == "foo"
    nested = lib.query(
        flatten_doc(q.create(q.collection("Foos"), {"data": {"foo": "bar", "data": {"nested": "works"}}}))
    )
    assert set(nested) == {"ref", "ts", "foo", "data"} and nested["data"] == {"nested": "works"}


def test_fql_lib_create_at_before_history(lib):
    """CreateAt inserts a create event at 1974 and reads the document back there. Its tests pass on the
    Fauna of 2020; core now refuses a read below a collection's minimum valid time (DocSnapshot's
    ReadValidTimeBelowMVT), and a collection's floor is its creation less its `history_days` (default 0,
    WriteAdaptor.updateMVT), so the Get at 1974 is a `bad request` for a fresh or an old ref alike."""
    for ref in (q.collection("Foos"), q.ref(q.collection("Foos"), q.new_id())):
        with pytest.raises(BadRequest) as err:
            lib.query(create_at(ref, 150000000000000, {"data": {"foo": "bar"}}))
        assert err.value.errors[0].description.startswith(
            "Requested timestamp 1974-10-03T02:40:00Z less than minimum allowed timestamp "
        )
    # At a time the collection's history holds, CreateAt does what its tests ask of it.
    ts = lib.query(q.select(["ts"], q.get(q.collection("Foos")))) + 1000
    doc = lib.query(create_at(q.collection("Foos"), ts, {"data": {"foo": "bar"}}))
    assert (doc["ts"], doc["data"]) == (ts, {"foo": "bar"})


def test_fql_lib_delete_at(lib):
    doc = lib.query(q.create(q.collection("Foos"), {"data": {"foo": "bar"}}))
    event = lib.query(delete_at(doc["ref"], doc["ts"] + 1000))
    assert (event["action"], event["ts"]) == ("delete", doc["ts"] + 1000)
    other = lib.query(q.create(q.collection("Foos"), {"data": {"foo": "bar"}}))
    assert aborted(lib, delete_at(other["ref"], other["ts"] - 1000)) == (
        "The item you are trying to delete does not exist at given ts"
    )


def test_fql_lib_event_exists_at(lib):
    first = lib.query(q.create(q.collection("Foos"), {}))
    second = lib.query(q.update(first["ref"], {}))
    third = lib.query(q.update(first["ref"], {}))
    ref = first["ref"]
    asked = [first["ts"], first["ts"] - 1, second["ts"], third["ts"] + 1]
    assert [lib.query(event_at(ref, ts)) for ts in asked] == [True, False, True, False]


def test_fql_lib_get_all_reverse(lib):
    found = lib.query(
        q.let(
            {
                "one": q.create(q.collection("Foos"), {"data": {"foo": "bar"}}),
                "two": q.create(q.collection("Foos"), {"data": {"bar": "foo"}}),
            },
            {
                "one": V("one"),
                "two": V("two"),
                "page": get_all(paginate_reverse(q.documents(q.collection("Foos")), {"size": 2})),
            },
        )
    )
    assert [doc["ref"] for doc in found["page"]["data"]] == [found["two"]["ref"], found["one"]["ref"]]


def test_fql_lib_paginate_reverse(lib):
    lib.query(q.create_collection({"name": "letters"}))
    terms = [{"field": ["data", "term1"]}, {"field": ["data", "term2"]}]
    lib.query(
        q.create_index({"name": "letters_index", "source": q.collection("letters"), "active": True, "terms": terms})
    )
    refs = [
        lib.query(q.create(q.collection("letters"), {"data": {"foo": c, "term1": "1", "term2": "2"}}))["ref"]
        for c in "ABCD"
    ]
    for n in (1, 2, 3):
        lib.query(q.update(refs[0], {"data": {f"updatePass{n}": True}}))

    def letters(page):
        return [doc["data"]["foo"] for doc in page["data"]]

    everything = lib.query(get_all(paginate_reverse(q.documents(q.collection("letters")))))
    assert letters(everything) == ["D", "C", "B", "A"]
    first = lib.query(get_all(paginate_reverse(q.documents(q.collection("letters")), {"size": 2})))
    second = lib.query(
        get_all(paginate_reverse(q.documents(q.collection("letters")), {"size": 2, "after": first["after"]}))
    )
    assert (letters(first), letters(second)) == (["D", "C"], ["B", "A"])
    by_terms = lib.query(get_all(paginate_reverse(q.match(q.index("letters_index"), "1", "2"))))
    assert letters(by_terms) == ["D", "C", "B", "A"]


def test_fql_lib_update_at(lib):
    """UpdateAt rewrites the second event of four and replays the later two over it."""
    stamp = "2026-01-01T00:00:00.000Z"
    created = lib.query(q.create(q.collection("Foos"), {"data": {"a": 1, "nested": {"foo": "1", "bar": "2"}}}))
    ref = created["ref"]
    patches = [
        {"b": 2, "nested": {"foo": "11"}},
        {"c": 3, "nested": {"foo": "111", "fooBar": True}},
        {"d": 4, "nested": {"inserted": "works"}},
    ]
    events = [lib.query(q.update(ref, {"data": patch})) for patch in patches]

    def history():
        each = q.lambda_("event", q.get(q.select(["document"], V("event")), q.select(["ts"], V("event"))))
        return [doc["data"] for doc in lib.query(q.map_(each, q.select(["data"], q.paginate(ref, events=True))))]

    assert history() == [
        {"a": 1, "nested": {"foo": "1", "bar": "2"}},
        {"a": 1, "b": 2, "nested": {"foo": "11", "bar": "2"}},
        {"a": 1, "b": 2, "c": 3, "nested": {"foo": "111", "bar": "2", "fooBar": True}},
        {"a": 1, "b": 2, "c": 3, "d": 4, "nested": {"foo": "111", "bar": "2", "fooBar": True, "inserted": "works"}},
    ]
    rewritten = lib.query(
        update_at(ref, events[0]["ts"], {"data": {"b": 2.2, "nested": {"inserted": "here", "timestamp": stamp}}})
    )
    assert rewritten["data"] == {
        "a": 1,
        "b": 2.2,
        "nested": {"foo": "11", "bar": "2", "inserted": "here", "timestamp": stamp},
    }
    last = {
        "a": 1,
        "b": 2.2,
        "c": 3,
        "d": 4,
        "nested": {"foo": "111", "bar": "2", "fooBar": True, "inserted": "works", "timestamp": stamp},
    }
    assert history() == [
        {"a": 1, "nested": {"foo": "1", "bar": "2"}},
        rewritten["data"],
        {
            "a": 1,
            "b": 2.2,
            "c": 3,
            "nested": {"foo": "111", "bar": "2", "fooBar": True, "inserted": "here", "timestamp": stamp},
        },
        last,
    ]
    now = lib.query(q.get(ref))
    assert (now["ts"], now["data"]) == (events[2]["ts"], last)


# -- tdd-fql-jest ---------------------------------------------------------------------------------------


def in_range(value, top):
    number = q.let({"n": q.to_integer(value)}, q.and_(q.is_number(V("n")), q.gte(V("n"), 0), q.lte(V("n"), top)))
    return number


def is_v4_address(string):
    octets = q.map_(q.lambda_("octet", in_range(V("octet"), 255)), V("octets"))
    return q.let({"octets": split(string, ".")}, q.and_(q.equals(q.count(V("octets")), 4), q.all(octets)))


def is_v4_cidr(string):
    return q.let(
        {"parts": split(string, "/"), "address": q.select(0, V("parts")), "mask": q.select(1, V("parts"))},
        q.and_(q.equals(q.count(V("parts")), 2), is_v4_address(V("address")), in_range(V("mask"), 32)),
    )


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (split("127.0.0.1", "."), ["127", "0", "0", "1"]),
        (split("Hello, world!", "."), ["Hello, world!"]),
        (split("................", "."), []),
        (is_v4_address("127.0.0.1"), True),
        (is_v4_address("127.0.0"), False),
        (is_v4_address("127.-24.0.1"), False),
        (is_v4_address("127.256.0.1"), False),
        (is_v4_cidr("10.8.3.0/24"), True),
        (is_v4_cidr("10.8.3.0/24/8"), False),
        (is_v4_cidr("127.0.0.1/-24"), False),
        (is_v4_cidr("127.0.0.1/33"), False),
    ],
)
def test_tdd_fql_jest(client, expr, expected):
    assert client.query(expr) == expected


@pytest.mark.parametrize("expr", [is_v4_address("127.not an integer.0.1"), is_v4_cidr("127.0.0.1/not an integer")])
def test_tdd_fql_jest_not_an_integer(client, expr):
    """The suite asks only that these throw: core's ToInteger parses a string with a NumberFormat and
    answers InvalidCast when nothing parses."""
    with pytest.raises(BadRequest) as err:
        client.query(expr)
    error = err.value.errors[0]
    assert (error.code, error.description) == ("invalid argument", "Cannot cast String to Integer.")


# -- fql-utilities --------------------------------------------------------------------------------------

#: The library's UDF bodies, each made with CreateFunction.
UTILITIES = {
    "Tail": q.query(
        q.lambda_(
            ["array"],
            q.if_(
                q.is_array(V("array")), q.drop(1, V("array")), q.abort("Tail() requires one argument that is an array.")
            ),
        )
    ),
    "Split": q.query(
        q.lambda_(
            ["str", "delimiter"],
            q.map_(
                q.lambda_("res", q.select(["data"], V("res"))),
                q.find_str_regex(V("str"), q.concat(["[^\\", V("delimiter"), "]+"])),
            ),
        )
    ),
    "Zip": q.query(
        q.lambda_(
            ["array1", "array2"],
            q.if_(
                q.and_(
                    q.is_array(V("array1")),
                    q.is_array(V("array2")),
                    q.equals(q.count(V("array1")), q.count(V("array2"))),
                    q.gte(q.count(V("array1")), 1),
                ),
                q.let(
                    {
                        "head": [[q.select(0, V("array1")), q.select(0, V("array2"))]],
                        "rest": q.subtract(q.count(V("array1")), 1),
                    },
                    q.if_(
                        q.equals(V("rest"), 0),
                        V("head"),
                        q.prepend(
                            V("head"),
                            q.call("Zip", [q.call("Tail", [V("array1")]), q.call("Tail", [V("array2")])]),
                        ),
                    ),
                ),
                q.abort("Zip requires two arguments that are arrays of the same length."),
            ),
        )
    ),
    "Sliding": q.query(
        q.lambda_(
            ["coll", "size"],
            q.select(
                "results",
                q.reduce(
                    q.lambda_(
                        ["acc", "value"],
                        q.let(
                            {
                                "grown": q.prepend(
                                    q.map_(
                                        q.lambda_("array", q.append(V("value"), V("array"))),
                                        q.select(["windows"], V("acc")),
                                    ),
                                    [[V("value")]],
                                ),
                                "count": q.add(q.select(["count"], V("acc")), 1),
                            },
                            q.if_(
                                q.gte(V("count"), V("size")),
                                {
                                    "count": V("count"),
                                    "results": q.prepend(q.select(["results"], V("acc")), q.take(1, V("grown"))),
                                    "windows": q.drop(1, V("grown")),
                                },
                                {
                                    "count": V("count"),
                                    "results": q.select(["results"], V("acc")),
                                    "windows": V("grown"),
                                },
                            ),
                        ),
                    ),
                    {"count": 0, "results": [], "windows": []},
                    V("coll"),
                ),
            ),
        )
    ),
    "CrossProduct": q.query(
        q.lambda_(
            ["a", "b"],
            q.if_(
                q.and_(
                    q.is_array(V("a")), q.equals(q.count(V("a")), 3), q.is_array(V("b")), q.equals(q.count(V("b")), 3)
                ),
                [
                    q.subtract(
                        q.multiply(q.select(i, V("a")), q.select(j, V("b"))),
                        q.multiply(q.select(j, V("a")), q.select(i, V("b"))),
                    )
                    for i, j in ((1, 2), (2, 0), (0, 1))
                ],
                q.abort("CrossProduct requires two vectors of length three (3)."),
            ),
        )
    ),
    "DotProduct": q.query(
        q.lambda_(
            ["a", "b"],
            q.reduce(
                q.lambda_(["acc", "pair"], q.add(V("acc"), q.multiply(q.select(0, V("pair")), q.select(1, V("pair"))))),
                0,
                q.call("Zip", [V("a"), V("b")]),
            ),
        )
    ),
}


@pytest.fixture
def utilities(client):
    client.query(q.do(*(q.create_function({"name": name, "body": body}) for name, body in UTILITIES.items())))
    yield client
    client.query(q.do(*(q.delete(q.function(name)) for name in UTILITIES)))


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("Sliding", [list(range(10)), 3], [[i, i + 1, i + 2] for i in range(8)]),
        ("Sliding", [list(range(10)), 10], [list(range(10))]),
        ("Split", ["Hello, world!", " "], ["Hello,", "world!"]),
        ("Tail", [[1, 2, 3, 4, 5]], [2, 3, 4, 5]),
        ("Tail", [[1]], []),
        ("Tail", [[]], []),
        ("Zip", [[1, 2, 3, 4, 5], ["a", "b", "c", "d", "e"]], [[1, "a"], [2, "b"], [3, "c"], [4, "d"], [5, "e"]]),
        ("CrossProduct", [[0, 1, 2], [3, 4, 5]], [-3, 6, -3]),
        ("DotProduct", [[0, 1, 2], [3, 4, 5]], 14),
    ],
)
def test_fql_utilities(utilities, name, args, expected):
    assert utilities.query(q.call(name, args)) == expected


def test_fql_utilities_sliding_past_the_array(utilities):
    """The suite skips this case: it expects the whole array as one window when the window is longer,
    but the Reduce never reaches the window's size, so the library answers no windows, on Fauna too."""
    assert utilities.query(q.call("Sliding", [list(range(10)), 20])) == []


# -- faunauth -------------------------------------------------------------------------------------------

#: Shorter than the suite's own test ttls (access 5 s, refresh lifetime 8 s, reclaim 15 s, grace 3 s).
ACCESS_TTL, REFRESH_LIFETIME, RECLAIM, GRACE = 2, 3, 5, 1
WRONG_LOGIN = {"error": "Invalid email or password"}
#: The document the suite's logged-in clients read.
DINO = q.ref(q.collection("dinos"), "1")


def current_token_field(field, default=False):
    return q.select(["data", field], q.get(q.current_token()), default)


def called_with(kind):
    return q.and_(q.has_current_token(), q.equals(current_token_field("type"), kind))


def anomaly(code, message, action):
    """faunauth's LogAnomaly: record the misuse, then answer its error."""
    error = {"code": code, "message": message}
    record = {"error": error, "token": q.current_token(), "account": q.current_identity(), "action": action}
    return q.do(q.create(q.collection("anomalies"), {"data": record}), error)


def verify_refresh(then, action):
    """Run `then` only for a refresh token that is unused (or within its grace), valid and not logged out."""
    reused = q.and_(current_token_field("used"), q.not_(q.gt(current_token_field("gracePeriodUntil"), q.now())))
    return q.if_(
        reused,
        anomaly(
            "REFRESH_TOKEN_REUSE",
            "The refresh token was used outside of the grace period which indicates that it was leaked",
            action,
        ),
        q.if_(
            q.gt(current_token_field("validUntil"), q.now()),
            q.if_(
                q.not_(current_token_field("loggedOut")),
                then,
                anomaly("REFRESH_TOKEN_USED_AFTER_LOGOUT", "The refresh token was used after logging out", action),
            ),
            anomaly("REFRESH_TOKEN_EXPIRED", "The refresh token was expired", action),
        ),
    )


def later(seconds):
    return q.time_add(q.now(), seconds, "seconds")


def token_pair(account):
    session = q.if_(called_with("refresh"), current_token_field("sessionId"), q.new_id())
    refresh = {
        "instance": account,
        "data": {
            "type": "refresh",
            "used": False,
            "sessionId": session,
            "validUntil": later(REFRESH_LIFETIME),
            "loggedOut": False,
        },
        "ttl": later(RECLAIM),
    }
    access = {
        "instance": account,
        "data": {"type": "access", "refresh": q.select(["ref"], V("refresh"))},
        "ttl": later(ACCESS_TTL),
    }
    return q.let(
        {"refresh": q.create(q.tokens(), refresh), "access": q.create(q.tokens(), access)},
        {"refresh": V("refresh"), "access": V("access")},
    )


def logout_each(index, *terms):
    access_of = q.match(q.index("access_token_by_refresh_token"), V("token"))
    each = q.do(
        q.if_(q.exists(access_of), q.delete(q.select(["ref"], q.get(access_of))), False),
        q.update(V("token"), {"data": {"loggedOut": True}}),
    )
    return q.map_(q.lambda_(["token"], each), q.paginate(q.match(q.index(index), *terms), size=100000))


def by(kind, value):
    return q.match(q.index(f"users_by_{kind}"), value)


def login(kind, error):
    account = q.select(["ref"], q.get(by(kind, V("name"))))
    tokens = q.let(
        {"account": q.get(by(kind, V("name")))},
        {
            "tokens": token_pair(q.select(["ref"], V("account"))),
            "account": V("account"),
            "id": q.select(["ref", "id"], V("account")),
        },
    )
    checks = q.and_(q.exists(by(kind, V("name"))), q.identify(account, V("password")))
    return q.query(q.lambda_(["name", "password"], q.if_(checks, tokens, {"error": error})))


FAUNAUTH_SCHEMA = [
    *(q.create_collection({"name": name}) for name in ("User", "dinos", "anomalies")),
    *(
        q.create_index(
            {
                "name": f"users_by_{field}",
                "source": q.collection("User"),
                "terms": [{"field": ["data", field]}],
                "unique": True,
                "serialized": True,
            }
        )
        for field in ("email", "username")
    ),
    q.create_index(
        {
            "name": "access_token_by_refresh_token",
            "source": q.tokens(),
            "terms": [{"field": ["data", "refresh"]}],
            "unique": True,
        }
    ),
    q.create_index(
        {
            "name": "tokens_by_instance_sessionid_type_and_loggedout",
            "source": q.tokens(),
            "terms": [{"field": ["instance"]}, *({"field": ["data", f]} for f in ("sessionId", "type", "loggedOut"))],
        }
    ),
    q.create_index(
        {
            "name": "tokens_by_instance_type_and_loggedout",
            "source": q.tokens(),
            "terms": [{"field": ["instance"]}, *({"field": ["data", f]} for f in ("type", "loggedOut"))],
        }
    ),
    q.create_function(
        {
            "name": "register",
            "role": "server",
            "body": q.query(
                q.lambda_(
                    ["password", "email", "data"],
                    q.if_(
                        q.exists(by("email", V("email"))),
                        {"error": "User already exists"},
                        q.create(q.collection("User"), {"credentials": {"password": V("password")}, "data": V("data")}),
                    ),
                )
            ),
        }
    ),
    q.create_function({"name": "login", "role": "admin", "body": login("email", "Invalid email or password")}),
    q.create_function(
        {"name": "loginWithUsername", "role": "admin", "body": login("username", "Invalid username or password")}
    ),
    q.create_function(
        {
            "name": "refresh",
            "role": "server",
            "body": q.query(
                q.lambda_(
                    [],
                    verify_refresh(
                        {
                            "tokens": q.do(
                                q.update(q.current_token(), {"data": {"used": True, "gracePeriodUntil": later(GRACE)}}),
                                token_pair(q.current_identity()),
                            ),
                            "account": q.get(q.current_identity()),
                        },
                        "refresh",
                    ),
                )
            ),
        }
    ),
    q.create_function(
        {
            "name": "logout",
            "role": "server",
            "body": q.query(
                q.lambda_(
                    ["all"],
                    verify_refresh(
                        q.if_(
                            V("all"),
                            logout_each(
                                "tokens_by_instance_type_and_loggedout", q.current_identity(), "refresh", False
                            ),
                            logout_each(
                                "tokens_by_instance_sessionid_type_and_loggedout",
                                q.current_identity(),
                                current_token_field("sessionId"),
                                "refresh",
                                False,
                            ),
                        ),
                        "logout",
                    ),
                )
            ),
        }
    ),
    q.create_role(
        {
            "name": "loggedin",
            "membership": [
                {"resource": q.collection("User"), "predicate": q.query(q.lambda_("ref", called_with("access")))}
            ],
            "privileges": [
                {"resource": q.collection("dinos"), "actions": {"read": True}},
                {
                    "resource": q.collection("User"),
                    "actions": {
                        "read": True,
                        "write": q.query(q.lambda_(["old", "new", "ref"], q.equals(q.current_identity(), V("ref")))),
                    },
                },
            ],
        }
    ),
    q.create_role(
        {
            "name": "refresh",
            "membership": [
                {"resource": q.collection("User"), "predicate": q.query(q.lambda_("ref", called_with("refresh")))}
            ],
            "privileges": [
                {"resource": q.function("refresh"), "actions": {"call": True}},
                {"resource": q.function("logout"), "actions": {"call": True}},
            ],
        }
    ),
]


@pytest.fixture
def auth(client, connect):
    """A child database with faunauth's schema made in one query (as its migration tool applies it), a
    dinos document, and two users; its admin key's client."""
    key = client.query(
        q.do(
            q.if_(q.exists(q.database("authtest")), q.delete(q.database("authtest")), True),
            q.create_key({"database": q.select(["ref"], q.create_database({"name": "authtest"})), "role": "admin"}),
        )
    )
    admin = connect(key["secret"])
    admin.query(q.do(*FAUNAUTH_SCHEMA))
    admin.query(q.create(DINO, {"data": {"hello": "world"}}))
    for email, username in (("user@domain.com", "user"), ("user2@domain.com", "user2")):
        admin.query(q.call("register", "verysecure", email, {"email": email, "username": username, "locale": "en-US"}))
    return admin


def tokens_of(admin, kind):
    every = admin.query(q.map_(q.lambda_("t", q.get(V("t"))), q.paginate(q.tokens())))["data"]
    return [token for token in every if token["data"]["type"] == kind]


def test_faunauth_register_and_login(auth):
    again = auth.query(q.call("register", "verysecure", "user@domain.com", {"email": "user@domain.com"}))
    assert again == {"error": "User already exists"}
    assert tokens_of(auth, "access") == tokens_of(auth, "refresh") == []
    by_email = auth.query(q.call("login", "user@domain.com", "verysecure"))
    assert by_email["tokens"]["access"]["secret"] and by_email["tokens"]["refresh"]["secret"]
    assert (
        by_email["account"]["data"]["email"] == "user@domain.com" and by_email["id"] == by_email["account"]["ref"].id()
    )
    by_name = auth.query(q.call("loginWithUsername", "user", "verysecure"))
    assert by_name["account"]["ref"] == by_email["account"]["ref"]
    assert auth.query(q.call("login", "user@domain.com", "wrong")) == WRONG_LOGIN
    assert auth.query(q.call("login", "notuser@domain.com", "verysecure")) == WRONG_LOGIN
    assert auth.query(q.call("loginWithUsername", "notuser", "verysecure")) == {"error": "Invalid username or password"}
    auth.query(q.call("login", "user2@domain.com", "verysecure"))
    refresh = tokens_of(auth, "refresh")
    assert len(tokens_of(auth, "access")) == len(refresh) == 3
    assert [token["data"]["used"] for token in refresh] == [False, False, False]


def test_faunauth_access_and_refresh_tokens(auth, connect):
    """An access token reads dinos through `loggedin` until its ttl; a refresh token only refreshes."""
    logged = auth.query(q.call("login", "user@domain.com", "verysecure"))
    access, refresh = (connect(logged["tokens"][kind]["secret"]) for kind in ("access", "refresh"))
    assert access.query(q.get(DINO))["data"] == {"hello": "world"}
    with pytest.raises(PermissionDenied):
        refresh.query(q.get(DINO))
    rotated = refresh.query(q.call("refresh"))
    assert rotated["tokens"]["access"]["secret"] != logged["tokens"]["access"]["secret"]
    assert rotated["tokens"]["refresh"]["secret"] != logged["tokens"]["refresh"]["secret"]
    assert rotated["account"]["ref"] == logged["account"]["ref"]
    first = auth.query(q.get(logged["tokens"]["refresh"]["ref"]))
    assert first["data"]["used"] is True
    assert rotated["tokens"]["refresh"]["data"]["sessionId"] == first["data"]["sessionId"]
    # Within the grace period the used refresh token rotates again, each time to new secrets.
    again = refresh.query(q.call("refresh"))
    assert again["tokens"]["refresh"]["secret"] not in {
        rotated["tokens"]["refresh"]["secret"],
        logged["tokens"]["refresh"]["secret"],
    }
    time.sleep(ACCESS_TTL + 0.5)
    for client in (access, connect(rotated["tokens"]["access"]["secret"])):
        with pytest.raises(Unauthorized):
            client.query(q.get(DINO))
        with pytest.raises(Unauthorized):
            client.query(q.paginate(q.documents(q.collection("dinos"))))
    with pytest.raises(NotFound):
        auth.query(q.get(logged["tokens"]["access"]["ref"]))
    # Past the grace period, the first refresh token's reuse is an anomaly, recorded.
    reuse = refresh.query(q.call("refresh"))
    assert reuse["code"] == "REFRESH_TOKEN_REUSE"
    # Past its lifetime a fresh refresh token is refused as expired; past its reclaim time it is gone.
    latest = connect(again["tokens"]["refresh"]["secret"])
    time.sleep(REFRESH_LIFETIME - ACCESS_TTL + 0.5)
    assert latest.query(q.call("refresh")) == {
        "code": "REFRESH_TOKEN_EXPIRED",
        "message": "The refresh token was expired",
    }
    logged_anomalies = auth.query(
        q.map_(q.lambda_("a", q.get(V("a"))), q.paginate(q.documents(q.collection("anomalies"))))
    )
    assert [
        (a["data"]["error"]["code"], a["data"]["action"], a["data"]["account"]) for a in logged_anomalies["data"]
    ] == [
        ("REFRESH_TOKEN_REUSE", "refresh", logged["account"]["ref"]),
        ("REFRESH_TOKEN_EXPIRED", "refresh", logged["account"]["ref"]),
    ]
    time.sleep(RECLAIM - REFRESH_LIFETIME)
    assert tokens_of(auth, "refresh") == tokens_of(auth, "access") == []
    with pytest.raises(Unauthorized):
        latest.query(q.call("refresh"))


@pytest.mark.parametrize("everywhere", [False, True])
def test_faunauth_logout(auth, connect, everywhere):
    """Logout with `all` false ends the refresh token's session; with true, every session of its account.
    Another user's tokens stay; a logged-out refresh token neither refreshes nor logs out again."""
    sessions = [
        auth.query(q.call("login", email, "verysecure"))
        for email in ("user@domain.com", "user@domain.com", "user2@domain.com")
    ]
    readers = [connect(s["tokens"]["access"]["secret"]) for s in sessions]
    refresh = connect(sessions[0]["tokens"]["refresh"]["secret"])
    ended = refresh.query(q.call("logout", everywhere))
    assert len(ended["data"]) == (2 if everywhere else 1)
    assert len(tokens_of(auth, "access")) == (1 if everywhere else 2)
    assert sum(token["data"]["loggedOut"] for token in tokens_of(auth, "refresh")) == (2 if everywhere else 1)
    assert len(tokens_of(auth, "refresh")) == 3
    for reader, alive in zip(readers, (False, not everywhere, True)):
        if alive:
            assert reader.query(q.get(DINO))["data"] == {"hello": "world"}
        else:
            with pytest.raises(Unauthorized):
                reader.query(q.get(DINO))
    after_logout = {
        "code": "REFRESH_TOKEN_USED_AFTER_LOGOUT",
        "message": "The refresh token was used after logging out",
    }
    assert refresh.query(q.call("logout", True)) == after_logout
    assert refresh.query(q.call("refresh")) == after_logout
