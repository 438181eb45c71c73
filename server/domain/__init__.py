"""Domain actions: plain arguments and a session in, domain objects out; no transport here."""
