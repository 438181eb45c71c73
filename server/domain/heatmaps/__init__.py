"""Heatmaps of cases and teams: reads, the stored pass over the log, its scheduler and job."""
