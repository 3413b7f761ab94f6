"""Core's RefParserSpec (ext/model/src/test/scala/RefParserSpec.scala): how a v4 ref literal is read, as a
legacy string (`{"@ref": "classes/spells/1"}`, its LegacyRefParser) or as an object (`{"@ref": {"id": ...,
"class": ..., "database": ...}}`, its RefParser). Each case names the spec case it comes from.

Core's `Ref.parse` keeps only refs: a path to events (`classes/foo/events`, `keys/123/events/456/delete`)
reads as no ref, which is `Invalid ref.` where a literal holds it (the REST paths that name events are
tests/server/test_rest.py's). `keys/self` parses in core (a SelfRef) but its transformRef refuses it: no
ref here either. Left out: `nullable casts` tests core's Casts.String, no ref parsing."""

from __future__ import annotations

import typing as t

import pytest

import fql
from fql import ast
from fql.values import Ref, SelfId, collection_ref, index_ref, native
from fql.wire import v4

VALID_NAMES = ["foo", "$", "foo_", "less%2Fsf", "selfies", "__"]
INVALID_NAMES = ["events", "self", "_"]
#: The natives whose documents are numbered, and whose paths may name them (core's `classRef`).
NUMBERED = ["keys", "tokens", "credentials"]
SCHEMA_CLASSES = {
    "databases": "databases",
    "classes": "collections",
    "collections": "collections",
    "indexes": "indexes",
    "functions": "functions",
    "roles": "roles",
    "access_providers": "access_providers",
}


def _class_refs() -> list[tuple[str, Ref]]:
    """The spec's `validClasses`: the numbered natives, and `classes/<name>` for each valid name."""
    return [(c, native(c)) for c in NUMBERED] + [(f"classes/{n}", collection_ref(n)) for n in VALID_NAMES]


# -- LegacyParsing ------------------------------------------------------------------------------------------


def test_legacy_parsing_refs_of_schema_documents():
    """`refs`: a database, an index, a function, a role and an access provider by a valid name; an invalid
    name (`events`, `self`, `_`) is no ref."""
    for name in VALID_NAMES:
        assert v4.legacy_ref(f"databases/{name}") == Ref(name, native("databases"))
        assert v4.legacy_ref(f"indexes/{name}") == index_ref(name)
        for kind in ("functions", "roles", "access_providers"):
            assert v4.legacy_ref(f"{kind}/{name}") == Ref(name, native(kind))
    for name in INVALID_NAMES:
        for kind in ("databases", "classes", "indexes", "functions", "roles", "access_providers"):
            assert v4.legacy_ref(f"{kind}/{name}") is None, (kind, name)


@pytest.mark.parametrize("text, kind", [*SCHEMA_CLASSES.items(), *((c, c) for c in NUMBERED)])
def test_legacy_parsing_refs_of_native_classes(text, kind):
    """`refs` (schema classes): each native collection by its name, `classes` as `collections`; its
    events are a path, not a ref."""
    assert v4.legacy_ref(text) == native(kind)
    assert v4.legacy_ref(f"{text}/events") is None


def test_legacy_parsing_refs_of_classes_and_instances():
    """`refs` (valid classes, instance refs): a numbered native or `classes/<name>`, then a document of it
    by its id or `self`; no class of an invalid name, nor its documents."""
    for text, coll in _class_refs():
        assert v4.legacy_ref(text) == coll
        assert v4.legacy_ref(f"{text}/123") == Ref("123", coll)
        if text != "keys":
            assert v4.legacy_ref(f"{text}/self") == Ref("self", coll)
    assert v4.legacy_ref("keys/self") is None
    for name in INVALID_NAMES:
        for suffix in ("", "/123", "/self"):
            assert v4.legacy_ref(f"classes/{name}{suffix}") is None


def test_legacy_parsing_event_paths_are_no_refs():
    """`object events timeline refs` and `object event refs`: the events of a class or a document, or one
    of its events, are paths core's Ref.parse leaves out."""
    for text, _ in _class_refs():
        for doc in ("", "/123", "/self"):
            for events in ("/events", "/events/123/create", "/events/456/delete"):
                assert v4.legacy_ref(f"{text}{doc}{events}") is None


@pytest.mark.parametrize(
    "text",
    [
        "/account/databases/fauna-ruby-test2/classes/message_boards/65126420581449728/sets/posts",
        "account/databases/fauna-ruby-test2/classes/message_boards/65126420581449728/sets/posts",
    ],
)
def test_legacy_parsing_is_strict(text):
    """`is strict`: a path with more than a ref in it reads as nothing."""
    assert v4.legacy_ref(text) is None


