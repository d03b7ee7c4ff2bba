from __future__ import annotations

import unmask


def test_all_is_explicit_and_importable() -> None:
    assert isinstance(unmask.__all__, list)
    assert len(unmask.__all__) == len(set(unmask.__all__))
    for name in unmask.__all__:
        assert hasattr(unmask, name), name


def test_public_names_are_documented_api() -> None:
    expected = {"read", "read_all", "analyze", "Analysis", "Document", "Span", "UnmaskError",
                "extract_observables", "extract_techniques", "find_actors", "resolve_actor", "open", "KnowledgeBase"}
    assert expected <= set(unmask.__all__)


def test_errors_share_one_root() -> None:
    for name in unmask.__all__:
        obj = getattr(unmask, name)
        if isinstance(obj, type) and name.endswith("Error"):
            assert issubclass(obj, unmask.UnmaskError), name
