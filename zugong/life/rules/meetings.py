"""Rules (being built)."""
