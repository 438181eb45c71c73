"""Root mutation fields, one module per concept; each validates, calls the domain in one transaction, maps."""
