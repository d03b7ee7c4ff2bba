"""Types of unmask's compiled core (rust/, built by maturin)."""

from typing import Any

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

class TechniqueFeatures:
    """A technique model's vocabulary (feature -> weight row), for counting features."""

    def __init__(self, words: list[str]) -> None: ...
    @staticmethod
    def from_fixed(blob: bytes, width: int, rows: bytes) -> TechniqueFeatures: ...
    def __len__(self) -> int: ...
    def row(self, feature: str) -> int | None: ...
    def count_lists(self, lists: list[list[str]]) -> tuple[bytes, bytes, bytes]: ...
    def sentence_counts(
        self, texts: list[str], hits: list[list[str]], context: bool
    ) -> tuple[bytes, bytes, bytes]: ...

class TechniqueNames:
    """The technique stage's name and synonym rules, compiled (built once, read-only)."""

    def __init__(
        self,
        triggers: list[tuple[str, list[int], list[int]]],
        rules: list[tuple[str, str | None, int]],
        groups: int,
    ) -> None: ...
    @staticmethod
    def fold(text: str) -> str: ...
    def hits(self, texts: list[str]) -> list[list[int]]: ...
    def compile_all(self) -> None: ...
    def candidates(self, text: str) -> list[int]: ...

def sentence_features(texts: list[str], hits: list[list[str]]) -> list[list[str]]: ...
def with_context(feats: list[list[str]]) -> list[list[str]]: ...
def technique_scores(
    ptr: bytes,
    ids: bytes,
    counts: bytes,
    logs: Any,
    idf: Any,
    wptr: Any,
    cols: Any,
    vals: Any,
    bias: Any,
) -> bytearray: ...

def scan_windows(text: str) -> list[tuple[int, int]]: ...
def scan_compact(text: str) -> tuple[str, list[int], list[int]]: ...
def plain_punctuation(text: str) -> str: ...
def refang_edits(text: str) -> list[tuple[int, int, str]]: ...
