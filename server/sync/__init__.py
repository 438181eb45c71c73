"""Live co-editing over the y-websocket protocol: protocol codec, rooms, durable log writer, fan-out."""
