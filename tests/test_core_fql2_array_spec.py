"""Cases from core's FQL2ArraySpec (ext/model/src/test/scala/fql2/stdlib/FQL2ArraySpec.scala): each
value case (core's `checkOk`) with the spec's own queries, the span of each runtime error (core's
`stackTrace(start, end)`, the call's argument list; tests/fixtures/v10/arrays.fql compares the code and
description only), the writes `indexWhere` and `lastIndexWhere` make before they stop, and the first page
of an array's set. Each test names the spec case (`method / case`) it comes from; core's `checkOk` and
`checkErr` typecheck.

Not ported: the 'has signature ...' cases read core's native method tables (lookupSig), which fql keeps
in fql/eval/v10/stdlib_types.py; the typer shows no type for an uncalled method of an array (`[1].at`),
so they cannot be read back from a query as the String spec's are.
"""

from __future__ import annotations

import pytest

import fql
from tests.core_scalar_helpers import err, ok


@pytest.fixture(scope="module")
def db() -> fql.Database:
    return fql.connect()


def out_of_bounds(index: int, length: int, start: int, end: int) -> tuple:
    """Core's QueryRuntimeFailure.IndexOutOfBounds at `Span(start, end)`."""
    return ("index_out_of_bounds", f"index {index} out of bounds for length {length}", (start, end))


def unchecked(message: str, start: int, end: int) -> tuple:
    """Core's QueryCheckFailure of one TypeError at `Span(start, end)`."""
    return ("invalid_query", message, (start, end))


NOT_INT = "expected value for `index` of type Int, received Long"


@pytest.mark.parametrize(
    "query, expected",
    [
        # 'at' / 'indexes that are too large cause an error': `.at` fails at its arguments, `[]` at its
        # brackets; a variable index is the same at runtime.
        ("[].at(0)", out_of_bounds(0, 0, 5, 8)),
        ("[][0]", out_of_bounds(0, 0, 2, 5)),
        ("{ let i = 0; [][i] }", out_of_bounds(0, 0, 15, 18)),
        ("[1, 2].at(2)", out_of_bounds(2, 2, 9, 12)),
        ("[1, 2][2]", out_of_bounds(2, 2, 6, 9)),
        ("{ let i = 2; [1, 2][i] }", out_of_bounds(2, 2, 19, 22)),
        # 'at' / 'negative indexes cause an error': a negative literal in brackets is the typer's (at the
        # number), anything else the runtime's.
        ("[].at(-1)", out_of_bounds(-1, 0, 5, 9)),
        ("[][-1]", unchecked("Index -1 out of bounds for length 0", 3, 5)),
        ("{ let i = -1; [][i] }", out_of_bounds(-1, 0, 16, 19)),
        ("[1, 2].at(-3)", out_of_bounds(-3, 2, 9, 13)),
        ("[1, 2][-3]", unchecked("Index -3 out of bounds for length 2", 7, 9)),
        ("{ let i = -3; [1, 2][i] }", out_of_bounds(-3, 2, 20, 23)),
        # 'at' / "indexes at the integer limit don't cause problems": an index past an Int is a Long.
        ("[].at(2147483647)", out_of_bounds(2147483647, 0, 5, 17)),
        ("[].at(2147483648)", ("invalid_argument", NOT_INT, (5, 17))),
        ("[].at(-2147483648)", out_of_bounds(-2147483648, 0, 5, 18)),
        ("[].at(-2147483649)", ("invalid_argument", NOT_INT, (5, 18))),
        ("[1, 2].at(-2147483648)", out_of_bounds(-2147483648, 2, 9, 22)),
        # 'indexOf' / 'rejects negative indexes', 'errors for indexes out of bounds'.
        ("['a', 'b', 'b', 'd'].indexOf('b', -1)", out_of_bounds(-1, 4, 28, 37)),
        ("['a', 'b', 'b', 'd'].indexOf('b', 100)", out_of_bounds(100, 4, 28, 38)),
        ("['a', 'b', 'b', 'd'].indexOf('b', -50)", out_of_bounds(-50, 4, 28, 38)),
        # 'indexWhere' / 'rejects negative indexes', 'errors for indexes out of bounds'.
        ("['a', 'b', 'b', 'd'].indexWhere(v => v == 'b', -1)", out_of_bounds(-1, 4, 31, 50)),
        ("['a', 'b', 'b', 'd'].indexWhere(v => v == 'b', 100)", out_of_bounds(100, 4, 31, 51)),
        ("['a', 'b', 'b', 'd'].indexWhere(v => v == 'b', -50)", out_of_bounds(-50, 4, 31, 51)),
        # 'lastIndexOf' / 'rejects negative indexes', 'errors for indexes out of bounds'.
        ("['a', 'b', 'b', 'd'].lastIndexOf('b', -1)", out_of_bounds(-1, 4, 32, 41)),
        ("['a', 'b', 'b', 'd'].lastIndexOf('b', 100)", out_of_bounds(100, 4, 32, 42)),
        ("['a', 'b', 'b', 'd'].lastIndexOf('b', -50)", out_of_bounds(-50, 4, 32, 42)),
        # 'lastIndexWhere' / 'rejects negative indexes', 'errors for indexes out of bounds'.
        ("['a', 'b', 'b', 'd'].lastIndexWhere(v => v == 'b', -1)", out_of_bounds(-1, 4, 35, 54)),
        ("['a', 'b', 'b', 'd'].lastIndexWhere(v => v == 'b', 100)", out_of_bounds(100, 4, 35, 55)),
        ("['a', 'b', 'b', 'd'].lastIndexWhere(v => v == 'b', -50)", out_of_bounds(-50, 4, 35, 55)),
        # 'sequence' / 'too big': QueryRuntimeFailure.ValueTooLarge adds its `Value too large: ... .`.
        (
            "Array.sequence(0, 16001)",
            ("value_too_large", "Value too large: range size 16001 exceeds limit 16000.", (14, 24)),
        ),
    ],
)
def test_errors_name_the_arguments(db, query, expected):
    assert err(db, query) == expected


