"""The demo team: people, cases and pain points seeded for `make run`."""
