"""Counting a reading: one per reader, article and hour, in one Redis round trip, with nothing kept about the reader.

A reader is a hash of their address (an IPv6 /64 as one address, as ``common.ratelimit`` does)
and user agent, keyed by a salt derived from ``SECRET_KEY`` and the day: the same reader gives
another hash tomorrow, and the hash itself lives in Redis only until its hour is over. Neither
the address nor the user agent is written anywhere.

In Redis, for the hour ``h`` (hours since 1970, UTC):

- ``popularity:seen:<h>:<article>``: the set of the hashes of that hour's readers of the article,
  gone a few minutes after the hour ends;
- ``popularity:hour:<h>``: the hour's running total per article (a hash, article id → count),
  kept ``TOTALS_SECONDS`` for ``flush_readings`` to copy into the database.

Without Redis (``make run`` on files), the cache's ``add`` stands for the set and the database row
is counted directly: one query per new reading, fine for a development machine, not for a newsroom.
"""

import hashlib
import hmac
import re
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from redis.exceptions import RedisError

from articles.models import Article
from common.ratelimit import client_ip, sender
from pagecache.origin import cross_site

from .models import ArticleReadings

# The seen sets outlive their hour by a little, for beacons of app servers whose clocks differ by that much.
SEEN_MARGIN_SECONDS = 600
# How long an hour's totals wait in Redis for ``flush_readings``: a worker stopped for a day loses nothing.
TOTALS_SECONDS = 48 * 3600
MAX_ARTICLE_ID = 2**31 - 1

# Robots that run JavaScript still say so in their user agent; a browser that only prefetches or
# prerenders a page says so in these headers (a prerendered page sends its beacon once shown: see beacon.js).
_ROBOT = re.compile(
    r"bot|crawl|spider|slurp|preview|scrap|fetch|headless|lighthouse|pingdom|monitor|archiver|"
    r"facebookexternalhit|embedly|whatsapp|python|curl|wget|httpclient|okhttp|java/|go-http|node-fetch|axios",
    re.IGNORECASE,
)
_PREFETCH_HEADERS = ("HTTP_PURPOSE", "HTTP_SEC_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ")

# One round trip: the reader added to the hour's set of this article's readers and, if they were not
# in it yet, the article's hour total raised by one. KEYS: the seen set, the hour's totals.
# ARGV: the reader's hash, the set's lifetime, the article id, the totals' lifetime.
_COUNT_SCRIPT = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
redis.call('EXPIRE', KEYS[2], ARGV[4])
return 1
"""


def shared_cache():
    return caches["default"]


def redis_client():
    """The raw client of the shared cache when it is Redis, else None."""
    cache = shared_cache()
    return cache._cache.get_client(write=True) if isinstance(cache, RedisCache) else None


def redis_key(key: str) -> str:
    """``key`` with the cache's prefix: sites sharing one Redis never mix their counts."""
    return shared_cache().make_key(key)


def current_hour(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // 3600)


def hour_start(hour: int) -> datetime:
    return datetime.fromtimestamp(hour * 3600, tz=UTC)


def seen_key(hour: int, article_id: int) -> str:
    return f"popularity:seen:{hour}:{article_id}"


def totals_key(hour: int) -> str:
    return f"popularity:hour:{hour}"


def is_robot_or_prefetch(request) -> bool:
    agent = request.META.get("HTTP_USER_AGENT", "")
    if not agent or _ROBOT.search(agent):
        return True
    return any("prefetch" in request.META.get(header, "").lower() for header in _PREFETCH_HEADERS)


_salt: tuple[str, bytes] = ("", b"")


def daily_salt(day: str) -> bytes:
    """A key for the readers' hashes that changes each day (UTC) and is never stored: derived, not drawn."""
    global _salt
    if _salt[0] != day:
        _salt = (day, hmac.new(settings.SECRET_KEY.encode(), f"popularity:{day}".encode(), hashlib.sha256).digest())
    return _salt[1]


def reader_hash(request, now: float) -> str | None:
    """Who read, as 16 hex digits no one can turn back into an address; None without a readable address."""
    address = client_ip(request)
    if address is None:
        return None
    day = time.strftime("%Y-%m-%d", time.gmtime(now))
    reader = f"{sender(address)}\n{request.META.get('HTTP_USER_AGENT', '')}".encode()
    return hashlib.blake2b(reader, key=daily_salt(day), digest_size=8).hexdigest()


def count_reading(request, article_id: int) -> bool:
    """Count this request as a reading of the article unless it comes from a robot, another site or a
    reader already counted for it this hour; whether it was counted. Never raises for Redis."""
    if not 0 < article_id <= MAX_ARTICLE_ID or is_robot_or_prefetch(request) or cross_site(request):
        return False
    now = time.time()
    reader = reader_hash(request, now)
    if reader is None:
        return False
    hour = current_hour(now)
    seen_seconds = int((hour + 1) * 3600 - now) + SEEN_MARGIN_SECONDS
    client = redis_client()
    if client is None:
        return _count_without_redis(hour, article_id, reader, seen_seconds)
    keys = [redis_key(seen_key(hour, article_id)), redis_key(totals_key(hour))]

    def count() -> bool:
        return bool(_script(client)(keys=keys, args=[reader, seen_seconds, article_id, TOTALS_SECONDS], client=client))

    # A reading is lost while Redis is out, and none waits for a Redis that hangs once the shared
    # cache's breaker has opened (common/cache.py): the reader's page was served all the same.
    forgiving = getattr(shared_cache(), "_forgiving", None)
    if forgiving is not None:
        return forgiving("count a reading", False, count)
    try:
        return count()
    except RedisError:
        return False


_scripts: dict[int, object] = {}


def _script(client):
    # redis-py's Script sends EVALSHA, and the script itself only the first time Redis does not know it.
    script = _scripts.get(id(client))
    if script is None:
        script = _scripts[id(client)] = client.register_script(_COUNT_SCRIPT)
    return script


def _count_without_redis(hour: int, article_id: int, reader: str, seen_seconds: int) -> bool:
    if not shared_cache().add(f"{seen_key(hour, article_id)}:{reader}", 1, seen_seconds):
        return False
    table, articles = ArticleReadings._meta.db_table, Article._meta.db_table
    with connection.cursor() as cursor:
        # From the article's row, so that an id of no article counts nothing (and breaks no foreign key).
        cursor.execute(
            f"INSERT INTO {table} (article_id, hour, count) SELECT id, %s, 1 FROM {articles} WHERE id = %s "
            f"ON CONFLICT (article_id, hour) DO UPDATE SET count = {table}.count + 1",
            [connection.ops.adapt_datetimefield_value(hour_start(hour)), article_id],
        )
    return True
