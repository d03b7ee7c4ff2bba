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

:func:`client_address` is the address a caller's limits and audit lines go by: the
connecting peer, or behind a reverse proxy the server was told to trust
(``unmask serve --trusted-proxy CIDR``) the rightmost hop that is not a trusted proxy
of the one forwarding header the proxy writes: ``X-Forwarded-For`` (the default, what
most proxies append) or, when the operator says so (``--trusted-proxy-header
forwarded``), RFC 7239 ``Forwarded``. The other header is never read: a proxy that
appends one passes a client's own copy of the other through untouched, so reading
both would let a client pick its address. The headers of any other peer are ignored,
so each client behind the proxy has its own wrong-secret allowance instead of all
sharing the proxy's.
"""

from __future__ import annotations

import contextlib
import ipaddress
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import anyio

__all__ = ["AnalysisPool", "Busy", "Limits", "Network", "RateLimiter", "check_proxy_header", "client_address",
           "proxy_networks", "retry_after"]

#: A trusted proxy's network.
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


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


def proxy_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """The networks of ``--trusted-proxy`` values (an address or a CIDR); ValueError
    names a bad one."""
    out: list[Network] = []
    for value in values:
        text = value.strip()
        if not text:
            continue
        try:
            out.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise ValueError(f"trusted proxy {value!r} is not an address or a CIDR "
                             "(e.g. 10.0.0.0/8, 192.0.2.7, fd00::/8)") from None
    return tuple(out)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address of a forwarding header's hop (``1.2.3.4``, ``1.2.3.4:80``,
    ``[::1]:80``, ``::1``, quoted in ``Forwarded``), or None (``unknown``, a name, an
    obfuscated id)."""
    value = text.strip().strip('"').strip()
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


_FOR = re.compile(r'(?:^|;)\s*for\s*=\s*("[^"]*"|[^;,\s]*)', re.IGNORECASE)

#: The forwarding headers a trusted proxy may be said to write (lower case).
PROXY_HEADERS = ("x-forwarded-for", "forwarded")


def check_proxy_header(name: str) -> str:
    """``name`` as one of :data:`PROXY_HEADERS` (any case), or ValueError."""
    header = name.strip().lower()
    if header not in PROXY_HEADERS:
        raise ValueError(f"{name!r} is not a forwarding header: give one of {', '.join(PROXY_HEADERS)}")
    return header


def _hops(headers: Any, header: str) -> list[str]:
    """The client-side hops that ``header`` (``forwarded``, RFC 7239, or
    ``x-forwarded-for``) names, nearest last (every line of it)."""
    lines = headers.getlist(header) if hasattr(headers, "getlist") else []
    if header == "forwarded":
        hops: list[str] = []
        for line in lines:
            for element in line.split(","):
                found = _FOR.search(element.strip())
                hops.append(found.group(1) if found else "")
        return hops
    return [hop for line in lines for hop in line.split(",")]


def client_address(peer: str | None, headers: Any, trusted: Sequence[Network],
                   header: str = "x-forwarded-for") -> str:
    """The address a request is counted and audited under (see the module's text):
    ``peer`` unless it is in ``trusted``; then, walking ``header`` (the one forwarding
    header the trusted proxies write) from the nearest hop, the first that is not a
    trusted proxy (a hop that is not an address stops the walk at the proxy that
    reported it; every hop trusted: the farthest)."""
    if not peer:
        return "?"
    if not trusted:
        return peer
    current = _address(peer)
    if current is None or not any(current in net for net in trusted):
        return peer
    for hop in reversed(_hops(headers, check_proxy_header(header))):
        address = _address(hop)
        if address is None:
            break  # garbage from beyond the trusted proxy: the proxy's own address
        current = address
        if not any(address in net for net in trusted):
            break
    return str(current)
