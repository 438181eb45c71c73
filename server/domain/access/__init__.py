"""Visibility: regions, the team's policies, and what a person may see because of them and their
memberships (docs/access.md)."""
