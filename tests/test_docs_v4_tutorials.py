"""Fauna's v4 tutorials and guides (docs.fauna.com/fauna/v4/learn/tutorials/FQL/...: the index tutorials,
temporality, user authentication, attribute-based access control, multi-tenancy, CRUD, social graph,
e-commerce, the five-part FQL basics; the security pages; the cookbook's recipes), each run step by step
as the docs show it, in the docs' order, and each step's result compared with the output the docs print.
The pages were read in full 2021 copies (masakinihirota/FaunaDB_Documents) and as stored newer pages.

The docs' output is restated here as FQL (the shell prints v4 values as FQL) and read back through the
same database, so a printed ref or `Database("app1")` becomes the value it names. What no database can
repeat is compared by its shape: a `ts` is any integer, a generated id (15 digits or more) any id, a
secret or hashed secret any string, a database's `global_id` any string. Where the docs' order of
documents comes from the ids Fauna generated for them (a collection index lists documents by ref), the
page is compared in any order. Where a tutorial shows an older Fauna (API 2.x names such as
`instance` in events, or behaviour core no longer has), the step checks what core does, and says so.
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import threading

import pytest

import fql
from fql.server import ServerThread
from fql.values import Page, Ref
from fql.wire import v4 as wire

#: Fields whose values the docs print only as an illustration.
_ANY = {"ts": "<ts>", "secret": "<secret>", "hashed_secret": "<hashed>", "global_id": "<global id>"}
_GENERATED_ID = re.compile(r"^\d{15,}$")


def shape(value, extra: tuple[str, ...] = ()):
    """`value` with what only illustrates masked: ts, generated ids, secrets (and the fields `extra`
    names, such as a time the query wrote); a page as an object."""
    if isinstance(value, Page):
        fields = {"before": value.before} if value.has_before else {}
        if value.has_after:
            fields["after"] = value.after
        value = {**fields, "data": value.data}
    if isinstance(value, dict):
        masked = {**_ANY, **dict.fromkeys(extra, "<any>")}
        return {k: masked[k] if k in masked and v is not None else shape(v, extra) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v, extra) for v in value]
    if isinstance(value, Ref):
        ident = "<id>" if _GENERATED_ID.match(value.id) else value.id
        return ("ref", ident, shape(value.collection), shape(value.database))
    return value


def _sorted(value):
    return sorted(value, key=repr)


def check(db, query: str, docs: str, *, secret: str | None = None, unordered: bool = False, extra=()):
    """Run `query`; its result must be the docs' output `docs` (FQL text), up to what only illustrates."""
    result = db.query(query, secret=secret, syntax="v4")
    expected = shape(db.query(docs, secret=secret, syntax="v4"), extra)
    got = shape(result, extra)
    if unordered:
        got, expected = _sorted(got["data"] if isinstance(got, dict) else got), _sorted(
            expected["data"] if isinstance(expected, dict) else expected
        )
    assert got == expected, f"{query}\n got: {fql.to_fql(result)}"
    return result


def fails(db, query: str, code: str, description: str, position: list, *, secret: str | None = None):
    with pytest.raises(fql.FQLError) as caught:
        db.query(query, secret=secret, syntax="v4")
    err = caught.value
    assert (err.code, err.description, list(err.position)) == (code, description, position)


# -- index tutorials -----------------------------------------------------------------------------------

#: The Letters documents of the index tutorials' preparation: id, letter, and the `extra` field (absent
#: for M and Z), whose mixed types the sort tutorial orders.
LETTERS = [
    ("101", "A", "First"), ("102", "B", "second"), ("103", "C", "third"), ("104", "D", "4th"),
    ("105", "E", "fifth"), ("106", "F", "sixth"), ("107", "G", "seventh"), ("108", "H", "eighth"),
    ("109", "I", "9th"), ("110", "J", "tenth"), ("111", "K", 11), ("112", "L", ""), ("113", "M", None),
    ("114", "N", "14th"), ("115", "O", "fifteenth"), ("116", "P", "16th"), ("117", "Q", "seventeenth"),
    ("118", "R", "18th"), ("119", "S", "19th"), ("120", "T", "20th"), ("121", "U", "21st"),
    ("122", "V", "22nd"), ("123", "W", "twenty-third"), ("124", "X", 24), ("125", "Y", "24 + 1"),
    ("126", "Z", None),
]

#: The People documents: first, last, degrees, letter (Leslie Lamport has none; Marvin Minsky's is 1).
PEOPLE = [
    ("Alan", "Perlis", ["BA", "MA", "PhD"], "A"), ("Alan", "Turing", ["BA", "MA", "MS", "PhD"], "B"),
    ("Grace", "Hopper", ["BA", "MA", "PhD"], "C"), ("Leslie", "Lamport", ["BS", "MA", "PhD"], None),
    ("Marvin", "Minsky", ["BA", "PhD"], 1), ("Stephen", "Cook", ["BS", "PhD"], "F"),
    ("Tim", "Cook", ["BS", "MBA"], "G"),
]


def _letter_data(letter: str, extra) -> str:
    return f"{{ letter: {json.dumps(letter)} }}" if extra is None else f"{{ letter: {json.dumps(letter)}, extra: {json.dumps(extra)} }}"


def _letter_doc(ident: str, letter: str, extra) -> str:
    return f'{{ ref: Ref(Collection("Letters"), "{ident}"), ts: 1565299176485000, data: {_letter_data(letter, extra)} }}'


def _person_data(first, last, degrees, letter) -> str:
    fields = f"first: {json.dumps(first)}, last: {json.dumps(last)}, degrees: {json.dumps(degrees)}"
    return f"{{ {fields}, letter: {json.dumps(letter)} }}" if letter is not None else f"{{ {fields} }}"


def _person_doc(person) -> str:
    return f'{{ ref: Ref(Collection("People"), "240166254282805769"), ts: 1565299238420000, data: {_person_data(*person)} }}'


def _letters(first: str, last: str) -> list:
    return [row for row in LETTERS if first <= row[0] <= last]


@pytest.fixture(scope="module")
def letters_db():
    """The index tutorials' preparation (learn/tutorials/FQL/indexes/): two collections, two collection
    indexes, 26 letters created at their ids, 7 people; each step checked against the printed output."""
    db = fql.connect("memory://")
    check(db, 'CreateCollection({ name: "Letters" })',
          '{ ref: Collection("Letters"), ts: 1565299176485000, history_days: 0, name: "Letters" }')
    check(db, 'CreateCollection({ name: "People" })',
          '{ ref: Collection("People"), ts: 1565299176485000, history_days: 0, name: "People" }')
    for name, coll in (("all_letters", "Letters"), ("all_people", "People")):
        check(db, f'CreateIndex({{ name: "{name}", source: Collection("{coll}") }})',
              f'{{ ref: Index("{name}"), ts: 1, active: true, serialized: true, name: "{name}", '
              f'source: Collection("{coll}"), partitions: 8 }}')
    pairs = ", ".join(f'["{i}", {_letter_data(letter, extra)}]' for i, letter, extra in LETTERS)
    check(db, f'Map([{pairs}], Lambda(["dID", "data"], Create(Ref(Collection("Letters"), Var("dID")), {{ data: Var("data") }})))',
          "[" + ", ".join(_letter_doc(*row) for row in LETTERS) + "]")
    people = ", ".join(_person_data(*p) for p in PEOPLE)
    check(db, f'Map([{people}], Lambda("person", Create(Collection("People"), {{ data: Var("person") }})))',
          "[" + ", ".join(_person_doc(p) for p in PEOPLE) + "]")
    return db


def test_pagination(letters_db):
    db = letters_db
    # "If you are using fauna-shell, you need to create the index": the preparation made it already.
    fails(db, 'CreateIndex({ name: "all_letters", source: Collection("Letters") })',
          "instance already exists", "Index already exists.", ["create_index"])
    refs = ", ".join(f'Ref(Collection("Letters"), "{i}")' for i, _, _ in LETTERS)
    check(db, 'Paginate(Match(Index("all_letters")))', f"{{ data: [{refs}] }}")
    check(db, 'Get(Ref(Collection("Letters"), "103"))', _letter_doc("103", "C", "third"))
    every = ", ".join(_letter_doc(*row) for row in LETTERS)
    check(db, 'Map(Paginate(Match(Index("all_letters"))), Lambda("X", Get(Var("X"))))', f"{{ data: [{every}] }}")
    # The docs' order is their generated ids' order; here the ids are fql's.
    check(db, 'Map(Paginate(Match(Index("all_people"))), Lambda("X", Get(Var("X"))))',
          "{ data: [" + ", ".join(_person_doc(p) for p in PEOPLE) + "] }", unordered=True)
    page = lambda rows: ", ".join(_letter_doc(*row) for row in rows)  # noqa: E731
    check(db, 'Map(Paginate(Match(Index("all_letters")), { size: 3 }), Lambda("X", Get(Var("X"))))',
          f'{{ after: [Ref(Collection("Letters"), "104")], data: [{page(_letters("101", "103"))}] }}')
    after_d = 'after: [ Ref(Collection("Letters"), "104") ]'
    check(db, f'Map(Paginate(Match(Index("all_letters")), {{ size: 3, {after_d} }}), Lambda("X", Get(Var("X"))))',
          f'{{ before: [Ref(Collection("Letters"), "104")], after: [Ref(Collection("Letters"), "107")], '
          f'data: [{page(_letters("104", "106"))}] }}')
    check(db, f'Map(Paginate(Match(Index("all_letters")), {{ size: 1, {after_d} }}), Lambda("X", Get(Var("X"))))',
          f'{{ before: [Ref(Collection("Letters"), "104")], after: [Ref(Collection("Letters"), "105")], '
          f'data: [{page(_letters("104", "104"))}] }}')
    check(db, f'Map(Paginate(Match(Index("all_letters")), {{ size: 100, {after_d} }}), Lambda("X", Get(Var("X"))))',
          f'{{ before: [Ref(Collection("Letters"), "104")], data: [{page(_letters("104", "126"))}] }}')
    check(db, 'CreateIndex({ name: "all_people_all_fields", source: Collection("People"), values: ['
              '{ field: ["data", "first"] }, { field: ["data", "last"] }, { field: ["data", "degrees"] }, '
              '{ field: ["data", "letter"] }, { field: ["ref"] }] })',
          '{ ref: Index("all_people_all_fields"), ts: 1, active: true, serialized: true, name: "all_people_all_fields", '
          'source: Collection("People"), values: [{ field: ["data", "first"] }, { field: ["data", "last"] }, '
          '{ field: ["data", "degrees"] }, { field: ["data", "letter"] }, { field: ["ref"] }], partitions: 8 }')
    # One entry per degree (an array value is indexed once per item), sorted by every value in turn.
    rows = [(f, last, d, letter) for f, last, degrees, letter in PEOPLE for d in sorted(degrees)]
    tuples = ", ".join(f'[{", ".join(json.dumps(v) for v in row)}, Ref(Collection("People"), "240166254282805769")]'
                       for row in rows)
    check(db, 'Paginate(Match(Index("all_people_all_fields")))', f"{{ data: [{tuples}] }}")
    # A one-parameter Lambda gets the whole tuple, an array, which Get refuses.
    fails(db, 'Map(Paginate(Match(Index("all_people_all_fields"))), Lambda("X", Get(Var("X"))))',
          "invalid argument", "Ref or Set expected, Array provided.", ["map", "expr", "get"])
    docs = ", ".join(_person_doc(p) for p in PEOPLE for _ in p[2])
    check(db, 'Map(Paginate(Match(Index("all_people_all_fields"))), Lambda(["W", "X", "Y", "Z", "ref"], Get(Var("ref"))))',
          f"{{ data: [{docs}] }}")


def test_sort(letters_db):
    db = letters_db
    values = '[{ field: ["data", "first"] }, { field: ["ref"] }]'
    check(db, f'CreateIndex({{ name: "people_sort_by_first_asc", source: Collection("People"), values: {values} }})',
          f'{{ ref: Index("people_sort_by_first_asc"), ts: 1, active: true, serialized: true, '
          f'name: "people_sort_by_first_asc", source: Collection("People"), values: {values}, partitions: 8 }}')
    # The collection index lists people by their refs: the docs' order is their ids' order.
    firsts = [p[0] for p in PEOPLE]
    check(db, 'Map(Paginate(Match(Index("all_people"))), Lambda("X", Select(["data", "first"], Get(Var("X")))))',
          f"{{ data: {json.dumps(firsts)} }}", unordered=True)
    ref = 'Ref(Collection("People"), "240166254282805769")'
    pairs = lambda names: "{ data: [" + ", ".join(f'["{n}", {ref}]' for n in names) + "] }"  # noqa: E731
    check(db, 'Paginate(Match(Index("people_sort_by_first_asc")))', pairs(sorted(firsts)))
    db.query('CreateIndex({ name: "people_sort_by_first_desc", source: Collection("People"), values: ['
             '{ field: ["data", "first"], reverse: true }, { field: ["ref"] }] })')
    check(db, 'Paginate(Match(Index("people_sort_by_first_desc")))', pairs(sorted(firsts, reverse=True)))
    db.query('CreateIndex({ name: "people_sort_by_last_first_asc", source: Collection("People"), values: ['
             '{ field: ["data", "last"] }, { field: ["data", "first"] }, { field: ["ref"] }] })')
    triples = lambda rows: "{ data: [" + ", ".join(f'["{a}", "{b}", {ref}]' for a, b in rows) + "] }"  # noqa: E731
    check(db, 'Paginate(Match(Index("people_sort_by_last_first_asc")))',
          triples([("Cook", "Stephen"), ("Cook", "Tim"), ("Hopper", "Grace"), ("Lamport", "Leslie"),
                   ("Minsky", "Marvin"), ("Perlis", "Alan"), ("Turing", "Alan")]))
    db.query('CreateIndex({ name: "people_sort_by_last_asc_first_desc", source: Collection("People"), values: ['
             '{ field: ["data", "last"] }, { field: ["data", "first"], reverse: true }, { field: ["ref"] }] })')
    check(db, 'Paginate(Match(Index("people_sort_by_last_asc_first_desc")))',
          triples([("Cook", "Tim"), ("Cook", "Stephen"), ("Hopper", "Grace"), ("Lamport", "Leslie"),
                   ("Minsky", "Marvin"), ("Perlis", "Alan"), ("Turing", "Alan")]))
    db.query('CreateIndex({ name: "letters_sort_by_extra_asc", source: Collection("Letters"), values: ['
             '{ field: ["data", "extra"] }, { field: ["ref"] }] })')
    # Numbers before strings, strings case-insensitively ("First" between "fifth" and "second"), and the two
    # letters without `extra` last, as null.
    check(db, 'Map(Paginate(Match(Index("letters_sort_by_extra_asc"))), Lambda(["extra", "ref"], Var("extra")))',
          '{ data: [11, 24, "", "14th", "16th", "18th", "19th", "20th", "21st", "22nd", "24 + 1", "4th", "9th", '
          '"eighth", "fifteenth", "fifth", "First", "second", "seventeenth", "seventh", "sixth", "tenth", "third", '
          '"twenty-third", null, null] }')


