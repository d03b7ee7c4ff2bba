"""Same-actor pair recall and name coverage of the actor graph on vendors' naming tables.

usage: python benchmarks/actor_naming.py [--table FILE] [--json OUT] [-v] [--leave-one-out]

Each row of a naming table (one vendor's actor and the names it lists for it) gives
the pairs of names that vendor says are one actor; recall is the share of pairs the
graph resolves to one actor, coverage the share of names it resolves at all. A name a
vendor lists under several of its own actors (Microsoft's "Labyrinth Chollima" under
four Sleet actors) is an overlap claim: its pairs are counted, and they cannot all be
met - the graph keeps the name with one default reading.

Tables: by default the ones shipped in ``unmask/data/actor_naming.json`` (one per
source), or ``--table`` files in that format. Each is scored against three graphs:

* ``full``: the graph unmask ships (the tables are among its sources, so on them this
  is not an independent measure);
* ``without-vendor``: the graph built without any table of that table's vendor - an
  independent measure: how far the other sources and the rules reach;
* ``without-tables``: ATT&CK and the MISP galaxies only (the graph before the tables).

Names are resolved as ``unmask actor`` answers them: a name no actor is called falls
back to the one actor that uses software of that name (a *weak* reading: ATT&CK's and
the MISP galaxies' ``uses`` relations; none when several actors use it).
``pair_recall_strict`` / ``name_coverage_strict`` are the figures without weak
readings. ``false_merges`` counts pairs of names from two rows of a table (two actors
by that vendor's word, the rows sharing no name) that the graph resolves to one actor,
``false_merges_strict`` the same without weak readings; ``weak_names`` the names only
a weak reading resolves.

``--leave-one-out`` adds a measure no table was tuned on: each name ATT&CK gives a group
is dropped from the shipped graph in turn (every spelling with its matching key) and
looked up again. It resolves only where the normaliser reaches it from the names left
("Turla Group" from "Turla", "DEV-500" from "DEV-0500"): ``correct`` counts the names
that come back to their own actor, ``wrong`` the ones that land on another (a false
merge), ``unknown`` the rest.
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path
from typing import Any

from unmask.reference.actors import (
    ATTACK_SOURCE,
    ActorGraph,
    ActorSources,
    build_actor_graph,
    name_key,
    naming_data_file,
    read_actor_sources,
    source_family,
)


def table_rows(path: Path) -> dict[str, tuple[str, list[list[str]]]]:
    """source id -> (vendor, rows of names) of a naming-table data file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, tuple[str, list[list[str]]]] = {}
    for source in data.get("sources", []):
        rows = []
        for record in source.get("actors", []):
            names = [record["name"], *record.get("previous", []), *record.get("other", [])]
            rows.append(list(dict.fromkeys(names)))
        out[str(source["id"])] = (str(source.get("vendor") or ""), rows)
    return out


def _false_merges(rows: list[list[str]], ids: list[dict[str, str | None]]) -> int:
    """Pairs of names from two rows sharing no name that resolve to one actor."""
    keys = [{name_key(n) for n in row} for row in rows]
    by_actor: dict[str, list[tuple[int, str]]] = {}
    for r, row_ids in enumerate(ids):
        for name, actor_id in row_ids.items():
            if actor_id is not None:
                by_actor.setdefault(actor_id, []).append((r, name))
    merged = 0
    for held in by_actor.values():
        for (r1, _), (r2, _) in itertools.combinations(held, 2):
            merged += r1 != r2 and not keys[r1] & keys[r2]
    return merged


