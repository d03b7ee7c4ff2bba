"""REST, TAXII 2.1 and the web UI."""