def test_search_and_bindings(letters_db):
    db = letters_db
    check(db, 'CreateIndex({ name: "people_search_by_first", source: Collection("People"), terms: [{ field: ["data", "first"] }] })',
          '{ ref: Index("people_search_by_first"), ts: 1565320196190000, active: true, serialized: true, '
          'name: "people_search_by_first", source: Collection("People"), terms: [{ field: ["data", "first"] }], partitions: 1 }')
    alans = "{ data: [" + ", ".join(_person_doc(p) for p in PEOPLE[:2]) + "] }"
    check(db, 'Map(Paginate(Match(Index("people_search_by_first"), "Alan")), Lambda("person", Get(Var("person"))))',
          alans, unordered=True)
    db.query('CreateIndex({ name: "people_search_by_degrees", source: Collection("People"), terms: [{ field: ["data", "degrees"] }] })')
    check(db, 'Map(Paginate(Match(Index("people_search_by_degrees"), "MBA")), Lambda("person", Get(Var("person"))))',
          "{ data: [" + _person_doc(PEOPLE[6]) + "] }")
    # The docs print these three without `degrees`, an output from before the preparation gave people
    # degrees; the documents are the ones the preparation made.
    check(db, 'Map(Paginate(Union(Match(Index("people_search_by_first"), "Alan"), '
              'Match(Index("people_search_by_first"), "Tim"))), Lambda("person", Get(Var("person"))))',
          "{ data: [" + ", ".join(_person_doc(p) for p in (PEOPLE[1], PEOPLE[6], PEOPLE[0])) + "] }", unordered=True)

    # Search and sort: a Join of the people found by last name through an index whose term is the ref.
    check(db, 'Do(CreateIndex({ name: "people_search_by_last", source: Collection("People"), terms: [{ field: ["data", "last"] }] }), '
              'CreateIndex({ name: "people_sort_by_letter_asc", source: Collection("People"), terms: [{ field: ["ref"] }], '
              'values: [{ field: ["data", "letter"] }, { field: ["ref"] }] }))',
          '{ ref: Index("people_sort_by_letter_asc"), ts: 1, active: true, serialized: true, name: "people_sort_by_letter_asc", '
          'source: Collection("People"), terms: [{ field: ["ref"] }], values: [{ field: ["data", "letter"] }, { field: ["ref"] }], '
          'partitions: 1 }')
    check(db, "Map(Paginate(Join(Union(Match(Index('people_search_by_last'), 'Turing'), "
              "Match(Index('people_search_by_last'), 'Cook')), Index('people_sort_by_letter_asc'))), "
              'Lambda(["letter", "ref"], Get(Var("ref"))))',
          "{ data: [" + ", ".join(_person_doc(p) for p in (PEOPLE[1], PEOPLE[5], PEOPLE[6])) + "] }")

    # Bindings: a computed rolodex letter, and a binding that finds the documents without a letter.
    source = ('{ collection: Collection("People"), fields: { rolodex: Query(Lambda("doc", '
              'SubString(Select(["data", "last"], Var("doc")), 0, 1))) } }')
    rest = 'terms: [{ binding: "rolodex" }], values: [{ binding: "rolodex" }, { field: ["data", "last"] }, { field: ["ref"] }]'
    check(db, f'CreateIndex({{ name: "people_by_rolodex", source: {source}, {rest} }})',
          f'{{ ref: Index("people_by_rolodex"), ts: 1580948872710000, active: true, serialized: true, '
          f'name: "people_by_rolodex", source: {source}, {rest}, partitions: 1 }}')
    ref = 'Ref(Collection("People"), "239535822978682381")'
    check(db, 'Paginate(Match(Index("people_by_rolodex"), "C"))', f'{{ data: [["C", "Cook", {ref}], ["C", "Cook", {ref}]] }}')
    db.query('CreateIndex({ name: "people_by_letter", source: Collection("People"), terms: [ { field: ["data", "letter"] } ] })')
    check(db, 'Paginate(Match(Index("people_by_letter"), "A"))', f"{{ data: [{ref}] }}")
    # A document without the field has no entry: a null term finds nothing.
    check(db, 'Paginate(Match(Index("people_by_letter"), null))', "{ data: [] }")
    db.query('CreateIndex({ name: "people_by_null_letter", source: [{ collection: Collection("People"), fields: { '
             'null_letter: Query(Lambda("doc", Equals(Select(["data", "letter"], Var("doc"), null), null))) } }], '
             'terms: [ { binding: "null_letter" } ] })')
    check(db, 'Map(Paginate(Match(Index("people_by_null_letter"), true)), Lambda("X", Get(Var("X"))))',
          "{ data: [" + _person_doc(PEOPLE[3]) + "] }")


# -- temporality ---------------------------------------------------------------------------------------


def _shapes(*rows) -> str:
    return "{ data: [" + ", ".join(
        f'{{ ref: Ref(Collection("shapes"), "232990372366647808"), ts: 1558455784100000, '
        f'data: {{ name: "{name}", color: "{color}" }} }}' for name, color in rows) + "] }"


def test_temporality():
    """learn/tutorials/FQL/temporality: shapes created in two transactions, one deleted, one updated; a
    snapshot with At before the second group, and a document's events."""
    db = fql.connect("memory://")
    check(db, 'CreateCollection({ name: "shapes" })',
          '{ ref: Collection("shapes"), ts: 1, history_days: 0, name: "shapes" }')
    db.query('CreateIndex({ name: "all_shapes", source: Collection("shapes") })')
    db.query('CreateIndex({ name: "shapes_by_name", source: Collection("shapes"), unique: true, '
             'terms: [{ field: ["data", "name"] }] })')
    create = ('Foreach({}, Lambda("shape", Create(Collection("shapes"), {{ data: {{ '
              'name: Select(0, Var("shape")), color: Select(1, Var("shape")) }} }})))')
    first = [("triangle", "yellow"), ("square", "green"), ("circle", "blue")]
    second = [("pentagon", "black"), ("hexagon", "cyan"), ("octagon", "red")]
    check(db, create.format(json.dumps([list(s) for s in first])), json.dumps([list(s) for s in first]))
    db.query(create.format(json.dumps([list(s) for s in second])))
    review = 'Map(Paginate(Match(Index("all_shapes"))), Lambda("X", Get(Var("X"))))'
    shapes = check(db, review, _shapes(*first, *second), unordered=True)
    # Each group was one transaction: its documents share its ts, and the second group's is later.
    ts = {doc["data"]["name"]: doc["ts"] for doc in shapes.data}
    assert ts["triangle"] == ts["square"] == ts["circle"] < ts["pentagon"] == ts["hexagon"] == ts["octagon"]
    pentagon = next(doc["ref"] for doc in shapes.data if doc["data"]["name"] == "pentagon")
    db.query(f"Delete({fql.to_fql(pentagon)})")
    updated = db.query('Update(Select("ref", Get(Match(Index("shapes_by_name"), "circle"))), { data: { color: "white" }})')
    assert updated["ts"] > ts["octagon"]
    check(db, review, _shapes(("square", "green"), ("circle", "white"), ("triangle", "yellow"),
                              ("octagon", "red"), ("hexagon", "cyan")), unordered=True)
    # At is inclusive: at the first group's ts, the first group alone, the circle still blue.
    check(db, f'At({ts["square"]}, {review})', _shapes(("square", "green"), ("circle", "blue"), ("triangle", "yellow")),
          unordered=True)
    # The docs print each event's document under `instance`, API 2.x's name; API 4 calls it `document`.
    # An update's event holds what the update wrote.
    circle = fql.to_fql(updated["ref"])
    check(db, 'Paginate(Events(Select("ref", Get(Match(Index("shapes_by_name"), "circle")))))',
          f'{{ data: [{{ ts: {ts["circle"]}, action: "create", document: {circle}, data: {{ name: "circle", color: "blue" }} }}, '
          f'{{ ts: {updated["ts"]}, action: "update", document: {circle}, data: {{ color: "white" }} }}] }}')
    events = db.query('Paginate(Events(Select("ref", Get(Match(Index("shapes_by_name"), "circle")))))')
    assert [e["ts"] for e in events.data] == [ts["circle"], updated["ts"]]


# -- user authentication -------------------------------------------------------------------------------


def _tokens_self(port: int, secret: str) -> tuple[int, dict]:
    """`curl https://db.fauna.com/tokens/self -u <secret>:`, as the tutorial checks a token."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        basic = base64.b64encode(f"{secret}:".encode()).decode()
        conn.request("GET", "/tokens/self", headers={"Authorization": f"Basic {basic}"})
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def _token_resource(token: dict, user: Ref) -> dict:
    """What /tokens/self answers for `token` (v4 JSON); the docs' 2019 answer names refs' collections
    `class`, API 2.x's name, where API 4 says `collection`."""
    return {
        "ref": {"@ref": {"id": token["ref"].id, "collection": {"@ref": {"id": "tokens"}}}},
        "ts": token["ts"],
        "instance": {"@ref": {"id": user.id, "collection": {
            "@ref": {"id": "users", "collection": {"@ref": {"id": "collections"}}}}}},
    }


def _self_of(port: int, secret: str) -> dict:
    status, body = _tokens_self(port, secret)
    assert status == 200, body
    resource = body["resource"]
    assert resource.pop("hashed_secret").startswith("$2a$05$")
    return resource


def test_user_authentication():
    """learn/tutorials/FQL/auth/user: a child database with server and client keys, users with
    credentials, Login (also through the client key, the index being public), /tokens/self, a password
    change that leaves old tokens working, Identify, and tokens named per service."""
    db = fql.connect("memory://")
    # Fauna since 2021 also prints a database's global_id, as the later copy of the page shows.
    check(db, 'CreateDatabase({ name: "app1" })',
          '{ ref: Database("app1"), ts: 1576008456740000, name: "app1", global_id: "yoiosfgp4ydyo" }')
    # The docs' keys show the `name` given; core's Key validator keeps role, database, priority, data and
    # ttl and drops any other field, so the result has no name.
    server = check(db, 'CreateKey({ name: "Server key for app1", database: Database("app1"), role: "server" })',
                   '{ ref: Ref(Keys(), "251405600267698688"), ts: 1576017914170000, database: Database("app1"), '
                   'role: "server", secret: "fnADfSwPQoACAFAfWX9f6NFrBumWqIMsL8Qkt3wY", hashed_secret: "$2a$05$p" }')
    client = check(db, 'CreateKey({ name: "Client key for app1", database: Database("app1"), role: "client" })',
                   '{ ref: Ref(Keys(), "251406008027447808"), ts: 1576018302900000, database: Database("app1"), '
                   'role: "client", secret: "fnADfSxuQuAQAe6JBbRY58Fm37ZA-0HhFtVm64T0", hashed_secret: "$2a$05$q" }')
    s, c = server["secret"], client["secret"]
    # The docs' collection has the history_days of 2019 (30); core's default is now 0.
    check(db, 'CreateCollection({ name: "users" })',
          '{ ref: Collection("users"), ts: 1576019188350000, history_days: 0, name: "users" }', secret=s)
    # The docs' index is `active: false` (built in the background then); core builds an index over a
    # collection this small in its own transaction, so it is active at once.
    index = check(db, 'CreateIndex({ name: "users_by_email", permissions: { read: "public"}, source: Collection("users"), '
                      'terms: [{field: ["data", "email"]}], unique: true })',
                  '{ ref: Index("users_by_email"), ts: 1576019648660000, active: true, serialized: true, name: "users_by_email", '
                  'permissions: { read: "public" }, source: Collection("users"), terms: [ { field: [ "data", "email" ] } ], '
                  'unique: true, partitions: 1 }', secret=s)
    # In the docs' order too: the defaults, the fields as given, then the partitions core adds.
    assert list(index) == ["ref", "ts", "active", "serialized", "name", "permissions", "source", "terms", "unique", "partitions"]
    alice = check(db, 'Create(Collection("users"), { credentials: { password: "secret password" }, '
                      'data: { email: "alice@site.example" } })',
                  '{ ref: Ref(Collection("users"), "251407645221585408"), ts: 1576019864330000, '
                  'data: { email: "alice@site.example" } }', secret=s)
    login = 'Login(Match(Index("users_by_email"), "{}"), {{ password: "{}" }})'
    token_docs = ('{ ref: Ref(Tokens(), "251407817091580416"), ts: 1576020028130000, '
                  'instance: Ref(Collection("users"), "251407645221585408"), secret: "fnEDfS4T34" }')
    token = check(db, login.format("alice@site.example", "secret password"), token_docs, secret=s)
    assert token["instance"] == alice["ref"]
    fails(db, login.format("bob@not.a.member", "secret password"), "authentication failed",
          "The document was not found or provided password was incorrect.", [], secret=s)
    # The client key the tutorial makes for logging in reads the index through its legacy public
    # permission (fql keeps it for client keys; core's head has no such permission, see the README).
    check(db, login.format("alice@site.example", "secret password"), token_docs, secret=c)
    with ServerThread(db) as running:
        port = running.port
        assert _self_of(port, token["secret"]) == _token_resource(token, alice["ref"])
        assert _tokens_self(port, "not_a_valid_secret") == (
            401, {"errors": [{"code": "unauthorized", "description": "Unauthorized"}]})
        # A new password: the token made with the old one still works.
        check(db, f'Update({fql.to_fql(alice["ref"])}, {{ credentials: {{ password: "new password" }} }})',
              '{ ref: Ref(Collection("users"), "251407645221585408"), ts: 1576023407790000, '
              'data: { email: "alice@site.example" } }', secret=s)
        assert _self_of(port, token["secret"]) == _token_resource(token, alice["ref"])
        fresh = check(db, login.format("alice@site.example", "new password"), token_docs, secret=s)
        assert _self_of(port, fresh["secret"]) == _token_resource(fresh, alice["ref"])
        ref = fql.to_fql(alice["ref"])
        check(db, f'[Identify({ref}, "secret password"), Identify({ref}, "new password")]', "[false, true]", secret=s)
        check(db, 'CreateIndex({ name: "tokens_by_instance", permissions: { read: "public" }, source: Tokens(), '
                  'terms: [{ field: "instance" }], values: [{field: ["data", "name"]}] })',
              '{ ref: Index("tokens_by_instance"), ts: 1576024400110000, active: true, serialized: true, '
              'name: "tokens_by_instance", permissions: { read: "public" }, source: Tokens(), '
              'terms: [ { field: "instance" } ], values: [ { field: [ "data", "name" ] } ], partitions: 1 }', secret=s)
        services = ["Desktop App", "Mobile App", "Web Service"]
        named = check(db, f'Map({json.dumps(services)}, Lambda("service", Login(Match(Index("users_by_email"), '
                          '"alice@site.example"), { password: "new password", data: { name: Var("service") } })))',
                      "[" + ", ".join(f'{{ ref: Ref(Tokens(), "251412696160797184"), ts: 1576024681170000, '
                                      f'data: {{ name: "{n}" }}, instance: Ref(Collection("users"), "251407645221585408"), '
                                      f'secret: "fnEDfTKD3r" }}' for n in services) + "]", secret=s)
        # The docs print each token's fields in the order core stores them: Login's params, then the identity.
        assert [list(each) for each in named] == [["ref", "ts", "data", "instance", "secret"]] * 3
        # The index of tokens by their identity lists the service names (read here with the server key).
        check(db, f'Paginate(Match(Index("tokens_by_instance"), {ref}))', f"{{ data: {json.dumps(services)} }}", secret=s)
        # The docs read it with one of Alice's tokens as `Select("instance", Identity())`: Identity() is the
        # user's ref, which has no `instance`; and a token whose identity has no role reads no index in
        # core (InstancePermissions grants only its own tokens and credentials), public or not.
        alices = named[0]["secret"]
        fails(db, 'Paginate(Match(Index("tokens_by_instance"), Select("instance", Identity())))', "value not found",
              "Value not found at path [instance].", ["paginate", "terms", "from"], secret=alices)
        fails(db, 'Paginate(Match(Index("tokens_by_instance"), Identity()))', "permission denied",
              "Insufficient privileges to perform the action.", ["paginate"], secret=alices)
        # Logout(true) deletes every token of the identity.
        assert db.query("Logout(true)", secret=alices) is True
        for each in (token, fresh, *named):
            assert _tokens_self(port, each["secret"])[0] == 401


