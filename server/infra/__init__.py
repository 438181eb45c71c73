"""Infrastructure every feature shares: settings, database, pub/sub, events, locks, job queues, logs."""
