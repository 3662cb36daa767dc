"""Tags, the invalidation clock and purging: what pages say they show, and how a change reaches every server.

Each cached page records the *tags* of what it shows (``article:42``, ``section:3``,
``territory:7:articles``…). A change purges tags; every page carrying one of them is
stale from then on, on every app server, because the bookkeeping lives in the shared
cache (Redis in production), never in a process.

The bookkeeping is a counter, the *clock*, also in the shared cache:

- purging a tag increments the clock and records the new value as the tag's
  *invalidation mark*;
- a page being rendered reads the clock *before* it reads the database, and is stored
  with that value;
- a stored page is valid while every one of its tags has a mark no later than the
  page's clock value.

A purge runs once when it is asked for and again after the transaction commits. A
page that read the database before the commit therefore always has an older clock
value than the second purge, and is never kept, whatever the timing between servers.
Clocks of machines are never compared: only the shared counter is. A mark only ever
goes up (``raise_marks``), so two purges of one tag that cross cannot undo each other.

A tag whose mark is missing (never purged yet, or evicted by the cache) makes its
pages invalid until it is given a mark again, so an eviction can only cost a render,
never serve a stale page.

A page found invalid may still be served for a few seconds while one worker renders it again
(« stale while revalidate », see ``middleware``), unless one of its tags was purged *at once*:
content withdrawn from readers (an unpublished article, a rejected comment). Such a purge also
raises the tag's *at-once mark*, a second mark that only at-once purges raise, so that a later
ordinary purge of the same tag cannot hide it. A page may be served stale only while every one of
its tags has an at-once mark no later than the page's clock value; a missing at-once mark (evicted)
forbids it too, which is why storing a page gives its tags both marks.
"""

import contextlib
import contextvars
import fcntl
import inspect
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

CLOCK_KEY = "pagecache:clock"
TAG_KEY_PREFIX = "pagecache:tag:"
AT_ONCE_KEY_PREFIX = "pagecache:at-once:"


def page_cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def tag_key(tag: str) -> str:
    return TAG_KEY_PREFIX + tag


def at_once_key(tag: str) -> str:
    return AT_ONCE_KEY_PREFIX + tag


@dataclass
class PageRecord:
    """What the page being rendered shows (its tags) and until when it may be kept, at most."""

    clock: int
    tags: set[str] = field(default_factory=set)
    until: float | None = None  # a Unix time
    keepable: bool = False  # only a view that tags its page opts it in
    query: dict[str, str] = field(default_factory=dict)  # see ``canonical_query``


_current_page: contextvars.ContextVar[PageRecord | None] = contextvars.ContextVar("pagecache_page", default=None)


def tag(*tags: str) -> None:
    """Say that the page being rendered shows these things, and may be kept. Outside a request, does nothing."""
    record = _current_page.get()
    if record is not None:
        record.tags.update(tags)
        record.keepable = True


def depends_on(*tags: str) -> None:
    """Add tags to the page if its view keeps it, without opting it in (the menu of every page, say)."""
    record = _current_page.get()
    if record is not None:
        record.tags.update(tags)


def canonical_query(**values: object) -> None:
    """Say which query parameters the page being rendered read, each written as the page's own links write it.

    ``canonical_query(page=2)`` on page 2 of a list; a value of None: the page shows what it
    shows without the parameter (page 1). The page is kept only for the address whose query
    is exactly this (see ``PageCacheMiddleware``): ``?page=02``, ``?page=2&page=2`` or a value
    the view ignored show a real page, which is served but never kept as a copy of its own.
    """
    record = _current_page.get()
    if record is None:
        return
    for name, value in values.items():
        if value is None:
            record.query.pop(name, None)
        else:
            record.query[name] = str(value)


def cache_until(moment: datetime | float | None) -> None:
    """Say that the page being rendered changes by itself at this moment (a comment form closing, say)."""
    record = _current_page.get()
    if record is None or moment is None:
        return
    timestamp = moment.timestamp() if isinstance(moment, datetime) else float(moment)
    if timestamp <= time.time():
        return  # a change already behind us: the page shows it
    record.until = timestamp if record.until is None else min(record.until, timestamp)


def _seed() -> int:
    # Microseconds since the epoch: a clock lost with an evicted key comes back above
    # every value it ever gave, unless it counted more than one purge per microsecond.
    return time.time_ns() // 1000


def read_clock(known: int | None = None) -> int:
    """The clock's value; ``known``: the value already read with other keys, if the cache held one."""
    if known is not None:
        return int(known)
    cache = page_cache()
    value = cache.get(CLOCK_KEY)
    if value is None:
        cache.add(CLOCK_KEY, _seed(), timeout=None)
        value = cache.get(CLOCK_KEY)
    # Still none: the cache is unreachable (common.cache). Nothing can be kept; any value will do.
    return int(value) if value is not None else _seed()


