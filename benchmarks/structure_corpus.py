#!/usr/bin/env python3
"""Do the actor and technique stages obey the document structure on real reports?

usage: python benchmarks/structure_corpus.py [--corpus DIR] [--show N] [--json OUT]

Reads every readable document of the corpus (``manifest.jsonl``, default
``../shared/corpus``), parses its structure once (``parse_structure``), runs the actor
and technique stages with it and counts what issue 15 forbids:

* actors found inside a reference passage or an inline citation, or inside a URL or
  a host/path; actors that are a title (a STIX/MISP intrusion set named after its
  report, "Manga Taurus: Novel Chinese Shellcode Unmasked", not resolved to the
  actor it names); for information, actors named only in the title line;
* techniques whose evidence sentence is an advice passage (recommendations,
  mitigations);
* explicit technique ids written in table rows (outside advice and reference
  passages) that the technique stage does not report.

The same counts are asserted to be zero by ``tests/structure/test_corpus.py``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from unmask.documents import read
from unmask.documents.structure import structure_of_document
from unmask.extract.actors import extract_actors
from unmask.extract.techniques import extract_techniques
from unmask.model import Document, ExtractContext
from unmask.model.structure import Structure
from unmask.pipeline.structured import STRUCTURED_FORMATS, extract_structured
from unmask.reference.attack import attack_data

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"

#: A URL, or a host followed by a path ("linux.die.net/man/1/bash").
URL = re.compile(
    r"\b(?:https?|hxxps?|ftp)://[^\s\[\]<>\"]+|\bwww\.[^\s\[\]<>\"]+|\b(?:[a-z0-9-]+\.)+[a-z]{2,}/[^\s\[\]<>\"]*",
    re.IGNORECASE,
)
TECHNIQUE_ID = re.compile(r"\bT(\d{4})(?:[./](\d{3}))?\b")


@dataclass
class Counts:
    documents: int = 0
    characters: int = 0
    actors: int = 0
    actors_in_references: list[str] = field(default_factory=list)
    actors_in_urls: list[str] = field(default_factory=list)
    actors_only_in_title: list[str] = field(default_factory=list)
    title_named_actors: list[str] = field(default_factory=list)
    techniques: int = 0
    techniques_from_advice: list[str] = field(default_factory=list)
    table_row_ids: int = 0
    table_row_ids_missed: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {
            "documents": self.documents,
            "characters": self.characters,
            "actor_mentions": self.actors,
            "actors_in_references": len(self.actors_in_references),
            "actors_in_urls": len(self.actors_in_urls),
            "actors_only_in_title": len(self.actors_only_in_title),
            "title_named_actors": len(self.title_named_actors),
            "technique_mentions": self.techniques,
            "techniques_from_advice": len(self.techniques_from_advice),
            "table_row_ids": self.table_row_ids,
            "table_row_ids_found": self.table_row_ids - len(self.table_row_ids_missed),
        }


def corpus_documents(corpus: Path) -> Iterator[tuple[str, Document]]:
    """(manifest file, document) for every readable document and its children."""
    with (corpus / "manifest.jsonl").open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    for row in rows:
        if row.get("expect") != "ok":
            continue
        document = read(str(corpus / row["file"]))
        for item in (document, *document.children):
            if item.text.strip():
                yield row["file"], item


def _quote(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - 40) : end + 40].split())


def check(name: str, document: Document, counts: Counts) -> None:
    text = document.text
    structure: Structure = structure_of_document(document)
    try:
        context = ExtractContext.for_document(document, structure=structure)
    except TypeError:  # an unmask from before the structure model, for a before/after run
        context = ExtractContext.for_document(document)
    counts.documents += 1
    counts.characters += len(text)

    mentions = extract_actors(text, context=context).mentions
    counts.actors += len(mentions)
    urls = [m.span() for m in URL.finditer(text)]
    elsewhere: set[str] = set()
    in_title: list[Any] = []
    for mention in mentions:
        start, end = mention.span.start, mention.span.end
        passage = structure.passage_at(start)
        where = f"{name}: {mention.surface!r} -> {mention.actor_id} | {_quote(text, start, end)}"
        if passage is not None and "reference" in passage.kinds:
            counts.actors_in_references.append(where)
        elif any(a <= start and end <= b for a, b in urls):
            counts.actors_in_urls.append(where)
        elif passage is not None and passage.title:
            in_title.append((mention, where))
        else:
            elsewhere.add(mention.actor_id)
    counts.actors_only_in_title.extend(where for mention, where in in_title if mention.actor_id not in elsewhere)

    if document.format in STRUCTURED_FORMATS:
        for actor in extract_structured(document).actors:
            if not actor.actor_id.startswith("G") and ":" in actor.name:
                counts.title_named_actors.append(f"{name}: {actor.name!r} -> {actor.actor_id}")

    techniques = extract_techniques(text, context=context)
    counts.techniques += len(techniques)
    for technique in techniques:
        passage = structure.block_at(technique.span.start)
        if passage is not None and passage.kind == "advice":
            counts.techniques_from_advice.append(
                f"{name}: {technique.technique_id} ({technique.method}) | "
                f"{_quote(text, technique.span.start, technique.span.end)[:160]}"
            )
    found = {t.technique_id for t in techniques}
    data = attack_data()
    for passage in structure:
        if "table" not in passage.kinds or passage.kinds & {"advice", "reference"}:
            continue
        row = passage.text(text)
        for match in TECHNIQUE_ID.finditer(row):
            raw = "T" + match.group(1) + (f".{match.group(2)}" if match.group(2) else "")
            resolved = data.resolve(raw)
            if resolved is None:
                continue
            counts.table_row_ids += 1
            if resolved not in found:
                counts.table_row_ids_missed.append(f"{name}: {raw} | {' '.join(row.split())[:120]}")


def run(corpus: Path) -> Counts:
    counts = Counts()
    for name, document in corpus_documents(corpus):
        check(name, document, counts)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--show", type=int, default=10, help="examples to print per count")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not (args.corpus / "manifest.jsonl").is_file():
        print(f"no manifest.jsonl in {args.corpus}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    counts = run(args.corpus)
    elapsed = time.perf_counter() - t0
    summary = counts.summary()
    for key, value in summary.items():
        print(f"{key:24s} {value}")
    print(f"{'seconds':24s} {elapsed:.1f}")
    for label in ("actors_in_references", "actors_in_urls", "actors_only_in_title", "title_named_actors",
                  "techniques_from_advice", "table_row_ids_missed"):
        items = getattr(counts, label)
        if items and args.show:
            print(f"\n{label}:")
            for item in items[: args.show]:
                print("  " + item)
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, **{
            k: getattr(counts, k) for k in ("actors_in_references", "actors_in_urls", "actors_only_in_title",
                                             "title_named_actors", "techniques_from_advice", "table_row_ids_missed")
        }}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
