"""The shared cache, forgiving: whatever fails in it, the site keeps serving, uncached, instead of failing.

Everything kept in the cache can be done without (pages are rendered again, the menu and the
publication schedule read from the database); what counts in it fails open: the comment and
login limits count nothing and a comment form's token is not claimed, while the honeypot, the
signed timing, moderation and passwords still stand.

One behaviour (``ForgivingCache``) for both backends the settings choose from: Django's Redis
cache and its file cache (the default with nothing configured). Any failure of the cache itself
— Redis down or hung, a full or read-only disk, an entry cut short — is answered as an empty
cache would answer, and logged at most once a minute per process and cache, so that an outage
is seen without flooding the logs. A write that fails removes the old value it meant to replace
where the cache still can, so that nothing outlives a change it could not record.

A Redis that hangs (frozen, or a network dropping packets) is worse than one that is down: each
call waits for its timeout, a second, and a page makes several calls (the page itself, the
purge clock, the tags' marks, the menu, the schedule, the limits). So a circuit breaker stops
asking after the first call that timed out or lost its connection: for ``BREAKER_SECONDS``
every call is answered at once, as by an empty cache; then one call goes through as a trial,
and an answer closes the breaker. Each worker process has its own breakers and pays one second
to learn of an outage.
"""

import logging
import math
import pickle
import threading
import time
import zlib
from dataclasses import dataclass

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
_LOG_EVERY_SECONDS = 60
_clock = time.monotonic  # tests travel past a breaker's pause through this
_UNANSWERED = object()


class CircuitBreaker:
    """Whether this process should ask a cache now, from how its last calls went.

    Closed, every call goes through. A slow failure opens it: for ``pause_seconds`` no call goes
    through, then one does, as a trial. Any answer from the cache, even an error it sent back,
    closes it; another slow failure opens it again. ``pause_seconds`` 0: it never opens.
    """

    def __init__(self, pause_seconds: float):
        self.pause_seconds = pause_seconds
        self._open_until: float | None = None
        self._trial_thread: int | None = None
        self._lock = threading.Lock()

    def allows_call(self) -> bool:
        if self._open_until is None:
            return True
        with self._lock:
            if self._open_until is None or self._trial_thread == threading.get_ident():
                return True  # closed meanwhile, or a call made within the trial (get_many calling get)
            now = _clock()
            if now < self._open_until:
                return False
            # This thread makes the trial; should it never report, another thread tries after a pause.
            self._open_until = now + self.pause_seconds
            self._trial_thread = threading.get_ident()
            return True

    def answered(self) -> None:
        if self._open_until is not None:
            with self._lock:
                self._open_until = self._trial_thread = None

    def failed_slowly(self) -> None:
        if self.pause_seconds > 0:
            with self._lock:
                self._open_until = _clock() + self.pause_seconds
                self._trial_thread = None


@dataclass
class _Health:
    """What this process knows of one cache (a Redis location, a folder): whether to ask it, and
    when its failure was last logged. Shared by the backend instances of every thread."""

    breaker: CircuitBreaker
    last_logged: float = -math.inf


_health_by_location: dict[str, _Health] = {}
_health_lock = threading.Lock()


def _health_of(location: str, pause_seconds: float) -> _Health:
    with _health_lock:
        health = _health_by_location.setdefault(location, _Health(CircuitBreaker(pause_seconds)))
    health.breaker.pause_seconds = pause_seconds
    return health


