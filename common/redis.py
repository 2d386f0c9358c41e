"""One Redis client per process for the app's own keys (the Celery broker has its own pool)."""

from __future__ import annotations

import functools

import redis
from django.conf import settings


@functools.cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)


def redis_client() -> redis.Redis:
    return _client(settings.REDIS_URL)
