"""Pull a TAXII 2.1 collection: ``taxii2+https://HOST/API_ROOT/collections/ID/``.

``unmask ingest taxii2+https://…/collections/<id>/`` (``taxii2+http://`` for a server
on this machine) asks the collection's ``objects/`` endpoint for everything added
after the last pull, follows ``more`` / ``next`` page by page, and hands the objects
on as one STIX 2.1 bundle, which the STIX reader reads like a bundle file.

- **Authentication**: HTTP Basic (``UNMASK_TAXII_USER`` / ``UNMASK_TAXII_PASSWORD``)
  or a bearer token (``UNMASK_TAXII_TOKEN``), or the same as arguments. They are sent
  to the collection's host only and never written into a message or the state file.
- **Where it left off**: the newest ``date_added`` seen (the server's
  ``X-TAXII-Date-Added-Last`` header, else the objects' own envelope dates) is kept
  per collection in a small JSON state file (``UNMASK_TAXII_STATE``, else
  ``taxii-state.json`` in unmask's data directory) once the knowledge base has stored
  the pulled bundle (the bundle's document carries where it ends, :func:`mark_pulled`;
  ingest calls :func:`commit_pulled` after the store's commit): a pull whose store
  failed is pulled again. The next pull sends it as ``added_after``, so only what is
  new comes.
- **Bounded** like :mod:`unmask.documents.fetch`: the bytes of all pages together
  stop at the size limit (``UNMASK_MAX_BYTES``), each request at the timeout
  (``UNMASK_FETCH_TIMEOUT``), and at most :data:`MAX_PAGES` pages are asked for.

Errors are :class:`~unmask.documents.fetch.FetchError` (``HTTPStatusError`` for
4xx/5xx, ``FetchTimeoutError``) and :class:`~unmask.errors.TooLargeError`.
"""

from __future__ import annotations

import dataclasses
import json
import os
import urllib.parse
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from unmask.documents.fetch import (
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    fetch_timeout,
    user_agent,
)
from unmask.documents.text import load_json
from unmask.errors import DocumentError, TooLargeError
from unmask.model import Document

__all__ = [
    "MAX_PAGES",
    "TAXII_SCHEMES",
    "TaxiiPull",
    "commit_pulled",
    "is_taxii_url",
    "mark_pulled",
    "pull_collection",
    "taxii_state_path",
]

TAXII_SCHEMES = ("taxii2+https://", "taxii2+http://")
#: Pages asked for in one pull at most.
MAX_PAGES = 1000
#: Objects asked for per page.
PAGE_SIZE = 500
_ACCEPT = "application/taxii+json;version=2.1"
_NAMESPACE = uuid.UUID("5b0c2f1e-8d7a-4e3b-9c61-2f4a7d9e0b13")


def is_taxii_url(source: object) -> bool:
    """True when ``source`` names a TAXII 2.1 collection (``taxii2+https://…``)."""
    return isinstance(source, str) and source[:15].lower().startswith(TAXII_SCHEMES)


def _collection_url(source: str) -> str:
    """The http(s) URL of the collection, ending in ``/``; raises DocumentError when
    ``source`` does not name ``…/collections/<id>/``."""
    url = source.split("+", 1)[1]
    parts = urllib.parse.urlsplit(url)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    segments = [s for s in path.split("/") if s]
    if not parts.hostname or len(segments) < 2 or segments[-2] != "collections":
        raise DocumentError(
            source, "not a TAXII collection address",
            hint="write taxii2+https://HOST/API_ROOT/collections/<id>/",
        )
    if parts.username or parts.password:
        raise DocumentError(source, "credentials in the address",
                            hint="pass them in UNMASK_TAXII_USER / UNMASK_TAXII_PASSWORD or UNMASK_TAXII_TOKEN")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def taxii_state_path() -> Path:
    """The state file: ``UNMASK_TAXII_STATE``, else ``taxii-state.json`` in unmask's
    user data directory."""
    configured = os.environ.get("UNMASK_TAXII_STATE", "").strip()
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_data_dir("unmask", appauthor=False)) / "taxii-state.json"


