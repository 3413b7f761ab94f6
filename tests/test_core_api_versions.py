"""The v4 request's `X-FaunaDB-API-Version` reaches evaluation: each version's forms, as core's
Parser.scala registers them (`introducedOn`/`removedOn`, ext/atoms APIVersion.scala), through `POST /`.

Matched: And/Or before 3 (BooleanFunctionsSpec: not short-circuited), Select's default before 3
(BasicFunctions27Spec "default value is not lazy", BasicFunctions3Spec "default value is lazy"), forms
introduced on 3, 4 and UNSTABLE refused before (`invalid expression`, InvalidFormExpr), a lambda's version
(LambdaE: at least 2.12) and its rendering (LambdaL.renderableLiteral), a stored lambda's forms being those
of its own version when called, Equals of event actions from 5 (BasicFunctions5Spec), a document refused
in a collection created by the same transaction from 5 (WriteAdaptor.write), a document's `class`
(BasicFunctions20Spec "version contains 'ref', 'ts', 'class', 'data'"), shown by ToObject, ToArray and Merge
under 2.0 (VersionL.fields).

The query is parsed whole before it runs (QueryParser.parse; fql/eval/queryparse.py): a form its
version lacks, or no version has, refuses the query, with the failures core's parse keeps (a form's or
an array's first, a Let's every binding's; more in test_core_v4_parse.py), unbound variables only when
nothing else failed; a lambda's body (a function's, a
predicate's, a binding's) has its own version's forms where it is written (an `@query`'s: its
`api_version`, 2.12 without one; one with a variable it does not bind is `Invalid lambda.`). Role
predicates run at their lambda's version (LambdaWrapper.evalPredicate), index bindings at 2.1 (Index's
EvalContext.pure with APIVersion.Default); `Select("id", Collections())` is `classes` before 2.7
(NativeCollectionID.toName). UNSTABLE: SplitStr and SplitStrRegex (SplitStrCommon), Take over sets and
from the end (TakeFunction2), Select reading a document through its ref (valueAtPath), errors of the
snake_case forms at their own keys (Parser.scala registers `lower_case` with its own key).

Not matched: UNSTABLE's `IssueAccessJWT` (core signs its token with the server's internal key, Query.internalJWK:
`not implemented`).
"""

from __future__ import annotations

import json

import httpx
import pytest

import fql
from fql.server import ServerThread


@pytest.fixture
def api():
    """`api(expr, version, secret)`: the status and JSON body of `POST /` with `X-FaunaDB-API-Version:
    version` (None: no header), as the root unless another secret is given."""
    with ServerThread(fql.connect()) as running:
        url = f"http://127.0.0.1:{running.port}/"

        def post(expr: object, version: str | None = "4", secret: str = "secret") -> tuple[int, dict]:
            headers = {"Authorization": f"Bearer {secret}"}
            if version is not None:
                headers["X-FaunaDB-API-Version"] = version
            answer = httpx.post(url, content=json.dumps(expr), headers=headers, timeout=10)
            return answer.status_code, answer.json()

        yield post


def ok(api, expr, version="4"):
    status, body = api(expr, version)
    assert status in (200, 201), body
    return body["resource"]


def error(api, expr, version="4"):
    status, body = api(expr, version)
    assert status >= 400, body
    return body["errors"][0]


def obj(**fields):
    return {"object": fields}


def unknown(*keys):
    return {
        "position": [],
        "code": "invalid expression",
        "description": f"No form/function found, or invalid argument keys: {{ {', '.join(keys)} }}.",
    }


def create_collection(name):
    return {"create_collection": obj(name=name)}


def exists_collection(name):
    return {"exists": {"collection": name}}


# -- the header ------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["2.0", "2.1", "2.7", "2.12", "3", "4", "5", "UNSTABLE"])
def test_every_core_version_is_taken(api, version):
    # Core's APIVersion.unapply knows these eight, 5 among them.
    assert ok(api, {"add": [1, 2]}, version) == 3


def test_an_unknown_version_is_refused(api):
    status, body = api({"add": [1, 2]}, "6")
    assert status == 400
    assert body["errors"][0]["description"] == "Invalid header 'x-faunadb-api-version': Unsupported or invalid API version '6'."


# -- And and Or --------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["2.0", "2.1", "2.7", "2.12"])
def test_and_or_before_3_evaluate_every_argument(api, version):
    # BooleanFunctionsSpec (2.7) "is not short-circuited": the write after the deciding value is made.
    assert ok(api, {"and": [False, {"do": [create_collection("a"), True]}]}, version) is False
    assert ok(api, exists_collection("a")) is True
    assert ok(api, {"or": [True, {"do": [create_collection("o"), False]}]}, version) is True
    assert ok(api, exists_collection("o")) is True


@pytest.mark.parametrize("version", ["3", "4", "5", None])
def test_and_or_from_3_short_circuit(api, version):
    # BooleanFunctionsV3Spec "is short-circuited"; a request without the header is API 4 here.
    assert ok(api, {"and": [False, {"do": [create_collection("a"), True]}]}, version) is False
    assert ok(api, {"or": [True, {"do": [create_collection("o"), False]}]}, version) is True
    assert ok(api, exists_collection("a")) is False
    assert ok(api, exists_collection("o")) is False
    assert ok(api, {"and": True}, version) is True


