"""Hypothesis over query parameters and paths: the server answers, never with a 500."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unmask.serve.taxii import MEDIA_TYPE, accepts_taxii, parse_timestamp
from unmask.serve.view import collection_id

_KEYS = ["limit", "offset", "next", "added_after", "match[id]", "match[type]", "match[version]",
         "match[spec_version]", "q", "actor", "since", "format"]
_VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["0", "1", "-1", "1000000", "last", "first", "all", "2024-01-01T00:00:00Z",
                     "2024-01-01T00:00:00.123456789Z", "2.1", "intrusion-set", "bz0x", "", " ",
                     '"unbalanced', "OR", "-", "NEAR(a b)", "*", "stix", "2024-02-30"]),
)
_PARAMS = st.dictionaries(st.sampled_from(_KEYS), _VALUES, max_size=4)
_PATHS = [
    "/api/v1/actors", "/api/v1/search", "/api/v1/reports", "/api/v1/actors/APT29/export",
    "/", "/search",
    f"/taxii2/api/collections/{collection_id('G0016')}/objects/",
    f"/taxii2/api/collections/{collection_id('G0016')}/manifest/",
]
_SETTINGS = settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])


@_SETTINGS
@given(path=st.sampled_from(_PATHS), params=_PARAMS)
def test_query_parameters_never_break_the_server(client: Any, path: str, params: dict[str, str]) -> None:
    response = client.get(path, params=params, headers={"Accept": MEDIA_TYPE} if "taxii" in path else {})
    assert response.status_code in {200, 400, 404}, (path, params, response.text[:300])


@_SETTINGS
@given(segment=st.text(min_size=1, max_size=30))
def test_path_segments_never_break_the_server(client: Any, segment: str) -> None:
    quoted = quote(segment, safe="")
    for path in (f"/api/v1/actors/{quoted}", f"/api/v1/indicators/{quoted}", f"/api/v1/reports/{quoted}",
                 f"/actors/{quoted}", f"/indicators/{quoted}", f"/reports/{quoted}"):
        response = client.get(path)
        assert response.status_code in {200, 404, 400}, (path, response.text[:300])


@given(st.text(max_size=60))
def test_accept_and_timestamps_parse_anything(value: str) -> None:
    accepts_taxii(value)
    try:
        parse_timestamp(value, "x")
    except Exception as exc:
        assert type(exc).__name__ == "TaxiiError"