@pytest.mark.parametrize(
    "text, ref",
    [
        # Parsing.Name compiles `\w` with UNICODE_CHARACTER_CLASS: a combining mark and a connector
        # punctuation are word characters there, an other number (`½`) is not; Python's `\w` says the opposite.
        ("classes/a\u0301", collection_ref("a\u0301")),
        ("classes/a\u0301/7", Ref("7", collection_ref("a\u0301"))),
        ("databases/a\u203fb", Ref("a\u203fb", native("databases"))),
        ("classes/\u00bd", None),
        ("functions/x\u00b2", None),
        # The id is ASCII digits (its `digits` rule) within a Long; `0123` is document 123.
        ("classes/a/0123", Ref("123", collection_ref("a"))),
        ("classes/a/\u0661\u0662", None),
        ("classes/a/+1", None),
        ("classes/a/9223372036854775808", None),
    ],
)
def test_legacy_names_and_ids_as_core_reads_them(text, ref):
    assert v4.legacy_ref(text) == ref


def test_legacy_ref_of_a_mark_in_a_query():
    """A legacy ref literal with such a name names that collection, as `Collection(name)` does."""
    db = fql.connect()
    db.query('CreateCollection({ name: "a\u0301" })')
    assert db.run(v4.from_json({"equals": [{"@ref": "classes/a\u0301"}, {"collection": "a\u0301"}]})) is True
    with pytest.raises(fql.FQLError, match="Invalid ref."):
        db.run(v4.from_json({"@ref": "classes/\u00bd"}))


# -- Parsing (ref objects) ----------------------------------------------------------------------------------


def ref_v(ident, cls=None, db=None) -> dict:
    """Core's QueryHelpers RefV: `{"@ref": {"id", "class"?, "database"?}}`."""
    body = {"id": ident}
    if cls is not None:
        body["class"] = cls
    if db is not None:
        body["database"] = db
    return {"@ref": body}


def db_ref_v(name: str, parent: dict | None = None) -> dict:
    return ref_v(name, ref_v("databases"), parent)


def cls_ref_v(name: str, parent: dict | None = None) -> dict:
    return ref_v(name, ref_v("classes"), parent)


def parsed(data: dict) -> Ref:
    node = v4.from_json(data)
    assert isinstance(node, ast.Value), node
    return node.value


def refused(data: dict) -> tuple[str, str, list]:
    with pytest.raises(fql.FQLError) as info:
        fql.connect().run(v4.from_json(data))
    return info.value.code, info.value.description, list(info.value.position)


def test_scoped_native_references():
    """`scoped native references`: a native collection of a database; a name that is none is refused at `id`."""
    scope = Ref("DB", native("databases"))
    for name, kind in [*((c, c) for c in NUMBERED), *SCHEMA_CLASSES.items()]:
        assert parsed(ref_v(name, None, db_ref_v("DB"))) == native(kind, scope)
    for name in VALID_NAMES:
        assert refused(ref_v(name, None, db_ref_v("DB"))) == (
            "invalid expression",
            f"Valid native collection name expected, '{name}' provided.",
            ["id"],
        )


def test_recursive_refs():
    """`recursive refs`: a document of a collection of a nested database; its id a Long; a document's
    database only through its collection; an index of a database; `self`."""
    nested = cls_ref_v("childClass", db_ref_v("childDB", db_ref_v("parentDB")))
    scope = Ref("childDB", native("databases", Ref("parentDB", native("databases"))))
    assert parsed(ref_v(123456789, nested)) == Ref("123456789", collection_ref("childClass", scope))
    assert refused(ref_v("string id", nested)) == (
        "invalid expression",
        "Number or numeric String expected, non-numeric 'string id' provided.",
        ["id"],
    )
    assert refused(ref_v("9223372036854775808", nested)) == (
        "invalid expression",
        "The id provided is too large: '9223372036854775808'",
        ["id"],
    )
    assert refused(ref_v(123, cls_ref_v("cls"), db_ref_v("db"))) == (
        "invalid expression",
        "Null expected, Database Ref provided.",
        ["database"],
    )
    sub = Ref("sub-db", native("databases"))
    assert parsed(ref_v("my-idx", ref_v("indexes"), db_ref_v("sub-db"))) == index_ref("my-idx", sub)
    node = v4.from_json(ref_v("self", cls_ref_v("myclass")))
    assert node == ast.Call("Ref", (ast.Value(collection_ref("myclass")), ast.Value(SelfId("self"))))