def test_and_before_3_checks_every_value(api):
    # AndFunction's Casts.OneOrMore(Casts.Boolean): each element at [and, i]; an empty array is refused.
    assert error(api, {"and": [True, 1]}, "2.1") == {
        "position": ["and", 1],
        "code": "invalid argument",
        "description": "Boolean expected, Integer provided.",
    }
    assert error(api, {"or": []}, "2.1") == {
        "position": ["or"],
        "code": "invalid argument",
        "description": "Non-empty array expected.",
    }
    # One argument, not an array: its value is the list of booleans.
    assert ok(api, {"let": {"xs": [True, False]}, "in": {"and": {"var": "xs"}}}, "2.1") is False
    assert ok(api, {"or": False}, "2.1") is False


def test_abort_after_a_false_is_reached_before_3(api):
    assert error(api, {"and": [False, {"abort": "m"}]}, "2.12") == {
        "position": ["and", 1],
        "code": "transaction aborted",
        "description": "m",
    }
    assert ok(api, {"and": [False, {"abort": "m"}]}, "3") is False

    # The arguments are one array, evaluated as evalList does: every failure is in the answer.
    status, body = api({"or": [{"abort": "a"}, True, {"abort": "b"}]}, "2.12")
    assert [(e["position"], e["description"]) for e in body["errors"]] == [(["or", 0], "a"), (["or", 2], "b")]


# -- Select --------------------------------------------------------------------------------------------


def test_select_default_is_eager_before_3(api):
    # BasicFunctions27Spec "default value is not lazy".
    found = {"select": "x", "from": obj(x=True), "default": {"abort": "msg"}}
    expected = {"position": ["default"], "code": "transaction aborted", "description": "msg"}
    assert error(api, found, "2.7") == expected
    assert error(api, found, "2.1") == expected
    # BasicFunctions3Spec "default value is lazy".
    assert ok(api, found, "3") is True
    assert ok(api, found, "4") is True
    missing = {"select": "y", "from": obj(x=True), "default": {"abort": "msg"}}
    assert error(api, missing, "3") == expected


def test_select_default_before_3_is_used_when_missing(api):
    assert ok(api, {"select": "y", "from": obj(x=True), "default": {"add": [1, 2]}}, "2.1") == 3
    assert ok(api, {"select": "y", "from": obj(x=True), "default": None}, "2.1") is None
    every = {"select": "x", "from": {"object": {"x": [obj(y=1), obj(y=2)]}}, "all": True}
    assert ok(api, every, "2.1") == ok(api, every, "4") == [{"y": 1}, {"y": 2}]


def test_select_all_evaluates_its_default_before_3(api):
    # SelectAllFunction takes the default as an argument (it never uses it); SelectE never evaluates it.
    expr = {"select_all": "a", "from": [obj(a=1), obj(a=2)], "default": {"abort": "d"}}
    assert error(api, expr, "2.12")["position"] == ["default"]
    assert ok(api, expr, "3") == [1, 2]
    as_index = {"select_as_index": "a", "from": [obj(a=1)], "default": {"abort": "d"}}
    assert error(api, as_index, "2.1")["description"] == "d"
    assert ok(api, as_index, "4") == [1]


def test_select_class_of_a_document(api):
    # ReadAdaptor's valueAtPath reads a document's `class` at every version.
    ok(api, create_collection("spells"))
    ok(api, {"create": {"ref": {"collection": "spells"}, "id": "1"}, "params": obj(data=obj(x=1))})
    doc = {"get": {"ref": {"collection": "spells"}, "id": "1"}}
    spells = {"@ref": {"id": "spells", "collection": {"@ref": {"id": "collections"}}}}
    assert ok(api, {"select": "class", "from": doc}) == spells
    assert ok(api, {"select": ["class", "id"], "from": doc}, "2.1") == "spells"
    assert ok(api, {"select": "class", "from": doc}, "2.0") == {"@ref": "classes/spells"}
    # Not an object's own field.
    assert error(api, {"select": "class", "from": obj(ref=1, ts=2)})["code"] == "value not found"


# -- forms by version ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expr, keys, since",
    [
        ({"contains_path": "a", "in": obj(a=1)}, ("contains_path", "in"), "3"),
        ({"contains_field": "a", "in": obj(a=1)}, ("contains_field", "in"), "3"),
        ({"contains_value": 1, "in": obj(a=1)}, ("contains_value", "in"), "3"),
        ({"first": [1, 2]}, ("first",), "4"),
        ({"last": [1, 2]}, ("last",), "4"),
        ({"has_current_identity": None}, ("has_current_identity",), "4"),
        ({"has_current_token": None}, ("has_current_token",), "4"),
        ({"access_providers": None}, ("access_providers",), "4"),
    ],
)
def test_forms_are_refused_before_they_were_introduced(api, expr, keys, since):
    before = {"3": "2.12", "4": "3"}[since]
    assert error(api, expr, before) == unknown(*keys)
    assert error(api, expr, "2.0") == unknown(*keys)
    status, _ = api(expr, since)
    assert status == 200


