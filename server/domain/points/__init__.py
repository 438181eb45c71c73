"""Value points: rules, the ledger, awards, rewards and redemptions, orders and the ranking."""
