"""The cache's Redis connection pool is one per process, not one per request."""

from __future__ import annotations

import threading

from django.core.cache.backends.redis import RedisCache

from config.redis import SharedConnectionPool

URL = "redis://127.0.0.1:6379/9"


def test_cache_backends_made_in_different_threads_share_one_pool():
    pools = []

    def backend_pool() -> None:
        # What Django does for each request context: a new backend, then its pool.
        cache = RedisCache(URL, {"OPTIONS": {"pool_class": "config.redis.SharedConnectionPool"}})
        pools.append(cache._cache._get_connection_pool(write=True))

    threads = [threading.Thread(target=backend_pool) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(pools) == 3
    assert all(pool is pools[0] for pool in pools)


def test_another_server_gets_a_pool_of_its_own():
    first = SharedConnectionPool.from_url(URL)
    other = SharedConnectionPool.from_url("redis://127.0.0.1:6379/8")

    assert other is not first
    assert SharedConnectionPool.from_url(URL) is first
