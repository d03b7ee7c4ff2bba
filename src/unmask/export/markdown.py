"""A Markdown brief an analyst can paste into a ticket.

Sections: summary, actors with aliases, techniques table, indicators table (benign
observables listed apart), targets, malware and tools, timeline, sources. The TLP 2.0
label of the most restricted report it draws on is the first and the last line, in
bold, as TLP 2.0 asks of a document's header and footer (``**TLP:AMBER**``).
"""

from __future__ import annotations

from collections.abc import Sequence

from unmask.export.digest import Digest, Evidence, digest
from unmask.export.vocab import country_code, country_name, tlp_label
from unmask.model import Analysis

__all__ = ["brief_from_digest", "to_markdown"]

_MAX_CELL = 160


def _cell(text: str, limit: int = _MAX_CELL) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "\u2026"
    return text


def _where(evidence: Sequence[Evidence]) -> str:
    if not evidence:
        return ""
    first = evidence[0]
    where = f"{first.start}\u2013{first.end}"
    if first.page is not None:
        where = f"p. {first.page}, {where}"
    if len(evidence) > 1:
        where += f" (+{len(evidence) - 1})"
    return where


def _country(value: str) -> str:
    code = country_code(value)
    return country_name(code) if code else value


def _defang(value: str) -> str:
    """Defang network indicators so the brief is safe to paste."""
    return value.replace("http", "hxxp", 1).replace(".", "[.]") if value else value


def brief_from_digest(d: Digest, *, title: str | None = None, tlp: str = "clear") -> str:
    """The Markdown brief for an already built :class:`Digest`, marked ``tlp``."""
    banner = f"**{tlp_label(tlp)}**"
    lines: list[str] = [banner, ""]
    heading = title or (d.reports[0].title if len(d.reports) == 1 else f"{len(d.reports)} reports")
    lines.append(f"# {heading}")
    lines.append("")
    indicators = d.indicators
    benign = [o for o in d.observables.values() if not o.is_indicator]
    lines.append("## Summary")
    lines.append("")
    for report in d.reports:
        published = report.published.isoformat() if report.published else "undated"
        source = f"<{report.url}>" if report.url else f"`{report.source}`"
        lines.append(f"- **{report.title}** ({published}), {source}")
    actor_names = ", ".join(a.name for a in d.actors.values()) or "none identified"
    lines.append(
        f"- Actors: {actor_names}; {len(d.techniques)} ATT&CK techniques; "
        f"{len(indicators)} indicators ({len(benign)} benign observables set aside); "
        f"{len(d.malware)} malware/tools; {len(d.events)} dated events."
    )
    lines.append("")

    lines.append("## Actors")
    lines.append("")
    if d.actors:
        lines.append("| Actor | ID | Names in the text | Other known names | Sponsor / origin | Motivation | Seen |")
        lines.append("|---|---|---|---|---|---|---|")
        for actor in d.actors.values():
            seen = ""
            if actor.first_seen:
                seen = actor.first_seen.isoformat()
                if actor.last_seen and actor.last_seen != actor.first_seen:
                    seen += f" \u2192 {actor.last_seen.isoformat()}"
            origin = ", ".join(sorted(actor.sponsors | {_country(c) for c in actor.countries}))
            used = sorted(actor.names_used, key=lambda n: (n.casefold(), n))
            others = sorted(actor.aliases - actor.names_used, key=lambda n: (n.casefold(), n))
            lines.append(
                f"| {_cell(actor.name)} | {actor.actor_id} | {_cell(', '.join(used))} "
                f"| {_cell(', '.join(others))} | {_cell(origin)} "
                f"| {_cell(', '.join(sorted(actor.motivations)))} | {seen} |"
            )
    else:
        lines.append("No threat actor identified.")
    lines.append("")

    lines.append("## Techniques")
    lines.append("")
    if d.techniques:
        lines.append("| ID | Technique | Tactics | Confidence | Evidence | Offsets |")
        lines.append("|---|---|---|---|---|---|")
        for tech in d.techniques.values():
            quote = tech.evidence[0].quote if tech.evidence else ""
            lines.append(
                f"| [{tech.technique_id}](https://attack.mitre.org/techniques/{tech.technique_id.replace('.', '/')}/) "
                f"| {_cell(tech.name)} | {', '.join(sorted(tech.tactics))} | {tech.confidence:.2f} "
                f"| {_cell(quote)} | {_where(tech.evidence)} |"
            )
    else:
        lines.append("No ATT&CK technique found.")
    lines.append("")

    lines.append("## Indicators")
    lines.append("")
    if indicators:
        lines.append("| Type | Value (defanged) | As written | Offsets |")
        lines.append("|---|---|---|---|")
        for entry in indicators:
            quote = entry.evidence[0].quote if entry.evidence else ""
            value = _defang(entry.value) if entry.type in ("domain", "url", "email", "ipv4", "ipv6") else entry.value
            lines.append(f"| {entry.type} | `{_cell(value, 300)}` | {_cell(quote, 80)} | {_where(entry.evidence)} |")
    else:
        lines.append("No indicator found.")
    if benign:
        lines.append("")
        lines.append("Set aside as benign: " + ", ".join(
            f"`{_defang(o.value)}` ({', '.join(sorted(o.benign_reasons))})" for o in benign[:30]
        ) + ("" if len(benign) <= 30 else f" and {len(benign) - 30} more"))
    lines.append("")

    if d.targets:
        lines.append("## Targets")
        lines.append("")
        lines.append("| Kind | Value | Role | Evidence |")
        lines.append("|---|---|---|---|")
        for target in d.targets.values():
            quote = target.evidence[0].quote if target.evidence else ""
            lines.append(f"| {target.kind} | {_cell(target.value)} | {', '.join(sorted(target.roles))} | {_cell(quote, 80)} |")
        lines.append("")

    if d.malware:
        lines.append("## Malware and tools")
        lines.append("")
        for mal in d.malware.values():
            ident = f" ({mal.attack_id})" if mal.attack_id else ""
            lines.append(f"- **{mal.name}**{ident}, {mal.kind}")
        lines.append("")

    lines.append("## Timeline")
    lines.append("")
    if d.events:
        lines.append("| Date | Event | Evidence |")
        lines.append("|---|---|---|")
        for event in d.events:
            lines.append(f"| {event.date} | {event.kind} | {_cell(event.evidence.quote)} |")
    else:
        lines.append("No dated event found.")
    lines.append("")
    lines.append("_Generated by unmask; offsets are character positions in the analysed text._")
    lines.append("")
    lines.append(banner)
    return "\n".join(lines)


def to_markdown(analyses: Analysis | Sequence[Analysis], *, tlp: str = "clear") -> str:
    """The Markdown brief for one or more analyses (one section set for all of them),
    marked with TLP 2.0 ``tlp``."""
    items = [analyses] if isinstance(analyses, Analysis) else list(analyses)
    return brief_from_digest(digest(items), tlp=tlp)
