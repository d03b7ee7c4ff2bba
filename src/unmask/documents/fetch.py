"""Fetch a URL the user passed: http(s) only, size-limited, with timeouts and a redirect cap.

This is the one place unmask's readers meet the network, and only for a URL given on
the command line or to :func:`~unmask.documents.read_all` (DESIGN principle 2: nothing
is fetched unless the user asks). It uses the standard library's ``urllib`` — no extra
dependency — with:

- **http and https only**; a redirect to any other scheme is refused;
- **a size limit** (``UNMASK_MAX_BYTES``, default 100 MB) enforced while streaming, on
  the decoded bytes: a ``Content-Length`` over it stops before reading, a body (or a
  gzip bomb) growing past it is aborted;
- **timeouts**: ``UNMASK_FETCH_TIMEOUT`` seconds (default 20) for connecting and for
  each read, and ten times that for the whole transfer (a server trickling bytes);
- **at most** :data:`MAX_REDIRECTS` redirects;
- for links found *in* a document (a feed entry's page, ``--follow``), **public hosts
  only**: a host that is or resolves to a loopback, private, link-local or other
  non-global address is refused, before connecting and at every redirect, unless it is
  the host the feed itself came from (a feed must not make the analyst's machine fetch
  its intranet or a cloud metadata service). The check resolves the name itself, so a
  DNS server that answers differently the second time is not caught;
- a ``User-Agent`` naming unmask (:data:`USER_AGENT`);
- ``gzip`` / ``deflate`` content-encoding decoded.

Errors are :class:`~unmask.errors.DocumentError` subclasses naming the URL and the
reason::

    DocumentError
    ├── FetchError              DNS failure, connection refused or reset, TLS, bad URL
    │   ├── HTTPStatusError     the server answered 4xx/5xx (``status``)
    │   ├── FetchTimeoutError   connect, read or total time ran out
    │   └── RedirectError       too many redirects, or a redirect off http(s)
    └── TooLargeError           the body is over the size limit
"""

from __future__ import annotations

import functools
import os
import time
import urllib.parse
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from unmask.errors import ConfigError, DocumentError, TooLargeError

if TYPE_CHECKING:
    import urllib.request

# The network stack (urllib.request, http.client, ssl, zlib) is imported when a URL is
# first fetched: reading files never pays for it.

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_REDIRECTS",
    "FetchError",
    "FetchTimeoutError",
    "Fetched",
    "HTTPStatusError",
    "RedirectError",
    "fetch_url",
    "is_url",
    "user_agent",
]

#: Seconds allowed to connect and for each read; ``UNMASK_FETCH_TIMEOUT`` overrides.
DEFAULT_TIMEOUT = 20.0
#: The whole transfer may take this many times the per-read timeout.
TOTAL_TIMEOUT_FACTOR = 10
#: Redirects followed before giving up.
MAX_REDIRECTS = 5
_CHUNK = 64 * 1024


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("unmask")
    except PackageNotFoundError:  # pragma: no cover - source tree without metadata
        return "0"


def __getattr__(name: str) -> str:
    # USER_AGENT is built on first use: looking the version up costs ~30 ms of start-up.
    if name == "USER_AGENT":
        return user_agent()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def user_agent() -> str:
    """The ``User-Agent`` sent with every request (``USER_AGENT``), naming unmask and its version."""
    return f"unmask/{_version()} (threat-intelligence report reader; fetches only URLs its user gave)"

_ACCEPT = ("text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
           "application/feed+json,application/pdf;q=0.9,application/xml;q=0.9,"
           "text/plain;q=0.8,*/*;q=0.5")


class FetchError(DocumentError):
    """A URL could not be fetched; ``url`` is the URL asked for, ``reason`` why."""

    def __init__(self, url: str, reason: str, *, hint: str | None = None) -> None:
        self.url = url
        super().__init__(url, reason, hint=hint)


class HTTPStatusError(FetchError):
    """The server answered with an error status (``status``: 404, 500 …)."""

    def __init__(self, url: str, status: int, reason: str, *, hint: str | None = None) -> None:
        self.status = status
        super().__init__(url, reason, hint=hint)


class FetchTimeoutError(FetchError):
    """Connecting or reading took longer than the timeout."""


class RedirectError(FetchError):
    """Too many redirects, or a redirect to something other than http(s)."""


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched resource: the URL asked for, the URL finally read, and its bytes."""

    url: str
    final_url: str
    status: int
    content_type: str | None
    data: bytes


def is_url(source: object) -> bool:
    """True when ``source`` is an ``http://`` or ``https://`` URL (what :func:`fetch_url` takes)."""
    if not isinstance(source, str):
        return False
    lower = source[:8].lower()
    return lower.startswith(("http://", "https://"))


