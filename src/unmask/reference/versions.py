"""Versions of the reference data in use, recorded in every analysis.

A source refreshed by ``unmask data update`` is recorded by its overlay's identity
(``<upstream version or "upstream">+sha256.<12 hex>``) instead of the package
version, so an analysis says which copy it was made with and the knowledge base's
"unchanged" check sees the difference.
"""

from __future__ import annotations

import functools
import importlib

from unmask.reference.cache import SOURCE_DISTRIBUTIONS, installed_version, overlay

__all__ = ["reference_versions"]


@functools.cache
def reference_versions() -> dict[str, str]:
    """Name -> version of each reference data source in use."""
    versions: dict[str, str] = {}
    for source, dist in SOURCE_DISTRIBUTIONS.items():
        active = overlay(source)
        if source == "actor-naming":  # shipped inside unmask: the data's own version
            from unmask.reference.actors import naming_version

            versions[source] = active.identity if active is not None else naming_version()
            continue
        if active is not None:
            versions[dist] = active.identity
            continue
        version = installed_version(dist)
        if version is not None:
            versions[dist] = version
    versions["attack"] = importlib.import_module("unmask.reference.attack").attack_version()
    return versions
