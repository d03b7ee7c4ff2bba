"""Types of unmask's compiled core (rust/, built by maturin)."""

from unmask.errors import UnmaskError

__version__: str

class CoreError(UnmaskError):
    """A failure inside the compiled core (a panic, caught before it reaches Python)."""

def _panic_for_test() -> None: ...