def test_invalid_classes():
    """`invalid classes`: an id alone names a native collection: a number is refused, a string that names
    none too."""
    assert refused(ref_v(1234567890)) == ("invalid expression", "String expected, Number provided.", ["id"])
    assert refused(ref_v("1234567890")) == (
        "invalid expression",
        "Valid native collection name expected, '1234567890' provided.",
        ["id"],
    )


@pytest.mark.parametrize(
    "ident, expected",
    [
        # RefParser.mk reads a string id with Scala's toLongOption, whose digits are Java's Character.digit:
        # any script's decimal digits, with a sign.
        ("\u0661\u0662", "12"),
        ("-\u0663", "-3"),
        ("+5", "5"),
        # Where that fails, `id forall Character.isDigit` says too large: so for "" (nothing to fail).
        ("", "The id provided is too large: ''"),
        ("\u0661" * 20, f"The id provided is too large: '{chr(0x661) * 20}'"),
        # `²` is a digit to Python's isdigit(), not to Java's; a sign is no digit either.
        ("\u00b2", "Number or numeric String expected, non-numeric '\u00b2' provided."),
        ("-99999999999999999999", "Number or numeric String expected, non-numeric '-99999999999999999999' provided."),
        (" 5", "Number or numeric String expected, non-numeric ' 5' provided."),
    ],
)
def test_document_ids_as_core_reads_them(ident, expected):
    data = ref_v(ident, cls_ref_v("c"))
    if expected.lstrip("-").isdigit():
        assert parsed(data) == Ref(expected, collection_ref("c"))
    else:
        assert refused(data) == ("invalid expression", expected, ["id"])


def errors_of(data: t.Any) -> list[tuple[str, str, list]]:
    """Every error a query of `data` fails with, in the envelope's order."""
    with pytest.raises(fql.FQLError) as info:
        fql.connect().run(v4.from_json(data))
    return [(e["code"], e["description"], e["position"]) for e in info.value.v4_errors()]


def test_a_ref_object_reports_its_id_collection_and_database_failures_together():
    """RefParser.mk reads the id, the collection and the database each on its own and answers every one
    that fails, in that order (Parser.collectErrors), a nested ref's own failures as they are; a
    collection given as `collection` is still reported at `class`."""
    ref_expected = "Ref expected, {} provided."
    assert errors_of({"@ref": {"id": 1, "collection": 5, "database": "x"}}) == [
        ("invalid expression", ref_expected.format("Integer"), ["class"]),
        ("invalid expression", ref_expected.format("String"), ["database"]),
    ]
    assert errors_of({"get": ref_v([], 5, ref_v("d", 1))}) == [
        ("invalid expression", "String or Integer expected, Array provided.", ["get", "id"]),
        ("invalid expression", ref_expected.format("Integer"), ["get", "class"]),
        ("invalid expression", ref_expected.format("Integer"), ["get", "database", "class"]),
    ]
    # A bad id with a collection of the wrong kind: both; the kind's check itself is one failure.
    assert errors_of(ref_v(True, db_ref_v("d"))) == [
        ("invalid expression", "String or Integer expected, Boolean provided.", ["id"]),
        ("invalid expression", "Collection Ref expected, Database Ref provided.", ["class"]),
    ]
    # A query's parse keeps an array's first failure, with all of its failures (sequenceT); a Let's
    # bindings each (its `let` form).
    bad = ref_v([], 5)
    assert errors_of([bad, ref_v(1.5)]) == [
        ("invalid expression", "String or Integer expected, Array provided.", [0, "id"]),
        ("invalid expression", ref_expected.format("Integer"), [0, "class"]),
    ]
    assert [e[2] for e in errors_of({"let": [{"a": bad}, {"b": bad}], "in": 1})] == [
        ["let", 0, "a", "id"],
        ["let", 0, "a", "class"],
        ["let", 1, "b", "id"],
        ["let", 1, "b", "class"],
    ]


def test_only_a_ref_the_query_names_may_not_be_a_keys_self_ref():
    """transformRef refuses `SelfRef(KeyClassRef)` as a whole ref (`Invalid ref.`); nested as a collection
    it is a ref of no collection (castOpt), whose type is Ref."""
    keys_self = ref_v("self", ref_v("keys"))
    assert errors_of(keys_self) == [("invalid expression", "Invalid ref.", [])]
    assert errors_of(ref_v("1", keys_self)) == [
        ("invalid expression", "Collection Ref expected, Ref provided.", ["class"]),
    ]
