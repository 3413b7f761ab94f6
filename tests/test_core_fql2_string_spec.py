"""Cases from core's FQL2StringSpec (ext/model/src/test/scala/fql2/stdlib/FQL2StringSpec.scala), run embedded:
each method's signature (`testSig`), the values with their kinds (`checkOk`, `evalOk`) and the errors with
their codes, messages and spans (`checkErr`; spans count UTF-16 units, as core's do). Each case names the
spec case it ports (`method / case`).

tests/fixtures/v10/strings.fql holds many of the same values (and more edge cases); they are restated here
so that this module is the whole spec, with the spans the fixture cannot check.

Skipped: '+' / 'has signature' and '[]' / 'has signature' (an operator is no member a query can name, so
its signature cannot be looked up); the `testSigPending` cases of parseDouble, parseInt and parseLong
(pending in core: the signatures they name are not core's yet).
"""

from __future__ import annotations

import pytest

import fql
from tests.core_scalar_helpers import err, ok, signatures, utf16_span

LIMIT = 16 * 1024 * 1024


@pytest.fixture(scope="module")
def db() -> fql.Database:
    return fql.connect()


SIGNATURES = {
    "at": ["at(index: Number) => String"],
    "concat": ["concat(other: String) => String"],
    "casefold": ["casefold() => String", "casefold(format: String) => String"],
    "endsWith": ["endsWith(suffix: String) => Boolean"],
    "insert": ["insert(index: Number, other: String) => String"],
    "includes": ["includes(pattern: String) => Boolean"],
    "includesRegex": ["includesRegex(regex: String) => Boolean"],
    "indexOf": ["indexOf(pattern: String) => Number | Null", "indexOf(pattern: String, start: Number) => Number | Null"],
    "indexOfRegex": [
        "indexOfRegex(regex: String) => Number | Null",
        "indexOfRegex(regex: String, start: Number) => Number | Null",
    ],
    "lastIndexOf": [
        "lastIndexOf(pattern: String) => Number | Null",
        "lastIndexOf(pattern: String, end: Number) => Number | Null",
    ],
    "length": ["Number"],
    "matches": ["matches(regex: String) => Array<String>"],
    "matchIndexes": ["matchIndexes(regex: String) => Array<[Number, String]>"],
    "parseDouble": ["parseDouble() => Number | Null"],
    "parseInt": ["parseInt() => Number | Null", "parseInt(radix: Number) => Number | Null"],
    "parseLong": ["parseLong() => Number | Null", "parseLong(radix: Number) => Number | Null"],
    "parseNumber": ["parseNumber() => Number | Null"],
    "replace": [
        "replace(pattern: String, replacement: String) => String",
        "replace(pattern: String, replacement: String, amount: Number) => String",
    ],
    "replaceRegex": [
        "replaceRegex(regex: String, replacement: String) => String",
        "replaceRegex(regex: String, replacement: String, amount: Number) => String",
    ],
    "replaceAll": ["replaceAll(pattern: String, replacement: String) => String"],
    "replaceAllRegex": ["replaceAllRegex(pattern: String, replacement: String) => String"],
    "startsWith": ["startsWith(prefix: String) => Boolean"],
    "slice": ["slice(start: Number) => String", "slice(start: Number, end: Number) => String"],
    "split": ["split(separator: String) => Array<String>"],
    "splitRegex": ["splitRegex(regex: String) => Array<String>"],
    "splitAt": ["splitAt(index: Number) => [String, String]"],
    "toString": ["toString() => String"],
    "toLowerCase": ["toLowerCase() => String"],
    "toUpperCase": ["toUpperCase() => String"],
}


@pytest.mark.parametrize("member", list(SIGNATURES))
def test_has_signature(db, member):
    # '<member>' / 'has signature ...'
    assert signatures(db, f"'foo'.{member}") == SIGNATURES[member]


def _cases(group: str, *pairs) -> list:
    return [pytest.param(query, expected, id=f"{group}: {query}") for query, expected in pairs]