ABCB = "['a', 'b', 'c', 'b']"
ABBD = "['a', 'b', 'b', 'd']"


@pytest.mark.parametrize(
    "query, expected",
    [
        # 'at' / 'selects an element out of an array'
        ("[1, 2].at(0)", 1),
        ("[1, 2].at(1)", 2),
        ("[1, 2][0]", 1),
        ("[1, 2][1]", 2),
        # 'append' / 'appends an element to the end of the array'
        ("[].append(5)", [5]),
        ("[1, 2].append(3)", [1, 2, 3]),
        # 'entries' / 'adds the index to every element in an iterable'
        ("['a', 'b', 'c'].entries()", [[0, "a"], [1, "b"], [2, "c"]]),
        # 'filter' / 'filters by the given condition', 'null acts like false in the predicate'
        ("[1, 2, 3, 4].filter(v => v >= 3)", [3, 4]),
        ("[true, false, null].filter(v => v)", [True]),
        # 'flatten' / 'flattens an array', 'works for empty arrays'
        ("[[1, 2], [3, 4]].flatten()", [1, 2, 3, 4]),
        ("[].flatten()", []),
        ("[[], []].flatten()", []),
        ("[[1, 2], [], []].flatten()", [1, 2]),
        ("[[], [3, 4]].flatten()", [3, 4]),
        # 'indexOf' / 'returns the index of an element if the element was found', 'returns null if no
        # element was found', 'starts searching at the given index'
        (f"{ABCB}.indexOf('a')", 0),
        (f"{ABCB}.indexOf('b')", 1),
        (f"{ABCB}.indexOf('c')", 2),
        ("['a', 'b', 'c'].indexOf('d')", None),
        (f"{ABBD}.indexOf('b', 0)", 1),
        (f"{ABBD}.indexOf('b', 1)", 1),
        (f"{ABBD}.indexOf('b', 2)", 2),
        (f"{ABBD}.indexOf('b', 3)", None),
        # 'indexWhere' / the same three cases, null being falsy
        (f"{ABCB}.indexWhere(v => v == 'a')", 0),
        (f"{ABCB}.indexWhere(v => v == 'b')", 1),
        (f"{ABCB}.indexWhere(v => v == 'c')", 2),
        ("['a', 'b', 'c'].indexWhere(v => false)", None),
        ("['a', 'b', 'c'].indexWhere(v => null)", None),
        (f"{ABBD}.indexWhere(v => v == 'b', 0)", 1),
        (f"{ABBD}.indexWhere(v => v == 'b', 1)", 1),
        (f"{ABBD}.indexWhere(v => v == 'b', 2)", 2),
        (f"{ABBD}.indexWhere(v => v == 'b', 3)", None),
        # 'lastIndexOf' / '... found', '... not found', 'starts searching backwards at the given index'
        (f"{ABCB}.lastIndexOf('a')", 0),
        (f"{ABCB}.lastIndexOf('b')", 3),
        (f"{ABCB}.lastIndexOf('c')", 2),
        ("['a', 'b', 'c'].lastIndexOf('d')", None),
        (f"{ABBD}.lastIndexOf('b', 0)", None),
        (f"{ABBD}.lastIndexOf('b', 1)", 1),
        (f"{ABBD}.lastIndexOf('b', 2)", 2),
        (f"{ABBD}.lastIndexOf('b', 3)", 2),
        # 'lastIndexWhere' / the same three cases
        (f"{ABCB}.lastIndexWhere(v => v == 'a')", 0),
        (f"{ABCB}.lastIndexWhere(v => v == 'b')", 3),
        (f"{ABCB}.lastIndexWhere(v => v == 'c')", 2),
        ("['a', 'b', 'c'].lastIndexWhere(v => false)", None),
        ("['a', 'b', 'c'].lastIndexWhere(v => null)", None),
        (f"{ABBD}.lastIndexWhere(v => v == 'b', 0)", None),
        (f"{ABBD}.lastIndexWhere(v => v == 'b', 1)", 1),
        (f"{ABBD}.lastIndexWhere(v => v == 'b', 2)", 2),
        (f"{ABBD}.lastIndexWhere(v => v == 'b', 3)", 2),
        # 'length' / 'returns the length of the array'
        ("[].length", 0),
        ("[1].length", 1),
        ("[1, 2].length", 2),
        # 'prepend' / 'prepends an element at the start of the array'
        ("[].prepend(5)", [5]),
        ("[2, 3].prepend(1)", [1, 2, 3]),
        # 'slice' / 'returns a sliced portion of the array', 'calling with one argument slices to the end
        # of the array', 'indexes out of bounds will not error'
        ("[1, 2, 3].slice(0, 0)", []),
        ("[1, 2, 3].slice(0, 1)", [1]),
        ("[1, 2, 3].slice(0, 2)", [1, 2]),
        ("[1, 2, 3].slice(0, 3)", [1, 2, 3]),
        ("[1, 2, 3].slice(0, 4)", [1, 2, 3]),
        ("[1, 2, 3].slice(0)", [1, 2, 3]),
        ("[1, 2, 3].slice(1)", [2, 3]),
        ("[1, 2, 3].slice(2)", [3]),
        ("[1, 2, 3].slice(3)", []),
        ("[1, 2].slice(0, 100)", [1, 2]),
        ("[1, 2].slice(100, 200)", []),
        ("[1, 2].slice(-50, 100)", [1, 2]),
        # 'sequence' / 'returns a set with the expected contents', 'out of order args'
        ("Array.sequence(0, 4)", [0, 1, 2, 3]),
        ("Array.sequence(4, 0)", []),
    ],
)
def test_values(db, query, expected):
    # core's checkOk: typechecked, then run; an index or length is an Int, as core's Value.Int
    got = ok(db, query)
    assert (got, type(got)) == (expected, type(expected))


