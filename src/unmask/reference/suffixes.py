"""The public suffix list, from tldextract's bundled snapshot, or the copy that
``unmask data update`` fetched (see :mod:`unmask.reference.sources`).

Compiled once into sets and cached with :func:`unmask.reference.cache.load_compiled`.
:class:`SuffixIndex` answers "is this a real public suffix?" and "what is the
registrable domain of this host?" with a few set look-ups per call.
"""

from __future__ import annotations

from dataclasses import dataclass

from unmask.errors import ReferenceDataError
from unmask.reference.cache import load_compiled
from unmask.reference.sources import suffix_list_file

__all__ = ["SuffixIndex", "load_suffixes"]

_FORMAT = 2


@dataclass(frozen=True, slots=True)
class SuffixIndex:
    """Public suffixes (ICANN and private sections) as lower-case strings.

    ``wildcards`` holds the parents of ``*.`` rules (``ck`` for ``*.ck``) and
    ``exceptions`` the ``!`` rules, as in the PSL algorithm.
    """

    icann: frozenset[str]
    private: frozenset[str]
    wildcards: frozenset[str]
    exceptions: frozenset[str]
    tlds: frozenset[str]

    def is_tld(self, label: str) -> bool:
        """True when ``label`` (lower case, no dot) is a top-level domain."""
        return label in self.tlds

    def public_suffix(self, host: str, *, private: bool = False) -> str | None:
        """The longest public suffix of ``host`` (lower case), or None if it has none."""
        labels = host.split(".")
        best: str | None = None
        for i in range(len(labels) - 1, -1, -1):
            candidate = ".".join(labels[i:])
            if candidate in self.exceptions:
                return ".".join(labels[i + 1 :])
            if candidate in self.icann or (private and candidate in self.private) or (i + 1 < len(labels) and ".".join(labels[i + 1 :]) in self.wildcards):
                best = candidate
            else:
                if best is not None or i < len(labels) - 1:
                    break
        return best

    def registrable_domain(self, host: str) -> str | None:
        """``host``'s registrable domain (one label above its ICANN suffix), or None."""
        host = host.lower().rstrip(".")
        suffix = self.public_suffix(host)
        if suffix is None or suffix == host:
            return None
        head = host[: -len(suffix) - 1]
        return head.rsplit(".", 1)[-1] + "." + suffix


def _build() -> SuffixIndex:
    try:
        import tldextract
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ReferenceDataError("tldextract is not installed; reinstall unmask") from exc
    fetched = suffix_list_file()
    if fetched is not None:
        from tldextract.suffix_list import extract_tlds_from_suffix_list

        try:
            public_rules, private_rules = extract_tlds_from_suffix_list(fetched.read_text(encoding="utf-8"))
        except (OSError, UnicodeError) as exc:
            raise ReferenceDataError(
                f"cannot read the public suffix list {str(fetched)!r}: {exc}; run 'unmask data reset --source suffixes'"
            ) from exc
    else:
        # No cache directory and no URLs: tldextract reads only its bundled snapshot.
        extractor = tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)
        inner = extractor._get_tld_extractor()
        public_rules, private_rules = list(inner.public_tlds), list(inner.private_tlds)
    icann: set[str] = set()
    private: set[str] = set()
    wildcards: set[str] = set()
    exceptions: set[str] = set()
    for target, rules in ((icann, public_rules), (private, private_rules)):
        for raw in rules:
            rule = raw.strip().lower()
            if not rule:
                continue
            if rule.startswith("!"):
                exceptions.add(rule[1:])
            elif rule.startswith("*."):
                wildcards.add(rule[2:])
                target.add(rule[2:])
            else:
                target.add(rule)
    # Internationalised suffixes are listed in Unicode; text names them in punycode.
    for target in (icann, private):
        for rule in list(target):
            if not rule.isascii():
                try:
                    target.add(rule.encode("idna").decode("ascii"))
                except UnicodeError:
                    continue
    tlds = {s.rsplit(".", 1)[-1] for s in icann if s.isascii()}
    tlds |= {s for s in icann | private if "." not in s and s.isascii()}
    return SuffixIndex(
        icann=frozenset(icann),
        private=frozenset(private),
        wildcards=frozenset(wildcards),
        exceptions=frozenset(exceptions),
        tlds=frozenset(tlds),
    )


def load_suffixes() -> SuffixIndex:
    """The compiled public suffix index (built once, then read from the cache)."""
    return load_compiled("public_suffixes", _build, depends=["tldextract"], format_version=_FORMAT)
