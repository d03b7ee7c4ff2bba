"""extract_observables pauses the cyclic GC for the call and restores its state."""

from __future__ import annotations

import gc

import pytest

from unmask.errors import ExtractError
from unmask.extract.observables import extract_observables


@pytest.mark.parametrize("enabled", [True, False])
def test_gc_state_restored(enabled: bool) -> None:
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        found = extract_observables("beacon to evil-host[.]com and 203.0.113.9")
        assert {o.value for o in found} >= {"evil-host.com", "203.0.113.9"}
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


def test_gc_restored_after_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import unmask.extract.observables as module

    def broken(text: str) -> None:
        assert not gc.isenabled()  # paused while extracting
        raise ExtractError("boom")

    monkeypatch.setattr(module, "compact", broken)
    assert gc.isenabled()
    with pytest.raises(ExtractError, match="boom"):
        extract_observables("evil-host[.]com")
    assert gc.isenabled()


def test_spans_after_many_refang_edits() -> None:
    # Thousands of replaced pieces before an observable: its span still points at
    # exactly what was written.
    text = "x[.]y " * 5000 + "contact bob at mail-host dot org now"
    found = [o for o in extract_observables(text) if o.type == "email"]
    assert [o.value for o in found] == ["bob@mail-host.org"]
    span = found[0].span
    assert text[span.start : span.end] == found[0].surface == "bob at mail-host dot org"