NULL = None
VALUES = [
    *_cases("+ / concatenates another string", ("'foo' + 'bar'", "foobar"), ("'foo' + ''", "foo"), ("'' + 'bar'", "bar")),
    *_cases(
        "at / selects the character at the given index",
        ("'foo'[0]", "f"),
        ("'foo'[1]", "o"),
        ("'foo'[2]", "o"),
        ("'foo'.at(0)", "f"),
        ("'foo'.at(1)", "o"),
        ("'foo'.at(2)", "o"),
    ),
    *_cases(
        "at / selects surrogate pairs correctly",
        ("'fo😍o'[0]", "f"),
        ("'fo😍o'[1]", "o"),
        ("'fo😍o'[2]", "😍"),
        ("'fo😍o'[3]", "o"),
    ),
    *_cases(
        "concat / concatenates another string",
        ("'foo'.concat('bar')", "foobar"),
        ("'foo'.concat('')", "foo"),
        ("''.concat('bar')", "bar"),
    ),
    *_cases(
        "casefold / converts an ascii string to lowercase",
        ("'FQL-X'.casefold()", "fql-x"),
        ("'foobar'.casefold()", "foobar"),
    ),
    *_cases(
        "casefold / converts non-ascii characters to lowercase",
        # The escape is the FQL parser's to read.
        ("'\\u0130stanbul'.casefold()", "i̇stanbul"),
        ("'John Doe'.casefold()", "john doe"),
        ("'İstanbul'.casefold()", "i̇stanbul"),
        ("'Diyarbakır'.casefold()", "diyarbakır"),
        ("'φιλόσοφος'.casefold()", "φιλόσοφοσ"),
        ("'Weißkopfseeadler'.casefold()", "weisskopfseeadler"),
    ),
    *_cases(
        "casefold / allows a format specifier",
        *((f"'foo'.casefold('{name}')", "foo") for name in ("NFKCCaseFold", "NFC", "NFD", "NFKC", "NFKD")),
    ),
    *_cases("endsWith / checks if string ends with another string", ("'foo'.endsWith('o')", True), ("'foo'.endsWith('b')", False)),
    *_cases("endsWith / strings always start with themselves", ("'foo'.endsWith('foo')", True)),
    *_cases("endsWith / longer strings will not work", ("'foo'.endsWith('barfoo')", False)),
    *_cases(
        "insert / inserts the given string into the source string",
        ("'foo'.insert(0, 'bar')", "barfoo"),
        ("'foo'.insert(1, 'bar')", "fbaroo"),
        ("'foo'.insert(2, 'bar')", "fobaro"),
        ("'foo'.insert(3, 'bar')", "foobar"),
    ),
    *_cases(
        "insert / handles surrogate pairs correctly",
        ("'f😍o'.insert(0, 'bar')", "barf😍o"),
        ("'f😍o'.insert(1, 'bar')", "fbar😍o"),
        ("'f😍o'.insert(2, 'bar')", "f😍baro"),
        ("'f😍o'.insert(3, 'bar')", "f😍obar"),
    ),
    *_cases(
        "includes / returns true if the given argument is included in self",
        ("'foo'.includes('o')", True),
        ("'foo'.includes('f')", True),
        ("'foo'.includes('foo')", True),
    ),
    *_cases(
        "includes / returns false if the given argument is not included in self",
        ("'foo'.includes('b')", False),
        ("'foo'.includes('bar')", False),
        ("'foo'.includes('fooo')", False),
    ),
    *_cases(
        "includesRegex / returns true if self matches the given regex",
        ("'foo'.includesRegex('f')", True),
        ("'foo'.includesRegex('.')", True),
        ("'foo'.includesRegex('[a-z]')", True),
    ),
    *_cases(
        "includesRegex / returns false if self does not match the given regex",
        ("'foo'.includesRegex('b')", False),
        ("''.includesRegex('.')", False),
        ("''.includesRegex('[a-z]')", False),
    ),
    *_cases("indexOf / returns the index of the first match", ("'foo'.indexOf('o')", 1), ("'foo'.indexOf('f')", 0)),
    *_cases("indexOf / returns null when there is no match", ("'foo'.indexOf('bar')", NULL)),
    *_cases(
        "indexOf / starts searching from the given index",
        ("'foo'.indexOf('o', 0)", 1),
        ("'foo'.indexOf('o', 1)", 1),
        ("'foo'.indexOf('o', 2)", 2),
    ),
    *_cases(
        "indexOf / handles surrogate pairs correctly",
        ("'f😍o'.indexOf('f')", 0),
        ("'f😍o'.indexOf('😍')", 1),
        ("'f😍o'.indexOf('o')", 2),
    ),
    *_cases(
        "indexOf / starts searching from the given index with surrogate pairs",
        ("'f😍😍'.indexOf('😍', 0)", 1),
        ("'f😍😍'.indexOf('😍', 1)", 1),
        ("'f😍😍'.indexOf('😍', 2)", 2),
    ),
    *_cases(
        "indexOfRegex / returns the index of the first match",
        ("'foo 123'.indexOfRegex('o')", 1),
        ("'foo 123'.indexOfRegex('f')", 0),
        ("'foo 123'.indexOfRegex('[0-9]')", 4),
        # "length but worse"
        ("'foo 123'.indexOfRegex('$')", 7),
    ),
    *_cases("indexOfRegex / returns null when there is no match", ("'foo'.indexOfRegex('\\\\W')", NULL)),
    *_cases(
        "indexOfRegex / starts searching from the given index",
        ("'foo'.indexOfRegex('o', 0)", 1),
        ("'foo'.indexOfRegex('o', 1)", 1),
        ("'foo'.indexOfRegex('o', 2)", 2),
    ),
    *_cases(
        "indexOfRegex / handles surrogate pairs correctly",
        ("'f😍o'.indexOfRegex('f')", 0),
        ("'f😍o'.indexOfRegex('😍')", 1),
        ("'f😍o'.indexOfRegex('o')", 2),
    ),
    *_cases(
        "indexOfRegex / starts searching from the given index with surrogate pairs",
        ("'f😍😍'.indexOfRegex('😍', 0)", 1),
        ("'f😍😍'.indexOfRegex('😍', 1)", 1),
        ("'f😍😍'.indexOfRegex('😍', 2)", 2),
    ),
    *_cases(
        "lastIndexOf / returns the index of the first match",
        ("'foo'.lastIndexOf('o')", 2),
        ("'foo'.lastIndexOf('f')", 0),
    ),
    *_cases("lastIndexOf / returns null when there is no match", ("'foo'.lastIndexOf('bar')", NULL)),
    *_cases(
        "lastIndexOf / searchs backwards from the given index",
        ("'foobar'.lastIndexOf('o', 0)", NULL),
        ("'foobar'.lastIndexOf('o', 1)", 1),
        ("'foobar'.lastIndexOf('o', 2)", 2),
        ("'foobar'.lastIndexOf('o', 3)", 2),
        ("'foobar'.lastIndexOf('o', 4)", 2),
        ("'foobar'.lastIndexOf('o', 5)", 2),
    ),
    *_cases(
        "lastIndexOf / handles surrogate pairs correctly",
        ("'f😍o'.lastIndexOf('f')", 0),
        ("'f😍o'.lastIndexOf('😍')", 1),
        ("'f😍o'.lastIndexOf('o')", 2),
    ),
    *_cases(
        "lastIndexOf / starts searching from the given index with surrogate pairs",
        ("'f😍😍'.lastIndexOf('😍', 0)", NULL),
        ("'f😍😍'.lastIndexOf('😍', 1)", 1),
        ("'f😍😍'.lastIndexOf('😍', 2)", 2),
    ),
    *_cases("length / returns the length of a string", ("''.length", 0), ("'foo'.length", 3)),
    *_cases(
        "length / counts surrogate pairs as one character in the length",
        ("'fo😍o'.length", 4),
        ("'fo😍😍'.length", 4),
    ),
    *_cases("matches / returns matches of the given regex", ("'foo bar baz'.matches('\\\\w+')", ["foo", "bar", "baz"])),
    *_cases(
        "matchIndexes / returns matches of the given regex",
        ("'foo bar baz'.matchIndexes('\\\\w+')", [[0, "foo"], [4, "bar"], [8, "baz"]]),
    ),
    *_cases(
        "matchIndexes / returned indexes handle surrogates correctly",
        ("'f😍😍 bar baz'.matchIndexes('\\\\S+')", [[0, "f😍😍"], [4, "bar"], [8, "baz"]]),
    ),
    *_cases(
        "parseDouble / parses the given value as a double",
        ("'3'.parseDouble()", 3.0),
        ("'4294967297'.parseDouble()", 4294967297.0),
        ("'50.0'.parseNumber()", 50.0),
        ("'50.123'.parseNumber()", 50.123),
        ("'5a'.parseDouble()", NULL),
    ),
    *_cases(
        "parseInt / parses the given value as an integer",
        ("'3'.parseInt()", 3),
        ("'4294967297'.parseInt()", NULL),
        ("'50.0'.parseInt()", NULL),
        ("'5a'.parseInt()", NULL),
    ),
    *_cases("parseInt / accepts a radix argument", ("'1a3'.parseInt(16)", 0x1A3), ("'1az3'.parseInt(16)", NULL)),
    *_cases(
        "parseLong / parses the given value as a long",
        ("'3'.parseLong()", 3),
        ("'4294967297'.parseLong()", 4294967297),
        ("'50.0'.parseLong()", NULL),
        ("'5a'.parseLong()", NULL),
    ),
    *_cases("parseLong / accepts a radix argument", ("'1a3'.parseLong(16)", 0x1A3), ("'1az3'.parseLong(16)", NULL)),
    *_cases(
        "parseNumber / parses the given value as a number",
        ("'3'.parseNumber()", 3),
        ("'4294967297'.parseNumber()", 4294967297),
        ("'50.0'.parseNumber()", 50.0),
        ("'5a'.parseNumber()", NULL),
    ),
    *_cases(
        "replace / replaces the first occurrence of text in the given string",
        ("'foobar'.replace('foo', 'bar')", "barbar"),
        ("'foobar'.replace('o', 'oo')", "fooobar"),
    ),
    *_cases(
        "replace / accepts a count for how many replacements to make",
        ("'foobar'.replace('o', 'oo', 1)", "fooobar"),
        ("'foobar'.replace('o', 'oo', 2)", "foooobar"),
        ("'foobar'.replace('o', 'oo', 3)", "foooobar"),
    ),
    *_cases(
        "replaceRegex / replaces the first occurance of text in the given string",
        ("'foo bar'.replaceRegex('\\\\w+', 'bar')", "bar bar"),
        ("'foo1234bar'.replaceRegex('[0-9]', 'z')", "fooz234bar"),
    ),
    *_cases(
        "replaceRegex / accepts a count for how many replacements to make",
        ("'foo bar'.replaceRegex('\\\\w', 'z', 1)", "zoo bar"),
        ("'foo bar'.replaceRegex('\\\\w', 'z', 2)", "zzo bar"),
        ("'foo bar'.replaceRegex('\\\\w', 'z', 3)", "zzz bar"),
        ("'foo bar'.replaceRegex('\\\\w', 'z', 4)", "zzz zar"),
    ),
    *_cases(
        "replaceAll / replaces all occurances of text in the given string",
        ("'foobar'.replaceAll('foo', 'bar')", "barbar"),
        ("'foobar'.replaceAll('o', 'oo')", "foooobar"),
    ),
    *_cases(
        "replaceAllRegex / replaces all occurances of the given regex in the string",
        ("'foobar'.replaceAllRegex('\\\\w', 'z')", "zzzzzz"),
        ("'1 2 3'.replaceAllRegex('\\\\W', '::')", "1::2::3"),
    ),
    *_cases(
        "startsWith / checks if string starts with another string",
        ("'foo'.startsWith('f')", True),
        ("'foo'.startsWith('b')", False),
    ),
    *_cases("startsWith / strings always start with themselves", ("'foo'.startsWith('foo')", True)),
    *_cases("startsWith / longer strings will not work", ("'foo'.startsWith('foobar')", False)),
    *_cases(
        "slice / returns the characters from the first to the second index",
        ("'foo'.slice(0, 0)", ""),
        ("'foo'.slice(0, 1)", "f"),
        ("'foo'.slice(0, 2)", "fo"),
        ("'foo'.slice(1, 0)", ""),
        ("'foo'.slice(1, 1)", ""),
        ("'foo'.slice(1, 2)", "o"),
    ),
    *_cases(
        "slice / allows indexes out of bounds",
        ("'foo'.slice(0, 3)", "foo"),
        ("'foo'.slice(-1, 3)", "foo"),
        ("'foo'.slice(-1, 10)", "foo"),
    ),
    *_cases(
        "slice / accepts a single argument",
        ("'foo'.slice(0)", "foo"),
        ("'foo'.slice(1)", "oo"),
        ("'foo'.slice(2)", "o"),
        ("'foo'.slice(3)", ""),
        ("'foo'.slice(4)", ""),
        ("'f😍o'.slice(0)", "f😍o"),
        ("'f😍o'.slice(1)", "😍o"),
        ("'f😍o'.slice(2)", "o"),
        ("'f😍o'.slice(3)", ""),
        ("'f😍o'.slice(4)", ""),
    ),
    *_cases(
        "slice / handles surrogate pairs correctly",
        ("'fo😍o'.slice(0, 0)", ""),
        ("'fo😍o'.slice(0, 1)", "f"),
        ("'fo😍o'.slice(0, 2)", "fo"),
        ("'fo😍o'.slice(0, 3)", "fo😍"),
        ("'fo😍o'.slice(0, 4)", "fo😍o"),
        ("'fo😍o'.slice(0, 5)", "fo😍o"),
        ("'fo😍😍'.slice(0, 0)", ""),
        ("'fo😍😍'.slice(0, 1)", "f"),
        ("'fo😍😍'.slice(0, 2)", "fo"),
        ("'fo😍😍'.slice(0, 3)", "fo😍"),
        ("'fo😍😍'.slice(0, 4)", "fo😍😍"),
        ("'fo😍😍'.slice(0, 5)", "fo😍😍"),
    ),
    *_cases("split / splits text by the given delimiter", ("'foo bar baz'.split(' ')", ["foo", "bar", "baz"])),
    *_cases(
        "split / multiple delimiters in the source string will result in empty strings in the result",
        ("'foo::bar'.split(':')", ["foo", "", "bar"]),
    ),
    *_cases(
        "split / trailing/preceding delimiters will be counted",
        ("'1:2:'.split(':')", ["1", "2", ""]),
        ("':1:2'.split(':')", ["", "1", "2"]),
        ("':1:2:'.split(':')", ["", "1", "2", ""]),
    ),
    *_cases("split / empty delimiter will return all chars in the source string", ("'foo'.split('')", ["f", "o", "o"])),
    *_cases("split / zero-character edge cases", ("'12'.split('')", ["1", "2"])),
    *_cases(
        "splitRegex / splits text by the given regex",
        ("'foo bar  \\t  baz'.splitRegex('\\\\W+')", ["foo", "bar", "baz"]),
    ),
    *_cases(
        "splitRegex / multiple delimiters in the source string will result in empty strings in the result",
        ("'foo::bar'.splitRegex(':')", ["foo", "", "bar"]),
    ),
    *_cases(
        "splitRegex / trailing/preceding delimiters will be counted",
        ("'1:2:'.splitRegex(':')", ["1", "2", ""]),
        ("':1:2'.splitRegex(':')", ["", "1", "2"]),
        ("':1:2:'.splitRegex(':')", ["", "1", "2", ""]),
    ),
    *_cases(
        "splitRegex / empty delimiter will return all chars in the source string",
        ("'foo'.splitRegex('')", ["f", "o", "o"]),
    ),
    *_cases(
        "splitRegex / zero-character edge cases",
        ("'12'.splitRegex('(1|)')", ["", "2", ""]),
        ("'12'.splitRegex('')", ["1", "2"]),
    ),
    *_cases(
        "splitAt / splits text at the given index",
        ("'foobar'.splitAt(3)", ["foo", "bar"]),
        ("'foobar'.splitAt(0)", ["", "foobar"]),
    ),
    *_cases("splitAt / allows index at length of string", ("'foobar'.splitAt(6)", ["foobar", ""])),
    *_cases("toString / returns the original string", ("'FQL-X'.toString()", "FQL-X"), ("'foobar'.toString()", "foobar")),
    *_cases(
        "toLowerCase / converts string to lowercase",
        ("'FQL-X'.toLowerCase()", "fql-x"),
        ("'foobar'.toLowerCase()", "foobar"),
    ),
    *_cases(
        "toUpperCase / converts string to uppercase",
        ("'FQL-X'.toUpperCase()", "FQL-X"),
        ("'foobar'.toUpperCase()", "FOOBAR"),
    ),
]


