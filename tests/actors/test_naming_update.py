"""``unmask data update --source actor-naming`` rebuilds every naming table (Microsoft's
mapping, Microsoft Learn's table, Spindle) as the build script does, here from a local
HTTP server the test starts (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.reference import update_support
from tests.reference.update_support import Server, forget
from unmask.reference import actors as actors_module
from unmask.reference.actors import naming_clusters, naming_version
from unmask.reference.update import SOURCES, _naming_locations, update_source

http_server = update_support.http_server  # the fixtures
cache_dir = update_support.cache_dir


def _mapping(tag: str) -> bytes:
    rows = [{"Threat actor name": f"Invented Sleet {i}", "Origin/Threat": "Freedonia",
             "Other names": f"ZEBRIUM-{i}{tag}"} for i in range(22)]
    return json.dumps(rows).encode()


def _docs() -> bytes:
    lines = ["| Threat actor name | Previous name | Origin/Threat | Other names |", "|---|---|---|---|"]
    lines += [f"| Paper Typhoon {i} | DEV-9{i:03d} | Freedonia | Quill Panda {i} |" for i in range(21)]
    return ("# Names\n\n" + "\n".join(lines) + "\n").encode()


def _spindle(extra: str = "") -> bytes:
    records = {f"Marsh Heron {i}": {"full_aliases": [f"TAG-9{i:02d}", f"Reed Cell {i}{extra}"],
                                    "partial_aliases": [], "countries": ["FR"]} for i in range(23)}
    return json.dumps(records).encode()


def _sources() -> dict[str, dict]:  # type: ignore[type-arg]
    data = json.loads(actors_module.naming_data_file().read_text(encoding="utf-8"))
    return {s["id"]: s for s in data["sources"]}


def test_update_rebuilds_all_three_tables_from_their_servers(
    http_server: Server, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = naming_version()
    monkeypatch.setenv("UNMASK_DATA_URL_ACTOR_NAMING", http_server.serve("/mapping.json", _mapping("")))
    monkeypatch.setenv("UNMASK_DATA_URL_ACTOR_NAMING_DOCS", http_server.serve("/naming.md", _docs()))
    monkeypatch.setenv("UNMASK_DATA_URL_ACTOR_NAMING_SPINDLE", http_server.serve("/spindle.json", _spindle()))
    result = update_source("actor-naming", build=False)
    assert result.status == "updated" and result.entries == 22 + 21 + 23
    tables = _sources()
    assert {sid: len(s["actors"]) for sid, s in tables.items()} == {
        "microsoft-mapping": 22, "microsoft-docs": 21, "arachne-spindle": 23}
    assert all(s["version"] == "upstream" for s in tables.values())
    assert naming_version() != shipped
    clusters = naming_clusters()
    assert any(c.value == "Marsh Heron 4" and "Reed Cell 4" in c.names for c in clusters)
    assert any(c.value == "Paper Typhoon 2" and "Quill Panda 2" in c.names for c in clusters)

    # nothing changed upstream: nothing to do; only Spindle changed: an update
    assert update_source("actor-naming", build=False).status == "unchanged"
    http_server.serve("/spindle.json", _spindle(" B"))
    again = update_source("actor-naming", build=False)
    assert again.status == "updated"
    assert any("Reed Cell 4 B" in c.names for c in naming_clusters())
    forget()


def test_a_bad_table_refuses_the_whole_update(
    http_server: Server, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = naming_version()
    monkeypatch.setenv("UNMASK_DATA_URL_ACTOR_NAMING", http_server.serve("/mapping.json", _mapping("")))
    monkeypatch.setenv("UNMASK_DATA_URL_ACTOR_NAMING_SPINDLE", http_server.serve("/spindle.json", b'{"cut": '))
    with pytest.raises(Exception, match=r"Spindle.*not valid JSON"):
        update_source("actor-naming", build=False)
    http_server.serve("/spindle.json", b"gone", status=404)
    with pytest.raises(Exception, match="HTTP 404"):
        update_source("actor-naming", build=False)
    assert naming_version() == shipped


def test_where_each_table_comes_from(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = SOURCES["actor-naming"]
    for suffix in ("", "_DOCS", "_SPINDLE"):
        monkeypatch.delenv(f"UNMASK_DATA_URL_ACTOR_NAMING{suffix}", raising=False)
    upstream = _naming_locations(source, source.url)  # a plain update: every table's upstream
    assert sorted(upstream) == ["arachne-spindle", "microsoft-docs", "microsoft-mapping"]
    assert upstream["arachne-spindle"].endswith("/cta_names_mappings.json")
    assert _naming_locations(source, str(tmp_path / "m.json")) == {"microsoft-mapping": str(tmp_path / "m.json")}
    (tmp_path / "cta_names_mappings.json").write_bytes(_spindle())
    (tmp_path / "MicrosoftMapping.json").write_bytes(_mapping(""))
    assert sorted(_naming_locations(source, str(tmp_path))) == ["arachne-spindle", "microsoft-mapping"]
