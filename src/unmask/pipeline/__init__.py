"""The pipeline: a Document in, an Analysis out."""

from __future__ import annotations

from unmask.pipeline.analyze import analyze, document_from_text

__all__ = ["analyze", "document_from_text"]