def fetch_timeout() -> float:
    """The per-read timeout: ``UNMASK_FETCH_TIMEOUT`` seconds, else :data:`DEFAULT_TIMEOUT`."""
    env = os.environ.get("UNMASK_FETCH_TIMEOUT")
    if not env:
        return DEFAULT_TIMEOUT
    try:
        value = float(env)
    except ValueError:
        raise ConfigError(f"UNMASK_FETCH_TIMEOUT={env!r} is not a number of seconds") from None
    if not value > 0:
        raise ConfigError(f"UNMASK_FETCH_TIMEOUT={env!r} must be more than 0 seconds")
    return value


def _check_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(url, f"is not an http(s) URL (scheme {parts.scheme or 'missing'!r})",
                         hint="unmask fetches http:// and https:// URLs only")
    try:
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise FetchError(url, f"is not a valid URL ({exc})") from exc
    if not host:
        raise FetchError(url, "is not a valid URL (no host)")


def _check_public(url: str, trusted: str | None) -> None:
    """Refuse ``url`` when its host is, or resolves to, an address that is not global
    (loopback, private, link-local, shared, reserved …), unless the host is ``trusted``."""
    import ipaddress
    import socket

    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    if trusted is not None and host == trusted.lower():
        return
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise FetchError(url, f"DNS lookup failed ({getattr(exc, 'strerror', None) or exc})") from exc
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if not address.is_global:
            raise FetchError(url, f"{host} is a non-public address ({address}); links found in a "
                             "document are fetched only from public hosts or the feed's own host",
                             hint="fetch that page by passing its URL yourself")


def _redirect_handler(url: str, limit: int, public: tuple[str | None] | None = None,
                      ) -> urllib.request.HTTPRedirectHandler:
    """A handler following at most ``limit`` redirects, to http(s) only (and, with
    ``public`` = (trusted host,), to public hosts only, see :func:`_check_public`)."""
    import urllib.request

    class Redirects(urllib.request.HTTPRedirectHandler):
        # urllib's own caps, checked after ours: high enough never to fire first.
        max_redirections = 1000
        max_repeats = 1000
        count = 0

        def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int,
                             msg: str, headers: Any, newurl: str) -> urllib.request.Request | None:
            problem = None
            if urllib.parse.urlsplit(newurl).scheme.lower() not in ("http", "https"):
                problem = f"redirects to {newurl!r}, which is not http(s)"
            self.count += 1
            if self.count > limit:
                problem = f"more than {limit} redirects (last to {newurl!r})"
            if problem is not None:
                fp.close()  # urllib closes it only when the redirect is followed
                raise RedirectError(url, problem)
            if public is not None:
                try:
                    _check_public(newurl, public[0])
                except FetchError as exc:
                    fp.close()
                    raise RedirectError(url, f"redirects to {newurl!r}: {exc.reason}") from exc
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    return Redirects()


def _describe(exc: BaseException) -> tuple[str, type[FetchError]]:
    """A reason for ``exc`` (an error raised while connecting or reading) and its class."""
    import http.client
    import socket
    import ssl
    import urllib.error

    reason: object = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, socket.gaierror):
        return f"DNS lookup failed ({reason.strerror or reason})", FetchError
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return "timed out", FetchTimeoutError
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused", FetchError
    if isinstance(reason, ConnectionResetError):
        return "connection reset by the server", FetchError
    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"TLS certificate not trusted ({reason.verify_message or reason})", FetchError
    if isinstance(reason, ssl.SSLError):
        return f"TLS failed ({reason.reason or reason})", FetchError
    if isinstance(reason, http.client.IncompleteRead):
        return "the connection closed before the whole body was read", FetchError
    if isinstance(reason, http.client.HTTPException):
        return f"the server's answer is not valid HTTP ({type(reason).__name__}: {reason})", FetchError
    if isinstance(reason, OSError):
        return f"network error ({reason.strerror or reason})", FetchError
    return f"failed ({reason})", FetchError