def test_older_spellings_stay(api):
    # `contains` is only tagged deprecated (deprecatedOn), as are `identity` and `has_identity`.
    for version in ("2.0", "3", "4", "UNSTABLE"):
        assert ok(api, {"contains": "a", "in": obj(a=1)}, version) is True
        assert ok(api, {"has_identity": None}, version) is False


def test_unstable_renames_string_and_bit_functions(api):
    assert ok(api, {"lower_case": "AbC"}, "UNSTABLE") == "abc"
    assert ok(api, {"bit_and": [6, 3]}, "UNSTABLE") == 2
    assert error(api, {"lowercase": "AbC"}, "UNSTABLE") == unknown("lowercase")
    assert error(api, {"lower_case": "AbC"}, "4") == unknown("lower_case")
    assert ok(api, {"lowercase": "AbC"}, "4") == "abc"


def test_a_lambda_has_the_forms_of_its_request(api):
    # A lambda written under 2.1 is of 2.12, whose And is not short-circuited.
    expr = {"map": {"lambda": "x", "expr": {"and": [False, {"abort": "m"}]}}, "collection": [1]}
    assert error(api, expr, "2.1")["description"] == "m"
    assert ok(api, expr, "4") == [False]


# -- lambdas -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "version, shown",
    [("2.0", None), ("2.1", None), ("2.7", None), ("2.12", None), ("3", "3"), ("4", "4"), ("5", "5")],
)
def test_a_lambdas_version_is_shown_after_2_12(api, version, shown):
    # LambdaE's version is the request's, at least 2.12; renderableLiteral names it only when it or the
    # request's version is past 2.12.
    fn = ok(api, {"query": {"lambda": "x", "expr": {"var": "x"}}}, version)["@query"]
    assert fn.get("api_version") == shown
    assert fn["lambda"] == "x"


def test_a_lambda_of_a_later_version_shows_it_to_an_older_request(api):
    fn = {"@query": {"api_version": "4", "lambda": "x", "expr": {"var": "x"}}}
    assert ok(api, fn, "2.1")["@query"]["api_version"] == "4"
    # A stored lambda without a version is of 2.12: API 4 shows that.
    assert ok(api, {"@query": {"lambda": "x", "expr": {"var": "x"}}})["@query"]["api_version"] == "2.12"


def udf(name, body):
    return {"create_function": obj(name=name, body={"query": {"lambda": "x", "expr": body}})}


def test_a_function_made_under_2_1_keeps_its_forms_when_called_under_4(api):
    eager = {"select": "a", "from": obj(a=1), "default": {"abort": "old"}}
    ok(api, udf("old", eager), "2.1")
    assert ok(api, {"get": {"function": "old"}})["body"]["@query"]["api_version"] == "2.12"
    failed = error(api, {"call": {"function": "old"}, "arguments": 1}, "4")
    assert failed["code"] == "call error"
    assert failed["cause"] == [{"position": ["expr", "default"], "code": "transaction aborted", "description": "old"}]


def test_a_function_made_under_4_keeps_its_forms_when_called_under_2_1(api):
    ok(api, udf("new", {"and": [False, {"abort": "new"}]}), "4")
    assert ok(api, {"call": {"function": "new"}, "arguments": 1}, "2.1") is False
    assert ok(api, {"get": {"function": "new"}}, "2.1")["body"]["@query"]["api_version"] == "4"


# -- API 5 -------------------------------------------------------------------------------------------------


def test_equals_of_an_update_action_from_5(api):
    # BasicFunctions5Spec: an update event's action no longer equals "create".
    ok(api, create_collection("c"))
    ref = {"ref": {"collection": "c"}, "id": "1"}
    ok(api, {"create": ref, "params": obj(data=obj(a=1))})
    ok(api, {"update": ref, "params": obj(data=obj(a=2))})
    events = {"paginate": {"events": ref}}
    same = {"lambda": "e", "expr": {"equals": ["create", {"select": "action", "from": {"var": "e"}}]}}
    assert ok(api, {"map": same, "collection": events}, "5") == {"data": [True, False]}
    assert ok(api, {"map": same, "collection": events}, "4") == {"data": [True, True]}


def test_a_document_and_its_collection_in_one_transaction_from_5(api):
    # WriteAdaptor.write: from API 5 the collection must have existed before the transaction; the error is
    # at the create's key, as every failure of its write (AbstractCreateFunction's createPos).
    made = [create_collection("fresh"), {"create": {"collection": "fresh"}, "params": obj(data=obj(a=1))}]
    assert error(api, {"do": made}, "5") == {
        "position": ["do", 1, "create"],
        "code": "invalid argument",
        "description": "Cannot create a collection and a document in it in the same transaction.",
    }
    assert ok(api, exists_collection("fresh")) is False
    assert ok(api, {"do": made}, "4")["data"] == {"a": 1}
    assert ok(api, {"create": {"collection": "fresh"}, "params": obj(data=obj(a=2))}, "5")["data"] == {"a": 2}


