"""Reads from the PostgreSQL read replica, for anonymous readers only, and never a stale read of one's own write.

With ``DATABASE_REPLICA_URL`` set, the settings add the ``replica`` database, ``ReplicaRouter`` and
``ReplicaRoutingMiddleware``. A query goes to the replica only when all of these hold:

- it is made while serving a request (``ReplicaRoutingMiddleware`` sets a context variable for
  the request and clears it after): management commands, migrations, the task worker and the
  shell always read the primary;
- the request is a read (GET or HEAD) from someone without a session cookie: staff and anyone
  signed in read the primary, and so does every form sent (it reads what it is about to change);
- nothing was written yet in this request (``db_for_write`` turns the rest of it to the primary)
  and no transaction is open on the primary;
- the visitor wrote nothing in the last ``REPLICA_PIN_SECONDS`` (after a write, a signed cookie
  pins them to the primary: an anonymous commenter sees their held comment at once);
- nobody wrote anything in the last ``REPLICA_FENCE_SECONDS`` (the write fence, a mark in the
  shared cache): a write purges the pages, menus and schedules it changes, and what is rendered
  again right after must come from the primary, or a replica a few milliseconds behind would put
  the old data back in the shared cache until the next purge;
- this process last found the replica reachable and less than ``REPLICA_MAX_LAG_SECONDS`` behind.

The replica's state is known per process (``ReplicaHealth``): checked at most every
``REPLICA_CHECK_SECONDS`` while it is well, and ``REPLICA_RETRY_SECONDS`` after a failure; the
check is one short query on the replica's connection, with a short connect timeout (settings). A
request decides once, at its first read, and keeps to its choice, unless the replica fails under
it: a replica query or connection that fails marks the replica down in this process, and a read
request (GET, HEAD) that wrote nothing is run again, whole, on the primary. See
docs/database-replica.md.
"""

import contextlib
import contextvars
import logging
import sys
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signals
from django.core.cache import cache
from django.core.signing import BadSignature
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections

import pagecache

REPLICA_DB_ALIAS = "replica"
# Set on a visitor's browser after a write: their reads go to the primary until it expires.
PIN_COOKIE = "lecture_fraiche"
PIN_COOKIE_SALT = "newsroom.replica.pin"
READ_METHODS = {"GET", "HEAD"}
# In the shared cache: until when (Unix time) everyone reads the primary, after the last write.
FENCE_KEY = "replica:fence"

# How far behind the replica is, in seconds; 0 when it has replayed all it received and still
# streams (an idle primary writes nothing: the last replayed commit's age then grows without any
# lag); NULL when it cannot tell (nothing replayed since it started, nor streaming).
LAG_QUERY = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
        AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver) THEN 0
    ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
END
"""

logger = logging.getLogger(__name__)
_clock = time.monotonic  # tests travel in time through this


@dataclass(frozen=True)
class ReplicaState:
    """What this process last learned of the replica."""

    usable: bool
    lag_seconds: float | None
    reason: str  # in French: shown by /sante/
    checked_at: float


class ReplicaHealth:
    """Whether to read from the replica, from this process's last check, made again when it is due.

    One thread checks at a time; the others keep to the last answer meanwhile (or the primary
    before any answer), so that a replica that does not answer stalls one request, not all.
    """

    def __init__(self):
        self._state: ReplicaState | None = None
        self._lock = threading.Lock()

    @property
    def state(self) -> ReplicaState | None:
        return self._state

    def usable(self) -> bool:
        state = self._state
        if state is None or _clock() >= self._due(state):
            if self._lock.acquire(blocking=False):
                try:
                    state = self._state = self._check()
                finally:
                    self._lock.release()
            state = self._state
        return state is not None and state.usable

    def mark_down(self, reason: str) -> None:
        self._state = ReplicaState(False, None, reason, _clock())

    def forget(self) -> None:
        self._state = None

    @staticmethod
    def _due(state: ReplicaState) -> float:
        # Within the bound or behind it, the replica answers: asked again soon. Out of reach (or its
        # lag unknown): left alone longer, each try may cost a connect timeout.
        answered = state.lag_seconds is not None
        pause = settings.REPLICA_CHECK_SECONDS if answered else settings.REPLICA_RETRY_SECONDS
        return state.checked_at + pause

    def _check(self) -> ReplicaState:
        now = _clock()
        try:
            with connections[REPLICA_DB_ALIAS].cursor() as cursor:
                cursor.execute(LAG_QUERY)
                (lag,) = cursor.fetchone()
        except (OperationalError, InterfaceError):
            logger.warning("Read replica unreachable: reading from the primary", exc_info=True)
            return ReplicaState(False, None, "injoignable", now)
        if lag is None:
            return ReplicaState(False, None, "retard inconnu", now)
        lag = max(float(lag), 0.0)
        if lag > settings.REPLICA_MAX_LAG_SECONDS:
            logger.warning("Read replica %.1f s behind: reading from the primary", lag)
            return ReplicaState(False, lag, f"en retard de {lag:.1f} s".replace(".", ","), now)
        return ReplicaState(True, lag, "ok", now)


health = ReplicaHealth()


def last_known_state() -> ReplicaState | None:
    """What this process knows of the replica without asking it (None: not checked yet)."""
    return health.state


def raise_fence() -> None:
    """After a write: everyone, on every app server, reads the primary for ``REPLICA_FENCE_SECONDS``."""
    seconds = settings.REPLICA_FENCE_SECONDS
    if seconds > 0:
        cache.set(FENCE_KEY, time.time() + seconds, seconds)


def fenced() -> bool:
    """Whether someone wrote in the last ``REPLICA_FENCE_SECONDS`` (one shared cache read)."""
    if settings.REPLICA_FENCE_SECONDS <= 0:
        return False
    until = cache.get(FENCE_KEY)
    return until is not None and until > time.time()


# Outside requests (the task worker, a command), writes raise the fence at most this often per process.
_OUTSIDE_FENCE_EVERY_SECONDS = 1.0
_outside_fence_at = -float("inf")


def _raise_fence_outside_requests() -> None:
    global _outside_fence_at
    now = _clock()
    if now - _outside_fence_at >= _OUTSIDE_FENCE_EVERY_SECONDS:
        _outside_fence_at = now
        raise_fence()


@dataclass
class RequestRouting:
    """One request's reading rules: whether it may read the replica, and what happened since."""

    may_read_replica: bool
    decided: bool | None = None  # the replica chosen (True) or not, at the request's first read
    wrote: bool = False
    replica_failed: bool = False

    def reads_replica(self) -> bool:
        if not self.may_read_replica or self.wrote or self.replica_failed:
            return False
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return False  # a transaction on the primary reads what it is writing
        if self.decided is None:
            self.decided = health.usable() and not fenced()
        return self.decided

    def writes(self) -> None:
        if not self.wrote:
            self.wrote = True  # the rest of the request, and the visitor for a while, read the primary
            raise_fence()


