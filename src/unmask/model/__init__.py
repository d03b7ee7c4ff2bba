"""Data model: documents, spans, findings and analyses (standard library only)."""

from __future__ import annotations

from unmask.model.analysis import SCHEMA_VERSION, Analysis, ExtractContext
from unmask.model.document import Attachment, Document, Metadata, Page, Span
from unmask.model.findings import (
    ActorMention,
    AliasStatement,
    Attribution,
    Event,
    Finding,
    MalwareMention,
    Observable,
    Skipped,
    TargetMention,
    TechniqueMention,
)
from unmask.model.structure import Passage, Structure

__all__ = [
    "SCHEMA_VERSION",
    "ActorMention",
    "AliasStatement",
    "Analysis",
    "Attachment",
    "Attribution",
    "Document",
    "Event",
    "ExtractContext",
    "Finding",
    "MalwareMention",
    "Metadata",
    "Observable",
    "Page",
    "Passage",
    "Skipped",
    "Span",
    "Structure",
    "TargetMention",
    "TechniqueMention",
]
