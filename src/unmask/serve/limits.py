"""Limits of one server process: per-caller rate limits and a bounded analysis pool.

:class:`RateLimiter` is a token bucket per key (a token's name, or the client's
address for a caller without one): ``burst`` requests at once, then ``rate`` per
second; a refused request is told how many seconds to wait (``Retry-After``). The
buckets live in memory (each server process counts its own) and the idlest are
forgotten past ``keys``.

:class:`AnalysisPool` bounds the analyses run at once (``workers``), how many one
caller may have running or waiting (``per_caller``: one client cannot take every
worker) and how many may wait in all (``queue``); past either a request is refused
at once instead of queueing behind the others.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import anyio

__all__ = ["AnalysisPool", "Busy", "Limits", "RateLimiter", "retry_after"]


class RateLimiter:
    """Token buckets by key (see the module's text)."""

    def __init__(self, rate: float, burst: float, *, keys: int = 100_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError(f"a rate limit needs a rate above 0 and a burst of 1 or more "
                             f"(got rate {rate!r}, burst {burst!r})")
        self.rate = rate
        self.burst = float(burst)
        self.keys = keys
        self.clock = clock
        self._lock = threading.Lock()
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (level, at)

    def _level(self, key: str, now: float) -> float:
        held = self._buckets.get(key)
        if held is None:
            return self.burst
        level, at = held
        return min(self.burst, level + (now - at) * self.rate)

    def take(self, key: str, cost: float = 1.0) -> float:
        """Spend ``cost`` from ``key``'s bucket: 0.0 when allowed, else the seconds to
        wait before it would be (nothing is spent then)."""
        now = self.clock()
        with self._lock:
            level = self._level(key, now)
            if level >= cost:
                self._buckets[key] = (level - cost, now)
                self._buckets.move_to_end(key)
                while len(self._buckets) > self.keys:
                    self._buckets.popitem(last=False)
                return 0.0
            return (cost - level) / self.rate

    def wait(self, key: str, cost: float = 1.0) -> float:
        """The seconds before ``key`` could spend ``cost`` (0.0: now), spending nothing."""
        now = self.clock()
        with self._lock:
            level = self._level(key, now)
        return 0.0 if level >= cost else (cost - level) / self.rate


class Busy(Exception):
    """The pool refused a request: ``status`` 429 (this caller has enough running) or
    503 (the queue is full), with ``retry_after`` seconds."""

    def __init__(self, status: int, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


class AnalysisPool:
    """At most ``workers`` analyses at once (see the module's text)."""

    def __init__(self, workers: int = 2, *, per_caller: int = 1, queue: int = 16) -> None:
        if workers < 1 or per_caller < 1 or queue < 0:
            raise ValueError("an analysis pool needs 1 or more workers, 1 or more per caller "
                             "and a queue of 0 or more")
        self.workers = workers
        self.per_caller = per_caller
        self.queue = queue
        self._lock = threading.Lock()
        self._callers: dict[str, int] = {}
        self._pending = 0
        self._running = 0

    def running(self) -> int:
        """Analyses running now."""
        with self._lock:
            return self._running

    @contextlib.asynccontextmanager
    async def slot(self, caller: str) -> AsyncIterator[None]:
        """Hold one worker for ``caller`` while the block runs (waiting for one first);
        :class:`Busy` at once when the caller or the queue is over its bound."""
        with self._lock:
            if self._callers.get(caller, 0) >= self.per_caller:
                raise Busy(429, f"this caller already has {self.per_caller} analysis running or "
                           "waiting: wait for it to finish", 1)
            if self._pending >= self.workers + self.queue:
                raise Busy(503, "every analysis worker is busy and the queue is full: try "
                           "again shortly", 2)
            self._callers[caller] = self._callers.get(caller, 0) + 1
            self._pending += 1
        started = False
        try:
            while True:  # polled, not an event-loop primitive: any loop may run it
                with self._lock:
                    if self._running < self.workers:
                        self._running += 1
                        started = True
                        break
                await anyio.sleep(0.005)
            yield
        finally:
            with self._lock:
                if started:
                    self._running -= 1
                self._pending -= 1
                left = self._callers[caller] - 1
                if left:
                    self._callers[caller] = left
                else:
                    del self._callers[caller]


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits of one server (requests per second and bursts; see docs/serve.md).

    ``analyze``: per caller, on ``POST /api/v1/analyze``, the browser upload and TAXII
    pushes; ``failures``: wrong secrets per token key id (and sign-in failures per
    client address), after which the key id is answered 429 without checking.
    """

    analyze_rate: float = 0.5
    analyze_burst: float = 10
    failure_rate: float = 0.2
    failure_burst: float = 5
    workers: int = 2
    per_caller: int = 1
    queue: int = 16


def retry_after(seconds: float) -> str:
    """A ``Retry-After`` value: whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))