def test_a_documents_fields_name_its_class_under_2_0(api):
    # VersionL.fields(apiVersion): ToObject, ToArray and Merge see `class` after `ref` only under 2.0.
    ok(api, create_collection("spells"))
    ok(api, {"create": {"ref": {"collection": "spells"}, "id": "1"}, "params": obj(data=obj(x=1))})
    doc = {"get": {"ref": {"collection": "spells"}, "id": "1"}}
    keys = {"map": {"lambda": "f", "expr": {"select": 0, "from": {"var": "f"}}}, "collection": {"to_array": doc}}
    assert ok(api, keys, "2.0") == ["ref", "class", "ts", "data"]
    assert ok(api, keys, "2.1") == ["ref", "ts", "data"]
    merged = {"merge": doc, "with": obj(y=2)}
    # Merge's fifth key turns core's Scala Map into a HashMap, which iterates in hash order (MergeFunction).
    assert list(ok(api, merged, "2.0")) == ["y", "data", "ts", "ref", "class"]
    assert list(ok(api, merged, "4")) == ["ref", "ts", "data", "y"]
    assert ok(api, {"select": "class", "from": {"to_object": doc}}, "2.0") == {"@ref": "classes/spells"}


def test_format_debug_conversions_render_by_version(api):
    # StringFunctions: `%@` renders as APIVersion.Default (2.1), `%^` as the query's version.
    index = {"@ref": {"id": "i", "collection": {"@ref": {"id": "indexes"}}}}
    as_21 = '{"@ref":{"id":"i","class":{"@ref":{"id":"indexes"}}}}'
    as_4 = '{"@ref":{"id":"i","collection":{"@ref":{"id":"indexes"}}}}'
    assert ok(api, {"format": "%^", "values": index}, "2.1") == as_21
    assert ok(api, {"format": "%^", "values": index}, "4") == as_4
    assert ok(api, {"format": "%@", "values": index}, "4") == as_21
    # A lambda of 2.12 names its version only where the rendering's version is past 2.12.
    old = {"@query": {"lambda": "x", "expr": {"var": "x"}}}
    assert ok(api, {"format": "%@", "values": old}) == '{"@query":{"lambda":"x","expr":{"var":"x"}}}'
    assert ok(api, {"format": "%^", "values": old}) == '{"@query":{"api_version":"2.12","lambda":"x","expr":{"var":"x"}}}'
    new = {"query": {"lambda": "x", "expr": {"var": "x"}}}
    assert ok(api, {"format": "%@", "values": new}) == '{"@query":{"api_version":"4","lambda":"x","expr":{"var":"x"}}}'


# -- the whole query is parsed first -----------------------------------------------------------------------


def test_a_form_the_version_lacks_refuses_the_query_before_it_runs(api):
    # QueryParser.parse runs before EvalContext.eval: the write before the unknown form is never made,
    # the Abort never reached, an untaken branch fails as well.
    made = {"do": [create_collection("early"), {"first": [1]}]}
    assert error(api, made, "3") == {**unknown("first"), "position": ["do", 1]}
    assert ok(api, exists_collection("early")) is False
    assert error(api, {"do": [{"abort": "m"}, {"first": [1]}]}, "3")["code"] == "invalid expression"
    untaken = {"if": True, "then": 1, "else": {"contains_path": "a", "in": obj(a=1)}}
    assert error(api, untaken, "2.12") == {**unknown("contains_path", "in"), "position": ["else"]}
    assert ok(api, untaken, "3") == 1
    # At API 4 alike: a form no version has is refused where it is written.
    assert error(api, {"if": True, "then": 1, "else": {"nothing": 1}}) == {**unknown("nothing"), "position": ["else"]}


def test_the_parse_reports_the_first_form_it_refuses(api):
    # An array's items and a form's arguments are parsed in order up to the first failure (MonadT's
    # sequenceT and parT go on only through a Success): the answer names that one.
    status, body = api({"do": [{"first": [1]}, {"add": [1, {"nothing": 2, "at_all": 3}]}, {"last": [1]}]}, "3")
    assert status == 400
    assert body["errors"] == [{**unknown("first"), "position": ["do", 0]}]
    status, body = api({"do": [1, {"add": [1, {"nothing": 2, "at_all": 3}]}, {"last": [1]}]}, "3")
    assert body["errors"] == [{**unknown("nothing", "at_all"), "position": ["do", 1, "add", 1]}]
    # A function where a Lambda must be written is one (QueryParser.parseLambda), before the collection.
    status, body = api({"map": {"var": "f"}, "collection": [{"first": [1]}]}, "3")
    assert [e["position"] for e in body["errors"]] == [["map"]]
    assert body["errors"][0]["description"] == "No form/function found, or invalid argument keys: { var }."
    # A Let reports each binding that fails, then its body's failure (Parser.scala's `let`).
    status, body = api({"let": [{"a": {"first": [1]}}, {"b": {"last": [1]}}], "in": {"first": [2]}}, "3")
    assert [e["position"] for e in body["errors"]] == [["let", 0, "a"], ["let", 1, "b"], ["in"]]


