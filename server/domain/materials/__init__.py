"""Customer raw material: what a file is, its text, its redacted summary, its encrypted storage and access."""
