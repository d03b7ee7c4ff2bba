"""Knowledge-base scale: bulk load, ingest rate and query latency on SQLite and PostgreSQL.

usage: python benchmarks/kb.py [--documents 100000] [--postgres URL] [--no-sqlite]
                               [--ingest-files 300] [--seed 7] [--workdir DIR] [--json OUT]

1. Generates a synthetic corpus (seeded, nothing copied): ``--actors`` actors, each
   with 2–6 vendor-style names and its own favourite techniques, malware and
   infrastructure; reports of log-normal size (median ~6 KB, up to 60 KB) naming 1–3
   actors (Zipf-distributed, so a few actors have thousands of reports), alias
   statements, techniques with evidence sentences, indicators, targets and dated
   events — built as Analysis objects with exact spans.
2. Bulk-loads them through ``KnowledgeBase.add_analyses`` (batches of 200 per
   transaction) and times single-document transactions on the first 1,000.
3. ``unmask.ingest.ingest`` (read + analyse with the real pipeline + store, one
   transaction per document) on ``--ingest-files`` generated report files with
   ``jobs=1`` and ``jobs=2``, into a separate database (the extractors dominate).
4. Query latency, p50/p95/max in ms: actor profile (actors drawn uniformly, and the
   ten biggest separately), full-text search (alias names, technique words, rare and
   common filler words, phrases, sector + country),
   indicator lookup (stored values and misses).
5. Database size on disk (SQLite file + WAL; PostgreSQL ``pg_total_relation_size``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import itertools
import json
import math
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from unmask.model import (
    ActorMention,
    AliasStatement,
    Analysis,
    Attribution,
    Document,
    Event,
    MalwareMention,
    Metadata,
    Observable,
    Span,
    TargetMention,
    TechniqueMention,
)

COLOURS = ["Crimson", "Emerald", "Velvet", "Cobalt", "Amber", "Onyx", "Silver", "Scarlet",
           "Jade", "Ivory", "Obsidian", "Azure", "Golden", "Granite", "Ashen", "Copper"]
WEATHER = ["Sleet", "Typhoon", "Blizzard", "Sandstorm", "Tempest", "Hail", "Frost", "Storm"]
ANIMALS = ["Chollima", "Panda", "Bear", "Kitten", "Spider", "Tiger", "Jackal", "Viper",
           "Leopard", "Buffalo", "Crane", "Owl"]
WORDS = [
    "the", "operators", "then", "moved", "laterally", "across", "network", "while", "staging",
    "archives", "for", "exfiltration", "and", "analysts", "observed", "persistence", "through",
    "services", "scheduled", "tasks", "before", "implant", "beaconed", "to", "its", "command",
    "control", "servers", "over", "encrypted", "channels", "that", "mimicked", "legitimate",
    "cloud", "traffic",
]
SECTORS = ["government", "defence", "energy", "finance", "healthcare", "education",
           "telecommunications", "think tanks", "media", "manufacturing", "aviation"]
COUNTRIES = ["South Korea", "Japan", "United States", "Germany", "Ukraine", "India",
             "Vietnam", "Taiwan", "Israel", "Saudi Arabia", "Brazil", "France"]
EVENT_KINDS = ["campaign", "activity-start", "advisory", "sanction", "report"]
TECHNIQUE_WORDS = ["spearphishing", "powershell", "credential dumping", "scheduled task",
                   "process injection", "dll side-loading", "web shell", "exfiltration",
                   "remote desktop", "keylogging", "obfuscated files", "valid accounts"]


@dataclass
class Actor:
    actor_id: str
    names: list[str]
    techniques: list[tuple[str, str]]
    malware: list[str]
    indicators: list[tuple[str, str]]
    sectors: list[str]
    countries: list[str]
    sponsor: str


def _make_actors(rng: random.Random, count: int) -> list[Actor]:
    techniques = [(f"T{1000 + i}" + (f".{rng.randint(1, 9):03d}" if rng.random() < .4 else ""),
                   f"{rng.choice(TECHNIQUE_WORDS).title()} variant {i}") for i in range(600)]
    used: set[str] = set()
    actors = []
    for i in range(count):
        names: list[str] = []
        while len(names) < rng.randint(2, 6):
            style = rng.random()
            if style < .3:
                name = f"{rng.choice(COLOURS)} {rng.choice(WEATHER)}"
            elif style < .55:
                name = f"{rng.choice(COLOURS)} {rng.choice(ANIMALS)}"
            elif style < .7:
                name = f"APT{rng.randint(1, 999)}"
            elif style < .85:
                name = f"TA{rng.randint(100, 999)}"
            else:
                name = f"UNC{rng.randint(1000, 9999)}"
            if name not in used:
                used.add(name)
                names.append(name)
        actors.append(Actor(
            actor_id=f"G{i:04d}" if i < 150 else f"actor-{i}",
            names=names,
            techniques=rng.sample(techniques, 25),
            malware=[f"{rng.choice(COLOURS)}{rng.choice(['Shark', 'Rat', 'Loader', 'Door', 'Stealer'])}"
                     for _ in range(rng.randint(1, 5))],
            indicators=_indicators(rng, i, 400),
            sectors=rng.sample(SECTORS, 3),
            countries=rng.sample(COUNTRIES, 2),
            sponsor=rng.choice(COUNTRIES),
        ))
    return actors


def _indicators(rng: random.Random, salt: int, count: int) -> list[tuple[str, str]]:
    out = []
    for j in range(count):
        kind = rng.random()
        if kind < .35:
            out.append(("domain", f"{rng.choice(WORDS)}-{salt}-{j}.example-{salt % 97}.net"))
        elif kind < .6:
            out.append(("ipv4", f"10.{salt % 250}.{j // 250}.{j % 250}"))
        elif kind < .85:
            out.append(("sha256", hashlib.sha256(f"{salt}/{j}".encode()).hexdigest()))
        else:
            out.append(("url", f"https://cdn-{salt}.example.org/{rng.choice(WORDS)}/{j}.php"))
    return out


class _Text:
    """Appends sentences and returns the span of each inserted surface."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, text: str) -> Span:
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        return Span(start, self.length)

    def sentence(self, *pieces: str) -> list[Span]:
        spans = []
        for piece in pieces:
            if piece.startswith("§"):
                spans.append(self.add(piece[1:]))
            else:
                self.add(piece)
        self.add(" ")
        return spans