# -- attribute-based access control --------------------------------------------------------------------

SALARIES = [("Bob", 95000), ("Joe", 60000), ("John", 70000), ("Peter", 97000), ("Mary", 120000), ("Carol", 150000)]

SALARY_LIST = ('Map(Paginate(Match(Index("all_salaries"))), Lambda("salaryRef", Let({ salary: Get(Var("salaryRef")), '
               'user: Get(Select(["data", "user"], Var("salary"))) }, { user: Select(["data", "name"], Var("user")), '
               'salary: Select(["data", "salary"], Var("salary")) })))')


def _salaries(*names) -> str:
    pay = dict(SALARIES)
    return "{ data: [" + ", ".join(f'{{ user: "{n}", salary: {pay[n]} }}' for n in names) + "] }"


def test_abac():
    """learn/tutorials/FQL/auth/abac: users, their salaries and who reports to whom; a role whose read
    predicate on salaries lets a user read their own and their subordinates'."""
    db = fql.connect("memory://")
    for name in ("users", "salary", "user_subordinate"):
        db.query(f'CreateCollection({{ name: "{name}" }})')
    db.query('CreateIndex({ name: "all_users", source: Collection("users") })')
    db.query('CreateIndex({ name: "user_by_name", source: Collection("users"), terms: [{ field: ["data", "name"] }] })')
    db.query('CreateIndex({ name: "all_salaries", source: Collection("salary") })')
    db.query(f'Map({json.dumps([list(p) for p in SALARIES])}, Lambda("data", Let({{ user: Create(Collection("users"), '
             '{ data: { name: Select(0, Var("data")) }, credentials: { password: "123" } }), salary: Select(1, Var("data")) }, '
             'Create(Collection("salary"), { data: { user: Select("ref", Var("user")), salary: Var("salary") } }))))')
    # "the order of the results can vary": the salaries are listed by their generated refs.
    check(db, SALARY_LIST, _salaries("Carol", "Peter", "Joe", "Bob", "Mary", "John"), unordered=True)
    db.query('Map([["Bob", "Mary"], ["John", "Mary"], ["Peter", "Joe"]], Lambda("data", Let({ '
             'user: Get(Match(Index("user_by_name"), Select(0, Var("data")))), '
             'manager: Get(Match(Index("user_by_name"), Select(1, Var("data")))) }, '
             'Create(Collection("user_subordinate"), { data: { user: Select("ref", Var("user")), '
             'reports_to: Select("ref", Var("manager")) } }))))')
    db.query('CreateIndex({ name: "is_subordinate", source: Collection("user_subordinate"), '
             'terms: [{ field: ["data", "user"] }, { field: ["data", "reports_to"] }] })')
    db.query('CreateRole({ name: "normal_user", membership: { resource: Collection("users") }, privileges: ['
             '{ resource: Collection("users"), actions: { read: true } }, '
             '{ resource: Index("all_users"), actions: { read: true } }, '
             '{ resource: Index("all_salaries"), actions: { read: true } }, '
             '{ resource: Collection("salary"), actions: { read: Query(Lambda("salaryRef", Let({ '
             'salary: Get(Var("salaryRef")), userRef: Select(["data", "user"], Var("salary")) }, '
             'Or(Equals(Var("userRef"), Identity()), Exists(Match(Index("is_subordinate"), [Var("userRef"), Identity()])))))) } }] })')
    token_docs = ('{ ref: Ref(Tokens(), "231651464569684480"), ts: 1557178902130000, '
                  'instance: Ref(Collection("users"), "231651384582210048"), secret: "fnEDNv3HmW" }')
    bob = check(db, 'Login(Match(Index("user_by_name"), "Bob"), { password: "123" })', token_docs)
    # Paginate leaves out the salaries the role's predicate refuses: Bob sees his own.
    check(db, SALARY_LIST, _salaries("Bob"), secret=bob["secret"])
    mary = check(db, 'Login(Match(Index("user_by_name"), "Mary"), { password: "123" })', token_docs)
    # "the order may vary": Mary's own and her two reports'.
    check(db, SALARY_LIST, _salaries("Bob", "Mary", "John"), secret=mary["secret"], unordered=True)


# -- multi-tenancy -------------------------------------------------------------------------------------


def test_multi_tenancy():
    """learn/tutorials/FQL/multitenancy: two team databases with admin keys, two child databases of one
    of them made with its key, and each key seeing only its own database's children."""
    db = fql.connect("memory://")
    db.query('CreateDatabase({ name: "my_db" })')
    my_db = db.query('CreateKey({ role: "admin", database: Database("my_db") })')["secret"]
    # Databases made since 2021 also show their global_id.
    check(db, 'Map(["production", "internal"], Lambda("name", CreateDatabase({ name: Var("name")})))',
          '[{ ref: Database("production"), ts: 1558574366150000, name: "production", global_id: "g" }, '
          '{ ref: Database("internal"), ts: 1558574366150000, name: "internal", global_id: "g" }]', secret=my_db)
    keys = check(db, 'Map([Database("production"), Database("internal")], Lambda("db", CreateKey({ role: "admin", database: Var("db") })))',
                 '[{ ref: Ref(Keys(), "233115268679729664"), ts: 1558574894580000, role: "admin", database: Database("production"), '
                 'secret: "fnADPDEaDW", hashed_secret: "$2a$05$u" }, { ref: Ref(Keys(), "233115268694409728"), '
                 'ts: 1558574894580000, role: "admin", database: Database("internal"), secret: "fnADQDExDk", '
                 'hashed_secret: "$2a$05$3" }]', secret=my_db)
    # The keys' fields in the order given, as the docs print them: `role` before `database`.
    assert [list(each) for each in keys] == [["ref", "ts", "role", "database", "secret", "hashed_secret"]] * 2
    internal = keys[1]["secret"]
    check(db, 'Map(["personnel", "bulletin-board"], Lambda("db", CreateDatabase({ name: Var("db") })))',
          '[{ ref: Database("personnel"), ts: 1558575584530000, name: "personnel", global_id: "g" }, '
          '{ ref: Database("bulletin-board"), ts: 1558575584530000, name: "bulletin-board", global_id: "g" }]', secret=internal)
    check(db, 'Map([Database("personnel"), Database("bulletin-board")], Lambda("db", CreateKey({ role: "server", database: Var("db") })))',
          '[{ ref: Ref(Keys(), "233116225856602624"), ts: 1558575807350000, role: "server", database: Database("personnel"), '
          'secret: "fnADPDH46Z", hashed_secret: "$2a$05$W" }, { ref: Ref(Keys(), "233116225856603648"), '
          'ts: 1558575807350000, role: "server", database: Database("bulletin-board"), secret: "fnADPDH46Z", '
          'hashed_secret: "$2a$05$Z" }]', secret=internal)
    # A database set is ordered by the databases' internal ids, so in the order they were made.
    check(db, "Paginate(Databases())", '{ data: [ Database("personnel"), Database("bulletin-board") ] }', secret=internal)
    check(db, "Paginate(Databases())", '{ data: [ Database("production"), Database("internal") ] }', secret=my_db)
    # Each team's key reaches its own database alone.
    fails(db, 'Get(Database("production"))', "invalid ref", "Ref refers to undefined database 'production'", ["get"],
          secret=internal)


# -- social graph --------------------------------------------------------------------------------------


def test_social_graph():
    """learn/tutorials/FQL/social_graph: people, follower relationships, and who follows whom through
    Union, Intersection and Difference of an index's matches."""
    db = fql.connect("memory://")
    db.query('CreateCollection({ name: "people" })')
    db.query('CreateIndex({ name: "people_by_name", source: Collection("people"), terms: [{ field: ["data", "name"] }], unique: true })')
    db.query('CreateCollection({ name: "relationships" })')
    db.query('CreateIndex({ name: "followers_by_followee", source: Collection("relationships"), '
             'terms: [{ field: ["data", "followee"] }], values: [{ field: ["data", "follower"] }] })')
    db.query('Foreach(["Alice", "Bob", "Carol", "Dave"], Lambda("name", Create(Collection("people"), { data: { name: Var("name") } })))')
    person = 'Select("ref", Get(Match(Index("people_by_name"), "{}")))'
    follow = 'Create(Collection("relationships"), {{ data: {{ follower: {}, followee: {} }} }})'
    db.query(follow.format(person.format("Alice"), person.format("Bob")))
    db.query(follow.format(person.format("Bob"), person.format("Alice")))
    db.query(f'Let({{ follower: {person.format("Carol")} }}, Foreach(Paginate(Union(Match(Index("people_by_name"), "Alice"), '
             'Match(Index("people_by_name"), "Bob"))), Lambda("followee", Create(Collection("relationships"), '
             '{ data: { followee: Var("followee"), follower: Var("follower") } }))))')
    db.query(follow.format(person.format("Dave"), person.format("Alice")))
    check(db, 'Paginate(Match(Index("people_by_name"), "Alice"))',
          '{ data: [Ref(Collection("people"), "234201581287350784")] }')
    check(db, 'Map(Paginate(Match(Index("people_by_name"), "Alice")), Lambda("person", Select(["data", "name"], Get(Var("person")))))',
          '{ data: ["Alice"] }')
    names = 'Lambda("person", Select(["data", "name"], Get(Var("person"))))'
    followers = 'Match(Index("followers_by_followee"), {})'
    alice, bob = followers.format(person.format("Alice")), followers.format(person.format("Bob"))
    # The follower index's values are refs, so the docs' order is their generated ids' order.
    check(db, f"Map(Paginate({alice}), {names})", '{ data: ["Bob", "Dave", "Carol"] }', unordered=True)
    check(db, f"Map(Paginate(Union({alice}, {bob})), {names})", '{ data: ["Alice", "Bob", "Dave", "Carol"] }', unordered=True)
    check(db, f"Map(Paginate(Intersection({alice}, {bob})), {names})", '{ data: ["Carol"] }')
    check(db, f"Map(Paginate(Difference({alice}, {bob})), {names})", '{ data: ["Bob", "Dave"] }', unordered=True)


# -- e-commerce ----------------------------------------------------------------------------------------

STORES = {
    "301": ("DC Fruits", "13 Pierstorff Drive", "20220"),
    "302": ("Party Supplies", "7529 Capitalsaurus Court", "20002"),
    "303": ("Foggy Bottom Market", "4 Floride Ave", "20037"),
}
#: id: name, description, price, quantity, store, backorderLimit.
PRODUCTS = {
    "201": ("cups", "Translucent 9 Oz, 100 ct", 6.98, 100, "302", 5),
    "202": ("pinata", "Original Class Donkey Pinata", 24.99, 20, "303", 10),
    "203": ("pizza", "Frozen Cheese", 4.99, 100, "303", 15),
    "204": ("avocados", "Conventional Hass, 4ct bag", 3.99, 1000, "301", 15),
    "205": ("limes", "Conventional, 1 ct", 0.35, 1000, "301", 15),
    "206": ("limes", "Organic, 16 oz bag", 3.49, 50, "301", 15),
    "207": ("limes", "Conventional, 16 oz bag", 2.99, 30, "303", 15),
    "208": ("cilantro", "Organic, 1 bunch", 1.49, 100, "301", 15),
    "209": ("pinata", "Giant Taco Pinata", 23.99, 10, "302", 10),
}
#: id: first name, last name, street, zip code, telephone, card number.
CUSTOMERS = {
    "101": ("Alice", "Appleseed", "87856 Mendota Court", "20220", "208-346-0715", "4556781272473393"),
    "102": ("Bob", "Brown", "72 Waxwing Terrace", "20002", "719-872-8799", "4916112310613672"),
    "103": ("Carol", "Clark", "5 Troy Trail", "20220", "907-949-4470", "4532636730015542"),
}

#: The tutorial's submit_order, restated: it reads the customer and products, aborts when a product's
#: stock is short, takes the stock, flags products at or under their backorder limit, creates the order.
SUBMIT_ORDER = """CreateFunction({ name: "submit_order", body: Query(Lambda(["customerId", "products"], Let({
  customer: Get(Ref(Collection("customers"), Var("customerId"))),
  products: Map(Var("products"), Lambda("requestedProduct", Let(
    { product: Get(Ref(Collection("products"), Select("productId", Var("requestedProduct")))) },
    { ref: Select("ref", Var("product")), price: Select(["data", "price"], Var("product")),
      currentQuantity: Select(["data", "quantity"], Var("product")),
      requestedQuantity: Select(["quantity"], Var("requestedProduct")),
      backorderLimit: Select(["data", "backorderLimit"], Var("product")) })))
}, Do(
  Foreach(Var("products"), Lambda("product", If(
    LTE(Select("requestedQuantity", Var("product")), Select("currentQuantity", Var("product"))),
    Var("product"),
    Abort(Concat(["Stock quantity for Product [", Select(["ref", "id"], Var("product")),
                  "] not enough – requested at [", ToString(Time("now")), "]"]))))),
  Foreach(Var("products"), Lambda("product", Update(Select("ref", Var("product")), { data: {
    quantity: Subtract(Select("currentQuantity", Var("product")), Select("requestedQuantity", Var("product"))) } }))),
  Foreach(Var("products"), Lambda("product", If(
    LTE(Subtract(Select("currentQuantity", Var("product")), Select("requestedQuantity", Var("product"))),
        Select("backorderLimit", Var("product"))),
    Update(Select("ref", Var("product")), { data: { backordered: true } }),
    Var("product")))),
  Let({ productsLine: Map(Var("products"), Lambda("product", {
      product: Select("ref", Var("product")), quantity: Select("requestedQuantity", Var("product")),
      price: Select("price", Var("product")) })) },
    Create(Collection("orders"), { data: {
      customer: Select("ref", Var("customer")), line: Var("productsLine"), status: "processing",
      creationDate: Time("now"), shipDate: null,
      shipAddress: Select(["data", "address"], Var("customer")),
      creditCard: Select(["data", "creditCard"], Var("customer")) } }))
)))) })"""


