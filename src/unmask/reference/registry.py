"""Every compiled reference index, so the cache can be built up front (`unmask data build`)."""

from __future__ import annotations

import importlib
from collections.abc import Callable

__all__ = ["INDEXES", "build_all"]

#: (label, "module:function") of each loader that compiles and caches an index.
INDEXES: tuple[tuple[str, str], ...] = (
    ("actor graph", "unmask.reference.actors:load_actor_graph"),
    ("actor names", "unmask.reference.actor_names:load_actor_gazetteer"),
    ("public suffix list", "unmask.reference.suffixes:load_suffixes"),
    ("warninglists", "unmask.reference.warninglists:load_warninglists"),
    ("geography", "unmask.reference.geo:geo_gazetteer"),
    ("sectors", "unmask.reference.sectors:sector_vocabulary"),
    ("organisations", "unmask.reference.orgs:org_gazetteer"),
    ("malware and tools", "unmask.reference.malware:malware_gazetteer"),
)


def build_all(on_index: Callable[[str], None] | None = None) -> list[str]:
    """Load (building where needed) every index; return the labels loaded."""
    done = []
    for label, target in INDEXES:
        module_name, function_name = target.split(":")
        loader = getattr(importlib.import_module(module_name), function_name)
        loader()
        done.append(label)
        if on_index is not None:
            on_index(label)
    return done