SYLLABLES = ["ka", "ro", "mi", "ten", "sul", "vo", "dra", "ne", "pi", "zor", "lu", "gha",
             "ser", "tam", "qui", "bel", "on", "ix", "ur", "fen"]


def _vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    """Pseudo-words; filler draws them Zipf-style, so a few are common and most are rare."""
    words = list(WORDS)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


VOCABULARY = _vocabulary(random.Random(1))
_ZIPF_CUMULATIVE = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(VOCABULARY))))


def _filler(rng: random.Random, text: _Text, chars: int) -> None:
    while chars > 0:
        words = " ".join(rng.choices(VOCABULARY, cum_weights=_ZIPF_CUMULATIVE, k=rng.randint(8, 20)))
        text.add(words.capitalize() + ". ")
        chars -= len(words) + 2


def make_analysis(rng: random.Random, k: int, actors: list[Actor], weights: list[float]) -> Analysis:
    chosen: list[Actor] = []
    for actor in rng.choices(actors, weights, k=rng.choice([1, 1, 1, 2, 2, 3])):
        if actor not in chosen:
            chosen.append(actor)
    size = min(60_000, int(rng.lognormvariate(math.log(6000), 0.7)))
    text = _Text()
    published = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randint(0, 365 * 13))
    title = f"Report {k}: {chosen[0].names[0]} targets {rng.choice(chosen[0].sectors)}"
    text.add(title + "\n\n")
    mentions: list[ActorMention] = []
    aliases: list[AliasStatement] = []
    techniques: list[TechniqueMention] = []
    observables: list[Observable] = []
    targets: list[TargetMention] = []
    malware: list[MalwareMention] = []
    attributions: list[Attribution] = []
    events: list[Event] = []
    for actor in chosen:
        name = rng.choice(actor.names)
        (span,) = text.sentence("This report covers ", f"§{name}", ", an intrusion set.")
        mentions.append(ActorMention(actor.actor_id, actor.names[0], name, span, "gazetteer", .95))
        if rng.random() < .25:
            names = rng.sample(actor.names, min(len(actor.names), rng.randint(2, 3)))
            start = text.length
            spans = text.sentence("§" + names[0], " is also tracked as ", "§" + " and ".join(names[1:]), ".")
            aliases.append(AliasStatement(tuple(names), Span(start, spans[-1].end + 1),
                                          "same-as", actor.actor_id))
            mentions.append(ActorMention(actor.actor_id, actor.names[0], names[0], spans[0],
                                         "gazetteer", .95))
        for technique_id, technique_name in rng.sample(actor.techniques, rng.randint(3, 12)):
            (span,) = text.sentence(f"§The actor used {technique_name.lower()} ({technique_id}) "
                                    "against the victims.")
            techniques.append(TechniqueMention(technique_id, technique_name, span, "pattern", .8))
        pool = actor.indicators
        for kind, value in rng.sample(pool, rng.randint(3, 30)):
            (span,) = text.sentence("Infrastructure included ", f"§{value}", ".")
            observables.append(Observable(kind, value, value, span))
        for family in rng.sample(actor.malware, min(len(actor.malware), rng.randint(0, 2))):
            (span,) = text.sentence("The payload was ", f"§{family}", ".")
            malware.append(MalwareMention(family.lower(), family, family, span))
        sector, country = rng.choice(actor.sectors), rng.choice(actor.countries)
        spans = text.sentence("Victims were in the ", f"§{sector}", " sector in ", f"§{country}", ".")
        targets.append(TargetMention("sector", sector, sector, spans[0]))
        targets.append(TargetMention("country", country, country, spans[1]))
        if rng.random() < .3:
            (span,) = text.sentence("The group is believed to work for ", f"§{actor.sponsor}", ".")
            attributions.append(Attribution("sponsor", actor.sponsor, actor.sponsor, span,
                                            (actor.actor_id,)))
        for _ in range(rng.randint(0, 2)):
            day = published - dt.timedelta(days=rng.randint(0, 900))
            precision = rng.choice(["day", "month", "year"])
            date = {"day": day.isoformat(), "month": day.isoformat()[:7],
                    "year": day.isoformat()[:4]}[precision]
            (span,) = text.sentence(f"§In {date} a {rng.choice(EVENT_KINDS)} was recorded.")
            events.append(Event(rng.choice(EVENT_KINDS), date, precision, span, date,
                                (actor.actor_id,)))
    for kind, value in _indicators(rng, 100_000 + k, rng.randint(0, 8)):
        (span,) = text.sentence("Also seen: ", f"§{value}", ".")
        observables.append(Observable(kind, value, value, span))
    _filler(rng, text, size - text.length)
    body = "".join(text.parts)
    raw = body.encode()
    document = Document(text=body, source=f"synthetic/report-{k:06d}.txt", format="text",
                        sha256=hashlib.sha256(raw).hexdigest(), size=len(raw),
                        metadata=Metadata(title=title, published=published))
    summary = [{"id": a.actor_id, "name": a.names[0],
                "mentions": sum(1 for m in mentions if m.actor_id == a.actor_id)} for a in chosen]
    return Analysis(document=document, published=published, observables=tuple(observables),
                    actors=tuple(mentions), alias_statements=tuple(aliases),
                    techniques=tuple(techniques), targets=tuple(targets),
                    attributions=tuple(attributions), malware=tuple(malware),
                    events=tuple(events), reference_versions={"bench": "1"},
                    actor_summary=tuple(summary))


