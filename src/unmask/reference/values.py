"""One canonical form of an indicator's value, whoever asks: the observable extractor's.

:func:`normalise` turns a value of a known type, as someone wrote it (defanged or not,
in any case, with leading zeros or an IPv6 address spelled out), into the form the
observable extractor stores. A sighting's value (:mod:`unmask.documents.sightings`),
a swept indicator (:mod:`unmask.defend.sweep`, through :func:`sweep_key`) and a
look-up in the knowledge base (:meth:`unmask.store.KnowledgeBase.find_indicator`, through
:func:`lookup_forms`) all go through it, so what the one stored the others find.

It lives this low (beside the reference tables, under both the readers and the
extractors) so that every layer may use it; the refanging is the compiled core's.
"""

from __future__ import annotations

import ipaddress
import re

from unmask.reference.defang import SCHEMES, apply_edits, edits, plain_schemes

__all__ = ["CASE_SENSITIVE", "SCHEMES", "TYPES", "ipv4_value", "ipv6_value", "lookup_forms", "normalise",
           "refang_value", "sweep_key"]


#: The types :func:`normalise` knows (others are only stripped and refanged).
TYPES = (
    "domain", "ipv4", "ipv6", "ipv4_cidr", "url", "email", "md5", "sha1", "sha256", "sha512",
    "file_name", "file_path", "registry_key", "user_agent", "mac", "btc", "xmr", "eth", "cve",
    "asn", "ssdeep",
)  # fmt: skip
#: Types whose case is part of the value (a sweep matches them as written).
CASE_SENSITIVE = frozenset({"btc", "xmr"})
#: Types stored in lower case.
_LOWER = frozenset({"domain", "email", "md5", "sha1", "sha256", "sha512", "eth"})
_HEX = {"md5": 32, "sha1": 40, "sha256": 64, "sha512": 128}
_HEX_CHARS = frozenset("0123456789abcdef")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+._-]*)://")
_CVE = re.compile(r"(?i)cve[-_ ]?(\d{4})[-_ ](\d{4,})")
_ASN = re.compile(r"(?i)as(?:n)?[ ]?(\d{1,10})")
_FOLD = {c: c + 32 for c in range(65, 91)}


def _fold(text: str) -> str:
    """ASCII lower case (the sweep folds log lines so: same length, same offsets)."""
    return text.lower() if text.isascii() else text.translate(_FOLD)


def refang_value(value: str) -> str:
    """``value`` stripped, with its defanged punctuation restored (``[.]``, ``(dot)``,
    ``[@]``, ``[:]``, escaped dots, a Markdown-escaped ``\\_`` …: the very edits the
    extractor makes, :func:`unmask.reference.defang.edits`) and every defanged scheme
    (``hxxp://``, also one inside a redirector's query) made plain."""
    value = apply_edits(value.strip(), edits(value.strip()))
    match = _SCHEME.match(value)
    if match is not None:
        plain = SCHEMES.get(match.group(1).lower())
        if plain is not None:
            value = plain + value[match.end(1):]
    return plain_schemes(value) if value.count("://") > 1 else value


def ipv4_value(text: str) -> str | None:
    """The dotted quad with leading zeros dropped (``010.0.0.1`` is ``10.0.0.1``), or None.

    The one IPv4 canonicaliser (the extractor's validator is this function): ASCII digits
    only, since ``str.isdigit`` and ``int`` also take other scripts' digits ("1٢" is not 12).
    """
    parts = text.split(".")
    if len(parts) != 4:
        return None
    out = []
    for part in parts:
        if not part.isascii() or not part.isdigit() or len(part) > 3 or int(part) > 255:
            return None
        out.append(str(int(part)))
    return ".".join(out)


def ipv6_value(text: str) -> str | None:
    """The compressed IPv6 address, or None (the one IPv6 canonicaliser; ASCII only)."""
    if text.count(":") < 2 or not text.isascii():
        return None
    try:
        return ipaddress.IPv6Address(text).compressed
    except ValueError:
        return None


def _ipv4(text: str) -> str | None:
    return ipv4_value(text)


def _ipv6(text: str) -> str | None:
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]  # a URL's form of the address
    return ipv6_value(text)


