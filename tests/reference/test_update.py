"""``unmask data update`` against a local HTTP server: new data is used, an unchanged
source is not downloaded again, broken downloads leave the data in use alone, and
reset goes back to the packages."""

from __future__ import annotations

import dataclasses
import io
import json
import tarfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unmask.extract.observables import extract_observables
from unmask.reference import cache
from unmask.reference.attack import attack_data
from unmask.reference.sectors import sector_vocabulary
from unmask.reference.sources import galaxy_clusters_dir, warninglists_dir
from unmask.reference.suffixes import load_suffixes
from unmask.reference.update import (
    SOURCES,
    DataUpdateError,
    Limits,
    attack_lookups,
    describe_sources,
    reset_source,
    update_source,
)
from unmask.reference.versions import reference_versions

from . import update_support
from .update_support import (
    BENIGN_HOST,
    BENIGN_LIST,
    NEW_TLD,
    Server,
    attack_bundle,
    galaxy_members,
    suffix_list,
    tar_gz,
    warninglist_members,
    zip_bytes,
)

cache_dir = update_support.cache_dir  # the fixtures
http_server = update_support.http_server

TEXT = f"The implant beaconed to login.c2.{NEW_TLD} and fetched a stage from {BENIGN_HOST} and evil-site.com."


def _reasons(value: str) -> tuple[str, ...] | None:
    found = {o.value: o.benign_reasons for o in extract_observables(TEXT)}
    return tuple(found[value]) if value in found else None


# --------------------------------------------------------------------------- the good path


def test_warninglists_update_is_used_then_unchanged_then_reset(cache_dir: Path, http_server: Server) -> None:
    assert _reasons(BENIGN_HOST) == ()  # the packages' lists do not know it
    package_versions = dict(reference_versions())
    url = http_server.serve("/misp-warninglists-main.tar.gz", tar_gz(warninglist_members()))

    result = update_source("warninglists", url)
    assert result.status == "updated" and result.entries == 22 and result.url == url
    assert warninglists_dir().is_relative_to(cache_dir / "data" / "warninglists")
    assert _reasons(BENIGN_HOST) == (f"warninglist:{BENIGN_LIST}",)
    assert _reasons("evil-site.com") == ()
    versions = reference_versions()
    assert versions["pymispwarninglists"] == f"upstream+sha256.{result.sha256[:12]}"
    assert versions["pymispwarninglists"] != package_versions["pymispwarninglists"]
    manifest = json.loads((cache_dir / "data" / "warninglists" / "current.json").read_text())
    assert manifest["etag"] and manifest["sha256"] == result.sha256 and manifest["url"] == url

    again = update_source("warninglists", url)
    assert again.status == "unchanged" and again.sha256 == result.sha256
    route = http_server.routes["/misp-warninglists-main.tar.gz"]
    assert route.hits[-1].get("If-None-Match") == manifest["etag"]  # answered 304, nothing downloaded

    assert reset_source("warninglists") is True
    assert not (cache_dir / "data" / "warninglists").exists()
    assert _reasons(BENIGN_HOST) == ()
    assert reference_versions() == package_versions
    assert reset_source("warninglists") is False


def test_a_changed_upstream_replaces_the_overlay(cache_dir: Path, http_server: Server) -> None:
    url = http_server.serve("/wl.zip", zip_bytes(warninglist_members()))
    first = update_source("warninglists", url)
    http_server.serve("/wl.zip", zip_bytes(warninglist_members(extra="evil-site.com")))
    second = update_source("warninglists", url)
    assert second.status == "updated" and second.sha256 != first.sha256
    assert _reasons("evil-site.com") == (f"warninglist:{BENIGN_LIST}",)
    # the new copy, and the one before for processes still reading it
    kept = sorted(p.name for p in (cache_dir / "data" / "warninglists").iterdir() if p.is_dir())
    assert kept == sorted([first.sha256[:16], second.sha256[:16]])
    http_server.serve("/wl.zip", zip_bytes(warninglist_members(extra="third.example.org")))
    third = update_source("warninglists", url)
    kept = sorted(p.name for p in (cache_dir / "data" / "warninglists").iterdir() if p.is_dir())
    assert kept == sorted([second.sha256[:16], third.sha256[:16]])


