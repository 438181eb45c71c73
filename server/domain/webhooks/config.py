"""The webhook knobs an operator sets with WARROOM_WEBHOOK_* variables (read from `Settings.extra`)."""

from __future__ import annotations

from dataclasses import dataclass

from server.infra.config import Settings, float_setting

# The delay doubles from the first retry's up to this many doublings, then stays (30 s -> 2 h 8 min).
MAX_DOUBLINGS = 8


@dataclass(frozen=True)
class WebhookConfig:
    """Which addresses may be reached, how long a try may take, and the retry schedule."""

    allow_private: bool = False
    timeout_seconds: float = 10.0
    # The wait after the first failed try; each later wait doubles (see `delay`).
    backoff_seconds: float = 30.0
    # No try is scheduled later than this after the delivery was created (or redelivered): then FAILED.
    retry_seconds: float = 24 * 3600.0
    # How often each server looks for pending deliveries whose try is overdue (0: never), and how late a try
    # must be to count as lost (its job gone with a worker), not merely busy.
    sweep_seconds: float = 300.0
    overdue_seconds: float = 300.0

    @classmethod
    def from_settings(cls, settings: Settings) -> WebhookConfig:
        """Read WARROOM_WEBHOOK_ALLOW_PRIVATE, _TIMEOUT_SECONDS, _BACKOFF_SECONDS, _RETRY_SECONDS,
        _SWEEP_SECONDS and _OVERDUE_SECONDS."""
        env = settings.extra
        return cls(
            allow_private=(env.get("WARROOM_WEBHOOK_ALLOW_PRIVATE") or "").strip().lower() in _TRUE,
            timeout_seconds=float_setting(env, "WARROOM_WEBHOOK_TIMEOUT_SECONDS", cls.timeout_seconds, 0.1),
            backoff_seconds=float_setting(env, "WARROOM_WEBHOOK_BACKOFF_SECONDS", cls.backoff_seconds, 0.01),
            retry_seconds=float_setting(env, "WARROOM_WEBHOOK_RETRY_SECONDS", cls.retry_seconds, 0.0),
            sweep_seconds=float_setting(env, "WARROOM_WEBHOOK_SWEEP_SECONDS", cls.sweep_seconds, 0.0),
            overdue_seconds=float_setting(env, "WARROOM_WEBHOOK_OVERDUE_SECONDS", cls.overdue_seconds, 0.0),
        )

    def delay(self, failed_tries: int) -> float:
        """Seconds from the `failed_tries`-th failed try of a window to the next try."""
        return float(self.backoff_seconds * 2 ** min(max(failed_tries - 1, 0), MAX_DOUBLINGS))

    def schedule(self) -> list[float]:
        """When each try happens, in seconds after the first, within the retry window."""
        moments = [0.0]
        while moments[-1] + self.delay(len(moments)) <= self.retry_seconds:
            moments.append(moments[-1] + self.delay(len(moments)))
        return moments


_TRUE = {"1", "true", "yes", "on"}
