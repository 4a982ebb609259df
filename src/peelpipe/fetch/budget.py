"""The run's budgets, shared by every Fetcher a run creates: requests, and seconds of Retry-After waits."""

from __future__ import annotations

import threading


class RequestBudget:
    """Caps on one run, shared by every Fetcher the run creates: requests (`limit`, 0: no cap) and
    seconds spent waiting as Retry-After asks (`wait_limit`, 0: no cap; None: the first Fetcher
    sets it from settings.retry_after_budget). Once either is spent, no
    more requests go out this run."""

    def __init__(self, limit: int, wait_limit: float | None = None) -> None:
        self.limit = limit
        self.used = 0
        self.wait_limit = wait_limit
        self.waited = 0.0
        self.out_of_time = False  # a Retry-After wait did not fit in what was left of wait_limit
        self._lock = threading.Lock()

    def left(self) -> int | None:
        """Requests still allowed, or None when there is no cap."""
        if self.out_of_time:
            return 0
        return None if self.limit <= 0 else max(0, self.limit - self.used)

    def wait(self, seconds: float) -> bool:
        """Count a Retry-After wait; False (and no more requests this run) when it does not fit."""
        with self._lock:
            if self.wait_limit and self.waited + seconds > self.wait_limit:
                self.out_of_time = True
                return False
            self.waited += seconds
            return True

    def spent_text(self) -> str:
        """Which budget stopped the run's requests."""
        if self.out_of_time:
            return f"retry_after_budget of {self.wait_limit or 0:g} s spent waiting as Retry-After asked"
        return f"request budget of {self.limit} exhausted"

    def spend(self) -> None:
        """Count one request."""
        with self._lock:
            self.used += 1