def corpus(seed: int, documents: int, n_actors: int) -> tuple[list[Actor], Iterator[Analysis]]:
    rng = random.Random(seed)
    actors = _make_actors(rng, n_actors)
    weights = [1 / (rank + 1) ** 1.1 for rank in range(len(actors))]

    def generate() -> Iterator[Analysis]:
        for k in range(documents):
            yield make_analysis(rng, k, actors, weights)

    return actors, generate()


class Samples(list[float]):
    """Wall-clock durations, with the CPU time of this process alongside (the machine
    may be shared: CPU time is what the query itself cost the client)."""

    def __init__(self) -> None:
        super().__init__()
        self.cpu: list[float] = []


def _at(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    out = {"p50_ms": round(_at(ordered, .5) * 1000, 2),
           "p95_ms": round(_at(ordered, .95) * 1000, 2),
           "max_ms": round(ordered[-1] * 1000, 2), "n": len(ordered)}
    cpu = sorted(getattr(samples, "cpu", []))
    if cpu:
        out |= {"cpu_p50_ms": round(_at(cpu, .5) * 1000, 2),
                "cpu_p95_ms": round(_at(cpu, .95) * 1000, 2)}
    return out


def timed(call: Callable[[], Any], samples: list[float]) -> Any:
    cpu = time.process_time()
    start = time.perf_counter()
    result = call()
    samples.append(time.perf_counter() - start)
    if isinstance(samples, Samples):
        samples.cpu.append(time.process_time() - cpu)
    return result


def database_size(kb: Any, url: str) -> int:
    if kb.dialect == "sqlite":
        path = Path(url.split(":///", 1)[1])
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    from sqlalchemy import text
    with kb.engine.connect() as conn:
        return int(conn.execute(text(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'm')"
        )).scalar_one())


