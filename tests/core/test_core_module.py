"""The compiled core (unmask._core) is built, typed and never lets a panic through."""

from __future__ import annotations

import pytest

from unmask import _core
from unmask.errors import UnmaskError


def test_core_error_is_an_unmask_error() -> None:
    assert issubclass(_core.CoreError, UnmaskError)
    assert _core.CoreError.__module__ == "unmask._core"


def test_a_panic_in_rust_arrives_as_core_error() -> None:
    with pytest.raises(_core.CoreError, match="deliberate test panic"):
        _core._panic_for_test()


def test_the_core_reports_its_version() -> None:
    assert _core.__version__.count(".") == 2
