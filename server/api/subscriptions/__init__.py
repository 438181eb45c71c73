"""Root subscription fields, one module per concept; each checks access and streams events with
`server.api.live`."""
