"""Root subscription fields, one module per concept."""
