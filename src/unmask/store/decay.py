"""Indicator decay: one score per indicator, from its age, its sightings and feedback.

The model is MISP's polynomial decaying model (``app/Model/DecayingModelsFormulas/
Polynomial.php``), with OpenCTI's per-type lifetimes (``decay-domain.js``)::

    score(t) = base_score * (1 - (t / lifetime) ** (1 / decay_speed))     (0 for t >= lifetime)

``t`` is the time since the indicator was last known to be live: the newest of its
last report (publication date, else the day it was ingested) and its last ``seen``
sighting. A sighting therefore resets the clock (OpenCTI's does not: OpenCTI#4949).

- ``lifetime`` depends on the type: 60 days for addresses and networks, 180 for URLs,
  365 for everything else (OpenCTI's built-in decay rules);
- ``decay_speed`` is MISP's delta; 3.0 is OpenCTI's fixed decay factor (times its
  default pound of 1): the score falls fast at first, then slowly;
- ``base_score`` is 100 (a report or a sighting vouches for the value);
- below ``threshold`` (20, OpenCTI's last reaction point) an indicator is *decayed*:
  it is kept, shown with its score, but no longer exported as an indicator (no STIX
  ``indicator``, MISP ``to_ids`` off) and not swept with ``--min-score``.

A ``false-positive`` sighting newer than the last ``seen`` one makes the score 0 (status
``false-positive``) until a later ``seen`` sighting; an ``expiration`` sighting does the
same from its date on (status ``expired``), as MISP's sighting type 2 does.

Everything here is pure: the clock is a parameter (``now``), the settings a frozen
dataclass. :func:`score_indicator` is the one function every reader of a score calls
(``unmask ioc``, the exports, the TAXII server, ``sweep --min-score``), so all of them
agree at the same moment. See docs/indicators.md.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from unmask.errors import ConfigError

__all__ = [
    "DEFAULT_LIFETIMES",
    "SIGHTING_KINDS",
    "DecaySettings",
    "IndicatorScore",
    "SightingSummary",
    "decay_score",
    "score_indicator",
    "valid_days",
]

#: What a sighting says: the value was seen, was a false positive, or expires.
SIGHTING_KINDS = ("seen", "false-positive", "expiration")

#: Lifetime in days per observable type (OpenCTI's built-in rules: IP 60, URL 180).
DEFAULT_LIFETIMES: Mapping[str, float] = {
    "ipv4": 60.0, "ipv6": 60.0, "ipv4_cidr": 60.0, "ipv6_cidr": 60.0, "url": 180.0,
}
_OTHER_LIFETIME = 365.0


@dataclass(frozen=True, slots=True)
class DecaySettings:
    """The decay model's parameters (see the module docstring for the defaults' sources).

    ``lifetimes`` overrides the per-type lifetime (days); ``default_lifetime`` is for
    every other type. ``organisation`` names the identity that sweeps and reports
    sightings (the STIX ``where_sighted_refs``).
    """

    base_score: float = 100.0
    decay_speed: float = 3.0
    threshold: float = 20.0
    default_lifetime: float = _OTHER_LIFETIME
    lifetimes: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_LIFETIMES))
    organisation: str = "unmask user organisation"

    def __post_init__(self) -> None:
        if not 0 < self.base_score <= 100:
            raise ConfigError(f"decay base score {self.base_score!r} must be in (0, 100]")
        if self.decay_speed <= 0:
            raise ConfigError(f"decay speed {self.decay_speed!r} must be above 0")
        if not 0 <= self.threshold < self.base_score:
            raise ConfigError(f"decay threshold {self.threshold!r} must be in [0, base score)")
        if self.default_lifetime <= 0 or any(v <= 0 for v in self.lifetimes.values()):
            raise ConfigError("decay lifetimes must be above 0 days")

    def lifetime(self, type_: str) -> float:
        """The lifetime in days of an indicator of ``type_``."""
        return float(self.lifetimes.get(type_, self.default_lifetime))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> DecaySettings:
        """Settings from ``UNMASK_DECAY_*`` variables (defaults for those not set).

        ``UNMASK_DECAY_BASE``, ``UNMASK_DECAY_SPEED``, ``UNMASK_DECAY_THRESHOLD``,
        ``UNMASK_DECAY_LIFETIME`` (every other type), ``UNMASK_DECAY_LIFETIMES``
        (``ipv4=30,url=90``), ``UNMASK_ORGANISATION``.
        """
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, key in (("UNMASK_DECAY_BASE", "base_score"), ("UNMASK_DECAY_SPEED", "decay_speed"),
                          ("UNMASK_DECAY_THRESHOLD", "threshold"),
                          ("UNMASK_DECAY_LIFETIME", "default_lifetime")):
            raw = env.get(name)
            if raw:
                try:
                    values[key] = float(raw)
                except ValueError:
                    raise ConfigError(f"{name}={raw!r} is not a number") from None
        raw = env.get("UNMASK_DECAY_LIFETIMES")
        if raw:
            lifetimes = dict(DEFAULT_LIFETIMES)
            for part in raw.split(","):
                type_, sep, days = part.partition("=")
                try:
                    lifetimes[type_.strip()] = float(days)
                except ValueError:
                    sep = ""
                if not sep or not type_.strip():
                    raise ConfigError(f"UNMASK_DECAY_LIFETIMES: {part!r} is not TYPE=DAYS "
                                      "(e.g. ipv4=30,url=90)")
            values["lifetimes"] = lifetimes
        if env.get("UNMASK_ORGANISATION"):
            values["organisation"] = env["UNMASK_ORGANISATION"]
        return cls(**values)


@dataclass(frozen=True, slots=True)
class SightingSummary:
    """The sightings of one indicator, folded: per kind the total count and the times.

    ``last_seen`` is the newest ``seen`` sighting, ``last_false_positive`` the newest
    false-positive report (with who and why), ``expires`` the newest expiration.
    """

    seen: int = 0
    first_seen: dt.datetime | None = None
    last_seen: dt.datetime | None = None
    false_positives: int = 0
    last_false_positive: dt.datetime | None = None
    false_positive_who: str | None = None
    false_positive_why: str | None = None
    expires: dt.datetime | None = None
    sources: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        def stamp(value: dt.datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "seen": self.seen, "first_seen": stamp(self.first_seen),
            "last_seen": stamp(self.last_seen), "false_positives": self.false_positives,
            "last_false_positive": stamp(self.last_false_positive),
            "false_positive_who": self.false_positive_who,
            "false_positive_why": self.false_positive_why, "expires": stamp(self.expires),
            "sources": list(self.sources),
        }


@dataclass(frozen=True, slots=True)
class IndicatorScore:
    """An indicator's score at ``at``: 0-100, its status and when it stops being one.

    ``status`` is ``active`` (at or above the threshold: exported as an indicator),
    ``decayed`` (below it), ``false-positive`` or ``expired``. ``anchor`` is the moment
    the decay counts from; ``valid_until`` when the score falls below the threshold
    (None for a false positive or an expired one).
    """

    score: float
    status: str
    at: dt.datetime
    anchor: dt.datetime | None
    lifetime: float
    threshold: float
    valid_until: dt.datetime | None
    base_score: float = 100.0

    @property
    def active(self) -> bool:
        return self.status == "active"

    @property
    def rounded(self) -> int:
        return round(self.score)

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 1), "status": self.status, "at": self.at.isoformat(),
            "anchor": self.anchor.isoformat() if self.anchor else None,
            "lifetime_days": self.lifetime, "threshold": self.threshold,
            "base_score": self.base_score,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
        }


def decay_score(age_days: float, lifetime: float, *, base_score: float = 100.0,
                decay_speed: float = 3.0) -> float:
    """MISP's polynomial: ``base * (1 - (age/lifetime) ** (1/decay_speed))``, 0 past the
    lifetime, the base score for an age of 0 or less."""
    if age_days <= 0:
        return base_score
    if age_days >= lifetime:
        return 0.0
    return max(0.0, base_score * (1.0 - float((age_days / lifetime) ** (1.0 / decay_speed))))


def valid_days(lifetime: float, settings: DecaySettings) -> float:
    """Days after the anchor at which the score reaches the threshold (the inverse)."""
    return lifetime * float((1.0 - settings.threshold / settings.base_score) ** settings.decay_speed)


def _utc(moment: dt.datetime | dt.date) -> dt.datetime:
    if not isinstance(moment, dt.datetime):
        return dt.datetime(moment.year, moment.month, moment.day, tzinfo=dt.UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def score_indicator(
    type_: str,
    last_reported: dt.date | dt.datetime | None,
    sightings: SightingSummary | None,
    *,
    now: dt.datetime,
    settings: DecaySettings | None = None,
) -> IndicatorScore:
    """The score of one indicator at ``now`` (see the module docstring).

    ``last_reported`` is its newest report's date (None when no report names it: then
    only sightings count). With neither a report nor a ``seen`` sighting it has no
    anchor and scores 0 (``decayed``).
    """
    model = settings or DecaySettings()
    now = _utc(now)
    lifetime = model.lifetime(type_)
    summary = sightings or SightingSummary()
    anchors = [_utc(m) for m in (last_reported, summary.last_seen) if m is not None]
    anchor = max(anchors) if anchors else None
    last_seen = _utc(summary.last_seen) if summary.last_seen else None
    fp = _utc(summary.last_false_positive) if summary.last_false_positive else None
    expires = _utc(summary.expires) if summary.expires else None
    if fp is not None and (last_seen is None or fp >= last_seen):
        return IndicatorScore(0.0, "false-positive", now, anchor, lifetime, model.threshold, None,
                              model.base_score)
    if expires is not None and expires <= now and (last_seen is None or expires >= last_seen):
        return IndicatorScore(0.0, "expired", now, anchor, lifetime, model.threshold, None,
                              model.base_score)
    if anchor is None:
        return IndicatorScore(0.0, "decayed", now, None, lifetime, model.threshold, None,
                              model.base_score)
    age = (now - anchor).total_seconds() / 86400.0
    score = decay_score(age, lifetime, base_score=model.base_score, decay_speed=model.decay_speed)
    until = anchor + dt.timedelta(days=valid_days(lifetime, model))
    if expires is not None and expires > now:
        until = min(until, expires)
    status = "active" if score >= model.threshold and now < until else "decayed"
    return IndicatorScore(score, status, now, anchor, lifetime, model.threshold, until,
                          model.base_score)