def _address(street: str, zip_code: str) -> str:
    return f'{{ street: "{street}", city: "Washington", state: "DC", zipCode: "{zip_code}" }}'


def _products_page(stock: dict, backordered: set) -> str:
    docs = []
    for ident, (name, description, price, _, store, limit) in PRODUCTS.items():
        docs.append(f'{{ ref: Ref(Collection("products"), "{ident}"), ts: 1, data: {{ name: "{name}", '
                    f'description: "{description}", price: {price}, quantity: {stock[ident]}, '
                    f'store: Ref(Collection("stores"), "{store}"), backorderLimit: {limit}, '
                    f'backordered: {"true" if ident in backordered else "false"} }} }}')
    return "{ data: [" + ", ".join(docs) + "] }"


def _order(customer: str, *lines) -> str:
    _, _, street, zip_code, _, card = CUSTOMERS[customer]
    line = ", ".join(f'{{ product: Ref(Collection("products"), "{p}"), quantity: {q}, price: {PRODUCTS[p][2]} }}'
                     for p, q in lines)
    return (f'{{ ref: Ref(Collection("orders"), "294712378764820992"), ts: 1, data: {{ '
            f'customer: Ref(Collection("customers"), "{customer}"), line: [{line}], status: "processing", '
            f'creationDate: Time("2021-04-01T22:46:06.604Z"), shipAddress: {_address(street, zip_code)}, '
            f'creditCard: {{ network: "Visa", number: "{card}" }} }} }}')


def _submit(customer: str, *lines) -> str:
    items = ", ".join(f'{{ "productId": "{p}", "quantity": {q} }}' for p, q in lines)
    return f'Call(Function("submit_order"), "{customer}", [{items}])'


def _short_stock(err: fql.FQLError, product: str) -> None:
    """The UDF's abort: a call error whose cause is the abort with the tutorial's message."""
    assert (err.code, err.description) == ("call error", "Calling the function resulted in an error.")
    (cause,) = err.cause
    assert cause.code == "transaction aborted"
    assert re.fullmatch(rf"Stock quantity for Product \[{product}\] not enough – requested at \[\d{{4}}-.+Z\]",
                        cause.description)


def test_e_commerce():
    """learn/tutorials/FQL/ecommerce: stores, products and customers at the docs' ids, the submit_order
    UDF, an order, one that sets products backordered, one refused for short stock, and two orders sent
    at once for more than the stock, of which one is made and the other refused."""
    db = fql.connect("memory://")
    for name in ("customers", "products", "orders", "stores"):
        db.query(f'CreateCollection({{name: "{name}"}})')
    db.query("Do(" + ", ".join(
        f'Create(Ref(Collection("stores"), "{i}"), {{ data: {{ "name": "{n}", "address": {_address(street, z)} }} }})'
        for i, (n, street, z) in STORES.items()) + ")")
    check(db, 'Map(Paginate(Documents(Collection("stores"))), Lambda("storeRef", Get(Var("storeRef"))))',
          "{ data: [" + ", ".join(f'{{ ref: Ref(Collection("stores"), "{i}"), ts: 1, data: {{ name: "{n}", '
                                   f'address: {_address(street, z)} }} }}' for i, (n, street, z) in STORES.items()) + "] }")
    db.query("Do(" + ", ".join(
        f'Create(Ref(Collection("products"), "{i}"), {{ data: {{ "name": "{n}", "description": "{d}", "price": {p}, '
        f'"quantity": {q}, "store": Ref(Collection("stores"), "{st}"), "backorderLimit": {lim}, "backordered": false }} }})'
        for i, (n, d, p, q, st, lim) in PRODUCTS.items()) + ")")
    stock = {i: row[3] for i, row in PRODUCTS.items()}
    list_products = 'Map(Paginate(Documents(Collection("products"))), Lambda("productRef", Get(Var("productRef"))))'
    check(db, list_products, _products_page(stock, set()))
    db.query("Do(" + ", ".join(
        f'Create(Ref(Collection("customers"), "{i}"), {{ data: {{ "firstName": "{f}", "lastName": "{last}", '
        f'"address": {_address(street, z)}, "telephone": "{tel}", "creditCard": {{ "network": "Visa", "number": "{card}" }} }} }})'
        for i, (f, last, street, z, tel, card) in CUSTOMERS.items()) + ")")
    check(db, 'Map(Paginate(Documents(Collection("customers"))), Lambda("customerRef", Get(Var("customerRef"))))',
          "{ data: [" + ", ".join(
              f'{{ ref: Ref(Collection("customers"), "{i}"), ts: 1, data: {{ firstName: "{f}", lastName: "{last}", '
              f'address: {_address(street, z)}, telephone: "{tel}", creditCard: {{ network: "Visa", number: "{card}" }} }} }}'
              for i, (f, last, street, z, tel, card) in CUSTOMERS.items()) + "] }")
    db.query(SUBMIT_ORDER)

    # 1. An order: the stock goes down; `shipDate: null` is no field of the order.
    lines = [("204", 10), ("206", 5), ("208", 20)]
    order = check(db, _submit("101", *lines), _order("101", *lines), extra=("creationDate",))
    assert isinstance(order["data"]["creationDate"], fql.Time)
    stock |= {"204": 990, "206": 45, "208": 80}
    check(db, list_products, _products_page(stock, set()))
    # 2. An order that leaves two products at or under their backorder limit flags them.
    lines = [("206", 40), ("203", 90)]
    check(db, _submit("103", *lines), _order("103", *lines), extra=("creationDate",))
    stock |= {"206": 5, "203": 10}
    check(db, list_products, _products_page(stock, {"203", "206"}))
    # 3. Too few pizzas: the UDF aborts, and nothing of the order is written.
    with pytest.raises(fql.FQLError) as caught:
        db.query(_submit("102", ("203", 15), ("202", 45)))
    _short_stock(caught.value, "203")
    check(db, list_products, _products_page(stock, {"203", "206"}))
    # 4. Two orders at once for 70 and 50 of the 100 cups (the docs wrap each item in the JavaScript
    # driver's Object(...)): transactions are serialized, so one is made and the other aborts.
    with ServerThread(db) as running:
        results: dict[str, object] = {}

        def send(customer: str, quantity: int) -> None:
            query = f'Call(Function("submit_order"), "{customer}", [Object({{ "productId": "201", "quantity": {quantity} }})])'
            body = json.dumps(wire.expr_to_json(fql.parse(query, syntax="v4").body[0]))
            conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=60)
            conn.request("POST", "/", body, {"Authorization": "Bearer secret", "X-FaunaDB-API-Version": "4"})
            response = conn.getresponse()
            results[customer] = (response.status, json.loads(response.read()))
            conn.close()

        threads = [threading.Thread(target=send, args=args) for args in (("101", 70), ("102", 50))]
        for each in threads:
            each.start()
        for each in threads:
            each.join()
    # The order made answers 201 (its query created a document), the refused one 400.
    statuses = sorted(status for status, _ in results.values())
    assert statuses == [201, 400], results
    made = next(c for c, (status, _) in results.items() if status == 201)
    refused = results["102" if made == "101" else "101"][1]["errors"][0]
    assert refused["code"] == "call error"
    assert refused["cause"][0]["code"] == "transaction aborted"
    assert refused["cause"][0]["description"].startswith("Stock quantity for Product [201] not enough")
    assert db.query('Select(["data", "quantity"], Get(Ref(Collection("products"), "201")))') == 100 - (70 if made == "101" else 50)


# -- FQL basics: authentication and authorization ------------------------------------------------------

_DENIED = ("permission denied", "Insufficient privileges to perform the action.")


def _denied(db, query: str, secret: str, position: list) -> None:
    fails(db, query, *_DENIED, position, secret=secret)


def test_basics_authentication_and_authorization():
    """learn/tutorials/FQL/basics (part 5, the spaceships): a server key, users with credentials, Login
    with a ttl, tokens made and deleted by hand, a role for every user, a read predicate with Identity(), a
    role whose membership predicate picks pilots, and a UDF whose call predicate lets a pilot open only
    their own ship's hatch. The docs create roles and functions in the shell (an admin key: core's server
    keys write no schema); the users' queries run with their tokens."""
    db = fql.connect("memory://")
    # What earlier parts left: spaceships (the Voyager among them), planets, and the ships' logs.
    for name in ("Spaceships", "Planets", "ShipLogs"):
        db.query(f'CreateCollection({{ name: "{name}" }})')
    voyager = fql.to_fql(db.query('Create(Collection("Spaceships"), { data: { name: "Voyager" } })')["ref"])
    vulcan = fql.to_fql(db.query('Create(Collection("Planets"), { data: { name: "Vulcan" } })')["ref"])
    # The docs print the key's ref as `Key("...")`, the dashboard's rendering of Ref(Keys(), "...").
    key = check(db, 'CreateKey({ role: "server" })',
                '{ ref: Ref(Keys(), "269237655682679301"), ts: 1593023887265000, role: "server", '
                'secret: "fnAD2jBXDQ", hashed_secret: "$2a$05$M" }')
    server = key["secret"]
    db.query('CreateCollection({name: "SpaceUsers"})', secret=server)
    darth = check(db, 'Create(Collection("SpaceUsers"), { data: { email: "darth@empire.com" }, credentials: { password: "iamyourfather" } })',
                  '{ ref: Ref(Collection("SpaceUsers"), "269170966886613509"), ts: 1592960287940000, data: { email: "darth@empire.com" } }',
                  secret=server)
    db.query('CreateIndex({ name: "SpaceUsers_by_email", source: Collection("SpaceUsers"), terms: [{field: ["data", "email"]}], unique: true })',
             secret=server)
    login = 'Login(Match(Index("SpaceUsers_by_email"), "{}"), {{ password: "{}"{} }})'
    darth_ref = fql.to_fql(darth["ref"])
    # The docs print a token's ref as Ref(Ref("tokens"), "..."), API 2.0's; API 4 writes Ref(Tokens(), "...").
    token = check(db, login.format("darth@empire.com", "iamyourfather", ", ttl: TimeAdd(Now(), 3, 'hour')"),
                  f'{{ ref: Ref(Tokens(), "269770764488540678"), ts: 1593532299503000, ttl: Time("2020-06-30T18:51:39.033543Z"), '
                  f'instance: {darth_ref}, secret: "fnEDvQsUvC" }}', secret=server, extra=("ttl",))
    assert token["ttl"] > db.query("TimeAdd(Now(), 179, 'minutes')")
    fails(db, login.format("darth@empire.com", "darksidemaster", ""), "authentication failed",
          "The document was not found or provided password was incorrect.", [], secret=server)
    other = db.query(login.format("darth@empire.com", "iamyourfather", ""), secret=server)
    # Logout deletes the token in use; a token can also be deleted by its ref, in API 2.0's spelling too
    # (the docs print no result: a Delete answers the document it deleted, a token's hashed secret with it).
    assert db.query("Logout(false)", secret=other["secret"]) is True
    again = db.query(login.format("darth@empire.com", "iamyourfather", ""), secret=server)
    check(db, f'Delete(Ref(Ref("tokens"), "{again["ref"].id}"))',
          f'{{ ref: Ref(Tokens(), "{again["ref"].id}"), ts: 1, instance: {darth_ref}, hashed_secret: "$2a$05$" }}',
          secret=server)
    made = check(db, f"Create(Tokens(), {{ instance: {darth_ref}, ttl: TimeAdd(Now(), 3, 'hour') }})",
                 f'{{ ref: Ref(Tokens(), "269776756060193286"), ts: 1593538013760000, instance: {darth_ref}, '
                 f'ttl: Time("2020-06-30T20:26:53.134950Z"), secret: "fnEdvqCHWa" }}', secret=server, extra=("ttl",))
    assert db.query("HasCurrentIdentity()", secret=made["secret"]) is True
    darth_token = token["secret"]

    # A role for every user: Darth reads the spaceships, and nothing else.
    db.query('CreateRole({ name: "User", membership: { resource: Collection("SpaceUsers") }, '
             'privileges: [{resource: Collection("Spaceships"), actions: {read: true}}] })')
    ships = 'Map(Paginate(Documents(Collection("Spaceships"))), Lambda("ref", Get(Var("ref"))))'
    check(db, ships, f'{{ data: [{{ ref: {voyager}, ts: 1, data: {{ name: "Voyager" }} }}] }}', secret=darth_token)
    # A collection's documents are a set filtered by each document's read, not refused (core's
    # DocumentsSet.filteredForRead): without a privilege on planets, Darth's page is empty.
    check(db, 'Paginate(Documents(Collection("Planets")))', "{ data: [] }", secret=darth_token)
    db.query('Update(Role("User"), { privileges: [{ resource: Collection("Spaceships"), actions: { read: true } }, '
             '{ resource: Collection("Planets"), actions: { read: true } }] })')
    check(db, 'Paginate(Documents(Collection("Planets")))', f"{{ data: [{vulcan}] }}", secret=darth_token)
    db.query('Update(Role("User"), { privileges: [{ resource: Collection("Spaceships"), actions: { read: true } }, '
             '{ resource: Collection("Planets"), actions: { read: true } }, { resource: Collection("SpaceUsers"), '
             'actions: { read: Query(Lambda("ref", Equals(Identity(), Var("ref")))) } }] })')
    yoda = check(db, 'Create(Collection("SpaceUsers"), { data: { email: "yoda@jedi.com" }, credentials: { password: "thereisnotry" } })',
                 '{ ref: Ref(Collection("SpaceUsers"), "269412903498547719"), ts: 1593191016630000, data: { email: "yoda@jedi.com" } }',
                 secret=server)
    _denied(db, f'Get({fql.to_fql(yoda["ref"])})', darth_token, [])
    check(db, f"Get({darth_ref})", f'{{ ref: {darth_ref}, ts: 1592960287940000, data: {{ email: "darth@empire.com" }} }}',
          secret=darth_token)

    # A membership predicate: only users with isPilot are pilots, and pilots create spaceships.
    han = check(db, 'Create(Collection("SpaceUsers"), { data: { email: "han@solo.com", isPilot: true }, '
                    'credentials: { password: "dontgetcocky" } })',
                '{ ref: Ref(Collection("SpaceUsers"), "269417695003279879"), ts: 1593195586136000, '
                'data: { email: "han@solo.com", isPilot: true } }', secret=server)
    db.query('CreateRole({ name: "Pilot", membership: { resource: Collection("SpaceUsers"), predicate: '
             'Query(Lambda("ref", Select(["data","isPilot"], Get(Var("ref")), false))) }, '
             'privileges: [{resource: Collection("Spaceships"), actions: {create: true}}] })')
    _denied(db, 'Create(Collection("Spaceships"), { data: { name: "Imperial Destroyer" } })', darth_token, ["create"])
    han_token = db.query(login.format("han@solo.com", "dontgetcocky", ""), secret=server)["secret"]
    falcon = check(db, 'Create(Collection("Spaceships"), { data: { name: "Millennium Falcon" } })',
                   '{ ref: Ref(Collection("Spaceships"), "269419218694308358"), ts: 1593197039260000, '
                   'data: { name: "Millennium Falcon" } }', secret=han_token)
    falcon_ref = fql.to_fql(falcon["ref"])

    # A UDF that writes as its caller, and a call predicate: a pilot opens only their own ship's hatch.
    db.query('CreateFunction({ name: "OpenHatch", body: Query(Lambda("shipRef", Do('
             'Update(Var("shipRef"), Let({ shipDoc: Get(Var("shipRef")) }, { data: { hatchIsOpen: true } })), '
             'Create(Collection("ShipLogs"), { data: { spaceshipRef: Var("shipRef"), status: "HATCH_OPENED", pilotRef: Identity() } }), '
             '"Hatch open!"))) })')
    _denied(db, f'Call(Function("OpenHatch"), {falcon_ref})', han_token, [])
    db.query('Update(Role("Pilot"), { privileges: [{ resource: Collection("Spaceships"), actions: {create: true, write: true} }, '
             '{ resource: Collection("ShipLogs"), actions: {create: true} }, { resource: Function("OpenHatch"), actions: {call: true} }] })')
    han_ref = fql.to_fql(han["ref"])
    db.query(f"Update({falcon_ref}, {{ data: {{ pilotRef: {han_ref} }} }})")
    db.query('Update(Role("Pilot"), { privileges: [{ resource: Collection("Spaceships"), actions: {create: true, write: true} }, '
             '{ resource: Collection("ShipLogs"), actions: {create: true} }, { resource: Function("OpenHatch"), actions: { '
             'call: Query(Lambda("shipRef", Let({ shipDoc: Get(Var("shipRef")), '
             'pilotRef: Select(["data","pilotRef"], Var("shipDoc"), null) }, Equals(Identity(), Var("pilotRef"))))) } }] })')
    check(db, f'Call(Function("OpenHatch"), {falcon_ref})', '"Hatch open!"', secret=han_token)
    check(db, 'Map(Paginate(Documents(Collection("ShipLogs"))), Lambda("ref", Get(Var("ref"))))',
          f'{{ data: [{{ ref: Ref(Collection("ShipLogs"), "269686129668653575"), ts: 1593451585430000, data: {{ '
          f'spaceshipRef: {falcon_ref}, status: "HATCH_OPENED", pilotRef: {han_ref} }} }}] }}')
    assert db.query(f'Select(["data", "hatchIsOpen"], Get({falcon_ref}))') is True
    _denied(db, f'Call(Function("OpenHatch"), {voyager})', han_token, [])


