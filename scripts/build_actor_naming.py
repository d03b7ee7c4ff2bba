"""Regenerate ``src/unmask/data/actor_naming.json`` from vendors' naming tables.

usage: python scripts/build_actor_naming.py --mapping MicrosoftMapping.json \
           --mapping-version COMMIT --docs microsoft-threat-actor-naming.md \
           --docs-version COMMIT [--out src/unmask/data/actor_naming.json]

Sources (each becomes one ``source`` of the data file, with its URL, licence and
version; every row is a claim of that source, never merged with another here):

* Microsoft's threat actor naming mapping, ``PublicFeeds/ThreatActorNaming/
  MicrosoftMapping.json`` in the microsoft/mstic repository (MIT licence): one record
  per Microsoft actor with ``Threat actor name``, ``Origin/Threat``, ``Other names``
  (comma-separated), and in some versions ``Previous name``.
* The table of Microsoft's page "How Microsoft names threat actors"
  (``defender-xdr/microsoft-threat-actor-naming.md`` in MicrosoftDocs/defender-docs,
  CC BY 4.0): ``Threat actor name | Previous name | Origin/Threat | Other names``.

A cell such as ``DEV-0198 (NEPTUNIUM)`` gives two names; ``(Merged into Octo Tempest)``
says the row's actor was merged into another (kept as ``merged_into``); Markdown links
keep their text. The output is sorted and compact; its ``version`` is a digest of the
content, so the compiled actor graph is rebuilt whenever it changes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "src" / "unmask" / "data" / "actor_naming.json"
FORMAT = 1

MAPPING = {
    "id": "microsoft-mapping",
    "vendor": "Microsoft",
    "title": "Microsoft threat actor naming mapping (MicrosoftMapping.json)",
    "url": "https://github.com/microsoft/mstic/blob/master/PublicFeeds/ThreatActorNaming/MicrosoftMapping.json",
    "raw_url": "https://raw.githubusercontent.com/microsoft/mstic/master/PublicFeeds/ThreatActorNaming/MicrosoftMapping.json",
    "licence": "MIT (microsoft/mstic)",
}
DOCS = {
    "id": "microsoft-docs",
    "vendor": "Microsoft",
    "title": "How Microsoft names threat actors (Microsoft Learn, reference table)",
    "url": "https://learn.microsoft.com/en-us/defender-xdr/microsoft-threat-actor-naming",
    "raw_url": "https://raw.githubusercontent.com/MicrosoftDocs/defender-docs/public/defender-xdr/microsoft-threat-actor-naming.md",
    "licence": "CC BY 4.0 (MicrosoftDocs/defender-docs)",
}

_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MERGED = re.compile(r"^\(?\s*merged into\s+(.+?)\s*\)?$", re.IGNORECASE)


def split_names(cell: str) -> tuple[list[str], str | None]:
    """Names of one table cell, and the actor it says this one was merged into."""
    cell = _LINK.sub(r"\1", cell or "")
    names: list[str] = []
    merged: str | None = None
    for part in cell.split(","):
        part = part.strip()
        if not part:
            continue
        found = _MERGED.match(part)
        if found:
            merged = found.group(1).strip()
            continue
        # "DEV-0198 (NEPTUNIUM)": the name and its older name
        outer = re.sub(r"\([^)]*\)", " ", part).strip()
        inner = re.findall(r"\(([^)]*)\)", part)
        for name in [outer, *inner]:
            name = " ".join(name.split())
            if name and name not in names:
                names.append(name)
    return names, merged


def row(name: str, origin: str, previous: str, other: str) -> dict[str, Any]:
    """One actor record: its name, origin, previous names, other names (and merge)."""
    own, _ = split_names(name)
    prev, merged_prev = split_names(previous)
    others, merged_other = split_names(other)
    record: dict[str, Any] = {
        "name": own[0] if own else name.strip(),
        "origin": " ".join((origin or "").split()),
        "previous": prev,
        "other": [n for n in others if n not in prev],
    }
    merged = merged_prev or merged_other
    if merged:
        record["merged_into"] = merged
    return record


def read_mapping(path: Path) -> list[dict[str, Any]]:
    """Records of MicrosoftMapping.json (any of its historical key spellings)."""
    data = json.loads(path.read_text(encoding="utf-8-sig"))
    out = []
    for item in data:
        name = item.get("Threat actor name") or item.get("New name") or ""
        if not str(name).strip():
            continue
        out.append(row(str(name), str(item.get("Origin/Threat") or ""), str(item.get("Previous name") or ""),
                       str(item.get("Other names") or "")))
    return out


def read_docs_table(path: Path) -> list[dict[str, Any]]:
    """Records of the Markdown table whose header starts ``Threat actor name|Previous name``."""
    out = []
    header: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line.startswith("|") or not line.endswith("|"):
            header = None if header is not None and not line else header
            continue
        cells = [c.strip() for c in line[1:-1].split("|")]
        if header is None:
            if cells and cells[0].lower() == "threat actor name":
                header = [c.lower() for c in cells]
            continue
        if all(set(c) <= set(":- ") for c in cells):
            continue
        values = dict(zip(header, cells, strict=False))
        out.append(row(values.get("threat actor name", ""), values.get("origin/threat", ""),
                       values.get("previous name", ""), values.get("other names", "")))
    return out


def _digest(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def build(sources: list[tuple[dict[str, str], Path, str, list[dict[str, Any]]]]) -> dict[str, Any]:
    out_sources = []
    for meta, path, version, records in sources:
        records = sorted(records, key=lambda r: r["name"].casefold())
        out_sources.append({
            **meta,
            "version": version,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "actors": records,
        })
    payload = {"format": FORMAT, "sources": out_sources}
    return {"format": FORMAT, "version": _digest(payload)[:16],
            "built": datetime.now(UTC).date().isoformat(), "sources": out_sources}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mapping", type=Path, help="MicrosoftMapping.json")
    ap.add_argument("--mapping-version", default="", help="the microsoft/mstic commit it was read at")
    ap.add_argument("--docs", type=Path, help="microsoft-threat-actor-naming.md")
    ap.add_argument("--docs-version", default="", help="the MicrosoftDocs/defender-docs commit it was read at")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    sources = []
    if args.mapping:
        sources.append((MAPPING, args.mapping, args.mapping_version, read_mapping(args.mapping)))
    if args.docs:
        sources.append((DOCS, args.docs, args.docs_version, read_docs_table(args.docs)))
    if not sources:
        ap.error("give --mapping and/or --docs")
    data = build(sources)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    # one actor per line: small diffs when a vendor renames one actor
    text = text.replace(',{"name":', ',\n{"name":').replace('"actors":[{', '"actors":[\n{')
    args.out.write_text(text + "\n", encoding="utf-8")
    counts = ", ".join(f"{s['id']}: {len(s['actors'])} actors" for s in data["sources"])
    print(f"wrote {args.out} (version {data['version']}; {counts})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
