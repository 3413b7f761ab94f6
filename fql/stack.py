"""Deep stacks: threads that can evaluate a query as deeply nested as Fauna allows.

Fauna lets v4 functions call each other 200 deep, v10 ones 2048 frames deep, and a query's JSON nest 1000 levels;
evaluating that takes tens of thousands of Python frames, more than the main thread's stack and Python's default
recursion limit allow.
"""

from __future__ import annotations

import contextvars
import os
import queue
import sys
import threading
import typing as t

#: Each deep thread's stack: a 1000-level expression (Fauna's JSON limit) takes thousands of Python frames.
STACK_SIZE = 128 * 1024 * 1024
#: Python's recursion limit while a deep thread may run, for the same reason: a v10 frame takes 10 to 40 Python
#: frames (more in a deeply nested body), and 2048 of them must fit. It is bounded by STACK_SIZE too: a Python
#: frame reached through C code (a generator a builtin drains, a dunder) takes C stack, so the limit keeps about
#: 1.6 KiB of stack a frame (printing a value nested 15,000 deep, or the FSL of a body nested 20,000 deep, fit).
RECURSION_LIMIT = 80_000

T = t.TypeVar("T")


class _DeepRecursion:
    """The recursion limit is process-wide: raised while any deep thread may run, restored after the last."""

    def __init__(self) -> None:
        self.holders = 0
        self.saved = 0
        self.lock = threading.Lock()

    def enter(self) -> None:
        with self.lock:
            if self.holders == 0:
                self.saved = sys.getrecursionlimit()
                sys.setrecursionlimit(max(self.saved, RECURSION_LIMIT))
            self.holders += 1

    def leave(self) -> None:
        with self.lock:
            self.holders -= 1
            if self.holders == 0:
                sys.setrecursionlimit(self.saved)


RECURSION = _DeepRecursion()


def shallow_and_raised() -> bool:
    """Whether this thread's stack is an ordinary one while the recursion limit is raised for deep threads:
    deep recursion here would then overrun the C stack (a crash) before Python's RecursionError, so what may
    recurse deeply runs on a deep thread or checks its depth first."""
    return RECURSION.holders > 0 and not is_deep()


class _DeepThread(threading.Thread):
    """A daemon thread that starts with a STACK_SIZE stack: the size in force when start() runs is the one
    a thread gets (not the one when it was made), so it is set around start() itself, under a lock."""

    fql_deep = True

    def start(self) -> None:
        with _STACK_SIZE_LOCK:
            previous = threading.stack_size(STACK_SIZE)
            try:
                super().start()
            finally:
                threading.stack_size(previous)


_STACK_SIZE_LOCK = threading.Lock()


def thread(target: t.Callable[[], t.Any], name: str) -> threading.Thread:
    """A daemon thread (not started) with a deep stack; the caller holds RECURSION while it runs."""
    return _DeepThread(target=target, name=name, daemon=True)


def is_deep() -> bool:
    """Whether the current thread is one of `thread()`'s."""
    return getattr(threading.current_thread(), "fql_deep", False)


#: Seconds an idle deep thread waits for its next call before it ends.
IDLE_SECONDS = 30.0


class _Worker:
    """A deep thread kept for `run_deep`'s calls, one at a time: starting a thread with a deep stack costs
    more than a short query, and an embedding program that queries while a server's loop holds the raised
    recursion limit runs every query so. Each call runs in a new, empty context (as on a new thread), and
    answers on the queue it came with, so a caller that stopped waiting (Ctrl-C) leaves nothing behind for
    the next one."""

    def __init__(self, pool: _Pool) -> None:
        self.pool = pool
        self.calls: queue.SimpleQueue = queue.SimpleQueue()
        thread(self._serve, "fql-deep").start()

    def _serve(self) -> None:
        while True:
            try:
                fn, answer = self.calls.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                if self.pool.retire(self):
                    return
                continue
            try:
                answer.put((True, contextvars.Context().run(fn)))
            except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread
                answer.put((False, exc))
            self.pool.release(self)


class _Pool:
    """The idle deep threads (as many as have been busy at once, until each has idled IDLE_SECONDS)."""

    def __init__(self) -> None:
        self.idle: list[_Worker] = []
        self.lock = threading.Lock()

    def take(self) -> _Worker:
        with self.lock:
            if self.idle:
                return self.idle.pop()
        return _Worker(self)

    def release(self, worker: _Worker) -> None:
        with self.lock:
            self.idle.append(worker)

    def retire(self, worker: _Worker) -> bool:
        """Whether an idle `worker` may end: not if a call has just taken it."""
        with self.lock:
            if worker in self.idle:
                self.idle.remove(worker)
                return True
            return False


_POOL = _Pool()


def _forked() -> None:
    # A forked child has none of its parent's threads: the idle ones it lists would never answer.
    global _POOL
    _POOL = _Pool()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forked)


def run_deep(fn: t.Callable[[], T]) -> T:
    """`fn()` on a deep thread, waiting for it: its result, or what it raised."""
    answer: queue.SimpleQueue = queue.SimpleQueue()
    RECURSION.enter()
    try:
        _POOL.take().calls.put((fn, answer))
        ok, value = answer.get()
    finally:
        RECURSION.leave()
    if not ok:
        raise value
    return value
