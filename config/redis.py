"""One Redis connection pool per process for the cache.

Django makes a cache backend per request context, and its Redis backend a connection pool
per backend: under ASGI every request would open a new connection to Redis. A pool shared
by the process (redis-py's pools are thread-safe) keeps connections open between requests.
"""

from __future__ import annotations

import threading

from redis import ConnectionPool

_pools: dict[tuple[str, str], ConnectionPool] = {}
_lock = threading.Lock()


class SharedConnectionPool(ConnectionPool):
    # Returns the process's pool for that URL (a plain ConnectionPool, made once), not a
    # new pool of this class: hence the narrower return type than the base's.
    @classmethod
    def from_url(cls, url: str, **options) -> ConnectionPool:  # type: ignore[override]
        key = (url, repr(sorted(options.items())))
        with _lock:
            if key not in _pools:
                _pools[key] = ConnectionPool.from_url(url, **options)
            return _pools[key]