def score(graph: ActorGraph, rows: list[list[str]], verbose: bool = False) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for suffix, weak in (("", True), ("_strict", False)):
        pairs = same = names = known = 0
        unknown: set[str] = set()
        split: list[tuple[str, str, str, str]] = []
        all_ids: list[dict[str, str | None]] = []
        for row in rows:
            ids: dict[str, str | None] = {}
            for name in row:
                actor = graph.resolve(name, weak=weak)
                ids[name] = actor.id if actor else None
                names += 1
                known += actor is not None
                if actor is None:
                    unknown.add(name)
            all_ids.append(ids)
            for a, b in itertools.combinations(row, 2):
                pairs += 1
                ok = ids[a] is not None and ids[a] == ids[b]
                same += ok
                if not ok and ids[a] and ids[b]:
                    split.append((a, str(ids[a]), b, str(ids[b])))
        result["pairs"] = pairs
        result["names"] = names
        result["pair_recall" + suffix] = round(same / pairs, 4) if pairs else None
        result["name_coverage" + suffix] = round(known / names, 4) if names else None
        result["false_merges" + suffix] = _false_merges(rows, all_ids)
        if weak:
            weak_names = sorted({n for row in rows for n in row
                                 if graph.lookup(n).best is None and graph.resolve(n, weak=True)})
            result["weak_names"] = len(weak_names)
            if verbose:
                result["unknown"] = sorted(unknown)
                result["split"] = split
                result["weak"] = [f"{n} -> {graph.resolve(n, weak=True).name}"  # type: ignore[union-attr]
                                  for n in weak_names]
    return result


def leave_one_out(graph: ActorGraph, sources: ActorSources, verbose: bool = False) -> dict[str, Any]:
    """Drop each ATT&CK alias of a group in turn and look it up again."""
    seen: set[tuple[str, str]] = set()
    counts = {"correct": 0, "wrong": 0, "unknown": 0}
    examples: dict[str, list[str]] = {"correct": [], "wrong": []}
    for cluster in sources.clusters:
        if cluster.source != ATTACK_SOURCE or not cluster.attack_id or cluster.revoked_by:
            continue
        owner = graph.resolve(cluster.attack_id)
        if owner is None:
            continue
        for name in cluster.names:
            if name == cluster.attack_id or (owner.id, name) in seen or graph.resolve(name) != owner:
                continue  # a name ATT&CK shares with another group is not this test's
            seen.add((owner.id, name))
            actor = graph.without(name).resolve(name)
            kind = "unknown" if actor is None else "correct" if actor.id == owner.id else "wrong"
            counts[kind] += 1
            if kind in examples:
                examples[kind].append(f"{name} -> {actor.name if actor else ''} ({owner.name})")
    total = sum(counts.values())
    result: dict[str, Any] = {"names": total, **counts,
                              "recovered": round(counts["correct"] / total, 4) if total else None}
    if verbose:
        result["examples"] = examples
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--table", type=Path, action="append", help="naming-table data file(s)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--leave-one-out", action="store_true", help="drop each ATT&CK alias and look it up")
    args = ap.parse_args()
    tables: dict[str, tuple[str, list[list[str]]]] = {}
    for path in args.table or [naming_data_file()]:
        tables.update(table_rows(path))
    full_sources = read_actor_sources()
    graphs: dict[str, ActorGraph] = {"full": build_actor_graph(full_sources)}
    bare = ActorSources(
        tuple(c for c in full_sources.clusters if not c.source.startswith("vendor:")), full_sources.countries,
        full_sources.uses,
    )
    graphs["without-tables"] = build_actor_graph(bare)
    results: dict[str, Any] = {}
    for table_id, (vendor, rows) in tables.items():
        family = f"vendor={vendor}" if vendor else f"vendor:{table_id}"
        kept = tuple(c for c in full_sources.clusters if source_family(c.source) != family
                     and c.source != f"vendor:{table_id}")
        # software uses are no vendor's naming table, but a vendor's own galaxy's are its word
        uses = tuple(u for u in full_sources.uses if source_family(u.source) != family)
        without = build_actor_graph(ActorSources(kept, full_sources.countries, uses))
        results[table_id] = {
            "rows": len(rows),
            "full": score(graphs["full"], rows),
            "without-vendor": score(without, rows, args.verbose),
            "without-tables": score(graphs["without-tables"], rows, args.verbose),
        }
    if args.leave_one_out:
        results["attack-leave-one-out"] = leave_one_out(graphs["full"], full_sources, args.verbose)
    print(json.dumps(results, indent=1, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