def test_suffix_list_update_finds_domains_under_a_new_tld(cache_dir: Path, http_server: Server) -> None:
    assert _reasons(f"login.c2.{NEW_TLD}") is None
    url = http_server.serve("/public_suffix_list.dat", suffix_list(), content_type="text/plain; charset=utf-8")
    result = update_source("suffixes", url)
    assert result.status == "updated" and result.version == "2099-01-01_00-00-00_UTC"
    assert result.entries > 5000
    assert load_suffixes().registrable_domain(f"login.c2.{NEW_TLD}") == f"c2.{NEW_TLD}"
    assert _reasons(f"login.c2.{NEW_TLD}") == ()
    assert reference_versions()["tldextract"].startswith("2099-01-01_00-00-00_UTC+sha256.")
    reset_source("suffixes")
    assert _reasons(f"login.c2.{NEW_TLD}") is None


def test_attack_bundle_is_converted_to_the_lookup_tables(cache_dir: Path, http_server: Server) -> None:
    package = attack_data()
    url = http_server.serve("/enterprise-attack.json", attack_bundle(version="99.0"), content_type="application/json")
    result = update_source("attack", url, build=False)  # the trial build is the galaxies test's
    assert result.status == "updated" and result.version == "99.0"
    updated = attack_data()
    assert updated.version == "99.0" and reference_versions()["attack"] == "99.0"
    assert updated.get("T1999") is not None and updated.get("T1999").name == "Synthetic Widget Abuse"  # type: ignore[union-attr]
    # everything else reads as it did from the package
    assert len(updated.techniques) == len(package.techniques) + 1
    for technique in package:
        mine = updated.get(technique.id)
        assert mine is not None
        assert (mine.name, mine.tactics, mine.revoked, mine.deprecated, mine.successor, mine.platforms) == (
            technique.name, technique.tactics, technique.revoked, technique.deprecated,
            technique.successor, technique.platforms,
        ), technique.id
    assert sum(len(v) for v in updated.procedures.values()) == sum(len(v) for v in package.procedures.values())
    reset_source("attack")
    assert attack_data().version == package.version


def test_galaxies_update_feeds_the_galaxy_indexes(cache_dir: Path, http_server: Server) -> None:
    url = http_server.serve("/misp-galaxy-main.tar.gz", tar_gz(galaxy_members("Quantum Widgets"), top="misp-galaxy-main/"))
    result = update_source("galaxies", url)
    assert result.status == "updated" and result.entries == len(galaxy_members())
    assert (galaxy_clusters_dir() / "threat-actor.json").is_file()
    assert sector_vocabulary().lookup("quantum widgets") == "Quantum Widgets"
    [status] = [s for s in describe_sources() if s.source == "galaxies"]
    assert status.origin == "update" and status.describe().startswith("updated ") and url in status.describe()


def test_local_directory_and_file_sources(cache_dir: Path, tmp_path: Path) -> None:
    checkout = tmp_path / "misp-warninglists"
    for name, data in warninglist_members().items():
        (checkout / name).parent.mkdir(parents=True, exist_ok=True)
        (checkout / name).write_bytes(data)
    first = update_source("warninglists", str(checkout))
    assert first.status == "updated" and first.url == str(checkout)
    assert _reasons(BENIGN_HOST) == (f"warninglist:{BENIGN_LIST}",)
    assert update_source("warninglists", str(checkout)).status == "unchanged"  # same files, same hash
    psl = tmp_path / "public_suffix_list.dat"
    psl.write_bytes(suffix_list())
    assert update_source("suffixes", f"file://{tmp_path}").status == "updated"  # a directory holding the file
    assert load_suffixes().is_tld(NEW_TLD)


