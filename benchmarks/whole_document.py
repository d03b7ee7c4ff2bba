#!/usr/bin/env python3
"""Whole-document analysis speed: CPU seconds per pipeline stage on large texts.

usage: python benchmarks/whole_document.py [--corpus DIR] [--prose-mb M] [--one-line-mb M]
                                           [--cjk-mb M] [--only NAME ...] [--profile NAME]
                                           [--json OUT]

Three texts, built in memory (nothing is written):

``prose``     dense prose: the readable corpus documents (``manifest.jsonl``, default
              ``../shared/corpus``) read by unmask's own readers and joined with blank
              lines until ``--prose-mb`` MB (default 1);
``one-line``  the same prose with every line break made a blank, repeated to
              ``--one-line-mb`` MB (default 20): one line, no paragraph;
``cjk``       generated Chinese/Japanese text without any sentence end: runs of words
              (actor names, their CJK aliases and threat words among them) between
              runs of one alias alone, ``--cjk-mb`` MB (default 0.2).

Each stage runs as :func:`unmask.analyze` runs it (structure first, then each
extractor with the same context) after one warm-up call that loads every model, and
its CPU time (``time.process_time``) is printed with its MB/s. ``--profile NAME``
prints the top functions of one text's run (cProfile, cumulative).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"


def prose(corpus: Path, megabytes: float) -> str:
    from unmask.documents import read

    want = int(megabytes * 1_000_000)
    parts: list[str] = []
    size = 0
    with (corpus / "manifest.jsonl").open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    for row in rows:
        if row.get("expect", "ok") != "ok" or row.get("format") not in ("text", "html", "pdf", "markdown"):
            continue
        try:
            text = read(str(corpus / row["file"])).text
        except Exception:  # a refused file is simply not part of the mix
            continue
        parts.append(text)
        size += len(text.encode("utf-8"))
        if size >= want:
            break
    if not parts:
        raise SystemExit(f"no readable document in {corpus}")
    joined = "\n\n".join(parts)
    while len(joined.encode("utf-8")) < want:  # a small corpus is repeated
        joined = joined + "\n\n" + joined
    return joined.encode("utf-8")[:want].decode("utf-8", "ignore")


def one_line(text: str, megabytes: float) -> str:
    flat = " ".join(text.split())
    want = int(megabytes * 1_000_000)
    reps = max(1, -(-want // max(1, len(flat.encode("utf-8")))))
    return (" ".join([flat] * reps)).encode("utf-8")[:want].decode("utf-8", "ignore")


_CJK_WORDS = [
    "黑客组织", "攻击者", "网络间谍活动", "政府机构", "恶意软件", "钓鱼邮件", "研究人员", "发现",
    "使用", "针对", "能源部门", "外交部", "漏洞", "后门", "服务器", "数据", "窃取", "韩国",
    "日本", "台湾", "サイバー攻撃", "攻撃グループ", "標的型メール", "マルウェア", "研究者",
    "APT28", "APT29", "Lazarus", "Kimsuky", "拉撒路", "海莲花", "方程式组织", "蔓灵花",
]


def cjk(megabytes: float, seed: int = 7) -> str:
    """Runs of random words (threat words among them) alternating with runs of one
    alias in another script and nothing else (each name's sentence window then holds
    no threat word: the shape that cost 45 s/MB)."""
    rng = random.Random(seed)
    want = int(megabytes * 1_000_000)
    out: list[str] = []
    size = 0
    while size < want:
        if len(out) % 2:
            run = rng.choice(["海莲花", "方程式", "拉撒路"]) * rng.randrange(200, 2000)
        else:
            run = "".join(rng.choice(_CJK_WORDS) for _ in range(rng.randrange(200, 2000)))
        out.append(run)
        size += len(run.encode("utf-8"))
    return "".join(out).encode("utf-8")[:want].decode("utf-8", "ignore")


def stages() -> list[tuple[str, Callable[[str, Any, dict[str, Any]], Any]]]:
    from unmask.extract.actors import extract_actors
    from unmask.extract.events import extract_events
    from unmask.extract.malware import extract_malware
    from unmask.extract.observables import extract_observables
    from unmask.extract.targets import extract_attributions, extract_targets
    from unmask.extract.techniques import extract_techniques

    def actors(text: str, ctx: Any, found: dict[str, Any]) -> Any:
        findings = extract_actors(text, context=ctx)
        found["actors"] = findings.mentions
        return findings

    def targets(text: str, ctx: Any, found: dict[str, Any]) -> Any:
        found["targets"] = extract_targets(text, context=ctx, actors=found["actors"])
        return found["targets"]

    return [
        ("observables", lambda t, c, f: extract_observables(t, context=c)),
        ("actors", actors),
        ("techniques", lambda t, c, f: extract_techniques(t, context=c)),
        ("targets", targets),
        ("attributions", lambda t, c, f: extract_attributions(t, context=c, actors=f["actors"])),
        ("malware", lambda t, c, f: extract_malware(t, context=c, actors=f["actors"])),
        ("events", lambda t, c, f: extract_events(t, context=c, actors=f["actors"], targets=f["targets"])),
    ]


def run(text: str) -> dict[str, float]:
    from unmask.documents.structure import structure_of_document
    from unmask.model import ExtractContext
    from unmask.pipeline.analyze import document_from_text

    document = document_from_text(text)
    out: dict[str, float] = {}
    t0 = time.process_time()
    structure = structure_of_document(document)
    ctx = ExtractContext.for_document(document, None, structure=structure)
    out["structure"] = time.process_time() - t0
    found: dict[str, Any] = {}
    for name, stage in stages():
        t0 = time.process_time()
        stage(text, ctx, found)
        out[name] = time.process_time() - t0
    out["total"] = sum(out.values())
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--prose-mb", type=float, default=1.0)
    parser.add_argument("--one-line-mb", type=float, default=20.0)
    parser.add_argument("--cjk-mb", type=float, default=0.2)
    parser.add_argument("--only", nargs="*", choices=["prose", "one-line", "cjk"])
    parser.add_argument("--profile", choices=["prose", "one-line", "cjk"])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not (args.corpus / "manifest.jsonl").is_file():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2

    import unmask

    unmask.analyze("APT28 used spearphishing against the ministry in Germany on 3 March 2024.")
    base = prose(args.corpus, args.prose_mb)
    texts: dict[str, str] = {}
    wanted = args.only or ["prose", "one-line", "cjk"]
    if "prose" in wanted:
        texts["prose"] = base
    if "one-line" in wanted:
        texts["one-line"] = one_line(base, args.one_line_mb)
    if "cjk" in wanted:
        texts["cjk"] = cjk(args.cjk_mb)

    results: dict[str, dict[str, float]] = {}
    for name, text in texts.items():
        mb = len(text.encode("utf-8")) / 1e6
        if args.profile == name:
            prof = cProfile.Profile()
            prof.enable()
            results[name] = run(text)
            prof.disable()
            buf = io.StringIO()
            pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(40)
            print(buf.getvalue())
        else:
            results[name] = run(text)
        row = results[name]
        print(f"\n{name}: {mb:.2f} MB, {len(text):,} characters; CPU seconds (MB/s)")
        for stage, secs in row.items():
            rate = mb / secs if secs > 0 else float("inf")
            print(f"  {stage:<13} {secs:9.2f}  ({rate:7.2f} MB/s)")
        sys.stdout.flush()
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