def _same(found, expected) -> bool:
    """Equal, and of the same kind (an integer is no Double; True is no 1); Int against Long is
    test_number_kinds' to check."""
    if isinstance(expected, list):
        return isinstance(found, list) and len(found) == len(expected) and all(map(_same, found, expected))
    if type(expected) is int:
        return isinstance(found, int) and not isinstance(found, bool) and found == expected
    return type(found) is type(expected) and found == expected


@pytest.mark.parametrize("query, expected", VALUES)
def test_values(db, query, expected):
    assert _same(ok(db, query), expected)


@pytest.mark.parametrize(
    "query, kind",
    [
        # 'parseInt' / ...: `Value.Int`; 'parseLong' / ...: `Value.Long` even when small; 'parseNumber' /
        # 'parses the given value as a number': the narrowest of Int, Long and Double.
        ("'3'.parseInt()", "Int"),
        ("'1a3'.parseInt(16)", "Int"),
        ("'3'.parseLong()", "Long"),
        ("'4294967297'.parseLong()", "Long"),
        ("'1a3'.parseLong(16)", "Long"),
        ("'3'.parseNumber()", "Int"),
        ("'4294967297'.parseNumber()", "Long"),
        ("'50.0'.parseNumber()", "Double"),
        ("'3'.parseDouble()", "Double"),
        ("'4294967297'.parseDouble()", "Double"),
        ("'foo'.indexOf('o')", "Int"),
        ("'foo'.length", "Int"),
    ],
)
def test_number_kinds(db, query, kind):
    assert ok(db, f"let n = {query}; [n isa Int, n isa Long, n isa Double]") == [
        kind == "Int",
        kind == "Long",
        kind == "Double",
    ]