def _tick() -> int:
    cache = page_cache()
    try:
        return int(cache.incr(CLOCK_KEY))
    except ValueError:  # no clock yet, or evicted
        cache.add(CLOCK_KEY, _seed(), timeout=None)
        return int(cache.incr(CLOCK_KEY))


def tag_marks(tags: Iterable[str]) -> dict[str, int | None]:
    """Each tag's invalidation mark, None where the cache holds none."""
    tags = list(tags)
    found = page_cache().get_many([tag_key(t) for t in tags])
    return {t: found.get(tag_key(t)) for t in tags}


def ensure_marks(tags: Iterable[str]) -> None:
    """Give both marks to tags that have none: the current clock, so that no page older than now passes.

    Added (a purge landing meanwhile keeps its mark) through the cache's own calls, which fail soft."""
    tags = list(tags)
    keys = [tag_key(t) for t in tags] + [at_once_key(t) for t in tags]
    cache = page_cache()
    found = cache.get_many(keys)
    missing = [key for key in keys if found.get(key) is None]
    if missing:
        now = read_clock()
        for key in missing:
            cache.add(key, now, timeout=None)


def _mark(tags: set[str], at_once: set[str] = frozenset()) -> None:
    """One tick for the purge; every tag's mark raised to it, and the at-once mark of ``at_once``'s tags."""
    if tags or at_once:
        keys = [tag_key(t) for t in tags | at_once] + [at_once_key(t) for t in at_once]
        raise_marks(keys, _tick())


# Two purges of one tag may cross: the earlier one's mark must never overwrite the later one's,
# or a page rendered before the later commit would pass. So a mark only ever goes up, atomically.
_RAISE_MARKS_SCRIPT = """
for _, key in ipairs(KEYS) do
  local current = tonumber(redis.call('GET', key))
  if current == nil or current < tonumber(ARGV[1]) then redis.call('SET', key, ARGV[1]) end
end
"""
_local_lock = threading.Lock()


def raise_marks(keys: list[str], mark: int) -> None:
    """Set each key to ``mark`` unless it already holds a higher one: in one Lua script on Redis,
    under a file lock for the file cache (one machine), under a process lock otherwise."""
    cache = page_cache()
    if isinstance(cache, RedisCache):
        redis_keys = [cache.make_and_validate_key(key) for key in keys]
        cache._cache.get_client(write=True).eval(_RAISE_MARKS_SCRIPT, len(redis_keys), *redis_keys, mark)
        return
    with _marks_lock(cache):
        current = cache.get_many(keys)
        behind = {key: mark for key in keys if current.get(key) is None or current[key] < mark}
        if behind:
            cache.set_many(behind, timeout=None)