def test_unbound_variables_are_reported_only_when_nothing_else_fails(api):
    # A failure drops the free variables gathered so far (PResult.Failure).
    expr = {"do": [{"var": "x"}, {"first": [1]}]}
    status, body = api(expr, "3")
    assert body["errors"] == [{**unknown("first"), "position": ["do", 1]}]
    assert error(api, expr, "4") == {
        "position": ["do", 0],
        "code": "invalid expression",
        "description": "Variable 'x' is not defined.",
    }


def test_a_function_whose_body_its_version_lacks_is_not_created(api):
    # The body's lambda is parsed at the query's version: CreateFunction never runs.
    body = {"first": {"var": "x"}}
    where = ["create_function", "object", "body", "query", "expr"]
    assert error(api, udf("f", body), "3") == {**unknown("first"), "position": where}
    assert ok(api, {"exists": {"function": "f"}}) is False
    assert ok(api, udf("f", body), "4")["name"] == "f"
    update = {"update": {"function": "f"}, "params": obj(body={"query": {"lambda": "x", "expr": body}})}
    assert error(api, update, "3")["position"] == ["params", "object", "body", "query", "expr"]
    assert ok(api, {"call": {"function": "f"}, "arguments": [7, 8]}) == 7


def test_a_stored_lambda_is_parsed_at_its_own_version(api):
    # EscapesParser.parseLambda: an @query's body at its api_version, 2.12 without one; a variable it
    # does not bind makes it an invalid lambda.
    old = {"@query": {"lambda": "x", "expr": {"first": {"var": "x"}}}}
    assert error(api, old, "4") == {**unknown("first"), "position": ["expr"]}
    new = {"@query": {"api_version": "4", "lambda": "x", "expr": {"first": {"var": "x"}}}}
    assert ok(api, new, "2.1")["@query"]["api_version"] == "4"
    free = {"@query": {"api_version": "4", "lambda": "x", "expr": {"var": "y"}}}
    assert error(api, free) == {"position": [], "code": "invalid expression", "description": "Invalid lambda."}
    quoted = {"quote": {"fns": [old]}}
    assert error(api, quoted)["position"] == ["quote", "fns", 0, "expr"]
    made = {"create_function": obj(name="g", body=old)}
    assert error(api, made)["position"] == ["create_function", "object", "body", "expr"]


# -- predicates and bindings -----------------------------------------------------------------------------


def _role_reading(api, predicate):
    """A key whose role reads documents of `c` where `predicate` (a lambda written under API 4) says so."""
    ok(api, create_collection("c"))
    ok(api, {"create": {"ref": {"collection": "c"}, "id": "1"}, "params": obj(data=obj(a=1))})
    privilege = obj(resource={"collection": "c"}, actions=obj(read={"query": predicate}))
    ok(api, {"create_role": obj(name="r", privileges=[privilege])})
    return ok(api, {"create_key": obj(role={"role": "r"})})["secret"]


def test_a_role_predicate_runs_at_its_lambdas_version(api):
    # LambdaWrapper.evalPredicate: EvalContext(..., lambda.apiVersion), whatever the request's. Under 2.1
    # the collection of collections is named `classes` (NativeCollectionID.toName), under 4 not.
    named = {"equals": [{"select": "id", "from": {"collections": None}}, "collections"]}
    secret = _role_reading(api, {"lambda": "ref", "expr": named})
    doc = {"get": {"ref": {"collection": "c"}, "id": "1"}}
    assert ok(api, {"select": "id", "from": {"collections": None}}, "2.1") == "classes"
    for version in ("2.1", "4"):
        status, body = api(doc, version, secret)
        assert status == 200, body
        assert body["resource"]["data"] == {"a": 1}


def test_a_role_predicate_written_under_2_1_runs_at_2_12(api):
    # A lambda written under 2.1 is of 2.12 (LambdaE), where the name is already `collections`.
    named = {"equals": [{"select": "id", "from": {"collections": None}}, "collections"]}
    ok(api, create_collection("c"))
    ok(api, {"create": {"ref": {"collection": "c"}, "id": "1"}, "params": obj(data=obj(a=1))})
    privilege = obj(resource={"collection": "c"}, actions=obj(read={"query": {"lambda": "ref", "expr": named}}))
    ok(api, {"create_role": obj(name="r", privileges=[privilege])}, "2.1")
    secret = ok(api, {"create_key": obj(role={"role": "r"})})["secret"]
    status, _ = api({"get": {"ref": {"collection": "c"}, "id": "1"}}, "2.1", secret)
    assert status == 200


