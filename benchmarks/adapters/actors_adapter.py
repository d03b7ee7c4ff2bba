"""unmask adapter for ../shared/eval/actors (run_eval.py --adapter THIS_FILE).

resolve(name) -> actor id | None; same(a, b) -> bool; find_mentions(text) -> [(start, end, id)].
"""

from __future__ import annotations

from unmask.extract.actors import find_actors
from unmask.reference.actors import load_actor_graph

_graph = load_actor_graph()


def resolve(name: str) -> str | None:
    actor = _graph.resolve(name)
    return actor.id if actor else None


def same(a: str, b: str) -> bool:
    ra, rb = resolve(a), resolve(b)
    return ra is not None and ra == rb


def find_mentions(text: str) -> list[tuple[int, int, str]]:
    return [(m.span.start, m.span.end, m.actor_id) for m in find_actors(text)]
