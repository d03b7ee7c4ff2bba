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

from unmask import _core

__all__ = ["CASE_SENSITIVE", "SCHEMES", "TYPES", "lookup_forms", "normalise", "refang_value",
           "sweep_key"]

#: Defanged and plain URL schemes, and the scheme each one stands for.
SCHEMES = {
    "hxxp": "http", "hxxps": "https", "hxtp": "http", "hxtps": "https", "htxp": "http",
    "htxps": "https", "hxxxp": "http", "hxxxps": "https", "hxttp": "http", "hxttps": "https",
    "h__p": "http", "h__ps": "https", "httx": "http", "fxp": "ftp", "fxps": "ftps", "ftx": "ftp",
    "meow": "http", "meows": "https", "http": "http", "https": "https", "ftp": "ftp",
    "ftps": "ftps", "sftp": "sftp", "tcp": "tcp", "udp": "udp", "ws": "ws", "wss": "wss",
    "smb": "smb", "hxxxs": "https",
}  # fmt: skip

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
    ``[@]``, ``[:]``, escaped dots …, the compiled core's edits) and a defanged scheme
    (``hxxp://``) made plain."""
    value = value.strip()
    edits = _core.refang_edits(value)
    if edits:
        parts: list[str] = []
        last = 0
        for start, end, new in edits:
            parts.append(value[last:start])
            parts.append(new)
            last = end
        parts.append(value[last:])
        value = "".join(parts)
    match = _SCHEME.match(value)
    if match is not None:
        plain = SCHEMES.get(match.group(1).lower())
        if plain is not None:
            value = plain + value[match.end(1):]
    return value


def _ipv4(text: str) -> str | None:
    """The dotted quad with leading zeros dropped (``010.0.0.1`` is ``10.0.0.1``, as the
    extractor reads it), or None."""
    parts = text.split(".")
    if len(parts) != 4:
        return None
    out = []
    for part in parts:
        if not part.isdigit() or not part.isascii() or len(part) > 3 or int(part) > 255:
            return None
        out.append(str(int(part)))
    return ".".join(out)


def _ipv6(text: str) -> str | None:
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if text.count(":") < 2:
        return None
    try:
        return ipaddress.IPv6Address(text).compressed
    except ValueError:
        return None


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
        return value.rstrip("\\") or None
    return value or None


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
