"""Clusters of pain points: full runs, placement between runs, views, events."""
