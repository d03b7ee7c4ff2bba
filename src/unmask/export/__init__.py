"""Writers: analyses (or knowledge-base selections) to STIX 2.1, MISP, ATT&CK Navigator,
Markdown and CSV. Each is a pure function; see docs/exports.md.

- :func:`unmask.export.stix.to_stix` / ``to_stix_json`` -- a STIX 2.1 bundle (``stix2``)
- :func:`unmask.export.misp.to_misp` / ``to_misp_json`` -- a PyMISP ``MISPEvent``
- :func:`unmask.export.navigator.to_navigator` -- ATT&CK Navigator layers (format 4.5)
- :func:`unmask.export.markdown.to_markdown` -- a brief for a ticket
- :func:`unmask.export.csv.to_csv` -- one row per finding
- :func:`unmask.export.knowledge.query_knowledge` -- select from the knowledge base

The submodules are imported on demand: ``stix2`` and PyMISP take seconds to import.
"""