# -- FQL basics: functions -----------------------------------------------------------------------------


def test_basics_functions():
    """learn/tutorials/FQL/basics (part 4, the spaceships): UDFs that read, that abort, that write, that
    call each other in one transaction, and one that stores an aggregate of every ship's position."""
    db = fql.connect("memory://")
    db.query('Do(CreateCollection({ name: "Spaceships" }), CreateCollection({ name: "Planets" }))')
    # The ships of the earlier parts, at the docs' ids; the Destroyer's position is not printed.
    db.query('Do(Create(Ref(Collection("Spaceships"), "266356873589948946"), { data: { name: "Voyager", type: "Rocket", '
             'fuelType: "Plasma", actualFuelTons: 7, maxFuelTons: 10, position: { x: 2234, y: 3453, z: 9805 } } }), '
             'Create(Ref(Collection("Spaceships"), "266619264914424339"), { data: { name: "Explorer IV", '
             'position: { x: 1134, y: 9453, z: 3205 } } }), '
             'Create(Ref(Collection("Spaceships"), "267096263925694994"), { data: { name: "Destroyer", actualFuelTons: 11, '
             'position: { x: 0, y: 0, z: 0 } } }), '
             'Create(Ref(Collection("Planets"), "268706982578356743"), { data: { name: "Vulkan" } }), '
             'Create(Ref(Collection("Planets"), "267081091831038483"), { data: { name: "Earth" } }))')
    db.query('CreateFunction({ name: "GetSpaceship", body: Query(Lambda("shipId", Let({ shipDoc: '
             'Get(Ref(Collection("Spaceships"),Var("shipId"))) }, { id: Select(["ref","id"], Var("shipDoc")), '
             'name: Select(["data","name"], Var("shipDoc")) }))) })')
    check(db, 'Call(Function("GetSpaceship"), "266356873589948946")', '{ id: "266356873589948946", name: "Voyager" }')
    check(db, 'Map(Paginate(Documents(Collection("Spaceships"))), Lambda("shipRef", '
              'Call(Function("GetSpaceship"), Select(["id"], Var("shipRef")))))',
          '{ data: [{ id: "266356873589948946", name: "Voyager" }, { id: "266619264914424339", name: "Explorer IV" }, '
          '{ id: "267096263925694994", name: "Destroyer" }] }')
    db.query('CreateCollection({name: "LaserColors"})')
    # Do runs its expressions in order in one transaction: the second sees what the first wrote.
    check(db, 'Do(Create(Ref(Collection("LaserColors"), "123456"), { data: { name: "Pink" } }), '
              'Update(Ref(Collection("LaserColors"), "123456"), { data: { hex: "#ff5c9e" } }))',
          '{ ref: Ref(Collection("LaserColors"), "123456"), ts: 1592364971590000, data: { name: "Pink", hex: "#ff5c9e" } }')
    fails(db, 'Do("Step 1", "Step 2", Abort("You shall not pass!"), "Step 3")', "transaction aborted",
          "You shall not pass!", ["do", 2])
    db.query('CreateFunction({ name: "StopIt", body: Query(Lambda("bool", If(Var("bool"), Abort("Stopped!"), "Not stopped!"))) })')
    with pytest.raises(fql.FQLError) as caught:
        db.query('Call(Function("StopIt"), true)')
    assert caught.value.v4_errors() == [{
        "position": [], "code": "call error", "description": "Calling the function resulted in an error.",
        "cause": [{"position": ["expr", "then"], "code": "transaction aborted", "description": "Stopped!"}],
    }]
    assert db.query('Call(Function("StopIt"), false)') == "Not stopped!"

    db.query('CreateFunction({ name: "HasEnoughFuelToWarp", body: Query(Lambda("shipRef", Let({ shipDoc: Get(Var("shipRef")), '
             'actualFuelTons: Select(["data","actualFuelTons"], Var("shipDoc")) }, GTE(Var("actualFuelTons"), 5)))) })')
    voyager, destroyer = 'Ref(Collection("Spaceships"), "266356873589948946")', 'Ref(Collection("Spaceships"), "267096263925694994")'
    check(db, f'Call(Function("HasEnoughFuelToWarp"), {voyager})', "true")
    db.query('CreateFunction({ name: "OpenWormholeAndWarp", body: Query(Lambda("shipRef", Update(Var("shipRef"), '
             'Let({ shipDoc: Get(Var("shipRef")), actualFuelTons: Select(["data","actualFuelTons"], Var("shipDoc")) }, '
             '{ data: { actualFuelTons: Subtract(Var("actualFuelTons"), 5) } })))) })')
    check(db, f'Call(Function("OpenWormholeAndWarp"), {destroyer})',
          f'{{ ref: {destroyer}, ts: 1592513503470000, data: {{ name: "Destroyer", actualFuelTons: 6, position: {{ x: 0, y: 0, z: 0 }} }} }}')
    db.query('CreateCollection({name: "ShipLogs"})')
    db.query('CreateFunction({ name: "CreateLogEntry", body: Query(Lambda(["shipRef","planetRef","status"], '
             'Create(Collection("ShipLogs"), { data: { shipRef: Var("shipRef"), planetRef: Var("planetRef"), status: Var("status") } }))) })')
    db.query('CreateFunction({ name: "WarpToPlanet", body: Query(Lambda(["shipRef","planetRef"], If('
             'Call(Function("HasEnoughFuelToWarp"), Var("shipRef")), Do(Call(Function("OpenWormholeAndWarp"), Var("shipRef")), '
             'Call(Function("CreateLogEntry"), [Var("shipRef"), Var("planetRef"), "WARPED_TO_PLANET"]), '
             'Let({ planetDoc: Get(Var("planetRef")), planetName: Select(["data","name"],Var("planetDoc")), '
             'shipDoc: Get(Var("shipRef")), shipName: Select(["data","name"],Var("shipDoc")), }, '
             'Concat(["Welcome ",Var("shipName")," to ",Var("planetName")]))), Abort("Not enough fuel!")))) })')
    vulkan, earth = 'Ref(Collection("Planets"), "268706982578356743")', 'Ref(Collection("Planets"), "267081091831038483")'
    # One array argument fills the lambda's two parameters.
    check(db, f'Call(Function("WarpToPlanet"), [{voyager}, {vulkan},])', '"Welcome Voyager to Vulkan"')
    assert db.query(f'Select(["data", "actualFuelTons"], Get({voyager}))') == 2
    check(db, 'Map(Paginate(Documents(Collection("ShipLogs"))), Lambda("ref", Get(Var("ref"))))',
          f'{{ data: [{{ ref: Ref(Collection("ShipLogs"), "268707463485719047"), ts: 1592518256580000, data: {{ '
          f'shipRef: {voyager}, planetRef: {vulkan}, status: "WARPED_TO_PLANET" }} }}] }}')
    with pytest.raises(fql.FQLError) as caught:
        db.query(f'Call(Function("WarpToPlanet"), [{voyager}, {earth},])')
    assert caught.value.v4_errors() == [{
        "position": [], "code": "call error", "description": "Calling the function resulted in an error.",
        "cause": [{"position": ["expr", "else"], "code": "transaction aborted", "description": "Not enough fuel!"}],
    }]

    db.query('CreateCollection({name: "ShipPositionsHistory"})')
    db.query('CreateFunction({ name: "RecordPositions", body: Query(Lambda("bool", Do(Create(Collection("ShipPositionsHistory"), '
             'Let({ shipsDocuments: Map(Paginate(Documents(Collection("Spaceships"))), Lambda("shipRef", Get(Var("shipRef")))), '
             'positions: Map(Var("shipsDocuments"), Lambda("shipDocument", { ref: Select(["ref"], Var("shipDocument")), '
             'name: Select(["data","name"], Var("shipDocument")), position: Select(["data","position"], Var("shipDocument")) })) }, '
             '{ data: { timestamp: Now(), positions: Var("positions") } })), "Positions recorded"))) })')
    # Called with no argument, the one-parameter lambda gets an empty argument list and does not read it.
    check(db, 'Call(Function("RecordPositions"))', '"Positions recorded"')
    # A page stored in a document is its object, `{ data: [...] }`.
    check(db, 'Map(Paginate(Documents(Collection("ShipPositionsHistory"))), Lambda("ref", Get(Var("ref"))))',
          '{ data: [{ ref: Ref(Collection("ShipPositionsHistory"), "268613645148094983"), ts: 1592428784478000, data: { '
          'timestamp: Time("2020-06-17T21:19:44.239194Z"), positions: { data: ['
          '{ ref: Ref(Collection("Spaceships"), "266356873589948946"), name: "Voyager", position: { x: 2234, y: 3453, z: 9805 } }, '
          '{ ref: Ref(Collection("Spaceships"), "266619264914424339"), name: "Explorer IV", position: { x: 1134, y: 9453, z: 3205 } }, '
          '{ ref: Ref(Collection("Spaceships"), "267096263925694994"), name: "Destroyer", position: { x: 0, y: 0, z: 0 } }] } } }] }',
          extra=("timestamp",))


# -- security: keys, tokens and credentials ------------------------------------------------------------


def test_security_keys_tokens_and_credentials():
    """security/keys, security/tokens, security/credentials: each document's definition as the pages show
    it, and the operations they list (credentials made with a document or directly, a password changed with
    or without the current one, a deleted credential leaving tokens working, a deleted key or token no
    longer authenticating)."""
    db = fql.connect("memory://")
    db.query('CreateCollection({ name: "users" })')
    db.query('Create(Ref(Collection("users"), "123456"), { data: { name: "Ann" } })')
    # Fauna hashes passwords with bcrypt ($2a$05$...); fql with argon2id (README: Secrets, logins and sessions).
    creds = check(db, 'Create(Credentials(), { instance: Ref(Collection("users"), "123456"), password: "abc123" })',
                  '{ ref: Ref(Credentials(), "266165112685986314"), ts: 1590093681910000, '
                  'instance: Ref(Collection("users"), "123456"), hashed_password: "$2a$05$pSOerPcfQdpeO0fPqtXX" }',
                  extra=("hashed_password",))
    check(db, 'Create(Ref(Collection("users"), "2"), { data: { name: "Bo" }, credentials: { password: "abc123" } })',
          '{ ref: Ref(Collection("users"), "2"), ts: 1, data: { name: "Bo" } }')
    # A key changes a password without the current one; the document's credentials field is never stored.
    check(db, 'Update(Ref(Collection("users"), "2"), { credentials: { password: "myNewPassword" } })',
          '{ ref: Ref(Collection("users"), "2"), ts: 1, data: { name: "Bo" } }')
    assert db.query('Identify(Ref(Collection("users"), "2"), "myNewPassword")') is True
    ref = fql.to_fql(creds["ref"])
    check(db, f'Update({ref}, {{ current_password: "abc123", password: "correct horse battery staple" }})',
          f'{{ ref: {ref}, ts: 1, instance: Ref(Collection("users"), "123456"), hashed_password: "h" }}',
          extra=("hashed_password",))
    token = check(db, 'Create(Tokens(), { instance: Ref(Collection("users"), "123456") })',
                  '{ ref: Ref(Tokens(), "266165140418724353"), ts: 1590093708340000, '
                  'instance: Ref(Collection("users"), "123456"), secret: "s" }')
    assert db.query('Get(Ref(Tokens(), "{}"))'.format(token["ref"].id))["hashed_secret"].startswith("$2a$05$")
    # Deleting a credential does not affect the tokens in use; it ends logging in with the password.
    db.query(f"Delete({ref})")
    assert db.query("CurrentIdentity()", secret=token["secret"]) == fql.Ref("123456", fql.Ref("users", fql.Ref("collections")))
    fails(db, 'Login(Ref(Collection("users"), "123456"), { password: "correct horse battery staple" })',
          "authentication failed", "The document was not found or provided password was incorrect.", [])
    # Deleting a token or a key invalidates its secret at once.
    db.query(f'Delete(Ref(Tokens(), "{token["ref"].id}"))')
    with pytest.raises(fql.FQLError) as caught:
        db.query("CurrentIdentity()", secret=token["secret"])
    assert caught.value.code == "unauthorized"
    # The page's key has a `name`; core's Key validator keeps role, database, priority, data and ttl only.
    key = check(db, 'CreateKey({ name: "A server key for my_app", role: "server" })',
                '{ ref: Ref(Keys(), "265969362433737234"), ts: 1589906999970000, role: "server", secret: "s", '
                'hashed_secret: "$2a$05$o6GjiF54" }')
    check(db, "Paginate(Keys())", f'{{ data: [{fql.to_fql(key["ref"])}] }}')
    db.query(f'Delete({fql.to_fql(key["ref"])})')
    with pytest.raises(fql.FQLError) as caught:
        db.query("Paginate(Collections())", secret=key["secret"])
    assert caught.value.code == "unauthorized"


# -- CRUD, through the driver --------------------------------------------------------------------------


