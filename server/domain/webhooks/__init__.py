"""Outgoing webhooks: a team admin registers endpoints; events (proposals created or updated, pain points
adopted) are delivered to them as signed JSON POSTs, retried with back-off for a day, never lost.

An event's delivery rows are written in the transaction of the change that causes it, with a job per row in
the outbox (`events.emit`); the job sends one try and records it, scheduling the next try in the same
transaction (`jobs.deliver_webhook`). So a delivery survives any restart: its row and its next job are stored
before anything is sent.
"""
