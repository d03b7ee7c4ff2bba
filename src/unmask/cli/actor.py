"""``unmask actor NAME``: who is this, under every name, and who says so."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from unmask.cli.common import (
    EXIT_NOT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    check_format,
    err,
    out,
    print_json,
    reference_progress,
)
from unmask.cli.kb import render_actor_profile
from unmask.errors import UnmaskError

if TYPE_CHECKING:  # the actor graph is imported by the command that needs it
    from unmask.reference.actors import Actor, ActorAlias, ActorGraph, Candidate, Claim, NameLookup
    from unmask.store import ActorProfile

__all__ = ["actor_report", "register"]

_KIND_TEXT = {
    "part-of": "is part of",
    "has-part": "includes",
    "overlaps": "overlaps with",
    "similar": "is similar to",
    "linked-to": "is linked to",
    "associated-with": "is associated with",
    "related-to": "is related to",
    "revoked-by": "was replaced by",
    "revokes": "replaces the retired ATT&CK group",
}


def _source_label(source: str, *, short: bool = False) -> str:
    from unmask.reference.actors import source_label

    return source_label(source, short=short)


def _claim_text(claim: Claim) -> str:
    where = _source_label(claim.source)
    if claim.cluster:
        where += f" (cluster {claim.cluster!r})"
    return where


def _by_vendor(actor: Actor) -> dict[str, list[ActorAlias]]:
    groups: dict[str, list[ActorAlias]] = defaultdict(list)
    for alias in actor.aliases:
        groups[alias.vendor or "other / unattributed"].append(alias)
    return dict(sorted(groups.items(), key=lambda kv: (kv[0].startswith("other"), kv[0].lower())))


def actor_report(query: str, lookup: NameLookup, graph: ActorGraph) -> dict[str, Any]:
    """The JSON-ready answer for ``unmask actor``: candidates, the chosen actor, aliases."""
    best = lookup.best
    if best is None:
        return {"query": query, "found": False, "suggestions": graph.suggest(query)}
    actor = graph.actors[best.actor_id]
    alias = actor.alias(best.name)
    vendors = {
        vendor: [a.name for a in aliases] for vendor, aliases in _by_vendor(actor).items()
    }
    return {
        "query": query,
        "found": True,
        "ambiguous": lookup.ambiguous,
        "weak": lookup.weak,
        "candidates": [
            {
                "actor_id": c.actor_id,
                "name": graph.actors[c.actor_id].name,
                "score": c.score,
                "claims": [cl.to_dict() for cl in c.claims],
            }
            for c in lookup.candidates
        ],
        "match": alias.to_dict() if alias else None,
        "actor": actor.to_dict(),
        "aliases_by_vendor": vendors,
    }


def _render_candidates(console: Console, query: str, lookup: NameLookup, graph: ActorGraph) -> None:
    console.print(
        f"[bold yellow]{query!r} is ambiguous[/]: {len(lookup.candidates)} actors are called so."
    )
    for number, cand in enumerate(lookup.candidates, start=1):
        actor = graph.actors[cand.actor_id]
        claimants = "; ".join(_claim_text(c) for c in cand.claims)
        mark = " [green](preferred reading)[/]" if number == 1 else ""
        console.print(f"  {number}. [bold]{actor.name}[/] ({actor.id}){mark} — claimed by {claimants}")
    console.print()


def _render_weak(console: Console, query: str, lookup: NameLookup, graph: ActorGraph, shown: int = 10) -> None:
    """A name no actor is called, read through the actors that use software of that name."""
    several = "several actors use" if lookup.ambiguous else "one actor uses"
    console.print(f"[bold yellow]{query!r} is no actor's name[/]: {several} software of that name (a weak reading)")
    for cand in lookup.candidates[:shown]:
        actor = graph.actors[cand.actor_id]
        # "uses X" or "uses X (campaign C)", per its source
        how = "; ".join(c.relation.replace("uses", f"uses {c.cluster}", 1) + f", per {_source_label(c.source)}"
                        for c in cand.claims)
        console.print(f"  {actor.name} ({actor.id}): {how}")
    if len(lookup.candidates) > shown:
        console.print(f"  ... and {len(lookup.candidates) - shown} more")
    console.print()


def _render_match(console: Console, query: str, cand: Candidate, actor: Actor) -> None:
    alias = actor.alias(cand.name)
    title = f"[bold]{actor.name}[/] ({actor.id})"
    console.print(f"{query} → {title}" if query.strip().lower() != actor.name.lower() else title)
    if alias is None:
        return
    for claim in alias.claims:
        if claim.relation == "part-of":
            console.print(
                f"  {alias.name} [bold]is part of[/] {actor.name}, per {_claim_text(claim)}"
                " (a sub-group tracked inside this actor)"
            )
        elif claim.relation == "revoked-by":
            console.print(
                f"  {alias.name} was a separate ATT&CK group, revoked and merged into {actor.name},"
                f" per {_source_label(claim.source)}"
            )
    same = [c for c in alias.claims if c.relation == "same-as"]
    if same and query.strip().lower() != actor.name.lower():
        console.print(f"  {alias.name} is a name of {actor.name}, per " + "; ".join(_claim_text(c) for c in same))


def _render_actor(console: Console, actor: Actor, graph: ActorGraph) -> None:
    from rich.table import Table

    facts = []
    if actor.country:
        facts.append(f"country: {actor.country}")
    if actor.sponsor:
        facts.append(f"suspected sponsor: {actor.sponsor}")
    if actor.attack_id:
        facts.append(f"ATT&CK: https://attack.mitre.org/groups/{actor.attack_id}/")
    if actor.deprecated:
        facts.append("deprecated in ATT&CK")
    if facts:
        console.print("  " + " · ".join(facts))
    if actor.description:
        console.print(f"  [dim]{actor.description[:300]}[/]")
    table = Table(title="Names by vendor", show_lines=False, title_justify="left")
    table.add_column("vendor / scheme")
    table.add_column("name")
    table.add_column("claimed by")
    for vendor, aliases in _by_vendor(actor).items():
        for i, alias in enumerate(aliases):
            notes = []
            if alias.relation != "same-as":
                notes.append(alias.relation)
            if alias.ambiguous:
                notes.append("ambiguous")
            name = alias.name + (f" [dim]({', '.join(notes)})[/]" if notes else "")
            claimants = ", ".join(_source_label(s, short=True) for s in alias.sources)
            table.add_row(vendor if i == 0 else "", name, claimants)
    console.print(table)
    if actor.relations:
        rel = Table(title="Related actors", title_justify="left")
        rel.add_column("relation")
        rel.add_column("actor")
        rel.add_column("source")
        for r in actor.relations:
            target = graph.actors.get(r.target)
            shown = r.target_name if r.kind in ("has-part", "revokes") else (
                f"{target.name if target else r.target_name} ({r.target})"
            )
            source = _source_label(r.source) + (f" ({r.likelihood})" if r.likelihood else "")
            rel.add_row(_KIND_TEXT.get(r.kind, r.kind), shown, source)
        console.print(rel)


def _knowledge_base_profile(actor_key: str, db: str | None) -> ActorProfile | None:
    """The knowledge-base view of an actor, or None when there is no knowledge base
    yet or it holds nothing on the actor. A broken database is reported, not fatal."""
    from unmask.store import open_existing  # SQLAlchemy only when asked for

    try:
        kb = open_existing(db)
        if kb is None:
            return None
        with kb:
            return kb.actor_profile(actor_key)
    except UnmaskError as exc:
        err.print(f"[yellow]knowledge base not used:[/] {escape(str(exc))}")
        return None


def actor_command(
    name: Annotated[str, typer.Argument(help="Any name of the actor (APT43, Emerald Sleet, TA406, G0094 ...).")],
    format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    db: Annotated[str | None, typer.Option("--db", help="Knowledge base URL (default: UNMASK_DB or the user's SQLite).")] = None,
) -> None:
    """Who is this actor: canonical identity, every vendor's name and who claims it,
    relations — and, with a knowledge base, everything the ingested reports say."""
    format = check_format(format, ("text", "json"))
    from unmask.reference.actors import load_actor_graph

    try:
        with reference_progress():
            graph = load_actor_graph()
    except UnmaskError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}")
        raise typer.Exit(EXIT_USAGE) from exc
    lookup = graph.lookup(name, weak=True)
    report = actor_report(name, lookup, graph)
    best = lookup.best
    profile = _knowledge_base_profile(best.actor_id if best else name, db)
    if format == "json":
        report["knowledge_base"] = profile.to_dict() if profile else None
        print_json(report)
        raise typer.Exit(EXIT_OK if report["found"] or profile else EXIT_NOT_FOUND)
    if best is None and profile is not None:
        # Known only from ingested reports (e.g. a name learned from an alias statement).
        render_actor_profile(profile, out)
        return
    if best is None:
        hint = report["suggestions"]
        err.print(f"[bold red]unknown actor:[/] {escape(repr(name))}")
        if hint:
            err.print("did you mean: " + ", ".join(hint))
        raise typer.Exit(EXIT_NOT_FOUND)
    if lookup.weak:
        _render_weak(out, name, lookup, graph)
        if lookup.ambiguous:
            return  # a contested weak reading has no default actor
    elif lookup.ambiguous:
        _render_candidates(out, name, lookup, graph)
    actor = graph.actors[best.actor_id]
    _render_match(out, name, best, actor)
    _render_actor(out, actor, graph)
    if profile is not None:
        render_actor_profile(profile, out)


def register(app: typer.Typer) -> None:
    """Add ``unmask actor`` to the app."""
    app.command("actor")(actor_command)