def test_crud_through_the_driver(monkeypatch):
    """learn/tutorials/FQL/crud: the page's JavaScript driver calls, made here with faunadb-python against
    `fql serve`: an admin client makes a database and its server key, a client of that key makes a
    collection, two indexes and posts, then reads, updates, replaces and deletes one; reading it again is
    the driver's NotFound (`instance not found`)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from faunadb import query as q
        from faunadb.client import FaunaClient
        from faunadb.errors import NotFound
        from faunadb.objects import Ref as DriverRef

    monkeypatch.setattr(FaunaClient, "check_new_version", lambda self: None)
    with ServerThread(fql.connect("memory://")) as running:
        def client(secret):
            return FaunaClient(secret=secret, domain="127.0.0.1", port=running.port, scheme="http")

        admin = client("secret")
        made = admin.query(q.create_database({"name": "my_app"}))
        assert (made["ref"], made["name"]) == (DriverRef("my_app", DriverRef("databases")), "my_app")
        assert isinstance(made["ts"], int) and made["global_id"]
        key = admin.query(q.create_key({"database": q.database("my_app"), "role": "server"}))
        assert (key["role"], key["database"]) == ("server", DriverRef("my_app", DriverRef("databases")))
        assert key["hashed_secret"].startswith("$2a$05$")
        server = client(key["secret"])
        posts = DriverRef("Posts", DriverRef("collections"))
        collection = server.query(q.create_collection({"name": "Posts"}))
        # The page's collection has the history_days of 2021 (30); core's default is now 0.
        assert {k: v for k, v in collection.items() if k != "ts"} == {"ref": posts, "history_days": 0, "name": "Posts"}
        by_title = server.query(q.create_index(
            {"name": "posts_by_title", "source": q.collection("Posts"), "terms": [{"field": ["data", "title"]}]}))
        assert {k: v for k, v in by_title.items() if k != "ts"} == {
            "ref": DriverRef("posts_by_title", DriverRef("indexes")), "active": True, "serialized": True,
            "name": "posts_by_title", "source": posts, "terms": [{"field": ["data", "title"]}], "partitions": 1}
        server.query(q.create_index({"name": "posts_by_tags_with_title", "source": q.collection("Posts"),
                                     "terms": [{"field": ["data", "tags"]}], "values": [{"field": ["data", "title"]}]}))
        breakfast = server.query(q.create(q.collection("Posts"), {"data": {"title": "What I had for breakfast .."}}))
        assert breakfast["data"] == {"title": "What I had for breakfast .."}
        first = server.query(q.create(q.ref(q.collection("Posts"), "1"), {"data": {"title": "The first post"}}))
        assert (first["ref"], first["data"]) == (DriverRef("1", posts), {"title": "The first post"})
        titles = ["My cat and other marvels", "Pondering during a commute", "Deep meanings in a latte"]
        three = server.query(q.map_(lambda title: q.create(q.collection("Posts"), {"data": {"title": title}}), titles))
        assert [p["data"]["title"] for p in three] == titles and len({p["ts"] for p in three}) == 1
        assert server.query(q.get(q.ref(q.collection("Posts"), "1"))) == first
        assert server.query(q.get(q.match(q.index("posts_by_title"), "My cat and other marvels"))) == three[0]
        updated = server.query(q.update(q.ref(q.collection("Posts"), "1"), {"data": {"tags": ["welcome", "short"]}}))
        assert updated["data"] == {"title": "The first post", "tags": ["welcome", "short"]}
        assert server.query(q.paginate(q.match(q.index("posts_by_tags_with_title"), "welcome"))) == {"data": ["The first post"]}
        replaced = server.query(q.replace(q.ref(q.collection("Posts"), "1"), {"data": {"title": "The replacement first post"}}))
        assert replaced["data"] == {"title": "The replacement first post"}
        deleted = server.query(q.delete(q.ref(q.collection("Posts"), "1")))
        assert deleted == replaced
        with pytest.raises(NotFound) as caught:
            server.query(q.get(q.ref(q.collection("Posts"), "1")))
        assert (caught.value.errors[0].code, caught.value.errors[0].description) == ("instance not found", "Document not found.")


# -- FQL basics: indexes -------------------------------------------------------------------------------

#: The spaceships part 3 reads, at the ids the docs print (Navigator's and Le Super Spaceship's are not
#: printed: these follow Explorer IV's, as the docs' order of refs has them): name, colors, code,
#: maxFuelTons, actualFuelTons.
SHIPS = {
    "266356873589948946": ("Voyager", ["RED", "YELLOW"], "VOYAGER", 10, 7),
    "266619264914424339": ("Explorer IV", ["BLUE", "WHITE", "RED"], None, 10, 7),
    "267096263925694994": ("Destroyer", None, None, 29, 11),
    "267100000000000001": ("Navigator", ["WHITE", "GREY"], None, 10, 0),
    "267100000000000002": ("Le Super Spaceship", ["PINK", "MAGENTA", "WHITE"], None, None, None),
}
#: The planets, at the docs' ids: name, type, color.
PLANETS = {
    "267081079730471443": ("Mercury", "TERRESTRIAL", "GREY"),
    "267081085891904019": ("Venus", "TERRESTRIAL", "GREY"),
    "267081091831038483": ("Earth", "TERRESTRIAL", "BLUE"),
    "267081096484618771": ("Mars", "TERRESTRIAL", "RED"),
    "267081152090604051": ("Jupiter", "GAS", "BROWN"),
    "267081181884842515": ("Saturn", "GAS", "YELLOW"),
    "267081200000000001": ("Neptune", "ICE", "BLUE"),
}
PILOTS = {"266350546751848978": "Flash Gordon", "266359371696439826": "Buck Rogers", "266359447111074322": "Jean-Luc Picard"}


def _planet(ident: str, with_color: bool = True) -> str:
    name, kind, color = PLANETS[ident]
    extra = f', color: "{color}"' if with_color else ""
    return f'{{ ref: Ref(Collection("Planets"), "{ident}"), ts: 1, data: {{ name: "{name}", type: "{kind}"{extra} }} }}'


def _by_name(table: dict, name: str) -> str:
    return next(ident for ident, row in table.items() if (row if isinstance(row, str) else row[0]) == name)


def test_basics_indexes():
    """learn/tutorials/FQL/basics (part 3, the spaceships): collection indexes, one over two collections,
    sorting and reverse, terms over a field and over an array, unique constraints, Union, Intersection and
    Difference, and bindings (a computed value to sort by, a first letter, NGram letters, a unique one)."""
    db = fql.connect("memory://")
    for name in ("Pilots", "Spaceships", "Speeders", "Planets"):
        db.query(f'CreateCollection({{name: "{name}"}})')
    db.query("Do(" + ", ".join(f'Create(Ref(Collection("Pilots"), "{i}"), {{ data: {{ name: "{n}" }} }})'
                               for i, n in PILOTS.items()) + ")")
    for ident, (name, colors, code, most, fuel) in SHIPS.items():
        data = {"name": name, "colors": colors, "code": code, "maxFuelTons": most, "actualFuelTons": fuel}
        data = {k: v for k, v in data.items() if v is not None}
        db.query(f'Create(Ref(Collection("Spaceships"), "{ident}"), {{ data: {json.dumps(data)} }})')
    speeder = fql.to_fql(db.query('Create(Collection("Speeders"), { data: { name: "Speeder bike" } })')["ref"])
    db.query('CreateIndex({ name: "all_Pilots", source: Collection("Pilots") })')
    pilots = [f'Ref(Collection("Pilots"), "{i}")' for i in sorted(PILOTS)]
    check(db, 'Paginate(Match(Index("all_Pilots")))', "{ data: [" + ", ".join(pilots) + "] }")
    # One index over two collections holds the documents of both.
    db.query('CreateIndex({ name: "all_Vehicles", source: [Collection("Spaceships"), Collection("Speeders")] })')
    ships = [f'Ref(Collection("Spaceships"), "{i}")' for i in SHIPS]
    check(db, 'Paginate(Match(Index("all_Vehicles")))', "{ data: [" + ", ".join([*ships, speeder]) + "] }", unordered=True)

    db.query('CreateIndex({ name: "all_Pilots_sorted_by_name", source: Collection("Pilots"), '
             'values: [{ field: ["data", "name"] }, { field: ["ref"] }] })')
    names = sorted(PILOTS.values())
    pairs = ", ".join(f'["{n}", Ref(Collection("Pilots"), "{_by_name(PILOTS, n)}")]' for n in names)
    check(db, 'Paginate(Match(Index("all_Pilots_sorted_by_name")))', f"{{ data: [{pairs}] }}")
    db.query('CreateIndex({ name: "all_Pilots_sorted_by_name_desc", source: Collection("Pilots"), '
             'values: [{ field: ["data", "name"], reverse: true}, { field: ["ref"] }] })')
    pairs_desc = ", ".join(f'["{n}", Ref(Collection("Pilots"), "{_by_name(PILOTS, n)}")]' for n in reversed(names))
    check(db, 'Paginate(Match(Index("all_Pilots_sorted_by_name_desc")))', f"{{ data: [{pairs_desc}] }}")
    docs = "{ data: [" + ", ".join(f'{{ ref: Ref(Collection("Pilots"), "{_by_name(PILOTS, n)}"), ts: 1, data: {{ name: "{n}" }} }}'
                                   for n in names) + "] }"
    check(db, 'Map(Paginate(Match(Index("all_Pilots_sorted_by_name"))), Lambda("pilotResult", Get(Select([1], Var("pilotResult")))))', docs)
    check(db, 'Map(Paginate(Match(Index("all_Pilots_sorted_by_name"))), Lambda(["name", "pilotRef"], Get(Var("pilotRef"))))', docs)

    # The planets get their colors only later in the tutorial.
    db.query("Do(" + ", ".join(f'Create(Ref(Collection("Planets"), "{i}"), {{ data: {{ name: "{n}", type: "{k}" }} }})'
                               for i, (n, k, _) in PLANETS.items()) + ")")
    db.query('CreateIndex({ name: "all_Planets_by_type", source: Collection("Planets"), terms: [{ field: ["data", "type"]}] })')
    gas = [_by_name(PLANETS, "Jupiter"), _by_name(PLANETS, "Saturn")]
    check(db, 'Map(Paginate(Match(Index("all_Planets_by_type"), "GAS")), Lambda("planetRef", Get(Var("planetRef"))))',
          "{ data: [" + ", ".join(_planet(i, False) for i in gas) + "] }")
    # An array field is indexed once per item: each color finds the ship.
    db.query('CreateIndex({ name: "all_Spaceships_by_color", source: Collection("Spaceships"), terms: [{ field: ["data","colors"]}] })')
    check(db, 'Map(Paginate(Match(Index("all_Spaceships_by_color"), "WHITE")), Lambda("shipRef", Let({ shipDoc: Get(Var("shipRef")) }, '
              '{ name: Select(["data","name"], Var("shipDoc")), colors: Select(["data","colors"], Var("shipDoc")) })))',
          '{ data: [{ name: "Explorer IV", colors: ["BLUE", "WHITE", "RED"] }, { name: "Navigator", colors: ["WHITE", "GREY"] }, '
          '{ name: "Le Super Spaceship", colors: ["PINK", "MAGENTA", "WHITE"] }] }')
    db.query('CreateIndex({ name: "all_Planets_by_type_sorted_by_name", source: Collection("Planets"), '
             'terms: [{ field: ["data", "type"]}], values: [{ field: ["data", "name"]}, { field: ["ref"] }] })')
    # The docs cut the list after Mars (`// etc ...`).
    terrestrial = [_by_name(PLANETS, n) for n in ("Earth", "Mars", "Mercury", "Venus")]
    check(db, 'Map(Paginate(Match(Index("all_Planets_by_type_sorted_by_name"), "TERRESTRIAL")), '
              'Lambda("planetResult", Get(Select([1], Var("planetResult")))))',
          "{ data: [" + ", ".join(_planet(i, False) for i in terrestrial) + "] }")

    db.query('CreateIndex({ name: "all_Spaceships_by_code", source: Collection("Spaceships"), terms: [{field: ["data", "code"]}], unique: true })')
    rocinante = check(db, 'Create(Collection("Spaceships"), { data: { name: "Rocinante", code: "ROCINANTE" } })',
                      '{ ref: Ref(Collection("Spaceships"), "267072793181422099"), ts: 1590959313500000, '
                      'data: { name: "Rocinante", code: "ROCINANTE" } }')
    fails(db, 'Create(Collection("Spaceships"), { data: { name: "Rocinante 2", code: "ROCINANTE" } })',
          "instance not unique", "document is not unique.", ["create"])
    check(db, "Get(Match(Index(\"all_Spaceships_by_code\"), 'ROCINANTE'))",
          f'{{ ref: {fql.to_fql(rocinante["ref"])}, ts: 1, data: {{ name: "Rocinante", code: "ROCINANTE" }} }}')

    db.query("Do(" + ", ".join(f'Update(Ref(Collection("Planets"), "{i}"), {{ data: {{ color: "{c}" }} }})'
                               for i, (_, _, c) in PLANETS.items()) + ")")
    db.query('CreateIndex({ name: "all_Planets_by_color", source: Collection("Planets"), terms: [{ field: ["data", "color"]}] })')
    get_each = 'Lambda("planetRef", Get(Var("planetRef")))'
    check(db, f'Map(Paginate(Union(Match(Index("all_Planets_by_type"), "GAS"), Match(Index("all_Planets_by_color"), "YELLOW"))), {get_each})',
          "{ data: [" + ", ".join(_planet(i) for i in gas) + "] }")
    check(db, f'Map(Paginate(Intersection(Match(Index("all_Planets_by_type"), "TERRESTRIAL"), Match(Index("all_Planets_by_color"), "BLUE"))), {get_each})',
          "{ data: [" + _planet(_by_name(PLANETS, "Earth")) + "] }")
    check(db, f'Map(Paginate(Difference(Match(Index("all_Planets_by_type"), "TERRESTRIAL"), Match(Index("all_Planets_by_color"), "BLUE"), '
              f'Match(Index("all_Planets_by_color"), "RED"))), {get_each})',
          "{ data: [" + ", ".join(_planet(_by_name(PLANETS, n)) for n in ("Mercury", "Venus")) + "] }")

    # A binding computes what no document holds. The docs cut the list after the Destroyer; the ships
    # without fuel fields follow, their binding null (its Select fails).
    db.query('CreateIndex({ name: "all_Spaceships_by_pendingFuelTons", source: { collection: Collection("Spaceships"), fields: { '
             'pendingFuelTons: Query(Lambda("shipDoc", Subtract(Select(["data","maxFuelTons"], Var("shipDoc")), '
             'Select(["data","actualFuelTons"], Var("shipDoc"))))) } }, values: [{ binding: "pendingFuelTons"}, { field: ["data", "name"]}] })')
    check(db, 'Paginate(Match(Index("all_Spaceships_by_pendingFuelTons")))',
          '{ data: [[3, "Explorer IV"], [3, "Voyager"], [10, "Navigator"], [18, "Destroyer"], '
          '[null, "Le Super Spaceship"], [null, "Rocinante"]] }')
    db.query('CreateIndex({ name: "all_Planets_by_firstLetter", source: { collection: Collection("Planets"), fields: { '
             'firstLetter: Query(Lambda("planetDoc", SubString(Select(["data", "name"], Var("planetDoc")), 0, 1))) } }, '
             'terms: [{ binding: "firstLetter"}] })')
    check(db, 'Map(Paginate(Match(Index("all_Planets_by_firstLetter"), "M")), Lambda("planetDoc", Get(Var("planetDoc"))))',
          "{ data: [" + ", ".join(_planet(_by_name(PLANETS, n)) for n in ("Mercury", "Mars")) + "] }")
    # NGram's letters are case-sensitive: Navigator's "v" is no "V".
    db.query('CreateIndex({ name: "filter_Spaceships_by_letter", source: { collection: Collection("Spaceships"), fields: { '
             'nameLetters: Query(Lambda("shipDoc", NGram(Select(["data","name"], Var("shipDoc")),1,1))) } }, terms: [{ binding: "nameLetters"}] })')
    check(db, 'Map(Paginate(Match(Index("filter_Spaceships_by_letter"), "V")), Lambda("shipRef", Let({ shipDoc: Get(Var("shipRef")) }, '
              '{ name: Select(["data","name"], Var("shipDoc")) })))', '{ data: [{ name: "Voyager" }, { name: "Explorer IV" }] }')
    check(db, 'NGram("FaunaDB",1,1)', '["F", "a", "u", "n", "a", "D", "B"]')
    check(db, 'NGram("FaunaDB",2,3)', '["Fa", "Fau", "au", "aun", "un", "una", "na", "naD", "aD", "aDB", "DB"]')
    # A unique index over a binding refuses a second ship whose key card id would be the same.
    db.query('CreateIndex({ name: "all_Keycards", source: { collection: Collection("Spaceships"), fields: { keyCardId: Query(Lambda("shipDoc", '
             'UpperCase(ReplaceStr(Select(["data", "name"], Var("shipDoc")), " ", "_")))) } }, values: [{ binding: "keyCardId"}], unique: true })')
    check(db, 'Paginate(Match(Index("all_Keycards")))',
          '{ data: ["DESTROYER", "EXPLORER_IV", "LE_SUPER_SPACESHIP", "NAVIGATOR", "ROCINANTE", "VOYAGER"] }')
    fails(db, 'Create(Collection("Spaceships"), { data: { name: "Le Super Spaceship" } })',
          "instance not unique", "document is not unique.", ["create"])


# -- FQL basics: data modeling -------------------------------------------------------------------------


def test_basics_data_modeling():
    """learn/tutorials/FQL/basics (part 2, the spaceships): one-to-many refs found through an index, a
    one-to-one unique constraint, an array of refs read with Let and Map, a many-to-many join collection,
    and a repair's duration computed in a query and in an index binding (TimeDiff in whole minutes)."""
    db = fql.connect("memory://")
    earth, voyager = 'Ref(Collection("Planets"), "267081091831038483")', 'Ref(Collection("Spaceships"), "266356873589948946")'
    for name in ("Planets", "Spaceships", "Moons"):
        db.query(f'CreateCollection({{name: "{name}"}})')
    db.query(f'Do(Create({earth}, {{ data: {{ name: "Earth", type: "TERRESTRIAL", color: "BLUE" }} }}), '
             f'Create({voyager}, {{ data: {{ name: "Voyager" }} }}))')
    luna = check(db, f'Create(Collection("Moons"), {{ data: {{ name: "Luna", planetRef: {earth} }} }})',
                 f'{{ ref: Ref(Collection("Moons"), "267691276872188416"), ts: 1591549145540000, '
                 f'data: {{ name: "Luna", planetRef: {earth} }} }}')
    luna_doc = f'{{ ref: {fql.to_fql(luna["ref"])}, ts: 1, data: {{ name: "Luna", planetRef: {earth} }} }}'
    check(db, """Map(Paginate(Documents(Collection('Moons'))), Lambda("moonRef", Get(Var("moonRef"))))""", f"{{ data: [{luna_doc}] }}")
    db.query('CreateIndex({ name: "all_Moons_by_planet", source: [Collection("Moons")], terms: [{ field: ["data", "planetRef"] }] })')
    check(db, f'Map(Paginate(Match(Index("all_Moons_by_planet"), {earth})), Lambda("moonRef", Get(Var("moonRef"))))', f"{{ data: [{luna_doc}] }}")
    db.query('CreateIndex({ name: "only_one_Moon_per_planet", source: [Collection("Moons")], terms: [{field: ["data", "planetRef"]}], unique: true })')
    fails(db, f'Create(Collection("Moons"), {{ data: {{ name: "Luna 2", planetRef: {earth} }} }})',
          "instance not unique", "document is not unique.", ["create"])
    db.query(f'Update({earth}, {{ data: {{ moonRefs: [{fql.to_fql(luna["ref"])}] }} }})')
    check(db, f'Let({{ planetDoc: Get({earth}) }}, {{ planet: Var("planetDoc"), moons: Map(Select(["data", "moonRefs"], Var("planetDoc")), '
              'Lambda("moonRef", Get(Var("moonRef")))) })',
          f'{{ planet: {{ ref: {earth}, ts: 1591554900130000, data: {{ name: "Earth", type: "TERRESTRIAL", color: "BLUE", '
          f'moonRefs: [{fql.to_fql(luna["ref"])}] }} }}, moons: [{luna_doc}] }}')
    check(db, f'Let({{ planetDoc: Get({earth}) }}, {{ planet: Let({{}}, {{ id: Select(["ref","id"], Var("planetDoc")), '
              'name: Select(["data","name"], Var("planetDoc")), moons: Map(Select(["data", "moonRefs"], Var("planetDoc")), '
              'Lambda("moonRef", Let({ moonDoc: Get(Var("moonRef")) }, { id: Select(["ref","id"], Var("moonDoc")), '
              'name: Select(["data","name"], Var("moonDoc")) }))) }) })',
          f'{{ planet: {{ id: "267081091831038483", name: "Earth", moons: [{{ id: "{luna["ref"].id}", name: "Luna" }}] }} }}')

    db.query('CreateCollection({name: "DockTechnicians"})')
    johnny = fql.to_fql(db.query('Create(Collection("DockTechnicians"), { data: {name: "Johnny Sparkles"} })')["ref"])
    check(db, f'Update({johnny}, {{ data: {{ workingOn: [{voyager}] }} }})',
          f'{{ ref: {johnny}, ts: 1, data: {{ name: "Johnny Sparkles", workingOn: [{voyager}] }} }}')
    db.query('CreateCollection({name: "DockRepairs"})')
    repair_data = f"technicianRefs: [{johnny}], shipRef: {voyager}"
    repair = check(db, f"Create(Collection(\"DockRepairs\"), {{ data: {{ {repair_data}, status: 'PENDING' }} }})",
                   f'{{ ref: Ref(Collection("DockRepairs"), "267705685715714560"), ts: 1591562886860000, '
                   f'data: {{ {repair_data}, status: "PENDING" }} }}')
    ref = fql.to_fql(repair["ref"])
    check(db, f"Update({ref}, {{ data: {{ startTimestamp: Time('2355-02-11T05:23:11Z'), status: 'IN_PROCESS' }} }})",
          f'{{ ref: {ref}, ts: 1, data: {{ {repair_data}, status: "IN_PROCESS", startTimestamp: Time("2355-02-11T05:23:11Z") }} }}')
    done = (f'{{ ref: {ref}, ts: 1, data: {{ {repair_data}, status: "DONE", startTimestamp: Time("2355-02-11T05:23:11Z"), '
            f'endTimestamp: Time("2355-02-11T03:05:35Z") }} }}')
    check(db, f"Update({ref}, {{ data: {{ endTimestamp: Time('2355-02-11T03:05:35Z'), status: 'DONE' }} }})", done)
    db.query('CreateIndex({ name: "all_DockRepairs", source: [Collection("DockRepairs")] })')
    duration = ('If(Or(IsNull(Select(["data", "startTimestamp"], Var("repairDoc"), null)), '
                'IsNull(Select(["data", "endTimestamp"], Var("repairDoc"), null))), null, '
                'TimeDiff(Select(["data", "endTimestamp"], Var("repairDoc")), Select(["data", "startTimestamp"], Var("repairDoc")), "minutes"))')
    # The docs' end is before the start, and TimeDiff's arguments are the other way round: 2 h 17 min 36 s,
    # whole minutes, 137.
    check(db, f'Map(Paginate(Match(Index("all_DockRepairs"))), Lambda("repairRef", Let({{ repairDoc: Get(Var("repairRef")) }}, '
              f'{{ durationMinutes: {duration}, repair: Var("repairDoc") }})))',
          f"{{ data: [{{ durationMinutes: 137, repair: {done} }}] }}")
    db.query(f'CreateIndex({{ name: "all_DockRepairs_with_duration", source: {{ collection: Collection("DockRepairs"), fields: {{ '
             f'durationMinutes: Query(Lambda("repairDoc", {duration})) }} }}, values: [{{ binding: "durationMinutes"}}, '
             '{ field: ["ref", "id"]}, { field: ["data", "status"]}] })')
    check(db, 'Map(Paginate(Match(Index("all_DockRepairs_with_duration"))), Lambda("result", Let({}, { id: Select([1], Var("result")), '
              'status: Select([2], Var("result")), durationMinutes: Select([0], Var("result")) })))',
          f'{{ data: [{{ id: "{repair["ref"].id}", status: "DONE", durationMinutes: 137 }}] }}')


