"""Root subscription fields, one module per concept; each authenticates, then streams events of the bus."""