@pytest.mark.parametrize(
    "method, found, written",
    [
        # 'indexWhere' / 'only creates side affects until the lambda returns true'.
        ("indexWhere", 1, ["a", "b"]),
        # 'lastIndexWhere' / 'only creates side affects until the lambda returns true': from the end.
        ("lastIndexWhere", 2, ["d", "b"]),
    ],
)
def test_only_creates_side_effects_until_the_lambda_returns_true(method, found, written):
    db = fql.connect()
    ok(db, "Collection.create({ name: 'User' })")
    query = f"['a', 'b', 'b', 'd'].{method}(v => {{\n  User.create({{ value: v }})\n  v == 'b'\n}})\n"
    assert ok(db, query) == found
    assert ok(db, "User.all().map(.value).toArray()") == written


def test_to_set_returns_a_set_containing_the_elements_of_the_array(db):
    # 'toSet' / 'returns a set containing the elements of the array': a page is 16 elements, then a cursor.
    assert ok(db, "[].toSet().paginate()") == {"data": []}
    assert ok(db, "[1, 2].toSet().paginate()") == {"data": [1, 2]}
    page = ok(db, "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17].toSet().paginate()")
    assert page["data"] == list(range(16))
    assert ok(db, f"Set.paginate({page['after']!r}).data") == [16, 17]