# -- cookbook ------------------------------------------------------------------------------------------


def test_cookbook():
    """The v4 cookbook's recipes for databases, keys, collections, functions and indexes, each sent as the
    page writes it, in the JavaScript driver's spelling (`client.query(q.Paginate(q.Keys()))`), which
    fql's v4 text reads as the shell does. What the recipes list besides their own (the account's other
    databases, keys, collections, functions, the spells) is made first, as the page's account had it."""
    db = fql.connect("memory://")
    db.query('Do(CreateDatabase({ name: "prydain" }), CreateDatabase({ name: "child_db" }))')
    # Databases: create, list, get, rename, annotate, delete.
    annuvin = '{ ref: Database("annuvin"), ts: 1622573508720000, name: "annuvin", global_id: "yoiji573cydyy" }'
    check(db, "adminClient.query(q.CreateDatabase({ name: 'annuvin' }))", annuvin)
    check(db, "adminClient.query(q.Paginate(q.Databases()))",
          '{ data: [ Database("prydain"), Database("child_db"), Database("annuvin") ] }')
    check(db, "adminClient.query(q.Get(q.Database('annuvin')))", annuvin)
    check(db, "adminClient.query(q.Update(q.Database('annuvin'), { name: 'llyr' }))",
          '{ ref: Database("llyr"), ts: 1, name: "llyr", global_id: "yoiji573cydyy" }')
    llyr = '{ ref: Database("llyr"), ts: 1, name: "llyr", data: { env: "test" }, global_id: "yoiji573cydyy" }'
    check(db, "adminClient.query(q.Update(q.Database('llyr'), { data: { env: 'test' } }))", llyr)
    check(db, "adminClient.query(q.Delete(q.Database('llyr')))", llyr)
    # Keys: one at a chosen id, one at a generated id, the list, get and delete.
    db.query('Do(Create(Ref(Keys(), "1"), { role: "admin" }), Create(Ref(Keys(), "2"), { role: "server" }))')
    key10 = ('{ ref: Ref(Keys(), "10"), ts: 1622570210270000, database: Database("prydain"), role: "server", '
             'secret: "fnAAAAAAAAAACoN0A5ubTm47tR91JxqPlwT_-CbI", hashed_secret: "$2a$05$QdVl" }')
    check(db, "adminClient.query(q.Create(q.Ref(q.Keys(), '10'), { database: q.Database('prydain'), role: 'server', }))", key10)
    made = check(db, "adminClient.query(q.CreateKey({ database: q.Database('prydain'), role: 'server', }))",
                 '{ ref: Ref(Keys(), "300219221209514496"), ts: 1622570210570000, database: Database("prydain"), '
                 'role: "server", secret: "fnAEKpfKgv", hashed_secret: "$2a$05$4q2p" }')
    check(db, "adminClient.query(q.Paginate(q.Keys()))",
          f'{{ data: [ Ref(Keys(), "1"), Ref(Keys(), "2"), Ref(Keys(), "10"), {fql.to_fql(made["ref"])} ] }}')
    stored10 = '{ ref: Ref(Keys(), "10"), ts: 1622570210270000, database: Database("prydain"), role: "server", hashed_secret: "$2a$05$QdVl" }'
    check(db, "adminClient.query(q.Get(q.Ref(q.Keys(), '10')))", stored10)
    check(db, "adminClient.query(q.Delete(q.Ref(q.Keys(), '10')))", stored10)

    # Collections: create, list, get, rename, a document in it, delete.
    for name in ("Letters", "People", "characters", "customers", "decrepit_huts", "magical_creatures", "orders",
                 "posts", "products", "spellbooks", "spells", "stores", "users"):
        db.query(f'CreateCollection({{ name: "{name}" }})')
    # The page's collections have the history_days of 2021 (30); core's default is now 0.
    check(db, "client.query(q.CreateCollection({ name: 'huts' }))", '{ ref: Collection("huts"), ts: 1, history_days: 0, name: "huts" }')
    check(db, "client.query(q.Paginate(q.Collections()))",
          '{ data: [Collection("Letters"), Collection("People"), Collection("characters"), Collection("customers"), '
          'Collection("decrepit_huts"), Collection("magical_creatures"), Collection("orders"), Collection("posts"), '
          'Collection("products"), Collection("spellbooks"), Collection("spells"), Collection("stores"), '
          'Collection("users"), Collection("huts")] }')
    check(db, "client.query(q.Get(q.Collection('huts')))", '{ ref: Collection("huts"), ts: 1, history_days: 0, name: "huts" }')
    dilapidated = '{ ref: Collection("dilapidated_huts"), ts: 1, history_days: 0, name: "dilapidated_huts" }'
    check(db, "client.query(q.Update(q.Collection('huts'), { name: 'dilapidated_huts' },))", dilapidated)
    check(db, "client.query(q.Create(q.Collection('dilapidated_huts'), { data: { material: 'straw' } }))",
          '{ ref: Ref(Collection("dilapidated_huts"), "300223085354680832"), ts: 1, data: { material: "straw" } }')
    check(db, "client.query(q.Delete(q.Collection('dilapidated_huts')))", dilapidated)

    # Functions: create, list, get, call, update, delete.
    for name in ("increment", "double", "submit_order"):
        db.query(f'CreateFunction({{ name: "{name}", body: Query(Lambda("x", Var("x"))) }})')
    body2 = 'Query(Lambda(["title", "body"], Create(Collection("posts"), {"data": {"title": Var("title"), "body": Var("body")}})))'
    create_post = f'{{ ref: Function("create_post"), ts: 1622572663690000, name: "create_post", body: {body2} }}'
    check(db, "client.query(q.CreateFunction({ name: 'create_post', body: q.Query(q.Lambda(['title', 'body'], "
              "q.Create(q.Collection('posts'), { data: { title: q.Var('title'), body: q.Var('body'), }, },),)), }))", create_post)
    check(db, "client.query(q.Paginate(q.Functions()))",
          '{ data: [Function("increment"), Function("double"), Function("submit_order"), Function("create_post")] }')
    check(db, "client.query(q.Get(q.Function('create_post')))", create_post)
    check(db, "client.query(q.Call(q.Function('create_post'), [ 'First Post Title', 'This is my first blog post!' ],))",
          '{ ref: Ref(Collection("posts"), "300221794335326720"), ts: 1, data: { title: "First Post Title", '
          'body: "This is my first blog post!" } }')
    body3 = ('Query(Lambda(["title", "body", "author"], Create(Collection("posts"), {"data": {"title": Var("title"), '
             '"body": Var("body"), "author": Var("author")}})))')
    updated = f'{{ ref: Function("create_post"), ts: 1622572664750000, name: "create_post", body: {body3} }}'
    check(db, "client.query(q.Update(q.Function('create_post'), { body: q.Query(q.Lambda(['title', 'body', 'author'], "
              "q.Create(q.Collection('posts'), { data: { title: q.Var('title'), body: q.Var('body'), author: q.Var('author'), }, }))), }))",
          updated)
    check(db, "client.query(q.Delete(q.Function('create_post')))", updated)

    # Indexes over the spells (the function reference's, at their ids; Mountain's Thunder's is not printed).
    db.query("""Do(
      Create(Ref(Collection("spells"), "181388642046968320"), { data: { name: "Fire Beak", element: ["air", "fire"] } }),
      Create(Ref(Collection("spells"), "181388642071085568"), { data: { name: "Water Dragon's Claw", element: ["water", "fire"] } }),
      Create(Ref(Collection("spells"), "181388642088911360"), { data: { name: "Hippo's Wallow", element: ["water", "earth"] } }),
      Create(Collection("spells"), { data: { name: "Mountain's Thunder", element: ["air", "earth"] } }))""")
    check(db, "client.query(q.CreateIndex({ name: 'all_spell_names', source: q.Collection('spells'), values: [ { field: ['data', 'name'] }, ], }))",
          '{ ref: Index("all_spell_names"), ts: 1, active: true, serialized: true, name: "all_spell_names", '
          'source: Collection("spells"), values: [{ field: ["data", "name"] }], partitions: 8 }')
    by_element = ('{ ref: Index("spells_by_element_with_name"), ts: 1, active: true, serialized: true, name: "spells_by_element_with_name", '
                  'source: Collection("spells"), terms: [{ field: ["data", "element"] }], values: [{ field: ["data", "name"] }], partitions: 1 }')
    check(db, "client.query(q.CreateIndex({ name: 'spells_by_element_with_name', source: q.Collection('spells'), "
              "terms: [ { field: ['data', 'element'] }, ], values: [ { field: ['data', 'name'] }, ], }))", by_element)
    db.query("client.query(q.CreateIndex({ name: 'spells_by_element_with_name_and_ref', source: q.Collection('spells'), "
             "terms: [ { field: ['data', 'element'] }, ], values: [ { field: ['data', 'name'] }, { field: ['ref'] }, ], }))")
    check(db, "client.query(q.Get(q.Index('spells_by_element_with_name')))", by_element)
    check(db, "client.query(q.Paginate(q.Match(q.Index('all_spell_names'))))",
          """{ data: ['Fire Beak', "Hippo's Wallow", "Mountain's Thunder", "Water Dragon's Claw"] }""")
    check(db, "client.query(q.Paginate(q.Match(q.Index('spells_by_element_with_name'), 'fire')))",
          """{ data: [ 'Fire Beak', "Water Dragon's Claw" ] }""")
    fire = ("[ 'Fire Beak', Ref(Collection(\"spells\"), \"181388642046968320\") ], "
            "[ \"Water Dragon's Claw\", Ref(Collection(\"spells\"), \"181388642071085568\") ]")
    check(db, "client.query(q.Paginate(q.Match(q.Index('spells_by_element_with_name_and_ref'), 'fire')))", f"{{ data: [{fire}] }}")
    # A casefolded term and the documents' ts, newest first: both fire spells were written together, so by name.
    check(db, "client.query(q.CreateIndex({ name: 'latest_spells_by_element', source: q.Collection('spells'), "
              "terms: [ { field: ['data', 'element'], transform: 'casefold' }, ], "
              "values: [ { field: ['ts'], reverse: true }, { field: ['data', 'name'] }, { field: ['ref'] }, ], }))",
          '{ ref: Index("latest_spells_by_element"), ts: 1622571684900000, active: true, serialized: true, '
          'name: "latest_spells_by_element", source: Collection("spells"), terms: [{ field: ["data", "element"], transform: "casefold" }], '
          'values: [{ field: ["ts"], reverse: true }, { field: ["data", "name"] }, { field: ["ref"] }], partitions: 1 }')
    written = db.query('Select("ts", Get(Ref(Collection("spells"), "181388642046968320")))')
    check(db, "client.query(q.Paginate(q.Match(q.Index('latest_spells_by_element'), q.Casefold('FIRE'),)))",
          f"{{ data: [[{written}, 'Fire Beak', Ref(Collection(\"spells\"), \"181388642046968320\")], "
          f"[{written}, \"Water Dragon's Claw\", Ref(Collection(\"spells\"), \"181388642071085568\")]] }}")
    check(db, "client.query(q.Map(q.Paginate(q.Match(q.Index('latest_spells_by_element'), q.Casefold('FIRE'),)), "
              "q.Lambda(['_', 'name', 'ref'], [q.Var('name'), q.Var('ref')]),))", f"{{ data: [{fire}] }}")
    renamed = by_element.replace('"spells_by_element_with_name"', '"spells_by_kind"')
    check(db, "client.query(q.Update(q.Index('spells_by_element_with_name'), { name: 'spells_by_kind' },))", renamed)
    check(db, "client.query(q.Delete(q.Index('spells_by_kind')))", renamed)


