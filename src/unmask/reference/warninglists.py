"""MISP warninglists (pymispwarninglists) compiled into fast look-ups.

Every list is read once, normalised and folded into:

* ``hosts``: exact host names (``string`` lists) -> list ids;
* ``host_suffixes``: host names matched with their sub-domains (``hostname``
  lists, and the domains of ``disposable-email``) -> list ids;
* ``values``: other exact strings (hashes, e-mail addresses) -> list ids;
* ``substrings``: the few ``substring`` lists, checked by ``in``;
* ``ipv4`` / ``ipv6``: CIDR ranges swept into one sorted partition of the address
  space, so an address is judged with a single bisection.

The three string maps hold ~330,000 keys (most of them hashes); as dicts they took
~150 ms to unpickle on every start. They are :class:`StringTable` instances instead:
all keys in one UTF-8 blob with a hash table of array offsets, which load as a few
flat buffers, look up at nearly dict speed and answer exactly as the dicts did.

Left out (see :data:`EXCLUDED_LISTS`): the 1-million-entry popularity rankings
(``tranco``, ``google-chrome-crux-1million``: ~150 MB of memory, and the smaller top
lists already cover popular domains), and lists of infrastructure that attackers
rent or abuse rather than benign values (VPN and hosting ranges, dynamic DNS
providers, sinkholes): a C2 on a VPS or a DDNS name is still an indicator.
"""

from __future__ import annotations

import bisect
import ipaddress
import json
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, overload
from zlib import crc32 as _crc32

from unmask.errors import ReferenceDataError
from unmask.reference.cache import load_compiled
from unmask.reference.sources import warninglists_dir

__all__ = ["EXCLUDED_LISTS", "StringTable", "Warninglists", "load_warninglists"]

_FORMAT = 4

#: Lists not compiled (too large for their value; see the module docstring).
EXCLUDED_LISTS = frozenset(
    {
        "tranco",
        "google-chrome-crux-1million",
        "phone_numbers",
        "vpn-ipv4",
        "vpn-ipv6",
        "dynamic-dns",
        "sinkholes",
    }
)

_HOST_ATTRS = {"hostname", "domain", "url", "uri", "domain|ip", "hostname|port"}
_HASH_ATTRS = {"md5", "sha1", "sha224", "sha256", "sha512", "filename|md5"}
_EMAIL_ATTRS = {"email-src", "email-dst", "whois-registrant-email", "target-email", "email"}


def _encode(key: str) -> bytes:
    return key.encode("utf-8", "surrogatepass")


class StringTable(Mapping[str, tuple[int, ...]]):
    """An immutable ``str -> tuple of list ids`` map built for fast loading.

    The keys are concatenated into one UTF-8 ``bytes`` blob (``offsets`` delimit
    them) and found through an open-addressing hash table (``slots``: entry number
    + 1, 0 for empty) keyed by CRC-32, which is stable across processes unlike
    ``hash()``. The values are indexes into a small tuple of distinct id tuples. All
    of it pickles as a handful of flat buffers.
    """

    __slots__ = ("_blob", "_groups", "_offsets", "_slots", "_values")

    def __init__(self, items: Mapping[str, tuple[int, ...]] | None = None) -> None:
        keys = list(items or {})
        encoded = [_encode(key) for key in keys]
        offsets = array("Q", [0])
        total = 0
        for raw in encoded:
            total += len(raw)
            offsets.append(total)
        group_ids: dict[tuple[int, ...], int] = {}
        values = array("H", [group_ids.setdefault(items[key], len(group_ids)) for key in keys] if items else [])
        size = 8
        while size < 2 * len(keys):
            size *= 2
        slots = array("I", bytes(4 * size))
        mask = size - 1
        for entry, raw in enumerate(encoded):
            i = _crc32(raw) & mask
            while slots[i]:
                i = (i + 1) & mask
            slots[i] = entry + 1
        self._blob = b"".join(encoded)
        self._offsets = offsets
        self._slots = slots
        self._values = values
        self._groups = tuple(group_ids)

    def _find(self, key: str) -> int:
        """The entry number of ``key``, or -1 (runs once per look-up: kept lean)."""
        needle = key.encode("utf-8", "surrogatepass")
        slots = self._slots
        mask = len(slots) - 1
        i = _crc32(needle) & mask
        entry = slots[i] - 1
        if entry < 0:
            return -1
        offsets = self._offsets
        blob = self._blob
        while True:
            if blob[offsets[entry] : offsets[entry + 1]] == needle:
                return entry
            i = (i + 1) & mask
            entry = slots[i] - 1
            if entry < 0:
                return -1

    @overload
    def get(self, key: str, /) -> tuple[int, ...] | None: ...
    @overload
    def get(self, key: str, default: tuple[int, ...] | Any, /) -> tuple[int, ...] | Any: ...

    def get(self, key: str, default: Any = None) -> Any:
        entry = self._find(key)
        return default if entry < 0 else self._groups[self._values[entry]]

    def __getitem__(self, key: str) -> tuple[int, ...]:
        entry = self._find(key)
        if entry < 0:
            raise KeyError(key)
        return self._groups[self._values[entry]]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._find(key) >= 0

    def __iter__(self) -> Iterator[str]:
        offsets = self._offsets
        for entry in range(len(self._values)):
            yield self._blob[offsets[entry] : offsets[entry + 1]].decode("utf-8", "surrogatepass")

    def __len__(self) -> int:
        return len(self._values)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (_restore_table, (self._blob, self._offsets, self._slots, self._values, self._groups))


