"""The command line: the only part of unmask that prints or exits."""

from __future__ import annotations

from unmask.cli.app import app, main

__all__ = ["app", "main"]
