"""The reference validators, wrapped for the export tests.

STIX: stix2-validator, STIX 2.1, ``strict`` (every SHOULD warning is an error),
``strict_properties`` (no custom properties) and ``enforce_refs`` (every reference
resolves inside the bundle). ``strict_types`` is applied to the SDOs/SROs/SMOs only:
stix2-validator 3.3 lists no SCO type in its strict type table, so it rejects every
top-level 2.1 cyber-observable (``domain-name``, ``file`` ...) -- a validator bug.
Every SHOULD check is on, 302 ``extref-hashes`` ("external reference has a URL but
no hash") included: the writer gives a URL only with the hash of what it points to.

Navigator: a JSON Schema written from the layer format 4.5 specification
(attack-navigator ``layers/spec/v4.5/layerformat.md``), in ``navigator_layer_4_5.json``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema
from pymisp import MISPEvent
from pymispgalaxies import Clusters, UnableToRevertMachinetag
from stix2validator import ValidationOptions, validate_instance, validate_string

from unmask.export.misp import attribute_count

_SCO_TYPES = {
    "artifact", "autonomous-system", "directory", "domain-name", "email-addr", "email-message",
    "file", "ipv4-addr", "ipv6-addr", "mac-addr", "mutex", "network-traffic", "process",
    "software", "url", "user-account", "windows-registry-key", "x509-certificate",
}
LAYER_SCHEMA = json.loads((Path(__file__).parent / "navigator_layer_4_5.json").read_text(encoding="utf-8"))


def _messages(results: Any) -> list[str]:
    items = results if isinstance(results, list) else [results]
    out: list[str] = []
    for result in items:
        as_dict = result.as_dict()
        for key in ("errors", "warnings"):
            out += [f"{key}: {m['message']}" for m in as_dict.get(key, [])]
        if not result.is_valid and not out:
            out.append("invalid (no message)")
    return out


def stix_problems(text: str, *, types: bool = True) -> list[str]:
    """Every error and warning stix2-validator reports on a serialised bundle.

    ``types=False`` skips the second, strict-types pass (half the time on big bundles;
    the writer's object types are checked on the fixtures and the structured corpus).
    """
    options = ValidationOptions(
        version="2.1", strict=True, strict_properties=True, enforce_refs=True
    )
    problems = _messages(validate_string(text, options))
    if not types:
        return problems
    bundle = json.loads(text)
    bundle["objects"] = [o for o in bundle["objects"] if o["type"] not in _SCO_TYPES]
    typed = ValidationOptions(version="2.1", strict=True, strict_types=True, strict_properties=True)
    problems += _messages(validate_instance(bundle, typed))
    return problems


@functools.cache
def _clusters() -> Clusters:
    return Clusters()


def galaxy_tag_problems(tags: list[str]) -> list[str]:
    """The ``misp-galaxy:`` tags that no cluster value of the galaxies pymispgalaxies
    ships resolves to (MISP would show them as plain tags, linked to nothing)."""
    problems = []
    for tag in tags:
        if not tag.startswith("misp-galaxy:"):
            continue
        try:
            _clusters().revert_machinetag(tag)
        except UnableToRevertMachinetag:
            problems.append(f"unresolved galaxy tag {tag}")
    return problems


def event_tags(text: str) -> list[str]:
    body = json.loads(text).get("Event", {})
    return [str(t["name"]) for t in body.get("Tag", [])]


def misp_problems(text: str) -> list[str]:
    """Problems loading MISP JSON with PyMISP (and attribute-count changes), and galaxy
    tags the shipped galaxies cannot resolve."""
    event = MISPEvent()
    event.load(text)
    loaded = len(event.attributes) + sum(len(o.attributes) for o in event.objects)
    expected = attribute_count(json.loads(text))
    problems = [] if loaded == expected else [f"attribute count {expected} became {loaded}"]
    return problems + galaxy_tag_problems(event_tags(text))


def layer_problems(layer: dict[str, Any]) -> list[str]:
    """Layer-format 4.5 schema violations."""
    validator = jsonschema.Draft202012Validator(LAYER_SCHEMA)
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(layer)]