def test_the_environment_names_a_mirror(cache_dir: Path, http_server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    url = http_server.serve("/mirror/psl.dat", suffix_list())
    monkeypatch.setenv("UNMASK_DATA_URL_SUFFIXES", url)
    assert SOURCES["suffixes"].location() == url
    assert update_source("suffixes").url == url


def test_attack_lookups_skip_objects_without_attack_ids() -> None:
    tables = attack_lookups([
        {"type": "attack-pattern", "id": "attack-pattern--1", "name": "No id"},
        {"type": "x-mitre-collection", "x_mitre_version": "17.0"},
        "junk",
    ])
    assert tables["attack-patterns"] == [] and tables["version"] == "17.0"
    with pytest.raises(ValueError, match="odd ATT&CK version"):
        attack_lookups([{"type": "x-mitre-collection", "x_mitre_version": "../../x"}])


# --------------------------------------------------------------------------- refusals


def _good_update(server: Server) -> str:
    url = server.serve("/good.tar.gz", tar_gz(warninglist_members()))
    update_source("warninglists", url)
    assert _reasons(BENIGN_HOST) == (f"warninglist:{BENIGN_LIST}",)
    return url


def _link(name: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.SYMTYPE
    info.linkname = "/etc/passwd"
    return info


_GOOD = tar_gz(warninglist_members())

BROKEN: dict[str, tuple[dict[str, object], str]] = {
    "truncated archive": ({"body": _GOOD[: len(_GOOD) // 2]}, "cut short"),
    "truncated transfer": ({"body": _GOOD[: len(_GOOD) // 2], "length": len(_GOOD)}, "truncated download|connection failed"),
    "html error page": ({"body": b"<!DOCTYPE html><html><body>Rate limited</body></html>", "content_type": "text/html"},
                        "HTML page"),
    "html without its type": ({"body": b"\n  <html><head><title>Error</title></head></html>"}, "HTML page"),
    "server error": ({"body": b"oops", "status": 500}, "HTTP 500"),
    "not found": ({"body": b"", "status": 404}, "HTTP 404"),
    "empty body": ({"body": b""}, "empty"),
    "not an archive": ({"body": b"just some text, not a tar or zip file at all" * 20}, "not a zip or tar archive"),
    "truncated zip": ({"body": zip_bytes(warninglist_members())[:-200]}, "cut short"),
    "too few lists": ({"body": tar_gz(warninglist_members(count=3))}, "only 3 warninglists"),
    "bad list json": ({"body": tar_gz({**warninglist_members(), "lists/bad/list.json": b"{not json"})}, "not valid JSON"),
    "path traversal": ({"body": tar_gz({"../../lists/evil/list.json": b"{}"}, top="")}, "unsafe path"),
    "absolute path": ({"body": tar_gz({"/tmp/lists/evil/list.json": b"{}"}, top="")}, "unsafe path"),
    "symlink member": ({"body": tar_gz(warninglist_members(), extra=[_link("repo-main/lists/link/list.json")])},
                       "link or device"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_download_is_refused_and_the_data_in_use_stays(case: str, cache_dir: Path, http_server: Server) -> None:
    good = _good_update(http_server)
    before = (cache_dir / "data" / "warninglists" / "current.json").read_text()
    route, message = BROKEN[case]
    url = http_server.serve("/broken", **route)  # type: ignore[arg-type]
    with pytest.raises(DataUpdateError, match=message) as caught:
        update_source("warninglists", url)
    assert caught.value.source == "warninglists" and caught.value.location == url
    assert "the data in use is unchanged" in str(caught.value)
    assert (cache_dir / "data" / "warninglists" / "current.json").read_text() == before
    cache.clear_memory()
    assert _reasons(BENIGN_HOST) == (f"warninglist:{BENIGN_LIST}",)
    assert not [p for p in (cache_dir / "data" / "warninglists").iterdir() if p.name.startswith(".staging")]
    assert update_source("warninglists", good).status == "unchanged"


def test_a_broken_download_with_no_earlier_update_keeps_the_package_data(cache_dir: Path, http_server: Server) -> None:
    url = http_server.serve("/psl", suffix_list(cut=True), content_type="text/plain")
    with pytest.raises(DataUpdateError, match="cut short"):
        update_source("suffixes", url)
    assert cache.overlay("suffixes") is None
    assert not load_suffixes().is_tld(NEW_TLD) and load_suffixes().is_tld("com")


def test_timeout(cache_dir: Path, http_server: Server) -> None:
    url = http_server.serve("/slow", suffix_list(), delay=1.5)
    with pytest.raises(DataUpdateError, match=r"no answer within 0.3 s"):
        update_source("suffixes", url, limits=Limits(timeout=0.3))
    assert cache.overlay("suffixes") is None


def test_oversize_downloads(cache_dir: Path, http_server: Server) -> None:
    small = dataclasses.replace(SOURCES["suffixes"], max_download=10_000)
    declared = http_server.serve("/big", suffix_list())
    with pytest.raises(DataUpdateError, match="over the 10,000-byte limit"):
        update_source(small, declared)
    undeclared = http_server.serve("/big-stream", suffix_list(), length=-1)
    with pytest.raises(DataUpdateError, match="passed the 10,000-byte limit"):
        update_source(small, undeclared)
    assert cache.overlay("suffixes") is None


def test_zip_bomb_and_member_count_caps(cache_dir: Path, http_server: Server) -> None:
    members = warninglist_members()
    members["lists/huge/list.json"] = json.dumps({"type": "string", "list": ["a" * 64] * 20_000}).encode()
    bomb = zip_bytes(members)
    assert len(bomb) < 50_000  # compresses ~30:1
    url = http_server.serve("/bomb.zip", bomb)
    with pytest.raises(DataUpdateError, match="zip bomb"):
        update_source("warninglists", url, limits=Limits(max_extracted=500_000))
    with pytest.raises(DataUpdateError, match="over 10 members"):
        update_source("warninglists", http_server.serve("/many.tar.gz", tar_gz(members)), limits=Limits(max_members=10))
    assert cache.overlay("warninglists") is None


def test_galaxies_missing_a_galaxy_unmask_reads_are_refused(cache_dir: Path, http_server: Server) -> None:
    members = galaxy_members()
    del members["clusters/country.json"]
    url = http_server.serve("/galaxy.tar.gz", tar_gz(members))
    with pytest.raises(DataUpdateError, match="missing: country"):
        update_source("galaxies", url)


def test_attack_refusals(cache_dir: Path, http_server: Server) -> None:
    bundle = attack_bundle()
    with pytest.raises(DataUpdateError, match="not valid JSON"):
        update_source("attack", http_server.serve("/cut.json", bundle[: len(bundle) // 3]))
    with pytest.raises(DataUpdateError, match="not a STIX bundle"):
        update_source("attack", http_server.serve("/list.json", b"[1, 2, 3]"))
    tiny = json.dumps({"type": "bundle", "id": "bundle--x", "objects": []}).encode()
    with pytest.raises(DataUpdateError, match="only 0 techniques"):
        update_source("attack", http_server.serve("/tiny.json", tiny))


def test_unknown_sources_and_schemes(cache_dir: Path) -> None:
    from unmask.errors import ReferenceDataError

    with pytest.raises(ReferenceDataError, match="unknown reference source 'nope'"):
        update_source("nope")
    with pytest.raises(DataUpdateError, match="only http"):
        update_source("suffixes", "ftp://example.invalid/psl.dat")
    with pytest.raises(DataUpdateError, match="no such file"):
        update_source("suffixes", str(cache_dir / "missing.dat"))


def test_a_damaged_manifest_falls_back_to_the_package(cache_dir: Path) -> None:
    root = cache_dir / "data" / "suffixes"
    root.mkdir(parents=True)
    (root / "current.json").write_text('{"directory": "gone", "sha256": "ab"}')
    assert cache.overlay("suffixes") is None
    (root / "current.json").write_text("{truncated")
    cache.clear_memory()
    assert cache.overlay("suffixes") is None
    with pytest.raises(ValueError, match="unknown reference source"):
        cache.overlay("nope")


def test_zip_with_a_link_member_is_refused(cache_dir: Path, http_server: Server) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in warninglist_members().items():
            archive.writestr("repo-main/" + name, data)
        link = zipfile.ZipInfo("repo-main/lists/link/list.json")
        link.external_attr = (0o120777 << 16)
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(DataUpdateError, match="link"):
        update_source("warninglists", http_server.serve("/link.zip", buffer.getvalue()))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000), name=st.sampled_from(["warninglists", "galaxies", "attack", "suffixes"]),
       wrap=st.sampled_from(["raw", "gzip", "zip"]))
def test_arbitrary_bytes_raise_only_data_update_errors(cache_dir: Path, data: bytes, name: str, wrap: str) -> None:
    import gzip
    import tempfile

    if wrap == "gzip":
        data = gzip.compress(data)
    elif wrap == "zip":
        data = zip_bytes({"lists/x/list.json": data, "clusters/x.json": data})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "download"
        path.write_bytes(data)
        with pytest.raises(DataUpdateError):
            update_source(name, str(path), build=False)
    assert cache.overlay(name) is None
