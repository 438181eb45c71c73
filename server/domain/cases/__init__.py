"""Cases and their members."""
