"""Phishing e-mail triage: a verdict on one raw message, with the signals behind it.

:func:`triage_message` reads a raw RFC 5322 message (``.eml``), runs the checks of
:mod:`unmask.defend.triage_rules` — authentication results, sender, lookalike
domains, links, attachments, lure language, known indicators — and adds up their
weights::

    score >= 8   malicious     (several strong signals, or a known indicator)
    score >= 3   suspicious    (one strong signal, or weak ones that add up)
    otherwise    no-signals    (nothing, or only weak signals; never "safe")

Every :class:`Signal` has a name, a weight, a plain-language explanation and its
evidence (:class:`Evidence`: a header and its value, a link, an attachment, or a span
of the message text). The weights and thresholds were tuned on the synthetic
messages in ``tests/fixtures/defend/triage/`` and checked on 12 real phishing
samples (see ``docs/defend-triage.md``), not on a labelled stream of real mail:
treat them as a starting point.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from unmask.defend.triage_parse import parse_message
from unmask.errors import UnmaskError

if TYPE_CHECKING:
    from unmask.model import Span
    from unmask.store.results import IocResult

__all__ = [
    "MALICIOUS_AT",
    "SUSPICIOUS_AT",
    "VERDICTS",
    "Evidence",
    "KnownLookup",
    "Signal",
    "Triage",
    "triage_message",
    "verdict_for",
]

#: A knowledge-base look-up: value -> where it was seen, or None (``KnowledgeBase.find_indicator``).
KnownLookup = Callable[[str], "IocResult | None"]

VERDICTS = ("malicious", "suspicious", "no-signals")
#: Score from which a message is malicious / suspicious.
MALICIOUS_AT = 8.0
SUSPICIOUS_AT = 3.0


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a signal rests on.

    ``kind`` is ``header`` (``where`` = header name), ``link`` (``where`` = the HTML
    tag or ``text`` for a URL written in the body), ``attachment`` (``where`` = file
    name), ``text`` (``span`` into :attr:`Triage.text`) or ``indicator``.
    """

    kind: str
    where: str
    value: str
    span: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "where": self.where, "value": self.value}
        if self.span is not None:
            out["span"] = self.span.to_dict()
        return out


@dataclass(frozen=True, slots=True)
class Signal:
    """One reason to distrust a message: ``name`` (stable, kebab-case), ``category``
    (auth, sender, header, lookalike, link, attachment, content, intel), ``weight`` added to
    the score, an ``explanation`` for a person, and its ``evidence``."""

    name: str
    category: str
    weight: float
    explanation: str
    evidence: tuple[Evidence, ...]

    def __post_init__(self) -> None:
        if self.weight < 0:
            raise ValueError(f"signal {self.name!r} has a negative weight {self.weight}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "category": self.category,
            "weight": self.weight,
            "explanation": self.explanation,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class Triage:
    """The verdict on one message: ``verdict``, ``score`` (sum of the weights), the
    ``signals`` (strongest first), and what identifies the message."""

    source: str
    verdict: str
    score: float
    signals: tuple[Signal, ...]
    subject: str | None
    sender: str | None
    text: str
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}; one of {', '.join(VERDICTS)}")

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON shape (``text`` left out: spans point into it)."""
        return {
            "source": self.source,
            "verdict": self.verdict,
            "score": self.score,
            "subject": self.subject,
            "from": self.sender,
            "signals": [s.to_dict() for s in self.signals],
            "warnings": list(self.warnings),
        }


def verdict_for(score: float) -> str:
    """The verdict a score earns (see the module docstring)."""
    if score >= MALICIOUS_AT:
        return "malicious"
    if score >= SUSPICIOUS_AT:
        return "suspicious"
    return "no-signals"


def triage_message(
    raw: bytes,
    *,
    protected: Iterable[str] = (),
    known: KnownLookup | None = None,
    source: str = "<message>",
) -> Triage:
    """Triage one raw e-mail.

    ``protected``: domains of the user's organisation and of those it is likely to be
    impersonated as (the newsroom, the think tank); sender and link domains imitating
    them are signals, and links to them are not "credential harvesting".
    ``known``: a knowledge-base look-up (``KnowledgeBase.find_indicator``) that turns
    the message's observables into known indicators with their actors.

    Raises :class:`~unmask.errors.DocumentError` for input that is not a readable
    e-mail; nothing else but :class:`~unmask.errors.UnmaskError`.
    """
    from unmask.defend.triage_rules import RuleContext, run_rules

    view = parse_message(raw, source=source)
    context = RuleContext.build(protected=protected, known=known)
    try:
        signals = run_rules(view, context)
    except RecursionError as exc:  # pragma: no cover - guarded by the parser's limits
        raise UnmaskError(f"{source}: triage gave up on a pathological message") from exc
    signals.sort(key=lambda s: (-s.weight, s.category, s.name))
    score = round(sum(s.weight for s in signals), 2)
    sender = view.header("from")
    return Triage(
        source=source, verdict=verdict_for(score), score=score, signals=tuple(signals),
        subject=view.header("subject"), sender=sender, text=view.document.text,
        warnings=view.warnings,
    )