class _Decoder:
    """Content-encoding decoder that stops at ``limit`` decoded bytes."""

    def __init__(self, url: str, encoding: str, limit: int) -> None:
        self.url = url
        self.limit = limit
        self.parts: list[bytes] = []
        self.size = 0
        import zlib

        self.error = zlib.error
        encoding = encoding.strip().lower()
        if encoding in ("", "identity"):
            self.inflate = None
        elif encoding in ("gzip", "x-gzip", "deflate"):
            # 32 + MAX_WBITS: accept gzip and zlib headers alike (servers mix them up).
            self.inflate = zlib.decompressobj(32 + zlib.MAX_WBITS)
        else:
            raise FetchError(url, f"content-encoding {encoding!r} is not supported",
                             hint="unmask decodes gzip and deflate")

    def _add(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise TooLargeError(self.url, f"more than {self.limit:,} bytes",
                                hint="raise the limit with UNMASK_MAX_BYTES")
        self.parts.append(data)

    def feed(self, chunk: bytes) -> None:
        if self.inflate is None:
            self._add(chunk)
            return
        try:
            data = chunk
            while data:
                self._add(self.inflate.decompress(data, self.limit - self.size + 1))
                data = self.inflate.unconsumed_tail
        except self.error as exc:
            raise FetchError(self.url, f"compressed body is damaged ({exc})") from exc

    def finish(self) -> bytes:
        if self.inflate is not None:
            try:
                self._add(self.inflate.flush())
            except self.error as exc:
                raise FetchError(self.url, f"compressed body is damaged ({exc})") from exc
        return b"".join(self.parts)


def fetch_url(
    url: str,
    *,
    max_bytes: int,
    timeout: float | None = None,
    max_redirects: int = MAX_REDIRECTS,
    agent: str | None = None,
    public_only: bool = False,
    trusted_host: str | None = None,
) -> Fetched:
    """GET ``url`` (http or https) and return its decoded body.

    ``timeout`` (default ``UNMASK_FETCH_TIMEOUT`` or 20 s) bounds connecting and each
    read; the whole transfer gets ten times that. ``agent`` replaces the
    ``User-Agent`` (default :data:`USER_AGENT`). Raises :class:`FetchError` (and its
    subclasses) or :class:`~unmask.errors.TooLargeError`, each naming ``url``.
    ``public_only`` (for links found in a document) refuses hosts with non-public
    addresses, also after redirects, except ``trusted_host`` (the feed's own host).
    """
    import http.client
    import ssl
    import urllib.error
    import urllib.request

    _check_url(url)
    if public_only:
        _check_public(url, trusted_host)
    per_read = fetch_timeout() if timeout is None else timeout
    deadline = time.monotonic() + per_read * TOTAL_TIMEOUT_FACTOR
    redirects = _redirect_handler(url, max_redirects, (trusted_host,) if public_only else None)
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), urllib.request.HTTPHandler(),
                    urllib.request.HTTPSHandler(context=ssl.create_default_context()),
                    redirects, urllib.request.HTTPDefaultErrorHandler(),
                    urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    request = urllib.request.Request(url, headers={  # noqa: S310 - scheme checked above
        "User-Agent": agent or user_agent(), "Accept": _ACCEPT, "Accept-Encoding": "gzip, deflate",
    })
    try:
        response = opener.open(request, timeout=per_read)
    except urllib.error.HTTPError as exc:
        exc.close()
        if 300 <= exc.code < 400:
            raise RedirectError(url, f"HTTP {exc.code}: redirect not followed ({exc.reason})") from exc
        raise HTTPStatusError(url, exc.code, f"HTTP {exc.code} {exc.reason}".rstrip(),
                              hint=_status_hint(exc.code)) from exc
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
        if isinstance(exc, ValueError):
            raise FetchError(url, f"is not a valid URL ({exc})") from exc
        reason, kind = _describe(exc)
        raise kind(url, reason) from exc
    with response:
        final_url = response.geturl()
        status = int(response.status)
        headers = response.headers
        length = headers.get("Content-Length")
        encoding = headers.get("Content-Encoding", "")
        if length and length.strip().isdigit() and not encoding and int(length) > max_bytes:
            raise TooLargeError(url, f"{int(length):,} bytes (Content-Length) is over the "
                                f"{max_bytes:,}-byte limit", hint="raise it with UNMASK_MAX_BYTES")
        decoder = _Decoder(url, encoding, max_bytes)
        try:
            while True:
                if time.monotonic() > deadline:
                    raise FetchTimeoutError(url, f"took longer than {per_read * TOTAL_TIMEOUT_FACTOR:g} s "
                                            "in all", hint="raise UNMASK_FETCH_TIMEOUT")
                chunk = response.read1(_CHUNK)
                if not chunk:
                    break
                decoder.feed(chunk)
        except (OSError, http.client.HTTPException) as exc:
            reason, kind = _describe(exc)
            raise kind(url, f"reading the body: {reason}") from exc
        missing = getattr(response, "length", None)
        if isinstance(missing, int) and missing > 0:
            # http.client ends a Content-Length body at EOF without complaint.
            raise FetchError(url, f"the connection closed {missing:,} bytes before the end "
                             "of the body (Content-Length)", hint="try again")
        data = decoder.finish()
        content_type = headers.get("Content-Type")
    return Fetched(url=url, final_url=final_url, status=status, content_type=content_type,
                   data=data)


def _status_hint(status: int) -> str | None:
    if status in (401, 403):
        return "the site refuses unmask; save the page from a browser and pass the file"
    if status == 404:
        return "check the URL"
    if status == 429 or status >= 500:
        return "the server is failing or rate-limiting; try again later"
    return None
