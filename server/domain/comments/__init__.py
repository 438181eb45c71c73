"""Comment threads: actions, reads, anchors and mentions."""