@contextlib.contextmanager
def _marks_lock(cache):
    with _local_lock:
        if not isinstance(cache, FileBasedCache):
            yield
            return
        os.makedirs(cache._dir, exist_ok=True)
        with open(os.path.join(cache._dir, "pagecache-marks.lock"), "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)


# Every kept page carries this tag: purging it makes every page stale at once, for a batch of
# writes that touched too many tags to purge one by one (``purges_deferred``).
SITE_TAG = "site"
BATCH_PURGE_LIMIT = 200


@dataclass
class _Batch:
    tags: set[str] = field(default_factory=set)
    at_once: set[str] = field(default_factory=set)
    at_end: dict[type, Callable[[], None]] = field(default_factory=dict)


_batch: contextvars.ContextVar[_Batch | None] = contextvars.ContextVar("pagecache_batch", default=None)


@contextlib.contextmanager
def purges_deferred(*, discard: bool = False):
    """Collect the purges of a long batch of writes (an import) and make them once, at its end.

    A batch of thousands of saves would otherwise tick the clock and write marks thousands of
    times. Pages rendered while it runs may show its first writes or not; every page it changed
    is stale once it ends, on every server, as with purges one by one (all pages, through
    ``SITE_TAG``, when it touched more than ``BATCH_PURGE_LIMIT`` tags).

    ``discard``: the batch's writes are rolled back (a dry run): no page changed, none is purged.
    """
    batch = _Batch()
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
        if not discard:
            # Withdrawn tags once, at once (an at-once purge raises their ordinary mark too).
            withdrawn = _within_limit(batch.at_once) if batch.at_once else set()
            purge(*(_within_limit(batch.tags | batch.at_once) - withdrawn))
            purge(*withdrawn, at_once=True)
        for callback in batch.at_end.values():
            callback()


def _within_limit(tags: set[str]) -> set[str]:
    return tags if len(tags) <= BATCH_PURGE_LIMIT and SITE_TAG not in tags else {SITE_TAG}


def batching() -> bool:
    """Whether purges are being collected for the end of a batch (``purges_deferred``)."""
    return _batch.get() is not None


def at_batch_end(callback: Callable[[], None]):
    """Inside ``purges_deferred``, run ``callback`` once when the batch ends (once per kind): the callback
    of its kind that will run (the first one given, for the others to add their work to); None outside."""
    batch = _batch.get()
    if batch is None:
        return None
    return batch.at_end.setdefault(type(callback), callback)


# Purges this process could not write (the cache down, frozen or full): the pages stored before
# would otherwise outlive the change once the cache is back. Replayed by the next request this
# process serves (``replay_failed_purges``), until the cache takes them.
_failed_purges: set[str] = set()
_failed_at_once: set[str] = set()
_failed_purges_lock = threading.Lock()


def _mark_or_keep(tags: set[str], at_once: set[str] = frozenset()) -> None:
    try:
        _mark(tags, at_once)
    except Exception:  # the cache may be down: the change itself must still be saved
        logger.exception("Page cache: purge of %s failed; it will be replayed", sorted(tags | at_once))
        with _failed_purges_lock:
            _failed_purges.update(tags)
            _failed_at_once.update(at_once)


def replay_failed_purges() -> None:
    """Write the purges that failed earlier in this process, now that the cache may answer again."""
    if not (_failed_purges or _failed_at_once):  # read without the lock: the usual case costs nothing
        return
    with _failed_purges_lock:
        tags, at_once = set(_failed_purges), set(_failed_at_once)
        _failed_purges.clear()
        _failed_at_once.clear()
    _mark_or_keep(tags, at_once)


def purge(*tags: str, at_once: bool = False) -> None:
    """Make every cached page that shows one of these tags stale, here and on every app server.

    Runs at once (so the next request in this process already sees it) and again once the
    current transaction commits (so that no page rendered from the data before the commit
    survives). The CDN purge hook, if any, runs after the commit.

    ``at_once``: what these tags name was withdrawn from readers (an unpublished article, a
    rejected comment). Their pages are then never served stale while being rendered again,
    not even for the few seconds an ordinary purge allows (see ``middleware``).
    """
    tags = {t for t in tags if t}
    if not tags:
        return
    batch = _batch.get()
    if batch is not None:
        (batch.at_once if at_once else batch.tags).update(tags)
        return
    ordinary, withdrawn = (set(), tags) if at_once else (tags, set())
    _mark_or_keep(ordinary, withdrawn)
    pending = pending_on_commit(_PurgeAfterCommit)
    fresh = pending is None
    if fresh:
        pending = _PurgeAfterCommit()
    (pending.at_once if at_once else pending.tags).update(tags)
    if fresh:
        # Filled first: outside a transaction, on_commit runs it at once (the CDN hook got no tags).
        transaction.on_commit(pending)


def pending_on_commit(kind: type):
    """The callback of this kind already waiting for the current transaction's commit, if any.

    One saved article sends several signals; their after-commit work is done once.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return None
    return next((entry[1] for entry in connection.run_on_commit if isinstance(entry[1], kind)), None)


class _PurgeAfterCommit:
    def __init__(self):
        self.tags: set[str] = set()
        self.at_once: set[str] = set()

    def __call__(self) -> None:
        tags = sorted(self.tags | self.at_once)
        _mark_or_keep(self.tags - self.at_once, self.at_once)
        hook = purge_hook()
        if hook is not None:
            try:
                if takes_at_once(hook):
                    hook(tags, at_once=sorted(self.at_once))
                else:
                    hook(tags)
            except Exception:
                logger.exception("CDN purge hook failed for %s", tags)


def purge_hook() -> Callable[[list[str]], None] | None:
    path = settings.PAGE_CACHE_PURGE_HOOK
    return import_string(path) if path else None


def takes_at_once(hook: Callable) -> bool:
    """Whether a purge hook takes ``at_once=`` (the tags, among those given, to purge hard: content
    withdrawn, see ``purge``). A hook taking only the list of tags gets only that."""
    try:
        return "at_once" in inspect.signature(hook).parameters
    except (TypeError, ValueError):  # a callable without a signature Python can read
        return False


# Moments at which pages change without any write (a scheduled article appearing), by tag.

_expiry_sources: list[Callable[[set[str], float], float | None]] = []


def register_expiry_source(source: Callable[[set[str], float], float | None]) -> None:
    """``source(tags, now)`` returns the next moment after ``now`` at which a page with these tags changes."""
    if source not in _expiry_sources:
        _expiry_sources.append(source)


def next_change(tags: set[str], now: float) -> float | None:
    moments = [moment for source in _expiry_sources if (moment := source(tags, now)) is not None]
    return min(moments, default=None)


# Cookies that make a page someone's own: requests that carry one are never served from, nor stored in, the cache.

_personal_cookies: set[str] = set()


def register_personal_cookies(*names: str) -> None:
    _personal_cookies.update(names)


def personal_cookie_names() -> set[str]:
    return {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "messages", *_personal_cookies}
