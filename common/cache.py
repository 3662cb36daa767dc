"""The shared cache, forgiving when Redis is down: the site keeps serving, uncached, instead of failing.

Everything kept in the cache can be done without (pages are rendered again, the menu and the
publication schedule read from the database); what counts in it fails open: the comment and
login limits count nothing and a comment form's token is not claimed, while the honeypot, the
signed timing, moderation and passwords still stand. Each failure is logged, at most once a
minute per process, so that an outage is seen without flooding the logs.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
UNAVAILABLE = (RedisError, OSError)
_LOG_EVERY_SECONDS = 60


class ForgivingRedisCache(RedisCache):
    """Django's Redis cache, answering as an empty cache would while Redis cannot be reached."""

    _last_logged = 0.0

    def _unavailable(self, operation: str) -> None:
        now = time.monotonic()
        if now - ForgivingRedisCache._last_logged >= _LOG_EVERY_SECONDS:
            ForgivingRedisCache._last_logged = now
            logger.exception("Cache unavailable (%s): serving without it", operation)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNAVAILABLE:
            self._unavailable("get")
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNAVAILABLE:
            self._unavailable("get_many")
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNAVAILABLE:
            self._unavailable("has_key")
            return False

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNAVAILABLE:
            # As if added: « already there » would refuse what it guards (a form's token, a first count).
            self._unavailable("add")
            return True

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except UNAVAILABLE:
            self._unavailable("set")

    def set_many(self, data, timeout=None, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNAVAILABLE:
            self._unavailable("set_many")
            return list(data)

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNAVAILABLE:
            self._unavailable("touch")
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNAVAILABLE:
            self._unavailable("delete")
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except UNAVAILABLE:
            self._unavailable("delete_many")

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNAVAILABLE:
            # Counted as a first hit: limits fail open (the callers read ValueError as « not there »).
            self._unavailable("incr")
            raise ValueError(f"Key '{key}' not found: the cache is unavailable") from None

    def clear(self):
        try:
            return super().clear()
        except UNAVAILABLE:
            self._unavailable("clear")
            return False
