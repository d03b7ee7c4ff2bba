"""Shared providers, from ``unmask/data/providers.json`` (built by ``scripts/build_providers.py``).

* :func:`freemail` - free web-mail providers: an address there is a person's own box;
* :func:`customer_host` - whether a host name is a customer's own name under a provider
  that gives each customer one (``evil.typepad.com``, ``c2.no-ip.org``, ``a.github.io``):
  the provider list of the data file, the Public Suffix List's private section and MISP's
  ``dynamic-dns`` warninglist (read once, when first needed);
* :func:`customer_zone` - what kind of zone that is: ``"dynamic-dns"`` (MISP's list and
  the data file's ``dynamic_dns``) and ``"free-hosting"`` (the data file's
  ``free_hosting``), where anyone takes a name in a minute, for free; or ``"platform"``
  (blogs and site builders, code pages, cloud buckets: the rest of the data file and the
  Public Suffix List's private section), as often cited as abused.

A provider's own name (``typepad.com``, ``www.wordpress.com``) is not a customer's.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

from unmask.reference.suffixes import SuffixIndex

__all__ = ["customer_host", "customer_zone", "freemail", "providers_file"]

PROVIDERS_DATA = "providers.json"
#: Labels a provider uses for its own site, not given to customers.
_PROVIDER_LABELS = frozenset({"www", "blog", "api", "static", "cdn", "mail", "help", "support", "docs", "m"})


def providers_file() -> Path:
    return Path(str(resources.files("unmask"))) / "data" / PROVIDERS_DATA


@cache
def _data() -> dict[str, frozenset[str]]:
    raw = json.loads(providers_file().read_text(encoding="utf-8"))
    return {key: frozenset(raw.get(key, ())) for key in ("freemail", "customer_subdomains", "dynamic_dns", "free_hosting")}


def freemail() -> frozenset[str]:
    """Free web-mail providers (registrable domains, lower case)."""
    return _data()["freemail"]


@cache
def _dynamic_dns() -> frozenset[str]:
    from unmask.reference.sources import warninglists_dir

    try:
        path = Path(warninglists_dir()) / "dynamic-dns" / "list.json"
        entries = json.loads(path.read_text(encoding="utf-8"))["list"]
    except (OSError, ValueError, KeyError, TypeError):
        return frozenset()
    return frozenset(str(x).strip(".").lower() for x in entries)


def customer_zone(host: str, suffixes: SuffixIndex) -> str | None:
    """The kind of shared zone ``host`` (lower case) is a customer's own name in:
    ``"dynamic-dns"``, ``"free-hosting"`` or ``"platform"`` (see the module's docstring);
    ``None`` when it is no customer's name (the provider's own, or no shared zone)."""
    labels = host.split(".")
    if len(labels) < 3:
        return None
    private = suffixes.private
    data = _data()
    listed = data["customer_subdomains"]
    ddns = _dynamic_dns()
    for i in range(1, len(labels) - 1):
        parent = ".".join(labels[i:])
        if parent in ddns or parent in listed or parent in private or parent in data["dynamic_dns"]:
            if i == 1 and labels[0] in _PROVIDER_LABELS:
                return None
            if parent in ddns or parent in data["dynamic_dns"]:
                return "dynamic-dns"
            return "free-hosting" if parent in data["free_hosting"] else "platform"
    return None


def customer_host(host: str, suffixes: SuffixIndex) -> bool:
    """Whether ``host`` (lower case) is a customer's own name under a shared provider."""
    return customer_zone(host, suffixes) is not None
