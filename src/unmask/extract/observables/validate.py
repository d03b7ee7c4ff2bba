"""Validators: is this candidate a real observable of its type?"""

from __future__ import annotations

import hashlib

from unmask.reference.suffixes import SuffixIndex
from unmask.reference.values import ipv4_value, ipv6_value  # the one canonicaliser of addresses

__all__ = [
    "btc_ok",
    "domain_ok",
    "eth_ok",
    "ipv4_value",
    "ipv6_value",
    "ssdeep_ok",
    "xmr_ok",
]

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {c: i for i, c in enumerate(_BECH32)}
_LABEL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")


def domain_ok(host: str, suffixes: SuffixIndex) -> bool:
    """A host name (lower case) with valid labels and a real top-level domain."""
    if len(host) > 253:
        return False
    labels = host.split(".")
    if len(labels) < 2:
        return False
    tld = labels[-1]
    if not suffixes.is_tld(tld):
        return False
    for label in labels[:-1]:
        if not label or len(label) > 63 or label[0] == "-" or label[-1] == "-":
            return False
    # "_" occurs in service labels (_dmarc.example.com), never in a registered name
    # ("COMMAND_DATA.data" is a file).
    return not tld.isdigit() and "_" not in labels[-2]


def _b58decode(text: str) -> bytes | None:
    number = 0
    for ch in text:
        digit = _B58_INDEX.get(ch)
        if digit is None:
            return None
        number = number * 58 + digit
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    pad = len(text) - len(text.lstrip("1"))
    return b"\x00" * pad + body


def _bech32_polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def btc_ok(address: str) -> bool:
    """Bitcoin address: base58check (P2PKH/P2SH) or bech32/bech32m (segwit)."""
    if address[:3].lower() == "bc1":
        if address != address.lower() and address != address.upper():
            return False
        addr = address.lower()
        data = [_BECH32_INDEX.get(c, -1) for c in addr[3:]]
        if -1 in data or len(data) < 7:
            return False
        hrp = [ord(c) >> 5 for c in "bc"] + [0] + [ord(c) & 31 for c in "bc"]
        return _bech32_polymod(hrp + data) in (1, 0x2BC830A3)
    if address[0] not in "13" or not 25 <= len(address) <= 35:
        return False
    raw = _b58decode(address)
    if raw is None or len(raw) != 25:
        return False
    return hashlib.sha256(hashlib.sha256(raw[:-4]).digest()).digest()[:4] == raw[-4:]


def _keccak256(data: bytes) -> str:
    from Crypto.Hash import keccak

    return keccak.new(digest_bits=256, data=data).hexdigest()


def eth_ok(address: str) -> bool:
    """Ethereum address; a mixed-case one must carry a valid EIP-55 checksum."""
    body = address[2:]
    if len(body) != 40:
        return False
    if body == body.lower() or body == body.upper():
        return True
    digest = _keccak256(body.lower().encode())
    for ch, h in zip(body, digest[:40], strict=True):
        if ch.isalpha() and ch.isupper() != (int(h, 16) >= 8):
            return False
    return True


def xmr_ok(address: str) -> bool:
    """Monero address shape: 95 (standard/subaddress) or 106 (integrated) base58 chars."""
    if len(address) not in (95, 106) or address[0] not in "48":
        return False
    return all(c in _B58_INDEX for c in address)


def ssdeep_ok(value: str) -> bool:
    """Block size is 3·2^n and both hash parts are base64 runs."""
    block, _, _rest = value.partition(":")
    if not block.isdigit():
        return False
    size = int(block)
    if size < 3 or size % 3:
        return False
    size //= 3
    return size & (size - 1) == 0