def _load_state(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise DocumentError(str(path), f"cannot read the TAXII state file: {exc}",
                            hint="delete it to pull every collection from the start") from exc
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _save_state(path: Path, collection: str, added_last: str) -> None:
    state = _load_state(path)
    state[collection] = added_last
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(state, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


@dataclass(slots=True)
class TaxiiPull:
    """The objects one pull brought, and where the next one starts."""

    source: str
    collection: str
    objects: list[dict[str, Any]] = field(default_factory=list)
    added_after: str | None = None
    added_last: str | None = None
    pages: int = 0
    state_path: Path | None = None

    def bundle(self) -> bytes:
        """The objects as one STIX 2.1 bundle (id from the collection and window)."""
        key = "\x1f".join((self.collection, self.added_after or "", self.added_last or ""))
        bundle = {"type": "bundle", "id": f"bundle--{uuid.uuid5(_NAMESPACE, key)}", "objects": self.objects}
        return json.dumps(bundle, ensure_ascii=False, sort_keys=True).encode("utf-8")

    def commit(self) -> None:
        """Remember ``added_last`` for the collection (once the bundle is stored)."""
        if self.state_path is not None and self.added_last:
            _save_state(self.state_path, self.collection, self.added_last)


#: Metadata keys of a pulled bundle's document: the collection and where the pull ended.
PULLED_COLLECTION = "taxii_collection"
PULLED_UNTIL = "taxii_added_last"


def mark_pulled(document: Document, pull: TaxiiPull) -> Document:
    """``document`` (read from ``pull``'s bundle) carrying where the pull ended, for
    :func:`commit_pulled` once it is stored."""
    if not pull.added_last:
        return document
    extra = {**document.metadata.extra, PULLED_COLLECTION: pull.collection,
             PULLED_UNTIL: pull.added_last}
    return dataclasses.replace(document, metadata=dataclasses.replace(document.metadata, extra=extra))


def commit_pulled(document: Document, state_path: Path | None = None) -> bool:
    """Remember where the pull of a stored ``document`` ended (see :func:`mark_pulled`);
    False for a document no TAXII pull made."""
    collection = document.metadata.extra.get(PULLED_COLLECTION)
    until = document.metadata.extra.get(PULLED_UNTIL)
    if not collection or not until:
        return False
    _save_state(state_path if state_path is not None else taxii_state_path(), collection, until)
    return True


def _auth(user: str | None, password: str | None, token: str | None) -> dict[str, str]:
    import base64

    token = token or os.environ.get("UNMASK_TAXII_TOKEN") or None
    if token:
        return {"Authorization": f"Bearer {token}"}
    user = user or os.environ.get("UNMASK_TAXII_USER") or None
    if user:
        password = password if password is not None else os.environ.get("UNMASK_TAXII_PASSWORD", "")
        raw = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return {"Authorization": f"Basic {raw}"}
    return {}


def _later(a: str | None, b: str | None) -> str | None:
    """The later of two TAXII timestamps (RFC 3339, UTC ``Z``: same-length text compares
    as time once the fraction is padded)."""
    def key(value: str) -> str:
        head, _, frac = value.rstrip("Z").partition(".")
        return f"{head}.{frac.ljust(9, '0')}"

    if a is None:
        return b
    if b is None:
        return a
    return a if key(a) >= key(b) else b


def pull_collection(
    source: str,
    *,
    max_bytes: int,
    user: str | None = None,
    password: str | None = None,
    token: str | None = None,
    timeout: float | None = None,
    state_path: Path | None = None,
    max_pages: int = MAX_PAGES,
) -> TaxiiPull:
    """Every object added to the collection ``source`` names since the last pull."""
    try:
        import httpx
    except ModuleNotFoundError as exc:
        raise DocumentError(source, "the TAXII pull needs httpx", hint="pip install 'unmask[taxii]'") from exc

    collection = _collection_url(source)
    state = state_path if state_path is not None else taxii_state_path()
    added_after = _load_state(state).get(collection)
    pull = TaxiiPull(source=source, collection=collection, added_after=added_after, state_path=state)
    per_read = fetch_timeout() if timeout is None else timeout
    headers = {"Accept": _ACCEPT, "User-Agent": user_agent(), **_auth(user, password, token)}
    total = 0
    params: dict[str, str] = {"limit": str(PAGE_SIZE)}
    if added_after:
        params["added_after"] = added_after
    with httpx.Client(headers=headers, timeout=per_read, follow_redirects=False) as client:
        while True:
            if pull.pages >= max_pages:
                raise TooLargeError(source, f"more than {max_pages} pages", hint="pull again: the next pull goes on from here")
            try:
                with client.stream("GET", collection + "objects/", params=params) as response:
                    if response.status_code >= 400:
                        hint = "check UNMASK_TAXII_USER / UNMASK_TAXII_PASSWORD or UNMASK_TAXII_TOKEN" if response.status_code in (401, 403) else None
                        raise HTTPStatusError(source, response.status_code,
                                              f"HTTP {response.status_code} from the collection's objects endpoint", hint=hint)
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        total += len(chunk)
                        if total > max_bytes:
                            raise TooLargeError(source, f"more than {max_bytes:,} bytes", hint="raise the limit with UNMASK_MAX_BYTES")
                        body += chunk
                    last = response.headers.get("X-TAXII-Date-Added-Last")
                    first = response.headers.get("X-TAXII-Date-Added-First")
            except httpx.TimeoutException as exc:
                raise FetchTimeoutError(source, f"timed out after {per_read:g} s", hint="raise UNMASK_FETCH_TIMEOUT") from exc
            except httpx.HTTPError as exc:
                raise FetchError(source, f"cannot reach the TAXII server: {exc}") from exc
            pull.pages += 1
            if response.status_code == 204 or not body.strip():
                break
            try:
                envelope = load_json(bytes(body))
            except ValueError as exc:
                raise DocumentError(source, f"the server's answer is not JSON: {exc}") from exc
            if not isinstance(envelope, Mapping):
                raise DocumentError(source, "the server's answer is not a TAXII envelope")
            objects = [o for o in envelope.get("objects") or () if isinstance(o, dict)]
            pull.objects.extend(objects)
            pull.added_last = _later(_later(pull.added_last, first), last)
            if not envelope.get("more") or not objects:
                break
            token_next = envelope.get("next")
            if isinstance(token_next, str) and token_next:
                params = {"limit": str(PAGE_SIZE), "next": token_next}
                if added_after:
                    params["added_after"] = added_after
            elif pull.added_last and pull.added_last != params.get("added_after"):
                params = {"limit": str(PAGE_SIZE), "added_after": pull.added_last}
            else:
                break
    return pull