def test_index_bindings_run_at_api_2_1(api):
    # Index's binding context is EvalContext.pure(scope, APIVersion.Default, ...): 2.1, whatever the
    # request's or the lambda's version.
    ok(api, create_collection("c"))
    binding = {"query": {"lambda": "doc", "expr": {"select": "id", "from": {"collections": None}}}}
    index = obj(name="named", source=obj(collection={"collection": "c"}, fields=obj(n=binding)), values=[obj(binding="n")])
    ok(api, {"create_index": index})
    ok(api, {"create": {"collection": "c"}, "params": obj(data=obj(a=1))})
    for version in ("2.7", "4", "5"):
        assert ok(api, {"paginate": {"match": {"index": "named"}}}, version)["data"] == ["classes"]


@pytest.mark.parametrize("written, key", [("2.1", "class"), ("2.7", "collection")])
def test_index_sources_read_as_the_request_names_collections(api, written, key):
    # queries/IndexSpec "v21 CreateIndex with source 'class' and read with v27 with source 'collection'",
    # "v27 CreateIndex with source 'collection' and read with v21 with source 'class'" and "CreateIndex
    # accepts an array of 'collection's as sources but read them all back as 'class'" (IndexSpec21): a
    # source object, alone or in an array, is read back with the key of the reading request's version.
    ok(api, create_collection("c"))
    ok(api, create_collection("d"))
    time = {"query": {"lambda": "x", "expr": {"select": "ts", "from": {"var": "x"}}}}
    source = obj(**{key: {"collection": "c"}}, fields=obj(the_time=time))
    other = obj(**{key: {"collection": "d"}}, fields=obj(the_time=time))
    for name, given in (("one", source), ("two", [source, other])):
        index = obj(name=name, source=given, active=True, values=obj(binding="the_time"))
        ok(api, {"create_index": index}, written)
    for version, named in (("2.1", "class"), ("2.7", "collection"), ("4", "collection")):
        assert list(ok(api, {"get": {"index": "one"}}, version)["source"]) == [named, "fields"]
        assert [list(s) for s in ok(api, {"get": {"index": "two"}}, version)["source"]] == [[named, "fields"]] * 2


@pytest.mark.parametrize("version, key", [("2.1", "class"), ("2.7", "collection")])
def test_index_sources_accepted_under_the_request_key(api, version, key):
    # queries/IndexSpec "CreateIndex accepts 'class' as a source", "... an array of 'class's as sources"
    # (IndexSpec21) and "CreateIndex accepts 'collection' as a source", "... an array of 'collection's as
    # sources" (IndexSpec27): a source object, alone or in an array beside one with no `fields` (the spec's
    # `fields2`), makes an index whose binding covers the documents written after it.
    ok(api, create_collection("c"), version)
    ok(api, create_collection("d"), version)
    time = {"query": {"lambda": "x", "expr": {"select": "ts", "from": {"var": "x"}}}}
    source = obj(**{key: {"collection": "c"}}, fields=obj(the_time=time))
    bare = obj(**{key: {"collection": "d"}}, fields2=obj(the_time=time))
    for name, given in (("one", source), ("two", [source, bare])):
        ok(api, {"create_index": obj(name=name, source=given, active=True, values=obj(binding="the_time"))}, version)
    made = ok(api, {"create": {"collection": "c"}, "params": obj()}, version)
    for name in ("one", "two"):
        assert ok(api, {"paginate": {"match": {"index": name}}}, version)["data"] == [made["ts"]]
    assert key in ok(api, {"get": {"index": "one"}}, version)["source"]
    assert all(key in s for s in ok(api, {"get": {"index": "two"}}, version)["source"])


# -- Select ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version, name", [("2.0", "classes"), ("2.1", "classes"), ("2.7", "collections"), ("4", "collections")])
def test_the_id_of_collections_before_2_7(api, version, name):
    # ReadAdaptor.valueAtPath names a native collection by NativeCollectionID.toName(id, ec.apiVers).
    assert ok(api, {"select": "id", "from": {"collections": None}}, version) == name
    ok(api, create_collection("spells"))
    assert ok(api, {"select": ["collection", "id"], "from": {"collection": "spells"}}, version) == name
    assert ok(api, {"select": "id", "from": {"indexes": None}}, version) == "indexes"


def test_select_reads_through_a_ref_under_unstable(api):
    # valueAtPath: under UNSTABLE a ref's `ref`, `ts` and `data` are its document's.
    ok(api, create_collection("c"))
    ok(api, {"create": {"ref": {"collection": "c"}, "id": "1"}, "params": obj(data=obj(a=1))})
    ref = {"ref": {"collection": "c"}, "id": "1"}
    assert ok(api, {"select": ["data", "a"], "from": ref}, "UNSTABLE") == 1
    assert ok(api, {"select": ["ref", "id"], "from": ref}, "UNSTABLE") == "1"
    assert ok(api, {"contains_path": ["data", "a"], "in": ref}, "UNSTABLE") is True
    assert ok(api, {"select": ["data", "a"], "from": ref, "default": "no"}, "5") == "no"
    gone = {"ref": {"collection": "c"}, "id": "2"}
    assert ok(api, {"select": ["data", "a"], "from": gone, "default": "no"}, "UNSTABLE") == "no"


