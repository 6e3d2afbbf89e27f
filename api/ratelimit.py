"""A per-client request rate limit: a fixed-window counter in the cache.

Why the cache and not a database row: the check runs on every API request, and a row
updated on every request is a write on the primary database (SQLite serialises all
writers, so it would queue behind the run pipeline's output writes). The cache gives an
atomic increment (Redis INCR; LocMem increments under a lock) and keys that expire on
their own, so there is no read-then-write race and nothing to clean up.

The key is the client and the window's start, so each window starts from zero. A fixed
window lets a client send up to twice the limit across a window boundary; that is fine for
flood protection (quotas, not this, are what bound spending).

The embedded default cache is per process (LocMem); production sets REDIS_URL, so every
server process counts in the same Redis.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.cache import cache


def _now() -> float:
    """The one place this module reads the clock (tests move it)."""
    return time.time()


@dataclass(frozen=True)
class RateLimitState:
    limit: int
    remaining: int
    reset_seconds: int  # until the window ends
    allowed: bool

    @property
    def resets_at(self) -> datetime:
        return datetime.fromtimestamp(_now() + self.reset_seconds, tz=UTC)

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_seconds),
        }


def rate_limit_hit(client: str, *, limit: int, window_seconds: int) -> RateLimitState:
    """Count one request of `client` in the current window and say whether it may go on."""
    now = _now()
    window_start = int(now // window_seconds) * window_seconds
    key = f"api:rate:{client}:{window_seconds}:{window_start}"
    # Lives past the window's end, so it cannot expire between add() and incr().
    cache.add(key, 0, timeout=window_seconds + 1)
    count = cache.incr(key)
    return RateLimitState(
        limit=limit,
        remaining=max(0, limit - count),
        reset_seconds=max(1, math.ceil(window_start + window_seconds - now)),
        allowed=count <= limit,
    )
