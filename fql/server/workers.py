"""Worker threads with deep stacks, where queries run off the event loop (a query nests as deep as its JSON)."""

from __future__ import annotations

import asyncio
import queue
import typing as t
from concurrent.futures import Future

from .. import stack


class WorkerPool:
    """`size` daemon threads taking jobs in order; `await pool.run(fn, *args)` waits without blocking the loop."""

    def __init__(self, size: int):
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._open = True
        stack.RECURSION.enter()
        self._threads = [stack.thread(self._work, f"fql-worker-{i}") for i in range(size)]
        for thread in self._threads:
            thread.start()

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
            stack.RECURSION.leave()
            for _ in self._threads:
                self._jobs.put(None)
