"""Worker threads with deep stacks, where queries run off the event loop (a query nests as deep as its JSON)."""

from __future__ import annotations

import asyncio
import queue
import sys
import threading
import typing as t
from concurrent.futures import Future

#: Each worker's stack: a 1000-level expression (Fauna's JSON limit) takes thousands of Python frames.
STACK_SIZE = 128 * 1024 * 1024
#: Python's recursion limit while a pool is open, for the same reason.
RECURSION_LIMIT = 20_000


class _DeepRecursion:
    """The recursion limit is process-wide: raised while any pool is open, restored when the last one closes."""

    def __init__(self) -> None:
        self.pools = 0
        self.saved = 0
        self.lock = threading.Lock()

    def enter(self) -> None:
        with self.lock:
            if self.pools == 0:
                self.saved = sys.getrecursionlimit()
                sys.setrecursionlimit(max(self.saved, RECURSION_LIMIT))
            self.pools += 1

    def leave(self) -> None:
        with self.lock:
            self.pools -= 1
            if self.pools == 0:
                sys.setrecursionlimit(self.saved)


_RECURSION = _DeepRecursion()


class WorkerPool:
    """`size` daemon threads taking jobs in order; `await pool.run(fn, *args)` waits without blocking the loop."""

    def __init__(self, size: int):
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._open = True
        _RECURSION.enter()
        previous = threading.stack_size(STACK_SIZE)
        try:
            self._threads = [
                threading.Thread(target=self._work, name=f"fql-worker-{i}", daemon=True) for i in range(size)
            ]
            for thread in self._threads:
                thread.start()
        finally:
            threading.stack_size(previous)

    async def run(self, fn: t.Callable[..., t.Any], *args: t.Any) -> t.Any:
        future: Future = Future()
        self._jobs.put((future, fn, args))
        return await asyncio.wrap_future(future)

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            future, fn, args = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args))
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting request
                future.set_exception(exc)

    def close(self) -> None:
        """Let the threads finish the jobs already queued, then stop."""
        if self._open:
            self._open = False
            _RECURSION.leave()
            for _ in self._threads:
                self._jobs.put(None)
