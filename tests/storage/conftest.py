"""The `store` fixture: every storage contract test runs against each backend."""

from __future__ import annotations

import pytest

from fql.storage.memory import MemoryStorage

BACKENDS = ["memory"]


@pytest.fixture(params=BACKENDS)
def store(request):
    storage = {"memory": MemoryStorage}[request.param]()
    yield storage
    storage.close()
