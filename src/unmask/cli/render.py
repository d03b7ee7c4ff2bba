"""Readable text summary of an Analysis (rich), for ``unmask analyze``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from unmask.model import Analysis, Span, TechniqueMention

__all__ = ["render_analysis"]

_EVIDENCE_WIDTH = 110


def _quote(text: str, span: Span, width: int = _EVIDENCE_WIDTH) -> str:
    snippet = " ".join(span.of(text).split())
    return snippet if len(snippet) <= width else snippet[: width - 1] + "…"


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


def _actors(analysis: Analysis, width: int) -> Iterable[RenderableType]:
    text = analysis.document.text
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
            (f'  “{_quote(text, statement.span, max(30, width - 60))}”', "italic dim"),
        )


def _attributions(analysis: Analysis, width: int) -> Iterable[RenderableType]:
    if not analysis.attributions:
        return
    text = analysis.document.text
    table = _table("Attribution", "kind", "value", "actors", "evidence")
    for item in analysis.attributions:
        table.add_row(item.kind, item.value, ", ".join(item.actor_ids), _quote(text, item.span, 80))
    yield table


def _targets(analysis: Analysis, width: int) -> Iterable[RenderableType]:
    if not analysis.targets:
        return
    by_role: dict[tuple[str, str], list[str]] = defaultdict(list)
    for target in analysis.targets:
        values = by_role[(target.role, target.kind)]
        if target.value not in values:
            values.append(target.value)
    table = _table("Targets and other parties", "role", "kind", "values")
    for (role, kind), values in sorted(by_role.items()):
        table.add_row(role, kind, ", ".join(values))
    yield table


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


def _techniques(analysis: Analysis, width: int) -> Iterable[RenderableType]:
    if not analysis.techniques:
        return
    text = analysis.document.text
    best: dict[str, TechniqueMention] = {}
    for mention in analysis.techniques:
        held = best.get(mention.technique_id)
        if held is None or mention.confidence > held.confidence:
            best[mention.technique_id] = mention
    rows = [
        (m.technique_id, f"{m.name} · {', '.join(m.tactics)} · {m.confidence:.2f} ({m.method})",
         _quote(text, m.span, width - 18))
        for m in sorted(best.values(), key=lambda m: (-m.confidence, m.technique_id))
    ]
    yield _evidence_lines("ATT&CK techniques", rows)


def _malware(analysis: Analysis, width: int) -> Iterable[RenderableType]:
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


def _observables(analysis: Analysis, width: int) -> Iterable[RenderableType]:
    indicators = analysis.indicators
    benign = [o for o in analysis.observables if not o.is_indicator]
    if indicators:
        table = _table(f"Indicators ({len(indicators)})", "type", "value")
        seen: set[tuple[str, str]] = set()
        for obs in indicators:
            if (obs.type, obs.value) in seen:
                continue
            seen.add((obs.type, obs.value))
            table.add_row(obs.type, obs.value)
        yield table
    if benign:
        values = sorted({f"{o.value} ({', '.join(o.benign_reasons)})" for o in benign})
        shown = ", ".join(values[:8]) + (" …" if len(values) > 8 else "")
        yield Text(f"  {len(benign)} benign observable(s) left out of indicators: {shown}",
                   style="dim")


def _events(analysis: Analysis, width: int) -> Iterable[RenderableType]:
    if not analysis.events:
        return
    text = analysis.document.text
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
        rows.append((date, facts, _quote(text, event.span, width - 22)))
    yield _evidence_lines("Timeline", rows)
    if any(e.resolved for e in analysis.events):
        yield Text("  * resolved against the publication date", style="dim")


def render_analysis(analysis: Analysis, console: Console) -> None:
    """Print a summary of ``analysis`` to ``console``."""
    parts: list[RenderableType] = [_header(analysis)]
    for section in (_actors, _attributions, _targets, _techniques, _malware, _observables,
                    _events):
        parts.extend(section(analysis, console.width))
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