# -- UNSTABLE's forms ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expr, result",
    [
        ({"split_str": "a,b,,c,,", "token": ","}, ["a", "b", "", "c", "", ""]),
        ({"split_str": "a,b,,c", "token": ",", "count": 2}, ["a", "b,,c"]),
        ({"split_str": "a,b", "token": ",", "count": 1}, ["a,b"]),
        ({"split_str": "abc", "token": "x"}, ["abc"]),
        ({"split_str": "", "token": ","}, [""]),
        ({"split_str": "a.b", "token": "."}, ["a", "b"]),
        ({"split_str": ",a", "token": ","}, ["", "a"]),
        ({"split_str_regex": "a1b22c", "pattern": "[0-9]+"}, ["a", "b", "c"]),
        ({"split_str_regex": "abc", "pattern": ""}, ["a", "b", "c", ""]),
        ({"split_str_regex": "abc", "pattern": "", "count": 2}, ["a", "bc"]),
        # Matcher.find steps one UTF-16 unit past an empty match: a lazy `a*?` never matches "a", and an
        # astral character is cut into its halves, each a lone surrogate, written `?` as core writes it.
        ({"split_str_regex": "aa", "pattern": "a*?"}, ["a", "a", ""]),
        ({"split_str": "\U0001F60D", "token": ""}, ["?", "?", ""]),
        ({"split_str_regex": "a\U0001F60Db", "pattern": "x*", "count": 3}, ["a", "?", "?b"]),
        ({"split_str_regex": "\U0001F60D,\U0001F60D", "pattern": ","}, ["\U0001F60D", "\U0001F60D"]),
    ],
)
def test_split_str(api, expr, result):
    # SplitStrCommon: Java's Pattern.split, its limit the count (-1 without one: trailing empty strings
    # kept), a zero-width match at the start making no empty first part.
    assert ok(api, expr, "UNSTABLE") == result


def test_split_str_is_unstable_only_and_checks_its_count(api):
    assert error(api, {"split_str": "a,b", "token": ","}, "5") == unknown("split_str", "token")
    assert error(api, {"split_str_regex": "a,b", "pattern": ","}) == unknown("split_str_regex", "pattern")
    for count, bound in ((0, "count > 0"), (1025, "count <= 1024")):
        assert error(api, {"split_str": "a", "token": ",", "count": count}, "UNSTABLE") == {
            "position": ["count"],
            "code": "invalid argument",
            "description": f"count must be {bound}",
        }
    bad = error(api, {"split_str_regex": "a", "pattern": "("}, "UNSTABLE")
    assert (bad["position"], bad["description"]) == (["pattern"], "Search pattern /(/ is not a valid regular expression.")
    # Casts.Regex compiles the pattern as it casts it: that comes before the count's type.
    bad = error(api, {"split_str_regex": "a", "pattern": "(", "count": "x"}, "UNSTABLE")
    assert (bad["position"], bad["description"]) == (["pattern"], "Search pattern /(/ is not a valid regular expression.")


def test_take_under_unstable(api):
    # TakeFunction2 (Casts.Iterable): a negative count takes from the end, a set is read into an array.
    assert ok(api, {"take": -2, "collection": [1, 2, 3]}, "UNSTABLE") == [2, 3]
    assert ok(api, {"take": -5, "collection": [1, 2, 3]}, "UNSTABLE") == [1, 2, 3]
    assert ok(api, {"take": -2, "collection": [1, 2, 3]}, "5") == []
    ok(api, create_collection("c"))
    refs = [ok(api, {"create": {"ref": {"collection": "c"}, "id": str(i)}, "params": obj(data=obj(i=i))})["ref"] for i in (1, 2, 3)]
    docs = {"documents": {"collection": "c"}}
    assert ok(api, {"take": 2, "collection": docs}, "UNSTABLE") == refs[:2]
    assert ok(api, {"take": -2, "collection": docs}, "UNSTABLE") == refs[1:]
    page = ok(api, {"take": -1, "collection": {"paginate": docs, "size": 2}}, "UNSTABLE")
    assert page["data"] == [refs[1]] and "after" in page
    assert error(api, {"take": 1, "collection": docs}, "5")["description"] == "Array or Page expected, Set provided."
    assert error(api, {"take": 1, "collection": "x"}, "UNSTABLE") == {
        "position": ["collection"],
        "code": "invalid argument",
        "description": "Array, Set, or Page expected, String provided.",
    }
    assert error(api, {"take": 100001, "collection": docs}, "UNSTABLE") == {
        "position": [],
        "code": "invalid argument",
        "description": "Number of elements must be <= 100000",
    }
    # A set is read as a page of the count, which reads one element more: a lazy filter is tested on it.
    def failing_at(i):
        body = {"if": {"equals": [{"var": "x"}, refs[i]]}, "then": {"abort": str(i)}, "else": True}
        return {"filter": {"lambda": "x", "expr": body}, "collection": docs}

    assert error(api, {"take": 1, "collection": failing_at(1)}, "UNSTABLE")["description"] == "1"
    assert ok(api, {"take": 1, "collection": failing_at(2)}, "UNSTABLE") == refs[:1]
    assert error(api, {"take": -1, "collection": failing_at(1)}, "UNSTABLE")["position"] == [
        "collection", "filter", "expr", "then"
    ]
    # Casts.Iterable reads a native collection as its set; a ref naming nothing is an invalid ref.
    assert [r["@ref"]["id"] for r in ok(api, {"take": -1, "collection": {"collections": None}}, "UNSTABLE")] == ["c"]
    assert error(api, {"take": 1, "collection": {"collection": "nope"}}, "UNSTABLE")["code"] == "invalid ref"


