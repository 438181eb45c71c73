"""Raw customer material on a case: stored encrypted, shown to members as a redacted summary."""
