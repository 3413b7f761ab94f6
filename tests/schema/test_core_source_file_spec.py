"""Core's SourceFileSpec (ext/model/src/test/scala/schema/fsl/): an FSL file's parsing, its name check,
appending an item and patching one in place. Core's SourceFile holds these together; fql has them as
fql.schema.parser.parse, fql.schema.manager.check_files (a push's files), fql.schema.patch.appended (an
item a query adds) and fql.schema.patch.replace_with (core's Span.replaceWith, which its patch uses).
Every case is ported.
"""

from __future__ import annotations

import pytest

from fql.schema.manager import MAIN, SchemaError, check_files
from fql.schema.parser import parse
from fql.schema.patch import appended, replace_with


def test_can_parse_fsl_file():
    items = parse("collection Foo {}", MAIN)
    assert [(item.kind, item.name) for item in items] == [("collection", "Foo")]


def test_enforces_correct_extension():
    # Core's SourceFile refuses the name (`invalid filename foo.bar`); a push of it is answered with 400.
    with pytest.raises(SchemaError) as err:
        check_files([("foo.bar", "collection Foo {}")])
    assert (err.value.status, err.value.message) == (400, "Invalid filename `foo.bar`")
    check_files([(MAIN, "collection Foo {}")])


def test_appends_an_fsl_snippet():
    assert appended("// empty file", "// another line") == "// empty file\n\n// another line"


def test_patches_an_fsl_file():
    text = "function double(x) { x * 2 }\nfunction triple(x) { x * 3 }\nfunction square(x) { x * x }\n"
    assert replace_with(text, 29, 57, "function id(x) { x }") == (
        "function double(x) { x * 2 }\nfunction id(x) { x }\nfunction square(x) { x * x }\n"
    )