def test_take_under_unstable_pages_and_reversed_sets(api):
    # ArrayFunctionsUnstableSpec "takes from the head of pages", "... tail of pages", "... head of sets /
    # covered values", "... tail of sets / covered values": a page keeps its cursors where the tail is
    # cut (core's TakeFunction2 drops from `uvs` too), and a negative count reads the set reversed.
    ok(api, create_collection("c"))
    ok(api, {"create_index": obj(name="v", source={"collection": "c"}, values=[obj(field=["data", "value"])])})
    ok(api, {"foreach": {"lambda": "i", "expr": {"create": {"collection": "c"}, "params": obj(data=obj(value={"var": "i"}))}},
             "collection": list(range(1, 101))})
    index = {"match": {"index": "v"}}
    head = ok(api, {"take": 10, "collection": {"paginate": index}}, "UNSTABLE")
    assert (head["data"], head["after"][0]) == (list(range(1, 11)), 11)
    head = ok(api, {"take": 10, "collection": {"paginate": index, "after": head["after"]}}, "UNSTABLE")
    assert (head["data"], head["after"][0]) == (list(range(11, 21)), 21)
    tail = ok(api, {"take": -10, "collection": {"paginate": index}}, "UNSTABLE")
    assert (tail["data"], tail["after"][0]) == (list(range(55, 65)), 65)
    tail = ok(api, {"take": -10, "collection": {"paginate": index, "after": tail["after"]}}, "UNSTABLE")
    assert (tail["data"], tail["before"][0]) == (list(range(91, 101)), 65)
    assert ok(api, {"take": 10, "collection": {"reverse": index}}, "UNSTABLE") == list(range(100, 90, -1))
    assert ok(api, {"take": -10, "collection": index}, "UNSTABLE") == list(range(91, 101))
    assert ok(api, {"take": -10, "collection": {"reverse": index}}, "UNSTABLE") == list(range(10, 0, -1))


def test_take_under_unstable_breaks_bindings(api):
    # ArrayFunctionsUnstableSpec "take" / "should break bindings": UNSTABLE's Take is TakeFunction2, whose
    # effect is Read, so a binding calling it is impure; the same binding at 4 is taken
    # (ArrayFunctionsSpec "should not break bindings").
    ok(api, create_collection("c"))
    take = {"query": {"lambda": "i", "expr": {"take": 2, "collection": [1, 2, 3]}}}
    index = obj(name="b", source=obj(collection={"collection": "c"}, fields={"object": {"a-field": take}}),
                values=[obj(field="ref"), obj(binding="a-field")])
    assert error(api, {"create_index": index}, "UNSTABLE") == {
        "position": ["create_index"],
        "code": "validation failed",
        "description": "document data is not valid.",
        "failures": [
            {
                "field": ["source", "0", "fields", "0", "a-field"],
                "code": "invalid binding",
                "description": "Field binding must be a pure unary function.",
            }
        ],
    }
    ok(api, {"create_index": index}, "4")
    # A Join's target must be pure, so UNSTABLE's Take cannot be in it either.
    join = {"join": {"documents": {"collection": "c"}}, "with": {"lambda": "x", "expr": {"take": 1, "collection": [1]}}}
    assert error(api, join, "UNSTABLE")["description"] == (
        "Invalid lambda. Lambda in this context may not read, write, or call a user function."
    )


def test_unstable_forms_fail_at_their_own_keys(api):
    # `lower_case` is a form of its own key in Parser.scala: its argument is cast at `lower_case`.
    assert error(api, {"lower_case": 5}, "UNSTABLE")["position"] == ["lower_case"]
    assert error(api, {"upper_case": {"lower_case": 5}}, "UNSTABLE")["position"] == ["upper_case", "lower_case"]
    assert error(api, {"bit_and": [1, "x"]}, "UNSTABLE")["position"] == ["bit_and", 1]
    assert error(api, {"lowercase": 5}, "4")["position"] == ["lowercase"]


def test_issue_access_jwt_is_unstable_and_not_implemented(api):
    # IssueAccessJWTFunction signs with Query.internalJWK, the server's own key: fql has none.
    assert error(api, {"issue_access_jwt": None, "expire_in": 60}, "UNSTABLE") == {
        "position": [],
        "code": "not implemented",
        "description": "IssueAccessJWT is not implemented in fql yet.",
    }
    assert error(api, {"issue_access_jwt": None}, "5") == unknown("issue_access_jwt")
