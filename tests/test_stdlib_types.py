"""fql/eval/v10/stdlib_types.py, the standard library's signatures, against fql's catalog of v10 methods
(fql/eval/registry.py): every method, static and field fql registers has a signature, and every signature
names something fql registers, but for the differences listed here, each with why: members fql serves
outside the registry, and members core has that fql lacks."""

from __future__ import annotations

import pytest

import fql
from fql.eval import registry
from fql.eval.v10 import stdlib_types as std
from fql.eval.v10.environment import document_shapes

#: A user collection's types (`DocCollection`, `Doc`, `NullDoc`) beside the standard library's.
SHAPES = {**std.SHAPES, **document_shapes("Doc", {})}
#: The document types: fql's `Document` methods serve them all.
DOCUMENTS = [name for name, shape in SHAPES.items() if "delete" in shape.fields]
#: The types of missing documents: fql's `NullDocument` methods serve them all.
MISSING = [name for name, shape in SHAPES.items() if shape.fields.get("exists") == "() => false"]
#: The number types: fql's `Number` methods serve them all.
NUMBERS = ["Number", "Int", "Long", "Double", "Float"]
#: Statics of collections, by fql's owner name.
STATICS = {**{name: kind for name, kind in std.GLOBALS.items() if name[0].isupper()}, "Schema": "FQL.SchemaModule"}

#: The types of missing native documents (`NullKey`, `NullRole`, ...).
NATIVE_MISSING = [kind for kind in MISSING if kind.startswith("Null") and kind != "NullDoc"]

#: What fql serves outside the registry: a document's `coll` and `id` or `name` are its fields, `FQL.Math`
#: and the rest are the globals, and `toString` of these types is the evaluator's rendering.
SERVED_ELSEWHERE = {
    **{(kind, "coll"): "document field" for kind in DOCUMENTS},
    **{(kind, name): "global" for kind, name in [("FQLModule", g) for g in std.SHAPES["FQLModule"].fields]},
    **{(kind, "toString"): "rendering" for kind in ("ID", "SetCursor", "TransactionTime", "UUID")},
    ("EmptyRef", "id"): "document field",
    ("EmptyNamedRef", "name"): "document field",
    **{(kind, "name"): "document field" for kind in MISSING if SHAPES[kind].fields.get("name")},
    ("NullDoc", "id"): "document field",
    ("NullDoc", "coll"): "document field",
    ("EmptyRef", "coll"): "document field",
    ("EmptyNamedRef", "coll"): "document field",
    # A missing native document keeps its reference's fields, as core's ReadBroker answers them unread.
    **{(kind, "coll"): "document field" for kind in NATIVE_MISSING},
    **{(kind, "id"): "document field" for kind in NATIVE_MISSING if "id" in SHAPES[kind].fields},
}
#: Members core has that fql lacks: a missing document's `toString` fails as reading it does.
NOT_IN_FQL = {
    ("NullDoc", "toString"),
    *((kind, "toString") for kind in NATIVE_MISSING),
}


def _registered() -> dict[tuple[str, str], list[str]]:
    """Everything fql's registry implements, (owner, name), with the types (core's names) it serves."""
    registry.load()
    found: dict[tuple[str, str], list[str]] = {}
    kinds = {"Document": DOCUMENTS, "NullDocument": MISSING, "Number": NUMBERS, "UserCollection": ["DocCollection"]}
    # Function values (a lambda, a native or bound function, an index): core's FunctionPrototype has no named
    # type shape of its own; its `toString` is the one UserFunction's shape lists.
    kinds.update({owner: ["UserFunction"] for owner in ("Function", "BoundMethod", "StaticFunction", "IndexFunction")})
    for (owner, name), method in registry.V10_METHODS.items():
        if not getattr(method.fn, "not_implemented", False):
            found[(owner, name)] = kinds.get(owner, [owner])
    for owner, name in registry.V10_STATICS:
        found[("static " + owner, name)] = ["FQLModule" if owner == "FQL" else STATICS.get(owner, owner + "Module")]
    for owner, name in registry.V10_FIELDS:
        found[("field " + owner, name)] = [{"Math": "MathModule", "UserCollection": "DocCollection", "Collection": "CollectionCollection"}.get(owner, owner)]
    return found


def _listed(kind: str, name: str) -> bool:
    shape = SHAPES.get(kind)
    return shape is not None and (shape.apply if name == "__call__" else shape.fields.get(name)) is not None


def test_every_method_fql_registers_has_a_signature():
    """Each on some type it serves: `Document.login` is listed on Credential's documents."""
    unlisted = sorted(key for key, kinds in _registered().items() if not any(_listed(k, key[1]) for k in kinds))
    assert unlisted == []


def test_every_signature_names_something_fql_serves():
    served = {(kind, name) for (_, name), kinds in _registered().items() for kind in kinds}
    unregistered = {(kind, name) for kind, shape in SHAPES.items() for name in shape.fields} - served
    assert unregistered - set(SERVED_ELSEWHERE) == NOT_IN_FQL


@pytest.fixture(scope="module")
def db():
    db = fql.connect()
    db.query('Collection.create({ name: "Book" })', syntax="v10")
    db.query('Book.create({ id: "1" })', syntax="v10")
    db.query('Function.create({ name: "f", body: "x => x" })', syntax="v10")
    return db


@pytest.mark.parametrize(
    "query",
    [
        'Book.byId("1")!.coll',
        'Collection.byName("Book")!.coll',
        'Book.byId("2").id',
        'Collection.byName("nope").name',
        'Key.byId("2").id',
        'Role.byName("x").coll',
        "FQL.Math.PI",
        "FQL.Collection",
        "FQL.newId()",
        'ID("1").toString()',
        "TransactionTime().toString()",
        "Collection.Deleted",
        "f.toString()",
    ],
)
def test_members_served_outside_the_registry(db, query):
    """A sample of SERVED_ELSEWHERE, run."""
    db.query(query, syntax="v10")


@pytest.mark.parametrize(
    "query", ['Book.byId("2").toString()', 'Key.byId("2").toString()']
)
def test_members_fql_lacks(db, query):
    """A sample of NOT_IN_FQL, failing as the table says."""
    with pytest.raises(fql.FQLError):
        db.query(query, syntax="v10")


def test_lookup_api():
    """`signature`, `operator`, `global_type` and `shape`, as a typechecker uses them."""
    assert std.signature("String", "at") == "(index: Number) => String"
    assert std.signature("MathModule", "PI") == "Number"
    assert std.signature("Array", "nope") is None and std.signature("Nope", "at") is None
    assert std.operator("Int", "**") == "(exponent: Number) => Number"
    assert std.operator("String", "+") == "((Number, Number) => Number) & ((String, String) => String)"
    assert std.operator("String", "/") is None
    assert std.global_type("Math") == "MathModule" and std.global_type("abort") == "(return: Any) => Never"
    assert std.shape("TimeModule").apply == "(time: String) => Time"
    assert std.shape("KeyCollection").type_hint == "server_collection"
