"""Knowledge base: every analysis folded into one picture per actor (issue 7)."""
