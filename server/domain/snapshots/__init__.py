"""Version snapshots: taking, diffing and restoring them, their scheduler and job."""
