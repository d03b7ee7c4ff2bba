"""Regenerate ``src/unmask/data/actor_naming.json`` from vendors' naming tables.

usage: python scripts/build_actor_naming.py --mapping MicrosoftMapping.json \
           --mapping-version COMMIT --docs microsoft-threat-actor-naming.md \
           --docs-version COMMIT [--spindle cta_names_mappings.json \
           --spindle-version COMMIT] [--out src/unmask/data/actor_naming.json]

Sources (each becomes one ``source`` of the data file, with its URL, licence, version
and sha256; every row is a claim of that source, nothing is merged here; the parsing
is :mod:`unmask.reference.naming_tables`):

* ``--mapping``: Microsoft's ``PublicFeeds/ThreatActorNaming/MicrosoftMapping.json``
  from the microsoft/mstic repository (MIT licence), read at commit ``--mapping-version``;
* ``--docs``: ``defender-xdr/microsoft-threat-actor-naming.md`` from
  MicrosoftDocs/defender-docs (CC BY 4.0), read at commit ``--docs-version``;
* ``--spindle``: ``cta_names_mappings.json`` from arachne-threat-intel/spindle (Arachne
  Digital's cross-vendor tracker, CC BY-SA 4.0: its entry in the data file is shared
  under that licence), read at commit ``--spindle-version``.

A source not given keeps its entry from the current ``--out`` file. The file's
``version`` is a digest of its content: the compiled actor graph is rebuilt whenever
it changes. ``unmask data update --source actor-naming`` rebuilds the tables the same
way (:func:`unmask.reference.naming_tables.read_table`), from upstream or mirrors, into
the user's cache, without touching the installed file.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from unmask.reference.naming_tables import (
    DOCS_SOURCE,
    MAPPING_SOURCE,
    SPINDLE_SOURCE,
    TABLES,
    build_naming_data,
    dump_naming_data,
    read_table,
    source_entry,
)

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "src" / "unmask" / "data" / "actor_naming.json"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mapping", type=Path, help="MicrosoftMapping.json")
    ap.add_argument("--mapping-version", default="", help="the microsoft/mstic commit it was read at")
    ap.add_argument("--docs", type=Path, help="microsoft-threat-actor-naming.md")
    ap.add_argument("--docs-version", default="", help="the MicrosoftDocs/defender-docs commit it was read at")
    ap.add_argument("--spindle", type=Path, help="Spindle's cta_names_mappings.json")
    ap.add_argument("--spindle-version", default="", help="the arachne-threat-intel/spindle commit it was read at")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    if not args.mapping and not args.docs and not args.spindle:
        ap.error("give --mapping, --docs and/or --spindle")
    kept = {}
    if args.out.is_file():
        kept = {s["id"]: s for s in json.loads(args.out.read_text(encoding="utf-8")).get("sources", [])}
    for source_id, path, version in (
        (MAPPING_SOURCE["id"], args.mapping, args.mapping_version),
        (DOCS_SOURCE["id"], args.docs, args.docs_version),
        (SPINDLE_SOURCE["id"], args.spindle, args.spindle_version),
    ):
        if path:
            raw = path.read_bytes()
            kept[source_id] = source_entry(TABLES[source_id].meta, version, raw, read_table(source_id, raw))
    data = build_naming_data([kept[k] for k in sorted(kept)], built=datetime.now(UTC).date().isoformat())
    args.out.write_text(dump_naming_data(data), encoding="utf-8")
    counts = ", ".join(f"{s['id']}: {len(s['actors'])} actors" for s in data["sources"])
    print(f"wrote {args.out} (version {data['version']}; {counts})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
