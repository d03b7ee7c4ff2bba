"""unmask adapter for ../shared/eval/actors with weak readings on (run_eval.py --adapter THIS_FILE).

Names resolve as ``unmask actor`` answers them: a name no actor is called falls back to
the one actor that uses malware of that name. Mentions are the same as the plain
adapter's (weak readings are never looked for in text).
"""

from __future__ import annotations

from unmask.extract.actors import find_actors
from unmask.reference.actors import load_actor_graph

_graph = load_actor_graph()


def resolve(name: str) -> str | None:
    actor = _graph.resolve(name, weak=True)
    return actor.id if actor else None


def same(a: str, b: str) -> bool:
    ra, rb = resolve(a), resolve(b)
    return ra is not None and ra == rb


def find_mentions(text: str) -> list[tuple[int, int, str]]:
    return [(m.span.start, m.span.end, m.actor_id) for m in find_actors(text)]
