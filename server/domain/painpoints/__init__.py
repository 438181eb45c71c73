"""Pain points: the quality gate, submitting, vectors, duplicates and their jobs."""