def _restore_table(
    blob: bytes, offsets: array[int], slots: array[int], values: array[int], groups: tuple[tuple[int, ...], ...]
) -> StringTable:
    table = StringTable.__new__(StringTable)
    table._blob, table._offsets, table._slots, table._values, table._groups = blob, offsets, slots, values, groups
    return table


@dataclass(frozen=True, slots=True)
class Warninglists:
    """Compiled warninglists; every look-up returns the slugs of the lists hit."""

    names: tuple[str, ...]
    hosts: StringTable
    host_suffixes: StringTable
    values: StringTable
    substrings: tuple[tuple[str, int], ...]
    #: Sorted range starts (an ``array`` of 64-bit ints: loads as one buffer).
    ipv4_starts: Sequence[int]
    ipv4_sets: tuple[tuple[int, ...], ...]
    ipv6_starts: tuple[int, ...]
    ipv6_sets: tuple[tuple[int, ...], ...]

    def _names(self, ids: Iterable[int]) -> tuple[str, ...]:
        return tuple(sorted({self.names[i] for i in ids}))

    def match_host(self, host: str) -> tuple[str, ...]:
        """Lists that name ``host`` (lower case) or, for hostname lists, a parent of it."""
        ids: list[int] = list(self.hosts.get(host, ()))
        name = host
        while True:
            ids.extend(self.host_suffixes.get(name, ()))
            dot = name.find(".")
            if dot < 0:
                break
            name = name[dot + 1 :]
        for needle, list_id in self.substrings:
            if needle in host:
                ids.append(list_id)
        return self._names(ids) if ids else ()

    def match_value(self, value: str) -> tuple[str, ...]:
        """Lists that hold ``value`` (lower case) exactly: hashes, e-mail addresses."""
        ids = self.values.get(value)
        return self._names(ids) if ids else ()

    def match_ip(self, address: int, version: int) -> tuple[str, ...]:
        """Lists whose CIDR ranges hold the address given as an integer."""
        starts, sets = (self.ipv4_starts, self.ipv4_sets) if version == 4 else (self.ipv6_starts, self.ipv6_sets)
        i = bisect.bisect_right(starts, address) - 1
        if i < 0:
            return ()
        ids = sets[i]
        return self._names(ids) if ids else ()


def _data_dir() -> Path:
    root = warninglists_dir()
    if not root.is_dir():
        raise ReferenceDataError(f"the MISP warninglists are missing from {str(root)!r}; reinstall pymispwarninglists")
    return root


def _clean_host(entry: str) -> str:
    entry = entry.strip().lower()
    if "://" in entry:
        entry = entry.split("://", 1)[1]
    entry = entry.split("/", 1)[0]
    while entry.startswith(("*.", ".")):
        entry = entry[2:] if entry.startswith("*.") else entry[1:]
    return entry.rstrip(".")


