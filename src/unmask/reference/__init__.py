"""Reference data: MISP galaxies, warninglists, ATT&CK and the public suffix list,
compiled into fast indexes and cached on disk (see :mod:`unmask.reference.cache`)."""

from __future__ import annotations

from unmask.reference.cache import cache_dir, load_compiled, set_build_observer

__all__ = ["cache_dir", "load_compiled", "set_build_observer"]