@pytest.mark.parametrize(
    "query, message, span",
    [
        ("'foo' + 3", "Type `Int` is not a subtype of `String`", (8, 9)),
        ("'foo' + true", "Type `Boolean` is not a subtype of `String | Number`", (8, 12)),
        ("'foo' + 2.5", "Type `Double` is not a subtype of `String`", (8, 11)),
        ("'foo' + Date('1970-01-01')", "Type `Date` is not a subtype of `String | Number`", (8, 26)),
    ],
)
def test_plus_concatenates_any_other_value_typechecked(db, query, message, span):
    # '+' / 'concatenates any other value': refused by the typechecker...
    assert err(db, query) == ("invalid_query", message, span)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("'foo' + 3", "foo3"),
        ("'foo' + true", "footrue"),
        ("'foo' + 2.5", "foo2.5"),
        ("'foo' + Date('1970-01-01')", "foo1970-01-01"),
    ],
)
def test_plus_concatenates_any_other_value_untypechecked(db, query, expected):
    # ... and shown as a string without it.
    assert ok(db, query, typecheck=False) == expected


ERRORS = [
    # 'at' / 'selects surrogate pairs correctly', 'disallows negative indexes': spans in UTF-16 units.
    ("'fo😍o'[4]", "index_out_of_bounds", "index 4 out of bounds for length 4", (7, 10)),
    ("'fo😍o'[5]", "index_out_of_bounds", "index 5 out of bounds for length 4", (7, 10)),
    ("'fo😍😍'[5]", "index_out_of_bounds", "index 5 out of bounds for length 4", (8, 11)),
    ("'fo😍o'[-1]", "index_out_of_bounds", "index -1 out of bounds for length 4", (7, 11)),
    # 'casefold' / 'allows a format specifier'
    (
        "'foo'.casefold('wrong')",
        "invalid_argument",
        "invalid argument `format`: expected a casefold format (one of NFKCCaseFold, NFC, NFD, NFKC, or NFKD)",
        (14, 23),
    ),
    # 'insert' / 'errors for an index larger than the length of the string', 'errors for negative indices'
    ("'foo'.insert(4, 'bar')", "index_out_of_bounds", "index 4 out of bounds for length 3", (12, 22)),
    ("'f😍o'.insert(4, 'bar')", "index_out_of_bounds", "index 4 out of bounds for length 3", (13, 23)),
    ("'f😍😍'.insert(4, 'bar')", "index_out_of_bounds", "index 4 out of bounds for length 3", (14, 24)),
    ("'foo'.insert(-1, 'bar')", "index_out_of_bounds", "index -1 out of bounds for length 3", (12, 23)),
    # 'indexOf' / 'errors if the index is outside of the given string'
    ("'foo'.indexOf('o', 5)", "index_out_of_bounds", "index 5 out of bounds for length 3", (13, 21)),
    ("'f😍😍'.indexOf('😍', 5)", "index_out_of_bounds", "index 5 out of bounds for length 3", (15, 24)),
    # 'indexOfRegex' / 'errors if the index is outside of the given string'
    ("'foo'.indexOfRegex('o', 5)", "index_out_of_bounds", "index 5 out of bounds for length 3", (18, 26)),
    ("'f😍😍'.indexOfRegex('😍', 5)", "index_out_of_bounds", "index 5 out of bounds for length 3", (20, 29)),
    # 'lastIndexOf' / 'errors if the index is outside of the given string'
    ("'foo'.lastIndexOf('o', 5)", "index_out_of_bounds", "index 5 out of bounds for length 3", (17, 25)),
    ("'f😍😍'.lastIndexOf('😍', 5)", "index_out_of_bounds", "index 5 out of bounds for length 3", (19, 28)),
    # 'matches' / 'returns an error for an invalid regex', 'matchIndexes' / the same
    (
        "'foo bar baz'.matches('+')",
        "invalid_regex",
        "Invalid regular expression. Dangling meta character '+' at index 0",
        (21, 26),
    ),
    (
        "'foo bar baz'.matchIndexes('+')",
        "invalid_regex",
        "Invalid regular expression. Dangling meta character '+' at index 0",
        (26, 31),
    ),
    # 'replace' / 'disallows a count less than 1', 'replaceRegex' / the same
    (
        "'foo bar'.replace('o', 'z', 0)",
        "invalid_argument",
        "invalid argument `count`: must be greater than or equal to 1",
        (17, 30),
    ),
    (
        "'foo bar'.replaceRegex('\\\\w', 'z', 0)",
        "invalid_argument",
        "invalid argument `count`: must be greater than or equal to 1",
        (22, 37),
    ),
]


