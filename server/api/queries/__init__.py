"""Root query fields, one module per concept."""
