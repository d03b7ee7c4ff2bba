"""Defence: lookalike-domain watch, phishing e-mail triage, IOC sweeps over logs."""