def bench_backend(url: str, args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    from unmask.store import open as open_kb

    kb = open_kb(url)
    actors, analyses = corpus(args.seed, args.documents, args.actors)
    result: dict[str, Any] = {"url": kb.url, "documents": args.documents, "actors": args.actors}
    if args.skip_load:
        stored_documents = kb.stats()["documents"]
        if stored_documents != args.documents:
            raise SystemExit(f"--skip-load: {url} holds {stored_documents} documents, "
                             f"not {args.documents}")
        log("  reusing the loaded database")
    else:
        _load(kb, analyses, args, result, log)
    result["stats"] = kb.stats()
    result["size_bytes"] = database_size(kb, url)
    _queries(kb, actors, args, result)
    kb.close()
    return result


def _load(kb: Any, analyses: Iterator[Analysis], args: argparse.Namespace,
          result: dict[str, Any], log: Callable[[str], None]) -> None:
    single = Samples()
    cpu_start = time.process_time()
    start = time.perf_counter()
    batch: list[Analysis] = []
    loaded = 0
    for analysis in analyses:
        if loaded < min(1000, args.documents):
            timed(lambda a=analysis: kb.add_analysis(a), single)
            loaded += 1
            continue
        batch.append(analysis)
        if len(batch) >= 200:
            kb.add_analyses(batch)
            loaded += len(batch)
            batch = []
            if loaded % 5000 == 0:
                log(f"  {loaded:,} documents, {loaded / (time.perf_counter() - start):.0f}/s, "
                    f"client CPU {time.process_time() - cpu_start:.0f} s")
    if batch:
        kb.add_analyses(batch)
        loaded += len(batch)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    result["bulk_load"] = {"seconds": round(elapsed, 1),
                           "documents_per_s": round(loaded / elapsed, 1),
                           "client_cpu_seconds": round(cpu, 1),
                           "documents_per_client_cpu_s": round(loaded / cpu, 1),
                           "note": "generation included; batches of 200 after the first 1,000"}
    result["single_document_transactions"] = {
        "documents_per_s": round(len(single) / sum(single), 1), **percentiles(single)}
    log(f"  loaded {loaded:,} in {elapsed:.0f} s")
    if kb.dialect == "postgresql":
        # What autovacuum does after a bulk load, at once: planner statistics, and the
        # visibility map that lets counts and lookups be answered from indexes alone.
        from sqlalchemy import text
        with kb.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))


def _queries(kb: Any, actors: list[Actor], args: argparse.Namespace,
             result: dict[str, Any]) -> None:
    rng = random.Random(args.seed + 1)
    counts: dict[str, int] = {}
    with kb.engine.connect() as conn:
        from sqlalchemy import func, select

        from unmask.store.schema import DocumentActorRow
        for actor_id, n in conn.execute(select(DocumentActorRow.actor_id, func.count())
                                        .group_by(DocumentActorRow.actor_id)):
            counts[actor_id] = int(n)
    stored = [a for a in actors if a.actor_id in counts]
    profile = Samples()
    for actor in [rng.choice(stored) for _ in range(args.queries)]:
        # Half by id, half by one of its names (resolved through the store's name index).
        query = actor.actor_id if rng.random() < .5 else rng.choice(actor.names)
        got = timed(lambda q=query: kb.actor_profile(q), profile)
        if got is not None:
            assert got.actor_id == actor.actor_id, (query, got.actor_id)
        else:  # a name no stored report happened to use
            assert query != actor.actor_id
    biggest = sorted(stored, key=lambda a: -counts[a.actor_id])[:10]
    big = Samples()
    for actor in biggest:
        timed(lambda a=actor: kb.actor_profile(a.actor_id), big)
    result["actor_profile"] = percentiles(profile)
    result["actor_profile_biggest10"] = {**percentiles(big),
                                         "reports": [counts[a.actor_id] for a in biggest]}

    queries = ([rng.choice(a.names) for a in rng.sample(stored, 40)]
               + [rng.choice(TECHNIQUE_WORDS) for _ in range(30)]
               + [rng.choice(VOCABULARY[200:]) for _ in range(15)]
               + [f'"{rng.choice(VOCABULARY[:300])} {rng.choice(VOCABULARY[:300])}"'
                  for _ in range(15)]
               + [f"{rng.choice(SECTORS)} {rng.choice(COUNTRIES)}" for _ in range(15)])
    search = Samples()
    for query in queries:
        timed(lambda q=query: kb.search(q, limit=20), search)
    result["search"] = percentiles(search)

    ioc = Samples()
    for _ in range(args.queries):
        actor = rng.choice(stored)
        _, value = rng.choice(actor.indicators)
        timed(lambda v=value: kb.find_indicator(v), ioc)
    misses = Samples()
    for j in range(50):
        timed(lambda j=j: kb.find_indicator(f"192.0.2.{j}"), misses)
    result["ioc_lookup"] = percentiles(ioc)
    result["ioc_lookup_miss"] = percentiles(misses)