@pytest.mark.parametrize("query, code, message, span", ERRORS, ids=[q for q, *_ in ERRORS])
def test_errors(db, query, code, message, span):
    assert err(db, query) == (code, message, span)


# -- the 16 MiB limit ---------------------------------------------------------------------------------


def _too_large(size: int) -> str:
    return f"Value too large: string size {size} exceeds limit {LIMIT}."


def test_plus_limits_the_size_of_the_result(db):
    # '+' / 'limits the size of the result': the span is the operand that makes it too long.
    s = "a" * (LIMIT // 2)
    assert err(db, f"'{s}' + '{s}' + 'a'") == ("value_too_large", _too_large(LIMIT + 1), (16777226, 16777229))


def test_concat_limits_the_size_of_the_result(db):
    # 'concat' / 'limits the size of the result' (the query from core's bug report): the error is raised
    # in the lambda, called by fold.
    query = (
        'let str = "Lorem ipsum dolor sit amet,Lorem ipsum dolor sit amet";\n'
        "[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0].fold(\n"
        "  str, (acc, val) => acc.concat(acc)\n"
        ")"
    )
    with pytest.raises(fql.FQLError) as info:
        ok(db, query)
    e = info.value
    assert (e.v10_code, e.description) == ("value_too_large", _too_large(27787264))
    # The stack, innermost first: the concat call's arguments, then fold's.
    stack = [utf16_span(query, frame[2]) for frame in e.frames] + [utf16_span(query, e.span)]
    assert stack == [(158, 163), (125, 165)]


def test_insert_limits_the_size_of_the_result(db):
    # 'insert' / 'limits the size of the result'
    s = "a" * LIMIT
    assert err(db, f"'{s}'.insert(0, 'a')") == ("value_too_large", _too_large(LIMIT + 1), (16777225, 16777233))


def test_replace_limits_the_size_of_the_result(db):
    # 'replace' / 'limits the size of the result': long but OK once, too long twice.
    a = "a" * (LIMIT // 4)
    base = f"{a}b{a}bc"
    assert ok(db, f"'{base}'.replace('b', '{a}', 1)") == f"{a}{a}{a}bc"
    assert err(db, f"'{base}'.replace('b', '{a}', 2)") == (
        "value_too_large",
        _too_large(LIMIT + 1),
        (8388621, 12582937),
    )
