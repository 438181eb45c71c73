"""Root subscription fields, one module per concept; each checks access with `server.api.live`."""