_routing: contextvars.ContextVar[RequestRouting | None] = contextvars.ContextVar("replica_routing", default=None)


class ReplicaRouter:
    """Reads to the replica under the rules above; writes, migrations and everything else to the primary."""

    def db_for_read(self, model, **hints):
        routing = _routing.get()
        if routing is not None and routing.reads_replica():
            return REPLICA_DB_ALIAS
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        routing = _routing.get()
        if routing is None:
            _raise_fence_outside_requests()
        else:
            routing.writes()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two servers

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def _pinned(request) -> bool:
    try:
        request.get_signed_cookie(PIN_COOKIE, salt=PIN_COOKIE_SALT, max_age=settings.REPLICA_PIN_SECONDS)
    except (KeyError, BadSignature):
        return False
    return True


def may_read_replica(request) -> bool:
    return (
        request.method in READ_METHODS and settings.SESSION_COOKIE_NAME not in request.COOKIES and not _pinned(request)
    )


class ReplicaRoutingMiddleware:
    """Sets the request's reading rules, runs a read again on the primary when the replica failed
    under it, and pins a visitor who wrote to the primary for ``REPLICA_PIN_SECONDS``."""

    def __init__(self, get_response):
        self.get_response = get_response
        # A pinned visitor's pages are their own: rendered from the primary, never from nor into the
        # page cache, which may hold a page rendered from the replica just before their write arrived.
        pagecache.register_personal_cookies(PIN_COOKIE)

    def __call__(self, request):
        routing = RequestRouting(may_read_replica=may_read_replica(request))
        token = _routing.set(routing)
        try:
            response = self.get_response(request)
            if routing.replica_failed and not routing.wrote:
                # Answered with a 503 (newsroom.errors); the replica is now marked down in this
                # process, and a read that wrote nothing can safely be made again.
                logger.warning(
                    "Read replica failed during %s %s: served again from the primary", request.method, request.path
                )
                response = self.get_response(request)
            if routing.wrote:
                raise_fence()  # again, now that it is committed: the fence lasts from the commit
            if routing.wrote and settings.SESSION_COOKIE_NAME not in request.COOKIES:
                # Staff read the primary anyway (their session cookie): the pin is for anonymous visitors.
                response.set_signed_cookie(
                    PIN_COOKIE,
                    "1",
                    salt=PIN_COOKIE_SALT,
                    max_age=settings.REPLICA_PIN_SECONDS,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
            return response
        finally:
            _routing.reset(token)


def _replica_failed(sender, request=None, **kwargs):
    """A request failed on a database error: if it read the replica and the replica's connection saw
    the error, the replica is marked down in this process and the request is to be run again."""
    routing = _routing.get()
    if routing is None or not routing.decided or not isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        return
    replica = connections[REPLICA_DB_ALIAS]
    if not replica.errors_occurred:
        return  # the primary failed: reading it again would not help
    health.mark_down("en panne pendant une requête")
    routing.replica_failed = True
    with contextlib.suppress(DatabaseError):
        replica.close()  # its connection is broken: the next check opens a new one


signals.got_request_exception.connect(_replica_failed, dispatch_uid="newsroom.replica.replica_failed")