# -- FQL basics: fundamental concepts ------------------------------------------------------------------


def test_basics_fundamental_concepts():
    """learn/tutorials/FQL/basics (part 1, the spaceships): collections, the four CRUD operations on a
    spaceship, a collection index and Documents, a page of two with its `after`, Map with a Lambda (and the
    JavaScript arrow function the page shows beside it), and Let and Select to project ships."""
    db = fql.connect("memory://")
    check(db, 'CreateCollection({name: "Spaceships"})',
          '{ "ref": Collection("Spaceships"), "ts": 1590269343560000, "history_days": 0, "name": "Spaceships" }')
    db.query('CreateCollection({name: "Pilots"})')
    flash = check(db, 'Create(Collection("Pilots"), { data: { name: "Flash Gordon" } })',
                  '{ "ref": Ref(Collection("Pilots"), "266350546751848978"), "ts": 1590270525630000, "data": { "name": "Flash Gordon" } }')
    pilot = fql.to_fql(flash["ref"])
    hawk = db.query(f'Create(Collection("Spaceships"), {{ data: {{ name: "Millennium Hawk", pilot: {pilot} }} }})')
    ship = fql.to_fql(hawk["ref"])
    check(db, f"Get({ship})", f'{{ "ref": {ship}, "ts": 1590274311000000, "data": {{ "name": "Millennium Hawk", "pilot": {pilot} }} }}')
    falcon = f'{{ "ref": {ship}, "ts": 1590274726650000, "data": {{ "name": "Millennium Falcon", "pilot": {pilot} }} }}'
    check(db, f'Update({ship}, {{ data: {{ name: "Millennium Falcon" }} }})', falcon)
    check(db, f"Delete({ship})", falcon)
    voyager = fql.to_fql(db.query(f'Create(Collection("Spaceships"), {{ data: {{ name: "Voyager", pilot: {pilot} }} }})')["ref"])
    check(db, 'CreateIndex({ name: "all_Pilots", source: Collection("Pilots") })',
          '{ "ref": Index("all_Pilots"), "ts": 1590278778420000, "active": true, "serialized": true, "name": "all_Pilots", '
          '"source": Collection("Pilots"), "partitions": 8 }')
    # The page's account has three more pilots, made after Flash Gordon.
    others = [fql.to_fql(db.query(f'Create(Collection("Pilots"), {{ data: {{ name: "{n}" }} }})')["ref"])
              for n in ("Luke Skywalker", "Buck Rogers", "Jean-Luc Picard")]
    every = "{ data: [" + ", ".join([pilot, *others]) + "] }"
    check(db, 'Paginate(Match(Index("all_Pilots")))', every)
    check(db, "Paginate(Documents(Collection('Pilots')))", every)
    check(db, 'Paginate(Match(Index("all_Pilots")), {size: 2})', f'{{ after: [{others[1]}], data: [{pilot}, {others[0]}] }}')
    docs = "{ data: [" + ", ".join(f'{{ ref: {r}, ts: 1, data: {{ name: "{n}" }} }}' for r, n in zip(
        [pilot, *others], ["Flash Gordon", "Luke Skywalker", "Buck Rogers", "Jean-Luc Picard"])) + "] }"
    check(db, "Map(Paginate(Match(Index(\"all_Pilots\"))), Lambda('pilotRef', Get(Var('pilotRef'))))", docs)
    check(db, 'q.Map(q.Paginate(q.Match(q.Index("all_Pilots"))), (pilotRef) => q.Get(pilotRef))', docs)
    check(db, 'q.Map(q.Paginate(q.Match(q.Index("all_Pilots"))), q.Lambda("pilotRef", q.Get(q.Var("pilotRef"))))', docs)
    specs = ('type: "Rocket", fuelType: "Plasma", actualFuelTons: 7, maxFuelTons: 10, maxCargoTons: 25, maxPassengers: 5, '
             'maxRangeLightyears: 10, position: { x: 2234, y: 3453, z: 9805 }')
    check(db, f"Update({voyager}, {{ data: {{ {specs} }} }})",
          f'{{ ref: {voyager}, ts: 1590524958830000, data: {{ name: "Voyager", pilot: {pilot}, {specs} }} }}')
    explorer = fql.to_fql(db.query('Create(Collection("Spaceships"), { data: { name: "Explorer IV", position: { x: 1134, y: 9453, z: 3205 } } })')["ref"])
    db.query('CreateIndex({ name: "all_Spaceships", source: Collection("Spaceships") })')
    ids = [db.query(f"Select('id', {r})") for r in (voyager, explorer)]
    check(db, 'Map(Paginate(Match(Index("all_Spaceships"))), Lambda("shipRef", Let({ shipDoc: Get(Var("shipRef")) }, '
              '{ id: Select(["ref", "id"], Var("shipDoc")), name: Select(["data", "name"], Var("shipDoc")), '
              'position: Select(["data", "position"], Var("shipDoc")) })))',
          f'{{ "data": [{{ "id": "{ids[0]}", "name": "Voyager", "position": {{ "x": 2234, "y": 3453, "z": 9805 }} }}, '
          f'{{ "id": "{ids[1]}", "name": "Explorer IV", "position": {{ "x": 1134, "y": 9453, "z": 3205 }} }}] }}')


# -- security: attribute-based access control ----------------------------------------------------------


def _users_and_todos(db, **users) -> dict:
    """The ABAC page's collections, a user per keyword (its data) with a token, by name."""
    db.query('Do(CreateCollection({ name: "users" }), CreateCollection({ name: "todos" }))')
    tokens = {}
    for name, data in users.items():
        ref = db.query(f'Create(Collection("users"), {{ data: {json.dumps(data)}, credentials: {{ password: "pw" }} }})')["ref"]
        tokens[name] = (fql.to_fql(ref), db.query(f'Login({fql.to_fql(ref)}, {{ password: "pw" }})')["secret"])
    return tokens


def test_security_abac_roles():
    """security/abac: the page's roles, written with the JavaScript arrow functions it uses inside the
    shell's Query (`Query(ref => ...)`, `Query((oldData, newData) => ...)`, `Query(Lambda(ref => ...))`),
    and what they let a user do: only active users are members; one writes one's own todos and cannot
    give them to another owner; only a VIP creates todos."""
    db = fql.connect("memory://")
    users = _users_and_todos(db, ann={"isActive": True}, bob={"isActive": False}, cy={"isActive": True})
    check(db, 'CreateRole({ name: "users", membership: [{ resource: Collection("users"), '
              'predicate: Query(ref => Select(["data", "isActive"], Get(ref), false)) }], '
              'privileges: [{ resource: Collection("todos"), actions: { write: Query((oldData, newData) => And('
              'Equals(Identity(), Select(["data", "owner"], oldData)), '
              'Equals(Select(["data", "owner"], oldData), Select(["data", "owner"], newData),))) } }] })',
          '{ ref: Role("users"), ts: 1, name: "users", membership: [{ resource: Collection("users"), predicate: '
          'Query(Lambda("ref", Select(["data", "isActive"], Get(Var("ref")), false))) }], privileges: [{ resource: '
          'Collection("todos"), actions: { write: Query(Lambda(["oldData", "newData"], And(Equals(Identity(), '
          'Select(["data", "owner"], Var("oldData"))), Equals(Select(["data", "owner"], Var("oldData")), '
          'Select(["data", "owner"], Var("newData")))))) } }] }')
    (ann, ann_token), (bob, bob_token), (cy, _) = users["ann"], users["bob"], users["cy"]
    todo = fql.to_fql(db.query(f'Create(Collection("todos"), {{ data: {{ title: "milk", owner: {ann} }} }})')["ref"])
    bobs = fql.to_fql(db.query(f'Create(Collection("todos"), {{ data: {{ title: "eggs", owner: {bob} }} }})')["ref"])
    check(db, f'Update({todo}, {{ data: {{ title: "oat milk" }} }})',
          f'{{ ref: {todo}, ts: 1, data: {{ title: "oat milk", owner: {ann} }} }}', secret=ann_token)
    # A refused write is reported at the Update itself (core's WriteAdaptor.update checks at `pos`).
    _denied(db, f'Update({todo}, {{ data: {{ owner: {cy} }} }})', ann_token, [])
    _denied(db, f'Update({bobs}, {{ data: {{ title: "ham" }} }})', ann_token, [])
    # Bob is not active, so no member: not even his own todo.
    _denied(db, f'Update({bobs}, {{ data: {{ title: "ham" }} }})', bob_token, [])

    db = fql.connect("memory://")
    users = _users_and_todos(db, vip={"vip": True}, plain={"vip": False})
    db.query('CreateRole({ name: "can_manage_todos", membership: [{ resource: Collection("users"), predicate: '
             'Query(Lambda(ref => Select(["data", "vip"], Get(ref)))) }], privileges: [{ resource: Collection("todos"), '
             'actions: { create: Query(Lambda(newData => Select(["data", "vip"], Get(Identity())))) } }] })')
    check(db, 'Create(Collection("todos"), { data: { title: "plan" } })',
          '{ ref: Ref(Collection("todos"), "300000000000000001"), ts: 1, data: { title: "plan" } }', secret=users["vip"][1])
    _denied(db, 'Create(Collection("todos"), { data: { title: "plan" } })', users["plain"][1], ["create"])
