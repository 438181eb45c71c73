"""Knowledge assets: publish a redacted case version, find it, subscribe to it, start a case from it."""