def _sweep(ranges: list[tuple[int, int, int]]) -> tuple[tuple[int, ...], tuple[tuple[int, ...], ...]]:
    """Partition the address space at every range edge; each piece keeps its list ids."""
    events: list[tuple[int, int, int]] = []
    for start, end, list_id in ranges:
        events.append((start, 1, list_id))
        events.append((end + 1, -1, list_id))
    events.sort()
    active: dict[int, int] = {}
    starts: list[int] = []
    sets: list[tuple[int, ...]] = []
    interned: dict[tuple[int, ...], tuple[int, ...]] = {}
    i = 0
    while i < len(events):
        point = events[i][0]
        while i < len(events) and events[i][0] == point:
            _, delta, list_id = events[i]
            count = active.get(list_id, 0) + delta
            if count:
                active[list_id] = count
            else:
                active.pop(list_id, None)
            i += 1
        key = tuple(sorted(active))
        key = interned.setdefault(key, key)
        if sets and sets[-1] == key:
            continue
        starts.append(point)
        sets.append(key)
    return tuple(starts), tuple(sets)


def _build() -> Warninglists:
    names: list[str] = []
    hosts: dict[str, set[int]] = {}
    host_suffixes: dict[str, set[int]] = {}
    values: dict[str, set[int]] = {}
    substrings: list[tuple[str, int]] = []
    v4: list[tuple[int, int, int]] = []
    v6: list[tuple[int, int, int]] = []
    for path in sorted(_data_dir().glob("*/list.json")):
        slug = path.parent.name
        if slug in EXCLUDED_LISTS:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ReferenceDataError(f"warninglist {str(path)!r} is unreadable: {exc}") from exc
        kind = data.get("type")
        attrs = set(data.get("matching_attributes") or ())
        entries = [str(e) for e in data.get("list") or ()]
        list_id = len(names)
        names.append(f"warninglist:{slug}")
        if kind == "cidr":
            for entry in entries:
                try:
                    net = ipaddress.ip_network(entry.strip(), strict=False)
                except ValueError:
                    continue
                target = v4 if net.version == 4 else v6
                target.append((int(net.network_address), int(net.broadcast_address), list_id))
        elif kind == "hostname" or (kind == "substring" and attrs & _EMAIL_ATTRS):
            for entry in entries:
                host = _clean_host(entry)
                if host:
                    host_suffixes.setdefault(host, set()).add(list_id)
        elif kind == "string":
            is_host = bool(attrs & _HOST_ATTRS) and not attrs & _HASH_ATTRS
            for entry in entries:
                if is_host:
                    host = _clean_host(entry)
                    if host:
                        hosts.setdefault(host, set()).add(list_id)
                else:
                    values.setdefault(entry.strip().lower(), set()).add(list_id)
        elif kind == "substring":
            substrings.extend((e.strip().lower(), list_id) for e in entries if e.strip())
        # "regex" lists (phone numbers, contact addresses) do not apply to observables.
    v4_starts, ipv4_sets = _sweep(v4)
    ipv6_starts, ipv6_sets = _sweep(v6)
    # Few distinct combinations of lists exist: share one tuple per combination, so
    # the pickled cache stores each once and loads several times faster.
    shared: dict[tuple[int, ...], tuple[int, ...]] = {}

    def ids(found: set[int]) -> tuple[int, ...]:
        key = tuple(sorted(found))
        return shared.setdefault(key, key)

    return Warninglists(
        names=tuple(names),
        hosts=StringTable({k: ids(v) for k, v in hosts.items()}),
        host_suffixes=StringTable({k: ids(v) for k, v in host_suffixes.items()}),
        values=StringTable({k: ids(v) for k, v in values.items()}),
        substrings=tuple(substrings),
        ipv4_starts=array("Q", v4_starts),
        ipv4_sets=ipv4_sets,
        ipv6_starts=ipv6_starts,
        ipv6_sets=ipv6_sets,
    )


def load_warninglists() -> Warninglists:
    """The compiled warninglists (built once per pymispwarninglists version, then cached)."""
    return load_compiled("warninglists", _build, depends=["pymispwarninglists"], format_version=_FORMAT)
