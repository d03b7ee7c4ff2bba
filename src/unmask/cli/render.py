"""Readable text summary of an Analysis (rich), for ``unmask analyze``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from unmask.model import Analysis, Span, TargetMention, TechniqueMention

__all__ = ["render_analysis"]

_EVIDENCE_WIDTH = 110


class _Quoter:
    """Evidence quotes for one analysis: cut to the terminal's width on a terminal, whole
    when the output goes to a file or a pipe (where nobody reads it at a fixed width), and
    followed by the PDF page the quote is on."""

    def __init__(self, analysis: Analysis, console: Console) -> None:
        self.document = analysis.document
        self.text = analysis.document.text
        self.cut = console.is_terminal

    def __call__(self, span: Span, width: int = _EVIDENCE_WIDTH) -> str:
        snippet = " ".join(span.of(self.text).split())
        if self.cut and len(snippet) > width:
            snippet = snippet[: max(10, width) - 1] + "…"
        page = self.document.page_at(span.start) if self.document.pages else None
        return snippet if page is None else f"{snippet} (p. {page})"


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", show_edge=False,
                  header_style="dim", expand=False, pad_edge=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def _header(analysis: Analysis) -> Panel:
    doc = analysis.document
    meta = doc.metadata
    lines = Text()
    lines.append(meta.title or doc.source, style="bold")
    lines.append(f"\n{doc.source} · {doc.format} · {doc.size:,} bytes · {len(doc.text):,} chars")
    if doc.pages:
        lines.append(f" · {len(doc.pages)} pages")
    facts = []
    if analysis.published:
        flag = " (PDF file date only)" if analysis.published_source == "pdf-metadata" else ""
        facts.append(f"published {analysis.published.isoformat()}{flag}")
    if meta.authors:
        facts.append("by " + ", ".join(meta.authors))
    if meta.site_name:
        facts.append(meta.site_name)
    if meta.url:
        facts.append(meta.url)
    if facts:
        lines.append("\n" + " · ".join(facts))
    if doc.attachments:
        lines.append(f"\n{len(doc.attachments)} attachment(s): ")
        lines.append(", ".join(a.name or a.content_type for a in doc.attachments))
    for warning in doc.warnings:
        lines.append(f"\n⚠ {warning}", style="yellow")
    return Panel(lines, expand=False)


def _actors(analysis: Analysis, width: int, quote: _Quoter) -> Iterable[RenderableType]:
    if analysis.actor_summary:
        table = _table("Threat actors", "id", "actor", "names in the text", "mentions")
        for actor in analysis.actor_summary:
            table.add_row(
                str(actor.get("id", "")),
                str(actor.get("name", "")),
                ", ".join(actor.get("names_used", [])),
                str(actor.get("mentions", "")),
            )
        yield table
    for statement in analysis.alias_statements:
        yield Text.assemble(
            ("  alias statement ", "dim"),
            (" = ".join(statement.names), "bold"),
            (f'  “{quote(statement.span, max(30, width - 60))}”', "italic dim"),
        )


def _attributions(analysis: Analysis, width: int, quote: _Quoter) -> Iterable[RenderableType]:
    if not analysis.attributions:
        return
    table = _table("Attribution", "kind", "value", "actors", "evidence")
    for item in analysis.attributions:
        table.add_row(item.kind, item.value, ", ".join(item.actor_ids), quote(item.span, 80))
    yield table


def _targets(analysis: Analysis, width: int, quote: _Quoter) -> Iterable[RenderableType]:
    if not analysis.targets:
        return
    by_role: dict[tuple[str, str], list[TargetMention]] = defaultdict(list)
    for target in analysis.targets:
        group = by_role[(target.role, target.kind)]
        if all(t.value != target.value for t in group):
            group.append(target)
    rows = []
    for (role, kind), group in sorted(by_role.items()):
        values = ", ".join(t.value for t in group)
        # the evidence: the first mention of the group in the text
        first = min(group, key=lambda t: t.span.start)
        rows.append((role, f"{kind} · {values}", quote(first.span, width - 18)))
    yield _evidence_lines("Targets and other parties", rows)


def _evidence_lines(title: str, rows: list[tuple[str, str, str]]) -> Text:
    """A titled list: key, facts, then the evidence quote on its own line."""
    width = max((len(key) for key, _, _ in rows), default=0)
    block = Text(title + "\n", style="bold")
    for key, facts, quote in rows:
        block.append(f"  {key:<{width}}  ", style="cyan")
        block.append(facts + "\n")
        block.append(" " * (width + 4) + f"“{quote}”\n", style="italic dim")
    block.rstrip()
    return block


def _techniques(analysis: Analysis, width: int, quote: _Quoter) -> Iterable[RenderableType]:
    if not analysis.techniques:
        return
    best: dict[str, TechniqueMention] = {}
    for mention in analysis.techniques:
        held = best.get(mention.technique_id)
        if held is None or mention.confidence > held.confidence:
            best[mention.technique_id] = mention
    rows = [
        (m.technique_id, f"{m.name} · {', '.join(m.tactics)} · {m.confidence:.2f} ({m.method})",
         quote(m.span, width - 18))
        for m in sorted(best.values(), key=lambda m: (-m.confidence, m.technique_id))
    ]
    yield _evidence_lines("ATT&CK techniques", rows)


def _malware(analysis: Analysis, width: int, quote: _Quoter) -> Iterable[RenderableType]:
    if not analysis.malware:
        return
    seen: dict[str, tuple[str, str, int]] = {}
    for mention in analysis.malware:
        name, kind, count = seen.get(mention.malware_id, (mention.name, mention.kind, 0))
        seen[mention.malware_id] = (name, kind, count + 1)
    table = _table("Malware and tools", "name", "kind", "mentions")
    for name, kind, count in sorted(seen.values()):
        table.add_row(name, kind, str(count))
    yield table


def _observables(analysis: Analysis, width: int, quote: _Quoter) -> Iterable[RenderableType]:
    rows: dict[tuple[str, str], int] = {}
    for obs in analysis.indicators:
        rows[(obs.type, obs.value)] = rows.get((obs.type, obs.value), 0) + 1
    if rows:
        # the title counts what the table lists: distinct indicators, not mentions
        table = _table(f"Indicators ({len(rows)})", "type", "value", "mentions")
        for (kind, value), count in rows.items():
            table.add_row(kind, value, str(count))
        yield table
    for role, label in (("reference", "reference(s) cited, not indicators"),
                        ("benign", "benign observable(s) left out of indicators")):
        values = sorted({f"{o.value} ({', '.join(o.reasons or o.benign_reasons)})"
                         for o in analysis.observables if o.role == role})
        if values:
            shown = ", ".join(values[:8]) + (" …" if len(values) > 8 else "")
            yield Text(f"  {len(values)} {label}: {shown}", style="dim")


def _events(analysis: Analysis, width: int, quote: _Quoter) -> Iterable[RenderableType]:
    if not analysis.events:
        return
    rows = []
    for event in sorted(analysis.events, key=lambda e: (e.start_date, e.kind)):
        date = event.date + (" *" if event.resolved else "")
        if event.precision == "approximate":
            date += " ~"
        facts = event.kind
        if event.actor_ids:
            facts += " · " + ", ".join(event.actor_ids)
        if event.target_values:
            facts += " · against " + ", ".join(event.target_values)
        rows.append((date, facts, quote(event.span, width - 22)))
    yield _evidence_lines("Timeline", rows)
    if any(e.resolved for e in analysis.events):
        yield Text("  * resolved against the publication date", style="dim")


def summary_paragraph(analysis: Analysis) -> str:
    """One paragraph that says what the report is about, before the tables."""
    actors = [a for a in analysis.actor_summary if a.get("name")]
    sentences = []
    if actors:
        named = []
        for actor in actors[:3]:
            names = [n for n in actor.get("names_used", []) if n != actor.get("name")]
            also = f" (also {', '.join(names[:4])})" if names else ""
            ident = f" {actor['id']}" if actor.get("id") else ""
            named.append(f"{actor['name']}{ident}{also}")
        more = f" and {len(actors) - 3} more" if len(actors) > 3 else ""
        sentences.append("Actors: " + "; ".join(named) + more + ".")
    masks = sorted({s.reason.split(" uses the name of ", 1)[1] for s in analysis.skipped
                    if s.stage == "actors" and " uses the name of " in s.reason})
    if masks:
        sentences.append("Named as a mask worn by others: " + ", ".join(masks) + ".")
    victims = _values(analysis, ("target", "victim"))
    if victims:
        sentences.append("Against " + ", ".join(victims[:6]) + (" …" if len(victims) > 6 else "") + ".")
    counts = []
    indicators = {(o.type, o.value) for o in analysis.indicators}
    if indicators:
        counts.append(f"{len(indicators)} indicator(s)")
    techniques = {t.technique_id for t in analysis.techniques}
    if techniques:
        counts.append(f"{len(techniques)} ATT&CK technique(s)")
    malware = sorted({m.name for m in analysis.malware})
    if malware:
        counts.append("malware and tools: " + ", ".join(malware[:5]) + (" …" if len(malware) > 5 else ""))
    if counts:
        sentences.append(_capital("; ".join(counts)) + ".")
    if analysis.events:
        events = sorted(analysis.events, key=lambda e: (e.start_date, e.kind))
        listed = [f"{e.kind} {e.date}" for e in events[:5]]
        more = f" and {len(events) - 5} more" if len(events) > 5 else ""
        sentences.append(f"Timeline: {', '.join(listed)}{more}.")
    return " ".join(sentences)


def _values(analysis: Analysis, roles: tuple[str, ...]) -> list[str]:
    seen: list[str] = []
    for target in analysis.targets:
        if target.role in roles and target.value not in seen:
            seen.append(target.value)
    return seen


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def render_analysis(analysis: Analysis, console: Console) -> None:
    """Print a summary of ``analysis`` to ``console``."""
    parts: list[RenderableType] = [_header(analysis)]
    paragraph = summary_paragraph(analysis)
    if paragraph:
        parts.append(Text(paragraph))
    quote = _Quoter(analysis, console)
    for section in (_actors, _attributions, _targets, _techniques, _malware, _observables,
                    _events):
        parts.extend(section(analysis, console.width, quote))
    found = analysis.to_dict(include_text=False)["summary"]
    if not any(found[k] for k in ("observables", "actors", "techniques", "targets", "malware",
                                  "events")):
        parts.append(Text("Nothing found.", style="dim"))
    if analysis.skipped:
        parts.append(Text(f"  {len(analysis.skipped)} candidate(s) skipped (see --format json)",
                          style="dim"))
    console.print(Group(*parts))
    for child in analysis.children:
        console.print(Text("↳ attachment", style="bold dim"))
        render_analysis(child, console)