def bench_ingest(url_for: Callable[[int], str], args: argparse.Namespace, workdir: Path,
                 log: Callable[[str], None]) -> dict[str, Any]:
    from unmask.ingest import ingest
    from unmask.store import open as open_kb

    folder = workdir / "ingest-files"
    folder.mkdir(exist_ok=True)
    _, analyses = corpus(args.seed + 2, args.ingest_files, args.actors)
    paths = []
    for analysis in analyses:
        path = folder / Path(analysis.document.source).name
        path.write_text(analysis.document.text, encoding="utf-8")
        paths.append(str(path))
    out: dict[str, Any] = {"files": len(paths),
                           "bytes": sum(os.path.getsize(p) for p in paths)}
    for jobs in (1, 2):
        kb = open_kb(url_for(jobs))
        start = time.perf_counter()
        report = ingest(kb, paths, jobs=jobs)
        elapsed = time.perf_counter() - start
        kb.close()
        out[f"jobs_{jobs}"] = {"seconds": round(elapsed, 1),
                               "documents_per_s": round(len(paths) / elapsed, 1),
                               "added": report.count("added"), "failed": report.count("failed")}
        log(f"  ingest --jobs {jobs}: {len(paths) / elapsed:.1f} documents/s")
    return out


def _fresh_pg_schema(base: str, name: str) -> str:
    from sqlalchemy import create_engine, text
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    engine.dispose()
    return _schema_url(base, name)


def _schema_url(base: str, name: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--actors", type=int, default=600)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--ingest-files", type=int, default=300)
    parser.add_argument("--postgres", default=os.environ.get("UNMASK_TEST_POSTGRES"),
                        help="PostgreSQL URL (default: UNMASK_TEST_POSTGRES); a schema "
                             "'unmask_bench' is created in it and dropped first")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-ingest", action="store_true")
    parser.add_argument("--skip-load", action="store_true",
                        help="reuse the databases a previous run left in --workdir / the "
                             "unmask_bench schema (same --documents and --seed)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args()

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="unmask-kb-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"documents": args.documents, "actors": args.actors}
    backends: list[tuple[str, str, Callable[[int], str]]] = []
    if not args.no_sqlite:
        for name in ("ingest-1.sqlite", "ingest-2.sqlite") + (() if args.skip_load
                                                               else ("kb.sqlite",)):
            for suffix in ("", "-wal", "-shm"):
                (workdir / (name + suffix)).unlink(missing_ok=True)
        backends.append(("sqlite", f"sqlite:///{workdir / 'kb.sqlite'}",
                         lambda jobs: f"sqlite:///{workdir / f'ingest-{jobs}.sqlite'}"))
    if args.postgres:
        base = args.postgres.replace("postgresql://", "postgresql+psycopg://", 1)
        main_url = (_schema_url(base, "unmask_bench") if args.skip_load
                    else _fresh_pg_schema(base, "unmask_bench"))
        backends.append(("postgresql", main_url,
                         lambda jobs: _fresh_pg_schema(base, f"unmask_bench_ingest_{jobs}")))
    for name, url, ingest_url in backends:
        log(f"{name}: loading {args.documents:,} synthetic documents")
        results[name] = bench_backend(url, args, log)
        if not args.no_ingest:
            results[name]["ingest"] = bench_ingest(ingest_url, args, workdir, log)
    print(json.dumps(results, indent=2, sort_keys=True))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
