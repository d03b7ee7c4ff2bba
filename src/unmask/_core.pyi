"""Types of unmask's compiled core (rust/, built by maturin)."""

from unmask.errors import UnmaskError

__version__: str

class CoreError(UnmaskError):
    """A failure inside the compiled core (a panic, caught before it reaches Python)."""

def _panic_for_test() -> None: ...

class SweepMatcher:
    """The compiled sweep matcher of an indicator set (built once, read-only)."""

    def __init__(
        self,
        entries: list[tuple[str, str, int, int, bool, bool, int, int]],
        hashes: list[tuple[str, int]],
        ranges: list[tuple[int, int, int]],
    ) -> None: ...
    def scan(self, text: str, skip: int, limit: int) -> list[tuple[int, int, int, int]]: ...
