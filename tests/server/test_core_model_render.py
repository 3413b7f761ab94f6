"""Core's v4 RenderableSpec (ext/model/src/test/scala/util/RenderableSpec.scala) over the wire: what `POST /`
answers under each `X-FaunaDB-API-Version`, byte for byte. Core renders its literals directly (an index's
create event, bytes, an unresolved access provider ref); here queries make the same values. Each test
names its case."""

from __future__ import annotations

import http.client
import json

import pytest

import fql
from fql.server import ServerThread


@pytest.fixture
def port():
    with ServerThread(fql.connect()) as running:
        yield running.port


def answer(port: int, expr: object, version: str = "4") -> str:
    """The body of `POST /` as text."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {"Authorization": "Bearer secret", "X-FaunaDB-API-Version": version}
        conn.request("POST", "/", json.dumps(expr), headers)
        response = conn.getresponse()
        body = response.read().decode()
    finally:
        conn.close()
    assert response.status in (200, 201), body
    return body


def test_render_doc_event(port):
    """`render DocEventL`: an index's create event under API 2.1 names its `instance` in a `class`, and its
    `data` is the index's own `data`."""
    answer(port, {"create_collection": {"object": {"name": "coll"}}})
    index = {"name": "index", "source": {"collection": "coll"}, "serialized": True, "data": {"object": {"foo": "bar"}}}
    ts = json.loads(answer(port, {"create_index": {"object": index}}))["resource"]["ts"]
    page = answer(port, {"paginate": {"events": {"index": "index"}}}, "2.1")
    event = (
        f'{{"ts":{ts},"action":"create","instance":{{"@ref":{{"id":"index","class":{{"@ref":{{"id":"indexes"}}}}}}}},'
        '"data":{"foo":"bar"}}'
    )
    assert page == f'{{"resource":{{"data":[{event}]}}}}'


@pytest.mark.parametrize("version", ["2.0", "2.1", "3", "4"])
def test_render_bytes_use_standard_encoding(port, version):
    """`render BytesL: use standard encoding`: the bytes 0xf8 to 0xff, each alone, come back in base64 with
    `+` and `/`, padded, in every API version."""
    shown = ["+A==", "+Q==", "+g==", "+w==", "/A==", "/Q==", "/g==", "/w=="]
    query = [{"@bytes": text} for text in shown]
    assert answer(port, query, version) == json.dumps({"resource": query}, separators=(",", ":"))


def test_render_unresolved_access_provider_ref(port):
    """`render unresolved AccessProvider ref`: a provider that does not exist renders as its ref under API 3.
    The ref is written as an escape: API 3 has no `access_provider` form (introduced on 4)."""
    ref = {"@ref": {"id": "name", "collection": {"@ref": {"id": "access_providers"}}}}
    shown = answer(port, ref, "3")
    assert shown == '{"resource":{"@ref":{"id":"name","collection":{"@ref":{"id":"access_providers"}}}}}'