def _canonical(type_: str, value: str) -> str | None:
    """The extractor's form of an already refanged ``value``, or None when not valid."""
    if type_ == "ipv4":
        return _ipv4(value)
    if type_ == "ipv6":
        return _ipv6(value)
    if type_ == "ipv4_cidr":
        address, slash, bits = value.partition("/")
        quad = _ipv4(address)
        if quad is None or not slash or not bits.isdigit() or not bits.isascii() or int(bits) > 32:
            return None
        return f"{quad}/{int(bits)}"
    if type_ == "domain":
        host = _fold(value).rstrip(".")
        return host if host and not any(c.isspace() for c in host) else None
    if type_ == "url":
        match = _SCHEME.match(value)
        if match is None:
            return None
        rest = value[match.end():]
        cut = min([i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0]
                  or [len(rest)])
        authority, tail = rest[:cut], rest[cut:]
        userinfo, at, host = authority.rpartition("@")
        if not host:
            return None
        return f"{match.group(1).lower()}://{userinfo}{at}{_fold(host)}{tail}"
    if type_ == "email":
        local, at, host = value.rpartition("@")
        return _fold(value).rstrip(".") if at and local and "." in host else None
    if type_ in _HEX:
        digest = _fold(value)
        return digest if len(digest) == _HEX[type_] and set(digest) <= _HEX_CHARS else None
    if type_ == "mac":
        digits = re.sub(r"[^0-9A-Fa-f]", "", value).lower()
        if len(digits) != 12 or len(re.sub(r"[0-9A-Fa-f]", "", value)) > 5:
            return None
        return ":".join(digits[i:i + 2] for i in range(0, 12, 2))
    if type_ == "btc":
        return _fold(value) if _fold(value[:3]) == "bc1" else value
    if type_ == "eth":
        return _fold(value) if _fold(value[:2]) == "0x" and len(value) == 42 else None
    if type_ == "cve":
        match = _CVE.fullmatch(value)
        return f"CVE-{match.group(1)}-{match.group(2)}" if match else None
    if type_ == "asn":
        match = _ASN.fullmatch(value)
        return f"AS{int(match.group(1))}" if match and 0 < int(match.group(1)) < 2**32 else None
    if type_ == "registry_key":
        return _unescaped(value).rstrip("\\") or None
    if type_ == "file_path":
        return _unescaped(value) or None
    return value or None


def _unescaped(path: str) -> str:
    """A path written as a quoted string's escaped text (``d:\\\\x\\\\y.exe``: every backslash
    doubled) read as the path it stands for, by the extractor's rule for rule strings."""
    if "\\\\" not in path:
        return path
    quoted = '"' + path + '"'
    return apply_edits(quoted, edits(quoted, spaced=False))[1:-1]


def normalise(type_: str, value: str, *, strict: bool = False) -> str | None:
    """``value`` of ``type_`` in the form the observable extractor stores it: refanged,
    host names, hashes and e-mail addresses in lower case, IPv4 without leading zeros,
    IPv6 compressed, a URL's scheme and host in lower case (its path as written), a
    CVE as ``CVE-YYYY-N``, a MAC address as ``aa:bb:cc:dd:ee:ff``.

    A value that is not valid for its type is None when ``strict``, else returned
    refanged and stripped (a sighting keeps what its sender wrote).
    """
    refanged = refang_value(value)
    canonical = _canonical(type_, refanged)
    if canonical is not None or strict:
        return canonical
    return refanged


def sweep_key(type_: str, canonical: str) -> str:
    """What a log sweep matches for a :func:`normalise`-d value: the same value, in ASCII
    lower case unless its case matters (a URL's path keeps its case, as written)."""
    if type_ in CASE_SENSITIVE:
        return canonical
    if type_ == "ipv4_cidr":  # the network, whatever host bits the report wrote
        return str(ipaddress.IPv4Network(canonical, strict=False))
    if type_ == "url":
        match = _SCHEME.match(canonical)
        if match is not None:
            rest = canonical[match.end():]
            cut = min([i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0]
                      or [len(rest)])
            return _fold(canonical[:match.end() + cut]) + rest[cut:]
        return canonical
    return _fold(canonical)


def lookup_forms(value: str) -> set[str]:
    """Every stored form ``value`` may have, its type unknown: as written, in lower case,
    refanged, and :func:`normalise`-d for each type it is valid as; an IPv4-mapped IPv6
    address (``::ffff:1.2.3.4``) also as the IPv4 address."""
    raw = value.strip()
    forms = {raw, raw.lower()}
    refanged = refang_value(raw)
    for written in {refanged, refanged.rstrip("]")}:  # a stray closing bracket pasted along
        forms.update((written, written.lower()))
        for type_ in TYPES:
            canonical = _canonical(type_, written)
            if canonical is not None:
                forms.add(canonical)
        address = _ipv6(written)
        if address is not None:
            mapped = ipaddress.IPv6Address(address).ipv4_mapped
            if mapped is not None:
                forms.add(str(mapped))
    forms.discard("")
    return forms
