"""What the hand-replicated driver suites (test_faunadb_*_suite.py) share: how they compare numbers by
type, and how they read an open v4 stream's events."""

from __future__ import annotations

import json
import typing as t


def typed(value: t.Any) -> t.Any:
    """`value` with each number paired with its type, so that 2 and 2.0 differ as the drivers' own values
    do (LongV and DoubleV, Ruby's Integer and Float)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return (type(value).__name__, value)
    if isinstance(value, (list, tuple)):
        return [typed(v) for v in value]
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    return value


class Events:
    """An open stream's events, one JSON object a line; what one read brings beyond a call's `n` is kept."""

    def __init__(self, response: t.Any):
        self.response, self.buffer = response, b""

    def take(self, n: int) -> list[dict]:
        """The next `n` events (fewer if the stream ends)."""
        found: list[dict] = []
        while len(found) < n:
            if b"\n" not in self.buffer:
                chunk = self.response.read1(65536)
                if not chunk:
                    break
                self.buffer += chunk
                continue
            line, _, self.buffer = self.buffer.partition(b"\n")
            if line.strip():
                found.append(json.loads(line))
        return found


def read_whole(opened: tuple[t.Any, t.Any]) -> tuple[int, t.Any]:
    """The status and JSON body of a stream request answered at once (an error), its connection closed."""
    conn, response = opened
    try:
        return response.status, json.loads(response.read())
    finally:
        conn.close()
