"""Core's PositionSpec (ext/model/src/test/scala/ast/): a v4 error's position path, its elements in order
(indexes as integers, keys as strings) and its text, the JSON array core writes (`[1,"foo",2,"bar"]`).
Core builds a position from the root inward (`RootPosition.at(1).at("foo")...`); an fql error gets its
path from the inside out, each enclosing expression prepending its step (FQLError.at). Both cases are
ported, and the same path is checked on an error a real query makes.
"""

from __future__ import annotations

import json

import pytest

import fql
from fql.errors import InvalidArgument
from fql.server.protocol import json_bytes


def test_converts_to_list_of_elems():
    err = InvalidArgument("x")
    err.at("bar").at(2).at("foo").at(1)
    assert list(err.position) == [1, "foo", 2, "bar"]
    # A path prepended at once is the same path.
    assert list(InvalidArgument("x").at(1, "foo", 2, "bar").position) == [1, "foo", 2, "bar"]


def test_converts_to_string():
    err = InvalidArgument("x").at(1, "foo", 2, "bar")
    assert json_bytes(err.to_dict()["position"]) == b'[1,"foo",2,"bar"]'


def test_a_query_error_has_the_path_to_where_it_failed():
    db = fql.connect()
    with pytest.raises(fql.FQLError) as caught:
        db.query('[1, {foo: [0, 1, Add(1, "a")]}]')
    assert list(caught.value.position) == [1, "object", "foo", 2, "add", 1]
    assert json.loads(json_bytes(caught.value.to_dict()))["position"] == [1, "object", "foo", 2, "add", 1]