class ForgivingCache:
    """Makes a Django cache backend answer as an empty cache while the cache itself fails.

    Mixed in before the backend class. ``failures`` are the errors that mean the cache failed (not
    a bug of ours); ``slow_failures``, those among them that may have cost a wait, open the
    breaker. ``OPTIONS["BREAKER_SECONDS"]`` sets the breaker's pause (0: no breaker).

    A write that fails removes the value it meant to replace, where the cache still deletes (a full
    disk, a Redis out of memory): a purge that cannot raise its marks then drops them, and the
    pages they guard are rendered again instead of being served stale. A hung Redis deletes nothing
    either: a purge made while it is frozen is lost, and the pages it meant to renew may be served
    from Redis once it is back, until they expire.
    """

    failures: tuple[type[Exception], ...] = (OSError,)
    slow_failures: tuple[type[Exception], ...] = ()
    default_breaker_seconds: float = 0

    def __init__(self, location, params):
        options = dict(params.get("OPTIONS", {}))
        pause_seconds = float(options.pop("BREAKER_SECONDS", self.default_breaker_seconds))
        self._health = _health_of(str(location), pause_seconds)
        super().__init__(location, {**params, "OPTIONS": options})

    def _forgiving(self, operation: str, fallback, call, *args):
        """``call(*args)``, or ``fallback`` when the cache fails or the breaker keeps it from being asked."""
        breaker = self._health.breaker
        if not breaker.allows_call():
            return fallback
        try:
            result = call(*args)
        except self.failures as error:
            slow = isinstance(error, self.slow_failures)
            if slow:
                breaker.failed_slowly()
            else:
                breaker.answered()  # a quick refusal (a full disk, Redis out of memory) costs no wait
            self._log_failure(operation, slow=slow)
            return fallback
        except Exception:
            breaker.answered()  # the cache answered: the error is the caller's (incr of a missing key)
            raise
        breaker.answered()
        return result

    def _log_failure(self, operation: str, *, slow: bool) -> None:
        now = _clock()
        if now - self._health.last_logged < _LOG_EVERY_SECONDS:
            return
        self._health.last_logged = now
        pause = self._health.breaker.pause_seconds
        then = f", not asked again for {pause:g} s" if slow and pause else ""
        logger.exception("Cache unavailable (%s): serving without it%s", operation, then)

    def get(self, key, default=None, version=None):
        return self._forgiving("get", default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._forgiving("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._forgiving("has_key", False, super().has_key, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # As if added: « already there » would refuse what it guards (a form's token, a first count).
        return self._forgiving("add", True, super().add, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self._forgiving("set", _UNANSWERED, super().set, key, value, timeout, version) is _UNANSWERED:
            self._forget([key], version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        not_set = self._forgiving("set_many", list(data), super().set_many, data, timeout, version)
        self._forget(not_set, version)
        return not_set

    def _forget(self, keys, version) -> None:
        """Remove what a failed write meant to replace: an old value must not outlive the change."""
        if keys:
            self._forgiving("delete_many", None, super().delete_many, keys, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._forgiving("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._forgiving("delete", False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        self._forgiving("delete_many", None, super().delete_many, keys, version)

    def incr(self, key, delta=1, version=None):
        value = self._forgiving("incr", _UNANSWERED, super().incr, key, delta, version)
        if value is _UNANSWERED:
            # Counted as a first hit: limits fail open (the callers read ValueError as « not there »).
            raise ValueError(f"Key '{key}' not found: the cache is unavailable")
        return value

    def clear(self):
        return self._forgiving("clear", False, super().clear)


class _OneClientPerPool(RedisCacheClient):
    """Django's Redis client, keeping one ``redis.Redis`` per connection pool.

    Django builds a new one for every call (about 60 µs, a sixth of a cached page's whole cost);
    it holds nothing but its pool and options, and its pool is what is shared between threads.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ForgivingRedisCache(ForgivingCache, RedisCache):
    """Django's Redis cache, answering as an empty cache while Redis is down or hung.

    The settings give every call a one-second bound (``socket_connect_timeout`` for connecting,
    ``socket_timeout`` for the handshake and each command; redis-py retries nothing unless told
    to, and its default pool never waits for a free connection); the breaker then spares the
    next calls that second.
    """

    failures = (RedisError, OSError)
    slow_failures = (RedisConnectionError, RedisTimeoutError, OSError)
    default_breaker_seconds = 5

    def __init__(self, location, params):
        super().__init__(location, params)
        self._class = _OneClientPerPool

    def validate_key(self, key):
        # Django checks each key, character by character, against memcached's rules (about 30 µs for
        # a page's lookup); Redis takes any key, and ours are short and made by our code.
        pass


class ForgivingFileBasedCache(ForgivingCache, FileBasedCache):
    """Django's file cache, answering as an empty cache on a full or read-only disk.

    A failed write leaves nothing behind: Django writes each entry to a temporary file, renamed
    into place only once complete, and removed when writing it fails. An entry cut short anyway
    (by ``touch``, which rewrites in place, or a crash) reads as missing.
    """

    failures = (OSError, EOFError, pickle.UnpicklingError, zlib.error)

    def _createdir(self):
        # On start and before each write: a folder that cannot be made is a write that fails, not a
        # site that cannot start.
        self._forgiving("create its folder", None, super()._createdir)
