"""A read before its collection's minimum valid time over HTTP (tests/test_mvt.py has the rules): core's
ExceptionResponseHelpers answers it as a protocol error, 400, `invalid_request` in v10, `bad request` in v4.
Ported: api FQL2BasicSpec "returns a 400 when reading before MVT"."""

from __future__ import annotations

import json

PREFIX = "Requested timestamp 2000-01-01T00:00:00Z less than minimum allowed timestamp"


def v10(raw, query: str) -> tuple[int, dict]:
    status, _, body = raw("POST", "/query/1", json.dumps({"query": query}))
    return status, body


def test_fql2_basic_spec_returns_a_400_when_reading_before_mvt(raw):
    assert v10(raw, 'Collection.create({ name: "Author", "history_days": 0 })')[0] == 200
    status, body = v10(raw, '\nat (Time("2000-01-01T00:00:00.000Z")) {\n  Author.byId("1")!.foo\n}\n')
    assert status == 400
    assert body["error"]["code"] == "invalid_request"
    assert PREFIX in body["error"]["message"]


def test_v4_a_read_before_mvt_is_a_bad_request(raw):
    assert raw.query({"create_collection": {"object": {"name": "c"}}})[0] == 201
    get = {"get": {"ref": {"collection": "c"}, "id": "1"}, "ts": {"time": "2000-01-01T00:00:00Z"}}
    status, _, body = raw.query(get)
    assert status == 400
    [error] = body["errors"]
    assert error["code"] == "bad request" and error["description"].startswith(PREFIX)
