"""Writers: STIX 2.1, MISP, ATT&CK Navigator, JSON, CSV and Markdown (issue 8)."""
