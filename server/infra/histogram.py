"""A fixed-bucket latency histogram, exported in the Prometheus text format."""

from __future__ import annotations

import bisect

# Seconds: 0.1 ms .. 1 s, roughly x2.5 per bucket.
BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0)


class Histogram:
    def __init__(self, name: str, help_text: str) -> None:
        self.name = name
        self.help_text = help_text
        self.counts = [0] * (len(BUCKETS) + 1)
        self.total = 0.0
        self.count = 0

    def observe(self, seconds: float) -> None:
        self.counts[bisect.bisect_left(BUCKETS, seconds)] += 1
        self.total += seconds
        self.count += 1

    def lines(self) -> list[str]:
        """The `_bucket`, `_sum` and `_count` series, cumulative as Prometheus expects."""
        out = [f"# HELP {self.name} {self.help_text}", f"# TYPE {self.name} histogram"]
        running = 0
        for bound, count in zip(BUCKETS, self.counts, strict=False):
            running += count
            out.append(f'{self.name}_bucket{{le="{bound}"}} {running}')
        out.append(f'{self.name}_bucket{{le="+Inf"}} {self.count}')
        out.append(f"{self.name}_sum {self.total:.6f}")
        out.append(f"{self.name}_count {self.count}")
        return out
